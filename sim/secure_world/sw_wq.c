// SPDX-License-Identifier: BSD-2-Clause
/*
 * Synchronous notifications and the secure mutex built on them (OP-TEE's
 * wait_queue.c and mutex.c, docs/abi.md section 9.3).
 *
 * A secure thread cannot sleep in the secure world: to block, it leaves
 * with RPC NOTIFICATION WAIT on its own sync value (64 + thread id) and the
 * normal world parks it until someone sends that value. The protocol:
 *
 *   lock:   under wq_lock, take the mutex if free; else queue an element
 *           {thread id, done = false}; unlock wq_lock; RPC WAIT; on return
 *           look at "done" under wq_lock and wait again until it is set;
 *           then compete for the mutex again.
 *   unlock: under wq_lock, free the mutex and mark the first queued
 *           element done; unlock wq_lock; RPC SEND its thread's value.
 *
 * The SEND may reach the normal world before the waiter's WAIT does; the
 * normal world remembers it (optee_notif_send before optee_notif_wait), so
 * the wake-up is not lost. "done" is what decides, not the return of the
 * WAIT: a stale send left from an earlier, abandoned wait only makes the
 * thread look at "done" once more.
 */
#include <errno.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

/**
 * struct sw_wq_elem - a thread queued on a mutex (lives on its stack)
 * @link:	in smcsim_sw_mutex.wq
 * @tid:	the thread, whose sync value wakes it
 * @done:	an unlocker chose it (wq_lock)
 */
struct sw_wq_elem {
	TAILQ_ENTRY(sw_wq_elem) link;
	unsigned int tid;
	bool done;
};

/**
 * struct smcsim_sw_mutex - a secure mutex (all fields under sw->wq_lock)
 * @sw:		its world
 * @locked:	held
 * @owner:	thread holding it
 * @wq:		threads waiting for it, first come first woken
 * @nwaiters:	entries in @wq
 */
struct smcsim_sw_mutex {
	struct smcsim_sw *sw;
	bool locked;
	unsigned int owner;
	TAILQ_HEAD(, sw_wq_elem) wq;
	unsigned int nwaiters;
};

static uint32_t sw_notif_rpc(struct smcsim_ta_sess *s, uint32_t op,
			     uint32_t value, uint32_t timeout_ms)
{
	struct optee_msg_param p = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = op, .b = value, .c = timeout_ms },
	};

	return smcsim_ta_rpc(s, OPTEE_RPC_CMD_NOTIFICATION, &p, 1);
}

uint32_t smcsim_ta_notif_wait(struct smcsim_ta_sess *s, uint32_t value,
			      uint32_t timeout_ms)
{
	return sw_notif_rpc(s, OPTEE_RPC_NOTIFICATION_WAIT, value, timeout_ms);
}

uint32_t smcsim_ta_notif_send(struct smcsim_ta_sess *s, uint32_t value)
{
	return sw_notif_rpc(s, OPTEE_RPC_NOTIFICATION_SEND, value, 0);
}

uint32_t smcsim_ta_notif_sync_value(struct smcsim_ta_sess *s)
{
	if (!s->t)
		return UINT32_MAX;
	return sw_notif_sync_value(s->t->sw, s->t->id);
}

int smcsim_sw_mutex_create(struct smcsim_sw *sw, struct smcsim_sw_mutex **out)
{
	struct smcsim_sw_mutex *m = smcsim_zalloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->sw = sw;
	TAILQ_INIT(&m->wq);
	*out = m;
	return 0;
}

void smcsim_sw_mutex_destroy(struct smcsim_sw_mutex *m)
{
	if (!m)
		return;
	if (m->locked || m->nwaiters)
		sw_log(m->sw, "secure mutex destroyed while in use");
	smcsim_free(m);
}

unsigned int smcsim_sw_mutex_waiters(struct smcsim_sw_mutex *m)
{
	unsigned int n;

	rt_mutex_lock(&m->sw->wq_lock);
	n = m->nwaiters;
	rt_mutex_unlock(&m->sw->wq_lock);
	return n;
}

/*
 * Mark the first waiter not yet chosen. Caller holds wq_lock.
 * Return: its sync value, or UINT32_MAX when nobody waits.
 */
static uint32_t sw_wq_pick_next(struct smcsim_sw_mutex *m)
{
	struct sw_wq_elem *e;

	TAILQ_FOREACH(e, &m->wq, link) {
		if (!e->done) {
			e->done = true;
			return sw_notif_sync_value(m->sw, e->tid);
		}
	}
	return UINT32_MAX;
}

static uint32_t sw_wq_wake_next(struct smcsim_ta_sess *s,
				struct smcsim_sw_mutex *m)
{
	uint32_t value;

	rt_mutex_lock(&m->sw->wq_lock);
	value = sw_wq_pick_next(m);
	rt_mutex_unlock(&m->sw->wq_lock);
	if (value == UINT32_MAX)
		return TEE_SUCCESS;
	return smcsim_ta_notif_send(s, value);
}

/*
 * Take @m, queueing and waiting in the normal world while it is held. A
 * WAIT answered TEE_ERROR_TIMEOUT is asked again, as OP-TEE's wait queue
 * does for a wait without a timeout, unless the thread is aborting; for
 * any other error the thread gives up.
 */
uint32_t smcsim_ta_mutex_lock(struct smcsim_ta_sess *s,
			      struct smcsim_sw_mutex *m)
{
	struct smcsim_sw *sw = m->sw;
	struct sw_wq_elem e;
	uint32_t res;
	bool done, give_up;

	if (!s->t)
		return TEE_ERROR_COMMUNICATION;
	for (;;) {
		rt_mutex_lock(&sw->wq_lock);
		if (!m->locked) {
			m->locked = true;
			m->owner = s->t->id;
			rt_mutex_unlock(&sw->wq_lock);
			return TEE_SUCCESS;
		}
		e = (struct sw_wq_elem){ .tid = s->t->id };
		TAILQ_INSERT_TAIL(&m->wq, &e, link);
		m->nwaiters++;
		rt_mutex_unlock(&sw->wq_lock);

		do {
			res = smcsim_ta_notif_wait(s, sw_notif_sync_value(sw, s->t->id), 0);
			give_up = res && !(res == TEE_ERROR_TIMEOUT &&
					   !s->t->aborting);
			rt_mutex_lock(&sw->wq_lock);
			done = e.done;
			if (done || give_up) {
				TAILQ_REMOVE(&m->wq, &e, link);
				m->nwaiters--;
			}
			rt_mutex_unlock(&sw->wq_lock);
		} while (!done && !give_up);

		if (give_up) {
			/*
			 * Giving up. If an unlocker already chose us, its
			 * wake-up must go to the next waiter instead, or that
			 * one would wait for a mutex nobody holds.
			 */
			if (done)
				sw_wq_wake_next(s, m);
			sw_log(sw, "thread %u: mutex wait failed 0x%x", s->t->id,
			       res);
			return res;
		}
	}
}

uint32_t sw_mutex_lock_thread(struct sw_thread *t, struct smcsim_sw_mutex *m)
{
	struct smcsim_ta_sess h = { .t = t };

	return smcsim_ta_mutex_lock(&h, m);
}

uint32_t sw_mutex_unlock_thread(struct sw_thread *t, struct smcsim_sw_mutex *m)
{
	struct smcsim_ta_sess h = { .t = t };

	return smcsim_ta_mutex_unlock(&h, m);
}

uint32_t smcsim_ta_mutex_unlock(struct smcsim_ta_sess *s,
				struct smcsim_sw_mutex *m)
{
	struct smcsim_sw *sw = m->sw;
	uint32_t value;

	if (!s->t)
		return TEE_ERROR_COMMUNICATION;
	rt_mutex_lock(&sw->wq_lock);
	if (!m->locked || m->owner != s->t->id) {
		rt_mutex_unlock(&sw->wq_lock);
		return TEE_ERROR_BAD_STATE;
	}
	m->locked = false;
	value = sw_wq_pick_next(m);
	rt_mutex_unlock(&sw->wq_lock);
	if (value == UINT32_MAX)
		return TEE_SUCCESS;
	return smcsim_ta_notif_send(s, value);
}
