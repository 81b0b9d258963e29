/* SPDX-License-Identifier: BSD-2-Clause */
/* The BL33 test image: what its pieces share. */
#ifndef SMCSIM_BM_H
#define SMCSIM_BM_H

#include <stdbool.h>
#include <stdint.h>

#include <smcsim/phys.h>
#include <smcsim/smccc.h>

/*
 * Exit statuses besides the failure count of the suite: above any count
 * the suite can reach, and clear of timeout(1)'s 124..127.
 */
#define BM_EXIT_USAGE		201	/* bad arguments or memory map */
#define BM_EXIT_SETUP		202	/* the notification line, raw mode */
#define BM_EXIT_EXCEPTION	203	/* an unexpected exception */

/** struct bm_range - a physical range [@base, @base + @size) */
struct bm_range {
	uint64_t base;
	uint64_t size;
};

/* exc.c */
/**
 * bm_smc() - `smc #0` with x0..x7 = @in; @out receives x0..x7 as the call
 * left them (below the invoke hook, which returns x0..x3 only)
 */
void bm_smc(const unsigned long in[8], unsigned long out[8]);
/**
 * bm_smc_guarded() - `smc #0` with x0..x3 = @in, x4..x7 = 0, where an
 * UNDEFINED smc (no EL3 firmware) does not kill the image
 * Return: false when smc was UNDEFINED (@res->a0 is then ~0, SMCCC's
 * NOT_SUPPORTED); true when firmware answered (@res holds x0..x3).
 */
bool bm_smc_guarded(const unsigned long in[4], struct arm_smccc_res *res);

/* mmu.c */
/** bm_mmu_enable() - identity map; @r[0..@n) Normal, the rest Device */
void bm_mmu_enable(const struct bm_range *r, int n);
bool bm_mmu_on(void);

/* memmap.c */
/**
 * bm_memmap_load() - read a memory-map file (over semihosting, from the
 * directory QEMU runs in) into @cfg
 * Return: 0, or -1 with the reason printed.
 */
int bm_memmap_load(const char *path, struct smcsim_phys_config *cfg);
void bm_memmap_print(const struct smcsim_phys_config *cfg);

/* raw_probe.c */
void bm_raw_probe(uintptr_t dyn_page, uintptr_t rsv_page);
/** bm_raw_rpc() - yielding calls whose RPCs the image answers itself */
void bm_raw_rpc(struct smcsim_phys *phys);

/* notif_poll.c */
struct smcsim_irq;
/**
 * bm_notif_poll_start() - the async-notification line, by polling
 * @gicd:	GIC distributor base (0 = none: the line is never raised)
 * @intid:	the interrupt OP-TEE raises (SPI 219 = INTID 251)
 * Return: 0 and *@out, or a negative errno.
 */
int bm_notif_poll_start(uint64_t gicd, unsigned int intid,
			struct smcsim_irq **out);
void bm_notif_poll_stop(void);
unsigned long bm_notif_poll_raised(void);
/**
 * bm_notif_poll_kick() - set the interrupt's pending bit from the normal
 * world, as OP-TEE does when it posts a value (a check of the path)
 * Return: 0, or -ENODEV when the line ticks (no distributor given).
 */
int bm_notif_poll_kick(void);

/* Image layout (bl33.ld). */
extern char __flash[], __stack[];

#endif /* SMCSIM_BM_H */
