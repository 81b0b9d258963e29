// SPDX-License-Identifier: BSD-2-Clause
/*
 * The `sim` invoke backend: enters the simulated secure world in process.
 */
#include <smcsim/invoke.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>

static void sim_invoke(void *ctx, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3, unsigned long a4,
		       unsigned long a5, unsigned long a6, unsigned long a7,
		       struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };

	/* The world switch in and out: scheduling points in a det run. */
	rt_world_switch(RT_WORLD_SECURE);
	smcsim_sw_smc(ctx, a, res);
	rt_world_switch(RT_WORLD_NORMAL);
}

struct smcsim_invoke smcsim_invoke_sim(struct smcsim_sw *sw)
{
	return (struct smcsim_invoke){ .fn = sim_invoke, .ctx = sw };
}
