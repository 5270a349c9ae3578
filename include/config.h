/*
 * config — the settings a person may change with `manyi config set`, each
 * with its default and its allowed range.  A value is stored in the
 * database's settings (meta "setting." NAME); config_get() returns the
 * stored value, or the default when none is stored (or the stored one is no
 * longer within the range).
 */
#ifndef MANYI_CONFIG_H
#define MANYI_CONFIG_H

#include <stdbool.h>

#include "store.h"

enum config_key {
	CONFIG_REPLY_DAYS,             /* followup_reply_days: working days to reply, 5 */
	CONFIG_RECTIFY_DAYS,           /* followup_rectify_days: working days to rectify, 15 */
	CONFIG_CONTACT_RETENTION_DAYS, /* contact_retention_days: days a closed case's contact is kept, 30 */
	CONFIG_COMPLAINT_DAYS,         /* complaint_forward_days: working days an agency has, 10 */
	CONFIG_LOOKUP_PER_HOUR,        /* officer_lookups_per_hour: per address, 60 */
	CONFIG_OFFICER_MIN_N,          /* officer_min_n: smallest n shown per officer, 30 */
	/* Integrity flags (docs/integrity.md): */
	CONFIG_SPEED_MS_PER_ITEM,      /* integrity_speed_ms_per_item: faster is "speed", 2000 (0: off) */
	CONFIG_BURST_ANSWERS,          /* integrity_burst_answers: answers from one network, 5 */
	CONFIG_BURST_MINUTES,          /* integrity_burst_minutes: ... within so many minutes, 60 */
	CONFIG_LATE_DAYS,              /* integrity_late_days: an invitation answered later is "late", 30 */
	CONFIG_DEVICE_ENCOUNTERS,      /* integrity_device_encounters: one device's answers a day, 5 */
	CONFIG__MAX
};

/* One setting: its name, default, range and what it means (English). */
struct config_info {
	const char *name;
	long def, min, max;
	const char *unit;
	const char *help;
};

/* The description of key (every key below CONFIG__MAX has one). */
const struct config_info *config_info(enum config_key key);
/* The key named name into *key; false when no setting has that name. */
bool config_find(const char *name, enum config_key *key);
/* The stored value, or the default when none is stored or it is out of range. */
long config_get(struct store *s, enum config_key key);
/* Whether a value is stored for key (false: config_get gives the default). */
bool config_is_set(struct store *s, enum config_key key);
/*
 * Store value for key: STORE_ERR_CONSTRAINT (nothing stored) when it is out
 * of the key's range.  The caller writes the audit row in the same
 * transaction.
 */
enum store_err config_set(struct store *s, enum config_key key, long value);

#endif
