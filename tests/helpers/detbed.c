// SPDX-License-Identifier: BSD-2-Clause
/*
 * The deterministic-scenario helpers of detbed.h. Everything that runs
 * inside a run records failures instead of asserting; only db_explore(),
 * outside any run, asserts.
 */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "detbed.h"

void db_fail_reset(struct db_fail *f)
{
	f->why[0] = '\0';
}

void db_failf(struct db_fail *f, const char *fmt, ...)
{
	va_list ap;

	if (f->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

const char *db_fail_msg(const struct db_fail *f)
{
	return f->why[0] ? f->why : NULL;
}

int db_open_session(struct tb *tb, const struct smcsim_uuid *uuid,
		    struct tee_context **ctx, uint32_t *session,
		    struct db_fail *f)
{
	struct tee_ioctl_open_session_arg arg = {
		.clnt_login = TEE_IOCTL_LOGIN_PUBLIC,
	};
	int rc;

	*ctx = NULL;
	rc = tee_client_open_context(tb->teedev, ctx);
	if (rc) {
		db_failf(f, "open_context: %d", rc);
		return -1;
	}
	smcsim_uuid_to_octets(uuid, arg.uuid);
	rc = tee_client_open_session(*ctx, &arg, NULL);
	if (rc || arg.ret) {
		db_failf(f, "open_session: %d, ret 0x%x", rc, arg.ret);
		tee_client_close_context(*ctx);
		*ctx = NULL;
		return -1;
	}
	*session = arg.session;
	return 0;
}

void db_close_session(struct tee_context *ctx, uint32_t session,
		      struct db_fail *f)
{
	int rc = tee_client_close_session(ctx, session);

	if (rc)
		db_failf(f, "close_session: %d", rc);
	tee_client_close_context(ctx);
}

uint32_t db_invoke_value(struct tee_context *ctx, uint32_t session,
			 uint32_t func, const uint32_t types[4],
			 uint64_t v[4][2])
{
	int rc;

	return tb_try_invoke_values(ctx, session, func, types, v, &rc);
}

static void *db_thread_main(void *arg)
{
	struct db_thread *d = arg;

	d->fn(d->arg);
	return NULL;
}

int db_spawn(struct db_thread *d, const char *name, void (*fn)(void *),
	     void *arg, struct db_fail *f)
{
	int rc;

	d->fn = fn;
	d->arg = arg;
	rc = rt_thread_create(&d->t, name, db_thread_main, d);
	if (rc) {
		d->t = NULL;
		db_failf(f, "thread %s: %d", name, rc);
		return -1;
	}
	return 0;
}

void db_join(struct db_thread *d)
{
	if (d->t)
		rt_thread_join(d->t, NULL);
	d->t = NULL;
}

unsigned int db_seeds(unsigned int dflt)
{
	const char *s = getenv("SMCSIM_DET_SEEDS");
	unsigned long n;

	if (!s || !*s)
		return dflt;
	n = strtoul(s, NULL, 0);
	return n ? (unsigned int)n : dflt;
}

struct smcsim_explore_result db_explore(const struct smcsim_explore *e)
{
	struct smcsim_explore_result r, again;
	struct smcsim_explore one = *e;
	unsigned int planted = optee_test_planted_mask(), plant;
	const char *env = getenv("SMCSIM_PLANT");
	char sched[32];
	int rc;

	rc = smcsim_explore(e, &r);
	if (rc == -1)
		fail_msg("%s %s: invariant broken with seed 0x%llx: %s", e->test,
			 e->name ? e->name : "-", (unsigned long long)r.seed,
			 r.why);
	assert_int_equal(rc, 0);
	if (r.skipped) {
		fprintf(stderr, "det: %s %s: skipped (SMCSIM_SCENARIO)\n",
			e->test, e->name ? e->name : "-");
		return r;
	}
	/* Replay: the last seed once more, the same trace (and plants). */
	one.first_seed = r.seed;
	one.seeds = 1;
	one.ignore_env = true;
	if (!e->ignore_env && getenv("SMCSIM_SCHED") && *getenv("SMCSIM_SCHED"))
		one.sched = getenv("SMCSIM_SCHED");
	if (!e->ignore_env && env && *env) {
		assert_int_equal(optee_test_plant_parse(env, &plant), 0);
		optee_test_plant(plant);
	}
	rc = smcsim_explore(&one, &again);
	optee_test_plant(planted);
	assert_int_equal(rc, 0);
	assert_int_equal(again.hash, r.hash);
	snprintf(sched, sizeof(sched), "%s", one.sched ? one.sched : "random");
	fprintf(stderr, "det: %s %s [%s]: %u runs, %u interleavings, %llu "
		"steps, %.2f s (%.0f seeds/s)\n", e->test,
		e->name ? e->name : "-", sched, r.runs, r.distinct,
		(unsigned long long)r.steps, r.seconds,
		r.seconds > 0 ? r.runs / r.seconds : 0.0);
	return r;
}

void db_stop(struct tb *tb, struct db_fail *f)
{
	const char *left = tb_try_stop(tb);

	if (left)
		db_failf(f, "after the run: %s", left);
}

uint64_t db_real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int db_run_child(void (*fn)(void), char *out, size_t len,
		 unsigned int wait_ms)
{
	uint64_t end = db_real_ms() + wait_ms;
	int fds[2], status = 0;
	size_t used = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		close(fds[0]);
		dup2(fds[1], 2);
		fn();
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		uint64_t now = db_real_ms();
		ssize_t n;

		if (now >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(fds[0]);
			fail_msg("child did not end within %u ms", wait_ms);
		}
		if (poll(&p, 1, (int)(end - now)) <= 0)
			continue;
		n = read(fds[0], out + used, len - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == len - 1)
			break;
	}
	out[used] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
}
