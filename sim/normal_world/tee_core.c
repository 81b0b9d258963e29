// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE core's device and context life cycle, with Linux's semantics
 * (docs/abi.md section 12.2, seed 000):
 *
 *  - a device counts users: 1 for the registration, 1 per context and shm;
 *    unregister drops the registration's and blocks until the count is 0,
 *    after which tee_device_get() fails;
 *  - a context is a kref: the device file holds one reference, each shm
 *    another. Closing the file calls ops->close_context at once and drops
 *    the file's reference; ops->release runs at the last put, with
 *    `releasing` set so objects freed during release do not recurse.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/tee_core.h>

/* ---- class ------------------------------------------------------------- */

void tee_class_init(struct tee_class *cls)
{
	memset(cls, 0, sizeof(*cls));
	rt_mutex_init(&cls->lock);
}

void tee_class_fini(struct tee_class *cls)
{
	tee_class_free_heaps(cls);
	rt_mutex_destroy(&cls->lock);
}

int tee_class_devices_in_use(struct tee_class *cls)
{
	int i, n = 0;

	rt_mutex_lock(&cls->lock);
	for (i = 0; i < TEE_NUM_DEVICES; i++)
		n += !!bit_test(cls->dev_mask, i);
	rt_mutex_unlock(&cls->lock);
	return n;
}

/* Return: a free device number in the half for @privileged, or -1. */
static int tee_class_take_id(struct tee_class *cls, bool privileged)
{
	int first = privileged ? TEE_NUM_DEVICES / 2 : 0;
	int i, id = -1;

	rt_mutex_lock(&cls->lock);
	for (i = first; i < first + TEE_NUM_DEVICES / 2; i++) {
		if (!bit_test(cls->dev_mask, i)) {
			bit_set(cls->dev_mask, i);
			id = i;
			break;
		}
	}
	rt_mutex_unlock(&cls->lock);
	return id;
}

static void tee_class_drop_id(struct tee_class *cls, int id)
{
	rt_mutex_lock(&cls->lock);
	bit_clear(cls->dev_mask, id);
	rt_mutex_unlock(&cls->lock);
}

/* ---- devices ----------------------------------------------------------- */

int tee_device_alloc(const struct tee_desc *desc, struct tee_class *cls,
		     struct tee_shm_pool *pool, void *driver_data,
		     struct tee_device **out)
{
	struct tee_device *teedev;
	bool priv;

	/* Mandatory ops are checked once, here. */
	if (!desc || !desc->name || !desc->ops || !desc->ops->open ||
	    !desc->ops->release || !cls)
		return -EINVAL;
	priv = desc->flags & TEE_DESC_PRIVILEGED;

	teedev = smcsim_zalloc(sizeof(*teedev));
	if (!teedev)
		return -ENOMEM;
	teedev->id = tee_class_take_id(cls, priv);
	if (teedev->id < 0) {
		smcsim_free(teedev);
		return -ENOMEM;
	}
	/* As Linux: tee0.. and teepriv0.. (ids 16.. are named from 0). */
	snprintf(teedev->name, sizeof(teedev->name), "tee%s%d",
		 priv ? "priv" : "",
		 priv ? teedev->id - TEE_NUM_DEVICES / 2 : teedev->id);
	teedev->cls = cls;
	teedev->desc = desc;
	teedev->pool = pool;
	teedev->driver_data = driver_data;
	teedev->num_users = 1;
	rt_mutex_init(&teedev->mutex);
	rt_completion_init(&teedev->c_no_users);
	rt_completion_set_name(&teedev->c_no_users, "tee device: no users");
	*out = teedev;
	return 0;
}

int tee_device_register(struct tee_device *teedev)
{
	if (teedev->flags & TEE_DEVICE_FLAG_REGISTERED)
		return -EINVAL;
	teedev->flags |= TEE_DEVICE_FLAG_REGISTERED;
	return 0;
}

bool tee_device_get(struct tee_device *teedev)
{
	bool ok = false;

	rt_mutex_lock(&teedev->mutex);
	if (teedev->desc) {
		teedev->num_users++;
		ok = true;
	}
	rt_mutex_unlock(&teedev->mutex);
	return ok;
}

void tee_device_put(struct tee_device *teedev)
{
	bool last = false;

	rt_mutex_lock(&teedev->mutex);
	/* Only unregister can drop the registration's user. */
	if (teedev->num_users) {
		teedev->num_users--;
		if (!teedev->num_users) {
			teedev->desc = NULL;
			last = true;
		}
	}
	rt_mutex_unlock(&teedev->mutex);
	/*
	 * Unregister frees the device as soon as its wait returns, so wake it
	 * only after releasing the mutex: completing under the mutex let it
	 * destroy (and free) the mutex this thread still held. The wait cannot
	 * return before rt_complete() drops the completion's own lock, and
	 * nothing touches @teedev after that.
	 */
	if (last)
		rt_complete(&teedev->c_no_users);
}

unsigned int tee_device_num_users(struct tee_device *teedev)
{
	unsigned int n;

	rt_mutex_lock(&teedev->mutex);
	n = teedev->num_users;
	rt_mutex_unlock(&teedev->mutex);
	return n;
}

void tee_device_unregister(struct tee_device *teedev)
{
	if (!teedev)
		return;
	/*
	 * A heap bound to this device holds a user of it; unbind them here as
	 * the kernel does, or the wait below would never end. Harmless if the
	 * driver has already done it.
	 */
	tee_device_put_all_dma_heaps(teedev);
	teedev->flags &= ~TEE_DEVICE_FLAG_REGISTERED;
	tee_device_put(teedev);
	rt_wait_for_completion(&teedev->c_no_users);
	teedev->pool = NULL;

	tee_class_drop_id(teedev->cls, teedev->id);
	rt_completion_destroy(&teedev->c_no_users);
	rt_mutex_destroy(&teedev->mutex);
	smcsim_free(teedev);
}

void *tee_get_drvdata(struct tee_device *teedev)
{
	return teedev->driver_data;
}

/* ---- contexts ---------------------------------------------------------- */

int teedev_open(struct tee_device *teedev, struct tee_context **out)
{
	struct tee_context *ctx;
	int rc;

	if (!tee_device_get(teedev))
		return -EINVAL;

	ctx = smcsim_zalloc(sizeof(*ctx));
	if (!ctx) {
		rc = -ENOMEM;
		goto err_put_device;
	}
	rt_kref_init(&ctx->refcount);
	atomic_init(&ctx->releasing, false);
	atomic_init(&ctx->system_ctx_count, 0);
	ctx->teedev = teedev;
	rc = teedev->desc->ops->open(ctx);
	if (rc)
		goto err_free_ctx;
	*out = ctx;
	return 0;

err_free_ctx:
	smcsim_free(ctx);
err_put_device:
	tee_device_put(teedev);
	return rc;
}

void teedev_ctx_get(struct tee_context *ctx)
{
	if (atomic_load(&ctx->releasing))
		return;
	rt_kref_get(&ctx->refcount);
}

static void teedev_ctx_release(struct rt_kref *ref)
{
	struct tee_context *ctx = (struct tee_context *)
		((char *)ref - offsetof(struct tee_context, refcount));

	atomic_store(&ctx->releasing, true);
	ctx->teedev->desc->ops->release(ctx);
	smcsim_free(ctx);
}

void teedev_ctx_put(struct tee_context *ctx)
{
	if (atomic_load(&ctx->releasing))
		return;
	rt_kref_put(&ctx->refcount, teedev_ctx_release);
}

void teedev_close_context(struct tee_context *ctx)
{
	struct tee_device *teedev = ctx->teedev;

	if (teedev->desc->ops->close_context)
		teedev->desc->ops->close_context(ctx);
	teedev_ctx_put(ctx);
	tee_device_put(teedev);
}
