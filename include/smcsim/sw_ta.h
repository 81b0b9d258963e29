/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trusted applications of the simulated secure world: how a test registers
 * its own TA, what a TA's callbacks receive, and the services a TA may use
 * while it runs on a secure thread (RPCs to the normal world, panic,
 * cancellation). The built-in TAs' UUIDs and commands are here too, so tests
 * and the normal world can name them without reaching into the simulator.
 *
 * A TA sees its memref parameters as private buffers: the secure world
 * copies shared memory in before the call and the result back after it,
 * bounded by the size the normal world gave. That keeps a TA from ever
 * touching normal-world memory the caller did not pass.
 */
#ifndef SMCSIM_SW_TA_H
#define SMCSIM_SW_TA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_pta.h>
#include <smcsim/uuid.h>

struct smcsim_sw;
struct smcsim_ta_sess;

/* GP parameter types, four per call, packed four bits each. */
#define SMCSIM_TA_PARAM_NONE		0
#define SMCSIM_TA_PARAM_VALUE_INPUT	1
#define SMCSIM_TA_PARAM_VALUE_OUTPUT	2
#define SMCSIM_TA_PARAM_VALUE_INOUT	3
#define SMCSIM_TA_PARAM_MEMREF_INPUT	5
#define SMCSIM_TA_PARAM_MEMREF_OUTPUT	6
#define SMCSIM_TA_PARAM_MEMREF_INOUT	7
#define SMCSIM_TA_NUM_PARAMS		4
#define SMCSIM_TA_PARAM_TYPES(t0, t1, t2, t3) \
	((uint32_t)(t0) | ((uint32_t)(t1) << 4) | ((uint32_t)(t2) << 8) | \
	 ((uint32_t)(t3) << 12))
#define SMCSIM_TA_PARAM_TYPE_GET(t, i)	(((t) >> ((i) * 4)) & 0xF)

/**
 * union smcsim_ta_param - one parameter as a TA sees it
 * @memref.buffer: private copy of the caller's buffer (NULL for a NULL memref)
 * @memref.size:   its size; a TA may lower it, or raise it to say how much
 *                 it needs together with TEE_ERROR_SHORT_BUFFER
 * @value.a, @value.b: the two 32-bit values
 */
union smcsim_ta_param {
	struct {
		void *buffer;
		size_t size;
	} memref;
	struct {
		uint32_t a;
		uint32_t b;
	} value;
};

/**
 * struct smcsim_ta_ops - a TA's entry points (TEE result codes)
 * @open_session:  may be NULL (always accept); set per-session state with
 *                 smcsim_ta_set_session_ctx()
 * @invoke:        required
 * @close_session: may be NULL; not called for a session that panicked
 */
struct smcsim_ta_ops {
	uint32_t (*open_session)(struct smcsim_ta_sess *s, uint32_t ptypes,
				 union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS]);
	uint32_t (*invoke)(struct smcsim_ta_sess *s, uint32_t cmd,
			   uint32_t ptypes,
			   union smcsim_ta_param params[SMCSIM_TA_NUM_PARAMS]);
	void (*close_session)(struct smcsim_ta_sess *s);
};

#define SMCSIM_TA_FLAG_DEVICE	(1U << 0)	/* listed by the device PTA */
#define SMCSIM_TA_FLAG_KERNEL_ONLY (1U << 1)	/* only REE_KERNEL logins */

/**
 * struct smcsim_ta_desc - a TA to register (copied at registration)
 * @uuid:	its identity
 * @name:	for logs
 * @flags:	SMCSIM_TA_FLAG_*
 * @ops:	entry points
 * @priv:	the TA's own pointer, smcsim_ta_priv()
 */
struct smcsim_ta_desc {
	struct smcsim_uuid uuid;
	const char *name;
	uint32_t flags;
	const struct smcsim_ta_ops *ops;
	void *priv;
};

/**
 * smcsim_sw_register_ta() - add a TA to a world
 * Return: 0, -EINVAL (no invoke op), -EEXIST (UUID taken), -ENOMEM.
 */
int smcsim_sw_register_ta(struct smcsim_sw *sw, const struct smcsim_ta_desc *desc);

/* ---- services for TA code (call only from a TA callback) -------------- */

void *smcsim_ta_priv(struct smcsim_ta_sess *s);
void *smcsim_ta_session_ctx(struct smcsim_ta_sess *s);
void smcsim_ta_set_session_ctx(struct smcsim_ta_sess *s, void *ctx);
uint32_t smcsim_ta_login(struct smcsim_ta_sess *s);
const struct smcsim_uuid *smcsim_ta_client(struct smcsim_ta_sess *s);
struct smcsim_sw *smcsim_ta_world(struct smcsim_ta_sess *s);
/** smcsim_ta_thread_id() - the secure thread running this call */
unsigned int smcsim_ta_thread_id(struct smcsim_ta_sess *s);

/**
 * smcsim_ta_rpc() - send RPC command @cmd to the normal world and wait
 * @params:	up to 4 params (OPTEE_MSG_ATTR_*); outputs are written back
 *
 * Return: the normal world's TEE result, TEE_ERROR_OUT_OF_MEMORY when no
 * RPC argument could be had, TEE_ERROR_BAD_PARAMETERS for more than 4
 * params, TEE_ERROR_COMMUNICATION when the world is being destroyed.
 */
uint32_t smcsim_ta_rpc(struct smcsim_ta_sess *s, uint32_t cmd,
		       struct optee_msg_param *params, uint32_t num_params);
/** smcsim_ta_suspend() - RPC SUSPEND: the normal world sleeps @ms */
uint32_t smcsim_ta_suspend(struct smcsim_ta_sess *s, uint32_t ms);
/** smcsim_ta_get_time() - RPC GET_TIME: the normal world's realtime clock */
uint32_t smcsim_ta_get_time(struct smcsim_ta_sess *s, uint64_t *sec,
			    uint32_t *nsec);
/** smcsim_ta_cancelled() - the normal world asked to cancel this request */
bool smcsim_ta_cancelled(struct smcsim_ta_sess *s);
/**
 * smcsim_ta_panic() - the TA dies: this call ends with TEE_ERROR_TARGET_DEAD
 * and every later call on the session too. Does not return.
 */
_Noreturn void smcsim_ta_panic(struct smcsim_ta_sess *s, uint32_t code);

/* ---- built-in TAs ------------------------------------------------------ */

/* echo/arith TA: 534d4353-0001-4000-8000-736d6373696d ("SMCS", "smcsim") */
#define SMCSIM_TA_ECHO_UUID \
	{ 0x534d4353, 0x0001, 0x4000, \
	  { 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } }
#define SMCSIM_TA_ECHO_CMD_ADD		0	/* v0.a + v0.b -> v1.a */
#define SMCSIM_TA_ECHO_CMD_ECHO		1	/* m0 in -> m1 out, size -> v2.a */
#define SMCSIM_TA_ECHO_CMD_FILL		2	/* m0 out [i] = v1.a + i */
#define SMCSIM_TA_ECHO_CMD_CHECK	3	/* m0 in [i] == v1.a + i ? v2.a = mismatches */
#define SMCSIM_TA_ECHO_CMD_INC_VALUE	4	/* v0 inout: a+1, b+1 */

/* sleeping TA (534d4353-0002-...): holds its thread in an RPC SUSPEND of v0.a milliseconds */
#define SMCSIM_TA_SLEEP_UUID \
	{ 0x534d4353, 0x0002, 0x4000, \
	  { 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } }
#define SMCSIM_TA_SLEEP_CMD_SUSPEND	0	/* v0.a ms, v0.b times */
#define SMCSIM_TA_SLEEP_CMD_RPC		1	/* v0.a = RPC cmd, no params */

/* panicking TA (534d4353-0003-...): CMD_PANIC panics, CMD_OK answers */
#define SMCSIM_TA_PANIC_UUID \
	{ 0x534d4353, 0x0003, 0x4000, \
	  { 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } }
#define SMCSIM_TA_PANIC_CMD_OK		0
#define SMCSIM_TA_PANIC_CMD_PANIC	1

/* OP-TEE's device-enumeration pseudo TA (commands in optee_pta.h) */
#define SMCSIM_PTA_DEVICE_UUID \
	{ 0x7011a688, 0xddde, 0x4053, \
	  { 0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8 } }

#endif /* SMCSIM_SW_TA_H */
