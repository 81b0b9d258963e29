// SPDX-License-Identifier: BSD-2-Clause
/*
 * The context scheduler of the runtime layer: the deterministic runtime
 * (<smcsim/det.h>) and, with no OS, the only runtime there is.
 *
 * Every rt thread it runs is a context (<smcsim/ctx.h>) with a stack of
 * its own, all on the one OS thread that began the run; only the running
 * thread touches the scheduler's state, so that state needs no lock. At a
 * scheduling point the running thread picks the next runnable thread and
 * switches to it: smcsim_ctx_switch() saves where it is (whatever stack
 * that is: its own, or a secure thread's it switched into) and resumes
 * the other where it left. Blocking is "mark blocked on X, switch away";
 * unlock, signal, exit mark the waiters of X runnable again. Mutexes and
 * conditions are kept here (owner, waiters); the pthread objects inside
 * struct rt_mutex/rt_cond are not used by it.
 *
 * Two modes, one scheduler:
 *  - seeded (rt_det_begin() to rt_det_end(), rt_det_on_): every rt
 *    operation is a point where a seeded PRNG (or PCT) picks, steps are
 *    hashed and traced, time is virtual;
 *  - cooperative (SMCSIM_NO_OS outside a seeded run): a thread runs until
 *    it blocks or yields (rt_sched_point()); the next is the runnable
 *    thread that ran least recently; time is the platform's clock
 *    (rt_platform_now_ms()), and with nothing runnable the scheduler idles
 *    until the earliest deadline (rt_platform_idle_until()).
 *
 *  1. run state, PRNG, trace
 *  2. picking and switching
 *  3. reports (deadlock, livelock)
 *  4. threads and their stacks
 *  5. mutexes and conditions
 *  6. time and explicit points
 *  7. begin, end, configuration
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <smcsim/det.h>
#include <smcsim/trace.h>

#include "rt_private.h"

/* ---- 1. run state, PRNG, trace ------------------------------------------ */

bool rt_det_on_;

enum det_op {
	OP_CREATE,
	OP_EXIT,
	OP_JOIN,
	OP_LOCK,
	OP_UNLOCK,
	OP_TRYLOCK,
	OP_WAIT,
	OP_SIGNAL,
	OP_BROADCAST,
	OP_SLEEP,
	OP_YIELD,
	OP_IRQ,
	OP_WORLD,
	OP_KREF_GET,
	OP_KREF_PUT,
};

static const char *const det_op_names[] = {
	[OP_CREATE] = "create",		[OP_EXIT] = "exit",
	[OP_JOIN] = "join",		[OP_LOCK] = "lock",
	[OP_UNLOCK] = "unlock",		[OP_TRYLOCK] = "trylock",
	[OP_WAIT] = "wait",		[OP_SIGNAL] = "signal",
	[OP_BROADCAST] = "broadcast",	[OP_SLEEP] = "sleep",
	[OP_YIELD] = "yield",		[OP_IRQ] = "irq",
	[OP_WORLD] = "world",		[OP_KREF_GET] = "kref_get",
	[OP_KREF_PUT] = "kref_put",
};

/* Virtual time starts here rather than at 0, which code may read as unset. */
#define DET_VTIME_BASE	((uint64_t)1000000)
#define DET_MAX_DEPTH	16

/*
 * The stack of a thread, for the driver's and the secure world's call
 * paths (64 KiB would do; the pages a thread never touches cost nothing).
 * lib/ctx.c keeps the stacks of ended threads for the next ones, so a
 * run's threads do not map their stacks each time.
 */
#define DET_STACK_SIZE	(256 * 1024)

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

/**
 * struct det_run - the state of the run (owned by the turn holder)
 * @cfg:	as begun
 * @threads:	live threads in creation order, main first
 * @main:	the record of the main thread
 * @rng:	splitmix64 state
 * @hash:	FNV-1a over the steps
 * @steps:	steps so far
 * @switches:	hand-offs to another thread
 * @vtime:	virtual clock in ms
 * @next_tid:	tid of the next thread
 * @next_obj:	trace id of the next mutex or condition seen
 * @gen:	this run's number, to tell fresh object ids from stale ones
 * @started:	threads created
 * @change:	PCT change points (steps), @nchange of them
 * @ready:	@threads and @main are set up (the cooperative mode sets
 *		them up at first use)
 */
struct det_run {
	struct rt_det_config cfg;
	TAILQ_HEAD(, rt_thread) threads;
	struct rt_thread main;
	uint64_t rng;
	uint64_t hash;
	uint64_t steps;
	uint64_t switches;
	uint64_t vtime;
	unsigned int next_tid;
	uint32_t next_obj;
	uint32_t gen;
	unsigned int started;
	uint64_t change[DET_MAX_DEPTH];
	unsigned int nchange;
	bool ready;
};

static struct det_run det;

#ifndef SMCSIM_NO_OS
/* This OS thread began the run: the only one that may use rt in it. */
static RT_TLS bool det_here;
#endif

static void det_init(void);

static void det_fatal(const char *what)
{
	fprintf(stderr, "smcsim det: %s\n", what);
	abort();
}

/* splitmix64: tiny, fast, and every seed (0 too) gives a good stream. */
static uint64_t det_rand(void)
{
	uint64_t z = (det.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t det_below(uint64_t n)
{
	return det_rand() % n;
}

static struct rt_thread *det_self(void)
{
	struct rt_thread *t = rt_self;

	if (!t) {
#ifdef SMCSIM_NO_OS
		if (!det.ready)
			det_init();
#else
		if (!det_here)
			det_fatal("a thread outside the run used the rt layer");
#endif
		return &det.main;
	}
	if (!t->det)
		det_fatal("a free-running thread used the rt layer in a run");
	return t;
}

static uint32_t det_obj_id(uint32_t *id, uint32_t *gen)
{
	if (*gen != det.gen) {
		*gen = det.gen;
		*id = ++det.next_obj;
	}
	return *id;
}

static void det_report(const char *what, int code);

static void det_record(struct rt_thread *self, enum det_op op, uint32_t obj)
{
	const uint32_t rec[3] = { self->tid, op, obj };
	unsigned int i;

	if (!rt_det_on_)
		return;
	/* FNV-1a a word at a time: three multiplies a step, not twelve. */
	for (i = 0; i < 3; i++) {
		det.hash ^= rec[i];
		det.hash *= FNV_PRIME;
	}
	det.steps++;
	if (det.cfg.trace)
		fprintf(det.cfg.trace, "%" PRIu64 " %u %s %u\n", det.steps,
			self->tid, det_op_names[op], obj);
	/* PCT: at a change point the running thread sinks below all others. */
	for (i = 0; i < det.nchange; i++)
		if (det.change[i] == det.steps)
			self->prio = i;
	if (det.steps > det.cfg.max_steps)
		det_report("livelock (step budget exceeded)",
			   RT_DET_EXIT_LIVELOCK);
}

/* ---- 2. picking and switching ------------------------------------------- */

static void det_unblock(struct rt_thread *t, bool timed_out)
{
	t->state = RT_DET_RUNNABLE;
	t->wait = RT_WAIT_NONE;
	t->wait_obj = NULL;
	t->wait_mutex = NULL;
	t->deadline = 0;
	t->timed_out = timed_out;
}

/*
 * Nobody can run: move the clock to the earliest deadline and wake every
 * thread whose deadline that is. Return: false if nobody waits with one.
 */
static bool det_advance_time(void)
{
	struct rt_thread *t;
	uint64_t next = UINT64_MAX;

	TAILQ_FOREACH(t, &det.threads, link)
		if (t->state == RT_DET_BLOCKED && t->deadline &&
		    t->deadline < next)
			next = t->deadline;
	if (next == UINT64_MAX)
		return false;
	if (next > det.vtime)
		det.vtime = next;
	TAILQ_FOREACH(t, &det.threads, link)
		if (t->state == RT_DET_BLOCKED && t->deadline &&
		    t->deadline <= det.vtime)
			det_unblock(t, true);
	return true;
}

/*
 * The platform's clock: POSIX by default (weak, so a platform can bring
 * its own). Bare metal has no POSIX clock: the platform's are the only
 * ones (lib/rt_gtimer.c).
 */
#ifndef SMCSIM_BARE_METAL
__attribute__((weak)) uint64_t rt_platform_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

__attribute__((weak)) void rt_platform_idle_until(uint64_t ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ms / 1000),
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

__attribute__((weak)) void rt_platform_realtime(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}
#endif /* !SMCSIM_BARE_METAL */

/* Now: virtual in a seeded run, else the platform's clock. */
static uint64_t det_now(void)
{
	return rt_det_on_ ? det.vtime : rt_platform_now_ms();
}

/* A deadline @ms from now; never 0, which means none. */
static uint64_t det_deadline(uint64_t ms)
{
	uint64_t d = det_now() + ms;

	return d ? d : 1;
}

/* Runnable threads gathered in one walk; more fall back to two walks. */
#define DET_PICK_MAX	32

/* The k-th runnable thread in list order (creation order). */
static struct rt_thread *det_nth_runnable(uint64_t k)
{
	struct rt_thread *t;

	TAILQ_FOREACH(t, &det.threads, link)
		if (t->state == RT_DET_RUNNABLE && !k--)
			return t;
	return NULL;
}

static struct rt_thread *det_pick_seeded(void)
{
	struct rt_thread *run[DET_PICK_MAX];
	struct rt_thread *t, *best;
	unsigned int n;
	uint64_t k;

	for (;;) {
		n = 0;
		best = NULL;
		TAILQ_FOREACH(t, &det.threads, link) {
			if (t->state != RT_DET_RUNNABLE)
				continue;
			if (!best || t->prio > best->prio)
				best = t;
			if (n < DET_PICK_MAX)
				run[n] = t;
			n++;
		}
		if (n)
			break;
		if (!det_advance_time())
			det_report("deadlock", RT_DET_EXIT_DEADLOCK);
	}
	if (det.cfg.strategy == RT_DET_PCT || n == 1)
		return best;
	k = det_below(n);
	return k < DET_PICK_MAX ? run[k] : det_nth_runnable(k);
}

/*
 * Cooperative: wake the timed waiters whose deadline passed, then take
 * the runnable thread that ran least recently (the list is kept in the
 * order threads last ran); with none, idle until the earliest deadline.
 */
static struct rt_thread *det_pick_coop(void)
{
	struct rt_thread *t;
	uint64_t now, next;

	for (;;) {
		now = rt_platform_now_ms();
		next = UINT64_MAX;
		TAILQ_FOREACH(t, &det.threads, link) {
			if (t->state != RT_DET_BLOCKED || !t->deadline)
				continue;
			if (t->deadline <= now)
				det_unblock(t, true);
			else if (t->deadline < next)
				next = t->deadline;
		}
		TAILQ_FOREACH(t, &det.threads, link) {
			if (t->state == RT_DET_RUNNABLE) {
				TAILQ_REMOVE(&det.threads, t, link);
				TAILQ_INSERT_TAIL(&det.threads, t, link);
				return t;
			}
		}
		if (next == UINT64_MAX)
			det_report("deadlock", RT_DET_EXIT_DEADLOCK);
		rt_platform_idle_until(next);
	}
}

static struct rt_thread *det_pick(void)
{
	return rt_det_on_ ? det_pick_seeded() : det_pick_coop();
}

static void det_set_self(struct rt_thread *t)
{
	/* The main thread is NULL here, as outside the scheduler. */
	rt_self = t == &det.main ? NULL : t;
}

/*
 * Switch to @next; come back when this thread is picked again. The
 * thread-locals that belong to an rt thread go with it.
 */
static void det_switch(struct rt_thread *self, struct rt_thread *next)
{
	if (next == self)
		return;
	det.switches++;
	rt_alloc_save(&self->alloc);
	smcsim_ctx_switch(&self->ctx, &next->ctx);
	det_set_self(self);
	rt_alloc_load(&self->alloc);
}

/*
 * A scheduling point before @op, then the step of @op itself: for what
 * acquires or waits, where the race is over who gets there first. The
 * cooperative mode does not switch here: only blocking and yields do.
 */
static void det_point(struct rt_thread *self, enum det_op op, uint32_t obj)
{
	if (!rt_det_on_)
		return;
	det_switch(self, det_pick_seeded());
	det_record(self, op, obj);
}

/*
 * A release (unlock, signal) takes its step at once and the scheduling
 * point after it, so a woken thread may run before the releaser's next
 * line: a point before a release would only let others find it held.
 */
static void det_point_after(struct rt_thread *self)
{
	if (rt_det_on_)
		det_switch(self, det_pick_seeded());
}

/*
 * Block on what self->wait says until someone makes this thread runnable.
 * Return: true if it was the deadline that did.
 */
static bool det_block(struct rt_thread *self)
{
	self->state = RT_DET_BLOCKED;
	det_switch(self, det_pick());
	return self->timed_out;
}

/* ---- 3. reports ---------------------------------------------------------- */

static const char *det_world_name(enum rt_world w)
{
	return w == RT_WORLD_SECURE ? "secure" : "normal";
}

static void det_describe(FILE *f, const struct rt_thread *t)
{
	const struct rt_mutex *m;
	const struct rt_cond *c;
	const struct rt_thread *o;

	fprintf(f, "  thread %u %-18s [%s] ", t->tid, t->name,
		det_world_name(t->world));
	if (t->state == RT_DET_RUNNABLE) {
		fprintf(f, "%s\n", t == rt_self ||
			(t == &det.main && !rt_self) ? "running" : "runnable");
		return;
	}
	switch (t->wait) {
	case RT_WAIT_MUTEX:
		m = t->wait_obj;
		o = m->det_owner;
		fprintf(f, "waits for mutex #%u", m->det_id);
		if (m->name)
			fprintf(f, " '%s'", m->name);
		fprintf(f, " held by thread %u (%s)", o ? o->tid : 0,
			o ? o->name : "nobody");
		break;
	case RT_WAIT_COND:
		c = t->wait_obj;
		fprintf(f, "waits on condition #%u", c->det_id);
		if (c->name)
			fprintf(f, " '%s'", c->name);
		fprintf(f, " (gave up mutex #%u)",
			t->wait_mutex ? t->wait_mutex->det_id : 0);
		break;
	case RT_WAIT_JOIN:
		o = t->wait_obj;
		fprintf(f, "joins thread %u (%s)", o->tid, o->name);
		break;
	case RT_WAIT_SLEEP:
		fprintf(f, "sleeps");
		break;
	case RT_WAIT_NONE:
		fprintf(f, "blocked");
		break;
	}
	if (t->deadline)
		fprintf(f, " until %" PRIu64 " ms", t->deadline -
			(rt_det_on_ ? DET_VTIME_BASE : 0));
	fputc('\n', f);
}

static void det_replay_line(const char *cmd, const char *sched)
{
	fprintf(stderr, "smcsim det: replay: %s%sSMCSIM_SEED=0x%" PRIx64
		" SMCSIM_SCHED=%s SMCSIM_EXPECT_HASH=0x%" PRIx64 " %s\n",
		det.cfg.replay_env ? det.cfg.replay_env : "",
		det.cfg.replay_env ? " " : "", det.cfg.seed, sched, det.hash,
		cmd);
}

/*
 * The run cannot go on: the other threads wait in their saved contexts
 * for good, so say everything that helps and leave the process. _exit, not
 * exit: no atexit handler (LeakSanitizer's) may replace the exit code.
 */
static void det_report(const char *what, int code)
{
	const struct rt_thread *t;
	char sched[32];

	if (!rt_det_on_) {
		fprintf(stderr, "smcsim rt: %s (cooperative scheduler, nothing "
			"runnable and no timed waiter)\n", what);
		TAILQ_FOREACH(t, &det.threads, link)
			det_describe(stderr, t);
		fflush(stderr);
		_exit(code);
	}
	rt_det_format_sched(&det.cfg, sched, sizeof(sched));
	fprintf(stderr,
		"smcsim det: %s at step %" PRIu64 ", virtual time %" PRIu64
		" ms (seed 0x%" PRIx64 ", sched %s, trace hash 0x%" PRIx64 ")\n",
		what, det.steps, det.vtime - DET_VTIME_BASE, det.cfg.seed,
		sched, det.hash);
	TAILQ_FOREACH(t, &det.threads, link)
		det_describe(stderr, t);
	det_replay_line(det.cfg.replay ? det.cfg.replay : "<this test>",
			sched);
	if (det.cfg.replay_exe)
		det_replay_line(det.cfg.replay_exe, sched);
	fprintf(stderr, "smcsim det: trace it: SMCSIM_TRACE=seed-0x%" PRIx64
		".json (or .txt, or another name for the line format) before "
		"the replay writes the run's decoded trace there, the same on "
		"every replay\n", det.cfg.seed);
	/* _exit below: the trace of this run is finished here or never. */
	smcsim_tracer_stop();
	if (det.cfg.check_hash && det.hash == det.cfg.expect_hash)
		fprintf(stderr, "smcsim det: trace hash 0x%" PRIx64
			" as SMCSIM_EXPECT_HASH: the same run\n", det.hash);
	else if (det.cfg.check_hash)
		fprintf(stderr, "smcsim det: REPLAY DIVERGED: trace hash 0x%"
			PRIx64 ", SMCSIM_EXPECT_HASH 0x%" PRIx64 "\n",
			det.hash, det.cfg.expect_hash);
	fflush(stderr);
	if (det.cfg.trace)
		fflush(det.cfg.trace);
	_exit(code);
}

/* ---- 4. threads and their stacks ----------------------------------------- */

static uint64_t det_new_prio(void)
{
	/* Above every change-point priority (0..DET_MAX_DEPTH - 1). */
	return DET_MAX_DEPTH + (det_rand() >> 1);
}

static void det_trampoline(void *p)
{
	struct rt_thread *t = p;
	struct rt_thread *w;

	det_set_self(t);
	rt_alloc_load(&t->alloc);
	t->ret = t->fn(t->arg);

	det_point(t, OP_EXIT, t->tid);
	t->state = RT_DET_EXITED;
	TAILQ_REMOVE(&det.threads, t, link);
	TAILQ_FOREACH(w, &det.threads, link)
		if (w->state == RT_DET_BLOCKED && w->wait == RT_WAIT_JOIN &&
		    w->wait_obj == t)
			det_unblock(w, false);
	/* For good: the joiner gives the stack back. */
	w = det_pick();
	det.switches++;
	smcsim_ctx_switch(NULL, &w->ctx);
}

int rt_det_thread_create(struct rt_thread *t)
{
	struct rt_thread *self = det_self();
	int rc;

	det_point(self, OP_CREATE, det.next_tid);
	rc = smcsim_stack_alloc(&t->stack, DET_STACK_SIZE);
	if (rc)
		return rc;
	smcsim_ctx_make(&t->ctx, &t->stack, det_trampoline, t);
	t->alloc.countdown = -1;
	t->alloc.injected = 0;
	t->det = true;
	t->tid = det.next_tid++;
	t->state = RT_DET_RUNNABLE;
	t->wait = RT_WAIT_NONE;
	t->world = RT_WORLD_NORMAL;
	t->prio = det_new_prio();
	TAILQ_INSERT_TAIL(&det.threads, t, link);
	det.started++;
	return 0;
}

void *rt_det_thread_join(struct rt_thread *t)
{
	struct rt_thread *self = det_self();

	det_point(self, OP_JOIN, t->tid);
	while (t->state != RT_DET_EXITED) {
		self->wait = RT_WAIT_JOIN;
		self->wait_obj = t;
		det_block(self);
	}
	smcsim_stack_free(&t->stack);
	return t->ret;
}

/* ---- 5. mutexes and conditions ----------------------------------------- */

static void det_wake_mutex(struct rt_mutex *m)
{
	struct rt_thread *t;

	/* All of them: they race for it again, which the picker orders. */
	TAILQ_FOREACH(t, &det.threads, link)
		if (t->state == RT_DET_BLOCKED && t->wait == RT_WAIT_MUTEX &&
		    t->wait_obj == m)
			det_unblock(t, false);
}

static void det_acquire(struct rt_thread *self, struct rt_mutex *m)
{
	while (m->det_owner) {
		self->wait = RT_WAIT_MUTEX;
		self->wait_obj = m;
		det_block(self);
	}
	m->det_owner = self;
}

void rt_det_mutex_lock(struct rt_mutex *m)
{
	struct rt_thread *self = det_self();

	det_point(self, OP_LOCK, det_obj_id(&m->det_id, &m->det_gen));
	if (m->det_owner == self)
		det_fatal("mutex locked twice by one thread");
	det_acquire(self, m);
}

void rt_det_mutex_unlock(struct rt_mutex *m)
{
	struct rt_thread *self = det_self();

	det_record(self, OP_UNLOCK, det_obj_id(&m->det_id, &m->det_gen));
	if (m->det_owner != self)
		det_fatal("mutex unlocked by a thread that does not hold it");
	m->det_owner = NULL;
	det_wake_mutex(m);
	det_point_after(self);
}

bool rt_det_mutex_trylock(struct rt_mutex *m)
{
	struct rt_thread *self = det_self();

	det_point(self, OP_TRYLOCK, det_obj_id(&m->det_id, &m->det_gen));
	if (m->det_owner)
		return false;
	m->det_owner = self;
	return true;
}

int rt_det_cond_wait(struct rt_cond *c, struct rt_mutex *m,
		     uint64_t timeout_ms)
{
	struct rt_thread *self = det_self();
	bool timed_out;

	det_point(self, OP_WAIT, det_obj_id(&c->det_id, &c->det_gen));
	if (m->det_owner != self)
		det_fatal("condition wait without holding the mutex");
	/* Giving up the mutex and sleeping are one step: nobody runs between. */
	m->det_owner = NULL;
	det_wake_mutex(m);
	self->wait = RT_WAIT_COND;
	self->wait_obj = c;
	self->wait_mutex = m;
	if (timeout_ms != UINT64_MAX)
		self->deadline = det_deadline(timeout_ms);
	timed_out = det_block(self);
	det_acquire(self, m);
	return timed_out ? -ETIMEDOUT : 0;
}

void rt_det_cond_wake(struct rt_cond *c, bool all)
{
	struct rt_thread *self = det_self();
	struct rt_thread *t;
	uint64_t n = 0, k;

	det_record(self, all ? OP_BROADCAST : OP_SIGNAL,
		   det_obj_id(&c->det_id, &c->det_gen));
	TAILQ_FOREACH(t, &det.threads, link)
		if (t->state == RT_DET_BLOCKED && t->wait == RT_WAIT_COND &&
		    t->wait_obj == c)
			n++;
	if (!n)
		goto out;
	/* A signal wakes some waiter, not the oldest: let the seed choose. */
	k = all || n == 1 ? 0 : det_below(n);
	TAILQ_FOREACH(t, &det.threads, link) {
		if (t->state != RT_DET_BLOCKED || t->wait != RT_WAIT_COND ||
		    t->wait_obj != c)
			continue;
		if (all || !k--) {
			det_unblock(t, false);
			if (!all)
				break;
		}
	}
out:
	det_point_after(self);
}

/* ---- 6. time and explicit points --------------------------------------- */

uint64_t rt_det_now_ms(void)
{
	return det_now();
}

void rt_det_realtime(struct timespec *ts)
{
	uint64_t ms = det.vtime - DET_VTIME_BASE;

	ts->tv_sec = RT_DET_REALTIME_EPOCH + (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000) * 1000000L;
}

void rt_det_sleep_ms(unsigned int ms)
{
	struct rt_thread *self = det_self();

	det_point(self, OP_SLEEP, ms);
	if (!ms)
		return;
	self->wait = RT_WAIT_SLEEP;
	self->deadline = det_deadline(ms);
	det_block(self);
}

void rt_det_point_(enum rt_point p)
{
	struct rt_thread *self = det_self();

	if (!rt_det_on_) {
		/* Cooperative: let the others run, then come back. */
		det_switch(self, det_pick_coop());
		return;
	}
	det_point(self, p == RT_POINT_IRQ ? OP_IRQ : OP_YIELD, 0);
}

void rt_det_world_(enum rt_world w)
{
	struct rt_thread *self = det_self();

	det_point(self, OP_WORLD, w);
	self->world = w;
}

void rt_det_kref_(bool put)
{
	det_point(det_self(), put ? OP_KREF_PUT : OP_KREF_GET, 0);
}

uint64_t rt_det_step(void)
{
	return rt_det_active() ? det.steps : 0;
}

/* ---- 7. begin, end, configuration --------------------------------------- */

void rt_det_config_default(struct rt_det_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->strategy = RT_DET_RANDOM;
	cfg->pct_depth = 3;
	cfg->pct_steps = RT_DET_DEFAULT_PCT_STEPS;
	cfg->max_steps = RT_DET_DEFAULT_STEPS;
}

int rt_det_parse_sched(struct rt_det_config *cfg, const char *spec)
{
	unsigned long d = 3;
	unsigned long long k = RT_DET_DEFAULT_PCT_STEPS;
	char *end;

	if (!strcmp(spec, "random")) {
		cfg->strategy = RT_DET_RANDOM;
		return 0;
	}
	if (strncmp(spec, "pct", 3))
		return -EINVAL;
	spec += 3;
	if (*spec == ':') {
		d = strtoul(spec + 1, &end, 10);
		if (end == spec + 1 || d < 1 || d > DET_MAX_DEPTH)
			return -EINVAL;
		spec = end;
		if (*spec == ':') {
			k = strtoull(spec + 1, &end, 10);
			if (end == spec + 1 || !k)
				return -EINVAL;
			spec = end;
		}
	}
	if (*spec)
		return -EINVAL;
	cfg->strategy = RT_DET_PCT;
	cfg->pct_depth = (unsigned int)d;
	cfg->pct_steps = k;
	return 0;
}

char *rt_det_format_sched(const struct rt_det_config *cfg, char *buf,
			  size_t len)
{
	if (cfg->strategy == RT_DET_PCT)
		snprintf(buf, len, "pct:%u:%" PRIu64, cfg->pct_depth,
			 cfg->pct_steps);
	else
		snprintf(buf, len, "random");
	return buf;
}

int rt_det_config_from_env(struct rt_det_config *cfg)
{
	const char *s = getenv("SMCSIM_SEED");
	char *end;
	uint64_t seed;

	if (s && *s) {
		errno = 0;
		seed = strtoull(s, &end, 0);
		if (errno || *end) {
			fprintf(stderr, "smcsim det: bad SMCSIM_SEED '%s'\n", s);
			return -EINVAL;
		}
		cfg->seed = seed;
	}
	s = getenv("SMCSIM_SCHED");
	if (s && *s && rt_det_parse_sched(cfg, s)) {
		fprintf(stderr, "smcsim det: bad SMCSIM_SCHED '%s' "
			"(random, pct:D[:K])\n", s);
		return -EINVAL;
	}
	s = getenv("SMCSIM_EXPECT_HASH");
	if (s && *s) {
		errno = 0;
		cfg->expect_hash = strtoull(s, &end, 0);
		if (errno || *end) {
			fprintf(stderr, "smcsim det: bad SMCSIM_EXPECT_HASH "
				"'%s'\n", s);
			return -EINVAL;
		}
		cfg->check_hash = true;
	}
	return 0;
}

/* The thread list with only the main thread, which runs. */
static void det_init(void)
{
	TAILQ_INIT(&det.threads);
	memset(&det.main, 0, sizeof(det.main));
	strlcpy(det.main.name, "main", sizeof(det.main.name));
	det.main.det = true;
	det.main.state = RT_DET_RUNNABLE;
	det.main.alloc.countdown = -1;
	det.next_tid = 1;
	TAILQ_INSERT_TAIL(&det.threads, &det.main, link);
	det.ready = true;
}

void rt_det_begin(const struct rt_det_config *cfg)
{
	uint32_t gen = det.gen + 1;
	unsigned int i;

	if (rt_det_on_)
		det_fatal("rt_det_begin: a run is already active");
	if (atomic_load(&rt_live_threads))
		det_fatal("rt_det_begin: other rt threads are running");
	memset(&det, 0, sizeof(det));
	det.gen = gen ? gen : 1;
	if (cfg)
		det.cfg = *cfg;
	else
		rt_det_config_default(&det.cfg);
	if (!det.cfg.max_steps)
		det.cfg.max_steps = RT_DET_DEFAULT_STEPS;
	if (!det.cfg.pct_depth)
		det.cfg.pct_depth = 1;
	if (det.cfg.pct_depth > DET_MAX_DEPTH)
		det.cfg.pct_depth = DET_MAX_DEPTH;
	if (!det.cfg.pct_steps)
		det.cfg.pct_steps = RT_DET_DEFAULT_PCT_STEPS;
	det.rng = det.cfg.seed;
	det.hash = FNV_OFFSET;
	det.vtime = DET_VTIME_BASE;
	det_init();
	det.main.prio = det_new_prio();
	if (det.cfg.strategy == RT_DET_PCT) {
		det.nchange = det.cfg.pct_depth - 1;
		for (i = 0; i < det.nchange; i++)
			det.change[i] = 1 + det_below(det.cfg.pct_steps);
	}
#ifndef SMCSIM_NO_OS
	det_here = true;
#endif
	rt_det_on_ = true;
}

void rt_det_end(struct rt_det_result *res)
{
	struct rt_thread *self = det_self();

	if (self != &det.main)
		det_fatal("rt_det_end: not called by the thread that began");
	if (TAILQ_NEXT(self, link) || atomic_load(&rt_live_threads))
		det_report("run ended with threads alive or not joined",
			   RT_DET_EXIT_DEADLOCK);
	rt_det_on_ = false;
#ifndef SMCSIM_NO_OS
	det_here = false;
#endif
	if (det.cfg.trace)
		fflush(det.cfg.trace);
	if (res) {
		res->hash = det.hash;
		res->steps = det.steps;
		res->switches = det.switches;
		res->threads = det.started;
		res->vtime_ms = det.vtime - DET_VTIME_BASE;
	}
}
