// SPDX-License-Identifier: BSD-2-Clause
/*
 * Allocation with a per-thread fault-injection countdown (see alloc.h).
 * The state is the OS thread's; the context scheduler (lib/rt_det.c),
 * which runs many rt threads on one OS thread, saves and loads it at every
 * switch (rt_alloc_save(), rt_alloc_load()) so that it stays per rt thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <smcsim/alloc.h>

#include "rt_private.h"

/*
 * Allocations left before the injected failure; negative = off. Per rt
 * thread: initial-exec thread-locals, saved and reloaded at every switch
 * of a det run (rt_alloc_save/load) and held across a yielding call
 * (smcsim_alloc_fail_hold()).
 */
static RT_TLS int fail_countdown = -1;
static RT_TLS unsigned int injected;

static bool alloc_should_fail(void)
{
	if (fail_countdown < 0)
		return false;
	if (fail_countdown-- == 0) {
		injected++;
		return true;
	}
	return false;
}

void *smcsim_zalloc(size_t size)
{
	if (alloc_should_fail())
		return NULL;
	return calloc(1, size ? size : 1);
}

void *smcsim_calloc(size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		return NULL;
	if (alloc_should_fail())
		return NULL;
	return calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void smcsim_free(void *p)
{
	free(p);
}

void smcsim_alloc_fail_after(int n)
{
	fail_countdown = n;
	injected = 0;
}

unsigned int smcsim_alloc_injected(void)
{
	return injected;
}

int smcsim_alloc_fail_hold(void)
{
	int n = fail_countdown;

	fail_countdown = -1;
	return n;
}

void smcsim_alloc_fail_release(int countdown)
{
	fail_countdown = countdown;
}

void rt_alloc_save(struct rt_alloc_state *s)
{
	s->countdown = fail_countdown;
	s->injected = injected;
}

void rt_alloc_load(const struct rt_alloc_state *s)
{
	fail_countdown = s->countdown;
	injected = s->injected;
}
