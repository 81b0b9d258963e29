// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of lib/phys.c, the simulated physical memory map: the default
 * QEMU-like layout, the checks at creation, which region a range lies in
 * (including ranges that straddle two regions or wrap around the address
 * space), what each world may map, translation in both directions, and the
 * page allocator over non-secure DRAM; the normal world's view, which faults
 * on secure and protected memory and on pages lent to the secure world
 * (proved in forked children, tb_probe_read()). Then maps other than the
 * default: carve-outs inside DRAM, several DRAM banks, and the firmware's
 * QEMU v8 machine (1057 MiB, 0x50000000 mappable).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>

#include "testbed.h"

#define DRAM_BASE	0x40000000ULL
#define DRAM_SIZE	(32ULL << 20)
#define SHM_BASE	0x42000000ULL
#define SHM_SIZE	(2ULL << 20)
#define SEC_BASE	0x0e100000ULL
#define PROT_BASE	0x43000000ULL
#define PAGE_SZ		SMCSIM_PAGE_SIZE

/* The first range of @kind in @cfg (the default map has one of each). */
static struct smcsim_phys_range *kr(struct smcsim_phys_config *cfg,
				    enum smcsim_mem_kind kind)
{
	unsigned int i;

	for (i = 0; i < cfg->nranges; i++)
		if (cfg->range[i].kind == kind)
			return &cfg->range[i];
	fail_msg("no range of kind %d", kind);
	return NULL;
}

static int setup_default(void **state)
{
	struct smcsim_phys_config cfg;
	struct smcsim_phys *phys = NULL;

	smcsim_phys_config_default(&cfg);
	if (smcsim_phys_create(&cfg, &phys))
		return -1;
	*state = phys;
	return 0;
}

static int teardown_default(void **state)
{
	smcsim_phys_destroy(*state);
	*state = NULL;
	return 0;
}

static void phys_default_layout(void **state)
{
	struct smcsim_phys *phys = *state;
	struct smcsim_phys_config cfg;
	struct smcsim_phys_region r;

	smcsim_phys_config_default(&cfg);
	assert_int_equal(kr(&cfg, SMCSIM_MEM_NS_DRAM)->base, DRAM_BASE);
	assert_int_equal(kr(&cfg, SMCSIM_MEM_NS_DRAM)->size, DRAM_SIZE);
	assert_int_equal(kr(&cfg, SMCSIM_MEM_NS_SHM)->base, SHM_BASE);
	assert_int_equal(kr(&cfg, SMCSIM_MEM_NS_SHM)->size, SHM_SIZE);
	assert_int_equal(kr(&cfg, SMCSIM_MEM_SECURE)->base, SEC_BASE);
	assert_true(kr(&cfg, SMCSIM_MEM_SECURE)->size > 0);
	assert_int_equal(kr(&cfg, SMCSIM_MEM_PROTMEM)->base, PROT_BASE);
	assert_true(kr(&cfg, SMCSIM_MEM_PROTMEM)->size > 0);

	/* The created map reports the same layout. */
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_NS_DRAM, &r), 0);
	assert_int_equal(r.base, DRAM_BASE);
	assert_int_equal(r.size, DRAM_SIZE);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_NS_SHM, &r), 0);
	assert_int_equal(r.base, SHM_BASE);
	assert_int_equal(r.size, SHM_SIZE);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_SECURE, &r), 0);
	assert_int_equal(r.base, SEC_BASE);
	assert_int_equal(r.size, kr(&cfg, SMCSIM_MEM_SECURE)->size);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_PROTMEM, &r),
			 0);
	assert_int_equal(r.base, PROT_BASE);
	assert_int_equal(r.size, kr(&cfg, SMCSIM_MEM_PROTMEM)->size);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_NUM_KINDS, &r),
			 -ENOENT);
}

static void expect_create_fails(const struct smcsim_phys_config *cfg)
{
	struct smcsim_phys *sentinel = (struct smcsim_phys *)&sentinel;
	struct smcsim_phys *phys = sentinel;

	assert_int_equal(smcsim_phys_create(cfg, &phys), -EINVAL);
	assert_ptr_equal(phys, sentinel);
}

static void phys_create_rejects_overlap(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	/* The reserved shm straddling the end of DRAM (inside it is fine). */
	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_NS_SHM)->base = DRAM_BASE + DRAM_SIZE - PAGE_SZ;
	expect_create_fails(&cfg);

	/* Protected memory sharing its last page with the shm's first. */
	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_PROTMEM)->base = SHM_BASE - SMCSIM_PAGE_SIZE;
	kr(&cfg, SMCSIM_MEM_PROTMEM)->size = SMCSIM_PAGE_SIZE * 2;
	expect_create_fails(&cfg);

	/* Secure memory covering all of protected memory. */
	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_SECURE)->base = PROT_BASE - SMCSIM_PAGE_SIZE;
	kr(&cfg, SMCSIM_MEM_SECURE)->size = 64ULL << 20;
	expect_create_fails(&cfg);

	/* Two identical regions. */
	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_SECURE)->base = PROT_BASE;
	kr(&cfg, SMCSIM_MEM_SECURE)->size = kr(&cfg, SMCSIM_MEM_PROTMEM)->size;
	expect_create_fails(&cfg);
}

static void phys_create_rejects_unaligned(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_NS_DRAM)->base += 0x800;
	expect_create_fails(&cfg);

	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_NS_SHM)->size += 1;
	expect_create_fails(&cfg);

	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_SECURE)->base += 4;
	expect_create_fails(&cfg);

	/* A region that wraps around the top of the address space. */
	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_PROTMEM)->base = UINT64_MAX & ~SMCSIM_PAGE_MASK;
	kr(&cfg, SMCSIM_MEM_PROTMEM)->size = 2 * SMCSIM_PAGE_SIZE;
	expect_create_fails(&cfg);
}

static void phys_create_rejects_missing_dram(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	smcsim_phys_config_default(&cfg);
	assert_int_equal(smcsim_phys_config_remove(&cfg, SMCSIM_MEM_NS_DRAM), 1);
	expect_create_fails(&cfg);
	/* Nor may a listed range be empty. */
	smcsim_phys_config_default(&cfg);
	kr(&cfg, SMCSIM_MEM_SECURE)->size = 0;
	expect_create_fails(&cfg);
}

static void phys_kind_inside_each_region(void **state)
{
	struct smcsim_phys *phys = *state;
	enum smcsim_mem_kind kind;

	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE + 0x1000, 0x100,
					  &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);
	/* The whole region, and its last byte. */
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE, DRAM_SIZE, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE + DRAM_SIZE - 1, 1,
					  &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);

	assert_int_equal(smcsim_phys_kind(phys, SHM_BASE, SHM_SIZE, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_SHM);
	assert_int_equal(smcsim_phys_kind(phys, SEC_BASE + 8, 8, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_SECURE);
	assert_int_equal(smcsim_phys_kind(phys, PROT_BASE + 0x2000, 0x1000,
					  &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_PROTMEM);
}

static void phys_kind_rejects_bad_ranges(void **state)
{
	struct smcsim_phys *phys = *state;
	enum smcsim_mem_kind kind = SMCSIM_MEM_NUM_KINDS;

	/* DRAM and the shm are adjacent: one range may not span both. */
	assert_int_equal(smcsim_phys_kind(phys, SHM_BASE - 0x1000, 0x2000,
					  &kind), -EFAULT);
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE + DRAM_SIZE - 1, 2,
					  &kind), -EFAULT);
	/* Past the end of a region into nothing. */
	assert_int_equal(smcsim_phys_kind(phys, PROT_BASE,
					  SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE + 1,
					  &kind), -EFAULT);
	/* Starting before a region. */
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE - 1, 2, &kind),
			 -EFAULT);
	/* Outside every region. */
	assert_int_equal(smcsim_phys_kind(phys, 0x10000000ULL, 1, &kind),
			 -EFAULT);
	assert_int_equal(smcsim_phys_kind(phys, 0, 0x1000, &kind), -EFAULT);
	/* Wrap-around: pa + len overflows. */
	assert_int_equal(smcsim_phys_kind(phys, UINT64_MAX - 10, 100, &kind),
			 -EFAULT);
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE + 0x1000, UINT64_MAX,
					  &kind), -EFAULT);
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE,
					  UINT64_MAX - DRAM_BASE + 2, &kind),
			 -EFAULT);
	/* A refused lookup leaves *kind alone. */
	assert_int_equal(kind, SMCSIM_MEM_NUM_KINDS);
}

static void phys_kind_len_zero(void **state)
{
	struct smcsim_phys *phys = *state;
	enum smcsim_mem_kind kind;

	/* Inside a region an empty range belongs to it. */
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE + 0x10, 0, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);
	/* Outside any region it is a fault, also just past the last byte. */
	assert_int_equal(smcsim_phys_kind(phys, 0x10000000ULL, 0, &kind),
			 -EFAULT);
	assert_int_equal(smcsim_phys_kind(phys,
					  PROT_BASE +
					  SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE, 0,
					  &kind), -EFAULT);
	assert_int_equal(smcsim_phys_kind(phys, UINT64_MAX, 0, &kind), -EFAULT);
}

static void phys_map_normal_world_only_nonsecure(void **state)
{
	struct smcsim_phys *phys = *state;

	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, DRAM_BASE,
					DRAM_SIZE));
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, SHM_BASE,
					0x1000));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, SEC_BASE,
				    0x1000));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, PROT_BASE,
				    0x1000));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, PROT_BASE + 0x10,
				    1));

	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, DRAM_BASE,
					0x1000));
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, SHM_BASE,
					SHM_SIZE));
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, SEC_BASE,
					0x1000));
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, PROT_BASE,
					0x1000));

	/* Neither world maps what is not in one region. */
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE,
				    SHM_BASE - 0x1000, 0x2000));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL,
				    SHM_BASE - 0x1000, 0x2000));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, 0x10000000ULL,
				    1));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, UINT64_MAX - 10,
				    100));
}

static void phys_map_write_read_through_views(void **state)
{
	struct smcsim_phys *phys = *state;
	static const char msg[] = "hello from the normal world";
	uint8_t *nw, *sw, *base;

	/* DRAM: written by the normal world, read by the secure world. */
	nw = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, DRAM_BASE + 0x3010,
			     sizeof(msg));
	assert_non_null(nw);
	memcpy(nw, msg, sizeof(msg));
	sw = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, DRAM_BASE + 0x3010,
			     sizeof(msg));
	assert_non_null(sw);
	assert_memory_equal(sw, msg, sizeof(msg));
	/* A larger window over the same bytes sees them at the offset. */
	base = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, DRAM_BASE + 0x3000,
			       0x1000);
	assert_non_null(base);
	assert_memory_equal(base + 0x10, msg, sizeof(msg));

	/* The shm: written by the secure world, read by the normal world. */
	sw = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, SHM_BASE + SHM_SIZE - 4,
			     4);
	assert_non_null(sw);
	memcpy(sw, "\xde\xad\xbe\xef", 4);
	nw = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, SHM_BASE, SHM_SIZE);
	assert_non_null(nw);
	assert_memory_equal(nw + SHM_SIZE - 4, "\xde\xad\xbe\xef", 4);

	/* Secure memory is writable and readable by the secure world. */
	sw = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, SEC_BASE + 0x100, 8);
	assert_non_null(sw);
	memset(sw, 0x5A, 8);
	sw = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, SEC_BASE, 0x1000);
	assert_int_equal(sw[0x100], 0x5A);
	assert_int_equal(sw[0x107], 0x5A);
	assert_int_equal(sw[0x108], 0);

	/* Regions do not alias each other. */
	nw = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, DRAM_BASE + 0x100, 8);
	assert_non_null(nw);
	assert_int_equal(nw[0], 0);
}

static void phys_to_pa_round_trip(void **state)
{
	struct smcsim_phys *phys = *state;
	static const uint64_t pas[] = {
		DRAM_BASE, DRAM_BASE + 0x1234, DRAM_BASE + DRAM_SIZE - 1,
		SHM_BASE, SHM_BASE + SHM_SIZE - 1, SEC_BASE + 0x10,
		PROT_BASE, PROT_BASE + SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE - 1,
	};
	size_t i;

	for (i = 0; i < sizeof(pas) / sizeof(pas[0]); i++) {
		void *va = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, pas[i], 1);
		uint64_t pa = 0;

		assert_non_null(va);
		assert_int_equal(smcsim_phys_to_pa(phys, va, &pa), 0);
		assert_int_equal(pa, pas[i]);
	}
}

static void phys_to_pa_rejects_foreign_pointer(void **state)
{
	struct smcsim_phys *phys = *state;
	uint64_t pa = 0x77;
	int local = 0;
	char *heap = malloc(64);

	assert_non_null(heap);
	assert_int_equal(smcsim_phys_to_pa(phys, &local, &pa), -EFAULT);
	assert_int_equal(smcsim_phys_to_pa(phys, heap, &pa), -EFAULT);
	assert_int_equal(smcsim_phys_to_pa(phys, NULL, &pa), -EFAULT);
	assert_int_equal(pa, 0x77);
	free(heap);
}

static void phys_is_nonsecure(void **state)
{
	struct smcsim_phys *phys = *state;

	assert_true(smcsim_phys_is_nonsecure(phys, DRAM_BASE, 0x1000));
	assert_true(smcsim_phys_is_nonsecure(phys, DRAM_BASE, DRAM_SIZE));
	assert_true(smcsim_phys_is_nonsecure(phys, SHM_BASE + 0x10, 0x20));
	assert_false(smcsim_phys_is_nonsecure(phys, SEC_BASE, 0x1000));
	assert_false(smcsim_phys_is_nonsecure(phys, PROT_BASE, 0x1000));
	/* Each half non-secure, but not one region. */
	assert_false(smcsim_phys_is_nonsecure(phys, SHM_BASE - 0x10, 0x20));
	/* Starts in the shm, runs out of it. */
	assert_false(smcsim_phys_is_nonsecure(phys, SHM_BASE + SHM_SIZE - 0x10,
					      0x20));
	assert_false(smcsim_phys_is_nonsecure(phys, 0x10000000ULL, 0x10));
	assert_false(smcsim_phys_is_nonsecure(phys, UINT64_MAX - 10, 100));
}

static void phys_dram_pages(void **state)
{
	struct smcsim_phys *phys = *state;
	uint64_t p1, p2, p3;
	uint8_t *va;

	assert_int_equal(smcsim_phys_dram_pages_used(phys), 0);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 1, &p1), 0);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 4, &p2), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(phys), 5);

	assert_in_range(p1, DRAM_BASE, DRAM_BASE + DRAM_SIZE - SMCSIM_PAGE_SIZE);
	assert_in_range(p2, DRAM_BASE,
			DRAM_BASE + DRAM_SIZE - 4 * SMCSIM_PAGE_SIZE);
	assert_int_equal(p1 & SMCSIM_PAGE_MASK, 0);
	assert_int_equal(p2 & SMCSIM_PAGE_MASK, 0);
	assert_true(p2 >= p1 + SMCSIM_PAGE_SIZE ||
		    p1 >= p2 + 4 * SMCSIM_PAGE_SIZE);
	assert_true(smcsim_phys_is_nonsecure(phys, p2, 4 * SMCSIM_PAGE_SIZE));

	/* The pages are usable by the normal world. */
	va = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, p2,
			     4 * SMCSIM_PAGE_SIZE);
	assert_non_null(va);
	memset(va, 0xC3, 4 * SMCSIM_PAGE_SIZE);

	assert_int_equal(smcsim_phys_alloc_pages(phys, 0, &p3), -EINVAL);
	assert_int_equal(smcsim_phys_alloc_pages(phys,
						 DRAM_SIZE / SMCSIM_PAGE_SIZE,
						 &p3), -ENOMEM);
	assert_int_equal(smcsim_phys_dram_pages_used(phys), 5);

	/* Pages outside DRAM are not the allocator's. */
	assert_int_equal(smcsim_phys_free_pages(phys, SHM_BASE, 1), -EINVAL);
	assert_int_equal(smcsim_phys_free_pages(phys, p2, 5), -EINVAL);
	assert_int_equal(smcsim_phys_free_pages(phys, p2 + 0x800, 1), -EINVAL);
	assert_int_equal(smcsim_phys_dram_pages_used(phys), 5);

	assert_int_equal(smcsim_phys_free_pages(phys, p2, 4), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(phys), 1);
	assert_int_equal(smcsim_phys_free_pages(phys, p2, 4), -EINVAL);
	assert_int_equal(smcsim_phys_free_pages(phys, p1, 1), 0);
	assert_int_equal(smcsim_phys_dram_pages_used(phys), 0);

	/* All of DRAM, and no more. */
	assert_int_equal(smcsim_phys_alloc_pages(phys,
						 DRAM_SIZE / SMCSIM_PAGE_SIZE,
						 &p3), 0);
	assert_int_equal(p3, DRAM_BASE);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 1, &p1), -ENOMEM);
	assert_int_equal(smcsim_phys_free_pages(phys, p3,
						DRAM_SIZE / SMCSIM_PAGE_SIZE),
			 0);
}

static void phys_removed_range_is_absent(void **state)
{
	struct smcsim_phys_config cfg;
	struct smcsim_phys *phys = NULL;
	struct smcsim_phys_region r;
	enum smcsim_mem_kind kind;

	(void)state;
	smcsim_phys_config_default(&cfg);
	assert_int_equal(smcsim_phys_config_remove(&cfg, SMCSIM_MEM_PROTMEM),
			 1);
	assert_int_equal(smcsim_phys_config_remove(&cfg, SMCSIM_MEM_NS_SHM), 1);
	assert_int_equal(smcsim_phys_config_remove(&cfg, SMCSIM_MEM_NS_SHM), 0);
	assert_int_equal(smcsim_phys_create(&cfg, &phys), 0);
	assert_non_null(phys);

	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_PROTMEM, &r),
			 -ENOENT);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_NS_SHM, &r),
			 -ENOENT);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_NS_DRAM, &r),
			 0);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_SECURE, &r), 0);

	assert_int_equal(smcsim_phys_kind(phys, PROT_BASE, 0x1000, &kind),
			 -EFAULT);
	assert_int_equal(smcsim_phys_kind(phys, PROT_BASE, 0, &kind), -EFAULT);
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, PROT_BASE, 1));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, SHM_BASE, 1));
	smcsim_phys_destroy(phys);
}

/* Two maps are independent address spaces. */
static void phys_two_maps_independent(void **state)
{
	struct smcsim_phys *a = *state, *b = NULL;
	struct smcsim_phys_config cfg;
	uint8_t *va_a, *va_b;
	uint64_t pa;

	smcsim_phys_config_default(&cfg);
	assert_int_equal(smcsim_phys_create(&cfg, &b), 0);
	va_a = smcsim_phys_map(a, SMCSIM_WORLD_NORMAL, DRAM_BASE + 0x5000, 1);
	va_b = smcsim_phys_map(b, SMCSIM_WORLD_NORMAL, DRAM_BASE + 0x5000, 1);
	assert_non_null(va_a);
	assert_non_null(va_b);
	assert_ptr_not_equal(va_a, va_b);
	*va_a = 0x11;
	*va_b = 0x22;
	assert_int_equal(*va_a, 0x11);
	/* A pointer into one map is foreign to the other. */
	assert_int_equal(smcsim_phys_to_pa(b, va_a, &pa), -EFAULT);
	assert_int_equal(smcsim_phys_to_pa(b, va_b, &pa), 0);
	assert_int_equal(pa, DRAM_BASE + 0x5000);
	smcsim_phys_destroy(b);
}

/* The secure world reads and writes protected and secure memory. */
static void phys_secure_world_uses_protmem(void **state)
{
	struct smcsim_phys *phys = *state;
	uint8_t *p, *again;
	size_t i;

	p = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, PROT_BASE, 2 * PAGE_SZ);
	assert_non_null(p);
	for (i = 0; i < 2 * PAGE_SZ; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	again = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, PROT_BASE + PAGE_SZ,
				PAGE_SZ);
	assert_ptr_equal(again, p + PAGE_SZ);
	for (i = 0; i < PAGE_SZ; i++)
		assert_int_equal(again[i], (uint8_t)((i + PAGE_SZ) * 7 + 3));
	/* The two views are one memory: a pointer of either translates. */
	assert_non_null(smcsim_phys_ns_view(phys, PROT_BASE, PAGE_SZ));
}

/* The normal view faults on protected and secure memory, not on DRAM. */
static void phys_ns_view_faults_outside_nonsecure(void **state)
{
	struct smcsim_phys *phys = *state;
	uint8_t *sec = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, PROT_BASE,
				       PAGE_SZ);
	const uint8_t *ns;
	uint64_t pa;

	sec[5] = 0xA5;
	ns = smcsim_phys_ns_view(phys, PROT_BASE, PAGE_SZ);
	assert_non_null(ns);
	assert_ptr_not_equal(ns, sec);
	assert_int_equal(smcsim_phys_to_pa(phys, ns + 5, &pa), 0);
	assert_int_equal(pa, PROT_BASE + 5);
	assert_int_equal(tb_probe_read(ns + 5), TB_PROBE_FAULTED);
	ns = smcsim_phys_ns_view(phys, SEC_BASE + PAGE_SZ, 1);
	assert_non_null(ns);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);
	/* The same probe on non-secure memory reads. */
	ns = smcsim_phys_ns_view(phys, DRAM_BASE + 3 * PAGE_SZ, 1);
	assert_ptr_equal(ns, smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL,
					     DRAM_BASE + 3 * PAGE_SZ, 1));
	assert_int_equal(tb_probe_read(ns), TB_PROBE_READ_OK);
	ns = smcsim_phys_ns_view(phys, SHM_BASE, 1);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_READ_OK);
	/* Outside the map there is no view at all. */
	assert_null(smcsim_phys_ns_view(phys, 0x10000000ULL, 1));
	assert_null(smcsim_phys_ns_view(phys, SHM_BASE - PAGE_SZ,
					2 * PAGE_SZ));
}

/*
 * Lending: the normal world loses two pages (and only those) while the
 * secure world keeps writing them; giving them back shows what it wrote.
 */
static void phys_lent_pages_fault_until_restored(void **state)
{
	struct smcsim_phys *phys = *state;
	const uint64_t pa = DRAM_BASE + 8 * PAGE_SZ;
	const uint8_t *ns;
	uint8_t *sec;
	size_t i;

	ns = smcsim_phys_ns_view(phys, pa, 2 * PAGE_SZ);
	sec = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, pa, 2 * PAGE_SZ);
	assert_non_null(ns);
	assert_non_null(sec);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_READ_OK);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 0);

	assert_int_equal(smcsim_phys_set_ns_access(phys, pa, 2 * PAGE_SZ,
						   false), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 2);
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, pa, 1));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL,
				    pa + 2 * PAGE_SZ - 1, 1));
	/* A range that only touches a lent page is refused as a whole. */
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, pa - 16, 17));
	assert_false(smcsim_phys_is_nonsecure(phys, pa + PAGE_SZ, 8));
	assert_false(smcsim_phys_is_nonsecure(phys, DRAM_BASE, DRAM_SIZE));
	/* The neighbours stay the normal world's. */
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, pa - 16, 16));
	assert_true(smcsim_phys_is_nonsecure(phys, pa + 2 * PAGE_SZ, PAGE_SZ));
	assert_int_equal(tb_probe_read(ns - 1), TB_PROBE_READ_OK);
	assert_int_equal(tb_probe_read(ns + 2 * PAGE_SZ), TB_PROBE_READ_OK);

	for (i = 0; i < 2 * PAGE_SZ; i++)
		sec[i] = (uint8_t)(i ^ 0x5A);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);
	assert_int_equal(tb_probe_read(ns + 2 * PAGE_SZ - 1), TB_PROBE_FAULTED);

	/* Lending a page twice changes nothing. */
	assert_int_equal(smcsim_phys_set_ns_access(phys, pa, PAGE_SZ, false), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 2);

	/* Back one page at a time. */
	assert_int_equal(smcsim_phys_set_ns_access(phys, pa, PAGE_SZ, true), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 1);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_READ_OK);
	assert_int_equal(tb_probe_read(ns + PAGE_SZ), TB_PROBE_FAULTED);
	assert_int_equal(smcsim_phys_set_ns_access(phys, pa + PAGE_SZ, PAGE_SZ,
						   true), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 0);
	assert_ptr_equal(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, pa,
					 2 * PAGE_SZ), ns);
	for (i = 0; i < 2 * PAGE_SZ; i++)
		assert_int_equal(ns[i], (uint8_t)(i ^ 0x5A));
	assert_true(smcsim_phys_is_nonsecure(phys, pa, 2 * PAGE_SZ));
}

static void phys_set_ns_access_rejects_bad_ranges(void **state)
{
	struct smcsim_phys *phys = *state;
	const uint64_t pa = DRAM_BASE + 4 * PAGE_SZ;

	assert_int_equal(smcsim_phys_set_ns_access(phys, pa + 8, PAGE_SZ,
						   false), -EINVAL);
	assert_int_equal(smcsim_phys_set_ns_access(phys, pa, PAGE_SZ + 1,
						   false), -EINVAL);
	assert_int_equal(smcsim_phys_set_ns_access(phys, pa, 0, false),
			 -EINVAL);
	/* Secure and protected memory never become accessible. */
	assert_int_equal(smcsim_phys_set_ns_access(phys, PROT_BASE, PAGE_SZ,
						   true), -EINVAL);
	assert_int_equal(smcsim_phys_set_ns_access(phys, SEC_BASE, PAGE_SZ,
						   true), -EINVAL);
	/* Straddling the end of DRAM, outside the map, wrapping. */
	assert_int_equal(smcsim_phys_set_ns_access(phys,
						   DRAM_BASE + DRAM_SIZE - PAGE_SZ,
						   2 * PAGE_SZ, false), -EINVAL);
	assert_int_equal(smcsim_phys_set_ns_access(phys, 0x10000000ULL,
						   PAGE_SZ, false), -EINVAL);
	assert_int_equal(smcsim_phys_set_ns_access(phys,
						   UINT64_MAX & ~SMCSIM_PAGE_MASK,
						   2 * PAGE_SZ, false), -EINVAL);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 0);
	assert_int_equal(tb_probe_read(smcsim_phys_ns_view(phys, PROT_BASE, 1)),
			 TB_PROBE_FAULTED);
	/* The reserved shm can be lent too (it is non-secure). */
	assert_int_equal(smcsim_phys_set_ns_access(phys, SHM_BASE, PAGE_SZ,
						   false), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 1);
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, SHM_BASE, 1));
	assert_int_equal(smcsim_phys_set_ns_access(phys, SHM_BASE, PAGE_SZ,
						   true), 0);
}

/* Destroying a map with pages still lent is clean (ASan checks the rest). */
static void phys_destroy_with_lent_pages(void **state)
{
	struct smcsim_phys_config cfg;
	struct smcsim_phys *phys = NULL;

	(void)state;
	smcsim_phys_config_default(&cfg);
	assert_int_equal(smcsim_phys_create(&cfg, &phys), 0);
	assert_int_equal(smcsim_phys_set_ns_access(phys, DRAM_BASE, 4 * PAGE_SZ,
						   false), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(phys), 4);
	smcsim_phys_destroy(phys);
}

/*
 * The memfd smcsimd hands a client: mapped at the offset given, it shows
 * what the secure world writes at that physical address, and the other
 * way round (the same pages, not a copy).
 */
static void phys_ns_fd_maps_the_same_pages(void **state)
{
	struct smcsim_phys *phys = *state;
	const uint64_t pa = SHM_BASE + 3 * PAGE_SZ;
	uint64_t offs;
	uint8_t *sec, *client;
	int fd;

	assert_int_equal(smcsim_phys_ns_fd(phys, pa, 2 * PAGE_SZ, &fd, &offs), 0);
	assert_true(fd >= 0);
	assert_int_equal(offs, 3 * PAGE_SZ);
	client = mmap(NULL, 2 * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, (off_t)offs);
	assert_true(client != MAP_FAILED);
	sec = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, pa, 2 * PAGE_SZ);
	assert_non_null(sec);
	sec[PAGE_SZ + 5] = 0xA5;
	assert_int_equal(client[PAGE_SZ + 5], 0xA5);
	client[7] = 0x3C;
	assert_int_equal(sec[7], 0x3C);
	munmap(client, 2 * PAGE_SZ);

	assert_int_equal(smcsim_phys_ns_fd(phys, DRAM_BASE, PAGE_SZ, &fd, &offs), 0);
	assert_int_equal(offs, 0);
}

/* Only whole-page-aligned non-secure memory the normal world may touch. */
static void phys_ns_fd_refuses(void **state)
{
	struct smcsim_phys *phys = *state;
	uint64_t offs = 7;
	int fd = -7;

	assert_int_equal(smcsim_phys_ns_fd(phys, SEC_BASE, PAGE_SZ, &fd, &offs),
			 -EINVAL);
	assert_int_equal(smcsim_phys_ns_fd(phys, PROT_BASE, PAGE_SZ, &fd, &offs),
			 -EINVAL);
	assert_int_equal(smcsim_phys_ns_fd(phys, DRAM_BASE + 8, PAGE_SZ, &fd,
					   &offs), -EINVAL);
	assert_int_equal(smcsim_phys_ns_fd(phys, DRAM_BASE, 0, &fd, &offs),
			 -EINVAL);
	/* Straddles DRAM's end. */
	assert_int_equal(smcsim_phys_ns_fd(phys, DRAM_BASE + DRAM_SIZE - PAGE_SZ,
					   2 * PAGE_SZ, &fd, &offs), -EINVAL);
	/* Lent to the secure world. */
	assert_int_equal(smcsim_phys_set_ns_access(phys, DRAM_BASE, PAGE_SZ,
						   false), 0);
	assert_int_equal(smcsim_phys_ns_fd(phys, DRAM_BASE, PAGE_SZ, &fd, &offs),
			 -EINVAL);
	assert_int_equal(smcsim_phys_set_ns_access(phys, DRAM_BASE, PAGE_SZ,
						   true), 0);
	assert_int_equal(fd, -7);
	assert_int_equal(offs, 7);
}

/* ---- maps other than the default ------------------------------------------ */

/*
 * 16 MiB of DRAM with the shm carved out at +4 MiB and protected memory at
 * +8 MiB (1 MiB each): allocatable DRAM is [0, 4), [5, 8), [9, 16) MiB.
 */
#define CV_DRAM		0x40000000ULL
#define CV_SHM		(CV_DRAM + (4ULL << 20))
#define CV_PROT		(CV_DRAM + (8ULL << 20))
#define CV_MB		(1ULL << 20)

static struct smcsim_phys *create_carved(void)
{
	struct smcsim_phys_config cfg = { 0 };
	struct smcsim_phys *phys = NULL;

	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, CV_DRAM, 16 * CV_MB);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_SHM, CV_SHM, CV_MB);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_PROTMEM, CV_PROT, CV_MB);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_SECURE, SEC_BASE, 15 * CV_MB);
	assert_int_equal(smcsim_phys_create(&cfg, &phys), 0);
	return phys;
}

/* A carve-out's pages are the carve-out's, with its access rules. */
static void phys_carve_outs_take_their_kind(void **state)
{
	struct smcsim_phys *phys = create_carved();
	struct smcsim_phys_config back;
	struct smcsim_phys_region r;
	enum smcsim_mem_kind kind;
	uint8_t *shm_sw, *dram_nw;
	const uint8_t *ns;

	(void)state;
	assert_int_equal(smcsim_phys_kind(phys, CV_SHM, CV_MB, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_SHM);
	assert_int_equal(smcsim_phys_kind(phys, CV_PROT + 0x10, 8, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_PROTMEM);
	assert_int_equal(smcsim_phys_kind(phys, CV_SHM - 8, 8, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);
	assert_int_equal(smcsim_phys_kind(phys, CV_PROT + CV_MB, 8, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);
	/* Across a carve-out's edge: in no one range. */
	assert_int_equal(smcsim_phys_kind(phys, CV_SHM - 8, 16, &kind),
			 -EFAULT);
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE,
				    CV_PROT + CV_MB - 8, 16));
	assert_false(smcsim_phys_is_nonsecure(phys, CV_DRAM, 16 * CV_MB));

	/* The normal world maps the shm carve-out, not the protected one. */
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, CV_SHM, 1));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, CV_PROT, 1));
	assert_false(smcsim_phys_is_nonsecure(phys, CV_PROT, 1));
	ns = smcsim_phys_ns_view(phys, CV_PROT, PAGE_SZ);
	assert_non_null(ns);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);
	assert_int_equal(smcsim_phys_set_ns_access(phys, CV_PROT, PAGE_SZ,
						   true), -EINVAL);

	/* The shm is its own memory, and so is the DRAM next to it. */
	shm_sw = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, CV_SHM, PAGE_SZ);
	dram_nw = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, CV_SHM - PAGE_SZ,
				  PAGE_SZ);
	assert_non_null(shm_sw);
	assert_non_null(dram_nw);
	shm_sw[0] = 0x5c;
	dram_nw[PAGE_SZ - 1] = 0xd7;
	assert_int_equal(*(uint8_t *)smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL,
						     CV_SHM, 1), 0x5c);
	assert_int_equal(*(uint8_t *)smcsim_phys_map(phys, SMCSIM_WORLD_SECURE,
						     CV_SHM - 1, 1), 0xd7);

	/* What the map reports. */
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_NS_DRAM, &r),
			 0);
	assert_int_equal(r.base, CV_DRAM);
	assert_int_equal(r.size, 16 * CV_MB);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_PROTMEM, &r),
			 0);
	assert_int_equal(r.base, CV_PROT);
	assert_int_equal(smcsim_phys_kind_bytes(phys, SMCSIM_MEM_NS_DRAM),
			 16 * CV_MB);
	smcsim_phys_config_get(phys, &back);
	assert_int_equal(back.nranges, 4);
	smcsim_phys_destroy(phys);
}

/* Every DRAM page the allocator gives lies outside both carve-outs. */
static void phys_alloc_never_in_a_carve_out(void **state)
{
	struct smcsim_phys *phys = create_carved();
	const size_t pages = 14 * CV_MB / PAGE_SZ;
	enum smcsim_mem_kind kind;
	uint64_t pa;
	size_t n;

	(void)state;
	/* A run longer than the longest segment (7 MiB) does not fit. */
	assert_int_equal(smcsim_phys_alloc_pages(phys, 7 * CV_MB / PAGE_SZ + 1,
						 &pa), -ENOMEM);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 7 * CV_MB / PAGE_SZ,
						 &pa), 0);
	assert_int_equal(pa, CV_DRAM + 9 * CV_MB);
	assert_int_equal(smcsim_phys_free_pages(phys, pa, 7 * CV_MB / PAGE_SZ),
			 0);
	/* No run across a carve-out, though the pages either side are free. */
	assert_int_equal(smcsim_phys_alloc_pages(phys, 4 * CV_MB / PAGE_SZ + 1,
						 &pa), 0);
	assert_int_equal(pa, CV_DRAM + 9 * CV_MB);
	assert_int_equal(smcsim_phys_free_pages(phys, pa,
						4 * CV_MB / PAGE_SZ + 1), 0);

	for (n = 0; n < pages; n++) {
		assert_int_equal(smcsim_phys_alloc_pages(phys, 1, &pa), 0);
		assert_int_equal(smcsim_phys_kind(phys, pa, PAGE_SZ, &kind), 0);
		if (kind != SMCSIM_MEM_NS_DRAM)
			fail_msg("page 0x%llx is in a %s carve-out",
				 (unsigned long long)pa,
				 smcsim_mem_kind_name(kind));
	}
	assert_int_equal(smcsim_phys_dram_pages_used(phys), pages);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 1, &pa), -ENOMEM);
	/* Carve-out pages were never the allocator's to take back. */
	assert_int_equal(smcsim_phys_free_pages(phys, CV_SHM, 1), -EINVAL);
	assert_int_equal(smcsim_phys_free_pages(phys, CV_PROT, 1), -EINVAL);
	/* Freeing one page in the last segment makes exactly that one free. */
	assert_int_equal(smcsim_phys_free_pages(phys, CV_DRAM + 12 * CV_MB, 1),
			 0);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 1, &pa), 0);
	assert_int_equal(pa, CV_DRAM + 12 * CV_MB);
	smcsim_phys_destroy(phys);
}

/* Two DRAM banks with a hole between them, as boards have. */
static void phys_several_dram_banks(void **state)
{
	const uint64_t bank1 = 0x880000000ULL;
	struct smcsim_phys_config cfg = { 0 };
	struct smcsim_phys *phys = NULL;
	enum smcsim_mem_kind kind;
	uint64_t pa, back;
	uint8_t *va;

	(void)state;
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, DRAM_BASE, 4 * CV_MB);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, bank1, 2 * CV_MB);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_SECURE, SEC_BASE, CV_MB);
	assert_int_equal(smcsim_phys_create(&cfg, &phys), 0);

	assert_int_equal(smcsim_phys_kind(phys, bank1 + 0x123, 8, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);
	assert_int_equal(smcsim_phys_kind(phys, DRAM_BASE + 4 * CV_MB, 1,
					  &kind), -EFAULT);
	assert_int_equal(smcsim_phys_kind_bytes(phys, SMCSIM_MEM_NS_DRAM),
			 6 * CV_MB);
	va = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, bank1 + 2 * CV_MB - 4,
			     4);
	assert_non_null(va);
	memcpy(va, "bank", 4);
	assert_int_equal(smcsim_phys_to_pa(phys, va, &back), 0);
	assert_int_equal(back, bank1 + 2 * CV_MB - 4);
	assert_memory_equal(smcsim_phys_map(phys, SMCSIM_WORLD_SECURE,
					    bank1 + 2 * CV_MB - 4, 4),
			    "bank", 4);
	/* The banks do not alias: the same offset in bank 0 is untouched. */
	assert_int_equal(*(uint8_t *)smcsim_phys_map(phys, SMCSIM_WORLD_SECURE,
						     DRAM_BASE + 2 * CV_MB - 4,
						     1), 0);

	/* The allocator fills bank 0, then goes on in bank 1. */
	assert_int_equal(smcsim_phys_alloc_pages(phys, 4 * CV_MB / PAGE_SZ,
						 &pa), 0);
	assert_int_equal(pa, DRAM_BASE);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 3, &pa), 0);
	assert_int_equal(pa, bank1);
	assert_int_equal(smcsim_phys_dram_pages_used(phys),
			 4 * CV_MB / PAGE_SZ + 3);
	assert_int_equal(smcsim_phys_free_pages(phys, bank1, 3), 0);
	assert_int_equal(smcsim_phys_free_pages(phys, bank1, 3), -EINVAL);
	/* Lending works per bank. */
	assert_int_equal(smcsim_phys_set_ns_access(phys, bank1, PAGE_SZ, false),
			 0);
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, bank1, 1));
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, DRAM_BASE,
					1));
	assert_int_equal(smcsim_phys_set_ns_access(phys, bank1, PAGE_SZ, true),
			 0);
	smcsim_phys_destroy(phys);
}

/*
 * The firmware's machine: real OP-TEE accepts a page-aligned argument at
 * 0x50000000, so the normal world must be able to own and map it.
 */
static void phys_qemu_v8_machine(void **state)
{
	struct smcsim_phys_config cfg;
	struct smcsim_phys *phys = NULL;
	struct smcsim_phys_region r;
	enum smcsim_mem_kind kind;
	const uint64_t arg = 0x50000000ULL;
	const uint64_t end = 0x40000000ULL + (1057ULL << 20);
	uint8_t *nw, *sw;
	uint64_t pa;

	(void)state;
	smcsim_phys_config_qemu_v8(&cfg);
	assert_int_equal(smcsim_phys_create(&cfg, &phys), 0);

	assert_int_equal(smcsim_phys_kind(phys, arg, PAGE_SZ, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_DRAM);
	assert_true(smcsim_phys_is_nonsecure(phys, arg, PAGE_SZ));
	nw = smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, arg, PAGE_SZ);
	sw = smcsim_phys_map(phys, SMCSIM_WORLD_SECURE, arg, PAGE_SZ);
	assert_non_null(nw);
	assert_non_null(sw);
	nw[7] = 0x42;
	assert_int_equal(sw[7], 0x42);

	/* Its shm is GET_SHM_CONFIG's, carved out of DRAM. */
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_NS_SHM, &r), 0);
	assert_int_equal(r.base, 0x42000000);
	assert_int_equal(r.size, 2 * CV_MB);
	assert_int_equal(smcsim_phys_kind(phys, 0x42100000, 8, &kind), 0);
	assert_int_equal(kind, SMCSIM_MEM_NS_SHM);
	assert_int_equal(smcsim_phys_region_get(phys, SMCSIM_MEM_PROTMEM, &r),
			 -ENOENT);
	/* The last byte of DRAM, and not one more. */
	assert_non_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, end - 1, 1));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, end, 1));
	assert_null(smcsim_phys_map(phys, SMCSIM_WORLD_NORMAL, SEC_BASE, 1));

	/* The allocator takes DRAM below the shm, then above it. */
	assert_int_equal(smcsim_phys_alloc_pages(phys, 0x2000000 / PAGE_SZ,
						 &pa), 0);
	assert_int_equal(pa, 0x40000000);
	assert_int_equal(smcsim_phys_alloc_pages(phys, 1, &pa), 0);
	assert_int_equal(pa, 0x42200000);
	smcsim_phys_destroy(phys);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_default, teardown_default)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(phys_default_layout),
		cmocka_unit_test(phys_create_rejects_overlap),
		cmocka_unit_test(phys_create_rejects_unaligned),
		cmocka_unit_test(phys_create_rejects_missing_dram),
		T(phys_kind_inside_each_region),
		T(phys_kind_rejects_bad_ranges),
		T(phys_kind_len_zero),
		T(phys_map_normal_world_only_nonsecure),
		T(phys_map_write_read_through_views),
		T(phys_to_pa_round_trip),
		T(phys_to_pa_rejects_foreign_pointer),
		T(phys_is_nonsecure),
		T(phys_dram_pages),
		cmocka_unit_test(phys_removed_range_is_absent),
		T(phys_two_maps_independent),
		T(phys_secure_world_uses_protmem),
		T(phys_ns_view_faults_outside_nonsecure),
		T(phys_lent_pages_fault_until_restored),
		T(phys_set_ns_access_rejects_bad_ranges),
		cmocka_unit_test(phys_destroy_with_lent_pages),
		T(phys_ns_fd_maps_the_same_pages),
		T(phys_ns_fd_refuses),
		cmocka_unit_test(phys_carve_outs_take_their_kind),
		cmocka_unit_test(phys_alloc_never_in_a_carve_out),
		cmocka_unit_test(phys_several_dram_banks),
		cmocka_unit_test(phys_qemu_v8_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
