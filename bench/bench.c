// SPDX-License-Identifier: BSD-2-Clause
/*
 * The benchmark harness (see bench.h): scaling from the environment,
 * timing with CLOCK_MONOTONIC, median/min/p90 over repeated runs, the
 * indirect-call floor, table rows, building a world with or without the
 * driver (SMCSIM_BENCH_LOG=1 lets both log), and the one client call the
 * driver benchmarks time, bench_echo_add(). Everything else here runs
 * outside the timed loops, apart from the floor's body it measures.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <smcsim/invoke.h>
#include <smcsim/tee_error.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Called from the main thread only; read the environment once. */
double bench_scale(void)
{
	static double scale;
	const char *s;
	char *end;

	if (scale > 0.0)
		return scale;
	scale = 1.0;
	s = getenv("SMCSIM_BENCH_SCALE");
	if (!s || !*s)
		return scale;
	scale = strtod(s, &end);
	if (*end || !(scale > 0.0) || scale > 1e6) {
		fprintf(stderr, "bench: ignoring SMCSIM_BENCH_SCALE=%s\n", s);
		scale = 1.0;
	}
	return scale;
}

unsigned long bench_iters(unsigned long base)
{
	double v = (double)base * bench_scale();

	return v < 1.0 ? 1 : (unsigned long)v;
}

unsigned int bench_runs(unsigned int dflt)
{
	const char *s = getenv("SMCSIM_BENCH_RUNS");
	char *end;
	unsigned long v;

	if (!s || !*s)
		return dflt;
	v = strtoul(s, &end, 10);
	if (*end || v < 1 || v > 1000) {
		fprintf(stderr, "bench: ignoring SMCSIM_BENCH_RUNS=%s\n", s);
		return dflt;
	}
	return (unsigned int)v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_stats_from(double *ns, unsigned int runs, unsigned long iters,
		      struct bench_stats *st)
{
	/* Nearest rank: the smallest sample with >= 90 % at or below it. */
	unsigned int p90 = (runs * 9 + 9) / 10;

	qsort(ns, runs, sizeof(*ns), cmp_double);
	st->runs = runs;
	st->iters = iters;
	st->min = ns[0];
	st->median = runs % 2 ? ns[runs / 2] :
				(ns[runs / 2 - 1] + ns[runs / 2]) / 2;
	st->p90 = ns[p90 ? p90 - 1 : 0];
}

int bench_measure(bench_body_fn body, bench_prep_fn prep, void *arg,
		  unsigned long iters, unsigned int runs,
		  struct bench_stats *st)
{
	double *ns = calloc(runs, sizeof(*ns));
	unsigned int r;
	int rc;

	if (!ns)
		return -ENOMEM;
	if (prep)
		prep(arg);
	rc = body(arg, iters);
	for (r = 0; !rc && r < runs; r++) {
		uint64_t t0;

		if (prep)
			prep(arg);
		t0 = bench_now_ns();

		rc = body(arg, iters);
		ns[r] = (double)(bench_now_ns() - t0) / (double)iters;
	}
	if (!rc)
		bench_stats_from(ns, runs, iters, st);
	free(ns);
	return rc;
}

/* ---- the floor: one indirect call with the invoke hook's signature ------ */

static void floor_invoke(void *ctx, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3, unsigned long a4,
			 unsigned long a5, unsigned long a6, unsigned long a7,
			 struct arm_smccc_res *res)
{
	res->a0 = a0;
	res->a1 = a1 ^ a4 ^ a5;
	res->a2 = a2 ^ a6;
	res->a3 = a3 ^ a7;
}

/* volatile: the compiler may neither devirtualise nor inline the call. */
static smcsim_invoke_fn volatile floor_fn = floor_invoke;
static volatile unsigned long bench_sink;

static int floor_body(void *arg, unsigned long iters)
{
	struct arm_smccc_res res;
	unsigned long i, acc = 0;

	for (i = 0; i < iters; i++) {
		floor_fn(arg, i, 0, 0, 0, 0, 0, 0, 0, &res);
		acc += res.a0;
	}
	bench_sink = acc;
	return 0;
}

void bench_floor(struct bench_stats *st)
{
	bench_measure(floor_body, NULL, NULL, bench_iters(5000000),
		      bench_runs(BENCH_DEFAULT_RUNS), st);
}

/* ---- output -------------------------------------------------------------- */

void bench_title(const char *title)
{
	printf("\n== %s (SMCSIM_BENCH_SCALE=%g) ==\n", title, bench_scale());
	fflush(stdout);
}

void bench_row(const char *name, const struct bench_stats *st,
	       double floor_ns, const char *extra)
{
	printf("%-30s median %9.1f ns  min %9.1f  p90 %9.1f  (floor: indirect call %.1f ns)  [%u x %lu]%s\n",
	       name, st->median, st->min, st->p90, floor_ns, st->runs,
	       st->iters, extra ? extra : "");
	fflush(stdout);
}

/* SMCSIM_BENCH_LOG set: let firmware and driver log to stderr. */
static bool bench_log(void)
{
	const char *s = getenv("SMCSIM_BENCH_LOG");

	return s && *s && strcmp(s, "0");
}

/* ---- worlds --------------------------------------------------------------- */

int bench_world_create(struct bench_world *w, unsigned int sw_threads,
		       bool driver)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	struct optee_probe_cfg ocfg;
	int rc;

	memset(w, 0, sizeof(*w));
	smcsim_phys_config_default(&pcfg);
	rc = smcsim_phys_create(&pcfg, &w->phys);
	if (rc) {
		fprintf(stderr, "bench: smcsim_phys_create: %d\n", rc);
		return rc;
	}
	smcsim_sw_config_default(&scfg, SMCSIM_ABI_PROPOSAL, w->phys);
	scfg.num_threads = sw_threads;
	scfg.log = bench_log();
	rc = smcsim_sw_create(&scfg, &w->sw);
	if (rc) {
		fprintf(stderr, "bench: smcsim_sw_create(%u threads): %d\n",
			sw_threads, rc);
		goto err_destroy_phys;
	}
	if (!driver)
		return 0;

	memset(&ocfg, 0, sizeof(ocfg));
	ocfg.invoke = smcsim_invoke_sim(w->sw);
	ocfg.phys = w->phys;
	ocfg.profile = SMCSIM_ABI_PROPOSAL;
	ocfg.log = bench_log();
	ocfg.notif_irq = smcsim_sw_notif_irq(w->sw);
	rc = optee_probe(&ocfg, &w->optee);
	if (rc) {
		fprintf(stderr, "bench: optee_probe: %d\n", rc);
		goto err_destroy_sw;
	}
	return 0;

err_destroy_sw:
	smcsim_sw_destroy(w->sw);
err_destroy_phys:
	smcsim_phys_destroy(w->phys);
	memset(w, 0, sizeof(*w));
	return rc;
}

void bench_world_destroy(struct bench_world *w)
{
	optee_remove(w->optee);
	smcsim_sw_destroy(w->sw);
	smcsim_phys_destroy(w->phys);
	memset(w, 0, sizeof(*w));
}

int bench_open_session(struct bench_world *w, const struct smcsim_uuid *uuid,
		       struct tee_context **ctx, uint32_t *session)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_REE_KERNEL,
	};
	int rc;

	rc = tee_client_open_context(optee_client_teedev(w->optee), ctx);
	if (rc) {
		fprintf(stderr, "bench: tee_client_open_context: %d\n", rc);
		return rc;
	}
	smcsim_uuid_to_octets(uuid, arg.uuid);
	rc = tee_client_open_session(*ctx, &arg, NULL);
	if (!rc && arg.ret != TEE_SUCCESS)
		rc = -EIO;
	if (rc) {
		fprintf(stderr, "bench: open session: %d (ret 0x%x origin %u)\n",
			rc, arg.ret, arg.ret_origin);
		tee_client_close_context(*ctx);
		*ctx = NULL;
		return rc;
	}
	*session = arg.session;
	return 0;
}

void bench_close_session(struct tee_context *ctx, uint32_t session)
{
	tee_client_close_session(ctx, session);
	tee_client_close_context(ctx);
}

/* Failed calls reported on stderr so far, by every thread. */
#define BENCH_FAILURES_SHOWN	5
static atomic_uint bench_failures_shown;

int bench_echo_add(struct tee_context *ctx, uint32_t session, uint32_t a,
		   uint32_t b)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = SMCSIM_TA_ECHO_CMD_ADD,
		.session = session,
		.num_params = 2,
	};
	struct tee_param p[2] = {
		{ .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
		  .u.value = { .a = a, .b = b } },
		{ .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT },
	};

	int rc = tee_client_invoke_func(ctx, &arg, p);

	if (rc || arg.ret != TEE_SUCCESS ||
	    p[1].u.value.a != (uint32_t)(a + b)) {
		/* Show the first few; a flood would drown the table. */
		if (atomic_fetch_add(&bench_failures_shown, 1) >=
		    BENCH_FAILURES_SHOWN)
			return -1;
		fprintf(stderr,
			"bench: echo ADD %u + %u on session %u: rc %d ret 0x%x origin %u, answer %llu\n",
			a, b, session, rc, arg.ret, arg.ret_origin,
			(unsigned long long)p[1].u.value.a);
		return -1;
	}
	return 0;
}
