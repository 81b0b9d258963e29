// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultchild.h"

#define FC_EXIT_FAULTED		42
#define FC_EXIT_RETURNED	0

static int fc_pipe = -1;

static void fc_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)sig;
	(void)uc;
	if (write(fc_pipe, &a, sizeof(a)) != sizeof(a))
		_exit(FC_EXIT_FAULTED + 1);
	_exit(FC_EXIT_FAULTED);
}

static uint64_t fc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void fc_child(void (*fn)(void *), void *arg)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fc_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL) ||
	    sigaction(SIGBUS, &sa, NULL))
		_exit(FC_EXIT_FAULTED + 2);
	fn(arg);
	_exit(FC_EXIT_RETURNED);
}

enum fc_result fc_run(void (*fn)(void *), void *arg, unsigned int timeout_ms,
		      uintptr_t *addr)
{
	uint64_t end = fc_now_ms() + timeout_ms;
	struct timespec pause = { .tv_nsec = 1000000 };
	int fds[2], status = 0;
	pid_t pid, w;

	if (pipe(fds))
		return FC_OTHER;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return FC_OTHER;
	}
	if (pid == 0) {
		close(fds[0]);
		fc_pipe = fds[1];
		fc_child(fn, arg);
	}
	close(fds[1]);
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && fc_now_ms() < end)
		nanosleep(&pause, NULL);
	if (w != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(fds[0]);
		return FC_TIMEOUT;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == FC_EXIT_FAULTED) {
		uintptr_t a = 0;
		ssize_t n = read(fds[0], &a, sizeof(a));

		close(fds[0]);
		if (n != sizeof(a))
			return FC_OTHER;
		if (addr)
			*addr = a;
		return FC_FAULTED;
	}
	close(fds[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == FC_EXIT_RETURNED)
		return FC_RETURNED;
	return FC_OTHER;
}

/* Deeper than any stack: the bound only keeps the compiler quiet. */
static volatile unsigned long fc_recurse_limit = ~0UL;

unsigned long fc_recurse(unsigned long n, volatile char *prev)
{
	volatile char frame[256];

	if (n >= fc_recurse_limit)
		return 0;
	frame[0] = (char)n;
	frame[255] = prev ? prev[0] : 0;
	return fc_recurse(n + 1, frame) + frame[255];
}
