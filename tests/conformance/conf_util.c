/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers the cases share: the conduit, pages of the target's memory map,
 * facts read from the firmware, messages, sessions, and the calls that
 * make RPCs. The normal world that answers the RPCs is conf_nw.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

#define CONF_PAGE	4096U

const uint8_t conf_uuid_device_pta[16] = PTA_DEVICE_UUID_OCTETS;
const uint8_t conf_uuid_invoke_tests_pta[16] = PTA_INVOKE_TESTS_UUID_OCTETS;
const uint8_t conf_uuid_missing_ta[16] = {
	0x3c, 0x0f, 0x5e, 0x1a, 0x77, 0x2b, 0x4d, 0x8e,
	0x9a, 0x61, 0x0d, 0x4f, 0xc2, 0x35, 0x88, 0x17,
};

/* ---- conduit and memory ------------------------------------------------ */

void conf_smc(struct conf *c, const unsigned long a[8],
	      struct arm_smccc_res *res)
{
	memset(res, 0, sizeof(*res));
	smcsim_invoke_call(&c->t->invoke, a[0], a[1], a[2], a[3], a[4], a[5],
			   a[6], a[7], res);
	/*
	 * Kept as they came: OP-TEE's calls are SMC32, so cases compare
	 * the low 32 bits (CONF_W()), except where the ABI says more (the
	 * build id of GET_OS_REVISION fills x2 on aarch64).
	 */
}

void conf_fast(struct conf *c, unsigned long a0, unsigned long a1,
	       unsigned long a2, unsigned long a3, struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, 0, 0, 0, 0 };

	conf_smc(c, a, res);
}

static void conf_free_pages(struct conf *c, void *p, uint64_t pa,
			    uint64_t n)
{
	(void)p;
	if (smcsim_phys_free_pages(c->t->phys, pa, (size_t)n))
		conf_fail(c, __FILE__, __LINE__,
			  "cleanup: pages at 0x%llx not given back",
			  (unsigned long long)pa);
}

void *conf_map(struct conf *c, uint64_t pa, size_t len)
{
	return smcsim_phys_map(c->t->phys, SMCSIM_WORLD_NORMAL, pa, len);
}

bool conf_secure_base(struct conf *c, uint64_t *base)
{
	struct smcsim_phys_region sec;

	if (smcsim_phys_region_get(c->t->phys, SMCSIM_MEM_SECURE, &sec) ||
	    !sec.size)
		return conf_fail(c, __FILE__, __LINE__,
				 "the memory map has no secure region");
	*base = sec.base;
	return true;
}

void *conf_pages(struct conf *c, size_t n, uint64_t *pa)
{
	void *va;
	int rc = smcsim_phys_alloc_pages(c->t->phys, n, pa);

	if (rc) {
		conf_fail(c, __FILE__, __LINE__, "no %zu pages: %d", n, rc);
		return NULL;
	}
	if (!conf_defer(c, conf_free_pages, NULL, *pa, n)) {
		smcsim_phys_free_pages(c->t->phys, *pa, n);
		return NULL;
	}
	va = conf_map(c, *pa, n * CONF_PAGE);
	if (!va) {
		conf_fail(c, __FILE__, __LINE__,
			  "pages at 0x%llx are not the normal world's",
			  (unsigned long long)*pa);
		return NULL;
	}
	memset(va, 0, n * CONF_PAGE);
	return va;
}

/* ---- facts -------------------------------------------------------------- */

unsigned int conf_thread_count(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_GET_THREAD_COUNT, 0, 0, 0, &r);
	if (CONF_W(r.a0) != OPTEE_SMC_RETURN_OK || !CONF_W(r.a1)) {
		conf_fail(c, __FILE__, __LINE__,
			  "GET_THREAD_COUNT: a0 0x%lx a1 %lu", r.a0, r.a1);
		return 0;
	}
	return CONF_W(r.a1);
}

uint32_t conf_sec_caps(struct conf *c, uint32_t *a2, uint32_t *a3)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_EXCHANGE_CAPABILITIES, 0, 0, 0, &r);
	if (CONF_W(r.a0) != OPTEE_SMC_RETURN_OK)
		conf_fail(c, __FILE__, __LINE__,
			  "EXCHANGE_CAPABILITIES: a0 0x%lx", r.a0);
	if (a2)
		*a2 = (uint32_t)r.a2;
	if (a3)
		*a3 = (uint32_t)r.a3;
	return (uint32_t)r.a1;
}

bool conf_shm_config(struct conf *c, uint64_t *base, uint64_t *size)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_GET_SHM_CONFIG, 0, 0, 0, &r);
	if (CONF_W(r.a0) != OPTEE_SMC_RETURN_OK)
		return conf_fail(c, __FILE__, __LINE__,
				 "GET_SHM_CONFIG: a0 0x%lx", r.a0);
	*base = CONF_W(r.a1);
	*size = CONF_W(r.a2);
	return true;
}

/* ---- messages ----------------------------------------------------------- */

bool conf_msg_new(struct conf *c, struct conf_msg *m, uint32_t cmd,
		  uint32_t num_params)
{
	size_t need = OPTEE_MSG_GET_ARG_SIZE(num_params) +
		OPTEE_MSG_GET_ARG_SIZE(OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS);
	size_t pages = (need + CONF_PAGE - 1) / CONF_PAGE;

	m->arg = conf_pages(c, pages, &m->pa);
	if (!m->arg)
		return false;
	m->arg->cmd = cmd;
	m->arg->num_params = num_params;
	m->rpc_pa = m->pa + OPTEE_MSG_GET_ARG_SIZE(num_params);
	m->rpc_arg = (struct optee_msg_arg *)
		((char *)m->arg + OPTEE_MSG_GET_ARG_SIZE(num_params));
	m->rpc_arg->num_params = OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS;
	return true;
}

unsigned long conf_msg_call_a0(struct conf *c, struct conf_msg *m,
			       struct conf_nw *nw)
{
	unsigned long a[8] = { OPTEE_SMC_CALL_WITH_RPC_ARG,
			       (unsigned long)(m->pa >> 32),
			       (unsigned long)(uint32_t)m->pa, 0, 0, 0, 0, 0 };
	struct arm_smccc_res res;

	if (!nw) {
		if (!c->nw_default || c->nw_default->held)
			c->nw_default = conf_nw_new(c);
		nw = c->nw_default;
		if (!nw)
			return ~0UL;
		nw->n = 0;
	}
	/* The RPC argument follows the message as it is now (a case may
	 * have changed num_params since conf_msg_new()). */
	nw->rpc_arg = m->arg->num_params <= OPTEE_MSG_MAX_NUM_PARAMS ?
		(struct optee_msg_arg *)((char *)m->arg +
			OPTEE_MSG_GET_ARG_SIZE(m->arg->num_params)) : NULL;
	if (!conf_call(c, nw, a, false, &res))
		return ~0UL;
	return CONF_W(res.a0);
}

bool conf_msg_call(struct conf *c, struct conf_msg *m, struct conf_nw *nw)
{
	unsigned long a0 = conf_msg_call_a0(c, m, nw);

	if (a0 != OPTEE_SMC_RETURN_OK)
		return conf_fail(c, __FILE__, __LINE__,
				 "message cmd %u: a0 0x%lx", m->arg->cmd, a0);
	return true;
}

/* ---- sessions ----------------------------------------------------------- */

bool conf_open_msg(struct conf *c, struct conf_msg *m, const uint8_t *uuid,
		   uint32_t login, uint32_t extra_params)
{
	if (!conf_msg_new(c, m, OPTEE_MSG_CMD_OPEN_SESSION, 2 + extra_params))
		return false;
	m->arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
				 OPTEE_MSG_ATTR_META;
	memcpy(&m->arg->params[0].u.value, uuid, 16);
	m->arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
				 OPTEE_MSG_ATTR_META;
	m->arg->params[1].u.value.c = login;
	return true;
}

/* Close what the case left open, newest first. */
static void conf_close_left(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	(void)p;
	(void)a;
	(void)b;
	while (c->nsess) {
		uint32_t session = c->sess[c->nsess - 1];
		uint32_t ret = conf_close(c, session, NULL);

		if (ret != TEE_SUCCESS) {
			conf_fail(c, __FILE__, __LINE__,
				  "cleanup: close of session %u: ret 0x%x",
				  (unsigned int)session, ret);
			c->nsess--;
		}
	}
}

static uint32_t conf_open_common(struct conf *c, const uint8_t *uuid,
				 uint32_t login, uint32_t *ret,
				 uint32_t *origin, bool kept)
{
	struct conf_msg m;

	if (ret)
		*ret = ~0U;
	if (!conf_open_msg(c, &m, uuid, login, 0))
		return 0;
	if (!conf_msg_call(c, &m, NULL))
		return 0;
	if (ret)
		*ret = m.arg->ret;
	if (origin)
		*origin = m.arg->ret_origin;
	if (m.arg->ret != TEE_SUCCESS || kept)
		return m.arg->session;
	conf_track_session(c, m.arg->session);
	return m.arg->session;
}

void conf_track_session(struct conf *c, uint32_t session)
{
	if (!c->sess_cleanup) {
		if (!conf_defer(c, conf_close_left, NULL, 0, 0))
			return;
		c->sess_cleanup = true;
	}
	if (c->nsess == CONF_MAX_SESS) {
		conf_fail(c, __FILE__, __LINE__, "too many sessions");
		return;
	}
	c->sess[c->nsess++] = session;
}

uint32_t conf_open(struct conf *c, const uint8_t *uuid, uint32_t login,
		   uint32_t *ret, uint32_t *origin)
{
	return conf_open_common(c, uuid, login, ret, origin, false);
}

uint32_t conf_open_kept(struct conf *c, const uint8_t *uuid, uint32_t login,
			uint32_t *ret, uint32_t *origin)
{
	return conf_open_common(c, uuid, login, ret, origin, true);
}

uint32_t conf_close(struct conf *c, uint32_t session, uint32_t *origin)
{
	struct conf_msg m;

	if (!conf_msg_new(c, &m, OPTEE_MSG_CMD_CLOSE_SESSION, 0))
		return ~0U;
	m.arg->session = session;
	if (!conf_msg_call(c, &m, NULL))
		return ~0U;
	if (origin)
		*origin = m.arg->ret_origin;
	if (m.arg->ret == TEE_SUCCESS) {
		unsigned int i;

		for (i = c->nsess; i-- > 0;) {
			if (c->sess[i] != session)
				continue;
			memmove(&c->sess[i], &c->sess[i + 1],
				(c->nsess - i - 1) * sizeof(c->sess[0]));
			c->nsess--;
			break;
		}
	}
	return m.arg->ret;
}

/* ---- calls that make RPCs ----------------------------------------------- */

void conf_std_regs(unsigned long a[8], unsigned long fid, uint64_t pa)
{
	memset(a, 0, 8 * sizeof(a[0]));
	a[0] = fid;
	a[1] = (unsigned long)(pa >> 32);
	a[2] = CONF_W(pa);
}

bool conf_start_missing(struct conf *c, struct conf_nw **nw,
			      struct conf_msg *m, bool hold,
			      struct arm_smccc_res *r)
{
	unsigned long a[8];

	*nw = conf_nw_new(c);
	if (!*nw)
		return false;
	if (!conf_open_msg(c, m, conf_uuid_missing_ta,
			   OPTEE_MSG_LOGIN_PUBLIC, 0))
		return false;
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, m->pa);
	return conf_call(c, *nw, a, hold, r);
}

unsigned int conf_hold_all(struct conf *c, unsigned long tids[16])
{
	unsigned int n = conf_thread_count(c), i;

	if (!n)
		return 0;
	if (n > 16) {
		conf_fail(c, __FILE__, __LINE__, "%u threads: too many", n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct conf_nw *nw;
		struct conf_msg m;
		struct arm_smccc_res r;

		if (!conf_start_missing(c, &nw, &m, true, &r))
			return 0;
		if (!optee_smc_return_is_rpc(r.a0)) {
			conf_fail(c, __FILE__, __LINE__,
				  "call %u did not suspend: a0 0x%x", i,
				  CONF_W(r.a0));
			return 0;
		}
		tids[i] = CONF_W(r.a3);
	}
	return n;
}

void conf_cache_drain(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	struct arm_smccc_res r;
	unsigned int i;

	(void)p;
	(void)a;
	(void)b;
	for (i = 0; i < 64; i++) {
		conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
		if (CONF_W(r.a0) == OPTEE_SMC_RETURN_ENOTAVAIL)
			return;
		if (CONF_W(r.a0) != OPTEE_SMC_RETURN_OK)
			break;
	}
	conf_fail(c, __FILE__, __LINE__,
		  "cleanup: DISABLE_SHM_CACHE a0 0x%x", CONF_W(r.a0));
}
