// SPDX-License-Identifier: BSD-2-Clause
/*
 * TEE dma-heaps for protected memory (after Linux's drivers/tee/tee_heap.c,
 * docs/abi.md section 11, seed 001), the static protected-memory pool, and
 * the small dma-buf model they export through.
 *
 * A heap is made the first time a device registers its id and lives until
 * the class goes, as a dma-heap node is never removed. Its reference count
 * is the registration plus one per buffer; the device user and the pool
 * belong to the registration. tee_device_put_all_dma_heaps() marks the
 * heap shutting down and drops the registration's reference, so:
 *
 *  - an allocation that took its reference before that completes and
 *    gives a usable buffer; one that comes after finds no device: -EINVAL;
 *  - the pool is destroyed, and the device user dropped, exactly once, by
 *    whoever drops the last reference, registration or buffer;
 *  - tee_device_unregister() therefore returns only after the last buffer.
 *
 * That answers seed 001's review question (an allocation in flight while
 * the heaps are unregistered): the allocation holds a heap reference from
 * the moment it saw the device until its buffer is freed.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/tee_core.h>

/* ---- dma-buf ------------------------------------------------------------ */

int dma_buf_export(const struct dma_buf_ops *ops, void *priv, size_t size,
		   struct dma_buf **out)
{
	struct dma_buf *d;

	if (!ops || !ops->release || !out)
		return -EINVAL;
	d = smcsim_zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->ops = ops;
	d->priv = priv;
	d->size = size;
	rt_kref_init(&d->refcount);
	*out = d;
	return 0;
}

void get_dma_buf(struct dma_buf *dmabuf)
{
	rt_kref_get(&dmabuf->refcount);
}

static void dma_buf_release(struct rt_kref *ref)
{
	struct dma_buf *d = (struct dma_buf *)
		((char *)ref - offsetof(struct dma_buf, refcount));

	d->ops->release(d);
	smcsim_free(d);
}

void dma_buf_put(struct dma_buf *dmabuf)
{
	if (dmabuf)
		rt_kref_put(&dmabuf->refcount, dma_buf_release);
}

/* ---- heaps -------------------------------------------------------------- */

/**
 * struct tee_dma_heap - one heap id of a class
 * @id:		TEE_DMA_HEAP_*
 * @mu:		protects every field below
 * @refs:	the registration's reference (while bound and not shutting
 *		down) plus one per live buffer; the pool goes at 0
 * @pool:	the allocator while bound, else NULL
 * @teedev:	the device while bound (a user held), else NULL
 * @shutting_down: unbound by tee_device_put_all_dma_heaps(), buffers remain
 * @buffers:	live buffers
 * @allocs:	buffers ever made
 * @destroys:	pools ever destroyed
 * @free_errors: frees the pool refused
 */
struct tee_dma_heap {
	unsigned int id;
	struct rt_mutex mu;
	unsigned int refs;
	struct tee_protmem_pool *pool;
	struct tee_device *teedev;
	bool shutting_down;
	unsigned int buffers;
	uint64_t allocs;
	uint64_t destroys;
	uint64_t free_errors;
};

/**
 * struct tee_heap_buffer - what a heap's dma-buf points to
 * @heap:	the heap, one reference held
 * @pool:	the pool it came from (the heap may be rebound later)
 * @teedev:	the device it belongs to
 * @size:	bytes asked for
 * @offs:	offset in the pool's memory
 * @sgt:	where it lies
 */
struct tee_heap_buffer {
	struct tee_dma_heap *heap;
	struct tee_protmem_pool *pool;
	struct tee_device *teedev;
	size_t size;
	size_t offs;
	struct tee_sgt sgt;
};

const char *tee_dma_heap_name(unsigned int id)
{
	switch (id) {
	case TEE_DMA_HEAP_SECURE_VIDEO_PLAY:
		return "protected,secure-video";
	case TEE_DMA_HEAP_TRUSTED_UI:
		return "protected,trusted-ui";
	case TEE_DMA_HEAP_SECURE_VIDEO_RECORD:
		return "protected,secure-video-record";
	default:
		return NULL;
	}
}

/*
 * Drop a reference with @h->mu held. At the last one the pool is
 * destroyed and the device user dropped, still under the mutex as Linux
 * does, so a concurrent registration sees either the old binding or none.
 */
static void tee_heap_put_locked(struct tee_dma_heap *h)
{
	struct tee_device *teedev;

	if (--h->refs)
		return;
	teedev = h->teedev;
	h->pool->ops->destroy_pool(h->pool);
	h->destroys++;
	h->pool = NULL;
	h->teedev = NULL;
	h->shutting_down = false;
	tee_device_put(teedev);
}

static struct tee_dma_heap *tee_heap_lookup(struct tee_class *cls,
					    unsigned int id)
{
	struct tee_dma_heap *h = NULL;

	if (id < 1 || id > TEE_DMA_HEAP_ID_MAX)
		return NULL;
	rt_mutex_lock(&cls->lock);
	h = cls->heaps[id];
	rt_mutex_unlock(&cls->lock);
	return h;
}

int tee_device_register_dma_heap(struct tee_device *teedev, unsigned int id,
				 struct tee_protmem_pool *pool)
{
	struct tee_class *cls = teedev->cls;
	struct tee_dma_heap *h, *fresh = NULL;
	int rc = 0;

	if (!tee_dma_heap_name(id) || !pool || !pool->ops)
		return -EINVAL;
	if (!tee_device_get(teedev))
		return -EINVAL;

	rt_mutex_lock(&cls->lock);
	h = cls->heaps[id];
	if (!h) {
		fresh = smcsim_zalloc(sizeof(*fresh));
		if (fresh) {
			fresh->id = id;
			rt_mutex_init(&fresh->mu);
			cls->heaps[id] = fresh;
		}
		h = fresh;
	}
	rt_mutex_unlock(&cls->lock);
	if (!h) {
		tee_device_put(teedev);
		return -ENOMEM;
	}

	rt_mutex_lock(&h->mu);
	if (h->teedev) {
		/* Bound, or unbound with buffers still out. */
		rc = -EBUSY;
	} else {
		h->refs = 1;
		h->shutting_down = false;
		h->teedev = teedev;
		h->pool = pool;
	}
	rt_mutex_unlock(&h->mu);
	if (rc)
		tee_device_put(teedev);
	return rc;
}

void tee_device_put_all_dma_heaps(struct tee_device *teedev)
{
	struct tee_class *cls = teedev->cls;
	unsigned int id;

	for (id = 1; id <= TEE_DMA_HEAP_ID_MAX; id++) {
		struct tee_dma_heap *h = tee_heap_lookup(cls, id);

		if (!h)
			continue;
		rt_mutex_lock(&h->mu);
		if (h->teedev == teedev && !h->shutting_down) {
			h->shutting_down = true;
			tee_heap_put_locked(h);
		}
		rt_mutex_unlock(&h->mu);
	}
}

static void tee_heap_buf_release(struct dma_buf *dmabuf)
{
	struct tee_heap_buffer *buf = dmabuf->priv;
	struct tee_dma_heap *h = buf->heap;
	int rc;

	/* The buffer's reference keeps the pool alive until here. */
	rc = buf->pool->ops->free(buf->pool, &buf->sgt);
	rt_mutex_lock(&h->mu);
	if (rc)
		h->free_errors++;
	h->buffers--;
	tee_heap_put_locked(h);
	rt_mutex_unlock(&h->mu);
	smcsim_free(buf);
}

static const struct dma_buf_ops tee_heap_buf_ops = {
	.release = tee_heap_buf_release,
};

int tee_dma_heap_alloc(struct tee_class *cls, const char *name, size_t len,
		       struct dma_buf **out)
{
	struct tee_protmem_pool *pool = NULL;
	struct tee_heap_buffer *buf;
	struct tee_dma_heap *h = NULL;
	unsigned int id;
	int rc;

	if (!cls || !name || !out)
		return -EINVAL;
	for (id = 1; id <= TEE_DMA_HEAP_ID_MAX; id++)
		if (!strcmp(name, tee_dma_heap_name(id)))
			h = tee_heap_lookup(cls, id);
	if (!h)
		return -ENOENT;
	/* dma_heap_buffer_alloc() rounds up to pages and refuses 0. */
	if (!len || len > SIZE_MAX - SMCSIM_PAGE_MASK)
		return -EINVAL;
	len = (len + SMCSIM_PAGE_MASK) & ~SMCSIM_PAGE_MASK;

	buf = smcsim_zalloc(sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	rt_mutex_lock(&h->mu);
	if (h->teedev && !h->shutting_down) {
		pool = h->pool;
		buf->teedev = h->teedev;
		h->refs++;
		h->buffers++;
	}
	rt_mutex_unlock(&h->mu);
	if (!pool) {
		smcsim_free(buf);
		return -EINVAL;
	}
	buf->heap = h;
	buf->pool = pool;
	buf->size = len;

	rc = pool->ops->alloc(pool, &buf->sgt, len, &buf->offs);
	if (rc)
		goto err_put;
	rc = dma_buf_export(&tee_heap_buf_ops, buf, len, out);
	if (rc)
		goto err_free;
	rt_mutex_lock(&h->mu);
	h->allocs++;
	rt_mutex_unlock(&h->mu);
	return 0;

err_free:
	pool->ops->free(pool, &buf->sgt);
err_put:
	rt_mutex_lock(&h->mu);
	h->buffers--;
	tee_heap_put_locked(h);
	rt_mutex_unlock(&h->mu);
	smcsim_free(buf);
	return rc;
}

int tee_dma_heap_get_info(struct tee_class *cls, unsigned int id,
			  struct tee_dma_heap_info *info)
{
	struct tee_dma_heap *h = tee_heap_lookup(cls, id);

	if (!h)
		return -ENOENT;
	rt_mutex_lock(&h->mu);
	info->bound = h->teedev && !h->shutting_down;
	info->shutting_down = h->shutting_down;
	info->refs = h->refs;
	info->buffers = h->buffers;
	info->allocs = h->allocs;
	info->destroys = h->destroys;
	info->free_errors = h->free_errors;
	rt_mutex_unlock(&h->mu);
	return 0;
}

struct tee_protmem_pool *tee_dma_heap_get_pool(struct tee_class *cls,
					       unsigned int id)
{
	struct tee_dma_heap *h = tee_heap_lookup(cls, id);
	struct tee_protmem_pool *pool = NULL;

	if (!h)
		return NULL;
	rt_mutex_lock(&h->mu);
	if (h->teedev && !h->shutting_down)
		pool = h->pool;
	rt_mutex_unlock(&h->mu);
	return pool;
}

void tee_class_free_heaps(struct tee_class *cls)
{
	unsigned int id;

	for (id = 1; id <= TEE_DMA_HEAP_ID_MAX; id++) {
		struct tee_dma_heap *h = cls->heaps[id];

		if (!h)
			continue;
		/* A heap still bound here is its driver's bug; leave it. */
		if (h->teedev)
			continue;
		rt_mutex_destroy(&h->mu);
		smcsim_free(h);
		cls->heaps[id] = NULL;
	}
}

int tee_heap_update_from_dma_buf(struct tee_device *teedev,
				 struct dma_buf *dmabuf, size_t *offset,
				 struct tee_shm *shm,
				 struct tee_shm **parent_shm)
{
	struct tee_heap_buffer *buf;
	int rc;

	if (!dmabuf || dmabuf->ops != &tee_heap_buf_ops)
		return -EINVAL;
	buf = dmabuf->priv;
	/* Our reference on the dma-buf keeps buf->teedev and the pool. */
	if (buf->teedev != teedev)
		return -EINVAL;
	shm->size = buf->size;
	*parent_shm = NULL;
	rc = buf->pool->ops->update_shm(buf->pool, &buf->sgt, buf->offs, shm,
					parent_shm);
	if (!rc && *parent_shm)
		*offset = buf->offs;
	return rc;
}

/* ---- the static pool ---------------------------------------------------- */

/**
 * struct tee_protmem_static_pool - page-granular pool over a fixed range
 * @pool:	the ops
 * @pages:	the allocator (has its own lock)
 * @pa_base:	start of the range
 */
struct tee_protmem_static_pool {
	struct tee_protmem_pool pool;
	struct smcsim_pgalloc pages;
	uint64_t pa_base;
};

static struct tee_protmem_static_pool *to_static(struct tee_protmem_pool *p)
{
	return (struct tee_protmem_static_pool *)
		((char *)p - offsetof(struct tee_protmem_static_pool, pool));
}

static int static_alloc(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
			size_t size, size_t *offs)
{
	struct tee_protmem_static_pool *stp = to_static(pool);
	size_t npages = (size + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE;
	uint64_t pa;
	int rc;

	rc = smcsim_pgalloc_alloc(&stp->pages, npages, &pa);
	if (rc)
		return rc;
	sgt->pa = pa;
	sgt->len = npages * SMCSIM_PAGE_SIZE;
	*offs = pa - stp->pa_base;
	return 0;
}

static int static_free(struct tee_protmem_pool *pool, struct tee_sgt *sgt)
{
	struct tee_protmem_static_pool *stp = to_static(pool);
	int rc;

	if (!sgt->len)
		return -EINVAL;
	rc = smcsim_pgalloc_free(&stp->pages, sgt->pa,
				 sgt->len / SMCSIM_PAGE_SIZE);
	if (rc)
		return rc;
	sgt->len = 0;
	return 0;
}

static int static_update_shm(struct tee_protmem_pool *pool,
			     struct tee_sgt *sgt, size_t offs,
			     struct tee_shm *shm, struct tee_shm **parent_shm)
{
	shm->paddr = to_static(pool)->pa_base + offs;
	*parent_shm = NULL;
	return 0;
}

static void static_destroy(struct tee_protmem_pool *pool)
{
	struct tee_protmem_static_pool *stp = to_static(pool);

	smcsim_pgalloc_fini(&stp->pages);
	smcsim_free(stp);
}

static const struct tee_protmem_pool_ops static_pool_ops = {
	.alloc = static_alloc,
	.free = static_free,
	.update_shm = static_update_shm,
	.destroy_pool = static_destroy,
};

int tee_protmem_static_pool_alloc(struct smcsim_phys *phys, uint64_t paddr,
				  size_t size, struct tee_protmem_pool **out)
{
	struct tee_protmem_static_pool *stp;
	enum smcsim_mem_kind kind;
	int rc;

	if (!size || ((paddr | size) & SMCSIM_PAGE_MASK))
		return -EINVAL;
	/* Linux's pfn_valid(): the range must be memory the map knows. */
	if (!phys || smcsim_phys_kind(phys, paddr, size, &kind))
		return -EINVAL;
	stp = smcsim_zalloc(sizeof(*stp));
	if (!stp)
		return -ENOMEM;
	rc = smcsim_pgalloc_init(&stp->pages, paddr, size);
	if (rc) {
		smcsim_free(stp);
		return rc;
	}
	stp->pa_base = paddr;
	stp->pool.ops = &static_pool_ops;
	*out = &stp->pool;
	return 0;
}
