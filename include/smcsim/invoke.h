/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The invoke hook: the only way the normal world reaches the secure world
 * (docs/design.md section 2.1). One function-pointer type with an opaque
 * context, a0..a7 in, a0..a3 out, as Linux's optee_invoke_fn with struct
 * arm_smccc_res. A backend is a value chosen at initialisation:
 *
 *  - sim:    the simulated secure world, in process;
 *  - trace:  wraps any backend and records every call;
 *  - script: canned answers for pinpoint tests, optionally in front of
 *            another backend;
 *  - fault:  wraps any backend and replaces the answer of chosen calls
 *            (an error, corrupted registers, an RPC storm);
 *  - smc/hvc on aarch64: the real instruction, to firmware (lib/invoke_smc.c).
 */
#ifndef SMCSIM_INVOKE_H
#define SMCSIM_INVOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <smcsim/rt.h>
#include <smcsim/smccc.h>

typedef void (*smcsim_invoke_fn)(void *ctx, unsigned long a0, unsigned long a1,
				 unsigned long a2, unsigned long a3,
				 unsigned long a4, unsigned long a5,
				 unsigned long a6, unsigned long a7,
				 struct arm_smccc_res *res);

/**
 * struct smcsim_invoke - a backend: the function and its context
 * @fn:		the entry
 * @ctx:	passed to @fn unchanged
 */
struct smcsim_invoke {
	smcsim_invoke_fn fn;
	void *ctx;
};

static inline void smcsim_invoke_call(const struct smcsim_invoke *inv,
				      unsigned long a0, unsigned long a1,
				      unsigned long a2, unsigned long a3,
				      unsigned long a4, unsigned long a5,
				      unsigned long a6, unsigned long a7,
				      struct arm_smccc_res *res)
{
	inv->fn(inv->ctx, a0, a1, a2, a3, a4, a5, a6, a7, res);
}

struct smcsim_sw;

/** smcsim_invoke_sim() - the backend that enters simulated secure world @sw */
struct smcsim_invoke smcsim_invoke_sim(struct smcsim_sw *sw);

#if defined(__aarch64__)
/*
 * smcsim_invoke_smc() / smcsim_invoke_hvc() - the backends that execute
 * `smc #0` / `hvc #0` with a0..a7 in x0..x7 and take a0..a3 from x0..x3
 * (SMCCC). x4..x7 are not read back: OP-TEE leaves them as passed, and
 * SMCCC lets a callee corrupt x4..x17, which the backend declares
 * clobbered. Only built when the host is aarch64 (a Linux cross build or
 * bare metal). At EL0 (Linux user space) either instruction is UNDEFINED:
 * SIGILL, which a test can trap and emulate.
 */
struct smcsim_invoke smcsim_invoke_smc(void);
struct smcsim_invoke smcsim_invoke_hvc(void);
#endif

/* ---- trace wrapper ---------------------------------------------------- */

/**
 * struct smcsim_trace_rec - one SMC as seen at the hook
 * @seq:	order of the call at this trace, from 0
 * @in:		a0..a7 as passed
 * @out:	a0..a3 as returned
 */
struct smcsim_trace_rec {
	uint64_t seq;
	unsigned long in[8];
	unsigned long out[4];
};

/* Records a trace wrapper keeps unless told otherwise: the last 4096 calls. */
#define SMCSIM_TRACE_DEFAULT_RECS	4096

/**
 * struct smcsim_trace - records the calls made through it: a ring of the
 * last @cap, so that memory does not grow with the calls (the decoded
 * stream of both worlds is <smcsim/trace.h>)
 * @inner:	the backend that answers
 * @echo:	if not NULL, each call is printed there as it returns
 * @lock:	protects @recs and @seq
 * @recs:	call seq is at [seq % @cap]; NULL if it could not be had
 * @cap:	entries in @recs
 * @seq:	calls recorded since init (the next one's seq)
 */
struct smcsim_trace {
	struct smcsim_invoke inner;
	FILE *echo;
	struct rt_mutex lock;
	struct smcsim_trace_rec *recs;
	size_t cap;
	uint64_t seq;
};

/** smcsim_trace_init() - a wrapper that keeps the last SMCSIM_TRACE_DEFAULT_RECS */
void smcsim_trace_init(struct smcsim_trace *t, struct smcsim_invoke inner,
		       FILE *echo);
/**
 * smcsim_trace_init_ring() - a wrapper that keeps the last @cap calls
 * (0: none, only the count and the echo)
 */
void smcsim_trace_init_ring(struct smcsim_trace *t, struct smcsim_invoke inner,
			    FILE *echo, size_t cap);
void smcsim_trace_fini(struct smcsim_trace *t);
/** smcsim_trace_invoke() - the backend that records into @t */
struct smcsim_invoke smcsim_trace_invoke(struct smcsim_trace *t);
/** smcsim_trace_count() - calls made through @t so far */
size_t smcsim_trace_count(struct smcsim_trace *t);
/** smcsim_trace_first() - the index of the oldest call still held */
size_t smcsim_trace_first(struct smcsim_trace *t);
/**
 * smcsim_trace_get() - copy the record of call @i (its index since init)
 * Return: 0, or -ENOENT when @i is not made yet or was overwritten.
 */
int smcsim_trace_get(struct smcsim_trace *t, size_t i,
		     struct smcsim_trace_rec *rec);
/**
 * smcsim_trace_format() - one line: decoded name, a0..a3 in, result and a1..a3 out
 * Return: the length snprintf would have written.
 */
int smcsim_trace_format(const struct smcsim_trace_rec *rec, char *buf,
			size_t len);

/* ---- script backend ---------------------------------------------------- */

/**
 * struct smcsim_script_step - one canned answer
 * @a0:		the function ID this step answers
 * @res:	what it answers
 */
struct smcsim_script_step {
	unsigned long a0;
	struct arm_smccc_res res;
};

/**
 * struct smcsim_script - canned answers consumed in order
 * @inner:	where calls go that do not match the next step; a NULL fn
 *		means none: such a call is a mismatch
 * @lock:	protects every field below
 * @steps:	the answers, consumed from @next
 * @num_steps:	entries in @steps
 * @next:	index of the next step
 * @mismatches:	calls that matched no step and had no @inner to go to
 *		(answered UNKNOWN_FUNCTION)
 * @last_mismatch_a0: a0 of the last such call
 *
 * A call whose a0 equals the next step's a0 is answered by that step; any
 * other call goes to @inner. With no @inner the script is the whole secure
 * world: an unexpected call is recorded and answered UNKNOWN_FUNCTION.
 */
struct smcsim_script {
	struct smcsim_invoke inner;
	struct rt_mutex lock;
	const struct smcsim_script_step *steps;
	size_t num_steps;
	size_t next;
	unsigned int mismatches;
	unsigned long last_mismatch_a0;
};

void smcsim_script_init(struct smcsim_script *s,
			const struct smcsim_script_step *steps,
			size_t num_steps, const struct smcsim_invoke *inner);
void smcsim_script_fini(struct smcsim_script *s);
struct smcsim_invoke smcsim_script_invoke(struct smcsim_script *s);
/** smcsim_script_done() - true when every step was consumed, none mismatched */
bool smcsim_script_done(struct smcsim_script *s);

/* ---- fault wrapper ---------------------------------------------------- */

/**
 * enum smcsim_fault_action - what a fired fault answers
 * @SMCSIM_FAULT_NONE:	nothing: the call goes through (count mode)
 * @SMCSIM_FAULT_RETURN: answer @res of the spec (a0..a3) without calling
 *			the inner backend, as firmware that refused the call
 * @SMCSIM_FAULT_OVERRIDE: call the inner backend, then replace the
 *			registers of @mask with those of @res
 * @SMCSIM_FAULT_RPC_STORM: answer RPC FOREIGN_INTR @storm times (a3 = a
 *			thread id of the wrapper's), swallow the caller's
 *			RETURN_FROM_RPC of each, then pass the original call
 *			to the inner backend. Only yielding calls can be
 *			suspended: on a fast call nothing fires.
 */
enum smcsim_fault_action {
	SMCSIM_FAULT_NONE = 0,
	SMCSIM_FAULT_RETURN,
	SMCSIM_FAULT_OVERRIDE,
	SMCSIM_FAULT_RPC_STORM,
};

/**
 * struct smcsim_fault_spec - the answer of a fired fault
 * @action:	what to do
 * @res:	RETURN: the answer; OVERRIDE: the replacement registers
 * @mask:	OVERRIDE: bit i set = replace ai (bits 0..3)
 * @storm:	RPC_STORM: FOREIGN_INTR answers before the call goes through
 */
struct smcsim_fault_spec {
	enum smcsim_fault_action action;
	struct arm_smccc_res res;
	unsigned int mask;
	unsigned int storm;
};

/**
 * smcsim_fault_pred - decides whether call @index fires
 * @arg:	as given to smcsim_fault_set_pred()
 * @index:	the call's index, from 0 (smcsim_fault_calls() before it)
 * @a:		a0..a7 of the call
 *
 * Called with the wrapper's lock held: it must not call the wrapper.
 */
typedef bool (*smcsim_fault_pred)(void *arg, uint64_t index,
				  const unsigned long a[8]);

/* Storms in flight at once (one per caller suspended in one). */
#define SMCSIM_FAULT_MAX_STORMS		16
/* The thread ids a storm answers in a3: never one of a secure world's. */
#define SMCSIM_FAULT_STORM_TID_BASE	0x5f0a0000UL

/**
 * struct smcsim_fault_storm - a call held back by an RPC storm
 * @tid:	the thread id answered in a3, 0 = slot unused
 * @left:	FOREIGN_INTR answers still to give
 * @a:		the call, passed on when @left is 0
 */
struct smcsim_fault_storm {
	unsigned long tid;
	unsigned int left;
	unsigned long a[8];
};

/**
 * struct smcsim_fault - replaces the answer of chosen calls
 * @inner:	the backend that answers every other call
 * @lock:	protects every field below
 * @spec:	the answer of a fired fault
 * @armed:	countdown mode: fire once, at call @at
 * @at:		the index (from 0) of the call that fires
 * @pred:	predicate mode: fire at every call it accepts (NULL: none)
 * @pred_arg:	for @pred
 * @calls:	calls seen, each with an index; a storm's swallowed
 *		RETURN_FROM_RPC calls are not counted
 * @fired:	faults fired
 * @swallowed:	RETURN_FROM_RPC calls answered by a storm
 * @last_fired: index of the last call that fired (valid when @fired)
 * @storms:	calls held back by a storm now
 * @storm_seq:	makes storm thread ids distinct
 *
 * A call is offered to the countdown first, then to the predicate; when
 * neither fires (or the action is NONE) it goes to @inner unchanged.
 * The inner backend is always called without @lock held.
 */
struct smcsim_fault {
	struct smcsim_invoke inner;
	struct rt_mutex lock;
	struct smcsim_fault_spec spec;
	bool armed;
	uint64_t at;
	smcsim_fault_pred pred;
	void *pred_arg;
	uint64_t calls;
	uint64_t fired;
	uint64_t swallowed;
	uint64_t last_fired;
	struct smcsim_fault_storm storms[SMCSIM_FAULT_MAX_STORMS];
	unsigned int storm_seq;
};

/** smcsim_fault_init() - a wrapper over @inner that fires nothing yet */
void smcsim_fault_init(struct smcsim_fault *f, struct smcsim_invoke inner);
void smcsim_fault_fini(struct smcsim_fault *f);
/** smcsim_fault_invoke() - the backend that goes through @f */
struct smcsim_invoke smcsim_fault_invoke(struct smcsim_fault *f);
/**
 * smcsim_fault_arm_at() - countdown: fire @spec once, at the call whose
 * index is @index (0-based, counted from smcsim_fault_init(): the first
 * call made through @f is call 0). An index already passed never fires.
 * Replaces a countdown armed before and the spec of a predicate.
 */
void smcsim_fault_arm_at(struct smcsim_fault *f, uint64_t index,
			 const struct smcsim_fault_spec *spec);
/**
 * smcsim_fault_set_pred() - fire @spec at every call @pred accepts; NULL
 * @pred removes it. Replaces the spec of an armed countdown; a NULL @spec
 * keeps the one set before (a predicate that only watches: count mode).
 */
void smcsim_fault_set_pred(struct smcsim_fault *f, smcsim_fault_pred pred,
			   void *arg, const struct smcsim_fault_spec *spec);
/** smcsim_fault_disarm() - fire nothing more (storms in flight go on) */
void smcsim_fault_disarm(struct smcsim_fault *f);
/** smcsim_fault_calls() - calls seen so far (the next call's index) */
uint64_t smcsim_fault_calls(struct smcsim_fault *f);
/** smcsim_fault_fired() - faults fired so far */
uint64_t smcsim_fault_fired(struct smcsim_fault *f);
/** smcsim_fault_swallowed() - RETURN_FROM_RPC calls a storm answered */
uint64_t smcsim_fault_swallowed(struct smcsim_fault *f);
/** smcsim_fault_storms_active() - calls held back by a storm now */
unsigned int smcsim_fault_storms_active(struct smcsim_fault *f);

#endif /* SMCSIM_INVOKE_H */
