// SPDX-License-Identifier: BSD-2-Clause
/*
 * Execution contexts (<smcsim/ctx.h>): a stack switch in a few lines of
 * assembly per architecture, the sanitizers told about every switch.
 *
 * Why our own switch and not Boost.Context's make_fcontext/jump_fcontext:
 * measured on the 2-core development machine (bench_ctx, release build,
 * a round trip is two switches), ours takes 8.2-8.3 ns and jump_fcontext
 * 8.0 ns, the same within noise; swapcontext() takes 350 ns because it
 * makes a sigprocmask system call each way. At equal speed the switch that
 * needs no package wins: the bare-metal image (picolibc, no OS) has no
 * Boost, and the cross build would need libboost-context-dev:arm64.
 *
 * What a switch saves is what the procedure-call standard makes
 * callee-saved, on the stack that is left, plus the floating-point control
 * state (x86_64: MXCSR and the x87 control word; aarch64: FPCR).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/config.h>

#ifndef SMCSIM_NO_OS
#include <pthread.h>		/* pthread_atfork() only */
#include <stdatomic.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <smcsim/ctx.h>

#if defined(__SANITIZE_ADDRESS__)
#define CTX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CTX_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define CTX_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CTX_TSAN 1
#endif
#endif

#ifdef CTX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef CTX_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#ifdef SMCSIM_NO_OS
#define CTX_TLS		/* one core, no threads, no sanitizers */
#else
/* Initial-exec: a switch reads it several times, without __tls_get_addr. */
#define CTX_TLS		_Thread_local __attribute__((tls_model("initial-exec")))
#endif

/*
 * The switch itself (below, per architecture): save the callee-saved
 * state on the running stack and its stack pointer in from->sp (nowhere
 * when @from is NULL), load to->sp and restore. Without sanitizers it is
 * smcsim_ctx_switch() itself, with no C frame around it: a C wrapper's own
 * `ret` would return to the other context's caller and miss the
 * return-stack predictor each time.
 */
void smcsim_ctx_swap_(struct smcsim_ctx *from, struct smcsim_ctx *to);
_Static_assert(offsetof(struct smcsim_ctx, sp) == 0,
	       "the switch stores the stack pointer at offset 0");

#if defined(CTX_ASAN) || defined(CTX_TSAN)
#define CTX_SAN 1
#define CTX_SWITCH_LABEL(type)	""
#else
#define CTX_SWITCH_LABEL(type)						\
	".globl smcsim_ctx_switch\n"					\
	".type smcsim_ctx_switch," type "\n"				\
	"smcsim_ctx_switch:\n"
#endif
/* Where a new context's frame returns to (below, per architecture). */
__attribute__((visibility("hidden"))) extern char smcsim_ctx_entry_[];
/* First code of a new context: @fn(@arg), never returning. */
__attribute__((visibility("hidden"), noreturn))
void smcsim_ctx_first_(void (*fn)(void *), void *arg);

#if defined(__x86_64__)
/*
 * rdi = from, rsi = to. The frame: six
 * callee-saved registers, then MXCSR and the x87 control word in one slot.
 * A new context's frame returns into ctx_entry with fn in r13, arg in r12.
 * The return is a pop and an indirect jump, as Boost's is: a `ret` to
 * another stack's caller would only miss the return-stack predictor.
 */
__asm__(
	".text\n"
	".globl smcsim_ctx_swap_\n"
	".hidden smcsim_ctx_swap_\n"
	".type smcsim_ctx_swap_,@function\n"
	CTX_SWITCH_LABEL("@function")
	"smcsim_ctx_swap_:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	subq $8, %rsp\n"
	"	stmxcsr (%rsp)\n"
	"	fnstcw 4(%rsp)\n"
	"	testq %rdi, %rdi\n"
	"	jz 1f\n"
	"	movq %rsp, (%rdi)\n"
	"1:	movq (%rsi), %rsp\n"
	"	ldmxcsr (%rsp)\n"
	"	fldcw 4(%rsp)\n"
	"	addq $8, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	popq %rcx\n"
	"	jmp *%rcx\n"
	".size smcsim_ctx_swap_, .-smcsim_ctx_swap_\n"
	".globl smcsim_ctx_entry_\n"
	".hidden smcsim_ctx_entry_\n"
	".type smcsim_ctx_entry_,@function\n"
	"smcsim_ctx_entry_:\n"
	"	movq %r13, %rdi\n"
	"	movq %r12, %rsi\n"
	"	call smcsim_ctx_first_\n"
	"	ud2\n"
	".size smcsim_ctx_entry_, .-smcsim_ctx_entry_\n");

#define CTX_FRAME	64	/* 8 (control) + 6 * 8 (registers) + 8 (return) */

static void ctx_frame(void **sp, void (*fn)(void *), void *arg)
{
	uint32_t ctl[2];

	__asm__ volatile("stmxcsr %0\n\tfnstcw %1"
			 : "=m"(ctl[0]), "=m"(ctl[1]));
	memcpy(&sp[0], ctl, sizeof(ctl));
	sp[1] = NULL;			/* r15 */
	sp[2] = NULL;			/* r14 */
	memcpy(&sp[3], &fn, sizeof(fn));	/* r13 */
	sp[4] = arg;			/* r12 */
	sp[5] = NULL;			/* rbx */
	sp[6] = NULL;			/* rbp: ends a backtrace */
	sp[7] = smcsim_ctx_entry_;	/* return address */
}

#elif defined(__aarch64__)
/*
 * x0 = from, x1 = to. The frame: x19..x30,
 * d8..d15 and FPCR. A new context's frame returns (x30) into ctx_entry
 * with fn in x20, arg in x19.
 */
__asm__(
	".text\n"
	".globl smcsim_ctx_swap_\n"
	".hidden smcsim_ctx_swap_\n"
	".type smcsim_ctx_swap_,%function\n"
	CTX_SWITCH_LABEL("%function")
	"smcsim_ctx_swap_:\n"
	"	sub sp, sp, #176\n"
	"	stp x19, x20, [sp, #0]\n"
	"	stp x21, x22, [sp, #16]\n"
	"	stp x23, x24, [sp, #32]\n"
	"	stp x25, x26, [sp, #48]\n"
	"	stp x27, x28, [sp, #64]\n"
	"	stp x29, x30, [sp, #80]\n"
	"	stp d8, d9, [sp, #96]\n"
	"	stp d10, d11, [sp, #112]\n"
	"	stp d12, d13, [sp, #128]\n"
	"	stp d14, d15, [sp, #144]\n"
	"	mrs x9, fpcr\n"
	"	str x9, [sp, #160]\n"
	"	cbz x0, 1f\n"
	"	mov x9, sp\n"
	"	str x9, [x0]\n"
	"1:	ldr x9, [x1]\n"
	"	mov sp, x9\n"
	"	ldr x9, [sp, #160]\n"
	"	msr fpcr, x9\n"
	"	ldp x19, x20, [sp, #0]\n"
	"	ldp x21, x22, [sp, #16]\n"
	"	ldp x23, x24, [sp, #32]\n"
	"	ldp x25, x26, [sp, #48]\n"
	"	ldp x27, x28, [sp, #64]\n"
	"	ldp x29, x30, [sp, #80]\n"
	"	ldp d8, d9, [sp, #96]\n"
	"	ldp d10, d11, [sp, #112]\n"
	"	ldp d12, d13, [sp, #128]\n"
	"	ldp d14, d15, [sp, #144]\n"
	"	add sp, sp, #176\n"
	"	ret\n"
	".size smcsim_ctx_swap_, .-smcsim_ctx_swap_\n"
	".globl smcsim_ctx_entry_\n"
	".hidden smcsim_ctx_entry_\n"
	".type smcsim_ctx_entry_,%function\n"
	"smcsim_ctx_entry_:\n"
	"	mov x0, x20\n"
	"	mov x1, x19\n"
	"	bl smcsim_ctx_first_\n"
	"	brk #1\n"
	".size smcsim_ctx_entry_, .-smcsim_ctx_entry_\n");

#define CTX_FRAME	176

static void ctx_frame(void **sp, void (*fn)(void *), void *arg)
{
	uint64_t fpcr;

	__asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
	memset(sp, 0, CTX_FRAME);
	sp[0] = arg;			/* x19 */
	memcpy(&sp[1], &fn, sizeof(fn));	/* x20 */
	sp[10] = NULL;			/* x29: ends a backtrace */
	sp[11] = smcsim_ctx_entry_;	/* x30 */
	sp[20] = (void *)(uintptr_t)fpcr;
}

#else
#error "smcsim: no context switch for this architecture (lib/ctx.c)"
#endif

#ifdef CTX_SAN
/*
 * Only the sanitizers need to know which stack runs: what this OS thread
 * runs now, and the slot of the last switch made here, whose stack bounds
 * a switch away from an OS thread's own stack learns from ASan. Without
 * them a switch is the register swap alone.
 */
struct ctx_tls {
	bool started;
	const void *lo;
	size_t size;
	void *fiber;
	struct smcsim_ctx *prev;
};

static CTX_TLS struct ctx_tls ctx_tls_;

/*
 * A context may leave one OS thread and resume on another; the compiler
 * must not keep this thread-local's address across the switch, so it is
 * computed afresh in a call it cannot see through.
 */
__attribute__((noinline)) static struct ctx_tls *ctx_tls(void)
{
	struct ctx_tls *t = &ctx_tls_;

	__asm__ volatile("" : "+r"(t));
	if (!t->started) {
		t->started = true;
#ifdef CTX_TSAN
		t->fiber = __tsan_get_current_fiber();
#endif
	}
	return t;
}

/* The second half of a switch, on the stack switched to. */
static void ctx_finish(struct smcsim_ctx *self)
{
	struct ctx_tls *t = ctx_tls();
#ifdef CTX_ASAN
	const void *old_lo = NULL;
	size_t old_size = 0;

	__sanitizer_finish_switch_fiber(self ? self->fake_stack : NULL,
					&old_lo, &old_size);
	/* Left an OS thread's own stack: now its bounds are known. */
	if (t->prev && !t->prev->stack_lo) {
		t->prev->stack_lo = old_lo;
		t->prev->stack_size = old_size;
	}
#else
	(void)self;
#endif
	t->prev = NULL;
}

/* The first half: tell the sanitizers where we go. */
static void ctx_start(struct smcsim_ctx *from, struct smcsim_ctx *to)
{
	struct ctx_tls *t = ctx_tls();

	if (from) {
		from->stack_lo = t->lo;
		from->stack_size = t->size;
		from->fiber = t->fiber;
	}
	t->prev = from;
	t->lo = to->stack_lo;
	t->size = to->stack_size;
	t->fiber = to->fiber;
#ifdef CTX_ASAN
	/* NULL: a context ending for good has its fake stack destroyed. */
	__sanitizer_start_switch_fiber(from ? &from->fake_stack : NULL,
				       t->lo, t->size);
#endif
#ifdef CTX_TSAN
	/*
	 * Last: from here on TSan charges accesses to the fiber switched
	 * to, so everything about @to is read above, by the context that
	 * leaves (the switch reads to->sp uninstrumented). Read after the
	 * switch, @to's fields written before a fork() were reported as
	 * racing in the child, whose fibers' clocks do not cover the
	 * parent's past.
	 */
	__tsan_switch_to_fiber(t->fiber, 0);
#endif
}

void smcsim_ctx_switch(struct smcsim_ctx *from, struct smcsim_ctx *to)
{
	ctx_start(from, to);
	smcsim_ctx_swap_(from, to);
	ctx_finish(from);
}
#else
static inline void ctx_finish(struct smcsim_ctx *self)
{
	(void)self;
}
#endif

void smcsim_ctx_first_(void (*fn)(void *), void *arg)
{
	ctx_finish(NULL);
	fn(arg);
	fprintf(stderr, "smcsim ctx: a context's function returned\n");
	abort();
}

void smcsim_ctx_make(struct smcsim_ctx *c, struct smcsim_stack *s,
		     void (*fn)(void *), void *arg)
{
	uintptr_t top = ((uintptr_t)s->lo + s->size) & ~(uintptr_t)15;
	/* 16 bytes of slack above the frame keep the entry's sp aligned. */
	void **sp = (void **)(top - 16 - CTX_FRAME);

	ctx_frame(sp, fn, arg);
	c->sp = sp;
	c->stack_lo = s->lo;
	c->stack_size = s->size;
	c->fiber = s->fiber;
	c->fake_stack = NULL;
}

/* Instrumented frames are larger: give the sanitizers room. */
#if defined(CTX_ASAN) || defined(CTX_TSAN)
#define CTX_STACK_SCALE	4
#else
#define CTX_STACK_SCALE	1
#endif

void smcsim_stack_reset(struct smcsim_stack *s)
{
#ifdef CTX_ASAN
	ASAN_UNPOISON_MEMORY_REGION(s->lo, s->size);
#endif
#ifdef CTX_TSAN
	/* The ended context's calls never returned on the old fiber. */
	if (s->fiber) {
		__tsan_destroy_fiber(s->fiber);
		s->fiber = __tsan_create_fiber(0);
	}
#else
	(void)s;
#endif
}

#ifdef SMCSIM_NO_OS

int smcsim_stack_alloc(struct smcsim_stack *s, size_t size)
{
	size = ((size ? size : SMCSIM_STACK_DEFAULT) + 15) & ~(size_t)15;
	memset(s, 0, sizeof(*s));
	s->map = aligned_alloc(16, size);
	if (!s->map)
		return -ENOMEM;
	s->map_size = size;
	s->lo = s->map;
	s->size = size;
	return 0;
}

void smcsim_stack_free(struct smcsim_stack *s)
{
	free(s->map);
	memset(s, 0, sizeof(*s));
}

#else

/*
 * Freed stacks are kept for the next allocation of the same size, as glibc
 * keeps thread stacks: a secure world per fuzz input and a det run's
 * threads then cost no mmap, mprotect, munmap or first-touch page faults.
 * A kept stack is reset first (smcsim_stack_reset()), so under TSan it
 * comes back with a fresh fiber.
 */
static size_t ctx_stack_size(size_t size, size_t pg)
{
	size = (size ? size : SMCSIM_STACK_DEFAULT) * CTX_STACK_SCALE;
	return (size + pg - 1) & ~(pg - 1);
}

#define CTX_CACHE_MAX	64

/*
 * A spinlock, not an rt mutex: the deterministic scheduler allocates
 * stacks from inside a scheduling step, where an rt lock would be another
 * step; and not a pthread mutex, which is the runtime layer's. It is held
 * for a copy of one struct.
 */
static atomic_flag ctx_cache_lock = ATOMIC_FLAG_INIT;
static struct smcsim_stack ctx_cache[CTX_CACHE_MAX];
static unsigned int ctx_cache_n;

static void ctx_cache_lock_take(void)
{
	while (atomic_flag_test_and_set_explicit(&ctx_cache_lock,
						 memory_order_acquire))
		;
}

static void ctx_cache_lock_drop(void)
{
	atomic_flag_clear_explicit(&ctx_cache_lock, memory_order_release);
}

/*
 * A forked child starts with an empty cache: under TSan the kept stacks'
 * fibers are the parent's, which the child's TSan no longer knows. The
 * mappings stay until the child exits.
 */
static void ctx_cache_forget(void)
{
	ctx_cache_n = 0;
	atomic_flag_clear(&ctx_cache_lock);
}

/* Return: a kept stack of @size usable bytes into @s, or false. */
static bool ctx_cache_get(struct smcsim_stack *s, size_t size)
{
	static atomic_bool atfork;
	bool hit = false;
	unsigned int i;

	if (!atomic_exchange(&atfork, true))
		pthread_atfork(NULL, NULL, ctx_cache_forget);
	ctx_cache_lock_take();
	for (i = ctx_cache_n; i--; ) {
		if (ctx_cache[i].size == size) {
			*s = ctx_cache[i];
			ctx_cache[i] = ctx_cache[--ctx_cache_n];
			hit = true;
			break;
		}
	}
	ctx_cache_lock_drop();
	return hit;
}

/* Return: @s was kept for a later smcsim_stack_alloc(). */
static bool ctx_cache_put(struct smcsim_stack *s)
{
	bool kept = false;

	smcsim_stack_reset(s);
	ctx_cache_lock_take();
	if (ctx_cache_n < CTX_CACHE_MAX) {
		ctx_cache[ctx_cache_n++] = *s;
		kept = true;
	}
	ctx_cache_lock_drop();
	return kept;
}

int smcsim_stack_alloc(struct smcsim_stack *s, size_t size)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	void *map;

	memset(s, 0, sizeof(*s));
	size = ctx_stack_size(size, pg);
	if (ctx_cache_get(s, size))
		return 0;
	map = mmap(NULL, size + pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return -ENOMEM;
	/* The guard: an overflow faults here instead of going on below. */
	if (mprotect(map, pg, PROT_NONE)) {
		munmap(map, size + pg);
		return -ENOMEM;
	}
	s->map = map;
	s->map_size = size + pg;
	s->lo = (char *)map + pg;
	s->size = size;
#ifdef CTX_TSAN
	s->fiber = __tsan_create_fiber(0);
#endif
	return 0;
}

void smcsim_stack_free(struct smcsim_stack *s)
{
	if (!s->map)
		return;
	/* Reset: frames left poisoned would poison what is mapped here next. */
	if (!ctx_cache_put(s)) {
#ifdef CTX_TSAN
		if (s->fiber)
			__tsan_destroy_fiber(s->fiber);
#endif
		munmap(s->map, s->map_size);
	}
	memset(s, 0, sizeof(*s));
}

#endif /* SMCSIM_NO_OS */
