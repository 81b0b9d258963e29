/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The memory map on bare metal (phys.h): physical addresses are the
 * addresses the normal world uses (an identity-mapped MMU), so mapping is
 * a check against the map and nothing more. The map is the platform's,
 * given at run time (a map file, smcsim_phys_config_load() over
 * semihosting); the region logic is phys_map.c's and the calls that only
 * read the map or take pages are phys_common.c's, shared with the
 * simulated map (lib/phys.c).
 *
 * Pages for the normal world (smcsim_phys_alloc_pages()) come from a pool
 * inside the image (page aligned, in .bss), so they can never land on the
 * image, its stack or its heap; creating a map checks that the pool lies in
 * DRAM the map lets a page allocator hand out (outside every carve-out).
 * Secure memory is not the normal world's to read: smcsim_phys_map()
 * refuses it, and only smcsim_phys_ns_view() hands out its address (a
 * read there aborts and the image reports the exception).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/alloc.h>

#include "phys_private.h"

#ifndef SMCSIM_BARE_METAL
#error "lib/phys_baremetal.c is the bare-metal build's (lib/phys.c otherwise)"
#endif

#ifndef SMCSIM_BM_POOL_SIZE
#define SMCSIM_BM_POOL_SIZE	(16UL << 20)
#endif

static uint8_t bm_pool[SMCSIM_BM_POOL_SIZE]
	__attribute__((aligned(SMCSIM_PAGE_SIZE)));
static bool bm_pool_taken;

/**
 * struct smcsim_phys - the map
 * @c:		the ranges, checked, and one page allocator: over bm_pool
 */
struct smcsim_phys {
	struct phys_common c;
};

_Static_assert(offsetof(struct smcsim_phys, c) == 0,
	       "phys_common.c reaches the map through its first member");

int smcsim_phys_create(const struct smcsim_phys_config *cfg,
		       struct smcsim_phys **out)
{
	struct smcsim_phys *phys;
	int rc;

	if (bm_pool_taken || smcsim_phys_config_check(cfg, NULL, NULL) ||
	    !smcsim_phys_config_in_dram(cfg, (uintptr_t)bm_pool,
					sizeof(bm_pool)))
		return -EINVAL;
	phys = smcsim_zalloc(sizeof(*phys));
	if (!phys)
		return -ENOMEM;
	phys->c.cfg = *cfg;
	rc = phys_common_add_dram(&phys->c, (uintptr_t)bm_pool,
				  sizeof(bm_pool));
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
	phys_common_fini(&phys->c);
	smcsim_free(phys);
	bm_pool_taken = false;
}

bool smcsim_phys_is_nonsecure(const struct smcsim_phys *phys, uint64_t pa,
			      uint64_t len)
{
	enum smcsim_mem_kind kind;

	return !smcsim_phys_kind(phys, pa, len, &kind) &&
	       smcsim_mem_kind_is_ns(kind);
}

void *smcsim_phys_map(const struct smcsim_phys *phys, enum smcsim_world who,
		      uint64_t pa, uint64_t len)
{
	/* There is no secure world on this side of the firmware. */
	if (who != SMCSIM_WORLD_NORMAL ||
	    !smcsim_phys_is_nonsecure(phys, pa, len))
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
	/* No process to die in: a faulting read ends the image. */
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
	if (smcsim_phys_config_find(&phys->c.cfg, (uintptr_t)va, 1) < 0)
		return -EFAULT;
	*pa = (uintptr_t)va;
	return 0;
}
