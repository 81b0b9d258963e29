/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conversation (conf.h, conf_converse()): one fixed scenario through
 * the driver and the kernel client API, printed as the decoded trace's
 * text (include/smcsim/trace.h) of the kinds the normal world itself sees.
 * Written once: `smcsim converse` runs it against the simulator configured
 * like the firmware, the BL33 image (mode=converse) against the firmware,
 * and tools/dev firmware diffs the two.
 *
 * Like the harness, it needs only stdio, string and the library.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/irq.h>
#include <smcsim/optee.h>
#include <smcsim/optee_pta.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>
#include <smcsim/trace.h>

#include "conf.h"

/* Room for 16 UUIDs: what the device PTA lists on either target fits. */
#define CONVERSE_DEVICES_BUF	256

/**
 * struct converse - one run
 * @out:	where the markers and failures go (the trace goes there too)
 * @optee:	the driver, once probed
 * @ctx:	the client context
 * @shm:	the GET_DEVICES buffer
 * @line:	the notification line made here when the target has none
 * @dev, @tests: sessions to the device and invoke-tests PTAs (0: none)
 */
struct converse {
	FILE *out;
	struct optee *optee;
	struct tee_context *ctx;
	struct tee_shm *shm;
	struct smcsim_irq *line;
	uint32_t dev;
	uint32_t tests;
};

static void step(struct converse *v, const char *what)
{
	fprintf(v->out, "-- %s --\n", what);
}

/* A failed step: said in the output (so a diff shows it), as -EIO for a TEE error. */
static int failed(struct converse *v, const char *what, int rc, uint32_t ret)
{
	if (rc)
		fprintf(v->out, "# conversation: %s: error %d\n", what, rc);
	else
		fprintf(v->out, "# conversation: %s: ret 0x%x\n", what, ret);
	return rc ? rc : -EIO;
}

static int open_pta(struct converse *v, const uint8_t uuid[16],
		    const char *what, uint32_t *session)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_REE_KERNEL,
	};
	int rc;

	memcpy(arg.uuid, uuid, 16);
	rc = tee_client_open_session(v->ctx, &arg, NULL);
	if (rc || arg.ret != TEE_SUCCESS)
		return failed(v, what, rc, arg.ret);
	*session = arg.session;
	return 0;
}

static int invoke(struct converse *v, uint32_t session, uint32_t func,
		  struct tee_param *p, uint32_t n, const char *what)
{
	struct tee_ioctl_invoke_arg arg = {
		.func = func,
		.session = session,
		.num_params = n,
	};
	int rc = tee_client_invoke_func(v->ctx, &arg, p);

	if (rc || arg.ret != TEE_SUCCESS)
		return failed(v, what, rc, arg.ret);
	return 0;
}

/* PARAMS with three VALUE_INPUT and one VALUE_OUTPUT: the sums come back. */
static int tests_params(struct converse *v)
{
	struct tee_param p[4];
	unsigned int i;
	int rc;

	memset(p, 0, sizeof(p));
	for (i = 0; i < 4; i++) {
		p[i].attr = i == 2 ? TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT :
				     TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
		p[i].u.value.a = 10 * (i + 1);
		p[i].u.value.b = i + 1;
	}
	rc = invoke(v, v->tests, PTA_INVOKE_TESTS_CMD_PARAMS, p, 4,
		    "invoke-tests PTA PARAMS");
	if (!rc && (p[2].u.value.a != 70 || p[2].u.value.b != 7)) {
		fprintf(v->out, "# conversation: PARAMS answered %llu, %llu "
			"(not 70, 7)\n", (unsigned long long)p[2].u.value.a,
			(unsigned long long)p[2].u.value.b);
		rc = -EIO;
	}
	return rc;
}

/* GET_DEVICES into a kernel buffer of the driver's pool (registered shm). */
static int get_devices(struct converse *v)
{
	struct tee_param p;
	int rc;

	rc = tee_shm_alloc_kernel_buf(v->ctx, CONVERSE_DEVICES_BUF, &v->shm);
	if (rc)
		return failed(v, "GET_DEVICES buffer", rc, 0);
	memset(&p, 0, sizeof(p));
	p.attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	p.u.memref.shm = v->shm;
	p.u.memref.size = CONVERSE_DEVICES_BUF;
	return invoke(v, v->dev, PTA_CMD_GET_DEVICES, &p, 1,
		      "device PTA GET_DEVICES");
}

static int probe(struct converse *v, const struct conf_target *t)
{
	struct optee_probe_cfg cfg;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.invoke = t->invoke;
	cfg.phys = t->phys;
	cfg.profile = SMCSIM_ABI_UPSTREAM;
	cfg.notif_irq = t->notif_irq;
	if (!cfg.notif_irq) {
		/* As the suite: a line wired but never raised. */
		rc = smcsim_irq_create("conf-notif", &v->line);
		if (rc)
			return failed(v, "notification line", rc, 0);
		cfg.notif_irq = v->line;
	}
	rc = optee_probe(&cfg, &v->optee);
	if (rc)
		return failed(v, "optee_probe", rc, 0);
	return 0;
}

static int scenario(struct converse *v, const struct conf_target *t)
{
	static const uint8_t dev_uuid[16] = PTA_DEVICE_UUID_OCTETS;
	static const uint8_t tests_uuid[16] = PTA_INVOKE_TESTS_UUID_OCTETS;
	int rc;

	step(v, "probe");
	rc = probe(v, t);
	if (rc)
		return rc;
	rc = tee_client_open_context(optee_client_teedev(v->optee), &v->ctx);
	if (rc)
		return failed(v, "tee_client_open_context", rc, 0);
	step(v, "open the device PTA and the invoke-tests PTA");
	rc = open_pta(v, dev_uuid, "open the device PTA", &v->dev);
	if (!rc)
		rc = open_pta(v, tests_uuid, "open the invoke-tests PTA",
			      &v->tests);
	if (rc)
		return rc;
	step(v, "invoke-tests PTA: PARAMS (10,1) + (20,2) + (40,4)");
	rc = tests_params(v);
	if (rc)
		return rc;
	step(v, "device PTA: GET_DEVICES");
	return get_devices(v);
}

/* Undo what the scenario got to, in order: sessions, buffer, context, driver. */
static int teardown(struct converse *v)
{
	int rc = 0, r;

	step(v, "close both sessions");
	if (v->dev) {
		r = tee_client_close_session(v->ctx, v->dev);
		rc = rc ? rc : r;
	}
	if (v->tests) {
		r = tee_client_close_session(v->ctx, v->tests);
		rc = rc ? rc : r;
	}
	if (v->shm)
		tee_shm_free(v->shm);
	if (v->ctx)
		tee_client_close_context(v->ctx);
	step(v, "remove");
	if (v->optee)
		optee_remove(v->optee);
	if (v->line)
		smcsim_irq_destroy(v->line);
	if (rc)
		fprintf(v->out, "# conversation: closing a session: error %d\n",
			rc);
	return rc;
}

int conf_converse(const struct conf_target *t, FILE *out)
{
	const struct smcsim_tracer_cfg cfg = {
		.kinds = CONF_CONVERSE_KINDS,
		.stream = out,
		.fmt = SMCSIM_TRACE_TEXT,
	};
	struct converse v = { .out = out };
	int rc, rc2;

	fprintf(out, "-- conversation --\n");
	fflush(out);
	rc = smcsim_tracer_start(&cfg);
	if (rc) {
		fprintf(out, "# conversation: the trace did not start: %d\n",
			rc);
		return rc;
	}
	rc = scenario(&v, t);
	rc2 = teardown(&v);
	smcsim_tracer_stop();
	fprintf(out, "-- end of conversation: %s --\n",
		rc || rc2 ? "failed" : "ok");
	fflush(out);
	return rc ? rc : rc2;
}
