// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP-TEE driver's dynamic shared-memory pool (Linux's
 * optee_shm_pool_alloc_pages): each allocation is a run of normal-world
 * DRAM pages, marked TEE_SHM_DYNAMIC so that it travels to the secure world
 * by page list and cookie rather than by physical address. Registering the
 * pages with OP-TEE (REGISTER_SHM) comes with the shm life cycle of issue 3.
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
	size_t npages;
	uint64_t pa;
	int rc;

	if (!size || align > SMCSIM_PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	if (size > SIZE_MAX - SMCSIM_PAGE_MASK)
		return -ENOMEM;
	npages = (size + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE;
	rc = smcsim_phys_alloc_pages(phys, npages, &pa);
	if (rc)
		return rc;
	shm->paddr = pa;
	shm->size = npages * SMCSIM_PAGE_SIZE;
	shm->kaddr = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, pa, shm->size);
	shm->flags |= TEE_SHM_POOL | TEE_SHM_DYNAMIC;
	return 0;
}

static void pool_op_free(struct tee_shm_pool *pool, struct tee_shm *shm)
{
	struct smcsim_phys *phys = pool->private_data;

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
