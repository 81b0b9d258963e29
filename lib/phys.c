// SPDX-License-Identifier: BSD-2-Clause
/*
 * The simulated physical memory map (see phys.h). Each region is backed by
 * its own anonymous mapping; translation is a walk over the four regions.
 * The layout is fixed at creation, so lookups need no lock; only the DRAM
 * page allocator has one.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>

struct smcsim_phys {
	struct smcsim_phys_region region[SMCSIM_MEM_NUM_KINDS];
	uint8_t *backing[SMCSIM_MEM_NUM_KINDS];
	struct smcsim_pgalloc dram;
};

void smcsim_phys_config_default(struct smcsim_phys_config *cfg)
{
	*cfg = (struct smcsim_phys_config){
		.region = {
			[SMCSIM_MEM_NS_DRAM] = { SMCSIM_PHYS_DEFAULT_DRAM_BASE,
						 SMCSIM_PHYS_DEFAULT_DRAM_SIZE },
			[SMCSIM_MEM_NS_SHM] = { SMCSIM_PHYS_DEFAULT_SHM_BASE,
						SMCSIM_PHYS_DEFAULT_SHM_SIZE },
			[SMCSIM_MEM_SECURE] = { SMCSIM_PHYS_DEFAULT_SEC_BASE,
						SMCSIM_PHYS_DEFAULT_SEC_SIZE },
			[SMCSIM_MEM_PROTMEM] = { SMCSIM_PHYS_DEFAULT_PROTMEM_BASE,
						 SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE },
		},
	};
}

static bool region_valid(const struct smcsim_phys_region *r)
{
	if (!r->size)
		return true;
	return !(r->base & SMCSIM_PAGE_MASK) && !(r->size & SMCSIM_PAGE_MASK) &&
	       r->base + r->size > r->base;
}

static bool regions_overlap(const struct smcsim_phys_region *a,
			    const struct smcsim_phys_region *b)
{
	if (!a->size || !b->size)
		return false;
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

int smcsim_phys_create(const struct smcsim_phys_config *cfg,
		       struct smcsim_phys **out)
{
	struct smcsim_phys *phys;
	int i, j;
	int rc;

	if (!cfg->region[SMCSIM_MEM_NS_DRAM].size)
		return -EINVAL;
	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		if (!region_valid(&cfg->region[i]))
			return -EINVAL;
		for (j = i + 1; j < SMCSIM_MEM_NUM_KINDS; j++)
			if (regions_overlap(&cfg->region[i], &cfg->region[j]))
				return -EINVAL;
	}

	phys = smcsim_zalloc(sizeof(*phys));
	if (!phys)
		return -ENOMEM;
	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		void *p;

		phys->region[i] = cfg->region[i];
		if (!cfg->region[i].size)
			continue;
		p = mmap(NULL, cfg->region[i].size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			rc = -ENOMEM;
			goto err_unmap;
		}
		phys->backing[i] = p;
	}
	rc = smcsim_pgalloc_init(&phys->dram,
				 cfg->region[SMCSIM_MEM_NS_DRAM].base,
				 cfg->region[SMCSIM_MEM_NS_DRAM].size);
	if (rc)
		goto err_unmap;
	*out = phys;
	return 0;

err_unmap:
	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++)
		if (phys->backing[i])
			munmap(phys->backing[i], phys->region[i].size);
	smcsim_free(phys);
	return rc;
}

void smcsim_phys_destroy(struct smcsim_phys *phys)
{
	int i;

	if (!phys)
		return;
	smcsim_pgalloc_fini(&phys->dram);
	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++)
		if (phys->backing[i])
			munmap(phys->backing[i], phys->region[i].size);
	smcsim_free(phys);
}

int smcsim_phys_region_get(const struct smcsim_phys *phys,
			   enum smcsim_mem_kind kind,
			   struct smcsim_phys_region *r)
{
	if ((unsigned int)kind >= SMCSIM_MEM_NUM_KINDS ||
	    !phys->region[kind].size)
		return -ENOENT;
	*r = phys->region[kind];
	return 0;
}

static bool range_in(const struct smcsim_phys_region *r, uint64_t pa,
		     uint64_t len)
{
	if (!r->size || pa < r->base)
		return false;
	/* Written so that pa + len cannot overflow. */
	return pa - r->base <= r->size && len <= r->size - (pa - r->base) &&
	       pa - r->base < r->size;
}

int smcsim_phys_kind(const struct smcsim_phys *phys, uint64_t pa, uint64_t len,
		     enum smcsim_mem_kind *kind)
{
	int i;

	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		if (range_in(&phys->region[i], pa, len)) {
			*kind = (enum smcsim_mem_kind)i;
			return 0;
		}
	}
	return -EFAULT;
}

bool smcsim_phys_is_nonsecure(const struct smcsim_phys *phys, uint64_t pa,
			      uint64_t len)
{
	enum smcsim_mem_kind kind;

	if (smcsim_phys_kind(phys, pa, len, &kind))
		return false;
	return kind == SMCSIM_MEM_NS_DRAM || kind == SMCSIM_MEM_NS_SHM;
}

void *smcsim_phys_map(const struct smcsim_phys *phys, enum smcsim_world who,
		      uint64_t pa, uint64_t len)
{
	enum smcsim_mem_kind kind;

	if (smcsim_phys_kind(phys, pa, len, &kind))
		return NULL;
	if (who != SMCSIM_WORLD_SECURE && kind != SMCSIM_MEM_NS_DRAM &&
	    kind != SMCSIM_MEM_NS_SHM)
		return NULL;
	return phys->backing[kind] + (pa - phys->region[kind].base);
}

int smcsim_phys_to_pa(const struct smcsim_phys *phys, const void *va,
		      uint64_t *pa)
{
	uintptr_t v = (uintptr_t)va;
	int i;

	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		uintptr_t b = (uintptr_t)phys->backing[i];

		if (b && v >= b && v - b < phys->region[i].size) {
			*pa = phys->region[i].base + (v - b);
			return 0;
		}
	}
	return -EFAULT;
}

int smcsim_phys_alloc_pages(struct smcsim_phys *phys, size_t npages,
			    uint64_t *pa)
{
	return smcsim_pgalloc_alloc(&phys->dram, npages, pa);
}

int smcsim_phys_free_pages(struct smcsim_phys *phys, uint64_t pa,
			   size_t npages)
{
	return smcsim_pgalloc_free(&phys->dram, pa, npages);
}

size_t smcsim_phys_dram_pages_used(struct smcsim_phys *phys)
{
	return smcsim_pgalloc_used(&phys->dram);
}
