// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shared memory as the secure world sees it:
 *
 *  - registered shm (REGISTER_SHM / UNREGISTER_SHM): a page list read once
 *    from normal-world memory, kept in a tree by the normal world's cookie
 *    (libbsd sys/tree.h), newest first among registrations of the same
 *    cookie, as OP-TEE allows. Calls that use one hold a user, so it cannot
 *    be unregistered under them (TEE_ERROR_BUSY; OP-TEE waits instead);
 *  - struct sw_mem: a window on normal-world memory, either physically
 *    contiguous (by PA) or through a page list, with read/write helpers so
 *    no caller ever dereferences normal-world memory it did not check.
 *
 * Every page address comes from the other world and is checked to lie in
 * non-secure memory before it is used.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

/*
 * By cookie, then newest first: OP-TEE keeps registrations in a list,
 * newest at the head, and does not refuse a cookie already registered;
 * a lookup by cookie finds the newest one.
 */
static int sw_shm_cmp(const struct sw_shm *a, const struct sw_shm *b)
{
	if (a->cookie != b->cookie)
		return a->cookie < b->cookie ? -1 : 1;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

RB_GENERATE_STATIC(sw_shm_tree, sw_shm, link, sw_shm_cmp)

/* Caller holds sw->shm_lock: the newest registration of @cookie, or NULL. */
static struct sw_shm *sw_shm_find_locked(struct smcsim_sw *sw, uint64_t cookie)
{
	struct sw_shm key = { .cookie = cookie, .seq = UINT64_MAX };
	struct sw_shm *shm = RB_NFIND(sw_shm_tree, &sw->shm_tree, &key);

	return shm && shm->cookie == cookie ? shm : NULL;
}

static void sw_shm_free(struct sw_shm *shm)
{
	smcsim_free(shm->pages);
	smcsim_free(shm);
}

/**
 * sw_pagelist_read() - read a non-contiguous page list (OPTEE_MSG_ATTR_NONCONTIG)
 * @buf_ptr:	PA of the first list page, with the buffer's offset in its
 *		first page in the low 12 bits
 * @size:	bytes of the buffer
 * @out:	receives a new struct sw_shm (cookie 0, not in the tree)
 *
 * Each 4 KiB list page holds 511 page addresses and the PA of the next list
 * page. Return: TEE_SUCCESS, TEE_ERROR_BAD_PARAMETERS for a list or page
 * outside non-secure memory, a misaligned entry or an absurd size,
 * TEE_ERROR_OUT_OF_MEMORY.
 */
static uint32_t sw_pagelist_read(struct smcsim_sw *sw, uint64_t buf_ptr,
				 uint64_t size, struct sw_shm **out)
{
	const size_t per_page = OPTEE_MSG_NONCONTIG_ENTRIES_PER_PAGE;
	uint64_t offset = buf_ptr & SMCSIM_PAGE_MASK;
	uint64_t list_pa = buf_ptr & ~(uint64_t)SMCSIM_PAGE_MASK;
	struct sw_shm *shm;
	size_t npages, i;

	if (!size ||
	    size > smcsim_phys_kind_bytes(sw->cfg.phys, SMCSIM_MEM_NS_DRAM))
		return TEE_ERROR_BAD_PARAMETERS;
	npages = (size_t)((offset + size + SMCSIM_PAGE_MASK) / SMCSIM_PAGE_SIZE);

	shm = smcsim_zalloc(sizeof(*shm));
	if (!shm)
		return TEE_ERROR_OUT_OF_MEMORY;
	shm->pages = smcsim_calloc(npages, sizeof(*shm->pages));
	if (!shm->pages) {
		smcsim_free(shm);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	shm->npages = npages;
	shm->offset = (size_t)offset;
	shm->size = (size_t)size;

	for (i = 0; i < npages; i++) {
		const uint64_t *list;
		uint64_t pa;

		if (i && !(i % per_page)) {
			/* Follow the next pointer at the end of this list page. */
			list = smcsim_phys_map(sw->cfg.phys, SMCSIM_WORLD_SECURE,
					       list_pa, SMCSIM_PAGE_SIZE);
			list_pa = list[per_page];
		}
		if ((list_pa & SMCSIM_PAGE_MASK) ||
		    !smcsim_phys_is_nonsecure(sw->cfg.phys, list_pa,
					      SMCSIM_PAGE_SIZE))
			goto err;
		list = smcsim_phys_map(sw->cfg.phys, SMCSIM_WORLD_SECURE,
				       list_pa, SMCSIM_PAGE_SIZE);
		pa = __atomic_load_n(&list[i % per_page], __ATOMIC_RELAXED);
		if ((pa & SMCSIM_PAGE_MASK) ||
		    !smcsim_phys_is_nonsecure(sw->cfg.phys, pa, SMCSIM_PAGE_SIZE))
			goto err;
		shm->pages[i] = pa;
	}
	*out = shm;
	return TEE_SUCCESS;
err:
	sw_log(sw, "page list at 0x%llx: bad entry %zu",
	       (unsigned long long)list_pa, i);
	sw_shm_free(shm);
	return TEE_ERROR_BAD_PARAMETERS;
}

static bool sw_shm_hits_protmem_locked(struct smcsim_sw *sw,
				       const struct sw_shm *shm)
{
	size_t i;

	for (i = 0; i < shm->npages; i++)
		if (sw_protmem_overlaps_locked(sw, shm->pages[i],
					       SMCSIM_PAGE_SIZE))
			return true;
	return false;
}

bool sw_shm_hits_range_locked(struct smcsim_sw *sw, uint64_t pa, uint64_t size)
{
	struct sw_shm *shm;
	size_t i;

	RB_FOREACH(shm, sw_shm_tree, &sw->shm_tree)
		for (i = 0; i < shm->npages; i++)
			if (sw_ranges_overlap(pa, size, shm->pages[i],
					      SMCSIM_PAGE_SIZE))
				return true;
	return false;
}

uint32_t sw_shm_register(struct smcsim_sw *sw, uint64_t cookie,
			 uint64_t buf_ptr, uint64_t size)
{
	struct sw_shm *shm;
	uint32_t res;

	if (!cookie)
		return TEE_ERROR_BAD_PARAMETERS;
	res = sw_pagelist_read(sw, buf_ptr, size, &shm);
	if (res)
		return res;
	shm->cookie = cookie;

	rt_mutex_lock(&sw->shm_lock);
	/*
	 * The pages were non-secure when the list was read; one lent since
	 * then is caught here, under the lock lending takes too.
	 */
	if (sw_shm_hits_protmem_locked(sw, shm)) {
		rt_mutex_unlock(&sw->shm_lock);
		sw_log(sw, "REGISTER_SHM: cookie 0x%llx uses lent memory",
		       (unsigned long long)cookie);
		sw_shm_free(shm);
		return TEE_ERROR_BAD_PARAMETERS;
	}
	/* A cookie already registered is registered again (OP-TEE's list). */
	shm->seq = ++sw->shm_seq;
	RB_INSERT(sw_shm_tree, &sw->shm_tree, shm);
	sw->shm_count++;
	rt_mutex_unlock(&sw->shm_lock);
	return TEE_SUCCESS;
}

uint32_t sw_shm_unregister(struct smcsim_sw *sw, uint64_t cookie)
{
	struct sw_shm *shm;
	uint32_t res = TEE_SUCCESS;

	rt_mutex_lock(&sw->shm_lock);
	shm = sw_shm_find_locked(sw, cookie);
	if (!shm) {
		/* OP-TEE's mobj_reg_shm_release_by_cookie() */
		res = TEE_ERROR_BAD_PARAMETERS;
	} else if (shm->users) {
		res = TEE_ERROR_BUSY;
	} else {
		RB_REMOVE(sw_shm_tree, &sw->shm_tree, shm);
		sw->shm_count--;
	}
	rt_mutex_unlock(&sw->shm_lock);
	if (!res)
		sw_shm_free(shm);
	return res;
}

void sw_shm_destroy_all(struct smcsim_sw *sw)
{
	struct sw_shm *shm, *next;

	RB_FOREACH_SAFE(shm, sw_shm_tree, &sw->shm_tree, next) {
		RB_REMOVE(sw_shm_tree, &sw->shm_tree, shm);
		sw_shm_free(shm);
	}
	sw->shm_count = 0;
}

bool smcsim_sw_shm_registered(struct smcsim_sw *sw, uint64_t cookie)
{
	bool found;

	rt_mutex_lock(&sw->shm_lock);
	found = sw_shm_find_locked(sw, cookie) != NULL;
	rt_mutex_unlock(&sw->shm_lock);
	return found;
}

unsigned int smcsim_sw_shm_count(struct smcsim_sw *sw)
{
	unsigned int n;

	rt_mutex_lock(&sw->shm_lock);
	n = sw->shm_count;
	rt_mutex_unlock(&sw->shm_lock);
	return n;
}

/* ---- windows on normal-world memory ------------------------------------ */

int sw_mem_from_pa(struct smcsim_sw *sw, uint64_t pa, uint64_t size,
		   struct sw_mem *m)
{
	memset(m, 0, sizeof(*m));
	if (!smcsim_phys_is_nonsecure(sw->cfg.phys, pa, size ? size : 1))
		return -EFAULT;
	m->va = smcsim_phys_map(sw->cfg.phys, SMCSIM_WORLD_SECURE, pa,
				size ? size : 1);
	m->size = size;
	return m->va ? 0 : -EFAULT;
}

int sw_mem_from_shm(struct smcsim_sw *sw, uint64_t cookie, uint64_t offs,
		    uint64_t size, struct sw_mem *m)
{
	struct sw_shm *shm;
	int rc = -ENOENT;

	memset(m, 0, sizeof(*m));
	rt_mutex_lock(&sw->shm_lock);
	shm = sw_shm_find_locked(sw, cookie);
	if (shm) {
		if (offs <= shm->size && size == SW_MEM_TO_END)
			size = shm->size - offs;
		if (offs > shm->size || size > shm->size - offs) {
			rc = -EFAULT;
		} else {
			shm->users++;
			m->shm = shm;
			m->offs = offs;
			m->size = size;
			rc = 0;
		}
	}
	rt_mutex_unlock(&sw->shm_lock);
	return rc;
}

uint32_t sw_mem_from_pagelist(struct smcsim_sw *sw, uint64_t buf_ptr,
			      uint64_t size, struct sw_mem *m)
{
	struct sw_shm *shm;
	uint32_t res;

	memset(m, 0, sizeof(*m));
	res = sw_pagelist_read(sw, buf_ptr, size, &shm);
	if (res)
		return res;
	m->shm = shm;
	m->owned = true;
	m->size = size;
	return TEE_SUCCESS;
}

void sw_mem_release(struct smcsim_sw *sw, struct sw_mem *m)
{
	if (m->pm) {
		rt_mutex_lock(&sw->shm_lock);
		m->pm->users--;
		rt_mutex_unlock(&sw->shm_lock);
	} else if (m->shm && m->owned) {
		sw_shm_free(m->shm);
	} else if (m->shm && !m->borrowed) {
		rt_mutex_lock(&sw->shm_lock);
		m->shm->users--;
		rt_mutex_unlock(&sw->shm_lock);
	}
	memset(m, 0, sizeof(*m));
}

/* Copy between a window and a secure buffer, page by page for page lists. */
static int sw_mem_copy(struct smcsim_sw *sw, const struct sw_mem *m,
		       uint64_t off, void *buf, size_t len, bool to_mem)
{
	uint8_t *p = buf;

	if (off > m->size || len > m->size - off)
		return -EFAULT;
	if (!m->shm) {
		if (to_mem)
			memcpy(m->va + off, buf, len);
		else
			memcpy(buf, m->va + off, len);
		return 0;
	}
	off += m->offs + m->shm->offset;
	while (len) {
		size_t page = (size_t)(off / SMCSIM_PAGE_SIZE);
		size_t in_page = (size_t)(off & SMCSIM_PAGE_MASK);
		size_t n = SMCSIM_PAGE_SIZE - in_page;
		uint8_t *va;

		if (n > len)
			n = len;
		va = smcsim_phys_map(sw->cfg.phys, SMCSIM_WORLD_SECURE,
				     m->shm->pages[page] + in_page, n);
		if (!va)
			return -EFAULT;
		if (to_mem)
			memcpy(va, p, n);
		else
			memcpy(p, va, n);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int sw_mem_read(struct smcsim_sw *sw, const struct sw_mem *m, uint64_t off,
		void *dst, size_t len)
{
	return sw_mem_copy(sw, m, off, dst, len, false);
}

int sw_mem_write(struct smcsim_sw *sw, const struct sw_mem *m, uint64_t off,
		 const void *src, size_t len)
{
	return sw_mem_copy(sw, m, off, (void *)src, len, true);
}
