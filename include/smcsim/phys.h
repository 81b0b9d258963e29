/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated physical address space, "the bus" (design.md section 2.3).
 * Addresses in registers and in optee_msg params are physical; each world
 * translates them here. Regions:
 *
 *  - non-secure DRAM: the normal world's memory (page allocator included);
 *  - reserved shared memory: the static region GET_SHM_CONFIG reports;
 *  - secure memory: only the secure world may map it;
 *  - protected memory: the region GET_PROTMEM_CONFIG reports, secure only.
 *
 * The default layout follows QEMU virt with OP-TEE: DRAM at 0x40000000 and
 * the reserved shm at 0x42000000 (2 MiB), secure RAM at 0x0e100000. Each
 * region is a memfd mapped twice: the secure world's view, read-write, and
 * the normal world's view (smcsim_phys_ns_view()), read-write for the two
 * non-secure regions and PROT_NONE for secure and protected memory, so a
 * normal-world access there dies with SIGSEGV, as a TZASC would stop it.
 * Non-secure pages lent to the secure world (LEND_PROTMEM) lose normal-world
 * access page by page (smcsim_phys_set_ns_access()) until reclaimed. Backing
 * memory is taken lazily, so large maps cost nothing until touched. On bare
 * metal the map is the identity and this file is not used.
 */
#ifndef SMCSIM_PHYS_H
#define SMCSIM_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum smcsim_mem_kind {
	SMCSIM_MEM_NS_DRAM = 0,
	SMCSIM_MEM_NS_SHM,	/* the reserved static shared memory */
	SMCSIM_MEM_SECURE,
	SMCSIM_MEM_PROTMEM,
	SMCSIM_MEM_NUM_KINDS
};

enum smcsim_world {
	SMCSIM_WORLD_NORMAL = 0,
	SMCSIM_WORLD_SECURE,
};

/**
 * struct smcsim_phys_region - one region of the map
 * @base:	physical base, page aligned
 * @size:	bytes, page aligned; 0 = region absent
 */
struct smcsim_phys_region {
	uint64_t base;
	uint64_t size;
};

/** struct smcsim_phys_config - the layout, one entry per smcsim_mem_kind */
struct smcsim_phys_config {
	struct smcsim_phys_region region[SMCSIM_MEM_NUM_KINDS];
};

#define SMCSIM_PHYS_DEFAULT_DRAM_BASE	0x40000000ULL
#define SMCSIM_PHYS_DEFAULT_DRAM_SIZE	0x02000000ULL	/* 32 MiB */
#define SMCSIM_PHYS_DEFAULT_SHM_BASE	0x42000000ULL
#define SMCSIM_PHYS_DEFAULT_SHM_SIZE	0x00200000ULL	/* 2 MiB */
#define SMCSIM_PHYS_DEFAULT_SEC_BASE	0x0e100000ULL
#define SMCSIM_PHYS_DEFAULT_SEC_SIZE	0x00f00000ULL
#define SMCSIM_PHYS_DEFAULT_PROTMEM_BASE 0x43000000ULL
#define SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE 0x00400000ULL	/* 4 MiB */

struct smcsim_phys;

/** smcsim_phys_config_default() - the QEMU-like layout described above */
void smcsim_phys_config_default(struct smcsim_phys_config *cfg);

/**
 * smcsim_phys_create() - build a map
 * Return: 0, -EINVAL for unaligned or overlapping regions or no DRAM, -ENOMEM.
 */
int smcsim_phys_create(const struct smcsim_phys_config *cfg,
		       struct smcsim_phys **out);
void smcsim_phys_destroy(struct smcsim_phys *phys);

/**
 * smcsim_phys_region_get() - where a region lies
 * Return: 0, or -ENOENT if the map has no such region.
 */
int smcsim_phys_region_get(const struct smcsim_phys *phys,
			   enum smcsim_mem_kind kind,
			   struct smcsim_phys_region *r);

/**
 * smcsim_phys_kind() - which region holds all of [@pa, @pa + @len)
 * Return: 0 and *@kind, or -EFAULT when the range is not inside one region
 * (including wrap-around and @len 0 outside any region).
 */
int smcsim_phys_kind(const struct smcsim_phys *phys, uint64_t pa, uint64_t len,
		     enum smcsim_mem_kind *kind);

/**
 * smcsim_phys_is_nonsecure() - true if [@pa, @pa + @len) lies in one
 * non-secure region (DRAM or the reserved shm) and no page of it is lent
 * to the secure world now
 */
bool smcsim_phys_is_nonsecure(const struct smcsim_phys *phys, uint64_t pa,
			      uint64_t len);

/**
 * smcsim_phys_map() - host pointer for [@pa, @pa + @len) as @who sees it
 *
 * The normal world may map only non-secure regions, and no page lent to the
 * secure world; it gets its own view (smcsim_phys_ns_view()). The secure
 * world may map any region, through the secure view. Return: the pointer,
 * or NULL when the range is not inside one region @who may access.
 */
void *smcsim_phys_map(const struct smcsim_phys *phys, enum smcsim_world who,
		      uint64_t pa, uint64_t len);

/**
 * smcsim_phys_ns_view() - the normal world's mapping of [@pa, @pa + @len),
 * whether or not it may access it
 *
 * For tests that prove the normal world cannot read something: the pointer
 * is valid, but dereferencing it faults (SIGSEGV) for secure memory, the
 * protected region and lent pages. Return: NULL when the range is not
 * inside one region.
 */
void *smcsim_phys_ns_view(const struct smcsim_phys *phys, uint64_t pa,
			  size_t len);

/**
 * smcsim_phys_probe_read() - read one byte at @p in a forked child, to prove
 * that the normal world's view faults there without dying of it
 * @timeout_ms:	the child is killed if it has not ended by then
 *
 * The child installs a SIGSEGV/SIGBUS handler, reads the byte and exits.
 * Call it outside deterministic runs (it waits in real time).
 * Return: 1 if the read faulted, 0 if it read, -ETIMEDOUT, or another
 * negative errno when the child could not be run or ended otherwise.
 */
int smcsim_phys_probe_read(const void *p, unsigned int timeout_ms);

/**
 * smcsim_phys_set_ns_access() - give or withdraw the normal world's access
 * to whole pages of non-secure memory (what the secure world does when it
 * takes lent memory with LEND_PROTMEM and when it gives it back)
 * @pa:		first page, page aligned
 * @len:	bytes, a non-zero multiple of the page size
 * @allowed:	false: the normal view of those pages becomes PROT_NONE and
 *		lookups for the normal world refuse them; true: undo that
 *
 * Idempotent per page. Return: 0, -EINVAL when the range is unaligned,
 * empty or not inside one non-secure region (secure and protected memory
 * are never accessible), or -errno from mprotect() (nothing changed).
 */
int smcsim_phys_set_ns_access(struct smcsim_phys *phys, uint64_t pa,
			      size_t len, bool allowed);

/**
 * smcsim_phys_ns_fd() - the memfd behind non-secure [@pa, @pa + @len), for
 * sharing those pages with another process (smcsimd hands it to a client,
 * which maps it at *@offs): the same pages both worlds see
 * @pa:		page aligned
 * @fd:		receives the memfd, owned by @phys (dup it to keep it)
 * @offs:	receives @pa's offset in it
 *
 * The fd gives the whole region, not only the range: what the receiver
 * may map is for the caller to police.
 * Return: 0, -EINVAL when the range is empty, unaligned, or not wholly in
 * one non-secure region with every page accessible to the normal world.
 */
int smcsim_phys_ns_fd(const struct smcsim_phys *phys, uint64_t pa,
		      uint64_t len, int *fd, uint64_t *offs);

/** smcsim_phys_ns_denied_pages() - non-secure pages lent away now */
size_t smcsim_phys_ns_denied_pages(const struct smcsim_phys *phys);

/**
 * smcsim_phys_to_pa() - the physical address of a host pointer into the map
 * Return: 0 and *@pa, or -EFAULT if @va is not inside any region.
 */
int smcsim_phys_to_pa(const struct smcsim_phys *phys, const void *va,
		      uint64_t *pa);

/**
 * smcsim_phys_alloc_pages() - take contiguous pages of non-secure DRAM
 * Return: 0 and *@pa, -EINVAL, -ENOMEM.
 */
int smcsim_phys_alloc_pages(struct smcsim_phys *phys, size_t npages,
			    uint64_t *pa);
/** smcsim_phys_free_pages() - Return: 0 or -EINVAL (nothing changed) */
int smcsim_phys_free_pages(struct smcsim_phys *phys, uint64_t pa,
			   size_t npages);
/** smcsim_phys_dram_pages_used() - pages of DRAM allocated now */
size_t smcsim_phys_dram_pages_used(struct smcsim_phys *phys);

#endif /* SMCSIM_PHYS_H */
