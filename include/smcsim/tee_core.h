/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal world: the TEE core as a driver sees it, after Linux's
 * include/linux/tee_core.h: devices, descriptors, driver ops, and the
 * context life cycle (seed 000). A "device file" is a context returned by
 * teedev_open() and closed by teedev_close_context().
 */
#ifndef SMCSIM_TEE_CORE_H
#define SMCSIM_TEE_CORE_H

#include <bitstring.h>
#include <stdbool.h>

#include <smcsim/dma_buf.h>
#include <smcsim/rt.h>
#include <smcsim/tee_drv.h>

#define TEE_NUM_DEVICES		32

/*
 * TEE dma-heap ids (Linux's enum tee_dma_heap_id, the OPTEE_MSG_PROTMEM_*
 * use cases): each names one heap, "protected,<use>".
 */
#define TEE_DMA_HEAP_SECURE_VIDEO_PLAY		1
#define TEE_DMA_HEAP_TRUSTED_UI			2
#define TEE_DMA_HEAP_SECURE_VIDEO_RECORD	3
#define TEE_DMA_HEAP_ID_MAX			3

struct tee_dma_heap;
#define TEE_DESC_PRIVILEGED	0x1
/* tee_device.flags */
#define TEE_DEVICE_FLAG_REGISTERED	0x1

/**
 * struct tee_class - the set of TEE devices of one simulated kernel
 * @lock:	protects @dev_mask
 * @dev_mask:	device numbers in use: 0..15 clients, 16..31 privileged
 * @phys:	the normal world's memory map, to find the pages of memory
 *		a client registers (set by the first driver that probes)
 * @heaps:	the TEE dma-heaps by id (under @lock; Linux's xarray). A heap,
 *		once made, stays until tee_class_fini(), as a dma-heap
 *		device node is never removed
 *
 * Linux keeps these as globals; smcsim keeps one set per normal world so
 * that several worlds can live in one process.
 */
struct tee_class {
	struct rt_mutex lock;
	bitstr_t bit_decl(dev_mask, TEE_NUM_DEVICES);
	struct smcsim_phys *phys;
	struct tee_dma_heap *heaps[TEE_DMA_HEAP_ID_MAX + 1];
};

void tee_class_init(struct tee_class *cls);
void tee_class_fini(struct tee_class *cls);
/** tee_class_devices_in_use() - number of allocated device numbers */
int tee_class_devices_in_use(struct tee_class *cls);

struct tee_driver_ops;

/**
 * struct tee_desc - what a driver registers
 * @name:	driver name
 * @ops:	driver operations; open and release are mandatory
 * @flags:	TEE_DESC_PRIVILEGED for a supplicant device
 */
struct tee_desc {
	const char *name;
	const struct tee_driver_ops *ops;
	unsigned long flags;
};

/**
 * struct tee_device - a TEE device
 * @name:	"tee<N>" (ids 0..15) or "teepriv<N>" (ids 16..31, N = id - 16)
 * @id:		device number in @cls
 * @cls:	the class that numbered it
 * @flags:	TEE_DEVICE_FLAG_*
 * @mutex:	protects @desc and @num_users
 * @desc:	the driver's descriptor; NULL once the last user went after
 *		unregister, which makes tee_device_get() fail
 * @num_users:	1 for the registration plus one per context and shm
 * @c_no_users: completed when @num_users reaches 0
 * @pool:	shared-memory pool of the driver
 * @driver_data: tee_get_drvdata()
 * @shm_ids:	user-visible shm by id (under @mutex)
 * @next_shm_id: where the search for a free id starts
 */
struct tee_device {
	char name[32];
	int id;
	struct tee_class *cls;
	unsigned int flags;
	struct rt_mutex mutex;
	const struct tee_desc *desc;
	unsigned int num_users;
	struct rt_completion c_no_users;
	struct tee_shm_pool *pool;
	void *driver_data;
	struct tee_shm_idr shm_ids;
	int next_shm_id;
};

/**
 * struct tee_driver_ops - driver operations (NULL = not supported)
 * @get_version:	fill the version data
 * @open:		a context was opened; set up its private data
 * @close_context:	the device file was closed; references may remain
 * @release:		the last reference to a context went
 * @open_session:	open a TA session
 * @close_session:	close one
 * @invoke_func:	invoke a TA command
 * @cancel_req:		ask the TEE to cancel a request
 * @shm_register:	share caller memory with the TEE (@pages: physical
 *			address of each page, @start: address of the first)
 * @shm_unregister:	stop sharing it
 * @system_ctx_request:	reserve a system invocation thread (proposal)
 * @system_ctx_release:	give one back
 * @system_session:	mark a session as a system session (merged)
 * @supp_recv:		the supplicant takes a request (TEE_IOC_SUPPL_RECV)
 * @supp_send:		the supplicant answers one (TEE_IOC_SUPPL_SEND)
 * @supp_register_server: the context serves one callback object's
 *			requests (the Qualcomm model of seed 004)
 */
struct tee_driver_ops {
	void (*get_version)(struct tee_device *teedev,
			    struct tee_ioctl_version_data *vers);
	int (*open)(struct tee_context *ctx);
	void (*close_context)(struct tee_context *ctx);
	void (*release)(struct tee_context *ctx);
	int (*open_session)(struct tee_context *ctx,
			    struct tee_ioctl_open_session_arg *arg,
			    struct tee_param *param);
	int (*close_session)(struct tee_context *ctx, uint32_t session);
	int (*invoke_func)(struct tee_context *ctx,
			   struct tee_ioctl_invoke_arg *arg,
			   struct tee_param *param);
	int (*cancel_req)(struct tee_context *ctx, uint32_t cancel_id,
			  uint32_t session);
	int (*shm_register)(struct tee_context *ctx, struct tee_shm *shm,
			    const uint64_t *pages, size_t num_pages,
			    uintptr_t start);
	int (*shm_unregister)(struct tee_context *ctx, struct tee_shm *shm);
	int (*system_ctx_request)(struct tee_context *ctx);
	void (*system_ctx_release)(struct tee_context *ctx);
	int (*system_session)(struct tee_context *ctx, uint32_t session);
	int (*supp_recv)(struct tee_context *ctx, uint32_t *func,
			 uint32_t *num_params, struct tee_param *param);
	int (*supp_send)(struct tee_context *ctx, uint32_t ret,
			 uint32_t num_params, struct tee_param *param);
	int (*supp_register_server)(struct tee_context *ctx,
				    const uint8_t uuid[16]);
};

/**
 * tee_device_alloc() - allocate a device
 * @desc:	descriptor; name, ops, ops->open and ops->release required
 * @cls:	class to take a device number from
 * @pool:	shared-memory pool (may be NULL for a supplicant device)
 * @driver_data: private pointer
 * @out:	receives the device
 *
 * Return: 0, -EINVAL for a bad descriptor, -ENOMEM (also when every device
 * number of the class is taken).
 */
int tee_device_alloc(const struct tee_desc *desc, struct tee_class *cls,
		     struct tee_shm_pool *pool, void *driver_data,
		     struct tee_device **out);
/** tee_device_register() - make the device visible; Return: 0 or -EINVAL */
int tee_device_register(struct tee_device *teedev);
/**
 * tee_device_unregister() - remove and free a device
 *
 * Unbinds every DMA heap of the device (tee_device_put_all_dma_heaps()),
 * drops the registration's user and blocks until every context and shm of
 * the device is gone, then frees it. Works on a device that was allocated
 * but never registered. NULL is ignored.
 */
void tee_device_unregister(struct tee_device *teedev);
/** tee_device_get() - take a user; false once the device is going away */
bool tee_device_get(struct tee_device *teedev);
void tee_device_put(struct tee_device *teedev);
void *tee_get_drvdata(struct tee_device *teedev);
/** tee_device_num_users() - users now (read under the device mutex) */
unsigned int tee_device_num_users(struct tee_device *teedev);

/**
 * teedev_open() - open a context, as opening the device file does
 * Return: 0 and *@out, -EINVAL if the device is going away, -ENOMEM, or
 * what ops->open returned.
 */
int teedev_open(struct tee_device *teedev, struct tee_context **out);
/**
 * teedev_close_context() - close the device file
 *
 * Calls ops->close_context at once, then drops the file's context reference
 * and device user; ops->release runs when the last context reference goes.
 */
void teedev_close_context(struct tee_context *ctx);
void teedev_ctx_get(struct tee_context *ctx);
void teedev_ctx_put(struct tee_context *ctx);

/* ---- protected memory: pools and dma-heaps (tee_heap.c) ----------------- */
/* (docs/abi.md section 11) */

/**
 * struct tee_sgt - where a protected buffer lies: one physically contiguous
 * segment (Linux's sg_table; both of its pools hand out one entry)
 * @pa:		physical address
 * @len:	bytes
 */
struct tee_sgt {
	uint64_t pa;
	size_t len;
};

struct tee_protmem_pool;

/**
 * struct tee_protmem_pool_ops - a protected-memory allocator
 * @alloc:	take @size bytes into @sgt; *@offs = their offset in the
 *		pool's memory. Return: 0 or a negative errno
 * @free:	give back what @alloc took. Return: 0, or -EINVAL when @sgt
 *		is not a live allocation of the pool (a double free), which
 *		changes nothing. Linux's op returns void; a free the pool
 *		refuses is reported here instead of corrupting its counts
 * @update_shm:	make @shm describe the buffer at @offs: set its paddr, and
 *		*@parent_shm to the shm the secure world knows the memory by
 *		(NULL when it is addressed by physical address)
 * @destroy_pool: free the pool; called once, after its last buffer
 */
struct tee_protmem_pool_ops {
	int (*alloc)(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
		     size_t size, size_t *offs);
	int (*free)(struct tee_protmem_pool *pool, struct tee_sgt *sgt);
	int (*update_shm)(struct tee_protmem_pool *pool, struct tee_sgt *sgt,
			  size_t offs, struct tee_shm *shm,
			  struct tee_shm **parent_shm);
	void (*destroy_pool)(struct tee_protmem_pool *pool);
};

/** struct tee_protmem_pool - a pool; embed it in the allocator's state */
struct tee_protmem_pool {
	const struct tee_protmem_pool_ops *ops;
};

/**
 * tee_protmem_static_pool_alloc() - a page-granular pool over a fixed
 * physical range, as GET_PROTMEM_CONFIG reports one
 * @phys:	the map the range must lie in (Linux checks pfn_valid())
 * Return: 0 and *@out; -EINVAL for an unaligned or unknown range, -ENOMEM.
 */
int tee_protmem_static_pool_alloc(struct smcsim_phys *phys, uint64_t paddr,
				  size_t size, struct tee_protmem_pool **out);

/** tee_dma_heap_name() - "protected,secure-video" etc.; NULL for a bad id */
const char *tee_dma_heap_name(unsigned int id);

/**
 * tee_device_register_dma_heap() - serve heap @id from @pool for @teedev
 *
 * The heap takes a device user and one reference for the registration;
 * every buffer takes another. A heap unbound by tee_device_put_all_dma_heaps()
 * whose buffers are all gone can be bound again, to any device.
 * Return: 0; -EINVAL (device going away, bad id), -EBUSY (the heap is bound),
 * -ENOMEM. On error the pool stays the caller's.
 */
int tee_device_register_dma_heap(struct tee_device *teedev, unsigned int id,
				 struct tee_protmem_pool *pool);

/**
 * tee_device_put_all_dma_heaps() - unbind every heap of @teedev
 *
 * Marks each shutting down and drops its registration reference: from now
 * on allocations get -EINVAL. The pool is destroyed and the device user
 * dropped when the last buffer is freed, so tee_device_unregister() returns
 * only after that. Calling it twice changes nothing.
 */
void tee_device_put_all_dma_heaps(struct tee_device *teedev);
/* The name of the pre-merge patch series (seed 001). */
#define tee_device_unregister_all_dma_heaps tee_device_put_all_dma_heaps

/**
 * tee_dma_heap_alloc() - allocate from the heap named @name, as user space
 * does with DMA_HEAP_IOCTL_ALLOC on /dev/dma_heap/<name>
 * @len:	bytes, rounded up to pages
 * @out:	receives a dma-buf with one reference (the "fd")
 * Return: 0; -ENOENT (no heap of that name was ever made); -EINVAL (@len 0
 * or the heap is not bound to a device now); the pool's error (-ENOMEM).
 */
int tee_dma_heap_alloc(struct tee_class *cls, const char *name, size_t len,
		       struct dma_buf **out);

/**
 * struct tee_dma_heap_info - a heap's state, for tests
 * @bound:		a device serves it now
 * @shutting_down:	unbound, waiting for its buffers
 * @refs:		registration plus live buffers
 * @buffers:		live buffers
 * @allocs:		buffers allocated, ever
 * @destroys:		pools destroyed, ever
 * @free_errors:	frees the pool refused (a pool bug: the kernel WARNs)
 */
struct tee_dma_heap_info {
	bool bound;
	bool shutting_down;
	unsigned int refs;
	unsigned int buffers;
	uint64_t allocs;
	uint64_t destroys;
	uint64_t free_errors;
};

/**
 * tee_class_free_heaps() - free the heap objects of @cls no device binds
 * (tee_class_fini() calls it)
 */
void tee_class_free_heaps(struct tee_class *cls);

/** tee_dma_heap_get_info() - Return: 0, -ENOENT (no such heap) */
int tee_dma_heap_get_info(struct tee_class *cls, unsigned int id,
			  struct tee_dma_heap_info *info);
/**
 * tee_dma_heap_get_pool() - the pool heap @id allocates from now, for tests
 * that drive a driver's pool ops directly; valid while a buffer of the heap
 * is held. Return: the pool, or NULL when the heap is unbound or unknown.
 */
struct tee_protmem_pool *tee_dma_heap_get_pool(struct tee_class *cls,
					       unsigned int id);

/**
 * tee_heap_update_from_dma_buf() - fill @shm from a heap buffer of @teedev
 * @offset:	receives the buffer's offset in *@parent_shm, if there is one
 * Return: 0; -EINVAL (not a TEE heap buffer, or another device's).
 */
int tee_heap_update_from_dma_buf(struct tee_device *teedev,
				 struct dma_buf *dmabuf, size_t *offset,
				 struct tee_shm *shm,
				 struct tee_shm **parent_shm);

#endif /* SMCSIM_TEE_CORE_H */
