/*
 * survey_internal — what survey.c shares with survey_followup.c (src/survey/
 * only): the check of a definition's "followup" member.
 */
#ifndef MANYI_SURVEY_INTERNAL_H
#define MANYI_SURVEY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "survey.h"

struct cJSON;

/*
 * Fill s->followup from the definition's "followup" member v (borrowed;
 * NULL: the defaults), s's items already parsed.  False when v breaks a
 * rule: *path names the member ("bad", ...; NULL for the whole member) and
 * why (capacity n) says what the rule is.
 */
bool survey_followup_parse(const struct cJSON *v, struct survey *s, const char **path, char *why,
                           size_t n);

#endif
