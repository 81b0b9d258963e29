// SPDX-License-Identifier: BSD-2-Clause
/*
 * Notification keys (after Linux's drivers/tee/optee/notif.c, docs/abi.md
 * section 9.3): a secure thread that must block waits here, in an RPC
 * NOTIFICATION WAIT, until its key is sent, either by another secure
 * thread (RPC NOTIFICATION SEND) or as an async value fetched by the
 * interrupt's top half.
 *
 * A key is a waiter or a pending bit, never both: a send finds the waiter
 * and completes it, or sets the bit, which the next wait consumes at once.
 * Sends to a key already pending coalesce, as the secure world's own
 * bitmap does. Differences from Linux, each explained where it is made:
 * the bitmap has max_key + 1 bits; a send that completes a waiter just as
 * its timeout fires is not lost; uninit wakes and waits for every waiter
 * instead of leaving them asleep on freed memory.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <smcsim/alloc.h>

#include "optee_private.h"

/**
 * struct optee_notif_entry - a waiter (lives on its stack)
 * @link:	in optee_notif.db
 * @c:		completed by the send (or by uninit)
 * @key:	what it waits for
 * @result:	0, or -ESHUTDOWN when uninit woke it
 */
struct optee_notif_entry {
	TAILQ_ENTRY(optee_notif_entry) link;
	struct rt_completion c;
	unsigned int key;
	int result;
};

/* optee_test_plant(): the bugs put back for tests, 0 in normal use. */
static atomic_uint optee_planted;

void optee_test_plant(unsigned int mask)
{
	atomic_store(&optee_planted, mask);
}

bool optee_test_planted(unsigned int plant)
{
	return atomic_load_explicit(&optee_planted, memory_order_relaxed) &
	       plant;
}

unsigned int optee_test_planted_mask(void)
{
	return atomic_load(&optee_planted);
}

/* Bit i of enum optee_plant is named optee_plant_names[i]. */
static const char *const optee_plant_names[] = {
	"notif_drop_early_send",
	"notif_timeout_drops_send",
	"cq_wake_first_in_list",
};

#define OPTEE_NPLANTS	(sizeof(optee_plant_names) / sizeof(optee_plant_names[0]))

int optee_test_plant_parse(const char *names, unsigned int *mask)
{
	unsigned int m = 0, i;
	const char *p = names, *end;
	size_t n;

	while (*p) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < OPTEE_NPLANTS; i++)
			if (strlen(optee_plant_names[i]) == n &&
			    !strncmp(optee_plant_names[i], p, n))
				break;
		if (i == OPTEE_NPLANTS)
			return -EINVAL;
		m |= 1U << i;
		if (!end)
			break;
		p = end + 1;
		/* "a," and ",," name nothing: a typo, not an empty plant. */
		if (!*p || *p == ',')
			return -EINVAL;
	}
	*mask = m;
	return 0;
}

char *optee_test_plant_format(unsigned int mask, char *buf, size_t len)
{
	unsigned int i;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < OPTEE_NPLANTS; i++) {
		if (!(mask & (1U << i)))
			continue;
		if (buf[0])
			strlcat(buf, ",", len);
		strlcat(buf, optee_plant_names[i], len);
	}
	return buf;
}

/* A firmware announcing more is clamped: each key costs a bit. */
#define OPTEE_NOTIF_MAX_KEY_LIMIT	65535U

int optee_notif_init(struct optee *optee, unsigned int max_key)
{
	struct optee_notif *n = &optee->notif;

	if (max_key > OPTEE_NOTIF_MAX_KEY_LIMIT) {
		optee_log(&optee->cfg, "max notification value %u clamped to %u",
			  max_key, OPTEE_NOTIF_MAX_KEY_LIMIT);
		max_key = OPTEE_NOTIF_MAX_KEY_LIMIT;
	}
	/*
	 * Keys 0..max_key are valid. Linux allocates max_key bits and still
	 * accepts max_key (its bitmap is rounded up to a long); one more bit
	 * makes that key honest.
	 */
	n->bitmap = smcsim_calloc(bitstr_size((int)max_key + 1), 1);
	if (!n->bitmap)
		return -ENOMEM;
	n->max_key = max_key;
	rt_mutex_init(&n->lock);
	rt_cond_init(&n->idle);
	TAILQ_INIT(&n->db);
	n->closing = false;
	return 0;
}

void optee_notif_uninit(struct optee *optee)
{
	struct optee_notif *n = &optee->notif;
	struct optee_notif_entry *e;

	if (!n->bitmap)
		return;
	/*
	 * Linux frees the bitmap and leaves waiters asleep. A waiter here is
	 * a thread inside an RPC; wake each with an error and wait for it to
	 * leave, so nobody is left blocked or touches freed memory.
	 */
	rt_mutex_lock(&n->lock);
	n->closing = true;
	TAILQ_FOREACH(e, &n->db, link) {
		/* A waiter whose key was sent keeps its success. */
		if (rt_completion_done(&e->c))
			continue;
		e->result = -ESHUTDOWN;
		rt_complete(&e->c);
	}
	while (!TAILQ_EMPTY(&n->db))
		rt_cond_wait(&n->idle, &n->lock);
	rt_mutex_unlock(&n->lock);
	rt_cond_destroy(&n->idle);
	rt_mutex_destroy(&n->lock);
	smcsim_free(n->bitmap);
	n->bitmap = NULL;
}

static struct optee_notif_entry *notif_find(struct optee_notif *n,
					    unsigned int key)
{
	struct optee_notif_entry *e;

	TAILQ_FOREACH(e, &n->db, link)
		if (e->key == key)
			return e;
	return NULL;
}

int optee_notif_wait(struct optee *optee, uint64_t key, unsigned int timeout_ms)
{
	struct optee_notif *n = &optee->notif;
	struct optee_notif_entry e = { .key = (unsigned int)key };
	int rc = 0;

	if (key > n->max_key)
		return -EINVAL;

	rt_mutex_lock(&n->lock);
	n->stats.waits++;
	if (n->closing) {
		rt_mutex_unlock(&n->lock);
		return -ESHUTDOWN;
	}
	if (bit_test(n->bitmap, (int)key)) {
		/* It was sent before we came: consume it. */
		bit_clear(n->bitmap, (int)key);
		n->stats.pending--;
		rt_mutex_unlock(&n->lock);
		return 0;
	}
	if (notif_find(n, e.key)) {
		/* Two secure threads never share a key: a firmware bug. */
		rt_mutex_unlock(&n->lock);
		return -EBUSY;
	}
	rt_completion_init(&e.c);
	rt_completion_set_name(&e.c, "notification wait");
	TAILQ_INSERT_TAIL(&n->db, &e, link);
	n->stats.waiters++;
	rt_mutex_unlock(&n->lock);

	/*
	 * Linux hands the RPC's timeout, documented as milliseconds, to
	 * wait_for_completion_timeout(), which counts jiffies. We wait the
	 * milliseconds the protocol means.
	 */
	if (timeout_ms)
		rc = rt_wait_for_completion_timeout(&e.c, timeout_ms);
	else
		rt_wait_for_completion(&e.c);

	rt_mutex_lock(&n->lock);
	/*
	 * A send may complete us between the timeout and here; Linux drops
	 * that send. It is ours: take it.
	 */
	if (rc == -ETIMEDOUT && rt_completion_done(&e.c) &&
	    !optee_test_planted(OPTEE_PLANT_NOTIF_TIMEOUT_DROPS_SEND))
		rc = 0;
	if (!rc)
		rc = e.result;
	if (rc == -ETIMEDOUT)
		n->stats.timeouts++;
	TAILQ_REMOVE(&n->db, &e, link);
	n->stats.waiters--;
	if (n->closing && TAILQ_EMPTY(&n->db))
		rt_cond_broadcast(&n->idle);
	rt_mutex_unlock(&n->lock);
	rt_completion_destroy(&e.c);
	return rc;
}

int optee_notif_send(struct optee *optee, uint64_t key)
{
	struct optee_notif *n = &optee->notif;
	struct optee_notif_entry *e;

	if (key > n->max_key)
		return -EINVAL;

	rt_mutex_lock(&n->lock);
	n->stats.sends++;
	e = notif_find(n, (unsigned int)key);
	/*
	 * A waiter already completed but not yet gone counts as pending, not
	 * as waiting: the send must not vanish into its spent completion.
	 */
	if (e && !rt_completion_done(&e->c)) {
		rt_complete(&e->c);
	} else if (!e && optee_test_planted(OPTEE_PLANT_NOTIF_DROP_EARLY_SEND)) {
		/* Planted bug: a send before its waiter is lost. */
	} else if (!bit_test(n->bitmap, (int)key)) {
		bit_set(n->bitmap, (int)key);
		n->stats.pending++;
	}
	rt_mutex_unlock(&n->lock);
	return 0;
}

bool optee_notif_waiting(struct optee *optee, unsigned int key)
{
	struct optee_notif *n = &optee->notif;
	struct optee_notif_entry *e;
	bool waiting;

	if (!n->bitmap || key > n->max_key)
		return false;
	rt_mutex_lock(&n->lock);
	e = notif_find(n, key);
	waiting = e && !rt_completion_done(&e->c);
	rt_mutex_unlock(&n->lock);
	return waiting;
}

void optee_notif_get_stats(struct optee *optee, struct optee_notif_info *ni)
{
	struct optee_notif *n = &optee->notif;

	if (!n->bitmap)
		return;
	rt_mutex_lock(&n->lock);
	ni->max_key = n->max_key;
	ni->waiters = n->stats.waiters;
	ni->pending = n->stats.pending;
	ni->waits = n->stats.waits;
	ni->wait_timeouts = n->stats.timeouts;
	ni->sends = n->stats.sends;
	rt_mutex_unlock(&n->lock);
}
