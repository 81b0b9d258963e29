/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interrupt line between the worlds (docs/design.md section 2.4): the
 * secure world raises it when it posts an async notification; the normal
 * world attaches a top half and a threaded bottom half to it, as Linux's
 * request_threaded_irq() does.
 *
 * The line behaves as an edge-triggered SPI at the GIC: a raise latches
 * "pending"; the top half runs once for any number of raises that landed
 * before it started, and once more for raises that land while it runs. A
 * top half that returns SMCSIM_IRQ_WAKE_THREAD wakes the threaded handler,
 * with the kernel's coalescing (IRQTF_RUNTHREAD): wake-ups while the
 * thread has not yet started count once; a wake-up while it runs makes it
 * run again. Raises while nothing is attached (or the line is disabled)
 * stay latched and are delivered when a handler is attached (or the line
 * is enabled again), as a pending SPI is.
 */
#ifndef SMCSIM_IRQ_H
#define SMCSIM_IRQ_H

#include <stdint.h>

struct smcsim_irq;

/* What a top half returns (Linux's irqreturn_t). */
enum smcsim_irqreturn {
	SMCSIM_IRQ_NONE = 0,
	SMCSIM_IRQ_HANDLED,
	SMCSIM_IRQ_WAKE_THREAD,
};

typedef enum smcsim_irqreturn (*smcsim_irq_handler_t)(void *dev_id);

/**
 * struct smcsim_irq_stats - what happened on a line
 * @raised:		smcsim_irq_raise() calls
 * @handled:		top-half runs
 * @thread_runs:	threaded-handler runs
 * @attached:		a handler is attached now
 */
struct smcsim_irq_stats {
	uint64_t raised;
	uint64_t handled;
	uint64_t thread_runs;
	int attached;
};

/** smcsim_irq_create() - a new line; Return: 0 or -ENOMEM */
int smcsim_irq_create(const char *name, struct smcsim_irq **out);
/** smcsim_irq_destroy() - free a line; a handler still attached is freed first */
void smcsim_irq_destroy(struct smcsim_irq *irq);

/** smcsim_irq_raise() - assert the line once (any thread, any world) */
void smcsim_irq_raise(struct smcsim_irq *irq);

/**
 * smcsim_irq_request_threaded() - attach handlers (request_threaded_irq)
 * @handler:	the top half, run on the line's IRQ thread (required)
 * @thread_fn:	run on a second thread when @handler returns
 *		SMCSIM_IRQ_WAKE_THREAD; may be NULL
 * @dev_id:	passed to both
 *
 * Return: 0, -EINVAL (no handler), -EBUSY (a handler is attached; lines are
 * not shared), -ENOMEM.
 */
int smcsim_irq_request_threaded(struct smcsim_irq *irq,
				smcsim_irq_handler_t handler,
				smcsim_irq_handler_t thread_fn, void *dev_id);
/**
 * smcsim_irq_free() - detach the handlers (free_irq)
 *
 * Waits for a running top half or threaded handler to return, then stops
 * both threads: when it returns neither runs again. Must not be called from
 * either handler. A line with nothing attached is left alone.
 */
void smcsim_irq_free(struct smcsim_irq *irq);

/**
 * smcsim_irq_disable() - mask the line and wait for the handlers (disable_irq)
 *
 * Raises stay latched; the top half does not start again until as many
 * smcsim_irq_enable() calls as disables were made (they nest, as Linux's
 * do). Returns when neither handler runs and no threaded run is due. Must
 * not be called from either handler.
 */
void smcsim_irq_disable(struct smcsim_irq *irq);
/** smcsim_irq_disable_nosync() - mask without waiting (disable_irq_nosync) */
void smcsim_irq_disable_nosync(struct smcsim_irq *irq);
/**
 * smcsim_irq_enable() - undo one disable; the last one unmasks and delivers
 * what was latched. An enable with no disable in force changes nothing.
 */
void smcsim_irq_enable(struct smcsim_irq *irq);

/** smcsim_irq_get_stats() - a snapshot of the line's counters */
void smcsim_irq_get_stats(struct smcsim_irq *irq, struct smcsim_irq_stats *st);

#endif /* SMCSIM_IRQ_H */
