/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The half of the memory map's API (phys.h) that is the same on every
 * backend (phys_private.h): what the map holds, where a range of it lies,
 * DRAM pages handed out first fit over the backend's allocators, and a map
 * file read and parsed. Standard C and the page allocator only: this file
 * builds for the simulator and for bare metal with picolibc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/alloc.h>

#include "phys_private.h"

/* Biggest map file read; a map of SMCSIM_PHYS_MAX_RANGES lines is ~1 KiB. */
#define PHYS_FILE_MAX	(64 * 1024)

/*
 * Read-only; close-on-exec where there are processes to exec (the host's
 * explorer forks). Picolibc's semihosting fopen() takes the plain mode.
 */
#ifdef SMCSIM_BARE_METAL
#define PHYS_FOPEN_MODE	"r"
#else
#define PHYS_FOPEN_MODE	"re"
#endif

int phys_common_add_dram(struct phys_common *c, uint64_t base, size_t size)
{
	int rc;

	if (c->ndram >= SMCSIM_PHYS_MAX_RANGES)
		return -ENOSPC;
	rc = smcsim_pgalloc_init(&c->dram[c->ndram], base, size);
	if (rc)
		return rc;
	c->ndram++;
	return 0;
}

void phys_common_fini(struct phys_common *c)
{
	unsigned int i;

	for (i = 0; i < c->ndram; i++)
		smcsim_pgalloc_fini(&c->dram[i]);
	c->ndram = 0;
}

/* Read all of @f into @buf (NUL-terminated). Return: 0, -EIO, -EFBIG. */
static int read_all(FILE *f, char *buf, size_t size)
{
	size_t n = fread(buf, 1, size, f);

	if (ferror(f))
		return -EIO;
	if (n == size)
		return -EFBIG;
	buf[n] = '\0';
	return 0;
}

int smcsim_phys_config_load(const char *path, struct smcsim_phys_config *cfg,
			    char *err, size_t errlen)
{
	char msg[256];
	char *buf;
	FILE *f;
	int rc;

	errno = 0;
	f = fopen(path, PHYS_FOPEN_MODE);
	if (!f) {
		/* Semihosting may fail without an errno: it is not there. */
		rc = errno ? -errno : -ENOENT;
		goto err;
	}
	/* Not on the stack: a bare-metal context's is small. */
	buf = smcsim_zalloc(PHYS_FILE_MAX + 1);
	rc = buf ? read_all(f, buf, PHYS_FILE_MAX + 1) : -ENOMEM;
	fclose(f);
	if (rc)
		goto err_free;
	rc = smcsim_phys_config_parse(buf, cfg, msg, sizeof(msg));
	smcsim_free(buf);
	if (rc && err && errlen)
		snprintf(err, errlen, "%s: %s", path, msg);
	return rc;

err_free:
	smcsim_free(buf);
err:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	return rc;
}

void smcsim_phys_config_get(const struct smcsim_phys *phys,
			    struct smcsim_phys_config *cfg)
{
	*cfg = phys_common_const(phys)->cfg;
}

int smcsim_phys_region_get(const struct smcsim_phys *phys,
			   enum smcsim_mem_kind kind,
			   struct smcsim_phys_region *r)
{
	const struct smcsim_phys_config *cfg = &phys_common_const(phys)->cfg;
	unsigned int i;

	for (i = 0; i < cfg->nranges; i++) {
		if (cfg->range[i].kind == kind) {
			r->base = cfg->range[i].base;
			r->size = cfg->range[i].size;
			return 0;
		}
	}
	return -ENOENT;
}

uint64_t smcsim_phys_kind_bytes(const struct smcsim_phys *phys,
				enum smcsim_mem_kind kind)
{
	const struct smcsim_phys_config *cfg = &phys_common_const(phys)->cfg;
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < cfg->nranges; i++)
		if (cfg->range[i].kind == kind)
			n += cfg->range[i].size;
	return n;
}

int smcsim_phys_kind(const struct smcsim_phys *phys, uint64_t pa, uint64_t len,
		     enum smcsim_mem_kind *kind)
{
	const struct smcsim_phys_config *cfg = &phys_common_const(phys)->cfg;
	int i = smcsim_phys_config_find(cfg, pa, len);

	if (i < 0)
		return -EFAULT;
	*kind = cfg->range[i].kind;
	return 0;
}

int smcsim_phys_alloc_pages(struct smcsim_phys *phys, size_t npages,
			    uint64_t *pa)
{
	struct phys_common *c = phys_common(phys);
	unsigned int i;
	int rc = -ENOMEM;

	if (!npages)
		return -EINVAL;
	for (i = 0; i < c->ndram && rc == -ENOMEM; i++)
		rc = smcsim_pgalloc_alloc(&c->dram[i], npages, pa);
	return rc;
}

int smcsim_phys_free_pages(struct smcsim_phys *phys, uint64_t pa,
			   size_t npages)
{
	struct phys_common *c = phys_common(phys);
	unsigned int i;

	for (i = 0; i < c->ndram; i++) {
		struct smcsim_pgalloc *a = &c->dram[i];

		if (pa >= a->base &&
		    (pa - a->base) / SMCSIM_PAGE_SIZE < a->npages)
			return smcsim_pgalloc_free(a, pa, npages);
	}
	return -EINVAL;
}

size_t smcsim_phys_dram_pages_used(struct smcsim_phys *phys)
{
	struct phys_common *c = phys_common(phys);
	size_t used = 0;
	unsigned int i;

	for (i = 0; i < c->ndram; i++)
		used += smcsim_pgalloc_used(&c->dram[i]);
	return used;
}
