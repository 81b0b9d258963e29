// SPDX-License-Identifier: BSD-2-Clause
/*
 * First-fit page allocator over a physical range, one bit per page
 * (libbsd bitstring). Runs are contiguous; a free must name a run that is
 * entirely allocated, so a double or stray free is refused, not absorbed.
 */
#include <errno.h>

#include <smcsim/alloc.h>
#include <smcsim/pgalloc.h>

int smcsim_pgalloc_init(struct smcsim_pgalloc *a, uint64_t base, size_t size)
{
	if (!size || (base & SMCSIM_PAGE_MASK) || (size & SMCSIM_PAGE_MASK) ||
	    base + size < base)
		return -EINVAL;
	a->npages = size / SMCSIM_PAGE_SIZE;
	if (a->npages > INT32_MAX)
		return -EINVAL;
	a->map = smcsim_calloc(bitstr_size(a->npages), 1);
	if (!a->map)
		return -ENOMEM;
	a->base = base;
	a->used = 0;
	rt_mutex_init(&a->lock);
	return 0;
}

void smcsim_pgalloc_fini(struct smcsim_pgalloc *a)
{
	rt_mutex_destroy(&a->lock);
	smcsim_free(a->map);
	a->map = NULL;
}

static bool run_is(bitstr_t *map, size_t first, size_t n, bool set)
{
	size_t i;

	for (i = first; i < first + n; i++)
		if (!!bit_test(map, i) != set)
			return false;
	return true;
}

int smcsim_pgalloc_alloc(struct smcsim_pgalloc *a, size_t npages, uint64_t *pa)
{
	size_t run = 0;
	size_t i;
	int rc = -ENOMEM;

	if (!npages)
		return -EINVAL;

	rt_mutex_lock(&a->lock);
	/* More than is free: no run can be long enough, do not look. */
	if (npages > a->npages - a->used)
		i = a->npages;
	else
		i = 0;
	for (; i < a->npages; i++) {
		/* Eight taken pages at once. */
		if (!(i % 8) && a->map[i / 8] == 0xff) {
			run = 0;
			i += 7;
			continue;
		}
		if (bit_test(a->map, i)) {
			run = 0;
			continue;
		}
		if (++run == npages) {
			size_t first = i + 1 - npages;

			bit_nset(a->map, (int)first, (int)i);
			a->used += npages;
			*pa = a->base + (uint64_t)first * SMCSIM_PAGE_SIZE;
			rc = 0;
			break;
		}
	}
	rt_mutex_unlock(&a->lock);
	return rc;
}

int smcsim_pgalloc_free(struct smcsim_pgalloc *a, uint64_t pa, size_t npages)
{
	size_t first;
	int rc = -EINVAL;

	if (!npages || pa < a->base || (pa & SMCSIM_PAGE_MASK))
		return -EINVAL;
	first = (pa - a->base) / SMCSIM_PAGE_SIZE;
	if (first >= a->npages || npages > a->npages - first)
		return -EINVAL;

	rt_mutex_lock(&a->lock);
	if (run_is(a->map, first, npages, true)) {
		bit_nclear(a->map, (int)first, (int)(first + npages - 1));
		a->used -= npages;
		rc = 0;
	}
	rt_mutex_unlock(&a->lock);
	return rc;
}

size_t smcsim_pgalloc_used(struct smcsim_pgalloc *a)
{
	size_t used;

	rt_mutex_lock(&a->lock);
	used = a->used;
	rt_mutex_unlock(&a->lock);
	return used;
}
