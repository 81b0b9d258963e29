/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An identity-mapped MMU at EL1, so that the driver's atomics (exclusive
 * load/store) and unaligned accesses run on Normal memory: with the MMU
 * off every access is Device memory, where neither is architecturally
 * guaranteed (QEMU does not enforce it; cores do).
 *
 * 4 KiB granule, 39-bit addresses (T0SZ 25, lookup from level 1). The
 * first 4 GiB are mapped with 2 MiB blocks, the rest with 1 GiB blocks.
 * A block is Normal write-back cacheable, inner shareable (as OP-TEE maps
 * non-secure shared memory) when it lies wholly inside one of the Normal
 * ranges given (the map's non-secure DRAM and reserved shm, the image);
 * everything else is Device-nGnRnE and never executable.
 *
 * It is turned on once, before anything runs on a second context, from
 * tables written with the MMU and caches off (BL31 enters BL33 so): the
 * writes went to memory, and the tables' lines are invalidated before the
 * (cacheable) walk may look at them, in case an earlier boot stage left
 * stale lines there. Nothing is remapped later, so no break-before-make
 * is needed.
 */
#include <stddef.h>
#include <stdint.h>

#include "bm.h"

#define PAGE		4096UL
#define L2_BLOCK	(2UL << 20)
#define L1_BLOCK	(1UL << 30)
#define L2_TABLES	4

#define DESC_BLOCK	0x1UL
#define DESC_TABLE	0x3UL
#define DESC_ATTR(i)	((uint64_t)(i) << 2)
#define DESC_SH_INNER	(3UL << 8)
#define DESC_AF		(1UL << 10)
#define DESC_PXN	(1UL << 53)
#define DESC_UXN	(1UL << 54)

#define ATTR_DEVICE	0	/* MAIR attr0: Device-nGnRnE */
#define ATTR_NORMAL	1	/* MAIR attr1: Normal, inner/outer WB RA WA */
#define MAIR_VALUE	(0x00UL | (0xffUL << 8))

/* TCR_EL1: T0SZ 25, IRGN0/ORGN0 WB WA, SH0 inner, TG0 4K, EPD1, IPS below. */
#define TCR_VALUE	(25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | \
			 (1UL << 23))
#define TCR_IPS_SHIFT	32

#define SCTLR_M		(1UL << 0)
#define SCTLR_A		(1UL << 1)
#define SCTLR_C		(1UL << 2)
#define SCTLR_I		(1UL << 12)

static uint64_t l1[512] __attribute__((aligned(PAGE)));
static uint64_t l2[L2_TABLES][512] __attribute__((aligned(PAGE)));

static int normal(const struct bm_range *r, int n, uint64_t base, uint64_t size)
{
	int i;

	for (i = 0; i < n; i++)
		if (base >= r[i].base && base - r[i].base < r[i].size &&
		    size <= r[i].size - (base - r[i].base))
			return 1;
	return 0;
}

static uint64_t block(const struct bm_range *r, int n, uint64_t base,
		      uint64_t size)
{
	if (normal(r, n, base, size))
		return base | DESC_BLOCK | DESC_AF | DESC_SH_INNER |
		       DESC_ATTR(ATTR_NORMAL);
	return base | DESC_BLOCK | DESC_AF | DESC_ATTR(ATTR_DEVICE) |
	       DESC_PXN | DESC_UXN;
}

/* Invalidate the data cache lines of [p, p + size) to the point of coherency. */
static void dcache_inval(const void *p, size_t size)
{
	uint64_t ctr, line;
	uintptr_t a, end = (uintptr_t)p + size;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	line = 4UL << ((ctr >> 16) & 0xf);	/* DminLine, in words */
	for (a = (uintptr_t)p & ~(line - 1); a < end; a += line)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

void bm_mmu_enable(const struct bm_range *r, int n)
{
	uint64_t mmfr0, sctlr;
	unsigned int i, j;

	for (i = 0; i < 512; i++) {
		if (i < L2_TABLES) {
			for (j = 0; j < 512; j++)
				l2[i][j] = block(r, n, i * L1_BLOCK +
						 j * L2_BLOCK, L2_BLOCK);
			l1[i] = (uintptr_t)l2[i] | DESC_TABLE;
		} else {
			l1[i] = block(r, n, i * L1_BLOCK, L1_BLOCK);
		}
	}
	dcache_inval(l1, sizeof(l1));
	dcache_inval(l2, sizeof(l2));
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	/* PARange, capped at 40 bits: the 39-bit space needs no more. */
	mmfr0 &= 0x7;
	if (mmfr0 > 2)
		mmfr0 = 2;
	__asm__ volatile(
		"msr mair_el1, %0\n\t"
		"msr tcr_el1, %1\n\t"
		"msr ttbr0_el1, %2\n\t"
		"dsb sy\n\t"
		"tlbi vmalle1\n\t"
		"dsb sy\n\t"
		"isb"
		: : "r"(MAIR_VALUE),
		    "r"(TCR_VALUE | (mmfr0 << TCR_IPS_SHIFT)),
		    "r"((uintptr_t)l1)
		: "memory");
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	sctlr &= ~SCTLR_A;
	__asm__ volatile("msr sctlr_el1, %0\n\tisb" : : "r"(sctlr) : "memory");
}

bool bm_mmu_on(void)
{
	uint64_t sctlr;

	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	return sctlr & SCTLR_M;
}
