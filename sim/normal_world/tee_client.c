// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE client API for in-kernel clients (after Linux's tee_core.c
 * tee_client_* functions): a context on a device, and sessions, commands
 * and cancellation through the driver's ops. Arguments are checked here
 * once so drivers see only well-formed calls.
 */
#include <errno.h>
#include <sha1.h>
#include <stdio.h>
#include <string.h>

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

/* Linux's namespace for client UUIDs (a random UUIDv4), RFC 4122 order. */
static const uint8_t tee_client_uuid_ns[16] = {
	0x58, 0xac, 0x9c, 0xa0, 0x20, 0x86, 0x46, 0x83,
	0xa1, 0xb8, 0xec, 0x4b, 0xc0, 0x8e, 0x01, 0xb6,
};

/* RFC 4122 section 4.3, name-based with SHA-1 (version 5). */
static void tee_uuid_v5(uint8_t *uuid, const char *name, size_t len)
{
	uint8_t hash[SHA1_DIGEST_LENGTH];
	SHA1_CTX sha;

	SHA1Init(&sha);
	SHA1Update(&sha, tee_client_uuid_ns, sizeof(tee_client_uuid_ns));
	SHA1Update(&sha, (const uint8_t *)name, len);
	SHA1Final(hash, &sha);
	memcpy(uuid, hash, 16);
	uuid[6] = (uint8_t)((hash[6] & 0x0f) | 0x50);
	uuid[8] = (uint8_t)((hash[8] & 0x3f) | 0x80);
}

int tee_session_calc_client_uuid(uint8_t *uuid, uint32_t method,
				 const uint8_t *data, uint32_t euid,
				 const uint32_t *gids, size_t ngids)
{
	char name[32];
	uint32_t gid;
	size_t i;
	int len;

	switch (method) {
	case TEE_IOCTL_LOGIN_PUBLIC:
	case TEE_IOCTL_LOGIN_REE_KERNEL:
		memset(uuid, 0, 16);
		return 0;
	case TEE_IOCTL_LOGIN_USER:
		len = snprintf(name, sizeof(name), "uid=%x", euid);
		break;
	case TEE_IOCTL_LOGIN_GROUP:
		memcpy(&gid, data, sizeof(gid));
		/* (gid_t)-1 is no group; otherwise it must be one of ours. */
		if (gid == UINT32_MAX)
			return -EPERM;
		for (i = 0; i < ngids && gids[i] != gid; i++)
			;
		if (i == ngids)
			return -EPERM;
		len = snprintf(name, sizeof(name), "gid=%x", gid);
		break;
	default:
		return -EINVAL;
	}
	tee_uuid_v5(uuid, name, (size_t)len);
	return 0;
}
