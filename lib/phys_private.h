/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the two backends of the memory map (phys.h) share. lib/phys.c (the
 * simulator's memfds) and lib/phys_baremetal.c (the identity map) each
 * define struct smcsim_phys with a struct phys_common as its first member;
 * lib/phys_common.c implements the calls that need nothing more: the
 * map's ranges, the DRAM page allocators and reading a map file. Like
 * phys_map.c it has no OS dependency (it builds with picolibc).
 */
#ifndef SMCSIM_PHYS_PRIVATE_H
#define SMCSIM_PHYS_PRIVATE_H

#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>

/**
 * struct phys_common - the first member of every backend's struct smcsim_phys
 * @cfg:	the map, checked
 * @dram:	the page allocators smcsim_phys_alloc_pages() takes from, first
 *		fit in this order (the simulator: one per DRAM segment; bare
 *		metal: one over the image's pool)
 * @ndram:	allocators in @dram that are initialised
 */
struct phys_common {
	struct smcsim_phys_config cfg;
	struct smcsim_pgalloc dram[SMCSIM_PHYS_MAX_RANGES];
	unsigned int ndram;
};

/* A backend's map as its shared part (the first member, C11 6.7.2.1). */
static inline struct phys_common *phys_common(struct smcsim_phys *phys)
{
	return (struct phys_common *)(void *)phys;
}

static inline const struct phys_common *
phys_common_const(const struct smcsim_phys *phys)
{
	return (const struct phys_common *)(const void *)phys;
}

/**
 * phys_common_add_dram() - hand out the pages of [@base, @base + @size)
 * after those of the allocators added before
 * Return: 0, -ENOSPC when @c has SMCSIM_PHYS_MAX_RANGES already, or
 * smcsim_pgalloc_init()'s error.
 */
int phys_common_add_dram(struct phys_common *c, uint64_t base, size_t size);

/** phys_common_fini() - release the allocators phys_common_add_dram() made */
void phys_common_fini(struct phys_common *c);

#endif /* SMCSIM_PHYS_PRIVATE_H */
