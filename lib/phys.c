// SPDX-License-Identifier: BSD-2-Clause
/*
 * The simulated physical memory map (see phys.h); the layout's rules and
 * lookups are phys_map.c's. Each range is backed by its own memfd, mapped
 * twice: the secure world's view is read-write everywhere; the normal
 * world's view is read-write for non-secure DRAM and the reserved shm, and
 * PROT_NONE for secure memory and the protected region, so a normal-world
 * access there faults as on hardware with a TZASC. The DRAM page allocator
 * is one smcsim_pgalloc per segment of DRAM outside the carve-outs; what
 * the backends share (the ranges, the allocators, the map file) is
 * phys_common.c's. Non-secure pages lent to the secure world (LEND_PROTMEM)
 * are made PROT_NONE in the normal view one by one, and remembered in a
 * bitmap (libbsd bitstring) so that lookups refuse them too.
 *
 * The layout is fixed at creation, so range lookups need no lock. The
 * lent-page bitmaps live behind a pointer (struct phys_ns_guard) with their
 * own lock, so lookups through a const map can consult them; each DRAM page
 * allocator has its own lock.
 */
#include <bitstring.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <smcsim/alloc.h>
#include <smcsim/rt.h>

#include "phys_private.h"

/**
 * struct phys_ns_guard - which non-secure pages the normal world may not touch
 * @lock:	protects @denied, @ndenied and the NS views' page protections
 * @denied:	per range, one bit per page, set while access is withdrawn
 *		(NULL for ranges that are never accessible)
 * @ndenied:	bits set over all ranges
 */
struct phys_ns_guard {
	struct rt_mutex lock;
	bitstr_t *denied[SMCSIM_PHYS_MAX_RANGES];
	size_t ndenied;
};

/**
 * struct smcsim_phys - the map
 * @c:		the layout, checked, and one page allocator per segment of
 *		DRAM outside the carve-outs (first: phys_private.h)
 * @fd:		memfd behind each range (-1 when not made yet)
 * @backing:	the secure view of each range
 * @ns_view:	the normal world's view of each range
 * @guard:	lent pages
 */
struct smcsim_phys {
	struct phys_common c;
	int fd[SMCSIM_PHYS_MAX_RANGES];
	uint8_t *backing[SMCSIM_PHYS_MAX_RANGES];
	uint8_t *ns_view[SMCSIM_PHYS_MAX_RANGES];
	struct phys_ns_guard *guard;
};

_Static_assert(offsetof(struct smcsim_phys, c) == 0,
	       "phys_common.c reaches the map through its first member");

static const struct smcsim_phys_range *range_of(const struct smcsim_phys *phys,
						int i)
{
	return &phys->c.cfg.range[i];
}

static void phys_unmap_range(struct smcsim_phys *phys, int i)
{
	size_t size = (size_t)range_of(phys, i)->size;

	if (phys->backing[i])
		munmap(phys->backing[i], size);
	if (phys->ns_view[i])
		munmap(phys->ns_view[i], size);
	if (phys->fd[i] >= 0)
		close(phys->fd[i]);
	phys->backing[i] = NULL;
	phys->ns_view[i] = NULL;
	phys->fd[i] = -1;
}

/* One memfd, two views of it. Return: 0, -ENOMEM. */
static int phys_map_range(struct smcsim_phys *phys, int i)
{
	const struct smcsim_phys_range *r = range_of(phys, i);
	size_t size = (size_t)r->size;
	void *p;

	phys->fd[i] = memfd_create("smcsim-phys", MFD_CLOEXEC);
	if (phys->fd[i] < 0 || ftruncate(phys->fd[i], (off_t)size))
		goto err;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, phys->fd[i],
		 0);
	if (p == MAP_FAILED)
		goto err;
	phys->backing[i] = p;
	p = mmap(NULL, size,
		 smcsim_mem_kind_is_ns(r->kind) ? PROT_READ | PROT_WRITE : PROT_NONE,
		 MAP_SHARED, phys->fd[i], 0);
	if (p == MAP_FAILED)
		goto err;
	phys->ns_view[i] = p;
	if (smcsim_mem_kind_is_ns(r->kind)) {
		phys->guard->denied[i] =
			bit_alloc((int)(size / SMCSIM_PAGE_SIZE));
		if (!phys->guard->denied[i])
			goto err;
	}
	return 0;
err:
	phys_unmap_range(phys, i);
	return -ENOMEM;
}

static void phys_free(struct smcsim_phys *phys)
{
	unsigned int i;

	phys_common_fini(&phys->c);
	for (i = 0; i < phys->c.cfg.nranges; i++) {
		phys_unmap_range(phys, (int)i);
		free(phys->guard->denied[i]);
	}
	rt_mutex_destroy(&phys->guard->lock);
	smcsim_free(phys->guard);
	smcsim_free(phys);
}

int smcsim_phys_create(const struct smcsim_phys_config *cfg,
		       struct smcsim_phys **out)
{
	struct smcsim_phys_region seg[SMCSIM_PHYS_MAX_RANGES];
	struct smcsim_phys *phys;
	unsigned int i, nseg;
	int rc;

	if (smcsim_phys_config_check(cfg, NULL, NULL))
		return -EINVAL;
	for (i = 0; i < cfg->nranges; i++) {
		/* bitstring indexes are ints; the host maps size_t bytes. */
		if (cfg->range[i].size / SMCSIM_PAGE_SIZE > INT32_MAX ||
		    cfg->range[i].size > SIZE_MAX)
			return -EINVAL;
	}
	/* Carve-outs split DRAM into at most nranges segments. */
	nseg = smcsim_phys_config_dram_segments(cfg, seg,
						SMCSIM_PHYS_MAX_RANGES);
	if (nseg > SMCSIM_PHYS_MAX_RANGES)
		return -EINVAL;

	phys = smcsim_zalloc(sizeof(*phys));
	if (!phys)
		return -ENOMEM;
	phys->guard = smcsim_zalloc(sizeof(*phys->guard));
	if (!phys->guard) {
		smcsim_free(phys);
		return -ENOMEM;
	}
	rt_mutex_init(&phys->guard->lock);
	phys->c.cfg = *cfg;
	for (i = 0; i < SMCSIM_PHYS_MAX_RANGES; i++)
		phys->fd[i] = -1;
	for (i = 0; i < cfg->nranges; i++) {
		rc = phys_map_range(phys, (int)i);
		if (rc)
			goto err_free;
	}
	for (i = 0; i < nseg; i++) {
		rc = phys_common_add_dram(&phys->c, seg[i].base,
					  (size_t)seg[i].size);
		if (rc)
			goto err_free;
	}
	*out = phys;
	return 0;

err_free:
	phys_free(phys);
	return rc;
}

void smcsim_phys_destroy(struct smcsim_phys *phys)
{
	if (!phys)
		return;
	phys_free(phys);
}

/* The range holding [pa, pa + len), or -EFAULT. */
static int phys_find(const struct smcsim_phys *phys, uint64_t pa, uint64_t len)
{
	return smcsim_phys_config_find(&phys->c.cfg, pa, len);
}

/* Pages [first, first + n) of range @i touched by [pa, pa + len). */
static void page_span(const struct smcsim_phys *phys, int i, uint64_t pa,
		      uint64_t len, size_t *first, size_t *n)
{
	uint64_t off = pa - range_of(phys, i)->base;
	uint64_t end = off + (len ? len : 1);

	*first = (size_t)(off / SMCSIM_PAGE_SIZE);
	*n = (size_t)((end + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE) - *first;
}

/* Any page of [pa, pa + len) in NS range @r lent away? */
static bool ns_range_denied(const struct smcsim_phys *phys, int r,
			    uint64_t pa, uint64_t len)
{
	struct phys_ns_guard *g = phys->guard;
	size_t first, n, i;
	bool denied = false;

	page_span(phys, r, pa, len, &first, &n);
	rt_mutex_lock(&g->lock);
	if (g->ndenied) {
		for (i = first; i < first + n && !denied; i++)
			denied = bit_test(g->denied[r], (int)i);
	}
	rt_mutex_unlock(&g->lock);
	return denied;
}

bool smcsim_phys_is_nonsecure(const struct smcsim_phys *phys, uint64_t pa,
			      uint64_t len)
{
	int r = phys_find(phys, pa, len);

	if (r < 0 || !smcsim_mem_kind_is_ns(range_of(phys, r)->kind))
		return false;
	return !ns_range_denied(phys, r, pa, len);
}

void *smcsim_phys_map(const struct smcsim_phys *phys, enum smcsim_world who,
		      uint64_t pa, uint64_t len)
{
	int r = phys_find(phys, pa, len);

	if (r < 0)
		return NULL;
	if (who == SMCSIM_WORLD_SECURE)
		return phys->backing[r] + (pa - range_of(phys, r)->base);
	if (!smcsim_mem_kind_is_ns(range_of(phys, r)->kind) ||
	    ns_range_denied(phys, r, pa, len))
		return NULL;
	return phys->ns_view[r] + (pa - range_of(phys, r)->base);
}

void *smcsim_phys_ns_view(const struct smcsim_phys *phys, uint64_t pa,
			  size_t len)
{
	int r = phys_find(phys, pa, len);

	if (r < 0)
		return NULL;
	return phys->ns_view[r] + (pa - range_of(phys, r)->base);
}

int smcsim_phys_ns_fd(const struct smcsim_phys *phys, uint64_t pa,
		      uint64_t len, int *fd, uint64_t *offs)
{
	int r;

	if (!len || (pa & SMCSIM_PAGE_MASK) ||
	    !smcsim_phys_is_nonsecure(phys, pa, len))
		return -EINVAL;
	r = phys_find(phys, pa, len);
	if (r < 0 || phys->fd[r] < 0)
		return -EINVAL;
	*fd = phys->fd[r];
	*offs = pa - range_of(phys, r)->base;
	return 0;
}

int smcsim_phys_set_ns_access(struct smcsim_phys *phys, uint64_t pa,
			      size_t len, bool allowed)
{
	struct phys_ns_guard *g = phys->guard;
	size_t first, n, i;
	int r, rc = 0;

	if (!len || ((pa | len) & SMCSIM_PAGE_MASK))
		return -EINVAL;
	r = phys_find(phys, pa, len);
	if (r < 0 || !smcsim_mem_kind_is_ns(range_of(phys, r)->kind))
		return -EINVAL;
	page_span(phys, r, pa, len, &first, &n);
	rt_mutex_lock(&g->lock);
	if (mprotect(phys->ns_view[r] + first * SMCSIM_PAGE_SIZE, len,
		     allowed ? PROT_READ | PROT_WRITE : PROT_NONE)) {
		rc = -errno;
		goto out;
	}
	for (i = first; i < first + n; i++) {
		bool was = bit_test(g->denied[r], (int)i);

		if (allowed && was) {
			bit_clear(g->denied[r], (int)i);
			g->ndenied--;
		} else if (!allowed && !was) {
			bit_set(g->denied[r], (int)i);
			g->ndenied++;
		}
	}
out:
	rt_mutex_unlock(&g->lock);
	return rc;
}

size_t smcsim_phys_ns_denied_pages(const struct smcsim_phys *phys)
{
	struct phys_ns_guard *g = phys->guard;
	size_t n;

	rt_mutex_lock(&g->lock);
	n = g->ndenied;
	rt_mutex_unlock(&g->lock);
	return n;
}

int smcsim_phys_to_pa(const struct smcsim_phys *phys, const void *va,
		      uint64_t *pa)
{
	uintptr_t v = (uintptr_t)va;
	unsigned int i;

	for (i = 0; i < phys->c.cfg.nranges; i++) {
		uintptr_t b = (uintptr_t)phys->backing[i];
		uintptr_t nb = (uintptr_t)phys->ns_view[i];
		const struct smcsim_phys_range *r = range_of(phys, (int)i);

		if (b && v >= b && v - b < r->size) {
			*pa = r->base + (v - b);
			return 0;
		}
		if (nb && v >= nb && v - nb < r->size) {
			*pa = r->base + (v - nb);
			return 0;
		}
	}
	return -EFAULT;
}

/* ---- proving a fault ------------------------------------------------------ */

#define PROBE_EXIT_READ		0
#define PROBE_EXIT_FAULTED	42
#define PROBE_EXIT_SETUP	1

static void probe_fault_handler(int sig)
{
	(void)sig;
	_exit(PROBE_EXIT_FAULTED);
}

int smcsim_phys_probe_read(const void *p, unsigned int timeout_ms)
{
	uint64_t end = rt_now_ms() + timeout_ms;
	int status = 0;
	pid_t pid, w;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = probe_fault_handler;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
			_exit(PROBE_EXIT_SETUP);
		(void)*(const volatile uint8_t *)p;
		_exit(PROBE_EXIT_READ);
	}
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 &&
	       rt_now_ms() < end)
		rt_sleep_ms(1);
	if (w != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return w < 0 ? -ECHILD : -ETIMEDOUT;
	}
	if (!WIFEXITED(status))
		return -EIO;
	switch (WEXITSTATUS(status)) {
	case PROBE_EXIT_READ:
		return 0;
	case PROBE_EXIT_FAULTED:
		return 1;
	default:
		return -EIO;
	}
}
