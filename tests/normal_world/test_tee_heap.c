// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the TEE dma-heaps for protected memory
 * (sim/normal_world/tee_heap.c and the dma-buf import in tee_shm.c;
 * docs/abi.md sections 12.2 and 11, seed 001), at the tee_core level: a
 * class over a default memory map, a fake driver with open/release only,
 * and protected-memory pools that are either the real static pool or a
 * counting mock (own page allocator, or wrapping the static pool) that
 * records what the heap asks of it and how many buffers were live when it
 * was destroyed. The last test is seed 001's question as a race: threads
 * allocating (and importing) while another puts the heaps and the device is
 * then unregistered. Every wait on another thread is bounded.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/alloc.h>
#include <smcsim/dma_buf.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/tee_core.h>

/* Long enough for any healthy run, short enough to fail a hang quickly. */
#define WAIT_MS		5000
/* How long "still blocked" is watched before it is believed. */
#define BLOCKED_MS	100

#define PAGE		SMCSIM_PAGE_SIZE
#define HEAP_VIDEO	TEE_DMA_HEAP_SECURE_VIDEO_PLAY
#define HEAP_UI		TEE_DMA_HEAP_TRUSTED_UI

static size_t page_round(size_t len)
{
	return (len + SMCSIM_PAGE_MASK) & ~SMCSIM_PAGE_MASK;
}

/* ---- fixture: a class over the default map ------------------------------ */

/**
 * struct fx - per test
 * @cls:	the class the devices and heaps live in
 * @phys:	the default map (cls.phys)
 * @prot:	its protected-memory region
 * @dram_used:	DRAM pages in use at setup, to find leaks of dma mem
 */
struct fx {
	struct tee_class cls;
	struct smcsim_phys *phys;
	struct smcsim_phys_region prot;
	size_t dram_used;
};

static int setup(void **state)
{
	struct smcsim_phys_config cfg;
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	tee_class_init(&fx->cls);
	smcsim_phys_config_default(&cfg);
	if (smcsim_phys_create(&cfg, &fx->phys))
		goto err;
	fx->cls.phys = fx->phys;
	if (smcsim_phys_region_get(fx->phys, SMCSIM_MEM_PROTMEM, &fx->prot) ||
	    !fx->prot.size)
		goto err;
	fx->dram_used = smcsim_phys_dram_pages_used(fx->phys);
	*state = fx;
	return 0;
err:
	if (fx->phys)
		smcsim_phys_destroy(fx->phys);
	tee_class_fini(&fx->cls);
	free(fx);
	return -1;
}

/* Every test leaves its heaps unbound, its devices gone, its pages back. */
static int teardown(void **state)
{
	struct fx *fx = *state;
	struct tee_dma_heap_info info;
	unsigned int id;
	int bad = 0;

	smcsim_alloc_fail_after(-1);
	for (id = 1; id <= TEE_DMA_HEAP_ID_MAX; id++) {
		if (tee_dma_heap_get_info(&fx->cls, id, &info))
			continue;
		if (info.bound || info.shutting_down || info.refs ||
		    info.buffers) {
			fprintf(stderr, "heap %u left bound or busy\n", id);
			bad = 1;
		}
	}
	if (tee_class_devices_in_use(&fx->cls)) {
		fprintf(stderr, "devices left\n");
		bad = 1;
	}
	if (smcsim_phys_dram_pages_used(fx->phys) != fx->dram_used) {
		fprintf(stderr, "DRAM pages leaked\n");
		bad = 1;
	}
	tee_class_fini(&fx->cls);
	smcsim_phys_destroy(fx->phys);
	free(fx);
	return bad ? -1 : 0;
}

/* ---- the fake driver ---------------------------------------------------- */

static int fake_open(struct tee_context *ctx)
{
	(void)ctx;
	return 0;
}

static void fake_release(struct tee_context *ctx)
{
	(void)ctx;
}

static const struct tee_driver_ops fake_ops = {
	.open = fake_open,
	.release = fake_release,
};

static const struct tee_desc fake_desc = {
	.name = "fake-heap",
	.ops = &fake_ops,
};

static struct tee_device *new_device(struct fx *fx)
{
	struct tee_device *teedev = NULL;

	assert_int_equal(tee_device_alloc(&fake_desc, &fx->cls, NULL, NULL,
					  &teedev), 0);
	assert_non_null(teedev);
	assert_int_equal(tee_device_register(teedev), 0);
	assert_int_equal(tee_device_num_users(teedev), 1);
	return teedev;
}

static struct tee_context *open_ctx(struct tee_device *teedev)
{
	struct tee_context *ctx = NULL;

	assert_int_equal(teedev_open(teedev, &ctx), 0);
	assert_non_null(ctx);
	return ctx;
}

/* ---- the counting mock pool --------------------------------------------- */

/**
 * struct mock_pool - a protected-memory pool that counts
 * @pool:	what the heap sees
 * @inner:	if set, the pool every op is passed on to (a static pool)
 * @pages:	else, page allocator over [@base, @base + @size)
 * @base:	start of the memory it hands out
 * @size:	bytes of it
 * @parent:	if set, update_shm reports it as the parent shm (the
 *		dynamic-pool style) and places the shm at its paddr + offs
 * @alloc_rc:	if not 0, every alloc fails with it
 * @update_rc:	if not 0, every update_shm fails with it
 * @fail_every:	if not 0, every Nth alloc call fails with -ENOMEM
 * @yield:	yield inside alloc, to widen race windows
 * @alloc_calls: alloc calls
 * @allocs:	allocs that succeeded
 * @frees:	free calls
 * @updates:	update_shm calls
 * @destroys:	destroy_pool calls (must end at exactly 1)
 * @bad_frees:	frees of memory that was not allocated
 * @bad_sgt:	@inner handed out memory outside the range
 * @late:	ops called after destroy_pool
 * @live_at_destroy: allocs - frees when destroy_pool ran
 * @last_size:	size the last alloc asked for
 * @last_offs:	offset the last successful alloc returned
 */
struct mock_pool {
	struct tee_protmem_pool pool;
	struct tee_protmem_pool *inner;
	struct smcsim_pgalloc pages;
	uint64_t base;
	size_t size;
	struct tee_shm *parent;
	atomic_int alloc_rc;
	atomic_int update_rc;
	atomic_uint fail_every;
	atomic_bool yield;
	atomic_uint alloc_calls;
	atomic_uint allocs;
	atomic_uint frees;
	atomic_uint updates;
	atomic_uint destroys;
	atomic_uint bad_frees;
	atomic_uint bad_sgt;
	atomic_uint late;
	atomic_int live_at_destroy;
	atomic_size_t last_size;
	atomic_size_t last_offs;
};

static struct mock_pool *to_mock(struct tee_protmem_pool *p)
{
	return (struct mock_pool *)((char *)p -
				    offsetof(struct mock_pool, pool));
}

/*
 * Let the other threads run: a scheduling point for the rt layer's own
 * scheduler (with -Druntime=noos nothing else would switch), then the OS.
 */
static void heap_yield(void)
{
	rt_sched_point(RT_POINT_YIELD);
	sched_yield();
}

static void mock_check_alive(struct mock_pool *m)
{
	if (atomic_load(&m->destroys))
		atomic_fetch_add(&m->late, 1);
}

static int mock_alloc(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
		      size_t size, size_t *offs)
{
	struct mock_pool *m = to_mock(pool);
	unsigned int n = atomic_fetch_add(&m->alloc_calls, 1) + 1;
	unsigned int every = atomic_load(&m->fail_every);
	int rc = atomic_load(&m->alloc_rc);
	size_t npages = (size + SMCSIM_PAGE_MASK) / PAGE;
	uint64_t pa;

	mock_check_alive(m);
	atomic_store(&m->last_size, size);
	if (atomic_load(&m->yield) && (n & 1))
		heap_yield();
	if (rc)
		return rc;
	if (every && n % every == 0)
		return -ENOMEM;
	if (m->inner) {
		rc = m->inner->ops->alloc(m->inner, sgt, size, offs);
		if (rc)
			return rc;
		if (sgt->pa < m->base || sgt->len < size ||
		    sgt->pa + sgt->len > m->base + m->size ||
		    *offs != sgt->pa - m->base)
			atomic_fetch_add(&m->bad_sgt, 1);
	} else {
		rc = smcsim_pgalloc_alloc(&m->pages, npages, &pa);
		if (rc)
			return rc;
		sgt->pa = pa;
		sgt->len = npages * PAGE;
		*offs = pa - m->base;
	}
	atomic_store(&m->last_offs, *offs);
	atomic_fetch_add(&m->allocs, 1);
	return 0;
}

static int mock_free(struct tee_protmem_pool *pool, struct tee_sgt *sgt)
{
	struct mock_pool *m = to_mock(pool);
	int rc;

	mock_check_alive(m);
	if (m->inner)
		rc = m->inner->ops->free(m->inner, sgt);
	else if (!sgt->len)
		rc = -EINVAL;
	else
		rc = smcsim_pgalloc_free(&m->pages, sgt->pa, sgt->len / PAGE);
	if (rc)
		atomic_fetch_add(&m->bad_frees, 1);
	atomic_fetch_add(&m->frees, 1);
	return rc;
}

static int mock_update_shm(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
			   size_t offs, struct tee_shm *shm,
			   struct tee_shm **parent_shm)
{
	struct mock_pool *m = to_mock(pool);
	int rc = atomic_load(&m->update_rc);

	mock_check_alive(m);
	atomic_fetch_add(&m->updates, 1);
	if (rc)
		return rc;
	if (m->parent) {
		shm->paddr = m->parent->paddr + offs;
		*parent_shm = m->parent;
		return 0;
	}
	if (m->inner)
		return m->inner->ops->update_shm(m->inner, sgt, offs, shm,
						 parent_shm);
	shm->paddr = m->base + offs;
	*parent_shm = NULL;
	return 0;
}

static void mock_release_memory(struct mock_pool *m)
{
	if (m->inner)
		m->inner->ops->destroy_pool(m->inner);
	else
		smcsim_pgalloc_fini(&m->pages);
}

/* A second destroy is counted, not executed, so the test can report it. */
static void mock_destroy(struct tee_protmem_pool *pool)
{
	struct mock_pool *m = to_mock(pool);

	atomic_store(&m->live_at_destroy,
		     (int)(atomic_load(&m->allocs) - atomic_load(&m->frees)));
	if (atomic_fetch_add(&m->destroys, 1) == 0)
		mock_release_memory(m);
}

static const struct tee_protmem_pool_ops mock_ops = {
	.alloc = mock_alloc,
	.free = mock_free,
	.update_shm = mock_update_shm,
	.destroy_pool = mock_destroy,
};

/* A mock over [@base, @base + @size), or over a static pool there. */
static void mock_init(struct mock_pool *m, struct fx *fx, uint64_t base,
		      size_t size, bool over_static)
{
	memset(m, 0, sizeof(*m));
	m->base = base;
	m->size = size;
	if (over_static)
		assert_int_equal(tee_protmem_static_pool_alloc(fx->phys, base,
							       size,
							       &m->inner), 0);
	else
		assert_int_equal(smcsim_pgalloc_init(&m->pages, base, size),
				 0);
	m->pool.ops = &mock_ops;
}

/* mock_init(), then bind it to heap @id of @dev (which must succeed). */
static void mock_bind(struct mock_pool *m, struct fx *fx,
		      struct tee_device *dev, unsigned int id, uint64_t base,
		      size_t size, bool over_static)
{
	mock_init(m, fx, base, size, over_static);
	assert_int_equal(tee_device_register_dma_heap(dev, id, &m->pool), 0);
}

/* A mock the heap never took: it is still the test's to free. */
static void mock_discard(struct mock_pool *m)
{
	assert_int_equal(atomic_load(&m->destroys), 0);
	mock_release_memory(m);
}

/* Destroyed exactly once, with no buffer live, nothing used after. */
static void mock_assert_destroyed_clean(struct mock_pool *m)
{
	assert_int_equal(atomic_load(&m->destroys), 1);
	assert_int_equal(atomic_load(&m->live_at_destroy), 0);
	assert_int_equal(atomic_load(&m->allocs), atomic_load(&m->frees));
	assert_int_equal(atomic_load(&m->late), 0);
	assert_int_equal(atomic_load(&m->bad_frees), 0);
	assert_int_equal(atomic_load(&m->bad_sgt), 0);
}

/* ---- helpers ------------------------------------------------------------ */

static struct dma_buf *heap_alloc(struct fx *fx, unsigned int id, size_t len)
{
	struct dma_buf *d = NULL;

	assert_int_equal(tee_dma_heap_alloc(&fx->cls, tee_dma_heap_name(id),
					    len, &d), 0);
	assert_non_null(d);
	assert_int_equal(d->size, page_round(len));
	assert_int_equal(rt_kref_read(&d->refcount), 1);
	return d;
}

static void heap_alloc_fails(struct fx *fx, unsigned int id, size_t len,
			     int want)
{
	struct dma_buf *d = NULL;

	assert_int_equal(tee_dma_heap_alloc(&fx->cls, tee_dma_heap_name(id),
					    len, &d), want);
	assert_null(d);
}

static struct tee_dma_heap_info heap_info(struct fx *fx, unsigned int id)
{
	struct tee_dma_heap_info info;

	memset(&info, 0, sizeof(info));
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, id, &info), 0);
	return info;
}

static struct tee_shm *import(struct tee_context *ctx, struct dma_buf *d)
{
	struct tee_shm *shm = NULL;

	assert_int_equal(tee_shm_register_fd(ctx, d, &shm), 0);
	assert_non_null(shm);
	assert_true(shm->id >= 1);
	assert_int_equal(shm->flags, TEE_SHM_DMA_BUF);
	assert_ptr_equal(shm->dmabuf, d);
	assert_int_equal(shm->size, d->size);
	assert_null(tee_shm_get_va(shm, 0));
	return shm;
}

/*
 * Unregister a device that should have no user left but its registration,
 * so that a leaked user fails the test instead of hanging it.
 */
static void unregister_now(struct tee_device *teedev)
{
	assert_int_equal(tee_device_num_users(teedev), 1);
	tee_device_unregister(teedev);
}

/**
 * struct unreg_job - tee_device_unregister() on its own thread
 * @teedev:	the device
 * @t:		the thread
 * @done:	completed when unregister returned
 */
struct unreg_job {
	struct tee_device *teedev;
	struct rt_thread *t;
	struct rt_completion done;
};

static void *unreg_thread(void *arg)
{
	struct unreg_job *job = arg;

	tee_device_unregister(job->teedev);
	rt_complete(&job->done);
	return NULL;
}

static void unreg_start(struct unreg_job *job, struct tee_device *teedev)
{
	job->teedev = teedev;
	rt_completion_init(&job->done);
	assert_int_equal(rt_thread_create(&job->t, "unreg", unreg_thread, job),
			 0);
}

static void unreg_finish(struct unreg_job *job)
{
	assert_int_equal(rt_wait_for_completion_timeout(&job->done, WAIT_MS),
			 0);
	rt_thread_join(job->t, NULL);
	rt_completion_destroy(&job->done);
}

/* ---- names and registration --------------------------------------------- */

static void tee_heap_names_by_id(void **state)
{
	struct fx *fx = *state;
	struct tee_dma_heap_info info;

	assert_string_equal(tee_dma_heap_name(1), "protected,secure-video");
	assert_string_equal(tee_dma_heap_name(2), "protected,trusted-ui");
	assert_string_equal(tee_dma_heap_name(3),
			    "protected,secure-video-record");
	assert_null(tee_dma_heap_name(0));
	assert_null(tee_dma_heap_name(4));
	assert_null(tee_dma_heap_name(UINT32_MAX));
	/* No heap exists before a registration, nor at a bad id. */
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, 0, &info), -ENOENT);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, 1, &info), -ENOENT);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, 4, &info), -ENOENT);
}

static void tee_heap_register_alloc_free(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_dma_heap_info info;
	struct mock_pool m;
	struct dma_buf *d;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	/* The registration holds a device user. */
	assert_int_equal(tee_device_num_users(dev), 2);
	info = heap_info(fx, HEAP_VIDEO);
	assert_true(info.bound);
	assert_false(info.shutting_down);
	assert_int_equal(info.refs, 1);
	assert_int_equal(info.buffers, 0);
	assert_int_equal(info.allocs, 0);
	assert_int_equal(info.destroys, 0);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, HEAP_UI, &info),
			 -ENOENT);

	d = heap_alloc(fx, HEAP_VIDEO, 3 * PAGE);
	assert_int_equal(atomic_load(&m.allocs), 1);
	info = heap_info(fx, HEAP_VIDEO);
	assert_int_equal(info.refs, 2);
	assert_int_equal(info.buffers, 1);
	assert_int_equal(info.allocs, 1);
	/* Buffers hold the heap, not extra device users. */
	assert_int_equal(tee_device_num_users(dev), 2);

	dma_buf_put(d);
	assert_int_equal(atomic_load(&m.frees), 1);
	info = heap_info(fx, HEAP_VIDEO);
	assert_true(info.bound);
	assert_int_equal(info.refs, 1);
	assert_int_equal(info.buffers, 0);
	assert_int_equal(info.allocs, 1);
	assert_int_equal(atomic_load(&m.destroys), 0);

	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	assert_int_equal(tee_device_num_users(dev), 1);
	unregister_now(dev);
}

static void tee_heap_register_bad_id_einval(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_protmem_pool no_ops = { .ops = NULL };
	struct tee_dma_heap_info info;
	struct mock_pool m;

	mock_init(&m, fx, fx->prot.base, fx->prot.size, false);
	assert_int_equal(tee_device_register_dma_heap(dev, 0, &m.pool),
			 -EINVAL);
	assert_int_equal(tee_device_register_dma_heap(dev,
						      TEE_DMA_HEAP_ID_MAX + 1,
						      &m.pool), -EINVAL);
	assert_int_equal(tee_device_register_dma_heap(dev, HEAP_VIDEO, NULL),
			 -EINVAL);
	assert_int_equal(tee_device_register_dma_heap(dev, HEAP_VIDEO,
						      &no_ops), -EINVAL);
	/* Nothing taken, nothing made; the pool is still the caller's. */
	assert_int_equal(tee_device_num_users(dev), 1);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, 0, &info), -ENOENT);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, 4, &info), -ENOENT);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, HEAP_VIDEO, &info),
			 -ENOENT);
	assert_int_equal(atomic_load(&m.destroys), 0);
	mock_discard(&m);
	unregister_now(dev);
}

static void tee_heap_register_twice_ebusy(void **state)
{
	struct fx *fx = *state;
	struct tee_device *a = new_device(fx), *b = new_device(fx);
	struct mock_pool m1, m2;
	struct dma_buf *d;

	mock_init(&m1, fx, fx->prot.base, fx->prot.size, false);
	mock_init(&m2, fx, fx->prot.base, fx->prot.size, false);
	assert_int_equal(tee_device_register_dma_heap(a, HEAP_VIDEO, &m1.pool),
			 0);
	assert_int_equal(tee_device_register_dma_heap(a, HEAP_VIDEO, &m2.pool),
			 -EBUSY);
	assert_int_equal(tee_device_register_dma_heap(b, HEAP_VIDEO, &m2.pool),
			 -EBUSY);
	/* The failed registrations dropped the users they took. */
	assert_int_equal(tee_device_num_users(a), 2);
	assert_int_equal(tee_device_num_users(b), 1);
	assert_true(heap_info(fx, HEAP_VIDEO).bound);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).refs, 1);

	/* The first binding still serves. */
	d = heap_alloc(fx, HEAP_VIDEO, PAGE);
	assert_int_equal(atomic_load(&m1.allocs), 1);
	assert_int_equal(atomic_load(&m2.alloc_calls), 0);
	dma_buf_put(d);

	tee_device_put_all_dma_heaps(a);
	mock_assert_destroyed_clean(&m1);
	mock_discard(&m2);
	unregister_now(b);
	unregister_now(a);
}

/* A device whose last user went (unregister's state) takes no heap. */
static void tee_heap_register_gone_device_einval(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = NULL;
	struct tee_dma_heap_info info;
	struct mock_pool m;

	assert_int_equal(tee_device_alloc(&fake_desc, &fx->cls, NULL, NULL,
					  &dev), 0);
	tee_device_put(dev);
	assert_int_equal(tee_device_num_users(dev), 0);
	mock_init(&m, fx, fx->prot.base, fx->prot.size, false);
	assert_int_equal(tee_device_register_dma_heap(dev, HEAP_VIDEO,
						      &m.pool), -EINVAL);
	assert_int_equal(tee_device_num_users(dev), 0);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, HEAP_VIDEO, &info),
			 -ENOENT);
	mock_discard(&m);
	/* No user to wait for: it frees at once. */
	tee_device_unregister(dev);
}

static void tee_heap_register_enomem_unwinds(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_dma_heap_info info;
	struct mock_pool m;

	mock_init(&m, fx, fx->prot.base, fx->prot.size, false);
	smcsim_alloc_fail_after(0);
	assert_int_equal(tee_device_register_dma_heap(dev, HEAP_VIDEO,
						      &m.pool), -ENOMEM);
	smcsim_alloc_fail_after(-1);
	assert_int_equal(tee_device_num_users(dev), 1);
	assert_int_equal(tee_dma_heap_get_info(&fx->cls, HEAP_VIDEO, &info),
			 -ENOENT);
	assert_int_equal(atomic_load(&m.destroys), 0);

	assert_int_equal(tee_device_register_dma_heap(dev, HEAP_VIDEO,
						      &m.pool), 0);
	assert_int_equal(tee_device_num_users(dev), 2);
	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

/* ---- allocation --------------------------------------------------------- */

static void tee_heap_alloc_unknown_name_enoent(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct dma_buf *d = NULL;
	struct mock_pool m;

	/* No heap was ever made. */
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -ENOENT);

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	heap_alloc_fails(fx, HEAP_UI, PAGE, -ENOENT);
	assert_int_equal(tee_dma_heap_alloc(&fx->cls, "protected,bogus", PAGE,
					    &d), -ENOENT);
	assert_int_equal(tee_dma_heap_alloc(&fx->cls, "", PAGE, &d), -ENOENT);
	assert_int_equal(tee_dma_heap_alloc(&fx->cls, "protected", PAGE, &d),
			 -ENOENT);
	assert_null(d);
	assert_int_equal(tee_dma_heap_alloc(NULL, tee_dma_heap_name(1), PAGE,
					    &d), -EINVAL);
	assert_int_equal(tee_dma_heap_alloc(&fx->cls, NULL, PAGE, &d),
			 -EINVAL);
	assert_int_equal(tee_dma_heap_alloc(&fx->cls, tee_dma_heap_name(1),
					    PAGE, NULL), -EINVAL);
	assert_null(d);
	assert_int_equal(atomic_load(&m.alloc_calls), 0);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).refs, 1);

	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

static void tee_heap_alloc_len_zero_einval(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct mock_pool m;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	heap_alloc_fails(fx, HEAP_VIDEO, 0, -EINVAL);
	/* Lengths that round past SIZE_MAX. */
	heap_alloc_fails(fx, HEAP_VIDEO, SIZE_MAX, -EINVAL);
	heap_alloc_fails(fx, HEAP_VIDEO, SIZE_MAX - SMCSIM_PAGE_MASK + 1,
			 -EINVAL);
	assert_int_equal(atomic_load(&m.alloc_calls), 0);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).refs, 1);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).buffers, 0);

	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

static void tee_heap_alloc_rounds_to_pages(void **state)
{
	static const size_t lens[] = { 1, PAGE - 1, PAGE, PAGE + 1,
				       3 * PAGE + 5 };
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct dma_buf *d[sizeof(lens) / sizeof(lens[0])];
	struct mock_pool m;
	size_t i;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		d[i] = heap_alloc(fx, HEAP_VIDEO, lens[i]);
		/* The pool is asked for whole pages too. */
		assert_int_equal(atomic_load(&m.last_size),
				 page_round(lens[i]));
	}
	assert_int_equal(d[0]->size, PAGE);
	assert_int_equal(d[2]->size, PAGE);
	assert_int_equal(d[3]->size, 2 * PAGE);
	assert_int_equal(d[4]->size, 4 * PAGE);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		dma_buf_put(d[i]);

	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

static void tee_heap_alloc_failures_unwind(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_dma_heap_info info;
	struct mock_pool m;
	struct dma_buf *d;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	/* The buffer struct. */
	smcsim_alloc_fail_after(0);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -ENOMEM);
	smcsim_alloc_fail_after(-1);
	assert_int_equal(atomic_load(&m.alloc_calls), 0);
	/* The dma-buf, after the pool gave memory: given back. */
	smcsim_alloc_fail_after(1);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -ENOMEM);
	smcsim_alloc_fail_after(-1);
	assert_int_equal(atomic_load(&m.allocs), 1);
	assert_int_equal(atomic_load(&m.frees), 1);
	/* The pool's own errors come back as they are. */
	atomic_store(&m.alloc_rc, -ENOMEM);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -ENOMEM);
	atomic_store(&m.alloc_rc, -EIO);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -EIO);
	atomic_store(&m.alloc_rc, 0);
	assert_int_equal(atomic_load(&m.frees), 1);

	info = heap_info(fx, HEAP_VIDEO);
	assert_true(info.bound);
	assert_int_equal(info.refs, 1);
	assert_int_equal(info.buffers, 0);
	assert_int_equal(info.allocs, 0);
	assert_int_equal(atomic_load(&m.destroys), 0);

	d = heap_alloc(fx, HEAP_VIDEO, PAGE);
	dma_buf_put(d);
	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

/* ---- putting the heaps ------------------------------------------------- */

static void tee_heap_put_all_no_buffers_destroys_at_once(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_dma_heap_info info;
	struct mock_pool m;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	assert_int_equal(tee_device_num_users(dev), 2);

	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	assert_int_equal(tee_device_num_users(dev), 1);
	info = heap_info(fx, HEAP_VIDEO);
	assert_false(info.bound);
	assert_false(info.shutting_down);
	assert_int_equal(info.refs, 0);
	assert_int_equal(info.destroys, 1);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -EINVAL);
	assert_int_equal(atomic_load(&m.alloc_calls), 0);

	/* Twice changes nothing. */
	tee_device_put_all_dma_heaps(dev);
	assert_int_equal(atomic_load(&m.destroys), 1);
	assert_int_equal(tee_device_num_users(dev), 1);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).destroys, 1);
	unregister_now(dev);
}

typedef void (*put_heaps_fn)(struct tee_device *teedev);

/* @put is tee_device_put_all_dma_heaps or its pre-merge alias. */
static void check_put_all_waits_for_last_buffer(struct fx *fx,
						put_heaps_fn put)
{
	struct tee_device *dev = new_device(fx);
	struct tee_dma_heap_info info;
	struct dma_buf *d[3];
	struct mock_pool m;
	int i;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	for (i = 0; i < 3; i++)
		d[i] = heap_alloc(fx, HEAP_VIDEO, PAGE);

	put(dev);
	assert_int_equal(atomic_load(&m.destroys), 0);
	assert_int_equal(tee_device_num_users(dev), 2);
	info = heap_info(fx, HEAP_VIDEO);
	assert_false(info.bound);
	assert_true(info.shutting_down);
	assert_int_equal(info.refs, 3);
	assert_int_equal(info.buffers, 3);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -EINVAL);
	assert_int_equal(atomic_load(&m.alloc_calls), 3);

	/* A second put must not drop a buffer's reference. */
	put(dev);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).refs, 3);
	assert_int_equal(atomic_load(&m.destroys), 0);

	dma_buf_put(d[1]);
	dma_buf_put(d[0]);
	assert_int_equal(atomic_load(&m.destroys), 0);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).refs, 1);
	assert_int_equal(tee_device_num_users(dev), 2);
	dma_buf_put(d[2]);
	mock_assert_destroyed_clean(&m);
	assert_int_equal(tee_device_num_users(dev), 1);
	info = heap_info(fx, HEAP_VIDEO);
	assert_false(info.bound);
	assert_false(info.shutting_down);
	assert_int_equal(info.refs, 0);
	assert_int_equal(info.buffers, 0);
	assert_int_equal(info.destroys, 1);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -EINVAL);

	put(dev);
	assert_int_equal(atomic_load(&m.destroys), 1);
	assert_int_equal(tee_device_num_users(dev), 1);
	unregister_now(dev);
}

static void put_all(struct tee_device *teedev)
{
	tee_device_put_all_dma_heaps(teedev);
}

static void unregister_all(struct tee_device *teedev)
{
	tee_device_unregister_all_dma_heaps(teedev);
}

static void tee_heap_put_all_waits_for_last_buffer(void **state)
{
	check_put_all_waits_for_last_buffer(*state, put_all);
}

static void tee_heap_put_all_alias_name(void **state)
{
	check_put_all_waits_for_last_buffer(*state, unregister_all);
}

static void tee_heap_put_all_only_own_device(void **state)
{
	struct fx *fx = *state;
	struct tee_device *a = new_device(fx), *b = new_device(fx);
	struct mock_pool ma, mb;
	struct dma_buf *d;

	mock_init(&ma, fx, fx->prot.base, fx->prot.size / 2, false);
	mock_init(&mb, fx, fx->prot.base + fx->prot.size / 2,
		  fx->prot.size / 2, false);
	assert_int_equal(tee_device_register_dma_heap(a, HEAP_VIDEO, &ma.pool),
			 0);
	assert_int_equal(tee_device_register_dma_heap(b, HEAP_UI, &mb.pool),
			 0);
	tee_device_put_all_dma_heaps(a);
	mock_assert_destroyed_clean(&ma);
	assert_int_equal(atomic_load(&mb.destroys), 0);
	assert_true(heap_info(fx, HEAP_UI).bound);
	assert_int_equal(tee_device_num_users(b), 2);
	d = heap_alloc(fx, HEAP_UI, PAGE);
	assert_int_equal(atomic_load(&mb.allocs), 1);
	dma_buf_put(d);

	tee_device_put_all_dma_heaps(b);
	mock_assert_destroyed_clean(&mb);
	unregister_now(a);
	unregister_now(b);
}

/* ---- unregister --------------------------------------------------------- */

static void tee_heap_unregister_waits_for_last_buffer(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct unreg_job job;
	struct mock_pool m;
	struct dma_buf *d;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	d = heap_alloc(fx, HEAP_VIDEO, 2 * PAGE);
	tee_device_put_all_dma_heaps(dev);

	unreg_start(&job, dev);
	assert_int_equal(rt_wait_for_completion_timeout(&job.done, BLOCKED_MS),
			 -ETIMEDOUT);
	assert_int_equal(atomic_load(&m.destroys), 0);
	/* dev may not be touched any more: unregister frees it. */
	dma_buf_put(d);
	unreg_finish(&job);
	mock_assert_destroyed_clean(&m);
	assert_int_equal(tee_class_devices_in_use(&fx->cls), 0);
}

/* The creator closed its fd; the imported shm is what holds the buffer. */
static void tee_heap_unregister_waits_for_imported_shm(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_context *ctx = open_ctx(dev);
	struct unreg_job job;
	struct tee_shm *shm;
	struct mock_pool m;
	struct dma_buf *d;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	d = heap_alloc(fx, HEAP_VIDEO, PAGE);
	shm = import(ctx, d);
	dma_buf_put(d);
	teedev_close_context(ctx);
	tee_device_put_all_dma_heaps(dev);
	assert_int_equal(atomic_load(&m.frees), 0);

	unreg_start(&job, dev);
	assert_int_equal(rt_wait_for_completion_timeout(&job.done, BLOCKED_MS),
			 -ETIMEDOUT);
	assert_int_equal(atomic_load(&m.destroys), 0);
	tee_shm_free(shm);
	unreg_finish(&job);
	mock_assert_destroyed_clean(&m);
}

/*
 * docs/abi.md section 12.2 and Linux: tee_device_unregister() itself first calls
 * tee_device_put_all_dma_heaps(), so a driver that does not put its heaps
 * does not hang its removal. If unregister does not return, the test puts
 * the heaps itself to let it finish, then fails.
 */
static void tee_heap_unregister_puts_all_heaps(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct unreg_job job;
	struct mock_pool m;
	int rc;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	unreg_start(&job, dev);
	rc = rt_wait_for_completion_timeout(&job.done, WAIT_MS);
	if (rc) {
		tee_device_put_all_dma_heaps(dev);
		unreg_finish(&job);
		fail_msg("tee_device_unregister() did not put the device's "
			 "dma-heaps: blocked on the heap's device user");
	}
	rt_thread_join(job.t, NULL);
	rt_completion_destroy(&job.done);
	mock_assert_destroyed_clean(&m);
	assert_false(heap_info(fx, HEAP_VIDEO).bound);
}

/* ---- rebinding ---------------------------------------------------------- */

static void tee_heap_rebind_after_last_free(void **state)
{
	struct fx *fx = *state;
	struct tee_device *a = new_device(fx), *b = new_device(fx);
	struct tee_context *ctx_a = open_ctx(a), *ctx_b = open_ctx(b);
	struct tee_shm *shm = NULL;
	struct mock_pool ma, mb;
	struct dma_buf *d;

	mock_init(&ma, fx, fx->prot.base, fx->prot.size, false);
	mock_init(&mb, fx, fx->prot.base, fx->prot.size, false);
	assert_int_equal(tee_device_register_dma_heap(a, HEAP_VIDEO, &ma.pool),
			 0);
	d = heap_alloc(fx, HEAP_VIDEO, PAGE);
	tee_device_put_all_dma_heaps(a);

	/* Still bound to a through its buffer. */
	assert_int_equal(tee_device_register_dma_heap(b, HEAP_VIDEO, &mb.pool),
			 -EBUSY);
	assert_int_equal(tee_device_num_users(b), 2);
	assert_int_equal(atomic_load(&mb.destroys), 0);
	assert_true(heap_info(fx, HEAP_VIDEO).shutting_down);

	dma_buf_put(d);
	mock_assert_destroyed_clean(&ma);
	assert_int_equal(tee_device_num_users(a), 2);

	assert_int_equal(tee_device_register_dma_heap(b, HEAP_VIDEO, &mb.pool),
			 0);
	assert_int_equal(tee_device_num_users(b), 3);
	assert_true(heap_info(fx, HEAP_VIDEO).bound);
	assert_false(heap_info(fx, HEAP_VIDEO).shutting_down);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).refs, 1);
	d = heap_alloc(fx, HEAP_VIDEO, PAGE);
	assert_int_equal(atomic_load(&mb.allocs), 1);
	assert_int_equal(atomic_load(&ma.alloc_calls), 1);
	/* The buffer is b's now. */
	assert_int_equal(tee_shm_register_fd(ctx_a, d, &shm), -EINVAL);
	assert_null(shm);
	shm = import(ctx_b, d);
	/* Putting a's heaps again does not touch b's binding. */
	tee_device_put_all_dma_heaps(a);
	assert_true(heap_info(fx, HEAP_VIDEO).bound);
	assert_int_equal(atomic_load(&mb.destroys), 0);
	assert_int_equal(tee_device_num_users(b), 4);

	tee_shm_free(shm);
	dma_buf_put(d);
	teedev_close_context(ctx_a);
	teedev_close_context(ctx_b);
	/* a has no heap left: its unregister does not wait. */
	unregister_now(a);
	tee_device_put_all_dma_heaps(b);
	mock_assert_destroyed_clean(&mb);
	unregister_now(b);
}

/* ---- the static pool ---------------------------------------------------- */

static void tee_heap_static_pool_rejects_bad_range(void **state)
{
	struct fx *fx = *state;
	struct tee_protmem_pool *pool = NULL;
	uint64_t base = fx->prot.base;
	size_t size = fx->prot.size;

	assert_int_equal(tee_protmem_static_pool_alloc(fx->phys, base, 0,
						       &pool), -EINVAL);
	assert_int_equal(tee_protmem_static_pool_alloc(fx->phys, base + 1,
						       PAGE, &pool), -EINVAL);
	assert_int_equal(tee_protmem_static_pool_alloc(fx->phys, base,
						       PAGE + 1, &pool),
			 -EINVAL);
	assert_int_equal(tee_protmem_static_pool_alloc(NULL, base, PAGE,
						       &pool), -EINVAL);
	/* Memory the map does not know, and a range past the region. */
	assert_int_equal(tee_protmem_static_pool_alloc(fx->phys, PAGE, PAGE,
						       &pool), -EINVAL);
	assert_int_equal(tee_protmem_static_pool_alloc(fx->phys,
						       base + size - PAGE,
						       2 * PAGE, &pool),
			 -EINVAL);
	assert_null(pool);
	assert_int_equal(tee_protmem_static_pool_alloc(fx->phys, base, size,
						       &pool), 0);
	assert_non_null(pool);
	assert_non_null(pool->ops);
	pool->ops->destroy_pool(pool);
}

static void tee_heap_static_pool_exhaustion_enomem(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_dma_heap_info info;
	struct dma_buf *d[4], *again;
	struct mock_pool m;
	int i;

	/* Four pages: four single-page buffers, then nothing. */
	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, 4 * PAGE,
		  true);
	for (i = 0; i < 4; i++)
		d[i] = heap_alloc(fx, HEAP_VIDEO, PAGE);
	heap_alloc_fails(fx, HEAP_VIDEO, 1, -ENOMEM);
	heap_alloc_fails(fx, HEAP_VIDEO, 2 * PAGE, -ENOMEM);
	info = heap_info(fx, HEAP_VIDEO);
	assert_int_equal(info.buffers, 4);
	assert_int_equal(info.refs, 5);
	assert_int_equal(info.allocs, 4);

	/* A freed page is found again. */
	dma_buf_put(d[2]);
	again = heap_alloc(fx, HEAP_VIDEO, PAGE);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -ENOMEM);
	dma_buf_put(again);
	dma_buf_put(d[0]);
	dma_buf_put(d[1]);
	dma_buf_put(d[3]);

	/* Everything came back: the whole range in one piece. */
	info = heap_info(fx, HEAP_VIDEO);
	assert_int_equal(info.buffers, 0);
	assert_int_equal(info.refs, 1);
	again = heap_alloc(fx, HEAP_VIDEO, 4 * PAGE);
	dma_buf_put(again);
	assert_int_equal(atomic_load(&m.allocs), atomic_load(&m.frees));
	assert_int_equal(atomic_load(&m.bad_sgt), 0);

	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

static void tee_heap_static_pool_whole_region(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	size_t quarter = fx->prot.size / 4;
	struct dma_buf *d[4], *all;
	struct mock_pool m;
	int i;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  true);
	heap_alloc_fails(fx, HEAP_VIDEO, fx->prot.size + PAGE, -ENOMEM);
	for (i = 0; i < 4; i++)
		d[i] = heap_alloc(fx, HEAP_VIDEO, quarter);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -ENOMEM);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).buffers, 4);
	for (i = 0; i < 4; i++)
		dma_buf_put(d[i]);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).buffers, 0);
	all = heap_alloc(fx, HEAP_VIDEO, fx->prot.size);
	heap_alloc_fails(fx, HEAP_VIDEO, PAGE, -ENOMEM);
	dma_buf_put(all);

	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).buffers, 0);
	unregister_now(dev);
}

/*
 * A pool bug that frees one allocation twice: the static pool refuses the
 * second free and keeps its books, so the pages are not handed out twice.
 */
static void tee_heap_static_pool_double_free_einval(void **state)
{
	struct fx *fx = *state;
	struct tee_protmem_pool *pool = NULL;
	struct tee_sgt a = { 0 }, b = { 0 }, stale, c = { 0 };
	size_t offs_a, offs_b, offs_c;

	assert_int_equal(tee_protmem_static_pool_alloc(fx->phys, fx->prot.base,
						       2 * PAGE, &pool), 0);
	assert_int_equal(pool->ops->alloc(pool, &a, PAGE, &offs_a), 0);
	assert_int_equal(pool->ops->alloc(pool, &b, PAGE, &offs_b), 0);
	assert_int_not_equal(offs_a, offs_b);
	stale = a;
	assert_int_equal(pool->ops->free(pool, &a), 0);
	assert_int_equal(a.len, 0);
	/* The same sgt again, and a stale copy of it. */
	assert_int_equal(pool->ops->free(pool, &a), -EINVAL);
	assert_int_equal(pool->ops->free(pool, &stale), -EINVAL);
	/* One page is free, not two: b's page was not given back. */
	assert_int_equal(pool->ops->alloc(pool, &c, PAGE, &offs_c), 0);
	assert_int_equal(offs_c, offs_a);
	assert_int_equal(pool->ops->alloc(pool, &stale, PAGE, &offs_a),
			 -ENOMEM);
	assert_int_equal(pool->ops->free(pool, &c), 0);
	assert_int_equal(pool->ops->free(pool, &b), 0);
	pool->ops->destroy_pool(pool);
}

/* ---- import as shm ------------------------------------------------------ */

static void tee_heap_import_static_paddr(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_context *ctx = open_ctx(dev);
	struct tee_shm *s1, *s2, *found = NULL;
	struct dma_buf *d1, *d2;
	struct mock_pool m;
	uint64_t pa;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  true);
	d1 = heap_alloc(fx, HEAP_VIDEO, 2 * PAGE);
	d2 = heap_alloc(fx, HEAP_VIDEO, PAGE);
	assert_int_equal(tee_device_num_users(dev), 3);
	s1 = import(ctx, d1);
	s2 = import(ctx, d2);
	assert_int_equal(atomic_load(&m.updates), 2);
	assert_int_not_equal(s1->id, s2->id);
	/* Each shm holds a device user and a reference on its buffer. */
	assert_int_equal(tee_device_num_users(dev), 5);
	assert_int_equal(rt_kref_read(&d1->refcount), 2);

	/* By address, inside the protected region, not overlapping. */
	assert_null(s1->parent_shm);
	assert_null(s2->parent_shm);
	assert_int_equal(s1->parent_offs, 0);
	assert_true(s1->paddr >= fx->prot.base &&
		    s1->paddr + s1->size <= fx->prot.base + fx->prot.size);
	assert_true(s2->paddr >= fx->prot.base &&
		    s2->paddr + s2->size <= fx->prot.base + fx->prot.size);
	assert_true(s1->paddr + s1->size <= s2->paddr ||
		    s2->paddr + s2->size <= s1->paddr);
	assert_int_equal(s1->paddr & SMCSIM_PAGE_MASK, 0);
	assert_int_equal(tee_shm_get_pa(s1, PAGE + 8, &pa), 0);
	assert_int_equal(pa, s1->paddr + PAGE + 8);
	assert_int_equal(tee_shm_get_pa(s1, s1->size, &pa), -EINVAL);
	assert_null(tee_shm_get_va(s2, PAGE - 1));

	assert_int_equal(tee_shm_get_from_id(ctx, s1->id, &found), 0);
	assert_ptr_equal(found, s1);
	tee_shm_put(found);

	tee_shm_free(s1);
	assert_int_equal(rt_kref_read(&d1->refcount), 1);
	assert_int_equal(atomic_load(&m.frees), 0);
	dma_buf_put(d1);
	assert_int_equal(atomic_load(&m.frees), 1);
	dma_buf_put(d2);
	assert_int_equal(atomic_load(&m.frees), 1);
	tee_shm_free(s2);
	assert_int_equal(atomic_load(&m.frees), 2);
	assert_int_equal(tee_device_num_users(dev), 3);

	teedev_close_context(ctx);
	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

/* The creator's dma_buf_put() (fd close) leaves the import's reference. */
static void tee_heap_import_keeps_buffer_alive(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_context *ctx = open_ctx(dev);
	struct tee_shm *shm, *shm2;
	struct mock_pool m;
	struct dma_buf *d;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	d = heap_alloc(fx, HEAP_VIDEO, 3 * PAGE);
	shm = import(ctx, d);
	dma_buf_put(d);
	assert_int_equal(atomic_load(&m.frees), 0);
	assert_int_equal(heap_info(fx, HEAP_VIDEO).buffers, 1);
	assert_int_equal(shm->dmabuf->size, 3 * PAGE);
	assert_int_equal(rt_kref_read(&shm->dmabuf->refcount), 1);

	/* Put while imported; the buffer is still the device's. */
	tee_device_put_all_dma_heaps(dev);
	assert_int_equal(atomic_load(&m.destroys), 0);
	shm2 = import(ctx, shm->dmabuf);
	assert_int_equal(shm2->paddr, shm->paddr);

	tee_shm_free(shm);
	assert_int_equal(atomic_load(&m.frees), 0);
	tee_shm_free(shm2);
	assert_int_equal(atomic_load(&m.frees), 1);
	mock_assert_destroyed_clean(&m);
	teedev_close_context(ctx);
	assert_int_equal(tee_device_num_users(dev), 1);
	unregister_now(dev);
}

static void tee_heap_import_wrong_device_einval(void **state)
{
	struct fx *fx = *state;
	struct tee_device *a = new_device(fx), *b = new_device(fx);
	struct tee_context *ctx_a = open_ctx(a), *ctx_b = open_ctx(b);
	struct tee_shm *shm = NULL;
	struct mock_pool ma, mb;
	struct dma_buf *d;

	mock_init(&ma, fx, fx->prot.base, fx->prot.size / 2, false);
	mock_init(&mb, fx, fx->prot.base + fx->prot.size / 2,
		  fx->prot.size / 2, false);
	assert_int_equal(tee_device_register_dma_heap(a, HEAP_VIDEO, &ma.pool),
			 0);
	assert_int_equal(tee_device_register_dma_heap(b, HEAP_UI, &mb.pool),
			 0);
	d = heap_alloc(fx, HEAP_UI, PAGE);

	assert_int_equal(tee_shm_register_fd(ctx_a, d, &shm), -EINVAL);
	assert_null(shm);
	assert_int_equal(rt_kref_read(&d->refcount), 1);
	assert_int_equal(tee_device_num_users(a), 3);
	assert_int_equal(tee_device_num_users(b), 3);
	assert_int_equal(rt_kref_read(&ctx_a->refcount), 1);
	assert_true(RB_EMPTY(&a->shm_ids));
	assert_int_equal(atomic_load(&ma.updates), 0);
	assert_int_equal(atomic_load(&mb.updates), 0);

	/* The same buffer on its own device imports. */
	shm = import(ctx_b, d);
	assert_true(shm->paddr >= mb.base);
	tee_shm_free(shm);
	dma_buf_put(d);

	teedev_close_context(ctx_a);
	teedev_close_context(ctx_b);
	tee_device_put_all_dma_heaps(a);
	tee_device_put_all_dma_heaps(b);
	mock_assert_destroyed_clean(&ma);
	mock_assert_destroyed_clean(&mb);
	unregister_now(a);
	unregister_now(b);
}

static int foreign_releases;

static void foreign_release(struct dma_buf *dmabuf)
{
	(void)dmabuf;
	foreign_releases++;
}

static const struct dma_buf_ops foreign_ops = {
	.release = foreign_release,
};

static const struct dma_buf_ops no_release_ops = {
	.release = NULL,
};

static void tee_heap_import_foreign_dmabuf_einval(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_context *ctx = open_ctx(dev);
	struct dma_buf *foreign = NULL, *bad = NULL;
	struct tee_shm *shm = NULL;
	char priv[8];

	foreign_releases = 0;
	assert_int_equal(dma_buf_export(NULL, priv, PAGE, &bad), -EINVAL);
	assert_int_equal(dma_buf_export(&no_release_ops, priv, PAGE, &bad),
			 -EINVAL);
	assert_null(bad);
	assert_int_equal(dma_buf_export(&foreign_ops, priv, PAGE, &foreign),
			 0);
	assert_non_null(foreign);

	assert_int_equal(tee_shm_register_fd(ctx, foreign, &shm), -EINVAL);
	assert_int_equal(tee_shm_register_fd(ctx, NULL, &shm), -EINVAL);
	assert_null(shm);
	assert_int_equal(rt_kref_read(&foreign->refcount), 1);
	assert_int_equal(tee_device_num_users(dev), 2);
	assert_true(RB_EMPTY(&dev->shm_ids));
	assert_int_equal(foreign_releases, 0);
	dma_buf_put(foreign);
	assert_int_equal(foreign_releases, 1);

	teedev_close_context(ctx);
	unregister_now(dev);
}

static void tee_heap_import_failures_unwind(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_context *ctx = open_ctx(dev);
	struct tee_shm *shm = NULL;
	struct mock_pool m;
	struct dma_buf *d;

	mock_bind(&m, fx, dev, HEAP_VIDEO, fx->prot.base, fx->prot.size,
		  false);
	d = heap_alloc(fx, HEAP_VIDEO, PAGE);

	smcsim_alloc_fail_after(0);
	assert_int_equal(tee_shm_register_fd(ctx, d, &shm), -ENOMEM);
	smcsim_alloc_fail_after(-1);
	atomic_store(&m.update_rc, -EIO);
	assert_int_equal(tee_shm_register_fd(ctx, d, &shm), -EIO);
	atomic_store(&m.update_rc, 0);
	assert_null(shm);
	assert_int_equal(rt_kref_read(&d->refcount), 1);
	assert_int_equal(rt_kref_read(&ctx->refcount), 1);
	assert_int_equal(tee_device_num_users(dev), 3);
	assert_true(RB_EMPTY(&dev->shm_ids));

	dma_buf_put(d);
	teedev_close_context(ctx);
	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	unregister_now(dev);
}

/* Dynamic-pool style: the memory is a window of a lent parent shm. */
static void tee_heap_import_dynamic_parent(void **state)
{
	struct fx *fx = *state;
	struct tee_device *dev = new_device(fx);
	struct tee_context *ctx = open_ctx(dev);
	struct tee_shm *parent = NULL, *s1, *s2;
	struct dma_buf *d1, *d2;
	struct mock_pool m;
	size_t offs2;

	assert_int_equal(tee_shm_alloc_dma_mem(ctx, 4, &parent), 0);
	assert_non_null(parent);
	assert_int_equal(parent->flags, TEE_SHM_DMA_MEM);
	assert_int_equal(parent->size, 4 * PAGE);
	assert_true(smcsim_phys_is_nonsecure(fx->phys, parent->paddr,
					     parent->size));

	mock_init(&m, fx, fx->prot.base, 4 * PAGE, false);
	m.parent = parent;
	assert_int_equal(tee_device_register_dma_heap(dev, HEAP_VIDEO,
						      &m.pool), 0);
	d1 = heap_alloc(fx, HEAP_VIDEO, PAGE);
	d2 = heap_alloc(fx, HEAP_VIDEO, 2 * PAGE);
	offs2 = atomic_load(&m.last_offs);
	assert_int_not_equal(offs2, 0);

	s2 = import(ctx, d2);
	assert_ptr_equal(s2->parent_shm, parent);
	assert_int_equal(s2->parent_offs, offs2);
	assert_int_equal(s2->paddr, parent->paddr + offs2);
	assert_int_equal(s2->size, 2 * PAGE);
	s1 = import(ctx, d1);
	assert_ptr_equal(s1->parent_shm, parent);
	assert_int_equal(s1->parent_offs, 0);
	assert_int_equal(s1->paddr, parent->paddr);

	tee_shm_free(s1);
	tee_shm_free(s2);
	dma_buf_put(d1);
	dma_buf_put(d2);
	tee_device_put_all_dma_heaps(dev);
	mock_assert_destroyed_clean(&m);
	tee_shm_free(parent);
	teedev_close_context(ctx);
	unregister_now(dev);
}

/* ---- seed 001: allocations racing the put and the unregister ----------- */

#define RACE_WORKERS	4
#define RACE_ROUNDS	40
#define RACE_ITERS	150
#define RACE_HOLD	6
#define RACE_SEED	0x7ee4ea9001c0ffeeULL

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd_below(uint64_t *s, unsigned int n)
{
	return n ? (unsigned int)(splitmix64(s) % n) : 0;
}

struct race;

/**
 * struct held - what a worker keeps of one allocation
 * @d:		the creator's reference ("fd"), NULL once closed
 * @shm:	an import of it, or NULL
 */
struct held {
	struct dma_buf *d;
	struct tee_shm *shm;
};

/**
 * struct worker - one allocating thread (its fields are its own)
 * @r:		the round
 * @rng:	its PRNG
 * @ctx:	its context on the device, for imports
 * @t:		the thread
 * @done:	completed when it closed its context
 * @held:	buffers it holds
 * @nheld:	entries in @held
 */
struct worker {
	struct race *r;
	uint64_t rng;
	struct tee_context *ctx;
	struct rt_thread *t;
	struct rt_completion done;
	struct held held[RACE_HOLD];
	unsigned int nheld;
};

/**
 * struct race - one round
 * @fx, @dev, @id, @name: where it allocates
 * @m:		the pool
 * @target:	allocation attempts before the put
 * @hold:	buffers a worker keeps at most (0: frees each at once, so
 *		the put often drops the last reference itself)
 * @alias:	put with the pre-merge name
 * @put_started: set just before the put
 * @put_done:	set just after it returned
 * @attempts:	allocation attempts so far
 * @phase1_done: workers done with their allocation loop
 * @put_c:	completed (all) when the put returned
 * @release_c:	completed (all) when workers may free everything
 * @killer_done: the putting thread is done
 * @unreg_done:	unregister returned
 * @ok_after_put: allocations that began after the put returned yet worked
 * @einval_before_put: -EINVAL before the put had started
 * @bad_rc:	other errors
 * @bad_buf:	buffers of the wrong size
 * @bad_import:	imports that failed or described the wrong memory
 * @timeouts:	bounded waits of the threads that ran out
 * @n_ok, @n_einval, @n_enomem: outcomes
 * @unreg_live:	pool buffers live when unregister returned
 * @unreg_destroys: pool destroys when unregister returned
 */
struct race {
	struct fx *fx;
	struct tee_device *dev;
	unsigned int id;
	const char *name;
	struct mock_pool m;
	unsigned int target;
	unsigned int hold;
	bool alias;
	atomic_bool put_started;
	atomic_bool put_done;
	atomic_uint attempts;
	atomic_uint phase1_done;
	struct rt_completion put_c;
	struct rt_completion release_c;
	struct rt_completion killer_done;
	struct rt_completion unreg_done;
	atomic_uint ok_after_put;
	atomic_uint einval_before_put;
	atomic_uint bad_rc;
	atomic_uint bad_buf;
	atomic_uint bad_import;
	atomic_uint timeouts;
	atomic_uint n_ok;
	atomic_uint n_einval;
	atomic_uint n_enomem;
	unsigned int unreg_live;
	unsigned int unreg_destroys;
};

static int race_try_alloc(struct worker *w, struct dma_buf **out)
{
	struct race *r = w->r;
	size_t len = 1 + rnd_below(&w->rng, 3 * PAGE);
	bool put_before = atomic_load(&r->put_done);
	bool put_started;
	int rc;

	*out = NULL;
	rc = tee_dma_heap_alloc(&r->fx->cls, r->name, len, out);
	put_started = atomic_load(&r->put_started);
	atomic_fetch_add(&r->attempts, 1);
	if (!rc) {
		atomic_fetch_add(&r->n_ok, 1);
		if (put_before)
			atomic_fetch_add(&r->ok_after_put, 1);
		if (!*out || (*out)->size != page_round(len))
			atomic_fetch_add(&r->bad_buf, 1);
	} else if (rc == -EINVAL) {
		atomic_fetch_add(&r->n_einval, 1);
		if (!put_started)
			atomic_fetch_add(&r->einval_before_put, 1);
	} else if (rc == -ENOMEM) {
		atomic_fetch_add(&r->n_enomem, 1);
	} else {
		atomic_fetch_add(&r->bad_rc, 1);
	}
	return rc;
}

static void race_import(struct worker *w, struct held *h)
{
	struct race *r = w->r;
	struct tee_shm *shm = NULL;

	if (tee_shm_register_fd(w->ctx, h->d, &shm) || !shm) {
		atomic_fetch_add(&r->bad_import, 1);
		return;
	}
	if (shm->size != h->d->size || shm->flags != TEE_SHM_DMA_BUF ||
	    shm->id < 1 || tee_shm_get_va(shm, 0) || shm->parent_shm ||
	    shm->paddr < r->m.base ||
	    shm->paddr + shm->size > r->m.base + r->m.size)
		atomic_fetch_add(&r->bad_import, 1);
	h->shm = shm;
}

/* Give up held[@i], its two references in a random order. */
static void race_drop(struct worker *w, unsigned int i)
{
	struct held h = w->held[i];

	w->held[i] = w->held[--w->nheld];
	if (rnd_below(&w->rng, 2)) {
		dma_buf_put(h.d);
		tee_shm_free(h.shm);
	} else {
		if (h.shm)
			tee_shm_free(h.shm);
		dma_buf_put(h.d);
	}
}

static void race_step(struct worker *w)
{
	struct dma_buf *d;
	struct held *h;

	if (!race_try_alloc(w, &d)) {
		if (w->nheld && w->nheld >= w->r->hold)
			race_drop(w, rnd_below(&w->rng, w->nheld));
		h = &w->held[w->nheld++];
		h->d = d;
		h->shm = NULL;
		if (rnd_below(&w->rng, 2)) {
			race_import(w, h);
			/* Sometimes only the import keeps it. */
			if (h->shm && rnd_below(&w->rng, 2)) {
				dma_buf_put(h->d);
				h->d = NULL;
			}
		}
	}
	if (w->nheld && (!w->r->hold || !rnd_below(&w->rng, 3)))
		race_drop(w, rnd_below(&w->rng, w->nheld));
}

static void *race_worker(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->r;
	struct dma_buf *d;
	unsigned int i;

	for (i = 0; i < RACE_ITERS; i++)
		race_step(w);
	atomic_fetch_add(&r->phase1_done, 1);

	if (rt_wait_for_completion_timeout(&r->put_c, WAIT_MS))
		atomic_fetch_add(&r->timeouts, 1);
	/* The put returned: nothing is allocated any more. */
	for (i = 0; i < 3; i++)
		if (!race_try_alloc(w, &d))
			dma_buf_put(d);

	if (rt_wait_for_completion_timeout(&r->release_c, WAIT_MS))
		atomic_fetch_add(&r->timeouts, 1);
	while (w->nheld) {
		race_drop(w, rnd_below(&w->rng, w->nheld));
		if (!race_try_alloc(w, &d))
			dma_buf_put(d);
	}
	teedev_close_context(w->ctx);
	rt_complete(&w->done);
	return NULL;
}

static void *race_killer(void *arg)
{
	struct race *r = arg;
	uint64_t deadline = rt_now_ms() + WAIT_MS;

	while (atomic_load(&r->attempts) < r->target &&
	       atomic_load(&r->phase1_done) < RACE_WORKERS &&
	       rt_now_ms() < deadline)
		heap_yield();
	atomic_store(&r->put_started, true);
	if (r->alias)
		tee_device_unregister_all_dma_heaps(r->dev);
	else
		tee_device_put_all_dma_heaps(r->dev);
	atomic_store(&r->put_done, true);
	rt_complete_all(&r->put_c);
	rt_complete(&r->killer_done);
	return NULL;
}

static void *race_unreg(void *arg)
{
	struct race *r = arg;

	tee_device_unregister(r->dev);
	r->unreg_live = atomic_load(&r->m.allocs) - atomic_load(&r->m.frees);
	r->unreg_destroys = atomic_load(&r->m.destroys);
	rt_complete(&r->unreg_done);
	return NULL;
}

#define RACE_EXPECT(cond)						\
	do {								\
		if (!(cond))						\
			fail_msg("round %u (seed 0x%llx): %s", rno,	\
				 (unsigned long long)seed, #cond);	\
	} while (0)

static void race_round(struct fx *fx, uint64_t seed, unsigned int rno)
{
	struct worker w[RACE_WORKERS];
	struct rt_thread *killer, *unreg;
	struct tee_dma_heap_info info;
	uint64_t rng = seed + rno * 0x100000001b3ULL;
	struct race *r = calloc(1, sizeof(*r));
	unsigned int i;

	assert_non_null(r);
	r->fx = fx;
	r->dev = new_device(fx);
	r->id = 1 + rnd_below(&rng, TEE_DMA_HEAP_ID_MAX);
	r->name = tee_dma_heap_name(r->id);
	r->target = rnd_below(&rng, RACE_WORKERS * RACE_ITERS * 5 / 4 + 1);
	r->alias = rnd_below(&rng, 2);
	r->hold = rnd_below(&rng, 3) ? RACE_HOLD : rnd_below(&rng, 2);
	mock_init(&r->m, fx, fx->prot.base, fx->prot.size, false);
	atomic_store(&r->m.yield, true);
	if (rnd_below(&rng, 2))
		atomic_store(&r->m.fail_every, 5 + rnd_below(&rng, 10));
	rt_completion_init(&r->put_c);
	rt_completion_init(&r->release_c);
	rt_completion_init(&r->killer_done);
	rt_completion_init(&r->unreg_done);
	assert_int_equal(tee_device_register_dma_heap(r->dev, r->id,
						      &r->m.pool), 0);

	for (i = 0; i < RACE_WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].r = r;
		w[i].rng = splitmix64(&rng);
		w[i].ctx = open_ctx(r->dev);
		rt_completion_init(&w[i].done);
	}
	assert_int_equal(rt_thread_create(&killer, "heap-put", race_killer, r),
			 0);
	for (i = 0; i < RACE_WORKERS; i++)
		assert_int_equal(rt_thread_create(&w[i].t, "heap-alloc",
						  race_worker, &w[i]), 0);

	assert_int_equal(rt_wait_for_completion_timeout(&r->killer_done,
							WAIT_MS), 0);
	rt_thread_join(killer, NULL);
	/* Destroyed at the put only if no buffer was live then. */
	RACE_EXPECT(atomic_load(&r->m.destroys) <= 1);
	if (atomic_load(&r->m.destroys))
		RACE_EXPECT(atomic_load(&r->m.live_at_destroy) == 0);

	assert_int_equal(rt_thread_create(&unreg, "heap-unreg", race_unreg, r),
			 0);
	rt_complete_all(&r->release_c);
	for (i = 0; i < RACE_WORKERS; i++) {
		assert_int_equal(rt_wait_for_completion_timeout(&w[i].done,
								WAIT_MS), 0);
		rt_thread_join(w[i].t, NULL);
		rt_completion_destroy(&w[i].done);
	}
	assert_int_equal(rt_wait_for_completion_timeout(&r->unreg_done,
							WAIT_MS), 0);
	rt_thread_join(unreg, NULL);

	RACE_EXPECT(atomic_load(&r->timeouts) == 0);
	RACE_EXPECT(atomic_load(&r->ok_after_put) == 0);
	RACE_EXPECT(atomic_load(&r->einval_before_put) == 0);
	RACE_EXPECT(atomic_load(&r->bad_rc) == 0);
	RACE_EXPECT(atomic_load(&r->bad_buf) == 0);
	RACE_EXPECT(atomic_load(&r->bad_import) == 0);
	if (!atomic_load(&r->m.fail_every))
		RACE_EXPECT(atomic_load(&r->n_enomem) == 0);
	RACE_EXPECT(atomic_load(&r->m.allocs) == atomic_load(&r->n_ok));
	/* Unregister returned after the last buffer, the pool gone once. */
	RACE_EXPECT(r->unreg_live == 0);
	RACE_EXPECT(r->unreg_destroys == 1);
	RACE_EXPECT(atomic_load(&r->m.destroys) == 1);
	RACE_EXPECT(atomic_load(&r->m.live_at_destroy) == 0);
	RACE_EXPECT(atomic_load(&r->m.late) == 0);
	RACE_EXPECT(atomic_load(&r->m.bad_frees) == 0);
	RACE_EXPECT(atomic_load(&r->m.allocs) == atomic_load(&r->m.frees));
	info = heap_info(fx, r->id);
	RACE_EXPECT(!info.bound && !info.shutting_down);
	RACE_EXPECT(info.refs == 0 && info.buffers == 0);
	RACE_EXPECT(info.allocs >= atomic_load(&r->n_ok));
	RACE_EXPECT(tee_class_devices_in_use(&fx->cls) == 0);

	rt_completion_destroy(&r->put_c);
	rt_completion_destroy(&r->release_c);
	rt_completion_destroy(&r->killer_done);
	rt_completion_destroy(&r->unreg_done);
	free(r);
}

static uint64_t race_seed(void)
{
	const char *env = getenv("SMCSIM_SEED");

	return env && *env ? strtoull(env, NULL, 0) : RACE_SEED;
}

static void tee_heap_race_alloc_put_all_unregister(void **state)
{
	struct fx *fx = *state;
	uint64_t seed = race_seed();
	unsigned int rno;

	printf("tee_heap race: seed 0x%llx (SMCSIM_SEED overrides)\n",
	       (unsigned long long)seed);
	fflush(stdout);
	for (rno = 0; rno < RACE_ROUNDS; rno++)
		race_round(fx, seed, rno);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(tee_heap_names_by_id),
		T(tee_heap_register_alloc_free),
		T(tee_heap_register_bad_id_einval),
		T(tee_heap_register_twice_ebusy),
		T(tee_heap_register_gone_device_einval),
		T(tee_heap_register_enomem_unwinds),
		T(tee_heap_alloc_unknown_name_enoent),
		T(tee_heap_alloc_len_zero_einval),
		T(tee_heap_alloc_rounds_to_pages),
		T(tee_heap_alloc_failures_unwind),
		T(tee_heap_put_all_no_buffers_destroys_at_once),
		T(tee_heap_put_all_waits_for_last_buffer),
		T(tee_heap_put_all_alias_name),
		T(tee_heap_put_all_only_own_device),
		T(tee_heap_unregister_waits_for_last_buffer),
		T(tee_heap_unregister_waits_for_imported_shm),
		T(tee_heap_unregister_puts_all_heaps),
		T(tee_heap_rebind_after_last_free),
		T(tee_heap_static_pool_rejects_bad_range),
		T(tee_heap_static_pool_exhaustion_enomem),
		T(tee_heap_static_pool_whole_region),
		T(tee_heap_static_pool_double_free_einval),
		T(tee_heap_import_static_paddr),
		T(tee_heap_import_keeps_buffer_alive),
		T(tee_heap_import_wrong_device_einval),
		T(tee_heap_import_foreign_dmabuf_einval),
		T(tee_heap_import_failures_unwind),
		T(tee_heap_import_dynamic_parent),
		T(tee_heap_race_alloc_put_all_unregister),
#undef T
	};

	return cmocka_run_group_tests_name("tee_heap", tests, NULL, NULL);
}
