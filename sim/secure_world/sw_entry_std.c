// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding ("standard") calls, the caller's side. As in OP-TEE, every
 * yielding call but RETURN_FROM_RPC first takes the lowest FREE thread (or
 * gets ETHREAD_LIMIT at once: the secure world never queues) and only then
 * looks at the function ID, so an unknown ID costs a thread and answers
 * EBADCMD, never UNKNOWN_FUNCTION (abi-facts.md sections 2 and 8.1).
 *
 * The caller then sleeps until the secure thread leaves the secure world:
 * done (a0 = result, a1..a3 = 0) or suspended in an RPC (a0 = RPC code,
 * a3 = thread id). RETURN_FROM_RPC resumes exactly the thread a3 names if
 * it is suspended; anything else is ERESUME and changes nothing.
 */
#include "sw_private.h"

/*
 * Caller holds sw->lock and @t is ACTIVE: run it until it leaves. The exit
 * is delivered into @args itself, not into the thread: the moment @t is
 * FREE or SUSPENDED again another caller may take or resume it, before
 * this one has woken up, and must not see (or overwrite) this exit.
 */
static void sw_world_switch(struct smcsim_sw *sw, struct sw_thread *t,
			    struct sw_args *args)
{
	bool done = false;

	t->regs = *args;
	t->in_ready = true;
	t->exit_regs = args;
	t->exit_done = &done;
	rt_cond_signal(&t->cond_in);
	while (!done)
		rt_cond_wait(&t->cond_out, &sw->lock);
}

static void std_return_from_rpc(struct smcsim_sw *sw, struct sw_args *args)
{
	uint32_t id = sw_reg32(args->a[3]);
	struct sw_thread *t;

	rt_mutex_lock(&sw->lock);
	if (id >= sw->cfg.num_threads ||
	    sw->threads[id].state != SMCSIM_SW_THREAD_SUSPENDED) {
		rt_mutex_unlock(&sw->lock);
		sw_log(sw, "RETURN_FROM_RPC: thread %u is not suspended", id);
		args->a[0] = OPTEE_SMC_RETURN_ERESUME;
		return;
	}
	t = &sw->threads[id];
	t->state = SMCSIM_SW_THREAD_ACTIVE;
	sw_world_switch(sw, t, args);
	rt_mutex_unlock(&sw->lock);
}

void sw_entry_std(struct smcsim_sw *sw, struct sw_args *args)
{
	struct sw_thread *t = NULL;
	unsigned int i;

	if (sw_reg32(args->a[0]) == OPTEE_SMC_CALL_RETURN_FROM_RPC) {
		std_return_from_rpc(sw, args);
		return;
	}

	rt_mutex_lock(&sw->lock);
	for (i = 0; i < sw->cfg.num_threads; i++) {
		if (sw->threads[i].state == SMCSIM_SW_THREAD_FREE) {
			t = &sw->threads[i];
			break;
		}
	}
	if (!t) {
		rt_mutex_unlock(&sw->lock);
		/* a1..a3 are not defined after ETHREAD_LIMIT; callers ignore them. */
		args->a[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
		return;
	}
	t->state = SMCSIM_SW_THREAD_ACTIVE;
	sw_world_switch(sw, t, args);
	rt_mutex_unlock(&sw->lock);
}
