/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conformance suite (issue 15): one set of cases, written once, that
 * every target answers alike: the simulator on the host, the aarch64 build
 * whose smc instruction is trapped and emulated, and a bare-metal image on
 * real TF-A + OP-TEE. The interface is shared by every runner and cases
 * never branch on which target runs them (docs/testing.md).
 */
#ifndef SMCSIM_CONF_H
#define SMCSIM_CONF_H

#include <smcsim/invoke.h>
#include <smcsim/irq.h>
#include <smcsim/phys.h>

struct conf_target {
	const char *name;		/* "sim", "trap", "firmware": printed in the TAP header only;
					   cases never branch on it */
	struct smcsim_invoke invoke;	/* the conduit (sim backend, or smcsim_invoke_smc()) */
	struct smcsim_phys *phys;	/* the normal world's memory map: cases take pages with
					   smcsim_phys_alloc_pages() and reach them with
					   smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, ...) */
	struct smcsim_irq *notif_irq;	/* async-notification line, or NULL (cases poll) */
};
/* Run every case whose name contains @filter (NULL: all). Prints TAP to stdout:
 * "TAP version 13", "1..N", "ok I - name" / "not ok I - name" with "# file:line: why" lines.
 * Return: the number of failed cases. */
int conf_run(const struct conf_target *t, const char *filter);

#endif /* SMCSIM_CONF_H */
