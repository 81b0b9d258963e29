/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conformance suite's insides: the case table, the assertion macros,
 * per-case cleanup, and the helpers cases share to drive a secure world by
 * hand (fast calls, yielding calls and the RPCs they make, messages in
 * pages of the target's memory map). Only stdio/string/stdlib/stdint and
 * the project's headers: it builds with picolibc for bare metal.
 *
 * A case is a function that states one behaviour and checks it. An
 * assertion that fails records file, line and why, and returns from the
 * case; the runner then runs the case's cleanups (last registered first),
 * so the secure world is left as the case found it: calls held in an RPC
 * are run to their end, sessions closed, shared memory unregistered, the
 * RPC-argument cache drained, pages given back.
 */
#ifndef SMCSIM_CONF_PRIV_H
#define SMCSIM_CONF_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_pta.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/tee_error.h>

#include "conf.h"

struct conf;

/**
 * struct conf_case - one entry of the case table
 * @name:	<area>_<behaviour>; the filter matches substrings of it
 * @fn:		the case
 */
struct conf_case {
	const char *name;
	void (*fn)(struct conf *c);
};

/* Each area file exports its table, ended by an entry with a NULL name. */
extern const struct conf_case conf_cases_fast[];
extern const struct conf_case conf_cases_std[];
extern const struct conf_case conf_cases_thread[];
extern const struct conf_case conf_cases_pta[];
extern const struct conf_case conf_cases_shm[];
extern const struct conf_case conf_cases_drv[];

/* ---- failures -------------------------------------------------------- */

/**
 * conf_fail() - record that the case failed (the first failure is kept)
 * Return: false, so helpers can `return conf_fail(...)`.
 */
bool conf_fail(struct conf *c, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/** conf_failed() - the case has failed already */
bool conf_failed(const struct conf *c);
/** conf_note() - a "# ..." diagnostic line under the case's result */
void conf_note(struct conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* @cond must hold; else the printf-style message is recorded. */
#define CONF_ASSERT(c, cond, ...)					\
	do {								\
		if (!(cond)) {						\
			conf_fail((c), __FILE__, __LINE__, __VA_ARGS__);\
			return;						\
		}							\
	} while (0)

/* Two integers must be equal; both are printed. */
#define CONF_ASSERT_EQ(c, got, want)					\
	CONF_ASSERT_EQ_NAMED_(c, got, want, #got, #want)

/* CONF_ASSERT_EQ() whose message names the two as @got_s and @want_s. */
#define CONF_ASSERT_EQ_NAMED_(c, got, want, got_s, want_s)		\
	do {								\
		unsigned long long got_ = (unsigned long long)(got);	\
		unsigned long long want_ = (unsigned long long)(want);	\
		if (got_ != want_) {					\
			conf_fail((c), __FILE__, __LINE__,		\
				  "%s is 0x%llx, expected %s = 0x%llx",	\
				  got_s, got_, want_s, want_);		\
			return;						\
		}							\
	} while (0)

/*
 * A helper that returned false (or 0, or NULL) has recorded why: end the
 * case. Should nothing be recorded, the expression itself is the failure,
 * so a case never ends early as a pass.
 */
#define CONF_ASSERT_OK(c, expr)						\
	do {								\
		if (!(expr)) {						\
			conf_fail((c), __FILE__, __LINE__,		\
				  "%s is false", #expr);		\
			return;						\
		}							\
	} while (0)

/* The 32 bits an SMC32 call defines in a register. */
#define CONF_W(x)	((uint32_t)(x))

/* a0 must be @want (compared as 32 bits). */
#define CONF_ASSERT_A0(c, res, want)					\
	CONF_ASSERT_EQ(c, CONF_W((res).a0), (want))

/* a0..a3 must be @w0..@w3 (each compared as 32 bits). */
#define CONF_ASSERT_A0_A3(c, res, w0, w1, w2, w3)			\
	do {								\
		CONF_ASSERT_EQ_NAMED_(c, CONF_W((res).a0), (w0),	\
				      #res ".a0", #w0);			\
		CONF_ASSERT_EQ_NAMED_(c, CONF_W((res).a1), (w1),	\
				      #res ".a1", #w1);			\
		CONF_ASSERT_EQ_NAMED_(c, CONF_W((res).a2), (w2),	\
				      #res ".a2", #w2);			\
		CONF_ASSERT_EQ_NAMED_(c, CONF_W((res).a3), (w3),	\
				      #res ".a3", #w3);			\
	} while (0)

/* A message's answer must be @ret_ from @origin (TEEC_ORIGIN_*). */
#define CONF_ASSERT_RET(c, arg, ret_, origin)				\
	do {								\
		CONF_ASSERT_EQ_NAMED_(c, (arg)->ret, (ret_),		\
				      #arg "->ret", #ret_);		\
		CONF_ASSERT_EQ_NAMED_(c, (arg)->ret_origin, (origin),	\
				      #arg "->ret_origin", #origin);	\
	} while (0)

/* ---- cleanups ---------------------------------------------------------- */

typedef void (*conf_cleanup_fn)(struct conf *c, void *p, uint64_t a,
				uint64_t b);
/**
 * conf_defer() - run @fn(c, p, a, b) when the case ends, pass or fail,
 * after the cleanups registered later than it
 * Return: true, or false (recorded) when too many are registered.
 */
bool conf_defer(struct conf *c, conf_cleanup_fn fn, void *p, uint64_t a,
		uint64_t b);

/**
 * conf_run_cleanups() - finish held calls and run the cleanups now, as at
 * the end of the case (for cases that look at the state after them)
 */
void conf_run_cleanups(struct conf *c);

/* ---- the conduit and memory ------------------------------------------- */

const struct conf_target *conf_target(const struct conf *c);

/** conf_smc() - one SMC with a0..a7 */
void conf_smc(struct conf *c, const unsigned long a[8],
	      struct arm_smccc_res *res);
/** conf_fast() - one SMC with a0..a3, a4..a7 = 0 */
void conf_fast(struct conf *c, unsigned long a0, unsigned long a1,
	       unsigned long a2, unsigned long a3, struct arm_smccc_res *res);

/**
 * conf_pages() - @n contiguous pages of normal-world DRAM, zeroed, freed
 * when the case ends
 * Return: the normal world's pointer and *@pa, or NULL (recorded).
 */
void *conf_pages(struct conf *c, size_t n, uint64_t *pa);
/** conf_map() - the normal world's pointer to [@pa, @pa + @len), or NULL */
void *conf_map(struct conf *c, uint64_t pa, size_t len);
/**
 * conf_secure_base() - the first byte of the target's secure memory
 * Return: false (recorded) when its memory map has no secure region.
 */
bool conf_secure_base(struct conf *c, uint64_t *base);

/* ---- facts read from the firmware ------------------------------------- */

/** conf_thread_count() - GET_THREAD_COUNT's a1 (records a failure: 0) */
unsigned int conf_thread_count(struct conf *c);
/** conf_sec_caps() - EXCHANGE_CAPABILITIES(0): a1, and a2/a3 if not NULL */
uint32_t conf_sec_caps(struct conf *c, uint32_t *a2, uint32_t *a3);
/**
 * conf_shm_config() - GET_SHM_CONFIG's region
 * Return: false (recorded) when it is not answered OK.
 */
bool conf_shm_config(struct conf *c, uint64_t *base, uint64_t *size);

/* ---- yielding calls and their RPCs ------------------------------------- */

#define CONF_RPC_LOG	48	/* RPCs a call records */
#define CONF_ALLOCS	24	/* buffers lent at once */

/**
 * struct conf_rpc_rec - one RPC as the normal world saw it
 * @func:	OPTEE_SMC_RPC_FUNC_*
 * @a1, @a2, @a3: the registers that came with it
 * @cmd:	CMD: the RPC command (OPTEE_RPC_CMD_*)
 * @num_params:	CMD: the argument's num_params
 * @attr0:	CMD: params[0].attr
 * @v:		CMD: params[0].u.value a, b, c
 * @cookie:	ALLOC: the cookie answered; FREE/CMD: the one named
 * @ret:	CMD: what the normal world answered
 */
struct conf_rpc_rec {
	uint32_t func;
	unsigned long a1, a2, a3;
	uint32_t cmd;
	uint32_t num_params;
	uint64_t attr0;
	uint64_t v[3];
	uint64_t cookie;
	uint32_t ret;
};

/**
 * struct conf_alloc - memory the normal world lent the secure world
 * @cookie:	what the secure world knows it by (the PA here), 0 = unused
 * @pa:		first byte
 * @va:		normal world's pointer
 * @pages:	pages taken
 * @rpc_alloc:	lent by an RPC ALLOC (else by RPC CMD SHM_ALLOC)
 */
struct conf_alloc {
	uint64_t cookie;
	uint64_t pa;
	void *va;
	size_t pages;
	bool rpc_alloc;
};

/**
 * struct conf_nw - the normal world's side of RPCs, and what it saw
 * @alloc_fail:	answer RPC ALLOC with no memory (PA 0)
 * @appl_ret:	RPC CMD SHM_ALLOC of APPL memory (tee-supplicant's): 0 =
 *		lend it, else answer this (Linux with no supplicant gives
 *		TEE_ERROR_OUT_OF_MEMORY)
 * @supp_ret:	RPC CMDs served by tee-supplicant (LOAD_TA, FS, RPMB,
 *		...): answered with this (0 = TEE_ERROR_COMMUNICATION, what
 *		Linux answers when no supplicant is attached)
 * @rpc_arg:	the RPC argument the normal world supplied with the call
 *		(CALL_WITH_RPC_ARG / REGD_ARG), used for CMD with cookie 0
 * @held:	a call left suspended in an RPC (@last), to be finished
 * @blocked:	held on a NOTIFICATION WAIT for @wait_key that no SEND
 *		has answered yet (a secure mutex another call holds)
 * @wait_key:	that key
 * @last:	the last answer of the secure world
 * @n:		RPCs seen (may exceed CONF_RPC_LOG)
 * @rec:	the first CONF_RPC_LOG of them
 * @allocs:	memory lent now
 */
struct conf_nw {
	bool alloc_fail;
	uint32_t appl_ret;
	uint32_t supp_ret;
	struct optee_msg_arg *rpc_arg;
	bool held;
	bool blocked;
	uint32_t wait_key;
	struct arm_smccc_res last;
	unsigned int n;
	struct conf_rpc_rec rec[CONF_RPC_LOG];
	struct conf_alloc allocs[CONF_ALLOCS];
};

/**
 * conf_nw_new() - a normal world for one or more yielding calls, zeroed,
 * owned by the case: a call still held in an RPC when the case ends is
 * run to its end then, and what it lent is given back
 */
struct conf_nw *conf_nw_new(struct conf *c);

/* Normal worlds a case may have at once. */
#define CONF_MAX_NW_CASE	8

/** conf_case_nw() - the case's @i-th normal world (creation order), or NULL */
struct conf_nw *conf_case_nw(struct conf *c, unsigned int i);

/**
 * conf_call() - a yielding call, with every RPC answered by @nw
 * @a:		a0..a7 of the first SMC
 * @hold:	stop at the first RPC instead (the call stays suspended,
 *		@nw->held; finish it with conf_resume())
 * @res:	the last answer: done, an error, or (with @hold) the RPC
 * Return: false (recorded) if the call did not end within a bound of RPCs.
 */
bool conf_call(struct conf *c, struct conf_nw *nw, const unsigned long a[8],
	       bool hold, struct arm_smccc_res *res);
/**
 * conf_resume() - answer the RPC in @nw->last and go on until the call ends
 * (@steps = 0) or @steps more RPCs were answered (it is then held again)
 */
bool conf_resume(struct conf *c, struct conf_nw *nw, unsigned int steps,
		 struct arm_smccc_res *res);
/**
 * conf_resume_all() - finish every call of the case still held, as a
 * normal world with a thread per call would: a call that waits for a
 * notification (RPC NOTIFICATION WAIT, a secure mutex another held call
 * owns) is set aside until a SEND of that key, and the others run
 * @first:	the call to run first (NULL: in creation order)
 * Return: false (recorded) when they all wait (deadlock) or one fails.
 */
bool conf_resume_all(struct conf *c, struct conf_nw *first);
/** conf_nw_count() - RPCs of @func (and, for CMD, of @cmd; -1 = any) seen */
unsigned int conf_nw_count(const struct conf_nw *nw, uint32_t func, int cmd);
/** conf_nw_dump() - the RPCs seen, as "# ..." notes */
void conf_nw_dump(struct conf *c, const struct conf_nw *nw);

/* ---- messages ---------------------------------------------------------- */

/**
 * struct conf_msg - an optee_msg_arg in its own page, with room for an RPC
 * argument of 4 params behind it
 * @arg:	the normal world's view
 * @pa:		its physical address
 * @rpc_arg:	the RPC argument right after the message
 * @rpc_pa:	its physical address
 */
struct conf_msg {
	struct optee_msg_arg *arg;
	uint64_t pa;
	struct optee_msg_arg *rpc_arg;
	uint64_t rpc_pa;
};

/** conf_msg_new() - a zeroed message of @cmd with @num_params, page aligned */
bool conf_msg_new(struct conf *c, struct conf_msg *m, uint32_t cmd,
		  uint32_t num_params);
/**
 * conf_msg_call() - issue @m with CALL_WITH_RPC_ARG (the RPC argument
 * behind it, so no RPC ALLOC), answering RPCs with @nw (NULL: a fresh one)
 * Return: false (recorded) if a0 is not OK.
 */
bool conf_msg_call(struct conf *c, struct conf_msg *m, struct conf_nw *nw);
/** conf_msg_call_a0() - the same, any a0 allowed: it is returned */
unsigned long conf_msg_call_a0(struct conf *c, struct conf_msg *m,
			       struct conf_nw *nw);

/* ---- sessions at the message level ------------------------------------- */

extern const uint8_t conf_uuid_device_pta[16];
extern const uint8_t conf_uuid_invoke_tests_pta[16];
/* A UUID no firmware has (random, version 4). */
extern const uint8_t conf_uuid_missing_ta[16];


/** conf_open_msg() - fill @m as OPEN_SESSION to @uuid with @login */
bool conf_open_msg(struct conf *c, struct conf_msg *m, const uint8_t *uuid,
		   uint32_t login, uint32_t extra_params);
/**
 * conf_open() - open a session (CALL_WITH_RPC_ARG); a session opened is
 * closed when the case ends
 * @ret, @origin: may be NULL
 * Return: the session id (0 if none), failures recorded for a0 != OK.
 */
uint32_t conf_open(struct conf *c, const uint8_t *uuid, uint32_t login,
		   uint32_t *ret, uint32_t *origin);
/** conf_close() - close @session now; Return: the TEE ret */
uint32_t conf_close(struct conf *c, uint32_t session, uint32_t *origin);
/** conf_track_session() - close @session when the case ends, if still open */
void conf_track_session(struct conf *c, uint32_t session);
/**
 * conf_open_kept() - conf_open() whose session the case closes itself;
 * Return: the session id
 */
uint32_t conf_open_kept(struct conf *c, const uint8_t *uuid, uint32_t login,
			uint32_t *ret, uint32_t *origin);

/* ---- calls that make RPCs ----------------------------------------------- */

/** conf_std_regs() - a0..a7 of a yielding call @fid passing @pa (a1:a2) */
void conf_std_regs(unsigned long a[8], unsigned long fid, uint64_t pa);
/**
 * conf_start_missing() - open the missing TA with CALL_WITH_ARG (no RPC
 * argument: the first RPC is ALLOC) on a normal world of its own
 * @hold:	stop at the first RPC (see conf_call())
 */
bool conf_start_missing(struct conf *c, struct conf_nw **nw,
			struct conf_msg *m, bool hold, struct arm_smccc_res *r);
/**
 * conf_hold_all() - hold every secure thread in the first RPC of a call
 * @tids:	receives the thread id each call was given (a3)
 * Return: the thread count, 0 (recorded) on failure.
 */
unsigned int conf_hold_all(struct conf *c, unsigned long tids[16]);
/**
 * conf_cache_drain() - a cleanup: DISABLE_SHM_CACHE until ENOTAVAIL (the
 * cache at rest: disabled and empty); register it after the normal world
 * that lent the cached arguments, so it runs first
 */
void conf_cache_drain(struct conf *c, void *p, uint64_t a, uint64_t b);

/* ---- the driver -------------------------------------------------------- */

struct optee;
struct tee_device;
struct tee_context;

/**
 * conf_probe() - optee_probe() on the target (upstream profile), removed
 * when the case ends
 * Return: the driver, or NULL (recorded).
 */
struct optee *conf_probe(struct conf *c);
/** conf_probe_with() - the same through @invoke (a wrapper of the target's) */
struct optee *conf_probe_with(struct conf *c, struct smcsim_invoke invoke);
/** conf_ctx_open() - a client context on @optee, closed when the case ends */
struct tee_context *conf_ctx_open(struct conf *c, struct optee *optee);

#endif /* SMCSIM_CONF_PRIV_H */
