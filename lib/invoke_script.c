// SPDX-License-Identifier: BSD-2-Clause
/*
 * The `script` invoke backend: canned answers consumed in order, for
 * pinpoint tests of the normal world. A call whose a0 is the next step's is
 * answered by the step; any other call goes to the inner backend if there is
 * one, else it is counted as a mismatch and answered UNKNOWN_FUNCTION, as
 * firmware answers what it does not know.
 */
#include <string.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>

void smcsim_script_init(struct smcsim_script *s,
			const struct smcsim_script_step *steps,
			size_t num_steps, const struct smcsim_invoke *inner)
{
	memset(s, 0, sizeof(*s));
	if (inner)
		s->inner = *inner;
	s->steps = steps;
	s->num_steps = num_steps;
	rt_mutex_init(&s->lock);
}

void smcsim_script_fini(struct smcsim_script *s)
{
	rt_mutex_destroy(&s->lock);
}

static void script_invoke(void *ctx, unsigned long a0, unsigned long a1,
			  unsigned long a2, unsigned long a3, unsigned long a4,
			  unsigned long a5, unsigned long a6, unsigned long a7,
			  struct arm_smccc_res *res)
{
	struct smcsim_script *s = ctx;
	bool answered = false;

	rt_mutex_lock(&s->lock);
	if (s->next < s->num_steps && s->steps[s->next].a0 == a0) {
		*res = s->steps[s->next++].res;
		answered = true;
	} else if (!s->inner.fn) {
		s->mismatches++;
		s->last_mismatch_a0 = a0;
		*res = (struct arm_smccc_res){
			.a0 = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
			.a1 = a1, .a2 = a2, .a3 = a3,
		};
		answered = true;
	}
	rt_mutex_unlock(&s->lock);

	/* The inner backend may block (yielding calls): call it unlocked. */
	if (!answered)
		smcsim_invoke_call(&s->inner, a0, a1, a2, a3, a4, a5, a6, a7,
				   res);
}

struct smcsim_invoke smcsim_script_invoke(struct smcsim_script *s)
{
	return (struct smcsim_invoke){ .fn = script_invoke, .ctx = s };
}

bool smcsim_script_done(struct smcsim_script *s)
{
	bool done;

	rt_mutex_lock(&s->lock);
	done = s->next == s->num_steps && !s->mismatches;
	rt_mutex_unlock(&s->lock);
	return done;
}
