/* The working-day calendar as migration 16 stores it (DOMAIN.md §5), its
 * counts, and the settings' defaults and ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fixture.h"
#include "workdays.h"

struct fx {
	char path[64];
	struct store *s;
	struct calendar *c;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char msg[256];
	fixture_db_path(f->path, sizeof f->path, "workdays");
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof msg), STORE_OK);
	assert_int_equal(calendar_load(f->s, &f->c), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char other[96];
	calendar_free(f->c);
	store_close(f->s);
	unlink(f->path);
	snprintf(other, sizeof other, "%s-wal", f->path);
	unlink(other);
	snprintf(other, sizeof other, "%s-shm", f->path);
	unlink(other);
	free(f);
	return 0;
}

/* calendar_add(date, n) is want. */
static void add_is(const struct calendar *c, const char *date, int n, const char *want)
{
	char out[11] = "";
	enum workdays_status st = calendar_add(c, date, n, out);
	if (st != WORKDAYS_OK || strcmp(out, want) != 0)
		fail_msg("%s + %d working days: status %d, %s; expected %s", date, n, (int)st, out, want);
}

/* Whether date is a working day is want (1 or 0). */
static void working_is(const struct calendar *c, const char *date, int want)
{
	int w = -1;
	assert_int_equal(calendar_is_workday(c, date, &w), WORKDAYS_OK);
	if (w != want)
		fail_msg("%s: working %d, expected %d", date, w, want);
}

static void weekday_holidays_per_year(void **state)
{
	struct fx *f = *state;
	static const int want[][2] = {{2022, 18}, {2023, 18}, {2024, 19}, {2025, 18}, {2026, 19}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct calendar_mark *m;
		size_t n, holidays = 0;
		assert_int_equal(store_calendar_days(f->s, want[i][0], &m, &n), STORE_OK);
		for (size_t j = 0; j < n; j++) {
			holidays += strcmp(m[j].kind, "holiday") == 0;
			assert_true(atoi(m[j].date) == want[i][0] && m[j].name[0] != '\0');
		}
		free(m);
		if ((int)holidays != want[i][1])
			fail_msg("%d: %zu weekday holidays, expected %d", want[i][0], holidays, want[i][1]);
	}
	struct calendar_source *y;
	size_t ny;
	assert_int_equal(store_calendar_years(f->s, &y, &ny), STORE_OK);
	assert_int_equal(ny, 5);
	assert_int_equal(y[0].year, 2022);
	assert_non_null(strstr(y[3].source, "国办发明电〔2024〕12号"));
	free(y);
	assert_int_equal(calendar_last_year(f->c), 2026);
	assert_true(calendar_covers(f->c, 2022));
	assert_false(calendar_covers(f->c, 2021));
	assert_false(calendar_covers(f->c, 2027));
}

static void spring_festival(void **state)
{
	struct fx *f = *state;
	/* 2024: 除夕 2/9 (Friday) is a working day; 2/10-2/17 off; Sunday 2/18 worked. */
	working_is(f->c, "2024-02-09", 1);
	working_is(f->c, "2024-02-12", 0);
	working_is(f->c, "2024-02-04", 1);
	working_is(f->c, "2024-02-18", 1);
	add_is(f->c, "2024-02-08", 1, "2024-02-09");
	add_is(f->c, "2024-02-09", 1, "2024-02-18");
	add_is(f->c, "2024-02-09", 5, "2024-02-22"); /* 2/18, 2/19 .. 2/22 */
	/* 2025: 1/28 (除夕) to 2/4 off; Sunday 1/26 and Saturday 2/8 worked. */
	working_is(f->c, "2025-01-26", 1);
	working_is(f->c, "2025-01-28", 0);
	working_is(f->c, "2025-02-04", 0);
	add_is(f->c, "2025-01-27", 1, "2025-02-05");
	add_is(f->c, "2025-01-24", 5, "2025-02-07"); /* 1/26, 1/27, 2/5, 2/6, 2/7 */
	add_is(f->c, "2025-01-24", 6, "2025-02-08");
	/* 2026: 2/15-2/23 off (nine days); Saturdays 2/14 and 2/28 worked. */
	working_is(f->c, "2026-02-14", 1);
	working_is(f->c, "2026-02-23", 0);
	working_is(f->c, "2026-02-28", 1);
	add_is(f->c, "2026-02-13", 1, "2026-02-14");
	add_is(f->c, "2026-02-14", 1, "2026-02-24");
	add_is(f->c, "2026-02-13", 15, "2026-03-12"); /* 2/14, 2/24-2/28, then 3/2 .. 3/12 */
	int n = -1;
	assert_int_equal(calendar_between(f->c, "2026-02-13", "2026-02-28", &n), WORKDAYS_OK);
	assert_int_equal(n, 6); /* 2/14, 2/24, 2/25, 2/26, 2/27, 2/28 */
}

static void national_day_2023(void **state)
{
	struct fx *f = *state;
	/* 9/29 (Friday) to 10/6 off; Saturday 10/7 and Sunday 10/8 worked. */
	static const char *const off[] = {"2023-09-29", "2023-10-02", "2023-10-03", "2023-10-04",
	                                  "2023-10-05", "2023-10-06", "2023-09-30", "2023-10-01"};
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
		working_is(f->c, off[i], 0);
	working_is(f->c, "2023-10-07", 1);
	working_is(f->c, "2023-10-08", 1);
	add_is(f->c, "2023-09-28", 1, "2023-10-07");
	add_is(f->c, "2023-09-28", 2, "2023-10-08");
	add_is(f->c, "2023-09-28", 3, "2023-10-09");
	add_is(f->c, "2023-09-27", 5, "2023-10-10");
	int n = -1;
	assert_int_equal(calendar_between(f->c, "2023-09-28", "2023-10-09", &n), WORKDAYS_OK);
	assert_int_equal(n, 3);
}

static void new_year_2023_keyed_by_date(void **state)
{
	struct fx *f = *state;
	/* The 2023 notice's holiday runs 2022-12-31 (Saturday) to 2023-01-02
	 * (Monday): the Monday is off, the Saturday a weekend day of 2022. */
	working_is(f->c, "2022-12-31", 0);
	working_is(f->c, "2023-01-02", 0);
	working_is(f->c, "2022-12-30", 1);
	add_is(f->c, "2022-12-30", 1, "2023-01-03");
	add_is(f->c, "2022-12-29", 1, "2022-12-30");
	struct calendar_mark *m;
	size_t n;
	assert_int_equal(store_calendar_days(f->s, 2023, &m, &n), STORE_OK);
	assert_true(n > 0);
	assert_string_equal(m[0].date, "2023-01-02");
	assert_string_equal(m[0].kind, "holiday");
	assert_non_null(strstr(m[0].name, "元旦"));
	free(m);
}

static void past_the_calendar(void **state)
{
	struct fx *f = *state;
	char out[11] = "unchanged";
	/* The last working days of 2026 are 12/28-12/31: a fifth runs into 2027. */
	add_is(f->c, "2026-12-24", 4, "2026-12-30");
	add_is(f->c, "2026-12-30", 1, "2026-12-31");
	assert_int_equal(calendar_add(f->c, "2026-12-31", 1, out), WORKDAYS_UNCOVERED);
	assert_int_equal(calendar_add(f->c, "2026-12-24", 10, out), WORKDAYS_UNCOVERED);
	assert_string_equal(out, "unchanged");
	assert_int_equal(calendar_add(f->c, "2027-01-04", 0, out), WORKDAYS_UNCOVERED);
	assert_int_equal(calendar_add(f->c, "2021-06-01", 0, out), WORKDAYS_UNCOVERED);
	assert_string_equal(out, "unchanged");
	int n = 7;
	assert_int_equal(calendar_between(f->c, "2026-12-01", "2027-01-05", &n), WORKDAYS_UNCOVERED);
	assert_int_equal(n, 7);
	int w;
	assert_int_equal(calendar_is_workday(f->c, "2027-01-04", &w), WORKDAYS_UNCOVERED);
}

static void zero_and_bad(void **state)
{
	struct fx *f = *state;
	char out[11] = "";
	add_is(f->c, "2024-02-12", 0, "2024-02-12"); /* n = 0: the day itself, even a holiday */
	add_is(f->c, "2025-06-03", 0, "2025-06-03");
	assert_int_equal(calendar_add(f->c, "2025-02-30", 1, out), WORKDAYS_BAD_DATE);
	assert_int_equal(calendar_add(f->c, "2025-1-3", 1, out), WORKDAYS_BAD_DATE);
	assert_int_equal(calendar_add(f->c, "2025-01-03", -1, out), WORKDAYS_BAD_DATE);
	assert_int_equal(calendar_add(f->c, NULL, 1, out), WORKDAYS_BAD_DATE);
	int n = -1;
	assert_int_equal(calendar_between(f->c, "2025-03-10", "2025-03-10", &n), WORKDAYS_OK);
	assert_int_equal(n, 0);
	assert_int_equal(calendar_between(f->c, "2025-03-14", "2025-03-10", &n), WORKDAYS_OK);
	assert_int_equal(n, 0);
	assert_int_equal(calendar_between(f->c, "2025-03-07", "2025-03-14", &n), WORKDAYS_OK);
	assert_int_equal(n, 5);
	/* A whole year: 2025 has 365 - 104 weekend days - 18 holidays + 5 worked = 248. */
	assert_int_equal(calendar_between(f->c, "2024-12-31", "2025-12-31", &n), WORKDAYS_OK);
	assert_int_equal(n, 248);
	assert_int_equal(calendar_between(f->c, "2025-13-01", "2025-12-31", &n), WORKDAYS_BAD_DATE);
}

static void replace_a_year(void **state)
{
	struct fx *f = *state;
	struct calendar_mark m[] = {{"2027-01-01", "holiday", "元旦 New Year's Day"},
	                            {"2027-01-09", "workday", "test"}};
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_calendar_replace_year(f->s, 2027, "test notice", m, 2), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	struct calendar *c;
	assert_int_equal(calendar_load(f->s, &c), STORE_OK);
	assert_int_equal(calendar_last_year(c), 2027);
	add_is(c, "2026-12-31", 1, "2027-01-04");
	add_is(c, "2027-01-08", 1, "2027-01-09");
	calendar_free(c);
	/* Replacing 2025 with nothing: its holidays are gone, the year still covered. */
	assert_int_equal(store_begin(f->s), STORE_OK);
	assert_int_equal(store_calendar_replace_year(f->s, 2025, "empty", NULL, 0), STORE_OK);
	assert_int_equal(store_commit(f->s), STORE_OK);
	assert_int_equal(calendar_load(f->s, &c), STORE_OK);
	add_is(c, "2025-09-30", 1, "2025-10-01");
	calendar_free(c);
}

static void settings(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *name;
		long def;
	} want[] = {{"followup_reply_days", 5},      {"followup_rectify_days", 15},
	            {"contact_retention_days", 30},  {"complaint_forward_days", 10},
	            {"officer_lookups_per_hour", 60}, {"officer_min_n", 30}};
	static const enum config_key keys[] = {CONFIG_REPLY_DAYS, CONFIG_RECTIFY_DAYS,
	                                       CONFIG_CONTACT_RETENTION_DAYS, CONFIG_COMPLAINT_DAYS,
	                                       CONFIG_LOOKUP_PER_HOUR, CONFIG_OFFICER_MIN_N};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		enum config_key k;
		assert_true(config_find(want[i].name, &k));
		assert_int_equal(k, keys[i]);
		assert_int_equal(config_get(f->s, k), want[i].def);
		assert_false(config_is_set(f->s, k));
	}
	enum config_key k;
	assert_false(config_find("no_such", &k));
	assert_int_equal(config_set(f->s, CONFIG_REPLY_DAYS, 7), STORE_OK);
	assert_int_equal(config_get(f->s, CONFIG_REPLY_DAYS), 7);
	assert_true(config_is_set(f->s, CONFIG_REPLY_DAYS));
	assert_int_equal(config_set(f->s, CONFIG_REPLY_DAYS, 0), STORE_ERR_CONSTRAINT);
	assert_int_equal(config_set(f->s, CONFIG_REPLY_DAYS, 61), STORE_ERR_CONSTRAINT);
	assert_int_equal(config_get(f->s, CONFIG_REPLY_DAYS), 7);
	/* A stored value out of range (written by hand) reads as the default. */
	assert_int_equal(store_setting_put(f->s, "officer_min_n", "0"), STORE_OK);
	assert_int_equal(config_get(f->s, CONFIG_OFFICER_MIN_N), 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(weekday_holidays_per_year, setup, teardown),
		cmocka_unit_test_setup_teardown(spring_festival, setup, teardown),
		cmocka_unit_test_setup_teardown(national_day_2023, setup, teardown),
		cmocka_unit_test_setup_teardown(new_year_2023_keyed_by_date, setup, teardown),
		cmocka_unit_test_setup_teardown(past_the_calendar, setup, teardown),
		cmocka_unit_test_setup_teardown(zero_and_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(replace_a_year, setup, teardown),
		cmocka_unit_test_setup_teardown(settings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
