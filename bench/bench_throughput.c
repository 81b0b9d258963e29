// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding-call throughput: 1, 2, 4 and 8 client threads (rt threads) each
 * make a fixed number of echo-TA ADD calls through the driver, each with
 * its own context and session, against worlds of 2 and 8 secure threads.
 * A run is timed by the main thread from opening the start gate (every
 * client is created, has its session and waits at the gate) to the last
 * client finishing; a figure is the median, min and p90 over runs of
 * wall-clock ns per call (all clients' calls together), and calls/s at the
 * median. With more clients than secure threads the driver's call queue
 * makes the surplus wait, so this also measures that hand-over.
 *
 * A failed call does not stop a run (the figure would be lost) but is
 * counted, shown in the row, and makes the program exit 1 at the end: a
 * throughput of wrong answers is no throughput. A run that makes no
 * progress for TP_STALL_MS is reported as a stall and ends the program.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <smcsim/rt.h>

#include "bench.h"

#define TP_CALLS_PER_THREAD	1500
#define TP_RUNS			7
#define TP_MAX_CLIENTS		8
#define TP_STALL_MS		10000

/**
 * struct tp_run - one run: the gate and the finish line
 * @lock:	protects @ready, @go and @left
 * @cond:	broadcast when @go is set or @ready or @left moves
 * @ready:	clients waiting at the gate
 * @go:		the gate is open
 * @left:	clients still calling
 * @calls:	calls made so far (progress, for the stall check)
 * @failures:	calls that failed
 */
struct tp_run {
	struct rt_mutex lock;
	struct rt_cond cond;
	unsigned int ready;
	bool go;
	unsigned int left;
	atomic_ulong calls;
	atomic_ulong failures;
};

/**
 * struct tp_client - one client thread's own context and session
 * @run:	the run it belongs to
 * @ctx:	its context
 * @session:	its echo-TA session
 * @calls:	calls to make
 * @seed:	first operand, so clients' answers differ
 */
struct tp_client {
	struct tp_run *run;
	struct tee_context *ctx;
	uint32_t session;
	unsigned long calls;
	uint32_t seed;
};

static void *tp_client_main(void *p)
{
	struct tp_client *c = p;
	struct tp_run *run = c->run;
	unsigned long i;

	rt_mutex_lock(&run->lock);
	run->ready++;
	rt_cond_broadcast(&run->cond);
	while (!run->go)
		rt_cond_wait(&run->cond, &run->lock);
	rt_mutex_unlock(&run->lock);

	for (i = 0; i < c->calls; i++) {
		if (bench_echo_add(c->ctx, c->session, c->seed + (uint32_t)i, 3))
			atomic_fetch_add(&run->failures, 1);
		atomic_fetch_add_explicit(&run->calls, 1, memory_order_relaxed);
	}

	rt_mutex_lock(&run->lock);
	if (--run->left == 0)
		rt_cond_broadcast(&run->cond);
	rt_mutex_unlock(&run->lock);
	return NULL;
}

/* Caller holds run->lock: wait for the last client, or give up on a stall. */
static void tp_wait_done(struct tp_run *run, unsigned long total)
{
	unsigned long seen = 0, now;
	uint64_t since = bench_now_ns();

	while (run->left) {
		if (rt_cond_timedwait(&run->cond, &run->lock, 1000) != -ETIMEDOUT)
			continue;
		now = atomic_load(&run->calls);
		if (now != seen) {
			seen = now;
			since = bench_now_ns();
			continue;
		}
		if (bench_now_ns() - since < TP_STALL_MS * 1000000ULL)
			continue;
		fflush(stdout);
		fprintf(stderr,
			"bench: STALL: %lu of %lu calls done, %u clients blocked for %u ms; giving up\n",
			now, total, run->left, TP_STALL_MS);
		exit(1);
	}
}

/*
 * One timed run with @n clients. Return: ns per call, or < 0 when the
 * clients could not be started; *@failures gets the failed calls.
 */
static double tp_one_run(struct tp_client *clients, unsigned int n,
			 unsigned long *failures)
{
	struct rt_thread *th[TP_MAX_CLIENTS];
	struct tp_run run = { .left = n };
	unsigned long total = 0;
	unsigned int i, started;
	uint64_t t0, t1;

	rt_mutex_init(&run.lock);
	rt_cond_init(&run.cond);
	atomic_init(&run.calls, 0);
	atomic_init(&run.failures, 0);
	for (started = 0; started < n; started++) {
		char name[24];

		clients[started].run = &run;
		total += clients[started].calls;
		snprintf(name, sizeof(name), "client-%u", started);
		if (rt_thread_create(&th[started], name, tp_client_main,
				     &clients[started]))
			break;
	}

	rt_mutex_lock(&run.lock);
	/* Those not started will never leave; let the others go and finish. */
	run.left -= n - started;
	while (run.ready < started)
		rt_cond_wait(&run.cond, &run.lock);
	t0 = bench_now_ns();
	run.go = true;
	rt_cond_broadcast(&run.cond);
	tp_wait_done(&run, total);
	t1 = bench_now_ns();
	rt_mutex_unlock(&run.lock);

	for (i = 0; i < started; i++)
		rt_thread_join(th[i], NULL);
	rt_cond_destroy(&run.cond);
	rt_mutex_destroy(&run.lock);
	*failures = atomic_load(&run.failures);
	if (started < n) {
		fprintf(stderr, "bench: could start only %u of %u clients\n",
			started, n);
		return -1.0;
	}
	return (double)(t1 - t0) / (double)total;
}

/* Return: 0, 1 if calls failed, -1 if the figure could not be had. */
static int tp_config(unsigned int sw_threads, unsigned int n, double floor_ns)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	struct tp_client clients[TP_MAX_CLIENTS] = { 0 };
	unsigned int runs = bench_runs(TP_RUNS), r, opened;
	unsigned long calls = bench_iters(TP_CALLS_PER_THREAD);
	unsigned long failed, failures = 0;
	struct bench_stats st;
	struct bench_world w;
	double *ns = NULL;
	char name[48], extra[96];
	int rc = -1, len;

	if (bench_world_create(&w, sw_threads, true))
		return -1;
	for (opened = 0; opened < n; opened++) {
		clients[opened].calls = calls;
		clients[opened].seed = opened * 1000000U;
		if (bench_open_session(&w, &echo, &clients[opened].ctx,
				       &clients[opened].session))
			goto out_close;
	}
	ns = calloc(runs, sizeof(*ns));
	if (!ns)
		goto out_close;

	/* A warm-up run, then the timed ones. */
	if (tp_one_run(clients, n, &failed) < 0)
		goto out_close;
	failures += failed;
	for (r = 0; r < runs; r++) {
		ns[r] = tp_one_run(clients, n, &failed);
		if (ns[r] < 0)
			goto out_close;
		failures += failed;
	}
	bench_stats_from(ns, runs, calls * n, &st);
	snprintf(name, sizeof(name), "throughput_sw%u_clients%u", sw_threads,
		 n);
	len = snprintf(extra, sizeof(extra), "  %9.0f calls/s",
		       1e9 / st.median);
	if (failures)
		snprintf(extra + len, sizeof(extra) - (size_t)len,
			 "  !! %lu of %lu calls FAILED", failures,
			 calls * n * (runs + 1));
	bench_row(name, &st, floor_ns, extra);
	rc = failures ? 1 : 0;

out_close:
	free(ns);
	while (opened--)
		bench_close_session(clients[opened].ctx,
				    clients[opened].session);
	bench_world_destroy(&w);
	return rc;
}

int main(void)
{
	static const unsigned int sw_threads[] = { 2, 8 };
	static const unsigned int clients[] = { 1, 2, 4, 8 };
	struct bench_stats floor;
	unsigned int i, j;
	bool failed = false;
	int rc;

	bench_title("yielding-call throughput, echo ADD through the driver, wall-clock ns per call");
	bench_floor(&floor);
	bench_row("floor_indirect_call", &floor, floor.median, NULL);
	for (i = 0; i < sizeof(sw_threads) / sizeof(sw_threads[0]); i++) {
		for (j = 0; j < sizeof(clients) / sizeof(clients[0]); j++) {
			rc = tp_config(sw_threads[i], clients[j], floor.median);
			if (rc < 0)
				return 1;
			failed |= rc > 0;
		}
	}
	if (failed)
		fprintf(stderr, "bench: some calls failed: the figures above marked !! are not trustworthy\n");
	return failed ? 1 : 0;
}
