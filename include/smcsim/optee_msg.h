/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The message layer of the OP-TEE ABI: struct optee_msg_arg and its params,
 * attribute types, message commands, logins. The layout is the wire format
 * shared with real firmware, so every size and offset is asserted below.
 */
#ifndef SMCSIM_OPTEE_MSG_H
#define SMCSIM_OPTEE_MSG_H

#include <stddef.h>
#include <stdint.h>

/* Attribute types (low 8 bits of attr) */
#define OPTEE_MSG_ATTR_TYPE_NONE		0x0
#define OPTEE_MSG_ATTR_TYPE_VALUE_INPUT		0x1
#define OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT	0x2
#define OPTEE_MSG_ATTR_TYPE_VALUE_INOUT		0x3
#define OPTEE_MSG_ATTR_TYPE_RMEM_INPUT		0x5
#define OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT		0x6
#define OPTEE_MSG_ATTR_TYPE_RMEM_INOUT		0x7
#define OPTEE_MSG_ATTR_TYPE_FMEM_INPUT		OPTEE_MSG_ATTR_TYPE_RMEM_INPUT
#define OPTEE_MSG_ATTR_TYPE_FMEM_OUTPUT		OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT
#define OPTEE_MSG_ATTR_TYPE_FMEM_INOUT		OPTEE_MSG_ATTR_TYPE_RMEM_INOUT
#define OPTEE_MSG_ATTR_TYPE_TMEM_INPUT		0x9
#define OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT		0xa
#define OPTEE_MSG_ATTR_TYPE_TMEM_INOUT		0xb
#define OPTEE_MSG_ATTR_TYPE_MASK		0xffULL

/* Meta parameter (OPEN_SESSION's TA and client identity); must come first. */
#define OPTEE_MSG_ATTR_META			(1ULL << 8)
/* With TMEM: buf_ptr points to a list of page addresses. */
#define OPTEE_MSG_ATTR_NONCONTIG		(1ULL << 9)
#define OPTEE_MSG_ATTR_CACHE_SHIFT		16
#define OPTEE_MSG_ATTR_CACHE_MASK		0x7ULL
#define OPTEE_MSG_ATTR_CACHE_PREDEFINED		0

#define OPTEE_MSG_NONCONTIG_PAGE_SIZE		4096
/* Page addresses per list page; the last u64 points at the next list page. */
#define OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE \
	(OPTEE_MSG_NONCONTIG_PAGE_SIZE / sizeof(uint64_t) - 1)

#define OPTEE_MSG_FMEM_INVALID_GLOBAL_ID	0xffffffffffffffffULL

/* Logins */
#define OPTEE_MSG_LOGIN_PUBLIC			0x00000000
#define OPTEE_MSG_LOGIN_USER			0x00000001
#define OPTEE_MSG_LOGIN_GROUP			0x00000002
#define OPTEE_MSG_LOGIN_APPLICATION		0x00000004
#define OPTEE_MSG_LOGIN_APPLICATION_USER	0x00000005
#define OPTEE_MSG_LOGIN_APPLICATION_GROUP	0x00000006
#define OPTEE_MSG_LOGIN_REE_KERNEL		0x80000000
#define OPTEE_MSG_LOGIN_TRUSTED_APP		0xF0000000

/* Message commands (optee_msg_arg.cmd of a yielding call) */
#define OPTEE_MSG_CMD_OPEN_SESSION		0
#define OPTEE_MSG_CMD_INVOKE_COMMAND		1
#define OPTEE_MSG_CMD_CLOSE_SESSION		2
#define OPTEE_MSG_CMD_CANCEL			3
#define OPTEE_MSG_CMD_REGISTER_SHM		4
#define OPTEE_MSG_CMD_UNREGISTER_SHM		5
#define OPTEE_MSG_CMD_DO_BOTTOM_HALF		6
#define OPTEE_MSG_CMD_STOP_ASYNC_NOTIF		7
#define OPTEE_MSG_CMD_LEND_PROTMEM		8
#define OPTEE_MSG_CMD_RECLAIM_PROTMEM		9
#define OPTEE_MSG_CMD_GET_PROTMEM_CONFIG	10
#define OPTEE_MSG_CMD_ASSIGN_PROTMEM		11

/* Protected-memory use cases */
#define OPTEE_MSG_PROTMEM_RESERVED		0
#define OPTEE_MSG_PROTMEM_SECURE_VIDEO_PLAY	1
#define OPTEE_MSG_PROTMEM_TRUSTED_UI		2
#define OPTEE_MSG_PROTMEM_SECURE_VIDEO_RECORD	3

struct optee_msg_param_tmem {
	uint64_t buf_ptr;
	uint64_t size;
	uint64_t shm_ref;
};

struct optee_msg_param_rmem {
	uint64_t offs;
	uint64_t size;
	uint64_t shm_ref;
};

struct optee_msg_param_fmem {
	uint32_t offs_low;
	uint16_t offs_high;
	uint16_t internal_offs;
	uint64_t size;
	uint64_t global_id;
};

struct optee_msg_param_value {
	uint64_t a;
	uint64_t b;
	uint64_t c;
};

/**
 * struct optee_msg_param - one parameter of a message
 * @attr:	OPTEE_MSG_ATTR_* type and flags
 * @u:		the payload; which member is valid follows from @attr
 */
struct optee_msg_param {
	uint64_t attr;
	union {
		struct optee_msg_param_tmem tmem;
		struct optee_msg_param_rmem rmem;
		struct optee_msg_param_fmem fmem;
		struct optee_msg_param_value value;
		uint8_t octets[24];
	} u;
};

/**
 * struct optee_msg_arg - the argument of a yielding call or an RPC
 * @cmd:	OPTEE_MSG_CMD_* (or OPTEE_RPC_CMD_* in an RPC argument)
 * @func:	TA command for INVOKE_COMMAND
 * @session:	session id (out for OPEN_SESSION)
 * @cancel_id:	cancellation id
 * @pad:	must be zero
 * @ret:	TEE_Result
 * @ret_origin: TEEC_ORIGIN_*
 * @num_params: entries in @params
 * @params:	the parameters
 */
struct optee_msg_arg {
	uint32_t cmd;
	uint32_t func;
	uint32_t session;
	uint32_t cancel_id;
	uint32_t pad;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
	struct optee_msg_param params[];
};

#define OPTEE_MSG_GET_ARG_SIZE(num_params)				\
	(sizeof(struct optee_msg_arg) +					\
	 sizeof(struct optee_msg_param) * (num_params))

/* The most params an argument can carry in one 4 KiB page: 127. */
#define OPTEE_MSG_MAX_NUM_PARAMS					\
	((OPTEE_MSG_NONCONTIG_PAGE_SIZE - sizeof(struct optee_msg_arg)) / \
	 sizeof(struct optee_msg_param))

_Static_assert(sizeof(struct optee_msg_param) == 32, "optee_msg_param size");
_Static_assert(offsetof(struct optee_msg_param, u) == 8, "param payload");
_Static_assert(offsetof(struct optee_msg_param, u.tmem.buf_ptr) == 8, "tmem.buf_ptr");
_Static_assert(offsetof(struct optee_msg_param, u.tmem.size) == 16, "tmem.size");
_Static_assert(offsetof(struct optee_msg_param, u.tmem.shm_ref) == 24, "tmem.shm_ref");
_Static_assert(offsetof(struct optee_msg_param, u.rmem.offs) == 8, "rmem.offs");
_Static_assert(offsetof(struct optee_msg_param, u.rmem.shm_ref) == 24, "rmem.shm_ref");
_Static_assert(offsetof(struct optee_msg_param, u.fmem.offs_high) == 12, "fmem.offs_high");
_Static_assert(offsetof(struct optee_msg_param, u.fmem.internal_offs) == 14, "fmem.internal_offs");
_Static_assert(offsetof(struct optee_msg_param, u.fmem.size) == 16, "fmem.size");
_Static_assert(offsetof(struct optee_msg_param, u.fmem.global_id) == 24, "fmem.global_id");
_Static_assert(offsetof(struct optee_msg_param, u.value.c) == 24, "value.c");
_Static_assert(sizeof(struct optee_msg_arg) == 32, "optee_msg_arg header");
_Static_assert(offsetof(struct optee_msg_arg, session) == 8, "arg.session");
_Static_assert(offsetof(struct optee_msg_arg, ret) == 20, "arg.ret");
_Static_assert(offsetof(struct optee_msg_arg, ret_origin) == 24, "arg.ret_origin");
_Static_assert(offsetof(struct optee_msg_arg, num_params) == 28, "arg.num_params");
_Static_assert(offsetof(struct optee_msg_arg, params) == 32, "arg.params");
_Static_assert(OPTEE_MSG_GET_ARG_SIZE(4) == 160, "RPC arg with 4 params");
_Static_assert(OPTEE_MSG_MAX_NUM_PARAMS == 127, "max params per page");
_Static_assert(OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE == 511, "page list entries");

#endif /* SMCSIM_OPTEE_MSG_H */
