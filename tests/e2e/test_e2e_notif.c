// SPDX-License-Identifier: BSD-2-Clause
/*
 * End-to-end tests of notifications (issue 5): synchronous ones (a TA
 * blocking on a secure mutex another thread holds, woken through the
 * normal world's RPC NOTIFICATION handling) and asynchronous ones (values
 * posted in the secure world, fetched by the driver's top half on the
 * interrupt line, bottom halves through the call queue), including what
 * happens to them when the driver is removed while they are in flight.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/tee_error.h>

#include "testbed.h"

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define VO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

/*
 * Not TEE results: what a job returns when the driver itself refused a
 * call, or a session would not close. Jobs run off the main thread, where
 * CMocka cannot assert, so they report through their return value.
 */
#define CALL_REFUSED	0xDEAD0001U
#define CLOSE_FAILED	0xDEAD0002U

static const struct smcsim_uuid notif_uuid = SMCSIM_TA_NOTIF_UUID;

/**
 * struct client - one kernel client with a session to the notification TA
 * @tb:		the stack
 * @ctx:	its context, NULL once closed
 * @session:	its session
 * @cmd:	what the job invokes
 * @v:		value params in and out
 */
struct client {
	struct tb *tb;
	struct tee_context *ctx;
	uint32_t session;
	uint32_t cmd;
	uint64_t v[4][2];
};

static void client_open(struct tb *tb, struct client *c)
{
	memset(c, 0, sizeof(*c));
	c->tb = tb;
	c->ctx = tb_open_ctx(tb);
	assert_int_equal(tb_open_session(c->ctx, &notif_uuid, &c->session),
			 TEE_SUCCESS);
}

static void client_close(struct client *c)
{
	assert_int_equal(tee_client_close_session(c->ctx, c->session), 0);
	tee_client_close_context(c->ctx);
	c->ctx = NULL;
}

/*
 * One call with @c's values. The TA checks parameter types exactly: the
 * notification commands take one value in, the mutex commands a value out
 * as well. Safe off the main thread (no assertions).
 */
static uint32_t client_call(struct client *c)
{
	bool out = c->cmd == SMCSIM_TA_NOTIF_CMD_LOCK_WAIT ||
		   c->cmd == SMCSIM_TA_NOTIF_CMD_LOCK_INC;
	struct tee_ioctl_invoke_arg arg = {
		.func = c->cmd,
		.session = c->session,
		.num_params = 4,
	};
	struct tee_param p[4];
	unsigned int i;

	memset(p, 0, sizeof(p));
	for (i = 0; i < 4; i++) {
		p[i].attr = NO;
		p[i].u.value.a = c->v[i][0];
		p[i].u.value.b = c->v[i][1];
	}
	p[0].attr = VI;
	if (out)
		p[1].attr = VO;
	if (tee_client_invoke_func(c->ctx, &arg, p))
		return CALL_REFUSED;
	for (i = 0; i < 4; i++) {
		c->v[i][0] = p[i].u.value.a;
		c->v[i][1] = p[i].u.value.b;
	}
	return arg.ret;
}

/* A job: one call. */
static uint32_t client_invoke(void *arg)
{
	return client_call(arg);
}

/*
 * A job: one call, then the client goes away (session and context), as a
 * process does when its call returns during a driver remove.
 */
static uint32_t client_invoke_and_close(void *arg)
{
	struct client *c = arg;
	uint32_t ret = client_call(c);

	if (tee_client_close_session(c->ctx, c->session) && ret == TEE_SUCCESS)
		ret = CLOSE_FAILED;
	tee_client_close_context(c->ctx);
	c->ctx = NULL;
	return ret;
}

struct waiting {
	struct tb *tb;
	unsigned int key;
};

static bool key_waiting(void *arg)
{
	struct waiting *w = arg;

	return optee_notif_waiting(w->tb->optee, w->key);
}

/**
 * struct waiting_set - keys that must all have a waiter
 * @optee:	the driver (kept here: tb.optee is cleared by a remove)
 * @keys:	the keys
 * @n:		how many
 */
struct waiting_set {
	struct optee *optee;
	const uint32_t *keys;
	unsigned int n;
};

static bool all_waiting(void *arg)
{
	struct waiting_set *ws = arg;
	unsigned int i;

	for (i = 0; i < ws->n; i++)
		if (!optee_notif_waiting(ws->optee, ws->keys[i]))
			return false;
	return true;
}

static void start_wait(struct client *c, struct tb_job *j, uint32_t value,
		       uint32_t (*fn)(void *))
{
	c->cmd = SMCSIM_TA_NOTIF_CMD_WAIT;
	c->v[0][0] = value;
	/* The TA's own timeout is only a hang guard: every wait gets its value. */
	c->v[0][1] = TB_WAIT_MS;
	tb_job_start(j, "waiter", fn, c);
}

static void start_post(struct client *c, struct tb_job *j, uint32_t value,
		       uint32_t (*fn)(void *))
{
	c->cmd = SMCSIM_TA_NOTIF_CMD_POST;
	c->v[0][0] = value;
	c->v[0][1] = 0;
	tb_job_start(j, "poster", fn, c);
}

/* xorshift32: a fixed sequence, so every run does the same work. */
static uint32_t rnd(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/*
 * A holds the TA mutex and waits for an async value; B contends and waits
 * on its sync value. Posting the value wakes A (top half), A's unlock sends
 * B's value (RPC SEND), B takes the mutex.
 */
static void e2e_notif_mutex_woken_through_normal_world(void **state)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 4 };
	struct tb tb;
	struct client a, b;
	struct tb_job ja, jb;
	struct waiting w;
	uint32_t value;
	struct optee_notif_info ni;

	(void)state;
	tb_start(&tb, &o);
	client_open(&tb, &a);
	client_open(&tb, &b);
	assert_int_equal(smcsim_sw_notif_alloc_value(tb.sw, &value), 0);

	a.cmd = SMCSIM_TA_NOTIF_CMD_LOCK_WAIT;
	a.v[0][0] = value;
	tb_job_start(&ja, "holder", client_invoke, &a);
	w = (struct waiting){ .tb = &tb, .key = value };
	assert_true(tb_wait_until(key_waiting, &w, TB_WAIT_MS));

	b.cmd = SMCSIM_TA_NOTIF_CMD_LOCK_INC;
	tb_job_start(&jb, "contender", client_invoke, &b);
	/* B waits on 64 + its thread id; A holds thread 0, so B is on another. */
	w.key = 0;
	for (unsigned int t = 0; t < 4; t++) {
		w.key = SMCSIM_SW_NOTIF_SYNC_VALUE_BASE + t;
		if (tb_wait_until(key_waiting, &w, 200))
			break;
		w.key = 0;
	}
	assert_true(w.key != 0);
	assert_false(tb_job_finished(&jb));

	assert_int_equal(smcsim_sw_notif_post(tb.sw, value), 0);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(tb_job_join(&jb, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(b.v[1][0], 1);
	assert_int_equal(a.v[1][0], SMCSIM_SW_NOTIF_SYNC_VALUE_BASE + 0);

	optee_get_notif_info(tb.optee, &ni);
	assert_int_equal(ni.waiters, 0);
	assert_true(ni.irq_runs >= 1);
	client_close(&a);
	client_close(&b);
	tb_stop(&tb);
}

/*
 * Three values posted at the same time from three secure threads race in
 * the secure bitmap and in the top half's fetch loop: however the fetches
 * interleave with the posts, each value reaches its own waiter once.
 */
static void e2e_notif_async_values_from_concurrent_posters_reach_waiters(void **state)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 8 };
	enum { N = 3 };
	struct tb tb;
	struct client waiter[N], poster[N];
	struct tb_job jw[N], jp[N];
	uint32_t value[N];
	struct waiting_set ws;
	struct optee_notif_info ni;
	unsigned int i;

	(void)state;
	tb_start(&tb, &o);
	for (i = 0; i < N; i++) {
		client_open(&tb, &waiter[i]);
		client_open(&tb, &poster[i]);
		assert_int_equal(smcsim_sw_notif_alloc_value(tb.sw, &value[i]), 0);
	}
	for (i = 0; i < N; i++)
		start_wait(&waiter[i], &jw[i], value[i], client_invoke);
	ws = (struct waiting_set){ .optee = tb.optee, .keys = value, .n = N };
	assert_true(tb_wait_until(all_waiting, &ws, TB_WAIT_MS));

	for (i = 0; i < N; i++)
		start_post(&poster[i], &jp[i], value[i], client_invoke);
	for (i = 0; i < N; i++)
		assert_int_equal(tb_job_join(&jp[i], TB_WAIT_MS), TEE_SUCCESS);
	for (i = 0; i < N; i++)
		assert_int_equal(tb_job_join(&jw[i], TB_WAIT_MS), TEE_SUCCESS);

	assert_int_equal(smcsim_sw_notif_pending_mask(tb.sw), 0);
	optee_get_notif_info(tb.optee, &ni);
	assert_int_equal(ni.pending, 0);
	assert_int_equal(ni.waiters, 0);
	assert_int_equal(ni.wait_timeouts, 0);
	/* Distinct values, each posted once: each fetched and sent once. */
	assert_int_equal(ni.sends, N);
	assert_int_equal(ni.irq_bad_values, 0);
	for (i = 0; i < N; i++) {
		client_close(&waiter[i]);
		client_close(&poster[i]);
	}
	tb_stop(&tb);
}

struct bh_runs {
	struct smcsim_sw *sw;
	uint64_t runs;
};

static bool bh_runs_reached(void *arg)
{
	struct bh_runs *w = arg;
	struct smcsim_sw_bh_stats st;

	smcsim_sw_bottom_half_stats(w->sw, &st);
	return st.runs >= w->runs;
}

/*
 * A burst of k bottom-half requests sets value 0 k times under one lock and
 * raises the line k times: the top half fetches it once, the threaded half
 * makes one DO_BOTTOM_HALF call, and that call serves the whole burst. The
 * extra raises only run the top half again on an empty bitmap.
 */
static void e2e_notif_bottom_half_runs_once_per_request_burst(void **state)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 4 };
	enum { BURSTS = 20 };
	struct tb tb;
	struct smcsim_irq *line;
	struct smcsim_sw_bh_stats st;
	struct optee_notif_info ni;
	struct bh_runs w;
	uint32_t rng = 0x5eed0002;
	uint64_t sum = 0;
	unsigned int i, k;

	(void)state;
	tb_start(&tb, &o);
	line = smcsim_sw_notif_irq(tb.sw);
	w = (struct bh_runs){ .sw = tb.sw };
	for (i = 1; i <= BURSTS; i++) {
		k = 1 + rnd(&rng) % 10;
		assert_int_equal(smcsim_sw_bottom_half_request(tb.sw, k), 0);
		sum += k;
		w.runs = i;
		assert_true(tb_wait_until(bh_runs_reached, &w, TB_WAIT_MS));
		smcsim_sw_bottom_half_stats(tb.sw, &st);
		assert_int_equal(st.runs, i);
		assert_int_equal(st.requests, sum);
		/* The one run took the whole burst, nothing is left over. */
		assert_int_equal(st.served, sum);
		assert_int_equal(st.empty_runs, 0);
	}

	/*
	 * Let the line go quiet (disable waits for both halves and for a
	 * threaded run that is due) before reading the driver's counters:
	 * after remove they are gone with the driver.
	 */
	smcsim_irq_disable(line);
	optee_get_notif_info(tb.optee, &ni);
	smcsim_irq_enable(line);
	assert_int_equal(ni.bottom_halves, BURSTS);
	assert_int_equal(ni.irq_values, BURSTS);
	assert_int_equal(ni.sends, 0);

	tb_remove(&tb);
	smcsim_sw_bottom_half_stats(tb.sw, &st);
	assert_int_equal(st.runs, BURSTS);
	assert_int_equal(st.requests, sum);
	assert_int_equal(st.served, sum);
	assert_int_equal(st.empty_runs, 0);
	assert_int_equal(st.ignored, 0);
	assert_int_equal(st.stopped, 1);
	tb_stop(&tb);
}

/**
 * struct stop_probe - a secure driver that watches the line at STOP
 * @drv:		registered with the world
 * @sw:			the world
 * @late_value:		posted from the STOPPED callback
 * @stopped:		STOPPED events seen
 * @handled_at_stop:	the line's top-half runs when STOPPED arrived
 * @post_rc:		what the late post returned
 *
 * Written on a secure thread, read by the test after remove: atomics,
 * so the test does not lean on the chain of locks in between.
 */
struct stop_probe {
	struct smcsim_sw_notif_driver drv;
	struct smcsim_sw *sw;
	uint32_t late_value;
	atomic_uint stopped;
	_Atomic uint64_t handled_at_stop;
	atomic_int post_rc;
};

static void stop_probe_cb(struct smcsim_sw_notif_driver *drv,
			  enum smcsim_sw_notif_event ev)
{
	struct stop_probe *sp = (struct stop_probe *)
		((char *)drv - offsetof(struct stop_probe, drv));
	struct smcsim_irq_stats st;

	if (ev != SMCSIM_SW_NOTIF_EVENT_STOPPED)
		return;
	smcsim_irq_get_stats(smcsim_sw_notif_irq(sp->sw), &st);
	atomic_store(&sp->handled_at_stop, st.handled);
	/*
	 * A secure driver posting while it is being stopped raises the line
	 * after STOP: the normal world must not take that interrupt any more.
	 */
	atomic_store(&sp->post_rc, smcsim_sw_notif_post(sp->sw, sp->late_value));
	atomic_fetch_add(&sp->stopped, 1);
}

static uint32_t remove_job(void *arg)
{
	optee_remove(arg);
	return 0;
}

/* The device refuses new clients once remove has begun. */
static bool remove_started(void *arg)
{
	struct tb *tb = arg;
	struct tee_context *ctx;

	if (tee_client_open_context(tb->teedev, &ctx))
		return true;
	tee_client_close_context(ctx);
	return false;
}

/*
 * Remove waits for its clients' contexts; those clients are blocked in
 * waits for async values. Posting the values (from the secure world
 * directly and from a TA) lets them return and close, and remove goes on:
 * masks the line, sends STOP, frees the line. From STOP on, no interrupt
 * is handled, not even one a secure driver raises from its STOPPED
 * callback, nor later posts and raw raises.
 */
static void e2e_notif_remove_with_notifications_in_flight(void **state)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 8 };
	enum { NW = 4, NP = 2 };
	struct tb tb;
	struct client waiter[NW], poster[NP];
	struct tb_job jw[NW], jp[NP], jr;
	uint32_t value[NW];
	struct waiting_set ws;
	struct stop_probe sp;
	struct smcsim_irq *line;
	struct smcsim_irq_stats ist;
	struct smcsim_sw_bh_stats st;
	unsigned int i;

	(void)state;
	tb_start(&tb, &o);
	line = smcsim_sw_notif_irq(tb.sw);
	memset(&sp, 0, sizeof(sp));
	sp.sw = tb.sw;
	sp.drv.yielding_cb = stop_probe_cb;
	atomic_init(&sp.stopped, 0);
	atomic_init(&sp.handled_at_stop, 0);
	atomic_init(&sp.post_rc, -1);
	assert_int_equal(smcsim_sw_notif_alloc_value(tb.sw, &sp.late_value), 0);
	assert_int_equal(smcsim_sw_notif_register_driver(tb.sw, &sp.drv), 0);

	/* Every client exists before remove: it admits no new one. */
	for (i = 0; i < NW; i++) {
		client_open(&tb, &waiter[i]);
		assert_int_equal(smcsim_sw_notif_alloc_value(tb.sw, &value[i]), 0);
	}
	for (i = 0; i < NP; i++)
		client_open(&tb, &poster[i]);
	for (i = 0; i < NW; i++)
		start_wait(&waiter[i], &jw[i], value[i], client_invoke_and_close);
	ws = (struct waiting_set){ .optee = tb.optee, .keys = value, .n = NW };
	assert_true(tb_wait_until(all_waiting, &ws, TB_WAIT_MS));

	tb_job_start(&jr, "remover", remove_job, tb.optee);
	assert_true(tb_wait_until(remove_started, &tb, TB_WAIT_MS));
	assert_false(tb_job_finished(&jr));
	assert_true(all_waiting(&ws));

	/* Half from a secure driver (this thread), half from TAs. */
	for (i = 0; i < NW - NP; i++)
		assert_int_equal(smcsim_sw_notif_post(tb.sw, value[i]), 0);
	for (i = 0; i < NP; i++)
		start_post(&poster[i], &jp[i], value[NW - NP + i],
			   client_invoke_and_close);
	for (i = 0; i < NP; i++)
		assert_int_equal(tb_job_join(&jp[i], TB_WAIT_MS), TEE_SUCCESS);
	for (i = 0; i < NW; i++)
		assert_int_equal(tb_job_join(&jw[i], TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(tb_job_join(&jr, TB_WAIT_MS), 0);
	tb.optee = NULL;
	tb.teedev = NULL;

	assert_int_equal(atomic_load(&sp.stopped), 1);
	assert_int_equal(atomic_load(&sp.post_rc), 0);
	assert_false(smcsim_sw_notif_started(tb.sw));
	/* Raised after STOP and never fetched: nobody took the interrupt. */
	assert_true(smcsim_sw_notif_is_pending(tb.sw, sp.late_value));
	smcsim_irq_get_stats(line, &ist);
	assert_int_equal(ist.attached, 0);
	assert_int_equal(ist.handled, atomic_load(&sp.handled_at_stop));

	/* More posts and raw raises: latched on a line with nothing attached. */
	for (i = 0; i < NW; i++) {
		assert_int_equal(smcsim_sw_notif_post(tb.sw, value[i]), 0);
		smcsim_irq_raise(line);
	}
	rt_sleep_ms(20);
	smcsim_irq_get_stats(line, &ist);
	assert_int_equal(ist.handled, atomic_load(&sp.handled_at_stop));
	assert_true(ist.raised >= NW * 2 + 1);

	smcsim_sw_bottom_half_stats(tb.sw, &st);
	assert_int_equal(st.stopped, 1);
	assert_int_equal(st.ignored, 0);
	smcsim_sw_notif_unregister_driver(tb.sw, &sp.drv);
	tb_stop(&tb);
}

#define INC_CLIENTS	6
#define INC_CALLS	20

/**
 * struct incrementer - a client doing LOCK_INC calls in a row
 * @c:		the client
 * @got:	the counter value each call returned
 */
struct incrementer {
	struct client c;
	uint32_t got[INC_CALLS];
};

static uint32_t incrementer_job(void *arg)
{
	struct incrementer *inc = arg;
	uint32_t ret;
	unsigned int i;

	for (i = 0; i < INC_CALLS; i++) {
		inc->c.cmd = SMCSIM_TA_NOTIF_CMD_LOCK_INC;
		/* 1 ms in the normal world with the mutex held: others queue. */
		inc->c.v[0][0] = 1;
		inc->c.v[0][1] = 0;
		ret = client_call(&inc->c);
		if (ret != TEE_SUCCESS)
			return ret;
		inc->got[i] = (uint32_t)inc->c.v[1][0];
	}
	return TEE_SUCCESS;
}

/*
 * The counter is read, the thread leaves the secure world for 1 ms, then
 * the counter is written: only the mutex (its waiters parked in the normal
 * world on their sync values) keeps every increment. 120 increments give
 * 1..120, each returned once.
 */
static void e2e_notif_mutex_contention_keeps_every_increment(void **state)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM, .threads = 8 };
	struct tb tb;
	struct incrementer inc[INC_CLIENTS];
	struct tb_job j[INC_CLIENTS];
	bool seen[INC_CLIENTS * INC_CALLS + 1];
	struct optee_notif_info ni;
	uint32_t max = 0, v;
	unsigned int i, n;

	(void)state;
	tb_start(&tb, &o);
	for (i = 0; i < INC_CLIENTS; i++)
		client_open(&tb, &inc[i].c);
	for (i = 0; i < INC_CLIENTS; i++)
		tb_job_start(&j[i], "incrementer", incrementer_job, &inc[i]);
	for (i = 0; i < INC_CLIENTS; i++)
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS), TEE_SUCCESS);

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < INC_CLIENTS; i++) {
		for (n = 0; n < INC_CALLS; n++) {
			v = inc[i].got[n];
			assert_in_range(v, 1, INC_CLIENTS * INC_CALLS);
			assert_false(seen[v]);
			seen[v] = true;
			if (v > max)
				max = v;
			/* One client's calls are in order: its values rise. */
			if (n)
				assert_true(v > inc[i].got[n - 1]);
		}
	}
	assert_int_equal(max, INC_CLIENTS * INC_CALLS);

	optee_get_notif_info(tb.optee, &ni);
	assert_int_equal(ni.waiters, 0);
	assert_int_equal(ni.pending, 0);
	assert_int_equal(ni.wait_timeouts, 0);
	for (i = 0; i < INC_CLIENTS; i++)
		client_close(&inc[i].c);
	tb_stop(&tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e2e_notif_mutex_woken_through_normal_world),
		cmocka_unit_test(e2e_notif_async_values_from_concurrent_posters_reach_waiters),
		cmocka_unit_test(e2e_notif_bottom_half_runs_once_per_request_burst),
		cmocka_unit_test(e2e_notif_remove_with_notifications_in_flight),
		cmocka_unit_test(e2e_notif_mutex_contention_keeps_every_increment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
