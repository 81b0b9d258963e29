/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The normal world of the cases' yielding calls: it answers RPCs as
 * Linux's driver does with no supplicant attached. ALLOC lends pages (the
 * PA is the cookie) and FREE takes them back; RPC CMD is served in the
 * kernel (SHM_ALLOC/SHM_FREE, NOTIFICATION, GET_TIME, SUSPEND) or answered
 * with the error a missing supplicant gives. One normal-world thread runs
 * every call, so a call that waits for a notification another call must
 * send is set aside and the others run (conf_resume_all()), as the kernel
 * would sleep that thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

#define CONF_PAGE	4096U
/* Past this many RPCs a call is taken to be looping. */
#define CONF_RPC_BOUND	4096U

/* ---- the normal world of yielding calls -------------------------------- */

static void conf_nw_release(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	struct conf_nw *nw = p;
	unsigned int i;

	(void)a;
	(void)b;
	for (i = 0; i < CONF_ALLOCS; i++) {
		struct conf_alloc *m = &nw->allocs[i];

		if (!m->cookie)
			continue;
		if (smcsim_phys_free_pages(c->t->phys, m->pa, m->pages))
			conf_fail(c, __FILE__, __LINE__,
				  "cleanup: lent pages at 0x%llx not freed",
				  (unsigned long long)m->pa);
		m->cookie = 0;
	}
}

struct conf_nw *conf_nw_new(struct conf *c)
{
	unsigned int i;

	for (i = 0; i < CONF_MAX_NW; i++) {
		if (c->nw[i])
			continue;
		c->nw[i] = calloc(1, sizeof(*c->nw[i]));
		if (!c->nw[i])
			break;
		if (!conf_defer(c, conf_nw_release, c->nw[i], 0, 0))
			return NULL;
		return c->nw[i];
	}
	conf_fail(c, __FILE__, __LINE__, "no normal world left for the case");
	return NULL;
}

struct conf_nw *conf_case_nw(struct conf *c, unsigned int i)
{
	return i < CONF_MAX_NW ? c->nw[i] : NULL;
}

static struct conf_alloc *conf_nw_lend(struct conf *c, struct conf_nw *nw,
				       size_t size, bool rpc_alloc)
{
	size_t pages = (size + CONF_PAGE - 1) / CONF_PAGE;
	unsigned int i;
	uint64_t pa;

	if (!pages)
		pages = 1;
	for (i = 0; i < CONF_ALLOCS; i++) {
		struct conf_alloc *m = &nw->allocs[i];

		if (m->cookie)
			continue;
		if (smcsim_phys_alloc_pages(c->t->phys, pages, &pa))
			return NULL;
		m->va = conf_map(c, pa, pages * CONF_PAGE);
		if (!m->va) {
			smcsim_phys_free_pages(c->t->phys, pa, pages);
			return NULL;
		}
		memset(m->va, 0, pages * CONF_PAGE);
		m->pa = pa;
		m->cookie = pa;
		m->pages = pages;
		m->rpc_alloc = rpc_alloc;
		return m;
	}
	return NULL;
}

static struct conf_alloc *conf_nw_find(struct conf_nw *nw, uint64_t cookie)
{
	unsigned int i;

	if (!cookie)
		return NULL;
	for (i = 0; i < CONF_ALLOCS; i++)
		if (nw->allocs[i].cookie == cookie)
			return &nw->allocs[i];
	return NULL;
}

static void conf_nw_unlend(struct conf *c, struct conf_alloc *m)
{
	smcsim_phys_free_pages(c->t->phys, m->pa, m->pages);
	m->cookie = 0;
}

static uint32_t conf_nw_shm_alloc(struct conf *c, struct conf_nw *nw,
				  struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	uint64_t type = p->u.value.a, size = p->u.value.b;
	struct conf_alloc *m;

	if (arg->num_params != 1 ||
	    (p->attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
		    OPTEE_MSG_ATTR_TYPE_VALUE_INPUT)
		return TEE_ERROR_BAD_PARAMETERS;
	if (type == OPTEE_RPC_SHM_TYPE_APPL && nw->appl_ret)
		return nw->appl_ret;
	if (type != OPTEE_RPC_SHM_TYPE_APPL &&
	    type != OPTEE_RPC_SHM_TYPE_KERNEL)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!size || size > 16 * CONF_PAGE)
		return TEE_ERROR_OUT_OF_MEMORY;
	m = conf_nw_lend(c, nw, (size_t)size, false);
	if (!m)
		return TEE_ERROR_OUT_OF_MEMORY;
	p->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	p->u.tmem.buf_ptr = m->pa;
	p->u.tmem.size = size;
	p->u.tmem.shm_ref = m->cookie;
	return TEE_SUCCESS;
}

static uint32_t conf_nw_shm_free(struct conf *c, struct conf_nw *nw,
				 struct optee_msg_arg *arg)
{
	struct conf_alloc *m;

	if (arg->num_params != 1 ||
	    (arg->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
		    OPTEE_MSG_ATTR_TYPE_VALUE_INPUT)
		return TEE_ERROR_BAD_PARAMETERS;
	m = conf_nw_find(nw, arg->params[0].u.value.b);
	if (!m || m->rpc_alloc)
		return TEE_ERROR_BAD_PARAMETERS;
	conf_nw_unlend(c, m);
	return TEE_SUCCESS;
}

static bool conf_notif_pending(const struct conf *c, uint32_t key)
{
	return key < CONF_NOTIF_KEYS &&
	       (c->notif_pending[key / 64] & (1ULL << (key % 64)));
}

static void conf_notif_set(struct conf *c, uint32_t key, bool on)
{
	if (key >= CONF_NOTIF_KEYS)
		return;
	if (on)
		c->notif_pending[key / 64] |= 1ULL << (key % 64);
	else
		c->notif_pending[key / 64] &= ~(1ULL << (key % 64));
}

static uint32_t conf_nw_notif(struct conf *c, struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	uint64_t value = p->u.value.b;

	if (arg->num_params != 1 || value >= CONF_NOTIF_KEYS)
		return TEE_ERROR_BAD_PARAMETERS;
	if (p->u.value.a == OPTEE_RPC_NOTIFICATION_SEND) {
		conf_notif_set(c, (uint32_t)value, true);
		return TEE_SUCCESS;
	}
	if (p->u.value.a == OPTEE_RPC_NOTIFICATION_WAIT) {
		/* conf_nw_loop() lets a WAIT through only once its SEND
		 * came: a wait here is already answered. */
		conf_notif_set(c, (uint32_t)value, false);
		return TEE_SUCCESS;
	}
	return TEE_ERROR_BAD_PARAMETERS;
}

/* Serve RPC CMD @arg as Linux's driver does with no supplicant attached. */
static uint32_t conf_nw_cmd(struct conf *c, struct conf_nw *nw,
			    struct optee_msg_arg *arg)
{
	switch (arg->cmd) {
	case OPTEE_RPC_CMD_SHM_ALLOC:
		return conf_nw_shm_alloc(c, nw, arg);
	case OPTEE_RPC_CMD_SHM_FREE:
		return conf_nw_shm_free(c, nw, arg);
	case OPTEE_RPC_CMD_NOTIFICATION:
		return conf_nw_notif(c, arg);
	case OPTEE_RPC_CMD_GET_TIME:
		if (arg->num_params != 1)
			return TEE_ERROR_BAD_PARAMETERS;
		arg->params[0].u.value.a = 0;
		arg->params[0].u.value.b = 0;
		return TEE_SUCCESS;
	case OPTEE_RPC_CMD_SUSPEND:
		return TEE_SUCCESS;
	default:
		return nw->supp_ret ? nw->supp_ret : TEE_ERROR_COMMUNICATION;
	}
}

static struct conf_rpc_rec *conf_nw_rec(struct conf_nw *nw,
					const struct arm_smccc_res *r)
{
	struct conf_rpc_rec *rec = NULL;

	if (nw->n < CONF_RPC_LOG) {
		rec = &nw->rec[nw->n];
		memset(rec, 0, sizeof(*rec));
		rec->func = optee_smc_return_rpc_func(r->a0);
		rec->a1 = CONF_W(r->a1);
		rec->a2 = CONF_W(r->a2);
		rec->a3 = CONF_W(r->a3);
	}
	nw->n++;
	return rec;
}

/* The argument of RPC CMD @r: the supplied one (cookie 0) or a lent one. */
static struct optee_msg_arg *conf_nw_cmd_arg(struct conf_nw *nw,
					     const struct arm_smccc_res *r)
{
	uint64_t cookie = ((uint64_t)CONF_W(r->a1) << 32) | CONF_W(r->a2);
	struct conf_alloc *m;

	if (!cookie)
		return nw->rpc_arg;
	m = conf_nw_find(nw, cookie);
	return m && m->rpc_alloc ? m->va : NULL;
}

/*
 * Is @r a NOTIFICATION WAIT no SEND has answered yet? Then *@key is the
 * value waited for.
 */
static bool conf_nw_must_wait(struct conf *c, struct conf_nw *nw,
			      const struct arm_smccc_res *r, uint32_t *key)
{
	struct optee_msg_arg *arg;

	if (optee_smc_return_rpc_func(r->a0) != OPTEE_SMC_RPC_FUNC_CMD)
		return false;
	arg = conf_nw_cmd_arg(nw, r);
	if (!arg || arg->cmd != OPTEE_RPC_CMD_NOTIFICATION ||
	    arg->num_params != 1 ||
	    arg->params[0].u.value.a != OPTEE_RPC_NOTIFICATION_WAIT ||
	    arg->params[0].u.value.b >= CONF_NOTIF_KEYS)
		return false;
	*key = (uint32_t)arg->params[0].u.value.b;
	return !conf_notif_pending(c, *key);
}

/* Answer the RPC in @r; fills @a with the RETURN_FROM_RPC to issue. */
static void conf_nw_answer(struct conf *c, struct conf_nw *nw,
			   const struct arm_smccc_res *r, unsigned long a[8])
{
	struct conf_rpc_rec *rec = conf_nw_rec(nw, r);
	uint64_t cookie = ((uint64_t)CONF_W(r->a1) << 32) | CONF_W(r->a2);
	struct conf_alloc *m;

	memset(a, 0, 8 * sizeof(a[0]));
	a[0] = OPTEE_SMC_CALL_RETURN_FROM_RPC;
	a[1] = CONF_W(r->a1);
	a[2] = CONF_W(r->a2);
	a[3] = CONF_W(r->a3);
	switch (optee_smc_return_rpc_func(r->a0)) {
	case OPTEE_SMC_RPC_FUNC_ALLOC:
		a[1] = 0;
		a[2] = 0;
		m = nw->alloc_fail ? NULL :
			conf_nw_lend(c, nw, (size_t)CONF_W(r->a1), true);
		if (m) {
			a[1] = (unsigned long)(m->pa >> 32);
			a[2] = (unsigned long)(uint32_t)m->pa;
			a[4] = (unsigned long)(m->cookie >> 32);
			a[5] = (unsigned long)(uint32_t)m->cookie;
			if (rec)
				rec->cookie = m->cookie;
		}
		break;
	case OPTEE_SMC_RPC_FUNC_FREE:
		if (rec)
			rec->cookie = cookie;
		m = conf_nw_find(nw, cookie);
		if (m && m->rpc_alloc)
			conf_nw_unlend(c, m);
		else
			conf_note(c, "RPC FREE of unknown cookie 0x%llx",
				  (unsigned long long)cookie);
		break;
	case OPTEE_SMC_RPC_FUNC_CMD: {
		struct optee_msg_arg *arg = conf_nw_cmd_arg(nw, r);

		if (rec)
			rec->cookie = cookie;
		if (!arg) {
			conf_note(c, "RPC CMD with unknown cookie 0x%llx",
				  (unsigned long long)cookie);
			break;
		}
		if (arg->num_params > OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS) {
			arg->ret = TEE_ERROR_BAD_PARAMETERS;
		} else {
			if (rec) {
				rec->cmd = arg->cmd;
				rec->num_params = arg->num_params;
				if (arg->num_params) {
					rec->attr0 = arg->params[0].attr;
					rec->v[0] = arg->params[0].u.value.a;
					rec->v[1] = arg->params[0].u.value.b;
					rec->v[2] = arg->params[0].u.value.c;
				}
			}
			arg->ret = conf_nw_cmd(c, nw, arg);
		}
		arg->ret_origin = TEEC_ORIGIN_COMMS;
		if (rec)
			rec->ret = arg->ret;
		break;
	}
	default:
		/* FOREIGN_INTR and unknown functions: resume as they came. */
		break;
	}
}

static bool conf_nw_loop(struct conf *c, struct conf_nw *nw,
			 unsigned int steps, struct arm_smccc_res *res)
{
	unsigned int done = 0;
	unsigned long a[8];

	nw->blocked = false;
	while (optee_smc_return_is_rpc(nw->last.a0)) {
		uint32_t key;

		if (conf_nw_must_wait(c, nw, &nw->last, &key)) {
			nw->held = true;
			*res = nw->last;
			if (c->sched) {
				nw->blocked = true;
				nw->wait_key = key;
				return true;
			}
			return conf_fail(c, __FILE__, __LINE__,
					 "a call waits for notification %u "
					 "(a secure lock another call holds)",
					 key);
		}
		if (steps && done == steps) {
			nw->held = true;
			*res = nw->last;
			return true;
		}
		if (done++ == CONF_RPC_BOUND) {
			nw->held = true;
			*res = nw->last;
			conf_nw_dump(c, nw);
			return conf_fail(c, __FILE__, __LINE__,
					 "a call made more than %u RPCs",
					 CONF_RPC_BOUND);
		}
		conf_nw_answer(c, nw, &nw->last, a);
		conf_smc(c, a, &nw->last);
	}
	nw->held = false;
	*res = nw->last;
	return true;
}

bool conf_call(struct conf *c, struct conf_nw *nw, const unsigned long a[8],
	       bool hold, struct arm_smccc_res *res)
{
	conf_smc(c, a, &nw->last);
	if (hold && optee_smc_return_is_rpc(nw->last.a0)) {
		nw->held = true;
		*res = nw->last;
		return true;
	}
	return conf_nw_loop(c, nw, 0, res);
}

bool conf_resume(struct conf *c, struct conf_nw *nw, unsigned int steps,
		 struct arm_smccc_res *res)
{
	return conf_nw_loop(c, nw, steps, res);
}

bool conf_resume_all(struct conf *c, struct conf_nw *first)
{
	struct arm_smccc_res res;
	unsigned int i, rounds;
	bool ok = true;

	c->sched = true;
	if (first && first->held)
		ok = conf_nw_loop(c, first, 0, &res);
	for (rounds = 0; ok && rounds < 64; rounds++) {
		bool any = false, progress = false;

		for (i = 0; ok && i < CONF_MAX_NW; i++) {
			struct conf_nw *nw = c->nw[i];

			if (!nw || !nw->held)
				continue;
			any = true;
			if (nw->blocked && !conf_notif_pending(c, nw->wait_key))
				continue;
			progress = true;
			ok = conf_nw_loop(c, nw, 0, &res);
		}
		if (!any)
			break;
		if (!progress) {
			ok = conf_fail(c, __FILE__, __LINE__,
				       "every held call waits for a "
				       "notification: deadlock");
		}
	}
	c->sched = false;
	return ok;
}

unsigned int conf_nw_count(const struct conf_nw *nw, uint32_t func, int cmd)
{
	unsigned int i, n = 0;

	for (i = 0; i < nw->n && i < CONF_RPC_LOG; i++)
		if (nw->rec[i].func == func &&
		    (cmd < 0 || func != OPTEE_SMC_RPC_FUNC_CMD ||
		     nw->rec[i].cmd == (uint32_t)cmd))
			n++;
	return n;
}

void conf_nw_dump(struct conf *c, const struct conf_nw *nw)
{
	static const char *const fn[] = { "ALLOC", "?1", "FREE", "?3",
					  "FOREIGN_INTR", "CMD" };
	unsigned int i;

	for (i = 0; i < nw->n && i < CONF_RPC_LOG; i++) {
		const struct conf_rpc_rec *r = &nw->rec[i];
		const char *name = r->func < 6 ? fn[r->func] : "?";

		if (r->func == OPTEE_SMC_RPC_FUNC_CMD)
			conf_note(c, "rpc %u: CMD %u params %u attr0 0x%llx "
				  "v %llu %llu %llu -> ret 0x%x", i, r->cmd,
				  r->num_params,
				  (unsigned long long)r->attr0,
				  (unsigned long long)r->v[0],
				  (unsigned long long)r->v[1],
				  (unsigned long long)r->v[2], r->ret);
		else
			conf_note(c, "rpc %u: %s a1 0x%lx a2 0x%lx a3 %lu",
				  i, name, r->a1, r->a2, r->a3);
	}
	if (nw->n > CONF_RPC_LOG)
		conf_note(c, "... %u RPCs in all", nw->n);
}
