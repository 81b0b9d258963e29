/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cases: the secure threads. The thread limit (every thread held in an
 * RPC: ETHREAD_LIMIT for a yielding call, EBUSY for the cache calls, fast
 * calls still answered), ERESUME, calls resumed in any order and the
 * secure lock two of them contend on, and the per-thread RPC-argument
 * cache (ENABLE/DISABLE_SHM_CACHE and its drain). Expected answers:
 * OP-TEE 4.10's thread.c and thread_optee_smc.c, and what real firmware
 * answered (docs/abi.md section 13).
 */
#include <string.h>

#include "conf_priv.h"

/* ---- the RPC-argument cache -------------------------------------------- */

/* At rest the cache is disabled and empty: enable, then disable: empty. */
static void cache_enable_disable_empty(struct conf *c)
{
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, conf_defer(c, conf_cache_drain, NULL, 0, 0));
	conf_fast(c, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	/* Enabling it again changes nothing. */
	conf_fast(c, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
}

/*
 * The cache holds only arguments the secure world asked for: a call that
 * supplies its RPC argument (CALL_WITH_RPC_ARG) leaves nothing cached.
 */
static void cache_empty_with_supplied_rpc_arg(struct conf *c)
{
	struct conf_nw *nw = conf_nw_new(c);
	struct conf_msg m;
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, nw);
	CONF_ASSERT_OK(c, conf_defer(c, conf_cache_drain, NULL, 0, 0));
	conf_fast(c, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_OK(c, conf_open_msg(c, &m, conf_uuid_missing_ta,
					OPTEE_MSG_LOGIN_PUBLIC, 0));
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, nw));
	CONF_ASSERT(c, nw->n >= 1, "no RPC");
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_ALLOC, -1), 0);
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
}

/*
 * With the cache enabled the lent RPC argument stays with the thread: no
 * FREE at the end, no new ALLOC for the next call on that thread, and
 * DISABLE_SHM_CACHE hands the cookie back once, then ENOTAVAIL.
 */
static void cache_keeps_rpc_arg(struct conf *c)
{
	struct conf_nw *nw, *nw2;
	struct conf_msg m, m2;
	struct arm_smccc_res r;
	uint64_t cookie;
	unsigned long a[8];

	nw = conf_nw_new(c);
	CONF_ASSERT_OK(c, nw);
	/* Registered after the normal world: the drain runs before the
	 * pages it lent are given back. */
	CONF_ASSERT_OK(c, conf_defer(c, conf_cache_drain, NULL, 0, 0));
	conf_fast(c, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);

	CONF_ASSERT_OK(c, conf_open_msg(c, &m, conf_uuid_missing_ta,
					OPTEE_MSG_LOGIN_PUBLIC, 0));
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, m.pa);
	CONF_ASSERT_OK(c, conf_call(c, nw, a, false, &r));
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_ALLOC, -1), 1);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_FREE, -1), 0);
	cookie = nw->rec[0].cookie;

	/* The same normal world serves the second call: the thread's RPC
	 * argument is the one it lent. */
	nw2 = nw;
	CONF_ASSERT_OK(c, conf_open_msg(c, &m2, conf_uuid_missing_ta,
					OPTEE_MSG_LOGIN_PUBLIC, 0));
	nw2->n = 0;
	conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, m2.pa);
	CONF_ASSERT_OK(c, conf_call(c, nw2, a, false, &r));
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, conf_nw_count(nw2, OPTEE_SMC_RPC_FUNC_ALLOC, -1), 0);
	CONF_ASSERT_EQ(c, conf_nw_count(nw2, OPTEE_SMC_RPC_FUNC_FREE, -1), 0);

	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, ((uint64_t)CONF_W(r.a1) << 32) | CONF_W(r.a2),
		       cookie);
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
}

/*
 * Each thread keeps its own RPC argument in the cache: two calls held at
 * once (threads 0 and 1) each ALLOC one; after both end, the drain hands
 * back both cookies, one per DISABLE_SHM_CACHE, then ENOTAVAIL.
 */
static void cache_drain_per_thread(struct conf *c)
{
	struct conf_nw *nw[2];
	struct conf_msg m[2];
	struct arm_smccc_res r;
	uint64_t got[2] = { 0, 0 }, want[2];
	unsigned int i;

	CONF_ASSERT(c, conf_thread_count(c) >= 2, "needs two threads");
	for (i = 0; i < 2; i++) {
		nw[i] = conf_nw_new(c);
		CONF_ASSERT_OK(c, nw[i]);
	}
	CONF_ASSERT_OK(c, conf_defer(c, conf_cache_drain, NULL, 0, 0));
	conf_fast(c, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	for (i = 0; i < 2; i++) {
		unsigned long a[8];

		CONF_ASSERT_OK(c, conf_open_msg(c, &m[i], conf_uuid_missing_ta,
						OPTEE_MSG_LOGIN_PUBLIC, 0));
		conf_std_regs(a, OPTEE_SMC_CALL_WITH_ARG, m[i].pa);
		CONF_ASSERT_OK(c, conf_call(c, nw[i], a, true, &r));
		CONF_ASSERT_EQ(c, optee_smc_return_rpc_func(r.a0),
			       OPTEE_SMC_RPC_FUNC_ALLOC);
	}
	CONF_ASSERT_OK(c, conf_resume_all(c, NULL));
	for (i = 0; i < 2; i++) {
		CONF_ASSERT_EQ(c, conf_nw_count(nw[i], OPTEE_SMC_RPC_FUNC_FREE,
						-1), 0);
		want[i] = nw[i]->rec[0].cookie;
	}
	for (i = 0; i < 2; i++) {
		conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
		CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
		got[i] = ((uint64_t)CONF_W(r.a1) << 32) | CONF_W(r.a2);
	}
	CONF_ASSERT(c, (got[0] == want[0] && got[1] == want[1]) ||
		    (got[0] == want[1] && got[1] == want[0]),
		    "drained 0x%llx 0x%llx, lent 0x%llx 0x%llx",
		    (unsigned long long)got[0], (unsigned long long)got[1],
		    (unsigned long long)want[0], (unsigned long long)want[1]);
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
}

/* ---- the thread limit and ERESUME -------------------------------------- */

/* Every thread held in an RPC: the next yielding call gets ETHREAD_LIMIT. */
static void thread_limit(struct conf *c)
{
	unsigned long tids[16];
	unsigned int n = conf_hold_all(c, tids), i, j;
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, n);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			CONF_ASSERT(c, tids[i] != tids[j],
				    "two calls on thread %lu", tids[i]);
	conf_fast(c, 0x32000014UL, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	{
		struct conf_msg m;

		CONF_ASSERT_OK(c, conf_msg_new(c, &m,
					       OPTEE_MSG_CMD_DO_BOTTOM_HALF,
					       0));
		CONF_ASSERT_EQ(c, conf_msg_call_a0(c, &m, NULL),
			       OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	}
}

/* Fast calls need no thread: they work with every thread held. */
static void thread_limit_fast_calls_work(struct conf *c)
{
	unsigned long tids[16];
	unsigned int n = conf_hold_all(c, tids);
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, n);
	conf_fast(c, OPTEE_SMC_GET_THREAD_COUNT, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, CONF_W(r.a1), n);
	conf_fast(c, OPTEE_SMC_CALLS_UID, 0, 0, 0, &r);
	CONF_ASSERT_EQ(c, CONF_W(r.a0), OPTEE_MSG_UID_0);
}

/* The cache cannot change while a thread is not free: EBUSY both ways. */
static void thread_limit_shm_cache_ebusy(struct conf *c)
{
	unsigned long tids[16];
	unsigned int n = conf_hold_all(c, tids);
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, n);
	conf_fast(c, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBUSY);
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBUSY);
}

/* One held call is enough for EBUSY. */
static void cache_ebusy_with_one_call_held(struct conf *c)
{
	struct conf_nw *nw;
	struct conf_msg m;
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, conf_start_missing(c, &nw, &m, true, &r));
	CONF_ASSERT(c, optee_smc_return_is_rpc(r.a0), "a0 0x%x", CONF_W(r.a0));
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBUSY);
	CONF_ASSERT_OK(c, conf_resume(c, nw, 0, &r));
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
}

/*
 * Held calls resume in any order, each on its own thread. Opening a TA
 * takes a secure lock: the call resumed first may have to wait for it
 * (RPC NOTIFICATION WAIT on 64 + its thread id) until the call that holds
 * it is run and releases it (NOTIFICATION SEND), as on real OP-TEE.
 */
static void thread_resume_out_of_order(struct conf *c)
{
	unsigned long tids[16];
	unsigned int n = conf_hold_all(c, tids), i, held = 0;
	struct conf_nw *last = NULL;
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, n);
	for (i = 0; i < CONF_MAX_NW_CASE; i++) {
		struct conf_nw *nw = conf_case_nw(c, i);

		if (nw && nw->held) {
			last = nw;
			held++;
		}
	}
	CONF_ASSERT_EQ(c, held, n);
	CONF_ASSERT_OK(c, conf_resume_all(c, last));
	for (i = 0; i < CONF_MAX_NW_CASE; i++) {
		struct conf_nw *nw = conf_case_nw(c, i);

		if (!nw)
			continue;
		CONF_ASSERT(c, !nw->held, "call %u still held", i);
		CONF_ASSERT(c, CONF_W(nw->last.a0) == OPTEE_SMC_RETURN_OK,
			    "call %u: a0 0x%x", i, CONF_W(nw->last.a0));
	}
	/* Every thread is free again: a yielding call gets one. */
	conf_fast(c, 0x32000014UL, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_EBADCMD);
}

/*
 * Two opens of a TA that is not there, both suspended in their first RPC:
 * the TA lookup is serialised by a secure mutex. Resumed second-first, the
 * second waits (NOTIFICATION WAIT on 64 + its thread id, the synchronous
 * range) until the first, run on, releases the lock with a SEND of that
 * same key; then both end.
 */
static void thread_opens_contend_on_secure_lock(struct conf *c)
{
	struct conf_nw *nw[2];
	struct conf_msg m[2];
	struct arm_smccc_res r;
	unsigned long tid[2];
	unsigned int i, waits = 0, sends = 0;

	CONF_ASSERT(c, conf_thread_count(c) >= 2, "needs two threads");
	for (i = 0; i < 2; i++) {
		CONF_ASSERT_OK(c, conf_start_missing(c, &nw[i], &m[i], true,
						     &r));
		CONF_ASSERT(c, optee_smc_return_is_rpc(r.a0), "a0 0x%x",
			    CONF_W(r.a0));
		tid[i] = CONF_W(r.a3);
	}
	CONF_ASSERT_OK(c, conf_resume_all(c, nw[1]));
	for (i = 0; i < 2; i++) {
		CONF_ASSERT_A0(c, nw[i]->last, OPTEE_SMC_RETURN_OK);
		CONF_ASSERT(c, m[i].arg->ret != TEE_SUCCESS &&
			    !m[i].arg->session,
			    "call %u: ret 0x%x session %u", i, m[i].arg->ret,
			    m[i].arg->session);
	}
	for (i = 0; i < nw[1]->n && i < CONF_RPC_LOG; i++) {
		const struct conf_rpc_rec *k = &nw[1]->rec[i];

		if (k->func == OPTEE_SMC_RPC_FUNC_CMD &&
		    k->cmd == OPTEE_RPC_CMD_NOTIFICATION &&
		    k->v[0] == OPTEE_RPC_NOTIFICATION_WAIT) {
			CONF_ASSERT_EQ(c, k->v[1], 64 + tid[1]);
			waits++;
		}
	}
	for (i = 0; i < nw[0]->n && i < CONF_RPC_LOG; i++) {
		const struct conf_rpc_rec *k = &nw[0]->rec[i];

		if (k->func == OPTEE_SMC_RPC_FUNC_CMD &&
		    k->cmd == OPTEE_RPC_CMD_NOTIFICATION &&
		    k->v[0] == OPTEE_RPC_NOTIFICATION_SEND) {
			CONF_ASSERT_EQ(c, k->v[1], 64 + tid[1]);
			sends++;
		}
	}
	conf_note(c, "second call: %u wait(s); first call: %u send(s)", waits,
		  sends);
	CONF_ASSERT(c, waits >= 1, "the second call never waited for the lock");
	CONF_ASSERT(c, sends >= 1, "the first call never woke it");
}

static void thread_eresume_bad_id(struct conf *c)
{
	unsigned int n = conf_thread_count(c);
	const unsigned long ids[] = { n, n + 1, 7 >= n ? 7 : n, 0xFFFFUL,
				      0xFFFFFFFFUL };
	unsigned int i;

	CONF_ASSERT_OK(c, n);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const unsigned long a[8] = { OPTEE_SMC_CALL_RETURN_FROM_RPC, 0,
					     0, ids[i], 0, 0, 0, 0 };
		struct arm_smccc_res r;

		conf_smc(c, a, &r);
		CONF_ASSERT(c, CONF_W(r.a0) == OPTEE_SMC_RETURN_ERESUME,
			    "thread id 0x%lx: a0 0x%x", ids[i], CONF_W(r.a0));
	}
}

/* RETURN_FROM_RPC to a thread that is free: ERESUME, nothing taken. */
static void thread_eresume_free_thread(struct conf *c)
{
	unsigned int n = conf_thread_count(c), i;
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, n);
	for (i = 0; i < n; i++) {
		const unsigned long a[8] = { OPTEE_SMC_CALL_RETURN_FROM_RPC, 0,
					     0, i, 0, 0, 0, 0 };

		conf_smc(c, a, &r);
		CONF_ASSERT(c, CONF_W(r.a0) == OPTEE_SMC_RETURN_ERESUME,
			    "thread %u: a0 0x%x", i, CONF_W(r.a0));
	}
	/* No thread was consumed: the cache still reports "all free". */
	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
}

/* With a call held, resuming the threads that are not suspended fails. */
static void thread_eresume_other_thread(struct conf *c)
{
	struct conf_nw *nw;
	struct conf_msg m;
	struct arm_smccc_res r;
	unsigned int n = conf_thread_count(c), i;
	unsigned long held;

	CONF_ASSERT_OK(c, n);
	CONF_ASSERT_OK(c, conf_start_missing(c, &nw, &m, true, &r));
	CONF_ASSERT(c, optee_smc_return_is_rpc(r.a0), "a0 0x%x", CONF_W(r.a0));
	held = CONF_W(r.a3);
	for (i = 0; i < n; i++) {
		const unsigned long a[8] = { OPTEE_SMC_CALL_RETURN_FROM_RPC, 0,
					     0, i, 0, 0, 0, 0 };

		if (i == held)
			continue;
		conf_smc(c, a, &r);
		CONF_ASSERT(c, CONF_W(r.a0) == OPTEE_SMC_RETURN_ERESUME,
			    "thread %u: a0 0x%x", i, CONF_W(r.a0));
	}
	CONF_ASSERT_OK(c, conf_resume(c, nw, 0, &r));
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
}

const struct conf_case conf_cases_thread[] = {
	{ "cache_enable_disable_empty", cache_enable_disable_empty },
	{ "cache_empty_with_supplied_rpc_arg",
	  cache_empty_with_supplied_rpc_arg },
	{ "cache_keeps_rpc_arg", cache_keeps_rpc_arg },
	{ "cache_drain_per_thread", cache_drain_per_thread },
	{ "thread_limit", thread_limit },
	{ "thread_limit_fast_calls_work", thread_limit_fast_calls_work },
	{ "thread_limit_shm_cache_ebusy", thread_limit_shm_cache_ebusy },
	{ "cache_ebusy_with_one_call_held", cache_ebusy_with_one_call_held },
	{ "thread_resume_out_of_order", thread_resume_out_of_order },
	{ "thread_opens_contend_on_secure_lock",
	  thread_opens_contend_on_secure_lock },
	{ "thread_eresume_bad_id", thread_eresume_bad_id },
	{ "thread_eresume_free_thread", thread_eresume_free_thread },
	{ "thread_eresume_other_thread", thread_eresume_other_thread },
	{ NULL, NULL },
};
