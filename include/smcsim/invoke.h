/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The invoke hook: the only way the normal world reaches the secure world
 * (design.md section 2). One function-pointer type with an opaque context,
 * a0..a7 in, a0..a3 out, as Linux's optee_invoke_fn with struct
 * arm_smccc_res. A backend is a value chosen at initialisation:
 *
 *  - sim:    the simulated secure world, in process;
 *  - trace:  wraps any backend and records every call;
 *  - script: canned answers for pinpoint tests, optionally in front of
 *            another backend;
 *  - smc/hvc on aarch64 (a later issue).
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

/**
 * struct smcsim_trace - records every call made through it
 * @inner:	the backend that answers
 * @echo:	if not NULL, each call is printed there as it returns
 * @lock:	protects @recs, @count, @cap and @seq
 */
struct smcsim_trace {
	struct smcsim_invoke inner;
	FILE *echo;
	struct rt_mutex lock;
	struct smcsim_trace_rec *recs;
	size_t count;
	size_t cap;
	uint64_t seq;
};

void smcsim_trace_init(struct smcsim_trace *t, struct smcsim_invoke inner,
		       FILE *echo);
void smcsim_trace_fini(struct smcsim_trace *t);
/** smcsim_trace_invoke() - the backend that records into @t */
struct smcsim_invoke smcsim_trace_invoke(struct smcsim_trace *t);
/** smcsim_trace_count() - calls recorded so far */
size_t smcsim_trace_count(struct smcsim_trace *t);
/** smcsim_trace_get() - copy record @i; Return: 0 or -ENOENT */
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

#endif /* SMCSIM_INVOKE_H */
