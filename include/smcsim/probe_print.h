/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoded probe: the fast calls a driver makes before it trusts the
 * firmware, each answer decoded, through any invoke backend. The same
 * text from the simulator (`smcsim probe`) and from real firmware (the
 * bare-metal image), so the two can be read side by side
 * (`tools/dev demo --firmware`).
 */
#ifndef SMCSIM_PROBE_PRINT_H
#define SMCSIM_PROBE_PRINT_H

#include <stdio.h>

#include <smcsim/invoke.h>

/**
 * smcsim_probe_print() - make the probe's fast calls through @inv and print
 * each with its decoded answer to @out, every line starting with @prefix
 *
 * Calls, in Linux's order: CALLS_UID, CALLS_REVISION, CALLS_COUNT,
 * GET_OS_UUID, GET_OS_REVISION, EXCHANGE_CAPABILITIES, GET_THREAD_COUNT,
 * GET_SHM_CONFIG, GET_PROTMEM_CONFIG: none changes the firmware's state.
 * Capability bit 7 is decoded as the upstream profile's RPMB_PROBE.
 */
void smcsim_probe_print(const struct smcsim_invoke *inv, FILE *out,
			const char *prefix);

#endif /* SMCSIM_PROBE_PRINT_H */
