// SPDX-License-Identifier: BSD-2-Clause
/*
 * The machine and the trace of the command-line programs (cli.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/trace.h>

#include "cli.h"

int cli_machine_world(struct cli_machine *m,
		      const struct smcsim_phys_config *pcfg,
		      struct smcsim_sw_config *scfg, const char **what)
{
	int rc;

	memset(m, 0, sizeof(*m));
	rc = smcsim_phys_create(pcfg, &m->phys);
	if (rc) {
		*what = "memory map";
		return rc;
	}
	scfg->phys = m->phys;
	rc = smcsim_sw_create(scfg, &m->sw);
	if (rc) {
		*what = "secure world";
		smcsim_phys_destroy(m->phys);
		return rc;
	}
	tee_class_init(&m->cls);
	return 0;
}

int cli_machine_probe(struct cli_machine *m, enum smcsim_abi_profile profile,
		      bool log, bool count)
{
	struct optee_probe_cfg cfg = {
		.invoke = smcsim_invoke_sim(m->sw),
		.phys = m->phys,
		.profile = profile,
		.cls = &m->cls,
		.notif_irq = smcsim_sw_notif_irq(m->sw),
		.log = log,
	};

	if (count) {
		/* It counts the SMCs; the tracer (lib/trace.c) prints them. */
		smcsim_trace_init_ring(&m->trace, cfg.invoke, NULL, 0);
		cfg.invoke = smcsim_trace_invoke(&m->trace);
		m->counted = true;
	}
	return optee_probe(&cfg, &m->optee);
}

void cli_machine_remove(struct cli_machine *m)
{
	if (m->optee)
		optee_remove(m->optee);
	m->optee = NULL;
}

void cli_machine_stop(struct cli_machine *m)
{
	cli_machine_remove(m);
	tee_class_fini(&m->cls);
	if (m->counted)
		smcsim_trace_fini(&m->trace);
	smcsim_sw_destroy(m->sw);
	smcsim_phys_destroy(m->phys);
}

int cli_uint(const char *prog, const char *opt, const char *arg,
	     unsigned int min, unsigned int max, unsigned int *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 0);
	if (*arg && *arg != '-' && !*end && !errno && n >= min && n <= max) {
		*v = (unsigned int)n;
		return 0;
	}
	fprintf(stderr, "%s: %s: %u to %u, not '%s'\n", prog, opt, min, max,
		arg);
	return 2;
}

int cli_map(const char *prog, const char *arg,
	    struct smcsim_phys_config *pcfg)
{
	char err[256];

	if (!strcmp(arg, "qemu_v8")) {
		smcsim_phys_config_qemu_v8(pcfg);
		return 0;
	}
	if (!smcsim_phys_config_load(arg, pcfg, err, sizeof(err)))
		return 0;
	fprintf(stderr, "%s: memory map %s\n", prog, err);
	return 2;
}

int cli_trace_kinds(const char *prog, const char *opt, const char *arg,
		    unsigned int *kinds)
{
	if (!smcsim_tev_parse_kinds(arg, kinds))
		return 0;
	fprintf(stderr, "%s: %s: bad list '%s'\n", prog, opt, arg);
	return 2;
}

int cli_trace_opt(const char *prog, int opt, const char *arg,
		  struct cli_trace_opts *t)
{
	if (opt == 'k')
		return cli_trace_kinds(prog, "--trace-kinds", arg, &t->kinds);
	if (opt == 'T')
		t->path = arg;
	else
		t->quiet = true;
	return 0;
}

int cli_trace_start(const char *prog, const struct cli_trace_opts *t)
{
	const struct smcsim_tracer_cfg cfg = {
		.kinds = t->kinds,
		.stream = stdout,
		.fmt = SMCSIM_TRACE_TEXT,
	};
	int rc;

	if (smcsim_tracer_on() || (t->quiet && !t->path))
		return 0;
	if (t->path)
		rc = smcsim_tracer_open(t->path, t->kinds, 0);
	else
		rc = smcsim_tracer_start(&cfg);
	if (rc) {
		fprintf(stderr, "%s: trace %s: %s\n", prog,
			t->path ? t->path : "stdout", strerror(-rc));
		return 2;
	}
	return 0;
}
