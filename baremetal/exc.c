/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exceptions at EL1 (vectors.S): a fault is reported over semihosting
 * (vector, ESR, ELR, FAR, SPSR) and the image exits with status 203, so
 * a broken run ends at once instead of hanging until the timeout.
 *
 * One exception is expected: the guarded `smc` probe. On a machine with
 * no EL3 firmware (QEMU virt, secure=off) `smc` at EL1 is UNDEFINED; while
 * bm_smc_guarded() runs, that exception answers as SMCCC's "not
 * supported" (-1 in x0, x1..x3 as passed) and steps over the instruction.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <smcsim/smccc.h>

#include "bm.h"

#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_EC_UNKNOWN		0x00
#define INSN_SMC0		0xd4000003U

struct bm_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

_Static_assert(sizeof(struct bm_frame) == 34 * 8, "vectors.S FRAME_SIZE");

extern char bm_vectors[];

static volatile bool smc_guard;
static volatile bool smc_undefined;

static const char *const vec_names[16] = {
	"sync (EL1, SP_EL0)", "IRQ (EL1, SP_EL0)", "FIQ (EL1, SP_EL0)",
	"SError (EL1, SP_EL0)", "sync", "IRQ", "FIQ", "SError",
	"sync (lower EL)", "IRQ (lower EL)", "FIQ (lower EL)",
	"SError (lower EL)", "sync (AArch32)", "IRQ (AArch32)",
	"FIQ (AArch32)", "SError (AArch32)",
};

static uint64_t read_esr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, esr_el1" : "=r"(v));
	return v;
}

static uint64_t read_far(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, far_el1" : "=r"(v));
	return v;
}

void bm_exception(struct bm_frame *f, unsigned long idx);

void bm_exception(struct bm_frame *f, unsigned long idx)
{
	uint64_t esr = read_esr();

	if (smc_guard && idx == 4 && ESR_EC(esr) == ESR_EC_UNKNOWN &&
	    *(const volatile uint32_t *)(uintptr_t)f->elr == INSN_SMC0) {
		smc_undefined = true;
		f->x[0] = ~0UL;		/* SMCCC_RET_NOT_SUPPORTED */
		f->elr += 4;
		return;
	}
	printf("Bail out! exception: %s, ESR_EL1 %#llx (EC %#llx), ELR_EL1 %#llx, "
	       "FAR_EL1 %#llx, SPSR_EL1 %#llx\n",
	       vec_names[idx & 15], (unsigned long long)esr,
	       (unsigned long long)ESR_EC(esr), (unsigned long long)f->elr,
	       (unsigned long long)read_far(), (unsigned long long)f->spsr);
	printf("  x0 %#llx x1 %#llx x2 %#llx x3 %#llx x29 %#llx x30 %#llx\n",
	       (unsigned long long)f->x[0], (unsigned long long)f->x[1],
	       (unsigned long long)f->x[2], (unsigned long long)f->x[3],
	       (unsigned long long)f->x[29], (unsigned long long)f->x[30]);
	fflush(stdout);
	_exit(BM_EXIT_EXCEPTION);
}

/* First thing, before any other constructor: faults report from here on. */
__attribute__((constructor(101))) static void bm_vectors_install(void)
{
	__asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(bm_vectors)
			 : "memory");
}

void bm_smc(const unsigned long in[8], unsigned long out[8])
{
	register unsigned long r0 __asm__("x0") = in[0];
	register unsigned long r1 __asm__("x1") = in[1];
	register unsigned long r2 __asm__("x2") = in[2];
	register unsigned long r3 __asm__("x3") = in[3];
	register unsigned long r4 __asm__("x4") = in[4];
	register unsigned long r5 __asm__("x5") = in[5];
	register unsigned long r6 __asm__("x6") = in[6];
	register unsigned long r7 __asm__("x7") = in[7];

	__asm__ volatile("smc #0"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3),
			   "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
			 :
			 : "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	out[0] = r0; out[1] = r1; out[2] = r2; out[3] = r3;
	out[4] = r4; out[5] = r5; out[6] = r6; out[7] = r7;
}

bool bm_smc_guarded(const unsigned long in[4], struct arm_smccc_res *res)
{
	const unsigned long in8[8] = { in[0], in[1], in[2], in[3] };
	unsigned long out[8];

	smc_undefined = false;
	smc_guard = true;
	bm_smc(in8, out);
	smc_guard = false;
	res->a0 = out[0];
	res->a1 = out[1];
	res->a2 = out[2];
	res->a3 = out[3];
	return !smc_undefined;
}
