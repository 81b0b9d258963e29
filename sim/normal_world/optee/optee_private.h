/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private state of the normal-world OP-TEE driver (after Linux's
 * drivers/tee/optee/optee_private.h). Only sim/normal_world/optee uses it.
 */
#ifndef OPTEE_PRIVATE_H
#define OPTEE_PRIVATE_H

#include <bitstring.h>
#include <stdatomic.h>
#include <sys/queue.h>

#include <smcsim/optee.h>
#include <smcsim/optee_msg.h>
#include <smcsim/tee_core.h>
#include <smcsim/trace.h>

/*
 * How often probe and remove retry a busy SHM-cache call, and how many
 * cached RPC arguments a drain accepts, before giving up. Linux loops
 * without a bound on both; a firmware that answers EBUSY or OK forever
 * would hang it.
 */
#define OPTEE_SHM_CACHE_BUSY_RETRIES	16
#define OPTEE_SHM_CACHE_DRAIN_MAX	1024

/* Most params of a message the driver builds: 4 user + 2 meta (OPEN). */
#define MAX_ARG_PARAM_COUNT	6
/* One arg-cache entry is a page. */
#define SHM_ENTRY_SIZE		4096
#define MAX_ARG_COUNT_PER_ENTRY	(SHM_ENTRY_SIZE / OPTEE_MSG_GET_ARG_SIZE(0))

/**
 * enum optee_cq_state - where a caller is, for the wake-one choice
 * @OPTEE_CQ_RUNNING:	holds a secure thread or is on its way to one
 * @OPTEE_CQ_WAITING:	asleep in the queue until a call ends
 * @OPTEE_CQ_WOKEN:	woken from WAITING, not yet back under the mutex
 */
enum optee_cq_state {
	OPTEE_CQ_RUNNING,
	OPTEE_CQ_WAITING,
	OPTEE_CQ_WOKEN,
};

/**
 * struct optee_call_waiter - a caller waiting for (or holding) a secure thread
 * @link:	in optee_call_queue.waiters
 * @c:		completed to wake this caller
 * @sys_thread:	the call is for a system session
 * @state:	see enum optee_cq_state (under optee_call_queue.mutex)
 */
struct optee_call_waiter {
	TAILQ_ENTRY(optee_call_waiter) link;
	struct rt_completion c;
	bool sys_thread;
	enum optee_cq_state state;
};

/**
 * struct optee_call_queue - callers of yielding calls (docs/abi.md section 8.2)
 * @mutex:		protects every field
 * @waiters:		every caller between wait_init and wait_final
 * @total_thread_count:	secure threads (GET_THREAD_COUNT), 0 = unknown:
 *			rely on ETHREAD_LIMIT only
 * @free_thread_count:	threads not taken by a caller of this driver
 * @sys_thread_req_count: system sessions that want a thread kept for them
 * @wakes, @wakes_busy, @wakes_again: as in struct optee_cq_info
 */
struct optee_call_queue {
	struct rt_mutex mutex;
	TAILQ_HEAD(, optee_call_waiter) waiters;
	int total_thread_count;
	int free_thread_count;
	int sys_thread_req_count;
	unsigned long wakes;
	unsigned long wakes_busy;
	unsigned long wakes_again;
};

#define OPTEE_SHM_ARG_ALLOC_PRIV	(1U << 0)
#define OPTEE_SHM_ARG_SHARED		(1U << 1)

/**
 * struct optee_shm_arg_entry - a page of message arguments
 * @link:	in the cache
 * @shm:	the page
 * @map:	slots in use
 */
struct optee_shm_arg_entry {
	TAILQ_ENTRY(optee_shm_arg_entry) link;
	struct tee_shm *shm;
	bitstr_t bit_decl(map, MAX_ARG_COUNT_PER_ENTRY);
};

/**
 * struct optee_shm_arg_cache - message arguments kept for reuse
 * @mutex:	protects @shm_args and the entries' maps
 * @flags:	OPTEE_SHM_ARG_*: private (by PA) or shared (registered, many
 *		per page, sent with CALL_WITH_REGD_ARG)
 * @shm_args:	the pages
 */
struct optee_shm_arg_cache {
	struct rt_mutex mutex;
	unsigned int flags;
	TAILQ_HEAD(, optee_shm_arg_entry) shm_args;
};

/**
 * struct optee_rpc_shm - shm the secure world asked for (RPC ALLOC or
 * CMD SHM_ALLOC), found again by the cookie it hands back
 * @node:	in optee.rpc_shms
 * @cookie:	what the secure world was given
 * @shm:	the memory
 */
struct optee_rpc_shm {
	RB_ENTRY(optee_rpc_shm) node;
	uint64_t cookie;
	struct tee_shm *shm;
};
RB_HEAD(optee_rpc_shm_tree, optee_rpc_shm);

/**
 * struct optee_call_ctx - state of one call across its RPCs
 * @pages_list:	page list of the last SHM_ALLOC answer, kept until the
 *		next one or the end of the call
 * @num_entries: list pages in @pages_list
 */
struct optee_call_ctx {
	uint64_t pages_list;
	size_t num_entries;
};

struct optee_notif_entry;

/**
 * struct optee_notif - notification keys (notif.c)
 * @max_key:	highest valid key
 * @lock:	protects every field below
 * @idle:	broadcast when the last waiter leaves during uninit
 * @db:		the waiters
 * @bitmap:	keys sent with nobody waiting (@max_key + 1 bits)
 * @closing:	uninit began: waits fail with -ESHUTDOWN
 * @stats:	counters for optee_get_notif_info()
 */
struct optee_notif {
	unsigned int max_key;
	struct rt_mutex lock;
	struct rt_cond idle;
	TAILQ_HEAD(, optee_notif_entry) db;
	bitstr_t *bitmap;
	bool closing;
	struct {
		unsigned int waiters;
		unsigned int pending;
		uint64_t waits;
		uint64_t timeouts;
		uint64_t sends;
	} stats;
};

/*
 * The most values one top-half run fetches. Stopping early loses nothing:
 * every value posted after the run started raised the line again. It only
 * stops a firmware that answers PENDING forever.
 */
#define OPTEE_NOTIF_IRQ_MAX_VALUES	128

/**
 * struct optee_notif_irq - the async-notification interrupt path (smc_abi.c)
 * @irq:		the line attached to, NULL when none
 * @runs:		top-half runs
 * @values:		valid values fetched (the bottom half's included)
 * @bad_values:		values above the maximum, refused
 * @bounded:		runs stopped by OPTEE_NOTIF_IRQ_MAX_VALUES
 * @bottom_halves:	DO_BOTTOM_HALF calls made
 */
struct optee_notif_irq {
	struct smcsim_irq *irq;
	atomic_uint_fast64_t runs;
	atomic_uint_fast64_t values;
	atomic_uint_fast64_t bad_values;
	atomic_uint_fast64_t bounded;
	atomic_uint_fast64_t bottom_halves;
};

/* Most params a supplicant request carries (an RPC argument has 4). */
#define OPTEE_SUPP_MAX_PARAMS	8

struct optee_supp_req;

/**
 * struct optee_supp - the supplicant request queue (supp.c)
 * @mutex:	protects every field below and the state of each request
 * @ctx:	the supplicant's context, NULL when none is attached
 * @req_id:	request the sync form of RECV gave out, -1 if none
 * @next_id:	where the search for a free id starts
 * @reqs:	QUEUED requests, oldest first
 * @ids:	every request with an id (QUEUED, PROCESSING, placeholders)
 * @reqs_c:	completed when a request is queued
 * @stats:	counters for optee_get_supp_info()
 */
struct optee_supp {
	struct rt_mutex mutex;
	struct tee_context *ctx;
	int req_id;
	int next_id;
	TAILQ_HEAD(, optee_supp_req) reqs;
	RB_HEAD(optee_supp_ids, optee_supp_req) ids;
	struct rt_completion reqs_c;
	struct optee_supp_info stats;
};

/**
 * struct optee_supp_server - a supplicant-like server (the Qualcomm model,
 * seed 004): a context that serves the requests for one callback object,
 * named by a supplicant-plugin UUID, with a queue of its own
 * @link:	in optee.servers
 * @uuid:	what SUPP_PLUGIN requests name
 * @ref:	the list's reference plus one per request in flight
 * @queue:	its requests; queue.ctx is the server's context
 */
struct optee_supp_server {
	TAILQ_ENTRY(optee_supp_server) link;
	uint8_t uuid[16];
	struct rt_kref ref;
	struct optee_supp queue;
};

/**
 * struct optee_release_work - a session close queued at close_context
 * @link:		in optee.release_q
 * @session_id:		the secure world's session
 * @sys_thread:		it was a system session
 */
struct optee_release_work {
	TAILQ_ENTRY(optee_release_work) link;
	uint32_t session_id;
	bool sys_thread;
};

/**
 * struct optee - one probed OP-TEE
 * @cfg:		what the platform gave to probe
 * @info:		what probe negotiated
 * @cls:		device class the devices are numbered in
 * @own_cls:		used as @cls when the platform gave none
 * @teedev:		client device "tee<N>"
 * @supp_teedev:	supplicant device "teepriv<N>"
 * @ctx:		the driver's own context (optee->ctx in Linux)
 * @pool:		shared-memory pool of @teedev
 * @call_queue:		callers of yielding calls
 * @shm_arg_cache:	message arguments
 * @rpc_lock:		protects @rpc_shms
 * @rpc_shms:		shm handed to the secure world by cookie
 * @devices:		UUIDs the device PTA listed at probe (16 bytes each)
 * @num_devices:	entries in @devices
 * @next_cookie:	the next name to give a shm in the secure world.
 *			Linux uses the tee_shm's address; a counter keeps
 *			traces identical from run to run.
 * @ctx_lock:		protects @num_ctx and @removing
 * @ctx_cond:		signalled when @num_ctx drops
 * @num_ctx:		contexts of both devices not yet released, the
 *			driver's own included
 * @removing:		optee_remove() began: no new context is opened
 * @notif:		notification keys
 * @notif_irq:		the interrupt path, when ASYNC_NOTIF was negotiated
 * @supp:		the supplicant request queue
 * @servers_lock:	protects @servers
 * @servers:		supplicant-like servers, by plugin UUID
 * @release_lock:	protects @release_q, @release_stop, @release_stats
 * @release_cond:	signalled when work is queued or done, or at stop
 * @release_q:		session closes queued at close_context
 *			(cfg.async_release), delivered by @release_thr
 * @release_thr:	the release worker, NULL without async release
 * @release_busy:	the worker is delivering one now
 * @release_stop:	remove asks the worker to drain and end
 * @release_stats:	queued and delivered counts
 * @protmem_lock:	protects @protmem_info's counters
 * @protmem_info:	the protected-memory pool, for optee_get_protmem_info()
 * @protmem_gone:	completed when the registered heap's pool is destroyed
 * @protmem_registered:	a heap was registered at probe and not yet put
 */
struct optee {
	struct optee_probe_cfg cfg;
	struct optee_info info;
	struct tee_class *cls;
	struct tee_class own_cls;
	struct tee_device *teedev;
	struct tee_device *supp_teedev;
	struct tee_context *ctx;
	struct tee_shm_pool *pool;
	struct optee_call_queue call_queue;
	struct optee_shm_arg_cache shm_arg_cache;
	struct rt_mutex rpc_lock;
	struct optee_rpc_shm_tree rpc_shms;
	uint8_t (*devices)[16];
	size_t num_devices;
	atomic_uint_fast64_t next_cookie;
	struct rt_mutex ctx_lock;
	struct rt_cond ctx_cond;
	unsigned int num_ctx;
	bool removing;
	struct optee_notif notif;
	struct optee_notif_irq notif_irq;
	struct optee_supp supp;
	struct rt_mutex servers_lock;
	TAILQ_HEAD(, optee_supp_server) servers;
	struct rt_mutex release_lock;
	struct rt_cond release_cond;
	TAILQ_HEAD(, optee_release_work) release_q;
	struct rt_thread *release_thr;
	bool release_busy;
	bool release_stop;
	struct optee_release_info release_stats;
	struct rt_mutex protmem_lock;
	struct optee_protmem_info protmem_info;
	struct rt_completion protmem_gone;
	bool protmem_registered;
};

/** optee_new_cookie() - a cookie no other shm of this driver has */
static inline uint64_t optee_new_cookie(struct optee *optee)
{
	return atomic_fetch_add(&optee->next_cookie, 1);
}

/**
 * struct optee_session - a session a context opened
 * @link:		in optee_context_data.sess_list
 * @session_id:		the secure world's id
 * @use_sys_thread:	a system session (issue 4)
 */
struct optee_session {
	TAILQ_ENTRY(optee_session) link;
	uint32_t session_id;
	bool use_sys_thread;
};

/**
 * struct optee_context_data - per-context driver state
 * @mutex:	protects @sess_list
 * @sess_list:	sessions open on this context
 * @supp:	the context is the supplicant's
 * @server:	the server this context registered as, or NULL
 */
struct optee_context_data {
	struct rt_mutex mutex;
	TAILQ_HEAD(, optee_session) sess_list;
	bool supp;
	struct optee_supp_server *server;
};

/* core.c */
extern const struct tee_desc optee_clnt_desc;
extern const struct tee_desc optee_supp_desc;
void optee_log(const struct optee_probe_cfg *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * optee_supp_close_context() - the supplicant's device was closed: fail
 * its requests now (a no-op for any other context)
 */
void optee_supp_close_context(struct tee_context *ctx);

/* call.c */
/**
 * optee_release_queue_sessions() - async release: move the sessions of
 * @ctx to the release worker, which closes them with the driver's context
 */
void optee_release_queue_sessions(struct tee_context *ctx);
/** optee_release_init() - the queue, before any client can close */
void optee_release_init(struct optee *optee);
/** optee_release_start() - the worker, once the driver's context is open */
int optee_release_start(struct optee *optee);
/** optee_release_stop() - deliver what is queued, then end the worker */
void optee_release_stop(struct optee *optee);
/** optee_release_fini() - free the queue (after optee_release_stop()) */
void optee_release_fini(struct optee *optee);
void optee_cq_init(struct optee_call_queue *cq, int thread_count);
void optee_cq_uninit(struct optee_call_queue *cq);
void optee_cq_wait_init(struct optee_call_queue *cq,
			struct optee_call_waiter *w, bool sys_thread);
void optee_cq_wait_for_completion(struct optee_call_queue *cq,
				  struct optee_call_waiter *w);
/* Wake one waiter (a system thread reservation was given back). */
void optee_cq_wake_one(struct optee_call_queue *cq);
void optee_cq_wait_final(struct optee_call_queue *cq,
			 struct optee_call_waiter *w);
void optee_shm_arg_cache_init(struct optee *optee, unsigned int flags);
/** optee_shm_arg_cache_drain() - free the cached pages (they hold the driver's context) */
void optee_shm_arg_cache_drain(struct optee *optee);
void optee_shm_arg_cache_uninit(struct optee *optee);
size_t optee_msg_arg_size(size_t rpc_param_count);
int optee_get_msg_arg(struct tee_context *ctx, size_t num_params,
		      struct optee_shm_arg_entry **entry, struct tee_shm **shm,
		      unsigned int *offs, struct optee_msg_arg **arg);
void optee_free_msg_arg(struct tee_context *ctx,
			struct optee_shm_arg_entry *entry, unsigned int offs);
int optee_open_session(struct tee_context *ctx,
		       struct tee_ioctl_open_session_arg *arg,
		       struct tee_param *param);
int optee_close_session(struct tee_context *ctx, uint32_t session);
int optee_close_session_helper(struct tee_context *ctx, uint32_t session,
			       bool system_thread);
int optee_invoke_func(struct tee_context *ctx, struct tee_ioctl_invoke_arg *arg,
		      struct tee_param *param);
int optee_cancel_req(struct tee_context *ctx, uint32_t cancel_id,
		     uint32_t session);
void optee_release_sessions(struct tee_context *ctx);
int optee_system_session(struct tee_context *ctx, uint32_t session);
int optee_request_sys_ctx(struct tee_context *ctx);
void optee_release_sys_ctx(struct tee_context *ctx);

/* smc_abi.c */
/**
 * optee_smc_do_call_with_arg() - run the message at @offs in @shm in the
 * secure world, serving its RPCs, waiting in the call queue on
 * ETHREAD_LIMIT. Return: 0, or -EIO when the secure world refused the call
 * (its a0 is logged); the message's ret says the rest.
 */
int optee_smc_do_call_with_arg(struct tee_context *ctx, struct tee_shm *shm,
			       unsigned int offs, bool system_thread);
int optee_to_msg_param(struct optee *optee, struct optee_msg_param *msg_params,
		       size_t num_params, const struct tee_param *params);
int optee_from_msg_param(struct optee *optee, struct tee_param *params,
			 size_t num_params,
			 const struct optee_msg_param *msg_params);
int optee_shm_register(struct tee_context *ctx, struct tee_shm *shm,
		       const uint64_t *pages, size_t num_pages, uintptr_t start);
int optee_shm_unregister(struct tee_context *ctx, struct tee_shm *shm);

/* rpc.c */
/**
 * optee_rpc_cmd() - serve RPC command @arg (@arg_size bytes of normal-world
 * memory) for the caller of @ctx; the answer goes in @arg's ret and params
 */
void optee_rpc_cmd(struct tee_context *ctx, struct optee *optee,
		   struct optee_msg_arg *arg, size_t arg_size,
		   struct optee_call_ctx *call_ctx);
/** optee_rpc_finalize_call() - free what a call's RPCs kept until its end */
void optee_rpc_finalize_call(struct optee *optee,
			     struct optee_call_ctx *call_ctx);
/** optee_rpc_shm_add() - remember @shm under a cookie; Return: the cookie, 0 on -ENOMEM */
uint64_t optee_rpc_shm_add(struct optee *optee, struct tee_shm *shm);
/** optee_rpc_shm_take() - forget cookie @cookie; Return: its shm or NULL */
struct tee_shm *optee_rpc_shm_take(struct optee *optee, uint64_t cookie);
/**
 * optee_rpc_shm_take_typed() - forget @cookie if it names application
 * memory (@appl, the supplicant's) or kernel memory (the driver's), in one
 * hold of the lock. Return: its shm, whose reference passes to the caller,
 * or NULL.
 */
struct tee_shm *optee_rpc_shm_take_typed(struct optee *optee, uint64_t cookie,
					 bool appl);
/**
 * optee_rpc_shm_get() - the shm of cookie @cookie with a reference taken
 * under the lock (the secure world may free the cookie on another thread
 * meanwhile), or NULL. Drop it with tee_shm_put().
 */
struct tee_shm *optee_rpc_shm_get(struct optee *optee, uint64_t cookie);
/** optee_rpc_shm_free_all() - drop every cookie the secure world still holds */
void optee_rpc_shm_free_all(struct optee *optee);
/**
 * optee_rpc_shm_free_appl() - drop the driver's references on application
 * memory the secure world still holds (only when no call can come again)
 */
void optee_rpc_shm_free_appl(struct optee *optee);
int optee_pages_list_alloc(struct optee *optee, const uint64_t *pages,
			   size_t num_pages, unsigned int page_offset,
			   uint64_t *list_pa, size_t *num_entries);
void optee_pages_list_free(struct optee *optee, uint64_t list_pa,
			   size_t num_entries);

/* notif.c */
/** optee_notif_init() - keys 0..@max_key; Return: 0, -ENOMEM */
/* protmem.c */
/**
 * optee_protmem_pool_init() - register heap 1 from the static pool if the
 * firmware has PROTMEM, else from a dynamic pool if DYNAMIC_PROTMEM; a
 * failure is logged and leaves the driver without a heap, as Linux's does
 */
void optee_protmem_pool_init(struct optee *optee);
/**
 * optee_protmem_uninit() - unbind the heaps and wait until the last
 * protected buffer is freed: a dynamic pool reclaims its memory then,
 * through the driver's context, which must still be there
 */
void optee_protmem_uninit(struct optee *optee);
/**
 * optee_smc_get_protmem_config() - the static range (fast call 0xB2000014)
 * Return: 0; -EINVAL when the firmware has none or answers nonsense.
 */
int optee_smc_get_protmem_config(struct optee *optee, uint64_t *base,
				 uint64_t *size, unsigned int *pa_width);
int optee_smc_lend_protmem(struct optee *optee, struct tee_shm *protmem,
			   uint32_t use_case);
int optee_smc_reclaim_protmem(struct optee *optee, struct tee_shm *protmem);

int optee_notif_init(struct optee *optee, unsigned int max_key);
/** optee_notif_uninit() - wake every waiter with -ESHUTDOWN, wait, free */
void optee_notif_uninit(struct optee *optee);
/**
 * optee_notif_wait() - wait until @key is sent
 * @timeout_ms:	0 = no timeout
 * Return: 0; -EINVAL for a key above the maximum; -EBUSY when another
 * thread waits on @key; -ETIMEDOUT; -ESHUTDOWN when the driver goes.
 */
int optee_notif_wait(struct optee *optee, uint64_t key, unsigned int timeout_ms);
/**
 * optee_notif_send() - wake @key's waiter, or remember the send for the
 * next wait (coalescing with a send not yet consumed)
 * Return: 0, -EINVAL for a key above the maximum.
 */
int optee_notif_send(struct optee *optee, uint64_t key);
/** optee_notif_get_stats() - fill the key fields of @ni */
void optee_notif_get_stats(struct optee *optee, struct optee_notif_info *ni);
/** optee_test_planted() - is @plant (enum optee_plant) planted now? */
bool optee_test_planted(unsigned int plant);

/* supp.c */
/** optee_supp_init() - an empty queue with no supplicant attached */
void optee_supp_init(struct optee_supp *supp);
/** optee_supp_uninit() - free a queue after its supplicant was released */
void optee_supp_uninit(struct optee_supp *supp);
/** optee_supp_open() - @ctx becomes the supplicant; Return: 0, -EBUSY */
int optee_supp_open(struct optee *optee, struct tee_context *ctx);
/** optee_supp_release() - the supplicant went: fail every request */
void optee_supp_release(struct optee_supp *supp);
/**
 * optee_supp_thrd_req() - ask the supplicant and wait for its answer
 * @param:	in and out; memref shm must stay valid for the call
 * Return: the supplicant's TEE result, or TEE_ERROR_COMMUNICATION (no
 * supplicant for an in-kernel client, supplicant gone, caller killed).
 */
uint32_t optee_supp_thrd_req(struct tee_context *ctx, uint32_t func,
			     size_t num_params, struct tee_param *param);
/** optee_supp_recv() - tee_supp_recv() of the driver (see tee_drv.h) */
int optee_supp_recv(struct tee_context *ctx, uint32_t *func,
		    uint32_t *num_params, struct tee_param *param);
/** optee_supp_send() - tee_supp_send() of the driver (see tee_drv.h) */
int optee_supp_send(struct tee_context *ctx, uint32_t ret, uint32_t num_params,
		    struct tee_param *param);
/**
 * optee_supp_server_register() - @ctx serves the SUPP_PLUGIN requests for
 * @uuid from now on, with tee_supp_recv/send on @ctx
 * Return: 0; -EBUSY when @uuid has a server or @ctx serves already, or
 * @ctx is the supplicant's; -ENOMEM.
 */
int optee_supp_server_register(struct tee_context *ctx, const uint8_t uuid[16]);
/** optee_supp_server_close() - @ctx stops serving: its requests fail */
void optee_supp_server_close(struct tee_context *ctx);
/**
 * optee_supp_plugin_req() - a request for the server of @uuid, or for the
 * supplicant when none is registered. Return: as optee_supp_thrd_req().
 */
uint32_t optee_supp_plugin_req(struct tee_context *ctx, const uint8_t uuid[16],
			       uint32_t func, size_t num_params,
			       struct tee_param *param);
/** optee_supp_servers_fini() - fail and free every server left */
void optee_supp_servers_fini(struct optee *optee);
/** optee_supp_get_info() - counters and the queue's state now */
void optee_supp_get_info(struct optee_supp *supp, struct optee_supp_info *si);

/* device.c */
int optee_enumerate_devices(struct optee *optee, uint32_t func);
void optee_unregister_devices(struct optee *optee);

/* shm_pool.c */
/**
 * optee_shm_pool_alloc_pages() - the dynamic pool: pages of normal-world
 * DRAM, one run per allocation. Return: 0, -ENOMEM.
 */
int optee_shm_pool_alloc_pages(struct smcsim_phys *phys,
			       struct tee_shm_pool **out);

#endif /* OPTEE_PRIVATE_H */
