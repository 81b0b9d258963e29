// SPDX-License-Identifier: BSD-2-Clause
/*
 * Dynamic protected memory: the message commands LEND_PROTMEM,
 * RECLAIM_PROTMEM and GET_PROTMEM_CONFIG (docs/abi.md section 11; OP-TEE's
 * entry_std.c and mobj_dyn_shm.c with CFG_CORE_DYN_PROTMEM). The normal
 * world lends a physically contiguous range of its own pages for a use case;
 * from then on the range is the secure world's: the normal world's view of
 * those pages faults (smcsim_phys_set_ns_access()), lookups for it refuse
 * them, and TAs may take memrefs in it, by cookie (RMEM) or by address
 * (TMEM). Reclaim zeroes the range before access comes back, so nothing a
 * TA wrote there leaks.
 *
 * The simulated platform (OP-TEE's plat_get_protmem_config() and
 * plat_set_protmem_range()): use cases SECURE_VIDEO_PLAY and TRUSTED_UI
 * (the two OP-TEE accepts), a minimum size and alignment from the world's
 * configuration (SMCSIM_SW_PROTMEM_DEFAULT_*), and the range must be whole
 * pages of non-secure DRAM (not the reserved shm, which carries the
 * messages).
 *
 * Where this differs from OP-TEE 4.10, on purpose:
 *  - a lend whose cookie is 0 or already names lent memory, or whose range
 *    overlaps lent memory, is refused (OP-TEE leaves that to the platform);
 *  - a reclaim while a call uses the memory answers TEE_ERROR_BUSY at once
 *    (OP-TEE blocks the reclaiming thread until the last user is gone).
 *
 * The lent ranges are kept in a list under sw->shm_lock, the lock of the
 * registered-shm tree, because each side checks the other for overlap
 * (a registered page may not be lent, a lent page may not be registered),
 * and one lock makes check-then-insert atomic for both.
 */
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

static size_t sw_protmem_min_size(const struct smcsim_sw *sw)
{
	return sw->cfg.protmem_min_size ? sw->cfg.protmem_min_size :
	       SMCSIM_SW_PROTMEM_DEFAULT_MIN_SIZE;
}

static size_t sw_protmem_align(const struct smcsim_sw *sw)
{
	return sw->cfg.protmem_align ? sw->cfg.protmem_align :
	       SMCSIM_SW_PROTMEM_DEFAULT_ALIGN;
}

static bool sw_protmem_use_case_ok(uint64_t use_case)
{
	return use_case == OPTEE_MSG_PROTMEM_SECURE_VIDEO_PLAY ||
	       use_case == OPTEE_MSG_PROTMEM_TRUSTED_UI;
}

/* Caller holds sw->shm_lock. */
static struct sw_protmem *sw_protmem_find_locked(struct smcsim_sw *sw,
						 uint64_t cookie)
{
	struct sw_protmem *pm;

	LIST_FOREACH(pm, &sw->protmem, link)
		if (pm->cookie == cookie)
			return pm;
	return NULL;
}

struct sw_protmem *sw_protmem_by_pa_locked(struct smcsim_sw *sw, uint64_t pa,
					   uint64_t size)
{
	struct sw_protmem *pm;

	LIST_FOREACH(pm, &sw->protmem, link)
		if (pa >= pm->pa && pa - pm->pa <= pm->size &&
		    size <= pm->size - (pa - pm->pa) && pa - pm->pa < pm->size)
			return pm;
	return NULL;
}

bool sw_protmem_overlaps_locked(struct smcsim_sw *sw, uint64_t pa,
				uint64_t size)
{
	struct sw_protmem *pm;

	LIST_FOREACH(pm, &sw->protmem, link)
		if (sw_ranges_overlap(pa, size, pm->pa, pm->size))
			return true;
	return false;
}

static uint32_t sw_protmem_lend(struct smcsim_sw *sw, uint64_t cookie,
				uint64_t pa, uint64_t size, uint32_t use_case)
{
	uint32_t res = TEE_ERROR_BAD_PARAMETERS;
	enum smcsim_mem_kind kind;
	struct sw_protmem *pm;

	if (!cookie || !size || ((pa | size) & SMCSIM_PAGE_MASK) ||
	    pa % sw_protmem_align(sw) || size < sw_protmem_min_size(sw) ||
	    size > SIZE_MAX) {
		sw_log(sw, "LEND_PROTMEM: bad range 0x%llx + 0x%llx",
		       (unsigned long long)pa, (unsigned long long)size);
		return TEE_ERROR_BAD_PARAMETERS;
	}
	pm = smcsim_zalloc(sizeof(*pm));
	if (!pm)
		return TEE_ERROR_OUT_OF_MEMORY;
	pm->cookie = cookie;
	pm->pa = pa;
	pm->size = size;
	pm->use_case = use_case;

	rt_mutex_lock(&sw->shm_lock);
	/*
	 * Non-secure DRAM and not lent (lent pages are not non-secure now).
	 * The reserved shm is refused: it carries the messages themselves.
	 */
	if (smcsim_phys_kind(sw->cfg.phys, pa, size, &kind) ||
	    kind != SMCSIM_MEM_NS_DRAM ||
	    !smcsim_phys_is_nonsecure(sw->cfg.phys, pa, size) ||
	    sw_protmem_overlaps_locked(sw, pa, size)) {
		sw_log(sw, "LEND_PROTMEM: 0x%llx + 0x%llx is not lendable",
		       (unsigned long long)pa, (unsigned long long)size);
		goto out_unlock;
	}
	if (sw_protmem_find_locked(sw, cookie)) {
		sw_log(sw, "LEND_PROTMEM: cookie 0x%llx already lent",
		       (unsigned long long)cookie);
		goto out_unlock;
	}
	if (sw_shm_hits_range_locked(sw, pa, size)) {
		sw_log(sw, "LEND_PROTMEM: range in registered shm");
		goto out_unlock;
	}
	if (smcsim_phys_set_ns_access(sw->cfg.phys, pa, (size_t)size, false))
		goto out_unlock;
	LIST_INSERT_HEAD(&sw->protmem, pm, link);
	sw->protmem_count++;
	pm = NULL;
	res = TEE_SUCCESS;
out_unlock:
	rt_mutex_unlock(&sw->shm_lock);
	smcsim_free(pm);
	return res;
}

/* Zero the range, then give it back to the normal world. */
static void sw_protmem_restore(struct smcsim_sw *sw, struct sw_protmem *pm)
{
	uint8_t *va = smcsim_phys_map(sw->cfg.phys, SMCSIM_WORLD_SECURE, pm->pa,
				      pm->size);

	if (va)
		memset(va, 0, (size_t)pm->size);
	if (smcsim_phys_set_ns_access(sw->cfg.phys, pm->pa, (size_t)pm->size,
				      true))
		sw_log(sw, "protmem 0x%llx: access not restored",
		       (unsigned long long)pm->pa);
}

static uint32_t sw_protmem_reclaim(struct smcsim_sw *sw, uint64_t cookie)
{
	struct sw_protmem *pm;
	uint32_t res = TEE_SUCCESS;

	rt_mutex_lock(&sw->shm_lock);
	pm = sw_protmem_find_locked(sw, cookie);
	if (!pm) {
		res = TEE_ERROR_BAD_PARAMETERS;
	} else if (pm->users) {
		res = TEE_ERROR_BUSY;
	} else {
		/*
		 * Restored under the lock, so no lend of the same pages can
		 * slip in between forgetting the range and restoring it.
		 */
		LIST_REMOVE(pm, link);
		sw->protmem_count--;
		sw_protmem_restore(sw, pm);
	}
	rt_mutex_unlock(&sw->shm_lock);
	if (res)
		sw_log(sw, "RECLAIM_PROTMEM: cookie 0x%llx: 0x%x",
		       (unsigned long long)cookie, res);
	else
		smcsim_free(pm);
	return res;
}

void sw_protmem_destroy_all(struct smcsim_sw *sw)
{
	struct sw_protmem *pm;

	while ((pm = LIST_FIRST(&sw->protmem))) {
		LIST_REMOVE(pm, link);
		sw_protmem_restore(sw, pm);
		smcsim_free(pm);
	}
	sw->protmem_count = 0;
}

/* ---- windows for TA memrefs ---------------------------------------------- */

/* Caller holds sw->shm_lock. */
static void sw_mem_on_lent(struct smcsim_sw *sw, struct sw_protmem *pm,
			   uint64_t pa, uint64_t size, struct sw_mem *m)
{
	pm->users++;
	m->pm = pm;
	m->prot = true;
	m->va = smcsim_phys_map(sw->cfg.phys, SMCSIM_WORLD_SECURE, pa,
				size ? size : 1);
	m->size = size;
}

int sw_mem_from_protmem_pa(struct smcsim_sw *sw, uint64_t pa, uint64_t size,
			   struct sw_mem *m)
{
	enum smcsim_mem_kind kind;
	struct sw_protmem *pm;
	int rc = -EFAULT;

	memset(m, 0, sizeof(*m));
	if (sw->cfg.static_protmem &&
	    !smcsim_phys_kind(sw->cfg.phys, pa, size ? size : 1, &kind) &&
	    kind == SMCSIM_MEM_PROTMEM) {
		m->va = smcsim_phys_map(sw->cfg.phys, SMCSIM_WORLD_SECURE, pa,
					size ? size : 1);
		m->size = size;
		m->prot = true;
		return m->va ? 0 : -EFAULT;
	}
	rt_mutex_lock(&sw->shm_lock);
	pm = sw_protmem_by_pa_locked(sw, pa, size ? size : 1);
	if (pm) {
		sw_mem_on_lent(sw, pm, pa, size, m);
		rc = 0;
	}
	rt_mutex_unlock(&sw->shm_lock);
	return rc;
}

int sw_mem_from_protmem_cookie(struct smcsim_sw *sw, uint64_t cookie,
			       uint64_t offs, uint64_t size, struct sw_mem *m)
{
	struct sw_protmem *pm;
	int rc = -ENOENT;

	memset(m, 0, sizeof(*m));
	rt_mutex_lock(&sw->shm_lock);
	pm = sw_protmem_find_locked(sw, cookie);
	if (pm) {
		/* Written so that offs + size cannot overflow. */
		if (offs > pm->size || size > pm->size - offs ||
		    (!size && offs == pm->size)) {
			rc = -EFAULT;
		} else {
			sw_mem_on_lent(sw, pm, pm->pa + offs, size, m);
			rc = 0;
		}
	}
	rt_mutex_unlock(&sw->shm_lock);
	return rc;
}

/* ---- the message commands ------------------------------------------------ */

static void msg_lend_protmem(struct smcsim_sw *sw, struct optee_msg_arg *arg)
{
	const struct optee_msg_param *p = arg->params;

	/* OP-TEE leaves ret_origin as the normal world wrote it. */
	if (arg->num_params != 2 ||
	    p[0].attr != OPTEE_MSG_ATTR_TYPE_VALUE_INPUT ||
	    p[1].attr != OPTEE_MSG_ATTR_TYPE_TMEM_INPUT ||
	    !sw_protmem_use_case_ok(p[0].u.value.a)) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	arg->ret = sw_protmem_lend(sw, p[1].u.tmem.shm_ref, p[1].u.tmem.buf_ptr,
				   p[1].u.tmem.size, (uint32_t)p[0].u.value.a);
}

static void msg_reclaim_protmem(struct smcsim_sw *sw, struct optee_msg_arg *arg)
{
	const struct optee_msg_param *p = arg->params;

	if (arg->num_params != 1 ||
	    p[0].attr != OPTEE_MSG_ATTR_TYPE_RMEM_INPUT) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		arg->ret_origin = TEEC_ORIGIN_TEE;
		return;
	}
	arg->ret = sw_protmem_reclaim(sw, p[0].u.rmem.shm_ref);
}

/*
 * Check the output memref of GET_PROTMEM_CONFIG as OP-TEE's copy_in_params()
 * would. SMC lending has no memory attributes to report, so nothing is
 * written to it and its size comes back unchanged.
 */
static uint32_t protmem_config_memref(struct smcsim_sw *sw,
				      const struct optee_msg_param *p)
{
	uint64_t type = p->attr & OPTEE_MSG_ATTR_TYPE_MASK;
	uint64_t extra = p->attr & ~OPTEE_MSG_ATTR_TYPE_MASK;
	struct sw_mem m;
	int rc;

	if (type == OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT) {
		if (extra & ~(OPTEE_MSG_ATTR_NONCONTIG |
			      (OPTEE_MSG_ATTR_CACHE_MASK <<
			       OPTEE_MSG_ATTR_CACHE_SHIFT)))
			return TEE_ERROR_BAD_PARAMETERS;
		if (!p->u.tmem.buf_ptr)
			return TEE_SUCCESS;	/* a NULL memref */
		if (extra & OPTEE_MSG_ATTR_NONCONTIG)
			rc = sw_mem_from_pagelist(sw, p->u.tmem.buf_ptr,
						  p->u.tmem.size, &m) ?
			     -EFAULT : 0;
		else
			rc = sw_mem_from_pa(sw, p->u.tmem.buf_ptr,
					    p->u.tmem.size, &m);
	} else if (type == OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT && !extra) {
		rc = sw_mem_from_shm(sw, p->u.rmem.shm_ref, p->u.rmem.offs,
				     p->u.rmem.size, &m);
	} else {
		return TEE_ERROR_BAD_PARAMETERS;
	}
	if (rc)
		return TEE_ERROR_BAD_PARAMETERS;
	sw_mem_release(sw, &m);
	return TEE_SUCCESS;
}

static void msg_get_protmem_config(struct smcsim_sw *sw,
				   struct optee_msg_arg *arg)
{
	struct optee_msg_param *p = arg->params;
	uint32_t res;

	arg->ret_origin = TEEC_ORIGIN_TEE;
	if (arg->num_params != 2 ||
	    p[0].attr != OPTEE_MSG_ATTR_TYPE_VALUE_INOUT) {
		arg->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	res = protmem_config_memref(sw, &p[1]);
	if (res) {
		arg->ret = res;
		return;
	}
	if (sw_protmem_use_case_ok(p[0].u.value.a)) {
		p[0].u.value.a = sw_protmem_min_size(sw);
		p[0].u.value.b = sw_protmem_align(sw);
	} else {
		res = TEE_ERROR_BAD_PARAMETERS;
	}
	/* OP-TEE reports its PA width whatever the platform said. */
	p[0].u.value.c = 64;
	arg->ret = res;
}

bool sw_protmem_msg(struct sw_thread *t, struct optee_msg_arg *arg)
{
	struct smcsim_sw *sw = t->sw;

	/* Without CFG_CORE_DYN_PROTMEM these are unknown commands. */
	if (!sw->cfg.dynamic_protmem)
		return false;
	switch (arg->cmd) {
	case OPTEE_MSG_CMD_LEND_PROTMEM:
		msg_lend_protmem(sw, arg);
		return true;
	case OPTEE_MSG_CMD_RECLAIM_PROTMEM:
		msg_reclaim_protmem(sw, arg);
		return true;
	case OPTEE_MSG_CMD_GET_PROTMEM_CONFIG:
		msg_get_protmem_config(sw, arg);
		return true;
	default:
		return false;
	}
}

/* ---- introspection ------------------------------------------------------- */

unsigned int smcsim_sw_protmem_lent_count(struct smcsim_sw *sw)
{
	unsigned int n;

	rt_mutex_lock(&sw->shm_lock);
	n = sw->protmem_count;
	rt_mutex_unlock(&sw->shm_lock);
	return n;
}

bool smcsim_sw_protmem_is_lent(struct smcsim_sw *sw, uint64_t pa)
{
	bool lent;

	rt_mutex_lock(&sw->shm_lock);
	lent = sw_protmem_by_pa_locked(sw, pa, 1) != NULL;
	rt_mutex_unlock(&sw->shm_lock);
	return lent;
}
