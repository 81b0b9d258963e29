/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the two implementations of the runtime layer share: the thread
 * record and the deterministic entry points that rt_pthread.c calls when
 * rt_det_active() (lib/rt_det.c).
 */
#ifndef SMCSIM_RT_PRIVATE_H
#define SMCSIM_RT_PRIVATE_H

#include <semaphore.h>
#include <sys/queue.h>

#include <smcsim/rt.h>

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
 * struct rt_thread - a thread of the runtime layer
 * @th:		the pthread
 * @name:	for reports
 * @fn:		entry point
 * @arg:	its argument
 * @killed:	rt_thread_kill() was called: a fatal signal is pending
 * @kill_lock:	protects @waiting_on
 * @waiting_on:	the completion a killable wait sleeps on now, or NULL
 *
 * The rest is the deterministic scheduler's, touched only by the thread
 * that holds the turn (the hand-off through @turn orders the accesses):
 * @turn:	posted when this thread is picked to run
 * @det:	created in a deterministic run
 * @tid:	creation order in the run, main = 0
 * @state:	runnable, blocked or exited
 * @wait:	what it is blocked on, with @wait_obj (mutex, cond, thread)
 *		and, for a condition, the mutex it gave up in @wait_mutex
 * @deadline:	virtual time at which a timed block ends, 0 = none
 * @timed_out:	the last block ended at its deadline
 * @world:	where it executes now
 * @prio:	PCT priority, highest runs
 * @link:	in the run's thread list
 */
struct rt_thread {
	pthread_t th;
	char name[32];
	void *(*fn)(void *);
	void *arg;
	atomic_bool killed;
	struct rt_mutex kill_lock;
	struct rt_completion *waiting_on;

	sem_t turn;
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

extern _Thread_local struct rt_thread *rt_self;

/* Free-running thread count, so that rt_det_begin() can refuse to start. */
extern atomic_uint rt_live_threads;

int rt_det_thread_create(struct rt_thread *t);
void rt_det_thread_join(struct rt_thread *t);
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
