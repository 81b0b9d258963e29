/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private state of the simulated secure world. Nothing outside
 * sim/secure_world includes this; tests use secure_world.h and sw_ta.h.
 *
 * Locking: sw->lock protects the thread table (states, reservations), the
 * RPC-argument cache and the notification state;
 * sw->shm_lock the registered-shm tree and the lent protected memory (one
 * lock, because each is checked against the other); sw->ta_lock the TA list and the
 * session tree; sw->wq_lock the secure mutexes and their wait queues. They
 * are never held together, and never across a world switch.
 * sw->notif_drv_lock serializes the notification drivers' callbacks (as
 * OP-TEE's notif_mutex does) and may be held while taking sw->lock. The
 * ENABLE_ASYNC_NOTIF fast call takes it too (OP-TEE's atomic path takes only
 * a spinlock): it waits at most for one yielding callback, which cannot
 * make RPCs and so never waits on the normal world.
 */
#ifndef SW_PRIVATE_H
#define SW_PRIVATE_H

#include <bitstring.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <smcsim/bsd_tree.h>

#include <smcsim/ctx.h>
#include <smcsim/optee_msg.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/trace.h>

/* The RPC argument OP-TEE asks for or expects: room for 4 params, 160 bytes. */
#define SW_RPC_ARG_SIZE \
	OPTEE_MSG_GET_ARG_SIZE(OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS)

/* Register block a handler works on in place, as OP-TEE's thread_smc_args. */
struct sw_args {
	unsigned long a[8];
};

/**
 * struct sw_shm - shared memory described by a page list
 * @link:	node in sw->shm_tree (registered shm only)
 * @cookie:	the normal world's name for it (0 for a temporary list)
 * @seq:	registration order (a cookie may be registered twice)
 * @pages:	physical address of each page, each checked non-secure
 * @npages:	entries in @pages
 * @offset:	offset of the first byte in the first page
 * @size:	bytes
 * @users:	calls using it now (under sw->shm_lock); non-zero refuses
 *		UNREGISTER_SHM with TEE_ERROR_BUSY. A deliberate difference:
 *		OP-TEE's UNREGISTER_SHM waits (a sleeping wait on its thread)
 *		until those calls are done, then releases it
 */
struct sw_shm {
	RB_ENTRY(sw_shm) link;
	uint64_t cookie;
	uint64_t seq;
	uint64_t *pages;
	size_t npages;
	size_t offset;
	size_t size;
	unsigned int users;
};
RB_HEAD(sw_shm_tree, sw_shm);

/**
 * struct sw_protmem - a range the normal world lent (LEND_PROTMEM)
 * @link:	in sw->protmem
 * @cookie:	the normal world's name for it
 * @pa:		first byte, page aligned
 * @size:	bytes, whole pages
 * @use_case:	OPTEE_MSG_PROTMEM_*
 * @users:	calls using it now (sw->shm_lock); non-zero refuses
 *		RECLAIM_PROTMEM with TEE_ERROR_BUSY
 */
struct sw_protmem {
	LIST_ENTRY(sw_protmem) link;
	uint64_t cookie;
	uint64_t pa;
	uint64_t size;
	uint32_t use_case;
	unsigned int users;
};
LIST_HEAD(sw_protmem_list, sw_protmem);

/**
 * struct sw_mem - a checked window on normal-world or protected memory
 * @shm:	page-list backed window (holds a user unless @owned or
 *		@borrowed), or NULL
 * @owned:	@shm is a temporary list freed with the window
 * @borrowed:	@shm is held by another window that outlives this one:
 *		no user of its own
 * @pm:		lent protected memory the window lies in (holds a user), or
 *		NULL
 * @prot:	the window is protected memory (static region or lent)
 * @va:		secure view of a contiguous window when @shm is NULL
 * @offs:	offset of the window in @shm
 * @size:	bytes in the window
 */
struct sw_mem {
	struct sw_shm *shm;
	bool owned;
	bool borrowed;
	struct sw_protmem *pm;
	bool prot;
	uint8_t *va;
	uint64_t offs;
	uint64_t size;
};

/**
 * struct sw_rpc_shm - memory the normal world gave with RPC SHM_ALLOC
 * @mem:	checked window on it
 * @cookie:	the normal world's name for it (shm_ref); params name it
 *		by this cookie, whatever form the answer took
 * @size:	bytes usable (what was asked for)
 * @type:	OPTEE_RPC_SHM_TYPE_* it was allocated as
 */
struct sw_rpc_shm {
	struct sw_mem mem;
	uint64_t cookie;
	uint64_t size;
	uint32_t type;
};

/**
 * struct sw_thread - one secure thread (OP-TEE's struct thread_ctx)
 * @sw:			its world
 * @id:			index, what a3 carries in an RPC
 * @state:		FREE, ACTIVE or SUSPENDED (sw->lock)
 * @reserved:		set aside for system invocations (proposal profile,
 *			sw->lock): ordinary yielding calls never take it
 * @rpc_arg_cookie:	RPC argument allocated by RPC ALLOC, kept between
 *			calls while the prealloc cache is on; 0 = none
 *			(written under sw->lock: DISABLE_SHM_CACHE reads it)
 * @rpc_arg_pa:		its physical address
 * @stack:		its stack, guard page below (allocated with the world)
 * @ctx:		where it runs or resumes: made afresh for each call,
 *			saved by an RPC
 *
 * The fields below belong to whoever has made the thread ACTIVE (the
 * caller that took or resumed it, or the destroyer); nobody else touches
 * them until it publishes FREE or SUSPENDED under sw->lock:
 * @caller:		the caller's context, on the stack of the OS thread
 *			that entered or resumed the thread
 * @regs:		registers of the entry or the resume on the way in,
 *			a0..a3 of the exit on the way out
 * @exit_state:		FREE (done) or SUSPENDED (in an RPC): what the
 *			caller publishes once the switch back is complete
 * @rpc_mem:		window on the RPC argument in use
 * @rpc_mem_valid:	@rpc_mem is set
 * @rpc_from_nw:	the normal world supplied it with the call (RPC CMD
 *			then carries cookie 0)
 * @aborting:		the world is being destroyed: the RPC the destroyer
 *			resumed and every later one fail at once
 * @msg_buf:		the secure copy of the call's message (at most a
 *			page: OPTEE_MSG_MAX_NUM_PARAMS), as OP-TEE's thread
 *			copies it before looking at it
 * @fs_shm:		the call's file-system RPC buffer (OP-TEE's per-thread
 *			shm cache for FS RPCs): application shm from RPC
 *			SHM_ALLOC, page-rounded, kept until the call ends
 */
struct sw_thread {
	struct smcsim_sw *sw;
	unsigned int id;
	enum smcsim_sw_thread_state state;
	bool reserved;
	uint64_t rpc_arg_cookie;
	uint64_t rpc_arg_pa;
	struct smcsim_stack stack;
	struct smcsim_ctx ctx;

	struct smcsim_ctx *caller;
	struct sw_args regs;
	enum smcsim_sw_thread_state exit_state;
	struct sw_mem rpc_mem;
	bool rpc_mem_valid;
	bool rpc_from_nw;
	bool aborting;
	uint64_t msg_buf[OPTEE_MSG_NONCONTIG_PAGE_SIZE / sizeof(uint64_t)];
	struct sw_rpc_shm fs_shm;
};

/**
 * struct sw_ta - a registered TA
 * @link:	in sw->tas
 * @desc:	copy of what was registered
 */
struct sw_ta {
	TAILQ_ENTRY(sw_ta) link;
	struct smcsim_ta_desc desc;
};
TAILQ_HEAD(sw_ta_list, sw_ta);

/**
 * struct sw_ta_program - TA entry points a TA file may name (sw_ta_load.c)
 * @link:	in sw->programs
 * @name:	what the file's header says
 * @ops:	the entry points
 */
struct sw_ta_program {
	TAILQ_ENTRY(sw_ta_program) link;
	char name[SMCSIM_TA_FILE_PROGRAM_LEN];
	const struct smcsim_ta_ops *ops;
};
TAILQ_HEAD(sw_ta_program_list, sw_ta_program);

/**
 * struct sw_session - an open TA session
 * @link:	in sw->sessions (while open)
 * @order:	in sw->session_order, from the start of its OPEN_SESSION
 *		until it is closed (or the open fails): OP-TEE's list of
 *		sessions opened from the normal world, in the order they
 *		were begun, which new ids are taken from
 * @id:		what the normal world calls it
 * @ta:		the TA
 * @ctx:	the TA's per-session pointer
 * @login:	the client's login method
 * @client:	the client's identity
 * @users:	calls running on it now (sw->ta_lock)
 * @dead:	the TA panicked; every call answers TARGET_DEAD
 * @closed:	CLOSE_SESSION removed it; freed when @users drops to 0
 * @cancel:	a CANCEL arrived for it
 */
struct sw_session {
	RB_ENTRY(sw_session) link;
	TAILQ_ENTRY(sw_session) order;
	uint32_t id;
	struct sw_ta *ta;
	void *ctx;
	uint32_t login;
	struct smcsim_uuid client;
	unsigned int users;
	bool dead;
	bool closed;
	atomic_bool cancel;
};
RB_HEAD(sw_session_tree, sw_session);
TAILQ_HEAD(sw_session_list, sw_session);

/*
 * What a TA callback gets: the session, the thread running the call (NULL
 * when the world is being destroyed), where a panic unwinds to, and which
 * memref parameters are protected memory (bit i for param i).
 */
struct smcsim_ta_sess {
	struct sw_session *sess;
	struct sw_thread *t;
	jmp_buf *jmp;
	uint32_t prot_mask;
};

/**
 * struct smcsim_sw - a simulated secure world
 * @cfg:		configuration it was created with
 * @sec_caps:		EXCHANGE_CAPABILITIES a1, derived from @cfg
 * @notif_value_max:	EXCHANGE_CAPABILITIES a2
 * @calls:		SMCs entered
 * @foreign_intr_pending: foreign interrupts to deliver at the next
 *			preemption points of any thread
 * @lock:		see the top of this file
 * @threads:		the secure threads, @cfg.num_threads of them
 * @prealloc_rpc_cache:	ENABLE_SHM_CACHE is in force
 * @notif_started:	ENABLE_ASYNC_NOTIF was called (and no STOP since)
 * @notif_pending:	async values posted and not yet fetched (0..63)
 * @notif_alloc:	async values handed out by smcsim_sw_notif_alloc_value()
 * @bh_requests:	built-in interrupt driver: requests not yet served
 * @bh_stats:		its record
 * @notif_irq:		the line posts raise (NULL without async notif)
 * @notif_drv_lock:	protects @notif_drivers; held across their callbacks
 * @notif_drivers:	registered smcsim_sw_notif_driver
 * @bh_drv:		the built-in interrupt driver
 * @wq_lock:		protects every struct smcsim_sw_mutex of the world
 * @ta_mutex:		the notification TA's shared mutex
 * @ta_counter:		what the notification TA's LOCK_INC counts (under
 *			@ta_mutex)
 * @shm_lock:		protects @shm_tree, @shm_count, @protmem and
 *			@protmem_count
 * @protmem:		lent protected memory (sw_protmem.c)
 * @protmem_count:	entries in @protmem
 * @ta_lock:		protects @tas, @sessions, @session_order
 * @loading:		UUIDs a thread is loading now (@ta_lock): another
 *			open of the same UUID waits for it (sw_ta.c)
 * @tadb_mutex:		OP-TEE's tadb_mutex: held while the secure-storage
 *			TA store looks for a TA (sw_ta_load.c)
 * @programs:		TA programs a loaded TA file may name (@ta_lock);
 *			never removed while the world lives
 * @rpmb:		the RPMB TA's client state (sw_ta_rpmb.c), set at
 *			init, freed at fini
 */
struct smcsim_sw {
	struct smcsim_sw_config cfg;
	uint32_t sec_caps;
	unsigned int notif_value_max;
	atomic_uint_fast64_t calls;
	atomic_uint foreign_intr_pending;

	struct rt_mutex lock;
	struct sw_thread *threads;
	bool prealloc_rpc_cache;
	bool notif_started;
	bitstr_t bit_decl(notif_pending, SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX + 1);
	bitstr_t bit_decl(notif_alloc, SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX + 1);
	uint64_t bh_requests;
	struct smcsim_sw_bh_stats bh_stats;
	struct smcsim_irq *notif_irq;

	struct rt_mutex notif_drv_lock;
	TAILQ_HEAD(, smcsim_sw_notif_driver) notif_drivers;
	struct smcsim_sw_notif_driver bh_drv;

	struct rt_mutex wq_lock;
	struct smcsim_sw_mutex *ta_mutex;
	uint32_t ta_counter;

	struct rt_mutex shm_lock;
	struct sw_shm_tree shm_tree;
	uint64_t shm_seq;
	unsigned int shm_count;
	struct sw_protmem_list protmem;
	unsigned int protmem_count;

	struct rt_mutex ta_lock;
	struct sw_ta_list tas;
	struct sw_session_tree sessions;
	struct sw_session_list session_order;
	LIST_HEAD(, sw_ta_loading) loading;
	struct smcsim_sw_mutex *tadb_mutex;
	unsigned int session_count;
	struct sw_ta_program_list programs;
	struct sw_rpmb *rpmb;
};

/* sw_entry_fast.c */
void sw_entry_fast(struct smcsim_sw *sw, struct sw_args *args);

/* sw_entry_std.c: the caller's side of a yielding call */
void sw_entry_std(struct smcsim_sw *sw, struct sw_args *args);
/* The proposal's RESERVE/UNRESERVE_SYS_THREAD (either encoding): no thread. */
void sw_reserve_sys_thread(struct smcsim_sw *sw, struct sw_args *args);
void sw_unreserve_sys_thread(struct smcsim_sw *sw, struct sw_args *args);

/* sw_thread.c: secure threads and the world switch */
/** sw_threads_init() - the threads' stacks; Return: 0, -ENOMEM */
int sw_threads_init(struct smcsim_sw *sw);
/** sw_threads_stop() - unwind every suspended call, then free the stacks */
void sw_threads_stop(struct smcsim_sw *sw);
/**
 * sw_thread_run() - enter @t (ACTIVE, taken by the caller) with @args:
 * a fresh call when @fresh, else a resume; run it on this OS thread until
 * it leaves the secure world, then publish its new state
 * @args:	in: the entry's or resume's registers; out: a0..a3 of the exit
 */
void sw_thread_run(struct sw_thread *t, struct sw_args *args, bool fresh);
/**
 * sw_thread_rpc() - leave the secure world with @a0..@a2 (a3 = thread id)
 * until RETURN_FROM_RPC resumes the thread, on whichever OS thread
 * @resume:	receives the normal world's registers
 * Return: false when the world is being destroyed instead.
 */
bool sw_thread_rpc(struct sw_thread *t, unsigned long a0, unsigned long a1,
		   unsigned long a2, struct sw_args *resume);
/** sw_thread_preempt_point() - deliver pending foreign interrupts */
void sw_thread_preempt_point(struct sw_thread *t);

/* sw_msg.c: what a secure thread does with a yielding call */
void sw_thread_std_call(struct sw_thread *t, struct sw_args *args);

/* sw_rpc.c */
uint32_t sw_rpc_cmd(struct sw_thread *t, uint32_t cmd,
		    struct optee_msg_param *params, uint32_t num_params);
/** sw_rpc_call_done() - end of a call: free or cache the RPC argument */
void sw_rpc_call_done(struct sw_thread *t);

/* sw_shm.c */
/* sw_mem_from_shm() size meaning "from the offset to the end" */
#define SW_MEM_TO_END	UINT64_MAX
uint32_t sw_shm_register(struct smcsim_sw *sw, uint64_t cookie,
			 uint64_t buf_ptr, uint64_t size);
uint32_t sw_shm_unregister(struct smcsim_sw *sw, uint64_t cookie);
void sw_shm_destroy_all(struct smcsim_sw *sw);
/** sw_shm_hits_range_locked() - a registered page overlaps the range; shm_lock held */
bool sw_shm_hits_range_locked(struct smcsim_sw *sw, uint64_t pa, uint64_t size);
int sw_mem_from_pa(struct smcsim_sw *sw, uint64_t pa, uint64_t size,
		   struct sw_mem *m);
int sw_mem_from_shm(struct smcsim_sw *sw, uint64_t cookie, uint64_t offs,
		    uint64_t size, struct sw_mem *m);
uint32_t sw_mem_from_pagelist(struct smcsim_sw *sw, uint64_t buf_ptr,
			      uint64_t size, struct sw_mem *m);
void sw_mem_release(struct smcsim_sw *sw, struct sw_mem *m);
int sw_mem_read(struct smcsim_sw *sw, const struct sw_mem *m, uint64_t off,
		void *dst, size_t len);
int sw_mem_write(struct smcsim_sw *sw, const struct sw_mem *m, uint64_t off,
		 const void *src, size_t len);

/* sw_protmem.c */
/**
 * sw_protmem_msg() - LEND_PROTMEM, RECLAIM_PROTMEM, GET_PROTMEM_CONFIG
 * Return: false when the command is none of those or the world has no
 * dynamic protected memory (the dispatcher then answers EBADCMD).
 */
bool sw_protmem_msg(struct sw_thread *t, struct optee_msg_arg *arg);
/** sw_protmem_destroy_all() - give every lent range back (world destroy) */
void sw_protmem_destroy_all(struct smcsim_sw *sw);
/** sw_protmem_overlaps_locked() - any lent byte in the range; shm_lock held */
bool sw_protmem_overlaps_locked(struct smcsim_sw *sw, uint64_t pa,
				uint64_t size);
/** sw_protmem_by_pa_locked() - the lent range holding all of [pa, +size) */
struct sw_protmem *sw_protmem_by_pa_locked(struct smcsim_sw *sw, uint64_t pa,
					   uint64_t size);
/**
 * sw_mem_from_protmem_pa() - a window on protected memory by address: the
 * static region (only with cfg.static_protmem) or a lent range (which then
 * holds a user until sw_mem_release())
 * Return: 0, -EFAULT when [@pa, +@size) is not all inside one of them.
 */
int sw_mem_from_protmem_pa(struct smcsim_sw *sw, uint64_t pa, uint64_t size,
			   struct sw_mem *m);
/**
 * sw_mem_from_protmem_cookie() - a window at @offs in the range lent as
 * @cookie (an RMEM memref naming lent memory); holds a user
 * Return: 0, -ENOENT for an unknown cookie, -EFAULT for a bad window.
 */
int sw_mem_from_protmem_cookie(struct smcsim_sw *sw, uint64_t cookie,
			       uint64_t offs, uint64_t size, struct sw_mem *m);

/* sw_ta.c */
int sw_ta_init(struct smcsim_sw *sw);
void sw_ta_fini(struct smcsim_sw *sw);
void sw_ta_open_session(struct sw_thread *t, struct optee_msg_arg *arg);
void sw_ta_invoke(struct sw_thread *t, struct optee_msg_arg *arg);
void sw_ta_close_session(struct sw_thread *t, struct optee_msg_arg *arg);
void sw_ta_cancel(struct sw_thread *t, struct optee_msg_arg *arg);
/**
 * sw_ta_list_devices() - UUIDs of the TAs flagged SMCSIM_TA_FLAG_DEVICE
 * @out:	receives up to @max of them (may be NULL with @max 0)
 * Return: how many there are.
 */
size_t sw_ta_list_devices(struct smcsim_sw *sw, struct smcsim_uuid *out,
			  size_t max);


/** sw_ta_lookup() - the registered TA with @uuid, or NULL */
struct sw_ta *sw_ta_lookup(struct smcsim_sw *sw, const struct smcsim_uuid *uuid);

/* sw_ta_load.c: TAs loaded through tee-supplicant, shm from the normal world */
/**
 * sw_ta_load_init() - the programs of the built-in TAs, and the storage TA
 * Return: 0, -ENOMEM. Called by sw_ta_init() after the built-in TAs.
 */
int sw_ta_load_init(struct smcsim_sw *sw);
/** sw_ta_load_fini() - free the programs (after the TAs) */
void sw_ta_load_fini(struct smcsim_sw *sw);
/**
 * sw_ta_load() - look for TA @uuid in OP-TEE's TA stores, in their order:
 * the secure-storage store (its TA database in the REE file system, FS
 * RPCs under the tadb mutex), then the REE store (RPC LOAD_TA through
 * tee-supplicant); verify the file and register the TA
 * @out:	the TA on success
 * Return: TEE result: what the store that answered answered (a file that
 * does not verify is TEE_ERROR_ITEM_NOT_FOUND).
 */
uint32_t sw_ta_load(struct sw_thread *t, const struct smcsim_uuid *uuid,
		    struct sw_ta **out);
/** sw_fs_shm_release() - end of a call: SHM_FREE the FS RPC buffer */
void sw_fs_shm_release(struct sw_thread *t);

/**
 * sw_rpc_shm_alloc() - RPC SHM_ALLOC of @size bytes of @type, the answer
 * checked (TMEM_OUTPUT, a cookie, at least @size bytes of non-secure
 * memory); a bad answer that named a cookie is given back with SHM_FREE.
 * Return: TEE result.
 */
uint32_t sw_rpc_shm_alloc(struct sw_thread *t, uint32_t type, size_t size,
			  struct sw_rpc_shm *out);
/** sw_rpc_shm_free() - release the window and RPC SHM_FREE it */
void sw_rpc_shm_free(struct sw_thread *t, struct sw_rpc_shm *shm);
/**
 * sw_rpc_shm_param() - an RPC memref on @shm: RMEM, by its cookie
 * @dir:	OPTEE_MSG_ATTR_TYPE_TMEM_INPUT / _OUTPUT / _INOUT: the
 *		direction; the param is the RMEM type of that direction
 */
void sw_rpc_shm_param(const struct sw_rpc_shm *shm, uint64_t dir,
		      uint64_t offs, uint64_t size, struct optee_msg_param *p);
/**
 * sw_rpc_fs_name() - RPC FS OPEN, CREATE (*@fd: the descriptor) or REMOVE
 * (@fd NULL) of the NUL-terminated name at @offs (@len bytes) in @shm
 * Return: TEE result.
 */
uint32_t sw_rpc_fs_name(struct sw_thread *t, uint32_t op,
			const struct sw_rpc_shm *shm, uint64_t offs,
			uint64_t len, uint64_t *fd);
/** sw_rpc_fs_close() - RPC FS CLOSE of the normal world's @fd */
uint32_t sw_rpc_fs_close(struct sw_thread *t, uint64_t fd);

/* sw_wq.c: the framework's own secure mutexes (not a TA's) */
/**
 * sw_mutex_lock_thread() - take @m on behalf of thread @t, waiting through
 * the normal world as OP-TEE does: a WAIT answered with TIMEOUT is simply
 * asked again (OP-TEE waits forever)
 * Return: TEE_SUCCESS with @m held; another error of the wait (or the
 * world being destroyed) with @m not held.
 */
uint32_t sw_mutex_lock_thread(struct sw_thread *t, struct smcsim_sw_mutex *m);
uint32_t sw_mutex_unlock_thread(struct sw_thread *t, struct smcsim_sw_mutex *m);

/* sw_ta_storage.c */
int sw_ta_storage_register(struct smcsim_sw *sw);

/* sw_ta_rpmb.c */
struct sw_rpmb;
/** sw_ta_rpmb_register() - the RPMB TA and its state; Return: 0, -errno */
int sw_ta_rpmb_register(struct smcsim_sw *sw);
/** sw_ta_rpmb_fini() - free the RPMB state (after the TAs) */
void sw_ta_rpmb_fini(struct smcsim_sw *sw);

/* sw_ta_builtin.c */
int sw_ta_register_builtins(struct smcsim_sw *sw);

/* sw_notif.c */
/**
 * sw_notif_get_value() - fetch the lowest pending async value
 * Return: the value (0 when none); *@valid and *@pending as the
 * GET_ASYNC_NOTIF_VALUE flags. Caller holds no lock.
 */
unsigned int sw_notif_get_value(struct smcsim_sw *sw, bool *valid,
				bool *pending);
/** sw_notif_start() - ENABLE_ASYNC_NOTIF; Return: false if already started */
bool sw_notif_start(struct smcsim_sw *sw);
/**
 * sw_notif_yielding_event() - message command DO_BOTTOM_HALF or
 * STOP_ASYNC_NOTIF on a secure thread: the drivers' yielding callbacks,
 * ignored while notifications are stopped; STOPPED also stops them.
 */
void sw_notif_yielding_event(struct smcsim_sw *sw,
			     enum smcsim_sw_notif_event ev);
/** sw_notif_init() - the line and the built-in driver; Return: 0, -ENOMEM */
int sw_notif_init(struct smcsim_sw *sw);
/** sw_notif_fini() - free the line (no handler may be attached) */
void sw_notif_fini(struct smcsim_sw *sw);
/** sw_notif_sync_value() - the value thread @tid waits on in a wait queue */
uint32_t sw_notif_sync_value(const struct smcsim_sw *sw, unsigned int tid);

/* sw_world.c */
void sw_log(const struct smcsim_sw *sw, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* [a, a + alen) and [b, b + blen) share a byte */
static inline bool sw_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
				     uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The low 32 bits of a register: OP-TEE's SMC ABI defines only those. */
static inline uint32_t sw_reg32(unsigned long v)
{
	return (uint32_t)v;
}

#endif /* SW_PRIVATE_H */
