// SPDX-License-Identifier: BSD-2-Clause
/*
 * Schedule exploration over seeds (<smcsim/explore.h>): each run is one
 * rt_det_begin()/rt_det_end() around the scenario, then its invariants.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <smcsim/alloc.h>
#include <smcsim/det.h>
#include <smcsim/explore.h>
/* The driver's planted bugs (tests only): a replay must plant them too. */
#include <smcsim/optee.h>
#include <smcsim/trace.h>

/*
 * Real time, on purpose: how long the exploration took, for its figures.
 * It runs outside every det run and neither world reads it.
 */
static double explore_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int explore_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned int explore_distinct(uint64_t *h, unsigned int n)
{
	unsigned int i, d = n ? 1 : 0;

	qsort(h, n, sizeof(*h), explore_cmp);
	for (i = 1; i < n; i++)
		d += h[i] != h[i - 1];
	return d;
}

static const char *explore_getenv(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

/**
 * struct explore_plan - what the environment made of an exploration
 * @cfg:	the runs' configuration (seed set per run)
 * @first:	first seed
 * @n:		seeds
 * @shard:	SMCSIM_SEEDS gave the range: print the summary line
 * @plant:	SMCSIM_PLANT's bugs, if @has_plant
 * @has_plant:	SMCSIM_PLANT is set
 * @skip:	SMCSIM_SCENARIO names another scenario
 */
struct explore_plan {
	struct rt_det_config cfg;
	uint64_t first;
	unsigned int n;
	bool shard;
	unsigned int plant;
	bool has_plant;
	bool skip;
};

/* SMCSIM_SEEDS=START:COUNT. Return: 0 or -EINVAL. */
static int explore_range(const char *s, uint64_t *first, unsigned int *n)
{
	unsigned long long start, count;
	char *end;

	errno = 0;
	start = strtoull(s, &end, 0);
	if (errno || end == s || *end != ':')
		return -EINVAL;
	s = end + 1;
	count = strtoull(s, &end, 0);
	if (errno || end == s || *end || !count || count > UINT_MAX ||
	    start > UINT64_MAX - (count - 1))
		return -EINVAL;
	*first = start;
	*n = (unsigned int)count;
	return 0;
}

/* Apply the environment to @p. Return: 0 or -EINVAL (reported). */
static int explore_env(const struct smcsim_explore *e, struct explore_plan *p)
{
	const char *s;
	unsigned long cap;
	char *end;

	p->cfg.seed = p->first;
	if (rt_det_config_from_env(&p->cfg))
		return -EINVAL;
	s = explore_getenv("SMCSIM_PLANT");
	if (s) {
		if (optee_test_plant_parse(s, &p->plant)) {
			fprintf(stderr, "smcsim explore: bad SMCSIM_PLANT '%s'\n",
				s);
			return -EINVAL;
		}
		p->has_plant = true;
	}
	s = explore_getenv("SMCSIM_SCENARIO");
	if (s && (!e->name || strcmp(s, e->name)))
		p->skip = true;
	if (explore_getenv("SMCSIM_SEED")) {
		/* A replay: that seed alone. */
		p->first = p->cfg.seed;
		p->n = 1;
		return 0;
	}
	if (p->cfg.check_hash) {
		/* Every seed has its own hash: one can be expected only. */
		fprintf(stderr, "smcsim explore: SMCSIM_EXPECT_HASH needs "
			"SMCSIM_SEED\n");
		return -EINVAL;
	}
	s = explore_getenv("SMCSIM_SEEDS");
	if (s) {
		if (explore_range(s, &p->first, &p->n)) {
			fprintf(stderr, "smcsim explore: bad SMCSIM_SEEDS '%s' "
				"(START:COUNT)\n", s);
			return -EINVAL;
		}
		p->shard = true;
		return 0;
	}
	s = explore_getenv("SMCSIM_DET_SEEDS");
	if (s) {
		cap = strtoul(s, &end, 0);
		if (*end || !cap) {
			fprintf(stderr, "smcsim explore: bad SMCSIM_DET_SEEDS '%s'\n",
				s);
			return -EINVAL;
		}
		if (cap < p->n)
			p->n = (unsigned int)cap;
	}
	return 0;
}

/* A word a POSIX shell reads back as itself. */
static bool explore_shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./:=,+-@%", *s))
			return false;
	return true;
}

/* Append @s to @buf, single-quoted unless it needs none. */
static void explore_cat_word(char *buf, size_t len, const char *s)
{
	char c[2] = { 0, 0 };

	if (explore_shell_safe(s)) {
		strlcat(buf, s, len);
		return;
	}
	strlcat(buf, "'", len);
	for (; *s; s++) {
		c[0] = *s;
		strlcat(buf, *s == '\'' ? "'\\''" : c, len);
	}
	strlcat(buf, "'", len);
}

/**
 * struct explore_replay - the replay commands of an exploration
 * @env:	SMCSIM_PLANT and SMCSIM_SCENARIO words, "" if none
 * @meson:	meson test -C <builddir> <test>
 * @exe:	the test binary, "" if unknown
 */
struct explore_replay {
	char env[160];
	char meson[384];
	char exe[384];
};

static void explore_replay_init(struct explore_replay *rp,
				const struct smcsim_explore *e)
{
	const char *dir = explore_getenv("SMCSIM_BUILD_DIR");
	char plants[128], path[PATH_MAX];
	ssize_t n;

	rp->env[0] = '\0';
	if (optee_test_planted_mask()) {
		optee_test_plant_format(optee_test_planted_mask(), plants,
					sizeof(plants));
		snprintf(rp->env, sizeof(rp->env), "SMCSIM_PLANT=%s", plants);
	}
	if (e->name) {
		if (rp->env[0])
			strlcat(rp->env, " ", sizeof(rp->env));
		strlcat(rp->env, "SMCSIM_SCENARIO=", sizeof(rp->env));
		explore_cat_word(rp->env, sizeof(rp->env), e->name);
	}
	strlcpy(rp->meson, "meson test -C ", sizeof(rp->meson));
	explore_cat_word(rp->meson, sizeof(rp->meson), dir ? dir : "build");
	strlcat(rp->meson, " ", sizeof(rp->meson));
	explore_cat_word(rp->meson, sizeof(rp->meson),
			 e->test ? e->test : "<test>");
	rp->exe[0] = '\0';
	/*
	 * The test binary as the test runner started it (SMCSIM_TEST_EXE,
	 * with an emulator in front for a cross build), else this process's
	 * executable, which under an emulator is the emulator.
	 */
	if (getenv("SMCSIM_TEST_EXE") && *getenv("SMCSIM_TEST_EXE")) {
		strlcpy(rp->exe, getenv("SMCSIM_TEST_EXE"), sizeof(rp->exe));
		return;
	}
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		explore_cat_word(rp->exe, sizeof(rp->exe), path);
	}
}

/* "ENV SMCSIM_SEED=.. SMCSIM_SCHED=.. SMCSIM_EXPECT_HASH=.. CMD", as det.h. */
static void explore_replay_line(char *buf, size_t len,
				const struct explore_replay *rp,
				uint64_t seed, const char *sched, uint64_t hash,
				const char *cmd)
{
	snprintf(buf, len, "%s%sSMCSIM_SEED=0x%" PRIx64 " SMCSIM_SCHED=%s "
		 "SMCSIM_EXPECT_HASH=0x%" PRIx64 " %s", rp->env,
		 rp->env[0] ? " " : "", seed, sched, hash, cmd);
}

static void explore_summary(const struct smcsim_explore *e,
			    const struct explore_plan *p,
			    const struct smcsim_explore_result *r,
			    const char *sched)
{
	char fail[80] = "";

	if (r->failed)
		snprintf(fail, sizeof(fail), " fail_seed=0x%" PRIx64
			 " fail_hash=0x%" PRIx64, r->seed, r->hash);
	fprintf(stderr, "smcsim explore: shard %s %s sched=%s seeds=%" PRIu64
		":%u runs=%u failed=%u distinct=%u steps=%" PRIu64 "%s\n",
		e->test ? e->test : "<test>", e->name ? e->name : "-", sched,
		p->first, p->n, r->runs, r->failed ? 1U : 0U, r->distinct,
		r->steps, fail);
}

/* Record and print a failure of the run of @seed. */
static void explore_failed(const struct smcsim_explore *e,
			   struct smcsim_explore_result *r,
			   const struct explore_replay *rp, const char *why,
			   unsigned int run, unsigned int n, const char *sched)
{
	r->failed = true;
	strlcpy(r->why, why, sizeof(r->why));
	explore_replay_line(r->replay, sizeof(r->replay), rp, r->seed, sched,
			    r->hash, rp->meson);
	r->replay_exe[0] = '\0';
	if (rp->exe[0])
		explore_replay_line(r->replay_exe, sizeof(r->replay_exe), rp,
				    r->seed, sched, r->hash, rp->exe);
	fprintf(stderr, "smcsim explore: %s %s: seed 0x%" PRIx64
		" (run %u of %u, sched %s, trace hash 0x%" PRIx64 "): %s\n"
		"smcsim explore: replay: %s\n",
		e->test ? e->test : "<test>", e->name ? e->name : "-", r->seed,
		run, n, sched, r->hash, r->why, r->replay);
	if (r->replay_exe[0])
		fprintf(stderr, "smcsim explore: replay: %s\n", r->replay_exe);
	fprintf(stderr, "smcsim explore: trace it: SMCSIM_TRACE=seed-0x%" PRIx64
		".json %s\n(.json opens in ui.perfetto.dev, .txt is text, "
		"any other name the line format `smcsim trace` reads; the "
		"file lands in the test's working directory)\n", r->seed,
		r->replay_exe[0] ? r->replay_exe : r->replay);
}

int smcsim_explore(const struct smcsim_explore *e,
		   struct smcsim_explore_result *r)
{
	struct explore_plan p = {
		.first = e->first_seed,
		.n = e->seeds ? e->seeds : 1,
	};
	struct explore_replay rp;
	struct rt_det_result res;
	unsigned int i, planted = optee_test_planted_mask();
	uint64_t *hashes;
	char sched[32], why[96];
	const char *fail;
	double t0 = explore_now();

	memset(r, 0, sizeof(*r));
	rt_det_config_default(&p.cfg);
	if (e->sched && rt_det_parse_sched(&p.cfg, e->sched)) {
		fprintf(stderr, "smcsim explore: bad strategy '%s'\n", e->sched);
		return -EINVAL;
	}
	if (!e->ignore_env && explore_env(e, &p))
		return -EINVAL;
	r->first_seed = p.first;
	if (p.skip) {
		r->skipped = true;
		return 0;
	}
	if (e->max_steps)
		p.cfg.max_steps = e->max_steps;
	hashes = smcsim_calloc(p.n, sizeof(*hashes));
	if (!hashes)
		return -ENOMEM;
	if (p.has_plant)
		optee_test_plant(p.plant);
	explore_replay_init(&rp, e);
	rt_det_format_sched(&p.cfg, sched, sizeof(sched));
	p.cfg.replay = rp.meson;
	p.cfg.replay_exe = rp.exe[0] ? rp.exe : NULL;
	p.cfg.replay_env = rp.env[0] ? rp.env : NULL;

	for (i = 0; i < p.n; i++) {
		p.cfg.seed = p.first + i;
		rt_det_begin(&p.cfg);
		smcsim_tracer_mark("explore %s %s: seed 0x%" PRIx64 " sched %s",
				   e->test ? e->test : "<test>",
				   e->name ? e->name : "-", p.cfg.seed, sched);
		e->scenario(e->arg);
		rt_det_end(&res);
		hashes[i] = res.hash;
		r->runs++;
		r->steps += res.steps;
		r->seed = p.cfg.seed;
		r->hash = res.hash;
		fail = e->check ? e->check(e->arg) : NULL;
		if (!fail && p.cfg.check_hash && res.hash != p.cfg.expect_hash) {
			snprintf(why, sizeof(why), "the replay diverged: trace "
				 "hash 0x%" PRIx64 ", SMCSIM_EXPECT_HASH 0x%"
				 PRIx64, res.hash, p.cfg.expect_hash);
			fail = why;
		}
		if (p.cfg.check_hash && res.hash == p.cfg.expect_hash)
			fprintf(stderr, "smcsim explore: %s %s: seed 0x%" PRIx64
				" gave trace hash 0x%" PRIx64 " as "
				"SMCSIM_EXPECT_HASH: the same run\n",
				e->test ? e->test : "<test>",
				e->name ? e->name : "-", r->seed, res.hash);
		if (fail) {
			explore_failed(e, r, &rp, fail, i + 1, p.n, sched);
			break;
		}
	}
	if (p.has_plant)
		optee_test_plant(planted);
	r->distinct = explore_distinct(hashes, r->runs);
	r->seconds = explore_now() - t0;
	smcsim_free(hashes);
	if (p.shard)
		explore_summary(e, &p, r, sched);
	return r->failed ? -1 : 0;
}
