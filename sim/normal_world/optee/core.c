// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OP-TEE driver's TEE-core glue (after Linux's optee/core.c): the two
 * device descriptors and their context operations, and the driver's log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <smcsim/alloc.h>
#include <smcsim/log.h>

#include "optee_private.h"

#define TEE_OPTEE_CAP_TZ	(1U << 0)

void optee_log(const struct optee_probe_cfg *cfg, const char *fmt, ...)
{
	va_list ap;

	if (!cfg->log)
		return;
	va_start(ap, fmt);
	smcsim_vlog("optee", fmt, ap);
	va_end(ap);
}

static void optee_get_version(struct tee_device *teedev,
			      struct tee_ioctl_version_data *vers)
{
	struct optee *optee = tee_get_drvdata(teedev);

	*vers = (struct tee_ioctl_version_data){
		.impl_id = TEE_IMPL_ID_OPTEE,
		.impl_caps = TEE_OPTEE_CAP_TZ,
		.gen_caps = TEE_GEN_CAP_GP,
	};
	if (optee->info.sec_caps & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM)
		vers->gen_caps |= TEE_GEN_CAP_REG_MEM;
	if (optee->info.sec_caps & OPTEE_SMC_SEC_CAP_MEMREF_NULL)
		vers->gen_caps |= TEE_GEN_CAP_MEMREF_NULL;
	if (teedev->desc && (teedev->desc->flags & TEE_DESC_PRIVILEGED))
		vers->gen_caps |= TEE_GEN_CAP_PRIVILEGED;
}

static int optee_open(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata;

	ctxdata = smcsim_zalloc(sizeof(*ctxdata));
	if (!ctxdata)
		return -ENOMEM;
	/*
	 * A device being removed takes no new clients (Linux removes the
	 * cdev first); -EINVAL as teedev_open() has for a device going away.
	 */
	rt_mutex_lock(&optee->ctx_lock);
	if (optee->removing) {
		rt_mutex_unlock(&optee->ctx_lock);
		smcsim_free(ctxdata);
		return -EINVAL;
	}
	optee->num_ctx++;
	rt_mutex_unlock(&optee->ctx_lock);
	rt_mutex_init(&ctxdata->mutex);
	TAILQ_INIT(&ctxdata->sess_list);
	ctxdata->supp = ctx->teedev->desc->flags & TEE_DESC_PRIVILEGED;
	/* One supplicant per device: a second open of teepriv is -EBUSY. */
	if (ctxdata->supp && optee_supp_open(optee, ctx)) {
		rt_mutex_destroy(&ctxdata->mutex);
		smcsim_free(ctxdata);
		rt_mutex_lock(&optee->ctx_lock);
		optee->num_ctx--;
		rt_cond_broadcast(&optee->ctx_cond);
		rt_mutex_unlock(&optee->ctx_lock);
		return -EBUSY;
	}
	ctx->data = ctxdata;
	ctx->cap_memref_null = optee->info.sec_caps &
			       OPTEE_SMC_SEC_CAP_MEMREF_NULL;
	return 0;
}

/*
 * The last reference to the context went: close the sessions it left open
 * (seed 000: not at file close, which only drops the file's reference).
 * That needs the driver whole (argument cache, its own context), so
 * optee_remove() waits for every context to get here before it takes the
 * driver apart; the device user this context's holder still has keeps
 * remove from freeing @optee before this returns.
 */
static void optee_release(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);
	struct optee_context_data *ctxdata = ctx->data;

	optee_release_sessions(ctx);
	if (ctxdata->supp)
		optee_supp_close_context(ctx);
	optee_supp_server_close(ctx);
	/* A context that goes away gives back the threads it reserved. */
	while (atomic_load(&ctx->system_ctx_count))
		tee_client_release_system_context(ctx);
	rt_mutex_destroy(&ctxdata->mutex);
	smcsim_free(ctxdata);
	ctx->data = NULL;

	rt_mutex_lock(&optee->ctx_lock);
	optee->num_ctx--;
	rt_cond_broadcast(&optee->ctx_cond);
	rt_mutex_unlock(&optee->ctx_lock);
}

/*
 * A client closed its device. A server stops serving now. With async
 * release its sessions go to the release worker now too; otherwise they
 * close when the last reference to the context goes, as in Linux.
 */
static void optee_clnt_close_context(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);

	optee_supp_server_close(ctx);
	if (optee->cfg.async_release)
		optee_release_queue_sessions(ctx);
}

static const struct tee_driver_ops optee_clnt_ops = {
	.get_version = optee_get_version,
	.open = optee_open,
	.close_context = optee_clnt_close_context,
	.release = optee_release,
	.supp_recv = optee_supp_recv,
	.supp_send = optee_supp_send,
	.supp_register_server = optee_supp_server_register,
	.open_session = optee_open_session,
	.close_session = optee_close_session,
	.invoke_func = optee_invoke_func,
	.cancel_req = optee_cancel_req,
	.shm_register = optee_shm_register,
	.shm_unregister = optee_shm_unregister,
	.system_ctx_request = optee_request_sys_ctx,
	.system_ctx_release = optee_release_sys_ctx,
	.system_session = optee_system_session,
};

const struct tee_desc optee_clnt_desc = {
	.name = "optee-clnt",
	.ops = &optee_clnt_ops,
};

/*
 * The supplicant's memory is not registered with OP-TEE (as in Linux): the
 * secure world learns of it only in the RPCs that name it.
 */
static int optee_shm_register_supp(struct tee_context *ctx, struct tee_shm *shm,
				   const uint64_t *pages, size_t num_pages,
				   uintptr_t start)
{
	return 0;
}

static int optee_shm_unregister_supp(struct tee_context *ctx,
				     struct tee_shm *shm)
{
	return 0;
}

/*
 * The supplicant closed its device (it died, or exited): its requests end
 * now, not when the last reference to its context goes, which the shm the
 * secure world still holds of it could delay for ever.
 */
void optee_supp_close_context(struct tee_context *ctx)
{
	struct optee *optee = tee_get_drvdata(ctx->teedev);

	rt_mutex_lock(&optee->supp.mutex);
	if (optee->supp.ctx != ctx) {
		rt_mutex_unlock(&optee->supp.mutex);
		return;
	}
	rt_mutex_unlock(&optee->supp.mutex);
	optee_supp_release(&optee->supp);
	/* optee_remove() may wait for this to free application memory. */
	rt_mutex_lock(&optee->ctx_lock);
	rt_cond_broadcast(&optee->ctx_cond);
	rt_mutex_unlock(&optee->ctx_lock);
}

static const struct tee_driver_ops optee_supp_ops = {
	.get_version = optee_get_version,
	.open = optee_open,
	.close_context = optee_supp_close_context,
	.release = optee_release,
	.supp_recv = optee_supp_recv,
	.supp_send = optee_supp_send,
	/* Refuses (-EBUSY): the supplicant serves the default queue. */
	.supp_register_server = optee_supp_server_register,
	.shm_register = optee_shm_register_supp,
	.shm_unregister = optee_shm_unregister_supp,
};

const struct tee_desc optee_supp_desc = {
	.name = "optee-supp",
	.ops = &optee_supp_ops,
	.flags = TEE_DESC_PRIVILEGED,
};
