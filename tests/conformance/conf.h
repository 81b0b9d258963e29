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

#include <stdio.h>

#include <smcsim/invoke.h>
#include <smcsim/irq.h>
#include <smcsim/phys.h>
#include <smcsim/trace.h>

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
 * Return: the number of failed cases; 1 when no case matches @filter (a run that
 * ran nothing proved nothing, so a mistyped filter is not a pass). */
int conf_run(const struct conf_target *t, const char *filter);

/*
 * The conversation: the kinds of trace event the normal world itself sees
 * (SMCs at its conduit, its own messages, its call queue, its interrupt);
 * the secure world's own kinds exist only in the simulator.
 */
#define CONF_CONVERSE_KINDS						\
	((1U << SMCSIM_TEV_SMC) | (1U << SMCSIM_TEV_CALL) |		\
	 (1U << SMCSIM_TEV_QUEUE) | (1U << SMCSIM_TEV_IRQ))

/*
 * Run the fixed scenario on @t, the driver's decoded conversation (those
 * kinds, trace.h's text format) streamed to @out between the lines
 * "-- conversation --" and "-- end of conversation: ok|failed --", with a
 * "-- step --" line before each step: the driver's probe; through the
 * client API, sessions (login REE_KERNEL) to the device-enumeration PTA and
 * the invoke-tests PTA; PARAMS with three value inputs and one output;
 * GET_DEVICES into a kernel buffer; both sessions closed; the driver
 * removed. Starts the process's trace sink (stopping one running) and
 * stops it. A failed step is said on @out as "# conversation: ...".
 * Return: 0 or a negative errno (-EIO: a TEE error).
 */
int conf_converse(const struct conf_target *t, FILE *out);

#endif /* SMCSIM_CONF_H */
