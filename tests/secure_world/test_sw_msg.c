// SPDX-License-Identifier: BSD-2-Clause
/*
 * Message calls of the simulated secure world at the raw SMC level. The test
 * plays a tiny normal world itself: it writes struct optee_msg_arg into the
 * simulated physical memory (the reserved shm, DRAM pages, shm it registered
 * with REGISTER_SHM), issues CALL_WITH_ARG / CALL_WITH_RPC_ARG /
 * CALL_WITH_REGD_ARG with smcsim_sw_smc(), and answers every RPC by hand
 * (ALLOC from DRAM pages with recorded cookies, FREE, FOREIGN_INTR, CMD
 * GET_TIME and SUSPEND) with counters, so each test can assert exactly which
 * registers, RPCs, results and origins it saw. Expectations come from
 * docs/abi.md sections 3, 4, 6, 7, 8 and 13 (what real OP-TEE 4.10 answered).
 * Every RPC loop is bounded, and every hostile input is followed by a check
 * that the world still serves an echo ADD.
 *
 * Helpers first (fixtures, registers, the test normal world's RPC handling,
 * messages, registered shm), then the tests:
 *  1. the echo TA through every way of passing the argument
 *  2. what real OP-TEE answered to bad arguments
 *  3. device PTA, CLOSE, bottom half
 *  4. the argument and the RPC argument must fit
 *  5. the RPC argument: ALLOC/CMD/FREE, supplied, prealloc cache, failures
 *  6. threads: thread limit, ERESUME, foreign interrupts, concurrent
 *     callers
 *  7. a TA that panics
 *  8. registered shared memory and memrefs
 *  9. destroy with calls still suspended
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_error.h>

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

#define PAGE		SMCSIM_PAGE_SIZE
#define DRAM_BASE	SMCSIM_PHYS_DEFAULT_DRAM_BASE
#define SHM_BASE	SMCSIM_PHYS_DEFAULT_SHM_BASE
#define SHM_SIZE	SMCSIM_PHYS_DEFAULT_SHM_SIZE
#define SEC_BASE	SMCSIM_PHYS_DEFAULT_SEC_BASE
/* Between the reserved shm and protected memory: no region at all. */
#define HOLE_PA		0x42200000ULL
#define RPC_ARG_SIZE	OPTEE_MSG_GET_ARG_SIZE(OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS)
#define LIST_ENTRIES	OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE

/* A normal world that needs more RPCs than this for one call has a bug. */
#define MAX_RPCS	10000U
#define MAX_BUFS	64
#define TRACE_LEN	16
/* How long destroy may take before the test calls it a hang. */
#define DESTROY_TIMEOUT_MS 10000U

/* Cookies: both halves non-zero, so a swapped hi/lo pair is caught. */
#define RPC_COOKIE(n)	(0xC00C1E0000000000ULL | (uint64_t)(n))
#define APPL_COOKIE(n)	(0xA2210C0000000000ULL | (uint64_t)(n))
/* RPC commands recorded per call, as cmd << 8 | FS sub-command. */
#define CMD_TRACE_LEN	32
#define CMD_FS(op)	((OPTEE_RPC_CMD_FS << 8) | (op))
#define CMD(cmd)	((uint32_t)(cmd) << 8)
#define CMD_NOTIF(op)	((OPTEE_RPC_CMD_NOTIFICATION << 8) | (op))
/*
 * OP-TEE 4.10's secure-storage TA store finding no TA: FS OPEN "/dirf.db",
 * REMOVE, CREATE, REMOVE, twice (sw_msg_open_missing_ta_probes_...).
 */
#define CMD_TA_STORE_EMPTY \
	CMD_FS(OPTEE_RPC_FS_OPEN), CMD_FS(OPTEE_RPC_FS_REMOVE), \
	CMD_FS(OPTEE_RPC_FS_CREATE), CMD_FS(OPTEE_RPC_FS_REMOVE), \
	CMD_FS(OPTEE_RPC_FS_OPEN), CMD_FS(OPTEE_RPC_FS_REMOVE), \
	CMD_FS(OPTEE_RPC_FS_CREATE), CMD_FS(OPTEE_RPC_FS_REMOVE)
#define REGD_COOKIE(n)	(0x5E6D000000000000ULL | (uint64_t)(n))

/* How the test uses the reserved shm. */
#define SHM_ARG(i)	((uint64_t)(i) * PAGE)	/* argument slots 0..7 */
#define SHM_REG_SLOT	SHM_ARG(6)		/* (UN)REGISTER_SHM */
#define SHM_SERVE_SLOT	SHM_ARG(7)		/* the "still serving" check */
#define SHM_DATA	0x10000ULL		/* TMEM buffers */
#define SHM_RPC		0x100000ULL		/* RPC arguments from ALLOC */

#define META_VALUE	(OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META)

/*
 * What OP-TEE 4.10's UNREGISTER_SHM answers for an unknown cookie:
 * TEE_ERROR_BAD_PARAMETERS (mobj_reg_shm_release_by_cookie(); observed on
 * the firmware, with ret_origin left as the caller wrote it).
 */
#define UNREGISTER_UNKNOWN_RET TEE_ERROR_BAD_PARAMETERS

/* How the test normal world answers RPC ALLOC. */
enum alloc_mode {
	ALLOC_DRAM,		/* a fresh, page-aligned DRAM page */
	ALLOC_SHM,		/* 8-byte (not page) aligned in the reserved shm */
	ALLOC_PA0,		/* PA 0 and cookie 0: "no memory" */
	ALLOC_SECURE,		/* a PA in secure RAM, with a cookie */
	ALLOC_DRAM_UNALIGNED,	/* DRAM, 8-byte but not page aligned, with a cookie */
};

/**
 * struct rpc_buf - an RPC argument the test normal world handed out
 * @cookie:	what it told the secure world
 * @pa:		where it is
 * @page:	a DRAM page the test allocated for it (0 = none)
 * @live:	not freed yet (RPC FREE or DISABLE_SHM_CACHE)
 */
struct rpc_buf {
	uint64_t cookie;
	uint64_t pa;
	uint64_t page;
	bool live;
};

/**
 * struct fx - one test's world
 * @profile:	ABI profile of the group
 * @phys:	memory map, fresh for every test
 * @cfg:	configuration @sw was created with
 * @sw:		the world under test
 * @shm:	normal-world view of the reserved shm
 * @alloc_mode:	how RPC ALLOC is answered
 * @bufs:	RPC arguments handed out by ALLOC, and application shm
 *		handed out by RPC CMD SHM_ALLOC
 * @nbufs:	entries used in @bufs
 * @appl_fail:	answer RPC CMD SHM_ALLOC with OUT_OF_MEMORY (a driver
 *		with no tee-supplicant)
 * @fs_ret:	what FS OPEN and CREATE answer (0 = ITEM_NOT_FOUND: no
 *		secure storage, as the bare-metal image on the firmware)
 */
struct fx {
	enum smcsim_abi_profile profile;
	struct smcsim_phys *phys;
	struct smcsim_sw_config cfg;
	struct smcsim_sw *sw;
	uint8_t *shm;
	enum alloc_mode alloc_mode;
	struct rpc_buf bufs[MAX_BUFS];
	unsigned int nbufs;
	bool appl_fail;
	uint32_t fs_ret;
};

static struct fx fx_proposal = { .profile = SMCSIM_ABI_PROPOSAL };
static struct fx fx_upstream = { .profile = SMCSIM_ABI_UPSTREAM };

/**
 * struct nwcall - the normal world's record of one yielding call
 * @fx:		its world
 * @rpc_arg:	RPC argument supplied with the call (RPC CMD cookie 0)
 * @thread:	a3 of its first RPC, -1 before
 * @rpcs:	RPCs answered; @allocs, @frees, @foreign, @cmds by kind
 * @suspends, @get_times, @unsupported: RPC commands seen
 * @alloc_size:	a1 of the last ALLOC
 * @alloc_cookie, @free_cookie, @cmd_cookie: cookies of the last ALLOC
 *		answer, FREE request and CMD request
 * @rpc_cmd:	OPTEE_RPC_CMD_* of the last CMD, @rpc_num_params its params
 * @suspend_ms:	value a of the last SUSPEND
 * @trace:	a0 of the first RPCs, in order
 * @appl_allocs, @appl_frees, @fs_ops, @load_tas, @notif_waits,
 * @notif_sends: RPC commands seen; @notif_value value b of the last
 *		NOTIFICATION
 * @cmd_trace:	the first RPC commands, CMD() / CMD_FS() codes
 * @ncmd_trace:	entries in @cmd_trace
 */
struct nwcall {
	struct fx *fx;
	struct optee_msg_arg *rpc_arg;
	int thread;
	unsigned int rpcs, allocs, frees, foreign, cmds;
	unsigned int suspends, get_times, unsupported;
	uint32_t alloc_size;
	uint64_t alloc_cookie, free_cookie, cmd_cookie;
	uint32_t rpc_cmd, rpc_num_params;
	uint64_t suspend_ms;
	unsigned long trace[TRACE_LEN];
	unsigned int appl_allocs, appl_frees, fs_ops, load_tas;
	unsigned int notif_waits, notif_sends;
	uint64_t notif_value;
	uint32_t cmd_trace[CMD_TRACE_LEN];
	unsigned int ncmd_trace;
};

/**
 * struct msg - where a message lives and how it is called
 * @fid:	CALL_WITH_ARG, CALL_WITH_RPC_ARG or CALL_WITH_REGD_ARG
 * @pa:		its physical address (not REGD)
 * @cookie:	registered shm holding it (REGD)
 * @offs:	its offset in that shm (REGD)
 * @arg:	the normal world's view of it
 */
struct msg {
	unsigned long fid;
	uint64_t pa;
	uint64_t cookie;
	uint32_t offs;
	struct optee_msg_arg *arg;
};

/* ---- fixtures ---------------------------------------------------------- */

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
	enum smcsim_abi_profile profile = fx->profile;

	memset(fx, 0, sizeof(*fx));
	fx->profile = profile;
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

/* ---- registers ----------------------------------------------------------- */

/* One SMC with a0..a5 (a6 = a7 = 0). */
static void call(struct fx *fx, unsigned long a0, unsigned long a1,
		 unsigned long a2, unsigned long a3, unsigned long a4,
		 unsigned long a5, struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, a4, a5, 0, 0 };

	memset(res, 0x5A, sizeof(*res));
	smcsim_sw_smc(fx->sw, a, res);
}

/* A yielding call that completed: a0 = @a0, a1..a3 = 0 (docs/abi.md section 3.2). */
static void expect_done(const char *what, const struct arm_smccc_res *res,
			unsigned long a0)
{
	if (res->a0 != a0 || res->a1 || res->a2 || res->a3) {
		print_error("%s: a0..a3 = %#lx %#lx %#lx %#lx, expected %#lx 0 0 0\n",
			    what, res->a0, res->a1, res->a2, res->a3, a0);
		fail();
	}
}

static void expect_thread_states(struct fx *fx, const char *what,
				 enum smcsim_sw_thread_state t0,
				 enum smcsim_sw_thread_state t1)
{
	enum smcsim_sw_thread_state s0 = smcsim_sw_thread_state(fx->sw, 0);
	enum smcsim_sw_thread_state s1 = smcsim_sw_thread_state(fx->sw, 1);

	if (s0 != t0 || s1 != t1) {
		print_error("%s: thread states %d %d, expected %d %d\n", what,
			    s0, s1, t0, t1);
		fail();
	}
}

static void expect_all_free(struct fx *fx, const char *what)
{
	unsigned int i;

	for (i = 0; i < smcsim_sw_num_threads(fx->sw); i++) {
		if (smcsim_sw_thread_state(fx->sw, i) != SMCSIM_SW_THREAD_FREE) {
			print_error("%s: thread %u is not FREE\n", what, i);
			fail();
		}
	}
}

static struct fx *fx_of(void **state)
{
	return *state;
}

/* ---- the test normal world's RPC handling -------------------------------- */

static void nw_init(struct nwcall *c, struct fx *fx)
{
	memset(c, 0, sizeof(*c));
	c->fx = fx;
	c->thread = -1;
}

static struct rpc_buf *buf_find(struct fx *fx, uint64_t cookie)
{
	unsigned int i;

	for (i = 0; i < fx->nbufs; i++)
		if (fx->bufs[i].live && fx->bufs[i].cookie == cookie)
			return &fx->bufs[i];
	return NULL;
}

static unsigned int bufs_live(struct fx *fx)
{
	unsigned int i, n = 0;

	for (i = 0; i < fx->nbufs; i++)
		n += fx->bufs[i].live;
	return n;
}

static void buf_release(struct fx *fx, struct rpc_buf *b)
{
	if (b->page)
		assert_int_equal(smcsim_phys_free_pages(fx->phys, b->page, 1), 0);
	b->page = 0;
	b->live = false;
}

/* Answer RPC ALLOC as fx->alloc_mode says. */
static void nw_alloc(struct nwcall *c, uint64_t *pa, uint64_t *cookie)
{
	struct fx *fx = c->fx;
	struct rpc_buf *b;

	assert_true(fx->nbufs < MAX_BUFS);
	b = &fx->bufs[fx->nbufs++];
	memset(b, 0, sizeof(*b));
	b->cookie = RPC_COOKIE(fx->nbufs);
	switch (fx->alloc_mode) {
	case ALLOC_DRAM:
		assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &b->page), 0);
		b->pa = b->page;
		break;
	case ALLOC_SHM:
		b->pa = SHM_BASE + SHM_RPC + (uint64_t)fx->nbufs * 256 + 8;
		break;
	case ALLOC_PA0:
		b->cookie = 0;
		break;
	case ALLOC_SECURE:
		b->pa = SEC_BASE + PAGE;
		break;
	case ALLOC_DRAM_UNALIGNED:
		assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &b->page), 0);
		b->pa = b->page + 8;
		break;
	}
	b->live = b->cookie != 0;
	*pa = b->pa;
	*cookie = b->cookie;
}

static void nw_free(struct nwcall *c, uint64_t cookie)
{
	struct rpc_buf *b = buf_find(c->fx, cookie);

	if (!b) {
		print_error("RPC FREE of cookie %#llx, never handed out or "
			    "already freed\n", (unsigned long long)cookie);
		fail();
	}
	buf_release(c->fx, b);
}

/*
 * RPC CMD SHM_ALLOC of application memory: a fresh DRAM page, contiguous,
 * named by a cookie of its own (or OUT_OF_MEMORY with fx->appl_fail).
 */
static void nw_shm_alloc(struct nwcall *c, struct optee_msg_arg *arg)
{
	struct fx *fx = c->fx;
	struct optee_msg_param *p = &arg->params[0];
	struct rpc_buf *b;

	c->appl_allocs++;
	if (fx->appl_fail || arg->num_params != 1 ||
	    p->attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT ||
	    p->u.value.a != OPTEE_RPC_SHM_TYPE_APPL || p->u.value.b > PAGE) {
		arg->ret = TEE_ERROR_OUT_OF_MEMORY;
		return;
	}
	assert_true(fx->nbufs < MAX_BUFS);
	b = &fx->bufs[fx->nbufs++];
	memset(b, 0, sizeof(*b));
	b->cookie = APPL_COOKIE(fx->nbufs);
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &b->page), 0);
	b->pa = b->page;
	b->live = true;
	p->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	p->u.tmem.buf_ptr = b->pa;
	p->u.tmem.size = PAGE;
	p->u.tmem.shm_ref = b->cookie;
	arg->ret = TEE_SUCCESS;
}

/* Execute RPC CMD: the argument is the supplied one (cookie 0) or ALLOC's. */
static void nw_cmd(struct nwcall *c, uint64_t cookie)
{
	struct optee_msg_arg *arg;
	struct rpc_buf *b;

	if (!cookie) {
		if (!c->rpc_arg) {
			print_error("RPC CMD with cookie 0, no RPC arg supplied\n");
			fail();
		}
		arg = c->rpc_arg;
	} else {
		b = buf_find(c->fx, cookie);
		if (!b) {
			print_error("RPC CMD with unknown cookie %#llx\n",
				    (unsigned long long)cookie);
			fail();
		}
		arg = smcsim_phys_map(c->fx->phys, SMCSIM_WORLD_NORMAL, b->pa,
				      RPC_ARG_SIZE);
		assert_non_null(arg);
	}
	c->rpc_cmd = arg->cmd;
	c->rpc_num_params = arg->num_params;
	assert_in_range(arg->num_params, 0, OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS);
	if (c->ncmd_trace < CMD_TRACE_LEN)
		c->cmd_trace[c->ncmd_trace++] =
			CMD(arg->cmd) | ((arg->cmd == OPTEE_RPC_CMD_FS ||
					  arg->cmd == OPTEE_RPC_CMD_NOTIFICATION) &&
					 arg->num_params ?
					 (uint32_t)arg->params[0].u.value.a : 0);
	switch (arg->cmd) {
	case OPTEE_RPC_CMD_SHM_ALLOC:
		nw_shm_alloc(c, arg);
		break;
	case OPTEE_RPC_CMD_SHM_FREE:
		c->appl_frees++;
		b = arg->num_params == 1 ?
		    buf_find(c->fx, arg->params[0].u.value.b) : NULL;
		if (!b) {
			print_error("SHM_FREE of cookie never handed out\n");
			fail();
		}
		buf_release(c->fx, b);
		arg->ret = TEE_SUCCESS;
		break;
	case OPTEE_RPC_CMD_FS:
		/* Empty storage: nothing to open, create or remove. */
		c->fs_ops++;
		if (arg->num_params == 3 && c->fx->fs_ret &&
		    arg->params[0].u.value.a != OPTEE_RPC_FS_REMOVE)
			arg->ret = c->fx->fs_ret;
		else
			arg->ret = TEE_ERROR_ITEM_NOT_FOUND;
		break;
	case OPTEE_RPC_CMD_LOAD_TA:
		/* No TA to load. */
		c->load_tas++;
		arg->ret = TEE_ERROR_ITEM_NOT_FOUND;
		break;
	case OPTEE_RPC_CMD_NOTIFICATION:
		c->notif_value = arg->num_params ? arg->params[0].u.value.b : 0;
		if (arg->num_params && arg->params[0].u.value.a ==
		    OPTEE_RPC_NOTIFICATION_SEND)
			c->notif_sends++;
		else
			c->notif_waits++;
		/* One call at a time here: a wait could never end. */
		arg->ret = arg->num_params && arg->params[0].u.value.a ==
			   OPTEE_RPC_NOTIFICATION_SEND ? TEE_SUCCESS :
							 TEE_ERROR_GENERIC;
		break;
	case OPTEE_RPC_CMD_GET_TIME:
		c->get_times++;
		if (arg->num_params) {
			arg->params[0].u.value.a = 1700000000;
			arg->params[0].u.value.b = 123456789;
		}
		arg->ret = TEE_SUCCESS;
		break;
	case OPTEE_RPC_CMD_SUSPEND:
		/* Linux would sleep here; the test does not. */
		c->suspends++;
		c->suspend_ms = arg->num_params ? arg->params[0].u.value.a : 0;
		arg->ret = TEE_SUCCESS;
		break;
	default:
		c->unsupported++;
		arg->ret = TEE_ERROR_NOT_SUPPORTED;
		break;
	}
}

/*
 * Answer the RPC in @res and issue RETURN_FROM_RPC; @res receives the next
 * answer of the secure world.
 */
static void nw_step(struct nwcall *c, struct arm_smccc_res *res)
{
	unsigned long a0 = res->a0, a4 = 0, a5 = 0;
	unsigned long a1 = res->a1, a2 = res->a2, a3 = res->a3;
	uint64_t pa, cookie;

	assert_true(optee_smc_return_is_rpc(a0));
	if (c->thread < 0) {
		c->thread = (int)a3;
	} else if ((unsigned long)c->thread != a3) {
		print_error("RPC %#lx of the call on thread %d names thread %lu\n",
			    a0, c->thread, a3);
		fail();
	}
	if (c->rpcs < TRACE_LEN)
		c->trace[c->rpcs] = a0;
	c->rpcs++;

	switch (a0) {
	case OPTEE_SMC_RETURN_RPC_ALLOC:
		c->allocs++;
		c->alloc_size = (uint32_t)a1;
		nw_alloc(c, &pa, &cookie);
		c->alloc_cookie = cookie;
		a1 = reg_pair_hi(pa);
		a2 = reg_pair_lo(pa);
		a4 = reg_pair_hi(cookie);
		a5 = reg_pair_lo(cookie);
		break;
	case OPTEE_SMC_RETURN_RPC_FREE:
		c->frees++;
		c->free_cookie = reg_pair_to_64(a1, a2);
		nw_free(c, c->free_cookie);
		break;
	case OPTEE_SMC_RETURN_RPC_FOREIGN_INTR:
		c->foreign++;
		if (a1 || a2) {
			print_error("FOREIGN_INTR with a1 %#lx a2 %#lx\n", a1, a2);
			fail();
		}
		break;
	case OPTEE_SMC_RETURN_RPC_CMD:
		c->cmds++;
		c->cmd_cookie = reg_pair_to_64(a1, a2);
		nw_cmd(c, c->cmd_cookie);
		break;
	default:
		print_error("unknown RPC %#lx\n", a0);
		fail();
	}
	call(c->fx, OPTEE_SMC_CALL_RETURN_FROM_RPC, a1, a2, a3, a4, a5, res);
}

/* Answer RPCs until the call completes, at most MAX_RPCS of them. */
static void nw_finish(struct nwcall *c, struct arm_smccc_res *res)
{
	unsigned int n = 0;

	while (optee_smc_return_is_rpc(res->a0)) {
		if (n++ == MAX_RPCS) {
			print_error("call still in RPCs after %u of them\n",
				    MAX_RPCS);
			fail();
		}
		nw_step(c, res);
	}
}

/* ---- messages ------------------------------------------------------------ */

static void msg_shm(struct fx *fx, struct msg *m, unsigned long fid,
		    uint64_t offs)
{
	memset(m, 0, sizeof(*m));
	m->fid = fid;
	m->pa = SHM_BASE + offs;
	m->arg = (struct optee_msg_arg *)(fx->shm + offs);
}

static void msg_dram(struct fx *fx, struct msg *m, unsigned long fid)
{
	memset(m, 0, sizeof(*m));
	m->fid = fid;
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &m->pa), 0);
	m->arg = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, m->pa, PAGE);
	assert_non_null(m->arg);
}

/* @base: the normal world's view of the registered buffer */
static void msg_regd(struct msg *m, uint64_t cookie, uint32_t offs, void *base)
{
	memset(m, 0, sizeof(*m));
	m->fid = OPTEE_SMC_CALL_WITH_REGD_ARG;
	m->cookie = cookie;
	m->offs = offs;
	m->arg = (struct optee_msg_arg *)((uint8_t *)base + offs);
}

static bool msg_has_rpc_arg(const struct msg *m)
{
	return m->fid != OPTEE_SMC_CALL_WITH_ARG;
}

static void msg_prep(struct msg *m, uint32_t cmd, uint32_t num_params)
{
	size_t size = OPTEE_MSG_GET_ARG_SIZE(num_params);

	if (msg_has_rpc_arg(m))
		size += RPC_ARG_SIZE;
	memset(m->arg, 0, size);
	m->arg->cmd = cmd;
	m->arg->num_params = num_params;
}

/* Issue the call of @m; @res gets the first answer. */
static void msg_start(struct fx *fx, struct msg *m, struct nwcall *c,
		      struct arm_smccc_res *res)
{
	uint32_t num = m->arg->num_params;

	nw_init(c, fx);
	if (msg_has_rpc_arg(m) && num <= OPTEE_MSG_MAX_NUM_PARAMS)
		c->rpc_arg = (struct optee_msg_arg *)
			((uint8_t *)m->arg + OPTEE_MSG_GET_ARG_SIZE(num));
	if (m->fid == OPTEE_SMC_CALL_WITH_REGD_ARG)
		call(fx, m->fid, reg_pair_hi(m->cookie), reg_pair_lo(m->cookie), m->offs, 0,
		     0, res);
	else
		call(fx, m->fid, reg_pair_hi(m->pa), reg_pair_lo(m->pa), 0, 0, 0, res);
}

static void msg_call(struct fx *fx, struct msg *m, struct nwcall *c,
		     struct arm_smccc_res *res)
{
	msg_start(fx, m, c, res);
	nw_finish(c, res);
}

/* Call @m and expect it to complete with @a0. */
static void msg_run(struct fx *fx, const char *what, struct msg *m,
		    struct nwcall *c, unsigned long a0)
{
	struct arm_smccc_res res;

	msg_call(fx, m, c, &res);
	expect_done(what, &res, a0);
}

static void expect_ret(const char *what, const struct msg *m, uint32_t ret,
		       uint32_t origin)
{
	if (m->arg->ret != ret || m->arg->ret_origin != origin) {
		print_error("%s: ret %#x origin %u, expected %#x origin %u\n",
			    what, m->arg->ret, m->arg->ret_origin, ret, origin);
		fail();
	}
}

/* A message that completes (OPTEE_SMC_RETURN_OK) with TEE result @ret. */
static void msg_run_ret(struct fx *fx, const char *what, struct msg *m,
			struct nwcall *c, uint32_t ret, uint32_t origin)
{
	msg_run(fx, what, m, c, OPTEE_SMC_RETURN_OK);
	expect_ret(what, m, ret, origin);
}

static void prep_open(struct msg *m, const struct smcsim_uuid *uuid,
		      uint32_t login, uint32_t user_params)
{
	msg_prep(m, OPTEE_MSG_CMD_OPEN_SESSION, 2 + user_params);
	m->arg->params[0].attr = META_VALUE;
	smcsim_uuid_to_octets(uuid, m->arg->params[0].u.octets);
	/* Client UUID: nil, as Linux sends for PUBLIC and REE_KERNEL. */
	m->arg->params[1].attr = META_VALUE;
	m->arg->params[1].u.value.c = login;
}

static void prep_invoke(struct msg *m, uint32_t session, uint32_t func,
			uint32_t num_params)
{
	msg_prep(m, OPTEE_MSG_CMD_INVOKE_COMMAND, num_params);
	m->arg->session = session;
	m->arg->func = func;
}

static void set_value(struct optee_msg_param *p, uint64_t attr, uint64_t a,
		      uint64_t b)
{
	p->attr = attr;
	p->u.value.a = a;
	p->u.value.b = b;
}

static void set_tmem(struct optee_msg_param *p, uint64_t attr, uint64_t pa,
		     uint64_t size)
{
	p->attr = attr;
	p->u.tmem.buf_ptr = pa;
	p->u.tmem.size = size;
	p->u.tmem.shm_ref = 0;
}

static void set_rmem(struct optee_msg_param *p, uint64_t attr, uint64_t cookie,
		     uint64_t offs, uint64_t size)
{
	p->attr = attr;
	p->u.rmem.offs = offs;
	p->u.rmem.size = size;
	p->u.rmem.shm_ref = cookie;
}

/* Open a session; Return: the session id. TA results have origin TA. */
static uint32_t open_ok(struct fx *fx, struct msg *m,
			const struct smcsim_uuid *uuid, uint32_t login)
{
	struct nwcall c;

	prep_open(m, uuid, login, 0);
	msg_run(fx, "OPEN_SESSION", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("OPEN_SESSION", m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_not_equal(m->arg->session, 0);
	return m->arg->session;
}

static uint32_t echo_open(struct fx *fx, struct msg *m)
{
	const struct smcsim_uuid u = SMCSIM_TA_ECHO_UUID;

	return open_ok(fx, m, &u, OPTEE_MSG_LOGIN_PUBLIC);
}

static uint32_t sleep_open(struct fx *fx, struct msg *m)
{
	const struct smcsim_uuid u = SMCSIM_TA_SLEEP_UUID;

	return open_ok(fx, m, &u, OPTEE_MSG_LOGIN_PUBLIC);
}

/* CLOSE_SESSION answers ret 0 with origin TEE (docs/abi.md section 13). */
static void close_ok(struct fx *fx, struct msg *m, uint32_t session)
{
	struct nwcall c;

	msg_prep(m, OPTEE_MSG_CMD_CLOSE_SESSION, 0);
	m->arg->session = session;
	msg_run(fx, "CLOSE_SESSION", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("CLOSE_SESSION", m, TEE_SUCCESS, TEEC_ORIGIN_TEE);
	assert_int_equal(c.rpcs, 0);
}

/*
 * CLOSE_SESSION or CANCEL (@cmd) of @session with @num_params NONE params:
 * answered @ret with origin TEE.
 */
static void session_cmd_ret(struct fx *fx, struct msg *m, const char *what,
			    uint32_t cmd, uint32_t session,
			    uint32_t num_params, uint32_t ret)
{
	struct nwcall c;

	msg_prep(m, cmd, num_params);
	m->arg->session = session;
	msg_run_ret(fx, what, m, &c, ret, TEEC_ORIGIN_TEE);
}

static void prep_add(struct msg *m, uint32_t session, uint32_t x, uint32_t y)
{
	prep_invoke(m, session, SMCSIM_TA_ECHO_CMD_ADD, 2);
	set_value(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, x, y);
	set_value(&m->arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
		  0xDEAD, 0xBEEF);
}

static void echo_add_ok(struct fx *fx, struct msg *m, uint32_t session,
			uint32_t x, uint32_t y)
{
	struct nwcall c;

	prep_add(m, session, x, y);
	msg_run(fx, "ADD", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("ADD", m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m->arg->params[1].u.value.a, (uint32_t)(x + y));
	assert_int_equal(m->arg->params[1].u.value.b, 0);
	/* Inputs come back as they were. */
	assert_int_equal(m->arg->params[0].u.value.a, x);
	assert_int_equal(m->arg->params[0].u.value.b, y);
	assert_int_equal(c.rpcs, 0);
}

/* After anything hostile: the world still opens, adds and closes. */
static void world_serves(struct fx *fx)
{
	struct msg m;
	uint32_t sess;

	expect_all_free(fx, "before the serving check");
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_SERVE_SLOT);
	sess = echo_open(fx, &m);
	echo_add_ok(fx, &m, sess, 40, 2);
	close_ok(fx, &m, sess);
	expect_all_free(fx, "after the serving check");
}

/* ---- registered shm ------------------------------------------------------ */

/*
 * REGISTER_SHM of the @npages pages @pages (in that order), the buffer
 * starting @offset bytes into the first, @size bytes. The page list is
 * written into the list pages @lists (one per 511 entries, each with the
 * PA of the next), or into fresh DRAM pages if @lists is NULL, and
 * scribbled over once the call is done: the secure world must have read it
 * once. Fresh list pages are freed again. Return: the TEE result (origin
 * not checked: OP-TEE leaves it alone).
 */
static uint32_t register_pages_at(struct fx *fx, uint64_t cookie,
				  const uint64_t *pages, size_t npages,
				  uint64_t offset, uint64_t size,
				  const uint64_t *lists)
{
	size_t nlist = (npages + LIST_ENTRIES - 1) / LIST_ENTRIES;
	uint64_t list_pa[8] = { 0 };
	uint64_t *list = NULL;
	struct nwcall c;
	struct msg m;
	size_t i;

	assert_in_range(nlist, 1, ARRAY_SIZE(list_pa));
	for (i = 0; i < nlist; i++) {
		if (lists)
			list_pa[i] = lists[i];
		else
			assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1,
								 &list_pa[i]),
					 0);
	}
	for (i = 0; i < npages; i++) {
		if (!(i % LIST_ENTRIES)) {
			size_t l = i / LIST_ENTRIES;

			list = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL,
					       list_pa[l], PAGE);
			assert_non_null(list);
			memset(list, 0, PAGE);
			list[LIST_ENTRIES] = l + 1 < nlist ? list_pa[l + 1] : 0;
		}
		list[i % LIST_ENTRIES] = pages[i];
	}

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_REG_SLOT);
	msg_prep(&m, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	set_tmem(&m.arg->params[0],
		 OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
		 list_pa[0] | offset, size);
	m.arg->params[0].u.tmem.shm_ref = cookie;
	msg_run(fx, "REGISTER_SHM", &m, &c, OPTEE_SMC_RETURN_OK);
	assert_int_equal(c.rpcs, 0);

	for (i = 0; i < nlist; i++) {
		list = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL,
				       list_pa[i], PAGE);
		memset(list, 0xFF, PAGE);
		if (!lists)
			assert_int_equal(smcsim_phys_free_pages(fx->phys,
								list_pa[i], 1),
					 0);
	}
	return m.arg->ret;
}

static uint32_t register_pages(struct fx *fx, uint64_t cookie,
			       const uint64_t *pages, size_t npages,
			       uint64_t offset, uint64_t size)
{
	return register_pages_at(fx, cookie, pages, npages, offset, size, NULL);
}

/* Allocate @npages contiguous DRAM pages and register them. Return: host view. */
static uint8_t *register_contig(struct fx *fx, uint64_t cookie, size_t npages,
				uint64_t *pa_out)
{
	uint64_t pages[16], pa;
	uint8_t *va;
	size_t i;

	assert_in_range(npages, 1, ARRAY_SIZE(pages));
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, npages, &pa), 0);
	for (i = 0; i < npages; i++)
		pages[i] = pa + i * PAGE;
	va = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, pa, npages * PAGE);
	assert_non_null(va);
	memset(va, 0, npages * PAGE);
	assert_int_equal(register_pages(fx, cookie, pages, npages, 0,
					npages * PAGE), TEE_SUCCESS);
	assert_true(smcsim_sw_shm_registered(fx->sw, cookie));
	if (pa_out)
		*pa_out = pa;
	return va;
}

static uint32_t unregister(struct fx *fx, uint64_t cookie)
{
	struct nwcall c;
	struct msg m;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_REG_SLOT);
	msg_prep(&m, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, cookie, 0, 0);
	msg_run(fx, "UNREGISTER_SHM", &m, &c, OPTEE_SMC_RETURN_OK);
	assert_int_equal(c.rpcs, 0);
	return m.arg->ret;
}

/* ---- 1. echo TA through every way of passing the argument ---------------- */

/*
 * Open, ADD, INC_VALUE, ECHO (and its SHORT_BUFFER answer), FILL, CHECK, an
 * unknown command, wrong parameter types, close: every answer exact, no RPC
 * at all, all threads free afterwards.
 */
static void echo_roundtrip(struct fx *fx, struct msg *m, const char *where)
{
	const uint64_t in_pa = SHM_BASE + SHM_DATA;
	const uint64_t out_pa = SHM_BASE + SHM_DATA + PAGE;
	const uint64_t fill_pa = SHM_BASE + SHM_DATA + 2 * PAGE;
	uint8_t *in = fx->shm + SHM_DATA;
	uint8_t *out = fx->shm + SHM_DATA + PAGE;
	uint8_t *fill = fx->shm + SHM_DATA + 2 * PAGE;
	struct nwcall c;
	uint32_t sess;
	size_t i;

	print_message("echo TA, argument %s\n", where);
	sess = echo_open(fx, m);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 1);

	echo_add_ok(fx, m, sess, 7, 35);
	echo_add_ok(fx, m, sess, 0xFFFFFFFFU, 2);

	prep_invoke(m, sess, SMCSIM_TA_ECHO_CMD_INC_VALUE, 1);
	set_value(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INOUT, 10, 20);
	msg_run(fx, "INC_VALUE", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("INC_VALUE", m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m->arg->params[0].u.value.a, 11);
	assert_int_equal(m->arg->params[0].u.value.b, 21);

	for (i = 0; i < 64; i++)
		in[i] = (uint8_t)(0xA0 ^ i);
	memset(out, 0xEE, 128);
	prep_invoke(m, sess, SMCSIM_TA_ECHO_CMD_ECHO, 3);
	set_tmem(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, in_pa, 64);
	set_tmem(&m->arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, out_pa, 128);
	set_value(&m->arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	msg_run(fx, "ECHO", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("ECHO", m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m->arg->params[1].u.tmem.size, 64);
	assert_int_equal(m->arg->params[2].u.value.a, 64);
	assert_memory_equal(out, in, 64);
	for (i = 64; i < 128; i++)
		assert_int_equal(out[i], 0xEE);

	/* Too small an output: SHORT_BUFFER and the size needed. */
	memset(out, 0xEE, 128);
	prep_invoke(m, sess, SMCSIM_TA_ECHO_CMD_ECHO, 3);
	set_tmem(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, in_pa, 64);
	set_tmem(&m->arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, out_pa, 8);
	set_value(&m->arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	msg_run(fx, "ECHO short", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("ECHO short", m, TEE_ERROR_SHORT_BUFFER,
		   TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m->arg->params[1].u.tmem.size, 64);
	for (i = 0; i < 128; i++)
		assert_int_equal(out[i], 0xEE);

	memset(fill, 0, 512);
	prep_invoke(m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_tmem(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, fill_pa, 300);
	set_value(&m->arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0x30, 0);
	msg_run(fx, "FILL", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("FILL", m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m->arg->params[0].u.tmem.size, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(fill[i], (uint8_t)(0x30 + i));
	for (i = 300; i < 512; i++)
		assert_int_equal(fill[i], 0);

	prep_invoke(m, sess, SMCSIM_TA_ECHO_CMD_CHECK, 3);
	set_tmem(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, fill_pa, 300);
	set_value(&m->arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0x30, 0);
	set_value(&m->arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 7, 7);
	msg_run(fx, "CHECK", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("CHECK", m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m->arg->params[2].u.value.a, 0);
	assert_int_equal(m->arg->params[2].u.value.b, UINT32_MAX);

	fill[17] ^= 0xFF;
	prep_invoke(m, sess, SMCSIM_TA_ECHO_CMD_CHECK, 3);
	set_tmem(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, fill_pa, 300);
	set_value(&m->arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0x30, 0);
	set_value(&m->arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	msg_run(fx, "CHECK mismatch", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("CHECK mismatch", m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m->arg->params[2].u.value.a, 1);
	assert_int_equal(m->arg->params[2].u.value.b, 17);

	/* What the TA refuses has origin TRUSTED_APP. */
	prep_invoke(m, sess, 77, 0);
	msg_run(fx, "unknown TA command", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("unknown TA command", m, TEE_ERROR_NOT_SUPPORTED,
		   TEEC_ORIGIN_TRUSTED_APP);
	prep_invoke(m, sess, SMCSIM_TA_ECHO_CMD_ADD, 1);
	set_value(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 1, 2);
	msg_run(fx, "ADD, one param", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("ADD, one param", m, TEE_ERROR_BAD_PARAMETERS,
		   TEEC_ORIGIN_TRUSTED_APP);

	close_ok(fx, m, sess);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);
	expect_all_free(fx, where);
	assert_int_equal(fx->nbufs, 0);
}

static void sw_msg_echo_arg_in_reserved_shm(void **state)
{
	struct fx *fx = *state;
	struct msg m;

	/* 8-byte aligned is enough inside the reserved shm. */
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1) + 8);
	echo_roundtrip(fx, &m, "in the reserved shm, 8-byte aligned");
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(2) + 0x7F8);
	echo_roundtrip(fx, &m, "in the reserved shm, offset 0x7F8");
}

static void sw_msg_echo_arg_in_dram_page(void **state)
{
	struct fx *fx = *state;
	struct msg m;

	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_ARG);
	echo_roundtrip(fx, &m, "in a DRAM page");
}

static void sw_msg_echo_with_rpc_arg(void **state)
{
	struct fx *fx = *state;
	struct msg m;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG, SHM_ARG(1) + 16);
	echo_roundtrip(fx, &m, "CALL_WITH_RPC_ARG in the reserved shm");
	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG);
	echo_roundtrip(fx, &m, "CALL_WITH_RPC_ARG in a DRAM page");
}

static void sw_msg_echo_with_regd_arg(void **state)
{
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(1);
	uint8_t *buf;
	struct msg m;

	buf = register_contig(fx, cookie, 2, NULL);
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 1);
	msg_regd(&m, cookie, 0, buf);
	echo_roundtrip(fx, &m, "CALL_WITH_REGD_ARG at offset 0");
	/* Crossing into the second registered page. */
	msg_regd(&m, cookie, PAGE - 64, buf);
	echo_roundtrip(fx, &m, "CALL_WITH_REGD_ARG across a page boundary");
	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
	assert_false(smcsim_sw_shm_registered(fx->sw, cookie));
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 0);
	world_serves(fx);
}

/* ---- 2. what real OP-TEE answered to bad arguments (docs/abi.md section 13) -------- */

static void expect_call_pa(struct fx *fx, const char *what, unsigned long fid,
			   uint64_t pa, unsigned long a0)
{
	struct arm_smccc_res res;

	call(fx, fid, reg_pair_hi(pa), reg_pair_lo(pa), 0, 0, 0, &res);
	expect_done(what, &res, a0);
	expect_all_free(fx, what);
}

static void sw_msg_bad_arg_addresses_answer_ebadaddr(void **state)
{
	static const unsigned long fids[] = {
		OPTEE_SMC_CALL_WITH_ARG, OPTEE_SMC_CALL_WITH_RPC_ARG,
	};
	struct fx *fx = *state;
	struct msg m;
	size_t i;

	/* A valid message next to the bad addresses: only they are wrong. */
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG, SHM_ARG(1) + 8);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	for (i = 0; i < ARRAY_SIZE(fids); i++) {
		expect_call_pa(fx, "misaligned in reserved shm", fids[i],
			       SHM_BASE + SHM_ARG(1) + 4, OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "misaligned by 1 in reserved shm", fids[i],
			       SHM_BASE + SHM_ARG(1) + 1, OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "aligned in reserved shm", fids[i],
			       SHM_BASE + SHM_ARG(1) + 8, OPTEE_SMC_RETURN_OK);
		expect_call_pa(fx, "secure RAM", fids[i], SEC_BASE,
			       OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "protected memory", fids[i],
			       SMCSIM_PHYS_DEFAULT_PROTMEM_BASE,
			       OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "PA 0", fids[i], 0, OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "no region", fids[i], HOLE_PA,
			       OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "below DRAM", fids[i], DRAM_BASE - PAGE,
			       OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "last bytes of the reserved shm", fids[i],
			       SHM_BASE + SHM_SIZE - 16, OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "above 4 GiB", fids[i], 0x100000000ULL,
			       OPTEE_SMC_RETURN_EBADADDR);
	}

	/* DRAM: page aligned works, anything else is EBADADDR. */
	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	expect_call_pa(fx, "DRAM page aligned", OPTEE_SMC_CALL_WITH_ARG, m.pa,
		       OPTEE_SMC_RETURN_OK);
	expect_call_pa(fx, "DRAM + 8", OPTEE_SMC_CALL_WITH_ARG, m.pa + 8,
		       OPTEE_SMC_RETURN_EBADADDR);
	expect_call_pa(fx, "DRAM + 0x800", OPTEE_SMC_CALL_WITH_ARG,
		       m.pa + 0x800, OPTEE_SMC_RETURN_EBADADDR);
	expect_call_pa(fx, "DRAM + 8, RPC_ARG", OPTEE_SMC_CALL_WITH_RPC_ARG,
		       m.pa + 8, OPTEE_SMC_RETURN_EBADADDR);
	/* Only the low 32 bits of a1/a2 count. */
	{
		struct arm_smccc_res res;

		call(fx, OPTEE_SMC_CALL_WITH_ARG,
		     (unsigned long)0xABCD00000000ULL | reg_pair_hi(m.pa),
		     (unsigned long)0x123400000000ULL | reg_pair_lo(m.pa), 0, 0, 0, &res);
		expect_done("upper register bits", &res, OPTEE_SMC_RETURN_OK);
	}
	world_serves(fx);
}

/* Without dynamic shm only the reserved shm can hold an argument. */
static void sw_msg_dram_arg_needs_dynamic_shm(void **state)
{
	struct fx *fx = *state;
	struct msg m;

	fx->cfg.dynamic_shm = false;
	fx_recreate(fx);
	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_ARG);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	expect_call_pa(fx, "DRAM arg, no dynamic shm", OPTEE_SMC_CALL_WITH_ARG,
		       m.pa, OPTEE_SMC_RETURN_EBADADDR);
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	expect_call_pa(fx, "shm arg, no dynamic shm", OPTEE_SMC_CALL_WITH_ARG,
		       m.pa, OPTEE_SMC_RETURN_OK);
	/* REGISTER_SHM is then an unknown command. */
	msg_prep(&m, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	expect_call_pa(fx, "REGISTER_SHM, no dynamic shm",
		       OPTEE_SMC_CALL_WITH_ARG, m.pa, OPTEE_SMC_RETURN_EBADCMD);
	world_serves(fx);
}

/*
 * On the firmware's machine (smcsim_phys_config_qemu_v8(): 1057 MiB of DRAM
 * with the reserved shm carved out of it) real OP-TEE accepts a
 * page-aligned argument at 0x50000000; each address is judged by the range
 * it lies in: the carve-out by the shm's rule (8-byte aligned), the DRAM
 * around it by DRAM's (page aligned).
 */
static void sw_msg_firmware_map_args(void **state)
{
	struct smcsim_phys_config pcfg;
	struct fx *fx = *state;
	const uint64_t dram_end = 0x40000000ULL + (1057ULL << 20);
	const uint64_t pas[] = { 0x50000000ULL, SHM_BASE - PAGE,
				 SHM_BASE + SHM_SIZE, dram_end - PAGE };
	struct msg m;
	size_t i;

	smcsim_sw_destroy(fx->sw);
	fx->sw = NULL;
	smcsim_phys_destroy(fx->phys);
	smcsim_phys_config_qemu_v8(&pcfg);
	assert_int_equal(smcsim_phys_create(&pcfg, &fx->phys), 0);
	fx->shm = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, SHM_BASE,
				  SHM_SIZE);
	assert_non_null(fx->shm);
	smcsim_sw_config_default(&fx->cfg, fx->profile, fx->phys);
	fx_recreate(fx);

	for (i = 0; i < ARRAY_SIZE(pas); i++) {
		memset(&m, 0, sizeof(m));
		m.fid = OPTEE_SMC_CALL_WITH_ARG;
		m.pa = pas[i];
		m.arg = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, m.pa,
					PAGE);
		assert_non_null(m.arg);
		msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
		expect_call_pa(fx, "DRAM page of the firmware map",
			       OPTEE_SMC_CALL_WITH_ARG, m.pa,
			       OPTEE_SMC_RETURN_OK);
		expect_call_pa(fx, "DRAM + 8 in the firmware map",
			       OPTEE_SMC_CALL_WITH_ARG, m.pa + 8,
			       OPTEE_SMC_RETURN_EBADADDR);
	}
	/* Inside the carve-out, the shm's rule. */
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1) + 8);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	expect_call_pa(fx, "shm carve-out, 8-byte aligned",
		       OPTEE_SMC_CALL_WITH_ARG, m.pa, OPTEE_SMC_RETURN_OK);
	/* A message running out of the carve-out into DRAM, past DRAM. */
	expect_call_pa(fx, "last bytes of the carve-out", OPTEE_SMC_CALL_WITH_ARG,
		       SHM_BASE + SHM_SIZE - 16, OPTEE_SMC_RETURN_EBADADDR);
	expect_call_pa(fx, "past the end of DRAM", OPTEE_SMC_CALL_WITH_ARG,
		       dram_end, OPTEE_SMC_RETURN_EBADADDR);
	world_serves(fx);
}

static void sw_msg_num_params_128_answers_ebadaddr(void **state)
{
	static const uint32_t counts[] = { 128, 129, 0x1000, 0x80000000U,
					   0xFFFFFFFFU };
	struct fx *fx = *state;
	struct msg shm, dram;
	size_t i;

	msg_shm(fx, &shm, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	msg_dram(fx, &dram, OPTEE_SMC_CALL_WITH_ARG);
	memset(shm.arg, 0, 2 * PAGE);
	memset(dram.arg, 0, PAGE);
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		shm.arg->cmd = dram.arg->cmd = OPTEE_MSG_CMD_DO_BOTTOM_HALF;
		shm.arg->num_params = dram.arg->num_params = counts[i];
		expect_call_pa(fx, "num_params > 127 in shm",
			       OPTEE_SMC_CALL_WITH_ARG, shm.pa,
			       OPTEE_SMC_RETURN_EBADADDR);
		expect_call_pa(fx, "num_params > 127 in DRAM",
			       OPTEE_SMC_CALL_WITH_ARG, dram.pa,
			       OPTEE_SMC_RETURN_EBADADDR);
	}
	/* 127 params fill a page exactly: accepted (the session is unknown). */
	shm.arg->cmd = dram.arg->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	shm.arg->session = dram.arg->session = 0x4242;
	shm.arg->num_params = dram.arg->num_params = 127;
	expect_call_pa(fx, "127 params in shm", OPTEE_SMC_CALL_WITH_ARG, shm.pa,
		       OPTEE_SMC_RETURN_OK);
	expect_ret("127 params in shm", &shm, TEE_ERROR_BAD_PARAMETERS,
		   TEEC_ORIGIN_TEE);
	expect_call_pa(fx, "127 params in DRAM", OPTEE_SMC_CALL_WITH_ARG, dram.pa,
		       OPTEE_SMC_RETURN_OK);
	expect_ret("127 params in DRAM", &dram, TEE_ERROR_BAD_PARAMETERS,
		   TEEC_ORIGIN_TEE);
	world_serves(fx);
}

static void sw_msg_unknown_message_cmd_answers_ebadcmd(void **state)
{
	static const uint32_t cmds[] = { 99, 12, 0x100, 0xFFFFFFFFU };
	struct fx *fx = *state;
	struct nwcall c;
	struct msg m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
		msg_prep(&m, cmds[i], 0);
		msg_run(fx, "unknown cmd", &m, &c, OPTEE_SMC_RETURN_EBADCMD);
		assert_int_equal(c.rpcs, 0);
		msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG);
		msg_prep(&m, cmds[i], 1);
		msg_run(fx, "unknown cmd, RPC_ARG", &m, &c,
			OPTEE_SMC_RETURN_EBADCMD);
		expect_all_free(fx, "unknown cmd");
	}
	world_serves(fx);
}

static void sw_msg_invoke_unknown_session_is_bad_parameters(void **state)
{
	static const uint32_t sessions[] = { 0, 1, 0x1234, 0xFFFFFFFFU };
	struct fx *fx = *state;
	struct nwcall c;
	struct msg m;
	uint32_t sess;
	size_t i;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	for (i = 0; i < ARRAY_SIZE(sessions); i++) {
		prep_add(&m, sessions[i], 1, 2);
		msg_run_ret(fx, "INVOKE unknown session", &m, &c,
			    TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
		/* Outputs are not written for a call that never ran. */
		assert_int_equal(m.arg->params[1].u.value.a, 0xDEAD);
	}
	/* A session that was closed is unknown too. */
	sess = echo_open(fx, &m);
	close_ok(fx, &m, sess);
	prep_add(&m, sess, 1, 2);
	msg_run_ret(fx, "INVOKE closed session", &m, &c,
		    TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
	/* Opening a TA that does not exist: ITEM_NOT_FOUND from the TEE. */
	{
		const struct smcsim_uuid none = {
			0x12345678, 0x9abc, 0xdef0,
			{ 1, 2, 3, 4, 5, 6, 7, 8 } };

		prep_open(&m, &none, OPTEE_MSG_LOGIN_PUBLIC, 0);
		msg_run_ret(fx, "OPEN unknown TA", &m, &c,
			    TEE_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE);
	}
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);
	world_serves(fx);
}

/*
 * CLOSE_SESSION and CANCEL as OP-TEE's entry_std.c answers them: params
 * are refused (BAD_PARAMETERS); closing a session that is not open is
 * ITEM_NOT_FOUND, cancelling one is BAD_PARAMETERS; origin TEE always.
 */
static void sw_msg_close_and_cancel_unknown_session(void **state)
{
	static const uint32_t sessions[] = { 0, 1, 0x1234, 0xFFFFFFFFU };
	struct fx *fx = *state;
	struct msg m;
	uint32_t sess;
	size_t i;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	for (i = 0; i < ARRAY_SIZE(sessions); i++) {
		session_cmd_ret(fx, &m, "CLOSE unknown", OPTEE_MSG_CMD_CLOSE_SESSION,
				sessions[i], 0, TEE_ERROR_ITEM_NOT_FOUND);
		session_cmd_ret(fx, &m, "CANCEL unknown", OPTEE_MSG_CMD_CANCEL,
				sessions[i], 0, TEE_ERROR_BAD_PARAMETERS);
	}
	sess = echo_open(fx, &m);
	/* With a param: refused, and the session stays open. */
	session_cmd_ret(fx, &m, "CLOSE with a param",
			OPTEE_MSG_CMD_CLOSE_SESSION, sess, 1,
			TEE_ERROR_BAD_PARAMETERS);
	session_cmd_ret(fx, &m, "CANCEL with a param", OPTEE_MSG_CMD_CANCEL,
			sess, 1, TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 1);
	session_cmd_ret(fx, &m, "CANCEL open session", OPTEE_MSG_CMD_CANCEL,
			sess, 0, TEE_SUCCESS);
	close_ok(fx, &m, sess);
	/* Closed twice: the second time it is not found. */
	session_cmd_ret(fx, &m, "CLOSE twice", OPTEE_MSG_CMD_CLOSE_SESSION,
			sess, 0, TEE_ERROR_ITEM_NOT_FOUND);
	world_serves(fx);
}

static void expect_cmd_trace(const char *what, const struct nwcall *c,
			     const uint32_t *want, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n || i < c->ncmd_trace; i++) {
		if (i < n && i < c->ncmd_trace && c->cmd_trace[i] == want[i])
			continue;
		print_error("%s: RPC command %u is %#x, expected %#x (%u "
			    "commands, expected %u)\n", what, i,
			    i < c->ncmd_trace ? c->cmd_trace[i] : 0,
			    i < n ? want[i] : 0, c->ncmd_trace, n);
		fail();
	}
}

/*
 * Opening a TA that is not there, as OP-TEE 4.10 does it (observed on the
 * firmware with a normal world whose storage is empty): the secure-storage
 * TA store first, in the thread's application shm (SHM_ALLOC APPL 4096,
 * align 8, kept to the end of the call): FS OPEN "/dirf.db", REMOVE,
 * CREATE, REMOVE, twice; then LOAD_TA (a size query with a NULL memref);
 * then SHM_FREE of that shm, then RPC FREE of the RPC argument;
 * ITEM_NOT_FOUND, origin TEE. Without application shm (no tee-supplicant)
 * the store stops at OUT_OF_MEMORY after two SHM_ALLOC attempts, with no
 * LOAD_TA; an FS error other than ITEM_NOT_FOUND ends the search too.
 */
static void sw_msg_open_missing_ta_probes_secure_storage_first(void **state)
{
	static const uint32_t want[] = {
		CMD(OPTEE_RPC_CMD_SHM_ALLOC),
		CMD_TA_STORE_EMPTY,
		CMD(OPTEE_RPC_CMD_LOAD_TA),
		CMD(OPTEE_RPC_CMD_SHM_FREE),
	};
	static const uint32_t want_no_appl[] = {
		CMD(OPTEE_RPC_CMD_SHM_ALLOC), CMD(OPTEE_RPC_CMD_SHM_ALLOC),
	};
	static const uint32_t want_fs_error[] = {
		CMD(OPTEE_RPC_CMD_SHM_ALLOC),
		CMD_FS(OPTEE_RPC_FS_OPEN), CMD_FS(OPTEE_RPC_FS_REMOVE),
		CMD(OPTEE_RPC_CMD_SHM_FREE),
	};
	const struct smcsim_uuid missing = { 0x5a117e57, 0x0000, 0x4000,
		{ 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15 } };
	const struct smcsim_uuid nil = { 0 };
	struct fx *fx = *state;
	struct nwcall c;
	struct msg m;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	prep_open(&m, &missing, OPTEE_MSG_LOGIN_PUBLIC, 0);
	msg_run_ret(fx, "OPEN missing", &m, &c, TEE_ERROR_ITEM_NOT_FOUND,
		    TEEC_ORIGIN_TEE);
	expect_cmd_trace("OPEN missing", &c, want, ARRAY_SIZE(want));
	/* RPC ALLOC first, RPC FREE last; the shm is given back. */
	assert_int_equal(c.trace[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	assert_int_equal(c.allocs, 1);
	assert_int_equal(c.frees, 1);
	assert_int_equal(c.appl_allocs, 1);
	assert_int_equal(c.appl_frees, 1);
	assert_int_equal(bufs_live(fx), 0);
	assert_int_equal(m.arg->session, 0);

	/* The same again: nothing is remembered between calls. */
	msg_run_ret(fx, "OPEN missing again", &m, &c, TEE_ERROR_ITEM_NOT_FOUND,
		    TEEC_ORIGIN_TEE);
	expect_cmd_trace("OPEN missing again", &c, want, ARRAY_SIZE(want));

	/* No application shm: OUT_OF_MEMORY, no FS request, no LOAD_TA. */
	fx->appl_fail = true;
	prep_open(&m, &missing, OPTEE_MSG_LOGIN_PUBLIC, 0);
	msg_run_ret(fx, "OPEN missing, no shm", &m, &c, TEE_ERROR_OUT_OF_MEMORY,
		    TEEC_ORIGIN_TEE);
	expect_cmd_trace("OPEN missing, no shm", &c, want_no_appl,
			 ARRAY_SIZE(want_no_appl));
	fx->appl_fail = false;

	/* Storage that fails otherwise: its error, no LOAD_TA. */
	fx->fs_ret = TEE_ERROR_GENERIC;
	prep_open(&m, &missing, OPTEE_MSG_LOGIN_PUBLIC, 0);
	msg_run_ret(fx, "OPEN missing, FS error", &m, &c, TEE_ERROR_GENERIC,
		    TEEC_ORIGIN_TEE);
	expect_cmd_trace("OPEN missing, FS error", &c, want_fs_error,
			 ARRAY_SIZE(want_fs_error));
	fx->fs_ret = 0;

	/* The nil UUID is refused before any storage request. */
	prep_open(&m, &nil, OPTEE_MSG_LOGIN_PUBLIC, 0);
	msg_run_ret(fx, "OPEN nil UUID", &m, &c, TEE_ERROR_GENERIC,
		    TEEC_ORIGIN_TEE);
	assert_int_equal(c.ncmd_trace, 0);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);
	assert_int_equal(bufs_live(fx), 0);
	world_serves(fx);
}

/* The RPC CMD pending in @res (its argument from RPC ALLOC). */
static struct optee_msg_arg *pending_cmd(struct nwcall *c,
					 const struct arm_smccc_res *res)
{
	struct rpc_buf *b;

	assert_true(res->a0 == OPTEE_SMC_RETURN_RPC_CMD);
	b = buf_find(c->fx, reg_pair_to_64(res->a1, res->a2));
	assert_non_null(b);
	return smcsim_phys_map(c->fx->phys, SMCSIM_WORLD_NORMAL, b->pa,
			       RPC_ARG_SIZE);
}

/* The call in @res waits on notification value @value; hold it there. */
static void expect_pending_wait(struct nwcall *c,
				const struct arm_smccc_res *res, uint64_t value)
{
	struct optee_msg_arg *arg = pending_cmd(c, res);

	assert_int_equal(arg->cmd, OPTEE_RPC_CMD_NOTIFICATION);
	assert_int_equal(arg->params[0].u.value.a, OPTEE_RPC_NOTIFICATION_WAIT);
	assert_int_equal(arg->params[0].u.value.b, value);
}

/* Answer the RPC CMD pending in @res with @ret and resume. */
static void answer_pending(struct nwcall *c, struct arm_smccc_res *res,
			   uint32_t ret)
{
	pending_cmd(c, res)->ret = ret;
	call(c->fx, OPTEE_SMC_CALL_RETURN_FROM_RPC, res->a1, res->a2, res->a3,
	     0, 0, res);
}

/* Answer the WAIT pending in @res: the wake-up came. */
static void answer_wait(struct nwcall *c, struct arm_smccc_res *res)
{
	answer_pending(c, res, TEE_SUCCESS);
}

/*
 * A secure mutex wait the normal world answers TIMEOUT is asked again, as
 * OP-TEE 4.10 does (observed: it waits forever); the lock is taken once
 * the holder's SEND arrives.
 */
static void sw_msg_mutex_wait_timeout_is_asked_again(void **state)
{
	const struct smcsim_uuid notif = SMCSIM_TA_NOTIF_UUID;
	const uint64_t key = SMCSIM_SW_NOTIF_SYNC_VALUE_BASE + 1;
	struct fx *fx = *state;
	struct arm_smccc_res ra, rb;
	struct nwcall ca, cb;
	struct msg a, b;
	uint32_t sa, sb;
	unsigned int i;

	msg_shm(fx, &a, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sa = open_ok(fx, &a, &notif, OPTEE_MSG_LOGIN_PUBLIC);
	sb = open_ok(fx, &a, &notif, OPTEE_MSG_LOGIN_PUBLIC);
	msg_shm(fx, &b, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(2));
	prep_invoke(&a, sa, SMCSIM_TA_NOTIF_CMD_LOCK_INC, 2);
	set_value(&a.arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 5, 0);
	set_value(&a.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	prep_invoke(&b, sb, SMCSIM_TA_NOTIF_CMD_LOCK_INC, 2);
	set_value(&b.arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0);
	set_value(&b.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);

	/* A takes the mutex and is held in its SUSPEND (thread 0). */
	msg_start(fx, &a, &ca, &ra);
	nw_step(&ca, &ra);
	assert_int_equal(pending_cmd(&ca, &ra)->cmd, OPTEE_RPC_CMD_SUSPEND);
	/* B waits on its key; TIMEOUT answers make it ask again. */
	msg_start(fx, &b, &cb, &rb);
	nw_step(&cb, &rb);
	for (i = 0; i < 3; i++) {
		expect_pending_wait(&cb, &rb, key);
		answer_pending(&cb, &rb, TEE_ERROR_TIMEOUT);
	}
	expect_pending_wait(&cb, &rb, key);
	/* A finishes and sends B's key; then B's wait is answered. */
	nw_finish(&ca, &ra);
	expect_done("A", &ra, OPTEE_SMC_RETURN_OK);
	expect_ret("A", &a, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(ca.notif_sends, 1);
	assert_int_equal(ca.notif_value, key);
	answer_wait(&cb, &rb);
	nw_finish(&cb, &rb);
	expect_done("B", &rb, OPTEE_SMC_RETURN_OK);
	expect_ret("B", &b, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(b.arg->params[1].u.value.a,
			 a.arg->params[1].u.value.a + 1);
	close_ok(fx, &a, sa);
	close_ok(fx, &a, sb);
	world_serves(fx);
}

/*
 * Two opens of missing TAs at once, on OP-TEE 4.10's two threads. The
 * same UUID: the second waits (NOTIFICATION WAIT on 64 + its thread id,
 * before any storage request) until the first has finished its whole
 * search, LOAD_TA included, and sent it that value; then it searches
 * itself (observed on the firmware). Different UUIDs: the second waits on
 * the TA database's lock only while the first looks into storage: the
 * SEND comes before the first one's LOAD_TA.
 */
static void sw_msg_concurrent_opens_of_missing_tas(void **state)
{
	static const uint32_t first_same[] = {
		CMD(OPTEE_RPC_CMD_SHM_ALLOC),
		CMD_TA_STORE_EMPTY,
		CMD(OPTEE_RPC_CMD_LOAD_TA),
		CMD_NOTIF(OPTEE_RPC_NOTIFICATION_SEND),
		CMD(OPTEE_RPC_CMD_SHM_FREE),
	};
	static const uint32_t first_other[] = {
		CMD(OPTEE_RPC_CMD_SHM_ALLOC),
		CMD_TA_STORE_EMPTY,
		CMD_NOTIF(OPTEE_RPC_NOTIFICATION_SEND),
		CMD(OPTEE_RPC_CMD_LOAD_TA),
		CMD(OPTEE_RPC_CMD_SHM_FREE),
	};
	/* The second call's own search (its WAIT was answered by hand). */
	static const uint32_t second[] = {
		CMD(OPTEE_RPC_CMD_SHM_ALLOC),
		CMD_TA_STORE_EMPTY,
		CMD(OPTEE_RPC_CMD_LOAD_TA),
		CMD(OPTEE_RPC_CMD_SHM_FREE),
	};
	const struct smcsim_uuid x = { 0x5a117e57, 0x0000, 0x4000,
		{ 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15 } };
	const struct smcsim_uuid y = { 0x5a117e57, 0x0000, 0x4000,
		{ 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16 } };
	const uint64_t key = SMCSIM_SW_NOTIF_SYNC_VALUE_BASE + 1;
	struct arm_smccc_res ra, rb;
	struct nwcall ca, cb;
	struct msg a, b;
	unsigned int round;

	for (round = 0; round < 2; round++) {
		const bool same = round == 0;

		msg_shm(fx_of(state), &a, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
		msg_shm(fx_of(state), &b, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(2));
		prep_open(&a, &x, OPTEE_MSG_LOGIN_PUBLIC, 0);
		prep_open(&b, same ? &x : &y, OPTEE_MSG_LOGIN_PUBLIC, 0);

		/* A: RPC ALLOC, then held at its SHM_ALLOC (thread 0). */
		msg_start(fx_of(state), &a, &ca, &ra);
		nw_step(&ca, &ra);
		assert_int_equal(pending_cmd(&ca, &ra)->cmd,
				 OPTEE_RPC_CMD_SHM_ALLOC);
		assert_int_equal(ra.a3, 0);
		/* B: RPC ALLOC, then it waits for A, on thread 1. */
		msg_start(fx_of(state), &b, &cb, &rb);
		nw_step(&cb, &rb);
		assert_int_equal(rb.a3, 1);
		expect_pending_wait(&cb, &rb, key);

		/* A finishes, waking B on the way. */
		nw_finish(&ca, &ra);
		expect_done("A", &ra, OPTEE_SMC_RETURN_OK);
		expect_ret("A", &a, TEE_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE);
		if (same)
			expect_cmd_trace("A, same UUID", &ca, first_same,
					 ARRAY_SIZE(first_same));
		else
			expect_cmd_trace("A, other UUID", &ca, first_other,
					 ARRAY_SIZE(first_other));
		assert_int_equal(ca.notif_value, key);

		/* B's wake-up arrives: it searches itself. */
		answer_wait(&cb, &rb);
		nw_finish(&cb, &rb);
		expect_done("B", &rb, OPTEE_SMC_RETURN_OK);
		expect_ret("B", &b, TEE_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE);
		expect_cmd_trace("B", &cb, second, ARRAY_SIZE(second));
		assert_int_equal(smcsim_sw_session_count(fx_of(state)->sw), 0);
		expect_all_free(fx_of(state), "after both");
	}
	assert_int_equal(bufs_live(fx_of(state)), 0);
	world_serves(fx_of(state));
}

static void sw_msg_regd_arg_must_lie_in_registered_shm(void **state)
{
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(2);
	const uint32_t fits = PAGE - OPTEE_MSG_GET_ARG_SIZE(0) - RPC_ARG_SIZE;
	struct arm_smccc_res res;
	struct nwcall c;
	uint8_t *buf;
	struct msg m;

	buf = register_contig(fx, cookie, 1, NULL);

	/* Unknown cookies, including the other half of ours alone. */
	call(fx, OPTEE_SMC_CALL_WITH_REGD_ARG, reg_pair_hi(cookie) + 1, reg_pair_lo(cookie),
	     0, 0, 0, &res);
	expect_done("REGD unknown cookie", &res, OPTEE_SMC_RETURN_EBADADDR);
	call(fx, OPTEE_SMC_CALL_WITH_REGD_ARG, 0, reg_pair_lo(cookie), 0, 0, 0, &res);
	expect_done("REGD cookie lo only", &res, OPTEE_SMC_RETURN_EBADADDR);
	call(fx, OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0, 0, 0, 0, &res);
	expect_done("REGD cookie 0", &res, OPTEE_SMC_RETURN_EBADADDR);

	/* Arg + RPC arg exactly at the end of the shm: fine. */
	msg_regd(&m, cookie, fits, buf);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	msg_run_ret(fx, "REGD arg at the end", &m, &c, TEE_SUCCESS, 0);
	/* 8 bytes further the RPC arg would stick out. */
	msg_regd(&m, cookie, fits + 8, buf);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	msg_run(fx, "REGD RPC arg outside", &m, &c, OPTEE_SMC_RETURN_EBADADDR);
	/* One more param does the same. */
	msg_regd(&m, cookie, fits - 24, buf);
	memset(m.arg, 0, OPTEE_MSG_GET_ARG_SIZE(0));
	m.arg->cmd = OPTEE_MSG_CMD_DO_BOTTOM_HALF;
	m.arg->num_params = 1;
	msg_run(fx, "REGD num_params too many", &m, &c,
		OPTEE_SMC_RETURN_EBADADDR);
	/* Offsets past the end. */
	call(fx, OPTEE_SMC_CALL_WITH_REGD_ARG, reg_pair_hi(cookie), reg_pair_lo(cookie),
	     PAGE - 16, 0, 0, &res);
	expect_done("REGD header outside", &res, OPTEE_SMC_RETURN_EBADADDR);
	call(fx, OPTEE_SMC_CALL_WITH_REGD_ARG, reg_pair_hi(cookie), reg_pair_lo(cookie),
	     PAGE, 0, 0, &res);
	expect_done("REGD offset = size", &res, OPTEE_SMC_RETURN_EBADADDR);
	call(fx, OPTEE_SMC_CALL_WITH_REGD_ARG, reg_pair_hi(cookie), reg_pair_lo(cookie),
	     0xFFFFFFFFUL, 0, 0, &res);
	expect_done("REGD offset 4 GiB - 1", &res, OPTEE_SMC_RETURN_EBADADDR);

	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
	/* Once unregistered the cookie is unknown. */
	msg_regd(&m, cookie, 0, buf);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	msg_run(fx, "REGD after UNREGISTER", &m, &c, OPTEE_SMC_RETURN_EBADADDR);
	world_serves(fx);
}

/* ---- 3. device PTA, CLOSE, bottom half ----------------------------------- */

static uint32_t test_ta_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			       uint32_t ptypes,
			       union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	(void)s;
	(void)cmd;
	(void)ptypes;
	(void)p;
	return TEE_SUCCESS;
}

static const struct smcsim_ta_ops test_ta_ops = {
	.invoke = test_ta_invoke,
};

static void sw_msg_device_pta_open_needs_no_rpc(void **state)
{
	struct fx *fx = *state;
	const struct smcsim_uuid pta = SMCSIM_PTA_DEVICE_UUID;
	struct nwcall c;
	struct msg m;
	uint32_t sess;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	prep_open(&m, &pta, OPTEE_MSG_LOGIN_REE_KERNEL, 0);
	msg_run_ret(fx, "OPEN device PTA", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 0);
	sess = m.arg->session;
	/* The first session of a fresh world is 1, as on real OP-TEE. */
	assert_int_equal(sess, 1);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 1);
	close_ok(fx, &m, sess);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);

	/* The same with the RPC argument supplied: still no RPC. */
	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG);
	prep_open(&m, &pta, OPTEE_MSG_LOGIN_REE_KERNEL, 0);
	msg_run_ret(fx, "OPEN device PTA, RPC_ARG", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 0);
	close_ok(fx, &m, m.arg->session);
	world_serves(fx);
}

/*
 * OP-TEE's device PTA has no open entry: every login the message layer
 * takes opens it (observed on OP-TEE 4.10: PUBLIC gives ret 0, origin
 * TRUSTED_APP, session 1); a login value OP-TEE does not know is
 * BAD_PARAMETERS from the framework, origin TEE.
 */
static void sw_msg_device_pta_accepts_any_login(void **state)
{
	static const uint32_t logins[] = {
		OPTEE_MSG_LOGIN_PUBLIC, OPTEE_MSG_LOGIN_USER,
		OPTEE_MSG_LOGIN_GROUP, OPTEE_MSG_LOGIN_APPLICATION,
		OPTEE_MSG_LOGIN_APPLICATION_USER,
		OPTEE_MSG_LOGIN_APPLICATION_GROUP, OPTEE_MSG_LOGIN_REE_KERNEL,
	};
	static const uint32_t bad_logins[] = {
		3, 7, OPTEE_MSG_LOGIN_REE_KERNEL + 1,
		OPTEE_MSG_LOGIN_TRUSTED_APP,
	};
	struct fx *fx = *state;
	const struct smcsim_uuid pta = SMCSIM_PTA_DEVICE_UUID;
	struct nwcall c;
	struct msg m;
	size_t i;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	for (i = 0; i < ARRAY_SIZE(logins); i++) {
		prep_open(&m, &pta, logins[i], 0);
		msg_run(fx, "OPEN device PTA", &m, &c, OPTEE_SMC_RETURN_OK);
		expect_ret("OPEN device PTA, any login", &m, TEE_SUCCESS,
			   TEEC_ORIGIN_TRUSTED_APP);
		assert_int_equal(c.rpcs, 0);
		assert_int_equal(m.arg->session, 1);
		close_ok(fx, &m, 1);
	}
	for (i = 0; i < ARRAY_SIZE(bad_logins); i++) {
		prep_open(&m, &pta, bad_logins[i], 0);
		m.arg->session = 0x5555;
		msg_run(fx, "OPEN device PTA", &m, &c, OPTEE_SMC_RETURN_OK);
		expect_ret("OPEN device PTA, unknown login", &m,
			   TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
		/* A failed open answers session 0. */
		assert_int_equal(m.arg->session, 0);
	}
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);
	world_serves(fx);
}

/*
 * Session ids as OP-TEE's new_session_id(): the id of the session begun
 * last that is still open, plus one (1 when none is open), skipping ids in
 * use; a failed open gives its id back.
 */
static void sw_msg_session_ids_follow_the_last_open_session(void **state)
{
	struct fx *fx = *state;
	const struct smcsim_uuid pta = SMCSIM_PTA_DEVICE_UUID;
	const struct smcsim_uuid missing = { 0x534d4353, 0x00fe, 0x4000,
		{ 0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d } };
	struct nwcall c;
	struct msg m;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	/* Open, close, open again: 1 both times (the firmware's answer). */
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 1);
	close_ok(fx, &m, 1);
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 1);
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 2);
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 3);
	/* Closing one in the middle: the next still follows the last. */
	close_ok(fx, &m, 2);
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 4);
	/* Closing the last: its id comes back after the one begun before. */
	close_ok(fx, &m, 4);
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 4);
	/* Session 3 was begun before 4: closing 4 then leaves 3 last. */
	close_ok(fx, &m, 4);
	close_ok(fx, &m, 3);
	/* Only 1 is open: 2 is next, and free. */
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 2);
	/* A failed open takes an id while it runs and gives it back. */
	prep_open(&m, &missing, OPTEE_MSG_LOGIN_PUBLIC, 0);
	msg_run_ret(fx, "OPEN missing TA", &m, &c, TEE_ERROR_ITEM_NOT_FOUND,
		    TEEC_ORIGIN_TEE);
	assert_int_equal(m.arg->session, 0);
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 3);
	close_ok(fx, &m, 1);
	close_ok(fx, &m, 2);
	close_ok(fx, &m, 3);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);
	assert_int_equal(open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC), 1);
	close_ok(fx, &m, 1);
	world_serves(fx);
}

static void get_devices(struct fx *fx, struct msg *m, uint32_t sess,
			uint32_t cmd, uint64_t pa, uint64_t size)
{
	struct nwcall c;

	prep_invoke(m, sess, cmd, 1);
	set_tmem(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, pa, size);
	msg_run(fx, "GET_DEVICES", m, &c, OPTEE_SMC_RETURN_OK);
	assert_int_equal(c.rpcs, 0);
}

static void sw_msg_device_pta_lists_device_tas(void **state)
{
	struct fx *fx = *state;
	const struct smcsim_uuid pta = SMCSIM_PTA_DEVICE_UUID;
	const struct smcsim_ta_desc devs[] = {
		{ .uuid = { 0x11223344, 0x5566, 0x7788,
			    { 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00 } },
		  .name = "dev1", .flags = SMCSIM_TA_FLAG_DEVICE,
		  .ops = &test_ta_ops },
		{ .uuid = { 0xcafef00d, 0x0102, 0x0304,
			    { 8, 7, 6, 5, 4, 3, 2, 1 } },
		  .name = "not a device", .ops = &test_ta_ops },
		{ .uuid = { 0xa5a5a5a5, 0xfeed, 0xface,
			    { 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80 } },
		  .name = "dev2", .flags = SMCSIM_TA_FLAG_DEVICE,
		  .ops = &test_ta_ops },
	};
	const uint64_t buf_pa = SHM_BASE + SHM_DATA;
	uint8_t *buf = fx->shm + SHM_DATA;
	uint8_t want[32];
	struct msg m;
	uint32_t sess;
	size_t i;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_REE_KERNEL);

	/* No built-in TA is a device. */
	get_devices(fx, &m, sess, PTA_CMD_GET_DEVICES, 0, 0);
	expect_ret("GET_DEVICES none", &m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 0);

	for (i = 0; i < ARRAY_SIZE(devs); i++)
		assert_int_equal(smcsim_sw_register_ta(fx->sw, &devs[i]), 0);
	assert_int_equal(smcsim_sw_register_ta(fx->sw, &devs[0]), -EEXIST);
	smcsim_uuid_to_octets(&devs[0].uuid, want);
	smcsim_uuid_to_octets(&devs[2].uuid, want + 16);

	/* A NULL buffer asks for the size. */
	get_devices(fx, &m, sess, PTA_CMD_GET_DEVICES, 0, 0);
	expect_ret("GET_DEVICES NULL", &m, TEE_ERROR_SHORT_BUFFER,
		   TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 32);
	/* Too small: SHORT_BUFFER with the size needed. */
	memset(buf, 0xEE, 64);
	get_devices(fx, &m, sess, PTA_CMD_GET_DEVICES, buf_pa, 16);
	expect_ret("GET_DEVICES 16", &m, TEE_ERROR_SHORT_BUFFER,
		   TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 32);
	/* Big enough: both device UUIDs as RFC 4122 octets, nothing more. */
	get_devices(fx, &m, sess, PTA_CMD_GET_DEVICES, buf_pa, 64);
	expect_ret("GET_DEVICES 64", &m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 32);
	assert_memory_equal(buf, want, 32);
	for (i = 32; i < 64; i++)
		assert_int_equal(buf[i], 0xEE);
	/*
	 * A NULL memref with a size: OP-TEE's message layer hands a NULL
	 * memref over with size 0, so the PTA only asks for the size.
	 */
	get_devices(fx, &m, sess, PTA_CMD_GET_DEVICES, 0, 4096);
	expect_ret("GET_DEVICES NULL with size", &m, TEE_ERROR_SHORT_BUFFER,
		   TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 32);
	/* No simulated TA needs the supplicant. */
	get_devices(fx, &m, sess, PTA_CMD_GET_DEVICES_SUPP, buf_pa, 64);
	expect_ret("GET_DEVICES_SUPP", &m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 0);
	/* No RPMB file system: STORAGE_NOT_AVAILABLE, params unchecked. */
	get_devices(fx, &m, sess, PTA_CMD_GET_DEVICES_RPMB, buf_pa, 64);
	expect_ret("GET_DEVICES_RPMB", &m, TEE_ERROR_STORAGE_NOT_AVAILABLE,
		   TEEC_ORIGIN_TRUSTED_APP);
	get_devices(fx, &m, sess, 0x77, buf_pa, 64);
	expect_ret("PTA unknown command", &m, TEE_ERROR_NOT_IMPLEMENTED,
		   TEEC_ORIGIN_TRUSTED_APP);

	close_ok(fx, &m, sess);
	world_serves(fx);
}

/* ---- the invoke-tests PTA stand-in ---------------------------------------- */

static void invoke_tests_value(struct fx *fx, struct msg *m, uint32_t sess,
			       const uint64_t attrs[4], const uint32_t a[4],
			       const uint32_t b[4], uint32_t ret)
{
	struct nwcall c;
	unsigned int i;

	prep_invoke(m, sess, PTA_INVOKE_TESTS_CMD_PARAMS, 4);
	for (i = 0; i < 4; i++)
		set_value(&m->arg->params[i], attrs[i], a[i], b[i]);
	msg_run(fx, "PARAMS", m, &c, OPTEE_SMC_RETURN_OK);
	expect_ret("PARAMS", m, ret, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 0);
}

/*
 * OP-TEE's invoke-tests PTA as built into the firmware: PARAMS picks its
 * test from the param types (value a + b; the sums of three inputs; the
 * byte sum of a memref into its byte 0), MEMREF_NULL wants a NULL memref,
 * TRACE answers SUCCESS, an unknown command is BAD_PARAMETERS; any login
 * opens it, and GET_DEVICES lists it.
 */
static void sw_msg_invoke_tests_pta(void **state)
{
	struct fx *fx = *state;
	const struct smcsim_uuid pta = SMCSIM_PTA_INVOKE_TESTS_UUID;
	const struct smcsim_uuid dev = SMCSIM_PTA_DEVICE_UUID;
	static const uint8_t want[16] = PTA_INVOKE_TESTS_UUID_OCTETS;
	const uint64_t VI = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	const uint64_t VO = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	const uint64_t VIO = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	const uint64_t NONE = OPTEE_MSG_ATTR_TYPE_NONE;
	const uint64_t buf_pa = SHM_BASE + SHM_DATA;
	uint8_t *buf = fx->shm + SHM_DATA;
	struct nwcall c;
	struct msg m;
	uint32_t sess, dsess;
	unsigned int i, j;

	/* Only with the configuration: otherwise the UUID is no TA. */
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	prep_open(&m, &pta, OPTEE_MSG_LOGIN_PUBLIC, 0);
	msg_run_ret(fx, "OPEN invoke-tests, not built in", &m, &c,
		    TEE_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE);
	fx->cfg.internal_tests_pta = true;
	fx_recreate(fx);

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = open_ok(fx, &m, &pta, OPTEE_MSG_LOGIN_PUBLIC);
	assert_int_equal(sess, 1);

	/* One VALUE_INOUT anywhere: a = a + b, b kept. */
	for (i = 0; i < 4; i++) {
		uint64_t at[4] = { NONE, NONE, NONE, NONE };
		uint32_t a[4] = { 0 }, b[4] = { 0 };

		at[i] = VIO;
		a[i] = 40 + i;
		b[i] = 2;
		invoke_tests_value(fx, &m, sess, at, a, b, TEE_SUCCESS);
		assert_int_equal(m.arg->params[i].u.value.a, 42 + i);
		assert_int_equal(m.arg->params[i].u.value.b, 2);
	}
	/* One VALUE_OUTPUT among three VALUE_INPUT: the sums. */
	for (i = 0; i < 4; i++) {
		uint64_t at[4] = { VI, VI, VI, VI };
		uint32_t a[4], b[4];

		for (j = 0; j < 4; j++) {
			a[j] = 100 * (j + 1);
			b[j] = j + 1;
		}
		at[i] = VO;
		invoke_tests_value(fx, &m, sess, at, a, b, TEE_SUCCESS);
		assert_int_equal(m.arg->params[i].u.value.a,
				 1000 - 100 * (i + 1));
		assert_int_equal(m.arg->params[i].u.value.b, 10 - (i + 1));
	}
	/* Anything else is BAD_PARAMETERS from the PTA. */
	{
		const uint64_t at[4] = { VIO, VIO, NONE, NONE };
		const uint64_t at2[4] = { VO, VI, VI, NONE };
		const uint32_t z[4] = { 0 };

		invoke_tests_value(fx, &m, sess, at, z, z,
				   TEE_ERROR_BAD_PARAMETERS);
		invoke_tests_value(fx, &m, sess, at2, z, z,
				   TEE_ERROR_BAD_PARAMETERS);
	}
	/* One MEMREF_INOUT: byte 0 becomes the 8-bit sum of its bytes. */
	for (i = 0; i < 300; i++)
		buf[i] = (uint8_t)(i + 1);
	prep_invoke(&m, sess, PTA_INVOKE_TESTS_CMD_PARAMS, 4);
	set_tmem(&m.arg->params[2], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, buf_pa,
		 300);
	msg_run_ret(fx, "PARAMS memref", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(buf[0], (uint8_t)(300 * 301 / 2));
	assert_int_equal(buf[1], 2);
	assert_int_equal(m.arg->params[2].u.tmem.size, 300);

	/* MEMREF_NULL: a NULL memref (any size: it arrives as 0) passes. */
	for (i = 0; i < 2; i++) {
		prep_invoke(&m, sess, PTA_INVOKE_TESTS_CMD_MEMREF_NULL, 1);
		set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, 0,
			 i ? 100 : 0);
		msg_run_ret(fx, "MEMREF_NULL", &m, &c, TEE_SUCCESS,
			    TEEC_ORIGIN_TRUSTED_APP);
	}
	prep_invoke(&m, sess, PTA_INVOKE_TESTS_CMD_MEMREF_NULL, 1);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, buf_pa, 16);
	msg_run_ret(fx, "MEMREF_NULL, a buffer", &m, &c,
		    TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TRUSTED_APP);
	prep_invoke(&m, sess, PTA_INVOKE_TESTS_CMD_MEMREF_NULL, 1);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, 0, 0);
	msg_run_ret(fx, "MEMREF_NULL, input", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    TEEC_ORIGIN_TRUSTED_APP);

	/* TRACE takes anything; an unknown command is BAD_PARAMETERS. */
	prep_invoke(&m, sess, PTA_INVOKE_TESTS_CMD_TRACE, 0);
	msg_run_ret(fx, "TRACE", &m, &c, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	prep_invoke(&m, sess, 0x99, 0);
	msg_run_ret(fx, "unknown", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    TEEC_ORIGIN_TRUSTED_APP);

	/* The device PTA lists it: 16 bytes, its UUID (as the firmware). */
	dsess = open_ok(fx, &m, &dev, OPTEE_MSG_LOGIN_PUBLIC);
	assert_int_equal(dsess, 2);
	get_devices(fx, &m, dsess, PTA_CMD_GET_DEVICES, 0, 0);
	expect_ret("GET_DEVICES", &m, TEE_ERROR_SHORT_BUFFER,
		   TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 16);
	get_devices(fx, &m, dsess, PTA_CMD_GET_DEVICES, buf_pa, 16);
	expect_ret("GET_DEVICES", &m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_memory_equal(buf, want, 16);
	close_ok(fx, &m, dsess);
	close_ok(fx, &m, sess);
	world_serves(fx);
}

static void sw_msg_bottom_half_and_stop_async_notif(void **state)
{
	static const uint32_t cmds[] = { OPTEE_MSG_CMD_DO_BOTTOM_HALF,
					 OPTEE_MSG_CMD_STOP_ASYNC_NOTIF };
	struct fx *fx = *state;
	struct arm_smccc_res res;
	struct nwcall c;
	struct msg m;
	size_t i;

	call(fx, OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_true(smcsim_sw_notif_started(fx->sw));
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
		msg_prep(&m, cmds[i], 0);
		msg_run_ret(fx, "notif cmd", &m, &c, TEE_SUCCESS, 0);
		assert_int_equal(c.rpcs, 0);
	}
	/* STOP_ASYNC_NOTIF stopped them. */
	assert_false(smcsim_sw_notif_started(fx->sw));

	/* Without CFG_CORE_ASYNC_NOTIF both are unknown commands. */
	fx->cfg.async_notif = false;
	fx_recreate(fx);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
		msg_prep(&m, cmds[i], 0);
		msg_run(fx, "notif cmd, no async notif", &m, &c,
			OPTEE_SMC_RETURN_EBADCMD);
	}
	world_serves(fx);
}

/* ---- 4. the argument and the RPC argument must fit ----------------------- */

static void sw_msg_rpc_arg_must_fit_in_the_mapped_page(void **state)
{
	struct fx *fx = *state;
	/* Params so that arg + RPC arg end exactly at the page end: 122. */
	const uint32_t fit = (PAGE - RPC_ARG_SIZE - OPTEE_MSG_GET_ARG_SIZE(0)) /
			     sizeof(struct optee_msg_param);
	struct arm_smccc_res res;
	struct msg m;
	uint32_t n;

	assert_int_equal(fit, 122);
	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG);
	memset(m.arg, 0, PAGE);
	m.arg->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	m.arg->session = 0x4242;
	for (n = fit - 2; n <= OPTEE_MSG_MAX_NUM_PARAMS; n++) {
		m.arg->num_params = n;
		call(fx, OPTEE_SMC_CALL_WITH_RPC_ARG, reg_pair_hi(m.pa), reg_pair_lo(m.pa), 0,
		     0, 0, &res);
		expect_done("DRAM arg + RPC arg", &res, n <= fit ?
			    OPTEE_SMC_RETURN_OK : OPTEE_SMC_RETURN_EBADADDR);
		if (n <= fit)
			expect_ret("DRAM arg + RPC arg", &m,
				   TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
		/* Without an RPC arg the same message fits. */
		m.arg->ret = 0;
		call(fx, OPTEE_SMC_CALL_WITH_ARG, reg_pair_hi(m.pa), reg_pair_lo(m.pa), 0, 0, 0,
		     &res);
		expect_done("DRAM arg alone", &res, OPTEE_SMC_RETURN_OK);
		expect_ret("DRAM arg alone", &m, TEE_ERROR_BAD_PARAMETERS,
			   TEEC_ORIGIN_TEE);
	}

	/* In the reserved shm the limit is the end of the region. */
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG,
		SHM_SIZE - OPTEE_MSG_GET_ARG_SIZE(0) - RPC_ARG_SIZE);
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	expect_call_pa(fx, "shm end, RPC arg fits", OPTEE_SMC_CALL_WITH_RPC_ARG,
		       m.pa, OPTEE_SMC_RETURN_OK);
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG,
		SHM_SIZE - OPTEE_MSG_GET_ARG_SIZE(0) - RPC_ARG_SIZE + 8);
	memset(m.arg, 0, OPTEE_MSG_GET_ARG_SIZE(0));
	m.arg->cmd = OPTEE_MSG_CMD_DO_BOTTOM_HALF;
	expect_call_pa(fx, "shm end, RPC arg outside",
		       OPTEE_SMC_CALL_WITH_RPC_ARG, m.pa,
		       OPTEE_SMC_RETURN_EBADADDR);
	expect_call_pa(fx, "shm end, no RPC arg", OPTEE_SMC_CALL_WITH_ARG, m.pa,
		       OPTEE_SMC_RETURN_OK);
	world_serves(fx);
}

static void sw_msg_num_params_past_the_page_answers_ebadaddr(void **state)
{
	struct fx *fx = *state;
	struct msg m;

	/* Header in the last page of the shm, params would run past its end. */
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_SIZE - PAGE + 8);
	memset(m.arg, 0, PAGE - 8);
	m.arg->cmd = OPTEE_MSG_CMD_DO_BOTTOM_HALF;
	m.arg->num_params = OPTEE_MSG_MAX_NUM_PARAMS;
	expect_call_pa(fx, "127 params past the shm end",
		       OPTEE_SMC_CALL_WITH_ARG, m.pa, OPTEE_SMC_RETURN_EBADADDR);
	m.arg->num_params = OPTEE_MSG_MAX_NUM_PARAMS - 1;
	expect_call_pa(fx, "126 params to the shm end",
		       OPTEE_SMC_CALL_WITH_ARG, m.pa, OPTEE_SMC_RETURN_OK);
	/* DRAM with RPC_ARG: 127 params leave no room for the RPC arg. */
	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG);
	memset(m.arg, 0, PAGE);
	m.arg->cmd = OPTEE_MSG_CMD_DO_BOTTOM_HALF;
	m.arg->num_params = OPTEE_MSG_MAX_NUM_PARAMS;
	expect_call_pa(fx, "127 params + RPC arg in a page",
		       OPTEE_SMC_CALL_WITH_RPC_ARG, m.pa,
		       OPTEE_SMC_RETURN_EBADADDR);
	world_serves(fx);
}

/* ---- 5. the RPC argument -------------------------------------------------- */

static void prep_sleep(struct msg *m, uint32_t sess, uint32_t cmd, uint32_t a,
		       uint32_t b)
{
	prep_invoke(m, sess, cmd, 1);
	set_value(&m->arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, a, b);
}

static void sw_msg_rpc_arg_alloc_cmd_free(void **state)
{
	struct fx *fx = *state;
	struct nwcall c;
	struct msg m;
	uint32_t sess;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = sleep_open(fx, &m);

	/* SUSPEND: ALLOC 160, CMD with that cookie, FREE of it, in order. */
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 3, 1);
	msg_run_ret(fx, "SUSPEND", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 3);
	assert_int_equal(c.trace[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	assert_int_equal(c.trace[1], OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(c.trace[2], OPTEE_SMC_RETURN_RPC_FREE);
	assert_int_equal(c.alloc_size, 160);
	assert_int_equal(c.cmd_cookie, c.alloc_cookie);
	assert_int_equal(c.free_cookie, c.alloc_cookie);
	assert_int_equal(c.rpc_cmd, OPTEE_RPC_CMD_SUSPEND);
	assert_int_equal(c.rpc_num_params, 1);
	assert_int_equal(c.suspend_ms, 3);
	assert_int_equal(c.thread, 0);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 0), 0);
	assert_int_equal(bufs_live(fx), 0);

	/* Several RPCs in one call share one ALLOC. */
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 5);
	msg_run_ret(fx, "SUSPEND x5", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.allocs, 1);
	assert_int_equal(c.cmds, 5);
	assert_int_equal(c.suspends, 5);
	assert_int_equal(c.frees, 1);
	assert_int_equal(c.free_cookie, c.alloc_cookie);

	/* Any RPC command; the normal world's result is the TA's. */
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_RPC, OPTEE_RPC_CMD_GET_TIME, 0);
	msg_run_ret(fx, "RPC GET_TIME", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.get_times, 1);
	assert_int_equal(c.rpc_cmd, OPTEE_RPC_CMD_GET_TIME);
	assert_int_equal(c.rpc_num_params, 0);
	assert_int_equal(c.trace[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	assert_int_equal(c.trace[2], OPTEE_SMC_RETURN_RPC_FREE);
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_RPC, OPTEE_RPC_CMD_GPROF, 0);
	msg_run_ret(fx, "RPC GPROF", &m, &c, TEE_ERROR_NOT_SUPPORTED,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.unsupported, 1);

	/* An RPC argument in the reserved shm (8-byte aligned) works too. */
	fx->alloc_mode = ALLOC_SHM;
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 2, 1);
	msg_run_ret(fx, "SUSPEND, RPC arg in shm", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.suspends, 1);
	assert_int_equal(c.free_cookie, c.alloc_cookie);
	assert_int_equal(bufs_live(fx), 0);

	close_ok(fx, &m, sess);
	world_serves(fx);
}

static void sw_msg_rpc_arg_supplied_needs_no_alloc(void **state)
{
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(3);
	struct nwcall c;
	uint8_t *buf;
	struct msg m;
	uint32_t sess;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = sleep_open(fx, &m);

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG, SHM_ARG(2) + 8);
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 4, 2);
	msg_run_ret(fx, "RPC_ARG SUSPEND", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 2);
	assert_int_equal(c.cmds, 2);
	assert_int_equal(c.allocs + c.frees, 0);
	assert_int_equal(c.cmd_cookie, 0);
	assert_int_equal(c.suspend_ms, 4);
	/* The RPC argument was written right after the argument. */
	assert_int_equal(c.rpc_arg->cmd, OPTEE_RPC_CMD_SUSPEND);
	assert_int_equal(c.rpc_arg->num_params, 1);
	assert_int_equal(c.rpc_arg->params[0].attr,
			 OPTEE_MSG_ATTR_TYPE_VALUE_INPUT);

	msg_dram(fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG);
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_RPC, OPTEE_RPC_CMD_GET_TIME, 0);
	msg_run_ret(fx, "RPC_ARG GET_TIME in DRAM", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 1);
	assert_int_equal(c.cmd_cookie, 0);
	assert_int_equal(c.rpc_arg->cmd, OPTEE_RPC_CMD_GET_TIME);

	/* REGD: the RPC argument follows in the registered shm. */
	buf = register_contig(fx, cookie, 1, NULL);
	msg_regd(&m, cookie, 64, buf);
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 9, 3);
	msg_run_ret(fx, "REGD SUSPEND", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 3);
	assert_int_equal(c.suspends, 3);
	assert_int_equal(c.cmd_cookie, 0);
	assert_int_equal(c.allocs + c.frees, 0);
	assert_int_equal(c.rpc_arg->cmd, OPTEE_RPC_CMD_SUSPEND);
	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);

	assert_int_equal(fx->nbufs, 0);
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	close_ok(fx, &m, sess);
	world_serves(fx);
}

/* Resume a call suspended in RPC and let it finish with OK. */
static void finish_ok(struct nwcall *c, struct arm_smccc_res *res,
		      const char *what)
{
	nw_finish(c, res);
	expect_done(what, res, OPTEE_SMC_RETURN_OK);
}

static void sw_msg_rpc_arg_prealloc_cache(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res, r0, r1;
	struct nwcall c, c0, c1;
	struct msg m, m0, m1;
	uint64_t cookie, got[2];
	uint32_t sess, sess2;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = sleep_open(fx, &m);

	call(fx, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);

	/* First call: ALLOC, no FREE; the argument stays with thread 0. */
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_run_ret(fx, "cached 1", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.allocs, 1);
	assert_int_equal(c.frees, 0);
	cookie = c.alloc_cookie;
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 0), cookie);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 1), 0);

	/* Second call: no ALLOC, CMD carries the cached cookie. */
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_RPC, OPTEE_RPC_CMD_GET_TIME, 0);
	msg_run_ret(fx, "cached 2", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 1);
	assert_int_equal(c.cmds, 1);
	assert_int_equal(c.cmd_cookie, cookie);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 0), cookie);

	/*
	 * Both threads in use at once (on two sessions: OP-TEE serializes
	 * calls on one): each gets and keeps its own RPC argument.
	 */
	sess2 = sleep_open(fx, &m);
	msg_shm(fx, &m0, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(2));
	prep_sleep(&m0, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_start(fx, &m0, &c0, &r0);
	assert_int_equal(r0.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(r0.a3, 0);
	assert_int_equal(reg_pair_to_64(r0.a1, r0.a2), cookie);
	msg_shm(fx, &m1, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(3));
	prep_sleep(&m1, sess2, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_start(fx, &m1, &c1, &r1);
	assert_int_equal(r1.a0, OPTEE_SMC_RETURN_RPC_ALLOC);
	assert_int_equal(r1.a1, 160);
	assert_int_equal(r1.a3, 1);
	finish_ok(&c1, &r1, "cached, thread 1");
	finish_ok(&c0, &r0, "cached, thread 0");
	assert_int_equal(c1.frees + c0.frees, 0);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 1), c1.alloc_cookie);
	assert_int_equal(bufs_live(fx), 2);

	/* DISABLE hands them back one per call, then ENOTAVAIL. */
	call(fx, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	got[0] = reg_pair_to_64(res.a1, res.a2);
	call(fx, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	got[1] = reg_pair_to_64(res.a1, res.a2);
	assert_true((got[0] == cookie && got[1] == c1.alloc_cookie) ||
		    (got[1] == cookie && got[0] == c1.alloc_cookie));
	nw_free(&c, got[0]);
	nw_free(&c, got[1]);
	call(fx, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ENOTAVAIL);
	call(fx, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ENOTAVAIL);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 0), 0);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 1), 0);

	/* The cache is off again: ALLOC and FREE per call. */
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_run(fx, "uncached", &m, &c, OPTEE_SMC_RETURN_OK);
	assert_int_equal(c.allocs, 1);
	assert_int_equal(c.frees, 1);
	assert_int_equal(bufs_live(fx), 0);

	close_ok(fx, &m, sess2);
	close_ok(fx, &m, sess);
	world_serves(fx);
}

static void sw_msg_rpc_alloc_failure_fails_the_rpc(void **state)
{
	struct fx *fx = *state;
	uint8_t *sec, before[RPC_ARG_SIZE];
	struct nwcall c;
	struct msg m;
	uint32_t sess;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = sleep_open(fx, &m);

	/* PA 0: the RPC fails with OUT_OF_MEMORY; nothing to free. */
	fx->alloc_mode = ALLOC_PA0;
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_RPC, OPTEE_RPC_CMD_GET_TIME, 0);
	msg_run_ret(fx, "ALLOC PA 0", &m, &c, TEE_ERROR_OUT_OF_MEMORY,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 1);
	assert_int_equal(c.allocs, 1);
	assert_int_equal(c.cmds + c.frees, 0);

	/* Secure PA with a cookie: the cookie comes back with FREE. */
	sec = smcsim_phys_map(fx->phys, SMCSIM_WORLD_SECURE, SEC_BASE + PAGE,
			      RPC_ARG_SIZE);
	assert_non_null(sec);
	memset(sec, 0x5C, RPC_ARG_SIZE);
	memcpy(before, sec, sizeof(before));
	fx->alloc_mode = ALLOC_SECURE;
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_run_ret(fx, "ALLOC secure PA", &m, &c, TEE_ERROR_OUT_OF_MEMORY,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 2);
	assert_int_equal(c.trace[1], OPTEE_SMC_RETURN_RPC_FREE);
	assert_int_equal(c.free_cookie, c.alloc_cookie);
	assert_int_equal(c.cmds, 0);
	assert_memory_equal(sec, before, sizeof(before));

	/* DRAM but not page aligned: refused and freed too (docs/abi.md section 6.1). */
	fx->alloc_mode = ALLOC_DRAM_UNALIGNED;
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_run_ret(fx, "ALLOC DRAM + 8", &m, &c, TEE_ERROR_OUT_OF_MEMORY,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.frees, 1);
	assert_int_equal(c.free_cookie, c.alloc_cookie);
	assert_int_equal(c.cmds, 0);
	assert_int_equal(bufs_live(fx), 0);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 0), 0);

	/* Nothing sticks: the next call allocates normally. */
	fx->alloc_mode = ALLOC_DRAM;
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_run_ret(fx, "ALLOC ok again", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.rpcs, 3);
	close_ok(fx, &m, sess);
	world_serves(fx);
}

/* ---- 6. threads ------------------------------------------------------------ */

static void expect_a0(struct fx *fx, const char *what, unsigned long a0,
		      unsigned long a3, unsigned long want)
{
	struct arm_smccc_res res;

	call(fx, a0, 0, 0, a3, 0, 0, &res);
	if (res.a0 != want) {
		print_error("%s: a0 = %#lx, expected %#lx\n", what, res.a0, want);
		fail();
	}
}

static void sw_msg_thread_limit_and_eresume(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res r0, r1, res;
	struct nwcall c0, c1, c;
	struct msg m0, m1, m;
	uint32_t sess, sess2, echo;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(3));
	sess = sleep_open(fx, &m);
	sess2 = sleep_open(fx, &m);
	echo = echo_open(fx, &m);

	/* Two calls left suspended in their RPC: a3 = 0, then a3 = 1. */
	msg_shm(fx, &m0, OPTEE_SMC_CALL_WITH_RPC_ARG, SHM_ARG(1));
	prep_sleep(&m0, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 10, 1);
	msg_start(fx, &m0, &c0, &r0);
	assert_int_equal(r0.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(r0.a1, 0);
	assert_int_equal(r0.a2, 0);
	assert_int_equal(r0.a3, 0);
	expect_thread_states(fx, "one suspended", SMCSIM_SW_THREAD_SUSPENDED,
			     SMCSIM_SW_THREAD_FREE);
	msg_shm(fx, &m1, OPTEE_SMC_CALL_WITH_RPC_ARG, SHM_ARG(2));
	prep_sleep(&m1, sess2, SMCSIM_TA_SLEEP_CMD_SUSPEND, 20, 1);
	msg_start(fx, &m1, &c1, &r1);
	assert_int_equal(r1.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(r1.a3, 1);
	expect_thread_states(fx, "two suspended", SMCSIM_SW_THREAD_SUSPENDED,
			     SMCSIM_SW_THREAD_SUSPENDED);

	/* A third yielding call: ETHREAD_LIMIT at once, whatever it is. */
	prep_add(&m, 1, 1, 2);
	msg_start(fx, &m, &c, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	assert_int_equal(m.arg->ret, 0);
	expect_a0(fx, "unknown yielding", 0x32000099UL, 0,
		  OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	expect_a0(fx, "REGD", OPTEE_SMC_CALL_WITH_REGD_ARG, 0,
		  OPTEE_SMC_RETURN_ETHREAD_LIMIT);

	/* Fast calls still work; the shm cache calls are EBUSY. */
	call(fx, OPTEE_SMC_GET_THREAD_COUNT, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(res.a1, 2);
	call(fx, OPTEE_SMC_CALLS_UID, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_MSG_UID_0);
	expect_a0(fx, "ENABLE_SHM_CACHE", OPTEE_SMC_ENABLE_SHM_CACHE, 0,
		  OPTEE_SMC_RETURN_EBUSY);
	expect_a0(fx, "DISABLE_SHM_CACHE", OPTEE_SMC_DISABLE_SHM_CACHE, 0,
		  OPTEE_SMC_RETURN_EBUSY);

	/* RETURN_FROM_RPC naming no suspended thread: ERESUME, nothing moves. */
	expect_a0(fx, "resume thread 7", OPTEE_SMC_CALL_RETURN_FROM_RPC, 7,
		  OPTEE_SMC_RETURN_ERESUME);
	expect_a0(fx, "resume thread 2", OPTEE_SMC_CALL_RETURN_FROM_RPC, 2,
		  OPTEE_SMC_RETURN_ERESUME);
	expect_thread_states(fx, "after ERESUME", SMCSIM_SW_THREAD_SUSPENDED,
			     SMCSIM_SW_THREAD_SUSPENDED);
	assert_int_equal(c0.suspends + c1.suspends, 0);

	/* Resume thread 0 only; then thread 0 is not suspended: ERESUME. */
	finish_ok(&c0, &r0, "thread 0");
	expect_ret("thread 0", &m0, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c0.suspend_ms, 10);
	expect_thread_states(fx, "thread 0 done", SMCSIM_SW_THREAD_FREE,
			     SMCSIM_SW_THREAD_SUSPENDED);
	expect_a0(fx, "resume free thread 0", OPTEE_SMC_CALL_RETURN_FROM_RPC, 0,
		  OPTEE_SMC_RETURN_ERESUME);
	expect_thread_states(fx, "after ERESUME 0", SMCSIM_SW_THREAD_FREE,
			     SMCSIM_SW_THREAD_SUSPENDED);
	/* A free thread takes a new call while thread 1 waits. */
	echo_add_ok(fx, &m, echo, 5, 6);

	finish_ok(&c1, &r1, "thread 1");
	expect_ret("thread 1", &m1, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c1.suspend_ms, 20);
	assert_int_equal(c1.thread, 1);
	expect_thread_states(fx, "both done", SMCSIM_SW_THREAD_FREE,
			     SMCSIM_SW_THREAD_FREE);
	expect_a0(fx, "ENABLE_SHM_CACHE again", OPTEE_SMC_ENABLE_SHM_CACHE, 0,
		  OPTEE_SMC_RETURN_OK);
	expect_a0(fx, "DISABLE_SHM_CACHE again", OPTEE_SMC_DISABLE_SHM_CACHE, 0,
		  OPTEE_SMC_RETURN_ENOTAVAIL);
	close_ok(fx, &m, sess);
	close_ok(fx, &m, sess2);
	close_ok(fx, &m, echo);
	world_serves(fx);
}

static void sw_msg_foreign_interrupt_storm(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res res;
	struct nwcall c;
	struct msg m, ms;
	uint32_t sess, sleep;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = echo_open(fx, &m);

	assert_int_equal(smcsim_sw_inject_foreign_intr(fx->sw, 1000), 0);
	prep_add(&m, sess, 1000, 24);
	msg_call(fx, &m, &c, &res);
	expect_done("ADD after 1000 interrupts", &res, OPTEE_SMC_RETURN_OK);
	expect_ret("ADD after 1000 interrupts", &m, TEE_SUCCESS,
		   TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[1].u.value.a, 1024);
	assert_int_equal(c.foreign, 1000);
	assert_int_equal(c.rpcs, 1000);
	assert_int_equal(c.thread, 0);

	/* Interrupts arriving while a thread waits in an RPC. */
	msg_shm(fx, &ms, OPTEE_SMC_CALL_WITH_RPC_ARG, SHM_ARG(2));
	sleep = sleep_open(fx, &ms);
	prep_sleep(&ms, sleep, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 2);
	msg_start(fx, &ms, &c, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(smcsim_sw_inject_foreign_intr(fx->sw, 3), 0);
	finish_ok(&c, &res, "SUSPEND with interrupts");
	expect_ret("SUSPEND with interrupts", &ms, TEE_SUCCESS,
		   TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(c.foreign, 3);
	assert_int_equal(c.suspends, 2);
	assert_int_equal(c.rpcs, 5);
	/* The first RPC after the resume is one of the interrupts. */
	assert_int_equal(c.trace[1], OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);

	/* A call left in FOREIGN_INTR holds its thread like any RPC. */
	assert_int_equal(smcsim_sw_inject_foreign_intr(fx->sw, 1), 0);
	prep_add(&m, sess, 1, 1);
	msg_start(fx, &m, &c, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	assert_int_equal(res.a1, 0);
	assert_int_equal(res.a2, 0);
	assert_int_equal(res.a3, 0);
	expect_thread_states(fx, "in FOREIGN_INTR", SMCSIM_SW_THREAD_SUSPENDED,
			     SMCSIM_SW_THREAD_FREE);
	expect_a0(fx, "ENABLE_SHM_CACHE", OPTEE_SMC_ENABLE_SHM_CACHE, 0,
		  OPTEE_SMC_RETURN_EBUSY);
	finish_ok(&c, &res, "ADD after one interrupt");
	assert_int_equal(m.arg->params[1].u.value.a, 2);

	close_ok(fx, &m, sess);
	close_ok(fx, &m, sleep);
	world_serves(fx);
}

/*
 * Concurrent normal-world callers. Workers run on their own rt threads and
 * must not use CMocka's asserts (they longjmp): each records its first error
 * and the main thread checks after joining.
 */
#define WORKERS		6
#define WORKER_ROUNDS	40
#define WORKER_TIMEOUT_MS 30000U
#define LIMIT_RETRIES	100000U

/**
 * struct worker - one concurrent caller
 * @fx:		the world
 * @idx:	its number, also its argument slot in the reserved shm
 * @sleep:	its own sleep session (OP-TEE serializes calls on one)
 * @echo:	its own echo session
 * @th:		its thread
 * @done:	completed when it ends
 * @calls:	calls that completed correctly
 * @limits:	ETHREAD_LIMIT answers it retried after
 * @foreign:	FOREIGN_INTR RPCs it resumed
 * @err:	its first error, empty if none
 */
struct worker {
	struct fx *fx;
	unsigned int idx;
	uint32_t sleep;
	uint32_t echo;
	struct rt_thread *th;
	struct rt_completion done;
	unsigned int calls, limits, foreign;
	char err[160];
};

static bool worker_error(struct worker *w, const char *what,
			 const struct arm_smccc_res *res)
{
	if (!w->err[0])
		snprintf(w->err, sizeof(w->err),
			 "worker %u: %s: a0..a3 %#lx %#lx %#lx %#lx", w->idx,
			 what, res->a0, res->a1, res->a2, res->a3);
	return false;
}

/* One call of the message at @m, retried on ETHREAD_LIMIT. */
static bool worker_call(struct worker *w, struct msg *m)
{
	struct optee_msg_arg *rpc = (struct optee_msg_arg *)
		((uint8_t *)m->arg + OPTEE_MSG_GET_ARG_SIZE(m->arg->num_params));
	const unsigned long a[8] = { m->fid, reg_pair_hi(m->pa),
				     reg_pair_lo(m->pa) };
	unsigned long r[8] = { OPTEE_SMC_CALL_RETURN_FROM_RPC };
	struct arm_smccc_res res;
	unsigned int n;

	for (n = 0;; n++) {
		smcsim_sw_smc(w->fx->sw, a, &res);
		if (res.a0 != OPTEE_SMC_RETURN_ETHREAD_LIMIT)
			break;
		w->limits++;
		if (n == LIMIT_RETRIES)
			return worker_error(w, "ETHREAD_LIMIT forever", &res);
		rt_sleep_ms(n % 16 ? 0 : 1);
	}
	for (n = 0; optee_smc_return_is_rpc(res.a0); n++) {
		if (n == MAX_RPCS)
			return worker_error(w, "endless RPCs", &res);
		if (res.a3 >= 2)
			return worker_error(w, "RPC names no thread", &res);
		if (res.a0 == OPTEE_SMC_RETURN_RPC_CMD) {
			if (res.a1 || res.a2 || rpc->cmd != OPTEE_RPC_CMD_SUSPEND)
				return worker_error(w, "RPC CMD", &res);
			rpc->ret = TEE_SUCCESS;
		} else if (res.a0 == OPTEE_SMC_RETURN_RPC_FOREIGN_INTR) {
			w->foreign++;
		} else {
			return worker_error(w, "unexpected RPC", &res);
		}
		r[1] = res.a1;
		r[2] = res.a2;
		r[3] = res.a3;
		smcsim_sw_smc(w->fx->sw, r, &res);
		if (res.a0 == OPTEE_SMC_RETURN_ERESUME)
			return worker_error(w, "own thread not resumable", &res);
	}
	if (res.a0 != OPTEE_SMC_RETURN_OK || res.a1 || res.a2 || res.a3)
		return worker_error(w, "call did not complete", &res);
	if (m->arg->ret != TEE_SUCCESS ||
	    m->arg->ret_origin != TEEC_ORIGIN_TRUSTED_APP)
		return worker_error(w, "TA answer", &res);
	return true;
}

static void *worker_main(void *p)
{
	struct worker *w = p;
	unsigned int round;
	struct msg m;

	msg_shm(w->fx, &m, OPTEE_SMC_CALL_WITH_RPC_ARG, SHM_ARG(w->idx));
	for (round = 0; round < WORKER_ROUNDS; round++) {
		if (round % 2) {
			prep_sleep(&m, w->sleep, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1,
				   2);
		} else {
			prep_add(&m, w->echo, w->idx * 1000, round);
		}
		if (!worker_call(w, &m))
			break;
		if (!(round % 2) &&
		    m.arg->params[1].u.value.a != w->idx * 1000 + round) {
			snprintf(w->err, sizeof(w->err),
				 "worker %u: ADD answered %llu", w->idx,
				 (unsigned long long)m.arg->params[1].u.value.a);
			break;
		}
		w->calls++;
	}
	rt_complete(&w->done);
	return NULL;
}

static void sw_msg_concurrent_callers_share_two_threads(void **state)
{
	static struct worker workers[WORKERS];
	struct fx *fx = *state;
	unsigned int i, limits = 0, foreign = 0;
	struct arm_smccc_res res;
	struct nwcall c;
	struct msg m;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(7));
	for (i = 0; i < WORKERS; i++) {
		struct worker *w = &workers[i];

		memset(w, 0, sizeof(*w));
		w->fx = fx;
		w->idx = i;
		w->sleep = sleep_open(fx, &m);
		w->echo = echo_open(fx, &m);
		rt_completion_init(&w->done);
	}
	for (i = 0; i < WORKERS; i++)
		assert_int_equal(rt_thread_create(&workers[i].th, "nw-caller",
						  worker_main, &workers[i]), 0);
	/* Interrupts land on whichever threads are running. */
	for (i = 0; i < 50; i++) {
		assert_int_equal(smcsim_sw_inject_foreign_intr(fx->sw, 4), 0);
		rt_sleep_ms(1);
	}
	for (i = 0; i < WORKERS; i++) {
		if (rt_wait_for_completion_timeout(&workers[i].done,
						   WORKER_TIMEOUT_MS)) {
			print_error("worker %u did not finish\n", i);
			fail();
		}
		rt_thread_join(workers[i].th, NULL);
		rt_completion_destroy(&workers[i].done);
	}
	for (i = 0; i < WORKERS; i++) {
		if (workers[i].err[0]) {
			print_error("%s\n", workers[i].err);
			fail();
		}
		assert_int_equal(workers[i].calls, WORKER_ROUNDS);
		limits += workers[i].limits;
		foreign += workers[i].foreign;
	}
	print_message("%u ETHREAD_LIMIT retries, %u foreign interrupts\n",
		      limits, foreign);
	expect_all_free(fx, "after the workers");
	/* Interrupts no worker took go to the next call: none lost, none twice. */
	msg_prep(&m, OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0);
	msg_call(fx, &m, &c, &res);
	expect_done("call after the workers", &res, OPTEE_SMC_RETURN_OK);
	assert_int_equal(foreign + c.foreign, 50 * 4);
	for (i = 0; i < WORKERS; i++) {
		close_ok(fx, &m, workers[i].sleep);
		close_ok(fx, &m, workers[i].echo);
	}
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);
	world_serves(fx);
}

/* ---- 7. a TA that panics --------------------------------------------------- */

static void sw_msg_panic_ta_session_is_dead(void **state)
{
	struct fx *fx = *state;
	const struct smcsim_uuid u = SMCSIM_TA_PANIC_UUID;
	struct nwcall c;
	struct msg m;
	uint32_t sess, other;
	int i;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = open_ok(fx, &m, &u, OPTEE_MSG_LOGIN_PUBLIC);

	prep_invoke(&m, sess, SMCSIM_TA_PANIC_CMD_OK, 0);
	msg_run_ret(fx, "PANIC TA ok", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);

	prep_invoke(&m, sess, SMCSIM_TA_PANIC_CMD_PANIC, 0);
	msg_run_ret(fx, "PANIC", &m, &c, TEE_ERROR_TARGET_DEAD,
		    TEEC_ORIGIN_TEE);
	expect_all_free(fx, "after the panic");

	for (i = 0; i < 3; i++) {
		prep_invoke(&m, sess, i == 1 ? SMCSIM_TA_PANIC_CMD_PANIC :
					       SMCSIM_TA_PANIC_CMD_OK, 0);
		msg_run_ret(fx, "dead session", &m, &c, TEE_ERROR_TARGET_DEAD,
			    TEEC_ORIGIN_TEE);
	}
	assert_int_equal(smcsim_sw_session_count(fx->sw), 1);

	/* Other sessions of the same TA are alive. */
	other = open_ok(fx, &m, &u, OPTEE_MSG_LOGIN_PUBLIC);
	prep_invoke(&m, other, SMCSIM_TA_PANIC_CMD_OK, 0);
	msg_run_ret(fx, "second session", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	close_ok(fx, &m, other);

	close_ok(fx, &m, sess);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 0);
	world_serves(fx);
}

/* ---- 8. registered shared memory ------------------------------------------ */

static uint8_t *page_va(struct fx *fx, uint64_t pa)
{
	uint8_t *va = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, pa, PAGE);

	assert_non_null(va);
	return va;
}

/* Byte @i of a buffer whose pages the normal world sees at @va[]. */
static uint8_t *byte_at(uint8_t *const *va, uint64_t offset, uint64_t i)
{
	uint64_t at = offset + i;

	return va[at / PAGE] + at % PAGE;
}

static void sw_msg_register_shm_over_two_list_pages(void **state)
{
	enum { NPAGES = 600 };
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(4);
	const uint64_t offset = 0x123;
	const uint64_t size = NPAGES * PAGE - offset - 0x456;
	const uint64_t roffs = 0x1FF0, rlen = size - 0x1FF0 - 0x10;
	static uint64_t pages[NPAGES];
	static uint8_t *va[NPAGES];
	uint64_t i, pa;
	struct nwcall c;
	struct msg m;
	uint32_t sess;

	assert_true(size > 2 * 1024 * 1024);
	/* Pages in descending order: the buffer is not contiguous. */
	for (i = 0; i < NPAGES; i++) {
		assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &pa), 0);
		pages[NPAGES - 1 - i] = pa;
		va[NPAGES - 1 - i] = page_va(fx, pa);
		memset(va[NPAGES - 1 - i], 0xEE, PAGE);
	}
	assert_int_equal(register_pages(fx, cookie, pages, NPAGES, offset, size),
			 TEE_SUCCESS);
	assert_true(smcsim_sw_shm_registered(fx->sw, cookie));
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 1);

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = echo_open(fx, &m);

	/* FILL through an RMEM param, checked byte for byte here. */
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, cookie,
		 roffs, rlen);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0x5A, 0);
	msg_run_ret(fx, "FILL RMEM", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.rmem.size, rlen);
	assert_int_equal(m.arg->params[0].u.rmem.offs, roffs);
	assert_int_equal(m.arg->params[0].u.rmem.shm_ref, cookie);
	for (i = 0; i < size; i++) {
		uint8_t want = i >= roffs && i < roffs + rlen ?
			       (uint8_t)(0x5A + (i - roffs)) : 0xEE;
		uint8_t got = *byte_at(va, offset, i);

		if (got != want) {
			print_error("FILL: byte %llu = %#x, expected %#x\n",
				    (unsigned long long)i, got, want);
			fail();
		}
	}
	/* Nothing before the offset in the first page was touched. */
	for (i = 0; i < offset; i++)
		assert_int_equal(va[0][i], 0xEE);

	/* The TA sees what the normal world wrote: CHECK over all of it. */
	for (i = 0; i < size; i++)
		*byte_at(va, offset, i) = (uint8_t)(0x11 + i);
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_CHECK, 3);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, cookie, 0,
		 size);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0x11, 0);
	set_value(&m.arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	msg_run_ret(fx, "CHECK RMEM", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[2].u.value.a, 0);
	/* One byte wrong in the second list page's range. */
	*byte_at(va, offset, 550 * PAGE + 7) ^= 0x80;
	msg_run_ret(fx, "CHECK RMEM mismatch", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[2].u.value.a, 1);
	assert_int_equal(m.arg->params[2].u.value.b, 550 * PAGE + 7);

	/*
	 * RMEM beyond the registered size: SECURITY from the TEE, as OP-TEE's
	 * set_rmem_param() answers (observed on the firmware).
	 */
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, cookie,
		 size - 8, 9);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0);
	msg_run_ret(fx, "RMEM past the end", &m, &c, TEE_ERROR_SECURITY,
		    TEEC_ORIGIN_TEE);
	assert_int_equal(*byte_at(va, offset, size - 8),
			 (uint8_t)(0x11 + size - 8));

	close_ok(fx, &m, sess);
	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
	assert_false(smcsim_sw_shm_registered(fx->sw, cookie));
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 0);
	world_serves(fx);
}

/*
 * The list pages of a page list are wherever their next pointers say: here
 * in descending order with a gap between each, and the pages between them
 * (where a reader that assumed "the next list page follows this one" would
 * look) hold decoy lists naming one decoy page. A FILL over the whole
 * buffer must land in exactly the listed pages.
 */
static void sw_msg_register_shm_scattered_list_pages(void **state)
{
	enum { NPAGES = 2 * LIST_ENTRIES + 3, NSLOTS = 6 };
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(7);
	const uint64_t size = NPAGES * PAGE;
	static uint64_t pages[NPAGES];
	static uint8_t *va[NPAGES];
	uint64_t slots, decoy, lists[3], i, j;
	uint8_t *decoy_va;
	struct nwcall c;
	struct msg m;
	uint32_t sess;

	/* Six pages in a row: lists in 4, 2 and 0, decoy lists in 5, 3, 1. */
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, NSLOTS, &slots), 0);
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &decoy), 0);
	decoy_va = page_va(fx, decoy);
	memset(decoy_va, 0xDD, PAGE);
	for (i = 0; i < 3; i++) {
		uint64_t *d = (uint64_t *)page_va(fx, slots + (2 * i + 1) * PAGE);

		lists[i] = slots + (4 - 2 * i) * PAGE;
		for (j = 0; j < LIST_ENTRIES; j++)
			d[j] = decoy;
		d[LIST_ENTRIES] = slots + (2 * i + 1) * PAGE;
	}
	for (i = 0; i < NPAGES; i++) {
		assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1,
							 &pages[i]), 0);
		va[i] = page_va(fx, pages[i]);
		memset(va[i], 0xEE, PAGE);
	}
	assert_int_equal(register_pages_at(fx, cookie, pages, NPAGES, 0, size,
					   lists), TEE_SUCCESS);
	assert_true(smcsim_sw_shm_registered(fx->sw, cookie));

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = echo_open(fx, &m);
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, cookie, 0,
		 size);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0x5A, 0);
	msg_run_ret(fx, "FILL RMEM", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	for (i = 0; i < size; i++) {
		uint8_t got = *byte_at(va, 0, i);

		if (got != (uint8_t)(0x5A + i)) {
			print_error("FILL: byte %llu (page %llu) = %#x, "
				    "expected %#x\n", (unsigned long long)i,
				    (unsigned long long)(i / PAGE), got,
				    (uint8_t)(0x5A + i));
			fail();
		}
	}
	for (i = 0; i < PAGE; i++)
		assert_int_equal(decoy_va[i], 0xDD);

	close_ok(fx, &m, sess);
	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 0);
	world_serves(fx);
}

static void sw_msg_register_and_unregister_refusals(void **state)
{
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(5);
	uint64_t pages[3], pa;
	struct nwcall c;
	struct msg m;
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &pa), 0);
		pages[i] = pa;
	}

	/* Unknown cookies. */
	assert_int_equal(unregister(fx, REGD_COOKIE(99)), UNREGISTER_UNKNOWN_RET);
	assert_int_equal(unregister(fx, 0), UNREGISTER_UNKNOWN_RET);

	/*
	 * The same cookie twice: OP-TEE 4.10 keeps both (a list, no lookup
	 * first; the firmware answered so). The cookie names the newest;
	 * UNREGISTER releases one per call, newest first.
	 */
	assert_int_equal(register_pages(fx, cookie, pages, 3, 0, 3 * PAGE),
			 TEE_SUCCESS);
	assert_int_equal(register_pages(fx, cookie, pages, 1, 0, PAGE),
			 TEE_SUCCESS);
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 2);
	{
		uint32_t sess;

		msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
		sess = echo_open(fx, &m);
		/* The newest is one page: a window in its second fails. */
		prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
		set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT,
			 cookie, PAGE, 16);
		set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
			  0, 0);
		msg_run_ret(fx, "FILL, newest", &m, &c, TEE_ERROR_SECURITY,
			    TEEC_ORIGIN_TEE);
		assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
		assert_int_equal(smcsim_sw_shm_count(fx->sw), 1);
		/* Now the three-page one answers to the cookie. */
		prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
		set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT,
			 cookie, PAGE, 16);
		set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
			  0, 0);
		msg_run_ret(fx, "FILL, the older", &m, &c, TEE_SUCCESS,
			    TEEC_ORIGIN_TRUSTED_APP);
		close_ok(fx, &m, sess);
	}

	/* A page list entry in secure memory, or not page aligned. */
	pages[1] = SEC_BASE;
	assert_int_equal(register_pages(fx, REGD_COOKIE(6), pages, 3, 0,
					3 * PAGE), TEE_ERROR_BAD_PARAMETERS);
	pages[1] = SMCSIM_PHYS_DEFAULT_PROTMEM_BASE;
	assert_int_equal(register_pages(fx, REGD_COOKIE(6), pages, 3, 0,
					3 * PAGE), TEE_ERROR_BAD_PARAMETERS);
	pages[1] = pages[2] + 8;
	assert_int_equal(register_pages(fx, REGD_COOKIE(6), pages, 3, 0,
					3 * PAGE), TEE_ERROR_BAD_PARAMETERS);
	/* The last page in no region at all. */
	pages[1] = pages[0];
	pages[2] = HOLE_PA;
	assert_int_equal(register_pages(fx, REGD_COOKIE(6), pages, 3, 0,
					3 * PAGE), TEE_ERROR_BAD_PARAMETERS);
	assert_false(smcsim_sw_shm_registered(fx->sw, REGD_COOKIE(6)));

	/* The page list itself in secure memory; no NONCONTIG; no params. */
	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	msg_prep(&m, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	set_tmem(&m.arg->params[0],
		 OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
		 SEC_BASE, PAGE);
	m.arg->params[0].u.tmem.shm_ref = REGD_COOKIE(7);
	msg_run(fx, "list in secure memory", &m, &c, OPTEE_SMC_RETURN_OK);
	assert_int_equal(m.arg->ret, TEE_ERROR_BAD_PARAMETERS);
	m.arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	m.arg->params[0].u.tmem.buf_ptr = pages[0];
	msg_run(fx, "REGISTER_SHM without NONCONTIG", &m, &c,
		OPTEE_SMC_RETURN_OK);
	assert_int_equal(m.arg->ret, TEE_ERROR_BAD_PARAMETERS);
	msg_prep(&m, OPTEE_MSG_CMD_REGISTER_SHM, 0);
	msg_run(fx, "REGISTER_SHM without params", &m, &c, OPTEE_SMC_RETURN_OK);
	assert_int_equal(m.arg->ret, TEE_ERROR_BAD_PARAMETERS);
	msg_prep(&m, OPTEE_MSG_CMD_UNREGISTER_SHM, 0);
	msg_run(fx, "UNREGISTER_SHM without params", &m, &c,
		OPTEE_SMC_RETURN_OK);
	assert_int_equal(m.arg->ret, TEE_ERROR_BAD_PARAMETERS);
	assert_false(smcsim_sw_shm_registered(fx->sw, REGD_COOKIE(7)));

	assert_int_equal(smcsim_sw_shm_count(fx->sw), 1);
	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
	assert_int_equal(unregister(fx, cookie), UNREGISTER_UNKNOWN_RET);
	assert_int_equal(smcsim_sw_shm_count(fx->sw), 0);
	world_serves(fx);
}

/*
 * REGISTER_SHM and UNREGISTER_SHM answer as OP-TEE 4.10's entry_std.c:
 * REGISTER_SHM takes exactly TMEM_OUTPUT | NONCONTIG (no other direction,
 * no cache bits); UNREGISTER_SHM takes the cookie of its one param
 * whatever the attribute, and an unknown cookie is BAD_PARAMETERS; both
 * write only ret, so ret_origin keeps what the caller wrote (the firmware
 * answered UNREGISTER of an unknown cookie with origin 0 after Linux-style
 * zeroing).
 */
static void sw_msg_register_unregister_answers_as_optee(void **state)
{
	static const uint64_t bad_attrs[] = {
		OPTEE_MSG_ATTR_TYPE_TMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG,
		OPTEE_MSG_ATTR_TYPE_TMEM_INOUT | OPTEE_MSG_ATTR_NONCONTIG,
		OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG |
			(1ULL << OPTEE_MSG_ATTR_CACHE_SHIFT),
		OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
		OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
	};
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(11);
	uint64_t list_pa, page;
	uint64_t *list;
	struct nwcall c;
	struct msg m;
	size_t i;

	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &page), 0);
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &list_pa), 0);
	list = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, list_pa, PAGE);
	memset(list, 0, PAGE);
	list[0] = page;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_REG_SLOT);
	for (i = 0; i < ARRAY_SIZE(bad_attrs); i++) {
		msg_prep(&m, OPTEE_MSG_CMD_REGISTER_SHM, 1);
		set_tmem(&m.arg->params[0], bad_attrs[i], list_pa, PAGE);
		m.arg->params[0].u.tmem.shm_ref = cookie;
		m.arg->ret_origin = 0x77;
		msg_run_ret(fx, "REGISTER_SHM, other attr", &m, &c,
			    TEE_ERROR_BAD_PARAMETERS, 0x77);
		assert_false(smcsim_sw_shm_registered(fx->sw, cookie));
	}
	/* Two params, the first one right: refused too. */
	msg_prep(&m, OPTEE_MSG_CMD_REGISTER_SHM, 2);
	set_tmem(&m.arg->params[0],
		 OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
		 list_pa, PAGE);
	m.arg->params[0].u.tmem.shm_ref = cookie;
	msg_run(fx, "REGISTER_SHM, 2 params", &m, &c, OPTEE_SMC_RETURN_OK);
	assert_int_equal(m.arg->ret, TEE_ERROR_BAD_PARAMETERS);
	/* The right one: registered, origin still the caller's. */
	msg_prep(&m, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	set_tmem(&m.arg->params[0],
		 OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
		 list_pa, PAGE);
	m.arg->params[0].u.tmem.shm_ref = cookie;
	m.arg->ret_origin = 0x77;
	msg_run_ret(fx, "REGISTER_SHM", &m, &c, TEE_SUCCESS, 0x77);
	assert_true(smcsim_sw_shm_registered(fx->sw, cookie));

	/* UNREGISTER of an unknown cookie: BAD_PARAMETERS, origin kept. */
	msg_prep(&m, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_INPUT,
		 REGD_COOKIE(12), 0, 0);
	msg_run_ret(fx, "UNREGISTER unknown", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    0);
	/* Any attribute: only the cookie counts. */
	msg_prep(&m, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, cookie,
		 0, 0);
	m.arg->ret_origin = 0x77;
	msg_run_ret(fx, "UNREGISTER, value attr", &m, &c, TEE_SUCCESS, 0x77);
	assert_false(smcsim_sw_shm_registered(fx->sw, cookie));
	/* No param: BAD_PARAMETERS from the TEE. */
	msg_prep(&m, OPTEE_MSG_CMD_UNREGISTER_SHM, 0);
	msg_run_ret(fx, "UNREGISTER, no param", &m, &c,
		    TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
	assert_int_equal(smcsim_phys_free_pages(fx->phys, list_pa, 1), 0);
	assert_int_equal(smcsim_phys_free_pages(fx->phys, page, 1), 0);
	world_serves(fx);
}

/*
 * Call params as OP-TEE's copy_in_params() takes them: only META is
 * refused among the attribute bits; a value output leaves c as it was; a
 * contiguous memref must lie in the reserved shm (other non-secure memory
 * goes by page list or cookie).
 */
static void sw_msg_param_attrs_as_optee(void **state)
{
	struct fx *fx = *state;
	uint64_t dram;
	struct nwcall c;
	struct msg m;
	uint32_t sess;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = echo_open(fx, &m);
	/* Junk bits on values are not looked at; c is left alone. */
	prep_add(&m, sess, 40, 2);
	m.arg->params[0].attr |= OPTEE_MSG_ATTR_NONCONTIG;
	m.arg->params[1].attr |= 3ULL << OPTEE_MSG_ATTR_CACHE_SHIFT;
	m.arg->params[1].u.value.c = 0xC0FFEE;
	msg_run_ret(fx, "ADD, junk attr bits", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[1].u.value.a, 42);
	assert_int_equal(m.arg->params[1].u.value.c, 0xC0FFEE);
	/* META on a call param: BAD_PARAMETERS from the TEE. */
	prep_add(&m, sess, 40, 2);
	m.arg->params[0].attr |= OPTEE_MSG_ATTR_META;
	msg_run_ret(fx, "ADD, META", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    TEEC_ORIGIN_TEE);
	/* A contiguous memref in DRAM outside the reserved shm: refused. */
	assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &dram), 0);
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, dram, 64);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0);
	msg_run_ret(fx, "FILL, DRAM by address", &m, &c,
		    TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
	/* The same in the reserved shm works. */
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		 SHM_BASE + SHM_DATA, 64);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0);
	msg_run_ret(fx, "FILL, shm", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(smcsim_phys_free_pages(fx->phys, dram, 1), 0);
	close_ok(fx, &m, sess);
	world_serves(fx);
}

static void sw_msg_memrefs_into_secure_memory_refused(void **state)
{
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(8);
	uint8_t *sec, before[256];
	struct nwcall c;
	struct msg m;
	uint32_t sess;

	sec = smcsim_phys_map(fx->phys, SMCSIM_WORLD_SECURE, SEC_BASE,
			      sizeof(before));
	assert_non_null(sec);
	memset(sec, 0x3C, sizeof(before));
	memcpy(before, sec, sizeof(before));

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = echo_open(fx, &m);

	/* FILL into secure memory: refused by the TEE, nothing written. */
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, SEC_BASE,
		 sizeof(before));
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0);
	msg_run_ret(fx, "FILL secure", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    TEEC_ORIGIN_TEE);
	assert_memory_equal(sec, before, sizeof(before));
	/* Starting in DRAM and running into... the end of DRAM. */
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		 DRAM_BASE + SMCSIM_PHYS_DEFAULT_DRAM_SIZE - 16, 32);
	msg_run_ret(fx, "FILL past DRAM", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    TEEC_ORIGIN_TEE);
	/* Reading secure memory as an input is refused as well. */
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_ECHO, 3);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, SEC_BASE, 16);
	set_tmem(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		 SHM_BASE + SHM_DATA, 16);
	set_value(&m.arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	msg_run_ret(fx, "ECHO from secure", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    TEEC_ORIGIN_TEE);
	/* A NONCONTIG TMEM whose list names a secure page. */
	{
		uint64_t list_pa;
		uint64_t *list;

		assert_int_equal(smcsim_phys_alloc_pages(fx->phys, 1, &list_pa),
				 0);
		list = smcsim_phys_map(fx->phys, SMCSIM_WORLD_NORMAL, list_pa,
				       PAGE);
		memset(list, 0, PAGE);
		list[0] = SEC_BASE;
		prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
		set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			 OPTEE_MSG_ATTR_NONCONTIG, list_pa, 64);
		set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0,
			  0);
		msg_run_ret(fx, "FILL noncontig secure", &m, &c,
			    TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
	}
	assert_memory_equal(sec, before, sizeof(before));

	/* RMEM: unknown cookie, offs + size past the end, wrapping sizes. */
	register_contig(fx, cookie, 1, NULL);
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT,
		 REGD_COOKIE(9), 0, 16);
	msg_run_ret(fx, "RMEM unknown cookie", &m, &c, TEE_ERROR_BAD_PARAMETERS,
		    TEEC_ORIGIN_TEE);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, cookie,
		 PAGE - 16, 17);
	msg_run_ret(fx, "RMEM offs + size > size", &m, &c, TEE_ERROR_SECURITY,
		    TEEC_ORIGIN_TEE);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, cookie,
		 PAGE + 1, 0);
	msg_run_ret(fx, "RMEM offs > size", &m, &c, TEE_ERROR_SECURITY,
		    TEEC_ORIGIN_TEE);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, cookie, 16,
		 UINT64_MAX - 8);
	msg_run_ret(fx, "RMEM size wraps", &m, &c, TEE_ERROR_SECURITY,
		    TEEC_ORIGIN_TEE);
	set_rmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, cookie,
		 PAGE - 16, 16);
	msg_run_ret(fx, "RMEM up to the end", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);

	/*
	 * NULL memrefs with a size: the TA gets them with size 0 (OP-TEE's
	 * set_tmem_param()), so FILL fills nothing and answers size 0.
	 */
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 100);
	set_value(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0);
	msg_run_ret(fx, "FILL NULL", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[0].u.tmem.size, 0);
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_ECHO, 3);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
		 SHM_BASE + SHM_DATA, 16);
	set_tmem(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 64);
	set_value(&m.arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0);
	msg_run_ret(fx, "ECHO to NULL", &m, &c, TEE_ERROR_SHORT_BUFFER,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[1].u.tmem.size, 16);
	/* Nothing to NULL: fine. */
	prep_invoke(&m, sess, SMCSIM_TA_ECHO_CMD_ECHO, 3);
	set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, 0, 0);
	set_tmem(&m.arg->params[1], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0);
	set_value(&m.arg->params[2], OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 7, 7);
	msg_run_ret(fx, "ECHO NULL to NULL", &m, &c, TEE_SUCCESS,
		    TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(m.arg->params[1].u.tmem.size, 0);
	assert_int_equal(m.arg->params[2].u.value.a, 0);

	close_ok(fx, &m, sess);
	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
	world_serves(fx);
}

static void sw_msg_unregister_while_in_use_is_busy(void **state)
{
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(10);
	struct arm_smccc_res res;
	struct nwcall c;
	uint8_t *buf;
	struct msg m;
	uint32_t sess;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	sess = sleep_open(fx, &m);
	buf = register_contig(fx, cookie, 1, NULL);

	/* A REGD call waits in an RPC while its shm is unregistered. */
	msg_regd(&m, cookie, 0, buf);
	prep_sleep(&m, sess, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1, 1);
	msg_start(fx, &m, &c, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(unregister(fx, cookie), TEE_ERROR_BUSY);
	assert_true(smcsim_sw_shm_registered(fx->sw, cookie));
	finish_ok(&c, &res, "REGD call after UNREGISTER attempt");
	expect_ret("REGD call", &m, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(unregister(fx, cookie), TEE_SUCCESS);
	assert_false(smcsim_sw_shm_registered(fx->sw, cookie));

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	close_ok(fx, &m, sess);
	world_serves(fx);
}

/* ---- 9. destroy with calls still suspended -------------------------------- */

/**
 * struct destroyer - smcsim_sw_destroy() on its own thread, so the test can
 * bound how long it may take
 * @sw:		the world to destroy
 * @done:	completed when destroy returned
 */
struct destroyer {
	struct smcsim_sw *sw;
	struct rt_completion done;
};

static void *destroy_main(void *p)
{
	struct destroyer *d = p;

	smcsim_sw_destroy(d->sw);
	rt_complete(&d->done);
	return NULL;
}

static void destroy_bounded(struct fx *fx)
{
	static struct destroyer d;
	struct rt_thread *th;

	d.sw = fx->sw;
	fx->sw = NULL;	/* whatever happens, teardown must not destroy it again */
	rt_completion_init(&d.done);
	assert_int_equal(rt_thread_create(&th, "destroy", destroy_main, &d), 0);
	if (rt_wait_for_completion_timeout(&d.done, DESTROY_TIMEOUT_MS)) {
		print_error("smcsim_sw_destroy() did not return within %u ms\n",
			    DESTROY_TIMEOUT_MS);
		fail();
	}
	rt_thread_join(th, NULL);
	rt_completion_destroy(&d.done);
}

static void sw_msg_destroy_with_threads_suspended_in_rpc(void **state)
{
	struct fx *fx = *state;
	struct arm_smccc_res r0, r1;
	struct nwcall c0, c1;
	struct msg m, m0, m1;
	uint32_t sleep, sleep2;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(3));
	echo_open(fx, &m);
	sleep = sleep_open(fx, &m);
	sleep2 = sleep_open(fx, &m);
	register_contig(fx, REGD_COOKIE(11), 2, NULL);
	assert_int_equal(smcsim_sw_session_count(fx->sw), 3);

	/* Thread 0 left in RPC ALLOC. */
	msg_shm(fx, &m0, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	prep_sleep(&m0, sleep, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1000, 1000);
	msg_start(fx, &m0, &c0, &r0);
	assert_int_equal(r0.a0, OPTEE_SMC_RETURN_RPC_ALLOC);
	/* Thread 1 left in RPC CMD with an allocated RPC argument. */
	msg_shm(fx, &m1, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(2));
	prep_sleep(&m1, sleep2, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1000, 1000);
	msg_start(fx, &m1, &c1, &r1);
	assert_int_equal(r1.a0, OPTEE_SMC_RETURN_RPC_ALLOC);
	nw_step(&c1, &r1);
	assert_int_equal(r1.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(r1.a3, 1);
	expect_thread_states(fx, "before destroy", SMCSIM_SW_THREAD_SUSPENDED,
			     SMCSIM_SW_THREAD_SUSPENDED);

	/* Nobody answers: destroy must still return and free everything. */
	destroy_bounded(fx);
	assert_null(fx->sw);
}

static void sw_msg_destroy_with_threads_suspended_in_foreign_intr(void **state)
{
	struct fx *fx = *state;
	const uint64_t cookie = REGD_COOKIE(12);
	struct arm_smccc_res r0, r1, res;
	struct nwcall c0, c1;
	struct msg m, m0, m1;
	uint32_t sleep, sleep2;
	uint8_t *buf;

	msg_shm(fx, &m, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(3));
	sleep = sleep_open(fx, &m);
	sleep2 = sleep_open(fx, &m);
	buf = register_contig(fx, cookie, 1, NULL);
	call(fx, OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);

	/* Thread 0: a REGD call interrupted before it even started. */
	assert_int_equal(smcsim_sw_inject_foreign_intr(fx->sw, 1), 0);
	msg_regd(&m0, cookie, 0, buf);
	prep_sleep(&m0, sleep, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1000, 1000);
	msg_start(fx, &m0, &c0, &r0);
	assert_int_equal(r0.a0, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	assert_int_equal(r0.a3, 0);
	/* Thread 1: its RPC argument cached, then interrupted after an RPC. */
	msg_shm(fx, &m1, OPTEE_SMC_CALL_WITH_ARG, SHM_ARG(1));
	prep_sleep(&m1, sleep2, SMCSIM_TA_SLEEP_CMD_SUSPEND, 1000, 1000);
	msg_start(fx, &m1, &c1, &r1);
	assert_int_equal(r1.a0, OPTEE_SMC_RETURN_RPC_ALLOC);
	nw_step(&c1, &r1);
	assert_int_equal(r1.a0, OPTEE_SMC_RETURN_RPC_CMD);
	assert_int_equal(smcsim_sw_inject_foreign_intr(fx->sw, 1), 0);
	nw_step(&c1, &r1);
	assert_int_equal(r1.a0, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	assert_int_equal(r1.a3, 1);
	assert_int_equal(smcsim_sw_rpc_arg_cached(fx->sw, 1), c1.alloc_cookie);
	expect_thread_states(fx, "before destroy", SMCSIM_SW_THREAD_SUSPENDED,
			     SMCSIM_SW_THREAD_SUSPENDED);

	destroy_bounded(fx);
	assert_null(fx->sw);
}

/* ---- main ------------------------------------------------------------------ */

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)

#define MSG_TESTS							\
	T(sw_msg_echo_arg_in_reserved_shm),				\
	T(sw_msg_echo_arg_in_dram_page),				\
	T(sw_msg_echo_with_rpc_arg),					\
	T(sw_msg_echo_with_regd_arg),					\
	T(sw_msg_bad_arg_addresses_answer_ebadaddr),			\
	T(sw_msg_dram_arg_needs_dynamic_shm),				\
	T(sw_msg_firmware_map_args),					\
	T(sw_msg_num_params_128_answers_ebadaddr),			\
	T(sw_msg_unknown_message_cmd_answers_ebadcmd),			\
	T(sw_msg_invoke_unknown_session_is_bad_parameters),		\
	T(sw_msg_close_and_cancel_unknown_session),			\
	T(sw_msg_open_missing_ta_probes_secure_storage_first),		\
	T(sw_msg_concurrent_opens_of_missing_tas),			\
	T(sw_msg_mutex_wait_timeout_is_asked_again),			\
	T(sw_msg_regd_arg_must_lie_in_registered_shm),			\
	T(sw_msg_device_pta_open_needs_no_rpc),				\
	T(sw_msg_device_pta_accepts_any_login),				\
	T(sw_msg_session_ids_follow_the_last_open_session),		\
	T(sw_msg_device_pta_lists_device_tas),				\
	T(sw_msg_invoke_tests_pta),					\
	T(sw_msg_bottom_half_and_stop_async_notif),			\
	T(sw_msg_rpc_arg_must_fit_in_the_mapped_page),			\
	T(sw_msg_num_params_past_the_page_answers_ebadaddr),		\
	T(sw_msg_rpc_arg_alloc_cmd_free),				\
	T(sw_msg_rpc_arg_supplied_needs_no_alloc),			\
	T(sw_msg_rpc_arg_prealloc_cache),				\
	T(sw_msg_rpc_alloc_failure_fails_the_rpc),			\
	T(sw_msg_thread_limit_and_eresume),				\
	T(sw_msg_foreign_interrupt_storm),				\
	T(sw_msg_concurrent_callers_share_two_threads),			\
	T(sw_msg_panic_ta_session_is_dead),				\
	T(sw_msg_register_shm_over_two_list_pages),			\
	T(sw_msg_register_shm_scattered_list_pages),			\
	T(sw_msg_register_and_unregister_refusals),			\
	T(sw_msg_memrefs_into_secure_memory_refused),			\
	T(sw_msg_register_unregister_answers_as_optee),			\
	T(sw_msg_param_attrs_as_optee),					\
	T(sw_msg_unregister_while_in_use_is_busy),			\
	T(sw_msg_destroy_with_threads_suspended_in_rpc),		\
	T(sw_msg_destroy_with_threads_suspended_in_foreign_intr)

int main(void)
{
	const struct CMUnitTest proposal[] = { MSG_TESTS };
	const struct CMUnitTest upstream[] = { MSG_TESTS };
	int failed = 0;

	failed += cmocka_run_group_tests_name("sw_msg proposal", proposal,
					      group_setup_proposal, NULL);
	failed += cmocka_run_group_tests_name("sw_msg upstream", upstream,
					      group_setup_upstream, NULL);
	return failed ? 1 : 0;
}
