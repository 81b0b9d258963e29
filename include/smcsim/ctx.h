/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Execution contexts: a saved register set and stack pointer, as OP-TEE's
 * struct thread_ctx is for a secure thread. One primitive serves the
 * secure world (a secure thread is a context that the calling OS thread
 * switches into and out of), the deterministic runtime (every rt thread
 * of a run is a context on one OS thread) and the runtime with no OS.
 *
 * A struct smcsim_ctx is a slot: smcsim_ctx_switch(from, to) saves where
 * the caller is into @from, whatever stack that is, and resumes @to,
 * possibly on another OS thread than the one that saved it (RETURN_FROM_RPC
 * from another core). Nothing else is carried over: thread-local storage
 * belongs to the OS thread, so code must not keep a thread-local address
 * across a switch.
 *
 * Stacks grow down from smcsim_stack.top. Where there is an OS the page
 * below the stack is PROT_NONE, so an overflow faults instead of writing
 * over its neighbour. Under ASan and TSan every switch is announced to the
 * sanitizer (fake stacks, fibers), so both see each stack as its own.
 */
#ifndef SMCSIM_CTX_H
#define SMCSIM_CTX_H

#include <stddef.h>

/**
 * struct smcsim_stack - memory for one context
 * @map:	what was allocated (the guard page first, if any)
 * @map_size:	its size
 * @lo:		lowest usable byte
 * @size:	usable bytes (from @lo up)
 * @fiber:	the TSan fiber of this stack, else NULL
 */
struct smcsim_stack {
	void *map;
	size_t map_size;
	void *lo;
	size_t size;
	void *fiber;
};

/**
 * struct smcsim_ctx - a place to resume
 * @sp:		the saved stack pointer; callee-saved registers are on the
 *		stack below it
 * @stack_lo:	the stack that @sp is on, for ASan (NULL: an OS thread's
 *		own stack, whose bounds are learnt at the first switch)
 * @stack_size:	its size
 * @fiber:	its TSan fiber
 * @fake_stack:	ASan's fake stack of the saved point
 */
struct smcsim_ctx {
	void *sp;
	const void *stack_lo;
	size_t stack_size;
	void *fiber;
	void *fake_stack;
};

/* Default stack size: TA code and the driver's call paths fit in 64 KiB. */
#define SMCSIM_STACK_DEFAULT	(64 * 1024)

/**
 * smcsim_stack_alloc() - a stack of at least @size bytes (rounded up to
 * pages), with a guard page below it where there is an OS
 * Return: 0 or -ENOMEM.
 */
int smcsim_stack_alloc(struct smcsim_stack *s, size_t size);

/** smcsim_stack_free() - give back a stack no context runs on */
void smcsim_stack_free(struct smcsim_stack *s);

/**
 * smcsim_stack_reset() - ready a stack whose last context ended (switched
 * away with from == NULL) for another smcsim_ctx_make(), as a pool of
 * stacks does: the frames that context left behind mean nothing to the
 * sanitizers any more (ASan: unpoisoned; TSan: a fresh fiber)
 */
void smcsim_stack_reset(struct smcsim_stack *s);

/**
 * smcsim_ctx_make() - a context that, when first switched to, runs
 * @fn(@arg) on @s
 *
 * @fn must never return: it ends by switching away with
 * smcsim_ctx_switch(NULL, ...) (or for good to a context that frees @s).
 * Returning aborts the process.
 */
void smcsim_ctx_make(struct smcsim_ctx *c, struct smcsim_stack *s,
		     void (*fn)(void *), void *arg);

/**
 * smcsim_ctx_switch() - save the running context in @from and resume @to
 * @from:	where to come back to; NULL when the running context ends
 *		for good (its stack may be freed once @to runs)
 * @to:		made with smcsim_ctx_make() or saved by an earlier switch;
 *		it must not be running anywhere
 *
 * Returns when something switches to @from.
 */
void smcsim_ctx_switch(struct smcsim_ctx *from, struct smcsim_ctx *to);

#endif /* SMCSIM_CTX_H */
