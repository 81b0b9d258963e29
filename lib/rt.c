// SPDX-License-Identifier: BSD-2-Clause
/*
 * The part of the runtime layer that is built on its own primitives and so
 * is the same over pthreads (lib/rt_pthread.c) and with no OS
 * (lib/rt_noos.c): thread records, names, completions, killable waits.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/rt.h>

#include "rt_private.h"

RT_TLS struct rt_thread *rt_self;
atomic_uint rt_live_threads;
/* Ids outside a det run (a det run numbers its threads itself). */
static atomic_uint rt_next_id = 1;

static struct rt_thread *rt_thread_new(const char *name,
				       void *(*fn)(void *), void *arg)
{
	struct rt_thread *t;

	t = smcsim_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	strlcpy(t->name, name ? name : "thread", sizeof(t->name));
	t->tid = atomic_fetch_add(&rt_next_id, 1);
	t->fn = fn;
	t->arg = arg;
	atomic_init(&t->killed, false);
	rt_mutex_init(&t->kill_lock);
	return t;
}

static void rt_thread_free(struct rt_thread *t)
{
	rt_mutex_destroy(&t->kill_lock);
	smcsim_free(t);
}

int rt_thread_create(struct rt_thread **out, const char *name,
		     void *(*fn)(void *), void *arg)
{
	struct rt_thread *t;
	int rc;

	t = rt_thread_new(name, fn, arg);
	if (!t)
		return -ENOMEM;
	rc = rt_thread_start(t);
	if (rc) {
		rt_thread_free(t);
		return rc;
	}
	atomic_fetch_add(&rt_live_threads, 1);
	*out = t;
	return 0;
}

void rt_thread_join(struct rt_thread *t, void **retval)
{
	void *ret = rt_thread_wait(t);

	if (retval)
		*retval = ret;
	atomic_fetch_sub(&rt_live_threads, 1);
	rt_thread_free(t);
}

const char *rt_thread_name(void)
{
	return rt_self ? rt_self->name : "main";
}

unsigned int rt_thread_id(void)
{
	return rt_self ? rt_self->tid : 0;
}

void rt_mutex_set_name(struct rt_mutex *m, const char *name)
{
	m->name = name;
}

void rt_cond_set_name(struct rt_cond *c, const char *name)
{
	c->name = name;
}

void rt_completion_init(struct rt_completion *x)
{
	rt_mutex_init(&x->lock);
	rt_cond_init(&x->cond);
	x->done = 0;
}

void rt_completion_set_name(struct rt_completion *x, const char *name)
{
	rt_mutex_set_name(&x->lock, name);
	rt_cond_set_name(&x->cond, name);
}

void rt_completion_destroy(struct rt_completion *x)
{
	rt_cond_destroy(&x->cond);
	rt_mutex_destroy(&x->lock);
}

void rt_completion_reinit(struct rt_completion *x)
{
	rt_mutex_lock(&x->lock);
	x->done = 0;
	rt_mutex_unlock(&x->lock);
}

void rt_complete(struct rt_completion *x)
{
	rt_mutex_lock(&x->lock);
	if (x->done != UINT32_MAX)
		x->done++;
	rt_cond_signal(&x->cond);
	rt_mutex_unlock(&x->lock);
}

void rt_complete_all(struct rt_completion *x)
{
	rt_mutex_lock(&x->lock);
	x->done = UINT32_MAX;
	rt_cond_broadcast(&x->cond);
	rt_mutex_unlock(&x->lock);
}

void rt_wait_for_completion(struct rt_completion *x)
{
	rt_mutex_lock(&x->lock);
	while (!x->done)
		rt_cond_wait(&x->cond, &x->lock);
	rt_completion_consume(x);
	rt_mutex_unlock(&x->lock);
}

/*
 * rt_wait_for_completion_timeout() on the context scheduler, on its clock
 * (virtual in a det run).
 */
int rt_sched_completion_timeout(struct rt_completion *x,
				     unsigned int timeout_ms)
{
	uint64_t end = rt_det_now_ms() + timeout_ms;
	uint64_t now;
	int rc = 0;

	rt_mutex_lock(&x->lock);
	while (!x->done) {
		now = rt_det_now_ms();
		if (now >= end)
			break;
		rt_det_cond_wait(&x->cond, &x->lock, end - now);
	}
	if (x->done)
		rt_completion_consume(x);
	else
		rc = -ETIMEDOUT;
	rt_mutex_unlock(&x->lock);
	return rc;
}

/*
 * Killable waits. The killer sets the flag, then wakes the completion the
 * victim sleeps on under that completion's lock; the victim checks the flag
 * under the same lock before sleeping, so the wake-up cannot fall between
 * its check and its sleep. The victim never holds kill_lock and a
 * completion's lock together; the killer takes them in that order.
 */
void rt_thread_kill(struct rt_thread *t)
{
	struct rt_completion *x;

	atomic_store(&t->killed, true);
	rt_mutex_lock(&t->kill_lock);
	x = t->waiting_on;
	if (x) {
		rt_mutex_lock(&x->lock);
		rt_cond_broadcast(&x->cond);
		rt_mutex_unlock(&x->lock);
	}
	rt_mutex_unlock(&t->kill_lock);
}

bool rt_fatal_signal_pending(void)
{
	return rt_self && atomic_load(&rt_self->killed);
}

int rt_wait_for_completion_killable(struct rt_completion *x)
{
	struct rt_thread *self = rt_self;
	int rc = 0;

	if (!self) {
		/* Nobody can kill the main thread. */
		rt_wait_for_completion(x);
		return 0;
	}
	rt_mutex_lock(&self->kill_lock);
	self->waiting_on = x;
	rt_mutex_unlock(&self->kill_lock);

	rt_mutex_lock(&x->lock);
	while (!x->done && !atomic_load(&self->killed))
		rt_cond_wait(&x->cond, &x->lock);
	/* Completed counts over killed, as the kernel's wait does. */
	if (x->done)
		rt_completion_consume(x);
	else
		rc = -EINTR;
	rt_mutex_unlock(&x->lock);

	rt_mutex_lock(&self->kill_lock);
	self->waiting_on = NULL;
	rt_mutex_unlock(&self->kill_lock);
	return rc;
}

bool rt_completion_done(struct rt_completion *x)
{
	bool done;

	rt_mutex_lock(&x->lock);
	done = x->done != 0;
	rt_mutex_unlock(&x->lock);
	return done;
}
