// SPDX-License-Identifier: BSD-2-Clause
/*
 * Async notifications of the simulated secure world (sim/secure_world/
 * sw_notif.c, docs/abi.md sections 9 and 13), driven the way the normal
 * world drives them: fast calls ENABLE_ASYNC_NOTIF and GET_ASYNC_NOTIF_VALUE
 * through smcsim_sw_smc(), and the message commands DO_BOTTOM_HALF and
 * STOP_ASYNC_NOTIF as CALL_WITH_ARG messages the test writes into the
 * reserved shm. The secure side is driven through the public services: the
 * value bitmap (post, fetch, alloc/free), the interrupt line posts raise,
 * registered drivers and their events, and the built-in bottom-half driver.
 *
 * The test drivers count what they get from the callbacks; those run on
 * secure threads, so the counters are atomics the main thread reads after
 * the call returned. No call here needs an RPC: one that asks for one fails.
 * Every group runs in both ABI profiles, which must not differ here.
 *
 *  1. without CFG_CORE_ASYNC_NOTIF
 *  2. the value bitmap and GET_ASYNC_NOTIF_VALUE
 *  3. the interrupt line
 *  4. value allocation
 *  5. drivers: STARTED, DO_BOTTOM_HALF, STOPPED
 *  6. the built-in bottom-half driver
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/irq.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>
#include <smcsim/tee_error.h>

#define SHM_BASE	SMCSIM_PHYS_DEFAULT_SHM_BASE
#define SHM_SIZE	SMCSIM_PHYS_DEFAULT_SHM_SIZE
/* Where the test writes its messages in the reserved shm. */
#define SHM_MSG		0x1000ULL

/* The caller's registers: a_i = 0x11111111 * i, so each one is recognisable. */
#define REG_PATTERN(i)	(0x11111111UL * (unsigned long)(i))

#define VALID		OPTEE_SMC_ASYNC_NOTIF_VALID
#define PENDING		OPTEE_SMC_ASYNC_NOTIF_PENDING
#define BIT64(n)	((uint64_t)1 << (n))
#define NDRV		2

/**
 * struct tdrv - a test notification driver
 * @drv:	what is registered
 * @started:	STARTED events through atomic_cb
 * @bh:		DO_BOTTOM_HALF events through yielding_cb
 * @stopped:	STOPPED events through yielding_cb
 * @bad:	events that came through the wrong callback
 */
struct tdrv {
	struct smcsim_sw_notif_driver drv;
	atomic_uint started;
	atomic_uint bh;
	atomic_uint stopped;
	atomic_uint bad;
};

/**
 * struct fx - one test's world
 * @profile:	ABI profile of the group
 * @phys:	memory map, fresh for every test
 * @cfg:	configuration @sw was created with
 * @sw:		the world under test
 * @shm:	normal-world view of the reserved shm
 * @drv:	test drivers, registered by the tests that use them
 */
struct fx {
	enum smcsim_abi_profile profile;
	struct smcsim_phys *phys;
	struct smcsim_sw_config cfg;
	struct smcsim_sw *sw;
	uint8_t *shm;
	struct tdrv drv[NDRV];
};

static struct fx fx_proposal = { .profile = SMCSIM_ABI_PROPOSAL };
static struct fx fx_upstream = { .profile = SMCSIM_ABI_UPSTREAM };

/* ---- test drivers -------------------------------------------------------- */

static struct tdrv *to_tdrv(struct smcsim_sw_notif_driver *drv)
{
	return (struct tdrv *)((char *)drv - offsetof(struct tdrv, drv));
}

static void tdrv_atomic_cb(struct smcsim_sw_notif_driver *drv,
			   enum smcsim_sw_notif_event ev)
{
	struct tdrv *t = to_tdrv(drv);

	if (ev == SMCSIM_SW_NOTIF_EVENT_STARTED)
		atomic_fetch_add(&t->started, 1);
	else
		atomic_fetch_add(&t->bad, 1);
}

static void tdrv_yielding_cb(struct smcsim_sw_notif_driver *drv,
			     enum smcsim_sw_notif_event ev)
{
	struct tdrv *t = to_tdrv(drv);

	if (ev == SMCSIM_SW_NOTIF_EVENT_DO_BOTTOM_HALF)
		atomic_fetch_add(&t->bh, 1);
	else if (ev == SMCSIM_SW_NOTIF_EVENT_STOPPED)
		atomic_fetch_add(&t->stopped, 1);
	else
		atomic_fetch_add(&t->bad, 1);
}

static void tdrv_init(struct tdrv *t)
{
	memset(&t->drv, 0, sizeof(t->drv));
	t->drv.atomic_cb = tdrv_atomic_cb;
	t->drv.yielding_cb = tdrv_yielding_cb;
	atomic_init(&t->started, 0);
	atomic_init(&t->bh, 0);
	atomic_init(&t->stopped, 0);
	atomic_init(&t->bad, 0);
}

static void expect_drv(const struct fx *fx, unsigned int i,
		       unsigned int started, unsigned int bh,
		       unsigned int stopped)
{
	const struct tdrv *t = &fx->drv[i];
	unsigned int s = atomic_load(&t->started);
	unsigned int b = atomic_load(&t->bh);
	unsigned int p = atomic_load(&t->stopped);
	unsigned int bad = atomic_load(&t->bad);

	if (s != started || b != bh || p != stopped || bad) {
		print_error("driver %u: started %u bottom halves %u stopped %u "
			    "wrong-callback %u, expected %u %u %u 0\n",
			    i, s, b, p, bad, started, bh, stopped);
		fail();
	}
}

/* ---- fixtures ------------------------------------------------------------ */

static int group_setup_proposal(void **state)
{
	*state = &fx_proposal;
	return 0;
}

static int group_setup_upstream(void **state)
{
	*state = &fx_upstream;
	return 0;
}

static int test_setup(void **state)
{
	struct fx *fx = *state;
	struct smcsim_phys_config pcfg;
	unsigned int i;

	fx->phys = NULL;
	fx->sw = NULL;
	for (i = 0; i < NDRV; i++)
		tdrv_init(&fx->drv[i]);
	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &fx->phys))
		return -1;
	fx->shm = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, SHM_BASE,
				  SHM_SIZE);
	if (!fx->shm)
		return -1;
	smcsim_sw_config_default(&fx->cfg, fx->profile, fx->phys);
	return smcsim_sw_create(&fx->cfg, &fx->sw) ? -1 : 0;
}

static int test_teardown(void **state)
{
	struct fx *fx = *state;

	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	smcsim_phys_destroy(fx->phys);
	fx->phys = NULL;
	return 0;
}

/* Replace the world under test by one built from fx->cfg. */
static void fx_recreate(struct fx *fx)
{
	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	assert_int_equal(smcsim_sw_create(&fx->cfg, &fx->sw), 0);
}

static void register_drv(struct fx *fx, unsigned int i)
{
	assert_int_equal(smcsim_sw_notif_register_driver(fx->sw,
							 &fx->drv[i].drv), 0);
}

/* ---- calls --------------------------------------------------------------- */

/* A fast call with a1..a7 holding REG_PATTERN. */
static void fast(struct fx *fx, unsigned long fid, unsigned long a[8],
		 struct arm_smccc_res *res)
{
	unsigned int i;

	a[0] = fid;
	for (i = 1; i < 8; i++)
		a[i] = REG_PATTERN(i);
	memset(res, 0x5A, sizeof(*res));
	smcsim_sw_smc(fx->sw, a, res);
}

/* ENABLE_ASYNC_NOTIF, expecting a0 = @a0 and a1..a3 untouched. */
static void enable(struct fx *fx, unsigned long a0)
{
	struct arm_smccc_res res;
	unsigned long a[8];

	fast(fx, OPTEE_SMC_ENABLE_ASYNC_NOTIF, a, &res);
	if (res.a0 != a0 || res.a1 != a[1] || res.a2 != a[2] ||
	    res.a3 != a[3]) {
		print_error("ENABLE_ASYNC_NOTIF: a0..a3 = %#lx %#lx %#lx %#lx, "
			    "expected %#lx and the caller's a1..a3\n",
			    res.a0, res.a1, res.a2, res.a3, a0);
		fail();
	}
}

/* GET_ASYNC_NOTIF_VALUE, expecting OK, @value, @flags and a3 untouched. */
static void expect_get(struct fx *fx, unsigned long value, unsigned long flags)
{
	struct arm_smccc_res res;
	unsigned long a[8];

	fast(fx, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, a, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK || res.a1 != value ||
	    res.a2 != flags || res.a3 != a[3]) {
		print_error("GET_ASYNC_NOTIF_VALUE: a0..a3 = %#lx %#lx %#lx "
			    "%#lx, expected 0 %#lx %#lx %#lx\n", res.a0, res.a1,
			    res.a2, res.a3, value, flags, a[3]);
		fail();
	}
}

/*
 * Message command @cmd without params, as CALL_WITH_ARG in the reserved
 * shm. Expect it to complete at once with a0 = @a0 and a1..a3 = 0; with
 * OK, also ret = TEE_SUCCESS and origin 0 written back.
 */
static void msg_cmd(struct fx *fx, uint32_t cmd, unsigned long a0)
{
	struct optee_msg_arg *arg = (struct optee_msg_arg *)(fx->shm + SHM_MSG);
	const uint64_t pa = SHM_BASE + SHM_MSG;
	unsigned long a[8] = {
		OPTEE_SMC_CALL_WITH_ARG, reg_pair_hi(pa), reg_pair_lo(pa),
	};
	struct arm_smccc_res res;

	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(0));
	arg->cmd = cmd;
	/* Something other than the answer, so that a missing write shows. */
	arg->ret = 0xDEAD;
	arg->ret_origin = 0xBEEF;
	memset(&res, 0x5A, sizeof(res));
	smcsim_sw_smc(fx->sw, a, &res);
	if (optee_smc_return_is_rpc(res.a0)) {
		print_error("message command %u asked for RPC %#lx\n", cmd,
			    res.a0);
		fail();
	}
	if (res.a0 != a0 || res.a1 || res.a2 || res.a3) {
		print_error("message command %u: a0..a3 = %#lx %#lx %#lx %#lx, "
			    "expected %#lx 0 0 0\n", cmd, res.a0, res.a1,
			    res.a2, res.a3, a0);
		fail();
	}
	/*
	 * OP-TEE 4.10 writes neither ret nor ret_origin for these two
	 * commands (observed on the firmware): what the caller left stays.
	 */
	if (a0 == OPTEE_SMC_RETURN_OK &&
	    (arg->ret != 0xdead || arg->ret_origin != 0xbeef)) {
		print_error("message command %u: ret %#x origin %#x, "
			    "expected them left as 0xdead 0xbeef\n", cmd,
			    arg->ret, arg->ret_origin);
		fail();
	}
}

static void do_bottom_half(struct fx *fx)
{
	msg_cmd(fx, OPTEE_MSG_CMD_DO_BOTTOM_HALF, OPTEE_SMC_RETURN_OK);
}

static void stop_async_notif(struct fx *fx)
{
	msg_cmd(fx, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF, OPTEE_SMC_RETURN_OK);
}

static void expect_mask(struct fx *fx, uint64_t mask)
{
	uint64_t got = smcsim_sw_notif_pending_mask(fx->sw);
	unsigned int v;

	if (got != mask) {
		print_error("pending mask %#llx, expected %#llx\n",
			    (unsigned long long)got, (unsigned long long)mask);
		fail();
	}
	/* The per-value view agrees with the mask. */
	for (v = 0; v <= SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX; v++)
		assert_int_equal(smcsim_sw_notif_is_pending(fx->sw, v),
				 !!(mask & BIT64(v)));
}

static void expect_bh_stats(struct fx *fx, uint64_t requests, uint64_t served,
			    uint64_t runs, uint64_t empty_runs,
			    uint64_t ignored, uint64_t stopped)
{
	struct smcsim_sw_bh_stats st;

	memset(&st, 0xA5, sizeof(st));
	smcsim_sw_bottom_half_stats(fx->sw, &st);
	if (st.requests != requests || st.served != served ||
	    st.runs != runs || st.empty_runs != empty_runs ||
	    st.ignored != ignored || st.stopped != stopped) {
		print_error("bh stats requests %llu served %llu runs %llu "
			    "empty_runs %llu ignored %llu stopped %llu, "
			    "expected %llu %llu %llu %llu %llu %llu\n",
			    (unsigned long long)st.requests,
			    (unsigned long long)st.served,
			    (unsigned long long)st.runs,
			    (unsigned long long)st.empty_runs,
			    (unsigned long long)st.ignored,
			    (unsigned long long)st.stopped,
			    (unsigned long long)requests,
			    (unsigned long long)served,
			    (unsigned long long)runs,
			    (unsigned long long)empty_runs,
			    (unsigned long long)ignored,
			    (unsigned long long)stopped);
		fail();
	}
}

static uint64_t irq_raised(struct fx *fx)
{
	struct smcsim_irq *irq = smcsim_sw_notif_irq(fx->sw);
	struct smcsim_irq_stats st;

	assert_non_null(irq);
	smcsim_irq_get_stats(irq, &st);
	/* Nobody attached a handler: the line only counts. */
	assert_int_equal(st.attached, 0);
	assert_int_equal(st.handled, 0);
	assert_int_equal(st.thread_runs, 0);
	return st.raised;
}

/* ---- 1. without CFG_CORE_ASYNC_NOTIF ------------------------------------- */

static void sw_notif_unsupported_without_async_notif(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res;
	unsigned long a[8];
	uint32_t value = 0x77;

	fx->cfg.async_notif = false;
	fx_recreate(fx);

	/* Both fast calls are unknown; only a0 is written. */
	enable(fx, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	fast(fx, OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, a, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(res.a1, a[1]);
	assert_int_equal(res.a2, a[2]);
	assert_int_equal(res.a3, a[3]);
	assert_false(smcsim_sw_notif_started(fx->sw));

	/* The secure services refuse. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 1), -EOPNOTSUPP);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 0), -EOPNOTSUPP);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 64), -EOPNOTSUPP);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value),
			 -EOPNOTSUPP);
	assert_int_equal(value, 0x77);
	assert_int_equal(smcsim_sw_notif_register_driver(fx->sw,
							 &fx->drv[0].drv),
			 -EOPNOTSUPP);
	assert_int_equal(smcsim_sw_bottom_half_request(fx->sw, 1), -EOPNOTSUPP);
	assert_null(smcsim_sw_notif_irq(fx->sw));
	expect_mask(fx, 0);
	/* Freeing a value nobody could allocate is ignored. */
	smcsim_sw_notif_free_value(fx->sw, 1);

	/* Message commands 6 and 7 are unknown commands. */
	msg_cmd(fx, OPTEE_MSG_CMD_DO_BOTTOM_HALF, OPTEE_SMC_RETURN_EBADCMD);
	msg_cmd(fx, OPTEE_MSG_CMD_STOP_ASYNC_NOTIF, OPTEE_SMC_RETURN_EBADCMD);
	expect_bh_stats(fx, 0, 0, 0, 0, 0, 0);
	expect_drv(fx, 0, 0, 0, 0);
}

/* ---- 2. the value bitmap and GET_ASYNC_NOTIF_VALUE ----------------------- */

static void sw_notif_get_with_nothing_pending_is_zero(void **state)
{
	struct fx *fx = *state;

	/* All zero before and after ENABLE, as real OP-TEE answered. */
	expect_get(fx, 0, 0);
	enable(fx, OPTEE_SMC_RETURN_OK);
	expect_get(fx, 0, 0);
	expect_get(fx, 0, 0);
	expect_mask(fx, 0);
}

static void sw_notif_values_fetched_lowest_first(void **state)
{
	struct fx *fx = *state;

	/* No ENABLE: fetching does not check that notifications started. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 5), 0);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 3), 0);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 40), 0);
	expect_mask(fx, BIT64(3) | BIT64(5) | BIT64(40));

	expect_get(fx, 3, VALID | PENDING);
	expect_mask(fx, BIT64(5) | BIT64(40));
	expect_get(fx, 5, VALID | PENDING);
	expect_mask(fx, BIT64(40));
	expect_get(fx, 40, VALID);
	expect_mask(fx, 0);
	expect_get(fx, 0, 0);
}

static void sw_notif_same_value_twice_fetched_once(void **state)
{
	struct fx *fx = *state;

	enable(fx, OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 9), 0);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 9), 0);
	expect_mask(fx, BIT64(9));
	expect_get(fx, 9, VALID);
	expect_get(fx, 0, 0);

	/* Posted again after the fetch, it is pending again. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 9), 0);
	expect_get(fx, 9, VALID);
	expect_get(fx, 0, 0);
}

static void sw_notif_post_rejects_values_above_63(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(smcsim_sw_notif_post(fx->sw, 64), -EINVAL);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 65), -EINVAL);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, UINT_MAX), -EINVAL);
	expect_mask(fx, 0);
	assert_false(smcsim_sw_notif_is_pending(fx->sw, 64));
	assert_int_equal(irq_raised(fx), 0);

	/* The edges are values. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 63), 0);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 0), 0);
	expect_mask(fx, BIT64(0) | BIT64(63));
	expect_get(fx, 0, VALID | PENDING);
	expect_get(fx, 63, VALID);
	expect_get(fx, 0, 0);
}

static void sw_notif_pending_mask_tracks_posts_and_fetches(void **state)
{
	struct fx *fx = *state;
	uint64_t mask = 0;
	unsigned int v;

	expect_mask(fx, 0);
	/* Every odd value, then fetch them all in order. */
	for (v = 1; v <= SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX; v += 2) {
		assert_int_equal(smcsim_sw_notif_post(fx->sw, v), 0);
		mask |= BIT64(v);
		expect_mask(fx, mask);
	}
	for (v = 1; v <= SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX; v += 2) {
		mask &= ~BIT64(v);
		expect_get(fx, v, VALID | (mask ? PENDING : 0));
		expect_mask(fx, mask);
	}
	/* A post between two fetches that is lower than what is left. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 20), 0);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 30), 0);
	expect_get(fx, 20, VALID | PENDING);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 10), 0);
	expect_mask(fx, BIT64(10) | BIT64(30));
	expect_get(fx, 10, VALID | PENDING);
	expect_get(fx, 30, VALID);
	expect_mask(fx, 0);
}

/* ---- 3. the interrupt line ----------------------------------------------- */

static void sw_notif_post_raises_line_every_time(void **state)
{
	struct fx *fx = *state;
	struct smcsim_irq *irq = smcsim_sw_notif_irq(fx->sw);

	assert_non_null(irq);
	/* The same line every time it is asked for. */
	assert_ptr_equal(smcsim_sw_notif_irq(fx->sw), irq);
	assert_int_equal(irq_raised(fx), 0);

	/* Before ENABLE too, and for values already pending. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 5), 0);
	assert_int_equal(irq_raised(fx), 1);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 5), 0);
	assert_int_equal(irq_raised(fx), 2);
	enable(fx, OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 3), 0);
	assert_int_equal(irq_raised(fx), 3);

	/* Fetching does not raise; a refused post does not either. */
	expect_get(fx, 3, VALID | PENDING);
	expect_get(fx, 5, VALID);
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 64), -EINVAL);
	assert_int_equal(irq_raised(fx), 3);

	/* A bottom-half burst raises once per request. */
	assert_int_equal(smcsim_sw_bottom_half_request(fx->sw, 4), 0);
	assert_int_equal(irq_raised(fx), 7);
	assert_int_equal(smcsim_sw_bottom_half_request(fx->sw, 0), 0);
	assert_int_equal(irq_raised(fx), 7);
}

/* ---- 4. value allocation ------------------------------------------------- */

static void sw_notif_alloc_hands_out_lowest_free(void **state)
{
	struct fx *fx = *state;
	uint32_t value, v;

	for (v = 1; v <= SMCSIM_SW_NOTIF_ASYNC_VALUE_MAX; v++) {
		value = 0xFFFF;
		assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value),
				 0);
		assert_int_equal(value, v);
	}
	value = 0xFFFF;
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), -ENOSPC);
	assert_int_equal(value, 0xFFFF);

	/* A freed value comes back, the lowest first. */
	smcsim_sw_notif_free_value(fx->sw, 40);
	smcsim_sw_notif_free_value(fx->sw, 17);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), 0);
	assert_int_equal(value, 17);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), 0);
	assert_int_equal(value, 40);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), -ENOSPC);

	/* 63 can be given back here (OP-TEE's assert would refuse it). */
	smcsim_sw_notif_free_value(fx->sw, 63);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), 0);
	assert_int_equal(value, 63);

	/* 0 and values outside 1..63 are ignored: 0 is never handed out. */
	smcsim_sw_notif_free_value(fx->sw, 0);
	smcsim_sw_notif_free_value(fx->sw, 64);
	smcsim_sw_notif_free_value(fx->sw, UINT32_MAX);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), -ENOSPC);

	/* Allocating does not post. */
	expect_mask(fx, 0);
}

static void sw_notif_alloc_never_returns_zero_after_free_of_one(void **state)
{
	struct fx *fx = *state;
	uint32_t value;

	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), 0);
	assert_int_equal(value, 1);
	smcsim_sw_notif_free_value(fx->sw, 1);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), 0);
	assert_int_equal(value, 1);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), 0);
	assert_int_equal(value, 2);
	/* Freeing a value that was never handed out is harmless. */
	smcsim_sw_notif_free_value(fx->sw, 30);
	assert_int_equal(smcsim_sw_notif_alloc_value(fx->sw, &value), 0);
	assert_int_equal(value, 3);
}

/* ---- 5. drivers: STARTED, DO_BOTTOM_HALF, STOPPED ------------------------ */

static void sw_notif_enable_twice_starts_drivers_once(void **state)
{
	struct fx *fx = *state;
	struct smcsim_sw_notif_driver silent = { 0 };

	register_drv(fx, 0);
	/* A driver without callbacks takes part without being called. */
	assert_int_equal(smcsim_sw_notif_register_driver(fx->sw, &silent), 0);
	assert_false(smcsim_sw_notif_started(fx->sw));

	enable(fx, OPTEE_SMC_RETURN_OK);
	assert_true(smcsim_sw_notif_started(fx->sw));
	expect_drv(fx, 0, 1, 0, 0);
	enable(fx, OPTEE_SMC_RETURN_OK);
	assert_true(smcsim_sw_notif_started(fx->sw));
	expect_drv(fx, 0, 1, 0, 0);

	/* A driver registered after the start gets no late STARTED. */
	register_drv(fx, 1);
	enable(fx, OPTEE_SMC_RETURN_OK);
	expect_drv(fx, 1, 0, 0, 0);
	do_bottom_half(fx);
	expect_drv(fx, 0, 1, 1, 0);
	expect_drv(fx, 1, 0, 1, 0);

	smcsim_sw_notif_unregister_driver(fx->sw, &silent);
}

static void sw_notif_bottom_half_before_enable_is_ignored(void **state)
{
	struct fx *fx = *state;

	register_drv(fx, 0);
	do_bottom_half(fx);
	expect_drv(fx, 0, 0, 0, 0);
	expect_bh_stats(fx, 0, 0, 0, 0, 1, 0);
	/* STOP before ENABLE is ignored too, and stops nothing. */
	stop_async_notif(fx);
	expect_drv(fx, 0, 0, 0, 0);
	expect_bh_stats(fx, 0, 0, 0, 0, 2, 0);
	assert_false(smcsim_sw_notif_started(fx->sw));

	/* A request posted before ENABLE is served by the first one after. */
	assert_int_equal(smcsim_sw_bottom_half_request(fx->sw, 1), 0);
	do_bottom_half(fx);
	expect_bh_stats(fx, 1, 0, 0, 0, 3, 0);
	enable(fx, OPTEE_SMC_RETURN_OK);
	do_bottom_half(fx);
	expect_bh_stats(fx, 1, 1, 1, 0, 3, 0);
	expect_drv(fx, 0, 1, 1, 0);
}

static void sw_notif_bottom_half_after_enable_calls_yielding_cb(void **state)
{
	struct fx *fx = *state;
	unsigned int i;

	register_drv(fx, 0);
	enable(fx, OPTEE_SMC_RETURN_OK);
	for (i = 1; i <= 3; i++) {
		do_bottom_half(fx);
		expect_drv(fx, 0, 1, i, 0);
	}
	/* Nothing was requested: the built-in driver counts empty runs. */
	expect_bh_stats(fx, 0, 0, 0, 3, 0, 0);
	assert_true(smcsim_sw_notif_started(fx->sw));
	/* The bottom half posts nothing by itself. */
	expect_mask(fx, 0);
}

static void sw_notif_stop_stops_and_later_bottom_half_is_ignored(void **state)
{
	struct fx *fx = *state;

	register_drv(fx, 0);
	enable(fx, OPTEE_SMC_RETURN_OK);
	stop_async_notif(fx);
	expect_drv(fx, 0, 1, 0, 1);
	assert_false(smcsim_sw_notif_started(fx->sw));
	expect_bh_stats(fx, 0, 0, 0, 0, 0, 1);

	/* Stopped: DO_BOTTOM_HALF and a second STOP are ignored. */
	do_bottom_half(fx);
	stop_async_notif(fx);
	expect_drv(fx, 0, 1, 0, 1);
	expect_bh_stats(fx, 0, 0, 0, 0, 2, 1);

	/* Posting and fetching go on while stopped. */
	assert_int_equal(smcsim_sw_notif_post(fx->sw, 7), 0);
	expect_get(fx, 7, VALID);

	/* A restart needs ENABLE again, and delivers STARTED again. */
	enable(fx, OPTEE_SMC_RETURN_OK);
	assert_true(smcsim_sw_notif_started(fx->sw));
	expect_drv(fx, 0, 2, 0, 1);
	do_bottom_half(fx);
	expect_drv(fx, 0, 2, 1, 1);
	expect_bh_stats(fx, 0, 0, 0, 1, 2, 1);
}

static void sw_notif_unregistered_driver_not_called(void **state)
{
	struct fx *fx = *state;
	struct smcsim_sw_notif_driver never = { 0 };

	register_drv(fx, 0);
	register_drv(fx, 1);
	enable(fx, OPTEE_SMC_RETURN_OK);
	expect_drv(fx, 0, 1, 0, 0);
	expect_drv(fx, 1, 1, 0, 0);

	smcsim_sw_notif_unregister_driver(fx->sw, &fx->drv[0].drv);
	/* Unregistering what is not registered is harmless. */
	smcsim_sw_notif_unregister_driver(fx->sw, &never);
	smcsim_sw_notif_unregister_driver(fx->sw, &fx->drv[0].drv);

	do_bottom_half(fx);
	stop_async_notif(fx);
	enable(fx, OPTEE_SMC_RETURN_OK);
	expect_drv(fx, 0, 1, 0, 0);
	expect_drv(fx, 1, 2, 1, 1);

	/* Registered again, it is called again. */
	register_drv(fx, 0);
	do_bottom_half(fx);
	expect_drv(fx, 0, 1, 1, 0);
	expect_drv(fx, 1, 2, 2, 1);
}

/* ---- 6. the built-in bottom-half driver ---------------------------------- */

static void sw_notif_builtin_bottom_half_serves_burst(void **state)
{
	struct fx *fx = *state;

	enable(fx, OPTEE_SMC_RETURN_OK);
	assert_int_equal(smcsim_sw_bottom_half_request(fx->sw, 5), 0);
	expect_bh_stats(fx, 5, 0, 0, 0, 0, 0);
	/* Five posts of value 0: one pending value, fetched once. */
	expect_mask(fx, BIT64(OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF));
	expect_get(fx, OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF, VALID);
	expect_get(fx, 0, 0);

	do_bottom_half(fx);
	expect_bh_stats(fx, 5, 5, 1, 0, 0, 0);
	do_bottom_half(fx);
	expect_bh_stats(fx, 5, 5, 1, 1, 0, 0);

	/* The next burst is served by the next bottom half. */
	assert_int_equal(smcsim_sw_bottom_half_request(fx->sw, 2), 0);
	assert_int_equal(smcsim_sw_bottom_half_request(fx->sw, 1), 0);
	do_bottom_half(fx);
	expect_bh_stats(fx, 8, 8, 2, 1, 0, 0);

	/* STOP reaches the built-in driver too. */
	stop_async_notif(fx);
	expect_bh_stats(fx, 8, 8, 2, 1, 0, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)

#define NOTIF_TESTS \
	T(sw_notif_unsupported_without_async_notif), \
	T(sw_notif_get_with_nothing_pending_is_zero), \
	T(sw_notif_values_fetched_lowest_first), \
	T(sw_notif_same_value_twice_fetched_once), \
	T(sw_notif_post_rejects_values_above_63), \
	T(sw_notif_pending_mask_tracks_posts_and_fetches), \
	T(sw_notif_post_raises_line_every_time), \
	T(sw_notif_alloc_hands_out_lowest_free), \
	T(sw_notif_alloc_never_returns_zero_after_free_of_one), \
	T(sw_notif_enable_twice_starts_drivers_once), \
	T(sw_notif_bottom_half_before_enable_is_ignored), \
	T(sw_notif_bottom_half_after_enable_calls_yielding_cb), \
	T(sw_notif_stop_stops_and_later_bottom_half_is_ignored), \
	T(sw_notif_unregistered_driver_not_called), \
	T(sw_notif_builtin_bottom_half_serves_burst)

int main(void)
{
	const struct CMUnitTest proposal[] = { NOTIF_TESTS };
	const struct CMUnitTest upstream[] = { NOTIF_TESTS };
	int failed = 0;

	failed += cmocka_run_group_tests_name("sw_notif proposal", proposal,
					      group_setup_proposal, NULL);
	failed += cmocka_run_group_tests_name("sw_notif upstream", upstream,
					      group_setup_upstream, NULL);
	return failed ? 1 : 0;
}
