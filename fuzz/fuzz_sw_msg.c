// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: message calls into the simulated secure world, with the
 * normal world's RPC answers fuzzed too. One world (and memory map) is
 * built once, with dynamic protected memory; each input places one
 * optee_msg_arg, issues it, answers every RPC from the input, then drains
 * and cleans up so the next input starts from the same state: three open
 * sessions (echo = 1, sleep = 2, secure video = 3), nothing registered, one
 * range lent (PROT_PA, PROT_PAGES pages, cookie PROT_COOKIE) so that
 * messages can name lent memory by cookie or address, no RPC argument
 * cached, every thread FREE. What an input lends is reclaimed afterwards
 * (and must be reclaimable); a harness range an input reclaimed is lent
 * again.
 *
 * Input layout (little endian):
 *   byte 0	bits 0..1 call form: 0 CALL_WITH_ARG, 1 CALL_WITH_RPC_ARG,
 *		2 REGISTER_SHM of four DRAM pages then CALL_WITH_REGD_ARG,
 *		3 raw: a0 = ARG / RPC_ARG / REGD by byte 1 % 3, a1..a3 from
 *		the answer stream;
 *		bit 2 the argument in a DRAM page instead of the reserved shm;
 *		bit 3 ENABLE_SHM_CACHE first;
 *		bits 4..7 foreign interrupts to inject first
 *   byte 1	offset of the argument / 8 (shm slot, DRAM page or REGD buffer)
 *   bytes 2-3	length of the message part
 *   bytes 4-5	length of the page-list part (at most 8 KiB), copied to the
 *		two DRAM pages at LIST_PA (which a message may name)
 *   then the message part, the page-list part, and the answer stream: one
 *   record per RPC (see answer_alloc() and answer_cmd()), zeros once the
 *   input runs out.
 *
 * The first FUZZ_RPCS RPCs of a call are answered from the input, the rest
 * with failures (ALLOC: PA 0; CMD: COMMUNICATION) so every built-in TA
 * ends; a call still in RPCs after MAX_RPCS is a hang. Checked: every a0 is
 * a valid status or one of the four RPC codes; completed calls have
 * a1..a3 = 0; RPCs name the call's own thread; ALLOC asks for 160 bytes;
 * FOREIGN_INTR has a1 = a2 = 0; CMD and FREE only name cookies the normal
 * world handed out (or 0 with a supplied RPC argument); RETURN_FROM_RPC to
 * a thread that is not suspended answers ERESUME; fast calls work while a
 * thread is suspended and the shm cache calls answer EBUSY; a nested echo
 * ADD works then; afterwards every handed-out RPC argument came back, no
 * thread is left non-FREE, and a fresh open/ADD/close works.
 *
 * Sections: RPC arguments handed out; answering RPCs; the harness's own
 * messages; the world; one input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_error.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE		SMCSIM_PAGE_SIZE
#define SHM_BASE	SMCSIM_PHYS_DEFAULT_SHM_BASE
#define SHM_SIZE	SMCSIM_PHYS_DEFAULT_SHM_SIZE
#define SEC_BASE	SMCSIM_PHYS_DEFAULT_SEC_BASE
#define RPC_ARG_SIZE	OPTEE_MSG_GET_ARG_SIZE(OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS)

/*
 * DRAM pages taken once at start-up. On a fresh map they start at the
 * bottom of DRAM, so the seed corpus can name them: LIST_PA = 0x40001000,
 * DATA = 0x40008000.
 */
#define POOL_PAGES	64
#define ARG_PAGE	0	/* an argument in DRAM */
#define LIST_PAGE	1	/* two pages: the input's page list */
#define HLIST_PAGE	3	/* the harness's own page list */
#define REGD_PAGE	4	/* four pages registered for REGD */
#define REGD_PAGES	4
#define RPC_PAGE	24	/* pages handed out by RPC ALLOC */
#define RPC_PAGES	32
#define PROT_PAGE	56	/* four pages lent at start-up: PROT_PA */
#define PROT_PAGES	4
#define FREE_PAGE	60	/* four pages nobody uses, 0x4003c000: lendable */
/* Smallest lend the world accepts, so that inputs can lend pool pages. */
#define PROT_MIN_SIZE	(2 * PAGE)
#define PROT_COOKIE	0x9E7D00000000F00DULL
#define SDP_SESSION	3U

/* The reserved shm: harness messages, RPC args, the input's argument. */
#define SHM_HARNESS	0x0000ULL
#define SHM_NESTED	0x1000ULL
#define SHM_RPC		0x10000ULL
#define SHM_FUZZ	(SHM_SIZE - 2 * PAGE)

#define REGD_COOKIE	0x5E6D00000000F022ULL
#define RPC_COOKIE(n)	(0xC00C1E0000000000ULL | (uint64_t)(n))

#define HDR_SIZE	6
#define MAX_LIST	(2 * PAGE)
#define FUZZ_RPCS	64U
#define MAX_RPCS	10000U
#define MAX_BUFS	256
#define ECHO_SESSION	1U
#define SLEEP_SESSION	2U

/**
 * struct rpcbuf - an RPC argument the harness handed out with ALLOC
 * @cookie:	its cookie (0: the answer said "no memory")
 * @pa:		where it is
 * @page:	index into the RPC pages, -1 for none
 * @live:	not given back yet (RPC FREE or DISABLE_SHM_CACHE)
 */
struct rpcbuf {
	uint64_t cookie;
	uint64_t pa;
	int page;
	bool live;
};

/**
 * struct fuzz_state - the world shared by all inputs
 * @phys:	memory map
 * @sw:		the world
 * @pool:	PA of the first of POOL_PAGES DRAM pages
 * @shm:	normal-world view of the reserved shm
 * @bufs:	RPC arguments handed out by ALLOC (of this input)
 * @nbufs:	entries used in @bufs
 * @page_used:	which RPC pages are out
 * @next_cookie: for the next ALLOC
 */
static struct fuzz_state {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	uint64_t pool;
	uint8_t *shm;
	struct rpcbuf bufs[MAX_BUFS];
	unsigned int nbufs;
	bool page_used[RPC_PAGES];
	uint64_t next_cookie;
} g;

/**
 * struct fcall - one yielding call as the harness drives it
 * @st:		answers come from here; NULL = the harness's own call, sane
 *		answers
 * @rpc_arg:	RPC argument supplied with the call (CMD cookie 0), or NULL
 * @may_be_null: a CMD with cookie 0 may find no @rpc_arg (raw form)
 * @thread:	a3 of the first RPC, -1 before
 * @rpcs:	RPCs answered
 */
struct fcall {
	struct stream *st;
	uint8_t *rpc_arg;
	bool may_be_null;
	int thread;
	unsigned int rpcs;
};

static void fuzz_fail(const char *why, const struct arm_smccc_res *res)
{
	fprintf(stderr, "fuzz_sw_msg: %s: a0=0x%lx a1=0x%lx a2=0x%lx a3=0x%lx\n",
		why, res ? res->a0 : 0, res ? res->a1 : 0, res ? res->a2 : 0,
		res ? res->a3 : 0);
	abort();
}

static uint8_t *dram_va(uint64_t pa, size_t len)
{
	uint8_t *va = smcsim_phys_map(g.phys, SMCSIM_WORLD_NORMAL, pa, len);

	if (!va)
		fuzz_fail("harness DRAM not mapped", NULL);
	return va;
}

static uint64_t pool_pa(unsigned int page)
{
	return g.pool + (uint64_t)page * PAGE;
}

static void smc(unsigned long a0, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4, unsigned long a5,
		struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, a4, a5, 0, 0 };

	smcsim_sw_smc(g.sw, a, res);
}

/* ---- RPC arguments handed out ------------------------------------------- */

static struct rpcbuf *buf_new(uint64_t cookie, uint64_t pa, int page)
{
	struct rpcbuf *b;

	if (g.nbufs == MAX_BUFS)
		fuzz_fail("too many RPC ALLOCs in one input", NULL);
	b = &g.bufs[g.nbufs++];
	b->cookie = cookie;
	b->pa = pa;
	b->page = page;
	b->live = cookie != 0;
	if (!b->live && page >= 0)
		g.page_used[page] = false;
	return b;
}

static struct rpcbuf *buf_find(uint64_t cookie)
{
	unsigned int i;

	if (!cookie)
		return NULL;
	for (i = 0; i < g.nbufs; i++)
		if (g.bufs[i].live && g.bufs[i].cookie == cookie)
			return &g.bufs[i];
	return NULL;
}

static void buf_release(struct rpcbuf *b)
{
	if (b->page >= 0)
		g.page_used[b->page] = false;
	b->live = false;
}

static int rpc_page_get(void)
{
	int i;

	for (i = 0; i < RPC_PAGES; i++) {
		if (!g.page_used[i]) {
			g.page_used[i] = true;
			return i;
		}
	}
	return -1;
}

/* ---- answering RPCs ------------------------------------------------------ */

static bool is_done_status(unsigned long a0)
{
	return a0 == OPTEE_SMC_RETURN_OK || a0 == OPTEE_SMC_RETURN_EBADADDR ||
	       a0 == OPTEE_SMC_RETURN_EBADCMD || a0 == OPTEE_SMC_RETURN_ENOMEM;
}

static void check_rpc(struct fcall *c, const struct arm_smccc_res *res)
{
	switch (res->a0) {
	case OPTEE_SMC_RETURN_RPC_ALLOC:
		if (res->a1 != RPC_ARG_SIZE)
			fuzz_fail("ALLOC not of 160 bytes", res);
		break;
	case OPTEE_SMC_RETURN_RPC_FOREIGN_INTR:
		if (res->a1 || res->a2)
			fuzz_fail("FOREIGN_INTR with a1/a2", res);
		break;
	case OPTEE_SMC_RETURN_RPC_FREE:
	case OPTEE_SMC_RETURN_RPC_CMD:
		break;
	default:
		fuzz_fail("not a status nor an RPC", res);
	}
	if (res->a3 >= smcsim_sw_num_threads(g.sw))
		fuzz_fail("RPC names no thread", res);
	if (c->thread < 0)
		c->thread = (int)res->a3;
	else if ((unsigned long)c->thread != res->a3)
		fuzz_fail("RPC names another thread", res);
	if (smcsim_sw_thread_state(g.sw, (unsigned int)res->a3) !=
	    SMCSIM_SW_THREAD_SUSPENDED)
		fuzz_fail("RPC from a thread that is not SUSPENDED", res);
}

/*
 * ALLOC record: one byte kind % 5: 0 a DRAM page, 1 8-byte aligned in the
 * reserved shm, 2 PA 0 and cookie 0, 3 secure RAM with a cookie, 4 raw PA
 * and cookie (8 bytes each). Failing answers are PA 0.
 */
static void answer_alloc(struct fcall *c, bool fuzzed, uint64_t *pa,
			 uint64_t *cookie)
{
	unsigned int kind = fuzzed ? take8(c->st) % 5 : 0;
	int page = -1;

	*pa = 0;
	*cookie = 0;
	/* Past FUZZ_RPCS: fail, so that every TA gives up. */
	if (c->st && !fuzzed)
		kind = 2;
	switch (kind) {
	case 0:
		page = rpc_page_get();
		if (page < 0)
			break;
		*pa = pool_pa(RPC_PAGE + (unsigned int)page);
		*cookie = RPC_COOKIE(++g.next_cookie);
		break;
	case 1:
		*pa = SHM_BASE + SHM_RPC + (g.next_cookie % 64) * 256 + 8;
		*cookie = RPC_COOKIE(++g.next_cookie);
		break;
	case 2:
		break;
	case 3:
		*pa = SEC_BASE + (uint64_t)take8(c->st) * 8;
		*cookie = RPC_COOKIE(++g.next_cookie);
		break;
	default:
		*pa = take64(c->st);
		*cookie = take64(c->st);
		break;
	}
	buf_new(*cookie, *pa, page);
}

/* The harness's own CMD handling, as a Linux driver would. */
static void cmd_sane(struct optee_msg_arg *arg)
{
	switch (arg->cmd) {
	case OPTEE_RPC_CMD_GET_TIME:
		if (arg->num_params == 1) {
			arg->params[0].u.value.a = 1700000000;
			arg->params[0].u.value.b = 0;
		}
		arg->ret = TEE_SUCCESS;
		break;
	case OPTEE_RPC_CMD_SUSPEND:
		arg->ret = TEE_SUCCESS;
		break;
	default:
		arg->ret = TEE_ERROR_NOT_SUPPORTED;
		break;
	}
}

static void nested_echo_add(void);

/*
 * CMD record: one flags byte. bit 0: ret is the next 4 bytes (else sane
 * handling); bit 1: the next byte % 129 bytes overwrite the params; bit 5:
 * scribble over cmd and num_params. Bits 2..4 ask for things to be done
 * while the thread waits, see suspended_extras(). Failing answers (past
 * FUZZ_RPCS) are TEE_ERROR_COMMUNICATION.
 */
static uint8_t answer_cmd(struct fcall *c, bool fuzzed, uint64_t cookie)
{
	uint8_t flags = fuzzed ? take8(c->st) : 0;
	struct optee_msg_arg *arg = NULL;
	struct rpcbuf *b;
	unsigned int n, i;

	if (!cookie) {
		arg = (struct optee_msg_arg *)c->rpc_arg;
		if (!arg && !c->may_be_null)
			fuzz_fail("RPC CMD with cookie 0, no RPC arg supplied",
				  NULL);
	} else {
		b = buf_find(cookie);
		if (!b)
			fuzz_fail("RPC CMD with a cookie never handed out", NULL);
		/* The secure world accepted it: it must be non-secure memory. */
		arg = smcsim_phys_map(g.phys, SMCSIM_WORLD_NORMAL, b->pa,
				      RPC_ARG_SIZE);
		if (!arg)
			fuzz_fail("RPC CMD on an argument not in NS memory",
				  NULL);
	}
	if (!arg)
		return flags;
	if (arg->num_params > OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS)
		fuzz_fail("RPC CMD with more than 4 params", NULL);

	if (c->st && !fuzzed)
		arg->ret = TEE_ERROR_COMMUNICATION;
	else if (flags & 1)
		arg->ret = take32(c->st);
	else
		cmd_sane(arg);
	if (flags & 2) {
		n = take8(c->st) % (4 * sizeof(struct optee_msg_param) + 1);
		for (i = 0; i < n; i++)
			((uint8_t *)arg->params)[i] = take8(c->st);
	}
	if (flags & 0x20) {
		arg->cmd = take32(c->st);
		arg->num_params = take32(c->st);
	}
	return flags;
}

/* While thread @c->thread waits in an RPC. */
static void suspended_extras(struct fcall *c, uint8_t flags)
{
	unsigned int nthreads = smcsim_sw_num_threads(g.sw);
	struct arm_smccc_res res;
	unsigned int other;

	if (flags & 4) {
		/* A thread that is not suspended, or none at all. */
		other = ((unsigned int)c->thread + 1 +
			 (unsigned int)take8(c->st) % 8) % 8;
		if (other >= nthreads ||
		    smcsim_sw_thread_state(g.sw, other) !=
		    SMCSIM_SW_THREAD_SUSPENDED) {
			smc(OPTEE_SMC_CALL_RETURN_FROM_RPC, 0, 0, other, 0, 0,
			    &res);
			if (res.a0 != OPTEE_SMC_RETURN_ERESUME)
				fuzz_fail("resume of a thread not suspended",
					  &res);
		}
	}
	if (flags & 8) {
		smc(OPTEE_SMC_GET_THREAD_COUNT, 0, 0, 0, 0, 0, &res);
		if (res.a0 != OPTEE_SMC_RETURN_OK || res.a1 != nthreads)
			fuzz_fail("GET_THREAD_COUNT while suspended", &res);
		smc(OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
		if (res.a0 != OPTEE_SMC_RETURN_EBUSY)
			fuzz_fail("ENABLE_SHM_CACHE while suspended", &res);
		smc(OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
		if (res.a0 != OPTEE_SMC_RETURN_EBUSY)
			fuzz_fail("DISABLE_SHM_CACHE while suspended", &res);
	}
	if ((flags & 0x10) && nthreads > 1)
		nested_echo_add();
}

/*
 * Answer RPCs until the call completes. The answer registers: a1..a3 as
 * returned (for ALLOC a1/a2 = PA, a4/a5 = cookie); with flag bit 6 of a
 * CMD record, a1/a2/a4/a5 come from the input instead (ignored by OP-TEE).
 */
static void drive(struct fcall *c, struct arm_smccc_res *res)
{
	while (optee_smc_return_is_rpc(res->a0)) {
		bool fuzzed = c->st && c->rpcs < FUZZ_RPCS;
		unsigned long a1 = res->a1, a2 = res->a2, a3 = res->a3;
		unsigned long a4 = 0, a5 = 0;
		uint64_t pa, cookie;
		uint8_t flags = 0;
		struct rpcbuf *b;

		if (c->rpcs++ >= MAX_RPCS)
			fuzz_fail("call still in RPCs after MAX_RPCS", res);
		check_rpc(c, res);
		switch (res->a0) {
		case OPTEE_SMC_RETURN_RPC_ALLOC:
			answer_alloc(c, fuzzed, &pa, &cookie);
			a1 = reg_pair_hi(pa);
			a2 = reg_pair_lo(pa);
			a4 = reg_pair_hi(cookie);
			a5 = reg_pair_lo(cookie);
			break;
		case OPTEE_SMC_RETURN_RPC_FREE:
			b = buf_find(reg_pair_to_64(a1, a2));
			if (!b)
				fuzz_fail("RPC FREE of a cookie not out", res);
			buf_release(b);
			break;
		case OPTEE_SMC_RETURN_RPC_CMD:
			flags = answer_cmd(c, fuzzed,
					   reg_pair_to_64(a1, a2));
			if (flags & 0x40) {
				a1 = take32(c->st);
				a2 = take32(c->st);
				a4 = take32(c->st);
				a5 = take32(c->st);
			}
			suspended_extras(c, flags);
			break;
		default:
			break;
		}
		smc(OPTEE_SMC_CALL_RETURN_FROM_RPC, a1, a2, a3, a4, a5, res);
	}
	if (!is_done_status(res->a0))
		fuzz_fail("call ended with no valid status", res);
	if (res->a1 || res->a2 || res->a3)
		fuzz_fail("completed call with a1..a3 != 0", res);
}

/* ---- the harness's own messages ----------------------------------------- */

static struct optee_msg_arg *hmsg(uint64_t slot, uint32_t cmd, uint32_t num)
{
	struct optee_msg_arg *arg = (struct optee_msg_arg *)(g.shm + slot);

	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(num));
	arg->cmd = cmd;
	arg->num_params = num;
	return arg;
}

/* CALL_WITH_ARG of the message in @slot, sane answers; must be a0 OK. */
static void hrun(uint64_t slot, const char *what)
{
	struct fcall c = { .thread = -1 };
	struct arm_smccc_res res;
	uint64_t pa = SHM_BASE + slot;

	smc(OPTEE_SMC_CALL_WITH_ARG, reg_pair_hi(pa), reg_pair_lo(pa), 0, 0, 0,
	    &res);
	drive(&c, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK)
		fuzz_fail(what, &res);
}

static uint32_t h_open(uint64_t slot, const struct smcsim_uuid *uuid)
{
	struct optee_msg_arg *arg = hmsg(slot, OPTEE_MSG_CMD_OPEN_SESSION, 2);

	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	smcsim_uuid_to_octets(uuid, arg->params[0].u.octets);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	arg->params[1].u.value.c = OPTEE_MSG_LOGIN_PUBLIC;
	hrun(slot, "harness OPEN_SESSION");
	if (arg->ret || arg->ret_origin != TEEC_ORIGIN_TRUSTED_APP ||
	    !arg->session)
		fuzz_fail("harness OPEN_SESSION refused", NULL);
	return arg->session;
}

static void h_close(uint64_t slot, uint32_t session)
{
	struct optee_msg_arg *arg = hmsg(slot, OPTEE_MSG_CMD_CLOSE_SESSION, 0);

	arg->session = session;
	hrun(slot, "harness CLOSE_SESSION");
	if (arg->ret || arg->ret_origin != TEEC_ORIGIN_TEE)
		fuzz_fail("harness CLOSE_SESSION refused", NULL);
}

static void h_add(uint64_t slot, uint32_t session)
{
	struct optee_msg_arg *arg = hmsg(slot, OPTEE_MSG_CMD_INVOKE_COMMAND, 2);

	arg->session = session;
	arg->func = SMCSIM_TA_ECHO_CMD_ADD;
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	arg->params[0].u.value.a = 40;
	arg->params[0].u.value.b = 2;
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	hrun(slot, "harness ADD");
	if (arg->ret || arg->ret_origin != TEEC_ORIGIN_TRUSTED_APP ||
	    arg->params[1].u.value.a != 42)
		fuzz_fail("the world no longer adds", NULL);
}

/* Any invoke clears a pending CANCEL of the session. */
static void h_poke(uint64_t slot, uint32_t session)
{
	struct optee_msg_arg *arg = hmsg(slot, OPTEE_MSG_CMD_INVOKE_COMMAND, 0);

	arg->session = session;
	arg->func = 0x7FFF;
	hrun(slot, "harness poke");
}

static uint32_t h_register(uint64_t cookie, uint64_t first, unsigned int n)
{
	uint64_t *list = (uint64_t *)dram_va(pool_pa(HLIST_PAGE), PAGE);
	struct optee_msg_arg *arg;
	unsigned int i;

	memset(list, 0, PAGE);
	for (i = 0; i < n; i++)
		list[i] = first + (uint64_t)i * PAGE;
	arg = hmsg(SHM_HARNESS, OPTEE_MSG_CMD_REGISTER_SHM, 1);
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			      OPTEE_MSG_ATTR_NONCONTIG;
	arg->params[0].u.tmem.buf_ptr = pool_pa(HLIST_PAGE);
	arg->params[0].u.tmem.size = (uint64_t)n * PAGE;
	arg->params[0].u.tmem.shm_ref = cookie;
	hrun(SHM_HARNESS, "harness REGISTER_SHM");
	return arg->ret;
}

static uint32_t h_unregister(uint64_t cookie)
{
	struct optee_msg_arg *arg = hmsg(SHM_HARNESS,
					 OPTEE_MSG_CMD_UNREGISTER_SHM, 1);

	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	arg->params[0].u.rmem.shm_ref = cookie;
	hrun(SHM_HARNESS, "harness UNREGISTER_SHM");
	return arg->ret;
}

static uint32_t h_lend(uint64_t cookie, uint64_t pa, uint64_t size)
{
	struct optee_msg_arg *arg = hmsg(SHM_HARNESS,
					 OPTEE_MSG_CMD_LEND_PROTMEM, 2);

	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	arg->params[0].u.value.a = OPTEE_MSG_PROTMEM_SECURE_VIDEO_PLAY;
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	arg->params[1].u.tmem.buf_ptr = pa;
	arg->params[1].u.tmem.size = size;
	arg->params[1].u.tmem.shm_ref = cookie;
	hrun(SHM_HARNESS, "harness LEND_PROTMEM");
	return arg->ret;
}

static uint32_t h_reclaim(uint64_t cookie)
{
	struct optee_msg_arg *arg = hmsg(SHM_HARNESS,
					 OPTEE_MSG_CMD_RECLAIM_PROTMEM, 1);

	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	arg->params[0].u.rmem.shm_ref = cookie;
	hrun(SHM_HARNESS, "harness RECLAIM_PROTMEM");
	return arg->ret;
}

/* The range every input may name; fresh contents, so inputs repeat. */
static void h_lend_harness(void)
{
	uint64_t pa = pool_pa(PROT_PAGE);

	memset(dram_va(pa, PROT_PAGES * PAGE), 0, PROT_PAGES * PAGE);
	if (h_lend(PROT_COOKIE, pa, PROT_PAGES * PAGE))
		fuzz_fail("harness LEND_PROTMEM refused", NULL);
}

/* While the input's call waits: another thread still serves. */
static void nested_echo_add(void)
{
	h_add(SHM_NESTED, ECHO_SESSION);
}

/* ---- the world ------------------------------------------------------------ */

static void world_create(void)
{
	const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	const struct smcsim_uuid sleep = SMCSIM_TA_SLEEP_UUID;
	const struct smcsim_uuid sdp = SMCSIM_TA_SDP_UUID;
	struct smcsim_sw_config cfg;

	smcsim_sw_config_default(&cfg, SMCSIM_ABI_UPSTREAM, g.phys);
	cfg.dynamic_protmem = true;
	cfg.protmem_min_size = PROT_MIN_SIZE;
	if (smcsim_sw_create(&cfg, &g.sw))
		fuzz_fail("smcsim_sw_create", NULL);
	if (h_open(SHM_HARNESS, &echo) != ECHO_SESSION ||
	    h_open(SHM_HARNESS, &sleep) != SLEEP_SESSION ||
	    h_open(SHM_HARNESS, &sdp) != SDP_SESSION)
		fuzz_fail("persistent sessions not 1, 2 and 3", NULL);
	h_lend_harness();
}

static void world_recreate(void)
{
	unsigned int i;

	smcsim_sw_destroy(g.sw);
	g.sw = NULL;
	for (i = 0; i < g.nbufs; i++)
		buf_release(&g.bufs[i]);
	g.nbufs = 0;
	world_create();
}

static void fuzz_init(void)
{
	struct smcsim_phys_config pcfg;

	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &g.phys) ||
	    smcsim_phys_alloc_pages(g.phys, POOL_PAGES, &g.pool))
		fuzz_fail("memory map", NULL);
	g.shm = smcsim_phys_map(g.phys, SMCSIM_WORLD_NORMAL, SHM_BASE, SHM_SIZE);
	if (!g.shm)
		fuzz_fail("reserved shm", NULL);
	world_create();
}

/* DISABLE_SHM_CACHE until empty; every cookie must be one handed out. */
static void drain_cache(void)
{
	unsigned int i, n = smcsim_sw_num_threads(g.sw);
	struct arm_smccc_res res;
	struct rpcbuf *b;

	for (i = 0; i <= n; i++) {
		smc(OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
		if (res.a0 == OPTEE_SMC_RETURN_ENOTAVAIL)
			return;
		if (res.a0 != OPTEE_SMC_RETURN_OK)
			fuzz_fail("DISABLE_SHM_CACHE with every thread free", &res);
		b = buf_find(reg_pair_to_64(res.a1, res.a2));
		if (!b)
			fuzz_fail("DISABLE_SHM_CACHE gave an unknown cookie", &res);
		buf_release(b);
	}
	fuzz_fail("DISABLE_SHM_CACHE never empty", &res);
}

static void check_clean(void)
{
	unsigned int i, n = smcsim_sw_num_threads(g.sw);

	for (i = 0; i < n; i++) {
		if (smcsim_sw_thread_state(g.sw, i) != SMCSIM_SW_THREAD_FREE)
			fuzz_fail("thread left non-FREE", NULL);
		if (smcsim_sw_rpc_arg_cached(g.sw, i))
			fuzz_fail("RPC argument still cached", NULL);
	}
	for (i = 0; i < g.nbufs; i++)
		if (g.bufs[i].live)
			fuzz_fail("RPC argument never given back", NULL);
	g.nbufs = 0;
}

/* ---- one input ------------------------------------------------------------ */

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long raw_fids[] = {
		OPTEE_SMC_CALL_WITH_ARG, OPTEE_SMC_CALL_WITH_RPC_ARG,
		OPTEE_SMC_CALL_WITH_REGD_ARG,
	};
	const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	struct optee_msg_arg hdr;
	struct fcall c = { .thread = -1 };
	struct arm_smccc_res res;
	struct stream st;
	unsigned int form, i;
	size_t off, mlen, llen, room;
	unsigned long fid, a1, a2, a3;
	uint8_t *base, *regd;
	uint64_t pa = 0, reg_cookie = 0;
	bool recreate = false;
	uint32_t sess;

	if (size < HDR_SIZE)
		return 0;
	if (!g.sw)
		fuzz_init();

	form = data[0] & 3;
	off = (size_t)data[1] * 8;
	mlen = min_size(data[2] | (size_t)data[3] << 8, size - HDR_SIZE);
	llen = min_size(data[4] | (size_t)data[5] << 8,
			min_size(size - HDR_SIZE - mlen, MAX_LIST));
	st.p = data + HDR_SIZE + mlen + llen;
	st.n = size - HDR_SIZE - mlen - llen;
	c.st = &st;

	/* The same memory for every input. */
	memset(g.shm + SHM_FUZZ, 0, 2 * PAGE);
	memset(dram_va(pool_pa(ARG_PAGE), PAGE), 0, PAGE);
	memset(dram_va(pool_pa(LIST_PAGE), 2 * PAGE), 0, 2 * PAGE);
	memcpy(dram_va(pool_pa(LIST_PAGE), 2 * PAGE),
	       data + HDR_SIZE + mlen, llen);
	regd = dram_va(pool_pa(REGD_PAGE), REGD_PAGES * PAGE);
	memset(regd, 0, REGD_PAGES * PAGE);

	if (data[0] & 8) {
		smc(OPTEE_SMC_ENABLE_SHM_CACHE, 0, 0, 0, 0, 0, &res);
		if (res.a0 != OPTEE_SMC_RETURN_OK)
			fuzz_fail("ENABLE_SHM_CACHE with every thread free",
				  &res);
	}

	/* Where the argument goes. */
	if (form == 2) {
		if (h_register(REGD_COOKIE, pool_pa(REGD_PAGE), REGD_PAGES))
			fuzz_fail("harness REGISTER_SHM refused", NULL);
		base = regd + off;
		room = REGD_PAGES * PAGE - off;
	} else if (data[0] & 4) {
		pa = pool_pa(ARG_PAGE) + off;
		base = dram_va(pool_pa(ARG_PAGE), PAGE) + off;
		room = PAGE - off;
	} else {
		pa = SHM_BASE + SHM_FUZZ + off;
		base = g.shm + SHM_FUZZ + off;
		room = 2 * PAGE - off;
	}
	memcpy(base, data + HDR_SIZE, min_size(mlen, room));
	memset(&hdr, 0, sizeof(hdr));
	memcpy(&hdr, base, min_size(sizeof(hdr), room));

	switch (form) {
	case 0:
		fid = OPTEE_SMC_CALL_WITH_ARG;
		a1 = reg_pair_hi(pa);
		a2 = reg_pair_lo(pa);
		a3 = 0;
		break;
	case 1:
		fid = OPTEE_SMC_CALL_WITH_RPC_ARG;
		a1 = reg_pair_hi(pa);
		a2 = reg_pair_lo(pa);
		a3 = 0;
		break;
	case 2:
		fid = OPTEE_SMC_CALL_WITH_REGD_ARG;
		a1 = reg_pair_hi(REGD_COOKIE);
		a2 = reg_pair_lo(REGD_COOKIE);
		a3 = off;
		break;
	default:
		fid = raw_fids[data[1] % 3];
		a1 = take32(&st);
		a2 = take32(&st);
		a3 = take32(&st);
		c.may_be_null = true;
		break;
	}
	/* The RPC argument that follows a supplied argument. */
	if (fid != OPTEE_SMC_CALL_WITH_ARG) {
		if (form == 1 || form == 2) {
			if (hdr.num_params <= OPTEE_MSG_MAX_NUM_PARAMS &&
			    OPTEE_MSG_GET_ARG_SIZE(hdr.num_params) +
			    RPC_ARG_SIZE <= room)
				c.rpc_arg = base +
					OPTEE_MSG_GET_ARG_SIZE(hdr.num_params);
		} else if (fid == OPTEE_SMC_CALL_WITH_RPC_ARG &&
			   !(reg_pair_lo(a2) & 7)) {
			/* Only an 8-byte aligned argument can be accepted. */
			uint64_t at = reg_pair_to_64(a1, a2);
			const uint8_t *va = smcsim_phys_map(g.phys,
				SMCSIM_WORLD_NORMAL, at, sizeof(hdr));
			uint32_t num;

			if (va) {
				memcpy(&num, va + offsetof(struct optee_msg_arg,
							   num_params),
				       sizeof(num));
				if (num <= OPTEE_MSG_MAX_NUM_PARAMS)
					c.rpc_arg = smcsim_phys_map(g.phys,
						SMCSIM_WORLD_NORMAL,
						at + OPTEE_MSG_GET_ARG_SIZE(num),
						RPC_ARG_SIZE);
			}
		}
	}

	smcsim_sw_inject_foreign_intr(g.sw, data[0] >> 4);
	smc(fid, a1, a2, a3, 0, 0, &res);
	drive(&c, &res);

	/*
	 * A lend is undone first, and without reading the answer: the input
	 * may have lent the very page its message is in, which the normal
	 * world then cannot read. The cookie is the one the input wrote.
	 */
	if (form != 3 && res.a0 == OPTEE_SMC_RETURN_OK &&
	    hdr.cmd == OPTEE_MSG_CMD_LEND_PROTMEM && hdr.num_params == 2 &&
	    smcsim_sw_protmem_lent_count(g.sw) > 1) {
		const size_t at = OPTEE_MSG_GET_ARG_SIZE(1) +
				  offsetof(struct optee_msg_param,
					   u.tmem.shm_ref);
		size_t copied = min_size(mlen, room);
		uint64_t cookie = 0;

		/* Bytes past what the input gave were zero in memory. */
		if (copied > at)
			memcpy(&cookie, data + HDR_SIZE + at,
			       min_size(copied - at, sizeof(cookie)));
		if (h_reclaim(cookie))
			fuzz_fail("RECLAIM of what the input lent", NULL);
	}

	/* Undo what the message did, so the next input starts the same. */
	if (form != 3 && res.a0 == OPTEE_SMC_RETURN_OK &&
	    hdr.cmd != OPTEE_MSG_CMD_LEND_PROTMEM) {
		const struct optee_msg_arg *out =
			(const struct optee_msg_arg *)base;

		switch (hdr.cmd) {
		case OPTEE_MSG_CMD_OPEN_SESSION:
			if (!out->ret)
				h_close(SHM_HARNESS, out->session);
			break;
		case OPTEE_MSG_CMD_REGISTER_SHM:
			if (!out->ret && hdr.num_params == 1) {
				memcpy(&reg_cookie,
				       base + OPTEE_MSG_GET_ARG_SIZE(0) +
				       offsetof(struct optee_msg_param,
						u.tmem.shm_ref),
				       sizeof(reg_cookie));
				if (h_unregister(reg_cookie))
					fuzz_fail("UNREGISTER of what the "
						  "input registered", NULL);
			}
			break;
		case OPTEE_MSG_CMD_CLOSE_SESSION:
			if (!out->ret && (hdr.session == ECHO_SESSION ||
					  hdr.session == SLEEP_SESSION ||
					  hdr.session == SDP_SESSION))
				recreate = true;
			break;
		case OPTEE_MSG_CMD_CANCEL:
			if (!out->ret && (hdr.session == ECHO_SESSION ||
					  hdr.session == SLEEP_SESSION ||
					  hdr.session == SDP_SESSION))
				h_poke(SHM_HARNESS, hdr.session);
			break;

		default:
			break;
		}
	}
	if (form == 2 && smcsim_sw_shm_registered(g.sw, REGD_COOKIE) &&
	    h_unregister(REGD_COOKIE))
		fuzz_fail("UNREGISTER of the REGD buffer", NULL);
	drain_cache();
	check_clean();

	/* The world keeps serving. */
	sess = h_open(SHM_HARNESS, &echo);
	h_add(SHM_HARNESS, sess);
	h_close(SHM_HARNESS, sess);
	check_clean();

	/* The input reclaimed the harness's range: lend it again. */
	if (!recreate && !smcsim_sw_protmem_is_lent(g.sw, pool_pa(PROT_PAGE)))
		h_lend_harness();
	if (smcsim_sw_session_count(g.sw) != 3 || smcsim_sw_shm_count(g.sw) ||
	    smcsim_sw_protmem_lent_count(g.sw) != 1) {
		/* A raw call may have run any message; the others must not leak. */
		if (form != 3 && !recreate)
			fuzz_fail("sessions, shm or lent memory left behind",
				  NULL);
		recreate = true;
	}
	if (recreate)
		world_recreate();
	if (smcsim_phys_ns_denied_pages(g.phys) != PROT_PAGES)
		fuzz_fail("the normal world lost pages nobody lent", NULL);
	for (i = 0; i < RPC_PAGES; i++)
		if (g.page_used[i])
			fuzz_fail("RPC page still out", NULL);
	return 0;
}
