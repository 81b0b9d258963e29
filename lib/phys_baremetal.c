/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The memory map on bare metal (phys.h): physical addresses are the
 * addresses the normal world uses (an identity-mapped MMU), so mapping is
 * a check against the map and nothing more. The map is the platform's,
 * given at run time (a map file, smcsim_phys_config_load() over
 * semihosting); the region logic is phys_map.c's, shared with the
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
#include <stdint.h>
#include <stdio.h>
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

/**
 * struct smcsim_phys - the map
 * @cfg:	the ranges, checked
 * @pool:	the page allocator over bm_pool
 */
struct smcsim_phys {
	struct smcsim_phys_config cfg;
	struct smcsim_pgalloc pool;
};

static bool kind_is_ns(enum smcsim_mem_kind kind)
{
	return kind == SMCSIM_MEM_NS_DRAM || kind == SMCSIM_MEM_NS_SHM;
}

/* Is the pool inside one segment of allocatable DRAM? */
static bool pool_in_dram(const struct smcsim_phys_config *cfg)
{
	struct smcsim_phys_region seg[2 * SMCSIM_PHYS_MAX_RANGES];
	uint64_t pool = (uintptr_t)bm_pool, end = pool + sizeof(bm_pool);
	unsigned int i, n;

	n = smcsim_phys_config_dram_segments(cfg, seg, 2 * SMCSIM_PHYS_MAX_RANGES);
	for (i = 0; i < n && i < 2 * SMCSIM_PHYS_MAX_RANGES; i++)
		if (pool >= seg[i].base && end <= seg[i].base + seg[i].size)
			return true;
	return false;
}

int smcsim_phys_create(const struct smcsim_phys_config *cfg,
		       struct smcsim_phys **out)
{
	struct smcsim_phys *phys;
	int rc;

	if (bm_pool_taken || smcsim_phys_config_check(cfg, NULL, NULL) ||
	    !pool_in_dram(cfg))
		return -EINVAL;
	phys = smcsim_zalloc(sizeof(*phys));
	if (!phys)
		return -ENOMEM;
	phys->cfg = *cfg;
	rc = smcsim_pgalloc_init(&phys->pool, (uintptr_t)bm_pool,
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
	smcsim_pgalloc_fini(&phys->pool);
	smcsim_free(phys);
	bm_pool_taken = false;
}

int smcsim_phys_config_load(const char *path, struct smcsim_phys_config *cfg,
			    char *err, size_t errlen)
{
	static char buf[16 * 1024];	/* not on a small context stack */
	char msg[128];
	size_t n;
	FILE *f;
	int rc;

	/* Over semihosting: the host file, relative to QEMU's directory. */
	f = fopen(path, "r");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open", path);
		return -ENOENT;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	rc = ferror(f) ? -EIO : n == sizeof(buf) - 1 ? -EFBIG : 0;
	fclose(f);
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path,
				 rc == -EIO ? "read error" : "too large");
		return rc;
	}
	buf[n] = '\0';
	rc = smcsim_phys_config_parse(buf, cfg, msg, sizeof(msg));
	if (rc && err && errlen)
		snprintf(err, errlen, "%s: %s", path, msg);
	return rc;
}

void smcsim_phys_config_get(const struct smcsim_phys *phys,
			    struct smcsim_phys_config *cfg)
{
	*cfg = phys->cfg;
}

int smcsim_phys_region_get(const struct smcsim_phys *phys,
			   enum smcsim_mem_kind kind,
			   struct smcsim_phys_region *r)
{
	unsigned int i;

	for (i = 0; i < phys->cfg.nranges; i++) {
		if (phys->cfg.range[i].kind == kind) {
			r->base = phys->cfg.range[i].base;
			r->size = phys->cfg.range[i].size;
			return 0;
		}
	}
	return -ENOENT;
}

uint64_t smcsim_phys_kind_bytes(const struct smcsim_phys *phys,
				enum smcsim_mem_kind kind)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < phys->cfg.nranges; i++)
		if (phys->cfg.range[i].kind == kind)
			n += phys->cfg.range[i].size;
	return n;
}

int smcsim_phys_kind(const struct smcsim_phys *phys, uint64_t pa, uint64_t len,
		     enum smcsim_mem_kind *kind)
{
	int i = smcsim_phys_config_find(&phys->cfg, pa, len);

	if (i < 0)
		return -EFAULT;
	*kind = phys->cfg.range[i].kind;
	return 0;
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
	if (smcsim_phys_config_find(&phys->cfg, (uintptr_t)va, 1) < 0)
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
