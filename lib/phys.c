// SPDX-License-Identifier: BSD-2-Clause
/*
 * The simulated physical memory map (see phys.h). Each region is backed by
 * its own memfd, mapped twice: the secure world's view is read-write
 * everywhere; the normal world's view is read-write for non-secure DRAM and
 * the reserved shm, and PROT_NONE for secure memory and the protected
 * region, so a normal-world access there faults as on hardware with a
 * TZASC. Non-secure pages lent to the secure world (LEND_PROTMEM) are made
 * PROT_NONE in the normal view one by one, and remembered in a bitmap
 * (libbsd bitstring) so that lookups refuse them too.
 *
 * The layout is fixed at creation, so region lookups need no lock. The
 * lent-page bitmaps live behind a pointer (struct phys_ns_guard) with their
 * own lock, so lookups through a const map can consult them; the DRAM page
 * allocator has its own lock.
 */
#include <bitstring.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>

/**
 * struct phys_ns_guard - which non-secure pages the normal world may not touch
 * @lock:	protects @denied, @ndenied and the NS views' page protections
 * @denied:	per region, one bit per page, set while access is withdrawn
 *		(NULL for regions that are never accessible or absent)
 * @ndenied:	bits set over all regions
 */
struct phys_ns_guard {
	struct rt_mutex lock;
	bitstr_t *denied[SMCSIM_MEM_NUM_KINDS];
	size_t ndenied;
};

/**
 * struct smcsim_phys - the map
 * @region:	the layout
 * @fd:		memfd behind each region (-1 when absent)
 * @backing:	the secure view of each region
 * @ns_view:	the normal world's view of each region
 * @guard:	lent pages
 * @dram:	the page allocator over non-secure DRAM
 */
struct smcsim_phys {
	struct smcsim_phys_region region[SMCSIM_MEM_NUM_KINDS];
	int fd[SMCSIM_MEM_NUM_KINDS];
	uint8_t *backing[SMCSIM_MEM_NUM_KINDS];
	uint8_t *ns_view[SMCSIM_MEM_NUM_KINDS];
	struct phys_ns_guard *guard;
	struct smcsim_pgalloc dram;
};

static bool kind_is_ns(int kind)
{
	return kind == SMCSIM_MEM_NS_DRAM || kind == SMCSIM_MEM_NS_SHM;
}

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

static void phys_unmap_region(struct smcsim_phys *phys, int i)
{
	if (phys->backing[i])
		munmap(phys->backing[i], phys->region[i].size);
	if (phys->ns_view[i])
		munmap(phys->ns_view[i], phys->region[i].size);
	if (phys->fd[i] >= 0)
		close(phys->fd[i]);
	phys->backing[i] = NULL;
	phys->ns_view[i] = NULL;
	phys->fd[i] = -1;
}

/* One memfd, two views of it. Return: 0, -ENOMEM. */
static int phys_map_region(struct smcsim_phys *phys, int i)
{
	size_t size = (size_t)phys->region[i].size;
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
		 kind_is_ns(i) ? PROT_READ | PROT_WRITE : PROT_NONE,
		 MAP_SHARED, phys->fd[i], 0);
	if (p == MAP_FAILED)
		goto err;
	phys->ns_view[i] = p;
	if (kind_is_ns(i)) {
		phys->guard->denied[i] =
			bit_alloc((int)(size / SMCSIM_PAGE_SIZE));
		if (!phys->guard->denied[i])
			goto err;
	}
	return 0;
err:
	phys_unmap_region(phys, i);
	return -ENOMEM;
}

static void phys_free(struct smcsim_phys *phys)
{
	int i;

	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		phys_unmap_region(phys, i);
		free(phys->guard->denied[i]);
	}
	rt_mutex_destroy(&phys->guard->lock);
	smcsim_free(phys->guard);
	smcsim_free(phys);
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
		/* bitstring indexes are ints. */
		if (cfg->region[i].size / SMCSIM_PAGE_SIZE > INT32_MAX ||
		    cfg->region[i].size > SIZE_MAX)
			return -EINVAL;
		for (j = i + 1; j < SMCSIM_MEM_NUM_KINDS; j++)
			if (regions_overlap(&cfg->region[i], &cfg->region[j]))
				return -EINVAL;
	}

	phys = smcsim_zalloc(sizeof(*phys));
	if (!phys)
		return -ENOMEM;
	phys->guard = smcsim_zalloc(sizeof(*phys->guard));
	if (!phys->guard) {
		smcsim_free(phys);
		return -ENOMEM;
	}
	rt_mutex_init(&phys->guard->lock);
	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++)
		phys->fd[i] = -1;
	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		phys->region[i] = cfg->region[i];
		if (!cfg->region[i].size)
			continue;
		rc = phys_map_region(phys, i);
		if (rc)
			goto err_free;
	}
	rc = smcsim_pgalloc_init(&phys->dram,
				 cfg->region[SMCSIM_MEM_NS_DRAM].base,
				 cfg->region[SMCSIM_MEM_NS_DRAM].size);
	if (rc)
		goto err_free;
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
	smcsim_pgalloc_fini(&phys->dram);
	phys_free(phys);
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

/* Pages [first, first + n) of region @kind touched by [pa, pa + len). */
static void page_span(const struct smcsim_phys *phys, int kind, uint64_t pa,
		      uint64_t len, size_t *first, size_t *n)
{
	uint64_t off = pa - phys->region[kind].base;
	uint64_t end = off + (len ? len : 1);

	*first = (size_t)(off / SMCSIM_PAGE_SIZE);
	*n = (size_t)((end + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE) - *first;
}

/* Any page of [pa, pa + len) in NS region @kind lent away? */
static bool ns_range_denied(const struct smcsim_phys *phys, int kind,
			    uint64_t pa, uint64_t len)
{
	struct phys_ns_guard *g = phys->guard;
	size_t first, n, i;
	bool denied = false;

	page_span(phys, kind, pa, len, &first, &n);
	rt_mutex_lock(&g->lock);
	if (g->ndenied) {
		for (i = first; i < first + n && !denied; i++)
			denied = bit_test(g->denied[kind], (int)i);
	}
	rt_mutex_unlock(&g->lock);
	return denied;
}

bool smcsim_phys_is_nonsecure(const struct smcsim_phys *phys, uint64_t pa,
			      uint64_t len)
{
	enum smcsim_mem_kind kind;

	if (smcsim_phys_kind(phys, pa, len, &kind) || !kind_is_ns(kind))
		return false;
	return !ns_range_denied(phys, kind, pa, len);
}

void *smcsim_phys_map(const struct smcsim_phys *phys, enum smcsim_world who,
		      uint64_t pa, uint64_t len)
{
	enum smcsim_mem_kind kind;

	if (smcsim_phys_kind(phys, pa, len, &kind))
		return NULL;
	if (who == SMCSIM_WORLD_SECURE)
		return phys->backing[kind] + (pa - phys->region[kind].base);
	if (!kind_is_ns(kind) || ns_range_denied(phys, kind, pa, len))
		return NULL;
	return phys->ns_view[kind] + (pa - phys->region[kind].base);
}

void *smcsim_phys_ns_view(const struct smcsim_phys *phys, uint64_t pa,
			  size_t len)
{
	enum smcsim_mem_kind kind;

	if (smcsim_phys_kind(phys, pa, len, &kind))
		return NULL;
	return phys->ns_view[kind] + (pa - phys->region[kind].base);
}

int smcsim_phys_ns_fd(const struct smcsim_phys *phys, uint64_t pa,
		      uint64_t len, int *fd, uint64_t *offs)
{
	enum smcsim_mem_kind kind;

	if (!len || (pa & SMCSIM_PAGE_MASK) ||
	    !smcsim_phys_is_nonsecure(phys, pa, len))
		return -EINVAL;
	if (smcsim_phys_kind(phys, pa, len, &kind) || phys->fd[kind] < 0)
		return -EINVAL;
	*fd = phys->fd[kind];
	*offs = pa - phys->region[kind].base;
	return 0;
}

int smcsim_phys_set_ns_access(struct smcsim_phys *phys, uint64_t pa,
			      size_t len, bool allowed)
{
	struct phys_ns_guard *g = phys->guard;
	enum smcsim_mem_kind kind;
	size_t first, n, i;
	int rc = 0;

	if (!len || ((pa | len) & SMCSIM_PAGE_MASK) ||
	    smcsim_phys_kind(phys, pa, len, &kind) || !kind_is_ns(kind))
		return -EINVAL;
	page_span(phys, kind, pa, len, &first, &n);
	rt_mutex_lock(&g->lock);
	if (mprotect(phys->ns_view[kind] + first * SMCSIM_PAGE_SIZE, len,
		     allowed ? PROT_READ | PROT_WRITE : PROT_NONE)) {
		rc = -errno;
		goto out;
	}
	for (i = first; i < first + n; i++) {
		bool was = bit_test(g->denied[kind], (int)i);

		if (allowed && was) {
			bit_clear(g->denied[kind], (int)i);
			g->ndenied--;
		} else if (!allowed && !was) {
			bit_set(g->denied[kind], (int)i);
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
	int i;

	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++) {
		uintptr_t b = (uintptr_t)phys->backing[i];
		uintptr_t nb = (uintptr_t)phys->ns_view[i];

		if (b && v >= b && v - b < phys->region[i].size) {
			*pa = phys->region[i].base + (v - b);
			return 0;
		}
		if (nb && v >= nb && v - nb < phys->region[i].size) {
			*pa = phys->region[i].base + (v - nb);
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
