// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP-TEE driver's calls (after Linux's drivers/tee/optee/call.c):
 *
 *  1. the call queue: callers of yielding calls take one of the secure
 *     threads GET_THREAD_COUNT reported, or wait; after ETHREAD_LIMIT they
 *     wait too, and each leaving caller wakes one waiter, a system-thread
 *     one first, passing the token on if it was woken itself meanwhile
 *     (docs/abi.md section 8.2); unlike Linux, a caller asleep in the queue is
 *     preferred to one that runs or was woken already;
 *  2. the message-argument cache: pages of optee_msg_arg slots, private
 *     (one per page, sent by PA) or shared (registered, several per page,
 *     sent with CALL_WITH_REGD_ARG);
 *  3. sessions: open, invoke, close, cancel, and closing what a context
 *     left open when it is released.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_msg.h>
#include <smcsim/tee_error.h>

#include "optee_private.h"

/* ---- 1. call queue ------------------------------------------------------- */

/* How long a caller alone after ETHREAD_LIMIT waits before it retries. */
#define OPTEE_CQ_RETRY_MS	1

void optee_cq_init(struct optee_call_queue *cq, int thread_count)
{
	rt_mutex_init(&cq->mutex);
	rt_mutex_set_name(&cq->mutex, "optee call queue");
	TAILQ_INIT(&cq->waiters);
	cq->total_thread_count = thread_count;
	cq->free_thread_count = thread_count;
	cq->sys_thread_req_count = 0;
	cq->wakes = 0;
	cq->wakes_busy = 0;
	cq->wakes_again = 0;
}

void optee_cq_uninit(struct optee_call_queue *cq)
{
	rt_mutex_destroy(&cq->mutex);
}

void optee_get_cq_info(struct optee *optee, struct optee_cq_info *info)
{
	struct optee_call_queue *cq = &optee->call_queue;
	struct optee_call_waiter *w;

	rt_mutex_lock(&cq->mutex);
	info->total_thread_count = cq->total_thread_count;
	info->free_thread_count = cq->free_thread_count;
	info->sys_thread_req_count = cq->sys_thread_req_count;
	info->waiters = 0;
	TAILQ_FOREACH(w, &cq->waiters, link)
		info->waiters++;
	info->wakes = cq->wakes;
	info->wakes_busy = cq->wakes_busy;
	info->wakes_again = cq->wakes_again;
	rt_mutex_unlock(&cq->mutex);
}

/* Move @w to the tail: it has had its turn. Caller holds cq->mutex. */
static void optee_cq_requeue(struct optee_call_queue *cq,
			     struct optee_call_waiter *w)
{
	TAILQ_REMOVE(&cq->waiters, w, link);
	TAILQ_INSERT_TAIL(&cq->waiters, w, link);
	w->state = OPTEE_CQ_RUNNING;
}

/*
 * The trace of a caller's wait for a secure thread: queued (begin) and
 * off again (end), with the callers asleep now. Caller holds cq->mutex.
 */
static void optee_cq_trace(struct optee_call_queue *cq, char phase,
			   const char *why)
{
	struct optee_call_waiter *o;
	unsigned int waiting = 0;

	if (!smcsim_tracing(SMCSIM_TEV_QUEUE))
		return;
	TAILQ_FOREACH(o, &cq->waiters, link)
		waiting += o->state == OPTEE_CQ_WAITING;
	if (phase == SMCSIM_TEV_BEGIN)
		smcsim_tev_printf(SMCSIM_TEV_QUEUE, phase, -1, 0, "queued",
				  "%s: caller %u queued (%u waiting)", why,
				  rt_thread_id(), waiting);
	else
		smcsim_tev_printf(SMCSIM_TEV_QUEUE, phase, -1, 0, "queued",
				  "%s: caller %u tries again (%u waiting)",
				  why, rt_thread_id(), waiting);
}

void optee_cq_wait_init(struct optee_call_queue *cq,
			struct optee_call_waiter *w, bool sys_thread)
{
	rt_completion_init(&w->c);
	rt_completion_set_name(&w->c, sys_thread ? "call queue: system waiter" :
						   "call queue: waiter");
	w->sys_thread = sys_thread;
	w->state = OPTEE_CQ_RUNNING;

	rt_mutex_lock(&cq->mutex);
	TAILQ_INSERT_TAIL(&cq->waiters, w, link);
	/* Without a thread count there is no accounting: go and see. */
	while (cq->total_thread_count) {
		/* Keep one thread for system sessions unless we are one. */
		int threshold = sys_thread || !cq->sys_thread_req_count ? 0 : 1;

		if (cq->free_thread_count > threshold) {
			cq->free_thread_count--;
			break;
		}
		w->state = OPTEE_CQ_WAITING;
		optee_cq_trace(cq, SMCSIM_TEV_BEGIN, "no free thread counted");
		rt_mutex_unlock(&cq->mutex);
		rt_wait_for_completion(&w->c);
		rt_mutex_lock(&cq->mutex);
		optee_cq_requeue(cq, w);
		optee_cq_trace(cq, SMCSIM_TEV_END, "no free thread counted");
	}
	rt_mutex_unlock(&cq->mutex);
}

/*
 * Is another caller running (or woken, about to run)? Only such a caller's
 * end gives a wake-up. Caller holds cq->mutex.
 */
static bool optee_cq_other_running(struct optee_call_queue *cq,
				   struct optee_call_waiter *w)
{
	struct optee_call_waiter *o;

	TAILQ_FOREACH(o, &cq->waiters, link)
		if (o != w && o->state != OPTEE_CQ_WAITING)
			return true;
	return false;
}

/*
 * After ETHREAD_LIMIT: wait for a caller to leave. When no other caller
 * runs, no call of this driver can end and wake us: the firmware's thread
 * is held where the driver does not see it (another user of the secure
 * world, a thread it was slow to give back). Linux sleeps for good there;
 * we look again every OPTEE_CQ_RETRY_MS instead (found by the fault
 * matrix: ETHREAD_LIMIT injected once at any yielding call hung the
 * single caller).
 */
void optee_cq_wait_for_completion(struct optee_call_queue *cq,
				  struct optee_call_waiter *w)
{
	bool alone;

	rt_mutex_lock(&cq->mutex);
	w->state = OPTEE_CQ_WAITING;
	alone = !optee_cq_other_running(cq, w);
	optee_cq_trace(cq, SMCSIM_TEV_BEGIN, "ETHREAD_LIMIT");
	rt_mutex_unlock(&cq->mutex);
	if (alone)
		(void)rt_wait_for_completion_timeout(&w->c, OPTEE_CQ_RETRY_MS);
	else
		rt_wait_for_completion(&w->c);
	rt_mutex_lock(&cq->mutex);
	optee_cq_requeue(cq, w);
	optee_cq_trace(cq, SMCSIM_TEV_END, "ETHREAD_LIMIT");
	rt_mutex_unlock(&cq->mutex);
}

/*
 * Give @w a wake-up and count where it went (struct optee_cq_info).
 * Caller holds cq->mutex.
 */
static void optee_cq_wake(struct optee_call_queue *cq,
			  struct optee_call_waiter *w)
{
	struct optee_call_waiter *o;
	bool other_asleep = false;

	TAILQ_FOREACH(o, &cq->waiters, link)
		if (o != w && o->state == OPTEE_CQ_WAITING &&
		    !rt_completion_done(&o->c))
			other_asleep = true;
	cq->wakes++;
	if (w->state == OPTEE_CQ_WOKEN)
		cq->wakes_again++;
	else if (w->state == OPTEE_CQ_RUNNING && other_asleep)
		cq->wakes_busy++;
	if (w->state == OPTEE_CQ_WAITING)
		w->state = OPTEE_CQ_WOKEN;
	rt_complete(&w->c);
}

#define CQ_STATE(s)	(1U << (s))
#define CQ_ANY_STATE	(CQ_STATE(OPTEE_CQ_RUNNING) | \
			 CQ_STATE(OPTEE_CQ_WAITING) | \
			 CQ_STATE(OPTEE_CQ_WOKEN))

/*
 * The first caller in one of @states (CQ_STATE() bits) that has no wake-up
 * pending, a system-thread one first. Caller holds cq->mutex.
 */
static struct optee_call_waiter *optee_cq_first(struct optee_call_queue *cq,
						unsigned int states)
{
	struct optee_call_waiter *w, *first = NULL;

	TAILQ_FOREACH(w, &cq->waiters, link) {
		if (!(states & CQ_STATE(w->state)) ||
		    rt_completion_done(&w->c))
			continue;
		if (w->sys_thread)
			return w;
		if (!first)
			first = w;
	}
	return first;
}

/*
 * Wake one caller asleep in the queue, a system-thread one first. Linux
 * wakes the first caller in the list whose completion is not done, and
 * the list holds running callers too: the wake-up could go to a caller
 * that holds a thread (it passes it on only when its own call ends, which
 * may be never if that call waits for one of the sleepers) or to a caller
 * woken a moment ago that has not looked again (two wake-ups, one waiter),
 * while a sleeper stays asleep with a thread free. Only with nobody asleep
 * does a running caller get it: it may be about to find the firmware out
 * of threads (ETHREAD_LIMIT), and passes it on when done. A caller just
 * woken never does: it looks again anyway. Caller holds cq->mutex.
 */
static void optee_cq_complete_one(struct optee_call_queue *cq)
{
	struct optee_call_waiter *w;

	if (optee_test_planted(OPTEE_PLANT_CQ_WAKE_FIRST_IN_LIST)) {
		/* Linux's rule, for tests/det: whatever state it is in. */
		w = optee_cq_first(cq, CQ_ANY_STATE);
	} else {
		w = optee_cq_first(cq, CQ_STATE(OPTEE_CQ_WAITING));
		if (!w)
			w = optee_cq_first(cq, CQ_STATE(OPTEE_CQ_RUNNING));
	}
	if (w)
		optee_cq_wake(cq, w);
}

/*
 * A secure thread became usable without a call ending (a system thread
 * reservation was given back): wake one waiter to retry.
 */
void optee_cq_wake_one(struct optee_call_queue *cq)
{
	rt_mutex_lock(&cq->mutex);
	optee_cq_complete_one(cq);
	rt_mutex_unlock(&cq->mutex);
}

void optee_cq_wait_final(struct optee_call_queue *cq,
			 struct optee_call_waiter *w)
{
	rt_mutex_lock(&cq->mutex);
	TAILQ_REMOVE(&cq->waiters, w, link);
	if (cq->total_thread_count)
		cq->free_thread_count++;
	optee_cq_complete_one(cq);
	/*
	 * A caller that was woken while it was done with its own call got a
	 * token meant for a waiter: pass it on, or that waiter sleeps until
	 * some later call ends.
	 */
	if (rt_completion_done(&w->c))
		optee_cq_complete_one(cq);
	rt_mutex_unlock(&cq->mutex);
	rt_completion_destroy(&w->c);
}

/* ---- 2. message-argument cache ------------------------------------------ */

size_t optee_msg_arg_size(size_t rpc_param_count)
{
	size_t sz = OPTEE_MSG_GET_ARG_SIZE(MAX_ARG_PARAM_COUNT);

	/* The RPC argument follows the call's when the driver supplies it. */
	if (rpc_param_count)
		sz += OPTEE_MSG_GET_ARG_SIZE(rpc_param_count);
	return sz;
}

void optee_shm_arg_cache_init(struct optee *optee, unsigned int flags)
{
	rt_mutex_init(&optee->shm_arg_cache.mutex);
	TAILQ_INIT(&optee->shm_arg_cache.shm_args);
	optee->shm_arg_cache.flags = flags;
}

void optee_shm_arg_cache_drain(struct optee *optee)
{
	struct optee_shm_arg_entry *entry;

	while ((entry = TAILQ_FIRST(&optee->shm_arg_cache.shm_args))) {
		TAILQ_REMOVE(&optee->shm_arg_cache.shm_args, entry, link);
		tee_shm_free(entry->shm);
		smcsim_free(entry);
	}
}

void optee_shm_arg_cache_uninit(struct optee *optee)
{
	optee_shm_arg_cache_drain(optee);
	rt_mutex_destroy(&optee->shm_arg_cache.mutex);
}

int optee_get_msg_arg(struct tee_context *ctx, size_t num_params,
		      struct optee_shm_arg_entry **entry_ret,
		      struct tee_shm **shm_ret, unsigned int *offs_ret,
		      struct optee_msg_arg **arg_ret)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_shm_arg_cache *cache = &optee->shm_arg_cache;
	size_t sz = optee_msg_arg_size(optee->info.rpc_param_count);
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *ma;
	size_t per_entry, bit;
	int rc;

	if (num_params > MAX_ARG_PARAM_COUNT)
		return -EINVAL;
	per_entry = (cache->flags & OPTEE_SHM_ARG_SHARED) ?
		    SHM_ENTRY_SIZE / sz : 1;

	rt_mutex_lock(&cache->mutex);
	TAILQ_FOREACH(entry, &cache->shm_args, link) {
		for (bit = 0; bit < per_entry; bit++)
			if (!bit_test(entry->map, bit))
				goto have_entry;
	}
	entry = smcsim_zalloc(sizeof(*entry));
	if (!entry) {
		rc = -ENOMEM;
		goto out;
	}
	/*
	 * The cache outlives the caller, so its pages belong to the driver's
	 * own context: a client's context must not be kept alive (and its
	 * sessions open) by a page of arguments.
	 */
	if (cache->flags & OPTEE_SHM_ARG_ALLOC_PRIV)
		rc = tee_shm_alloc_priv_buf(optee->ctx, SHM_ENTRY_SIZE,
					    &entry->shm);
	else
		rc = tee_shm_alloc_kernel_buf(optee->ctx, SHM_ENTRY_SIZE,
					      &entry->shm);
	if (rc) {
		smcsim_free(entry);
		goto out;
	}
	TAILQ_INSERT_HEAD(&cache->shm_args, entry, link);
	bit = 0;
have_entry:
	ma = tee_shm_get_va(entry->shm, bit * sz);
	bit_set(entry->map, bit);
	memset(ma, 0, OPTEE_MSG_GET_ARG_SIZE(num_params));
	ma->num_params = (uint32_t)num_params;
	*entry_ret = entry;
	*shm_ret = entry->shm;
	*offs_ret = (unsigned int)(bit * sz);
	*arg_ret = ma;
	rc = 0;
out:
	rt_mutex_unlock(&cache->mutex);
	return rc;
}

void optee_free_msg_arg(struct tee_context *ctx,
			struct optee_shm_arg_entry *entry, unsigned int offs)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	size_t sz = optee_msg_arg_size(optee->info.rpc_param_count);

	rt_mutex_lock(&optee->shm_arg_cache.mutex);
	bit_clear(entry->map, offs / sz);
	rt_mutex_unlock(&optee->shm_arg_cache.mutex);
}

/* ---- 3. sessions --------------------------------------------------------- */

/* Caller holds ctxdata->mutex. */
static struct optee_session *find_session(struct optee_context_data *ctxdata,
					  uint32_t session_id)
{
	struct optee_session *sess;

	TAILQ_FOREACH(sess, &ctxdata->sess_list, link)
		if (sess->session_id == session_id)
			return sess;
	return NULL;
}

/* Set a failed call's result as Linux does: the communication failed. */
static void msg_arg_comms_error(struct optee_msg_arg *msg_arg)
{
	msg_arg->ret = TEE_ERROR_COMMUNICATION;
	msg_arg->ret_origin = TEEC_ORIGIN_COMMS;
}

int optee_open_session(struct tee_context *ctx,
		       struct tee_ioctl_open_session_arg *arg,
		       struct tee_param *param)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *msg_arg;
	struct optee_session *sess;
	struct tee_shm *shm;
	unsigned int offs;
	int rc;

	if (arg->num_params > TEE_NUM_PARAMS || (arg->num_params && !param))
		return -EINVAL;
	rc = optee_get_msg_arg(ctx, arg->num_params + 2, &entry, &shm, &offs,
			       &msg_arg);
	if (rc)
		return rc;

	msg_arg->cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	msg_arg->cancel_id = arg->cancel_id;
	/* Meta params: the TA's identity, then the client's. */
	msg_arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
				  OPTEE_MSG_ATTR_META;
	msg_arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
				  OPTEE_MSG_ATTR_META;
	memcpy(msg_arg->params[0].u.octets, arg->uuid, TEE_IOCTL_UUID_LEN);
	/*
	 * Linux derives the client UUID from uid/gid for the USER and GROUP
	 * logins; the simulator has no such identities and passes the
	 * caller's. PUBLIC and REE_KERNEL clients are the nil UUID.
	 */
	if (arg->clnt_login != TEE_IOCTL_LOGIN_PUBLIC &&
	    arg->clnt_login != TEE_IOCTL_LOGIN_REE_KERNEL)
		memcpy(msg_arg->params[1].u.octets, arg->clnt_uuid,
		       TEE_IOCTL_UUID_LEN);
	msg_arg->params[1].u.value.c = arg->clnt_login;

	rc = optee_to_msg_param(optee, msg_arg->params + 2, arg->num_params,
				param);
	if (rc)
		goto out;

	sess = smcsim_zalloc(sizeof(*sess));
	if (!sess) {
		rc = -ENOMEM;
		goto out;
	}
	if (optee_smc_do_call_with_arg(ctx, shm, offs, false))
		msg_arg_comms_error(msg_arg);

	if (msg_arg->ret == TEE_SUCCESS) {
		sess->session_id = msg_arg->session;
		rt_mutex_lock(&ctxdata->mutex);
		TAILQ_INSERT_TAIL(&ctxdata->sess_list, sess, link);
		rt_mutex_unlock(&ctxdata->mutex);
	} else {
		smcsim_free(sess);
	}

	if (optee_from_msg_param(optee, param, arg->num_params,
				 msg_arg->params + 2)) {
		arg->ret = TEE_ERROR_COMMUNICATION;
		arg->ret_origin = TEEC_ORIGIN_COMMS;
		/* The secure world has a session the client will not know. */
		if (msg_arg->ret == TEE_SUCCESS)
			optee_close_session(ctx, msg_arg->session);
	} else {
		arg->session = msg_arg->session;
		arg->ret = msg_arg->ret;
		arg->ret_origin = msg_arg->ret_origin;
	}
out:
	optee_free_msg_arg(ctx, entry, offs);
	return rc;
}

int optee_close_session_helper(struct tee_context *ctx, uint32_t session,
			       bool system_thread)
{
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *msg_arg;
	struct tee_shm *shm;
	unsigned int offs;
	int rc;

	rc = optee_get_msg_arg(ctx, 0, &entry, &shm, &offs, &msg_arg);
	if (rc)
		return rc;
	msg_arg->cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	msg_arg->session = session;
	optee_smc_do_call_with_arg(ctx, shm, offs, system_thread);
	optee_free_msg_arg(ctx, entry, offs);
	return 0;
}

/* A system session went: one thread fewer to keep, and a waiter may go. */
static void optee_cq_decr_sys_thread_count(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_call_queue *cq = &optee->call_queue;

	rt_mutex_lock(&cq->mutex);
	if (cq->sys_thread_req_count > 0)
		cq->sys_thread_req_count--;
	optee_cq_complete_one(cq);
	rt_mutex_unlock(&cq->mutex);
}

int optee_system_session(struct tee_context *ctx, uint32_t session)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_call_queue *cq = &optee->call_queue;
	struct optee_session *sess;
	int rc = -EINVAL;

	rt_mutex_lock(&ctxdata->mutex);
	sess = find_session(ctxdata, session);
	if (sess && sess->use_sys_thread) {
		rc = 0;
	} else if (sess) {
		/* Keeping one thread back needs at least two to count on. */
		rt_mutex_lock(&cq->mutex);
		if (cq->total_thread_count > 1) {
			cq->sys_thread_req_count++;
			sess->use_sys_thread = true;
			rc = 0;
		}
		rt_mutex_unlock(&cq->mutex);
	}
	rt_mutex_unlock(&ctxdata->mutex);
	return rc;
}

int optee_close_session(struct tee_context *ctx, uint32_t session)
{
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_session *sess;
	bool system_thread;
	int rc;

	/* Check that the session is valid and remove it from the list. */
	rt_mutex_lock(&ctxdata->mutex);
	sess = find_session(ctxdata, session);
	if (sess)
		TAILQ_REMOVE(&ctxdata->sess_list, sess, link);
	rt_mutex_unlock(&ctxdata->mutex);
	if (!sess)
		return -EINVAL;
	system_thread = sess->use_sys_thread;
	smcsim_free(sess);
	rc = optee_close_session_helper(ctx, session, system_thread);
	if (system_thread)
		optee_cq_decr_sys_thread_count(ctx);
	return rc;
}

int optee_invoke_func(struct tee_context *ctx, struct tee_ioctl_invoke_arg *arg,
		      struct tee_param *param)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *msg_arg;
	struct optee_session *sess;
	bool system_thread;
	struct tee_shm *shm;
	unsigned int offs;
	int rc;

	if (arg->num_params > TEE_NUM_PARAMS || (arg->num_params && !param))
		return -EINVAL;
	rt_mutex_lock(&ctxdata->mutex);
	sess = find_session(ctxdata, arg->session);
	system_thread = sess && sess->use_sys_thread;
	rt_mutex_unlock(&ctxdata->mutex);
	if (!sess)
		return -EINVAL;

	rc = optee_get_msg_arg(ctx, arg->num_params, &entry, &shm, &offs,
			       &msg_arg);
	if (rc)
		return rc;
	msg_arg->cmd = OPTEE_MSG_CMD_INVOKE_COMMAND;
	msg_arg->func = arg->func;
	msg_arg->session = arg->session;
	msg_arg->cancel_id = arg->cancel_id;
	rc = optee_to_msg_param(optee, msg_arg->params, arg->num_params, param);
	if (rc)
		goto out;

	if (optee_smc_do_call_with_arg(ctx, shm, offs, system_thread))
		msg_arg_comms_error(msg_arg);
	if (optee_from_msg_param(optee, param, arg->num_params,
				 msg_arg->params)) {
		msg_arg->ret = TEE_ERROR_COMMUNICATION;
		msg_arg->ret_origin = TEEC_ORIGIN_COMMS;
	}
	arg->ret = msg_arg->ret;
	arg->ret_origin = msg_arg->ret_origin;
out:
	optee_free_msg_arg(ctx, entry, offs);
	return rc;
}

int optee_cancel_req(struct tee_context *ctx, uint32_t cancel_id,
		     uint32_t session)
{
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_shm_arg_entry *entry;
	struct optee_msg_arg *msg_arg;
	struct optee_session *sess;
	struct tee_shm *shm;
	unsigned int offs;
	int rc;

	rt_mutex_lock(&ctxdata->mutex);
	sess = find_session(ctxdata, session);
	rt_mutex_unlock(&ctxdata->mutex);
	if (!sess)
		return -EINVAL;

	rc = optee_get_msg_arg(ctx, 0, &entry, &shm, &offs, &msg_arg);
	if (rc)
		return rc;
	msg_arg->cmd = OPTEE_MSG_CMD_CANCEL;
	msg_arg->session = session;
	msg_arg->cancel_id = cancel_id;
	optee_smc_do_call_with_arg(ctx, shm, offs, false);
	optee_free_msg_arg(ctx, entry, offs);
	return 0;
}

void optee_release_sessions(struct tee_context *ctx)
{
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_session *sess;

	/*
	 * The context is going away (its last reference): close what it
	 * left open. Nobody else can reach the list any more.
	 */
	while ((sess = TAILQ_FIRST(&ctxdata->sess_list))) {
		TAILQ_REMOVE(&ctxdata->sess_list, sess, link);
		optee_close_session_helper(ctx, sess->session_id,
					   sess->use_sys_thread);
		if (sess->use_sys_thread)
			optee_cq_decr_sys_thread_count(ctx);
		smcsim_free(sess);
	}
}

/* ---- async release (cfg.async_release, seed 004) ------------------------- */

/*
 * The QTEE lifetime: when a client closes its device, its sessions are
 * queued here and the call returns at once; the worker closes them with
 * the driver's own context, so delivery does not depend on the client's
 * context, which may be gone by then. A TA's close may itself need a
 * supplicant or a server; the worker waits for it, the client does not.
 */
void optee_release_queue_sessions(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;
	struct optee_release_work *w;
	struct optee_session *sess;

	for (;;) {
		rt_mutex_lock(&ctxdata->mutex);
		sess = TAILQ_FIRST(&ctxdata->sess_list);
		if (sess)
			TAILQ_REMOVE(&ctxdata->sess_list, sess, link);
		rt_mutex_unlock(&ctxdata->mutex);
		if (!sess)
			return;
		w = smcsim_zalloc(sizeof(*w));
		if (!w) {
			/* No memory to defer it: close it now instead. */
			optee_close_session_helper(optee->ctx, sess->session_id,
						   sess->use_sys_thread);
			if (sess->use_sys_thread)
				optee_cq_decr_sys_thread_count(ctx);
			smcsim_free(sess);
			continue;
		}
		w->session_id = sess->session_id;
		w->sys_thread = sess->use_sys_thread;
		smcsim_free(sess);
		rt_mutex_lock(&optee->release_lock);
		TAILQ_INSERT_TAIL(&optee->release_q, w, link);
		optee->release_stats.queued++;
		optee->release_stats.pending++;
		rt_cond_broadcast(&optee->release_cond);
		rt_mutex_unlock(&optee->release_lock);
	}
}

static void *optee_release_worker(void *arg)
{
	struct optee *optee = arg;
	struct optee_release_work *w;

	rt_mutex_lock(&optee->release_lock);
	for (;;) {
		while (!optee->release_stop && TAILQ_EMPTY(&optee->release_q))
			rt_cond_wait(&optee->release_cond, &optee->release_lock);
		w = TAILQ_FIRST(&optee->release_q);
		/* Stop only once drained: queued releases are still delivered. */
		if (!w)
			break;
		TAILQ_REMOVE(&optee->release_q, w, link);
		optee->release_busy = true;
		rt_mutex_unlock(&optee->release_lock);

		optee_close_session_helper(optee->ctx, w->session_id,
					   w->sys_thread);
		if (w->sys_thread)
			optee_cq_decr_sys_thread_count(optee->ctx);
		smcsim_free(w);

		rt_mutex_lock(&optee->release_lock);
		optee->release_busy = false;
		optee->release_stats.delivered++;
		optee->release_stats.pending--;
		rt_cond_broadcast(&optee->release_cond);
	}
	rt_mutex_unlock(&optee->release_lock);
	return NULL;
}

void optee_release_init(struct optee *optee)
{
	rt_mutex_init(&optee->release_lock);
	rt_cond_init(&optee->release_cond);
	TAILQ_INIT(&optee->release_q);
}

int optee_release_start(struct optee *optee)
{
	if (!optee->cfg.async_release)
		return 0;
	return rt_thread_create(&optee->release_thr, "optee-release",
				optee_release_worker, optee);
}

void optee_release_stop(struct optee *optee)
{
	if (!optee->release_thr)
		return;
	rt_mutex_lock(&optee->release_lock);
	optee->release_stop = true;
	rt_cond_broadcast(&optee->release_cond);
	rt_mutex_unlock(&optee->release_lock);
	rt_thread_join(optee->release_thr, NULL);
	optee->release_thr = NULL;
}

void optee_release_fini(struct optee *optee)
{
	rt_cond_destroy(&optee->release_cond);
	rt_mutex_destroy(&optee->release_lock);
}

void optee_get_release_info(struct optee *optee, struct optee_release_info *ri)
{
	rt_mutex_lock(&optee->release_lock);
	*ri = optee->release_stats;
	rt_mutex_unlock(&optee->release_lock);
}
