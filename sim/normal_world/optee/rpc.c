// SPDX-License-Identifier: BSD-2-Clause
/*
 * RPC commands from the secure world (after Linux's optee/rpc.c,
 * docs/abi.md section 7): the kernel serves GET_TIME, SUSPEND,
 * NOTIFICATION, and SHM_ALLOC and SHM_FREE (application memory through the
 * supplicant); everything else goes to the supplicant as TEE params
 * (supp.c).
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
#include <smcsim/rt.h>
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
	/* A registered shm keeps the name it was registered under. */
	if (!tee_shm_is_dynamic(shm))
		shm->sec_world_id = r->cookie;
	rt_mutex_lock(&optee->rpc_lock);
	RB_INSERT(optee_rpc_shm_tree, &optee->rpc_shms, r);
	rt_mutex_unlock(&optee->rpc_lock);
	return r->cookie;
}

struct tee_shm *optee_rpc_shm_get(struct optee *optee, uint64_t cookie)
{
	struct optee_rpc_shm key = { .cookie = cookie }, *r;
	struct tee_shm *shm = NULL;

	rt_mutex_lock(&optee->rpc_lock);
	r = RB_FIND(optee_rpc_shm_tree, &optee->rpc_shms, &key);
	if (r) {
		shm = r->shm;
		tee_shm_get(shm);
	}
	rt_mutex_unlock(&optee->rpc_lock);
	return shm;
}

/*
 * Forget @cookie if it names memory of the type asked for: application
 * memory belongs to the supplicant's context, kernel memory to the
 * driver's. Return: its shm (the tree's reference passes to the caller)
 * or NULL.
 */
struct tee_shm *optee_rpc_shm_take_typed(struct optee *optee, uint64_t cookie,
					 bool appl)
{
	struct optee_rpc_shm key = { .cookie = cookie }, *r;
	struct tee_shm *shm = NULL;

	rt_mutex_lock(&optee->rpc_lock);
	r = RB_FIND(optee_rpc_shm_tree, &optee->rpc_shms, &key);
	if (r && (r->shm->ctx != optee->ctx) == appl)
		RB_REMOVE(optee_rpc_shm_tree, &optee->rpc_shms, r);
	else
		r = NULL;
	rt_mutex_unlock(&optee->rpc_lock);
	if (r) {
		shm = r->shm;
		smcsim_free(r);
	}
	return shm;
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

void optee_rpc_shm_free_appl(struct optee *optee)
{
	struct optee_rpc_shm *r;

	for (;;) {
		rt_mutex_lock(&optee->rpc_lock);
		RB_FOREACH(r, optee_rpc_shm_tree, &optee->rpc_shms)
			if (r->shm->ctx != optee->ctx)
				break;
		if (r)
			RB_REMOVE(optee_rpc_shm_tree, &optee->rpc_shms, r);
		rt_mutex_unlock(&optee->rpc_lock);
		if (!r)
			return;
		/* Outside the lock: the last put may unregister (an SMC). */
		tee_shm_put(r->shm);
		smcsim_free(r);
	}
}

void optee_rpc_shm_free_all(struct optee *optee)
{
	struct optee_rpc_shm *r, *next;

	/* What the secure world never gave back goes with the driver. */
	RB_FOREACH_SAFE(r, optee_rpc_shm_tree, &optee->rpc_shms, next) {
		RB_REMOVE(optee_rpc_shm_tree, &optee->rpc_shms, r);
		/* The driver's own, or its reference on a supplicant's. */
		tee_shm_put(r->shm);
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
	/* Virtual in a deterministic run: a TA's view of time replays. */
	rt_realtime(&ts);
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

/*
 * NOTIFICATION: a secure thread waits for a key or sends one (docs/abi.md
 * section 9.3).
 * A timeout is TEE_ERROR_TIMEOUT; any other failure BAD_PARAMETERS, as in
 * Linux.
 */
static void rpc_notification(struct optee *optee, struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	uint64_t timeout;
	int rc;

	if (arg->num_params != 1 ||
	    (p->attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
	    OPTEE_MSG_ATTR_TYPE_VALUE_INPUT) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	switch (p->u.value.a) {
	case OPTEE_RPC_NOTIFICATION_WAIT:
		timeout = p->u.value.c;
		rc = optee_notif_wait(optee, p->u.value.b,
				      timeout > UINT32_MAX ? UINT32_MAX :
				      (unsigned int)timeout);
		break;
	case OPTEE_RPC_NOTIFICATION_SEND:
		rc = optee_notif_send(optee, p->u.value.b);
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc == -ETIMEDOUT)
		arg->ret = TEE_ERROR_TIMEOUT;
	else
		arg->ret = rc ? TEE_ERROR_BAD_PARAMETERS : TEE_SUCCESS;
}

/*
 * Application memory comes from the supplicant: it allocates in its own
 * context and names the shm by id; the driver takes a reference by that
 * id, which it drops at SHM_FREE before telling the supplicant.
 */
static struct tee_shm *rpc_alloc_suppl(struct tee_context *ctx,
				       struct optee *optee, size_t sz)
{
	struct tee_param p = {
		.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT,
		.u.value = { .a = OPTEE_RPC_SHM_TYPE_APPL, .b = sz },
	};
	struct tee_shm *shm = NULL;
	int rc = -EINVAL;

	if (optee_supp_thrd_req(ctx, OPTEE_RPC_CMD_SHM_ALLOC, 1, &p))
		return NULL;
	rt_mutex_lock(&optee->supp.mutex);
	if (optee->supp.ctx && p.u.value.c <= INT32_MAX)
		rc = tee_shm_get_from_id(optee->supp.ctx, (int)p.u.value.c, &shm);
	rt_mutex_unlock(&optee->supp.mutex);
	if (rc)
		return NULL;
	/*
	 * The supplicant's answer is checked like any other input. Only pool
	 * memory is one physical run and can go by address: registered user
	 * memory could hand the secure world someone else's pages.
	 */
	if (shm->size < sz || !(shm->flags & TEE_SHM_POOL)) {
		tee_shm_put(shm);
		return NULL;
	}
	return shm;
}

static void rpc_free_suppl(struct tee_context *ctx, struct tee_shm *shm)
{
	struct tee_param p = {
		.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = OPTEE_RPC_SHM_TYPE_APPL, .b = (uint64_t)shm->id },
	};

	/* Ours goes first, as in Linux; the supplicant's id keeps it alive. */
	tee_shm_put(shm);
	optee_supp_thrd_req(ctx, OPTEE_RPC_CMD_SHM_FREE, 1, &p);
}

static void rpc_shm_alloc(struct tee_context *ctx, struct optee *optee,
			  struct optee_msg_arg *arg)
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
		shm = rpc_alloc_suppl(ctx, optee, sz);
		if (!shm) {
			arg->ret = TEE_ERROR_OUT_OF_MEMORY;
			return;
		}
		break;
	default:
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	cookie = optee_rpc_shm_add(optee, shm);
	if (!cookie || tee_shm_get_pa(shm, 0, &pa)) {
		if (cookie)
			optee_rpc_shm_take(optee, cookie);
		if (p->u.value.a == OPTEE_RPC_SHM_TYPE_APPL)
			rpc_free_suppl(ctx, shm);
		else
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

static void rpc_shm_free(struct tee_context *ctx, struct optee *optee,
			 struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = &arg->params[0];
	struct tee_shm *shm;
	bool appl;

	if (arg->num_params != 1 ||
	    p->attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT ||
	    (p->u.value.a != OPTEE_RPC_SHM_TYPE_KERNEL &&
	     p->u.value.a != OPTEE_RPC_SHM_TYPE_APPL)) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	appl = p->u.value.a == OPTEE_RPC_SHM_TYPE_APPL;
	/* Found, checked and taken in one hold: two frees race otherwise. */
	shm = optee_rpc_shm_take_typed(optee, p->u.value.b, appl);
	if (!shm) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	if (appl)
		rpc_free_suppl(ctx, shm);
	else
		tee_shm_free(shm);
	arg->ret = TEE_SUCCESS;
}

/* ---- the supplicant's commands ------------------------------------------ */

#define READ_ONCE_U32(x)	(*(const volatile uint32_t *)&(x))

static void rpc_params_put(struct tee_param *params, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (params[i].attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			tee_shm_put(params[i].u.memref.shm);
			break;
		default:
			break;
		}
	}
}

/*
 * An RPC's params as the supplicant sees them: values as they are, memrefs
 * resolved by cookie among the shm this driver gave the secure world and
 * checked to lie inside it. Each memref holds a reference until the
 * request ends (rpc_params_put()): another secure thread may SHM_FREE the
 * cookie meanwhile, and the supplicant must never get freed memory.
 * On error nothing is held.
 */
static int rpc_params_to_supp(struct optee *optee, struct tee_param *params,
			      const struct optee_msg_param *mps, size_t n)
{
	int rc = -EINVAL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct optee_msg_param *mp = mps + i;
		struct tee_param *p = params + i;
		uint64_t type = mp->attr & OPTEE_MSG_ATTR_TYPE_MASK;
		struct tee_shm *shm;
		uint64_t offs, size, pa;

		memset(p, 0, sizeof(*p));
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_NONE:
			p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_NONE;
			continue;
		case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT + type -
				  OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
			p->u.value.a = mp->u.value.a;
			p->u.value.b = mp->u.value.b;
			p->u.value.c = mp->u.value.c;
			continue;
		case OPTEE_MSG_ATTR_TYPE_RMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT + type -
				  OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
			shm = optee_rpc_shm_get(optee, mp->u.rmem.shm_ref);
			offs = mp->u.rmem.offs;
			size = mp->u.rmem.size;
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			p->attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT + type -
				  OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
			size = mp->u.tmem.size;
			if (!mp->u.tmem.shm_ref) {
				/* A NULL memref: a size query. */
				p->u.memref.size = (size_t)size;
				continue;
			}
			shm = optee_rpc_shm_get(optee, mp->u.tmem.shm_ref);
			if (shm && (tee_shm_get_pa(shm, 0, &pa) ||
				    mp->u.tmem.buf_ptr < pa)) {
				tee_shm_put(shm);
				goto err;
			}
			offs = shm ? mp->u.tmem.buf_ptr - pa : 0;
			break;
		default:
			goto err;
		}
		if (!shm)
			goto err;
		/* Held from here: rpc_params_put() drops it. */
		p->u.memref.shm = shm;
		if (offs > shm->size || size > shm->size - offs) {
			i++;
			goto err;
		}
		p->u.memref.shm_offs = (size_t)offs;
		p->u.memref.size = (size_t)size;
	}
	return 0;
err:
	/* Params before @i hold what they resolved; the rest hold nothing. */
	rpc_params_put(params, i);
	return rc;
}

/* The supplicant's outputs back into the RPC: values and memref sizes. */
static void rpc_params_from_supp(struct optee_msg_param *mps,
				 const struct tee_param *params, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct optee_msg_param *mp = mps + i;
		const struct tee_param *p = params + i;

		switch (mp->attr & OPTEE_MSG_ATTR_TYPE_MASK) {
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			mp->u.value.a = p->u.value.a;
			mp->u.value.b = p->u.value.b;
			mp->u.value.c = p->u.value.c;
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			mp->u.rmem.size = p->u.memref.size;
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			mp->u.tmem.size = p->u.memref.size;
			break;
		default:
			break;
		}
	}
}

/*
 * The plugin a SUPP_PLUGIN INVOKE names (the layout is in optee_rpc_cmd.h).
 * Return: false when the params do not have that shape.
 */
static bool rpc_plugin_uuid(const struct tee_param *p, size_t n,
			    uint8_t uuid[16])
{
	uint32_t w[4];

	if (n < 2 || p[0].attr != TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT ||
	    p[1].attr != TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT ||
	    p[0].u.value.a != OPTEE_RPC_SUPP_PLUGIN_INVOKE)
		return false;
	w[0] = (uint32_t)p[0].u.value.b;
	w[1] = (uint32_t)p[0].u.value.c;
	w[2] = (uint32_t)p[1].u.value.a;
	w[3] = (uint32_t)p[1].u.value.b;
	memcpy(uuid, w, sizeof(w));
	return true;
}

static void rpc_supp_cmd(struct tee_context *ctx, struct optee *optee,
			 struct optee_msg_arg *arg)
{
	struct tee_param params[OPTEE_SUPP_MAX_PARAMS];
	uint8_t uuid[16];
	/* Read once: the argument is memory other threads can write. */
	uint32_t n = READ_ONCE_U32(arg->num_params);

	if (n > OPTEE_SUPP_MAX_PARAMS ||
	    rpc_params_to_supp(optee, params, arg->params, n)) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	if (arg->cmd == OPTEE_RPC_CMD_SUPP_PLUGIN && rpc_plugin_uuid(params, n, uuid))
		arg->ret = optee_supp_plugin_req(ctx, uuid, arg->cmd, n, params);
	else
		arg->ret = optee_supp_thrd_req(ctx, arg->cmd, n, params);
	rpc_params_from_supp(arg->params, params, n);
	rpc_params_put(params, n);
}

void optee_rpc_cmd(struct tee_context *ctx, struct optee *optee,
		   struct optee_msg_arg *arg, size_t arg_size,
		   struct optee_call_ctx *call_ctx)
{
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
	case OPTEE_RPC_CMD_NOTIFICATION:
		rpc_notification(optee, arg);
		break;
	case OPTEE_RPC_CMD_SHM_ALLOC:
		optee_rpc_finalize_call(optee, call_ctx);
		rpc_shm_alloc(ctx, optee, arg);
		break;
	case OPTEE_RPC_CMD_SHM_FREE:
		rpc_shm_free(ctx, optee, arg);
		break;
	case OPTEE_RPC_CMD_I2C_TRANSFER:
		/* Linux without CONFIG_I2C. */
		arg->ret = TEE_ERROR_NOT_SUPPORTED;
		break;
	default:
		/*
		 * The supplicant's. With none attached an in-kernel client
		 * gets COMMUNICATION at once.
		 */
		rpc_supp_cmd(ctx, optee, arg);
		break;
	}
}
