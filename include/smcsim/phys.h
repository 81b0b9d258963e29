/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated physical address space, "the bus" (docs/design.md
 * section 2.3). Addresses in registers and in optee_msg params are
 * physical; each world translates them here. The map is a list of ranges
 * (phys_map.h):
 *
 *  - non-secure DRAM, one range per bank: the normal world's memory (page
 *    allocator included);
 *  - reserved shared memory: the static region GET_SHM_CONFIG reports;
 *  - secure memory: only the secure world may map it;
 *  - protected memory: the region GET_PROTMEM_CONFIG reports, secure only.
 *
 * The reserved shm and the protected region may be carved out of a DRAM
 * range. smcsim_phys_config_default() is a small map with QEMU virt's
 * addresses; smcsim_phys_config_qemu_v8() is the firmware's whole machine.
 * Each range is a memfd mapped twice: the secure world's view, read-write,
 * and the normal world's view (smcsim_phys_ns_view()), read-write for the
 * two non-secure kinds and PROT_NONE for secure and protected memory, so a
 * normal-world access there dies with SIGSEGV, as a TZASC would stop it (a
 * carve-out has its own memfd; the DRAM pages under it are never used).
 * Non-secure pages lent to the secure world (LEND_PROTMEM) lose normal-world
 * access page by page (smcsim_phys_set_ns_access()) until reclaimed. Backing
 * memory is taken lazily, so large maps cost nothing until touched. On bare
 * metal a backend implements this API over the identity map and shares
 * phys_map.c with this one.
 */
#ifndef SMCSIM_PHYS_H
#define SMCSIM_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/phys_map.h>

enum smcsim_world {
	SMCSIM_WORLD_NORMAL = 0,
	SMCSIM_WORLD_SECURE,
};

struct smcsim_phys;

/**
 * smcsim_phys_create() - build a map
 *
 * Each range is backed lazily: a map of the firmware's 1 GiB machine costs
 * what is touched. Return: 0, -EINVAL for a map smcsim_phys_config_check()
 * refuses or a range past what the host can map, -ENOMEM.
 */
int smcsim_phys_create(const struct smcsim_phys_config *cfg,
		       struct smcsim_phys **out);
void smcsim_phys_destroy(struct smcsim_phys *phys);

/**
 * smcsim_phys_config_load() - read a map file (phys_map.h's text format)
 * @err:	if not NULL, receives "PATH: line N: what is wrong" on error
 * Return: 0, -errno when the file cannot be read, -EINVAL (see @err).
 */
int smcsim_phys_config_load(const char *path, struct smcsim_phys_config *cfg,
			    char *err, size_t errlen);

/** smcsim_phys_config_get() - the map @phys was created from */
void smcsim_phys_config_get(const struct smcsim_phys *phys,
			    struct smcsim_phys_config *cfg);

/**
 * smcsim_phys_region_get() - where the first range of @kind lies (the only
 * one for the reserved shm and the protected region)
 * Return: 0, or -ENOENT if the map has no such range.
 */
int smcsim_phys_region_get(const struct smcsim_phys *phys,
			   enum smcsim_mem_kind kind,
			   struct smcsim_phys_region *r);

/** smcsim_phys_kind_bytes() - bytes of all ranges of @kind (0: none) */
uint64_t smcsim_phys_kind_bytes(const struct smcsim_phys *phys,
				enum smcsim_mem_kind kind);

/**
 * smcsim_phys_kind() - which range holds all of [@pa, @pa + @len)
 * (smcsim_phys_config_find(): a carve-out's pages are the carve-out's)
 * Return: 0 and *@kind, or -EFAULT when the range is not inside one range
 * (including wrap-around and @len 0 outside any range).
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
 * smcsim_phys_alloc_pages() - take contiguous pages of non-secure DRAM,
 * never in a carve-out (smcsim_phys_config_dram_segments())
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
