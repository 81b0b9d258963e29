// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: the driver's supplicant queues (sim/normal_world/optee/
 * supp.c) facing what user space sends. The requests are real: each
 * requester is an rt thread invoking a TA of our own whose secure thread
 * makes one RPC the kernel leaves to the supplicant (OPTEE_RPC_CMD_FS), or
 * a SUPP_PLUGIN INVOKE for a registered server; the requester then sleeps
 * in the queue. The "user space" side is the main thread calling
 * tee_supp_recv()/tee_supp_send() (and closing contexts, killing
 * requesters, registering servers) with every argument from the input,
 * against a model that predicts each return code and each requester's
 * outcome. The world (memory, firmware with 8 threads, driver, one client
 * context with 4 sessions) is built once; each input opens a supplicant
 * context and its servers and closes them again.
 *
 * Input layout: byte 0: bits 0..1 requesters - 1, bits 2..3 servers (0..2).
 * Then one byte per requester: bit 0 its param count (1 + 3 bits .. for the
 * supplicant: 1 + (bits 0..1); for a plugin 3 + bit 0), bits 2..3 the
 * target (0, 3: the supplicant; 1, 2: server 0, 1, which is the supplicant
 * when that server does not exist), bits 4..7 the types of params 1 and 2
 * (value in, out, inout, in). Requesters are started one at a time, each
 * seen queued before the next. Then operations, an opcode byte % 7 and
 * its operands, until the input ends (at most MAX_OPS):
 *   0 RECV	queue byte, slots byte (% 7), one attr byte per slot (% 4:
 *		NONE, META, VALUE_INPUT, VALUE_INOUT|META)
 *   1 SEND	queue byte, form byte (% 3: sync; META with an id the
 *		model knows, picked by the next byte; META with the id
 *		0x40000000 | u32, which is never given out), count byte (% 7),
 *		ret u32, a u16 and b u16 for every value
 *   2 KILL	requester byte: rt_thread_kill() it
 *   3 CLOSE	queue byte: close the supplicant's context (and open a new
 *		one) or a server's
 *   4 EPERM	byte: RECV (even) or SEND on the client context
 *   5 REGISTER	byte: tee_supp_register_server() of a taken UUID or from a
 *		context that is already the supplicant or a server
 *   6 KILLED	flags byte: RECV (bit 0 clear) or SEND from a thread
 *		killed before the call, or for bit 1 (a RECV on an empty
 *		queue) during its wait: -EINTR, nothing changes
 * Queue bytes are % (1 + servers): 0 the supplicant.
 *
 * Checked: every call returns what Linux's supp.c returns (-EINVAL for bad
 * RECV params, too few slots, a second sync RECV, a SEND with no sync
 * request or the wrong count; -ENOENT for ids nobody waits on, including
 * answers given twice or ids of a closed supplicant; -EBADF for the
 * requester killed while the supplicant held it, once; -EPERM off the
 * supplicant; -EINTR from a killed thread), and a refused call changes
 * nothing; RECV hands out requests
 * oldest first with their params; a SEND reaches its requester, whose TA
 * sees the answer's ret and values; a killed requester, or one whose
 * queue closed, gets COMMUNICATION. At the end of each input the harness
 * answers what is left, every requester must end within WAIT_MS (else a
 * hang), each answered exactly as the model says, and the queues must be
 * empty with no placeholder left (optee_get_supp_info()), the counters
 * (queued, received, answered, refused answers, killed, failed) moved as
 * the model says, and no secure session or shm leaked.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>

#include "fuzz_input.h"
#include "fuzz_thread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQ		4
#define MAX_SERVERS	2
#define MAX_QUEUES	(1 + MAX_SERVERS)
#define MAX_OPS		32
#define MAX_IDS		16
#define SLOTS		6
#define WAIT_MS		5000
#define TAG		0x7a67U
#define SUPP_CMD	OPTEE_RPC_CMD_FS
#define CALL_REFUSED	0xDEAD0001U
#define RAW_ID		0x40000000U

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define VO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT
#define VIO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT
#define META	TEE_IOCTL_PARAM_ATTR_META

static const struct smcsim_uuid ta_uuid = {
	0x534d4353, 0x0f55, 0x4000,
	{ 0x80, 0x00, 0x66, 0x75, 0x7a, 0x7a, 0x73, 0x70 }
};

/* ---- the TA ---------------------------------------------------------------- */

/* uuid words of server @i, as a SUPP_PLUGIN INVOKE carries them */
static void server_words(unsigned int i, uint32_t w[4])
{
	w[0] = 0x5e7e0000U + i;
	w[1] = 0x11111111U;
	w[2] = 0x22222222U;
	w[3] = 0x33333333U;
}

static uint64_t msg_type(unsigned int t)
{
	static const uint64_t types[] = {
		OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
		OPTEE_MSG_ATTR_TYPE_VALUE_INOUT,
		OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
	};

	return types[t & 3];
}

/*
 * invoke [v0 in: a = param count, b = server + 1 (0: supplicant request);
 *	   v1 in: a = tag, b = types of params 1, 2 (2 bits each);
 *	   v2 out: the tag param's a and b after the answer]
 * One RPC; returns its result.
 */
static uint32_t ta_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			  uint32_t ptypes,
			  union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp[4];
	uint32_t n = p[0].value.a, server = p[0].value.b, w[4];
	uint32_t types = p[1].value.b, k = 0, i, res;

	if (n < 1 || n > 4 || (server && n < 3))
		return TEE_ERROR_BAD_PARAMETERS;
	memset(mp, 0, sizeof(mp));
	if (server) {
		server_words(server - 1, w);
		mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		mp[0].u.value.a = OPTEE_RPC_SUPP_PLUGIN_INVOKE;
		mp[0].u.value.b = w[0];
		mp[0].u.value.c = w[1];
		mp[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		mp[1].u.value.a = w[2];
		mp[1].u.value.b = w[3];
		k = 2;
	}
	mp[k].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp[k].u.value.a = p[1].value.a;
	mp[k].u.value.c = TAG;
	for (i = k + 1; i < n; i++) {
		mp[i].attr = msg_type(types >> (2 * (i - k - 1)));
		mp[i].u.value.a = i;
	}
	res = smcsim_ta_rpc(s, server ? OPTEE_RPC_CMD_SUPP_PLUGIN : SUPP_CMD,
			    mp, n);
	p[2].value.a = (uint32_t)mp[k].u.value.a;
	p[2].value.b = (uint32_t)mp[k].u.value.b;
	return res;
}

static const struct smcsim_ta_ops ta_ops = { .invoke = ta_invoke };

/* ---- the world -------------------------------------------------------------- */

static struct {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct tee_class cls;
	struct optee_probe_cfg cfg;
	struct optee *optee;
	struct tee_context *client;
	uint32_t sessions[MAX_REQ];
	uint32_t next_tag;
} w;

static void fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_nw_supp: %s\n", why);
	abort();
}

static void world_create(void)
{
	struct tee_ioctl_open_session_arg oa;
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	struct smcsim_ta_desc desc = {
		.uuid = ta_uuid, .name = "fuzz_nw_supp", .ops = &ta_ops,
	};
	unsigned int i;

	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &w.phys))
		fuzz_fail("phys");
	smcsim_sw_config_default(&scfg, SMCSIM_ABI_UPSTREAM, w.phys);
	scfg.num_threads = 8;
	if (smcsim_sw_create(&scfg, &w.sw) ||
	    smcsim_sw_register_ta(w.sw, &desc))
		fuzz_fail("secure world");
	tee_class_init(&w.cls);
	w.cfg = (struct optee_probe_cfg){
		.invoke = smcsim_invoke_sim(w.sw),
		.phys = w.phys,
		.profile = SMCSIM_ABI_UPSTREAM,
		.cls = &w.cls,
		.notif_irq = smcsim_sw_notif_irq(w.sw),
	};
	if (optee_probe(&w.cfg, &w.optee) ||
	    tee_client_open_context(optee_client_teedev(w.optee), &w.client))
		fuzz_fail("driver");
	for (i = 0; i < MAX_REQ; i++) {
		memset(&oa, 0, sizeof(oa));
		smcsim_uuid_to_octets(&ta_uuid, oa.uuid);
		oa.clnt_login = TEE_IOCTL_LOGIN_PUBLIC;
		if (tee_client_open_session(w.client, &oa, NULL) || oa.ret)
			fuzz_fail("open session");
		w.sessions[i] = oa.session;
	}
}

/* ---- the model --------------------------------------------------------------- */

enum rq_state {
	RQ_QUEUED,	/* in its queue's FIFO */
	RQ_HELD,	/* RECV gave it out */
	RQ_ANSWERED,	/* SEND reached it */
	RQ_FAILED,	/* killed before an answer, or its queue closed */
};

struct rq {
	unsigned int q;
	unsigned int server;	/* what the TA names: 0 or server + 1 */
	unsigned int n;
	unsigned int types;
	uint32_t tag;
	enum rq_state state;
	bool killed;
	bool sync;
	int id;			/* async: what RECV said */
	uint32_t want_ret;
	uint64_t want_a, want_b;
	/* the thread */
	struct rt_thread *thr;
	struct rt_completion done;
	atomic_bool finished;
	uint32_t ret;
	uint64_t a, b;
};

/* An id the supplicant was given (async form) and what it names now. */
enum id_state { ID_LIVE, ID_PLACEHOLDER, ID_GONE };

struct queue {
	struct tee_context *ctx;	/* NULL: closed */
	uint8_t uuid[16];
	struct rq *fifo[MAX_REQ];
	unsigned int nfifo;
	struct rq *sync;		/* the sync form's request */
	bool sync_placeholder;
	struct {
		int id;
		enum id_state st;
		struct rq *r;
	} ids[MAX_IDS];
	unsigned int nids;
	struct optee_supp_info want;	/* counters the model expects */
};

static struct rq reqs[MAX_REQ];
static unsigned int nreqs;
static struct queue queues[MAX_QUEUES];
static unsigned int nqueues;

static void queue_info(unsigned int q, struct optee_supp_info *si)
{
	if (!q) {
		optee_get_supp_info(w.optee, si);
	} else if (optee_get_server_info(w.optee, queues[q].uuid, si)) {
		memset(si, 0, sizeof(*si));
	}
}

static bool wait_for(bool (*cond)(void *), void *arg)
{
	uint64_t end = rt_now_ms() + WAIT_MS;

	while (!cond(arg)) {
		if (rt_now_ms() >= end)
			return cond(arg);
		/* A yield to the OS, and to the others with no OS. */
		sched_yield();
		rt_sched_point(RT_POINT_YIELD);
	}
	return true;
}

/* ---- requesters ------------------------------------------------------------- */

static void *requester_main(void *arg)
{
	struct rq *r = arg;
	struct tee_ioctl_invoke_arg ia = {
		.session = w.sessions[r - reqs], .num_params = 3,
	};
	struct tee_param p[3] = {
		{ .attr = VI, .u.value = { .a = r->n, .b = r->server } },
		{ .attr = VI, .u.value = { .a = r->tag, .b = r->types } },
		{ .attr = VO },
	};

	if (tee_client_invoke_func(w.client, &ia, p)) {
		r->ret = CALL_REFUSED;
	} else {
		r->ret = ia.ret;
		r->a = p[2].u.value.a;
		r->b = p[2].u.value.b;
	}
	atomic_store(&r->finished, true);
	rt_complete(&r->done);
	return NULL;
}

struct count_wait {
	unsigned int q;
	uint64_t queued;
	uint64_t killed;
};

static bool queued_reached(void *arg)
{
	struct count_wait *cw = arg;
	struct optee_supp_info si;

	queue_info(cw->q, &si);
	return si.queued >= cw->queued;
}

static bool killed_reached(void *arg)
{
	struct count_wait *cw = arg;
	struct optee_supp_info si;

	queue_info(cw->q, &si);
	return si.killed >= cw->killed;
}

static void requester_start(struct rq *r)
{
	struct queue *q = &queues[r->q];
	struct count_wait cw = { .q = r->q, .queued = q->want.queued + 1 };

	rt_completion_init(&r->done);
	atomic_init(&r->finished, false);
	if (rt_thread_create(&r->thr, "requester", requester_main, r))
		fuzz_fail("rt_thread_create");
	if (!wait_for(queued_reached, &cw))
		fuzz_fail("a request never reached its queue");
	q->want.queued++;
	q->fifo[q->nfifo++] = r;
}

/* ---- user space: RECV and SEND ------------------------------------------------ */

static void fifo_remove(struct queue *q, struct rq *r)
{
	unsigned int i;

	for (i = 0; i < q->nfifo; i++) {
		if (q->fifo[i] == r) {
			memmove(q->fifo + i, q->fifo + i + 1,
				(q->nfifo - i - 1) * sizeof(q->fifo[0]));
			q->nfifo--;
			return;
		}
	}
	fuzz_fail("model: not queued");
}

/* A request's params as RECV must hand them out, from @p. */
static void check_req_params(const struct rq *r, const struct tee_param *p)
{
	unsigned int k = r->server ? 2 : 0, i;

	if (p[k].attr != VIO || p[k].u.value.a != r->tag ||
	    p[k].u.value.c != TAG)
		fuzz_fail("RECV: not the oldest request, or its params");
	for (i = k + 1; i < r->n; i++) {
		static const uint64_t t[] = { VI, VO, VIO, VI };

		if (p[i].attr != t[(r->types >> (2 * (i - k - 1))) & 3] ||
		    p[i].u.value.a != i)
			fuzz_fail("RECV: a param changed on the way");
	}
}

static void do_recv(struct queue *q, unsigned int slots, const uint8_t *attrs)
{
	static const uint64_t pick[] = { 0, META, VI, VIO | META };
	struct tee_param p[SLOTS];
	uint32_t func = 0xffffffffU, num = slots;
	struct rq *r;
	bool bad = !slots, meta;
	unsigned int i;
	int rc, want;

	memset(p, 0, sizeof(p));
	for (i = 0; i < slots; i++) {
		p[i].attr = pick[attrs[i] & 3];
		if (p[i].attr && p[i].attr != META)
			bad = true;
	}
	meta = slots && p[0].attr == META;
	r = q->nfifo ? q->fifo[0] : NULL;
	if (bad || q->sync)
		want = -EINVAL;
	else if (!r)
		return;		/* it would wait: nothing to give */
	else if (slots < r->n + meta)
		want = -EINVAL;
	else
		want = 0;
	rc = tee_supp_recv(q->ctx, &func, &num, p);
	if (rc != want)
		fuzz_fail("RECV: not the errno Linux gives");
	if (rc)
		return;
	q->want.received++;
	if (func != (r->server ? OPTEE_RPC_CMD_SUPP_PLUGIN : SUPP_CMD) ||
	    num != r->n + meta)
		fuzz_fail("RECV: wrong func or count");
	if (meta) {
		if (p[0].attr != (VIO | META) || !p[0].u.value.a ||
		    p[0].u.value.a > INT32_MAX)
			fuzz_fail("RECV: async form without an id");
		r->id = (int)p[0].u.value.a;
		/* At most one id per request and input. */
		if (q->nids == MAX_IDS)
			fuzz_fail("model: too many ids");
		q->ids[q->nids].id = r->id;
		q->ids[q->nids].st = ID_LIVE;
		q->ids[q->nids++].r = r;
	} else {
		q->sync = r;
		q->sync_placeholder = false;
	}
	check_req_params(r, p + meta);
	fifo_remove(q, r);
	r->state = RQ_HELD;
	r->sync = !meta;
}

/* The answer: @r's tag param gets @a, @b. */
static void answered(struct queue *q, struct rq *r, uint32_t ret,
		     const struct tee_param *p)
{
	unsigned int k = r->server ? 2 : 0;

	r->state = RQ_ANSWERED;
	r->want_ret = ret;
	r->want_a = p[k].u.value.a;
	r->want_b = p[k].u.value.b;
	q->want.answered++;
}

/*
 * SEND with @form (0 sync, 1 a known id, 2 a raw id) and @count params
 * (META included); values from @s. Return: the rc.
 */
static int do_send(struct queue *q, unsigned int form, unsigned int pick,
		   uint32_t raw, unsigned int count, uint32_t ret,
		   struct stream *s)
{
	struct tee_param p[SLOTS + 1];
	unsigned int i, meta = 0, slot = 0;
	enum id_state st = ID_GONE;
	struct rq *r = NULL;
	int rc, want;

	memset(p, 0, sizeof(p));
	for (i = 0; i < count; i++) {
		p[i].attr = VIO;
		p[i].u.value.a = take16(s);
		p[i].u.value.b = take16(s);
	}
	if (form && count) {
		meta = 1;
		p[0].attr = VIO | META;
		if (form == 1 && q->nids) {
			slot = pick % q->nids;
			p[0].u.value.a = (uint64_t)q->ids[slot].id;
			st = q->ids[slot].st;
			r = q->ids[slot].r;
		} else {
			p[0].u.value.a = form == 1 ? RAW_ID :
					 RAW_ID | (uint64_t)raw << 1;
		}
	}

	if (!meta) {
		if (!q->sync) {
			want = -EINVAL;
		} else if (q->sync_placeholder) {
			want = -EBADF;
		} else if (count != q->sync->n) {
			want = -EINVAL;
		} else {
			want = 0;
		}
	} else if (st == ID_GONE) {
		want = -ENOENT;
	} else if (st == ID_PLACEHOLDER) {
		want = -EBADF;
	} else {
		want = count - 1 != r->n ? -EINVAL : 0;
	}
	rc = tee_supp_send(q->ctx, ret, count, p);
	if (rc != want)
		fuzz_fail("SEND: not the errno Linux gives");
	if (rc) {
		q->want.refused_answers++;
		if (rc == -EBADF && meta)
			q->ids[slot].st = ID_GONE;
		else if (rc == -EBADF)
			q->sync = NULL;
		return rc;
	}
	if (meta) {
		q->ids[slot].st = ID_GONE;
	} else {
		r = q->sync;
		q->sync = NULL;
	}
	answered(q, r, ret, p + meta);
	return 0;
}

/* ---- user space: kills, closes ------------------------------------------------- */

static void do_kill(struct rq *r)
{
	struct queue *q = &queues[r->q];
	struct count_wait cw = { .q = r->q, .killed = q->want.killed + 1 };
	unsigned int i;

	if (r->killed || atomic_load(&r->finished))
		return;
	r->killed = true;
	rt_thread_kill(r->thr);
	if (r->state != RQ_QUEUED && r->state != RQ_HELD)
		return;
	/* Wait for the requester to leave the queue (or a placeholder). */
	if (!wait_for(killed_reached, &cw))
		fuzz_fail("a killed requester never left its queue");
	q->want.killed++;
	if (r->state == RQ_QUEUED) {
		fifo_remove(q, r);
	} else if (r->sync) {
		q->sync_placeholder = true;
	} else {
		for (i = 0; i < q->nids; i++)
			if (q->ids[i].r == r && q->ids[i].st == ID_LIVE)
				q->ids[i].st = ID_PLACEHOLDER;
	}
	r->state = RQ_FAILED;
}

/* Everything queued or held fails; ids and the sync request go. */
static void queue_closed(struct queue *q)
{
	unsigned int i;

	for (i = 0; i < nreqs; i++) {
		struct rq *r = &reqs[i];

		if (&queues[r->q] != q ||
		    (r->state != RQ_QUEUED && r->state != RQ_HELD))
			continue;
		r->state = RQ_FAILED;
		q->want.failed++;
	}
	q->nfifo = 0;
	q->nids = 0;
	q->sync = NULL;
	q->sync_placeholder = false;
}

static void supp_open(void)
{
	struct queue *q = &queues[0];

	if (tee_client_open_context(optee_supp_teedev(w.optee), &q->ctx))
		fuzz_fail("supplicant context");
}

static void check_counters(unsigned int qi)
{
	struct queue *q = &queues[qi];
	struct optee_supp_info si;

	queue_info(qi, &si);
	if (si.queued != q->want.queued || si.received != q->want.received ||
	    si.answered != q->want.answered ||
	    si.refused_answers != q->want.refused_answers ||
	    si.killed != q->want.killed || si.failed != q->want.failed)
		fuzz_fail("queue counters are not the model's");
}

static void do_close(unsigned int qi)
{
	struct queue *q = &queues[qi];
	struct optee_supp_info si;

	if (!q->ctx)
		return;
	check_counters(qi);
	tee_client_close_context(q->ctx);
	q->ctx = NULL;
	queue_closed(q);
	if (!qi) {
		optee_get_supp_info(w.optee, &si);
		if (si.attached || si.queued_now || si.processing_now ||
		    si.placeholders || si.failed != q->want.failed)
			fuzz_fail("the supplicant's queue after its close");
		supp_open();
	} else if (!optee_get_server_info(w.optee, q->uuid, &si)) {
		fuzz_fail("a closed server still serves");
	}
}

static void do_eperm(uint8_t b)
{
	struct tee_param p[2] = { { 0 } };
	uint32_t func, num = 2;
	int rc;

	if (b & 1)
		rc = tee_supp_send(w.client, 0, 1, p);
	else
		rc = tee_supp_recv(w.client, &func, &num, p);
	if (rc != -EPERM)
		fuzz_fail("RECV/SEND on a client context");
}

static void do_register(uint8_t b)
{
	struct tee_context *ctx;
	uint8_t uuid[16];
	uint32_t wd[4];
	unsigned int qi = b % nqueues;
	int rc;

	server_words(b >> 4 & 1, wd);
	memcpy(uuid, wd, sizeof(uuid));
	if (b & 2) {
		/* A context that is the supplicant or a server already. */
		ctx = queues[qi].ctx;
		if (!ctx)
			return;
		if (tee_supp_register_server(ctx, uuid) != -EBUSY)
			fuzz_fail("register_server from a busy context");
		return;
	}
	/* A fresh context, a UUID served already (or free: then it works). */
	if (tee_client_open_context(optee_client_teedev(w.optee), &ctx))
		fuzz_fail("client context");
	rc = tee_supp_register_server(ctx, uuid);
	if (rc != ((b >> 4 & 1) < nqueues - 1 && queues[1 + (b >> 4 & 1)].ctx ?
		   -EBUSY : 0))
		fuzz_fail("register_server of a UUID");
	tee_client_close_context(ctx);
}

/*
 * User space whose thread was killed: RECV or SEND on a thread killed
 * before the call, or (RECV on an empty queue) right after it began, to
 * interrupt its wait. Either way -EINTR and nothing changes.
 */
struct killed_user {
	struct queue *q;
	bool send;
	int rc;
};

static void *killed_user_main(void *arg)
{
	struct killed_user *u = arg;
	struct tee_param p[SLOTS + 1];
	uint32_t func, num = SLOTS;

	memset(p, 0, sizeof(p));
	if (u->send) {
		p[0].attr = VIO | META;
		p[0].u.value.a = u->q->nids ? (uint64_t)u->q->ids[0].id : 1;
		u->rc = tee_supp_send(u->q->ctx, 0, 1, p);
	} else {
		u->rc = tee_supp_recv(u->q->ctx, &func, &num, p);
	}
	return NULL;
}

static void do_killed_user(unsigned int qi, uint8_t b)
{
	struct queue *q = &queues[qi];
	struct killed_user u = { .q = q, .send = b & 1 };
	bool late = !u.send && (b & 2) && !q->nfifo && !q->sync;

	if (fuzz_run_killed("user", killed_user_main, &u, late))
		fuzz_fail("rt_thread_create");
	if (u.rc != -EINTR)
		fuzz_fail("RECV/SEND of a killed thread");
	check_counters(qi);
}

/* ---- the end of an input ------------------------------------------------------ */

/* Answer everything left, as a correct supplicant would. */
static void drain(struct queue *q)
{
	const uint8_t meta_attrs[SLOTS] = { 1 };
	unsigned int i;
	struct stream none = { NULL, 0 };

	if (!q->ctx)
		return;
	if (q->sync && (q->sync_placeholder ?
			do_send(q, 0, 0, 0, 0, 0, &none) != -EBADF :
			do_send(q, 0, 0, 0, q->sync->n, TEE_SUCCESS, &none)))
		fuzz_fail("drain: sync answer");
	for (i = 0; i < q->nids; i++) {
		unsigned int count;

		if (q->ids[i].st == ID_GONE)
			continue;
		count = q->ids[i].st == ID_LIVE ? q->ids[i].r->n + 1 : 1;
		if (q->ids[i].st == ID_PLACEHOLDER)
			count = 1;
		do_send(q, 1, i, 0, count, TEE_SUCCESS, &none);
	}
	while (q->nfifo) {
		struct rq *r = q->fifo[0];

		do_recv(q, SLOTS, meta_attrs);
		if (r->state != RQ_HELD)
			fuzz_fail("drain: RECV");
		if (do_send(q, 1, q->nids - 1, 0, r->n + 1, TEE_SUCCESS, &none))
			fuzz_fail("drain: SEND");
	}
}

static void requester_join(struct rq *r)
{
	if (rt_wait_for_completion_timeout(&r->done, WAIT_MS))
		fuzz_fail("a requester hangs");
	rt_thread_join(r->thr, NULL);
	rt_completion_destroy(&r->done);
	switch (r->state) {
	case RQ_ANSWERED:
		if (r->killed && r->ret != r->want_ret &&
		    r->ret != TEE_ERROR_COMMUNICATION && r->ret != CALL_REFUSED)
			fuzz_fail("a requester killed after its answer");
		if (r->killed)
			break;
		if (r->ret != r->want_ret)
			fuzz_fail("a requester did not get its answer's ret");
		if (!r->ret && (r->a != (uint32_t)r->want_a ||
				r->b != (uint32_t)r->want_b))
			fuzz_fail("a requester did not get its answer's values");
		break;
	case RQ_FAILED:
		if (r->ret != TEE_ERROR_COMMUNICATION && r->ret != CALL_REFUSED)
			fuzz_fail("a failed request did not end with COMMUNICATION");
		if (!r->killed && r->ret != TEE_ERROR_COMMUNICATION)
			fuzz_fail("a failed request was refused");
		break;
	default:
		fuzz_fail("a request never ended");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream s = { data, size };
	struct optee_supp_info si;
	uint8_t attrs[SLOTS];
	unsigned int i, nserv, ops;
	uint8_t hdr;
	uint32_t wd[4];

	if (!size)
		return 0;
	if (!w.optee)
		world_create();
	hdr = take8(&s);
	nreqs = (hdr & 3) + 1;
	nserv = (hdr >> 2) & 3;
	if (nserv > MAX_SERVERS)
		nserv = MAX_SERVERS;
	nqueues = 1 + nserv;

	/* The supplicant's counters go on from the last input. */
	memset(queues, 0, sizeof(queues));
	optee_get_supp_info(w.optee, &si);
	if (si.attached || si.queued_now || si.processing_now || si.placeholders)
		fuzz_fail("the last input left the supplicant's queue busy");
	queues[0].want = si;
	supp_open();
	for (i = 1; i < nqueues; i++) {
		server_words(i - 1, wd);
		memcpy(queues[i].uuid, wd, sizeof(wd));
		if (tee_client_open_context(optee_client_teedev(w.optee),
					    &queues[i].ctx) ||
		    tee_supp_register_server(queues[i].ctx, queues[i].uuid))
			fuzz_fail("server");
	}

	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < nreqs; i++) {
		struct rq *r = &reqs[i];
		uint8_t b = take8(&s);
		unsigned int t = (b >> 2) & 3;

		r->server = t == 1 || t == 2 ? t : 0;
		r->q = r->server && r->server <= nserv ? r->server : 0;
		r->n = r->server ? 3 + (b & 1) : 1 + (b & 3);
		r->types = b >> 4;
		r->tag = ++w.next_tag;
		requester_start(r);
	}

	for (ops = 0; s.n && ops < MAX_OPS; ops++) {
		uint8_t op = take8(&s) % 7, b = take8(&s);
		struct queue *q = &queues[b % nqueues];
		unsigned int n, form, pick, count;
		uint32_t raw, ret;

		switch (op) {
		case 0:
			n = take8(&s) % (SLOTS + 1);
			for (i = 0; i < n; i++)
				attrs[i] = take8(&s);
			if (q->ctx)
				do_recv(q, n, attrs);
			break;
		case 1:
			form = take8(&s) % 3;
			pick = take8(&s);
			raw = form == 2 ? take32(&s) : 0;
			count = take8(&s) % (SLOTS + 1);
			ret = take32(&s);
			if (q->ctx)
				do_send(q, form, pick, raw, count, ret, &s);
			break;
		case 2:
			do_kill(&reqs[b % nreqs]);
			break;
		case 3:
			do_close(b % nqueues);
			break;
		case 4:
			do_eperm(b);
			break;
		case 5:
			do_register(b);
			break;
		default:
			if (q->ctx)
				do_killed_user(b % nqueues, take8(&s));
			break;
		}
	}

	for (i = 0; i < nqueues; i++)
		drain(&queues[i]);
	for (i = 0; i < nreqs; i++)
		requester_join(&reqs[i]);
	for (i = 0; i < nqueues; i++) {
		if (queues[i].ctx) {
			check_counters(i);
			queue_info(i, &si);
			if (si.queued_now || si.processing_now || si.placeholders)
				fuzz_fail("a queue not empty at the end");
		}
	}
	for (i = nqueues; i-- > 0;)
		do_close(i);
	tee_client_close_context(queues[0].ctx);
	queues[0].ctx = NULL;
	/*
	 * The driver keeps shm of its own registered (message and RPC
	 * argument buffers, at most two per secure thread): more is a leak.
	 */
	if (smcsim_sw_session_count(w.sw) != MAX_REQ ||
	    smcsim_sw_shm_count(w.sw) > 2 * smcsim_sw_num_threads(w.sw))
		fuzz_fail("secure sessions or shm leaked");
	return 0;
}
