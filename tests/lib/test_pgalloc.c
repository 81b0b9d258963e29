// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of lib/pgalloc.c, the first-fit page allocator under the
 * simulated DRAM and the shared-memory pools: range checks at init, first
 * fit and contiguous runs, exhaustion, refused frees that must change
 * nothing, reuse of a hole after fragmentation, and concurrent callers that
 * must never be handed overlapping pages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/pgalloc.h>
#include <smcsim/rt.h>

#define PG		SMCSIM_PAGE_SIZE
#define BASE		0x80000000ULL
#define WAIT_MS		10000

static void pgalloc_init_rejects_bad_range(void **state)
{
	struct smcsim_pgalloc a;

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE + 1, 16 * PG), -EINVAL);
	assert_int_equal(smcsim_pgalloc_init(&a, BASE + PG / 2, 16 * PG),
			 -EINVAL);
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 16 * PG + 1), -EINVAL);
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, PG / 2), -EINVAL);
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 0), -EINVAL);
	/* A range that wraps around the address space. */
	assert_int_equal(smcsim_pgalloc_init(&a, UINT64_MAX & ~SMCSIM_PAGE_MASK,
					     2 * PG),
			 -EINVAL);

	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 16 * PG), 0);
	assert_int_equal(a.npages, 16);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);
	smcsim_pgalloc_fini(&a);
	assert_null(a.map);
}

static void pgalloc_alloc_zero_pages_rejected(void **state)
{
	struct smcsim_pgalloc a;
	uint64_t pa = 0x1234;

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 4 * PG), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 0, &pa), -EINVAL);
	assert_int_equal(pa, 0x1234);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);
	smcsim_pgalloc_fini(&a);
}

static void pgalloc_first_fit(void **state)
{
	struct smcsim_pgalloc a;
	uint64_t p1, p2, p3, p4;

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 16 * PG), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &p1), 0);
	assert_int_equal(p1, BASE);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 2, &p2), 0);
	assert_int_equal(p2, BASE + PG);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 3, &p3), 0);
	assert_int_equal(p3, BASE + 3 * PG);

	/* The lowest free page is handed out again first. */
	assert_int_equal(smcsim_pgalloc_free(&a, p1, 1), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &p4), 0);
	assert_int_equal(p4, BASE);
	smcsim_pgalloc_fini(&a);
}

static void pgalloc_contiguous_runs(void **state)
{
	struct smcsim_pgalloc a;
	uint64_t whole, pa;

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 16 * PG), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 16, &whole), 0);
	assert_int_equal(whole, BASE);
	assert_int_equal(smcsim_pgalloc_used(&a), 16);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &pa), -ENOMEM);
	assert_int_equal(smcsim_pgalloc_free(&a, whole, 16), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);

	/* Free pages 0..15 except 3 and 9: the longest run is 6 (10..15). */
	assert_int_equal(smcsim_pgalloc_alloc(&a, 16, &whole), 0);
	assert_int_equal(smcsim_pgalloc_free(&a, BASE, 3), 0);
	assert_int_equal(smcsim_pgalloc_free(&a, BASE + 4 * PG, 5), 0);
	assert_int_equal(smcsim_pgalloc_free(&a, BASE + 10 * PG, 6), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 2);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 7, &pa), -ENOMEM);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 6, &pa), 0);
	assert_int_equal(pa, BASE + 10 * PG);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 4, &pa), 0);
	assert_int_equal(pa, BASE + 4 * PG);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 3, &pa), 0);
	assert_int_equal(pa, BASE);
	assert_int_equal(smcsim_pgalloc_used(&a), 15);
	smcsim_pgalloc_fini(&a);
}

static void pgalloc_exhaustion_enomem(void **state)
{
	struct smcsim_pgalloc a;
	uint64_t pa[8], extra;
	size_t i, j;

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 8 * PG), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 9, &extra), -ENOMEM);
	assert_int_equal(smcsim_pgalloc_alloc(&a, SIZE_MAX, &extra), -ENOMEM);
	for (i = 0; i < 8; i++) {
		assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &pa[i]), 0);
		assert_in_range(pa[i], BASE, BASE + 7 * PG);
		assert_int_equal(pa[i] & SMCSIM_PAGE_MASK, 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(pa[i], pa[j]);
	}
	assert_int_equal(smcsim_pgalloc_used(&a), 8);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &extra), -ENOMEM);
	assert_int_equal(smcsim_pgalloc_used(&a), 8);

	/* One page back makes exactly one page available again. */
	assert_int_equal(smcsim_pgalloc_free(&a, pa[5], 1), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 2, &extra), -ENOMEM);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &extra), 0);
	assert_int_equal(extra, pa[5]);
	smcsim_pgalloc_fini(&a);
}

static void pgalloc_bad_free_changes_nothing(void **state)
{
	struct smcsim_pgalloc a;
	uint64_t run, pa;

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 8 * PG), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 2, &run), 0);
	assert_int_equal(run, BASE);
	assert_int_equal(smcsim_pgalloc_used(&a), 2);

	/* Not fully allocated: page 2 is free. */
	assert_int_equal(smcsim_pgalloc_free(&a, run, 3), -EINVAL);
	assert_int_equal(smcsim_pgalloc_used(&a), 2);
	/* Starting on a free page. */
	assert_int_equal(smcsim_pgalloc_free(&a, BASE + 2 * PG, 1), -EINVAL);
	/* Outside the range, below and above. */
	assert_int_equal(smcsim_pgalloc_free(&a, BASE - PG, 1), -EINVAL);
	assert_int_equal(smcsim_pgalloc_free(&a, BASE + 8 * PG, 1), -EINVAL);
	assert_int_equal(smcsim_pgalloc_free(&a, 0, 1), -EINVAL);
	/* Running off the end, and a count that would overflow. */
	assert_int_equal(smcsim_pgalloc_free(&a, BASE + 7 * PG, 2), -EINVAL);
	assert_int_equal(smcsim_pgalloc_free(&a, run, SIZE_MAX), -EINVAL);
	/* Unaligned, and zero pages. */
	assert_int_equal(smcsim_pgalloc_free(&a, run + 0x800, 1), -EINVAL);
	assert_int_equal(smcsim_pgalloc_free(&a, run + 1, 1), -EINVAL);
	assert_int_equal(smcsim_pgalloc_free(&a, run, 0), -EINVAL);
	assert_int_equal(smcsim_pgalloc_used(&a), 2);

	/* The refused frees released nothing: the next page is page 2. */
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &pa), 0);
	assert_int_equal(pa, BASE + 2 * PG);
	assert_int_equal(smcsim_pgalloc_free(&a, pa, 1), 0);

	assert_int_equal(smcsim_pgalloc_free(&a, run, 2), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);
	/* Double free. */
	assert_int_equal(smcsim_pgalloc_free(&a, run, 2), -EINVAL);
	assert_int_equal(smcsim_pgalloc_free(&a, run, 1), -EINVAL);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);

	/* A double free after the pages were reused must not free them. */
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &pa), 0);
	assert_int_equal(pa, BASE);
	assert_int_equal(smcsim_pgalloc_free(&a, run, 2), -EINVAL);
	assert_int_equal(smcsim_pgalloc_used(&a), 1);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &pa), 0);
	assert_int_equal(pa, BASE + PG);
	assert_int_equal(smcsim_pgalloc_used(&a), 2);
	smcsim_pgalloc_fini(&a);
}

static void pgalloc_fragmentation_hole_reused(void **state)
{
	struct smcsim_pgalloc a;
	uint64_t pa_a, pa_b, pa_c, big, fit;

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 32 * PG), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 2, &pa_a), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 3, &pa_b), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 2, &pa_c), 0);
	assert_int_equal(pa_a, BASE);
	assert_int_equal(pa_b, BASE + 2 * PG);
	assert_int_equal(pa_c, BASE + 5 * PG);
	assert_int_equal(smcsim_pgalloc_used(&a), 7);

	assert_int_equal(smcsim_pgalloc_free(&a, pa_b, 3), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 4);

	/* Larger than the hole: goes past C. */
	assert_int_equal(smcsim_pgalloc_alloc(&a, 4, &big), 0);
	assert_int_equal(big, BASE + 7 * PG);
	/* The hole's size: fills the hole. */
	assert_int_equal(smcsim_pgalloc_alloc(&a, 3, &fit), 0);
	assert_int_equal(fit, pa_b);
	assert_int_equal(smcsim_pgalloc_used(&a), 11);

	assert_int_equal(smcsim_pgalloc_free(&a, pa_a, 2), 0);
	assert_int_equal(smcsim_pgalloc_free(&a, fit, 3), 0);
	assert_int_equal(smcsim_pgalloc_free(&a, pa_c, 2), 0);
	assert_int_equal(smcsim_pgalloc_free(&a, big, 4), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);
	smcsim_pgalloc_fini(&a);
}

static void pgalloc_used_tracks(void **state)
{
	struct smcsim_pgalloc a;
	uint64_t p[4];

	(void)state;
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, 64 * PG), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 1, &p[0]), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 1);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 7, &p[1]), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 8);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 20, &p[2]), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 28);
	assert_int_equal(smcsim_pgalloc_alloc(&a, 40, &p[3]), -ENOMEM);
	assert_int_equal(smcsim_pgalloc_used(&a), 28);
	assert_int_equal(smcsim_pgalloc_free(&a, p[1], 7), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 21);
	assert_int_equal(smcsim_pgalloc_free(&a, p[0], 1), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 20);
	assert_int_equal(smcsim_pgalloc_free(&a, p[2], 20), 0);
	assert_int_equal(smcsim_pgalloc_used(&a), 0);
	smcsim_pgalloc_fini(&a);
}

/* ---- concurrency -------------------------------------------------------- */

#define CC_THREADS	4
#define CC_PAGES	256
#define CC_ITERS	20000
#define CC_HELD		8
#define CC_MAX_RUN	4

struct cc_run {
	uint64_t pa;
	size_t npages;
};

/*
 * Every page records which thread holds it. A thread claims the pages of a
 * run after the allocator handed it out and releases them before it frees
 * the run, so a page found already claimed was handed out twice.
 */
static atomic_uint cc_owner[CC_PAGES];

/* Opened with rt_complete_all once every worker exists, so they overlap. */
static struct rt_completion cc_go;

struct cc_worker {
	struct rt_thread *thread;
	struct rt_completion done;
	int go_rc;
	struct smcsim_pgalloc *a;
	unsigned int id;
	uint32_t rng;
	struct cc_run held[CC_HELD];
	size_t nheld;
	unsigned int overlaps;
	unsigned int errors;
	unsigned long allocs;
};

static uint32_t cc_rand(struct cc_worker *w)
{
	/* xorshift32: reproducible per thread, no shared state. */
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 17;
	w->rng ^= w->rng << 5;
	return w->rng;
}

static size_t cc_page(uint64_t pa)
{
	return (size_t)((pa - BASE) / PG);
}

static void cc_claim(struct cc_worker *w, const struct cc_run *r)
{
	size_t i;

	for (i = 0; i < r->npages; i++) {
		unsigned int prev = atomic_exchange(&cc_owner[cc_page(r->pa) + i],
						    w->id);

		if (prev)
			w->overlaps++;
	}
}

static void cc_release(struct cc_worker *w, const struct cc_run *r)
{
	size_t i;

	for (i = 0; i < r->npages; i++) {
		unsigned int prev = atomic_exchange(&cc_owner[cc_page(r->pa) + i],
						    0);

		if (prev != w->id)
			w->overlaps++;
	}
}

static void cc_free_one(struct cc_worker *w, size_t idx)
{
	struct cc_run r = w->held[idx];

	cc_release(w, &r);
	if (smcsim_pgalloc_free(w->a, r.pa, r.npages))
		w->errors++;
	w->held[idx] = w->held[--w->nheld];
}

static void *cc_worker_fn(void *arg)
{
	struct cc_worker *w = arg;
	unsigned int i;

	w->go_rc = rt_wait_for_completion_timeout(&cc_go, WAIT_MS);
	for (i = 0; i < CC_ITERS; i++) {
		bool do_alloc = w->nheld == 0 ||
				(w->nheld < CC_HELD && (cc_rand(w) & 1));

		if (do_alloc) {
			struct cc_run r = {
				.npages = 1 + cc_rand(w) % CC_MAX_RUN,
			};
			int rc = smcsim_pgalloc_alloc(w->a, r.npages, &r.pa);

			if (rc == -ENOMEM)
				continue;	/* fragmentation: allowed */
			if (rc || r.pa < BASE || (r.pa & SMCSIM_PAGE_MASK) ||
			    cc_page(r.pa) + r.npages > CC_PAGES) {
				w->errors++;
				continue;
			}
			w->allocs++;
			cc_claim(w, &r);
			w->held[w->nheld++] = r;
		} else {
			cc_free_one(w, cc_rand(w) % w->nheld);
		}
	}
	/* Keep what is held now; the main thread checks it and frees it. */
	rt_complete(&w->done);
	return NULL;
}

static bool runs_overlap(const struct cc_run *x, const struct cc_run *y)
{
	return x->pa < y->pa + y->npages * PG && y->pa < x->pa + x->npages * PG;
}

static void pgalloc_concurrent_no_overlap(void **state)
{
	static struct cc_worker w[CC_THREADS];
	struct smcsim_pgalloc a;
	size_t i, j, k, l, held_pages = 0;
	char name[16];

	(void)state;
	for (i = 0; i < CC_PAGES; i++)
		atomic_init(&cc_owner[i], 0);
	assert_int_equal(smcsim_pgalloc_init(&a, BASE, CC_PAGES * PG), 0);
	rt_completion_init(&cc_go);

	for (i = 0; i < CC_THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].a = &a;
		w[i].id = (unsigned int)i + 1;
		w[i].rng = 0x9E3779B9U * (uint32_t)(i + 1);
		rt_completion_init(&w[i].done);
		snprintf(name, sizeof(name), "pg%zu", i);
		assert_int_equal(rt_thread_create(&w[i].thread, name,
						  cc_worker_fn, &w[i]), 0);
	}
	rt_complete_all(&cc_go);
	for (i = 0; i < CC_THREADS; i++) {
		assert_int_equal(
			rt_wait_for_completion_timeout(&w[i].done, WAIT_MS), 0);
		rt_thread_join(w[i].thread, NULL);
		rt_completion_destroy(&w[i].done);
		assert_int_equal(w[i].go_rc, 0);
	}
	rt_completion_destroy(&cc_go);

	for (i = 0; i < CC_THREADS; i++) {
		assert_int_equal(w[i].overlaps, 0);
		assert_int_equal(w[i].errors, 0);
		assert_true(w[i].allocs > 0);
		/* The runs still held, across all threads, are disjoint. */
		for (k = 0; k < w[i].nheld; k++) {
			held_pages += w[i].held[k].npages;
			for (j = i; j < CC_THREADS; j++)
				for (l = (j == i ? k + 1 : 0); l < w[j].nheld;
				     l++)
					assert_false(runs_overlap(
						&w[i].held[k], &w[j].held[l]));
		}
	}
	assert_int_equal(smcsim_pgalloc_used(&a), held_pages);

	for (i = 0; i < CC_THREADS; i++) {
		while (w[i].nheld)
			cc_free_one(&w[i], 0);
		assert_int_equal(w[i].errors, 0);
		assert_int_equal(w[i].overlaps, 0);
	}
	assert_int_equal(smcsim_pgalloc_used(&a), 0);
	smcsim_pgalloc_fini(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pgalloc_init_rejects_bad_range),
		cmocka_unit_test(pgalloc_alloc_zero_pages_rejected),
		cmocka_unit_test(pgalloc_first_fit),
		cmocka_unit_test(pgalloc_contiguous_runs),
		cmocka_unit_test(pgalloc_exhaustion_enomem),
		cmocka_unit_test(pgalloc_bad_free_changes_nothing),
		cmocka_unit_test(pgalloc_fragmentation_hole_reused),
		cmocka_unit_test(pgalloc_used_tracks),
		cmocka_unit_test(pgalloc_concurrent_no_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
