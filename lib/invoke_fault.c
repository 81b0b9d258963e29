// SPDX-License-Identifier: BSD-2-Clause
/*
 * The `fault` invoke wrapper: forwards every call to the inner backend
 * except those a countdown or a predicate picks, whose answer it replaces
 * (docs/design.md section 2.2): an error a0 without calling the inner backend,
 * registers overridden after calling it, or an RPC storm.
 *
 * A storm answers the picked yielding call with RPC FOREIGN_INTR and a
 * thread id of its own in a3, as a secure thread interrupted by a
 * normal-world interrupt; the caller handles the interrupt and comes back
 * with RETURN_FROM_RPC echoing a1..a3. The wrapper recognises its thread
 * id, answers FOREIGN_INTR again until the storm is spent, and then passes
 * the original call to the inner backend: the secure world sees the call
 * once, late, and never sees the storm's RETURN_FROM_RPC calls.
 */
#include <string.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>

void smcsim_fault_init(struct smcsim_fault *f, struct smcsim_invoke inner)
{
	memset(f, 0, sizeof(*f));
	f->inner = inner;
	rt_mutex_init(&f->lock);
}

void smcsim_fault_fini(struct smcsim_fault *f)
{
	rt_mutex_destroy(&f->lock);
}

void smcsim_fault_arm_at(struct smcsim_fault *f, uint64_t index,
			 const struct smcsim_fault_spec *spec)
{
	rt_mutex_lock(&f->lock);
	f->spec = *spec;
	f->at = index;
	f->armed = true;
	rt_mutex_unlock(&f->lock);
}

void smcsim_fault_set_pred(struct smcsim_fault *f, smcsim_fault_pred pred,
			   void *arg, const struct smcsim_fault_spec *spec)
{
	rt_mutex_lock(&f->lock);
	f->pred = pred;
	f->pred_arg = arg;
	if (spec)
		f->spec = *spec;
	rt_mutex_unlock(&f->lock);
}

void smcsim_fault_disarm(struct smcsim_fault *f)
{
	rt_mutex_lock(&f->lock);
	f->armed = false;
	f->pred = NULL;
	f->pred_arg = NULL;
	rt_mutex_unlock(&f->lock);
}

/* The storm that answered @tid, or NULL. Caller holds f->lock. */
static struct smcsim_fault_storm *fault_storm_find(struct smcsim_fault *f,
						    unsigned long tid)
{
	unsigned int i;

	for (i = 0; i < SMCSIM_FAULT_MAX_STORMS; i++)
		if (f->storms[i].tid && f->storms[i].tid == tid)
			return &f->storms[i];
	return NULL;
}

static void fault_foreign_intr(struct arm_smccc_res *res, unsigned long tid)
{
	*res = (struct arm_smccc_res){
		.a0 = OPTEE_SMC_RETURN_RPC_FOREIGN_INTR,
		.a3 = tid,
	};
}

/*
 * Hold @a back in a free storm slot and answer its first FOREIGN_INTR.
 * Return: false when every slot is taken (nothing fired). Caller holds
 * f->lock.
 */
static bool fault_storm_start(struct smcsim_fault *f, const unsigned long a[8],
			      unsigned int count, struct arm_smccc_res *res)
{
	struct smcsim_fault_storm *st = NULL;
	unsigned int i;

	for (i = 0; i < SMCSIM_FAULT_MAX_STORMS && !st; i++)
		if (!f->storms[i].tid)
			st = &f->storms[i];
	if (!st)
		return false;
	st->tid = SMCSIM_FAULT_STORM_TID_BASE +
		  (f->storm_seq++ % 0x10000U);
	st->left = count - 1;
	memcpy(st->a, a, sizeof(st->a));
	fault_foreign_intr(res, st->tid);
	return true;
}

/* Replace the registers of @spec->mask in @res. */
static void fault_override(struct arm_smccc_res *res,
			   const struct smcsim_fault_spec *spec)
{
	unsigned long *out[4] = { &res->a0, &res->a1, &res->a2, &res->a3 };
	const unsigned long with[4] = { spec->res.a0, spec->res.a1,
					spec->res.a2, spec->res.a3 };
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (spec->mask & (1U << i))
			*out[i] = with[i];
}

/* Does call @idx with @a fire? Caller holds f->lock. */
static bool fault_picks(struct smcsim_fault *f, uint64_t idx,
			const unsigned long a[8])
{
	if (f->armed && idx == f->at) {
		f->armed = false;
		return true;
	}
	return f->pred && f->pred(f->pred_arg, idx, a);
}

static void fault_invoke(void *ctx, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3, unsigned long a4,
			 unsigned long a5, unsigned long a6, unsigned long a7,
			 struct arm_smccc_res *res)
{
	struct smcsim_fault *f = ctx;
	unsigned long a[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
	struct smcsim_fault_spec spec = { .action = SMCSIM_FAULT_NONE };
	struct smcsim_fault_storm *st;
	uint64_t idx;

	rt_mutex_lock(&f->lock);
	if (a0 == OPTEE_SMC_CALL_RETURN_FROM_RPC &&
	    (st = fault_storm_find(f, a3))) {
		f->swallowed++;
		if (st->left) {
			st->left--;
			fault_foreign_intr(res, st->tid);
			rt_mutex_unlock(&f->lock);
			return;
		}
		/* Spent: the held-back call goes through at last. */
		memcpy(a, st->a, sizeof(a));
		memset(st, 0, sizeof(*st));
		rt_mutex_unlock(&f->lock);
		goto call_inner;
	}
	idx = f->calls++;
	if (fault_picks(f, idx, a))
		spec = f->spec;
	switch (spec.action) {
	case SMCSIM_FAULT_RETURN:
		*res = spec.res;
		break;
	case SMCSIM_FAULT_RPC_STORM:
		if (!spec.storm || smccc_is_fast(a0) ||
		    !fault_storm_start(f, a, spec.storm, res))
			spec.action = SMCSIM_FAULT_NONE;
		break;
	default:
		break;
	}
	if (spec.action != SMCSIM_FAULT_NONE) {
		f->fired++;
		f->last_fired = idx;
	}
	rt_mutex_unlock(&f->lock);
	/* Answered here: the inner backend never sees the call. */
	if (spec.action == SMCSIM_FAULT_RETURN ||
	    spec.action == SMCSIM_FAULT_RPC_STORM)
		return;
call_inner:
	smcsim_invoke_call(&f->inner, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
			   a[7], res);
	if (spec.action == SMCSIM_FAULT_OVERRIDE)
		fault_override(res, &spec);
}

struct smcsim_invoke smcsim_fault_invoke(struct smcsim_fault *f)
{
	return (struct smcsim_invoke){ .fn = fault_invoke, .ctx = f };
}

/* One counter, read under the lock the wrapper updates it under. */
static uint64_t fault_read(struct smcsim_fault *f, const uint64_t *counter)
{
	uint64_t n;

	rt_mutex_lock(&f->lock);
	n = *counter;
	rt_mutex_unlock(&f->lock);
	return n;
}

uint64_t smcsim_fault_calls(struct smcsim_fault *f)
{
	return fault_read(f, &f->calls);
}

uint64_t smcsim_fault_fired(struct smcsim_fault *f)
{
	return fault_read(f, &f->fired);
}

uint64_t smcsim_fault_swallowed(struct smcsim_fault *f)
{
	return fault_read(f, &f->swallowed);
}

unsigned int smcsim_fault_storms_active(struct smcsim_fault *f)
{
	unsigned int i, n = 0;

	rt_mutex_lock(&f->lock);
	for (i = 0; i < SMCSIM_FAULT_MAX_STORMS; i++)
		if (f->storms[i].tid)
			n++;
	rt_mutex_unlock(&f->lock);
	return n;
}
