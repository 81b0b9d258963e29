// SPDX-License-Identifier: BSD-2-Clause
/*
 * smcsim: command-line front end.
 *
 *   smcsim demo [--profile proposal|upstream] [--threads N] [--log]
 *               [--protmem static|dynamic] [--seed N] [--callers N]
 *               [--map FILE|qemu_v8]
 *               [--trace FILE] [--trace-kinds LIST] [--quiet]
 *       Create a simulated secure world, probe it as the Linux driver does,
 *       open a session to the built-in echo TA and invoke it, print the
 *       decoded trace (every SMC, message, RPC, secure-thread state,
 *       notification and interrupt) and a summary of what was negotiated,
 *       then remove the driver. --callers N (default: one more than the
 *       secure threads, 0 for none) callers then call a TA that sleeps in
 *       the secure world, all at once, so that one of them queues for a
 *       secure thread. With --protmem, also allocate a protected
 *       buffer from the secure-video heap, have the secure-video TA fill
 *       and hash it, and show that the normal world's read of it faults.
 *       --seed runs it all under the deterministic scheduler (the same
 *       output for the same seed); --trace writes the trace to FILE instead
 *       of stdout (FILE.json: Chrome trace-event JSON for Perfetto, .txt:
 *       text, else the line format); --quiet prints no trace. --map
 *       takes the memory map from a map file (include/smcsim/phys_map.h,
 *       cross/qemu_v8.map) or the firmware machine's preset instead of the
 *       small default.
 *   smcsim trace [--format text|lines|json] [--kinds LIST] FILE
 *       Print a trace recorded in the line format, as text (default), lines
 *       or JSON.
 *   smcsim probe [--map FILE|qemu_v8] [--threads N]
 *       The decoded probe (probe_print.h) against a simulated secure world
 *       built like the real firmware the project runs against
 *       (smcsim_sw_config_qemu_v8(): OP-TEE 4.10, upstream profile, 2
 *       threads, async notifications; the map of that machine unless --map
 *       says otherwise): the same text the bare-metal image prints from
 *       real firmware (tools/dev demo --firmware shows both).
 *   smcsim converse [--map FILE|qemu_v8]
 *       The conversation (tests/conformance, conf_converse()): probe, sessions
 *       to the device and invoke-tests PTAs, PARAMS and GET_DEVICES, close,
 *       remove, as the decoded trace's text of the kinds the normal world
 *       sees (smc, call, queue, irq), against the same simulated firmware as
 *       `probe`. The BL33 image's mode=converse prints the same from real
 *       firmware; tools/dev firmware diffs the two.
 *   smcsim decode VALUE...
 *       Name register values: as a function ID and as a result.
 *   smcsim decode --msg|--rpc [--answer] HEX
 *       Decode a whole optee_msg_arg (a call's, or an RPC's) given as hex
 *       bytes (spaces and newlines allowed): the request, or the answer.
 *   smcsim ta-file DIR UUID PROGRAM [UUID PROGRAM]...
 *       Write TA files (sw_ta.h's format) as tee-supplicant looks them up
 *       for RPC LOAD_TA: DIR/<uuid>.ta, naming the program ("echo",
 *       "sleep", "panic", "notif", "storage") the secure world runs for
 *       that UUID.
 *
 *  1. the demo's parts: a session, notifications, the thread limit,
 *     protected memory
 *  2. the demo: the world, its trace, the det run
 *  3. decode
 *  4. trace
 *  5. probe, converse
 *  6. TA files
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/abi_names.h>
#include <smcsim/det.h>
#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/phys.h>
#include <smcsim/probe_print.h>
#include <smcsim/secure_world.h>
#include <smcsim/sha256.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>
#include <smcsim/trace.h>

#include "cli.h"
#include "conf.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smcsim demo [--profile proposal|upstream] [--threads N] [--log]\n"
		"                   [--protmem static|dynamic] [--seed N] [--map FILE|qemu_v8]\n"
		"                   [--callers N] [--trace FILE[.json|.txt]] [--trace-kinds LIST] [--quiet]\n"
		"       smcsim probe [--map FILE|qemu_v8] [--threads N]\n"
		"       smcsim converse [--map FILE|qemu_v8]\n"
		"       smcsim trace [--format text|lines|json] [--kinds LIST] FILE\n"
		"       smcsim decode VALUE...\n"
		"       smcsim decode --msg|--rpc [--answer] HEX\n"
		"       smcsim ta-file DIR UUID PROGRAM [UUID PROGRAM]...\n"
		"  LIST: comma-separated smc,call,msg,rpc,thread,queue,notif,irq,mark or all\n");
}

/* ---- 1. the demo's parts ------------------------------------------------ */

/* A kernel client with a session to @uuid. Return: 0 or a negative errno. */
static int demo_open(struct optee *optee, const struct smcsim_uuid *uuid,
		     struct tee_context **ctx, uint32_t *session)
{
	struct tee_ioctl_open_session_arg sess = {
		.clnt_login = TEE_IOCTL_LOGIN_REE_KERNEL,
	};
	int rc;

	rc = tee_client_open_context(optee_client_teedev(optee), ctx);
	if (rc)
		return rc;
	smcsim_uuid_to_octets(uuid, sess.uuid);
	rc = tee_client_open_session(*ctx, &sess, NULL);
	if (!rc && sess.ret != TEE_SUCCESS)
		rc = -EIO;
	if (rc) {
		tee_client_close_context(*ctx);
		return rc;
	}
	*session = sess.session;
	return 0;
}

static void demo_close(struct tee_context *ctx, uint32_t session)
{
	tee_client_close_session(ctx, session);
	tee_client_close_context(ctx);
}

/* Invoke @func with @n params; a TEE error is -EIO. */
static int demo_invoke(struct tee_context *ctx, uint32_t session, uint32_t func,
		       struct tee_param *p, uint32_t n)
{
	struct tee_ioctl_invoke_arg inv = {
		.func = func,
		.session = session,
		.num_params = n,
	};
	int rc = tee_client_invoke_func(ctx, &inv, p);

	return !rc && inv.ret != TEE_SUCCESS ? -EIO : rc;
}

static int demo_session(struct optee *optee, uint32_t *sum)
{
	static const struct smcsim_uuid echo_uuid = SMCSIM_TA_ECHO_UUID;
	struct tee_param p[2] = {
		{ .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
		  .u.value = { .a = 40, .b = 2 } },
		{ .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT },
	};
	struct tee_context *ctx;
	uint32_t session;
	int rc;

	rc = demo_open(optee, &echo_uuid, &ctx, &session);
	if (rc)
		return rc;
	rc = demo_invoke(ctx, session, SMCSIM_TA_ECHO_CMD_ADD, p, 2);
	*sum = (uint32_t)p[1].u.value.a;
	demo_close(ctx, session);
	return rc;
}

/*
 * Notifications: the notification TA posts an async value (the line is
 * raised, the driver's top half fetches the value and, nobody waiting yet,
 * keeps it), then waits on it and returns at once; then a secure
 * "interrupt" asks three times for a bottom half, which runs once.
 */
static int demo_notif(struct optee *optee, struct smcsim_sw *sw,
		      uint32_t *value, uint64_t *bh_runs)
{
	static const struct smcsim_uuid notif_uuid = SMCSIM_TA_NOTIF_UUID;
	struct tee_param p = { .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT };
	struct smcsim_sw_bh_stats bh;
	struct tee_context *ctx;
	uint32_t session;
	uint64_t end;
	int rc;

	rc = smcsim_sw_notif_alloc_value(sw, value);
	if (rc)
		return rc;
	rc = demo_open(optee, &notif_uuid, &ctx, &session);
	if (rc)
		return rc;
	p.u.value.a = *value;
	rc = demo_invoke(ctx, session, SMCSIM_TA_NOTIF_CMD_POST, &p, 1);
	if (!rc) {
		/* Waits at most 2 s: the value was posted already. */
		p.u.value.b = 2000;
		rc = demo_invoke(ctx, session, SMCSIM_TA_NOTIF_CMD_WAIT, &p, 1);
	}
	demo_close(ctx, session);
	if (rc)
		return rc;
	rc = smcsim_sw_bottom_half_request(sw, 3);
	end = rt_now_ms() + 2000;
	do {
		smcsim_sw_bottom_half_stats(sw, &bh);
		if (bh.runs)
			break;
		rt_sleep_ms(1);
	} while (rt_now_ms() < end);
	*bh_runs = bh.runs;
	return !rc && !bh.runs ? -ETIMEDOUT : rc;
}

/* One caller of the thread-limit part: a session to the sleep TA, which
 * sleeps in the secure world (RPC SUSPEND) holding its secure thread. */
struct demo_caller {
	struct optee *optee;
	struct rt_thread *thread;
	int rc;
};

#define DEMO_SLEEP_MS	10

static void *demo_caller_fn(void *arg)
{
	static const struct smcsim_uuid sleep_uuid = SMCSIM_TA_SLEEP_UUID;
	struct demo_caller *c = arg;
	struct tee_param p = {
		.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = DEMO_SLEEP_MS, .b = 1 },
	};
	struct tee_context *ctx;
	uint32_t session;

	c->rc = demo_open(c->optee, &sleep_uuid, &ctx, &session);
	if (c->rc)
		return NULL;
	c->rc = demo_invoke(ctx, session, SMCSIM_TA_SLEEP_CMD_SUSPEND, &p, 1);
	demo_close(ctx, session);
	return NULL;
}

/*
 * The thread limit: @n callers at once, each holding a secure thread
 * while its TA sleeps; with more callers than threads the driver queues
 * the rest until a thread is given back.
 */
static int demo_limit(struct optee *optee, unsigned int n)
{
	struct demo_caller c[16];
	unsigned int i, started = 0;
	int rc = 0;

	if (n > sizeof(c) / sizeof(c[0]))
		n = sizeof(c) / sizeof(c[0]);
	for (i = 0; i < n; i++) {
		c[i] = (struct demo_caller){ .optee = optee };
		rc = rt_thread_create(&c[i].thread, "caller", demo_caller_fn,
				      &c[i]);
		if (rc)
			break;
		started++;
	}
	for (i = 0; i < started; i++) {
		rt_thread_join(c[i].thread, NULL);
		if (!rc)
			rc = c[i].rc;
	}
	return rc;
}

#define DEMO_PROTMEM_LEN	(64 * 1024)
#define DEMO_PROTMEM_SEED	0x5a

/*
 * Protected memory: a buffer from the secure-video heap ("as user space"),
 * imported into a context, filled by the secure-video TA and hashed by it;
 * the hash must be that of the pattern, and the normal world's read of the
 * buffer must fault.
 */
static int demo_protmem(struct optee *optee, struct tee_class *cls,
			struct smcsim_phys *phys)
{
	static const struct smcsim_uuid sdp_uuid = SMCSIM_TA_SDP_UUID;
	uint8_t want[SMCSIM_TA_SDP_DIGEST_SIZE], *pattern;
	struct tee_shm *shm = NULL, *md = NULL;
	struct dma_buf *dmabuf = NULL;
	struct optee_protmem_info pi;
	struct tee_context *ctx;
	struct tee_param p[2];
	uint32_t session;
	size_t i;
	int rc, faults;

	rc = tee_dma_heap_alloc(cls,
				tee_dma_heap_name(TEE_DMA_HEAP_SECURE_VIDEO_PLAY),
				DEMO_PROTMEM_LEN, &dmabuf);
	if (rc)
		return rc;
	rc = demo_open(optee, &sdp_uuid, &ctx, &session);
	if (rc)
		goto out_buf;
	rc = tee_shm_register_fd(ctx, dmabuf, &shm);
	if (!rc)
		rc = tee_shm_alloc_kernel_buf(ctx, SMCSIM_TA_SDP_DIGEST_SIZE, &md);
	if (rc)
		goto out_close;
	printf("protected buffer: %u KiB at pa 0x%llx\n",
	       DEMO_PROTMEM_LEN / 1024, (unsigned long long)shm->paddr);

	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	p[0].u.memref.shm = shm;
	p[0].u.memref.size = DEMO_PROTMEM_LEN;
	p[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
	p[1].u.value.a = DEMO_PROTMEM_SEED;
	rc = demo_invoke(ctx, session, SMCSIM_TA_SDP_CMD_FILL, p, 2);
	if (rc)
		goto out_close;
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
	p[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	p[1].u.memref.shm = md;
	p[1].u.memref.shm_offs = 0;
	p[1].u.memref.size = SMCSIM_TA_SDP_DIGEST_SIZE;
	rc = demo_invoke(ctx, session, SMCSIM_TA_SDP_CMD_DIGEST, p, 2);
	if (rc)
		goto out_close;

	pattern = malloc(DEMO_PROTMEM_LEN);
	if (!pattern) {
		rc = -ENOMEM;
		goto out_close;
	}
	for (i = 0; i < DEMO_PROTMEM_LEN; i++)
		pattern[i] = (uint8_t)(DEMO_PROTMEM_SEED + i);
	smcsim_sha256(pattern, DEMO_PROTMEM_LEN, want);
	free(pattern);
	if (memcmp(tee_shm_get_va(md, 0), want, sizeof(want))) {
		fprintf(stderr, "smcsim: the TA's SHA-256 is not the pattern's\n");
		rc = -EIO;
		goto out_close;
	}
	printf("secure-video TA filled it (seed 0x%x) and hashed it: SHA-256 matches\n",
	       DEMO_PROTMEM_SEED);

	faults = smcsim_phys_probe_read(smcsim_phys_ns_view(phys, shm->paddr, 1),
					2000);
	if (faults != 1) {
		fprintf(stderr, "smcsim: the normal world's read %s\n",
			faults ? "could not be tried" : "did NOT fault");
		rc = faults ? faults : -EIO;
		goto out_close;
	}
	printf("normal-world read of pa 0x%llx: faulted (SIGSEGV, shown in a child process)\n",
	       (unsigned long long)shm->paddr);

out_close:
	tee_shm_free(md);
	tee_shm_free(shm);
	demo_close(ctx, session);
out_buf:
	dma_buf_put(dmabuf);
	optee_get_protmem_info(optee, &pi);
	if (!rc && pi.kind == OPTEE_PROTMEM_DYNAMIC)
		printf("dynamic pool: %llu lend(s), %llu reclaim(s), lent now: %s\n",
		       (unsigned long long)pi.lends,
		       (unsigned long long)pi.reclaims, pi.lent ? "yes" : "no");
	return rc;
}

/* ---- 2. the demo -------------------------------------------------------- */

/**
 * struct demo_opts - what the command line asked for
 * @profile, @threads, @log, @static_pm, @dynamic_pm: the world
 * @callers:	callers of the thread-limit part (0: none)
 * @pcfg:	the memory map (--map: a map file or the firmware machine's
 *		preset; by default the small one)
 */
struct demo_opts {
	struct smcsim_phys_config pcfg;
	enum smcsim_abi_profile profile;
	unsigned int threads;
	unsigned int callers;
	bool log;
	bool static_pm;
	bool dynamic_pm;
};

static int demo_run(const struct demo_opts *o)
{
	struct smcsim_sw_config swcfg;
	struct smcsim_phys *phys;
	struct optee_info info;
	struct cli_machine m;
	struct optee *optee;
	struct smcsim_sw *sw;
	const char *what;
	uint32_t sum = 0;
	char caps[160];
	int rc;

	smcsim_sw_config_default(&swcfg, o->profile, NULL);
	swcfg.num_threads = o->threads;
	swcfg.log = o->log;
	swcfg.static_protmem = o->static_pm;
	swcfg.dynamic_protmem = o->dynamic_pm;
	rc = cli_machine_world(&m, &o->pcfg, &swcfg, &what);
	if (rc) {
		fprintf(stderr, "smcsim: %s: %s\n", what, strerror(-rc));
		return 1;
	}
	phys = m.phys;
	sw = m.sw;

	printf("smcsim demo: OP-TEE %s profile, %u secure threads\n",
	       o->profile == SMCSIM_ABI_PROPOSAL ? "proposal" : "upstream",
	       o->threads);
	printf("-- probe --\n");
	rc = cli_machine_probe(&m, o->profile, o->log, false);
	optee = m.optee;
	if (rc) {
		fprintf(stderr, "smcsim: optee_probe failed: %s\n", strerror(-rc));
		goto out;
	}
	optee_get_info(optee, &info);
	printf("-- session: echo TA, ADD 40 + 2 --\n");
	rc = demo_session(optee, &sum);
	if (rc)
		fprintf(stderr, "smcsim: echo TA session failed: %s\n",
			strerror(-rc));
	else
		printf("echo TA answered %u\n", sum);
	if (!rc && info.sec_caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF) {
		uint64_t bh_runs = 0;
		uint32_t value = 0;

		printf("-- notifications: async value, bottom half --\n");
		rc = demo_notif(optee, sw, &value, &bh_runs);
		if (rc)
			fprintf(stderr, "smcsim: notification demo failed: %s\n",
				strerror(-rc));
		else
			printf("async value %u delivered; bottom half ran %llu time(s) for 3 requests\n",
			       value, (unsigned long long)bh_runs);
	}
	if (!rc && o->callers) {
		printf("-- thread limit: %u callers at once, %u secure threads, "
		       "the TA sleeps %u ms in each --\n", o->callers,
		       info.thread_count, DEMO_SLEEP_MS);
		rc = demo_limit(optee, o->callers);
		if (rc)
			fprintf(stderr, "smcsim: thread-limit demo failed: %s\n",
				strerror(-rc));
		else
			printf("%u callers done\n", o->callers);
	}
	if (!rc && (o->static_pm || o->dynamic_pm)) {
		printf("-- protected memory: %s pool, secure-video heap --\n",
		       o->static_pm ? "static" : "dynamic");
		rc = demo_protmem(optee, &m.cls, phys);
		if (rc)
			fprintf(stderr, "smcsim: protected-memory demo failed: %s\n",
				strerror(-rc));
	}
	printf("-- remove --\n");
	cli_machine_remove(&m);
	if (rc)
		goto out;

	smcsim_sec_caps_str(info.sec_caps, o->profile, caps, sizeof(caps));
	printf("negotiated: api %u.%u, OP-TEE %u.%u (build %0*lx), %u threads, "
	       "sec_caps 0x%x [%s], rpc params %u, max notif %u, %s shm pool",
	       info.api_major, info.api_minor, info.os_revision_major,
	       info.os_revision_minor, (int)sizeof(unsigned long) * 2,
	       (unsigned long)info.os_build_id, info.thread_count,
	       info.sec_caps, caps, info.rpc_param_count, info.max_notif_value,
	       info.dynamic_shm ? "dynamic" : "reserved");
	printf(", %llu SMCs\n", (unsigned long long)smcsim_sw_calls(sw));
out:
	cli_machine_stop(&m);
	return rc ? 1 : 0;
}

static int demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "log", no_argument, NULL, 'l' },
		{ "protmem", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		CLI_TRACE_LONGOPTS,
		{ "callers", required_argument, NULL, 'c' },
		{ "map", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct demo_opts o = {
		.profile = SMCSIM_ABI_PROPOSAL,
		.threads = SMCSIM_SW_DEFAULT_THREADS,
	};
	struct cli_trace_opts tr = { 0 };
	bool callers_set = false, det = false;
	struct rt_det_config dcfg;
	struct rt_det_result dres;
	char *end;
	int rc, c;

	rt_det_config_default(&dcfg);
	smcsim_phys_config_default(&o.pcfg);
	while ((c = getopt_long(argc, argv, "p:t:lm:s:" CLI_TRACE_SHORTOPTS
				"c:M:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!strcmp(optarg, "proposal")) {
				o.profile = SMCSIM_ABI_PROPOSAL;
			} else if (!strcmp(optarg, "upstream")) {
				o.profile = SMCSIM_ABI_UPSTREAM;
			} else {
				fprintf(stderr, "smcsim: unknown profile '%s'\n", optarg);
				return 2;
			}
			break;
		case 't':
			if (cli_uint("smcsim", "--threads", optarg, 1,
				     SMCSIM_SW_MAX_THREADS, &o.threads))
				return 2;
			break;
		case 'l':
			o.log = true;
			break;
		case 'm':
			if (!strcmp(optarg, "static")) {
				o.static_pm = true;
			} else if (!strcmp(optarg, "dynamic")) {
				o.dynamic_pm = true;
			} else {
				fprintf(stderr, "smcsim: --protmem static or dynamic, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'M':
			if (cli_map("smcsim", optarg, &o.pcfg))
				return 2;
			break;
		case 's':
			dcfg.seed = strtoull(optarg, &end, 0);
			if (*end || !*optarg) {
				fprintf(stderr, "smcsim: --seed: not a number: %s\n",
					optarg);
				return 2;
			}
			det = true;
			break;
		case 'T':
		case 'k':
		case 'q':
			if (cli_trace_opt("smcsim", c, optarg, &tr))
				return 2;
			break;
		case 'c':
			if (cli_uint("smcsim", "--callers", optarg, 0, 16,
				     &o.callers))
				return 2;
			callers_set = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	/* One more caller than threads: one of them has to queue. */
	if (!callers_set)
		o.callers = o.threads + 1 <= 16 ? o.threads + 1 : 0;
	rc = cli_trace_start("smcsim", &tr);
	if (rc)
		return rc;
	if (det) {
		rt_det_begin(&dcfg);
		smcsim_tracer_mark("det run: seed 0x%llx",
				   (unsigned long long)dcfg.seed);
	}
	rc = demo_run(&o);
	if (det) {
		rt_det_end(&dres);
		printf("det run: seed 0x%llx, %llu steps, trace hash 0x%llx\n",
		       (unsigned long long)dcfg.seed,
		       (unsigned long long)dres.steps,
		       (unsigned long long)dres.hash);
	}
	smcsim_tracer_stop();
	return rc;
}

/* ---- 3. decode ---------------------------------------------------------- */

/* Hex digits (spaces, newlines, "0x" prefixes and ':' ignored) to bytes. */
static int parse_hex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hi < 0) {
			s++;
			continue;
		}
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == ':' ||
		    *s == '\r')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			v = (*s | 0x20) - 'a' + 10;
		else
			return -EINVAL;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -E2BIG;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return -EINVAL;
	*len = n;
	return 0;
}

/* smcsim decode --msg|--rpc [--answer] HEX... */
static int decode_msg(int argc, char **argv)
{
	static uint8_t bytes[4096];
	bool rpc = false, answer = false;
	char hex[16384] = "", text[1024];
	size_t len;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--msg"))
			rpc = false;
		else if (!strcmp(argv[i], "--rpc"))
			rpc = true;
		else if (!strcmp(argv[i], "--answer"))
			answer = true;
		else if (strlcat(hex, argv[i], sizeof(hex)) >= sizeof(hex)) {
			fprintf(stderr, "smcsim: more than %zu bytes of hex\n",
				sizeof(bytes));
			return 2;
		}
	}
	if (!hex[0]) {
		/* None on the command line: standard input. */
		len = fread(hex, 1, sizeof(hex) - 1, stdin);
		hex[len] = '\0';
	}
	rc = parse_hex(hex, bytes, sizeof(bytes), &len);
	if (rc) {
		fprintf(stderr, "smcsim: %s\n", rc == -E2BIG ?
			"more than 4096 bytes: one message fits in a page" :
			"not hex bytes (an odd digit count or another character)");
		return 2;
	}
	smcsim_decode_msg(text, sizeof(text), bytes, len, rpc, answer, NULL);
	printf("%s\n", text);
	return 0;
}

static int decode(int argc, char **argv)
{
	char b1[48], b2[48];
	int i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--msg") || !strcmp(argv[1], "--rpc") ||
	    !strcmp(argv[1], "--answer"))
		return decode_msg(argc, argv);
	for (i = 1; i < argc; i++) {
		char *end;
		unsigned long v = strtoul(argv[i], &end, 0);

		if (*end) {
			fprintf(stderr, "smcsim: not a number: %s\n", argv[i]);
			return 2;
		}
		printf("0x%08lx  call: %s  result: %s\n", v,
		       smcsim_smc_name(v, b1, sizeof(b1)),
		       smcsim_smc_ret_name(v, b2, sizeof(b2)));
	}
	return 0;
}

/* ---- 4. trace ----------------------------------------------------------- */

/* smcsim trace [--format text|lines|json] [--kinds LIST] FILE */
static int trace_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "kinds", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	enum smcsim_trace_fmt fmt = SMCSIM_TRACE_TEXT;
	struct smcsim_trace_writer w;
	unsigned int kinds = SMCSIM_TEV_ALL, lineno = 0, bad = 0;
	char line[2048];
	FILE *f;
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:k:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = SMCSIM_TRACE_TEXT;
			else if (!strcmp(optarg, "lines"))
				fmt = SMCSIM_TRACE_LINES;
			else if (!strcmp(optarg, "json"))
				fmt = SMCSIM_TRACE_JSON;
			else {
				fprintf(stderr, "smcsim: --format text, lines or json\n");
				return 2;
			}
			break;
		case 'k':
			if (cli_trace_kinds("smcsim", "--kinds", optarg,
					    &kinds))
				return 2;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	f = strcmp(argv[optind], "-") ? fopen(argv[optind], "r") : stdin;
	if (!f) {
		fprintf(stderr, "smcsim: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	smcsim_trace_writer_begin(&w, stdout, fmt);
	while (fgets(line, sizeof(line), f)) {
		struct smcsim_tev ev;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (smcsim_tev_parse_line(line, &ev)) {
			if (!bad++)
				fprintf(stderr, "smcsim: %s:%u: not a line of "
					"the line format (recorded with "
					"SMCSIM_TRACE=FILE or --trace FILE, "
					"not .json or .txt)\n", argv[optind],
					lineno);
			continue;
		}
		if (kinds & (1U << ev.kind))
			smcsim_trace_writer_put(&w, &ev);
	}
	rc = smcsim_trace_writer_end(&w);
	if (f != stdin)
		fclose(f);
	if (bad)
		fprintf(stderr, "smcsim: %u line(s) skipped\n", bad);
	return rc || bad ? 1 : 0;
}

/* ---- 5. probe, converse ------------------------------------------------ */

/*
 * The simulated firmware: the map @map ("qemu_v8": the preset, else a map
 * file), a secure world built like the firmware the project runs against
 * (smcsim_sw_config_qemu_v8(), its build id included) with @threads.
 * Return: 0, or the exit status (said on stderr).
 */
static int fw_machine(struct cli_machine *m, const char *map,
		      unsigned int threads)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config swcfg;
	const char *what;
	int rc;

	if (cli_map("smcsim", map, &pcfg))
		return 2;
	smcsim_sw_config_qemu_v8(&swcfg, NULL);
	swcfg.num_threads = threads;
	rc = cli_machine_world(m, &pcfg, &swcfg, &what);
	if (rc) {
		fprintf(stderr, "smcsim: %s: %s\n", what, strerror(-rc));
		return 1;
	}
	return 0;
}

static int probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "map", required_argument, NULL, 'M' },
		{ "threads", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct smcsim_invoke inv;
	struct cli_machine m;
	const char *map = "qemu_v8";
	unsigned int threads = 2;
	int rc, c;

	while ((c = getopt_long(argc, argv, "M:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'M':
			map = optarg;
			break;
		case 't':
			if (cli_uint("smcsim", "--threads", optarg, 1,
				     SMCSIM_SW_MAX_THREADS, &threads))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	rc = fw_machine(&m, map, threads);
	if (rc)
		return rc;
	inv = smcsim_invoke_sim(m.sw);
	smcsim_probe_print(&inv, stdout, "");
	cli_machine_stop(&m);
	return 0;
}

/* smcsim converse [--map FILE|qemu_v8] */
static int converse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "map", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct conf_target t;
	struct cli_machine m;
	const char *map = "qemu_v8";
	int rc, c;

	while ((c = getopt_long(argc, argv, "M:h", opts, NULL)) != -1) {
		switch (c) {
		case 'M':
			map = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	/* The firmware's 2 threads: build facts are the preset's. */
	rc = fw_machine(&m, map, 2);
	if (rc)
		return rc;
	t = (struct conf_target){
		.name = "sim",
		.invoke = smcsim_invoke_sim(m.sw),
		.phys = m.phys,
		.notif_irq = smcsim_sw_notif_irq(m.sw),
	};
	rc = conf_converse(&t, stdout);
	cli_machine_stop(&m);
	return rc ? 1 : 0;
}

/* ---- 6. TA files ------------------------------------------------------- */

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into @u. Return: 0 or -EINVAL. */
static int uuid_parse(const char *str, struct smcsim_uuid *u)
{
	unsigned int v[11];
	int n = 0;

	if (strlen(str) != 36 ||
	    sscanf(str, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%n", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
		   &v[9], &v[10], &n) != 11 || n != 36)
		return -EINVAL;
	u->time_low = v[0];
	u->time_mid = (uint16_t)v[1];
	u->time_hi_and_version = (uint16_t)v[2];
	for (n = 0; n < 8; n++)
		u->clock_seq_and_node[n] = (uint8_t)v[3 + n];
	return 0;
}

static int ta_file_write(const char *dir, const struct smcsim_uuid *u,
			 const char *program)
{
	uint8_t buf[sizeof(struct smcsim_ta_file_hdr) + 64];
	char path[4096], ustr[SMCSIM_UUID_STR_LEN];
	size_t len;
	FILE *f;

	len = smcsim_ta_file_build(buf, sizeof(buf), u, program, 0, 64);
	if (!len) {
		fprintf(stderr, "smcsim: bad program name '%s'\n", program);
		return 2;
	}
	smcsim_uuid_to_str(u, ustr);
	snprintf(path, sizeof(path), "%s/%s.ta", dir, ustr);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "smcsim: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("%s (%s)\n", path, program);
	return 0;
}

static int ta_file(int argc, char **argv)
{
	struct smcsim_uuid u;
	int i, rc;

	if (argc < 4 || argc % 2) {
		usage(stderr);
		return 2;
	}
	for (i = 2; i < argc; i += 2) {
		if (uuid_parse(argv[i], &u)) {
			fprintf(stderr, "smcsim: not a UUID: %s\n", argv[i]);
			return 2;
		}
		rc = ta_file_write(argv[1], &u, argv[i + 1]);
		if (rc)
			return rc;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "demo"))
		return demo(argc - 1, argv + 1);
	if (!strcmp(argv[1], "probe"))
		return probe(argc - 1, argv + 1);
	if (!strcmp(argv[1], "converse"))
		return converse(argc - 1, argv + 1);
	if (!strcmp(argv[1], "decode"))
		return decode(argc - 1, argv + 1);
	if (!strcmp(argv[1], "trace"))
		return trace_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ta-file"))
		return ta_file(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "smcsim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
