// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure threads and the world switch, as OP-TEE runs them.
 *
 * A secure thread is a saved context (struct smcsim_ctx) and a stack with
 * a guard page below it, both set up with the world: no OS thread stands
 * behind it. The normal-world thread that makes a yielding call runs the
 * secure thread itself: sw_thread_run() switches from the caller's stack
 * into the thread's context and back when the thread leaves the secure
 * world, either done (sw_thread_main() returns a0 = result; the context
 * ends and the next call starts from a fresh one, as OP-TEE's
 * thread_init_stack()) or suspended in an RPC (sw_thread_rpc() saves the
 * context and hands back a0 = RPC code, a3 = thread id). RETURN_FROM_RPC
 * resumes the saved context on whichever OS thread makes it, as a resume
 * on another core does.
 *
 * The caller that made a thread ACTIVE owns its call registers (t->regs),
 * its caller slot and its exit state until it publishes FREE or SUSPENDED
 * under sw->lock, which it does only once the switch back to its own stack
 * is complete: before that the thread's registers are still being saved
 * and no other OS thread may resume it. The secure world blocks an OS
 * thread only on short rt mutexes (OP-TEE's spinlocks), never on a
 * condition.
 *
 * Destroying a world resumes each suspended thread on the destroyer's
 * stack with t->aborting set: its RPC fails, every later one fails at
 * once, and the call unwinds normally, so nothing it holds is leaked.
 */
#include <errno.h>

#include <smcsim/alloc.h>

#include "sw_private.h"

/* Where every call starts on a fresh context; ends with the context. */
static void sw_thread_main(void *p)
{
	struct sw_thread *t = p;
	struct sw_args args = t->regs;

	sw_thread_std_call(t, &args);

	/* Done: a0 = result, a1..a3 = 0, and the thread is free again. */
	t->regs.a[0] = args.a[0];
	t->regs.a[1] = 0;
	t->regs.a[2] = 0;
	t->regs.a[3] = 0;
	t->exit_state = SMCSIM_SW_THREAD_FREE;
	smcsim_ctx_switch(NULL, t->caller);
}

void sw_thread_run(struct sw_thread *t, struct sw_args *args, bool fresh)
{
	struct smcsim_sw *sw = t->sw;
	struct smcsim_ctx caller;
	unsigned int i;
	int fail;

	if (fresh) {
		t->aborting = false;
		smcsim_ctx_make(&t->ctx, &t->stack, sw_thread_main, t);
	}
	t->caller = &caller;
	t->regs = *args;
	/*
	 * The secure thread is not the caller: allocation failures injected
	 * into the caller's thread are not its own (as when it ran on a
	 * thread of its own).
	 */
	fail = smcsim_alloc_fail_hold();
	smcsim_ctx_switch(&caller, &t->ctx);
	smcsim_alloc_fail_release(fail);

	/* Only a0..a3 come back; a4..a7 stay the caller's. */
	for (i = 0; i < 4; i++)
		args->a[i] = t->regs.a[i];
	/* Traced before it is published: the next owner's events follow. */
	smcsim_tev_thread(t->exit_state == SMCSIM_SW_THREAD_FREE ?
			  SMCSIM_TEV_THREAD_FREE : SMCSIM_TEV_THREAD_SUSPEND,
			  (int)t->id, 0);
	/* The switch is complete: others may take or resume the thread. */
	rt_mutex_lock(&sw->lock);
	t->state = t->exit_state;
	rt_mutex_unlock(&sw->lock);
}

bool sw_thread_rpc(struct sw_thread *t, unsigned long a0, unsigned long a1,
		   unsigned long a2, struct sw_args *resume)
{
	if (t->aborting)
		return false;
	t->regs.a[0] = a0;
	t->regs.a[1] = a1;
	t->regs.a[2] = a2;
	t->regs.a[3] = t->id;
	t->exit_state = SMCSIM_SW_THREAD_SUSPENDED;
	smcsim_tev_rpc_regs(SMCSIM_TEV_BEGIN, (int)t->id, t->regs.a);
	smcsim_ctx_switch(&t->ctx, t->caller);

	/* Resumed, possibly on another OS thread, or by the destroyer. */
	if (smcsim_tracing(SMCSIM_TEV_RPC)) {
		unsigned long answer[6] = { a0, t->regs.a[1], t->regs.a[2],
					    t->regs.a[3], t->regs.a[4],
					    t->regs.a[5] };

		smcsim_tev_rpc_regs(SMCSIM_TEV_END, (int)t->id, answer);
	}
	if (t->aborting)
		return false;
	*resume = t->regs;
	return true;
}

void sw_thread_preempt_point(struct sw_thread *t)
{
	atomic_uint *pending = &t->sw->foreign_intr_pending;
	unsigned int n = atomic_load(pending);
	struct sw_args resume;

	while (n) {
		if (!atomic_compare_exchange_weak(pending, &n, n - 1))
			continue;
		/* Resume registers after a foreign interrupt carry nothing. */
		if (!sw_thread_rpc(t, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR, 0, 0,
				   &resume))
			return;
		n = atomic_load(pending);
	}
}

int smcsim_sw_inject_foreign_intr(struct smcsim_sw *sw, unsigned int count)
{
	atomic_fetch_add(&sw->foreign_intr_pending, count);
	return 0;
}

int smcsim_sw_thread_stack(struct smcsim_sw *sw, unsigned int idx,
			   const void **lo, size_t *size)
{
	if (idx >= sw->cfg.num_threads)
		return -EINVAL;
	*lo = sw->threads[idx].stack.lo;
	*size = sw->threads[idx].stack.size;
	return 0;
}

static void sw_threads_free(struct smcsim_sw *sw)
{
	unsigned int i;

	for (i = 0; i < sw->cfg.num_threads; i++)
		smcsim_stack_free(&sw->threads[i].stack);
}

int sw_threads_init(struct smcsim_sw *sw)
{
	unsigned int i;
	int rc;

	for (i = 0; i < sw->cfg.num_threads; i++) {
		struct sw_thread *t = &sw->threads[i];

		t->sw = sw;
		t->id = i;
		t->state = SMCSIM_SW_THREAD_FREE;
		rc = smcsim_stack_alloc(&t->stack, SMCSIM_STACK_DEFAULT);
		if (rc) {
			sw_threads_free(sw);
			return rc;
		}
	}
	return 0;
}

/*
 * Caller holds sw->lock: take the first suspended thread for the destroyer
 * (ACTIVE from now on). *@busy is set when some thread is still entered by
 * a caller.
 */
static struct sw_thread *sw_threads_take_suspended(struct smcsim_sw *sw,
						   bool *busy)
{
	unsigned int i;

	*busy = false;
	for (i = 0; i < sw->cfg.num_threads; i++) {
		struct sw_thread *t = &sw->threads[i];

		if (t->state == SMCSIM_SW_THREAD_SUSPENDED) {
			t->state = SMCSIM_SW_THREAD_ACTIVE;
			return t;
		}
		if (t->state == SMCSIM_SW_THREAD_ACTIVE)
			*busy = true;
	}
	return NULL;
}

void sw_threads_stop(struct smcsim_sw *sw)
{
	struct sw_args args = { { 0 } };
	struct sw_thread *t;
	bool busy;

	for (;;) {
		rt_mutex_lock(&sw->lock);
		t = sw_threads_take_suspended(sw, &busy);
		rt_mutex_unlock(&sw->lock);
		if (t) {
			/* Its RPC fails; the call unwinds on this stack. */
			t->aborting = true;
			sw_thread_run(t, &args, false);
			continue;
		}
		if (!busy)
			break;
		/*
		 * A caller is still inside the secure world (destroy racing
		 * a call): wait for it to leave, then unwind what it left
		 * suspended.
		 */
		rt_sleep_ms(1);
	}
	sw_threads_free(sw);
}
