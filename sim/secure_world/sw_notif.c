// SPDX-License-Identifier: BSD-2-Clause
/*
 * Async notifications (OP-TEE's notif.c and notif_default.c, docs/abi.md
 * section 9):
 *
 *  - a bitmap of pending values 0..63, the lowest fetched first; posting a
 *    value already pending coalesces; every post raises the interrupt line;
 *  - values 1..63 are handed out to secure users, 0 is DO_BOTTOM_HALF;
 *  - registered drivers get STARTED from ENABLE_ASYNC_NOTIF, and
 *    DO_BOTTOM_HALF / STOPPED from the yielding message commands, which are
 *    ignored while notifications are not started;
 *  - a built-in interrupt driver: a secure "interrupt" asks for a bottom
 *    half, and the bottom half records what it served, so tests can count
 *    runs per request burst.
 */
#include <errno.h>
#include <stddef.h>

#include "sw_private.h"

#define SW_NOTIF_NBITS	(SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX + 1)

uint32_t sw_notif_sync_value(const struct smcsim_sw *sw, unsigned int tid)
{
	/* Without async notification OP-TEE's sync values start at 0. */
	return (sw->cfg.async_notif ? SMCSIM_SW_NOTIF_SYNC_VALUE_BASE : 0) + tid;
}

bool sw_notif_start(struct smcsim_sw *sw)
{
	struct smcsim_sw_notif_driver *drv;
	bool was_started;

	rt_mutex_lock(&sw->notif_drv_lock);
	rt_mutex_lock(&sw->lock);
	was_started = sw->notif_started;
	sw->notif_started = true;
	rt_mutex_unlock(&sw->lock);
	if (!was_started) {
		TAILQ_FOREACH(drv, &sw->notif_drivers, link)
			if (drv->atomic_cb)
				drv->atomic_cb(drv, SMCSIM_SW_NOTIF_EVENT_STARTED);
	}
	rt_mutex_unlock(&sw->notif_drv_lock);
	return !was_started;
}

void sw_notif_yielding_event(struct smcsim_sw *sw,
			     enum smcsim_sw_notif_event ev)
{
	struct smcsim_sw_notif_driver *drv;
	bool started;

	rt_mutex_lock(&sw->notif_drv_lock);
	rt_mutex_lock(&sw->lock);
	started = sw->notif_started;
	if (!started)
		sw->bh_stats.ignored++;
	else if (ev == SMCSIM_SW_NOTIF_EVENT_STOPPED)
		sw->notif_started = false;
	rt_mutex_unlock(&sw->lock);
	if (started) {
		TAILQ_FOREACH(drv, &sw->notif_drivers, link)
			if (drv->yielding_cb)
				drv->yielding_cb(drv, ev);
	} else {
		sw_log(sw, "notification event %d while stopped: ignored", ev);
	}
	rt_mutex_unlock(&sw->notif_drv_lock);
}

unsigned int sw_notif_get_value(struct smcsim_sw *sw, bool *valid,
				bool *pending)
{
	int first, next;

	rt_mutex_lock(&sw->lock);
	bit_ffs(sw->notif_pending, SW_NOTIF_NBITS, &first);
	if (first >= 0)
		bit_clear(sw->notif_pending, first);
	bit_ffs(sw->notif_pending, SW_NOTIF_NBITS, &next);
	rt_mutex_unlock(&sw->lock);

	*valid = first >= 0;
	*pending = first >= 0 && next >= 0;
	return first >= 0 ? (unsigned int)first : 0;
}

/* Caller holds sw->lock, as OP-TEE raises under its notif spinlock. */
static void sw_notif_post_locked(struct smcsim_sw *sw, unsigned int value)
{
	bit_set(sw->notif_pending, value);
	smcsim_tev_printf(SMCSIM_TEV_NOTIF, SMCSIM_TEV_INSTANT, -1, value,
			  "notif post", "NOTIF post value=%u%s", value,
			  value == OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF ?
			  " (bottom half)" : "");
	smcsim_irq_raise(sw->notif_irq);
}

int smcsim_sw_notif_post(struct smcsim_sw *sw, unsigned int value)
{
	if (!sw->cfg.async_notif)
		return -EOPNOTSUPP;
	if (value > SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX)
		return -EINVAL;
	rt_mutex_lock(&sw->lock);
	sw_notif_post_locked(sw, value);
	rt_mutex_unlock(&sw->lock);
	return 0;
}

int smcsim_sw_notif_alloc_value(struct smcsim_sw *sw, uint32_t *value)
{
	int bit;

	if (!sw->cfg.async_notif)
		return -EOPNOTSUPP;
	rt_mutex_lock(&sw->lock);
	bit_ffc(sw->notif_alloc, SW_NOTIF_NBITS, &bit);
	if (bit >= 0)
		bit_set(sw->notif_alloc, bit);
	rt_mutex_unlock(&sw->lock);
	if (bit < 0)
		return -ENOSPC;
	*value = (uint32_t)bit;
	return 0;
}

void smcsim_sw_notif_free_value(struct smcsim_sw *sw, uint32_t value)
{
	/*
	 * 0 stays taken. OP-TEE asserts value < 63 here, so its 63 cannot be
	 * given back; we take every value it hands out.
	 */
	if (!value || value > SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX)
		return;
	rt_mutex_lock(&sw->lock);
	bit_clear(sw->notif_alloc, value);
	rt_mutex_unlock(&sw->lock);
}

int smcsim_sw_notif_register_driver(struct smcsim_sw *sw,
				    struct smcsim_sw_notif_driver *drv)
{
	if (!sw->cfg.async_notif)
		return -EOPNOTSUPP;
	rt_mutex_lock(&sw->notif_drv_lock);
	TAILQ_INSERT_TAIL(&sw->notif_drivers, drv, link);
	rt_mutex_unlock(&sw->notif_drv_lock);
	return 0;
}

void smcsim_sw_notif_unregister_driver(struct smcsim_sw *sw,
				       struct smcsim_sw_notif_driver *drv)
{
	struct smcsim_sw_notif_driver *d;

	rt_mutex_lock(&sw->notif_drv_lock);
	TAILQ_FOREACH(d, &sw->notif_drivers, link) {
		if (d == drv) {
			TAILQ_REMOVE(&sw->notif_drivers, drv, link);
			break;
		}
	}
	rt_mutex_unlock(&sw->notif_drv_lock);
}

/* ---- the built-in interrupt driver -------------------------------------- */

int smcsim_sw_bottom_half_request(struct smcsim_sw *sw, unsigned int count)
{
	unsigned int i;

	if (!sw->cfg.async_notif)
		return -EOPNOTSUPP;
	rt_mutex_lock(&sw->lock);
	for (i = 0; i < count; i++) {
		sw->bh_requests++;
		sw->bh_stats.requests++;
		sw_notif_post_locked(sw, OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF);
	}
	rt_mutex_unlock(&sw->lock);
	return 0;
}

static void sw_bh_yielding_cb(struct smcsim_sw_notif_driver *drv,
			      enum smcsim_sw_notif_event ev)
{
	struct smcsim_sw *sw = (struct smcsim_sw *)((char *)drv -
				offsetof(struct smcsim_sw, bh_drv));

	rt_mutex_lock(&sw->lock);
	if (ev == SMCSIM_SW_NOTIF_EVENT_DO_BOTTOM_HALF) {
		if (sw->bh_requests) {
			sw->bh_stats.runs++;
			sw->bh_stats.served += sw->bh_requests;
			sw->bh_requests = 0;
		} else {
			sw->bh_stats.empty_runs++;
		}
	} else if (ev == SMCSIM_SW_NOTIF_EVENT_STOPPED) {
		sw->bh_stats.stopped++;
	}
	rt_mutex_unlock(&sw->lock);
}

void smcsim_sw_bottom_half_stats(struct smcsim_sw *sw,
				 struct smcsim_sw_bh_stats *st)
{
	rt_mutex_lock(&sw->lock);
	*st = sw->bh_stats;
	rt_mutex_unlock(&sw->lock);
}

int sw_notif_init(struct smcsim_sw *sw)
{
	int rc;

	rt_mutex_init(&sw->notif_drv_lock);
	TAILQ_INIT(&sw->notif_drivers);
	/* Value 0 is the bottom half's, never handed out. */
	bit_set(sw->notif_alloc, OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF);
	if (!sw->cfg.async_notif)
		return 0;
	rc = smcsim_irq_create("optee-notif", &sw->notif_irq);
	if (rc) {
		rt_mutex_destroy(&sw->notif_drv_lock);
		return rc;
	}
	sw->bh_drv.yielding_cb = sw_bh_yielding_cb;
	TAILQ_INSERT_TAIL(&sw->notif_drivers, &sw->bh_drv, link);
	return 0;
}

void sw_notif_fini(struct smcsim_sw *sw)
{
	smcsim_irq_destroy(sw->notif_irq);
	sw->notif_irq = NULL;
	rt_mutex_destroy(&sw->notif_drv_lock);
}

struct smcsim_irq *smcsim_sw_notif_irq(struct smcsim_sw *sw)
{
	return sw->notif_irq;
}

bool smcsim_sw_notif_started(struct smcsim_sw *sw)
{
	bool started;

	rt_mutex_lock(&sw->lock);
	started = sw->notif_started;
	rt_mutex_unlock(&sw->lock);
	return started;
}

bool smcsim_sw_notif_is_pending(struct smcsim_sw *sw, unsigned int value)
{
	bool pending;

	if (value > SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX)
		return false;
	rt_mutex_lock(&sw->lock);
	pending = bit_test(sw->notif_pending, value);
	rt_mutex_unlock(&sw->lock);
	return pending;
}

uint64_t smcsim_sw_notif_pending_mask(struct smcsim_sw *sw)
{
	uint64_t mask = 0;
	unsigned int v;

	rt_mutex_lock(&sw->lock);
	for (v = 0; v < SW_NOTIF_NBITS; v++)
		if (bit_test(sw->notif_pending, v))
			mask |= (uint64_t)1 << v;
	rt_mutex_unlock(&sw->lock);
	return mask;
}
