/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark harness shared by the bench_* programs: iteration counts
 * scaled by SMCSIM_BENCH_SCALE (and the number of runs by SMCSIM_BENCH_RUNS),
 * CLOCK_MONOTONIC timing, statistics over repeated runs (median, min, p90 of
 * the per-run ns/operation), the floor (one indirect call through a function
 * pointer with the invoke hook's signature), one table row per figure, and
 * the set-up of a world: memory map, simulated secure world and, if asked,
 * the OP-TEE driver probed on it. Benchmarks print figures; they never
 * assert a time.
 */
#ifndef SMCSIM_BENCH_H
#define SMCSIM_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <smcsim/optee.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_drv.h>

/* Runs per figure unless SMCSIM_BENCH_RUNS says otherwise. */
#define BENCH_DEFAULT_RUNS	15

/**
 * struct bench_stats - one figure over repeated runs, in ns per operation
 * @min:	the fastest run
 * @median:	the middle run
 * @p90:	the 90th percentile run (nearest rank)
 * @runs:	how many runs
 * @iters:	operations per run
 */
struct bench_stats {
	double min;
	double median;
	double p90;
	unsigned int runs;
	unsigned long iters;
};

/** bench_now_ns() - CLOCK_MONOTONIC in nanoseconds */
uint64_t bench_now_ns(void);

/** bench_scale() - SMCSIM_BENCH_SCALE (a positive number), default 1 */
double bench_scale(void);

/** bench_iters() - @base scaled by bench_scale(), at least 1 */
unsigned long bench_iters(unsigned long base);

/** bench_runs() - SMCSIM_BENCH_RUNS if set (1..1000), else @dflt */
unsigned int bench_runs(unsigned int dflt);

/**
 * bench_stats_from() - sort @ns (ns per operation of each run) in place
 * and summarise it into @st
 */
void bench_stats_from(double *ns, unsigned int runs, unsigned long iters,
		      struct bench_stats *st);

/**
 * typedef bench_body_fn - the timed loop: run the operation @iters times
 * Return: 0, or a negative number when an operation failed (the benchmark
 * then stops: a figure of failing calls means nothing).
 */
typedef int (*bench_body_fn)(void *arg, unsigned long iters);

/** typedef bench_prep_fn - untimed work before each run (reset state) */
typedef void (*bench_prep_fn)(void *arg);

/**
 * bench_measure() - one untimed warm-up run, then @runs timed runs
 * @prep:	if not NULL, called before every run, outside the timing
 * Return: 0, or what @body returned when it failed.
 */
int bench_measure(bench_body_fn body, bench_prep_fn prep, void *arg,
		  unsigned long iters, unsigned int runs,
		  struct bench_stats *st);

/** bench_floor() - measure the floor (an indirect call) once per process */
void bench_floor(struct bench_stats *st);

/** bench_title() - a section heading with the scale in force */
void bench_title(const char *title);

/**
 * bench_row() - one line of the table
 * @name:	the figure's name
 * @st:		the figure
 * @floor_ns:	the floor's median, printed beside it
 * @extra:	appended as is (may be NULL)
 */
void bench_row(const char *name, const struct bench_stats *st,
	       double floor_ns, const char *extra);

/**
 * struct bench_world - what a benchmark talks to
 * @phys:	the memory map
 * @sw:		the simulated secure world
 * @optee:	the driver probed on @sw, or NULL
 */
struct bench_world {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct optee *optee;
};

/**
 * bench_world_create() - a default (QEMU v8-like, upstream profile) world
 * @sw_threads:	secure threads
 * @driver:	also probe the driver on it
 * Return: 0 or a negative errno (printed).
 */
int bench_world_create(struct bench_world *w, unsigned int sw_threads,
		       bool driver);
void bench_world_destroy(struct bench_world *w);


/**
 * bench_open_session() - a client context and a session to TA @uuid
 * Return: 0 or a negative number (printed); nothing is left open on error.
 */
int bench_open_session(struct bench_world *w, const struct smcsim_uuid *uuid,
		       struct tee_context **ctx, uint32_t *session);
void bench_close_session(struct tee_context *ctx, uint32_t session);

/**
 * bench_echo_add() - one SMCSIM_TA_ECHO_CMD_ADD through the driver
 *
 * May be called from several threads at once. The first few failures of
 * the process are described on stderr.
 * Return: 0 if it answered @a + @b, else -1.
 */
int bench_echo_add(struct tee_context *ctx, uint32_t session, uint32_t a,
		   uint32_t b);

#endif /* SMCSIM_BENCH_H */
