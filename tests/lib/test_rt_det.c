// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the deterministic runtime (lib/rt_det.c): one thread at a
 * time, replay (same seed, same hash and byte-identical trace), different
 * seeds giving different interleavings, virtual time, both strategies, and
 * the reports of a deadlock and a livelock, which end the process: those
 * run in a forked child whose exit code and stderr the parent checks, with
 * a bounded wait. Assertions run on the main thread after rt_det_end();
 * the threads of a run only record what they saw.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <smcsim/alloc.h>
#include <smcsim/det.h>
#include <smcsim/rt.h>

#include "detbed.h"

#define CHILD_WAIT_MS	20000

static void begin(uint64_t seed, enum rt_det_strategy st, FILE *trace)
{
	struct rt_det_config cfg;

	rt_det_config_default(&cfg);
	cfg.seed = seed;
	cfg.strategy = st;
	cfg.pct_steps = 200;
	cfg.trace = trace;
	rt_det_begin(&cfg);
}

/* ---- a three-thread scenario: counter under a mutex, handshake by cond --- */

#define WORKERS	3
#define ROUNDS	5

struct counter {
	struct rt_mutex lock;
	struct rt_cond cond;
	unsigned int value;
	unsigned int order[WORKERS * ROUNDS];
	unsigned int n;
	atomic_uint inside;
	unsigned int overlaps;
};

struct worker {
	struct counter *c;
	unsigned int id;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct counter *c = w->c;
	unsigned int i, k;

	for (i = 0; i < ROUNDS; i++) {
		/* Nobody else may run while this thread has the turn. */
		if (atomic_fetch_add(&c->inside, 1))
			c->overlaps++;
		for (k = 0; k < 200; k++)
			if (atomic_load(&c->inside) != 1)
				c->overlaps++;
		atomic_fetch_sub(&c->inside, 1);

		rt_mutex_lock(&c->lock);
		c->value++;
		c->order[c->n++] = w->id;
		rt_cond_broadcast(&c->cond);
		rt_mutex_unlock(&c->lock);
	}
	return NULL;
}

static void counter_scenario(struct counter *c)
{
	struct rt_thread *t[WORKERS];
	struct worker w[WORKERS];
	unsigned int i;

	memset(c, 0, sizeof(*c));
	rt_mutex_init(&c->lock);
	rt_cond_init(&c->cond);
	for (i = 0; i < WORKERS; i++) {
		w[i] = (struct worker){ .c = c, .id = i };
		assert_int_equal(rt_thread_create(&t[i], "worker", worker_fn,
						  &w[i]), 0);
	}
	/* The main thread waits for all of it through the condition. */
	rt_mutex_lock(&c->lock);
	while (c->value < WORKERS * ROUNDS)
		rt_cond_wait(&c->cond, &c->lock);
	rt_mutex_unlock(&c->lock);
	for (i = 0; i < WORKERS; i++)
		rt_thread_join(t[i], NULL);
	rt_cond_destroy(&c->cond);
	rt_mutex_destroy(&c->lock);
}

static uint64_t counter_run(uint64_t seed, enum rt_det_strategy st,
			    struct counter *c, FILE *trace)
{
	struct rt_det_result res;

	begin(seed, st, trace);
	counter_scenario(c);
	assert_true(rt_det_step() > 0);
	rt_det_end(&res);
	assert_int_equal(rt_det_step(), 0);
	assert_int_equal(c->value, WORKERS * ROUNDS);
	assert_int_equal(c->overlaps, 0);
	assert_int_equal(res.threads, WORKERS);
	assert_true(res.steps > WORKERS * ROUNDS * 2);
	return res.hash;
}

static char *read_all(FILE *f, size_t *len)
{
	char *buf;
	long n;

	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	*len = (size_t)n;
	return buf;
}

/* ---- trylock: a step of its own, refused while another thread holds ----- */

struct trylock_probe {
	struct rt_mutex *m;
	bool got;
};

static void *trylock_fn(void *arg)
{
	struct trylock_probe *p = arg;

	p->got = rt_mutex_trylock(p->m);
	if (p->got)
		rt_mutex_unlock(p->m);
	return NULL;
}

static void det_trylock_is_refused_while_held(void **state)
{
	struct trylock_probe p = { .got = true };
	struct rt_det_result res;
	struct rt_mutex m;
	struct rt_thread *t;
	FILE *trace = tmpfile();
	size_t len;
	char *text;

	(void)state;
	assert_non_null(trace);
	rt_mutex_init(&m);
	p.m = &m;
	begin(7, RT_DET_RANDOM, trace);
	rt_mutex_lock(&m);
	assert_int_equal(rt_thread_create(&t, "try", trylock_fn, &p), 0);
	/* Held by main until the other thread has tried. */
	rt_thread_join(t, NULL);
	rt_mutex_unlock(&m);
	/* Free now: the same call on main takes it. */
	assert_true(rt_mutex_trylock(&m));
	rt_mutex_unlock(&m);
	rt_det_end(&res);
	assert_false(p.got);
	text = read_all(trace, &len);
	assert_non_null(memmem(text, len, " trylock ", strlen(" trylock ")));
	free(text);
	fclose(trace);
	rt_mutex_destroy(&m);
}

/* ---- per-thread state of the library stays per rt thread ---------------- */

struct alloc_probe {
	unsigned int failed;
};

static void *alloc_fn(void *arg)
{
	struct alloc_probe *p = arg;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		void *m = smcsim_zalloc(16);

		p->failed += !m;
		smcsim_free(m);
		rt_sched_point(RT_POINT_YIELD);
	}
	return NULL;
}

/*
 * The threads of a det run share one OS thread: the allocation failure
 * injected into main's next allocation is main's alone.
 */
static void det_alloc_fault_injection_is_per_thread(void **state)
{
	struct alloc_probe p = { 0 };
	struct rt_thread *t;
	void *m;

	(void)state;
	begin(3, RT_DET_RANDOM, NULL);
	assert_int_equal(rt_thread_create(&t, "alloc", alloc_fn, &p), 0);
	smcsim_alloc_fail_after(0);
	rt_thread_join(t, NULL);
	m = smcsim_zalloc(16);
	rt_det_end(NULL);
	assert_int_equal(p.failed, 0);
	assert_null(m);
	smcsim_alloc_fail_after(-1);
}

static void det_same_seed_same_trace(void **state)
{
	struct counter c1, c2;
	FILE *f1 = tmpfile(), *f2 = tmpfile();
	char *b1, *b2;
	size_t l1, l2;

	(void)state;
	assert_non_null(f1);
	assert_non_null(f2);
	assert_int_equal(counter_run(0x5eed, RT_DET_RANDOM, &c1, f1),
			 counter_run(0x5eed, RT_DET_RANDOM, &c2, f2));
	assert_memory_equal(c1.order, c2.order, sizeof(c1.order));
	b1 = read_all(f1, &l1);
	b2 = read_all(f2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	free(b1);
	free(b2);
	fclose(f1);
	fclose(f2);
}

static unsigned int distinct(uint64_t *h, unsigned int n)
{
	unsigned int i, j, d = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (h[j] == h[i])
				break;
		d += j == i;
	}
	return d;
}

static void det_seeds_give_different_interleavings(void **state)
{
	struct counter c;
	uint64_t h[16];
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++)
		h[i] = counter_run(i, RT_DET_RANDOM, &c, NULL);
	assert_true(distinct(h, 16) >= 12);
	/* And replaying any one of them gives its hash again. */
	assert_int_equal(counter_run(7, RT_DET_RANDOM, &c, NULL), h[7]);
}

static void det_pct_replays_and_varies(void **state)
{
	struct counter c;
	uint64_t h[16];
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++)
		h[i] = counter_run(100 + i, RT_DET_PCT, &c, NULL);
	assert_true(distinct(h, 16) >= 4);
	assert_int_equal(counter_run(103, RT_DET_PCT, &c, NULL), h[3]);
}

/* ---- virtual time ------------------------------------------------------- */

struct timing {
	struct rt_completion never;
	struct rt_completion later;
	struct rt_mutex lock;
	struct rt_cond cond;
	int never_rc;
	int later_rc;
	int cond_rc;
	uint64_t slept_ms;
};

static void *never_fn(void *arg)
{
	struct timing *t = arg;

	t->never_rc = rt_wait_for_completion_timeout(&t->never, 10000);
	return NULL;
}

static void *later_fn(void *arg)
{
	struct timing *t = arg;
	uint64_t t0 = rt_now_ms();

	rt_sleep_ms(5000);
	t->slept_ms = rt_now_ms() - t0;
	rt_complete(&t->later);
	return NULL;
}

static void det_virtual_time_takes_no_real_time(void **state)
{
	struct timing t;
	struct rt_thread *a, *b;
	struct rt_det_result res;
	uint64_t r0 = db_real_ms(), v0;

	(void)state;
	memset(&t, 0, sizeof(t));
	begin(1, RT_DET_RANDOM, NULL);
	v0 = rt_now_ms();
	rt_completion_init(&t.never);
	rt_completion_init(&t.later);
	rt_mutex_init(&t.lock);
	rt_cond_init(&t.cond);
	assert_int_equal(rt_thread_create(&a, "never", never_fn, &t), 0);
	assert_int_equal(rt_thread_create(&b, "later", later_fn, &t), 0);
	/* Completed at 5 s, inside the 10 s timeout. */
	t.later_rc = rt_wait_for_completion_timeout(&t.later, 10000);
	rt_mutex_lock(&t.lock);
	t.cond_rc = rt_cond_timedwait(&t.cond, &t.lock, 20000);
	rt_mutex_unlock(&t.lock);
	rt_thread_join(a, NULL);
	rt_thread_join(b, NULL);
	rt_cond_destroy(&t.cond);
	rt_mutex_destroy(&t.lock);
	rt_completion_destroy(&t.later);
	rt_completion_destroy(&t.never);
	assert_int_equal(rt_now_ms() - v0, 25000);
	rt_det_end(&res);

	assert_int_equal(t.never_rc, -ETIMEDOUT);
	assert_int_equal(t.later_rc, 0);
	assert_int_equal(t.cond_rc, -ETIMEDOUT);
	assert_int_equal(t.slept_ms, 5000);
	assert_int_equal(res.vtime_ms, 25000);
	assert_true(db_real_ms() - r0 < 2000);
	/* Outside the run the clock is real again. */
	assert_true(rt_now_ms() + 60000 > db_real_ms() &&
		    rt_now_ms() <= db_real_ms() + 1);
}

/* ---- kill under the scheduler ------------------------------------------ */

struct killee {
	struct rt_completion never;
	int rc;
};

static void *killee_fn(void *arg)
{
	struct killee *k = arg;

	k->rc = rt_wait_for_completion_killable(&k->never);
	return NULL;
}

static void det_kill_interrupts_killable_wait(void **state)
{
	struct killee k = { .rc = 1 };
	struct rt_thread *t;
	uint64_t seed;

	(void)state;
	for (seed = 0; seed < 20; seed++) {
		k.rc = 1;
		begin(seed, RT_DET_RANDOM, NULL);
		rt_completion_init(&k.never);
		assert_int_equal(rt_thread_create(&t, "killee", killee_fn, &k),
				 0);
		rt_thread_kill(t);
		rt_thread_join(t, NULL);
		rt_completion_destroy(&k.never);
		rt_det_end(NULL);
		assert_int_equal(k.rc, -EINTR);
	}
}

/* ---- configuration ------------------------------------------------------ */

static void det_parse_sched(void **state)
{
	struct rt_det_config cfg;
	char buf[32];

	(void)state;
	rt_det_config_default(&cfg);
	assert_int_equal(rt_det_parse_sched(&cfg, "pct:4:900"), 0);
	assert_int_equal(cfg.strategy, RT_DET_PCT);
	assert_int_equal(cfg.pct_depth, 4);
	assert_int_equal(cfg.pct_steps, 900);
	assert_string_equal(rt_det_format_sched(&cfg, buf, sizeof(buf)),
			    "pct:4:900");
	assert_int_equal(rt_det_parse_sched(&cfg, "pct:2"), 0);
	assert_int_equal(cfg.pct_depth, 2);
	assert_int_equal(cfg.pct_steps, RT_DET_DEFAULT_PCT_STEPS);
	assert_int_equal(rt_det_parse_sched(&cfg, "random"), 0);
	assert_int_equal(cfg.strategy, RT_DET_RANDOM);
	assert_string_equal(rt_det_format_sched(&cfg, buf, sizeof(buf)),
			    "random");
	assert_int_equal(rt_det_parse_sched(&cfg, "pct:0"), -EINVAL);
	assert_int_equal(rt_det_parse_sched(&cfg, "pct:3:"), -EINVAL);
	assert_int_equal(rt_det_parse_sched(&cfg, "pct:3:5x"), -EINVAL);
	assert_int_equal(rt_det_parse_sched(&cfg, "fifo"), -EINVAL);
	assert_int_equal(cfg.strategy, RT_DET_RANDOM);
}

static void det_config_from_env(void **state)
{
	struct rt_det_config cfg;

	(void)state;
	rt_det_config_default(&cfg);
	setenv("SMCSIM_SEED", "0x2a", 1);
	setenv("SMCSIM_SCHED", "pct:2:50", 1);
	assert_int_equal(rt_det_config_from_env(&cfg), 0);
	assert_int_equal(cfg.seed, 42);
	assert_int_equal(cfg.strategy, RT_DET_PCT);
	assert_int_equal(cfg.pct_steps, 50);
	setenv("SMCSIM_SEED", "12z", 1);
	assert_int_equal(rt_det_config_from_env(&cfg), -EINVAL);
	assert_int_equal(cfg.seed, 42);
	setenv("SMCSIM_SEED", "17", 1);
	setenv("SMCSIM_SCHED", "lifo", 1);
	assert_int_equal(rt_det_config_from_env(&cfg), -EINVAL);
	unsetenv("SMCSIM_SEED");
	unsetenv("SMCSIM_SCHED");
}

/* ---- reports, in a child ------------------------------------------------- */

static struct rt_mutex held;

static void *grab_fn(void *arg)
{
	/* As a secure thread would: the report says which world it is in. */
	rt_world_switch(RT_WORLD_SECURE);
	rt_mutex_lock(&held);
	rt_mutex_unlock(&held);
	return NULL;
}

/* What deadlock_child() expects of its hash (SMCSIM_EXPECT_HASH). */
static bool deadlock_check;
static uint64_t deadlock_expect;

/* Main holds the mutex and joins the thread that wants it. */
static void deadlock_child(void)
{
	struct rt_det_config cfg;
	struct rt_thread *t;

	rt_det_config_default(&cfg);
	cfg.seed = 0xdead;
	cfg.replay = "meson test -C build lib/test_rt_det";
	cfg.replay_env = "SMCSIM_SCENARIO=held";
	cfg.check_hash = deadlock_check;
	cfg.expect_hash = deadlock_expect;
	rt_det_begin(&cfg);
	rt_mutex_init(&held);
	rt_mutex_set_name(&held, "the held one");
	rt_mutex_lock(&held);
	if (rt_thread_create(&t, "grabber", grab_fn, NULL))
		_exit(1);
	rt_thread_join(t, NULL);
	/* Not reached: the run ends in the report. */
	_exit(0);
}

static void det_deadlock_is_reported_not_hung(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(db_run_child(deadlock_child, out, sizeof(out),
				      CHILD_WAIT_MS),
			 RT_DET_EXIT_DEADLOCK);
	assert_non_null(strstr(out, "smcsim det: deadlock"));
	assert_non_null(strstr(out, "thread 0 main"));
	assert_non_null(strstr(out, "joins thread 1 (grabber)"));
	assert_non_null(strstr(out, "thread 1 grabber"));
	assert_non_null(strstr(out, "[secure] waits for mutex"));
	assert_non_null(strstr(out, "[normal] joins thread 1"));
	assert_non_null(strstr(out, "'the held one' held by thread 0 (main)"));
	assert_non_null(strstr(out, "replay: SMCSIM_SCENARIO=held "
				    "SMCSIM_SEED=0xdead SMCSIM_SCHED=random "
				    "SMCSIM_EXPECT_HASH=0x"));
	assert_non_null(strstr(out, " meson test -C build lib/test_rt_det\n"));
	/* No hash was expected: the report does not compare. */
	assert_null(strstr(out, "SMCSIM_EXPECT_HASH: the same run"));
	assert_null(strstr(out, "DIVERGED"));
}

/* The hash of a deadlock report, and of its replay line, which agree. */
static uint64_t report_hash(const char *out)
{
	const char *h = strstr(out, ", trace hash 0x");
	const char *r = strstr(out, "SMCSIM_EXPECT_HASH=0x");
	uint64_t hash;

	assert_non_null(h);
	assert_non_null(r);
	hash = strtoull(h + strlen(", trace hash "), NULL, 16);
	assert_int_equal(strtoull(r + strlen("SMCSIM_EXPECT_HASH="), NULL, 16),
			 hash);
	return hash;
}

/*
 * A deadlock's replay with SMCSIM_EXPECT_HASH says whether it is the same
 * run: the printed hash again is, any other is loudly not.
 */
static void det_deadlock_report_checks_expected_hash(void **state)
{
	char out[4096];
	uint64_t hash;

	(void)state;
	deadlock_check = false;
	assert_int_equal(db_run_child(deadlock_child, out, sizeof(out),
				      CHILD_WAIT_MS),
			 RT_DET_EXIT_DEADLOCK);
	hash = report_hash(out);

	deadlock_check = true;
	deadlock_expect = hash;
	assert_int_equal(db_run_child(deadlock_child, out, sizeof(out),
				      CHILD_WAIT_MS),
			 RT_DET_EXIT_DEADLOCK);
	assert_int_equal(report_hash(out), hash);
	assert_non_null(strstr(out, "as SMCSIM_EXPECT_HASH: the same run"));
	assert_null(strstr(out, "DIVERGED"));

	deadlock_expect = hash ^ 1;
	assert_int_equal(db_run_child(deadlock_child, out, sizeof(out),
				      CHILD_WAIT_MS),
			 RT_DET_EXIT_DEADLOCK);
	assert_non_null(strstr(out, "smcsim det: REPLAY DIVERGED"));
	assert_null(strstr(out, "the same run"));
	deadlock_check = false;
}

static void *spin_fn(void *arg)
{
	for (;;)
		rt_sched_point(RT_POINT_YIELD);
	return NULL;
}

static void livelock_child(void)
{
	struct rt_det_config cfg;
	struct rt_thread *t;

	rt_det_config_default(&cfg);
	cfg.max_steps = 5000;
	rt_det_begin(&cfg);
	if (rt_thread_create(&t, "spinner", spin_fn, NULL))
		_exit(1);
	rt_thread_join(t, NULL);
	_exit(0);
}

static void det_livelock_is_reported(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(db_run_child(livelock_child, out, sizeof(out),
				      CHILD_WAIT_MS),
			 RT_DET_EXIT_LIVELOCK);
	assert_non_null(strstr(out, "livelock"));
	assert_non_null(strstr(out, "at step 5001"));
	assert_non_null(strstr(out, "thread 1 spinner"));
	assert_non_null(strstr(out, "joins thread 1 (spinner)"));
}

static void *sleeper_fn(void *arg)
{
	rt_sleep_ms(10);
	return NULL;
}

/* A thread still alive at rt_det_end() could never be joined. */
static void unjoined_child(void)
{
	struct rt_thread *t;

	rt_det_begin(NULL);
	if (rt_thread_create(&t, "forgotten", sleeper_fn, NULL))
		_exit(1);
	rt_det_end(NULL);
	_exit(0);
}

static void det_end_with_live_thread_is_reported(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(db_run_child(unjoined_child, out, sizeof(out),
				      CHILD_WAIT_MS),
			 RT_DET_EXIT_DEADLOCK);
	assert_non_null(strstr(out, "threads alive"));
	assert_non_null(strstr(out, "thread 1 forgotten"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_trylock_is_refused_while_held),
		cmocka_unit_test(det_alloc_fault_injection_is_per_thread),
		cmocka_unit_test(det_same_seed_same_trace),
		cmocka_unit_test(det_seeds_give_different_interleavings),
		cmocka_unit_test(det_pct_replays_and_varies),
		cmocka_unit_test(det_virtual_time_takes_no_real_time),
		cmocka_unit_test(det_kill_interrupts_killable_wait),
		cmocka_unit_test(det_parse_sched),
		cmocka_unit_test(det_config_from_env),
		cmocka_unit_test(det_deadlock_is_reported_not_hung),
		cmocka_unit_test(det_deadlock_report_checks_expected_hash),
		cmocka_unit_test(det_livelock_is_reported),
		cmocka_unit_test(det_end_with_live_thread_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
