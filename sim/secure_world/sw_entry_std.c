// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding ("standard") calls, the caller's side. As in OP-TEE, every
 * yielding call but RETURN_FROM_RPC first takes the lowest FREE thread (or
 * gets ETHREAD_LIMIT at once: the secure world never queues) and only then
 * looks at the function ID, so an unknown ID costs a thread and answers
 * EBADCMD, never UNKNOWN_FUNCTION (docs/abi.md sections 3.2 and 8.1).
 *
 * The calling OS thread then runs the secure thread itself, on the
 * thread's own stack (sw_thread.c), until it leaves the secure world: done
 * (a0 = result, a1..a3 = 0) or suspended in an RPC (a0 = RPC code, a3 =
 * thread id). Taking a thread and publishing its new state are the only
 * moments sw->lock is held; the call itself runs unlocked. RETURN_FROM_RPC
 * resumes exactly the thread a3 names if it is suspended, on whichever OS
 * thread makes it; anything else is ERESUME and changes nothing.
 */
#include "sw_private.h"

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
	rt_mutex_unlock(&sw->lock);
	smcsim_tev_thread(SMCSIM_TEV_THREAD_RESUME, (int)id, 0);
	sw_thread_run(t, args, false);
}

/*
 * Caller holds sw->lock. Return: the lowest FREE thread of the wanted kind
 * (reserved for system calls, unreserved for the others), or NULL.
 */
static struct sw_thread *sw_thread_pick(struct smcsim_sw *sw, bool system)
{
	unsigned int i;

	for (i = 0; i < sw->cfg.num_threads; i++) {
		struct sw_thread *t = &sw->threads[i];

		if (t->state == SMCSIM_SW_THREAD_FREE && t->reserved == system)
			return t;
	}
	return NULL;
}

/* RESERVE_SYS_THREAD: set aside the highest-numbered free thread. */
void sw_reserve_sys_thread(struct smcsim_sw *sw, struct sw_args *args)
{
	unsigned int i = sw->cfg.num_threads;

	args->a[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
	rt_mutex_lock(&sw->lock);
	while (i--) {
		struct sw_thread *t = &sw->threads[i];

		if (t->state == SMCSIM_SW_THREAD_FREE && !t->reserved) {
			t->reserved = true;
			args->a[0] = OPTEE_SMC_RETURN_OK;
			break;
		}
	}
	rt_mutex_unlock(&sw->lock);
}

/*
 * UNRESERVE_SYS_THREAD: give one back, a free one first (a reserved thread
 * in use stays in use, only no longer reserved); none reserved is harmless.
 */
void sw_unreserve_sys_thread(struct smcsim_sw *sw, struct sw_args *args)
{
	struct sw_thread *pick = NULL;
	unsigned int i;

	rt_mutex_lock(&sw->lock);
	for (i = 0; i < sw->cfg.num_threads; i++) {
		struct sw_thread *t = &sw->threads[i];

		if (t->reserved && (!pick || t->state == SMCSIM_SW_THREAD_FREE))
			pick = t;
	}
	if (pick)
		pick->reserved = false;
	rt_mutex_unlock(&sw->lock);
	args->a[0] = OPTEE_SMC_RETURN_OK;
}

void sw_entry_std(struct smcsim_sw *sw, struct sw_args *args)
{
	uint32_t fid = sw_reg32(args->a[0]);
	bool proposal = sw->cfg.profile == SMCSIM_ABI_PROPOSAL &&
			sw->cfg.system_threads;
	bool system = false;
	struct sw_thread *t;

	if (fid == OPTEE_SMC_CALL_RETURN_FROM_RPC) {
		std_return_from_rpc(sw, args);
		return;
	}
	if (proposal) {
		/* Neither encoding of the two takes a thread to run. */
		if (fid == OPTEE_SMC_CALL_RESERVE_SYS_THREAD) {
			sw_reserve_sys_thread(sw, args);
			return;
		}
		if (fid == OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD) {
			sw_unreserve_sys_thread(sw, args);
			return;
		}
		system = fid == OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG;
	}

	rt_mutex_lock(&sw->lock);
	t = sw_thread_pick(sw, system);
	if (!t) {
		rt_mutex_unlock(&sw->lock);
		smcsim_tev_thread(SMCSIM_TEV_THREAD_LIMIT, -1,
				  sw->cfg.num_threads);
		/* a1..a3 are not defined after ETHREAD_LIMIT; callers ignore them. */
		args->a[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
		return;
	}
	t->state = SMCSIM_SW_THREAD_ACTIVE;
	rt_mutex_unlock(&sw->lock);
	smcsim_tev_thread(SMCSIM_TEV_THREAD_TAKE, (int)t->id, fid);
	sw_thread_run(t, args, true);
}

unsigned int smcsim_sw_reserved_threads(struct smcsim_sw *sw)
{
	unsigned int i, n = 0;

	rt_mutex_lock(&sw->lock);
	for (i = 0; i < sw->cfg.num_threads; i++)
		n += sw->threads[i].reserved;
	rt_mutex_unlock(&sw->lock);
	return n;
}
