/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The async-notification line without a GIC driver: a no-OS thread polls
 * and raises an smcsim_irq, to which the driver attaches its top half as
 * to any interrupt. Two sources:
 *
 *  - the GIC distributor's pending bit of the interrupt OP-TEE raises
 *    (SPI 219 = INTID 251 on QEMU virt): the line is raised exactly when
 *    OP-TEE raised the SPI, and the pending bit is cleared (the image
 *    never enables the GIC, so nothing else takes it). The driver's top
 *    half then asks GET_ASYNC_NOTIF_VALUE, as Linux's does;
 *  - with no distributor given, a tick: the line is raised every poll, and
 *    the top half's GET_ASYNC_NOTIF_VALUE is the poll (any machine).
 *
 * Polling the pending bit rather than GET_ASYNC_NOTIF_VALUE keeps the
 * driver unchanged and its view faithful: the value is fetched by the same
 * code that fetches it on Linux, and only when the firmware signalled.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>

#include <smcsim/irq.h>
#include <smcsim/rt.h>

#include "bm.h"

#define POLL_MS			1
#define GICD_ISPENDR(n)		(0x200 + 4 * (n))
#define GICD_ICPENDR(n)		(0x280 + 4 * (n))

static struct {
	struct smcsim_irq *irq;
	struct rt_thread *thread;
	uint64_t gicd;
	unsigned int intid;
	atomic_bool stop;
	atomic_ulong raised;
} poll;

static volatile uint32_t *gicd_reg(unsigned int off)
{
	return (volatile uint32_t *)(uintptr_t)(poll.gicd + off);
}

static void *poll_thread(void *arg)
{
	uint32_t bit = 1U << (poll.intid % 32);
	unsigned int n = poll.intid / 32;

	(void)arg;
	while (!atomic_load(&poll.stop)) {
		if (!poll.gicd) {
			smcsim_irq_raise(poll.irq);
			atomic_fetch_add(&poll.raised, 1);
		} else if (*gicd_reg(GICD_ISPENDR(n)) & bit) {
			*gicd_reg(GICD_ICPENDR(n)) = bit;
			__asm__ volatile("dsb sy" ::: "memory");
			smcsim_irq_raise(poll.irq);
			atomic_fetch_add(&poll.raised, 1);
		}
		rt_sleep_ms(POLL_MS);
	}
	return NULL;
}

int bm_notif_poll_start(uint64_t gicd, unsigned int intid,
			struct smcsim_irq **out)
{
	int rc;

	rc = smcsim_irq_create("optee-notif", &poll.irq);
	if (rc)
		return rc;
	poll.gicd = gicd;
	poll.intid = intid;
	atomic_store(&poll.stop, false);
	rc = rt_thread_create(&poll.thread, "notif-poll", poll_thread, NULL);
	if (rc) {
		smcsim_irq_destroy(poll.irq);
		return rc;
	}
	*out = poll.irq;
	return 0;
}

void bm_notif_poll_stop(void)
{
	if (!poll.thread)
		return;
	atomic_store(&poll.stop, true);
	rt_thread_join(poll.thread, NULL);
	poll.thread = NULL;
	smcsim_irq_destroy(poll.irq);
	poll.irq = NULL;
}

int bm_notif_poll_kick(void)
{
	if (!poll.gicd)
		return -ENODEV;
	*gicd_reg(GICD_ISPENDR(poll.intid / 32)) = 1U << (poll.intid % 32);
	__asm__ volatile("dsb sy" ::: "memory");
	return 0;
}

unsigned long bm_notif_poll_raised(void)
{
	return atomic_load(&poll.raised);
}
