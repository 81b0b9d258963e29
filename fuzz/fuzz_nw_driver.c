// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: the normal-world OP-TEE driver (sim/normal_world/) against a
 * secure world whose answers and RPC requests the input scripts. Each input
 * probes the driver, runs a client workload (open a context, open a
 * session, invoke with value and memref params, a registered buffer, close)
 * and removes it. The secure world is a small model inside this file (an
 * invoke backend, struct fw); it reads and writes normal-world memory only
 * through lib/phys.c, as the real secure world does, and never looks at
 * driver internals.
 *
 * Input layout (little endian):
 *   byte 0	bit 0 profile (0 upstream, 1 proposal); bit 1 uniprocessor;
 *		bit 2 GET_THREAD_COUNT unknown; bit 3 the workload also
 *		registers a buffer of its own; bits 4..6 thread count; bit 7
 *		the platform has the notification interrupt (without it a
 *		probe of firmware with ASYNC_NOTIF fails; with it each probe
 *		starts two interrupt threads, which costs)
 *   bytes 1-2	the capabilities EXCHANGE_CAPABILITIES answers (a1)
 *   byte 3	bits 0..3 RPC param count (a3), bits 4..7 max notification
 *		value / 16 (a2 = 16 * n + 1)
 *   then records, one op byte (% 8) and its payload:
 *   0 FAST	u8 function (% FAST_NUM, see fast_fids[]), u8 mask, then
 *		a0..a3 as u64 for each set mask bit 0..3: the next call of
 *		that function is answered so (unset registers: the model's)
 *   1 DONE	u8 flags, then u32 a0 if bit 0 (else OK), u32 ret if bit 2,
 *		and if bit 3 u8 word, u8 len (% 33), len bytes patched into
 *		the argument at 8 * word; bit 1: the model does not process
 *		the message. Ends the current yielding call.
 *   2 ALLOC	u32 size: RPC ALLOC (a1 = size)
 *   3 FREE	cookie selector: RPC FREE
 *   4 CMD	cookie selector, u32 cmd, u8 num_params (raw), u8 n (% 5),
 *		n params of u8 attr, u64 a, u64 b, u64 c written into the
 *		argument: RPC CMD. Attr bit 7: a tmem naming cookie a % 16 of
 *		the list, at offset b, size c.
 *   5 INTR	RPC FOREIGN_INTR
 *   6 RAW	u16 RPC function, u64 a1, u64 a2: any RPC
 *   7 END	ends the current yielding call as the model would
 * A cookie selector is u8 s: s < 0x80 names entry s % n of the cookies the
 * driver handed out (ALLOC answers and SHM_ALLOC outputs, oldest first;
 * 0 if none), 0xff is followed by a raw u64, anything else is cookie 0 (the
 * RPC argument the driver supplied with the call). Records are taken in
 * order: FAST records by the next call of their function, the others by
 * the next answer to a yielding call (a new call or RETURN_FROM_RPC).
 *
 * When the records run out the model answers as a well-behaved OP-TEE: the
 * UID and revisions, the header's capabilities, the reserved shm region,
 * every message done (sessions opened, values incremented, memrefs
 * touched, shm registered), no RPCs. Bounds: MAX_RPCS RPCs per call (then
 * the call ends with EBADCMD), MAX_CALLS invoke calls per input (then
 * records are ignored); at most MAX_SLEEPS EBUSY answers to the shm cache
 * calls (the driver sleeps 1 ms after each); ETHREAD_LIMIT is answered as
 * EBUSY (nothing else is in flight to wake the caller); SUSPEND asks for
 * 0 ms; a NOTIFICATION WAIT for a key not pending names no valid key.
 *
 * Checked: probe fails if the UID, revision, capabilities or shm config
 * were wrong, and what it negotiated matches the answers; every argument
 * and RPC argument the driver passes lies in non-secure memory; REGD names
 * only shm the model registered; RETURN_FROM_RPC comes only for a pending
 * RPC and names its thread; an ALLOC answer is PA 0 or non-secure memory
 * of the size asked with a cookie not live; a SHM_ALLOC output the same;
 * SHM_FREE of a cookie the driver never handed out is refused; the
 * workload's outputs are what the model wrote; between calls every thread
 * slot of the call queue is free and nobody waits; remove (or a failed probe)
 * gives back every DRAM page, device number and the interrupt line. The
 * sanitizers (and LSan) watch for the rest.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/invoke.h>
#include <smcsim/irq.h>
#include <smcsim/optee.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>

#include "fuzz_input.h"

/* The largest GET_THREAD_COUNT the driver believes (OPTEE_MAX_THREAD_COUNT). */
#define MODEL_MAX_THREADS	4096UL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR_SIZE	4
#define MAX_RECS	256
#define MAX_RPCS	64U
#define MAX_CALLS	4096U
#define MAX_SLEEPS	2U
#define MAX_COOKIES	64
#define MAX_SEEN	256
#define MAX_REGS	32
#define MAX_REG_PAGES	64
#define MAX_NOTIF_KEY	65535U
#define PAGE		SMCSIM_PAGE_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum rec_kind {
	REC_FAST, REC_DONE, REC_ALLOC, REC_FREE, REC_CMD, REC_INTR, REC_RAW,
	REC_END,
};

static const unsigned long fast_fids[] = {
	OPTEE_SMC_CALLS_UID,
	OPTEE_SMC_CALL_GET_OS_REVISION,
	OPTEE_SMC_CALLS_REVISION,
	OPTEE_SMC_GET_THREAD_COUNT,
	OPTEE_SMC_EXCHANGE_CAPABILITIES,
	OPTEE_SMC_GET_SHM_CONFIG,
	OPTEE_SMC_DISABLE_SHM_CACHE,
	OPTEE_SMC_ENABLE_SHM_CACHE,
	OPTEE_SMC_ENABLE_ASYNC_NOTIF,
	OPTEE_SMC_GET_ASYNC_NOTIF_VALUE,
	OPTEE_SMC_GET_PROTMEM_CONFIG,
	OPTEE_SMC_CALL_RESERVE_SYS_THREAD,
	OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD,
};

#define FAST_NUM	ARRAY_SIZE(fast_fids)

/**
 * struct rec - one parsed record
 * @kind:	enum rec_kind
 * @fast:	REC_FAST: index into fast_fids[]
 * @mask:	REC_FAST: which of @r are given
 * @r:		REC_FAST: a0..a3; REC_RAW: a0 (the function), a1, a2
 * @flags:	REC_DONE: the flags byte
 * @a0:		REC_DONE: the status
 * @ret:	REC_DONE: ret to write
 * @size:	REC_ALLOC: a1
 * @sel:	REC_FREE/REC_CMD: the cookie selector
 * @raw:	REC_FREE/REC_CMD with selector 0xff: the cookie
 * @cmd:	REC_CMD: the command
 * @num_params:	REC_CMD: num_params as written
 * @np:		REC_CMD: params given
 * @pattr:	REC_CMD: their attr bytes
 * @pv:		REC_CMD: their a, b, c
 * @patch:	REC_DONE bit 3: where the patch lies in the input
 * @pword:	REC_DONE bit 3: at which 8-byte word
 * @plen:	REC_DONE bit 3: its length
 */
struct rec {
	enum rec_kind kind;
	unsigned int fast;
	unsigned int mask;
	uint64_t r[4];
	uint8_t flags;
	uint32_t a0;
	uint32_t ret;
	uint32_t size;
	uint8_t sel;
	uint64_t raw;
	uint32_t cmd;
	uint8_t num_params;
	unsigned int np;
	uint8_t pattr[4];
	uint64_t pv[4][3];
	const uint8_t *patch;
	uint8_t pword;
	uint8_t plen;
};

/**
 * struct cookie - a cookie the driver handed out for kernel memory
 * @cookie:	its value
 * @pa:		where the memory is
 * @size:	its size
 * @alloc:	RPC ALLOC (an RPC argument: the shm cache holds it)
 */
struct cookie {
	uint64_t cookie;
	uint64_t pa;
	uint64_t size;
	bool alloc;
};

/**
 * struct reg - shm the model registered
 * @cookie:	its cookie
 * @offset:	offset into the first page
 * @npages:	entries in @pages (0: the list could not be read)
 */
struct reg {
	uint64_t cookie;
	uint64_t offset;
	size_t npages;
	uint64_t pages[MAX_REG_PAGES];
};

/**
 * struct fw - the scripted secure world of one input
 * @recs:	the records
 * @nrecs:	how many
 * @fast_next:	per function: the record to look at next
 * @std_next:	the next record for a yielding call
 * @calls:	invoke calls so far
 * @sleeps:	EBUSY answers given to the shm cache calls
 * @in_call:	a yielding call is between entry and its end
 * @rpc_pending: the call waits in an RPC: @rpc_a0 is what it asked
 * @rpc_a0:	see @rpc_pending
 * @rpc_cookie: RPC CMD: the argument's cookie (for the answer check)
 * @rpc_va:	RPC CMD: where the model wrote the argument, or NULL
 * @rpc_size:	RPC ALLOC: the size asked for
 * @thread:	the thread id of the call (a3 of its RPCs)
 * @rpcs:	RPCs of the current call
 * @arg:	the call's argument, NULL if it was not readable
 * @arg_size:	its size as the call began
 * @rpc_arg:	the RPC argument supplied with the call, or NULL
 * @supplied:	the call supplied an RPC argument (readable or not)
 * @cmd:	the message command as the call began
 * @cookies:	cookies the driver handed out, live
 * @seen:	every cookie the driver handed out (first MAX_SEEN)
 * @nseen:	entries in @seen
 * @reg_cookie: REGISTER/UNREGISTER_SHM: the cookie, read at entry
 * @reg_buf:	REGISTER_SHM: the page list, read at entry
 * @reg_size:	REGISTER_SHM: the size, read at entry
 * @clean:	the call was answered by the model alone
 * @ncookies:	entries in @cookies
 * @regs:	shm registered
 * @nregs:	entries in @regs
 * @shm_cache:	the shm cache is on
 * @next_session: the next session id
 * @caps:	the capabilities answered
 * @caps_ok:	EXCHANGE_CAPABILITIES answered OK
 * @rpc_params:	RPC param count the driver takes from the answer
 * @max_key:	the notification keys the driver accepts
 * @threads:	the thread count answered, 0 if unknown
 * @uid_ok:	CALLS_UID answered the OP-TEE UID
 * @rev_ok:	CALLS_REVISION answered a compatible revision
 * @shm_ok:	GET_SHM_CONFIG answered a usable region
 * @pending:	notification keys sent and not yet waited for
 * @pending_used: a key was sent in this input
 */
struct fw {
	unsigned int nrecs;
	unsigned int fast_next[FAST_NUM];
	unsigned int std_next;
	unsigned int calls;
	unsigned int sleeps;
	bool in_call;
	bool rpc_pending;
	unsigned long rpc_a0;
	uint64_t rpc_cookie;
	struct optee_msg_arg *rpc_va;
	uint32_t rpc_size;
	unsigned long thread;
	unsigned int rpcs;
	struct optee_msg_arg *arg;
	size_t arg_size;
	struct optee_msg_arg *rpc_arg;
	bool supplied;
	uint32_t cmd;
	struct cookie cookies[MAX_COOKIES];
	unsigned int ncookies;
	uint64_t seen[MAX_SEEN];
	unsigned int nseen;
	uint64_t reg_cookie;
	uint64_t reg_buf;
	uint64_t reg_size;
	bool clean;
	struct reg regs[MAX_REGS];
	unsigned int nregs;
	bool shm_cache;
	uint32_t next_session;
	uint32_t caps;
	bool caps_ok;
	uint32_t rpc_params;
	uint32_t max_key;
	uint32_t threads;
	bool uid_ok;
	bool rev_ok;
	bool shm_ok;
	bool pending_used;
	/* From the header. */
	enum smcsim_abi_profile profile;
	bool no_thread_count;
	uint32_t hdr_threads;
	uint32_t hdr_caps;
	uint32_t hdr_rpc_params;
	uint32_t hdr_max_notif;
	/* Not cleared between inputs: parse() fills what it uses. */
	struct rec recs[MAX_RECS];
	/* Cleared only when @pending_used. */
	uint8_t pending[(MAX_NOTIF_KEY + 1) / 8];
};

static struct {
	struct smcsim_phys *phys;
	struct smcsim_irq *irq;
	uint64_t shm_base;
	uint64_t shm_size;
	uint64_t user_pa;	/* a page of DRAM the workload registers */
	bool log;	/* FUZZ_NW_DRIVER_LOG set: the driver logs */
	struct fw fw;
} g;

static void fuzz_fail(const char *why, unsigned long v)
{
	fprintf(stderr, "fuzz_nw_driver: %s (0x%lx)\n", why, v);
	abort();
}

/* ---- the input ----------------------------------------------------------- */

static void parse_sel(struct stream *s, struct rec *r)
{
	r->sel = take8(s);
	if (r->sel == 0xff)
		r->raw = take64(s);
}

static void parse(struct fw *fw, struct stream *s)
{
	unsigned int i;

	while (s->n && fw->nrecs < MAX_RECS) {
		struct rec *r = &fw->recs[fw->nrecs++];

		memset(r, 0, sizeof(*r));
		r->kind = (enum rec_kind)(take8(s) % 8);
		switch (r->kind) {
		case REC_FAST:
			r->fast = take8(s) % FAST_NUM;
			r->mask = take8(s);
			for (i = 0; i < 4; i++)
				if (r->mask & (1U << i))
					r->r[i] = take64(s);
			break;
		case REC_DONE:
			r->flags = take8(s);
			r->a0 = (r->flags & 1) ? take32(s) :
						 OPTEE_SMC_RETURN_OK;
			if (r->flags & 4)
				r->ret = take32(s);
			if (r->flags & 8) {
				r->pword = take8(s);
				r->plen = take8(s) % 33;
				if (r->plen > s->n)
					r->plen = (uint8_t)s->n;
				r->patch = s->p;
				s->p += r->plen;
				s->n -= r->plen;
			}
			break;
		case REC_ALLOC:
			r->size = take32(s);
			break;
		case REC_FREE:
			parse_sel(s, r);
			break;
		case REC_CMD:
			parse_sel(s, r);
			r->cmd = take32(s);
			r->num_params = take8(s);
			r->np = take8(s) % 5;
			for (i = 0; i < r->np; i++) {
				r->pattr[i] = take8(s);
				r->pv[i][0] = take64(s);
				r->pv[i][1] = take64(s);
				r->pv[i][2] = take64(s);
			}
			break;
		case REC_RAW:
			r->r[0] = take16(s);
			r->r[1] = take64(s);
			r->r[2] = take64(s);
			break;
		default:
			break;
		}
	}
}

/* The next record for a yielding call, or NULL: the model answers. */
static const struct rec *std_rec(struct fw *fw)
{
	while (fw->std_next < fw->nrecs) {
		const struct rec *r = &fw->recs[fw->std_next++];

		if (r->kind != REC_FAST)
			return r;
	}
	return NULL;
}

static const struct rec *fast_rec(struct fw *fw, unsigned int f)
{
	while (fw->fast_next[f] < fw->nrecs) {
		const struct rec *r = &fw->recs[fw->fast_next[f]++];

		if (r->kind == REC_FAST && r->fast == f)
			return r;
	}
	return NULL;
}

/* ---- normal-world memory as the secure world reaches it ------------------ */

static void *ns_map(uint64_t pa, uint64_t len)
{
	if (!len || !smcsim_phys_is_nonsecure(g.phys, pa, len))
		return NULL;
	return smcsim_phys_map(g.phys, SMCSIM_WORLD_SECURE, pa, len);
}

static struct reg *reg_find(struct fw *fw, uint64_t cookie)
{
	unsigned int i;

	for (i = 0; i < fw->nregs; i++)
		if (fw->regs[i].cookie == cookie)
			return &fw->regs[i];
	return NULL;
}

/* [@offs, @offs + @len) of registered shm, if it lies in one page. */
static void *reg_map(const struct reg *r, uint64_t offs, uint64_t len)
{
	uint64_t at;
	size_t page;

	if (!r || !len || offs > UINT64_MAX - r->offset - len)
		return NULL;
	at = r->offset + offs;
	page = (size_t)(at / PAGE);
	if (page >= r->npages || (at % PAGE) + len > PAGE)
		return NULL;
	return ns_map(r->pages[page] + at % PAGE, len);
}

/* REGISTER_SHM: read the page list as OP-TEE does. */
static void reg_add(struct fw *fw, uint64_t cookie, uint64_t buf_ptr,
		    uint64_t size)
{
	const size_t per_page = OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE;
	uint64_t list_pa = buf_ptr & ~(uint64_t)SMCSIM_PAGE_MASK;
	struct reg *r;
	size_t npages, i;

	if (fw->nregs == MAX_REGS)
		return;
	r = &fw->regs[fw->nregs++];
	r->cookie = cookie;
	r->offset = buf_ptr & SMCSIM_PAGE_MASK;
	r->npages = 0;
	if (!size || size > MAX_REG_PAGES * PAGE)
		return;
	npages = (size_t)((r->offset + size + PAGE - 1) / PAGE);
	if (npages > MAX_REG_PAGES)
		return;
	for (i = 0; i < npages; i++) {
		const uint64_t *list;

		if (i && !(i % per_page)) {
			list = ns_map(list_pa, PAGE);
			if (!list)
				return;
			list_pa = list[per_page];
		}
		list = (list_pa & SMCSIM_PAGE_MASK) ? NULL :
						     ns_map(list_pa, PAGE);
		if (!list || (list[i % per_page] & SMCSIM_PAGE_MASK) ||
		    !ns_map(list[i % per_page], PAGE))
			return;
		r->pages[i] = list[i % per_page];
	}
	r->npages = npages;
}

static void reg_del(struct fw *fw, uint64_t cookie)
{
	struct reg *r = reg_find(fw, cookie);

	if (r)
		*r = fw->regs[--fw->nregs];
}

static struct cookie *cookie_find(struct fw *fw, uint64_t cookie)
{
	unsigned int i;

	for (i = 0; cookie && i < fw->ncookies; i++)
		if (fw->cookies[i].cookie == cookie)
			return &fw->cookies[i];
	return NULL;
}

/* A cookie the driver handed out: fresh, for non-secure memory. */
static void cookie_add(struct fw *fw, uint64_t cookie, uint64_t pa,
		       uint64_t size, bool alloc)
{
	struct cookie *c;

	if (!cookie)
		fuzz_fail("cookie 0 handed out with memory", pa);
	if (cookie_find(fw, cookie))
		fuzz_fail("a live cookie handed out again", cookie);
	if (!ns_map(pa, size ? size : 1))
		fuzz_fail("memory handed out is not non-secure", pa);
	if (fw->nseen < MAX_SEEN)
		fw->seen[fw->nseen++] = cookie;
	if (fw->ncookies == MAX_COOKIES)
		return;	/* Not tracked: the model never names it. */
	c = &fw->cookies[fw->ncookies++];
	c->cookie = cookie;
	c->pa = pa;
	c->size = size;
	c->alloc = alloc;
}

static bool cookie_seen(const struct fw *fw, uint64_t cookie)
{
	unsigned int i;

	if (fw->nseen == MAX_SEEN)
		return true;	/* Cannot tell. */
	for (i = 0; i < fw->nseen; i++)
		if (fw->seen[i] == cookie)
			return true;
	return false;
}

static void cookie_del(struct fw *fw, uint64_t cookie)
{
	struct cookie *c = cookie_find(fw, cookie);
	unsigned int i;

	if (!c)
		return;
	i = (unsigned int)(c - fw->cookies);
	memmove(c, c + 1, (fw->ncookies - i - 1) * sizeof(*c));
	fw->ncookies--;
}

static uint64_t sel_cookie(struct fw *fw, const struct rec *r)
{
	if (r->sel == 0xff)
		return r->raw;
	if (r->sel >= 0x80 || !fw->ncookies)
		return 0;
	return fw->cookies[r->sel % fw->ncookies].cookie;
}

/* ---- messages, as a well-behaved OP-TEE does them ------------------------ */

static void *memref_map(struct fw *fw, const struct optee_msg_param *p)
{
	uint64_t type = p->attr & OPTEE_MSG_ATTR_TYPE_MASK;

	if (type >= OPTEE_MSG_ATTR_TYPE_TMEM_INPUT)
		return p->u.tmem.buf_ptr ? ns_map(p->u.tmem.buf_ptr, 1) : NULL;
	return reg_map(reg_find(fw, p->u.rmem.shm_ref), p->u.rmem.offs, 1);
}

static void do_invoke(struct fw *fw, struct optee_msg_arg *arg, uint32_t num)
{
	uint32_t i;

	for (i = 0; i < num; i++) {
		struct optee_msg_param *p = &arg->params[i];
		uint64_t type = p->attr & OPTEE_MSG_ATTR_TYPE_MASK;
		uint8_t *va;

		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			p->u.value.a += 1;
			p->u.value.b = 0x5eed;
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			/* Shared memory: touch its first byte. */
			va = memref_map(fw, p);
			if (va)
				*va ^= 0xa5;
			break;
		default:
			break;
		}
	}
	arg->ret = TEE_SUCCESS;
	arg->ret_origin = TEEC_ORIGIN_TRUSTED_APP;
}

static void do_message(struct fw *fw, struct optee_msg_arg *arg, uint32_t num)
{
	struct optee_msg_param *p = &arg->params[0];

	arg->ret = TEE_SUCCESS;
	arg->ret_origin = TEEC_ORIGIN_TEE;
	switch (arg->cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		if (num < 2) {
			arg->ret = TEE_ERROR_BAD_PARAMETERS;
			break;
		}
		arg->session = fw->next_session++;
		do_invoke(fw, arg, num);
		break;
	case OPTEE_MSG_CMD_INVOKE_COMMAND:
		do_invoke(fw, arg, num);
		/* GET_DEVICES: nothing to list. */
		if (num >= 1 && (p->attr & OPTEE_MSG_ATTR_TYPE_MASK) ==
		    OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT && !p->u.tmem.shm_ref)
			p->u.tmem.size = 0;
		break;
	case OPTEE_MSG_CMD_REGISTER_SHM:
		if (num != 1 || !(p->attr & OPTEE_MSG_ATTR_NONCONTIG)) {
			arg->ret = TEE_ERROR_BAD_PARAMETERS;
			break;
		}
		/* Registered when the answer is final (see end_call()). */
		break;
	case OPTEE_MSG_CMD_UNREGISTER_SHM:
		if (num != 1 || !reg_find(fw, p->u.rmem.shm_ref))
			arg->ret = TEE_ERROR_BAD_PARAMETERS;
		break;
	case OPTEE_MSG_CMD_CLOSE_SESSION:
	case OPTEE_MSG_CMD_CANCEL:
	case OPTEE_MSG_CMD_DO_BOTTOM_HALF:
	case OPTEE_MSG_CMD_STOP_ASYNC_NOTIF:
		break;
	default:
		arg->ret = TEE_ERROR_NOT_SUPPORTED;
		break;
	}
}

/* ---- the backend --------------------------------------------------------- */

static void set_res(struct arm_smccc_res *res, unsigned long a0,
		    unsigned long a1, unsigned long a2, unsigned long a3)
{
	res->a0 = a0;
	res->a1 = a1;
	res->a2 = a2;
	res->a3 = a3;
}

static void fast_default(struct fw *fw, unsigned long fid,
			 struct arm_smccc_res *res)
{
	struct cookie *c;
	unsigned int i;

	switch (fid) {
	case OPTEE_SMC_CALLS_UID:
		set_res(res, OPTEE_MSG_UID_0, OPTEE_MSG_UID_1, OPTEE_MSG_UID_2,
			OPTEE_MSG_UID_3);
		break;
	case OPTEE_SMC_CALL_GET_OS_REVISION:
		set_res(res, 4, 10, 0, 0);
		break;
	case OPTEE_SMC_CALLS_REVISION:
		set_res(res, OPTEE_MSG_REVISION_MAJOR, OPTEE_MSG_REVISION_MINOR,
			0, 0);
		break;
	case OPTEE_SMC_GET_THREAD_COUNT:
		if (fw->no_thread_count)
			set_res(res, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, 0, 0,
				0);
		else
			set_res(res, OPTEE_SMC_RETURN_OK, fw->hdr_threads, 0,
				0);
		break;
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		set_res(res, OPTEE_SMC_RETURN_OK, fw->hdr_caps,
			fw->hdr_max_notif, fw->hdr_rpc_params);
		break;
	case OPTEE_SMC_GET_SHM_CONFIG:
		set_res(res, OPTEE_SMC_RETURN_OK, g.shm_base, g.shm_size,
			OPTEE_SMC_SHM_CACHED);
		break;
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		/* The cached RPC arguments, one at a time. */
		set_res(res, OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
		for (i = 0; fw->shm_cache && i < fw->ncookies; i++) {
			c = &fw->cookies[i];
			if (!c->alloc)
				continue;
			set_res(res, OPTEE_SMC_RETURN_OK,
				reg_pair_hi(c->cookie), reg_pair_lo(c->cookie),
				0);
			cookie_del(fw, c->cookie);
			return;
		}
		fw->shm_cache = false;
		break;
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		fw->shm_cache = true;
		set_res(res, OPTEE_SMC_RETURN_OK, 0, 0, 0);
		break;
	case OPTEE_SMC_ENABLE_ASYNC_NOTIF:
	case OPTEE_SMC_CALL_RESERVE_SYS_THREAD:
	case OPTEE_SMC_CALL_UNRESERVE_SYS_THREAD:
		set_res(res, OPTEE_SMC_RETURN_OK, 0, 0, 0);
		break;
	case OPTEE_SMC_GET_ASYNC_NOTIF_VALUE:
		/* Nothing valid pending. */
		set_res(res, OPTEE_SMC_RETURN_OK, 0, 0, 0);
		break;
	default:
		set_res(res, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, 0, 0, 0);
		break;
	}
}

/* What probe reads from the answers, to judge its verdict. */
static void fast_note(struct fw *fw, unsigned long fid,
		      const struct arm_smccc_res *res)
{
	uint64_t begin, end;

	switch (fid) {
	case OPTEE_SMC_CALLS_UID:
		fw->uid_ok = res->a0 == OPTEE_MSG_UID_0 &&
			     res->a1 == OPTEE_MSG_UID_1 &&
			     res->a2 == OPTEE_MSG_UID_2 &&
			     res->a3 == OPTEE_MSG_UID_3;
		break;
	case OPTEE_SMC_CALLS_REVISION:
		fw->rev_ok = res->a0 == OPTEE_MSG_REVISION_MAJOR &&
			     (int32_t)res->a1 >= OPTEE_MSG_REVISION_MINOR;
		break;
	case OPTEE_SMC_GET_THREAD_COUNT:
		/* The driver takes no count of 0 or past 4096 (smc_abi.c). */
		fw->threads = res->a0 == OPTEE_SMC_RETURN_OK &&
			      res->a1 <= MODEL_MAX_THREADS ?
			      (uint32_t)res->a1 : 0;
		break;
	case OPTEE_SMC_EXCHANGE_CAPABILITIES:
		fw->caps_ok = res->a0 == OPTEE_SMC_RETURN_OK;
		fw->caps = (uint32_t)res->a1;
		fw->max_key = (fw->caps & OPTEE_SMC_SEC_CAP_ASYNC_NOTIF) ?
			      (uint32_t)res->a2 : 255;
		if (fw->max_key > MAX_NOTIF_KEY)
			fw->max_key = MAX_NOTIF_KEY;
		fw->rpc_params = (fw->caps & OPTEE_SMC_SEC_CAP_RPC_ARG) ?
				 (uint8_t)res->a3 : 0;
		break;
	case OPTEE_SMC_GET_SHM_CONFIG:
		begin = ((uint64_t)res->a1 + SMCSIM_PAGE_MASK) &
			~(uint64_t)SMCSIM_PAGE_MASK;
		end = ((uint64_t)res->a1 + res->a2) &
		      ~(uint64_t)SMCSIM_PAGE_MASK;
		fw->shm_ok = res->a0 == OPTEE_SMC_RETURN_OK &&
			     res->a3 == OPTEE_SMC_SHM_CACHED &&
			     (uint64_t)res->a1 + res->a2 >= (uint64_t)res->a1 &&
			     end > begin && end - begin >= 2 * PAGE;
		break;
	case OPTEE_SMC_ENABLE_SHM_CACHE:
		if (res->a0 == OPTEE_SMC_RETURN_OK)
			fw->shm_cache = true;
		break;
	case OPTEE_SMC_GET_ASYNC_NOTIF_VALUE:
		/* The top half sends a valid value to its key. */
		if (res->a0 == OPTEE_SMC_RETURN_OK &&
		    (res->a2 & OPTEE_SMC_ASYNC_NOTIF_VALID) &&
		    res->a1 != OPTEE_SMC_ASYNC_NOTIF_VALUE_DO_BOTTOM_HALF &&
		    res->a1 <= fw->max_key) {
			fw->pending[res->a1 / 8] |= 1U << (res->a1 % 8);
			fw->pending_used = true;
		}
		break;
	case OPTEE_SMC_DISABLE_SHM_CACHE:
		/* Given back: the model no longer names it. */
		if (res->a0 == OPTEE_SMC_RETURN_OK)
			cookie_del(fw, reg_pair_to_64(res->a1, res->a2));
		break;
	default:
		break;
	}
}

static void fast_call(struct fw *fw, unsigned long fid,
		      struct arm_smccc_res *res)
{
	const struct rec *r = NULL;
	unsigned int f, i;

	for (f = 0; f < FAST_NUM; f++)
		if (fast_fids[f] == fid)
			break;
	fast_default(fw, fid, res);
	if (f < FAST_NUM && fw->calls <= MAX_CALLS)
		r = fast_rec(fw, f);
	if (r) {
		unsigned long *reg[4] = { &res->a0, &res->a1, &res->a2,
					  &res->a3 };

		for (i = 0; i < 4; i++)
			if (r->mask & (1U << i))
				*reg[i] = (unsigned long)r->r[i];
		/* The driver sleeps 1 ms after each EBUSY of these. */
		if (res->a0 == OPTEE_SMC_RETURN_EBUSY &&
		    (fid == OPTEE_SMC_DISABLE_SHM_CACHE ||
		     fid == OPTEE_SMC_ENABLE_SHM_CACHE) &&
		    fw->sleeps++ >= MAX_SLEEPS)
			res->a0 = OPTEE_SMC_RETURN_ENOTAVAIL;
	}
	fast_note(fw, fid, res);
}

/* Locate the call's argument (and RPC argument) as OP-TEE does. */
static void call_begin(struct fw *fw, unsigned long a0, unsigned long a1,
		       unsigned long a2, unsigned long a3)
{
	const size_t hdr = sizeof(struct optee_msg_arg);
	size_t rpc_size = OPTEE_MSG_GET_ARG_SIZE(fw->rpc_params);
	uint64_t pa = reg_pair_to_64(a1, a2);
	struct optee_msg_arg *arg;
	struct reg *r = NULL;
	uint32_t num;

	fw->in_call = true;
	fw->clean = true;
	fw->rpcs = 0;
	fw->thread = fw->calls % 8;
	fw->arg = NULL;
	fw->rpc_arg = NULL;
	fw->supplied = a0 != OPTEE_SMC_CALL_WITH_ARG;
	if (a0 == OPTEE_SMC_CALL_WITH_REGD_ARG ||
	    a0 == OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG) {
		r = reg_find(fw, pa);
		if (!r)
			fuzz_fail("REGD names shm never registered", pa);
		arg = reg_map(r, a3, hdr);
	} else {
		if (pa & 7)
			fuzz_fail("argument not 8-byte aligned", pa);
		arg = ns_map(pa, hdr);
		if (!arg)
			fuzz_fail("argument not in non-secure memory", pa);
	}
	if (!arg)
		return;
	num = arg->num_params;
	if (num > OPTEE_MSG_MAX_NUM_PARAMS)
		fuzz_fail("argument with absurd num_params", num);
	fw->arg_size = OPTEE_MSG_GET_ARG_SIZE(num);
	fw->arg = r ? reg_map(r, a3, fw->arg_size) : ns_map(pa, fw->arg_size);
	if (!fw->arg)
		fuzz_fail("argument params not in the shm", num);
	fw->cmd = arg->cmd;
	if (num >= 1) {
		/* tmem.shm_ref and rmem.shm_ref are the same word. */
		fw->reg_cookie = fw->arg->params[0].u.tmem.shm_ref;
		fw->reg_buf = fw->arg->params[0].u.tmem.buf_ptr;
		fw->reg_size = fw->arg->params[0].u.tmem.size;
	}
	if (a0 == OPTEE_SMC_CALL_WITH_ARG)
		return;
	if (!fw->rpc_params)
		fuzz_fail("RPC argument without the capability", a0);
	if (r) {
		/* Unreadable across a page: CMDs with cookie 0 miss. */
		fw->rpc_arg = reg_map(r, a3 + fw->arg_size, rpc_size);
		return;
	}
	fw->rpc_arg = ns_map(pa + fw->arg_size, rpc_size);
	if (!fw->rpc_arg)
		fuzz_fail("RPC argument not in non-secure memory", pa);
}

static void end_call(struct fw *fw, unsigned long a0, bool process,
		     struct arm_smccc_res *res)
{
	struct optee_msg_arg *arg = fw->arg;
	uint32_t num = arg ? (uint32_t)((fw->arg_size - sizeof(*arg)) /
					 sizeof(arg->params[0])) : 0;

	fw->in_call = false;
	fw->rpc_pending = false;
	/* Nothing else is in flight to wake a caller told to wait. */
	if (a0 == OPTEE_SMC_RETURN_ETHREAD_LIMIT ||
	    optee_smc_return_is_rpc(a0))
		a0 = OPTEE_SMC_RETURN_EBUSY;
	if (arg && process && a0 == OPTEE_SMC_RETURN_OK)
		do_message(fw, arg, num);
	set_res(res, a0, 0, 0, 0);
}

/* After the answer was final: what the secure world now holds. */
static void end_note(struct fw *fw, unsigned long a0)
{
	struct optee_msg_arg *arg = fw->arg;

	if (!arg || a0 != OPTEE_SMC_RETURN_OK || arg->ret != TEE_SUCCESS ||
	    fw->arg_size < OPTEE_MSG_GET_ARG_SIZE(1))
		return;
	if (fw->cmd == OPTEE_MSG_CMD_REGISTER_SHM &&
	    !reg_find(fw, fw->reg_cookie))
		reg_add(fw, fw->reg_cookie, fw->reg_buf, fw->reg_size);
	else if (fw->cmd == OPTEE_MSG_CMD_UNREGISTER_SHM)
		reg_del(fw, fw->reg_cookie);
}

/* Where an RPC CMD's argument goes: the supplied one or a cookie's. */
static struct optee_msg_arg *rpc_cmd_arg(struct fw *fw, uint64_t cookie,
					 size_t *size)
{
	struct cookie *c;

	/* With an RPC argument supplied the driver ignores the cookie. */
	if (!cookie || fw->supplied) {
		*size = OPTEE_MSG_GET_ARG_SIZE(fw->rpc_params);
		return fw->rpc_arg;
	}
	c = cookie_find(fw, cookie);
	if (!c || c->size < sizeof(struct optee_msg_arg))
		return NULL;
	*size = (size_t)c->size;
	return ns_map(c->pa, c->size);
}

static bool key_pending(const struct fw *fw, uint64_t key)
{
	return key <= fw->max_key && (fw->pending[key / 8] & (1U << (key % 8)));
}

static void rpc_cmd_write(struct fw *fw, const struct rec *r,
			  struct optee_msg_arg *arg, size_t size)
{
	size_t room = (size - sizeof(*arg)) / sizeof(arg->params[0]);
	unsigned int i;

	memset(arg, 0, size);
	arg->cmd = r->cmd;
	arg->num_params = r->num_params;
	arg->ret = 0xdeadbeef;
	for (i = 0; i < r->np && i < room; i++) {
		struct optee_msg_param *p = &arg->params[i];
		struct cookie *c;

		p->attr = r->pattr[i] & 0x7f;
		p->u.value.a = r->pv[i][0];
		p->u.value.b = r->pv[i][1];
		p->u.value.c = r->pv[i][2];
		if (!(r->pattr[i] & 0x80) || !fw->ncookies)
			continue;
		c = &fw->cookies[r->pv[i][0] % 16 % fw->ncookies];
		p->attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT + (r->pattr[i] & 3) %
			  3;
		p->u.tmem.buf_ptr = c->pa + r->pv[i][1];
		p->u.tmem.size = r->pv[i][2];
		p->u.tmem.shm_ref = c->cookie;
	}
	/* Never park the driver: no sleeping, no wait for a key not sent. */
	if (arg->cmd == OPTEE_RPC_CMD_SUSPEND && room)
		arg->params[0].u.value.a = 0;
	if (arg->cmd == OPTEE_RPC_CMD_NOTIFICATION && room &&
	    arg->params[0].u.value.a == OPTEE_RPC_NOTIFICATION_WAIT &&
	    !key_pending(fw, arg->params[0].u.value.b))
		arg->params[0].u.value.b = UINT64_MAX;
	if (g.log)
		fprintf(stderr, "fuzz_nw_driver: CMD %u num %u room %zu: 0x%llx"
			" 0x%llx 0x%llx 0x%llx\n", arg->cmd, arg->num_params,
			room, (unsigned long long)arg->params[0].attr,
			(unsigned long long)arg->params[0].u.value.a,
			(unsigned long long)arg->params[0].u.value.b,
			(unsigned long long)arg->params[0].u.value.c);
}

/* The driver's answer to an RPC CMD, read back. */
static void rpc_cmd_check(struct fw *fw)
{
	struct optee_msg_arg *arg = fw->rpc_va;
	struct optee_msg_param *p;
	uint64_t key;

	if (!arg || arg->num_params < 1 || arg->ret != TEE_SUCCESS)
		return;
	p = &arg->params[0];
	switch (arg->cmd) {
	case OPTEE_RPC_CMD_SHM_ALLOC:
		if (p->attr != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT)
			fuzz_fail("SHM_ALLOC answer not a tmem", p->attr);
		cookie_add(fw, p->u.tmem.shm_ref, p->u.tmem.buf_ptr,
			   p->u.tmem.size, false);
		break;
	case OPTEE_RPC_CMD_SHM_FREE:
		if (!cookie_seen(fw, p->u.value.b))
			fuzz_fail("SHM_FREE of a cookie never handed out",
				  p->u.value.b);
		cookie_del(fw, p->u.value.b);
		break;
	case OPTEE_RPC_CMD_NOTIFICATION:
		key = p->u.value.b;
		if (key > fw->max_key)
			fuzz_fail("notification key above max accepted", key);
		if (p->u.value.a == OPTEE_RPC_NOTIFICATION_SEND) {
			fw->pending[key / 8] |= 1U << (key % 8);
			fw->pending_used = true;
		}
		else
			fw->pending[key / 8] &= ~(1U << (key % 8));
		break;
	default:
		break;
	}
}

/* The next answer of a yielding call: an RPC from the input, or its end. */
static void std_answer(struct fw *fw, struct arm_smccc_res *res)
{
	const struct rec *r = NULL;
	struct optee_msg_arg *arg;
	uint64_t cookie;
	size_t size;

	if (fw->calls <= MAX_CALLS)
		r = std_rec(fw);
	if (r && r->kind != REC_DONE && r->kind != REC_END &&
	    fw->rpcs++ >= MAX_RPCS) {
		end_call(fw, OPTEE_SMC_RETURN_EBADCMD, false, res);
		return;
	}
	if (!r) {
		end_call(fw, OPTEE_SMC_RETURN_OK, true, res);
		end_note(fw, res->a0);
		return;
	}
	fw->clean = false;
	fw->rpc_pending = true;
	fw->rpc_va = NULL;
	switch (r->kind) {
	case REC_DONE:
		end_call(fw, r->a0, !(r->flags & 2), res);
		if (fw->arg && (r->flags & 4))
			fw->arg->ret = r->ret;
		if (fw->arg && (r->flags & 8) && r->plen &&
		    (size_t)r->pword * 8 + r->plen <= fw->arg_size)
			memcpy((uint8_t *)fw->arg + r->pword * 8, r->patch,
			       r->plen);
		end_note(fw, res->a0);
		return;
	case REC_END:
		end_call(fw, OPTEE_SMC_RETURN_OK, true, res);
		end_note(fw, res->a0);
		return;
	case REC_ALLOC:
		fw->rpc_size = r->size;
		set_res(res, OPTEE_SMC_RETURN_RPC_ALLOC, r->size, 0,
			fw->thread);
		break;
	case REC_FREE:
		cookie = sel_cookie(fw, r);
		set_res(res, OPTEE_SMC_RETURN_RPC_FREE, reg_pair_hi(cookie),
			reg_pair_lo(cookie), fw->thread);
		break;
	case REC_CMD:
		cookie = sel_cookie(fw, r);
		arg = rpc_cmd_arg(fw, cookie, &size);
		/*
		 * An argument the driver has but the model cannot write
		 * (given back by DISABLE_SHM_CACHE at probe, past the
		 * model's lists, unreadable) holds stale memory, which may
		 * say "wait forever": no CMD then.
		 */
		if (!arg && (cookie && !fw->supplied ?
			     cookie_seen(fw, cookie) : fw->supplied)) {
			set_res(res, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR, 0, 0,
				fw->thread);
			break;
		}
		if (arg && size >= sizeof(*arg)) {
			rpc_cmd_write(fw, r, arg, size);
			fw->rpc_va = arg;
		}
		set_res(res, OPTEE_SMC_RETURN_RPC_CMD, reg_pair_hi(cookie),
			reg_pair_lo(cookie), fw->thread);
		break;
	case REC_INTR:
		set_res(res, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR, 0, 0,
			fw->thread);
		break;
	default:
		set_res(res, OPTEE_SMC_RETURN_RPC_PREFIX | (r->r[0] & 0xffff),
			(unsigned long)r->r[1], (unsigned long)r->r[2],
			fw->thread);
		/* 0xffffffff is UNKNOWN_FUNCTION, not an RPC: the call ends. */
		if (!optee_smc_return_is_rpc(res->a0)) {
			end_call(fw, res->a0, false, res);
			return;
		}
		break;
	}
	fw->rpc_a0 = res->a0;
	/* The driver reads the size from a1 whatever record asked. */
	if (res->a0 == OPTEE_SMC_RETURN_RPC_ALLOC)
		fw->rpc_size = (uint32_t)res->a1;
}

static void rpc_return(struct fw *fw, unsigned long a1, unsigned long a2,
		       unsigned long a3, unsigned long a4, unsigned long a5)
{
	uint64_t pa = reg_pair_to_64(a1, a2), cookie = reg_pair_to_64(a4, a5);
	struct cookie *c;

	if (!fw->in_call || !fw->rpc_pending)
		fuzz_fail("RETURN_FROM_RPC with no RPC pending", a3);
	if (a3 != fw->thread)
		fuzz_fail("RETURN_FROM_RPC names another thread", a3);
	fw->rpc_pending = false;
	switch (fw->rpc_a0) {
	case OPTEE_SMC_RETURN_RPC_ALLOC:
		if (!pa && !cookie)
			break;
		if (!pa || (pa & 7))
			fuzz_fail("ALLOC answered a bad address", pa);
		/*
		 * The driver's buffers are whole pages and it reads an RPC
		 * argument up to the end of its buffer, past what was asked:
		 * the model writes (and zeroes) all of it, so nothing stale
		 * from an earlier input is read as a command.
		 */
		cookie_add(fw, cookie, pa,
			   ((uint64_t)fw->rpc_size + PAGE - 1) & ~(PAGE - 1),
			   true);
		break;
	case OPTEE_SMC_RETURN_RPC_FREE:
		c = cookie_find(fw, pa);
		if (c)
			cookie_del(fw, pa);
		break;
	case OPTEE_SMC_RETURN_RPC_CMD:
		rpc_cmd_check(fw);
		break;
	default:
		break;
	}
}

static void fw_invoke(void *ctx, unsigned long a0, unsigned long a1,
		      unsigned long a2, unsigned long a3, unsigned long a4,
		      unsigned long a5, unsigned long a6, unsigned long a7,
		      struct arm_smccc_res *res)
{
	struct fw *fw = ctx;
	uint32_t fid = (uint32_t)a0 & ~(uint32_t)ARM_SMCCC_SVE_HINT;

	(void)a6;
	(void)a7;
	fw->calls++;
	switch (fid) {
	case OPTEE_SMC_CALL_WITH_ARG:
	case OPTEE_SMC_CALL_WITH_RPC_ARG:
	case OPTEE_SMC_CALL_WITH_REGD_ARG:
	case OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG:
		if (fw->in_call)
			fuzz_fail("a second call while one is in flight", fid);
		call_begin(fw, fid, a1, a2, a3);
		std_answer(fw, res);
		break;
	case OPTEE_SMC_CALL_RETURN_FROM_RPC:
		rpc_return(fw, a1, a2, a3, a4, a5);
		std_answer(fw, res);
		break;
	default:
		fast_call(fw, fid, res);
		break;
	}
	if (g.log)
		fprintf(stderr, "fuzz_nw_driver: 0x%x 0x%lx 0x%lx 0x%lx ->"
			" 0x%lx 0x%lx 0x%lx 0x%lx (cmd %u)\n", fid, a1, a2, a3,
			res->a0, res->a1, res->a2, res->a3,
			fw->arg ? fw->cmd : 0xffffffffU);
}

/* ---- the workload -------------------------------------------------------- */

/*
 * Raise the notification line, if the driver attached it, and wait until
 * both halves ran: the top half's GET_ASYNC_NOTIF_VALUE calls (FAST
 * records) and the bottom half's DO_BOTTOM_HALF call come in order with the
 * workload's, though from the line's threads.
 */
static void raise_notif(void)
{
	struct smcsim_irq_stats st;
	uint64_t before;
	unsigned int i;

	smcsim_irq_get_stats(g.irq, &st);
	if (!st.attached)
		return;
	before = st.handled;
	smcsim_irq_raise(g.irq);
	/* A moment for the line's thread to run: at most some seconds. */
	for (i = 0; i < 5000; i++) {
		smcsim_irq_get_stats(g.irq, &st);
		if (st.handled != before)
			break;
		rt_sleep_ms(i < 100 ? 0 : 1);
	}
	if (st.handled == before)
		fuzz_fail("notification interrupt never handled", 0);
	/* Waits for the top half and for a bottom half it asked for. */
	smcsim_irq_disable(g.irq);
	smcsim_irq_enable(g.irq);
}

static const uint8_t ta_uuid[16] = {
	0x5b, 0x9e, 0x0e, 0x40, 0x2b, 0x36, 0x4d, 0x08,
	0x93, 0x7f, 0x11, 0x25, 0x7a, 0x32, 0x55, 0x01,
};

static void workload(struct optee *optee, bool own_buf)
{
	struct tee_ioctl_open_session_arg sess = {
		.clnt_login = TEE_IOCTL_LOGIN_REE_KERNEL,
		.num_params = 1,
	};
	struct tee_ioctl_invoke_arg inv = { .func = 1, .num_params = 4 };
	struct tee_param sp[1] = {
		{ .attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
		  .u.value = { .a = 7 } },
	};
	struct tee_param ip[4];
	struct tee_shm *shm = NULL, *reg = NULL;
	struct tee_context *ctx;
	void *user;

	if (tee_client_open_context(optee_client_teedev(optee), &ctx))
		return;
	memcpy(sess.uuid, ta_uuid, sizeof(sess.uuid));
	if (tee_shm_alloc_kernel_buf(ctx, 2 * PAGE, &shm))
		shm = NULL;
	if (own_buf) {
		user = smcsim_phys_map(g.phys, SMCSIM_WORLD_NORMAL, g.user_pa,
				       2 * PAGE);
		if (tee_shm_register_kernel_buf(ctx, (uint8_t *)user + 100,
						PAGE, &reg))
			reg = NULL;
	}
	if (tee_client_open_session(ctx, &sess, sp) || sess.ret)
		goto out;

	inv.session = sess.session;
	memset(ip, 0, sizeof(ip));
	ip[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT;
	ip[0].u.value.a = 41;
	ip[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT;
	if (shm) {
		ip[2].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT;
		ip[2].u.memref.shm = shm;
		ip[2].u.memref.shm_offs = 16;
		ip[2].u.memref.size = 100;
	}
	if (reg) {
		ip[3].attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
		ip[3].u.memref.shm = reg;
		ip[3].u.memref.size = 64;
	}
	if (!tee_client_invoke_func(ctx, &inv, ip) && g.fw.clean &&
	    (inv.ret != TEE_SUCCESS || ip[0].u.value.a != 42 ||
	     ip[1].u.value.b != 0x5eed || (shm && ip[2].u.memref.size != 100)))
		fuzz_fail("invoke outputs not what the secure world wrote",
			  inv.ret);
	raise_notif();
	tee_client_close_session(ctx, sess.session);
out:
	if (reg)
		tee_shm_free(reg);
	if (shm)
		tee_shm_free(shm);
	tee_client_close_context(ctx);
}

/* ---- one input ----------------------------------------------------------- */

static void fuzz_init(void)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_phys_region shm;

	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &g.phys) ||
	    smcsim_phys_region_get(g.phys, SMCSIM_MEM_NS_SHM, &shm) ||
	    smcsim_phys_alloc_pages(g.phys, 2, &g.user_pa) ||
	    smcsim_irq_create("fuzz notif", &g.irq))
		fuzz_fail("set-up", 0);
	g.log = getenv("FUZZ_NW_DRIVER_LOG") != NULL;
	g.shm_base = shm.base;
	g.shm_size = shm.size;
}

static void check_info(const struct fw *fw, struct optee *optee)
{
	struct optee_info info;

	optee_get_info(optee, &info);
	if (info.sec_caps != fw->caps)
		fuzz_fail("sec_caps not as answered", info.sec_caps);
	if (info.thread_count != fw->threads)
		fuzz_fail("thread count not as answered", info.thread_count);
	if (info.rpc_param_count != fw->rpc_params)
		fuzz_fail("RPC param count not as answered",
			  info.rpc_param_count);
	if (info.dynamic_shm != !!(fw->caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM))
		fuzz_fail("dynamic shm not as answered", fw->caps);
}

/* Between calls: every secure thread free again, nobody waiting. */
static void check_idle(struct optee *optee)
{
	struct optee_notif_info ni;
	struct optee_cq_info cq;

	optee_get_cq_info(optee, &cq);
	if (cq.free_thread_count != cq.total_thread_count || cq.waiters)
		fuzz_fail("call queue not idle between calls",
			  (unsigned long)cq.free_thread_count);
	optee_get_notif_info(optee, &ni);
	if (ni.waiters)
		fuzz_fail("notification waiter left", ni.waiters);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw *fw = &g.fw;
	struct optee_probe_cfg cfg;
	struct smcsim_irq_stats st;
	struct tee_class cls;
	struct optee *optee;
	struct stream s;
	size_t pages;
	int rc;

	if (size < HDR_SIZE)
		return 0;
	if (!g.phys)
		fuzz_init();

	if (fw->pending_used)
		memset(fw->pending, 0, sizeof(fw->pending));
	memset(fw, 0, offsetof(struct fw, recs));
	fw->profile = (data[0] & 1) ? SMCSIM_ABI_PROPOSAL : SMCSIM_ABI_UPSTREAM;
	fw->no_thread_count = data[0] & 4;
	fw->hdr_threads = (data[0] >> 4) & 7;
	fw->hdr_caps = data[1] | (uint32_t)data[2] << 8;
	fw->hdr_rpc_params = data[3] & 15;
	fw->hdr_max_notif = 16U * (data[3] >> 4) + 1;
	fw->next_session = 1;
	fw->max_key = 255;
	s.p = data + HDR_SIZE;
	s.n = size - HDR_SIZE;
	parse(fw, &s);

	tee_class_init(&cls);
	memset(&cfg, 0, sizeof(cfg));
	cfg.invoke.fn = fw_invoke;
	cfg.invoke.ctx = fw;
	cfg.phys = g.phys;
	cfg.profile = fw->profile;
	cfg.uniprocessor = data[0] & 2;
	cfg.cls = &cls;
	cfg.notif_irq = (data[0] & 0x80) ? g.irq : NULL;
	cfg.log = g.log;
	pages = smcsim_phys_dram_pages_used(g.phys);

	rc = optee_probe(&cfg, &optee);
	if (g.log)
		fprintf(stderr, "fuzz_nw_driver: probe %d, %u calls\n", rc,
			fw->calls);
	if (!rc) {
		/* What it must have refused. */
		if (!fw->uid_ok || !fw->rev_ok || !fw->caps_ok)
			fuzz_fail("probe accepted a bad UID/revision/caps", 0);
		if (!(fw->caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM) && !fw->shm_ok)
			fuzz_fail("probe accepted a bad shm config", 0);
		check_info(fw, optee);
		check_idle(optee);
		workload(optee, data[0] & 8);
		check_idle(optee);
		optee_remove(optee);
		if (g.log)
			fprintf(stderr, "fuzz_nw_driver: %u calls\n",
				fw->calls);
	}
	if (fw->in_call)
		fuzz_fail("a yielding call was left unfinished", 0);
	if (tee_class_devices_in_use(&cls))
		fuzz_fail("device numbers left", 0);
	tee_class_fini(&cls);
	smcsim_irq_get_stats(g.irq, &st);
	if (st.attached)
		fuzz_fail("interrupt line left attached", 0);
	if (smcsim_phys_dram_pages_used(g.phys) != pages)
		fuzz_fail("DRAM pages leaked",
			  smcsim_phys_dram_pages_used(g.phys) - pages);
	if (smcsim_phys_ns_denied_pages(g.phys))
		fuzz_fail("non-secure pages left denied", 0);
	return 0;
}
