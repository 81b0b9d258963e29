/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runtime layer: every thread and every blocking primitive of both
 * worlds goes through here, so that a deterministic scheduler can later take
 * over all of them behind the same API (docs/design.md section 3.2).
 * Nothing outside lib/rt*.c calls pthread_* directly.
 *
 * The primitives follow the kernel's semantics where ported code needs them:
 * completions count, krefs release at zero.
 *
 * Two implementations sit behind this API: free-running pthreads
 * (lib/rt_pthread.c) and the deterministic scheduler (lib/rt_det.c,
 * <smcsim/det.h>), chosen per run by rt_det_begin(). Each function tests
 * rt_det_active() once; in free-running mode that is the only cost.
 *
 * Built with -Druntime=noos (SMCSIM_NO_OS in <smcsim/config.h>) there are
 * no OS threads: the scheduler of lib/rt_det.c runs every thread as a
 * context, cooperatively (a thread runs until it blocks or yields at
 * rt_sched_point()) outside a det run, seeded inside one; this header does
 * not include <pthread.h>.
 */
#ifndef SMCSIM_RT_H
#define SMCSIM_RT_H

#include <smcsim/config.h>

#ifndef SMCSIM_NO_OS
#include <pthread.h>
#endif
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct rt_thread;

/*
 * The det_* fields belong to the deterministic scheduler: the owner (it
 * keeps mutexes itself) and a trace id that is the same in every run of a
 * seed, where an address would not be. det_gen tells which run gave it.
 * With no OS they are all there is.
 */
struct rt_mutex {
#ifndef SMCSIM_NO_OS
	pthread_mutex_t pm;
#endif
	struct rt_thread *det_owner;
	uint32_t det_id;
	uint32_t det_gen;
	const char *name;
};

struct rt_cond {
#ifndef SMCSIM_NO_OS
	pthread_cond_t pc;
#endif
	uint32_t det_id;
	uint32_t det_gen;
	const char *name;
};

/** enum rt_world - the world a thread executes in, for deadlock reports */
enum rt_world {
	RT_WORLD_NORMAL,
	RT_WORLD_SECURE,
};

/** enum rt_point - why an explicit scheduling point is taken */
enum rt_point {
	RT_POINT_YIELD,
	RT_POINT_IRQ,
};

/* Set only by rt_det_begin()/rt_det_end(); read it via rt_det_active(). */
extern bool rt_det_on_;

/** rt_det_active() - a deterministic run is in progress */
static inline bool rt_det_active(void)
{
	return __builtin_expect(rt_det_on_, 0);
}

/* The deterministic side of the inlines below (lib/rt_det.c); not for callers. */
void rt_det_point_(enum rt_point p);
void rt_det_world_(enum rt_world w);
void rt_det_kref_(bool put);

/**
 * rt_sched_point() - an explicit scheduling point (interrupt delivery,
 * a polling loop); nothing in free-running mode, a yield to the other
 * runnable threads with no OS
 */
static inline void rt_sched_point(enum rt_point p)
{
#ifdef SMCSIM_NO_OS
	rt_det_point_(p);
#else
	if (rt_det_active())
		rt_det_point_(p);
#endif
}

/**
 * rt_world_switch() - the calling thread now executes in world @w: a
 * scheduling point in deterministic mode, nothing in free-running mode
 */
static inline void rt_world_switch(enum rt_world w)
{
	if (rt_det_active())
		rt_det_world_(w);
}

/**
 * struct rt_completion - a counted event, as the kernel's struct completion
 * @lock:	protects @done
 * @cond:	signalled when @done is raised
 * @done:	completions not yet consumed; UINT32_MAX after complete_all
 */
struct rt_completion {
	struct rt_mutex lock;
	struct rt_cond cond;
	unsigned int done;
};

/**
 * struct rt_kref - a reference count with the kernel's kref semantics
 * @refcount:	references held; the release callback runs when it drops to 0
 */
struct rt_kref {
	atomic_uint refcount;
};

/**
 * rt_thread_create() - start a thread
 * @out:	receives the thread handle, to be passed to rt_thread_join()
 * @name:	a short name for traces and deadlock reports (copied)
 * @fn:		entry point
 * @arg:	passed to @fn
 *
 * Return: 0 or a negative errno.
 */
int rt_thread_create(struct rt_thread **out, const char *name,
		     void *(*fn)(void *), void *arg);

/**
 * rt_thread_join() - wait for a thread to end and free its handle
 * @t:		thread from rt_thread_create()
 * @retval:	receives @fn's return value if not NULL
 */
void rt_thread_join(struct rt_thread *t, void **retval);

/** rt_thread_name() - the name the current thread was created with, or "main" */
const char *rt_thread_name(void);
/**
 * rt_thread_id() - a small number for the current thread, for traces: 0
 * for a thread rt did not create ("main"); in a det run the scheduler's
 * (the same in every run of a seed), else one in creation order
 */
unsigned int rt_thread_id(void);

void rt_mutex_init(struct rt_mutex *m);
/**
 * rt_mutex_set_name() - what deadlock reports call @m (a string that
 * outlives it; NULL: its number only). rt_cond_set_name() and
 * rt_completion_set_name() are the same for conditions and completions.
 */
void rt_mutex_set_name(struct rt_mutex *m, const char *name);
void rt_mutex_destroy(struct rt_mutex *m);
void rt_mutex_lock(struct rt_mutex *m);
void rt_mutex_unlock(struct rt_mutex *m);
/** rt_mutex_trylock() - Return: true if the mutex was taken */
bool rt_mutex_trylock(struct rt_mutex *m);

void rt_cond_init(struct rt_cond *c);
void rt_cond_set_name(struct rt_cond *c, const char *name);
void rt_cond_destroy(struct rt_cond *c);
void rt_cond_wait(struct rt_cond *c, struct rt_mutex *m);
/**
 * rt_cond_timedwait() - wait with a relative timeout
 * Return: 0 when woken (maybe spuriously), -ETIMEDOUT when @timeout_ms passed.
 */
int rt_cond_timedwait(struct rt_cond *c, struct rt_mutex *m,
		      unsigned int timeout_ms);
void rt_cond_signal(struct rt_cond *c);
void rt_cond_broadcast(struct rt_cond *c);

void rt_completion_init(struct rt_completion *x);
void rt_completion_set_name(struct rt_completion *x, const char *name);
void rt_completion_destroy(struct rt_completion *x);
/** rt_completion_reinit() - forget completions not yet consumed */
void rt_completion_reinit(struct rt_completion *x);
void rt_complete(struct rt_completion *x);
void rt_complete_all(struct rt_completion *x);
void rt_wait_for_completion(struct rt_completion *x);
/**
 * rt_wait_for_completion_timeout() - wait at most @timeout_ms milliseconds
 * Return: 0 when completed, -ETIMEDOUT otherwise.
 */
int rt_wait_for_completion_timeout(struct rt_completion *x,
				   unsigned int timeout_ms);
/**
 * rt_thread_kill() - deliver a "fatal signal" to @t, standing in for
 * SIGKILL: its killable wait now, and every later one, returns -EINTR.
 * Other waits are not affected, as in the kernel.
 */
void rt_thread_kill(struct rt_thread *t);
/** rt_fatal_signal_pending() - the calling thread was killed */
bool rt_fatal_signal_pending(void);
/**
 * rt_wait_for_completion_killable() - wait until completed or killed
 * Return: 0 when completed (a completion wins over a kill), -EINTR when
 * killed. The main thread cannot be killed.
 */
int rt_wait_for_completion_killable(struct rt_completion *x);

/** rt_completion_done() - true if a wait would not block */
bool rt_completion_done(struct rt_completion *x);

static inline void rt_kref_init(struct rt_kref *k)
{
	atomic_init(&k->refcount, 1);
}

static inline void rt_kref_get(struct rt_kref *k)
{
	if (rt_det_active())
		rt_det_kref_(false);
	atomic_fetch_add(&k->refcount, 1);
}

static inline unsigned int rt_kref_read(const struct rt_kref *k)
{
	return atomic_load(&k->refcount);
}

/**
 * rt_kref_put() - drop a reference, calling @release when it was the last
 * Return: 1 if @release ran, else 0.
 */
static inline int rt_kref_put(struct rt_kref *k,
			      void (*release)(struct rt_kref *k))
{
	/*
	 * A scheduling point before the decrement, where a racing get or
	 * lookup matters; the count itself stays atomic in both modes.
	 */
	if (rt_det_active())
		rt_det_kref_(true);
	if (atomic_fetch_sub(&k->refcount, 1) == 1) {
		release(k);
		return 1;
	}
	return 0;
}

/** rt_now_ms() - monotonic time in milliseconds (virtual in a det run) */
uint64_t rt_now_ms(void);
/** rt_sleep_ms() - sleep the calling thread (virtual time in a det run) */
void rt_sleep_ms(unsigned int ms);
/**
 * rt_realtime() - the wall clock (CLOCK_REALTIME)
 * @ts:		receives it
 *
 * In a det run it is RT_DET_REALTIME_EPOCH plus the virtual time the run
 * has spent, so what either world reads of the date repeats with the seed
 * and moves with virtual sleeps and timeouts. Nothing in either world reads
 * a clock except through rt_now_ms() and this.
 */
void rt_realtime(struct timespec *ts);

/* The det run's wall clock starts here: 2024-01-01T00:00:00Z. */
#define RT_DET_REALTIME_EPOCH	((time_t)1704067200)

/*
 * The platform under the cooperative scheduler (SMCSIM_NO_OS, outside a
 * det run). lib/rt_det.c defines them weakly for a host (CLOCK_MONOTONIC,
 * clock_nanosleep, CLOCK_REALTIME); a bare-metal platform defines its own:
 * a timer, an idle that waits for an interrupt or the timer, and a date
 * (or none: a fixed one).
 */
/** rt_platform_now_ms() - monotonic milliseconds */
uint64_t rt_platform_now_ms(void);
/** rt_platform_idle_until() - nothing can run before @ms (rt_platform_now_ms()) */
void rt_platform_idle_until(uint64_t ms);
/** rt_platform_realtime() - the wall clock, for rt_realtime() */
void rt_platform_realtime(struct timespec *ts);

#endif /* SMCSIM_RT_H */
