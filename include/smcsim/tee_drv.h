/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal world: what a TEE client and a TEE driver share, after Linux's
 * include/linux/tee_drv.h: contexts, shared-memory objects and pools. The
 * behaviour is Linux's (docs/abi.md section 12.2); the code is smcsim's.
 */
#ifndef SMCSIM_TEE_DRV_H
#define SMCSIM_TEE_DRV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/bsd_tree.h>
#include <smcsim/rt.h>
#include <smcsim/tee_ioctl.h>

struct dma_buf;
struct tee_device;
struct tee_shm_pool;

/* 0x80000000..0xBFFFFFFF are for kernel clients only. */
#define TEE_IOCTL_LOGIN_REE_KERNEL_MIN		0x80000000U
#define TEE_IOCTL_LOGIN_REE_KERNEL_MAX		0xBFFFFFFFU
#define TEE_IOCTL_LOGIN_REE_KERNEL		0x80000000U

/* Most parameters a client call may carry (TEE_MAX_ARG_SIZE allows more). */
#define TEE_NUM_PARAMS				4

struct tee_shm;

/**
 * struct tee_param - one parameter of a client call
 * @attr:	TEE_IOCTL_PARAM_ATTR_TYPE_*
 * @u.memref:	shm, offset in it and size (NULL shm: a NULL memref)
 * @u.value:	three values
 */
struct tee_param {
	uint64_t attr;
	union {
		struct {
			size_t shm_offs;
			size_t size;
			struct tee_shm *shm;
		} memref;
		struct {
			uint64_t a;
			uint64_t b;
			uint64_t c;
		} value;
	} u;
};

/** tee_param_is_memref() - whether @p is a memref (input, output or inout) */
static inline bool tee_param_is_memref(const struct tee_param *p)
{
	switch (p->attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) {
	case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT:
	case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
	case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
		return true;
	default:
		return false;
	}
}

/**
 * struct tee_context - a client's connection to a TEE device
 * @teedev:	the device; the context holds a device user
 * @data:	driver private data
 * @refcount:	the file's reference plus one per shm and in-flight request
 * @releasing:	set when the last reference went; makes teedev_ctx_get/put
 *		no-ops so that objects freed during release do not recurse
 * @supp_nowait: in-kernel client: do not wait for a supplicant to appear
 * @cap_memref_null: the client may pass NULL memrefs
 * @system_ctx_count: system invocation threads this context reserved
 *		(proposal profile, seed 002); its calls then use them
 */
struct tee_context {
	struct tee_device *teedev;
	void *data;
	struct rt_kref refcount;
	atomic_bool releasing;
	bool supp_nowait;
	bool cap_memref_null;
	atomic_uint system_ctx_count;
};

/* tee_shm flags */
#define TEE_SHM_DYNAMIC		(1U << 0)	/* registered with the TEE by page list */
#define TEE_SHM_USER_MAPPED	(1U << 1)	/* memory of a user buffer */
#define TEE_SHM_POOL		(1U << 2)	/* allocated from the device pool */
#define TEE_SHM_PRIV		(1U << 3)	/* driver-private, never exported */
#define TEE_SHM_REGISTERED	(1U << 4)	/* memory of the caller, not the pool */
#define TEE_SHM_DMA_BUF		(1U << 5)	/* a dma-buf imported with register_fd */
#define TEE_SHM_DMA_MEM		(1U << 6)	/* contiguous pages for the driver */

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
 * @teedev:	the device it was made on (holds a device user)
 * @pages:	physical address of each page of a registered shm
 * @num_pages:	entries in @pages
 * @id_node:	in the device's id tree while @id >= 0
 * @dmabuf:	TEE_SHM_DMA_BUF: the imported buffer (a reference held)
 * @parent_shm:	TEE_SHM_DMA_BUF: the shm the secure world knows the memory
 *		by (lent protected memory), NULL when it goes by address
 * @parent_offs: the buffer's offset in @parent_shm
 */
struct tee_shm {
	struct tee_device *teedev;
	struct tee_context *ctx;
	uint64_t paddr;
	void *kaddr;
	size_t size;
	unsigned int offset;
	unsigned int flags;
	int id;
	uint64_t sec_world_id;
	struct rt_kref refcount;
	uint64_t *pages;
	size_t num_pages;
	RB_ENTRY(tee_shm) id_node;
	struct dma_buf *dmabuf;
	struct tee_shm *parent_shm;
	size_t parent_offs;
};
RB_HEAD(tee_shm_idr, tee_shm);

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

/**
 * tee_shm_pool_npages() - pages a page-granular pool needs for @size bytes
 * aligned to @align (a power of two, at most a page)
 * Return: 0 and *@npages, -EINVAL for size 0 or a bad alignment, -ENOMEM.
 */
int tee_shm_pool_npages(size_t size, size_t align, size_t *npages);

static inline void tee_shm_pool_free(struct tee_shm_pool *pool)
{
	pool->ops->destroy_pool(pool);
}

/* ---- shared memory ------------------------------------------------------ */

/**
 * tee_shm_alloc_kernel_buf() - pool memory for a kernel client, shared with
 * the TEE (registered with it when the pool is dynamic). Kernel-only: id -1.
 * Return: 0 and *@out, -EINVAL (device going away, no pool), -ENOMEM.
 */
int tee_shm_alloc_kernel_buf(struct tee_context *ctx, size_t size,
			     struct tee_shm **out);
/** tee_shm_alloc_priv_buf() - driver-private pool memory, never registered */
int tee_shm_alloc_priv_buf(struct tee_context *ctx, size_t size,
			   struct tee_shm **out);
/**
 * tee_shm_alloc_user_buf() - pool memory for a user client, with an id
 * (what the SHM_ALLOC ioctl returns as an fd)
 */
int tee_shm_alloc_user_buf(struct tee_context *ctx, size_t size,
			   struct tee_shm **out);
/**
 * tee_shm_register_kernel_buf() - share memory the caller owns
 * @addr:	normal-world memory of the map (smcsim_phys_map), any alignment
 * @length:	bytes
 *
 * The pages are handed to the driver's shm_register op (a page list for
 * OP-TEE). Return: 0 and *@out, -EINVAL, -EFAULT (not normal-world memory),
 * -EOPNOTSUPP (driver cannot register), -ENOMEM, or the driver's error.
 */
int tee_shm_register_kernel_buf(struct tee_context *ctx, void *addr,
				size_t length, struct tee_shm **out);
/** tee_shm_register_user_buf() - the same with an id (SHM_REGISTER ioctl) */
int tee_shm_register_user_buf(struct tee_context *ctx, void *addr,
			      size_t length, struct tee_shm **out);
/**
 * tee_shm_register_fd() - import a dma-buf from a TEE heap of @ctx's device
 * (TEE_IOC_SHM_REGISTER_FD), with an id. The shm holds a reference on the
 * buffer; it has no normal-world mapping (tee_shm_get_va() gives NULL).
 * Passed as a memref it reaches the secure world by physical address
 * (static pool) or as a window of the lent memory (dynamic pool).
 *
 * Linux also imports single-segment dma-bufs of other exporters through an
 * attachment; the simulation has no other exporter, so those get -EINVAL.
 * Return: 0 and *@out; -EINVAL (device going away, not a TEE heap buffer,
 * another device's buffer), -ENOMEM.
 */
int tee_shm_register_fd(struct tee_context *ctx, struct dma_buf *dmabuf,
			struct tee_shm **out);
/**
 * tee_shm_alloc_dma_mem() - @npages physically contiguous pages of normal
 * memory for the driver (not mapped, not registered, no id), as lent to
 * the secure world for dynamic protected memory
 * Return: 0 and *@out, -EINVAL, -ENOMEM.
 */
int tee_shm_alloc_dma_mem(struct tee_context *ctx, size_t npages,
			  struct tee_shm **out);
/**
 * tee_shm_abandon_dma_mem() - drop the creator's reference to a
 * tee_shm_alloc_dma_mem() shm whose pages the secure world keeps (it
 * refused to give lent memory back): the object, its context reference and
 * device user go; the pages stay allocated for good, never reused
 */
void tee_shm_abandon_dma_mem(struct tee_shm *shm);
/** tee_shm_free() - drop the creator's reference */
void tee_shm_free(struct tee_shm *shm);
void tee_shm_get(struct tee_shm *shm);
/** tee_shm_put() - drop a reference; the last one releases the memory */
void tee_shm_put(struct tee_shm *shm);
/**
 * tee_shm_get_from_id() - find a user shm by id and take a reference
 * Return: 0 and *@out, -EINVAL if there is none with that id in @ctx.
 */
int tee_shm_get_from_id(struct tee_context *ctx, int id, struct tee_shm **out);
/** tee_shm_get_va() - virtual address at @offs; NULL past the end */
void *tee_shm_get_va(struct tee_shm *shm, size_t offs);
/** tee_shm_get_pa() - physical address at @offs; Return: 0 or -EINVAL */
int tee_shm_get_pa(struct tee_shm *shm, size_t offs, uint64_t *pa);
static inline bool tee_shm_is_dynamic(const struct tee_shm *shm)
{
	return shm && (shm->flags & TEE_SHM_DYNAMIC);
}

/* ---- client API (in-kernel clients) ------------------------------------ */

/**
 * tee_client_open_context() - open a context on @teedev for a kernel client
 *
 * Such a context does not wait for a supplicant to appear (supp_nowait).
 * Return: 0 and *@out, or what teedev_open() returns.
 */
int tee_client_open_context(struct tee_device *teedev,
			    struct tee_context **out);
void tee_client_close_context(struct tee_context *ctx);
/**
 * tee_client_open_session() - open a TA session
 * @param:	@arg->num_params parameters (at most TEE_NUM_PARAMS)
 * Return: 0 with the TEE's answer in @arg->ret/@arg->ret_origin, or a
 * negative errno when the call could not be made (-EINVAL bad arguments).
 */
int tee_client_open_session(struct tee_context *ctx,
			    struct tee_ioctl_open_session_arg *arg,
			    struct tee_param *param);
int tee_client_close_session(struct tee_context *ctx, uint32_t session);
int tee_client_invoke_func(struct tee_context *ctx,
			   struct tee_ioctl_invoke_arg *arg,
			   struct tee_param *param);
int tee_client_cancel_req(struct tee_context *ctx, uint32_t cancel_id,
			  uint32_t session);

/**
 * tee_session_calc_client_uuid() - the client UUID the TEE is told for a
 * login, as Linux computes it for user space: the nil UUID for PUBLIC and
 * REE_KERNEL; for USER a name-based UUIDv5 of "uid=<euid, hex>", for GROUP
 * one of "gid=<gid, hex>", both in Linux's TEE client namespace
 * (58ac9ca0-2086-4683-a1b8-ec4bc08e01b6)
 * @uuid:	receives 16 bytes, RFC 4122 byte order
 * @method:	TEE_IOCTL_LOGIN_*
 * @data:	connection data: for GROUP the gid, its 4 bytes in host order
 * @euid:	the caller's effective uid
 * @gids:	the caller's groups (effective gid and supplementary ones)
 * @ngids:	entries in @gids
 * Return: 0; -EPERM for a GROUP the caller is not in (or gid -1); -EINVAL
 * for any other method (Linux has no UUID for the APPLICATION logins).
 */
int tee_session_calc_client_uuid(uint8_t *uuid, uint32_t method,
				 const uint8_t *data, uint32_t euid,
				 const uint32_t *gids, size_t ngids);

/**
 * tee_client_request_system_context() - reserve a TEE thread for system
 * invocations of @ctx (the Feb-2023 proposal, seed 002). A context may
 * hold several; its calls then run on reserved threads.
 * Return: 0, or -EINVAL when the driver or the TEE cannot (no capability,
 * no free thread, firmware that does not know the call).
 */
int tee_client_request_system_context(struct tee_context *ctx);
/** tee_client_release_system_context() - give one reservation back */
void tee_client_release_system_context(struct tee_context *ctx);
/**
 * tee_client_system_session() - make @session a system session (the merged
 * mechanism): the driver keeps a TEE thread free for it.
 * Return: 0, -EINVAL (no such session, or fewer than two TEE threads known).
 */
int tee_client_system_session(struct tee_context *ctx, uint32_t session);

/* ---- the supplicant's side (TEE_IOC_SUPPL_RECV / TEE_IOC_SUPPL_SEND) ---- */

/**
 * tee_supp_recv() - wait for the next request for the supplicant
 * @ctx:	a context on the privileged device (the supplicant's)
 * @func:	receives the RPC command
 * @num_params:	in: entries in @param; out: how many the request filled
 * @param:	in: all NONE, or params[0] META alone for the async form
 *		(then params[0] comes back VALUE_INOUT|META with a = the
 *		request id); out: the request's params. Memrefs name the shm
 *		directly, with a reference held until the answer.
 * Return: 0; -EINVAL for bad params, too few of them, or a second sync
 * request before the first was answered; -EINTR when the calling thread
 * was killed (rt_thread_kill), even with a request waiting (it stays
 * queued: a killed process serves nothing); -EPERM when @ctx is not the
 * supplicant.
 */
int tee_supp_recv(struct tee_context *ctx, uint32_t *func,
		  uint32_t *num_params, struct tee_param *param);
/**
 * tee_supp_send() - answer a request
 * @ret:	the TEE result for the secure world
 * @param:	the request's params with outputs filled (values, memref
 *		sizes), after a VALUE_INOUT|META params[0] with a = the id
 *		in the async form
 * Return: 0; -ENOENT for an id nobody waits on; -EBADF when its requester
 * was killed; -EINTR when the calling thread was killed (the request
 * fails with COMMUNICATION when the context closes); -EINVAL for a param
 * count that does not match.
 */
int tee_supp_send(struct tee_context *ctx, uint32_t ret, uint32_t num_params,
		  struct tee_param *param);
/**
 * tee_supp_register_server() - make @ctx (a client context: any process)
 * the server of the callback object @uuid, as the Qualcomm driver lets
 * any process serve the objects it implements. For OP-TEE that is a
 * supplicant plugin: RPC SUPP_PLUGIN requests naming @uuid go to @ctx,
 * which takes them with tee_supp_recv() and answers with tee_supp_send(),
 * on a queue of its own: servers never wait on each other or on the
 * supplicant. Closing @ctx ends it; its requests fail with COMMUNICATION.
 * Return: 0; -EBUSY (@uuid served already, or @ctx serves already);
 * -EINVAL (the driver has no servers); -ENOMEM.
 */
int tee_supp_register_server(struct tee_context *ctx, const uint8_t uuid[16]);

#endif /* SMCSIM_TEE_DRV_H */
