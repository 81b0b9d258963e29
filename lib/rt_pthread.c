// SPDX-License-Identifier: BSD-2-Clause
/*
 * The free-running implementation of the runtime layer: plain pthreads, for
 * speed (benchmarks, stress tests, TSan). The only file that calls
 * pthread_* (not built with -Druntime=noos: lib/rt_noos.c). Every function
 * hands over to the context scheduler (lib/rt_det.c) when rt_det_active():
 * one predictable branch. lib/rt.c builds the rest on these.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <smcsim/rt.h>

#include "rt_private.h"

static void rt_fatal(const char *what, int err)
{
	/* A failing pthread call on a valid object is our own bug. */
	fprintf(stderr, "smcsim rt: %s failed: %s\n", what, strerror(err));
	abort();
}

#define RT_CHECK(call) do {						\
		int rt_err_ = (call);					\
		if (rt_err_)						\
			rt_fatal(#call, rt_err_);			\
	} while (0)

static void *rt_thread_trampoline(void *p)
{
	struct rt_thread *t = p;

	rt_self = t;
	return t->fn(t->arg);
}

int rt_thread_start(struct rt_thread *t)
{
	if (rt_det_active())
		return rt_det_thread_create(t);
	return -pthread_create(&t->th, NULL, rt_thread_trampoline, t);
}

void *rt_thread_wait(struct rt_thread *t)
{
	void *ret;

	if (rt_det_active())
		return rt_det_thread_join(t);
	RT_CHECK(pthread_join(t->th, &ret));
	return ret;
}

/*
 * The attributes every mutex and condition gets, made once: the driver
 * initialises a completion per yielding call, and four attribute calls
 * per object were a tenth of the call's cost.
 */
static pthread_mutexattr_t rt_mutex_attr;
static pthread_condattr_t rt_cond_attr;
static pthread_once_t rt_attr_once = PTHREAD_ONCE_INIT;

static void rt_attr_init(void)
{
	RT_CHECK(pthread_mutexattr_init(&rt_mutex_attr));
	/* Error checking makes a double unlock or a relock fail loudly. */
	RT_CHECK(pthread_mutexattr_settype(&rt_mutex_attr,
					   PTHREAD_MUTEX_ERRORCHECK));
	RT_CHECK(pthread_condattr_init(&rt_cond_attr));
	RT_CHECK(pthread_condattr_setclock(&rt_cond_attr, CLOCK_MONOTONIC));
}

void rt_mutex_init(struct rt_mutex *m)
{
	RT_CHECK(pthread_once(&rt_attr_once, rt_attr_init));
	RT_CHECK(pthread_mutex_init(&m->pm, &rt_mutex_attr));
	m->det_owner = NULL;
	m->det_gen = 0;
	m->name = NULL;
}

void rt_mutex_destroy(struct rt_mutex *m)
{
	if (m->det_owner)
		rt_fatal("rt_mutex_destroy (deterministic run)", EBUSY);
	RT_CHECK(pthread_mutex_destroy(&m->pm));
}

void rt_mutex_lock(struct rt_mutex *m)
{
	if (rt_det_active()) {
		rt_det_mutex_lock(m);
		return;
	}
	RT_CHECK(pthread_mutex_lock(&m->pm));
}

void rt_mutex_unlock(struct rt_mutex *m)
{
	if (rt_det_active()) {
		rt_det_mutex_unlock(m);
		return;
	}
	RT_CHECK(pthread_mutex_unlock(&m->pm));
}

bool rt_mutex_trylock(struct rt_mutex *m)
{
	int rc;

	if (rt_det_active())
		return rt_det_mutex_trylock(m);
	rc = pthread_mutex_trylock(&m->pm);

	if (rc == EBUSY)
		return false;
	if (rc)
		rt_fatal("pthread_mutex_trylock", rc);
	return true;
}

void rt_cond_init(struct rt_cond *c)
{
	RT_CHECK(pthread_once(&rt_attr_once, rt_attr_init));
	RT_CHECK(pthread_cond_init(&c->pc, &rt_cond_attr));
	c->det_gen = 0;
	c->name = NULL;
}

void rt_cond_destroy(struct rt_cond *c)
{
	RT_CHECK(pthread_cond_destroy(&c->pc));
}

void rt_cond_wait(struct rt_cond *c, struct rt_mutex *m)
{
	if (rt_det_active()) {
		rt_det_cond_wait(c, m, UINT64_MAX);
		return;
	}
	RT_CHECK(pthread_cond_wait(&c->pc, &m->pm));
}

static struct timespec rt_deadline(unsigned int timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

int rt_cond_timedwait(struct rt_cond *c, struct rt_mutex *m,
		      unsigned int timeout_ms)
{
	struct timespec ts;
	int rc;

	if (rt_det_active())
		return rt_det_cond_wait(c, m, timeout_ms);
	ts = rt_deadline(timeout_ms);
	rc = pthread_cond_timedwait(&c->pc, &m->pm, &ts);
	if (rc == ETIMEDOUT)
		return -ETIMEDOUT;
	if (rc)
		rt_fatal("pthread_cond_timedwait", rc);
	return 0;
}

void rt_cond_signal(struct rt_cond *c)
{
	if (rt_det_active()) {
		rt_det_cond_wake(c, false);
		return;
	}
	RT_CHECK(pthread_cond_signal(&c->pc));
}

void rt_cond_broadcast(struct rt_cond *c)
{
	if (rt_det_active()) {
		rt_det_cond_wake(c, true);
		return;
	}
	RT_CHECK(pthread_cond_broadcast(&c->pc));
}

int rt_wait_for_completion_timeout(struct rt_completion *x,
				   unsigned int timeout_ms)
{
	struct timespec ts;
	int rc = 0;

	if (rt_det_active())
		return rt_sched_completion_timeout(x, timeout_ms);
	ts = rt_deadline(timeout_ms);
	rt_mutex_lock(&x->lock);
	while (!x->done) {
		rc = pthread_cond_timedwait(&x->cond.pc, &x->lock.pm, &ts);
		if (rc == ETIMEDOUT)
			break;
		if (rc)
			rt_fatal("pthread_cond_timedwait", rc);
	}
	if (x->done) {
		rt_completion_consume(x);
		rc = 0;
	} else {
		rc = -ETIMEDOUT;
	}
	rt_mutex_unlock(&x->lock);
	return rc;
}

uint64_t rt_now_ms(void)
{
	struct timespec ts;

	if (rt_det_active())
		return rt_det_now_ms();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void rt_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	if (rt_det_active()) {
		rt_det_sleep_ms(ms);
		return;
	}
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void rt_realtime(struct timespec *ts)
{
	if (rt_det_active()) {
		rt_det_realtime(ts);
		return;
	}
	clock_gettime(CLOCK_REALTIME, ts);
}
