// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fast-call round trip: OPTEE_SMC_GET_THREAD_COUNT through the invoke hook
 * on the sim backend (the caller's thread runs the fast-call dispatcher,
 * no secure thread is involved), then the same through the trace wrapper
 * in front of it, to show what recording every SMC costs. The wrapper
 * keeps a ring of its last SMCSIM_TRACE_DEFAULT_RECS calls, so memory is
 * bounded; it is made anew between runs (outside the timed loop) so that
 * each run counts its calls from 0. (bench_trace measures the decoded
 * trace of both worlds.)
 */
#include <stdio.h>
#include <stdlib.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>

#include "bench.h"

#define FAST_ITERS	200000

struct fast_ctx {
	struct smcsim_invoke inv;
	unsigned long want_threads;
	struct smcsim_trace *trace;	/* emptied before each run */
	struct smcsim_invoke inner;	/* what @trace wraps */
};

static int fast_body(void *arg, unsigned long iters)
{
	struct fast_ctx *fc = arg;
	struct arm_smccc_res res;
	unsigned long i;
	int bad = 0;

	for (i = 0; i < iters; i++) {
		smcsim_invoke_call(&fc->inv, OPTEE_SMC_GET_THREAD_COUNT, 0, 0,
				   0, 0, 0, 0, 0, &res);
		bad |= res.a0 != OPTEE_SMC_RETURN_OK ||
		       res.a1 != fc->want_threads;
	}
	return bad ? -1 : 0;
}

/* Each run starts with a fresh wrapper, untimed. */
static void trace_reset(void *arg)
{
	struct fast_ctx *fc = arg;

	smcsim_trace_fini(fc->trace);
	smcsim_trace_init(fc->trace, fc->inner, NULL);
}

int main(void)
{
	struct bench_stats floor, st;
	struct bench_world w;
	struct smcsim_trace trace;
	struct fast_ctx fc;
	unsigned long iters = bench_iters(FAST_ITERS);
	unsigned int runs = bench_runs(BENCH_DEFAULT_RUNS);
	char extra[64];
	int rc;

	bench_title("fast calls (OPTEE_SMC_GET_THREAD_COUNT)");
	bench_floor(&floor);
	bench_row("floor_indirect_call", &floor, floor.median, NULL);

	if (bench_world_create(&w, 2, false))
		return 1;
	fc = (struct fast_ctx){
		.inv = smcsim_invoke_sim(w.sw),
		.want_threads = 2,
	};
	rc = bench_measure(fast_body, NULL, &fc, iters, runs, &st);
	if (rc) {
		fprintf(stderr, "bench: fast_call_sim: bad answer\n");
		goto out;
	}
	bench_row("fast_call_sim", &st, floor.median, NULL);

	smcsim_trace_init(&trace, smcsim_invoke_sim(w.sw), NULL);
	fc.inner = smcsim_invoke_sim(w.sw);
	fc.trace = &trace;
	fc.inv = smcsim_trace_invoke(&trace);
	rc = bench_measure(fast_body, trace_reset, &fc, iters, runs, &st);
	if (!rc && smcsim_trace_count(&trace) != iters)
		rc = -1;
	smcsim_trace_fini(&trace);
	if (rc) {
		fprintf(stderr, "bench: fast_call_trace: bad answer\n");
		goto out;
	}
	snprintf(extra, sizeof(extra), "  (%zu B/record, last %u kept)",
		 sizeof(struct smcsim_trace_rec), SMCSIM_TRACE_DEFAULT_RECS);
	bench_row("fast_call_trace", &st, floor.median, extra);
out:
	bench_world_destroy(&w);
	return rc ? 1 : 0;
}
