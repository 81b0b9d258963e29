// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE client API for in-kernel clients (after Linux's tee_core.c
 * tee_client_* functions): a context on a device, and sessions, commands
 * and cancellation through the driver's ops. Arguments are checked here
 * once so drivers see only well-formed calls.
 */
#include <errno.h>

#include <smcsim/tee_core.h>

int tee_client_open_context(struct tee_device *teedev, struct tee_context **out)
{
	int rc = teedev_open(teedev, out);

	if (!rc)
		(*out)->supp_nowait = true;
	return rc;
}

void tee_client_close_context(struct tee_context *ctx)
{
	/* Closing a context gives back every thread it reserved. */
	while (atomic_load(&ctx->system_ctx_count))
		tee_client_release_system_context(ctx);
	teedev_close_context(ctx);
}

int tee_client_request_system_context(struct tee_context *ctx)
{
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;
	int rc;

	if (!ops->system_ctx_request || !ops->system_ctx_release)
		return -EINVAL;
	rc = ops->system_ctx_request(ctx);
	if (!rc)
		atomic_fetch_add(&ctx->system_ctx_count, 1);
	return rc;
}

void tee_client_release_system_context(struct tee_context *ctx)
{
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;
	unsigned int n = atomic_load(&ctx->system_ctx_count);

	/* Releasing what was never requested changes nothing. */
	while (n) {
		if (atomic_compare_exchange_weak(&ctx->system_ctx_count, &n,
						 n - 1)) {
			if (ops->system_ctx_release)
				ops->system_ctx_release(ctx);
			return;
		}
	}
}

int tee_client_system_session(struct tee_context *ctx, uint32_t session)
{
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;

	if (!ops->system_session)
		return -EINVAL;
	return ops->system_session(ctx, session);
}

/* Check the params a client passes: types, and memrefs inside their shm. */
static int tee_client_check_params(struct tee_context *ctx,
				   const struct tee_param *param, uint32_t n)
{
	uint32_t i;

	if (n > TEE_NUM_PARAMS || (n && !param))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const struct tee_param *p = &param[i];

		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_NONE:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			if (!p->u.memref.shm) {
				/* A NULL memref needs the capability. */
				if (!ctx->cap_memref_null ||
				    p->u.memref.shm_offs)
					return -EINVAL;
				break;
			}
			if (p->u.memref.shm->teedev != ctx->teedev ||
			    p->u.memref.shm_offs > p->u.memref.shm->size ||
			    p->u.memref.size >
			    p->u.memref.shm->size - p->u.memref.shm_offs)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

int tee_client_open_session(struct tee_context *ctx,
			    struct tee_ioctl_open_session_arg *arg,
			    struct tee_param *param)
{
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;
	int rc;

	if (!ops->open_session)
		return -EINVAL;
	rc = tee_client_check_params(ctx, param, arg->num_params);
	if (rc)
		return rc;
	return ops->open_session(ctx, arg, param);
}

int tee_client_close_session(struct tee_context *ctx, uint32_t session)
{
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;

	if (!ops->close_session)
		return -EINVAL;
	return ops->close_session(ctx, session);
}

int tee_client_invoke_func(struct tee_context *ctx,
			   struct tee_ioctl_invoke_arg *arg,
			   struct tee_param *param)
{
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;
	int rc;

	if (!ops->invoke_func)
		return -EINVAL;
	rc = tee_client_check_params(ctx, param, arg->num_params);
	if (rc)
		return rc;
	return ops->invoke_func(ctx, arg, param);
}

int tee_client_cancel_req(struct tee_context *ctx, uint32_t cancel_id,
			  uint32_t session)
{
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;

	if (!ops->cancel_req)
		return -EINVAL;
	return ops->cancel_req(ctx, cancel_id, session);
}

int tee_supp_recv(struct tee_context *ctx, uint32_t *func,
		  uint32_t *num_params, struct tee_param *param)
{
	const struct tee_driver_ops *ops;

	if (!ctx || !func || !num_params || (*num_params && !param))
		return -EINVAL;
	ops = ctx->teedev->desc->ops;
	if (!ops->supp_recv)
		return -EINVAL;
	return ops->supp_recv(ctx, func, num_params, param);
}

int tee_supp_send(struct tee_context *ctx, uint32_t ret, uint32_t num_params,
		  struct tee_param *param)
{
	const struct tee_driver_ops *ops;

	if (!ctx || (num_params && !param))
		return -EINVAL;
	ops = ctx->teedev->desc->ops;
	if (!ops->supp_send)
		return -EINVAL;
	return ops->supp_send(ctx, ret, num_params, param);
}

int tee_supp_register_server(struct tee_context *ctx, const uint8_t uuid[16])
{
	const struct tee_driver_ops *ops;

	if (!ctx || !uuid)
		return -EINVAL;
	ops = ctx->teedev->desc->ops;
	if (!ops->supp_register_server)
		return -EINVAL;
	return ops->supp_register_server(ctx, uuid);
}
