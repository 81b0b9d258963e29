/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A call made on a thread that rt_thread_kill() hits: the fuzz targets'
 * stand-in for a user-space thread a fatal signal ends.
 */
#ifndef SMCSIM_FUZZ_THREAD_H
#define SMCSIM_FUZZ_THREAD_H

#include <stdbool.h>

#include <smcsim/rt.h>

struct fuzz_killed {
	void *(*fn)(void *arg);
	void *arg;
	struct rt_completion go;
};

static inline void *fuzz_killed_main(void *arg)
{
	struct fuzz_killed *k = arg;

	rt_wait_for_completion(&k->go);
	return k->fn(k->arg);
}

/**
 * fuzz_run_killed() - run @fn(@arg) on a thread of its own, killed
 * @name:	the thread's name
 * @late:	false: killed before @fn starts; true: killed once it was let
 *		go (to interrupt a wait @fn begins)
 *
 * Returns when the thread has ended. Return: 0, or rt_thread_create()'s
 * error (then @fn never ran).
 */
static inline int fuzz_run_killed(const char *name, void *(*fn)(void *arg),
				  void *arg, bool late)
{
	struct fuzz_killed k = { .fn = fn, .arg = arg };
	struct rt_thread *thr;
	int rc;

	rt_completion_init(&k.go);
	rc = rt_thread_create(&thr, name, fuzz_killed_main, &k);
	if (rc) {
		rt_completion_destroy(&k.go);
		return rc;
	}
	if (!late)
		rt_thread_kill(thr);
	rt_complete(&k.go);
	if (late)
		rt_thread_kill(thr);
	rt_thread_join(thr, NULL);
	rt_completion_destroy(&k.go);
	return 0;
}

#endif /* SMCSIM_FUZZ_THREAD_H */
