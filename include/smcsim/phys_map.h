/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The physical memory map as data: a list of ranges (kind, base, size), the
 * rules a list must follow, which range holds an address, the DRAM a page
 * allocator may hand out, a text format for a user's board and presets.
 * Pure logic over a struct (lib/phys_map.c): no OS, no allocation, so the
 * simulated map (lib/phys.c) and a bare-metal identity map both use it.
 *
 * The rules (smcsim_phys_config_check()):
 *  - every range is page aligned, non-empty and does not wrap;
 *  - at least one non-secure DRAM range; DRAM and secure ranges may repeat
 *    (banks); the reserved shm and the protected region appear at most once
 *    each (GET_SHM_CONFIG and GET_PROTMEM_CONFIG report one region);
 *  - the reserved shm and the protected region may lie inside one DRAM
 *    range, as carve-outs: an address in a carve-out has the carve-out's
 *    kind, and DRAM allocation never hands out its pages;
 *  - any other overlap is refused.
 *
 * Text format (smcsim_phys_config_parse()), one range per line:
 *
 *	# QEMU virt with OP-TEE
 *	dram	0x40000000 0x42100000
 *	shm	0x42000000 2M
 *	secure	0x0e100000 15M
 *	protmem	0x43000000 4M
 *
 * Kind names: dram, shm, secure, protmem. Numbers are decimal or 0x hex,
 * optionally followed by K, M or G (binary units). '#' starts a comment.
 */
#ifndef SMCSIM_PHYS_MAP_H
#define SMCSIM_PHYS_MAP_H

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

/* Most ranges in one map (DRAM banks, secure ranges and the carve-outs). */
#define SMCSIM_PHYS_MAX_RANGES	16

/* The granule of the map: every range is a whole number of these. */
#define SMCSIM_PHYS_PAGE_SIZE	4096ULL

/**
 * struct smcsim_phys_region - a physical range
 * @base:	physical base, page aligned
 * @size:	bytes, page aligned
 */
struct smcsim_phys_region {
	uint64_t base;
	uint64_t size;
};

/** struct smcsim_phys_range - one entry of a map: what lies where */
struct smcsim_phys_range {
	enum smcsim_mem_kind kind;
	uint64_t base;
	uint64_t size;
};

/**
 * struct smcsim_phys_config - a memory map
 * @nranges:	entries used in @range
 * @range:	in any order
 */
struct smcsim_phys_config {
	unsigned int nranges;
	struct smcsim_phys_range range[SMCSIM_PHYS_MAX_RANGES];
};

/*
 * The simulator's default map: small (32 MiB of DRAM), with the addresses of
 * QEMU virt with OP-TEE and a protected region after the shm.
 */
#define SMCSIM_PHYS_DEFAULT_DRAM_BASE	0x40000000ULL
#define SMCSIM_PHYS_DEFAULT_DRAM_SIZE	0x02000000ULL	/* 32 MiB */
#define SMCSIM_PHYS_DEFAULT_SHM_BASE	0x42000000ULL
#define SMCSIM_PHYS_DEFAULT_SHM_SIZE	0x00200000ULL	/* 2 MiB */
#define SMCSIM_PHYS_DEFAULT_SEC_BASE	0x0e100000ULL
#define SMCSIM_PHYS_DEFAULT_SEC_SIZE	0x00f00000ULL	/* 15 MiB */
#define SMCSIM_PHYS_DEFAULT_PROTMEM_BASE 0x43000000ULL
#define SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE 0x00400000ULL	/* 4 MiB */

/*
 * The machine the test firmware (TF-A 2.14 + OP-TEE 4.10 for QEMU v8) runs on
 * (QEMU virt, -m 1057): DRAM from 0x40000000 with the reserved shm carved
 * out of it, secure DRAM, no protected region (CFG_SECURE_DATA_PATH=n).
 */
#define SMCSIM_PHYS_QEMU_V8_DRAM_BASE	0x40000000ULL
#define SMCSIM_PHYS_QEMU_V8_DRAM_SIZE	0x42100000ULL	/* 1057 MiB */
#define SMCSIM_PHYS_QEMU_V8_SHM_BASE	0x42000000ULL
#define SMCSIM_PHYS_QEMU_V8_SHM_SIZE	0x00200000ULL	/* 2 MiB */
#define SMCSIM_PHYS_QEMU_V8_SEC_BASE	0x0e100000ULL
#define SMCSIM_PHYS_QEMU_V8_SEC_SIZE	0x00f00000ULL	/* 15 MiB */

/** smcsim_phys_config_default() - the simulator's small default map */
void smcsim_phys_config_default(struct smcsim_phys_config *cfg);

/** smcsim_phys_config_qemu_v8() - the firmware's QEMU v8 machine (above) */
void smcsim_phys_config_qemu_v8(struct smcsim_phys_config *cfg);

/**
 * smcsim_phys_config_add() - append a range (not checked until
 * smcsim_phys_config_check())
 * Return: 0, or -ENOSPC when the map holds SMCSIM_PHYS_MAX_RANGES already.
 */
int smcsim_phys_config_add(struct smcsim_phys_config *cfg,
			   enum smcsim_mem_kind kind, uint64_t base,
			   uint64_t size);

/**
 * smcsim_phys_config_remove() - drop every range of @kind
 * Return: how many were dropped.
 */
unsigned int smcsim_phys_config_remove(struct smcsim_phys_config *cfg,
				       enum smcsim_mem_kind kind);

/**
 * smcsim_phys_config_check() - does @cfg follow the rules above?
 * @bad:	if not NULL and the map is refused, the index of a range at
 *		fault (the later one of an overlapping pair)
 * @why:	if not NULL and the map is refused, a static sentence saying why
 * Return: 0, or -EINVAL.
 */
int smcsim_phys_config_check(const struct smcsim_phys_config *cfg,
			     unsigned int *bad, const char **why);

/**
 * smcsim_phys_config_find() - which range holds all of [@pa, @pa + @len)
 * in a checked map
 *
 * A carve-out wins over the DRAM range around it; a range that is partly in
 * a carve-out and partly in its DRAM is in no range. @len 0 asks about the
 * byte at @pa. Return: the index, or -EFAULT (also for wrap-around).
 */
int smcsim_phys_config_find(const struct smcsim_phys_config *cfg, uint64_t pa,
			    uint64_t len);

/**
 * smcsim_phys_config_dram_segments() - the DRAM a page allocator may hand
 * out: every DRAM range minus the carve-outs in it, in the order of the
 * DRAM ranges, low addresses first within one
 * @seg:	receives up to @max segments
 * Return: the number of segments (may exceed @max: only @max are written).
 */
unsigned int smcsim_phys_config_dram_segments(
	const struct smcsim_phys_config *cfg, struct smcsim_phys_region *seg,
	unsigned int max);

/**
 * smcsim_phys_config_in_dram() - does [@base, @base + @size) lie inside one
 * segment smcsim_phys_config_dram_segments() returns (DRAM the normal world
 * owns, outside every carve-out)? For memory a bare-metal image keeps for
 * itself (its code, its page pool): no carve-out may overlap it.
 */
bool smcsim_phys_config_in_dram(const struct smcsim_phys_config *cfg,
				uint64_t base, uint64_t size);

/**
 * smcsim_phys_config_equal() - same ranges, in any order
 */
bool smcsim_phys_config_equal(const struct smcsim_phys_config *a,
			      const struct smcsim_phys_config *b);

/**
 * smcsim_phys_config_parse() - read a map in the text format above and check it
 * @text:	NUL-terminated
 * @cfg:	receives the map; left unchanged on error
 * @err:	if not NULL, receives "line N: what is wrong" on error
 * @errlen:	bytes at @err
 * Return: 0, or -EINVAL.
 */
int smcsim_phys_config_parse(const char *text, struct smcsim_phys_config *cfg,
			     char *err, size_t errlen);

/**
 * smcsim_mem_kind_is_ns() - is @kind the normal world's memory (DRAM or the
 * reserved shm), as opposed to secure or protected memory?
 */
bool smcsim_mem_kind_is_ns(enum smcsim_mem_kind kind);

/** smcsim_mem_kind_name() - "dram", "shm", "secure", "protmem" or "?" */
const char *smcsim_mem_kind_name(enum smcsim_mem_kind kind);

#endif /* SMCSIM_PHYS_MAP_H */
