// SPDX-License-Identifier: BSD-2-Clause
/*
 * Trusted applications and sessions (OP-TEE's tee_ta_manager and the
 * OPEN/INVOKE/CLOSE/CANCEL message commands, docs/abi.md sections 6.3,
 * 6.4 and 13):
 *
 *  1. registry: TAs by UUID, sessions by id (libbsd sys/tree.h)
 *  2. parameters: optee_msg params -> the TA's view and back
 *  3. calling a TA, with panic unwinding
 *  4. finding or loading a TA, one load per UUID at a time
 *  5. the message commands
 *  6. services a TA may use
 *
 * Result origins follow OP-TEE: what the TA answers has origin TRUSTED_APP,
 * what the framework refuses (no such session, bad parameters, a dead TA)
 * has origin TEE. A session in use by a call is only freed when the last
 * call on it ends, so CLOSE_SESSION can never pull it from under a TA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

/* ---- 1. registry --------------------------------------------------------- */

static int sw_session_cmp(const struct sw_session *a, const struct sw_session *b)
{
	return a->id < b->id ? -1 : a->id > b->id;
}

RB_GENERATE_STATIC(sw_session_tree, sw_session, link, sw_session_cmp)

/* Caller holds sw->ta_lock. TAs are never removed while the world lives. */
static struct sw_ta *sw_ta_find(struct smcsim_sw *sw,
				const struct smcsim_uuid *uuid)
{
	struct sw_ta *ta;

	TAILQ_FOREACH(ta, &sw->tas, link)
		if (smcsim_uuid_equal(&ta->desc.uuid, uuid))
			return ta;
	return NULL;
}

struct sw_ta *sw_ta_lookup(struct smcsim_sw *sw, const struct smcsim_uuid *uuid)
{
	struct sw_ta *ta;

	rt_mutex_lock(&sw->ta_lock);
	ta = sw_ta_find(sw, uuid);
	rt_mutex_unlock(&sw->ta_lock);
	return ta;
}

int smcsim_sw_register_ta(struct smcsim_sw *sw, const struct smcsim_ta_desc *desc)
{
	struct sw_ta *ta;

	if (!desc || !desc->ops || !desc->ops->invoke)
		return -EINVAL;
	ta = smcsim_zalloc(sizeof(*ta));
	if (!ta)
		return -ENOMEM;
	ta->desc = *desc;

	rt_mutex_lock(&sw->ta_lock);
	if (sw_ta_find(sw, &desc->uuid)) {
		rt_mutex_unlock(&sw->ta_lock);
		smcsim_free(ta);
		return -EEXIST;
	}
	TAILQ_INSERT_TAIL(&sw->tas, ta, link);
	rt_mutex_unlock(&sw->ta_lock);
	return 0;
}

size_t sw_ta_list_devices(struct smcsim_sw *sw, struct smcsim_uuid *out,
			  size_t max)
{
	struct sw_ta *ta;
	size_t n = 0;

	rt_mutex_lock(&sw->ta_lock);
	TAILQ_FOREACH(ta, &sw->tas, link) {
		if (!(ta->desc.flags & SMCSIM_TA_FLAG_DEVICE))
			continue;
		if (n < max)
			out[n] = ta->desc.uuid;
		n++;
	}
	rt_mutex_unlock(&sw->ta_lock);
	return n;
}

unsigned int smcsim_sw_session_count(struct smcsim_sw *sw)
{
	unsigned int n;

	rt_mutex_lock(&sw->ta_lock);
	n = sw->session_count;
	rt_mutex_unlock(&sw->ta_lock);
	return n;
}

/* ---- 2. parameters ------------------------------------------------------- */

/**
 * struct sw_params - a call's parameters as the TA sees them
 * @ptypes:	GP parameter types
 * @ta:		what the TA gets
 * @mem:	the checked window behind each memref
 * @bounce:	the TA's private copy of each memref
 * @size:	the size the normal world gave for each memref
 * @prot_mask:	bit i set when memref i is protected memory
 */
struct sw_params {
	uint32_t ptypes;
	uint32_t prot_mask;
	union smcsim_ta_param ta[SMCSIM_TA_NUM_PARAMS];
	struct sw_mem mem[SMCSIM_TA_NUM_PARAMS];
	void *bounce[SMCSIM_TA_NUM_PARAMS];
	uint64_t size[SMCSIM_TA_NUM_PARAMS];
};

static void sw_params_release(struct smcsim_sw *sw, struct sw_params *pp)
{
	unsigned int i;

	for (i = 0; i < SMCSIM_TA_NUM_PARAMS; i++) {
		sw_mem_release(sw, &pp->mem[i]);
		smcsim_free(pp->bounce[i]);
		pp->bounce[i] = NULL;
	}
}

/* [@pa, +@size) (at least a byte) lies in the reserved shm. */
static bool sw_param_in_reserved_shm(struct smcsim_sw *sw, uint64_t pa,
				     uint64_t size)
{
	enum smcsim_mem_kind kind;

	return sw->cfg.reserved_shm &&
	       !smcsim_phys_kind(sw->cfg.phys, pa, size ? size : 1, &kind) &&
	       kind == SMCSIM_MEM_NS_SHM;
}

static uint32_t sw_param_mem_in(struct smcsim_sw *sw,
				const struct optee_msg_param *mp,
				struct sw_params *pp, unsigned int i)
{
	uint64_t type = mp->attr & OPTEE_MSG_ATTR_TYPE_MASK;
	uint64_t size;
	int rc = 0;

	if (type >= OPTEE_MSG_ATTR_TYPE_TMEM_INPUT) {
		size = mp->u.tmem.size;
		if (!mp->u.tmem.buf_ptr) {
			/*
			 * A NULL memref (MEMREF_NULL capability): the TA gets
			 * it with size 0 whatever size was given, as OP-TEE's
			 * set_tmem_param() hands it over.
			 */
			pp->ta[i].memref.buffer = NULL;
			pp->ta[i].memref.size = 0;
			pp->size[i] = 0;
			return TEE_SUCCESS;
		}
		if (mp->attr & OPTEE_MSG_ATTR_NONCONTIG) {
			if (sw_mem_from_pagelist(sw, mp->u.tmem.buf_ptr, size,
						 &pp->mem[i]))
				rc = -EFAULT;
		} else {
			/*
			 * The reserved shm, else protected memory by address
			 * (OP-TEE's set_tmem_param(): the reserved shm, the
			 * SDP regions, then lent memory); other non-secure
			 * memory only by page list.
			 */
			rc = sw_param_in_reserved_shm(sw, mp->u.tmem.buf_ptr,
						      size) ?
			     sw_mem_from_pa(sw, mp->u.tmem.buf_ptr, size,
					    &pp->mem[i]) : -EFAULT;
			if (rc)
				rc = sw_mem_from_protmem_pa(sw,
							    mp->u.tmem.buf_ptr,
							    size, &pp->mem[i]);
		}
	} else {
		size = mp->u.rmem.size;
		/* A cookie names registered shm or lent protected memory. */
		rc = sw_mem_from_shm(sw, mp->u.rmem.shm_ref, mp->u.rmem.offs,
				     size, &pp->mem[i]);
		/*
		 * Registered shm with a window outside it: SECURITY, as
		 * OP-TEE's set_rmem_param() answers (observed).
		 */
		if (rc == -EFAULT)
			return TEE_ERROR_SECURITY;
		if (rc == -ENOENT)
			rc = sw_mem_from_protmem_cookie(sw, mp->u.rmem.shm_ref,
							mp->u.rmem.offs, size,
							&pp->mem[i]);
	}
	if (rc || size > SIZE_MAX)
		return TEE_ERROR_BAD_PARAMETERS;
	if (pp->mem[i].prot)
		pp->prot_mask |= 1U << i;

	pp->bounce[i] = smcsim_zalloc((size_t)size);
	if (!pp->bounce[i])
		return TEE_ERROR_OUT_OF_MEMORY;
	/*
	 * Outputs too: an OP-TEE TA works on the memory itself, so the bytes
	 * it does not write keep what the caller had there.
	 */
	if (sw_mem_read(sw, &pp->mem[i], 0, pp->bounce[i], (size_t)size))
		return TEE_ERROR_BAD_PARAMETERS;
	pp->ta[i].memref.buffer = pp->bounce[i];
	pp->ta[i].memref.size = (size_t)size;
	pp->size[i] = size;
	return TEE_SUCCESS;
}

static uint32_t sw_params_in(struct smcsim_sw *sw,
			     const struct optee_msg_param *mp, uint32_t n,
			     struct sw_params *pp)
{
	uint32_t res = TEE_SUCCESS;
	unsigned int i;

	memset(pp, 0, sizeof(*pp));
	if (n > SMCSIM_TA_NUM_PARAMS)
		return TEE_ERROR_BAD_PARAMETERS;
	for (i = 0; i < n && !res; i++) {
		uint64_t type = mp[i].attr & OPTEE_MSG_ATTR_TYPE_MASK;
		uint32_t gp;

		/*
		 * As OP-TEE's copy_in_params(): META is refused, the other
		 * attribute bits are not looked at (NONCONTIG only for TMEM).
		 */
		if (mp[i].attr & OPTEE_MSG_ATTR_META) {
			res = TEE_ERROR_BAD_PARAMETERS;
			break;
		}
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_NONE:
			gp = SMCSIM_TA_PARAM_NONE;
			break;
		case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			gp = (uint32_t)type;
			pp->ta[i].value.a = (uint32_t)mp[i].u.value.a;
			pp->ta[i].value.b = (uint32_t)mp[i].u.value.b;
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			/* RMEM 5..7 and TMEM 9..11 map to MEMREF 5..7. */
			gp = (uint32_t)(type >= OPTEE_MSG_ATTR_TYPE_TMEM_INPUT ?
					type - 4 : type);
			res = sw_param_mem_in(sw, &mp[i], pp, i);
			break;
		default:
			gp = SMCSIM_TA_PARAM_NONE;
			res = TEE_ERROR_BAD_PARAMETERS;
			break;
		}
		pp->ptypes |= gp << (i * 4);
	}
	if (res)
		sw_params_release(sw, pp);
	return res;
}

/*
 * Write the TA's outputs back into the message and, when the TA succeeded
 * (@res), into the memory behind its memrefs. A TA that fails has written
 * nothing there in OP-TEE, where it works on the memory itself; copying its
 * private buffers back anyway would put bytes into the caller's memory (or
 * decoded data next to protected memory) that no TA wrote.
 */
static void sw_params_out(struct smcsim_sw *sw, struct optee_msg_param *mp,
			  uint32_t n, struct sw_params *pp, uint32_t res)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t gp = SMCSIM_TA_PARAM_TYPE_GET(pp->ptypes, i);
		uint64_t type = mp[i].attr & OPTEE_MSG_ATTR_TYPE_MASK;
		size_t got;

		switch (gp) {
		case SMCSIM_TA_PARAM_VALUE_OUTPUT:
		case SMCSIM_TA_PARAM_VALUE_INOUT:
			/* a and b only: OP-TEE leaves c as it was. */
			mp[i].u.value.a = pp->ta[i].value.a;
			mp[i].u.value.b = pp->ta[i].value.b;
			break;
		case SMCSIM_TA_PARAM_MEMREF_OUTPUT:
		case SMCSIM_TA_PARAM_MEMREF_INOUT:
			got = pp->ta[i].memref.size;
			/* Copy back only what fits in what the caller gave. */
			if (res == TEE_SUCCESS && pp->bounce[i] &&
			    got <= pp->size[i])
				sw_mem_write(sw, &pp->mem[i], 0, pp->bounce[i],
					     got);
			if (type >= OPTEE_MSG_ATTR_TYPE_TMEM_INPUT)
				mp[i].u.tmem.size = got;
			else
				mp[i].u.rmem.size = got;
			break;
		default:
			break;
		}
	}
	sw_params_release(sw, pp);
}

/* ---- 3. calling a TA ----------------------------------------------------- */

enum sw_ta_op { SW_TA_OPEN, SW_TA_INVOKE, SW_TA_CLOSE };

/*
 * Run one TA entry point on thread @t (NULL while the world is destroyed).
 * smcsim_ta_panic() longjmps back here. Return: the TA's result, or
 * TEE_ERROR_TARGET_DEAD with *@panicked set.
 */
static uint32_t sw_ta_call(struct sw_thread *t, struct sw_session *sess,
			   enum sw_ta_op op, uint32_t cmd, struct sw_params *pp,
			   bool *panicked)
{
	const struct smcsim_ta_ops *ops = sess->ta->desc.ops;
	jmp_buf jmp;
	struct smcsim_ta_sess h = { .sess = sess, .t = t, .jmp = &jmp,
				    .prot_mask = pp->prot_mask };
	volatile uint32_t res = TEE_SUCCESS;

	*panicked = false;
	if (setjmp(jmp)) {
		*panicked = true;
		return TEE_ERROR_TARGET_DEAD;
	}
	switch (op) {
	case SW_TA_OPEN:
		if (ops->open_session)
			res = ops->open_session(&h, pp->ptypes, pp->ta);
		break;
	case SW_TA_INVOKE:
		res = ops->invoke(&h, cmd, pp->ptypes, pp->ta);
		break;
	case SW_TA_CLOSE:
		if (ops->close_session)
			ops->close_session(&h);
		break;
	}
	return res;
}

static void sw_session_free(struct sw_thread *t, struct sw_session *sess)
{
	struct sw_params none = { 0 };
	bool panicked;

	if (!sess->dead)
		sw_ta_call(t, sess, SW_TA_CLOSE, 0, &none, &panicked);
	smcsim_free(sess);
}

/* Drop a call's hold on @sess; the last one after CLOSE frees it. */
static void sw_session_put(struct sw_thread *t, struct smcsim_sw *sw,
			   struct sw_session *sess)
{
	bool last;

	rt_mutex_lock(&sw->ta_lock);
	last = !--sess->users && sess->closed;
	rt_mutex_unlock(&sw->ta_lock);
	if (last)
		sw_session_free(t, sess);
}

/*
 * Caller holds sw->ta_lock. Return: a free id for a new session, 0 if
 * none is left. As OP-TEE's new_session_id(): the id after the one of the
 * session begun last that is still there (1 when there is none), or the
 * next free one after it, never 0. Sessions still being opened count.
 */
static uint32_t sw_session_new_id(struct smcsim_sw *sw)
{
	struct sw_session *last = TAILQ_LAST(&sw->session_order,
					     sw_session_list);
	struct sw_session *s;
	uint32_t id = 1, first;
	bool used;

	if (last) {
		id = last->id + 1;
		if (!id)
			id++;
	}
	first = id;
	do {
		used = false;
		TAILQ_FOREACH(s, &sw->session_order, order) {
			if (s->id == id) {
				used = true;
				break;
			}
		}
		if (!used)
			return id;
		id++;
		if (!id)
			id++;
	} while (id != first);
	return 0;
}

/* The session leaves the list new ids are taken from; caller holds ta_lock. */
static void sw_session_unlist_locked(struct smcsim_sw *sw,
				     struct sw_session *sess)
{
	TAILQ_REMOVE(&sw->session_order, sess, order);
}

static void sw_session_unlist(struct smcsim_sw *sw, struct sw_session *sess)
{
	rt_mutex_lock(&sw->ta_lock);
	sw_session_unlist_locked(sw, sess);
	rt_mutex_unlock(&sw->ta_lock);
}

/* ---- 4. finding or loading a TA ------------------------------------------ */

/**
 * struct sw_ta_loading - a UUID a thread is loading (OP-TEE's user TA
 * context, listed while it initializes), under sw->ta_lock but @mutex
 * @link:	in sw->loading while the load runs
 * @uuid:	what is loaded
 * @refs:	the loader and every waiter; the last one frees it
 * @mutex:	held by the loader for the whole load: another open of the
 *		same UUID waits on it (in the normal world, first come first
 *		woken) and hands it straight on, as OP-TEE's condvar_wait()
 *		on tee_ta_init_cv and its tee_ta_mutex do
 */
struct sw_ta_loading {
	LIST_ENTRY(sw_ta_loading) link;
	struct smcsim_uuid uuid;
	unsigned int refs;
	struct smcsim_sw_mutex *mutex;
};

/* Caller holds sw->ta_lock: drop a reference to @ld. */
static void sw_loading_put_locked(struct sw_ta_loading *ld)
{
	if (--ld->refs)
		return;
	smcsim_sw_mutex_destroy(ld->mutex);
	smcsim_free(ld);
}

/*
 * Wait for the load @ld to end: its mutex, taken and let go at once (the
 * next waiter is woken on the way). Caller holds sw->ta_lock; it is held
 * again on return. Return: false when the wait had to be given up.
 */
static bool sw_loading_wait_locked(struct sw_thread *t,
				   struct sw_ta_loading *ld)
{
	struct smcsim_sw *sw = t->sw;
	uint32_t res;

	ld->refs++;
	rt_mutex_unlock(&sw->ta_lock);
	res = sw_mutex_lock_thread(t, ld->mutex);
	if (!res)
		sw_mutex_unlock_thread(t, ld->mutex);
	rt_mutex_lock(&sw->ta_lock);
	sw_loading_put_locked(ld);
	if (res)
		sw_log(sw, "thread %u: waiting for a TA load failed 0x%x",
		       t->id, res);
	return !res;
}

/*
 * The TA @uuid: registered (built in, or loaded before), or loaded now
 * from the TA stores (sw_ta_load()). While one thread loads a UUID,
 * another open of the same UUID waits for it to finish and looks again,
 * as OP-TEE's tee_ta_init_session_with_context() waits on an
 * initializing context. Return: TEE result, *@out the TA on success.
 */
static uint32_t sw_ta_find_or_load(struct sw_thread *t,
				   const struct smcsim_uuid *uuid,
				   struct sw_ta **out)
{
	struct smcsim_sw *sw = t->sw;
	struct sw_ta_loading *ld;
	uint32_t res;

	rt_mutex_lock(&sw->ta_lock);
	for (;;) {
		*out = sw_ta_find(sw, uuid);
		if (*out) {
			rt_mutex_unlock(&sw->ta_lock);
			return TEE_SUCCESS;
		}
		LIST_FOREACH(ld, &sw->loading, link)
			if (smcsim_uuid_equal(&ld->uuid, uuid))
				break;
		if (!ld)
			break;
		if (!sw_loading_wait_locked(t, ld)) {
			rt_mutex_unlock(&sw->ta_lock);
			return TEE_ERROR_COMMUNICATION;
		}
	}
	ld = smcsim_zalloc(sizeof(*ld));
	if (!ld || smcsim_sw_mutex_create(sw, &ld->mutex)) {
		rt_mutex_unlock(&sw->ta_lock);
		smcsim_free(ld);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	ld->uuid = *uuid;
	ld->refs = 1;
	/* A new mutex is free: taken at once, with no RPC. */
	sw_mutex_lock_thread(t, ld->mutex);
	LIST_INSERT_HEAD(&sw->loading, ld, link);
	rt_mutex_unlock(&sw->ta_lock);

	res = sw_ta_load(t, uuid, out);

	rt_mutex_lock(&sw->ta_lock);
	LIST_REMOVE(ld, link);
	rt_mutex_unlock(&sw->ta_lock);
	/* The state changed: wake the first waiter (condvar_broadcast). */
	sw_mutex_unlock_thread(t, ld->mutex);
	rt_mutex_lock(&sw->ta_lock);
	sw_loading_put_locked(ld);
	rt_mutex_unlock(&sw->ta_lock);
	return res;
}

/* ---- 5. message commands ------------------------------------------------- */

#define SW_META_VALUE (OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META)

/*
 * The client's login, as OP-TEE's get_open_session_meta() takes it: the
 * GP logins and REE_KERNEL; the UUID only for the logins that carry one.
 * Return: false for any other login value.
 */
static bool sw_open_client(const struct optee_msg_param *p, uint32_t *login,
			   struct smcsim_uuid *client)
{
	*login = (uint32_t)p->u.value.c;
	switch (*login) {
	case OPTEE_MSG_LOGIN_PUBLIC:
	case OPTEE_MSG_LOGIN_REE_KERNEL:
		memset(client, 0, sizeof(*client));
		return true;
	case OPTEE_MSG_LOGIN_USER:
	case OPTEE_MSG_LOGIN_GROUP:
	case OPTEE_MSG_LOGIN_APPLICATION:
	case OPTEE_MSG_LOGIN_APPLICATION_USER:
	case OPTEE_MSG_LOGIN_APPLICATION_GROUP:
		smcsim_uuid_from_octets(client, p->u.octets);
		return true;
	default:
		return false;
	}
}

/*
 * OPEN_SESSION in OP-TEE's order (entry_open_session(), then
 * tee_ta_open_session()): the two meta params and the login; the call's
 * params; then the session takes its id and joins the session list before
 * the TA is even looked for (so an open in progress holds its id); then
 * the TA is found, or loaded through the normal world; then its open
 * entry runs. A failure after the id was taken gives the id back. The
 * params are written back whatever the TA answered; arg->session is 0
 * unless the session was opened.
 */
void sw_ta_open_session(struct sw_thread *t, struct optee_msg_arg *arg)
{
	struct smcsim_sw *sw = t->sw;
	struct smcsim_uuid uuid;
	struct sw_session *sess;
	struct sw_params pp;
	struct sw_ta *ta;
	bool panicked;
	uint32_t res;

	arg->ret_origin = TEEC_ORIGIN_TEE;
	arg->session = 0;
	if (arg->num_params < 2 || arg->params[0].attr != SW_META_VALUE ||
	    arg->params[1].attr != SW_META_VALUE) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	smcsim_uuid_from_octets(&uuid, arg->params[0].u.octets);
	sess = smcsim_zalloc(sizeof(*sess));
	if (!sess) {
		arg->ret = TEE_ERROR_OUT_OF_MEMORY;
		return;
	}
	atomic_init(&sess->cancel, false);
	if (!sw_open_client(&arg->params[1], &sess->login, &sess->client)) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		smcsim_free(sess);
		return;
	}
	res = sw_params_in(sw, arg->params + 2, arg->num_params - 2, &pp);
	if (res) {
		arg->ret = res;
		smcsim_free(sess);
		return;
	}

	rt_mutex_lock(&sw->ta_lock);
	sess->id = sw_session_new_id(sw);
	if (sess->id)
		TAILQ_INSERT_TAIL(&sw->session_order, sess, order);
	rt_mutex_unlock(&sw->ta_lock);
	if (!sess->id) {
		arg->ret = TEE_ERROR_OVERFLOW;
		goto err_params;
	}

	/* Unknown: look in the TA stores (secure storage, then LOAD_TA). */
	res = sw_ta_find_or_load(t, &uuid, &ta);
	if (res) {
		arg->ret = res;
		goto err_unlist;
	}
	sess->ta = ta;
	if ((ta->desc.flags & SMCSIM_TA_FLAG_KERNEL_ONLY) &&
	    sess->login != OPTEE_MSG_LOGIN_REE_KERNEL) {
		/* What a TA's open entry refusing the client answers. */
		arg->ret = TEE_ERROR_ACCESS_DENIED;
		arg->ret_origin = TEEC_ORIGIN_TRUSTED_APP;
		goto err_unlist;
	}

	res = sw_ta_call(t, sess, SW_TA_OPEN, 0, &pp, &panicked);
	if (panicked) {
		arg->ret = TEE_ERROR_TARGET_DEAD;
		goto err_unlist;
	}
	sw_params_out(sw, arg->params + 2, arg->num_params - 2, &pp, res);
	arg->ret = res;
	arg->ret_origin = TEEC_ORIGIN_TRUSTED_APP;
	if (res) {
		sw_session_unlist(sw, sess);
		smcsim_free(sess);
		return;
	}
	rt_mutex_lock(&sw->ta_lock);
	RB_INSERT(sw_session_tree, &sw->sessions, sess);
	sw->session_count++;
	rt_mutex_unlock(&sw->ta_lock);
	arg->session = sess->id;
	return;

err_unlist:
	sw_session_unlist(sw, sess);
err_params:
	sw_params_release(sw, &pp);
	smcsim_free(sess);
}

/* Find an open session and hold it for a call. Return: TEE result. */
static uint32_t sw_session_get(struct smcsim_sw *sw, uint32_t id,
			       struct sw_session **out)
{
	struct sw_session key = { .id = id };
	struct sw_session *sess;
	uint32_t res = TEE_SUCCESS;

	rt_mutex_lock(&sw->ta_lock);
	sess = RB_FIND(sw_session_tree, &sw->sessions, &key);
	if (!sess)
		res = TEE_ERROR_BAD_PARAMETERS;
	else if (sess->dead)
		res = TEE_ERROR_TARGET_DEAD;
	else
		sess->users++;
	rt_mutex_unlock(&sw->ta_lock);
	*out = sess;
	return res;
}

/*
 * INVOKE_COMMAND as OP-TEE's entry_invoke_command(): the params are taken
 * first, then the session is looked for (an unknown one is
 * BAD_PARAMETERS, origin TEE).
 */
void sw_ta_invoke(struct sw_thread *t, struct optee_msg_arg *arg)
{
	struct smcsim_sw *sw = t->sw;
	struct sw_session *sess;
	struct sw_params pp;
	bool panicked;
	uint32_t res;

	arg->ret_origin = TEEC_ORIGIN_TEE;
	res = sw_params_in(sw, arg->params, arg->num_params, &pp);
	if (res) {
		arg->ret = res;
		return;
	}
	res = sw_session_get(sw, arg->session, &sess);
	if (res) {
		sw_params_release(sw, &pp);
		arg->ret = res;
		return;
	}
	res = sw_ta_call(t, sess, SW_TA_INVOKE, arg->func, &pp, &panicked);
	atomic_store(&sess->cancel, false);
	if (panicked) {
		sw_log(sw, "session %u: TA %s panicked", sess->id,
		       sess->ta->desc.name ? sess->ta->desc.name : "?");
		rt_mutex_lock(&sw->ta_lock);
		sess->dead = true;
		rt_mutex_unlock(&sw->ta_lock);
		sw_params_release(sw, &pp);
		arg->ret = TEE_ERROR_TARGET_DEAD;
		goto out;
	}
	sw_params_out(sw, arg->params, arg->num_params, &pp, res);
	arg->ret = res;
	arg->ret_origin = TEEC_ORIGIN_TRUSTED_APP;
out:
	sw_session_put(t, sw, sess);
}

/*
 * CLOSE_SESSION as OP-TEE's entry_close_session(): no params allowed
 * (BAD_PARAMETERS); a session that is not open is ITEM_NOT_FOUND; origin
 * TEE in every case.
 */
void sw_ta_close_session(struct sw_thread *t, struct optee_msg_arg *arg)
{
	struct smcsim_sw *sw = t->sw;
	struct sw_session key = { .id = arg->session };
	struct sw_session *sess;

	arg->ret_origin = TEEC_ORIGIN_TEE;
	if (arg->num_params) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	rt_mutex_lock(&sw->ta_lock);
	sess = RB_FIND(sw_session_tree, &sw->sessions, &key);
	if (sess) {
		RB_REMOVE(sw_session_tree, &sw->sessions, sess);
		sw_session_unlist_locked(sw, sess);
		sw->session_count--;
		sess->closed = true;
		sess->users++;
	}
	rt_mutex_unlock(&sw->ta_lock);
	if (!sess) {
		arg->ret = TEE_ERROR_ITEM_NOT_FOUND;
		return;
	}
	sw_session_put(t, sw, sess);
	arg->ret = TEE_SUCCESS;
}

/*
 * CANCEL as OP-TEE's entry_cancel(): no params allowed, an unknown session
 * is BAD_PARAMETERS, origin TEE.
 */
void sw_ta_cancel(struct sw_thread *t, struct optee_msg_arg *arg)
{
	struct smcsim_sw *sw = t->sw;
	struct sw_session key = { .id = arg->session };
	struct sw_session *sess;

	arg->ret_origin = TEEC_ORIGIN_TEE;
	if (arg->num_params) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	rt_mutex_lock(&sw->ta_lock);
	sess = RB_FIND(sw_session_tree, &sw->sessions, &key);
	if (sess)
		atomic_store(&sess->cancel, true);
	rt_mutex_unlock(&sw->ta_lock);
	arg->ret = sess ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
}

int sw_ta_init(struct smcsim_sw *sw)
{
	int rc;

	rt_mutex_init(&sw->ta_lock);
	TAILQ_INIT(&sw->tas);
	RB_INIT(&sw->sessions);
	TAILQ_INIT(&sw->session_order);
	LIST_INIT(&sw->loading);
	TAILQ_INIT(&sw->programs);
	rc = smcsim_sw_mutex_create(sw, &sw->tadb_mutex);
	if (rc)
		return rc;
	rc = sw_ta_register_builtins(sw);
	return rc ? rc : sw_ta_load_init(sw);
}

void sw_ta_fini(struct smcsim_sw *sw)
{
	struct sw_session *sess, *next;
	struct sw_ta *ta;

	/* Sessions the normal world never closed: let their TAs clean up. */
	RB_FOREACH_SAFE(sess, sw_session_tree, &sw->sessions, next) {
		RB_REMOVE(sw_session_tree, &sw->sessions, sess);
		TAILQ_REMOVE(&sw->session_order, sess, order);
		sw_session_free(NULL, sess);
	}
	sw->session_count = 0;
	while ((ta = TAILQ_FIRST(&sw->tas))) {
		TAILQ_REMOVE(&sw->tas, ta, link);
		smcsim_free(ta);
	}
	sw_ta_load_fini(sw);
	smcsim_sw_mutex_destroy(sw->tadb_mutex);
	sw->tadb_mutex = NULL;
	rt_mutex_destroy(&sw->ta_lock);
}

/* ---- 6. services --------------------------------------------------------- */

void *smcsim_ta_priv(struct smcsim_ta_sess *s)
{
	return s->sess->ta->desc.priv;
}

void *smcsim_ta_session_ctx(struct smcsim_ta_sess *s)
{
	return s->sess->ctx;
}

void smcsim_ta_set_session_ctx(struct smcsim_ta_sess *s, void *ctx)
{
	s->sess->ctx = ctx;
}

uint32_t smcsim_ta_login(struct smcsim_ta_sess *s)
{
	return s->sess->login;
}

const struct smcsim_uuid *smcsim_ta_client(struct smcsim_ta_sess *s)
{
	return &s->sess->client;
}

struct smcsim_sw *smcsim_ta_world(struct smcsim_ta_sess *s)
{
	return s->t ? s->t->sw : NULL;
}

bool smcsim_ta_param_is_protected(struct smcsim_ta_sess *s, unsigned int idx)
{
	return idx < SMCSIM_TA_NUM_PARAMS && (s->prot_mask & (1U << idx));
}

unsigned int smcsim_ta_thread_id(struct smcsim_ta_sess *s)
{
	return s->t ? s->t->id : (unsigned int)-1;
}

uint32_t smcsim_ta_rpc(struct smcsim_ta_sess *s, uint32_t cmd,
		       struct optee_msg_param *params, uint32_t num_params)
{
	if (!s->t)
		return TEE_ERROR_COMMUNICATION;
	return sw_rpc_cmd(s->t, cmd, params, num_params);
}

uint32_t smcsim_ta_suspend(struct smcsim_ta_sess *s, uint32_t ms)
{
	struct optee_msg_param p = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		.u.value.a = ms,
	};

	return smcsim_ta_rpc(s, OPTEE_RPC_CMD_SUSPEND, &p, 1);
}

uint32_t smcsim_ta_get_time(struct smcsim_ta_sess *s, uint64_t *sec,
			    uint32_t *nsec)
{
	struct optee_msg_param p = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT,
	};
	uint32_t res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_GET_TIME, &p, 1);

	if (!res) {
		*sec = p.u.value.a;
		*nsec = (uint32_t)p.u.value.b;
	}
	return res;
}

bool smcsim_ta_cancelled(struct smcsim_ta_sess *s)
{
	return atomic_load(&s->sess->cancel);
}

_Noreturn void smcsim_ta_panic(struct smcsim_ta_sess *s, uint32_t code)
{
	struct smcsim_sw *sw = s->t ? s->t->sw : NULL;

	if (sw)
		sw_log(sw, "TA panic 0x%x", code);
	longjmp(*s->jmp, 1);
}
