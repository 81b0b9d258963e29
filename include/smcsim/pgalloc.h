/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A page allocator over a range of physical addresses: first fit over a
 * bitmap (libbsd bitstring), contiguous runs. Used for the simulated
 * non-secure DRAM and by the normal world's shared-memory pools.
 */
#ifndef SMCSIM_PGALLOC_H
#define SMCSIM_PGALLOC_H

#include <bitstring.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/rt.h>

#define SMCSIM_PAGE_SIZE	4096UL
#define SMCSIM_PAGE_MASK	(SMCSIM_PAGE_SIZE - 1)

/**
 * struct smcsim_pgalloc - pages of [@base, @base + @npages * 4 KiB)
 * @lock:	protects @map and @used
 * @base:	physical address of the first page
 * @npages:	pages managed
 * @used:	pages allocated now
 * @map:	one bit per page, set when allocated
 */
struct smcsim_pgalloc {
	struct rt_mutex lock;
	uint64_t base;
	size_t npages;
	size_t used;
	bitstr_t *map;
};

/**
 * smcsim_pgalloc_init() - manage a page-aligned range
 * Return: 0, -EINVAL for an unaligned or empty range, -ENOMEM.
 */
int smcsim_pgalloc_init(struct smcsim_pgalloc *a, uint64_t base, size_t size);
void smcsim_pgalloc_fini(struct smcsim_pgalloc *a);
/**
 * smcsim_pgalloc_alloc() - take @npages contiguous pages
 * @pa:	receives the physical address of the first
 * Return: 0, -EINVAL for 0 pages, -ENOMEM when no run is free.
 */
int smcsim_pgalloc_alloc(struct smcsim_pgalloc *a, size_t npages, uint64_t *pa);
/**
 * smcsim_pgalloc_free() - give back a run from smcsim_pgalloc_alloc()
 * Return: 0, or -EINVAL if the run is outside the range or not all allocated
 * (nothing is changed then).
 */
int smcsim_pgalloc_free(struct smcsim_pgalloc *a, uint64_t pa, size_t npages);
/** smcsim_pgalloc_used() - pages allocated now */
size_t smcsim_pgalloc_used(struct smcsim_pgalloc *a);

#endif /* SMCSIM_PGALLOC_H */
