/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated target of the conformance suite: a secure world in the
 * upstream profile configured like the firmware in
 * ../shared/firmware/optee-4.10-qemu_v8 (2 threads, async notifications,
 * reserved and dynamic shm, that machine's memory map). Runners that put
 * something between the driver and the simulator (the trap runner) build
 * it with conf_sim_start() and replace the conduit.
 */
#ifndef SMCSIM_CONF_SIM_H
#define SMCSIM_CONF_SIM_H

#include <smcsim/secure_world.h>

#include "conf.h"

/**
 * struct conf_sim - the simulated target
 * @phys:	the memory map
 * @sw:		the secure world
 * @t:		the target: @t.invoke enters @sw, @t.notif_irq is its line
 */
struct conf_sim {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct conf_target t;
};

/** conf_sim_start() - build it; Return: 0 or a negative errno (nothing left) */
int conf_sim_start(struct conf_sim *s, const char *name);
/** conf_sim_stop() - free it */
void conf_sim_stop(struct conf_sim *s);

#endif /* SMCSIM_CONF_SIM_H */
