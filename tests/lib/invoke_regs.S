/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A frame of 96 bytes holding x29, x30 and the callee-saved x19..x28,
 * which both functions below load with test values.
 */
	.macro	frame_push
	stp	x29, x30, [sp, #-96]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	.endm

	.macro	frame_pop
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	.endm

/*
 * invoke_regs_call(const struct invoke_regs_call *c, uint64_t out[10]):
 * call c->fn(c->ctx, c->a[0..7], c->res) by the AAPCS64 with x19..x28 set
 * to c->pattern + 19 .. c->pattern + 28, then store x19..x28 as the call
 * left them into out[0..9]. A test of what a backend must preserve that
 * does not depend on where the compiler keeps its values (test_invoke_smc.c,
 * invoke_regs.h has the struct and its offsets).
 */
	.text
	.balign 4
	.global invoke_regs_call
	.type invoke_regs_call, %function
invoke_regs_call:
	frame_push
	/* Stack arguments: a7 at [sp], res at [sp, #8]; out kept at [sp, #16]. */
	sub	sp, sp, #32
	str	x1, [sp, #16]
	ldr	x9, [x0, #72]		/* a[7] */
	ldr	x10, [x0, #80]		/* res */
	stp	x9, x10, [sp]
	ldr	x9, [x0, #88]		/* pattern */
	add	x19, x9, #19
	add	x20, x9, #20
	add	x21, x9, #21
	add	x22, x9, #22
	add	x23, x9, #23
	add	x24, x9, #24
	add	x25, x9, #25
	add	x26, x9, #26
	add	x27, x9, #27
	add	x28, x9, #28
	ldr	x16, [x0, #0]		/* fn */
	ldp	x1, x2, [x0, #16]	/* a[0], a[1] */
	ldp	x3, x4, [x0, #32]
	ldp	x5, x6, [x0, #48]
	ldr	x7, [x0, #64]		/* a[6] */
	ldr	x0, [x0, #8]		/* ctx */
	blr	x16
	ldr	x1, [sp, #16]
	stp	x19, x20, [x1, #0]
	stp	x21, x22, [x1, #16]
	stp	x23, x24, [x1, #32]
	stp	x25, x26, [x1, #48]
	stp	x27, x28, [x1, #64]
	add	sp, sp, #32
	frame_pop
	ret
	.size invoke_regs_call, . - invoke_regs_call

/*
 * raw_smc_regs(uint64_t regs[31]): load x0..x28 from regs[0..28], execute
 * `smc #0x1234` and store x0..x28 back: what the instruction (and so the
 * trap) changes, register by register.
 */
	.global raw_smc_regs
	.type raw_smc_regs, %function
raw_smc_regs:
	frame_push
	str	x0, [sp, #-16]!
	mov	x30, x0
	ldp	x0, x1, [x30, #0]
	ldp	x2, x3, [x30, #16]
	ldp	x4, x5, [x30, #32]
	ldp	x6, x7, [x30, #48]
	ldp	x8, x9, [x30, #64]
	ldp	x10, x11, [x30, #80]
	ldp	x12, x13, [x30, #96]
	ldp	x14, x15, [x30, #112]
	ldp	x16, x17, [x30, #128]
	ldp	x18, x19, [x30, #144]
	ldp	x20, x21, [x30, #160]
	ldp	x22, x23, [x30, #176]
	ldp	x24, x25, [x30, #192]
	ldp	x26, x27, [x30, #208]
	ldr	x28, [x30, #224]
	smc	#0x1234
	ldr	x30, [sp]
	stp	x0, x1, [x30, #0]
	stp	x2, x3, [x30, #16]
	stp	x4, x5, [x30, #32]
	stp	x6, x7, [x30, #48]
	stp	x8, x9, [x30, #64]
	stp	x10, x11, [x30, #80]
	stp	x12, x13, [x30, #96]
	stp	x14, x15, [x30, #112]
	stp	x16, x17, [x30, #128]
	stp	x18, x19, [x30, #144]
	stp	x20, x21, [x30, #160]
	stp	x22, x23, [x30, #176]
	stp	x24, x25, [x30, #192]
	stp	x26, x27, [x30, #208]
	str	x28, [x30, #224]
	add	sp, sp, #16
	frame_pop
	ret
	.size raw_smc_regs, . - raw_smc_regs

	.section .note.GNU-stack, "", %progbits
