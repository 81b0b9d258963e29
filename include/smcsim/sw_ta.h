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
 * touching normal-world memory the caller did not pass. A memref may also
 * name protected memory (the static region by address, or memory the normal
 * world lent, by cookie or address); smcsim_ta_param_is_protected() tells a
 * TA which, so a secure-data-path TA can refuse to write decoded data
 * anywhere else.
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

/* ---- TAs loaded through the normal world (sw_ta_load.c) ---------------- */

/*
 * Opening a UUID the world does not know looks in OP-TEE 4.10's TA stores
 * in their order, with the RPC traffic OP-TEE makes: the secure-storage
 * store first (SHM_ALLOC of an application-shm FS buffer, 4096 bytes, kept
 * to the end of the call; FS OPEN/REMOVE/CREATE/REMOVE of "/dirf.db",
 * twice, when the normal world's storage is empty; see sw_ta_load.c for
 * what is simplified when it is not), then the REE store: LOAD_TA. An
 * error other than ITEM_NOT_FOUND from the first store (no application
 * shm: OUT_OF_MEMORY) ends the search with that error; an error of
 * LOAD_TA or of the TA buffer's SHM_ALLOC is the open's. While one thread
 * loads a UUID, another open of the same UUID waits for it in the normal
 * world (NOTIFICATION WAIT on its sync value), as OP-TEE's does; the
 * storage look itself runs under one lock for every UUID.
 *
 * A TA "file" as tee-supplicant hands it over with RPC LOAD_TA when a
 * session is opened to a UUID the world does not know. The simulator runs
 * no code from it: the file names a "program", a set of TA entry points the
 * world knows (smcsim_sw_register_ta_program(); the built-in TAs' programs
 * are "echo", "sleep", "panic", "notif" and "storage"), and the TA is
 * registered under the file's UUID with that program's ops.
 *
 * Layout (all integers little-endian, 64 bytes, no padding):
 *   0  u32  magic		SMCSIM_TA_FILE_MAGIC ("SMTA")
 *   4  u16  version		SMCSIM_TA_FILE_VERSION
 *   6  u16  hdr_size		sizeof(struct smcsim_ta_file_hdr)
 *   8  u8   uuid[16]		the TA's UUID, RFC 4122 octets
 *  24  char program[24]	program name, NUL-terminated
 *  48  u32  flags		SMCSIM_TA_FLAG_* the TA gets
 *  52  u32  payload_size	bytes after the header (opaque, not read)
 *  56  u32  checksum		smcsim_ta_file_checksum() of the header
 *  60  u32  reserved		0
 *
 * The file is exactly hdr_size + payload_size bytes. The checksum is
 * 32-bit FNV-1a over the 64 header bytes with the checksum field taken as
 * zero: it catches corruption, it is not a signature (no crypto here).
 * The secure world refuses, with TEE_ERROR_ITEM_NOT_FOUND as OP-TEE
 * answers for any TA it cannot load: a bad magic, version, size or
 * checksum, a UUID other than the one asked for, an unknown program, an
 * unknown flag or a reserved field that is not zero.
 */
#define SMCSIM_TA_FILE_MAGIC	0x41544d53U	/* "SMTA" in memory */
#define SMCSIM_TA_FILE_VERSION	1
#define SMCSIM_TA_FILE_PROGRAM_LEN 24
/* Largest file the secure world accepts. */
#define SMCSIM_TA_FILE_MAX_SIZE	(1U << 20)

struct smcsim_ta_file_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_size;
	uint8_t uuid[16];
	char program[SMCSIM_TA_FILE_PROGRAM_LEN];
	uint32_t flags;
	uint32_t payload_size;
	uint32_t checksum;
	uint32_t reserved;
};

/** smcsim_ta_file_checksum() - the checksum @h should carry */
uint32_t smcsim_ta_file_checksum(const struct smcsim_ta_file_hdr *h);
/**
 * smcsim_ta_file_build() - write a valid TA file
 * @buf:	receives the file (may be NULL to ask for the size)
 * @len:	room in @buf
 * @payload_size: zero bytes appended after the header
 * Return: the file's size, or 0 when @program is too long (or NULL) or
 * @buf is non-NULL and too small.
 */
size_t smcsim_ta_file_build(void *buf, size_t len, const struct smcsim_uuid *uuid,
			    const char *program, uint32_t flags,
			    uint32_t payload_size);

/**
 * smcsim_sw_register_ta_program() - make @name loadable from a TA file
 * @ops:	as for smcsim_sw_register_ta() (invoke required); must outlive
 *		the world
 * Return: 0, -EINVAL (no invoke op, empty or too long a name), -EEXIST,
 * -ENOMEM.
 */
int smcsim_sw_register_ta_program(struct smcsim_sw *sw, const char *name,
				  const struct smcsim_ta_ops *ops);

/* ---- services for TA code (call only from a TA callback) -------------- */

void *smcsim_ta_priv(struct smcsim_ta_sess *s);
void *smcsim_ta_session_ctx(struct smcsim_ta_sess *s);
void smcsim_ta_set_session_ctx(struct smcsim_ta_sess *s, void *ctx);
uint32_t smcsim_ta_login(struct smcsim_ta_sess *s);
const struct smcsim_uuid *smcsim_ta_client(struct smcsim_ta_sess *s);
struct smcsim_sw *smcsim_ta_world(struct smcsim_ta_sess *s);
/**
 * smcsim_ta_param_is_protected() - memref @idx of this call lies in
 * protected memory (the static protected region, or lent memory) that the
 * normal world cannot read; false for any other param or index
 */
bool smcsim_ta_param_is_protected(struct smcsim_ta_sess *s, unsigned int idx);
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
/**
 * smcsim_ta_notif_wait() - RPC NOTIFICATION WAIT on @value
 * @timeout_ms:	0 waits until sent
 *
 * The thread stays suspended in the normal world until @value is sent (by
 * another secure thread's smcsim_ta_notif_send(), or as an async value
 * through the interrupt path) or the timeout passes. A send that came
 * before the wait satisfies it at once.
 * Return: TEE_SUCCESS, TEE_ERROR_TIMEOUT, or the normal world's error.
 */
uint32_t smcsim_ta_notif_wait(struct smcsim_ta_sess *s, uint32_t value,
			      uint32_t timeout_ms);
/** smcsim_ta_notif_send() - RPC NOTIFICATION SEND of @value */
uint32_t smcsim_ta_notif_send(struct smcsim_ta_sess *s, uint32_t value);
/**
 * smcsim_ta_notif_sync_value() - the value this thread waits on in a wait
 * queue: 64 + thread id (thread id alone without async notification)
 */
uint32_t smcsim_ta_notif_sync_value(struct smcsim_ta_sess *s);

/*
 * A secure mutex that TAs on different threads can block on, built as
 * OP-TEE's are: a contended locker queues itself and waits in the normal
 * world on its thread's sync value; unlock picks the first queued waiter
 * and sends it that value. The woken thread competes for the mutex again.
 */
struct smcsim_sw_mutex;

/** smcsim_sw_mutex_create() - Return: 0, -ENOMEM */
int smcsim_sw_mutex_create(struct smcsim_sw *sw, struct smcsim_sw_mutex **out);
/** smcsim_sw_mutex_destroy() - free an unlocked mutex nobody waits on */
void smcsim_sw_mutex_destroy(struct smcsim_sw_mutex *m);
/**
 * smcsim_ta_mutex_lock() - take @m, waiting through the normal world
 *
 * A WAIT the normal world answers TEE_ERROR_TIMEOUT is simply asked again,
 * as OP-TEE 4.10 does (observed on the firmware: it waits forever).
 * Return: TEE_SUCCESS with @m held; else the wait's other error with @m
 * not held (OP-TEE panics there instead).
 */
uint32_t smcsim_ta_mutex_lock(struct smcsim_ta_sess *s,
			      struct smcsim_sw_mutex *m);
/**
 * smcsim_ta_mutex_unlock() - release @m and wake the first waiter
 * Return: TEE_SUCCESS, TEE_ERROR_BAD_STATE when this thread does not hold
 * it, or the error of the RPC that sent the wake-up.
 */
uint32_t smcsim_ta_mutex_unlock(struct smcsim_ta_sess *s,
				struct smcsim_sw_mutex *m);
/** smcsim_sw_mutex_waiters() - threads queued on @m now */
unsigned int smcsim_sw_mutex_waiters(struct smcsim_sw_mutex *m);

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

/*
 * notification TA (534d4353-0004-...): sync and async notifications and the
 * world's shared secure mutex. Values in v0.a, timeouts (ms) in v0.b.
 */
#define SMCSIM_TA_NOTIF_UUID \
	{ 0x534d4353, 0x0004, 0x4000, \
	  { 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } }
#define SMCSIM_TA_NOTIF_CMD_WAIT	0	/* [v0 in] RPC WAIT v0.a, timeout v0.b */
#define SMCSIM_TA_NOTIF_CMD_SEND	1	/* [v0 in] RPC SEND v0.a */
#define SMCSIM_TA_NOTIF_CMD_POST	2	/* [v0 in] async post of v0.a */
/* [v0 in, v1 out] lock the mutex, wait for v0.a (timeout v0.b), unlock; v1.a = sync value */
#define SMCSIM_TA_NOTIF_CMD_LOCK_WAIT	3
/* [v0 in, v1 out] lock, counter += 1 around RPC SUSPEND v0.a ms, unlock; v1.a = counter */
#define SMCSIM_TA_NOTIF_CMD_LOCK_INC	4

/*
 * secure-storage TA (534d4353-0005-...): keeps objects in the normal
 * world's REE file system through RPC FS, served by tee-supplicant, with
 * application shared memory (RPC SHM_ALLOC APPL) for names and data.
 * Object names are 1..SMCSIM_TA_STORAGE_NAME_MAX bytes, not NUL-terminated.
 */
#define SMCSIM_TA_STORAGE_UUID \
	{ 0x534d4353, 0x0005, 0x4000, \
	  { 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } }
/* [m0 in name, m1 in data]: create or replace the object */
#define SMCSIM_TA_STORAGE_CMD_WRITE	0
/* [m0 in name, m1 out data]: SHORT_BUFFER with the size when m1 is short */
#define SMCSIM_TA_STORAGE_CMD_READ	1
/* [m0 in name]: delete the object */
#define SMCSIM_TA_STORAGE_CMD_REMOVE	2
#define SMCSIM_TA_STORAGE_NAME_MAX	64
#define SMCSIM_TA_STORAGE_DATA_MAX	(64U * 1024)

/*
 * RPMB TA (534d4353-0006-...): authenticated reads and writes of 256-byte
 * blocks of the eMMC RPMB partition through RPC RPMB, served by
 * tee-supplicant (supplicant.h, rpmb.h), in application shared memory. On
 * first use it reads the device information, programs the authentication
 * key if the device has none, and reads the write counter. A response
 * whose MAC, nonce or write counter does not check out gives
 * TEE_ERROR_SECURITY; a failure the device reports (a replayed counter,
 * a bad address) TEE_ERROR_GENERIC; an unprogrammed device that refuses
 * the key, TEE_ERROR_GENERIC.
 */
#define SMCSIM_TA_RPMB_UUID \
	{ 0x534d4353, 0x0006, 0x4000, \
	  { 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } }
/* [v0 in a = first block, m1 in data]: whole blocks, 1..MAX_BLOCKS */
#define SMCSIM_TA_RPMB_CMD_WRITE	0
/* [v0 in a = first block, m1 out data]: whole blocks, 1..MAX_BLOCKS */
#define SMCSIM_TA_RPMB_CMD_READ		1
#define SMCSIM_TA_RPMB_MAX_BLOCKS	16

/*
 * secure-video (secure data path) TA (534d4353-0007-...): works on buffers in
 * protected memory, as a video decoder's TA would. It never writes decoded
 * data to memory the normal world can read: DECODE and FILL into a memref
 * that is not protected answer TEE_ERROR_SECURITY and write nothing.
 */
#define SMCSIM_TA_SDP_UUID \
	{ 0x534d4353, 0x0007, 0x4000, \
	  { 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } }
/*
 * [m0 in (clear), m1 out (protected)]: m1[i] = SMCSIM_TA_SDP_DECODE(m0[i], i)
 * for every byte of m0; SHORT_BUFFER with the size when m1 is smaller
 */
#define SMCSIM_TA_SDP_CMD_DECODE	0
/* [m0 out or inout (protected), v1 in a = seed]: m0[i] = (uint8_t)(seed + i) */
#define SMCSIM_TA_SDP_CMD_FILL		1
/*
 * [m0 in (protected), m1 out]: m1 = SHA-256 of m0 (32 bytes; SHORT_BUFFER
 * with 32 when m1 is smaller); a clear m0 is BAD_PARAMETERS
 */
#define SMCSIM_TA_SDP_CMD_DIGEST	2
/* [v0 out, any, any, any]: v0.a bit i set when param i is protected memory */
#define SMCSIM_TA_SDP_CMD_QUERY		4
#define SMCSIM_TA_SDP_DIGEST_SIZE	32
/* The "decoder": what byte @i of the output is, for input byte @b. */
#define SMCSIM_TA_SDP_DECODE(b, i) \
	((uint8_t)(((uint8_t)(b) ^ 0x5AU) + (uint8_t)((size_t)(i) * 7U)))

/*
 * OP-TEE's device-enumeration pseudo TA: its UUID (SMCSIM_PTA_DEVICE_UUID)
 * and commands are in optee_pta.h.
 *
 * A stand-in for OP-TEE's invoke-tests pseudo TA (commands in optee_pta.h),
 * present when the world is configured with internal_tests_pta, as OP-TEE
 * built with CFG_TEE_CORE_EMBED_INTERNAL_TESTS has it. Flagged as a device
 * (the firmware's GET_DEVICES lists it). Modelled: TRACE, PARAMS,
 * MEMREF_NULL and the three secure-data-path commands (secure data path
 * memory is the simulator's protected memory). Not modelled: SELF_TESTS,
 * FS_HTREE, MUTEX, LOCKDEP, AES_PERF and later test commands answer
 * TEE_ERROR_NOT_SUPPORTED (OP-TEE runs its internal tests there); any
 * other command BAD_PARAMETERS, as OP-TEE's. Its UUID
 * (SMCSIM_PTA_INVOKE_TESTS_UUID) and commands are in optee_pta.h.
 */

#endif /* SMCSIM_SW_TA_H */
