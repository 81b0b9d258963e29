/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <smcsim/rt.h> on its own: it compiles first in a file, and with
 * -Druntime=noos it does not bring <pthread.h> in (a bare-metal libc has
 * none). The header's check is at compile time; running it checks that
 * the primitives it declares link and behave in the configured runtime.
 */
#include <stdio.h>

#include <smcsim/rt.h>

#if defined(SMCSIM_NO_OS) && \
	(defined(_PTHREAD_H) || defined(PTHREAD_MUTEX_INITIALIZER))
#error "<smcsim/rt.h> includes <pthread.h> with -Druntime=noos"
#endif

static int fail(const char *what)
{
	fprintf(stderr, "test_rt_h: %s\n", what);
	return 1;
}

int main(void)
{
	struct rt_completion x;
	struct rt_mutex m;
	bool held;

	rt_mutex_init(&m);
	rt_mutex_lock(&m);
	held = !rt_mutex_trylock(&m);
	rt_mutex_unlock(&m);
	if (!held)
		return fail("a held mutex was taken again");
	if (!rt_mutex_trylock(&m))
		return fail("a free mutex was refused");
	rt_mutex_unlock(&m);
	rt_mutex_destroy(&m);
	rt_completion_init(&x);
	if (rt_completion_done(&x))
		return fail("a new completion is done");
	rt_complete(&x);
	if (!rt_completion_done(&x))
		return fail("a completed completion is not done");
	rt_wait_for_completion(&x);
	if (rt_completion_done(&x))
		return fail("a consumed completion is still done");
	rt_completion_destroy(&x);
	return 0;
}
