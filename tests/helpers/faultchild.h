/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running code that must fault, in a forked child: a stack overflow into a
 * guard page, a read of memory the normal world may not see. The child
 * catches SIGSEGV/SIGBUS on an alternate signal stack (the faulting stack
 * may be exhausted), reports the faulting address through a pipe and
 * exits; the parent waits in real time, bounded.
 */
#ifndef SMCSIM_FAULTCHILD_H
#define SMCSIM_FAULTCHILD_H

#include <stdint.h>

/** enum fc_result - how the child ended */
enum fc_result {
	FC_FAULTED,	/* SIGSEGV or SIGBUS, address in *addr */
	FC_RETURNED,	/* @fn returned: nothing faulted */
	FC_TIMEOUT,	/* killed after the timeout */
	FC_OTHER,	/* another signal or exit code, or fork failed */
};

/**
 * fc_run() - run @fn(@arg) in a forked child
 * @addr:	receives the faulting address on FC_FAULTED
 */
enum fc_result fc_run(void (*fn)(void *), void *arg, unsigned int timeout_ms,
		      uintptr_t *addr);

/**
 * fc_recurse() - recurse without bound, 256 bytes of frame a level: the
 * overflow that a stack's guard page must stop
 * Return: never, in practice.
 */
unsigned long fc_recurse(unsigned long n, volatile char *prev);

#endif /* SMCSIM_FAULTCHILD_H */
