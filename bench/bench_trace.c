// SPDX-License-Identifier: BSD-2-Clause
/*
 * The decoded trace at length: 10^6 calls (SMCSIM_BENCH_SCALE scales it)
 * of the echo TA's ADD through the driver, each a yielding SMC whose trace
 * is eight events (the driver's call, the SMC, the secure thread's
 * occupancy, the message as the secure world read it, each begun and
 * ended) decoded as they happen, and 10^6 fast calls (one SMC, two
 * events). Each is run untraced, into the sink's ring (4096 events)
 * and streamed in the line format to /dev/null (what SMCSIM_TRACE=FILE
 * does, without the disk). Printed: calls/s, and the memory per call: the
 * sink's own bytes, and the growth of the process's resident set over the
 * run, divided by the calls. Bounded means both stay flat: the ring is
 * allocated once and nothing else is kept. Figures, no assertion on time;
 * a resident set that grows by more than the ring is reported as a
 * failure (exit 1), since that is the bug this benchmark watches for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>
#include <smcsim/trace.h>

#include "bench.h"

#define TRACE_CALLS	1000000UL
#define TRACE_RING	4096

/* The resident set in bytes (/proc/self/statm), 0 if unknown. */
static size_t rss_bytes(void)
{
	unsigned long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

struct trace_bench {
	struct bench_world *w;
	struct tee_context *ctx;
	uint32_t session;
	bool fast;
};

static int run_calls(struct trace_bench *b, unsigned long n)
{
	struct smcsim_invoke inv = smcsim_invoke_sim(b->w->sw);
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (b->fast) {
			struct arm_smccc_res res;

			smcsim_invoke_call(&inv, OPTEE_SMC_GET_THREAD_COUNT, 0,
					   0, 0, 0, 0, 0, 0, &res);
			if (res.a0 != OPTEE_SMC_RETURN_OK)
				return -1;
		} else if (bench_echo_add(b->ctx, b->session, (uint32_t)i, 1)) {
			return -1;
		}
	}
	return 0;
}

/*
 * One row: @n calls with the sink as @mode says ("off", "ring", "stream").
 * Return: 0, or -1 when a call failed or memory grew.
 */
static int trace_row(struct trace_bench *b, const char *name,
		     const char *mode, unsigned long n, double *calls_s)
{
	struct smcsim_tracer_cfg cfg = { .ring = TRACE_RING };
	size_t rss0, rss1, sink = 0;
	uint64_t t0, t1, events = 0;
	long grew;
	int rc;

	if (!strcmp(mode, "stream")) {
		cfg.ring = 0;
		cfg.stream = fopen("/dev/null", "w");
		cfg.fmt = SMCSIM_TRACE_LINES;
		cfg.close_stream = true;
		if (!cfg.stream)
			return -1;
	}
	if (strcmp(mode, "off") && smcsim_tracer_start(&cfg))
		return -1;
	/*
	 * Warm, untimed: the driver's caches are allocated and every slot of
	 * the ring is written once (its pages resident), so what the
	 * resident set does next is what the calls themselves cost.
	 */
	rc = run_calls(b, TRACE_RING);
	rss0 = rss_bytes();
	t0 = bench_now_ns();
	if (!rc)
		rc = run_calls(b, n);
	t1 = bench_now_ns();
	rss1 = rss_bytes();
	if (strcmp(mode, "off")) {
		sink = smcsim_tracer_bytes();
		events = smcsim_tracer_seen();
		smcsim_tracer_stop();
	}
	if (rc) {
		fprintf(stderr, "bench: %s: a call failed\n", name);
		return -1;
	}
	grew = (long)rss1 - (long)rss0;
	*calls_s = (double)n * 1e9 / (double)(t1 - t0);
	printf("%-28s %9.0f calls/s %7.2f us/call  %5.2f events/call  "
	       "sink %7zu B = %6.3f B/call  RSS %+8ld B = %+7.3f B/call\n",
	       name, *calls_s, (double)(t1 - t0) / 1e3 / (double)n,
	       (double)events / (double)(n + TRACE_RING), sink,
	       (double)sink / (double)n, grew, (double)grew / (double)n);
	if (grew > (long)(TRACE_RING * sizeof(struct smcsim_tev)) + (1L << 20)) {
		fprintf(stderr, "bench: %s: the resident set grew by %ld B over "
			"%lu calls: memory is not bounded\n", name, grew, n);
		return -1;
	}
	return 0;
}

int main(void)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	unsigned long n = bench_iters(TRACE_CALLS);
	struct trace_bench b = { 0 };
	struct bench_world w;
	double off, ring, stream;
	int rc;

	bench_title("decoded trace: 10^6 calls, memory per call");
	printf("event record %zu B, ring %u events\n",
	       sizeof(struct smcsim_tev), TRACE_RING);
	if (bench_world_create(&w, 2, true))
		return 1;
	b.w = &w;
	rc = bench_open_session(&w, &echo, &b.ctx, &b.session);
	if (rc)
		goto out;

	rc = trace_row(&b, "yield_echo_add_untraced", "off", n, &off) ||
	     trace_row(&b, "yield_echo_add_ring", "ring", n, &ring) ||
	     trace_row(&b, "yield_echo_add_stream", "stream", n, &stream);
	if (!rc)
		printf("tracing costs: ring x%.2f, stream x%.2f the untraced "
		       "time per call\n", off / ring, off / stream);
	b.fast = true;
	if (!rc)
		rc = trace_row(&b, "fast_call_untraced", "off", n, &off) ||
		     trace_row(&b, "fast_call_ring", "ring", n, &ring) ||
		     trace_row(&b, "fast_call_stream", "stream", n, &stream);
	if (!rc)
		printf("tracing costs: ring x%.2f, stream x%.2f the untraced "
		       "time per call\n", off / ring, off / stream);
	bench_close_session(b.ctx, b.session);
out:
	bench_world_destroy(&w);
	return rc ? 1 : 0;
}
