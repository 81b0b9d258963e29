/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the implementations of the runtime layer share: the thread record,
 * lib/rt.c's helpers and the scheduler's entry points (lib/rt_det.c),
 * which rt_pthread.c calls when rt_det_active() and rt_noos.c always.
 */
#ifndef SMCSIM_RT_PRIVATE_H
#define SMCSIM_RT_PRIVATE_H

#include <sys/queue.h>

#include <smcsim/ctx.h>
#include <smcsim/rt.h>

/*
 * Per-OS-thread state; with no OS there is one thread of execution. The
 * scheduler reads and writes it at every switch: initial-exec spares the
 * __tls_get_addr() call of a shared library's thread-locals (the library
 * is linked, not dlopen()ed late, so static TLS has room for these).
 */
#ifdef SMCSIM_NO_OS
#define RT_TLS
#else
#define RT_TLS		_Thread_local __attribute__((tls_model("initial-exec")))
#endif

/** enum rt_det_state - a thread in a deterministic run */
enum rt_det_state {
	RT_DET_RUNNABLE,
	RT_DET_BLOCKED,
	RT_DET_EXITED,
};

/** enum rt_det_wait - what a blocked thread waits for */
enum rt_det_wait {
	RT_WAIT_NONE,
	RT_WAIT_MUTEX,
	RT_WAIT_COND,
	RT_WAIT_JOIN,
	RT_WAIT_SLEEP,
};

/**
 * struct rt_alloc_state - lib/alloc.c's per-thread fault injection, kept
 * per rt thread across the scheduler's switches (rt threads of a context
 * scheduler share one OS thread and so its thread-locals)
 * @countdown:	allocations left before the injected failure, < 0 = off
 * @injected:	failures injected since it was armed
 */
struct rt_alloc_state {
	int countdown;
	unsigned int injected;
};

/* lib/alloc.c: the running thread's state out and in. */
void rt_alloc_save(struct rt_alloc_state *s);
void rt_alloc_load(const struct rt_alloc_state *s);

/**
 * struct rt_thread - a thread of the runtime layer
 * @th:		the pthread (free-running threads)
 * @name:	for reports
 * @fn:		entry point
 * @arg:	its argument
 * @killed:	rt_thread_kill() was called: a fatal signal is pending
 * @kill_lock:	protects @waiting_on
 * @waiting_on:	the completion a killable wait sleeps on now, or NULL
 *
 * The rest is the context scheduler's, touched only by the running thread
 * (one at a time, on one OS thread):
 * @ctx:	where the thread resumes when picked; whatever stack it left
 *		from (its own, or a secure thread's it switched into)
 * @stack:	its own stack
 * @ret:	@fn's return value, for the joiner
 * @alloc:	its allocation fault-injection state while it does not run
 * @det:	created by the scheduler
 * @tid:	creation order in the run, main = 0
 * @state:	runnable, blocked or exited
 * @wait:	what it is blocked on, with @wait_obj (mutex, cond, thread)
 *		and, for a condition, the mutex it gave up in @wait_mutex
 * @deadline:	time (virtual in a det run) at which a timed block ends,
 *		0 = none
 * @timed_out:	the last block ended at its deadline
 * @world:	where it executes now
 * @prio:	PCT priority, highest runs
 * @link:	in the scheduler's thread list
 */
struct rt_thread {
#ifndef SMCSIM_NO_OS
	pthread_t th;
#endif
	char name[32];
	void *(*fn)(void *);
	void *arg;
	atomic_bool killed;
	struct rt_mutex kill_lock;
	struct rt_completion *waiting_on;

	struct smcsim_ctx ctx;
	struct smcsim_stack stack;
	void *ret;
	struct rt_alloc_state alloc;
	bool det;
	unsigned int tid;
	enum rt_det_state state;
	enum rt_det_wait wait;
	const void *wait_obj;
	struct rt_mutex *wait_mutex;
	uint64_t deadline;
	bool timed_out;
	enum rt_world world;
	uint64_t prio;
	TAILQ_ENTRY(rt_thread) link;
};

extern RT_TLS struct rt_thread *rt_self;

/*
 * Each runtime (rt_pthread.c, rt_noos.c) starts and waits for a thread
 * whose record lib/rt.c made: rt_thread_start() returns 0 or a negative
 * errno, rt_thread_wait() the thread function's value.
 */
int rt_thread_start(struct rt_thread *t);
void *rt_thread_wait(struct rt_thread *t);
/* Consume one completion; complete_all leaves the count saturated. */
static inline void rt_completion_consume(struct rt_completion *x)
{
	if (x->done != UINT32_MAX)
		x->done--;
}

/* rt_wait_for_completion_timeout() on the scheduler's clock. */
int rt_sched_completion_timeout(struct rt_completion *x,
				unsigned int timeout_ms);

/* Live rt threads, so that rt_det_begin() can refuse to start. */
extern atomic_uint rt_live_threads;

/* Return: 0 or a negative errno. */
int rt_det_thread_create(struct rt_thread *t);
/* Wait for @t to end; Return: its @fn's value. Its stack is given back. */
void *rt_det_thread_join(struct rt_thread *t);
void rt_det_mutex_lock(struct rt_mutex *m);
void rt_det_mutex_unlock(struct rt_mutex *m);
bool rt_det_mutex_trylock(struct rt_mutex *m);
/* Return: 0 or -ETIMEDOUT; @timeout_ms UINT64_MAX waits forever. */
int rt_det_cond_wait(struct rt_cond *c, struct rt_mutex *m,
		     uint64_t timeout_ms);
void rt_det_cond_wake(struct rt_cond *c, bool all);
uint64_t rt_det_now_ms(void);
void rt_det_sleep_ms(unsigned int ms);
void rt_det_realtime(struct timespec *ts);

#endif /* SMCSIM_RT_PRIVATE_H */
