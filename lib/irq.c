// SPDX-License-Identifier: BSD-2-Clause
/*
 * The interrupt line (include/smcsim/irq.h): a latch, a mask, and two rt
 * threads per attached handler: the "hard IRQ" thread that runs the top
 * half, and the IRQ thread that runs the threaded handler. The flags
 * follow Linux's genirq: @pending is the GIC's pending bit, @run_thread is
 * IRQTF_RUNTHREAD.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/irq.h>
#include <smcsim/rt.h>
#include <smcsim/trace.h>

/**
 * struct smcsim_irq - one line
 * @name:	for thread names
 * @lock:	protects every field below
 * @top_cond:	signalled when the top half may have work (or must stop)
 * @thr_cond:	signalled when the threaded handler may have work
 * @idle_cond:	broadcast when a handler returns
 * @pending:	raised and not yet taken by a top half
 * @masked:	disable depth: disables not yet undone by an enable (the
 *		line is masked while it is not 0), as Linux nests them
 * @run_thread:	the threaded handler is due
 * @stop:	smcsim_irq_free() stops the top half
 * @stop_thr:	then the threaded handler (after the top half returned,
 *		so a wake-up it makes on the way out is not lost)
 * @top_running: the top half runs now
 * @thr_running: the threaded handler runs now
 * @handler:	the top half, NULL when nothing is attached
 * @thread_fn:	the threaded handler, may be NULL
 * @dev_id:	their argument
 * @top:	thread running @handler
 * @thr:	thread running @thread_fn
 * @stats:	counters
 */
struct smcsim_irq {
	char name[24];
	struct rt_mutex lock;
	struct rt_cond top_cond;
	struct rt_cond thr_cond;
	struct rt_cond idle_cond;
	int pending;
	int masked;
	int run_thread;
	int stop;
	int stop_thr;
	int top_running;
	int thr_running;
	smcsim_irq_handler_t handler;
	smcsim_irq_handler_t thread_fn;
	void *dev_id;
	struct rt_thread *top;
	struct rt_thread *thr;
	struct smcsim_irq_stats stats;
};

int smcsim_irq_create(const char *name, struct smcsim_irq **out)
{
	struct smcsim_irq *irq = smcsim_zalloc(sizeof(*irq));

	if (!irq)
		return -ENOMEM;
	snprintf(irq->name, sizeof(irq->name), "%s", name ? name : "irq");
	rt_mutex_init(&irq->lock);
	rt_cond_init(&irq->top_cond);
	rt_cond_set_name(&irq->top_cond, "irq: line raised");
	rt_cond_init(&irq->thr_cond);
	rt_cond_set_name(&irq->thr_cond, "irq: thread woken");
	rt_cond_init(&irq->idle_cond);
	rt_cond_set_name(&irq->idle_cond, "irq: idle");
	*out = irq;
	return 0;
}

void smcsim_irq_destroy(struct smcsim_irq *irq)
{
	if (!irq)
		return;
	smcsim_irq_free(irq);
	rt_cond_destroy(&irq->idle_cond);
	rt_cond_destroy(&irq->thr_cond);
	rt_cond_destroy(&irq->top_cond);
	rt_mutex_destroy(&irq->lock);
	smcsim_free(irq);
}

void smcsim_irq_raise(struct smcsim_irq *irq)
{
	if (!irq)
		return;
	rt_mutex_lock(&irq->lock);
	irq->stats.raised++;
	smcsim_tev_printf(SMCSIM_TEV_IRQ, SMCSIM_TEV_INSTANT, -1, 0,
			  "IRQ raised", "IRQ raised%s", irq->pending ?
			  " (already pending)" : irq->masked ? " (masked)" : "");
	irq->pending = 1;
	rt_cond_signal(&irq->top_cond);
	rt_mutex_unlock(&irq->lock);
}

static void *irq_top_thread(void *arg)
{
	struct smcsim_irq *irq = arg;
	enum smcsim_irqreturn ret;

	rt_mutex_lock(&irq->lock);
	for (;;) {
		while (!irq->stop && !(irq->pending && !irq->masked))
			rt_cond_wait(&irq->top_cond, &irq->lock);
		if (irq->stop)
			break;
		/* Taken before the handler runs: a raise from now on runs it again. */
		irq->pending = 0;
		irq->stats.handled++;
		irq->top_running = 1;
		rt_mutex_unlock(&irq->lock);
		/* Delivery: a scheduling point of its own in a deterministic run. */
		rt_sched_point(RT_POINT_IRQ);
		ret = irq->handler(irq->dev_id);
		rt_mutex_lock(&irq->lock);
		irq->top_running = 0;
		if (ret == SMCSIM_IRQ_WAKE_THREAD && irq->thread_fn) {
			irq->run_thread = 1;
			rt_cond_signal(&irq->thr_cond);
		}
		rt_cond_broadcast(&irq->idle_cond);
	}
	rt_mutex_unlock(&irq->lock);
	return NULL;
}

static void *irq_thread(void *arg)
{
	struct smcsim_irq *irq = arg;

	rt_mutex_lock(&irq->lock);
	for (;;) {
		while (!irq->stop_thr && !irq->run_thread)
			rt_cond_wait(&irq->thr_cond, &irq->lock);
		/* As Linux's irq_thread: a due run still happens at stop. */
		if (!irq->run_thread)
			break;
		irq->run_thread = 0;
		irq->stats.thread_runs++;
		irq->thr_running = 1;
		rt_mutex_unlock(&irq->lock);
		irq->thread_fn(irq->dev_id);
		rt_mutex_lock(&irq->lock);
		irq->thr_running = 0;
		rt_cond_broadcast(&irq->idle_cond);
	}
	rt_mutex_unlock(&irq->lock);
	return NULL;
}

int smcsim_irq_request_threaded(struct smcsim_irq *irq,
				smcsim_irq_handler_t handler,
				smcsim_irq_handler_t thread_fn, void *dev_id)
{
	char tname[40];
	int rc;

	if (!irq || !handler)
		return -EINVAL;
	rt_mutex_lock(&irq->lock);
	if (irq->handler) {
		rt_mutex_unlock(&irq->lock);
		return -EBUSY;
	}
	irq->handler = handler;
	irq->thread_fn = thread_fn;
	irq->dev_id = dev_id;
	irq->stop = 0;
	irq->stop_thr = 0;
	irq->run_thread = 0;
	/* request_irq() starts the line up unmasked. */
	irq->masked = 0;
	irq->stats.attached = 1;
	rt_mutex_unlock(&irq->lock);

	snprintf(tname, sizeof(tname), "irq/%s", irq->name);
	rc = rt_thread_create(&irq->top, tname, irq_top_thread, irq);
	if (rc)
		goto err_detach;
	if (thread_fn) {
		snprintf(tname, sizeof(tname), "irq/%s-thread", irq->name);
		rc = rt_thread_create(&irq->thr, tname, irq_thread, irq);
		if (rc)
			goto err_stop_top;
	}
	return 0;

err_stop_top:
	rt_mutex_lock(&irq->lock);
	irq->stop = 1;
	rt_cond_broadcast(&irq->top_cond);
	rt_mutex_unlock(&irq->lock);
	rt_thread_join(irq->top, NULL);
	irq->top = NULL;
err_detach:
	rt_mutex_lock(&irq->lock);
	irq->handler = NULL;
	irq->thread_fn = NULL;
	irq->dev_id = NULL;
	irq->stop = 0;
	irq->stats.attached = 0;
	rt_mutex_unlock(&irq->lock);
	return rc;
}

void smcsim_irq_free(struct smcsim_irq *irq)
{
	if (!irq)
		return;
	rt_mutex_lock(&irq->lock);
	if (!irq->handler) {
		rt_mutex_unlock(&irq->lock);
		return;
	}
	irq->stop = 1;
	rt_cond_broadcast(&irq->top_cond);
	rt_mutex_unlock(&irq->lock);
	/* The top half first: it is what wakes the threaded handler. */
	rt_thread_join(irq->top, NULL);
	irq->top = NULL;
	if (irq->thr) {
		rt_mutex_lock(&irq->lock);
		irq->stop_thr = 1;
		rt_cond_broadcast(&irq->thr_cond);
		rt_mutex_unlock(&irq->lock);
		rt_thread_join(irq->thr, NULL);
		irq->thr = NULL;
	}
	rt_mutex_lock(&irq->lock);
	irq->handler = NULL;
	irq->thread_fn = NULL;
	irq->dev_id = NULL;
	irq->stop = 0;
	irq->stop_thr = 0;
	irq->run_thread = 0;
	irq->stats.attached = 0;
	rt_mutex_unlock(&irq->lock);
}

void smcsim_irq_disable_nosync(struct smcsim_irq *irq)
{
	rt_mutex_lock(&irq->lock);
	irq->masked++;
	rt_mutex_unlock(&irq->lock);
}

void smcsim_irq_disable(struct smcsim_irq *irq)
{
	rt_mutex_lock(&irq->lock);
	irq->masked++;
	/* synchronize_irq(): the threaded handler's due run counts too. */
	while (irq->top_running || irq->thr_running || irq->run_thread)
		rt_cond_wait(&irq->idle_cond, &irq->lock);
	rt_mutex_unlock(&irq->lock);
}

void smcsim_irq_enable(struct smcsim_irq *irq)
{
	rt_mutex_lock(&irq->lock);
	/* An enable without a disable changes nothing (Linux warns). */
	if (irq->masked && !--irq->masked)
		rt_cond_signal(&irq->top_cond);
	rt_mutex_unlock(&irq->lock);
}

void smcsim_irq_get_stats(struct smcsim_irq *irq, struct smcsim_irq_stats *st)
{
	rt_mutex_lock(&irq->lock);
	*st = irq->stats;
	rt_mutex_unlock(&irq->lock);
}
