// SPDX-License-Identifier: BSD-2-Clause
/*
 * The memory map as data (phys_map.h): the rules a list of ranges follows,
 * which range holds an address, the allocatable DRAM, the text format and
 * the presets. Only <string.h>, <stdio.h> (snprintf) and <errno.h>: this
 * file builds for the simulator and for bare metal with picolibc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <smcsim/phys_map.h>

#define PAGE_MASK	(SMCSIM_PHYS_PAGE_SIZE - 1)

static const char *const kind_names[SMCSIM_MEM_NUM_KINDS] = {
	[SMCSIM_MEM_NS_DRAM] = "dram",
	[SMCSIM_MEM_NS_SHM] = "shm",
	[SMCSIM_MEM_SECURE] = "secure",
	[SMCSIM_MEM_PROTMEM] = "protmem",
};

const char *smcsim_mem_kind_name(enum smcsim_mem_kind kind)
{
	if ((unsigned int)kind >= SMCSIM_MEM_NUM_KINDS)
		return "?";
	return kind_names[kind];
}

bool smcsim_mem_kind_is_ns(enum smcsim_mem_kind kind)
{
	return kind == SMCSIM_MEM_NS_DRAM || kind == SMCSIM_MEM_NS_SHM;
}

void smcsim_phys_config_default(struct smcsim_phys_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	smcsim_phys_config_add(cfg, SMCSIM_MEM_NS_DRAM,
			       SMCSIM_PHYS_DEFAULT_DRAM_BASE,
			       SMCSIM_PHYS_DEFAULT_DRAM_SIZE);
	smcsim_phys_config_add(cfg, SMCSIM_MEM_NS_SHM,
			       SMCSIM_PHYS_DEFAULT_SHM_BASE,
			       SMCSIM_PHYS_DEFAULT_SHM_SIZE);
	smcsim_phys_config_add(cfg, SMCSIM_MEM_SECURE,
			       SMCSIM_PHYS_DEFAULT_SEC_BASE,
			       SMCSIM_PHYS_DEFAULT_SEC_SIZE);
	smcsim_phys_config_add(cfg, SMCSIM_MEM_PROTMEM,
			       SMCSIM_PHYS_DEFAULT_PROTMEM_BASE,
			       SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE);
}

void smcsim_phys_config_qemu_v8(struct smcsim_phys_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	smcsim_phys_config_add(cfg, SMCSIM_MEM_NS_DRAM,
			       SMCSIM_PHYS_QEMU_V8_DRAM_BASE,
			       SMCSIM_PHYS_QEMU_V8_DRAM_SIZE);
	smcsim_phys_config_add(cfg, SMCSIM_MEM_NS_SHM,
			       SMCSIM_PHYS_QEMU_V8_SHM_BASE,
			       SMCSIM_PHYS_QEMU_V8_SHM_SIZE);
	smcsim_phys_config_add(cfg, SMCSIM_MEM_SECURE,
			       SMCSIM_PHYS_QEMU_V8_SEC_BASE,
			       SMCSIM_PHYS_QEMU_V8_SEC_SIZE);
}

int smcsim_phys_config_add(struct smcsim_phys_config *cfg,
			   enum smcsim_mem_kind kind, uint64_t base,
			   uint64_t size)
{
	if (cfg->nranges >= SMCSIM_PHYS_MAX_RANGES)
		return -ENOSPC;
	cfg->range[cfg->nranges++] = (struct smcsim_phys_range){
		.kind = kind, .base = base, .size = size,
	};
	return 0;
}

unsigned int smcsim_phys_config_remove(struct smcsim_phys_config *cfg,
				       enum smcsim_mem_kind kind)
{
	unsigned int i, n = 0;

	for (i = 0; i < cfg->nranges; i++) {
		if (cfg->range[i].kind == kind)
			n++;
		else
			cfg->range[i - n] = cfg->range[i];
	}
	cfg->nranges -= n;
	return n;
}

static bool is_carve_out(enum smcsim_mem_kind kind)
{
	return kind == SMCSIM_MEM_NS_SHM || kind == SMCSIM_MEM_PROTMEM;
}

/* [pa, pa + len) inside @r; len 0 is the byte at pa. No overflow. */
static bool range_in(const struct smcsim_phys_range *r, uint64_t pa,
		     uint64_t len)
{
	uint64_t off;

	if (pa < r->base)
		return false;
	off = pa - r->base;
	return off < r->size && len <= r->size - off;
}

/* [a, a_end) and [b, b_end) share a byte; ends are inclusive-last. */
static bool spans_overlap(uint64_t a, uint64_t a_last, uint64_t b,
			  uint64_t b_last)
{
	return a <= b_last && b <= a_last;
}

static bool ranges_overlap(const struct smcsim_phys_range *a,
			   const struct smcsim_phys_range *b)
{
	return spans_overlap(a->base, a->base + a->size - 1, b->base,
			     b->base + b->size - 1);
}

static bool range_inside(const struct smcsim_phys_range *in,
			 const struct smcsim_phys_range *out)
{
	return range_in(out, in->base, in->size);
}

/* Is the pair allowed to overlap: a carve-out wholly inside a DRAM range? */
static bool carve_out_of(const struct smcsim_phys_range *a,
			 const struct smcsim_phys_range *b)
{
	return is_carve_out(a->kind) && b->kind == SMCSIM_MEM_NS_DRAM &&
	       range_inside(a, b);
}

static int refuse(unsigned int i, const char *reason, unsigned int *bad,
		  const char **why)
{
	if (bad)
		*bad = i;
	if (why)
		*why = reason;
	return -EINVAL;
}

int smcsim_phys_config_check(const struct smcsim_phys_config *cfg,
			     unsigned int *bad, const char **why)
{
	unsigned int count[SMCSIM_MEM_NUM_KINDS] = { 0 };
	unsigned int i, j;

	if (cfg->nranges > SMCSIM_PHYS_MAX_RANGES)
		return refuse(SMCSIM_PHYS_MAX_RANGES, "too many ranges", bad,
			      why);
	for (i = 0; i < cfg->nranges; i++) {
		const struct smcsim_phys_range *r = &cfg->range[i];

		if ((unsigned int)r->kind >= SMCSIM_MEM_NUM_KINDS)
			return refuse(i, "unknown kind", bad, why);
		if (!r->size)
			return refuse(i, "empty range", bad, why);
		if ((r->base | r->size) & PAGE_MASK)
			return refuse(i, "base or size not a multiple of 4 KiB",
				      bad, why);
		if (r->base + r->size < r->base || r->base + r->size == 0)
			return refuse(i, "range wraps past the top of the address space",
				      bad, why);
		if (++count[r->kind] > 1 && is_carve_out(r->kind))
			return refuse(i, r->kind == SMCSIM_MEM_NS_SHM ?
				      "a second reserved shm range" :
				      "a second protected range", bad, why);
		for (j = 0; j < i; j++) {
			const struct smcsim_phys_range *o = &cfg->range[j];

			if (ranges_overlap(r, o) && !carve_out_of(r, o) &&
			    !carve_out_of(o, r))
				return refuse(i, is_carve_out(r->kind) ||
					      is_carve_out(o->kind) ?
					      "overlaps another range (a carve-out must lie wholly inside one DRAM range)" :
					      "overlaps another range", bad,
					      why);
		}
	}
	if (!count[SMCSIM_MEM_NS_DRAM])
		return refuse(cfg->nranges, "no dram range", bad, why);
	return 0;
}

int smcsim_phys_config_find(const struct smcsim_phys_config *cfg, uint64_t pa,
			    uint64_t len)
{
	uint64_t last = pa + (len ? len - 1 : 0);
	unsigned int i, j;

	if (last < pa)
		return -EFAULT;
	/* Carve-outs first: they win over the DRAM around them. */
	for (i = 0; i < cfg->nranges; i++)
		if (is_carve_out(cfg->range[i].kind) &&
		    range_in(&cfg->range[i], pa, len))
			return (int)i;
	for (i = 0; i < cfg->nranges; i++) {
		if (is_carve_out(cfg->range[i].kind) ||
		    !range_in(&cfg->range[i], pa, len))
			continue;
		for (j = 0; j < cfg->nranges; j++) {
			const struct smcsim_phys_range *c = &cfg->range[j];

			if (is_carve_out(c->kind) &&
			    spans_overlap(pa, last, c->base,
					  c->base + c->size - 1))
				return -EFAULT;
		}
		return (int)i;
	}
	return -EFAULT;
}

unsigned int smcsim_phys_config_dram_segments(
	const struct smcsim_phys_config *cfg, struct smcsim_phys_region *seg,
	unsigned int max)
{
	unsigned int n = 0;
	unsigned int i, j;

	for (i = 0; i < cfg->nranges; i++) {
		const struct smcsim_phys_range *d = &cfg->range[i];
		uint64_t at = d->base;
		uint64_t end = d->base + d->size;

		if (d->kind != SMCSIM_MEM_NS_DRAM)
			continue;
		/*
		 * Walk up through the DRAM range: the next carve-out at or
		 * above @at ends a segment. Carve-outs never overlap each
		 * other (checked), so this visits each once.
		 */
		while (at < end) {
			uint64_t next = end, skip_to = end;

			for (j = 0; j < cfg->nranges; j++) {
				const struct smcsim_phys_range *c =
					&cfg->range[j];

				if (is_carve_out(c->kind) &&
				    range_inside(c, d) && c->base >= at &&
				    c->base < next) {
					next = c->base;
					skip_to = c->base + c->size;
				}
			}
			if (next > at) {
				if (n < max)
					seg[n] = (struct smcsim_phys_region){
						at, next - at };
				n++;
			}
			at = skip_to;
		}
	}
	return n;
}

bool smcsim_phys_config_in_dram(const struct smcsim_phys_config *cfg,
				uint64_t base, uint64_t size)
{
	/* Each carve-out splits one segment in two at most: nranges suffice. */
	struct smcsim_phys_region seg[SMCSIM_PHYS_MAX_RANGES];
	unsigned int i, n;

	n = smcsim_phys_config_dram_segments(cfg, seg, SMCSIM_PHYS_MAX_RANGES);
	for (i = 0; i < n && i < SMCSIM_PHYS_MAX_RANGES; i++)
		if (base >= seg[i].base && size <= seg[i].size &&
		    base - seg[i].base <= seg[i].size - size)
			return true;
	return false;
}

static bool config_has(const struct smcsim_phys_config *cfg,
		       const struct smcsim_phys_range *r)
{
	unsigned int i;

	for (i = 0; i < cfg->nranges; i++)
		if (cfg->range[i].kind == r->kind &&
		    cfg->range[i].base == r->base &&
		    cfg->range[i].size == r->size)
			return true;
	return false;
}

bool smcsim_phys_config_equal(const struct smcsim_phys_config *a,
			      const struct smcsim_phys_config *b)
{
	unsigned int i;

	if (a->nranges != b->nranges)
		return false;
	/* Two checked maps never hold the same range twice. */
	for (i = 0; i < a->nranges; i++)
		if (!config_has(b, &a->range[i]) ||
		    !config_has(a, &b->range[i]))
			return false;
	return true;
}

/* ---- the text format ------------------------------------------------------ */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_word_end(char c)
{
	return !c || c == '\n' || c == '#' || is_blank(c);
}

/*
 * One number at *@p: decimal or 0x hex, then an optional K, M or G.
 * Return: 0 and *@out, advancing *@p past it, or -EINVAL/-ERANGE.
 */
static int parse_number(const char **p, uint64_t *out)
{
	const char *s = *p;
	unsigned int base = 10, shift = 0;
	uint64_t v = 0;
	bool digits = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
		digits = true;
	}
	if (!digits)
		return -EINVAL;
	switch (*s) {
	case 'K': case 'k': shift = 10; s++; break;
	case 'M': case 'm': shift = 20; s++; break;
	case 'G': case 'g': shift = 30; s++; break;
	default: break;
	}
	if (!is_word_end(*s))
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	*p = s;
	return 0;
}

static const char *skip_blanks(const char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

static int parse_error(char *err, size_t errlen, unsigned int line,
		       const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "line %u: %s", line, what);
	return -EINVAL;
}

/* The kind named by the word at @s, or -1. */
static int parse_kind(const char *s, size_t n)
{
	unsigned int k;

	for (k = 0; k < SMCSIM_MEM_NUM_KINDS; k++)
		if (strlen(kind_names[k]) == n && !memcmp(s, kind_names[k], n))
			return (int)k;
	return -1;
}

int smcsim_phys_config_parse(const char *text, struct smcsim_phys_config *cfg,
			     char *err, size_t errlen)
{
	unsigned int lineno[SMCSIM_PHYS_MAX_RANGES];
	struct smcsim_phys_config out = { 0 };
	const char *s = text, *why;
	unsigned int line = 1, bad;
	char msg[160];

	for (; *s; line++) {
		uint64_t base, size;
		const char *w;
		int kind, rc;

		s = skip_blanks(s);
		if (*s == '#' || *s == '\n' || !*s)
			goto next_line;
		for (w = s; !is_word_end(*s); s++)
			;
		kind = parse_kind(w, (size_t)(s - w));
		if (kind < 0) {
			snprintf(msg, sizeof(msg),
				 "unknown kind '%.*s' (dram, shm, secure or protmem)",
				 (int)(s - w > 32 ? 32 : s - w), w);
			return parse_error(err, errlen, line, msg);
		}
		s = skip_blanks(s);
		rc = parse_number(&s, &base);
		if (!rc) {
			s = skip_blanks(s);
			rc = parse_number(&s, &size);
		}
		if (rc == -ERANGE)
			return parse_error(err, errlen, line,
					   "number too large for 64 bits");
		if (rc)
			return parse_error(err, errlen, line,
					   "expected: KIND BASE SIZE (numbers decimal or 0x hex, size may end in K, M or G)");
		s = skip_blanks(s);
		if (*s && *s != '\n' && *s != '#')
			return parse_error(err, errlen, line,
					   "unexpected text after the size");
		if (out.nranges == SMCSIM_PHYS_MAX_RANGES) {
			snprintf(msg, sizeof(msg), "more than %u ranges",
				 SMCSIM_PHYS_MAX_RANGES);
			return parse_error(err, errlen, line, msg);
		}
		lineno[out.nranges] = line;
		smcsim_phys_config_add(&out, (enum smcsim_mem_kind)kind, base,
				       size);
next_line:
		while (*s && *s != '\n')
			s++;
		if (*s)
			s++;
	}
	if (smcsim_phys_config_check(&out, &bad, &why)) {
		if (bad < out.nranges)
			return parse_error(err, errlen, lineno[bad], why);
		if (err && errlen)
			snprintf(err, errlen, "%s", why);
		return -EINVAL;
	}
	*cfg = out;
	return 0;
}
