// SPDX-License-Identifier: BSD-2-Clause
/*
 * Allocation with a per-thread fault-injection countdown (see alloc.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <smcsim/alloc.h>

/*
 * Allocations left before the injected failure; negative = off. Initial
 * exec: every yielding call saves and restores it (smcsim_alloc_fail_hold()).
 */
#define ALLOC_TLS	_Thread_local __attribute__((tls_model("initial-exec")))
static ALLOC_TLS int fail_countdown = -1;
static ALLOC_TLS unsigned int injected;

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
