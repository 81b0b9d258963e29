/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Schedule exploration: run one scenario under the deterministic runtime
 * (<smcsim/det.h>) over a range of seeds, check its invariants after each
 * run, and on the first failure print the seed and the command that
 * replays it:
 *
 *   SMCSIM_SEED=0x2a SMCSIM_SCHED=random meson test -C build det/notif
 *
 * Environment (unless @ignore_env): SMCSIM_SEED runs that one seed,
 * SMCSIM_SCHED picks the strategy, SMCSIM_DET_SEEDS caps the number of
 * seeds (fewer under TSan or an emulator).
 */
#ifndef SMCSIM_EXPLORE_H
#define SMCSIM_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct smcsim_explore - what to explore
 * @test:	the meson test name, for the replay command
 * @scenario:	one run; it begins from scratch each time (all its threads
 *		started and joined inside) and records what it saw in @arg
 * @check:	after each run, outside it: NULL if the invariants hold,
 *		else what broke
 * @arg:	for both
 * @first_seed:	seeds are @first_seed .. @first_seed + @seeds - 1
 * @seeds:	how many runs
 * @sched:	"random" (NULL) or "pct:D[:K]"
 * @max_steps:	step budget per run, 0 for the default
 * @ignore_env:	the SMCSIM_* variables do not apply
 */
struct smcsim_explore {
	const char *test;
	void (*scenario)(void *arg);
	const char *(*check)(void *arg);
	void *arg;
	uint64_t first_seed;
	unsigned int seeds;
	const char *sched;
	uint64_t max_steps;
	bool ignore_env;
};

/**
 * struct smcsim_explore_result - what the exploration found
 * @runs:	runs made
 * @failed:	an invariant broke, in the run of @seed
 * @seed:	the failing seed (or the last one run)
 * @hash:	that run's trace hash
 * @distinct:	different trace hashes seen (interleavings told apart)
 * @steps:	scheduling points over all runs
 * @seconds:	wall time of the exploration
 * @why:	@check's message for the failure
 */
struct smcsim_explore_result {
	unsigned int runs;
	bool failed;
	uint64_t seed;
	uint64_t hash;
	unsigned int distinct;
	uint64_t steps;
	double seconds;
	char why[256];
};

/**
 * smcsim_explore() - run @e's scenario over its seeds
 * @e:		what
 * @r:		filled
 *
 * Stops at the first failure, printing it with the replay command on
 * stderr. A deadlock or livelock ends the process (see det.h) with the
 * same replay line.
 * Return: 0 if every run held, -1 on a failure, -EINVAL for a bad
 * strategy or environment.
 */
int smcsim_explore(const struct smcsim_explore *e,
		   struct smcsim_explore_result *r);

#endif /* SMCSIM_EXPLORE_H */
