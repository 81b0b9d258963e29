/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Target 1 of the conformance suite: the simulator on the host.
 *
 *   conf_sim [FILTER]   run the cases whose name contains FILTER (all)
 *
 * TAP on stdout; the exit status is 0 when every case passed.
 */
#include <stdio.h>

#include "conf.h"
#include "conf_sim.h"

int main(int argc, char **argv)
{
	struct conf_sim s;
	int failed, rc;

	rc = conf_sim_start(&s, "sim");
	if (rc) {
		printf("Bail out! the simulated target did not start: %d\n",
		       rc);
		return 2;
	}
	failed = conf_run(&s.t, argc > 1 ? argv[1] : NULL);
	conf_sim_stop(&s);
	return failed ? 1 : 0;
}
