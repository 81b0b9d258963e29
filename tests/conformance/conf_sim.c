/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated target, configured like the firmware the suite also runs
 * on (see conf_sim.h). What belongs to the firmware build (thread count,
 * notification line, memory map) is configuration here; the cases read
 * every such value from the secure world itself.
 */
#include <string.h>

#include <smcsim/phys_map.h>

#include "conf_sim.h"

int conf_sim_start(struct conf_sim *s, const char *name)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config cfg;
	int rc;

	memset(s, 0, sizeof(*s));
	/* The firmware machine: 1057 MiB of DRAM at 0x40000000 with the
	 * reserved shm carved out of it, secure DRAM at 0x0e100000. */
	smcsim_phys_config_qemu_v8(&pcfg);
	rc = smcsim_phys_create(&pcfg, &s->phys);
	if (rc)
		return rc;
	/* The firmware's build: OP-TEE 4.10, 2 threads, async notification,
	 * the invoke-tests PTA, its build id. */
	smcsim_sw_config_qemu_v8(&cfg, s->phys);
	rc = smcsim_sw_create(&cfg, &s->sw);
	if (rc) {
		smcsim_phys_destroy(s->phys);
		s->phys = NULL;
		return rc;
	}
	s->t.name = name;
	s->t.invoke = smcsim_invoke_sim(s->sw);
	s->t.phys = s->phys;
	s->t.notif_irq = smcsim_sw_notif_irq(s->sw);
	return 0;
}

void conf_sim_stop(struct conf_sim *s)
{
	if (s->sw)
		smcsim_sw_destroy(s->sw);
	if (s->phys)
		smcsim_phys_destroy(s->phys);
	memset(s, 0, sizeof(*s));
}
