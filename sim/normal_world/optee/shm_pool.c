// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP-TEE driver's dynamic shared-memory pool (Linux's
 * optee_shm_pool_alloc_pages): each allocation is a run of normal-world
 * DRAM pages. Unless it is driver-private (TEE_SHM_PRIV, sent by physical
 * address) it is registered with OP-TEE (REGISTER_SHM) and then travels by
 * cookie and offset; freeing it unregisters it first.
 */
#include <errno.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>

#include "optee_private.h"

static int pool_op_alloc(struct tee_shm_pool *pool, struct tee_shm *shm,
			 size_t size, size_t align)
{
	struct smcsim_phys *phys = pool->private_data;
	uint64_t pa, *pages;
	size_t npages, i;
	int rc;

	rc = tee_shm_pool_npages(size, align, &npages);
	if (rc)
		return rc;
	rc = smcsim_phys_alloc_pages(phys, npages, &pa);
	if (rc)
		return rc;
	shm->paddr = pa;
	shm->size = npages * SMCSIM_PAGE_SIZE;
	shm->kaddr = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, pa, shm->size);
	shm->flags |= TEE_SHM_POOL;
	if (shm->flags & TEE_SHM_PRIV)
		return 0;

	pages = smcsim_calloc(npages, sizeof(*pages));
	if (!pages) {
		rc = -ENOMEM;
		goto err_free_pages;
	}
	for (i = 0; i < npages; i++)
		pages[i] = pa + i * SMCSIM_PAGE_SIZE;
	rc = optee_shm_register(shm->ctx, shm, pages, npages,
				(uintptr_t)shm->kaddr);
	smcsim_free(pages);
	if (rc)
		goto err_free_pages;
	return 0;

err_free_pages:
	smcsim_phys_free_pages(phys, pa, npages);
	shm->kaddr = NULL;
	shm->paddr = 0;
	return rc;
}

static void pool_op_free(struct tee_shm_pool *pool, struct tee_shm *shm)
{
	struct smcsim_phys *phys = pool->private_data;

	if (tee_shm_is_dynamic(shm))
		optee_shm_unregister(shm->ctx, shm);

	smcsim_phys_free_pages(phys, shm->paddr, shm->size / SMCSIM_PAGE_SIZE);
	shm->kaddr = NULL;
	shm->paddr = 0;
}

static void pool_op_destroy(struct tee_shm_pool *pool)
{
	smcsim_free(pool);
}

static const struct tee_shm_pool_ops pool_ops = {
	.alloc = pool_op_alloc,
	.free = pool_op_free,
	.destroy_pool = pool_op_destroy,
};

int optee_shm_pool_alloc_pages(struct smcsim_phys *phys,
			       struct tee_shm_pool **out)
{
	struct tee_shm_pool *pool = smcsim_zalloc(sizeof(*pool));

	if (!pool)
		return -ENOMEM;
	pool->ops = &pool_ops;
	pool->private_data = phys;
	*out = pool;
	return 0;
}
