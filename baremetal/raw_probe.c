/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw SMCs to the firmware, every answer printed: x0..x7 in, x0..x7 out.
 * This is how docs/abi.md section 13 was learnt ("raw" mode of the
 * image). It goes below the invoke hook on purpose, to see x4..x7 too.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/abi_names.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_pta.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "bm.h"

static void show(const char *what, const unsigned long in[8],
		 const unsigned long out[8])
{
	char b1[48], b2[48];

	printf("| %s | %s | %#lx %#lx %#lx %#lx %#lx %#lx %#lx | "
	       "%#lx %#lx %#lx %#lx | %#lx %#lx %#lx %#lx | %s |\n",
	       what, smcsim_smc_name(in[0], b1, sizeof(b1)), in[1], in[2],
	       in[3], in[4], in[5], in[6], in[7],
	       out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7],
	       smcsim_smc_ret_name(out[0], b2, sizeof(b2)));
}

static void call(const char *what, unsigned long a0, unsigned long a1,
		 unsigned long a2, unsigned long a3)
{
	/* x4..x7 carry markers to see whether they come back as passed. */
	unsigned long in[8] = { a0, a1, a2, a3, 0x4444, 0x5555, 0x6666,
				0x7777 };
	unsigned long out[8];
	int n;

	bm_smc(in, out);
	show(what, in, out);
	/* A yielding call suspended in an RPC: resume it, at most 8 times,
	 * refusing an ALLOC (a1 = a2 = 0) and answering nothing else. */
	for (n = 0; n < 8 && (out[0] & 0xffff0000UL) == 0xffff0000UL &&
		    (out[0] & 0xffffffffUL) != 0xffffffffUL; n++) {
		unsigned long rin[8] = { 0x32000003, 0, 0, out[3], 0x4444,
					 0x5555, 0x6666, 0x7777 };

		if ((out[0] & 0xffff) == 2 || (out[0] & 0xffff) == 5 ||
		    (out[0] & 0xffff) == 4) {
			rin[1] = out[1];
			rin[2] = out[2];
		}
		bm_smc(rin, out);
		show("  resume", rin, out);
	}
}

static void arg_at(uintptr_t pa, uint32_t cmd, uint32_t num_params)
{
	struct optee_msg_arg *arg = (void *)pa;

	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(num_params > 127 ? 127 : num_params));
	arg->cmd = cmd;
	arg->num_params = num_params;
}

static void arg_show(uintptr_t pa)
{
	const struct optee_msg_arg *arg = (const void *)pa;

	printf("|   arg at %#lx after | cmd %u session %u ret %#x "
	       "ret_origin %u num_params %u |\n", (unsigned long)pa,
	       arg->cmd, arg->session, arg->ret, arg->ret_origin,
	       arg->num_params);
}

/* ---- a yielding call with its RPCs answered as a bare supplicant would ---- */

static struct smcsim_phys *rpc_phys;

static uint64_t page_alloc(size_t size)
{
	size_t n = (size + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE;
	uint64_t pa = 0;

	if (smcsim_phys_alloc_pages(rpc_phys, n ? n : 1, &pa))
		return 0;
	memset((void *)(uintptr_t)pa, 0, n * SMCSIM_PAGE_SIZE);
	return pa;
}

static void show_param(unsigned int i, const struct optee_msg_param *p)
{
	unsigned int type = (unsigned int)(p->attr & OPTEE_MSG_ATTR_TYPE_MASK);

	if (type >= OPTEE_MSG_ATTR_TYPE_TMEM_INPUT &&
	    type <= OPTEE_MSG_ATTR_TYPE_TMEM_INOUT) {
		const char *b = (const char *)(uintptr_t)p->u.tmem.buf_ptr;

		printf("|     param %u | tmem attr %#llx buf %#llx size %llu ref %#llx",
		       i, (unsigned long long)p->attr,
		       (unsigned long long)p->u.tmem.buf_ptr,
		       (unsigned long long)p->u.tmem.size,
		       (unsigned long long)p->u.tmem.shm_ref);
		if (b && type != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT &&
		    p->u.tmem.size && b[0] >= 0x20 && b[0] < 0x7f)
			printf(" \"%.*s\"", (int)(p->u.tmem.size < 64 ?
						 p->u.tmem.size : 64), b);
		printf(" |\n");
	} else if (type >= OPTEE_MSG_ATTR_TYPE_RMEM_INPUT &&
		   type <= OPTEE_MSG_ATTR_TYPE_RMEM_INOUT) {
		/* This image's shm_ref is the physical address. */
		const char *b = (const char *)(uintptr_t)(p->u.rmem.shm_ref +
							  p->u.rmem.offs);

		printf("|     param %u | rmem attr %#llx offs %#llx size %llu ref %#llx",
		       i, (unsigned long long)p->attr,
		       (unsigned long long)p->u.rmem.offs,
		       (unsigned long long)p->u.rmem.size,
		       (unsigned long long)p->u.rmem.shm_ref);
		if (type != OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT && p->u.rmem.size &&
		    b[0] >= 0x20 && b[0] < 0x7f)
			printf(" \"%.*s\"", (int)(p->u.rmem.size < 64 ?
						 p->u.rmem.size : 64), b);
		printf(" |\n");
	} else {
		printf("|     param %u | attr %#llx value %#llx %#llx %#llx |\n", i,
		       (unsigned long long)p->attr,
		       (unsigned long long)p->u.value.a,
		       (unsigned long long)p->u.value.b,
		       (unsigned long long)p->u.value.c);
	}
}

/* Answer one RPC CMD in @arg: storage is empty, no TA can be loaded. */
static void rpc_cmd(struct optee_msg_arg *arg)
{
	const char *name = smcsim_rpc_cmd_name(arg->cmd);
	struct optee_msg_param *p = arg->params;
	unsigned int i;

	printf("|   RPC CMD | %s (%u), %u params |\n", name ? name : "?",
	       arg->cmd, arg->num_params);
	for (i = 0; i < arg->num_params && i < 4; i++)
		show_param(i, &p[i]);
	switch (arg->cmd) {
	case OPTEE_RPC_CMD_SHM_ALLOC: {
		uint64_t pa = page_alloc((size_t)p[0].u.value.b);

		if (!pa) {
			arg->ret = TEE_ERROR_OUT_OF_MEMORY;
			break;
		}
		p[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
		p[0].u.tmem.size = p[0].u.value.b;
		p[0].u.tmem.buf_ptr = pa;
		p[0].u.tmem.shm_ref = pa;
		arg->ret = TEE_SUCCESS;
		break;
	}
	case OPTEE_RPC_CMD_SHM_FREE:
		arg->ret = TEE_SUCCESS;
		break;
	case OPTEE_RPC_CMD_NOTIFICATION:
		/* One normal-world thread: a wait whose send has not come
		 * would never end; answer as a timed-out wait. */
		arg->ret = p[0].u.value.a == OPTEE_RPC_NOTIFICATION_SEND ?
			   TEE_SUCCESS : TEE_ERROR_TIMEOUT;
		break;
	case OPTEE_RPC_CMD_FS:
	case OPTEE_RPC_CMD_LOAD_TA:
		arg->ret = TEE_ERROR_ITEM_NOT_FOUND;
		break;
	default:
		arg->ret = TEE_ERROR_NOT_SUPPORTED;
		break;
	}
	printf("|   answered | ret %#x |\n", arg->ret);
}

/* One yielding call in flight: its registers, driven RPC by RPC. */
struct raw_call {
	const char *what;
	unsigned long in[8];
	unsigned long out[8];
	uint64_t arg_pa;
};

static bool raw_call_done(const struct raw_call *rc)
{
	return (rc->out[0] & 0xffff0000UL) != 0xffff0000UL ||
	       (rc->out[0] & 0xffffffffUL) == 0xffffffffUL;
}

/* Answer the RPC in rc->out into rc->in. */
static void raw_answer(struct raw_call *rc)
{
	unsigned long *out = rc->out, *in = rc->in;
	uint64_t pa;

	memset(in, 0, sizeof(rc->in));
	in[0] = 0x32000003;
	in[3] = out[3];
	switch (out[0] & 0xffff) {
	case 0:	/* ALLOC a1 bytes: a1:a2 = pa, a4:a5 = cookie */
		pa = page_alloc(out[1]);
		printf("|   RPC ALLOC | %lu bytes, thread %lu -> %#llx |\n",
		       out[1], out[3], (unsigned long long)pa);
		in[1] = pa >> 32;
		in[2] = pa & 0xffffffffUL;
		in[4] = pa >> 32;
		in[5] = pa & 0xffffffffUL;
		break;
	case 2:
		printf("|   RPC FREE | cookie %#lx:%#lx, thread %lu |\n", out[1],
		       out[2], out[3]);
		break;
	case 4:
		printf("|   RPC FOREIGN_INTR | thread %lu |\n", out[3]);
		break;
	case 5:
		printf("|   (thread %lu) | |\n", out[3]);
		rpc_cmd((void *)(uintptr_t)((out[1] << 32) | out[2]));
		break;
	default:
		printf("|   RPC %#lx | |\n", out[0]);
		break;
	}
}

/* Start @rc (CALL_WITH_ARG at @arg_pa); Return: its first answer in out. */
static void raw_start(struct raw_call *rc, const char *what, uint64_t arg_pa)
{
	memset(rc, 0, sizeof(*rc));
	rc->what = what;
	rc->arg_pa = arg_pa;
	rc->in[0] = 0x32000004;
	rc->in[1] = arg_pa >> 32;
	rc->in[2] = arg_pa & 0xffffffffUL;
	printf("| %s | CALL_WITH_ARG %#llx |\n", what,
	       (unsigned long long)arg_pa);
	bm_smc(rc->in, rc->out);
}

/* Drive @rc for at most @steps RPCs (0: to the end). */
static void raw_drive(struct raw_call *rc, int steps)
{
	const struct optee_msg_arg *arg = (const void *)(uintptr_t)rc->arg_pa;
	int n;

	for (n = 0; (!steps || n < steps) && n < 200 && !raw_call_done(rc); n++) {
		raw_answer(rc);
		bm_smc(rc->in, rc->out);
	}
	if (raw_call_done(rc))
		printf("| %s: done | a0 %#lx; arg ret %#x origin %u session %u |\n",
		       rc->what, rc->out[0], arg->ret, arg->ret_origin,
		       arg->session);
	else
		printf("| %s: held | a0 %#lx a3 (thread) %lu after %d RPCs |\n",
		       rc->what, rc->out[0], rc->out[3], n);
}

static void yielding_with_rpcs(const char *what, uint64_t arg_pa)
{
	struct raw_call rc;

	raw_start(&rc, what, arg_pa);
	raw_drive(&rc, 0);
}

static void open_session_arg(uint64_t pa, const uint8_t uuid[16],
			     uint32_t login)
{
	struct optee_msg_arg *arg = (void *)(uintptr_t)pa;

	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(2));
	arg->cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	arg->num_params = 2;
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	memcpy(&arg->params[0].u.value, uuid, 16);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	arg->params[1].u.value.c = login;
}

void bm_raw_rpc(struct smcsim_phys *phys)
{
	static const uint8_t missing[16] = {
		0x5a, 0x11, 0x7e, 0x57, 0x00, 0x00, 0x40, 0x00,
		0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15,
	};
	static const uint8_t device_pta[16] = PTA_DEVICE_UUID_OCTETS;
	uint64_t pa;

	rpc_phys = phys;
	pa = page_alloc(4096);
	printf("\n| step | detail |\n|---|---|\n");
	open_session_arg(pa, missing, OPTEE_MSG_LOGIN_PUBLIC);
	yielding_with_rpcs("OPEN_SESSION of a TA that is not there", pa);
	open_session_arg(pa, missing, OPTEE_MSG_LOGIN_PUBLIC);
	yielding_with_rpcs("the same again", pa);
	open_session_arg(pa, device_pta, OPTEE_MSG_LOGIN_PUBLIC);
	yielding_with_rpcs("OPEN_SESSION device PTA, PUBLIC", pa);

	/* Two opens of a missing TA: the first held at its first RPC. */
	{
		struct raw_call a, b;
		uint64_t pb = page_alloc(4096);

		open_session_arg(pa, missing, OPTEE_MSG_LOGIN_PUBLIC);
		open_session_arg(pb, missing, OPTEE_MSG_LOGIN_PUBLIC);
		raw_start(&a, "A: open missing TA (held)", pa);
		raw_drive(&a, 2);
		raw_start(&b, "B: open missing TA while A is held", pb);
		raw_drive(&b, 12);
		printf("| now A to its end | |\n");
		raw_drive(&a, 0);
		printf("| then B | |\n");
		raw_drive(&b, 0);
	}
	open_session_arg(pa, device_pta, OPTEE_MSG_LOGIN_REE_KERNEL);
	yielding_with_rpcs("OPEN_SESSION device PTA, REE_KERNEL", pa);
	open_session_arg(pa, device_pta, OPTEE_MSG_LOGIN_USER);
	yielding_with_rpcs("OPEN_SESSION device PTA, USER", pa);
}

void bm_raw_probe(uintptr_t dyn_page, uintptr_t rsv_page)
{
	unsigned long hi = (unsigned long)dyn_page >> 32;
	unsigned long lo = (unsigned long)dyn_page & 0xffffffffUL;

	printf("| what | call | x1..x7 in | x0..x3 out | x4..x7 out | "
	       "x0 decoded |\n|---|---|---|---|---|---|\n");
	call("SMCCC_VERSION", 0x80000000, 0, 0, 0);
	call("SMCCC_ARCH_FEATURES(SMCCC_VERSION)", 0x80000001, 0x80000000, 0, 0);
	call("PSCI_VERSION", 0x84000000, 0, 0, 0);
	call("TOS CALLS_COUNT", 0xbf00ff00, 0, 0, 0);
	call("TOS CALLS_UID", 0xbf00ff01, 0, 0, 0);
	call("TOS CALLS_REVISION", 0xbf00ff03, 0, 0, 0);
	call("owner 50 0xff01", 0xb200ff01, 0x1111, 0x2222, 0x3333);
	call("owner 62 (opteed) 0xff01", 0xbe00ff01, 0x1111, 0x2222, 0x3333);
	call("SiP fast 0xff01", 0x8200ff01, 0x1111, 0x2222, 0x3333);
	call("fast owner 49 (trusted app) 0", 0xb1000000, 0x1111, 0x2222, 0x3333);
	call("GET_OS_UUID", 0xb2000000, 0, 0, 0);
	call("GET_OS_REVISION", 0xb2000001, 0, 0, 0);
	call("GET_OS_REVISION SMC64", 0xf2000001, 0x1111, 0x2222, 0x3333);
	call("GET_OS_REVISION SVE hint", 0xb2010001, 0, 0, 0);
	call("GET_OS_REVISION reserved bit 17", 0xb2020001, 0x1111, 0x2222, 0x3333);
	call("GET_OS_REVISION, x1..x3 set", 0xb2000001, 0x1111, 0x2222, 0x3333);
	call("LOAD_IMAGE (fast)", 0xb2000002, 0, 0, 0);
	call("GET_SHM_CONFIG", 0xb2000007, 0, 0, 0);
	call("L2CC_MUTEX GET_ADDR", 0xb2000008, 0, 0, 0);
	call("EXCHANGE_CAPABILITIES nsec 0", 0xb2000009, 0, 0, 0);
	call("EXCHANGE_CAPABILITIES UNIPROCESSOR", 0xb2000009, 1, 0, 0);
	call("EXCHANGE_CAPABILITIES nsec ~0", 0xb2000009, 0xffffffff, 0, 0);
	call("GET_THREAD_COUNT", 0xb200000f, 0, 0, 0);
	call("GET_ASYNC_NOTIF_VALUE before ENABLE", 0xb2000011, 0, 0, 0);
	call("ENABLE_ASYNC_NOTIF", 0xb2000010, 0, 0, 0);
	call("ENABLE_ASYNC_NOTIF again", 0xb2000010, 0, 0, 0);
	call("GET_ASYNC_NOTIF_VALUE", 0xb2000011, 0, 0, 0);
	call("GET_ASYNC_NOTIF_VALUE again", 0xb2000011, 0, 0, 0);
	call("DISABLE_SHM_CACHE before ENABLE", 0xb200000a, 0, 0, 0);
	call("ENABLE_SHM_CACHE", 0xb200000b, 0, 0, 0);
	call("ENABLE_SHM_CACHE again", 0xb200000b, 0, 0, 0);
	call("DISABLE_SHM_CACHE (cache empty)", 0xb200000a, 0, 0, 0);
	call("DISABLE_SHM_CACHE again", 0xb200000a, 0, 0, 0);
	call("BOOT_SECONDARY core 9", 0xb200000c, 9, 0, 0);
	call("VM_CREATED 1", 0xb200000d, 1, 0, 0);
	call("VM_DESTROYED 1", 0xb200000e, 1, 0, 0);
	call("GET_PROTMEM_CONFIG (fast 20)", 0xb2000014, 0, 0, 0);
	call("fast 21", 0xb2000015, 0, 0, 0);
	call("fast 22", 0xb2000016, 0, 0, 0);
	call("fast 0xff", 0xb20000ff, 0x1111, 0x2222, 0x3333);
	call("GET_THREAD_COUNT, x1..x3 set", 0xb200000f, 0x1111, 0x2222, 0x3333);
	call("GET_SHM_CONFIG, x1..x3 set", 0xb2000007, 0x1111, 0x2222, 0x3333);
	call("CALLS_COUNT, x1..x3 set", 0xbf00ff00, 0x1111, 0x2222, 0x3333);
	call("fast 0xfffe", 0xb200fffe, 0, 0, 0);
	call("RETURN_FROM_RPC as fast", 0xb2000003, 0, 0, 0);
	call("CALL_WITH_ARG as fast", 0xb2000004, 0, 0, 0);

	/* Yielding calls with bad arguments. */
	call("SiP yielding 0x02000000", 0x02000000, 0x1111, 0x2222, 0x3333);
	call("yielding owner 62", 0x3e000004, 0x1111, 0x2222, 0x3333);
	call("yielding unknown func 0x99", 0x32000099, 0x1111, 0x2222, 0x3333);
	call("yielding SMC64 CALL_WITH_ARG", 0x72000004, 0x1111, 0x2222, 0x3333);
	call("CALL_WITH_ARG addr 0", 0x32000004, 0, 0, 0);
	call("CALL_WITH_ARG secure 0x0e100000", 0x32000004, 0, 0x0e100000, 0);
	arg_at(dyn_page, 0x1234, 0);
	call("CALL_WITH_ARG misaligned (+4)", 0x32000004, hi, lo + 4, 0);
	call("CALL_WITH_ARG +8", 0x32000004, hi, lo + 8, 0);
	arg_show(dyn_page);
	arg_at(dyn_page, 0x1234, 0);
	call("CALL_WITH_ARG cmd 0x1234 (dyn page)", 0x32000004, hi, lo, 0);
	arg_show(dyn_page);
	arg_at(dyn_page, 0x1234, 0);
	call("CALL_WITH_ARG cmd 0x1234, x3 = 0xabc", 0x32000004, hi, lo, 0xabc);
	arg_show(dyn_page);
	arg_at(dyn_page, OPTEE_MSG_CMD_CLOSE_SESSION, 0);
	((struct optee_msg_arg *)dyn_page)->session = 0x77;
	call("CALL_WITH_ARG CLOSE unknown session 0x77", 0x32000004, hi, lo, 0);
	arg_show(dyn_page);
	arg_at(dyn_page, OPTEE_MSG_CMD_UNREGISTER_SHM, 1);
	((struct optee_msg_arg *)dyn_page)->params[0].attr =
		OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	((struct optee_msg_arg *)dyn_page)->params[0].u.rmem.shm_ref = 0x4242;
	call("CALL_WITH_ARG UNREGISTER_SHM unknown cookie", 0x32000004, hi, lo, 0);
	arg_show(dyn_page);
	arg_at(dyn_page, OPTEE_MSG_CMD_OPEN_SESSION, 128);
	call("CALL_WITH_ARG OPEN num_params 128", 0x32000004, hi, lo, 0);
	arg_show(dyn_page);
	arg_at(dyn_page, OPTEE_MSG_CMD_OPEN_SESSION, 127);
	call("CALL_WITH_ARG OPEN num_params 127 (fills the page)", 0x32000004, hi, lo, 0);
	arg_show(dyn_page);
	arg_at(dyn_page, OPTEE_MSG_CMD_OPEN_SESSION, 0);
	call("CALL_WITH_ARG OPEN num_params 0", 0x32000004, hi, lo, 0);
	arg_show(dyn_page);
	arg_at(rsv_page, 0x1234, 0);
	call("CALL_WITH_ARG cmd 0x1234 (reserved shm)", 0x32000004,
	     (unsigned long)rsv_page >> 32, rsv_page & 0xffffffffUL, 0);
	arg_show(rsv_page);
	arg_at(rsv_page + 8, 0x1234, 0);
	call("CALL_WITH_ARG reserved shm +8", 0x32000004, 0, rsv_page + 8, 0);
	call("CALL_WITH_ARG reserved shm +4", 0x32000004, 0, rsv_page + 4, 0);
	arg_at(rsv_page + 0x1000, 0x1234, 0);
	call("CALL_WITH_ARG reserved shm +0x1000", 0x32000004, 0, rsv_page + 0x1000, 0);
	arg_at(rsv_page + 0x1000 - 32, 0x1234, 1);
	call("CALL_WITH_ARG reserved shm +0xfe0, cmd 0x1234, 1 param (crosses a page)",
	     0x32000004, 0, rsv_page + 0x1000 - 32, 0);
	arg_at(0x421fffe0, 0x1234, 0);
	call("CALL_WITH_ARG last 32 bytes of reserved shm (0x421fffe0), cmd 0x1234",
	     0x32000004, 0, 0x421fffe0, 0);
	arg_at(0x421fffe0, 0x1234, 1);
	call("CALL_WITH_ARG 0x421fffe0, cmd 0x1234, 1 param (past the end)",
	     0x32000004, 0, 0x421fffe0, 0);
	call("CALL_WITH_ARG dyn page + 0x40", 0x32000004, hi, lo + 0x40, 0);
	call("CALL_WITH_ARG 0x1_50000000", 0x32000004, 1, lo, 0);
	call("CALL_WITH_ARG 0x90000000 (beyond DRAM)", 0x32000004, 0, 0x90000000, 0);
	call("CALL_WITH_ARG 0x09000000 (UART0)", 0x32000004, 0, 0x09000000, 0);
	call("CALL_WITH_ARG 0x0e100000 + 1 page (secure)", 0x32000004, 0, 0x0e101000, 0);
	call("CALL_WITH_REGD_ARG unknown cookie 0x1234", 0x32000013, 0x1234, 0, 0);
	call("CALL_WITH_RPC_ARG addr 0", 0x32000012, 0, 0, 0);
	call("RETURN_FROM_RPC unknown thread 0x1234", 0x32000003, 0x1111, 0x2222, 0x1234);
	call("RETURN_FROM_RPC thread 0", 0x32000003, 0x1111, 0x2222, 0);
	call("RETURN_FROM_RPC thread 1", 0x32000003, 0x1111, 0x2222, 1);
	call("GET_THREAD_COUNT at the end", 0xb200000f, 0, 0, 0);
}
