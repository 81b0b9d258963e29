/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers for deterministic scenarios (tests/det/): the test stack of
 * testbed.h built and torn down without CMocka assertions (a failed
 * assertion cannot unwind a run whose other threads wait for their turn),
 * a first-failure recorder, threads that report through plain fields, and
 * db_explore(), which runs a scenario over seeds, fails the test on a
 * broken invariant, and checks that a replay of the last seed gives the
 * same trace hash.
 *
 * Waits in a scenario need no timeout of their own: a hang is a deadlock,
 * which the scheduler reports (exit code 86), and virtual time makes a
 * timeout free.
 */
#ifndef SMCSIM_DETBED_H
#define SMCSIM_DETBED_H

#include <stdbool.h>
#include <stdint.h>

#include <smcsim/det.h>
#include <smcsim/explore.h>

#include "testbed.h"

/** struct db_fail - the first thing that went wrong in a run, or "" */
struct db_fail {
	char why[200];
};

/** db_fail_reset() - forget the last run's failure */
void db_fail_reset(struct db_fail *f);
/** db_failf() - record @fmt unless a failure is already recorded */
void db_failf(struct db_fail *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** db_fail_msg() - NULL if nothing failed, else the message (for checks) */
const char *db_fail_msg(const struct db_fail *f);

/**
 * db_open_session() - a context and a session to @uuid on @tb's device
 * Return: 0, or -1 with the reason in @f.
 */
int db_open_session(struct tb *tb, const struct smcsim_uuid *uuid,
		    struct tee_context **ctx, uint32_t *session,
		    struct db_fail *f);
/** db_close_session() - undo db_open_session(); failures go to @f */
void db_close_session(struct tee_context *ctx, uint32_t session,
		      struct db_fail *f);
/**
 * db_invoke_value() - invoke @func with value params: @types[i] and @v[i]
 * (a, b) in and out
 * Return: the TEE ret, or UINT32_MAX if the driver refused the call.
 */
uint32_t db_invoke_value(struct tee_context *ctx, uint32_t session,
			 uint32_t func, const uint32_t types[4],
			 uint64_t v[4][2]);

/**
 * struct db_thread - a function on its own rt thread
 * @fn:		runs with @arg
 * @arg:	for @fn
 * @t:		the thread
 */
struct db_thread {
	void (*fn)(void *arg);
	void *arg;
	struct rt_thread *t;
};

/** db_spawn() - start @fn(@arg); Return: 0 or -1 with the reason in @f */
int db_spawn(struct db_thread *d, const char *name, void (*fn)(void *),
	     void *arg, struct db_fail *f);
/** db_join() - wait for it (no timeout: a hang is a reported deadlock) */
void db_join(struct db_thread *d);

/* The seeds a scenario explores by default (tools/dev caps them for TSan, qemu). */
#define DB_SEEDS	10000

/**
 * db_seeds() - seeds for an exploration: SMCSIM_DET_SEEDS when set (it
 * also caps inside smcsim_explore()), else @dflt
 */
unsigned int db_seeds(unsigned int dflt);

/**
 * db_explore() - explore @e, fail the test on a broken invariant, then
 * replay the last seed and fail unless the hash is the same; prints one
 * line of figures. Return: the result.
 */
struct smcsim_explore_result db_explore(const struct smcsim_explore *e);

/** db_stop() - tb_try_stop(); what it finds left behind fails the run */
void db_stop(struct tb *tb, struct db_fail *f);

/** db_real_ms() - monotonic real time in ms, whatever a det run says */
uint64_t db_real_ms(void);
/**
 * db_run_child() - run @fn in a forked child with its stderr captured in
 * @out (NUL-terminated, at most @len - 1 bytes); the test fails if the
 * child has not ended within @wait_ms of real time. For runs that must end
 * the process: deadlock and livelock reports.
 * Return: the child's exit code, or 128 + the signal that ended it.
 */
int db_run_child(void (*fn)(void), char *out, size_t len,
		 unsigned int wait_ms);

#endif /* SMCSIM_DETBED_H */
