/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of lib/phys_map.c, the memory map as data: the rules a list of
 * ranges follows (carve-outs inside DRAM allowed, every other overlap
 * refused, several DRAM banks), which range holds an address, the DRAM
 * segments an allocator may use and whether a range lies in one, the text
 * format with its errors by line, and the presets, including
 * cross/qemu_v8.map parsing to the firmware machine's preset.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/phys.h>
#include <smcsim/phys_map.h>

#define MiB(x)	((uint64_t)(x) << 20)

/* A checked map: DRAM 64 MiB at 1 GiB, shm and protmem carved out of it. */
static void carved(struct smcsim_phys_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	assert_int_equal(smcsim_phys_config_add(cfg, SMCSIM_MEM_NS_DRAM,
						0x40000000, MiB(64)), 0);
	assert_int_equal(smcsim_phys_config_add(cfg, SMCSIM_MEM_NS_SHM,
						0x40400000, MiB(2)), 0);
	assert_int_equal(smcsim_phys_config_add(cfg, SMCSIM_MEM_PROTMEM,
						0x41000000, MiB(4)), 0);
	assert_int_equal(smcsim_phys_config_add(cfg, SMCSIM_MEM_SECURE,
						0x0e100000, MiB(15)), 0);
	assert_int_equal(smcsim_phys_config_check(cfg, NULL, NULL), 0);
}

static void expect_refused(const struct smcsim_phys_config *cfg,
			   unsigned int bad_index, const char *why_has)
{
	unsigned int bad = 999;
	const char *why = NULL;

	assert_int_equal(smcsim_phys_config_check(cfg, &bad, &why), -EINVAL);
	assert_int_equal(bad, bad_index);
	assert_non_null(why);
	if (!strstr(why, why_has))
		fail_msg("reason '%s' does not say '%s'", why, why_has);
}

static void phys_map_presets_pass_the_rules(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	smcsim_phys_config_default(&cfg);
	assert_int_equal(cfg.nranges, 4);
	assert_int_equal(smcsim_phys_config_check(&cfg, NULL, NULL), 0);

	smcsim_phys_config_qemu_v8(&cfg);
	assert_int_equal(smcsim_phys_config_check(&cfg, NULL, NULL), 0);
	assert_int_equal(cfg.nranges, 3);
	assert_int_equal(cfg.range[0].kind, SMCSIM_MEM_NS_DRAM);
	assert_int_equal(cfg.range[0].base, 0x40000000);
	assert_int_equal(cfg.range[0].size, MiB(1057));
	assert_int_equal(cfg.range[1].kind, SMCSIM_MEM_NS_SHM);
	assert_int_equal(cfg.range[1].base, 0x42000000);
	assert_int_equal(cfg.range[1].size, MiB(2));
	assert_int_equal(cfg.range[2].kind, SMCSIM_MEM_SECURE);
	assert_int_equal(cfg.range[2].base, 0x0e100000);
	assert_int_equal(cfg.range[2].size, MiB(15));
}

static void phys_map_carve_outs_allowed_inside_dram(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	carved(&cfg);
	/* A carve-out that is the whole DRAM range, or its first/last page. */
	memset(&cfg, 0, sizeof(cfg));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, 0x40000000, MiB(4));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_SHM, 0x40000000, 0x1000);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_PROTMEM, 0x403ff000, 0x1000);
	assert_int_equal(smcsim_phys_config_check(&cfg, NULL, NULL), 0);
	memset(&cfg, 0, sizeof(cfg));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, 0x40000000, MiB(4));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, 0x80000000, MiB(4));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_PROTMEM, 0x80000000, MiB(4));
	assert_int_equal(smcsim_phys_config_check(&cfg, NULL, NULL), 0);
}

static void phys_map_overlaps_refused(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	/* A carve-out sticking out of its DRAM range, at either end. */
	carved(&cfg);
	cfg.range[1].base = 0x40000000 - 0x1000;
	expect_refused(&cfg, 1, "carve-out");
	carved(&cfg);
	cfg.range[2].base = 0x40000000 + MiB(64) - MiB(2);
	expect_refused(&cfg, 2, "carve-out");
	/* Two carve-outs overlapping each other inside DRAM. */
	carved(&cfg);
	cfg.range[2].base = 0x40400000 + MiB(1);
	expect_refused(&cfg, 2, "overlaps");
	/* Secure memory is no carve-out: not inside DRAM either. */
	carved(&cfg);
	cfg.range[3].base = 0x42000000;
	expect_refused(&cfg, 3, "overlaps");
	/* Two DRAM banks sharing a page. */
	carved(&cfg);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM,
			       0x40000000 + MiB(64) - 0x1000, MiB(1));
	expect_refused(&cfg, 4, "overlaps");
	/* Two secure ranges overlapping. */
	carved(&cfg);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_SECURE, 0x0e000000, MiB(2));
	expect_refused(&cfg, 4, "overlaps");
	/* A carve-out spanning two adjacent DRAM banks is in neither. */
	memset(&cfg, 0, sizeof(cfg));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, 0x40000000, MiB(4));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, 0x40400000, MiB(4));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_SHM, 0x40300000, MiB(2));
	expect_refused(&cfg, 2, "carve-out");
}

static void phys_map_other_rules(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	carved(&cfg);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_SHM, 0x43000000, MiB(1));
	expect_refused(&cfg, 4, "second reserved shm");
	carved(&cfg);
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_PROTMEM, 0x43000000, MiB(1));
	expect_refused(&cfg, 4, "second protected");
	carved(&cfg);
	cfg.range[3].size = 0;
	expect_refused(&cfg, 3, "empty");
	carved(&cfg);
	cfg.range[0].base += 0x800;
	expect_refused(&cfg, 0, "4 KiB");
	carved(&cfg);
	cfg.range[1].size += 0x10;
	expect_refused(&cfg, 1, "4 KiB");
	carved(&cfg);
	cfg.range[3].base = UINT64_MAX & ~0xfffULL;
	cfg.range[3].size = 0x2000;
	expect_refused(&cfg, 3, "wraps");
	/* Ending exactly at 2^64 wraps to 0: refused too. */
	cfg.range[3].size = 0x1000;
	expect_refused(&cfg, 3, "wraps");
	carved(&cfg);
	cfg.range[3].kind = SMCSIM_MEM_NUM_KINDS;
	expect_refused(&cfg, 3, "kind");
	carved(&cfg);
	assert_int_equal(smcsim_phys_config_remove(&cfg, SMCSIM_MEM_NS_DRAM), 1);
	expect_refused(&cfg, cfg.nranges, "no dram");
	/* Without its DRAM, a carve-out is a region of its own: fine. */
	assert_int_equal(smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM,
						0x80000000, MiB(1)), 0);
	assert_int_equal(smcsim_phys_config_check(&cfg, NULL, NULL), 0);
	/* The list is bounded. */
	while (cfg.nranges < SMCSIM_PHYS_MAX_RANGES)
		smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM,
				       0x100000000ULL * cfg.nranges, MiB(1));
	assert_int_equal(smcsim_phys_config_check(&cfg, NULL, NULL), 0);
	assert_int_equal(smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM,
						0x1000, 0x1000), -ENOSPC);
	assert_int_equal(cfg.nranges, SMCSIM_PHYS_MAX_RANGES);
}

static void phys_map_find_carve_out_wins(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	carved(&cfg);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x40000000, 0x1000), 0);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x40400000, MiB(2)), 1);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x405fffff, 1), 1);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x40600000, 1), 0);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x41000000, 0), 2);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x0e100000, 8), 3);
	/* DRAM around a carve-out is DRAM up to its edge. */
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x403ff000, 0x1000), 0);
	/* Straddling DRAM and a carve-out, or covering one: no range. */
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x403ff000, 0x1001),
			 -EFAULT);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x405ff000, 0x2000),
			 -EFAULT);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x40000000, MiB(64)),
			 -EFAULT);
	/* Outside, wrapping, past the end. */
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x10000000, 1),
			 -EFAULT);
	assert_int_equal(smcsim_phys_config_find(&cfg, UINT64_MAX - 4, 16),
			 -EFAULT);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x40000000, UINT64_MAX),
			 -EFAULT);
	assert_int_equal(smcsim_phys_config_find(&cfg, 0x44000000, 0), -EFAULT);
}

static void phys_map_dram_segments_skip_carve_outs(void **state)
{
	struct smcsim_phys_region seg[8];
	struct smcsim_phys_config cfg;

	(void)state;
	carved(&cfg);
	assert_int_equal(smcsim_phys_config_dram_segments(&cfg, seg, 8), 3);
	assert_int_equal(seg[0].base, 0x40000000);
	assert_int_equal(seg[0].size, MiB(4));
	assert_int_equal(seg[1].base, 0x40600000);
	assert_int_equal(seg[1].size, 0x41000000 - 0x40600000);
	assert_int_equal(seg[2].base, 0x41400000);
	assert_int_equal(seg[2].size, 0x44000000 - 0x41400000);

	/* The count is the whole answer even when @max is smaller. */
	memset(seg, 0, sizeof(seg));
	assert_int_equal(smcsim_phys_config_dram_segments(&cfg, seg, 1), 3);
	assert_int_equal(seg[0].base, 0x40000000);
	assert_int_equal(seg[1].size, 0);

	/* Carve-outs at the edges leave no empty segment; banks in order. */
	memset(&cfg, 0, sizeof(cfg));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, 0x80000000, MiB(4));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_DRAM, 0x40000000, MiB(4));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_PROTMEM, 0x80000000, MiB(1));
	smcsim_phys_config_add(&cfg, SMCSIM_MEM_NS_SHM, 0x40300000, MiB(1));
	assert_int_equal(smcsim_phys_config_check(&cfg, NULL, NULL), 0);
	assert_int_equal(smcsim_phys_config_dram_segments(&cfg, seg, 8), 2);
	assert_int_equal(seg[0].base, 0x80100000);
	assert_int_equal(seg[0].size, MiB(3));
	assert_int_equal(seg[1].base, 0x40000000);
	assert_int_equal(seg[1].size, MiB(3));

	/* The firmware's machine: DRAM below and above the shm. */
	smcsim_phys_config_qemu_v8(&cfg);
	assert_int_equal(smcsim_phys_config_dram_segments(&cfg, seg, 8), 2);
	assert_int_equal(seg[0].base, 0x40000000);
	assert_int_equal(seg[0].size, 0x02000000);
	assert_int_equal(seg[1].base, 0x42200000);
	assert_int_equal(seg[1].size, 0x40000000 + MiB(1057) - 0x42200000);
}

/* What a bare-metal image keeps for itself must miss every carve-out. */
static void phys_map_in_dram_only_outside_carve_outs(void **state)
{
	struct smcsim_phys_config cfg;

	(void)state;
	carved(&cfg);
	/* A whole segment, and a page at either end of DRAM. */
	assert_true(smcsim_phys_config_in_dram(&cfg, 0x40000000, MiB(4)));
	assert_true(smcsim_phys_config_in_dram(&cfg, 0x40000000, 0x1000));
	assert_true(smcsim_phys_config_in_dram(&cfg, 0x43fff000, 0x1000));
	assert_true(smcsim_phys_config_in_dram(&cfg, 0x40600000,
					       0x41000000 - 0x40600000));
	/* One page into the shm, inside it, across the protected region. */
	assert_false(smcsim_phys_config_in_dram(&cfg, 0x40000000,
						MiB(4) + 0x1000));
	assert_false(smcsim_phys_config_in_dram(&cfg, 0x40400000, 0x1000));
	assert_false(smcsim_phys_config_in_dram(&cfg, 0x40f00000, MiB(6)));
	/* Past the end of DRAM, secure memory, nowhere, a wrapping size. */
	assert_false(smcsim_phys_config_in_dram(&cfg, 0x43fff000, 0x2000));
	assert_false(smcsim_phys_config_in_dram(&cfg, 0x0e100000, 0x1000));
	assert_false(smcsim_phys_config_in_dram(&cfg, 0x10000000, 0x1000));
	assert_false(smcsim_phys_config_in_dram(&cfg, 0x40001000, UINT64_MAX));
}

static void phys_map_kind_is_ns_for_dram_and_shm(void **state)
{
	(void)state;
	assert_true(smcsim_mem_kind_is_ns(SMCSIM_MEM_NS_DRAM));
	assert_true(smcsim_mem_kind_is_ns(SMCSIM_MEM_NS_SHM));
	assert_false(smcsim_mem_kind_is_ns(SMCSIM_MEM_SECURE));
	assert_false(smcsim_mem_kind_is_ns(SMCSIM_MEM_PROTMEM));
	assert_false(smcsim_mem_kind_is_ns(SMCSIM_MEM_NUM_KINDS));
}

static void phys_map_remove_and_equal(void **state)
{
	struct smcsim_phys_config a, b;

	(void)state;
	carved(&a);
	carved(&b);
	assert_true(smcsim_phys_config_equal(&a, &b));
	/* Order does not matter. */
	b.range[0] = a.range[3];
	b.range[3] = a.range[0];
	assert_true(smcsim_phys_config_equal(&a, &b));
	b.range[1].size += 0x1000;
	assert_false(smcsim_phys_config_equal(&a, &b));
	carved(&b);
	b.range[1].kind = SMCSIM_MEM_PROTMEM;
	assert_false(smcsim_phys_config_equal(&a, &b));
	carved(&b);
	assert_int_equal(smcsim_phys_config_remove(&b, SMCSIM_MEM_PROTMEM), 1);
	assert_int_equal(b.nranges, 3);
	assert_false(smcsim_phys_config_equal(&a, &b));
	/* What stays keeps its order. */
	assert_int_equal(b.range[0].kind, SMCSIM_MEM_NS_DRAM);
	assert_int_equal(b.range[1].kind, SMCSIM_MEM_NS_SHM);
	assert_int_equal(b.range[2].kind, SMCSIM_MEM_SECURE);
}

static void phys_map_parse_accepts_the_format(void **state)
{
	static const char text[] =
		"# a board\n"
		"\n"
		"dram 0x40000000 0x42100000\n"
		"  shm\t0x42000000  2M   # reserved\n"
		"secure 235929600 15360K\r\n"
		"dram 0x100000000 1G\n"
		"protmem 0x43000000 0x400000";	/* no final newline */
	struct smcsim_phys_config cfg, want;
	char err[128] = "";

	(void)state;
	assert_int_equal(smcsim_phys_config_parse(text, &cfg, err, sizeof(err)),
			 0);
	assert_string_equal(err, "");
	memset(&want, 0, sizeof(want));
	smcsim_phys_config_add(&want, SMCSIM_MEM_NS_DRAM, 0x40000000,
			       0x42100000);
	smcsim_phys_config_add(&want, SMCSIM_MEM_NS_SHM, 0x42000000, MiB(2));
	smcsim_phys_config_add(&want, SMCSIM_MEM_SECURE, 0x0e100000, MiB(15));
	smcsim_phys_config_add(&want, SMCSIM_MEM_NS_DRAM, 0x100000000ULL,
			       1ULL << 30);
	smcsim_phys_config_add(&want, SMCSIM_MEM_PROTMEM, 0x43000000, MiB(4));
	assert_true(smcsim_phys_config_equal(&cfg, &want));
	/* In the order written. */
	assert_int_equal(cfg.range[3].base, 0x100000000ULL);

	/* Lower-case units and hex digits; an empty text has no DRAM. */
	assert_int_equal(smcsim_phys_config_parse("dram 0x4000abc000 4m\n",
						  &cfg, NULL, 0), 0);
	assert_int_equal(cfg.range[0].base, 0x4000abc000ULL);
	assert_int_equal(cfg.range[0].size, MiB(4));
	assert_int_equal(smcsim_phys_config_parse("", &cfg, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "no dram range");
}

static void expect_parse_error(const char *text, const char *msg)
{
	struct smcsim_phys_config cfg, before;
	char err[200];

	smcsim_phys_config_default(&cfg);
	before = cfg;
	memset(err, 0, sizeof(err));
	assert_int_equal(smcsim_phys_config_parse(text, &cfg, err, sizeof(err)),
			 -EINVAL);
	if (strncmp(err, msg, strlen(msg)))
		fail_msg("for %s: got '%s', expected '%s...'", text, err, msg);
	/* Nothing changed. */
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void phys_map_parse_errors_name_the_line(void **state)
{
	struct smcsim_phys_config cfg;
	char small[12];

	(void)state;
	expect_parse_error("dram 0x40000000 1M\nrom 0 4K\n",
			   "line 2: unknown kind 'rom'");
	expect_parse_error("# c\n\ndram 0x40000000\n",
			   "line 3: expected: KIND BASE SIZE");
	expect_parse_error("dram\n", "line 1: expected: KIND BASE SIZE");
	expect_parse_error("dram 0x 1M\n", "line 1: expected: KIND BASE SIZE");
	expect_parse_error("dram -1 1M\n", "line 1: expected: KIND BASE SIZE");
	expect_parse_error("dram 0x4000000z 1M\n",
			   "line 1: expected: KIND BASE SIZE");
	expect_parse_error("dram 0x40000000 1T\n",
			   "line 1: expected: KIND BASE SIZE");
	expect_parse_error("dram 0x40000000 1M 5\n",
			   "line 1: unexpected text after the size");
	expect_parse_error("dram 0x40000000 0x10000000000000000\n",
			   "line 1: number too large");
	expect_parse_error("dram 0x40000000 17179869184G\n",
			   "line 1: number too large");
	expect_parse_error("DRAM 0x40000000 1M\n", "line 1: unknown kind");
	/* A rule broken: the line of the range at fault. */
	expect_parse_error("dram 0x40000000 64M\n#\nsecure 0x43000000 1M\n",
			   "line 3: overlaps another range");
	expect_parse_error("dram 0x40000000 64M\nshm 0x43f00000 2M\n",
			   "line 2: overlaps another range (a carve-out");
	expect_parse_error("dram 0x40000800 64M\n",
			   "line 1: base or size not a multiple of 4 KiB");
	expect_parse_error("secure 0x0e100000 15M\n", "no dram range");
	expect_parse_error(
		"dram 0x100000000 4K\ndram 0x200000000 4K\ndram 0x300000000 4K\n"
		"dram 0x400000000 4K\ndram 0x500000000 4K\ndram 0x600000000 4K\n"
		"dram 0x700000000 4K\ndram 0x800000000 4K\ndram 0x900000000 4K\n"
		"dram 0xa00000000 4K\ndram 0xb00000000 4K\ndram 0xc00000000 4K\n"
		"dram 0xd00000000 4K\ndram 0xe00000000 4K\ndram 0xf00000000 4K\n"
		"dram 0x1000000000 4K\ndram 0x1100000000 4K\n",
		"line 17: more than 16 ranges");
	/* The message is cut to the buffer, NUL-terminated. */
	assert_int_equal(smcsim_phys_config_parse("x", &cfg, small,
						  sizeof(small)), -EINVAL);
	assert_string_equal(small, "line 1: unk");
}

static void phys_map_file_is_the_qemu_v8_preset(void **state)
{
	const char *src = getenv("SMCSIM_SOURCE_DIR");
	struct smcsim_phys_config file, preset;
	char path[4096], err[256] = "";

	(void)state;
	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/cross/qemu_v8.map", src);
	if (smcsim_phys_config_load(path, &file, err, sizeof(err)))
		fail_msg("%s", err);
	smcsim_phys_config_qemu_v8(&preset);
	assert_true(smcsim_phys_config_equal(&file, &preset));

	snprintf(path, sizeof(path), "%s/cross/no-such.map", src);
	assert_int_equal(smcsim_phys_config_load(path, &file, err,
						 sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no-such.map"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phys_map_presets_pass_the_rules),
		cmocka_unit_test(phys_map_carve_outs_allowed_inside_dram),
		cmocka_unit_test(phys_map_overlaps_refused),
		cmocka_unit_test(phys_map_other_rules),
		cmocka_unit_test(phys_map_find_carve_out_wins),
		cmocka_unit_test(phys_map_dram_segments_skip_carve_outs),
		cmocka_unit_test(phys_map_in_dram_only_outside_carve_outs),
		cmocka_unit_test(phys_map_kind_is_ns_for_dram_and_shm),
		cmocka_unit_test(phys_map_remove_and_equal),
		cmocka_unit_test(phys_map_parse_accepts_the_format),
		cmocka_unit_test(phys_map_parse_errors_name_the_line),
		cmocka_unit_test(phys_map_file_is_the_qemu_v8_preset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
