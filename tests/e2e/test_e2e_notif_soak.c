// SPDX-License-Identifier: BSD-2-Clause
/*
 * Soak test of async notifications against a model (issue 5): a long
 * random sequence of posts (with repeats and bursts) while waiters come
 * and go. Every wait must be satisfied exactly when the model says it
 * must be, none may be woken spuriously, and nothing may be left pending
 * at the end.
 *
 * The outcome does not depend on timing: each burst is posted with the
 * line masked, so the secure world coalesces it into one bit per value,
 * and the test waits for the top half to have fetched all of it before it
 * checks anything. Then each value posted in the burst has been sent
 * exactly once in the normal world: to its waiter if it has one, else as
 * a pending token, which coalesces with a token already there, as in
 * OP-TEE and Linux. The PRNG is seeded (SMCSIM_SEED overrides the
 * default), so a seed always gives the same counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/tee_error.h>

#include "testbed.h"

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define NO	TEE_IOCTL_PARAM_ATTR_TYPE_NONE

#define DEFAULT_SEED	0x5eed0003ULL
#define THREADS		8
#define NKEYS		12
/* Waiters and posters together never need more than THREADS threads. */
#define MAX_WAITERS	6
#define NPOSTERS	2
#define ROUNDS		300
/* The TA's timeout on a wait that must be satisfied later: a hang guard. */
#define WAIT_GUARD_MS	10000
/* On a wait that must return at once: a timeout here is a clear failure. */
#define CONSUME_GUARD_MS 1000
/* A waiter left unposted this many rounds is posted: none nears its guard. */
#define MAX_AGE		8
#define MAX_POSTS	(24 + MAX_WAITERS)

/* Not a TEE result: the driver refused the call (jobs cannot assert). */
#define CALL_REFUSED	0xDEAD0001U

static const struct smcsim_uuid notif_uuid = SMCSIM_TA_NOTIF_UUID;

/**
 * struct client - a kernel client with a session to the notification TA
 * @ctx:	its context
 * @session:	its session
 * @cmd:	CMD_WAIT or CMD_POST
 * @arg:	the value
 * @timeout:	CMD_WAIT's timeout in ms
 * @posts:	for a poster job: the values it posts, in order
 * @nposts:	how many
 */
struct client {
	struct tee_context *ctx;
	uint32_t session;
	uint32_t cmd;
	uint32_t arg;
	uint32_t timeout;
	uint32_t posts[MAX_POSTS];
	unsigned int nposts;
};

/**
 * struct slot - a waiter client and the job running its wait
 * @c:		the client
 * @job:	the wait, while @key >= 0
 * @key:	index of the key it waits on, -1 when idle
 * @since:	round its wait started
 */
struct slot {
	struct client c;
	struct tb_job job;
	int key;
	unsigned int since;
};

/**
 * struct counts - what the soak did
 * @rounds:		rounds run (the final drain not counted)
 * @posts:		values posted, repeats included
 * @ta_posts:		of those, posted by a TA (CMD_POST)
 * @sw_coalesced:	posts that fell on a bit already set in the secure
 *			world within a burst
 * @token_coalesced:	deliveries that fell on a token already pending in
 *			the normal world
 * @deliveries:		values the top half sent (one per value per burst)
 * @waits:		waits started
 * @satisfied:		waits woken by a delivery
 * @tokens_set:		deliveries that found no waiter and set a token
 * @tokens_consumed:	waits that returned at once on a token
 */
struct counts {
	unsigned int rounds;
	uint64_t posts;
	uint64_t ta_posts;
	uint64_t sw_coalesced;
	uint64_t token_coalesced;
	uint64_t deliveries;
	uint64_t waits;
	uint64_t satisfied;
	uint64_t tokens_set;
	uint64_t tokens_consumed;
};

/**
 * struct soak - the stack and the model
 * @tb:		the stack
 * @line:	the notification interrupt
 * @rng:	splitmix64 state
 * @round:	the round running
 * @keys:	the allocated async values
 * @waiter:	per key: the slot waiting on it, or -1
 * @token:	per key: a send with nobody waiting is pending
 * @ntokens:	keys with @token set
 * @nwaiting:	slots waiting
 * @slot:	waiter clients
 * @poster:	clients posting via the TA
 * @n:		counts
 */
struct soak {
	struct tb tb;
	struct smcsim_irq *line;
	uint64_t rng;
	unsigned int round;
	uint32_t keys[NKEYS];
	int waiter[NKEYS];
	bool token[NKEYS];
	unsigned int ntokens;
	unsigned int nwaiting;
	struct slot slot[MAX_WAITERS];
	struct client poster[NPOSTERS];
	struct counts n;
};

static uint64_t rnd(struct soak *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd_below(struct soak *s, unsigned int n)
{
	return (unsigned int)(rnd(s) % n);
}

static void client_open(struct soak *s, struct client *c)
{
	memset(c, 0, sizeof(*c));
	c->ctx = tb_open_ctx(&s->tb);
	assert_int_equal(tb_open_session(c->ctx, &notif_uuid, &c->session),
			 TEE_SUCCESS);
}

static void client_close(struct client *c)
{
	assert_int_equal(tee_client_close_session(c->ctx, c->session), 0);
	tee_client_close_context(c->ctx);
}

/* CMD_WAIT and CMD_POST take exactly one value in. No assertions here. */
static uint32_t client_call(struct client *c, uint32_t cmd, uint32_t a,
			    uint32_t b)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = cmd,
		.session = c->session,
		.num_params = 4,
	};
	struct tee_param p[4];
	unsigned int i;

	memset(p, 0, sizeof(p));
	for (i = 0; i < 4; i++)
		p[i].attr = NO;
	p[0].attr = VI;
	p[0].u.value.a = a;
	p[0].u.value.b = b;
	if (tee_client_invoke_func(c->ctx, &arg, p))
		return CALL_REFUSED;
	return arg.ret;
}

static uint32_t wait_job(void *arg)
{
	struct client *c = arg;

	return client_call(c, SMCSIM_TA_NOTIF_CMD_WAIT, c->arg, c->timeout);
}

static uint32_t post_job(void *arg)
{
	struct client *c = arg;
	uint32_t ret;
	unsigned int i;

	for (i = 0; i < c->nposts; i++) {
		ret = client_call(c, SMCSIM_TA_NOTIF_CMD_POST, c->posts[i], 0);
		if (ret != TEE_SUCCESS)
			return ret;
	}
	return TEE_SUCCESS;
}

static bool all_waiting(void *arg)
{
	struct soak *s = arg;
	unsigned int i;

	for (i = 0; i < MAX_WAITERS; i++)
		if (s->slot[i].key >= 0 &&
		    !optee_notif_waiting(s->tb.optee, s->keys[s->slot[i].key]))
			return false;
	return true;
}

static struct slot *free_slot(struct soak *s)
{
	unsigned int i;

	for (i = 0; i < MAX_WAITERS; i++)
		if (s->slot[i].key < 0)
			return &s->slot[i];
	fail_msg("no free waiter slot");
	return NULL;
}

static void start_wait(struct soak *s, struct slot *sl, unsigned int k,
		       uint32_t timeout)
{
	sl->c.arg = s->keys[k];
	sl->c.timeout = timeout;
	tb_job_start(&sl->job, "waiter", wait_job, &sl->c);
	s->n.waits++;
}

/*
 * A wait on a key holding a token: nothing is being posted, so only the
 * token can satisfy it, and it must, at once.
 */
static void consume_token(struct soak *s, unsigned int k)
{
	struct slot *sl = free_slot(s);

	start_wait(s, sl, k, CONSUME_GUARD_MS);
	assert_int_equal(tb_job_join(&sl->job, TB_WAIT_MS), TEE_SUCCESS);
	s->token[k] = false;
	s->ntokens--;
	s->n.tokens_consumed++;
}

/* (a) new waiters on random free keys, at most MAX_WAITERS at a time. */
static void start_waiters(struct soak *s)
{
	unsigned int want = rnd_below(s, 5), i, k;
	struct slot *sl;

	for (i = 0; i < want && s->nwaiting < MAX_WAITERS; i++) {
		k = rnd_below(s, NKEYS);
		if (s->waiter[k] >= 0)
			continue;
		if (s->token[k]) {
			consume_token(s, k);
			continue;
		}
		sl = free_slot(s);
		start_wait(s, sl, k, WAIT_GUARD_MS);
		sl->key = (int)k;
		sl->since = s->round;
		s->waiter[k] = (int)(sl - s->slot);
		s->nwaiting++;
	}
	assert_true(tb_wait_until(all_waiting, s, TB_WAIT_MS));
}

/*
 * (b) post @keys (indexes, repeats allowed) with the line masked, so that
 * nothing is fetched until the whole burst is in the secure bitmap. With
 * @via_ta some go through the TA from the poster clients, concurrently.
 */
static void burst(struct soak *s, const unsigned int *keys, unsigned int n,
		  bool via_ta, unsigned int posted[NKEYS])
{
	struct tb_job jp[NPOSTERS];
	uint64_t mask = 0;
	unsigned int i, p;

	memset(posted, 0, NKEYS * sizeof(*posted));
	for (p = 0; p < NPOSTERS; p++)
		s->poster[p].nposts = 0;

	smcsim_irq_disable(s->line);
	for (i = 0; i < n; i++) {
		posted[keys[i]]++;
		mask |= 1ULL << s->keys[keys[i]];
		p = via_ta ? rnd_below(s, NPOSTERS + 1) : NPOSTERS;
		if (p < NPOSTERS) {
			s->poster[p].posts[s->poster[p].nposts++] = s->keys[keys[i]];
			s->n.ta_posts++;
		} else {
			assert_int_equal(smcsim_sw_notif_post(s->tb.sw,
							      s->keys[keys[i]]), 0);
		}
	}
	for (p = 0; p < NPOSTERS; p++)
		if (s->poster[p].nposts)
			tb_job_start(&jp[p], "poster", post_job, &s->poster[p]);
	for (p = 0; p < NPOSTERS; p++)
		if (s->poster[p].nposts)
			assert_int_equal(tb_job_join(&jp[p], TB_WAIT_MS),
					 TEE_SUCCESS);
	/* Masked: the secure world holds the burst, one bit per value. */
	assert_int_equal(smcsim_sw_notif_pending_mask(s->tb.sw), mask);
	s->n.posts += n;
	smcsim_irq_enable(s->line);
}

/*
 * (c) wait until the top half has fetched everything. disable waits for a
 * running top half, and the top half sends each value before it returns,
 * so an empty bitmap seen with the line masked means every value of the
 * burst has been sent in the normal world.
 */
static void settle(struct soak *s)
{
	uint64_t end = rt_now_ms() + TB_WAIT_MS;

	for (;;) {
		smcsim_irq_disable(s->line);
		if (!smcsim_sw_notif_pending_mask(s->tb.sw))
			break;
		smcsim_irq_enable(s->line);
		if (rt_now_ms() >= end)
			fail_msg("values still pending after %u ms", TB_WAIT_MS);
		rt_sleep_ms(1);
	}
	smcsim_irq_enable(s->line);
}

/* Check the stack against the model after a settled burst. */
static void check(struct soak *s, const unsigned int posted[NKEYS])
{
	struct optee_notif_info ni;
	struct slot *sl;
	unsigned int k;

	for (k = 0; k < NKEYS; k++) {
		if (!posted[k])
			continue;
		s->n.deliveries++;
		s->n.sw_coalesced += posted[k] - 1;
		if (s->waiter[k] >= 0) {
			sl = &s->slot[s->waiter[k]];
			assert_int_equal(tb_job_join(&sl->job, TB_WAIT_MS),
					 TEE_SUCCESS);
			sl->key = -1;
			s->waiter[k] = -1;
			s->nwaiting--;
			s->n.satisfied++;
		} else if (s->token[k]) {
			s->n.token_coalesced++;
		} else {
			s->token[k] = true;
			s->ntokens++;
			s->n.tokens_set++;
		}
	}
	/* No spurious wake: a waiter whose key was not posted still waits. */
	for (k = 0; k < NKEYS; k++) {
		if (s->waiter[k] < 0)
			continue;
		sl = &s->slot[s->waiter[k]];
		assert_true(optee_notif_waiting(s->tb.optee, s->keys[k]));
		assert_false(tb_job_finished(&sl->job));
	}

	optee_get_notif_info(s->tb.optee, &ni);
	assert_int_equal(ni.pending, s->ntokens);
	assert_int_equal(ni.waiters, s->nwaiting);
	/* No invention: one send per value per burst, nothing else. */
	assert_int_equal(ni.sends, s->n.deliveries);
	assert_int_equal(ni.irq_values, s->n.deliveries);
	assert_int_equal(ni.irq_bad_values, 0);
	assert_int_equal(ni.waits, s->n.waits);
	assert_int_equal(ni.wait_timeouts, 0);
}

/* The key of the @nth waiter, counting waiting slots in slot order. */
static unsigned int waiting_key(struct soak *s, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < MAX_WAITERS; i++)
		if (s->slot[i].key >= 0 && !nth--)
			return (unsigned int)s->slot[i].key;
	fail_msg("no waiter %u", nth);
	return 0;
}

/*
 * A burst: usually a few posts, sometimes a long one with many repeats;
 * waiters that have waited MAX_AGE rounds are posted too.
 */
static unsigned int pick_burst(struct soak *s, unsigned int *keys)
{
	unsigned int n, i;

	n = rnd_below(s, 8) ? rnd_below(s, 6) : 8 + rnd_below(s, 17);
	for (i = 0; i < n; i++) {
		/* Half aim at a waiter, or waits would mostly find tokens. */
		if (s->nwaiting && rnd_below(s, 2))
			keys[i] = waiting_key(s, rnd_below(s, s->nwaiting));
		else
			keys[i] = rnd_below(s, NKEYS);
	}
	for (i = 0; i < MAX_WAITERS; i++)
		if (s->slot[i].key >= 0 &&
		    s->round - s->slot[i].since >= MAX_AGE)
			keys[n++] = (unsigned int)s->slot[i].key;
	return n;
}

static uint64_t soak_seed(void)
{
	const char *env = getenv("SMCSIM_SEED");

	return env && *env ? strtoull(env, NULL, 0) : DEFAULT_SEED;
}

static void e2e_notif_soak_no_loss_no_invention(void **state)
{
	const struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				   .threads = THREADS };
	struct soak *s;
	unsigned int keys[MAX_POSTS], posted[NKEYS], n, i, k;
	uint64_t seed = soak_seed();
	uint64_t start = rt_now_ms();

	(void)state;
	printf("notif soak: seed 0x%llx (SMCSIM_SEED overrides)\n",
	       (unsigned long long)seed);
	fflush(stdout);
	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->rng = seed;
	tb_start(&s->tb, &o);
	s->line = smcsim_sw_notif_irq(s->tb.sw);
	assert_non_null(s->line);
	for (k = 0; k < NKEYS; k++) {
		assert_int_equal(smcsim_sw_notif_alloc_value(s->tb.sw,
							     &s->keys[k]), 0);
		s->waiter[k] = -1;
	}
	for (i = 0; i < MAX_WAITERS; i++) {
		client_open(s, &s->slot[i].c);
		s->slot[i].key = -1;
	}
	for (i = 0; i < NPOSTERS; i++)
		client_open(s, &s->poster[i]);

	for (s->round = 0; s->round < ROUNDS; s->round++) {
		start_waiters(s);
		n = pick_burst(s, keys);
		burst(s, keys, n, rnd_below(s, 4) == 0, posted);
		settle(s);
		check(s, posted);
		s->n.rounds++;
	}

	/* The end: post every remaining waiter's key, then drain the tokens. */
	n = 0;
	for (k = 0; k < NKEYS; k++)
		if (s->waiter[k] >= 0)
			keys[n++] = k;
	burst(s, keys, n, false, posted);
	settle(s);
	check(s, posted);
	assert_int_equal(s->nwaiting, 0);
	for (k = 0; k < NKEYS; k++)
		if (s->token[k])
			consume_token(s, k);
	assert_int_equal(s->ntokens, 0);
	memset(posted, 0, sizeof(posted));
	check(s, posted);
	assert_int_equal(smcsim_sw_notif_pending_mask(s->tb.sw), 0);
	assert_int_equal(s->n.tokens_set, s->n.tokens_consumed);
	assert_int_equal(s->n.satisfied + s->n.tokens_consumed, s->n.waits);
	assert_int_equal(s->n.deliveries + s->n.sw_coalesced, s->n.posts);

	printf("notif soak: seed 0x%llx rounds %u posts %llu (via TA %llu) "
	       "coalesced %llu (in the secure world %llu, onto a token %llu) "
	       "deliveries %llu waits %llu satisfied %llu tokens set %llu "
	       "consumed %llu in %llu ms\n",
	       (unsigned long long)seed, s->n.rounds,
	       (unsigned long long)s->n.posts,
	       (unsigned long long)s->n.ta_posts,
	       (unsigned long long)(s->n.sw_coalesced + s->n.token_coalesced),
	       (unsigned long long)s->n.sw_coalesced,
	       (unsigned long long)s->n.token_coalesced,
	       (unsigned long long)s->n.deliveries,
	       (unsigned long long)s->n.waits,
	       (unsigned long long)s->n.satisfied,
	       (unsigned long long)s->n.tokens_set,
	       (unsigned long long)s->n.tokens_consumed,
	       (unsigned long long)(rt_now_ms() - start));
	fflush(stdout);

	for (i = 0; i < MAX_WAITERS; i++)
		client_close(&s->slot[i].c);
	for (i = 0; i < NPOSTERS; i++)
		client_close(&s->poster[i]);
	tb_stop(&s->tb);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e2e_notif_soak_no_loss_no_invention),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
