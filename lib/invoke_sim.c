// SPDX-License-Identifier: BSD-2-Clause
/*
 * The `sim` invoke backend: enters the simulated secure world in process,
 * and records each call in the trace (include/smcsim/trace.h).
 */
#include <smcsim/invoke.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/trace.h>

static void sim_invoke(void *ctx, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3, unsigned long a4,
		       unsigned long a5, unsigned long a6, unsigned long a7,
		       struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };

	/*
	 * The world switch in and out: scheduling points in a det run. The
	 * trace's SMC slice is the time spent in between.
	 */
	rt_world_switch(RT_WORLD_SECURE);
	smcsim_tev_smc(a, NULL);
	smcsim_sw_smc(ctx, a, res);
	smcsim_tev_smc(a, (const unsigned long[4]){ res->a0, res->a1, res->a2,
						    res->a3 });
	rt_world_switch(RT_WORLD_NORMAL);
}

struct smcsim_invoke smcsim_invoke_sim(struct smcsim_sw *sw)
{
	return (struct smcsim_invoke){ .fn = sim_invoke, .ctx = sw };
}
