// SPDX-License-Identifier: BSD-2-Clause
/*
 * The deterministic runtime's speed: complete schedules (runs of one seed)
 * per second of a three-thread scenario (each thread takes a mutex and
 * signals a condition a few times, the main thread waits for all of it),
 * under both strategies, with the steps and hand-offs per run; and the
 * cost of one hand-off (two threads yielding to each other). Every thread
 * of a run is a context on the calling OS thread: a hand-off is a pick
 * and a context switch, no system call.
 */
#include <stdio.h>
#include <stdlib.h>

#include <smcsim/det.h>

#include "bench.h"

#define SCHED_RUNS	2000
#define ROUNDS		4
#define THREADS		3
#define PINGPONG_ITERS	200000

struct scen {
	struct rt_mutex lock;
	struct rt_cond cond;
	unsigned int value;
};

static void *worker(void *arg)
{
	struct scen *s = arg;
	unsigned int i;

	for (i = 0; i < ROUNDS; i++) {
		rt_mutex_lock(&s->lock);
		s->value++;
		rt_cond_broadcast(&s->cond);
		rt_mutex_unlock(&s->lock);
	}
	return NULL;
}

static int scenario(void)
{
	struct rt_thread *t[THREADS];
	struct scen s = { .value = 0 };
	unsigned int i;

	rt_mutex_init(&s.lock);
	rt_cond_init(&s.cond);
	for (i = 0; i < THREADS; i++)
		if (rt_thread_create(&t[i], "worker", worker, &s))
			abort();
	rt_mutex_lock(&s.lock);
	while (s.value < THREADS * ROUNDS)
		rt_cond_wait(&s.cond, &s.lock);
	rt_mutex_unlock(&s.lock);
	for (i = 0; i < THREADS; i++)
		rt_thread_join(t[i], NULL);
	rt_cond_destroy(&s.cond);
	rt_mutex_destroy(&s.lock);
	return s.value == THREADS * ROUNDS ? 0 : -1;
}

static void schedules(const char *sched)
{
	struct rt_det_config cfg;
	struct rt_det_result res;
	unsigned long n = bench_iters(SCHED_RUNS), i;
	uint64_t steps = 0, switches = 0, t0;
	double secs;

	rt_det_config_default(&cfg);
	if (rt_det_parse_sched(&cfg, sched))
		abort();
	cfg.pct_steps = 60;
	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		cfg.seed = i;
		rt_det_begin(&cfg);
		if (scenario())
			abort();
		rt_det_end(&res);
		steps += res.steps;
		switches += res.switches;
	}
	secs = (double)(bench_now_ns() - t0) / 1e9;
	printf("  det_schedules_3threads_%-8s %9.0f schedules/s  %5.1f steps "
	       "and %5.1f hand-offs per schedule, %6.1f ns/step\n",
	       sched, n / secs, (double)steps / n, (double)switches / n,
	       secs * 1e9 / (double)steps);
}

static void *ponger(void *arg)
{
	unsigned long *n = arg, i;

	for (i = 0; i < *n; i++)
		rt_sched_point(RT_POINT_YIELD);
	return NULL;
}

/*
 * Two threads at scheduling points: about half of the points hand off.
 * The figure is the run's time per hand-off, the steps that did not hand
 * off included.
 */
static void handoff(void)
{
	struct rt_det_result res;
	struct rt_thread *t;
	unsigned long n = bench_iters(PINGPONG_ITERS), i;
	uint64_t t0;

	t0 = bench_now_ns();
	rt_det_begin(NULL);
	if (rt_thread_create(&t, "ponger", ponger, &n))
		abort();
	for (i = 0; i < n; i++)
		rt_sched_point(RT_POINT_YIELD);
	rt_thread_join(t, NULL);
	rt_det_end(&res);
	printf("  det_handoff                    %9.1f ns per hand-off "
	       "(%llu hand-offs, %llu steps)\n",
	       (double)(bench_now_ns() - t0) / (double)res.switches,
	       (unsigned long long)res.switches,
	       (unsigned long long)res.steps);
}

int main(void)
{
	bench_title("deterministic runtime");
	schedules("random");
	schedules("pct:3");
	handoff();
	return 0;
}
