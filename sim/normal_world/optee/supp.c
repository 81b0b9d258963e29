// SPDX-License-Identifier: BSD-2-Clause
/*
 * The supplicant request queue (after Linux's drivers/tee/optee/supp.c in
 * its newest form, docs/abi.md section 7.3, and the review of seed 004).
 *
 * An RPC the kernel cannot serve becomes a request: it gets an id, joins a
 * FIFO and its thread (the normal-world caller whose secure thread made
 * the RPC) sleeps killably until the supplicant answers. The supplicant
 * takes requests in order with RECV (QUEUED -> PROCESSING) and answers by
 * id with SEND (PROCESSING -> DONE). Ownership of a request follows its
 * state: while QUEUED or PROCESSING the queue owns it, once DONE the
 * requester does; supp->mutex is held only to change hands.
 *
 * A requester that is killed:
 *   - while QUEUED: the supplicant never saw it; it is removed;
 *   - while PROCESSING: its id stays taken by a placeholder, so the
 *     supplicant's late SEND is refused (-EBADF) and changes nothing;
 *   - after DONE: the answer is used, as if no kill had come.
 * The killed requester answers COMMUNICATION to the secure world in the
 * first two cases.
 *
 * Memrefs handed to the supplicant hold a reference on their shm from RECV
 * until the request is answered or its placeholder goes, so a requester
 * killed meanwhile (after which the secure world may free the memory) can
 * never leave the supplicant writing to freed memory.
 *
 * When the supplicant's context goes, every request it has or would get
 * completes with COMMUNICATION.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/tee_error.h>

#include "optee_private.h"

enum optee_supp_req_state {
	OPTEE_SUPP_REQ_QUEUED,
	OPTEE_SUPP_REQ_PROCESSING,
	OPTEE_SUPP_REQ_DONE,
};

/**
 * struct optee_supp_req - one request
 * @link:	in optee_supp.reqs while QUEUED
 * @node:	in optee_supp.ids while QUEUED or PROCESSING (or as a
 *		placeholder)
 * @id:		what the supplicant answers to
 * @placeholder: its requester was killed while the supplicant had it;
 *		only @id, @num_params and @param (the held shm) are valid
 * @state:	see the top of the file
 * @func:	the RPC command
 * @ret:	the answer
 * @num_params:	entries in @param
 * @param:	the requester's params (a placeholder owns its own copy)
 * @shm_held:	RECV took a reference on each memref's shm
 * @c:		completed when DONE
 */
struct optee_supp_req {
	TAILQ_ENTRY(optee_supp_req) link;
	RB_ENTRY(optee_supp_req) node;
	int id;
	bool placeholder;
	enum optee_supp_req_state state;
	uint32_t func;
	uint32_t ret;
	size_t num_params;
	struct tee_param *param;
	bool shm_held;
	struct rt_completion c;
};

static int supp_req_cmp(const struct optee_supp_req *a,
			const struct optee_supp_req *b)
{
	return a->id < b->id ? -1 : a->id > b->id;
}

RB_GENERATE_STATIC(optee_supp_ids, optee_supp_req, node, supp_req_cmp)

void optee_supp_init(struct optee_supp *supp)
{
	memset(supp, 0, sizeof(*supp));
	rt_mutex_init(&supp->mutex);
	rt_mutex_set_name(&supp->mutex, "supplicant queue");
	rt_completion_init(&supp->reqs_c);
	rt_completion_set_name(&supp->reqs_c, "supplicant: requests");
	TAILQ_INIT(&supp->reqs);
	RB_INIT(&supp->ids);
	supp->req_id = -1;
	supp->next_id = 1;
}

void optee_supp_uninit(struct optee_supp *supp)
{
	rt_completion_destroy(&supp->reqs_c);
	rt_mutex_destroy(&supp->mutex);
}

/*
 * Move the shm references RECV took out of @req into @held (room for
 * OPTEE_SUPP_MAX_PARAMS more). Caller holds supp->mutex; the puts happen
 * after it is dropped, because the last put of registered memory makes a
 * yielding call, and a supplicant blocked on the mutex meanwhile could be
 * the one every secure thread waits for.
 */
static size_t supp_req_steal_shm(struct optee_supp_req *req,
				 struct tee_shm **held)
{
	size_t n, k = 0;

	if (!req->shm_held)
		return 0;
	for (n = 0; n < req->num_params; n++)
		if (tee_param_is_memref(req->param + n) &&
		    req->param[n].u.memref.shm)
			held[k++] = req->param[n].u.memref.shm;
	req->shm_held = false;
	return k;
}

static void supp_put_shms(struct tee_shm **held, size_t n)
{
	while (n--)
		tee_shm_put(held[n]);
}

/* The lowest free id from next_id on, as an IDR hands them out cyclically. */
static int supp_alloc_id(struct optee_supp *supp, struct optee_supp_req *req)
{
	unsigned int tries;

	for (tries = 0; tries < 1U << 20; tries++) {
		req->id = supp->next_id;
		supp->next_id = supp->next_id == INT32_MAX ? 1 : supp->next_id + 1;
		if (!RB_INSERT(optee_supp_ids, &supp->ids, req))
			return 0;
	}
	return -ENOSPC;
}

/*
 * Queue a request on @supp and wait for its answer. @gone, for a server's
 * queue, is set instead when the server closed before the request could
 * be queued (its queue serves nobody any more): the caller asks the
 * supplicant then.
 */
static uint32_t supp_queue_req(struct optee_supp *supp, struct tee_context *ctx,
			       uint32_t func, size_t num_params,
			       struct tee_param *param, bool *gone)
{
	struct tee_shm *held[OPTEE_SUPP_MAX_PARAMS];
	struct optee_supp_req *req, *ph = NULL;
	size_t nheld = 0;
	uint32_t ret;
	int rc;

	if (num_params > OPTEE_SUPP_MAX_PARAMS)
		return TEE_ERROR_BAD_PARAMETERS;

	/*
	 * A caller already killed would only queue a request to take it back
	 * at once, after the supplicant might have seen it.
	 */
	if (rt_fatal_signal_pending()) {
		rt_mutex_lock(&supp->mutex);
		supp->stats.killed++;
		rt_mutex_unlock(&supp->mutex);
		return TEE_ERROR_COMMUNICATION;
	}
	req = smcsim_zalloc(sizeof(*req));
	if (!req)
		return TEE_ERROR_OUT_OF_MEMORY;
	rt_completion_init(&req->c);
	rt_completion_set_name(&req->c, "supplicant: answer");
	req->func = func;
	req->num_params = num_params;
	req->param = param;

	rt_mutex_lock(&supp->mutex);
	if (gone && !supp->ctx) {
		rt_mutex_unlock(&supp->mutex);
		rt_completion_destroy(&req->c);
		smcsim_free(req);
		*gone = true;
		return TEE_ERROR_COMMUNICATION;
	}
	/*
	 * An in-kernel client does not wait for a supplicant to appear. The
	 * check and the queueing are one hold: a supplicant leaving between
	 * them would strand the request.
	 */
	if (!supp->ctx && ctx->supp_nowait) {
		supp->stats.refused++;
		rt_mutex_unlock(&supp->mutex);
		rt_completion_destroy(&req->c);
		smcsim_free(req);
		return TEE_ERROR_COMMUNICATION;
	}
	if (supp_alloc_id(supp, req)) {
		rt_mutex_unlock(&supp->mutex);
		rt_completion_destroy(&req->c);
		smcsim_free(req);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	req->state = OPTEE_SUPP_REQ_QUEUED;
	TAILQ_INSERT_TAIL(&supp->reqs, req, link);
	supp->stats.queued++;
	rt_mutex_unlock(&supp->mutex);
	rt_complete(&supp->reqs_c);

	/*
	 * Killable, as Linux waits: the supplicant is trusted to answer, but
	 * a client that is both (threads of one process) must still die.
	 */
	rc = rt_wait_for_completion_killable(&req->c);

	rt_mutex_lock(&supp->mutex);
	if (rc && req->state != OPTEE_SUPP_REQ_DONE) {
		supp->stats.killed++;
		if (req->state == OPTEE_SUPP_REQ_QUEUED) {
			/* The supplicant never saw it. */
			TAILQ_REMOVE(&supp->reqs, req, link);
			RB_REMOVE(optee_supp_ids, &supp->ids, req);
		} else {
			/*
			 * The supplicant has it: keep its id taken so a late
			 * answer is refused. The placeholder owns a copy of
			 * the params (ours go with this call) and the shm
			 * references RECV took.
			 */
			ph = smcsim_zalloc(sizeof(*ph));
			if (ph)
				ph->param = smcsim_calloc(num_params ? num_params : 1,
							  sizeof(*param));
			RB_REMOVE(optee_supp_ids, &supp->ids, req);
			if (ph && ph->param) {
				ph->id = req->id;
				ph->placeholder = true;
				ph->state = OPTEE_SUPP_REQ_PROCESSING;
				ph->num_params = num_params;
				memcpy(ph->param, param, num_params * sizeof(*param));
				ph->shm_held = req->shm_held;
				req->shm_held = false;
				RB_INSERT(optee_supp_ids, &supp->ids, ph);
				ph = NULL;
			} else {
				/*
				 * No memory for the placeholder: the id is
				 * freed and a late answer gets -ENOENT, which
				 * is still a refusal; the references go now.
				 */
				nheld = supp_req_steal_shm(req, held);
				if (supp->req_id == req->id)
					supp->req_id = -1;
			}
		}
		req->ret = TEE_ERROR_COMMUNICATION;
	}
	rt_mutex_unlock(&supp->mutex);
	supp_put_shms(held, nheld);
	if (ph) {
		smcsim_free(ph->param);
		smcsim_free(ph);
	}

	ret = req->ret;
	rt_completion_destroy(&req->c);
	smcsim_free(req);
	return ret;
}

/*
 * RECV's params must all be NONE, or META alone (params[0] for the async
 * form). Memrefs a caller passed in are refused rather than released: a
 * kernel-side supplicant holds no references it did not take.
 */
static int supp_check_recv_params(size_t num_params,
				  const struct tee_param *param,
				  size_t *num_meta)
{
	size_t n;

	if (!num_params)
		return -EINVAL;
	for (n = 0; n < num_params; n++)
		if (param[n].attr &&
		    param[n].attr != TEE_IOCTL_PARAM_ATTR_META)
			return -EINVAL;
	*num_meta = param[0].attr == TEE_IOCTL_PARAM_ATTR_META;
	return 0;
}

uint32_t optee_supp_thrd_req(struct tee_context *ctx, uint32_t func,
			     size_t num_params, struct tee_param *param)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);

	return supp_queue_req(&optee->supp, ctx, func, num_params, param, NULL);
}

static void supp_server_free(struct rt_kref *ref);

/*
 * The queue @ctx serves: the supplicant's, its server's (with a reference
 * in *@server, dropped by supp_put(): the server may close meanwhile), or
 * none.
 */
static struct optee_supp *supp_get(struct tee_context *ctx,
				   struct optee_supp_server **server)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_supp_server *s;

	*server = NULL;
	if (!ctxdata)
		return NULL;
	if (ctxdata->supp)
		return &optee->supp;
	rt_mutex_lock(&optee->servers_lock);
	s = ctxdata->server;
	if (s)
		rt_kref_get(&s->ref);
	rt_mutex_unlock(&optee->servers_lock);
	*server = s;
	return s ? &s->queue : NULL;
}

static void supp_put(struct optee_supp_server *server)
{
	if (server)
		rt_kref_put(&server->ref, supp_server_free);
}

static int supp_recv(struct optee_supp *supp, struct tee_context *ctx,
		     uint32_t *func, uint32_t *num_params,
		     struct tee_param *param)
{
	struct optee_supp_req *req;
	size_t num_meta, n;
	int rc;

	if (!supp)
		return -EPERM;
	rc = supp_check_recv_params(*num_params, param, &num_meta);
	if (rc)
		return rc;

	for (;;) {
		/*
		 * A killed server (or supplicant) takes nothing more: its
		 * process makes no more system calls in Linux, and one whose
		 * wait a request ended dies before it can serve it. The
		 * request stays queued and fails when the context closes.
		 */
		if (rt_fatal_signal_pending())
			return -EINTR;
		rt_mutex_lock(&supp->mutex);
		if (supp->ctx != ctx) {
			rt_mutex_unlock(&supp->mutex);
			return -EPERM;
		}
		if (supp->req_id != -1) {
			/*
			 * A sync request is still unanswered: the supplicant
			 * must answer it first, and never mix the forms.
			 */
			rt_mutex_unlock(&supp->mutex);
			return -EINVAL;
		}
		req = TAILQ_FIRST(&supp->reqs);
		if (req) {
			if (*num_params < req->num_params + num_meta) {
				rt_mutex_unlock(&supp->mutex);
				return -EINVAL;
			}
			TAILQ_REMOVE(&supp->reqs, req, link);
			req->state = OPTEE_SUPP_REQ_PROCESSING;
			if (!num_meta)
				supp->req_id = req->id;
			for (n = 0; n < req->num_params; n++)
				if (tee_param_is_memref(req->param + n) &&
				    req->param[n].u.memref.shm)
					tee_shm_get(req->param[n].u.memref.shm);
			req->shm_held = true;
			supp->stats.received++;

			/* The queue still owns it: copy out under the lock. */
			*func = req->func;
			if (num_meta) {
				param[0] = (struct tee_param){
					.attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT |
						TEE_IOCTL_PARAM_ATTR_META,
					.u.value.a = (uint64_t)req->id,
				};
			}
			memcpy(param + num_meta, req->param,
			       req->num_params * sizeof(*param));
			*num_params = (uint32_t)(req->num_params + num_meta);
			rt_mutex_unlock(&supp->mutex);
			return 0;
		}
		rt_mutex_unlock(&supp->mutex);
		/* Interruptible in Linux (-ERESTARTSYS); a kill ends it here. */
		if (rt_wait_for_completion_killable(&supp->reqs_c))
			return -EINTR;
	}
}

static int supp_send(struct optee_supp *supp, struct tee_context *ctx,
		     uint32_t ret, uint32_t num_params, struct tee_param *param)
{
	struct tee_shm *held[OPTEE_SUPP_MAX_PARAMS];
	struct optee_supp_req key = { 0 }, *req;
	size_t num_meta = 0, n, nheld;

	if (!supp)
		return -EPERM;
	/* Killed: it would have died before answering (see supp_recv()). */
	if (rt_fatal_signal_pending())
		return -EINTR;
	rt_mutex_lock(&supp->mutex);
	if (supp->ctx != ctx) {
		rt_mutex_unlock(&supp->mutex);
		return -EPERM;
	}
	if (num_params && param[0].attr == (TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT |
					    TEE_IOCTL_PARAM_ATTR_META)) {
		num_meta = 1;
		if (param[0].u.value.a > INT32_MAX) {
			supp->stats.refused_answers++;
			rt_mutex_unlock(&supp->mutex);
			return -ENOENT;
		}
		key.id = (int)param[0].u.value.a;
	} else {
		if (supp->req_id == -1) {
			supp->stats.refused_answers++;
			rt_mutex_unlock(&supp->mutex);
			return -EINVAL;
		}
		key.id = supp->req_id;
	}
	req = RB_FIND(optee_supp_ids, &supp->ids, &key);
	if (!req || req->state != OPTEE_SUPP_REQ_PROCESSING) {
		/* Unknown, or still queued: nobody gave it out. */
		supp->stats.refused_answers++;
		rt_mutex_unlock(&supp->mutex);
		return -ENOENT;
	}
	if (req->placeholder) {
		/* Its requester is gone: refuse, and free the id. */
		RB_REMOVE(optee_supp_ids, &supp->ids, req);
		if (!num_meta)
			supp->req_id = -1;
		supp->stats.refused_answers++;
		nheld = supp_req_steal_shm(req, held);
		rt_mutex_unlock(&supp->mutex);
		supp_put_shms(held, nheld);
		smcsim_free(req->param);
		smcsim_free(req);
		return -EBADF;
	}
	if (num_params - num_meta != req->num_params) {
		supp->stats.refused_answers++;
		rt_mutex_unlock(&supp->mutex);
		return -EINVAL;
	}
	RB_REMOVE(optee_supp_ids, &supp->ids, req);
	if (!num_meta)
		supp->req_id = -1;

	/* Only outputs come back: values, and the sizes of memrefs. */
	for (n = 0; n < req->num_params; n++) {
		struct tee_param *p = req->param + n;
		const struct tee_param *a = param + num_meta + n;

		switch (p->attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			p->u.value.a = a->u.value.a;
			p->u.value.b = a->u.value.b;
			p->u.value.c = a->u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			p->u.memref.size = a->u.memref.size;
			break;
		default:
			break;
		}
	}
	nheld = supp_req_steal_shm(req, held);
	req->ret = ret;
	req->state = OPTEE_SUPP_REQ_DONE;
	supp->stats.answered++;
	/* From here the requester owns it (it may be gone once we unlock). */
	rt_complete(&req->c);
	rt_mutex_unlock(&supp->mutex);
	supp_put_shms(held, nheld);
	return 0;
}

int optee_supp_recv(struct tee_context *ctx, uint32_t *func,
		    uint32_t *num_params, struct tee_param *param)
{
	struct optee_supp_server *server;
	struct optee_supp *supp = supp_get(ctx, &server);
	int rc = supp_recv(supp, ctx, func, num_params, param);

	supp_put(server);
	return rc;
}

int optee_supp_send(struct tee_context *ctx, uint32_t ret, uint32_t num_params,
		    struct tee_param *param)
{
	struct optee_supp_server *server;
	struct optee_supp *supp = supp_get(ctx, &server);
	int rc = supp_send(supp, ctx, ret, num_params, param);

	supp_put(server);
	return rc;
}

int optee_supp_open(struct optee *optee, struct tee_context *ctx)
{
	struct optee_supp *supp = &optee->supp;
	int rc = 0;

	rt_mutex_lock(&supp->mutex);
	if (supp->ctx)
		rc = -EBUSY;
	else
		supp->ctx = ctx;
	rt_mutex_unlock(&supp->mutex);
	return rc;
}

void optee_supp_release(struct optee_supp *supp)
{
	struct optee_supp_req *req, *next;
	struct tee_shm **held = NULL;
	size_t cap = 0, nheld = 0, count;

	/*
	 * Every request, queued or being processed, ends with COMMUNICATION,
	 * all in one hold of the mutex as in Linux. Room for the shm
	 * references to drop afterwards is made first.
	 */
	for (;;) {
		rt_mutex_lock(&supp->mutex);
		count = 0;
		RB_FOREACH(req, optee_supp_ids, &supp->ids)
			count++;
		if (count * OPTEE_SUPP_MAX_PARAMS <= cap)
			break;
		rt_mutex_unlock(&supp->mutex);
		smcsim_free(held);
		cap = count * OPTEE_SUPP_MAX_PARAMS + 16;
		held = smcsim_calloc(cap, sizeof(*held));
		if (!held) {
			/* Keep the references rather than fail the release. */
			cap = 0;
			rt_mutex_lock(&supp->mutex);
			break;
		}
	}
	RB_FOREACH_SAFE(req, optee_supp_ids, &supp->ids, next) {
		RB_REMOVE(optee_supp_ids, &supp->ids, req);
		if (held && nheld + OPTEE_SUPP_MAX_PARAMS <= cap)
			nheld += supp_req_steal_shm(req, held + nheld);
		if (req->placeholder) {
			smcsim_free(req->param);
			smcsim_free(req);
			continue;
		}
		if (req->state == OPTEE_SUPP_REQ_QUEUED)
			TAILQ_REMOVE(&supp->reqs, req, link);
		req->ret = TEE_ERROR_COMMUNICATION;
		req->state = OPTEE_SUPP_REQ_DONE;
		supp->stats.failed++;
		rt_complete(&req->c);
	}
	supp->ctx = NULL;
	supp->req_id = -1;
	rt_completion_reinit(&supp->reqs_c);
	rt_mutex_unlock(&supp->mutex);
	supp_put_shms(held, nheld);
	smcsim_free(held);
}

/* ---- supplicant-like servers (seed 004, the Qualcomm model) ------------- */

/*
 * Each server has its own queue, mutex and ids, so requests for different
 * servers never wait on each other, nor on the supplicant. A requester
 * holds a reference on the server while its request is in flight, so a
 * server closing meanwhile (which fails its requests) cannot free the
 * queue under it.
 */

static void supp_server_free(struct rt_kref *ref)
{
	struct optee_supp_server *s = (struct optee_supp_server *)
		((char *)ref - offsetof(struct optee_supp_server, ref));

	optee_supp_uninit(&s->queue);
	smcsim_free(s);
}

/* The server of @uuid with a reference taken, or NULL. */
static struct optee_supp_server *supp_server_find(struct optee *optee,
						  const uint8_t uuid[16])
{
	struct optee_supp_server *s;

	rt_mutex_lock(&optee->servers_lock);
	TAILQ_FOREACH(s, &optee->servers, link)
		if (!memcmp(s->uuid, uuid, sizeof(s->uuid)))
			break;
	if (s)
		rt_kref_get(&s->ref);
	rt_mutex_unlock(&optee->servers_lock);
	return s;
}

int optee_supp_server_register(struct tee_context *ctx, const uint8_t uuid[16])
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_supp_server *s, *o;

	if (!ctxdata || ctxdata->supp || ctxdata->server)
		return -EBUSY;
	s = smcsim_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s->uuid, uuid, sizeof(s->uuid));
	rt_kref_init(&s->ref);
	optee_supp_init(&s->queue);
	s->queue.ctx = ctx;

	rt_mutex_lock(&optee->servers_lock);
	TAILQ_FOREACH(o, &optee->servers, link)
		if (!memcmp(o->uuid, uuid, sizeof(o->uuid)))
			break;
	if (o || ctxdata->server) {
		rt_mutex_unlock(&optee->servers_lock);
		optee_supp_uninit(&s->queue);
		smcsim_free(s);
		return -EBUSY;
	}
	TAILQ_INSERT_TAIL(&optee->servers, s, link);
	ctxdata->server = s;
	rt_mutex_unlock(&optee->servers_lock);
	return 0;
}

void optee_supp_server_close(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_supp_server *s;

	rt_mutex_lock(&optee->servers_lock);
	s = ctxdata ? ctxdata->server : NULL;
	if (s) {
		TAILQ_REMOVE(&optee->servers, s, link);
		ctxdata->server = NULL;
	}
	rt_mutex_unlock(&optee->servers_lock);
	if (!s)
		return;
	/* Its requests fail; new ones for its UUID go to the supplicant. */
	optee_supp_release(&s->queue);
	rt_kref_put(&s->ref, supp_server_free);
}

uint32_t optee_supp_plugin_req(struct tee_context *ctx, const uint8_t uuid[16],
			       uint32_t func, size_t num_params,
			       struct tee_param *param)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_supp_server *s = supp_server_find(optee, uuid);
	bool gone = false;
	uint32_t ret;

	if (!s)
		return optee_supp_thrd_req(ctx, func, num_params, param);
	ret = supp_queue_req(&s->queue, ctx, func, num_params, param, &gone);
	rt_kref_put(&s->ref, supp_server_free);
	/* It closed between the lookup and the queueing. */
	if (gone)
		return optee_supp_thrd_req(ctx, func, num_params, param);
	return ret;
}

void optee_supp_servers_fini(struct optee *optee)
{
	struct optee_supp_server *s;

	/*
	 * Servers left here have contexts that never closed; remove waits
	 * for every context first, so this only tidies after a failure.
	 */
	rt_mutex_lock(&optee->servers_lock);
	while ((s = TAILQ_FIRST(&optee->servers))) {
		TAILQ_REMOVE(&optee->servers, s, link);
		rt_mutex_unlock(&optee->servers_lock);
		optee_supp_release(&s->queue);
		rt_kref_put(&s->ref, supp_server_free);
		rt_mutex_lock(&optee->servers_lock);
	}
	rt_mutex_unlock(&optee->servers_lock);
}

void optee_supp_get_info(struct optee_supp *supp, struct optee_supp_info *si)
{
	struct optee_supp_req *req;

	rt_mutex_lock(&supp->mutex);
	*si = supp->stats;
	si->attached = supp->ctx != NULL;
	si->queued_now = 0;
	si->processing_now = 0;
	si->placeholders = 0;
	RB_FOREACH(req, optee_supp_ids, &supp->ids) {
		if (req->placeholder)
			si->placeholders++;
		else if (req->state == OPTEE_SUPP_REQ_QUEUED)
			si->queued_now++;
		else
			si->processing_now++;
	}
	rt_mutex_unlock(&supp->mutex);
}

int optee_get_server_info(struct optee *optee, const uint8_t uuid[16],
			  struct optee_supp_info *si)
{
	struct optee_supp_server *s = supp_server_find(optee, uuid);

	if (!s)
		return -ENOENT;
	optee_supp_get_info(&s->queue, si);
	rt_kref_put(&s->ref, supp_server_free);
	return 0;
}
