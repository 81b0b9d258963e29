/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The memory map on bare metal (phys.h): physical addresses are the
 * addresses the normal world uses (an identity-mapped MMU), so mapping is
 * a check against the map and nothing more. The map is the platform's,
 * given at run time (a map file, baremetal/); nothing here assumes a
 * machine.
 *
 * Regions may nest: the reserved shm, secure memory and the protected
 * region can be carve-outs inside DRAM, as on real machines (QEMU virt
 * with OP-TEE: the reserved shm at 0x42000000 lies in DRAM from
 * 0x40000000). An address in a carve-out is of the carve-out's kind; DRAM
 * is what is left. Any other overlap is refused.
 *
 * Pages for the normal world (smcsim_phys_alloc_pages()) come from a pool
 * inside the image (page aligned, in .bss), so they can never land on the
 * image, its stack or its heap; creating a map checks that the pool lies in
 * the map's non-secure DRAM, outside every carve-out. Secure memory is not
 * the normal world's to read: smcsim_phys_map() refuses it, and only
 * smcsim_phys_ns_view() hands out its address (a read there aborts).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>

#ifndef SMCSIM_BARE_METAL
#error "lib/phys_baremetal.c is the bare-metal build's (lib/phys.c otherwise)"
#endif

#ifndef SMCSIM_BM_POOL_SIZE
#define SMCSIM_BM_POOL_SIZE	(16UL << 20)
#endif

static uint8_t bm_pool[SMCSIM_BM_POOL_SIZE]
	__attribute__((aligned(SMCSIM_PAGE_SIZE)));
static bool bm_pool_taken;

struct smcsim_phys {
	struct smcsim_phys_region region[SMCSIM_MEM_NUM_KINDS];
	struct smcsim_pgalloc pool;
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

static bool kind_is_ns(int kind)
{
	return kind == SMCSIM_MEM_NS_DRAM || kind == SMCSIM_MEM_NS_SHM;
}

static bool range_in(const struct smcsim_phys_region *r, uint64_t pa,
		     uint64_t len)
{
	if (!r->size || pa < r->base || pa - r->base >= r->size)
		return false;
	return len <= r->size - (pa - r->base);
}

static bool overlap(const struct smcsim_phys_region *a,
		    const struct smcsim_phys_region *b)
{
	if (!a->size || !b->size)
		return false;
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

static bool region_valid(const struct smcsim_phys_region *r)
{
	if (!r->size)
		return true;
	return !(r->base & SMCSIM_PAGE_MASK) && !(r->size & SMCSIM_PAGE_MASK) &&
	       r->base + r->size > r->base;
}

int smcsim_phys_create(const struct smcsim_phys_config *cfg,
		       struct smcsim_phys **out)
{
	const struct smcsim_phys_region *dram = &cfg->region[SMCSIM_MEM_NS_DRAM];
	uint64_t pool = (uintptr_t)bm_pool;
	struct smcsim_phys *phys;
	int i, j, rc;

	if (!dram->size || bm_pool_taken)
		return -EINVAL;
	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		const struct smcsim_phys_region *r = &cfg->region[i];

		if (!region_valid(r))
			return -EINVAL;
		/* A carve-out lies wholly inside DRAM or wholly outside. */
		if (i != SMCSIM_MEM_NS_DRAM && overlap(r, dram) &&
		    !range_in(dram, r->base, r->size))
			return -EINVAL;
		for (j = i + 1; j < SMCSIM_MEM_NUM_KINDS; j++)
			if (i != SMCSIM_MEM_NS_DRAM &&
			    overlap(r, &cfg->region[j]))
				return -EINVAL;
		/* The page pool: in DRAM, in no carve-out. */
		if (i != SMCSIM_MEM_NS_DRAM &&
		    overlap(r, &(struct smcsim_phys_region){
				    pool, sizeof(bm_pool) }))
			return -EINVAL;
	}
	if (!range_in(dram, pool, sizeof(bm_pool)))
		return -EINVAL;

	phys = smcsim_zalloc(sizeof(*phys));
	if (!phys)
		return -ENOMEM;
	memcpy(phys->region, cfg->region, sizeof(phys->region));
	rc = smcsim_pgalloc_init(&phys->pool, pool, sizeof(bm_pool));
	if (rc) {
		smcsim_free(phys);
		return rc;
	}
	bm_pool_taken = true;
	*out = phys;
	return 0;
}

void smcsim_phys_destroy(struct smcsim_phys *phys)
{
	if (!phys)
		return;
	smcsim_pgalloc_fini(&phys->pool);
	smcsim_free(phys);
	bm_pool_taken = false;
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

int smcsim_phys_kind(const struct smcsim_phys *phys, uint64_t pa, uint64_t len,
		     enum smcsim_mem_kind *kind)
{
	int i;

	/* Carve-outs first: DRAM is what they leave. */
	for (i = SMCSIM_MEM_NUM_KINDS - 1; i >= 0; i--) {
		if (!range_in(&phys->region[i], pa, len))
			continue;
		*kind = (enum smcsim_mem_kind)i;
		if (i != SMCSIM_MEM_NS_DRAM)
			return 0;
		/* All in DRAM: then no byte of it may be in a carve-out. */
		for (int j = 0; j < SMCSIM_MEM_NUM_KINDS; j++)
			if (j != SMCSIM_MEM_NS_DRAM &&
			    overlap(&phys->region[j],
				    &(struct smcsim_phys_region){
					    pa, len ? len : 1 }))
				return -EFAULT;
		return 0;
	}
	return -EFAULT;
}

bool smcsim_phys_is_nonsecure(const struct smcsim_phys *phys, uint64_t pa,
			      uint64_t len)
{
	enum smcsim_mem_kind kind;

	return !smcsim_phys_kind(phys, pa, len, &kind) && kind_is_ns(kind);
}

void *smcsim_phys_map(const struct smcsim_phys *phys, enum smcsim_world who,
		      uint64_t pa, uint64_t len)
{
	/* There is no secure world on this side of the firmware. */
	if (who != SMCSIM_WORLD_NORMAL || !smcsim_phys_is_nonsecure(phys, pa, len))
		return NULL;
	return (void *)(uintptr_t)pa;
}

void *smcsim_phys_ns_view(const struct smcsim_phys *phys, uint64_t pa,
			  size_t len)
{
	enum smcsim_mem_kind kind;

	if (smcsim_phys_kind(phys, pa, len, &kind))
		return NULL;
	return (void *)(uintptr_t)pa;
}

int smcsim_phys_probe_read(const void *p, unsigned int timeout_ms)
{
	/* No processes to die in: a faulting read ends the image. */
	(void)p;
	(void)timeout_ms;
	return -ENOSYS;
}

int smcsim_phys_set_ns_access(struct smcsim_phys *phys, uint64_t pa,
			      size_t len, bool allowed)
{
	/* The firmware's TZASC decides, not the normal world. */
	(void)phys;
	(void)pa;
	(void)len;
	(void)allowed;
	return -ENOSYS;
}

size_t smcsim_phys_ns_denied_pages(const struct smcsim_phys *phys)
{
	(void)phys;
	return 0;
}

int smcsim_phys_to_pa(const struct smcsim_phys *phys, const void *va,
		      uint64_t *pa)
{
	enum smcsim_mem_kind kind;

	if (smcsim_phys_kind(phys, (uintptr_t)va, 1, &kind))
		return -EFAULT;
	*pa = (uintptr_t)va;
	return 0;
}

int smcsim_phys_alloc_pages(struct smcsim_phys *phys, size_t npages,
			    uint64_t *pa)
{
	return smcsim_pgalloc_alloc(&phys->pool, npages, pa);
}

int smcsim_phys_free_pages(struct smcsim_phys *phys, uint64_t pa,
			   size_t npages)
{
	return smcsim_pgalloc_free(&phys->pool, pa, npages);
}

size_t smcsim_phys_dram_pages_used(struct smcsim_phys *phys)
{
	return smcsim_pgalloc_used(&phys->pool);
}
