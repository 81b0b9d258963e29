// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure threads and the world switch.
 *
 * Each secure thread is a pthread (through the rt layer) that waits for
 * registers in t->regs. A normal-world caller hands it an entry or a resume
 * and sleeps until the thread leaves the secure world again, either done
 * (state FREE) or suspended in an RPC (state SUSPENDED, a3 = thread id).
 * Exactly one side runs at a time for a given secure thread: in_ready and
 * the exit delivery under sw->lock are the "world switch". An exit goes
 * straight into the waiting caller's registers (sw_thread_exit()), since
 * the thread may be taken by the next caller before this one wakes.
 *
 * Destroying a world wakes every thread with `stopping` set; a thread
 * waiting in an RPC sees its RPC fail and unwinds its call normally, so
 * nothing it holds is leaked.
 */
#include <errno.h>
#include <stdio.h>

#include "sw_private.h"

/*
 * Caller holds sw->lock: leave the secure world with @a0..@a3, handing them
 * to the caller that entered or resumed this thread.
 */
static void sw_thread_exit(struct sw_thread *t, unsigned long a0,
			   unsigned long a1, unsigned long a2, unsigned long a3)
{
	/* No caller: a call unwinding while the world is destroyed. */
	if (!t->exit_regs)
		return;
	/* Only a0..a3 come back; a4..a7 stay the caller's. */
	t->exit_regs->a[0] = a0;
	t->exit_regs->a[1] = a1;
	t->exit_regs->a[2] = a2;
	t->exit_regs->a[3] = a3;
	*t->exit_done = true;
	t->exit_regs = NULL;
	t->exit_done = NULL;
	/* The next caller of this thread may already wait here too. */
	rt_cond_broadcast(&t->cond_out);
}

static void *sw_thread_main(void *p)
{
	struct sw_thread *t = p;
	struct smcsim_sw *sw = t->sw;
	struct sw_args args;

	rt_world_switch(RT_WORLD_SECURE);
	rt_mutex_lock(&sw->lock);
	for (;;) {
		while (!t->in_ready && !sw->stopping)
			rt_cond_wait(&t->cond_in, &sw->lock);
		if (!t->in_ready)
			break;
		t->in_ready = false;
		args = t->regs;
		t->aborting = false;
		rt_mutex_unlock(&sw->lock);

		sw_thread_std_call(t, &args);

		rt_mutex_lock(&sw->lock);
		/* Done: a0 = result, a1..a3 = 0, and the thread is free again. */
		t->state = SMCSIM_SW_THREAD_FREE;
		sw_thread_exit(t, args.a[0], 0, 0, 0);
	}
	rt_mutex_unlock(&sw->lock);
	return NULL;
}

bool sw_thread_rpc(struct sw_thread *t, unsigned long a0, unsigned long a1,
		   unsigned long a2, struct sw_args *resume)
{
	struct smcsim_sw *sw = t->sw;

	if (t->aborting)
		return false;
	rt_mutex_lock(&sw->lock);
	t->state = SMCSIM_SW_THREAD_SUSPENDED;
	sw_thread_exit(t, a0, a1, a2, t->id);
	while (!t->in_ready && !sw->stopping)
		rt_cond_wait(&t->cond_in, &sw->lock);
	if (!t->in_ready) {
		t->aborting = true;
		rt_mutex_unlock(&sw->lock);
		return false;
	}
	t->in_ready = false;
	*resume = t->regs;
	rt_mutex_unlock(&sw->lock);
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

int sw_threads_start(struct smcsim_sw *sw)
{
	unsigned int i;
	int rc;

	for (i = 0; i < sw->cfg.num_threads; i++) {
		struct sw_thread *t = &sw->threads[i];
		char name[24];

		t->sw = sw;
		t->id = i;
		t->state = SMCSIM_SW_THREAD_FREE;
		rt_cond_init(&t->cond_in);
		rt_cond_set_name(&t->cond_in, "secure thread: entry");
		rt_cond_init(&t->cond_out);
		rt_cond_set_name(&t->cond_out, "secure thread: exit");
		snprintf(name, sizeof(name), "sw-thread-%u", i);
		rc = rt_thread_create(&t->th, name, sw_thread_main, t);
		if (rc) {
			rt_cond_destroy(&t->cond_out);
			rt_cond_destroy(&t->cond_in);
			sw_threads_stop(sw);
			return rc;
		}
	}
	return 0;
}

void sw_threads_stop(struct smcsim_sw *sw)
{
	unsigned int i;

	rt_mutex_lock(&sw->lock);
	sw->stopping = true;
	for (i = 0; i < sw->cfg.num_threads; i++)
		if (sw->threads[i].th)
			rt_cond_signal(&sw->threads[i].cond_in);
	rt_mutex_unlock(&sw->lock);

	for (i = 0; i < sw->cfg.num_threads; i++) {
		struct sw_thread *t = &sw->threads[i];

		if (!t->th)
			continue;
		rt_thread_join(t->th, NULL);
		t->th = NULL;
		rt_cond_destroy(&t->cond_out);
		rt_cond_destroy(&t->cond_in);
	}
}
