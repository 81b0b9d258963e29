// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shared-memory objects of the TEE core (after Linux's tee_shm.c,
 * docs/abi.md section 12.2). Every shm holds a device user and a reference
 * on its context; the last tee_shm_put() gives the memory back (to the pool,
 * or unregisters it from the TEE), drops the context reference and then the
 * device user. User-visible shm get an id from the device (from 1), and
 * tee_shm_get_from_id() only finds those of the caller's own context.
 */
#include <errno.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/tee_core.h>

static int tee_shm_id_cmp(const struct tee_shm *a, const struct tee_shm *b)
{
	return a->id < b->id ? -1 : a->id > b->id;
}

RB_GENERATE_STATIC(tee_shm_idr, tee_shm, id_node, tee_shm_id_cmp)

/* Give @shm the lowest free id at or after the device's cursor. */
static int tee_shm_id_alloc(struct tee_device *teedev, struct tee_shm *shm)
{
	struct tee_shm key;
	int tries;

	rt_mutex_lock(&teedev->mutex);
	key.id = teedev->next_shm_id > 0 ? teedev->next_shm_id : 1;
	for (tries = 0; tries < INT32_MAX; tries++) {
		if (!RB_FIND(tee_shm_idr, &teedev->shm_ids, &key))
			break;
		key.id = key.id == INT32_MAX ? 1 : key.id + 1;
	}
	shm->id = key.id;
	RB_INSERT(tee_shm_idr, &teedev->shm_ids, shm);
	teedev->next_shm_id = key.id == INT32_MAX ? 1 : key.id + 1;
	rt_mutex_unlock(&teedev->mutex);
	return 0;
}

/* The last reference went, and the shm is out of the id tree. */
static void tee_shm_release(struct tee_shm *shm)
{
	struct tee_device *teedev = shm->teedev;
	struct tee_context *ctx = shm->ctx;

	if (shm->flags & TEE_SHM_DMA_BUF) {
		dma_buf_put(shm->dmabuf);
	} else if (shm->flags & TEE_SHM_DMA_MEM) {
		smcsim_phys_free_pages(teedev->cls->phys, shm->paddr,
				       shm->size / SMCSIM_PAGE_SIZE);
	} else if (shm->flags & TEE_SHM_POOL) {
		teedev->pool->ops->free(teedev->pool, shm);
	} else if (shm->flags & TEE_SHM_REGISTERED) {
		/* On failure the TEE keeps a stale entry; nothing better to do. */
		teedev->desc->ops->shm_unregister(ctx, shm);
		smcsim_free(shm->pages);
	}
	teedev_ctx_put(ctx);
	smcsim_free(shm);
	tee_device_put(teedev);
}

static void tee_shm_kref_release(struct rt_kref *ref)
{
	tee_shm_release((struct tee_shm *)((char *)ref -
					   offsetof(struct tee_shm, refcount)));
}

void tee_shm_get(struct tee_shm *shm)
{
	rt_kref_get(&shm->refcount);
}

void tee_shm_put(struct tee_shm *shm)
{
	struct tee_device *teedev;
	bool last;

	if (!shm)
		return;
	if (shm->id < 0) {
		rt_kref_put(&shm->refcount, tee_shm_kref_release);
		return;
	}
	/*
	 * A shm with an id drops its last reference under the device mutex
	 * and leaves the id tree in the same hold, as Linux does: otherwise
	 * tee_shm_get_from_id() could find it at count 1, lose the race to
	 * this put and hand out a shm being released.
	 */
	teedev = shm->teedev;
	rt_mutex_lock(&teedev->mutex);
	last = atomic_fetch_sub(&shm->refcount.refcount, 1) == 1;
	if (last)
		RB_REMOVE(tee_shm_idr, &teedev->shm_ids, shm);
	rt_mutex_unlock(&teedev->mutex);
	if (last)
		tee_shm_release(shm);
}

void tee_shm_free(struct tee_shm *shm)
{
	tee_shm_put(shm);
}

/* A new shm of @ctx with one reference; NULL on -ENOMEM. */
static struct tee_shm *tee_shm_new(struct tee_context *ctx, unsigned int flags)
{
	struct tee_shm *shm = smcsim_zalloc(sizeof(*shm));

	if (!shm)
		return NULL;
	rt_kref_init(&shm->refcount);
	shm->teedev = ctx->teedev;
	shm->ctx = ctx;
	shm->flags = flags;
	shm->id = -1;
	return shm;
}

static int shm_alloc_helper(struct tee_context *ctx, size_t size,
			    size_t align, unsigned int flags, bool with_id,
			    struct tee_shm **out)
{
	struct tee_device *teedev = ctx->teedev;
	struct tee_shm *shm;
	int rc;

	if (!size)
		return -EINVAL;
	if (!tee_device_get(teedev))
		return -EINVAL;
	if (!teedev->pool) {
		rc = -EINVAL;
		goto err_dev_put;
	}
	shm = tee_shm_new(ctx, flags);
	if (!shm) {
		rc = -ENOMEM;
		goto err_dev_put;
	}
	/* The pool may register the memory with the TEE through shm->ctx. */
	rc = teedev->pool->ops->alloc(teedev->pool, shm, size, align);
	if (rc)
		goto err_free;
	teedev_ctx_get(ctx);
	if (with_id)
		tee_shm_id_alloc(teedev, shm);
	*out = shm;
	return 0;

err_free:
	smcsim_free(shm);
err_dev_put:
	tee_device_put(teedev);
	return rc;
}

int tee_shm_alloc_kernel_buf(struct tee_context *ctx, size_t size,
			     struct tee_shm **out)
{
	return shm_alloc_helper(ctx, size, SMCSIM_PAGE_SIZE, 0, false, out);
}

int tee_shm_alloc_priv_buf(struct tee_context *ctx, size_t size,
			   struct tee_shm **out)
{
	return shm_alloc_helper(ctx, size, sizeof(long) * 2, TEE_SHM_PRIV,
				false, out);
}

int tee_shm_alloc_user_buf(struct tee_context *ctx, size_t size,
			   struct tee_shm **out)
{
	return shm_alloc_helper(ctx, size, SMCSIM_PAGE_SIZE, 0, true, out);
}

static int register_helper(struct tee_context *ctx, void *addr, size_t length,
			   bool with_id, struct tee_shm **out)
{
	struct tee_device *teedev = ctx->teedev;
	struct smcsim_phys *phys;
	struct tee_shm *shm;
	uintptr_t start;
	size_t i;
	int rc;

	if (!addr || !length || (uintptr_t)addr + length < (uintptr_t)addr)
		return -EINVAL;
	if (!tee_device_get(teedev))
		return -EINVAL;
	phys = teedev->cls->phys;
	if (!teedev->desc->ops->shm_register ||
	    !teedev->desc->ops->shm_unregister) {
		rc = -EOPNOTSUPP;
		goto err_dev_put;
	}
	if (!phys) {
		rc = -EFAULT;
		goto err_dev_put;
	}
	shm = tee_shm_new(ctx, TEE_SHM_REGISTERED | TEE_SHM_DYNAMIC |
			       (with_id ? TEE_SHM_USER_MAPPED : 0));
	if (!shm) {
		rc = -ENOMEM;
		goto err_dev_put;
	}

	/* "Pin" the pages: each must be normal-world memory of the map. */
	start = (uintptr_t)addr & ~(uintptr_t)SMCSIM_PAGE_MASK;
	shm->num_pages = ((uintptr_t)addr + length - start + SMCSIM_PAGE_MASK) /
			 SMCSIM_PAGE_SIZE;
	shm->pages = smcsim_calloc(shm->num_pages, sizeof(*shm->pages));
	if (!shm->pages) {
		rc = -ENOMEM;
		goto err_free_shm;
	}
	for (i = 0; i < shm->num_pages; i++) {
		void *va = (void *)(start + i * SMCSIM_PAGE_SIZE);

		if (smcsim_phys_to_pa(phys, va, &shm->pages[i]) ||
		    !smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, shm->pages[i],
				     SMCSIM_PAGE_SIZE)) {
			rc = -EFAULT;
			goto err_free_pages;
		}
	}
	shm->kaddr = addr;
	shm->offset = (unsigned int)((uintptr_t)addr - start);
	shm->paddr = shm->pages[0] + shm->offset;
	shm->size = length;

	rc = teedev->desc->ops->shm_register(ctx, shm, shm->pages,
					     shm->num_pages, start);
	if (rc)
		goto err_free_pages;
	teedev_ctx_get(ctx);
	if (with_id)
		tee_shm_id_alloc(teedev, shm);
	*out = shm;
	return 0;

err_free_pages:
	smcsim_free(shm->pages);
err_free_shm:
	smcsim_free(shm);
err_dev_put:
	tee_device_put(teedev);
	return rc;
}

int tee_shm_register_kernel_buf(struct tee_context *ctx, void *addr,
				size_t length, struct tee_shm **out)
{
	return register_helper(ctx, addr, length, false, out);
}

int tee_shm_register_user_buf(struct tee_context *ctx, void *addr,
			      size_t length, struct tee_shm **out)
{
	return register_helper(ctx, addr, length, true, out);
}

int tee_shm_register_fd(struct tee_context *ctx, struct dma_buf *dmabuf,
			struct tee_shm **out)
{
	struct tee_device *teedev = ctx->teedev;
	struct tee_shm *parent = NULL;
	struct tee_shm *shm;
	size_t offs = 0;
	int rc;

	if (!dmabuf || !out)
		return -EINVAL;
	if (!tee_device_get(teedev))
		return -EINVAL;
	shm = tee_shm_new(ctx, TEE_SHM_DMA_BUF);
	if (!shm) {
		rc = -ENOMEM;
		goto err_dev_put;
	}
	rc = tee_heap_update_from_dma_buf(teedev, dmabuf, &offs, shm, &parent);
	if (rc)
		goto err_free;
	get_dma_buf(dmabuf);
	shm->dmabuf = dmabuf;
	shm->parent_shm = parent;
	shm->parent_offs = offs;
	teedev_ctx_get(ctx);
	tee_shm_id_alloc(teedev, shm);
	*out = shm;
	return 0;

err_free:
	smcsim_free(shm);
err_dev_put:
	tee_device_put(teedev);
	return rc;
}

int tee_shm_alloc_dma_mem(struct tee_context *ctx, size_t npages,
			  struct tee_shm **out)
{
	struct tee_device *teedev = ctx->teedev;
	struct tee_shm *shm;
	uint64_t pa;
	int rc;

	if (!npages || npages > SIZE_MAX / SMCSIM_PAGE_SIZE || !out)
		return -EINVAL;
	if (!tee_device_get(teedev))
		return -EINVAL;
	if (!teedev->cls->phys) {
		rc = -EINVAL;
		goto err_dev_put;
	}
	shm = tee_shm_new(ctx, TEE_SHM_DMA_MEM);
	if (!shm) {
		rc = -ENOMEM;
		goto err_dev_put;
	}
	rc = smcsim_phys_alloc_pages(teedev->cls->phys, npages, &pa);
	if (rc)
		goto err_free;
	shm->paddr = pa;
	shm->size = npages * SMCSIM_PAGE_SIZE;
	teedev_ctx_get(ctx);
	*out = shm;
	return 0;

err_free:
	smcsim_free(shm);
err_dev_put:
	tee_device_put(teedev);
	return rc;
}

void tee_shm_abandon_dma_mem(struct tee_shm *shm)
{
	/* Released as a bare object: the pages are not given back. */
	shm->flags &= ~TEE_SHM_DMA_MEM;
	tee_shm_put(shm);
}

int tee_shm_get_from_id(struct tee_context *ctx, int id, struct tee_shm **out)
{
	struct tee_device *teedev = ctx->teedev;
	struct tee_shm key = { .id = id };
	struct tee_shm *shm;
	int rc = -EINVAL;

	rt_mutex_lock(&teedev->mutex);
	shm = RB_FIND(tee_shm_idr, &teedev->shm_ids, &key);
	/* Only within the same context, and never one being released. */
	if (shm && shm->ctx == ctx && rt_kref_read(&shm->refcount)) {
		tee_shm_get(shm);
		*out = shm;
		rc = 0;
	}
	rt_mutex_unlock(&teedev->mutex);
	return rc;
}

void *tee_shm_get_va(struct tee_shm *shm, size_t offs)
{
	if (!shm->kaddr || offs >= shm->size)
		return NULL;
	return (char *)shm->kaddr + offs;
}

int tee_shm_get_pa(struct tee_shm *shm, size_t offs, uint64_t *pa)
{
	size_t in;

	if (offs >= shm->size)
		return -EINVAL;
	if (!shm->pages) {
		*pa = shm->paddr + offs;
		return 0;
	}
	in = shm->offset + offs;
	*pa = shm->pages[in / SMCSIM_PAGE_SIZE] + (in & SMCSIM_PAGE_MASK);
	return 0;
}
