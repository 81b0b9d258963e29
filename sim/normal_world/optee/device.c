// SPDX-License-Identifier: BSD-2-Clause
/*
 * Enumeration of TA-backed devices at probe (after Linux's optee/device.c):
 * open OP-TEE's device PTA as a kernel client, ask for the list size with a
 * NULL buffer, then for the list, and record each UUID. Firmware without
 * the PTA simply has no devices.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_pta.h>
#include <smcsim/tee_error.h>

#include "optee_private.h"

static const uint8_t pta_device_uuid[16] = PTA_DEVICE_UUID_OCTETS;

/* Return: 0 with *@size set, or -EINVAL when the PTA refused. */
static int get_devices(struct tee_context *ctx, uint32_t session,
		       struct tee_shm *shm, size_t *size, uint32_t func)
{
	struct tee_ioctl_invoke_arg inv = {
		.func = func,
		.session = session,
		.num_params = 4,
	};
	struct tee_param param[4] = {
		[0] = {
			.attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT,
			.u.memref = { .shm = shm, .size = *size },
		},
	};
	int rc;

	rc = tee_client_invoke_func(ctx, &inv, param);
	if (rc < 0 || (inv.ret != TEE_SUCCESS &&
		       inv.ret != TEE_ERROR_SHORT_BUFFER))
		return -EINVAL;
	*size = param[0].u.memref.size;
	return 0;
}

int optee_enumerate_devices(struct optee *optee, uint32_t func)
{
	struct tee_ioctl_open_session_arg sess = {
		.clnt_login = TEE_IOCTL_LOGIN_REE_KERNEL,
	};
	struct tee_context *ctx;
	struct tee_shm *shm = NULL;
	size_t size = 0, n;
	uint8_t (*uuids)[16];
	int rc;

	rc = tee_client_open_context(optee->teedev, &ctx);
	if (rc)
		return rc;
	memcpy(sess.uuid, pta_device_uuid, sizeof(sess.uuid));
	rc = tee_client_open_session(ctx, &sess, NULL);
	if (rc < 0)
		goto out_ctx;
	if (sess.ret != TEE_SUCCESS) {
		/*
		 * No such PTA: no devices to enumerate. (Linux also treats a
		 * failure to make the call at all as "no PTA", which hides an
		 * allocation failure; that is passed on here.)
		 */
		rc = 0;
		goto out_ctx;
	}
	rc = get_devices(ctx, sess.session, NULL, &size, func);
	if (rc || !size)
		goto out_sess;
	if (size % 16 || size > 16 * 1024) {
		rc = -EINVAL;
		goto out_sess;
	}
	rc = tee_shm_alloc_kernel_buf(ctx, size, &shm);
	if (rc)
		goto out_sess;
	rc = get_devices(ctx, sess.session, shm, &size, func);
	if (rc)
		goto out_shm;
	if (size > shm->size) {
		rc = -EINVAL;
		goto out_shm;
	}
	n = size / 16;
	uuids = smcsim_calloc(optee->num_devices + n, sizeof(*uuids));
	if (!uuids) {
		rc = -ENOMEM;
		goto out_shm;
	}
	if (optee->num_devices)
		memcpy(uuids, optee->devices,
		       optee->num_devices * sizeof(*uuids));
	memcpy(uuids + optee->num_devices, tee_shm_get_va(shm, 0), n * 16);
	smcsim_free(optee->devices);
	optee->devices = uuids;
	optee->num_devices += n;
out_shm:
	tee_shm_free(shm);
out_sess:
	tee_client_close_session(ctx, sess.session);
out_ctx:
	tee_client_close_context(ctx);
	return rc;
}

void optee_unregister_devices(struct optee *optee)
{
	smcsim_free(optee->devices);
	optee->devices = NULL;
	optee->num_devices = 0;
}

size_t optee_devices(const struct optee *optee, uint8_t (*out)[16], size_t max)
{
	size_t i;

	for (i = 0; out && i < max && i < optee->num_devices; i++)
		memcpy(out[i], optee->devices[i], 16);
	return optee->num_devices;
}
