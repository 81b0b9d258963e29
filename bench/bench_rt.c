// SPDX-License-Identifier: BSD-2-Clause
/*
 * The free-running runtime layer's cost per primitive, uncontended, on one
 * thread: a mutex lock/unlock pair, a signal nobody waits for, a kref
 * get/put pair, a clock read. Each of these tests rt_det_active() first;
 * this is where that branch would show (compare with a build of the tree
 * before the deterministic runtime: the program uses only <smcsim/rt.h>).
 */
#include <stdio.h>

#include <smcsim/rt.h>

#include "bench.h"

#define RT_ITERS	2000000

struct rt_ctx {
	struct rt_mutex m;
	struct rt_cond c;
	struct rt_kref k;
	uint64_t sink;
};

static int mutex_body(void *arg, unsigned long iters)
{
	struct rt_ctx *x = arg;
	unsigned long i;

	for (i = 0; i < iters; i++) {
		rt_mutex_lock(&x->m);
		rt_mutex_unlock(&x->m);
	}
	return 0;
}

static int signal_body(void *arg, unsigned long iters)
{
	struct rt_ctx *x = arg;
	unsigned long i;

	for (i = 0; i < iters; i++)
		rt_cond_signal(&x->c);
	return 0;
}

static void never(struct rt_kref *k)
{
	(void)k;
}

static int kref_body(void *arg, unsigned long iters)
{
	struct rt_ctx *x = arg;
	unsigned long i;

	for (i = 0; i < iters; i++) {
		rt_kref_get(&x->k);
		rt_kref_put(&x->k, never);
	}
	return 0;
}

static int clock_body(void *arg, unsigned long iters)
{
	struct rt_ctx *x = arg;
	unsigned long i;

	for (i = 0; i < iters; i++)
		x->sink += rt_now_ms();
	return 0;
}

int main(void)
{
	static const struct {
		const char *name;
		bench_body_fn fn;
	} figs[] = {
		{ "rt_mutex_lock_unlock", mutex_body },
		{ "rt_cond_signal_nowaiter", signal_body },
		{ "rt_kref_get_put", kref_body },
		{ "rt_now_ms", clock_body },
	};
	struct bench_stats floor, st;
	struct rt_ctx x;
	unsigned long iters = bench_iters(RT_ITERS);
	unsigned int runs = bench_runs(BENCH_DEFAULT_RUNS), i;

	bench_title("runtime layer, free-running, one thread");
	bench_floor(&floor);
	bench_row("floor_indirect_call", &floor, floor.median, NULL);
	rt_mutex_init(&x.m);
	rt_cond_init(&x.c);
	rt_kref_init(&x.k);
	x.sink = 0;
	for (i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
		if (bench_measure(figs[i].fn, NULL, &x, iters, runs, &st))
			return 1;
		bench_row(figs[i].name, &st, floor.median, NULL);
	}
	rt_cond_destroy(&x.c);
	rt_mutex_destroy(&x.m);
	return x.sink ? 0 : 1;
}
