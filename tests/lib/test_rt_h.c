// SPDX-License-Identifier: BSD-2-Clause
/*
 * <smcsim/rt.h> on its own: it compiles first in a file, and with
 * -Druntime=noos it does not bring <pthread.h> in (a bare-metal libc has
 * none). The checks are at compile time; running it only says so.
 */
#include <smcsim/rt.h>

#if defined(SMCSIM_NO_OS) && \
	(defined(_PTHREAD_H) || defined(PTHREAD_MUTEX_INITIALIZER))
#error "<smcsim/rt.h> includes <pthread.h> with -Druntime=noos"
#endif

int main(void)
{
	struct rt_completion x;
	struct rt_mutex m;

	rt_mutex_init(&m);
	rt_mutex_lock(&m);
	rt_mutex_unlock(&m);
	rt_mutex_destroy(&m);
	rt_completion_init(&x);
	rt_complete(&x);
	rt_wait_for_completion(&x);
	rt_completion_destroy(&x);
	return 0;
}
