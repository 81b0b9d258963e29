/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SIGILL handler of smc_trap.h: decode the instruction at pc, call the
 * backend with x0..x7 of the interrupted context, write x0..x3 back and
 * step pc over the instruction.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <ucontext.h>

#include "smc_trap.h"

/* SMC/HVC (A64, "exception generation"): imm16 in bits 20..5. */
#define INSN_EXC_MASK	0xffe0001fu
#define INSN_IMM(insn)	((uint16_t)(((insn) >> 5) & 0xffff))

/*
 * The handler's state. The backend is set while no thread is in a call
 * (smc_trap.h), so the handler never sees it change; the counters are
 * atomics because any thread may trap.
 */
static struct smcsim_invoke trap_backend;
static struct sigaction trap_old;
static atomic_bool trap_installed;
static atomic_bool trap_scramble;
static atomic_ulong trap_nsmc, trap_nhvc;
static _Atomic uint16_t trap_last_imm;

/* Not ours: die of it as if no handler had been there. */
static void trap_not_ours(int sig)
{
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

static void trap_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned long long *x = uc->uc_mcontext.regs;
	struct arm_smccc_res res = { 0 };
	uint32_t insn;
	int i;

	/* Raised by an instruction (not kill()), at the pc in the context. */
	if (si->si_code <= 0 || (uintptr_t)si->si_addr != uc->uc_mcontext.pc) {
		trap_not_ours(sig);
		return;
	}
	memcpy(&insn, (const void *)(uintptr_t)uc->uc_mcontext.pc,
	       sizeof(insn));
	if ((insn & INSN_EXC_MASK) == smc_trap_smc_insn(0))
		atomic_fetch_add(&trap_nsmc, 1);
	else if ((insn & INSN_EXC_MASK) == smc_trap_hvc_insn(0))
		atomic_fetch_add(&trap_nhvc, 1);
	else {
		trap_not_ours(sig);
		return;
	}
	atomic_store(&trap_last_imm, INSN_IMM(insn));

	smcsim_invoke_call(&trap_backend, x[0], x[1], x[2], x[3], x[4], x[5],
			   x[6], x[7], &res);
	x[0] = res.a0;
	x[1] = res.a1;
	x[2] = res.a2;
	x[3] = res.a3;
	if (atomic_load(&trap_scramble))
		for (i = 4; i <= 17; i++)
			x[i] = 0xdeadbeef00000000ull | (unsigned int)i;
	uc->uc_mcontext.pc += 4;
}

int smc_trap_install(struct smcsim_invoke backend)
{
	bool again = atomic_load(&trap_installed);
	struct sigaction sa;

	trap_backend = backend;
	if (!again) {
		atomic_store(&trap_nsmc, 0);
		atomic_store(&trap_nhvc, 0);
		atomic_store(&trap_last_imm, 0);
		atomic_store(&trap_scramble, false);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = trap_handler;
	/*
	 * SA_NODEFER: a backend that itself executes smc/hvc (a test that
	 * nests trap backends) traps again instead of dying of a blocked
	 * SIGILL.
	 */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	/* The action to restore is the one before the first install. */
	if (sigaction(SIGILL, &sa, again ? NULL : &trap_old))
		return -errno;
	atomic_store(&trap_installed, true);
	return 0;
}

void smc_trap_uninstall(void)
{
	if (!atomic_load(&trap_installed))
		return;
	sigaction(SIGILL, &trap_old, NULL);
	trap_backend = (struct smcsim_invoke){ 0 };
	atomic_store(&trap_installed, false);
}

void smc_trap_set_scramble(bool on)
{
	atomic_store(&trap_scramble, on);
}

void smc_trap_stats(struct smc_trap_stats *st)
{
	st->smc = atomic_load(&trap_nsmc);
	st->hvc = atomic_load(&trap_nhvc);
	st->last_imm = atomic_load(&trap_last_imm);
}
