/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Normal world: the OP-TEE driver's SMC-ABI probe and remove, after Linux's
 * drivers/tee/optee/smc_abi.c (docs/abi.md section 12.1). It runs against any
 * invoke backend: the simulator, a script, or real firmware.
 */
#ifndef SMCSIM_OPTEE_H
#define SMCSIM_OPTEE_H

#include <stdbool.h>
#include <stdint.h>

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>
#include <smcsim/tee_core.h>

struct optee;
struct smcsim_irq;
struct smcsim_phys;

/**
 * struct optee_probe_cfg - what a platform device would provide
 * @invoke:	the conduit
 * @phys:	memory map of the normal world
 * @profile:	ABI profile of the firmware (decides what cap bit 7 means)
 * @uniprocessor: advertise OPTEE_SMC_NSEC_CAP_UNIPROCESSOR
 * @cls:	device class; NULL = the driver keeps its own
 * @async_release: close the sessions of a client context when its device
 *		is closed (close_context), on a worker that delivers them
 *		after the context may be gone (the QTEE lifetime of seed
 *		004); default: when its last reference goes, as Linux's
 *		OP-TEE driver does
 * @notif_irq:	the platform's interrupt 0, the async-notification line
 *		(smcsim_sw_notif_irq() for the simulator). NULL = none: probe
 *		then fails if the firmware offers async notification, as a
 *		failing platform_get_irq() makes Linux's probe fail
 * @log:	print what the driver would log (pr_info/pr_err) to stderr
 */
struct optee_probe_cfg {
	struct smcsim_invoke invoke;
	struct smcsim_phys *phys;
	enum smcsim_abi_profile profile;
	bool uniprocessor;
	struct tee_class *cls;
	bool async_release;
	struct smcsim_irq *notif_irq;
	bool log;
};

/**
 * struct optee_info - what probe negotiated
 * @os_revision_major: GET_OS_REVISION a0
 * @os_revision_minor: GET_OS_REVISION a1
 * @os_build_id:	GET_OS_REVISION a2, the whole register (64 bits on arm64,
 *			as Linux keeps it in an unsigned long)
 * @api_major:		CALLS_REVISION a0
 * @api_minor:		CALLS_REVISION a1
 * @thread_count:	GET_THREAD_COUNT, 0 if not supported
 * @sec_caps:		EXCHANGE_CAPABILITIES a1
 * @rpc_param_count:	a3 if RPC_ARG, else 0
 * @max_notif_value:	a2 if ASYNC_NOTIF, else 255
 * @dynamic_shm:	the pool is dynamic (else the reserved region)
 * @shm_base:		reserved region used, if not dynamic
 * @shm_size:		its size
 * @system_thread:	proposal profile and cap bit 7
 * @rpmb_probe:		upstream profile and cap bit 7
 * @shm_cache_enabled:	ENABLE_SHM_CACHE was issued
 */
struct optee_info {
	uint32_t os_revision_major;
	uint32_t os_revision_minor;
	uint64_t os_build_id;
	uint32_t api_major;
	uint32_t api_minor;
	uint32_t thread_count;
	uint32_t sec_caps;
	uint32_t rpc_param_count;
	uint32_t max_notif_value;
	bool dynamic_shm;
	uint64_t shm_base;
	uint64_t shm_size;
	bool system_thread;
	bool rpmb_probe;
	bool shm_cache_enabled;
};

/**
 * optee_probe() - probe the firmware behind @cfg->invoke and register devices
 *
 * Return: 0 and *@out; -EINVAL when the firmware is not a compatible OP-TEE
 * or refuses the capabilities, -ENOENT when no shared memory is offered,
 * -ENOMEM. On error everything done so far is undone.
 */
int optee_probe(const struct optee_probe_cfg *cfg, struct optee **out);
/** optee_remove() - undo optee_probe(); blocks until every user is gone */
void optee_remove(struct optee *optee);
void optee_get_info(const struct optee *optee, struct optee_info *info);
/** optee_client_teedev() - the "tee<N>" device */
struct tee_device *optee_client_teedev(struct optee *optee);
/** optee_supp_teedev() - the "teepriv<N>" device */
struct tee_device *optee_supp_teedev(struct optee *optee);

/**
 * struct optee_cq_info - the call queue's counters (docs/abi.md section 8.2)
 * @total_thread_count:	secure threads the driver counts with, 0 = unknown
 * @free_thread_count:	of those, not taken by a caller now
 * @sys_thread_req_count: system sessions asking for a kept thread
 * @waiters:		callers between wait_init and wait_final
 * @wakes:		wake-ups given (a call ended, or a kept thread was
 *			given back), since probe
 * @wakes_busy:		of those, given to a caller that was not asleep in
 *			the queue while another caller was
 * @wakes_again:	of those, given to a caller already woken that had
 *			not yet looked again (two wake-ups, one waiter)
 */
struct optee_cq_info {
	int total_thread_count;
	int free_thread_count;
	int sys_thread_req_count;
	unsigned int waiters;
	unsigned long wakes;
	unsigned long wakes_busy;
	unsigned long wakes_again;
};

/** optee_get_cq_info() - a snapshot of the call queue, for tests */
void optee_get_cq_info(struct optee *optee, struct optee_cq_info *info);

/**
 * struct optee_notif_info - notification state, for tests
 * @max_key:		highest key accepted
 * @waiters:		secure threads waiting on a key now
 * @pending:		keys sent with nobody waiting, not yet consumed
 * @waits:		waits asked for
 * @wait_timeouts:	waits that timed out
 * @sends:		sends (RPC SEND and async values)
 * @irq_attached:	the interrupt path is set up
 * @irq_runs:		top-half runs
 * @irq_values:		valid values the top half fetched
 * @irq_bad_values:	of those, values above @max_key (refused)
 * @irq_bounded:	top-half runs that stopped at the loop bound
 * @bottom_halves:	DO_BOTTOM_HALF calls made
 */
struct optee_notif_info {
	unsigned int max_key;
	unsigned int waiters;
	unsigned int pending;
	uint64_t waits;
	uint64_t wait_timeouts;
	uint64_t sends;
	bool irq_attached;
	uint64_t irq_runs;
	uint64_t irq_values;
	uint64_t irq_bad_values;
	uint64_t irq_bounded;
	uint64_t bottom_halves;
};

/** optee_get_notif_info() - a snapshot of the notification state */
void optee_get_notif_info(struct optee *optee, struct optee_notif_info *ni);
/** optee_notif_waiting() - a secure thread waits on @key now */
bool optee_notif_waiting(struct optee *optee, unsigned int key);

/**
 * struct optee_supp_info - the supplicant queue, for tests
 * @attached:		a supplicant context is open
 * @queued_now:		requests waiting for RECV
 * @processing_now:	requests the supplicant holds
 * @placeholders:	ids kept for requests whose requester was killed
 * @queued:		requests ever queued
 * @received:		RECVs that took a request
 * @answered:		SENDs accepted
 * @refused_answers:	SENDs refused (unknown, killed, wrong count)
 * @killed:		requesters killed before an answer
 * @failed:		requests ended by the supplicant's death
 * @refused:		in-kernel requests refused at once (no supplicant)
 */
struct optee_supp_info {
	bool attached;
	unsigned int queued_now;
	unsigned int processing_now;
	unsigned int placeholders;
	uint64_t queued;
	uint64_t received;
	uint64_t answered;
	uint64_t refused_answers;
	uint64_t killed;
	uint64_t failed;
	uint64_t refused;
};

/**
 * struct optee_release_info - the async release worker
 * @queued:	session closes queued at close_context
 * @delivered:	of those, CLOSE_SESSION calls made
 * @pending:	queued and not yet delivered (one being delivered included)
 */
struct optee_release_info {
	uint64_t queued;
	uint64_t delivered;
	unsigned int pending;
};

/** optee_get_release_info() - a snapshot of the release worker */
void optee_get_release_info(struct optee *optee, struct optee_release_info *ri);

enum optee_protmem_kind {
	OPTEE_PROTMEM_NONE = 0,		/* no heap registered */
	OPTEE_PROTMEM_STATIC,		/* GET_PROTMEM_CONFIG fast call */
	OPTEE_PROTMEM_DYNAMIC,		/* LEND/RECLAIM_PROTMEM */
};

/**
 * struct optee_protmem_info - the protected-memory heap the driver serves
 *	(heap id 1, TEE_DMA_HEAP_SECURE_VIDEO_PLAY, as Linux's driver)
 * @kind:		which pool backs it
 * @base:		static: the range GET_PROTMEM_CONFIG reported
 * @size:		static: its size; dynamic: bytes lent at a time
 * @pa_width:		the physical address width the firmware reported
 * @lent:		dynamic: memory is lent to the secure world now
 * @lends:		dynamic: LEND_PROTMEM calls that succeeded
 * @reclaims:		dynamic: RECLAIM_PROTMEM calls that succeeded
 * @reclaim_failures:	dynamic: refused reclaims (the pages are then kept
 *			out of the normal world's allocator)
 */
struct optee_protmem_info {
	enum optee_protmem_kind kind;
	uint64_t base;
	uint64_t size;
	unsigned int pa_width;
	bool lent;
	uint64_t lends;
	uint64_t reclaims;
	uint64_t reclaim_failures;
};

/** optee_get_protmem_info() - a snapshot of the protected-memory pool */
void optee_get_protmem_info(struct optee *optee, struct optee_protmem_info *pi);

/** optee_get_supp_info() - a snapshot of the supplicant queue */
void optee_get_supp_info(struct optee *optee, struct optee_supp_info *si);
/**
 * optee_get_server_info() - a snapshot of the queue of the server of @uuid
 * (tee_supp_register_server()). Return: 0, -ENOENT when none serves it.
 */
int optee_get_server_info(struct optee *optee, const uint8_t uuid[16],
			  struct optee_supp_info *si);

/**
 * optee_devices() - the TA UUIDs the device-enumeration PTA listed at probe
 * @out:	receives up to @max of them, RFC 4122 byte order (may be NULL)
 * Return: how many there are.
 */
size_t optee_devices(const struct optee *optee, uint8_t (*out)[16], size_t max);

/* ---- planted bugs (tests only) ------------------------------------------ */

/**
 * enum optee_plant - known races a test can put back into the driver, to
 * prove that schedule exploration finds them (tests/det/)
 * @OPTEE_PLANT_NOTIF_DROP_EARLY_SEND: a notification send that arrives
 *	before its waiter registered is dropped instead of left pending
 * @OPTEE_PLANT_NOTIF_TIMEOUT_DROPS_SEND: Linux's behaviour: a send that
 *	completes a waiter whose timeout has just fired is lost
 * @OPTEE_PLANT_CQ_WAKE_FIRST_IN_LIST: Linux's call-queue wake-up: the
 *	first caller in the list without a pending wake-up gets it, though it
 *	may be running or just woken while another sleeps with a thread free
 */
enum optee_plant {
	OPTEE_PLANT_NOTIF_DROP_EARLY_SEND = 1U << 0,
	OPTEE_PLANT_NOTIF_TIMEOUT_DROPS_SEND = 1U << 1,
	OPTEE_PLANT_CQ_WAKE_FIRST_IN_LIST = 1U << 2,
};

/**
 * optee_test_plant() - plant the bugs in @mask (an OR of enum
 * optee_plant; 0 removes them all). Process-wide; never in production.
 */
void optee_test_plant(unsigned int mask);

/** optee_test_planted_mask() - what is planted now */
unsigned int optee_test_planted_mask(void);

/**
 * optee_test_plant_parse() - "name[,name...]" into a mask of enum
 * optee_plant, the syntax of SMCSIM_PLANT (explore.h): a name is the
 * enumerator's without OPTEE_PLANT_, in lower case
 * ("notif_drop_early_send"); "" is 0
 * Return: 0, or -EINVAL for an unknown name (@mask unchanged).
 */
int optee_test_plant_parse(const char *names, unsigned int *mask);

/**
 * optee_test_plant_format() - the inverse: @mask's names, comma separated
 * ("" for 0)
 * Return: @buf.
 */
char *optee_test_plant_format(unsigned int mask, char *buf, size_t len);

#endif /* SMCSIM_OPTEE_H */
