/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated OP-TEE secure world: creation, the SMC entry, and a small
 * read-only introspection API for tests. The normal world never includes
 * this header; it reaches the secure world only through an invoke backend
 * (smcsim_invoke_sim()) and shared memory.
 */
#ifndef SMCSIM_SECURE_WORLD_H
#define SMCSIM_SECURE_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <smcsim/irq.h>
#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/smccc.h>
#include <smcsim/sw_ta.h>

/*
 * What TF-A 2.14's own services answer, as read from the real firmware
 * (docs/abi.md section 13): SMCCC 1.5, PSCI 1.1.
 */
#define SMCSIM_SW_TFA_SMCCC_VERSION	0x10005U
#define SMCSIM_SW_TFA_PSCI_VERSION	0x10001U

/* OP-TEE's CFG_NUM_THREADS default, also QEMU v8's. */
#define SMCSIM_SW_DEFAULT_THREADS	2
#define SMCSIM_SW_MAX_THREADS		64
/*
 * The simulator's build id ("smcsim_1"): 64 bits, as OP-TEE 4.10 on arm64
 * answers GET_OS_REVISION x2, so a normal world that keeps only 32 shows.
 */
#define SMCSIM_SW_DEFAULT_BUILD_ID	0x736d6373696d5f31ULL
/* Notification values: 0 bottom half, 1..63 async, 64 + thread id sync. */
#define SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX	63
#define SMCSIM_SW_NOTIF_SYNC_VALUE_BASE	64
/*
 * The simulated platform's protected-memory configuration (OP-TEE's
 * plat_get_protmem_config()): the normal world lends at least 1 MiB at a
 * time, page aligned.
 */
#define SMCSIM_SW_PROTMEM_DEFAULT_MIN_SIZE	(1UL << 20)
#define SMCSIM_SW_PROTMEM_DEFAULT_ALIGN		4096UL

/**
 * struct smcsim_sw_config - what the simulated firmware was "built" with
 * @profile:		ABI profile (docs/design.md section 4)
 * @num_threads:	CFG_NUM_THREADS, 1..SMCSIM_SW_MAX_THREADS
 * @phys:		the memory map shared with the normal world (required)
 * @reserved_shm:	CFG_CORE_RESERVED_SHM: GET_SHM_CONFIG answers with the
 *			map's reserved shm region, cap bit 0
 * @shm_cached:		GET_SHM_CONFIG a3
 * @dynamic_shm:	CFG_CORE_DYN_SHM: cap bit 2
 * @async_notif:	CFG_CORE_ASYNC_NOTIF: cap bit 5, async fast calls
 * @notif_value_max:	advertised maximum notification value; 0 = OP-TEE's
 *			64 + @num_threads
 * @rpmb_probe:		upstream profile only: advertise cap bit 7 RPMB_PROBE
 * @system_threads:	proposal profile only: advertise cap bit 7
 *			SYSTEM_THREAD
 * @static_protmem:	GET_PROTMEM_CONFIG answers with the map's protected
 *			region, cap bit 8
 * @dynamic_protmem:	CFG_CORE_DYN_PROTMEM: cap bit 9, the message
 *			commands LEND_PROTMEM, RECLAIM_PROTMEM and
 *			GET_PROTMEM_CONFIG (otherwise they answer EBADCMD)
 * @protmem_min_size:	dynamic: smallest range LEND_PROTMEM accepts, what
 *			GET_PROTMEM_CONFIG reports in value a; 0 = default
 *			SMCSIM_SW_PROTMEM_DEFAULT_MIN_SIZE
 * @protmem_align:	dynamic: alignment of a lent range (a power of two,
 *			at least a page), GET_PROTMEM_CONFIG value b; 0 =
 *			default SMCSIM_SW_PROTMEM_DEFAULT_ALIGN
 * @os_revision_major:	GET_OS_REVISION a0
 * @os_revision_minor:	GET_OS_REVISION a1
 * @os_build_id:	GET_OS_REVISION a2: the build id, 64 bits on a 64-bit
 *			host as OP-TEE 4.10 on arm64 answers it in x2 (the
 *			first 16 hex digits of the git SHA1); 0 = unspecified.
 *			A register keeps what fits: 32 bits on a 32-bit host.
 * @smccc_version:	what the monitor answers to SMCCC_VERSION
 *			(0x80000000); 0 = SMC_UNK, as a monitor without the
 *			Arm architecture service would
 * @psci_version:	what the monitor answers to PSCI_VERSION (0x84000000);
 *			0 = SMC_UNK
 * @internal_tests_pta: CFG_TEE_CORE_EMBED_INTERNAL_TESTS: the world has the
 *			invoke-tests pseudo TA (sw_ta.h), listed as a device
 * @log:		print what the firmware would log (IMSG/EMSG) to stderr
 *
 * The monitor in front of the secure world routes as TF-A's does, by the
 * SMCCC owner and call type of W0 (secure_world.h, smcsim_sw_smc()).
 *
 * Every world starts with the built-in TAs of sw_ta.h; tests add their own
 * with smcsim_sw_register_ta().
 */
struct smcsim_sw_config {
	enum smcsim_abi_profile profile;
	unsigned int num_threads;
	struct smcsim_phys *phys;
	bool reserved_shm;
	bool shm_cached;
	bool dynamic_shm;
	bool async_notif;
	unsigned int notif_value_max;
	bool rpmb_probe;
	bool system_threads;
	bool static_protmem;
	bool dynamic_protmem;
	size_t protmem_min_size;
	size_t protmem_align;
	unsigned int os_revision_major;
	unsigned int os_revision_minor;
	uint64_t os_build_id;
	uint32_t smccc_version;
	uint32_t psci_version;
	bool internal_tests_pta;
	bool log;
};

/**
 * smcsim_sw_config_default() - OP-TEE 4.10 as built for QEMU v8
 *
 * Two threads, reserved and dynamic shm, async notifications, RPMB_PROBE in
 * the upstream profile: EXCHANGE_CAPABILITIES answers a1 = 0xF5 in both
 * profiles (bit 7 meaning SYSTEM_THREAD in the proposal one). The build id
 * is the simulator's own (SMCSIM_SW_DEFAULT_BUILD_ID) and the invoke-tests
 * PTA is left out; smcsim_sw_config_qemu_v8() is the real firmware's
 * build.
 */
void smcsim_sw_config_default(struct smcsim_sw_config *cfg,
			      enum smcsim_abi_profile profile,
			      struct smcsim_phys *phys);

/* The build id the test firmware's OP-TEE 4.10.0 (QEMU v8) answers. */
#define SMCSIM_SW_QEMU_V8_FW_BUILD_ID	0x753afbbee1682f5dULL

/**
 * smcsim_sw_config_qemu_v8() - the secure world of the real firmware the
 * project runs against (TF-A 2.14 + OP-TEE 4.10.0 for QEMU v8, as built
 * for the project's firmware tests), for the conformance suite's
 * simulator target
 * @phys:	the machine's memory map (it must have a reserved shm region)
 *
 * Upstream profile; CFG_NUM_THREADS=2; reserved shm (cached) and dynamic
 * shm; async notifications (notification maximum 66); RPMB_PROBE
 * announced, so EXCHANGE_CAPABILITIES answers 0xF5, 0x42, 4; no protected
 * memory (CFG_SECURE_DATA_PATH=n, CFG_CORE_DYN_PROTMEM=n); OS revision
 * 4.10 with that build's id, SMCSIM_SW_QEMU_V8_FW_BUILD_ID; the
 * invoke-tests pseudo TA (CFG_TEE_CORE_EMBED_INTERNAL_TESTS=y); the
 * monitor answers SMCCC 1.5 and PSCI 1.1. Every one of these was read from
 * the firmware (docs/abi.md section 13). Build facts like these
 * are configuration: a case reads them from the world, never assumes them.
 */
void smcsim_sw_config_qemu_v8(struct smcsim_sw_config *cfg,
			      struct smcsim_phys *phys);

struct smcsim_sw;

/**
 * smcsim_sw_create() - start a secure world
 * Return: 0, -EINVAL for a bad configuration, -ENOMEM.
 */
int smcsim_sw_create(const struct smcsim_sw_config *cfg, struct smcsim_sw **out);
/**
 * smcsim_sw_destroy() - stop and free a world
 *
 * No SMC may be in progress. Threads left suspended in an RPC see the RPC
 * fail and finish their calls; open sessions are closed.
 */
void smcsim_sw_destroy(struct smcsim_sw *sw);

/**
 * smcsim_sw_smc() - one SMC into the secure world (any thread may call)
 * @sw:		the world
 * @a:		a0..a7 as the normal world passed them
 * @res:	receives a0..a3. Registers a call does not set keep the
 *		caller's input, as observed on real OP-TEE
 *
 * First the secure monitor routes the call as TF-A 2.14 with SPD=opteed
 * does, on W0 alone: the SVE hint (bit 16) is dropped; a fast call with
 * reserved bits 23:17 set, and any call whose owner (bits 29:24) and type
 * no service takes, get SMC_UNK (-1 in all of a0, a1..a3 the caller's)
 * without entering OP-TEE. Owners 50..63 (Trusted OS), fast and yielding,
 * go to OP-TEE; a yielding call of any other owner never takes a secure
 * thread. The monitor's own services are modelled only in part (the rest
 * answer SMC_UNK, a deliberate difference): the Arm architecture service
 * (owner 0, fast) answers SMCCC_VERSION and SMCCC_ARCH_FEATURES for those
 * two calls (the CPU-dependent workarounds and SOC_ID are NOT_SUPPORTED);
 * the standard service (owner 4, fast) answers PSCI_VERSION only.
 *
 * Never fails and never crashes, whatever the registers hold.
 */
void smcsim_sw_smc(struct smcsim_sw *sw, const unsigned long a[8],
		   struct arm_smccc_res *res);

/* ---- introspection (read-only, for tests) ------------------------------ */

enum smcsim_sw_thread_state {
	SMCSIM_SW_THREAD_FREE = 0,
	SMCSIM_SW_THREAD_ACTIVE,
	SMCSIM_SW_THREAD_SUSPENDED,
};

unsigned int smcsim_sw_num_threads(const struct smcsim_sw *sw);
/** smcsim_sw_thread_state() - state of thread @idx; FREE for a bad index */
enum smcsim_sw_thread_state smcsim_sw_thread_state(struct smcsim_sw *sw,
						   unsigned int idx);
/**
 * smcsim_sw_thread_stack() - the stack secure thread @idx runs on: @size
 * usable bytes from @lo up; an inaccessible guard page lies below @lo
 * Return: 0, -EINVAL for a bad index.
 */
int smcsim_sw_thread_stack(struct smcsim_sw *sw, unsigned int idx,
			   const void **lo, size_t *size);
/** smcsim_sw_sec_caps() - what EXCHANGE_CAPABILITIES answers in a1 */
uint32_t smcsim_sw_sec_caps(const struct smcsim_sw *sw);
/** smcsim_sw_notif_value_max() - what EXCHANGE_CAPABILITIES answers in a2 */
unsigned int smcsim_sw_notif_value_max(const struct smcsim_sw *sw);
/** smcsim_sw_notif_started() - ENABLE_ASYNC_NOTIF was called */
bool smcsim_sw_notif_started(struct smcsim_sw *sw);
/** smcsim_sw_notif_is_pending() - async value @value waits to be fetched */
bool smcsim_sw_notif_is_pending(struct smcsim_sw *sw, unsigned int value);
/** smcsim_sw_notif_pending_mask() - every async value waiting, bit N = value N */
uint64_t smcsim_sw_notif_pending_mask(struct smcsim_sw *sw);
/**
 * smcsim_sw_notif_irq() - the interrupt line async notifications raise
 * (CFG_CORE_ASYNC_NOTIF_GIC_INTID); NULL without async notification.
 * Hand it to the normal world as its platform IRQ.
 */
struct smcsim_irq *smcsim_sw_notif_irq(struct smcsim_sw *sw);
/** smcsim_sw_calls() - SMCs entered so far (fast and yielding) */
uint64_t smcsim_sw_calls(struct smcsim_sw *sw);
/** smcsim_sw_reserved_threads() - threads set aside for system calls now */
unsigned int smcsim_sw_reserved_threads(struct smcsim_sw *sw);
/** smcsim_sw_session_count() - TA sessions open now */
unsigned int smcsim_sw_session_count(struct smcsim_sw *sw);
/** smcsim_sw_shm_count() - registered shared-memory objects now */
unsigned int smcsim_sw_shm_count(struct smcsim_sw *sw);
/** smcsim_sw_shm_registered() - a REGISTER_SHM with @cookie is in force */
bool smcsim_sw_shm_registered(struct smcsim_sw *sw, uint64_t cookie);
/**
 * smcsim_sw_rpc_arg_cached() - cookie of the RPC argument thread @idx keeps
 * in the prealloc cache, 0 if none
 */
uint64_t smcsim_sw_rpc_arg_cached(struct smcsim_sw *sw, unsigned int idx);

/** smcsim_sw_protmem_lent_count() - ranges lent with LEND_PROTMEM now */
unsigned int smcsim_sw_protmem_lent_count(struct smcsim_sw *sw);
/** smcsim_sw_protmem_is_lent() - @pa lies in a range lent now */
bool smcsim_sw_protmem_is_lent(struct smcsim_sw *sw, uint64_t pa);

/* ---- secure-side services --------------------------------------------- */

/**
 * smcsim_sw_notif_post() - make async notification @value pending
 *
 * What a secure driver or TA does to notify the normal world (OP-TEE's
 * notif_send_async()): the value's bit is set and the interrupt line raised,
 * every time, whether or not the normal world started notifications.
 * Posting a value already pending coalesces, as in OP-TEE. Any thread may
 * call it.
 * Return: 0, -EINVAL for a value outside 0..63, -EOPNOTSUPP without async
 * notification.
 */
int smcsim_sw_notif_post(struct smcsim_sw *sw, unsigned int value);

/**
 * smcsim_sw_notif_alloc_value() - take the lowest free async value, 1..63
 * (OP-TEE's notif_alloc_async_value(); 0 is the bottom half's)
 * Return: 0, -ENOSPC when all are taken, -EOPNOTSUPP without async
 * notification.
 */
int smcsim_sw_notif_alloc_value(struct smcsim_sw *sw, uint32_t *value);
/** smcsim_sw_notif_free_value() - give back a value; others are ignored */
void smcsim_sw_notif_free_value(struct smcsim_sw *sw, uint32_t value);

enum smcsim_sw_notif_event {
	SMCSIM_SW_NOTIF_EVENT_STARTED,		/* ENABLE_ASYNC_NOTIF */
	SMCSIM_SW_NOTIF_EVENT_DO_BOTTOM_HALF,	/* message command 6 */
	SMCSIM_SW_NOTIF_EVENT_STOPPED,		/* message command 7 */
};

/**
 * struct smcsim_sw_notif_driver - a secure driver that takes part in async
 * notification (OP-TEE's struct notif_driver)
 * @atomic_cb:		STARTED, from the fast call; may be NULL
 * @yielding_cb:	DO_BOTTOM_HALF and STOPPED, from the yielding call on a
 *			secure thread, serialized with each other; may be NULL
 * @link:		the world's list
 *
 * Events arrive only while notifications are started: a DO_BOTTOM_HALF or
 * STOP before ENABLE_ASYNC_NOTIF is ignored, as OP-TEE ignores it.
 */
struct smcsim_sw_notif_driver {
	void (*atomic_cb)(struct smcsim_sw_notif_driver *drv,
			  enum smcsim_sw_notif_event ev);
	void (*yielding_cb)(struct smcsim_sw_notif_driver *drv,
			    enum smcsim_sw_notif_event ev);
	TAILQ_ENTRY(smcsim_sw_notif_driver) link;
};

/** smcsim_sw_notif_register_driver() - add @drv; Return: 0, -EOPNOTSUPP */
int smcsim_sw_notif_register_driver(struct smcsim_sw *sw,
				    struct smcsim_sw_notif_driver *drv);
/** smcsim_sw_notif_unregister_driver() - remove @drv (not from its callback) */
void smcsim_sw_notif_unregister_driver(struct smcsim_sw *sw,
				       struct smcsim_sw_notif_driver *drv);

/**
 * smcsim_sw_bottom_half_request() - a secure interrupt asks for a bottom half
 * @count:	requests in this burst
 *
 * The world's built-in interrupt driver records @count requests and posts
 * DO_BOTTOM_HALF (value 0) once per request, all under one lock hold, so
 * the normal world fetches the burst as one value and makes one
 * DO_BOTTOM_HALF call for it. The driver's bottom half takes every request
 * recorded so far.
 * Return: 0, -EOPNOTSUPP without async notification.
 */
int smcsim_sw_bottom_half_request(struct smcsim_sw *sw, unsigned int count);

/**
 * struct smcsim_sw_bh_stats - the built-in interrupt driver's record
 * @requests:	requests made so far
 * @served:	requests a bottom half took
 * @runs:	bottom halves that found requests
 * @empty_runs:	bottom halves that found none (a DO_BOTTOM_HALF nobody asked
 *		for)
 * @ignored:	DO_BOTTOM_HALF / STOP calls while notifications were stopped
 * @stopped:	STOPPED events
 */
struct smcsim_sw_bh_stats {
	uint64_t requests;
	uint64_t served;
	uint64_t runs;
	uint64_t empty_runs;
	uint64_t ignored;
	uint64_t stopped;
};

void smcsim_sw_bottom_half_stats(struct smcsim_sw *sw,
				 struct smcsim_sw_bh_stats *st);

/**
 * smcsim_sw_inject_foreign_intr() - deliver @count foreign interrupts
 *
 * Each makes the next secure thread to reach a preemption point (the start
 * and end of a call, around each RPC) leave with RPC FOREIGN_INTR and wait
 * to be resumed, as a normal-world interrupt during secure execution does.
 * Return: 0.
 */
int smcsim_sw_inject_foreign_intr(struct smcsim_sw *sw, unsigned int count);

#endif /* SMCSIM_SECURE_WORLD_H */
