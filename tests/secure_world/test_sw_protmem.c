// SPDX-License-Identifier: BSD-2-Clause
/*
 * Dynamic protected memory in the simulated secure world, at the raw SMC
 * level (sw_protmem.c): the message commands LEND_PROTMEM, RECLAIM_PROTMEM
 * and GET_PROTMEM_CONFIG as the Linux driver sends them (docs/abi.md
 * section 11), what a world without CFG_CORE_DYN_PROTMEM answers, and every
 * way a lend or reclaim can be wrong. The test plays the normal world: each
 * message lives in the reserved shm and goes with CALL_WITH_RPC_ARG, so no
 * RPC ALLOC is needed; an RPC where none is expected fails the test. After
 * every refused request the test checks that nothing changed: the lent
 * count, the pages the normal world lost, and that the range still works.
 * That the normal world's view of lent memory faults is proved in a forked
 * child (tb_probe_read()).
 *
 *  1. without CFG_CORE_DYN_PROTMEM
 *  2. GET_PROTMEM_CONFIG
 *  3. lend and reclaim
 *  4. the secure-video TA on the static region and on lent memory, and a
 *     reclaim while a call uses the memory
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>
#include <smcsim/sha256.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_error.h>

#include "testbed.h"

#define PAGE		SMCSIM_PAGE_SIZE
#define DRAM_BASE	SMCSIM_PHYS_DEFAULT_DRAM_BASE
#define DRAM_SIZE	SMCSIM_PHYS_DEFAULT_DRAM_SIZE
#define SHM_BASE	SMCSIM_PHYS_DEFAULT_SHM_BASE
#define SHM_SIZE	SMCSIM_PHYS_DEFAULT_SHM_SIZE
#define SEC_BASE	SMCSIM_PHYS_DEFAULT_SEC_BASE
#define PROT_BASE	SMCSIM_PHYS_DEFAULT_PROTMEM_BASE
#define HOLE_PA		0x42200000ULL
#define RPC_ARG_SIZE	OPTEE_MSG_GET_ARG_SIZE(OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS)
#define LIST_ENTRIES	OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE

/* The tests lend small ranges: the minimum is lowered to this. */
#define MIN_PAGES	4
#define MIN_SIZE	(MIN_PAGES * PAGE)

#define USE_VIDEO	OPTEE_MSG_PROTMEM_SECURE_VIDEO_PLAY
#define COOKIE(n)	(0x9E7D000000000000ULL | (uint64_t)(n))

/* Message slots in the reserved shm, one page each. */
#define SLOT(i)		((uint64_t)(i) * PAGE)
#define SHM_DATA	0x10000ULL	/* clear buffers, TMEM by PA */

/**
 * struct fx - one test's world
 * @phys:	memory map, fresh for every test
 * @cfg:	what @sw was created with
 * @sw:		the world under test
 * @shm:	the normal world's view of the reserved shm
 */
struct fx {
	struct smcsim_phys *phys;
	struct smcsim_sw_config cfg;
	struct smcsim_sw *sw;
	uint8_t *shm;
};

static struct fx the_fx;

static int fx_setup_cfg(struct fx *fx, bool dynamic, bool stat)
{
	struct smcsim_phys_config pcfg;

	memset(fx, 0, sizeof(*fx));
	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &fx->phys))
		return -1;
	fx->shm = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, SHM_BASE,
				  SHM_SIZE);
	smcsim_sw_config_default(&fx->cfg, SMCSIM_ABI_UPSTREAM, fx->phys);
	fx->cfg.dynamic_protmem = dynamic;
	fx->cfg.static_protmem = stat;
	fx->cfg.protmem_min_size = MIN_SIZE;
	fx->cfg.internal_tests_pta = true;
	return smcsim_sw_create(&fx->cfg, &fx->sw) ? -1 : 0;
}

static int setup_dynamic(void **state)
{
	*state = &the_fx;
	return fx_setup_cfg(&the_fx, true, false);
}

static int setup_plain(void **state)
{
	*state = &the_fx;
	return fx_setup_cfg(&the_fx, false, false);
}

static int setup_static(void **state)
{
	*state = &the_fx;
	return fx_setup_cfg(&the_fx, false, true);
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	smcsim_phys_destroy(fx->phys);
	fx->phys = NULL;
	return 0;
}

/* ---- messages ------------------------------------------------------------ */

static struct optee_msg_arg *msg_at(struct fx *fx, unsigned int slot,
				    uint32_t cmd, uint32_t num_params)
{
	struct optee_msg_arg *arg = (void *)(fx->shm + SLOT(slot));

	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(num_params) + RPC_ARG_SIZE);
	arg->cmd = cmd;
	arg->num_params = num_params;
	return arg;
}

static void smc(struct fx *fx, unsigned long a0, unsigned long a1,
		unsigned long a2, unsigned long a3, struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, 0, 0, 0, 0 };

	smcsim_sw_smc(fx->sw, a, res);
}

/* Start the message in @slot; @res gets the first answer (maybe an RPC). */
static void msg_start(struct fx *fx, unsigned int slot,
		      struct arm_smccc_res *res)
{
	uint64_t pa = SHM_BASE + SLOT(slot);

	smc(fx, OPTEE_SMC_CALL_WITH_RPC_ARG, reg_pair_hi(pa), reg_pair_lo(pa),
	    0, res);
}

/* Run the message in @slot, which must complete without RPC; Return: a0. */
static unsigned long msg_run(struct fx *fx, unsigned int slot)
{
	struct arm_smccc_res res;

	msg_start(fx, slot, &res);
	if (optee_smc_return_is_rpc(res.a0))
		fail_msg("unexpected RPC 0x%lx", res.a0);
	assert_int_equal(res.a1, 0);
	assert_int_equal(res.a2, 0);
	assert_int_equal(res.a3, 0);
	return res.a0;
}

/* LEND_PROTMEM as Linux sends it. Return: the TEE result (a0 must be OK). */
static uint32_t lend(struct fx *fx, uint64_t cookie, uint64_t pa,
		     uint64_t size, uint64_t use_case)
{
	struct optee_msg_arg *arg = msg_at(fx, 0, OPTEE_MSG_CMD_LEND_PROTMEM, 2);

	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	arg->params[0].u.value.a = use_case;
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	arg->params[1].u.tmem.buf_ptr = pa;
	arg->params[1].u.tmem.size = size;
	arg->params[1].u.tmem.shm_ref = cookie;
	assert_int_equal(msg_run(fx, 0), OPTEE_SMC_RETURN_OK);
	return arg->ret;
}

/* RECLAIM_PROTMEM as Linux sends it. Return: the TEE result. */
static uint32_t reclaim(struct fx *fx, uint64_t cookie)
{
	struct optee_msg_arg *arg = msg_at(fx, 1, OPTEE_MSG_CMD_RECLAIM_PROTMEM,
					   1);

	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	arg->params[0].u.rmem.shm_ref = cookie;
	assert_int_equal(msg_run(fx, 1), OPTEE_SMC_RETURN_OK);
	return arg->ret;
}

/* DRAM pages for a lend, filled with @fill through the normal view. */
static uint64_t dram_pages(struct fx *fx, size_t npages, uint8_t fill)
{
	uint8_t *va;
	uint64_t pa;

	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, npages, &pa), 0);
	va = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, pa, npages * PAGE);
	assert_non_null(va);
	memset(va, fill, npages * PAGE);
	return pa;
}

/* The secure world's state is exactly @lent ranges covering @pages pages. */
static void expect_lent(struct fx *fx, unsigned int lent, size_t pages)
{
	assert_int_equal(smcsim_sw_protmem_lent_count(fx->sw), lent);
	assert_int_equal(smcsim_phys_ns_denied_pages(fx->phys), pages);
}

/* ---- 1. without CFG_CORE_DYN_PROTMEM ------------------------------------- */

static void expect_ebadcmd(struct fx *fx, uint32_t cmd, uint32_t num_params)
{
	struct optee_msg_arg *arg = msg_at(fx, 2, cmd, num_params);

	if (num_params) {
		arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
		arg->params[0].u.value.a = USE_VIDEO;
	}
	arg->ret = 0x12345678;
	assert_int_equal(msg_run(fx, 2), OPTEE_SMC_RETURN_EBADCMD);
	/* Nothing is written back for an unknown command. */
	assert_int_equal(arg->ret, 0x12345678);
}

/* Plain and static-pool firmware: the three commands are unknown. */
static void protmem_disabled_is_unknown_command(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, MIN_PAGES, 0);

	assert_false(smcsim_sw_sec_caps(fx->sw) &
		     OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM);
	expect_ebadcmd(fx, OPTEE_MSG_CMD_GET_PROTMEM_CONFIG, 2);
	expect_ebadcmd(fx, OPTEE_MSG_CMD_RECLAIM_PROTMEM, 1);
	expect_ebadcmd(fx, OPTEE_MSG_CMD_ASSIGN_PROTMEM, 1);
	{
		struct optee_msg_arg *arg =
			msg_at(fx, 0, OPTEE_MSG_CMD_LEND_PROTMEM, 2);

		arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		arg->params[0].u.value.a = USE_VIDEO;
		arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
		arg->params[1].u.tmem.buf_ptr = pa;
		arg->params[1].u.tmem.size = MIN_SIZE;
		arg->params[1].u.tmem.shm_ref = COOKIE(1);
		assert_int_equal(msg_run(fx, 0), OPTEE_SMC_RETURN_EBADCMD);
	}
	expect_lent(fx, 0, 0);
	assert_int_equal(tb_probe_read(smcsim_phys_ns_view(fx->phys, pa, 1)),
			 TB_PROBE_READ_OK);
}

/* ---- 2. GET_PROTMEM_CONFIG ------------------------------------------------ */

static struct optee_msg_arg *config_msg(struct fx *fx, uint64_t use_case)
{
	struct optee_msg_arg *arg = msg_at(fx, 3,
					   OPTEE_MSG_CMD_GET_PROTMEM_CONFIG, 2);

	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	arg->params[0].u.value.a = use_case;
	/* Linux's NULL memref: TMEM with cache bits and no buffer. */
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
		((uint64_t)OPTEE_MSG_ATTR_CACHE_PREDEFINED <<
		 OPTEE_MSG_ATTR_CACHE_SHIFT);
	return arg;
}

static void protmem_get_config(void **state)
{
	struct fx *fx = *state;
	struct optee_msg_arg *arg;

	assert_true(smcsim_sw_sec_caps(fx->sw) &
		    OPTEE_SMC_SEC_CAP_DYNAMIC_PROTMEM);
	arg = config_msg(fx, USE_VIDEO);
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_SUCCESS);
	assert_int_equal(arg->ret_origin, TEEC_ORIGIN_TEE);
	assert_int_equal(arg->params[0].u.value.a, MIN_SIZE);
	assert_int_equal(arg->params[0].u.value.b,
			 SMCSIM_SW_PROTMEM_DEFAULT_ALIGN);
	assert_int_equal(arg->params[0].u.value.c, 64);
	assert_int_equal(arg->params[1].u.tmem.size, 0);

	/* Trusted UI too; an output buffer in the shm comes back untouched. */
	arg = config_msg(fx, OPTEE_MSG_PROTMEM_TRUSTED_UI);
	arg->params[1].u.tmem.buf_ptr = SHM_BASE + SHM_DATA;
	arg->params[1].u.tmem.size = 64;
	memset(fx->shm + SHM_DATA, 0xEE, 64);
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_SUCCESS);
	assert_int_equal(arg->params[0].u.value.a, MIN_SIZE);
	assert_int_equal(arg->params[1].u.tmem.size, 64);
	assert_int_equal(fx->shm[SHM_DATA + 63], 0xEE);

	/* The configured knobs are what it reports. */
	smcsim_sw_destroy(fx->sw);
	fx->cfg.protmem_min_size = 0;
	fx->cfg.protmem_align = 16 * PAGE;
	assert_int_equal(smcsim_sw_create(&fx->cfg, &fx->sw), 0);
	arg = config_msg(fx, USE_VIDEO);
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_SUCCESS);
	assert_int_equal(arg->params[0].u.value.a,
			 SMCSIM_SW_PROTMEM_DEFAULT_MIN_SIZE);
	assert_int_equal(arg->params[0].u.value.b, 16 * PAGE);

	/* An alignment that is not a power of two of pages is no config. */
	fx->cfg.protmem_align = 3 * PAGE;
	{
		struct smcsim_sw *bad = NULL;

		assert_int_equal(smcsim_sw_create(&fx->cfg, &bad), -EINVAL);
		fx->cfg.protmem_align = 512;
		assert_int_equal(smcsim_sw_create(&fx->cfg, &bad), -EINVAL);
		assert_null(bad);
	}
}

static void protmem_get_config_bad_input(void **state)
{
	struct fx *fx = *state;
	struct optee_msg_arg *arg;

	/* Use cases OP-TEE does not lend for. */
	arg = config_msg(fx, OPTEE_MSG_PROTMEM_RESERVED);
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(arg->ret_origin, TEEC_ORIGIN_TEE);
	arg = config_msg(fx, 0x100000001ULL);
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);

	/* Value not INOUT; memref not an output; one param; three params. */
	arg = config_msg(fx, USE_VIDEO);
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg = config_msg(fx, USE_VIDEO);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg = config_msg(fx, USE_VIDEO);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			      OPTEE_MSG_ATTR_META;
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg = config_msg(fx, USE_VIDEO);
	arg->num_params = 1;
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg = config_msg(fx, USE_VIDEO);
	arg->num_params = 3;
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);

	/* An output buffer in secure memory, or an unknown cookie. */
	arg = config_msg(fx, USE_VIDEO);
	arg->params[1].u.tmem.buf_ptr = SEC_BASE;
	arg->params[1].u.tmem.size = 64;
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg = config_msg(fx, USE_VIDEO);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT;
	arg->params[1].u.rmem.shm_ref = COOKIE(77);
	arg->params[1].u.rmem.size = 64;
	assert_int_equal(msg_run(fx, 3), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 0, 0);
}

/* ---- 3. lend and reclaim -------------------------------------------------- */

/*
 * Lend, the normal world loses the pages (its reads fault), the secure
 * world writes them, reclaim: back, readable, and zeroed.
 */
static void protmem_lend_reclaim_round_trip(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, MIN_PAGES + 1, 0x77);
	const uint8_t *ns = smcsim_phys_ns_view(fx->phys, pa, MIN_SIZE + PAGE);
	uint8_t *sec;
	size_t i;

	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	expect_lent(fx, 1, MIN_PAGES);
	assert_true(smcsim_sw_protmem_is_lent(fx->sw, pa));
	assert_true(smcsim_sw_protmem_is_lent(fx->sw, pa + MIN_SIZE - 1));
	assert_false(smcsim_sw_protmem_is_lent(fx->sw, pa + MIN_SIZE));
	assert_false(smcsim_sw_protmem_is_lent(fx->sw, pa - 1));
	assert_null(smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, pa, 1));
	assert_false(smcsim_phys_is_nonsecure(fx->phys, pa + PAGE, 1));
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);
	assert_int_equal(tb_probe_read(ns + MIN_SIZE - 1), TB_PROBE_FAULTED);
	/* The page after the range stays the normal world's. */
	assert_int_equal(tb_probe_read(ns + MIN_SIZE), TB_PROBE_READ_OK);

	/* The secure world sees what the normal world had, and writes. */
	sec = smcsim_phys_map(fx->phys, SMCSIM_WORLD_SECURE, pa, MIN_SIZE);
	assert_int_equal(sec[0], 0x77);
	memset(sec, 0xC3, MIN_SIZE);

	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
	expect_lent(fx, 0, 0);
	assert_false(smcsim_sw_protmem_is_lent(fx->sw, pa));
	assert_int_equal(tb_probe_read(ns), TB_PROBE_READ_OK);
	assert_ptr_equal(smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, pa,
					 MIN_SIZE), ns);
	for (i = 0; i < MIN_SIZE; i++)
		if (ns[i])
			fail_msg("byte %zu is 0x%x after reclaim", i, ns[i]);
	assert_int_equal(ns[MIN_SIZE], 0x77);

	/* The same range can be lent again, under a new cookie. */
	assert_int_equal(lend(fx, COOKIE(2), pa, MIN_SIZE, OPTEE_MSG_PROTMEM_TRUSTED_UI),
			 TEE_SUCCESS);
	expect_lent(fx, 1, MIN_PAGES);
	assert_int_equal(reclaim(fx, COOKIE(2)), TEE_SUCCESS);
	expect_lent(fx, 0, 0);
}

static void protmem_double_lend(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, MIN_PAGES, 0);
	uint64_t other = dram_pages(fx, MIN_PAGES, 0);

	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	/* The same request again, the same range under another cookie. */
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(2), pa, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	/* The same cookie for other memory. */
	assert_int_equal(lend(fx, COOKIE(1), other, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 1, MIN_PAGES);
	assert_int_equal(tb_probe_read(smcsim_phys_ns_view(fx->phys, other, 1)),
			 TB_PROBE_READ_OK);
	/* Two different ranges are fine. */
	assert_int_equal(lend(fx, COOKIE(2), other, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	expect_lent(fx, 2, 2 * MIN_PAGES);
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
	assert_int_equal(reclaim(fx, COOKIE(2)), TEE_SUCCESS);
	expect_lent(fx, 0, 0);
}

static void protmem_overlapping_lend(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, 3 * MIN_PAGES, 0);
	const uint64_t mid = pa + MIN_SIZE;

	assert_int_equal(lend(fx, COOKIE(1), mid, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	/* Ending in it, starting in it, covering it. */
	assert_int_equal(lend(fx, COOKIE(2), mid - PAGE, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(3), mid + MIN_SIZE - PAGE, MIN_SIZE,
			      USE_VIDEO), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(4), pa, 3 * MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 1, MIN_PAGES);
	/* Right next to it on both sides is fine. */
	assert_int_equal(lend(fx, COOKIE(5), pa, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	assert_int_equal(lend(fx, COOKIE(6), mid + MIN_SIZE, MIN_SIZE,
			      USE_VIDEO), TEE_SUCCESS);
	expect_lent(fx, 3, 3 * MIN_PAGES);
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
	assert_int_equal(reclaim(fx, COOKIE(5)), TEE_SUCCESS);
	assert_int_equal(reclaim(fx, COOKIE(6)), TEE_SUCCESS);
	expect_lent(fx, 0, 0);
}

static void protmem_reclaim_unknown_and_twice(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, MIN_PAGES, 0);
	struct optee_msg_arg *arg;

	/* Never lent: refused (a reclaim cannot give away other memory). */
	assert_int_equal(reclaim(fx, COOKIE(9)), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(reclaim(fx, 0), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	assert_int_equal(reclaim(fx, COOKIE(9)), TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 1, MIN_PAGES);

	/* Linux's shape only: RMEM_INPUT, one param. */
	arg = msg_at(fx, 1, OPTEE_MSG_CMD_RECLAIM_PROTMEM, 1);
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	arg->params[0].u.value.a = COOKIE(1);
	assert_int_equal(msg_run(fx, 1), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(arg->ret_origin, TEEC_ORIGIN_TEE);
	arg = msg_at(fx, 1, OPTEE_MSG_CMD_RECLAIM_PROTMEM, 2);
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	arg->params[0].u.rmem.shm_ref = COOKIE(1);
	assert_int_equal(msg_run(fx, 1), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 1, MIN_PAGES);

	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 0, 0);
}

/* Only whole pages of non-secure memory inside the map can be lent. */
static void protmem_lend_refuses_non_dram(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(lend(fx, COOKIE(1), SEC_BASE, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(2), PROT_BASE, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(3), HOLE_PA, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	/* Straddling the end of DRAM; wrapping around the address space. */
	assert_int_equal(lend(fx, COOKIE(4), DRAM_BASE + DRAM_SIZE - PAGE,
			      MIN_SIZE, USE_VIDEO), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(5), UINT64_MAX & ~(uint64_t)(PAGE - 1),
			      MIN_SIZE, USE_VIDEO), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(6), DRAM_BASE, UINT64_MAX & ~(uint64_t)(PAGE - 1),
			      USE_VIDEO), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(7), 0, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	/* The reserved shm is non-secure, but it carries the messages. */
	assert_int_equal(lend(fx, COOKIE(8), SHM_BASE + SHM_SIZE - MIN_SIZE,
			      MIN_SIZE, USE_VIDEO), TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 0, 0);
	assert_int_equal(tb_probe_read(smcsim_phys_ns_view(fx->phys,
							   DRAM_BASE + DRAM_SIZE - PAGE,
							   1)),
			 TB_PROBE_READ_OK);
}

/* Alignment, size, use case, cookie, message shape. */
static void protmem_lend_bad_arguments(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, 4 * MIN_PAGES, 0);
	uint64_t aligned = (pa + 2 * MIN_SIZE - 1) & ~(uint64_t)(2 * MIN_SIZE - 1);
	struct optee_msg_arg *arg;

	assert_int_equal(lend(fx, COOKIE(1), pa + 8, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE + 8, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE - PAGE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(1), pa, 0, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, 0, pa, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE,
			      OPTEE_MSG_PROTMEM_RESERVED),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE,
			      OPTEE_MSG_PROTMEM_SECURE_VIDEO_RECORD),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, 0x100000001ULL),
			 TEE_ERROR_BAD_PARAMETERS);

	/* Shapes: attributes must be exact, two params. */
	arg = msg_at(fx, 0, OPTEE_MSG_CMD_LEND_PROTMEM, 2);
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	arg->params[0].u.value.a = USE_VIDEO;
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT |
			      OPTEE_MSG_ATTR_NONCONTIG;
	arg->params[1].u.tmem.buf_ptr = pa;
	arg->params[1].u.tmem.size = MIN_SIZE;
	arg->params[1].u.tmem.shm_ref = COOKIE(1);
	assert_int_equal(msg_run(fx, 0), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	assert_int_equal(msg_run(fx, 0), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	assert_int_equal(msg_run(fx, 0), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	arg->num_params = 1;
	assert_int_equal(msg_run(fx, 0), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	arg->num_params = 3;
	assert_int_equal(msg_run(fx, 0), OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 0, 0);

	/* A stricter platform alignment. */
	smcsim_sw_destroy(fx->sw);
	fx->cfg.protmem_align = 2 * MIN_SIZE;
	assert_int_equal(smcsim_sw_create(&fx->cfg, &fx->sw), 0);
	assert_int_equal(lend(fx, COOKIE(1), aligned + MIN_SIZE, MIN_SIZE,
			      USE_VIDEO), TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 0, 0);
	assert_int_equal(lend(fx, COOKIE(1), aligned, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	expect_lent(fx, 1, MIN_PAGES);
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
}

/* REGISTER_SHM of @npages contiguous pages at @pa. Return: TEE result. */
static uint32_t register_shm(struct fx *fx, uint64_t cookie, uint64_t pa,
			     size_t npages)
{
	struct optee_msg_arg *arg;
	uint64_t list_pa, *list;
	size_t i;

	assert_true(npages <= LIST_ENTRIES);
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &list_pa), 0);
	list = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, list_pa, PAGE);
	memset(list, 0, PAGE);
	for (i = 0; i < npages; i++)
		list[i] = pa + i * PAGE;
	arg = msg_at(fx, 4, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			      OPTEE_MSG_ATTR_NONCONTIG;
	arg->params[0].u.tmem.buf_ptr = list_pa;
	arg->params[0].u.tmem.size = npages * PAGE;
	arg->params[0].u.tmem.shm_ref = cookie;
	assert_int_equal(msg_run(fx, 4), OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_phys_free_pages(fx->phys, list_pa, 1), 0);
	return arg->ret;
}

/* Registered shm and lent memory never share a page, either way round. */
static void protmem_lend_vs_registered_shm(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, 2 * MIN_PAGES, 0);

	assert_int_equal(register_shm(fx, COOKIE(0x51), pa + MIN_SIZE - PAGE, 1),
			 TEE_SUCCESS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, USE_VIDEO),
			 TEE_ERROR_BAD_PARAMETERS);
	expect_lent(fx, 0, 0);
	assert_int_equal(lend(fx, COOKIE(1), pa + MIN_SIZE, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	assert_int_equal(register_shm(fx, COOKIE(0x52), pa + MIN_SIZE + PAGE, 2),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_false(smcsim_sw_shm_registered(fx->sw, COOKIE(0x52)));
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 1);
	/* A lent cookie is not a registered shm to unregister. */
	{
		struct optee_msg_arg *arg =
			msg_at(fx, 4, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);

		arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
		arg->params[0].u.rmem.shm_ref = COOKIE(1);
		assert_int_equal(msg_run(fx, 4), OPTEE_SMC_RETURN_OK);
		assert_int_not_equal(arg->ret, TEE_SUCCESS);
	}
	expect_lent(fx, 1, MIN_PAGES);
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
}

/* Destroying the world gives lent memory back (ASan checks the records). */
static void protmem_destroy_with_lent_memory(void **state)
{
	struct fx *fx = *state;
	uint64_t a = dram_pages(fx, MIN_PAGES, 0x11);
	uint64_t b = dram_pages(fx, MIN_PAGES, 0x22);
	const uint8_t *ns = smcsim_phys_ns_view(fx->phys, a, MIN_SIZE);

	assert_int_equal(lend(fx, COOKIE(1), a, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	assert_int_equal(lend(fx, COOKIE(2), b, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	expect_lent(fx, 2, 2 * MIN_PAGES);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);
	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	assert_int_equal(smcsim_phys_ns_denied_pages(fx->phys), 0);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_READ_OK);
	assert_int_equal(ns[0], 0);
	assert_non_null(smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, b,
					MIN_SIZE));
	assert_int_equal(smcsim_sw_create(&fx->cfg, &fx->sw), 0);
}

/* ---- 4. the secure-video TA ------------------------------------------------ */

#define META_VALUE	(OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META)

static uint32_t open_session(struct fx *fx, const struct smcsim_uuid *uuid,
			     uint32_t *session)
{
	struct optee_msg_arg *arg = msg_at(fx, 5, OPTEE_MSG_CMD_OPEN_SESSION, 2);

	arg->params[0].attr = META_VALUE;
	smcsim_uuid_to_octets(uuid, arg->params[0].u.octets);
	arg->params[1].attr = META_VALUE;
	arg->params[1].u.value.c = OPTEE_MSG_LOGIN_PUBLIC;
	assert_int_equal(msg_run(fx, 5), OPTEE_SMC_RETURN_OK);
	*session = arg->session;
	return arg->ret;
}

static uint32_t open_sdp(struct fx *fx)
{
	const struct smcsim_uuid uuid = SMCSIM_TA_SDP_UUID;
	uint32_t session = 0;

	assert_int_equal(open_session(fx, &uuid, &session), TEE_SUCCESS);
	assert_int_not_equal(session, 0);
	return session;
}

static void set_tmem(struct optee_msg_param *p, uint64_t type, uint64_t pa,
		     uint64_t size)
{
	p->attr = type;
	p->u.tmem.buf_ptr = pa;
	p->u.tmem.size = size;
}

static void set_rmem(struct optee_msg_param *p, uint64_t type, uint64_t cookie,
		     uint64_t offs, uint64_t size)
{
	p->attr = type;
	p->u.rmem.shm_ref = cookie;
	p->u.rmem.offs = offs;
	p->u.rmem.size = size;
}

static void set_value(struct optee_msg_param *p, uint64_t type, uint64_t a)
{
	p->attr = type;
	p->u.value.a = a;
}

/* An INVOKE message with 4 NONE params, in slot 6. */
static struct optee_msg_arg *invoke_msg(struct fx *fx, uint32_t session,
					uint32_t func)
{
	struct optee_msg_arg *arg = msg_at(fx, 6, OPTEE_MSG_CMD_INVOKE_COMMAND,
					   4);

	arg->session = session;
	arg->func = func;
	return arg;
}

/* Run it. Return: the TEE result (the call itself must complete OK). */
static uint32_t invoke_run(struct fx *fx, struct optee_msg_arg *arg)
{
	assert_int_equal(msg_run(fx, 6), OPTEE_SMC_RETURN_OK);
	return arg->ret;
}

static uint32_t sdp_fill(struct fx *fx, uint32_t session,
			 const struct optee_msg_param *mem, uint8_t seed)
{
	struct optee_msg_arg *arg = invoke_msg(fx, session,
					       SMCSIM_TA_SDP_CMD_FILL);

	arg->params[0] = *mem;
	set_value(&arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, seed);
	return invoke_run(fx, arg);
}

/* DIGEST of @mem into the shm; Return: TEE result, *@md the digest. */
static uint32_t sdp_digest(struct fx *fx, uint32_t session,
			   const struct optee_msg_param *mem, uint8_t *md)
{
	struct optee_msg_arg *arg = invoke_msg(fx, session,
					       SMCSIM_TA_SDP_CMD_DIGEST);
	uint32_t ret;

	arg->params[0] = *mem;
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		 SHM_BASE + SHM_DATA + 8 * PAGE, SMCSIM_TA_SDP_DIGEST_SIZE);
	ret = invoke_run(fx, arg);
	if (!ret) {
		assert_int_equal(arg->params[1].u.tmem.size,
				 SMCSIM_TA_SDP_DIGEST_SIZE);
		memcpy(md, fx->shm + SHM_DATA + 8 * PAGE,
		       SMCSIM_TA_SDP_DIGEST_SIZE);
	}
	return ret;
}

static void expected_fill_digest(uint8_t seed, size_t len, uint8_t *md)
{
	uint8_t buf[2 * PAGE];
	size_t i;

	assert_true(len <= sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i);
	smcsim_sha256(buf, len, md);
}

/* QUERY with @p1..@p3; Return: the mask (the call must succeed). */
static uint32_t sdp_query(struct fx *fx, uint32_t session,
			  const struct optee_msg_param *p1,
			  const struct optee_msg_param *p2)
{
	struct optee_msg_arg *arg = invoke_msg(fx, session,
					       SMCSIM_TA_SDP_CMD_QUERY);

	set_value(&arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0xFF);
	arg->params[1] = *p1;
	arg->params[2] = *p2;
	assert_int_equal(invoke_run(fx, arg), TEE_SUCCESS);
	assert_int_equal(arg->ret_origin, TEEC_ORIGIN_TRUSTED_APP);
	return (uint32_t)arg->params[0].u.value.a;
}

/* The static protected region: the TA works there, and only there. */
static void sdp_static_region(void **state)
{
	struct fx *fx = *state;
	uint32_t session = open_sdp(fx);
	uint8_t md[32], want[32];
	struct optee_msg_param prot, clear, out;
	struct optee_msg_arg *arg;
	const uint8_t *sec;
	size_t i;

	sec = smcsim_phys_map(fx->phys, SMCSIM_WORLD_SECURE, PROT_BASE,
			      2 * PAGE);
	memset(&prot, 0, sizeof(prot));
	set_tmem(&prot, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, PROT_BASE + PAGE,
		 PAGE + 100);
	assert_int_equal(sdp_fill(fx, session, &prot, 0x30), TEE_SUCCESS);
	for (i = 0; i < PAGE + 100; i++)
		assert_int_equal(sec[PAGE + i], (uint8_t)(0x30 + i));
	prot.attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	assert_int_equal(sdp_digest(fx, session, &prot, md), TEE_SUCCESS);
	expected_fill_digest(0x30, PAGE + 100, want);
	assert_memory_equal(md, want, 32);

	/* DECODE from the clear shm into protected memory. */
	for (i = 0; i < 300; i++)
		fx->shm[SHM_DATA + i] = (uint8_t)(i * 13);
	arg = invoke_msg(fx, session, SMCSIM_TA_SDP_CMD_DECODE);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
		 SHM_BASE + SHM_DATA, 300);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, PROT_BASE,
		 PAGE);
	assert_int_equal(invoke_run(fx, arg), TEE_SUCCESS);
	assert_int_equal(arg->params[1].u.tmem.size, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(sec[i], SMCSIM_TA_SDP_DECODE((uint8_t)(i * 13), i));
	/* Too small an output: the size it needs, nothing written. */
	arg = invoke_msg(fx, session, SMCSIM_TA_SDP_CMD_DECODE);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
		 SHM_BASE + SHM_DATA, 300);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		 PROT_BASE + 3 * PAGE, 299);
	assert_int_equal(invoke_run(fx, arg), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(arg->params[1].u.tmem.size, 300);

	/* Decoded data never goes to the shm: SECURITY, nothing written. */
	memset(fx->shm + SHM_DATA + 4 * PAGE, 0xAB, PAGE);
	arg = invoke_msg(fx, session, SMCSIM_TA_SDP_CMD_DECODE);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
		 SHM_BASE + SHM_DATA, 300);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		 SHM_BASE + SHM_DATA + 4 * PAGE, PAGE);
	assert_int_equal(invoke_run(fx, arg), TEE_ERROR_SECURITY);
	assert_int_equal(arg->ret_origin, TEEC_ORIGIN_TRUSTED_APP);
	memset(&clear, 0, sizeof(clear));
	set_tmem(&clear, OPTEE_MSG_ATTR_TYPE_TMEM_INOUT,
		 SHM_BASE + SHM_DATA + 4 * PAGE, PAGE);
	assert_int_equal(sdp_fill(fx, session, &clear, 1), TEE_ERROR_SECURITY);
	for (i = 0; i < PAGE; i++)
		assert_int_equal(fx->shm[SHM_DATA + 4 * PAGE + i], 0xAB);
	/* A digest is only of protected memory. */
	clear.attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	assert_int_equal(sdp_digest(fx, session, &clear, md),
			 TEE_ERROR_BAD_PARAMETERS);

	/* QUERY: which params are protected. */
	memset(&out, 0, sizeof(out));
	set_tmem(&out, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, PROT_BASE, 16);
	assert_int_equal(sdp_query(fx, session, &out, &clear), 1U << 1);
	assert_int_equal(sdp_query(fx, session, &clear, &out), 1U << 2);
	assert_int_equal(sdp_query(fx, session, &clear, &clear), 0);

	/* Protected memory is not stretched past the region. */
	set_tmem(&out, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		 PROT_BASE + SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE - 16, 32);
	assert_int_equal(sdp_fill(fx, session, &out, 0),
			 TEE_ERROR_BAD_PARAMETERS);
	/* The normal world never could read the region. */
	assert_int_equal(tb_probe_read(smcsim_phys_ns_view(fx->phys,
							   PROT_BASE, 1)),
			 TB_PROBE_FAULTED);
}

/*
 * The invoke-tests PTA's secure-data-path commands, with the static
 * protected region as OP-TEE's SDP memory: copy in, negate in place, copy
 * out; the wrong kind of memory on either side is BAD_PARAMETERS, a short
 * output SHORT_BUFFER with the size needed.
 */
static void sdp_invoke_tests_pta_commands(void **state)
{
	struct fx *fx = *state;
	const struct smcsim_uuid uuid = SMCSIM_PTA_INVOKE_TESTS_UUID;
	const uint64_t in_pa = SHM_BASE + SHM_DATA;
	const uint64_t out_pa = SHM_BASE + SHM_DATA + PAGE;
	uint8_t *in = fx->shm + SHM_DATA, *out = fx->shm + SHM_DATA + PAGE;
	struct optee_msg_arg *arg;
	uint32_t session = 0;
	const uint8_t *sec;
	size_t i;

	assert_int_equal(open_session(fx, &uuid, &session), TEE_SUCCESS);
	sec = smcsim_phys_map(fx->phys, SMCSIM_WORLD_SECURE, PROT_BASE, PAGE);
	for (i = 0; i < 64; i++)
		in[i] = (uint8_t)(i + 1);

	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, in_pa, 64);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, PROT_BASE,
		 64);
	assert_int_equal(invoke_run(fx, arg), TEE_SUCCESS);
	assert_memory_equal(sec, in, 64);

	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, PROT_BASE,
		 64);
	assert_int_equal(invoke_run(fx, arg), TEE_SUCCESS);
	for (i = 0; i < 64; i++)
		assert_int_equal(sec[i], (uint8_t)-(uint8_t)(i + 1));

	memset(out, 0, 64);
	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_COPY_SEC_TO_NSEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, PROT_BASE,
		 64);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, out_pa, 64);
	assert_int_equal(invoke_run(fx, arg), TEE_SUCCESS);
	for (i = 0; i < 64; i++)
		assert_int_equal(out[i], (uint8_t)-(uint8_t)(i + 1));

	/* Short output: the size needed. */
	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, in_pa, 64);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, PROT_BASE,
		 63);
	assert_int_equal(invoke_run(fx, arg), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(arg->params[1].u.tmem.size, 64);
	/* Clear memory where secure memory is wanted, and the other way. */
	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, in_pa, 64);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, out_pa, 64);
	assert_int_equal(invoke_run(fx, arg), TEE_ERROR_BAD_PARAMETERS);
	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_COPY_SEC_TO_NSEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, in_pa, 64);
	set_tmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, out_pa, 64);
	assert_int_equal(invoke_run(fx, arg), TEE_ERROR_BAD_PARAMETERS);
	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, in_pa, 64);
	assert_int_equal(invoke_run(fx, arg), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(in[0], 1);
	/* Wrong param types. */
	arg = invoke_msg(fx, session, PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, PROT_BASE,
		 64);
	assert_int_equal(invoke_run(fx, arg), TEE_ERROR_BAD_PARAMETERS);
}

/* Without a static pool the protected region is no memref at all. */
static void sdp_static_region_needs_config(void **state)
{
	struct fx *fx = *state;
	uint32_t session = open_sdp(fx);
	struct optee_msg_param prot;

	memset(&prot, 0, sizeof(prot));
	set_tmem(&prot, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, PROT_BASE, PAGE);
	assert_int_equal(sdp_fill(fx, session, &prot, 1),
			 TEE_ERROR_BAD_PARAMETERS);
}

/* Lent memory, by cookie (RMEM, as Linux sends dma-buf shm) and address. */
static void sdp_lent_memory(void **state)
{
	struct fx *fx = *state;
	uint64_t pa = dram_pages(fx, MIN_PAGES, 0x44);
	uint32_t session = open_sdp(fx);
	const uint8_t *ns = smcsim_phys_ns_view(fx->phys, pa, MIN_SIZE);
	const uint8_t *sec;
	struct optee_msg_param mem, clear;
	struct optee_msg_arg *arg;
	uint8_t md[32], want[32];
	size_t i;

	/*
	 * Not lent yet: plain DRAM is no protected memory, and by address
	 * OP-TEE takes only the reserved shm besides it (set_tmem_param()).
	 */
	memset(&mem, 0, sizeof(mem));
	set_tmem(&mem, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, pa, PAGE);
	assert_int_equal(sdp_fill(fx, session, &mem, 7),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(ns[0], 0x44);

	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);
	sec = smcsim_phys_map(fx->phys, SMCSIM_WORLD_SECURE, pa, MIN_SIZE);
	set_rmem(&mem, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, COOKIE(1), PAGE,
		 2 * PAGE);
	assert_int_equal(sdp_fill(fx, session, &mem, 0x90), TEE_SUCCESS);
	for (i = 0; i < 2 * PAGE; i++)
		assert_int_equal(sec[PAGE + i], (uint8_t)(0x90 + i));
	/* Read back by address this time. */
	set_tmem(&mem, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, pa + PAGE, 2 * PAGE);
	assert_int_equal(sdp_digest(fx, session, &mem, md), TEE_SUCCESS);
	expected_fill_digest(0x90, 2 * PAGE, want);
	assert_memory_equal(md, want, 32);

	/* DECODE into the lent memory, by cookie. */
	for (i = 0; i < 64; i++)
		fx->shm[SHM_DATA + i] = (uint8_t)i;
	arg = invoke_msg(fx, session, SMCSIM_TA_SDP_CMD_DECODE);
	set_tmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
		 SHM_BASE + SHM_DATA, 64);
	set_rmem(&arg->params[1], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, COOKIE(1), 0,
		 PAGE);
	assert_int_equal(invoke_run(fx, arg), TEE_SUCCESS);
	assert_int_equal(arg->params[1].u.rmem.size, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(sec[i], SMCSIM_TA_SDP_DECODE(i, i));

	memset(&clear, 0, sizeof(clear));
	set_tmem(&clear, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, SHM_BASE + SHM_DATA, 8);
	set_rmem(&mem, OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, COOKIE(1), 0, 8);
	assert_int_equal(sdp_query(fx, session, &clear, &mem), 1U << 2);

	/* Windows outside the lent range, an unknown cookie. */
	set_rmem(&mem, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, COOKIE(1), MIN_SIZE - 8,
		 16);
	assert_int_equal(sdp_fill(fx, session, &mem, 0), TEE_ERROR_BAD_PARAMETERS);
	set_rmem(&mem, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, COOKIE(1), UINT64_MAX,
		 16);
	assert_int_equal(sdp_fill(fx, session, &mem, 0), TEE_ERROR_BAD_PARAMETERS);
	set_rmem(&mem, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, COOKIE(2), 0, 16);
	assert_int_equal(sdp_fill(fx, session, &mem, 0), TEE_ERROR_BAD_PARAMETERS);
	set_tmem(&mem, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, pa + MIN_SIZE - 8, 16);
	assert_int_equal(sdp_fill(fx, session, &mem, 0), TEE_ERROR_BAD_PARAMETERS);
	/* Lent pages are no longer non-secure memory for a page list. */
	assert_int_equal(register_shm(fx, COOKIE(0x53), pa, 1),
			 TEE_ERROR_BAD_PARAMETERS);

	/* No call holds it: reclaim works, zeroed, readable again. */
	assert_int_equal(tb_probe_read(ns + PAGE), TB_PROBE_FAULTED);
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
	assert_int_equal(tb_probe_read(ns + PAGE), TB_PROBE_READ_OK);
	for (i = 0; i < MIN_SIZE; i++)
		assert_int_equal(ns[i], 0);
	set_rmem(&mem, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, COOKIE(1), 0, 16);
	assert_int_equal(sdp_fill(fx, session, &mem, 0), TEE_ERROR_BAD_PARAMETERS);
}

/* A TA that holds its memref across an RPC SUSPEND. */
static uint32_t holder_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			      uint32_t pt, union smcsim_ta_param p[4])
{
	(void)cmd;
	(void)p;
	if (!smcsim_ta_param_is_protected(s, 0))
		return TEE_ERROR_SECURITY;
	(void)pt;
	return smcsim_ta_suspend(s, 1);
}

static const struct smcsim_ta_ops holder_ops = { .invoke = holder_invoke };

#define HOLDER_UUID \
	{ 0x534d4353, 0x7e57, 0x4000, \
	  { 0x80, 0x00, 0x68, 0x6f, 0x6c, 0x64, 0x65, 0x72 } }

/* Reclaim while a call uses the memory is BUSY; afterwards it works. */
static void protmem_reclaim_busy_while_in_use(void **state)
{
	struct fx *fx = *state;
	const struct smcsim_ta_desc desc = {
		.uuid = HOLDER_UUID, .name = "holder", .ops = &holder_ops,
	};
	uint64_t pa = dram_pages(fx, MIN_PAGES, 0);
	struct optee_msg_arg *arg, *rpc;
	struct arm_smccc_res res;
	uint32_t session;

	assert_int_equal(smcsim_sw_register_ta(fx->sw, &desc), 0);
	assert_int_equal(open_session(fx, &desc.uuid, &session), TEE_SUCCESS);
	assert_int_equal(lend(fx, COOKIE(1), pa, MIN_SIZE, USE_VIDEO),
			 TEE_SUCCESS);

	arg = invoke_msg(fx, session, 0);
	set_rmem(&arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, COOKIE(1), 0,
		 PAGE);
	msg_start(fx, 6, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_RPC_CMD);
	rpc = (void *)((uint8_t *)arg + OPTEE_MSG_GET_ARG_SIZE(4));
	assert_int_equal(rpc->cmd, OPTEE_RPC_CMD_SUSPEND);

	/* On the other secure thread meanwhile. */
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_ERROR_BUSY);
	expect_lent(fx, 1, MIN_PAGES);

	rpc->ret = TEE_SUCCESS;
	smc(fx, OPTEE_SMC_CALL_RETURN_FROM_RPC, res.a1, res.a2, res.a3, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(arg->ret, TEE_SUCCESS);
	assert_int_equal(reclaim(fx, COOKIE(1)), TEE_SUCCESS);
	expect_lent(fx, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(protmem_disabled_is_unknown_command,
						setup_plain, teardown),
		cmocka_unit_test_setup_teardown(protmem_disabled_is_unknown_command,
						setup_static, teardown),
		cmocka_unit_test_setup_teardown(protmem_get_config,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_get_config_bad_input,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_lend_reclaim_round_trip,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_double_lend,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_overlapping_lend,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_reclaim_unknown_and_twice,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_lend_refuses_non_dram,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_lend_bad_arguments,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_lend_vs_registered_shm,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_destroy_with_lent_memory,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(sdp_static_region,
						setup_static, teardown),
		cmocka_unit_test_setup_teardown(sdp_invoke_tests_pta_commands,
						setup_static, teardown),
		cmocka_unit_test_setup_teardown(sdp_static_region_needs_config,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(sdp_lent_memory,
						setup_dynamic, teardown),
		cmocka_unit_test_setup_teardown(protmem_reclaim_busy_while_in_use,
						setup_dynamic, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
