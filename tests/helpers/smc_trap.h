/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap-and-emulate of the `smc` and `hvc` instructions for tests in Linux
 * user space on aarch64 (built only there). At EL0 both instructions are
 * UNDEFINED: the kernel, and qemu-aarch64 user mode, deliver SIGILL with the
 * pc at the instruction. The handler checks that the instruction there is
 * `smc #imm` or `hvc #imm`, reads x0..x7 from the signal context, answers
 * through the backend given at install (the simulator, a script...), writes
 * x0..x3 back and steps over the instruction: smcsim_invoke_smc() then runs
 * its real instruction against a simulated secure world. A SIGILL from any
 * other instruction, or one sent by kill(), is not ours: the default action
 * is restored and the signal raised again, so the process dies as it would
 * have.
 *
 * Seen under qemu-aarch64 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18): `smc #0`,
 * `hvc #0x55` and `smc #0xffff` at EL0 each raise SIGILL with si_code
 * ILL_ILLOPN (2), si_addr and the context's pc at the instruction, x0..x7
 * as the program set them; writing x0 and pc + 4 into the context resumes
 * after the instruction with the new x0. (Linux on hardware reports
 * ILL_ILLOPC; the handler accepts any si_code an instruction raises.)
 *
 * The backend runs in the signal handler, on the thread that executed the
 * instruction. The signal is synchronous, raised by an instruction of the
 * invoke backend itself, never in the middle of the C library, so the
 * backend may do what a function call may (lock, allocate). Several
 * threads may trap at once; the backend must be thread-safe, as every
 * invoke backend is.
 */
#ifndef SMCSIM_TESTS_SMC_TRAP_H
#define SMCSIM_TESTS_SMC_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include <smcsim/invoke.h>

/**
 * struct smc_trap_stats - what the handler saw
 * @smc:	`smc` instructions emulated
 * @hvc:	`hvc` instructions emulated
 * @last_imm:	the immediate of the last one
 */
struct smc_trap_stats {
	unsigned long smc;
	unsigned long hvc;
	uint16_t last_imm;
};

/**
 * smc_trap_install() - emulate smc/hvc through @backend from now on
 *
 * Call it while no thread is in a call. Installing again only puts the
 * handler and @backend back: CMocka sets its own SIGILL action around each
 * test and fixture function, so a test installs at the start of each
 * function that traps (setup, test, teardown). The counts start at the
 * first install after smc_trap_uninstall(). Return: 0, -errno from
 * sigaction().
 */
int smc_trap_install(struct smcsim_invoke backend);

/** smc_trap_uninstall() - put the SIGILL action back as it was */
void smc_trap_uninstall(void);

/**
 * smc_trap_set_scramble() - on return, also overwrite x4..x17 with garbage,
 * as SMCCC lets a callee do (x4..x7 and x8..x17 are not preserved by
 * SMCCC v1.0; OP-TEE's dispatcher happens to preserve x4..x7): a caller
 * that relied on them would see it. x18..x30, sp and the FP/SIMD
 * registers are kept, as SMCCC requires.
 */
void smc_trap_set_scramble(bool on);

/** smc_trap_stats() - counts since install */
void smc_trap_stats(struct smc_trap_stats *st);

/** smc_trap_smc_insn() - the encoding of `smc #@imm` */
static inline uint32_t smc_trap_smc_insn(uint16_t imm)
{
	return 0xd4000003u | ((uint32_t)imm << 5);
}

/** smc_trap_hvc_insn() - the encoding of `hvc #@imm` */
static inline uint32_t smc_trap_hvc_insn(uint16_t imm)
{
	return 0xd4000002u | ((uint32_t)imm << 5);
}

#endif /* SMCSIM_TESTS_SMC_TRAP_H */
