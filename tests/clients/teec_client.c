// SPDX-License-Identifier: BSD-2-Clause
/*
 * An ordinary libteec client (GlobalPlatform TEE Client API, optee_client
 * 4.9.0's libteec, unmodified), run against smcsimd under
 * LD_PRELOAD=libsmcsim-preload.so by tests/clients/harness.py. It knows
 * nothing of the simulator but the built-in TAs' UUIDs and commands.
 *
 *   teec_client api          the API checks, one "ok - ..." / "not ok - ..."
 *                            line each (the harness numbers them, TAP)
 *   teec_client storage NAME the storage TA writes, reads back, checks
 *   teec_client keep NAME    ... writes NAME and leaves it (for the harness)
 *   teec_client remove NAME  ... removes it
 *   teec_client open UUID    open a session, ADD if it opened; prints
 *                            "res 0x... origin N"
 *   teec_client rpc CMD      the sleep TA sends RPC CMD (served by the
 *                            supplicant); prints "res 0x... origin N"
 *   teec_client hold         context, session, allocated and registered shm,
 *                            prints "ready", waits to be killed
 *   teec_client exit         the same, then exits without closing anything
 *   teec_client bench N      N ADD round trips; prints the median in ns
 *   teec_client raw          the device file without libteec: what the
 *                            kernel would answer to bad calls (TAP lines)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <tee_client_api.h>

#include <smcsim/sw_ta.h>
#include <smcsim/tee_ioctl.h>

static const TEEC_UUID echo_uuid = SMCSIM_TA_ECHO_UUID;
static const TEEC_UUID sleep_uuid = SMCSIM_TA_SLEEP_UUID;
static const TEEC_UUID panic_uuid = SMCSIM_TA_PANIC_UUID;
static const TEEC_UUID storage_uuid = SMCSIM_TA_STORAGE_UUID;
static const TEEC_UUID nobody_uuid = {
	0x534d4353, 0x00ff, 0x4000, { 0x80, 0, 0x6e, 0x6f, 0x62, 0x6f, 0x64, 0x79 }
};

static int failures;

static void tap_assert(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tap_assert(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !ok;
}

static TEEC_Result open_session(TEEC_Context *ctx, TEEC_Session *s,
				const TEEC_UUID *uuid, uint32_t *origin)
{
	return TEEC_OpenSession(ctx, s, uuid, TEEC_LOGIN_PUBLIC, NULL, NULL,
				origin);
}

static TEEC_Result add(TEEC_Session *s, uint32_t a, uint32_t b, uint32_t *sum)
{
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = a;
	op.params[0].value.b = b;
	res = TEEC_InvokeCommand(s, SMCSIM_TA_ECHO_CMD_ADD, &op, &origin);
	*sum = op.params[1].value.a;
	return res;
}

/* FILL: the TA writes p[i] = seed + i into the memref param 0 @mr of @type. */
static TEEC_Result fill(TEEC_Session *s, uint32_t type, TEEC_Parameter mr,
			uint32_t seed)
{
	TEEC_Operation op;
	uint32_t origin;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(type, TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0] = mr;
	op.params[1].value.a = seed;
	return TEEC_InvokeCommand(s, SMCSIM_TA_ECHO_CMD_FILL, &op, &origin);
}

/* CHECK: mismatches of p[i] == seed + i in the memref; UINT32_MAX on error. */
static uint32_t mismatches(TEEC_Session *s, uint32_t type, TEEC_Parameter mr,
			   uint32_t seed)
{
	TEEC_Operation op;
	uint32_t origin;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(type, TEEC_VALUE_INPUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE);
	op.params[0] = mr;
	op.params[1].value.a = seed;
	if (TEEC_InvokeCommand(s, SMCSIM_TA_ECHO_CMD_CHECK, &op, &origin))
		return UINT32_MAX;
	return op.params[2].value.a;
}

static bool pattern_is(const uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)(seed + i))
			return false;
	return true;
}

static void pattern(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i);
}

/* ---- api ----------------------------------------------------------------- */

struct adder {
	TEEC_Session *s;
	unsigned int n;
	unsigned int bad;
};

static void *adder_main(void *arg)
{
	struct adder *a = arg;
	uint32_t sum;
	unsigned int i;

	for (i = 0; i < a->n; i++)
		if (add(a->s, i, 1000, &sum) || sum != i + 1000)
			a->bad++;
	return NULL;
}

struct sleeper {
	TEEC_Session *s;
	TEEC_Operation op;
	TEEC_Result res;
	uint32_t origin;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *sl = arg;

	sl->res = TEEC_InvokeCommand(sl->s, SMCSIM_TA_SLEEP_CMD_SUSPEND,
				     &sl->op, &sl->origin);
	return NULL;
}

static void api_values(TEEC_Session *echo)
{
	TEEC_Operation op;
	uint32_t origin = 0, sum = 0;
	TEEC_Result res;

	res = add(echo, 40, 2, &sum);
	tap_assert(!res && sum == 42, "InvokeCommand ADD: values in and out (40 + 2 = %u, res 0x%x)",
		   sum, res);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = 7;
	op.params[0].value.b = UINT32_MAX;
	res = TEEC_InvokeCommand(echo, SMCSIM_TA_ECHO_CMD_INC_VALUE, &op, &origin);
	tap_assert(!res && op.params[0].value.a == 8 && op.params[0].value.b == 0,
		   "InvokeCommand INC_VALUE: an inout value comes back changed");

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_VALUE_INOUT,
					 TEEC_NONE, TEEC_NONE);
	res = TEEC_InvokeCommand(echo, SMCSIM_TA_ECHO_CMD_ADD, &op, &origin);
	tap_assert(res == TEEC_ERROR_BAD_PARAMETERS && origin == TEEC_ORIGIN_TRUSTED_APP,
		   "InvokeCommand with the wrong param types: BAD_PARAMETERS from the TA (0x%x, origin %u)",
		   res, origin);

	res = TEEC_InvokeCommand(echo, 0x7777, NULL, &origin);
	tap_assert(res == TEEC_ERROR_NOT_SUPPORTED,
		   "InvokeCommand of an unknown command: NOT_SUPPORTED (0x%x)", res);
}

static void api_tmpref(TEEC_Session *echo)
{
	static const char msg[] = "hello from a real libteec process";
	char out[128];
	TEEC_Operation op;
	uint32_t origin = 0;
	TEEC_Result res;
	uint8_t buf[300];
	TEEC_Parameter mr;

	memset(out, 0, sizeof(out));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)msg;
	op.params[0].tmpref.size = sizeof(msg);
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = sizeof(out);
	res = TEEC_InvokeCommand(echo, SMCSIM_TA_ECHO_CMD_ECHO, &op, &origin);
	tap_assert(!res && !memcmp(out, msg, sizeof(msg)) &&
		   op.params[1].tmpref.size == sizeof(msg) &&
		   op.params[2].value.a == sizeof(msg),
		   "temporary memrefs: ECHO copies input to output, size updated (res 0x%x)", res);

	op.params[1].tmpref.size = 4;
	res = TEEC_InvokeCommand(echo, SMCSIM_TA_ECHO_CMD_ECHO, &op, &origin);
	tap_assert(res == TEEC_ERROR_SHORT_BUFFER &&
		   op.params[1].tmpref.size == sizeof(msg),
		   "temporary memref too short: SHORT_BUFFER with the size needed (%zu)",
		   op.params[1].tmpref.size);

	memset(buf, 0, sizeof(buf));
	mr.tmpref.buffer = buf;
	mr.tmpref.size = sizeof(buf);
	res = fill(echo, TEEC_MEMREF_TEMP_OUTPUT, mr, 9);
	tap_assert(!res && pattern_is(buf, sizeof(buf), 9),
		   "temporary output memref: the TA's FILL lands in the client's buffer");

	pattern(buf, sizeof(buf), 3);
	tap_assert(mismatches(echo, TEEC_MEMREF_TEMP_INPUT, mr, 3) == 0,
		   "temporary input memref: the TA reads the client's bytes");
}

/*
 * A whole memref of @shm both ways, the shm's flags giving the direction:
 * the TA's writes reach the client's buffer, the TA reads the client's
 * bytes. @shm is left INPUT | OUTPUT.
 */
static void shm_whole(TEEC_Session *echo, TEEC_SharedMemory *shm,
		      const char *what, uint32_t out_seed, uint32_t in_seed)
{
	uint8_t *b = shm->buffer;
	TEEC_Parameter mr;
	TEEC_Result res;

	memset(&mr, 0, sizeof(mr));
	mr.memref.parent = shm;
	memset(b, 0xEE, shm->size);
	shm->flags = TEEC_MEM_OUTPUT;
	res = fill(echo, TEEC_MEMREF_WHOLE, mr, out_seed);
	tap_assert(!res && pattern_is(b, shm->size, out_seed),
		   "%s, whole: the TA's writes reach the client's buffer", what);

	pattern(b, shm->size, in_seed);
	shm->flags = TEEC_MEM_INPUT;
	tap_assert(mismatches(echo, TEEC_MEMREF_WHOLE, mr, in_seed) == 0,
		   "%s, whole: the TA reads the client's bytes", what);
	shm->flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
}

/* A partial output memref of @shm, @off and @len: only that window written. */
static void shm_partial_out(TEEC_Session *echo, TEEC_SharedMemory *shm,
			    const char *what, uint32_t off, uint32_t len,
			    uint32_t seed)
{
	uint8_t *b = shm->buffer;
	TEEC_Parameter mr;
	TEEC_Result res;

	memset(&mr, 0, sizeof(mr));
	mr.memref.parent = shm;
	mr.memref.offset = off;
	mr.memref.size = len;
	memset(b, 0xEE, shm->size);
	res = fill(echo, TEEC_MEMREF_PARTIAL_OUTPUT, mr, seed);
	tap_assert(!res && pattern_is(b + off, len, seed) &&
		   b[off - 1] == 0xEE && b[off + len] == 0xEE,
		   "%s, partial output memref (offset %u, %u bytes): only that window written",
		   what, off, len);
}

static void api_shm(TEEC_Context *ctx, TEEC_Session *echo)
{
	TEEC_SharedMemory shm, reg;
	TEEC_Parameter mr;
	uint8_t *b, *mine;
	TEEC_Result res;

	memset(&shm, 0, sizeof(shm));
	shm.size = 8192;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	res = TEEC_AllocateSharedMemory(ctx, &shm);
	tap_assert(!res && shm.buffer, "AllocateSharedMemory 8 KiB (res 0x%x)", res);
	if (res)
		return;
	b = shm.buffer;

	shm_whole(echo, &shm, "allocated shm", 21, 77);
	shm_partial_out(echo, &shm, "allocated shm", 100, 50, 5);

	memset(&mr, 0, sizeof(mr));
	mr.memref.parent = &shm;
	pattern(b + 4000, 96, 11);
	mr.memref.offset = 4000;
	mr.memref.size = 96;
	tap_assert(mismatches(echo, TEEC_MEMREF_PARTIAL_INPUT, mr, 11) == 0,
		   "partial input memref across a page boundary: the TA reads the window");

	mr.memref.offset = 8000;
	mr.memref.size = 500;
	res = fill(echo, TEEC_MEMREF_PARTIAL_OUTPUT, mr, 1);
	tap_assert(res == TEEC_ERROR_BAD_PARAMETERS,
		   "partial memref past the end of the shm: BAD_PARAMETERS (0x%x)", res);

	TEEC_ReleaseSharedMemory(&shm);
	tap_assert(shm.buffer == NULL, "ReleaseSharedMemory");

	mine = aligned_alloc(4096, 3 * 4096);
	memset(&reg, 0, sizeof(reg));
	reg.buffer = mine;
	reg.size = 3 * 4096 - 10;
	reg.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	res = TEEC_RegisterSharedMemory(ctx, &reg);
	tap_assert(!res, "RegisterSharedMemory of the client's own buffer (res 0x%x)", res);
	if (!res) {
		shm_whole(echo, &reg, "registered shm", 33, 44);
		shm_partial_out(echo, &reg, "registered shm", 5000, 1000, 66);
		TEEC_ReleaseSharedMemory(&reg);
	}
	free(mine);
}

static void api_cancel(TEEC_Context *ctx)
{
	struct sleeper sl;
	TEEC_Session s;
	pthread_t t;
	uint32_t origin;
	TEEC_Result res;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	res = open_session(ctx, &s, &sleep_uuid, &origin);
	tap_assert(!res, "OpenSession to the sleep TA");
	if (res)
		return;
	memset(&sl, 0, sizeof(sl));
	sl.s = &s;
	/* 100 naps of 50 ms: 5 s unless cancelled. */
	sl.op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
					    TEEC_NONE, TEEC_NONE);
	sl.op.params[0].value.a = 50;
	sl.op.params[0].value.b = 100;
	sl.op.started = 0;
	pthread_create(&t, NULL, sleeper_main, &sl);
	/* Cancelling before the call started is allowed too; wait a little. */
	for (i = 0; i < 10; i++)
		nanosleep(&ts, NULL);
	TEEC_RequestCancellation(&sl.op);
	pthread_join(t, NULL);
	tap_assert(sl.res == TEEC_ERROR_CANCEL,
		   "RequestCancellation from a second thread: the sleeping invoke ends with CANCEL (0x%x, origin %u)",
		   sl.res, sl.origin);
	TEEC_CloseSession(&s);
}

static int api(void)
{
	TEEC_Context ctx;
	TEEC_Session echo, s;
	uint32_t origin = 0, sum;
	struct adder ad[4];
	pthread_t t[4];
	TEEC_Result res;
	unsigned int i, bad = 0;

	res = TEEC_InitializeContext(NULL, &ctx);
	tap_assert(!res, "InitializeContext (res 0x%x)", res);
	if (res)
		return 1;
	res = open_session(&ctx, &echo, &echo_uuid, &origin);
	tap_assert(!res, "OpenSession to the echo TA (res 0x%x, origin %u)", res, origin);
	if (res)
		return 1;

	api_values(&echo);
	api_tmpref(&echo);
	api_shm(&ctx, &echo);

	for (i = 0; i < 4; i++) {
		ad[i] = (struct adder){ .s = &echo, .n = 200 };
		pthread_create(&t[i], NULL, adder_main, &ad[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += ad[i].bad;
	}
	tap_assert(!bad, "4 threads x 200 ADDs on one context and session at once: %u wrong", bad);

	api_cancel(&ctx);

	res = open_session(&ctx, &s, &panic_uuid, &origin);
	tap_assert(!res, "OpenSession to the panic TA");
	if (!res) {
		TEEC_Operation op;

		memset(&op, 0, sizeof(op));
		res = TEEC_InvokeCommand(&s, SMCSIM_TA_PANIC_CMD_PANIC, &op, &origin);
		tap_assert(res == TEEC_ERROR_TARGET_DEAD && origin == TEEC_ORIGIN_TEE,
			   "a TA that panics: TARGET_DEAD from the TEE (0x%x, origin %u)",
			   res, origin);
		res = TEEC_InvokeCommand(&s, SMCSIM_TA_PANIC_CMD_OK, &op, &origin);
		tap_assert(res == TEEC_ERROR_TARGET_DEAD,
			   "... and every later call on its session (0x%x)", res);
		TEEC_CloseSession(&s);
	}

	res = open_session(&ctx, &s, &nobody_uuid, &origin);
	tap_assert(res == TEEC_ERROR_ITEM_NOT_FOUND,
		   "OpenSession to a UUID nobody has (no TA file either): ITEM_NOT_FOUND (0x%x, origin %u)",
		   res, origin);

	TEEC_CloseSession(&echo);
	TEEC_FinalizeContext(&ctx);
	tap_assert(true, "CloseSession, FinalizeContext");

	/* Shared memory outlives its context's file, as a tee_shm does. */
	res = TEEC_InitializeContext(NULL, &ctx);
	if (!res) {
		TEEC_SharedMemory late;

		memset(&late, 0, sizeof(late));
		late.size = 4096;
		late.flags = TEEC_MEM_INPUT;
		res = TEEC_AllocateSharedMemory(&ctx, &late);
		TEEC_FinalizeContext(&ctx);
		if (!res) {
			pattern(late.buffer, late.size, 1);
			tap_assert(pattern_is(late.buffer, late.size, 1),
				   "allocated shm stays mapped and usable after FinalizeContext");
			TEEC_ReleaseSharedMemory(&late);
		} else {
			tap_assert(false, "AllocateSharedMemory for the late release (0x%x)", res);
		}
	}

	res = TEEC_InitializeContext(NULL, &ctx);
	tap_assert(!res, "a second InitializeContext after Finalize");
	if (!res) {
		res = open_session(&ctx, &echo, &echo_uuid, &origin);
		tap_assert(!res && !add(&echo, 2, 3, &sum) && sum == 5,
			   "... opens and invokes as the first did");
		TEEC_CloseSession(&echo);
		TEEC_FinalizeContext(&ctx);
	}
	return failures ? 1 : 0;
}

/* ---- storage --------------------------------------------------------------- */

static TEEC_Result storage_cmd(TEEC_Session *s, uint32_t cmd, const char *name,
			       void *data, size_t *len)
{
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 cmd == SMCSIM_TA_STORAGE_CMD_REMOVE ? TEEC_NONE :
					 cmd == SMCSIM_TA_STORAGE_CMD_WRITE ?
					 TEEC_MEMREF_TEMP_INPUT : TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)name;
	op.params[0].tmpref.size = strlen(name);
	if (len) {
		op.params[1].tmpref.buffer = data;
		op.params[1].tmpref.size = *len;
	}
	res = TEEC_InvokeCommand(s, cmd, &op, &origin);
	if (len)
		*len = op.params[1].tmpref.size;
	return res;
}

static int storage(const char *name, const char *what)
{
	static const char data[] = "an object kept by tee-supplicant in the REE file system";
	char back[256];
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin;
	TEEC_Result res;
	size_t len;

	if (TEEC_InitializeContext(NULL, &ctx))
		return 2;
	res = open_session(&ctx, &s, &storage_uuid, &origin);
	tap_assert(!res, "OpenSession to the storage TA (0x%x)", res);
	if (res)
		return 1;
	if (!strcmp(what, "remove")) {
		res = storage_cmd(&s, SMCSIM_TA_STORAGE_CMD_REMOVE, name, NULL, NULL);
		tap_assert(!res, "storage REMOVE through the real tee-supplicant (0x%x)", res);
		goto out;
	}
	len = sizeof(data);
	res = storage_cmd(&s, SMCSIM_TA_STORAGE_CMD_WRITE, name, (void *)data, &len);
	tap_assert(!res, "storage WRITE through the real tee-supplicant (0x%x)", res);
	memset(back, 0, sizeof(back));
	len = sizeof(back);
	res = storage_cmd(&s, SMCSIM_TA_STORAGE_CMD_READ, name, back, &len);
	tap_assert(!res && len == sizeof(data) && !memcmp(back, data, sizeof(data)),
		   "storage READ gives the object back (0x%x, %zu bytes)", res, len);
	len = 3;
	res = storage_cmd(&s, SMCSIM_TA_STORAGE_CMD_READ, name, back, &len);
	tap_assert(res == TEEC_ERROR_SHORT_BUFFER && len == sizeof(data),
		   "storage READ into 3 bytes: SHORT_BUFFER with the size (0x%x, %zu)",
		   res, len);
	if (!strcmp(what, "storage")) {
		res = storage_cmd(&s, SMCSIM_TA_STORAGE_CMD_REMOVE, name, NULL, NULL);
		tap_assert(!res, "storage REMOVE (0x%x)", res);
		len = sizeof(back);
		res = storage_cmd(&s, SMCSIM_TA_STORAGE_CMD_READ, name, back, &len);
		tap_assert(res == TEEC_ERROR_ITEM_NOT_FOUND,
			   "storage READ after REMOVE: ITEM_NOT_FOUND (0x%x)", res);
	}
out:
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
	return failures ? 1 : 0;
}

/* ---- single calls for the harness -------------------------------------------- */

static int parse_uuid(const char *str, TEEC_UUID *u)
{
	unsigned int v[11];
	int n = 0, i;

	if (sscanf(str, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%n", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
		   &v[10], &n) != 11 || n != 36)
		return -1;
	u->timeLow = v[0];
	u->timeMid = (uint16_t)v[1];
	u->timeHiAndVersion = (uint16_t)v[2];
	for (i = 0; i < 8; i++)
		u->clockSeqAndNode[i] = (uint8_t)v[3 + i];
	return 0;
}

static int open_one(const char *str)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_UUID u;
	uint32_t origin = 0, sum = 0;
	TEEC_Result res;

	if (parse_uuid(str, &u) || TEEC_InitializeContext(NULL, &ctx))
		return 2;
	res = open_session(&ctx, &s, &u, &origin);
	if (!res) {
		res = add(&s, 20, 22, &sum);
		if (!res && sum != 42)
			res = TEEC_ERROR_GENERIC;
		TEEC_CloseSession(&s);
	}
	printf("res 0x%08x origin %u\n", res, origin);
	TEEC_FinalizeContext(&ctx);
	return 0;
}

static int rpc_one(const char *cmd)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin = 0;
	TEEC_Result res;

	if (TEEC_InitializeContext(NULL, &ctx))
		return 2;
	res = open_session(&ctx, &s, &sleep_uuid, &origin);
	if (!res) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						 TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = (uint32_t)strtoul(cmd, NULL, 0);
		res = TEEC_InvokeCommand(&s, SMCSIM_TA_SLEEP_CMD_RPC, &op, &origin);
		TEEC_CloseSession(&s);
	}
	printf("res 0x%08x origin %u\n", res, origin);
	TEEC_FinalizeContext(&ctx);
	return 0;
}

/* Everything a process can hold open; then wait to be killed, or exit. */
static int hold(bool wait)
{
	static TEEC_Context ctx;
	static TEEC_Session s;
	static TEEC_SharedMemory shm, reg;
	static uint8_t mine[10000];
	uint32_t origin, sum;

	if (TEEC_InitializeContext(NULL, &ctx) ||
	    open_session(&ctx, &s, &echo_uuid, &origin) ||
	    add(&s, 1, 2, &sum) || sum != 3)
		return 2;
	shm.size = 3 * 4096;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	reg.buffer = mine;
	reg.size = sizeof(mine);
	reg.flags = TEEC_MEM_INPUT;
	if (TEEC_AllocateSharedMemory(&ctx, &shm) ||
	    TEEC_RegisterSharedMemory(&ctx, &reg))
		return 2;
	printf("ready\n");
	fflush(stdout);
	if (!wait)
		_exit(0);
	for (;;)
		pause();
}

/* ---- raw: the device file as a program sees it, bad calls included ------- */

/* An INVOKE of the echo TA's CHECK on @fd's @session naming shm @id. */
static int raw_check(int fd, uint32_t session, int id, uint32_t *ret)
{
	struct {
		struct tee_ioctl_invoke_arg arg;
		struct tee_ioctl_param p[3];
	} b;
	struct tee_ioctl_buf_data bd = { (uintptr_t)&b, sizeof(b) };
	int rc;

	memset(&b, 0, sizeof(b));
	b.arg.func = SMCSIM_TA_ECHO_CMD_CHECK;
	b.arg.session = session;
	b.arg.num_params = 3;
	b.p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
	b.p[0].b = 16;			/* size */
	b.p[0].c = (uint64_t)id;	/* the shm */
	b.p[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
	b.p[2].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT;
	rc = ioctl(fd, TEE_IOC_INVOKE, &bd);
	*ret = b.arg.ret;
	return rc;
}

/*
 * Shm ids belong to a file: another open of the device (as another process
 * would have) cannot name them. Two files of one process are as separate
 * as two processes' files are.
 */
static void raw_foreign_shm(int fd)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	struct {
		struct tee_ioctl_open_session_arg arg;
	} o;
	struct tee_ioctl_buf_data bd = { (uintptr_t)&o, sizeof(o) };
	struct tee_ioctl_shm_alloc_data sa = { .size = 4096 };
	int other, shm, rc;
	uint32_t ret = 1;

	other = open("/dev/tee0", O_RDWR | O_CLOEXEC);
	shm = ioctl(other, TEE_IOC_SHM_ALLOC, &sa);
	memset(&o, 0, sizeof(o));
	memcpy(o.arg.uuid, (uint8_t[]){
		(uint8_t)(echo.time_low >> 24), (uint8_t)(echo.time_low >> 16),
		(uint8_t)(echo.time_low >> 8), (uint8_t)echo.time_low,
		(uint8_t)(echo.time_mid >> 8), (uint8_t)echo.time_mid,
		(uint8_t)(echo.time_hi_and_version >> 8),
		(uint8_t)echo.time_hi_and_version }, 8);
	memcpy(o.arg.uuid + 8, echo.clock_seq_and_node, 8);
	o.arg.clnt_login = TEE_IOCTL_LOGIN_PUBLIC;
	rc = ioctl(fd, TEE_IOC_OPEN_SESSION, &bd);
	tap_assert(other >= 0 && shm >= 0 && !rc && !o.arg.ret,
		   "raw OPEN_SESSION of the echo TA, and a shm on a second file");
	if (other < 0 || shm < 0 || rc || o.arg.ret)
		return;
	errno = 0;
	rc = raw_check(fd, o.arg.session, sa.id, &ret);
	tap_assert(rc == -1 && errno == EINVAL,
		   "INVOKE naming another file's shm id: EINVAL (errno %d)", errno);
	close(shm);

	/* The same call with a shm of its own works; once closed, its id does not. */
	memset(&sa, 0, sizeof(sa));
	sa.size = 4096;
	shm = ioctl(fd, TEE_IOC_SHM_ALLOC, &sa);
	rc = raw_check(fd, o.arg.session, sa.id, &ret);
	tap_assert(shm >= 0 && !rc && !ret, "... with a shm of its own file: done (ret 0x%x)", ret);
	close(shm);
	errno = 0;
	rc = raw_check(fd, o.arg.session, sa.id, &ret);
	tap_assert(rc == -1 && errno == EINVAL,
		   "... with the id of a shm whose fd was closed (and never mapped): EINVAL (errno %d)",
		   errno);
	close(other);
}

static int raw(void)
{
	struct tee_ioctl_version_data v;
	struct tee_ioctl_shm_alloc_data sa;
	struct tee_ioctl_buf_data bd;
	struct pollfd pfd;
	uint8_t *p;
	int fd, fd2, shm, rc;

	fd = open("/dev/tee0", O_RDWR | O_CLOEXEC);
	tap_assert(fd >= 0, "open(/dev/tee0) gives a file descriptor");
	if (fd < 0)
		return 1;
	errno = 0;
	fd2 = open("/dev/tee7", O_RDWR);
	tap_assert(fd2 < 0 && errno == ENOENT, "open(/dev/tee7): ENOENT (errno %d)", errno);
	errno = 0;
	fd2 = open("/dev/teepriv0", O_RDWR);
	tap_assert(fd2 < 0 && errno == EBUSY,
		   "open(/dev/teepriv0) while tee-supplicant has it: EBUSY (errno %d)", errno);

	memset(&v, 0, sizeof(v));
	rc = ioctl(fd, TEE_IOC_VERSION, &v);
	tap_assert(!rc && v.impl_id == TEE_IMPL_ID_OPTEE && (v.gen_caps & TEE_GEN_CAP_GP) &&
		   !(v.gen_caps & TEE_GEN_CAP_REG_MEM) && !(v.gen_caps & TEE_GEN_CAP_PRIVILEGED),
		   "TEE_IOC_VERSION: OP-TEE, GP, no REG_MEM (gen_caps 0x%x, impl_caps 0x%x)",
		   v.gen_caps, v.impl_caps);
	errno = 0;
	rc = ioctl(fd, TEE_IOC_VERSION, (void *)8);
	tap_assert(rc == -1 && errno == EFAULT, "TEE_IOC_VERSION to a bad pointer: EFAULT (errno %d)", errno);
	errno = 0;
	rc = ioctl(fd, TEE_IOC_ENCODE(TEE_IOC_DIR_READ, 0x55, 8), &v);
	tap_assert(rc == -1 && errno == EINVAL, "an unknown TEE ioctl: EINVAL (errno %d)", errno);
	errno = 0;
	bd.buf_ptr = (uintptr_t)&v;
	bd.buf_len = 1 << 20;
	rc = ioctl(fd, TEE_IOC_INVOKE, &bd);
	tap_assert(rc == -1 && errno == EINVAL, "INVOKE with a 1 MiB buf_len: EINVAL (errno %d)", errno);
	errno = 0;
	rc = ioctl(fd, TEE_IOC_SUPPL_RECV, &bd);
	tap_assert(rc == -1 && errno == EINVAL, "SUPPL_RECV on /dev/tee0: EINVAL (errno %d)", errno);

	memset(&sa, 0, sizeof(sa));
	sa.size = 5000;
	shm = ioctl(fd, TEE_IOC_SHM_ALLOC, &sa);
	tap_assert(shm >= 0 && shm != fd && sa.id >= 0,
		   "SHM_ALLOC: a new fd and an id (fd %d, id %d, size %llu)", shm, sa.id,
		   (unsigned long long)sa.size);
	if (shm >= 0) {
		errno = 0;
		p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
		tap_assert(p == MAP_FAILED && errno == EINVAL,
			   "mmap of the shm fd past its end: EINVAL (errno %d)", errno);
		errno = 0;
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 4096 * 9);
		tap_assert(p == MAP_FAILED && errno == EINVAL,
			   "mmap of the shm fd at an offset past it: EINVAL (errno %d)", errno);
		p = mmap(NULL, 5000, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
		tap_assert(p != MAP_FAILED, "mmap of the shm fd");
		if (p != MAP_FAILED) {
			memset(p, 0x5A, 5000);
			munmap(p, 5000);
		}
		close(shm);
	}

	raw_foreign_shm(fd);

	pfd.fd = fd;
	pfd.events = POLLIN | POLLOUT;
	pfd.revents = 0;
	rc = poll(&pfd, 1, 1000);
	tap_assert(rc == 1 && pfd.revents == (POLLIN | POLLOUT),
		   "poll() on the device: ready, as a file without a poll op (revents 0x%x)",
		   pfd.revents);
	tap_assert(!close(fd), "close");
	errno = 0;
	rc = ioctl(fd, TEE_IOC_VERSION, &v);
	tap_assert(rc == -1 && errno == EBADF, "ioctl on the closed fd: EBADF (errno %d)", errno);
	return failures ? 1 : 0;
}

static int bench(unsigned int n)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint64_t *ns;
	uint32_t origin, sum;
	struct timespec a, b;
	unsigned int i, j;

	ns = calloc(n, sizeof(*ns));
	if (!ns || TEEC_InitializeContext(NULL, &ctx) ||
	    open_session(&ctx, &s, &echo_uuid, &origin))
		return 2;
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (add(&s, i, 1, &sum) || sum != i + 1)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns[i] = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000ULL +
			(uint64_t)(b.tv_nsec - a.tv_nsec);
	}
	/* Insertion sort is enough for a few thousand. */
	for (i = 1; i < n; i++)
		for (j = i; j && ns[j - 1] > ns[j]; j--) {
			uint64_t t = ns[j];

			ns[j] = ns[j - 1];
			ns[j - 1] = t;
		}
	printf("%llu\n", (unsigned long long)ns[n / 2]);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
	free(ns);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "api"))
		return api();
	if (argc > 2 && (!strcmp(mode, "storage") || !strcmp(mode, "keep") ||
			 !strcmp(mode, "remove")))
		return storage(argv[2], mode);
	if (argc > 2 && !strcmp(mode, "open"))
		return open_one(argv[2]);
	if (argc > 2 && !strcmp(mode, "rpc"))
		return rpc_one(argv[2]);
	if (!strcmp(mode, "hold"))
		return hold(true);
	if (!strcmp(mode, "exit"))
		return hold(false);
	if (!strcmp(mode, "raw"))
		return raw();
	if (argc > 2 && !strcmp(mode, "bench"))
		return bench((unsigned int)strtoul(argv[2], NULL, 0));
	fprintf(stderr, "usage: teec_client api|storage NAME|keep NAME|remove NAME|"
		"open UUID|rpc CMD|hold|exit|bench N|raw\n");
	return 2;
}
