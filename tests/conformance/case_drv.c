/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cases: through the normal-world driver and the kernel client API, as a
 * Linux kernel client would run them: the probe (what it negotiates must
 * be what the firmware answers), device enumeration, sessions to the
 * firmware's pseudo TAs, memrefs from the driver's pool and registered
 * memory, NULL memrefs, a TA that is not there. Each case probes the
 * driver and removes it; the secure world must be at rest afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include <smcsim/optee.h>
#include <smcsim/optee_pta.h>
#include <smcsim/tee_drv.h>

#include "conf_priv.h"

/* The probe negotiates what the firmware answers at the hook. */
static void drv_probe_info(struct conf *c)
{
	struct optee_info info;
	struct arm_smccc_res rev;
	uint32_t a2 = 0, a3 = 0;
	uint32_t caps = conf_sec_caps(c, &a2, &a3);
	unsigned int threads = conf_thread_count(c);
	struct optee *optee;

	CONF_ASSERT_OK(c, !conf_failed(c));
	conf_fast(c, OPTEE_SMC_CALL_GET_OS_REVISION, 0, 0, 0, &rev);
	optee = conf_probe(c);
	CONF_ASSERT_OK(c, optee);
	optee_get_info(optee, &info);
	CONF_ASSERT_EQ(c, info.api_major, OPTEE_MSG_REVISION_MAJOR);
	CONF_ASSERT_EQ(c, info.api_minor, OPTEE_MSG_REVISION_MINOR);
	CONF_ASSERT_EQ(c, info.os_revision_major, CONF_W(rev.a0));
	CONF_ASSERT_EQ(c, info.os_revision_minor, CONF_W(rev.a1));
	/* The whole register: 64 bits on aarch64. */
	CONF_ASSERT_EQ(c, info.os_build_id, rev.a2);
	CONF_ASSERT_EQ(c, info.thread_count, threads);
	CONF_ASSERT_EQ(c, info.sec_caps, caps);
	CONF_ASSERT_EQ(c, info.rpc_param_count, a3);
	if (caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)
		CONF_ASSERT_EQ(c, info.max_notif_value, a2);
	CONF_ASSERT(c, info.dynamic_shm, "the pool is not dynamic");
	CONF_ASSERT(c, info.rpmb_probe ==
		    !!(caps & OPTEE_SMC_SEC_CAP_RPMB_PROBE), "rpmb_probe");
	/* RPC_ARG negotiated: the driver does not enable the cache. */
	CONF_ASSERT(c, !info.shm_cache_enabled, "the shm cache was enabled");
}

static void drv_trace_free(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	(void)c;
	(void)a;
	(void)b;
	smcsim_trace_fini(p);
	free(p);
}

/* Index of the first call with a0 @fid from @from on, or @n if none. */
static size_t drv_trace_find(struct smcsim_trace *tr, size_t from, size_t n,
			     unsigned long fid)
{
	struct smcsim_trace_rec rec;

	for (; from < n; from++)
		if (!smcsim_trace_get(tr, from, &rec) &&
		    CONF_W(rec.in[0]) == fid)
			return from;
	return n;
}

/*
 * The probe, as Linux's driver makes it: CALLS_UID, GET_OS_REVISION,
 * CALLS_REVISION, GET_THREAD_COUNT, EXCHANGE_CAPABILITIES; with dynamic
 * shm no GET_SHM_CONFIG; ENABLE_ASYNC_NOTIF and the drain of the cache
 * (DISABLE_SHM_CACHE until ENOTAVAIL) before the first yielding call (the
 * device enumeration); no ENABLE_SHM_CACHE, as RPC_ARG was negotiated.
 * Every call is answered as the firmware answers it.
 */
static void drv_probe_sequence(struct conf *c)
{
	static const unsigned long first[] = {
		OPTEE_SMC_CALLS_UID, OPTEE_SMC_CALL_GET_OS_REVISION,
		OPTEE_SMC_CALLS_REVISION, OPTEE_SMC_GET_THREAD_COUNT,
		OPTEE_SMC_EXCHANGE_CAPABILITIES,
	};
	struct smcsim_trace *tr = calloc(1, sizeof(*tr));
	struct smcsim_trace_rec rec;
	size_t n, i, yield, notif, drain;

	CONF_ASSERT(c, tr, "no memory");
	smcsim_trace_init(tr, conf_target(c)->invoke, NULL);
	CONF_ASSERT_OK(c, conf_defer(c, drv_trace_free, tr, 0, 0));
	CONF_ASSERT_OK(c, conf_probe_with(c, smcsim_trace_invoke(tr)));
	n = smcsim_trace_count(tr);
	CONF_ASSERT(c, n > 5, "%zu calls", n);
	for (i = 0; i < 5; i++) {
		CONF_ASSERT_EQ(c, smcsim_trace_get(tr, i, &rec), 0);
		CONF_ASSERT(c, CONF_W(rec.in[0]) == first[i],
			    "call %zu is 0x%x, expected 0x%lx", i,
			    CONF_W(rec.in[0]), first[i]);
	}
	CONF_ASSERT_EQ(c, drv_trace_find(tr, 0, n, OPTEE_SMC_GET_SHM_CONFIG),
		       n);
	CONF_ASSERT_EQ(c, drv_trace_find(tr, 0, n, OPTEE_SMC_ENABLE_SHM_CACHE),
		       n);
	for (yield = 0; yield < n; yield++) {
		CONF_ASSERT_EQ(c, smcsim_trace_get(tr, yield, &rec), 0);
		if (!(rec.in[0] & 0x80000000UL))
			break;
	}
	CONF_ASSERT(c, yield < n, "no yielding call (device enumeration)");
	notif = drv_trace_find(tr, 0, n, OPTEE_SMC_ENABLE_ASYNC_NOTIF);
	drain = drv_trace_find(tr, 0, n, OPTEE_SMC_DISABLE_SHM_CACHE);
	CONF_ASSERT(c, notif < yield, "ENABLE_ASYNC_NOTIF at %zu, first "
		    "yielding call at %zu", notif, yield);
	CONF_ASSERT(c, drain < yield, "DISABLE_SHM_CACHE at %zu, first "
		    "yielding call at %zu", drain, yield);
	CONF_ASSERT_EQ(c, smcsim_trace_get(tr, drain, &rec), 0);
	CONF_ASSERT_EQ(c, CONF_W(rec.out[0]), OPTEE_SMC_RETURN_ENOTAVAIL);
}

/* The probe enumerates devices: the invoke-tests PTA is among them. */
static void drv_devices_enumerated(struct conf *c)
{
	uint8_t uuids[16][16];
	struct optee *optee = conf_probe(c);
	size_t n, i;
	bool found = false;

	CONF_ASSERT_OK(c, optee);
	n = optee_devices(optee, uuids, 16);
	CONF_ASSERT(c, n >= 1 && n <= 16, "%zu devices", n);
	for (i = 0; i < n; i++)
		if (!memcmp(uuids[i], conf_uuid_invoke_tests_pta, 16))
			found = true;
	CONF_ASSERT(c, found, "the invoke-tests PTA was not enumerated");
}

/*
 * After probe and remove the secure world is at rest: no thread taken
 * (the cache answers, not EBUSY), the cache empty, no session open (the
 * next one is number 1).
 */
static void drv_remove_leaves_rest(struct conf *c)
{
	struct arm_smccc_res r;
	uint32_t s;
	struct optee *optee = conf_probe(c);

	CONF_ASSERT_OK(c, optee);
	/* The cleanup removes it: run that now, before looking. */
	{
		struct tee_context *ctx = conf_ctx_open(c, optee);

		CONF_ASSERT_OK(c, ctx);
	}
	conf_run_cleanups(c);
	CONF_ASSERT_OK(c, !conf_failed(c));
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
	s = conf_open(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC, NULL,
		      NULL);
	CONF_ASSERT_OK(c, !conf_failed(c));
	CONF_ASSERT_EQ(c, s, 1);
}

static uint32_t drv_open(struct conf *c, struct tee_context *ctx,
			 const uint8_t *uuid, uint32_t login, uint32_t *origin,
			 uint32_t *session)
{
	struct tee_ioctl_open_session_arg arg;
	int rc;

	memset(&arg, 0, sizeof(arg));
	memcpy(arg.uuid, uuid, 16);
	arg.clnt_login = login;
	rc = tee_client_open_session(ctx, &arg, NULL);
	if (rc) {
		conf_fail(c, __FILE__, __LINE__,
			  "tee_client_open_session: %d", rc);
		return ~0U;
	}
	if (origin)
		*origin = arg.ret_origin;
	*session = arg.session;
	return arg.ret;
}

static void drv_close(struct conf *c, struct tee_context *ctx,
		      uint32_t session)
{
	int rc = tee_client_close_session(ctx, session);

	if (rc)
		conf_fail(c, __FILE__, __LINE__,
			  "tee_client_close_session: %d", rc);
}

static void drv_open_device_pta_login(struct conf *c, uint32_t login)
{
	struct optee *optee = conf_probe(c);
	struct tee_context *ctx;
	uint32_t s = 0, origin = 0;

	CONF_ASSERT_OK(c, optee);
	ctx = conf_ctx_open(c, optee);
	CONF_ASSERT_OK(c, ctx);
	CONF_ASSERT_EQ(c, drv_open(c, ctx, conf_uuid_device_pta, login, &origin,
				   &s), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TRUSTED_APP);
	CONF_ASSERT(c, s != 0, "session 0");
	drv_close(c, ctx, s);
}

static void drv_open_device_pta_public(struct conf *c)
{
	drv_open_device_pta_login(c, TEE_IOCTL_LOGIN_PUBLIC);
}

static void drv_open_device_pta_ree_kernel(struct conf *c)
{
	drv_open_device_pta_login(c, TEE_IOCTL_LOGIN_REE_KERNEL);
}

/* The probe closed its enumeration session: a client's first is 1. */
static void drv_session_ids(struct conf *c)
{
	struct optee *optee = conf_probe(c);
	struct tee_context *ctx;
	uint32_t a = 0, b = 0;

	CONF_ASSERT_OK(c, optee);
	ctx = conf_ctx_open(c, optee);
	CONF_ASSERT_OK(c, ctx);
	CONF_ASSERT_EQ(c, drv_open(c, ctx, conf_uuid_device_pta,
				   TEE_IOCTL_LOGIN_PUBLIC, NULL, &a),
				   TEE_SUCCESS);
	CONF_ASSERT_EQ(c, a, 1);
	CONF_ASSERT_EQ(c, drv_open(c, ctx, conf_uuid_invoke_tests_pta,
				   TEE_IOCTL_LOGIN_PUBLIC, NULL, &b),
				   TEE_SUCCESS);
	CONF_ASSERT_EQ(c, b, 2);
	drv_close(c, ctx, b);
	drv_close(c, ctx, a);
}

static struct tee_context *drv_tests_session(struct conf *c, uint32_t *s)
{
	struct optee *optee = conf_probe(c);
	struct tee_context *ctx;

	if (!optee)
		return NULL;
	ctx = conf_ctx_open(c, optee);
	if (!ctx)
		return NULL;
	if (drv_open(c, ctx, conf_uuid_invoke_tests_pta,
		     TEE_IOCTL_LOGIN_PUBLIC, NULL, s) != TEE_SUCCESS) {
		conf_fail(c, __FILE__, __LINE__, "open invoke-tests PTA");
		return NULL;
	}
	/* Sessions of a context are closed when it is released. */
	return ctx;
}

static uint32_t drv_invoke(struct conf *c, struct tee_context *ctx,
			   uint32_t s, uint32_t func, struct tee_param *p,
			   uint32_t *origin)
{
	struct tee_ioctl_invoke_arg arg;
	int rc;

	memset(&arg, 0, sizeof(arg));
	arg.func = func;
	arg.session = s;
	arg.num_params = 4;
	rc = tee_client_invoke_func(ctx, &arg, p);
	if (rc) {
		conf_fail(c, __FILE__, __LINE__,
			  "tee_client_invoke_func: %d", rc);
		return ~0U;
	}
	if (origin)
		*origin = arg.ret_origin;
	return arg.ret;
}

static void drv_tests_value(struct conf *c)
{
	struct tee_param p[4];
	uint32_t s = 0;
	struct tee_context *ctx = drv_tests_session(c, &s);

	CONF_ASSERT_OK(c, ctx);
	memset(p, 0, sizeof(p));
	p[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT;
	p[1].u.value.a = 40;
	p[1].u.value.b = 2;
	CONF_ASSERT_EQ(c, drv_invoke(c, ctx, s, PTA_INVOKE_TESTS_CMD_PARAMS, p,
				     NULL), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, p[1].u.value.a, 42);
	drv_close(c, ctx, s);
}

/* A memref of pool memory (registered with the firmware by the driver). */
static void drv_tests_memref_pool(struct conf *c)
{
	struct tee_param p[4];
	struct tee_shm *shm = NULL;
	uint32_t s = 0;
	struct tee_context *ctx = drv_tests_session(c, &s);
	uint8_t *va, sum = 0;
	unsigned int i;
	int rc;

	CONF_ASSERT_OK(c, ctx);
	rc = tee_shm_alloc_kernel_buf(ctx, 5000, &shm);
	CONF_ASSERT(c, !rc, "tee_shm_alloc_kernel_buf: %d", rc);
	va = tee_shm_get_va(shm, 0);
	for (i = 0; i < 5000; i++) {
		va[i] = (uint8_t)(i * 13);
		sum = (uint8_t)(sum + va[i]);
	}
	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT;
	p[0].u.memref.shm = shm;
	p[0].u.memref.size = 5000;
	i = drv_invoke(c, ctx, s, PTA_INVOKE_TESTS_CMD_PARAMS, p, NULL);
	rc = va[0];
	tee_shm_free(shm);
	CONF_ASSERT_EQ(c, i, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, rc, sum);
	drv_close(c, ctx, s);
}

/* The same through memory the client registers (a page list). */
static void drv_tests_memref_registered(struct conf *c)
{
	struct tee_param p[4];
	struct tee_shm *shm = NULL;
	uint32_t s = 0, ret;
	struct tee_context *ctx = drv_tests_session(c, &s);
	uint64_t pa;
	uint8_t *va, sum = 0;
	unsigned int i;
	int rc;

	CONF_ASSERT_OK(c, ctx);
	va = conf_pages(c, 3, &pa);
	CONF_ASSERT_OK(c, va);
	for (i = 0; i < 6000; i++) {
		va[100 + i] = (uint8_t)(i * 5 + 3);
		sum = (uint8_t)(sum + va[100 + i]);
	}
	rc = tee_shm_register_kernel_buf(ctx, va + 100, 6000, &shm);
	CONF_ASSERT(c, !rc, "tee_shm_register_kernel_buf: %d", rc);
	memset(p, 0, sizeof(p));
	p[2].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT;
	p[2].u.memref.shm = shm;
	p[2].u.memref.size = 6000;
	ret = drv_invoke(c, ctx, s, PTA_INVOKE_TESTS_CMD_PARAMS, p, NULL);
	tee_shm_free(shm);
	CONF_ASSERT_EQ(c, ret, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, va[100], sum);
	drv_close(c, ctx, s);
}

/* A memref with no shm is a NULL memref (MEMREF_NULL negotiated). */
static void drv_tests_memref_null(struct conf *c)
{
	struct tee_param p[4];
	uint32_t s = 0;
	struct tee_context *ctx = drv_tests_session(c, &s);

	CONF_ASSERT_OK(c, ctx);
	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT;
	CONF_ASSERT_EQ(c, drv_invoke(c, ctx, s,
				     PTA_INVOKE_TESTS_CMD_MEMREF_NULL, p,
				     NULL), TEE_SUCCESS);
	drv_close(c, ctx, s);
}

/*
 * The device PTA through the client API as Linux's enumeration does it:
 * a NULL buffer first (SHORT_BUFFER and the size), then a pool buffer.
 */
static void drv_device_pta_get_devices(struct conf *c)
{
	struct optee *optee = conf_probe(c);
	struct tee_context *ctx;
	struct tee_param p[4];
	struct tee_shm *shm = NULL;
	uint32_t s = 0, ret;
	size_t size;
	int rc;

	CONF_ASSERT_OK(c, optee);
	ctx = conf_ctx_open(c, optee);
	CONF_ASSERT_OK(c, ctx);
	CONF_ASSERT_EQ(c, drv_open(c, ctx, conf_uuid_device_pta,
				   TEE_IOCTL_LOGIN_REE_KERNEL, NULL, &s),
				   TEE_SUCCESS);
	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	CONF_ASSERT_EQ(c, drv_invoke(c, ctx, s, PTA_CMD_GET_DEVICES, p, NULL),
		       TEE_ERROR_SHORT_BUFFER);
	size = p[0].u.memref.size;
	CONF_ASSERT(c, size >= 16 && size <= 4096, "size %zu", size);
	rc = tee_shm_alloc_kernel_buf(ctx, size, &shm);
	CONF_ASSERT(c, !rc, "tee_shm_alloc_kernel_buf: %d", rc);
	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	p[0].u.memref.shm = shm;
	p[0].u.memref.size = size;
	ret = drv_invoke(c, ctx, s, PTA_CMD_GET_DEVICES, p, NULL);
	tee_shm_free(shm);
	CONF_ASSERT_EQ(c, ret, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, p[0].u.memref.size, size);
	drv_close(c, ctx, s);
}

/*
 * A TA that is not there, from an in-kernel client with no supplicant:
 * the open fails (the driver answers the RPCs as Linux does) and no
 * session is left.
 */
static void drv_missing_ta(struct conf *c)
{
	struct optee *optee = conf_probe(c);
	struct tee_context *ctx;
	uint32_t s = 0, origin = 0, ret;

	CONF_ASSERT_OK(c, optee);
	ctx = conf_ctx_open(c, optee);
	CONF_ASSERT_OK(c, ctx);
	ret = drv_open(c, ctx, conf_uuid_missing_ta, TEE_IOCTL_LOGIN_PUBLIC,
		       &origin, &s);
	CONF_ASSERT_OK(c, !conf_failed(c));
	/* The driver cannot have application memory without a supplicant:
	 * OP-TEE's storage look gives up (firmware: OUT_OF_MEMORY, TEE). */
	CONF_ASSERT_EQ(c, ret, TEE_ERROR_OUT_OF_MEMORY);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TEE);
	CONF_ASSERT_EQ(c, s, 0);
}

/*
 * A system session (the merged mechanism): the driver keeps one of the
 * firmware's threads for it; calls on it still reach the PTA.
 */
static void drv_system_session(struct conf *c)
{
	struct tee_param p[4];
	uint32_t s = 0;
	struct tee_context *ctx = drv_tests_session(c, &s);

	CONF_ASSERT_OK(c, ctx);
	CONF_ASSERT_EQ(c, tee_client_system_session(ctx, s), 0);
	memset(p, 0, sizeof(p));
	p[3].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT;
	p[3].u.value.a = 7;
	p[3].u.value.b = 8;
	CONF_ASSERT_EQ(c, drv_invoke(c, ctx, s, PTA_INVOKE_TESTS_CMD_PARAMS, p,
				     NULL), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, p[3].u.value.a, 15);
	drv_close(c, ctx, s);
}

/* A cancellation request for an idle session reaches the core: accepted. */
static void drv_cancel_idle_session(struct conf *c)
{
	uint32_t s = 0;
	struct tee_context *ctx = drv_tests_session(c, &s);

	CONF_ASSERT_OK(c, ctx);
	CONF_ASSERT_EQ(c, tee_client_cancel_req(ctx, 0, s), 0);
	drv_close(c, ctx, s);
}

/* Invoking a session the context does not have: refused by the driver. */
static void drv_invoke_unknown_session(struct conf *c)
{
	struct optee *optee = conf_probe(c);
	struct tee_context *ctx;
	struct tee_ioctl_invoke_arg arg;
	struct tee_param p[4];

	CONF_ASSERT_OK(c, optee);
	ctx = conf_ctx_open(c, optee);
	CONF_ASSERT_OK(c, ctx);
	memset(&arg, 0, sizeof(arg));
	memset(p, 0, sizeof(p));
	arg.session = 0x7fff;
	arg.num_params = 4;
	CONF_ASSERT(c, tee_client_invoke_func(ctx, &arg, p) < 0,
		    "the driver invoked a session it does not know");
}

const struct conf_case conf_cases_drv[] = {
	{ "drv_probe_info", drv_probe_info },
	{ "drv_probe_sequence", drv_probe_sequence },
	{ "drv_devices_enumerated", drv_devices_enumerated },
	{ "drv_remove_leaves_rest", drv_remove_leaves_rest },
	{ "drv_open_device_pta_public", drv_open_device_pta_public },
	{ "drv_open_device_pta_ree_kernel", drv_open_device_pta_ree_kernel },
	{ "drv_session_ids", drv_session_ids },
	{ "drv_tests_value", drv_tests_value },
	{ "drv_tests_memref_pool", drv_tests_memref_pool },
	{ "drv_tests_memref_registered", drv_tests_memref_registered },
	{ "drv_tests_memref_null", drv_tests_memref_null },
	{ "drv_device_pta_get_devices", drv_device_pta_get_devices },
	{ "drv_missing_ta", drv_missing_ta },
	{ "drv_system_session", drv_system_session },
	{ "drv_cancel_idle_session", drv_cancel_idle_session },
	{ "drv_invoke_unknown_session", drv_invoke_unknown_session },
	{ NULL, NULL },
};
