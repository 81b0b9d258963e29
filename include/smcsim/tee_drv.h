/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal world: what a TEE client and a TEE driver share, after Linux's
 * include/linux/tee_drv.h: contexts, shared-memory objects and pools. The
 * behaviour is Linux's (abi-facts.md section 7e); the code is smcsim's.
 */
#ifndef SMCSIM_TEE_DRV_H
#define SMCSIM_TEE_DRV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/rt.h>

struct tee_device;
struct tee_shm_pool;

/**
 * struct tee_context - a client's connection to a TEE device
 * @teedev:	the device; the context holds a device user
 * @data:	driver private data
 * @refcount:	the file's reference plus one per shm and in-flight request
 * @releasing:	set when the last reference went; makes teedev_ctx_get/put
 *		no-ops so that objects freed during release do not recurse
 * @supp_nowait: in-kernel client: do not wait for a supplicant to appear
 * @cap_memref_null: the client may pass NULL memrefs
 */
struct tee_context {
	struct tee_device *teedev;
	void *data;
	struct rt_kref refcount;
	atomic_bool releasing;
	bool supp_nowait;
	bool cap_memref_null;
};

/* tee_shm flags */
#define TEE_SHM_DYNAMIC		(1U << 0)	/* registered with the TEE by page list */
#define TEE_SHM_USER_MAPPED	(1U << 1)	/* memory of a user buffer */
#define TEE_SHM_POOL		(1U << 2)	/* allocated from the device pool */
#define TEE_SHM_PRIV		(1U << 3)	/* driver-private, never exported */

/**
 * struct tee_shm - a piece of shared memory
 * @ctx:	context that owns it (holds a reference), NULL for driver pool
 *		allocations made before any context exists
 * @paddr:	physical address of the first byte
 * @kaddr:	normal-world virtual address of the first byte
 * @size:	bytes
 * @offset:	offset of @paddr in its first page
 * @flags:	TEE_SHM_*
 * @id:		user-visible id, -1 for kernel-only shm
 * @sec_world_id: the cookie the secure world knows it by, 0 if none
 * @refcount:	references; freed at zero
 */
struct tee_shm {
	struct tee_context *ctx;
	uint64_t paddr;
	void *kaddr;
	size_t size;
	unsigned int offset;
	unsigned int flags;
	int id;
	uint64_t sec_world_id;
	struct rt_kref refcount;
};

/**
 * struct tee_shm_pool_ops - a shared-memory allocator
 * @alloc:	fill @shm's paddr/kaddr/size for @size bytes aligned to @align
 *		(a power of two); return 0 or a negative errno
 * @free:	give back what @alloc took
 * @destroy_pool: free the pool itself; every shm must be gone
 */
struct tee_shm_pool_ops {
	int (*alloc)(struct tee_shm_pool *pool, struct tee_shm *shm,
		     size_t size, size_t align);
	void (*free)(struct tee_shm_pool *pool, struct tee_shm *shm);
	void (*destroy_pool)(struct tee_shm_pool *pool);
};

/**
 * struct tee_shm_pool - a pool and its private data
 * @ops:	the allocator
 * @private_data: the allocator's state
 */
struct tee_shm_pool {
	const struct tee_shm_pool_ops *ops;
	void *private_data;
};

struct smcsim_phys;

/**
 * tee_shm_pool_alloc_res_mem() - a pool over a reserved physical range
 * @phys:	the memory map the range is translated through
 * @paddr:	start, page aligned
 * @size:	bytes, page aligned
 * @out:	receives the pool
 *
 * Allocations are page granular, physically contiguous. Return: 0, -EINVAL
 * if the range is not normal-world memory, -ENOMEM.
 */
int tee_shm_pool_alloc_res_mem(struct smcsim_phys *phys, uint64_t paddr,
			       size_t size, struct tee_shm_pool **out);

static inline void tee_shm_pool_free(struct tee_shm_pool *pool)
{
	pool->ops->destroy_pool(pool);
}

#endif /* SMCSIM_TEE_DRV_H */
