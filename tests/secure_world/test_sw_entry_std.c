// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding ("standard") calls of the simulated secure world, at the level
 * of function IDs: every unknown yielding ID takes a secure thread, answers
 * EBADCMD with a1..a3 = 0 and frees the thread again; RETURN_FROM_RPC with
 * no suspended thread answers ERESUME (docs/abi.md sections 2, 3.2, 8.1
 * and 13). Both ABI profiles run the same checks, except for the proposal's
 * system invocation threads (seed 002, docs/design.md section 4): upstream,
 * 0x32000014/15/16 are unknown (EBADCMD); in the proposal profile
 * RESERVE/UNRESERVE_SYS_THREAD answer without taking a thread and
 * CALL_SYSTEM_WITH_REGD_ARG runs only on a reserved one. Message calls are
 * tested in test_sw_msg.c.
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

/**
 * struct fx - one profile's fixture
 * @profile:	the ABI profile of the group
 * @phys:	the default memory map, shared by the group
 * @cfg:	the configuration @sw was created with
 * @sw:		the world under test, fresh for every test
 */
struct fx {
	enum smcsim_abi_profile profile;
	struct smcsim_phys *phys;
	struct smcsim_sw_config cfg;
	struct smcsim_sw *sw;
};

static struct fx fx_proposal = { .profile = SMCSIM_ABI_PROPOSAL };
static struct fx fx_upstream = { .profile = SMCSIM_ABI_UPSTREAM };

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
	return smcsim_sw_create(&fx->cfg, &fx->sw) ? -1 : 0;
}

static int test_teardown(void **state)
{
	struct fx *fx = *state;

	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	return 0;
}

static void regs_init(unsigned long a[8], unsigned long a0)
{
	unsigned int i;

	a[0] = a0;
	for (i = 1; i < 8; i++)
		a[i] = REG_PATTERN(i);
}

/* One SMC; the caller's block, a4..a7 included, must come back unchanged. */
static void smc(struct smcsim_sw *sw, const char *what,
		const unsigned long a[8], struct arm_smccc_res *res)
{
	unsigned long before[8];

	memcpy(before, a, sizeof(before));
	memset(res, 0x5A, sizeof(*res));
	smcsim_sw_smc(sw, a, res);
	if (memcmp(before, a, sizeof(before))) {
		print_error("%s: the caller's registers were written\n", what);
		fail();
	}
}

/* Every secure thread is FREE again. */
static void check_all_free(struct smcsim_sw *sw, const char *what)
{
	unsigned int i;

	for (i = 0; i < smcsim_sw_num_threads(sw); i++) {
		if (smcsim_sw_thread_state(sw, i) != SMCSIM_SW_THREAD_FREE) {
			print_error("%s: thread %u is not FREE\n", what, i);
			fail();
		}
	}
}

/* A yielding call that completes: a0 = @ret, a1..a3 = 0. */
static void check_done(const char *what, const struct arm_smccc_res *res,
		       unsigned long ret)
{
	if (res->a0 != ret || res->a1 || res->a2 || res->a3) {
		print_error("%s: a0..a3 = %#lx %#lx %#lx %#lx, expected %#lx 0 0 0\n",
			    what, res->a0, res->a1, res->a2, res->a3, ret);
		fail();
	}
}

/**
 * struct std_row - one yielding call
 * @name:	printed when the row fails
 * @a0:		function ID
 */
struct std_row {
	const char *name;
	unsigned long a0;
};

/*
 * Yielding IDs that take a thread and, with no message calls modelled yet,
 * answer EBADCMD. The same in both profiles (the proposal's 0x32000014/15/16
 * are tested on their own below).
 */
static const struct std_row ebadcmd_rows[] = {
	/* Unknown yielding IDs: EBADCMD, never UNKNOWN_FUNCTION. */
	{ "unknown 0x320000FF", 0x320000FFUL },
	{ "unknown 0x32000000", 0x32000000UL },
	{ "fast GET_SHM_CONFIG as yielding", 0x32000007UL },
	{ "fast GET_THREAD_COUNT as yielding", 0x3200000FUL },
	{ "unknown 0x3200FFFF", 0x3200FFFFUL },
	{ "SMC64 CALL_WITH_ARG", 0x72000004UL },
	{ "SMC64 RETURN_FROM_RPC", 0x72000003UL },
	/*
	 * Bits 23:17 are not checked for yielding IDs, but OP-TEE compares
	 * the whole W0: this is no longer RETURN_FROM_RPC or CALL_WITH_ARG.
	 * (Bit 16, SMCCC v1.3's SVE hint, is stripped by TF-A, so it is not
	 * used here.)
	 */
	{ "reserved bit 17 CALL_WITH_ARG", 0x32020004UL },
	{ "reserved bit 17 RETURN_FROM_RPC", 0x32020003UL },
	{ "reserved bit 23 RETURN_FROM_RPC", 0x32800003UL },
	{ "owner 63 yielding", 0x3F00FF00UL },
	{ "owner 51 yielding", 0x33000004UL },
	{ "owner 62 (OPTEED) yielding", 0x3E000000UL },
};

static void sw_std_calls_answer_ebadcmd_and_free_the_thread(void **state)
{
	struct fx *fx = *state;
	uint64_t calls = smcsim_sw_calls(fx->sw);
	size_t n;

	for (n = 0; n < ARRAY_SIZE(ebadcmd_rows); n++) {
		const struct std_row *row = &ebadcmd_rows[n];
		struct arm_smccc_res res;
		unsigned long a[8];

		regs_init(a, row->a0);
		smc(fx->sw, row->name, a, &res);
		check_done(row->name, &res, OPTEE_SMC_RETURN_EBADCMD);
		check_all_free(fx->sw, row->name);
		/* An argument-less variant answers the same. */
		memset(a, 0, sizeof(a));
		a[0] = row->a0;
		smc(fx->sw, row->name, a, &res);
		check_done(row->name, &res, OPTEE_SMC_RETURN_EBADCMD);
		check_all_free(fx->sw, row->name);
	}
	assert_int_equal(smcsim_sw_calls(fx->sw),
			 calls + 2 * ARRAY_SIZE(ebadcmd_rows));
}

/* The thread is released each time: one thread serves any number of calls. */
static void sw_std_single_thread_never_hits_thread_limit(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res;
	unsigned long a[8];
	unsigned int i;

	fx->cfg.num_threads = 1;
	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	assert_int_equal(smcsim_sw_create(&fx->cfg, &fx->sw), 0);

	for (i = 0; i < 8; i++) {
		regs_init(a, ebadcmd_rows[i % ARRAY_SIZE(ebadcmd_rows)].a0);
		smc(fx->sw, "1 thread", a, &res);
		check_done("1 thread", &res, OPTEE_SMC_RETURN_EBADCMD);
		check_all_free(fx->sw, "1 thread");
	}
}

static void sw_std_return_from_rpc_without_suspended_thread_gets_eresume(void **state)
{
	static const unsigned long ids[] = { 7, 0, 1, 2, 0xFFFFFFFFUL, 64 };
	struct fx *fx = *state;
	struct arm_smccc_res res;
	unsigned long a[8];
	char what[64];
	size_t n;

	for (n = 0; n < ARRAY_SIZE(ids); n++) {
		regs_init(a, OPTEE_SMC_CALL_RETURN_FROM_RPC);
		a[3] = ids[n];
		snprintf(what, sizeof(what), "RETURN_FROM_RPC thread %#lx",
			 ids[n]);
		smc(fx->sw, what, a, &res);
		/*
		 * Only a0 is defined for ERESUME (docs/abi.md section 3.2): a1..a3
		 * are not checked.
		 */
		if (res.a0 != OPTEE_SMC_RETURN_ERESUME) {
			print_error("%s: a0 = %#lx, expected ERESUME\n", what,
				    res.a0);
			fail();
		}
		check_all_free(fx->sw, what);
	}
}

/* Only the low 32 bits of a3 name the thread. */
static void sw_std_return_from_rpc_upper_bits_of_thread_id_ignored(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res;
	unsigned long a[8];

	regs_init(a, (unsigned long)0x100000000ULL | OPTEE_SMC_CALL_RETURN_FROM_RPC);
	a[3] = (unsigned long)0x100000000ULL;
	smc(fx->sw, "RETURN_FROM_RPC, upper bits", a, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ERESUME);
	check_all_free(fx->sw, "RETURN_FROM_RPC, upper bits");
}

/* Fast calls after yielding ones still see every thread FREE. */
static void sw_std_calls_leave_shm_cache_calls_unblocked(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res;
	unsigned long a[8];

	/* A message call whose argument is nowhere: EBADADDR, thread freed. */
	regs_init(a, OPTEE_SMC_CALL_WITH_ARG);
	smc(fx->sw, "CALL_WITH_ARG", a, &res);
	check_done("CALL_WITH_ARG", &res, OPTEE_SMC_RETURN_EBADADDR);
	regs_init(a, OPTEE_SMC_CALL_RETURN_FROM_RPC);
	a[3] = 0;
	smc(fx->sw, "RETURN_FROM_RPC", a, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ERESUME);

	/* EBUSY would mean a thread was left ACTIVE or SUSPENDED. */
	regs_init(a, OPTEE_SMC_ENABLE_SHM_CACHE);
	smc(fx->sw, "ENABLE_SHM_CACHE", a, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	regs_init(a, OPTEE_SMC_DISABLE_SHM_CACHE);
	smc(fx->sw, "DISABLE_SHM_CACHE", a, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ENOTAVAIL);
}

/*
 * Yielding IDs whose owner is not the Trusted OS (50..63): TF-A has no
 * yielding service for them, so the monitor answers SMC_UNK and OP-TEE
 * never sees the call (no thread, a1..a3 the caller's).
 */
static const struct std_row other_owner_rows[] = {
	{ "SiP yielding 0x02000000", 0x02000000UL },
	{ "zero (Arm arch owner 0 yielding)", 0x0UL },
	{ "CPU owner 1 yielding", 0x01000004UL },
	{ "OEM owner 3 yielding", 0x03000004UL },
	{ "standard owner 4 yielding (PSCI_VERSION as yielding)", 0x04000000UL },
	{ "standard hyp owner 5 yielding", 0x05000000UL },
	{ "vendor hyp owner 6 yielding", 0x06000000UL },
	{ "reserved owner 47 yielding", 0x2F000004UL },
	{ "trusted app owner 48 yielding", 0x30000004UL },
	{ "trusted app owner 49 yielding", 0x31000003UL },
	{ "SMC64 SiP yielding", 0x42000004UL },
	/* Only W0 routes: bits 63:32 do not make it a Trusted OS call. */
	{ "SiP yielding with a0 bits 63:32 set",
	  (unsigned long)0x3202000004ULL },
};

/* The monitor's "unknown": -1 in all of a0, a1..a3 the caller's. */
static void check_smc_unk(const char *what, const unsigned long a[8],
			  const struct arm_smccc_res *res)
{
	if (res->a0 != (unsigned long)-1L || res->a1 != a[1] ||
	    res->a2 != a[2] || res->a3 != a[3]) {
		print_error("%s: a0..a3 = %#lx %#lx %#lx %#lx, expected SMC_UNK "
			    "with a1..a3 as passed\n", what, res->a0, res->a1,
			    res->a2, res->a3);
		fail();
	}
}

static void sw_std_other_owners_never_enter_optee(void **state)
{
	struct fx *fx = *state;
	uint64_t calls = smcsim_sw_calls(fx->sw);
	size_t n;

	for (n = 0; n < ARRAY_SIZE(other_owner_rows); n++) {
		const struct std_row *row = &other_owner_rows[n];
		struct arm_smccc_res res;
		unsigned long a[8];

		regs_init(a, row->a0);
		smc(fx->sw, row->name, a, &res);
		check_smc_unk(row->name, a, &res);
		check_all_free(fx->sw, row->name);
	}
	/* They are still SMCs the world counts. */
	assert_int_equal(smcsim_sw_calls(fx->sw),
			 calls + ARRAY_SIZE(other_owner_rows));
}

/* ---- system invocation threads (seed 002) ------------------------------ */

#define STD_CALL_SYSTEM	0x32000014UL
#define STD_RESERVE	0x32000015UL
#define STD_UNRESERVE	0x32000016UL
#define FAST_RESERVE	0xB2000015UL
#define FAST_UNRESERVE	0xB2000016UL

/* Upstream: the proposal's yielding IDs are unknown, EBADCMD is final. */
static void sw_std_sys_thread_ids_ebadcmd_upstream(void **state)
{
	static const struct std_row rows[] = {
		{ "0x32000014 CALL_SYSTEM_WITH_REGD_ARG", STD_CALL_SYSTEM },
		{ "0x32000015 RESERVE_SYS_THREAD", STD_RESERVE },
		{ "0x32000016 UNRESERVE_SYS_THREAD", STD_UNRESERVE },
	};
	struct fx *fx = *state;
	size_t n;

	for (n = 0; n < ARRAY_SIZE(rows); n++) {
		struct arm_smccc_res res;
		unsigned long a[8];

		regs_init(a, rows[n].a0);
		smc(fx->sw, rows[n].name, a, &res);
		check_done(rows[n].name, &res, OPTEE_SMC_RETURN_EBADCMD);
		memset(a, 0, sizeof(a));
		a[0] = rows[n].a0;
		smc(fx->sw, rows[n].name, a, &res);
		check_done(rows[n].name, &res, OPTEE_SMC_RETURN_EBADCMD);
		check_all_free(fx->sw, rows[n].name);
	}
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
}

/* One call by ID; only a0 is checked (reserve/unreserve define only a0). */
static unsigned long call_a0(struct smcsim_sw *sw, const char *what,
			     unsigned long fid)
{
	struct arm_smccc_res res;
	unsigned long a[8];

	regs_init(a, fid);
	smc(sw, what, a, &res);
	return res.a0;
}

/*
 * Proposal: both encodings of RESERVE/UNRESERVE answer OK without taking a
 * thread, and the reserved count follows them.
 */
static void sw_std_sys_thread_reserve_takes_no_thread(void **state)
{
	static const unsigned long reserve[] = { STD_RESERVE, FAST_RESERVE };
	static const unsigned long unreserve[] = { STD_UNRESERVE, FAST_UNRESERVE };
	struct fx *fx = *state;
	size_t n;

	for (n = 0; n < ARRAY_SIZE(reserve); n++) {
		uint64_t calls = smcsim_sw_calls(fx->sw);

		assert_int_equal(call_a0(fx->sw, "reserve", reserve[n]),
				 OPTEE_SMC_RETURN_OK);
		check_all_free(fx->sw, "reserve");
		assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 1);
		assert_int_equal(call_a0(fx->sw, "unreserve", unreserve[n]),
				 OPTEE_SMC_RETURN_OK);
		check_all_free(fx->sw, "unreserve");
		assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
		assert_int_equal(smcsim_sw_calls(fx->sw), calls + 2);
	}
	/* Mixed encodings name the same reservation. */
	assert_int_equal(call_a0(fx->sw, "std reserve", STD_RESERVE),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(call_a0(fx->sw, "fast unreserve", FAST_UNRESERVE),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
}

/*
 * Proposal, 2 threads: both can be reserved, a third reservation gets
 * ETHREAD_LIMIT; with every thread reserved an ordinary yielding call gets
 * ETHREAD_LIMIT while a system call still runs; unreserving more than was
 * reserved is harmless.
 */
static void sw_std_sys_thread_reservation_accounting(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res;
	unsigned long a[8];
	unsigned int i;

	assert_int_equal(smcsim_sw_num_threads(fx->sw), 2);
	/* Unreserve without reserve. */
	assert_int_equal(call_a0(fx->sw, "unreserve none", STD_UNRESERVE),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(call_a0(fx->sw, "fast unreserve none", FAST_UNRESERVE),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);

	assert_int_equal(call_a0(fx->sw, "reserve 1", STD_RESERVE),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 1);
	/* One unreserved thread left: ordinary calls still run. */
	regs_init(a, 0x320000FFUL);
	smc(fx->sw, "ordinary, 1 reserved", a, &res);
	check_done("ordinary, 1 reserved", &res, OPTEE_SMC_RETURN_EBADCMD);

	assert_int_equal(call_a0(fx->sw, "reserve 2", FAST_RESERVE),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 2);
	assert_int_equal(call_a0(fx->sw, "reserve 3", STD_RESERVE),
			 OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	assert_int_equal(call_a0(fx->sw, "fast reserve 3", FAST_RESERVE),
			 OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 2);

	/* Ordinary yielding calls never take a reserved thread. */
	assert_int_equal(call_a0(fx->sw, "ordinary, all reserved", 0x320000FFUL),
			 OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	/*
	 * The monitor answers a SiP yielding call before OP-TEE looks for a
	 * thread: SMC_UNK, not ETHREAD_LIMIT.
	 */
	assert_true(call_a0(fx->sw, "SiP yielding, all reserved",
			    0x02000000UL) == (unsigned long)-1L);
	assert_int_equal(call_a0(fx->sw, "CALL_WITH_REGD_ARG, all reserved",
				 OPTEE_SMC_CALL_WITH_REGD_ARG),
			 OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	/* A system call does, and fails on its bogus cookie. */
	regs_init(a, STD_CALL_SYSTEM);
	smc(fx->sw, "system call, bogus cookie", a, &res);
	check_done("system call, bogus cookie", &res,
		   OPTEE_SMC_RETURN_EBADADDR);
	check_all_free(fx->sw, "system call");
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 2);

	for (i = 0; i < 3; i++)
		assert_int_equal(call_a0(fx->sw, "unreserve", STD_UNRESERVE),
				 OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
	regs_init(a, 0x320000FFUL);
	smc(fx->sw, "ordinary, none reserved", a, &res);
	check_done("ordinary, none reserved", &res, OPTEE_SMC_RETURN_EBADCMD);
}

/* Proposal: a system call with nothing reserved finds no thread. */
static void sw_std_sys_call_needs_reserved_thread(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res;
	unsigned long a[8];

	regs_init(a, STD_CALL_SYSTEM);
	smc(fx->sw, "system call, none reserved", a, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	check_all_free(fx->sw, "system call, none reserved");

	/* Reserved: it runs; zero cookie is EBADADDR too. */
	assert_int_equal(call_a0(fx->sw, "reserve", STD_RESERVE),
			 OPTEE_SMC_RETURN_OK);
	memset(a, 0, sizeof(a));
	a[0] = STD_CALL_SYSTEM;
	smc(fx->sw, "system call, zero cookie", a, &res);
	check_done("system call, zero cookie", &res, OPTEE_SMC_RETURN_EBADADDR);
	check_all_free(fx->sw, "system call, zero cookie");
	assert_int_equal(call_a0(fx->sw, "unreserve", STD_UNRESERVE),
			 OPTEE_SMC_RETURN_OK);
	assert_int_equal(call_a0(fx->sw, "system call after unreserve",
				 STD_CALL_SYSTEM),
			 OPTEE_SMC_RETURN_ETHREAD_LIMIT);
}

/* Proposal profile built without SYSTEM_THREAD: the IDs are unknown. */
static void sw_std_sys_thread_ids_unknown_without_config(void **state)
{
	struct fx *fx = *state;

	fx->cfg.system_threads = false;
	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	assert_int_equal(smcsim_sw_create(&fx->cfg, &fx->sw), 0);

	assert_int_equal(call_a0(fx->sw, "reserve", STD_RESERVE),
			 OPTEE_SMC_RETURN_EBADCMD);
	assert_int_equal(call_a0(fx->sw, "unreserve", STD_UNRESERVE),
			 OPTEE_SMC_RETURN_EBADCMD);
	assert_int_equal(call_a0(fx->sw, "system call", STD_CALL_SYSTEM),
			 OPTEE_SMC_RETURN_EBADCMD);
	assert_int_equal(call_a0(fx->sw, "fast reserve", FAST_RESERVE),
			 OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(smcsim_sw_reserved_threads(fx->sw), 0);
	check_all_free(fx->sw, "without system_threads");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)

#define STD_TESTS							\
	T(sw_std_calls_answer_ebadcmd_and_free_the_thread),		\
	T(sw_std_other_owners_never_enter_optee),			\
	T(sw_std_single_thread_never_hits_thread_limit),		\
	T(sw_std_return_from_rpc_without_suspended_thread_gets_eresume), \
	T(sw_std_return_from_rpc_upper_bits_of_thread_id_ignored),	\
	T(sw_std_calls_leave_shm_cache_calls_unblocked)

int main(void)
{
	const struct CMUnitTest proposal[] = {
		STD_TESTS,
		T(sw_std_sys_thread_reserve_takes_no_thread),
		T(sw_std_sys_thread_reservation_accounting),
		T(sw_std_sys_call_needs_reserved_thread),
		T(sw_std_sys_thread_ids_unknown_without_config),
	};
	const struct CMUnitTest upstream[] = {
		STD_TESTS,
		T(sw_std_sys_thread_ids_ebadcmd_upstream),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("sw_entry_std proposal", proposal,
					      group_setup_proposal,
					      group_teardown);
	failed += cmocka_run_group_tests_name("sw_entry_std upstream", upstream,
					      group_setup_upstream,
					      group_teardown);
	return failed ? 1 : 0;
}
