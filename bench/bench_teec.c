// SPDX-License-Identifier: BSD-2-Clause
/*
 * A real process's TEEC_InvokeCommand through smcsimd, beside the same call
 * made in process. Figures:
 *
 *  - yield_driver_echo_add: tee_client_invoke_func() of the echo TA's ADD
 *    on a world in this process (as bench_yield measures it);
 *  - teec_daemon_echo_add: TEEC_InvokeCommand of the same ADD by
 *    optee_client's libteec in this process, through
 *    libsmcsim-preload.so, the socket and smcsimd's worker to the same
 *    driver code and the same secure world in the daemon: what a process
 *    boundary adds (two packets and a thread hand-off in the daemon);
 *  - teec_daemon_fill_4k: the TA writes 4 KiB into allocated shared memory
 *    (TEEC_MEMREF_WHOLE): the bytes are not carried, the pages are shared.
 *
 * bench_teec SMCSIMD PRELOAD starts smcsimd (--quiet) on a socket of its
 * own, then runs itself again with LD_PRELOAD=PRELOAD, which measures.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tee_client_api.h>

#include "bench.h"

#define TEEC_ITERS	2000
#define CHILD_ENV	"SMCSIM_BENCH_TEEC_CHILD"

struct teec_bench {
	TEEC_Session s;
	TEEC_SharedMemory shm;
};

static int teec_add_body(void *arg, unsigned long iters)
{
	struct teec_bench *b = arg;
	TEEC_Operation op;
	uint32_t origin;
	unsigned long i;

	for (i = 0; i < iters; i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT,
						 TEEC_VALUE_OUTPUT, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].value.a = (uint32_t)i;
		op.params[0].value.b = 7;
		if (TEEC_InvokeCommand(&b->s, SMCSIM_TA_ECHO_CMD_ADD, &op,
				       &origin) ||
		    op.params[1].value.a != (uint32_t)(i + 7))
			return -1;
	}
	return 0;
}

static int teec_fill_body(void *arg, unsigned long iters)
{
	struct teec_bench *b = arg;
	TEEC_Operation op;
	uint32_t origin;
	unsigned long i;

	for (i = 0; i < iters; i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE,
						 TEEC_VALUE_INPUT, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].memref.parent = &b->shm;
		op.params[1].value.a = (uint32_t)i;
		if (TEEC_InvokeCommand(&b->s, SMCSIM_TA_ECHO_CMD_FILL, &op,
				       &origin) ||
		    ((uint8_t *)b->shm.buffer)[4095] != (uint8_t)(i + 4095))
			return -1;
	}
	return 0;
}

struct drv_bench {
	struct tee_context *ctx;
	uint32_t session;
};

static int drv_add_body(void *arg, unsigned long iters)
{
	struct drv_bench *d = arg;
	unsigned long i;

	for (i = 0; i < iters; i++)
		if (bench_echo_add(d->ctx, d->session, (uint32_t)i, 7))
			return -1;
	return 0;
}

static int row(const char *name, bench_body_fn body, void *arg, double floor_ns)
{
	struct bench_stats st;

	if (bench_measure(body, NULL, arg, bench_iters(TEEC_ITERS),
			  bench_runs(BENCH_DEFAULT_RUNS), &st)) {
		fprintf(stderr, "bench: %s: a call failed\n", name);
		return -1;
	}
	bench_row(name, &st, floor_ns, NULL);
	return 0;
}

/* The measuring process: LD_PRELOAD is in force. */
static int child(void)
{
	static const TEEC_UUID echo = SMCSIM_TA_ECHO_UUID;
	static const struct smcsim_uuid echo_sim = SMCSIM_TA_ECHO_UUID;
	struct bench_stats floor;
	struct bench_world w;
	struct drv_bench d;
	struct teec_bench b;
	TEEC_Context ctx;
	uint32_t origin;
	int rc;

	bench_title("TEEC_InvokeCommand through smcsimd, beside the in-process call");
	bench_floor(&floor);
	bench_row("floor_indirect_call", &floor, floor.median, NULL);

	rc = bench_world_create(&w, 2, true);
	if (rc)
		return 1;
	rc = bench_open_session(&w, &echo_sim, &d.ctx, &d.session);
	if (!rc) {
		rc = row("yield_driver_echo_add", drv_add_body, &d, floor.median);
		bench_close_session(d.ctx, d.session);
	}
	bench_world_destroy(&w);
	if (rc)
		return 1;

	if (TEEC_InitializeContext(NULL, &ctx) ||
	    TEEC_OpenSession(&ctx, &b.s, &echo, TEEC_LOGIN_PUBLIC, NULL, NULL,
			     &origin)) {
		fprintf(stderr, "bench: no session through smcsimd\n");
		return 1;
	}
	memset(&b.shm, 0, sizeof(b.shm));
	b.shm.size = 4096;
	b.shm.flags = TEEC_MEM_OUTPUT;
	rc = row("teec_daemon_echo_add", teec_add_body, &b, floor.median);
	if (!rc && !TEEC_AllocateSharedMemory(&ctx, &b.shm)) {
		rc = row("teec_daemon_fill_4k", teec_fill_body, &b, floor.median);
		TEEC_ReleaseSharedMemory(&b.shm);
	}
	TEEC_CloseSession(&b.s);
	TEEC_FinalizeContext(&ctx);
	return rc ? 1 : 0;
}

/* Is the daemon answering at @path? */
static bool daemon_up(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool up;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	up = s >= 0 && !connect(s, (struct sockaddr *)&sa, sizeof(sa));
	if (s >= 0)
		close(s);
	return up;
}

int main(int argc, char **argv)
{
	char sock[108];
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	pid_t daemon, me;
	int i, status = 1;

	if (getenv(CHILD_ENV))
		return child();
	if (argc < 3) {
		fprintf(stderr, "usage: bench_teec SMCSIMD PRELOAD\n");
		return 2;
	}
	snprintf(sock, sizeof(sock), "/tmp/smcsim-bench-%d.sock", (int)getpid());
	daemon = fork();
	if (daemon == 0) {
		execl(argv[1], argv[1], "--quiet", "--socket", sock, (char *)NULL);
		_exit(127);
	}
	if (daemon < 0)
		return 1;
	/* At most 10 s for it to listen. */
	for (i = 0; i < 1000 && !daemon_up(sock); i++)
		nanosleep(&nap, NULL);
	me = fork();
	if (me == 0) {
		setenv(CHILD_ENV, "1", 1);
		setenv("SMCSIM_SOCKET", sock, 1);
		setenv("LD_PRELOAD", argv[2], 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (me > 0)
		waitpid(me, &status, 0);
	kill(daemon, SIGTERM);
	waitpid(daemon, NULL, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
