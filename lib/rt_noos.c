// SPDX-License-Identifier: BSD-2-Clause
/*
 * The runtime layer with no OS (-Druntime=noos): every thread is a context
 * of the scheduler in lib/rt_det.c, which is always on: cooperative
 * outside a det run, seeded inside one. Mutexes and conditions are the
 * scheduler's alone; time is rt_platform_now_ms() (virtual in a det run).
 * lib/rt.c builds the rest on these, as over pthreads.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <smcsim/rt.h>

#include "rt_private.h"

#ifndef SMCSIM_NO_OS
#error "lib/rt_noos.c is the -Druntime=noos build's (lib/rt_pthread.c otherwise)"
#endif

static void rt_fatal(const char *what)
{
	fprintf(stderr, "smcsim rt: %s\n", what);
	abort();
}

int rt_thread_start(struct rt_thread *t)
{
	return rt_det_thread_create(t);
}

void *rt_thread_wait(struct rt_thread *t)
{
	return rt_det_thread_join(t);
}

void rt_mutex_init(struct rt_mutex *m)
{
	m->det_owner = NULL;
	m->det_gen = 0;
	m->name = NULL;
}

void rt_mutex_destroy(struct rt_mutex *m)
{
	if (m->det_owner)
		rt_fatal("rt_mutex_destroy: the mutex is held");
}

void rt_mutex_lock(struct rt_mutex *m)
{
	rt_det_mutex_lock(m);
}

void rt_mutex_unlock(struct rt_mutex *m)
{
	rt_det_mutex_unlock(m);
}

bool rt_mutex_trylock(struct rt_mutex *m)
{
	return rt_det_mutex_trylock(m);
}

void rt_cond_init(struct rt_cond *c)
{
	c->det_gen = 0;
	c->name = NULL;
}

void rt_cond_destroy(struct rt_cond *c)
{
	(void)c;
}

void rt_cond_wait(struct rt_cond *c, struct rt_mutex *m)
{
	rt_det_cond_wait(c, m, UINT64_MAX);
}

int rt_cond_timedwait(struct rt_cond *c, struct rt_mutex *m,
		      unsigned int timeout_ms)
{
	return rt_det_cond_wait(c, m, timeout_ms);
}

void rt_cond_signal(struct rt_cond *c)
{
	rt_det_cond_wake(c, false);
}

void rt_cond_broadcast(struct rt_cond *c)
{
	rt_det_cond_wake(c, true);
}

int rt_wait_for_completion_timeout(struct rt_completion *x,
				   unsigned int timeout_ms)
{
	return rt_sched_completion_timeout(x, timeout_ms);
}

uint64_t rt_now_ms(void)
{
	return rt_det_now_ms();
}

void rt_sleep_ms(unsigned int ms)
{
	rt_det_sleep_ms(ms);
}

void rt_realtime(struct timespec *ts)
{
	if (rt_det_active())
		rt_det_realtime(ts);
	else
		rt_platform_realtime(ts);
}
