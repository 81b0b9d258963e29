/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The TEE character-device ABI that user space (libteec, tee-supplicant)
 * speaks to /dev/teeN and /dev/teeprivN: ioctl numbers, argument layouts,
 * parameter attributes, capabilities and logins. The facts are those of
 * Linux's include/uapi/linux/tee.h (as optee_client 4.9.0 carries it); the
 * words are smcsim's. It is part of the one ABI header set, beside
 * optee_msg.h: the kernel side (tee_drv.h, tee_core.h) and the ioctl layer
 * (tee_uapi.h) both take their definitions from here. Every layout is a
 * wire format shared with unmodified user space, so sizes and offsets are
 * asserted below, and so are the ioctl numbers.
 *
 * Not here: Qualcomm's QTEE additions to Linux's header (UBUF and OBJREF
 * parameter types, TEE_IOC_OBJECT_INVOKE); the OP-TEE driver has no use for
 * them and the ioctl layer treats them as unknown attributes.
 */
#ifndef SMCSIM_TEE_IOCTL_H
#define SMCSIM_TEE_IOCTL_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* ---- ioctl numbers ------------------------------------------------------ */

/*
 * An ioctl number packs direction, argument size, type and number as
 * Linux's asm-generic/ioctl.h does (arm64, x86, riscv): nr in bits 0..7,
 * type in 8..15, size in 16..29, direction in 30..31 (1 write, 2 read, as
 * seen from user space). Spelled out here so that the header needs no
 * <linux/ioctl.h> (the bare-metal build has none).
 */
#define TEE_IOC_DIR_WRITE	1U
#define TEE_IOC_DIR_READ	2U
#define TEE_IOC_ENCODE(dir, nr, size) \
	(((unsigned int)(dir) << 30) | ((unsigned int)(size) << 16) | \
	 ((unsigned int)TEE_IOC_MAGIC << 8) | (unsigned int)(nr))
/* The argument size an ioctl number carries (Linux's _IOC_SIZE). */
#define TEE_IOC_SIZE(cmd)	(((cmd) >> 16) & 0x3fffU)
/* Its number within the TEE type (Linux's _IOC_NR). */
#define TEE_IOC_NR(cmd)		((cmd) & 0xffU)

#define TEE_IOC_MAGIC		0xa4
#define TEE_IOC_BASE		0

/* ---- capabilities (TEE_IOC_VERSION) ------------------------------------- */

#define TEE_IMPL_ID_OPTEE	1
#define TEE_IMPL_ID_AMDTEE	2

/* Generic capabilities (gen_caps) */
#define TEE_GEN_CAP_GP		(1U << 0)	/* GlobalPlatform client API */
#define TEE_GEN_CAP_PRIVILEGED	(1U << 1)	/* the supplicant's device */
#define TEE_GEN_CAP_REG_MEM	(1U << 2)	/* TEE_IOC_SHM_REGISTER works */
#define TEE_GEN_CAP_MEMREF_NULL	(1U << 3)	/* NULL memrefs may be passed */

/* OP-TEE's implementation capabilities (impl_caps when impl_id is OPTEE) */
#define TEE_OPTEE_CAP_TZ	(1U << 0)

/* The shm id a memref parameter carries for a NULL memref (MEMREF_NULL). */
#define TEE_MEMREF_NULL		UINT64_MAX

/* The longest argument buffer of a TEE_IOC_* taking a tee_ioctl_buf_data. */
#define TEE_MAX_ARG_SIZE	1024

/* Flags of tee_ioctl_shm_*_data.flags, set by the kernel on return */
#define TEE_IOCTL_SHM_MAPPED	0x1	/* can be mapped by the process */
#define TEE_IOCTL_SHM_DMA_BUF	0x2	/* stands for a dma-buf */

/* ---- parameters ---------------------------------------------------------- */

/* Parameter types (attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) */
#define TEE_IOCTL_PARAM_ATTR_TYPE_NONE		0
#define TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT	1
#define TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT	2
#define TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT	3
#define TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT	5
#define TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT	6
#define TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT	7
#define TEE_IOCTL_PARAM_ATTR_TYPE_MASK		0xff
/*
 * A meta parameter says something about the message rather than carrying
 * data; the supplicant's asynchronous form uses one (params[0]) for the
 * request id.
 */
#define TEE_IOCTL_PARAM_ATTR_META		0x100
/* Every attr bit user space may set; anything else is -EINVAL. */
#define TEE_IOCTL_PARAM_ATTR_MASK \
	(TEE_IOCTL_PARAM_ATTR_TYPE_MASK | TEE_IOCTL_PARAM_ATTR_META)

/**
 * struct tee_ioctl_param - one parameter as user space passes it
 * @attr:	TEE_IOCTL_PARAM_ATTR_*
 * @a:		value a, or a memref's offset into its shm
 * @b:		value b, or a memref's size
 * @c:		value c, or a memref's shm id (TEE_MEMREF_NULL: no buffer)
 */
struct tee_ioctl_param {
	uint64_t attr;
	uint64_t a;
	uint64_t b;
	uint64_t c;
};

/* ---- logins (the GlobalPlatform TEEC_LOGIN_* values) ----------------------- */

#define TEE_IOCTL_LOGIN_PUBLIC			0
#define TEE_IOCTL_LOGIN_USER			1
#define TEE_IOCTL_LOGIN_GROUP			2
#define TEE_IOCTL_LOGIN_APPLICATION		4
#define TEE_IOCTL_LOGIN_USER_APPLICATION	5
#define TEE_IOCTL_LOGIN_GROUP_APPLICATION	6

#define TEE_IOCTL_UUID_LEN			16

/* ---- argument structures -------------------------------------------------- */

/**
 * struct tee_ioctl_version_data - TEE_IOC_VERSION's answer
 * @impl_id:	TEE_IMPL_ID_*
 * @impl_caps:	implementation capabilities (TEE_OPTEE_CAP_* for OP-TEE)
 * @gen_caps:	TEE_GEN_CAP_*
 */
struct tee_ioctl_version_data {
	uint32_t impl_id;
	uint32_t impl_caps;
	uint32_t gen_caps;
};

/**
 * struct tee_ioctl_shm_alloc_data - TEE_IOC_SHM_ALLOC's argument
 * @size:	in: bytes wanted; out: bytes given
 * @flags:	in: 0; out: TEE_IOCTL_SHM_*
 * @id:		out: the shm id memref parameters name it by
 *
 * The ioctl returns a file descriptor that maps the memory.
 */
struct tee_ioctl_shm_alloc_data {
	uint64_t size;
	uint32_t flags;
	int32_t id;
};

/**
 * struct tee_ioctl_shm_register_fd_data - TEE_IOC_SHM_REGISTER_FD's argument
 * @fd:		in: a dma-buf file descriptor (a TEE heap's buffer)
 * @size:	out: bytes
 * @flags:	in: 0; out: TEE_IOCTL_SHM_*
 * @id:		out: the shm id
 *
 * 8-byte aligned in Linux's header too; the ioctl returns a descriptor
 * that holds the shm.
 */
struct tee_ioctl_shm_register_fd_data {
	int64_t fd;
	uint64_t size;
	uint32_t flags;
	int32_t id;
} __attribute__((aligned(8)));

/**
 * struct tee_ioctl_shm_register_data - TEE_IOC_SHM_REGISTER's argument
 * @addr:	in: the process's buffer
 * @length:	in: bytes; out: bytes registered
 * @flags:	in: 0; out: TEE_IOCTL_SHM_*
 * @id:		out: the shm id
 */
struct tee_ioctl_shm_register_data {
	uint64_t addr;
	uint64_t length;
	uint32_t flags;
	int32_t id;
};

/**
 * struct tee_ioctl_buf_data - where a variable-sized argument lies
 * @buf_ptr:	the process's address of the argument
 * @buf_len:	its bytes: the fixed part, then exactly num_params
 *		struct tee_ioctl_param (at most TEE_MAX_ARG_SIZE in all)
 *
 * OPEN_SESSION, INVOKE, SUPPL_RECV and SUPPL_SEND take one of these.
 */
struct tee_ioctl_buf_data {
	uint64_t buf_ptr;
	uint64_t buf_len;
};

/**
 * struct tee_ioctl_open_session_arg - TEE_IOC_OPEN_SESSION's fixed part
 * @uuid:	the TA, RFC 4122 byte order
 * @clnt_uuid:	the client's identity; ignored from user space, where the
 *		kernel computes it from @clnt_login and the caller's ids
 * @clnt_login:	TEE_IOCTL_LOGIN_*
 * @cancel_id:	cancellation id for TEE_IOC_CANCEL
 * @session:	out: the session
 * @ret:	out: TEE result
 * @ret_origin:	out: TEEC_ORIGIN_*
 * @num_params:	struct tee_ioctl_param entries that follow
 *
 * Kernel clients use the same structure with their own parameter array,
 * so the entries that follow are not a member here.
 */
struct tee_ioctl_open_session_arg {
	uint8_t uuid[TEE_IOCTL_UUID_LEN];
	uint8_t clnt_uuid[TEE_IOCTL_UUID_LEN];
	uint32_t clnt_login;
	uint32_t cancel_id;
	uint32_t session;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
};

/**
 * struct tee_ioctl_invoke_arg - TEE_IOC_INVOKE's fixed part
 * @func:	the TA command
 * @session:	the session
 * @cancel_id:	cancellation id
 * @ret:	out: TEE result
 * @ret_origin:	out: TEEC_ORIGIN_*
 * @num_params:	struct tee_ioctl_param entries that follow
 */
struct tee_ioctl_invoke_arg {
	uint32_t func;
	uint32_t session;
	uint32_t cancel_id;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
};

/**
 * struct tee_ioctl_cancel_arg - TEE_IOC_CANCEL's argument
 * @cancel_id:	the cancellation id of the request
 * @session:	its session, 0 for an open session in progress
 */
struct tee_ioctl_cancel_arg {
	uint32_t cancel_id;
	uint32_t session;
};

/**
 * struct tee_ioctl_close_session_arg - TEE_IOC_CLOSE_SESSION's argument
 * @session:	the session
 */
struct tee_ioctl_close_session_arg {
	uint32_t session;
};

/*
 * The supplicant's two structures keep Linux's spelling ("iocl"), so code
 * written against the uapi header compiles against this one.
 */

/**
 * struct tee_iocl_supp_recv_arg - TEE_IOC_SUPPL_RECV's fixed part
 * @func:	out: the RPC command (OPTEE_RPC_CMD_*)
 * @num_params:	in: entries the supplicant has room for; out: entries the
 *		request filled
 */
struct tee_iocl_supp_recv_arg {
	uint32_t func;
	uint32_t num_params;
};

/**
 * struct tee_iocl_supp_send_arg - TEE_IOC_SUPPL_SEND's fixed part
 * @ret:	in: the result of the request
 * @num_params:	in: entries that follow (the request's, with outputs)
 */
struct tee_iocl_supp_send_arg {
	uint32_t ret;
	uint32_t num_params;
};

/* ---- the ioctls ------------------------------------------------------------ */

#define TEE_IOC_VERSION		TEE_IOC_ENCODE(TEE_IOC_DIR_READ, TEE_IOC_BASE + 0, \
				sizeof(struct tee_ioctl_version_data))
/* Returns a file descriptor for the memory. */
#define TEE_IOC_SHM_ALLOC	TEE_IOC_ENCODE(TEE_IOC_DIR_READ | TEE_IOC_DIR_WRITE, \
				TEE_IOC_BASE + 1, sizeof(struct tee_ioctl_shm_alloc_data))
#define TEE_IOC_OPEN_SESSION	TEE_IOC_ENCODE(TEE_IOC_DIR_READ, TEE_IOC_BASE + 2, \
				sizeof(struct tee_ioctl_buf_data))
#define TEE_IOC_INVOKE		TEE_IOC_ENCODE(TEE_IOC_DIR_READ, TEE_IOC_BASE + 3, \
				sizeof(struct tee_ioctl_buf_data))
#define TEE_IOC_CANCEL		TEE_IOC_ENCODE(TEE_IOC_DIR_READ, TEE_IOC_BASE + 4, \
				sizeof(struct tee_ioctl_cancel_arg))
#define TEE_IOC_CLOSE_SESSION	TEE_IOC_ENCODE(TEE_IOC_DIR_READ, TEE_IOC_BASE + 5, \
				sizeof(struct tee_ioctl_close_session_arg))
#define TEE_IOC_SUPPL_RECV	TEE_IOC_ENCODE(TEE_IOC_DIR_READ, TEE_IOC_BASE + 6, \
				sizeof(struct tee_ioctl_buf_data))
#define TEE_IOC_SUPPL_SEND	TEE_IOC_ENCODE(TEE_IOC_DIR_READ, TEE_IOC_BASE + 7, \
				sizeof(struct tee_ioctl_buf_data))
/* Returns a file descriptor holding the shm. */
#define TEE_IOC_SHM_REGISTER_FD	TEE_IOC_ENCODE(TEE_IOC_DIR_READ | TEE_IOC_DIR_WRITE, \
				TEE_IOC_BASE + 8, \
				sizeof(struct tee_ioctl_shm_register_fd_data))
/* Returns a file descriptor holding the shm. */
#define TEE_IOC_SHM_REGISTER	TEE_IOC_ENCODE(TEE_IOC_DIR_READ | TEE_IOC_DIR_WRITE, \
				TEE_IOC_BASE + 9, \
				sizeof(struct tee_ioctl_shm_register_data))

/* ---- the layouts unmodified user space depends on ---------------------------- */

static_assert(sizeof(struct tee_ioctl_version_data) == 12, "uapi layout");
static_assert(sizeof(struct tee_ioctl_shm_alloc_data) == 16, "uapi layout");
static_assert(offsetof(struct tee_ioctl_shm_alloc_data, flags) == 8, "uapi layout");
static_assert(offsetof(struct tee_ioctl_shm_alloc_data, id) == 12, "uapi layout");
static_assert(sizeof(struct tee_ioctl_shm_register_fd_data) == 24, "uapi layout");
static_assert(offsetof(struct tee_ioctl_shm_register_fd_data, size) == 8, "uapi layout");
static_assert(offsetof(struct tee_ioctl_shm_register_fd_data, id) == 20, "uapi layout");
static_assert(sizeof(struct tee_ioctl_shm_register_data) == 24, "uapi layout");
static_assert(offsetof(struct tee_ioctl_shm_register_data, length) == 8, "uapi layout");
static_assert(offsetof(struct tee_ioctl_shm_register_data, id) == 20, "uapi layout");
static_assert(sizeof(struct tee_ioctl_buf_data) == 16, "uapi layout");
static_assert(sizeof(struct tee_ioctl_param) == 32, "uapi layout");
static_assert(offsetof(struct tee_ioctl_param, c) == 24, "uapi layout");
static_assert(sizeof(struct tee_ioctl_open_session_arg) == 56, "uapi layout");
static_assert(offsetof(struct tee_ioctl_open_session_arg, clnt_login) == 32, "uapi layout");
static_assert(offsetof(struct tee_ioctl_open_session_arg, session) == 40, "uapi layout");
static_assert(offsetof(struct tee_ioctl_open_session_arg, num_params) == 52, "uapi layout");
static_assert(sizeof(struct tee_ioctl_invoke_arg) == 24, "uapi layout");
static_assert(offsetof(struct tee_ioctl_invoke_arg, num_params) == 20, "uapi layout");
static_assert(sizeof(struct tee_ioctl_cancel_arg) == 8, "uapi layout");
static_assert(sizeof(struct tee_ioctl_close_session_arg) == 4, "uapi layout");
static_assert(sizeof(struct tee_iocl_supp_recv_arg) == 8, "uapi layout");
static_assert(sizeof(struct tee_iocl_supp_send_arg) == 8, "uapi layout");
/*
 * The params that follow a fixed part start 8-byte aligned in user space
 * (the flexible array of Linux's header): every fixed part is a multiple
 * of 8 bytes, so the first param is at sizeof(fixed part).
 */
static_assert(sizeof(struct tee_ioctl_open_session_arg) % 8 == 0, "uapi layout");
static_assert(sizeof(struct tee_ioctl_invoke_arg) % 8 == 0, "uapi layout");

/* The numbers libteec and tee-supplicant are built with. */
static_assert(TEE_IOC_VERSION == 0x800ca400U, "uapi ioctl number");
static_assert(TEE_IOC_SHM_ALLOC == 0xc010a401U, "uapi ioctl number");
static_assert(TEE_IOC_OPEN_SESSION == 0x8010a402U, "uapi ioctl number");
static_assert(TEE_IOC_INVOKE == 0x8010a403U, "uapi ioctl number");
static_assert(TEE_IOC_CANCEL == 0x8008a404U, "uapi ioctl number");
static_assert(TEE_IOC_CLOSE_SESSION == 0x8004a405U, "uapi ioctl number");
static_assert(TEE_IOC_SUPPL_RECV == 0x8010a406U, "uapi ioctl number");
static_assert(TEE_IOC_SUPPL_SEND == 0x8010a407U, "uapi ioctl number");
static_assert(TEE_IOC_SHM_REGISTER_FD == 0xc018a408U, "uapi ioctl number");
static_assert(TEE_IOC_SHM_REGISTER == 0xc018a409U, "uapi ioctl number");

#endif /* SMCSIM_TEE_IOCTL_H */
