/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private state of the simulated secure world. Nothing outside
 * sim/secure_world includes this; tests use secure_world.h.
 */
#ifndef SW_PRIVATE_H
#define SW_PRIVATE_H

#include <bitstring.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <smcsim/rt.h>
#include <smcsim/secure_world.h>

/**
 * struct sw_thread - one secure thread (OP-TEE's struct thread_ctx)
 * @state:		FREE, ACTIVE or SUSPENDED
 * @rpc_arg_cookie:	normal-world cookie of the RPC argument this thread
 *			keeps while the prealloc cache is on; 0 = none
 */
struct sw_thread {
	enum smcsim_sw_thread_state state;
	uint64_t rpc_arg_cookie;
};

/* Register block a handler works on in place, as OP-TEE's thread_smc_args. */
struct sw_args {
	unsigned long a[8];
};

/**
 * struct smcsim_sw - a simulated secure world
 * @cfg:		configuration it was created with
 * @sec_caps:		EXCHANGE_CAPABILITIES a1, derived from @cfg
 * @notif_value_max:	EXCHANGE_CAPABILITIES a2
 * @calls:		SMCs entered
 * @lock:		protects @threads, @prealloc_rpc_cache,
 *			@notif_started and @notif_pending
 * @threads:		the secure threads, @cfg.num_threads of them
 * @prealloc_rpc_cache:	ENABLE_SHM_CACHE is in force
 * @notif_started:	ENABLE_ASYNC_NOTIF was called (and no STOP since)
 * @notif_pending:	async values posted and not yet fetched (0..63)
 */
struct smcsim_sw {
	struct smcsim_sw_config cfg;
	uint32_t sec_caps;
	unsigned int notif_value_max;
	atomic_uint_fast64_t calls;

	struct rt_mutex lock;
	struct sw_thread *threads;
	bool prealloc_rpc_cache;
	bool notif_started;
	bitstr_t bit_decl(notif_pending, SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX + 1);
};

/* sw_entry_fast.c */
void sw_entry_fast(struct smcsim_sw *sw, struct sw_args *args);

/* sw_entry_std.c */
void sw_entry_std(struct smcsim_sw *sw, struct sw_args *args);

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

/* sw_world.c */
void sw_log(const struct smcsim_sw *sw, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The low 32 bits of a register: OP-TEE's SMC ABI defines only those. */
static inline uint32_t sw_reg32(unsigned long v)
{
	return (uint32_t)v;
}

#endif /* SW_PRIVATE_H */
