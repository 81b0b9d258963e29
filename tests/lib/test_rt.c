// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the runtime layer (lib/rt_pthread.c) and of the allocation
 * fault injection (lib/alloc.c): threads and their names, mutexes, condition
 * variables, counted completions, krefs, and the per-thread countdown that
 * makes one allocation fail. Every blocking wait of the main thread is
 * bounded, so a lost wake-up fails the test instead of hanging it; helper
 * threads report through plain fields that the main thread asserts on after
 * the join (CMocka's asserts belong to the main thread).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/alloc.h>
#include <smcsim/rt.h>

#define WAIT_MS		5000
#define SHORT_MS	20

/* ---- threads ------------------------------------------------------------ */

struct name_probe {
	struct rt_completion done;
	char seen[64];
};

static void *name_probe_fn(void *arg)
{
	struct name_probe *p = arg;

	strlcpy(p->seen, rt_thread_name(), sizeof(p->seen));
	rt_complete(&p->done);
	return (void *)(uintptr_t)0x2A;
}

static void rt_thread_runs_and_joins_with_return(void **state)
{
	struct name_probe p = { .seen = "" };
	struct rt_thread *t = NULL;
	void *ret = NULL;

	(void)state;
	rt_completion_init(&p.done);
	assert_int_equal(rt_thread_create(&t, "joiner", name_probe_fn, &p), 0);
	assert_non_null(t);
	assert_int_equal(rt_wait_for_completion_timeout(&p.done, WAIT_MS), 0);
	rt_thread_join(t, &ret);
	assert_ptr_equal(ret, (void *)(uintptr_t)0x2A);
	/* A NULL retval is allowed. */
	assert_int_equal(rt_thread_create(&t, "joiner2", name_probe_fn, &p), 0);
	assert_int_equal(rt_wait_for_completion_timeout(&p.done, WAIT_MS), 0);
	rt_thread_join(t, NULL);
	rt_completion_destroy(&p.done);
}

static void rt_thread_name_inside_and_outside(void **state)
{
	struct name_probe p = { .seen = "" };
	struct rt_thread *t;
	char name[32];

	(void)state;
	assert_string_equal(rt_thread_name(), "main");

	rt_completion_init(&p.done);
	strlcpy(name, "sw-thread-1", sizeof(name));
	assert_int_equal(rt_thread_create(&t, name, name_probe_fn, &p), 0);
	/* The name was copied: the caller's buffer may change at once. */
	memset(name, 'X', sizeof(name) - 1);
	assert_int_equal(rt_wait_for_completion_timeout(&p.done, WAIT_MS), 0);
	rt_thread_join(t, NULL);
	assert_string_equal(p.seen, "sw-thread-1");
	assert_string_equal(rt_thread_name(), "main");

	/* A long name is cut, not overrun. */
	assert_int_equal(rt_thread_create(&t,
			 "a-very-long-thread-name-that-goes-on-and-on-and-on",
			 name_probe_fn, &p), 0);
	assert_int_equal(rt_wait_for_completion_timeout(&p.done, WAIT_MS), 0);
	rt_thread_join(t, NULL);
	assert_true(strlen(p.seen) > 0);
	assert_true(strlen(p.seen) < 50);
	assert_int_equal(strncmp(p.seen, "a-very-long-thread-name",
				 strlen("a-very-long-thread-name")), 0);
	rt_completion_destroy(&p.done);
}

/* ---- mutexes ------------------------------------------------------------ */

#define MX_THREADS	4
#define MX_ITERS	10000

/**
 * struct mx_shared - the counter the threads race on
 * @lock:	protects @counter
 * @counter:	a plain int on purpose: only the mutex makes it correct
 */
struct mx_shared {
	struct rt_mutex lock;
	long counter;
};

struct mx_worker {
	struct rt_thread *thread;
	struct rt_completion done;
	struct mx_shared *sh;
};

static void *mx_worker_fn(void *arg)
{
	struct mx_worker *w = arg;
	int i;

	for (i = 0; i < MX_ITERS; i++) {
		rt_mutex_lock(&w->sh->lock);
		w->sh->counter++;
		rt_mutex_unlock(&w->sh->lock);
	}
	rt_complete(&w->done);
	return NULL;
}

static void rt_mutex_mutual_exclusion(void **state)
{
	struct mx_worker w[MX_THREADS];
	struct mx_shared sh = { .counter = 0 };
	int i;

	(void)state;
	rt_mutex_init(&sh.lock);
	for (i = 0; i < MX_THREADS; i++) {
		w[i].sh = &sh;
		rt_completion_init(&w[i].done);
		assert_int_equal(rt_thread_create(&w[i].thread, "inc",
						  mx_worker_fn, &w[i]), 0);
	}
	for (i = 0; i < MX_THREADS; i++) {
		assert_int_equal(
			rt_wait_for_completion_timeout(&w[i].done, WAIT_MS), 0);
		rt_thread_join(w[i].thread, NULL);
		rt_completion_destroy(&w[i].done);
	}
	rt_mutex_lock(&sh.lock);
	assert_int_equal(sh.counter, MX_THREADS * MX_ITERS);
	rt_mutex_unlock(&sh.lock);
	rt_mutex_destroy(&sh.lock);
}

struct holder {
	struct rt_mutex *m;
	struct rt_completion held;
	struct rt_completion release;
	struct rt_completion done;
	int release_rc;
};

static void *holder_fn(void *arg)
{
	struct holder *h = arg;

	rt_mutex_lock(h->m);
	rt_complete(&h->held);
	h->release_rc = rt_wait_for_completion_timeout(&h->release, WAIT_MS);
	rt_mutex_unlock(h->m);
	rt_complete(&h->done);
	return NULL;
}

static void rt_mutex_trylock_fails_while_held(void **state)
{
	struct rt_mutex m;
	struct holder h = { .m = &m, .release_rc = -1 };
	struct rt_thread *t;

	(void)state;
	rt_mutex_init(&m);
	/* Uncontended: taken. */
	assert_true(rt_mutex_trylock(&m));
	rt_mutex_unlock(&m);

	rt_completion_init(&h.held);
	rt_completion_init(&h.release);
	rt_completion_init(&h.done);
	assert_int_equal(rt_thread_create(&t, "holder", holder_fn, &h), 0);
	assert_int_equal(rt_wait_for_completion_timeout(&h.held, WAIT_MS), 0);
	assert_false(rt_mutex_trylock(&m));
	assert_false(rt_mutex_trylock(&m));
	rt_complete(&h.release);
	assert_int_equal(rt_wait_for_completion_timeout(&h.done, WAIT_MS), 0);
	rt_thread_join(t, NULL);
	assert_int_equal(h.release_rc, 0);

	/* Released by the other thread: ours again. */
	assert_true(rt_mutex_trylock(&m));
	rt_mutex_unlock(&m);

	rt_completion_destroy(&h.done);
	rt_completion_destroy(&h.release);
	rt_completion_destroy(&h.held);
	rt_mutex_destroy(&m);
}

/* ---- condition variables ------------------------------------------------ */

/**
 * struct handshake - ping from the main thread, pong from the worker
 * @lock:	protects @ping and @pong
 * @cond:	signalled when @ping or @pong changes
 */
struct handshake {
	struct rt_mutex lock;
	struct rt_cond cond;
	int ping;
	int pong;
	struct rt_completion done;
};

static void *handshake_fn(void *arg)
{
	struct handshake *h = arg;

	rt_mutex_lock(&h->lock);
	while (!h->ping)
		rt_cond_wait(&h->cond, &h->lock);
	h->pong = h->ping + 1;
	rt_cond_signal(&h->cond);
	rt_mutex_unlock(&h->lock);
	rt_complete(&h->done);
	return NULL;
}

static void rt_cond_wait_signal_handshake(void **state)
{
	struct handshake h = { .ping = 0, .pong = 0 };
	struct rt_thread *t;
	uint64_t deadline;
	int rc = 0;

	(void)state;
	rt_mutex_init(&h.lock);
	rt_cond_init(&h.cond);
	rt_completion_init(&h.done);
	assert_int_equal(rt_thread_create(&t, "pong", handshake_fn, &h), 0);

	rt_mutex_lock(&h.lock);
	h.ping = 41;
	rt_cond_signal(&h.cond);
	deadline = rt_now_ms() + WAIT_MS;
	while (!h.pong && rt_now_ms() < deadline)
		rc = rt_cond_timedwait(&h.cond, &h.lock, WAIT_MS);
	assert_int_equal(h.pong, 42);
	assert_int_equal(rc, 0);
	rt_mutex_unlock(&h.lock);

	assert_int_equal(rt_wait_for_completion_timeout(&h.done, WAIT_MS), 0);
	rt_thread_join(t, NULL);
	rt_completion_destroy(&h.done);
	rt_cond_destroy(&h.cond);
	rt_mutex_destroy(&h.lock);
}

static void rt_cond_timedwait_times_out(void **state)
{
	struct rt_mutex m;
	struct rt_cond c;
	uint64_t before;
	int rc, tries = 0;

	(void)state;
	rt_mutex_init(&m);
	rt_cond_init(&c);
	rt_mutex_lock(&m);
	before = rt_now_ms();
	/* Nobody signals; a spurious wake-up may return 0, so retry a bit. */
	do
		rc = rt_cond_timedwait(&c, &m, SHORT_MS);
	while (rc == 0 && ++tries < 100);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_true(rt_now_ms() >= before);
	/* The mutex is held again on return (an error-checking unlock). */
	assert_false(rt_mutex_trylock(&m));
	rt_mutex_unlock(&m);
	rt_cond_destroy(&c);
	rt_mutex_destroy(&m);
}

/* ---- completions -------------------------------------------------------- */

static void rt_completion_complete_before_wait(void **state)
{
	struct rt_completion x;

	(void)state;
	rt_completion_init(&x);
	assert_false(rt_completion_done(&x));
	rt_complete(&x);
	assert_true(rt_completion_done(&x));
	/* Does not block: a zero timeout is enough. */
	assert_int_equal(rt_wait_for_completion_timeout(&x, 0), 0);
	assert_false(rt_completion_done(&x));
	rt_completion_destroy(&x);
}

static void rt_completion_counts(void **state)
{
	struct rt_completion x;

	(void)state;
	rt_completion_init(&x);
	rt_complete(&x);
	rt_complete(&x);
	assert_true(rt_completion_done(&x));
	assert_int_equal(rt_wait_for_completion_timeout(&x, 0), 0);
	assert_true(rt_completion_done(&x));
	assert_int_equal(rt_wait_for_completion_timeout(&x, 0), 0);
	assert_false(rt_completion_done(&x));
	assert_int_equal(rt_wait_for_completion_timeout(&x, SHORT_MS),
			 -ETIMEDOUT);
	rt_completion_destroy(&x);
}

struct waiter {
	struct rt_thread *thread;
	struct rt_completion *x;
	struct rt_completion started;
	struct rt_completion done;
};

/* Uses the unbounded wait; the main thread's wait on @done bounds it. */
static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;

	rt_complete(&w->started);
	rt_wait_for_completion(w->x);
	rt_complete(&w->done);
	return NULL;
}

#define WAITERS 4

static void rt_completion_complete_all_releases_every_waiter(void **state)
{
	struct waiter w[WAITERS];
	struct rt_completion x;
	int i;

	(void)state;
	rt_completion_init(&x);
	for (i = 0; i < WAITERS; i++) {
		w[i].x = &x;
		rt_completion_init(&w[i].started);
		rt_completion_init(&w[i].done);
		assert_int_equal(rt_thread_create(&w[i].thread, "waiter",
						  waiter_fn, &w[i]), 0);
	}
	for (i = 0; i < WAITERS; i++)
		assert_int_equal(rt_wait_for_completion_timeout(&w[i].started,
								WAIT_MS), 0);
	/* Give them time to block; nothing below depends on it. */
	rt_sleep_ms(SHORT_MS);
	for (i = 0; i < WAITERS; i++)
		assert_false(rt_completion_done(&w[i].done));

	rt_complete_all(&x);
	for (i = 0; i < WAITERS; i++) {
		assert_int_equal(rt_wait_for_completion_timeout(&w[i].done,
								WAIT_MS), 0);
		rt_thread_join(w[i].thread, NULL);
		rt_completion_destroy(&w[i].started);
		rt_completion_destroy(&w[i].done);
	}

	/* It stays done, for any number of later waits and completes. */
	assert_true(rt_completion_done(&x));
	for (i = 0; i < 10; i++)
		assert_int_equal(rt_wait_for_completion_timeout(&x, 0), 0);
	rt_complete(&x);
	assert_true(rt_completion_done(&x));
	assert_int_equal(rt_wait_for_completion_timeout(&x, 0), 0);
	assert_true(rt_completion_done(&x));
	rt_completion_destroy(&x);
}

static void rt_completion_wait_unblocks_on_complete(void **state)
{
	struct waiter w;
	struct rt_completion x;

	(void)state;
	rt_completion_init(&x);
	w.x = &x;
	rt_completion_init(&w.started);
	rt_completion_init(&w.done);
	assert_int_equal(rt_thread_create(&w.thread, "waiter", waiter_fn, &w),
			 0);
	assert_int_equal(rt_wait_for_completion_timeout(&w.started, WAIT_MS), 0);
	rt_complete(&x);
	assert_int_equal(rt_wait_for_completion_timeout(&w.done, WAIT_MS), 0);
	rt_thread_join(w.thread, NULL);
	/* The waiter consumed the one completion. */
	assert_false(rt_completion_done(&x));
	rt_completion_destroy(&w.started);
	rt_completion_destroy(&w.done);
	rt_completion_destroy(&x);
}

static void rt_completion_reinit_clears(void **state)
{
	struct rt_completion x;

	(void)state;
	rt_completion_init(&x);
	rt_complete(&x);
	rt_complete(&x);
	rt_complete(&x);
	rt_completion_reinit(&x);
	assert_false(rt_completion_done(&x));
	assert_int_equal(rt_wait_for_completion_timeout(&x, SHORT_MS),
			 -ETIMEDOUT);

	rt_complete_all(&x);
	assert_true(rt_completion_done(&x));
	rt_completion_reinit(&x);
	assert_false(rt_completion_done(&x));
	assert_int_equal(rt_wait_for_completion_timeout(&x, 0), -ETIMEDOUT);

	/* Usable again after reinit. */
	rt_complete(&x);
	assert_int_equal(rt_wait_for_completion_timeout(&x, 0), 0);
	rt_completion_destroy(&x);
}

static void rt_completion_timeout_expires(void **state)
{
	struct rt_completion x;

	(void)state;
	rt_completion_init(&x);
	assert_int_equal(rt_wait_for_completion_timeout(&x, SHORT_MS),
			 -ETIMEDOUT);
	assert_int_equal(rt_wait_for_completion_timeout(&x, 0), -ETIMEDOUT);
	assert_false(rt_completion_done(&x));
	rt_completion_destroy(&x);
}

struct late_completer {
	struct rt_completion *x;
};

static void *late_complete_fn(void *arg)
{
	struct late_completer *c = arg;

	rt_sleep_ms(10);
	rt_complete(c->x);
	return NULL;
}

static void rt_completion_timeout_completed_by_other_thread(void **state)
{
	struct rt_completion x;
	struct late_completer c = { .x = &x };
	struct rt_thread *t;

	(void)state;
	rt_completion_init(&x);
	assert_int_equal(rt_thread_create(&t, "late", late_complete_fn, &c), 0);
	assert_int_equal(rt_wait_for_completion_timeout(&x, WAIT_MS), 0);
	/* The completer has finished (it completes last), so this is quick. */
	rt_thread_join(t, NULL);
	assert_false(rt_completion_done(&x));
	rt_completion_destroy(&x);
}

/* ---- kref --------------------------------------------------------------- */

struct kobj {
	struct rt_kref ref;
	atomic_int released;
};

static void kobj_release(struct rt_kref *k)
{
	struct kobj *o = (struct kobj *)((char *)k - offsetof(struct kobj, ref));

	atomic_fetch_add(&o->released, 1);
}

static void rt_kref_release_once_at_last_put(void **state)
{
	struct kobj o;

	(void)state;
	atomic_init(&o.released, 0);
	rt_kref_init(&o.ref);
	assert_int_equal(rt_kref_read(&o.ref), 1);
	rt_kref_get(&o.ref);
	rt_kref_get(&o.ref);
	assert_int_equal(rt_kref_read(&o.ref), 3);
	assert_int_equal(rt_kref_put(&o.ref, kobj_release), 0);
	assert_int_equal(rt_kref_put(&o.ref, kobj_release), 0);
	assert_int_equal(atomic_load(&o.released), 0);
	assert_int_equal(rt_kref_read(&o.ref), 1);
	assert_int_equal(rt_kref_put(&o.ref, kobj_release), 1);
	assert_int_equal(atomic_load(&o.released), 1);
	assert_int_equal(rt_kref_read(&o.ref), 0);
}

#define KREF_THREADS	4
#define KREF_ITERS	10000

struct kref_worker {
	struct rt_thread *thread;
	struct rt_completion done;
	struct kobj *o;
	int early_release;
};

static void *kref_worker_fn(void *arg)
{
	struct kref_worker *w = arg;
	int i;

	for (i = 0; i < KREF_ITERS; i++) {
		rt_kref_get(&w->o->ref);
		w->early_release += rt_kref_put(&w->o->ref, kobj_release);
	}
	/* Drop the reference the main thread took for us. */
	w->early_release += rt_kref_put(&w->o->ref, kobj_release);
	rt_complete(&w->done);
	return NULL;
}

static void rt_kref_concurrent_release_once(void **state)
{
	struct kref_worker w[KREF_THREADS];
	struct kobj o;
	int i;

	(void)state;
	atomic_init(&o.released, 0);
	rt_kref_init(&o.ref);
	for (i = 0; i < KREF_THREADS; i++) {
		w[i].o = &o;
		w[i].early_release = 0;
		rt_completion_init(&w[i].done);
		rt_kref_get(&o.ref);
		assert_int_equal(rt_thread_create(&w[i].thread, "kref",
						  kref_worker_fn, &w[i]), 0);
	}
	for (i = 0; i < KREF_THREADS; i++) {
		assert_int_equal(
			rt_wait_for_completion_timeout(&w[i].done, WAIT_MS), 0);
		rt_thread_join(w[i].thread, NULL);
		rt_completion_destroy(&w[i].done);
		assert_int_equal(w[i].early_release, 0);
	}
	assert_int_equal(rt_kref_read(&o.ref), 1);
	assert_int_equal(atomic_load(&o.released), 0);
	assert_int_equal(rt_kref_put(&o.ref, kobj_release), 1);
	assert_int_equal(atomic_load(&o.released), 1);
}

/* ---- allocation fault injection ----------------------------------------- */

static int alloc_reset(void **state)
{
	(void)state;
	smcsim_alloc_fail_after(-1);
	return 0;
}

static void alloc_fail_after_fails_exactly_once(void **state)
{
	void *p[6];
	unsigned int before;
	size_t i;

	(void)state;
	smcsim_alloc_fail_after(3);
	before = smcsim_alloc_injected();
	for (i = 0; i < 6; i++) {
		p[i] = smcsim_zalloc(16);
		/* Counted when refused, not before. */
		assert_int_equal(smcsim_alloc_injected(),
				 before + (i >= 3 ? 1 : 0));
	}
	assert_non_null(p[0]);
	assert_non_null(p[1]);
	assert_non_null(p[2]);
	assert_null(p[3]);
	assert_non_null(p[4]);
	assert_non_null(p[5]);
	for (i = 0; i < 6; i++)
		smcsim_free(p[i]);

	/* Zero: the very next allocation fails; calloc counts as well. */
	smcsim_alloc_fail_after(0);
	before = smcsim_alloc_injected();
	assert_null(smcsim_calloc(4, 8));
	assert_int_equal(smcsim_alloc_injected(), before + 1);
	p[0] = smcsim_calloc(4, 8);
	assert_non_null(p[0]);
	smcsim_free(p[0]);
	assert_int_equal(smcsim_alloc_injected(), before + 1);
}

static void alloc_fail_after_negative_disables(void **state)
{
	unsigned int before;
	int i;

	(void)state;
	smcsim_alloc_fail_after(1);
	smcsim_alloc_fail_after(-1);
	before = smcsim_alloc_injected();
	for (i = 0; i < 100; i++) {
		void *p = smcsim_zalloc(8);

		assert_non_null(p);
		smcsim_free(p);
	}
	assert_int_equal(smcsim_alloc_injected(), before);
}

static void alloc_zalloc_zeroes(void **state)
{
	unsigned char *p;
	size_t i;

	(void)state;
	p = smcsim_zalloc(256);
	assert_non_null(p);
	for (i = 0; i < 256; i++)
		assert_int_equal(p[i], 0);
	smcsim_free(p);
	p = smcsim_calloc(16, 16);
	assert_non_null(p);
	for (i = 0; i < 256; i++)
		assert_int_equal(p[i], 0);
	smcsim_free(p);
	/* Zero-sized requests still give a pointer that can be freed. */
	p = smcsim_zalloc(0);
	assert_non_null(p);
	smcsim_free(p);
	smcsim_free(NULL);
}

struct alloc_probe {
	struct rt_completion go;
	struct rt_completion done;
	int go_rc;
	int allocs_ok;
	unsigned int injected;
};

static void *alloc_probe_fn(void *arg)
{
	struct alloc_probe *a = arg;
	int i;

	a->go_rc = rt_wait_for_completion_timeout(&a->go, WAIT_MS);
	for (i = 0; i < 3; i++) {
		void *p = smcsim_zalloc(32);

		if (p)
			a->allocs_ok++;
		smcsim_free(p);
	}
	a->injected = smcsim_alloc_injected();
	rt_complete(&a->done);
	return NULL;
}

static void alloc_fail_after_is_per_thread(void **state)
{
	struct alloc_probe a = { .go_rc = -1, .allocs_ok = 0 };
	struct rt_thread *t;
	unsigned int before;
	void *p;

	(void)state;
	rt_completion_init(&a.go);
	rt_completion_init(&a.done);
	/* Created before arming, so the thread's own handle is not hit. */
	assert_int_equal(rt_thread_create(&t, "other", alloc_probe_fn, &a), 0);
	smcsim_alloc_fail_after(0);
	before = smcsim_alloc_injected();
	rt_complete(&a.go);
	assert_int_equal(rt_wait_for_completion_timeout(&a.done, WAIT_MS), 0);
	rt_thread_join(t, NULL);
	assert_int_equal(a.go_rc, 0);
	assert_int_equal(a.allocs_ok, 3);
	assert_int_equal(a.injected, 0);

	/* The countdown of this thread is still armed. */
	p = smcsim_zalloc(32);
	assert_null(p);
	assert_int_equal(smcsim_alloc_injected(), before + 1);
	p = smcsim_zalloc(32);
	assert_non_null(p);
	smcsim_free(p);
	rt_completion_destroy(&a.go);
	rt_completion_destroy(&a.done);
}

static void alloc_calloc_overflow_null(void **state)
{
	unsigned int before;

	(void)state;
	assert_null(smcsim_calloc(SIZE_MAX / 2 + 1, 2));
	assert_null(smcsim_calloc(SIZE_MAX, SIZE_MAX));
	assert_null(smcsim_calloc(2, SIZE_MAX / 2 + 1));
	/* An overflow is refused before injection looks at the call. */
	smcsim_alloc_fail_after(0);
	before = smcsim_alloc_injected();
	assert_null(smcsim_calloc(SIZE_MAX / 4 + 1, 4));
	assert_int_equal(smcsim_alloc_injected(), before);
	assert_null(smcsim_zalloc(1));
	assert_int_equal(smcsim_alloc_injected(), before + 1);
}

/* ---- time --------------------------------------------------------------- */

static void rt_now_ms_monotonic(void **state)
{
	uint64_t a, b;

	(void)state;
	a = rt_now_ms();
	rt_sleep_ms(1);
	b = rt_now_ms();
	assert_true(b >= a);
	rt_sleep_ms(0);
	assert_true(rt_now_ms() >= b);
}

#define A(f) cmocka_unit_test_setup_teardown(f, alloc_reset, alloc_reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rt_thread_runs_and_joins_with_return),
		cmocka_unit_test(rt_thread_name_inside_and_outside),
		cmocka_unit_test(rt_mutex_mutual_exclusion),
		cmocka_unit_test(rt_mutex_trylock_fails_while_held),
		cmocka_unit_test(rt_cond_wait_signal_handshake),
		cmocka_unit_test(rt_cond_timedwait_times_out),
		cmocka_unit_test(rt_completion_complete_before_wait),
		cmocka_unit_test(rt_completion_counts),
		cmocka_unit_test(rt_completion_complete_all_releases_every_waiter),
		cmocka_unit_test(rt_completion_wait_unblocks_on_complete),
		cmocka_unit_test(rt_completion_reinit_clears),
		cmocka_unit_test(rt_completion_timeout_expires),
		cmocka_unit_test(rt_completion_timeout_completed_by_other_thread),
		cmocka_unit_test(rt_kref_release_once_at_last_put),
		cmocka_unit_test(rt_kref_concurrent_release_once),
		A(alloc_fail_after_fails_exactly_once),
		A(alloc_fail_after_negative_disables),
		A(alloc_zalloc_zeroes),
		A(alloc_fail_after_is_per_thread),
		A(alloc_calloc_overflow_null),
		cmocka_unit_test(rt_now_ms_monotonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
