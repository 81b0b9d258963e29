/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the command-line programs (tools/smcsim.c, daemon/smcsimd.c) share:
 * a simulated machine (memory, the secure world, the OP-TEE driver probed
 * on it), the options they have in common (--threads, --map) and the
 * trace their --trace/--trace-kinds/--quiet options choose.
 */
#ifndef SMCSIM_TOOLS_CLI_H
#define SMCSIM_TOOLS_CLI_H

#include <stdbool.h>

#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>
#include <smcsim/tee_core.h>

/**
 * struct cli_machine - one simulated machine
 * @phys:	its memory
 * @sw:		the secure world
 * @trace:	the SMC-counting wrapper between driver and secure world
 *		(with @counted)
 * @cls:	the tee class the driver's devices join
 * @optee:	the driver (NULL before cli_machine_probe() and after
 *		cli_machine_remove())
 */
struct cli_machine {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct smcsim_trace trace;
	bool counted;
	struct tee_class cls;
	struct optee *optee;
};

/**
 * cli_machine_world() - the memory of @pcfg, a secure world of @scfg on it
 * and the tee class
 * @scfg:	the secure world's configuration; its @phys is set here
 * @what:	on error, what failed: "memory map" or "secure world"
 *
 * Return: 0, or -errno with nothing left to stop.
 */
int cli_machine_world(struct cli_machine *m,
		      const struct smcsim_phys_config *pcfg,
		      struct smcsim_sw_config *scfg, const char **what);

/**
 * cli_machine_probe() - the driver, probed on the world
 * @profile, @log: the driver's (struct optee_probe_cfg)
 * @count:	reach the secure world through @m->trace, which counts SMCs
 *
 * Return: 0, or optee_probe()'s -errno (the world stays:
 * cli_machine_stop()).
 */
int cli_machine_probe(struct cli_machine *m, enum smcsim_abi_profile profile,
		      bool log, bool count);

/** cli_machine_remove() - remove the driver (if it is there) */
void cli_machine_remove(struct cli_machine *m);

/**
 * cli_machine_stop() - the driver, the secure world, the memory: all that
 * cli_machine_world() and cli_machine_probe() set up
 */
void cli_machine_stop(struct cli_machine *m);

/**
 * cli_uint() - @arg, the value of option @opt, into *@v: a number from
 * @min to @max (decimal, or 0x hex)
 * Return: 0, or 2 (said on stderr, with @prog)
 */
int cli_uint(const char *prog, const char *opt, const char *arg,
	     unsigned int min, unsigned int max, unsigned int *v);

/**
 * cli_map() - the memory map --map @arg names: "qemu_v8", the firmware
 * machine's preset (smcsim_phys_config_qemu_v8()), else a map file
 * (phys_map.h)
 * Return: 0, or 2 (said on stderr, with @prog)
 */
int cli_map(const char *prog, const char *arg,
	    struct smcsim_phys_config *pcfg);

/**
 * cli_trace_kinds() - parse @arg, the value of option @opt, into *@kinds
 * (smcsim_tev_parse_kinds()). Return: 0, or 2 (said on stderr, with @prog)
 */
int cli_trace_kinds(const char *prog, const char *opt, const char *arg,
		    unsigned int *kinds);

/**
 * struct cli_trace_opts - what the trace options chose
 * @path:	--trace FILE, or NULL: stdout, as text
 * @kinds:	--trace-kinds LIST's mask (0: all)
 * @quiet:	--quiet: no trace on stdout
 */
struct cli_trace_opts {
	const char *path;
	unsigned int kinds;
	bool quiet;
};

/*
 * The trace options' getopt_long() entries (<getopt.h>) and letters:
 * their cases ('T', 'k', 'q') go to cli_trace_opt().
 */
#define CLI_TRACE_LONGOPTS \
	{ "trace", required_argument, NULL, 'T' }, \
	{ "trace-kinds", required_argument, NULL, 'k' }, \
	{ "quiet", no_argument, NULL, 'q' }
#define CLI_TRACE_SHORTOPTS	"T:k:q"

/**
 * cli_trace_opt() - take trace option @opt ('T', 'k' or 'q') with @arg
 * into @t. Return: 0, or 2 (a bad list, said on stderr, with @prog)
 */
int cli_trace_opt(const char *prog, int opt, const char *arg,
		  struct cli_trace_opts *t);

/**
 * cli_trace_start() - start the trace the options @t chose
 * @prog:	the program's name, for the error message
 *
 * SMCSIM_TRACE in the environment, when set, already chose. Return: 0,
 * or 2 (a bad request, said on stderr).
 */
int cli_trace_start(const char *prog, const struct cli_trace_opts *t);

#endif /* SMCSIM_TOOLS_CLI_H */
