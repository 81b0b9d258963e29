// SPDX-License-Identifier: BSD-2-Clause
/*
 * What a context switch costs, the figure lib/ctx.c chose its switch by:
 * a round trip (two switches) between the main context and another one,
 * with smcsim_ctx_switch(), with glibc's swapcontext() (a sigprocmask
 * system call each way) and, when the build found Boost.Context, with its
 * C-linkage jump_fcontext().
 */
#include <stdio.h>
#include <ucontext.h>

#include <smcsim/ctx.h>

#include "bench.h"

#define CTX_ITERS	2000000

/* ---- smcsim_ctx -------------------------------------------------------- */

struct sm {
	struct smcsim_ctx main, co;
	struct smcsim_stack stack;
};

static void sm_fn(void *arg)
{
	struct sm *s = arg;

	for (;;)
		smcsim_ctx_switch(&s->co, &s->main);
}

static int sm_body(void *arg, unsigned long iters)
{
	struct sm *s = arg;
	unsigned long i;

	for (i = 0; i < iters; i++)
		smcsim_ctx_switch(&s->main, &s->co);
	return 0;
}

/* ---- swapcontext --------------------------------------------------------- */

static ucontext_t uc_main, uc_co;

static void uc_fn(void)
{
	for (;;)
		swapcontext(&uc_co, &uc_main);
}

static int uc_body(void *arg, unsigned long iters)
{
	unsigned long i;

	(void)arg;
	for (i = 0; i < iters; i++)
		swapcontext(&uc_main, &uc_co);
	return 0;
}

/* ---- Boost.Context (C linkage, declared here as Boost does) ------------- */

#ifdef HAVE_BOOST_FCONTEXT
typedef void *fcontext_t;
typedef struct {
	fcontext_t fctx;
	void *data;
} transfer_t;
transfer_t jump_fcontext(const fcontext_t to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static fcontext_t bc_co;

static void bc_fn(transfer_t t)
{
	for (;;)
		t = jump_fcontext(t.fctx, NULL);
}

static int bc_body(void *arg, unsigned long iters)
{
	unsigned long i;

	(void)arg;
	for (i = 0; i < iters; i++)
		bc_co = jump_fcontext(bc_co, NULL).fctx;
	return 0;
}
#endif

int main(void)
{
	struct bench_stats st, fl;
	unsigned int runs = bench_runs(BENCH_DEFAULT_RUNS);
	unsigned long iters = bench_iters(CTX_ITERS);
	struct smcsim_stack ucs;
	struct sm s;

	bench_floor(&fl);
	bench_title("context switch, round trip (two switches)");

	if (smcsim_stack_alloc(&s.stack, 0) || smcsim_stack_alloc(&ucs, 0)) {
		fprintf(stderr, "bench_ctx: no stack\n");
		return 1;
	}
	smcsim_ctx_make(&s.co, &s.stack, sm_fn, &s);
	bench_measure(sm_body, NULL, &s, iters, runs, &st);
	bench_row("smcsim_ctx_switch", &st, fl.median, NULL);

	getcontext(&uc_co);
	uc_co.uc_stack.ss_sp = ucs.lo;
	uc_co.uc_stack.ss_size = ucs.size;
	uc_co.uc_link = NULL;
	makecontext(&uc_co, uc_fn, 0);
	bench_measure(uc_body, NULL, NULL, iters / 20 ? iters / 20 : 1, runs,
		      &st);
	bench_row("swapcontext", &st, fl.median, NULL);

#ifdef HAVE_BOOST_FCONTEXT
	{
		struct smcsim_stack bs;

		if (smcsim_stack_alloc(&bs, 0))
			return 1;
		bc_co = make_fcontext((char *)bs.lo + bs.size, bs.size, bc_fn);
		bench_measure(bc_body, NULL, NULL, iters, runs, &st);
		bench_row("boost jump_fcontext", &st, fl.median, NULL);
	}
#else
	printf("(boost jump_fcontext: libboost-context-dev not found at setup)\n");
#endif
	return 0;
}
