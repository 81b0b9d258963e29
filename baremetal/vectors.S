/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EL1 exception vectors of the BL33 image (VBAR_EL1). Every entry saves
 * x0..x30, ELR_EL1 and SPSR_EL1 in a frame on the current stack and calls
 * bm_exception(frame, index) (exc.c), which either reports and exits or
 * edits the frame (a guarded `smc` probe) and returns; the frame is then
 * restored and the exception returns.
 */
#define FRAME_SIZE	(34 * 8)	/* x0..x30, elr, spsr, pad */

	.macro	vec idx
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\idx
	b	bm_exc_common
	.endm

	.section .text.bm_vectors, "ax"
	.balign	0x800
	.globl	bm_vectors
bm_vectors:
	vec	0	/* current EL, SP_EL0: sync */
	vec	1	/* IRQ */
	vec	2	/* FIQ */
	vec	3	/* SError */
	vec	4	/* current EL, SP_ELx: sync */
	vec	5
	vec	6
	vec	7
	vec	8	/* lower EL, AArch64 */
	vec	9
	vec	10
	vec	11
	vec	12	/* lower EL, AArch32 */
	vec	13
	vec	14
	vec	15

	.section .text.bm_exc_common, "ax"
bm_exc_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, elr_el1
	stp	x30, x1, [sp, #240]
	mrs	x1, spsr_el1
	str	x1, [sp, #256]
	mov	x1, x0
	mov	x0, sp
	bl	bm_exception
	ldr	x1, [sp, #256]
	msr	spsr_el1, x1
	ldp	x30, x1, [sp, #240]
	msr	elr_el1, x1
	ldp	x28, x29, [sp, #224]
	ldp	x26, x27, [sp, #208]
	ldp	x24, x25, [sp, #192]
	ldp	x22, x23, [sp, #176]
	ldp	x20, x21, [sp, #160]
	ldp	x18, x19, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret
