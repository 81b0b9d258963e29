// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the TEE core's device and context life cycle
 * (sim/normal_world/tee_core.c; docs/abi.md section 12.2, seed 000): device
 * numbering in a tee_class, mandatory driver ops, the device user count,
 * the context kref with ops->close_context at file close and ops->release
 * at the last reference, the `releasing` guard, unregister waiting for
 * every user, and allocation failures. A small fake driver counts what the
 * core calls; every wait on another thread is bounded, so a hang fails the
 * test instead of stalling it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/alloc.h>
#include <smcsim/rt.h>
#include <smcsim/tee_core.h>

/* Long enough for any healthy run, short enough to fail a hang quickly. */
#define WAIT_MS		5000
/* How long "still blocked" is watched before it is believed. */
#define BLOCKED_MS	100

/* ---- the fake driver ---------------------------------------------------- */

/**
 * struct fake_drv - the fake driver's state, reached through drvdata
 * @cls:		the class its devices are numbered in
 * @open_calls:		ops->open calls
 * @close_calls:	ops->close_context calls
 * @release_calls:	ops->release calls
 * @open_rc:		what ops->open returns
 * @events:		'o' open, 'c' close_context, 'r' release, in order
 * @nevents:		characters in @events
 * @release_hook:	if set, run inside ops->release
 * @seen_releasing:	ctx->releasing as ops->release saw it
 * @seen_refs:		the context's refcount as ops->release saw it, after
 *			@release_hook ran
 */
struct fake_drv {
	struct tee_class cls;
	int open_calls;
	int close_calls;
	int release_calls;
	int open_rc;
	char events[32];
	size_t nevents;
	void (*release_hook)(struct tee_context *ctx);
	bool seen_releasing;
	unsigned int seen_refs;
};

static void fake_event(struct fake_drv *drv, char ev)
{
	if (drv->nevents < sizeof(drv->events) - 1)
		drv->events[drv->nevents++] = ev;
}

static int fake_open(struct tee_context *ctx)
{
	struct fake_drv *drv = tee_get_drvdata(ctx->teedev);

	drv->open_calls++;
	fake_event(drv, 'o');
	return drv->open_rc;
}

static void fake_close_context(struct tee_context *ctx)
{
	struct fake_drv *drv = tee_get_drvdata(ctx->teedev);

	drv->close_calls++;
	fake_event(drv, 'c');
}

static void fake_release(struct tee_context *ctx)
{
	struct fake_drv *drv = tee_get_drvdata(ctx->teedev);

	drv->release_calls++;
	fake_event(drv, 'r');
	drv->seen_releasing = atomic_load(&ctx->releasing);
	if (drv->release_hook)
		drv->release_hook(ctx);
	drv->seen_refs = rt_kref_read(&ctx->refcount);
}

static const struct tee_driver_ops fake_ops = {
	.open = fake_open,
	.close_context = fake_close_context,
	.release = fake_release,
};

/* close_context is optional: a driver without it (OP-TEE's) still works. */
static const struct tee_driver_ops fake_ops_no_close = {
	.open = fake_open,
	.release = fake_release,
};

static const struct tee_driver_ops fake_ops_no_open = {
	.close_context = fake_close_context,
	.release = fake_release,
};

static const struct tee_driver_ops fake_ops_no_release = {
	.open = fake_open,
	.close_context = fake_close_context,
};

static const struct tee_desc fake_desc = {
	.name = "fake-clnt",
	.ops = &fake_ops,
};

static const struct tee_desc fake_priv_desc = {
	.name = "fake-supp",
	.ops = &fake_ops,
	.flags = TEE_DESC_PRIVILEGED,
};

static const struct tee_desc fake_desc_no_close = {
	.name = "fake-noclose",
	.ops = &fake_ops_no_close,
};

static int setup(void **state)
{
	static struct fake_drv drv;

	memset(&drv, 0, sizeof(drv));
	tee_class_init(&drv.cls);
	*state = &drv;
	return 0;
}

static int teardown(void **state)
{
	struct fake_drv *drv = *state;
	int in_use = tee_class_devices_in_use(&drv->cls);

	smcsim_alloc_fail_after(-1);
	tee_class_fini(&drv->cls);
	/* Every test gives back the numbers it took. */
	return in_use ? -1 : 0;
}

/* Allocate and register a device of @desc, failing the test otherwise. */
static struct tee_device *new_device(struct fake_drv *drv,
				     const struct tee_desc *desc)
{
	struct tee_device *teedev = NULL;

	assert_int_equal(tee_device_alloc(desc, &drv->cls, NULL, drv, &teedev),
			 0);
	assert_non_null(teedev);
	assert_int_equal(tee_device_register(teedev), 0);
	return teedev;
}

static struct tee_context *open_ctx(struct tee_device *teedev)
{
	struct tee_context *ctx = NULL;

	assert_int_equal(teedev_open(teedev, &ctx), 0);
	assert_non_null(ctx);
	assert_ptr_equal(ctx->teedev, teedev);
	return ctx;
}

/* ---- device numbering --------------------------------------------------- */

static void tee_core_numbers_clients_from_tee0(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *dev[3];
	char name[16];
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(tee_device_alloc(&fake_desc, &drv->cls, NULL,
						  drv, &dev[i]), 0);
		snprintf(name, sizeof(name), "tee%d", i);
		assert_string_equal(dev[i]->name, name);
		assert_int_equal(dev[i]->id, i);
		assert_ptr_equal(dev[i]->cls, &drv->cls);
		assert_ptr_equal(tee_get_drvdata(dev[i]), drv);
	}
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 3);
	for (i = 0; i < 3; i++)
		tee_device_unregister(dev[i]);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
}

static void tee_core_numbers_privileged_from_teepriv0(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *clnt, *priv0, *priv1;

	clnt = new_device(drv, &fake_desc);
	priv0 = new_device(drv, &fake_priv_desc);
	priv1 = new_device(drv, &fake_priv_desc);
	assert_string_equal(clnt->name, "tee0");
	assert_string_equal(priv0->name, "teepriv0");
	assert_int_equal(priv0->id, TEE_NUM_DEVICES / 2);
	assert_string_equal(priv1->name, "teepriv1");
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 3);
	tee_device_unregister(priv1);
	tee_device_unregister(priv0);
	tee_device_unregister(clnt);
}

/* Fill one half of the class; the next of that kind is refused. */
static void check_half_full(struct fake_drv *drv, const struct tee_desc *desc,
			    const struct tee_desc *other)
{
	struct tee_device *dev[TEE_NUM_DEVICES / 2];
	struct tee_device *extra = NULL;
	struct tee_device *dev_other = NULL;
	int i;

	for (i = 0; i < TEE_NUM_DEVICES / 2; i++)
		assert_int_equal(tee_device_alloc(desc, &drv->cls, NULL, drv,
						  &dev[i]), 0);
	assert_int_equal(tee_class_devices_in_use(&drv->cls),
			 TEE_NUM_DEVICES / 2);

	/* Refused, *out untouched, nothing taken. */
	assert_int_equal(tee_device_alloc(desc, &drv->cls, NULL, drv, &extra),
			 -ENOMEM);
	assert_null(extra);
	assert_int_equal(tee_class_devices_in_use(&drv->cls),
			 TEE_NUM_DEVICES / 2);

	/* The other half is not touched by the full one. */
	assert_int_equal(tee_device_alloc(other, &drv->cls, NULL, drv,
					  &dev_other), 0);
	assert_int_equal(!!(other->flags & TEE_DESC_PRIVILEGED),
			 dev_other->id >= TEE_NUM_DEVICES / 2);
	tee_device_unregister(dev_other);

	for (i = 0; i < TEE_NUM_DEVICES / 2; i++)
		tee_device_unregister(dev[i]);
}

static void tee_core_clients_half_full_enomem(void **state)
{
	check_half_full(*state, &fake_desc, &fake_priv_desc);
}

static void tee_core_privileged_half_full_enomem(void **state)
{
	check_half_full(*state, &fake_priv_desc, &fake_desc);
}

static void tee_core_number_freed_on_unregister(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *a, *b, *c;

	a = new_device(drv, &fake_desc);
	b = new_device(drv, &fake_desc);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 2);
	tee_device_unregister(a);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 1);

	/* The lowest free number is reused. */
	c = new_device(drv, &fake_desc);
	assert_string_equal(c->name, "tee0");
	assert_string_equal(b->name, "tee1");
	tee_device_unregister(b);
	tee_device_unregister(c);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
}

/* ---- allocation and registration --------------------------------------- */

static void tee_core_alloc_rejects_bad_desc(void **state)
{
	struct fake_drv *drv = *state;
	const struct tee_desc no_open = {
		.name = "x", .ops = &fake_ops_no_open,
	};
	const struct tee_desc no_release = {
		.name = "x", .ops = &fake_ops_no_release,
	};
	const struct tee_desc no_ops = { .name = "x" };
	const struct tee_desc no_name = { .ops = &fake_ops };
	struct tee_device *teedev = NULL;

	assert_int_equal(tee_device_alloc(&no_open, &drv->cls, NULL, drv,
					  &teedev), -EINVAL);
	assert_int_equal(tee_device_alloc(&no_release, &drv->cls, NULL, drv,
					  &teedev), -EINVAL);
	assert_int_equal(tee_device_alloc(&no_ops, &drv->cls, NULL, drv,
					  &teedev), -EINVAL);
	assert_int_equal(tee_device_alloc(&no_name, &drv->cls, NULL, drv,
					  &teedev), -EINVAL);
	assert_int_equal(tee_device_alloc(NULL, &drv->cls, NULL, drv, &teedev),
			 -EINVAL);
	assert_int_equal(tee_device_alloc(&fake_desc, NULL, NULL, drv, &teedev),
			 -EINVAL);
	assert_null(teedev);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
}

static void tee_core_register_twice_einval(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);

	assert_true(teedev->flags & TEE_DEVICE_FLAG_REGISTERED);
	assert_int_equal(tee_device_register(teedev), -EINVAL);
	tee_device_unregister(teedev);
}

static void tee_core_alloc_enomem_leaves_nothing(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = NULL;
	int n, rc;

	/* Every allocation tee_device_alloc makes, in turn. */
	for (n = 0;; n++) {
		assert_true(n < 16);
		smcsim_alloc_fail_after(n);
		rc = tee_device_alloc(&fake_desc, &drv->cls, NULL, drv,
				      &teedev);
		if (!smcsim_alloc_injected())
			break;
		assert_int_equal(rc, -ENOMEM);
		assert_null(teedev);
		assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
	}
	smcsim_alloc_fail_after(-1);
	assert_true(n >= 1);
	assert_int_equal(rc, 0);
	assert_string_equal(teedev->name, "tee0");
	assert_int_equal(tee_device_num_users(teedev), 1);
	tee_device_unregister(teedev);
}

static void tee_core_unregister_unregistered_frees(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = NULL;

	assert_int_equal(tee_device_alloc(&fake_desc, &drv->cls, NULL, drv,
					  &teedev), 0);
	assert_false(teedev->flags & TEE_DEVICE_FLAG_REGISTERED);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 1);
	/* Must not wait for anything, must free the device (ASan checks). */
	tee_device_unregister(teedev);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
	tee_device_unregister(NULL);
}

/* ---- users and contexts ------------------------------------------------- */

static void tee_core_num_users_counts_contexts(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *a, *b;

	assert_int_equal(tee_device_num_users(teedev), 1);
	a = open_ctx(teedev);
	assert_int_equal(tee_device_num_users(teedev), 2);
	b = open_ctx(teedev);
	assert_int_equal(tee_device_num_users(teedev), 3);
	assert_int_equal(drv->open_calls, 2);
	assert_int_equal(rt_kref_read(&a->refcount), 1);
	assert_false(atomic_load(&a->releasing));

	teedev_close_context(a);
	assert_int_equal(tee_device_num_users(teedev), 2);
	teedev_close_context(b);
	assert_int_equal(tee_device_num_users(teedev), 1);
	assert_int_equal(drv->close_calls, 2);
	assert_int_equal(drv->release_calls, 2);
	assert_string_equal(drv->events, "oocrcr");

	/* tee_device_get/put are the same counter. */
	assert_true(tee_device_get(teedev));
	assert_int_equal(tee_device_num_users(teedev), 2);
	tee_device_put(teedev);
	assert_int_equal(tee_device_num_users(teedev), 1);
	tee_device_unregister(teedev);
}

/*
 * Seed 000: close_context runs when the file closes even though another
 * reference keeps the context; release only at the last teedev_ctx_put.
 * The extra reference comes with a device user, as shm_alloc_helper()
 * takes both.
 */
static void tee_core_close_context_before_last_put(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *ctx = open_ctx(teedev);

	assert_true(tee_device_get(teedev));
	teedev_ctx_get(ctx);
	assert_int_equal(rt_kref_read(&ctx->refcount), 2);

	teedev_close_context(ctx);
	assert_int_equal(drv->close_calls, 1);
	assert_int_equal(drv->release_calls, 0);
	assert_int_equal(rt_kref_read(&ctx->refcount), 1);
	assert_false(atomic_load(&ctx->releasing));
	/* Registration plus the extra user; the file's went. */
	assert_int_equal(tee_device_num_users(teedev), 2);

	/* The context is still usable: more get/put pairs balance. */
	teedev_ctx_get(ctx);
	teedev_ctx_put(ctx);
	assert_int_equal(drv->release_calls, 0);

	teedev_ctx_put(ctx);
	assert_int_equal(drv->release_calls, 1);
	assert_true(drv->seen_releasing);
	assert_int_equal(drv->seen_refs, 0);
	tee_device_put(teedev);
	assert_int_equal(tee_device_num_users(teedev), 1);
	assert_string_equal(drv->events, "ocr");
	tee_device_unregister(teedev);
}

static void tee_core_close_context_op_optional(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc_no_close);
	struct tee_context *ctx = open_ctx(teedev);

	teedev_close_context(ctx);
	assert_int_equal(drv->close_calls, 0);
	assert_int_equal(drv->release_calls, 1);
	assert_int_equal(tee_device_num_users(teedev), 1);
	tee_device_unregister(teedev);
}

/*
 * What freeing objects during release does: they put (and may get) the
 * context. With `releasing` set these must be no-ops, or the refcount
 * would go 0 -> 1 -> 0 and release would run again on freed memory.
 */
static void release_hook_gets_and_puts(struct tee_context *ctx)
{
	teedev_ctx_get(ctx);
	teedev_ctx_put(ctx);
	teedev_ctx_put(ctx);
	teedev_ctx_put(ctx);
}

static void tee_core_ctx_get_put_noop_while_releasing(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *ctx = open_ctx(teedev);

	drv->release_hook = release_hook_gets_and_puts;
	teedev_close_context(ctx);
	assert_int_equal(drv->release_calls, 1);
	assert_true(drv->seen_releasing);
	assert_int_equal(drv->seen_refs, 0);
	assert_int_equal(tee_device_num_users(teedev), 1);
	tee_device_unregister(teedev);
}

/*
 * A driver whose release drops a device user it took for the context (as a
 * shm freed during release does) leaves the count balanced.
 */
static void release_hook_drops_device_user(struct tee_context *ctx)
{
	teedev_ctx_put(ctx);
	tee_device_put(ctx->teedev);
}

static void tee_core_release_may_drop_device_user(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *ctx = open_ctx(teedev);

	assert_true(tee_device_get(teedev));
	assert_int_equal(tee_device_num_users(teedev), 3);
	drv->release_hook = release_hook_drops_device_user;
	teedev_close_context(ctx);
	assert_int_equal(drv->release_calls, 1);
	assert_int_equal(tee_device_num_users(teedev), 1);
	tee_device_unregister(teedev);
}

static void tee_core_open_failure_unwinds(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *ctx = NULL;

	drv->open_rc = -EACCES;
	assert_int_equal(teedev_open(teedev, &ctx), -EACCES);
	assert_null(ctx);
	assert_int_equal(drv->open_calls, 1);
	/* The context never existed for the driver: no close, no release. */
	assert_int_equal(drv->close_calls, 0);
	assert_int_equal(drv->release_calls, 0);
	assert_int_equal(tee_device_num_users(teedev), 1);

	drv->open_rc = 0;
	ctx = open_ctx(teedev);
	assert_int_equal(tee_device_num_users(teedev), 2);
	teedev_close_context(ctx);
	assert_int_equal(tee_device_num_users(teedev), 1);
	tee_device_unregister(teedev);
}

static void tee_core_open_enomem_unwinds(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *ctx = NULL;

	smcsim_alloc_fail_after(0);
	assert_int_equal(teedev_open(teedev, &ctx), -ENOMEM);
	assert_int_equal(smcsim_alloc_injected(), 1);
	smcsim_alloc_fail_after(-1);
	assert_null(ctx);
	assert_int_equal(drv->open_calls, 0);
	assert_int_equal(tee_device_num_users(teedev), 1);

	/* The one after the injected failure works again. */
	ctx = open_ctx(teedev);
	teedev_close_context(ctx);
	assert_int_equal(drv->release_calls, 1);
	tee_device_unregister(teedev);
}

/* ---- unregister --------------------------------------------------------- */

/**
 * struct unreg_job - tee_device_unregister() on its own thread
 * @teedev:	the device
 * @done:	completed when unregister returned
 */
struct unreg_job {
	struct tee_device *teedev;
	struct rt_completion done;
};

static void *unreg_thread(void *arg)
{
	struct unreg_job *job = arg;

	tee_device_unregister(job->teedev);
	rt_complete(&job->done);
	return NULL;
}

/* Bounded poll until @teedev has @users users; true if it got there. */
static bool wait_num_users(struct tee_device *teedev, unsigned int users)
{
	uint64_t deadline = rt_now_ms() + WAIT_MS;

	while (tee_device_num_users(teedev) != users) {
		if (rt_now_ms() > deadline)
			return false;
		rt_sleep_ms(1);
	}
	return true;
}

static void tee_core_unregister_blocks_until_closed(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *ctx = open_ctx(teedev);
	struct unreg_job job = { .teedev = teedev };
	struct rt_thread *thr;

	rt_completion_init(&job.done);
	assert_int_equal(rt_thread_create(&thr, "unreg", unreg_thread, &job),
			 0);

	/* The registration's user goes at once; the context's stays. */
	assert_true(wait_num_users(teedev, 1));
	assert_int_equal(rt_wait_for_completion_timeout(&job.done, BLOCKED_MS),
			 -ETIMEDOUT);
	assert_int_equal(drv->release_calls, 0);
	assert_false(teedev->flags & TEE_DEVICE_FLAG_REGISTERED);

	teedev_close_context(ctx);
	assert_int_equal(rt_wait_for_completion_timeout(&job.done, WAIT_MS), 0);
	rt_thread_join(thr, NULL);
	rt_completion_destroy(&job.done);
	assert_int_equal(drv->close_calls, 1);
	assert_int_equal(drv->release_calls, 1);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
}

/*
 * The last put wakes unregister, which frees the device at once: the put
 * must be done with the device (its mutex included) before the waiter can
 * run. Repeated because the window is small; a hit shows as an abort
 * ("pthread_mutex_destroy ... busy") or an ASan use-after-free.
 */
static void tee_core_unregister_races_last_put(void **state)
{
	struct fake_drv *drv = *state;
	int i;

	for (i = 0; i < 300; i++) {
		struct tee_device *teedev = new_device(drv, &fake_desc);
		struct tee_context *ctx = open_ctx(teedev);
		struct unreg_job job = { .teedev = teedev };
		struct rt_thread *thr;

		rt_completion_init(&job.done);
		assert_int_equal(rt_thread_create(&thr, "unreg", unreg_thread,
						  &job), 0);
		assert_true(wait_num_users(teedev, 1));
		teedev_close_context(ctx);
		assert_int_equal(rt_wait_for_completion_timeout(&job.done,
								WAIT_MS), 0);
		rt_thread_join(thr, NULL);
		rt_completion_destroy(&job.done);
	}
	assert_int_equal(drv->release_calls, 300);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
}

/*
 * Linux's tee_device_get() refuses only once desc is NULL, i.e. after the
 * last user went (seed 000, docs/abi.md section 12.2). While unregister waits for an
 * open context the device still counts users: a user taken then (a shm
 * the open context allocates) also holds unregister until it is put.
 */
static void tee_core_unregister_waits_for_late_user(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = new_device(drv, &fake_desc);
	struct tee_context *ctx = open_ctx(teedev);
	struct unreg_job job = { .teedev = teedev };
	struct rt_thread *thr;

	rt_completion_init(&job.done);
	assert_int_equal(rt_thread_create(&thr, "unreg", unreg_thread, &job),
			 0);
	assert_true(wait_num_users(teedev, 1));

	assert_true(tee_device_get(teedev));
	teedev_close_context(ctx);
	assert_int_equal(drv->release_calls, 1);
	assert_int_equal(rt_wait_for_completion_timeout(&job.done, BLOCKED_MS),
			 -ETIMEDOUT);
	assert_int_equal(tee_device_num_users(teedev), 1);

	tee_device_put(teedev);
	assert_int_equal(rt_wait_for_completion_timeout(&job.done, WAIT_MS), 0);
	rt_thread_join(thr, NULL);
	rt_completion_destroy(&job.done);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
}

/*
 * The state unregister leaves once the last user is gone (desc NULL): no
 * new user, no new context. Unregister frees the device right after, so
 * the test reaches that state by dropping the registration's user itself,
 * then lets unregister (which must not wait again) free the device.
 */
static void tee_core_no_users_refuses_get_and_open(void **state)
{
	struct fake_drv *drv = *state;
	struct tee_device *teedev = NULL;
	struct tee_context *ctx = NULL;

	assert_int_equal(tee_device_alloc(&fake_desc, &drv->cls, NULL, drv,
					  &teedev), 0);
	tee_device_put(teedev);
	assert_int_equal(tee_device_num_users(teedev), 0);
	assert_null(teedev->desc);
	assert_true(rt_completion_done(&teedev->c_no_users));

	assert_false(tee_device_get(teedev));
	assert_int_equal(teedev_open(teedev, &ctx), -EINVAL);
	assert_null(ctx);
	assert_int_equal(drv->open_calls, 0);
	/* A put with no user left must not underflow. */
	tee_device_put(teedev);
	assert_int_equal(tee_device_num_users(teedev), 0);

	tee_device_unregister(teedev);
	assert_int_equal(tee_class_devices_in_use(&drv->cls), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(tee_core_numbers_clients_from_tee0),
		T(tee_core_numbers_privileged_from_teepriv0),
		T(tee_core_clients_half_full_enomem),
		T(tee_core_privileged_half_full_enomem),
		T(tee_core_number_freed_on_unregister),
		T(tee_core_alloc_rejects_bad_desc),
		T(tee_core_register_twice_einval),
		T(tee_core_alloc_enomem_leaves_nothing),
		T(tee_core_unregister_unregistered_frees),
		T(tee_core_num_users_counts_contexts),
		T(tee_core_close_context_before_last_put),
		T(tee_core_close_context_op_optional),
		T(tee_core_ctx_get_put_noop_while_releasing),
		T(tee_core_release_may_drop_device_user),
		T(tee_core_open_failure_unwinds),
		T(tee_core_open_enomem_unwinds),
		T(tee_core_unregister_blocks_until_closed),
		T(tee_core_unregister_races_last_put),
		T(tee_core_unregister_waits_for_late_user),
		T(tee_core_no_users_refuses_get_and_open),
#undef T
	};

	return cmocka_run_group_tests_name("tee_core", tests, NULL, NULL);
}
