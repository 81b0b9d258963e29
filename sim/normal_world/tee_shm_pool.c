// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shared-memory pool over a reserved physical range (Linux's
 * tee_shm_pool_alloc_res_mem): page-granular, physically contiguous
 * allocations, translated through the memory map for the normal world's
 * view.
 */
#include <errno.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/tee_drv.h>

struct res_mem_pool {
	struct tee_shm_pool pool;
	struct smcsim_phys *phys;
	struct smcsim_pgalloc pages;
};

int tee_shm_pool_npages(size_t size, size_t align, size_t *npages)
{
	/* Page granular: any alignment up to a page is implied. */
	if (!size || align > SMCSIM_PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	if (size > SIZE_MAX - SMCSIM_PAGE_MASK)
		return -ENOMEM;
	*npages = (size + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE;
	return 0;
}

static struct res_mem_pool *to_res_mem(struct tee_shm_pool *pool)
{
	return pool->private_data;
}

static int res_mem_alloc(struct tee_shm_pool *pool, struct tee_shm *shm,
			 size_t size, size_t align)
{
	struct res_mem_pool *p = to_res_mem(pool);
	size_t npages;
	uint64_t pa;
	int rc;

	rc = tee_shm_pool_npages(size, align, &npages);
	if (rc)
		return rc;
	rc = smcsim_pgalloc_alloc(&p->pages, npages, &pa);
	if (rc)
		return rc;
	shm->paddr = pa;
	shm->size = npages * SMCSIM_PAGE_SIZE;
	shm->kaddr = smcsim_phys_map(p->phys, SMCSIM_WORLD_NORMAL, pa, shm->size);
	shm->flags |= TEE_SHM_POOL;
	return 0;
}

static void res_mem_free(struct tee_shm_pool *pool, struct tee_shm *shm)
{
	struct res_mem_pool *p = to_res_mem(pool);

	smcsim_pgalloc_free(&p->pages, shm->paddr, shm->size / SMCSIM_PAGE_SIZE);
	shm->kaddr = NULL;
	shm->paddr = 0;
}

static void res_mem_destroy(struct tee_shm_pool *pool)
{
	struct res_mem_pool *p = to_res_mem(pool);

	smcsim_pgalloc_fini(&p->pages);
	smcsim_free(p);
}

static const struct tee_shm_pool_ops res_mem_pool_ops = {
	.alloc = res_mem_alloc,
	.free = res_mem_free,
	.destroy_pool = res_mem_destroy,
};

int tee_shm_pool_alloc_res_mem(struct smcsim_phys *phys, uint64_t paddr,
			       size_t size, struct tee_shm_pool **out)
{
	struct res_mem_pool *p;
	int rc;

	if (!smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, paddr, size))
		return -EINVAL;
	p = smcsim_zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	rc = smcsim_pgalloc_init(&p->pages, paddr, size);
	if (rc) {
		smcsim_free(p);
		return rc;
	}
	p->phys = phys;
	p->pool.ops = &res_mem_pool_ops;
	p->pool.private_data = p;
	*out = &p->pool;
	return 0;
}
