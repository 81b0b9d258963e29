/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The deterministic runtime (docs/design.md section 3.2): between
 * rt_det_begin() and rt_det_end() the rt layer runs one thread at a time.
 * Every rt operation, every world switch (rt_world_switch()) and every
 * interrupt delivery (rt_sched_point()) is a scheduling point at which a
 * seeded PRNG picks the next runnable thread, so the same scenario with the
 * same seed and strategy gives the same interleaving and the same trace
 * hash. Time is virtual: it moves only when every thread is blocked and
 * one of them waits with a timeout, to the earliest deadline; the wall
 * clock (rt_realtime()) is a fixed epoch plus that virtual time. No runnable
 * thread and no timed waiter is a deadlock: the run ends with a report of
 * every thread and exit code RT_DET_EXIT_DEADLOCK. A run longer than its
 * step budget ends with RT_DET_EXIT_LIVELOCK.
 *
 * The mode is chosen per run (per test), not per build: the free-running
 * functions test one global flag, a single predictable branch. Every
 * thread of a run is a context on the OS thread that began it. With
 * -Druntime=noos the same scheduler also runs outside a run, cooperatively
 * (<smcsim/rt.h>).
 *
 * Rules for a deterministic run: it is begun and ended by the process's
 * main thread while no other rt thread exists; every thread it starts is
 * joined before rt_det_end(); nothing may wait outside the rt layer (a
 * busy loop on a plain atomic would never yield).
 */
#ifndef SMCSIM_DET_H
#define SMCSIM_DET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <smcsim/rt.h>

#define RT_DET_EXIT_DEADLOCK	86
#define RT_DET_EXIT_LIVELOCK	87

/** enum rt_det_strategy - how the next runnable thread is picked */
enum rt_det_strategy {
	/** @RT_DET_RANDOM: uniformly at every scheduling point */
	RT_DET_RANDOM,
	/**
	 * @RT_DET_PCT: probabilistic concurrency testing (Burckhardt et al.,
	 * ASPLOS 2010): random thread priorities, the highest runnable runs,
	 * and at depth - 1 random steps in [1, pct_steps] the running thread
	 * drops below all others. Finds a bug of depth d with probability
	 * at least 1/(n k^(d-1)).
	 */
	RT_DET_PCT,
};

/**
 * struct rt_det_config - one deterministic run
 * @seed:	PRNG seed
 * @strategy:	see enum rt_det_strategy
 * @pct_depth:	PCT bug depth d (>= 1)
 * @pct_steps:	PCT's estimate k of the steps in a run
 * @max_steps:	step budget; more is a livelock (0: RT_DET_DEFAULT_STEPS)
 * @trace:	if set, one line per step ("step tid op object") goes here
 * @replay:	the command that reruns this scenario (for reports), or NULL
 * @replay_exe:	the same as the test binary's path, or NULL
 * @replay_env:	VAR=value words a replay needs besides the seed, strategy
 *		and hash (SMCSIM_PLANT, SMCSIM_SCENARIO), or NULL
 * @expect_hash: with @check_hash, the trace hash a replay must give
 *		(SMCSIM_EXPECT_HASH); a report says whether it did
 * @check_hash:	@expect_hash is set
 *
 * A report's replay line is "@replay_env SMCSIM_SEED=.. SMCSIM_SCHED=..
 * SMCSIM_EXPECT_HASH=.. @replay", and the same with @replay_exe.
 */
struct rt_det_config {
	uint64_t seed;
	enum rt_det_strategy strategy;
	unsigned int pct_depth;
	uint64_t pct_steps;
	uint64_t max_steps;
	FILE *trace;
	const char *replay;
	const char *replay_exe;
	const char *replay_env;
	uint64_t expect_hash;
	bool check_hash;
};

#define RT_DET_DEFAULT_STEPS	1000000
#define RT_DET_DEFAULT_PCT_STEPS 2000

/**
 * struct rt_det_result - what a run did
 * @hash:	FNV-1a of every step's (thread, operation, object): equal
 *		hashes mean equal interleavings
 * @steps:	scheduling points passed
 * @switches:	times another thread was picked
 * @threads:	threads the run started (main not counted)
 * @vtime_ms:	virtual milliseconds elapsed
 */
struct rt_det_result {
	uint64_t hash;
	uint64_t steps;
	uint64_t switches;
	unsigned int threads;
	uint64_t vtime_ms;
};

/**
 * rt_det_config_default() - seed 0, random, PCT depth 3 over 2000 steps
 * @cfg:	filled
 */
void rt_det_config_default(struct rt_det_config *cfg);

/**
 * rt_det_parse_sched() - parse "random" or "pct:D[:K]" into @cfg
 * Return: 0, or -EINVAL (nothing changed).
 */
int rt_det_parse_sched(struct rt_det_config *cfg, const char *spec);

/**
 * rt_det_format_sched() - the inverse of rt_det_parse_sched()
 * Return: @buf.
 */
char *rt_det_format_sched(const struct rt_det_config *cfg, char *buf,
			  size_t len);

/**
 * rt_det_config_from_env() - apply SMCSIM_SEED (decimal or 0x hex),
 * SMCSIM_SCHED ("random", "pct:D[:K]") and SMCSIM_EXPECT_HASH (the
 * @expect_hash of a replay, decimal or 0x hex) to @cfg
 * Return: 0, or -EINVAL for a malformed variable (reported on stderr).
 */
int rt_det_config_from_env(struct rt_det_config *cfg);

/**
 * rt_det_begin() - start a deterministic run on the calling (main) thread
 * @cfg:	copied; NULL is rt_det_config_default()
 *
 * Every thread the run starts is a context on the calling OS thread.
 * Aborts if a run is active or another rt thread exists.
 */
void rt_det_begin(const struct rt_det_config *cfg);

/**
 * rt_det_end() - end the run and go back to free-running
 * @res:	receives the run's hash and counts if not NULL
 *
 * A thread still alive here is reported as a deadlock (exit code
 * RT_DET_EXIT_DEADLOCK): it could never be joined.
 */
void rt_det_end(struct rt_det_result *res);

/** rt_det_step() - the current run's step count (0 outside a run) */
uint64_t rt_det_step(void);

#endif /* SMCSIM_DET_H */
