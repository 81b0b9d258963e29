// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the context switch (lib/ctx.c): values live across
 * switches, arguments reach a new context, a context suspended by one OS
 * thread resumes on another, a context that ends frees its stack, and an
 * overflow faults on the guard page (in a forked child).
 */
#include <errno.h>
#include <fenv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <smcsim/ctx.h>
#include <smcsim/rt.h>

#include "faultchild.h"

#define WAIT_MS		5000

/* ---- ping-pong ------------------------------------------------------------ */

struct pingpong {
	struct smcsim_ctx main, co;
	struct smcsim_stack stack;
	unsigned long value;		/* written by one side, read by the other */
	unsigned long rounds;
	bool done;
};

static void pingpong_fn(void *arg)
{
	struct pingpong *p = arg;
	/* Locals of the context live in its callee-saved registers and stack. */
	unsigned long local = 7, i;

	for (i = 0; i < p->rounds; i++) {
		local = local * 31 + p->value;
		p->value = local;
		smcsim_ctx_switch(&p->co, &p->main);
	}
	p->done = true;
	smcsim_ctx_switch(NULL, &p->main);
}

static void ctx_pingpong_keeps_both_sides_values(void **state)
{
	struct pingpong p = { .rounds = 1000 };
	unsigned long mine = 3, expect = 7, i;

	(void)state;
	assert_int_equal(smcsim_stack_alloc(&p.stack, 0), 0);
	smcsim_ctx_make(&p.co, &p.stack, pingpong_fn, &p);
	for (i = 0; i < p.rounds; i++) {
		p.value = mine;
		smcsim_ctx_switch(&p.main, &p.co);
		expect = expect * 31 + mine;
		assert_int_equal(p.value, expect);
		mine = mine * 5 + 1;
	}
	assert_false(p.done);
	smcsim_ctx_switch(&p.main, &p.co);
	assert_true(p.done);
	smcsim_stack_free(&p.stack);
}

/* ---- floating-point control state is the context's own ----------------- */

struct fpmode {
	struct smcsim_ctx main, co;
	struct smcsim_stack stack;
	int seen;
};

static void fpmode_fn(void *arg)
{
	struct fpmode *f = arg;

	fesetround(FE_UPWARD);
	smcsim_ctx_switch(&f->co, &f->main);
	f->seen = fegetround();
	fesetround(FE_TONEAREST);
	smcsim_ctx_switch(NULL, &f->main);
}

static void ctx_switch_keeps_each_sides_rounding_mode(void **state)
{
	struct fpmode f = { .seen = -1 };

	(void)state;
	assert_int_equal(fegetround(), FE_TONEAREST);
	assert_int_equal(smcsim_stack_alloc(&f.stack, 0), 0);
	smcsim_ctx_make(&f.co, &f.stack, fpmode_fn, &f);
	smcsim_ctx_switch(&f.main, &f.co);
	/* The context rounds up; this side still rounds to nearest. */
	assert_int_equal(fegetround(), FE_TONEAREST);
	fesetround(FE_TOWARDZERO);
	smcsim_ctx_switch(&f.main, &f.co);
	assert_int_equal(f.seen, FE_UPWARD);
	assert_int_equal(fegetround(), FE_TOWARDZERO);
	fesetround(FE_TONEAREST);
	smcsim_stack_free(&f.stack);
}

/* ---- contexts that end, many times --------------------------------------- */

struct once {
	struct smcsim_ctx main, co;
	unsigned int ran;
};

static void once_fn(void *arg)
{
	struct once *o = arg;
	char scratch[512];

	/* Touch some stack so a reused mapping would show stale state. */
	memset(scratch, (int)o->ran, sizeof(scratch));
	o->ran += scratch[100] == (char)o->ran;
	smcsim_ctx_switch(NULL, &o->main);
}

static void ctx_ended_contexts_free_their_stacks(void **state)
{
	struct once o = { .ran = 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 500; i++) {
		struct smcsim_stack s;

		assert_int_equal(smcsim_stack_alloc(&s, 16 * 1024), 0);
		assert_true(s.size >= 16 * 1024);
		smcsim_ctx_make(&o.co, &s, once_fn, &o);
		smcsim_ctx_switch(&o.main, &o.co);
		smcsim_stack_free(&s);
		assert_null(s.map);
	}
	assert_int_equal(o.ran, 500);
}

/* ---- resumed by another OS thread --------------------------------------- */

/*
 * A context starts on thread "first", suspends, and is resumed by thread
 * "second": what it sees of the OS thread (rt_thread_name() is a
 * thread-local) changes with the thread that runs it.
 */
struct migrate {
	struct smcsim_ctx co;
	struct smcsim_ctx caller[2];
	struct smcsim_stack stack;
	int turn;
	char seen[2][32];
	struct rt_completion suspended;
};

static void migrate_fn(void *arg)
{
	struct migrate *m = arg;

	strlcpy(m->seen[0], rt_thread_name(), sizeof(m->seen[0]));
	smcsim_ctx_switch(&m->co, &m->caller[0]);
	strlcpy(m->seen[1], rt_thread_name(), sizeof(m->seen[1]));
	smcsim_ctx_switch(NULL, &m->caller[1]);
}

static void *migrate_first(void *arg)
{
	struct migrate *m = arg;

	smcsim_ctx_switch(&m->caller[0], &m->co);
	rt_complete(&m->suspended);
	return NULL;
}

static void *migrate_second(void *arg)
{
	struct migrate *m = arg;

	smcsim_ctx_switch(&m->caller[1], &m->co);
	return NULL;
}

static void ctx_resumes_on_another_os_thread(void **state)
{
	struct migrate m = { .turn = 0 };
	struct rt_thread *a, *b;

	(void)state;
	rt_completion_init(&m.suspended);
	assert_int_equal(smcsim_stack_alloc(&m.stack, 0), 0);
	smcsim_ctx_make(&m.co, &m.stack, migrate_fn, &m);
	assert_int_equal(rt_thread_create(&a, "first", migrate_first, &m), 0);
	assert_int_equal(rt_wait_for_completion_timeout(&m.suspended, WAIT_MS),
			 0);
	rt_thread_join(a, NULL);
	assert_int_equal(rt_thread_create(&b, "second", migrate_second, &m), 0);
	rt_thread_join(b, NULL);
	assert_string_equal(m.seen[0], "first");
	assert_string_equal(m.seen[1], "second");
	smcsim_stack_free(&m.stack);
	rt_completion_destroy(&m.suspended);
}

/* ---- the guard page -------------------------------------------------------- */

struct overflow {
	struct smcsim_ctx main, co;
	struct smcsim_stack stack;
};

static void overflow_fn(void *arg)
{
	struct overflow *o = arg;

	fc_recurse(0, NULL);
	smcsim_ctx_switch(NULL, &o->main);
}

static void overflow_child(void *arg)
{
	struct overflow *o = arg;

	/* The forked child's TSan knows no fiber of the parent's. */
	smcsim_stack_reset(&o->stack);
	smcsim_ctx_make(&o->co, &o->stack, overflow_fn, o);
	smcsim_ctx_switch(&o->main, &o->co);
}

static void ctx_overflow_faults_on_the_guard_page(void **state)
{
	struct overflow o;
	uintptr_t addr = 0, guard;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	(void)state;
#ifdef SMCSIM_NO_OS
	/* Stacks come from malloc: no guard page to fault on. */
	skip();
#endif
	assert_int_equal(smcsim_stack_alloc(&o.stack, 16 * 1024), 0);
	smcsim_ctx_make(&o.co, &o.stack, overflow_fn, &o);
	guard = (uintptr_t)o.stack.lo - pg;
	assert_ptr_equal((void *)guard, o.stack.map);
	assert_int_equal(fc_run(overflow_child, &o, WAIT_MS, &addr),
			 FC_FAULTED);
	/* The fault is in the guard page itself, not somewhere below it. */
	assert_true(addr >= guard && addr < guard + pg);
	smcsim_stack_free(&o.stack);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ctx_pingpong_keeps_both_sides_values),
		cmocka_unit_test(ctx_switch_keeps_each_sides_rounding_mode),
		cmocka_unit_test(ctx_ended_contexts_free_their_stacks),
		cmocka_unit_test(ctx_resumes_on_another_os_thread),
		cmocka_unit_test(ctx_overflow_faults_on_the_guard_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
