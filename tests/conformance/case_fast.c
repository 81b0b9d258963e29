/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cases: fast calls and capabilities at the invoke hook, and the monitor's
 * routing by SMCCC owner. Expected answers come from OP-TEE 4.10's
 * entry_fast.c and optee_smc.h, TF-A's opteed and runtime service table,
 * and what real firmware answered (docs/abi.md section 13). Values that
 * belong to a firmware build (thread count, capabilities, build id) are
 * read from the firmware first.
 */
#include <string.h>

#include "conf_priv.h"

#define PAT1	0x11111111UL
#define PAT2	0x22222222UL
#define PAT3	0x33333333UL

static void fast_calls_count(struct conf *c)
{
	struct arm_smccc_res r;
	uint32_t caps = conf_sec_caps(c, NULL, NULL);
	uint32_t want = OPTEE_SMC_CALLS_COUNT_VALUE;

	CONF_ASSERT_OK(c, !conf_failed(c));
	/* OP-TEE counts two more calls when built for virtualization. */
	if (caps & OPTEE_SMC_SEC_CAP_VIRTUALIZATION)
		want += 2;
	conf_fast(c, OPTEE_SMC_CALLS_COUNT, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, want);
}

static void fast_calls_uid(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_CALLS_UID, 0, 0, 0, &r);
	CONF_ASSERT_A0_A3(c, r, OPTEE_MSG_UID_0, OPTEE_MSG_UID_1,
			  OPTEE_MSG_UID_2, OPTEE_MSG_UID_3);
}

static void fast_calls_revision(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_CALLS_REVISION, 0, 0, 0, &r);
	CONF_ASSERT_EQ(c, CONF_W(r.a0), OPTEE_MSG_REVISION_MAJOR);
	CONF_ASSERT_EQ(c, CONF_W(r.a1), OPTEE_MSG_REVISION_MINOR);
}

static void fast_os_uuid(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_CALL_GET_OS_UUID, 0, 0, 0, &r);
	CONF_ASSERT_A0_A3(c, r, OPTEE_MSG_OS_OPTEE_UUID_0,
			  OPTEE_MSG_OS_OPTEE_UUID_1, OPTEE_MSG_OS_OPTEE_UUID_2,
			  OPTEE_MSG_OS_OPTEE_UUID_3);
}

/*
 * GET_OS_REVISION: major/minor in a0/a1, the build id in a2 (on aarch64
 * all of x2), a3 untouched. The build id is the firmware's: read twice, it
 * must not change.
 */
static void fast_os_revision(struct conf *c)
{
	const unsigned long a[8] = { OPTEE_SMC_CALL_GET_OS_REVISION, PAT1,
				     PAT2, PAT3, 0, 0, 0, 0 };
	struct arm_smccc_res r, r2;

	conf_smc(c, a, &r);
	conf_smc(c, a, &r2);
	conf_note(c, "OS revision %u.%u build id 0x%llx", CONF_W(r.a0),
		  CONF_W(r.a1),
		  (unsigned long long)r.a2);
	CONF_ASSERT(c, CONF_W(r.a0) >= 4, "major %u: not an OP-TEE 4.x",
		    CONF_W(r.a0));
	CONF_ASSERT_EQ(c, r2.a0, r.a0);
	CONF_ASSERT_EQ(c, r2.a1, r.a1);
	CONF_ASSERT_EQ(c, r2.a2, r.a2);
	CONF_ASSERT(c, r.a2 != PAT2, "a2 was not written (no build id)");
	CONF_ASSERT_EQ(c, CONF_W(r.a3), PAT3);
}

/* A fast call leaves the output registers it does not set as they came. */
static void fast_regs_preserved(struct conf *c)
{
	const unsigned long a[8] = { OPTEE_SMC_GET_THREAD_COUNT, PAT1, PAT2,
				     PAT3, 0x44444444UL, 0x55555555UL,
				     0x66666666UL, 0 };
	struct arm_smccc_res r;

	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT(c, CONF_W(r.a1) >= 1 && CONF_W(r.a1) != PAT1,
		    "thread count %u", CONF_W(r.a1));
	CONF_ASSERT_EQ(c, CONF_W(r.a2), PAT2);
	CONF_ASSERT_EQ(c, CONF_W(r.a3), PAT3);
}

/*
 * Each of the @n fast calls @ids, with PAT1..PAT3 in a1..a3, is answered
 * UNKNOWN_FUNCTION with a1..a3 as passed.
 */
static void fast_ids_unknown(struct conf *c, const unsigned long *ids,
			     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const unsigned long a[8] = { ids[i], PAT1, PAT2, PAT3,
					     0, 0, 0, 0 };
		struct arm_smccc_res r;

		conf_smc(c, a, &r);
		CONF_ASSERT(c,
			    CONF_W(r.a0) == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
			    "0x%lx: a0 0x%x", ids[i], CONF_W(r.a0));
		CONF_ASSERT(c, CONF_W(r.a1) == PAT1 && CONF_W(r.a2) == PAT2 &&
			    CONF_W(r.a3) == PAT3,
			    "0x%lx: a1..a3 0x%x 0x%x 0x%x not preserved",
			    ids[i], CONF_W(r.a1), CONF_W(r.a2), CONF_W(r.a3));
	}
}

static void fast_unknown_function(struct conf *c)
{
	static const unsigned long ids[] = {
		0xB2000002UL,	/* owner 50, func 2: no such call */
		0xB2000015UL,	/* proposal's RESERVE_SYS_THREAD */
		0xB2000016UL,	/* and UNRESERVE_SYS_THREAD */
		0xB20000FFUL,
		0xBF00FF02UL,	/* owner 63, between UID and REVISION */
	};

	fast_ids_unknown(c, ids, sizeof(ids) / sizeof(ids[0]));
}

static void fast_thread_count(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_GET_THREAD_COUNT, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT(c, CONF_W(r.a1) >= 1 && CONF_W(r.a1) <= 4096,
		    "thread count %u", CONF_W(r.a1));
	conf_note(c, "threads %u", CONF_W(r.a1));
}

static void fast_shm_config(struct conf *c)
{
	uint64_t base, size;
	struct arm_smccc_res r;
	uint32_t caps = conf_sec_caps(c, NULL, NULL);

	CONF_ASSERT_OK(c, !conf_failed(c));
	CONF_ASSERT(c, caps & OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM,
		    "no HAVE_RESERVED_SHM in caps 0x%x", caps);
	conf_fast(c, OPTEE_SMC_GET_SHM_CONFIG, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	base = CONF_W(r.a1);
	size = CONF_W(r.a2);
	conf_note(c, "reserved shm 0x%llx + 0x%llx", (unsigned long long)base,
		  (unsigned long long)size);
	CONF_ASSERT_EQ(c, CONF_W(r.a3), OPTEE_SMC_SHM_CACHED);
	CONF_ASSERT(c, size && !(base & 4095) && !(size & 4095),
		    "region 0x%llx + 0x%llx", (unsigned long long)base,
		    (unsigned long long)size);
	/* The memory map agrees: the region is normal-world memory. */
	CONF_ASSERT(c, conf_map(c, base, (size_t)size) != NULL,
		    "the map does not give the normal world 0x%llx + 0x%llx",
		    (unsigned long long)base, (unsigned long long)size);
}

/*
 * EXCHANGE_CAPABILITIES with no normal-world bit: OK; OP-TEE always sets
 * MEMREF_NULL and RPC_ARG with a3 = 4 RPC params; with ASYNC_NOTIF a2 is
 * the highest notification value, 64 + the thread count.
 */
static void fast_caps_exchange(struct conf *c)
{
	struct arm_smccc_res r;
	unsigned int threads = conf_thread_count(c);

	CONF_ASSERT_OK(c, threads);
	conf_fast(c, OPTEE_SMC_EXCHANGE_CAPABILITIES, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	conf_note(c, "caps 0x%x a2 %u a3 %u", CONF_W(r.a1), CONF_W(r.a2),
		  CONF_W(r.a3));
	CONF_ASSERT(c, CONF_W(r.a1) & OPTEE_SMC_SEC_CAP_MEMREF_NULL,
		    "no MEMREF_NULL: 0x%x", CONF_W(r.a1));
	CONF_ASSERT(c, CONF_W(r.a1) & OPTEE_SMC_SEC_CAP_RPC_ARG,
		    "no RPC_ARG: 0x%x", CONF_W(r.a1));
	CONF_ASSERT(c, CONF_W(r.a1) & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM,
		    "no DYNAMIC_SHM: 0x%x", CONF_W(r.a1));
	CONF_ASSERT_EQ(c, CONF_W(r.a3), OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS);
	if (CONF_W(r.a1) & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF)
		CONF_ASSERT_EQ(c, CONF_W(r.a2), 64 + threads);
}

/* The UNIPROCESSOR bit is the one normal-world bit OP-TEE accepts. */
static void fast_caps_uniprocessor(struct conf *c)
{
	struct arm_smccc_res r0, r1;

	conf_fast(c, OPTEE_SMC_EXCHANGE_CAPABILITIES, 0, 0, 0, &r0);
	conf_fast(c, OPTEE_SMC_EXCHANGE_CAPABILITIES,
		  OPTEE_SMC_NSEC_CAP_UNIPROCESSOR, 0, 0, &r1);
	CONF_ASSERT_A0(c, r1, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, CONF_W(r1.a1), CONF_W(r0.a1));
	CONF_ASSERT_EQ(c, CONF_W(r1.a2), CONF_W(r0.a2));
	CONF_ASSERT_EQ(c, CONF_W(r1.a3), CONF_W(r0.a3));
}

/* An unknown normal-world bit: ENOTAVAIL, and a1 is not filled. */
static void fast_caps_unknown_nsec_bit(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_EXCHANGE_CAPABILITIES, 2, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
	CONF_ASSERT_EQ(c, CONF_W(r.a1), 2);
}

/* L2CC_MUTEX exists for arm32 only: an aarch64 OP-TEE does not know it. */
static void fast_l2cc_mutex_unknown(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_L2CC_MUTEX, OPTEE_SMC_L2CC_MUTEX_GET_ADDR, 0, 0,
		  &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
}

/*
 * A build without @cap in its sec_caps has no call @fid (nor @fid2, if
 * not 0): UNKNOWN_FUNCTION, a1 = @a1. @what: the firmware that has @cap.
 */
static void fast_unknown_without_cap(struct conf *c, uint32_t cap,
				     const char *what, unsigned long fid,
				     unsigned long fid2, unsigned long a1)
{
	struct arm_smccc_res r;
	uint32_t caps = conf_sec_caps(c, NULL, NULL);

	CONF_ASSERT_OK(c, !conf_failed(c));
	CONF_ASSERT(c, !(caps & cap), "the firmware %s: caps 0x%x", what, caps);
	conf_fast(c, fid, a1, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	if (!fid2)
		return;
	conf_fast(c, fid2, a1, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
}

/* VM_CREATED/VM_DESTROYED exist only in a virtualization build. */
static void fast_vm_calls_without_virtualization(struct conf *c)
{
	fast_unknown_without_cap(c, OPTEE_SMC_SEC_CAP_VIRTUALIZATION,
				 "is a virtualization build",
				 OPTEE_SMC_VM_CREATED, OPTEE_SMC_VM_DESTROYED, 1);
}

/* GET_PROTMEM_CONFIG is a call only of a static-protmem (SDP) build. */
static void fast_protmem_config_without_protmem(struct conf *c)
{
	fast_unknown_without_cap(c, OPTEE_SMC_SEC_CAP_PROTMEM,
				 "has static protmem",
				 OPTEE_SMC_GET_PROTMEM_CONFIG, 0, 0);
}

/* BOOT_SECONDARY without CFG_BOOT_SECONDARY_REQUEST: ENOTAVAIL, a1 as given. */
static void fast_boot_secondary_not_available(struct conf *c)
{
	struct arm_smccc_res r;

	conf_fast(c, OPTEE_SMC_BOOT_SECONDARY, 9, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_ENOTAVAIL);
	CONF_ASSERT_EQ(c, CONF_W(r.a1), 9);
}

/*
 * OP-TEE's calls are SMC32: the SMC64 form of a fast call is unknown to it
 * (its own UNKNOWN_FUNCTION), as are fast forms of the yielding calls.
 */
static void fast_smc64_and_std_ids_unknown(struct conf *c)
{
	static const unsigned long ids[] = {
		0xF2000001UL,	/* GET_OS_REVISION, SMC64 */
		0xFF00FF01UL,	/* CALLS_UID, SMC64 */
		0xB2000003UL,	/* RETURN_FROM_RPC as a fast call */
		0xB2000004UL,	/* CALL_WITH_ARG as a fast call */
		0xBE00FF01UL,	/* owner 62 (the dispatcher's own range) */
	};

	fast_ids_unknown(c, ids, sizeof(ids) / sizeof(ids[0]));
}

/* The SVE hint (bit 16) is ignored: the call is answered as without it. */
static void fast_sve_hint_ignored(struct conf *c)
{
	struct arm_smccc_res r, h;

	conf_fast(c, OPTEE_SMC_CALL_GET_OS_REVISION, 0, 0, 0, &r);
	conf_fast(c, OPTEE_SMC_CALL_GET_OS_REVISION | ARM_SMCCC_SVE_HINT, 0, 0,
		  0, &h);
	CONF_ASSERT_EQ(c, h.a0, r.a0);
	CONF_ASSERT_EQ(c, h.a1, r.a1);
	CONF_ASSERT_EQ(c, h.a2, r.a2);
}

/* ---- monitor routing ---------------------------------------------------- */

/*
 * TF-A routes by owner: a call no runtime service registered for is
 * answered SMC_UNK by the monitor, and OP-TEE never sees it. To show that
 * a yielding SiP call does not even take a secure thread, every thread is
 * held in an RPC first: had OP-TEE been entered it would answer
 * ETHREAD_LIMIT.
 */
static void route_non_tos_owner(struct conf *c, bool threads_held)
{
	static const unsigned long ids[] = {
		0x02000000UL,	/* SiP, yielding */
		0x82000000UL,	/* SiP, fast */
		0x83000010UL,	/* OEM, fast */
		0x30000000UL,	/* Trusted Application, yielding */
		0xB0000000UL,	/* Trusted Application, fast */
	};
	unsigned int i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const unsigned long a[8] = { ids[i], PAT1, 0, 0, 0, 0, 0, 0 };
		struct arm_smccc_res r;

		conf_smc(c, a, &r);
		CONF_ASSERT(c,
			    CONF_W(r.a0) == OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
			    "0x%lx%s: a0 0x%x", ids[i],
			    threads_held ? " (threads held)" : "",
			    CONF_W(r.a0));
	}
}

static void route_sip_owner_unknown(struct conf *c)
{
	route_non_tos_owner(c, false);
}

static void route_sip_owner_takes_no_thread(struct conf *c)
{
	unsigned long tids[16];

	CONF_ASSERT_OK(c, conf_hold_all(c, tids));
	route_non_tos_owner(c, true);
}

/*
 * The two "unknown" answers differ in width on a 64-bit machine: the
 * monitor's SMC_UNK is -1 in all of x0, OP-TEE's UNKNOWN_FUNCTION is
 * 0xFFFFFFFF in w0 with the upper half clear. (On a 32-bit normal world
 * both are the same register value.)
 */
static void route_unknown_widths(struct conf *c)
{
	const unsigned long sip[8] = { 0x82000000UL, 0, 0, 0, 0, 0, 0, 0 };
	const unsigned long tos[8] = { 0xB20000FFUL, 0, 0, 0, 0, 0, 0, 0 };
	struct arm_smccc_res r;

	conf_smc(c, sip, &r);
	CONF_ASSERT_EQ(c, r.a0, ~0UL);
	conf_smc(c, tos, &r);
	CONF_ASSERT_EQ(c, r.a0, 0xFFFFFFFFUL);
}

/*
 * A fast call with reserved bits 23:17 set is refused by the monitor
 * (SMC_UNK), even for an owner OP-TEE serves; x1..x3 as given.
 */
static void route_fast_reserved_bits(struct conf *c)
{
	const unsigned long a[8] = { OPTEE_SMC_CALL_GET_OS_REVISION | 0x20000UL,
				     PAT1, PAT2, PAT3, 0, 0, 0, 0 };
	struct arm_smccc_res r;

	conf_smc(c, a, &r);
	CONF_ASSERT_A0_A3(c, r, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, PAT1, PAT2,
			  PAT3);
}

/*
 * Yielding calls of the Trusted OS owners 50..63 all reach OP-TEE, which
 * takes a thread and refuses what it does not know with EBADCMD: owner 62,
 * an unknown function, the SMC64 form of CALL_WITH_ARG.
 */
static void route_tos_yielding_ebadcmd(struct conf *c)
{
	static const unsigned long ids[] = { 0x3E000004UL, 0x32000099UL,
					     0x72000004UL, 0x3F000000UL };
	unsigned int i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const unsigned long a[8] = { ids[i], PAT1, PAT2, PAT3,
					     0, 0, 0, 0 };
		struct arm_smccc_res r;

		conf_smc(c, a, &r);
		CONF_ASSERT(c, CONF_W(r.a0) == OPTEE_SMC_RETURN_EBADCMD,
			    "0x%lx: a0 0x%x", ids[i], CONF_W(r.a0));
	}
}

/* ---- asynchronous notification, polled ---------------------------------- */

static bool notif_supported(struct conf *c)
{
	uint32_t caps = conf_sec_caps(c, NULL, NULL);

	if (conf_failed(c))
		return false;
	if (!(caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF))
		return conf_fail(c, __FILE__, __LINE__,
				 "no ASYNC_NOTIF in caps 0x%x", caps);
	return true;
}

/* Nothing pending: a1 = 0 and a2 = 0 (neither VALID nor PENDING). */
static void notif_value_none_pending(struct conf *c)
{
	const unsigned long a[8] = { OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, PAT1,
				     PAT2, PAT3, 0, 0, 0, 0 };
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, notif_supported(c));
	conf_smc(c, a, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, CONF_W(r.a1), 0);
	CONF_ASSERT_EQ(c, CONF_W(r.a2), 0);
	CONF_ASSERT_EQ(c, CONF_W(r.a3), PAT3);
}

static void notif_stop(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	struct conf_msg m;

	(void)p;
	(void)a;
	(void)b;
	if (!conf_msg_new(c, &m, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF, 0))
		return;
	if (conf_msg_call(c, &m, NULL) && m.arg->ret != TEE_SUCCESS)
		conf_fail(c, __FILE__, __LINE__,
			  "cleanup: STOP_ASYNC_NOTIF ret 0x%x", m.arg->ret);
}

/*
 * ENABLE_ASYNC_NOTIF answers OK, again OK when started already; values
 * are then still polled empty. The case stops notifications again
 * (message STOP_ASYNC_NOTIF) as the driver does at remove.
 */
static void notif_enable_then_poll(struct conf *c)
{
	struct arm_smccc_res r;

	CONF_ASSERT_OK(c, notif_supported(c));
	CONF_ASSERT_OK(c, conf_defer(c, notif_stop, NULL, 0, 0));
	conf_fast(c, OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	conf_fast(c, OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	conf_fast(c, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, 0, 0, 0, &r);
	CONF_ASSERT_A0(c, r, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, CONF_W(r.a2) & OPTEE_SMC_ASYNC_NOTIF_VALID, 0);
}

const struct conf_case conf_cases_fast[] = {
	{ "fast_calls_count", fast_calls_count },
	{ "fast_calls_uid", fast_calls_uid },
	{ "fast_calls_revision", fast_calls_revision },
	{ "fast_os_uuid", fast_os_uuid },
	{ "fast_os_revision", fast_os_revision },
	{ "fast_regs_preserved", fast_regs_preserved },
	{ "fast_unknown_function", fast_unknown_function },
	{ "fast_thread_count", fast_thread_count },
	{ "fast_shm_config", fast_shm_config },
	{ "fast_caps_exchange", fast_caps_exchange },
	{ "fast_caps_uniprocessor", fast_caps_uniprocessor },
	{ "fast_caps_unknown_nsec_bit", fast_caps_unknown_nsec_bit },
	{ "fast_l2cc_mutex_unknown", fast_l2cc_mutex_unknown },
	{ "fast_vm_calls_without_virtualization",
	  fast_vm_calls_without_virtualization },
	{ "fast_protmem_config_without_protmem",
	  fast_protmem_config_without_protmem },
	{ "fast_boot_secondary_not_available",
	  fast_boot_secondary_not_available },
	{ "fast_smc64_and_std_ids_unknown", fast_smc64_and_std_ids_unknown },
	{ "fast_sve_hint_ignored", fast_sve_hint_ignored },
	{ "route_sip_owner_unknown", route_sip_owner_unknown },
	{ "route_unknown_widths", route_unknown_widths },
	{ "route_fast_reserved_bits", route_fast_reserved_bits },
	{ "route_tos_yielding_ebadcmd", route_tos_yielding_ebadcmd },
	{ "route_sip_owner_takes_no_thread", route_sip_owner_takes_no_thread },
	{ "notif_value_none_pending", notif_value_none_pending },
	{ "notif_enable_then_poll", notif_enable_then_poll },
	{ NULL, NULL },
};
