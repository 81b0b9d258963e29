/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The no-OS runtime's clock on bare-metal AArch64 (rt.h, rt_platform_*):
 * the architectural generic timer, the virtual count CNTVCT_EL0 at
 * CNTFRQ_EL0 Hz, readable at EL1 on any Armv8-A machine. There is no
 * interrupt to sleep until: idling spins on the count with `yield`.
 * There is no wall clock either: rt_platform_realtime() is time since the
 * counter started (reset), which is all a timestamp here means.
 */
#include <stdint.h>
#include <time.h>

#include <smcsim/rt.h>

#if !defined(SMCSIM_BARE_METAL) || !defined(__aarch64__)
#error "lib/rt_gtimer.c is the bare-metal AArch64 build's"
#endif

static uint64_t gt_freq(void)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f ? f : 1;
}

static uint64_t gt_count(void)
{
	uint64_t c;

	/* The isb keeps the read from being taken early. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(c) : : "memory");
	return c;
}

/* @c ticks in units of 1/@per s, without overflowing c * per. */
static uint64_t gt_scale(uint64_t c, uint64_t f, uint64_t per)
{
	return c / f * per + c % f * per / f;
}

uint64_t rt_platform_now_ms(void)
{
	return gt_scale(gt_count(), gt_freq(), 1000);
}

void rt_platform_idle_until(uint64_t ms)
{
	while (rt_platform_now_ms() < ms)
		__asm__ volatile("yield" ::: "memory");
}

void rt_platform_realtime(struct timespec *ts)
{
	uint64_t f = gt_freq(), c = gt_count();

	ts->tv_sec = (time_t)(c / f);
	ts->tv_nsec = (long)gt_scale(c % f, f, 1000000000);
}
