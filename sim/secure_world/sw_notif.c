// SPDX-License-Identifier: BSD-2-Clause
/*
 * Async notification state (OP-TEE's notif.c, abi-facts.md section 8.2):
 * a bitmap of pending values 0..63, the lowest fetched first; posting a
 * value already pending coalesces. The interrupt line is issue 5's.
 */
#include <errno.h>

#include "sw_private.h"

bool sw_notif_start(struct smcsim_sw *sw)
{
	bool was_started;

	rt_mutex_lock(&sw->lock);
	was_started = sw->notif_started;
	sw->notif_started = true;
	rt_mutex_unlock(&sw->lock);
	return !was_started;
}

unsigned int sw_notif_get_value(struct smcsim_sw *sw, bool *valid,
				bool *pending)
{
	int first, next;

	rt_mutex_lock(&sw->lock);
	bit_ffs(sw->notif_pending, SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX + 1, &first);
	if (first >= 0)
		bit_clear(sw->notif_pending, first);
	bit_ffs(sw->notif_pending, SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX + 1, &next);
	rt_mutex_unlock(&sw->lock);

	*valid = first >= 0;
	*pending = first >= 0 && next >= 0;
	return first >= 0 ? (unsigned int)first : 0;
}

int smcsim_sw_notif_post(struct smcsim_sw *sw, unsigned int value)
{
	if (!sw->cfg.async_notif)
		return -EOPNOTSUPP;
	if (value > SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX)
		return -EINVAL;
	rt_mutex_lock(&sw->lock);
	bit_set(sw->notif_pending, value);
	rt_mutex_unlock(&sw->lock);
	return 0;
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

void sw_notif_stop(struct smcsim_sw *sw)
{
	rt_mutex_lock(&sw->lock);
	sw->notif_started = false;
	rt_mutex_unlock(&sw->lock);
}
