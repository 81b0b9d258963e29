/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Allocation with fault injection. Both worlds allocate through these so a
 * test can make the Nth allocation of the calling thread fail and check that
 * every error path unwinds (the model is the kernel's failslab and SQLite's
 * test malloc). The countdown is per thread, so worlds driven from other
 * threads are not disturbed.
 */
#ifndef SMCSIM_ALLOC_H
#define SMCSIM_ALLOC_H

#include <stddef.h>

/** smcsim_zalloc() - zeroed allocation; NULL on failure (real or injected) */
void *smcsim_zalloc(size_t size);
/** smcsim_calloc() - zeroed array allocation with overflow check */
void *smcsim_calloc(size_t nmemb, size_t size);
void smcsim_free(void *p);

/**
 * smcsim_alloc_fail_after() - make an allocation of this thread fail
 * @n:	number of allocations that still succeed; the one after them fails
 *	(once), and later ones succeed again. Negative disables injection.
 */
void smcsim_alloc_fail_after(int n);
/** smcsim_alloc_injected() - allocations refused by injection on this thread */
unsigned int smcsim_alloc_injected(void);
/**
 * smcsim_alloc_fail_hold() - turn this thread's injection off until
 * smcsim_alloc_fail_release(), for code it runs on behalf of another
 * thread of the model (a secure thread the caller switched into)
 * Return: the countdown, for smcsim_alloc_fail_release().
 */
int smcsim_alloc_fail_hold(void);
/** smcsim_alloc_fail_release() - put back what smcsim_alloc_fail_hold() took */
void smcsim_alloc_fail_release(int countdown);

#endif /* SMCSIM_ALLOC_H */
