/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Schedule exploration: run one scenario under the deterministic runtime
 * (<smcsim/det.h>) over a range of seeds, check its invariants after each
 * run, and on the first failure print the seed, the trace hash and the
 * command that replays it, as a meson test and as the test binary:
 *
 *   SMCSIM_SCENARIO=wait_send SMCSIM_SEED=0x2a SMCSIM_SCHED=random
 *     SMCSIM_EXPECT_HASH=0x... meson test -C <builddir> det/test_det_notif
 *
 * Environment (unless @ignore_env):
 *   SMCSIM_SEED		that one seed (a replay)
 *   SMCSIM_SCHED		the strategy
 *   SMCSIM_EXPECT_HASH	with SMCSIM_SEED: the run must give this trace
 *			hash, else it fails ("the replay diverged")
 *   SMCSIM_SCENARIO	only the explorations of that @name run; the others
 *			make no run and say so (@skipped)
 *   SMCSIM_PLANT		bugs planted in the driver for the exploration
 *			(optee_test_plant_parse() names, comma separated)
 *   SMCSIM_SEEDS		START:COUNT, the seeds of every exploration (a
 *			shard), overriding @first_seed and @seeds; each
 *			exploration then prints one summary line:
 *   smcsim explore: shard <test> <name> sched=<s> seeds=<start>:<count>
 *     runs=N failed=K distinct=D steps=S [fail_seed=0x.. fail_hash=0x..]
 *   SMCSIM_DET_SEEDS	caps @seeds when SMCSIM_SEEDS is not set (fewer
 *			under TSan or an emulator)
 *   SMCSIM_BUILD_DIR	the build directory the replay line names
 *			(tests/meson.build sets it; "build" otherwise)
 * A replay line names the bugs planted when the failure happened, whether
 * by SMCSIM_PLANT or by optee_test_plant().
 */
#ifndef SMCSIM_EXPLORE_H
#define SMCSIM_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct smcsim_explore - what to explore
 * @test:	the meson test name, for the replay command
 * @name:	the scenario: one word, the same for every exploration of
 *		the same runs (whatever the strategy) in @test and different
 *		for any other, or NULL (then SMCSIM_SCENARIO skips it)
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
	const char *name;
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
 * @skipped:	SMCSIM_SCENARIO named another scenario: no run was made
 * @first_seed:	the first seed explored
 * @why:	@check's message for the failure
 * @replay:	on a failure, the command that replays it (as printed,
 *		SMCSIM_SEED=@seed SMCSIM_EXPECT_HASH=@hash ... meson test ...)
 * @replay_exe:	the same with the test binary instead of meson test ("" if
 *		/proc/self/exe cannot be read)
 */
struct smcsim_explore_result {
	unsigned int runs;
	bool failed;
	uint64_t seed;
	uint64_t hash;
	unsigned int distinct;
	uint64_t steps;
	double seconds;
	bool skipped;
	uint64_t first_seed;
	char why[256];
	char replay[512];
	char replay_exe[512];
};

/**
 * smcsim_explore() - run @e's scenario over its seeds
 * @e:		what
 * @r:		filled
 *
 * Stops at the first failure, printing it with the trace hash and the
 * replay command on stderr. A deadlock or livelock ends the process (see
 * det.h) with the same replay line.
 * Return: 0 if every run held, -1 on a failure, -EINVAL for a bad
 * strategy or environment.
 */
int smcsim_explore(const struct smcsim_explore *e,
		   struct smcsim_explore_result *r);

#endif /* SMCSIM_EXPLORE_H */
