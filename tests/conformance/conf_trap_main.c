/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Target 2 of the conformance suite: the simulator configured like the
 * firmware (conf_sim.h), reached through the real `smc` instruction. The
 * conduit is smcsim_invoke_smc(); in Linux user space the instruction
 * raises SIGILL, which tests/helpers/smc_trap emulates: x0..x7 from the
 * signal context into the simulator, x0..x3 back, on to the next
 * instruction. Every case thus checks the instruction path's register
 * handling against the simulator. aarch64 Linux only.
 *
 *   conf_trap [FILTER]   run the cases whose name contains FILTER (all)
 *
 * TAP on stdout; the exit status is 0 when every case passed and every
 * call went through the instruction.
 */
#include <stdio.h>

#include "conf.h"
#include "conf_sim.h"
#include "smc_trap.h"

int main(int argc, char **argv)
{
	struct smc_trap_stats st;
	struct conf_sim s;
	int failed, rc;

	rc = conf_sim_start(&s, "trap");
	if (rc) {
		printf("Bail out! the simulated target did not start: %d\n", rc);
		return 2;
	}
	rc = smc_trap_install(s.t.invoke);
	if (rc) {
		printf("Bail out! no SIGILL handler: %d\n", rc);
		conf_sim_stop(&s);
		return 2;
	}
	s.t.invoke = smcsim_invoke_smc();
	failed = conf_run(&s.t, argc > 1 ? argv[1] : NULL);
	smc_trap_stats(&st);
	printf("# trap: %lu smc and %lu hvc emulated\n", st.smc, st.hvc);
	smc_trap_uninstall();
	conf_sim_stop(&s);
	/* A run whose calls bypassed the instruction proved nothing. */
	if (!st.smc || st.hvc) {
		printf("# trap: expected every call through smc #0\n");
		return 1;
	}
	return failed ? 1 : 0;
}
