/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A few smoke cases through the normal-world driver on real firmware, in
 * TAP, for the image until the conformance suite (tests/conformance) runs
 * in it. Each case brings the driver up on the `smc` backend and takes it
 * down again, so no case depends on another's leftovers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/abi_names.h>
#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/optee_pta.h>
#include <smcsim/rt.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>

#include "bm.h"

struct smoke {
	struct smcsim_phys *phys;
	struct smcsim_irq *irq;
	struct smcsim_trace trace;
	bool trace_on;
	struct tee_class cls;
	struct optee *optee;
	struct tee_context *ctx;
	int failed;
};

#define CHECK(s, cond)							\
	do {								\
		if (!(cond)) {						\
			printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			(s)->failed = 1;				\
			return;						\
		}							\
	} while (0)

static const uint8_t device_pta[16] = PTA_DEVICE_UUID_OCTETS;
/* d96a5b40-c3e5-21e3-8794-1002a5d5c61b: OP-TEE's invoke-tests PTA */
static const uint8_t tests_pta[16] = {
	0xd9, 0x6a, 0x5b, 0x40, 0xc3, 0xe5, 0x21, 0xe3,
	0x87, 0x94, 0x10, 0x02, 0xa5, 0xd5, 0xc6, 0x1b,
};
static const uint8_t missing_ta[16] = {
	0x5a, 0x11, 0x7e, 0x57, 0x00, 0x00, 0x40, 0x00,
	0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15,
};

static int driver_up(struct smoke *s)
{
	struct optee_probe_cfg cfg = {
		.invoke = smcsim_trace_invoke(&s->trace),
		.phys = s->phys,
		.profile = SMCSIM_ABI_UPSTREAM,
		.cls = &s->cls,
		.notif_irq = s->irq,
		.log = s->trace_on,
	};
	int rc;

	tee_class_init(&s->cls);
	rc = optee_probe(&cfg, &s->optee);
	if (rc) {
		printf("# optee_probe: %d\n", rc);
		tee_class_fini(&s->cls);
		return rc;
	}
	rc = tee_client_open_context(optee_client_teedev(s->optee), &s->ctx);
	if (rc) {
		printf("# tee_client_open_context: %d\n", rc);
		optee_remove(s->optee);
		tee_class_fini(&s->cls);
	}
	return rc;
}

static void driver_down(struct smoke *s)
{
	tee_client_close_context(s->ctx);
	optee_remove(s->optee);
	tee_class_fini(&s->cls);
}

static uint32_t open_session(struct smoke *s, const uint8_t uuid[16],
			     uint32_t login, uint32_t *session,
			     uint32_t *origin)
{
	struct tee_ioctl_open_session_arg arg = { .clnt_login = login };
	int rc;

	memcpy(arg.uuid, uuid, 16);
	rc = tee_client_open_session(s->ctx, &arg, NULL);
	if (rc) {
		printf("# tee_client_open_session: %d\n", rc);
		return TEE_ERROR_COMMUNICATION;
	}
	*session = arg.session;
	if (origin)
		*origin = arg.ret_origin;
	return arg.ret;
}

static void case_probe(struct smoke *s)
{
	struct smcsim_invoke inv = smcsim_invoke_smc();
	struct arm_smccc_res tc, caps;
	struct optee_info info;

	smcsim_invoke_call(&inv, OPTEE_SMC_GET_THREAD_COUNT, 0, 0, 0, 0, 0, 0,
			   0, &tc);
	smcsim_invoke_call(&inv, OPTEE_SMC_EXCHANGE_CAPABILITIES, 0, 0, 0, 0,
			   0, 0, 0, &caps);
	optee_get_info(s->optee, &info);
	printf("# api %u.%u, OP-TEE %u.%u build %#x, %u threads, caps %#x, "
	       "%s shm, max notif %u\n", info.api_major, info.api_minor,
	       info.os_revision_major, info.os_revision_minor,
	       info.os_build_id, info.thread_count, info.sec_caps,
	       info.dynamic_shm ? "dynamic" : "reserved",
	       info.max_notif_value);
	CHECK(s, info.api_major == OPTEE_MSG_REVISION_MAJOR);
	CHECK(s, tc.a0 == OPTEE_SMC_RETURN_OK && info.thread_count == tc.a1);
	CHECK(s, caps.a0 == OPTEE_SMC_RETURN_OK && info.sec_caps == caps.a1);
}

static void case_device_pta(struct smoke *s)
{
	struct tee_param p = { .attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT };
	struct tee_ioctl_invoke_arg inv = { .func = PTA_CMD_GET_DEVICES,
					    .num_params = 1 };
	uint32_t session = 0, origin = 0, ret;

	ret = open_session(s, device_pta, TEE_IOCTL_LOGIN_PUBLIC, &session,
			   &origin);
	printf("# open, PUBLIC login: ret %#x origin %u session %u\n", ret,
	       origin, session);
	CHECK(s, ret == TEE_SUCCESS);
	inv.session = session;
	CHECK(s, !tee_client_invoke_func(s->ctx, &inv, &p));
	printf("# GET_DEVICES, NULL memref: ret %#x origin %u size %zu\n",
	       inv.ret, inv.ret_origin, p.u.memref.size);
	CHECK(s, !tee_client_close_session(s->ctx, session));
	CHECK(s, inv.ret == TEE_SUCCESS || inv.ret == TEE_ERROR_SHORT_BUFFER);
}

static void case_session_ids(struct smoke *s)
{
	uint32_t a = 0, b = 0, c = 0;

	CHECK(s, open_session(s, tests_pta, TEE_IOCTL_LOGIN_PUBLIC, &a, NULL) ==
		 TEE_SUCCESS);
	CHECK(s, open_session(s, tests_pta, TEE_IOCTL_LOGIN_PUBLIC, &b, NULL) ==
		 TEE_SUCCESS);
	CHECK(s, !tee_client_close_session(s->ctx, b));
	CHECK(s, open_session(s, tests_pta, TEE_IOCTL_LOGIN_PUBLIC, &c, NULL) ==
		 TEE_SUCCESS);
	printf("# invoke-tests PTA sessions: %u, %u, closed %u, then %u\n",
	       a, b, b, c);
	CHECK(s, !tee_client_close_session(s->ctx, c));
	CHECK(s, !tee_client_close_session(s->ctx, a));
	CHECK(s, b != a);
}

static void case_missing_ta(struct smoke *s)
{
	uint32_t session = 0, origin = 0, ret;
	size_t before = smcsim_trace_count(&s->trace);

	ret = open_session(s, missing_ta, TEE_IOCTL_LOGIN_PUBLIC, &session,
			   &origin);
	printf("# open of a TA that is not there (no supplicant): ret %#x "
	       "(%s) origin %u, %zu SMCs\n", ret,
	       smcsim_tee_err_name(ret) ? smcsim_tee_err_name(ret) : "?",
	       origin, smcsim_trace_count(&s->trace) - before);
	CHECK(s, ret != TEE_SUCCESS);
}

static void case_notif_line(struct smoke *s)
{
	struct optee_notif_info before, after;
	unsigned long raised = bm_notif_poll_raised();
	uint64_t end;

	optee_get_notif_info(s->optee, &before);
	if (bm_notif_poll_kick()) {
		printf("# no distributor given: the line ticks\n");
		return;
	}
	end = rt_now_ms() + 500;
	do {
		rt_sleep_ms(1);
		optee_get_notif_info(s->optee, &after);
	} while (after.irq_runs == before.irq_runs && rt_now_ms() < end);
	printf("# line raised %lu time(s), top half ran %llu time(s), "
	       "%llu value(s)\n", bm_notif_poll_raised() - raised,
	       (unsigned long long)(after.irq_runs - before.irq_runs),
	       (unsigned long long)(after.irq_values - before.irq_values));
	CHECK(s, bm_notif_poll_raised() > raised);
	CHECK(s, after.irq_runs > before.irq_runs);
}

static const struct {
	const char *name;
	void (*fn)(struct smoke *s);
} cases[] = {
	{ "smoke: probe negotiates what the fast calls answer", case_probe },
	{ "smoke: device PTA opens with a PUBLIC login", case_device_pta },
	{ "smoke: invoke-tests PTA sessions", case_session_ids },
	{ "smoke: open of a TA that is not there fails", case_missing_ta },
	{ "smoke: a pending notification SPI runs the driver's top half",
	  case_notif_line },
};

int bm_suite_run(struct smcsim_phys *phys, struct smcsim_irq *irq,
		 const char *filter, bool trace)
{
	struct smoke s = { .phys = phys, .irq = irq, .trace_on = trace };
	unsigned int i, n = 0, fails = 0;

	printf("TAP version 13\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!filter || strstr(cases[i].name, filter))
			n++;
	printf("1..%u\n", n);
	n = 0;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		smcsim_trace_init(&s.trace, smcsim_invoke_smc(),
				  trace ? stdout : NULL);
		s.failed = 0;
		if (driver_up(&s)) {
			s.failed = 1;
		} else {
			cases[i].fn(&s);
			driver_down(&s);
		}
		smcsim_trace_fini(&s.trace);
		printf("%sok %u - %s\n", s.failed ? "not " : "", ++n,
		       cases[i].name);
		fails += s.failed;
	}
	return (int)fails;
}
