/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal world: the TEE character device as user space sees it, after the
 * tee_ioctl_*() functions of Linux's drivers/tee/tee_core.c. One open of
 * /dev/teeN or /dev/teeprivN is a struct tee_uapi_file (a tee_context);
 * tee_uapi_ioctl() takes the ioctl number and the process's pointer
 * argument, reads and writes the process's memory only through a struct
 * tee_uapi_mem (copy_from_user/copy_to_user), and answers what Linux
 * answers, errno included. The layer knows nothing of sockets or processes:
 * smcsimd serves real processes with it, unit tests and the fuzzer call it
 * directly with an in-process tee_uapi_mem.
 *
 * What differs from Linux, on purpose:
 *  - memref parameters a supplicant passes to SUPPL_RECV are refused with
 *    -EINVAL as in Linux, and their shm references are dropped here (the
 *    port's supplicant queue refuses them without releasing);
 *  - TEE_GEN_CAP_REG_MEM is advertised only when the host can share the
 *    process's own memory (struct tee_uapi_host.user_mem): a registration
 *    the secure world could not see would be a copy, not sharing, and
 *    libteec falls back to SHM_ALLOC when the bit is clear;
 *  - the caller's credentials for the USER and GROUP logins come from the
 *    host (struct tee_uapi_host.get_cred), not from "current".
 */
#ifndef SMCSIM_TEE_UAPI_H
#define SMCSIM_TEE_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/tee_ioctl.h>

struct dma_buf;
struct tee_context;
struct tee_device;
struct tee_shm;

/**
 * struct tee_uapi_mem - how the layer reaches the calling process's memory
 * @read:	copy @len bytes at the process's @uaddr into @dst
 * @write:	copy @len bytes from @src to the process's @uaddr
 * @ctx:	for both
 *
 * Each returns 0, or -EFAULT when any byte of the range is not the
 * process's; a failed copy may have copied part of the range (as
 * copy_to_user may). Called from the thread running tee_uapi_ioctl().
 */
struct tee_uapi_mem {
	int (*read)(void *ctx, uint64_t uaddr, void *dst, size_t len);
	int (*write)(void *ctx, uint64_t uaddr, const void *src, size_t len);
	void *ctx;
};

/* Supplementary groups a struct tee_uapi_cred carries at most. */
#define TEE_UAPI_MAX_GROUPS	32

/**
 * struct tee_uapi_cred - who is calling, for the USER and GROUP logins
 * @euid:	effective user id
 * @egid:	effective group id
 * @ngroups:	entries in @groups
 * @groups:	supplementary groups
 */
struct tee_uapi_cred {
	uint32_t euid;
	uint32_t egid;
	uint32_t ngroups;
	uint32_t groups[TEE_UAPI_MAX_GROUPS];
};

/**
 * struct tee_uapi_host - what the host side provides (NULL ops: not offered)
 * @install_shm_fd: a shared-memory object goes to the process (SHM_ALLOC,
 *		SHM_REGISTER, SHM_REGISTER_FD): return the fd number the
 *		process will see (>= 0) or -errno. Called with a reference
 *		that the callee keeps and drops with tee_shm_put() when the
 *		process has closed that fd (Linux's shm file release). It is
 *		the last step of the ioctl: when it succeeds, the ioctl
 *		returns its value. NULL: the file keeps the reference itself
 *		until tee_uapi_release() and the ioctl returns the shm id
 * @user_mem:	the process's [@uaddr, @uaddr + @len) as memory of this
 *		process that the process sees too (normal-world memory of
 *		the machine's map), or NULL. Non-NULL op: SHM_REGISTER is
 *		offered and TEE_GEN_CAP_REG_MEM advertised (when the driver
 *		can register); NULL op: SHM_REGISTER gets -EOPNOTSUPP
 * @get_dma_buf: the dma-buf behind the process's @fd with a reference the
 *		caller drops, or NULL (not a dma-buf): SHM_REGISTER_FD.
 *		NULL op: every fd is "not a dma-buf" (-EINVAL, as Linux)
 * @get_cred:	fill @cred with the caller's ids; return 0 or -errno.
 *		NULL op: uid 0, gid 0, no supplementary groups
 * @ctx:	for the ops
 */
struct tee_uapi_host {
	int (*install_shm_fd)(void *ctx, struct tee_shm *shm);
	void *(*user_mem)(void *ctx, uint64_t uaddr, size_t len);
	struct dma_buf *(*get_dma_buf)(void *ctx, int64_t fd);
	int (*get_cred)(void *ctx, struct tee_uapi_cred *cred);
	void *ctx;
};

/* One open of /dev/teeN or /dev/teeprivN. */
struct tee_uapi_file;

/**
 * tee_uapi_open() - open the device file (Linux's tee_open())
 * @teedev:	the device ("tee<N>" or "teepriv<N>")
 * @host:	the host's ops, copied; NULL: none
 * @out:	receives the file
 *
 * The context waits for a supplicant to appear (supp_nowait false), as a
 * user-space context does.
 * Return: 0; what teedev_open() returns (-EINVAL device going away,
 * -EBUSY a second supplicant, -ENOMEM).
 */
int tee_uapi_open(struct tee_device *teedev, const struct tee_uapi_host *host,
		  struct tee_uapi_file **out);

/**
 * tee_uapi_release() - the last close of the device file (Linux's
 * tee_release(): teedev_close_context()). Sessions and shm stay as long as
 * references hold them (shm fds the host keeps, requests in flight), as in
 * Linux; with no host, the shm the file kept for the process go too.
 * Must not race with tee_uapi_ioctl() on the same file (the host kills or
 * joins the threads in it first). NULL is ignored.
 */
void tee_uapi_release(struct tee_uapi_file *f);

/**
 * tee_uapi_ioctl() - one ioctl on the file
 * @cmd:	TEE_IOC_*
 * @arg:	the process's pointer argument
 * @mem:	the process's memory
 *
 * Return: >= 0 (0, or an fd for the SHM ioctls) or -errno, as Linux:
 * -EINVAL for an unknown @cmd, bad lengths, counts, attributes, flags or
 * shm ids, a supplicant ioctl on a client file or a client ioctl on the
 * supplicant's, an APPLICATION login; -EFAULT for memory @mem refuses;
 * -EPERM for a login user space may not ask for (or a group the caller is
 * not in); -ENOMEM (also an empty SHM_REGISTER); -EOPNOTSUPP for
 * SHM_REGISTER without a user_mem op; what the driver returns (the
 * supplicant's -EINTR, -ENOENT, -EBADF, ...) or the host's install_shm_fd.
 * A call that fails after it reached the TEE is undone (a new session is
 * closed, a new shm freed). Any number of threads may call it on one file
 * at once.
 */
long tee_uapi_ioctl(struct tee_uapi_file *f, unsigned int cmd, uint64_t arg,
		    const struct tee_uapi_mem *mem);

/** tee_uapi_context() - the context behind the file */
struct tee_context *tee_uapi_context(struct tee_uapi_file *f);

/**
 * tee_uapi_kept_shm() - shm references the file keeps for the process
 * (only with no install_shm_fd op), for tests
 */
unsigned int tee_uapi_kept_shm(struct tee_uapi_file *f);

#endif /* SMCSIM_TEE_UAPI_H */
