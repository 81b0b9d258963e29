/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of lib/ta_file.c: the TA file header as sw_ta.h lays it out,
 * its FNV-1a checksum against a value computed outside the library, and
 * the refusals of smcsim_ta_file_build() (program names the header cannot
 * hold, buffers too small, which must stay untouched).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/sw_ta.h>

#define HDR	sizeof(struct smcsim_ta_file_hdr)

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void ta_file_layout_and_checksum(void **state)
{
	static const uint8_t echo_octets[16] = {
		0x53, 0x4d, 0x43, 0x53, 0x00, 0x01, 0x40, 0x00,
		0x80, 0x00, 0x73, 0x6d, 0x63, 0x73, 0x69, 0x6d,
	};
	const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	struct smcsim_ta_file_hdr h;
	uint8_t buf[HDR + 16];
	size_t i;

	(void)state;
	memset(buf, 0xA5, sizeof(buf));
	assert_int_equal(smcsim_ta_file_build(buf, sizeof(buf), &echo, "echo",
					      SMCSIM_TA_FLAG_DEVICE, 16),
			 sizeof(buf));
	assert_memory_equal(buf, "SMTA", 4);
	assert_int_equal(buf[4] | buf[5] << 8, SMCSIM_TA_FILE_VERSION);
	assert_int_equal(buf[6] | buf[7] << 8, HDR);
	assert_memory_equal(buf + 8, echo_octets, sizeof(echo_octets));
	assert_string_equal((const char *)buf + 24, "echo");
	for (i = 24 + 4; i < 48; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(get32(buf + 48), SMCSIM_TA_FLAG_DEVICE);
	assert_int_equal(get32(buf + 52), 16);
	/* FNV-1a 32 of these 64 bytes with bytes 56..59 as zero. */
	assert_int_equal(get32(buf + 56), 0x798ab57eU);
	assert_int_equal(get32(buf + 60), 0);
	for (i = HDR; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);

	/* The checksum covers every header byte but its own. */
	memcpy(&h, buf, HDR);
	assert_int_equal(smcsim_ta_file_checksum(&h), 0x798ab57eU);
	for (i = 0; i < HDR; i++) {
		uint8_t *p = (uint8_t *)&h;

		p[i] ^= 0x01;
		if (i >= 56 && i < 60)
			assert_int_equal(smcsim_ta_file_checksum(&h),
					 0x798ab57eU);
		else
			assert_int_not_equal(smcsim_ta_file_checksum(&h),
					     0x798ab57eU);
		p[i] ^= 0x01;
	}
}

static void ta_file_build_refusals(void **state)
{
	const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	char name[SMCSIM_TA_FILE_PROGRAM_LEN + 1];
	uint8_t buf[HDR + 8], guard[HDR + 8];

	(void)state;
	/* The size query, and a buffer one byte short: nothing written. */
	assert_int_equal(smcsim_ta_file_build(NULL, 0, &echo, "echo", 0, 8),
			 HDR + 8);
	memset(buf, 0xA5, sizeof(buf));
	memcpy(guard, buf, sizeof(buf));
	assert_int_equal(smcsim_ta_file_build(buf, sizeof(buf) - 1, &echo,
					      "echo", 0, 8), 0);
	assert_memory_equal(buf, guard, sizeof(buf));

	/* Names: 23 characters and the NUL fit, 24 do not, nor none. */
	memset(name, 'x', sizeof(name));
	name[SMCSIM_TA_FILE_PROGRAM_LEN - 1] = '\0';
	assert_int_equal(smcsim_ta_file_build(buf, sizeof(buf), &echo, name,
					      0, 8), HDR + 8);
	assert_int_equal(buf[24 + SMCSIM_TA_FILE_PROGRAM_LEN - 1], 0);
	name[SMCSIM_TA_FILE_PROGRAM_LEN - 1] = 'x';
	name[SMCSIM_TA_FILE_PROGRAM_LEN] = '\0';
	assert_int_equal(smcsim_ta_file_build(NULL, 0, &echo, name, 0, 8), 0);
	assert_int_equal(smcsim_ta_file_build(buf, sizeof(buf), &echo, name,
					      0, 8), 0);
	assert_int_equal(smcsim_ta_file_build(buf, sizeof(buf), &echo, "", 0,
					      8), 0);
	assert_int_equal(smcsim_ta_file_build(buf, sizeof(buf), &echo, NULL, 0,
					      8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ta_file_layout_and_checksum),
		cmocka_unit_test(ta_file_build_refusals),
	};

	return cmocka_run_group_tests_name("ta_file", tests, NULL, NULL);
}
