/* config — see include/config.h: the settings, their defaults and ranges. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static const struct config_info infos[CONFIG__MAX] = {
	[CONFIG_REPLY_DAYS] = {"followup_reply_days", 5, 1, 60, "working days",
	                       "working days an agency has to reply to a follow-up case"},
	[CONFIG_RECTIFY_DAYS] = {"followup_rectify_days", 15, 1, 120, "working days",
	                         "working days an agency has to rectify a follow-up case"},
	[CONFIG_CONTACT_RETENTION_DAYS] = {"contact_retention_days", 30, 1, 365, "days",
	                                   "days a closed case's call-back contact is kept before it is purged"},
	[CONFIG_COMPLAINT_DAYS] = {"complaint_forward_days", 10, 1, 60, "working days",
	                           "working days an agency has to answer a forwarded complaint"},
	[CONFIG_LOOKUP_PER_HOUR] = {"officer_lookups_per_hour", 60, 1, 10000, "lookups",
	                            "public officer lookups allowed per address and hour"},
	[CONFIG_OFFICER_MIN_N] = {"officer_min_n", 30, 1, 100000, "answers",
	                          "fewest answers for an officer's satisfaction to be shown"},
	[CONFIG_SPEED_MS_PER_ITEM] = {"integrity_speed_ms_per_item", 2000, 0, 60000, "ms",
	                              "an answer sent sooner after its form was shown than this per "
	                              "item is flagged speed (0: never)"},
	[CONFIG_BURST_ANSWERS] = {"integrity_burst_answers", 5, 2, 32, "answers",
	                          "this many answers for one agency from one network within "
	                          "integrity_burst_minutes are flagged burst"},
	[CONFIG_BURST_MINUTES] = {"integrity_burst_minutes", 60, 1, 1440, "minutes",
	                          "the window of the burst rule"},
	[CONFIG_LATE_DAYS] = {"integrity_late_days", 30, 1, 3650, "days",
	                      "an invitation answered more than this many days after its encounter "
	                      "is flagged late"},
	[CONFIG_DEVICE_ENCOUNTERS] = {"integrity_device_encounters", 5, 2, 32, "answers",
	                              "this many answers in a day from one device fingerprint "
	                              "are flagged device"},
};

const struct config_info *config_info(enum config_key key)
{
	return (unsigned)key < CONFIG__MAX ? &infos[key] : NULL;
}

bool config_find(const char *name, enum config_key *key)
{
	for (int k = 0; k < CONFIG__MAX; k++) {
		if (name != NULL && strcmp(name, infos[k].name) == 0) {
			*key = (enum config_key)k;
			return true;
		}
	}
	return false;
}

/* The stored value of key into *v; false when none is stored or it is not valid. */
static bool stored(struct store *s, enum config_key key, long *v)
{
	char text[32];
	const struct config_info *ci = config_info(key);
	if (ci == NULL || store_setting_get(s, ci->name, text, sizeof text) != STORE_OK)
		return false;
	return parse_long(text, ci->min, ci->max, v);
}

long config_get(struct store *s, enum config_key key)
{
	long v;
	if (stored(s, key, &v))
		return v;
	const struct config_info *ci = config_info(key);
	return ci != NULL ? ci->def : 0;
}

bool config_is_set(struct store *s, enum config_key key)
{
	long v;
	return stored(s, key, &v);
}

enum store_err config_set(struct store *s, enum config_key key, long value)
{
	const struct config_info *ci = config_info(key);
	if (ci == NULL || value < ci->min || value > ci->max)
		return STORE_ERR_CONSTRAINT;
	char text[32];
	snprintf(text, sizeof text, "%ld", value);
	return store_setting_put(s, ci->name, text);
}
