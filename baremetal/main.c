/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smcsim's BL33 test image: runs at EL1 on real secure firmware (TF-A +
 * OP-TEE) and runs the conformance suite (tests/conformance, conf_run())
 * over the `smc` invoke backend, TAP on semihosting stdout and
 * the failure count as the exit status (semihosting SYS_EXIT_EXTENDED).
 *
 * Arguments (semihosting command line, -semihosting-config ...,arg=...;
 * the first is the program name):
 *   map=FILE      the memory map (memmap.c), read over semihosting: required
 *   mode=MODE     all (default: probe, then the suite), probe, raw (every
 *                 raw fast call with x0..x7 in and out, for the facts),
 *                 converse (the conversation of tests/conformance's
 *                 conf_converse(): the driver's decoded trace in the
 *                 simulator's text format, which `smcsim converse` prints
 *                 from the simulator; the exit status 0 when it went
 *                 through), fault (read the map's secure memory: the
 *                 exception report, exit BM_EXIT_EXCEPTION)
 *   filter=TEXT   run only the cases whose name contains TEXT
 *   gicd=ADDR     GIC distributor, to poll the notification SPI's pending
 *                 bit (notif_poll.c); without it the line ticks
 *   intid=N       the notification interrupt (INTID; SPI 219 is 251)
 *   trace         the suite's decoded trace on stdout, in the simulator's
 *                 text format, of the kinds the normal world sees (smc,
 *                 call, queue, irq: CONF_CONVERSE_KINDS)
 *
 * With no secure firmware (smc UNDEFINED at EL1) or a Trusted OS that is
 * not OP-TEE, it says "no OP-TEE" and exits 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/probe_print.h>
#include <smcsim/rt.h>
#include <smcsim/trace.h>

#include "bm.h"
#include "conf.h"

struct bm_args {
	const char *map;
	const char *mode;
	const char *filter;
	uint64_t gicd;
	unsigned int intid;
	bool trace;
};

static int parse_args(int argc, char **argv, struct bm_args *a)
{
	int i;

	*a = (struct bm_args){ .mode = "all", .intid = 251 };
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strncmp(s, "map=", 4))
			a->map = s + 4;
		else if (!strncmp(s, "mode=", 5))
			a->mode = s + 5;
		else if (!strncmp(s, "filter=", 7))
			a->filter = s + 7;
		else if (!strncmp(s, "gicd=", 5))
			a->gicd = strtoull(s + 5, NULL, 0);
		else if (!strncmp(s, "intid=", 6))
			a->intid = (unsigned int)strtoul(s + 6, NULL, 0);
		else if (!strcmp(s, "trace"))
			a->trace = true;
		else {
			printf("# unknown argument '%s'\n", s);
			return -1;
		}
	}
	if (strcmp(a->mode, "all") && strcmp(a->mode, "probe") &&
	    strcmp(a->mode, "raw") && strcmp(a->mode, "fault") &&
	    strcmp(a->mode, "converse")) {
		printf("# mode=all|probe|raw|converse|fault, not '%s'\n",
		       a->mode);
		return -1;
	}
	return 0;
}

/*
 * Is OP-TEE there? CALLS_UID of the Trusted OS, guarded: with no EL3
 * firmware smc is UNDEFINED and the vector answers NOT_SUPPORTED.
 */
static bool optee_present(void)
{
	static const unsigned long in[4] = {
		OPTEE_SMC_CALLS_UID, 0, 0, 0
	};
	struct arm_smccc_res r;

	if (!bm_smc_guarded(in, &r)) {
		printf("# no OP-TEE: smc is UNDEFINED at EL1 (no secure firmware)\n");
		return false;
	}
	if (r.a0 != OPTEE_MSG_UID_0 || r.a1 != OPTEE_MSG_UID_1 ||
	    r.a2 != OPTEE_MSG_UID_2 || r.a3 != OPTEE_MSG_UID_3) {
		printf("# no OP-TEE: the Trusted OS UID is %#lx %#lx %#lx %#lx\n",
		       r.a0, r.a1, r.a2, r.a3);
		return false;
	}
	return true;
}

/* Normal memory: the image itself and the map's non-secure ranges. */
static void mmu_from_map(const struct smcsim_phys_config *cfg)
{
	struct bm_range r[SMCSIM_PHYS_MAX_RANGES + 1];
	unsigned int i;
	int n = 0;

	r[n++] = (struct bm_range){ (uintptr_t)__flash,
				    (uintptr_t)__stack - (uintptr_t)__flash };
	for (i = 0; i < cfg->nranges; i++)
		if (smcsim_mem_kind_is_ns(cfg->range[i].kind))
			r[n++] = (struct bm_range){ cfg->range[i].base,
						    cfg->range[i].size };
	bm_mmu_enable(r, n);
}

int main(int argc, char **argv)
{
	struct smcsim_phys_config cfg;
	struct smcsim_irq *irq = NULL;
	struct smcsim_invoke inv;
	struct conf_target t;
	struct smcsim_phys *phys;
	struct bm_args a;
	int rc, fails;

	uint64_t t0 = rt_platform_now_ms();

	/* The generic timer counts from reset: firmware boot included. */
	printf("# smcsim BL33 image at EL1, %llu ms after reset\n",
	       (unsigned long long)t0);
	if (parse_args(argc, argv, &a))
		return BM_EXIT_USAGE;
	if (!optee_present())
		return 0;
	if (!a.map) {
		printf("# no memory map given (map=FILE)\n");
		return BM_EXIT_USAGE;
	}
	if (bm_memmap_load(a.map, &cfg))
		return BM_EXIT_USAGE;
	bm_memmap_print(&cfg);
	/* The image must lie in DRAM that is the normal world's alone. */
	rc = smcsim_phys_config_in_dram(&cfg, (uintptr_t)__flash,
					(uintptr_t)__stack - (uintptr_t)__flash) ?
	     smcsim_phys_create(&cfg, &phys) : -EINVAL;
	if (rc) {
		printf("# memory map %s refused (%d): the image (%p..%p) and its "
		       "page pool must lie in its dram, outside any carve-out\n",
		       a.map, rc, (void *)__flash, (void *)__stack);
		return BM_EXIT_USAGE;
	}
	mmu_from_map(&cfg);

	if (!strcmp(a.mode, "fault")) {
		struct smcsim_phys_region sec;

		if (smcsim_phys_region_get(phys, SMCSIM_MEM_SECURE, &sec)) {
			printf("# mode=fault needs a secure range in the map\n");
			return BM_EXIT_USAGE;
		}
		printf("# reading secure memory at %#llx\n",
		       (unsigned long long)sec.base);
		printf("# read %#x\n", *(volatile uint32_t *)(uintptr_t)sec.base);
		return 0;
	}
	inv = smcsim_invoke_smc();
	/* The conversation starts from the firmware as it booted, as the
	 * simulator's does from a new world: no call before it. */
	if (strcmp(a.mode, "converse"))
		smcsim_probe_print(&inv, stdout, "# ");
	if (!strcmp(a.mode, "probe"))
		return 0;
	if (!strcmp(a.mode, "raw")) {
		struct smcsim_phys_region shm;
		uint64_t page;

		if (smcsim_phys_alloc_pages(phys, 1, &page) ||
		    smcsim_phys_region_get(phys, SMCSIM_MEM_NS_SHM, &shm)) {
			printf("# raw mode needs a page and a reserved shm\n");
			return BM_EXIT_SETUP;
		}
		bm_raw_probe(page, shm.base);
		bm_raw_rpc(phys);
		return 0;
	}

	rc = bm_notif_poll_start(a.gicd, a.intid, &irq);
	if (rc) {
		printf("# notification line: %d\n", rc);
		return BM_EXIT_SETUP;
	}
	t = (struct conf_target){
		.name = "firmware",
		.invoke = smcsim_invoke_smc(),
		.phys = phys,
		.notif_irq = irq,
	};
	if (!strcmp(a.mode, "converse")) {
		/* Nothing else on stdout between its markers. */
		rc = conf_converse(&t, stdout);
		fails = rc ? 1 : 0;
		goto out;
	}
	if (a.trace) {
		const struct smcsim_tracer_cfg tcfg = {
			.kinds = CONF_CONVERSE_KINDS,
			.stream = stdout,
			.fmt = SMCSIM_TRACE_TEXT,
		};

		rc = smcsim_tracer_start(&tcfg);
		if (rc)
			printf("# trace: %d\n", rc);
	}
	t0 = rt_platform_now_ms();
	fails = conf_run(&t, a.filter);
	printf("# suite: %llu ms\n", (unsigned long long)(rt_platform_now_ms() - t0));
	smcsim_tracer_stop();
out:
	bm_notif_poll_stop();
	printf("# notification line raised %lu time(s)\n", bm_notif_poll_raised());
	smcsim_phys_destroy(phys);
	return fails;
}
