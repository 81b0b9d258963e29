// SPDX-License-Identifier: BSD-2-Clause
/*
 * RPC commands from the secure world (after Linux's optee/rpc.c,
 * abi-facts.md section 6): the kernel serves GET_TIME, SUSPEND, SHM_ALLOC
 * and SHM_FREE of kernel memory; what it cannot serve goes to the
 * supplicant, which issue 7 adds (until then: TEE_ERROR_COMMUNICATION, what
 * an in-kernel client without a supplicant gets).
 *
 * Everything the secure world sends is checked before use. In particular
 * the cookies it hands back are looked up among those this driver gave
 * out: Linux casts them back to pointers, which a confused or hostile
 * secure world turns into a wild access.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/tee_error.h>

#include "optee_private.h"

/* ---- cookies of shm given to the secure world --------------------------- */

static int rpc_shm_cmp(const struct optee_rpc_shm *a,
		       const struct optee_rpc_shm *b)
{
	return a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
}

RB_GENERATE_STATIC(optee_rpc_shm_tree, optee_rpc_shm, node, rpc_shm_cmp)

uint64_t optee_rpc_shm_add(struct optee *optee, struct tee_shm *shm)
{
	struct optee_rpc_shm *r = smcsim_zalloc(sizeof(*r));

	if (!r)
		return 0;
	r->shm = shm;
	r->cookie = optee_new_cookie(optee);
	shm->sec_world_id = r->cookie;
	rt_mutex_lock(&optee->rpc_lock);
	RB_INSERT(optee_rpc_shm_tree, &optee->rpc_shms, r);
	rt_mutex_unlock(&optee->rpc_lock);
	return r->cookie;
}

struct tee_shm *optee_rpc_shm_find(struct optee *optee, uint64_t cookie)
{
	struct optee_rpc_shm key = { .cookie = cookie }, *r;

	rt_mutex_lock(&optee->rpc_lock);
	r = RB_FIND(optee_rpc_shm_tree, &optee->rpc_shms, &key);
	rt_mutex_unlock(&optee->rpc_lock);
	return r ? r->shm : NULL;
}

struct tee_shm *optee_rpc_shm_take(struct optee *optee, uint64_t cookie)
{
	struct optee_rpc_shm key = { .cookie = cookie }, *r;
	struct tee_shm *shm = NULL;

	rt_mutex_lock(&optee->rpc_lock);
	r = RB_FIND(optee_rpc_shm_tree, &optee->rpc_shms, &key);
	if (r)
		RB_REMOVE(optee_rpc_shm_tree, &optee->rpc_shms, r);
	rt_mutex_unlock(&optee->rpc_lock);
	if (r) {
		shm = r->shm;
		smcsim_free(r);
	}
	return shm;
}

void optee_rpc_shm_free_all(struct optee *optee)
{
	struct optee_rpc_shm *r, *next;

	/* What the secure world never gave back goes with the driver. */
	RB_FOREACH_SAFE(r, optee_rpc_shm_tree, &optee->rpc_shms, next) {
		RB_REMOVE(optee_rpc_shm_tree, &optee->rpc_shms, r);
		tee_shm_free(r->shm);
		smcsim_free(r);
	}
}

/* ---- page lists (OPTEE_MSG_ATTR_NONCONTIG) ------------------------------ */

int optee_pages_list_alloc(struct optee *optee, const uint64_t *pages,
			   size_t num_pages, unsigned int page_offset,
			   uint64_t *list_pa, size_t *num_entries)
{
	const size_t per_page = OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE;
	struct smcsim_phys *phys = optee->cfg.phys;
	size_t n = (num_pages + per_page - 1) / per_page;
	uint64_t pa, *list;
	size_t i;
	int rc;

	if (!num_pages)
		return -EINVAL;
	/* The list pages are contiguous here; the next pointers say so too. */
	rc = smcsim_phys_alloc_pages(phys, n, &pa);
	if (rc)
		return rc;
	list = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, pa,
			       n * SMCSIM_PAGE_SIZE);
	memset(list, 0, n * SMCSIM_PAGE_SIZE);
	for (i = 0; i < num_pages; i++) {
		size_t page = i / per_page;

		list[page * (per_page + 1) + i % per_page] = pages[i];
		if (i % per_page == per_page - 1 && i + 1 < num_pages)
			list[page * (per_page + 1) + per_page] =
				pa + (page + 1) * SMCSIM_PAGE_SIZE;
	}
	*list_pa = pa | (page_offset & SMCSIM_PAGE_MASK);
	*num_entries = n;
	return 0;
}

void optee_pages_list_free(struct optee *optee, uint64_t list_pa,
			   size_t num_entries)
{
	if (num_entries)
		smcsim_phys_free_pages(optee->cfg.phys,
				       list_pa & ~(uint64_t)SMCSIM_PAGE_MASK,
				       num_entries);
}

void optee_rpc_finalize_call(struct optee *optee,
			     struct optee_call_ctx *call_ctx)
{
	optee_pages_list_free(optee, call_ctx->pages_list,
			      call_ctx->num_entries);
	call_ctx->pages_list = 0;
	call_ctx->num_entries = 0;
}

/* ---- commands ----------------------------------------------------------- */

static void rpc_get_time(struct optee_msg_arg *arg)
{
	struct timespec ts;

	if (arg->num_params != 1 ||
	    (arg->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
	    OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	arg->params[0].u.value.a = (uint64_t)ts.tv_sec;
	arg->params[0].u.value.b = (uint64_t)ts.tv_nsec;
	arg->ret = TEE_SUCCESS;
}

/* The longest SUSPEND honoured, so a hostile value cannot park us. */
#define OPTEE_RPC_SUSPEND_MAX_MS	10000

static void rpc_suspend(struct optee_msg_arg *arg)
{
	uint64_t ms;

	if (arg->num_params != 1 ||
	    (arg->params[0].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
	    OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	ms = arg->params[0].u.value.a;
	if (ms > OPTEE_RPC_SUSPEND_MAX_MS)
		ms = OPTEE_RPC_SUSPEND_MAX_MS;
	if (ms)
		rt_sleep_ms((unsigned int)ms);
	arg->ret = TEE_SUCCESS;
}

static void rpc_shm_alloc(struct optee *optee, struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	struct tee_shm *shm;
	uint64_t cookie, pa;
	size_t sz;
	unsigned int i;

	arg->ret_origin = TEEC_ORIGIN_COMMS;
	if (!arg->num_params ||
	    p->attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	for (i = 1; i < arg->num_params; i++) {
		if (arg->params[i].attr != OPTEE_MSG_ATTR_TYPE_NONE) {
			arg->ret = TEE_ERROR_BAD_PARAMETERS;
			return;
		}
	}
	sz = (size_t)p->u.value.b;
	switch (p->u.value.a) {
	case OPTEE_RPC_SHM_TYPE_KERNEL:
		if (tee_shm_alloc_priv_buf(optee->ctx, sz, &shm)) {
			arg->ret = TEE_ERROR_OUT_OF_MEMORY;
			return;
		}
		break;
	case OPTEE_RPC_SHM_TYPE_APPL:
		/* Application memory comes from the supplicant (issue 7). */
		arg->ret = TEE_ERROR_OUT_OF_MEMORY;
		return;
	default:
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	cookie = optee_rpc_shm_add(optee, shm);
	if (!cookie || tee_shm_get_pa(shm, 0, &pa)) {
		tee_shm_free(shm);
		arg->ret = TEE_ERROR_OUT_OF_MEMORY;
		return;
	}
	/* Private pool memory is physically contiguous: send it by PA. */
	p->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	p->u.tmem.buf_ptr = pa;
	p->u.tmem.size = shm->size;
	p->u.tmem.shm_ref = cookie;
	arg->ret = TEE_SUCCESS;
}

static void rpc_shm_free(struct optee *optee, struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	struct tee_shm *shm;

	if (arg->num_params != 1 ||
	    p->attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	if (p->u.value.a != OPTEE_RPC_SHM_TYPE_KERNEL) {
		/* APPL through the supplicant is issue 7's. */
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	shm = optee_rpc_shm_take(optee, p->u.value.b);
	if (!shm) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	tee_shm_free(shm);
	arg->ret = TEE_SUCCESS;
}

void optee_rpc_cmd(struct tee_context *ctx, struct optee *optee,
		   struct optee_msg_arg *arg, size_t arg_size,
		   struct optee_call_ctx *call_ctx)
{
	(void)ctx;
	/* The params the secure world says it sent must fit the buffer. */
	if (arg_size < sizeof(*arg) ||
	    arg->num_params > (arg_size - sizeof(*arg)) /
			      sizeof(struct optee_msg_param)) {
		if (arg_size >= sizeof(*arg))
			arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	arg->ret_origin = TEEC_ORIGIN_COMMS;
	switch (arg->cmd) {
	case OPTEE_RPC_CMD_GET_TIME:
		rpc_get_time(arg);
		break;
	case OPTEE_RPC_CMD_SUSPEND:
		rpc_suspend(arg);
		break;
	case OPTEE_RPC_CMD_SHM_ALLOC:
		optee_rpc_finalize_call(optee, call_ctx);
		rpc_shm_alloc(optee, arg);
		break;
	case OPTEE_RPC_CMD_SHM_FREE:
		rpc_shm_free(optee, arg);
		break;
	case OPTEE_RPC_CMD_I2C_TRANSFER:
		/* Linux without CONFIG_I2C. */
		arg->ret = TEE_ERROR_NOT_SUPPORTED;
		break;
	default:
		/*
		 * For the supplicant (issue 7). With none attached an
		 * in-kernel client gets COMMUNICATION at once.
		 */
		arg->ret = TEE_ERROR_COMMUNICATION;
		break;
	}
}
