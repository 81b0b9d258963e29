/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of schedule exploration (lib/explore.c) and its environment:
 * the replay line names the failing seed (parsed back and compared), the
 * failing run's trace hash, the plants and the scenario, the build
 * directory and the binary; SMCSIM_SEEDS selects a range, SMCSIM_SCENARIO
 * skips the other scenarios, SMCSIM_PLANT plants for the exploration only,
 * SMCSIM_EXPECT_HASH fails a replay that diverged. The variables are set
 * and cleared here; whatever the caller's environment held is cleared
 * first.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <smcsim/det.h>
#include <smcsim/explore.h>
#include <smcsim/optee.h>
#include <smcsim/rt.h>

#define TEST	"lib/test_explore"

static const char *const env_vars[] = {
	"SMCSIM_SEED", "SMCSIM_SCHED", "SMCSIM_SEEDS", "SMCSIM_DET_SEEDS",
	"SMCSIM_SCENARIO", "SMCSIM_PLANT", "SMCSIM_EXPECT_HASH",
};

static int clear_env(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++)
		unsetenv(env_vars[i]);
	optee_test_plant(0);
	return 0;
}

/**
 * struct race - a scenario: two threads take a mutex in the seed's order
 * @lock:	the mutex
 * @order:	who took it, in order
 * @n:		entries in @order
 * @runs:	runs so far
 * @fail_run:	the run (1-based) whose check fails, 0 for none
 * @planted:	what was planted during the last run
 */
struct race {
	struct rt_mutex lock;
	unsigned int order[4];
	unsigned int n;
	unsigned int runs;
	unsigned int fail_run;
	unsigned int planted;
};

struct racer {
	struct race *r;
	unsigned int id;
};

static void *racer_fn(void *arg)
{
	struct racer *x = arg;
	unsigned int k;

	for (k = 0; k < 2; k++) {
		rt_mutex_lock(&x->r->lock);
		x->r->order[x->r->n++] = x->id;
		rt_mutex_unlock(&x->r->lock);
	}
	return NULL;
}

static void race_scenario(void *arg)
{
	struct race *r = arg;
	struct racer x[2] = { { r, 0 }, { r, 1 } };
	struct rt_thread *t[2];
	unsigned int i;

	r->n = 0;
	r->runs++;
	r->planted = optee_test_planted_mask();
	rt_mutex_init(&r->lock);
	for (i = 0; i < 2; i++)
		if (rt_thread_create(&t[i], "racer", racer_fn, &x[i]))
			abort();
	for (i = 0; i < 2; i++)
		rt_thread_join(t[i], NULL);
	rt_mutex_destroy(&r->lock);
}

static const char *race_check(void *arg)
{
	struct race *r = arg;

	if (r->n != 4)
		return "lost an entry";
	return r->runs == r->fail_run ? "the planted failure" : NULL;
}

static struct race race;

static struct smcsim_explore race_explore(unsigned int seeds)
{
	struct smcsim_explore e = {
		.test = TEST,
		.name = "race",
		.scenario = race_scenario,
		.check = race_check,
		.arg = &race,
		.seeds = seeds,
	};

	memset(&race, 0, sizeof(race));
	return e;
}

/* The value after "@var=" in @line (hex or decimal); fails if absent. */
static uint64_t line_value(const char *line, const char *var)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "%s=", var);
	p = strstr(line, key);
	if (!p)
		fail_msg("no %s in '%s'", key, line);
	/* A word of its own: at the start or after a blank. */
	assert_true(p == line || p[-1] == ' ');
	return strtoull(p + strlen(key), NULL, 0);
}

/*
 * The seed in the replay line is the failing run's, not the first or the
 * last explored, and its hash is that run's; with 64-bit seeds.
 */
static void explore_replay_names_the_failing_seed(void **state)
{
	struct smcsim_explore e = race_explore(10);
	struct smcsim_explore_result r, again;
	const uint64_t first = 0xfedcba9876543000ULL;
	const char *dir = getenv("SMCSIM_BUILD_DIR");
	char want[512];

	(void)state;
	e.first_seed = first;
	race.fail_run = 3;
	assert_int_equal(smcsim_explore(&e, &r), -1);
	assert_true(r.failed);
	assert_int_equal(r.runs, 3);
	assert_int_equal(r.first_seed, first);
	assert_int_equal(r.seed, first + 2);
	assert_string_equal(r.why, "the planted failure");
	assert_int_equal(line_value(r.replay, "SMCSIM_SEED"), r.seed);
	assert_int_equal(line_value(r.replay, "SMCSIM_EXPECT_HASH"), r.hash);
	assert_int_equal(line_value(r.replay_exe, "SMCSIM_SEED"), r.seed);
	assert_int_equal(line_value(r.replay_exe, "SMCSIM_EXPECT_HASH"),
			 r.hash);
	assert_non_null(strstr(r.replay, "SMCSIM_SCENARIO=race "));
	assert_non_null(strstr(r.replay, " SMCSIM_SCHED=random "));
	/* Nothing planted, nothing named. */
	assert_null(strstr(r.replay, "SMCSIM_PLANT"));
	/* The build directory the tests run in, and this binary. */
	snprintf(want, sizeof(want), " meson test -C %s " TEST,
		 dir && *dir ? dir : "build");
	assert_non_null(strstr(r.replay, want));
	assert_non_null(strstr(r.replay_exe, "/test_lib_test_explore"));
	assert_int_equal(access(strrchr(r.replay_exe, ' ') + 1, X_OK), 0);

	/* The run of that seed alone is the same run. */
	race.runs = 0;
	race.fail_run = 1;
	e.first_seed = r.seed;
	e.seeds = 1;
	e.ignore_env = true;
	assert_int_equal(smcsim_explore(&e, &again), -1);
	assert_int_equal(again.seed, r.seed);
	assert_int_equal(again.hash, r.hash);
}

/* Not START:COUNT, or past the 64-bit seeds. */
static const char *const bad_ranges[] = {
	"5", "5:", ":5", "5:0", "x:1", "1:2:3", "5:4294967296",
	"18446744073709551615:2",
};

/* SMCSIM_SEEDS overrides the seeds, and SMCSIM_DET_SEEDS does not cap it. */
static void explore_seeds_range(void **state)
{
	struct smcsim_explore e = race_explore(1000);
	struct smcsim_explore_result r;
	size_t i;

	(void)state;
	setenv("SMCSIM_SEEDS", "0x100:7", 1);
	setenv("SMCSIM_DET_SEEDS", "3", 1);
	assert_int_equal(smcsim_explore(&e, &r), 0);
	assert_int_equal(r.runs, 7);
	assert_int_equal(r.first_seed, 0x100);
	assert_int_equal(r.seed, 0x106);
	assert_int_equal(race.runs, 7);

	/* Without a range the cap applies. */
	unsetenv("SMCSIM_SEEDS");
	e = race_explore(1000);
	assert_int_equal(smcsim_explore(&e, &r), 0);
	assert_int_equal(r.runs, 3);
	unsetenv("SMCSIM_DET_SEEDS");

	/* What is not START:COUNT is refused, nothing run. */
	for (i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++) {
		setenv("SMCSIM_SEEDS", bad_ranges[i], 1);
		e = race_explore(10);
		assert_int_equal(smcsim_explore(&e, &r), -EINVAL);
		assert_int_equal(race.runs, 0);
	}
	/* The last seed of the 64-bit range is a range of its own. */
	setenv("SMCSIM_SEEDS", "18446744073709551615:1", 1);
	e = race_explore(10);
	assert_int_equal(smcsim_explore(&e, &r), 0);
	assert_int_equal(r.seed, UINT64_MAX);
	unsetenv("SMCSIM_SEEDS");
}

/* SMCSIM_SCENARIO runs only the named scenario's explorations. */
static void explore_scenario_selects(void **state)
{
	struct smcsim_explore e = race_explore(5);
	struct smcsim_explore_result r;

	(void)state;
	setenv("SMCSIM_SCENARIO", "another", 1);
	assert_int_equal(smcsim_explore(&e, &r), 0);
	assert_true(r.skipped);
	assert_int_equal(r.runs, 0);
	assert_int_equal(race.runs, 0);
	/* Nor does an unnamed one run. */
	e.name = NULL;
	assert_int_equal(smcsim_explore(&e, &r), 0);
	assert_true(r.skipped);
	setenv("SMCSIM_SCENARIO", "race", 1);
	e = race_explore(5);
	assert_int_equal(smcsim_explore(&e, &r), 0);
	assert_false(r.skipped);
	assert_int_equal(r.runs, 5);
	unsetenv("SMCSIM_SCENARIO");
}

/*
 * SMCSIM_PLANT plants for the exploration and no longer; the replay line
 * names what was planted, however it was.
 */
static void explore_plant_from_env(void **state)
{
	struct smcsim_explore e = race_explore(4);
	struct smcsim_explore_result r;
	unsigned int mask;
	char buf[128];

	(void)state;
	setenv("SMCSIM_PLANT", "cq_wake_first_in_list,notif_drop_early_send", 1);
	race.fail_run = 2;
	assert_int_equal(smcsim_explore(&e, &r), -1);
	assert_int_equal(race.planted, OPTEE_PLANT_CQ_WAKE_FIRST_IN_LIST |
			 OPTEE_PLANT_NOTIF_DROP_EARLY_SEND);
	assert_int_equal(optee_test_planted_mask(), 0);
	assert_non_null(strstr(r.replay, "SMCSIM_PLANT=notif_drop_early_send,"
				"cq_wake_first_in_list SMCSIM_SCENARIO=race "
				"SMCSIM_SEED="));

	/* An exploration that ignores the environment ignores it too... */
	e = race_explore(2);
	e.ignore_env = true;
	assert_int_equal(smcsim_explore(&e, &r), 0);
	assert_int_equal(race.planted, 0);
	unsetenv("SMCSIM_PLANT");
	/* ...but its replay line names what the test planted. */
	optee_test_plant(OPTEE_PLANT_NOTIF_TIMEOUT_DROPS_SEND);
	e = race_explore(2);
	e.ignore_env = true;
	race.fail_run = 1;
	assert_int_equal(smcsim_explore(&e, &r), -1);
	assert_int_equal(race.planted, OPTEE_PLANT_NOTIF_TIMEOUT_DROPS_SEND);
	assert_non_null(strstr(r.replay,
			       "SMCSIM_PLANT=notif_timeout_drops_send "));
	optee_test_plant(0);

	/* An unknown name is refused, nothing run or planted. */
	setenv("SMCSIM_PLANT", "notif_drop_early_send,nosuch", 1);
	e = race_explore(2);
	assert_int_equal(smcsim_explore(&e, &r), -EINVAL);
	assert_int_equal(race.runs, 0);
	unsetenv("SMCSIM_PLANT");

	/* The names: parse and format are inverses; typos are refused. */
	assert_int_equal(optee_test_plant_parse("", &mask), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(optee_test_plant_parse("cq_wake_first_in_list", &mask),
			 0);
	assert_int_equal(mask, OPTEE_PLANT_CQ_WAKE_FIRST_IN_LIST);
	mask = 7;
	assert_string_equal(optee_test_plant_format(mask, buf, sizeof(buf)),
			    "notif_drop_early_send,notif_timeout_drops_send,"
			    "cq_wake_first_in_list");
	assert_int_equal(optee_test_plant_parse(buf, &mask), 0);
	assert_int_equal(mask, 7);
	assert_int_equal(optee_test_plant_parse("cq_wake_first_in_list,", &mask),
			 -EINVAL);
	assert_int_equal(optee_test_plant_parse(",cq_wake_first_in_list", &mask),
			 -EINVAL);
	assert_int_equal(optee_test_plant_parse("notif", &mask), -EINVAL);
	assert_int_equal(mask, 7);
}

/* SMCSIM_EXPECT_HASH: the replayed run must give that hash. */
static void explore_expect_hash(void **state)
{
	struct smcsim_explore e = race_explore(1);
	struct smcsim_explore_result r, again;
	char v[32];

	(void)state;
	e.first_seed = 42;
	assert_int_equal(smcsim_explore(&e, &r), 0);

	setenv("SMCSIM_SEED", "42", 1);
	snprintf(v, sizeof(v), "0x%" PRIx64, r.hash);
	setenv("SMCSIM_EXPECT_HASH", v, 1);
	e = race_explore(100);
	assert_int_equal(smcsim_explore(&e, &again), 0);
	assert_int_equal(again.runs, 1);
	assert_int_equal(again.hash, r.hash);

	snprintf(v, sizeof(v), "0x%" PRIx64, r.hash ^ 0x10);
	setenv("SMCSIM_EXPECT_HASH", v, 1);
	e = race_explore(100);
	assert_int_equal(smcsim_explore(&e, &again), -1);
	assert_non_null(strstr(again.why, "the replay diverged"));
	assert_int_equal(line_value(again.replay, "SMCSIM_EXPECT_HASH"),
			 r.hash);

	/* Without SMCSIM_SEED there is no one hash to expect. */
	unsetenv("SMCSIM_SEED");
	e = race_explore(100);
	assert_int_equal(smcsim_explore(&e, &again), -EINVAL);
	assert_int_equal(race.runs, 0);
	setenv("SMCSIM_SEED", "42", 1);
	setenv("SMCSIM_EXPECT_HASH", "0xnothex", 1);
	assert_int_equal(smcsim_explore(&e, &again), -EINVAL);
	unsetenv("SMCSIM_SEED");
	unsetenv("SMCSIM_EXPECT_HASH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(explore_replay_names_the_failing_seed,
				       clear_env),
		cmocka_unit_test_setup(explore_seeds_range, clear_env),
		cmocka_unit_test_setup(explore_scenario_selects, clear_env),
		cmocka_unit_test_setup(explore_plant_from_env, clear_env),
		cmocka_unit_test_setup(explore_expect_hash, clear_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
