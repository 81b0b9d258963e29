// SPDX-License-Identifier: BSD-2-Clause
/*
 * Schedule exploration over seeds (<smcsim/explore.h>): each run is one
 * rt_det_begin()/rt_det_end() around the scenario, then its invariants.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <smcsim/alloc.h>
#include <smcsim/det.h>
#include <smcsim/explore.h>

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

/* Apply the environment to @cfg, @first and @n. Return: 0 or -EINVAL. */
static int explore_env(struct rt_det_config *cfg, uint64_t *first,
		       unsigned int *n)
{
	const char *s = getenv("SMCSIM_DET_SEEDS");
	unsigned long cap;
	char *end;

	cfg->seed = *first;
	if (rt_det_config_from_env(cfg))
		return -EINVAL;
	if (getenv("SMCSIM_SEED") && *getenv("SMCSIM_SEED")) {
		/* A replay: that seed alone. */
		*first = cfg->seed;
		*n = 1;
		return 0;
	}
	if (s && *s) {
		cap = strtoul(s, &end, 0);
		if (*end || !cap) {
			fprintf(stderr, "smcsim explore: bad SMCSIM_DET_SEEDS '%s'\n",
				s);
			return -EINVAL;
		}
		if (cap < *n)
			*n = (unsigned int)cap;
	}
	return 0;
}

int smcsim_explore(const struct smcsim_explore *e,
		   struct smcsim_explore_result *r)
{
	struct rt_det_config cfg;
	struct rt_det_result res;
	uint64_t first = e->first_seed;
	unsigned int n = e->seeds ? e->seeds : 1, i;
	uint64_t *hashes;
	char replay[160], sched[32];
	const char *why;
	double t0 = explore_now();

	memset(r, 0, sizeof(*r));
	rt_det_config_default(&cfg);
	if (e->sched && rt_det_parse_sched(&cfg, e->sched)) {
		fprintf(stderr, "smcsim explore: bad strategy '%s'\n", e->sched);
		return -EINVAL;
	}
	if (!e->ignore_env && explore_env(&cfg, &first, &n))
		return -EINVAL;
	if (e->max_steps)
		cfg.max_steps = e->max_steps;
	snprintf(replay, sizeof(replay), "meson test -C build %s",
		 e->test ? e->test : "<test>");
	cfg.replay = replay;
	rt_det_format_sched(&cfg, sched, sizeof(sched));
	hashes = smcsim_calloc(n, sizeof(*hashes));
	if (!hashes)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		cfg.seed = first + i;
		rt_det_begin(&cfg);
		e->scenario(e->arg);
		rt_det_end(&res);
		hashes[i] = res.hash;
		r->runs++;
		r->steps += res.steps;
		r->seed = cfg.seed;
		r->hash = res.hash;
		why = e->check ? e->check(e->arg) : NULL;
		if (why) {
			r->failed = true;
			strlcpy(r->why, why, sizeof(r->why));
			fprintf(stderr,
				"smcsim explore: %s: seed 0x%" PRIx64
				" (run %u of %u, sched %s): %s\n"
				"smcsim explore: replay: SMCSIM_SEED=0x%" PRIx64
				" SMCSIM_SCHED=%s %s\n",
				e->test ? e->test : "<test>", cfg.seed, i + 1,
				n, sched, why, cfg.seed, sched, replay);
			break;
		}
	}
	r->distinct = explore_distinct(hashes, r->runs);
	r->seconds = explore_now() - t0;
	smcsim_free(hashes);
	return r->failed ? -1 : 0;
}
