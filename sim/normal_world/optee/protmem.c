// SPDX-License-Identifier: BSD-2-Clause
/*
 * OP-TEE protected memory (after Linux's drivers/tee/optee/protmem.c and the
 * protmem parts of smc_abi.c, docs/abi.md section 11): the heap
 * the driver registers, backed by the static range GET_PROTMEM_CONFIG
 * reports, or by a dynamic pool that lends normal memory to the secure
 * world (LEND_PROTMEM) while it has buffers and reclaims it after the last.
 *
 * Both pools are wrapped so the driver learns when the heap core destroys
 * the pool: remove waits for that before it takes the driver's context
 * apart, since the dynamic pool's last free still needs it to reclaim.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "optee_private.h"

/* Most memory attributes we accept from GET_PROTMEM_CONFIG. */
#define OPTEE_PROTMEM_MAX_ATTRS		64

/* ---- the dynamic pool --------------------------------------------------- */

/**
 * struct optee_protmem_dyn_pool - memory lent on demand
 * @pool:	the ops
 * @optee:	the driver
 * @use_case:	OPTEE_MSG_PROTMEM_* sent with LEND_PROTMEM
 * @page_count:	pages lent at a time (the firmware's minimum size)
 * @mutex:	protects @users, @protmem and @pages' setup and teardown
 * @users:	live buffers; the memory is lent while there are any
 * @protmem:	the lent memory, a TEE_SHM_DMA_MEM shm of the driver
 * @pages:	allocator over @protmem (its own lock for alloc/free)
 *
 * Linux counts @users with a refcount_t taken outside the mutex
 * (refcount_inc_not_zero) and released under it: a get that finds 0 just
 * after the last put, and takes the mutex first, increments from 0 and then
 * loses the pool to the put's reclaim. Here both sides take the mutex.
 */
struct optee_protmem_dyn_pool {
	struct tee_protmem_pool pool;
	struct optee *optee;
	uint32_t use_case;
	size_t page_count;
	struct rt_mutex mutex;
	unsigned int users;
	struct tee_shm *protmem;
	struct smcsim_pgalloc pages;
};

static struct optee_protmem_dyn_pool *to_dyn(struct tee_protmem_pool *p)
{
	return (struct optee_protmem_dyn_pool *)
		((char *)p - offsetof(struct optee_protmem_dyn_pool, pool));
}

static void protmem_count(struct optee *optee, uint64_t *counter, bool lent)
{
	rt_mutex_lock(&optee->protmem_lock);
	(*counter)++;
	optee->protmem_info.lent = lent;
	rt_mutex_unlock(&optee->protmem_lock);
}

/* Lend fresh memory; @rp->mutex held, no users. */
static int dyn_lend(struct optee_protmem_dyn_pool *rp)
{
	struct optee *optee = rp->optee;
	int rc;

	rc = tee_shm_alloc_dma_mem(optee->ctx, rp->page_count, &rp->protmem);
	if (rc)
		return rc;
	rc = optee_smc_lend_protmem(optee, rp->protmem, rp->use_case);
	if (rc)
		goto err_put_shm;
	/* From now on the secure world knows it by cookie: a memref is RMEM. */
	rp->protmem->flags |= TEE_SHM_DYNAMIC;
	rc = smcsim_pgalloc_init(&rp->pages, rp->protmem->paddr,
				 rp->protmem->size);
	if (rc)
		goto err_reclaim;
	protmem_count(optee, &optee->protmem_info.lends, true);
	return 0;

err_reclaim:
	rp->protmem->flags &= ~TEE_SHM_DYNAMIC;
	if (optee_smc_reclaim_protmem(optee, rp->protmem)) {
		protmem_count(optee, &optee->protmem_info.reclaim_failures,
			      false);
		/* Still the secure world's: never hand it out again. */
		tee_shm_abandon_dma_mem(rp->protmem);
		rp->protmem = NULL;
		return rc;
	}
err_put_shm:
	tee_shm_put(rp->protmem);
	rp->protmem = NULL;
	return rc;
}

/* Take the memory back after the last buffer; @rp->mutex held. */
static void dyn_reclaim(struct optee_protmem_dyn_pool *rp)
{
	struct optee *optee = rp->optee;

	smcsim_pgalloc_fini(&rp->pages);
	rp->protmem->flags &= ~TEE_SHM_DYNAMIC;
	if (optee_smc_reclaim_protmem(optee, rp->protmem)) {
		/*
		 * Linux frees the pages whatever the answer; then the normal
		 * world would reuse memory the secure world still protects.
		 * Leak them instead, and say so; but not the shm, whose
		 * device user and context reference would make remove wait
		 * for good (fault matrix: protmem, RECLAIM_PROTMEM, EBUSY).
		 */
		optee_log(&optee->cfg, "RECLAIM_PROTMEM refused: %zu pages lost",
			  rp->page_count);
		tee_shm_abandon_dma_mem(rp->protmem);
		protmem_count(optee, &optee->protmem_info.reclaim_failures,
			      false);
	} else {
		tee_shm_put(rp->protmem);
		protmem_count(optee, &optee->protmem_info.reclaims, false);
	}
	rp->protmem = NULL;
}

static int dyn_alloc(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
		     size_t size, size_t *offs)
{
	struct optee_protmem_dyn_pool *rp = to_dyn(pool);
	size_t npages = (size + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE;
	uint64_t pa;
	int rc = 0;

	rt_mutex_lock(&rp->mutex);
	if (!rp->users)
		rc = dyn_lend(rp);
	if (!rc) {
		rp->users++;
		rc = smcsim_pgalloc_alloc(&rp->pages, npages, &pa);
		if (rc && !--rp->users)
			dyn_reclaim(rp);
	}
	rt_mutex_unlock(&rp->mutex);
	if (rc)
		return rc;
	sgt->pa = pa;
	sgt->len = npages * SMCSIM_PAGE_SIZE;
	*offs = pa - rp->protmem->paddr;
	return 0;
}

static int dyn_free(struct tee_protmem_pool *pool, struct tee_sgt *sgt)
{
	struct optee_protmem_dyn_pool *rp = to_dyn(pool);
	int rc = -EINVAL;

	rt_mutex_lock(&rp->mutex);
	/* A double free must not drop a user: that would reclaim too early. */
	if (sgt->len && rp->users &&
	    !smcsim_pgalloc_free(&rp->pages, sgt->pa,
				 sgt->len / SMCSIM_PAGE_SIZE)) {
		sgt->len = 0;
		if (!--rp->users)
			dyn_reclaim(rp);
		rc = 0;
	}
	rt_mutex_unlock(&rp->mutex);
	return rc;
}

static int dyn_update_shm(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
			  size_t offs, struct tee_shm *shm,
			  struct tee_shm **parent_shm)
{
	struct optee_protmem_dyn_pool *rp = to_dyn(pool);

	/* The buffer's user keeps @protmem while the shm exists. */
	shm->paddr = sgt->pa;
	*parent_shm = rp->protmem;
	return 0;
}

static void dyn_destroy(struct tee_protmem_pool *pool)
{
	struct optee_protmem_dyn_pool *rp = to_dyn(pool);
	struct optee *optee = rp->optee;

	rt_mutex_destroy(&rp->mutex);
	smcsim_free(rp);
	rt_complete(&optee->protmem_gone);
}

static const struct tee_protmem_pool_ops dyn_pool_ops = {
	.alloc = dyn_alloc,
	.free = dyn_free,
	.update_shm = dyn_update_shm,
	.destroy_pool = dyn_destroy,
};

/*
 * GET_PROTMEM_CONFIG as a message: params[0] VALUE_INOUT a = use case,
 * params[1] an output memref for the memory attributes. Return: 0, or
 * -ENOSPC with *@ma_count the attributes the firmware has when @attrs was
 * too small (TEE_ERROR_SHORT_BUFFER), or -EINVAL.
 */
static int get_protmem_config(struct optee *optee, uint32_t use_case,
			      size_t *min_size, unsigned int *pa_width,
			      uint32_t *attrs, unsigned int *ma_count)
{
	struct tee_param params[2] = {
		[0] = { .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT,
			.u.value.a = use_case },
		[1] = { .attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT },
	};
	struct optee_shm_arg_entry *entry;
	struct tee_shm *shm_param = NULL;
	struct optee_msg_arg *msg_arg;
	struct tee_shm *shm;
	unsigned int offs;
	size_t n;
	int rc;

	if (attrs && *ma_count) {
		params[1].u.memref.size = *ma_count * sizeof(*attrs);
		rc = tee_shm_alloc_priv_buf(optee->ctx, params[1].u.memref.size,
					    &shm_param);
		if (rc)
			return rc;
		params[1].u.memref.shm = shm_param;
	}
	rc = optee_get_msg_arg(optee->ctx, 2, &entry, &shm, &offs, &msg_arg);
	if (rc)
		goto out_free_shm;
	msg_arg->cmd = OPTEE_MSG_CMD_GET_PROTMEM_CONFIG;
	rc = optee_to_msg_param(optee, msg_arg->params, 2, params);
	if (rc)
		goto out_free_msg;
	rc = optee_smc_do_call_with_arg(optee->ctx, shm, offs, false);
	if (rc)
		goto out_free_msg;
	if (msg_arg->ret && msg_arg->ret != TEE_ERROR_SHORT_BUFFER) {
		rc = -EINVAL;
		goto out_free_msg;
	}
	optee_from_msg_param(optee, params, 2, msg_arg->params);
	/* Everything below comes from the secure world: check it. */
	n = params[1].u.memref.size / sizeof(*attrs);
	if (params[0].u.value.a == 0 || params[0].u.value.a > SIZE_MAX ||
	    params[0].u.value.c == 0 || params[0].u.value.c > 64 ||
	    n > OPTEE_PROTMEM_MAX_ATTRS) {
		rc = -EINVAL;
		goto out_free_msg;
	}
	if (msg_arg->ret == TEE_ERROR_SHORT_BUFFER) {
		/* Asking again with at least as much room must be enough. */
		rc = attrs && n <= *ma_count ? -EINVAL : -ENOSPC;
		*ma_count = (unsigned int)n;
		goto out_free_msg;
	}
	if (attrs && n > *ma_count) {
		rc = -EINVAL;
		goto out_free_msg;
	}
	*min_size = (size_t)params[0].u.value.a;
	*pa_width = (unsigned int)params[0].u.value.c;
	if (attrs && n)
		memcpy(attrs, tee_shm_get_va(shm_param, 0), n * sizeof(*attrs));
	*ma_count = (unsigned int)n;

out_free_msg:
	optee_free_msg_arg(optee->ctx, entry, offs);
out_free_shm:
	if (shm_param)
		tee_shm_free(shm_param);
	return rc;
}

static int optee_protmem_alloc_dyn_pool(struct optee *optee, uint32_t id,
					struct tee_protmem_pool **out)
{
	struct optee_protmem_dyn_pool *rp;
	unsigned int pa_width = 0, count = 0;
	uint32_t attrs[OPTEE_PROTMEM_MAX_ATTRS];
	size_t min_size = 0;
	int rc;

	rc = get_protmem_config(optee, id, &min_size, &pa_width, NULL, &count);
	if (rc == -ENOSPC)
		/* SMC lending ignores the attributes (FF-A uses them). */
		rc = get_protmem_config(optee, id, &min_size, &pa_width, attrs,
					&count);
	if (rc)
		return rc;
	rp = smcsim_zalloc(sizeof(*rp));
	if (!rp)
		return -ENOMEM;
	rp->pool.ops = &dyn_pool_ops;
	rp->optee = optee;
	rp->use_case = id;
	rp->page_count = (min_size + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE;
	rt_mutex_init(&rp->mutex);
	optee->protmem_info.kind = OPTEE_PROTMEM_DYNAMIC;
	optee->protmem_info.size = rp->page_count * SMCSIM_PAGE_SIZE;
	optee->protmem_info.pa_width = pa_width;
	*out = &rp->pool;
	return 0;
}

/* ---- the static pool, watched ------------------------------------------- */

/**
 * struct optee_protmem_watch - the core's static pool, with the driver told
 * when it is destroyed
 * @pool:	the ops (delegating)
 * @inner:	tee_protmem_static_pool_alloc()'s pool
 * @optee:	the driver
 */
struct optee_protmem_watch {
	struct tee_protmem_pool pool;
	struct tee_protmem_pool *inner;
	struct optee *optee;
};

static struct optee_protmem_watch *to_watch(struct tee_protmem_pool *p)
{
	return (struct optee_protmem_watch *)
		((char *)p - offsetof(struct optee_protmem_watch, pool));
}

static int watch_alloc(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
		       size_t size, size_t *offs)
{
	struct tee_protmem_pool *in = to_watch(pool)->inner;

	return in->ops->alloc(in, sgt, size, offs);
}

static int watch_free(struct tee_protmem_pool *pool, struct tee_sgt *sgt)
{
	struct tee_protmem_pool *in = to_watch(pool)->inner;

	return in->ops->free(in, sgt);
}

static int watch_update_shm(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
			    size_t offs, struct tee_shm *shm,
			    struct tee_shm **parent_shm)
{
	struct tee_protmem_pool *in = to_watch(pool)->inner;

	return in->ops->update_shm(in, sgt, offs, shm, parent_shm);
}

static void watch_destroy(struct tee_protmem_pool *pool)
{
	struct optee_protmem_watch *w = to_watch(pool);
	struct optee *optee = w->optee;

	w->inner->ops->destroy_pool(w->inner);
	smcsim_free(w);
	rt_complete(&optee->protmem_gone);
}

static const struct tee_protmem_pool_ops watch_pool_ops = {
	.alloc = watch_alloc,
	.free = watch_free,
	.update_shm = watch_update_shm,
	.destroy_pool = watch_destroy,
};

static int optee_protmem_static_pool_init(struct optee *optee,
					  struct tee_protmem_pool **out)
{
	struct optee_protmem_watch *w;
	struct optee_protmem_info *pi = &optee->protmem_info;
	int rc;

	rc = optee_smc_get_protmem_config(optee, &pi->base, &pi->size,
					  &pi->pa_width);
	if (rc)
		return rc;
	w = smcsim_zalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	rc = tee_protmem_static_pool_alloc(optee->cfg.phys, pi->base,
					   (size_t)pi->size, &w->inner);
	if (rc) {
		smcsim_free(w);
		return rc;
	}
	w->pool.ops = &watch_pool_ops;
	w->optee = optee;
	pi->kind = OPTEE_PROTMEM_STATIC;
	*out = &w->pool;
	return 0;
}

/* ---- probe and remove --------------------------------------------------- */

void optee_protmem_pool_init(struct optee *optee)
{
	bool protm = optee->info.sec_caps & OPTEE_SMC_SEC_CAP_PROTMEM;
	bool dyn = optee->info.sec_caps & OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM;
	struct tee_protmem_pool *pool = NULL;
	int rc = -EINVAL;

	if (!protm && !dyn)
		return;
	if (protm)
		rc = optee_protmem_static_pool_init(optee, &pool);
	if (rc && dyn) {
		memset(&optee->protmem_info, 0, sizeof(optee->protmem_info));
		rc = optee_protmem_alloc_dyn_pool(optee,
						  TEE_DMA_HEAP_SECURE_VIDEO_PLAY,
						  &pool);
	}
	if (!rc) {
		rc = tee_device_register_dma_heap(optee->teedev,
						  TEE_DMA_HEAP_SECURE_VIDEO_PLAY,
						  pool);
		if (rc)
			/* Destroying it completes protmem_gone; nobody waits. */
			pool->ops->destroy_pool(pool);
	}
	if (rc) {
		optee_log(&optee->cfg,
			  "Protected memory service not available (%d)", rc);
		memset(&optee->protmem_info, 0, sizeof(optee->protmem_info));
		return;
	}
	optee->protmem_registered = true;
}

void optee_protmem_uninit(struct optee *optee)
{
	tee_device_put_all_dma_heaps(optee->teedev);
	if (!optee->protmem_registered)
		return;
	rt_wait_for_completion(&optee->protmem_gone);
	optee->protmem_registered = false;
}

void optee_get_protmem_info(struct optee *optee, struct optee_protmem_info *pi)
{
	rt_mutex_lock(&optee->protmem_lock);
	*pi = optee->protmem_info;
	rt_mutex_unlock(&optee->protmem_lock);
}
