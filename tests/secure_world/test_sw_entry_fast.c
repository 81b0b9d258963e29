// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fast calls of the simulated secure world, in both ABI profiles, checked
 * register by register against docs/abi.md (sections 2-5, 9 and 13). Every
 * call is made with a1..a7 holding a distinctive pattern (a_i = 0x11111111 * i)
 * so that a register the call does not define must come back as the caller's
 * input, as real OP-TEE 4.10 does. Besides the answer table this file covers
 * the configuration knobs that change answers, the async-notification value
 * queue, malformed function IDs, smcsim_sw_create()'s refusals, the
 * introspection API and independence of several worlds in one process.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* The caller's registers: a_i = 0x11111111 * i, so each one is recognisable. */
#define REG_PATTERN(i) (0x11111111UL * (unsigned long)(i))

/* Which of a0..a3 a call defines; the others must keep the caller's input. */
#define SETS_A0		(1U << 0)
#define SETS_A1		(1U << 1)
#define SETS_A2		(1U << 2)
#define SETS_A3		(1U << 3)
#define SETS_A0_A1	(SETS_A0 | SETS_A1)
#define SETS_A0_TO_A2	(SETS_A0 | SETS_A1 | SETS_A2)
#define SETS_ALL	(SETS_A0 | SETS_A1 | SETS_A2 | SETS_A3)

/* What the default configuration (OP-TEE 4.10 on QEMU v8) answers. */
#define QEMU_SEC_CAPS		0xF5UL	/* bits 0, 2, 4, 5, 6, 7 */
#define QEMU_NOTIF_VALUE_MAX	0x42UL	/* 64 + 2 threads */
#define QEMU_RPC_PARAMS		4UL

#define UNKNOWN_FN		OPTEE_SMC_RETURN_UNKNOWN_FUNCTION
/* TF-A's own SMC_UNK: -1 in all of a0 (OP-TEE's answer sets only W0). */
#define MONITOR_UNK		((unsigned long)-1L)

/**
 * struct fx - one profile's fixture
 * @profile:	the ABI profile every test of the group runs in
 * @phys:	the default memory map, shared by the group
 * @phys_noshm:	a map without reserved shm or protmem, made by tests that
 *		need one and freed by the test teardown
 * @cfg:	the configuration @sw was (last) created with
 * @sw:		the world under test, fresh for every test
 * @sw2:	a second world for tests that need two
 */
struct fx {
	enum smcsim_abi_profile profile;
	struct smcsim_phys *phys;
	struct smcsim_phys *phys_noshm;
	struct smcsim_sw_config cfg;
	struct smcsim_sw *sw;
	struct smcsim_sw *sw2;
};

static struct fx fx_proposal = { .profile = SMCSIM_ABI_PROPOSAL };
static struct fx fx_upstream = { .profile = SMCSIM_ABI_UPSTREAM };

/* ---- fixtures ---------------------------------------------------------- */

static int group_setup(void **state, struct fx *fx)
{
	struct smcsim_phys_config pcfg;

	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &fx->phys))
		return -1;
	*state = fx;
	return 0;
}

static int group_setup_proposal(void **state)
{
	return group_setup(state, &fx_proposal);
}

static int group_setup_upstream(void **state)
{
	return group_setup(state, &fx_upstream);
}

static int group_teardown(void **state)
{
	struct fx *fx = *state;

	smcsim_phys_destroy(fx->phys);
	fx->phys = NULL;
	return 0;
}

static int test_setup(void **state)
{
	struct fx *fx = *state;

	smcsim_sw_config_default(&fx->cfg, fx->profile, fx->phys);
	fx->sw = NULL;
	fx->sw2 = NULL;
	fx->phys_noshm = NULL;
	return smcsim_sw_create(&fx->cfg, &fx->sw) ? -1 : 0;
}

static int test_teardown(void **state)
{
	struct fx *fx = *state;

	smcsim_sw_destroy(fx->sw);
	smcsim_sw_destroy(fx->sw2);
	fx->sw = NULL;
	fx->sw2 = NULL;
	if (fx->phys_noshm)
		smcsim_phys_destroy(fx->phys_noshm);
	fx->phys_noshm = NULL;
	return 0;
}

/* Replace the world under test by one built from fx->cfg. */
static void fx_recreate(struct fx *fx)
{
	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	assert_int_equal(smcsim_sw_create(&fx->cfg, &fx->sw), 0);
	assert_non_null(fx->sw);
}

/* ---- helpers ----------------------------------------------------------- */

static void regs_init(unsigned long a[8], unsigned long a0)
{
	unsigned int i;

	a[0] = a0;
	for (i = 1; i < 8; i++)
		a[i] = REG_PATTERN(i);
}

/* One SMC; the caller's block (a4..a7 included) must not be written. */
static void smc(struct smcsim_sw *sw, const unsigned long a[8],
		struct arm_smccc_res *res)
{
	unsigned long before[8];

	memcpy(before, a, sizeof(before));
	memset(res, 0x5A, sizeof(*res));
	smcsim_sw_smc(sw, a, res);
	assert_memory_equal(before, a, sizeof(before));
}

/*
 * Compare a0..a3 with what is expected: @exp[i] for the registers in @sets,
 * the caller's input for the others. Every mismatch is reported with @what.
 * Return: true when all four match.
 */
static bool regs_match(const char *what, const unsigned long in[8],
		       unsigned int sets, const unsigned long exp[4],
		       const struct arm_smccc_res *res)
{
	const unsigned long got[4] = { res->a0, res->a1, res->a2, res->a3 };
	bool bad = false;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		bool set = sets & (1U << i);
		unsigned long want = set ? exp[i] : in[i];

		if (got[i] != want) {
			print_error("%s: a%u = %#lx, expected %#lx (%s)\n",
				    what, i, got[i], want,
				    set ? "set by the call" : "caller's input");
			bad = true;
		}
	}
	return !bad;
}

static void check_regs(const char *what, const unsigned long in[8],
		       unsigned int sets, const unsigned long exp[4],
		       const struct arm_smccc_res *res)
{
	if (!regs_match(what, in, sets, exp, res))
		fail();
}

/* Call and check in one go. */
static void expect(struct smcsim_sw *sw, const char *what,
		   const unsigned long a[8], unsigned int sets,
		   unsigned long e0, unsigned long e1, unsigned long e2,
		   unsigned long e3)
{
	const unsigned long exp[4] = { e0, e1, e2, e3 };
	struct arm_smccc_res res;

	smc(sw, a, &res);
	check_regs(what, a, sets, exp, &res);
}

/* ---- the answer table -------------------------------------------------- */

/**
 * struct fast_row - one fast call and its full answer
 * @name:	printed when the row fails
 * @a0:		function ID (a full unsigned long: upper bits may be set)
 * @in_mask:	bits 1..7: registers taken from @in instead of the pattern
 * @in:		those inputs
 * @sets:	registers the call defines (SETS_*)
 * @out:	their expected values
 * @a2_build_id: @out[2] is the configured build id
 * @only:	the one profile the row applies to, when @only_set
 * @only_set:	the row is profile-specific
 */
struct fast_row {
	const char *name;
	unsigned long a0;
	unsigned int in_mask;
	unsigned long in[8];
	unsigned int sets;
	unsigned long out[4];
	bool a2_build_id;
	enum smcsim_abi_profile only;
	bool only_set;
};

static bool row_applies(const struct fx *fx, const struct fast_row *row)
{
	return !row->only_set || row->only == fx->profile;
}

#define IN(i)	(1U << (i))

#define ROW_UNKNOWN(nm, fid) \
	{ .name = (nm), .a0 = (fid), .sets = SETS_A0, .out = { UNKNOWN_FN } }
/* Answered by the monitor, OP-TEE never sees it. */
#define ROW_MONITOR_UNK(nm, fid) \
	{ .name = (nm), .a0 = (fid), .sets = SETS_A0, .out = { MONITOR_UNK } }

/*
 * Answers of the default configuration, identical in both profiles unless a
 * row names its profile (docs/design.md section 4: only bit 7's meaning and the
 * proposal's 20/21/22 differ, and the default sets bit 7 in both).
 */
static const struct fast_row fast_rows[] = {
	/* owner 63: generic API queries */
	{ .name = "CALLS_COUNT", .a0 = 0xBF00FF00UL, .sets = SETS_A0,
	  .out = { 12 } },
	{ .name = "CALLS_UID", .a0 = 0xBF00FF01UL, .sets = SETS_ALL,
	  .out = { 0x384fb3e0UL, 0xe7f811e3UL, 0xaf630002UL, 0xa5d5c51bUL } },
	{ .name = "CALLS_REVISION", .a0 = 0xBF00FF03UL, .sets = SETS_A0_A1,
	  .out = { 2, 0 } },
	/* owner 50 */
	{ .name = "GET_OS_UUID", .a0 = 0xB2000000UL, .sets = SETS_ALL,
	  .out = { 0x486178e0UL, 0xe7f811e3UL, 0xbc5e0002UL, 0xa5d5c51bUL } },
	{ .name = "GET_OS_REVISION", .a0 = 0xB2000001UL, .sets = SETS_A0_TO_A2,
	  .out = { 4, 10 }, .a2_build_id = true },
	{ .name = "GET_SHM_CONFIG", .a0 = 0xB2000007UL, .sets = SETS_ALL,
	  .out = { OPTEE_SMC_RETURN_OK, 0x42000000UL, 0x200000UL, 1 } },
	ROW_UNKNOWN("L2CC_MUTEX (ARM32 only)", 0xB2000008UL),
	{ .name = "L2CC_MUTEX GET_ADDR (ARM32 only)", .a0 = 0xB2000008UL,
	  .in_mask = IN(1), .in = { [1] = 0 },
	  .sets = SETS_A0, .out = { UNKNOWN_FN } },
	{ .name = "EXCHANGE_CAPABILITIES a1=0", .a0 = 0xB2000009UL,
	  .in_mask = IN(1), .in = { [1] = 0 }, .sets = SETS_ALL,
	  .out = { OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, QEMU_NOTIF_VALUE_MAX,
		   QEMU_RPC_PARAMS } },
	{ .name = "EXCHANGE_CAPABILITIES a1=UNIPROCESSOR", .a0 = 0xB2000009UL,
	  .in_mask = IN(1), .in = { [1] = 1 }, .sets = SETS_ALL,
	  .out = { OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, QEMU_NOTIF_VALUE_MAX,
		   QEMU_RPC_PARAMS } },
	{ .name = "EXCHANGE_CAPABILITIES a1=2 refused", .a0 = 0xB2000009UL,
	  .in_mask = IN(1), .in = { [1] = 2 },
	  .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_ENOTAVAIL } },
	{ .name = "EXCHANGE_CAPABILITIES a1=0x80000000 refused",
	  .a0 = 0xB2000009UL, .in_mask = IN(1), .in = { [1] = 0x80000000UL },
	  .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_ENOTAVAIL } },
	{ .name = "EXCHANGE_CAPABILITIES a1=0x11111111 refused",
	  .a0 = 0xB2000009UL,
	  .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_ENOTAVAIL } },
	{ .name = "DISABLE_SHM_CACHE, cache empty", .a0 = 0xB200000AUL,
	  .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_ENOTAVAIL } },
	{ .name = "ENABLE_SHM_CACHE", .a0 = 0xB200000BUL,
	  .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_OK } },
	{ .name = "BOOT_SECONDARY", .a0 = 0xB200000CUL,
	  .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_ENOTAVAIL } },
	ROW_UNKNOWN("VM_CREATED", 0xB200000DUL),
	ROW_UNKNOWN("VM_DESTROYED", 0xB200000EUL),
	{ .name = "VM_CREATED a7=0", .a0 = 0xB200000DUL,
	  .in_mask = IN(7), .in = { [7] = 0 },
	  .sets = SETS_A0, .out = { UNKNOWN_FN } },
	{ .name = "VM_DESTROYED a7=0", .a0 = 0xB200000EUL,
	  .in_mask = IN(7), .in = { [7] = 0 },
	  .sets = SETS_A0, .out = { UNKNOWN_FN } },
	{ .name = "GET_THREAD_COUNT", .a0 = 0xB200000FUL, .sets = SETS_A0_A1,
	  .out = { OPTEE_SMC_RETURN_OK, 2 } },
	{ .name = "ENABLE_ASYNC_NOTIF", .a0 = 0xB2000010UL,
	  .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_OK } },
	{ .name = "GET_ASYNC_NOTIF_VALUE, none pending", .a0 = 0xB2000011UL,
	  .sets = SETS_A0_TO_A2, .out = { OPTEE_SMC_RETURN_OK, 0, 0 } },
	ROW_UNKNOWN("GET_PROTMEM_CONFIG without static protmem", 0xB2000014UL),
	{ .name = "GET_PROTMEM_CONFIG without static protmem, a2..a6=0",
	  .a0 = 0xB2000014UL,
	  .in_mask = IN(2) | IN(3) | IN(4) | IN(5) | IN(6),
	  .sets = SETS_A0, .out = { UNKNOWN_FN } },

	/* Malformed or unassigned IDs */
	ROW_UNKNOWN("unassigned 0xB20000FF", 0xB20000FFUL),
	ROW_UNKNOWN("unassigned 0xB2000005", 0xB2000005UL),
	ROW_UNKNOWN("unassigned 0xB2000006", 0xB2000006UL),
	ROW_UNKNOWN("unassigned 0xB2000017", 0xB2000017UL),
	ROW_UNKNOWN("unassigned 0xB200FFFF", 0xB200FFFFUL),
	ROW_UNKNOWN("yielding RETURN_FROM_RPC as fast", 0xB2000003UL),
	ROW_UNKNOWN("yielding CALL_WITH_ARG as fast", 0xB2000004UL),
	ROW_UNKNOWN("yielding CALL_WITH_RPC_ARG as fast", 0xB2000012UL),
	ROW_UNKNOWN("yielding CALL_WITH_REGD_ARG as fast", 0xB2000013UL),
	ROW_UNKNOWN("CALLS_COUNT under owner 50", 0xB200FF00UL),
	ROW_UNKNOWN("CALLS_UID under owner 50", 0xB200FF01UL),
	ROW_UNKNOWN("owner 63 func 0", 0xBF000000UL),
	ROW_UNKNOWN("owner 63 func 1", 0xBF000001UL),
	ROW_UNKNOWN("LOAD_IMAGE (Linux only)", 0xBF000002UL),
	ROW_UNKNOWN("owner 63 func 0xFF02", 0xBF00FF02UL),
	ROW_UNKNOWN("owner 63 func 0xFF04", 0xBF00FF04UL),
	ROW_UNKNOWN("owner 63 func 0xFFFF", 0xBF00FFFFUL),
	ROW_UNKNOWN("OPTEED owner 62", 0xBE00FF00UL),
	ROW_UNKNOWN("owner 51", 0xB300000FUL),
	/*
	 * The monitor routes by owner (TF-A's runtime services): a fast call
	 * of an owner no service takes is SMC_UNK from TF-A itself.
	 */
	ROW_MONITOR_UNK("SIP owner 2", 0x8200000FUL),
	ROW_MONITOR_UNK("CPU owner 1", 0x8100000FUL),
	ROW_MONITOR_UNK("OEM owner 3", 0x8300000FUL),
	ROW_MONITOR_UNK("standard hyp owner 5", 0x85000000UL),
	ROW_MONITOR_UNK("vendor hyp owner 6", 0x86000000UL),
	ROW_MONITOR_UNK("trusted app owner 48", 0xB0000000UL),
	ROW_MONITOR_UNK("trusted app owner 49", 0xB100000FUL),
	ROW_MONITOR_UNK("SMC64 SIP owner 2", 0xC200000FUL),
	/* The Arm architecture and standard services, as far as modelled. */
	{ .name = "SMCCC_VERSION", .a0 = 0x80000000UL, .sets = SETS_A0,
	  .out = { 0x10005 } },
	{ .name = "SMCCC_ARCH_FEATURES(SMCCC_VERSION)", .a0 = 0x80000001UL,
	  .in_mask = IN(1), .in = { [1] = 0x80000000UL }, .sets = SETS_A0,
	  .out = { 0 } },
	{ .name = "SMCCC_ARCH_FEATURES(SMCCC_ARCH_FEATURES)",
	  .a0 = 0x80000001UL, .in_mask = IN(1), .in = { [1] = 0x80000001UL },
	  .sets = SETS_A0, .out = { 0 } },
	{ .name = "SMCCC_ARCH_FEATURES(an OP-TEE call)", .a0 = 0x80000001UL,
	  .in_mask = IN(1), .in = { [1] = 0xB200000FUL }, .sets = SETS_A0,
	  .out = { MONITOR_UNK } },
	ROW_MONITOR_UNK("unassigned arch call 0x8000FFFF", 0x8000FFFFUL),
	{ .name = "PSCI_VERSION", .a0 = 0x84000000UL, .sets = SETS_A0,
	  .out = { 0x10001 } },
	ROW_MONITOR_UNK("PSCI_FEATURES (not modelled)", 0x8400000AUL),
	ROW_UNKNOWN("SMC64 EXCHANGE_CAPABILITIES", 0xF2000009UL),
	ROW_UNKNOWN("SMC64 GET_THREAD_COUNT", 0xF200000FUL),
	ROW_UNKNOWN("SMC64 CALLS_UID", 0xFF00FF01UL),
	/*
	 * Bits 23:17 in a fast ID get SMC_UNK from TF-A. Bit 16 alone is
	 * SMCCC v1.3's SVE hint, which TF-A strips before dispatch: the
	 * call is answered as if it were clear.
	 */
	{ .name = "SVE hint bit 16 on CALLS_COUNT", .a0 = 0xBF01FF00UL,
	  .sets = SETS_A0, .out = { 12 } },
	{ .name = "SVE hint bit 16 on GET_THREAD_COUNT", .a0 = 0xB201000FUL,
	  .sets = SETS_A0_A1, .out = { OPTEE_SMC_RETURN_OK, 2 } },
	ROW_MONITOR_UNK("reserved bit 17 EXCHANGE_CAPABILITIES", 0xB2020009UL),
	ROW_MONITOR_UNK("reserved bit 23 GET_THREAD_COUNT", 0xB280000FUL),
	ROW_MONITOR_UNK("reserved bits 23:17 GET_THREAD_COUNT", 0xB2FE000FUL),
	ROW_MONITOR_UNK("reserved bit 18 CALLS_UID", 0xBF04FF01UL),
	ROW_MONITOR_UNK("all ones", 0xFFFFFFFFUL),
	/*
	 * Only W0 is the function ID (SMCCC): bits 63:32 of a0 are ignored.
	 * On an ILP32 host the casts drop them and the rows stay valid.
	 */
	{ .name = "GET_THREAD_COUNT with a0 bits 63:32 set",
	  .a0 = (unsigned long)0x1B200000FULL, .sets = SETS_A0_A1,
	  .out = { OPTEE_SMC_RETURN_OK, 2 } },
	{ .name = "CALLS_COUNT with a0 bits 63:32 set",
	  .a0 = (unsigned long)0xFFFFFFFFBF00FF00ULL, .sets = SETS_A0,
	  .out = { 12 } },
	{ .name = "EXCHANGE_CAPABILITIES a1 bits 63:32 set",
	  .a0 = 0xB2000009UL, .in_mask = IN(1),
	  .in = { [1] = (unsigned long)0x100000001ULL }, .sets = SETS_ALL,
	  .out = { OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, QEMU_NOTIF_VALUE_MAX,
		   QEMU_RPC_PARAMS } },
	ROW_UNKNOWN("unknown ID with a0 bits 63:32 set",
		    (unsigned long)0x1B20000FFULL),
	/*
	 * The proposal's RESERVE/UNRESERVE_SYS_THREAD fast encodings (the
	 * secure-side pull request). Upstream they are unknown; in the
	 * proposal profile they answer OK without taking a thread (a
	 * reserve-unreserve pair, so the table can run twice in one world).
	 */
	{ .name = "proposal: fast 0xB2000015 RESERVE_SYS_THREAD",
	  .a0 = 0xB2000015UL, .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_OK },
	  .only = SMCSIM_ABI_PROPOSAL, .only_set = true },
	{ .name = "proposal: fast 0xB2000016 UNRESERVE_SYS_THREAD",
	  .a0 = 0xB2000016UL, .sets = SETS_A0, .out = { OPTEE_SMC_RETURN_OK },
	  .only = SMCSIM_ABI_PROPOSAL, .only_set = true },
	{ .name = "upstream: fast 0xB2000015 RESERVE_SYS_THREAD",
	  .a0 = 0xB2000015UL, .sets = SETS_A0, .out = { UNKNOWN_FN },
	  .only = SMCSIM_ABI_UPSTREAM, .only_set = true },
	{ .name = "upstream: fast 0xB2000016 UNRESERVE_SYS_THREAD",
	  .a0 = 0xB2000016UL, .sets = SETS_A0, .out = { UNKNOWN_FN },
	  .only = SMCSIM_ABI_UPSTREAM, .only_set = true },
};

static void row_regs(const struct fast_row *row, unsigned long a[8])
{
	unsigned int i;

	regs_init(a, row->a0);
	for (i = 1; i < 8; i++)
		if (row->in_mask & IN(i))
			a[i] = row->in[i];
}

static void sw_fast_table_answers_match_abi_facts(void **state)
{
	struct fx *fx = *state;
	bool bad = false;
	size_t n;

	for (n = 0; n < ARRAY_SIZE(fast_rows); n++) {
		const struct fast_row *row = &fast_rows[n];
		unsigned long exp[4], a[8];
		struct arm_smccc_res res;

		if (!row_applies(fx, row))
			continue;
		/* A fresh world per row, so rows do not depend on order. */
		fx_recreate(fx);
		row_regs(row, a);
		memcpy(exp, row->out, sizeof(exp));
		if (row->a2_build_id)
			exp[2] = fx->cfg.os_build_id;
		smc(fx->sw, a, &res);
		/* Report every failing row, then fail. */
		if (!regs_match(row->name, a, row->sets, exp, &res))
			bad = true;
	}
	assert_false(bad);
}

/*
 * The same table twice through one world: no fast call leaves state behind
 * that changes another one's answer (the ENABLE_* calls are idempotent).
 */
static void sw_fast_table_answers_repeatable_in_one_world(void **state)
{
	struct fx *fx = *state;
	unsigned int round;
	bool bad = false;
	size_t n;

	for (round = 0; round < 2; round++) {
		for (n = 0; n < ARRAY_SIZE(fast_rows); n++) {
			const struct fast_row *row = &fast_rows[n];
			unsigned long exp[4], a[8];
			struct arm_smccc_res res;

			if (!row_applies(fx, row))
				continue;
			row_regs(row, a);
			memcpy(exp, row->out, sizeof(exp));
			if (row->a2_build_id)
				exp[2] = fx->cfg.os_build_id;
			smc(fx->sw, a, &res);
			if (!regs_match(row->name, a, row->sets, exp, &res))
				bad = true;
		}
	}
	assert_false(bad);
}

/* ---- single calls with configuration ----------------------------------- */

static void sw_fast_get_thread_count_follows_config(void **state)
{
	static const unsigned int counts[] = { 2, 8, 1, 64 };
	struct fx *fx = *state;
	unsigned long a[8];
	size_t n;

	for (n = 0; n < ARRAY_SIZE(counts); n++) {
		fx->cfg.num_threads = counts[n];
		fx_recreate(fx);
		print_message("num_threads %u\n", counts[n]);
		regs_init(a, OPTEE_SMC_GET_THREAD_COUNT);
		expect(fx->sw, "GET_THREAD_COUNT", a, SETS_A0_A1,
		       OPTEE_SMC_RETURN_OK, counts[n], 0, 0);
		assert_int_equal(smcsim_sw_num_threads(fx->sw), counts[n]);
	}
}

static void sw_fast_os_revision_from_config(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	regs_init(a, OPTEE_SMC_CALL_GET_OS_REVISION);
	expect(fx->sw, "GET_OS_REVISION default", a, SETS_A0_TO_A2,
	       4, 10, fx->cfg.os_build_id, 0);

	fx->cfg.os_revision_major = 3;
	fx->cfg.os_revision_minor = 19;
	fx->cfg.os_build_id = 0xDEADBEEFU;
	fx_recreate(fx);
	expect(fx->sw, "GET_OS_REVISION 3.19", a, SETS_A0_TO_A2,
	       3, 19, 0xDEADBEEFUL, 0);

	/*
	 * All of x2, as OP-TEE 4.10 on arm64 answers it: a build id whose
	 * high half is set comes back whole (a 32-bit host keeps what fits).
	 */
	fx->cfg.os_build_id = 0x753afbbee1682f5dULL;
	fx_recreate(fx);
	expect(fx->sw, "GET_OS_REVISION 64-bit build id", a, SETS_A0_TO_A2,
	       3, 19, (unsigned long)0x753afbbee1682f5dULL, 0);

	/* 0 means "unspecified" and is answered as is. */
	fx->cfg.os_build_id = 0;
	fx_recreate(fx);
	expect(fx->sw, "GET_OS_REVISION build id 0", a, SETS_A0_TO_A2,
	       3, 19, 0, 0);
}

/* The monitor's own answers come from the configuration; 0 = SMC_UNK. */
static void sw_fast_monitor_versions_from_config(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	fx->cfg.smccc_version = 0x10002;
	fx->cfg.psci_version = 0x10000;
	fx_recreate(fx);
	regs_init(a, ARM_SMCCC_VERSION_FUNC_ID);
	expect(fx->sw, "SMCCC_VERSION 1.2", a, SETS_A0, 0x10002, 0, 0, 0);
	regs_init(a, PSCI_0_2_FN_PSCI_VERSION);
	expect(fx->sw, "PSCI_VERSION 1.0", a, SETS_A0, 0x10000, 0, 0, 0);

	fx->cfg.smccc_version = 0;
	fx->cfg.psci_version = 0;
	fx_recreate(fx);
	regs_init(a, ARM_SMCCC_VERSION_FUNC_ID);
	expect(fx->sw, "SMCCC_VERSION off", a, SETS_A0, MONITOR_UNK, 0, 0, 0);
	regs_init(a, ARM_SMCCC_ARCH_FEATURES_FUNC_ID);
	a[1] = ARM_SMCCC_VERSION_FUNC_ID;
	expect(fx->sw, "SMCCC_ARCH_FEATURES off", a, SETS_A0, MONITOR_UNK, 0,
	       0, 0);
	regs_init(a, PSCI_0_2_FN_PSCI_VERSION);
	expect(fx->sw, "PSCI_VERSION off", a, SETS_A0, MONITOR_UNK, 0, 0, 0);
}

/*
 * The preset for the real firmware answers the fast calls as that
 * firmware did (docs/abi.md section 13): every value here
 * was read from TF-A 2.14 + OP-TEE 4.10 on QEMU v8.
 */
static void sw_fast_qemu_v8_preset_answers_as_the_firmware(void **state)
{
	struct fx *fx = *state;
	struct smcsim_phys_region r;
	unsigned long a[8];

	assert_int_equal(smcsim_phys_region_get(fx->phys, SMCSIM_MEM_NS_SHM,
						&r), 0);
	smcsim_sw_config_qemu_v8(&fx->cfg, fx->phys);
	assert_int_equal(fx->cfg.profile, SMCSIM_ABI_UPSTREAM);
	fx_recreate(fx);

	regs_init(a, OPTEE_SMC_CALLS_COUNT);
	expect(fx->sw, "CALLS_COUNT", a, SETS_A0, 12, 0, 0, 0);
	regs_init(a, OPTEE_SMC_CALL_GET_OS_REVISION);
	expect(fx->sw, "GET_OS_REVISION", a, SETS_A0_TO_A2, 4, 10,
	       (unsigned long)0x753afbbee1682f5dULL, 0);
	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;
	expect(fx->sw, "EXCHANGE_CAPABILITIES", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, 0xF5, 0x42, 4);
	regs_init(a, OPTEE_SMC_GET_THREAD_COUNT);
	expect(fx->sw, "GET_THREAD_COUNT", a, SETS_A0_A1, OPTEE_SMC_RETURN_OK,
	       2, 0, 0);
	regs_init(a, OPTEE_SMC_GET_SHM_CONFIG);
	expect(fx->sw, "GET_SHM_CONFIG", a, SETS_ALL, OPTEE_SMC_RETURN_OK,
	       (unsigned long)r.base, (unsigned long)r.size,
	       OPTEE_SMC_SHM_CACHED);
	regs_init(a, OPTEE_SMC_DISABLE_SHM_CACHE);
	expect(fx->sw, "DISABLE_SHM_CACHE", a, SETS_A0,
	       OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
	regs_init(a, OPTEE_SMC_GET_PROTMEM_CONFIG);
	expect(fx->sw, "GET_PROTMEM_CONFIG", a, SETS_A0, UNKNOWN_FN, 0, 0, 0);
	regs_init(a, ARM_SMCCC_VERSION_FUNC_ID);
	expect(fx->sw, "SMCCC_VERSION", a, SETS_A0, 0x10005, 0, 0, 0);
	regs_init(a, PSCI_0_2_FN_PSCI_VERSION);
	expect(fx->sw, "PSCI_VERSION", a, SETS_A0, 0x10001, 0, 0, 0);
	regs_init(a, 0x02000000UL);
	expect(fx->sw, "SiP yielding", a, SETS_A0, MONITOR_UNK, 0, 0, 0);
	assert_int_equal(smcsim_sw_num_threads(fx->sw), 2);
}

static void sw_fast_shm_config_unknown_without_reserved_shm(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	fx->cfg.reserved_shm = false;
	fx_recreate(fx);
	regs_init(a, OPTEE_SMC_GET_SHM_CONFIG);
	expect(fx->sw, "GET_SHM_CONFIG without reserved shm", a, SETS_A0,
	       UNKNOWN_FN, 0, 0, 0);
	/* ... and cap bit 0 is gone. */
	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;
	expect(fx->sw, "EXCHANGE_CAPABILITIES without reserved shm", a,
	       SETS_ALL, OPTEE_SMC_RETURN_OK,
	       QEMU_SEC_CAPS & ~OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM,
	       QEMU_NOTIF_VALUE_MAX, QEMU_RPC_PARAMS);
}

static void sw_fast_shm_config_reports_cache_attr(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	fx->cfg.shm_cached = false;
	fx_recreate(fx);
	regs_init(a, OPTEE_SMC_GET_SHM_CONFIG);
	expect(fx->sw, "GET_SHM_CONFIG non-cached", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, 0x42000000UL, 0x200000UL,
	       OPTEE_SMC_SHM_NONCACHED);
}

/* ---- EXCHANGE_CAPABILITIES --------------------------------------------- */

static void sw_fast_exchange_caps_refuses_unknown_nsec_bits(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];
	unsigned int bit;
	char what[64];

	for (bit = 1; bit < 32; bit++) {
		regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
		a[1] = 1UL << bit;
		snprintf(what, sizeof(what), "EXCHANGE_CAPABILITIES a1=%#lx",
			 a[1]);
		/* Only a0 is set: a1 still holds the input, not the caps. */
		expect(fx->sw, what, a, SETS_A0, OPTEE_SMC_RETURN_ENOTAVAIL,
		       0, 0, 0);
		/* With UNIPROCESSOR as well: still refused. */
		a[1] |= OPTEE_SMC_NSEC_CAP_UNIPROCESSOR;
		expect(fx->sw, what, a, SETS_A0, OPTEE_SMC_RETURN_ENOTAVAIL,
		       0, 0, 0);
	}
}

static void sw_fast_exchange_caps_bit7_is_system_thread_in_proposal(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	assert_int_equal(fx->profile, SMCSIM_ABI_PROPOSAL);
	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;

	/* default: system_threads on */
	expect(fx->sw, "proposal, system_threads", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, QEMU_NOTIF_VALUE_MAX,
	       QEMU_RPC_PARAMS);
	assert_true(smcsim_sw_sec_caps(fx->sw) & OPTEE_SMC_SEC_CAP_SYSTEM_THREAD);

	/* rpmb_probe means nothing in this profile */
	fx->cfg.system_threads = false;
	fx->cfg.rpmb_probe = true;
	fx_recreate(fx);
	expect(fx->sw, "proposal, no system_threads, rpmb_probe", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS & ~(1UL << 7),
	       QEMU_NOTIF_VALUE_MAX, QEMU_RPC_PARAMS);

	fx->cfg.system_threads = true;
	fx->cfg.rpmb_probe = false;
	fx_recreate(fx);
	expect(fx->sw, "proposal, system_threads, no rpmb_probe", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, QEMU_NOTIF_VALUE_MAX,
	       QEMU_RPC_PARAMS);
}

static void sw_fast_exchange_caps_bit7_is_rpmb_probe_upstream(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	assert_int_equal(fx->profile, SMCSIM_ABI_UPSTREAM);
	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;

	expect(fx->sw, "upstream, rpmb_probe", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, QEMU_NOTIF_VALUE_MAX,
	       QEMU_RPC_PARAMS);
	assert_true(smcsim_sw_sec_caps(fx->sw) & OPTEE_SMC_SEC_CAP_RPMB_PROBE);

	/* system_threads means nothing in this profile */
	fx->cfg.rpmb_probe = false;
	fx->cfg.system_threads = true;
	fx_recreate(fx);
	expect(fx->sw, "upstream, no rpmb_probe, system_threads", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS & ~(1UL << 7),
	       QEMU_NOTIF_VALUE_MAX, QEMU_RPC_PARAMS);

	fx->cfg.rpmb_probe = true;
	fx->cfg.system_threads = false;
	fx_recreate(fx);
	expect(fx->sw, "upstream, rpmb_probe, no system_threads", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, QEMU_NOTIF_VALUE_MAX,
	       QEMU_RPC_PARAMS);
}

static void sw_fast_exchange_caps_without_async_notif_keeps_a2(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];
	unsigned long caps;

	fx->cfg.async_notif = false;
	fx_recreate(fx);
	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;
	caps = QEMU_SEC_CAPS & ~OPTEE_SMC_SEC_CAP_ASYNC_NOTIF;
	/* a2 is not set: it keeps 0x22222222. */
	expect(fx->sw, "EXCHANGE_CAPABILITIES without async notif", a,
	       SETS_A0 | SETS_A1 | SETS_A3, OPTEE_SMC_RETURN_OK, caps, 0,
	       QEMU_RPC_PARAMS);
	assert_int_equal(smcsim_sw_sec_caps(fx->sw), caps);
}

static void sw_fast_exchange_caps_notif_value_max(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;

	/* 64 + CFG_NUM_THREADS */
	fx->cfg.num_threads = 8;
	fx_recreate(fx);
	expect(fx->sw, "notif max with 8 threads", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, 72, QEMU_RPC_PARAMS);
	assert_int_equal(smcsim_sw_notif_value_max(fx->sw), 72);

	/* An explicit value wins. */
	fx->cfg.notif_value_max = 100;
	fx_recreate(fx);
	expect(fx->sw, "notif max override 100", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS, 100, QEMU_RPC_PARAMS);
	assert_int_equal(smcsim_sw_notif_value_max(fx->sw), 100);
}

static void sw_fast_exchange_caps_protmem_bits(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;

	fx->cfg.static_protmem = true;
	fx_recreate(fx);
	expect(fx->sw, "static protmem: bit 8", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, QEMU_SEC_CAPS | OPTEE_SMC_SEC_CAP_PROTMEM,
	       QEMU_NOTIF_VALUE_MAX, QEMU_RPC_PARAMS);

	fx->cfg.static_protmem = false;
	fx->cfg.dynamic_protmem = true;
	fx_recreate(fx);
	expect(fx->sw, "dynamic protmem: bit 9", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK,
	       QEMU_SEC_CAPS | OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM,
	       QEMU_NOTIF_VALUE_MAX, QEMU_RPC_PARAMS);
}

/* ---- shm cache, secondary boot ---------------------------------------- */

static void sw_fast_shm_cache_enable_disable_when_idle(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	regs_init(a, OPTEE_SMC_DISABLE_SHM_CACHE);
	expect(fx->sw, "DISABLE_SHM_CACHE before enable", a, SETS_A0,
	       OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
	regs_init(a, OPTEE_SMC_ENABLE_SHM_CACHE);
	expect(fx->sw, "ENABLE_SHM_CACHE", a, SETS_A0, OPTEE_SMC_RETURN_OK,
	       0, 0, 0);
	expect(fx->sw, "ENABLE_SHM_CACHE again", a, SETS_A0,
	       OPTEE_SMC_RETURN_OK, 0, 0, 0);
	/* Nothing was cached: the first DISABLE already says "empty". */
	regs_init(a, OPTEE_SMC_DISABLE_SHM_CACHE);
	expect(fx->sw, "DISABLE_SHM_CACHE after enable", a, SETS_A0,
	       OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
	expect(fx->sw, "DISABLE_SHM_CACHE again", a, SETS_A0,
	       OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
}

static void sw_fast_boot_secondary_not_available(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];
	unsigned long core;

	for (core = 0; core < 4; core++) {
		regs_init(a, OPTEE_SMC_BOOT_SECONDARY);
		a[1] = core;
		expect(fx->sw, "BOOT_SECONDARY", a, SETS_A0,
		       OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
	}
}

/* ---- async notifications ---------------------------------------------- */

static void sw_fast_enable_async_notif_twice_is_harmless(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	assert_false(smcsim_sw_notif_started(fx->sw));
	regs_init(a, OPTEE_SMC_ENABLE_ASYNC_NOTIF);
	expect(fx->sw, "ENABLE_ASYNC_NOTIF", a, SETS_A0, OPTEE_SMC_RETURN_OK,
	       0, 0, 0);
	assert_true(smcsim_sw_notif_started(fx->sw));
	expect(fx->sw, "ENABLE_ASYNC_NOTIF again", a, SETS_A0,
	       OPTEE_SMC_RETURN_OK, 0, 0, 0);
	assert_true(smcsim_sw_notif_started(fx->sw));
}

static void sw_fast_async_notif_unknown_without_async(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	fx->cfg.async_notif = false;
	fx_recreate(fx);
	/* OP-TEE answers UNKNOWN_FUNCTION, not the spec's ENOTAVAIL. */
	regs_init(a, OPTEE_SMC_ENABLE_ASYNC_NOTIF);
	expect(fx->sw, "ENABLE_ASYNC_NOTIF without async", a, SETS_A0,
	       UNKNOWN_FN, 0, 0, 0);
	assert_false(smcsim_sw_notif_started(fx->sw));
	regs_init(a, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
	expect(fx->sw, "GET_ASYNC_NOTIF_VALUE without async", a, SETS_A0,
	       UNKNOWN_FN, 0, 0, 0);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 1), -EOPNOTSUPP);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 64), -EOPNOTSUPP);
	assert_false(smcsim_sw_notif_is_pending(fx->sw, 1));
}

static void sw_fast_async_notif_value_empty(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	/* Not started yet: OP-TEE does not check, it answers "none". */
	regs_init(a, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
	expect(fx->sw, "GET_ASYNC_NOTIF_VALUE before enable", a, SETS_A0_TO_A2,
	       OPTEE_SMC_RETURN_OK, 0, 0, 0);
	regs_init(a, OPTEE_SMC_ENABLE_ASYNC_NOTIF);
	expect(fx->sw, "ENABLE_ASYNC_NOTIF", a, SETS_A0, OPTEE_SMC_RETURN_OK,
	       0, 0, 0);
	regs_init(a, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
	expect(fx->sw, "GET_ASYNC_NOTIF_VALUE after enable", a, SETS_A0_TO_A2,
	       OPTEE_SMC_RETURN_OK, 0, 0, 0);
}

static void sw_fast_async_notif_value_lowest_first(void **state)
{
	static const unsigned int posted[] = { 40, 3, 63, 0, 17 };
	static const struct {
		unsigned long value;
		unsigned long flags;
	} fetched[] = {
		{ 0, OPTEE_SMC_ASYNC_NOTIF_VALID | OPTEE_SMC_ASYNC_NOTIF_PENDING },
		{ 3, OPTEE_SMC_ASYNC_NOTIF_VALID | OPTEE_SMC_ASYNC_NOTIF_PENDING },
		{ 17, OPTEE_SMC_ASYNC_NOTIF_VALID | OPTEE_SMC_ASYNC_NOTIF_PENDING },
		{ 40, OPTEE_SMC_ASYNC_NOTIF_VALID | OPTEE_SMC_ASYNC_NOTIF_PENDING },
		{ 63, OPTEE_SMC_ASYNC_NOTIF_VALID },
		{ 0, 0 },	/* drained */
		{ 0, 0 },
	};
	struct fx *fx = *state;
	unsigned long a[8];
	char what[64];
	size_t n;

	for (n = 0; n < ARRAY_SIZE(posted); n++) {
		assert_int_equal(smcsim_sw_notif_post(fx->sw, posted[n]), 0);
		assert_true(smcsim_sw_notif_is_pending(fx->sw, posted[n]));
	}
	assert_false(smcsim_sw_notif_is_pending(fx->sw, 1));

	for (n = 0; n < ARRAY_SIZE(fetched); n++) {
		regs_init(a, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
		snprintf(what, sizeof(what), "GET_ASYNC_NOTIF_VALUE #%zu", n);
		expect(fx->sw, what, a, SETS_A0_TO_A2, OPTEE_SMC_RETURN_OK,
		       fetched[n].value, fetched[n].flags, 0);
		if (fetched[n].flags)
			assert_false(smcsim_sw_notif_is_pending(fx->sw,
							fetched[n].value));
	}
}

static void sw_fast_async_notif_double_post_coalesces(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	assert_int_equal(smcsim_sw_notif_post(fx->sw, 5), 0);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 5), 0);
	assert_true(smcsim_sw_notif_is_pending(fx->sw, 5));

	regs_init(a, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
	/* One bit: VALID without PENDING. */
	expect(fx->sw, "after a double post", a, SETS_A0_TO_A2,
	       OPTEE_SMC_RETURN_OK, 5, OPTEE_SMC_ASYNC_NOTIF_VALID, 0);
	expect(fx->sw, "drained", a, SETS_A0_TO_A2, OPTEE_SMC_RETURN_OK, 0, 0, 0);
}

static void sw_fast_async_notif_post_rejects_bad_values(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	assert_int_equal(smcsim_sw_notif_post(fx->sw, 64), -EINVAL);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 65), -EINVAL);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, UINT_MAX), -EINVAL);
	assert_false(smcsim_sw_notif_is_pending(fx->sw, 64));
	regs_init(a, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
	expect(fx->sw, "nothing after refused posts", a, SETS_A0_TO_A2,
	       OPTEE_SMC_RETURN_OK, 0, 0, 0);

	assert_int_equal(smcsim_sw_notif_post(fx->sw, 63), 0);
	expect(fx->sw, "63 is the last async value", a, SETS_A0_TO_A2,
	       OPTEE_SMC_RETURN_OK, 63, OPTEE_SMC_ASYNC_NOTIF_VALID, 0);
}

/* ---- GET_PROTMEM_CONFIG ------------------------------------------------ */

static void protmem_regs(unsigned long a[8])
{
	unsigned int i;

	regs_init(a, OPTEE_SMC_GET_PROTMEM_CONFIG);
	for (i = 2; i <= 6; i++)
		a[i] = 0;
}

static void sw_fast_protmem_config_unknown_without_static_protmem(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	protmem_regs(a);
	expect(fx->sw, "GET_PROTMEM_CONFIG default", a, SETS_A0, UNKNOWN_FN,
	       0, 0, 0);

	/* The dynamic pool is negotiated with messages, not this call. */
	fx->cfg.dynamic_protmem = true;
	fx_recreate(fx);
	expect(fx->sw, "GET_PROTMEM_CONFIG dynamic protmem", a, SETS_A0,
	       UNKNOWN_FN, 0, 0, 0);
}

static void sw_fast_protmem_config_static(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	fx->cfg.static_protmem = true;
	fx_recreate(fx);
	protmem_regs(a);
	expect(fx->sw, "GET_PROTMEM_CONFIG static", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, SMCSIM_PHYS_DEFAULT_PROTMEM_BASE,
	       SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE, 64);
	/* a1 and a7 are not checked by the call. */
	a[1] = 0;
	a[7] = 0;
	expect(fx->sw, "GET_PROTMEM_CONFIG static, a1=a7=0", a, SETS_ALL,
	       OPTEE_SMC_RETURN_OK, SMCSIM_PHYS_DEFAULT_PROTMEM_BASE,
	       SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE, 64);
}

static void sw_fast_protmem_config_rejects_nonzero_args(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];
	unsigned int i;
	char what[64];

	fx->cfg.static_protmem = true;
	fx_recreate(fx);
	for (i = 2; i <= 6; i++) {
		protmem_regs(a);
		a[i] = REG_PATTERN(i);
		snprintf(what, sizeof(what), "GET_PROTMEM_CONFIG a%u != 0", i);
		expect(fx->sw, what, a, SETS_A0, OPTEE_SMC_RETURN_ENOTAVAIL,
		       0, 0, 0);
		protmem_regs(a);
		a[i] = 1;
		expect(fx->sw, what, a, SETS_A0, OPTEE_SMC_RETURN_ENOTAVAIL,
		       0, 0, 0);
	}
	/* All of them at once: the pattern. */
	regs_init(a, OPTEE_SMC_GET_PROTMEM_CONFIG);
	expect(fx->sw, "GET_PROTMEM_CONFIG pattern", a, SETS_A0,
	       OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
}

/* ---- the proposal's fast RESERVE/UNRESERVE_SYS_THREAD ------------------ */

/*
 * Upstream: 0xB2000015/16 (the secure-side pull request's fast encodings of
 * RESERVE/UNRESERVE_SYS_THREAD) are unknown, whatever a1..a3 hold.
 */
static void sw_fast_sys_thread_ids_unknown_upstream(void **state)
{
	static const unsigned long ids[] = { 0xB2000015UL, 0xB2000016UL };
	struct fx *fx = *state;
	unsigned long a[8];
	size_t n;

	for (n = 0; n < ARRAY_SIZE(ids); n++) {
		regs_init(a, ids[n]);
		expect(fx->sw, n ? "0xB2000016" : "0xB2000015",
		       a, SETS_A0, UNKNOWN_FN, 0, 0, 0);
		a[1] = 0;
		a[2] = 0;
		a[3] = 0;
		expect(fx->sw, n ? "0xB2000016 a1..a3=0" : "0xB2000015 a1..a3=0",
		       a, SETS_A0, UNKNOWN_FN, 0, 0, 0);
	}
	/* A fast call takes no thread. */
	assert_int_equal(smcsim_sw_thread_state(fx->sw, 0), SMCSIM_SW_THREAD_FREE);
	assert_int_equal(smcsim_sw_thread_state(fx->sw, 1), SMCSIM_SW_THREAD_FREE);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
}

/*
 * Proposal: the fast encodings reserve without taking a thread, answer
 * ETHREAD_LIMIT once no unreserved free thread is left, and unreserving
 * what was never reserved is harmless. Only a0 is defined.
 */
static void sw_fast_sys_thread_reserve_until_thread_limit(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];
	unsigned int i;

	regs_init(a, 0xB2000016UL);
	expect(fx->sw, "unreserve none", a, SETS_A0, OPTEE_SMC_RETURN_OK,
	       0, 0, 0);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
	for (i = 1; i <= 2; i++) {
		regs_init(a, 0xB2000015UL);
		expect(fx->sw, "reserve", a, SETS_A0, OPTEE_SMC_RETURN_OK,
		       0, 0, 0);
		assert_int_equal(smcsim_sw_reserved_threads(fx->sw), i);
		assert_int_equal(smcsim_sw_thread_state(fx->sw, 0),
				 SMCSIM_SW_THREAD_FREE);
		assert_int_equal(smcsim_sw_thread_state(fx->sw, 1),
				 SMCSIM_SW_THREAD_FREE);
	}
	regs_init(a, 0xB2000015UL);
	expect(fx->sw, "reserve with both reserved", a, SETS_A0,
	       OPTEE_SMC_RETURN_ETHREAD_LIMIT, 0, 0, 0);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 2);
	for (i = 0; i < 3; i++) {
		regs_init(a, 0xB2000016UL);
		expect(fx->sw, "unreserve", a, SETS_A0, OPTEE_SMC_RETURN_OK,
		       0, 0, 0);
	}
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);

	/* Built without SYSTEM_THREAD, the proposal firmware does not know them. */
	fx->cfg.system_threads = false;
	fx_recreate(fx);
	regs_init(a, 0xB2000015UL);
	expect(fx->sw, "reserve, no SYSTEM_THREAD", a, SETS_A0, UNKNOWN_FN,
	       0, 0, 0);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
}

/* ---- malformed IDs ----------------------------------------------------- */

static void sw_fast_function_id_upper_bits_ignored(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];

	if (sizeof(unsigned long) < 8)
		skip();
	regs_init(a, (unsigned long)0x1B200000FULL);
	expect(fx->sw, "0x1B200000F", a, SETS_A0_A1, OPTEE_SMC_RETURN_OK, 2,
	       0, 0);
	regs_init(a, (unsigned long)0xABCDEF00B200000FULL);
	expect(fx->sw, "0xABCDEF00B200000F", a, SETS_A0_A1,
	       OPTEE_SMC_RETURN_OK, 2, 0, 0);
	/* Bit 63 is not the call type: bit 31 is. */
	regs_init(a, (unsigned long)0x80000000B200000FULL);
	expect(fx->sw, "bit 63 set on a fast ID", a, SETS_A0_A1,
	       OPTEE_SMC_RETURN_OK, 2, 0, 0);
	/* CALL_WITH_ARG, with an argument address that is nowhere. */
	regs_init(a, (unsigned long)0x8000000032000004ULL);
	expect(fx->sw, "bit 63 set on a yielding ID", a, SETS_ALL,
	       OPTEE_SMC_RETURN_EBADADDR, 0, 0, 0);
	assert_int_equal(smcsim_sw_thread_state(fx->sw, 0),
			 SMCSIM_SW_THREAD_FREE);
}

/* ---- smcsim_sw_create ------------------------------------------------- */

static void cfg_zero_threads(struct fx *fx, struct smcsim_sw_config *c)
{
	(void)fx;
	c->num_threads = 0;
}

static void cfg_65_threads(struct fx *fx, struct smcsim_sw_config *c)
{
	(void)fx;
	c->num_threads = SMCSIM_SW_MAX_THREADS + 1;
}

static void cfg_huge_threads(struct fx *fx, struct smcsim_sw_config *c)
{
	(void)fx;
	c->num_threads = UINT_MAX;
}

static void cfg_null_phys(struct fx *fx, struct smcsim_sw_config *c)
{
	(void)fx;
	c->phys = NULL;
}

static void cfg_profile_2(struct fx *fx, struct smcsim_sw_config *c)
{
	(void)fx;
	c->profile = (enum smcsim_abi_profile)2;
}

static void cfg_profile_minus_1(struct fx *fx, struct smcsim_sw_config *c)
{
	(void)fx;
	c->profile = (enum smcsim_abi_profile)-1;
}

static void cfg_both_protmem(struct fx *fx, struct smcsim_sw_config *c)
{
	(void)fx;
	c->static_protmem = true;
	c->dynamic_protmem = true;
}

static void cfg_reserved_shm_no_region(struct fx *fx,
				       struct smcsim_sw_config *c)
{
	c->phys = fx->phys_noshm;
	c->reserved_shm = true;
}

static void cfg_static_protmem_no_region(struct fx *fx,
					 struct smcsim_sw_config *c)
{
	c->phys = fx->phys_noshm;
	c->reserved_shm = false;
	c->static_protmem = true;
}

static void sw_create_rejects_bad_configs(void **state)
{
	static const struct {
		const char *name;
		void (*mutate)(struct fx *fx, struct smcsim_sw_config *c);
	} rows[] = {
		{ "0 threads", cfg_zero_threads },
		{ "65 threads", cfg_65_threads },
		{ "UINT_MAX threads", cfg_huge_threads },
		{ "NULL phys", cfg_null_phys },
		{ "profile 2", cfg_profile_2 },
		{ "profile -1", cfg_profile_minus_1 },
		{ "static and dynamic protmem", cfg_both_protmem },
		{ "reserved shm, map without shm", cfg_reserved_shm_no_region },
		{ "static protmem, map without protmem",
		  cfg_static_protmem_no_region },
	};
	static int sentinel_obj;
	struct smcsim_sw *const sentinel = (struct smcsim_sw *)(void *)&sentinel_obj;
	struct smcsim_phys_config pcfg;
	struct fx *fx = *state;
	size_t n;

	smcsim_phys_config_default(&pcfg);
	assert_int_equal(smcsim_phys_config_remove(&pcfg, SMCSIM_MEM_NS_SHM), 1);
	assert_int_equal(smcsim_phys_config_remove(&pcfg, SMCSIM_MEM_PROTMEM),
			 1);
	assert_int_equal(smcsim_phys_create(&pcfg, &fx->phys_noshm), 0);

	for (n = 0; n < ARRAY_SIZE(rows); n++) {
		struct smcsim_sw_config c;
		struct smcsim_sw *out = sentinel;
		int rc;

		smcsim_sw_config_default(&c, fx->profile, fx->phys);
		rows[n].mutate(fx, &c);
		rc = smcsim_sw_create(&c, &out);
		if (rc != -EINVAL || out != sentinel) {
			print_error("%s: rc %d, expected -EINVAL (out %s)\n",
				    rows[n].name, rc,
				    out == sentinel ? "untouched" : "written");
			if (rc == 0 && out != sentinel)
				smcsim_sw_destroy(out);
			fail();
		}
	}
}

static void sw_create_accepts_edge_configs(void **state)
{
	static const unsigned int threads[] = { 1, SMCSIM_SW_MAX_THREADS };
	struct smcsim_phys_config pcfg;
	struct fx *fx = *state;
	struct smcsim_sw_config c;
	size_t n;

	for (n = 0; n < ARRAY_SIZE(threads); n++) {
		smcsim_sw_config_default(&c, fx->profile, fx->phys);
		c.num_threads = threads[n];
		assert_int_equal(smcsim_sw_create(&c, &fx->sw2), 0);
		assert_int_equal(smcsim_sw_num_threads(fx->sw2), threads[n]);
		assert_int_equal(smcsim_sw_notif_value_max(fx->sw2),
				 64 + threads[n]);
		smcsim_sw_destroy(fx->sw2);
		fx->sw2 = NULL;
	}

	/* A map without shm is fine when reserved shm is off. */
	smcsim_phys_config_default(&pcfg);
	assert_int_equal(smcsim_phys_config_remove(&pcfg, SMCSIM_MEM_NS_SHM), 1);
	assert_int_equal(smcsim_phys_create(&pcfg, &fx->phys_noshm), 0);
	smcsim_sw_config_default(&c, fx->profile, fx->phys_noshm);
	c.reserved_shm = false;
	assert_int_equal(smcsim_sw_create(&c, &fx->sw2), 0);
	assert_false(smcsim_sw_sec_caps(fx->sw2) &
		     OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM);

	/* Destroying nothing is harmless. */
	smcsim_sw_destroy(NULL);
}

/* ---- introspection ----------------------------------------------------- */

static void sw_introspection_reports_config_and_calls(void **state)
{
	struct fx *fx = *state;
	unsigned long a[8];
	struct arm_smccc_res res;
	unsigned int i;

	assert_int_equal(smcsim_sw_sec_caps(fx->sw), QEMU_SEC_CAPS);
	assert_int_equal(smcsim_sw_notif_value_max(fx->sw), QEMU_NOTIF_VALUE_MAX);
	assert_int_equal(smcsim_sw_num_threads(fx->sw), 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(smcsim_sw_thread_state(fx->sw, i),
				 SMCSIM_SW_THREAD_FREE);
	/* A bad index reads as FREE, it does not crash. */
	assert_int_equal(smcsim_sw_thread_state(fx->sw, 2),
			 SMCSIM_SW_THREAD_FREE);
	assert_int_equal(smcsim_sw_thread_state(fx->sw, UINT_MAX),
			 SMCSIM_SW_THREAD_FREE);
	assert_false(smcsim_sw_notif_started(fx->sw));
	assert_false(smcsim_sw_notif_is_pending(fx->sw, 64));
	assert_false(smcsim_sw_notif_is_pending(fx->sw, UINT_MAX));

	/* Every SMC counts: known, unknown and yielding. */
	assert_int_equal(smcsim_sw_calls(fx->sw), 0);
	regs_init(a, OPTEE_SMC_CALLS_COUNT);
	smc(fx->sw, a, &res);
	assert_int_equal(smcsim_sw_calls(fx->sw), 1);
	regs_init(a, 0xB20000FFUL);
	smc(fx->sw, a, &res);
	assert_int_equal(smcsim_sw_calls(fx->sw), 2);
	regs_init(a, OPTEE_SMC_CALL_WITH_ARG);
	smc(fx->sw, a, &res);
	assert_int_equal(smcsim_sw_calls(fx->sw), 3);
	regs_init(a, OPTEE_SMC_ENABLE_ASYNC_NOTIF);
	smc(fx->sw, a, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_calls(fx->sw), 4);
	assert_true(smcsim_sw_notif_started(fx->sw));
}

/* ---- several worlds ---------------------------------------------------- */

static void sw_fast_worlds_are_independent(void **state)
{
	struct fx *fx = *state;
	struct smcsim_sw_config c;
	unsigned long a[8];

	smcsim_sw_config_default(&c, fx->profile, fx->phys);
	c.num_threads = 8;
	assert_int_equal(smcsim_sw_create(&c, &fx->sw2), 0);

	regs_init(a, OPTEE_SMC_GET_THREAD_COUNT);
	expect(fx->sw, "world 1 GET_THREAD_COUNT", a, SETS_A0_A1,
	       OPTEE_SMC_RETURN_OK, 2, 0, 0);
	expect(fx->sw2, "world 2 GET_THREAD_COUNT", a, SETS_A0_A1,
	       OPTEE_SMC_RETURN_OK, 8, 0, 0);

	regs_init(a, OPTEE_SMC_EXCHANGE_CAPABILITIES);
	a[1] = 0;
	expect(fx->sw, "world 1 caps", a, SETS_ALL, OPTEE_SMC_RETURN_OK,
	       QEMU_SEC_CAPS, 66, QEMU_RPC_PARAMS);
	expect(fx->sw2, "world 2 caps", a, SETS_ALL, OPTEE_SMC_RETURN_OK,
	       QEMU_SEC_CAPS, 72, QEMU_RPC_PARAMS);

	/* Notifications and the started flag are per world. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 9), 0);
	assert_false(smcsim_sw_notif_is_pending(fx->sw2, 9));
	regs_init(a, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE);
	expect(fx->sw2, "world 2 has nothing pending", a, SETS_A0_TO_A2,
	       OPTEE_SMC_RETURN_OK, 0, 0, 0);
	expect(fx->sw, "world 1 has 9", a, SETS_A0_TO_A2, OPTEE_SMC_RETURN_OK,
	       9, OPTEE_SMC_ASYNC_NOTIF_VALID, 0);
	regs_init(a, OPTEE_SMC_ENABLE_ASYNC_NOTIF);
	expect(fx->sw2, "world 2 ENABLE_ASYNC_NOTIF", a, SETS_A0,
	       OPTEE_SMC_RETURN_OK, 0, 0, 0);
	assert_true(smcsim_sw_notif_started(fx->sw2));
	assert_false(smcsim_sw_notif_started(fx->sw));

	assert_int_equal(smcsim_sw_calls(fx->sw), 3);
	assert_int_equal(smcsim_sw_calls(fx->sw2), 4);
}

/* ---- registration ------------------------------------------------------ */

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)

/* Tests whose expectations are the same in both profiles. */
#define COMMON_TESTS							\
	T(sw_fast_table_answers_match_abi_facts),			\
	T(sw_fast_table_answers_repeatable_in_one_world),		\
	T(sw_fast_get_thread_count_follows_config),			\
	T(sw_fast_os_revision_from_config),				\
	T(sw_fast_monitor_versions_from_config),			\
	T(sw_fast_shm_config_unknown_without_reserved_shm),		\
	T(sw_fast_shm_config_reports_cache_attr),			\
	T(sw_fast_exchange_caps_refuses_unknown_nsec_bits),		\
	T(sw_fast_exchange_caps_without_async_notif_keeps_a2),		\
	T(sw_fast_exchange_caps_notif_value_max),			\
	T(sw_fast_exchange_caps_protmem_bits),				\
	T(sw_fast_shm_cache_enable_disable_when_idle),			\
	T(sw_fast_boot_secondary_not_available),			\
	T(sw_fast_enable_async_notif_twice_is_harmless),		\
	T(sw_fast_async_notif_unknown_without_async),			\
	T(sw_fast_async_notif_value_empty),				\
	T(sw_fast_async_notif_value_lowest_first),			\
	T(sw_fast_async_notif_double_post_coalesces),			\
	T(sw_fast_async_notif_post_rejects_bad_values),			\
	T(sw_fast_protmem_config_unknown_without_static_protmem),	\
	T(sw_fast_protmem_config_static),				\
	T(sw_fast_protmem_config_rejects_nonzero_args),			\
	T(sw_fast_function_id_upper_bits_ignored),			\
	T(sw_create_rejects_bad_configs),				\
	T(sw_create_accepts_edge_configs),				\
	T(sw_introspection_reports_config_and_calls),			\
	T(sw_fast_worlds_are_independent)

int main(void)
{
	const struct CMUnitTest proposal[] = {
		COMMON_TESTS,
		T(sw_fast_exchange_caps_bit7_is_system_thread_in_proposal),
		T(sw_fast_sys_thread_reserve_until_thread_limit),
	};
	const struct CMUnitTest upstream[] = {
		COMMON_TESTS,
		T(sw_fast_exchange_caps_bit7_is_rpmb_probe_upstream),
		T(sw_fast_sys_thread_ids_unknown_upstream),
		T(sw_fast_qemu_v8_preset_answers_as_the_firmware),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("sw_entry_fast proposal", proposal,
					      group_setup_proposal,
					      group_teardown);
	failed += cmocka_run_group_tests_name("sw_entry_fast upstream", upstream,
					      group_setup_upstream,
					      group_teardown);
	return failed ? 1 : 0;
}
