// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of lib/sha256.c and lib/rpmb.c: SHA-256 against the FIPS
 * 180-2 examples, HMAC-SHA256 against RFC 4231, and the simulated eMMC
 * RPMB device frame by frame: key programming (once), the write counter
 * with its nonce and MAC, authenticated writes (MAC, counter, address,
 * block count, expiry) and reads, RESULT_READ sequencing, and the
 * request shapes tee-supplicant refuses.
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

#include <smcsim/rpmb.h>
#include <smcsim/sha256.h>

static void hex(const char *s, uint8_t *out, size_t len)
{
	size_t i;
	unsigned int v;

	assert_int_equal(strlen(s), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void check_sha(const void *data, size_t len, const char *want)
{
	uint8_t d[SMCSIM_SHA256_SIZE], w[SMCSIM_SHA256_SIZE];

	hex(want, w, sizeof(w));
	smcsim_sha256(data, len, d);
	assert_memory_equal(d, w, sizeof(w));
}

static void sha256_fips180_vectors(void **state)
{
	static const char two_block[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[SMCSIM_SHA256_SIZE], w[SMCSIM_SHA256_SIZE], a[1000];
	struct smcsim_sha256 c;
	unsigned int i;

	(void)state;
	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha(two_block, strlen(two_block),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* One million 'a', fed in uneven pieces. */
	memset(a, 'a', sizeof(a));
	smcsim_sha256_init(&c);
	for (i = 0; i < 1000; i++) {
		smcsim_sha256_update(&c, a, 999);
		smcsim_sha256_update(&c, a, 1);
	}
	smcsim_sha256_final(&c, d);
	hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	    w, sizeof(w));
	assert_memory_equal(d, w, sizeof(w));
	/* Lengths around the padding boundary agree byte-wise and at once. */
	for (i = 50; i < 70; i++) {
		uint8_t one[SMCSIM_SHA256_SIZE];
		unsigned int j;

		smcsim_sha256(a, i, one);
		smcsim_sha256_init(&c);
		for (j = 0; j < i; j++)
			smcsim_sha256_update(&c, a, 1);
		smcsim_sha256_final(&c, d);
		assert_memory_equal(d, one, sizeof(d));
	}
}

static void check_hmac(const void *key, size_t klen, const void *data,
		       size_t dlen, const char *want)
{
	uint8_t d[SMCSIM_SHA256_SIZE], w[SMCSIM_SHA256_SIZE];

	hex(want, w, sizeof(w));
	smcsim_hmac_sha256(key, klen, data, dlen, d);
	assert_memory_equal(d, w, sizeof(w));
}

static void hmac_sha256_rfc4231_vectors(void **state)
{
	static const char tc6[] =
		"Test Using Larger Than Block-Size Key - Hash Key First";
	static const char tc7[] =
		"This is a test using a larger than block-size key and a larger "
		"than block-size data. The key needs to be hashed before being "
		"used by the HMAC algorithm.";
	uint8_t k[131], m[50];
	unsigned int i;

	(void)state;
	memset(k, 0x0b, 20);
	check_hmac(k, 20, "Hi There", 8,
		   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);
	memset(m, 0xdd, 50);
	check_hmac(k, 20, m, 50,
		   "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	for (i = 0; i < 25; i++)
		k[i] = (uint8_t)(i + 1);
	memset(m, 0xcd, 50);
	check_hmac(k, 25, m, 50,
		   "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	memset(k, 0xaa, sizeof(k));
	check_hmac(k, 131, tc6, strlen(tc6),
		   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	check_hmac(k, 131, tc7, strlen(tc7),
		   "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
	assert_true(smcsim_memeq_ct("abc", "abc", 3));
	assert_false(smcsim_memeq_ct("abc", "abd", 3));
}

/* ---- the device ------------------------------------------------------------ */

static const uint8_t test_key[SMCSIM_RPMB_KEY_SIZE] = "0123456789abcdef0123456789abcdef";

struct fx {
	struct smcsim_rpmb_dev *d;
};

static int dev_setup_cfg(void **state, const struct smcsim_rpmb_cfg *cfg)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(smcsim_rpmb_dev_create(cfg, &f->d), 0);
	*state = f;
	return 0;
}

static int dev_setup(void **state)
{
	return dev_setup_cfg(state, NULL);
}

static int dev_setup_near_expiry(void **state)
{
	struct smcsim_rpmb_cfg cfg = { .write_counter = 0xfffffffeU };

	return dev_setup_cfg(state, &cfg);
}

static int dev_teardown(void **state)
{
	struct fx *f = *state;

	smcsim_rpmb_dev_destroy(f->d);
	free(f);
	return 0;
}

static uint16_t result_of(const struct smcsim_rpmb_frame *f)
{
	return smcsim_rpmb_get16(f->op_result);
}

static uint16_t program_key(struct smcsim_rpmb_dev *d, const uint8_t *key)
{
	struct smcsim_rpmb_frame req, rsp;

	memset(&req, 0, sizeof(req));
	memcpy(req.key_mac, key, SMCSIM_RPMB_KEY_SIZE);
	smcsim_rpmb_put16(req.msg_type, SMCSIM_RPMB_REQ_KEY_PROGRAM);
	assert_int_equal(smcsim_rpmb_dev_data_req(d, &req, 1, &rsp, 1), 0);
	assert_int_equal(smcsim_rpmb_get16(rsp.msg_type),
			 SMCSIM_RPMB_RESP_KEY_PROGRAM);
	return result_of(&rsp);
}

static uint16_t read_counter(struct smcsim_rpmb_dev *d, uint32_t *cnt,
			     bool want_mac)
{
	struct smcsim_rpmb_frame req, rsp;
	uint8_t mac[SMCSIM_RPMB_KEY_SIZE];

	memset(&req, 0, sizeof(req));
	memset(req.nonce, 0x5a, sizeof(req.nonce));
	smcsim_rpmb_put16(req.msg_type, SMCSIM_RPMB_REQ_WRITE_COUNTER);
	assert_int_equal(smcsim_rpmb_dev_data_req(d, &req, 1, &rsp, 1), 0);
	assert_int_equal(smcsim_rpmb_get16(rsp.msg_type),
			 SMCSIM_RPMB_RESP_WRITE_COUNTER);
	assert_memory_equal(rsp.nonce, req.nonce, sizeof(req.nonce));
	if (want_mac) {
		smcsim_rpmb_mac(test_key, &rsp, 1, mac);
		assert_memory_equal(mac, rsp.key_mac, sizeof(mac));
	}
	*cnt = smcsim_rpmb_get32(rsp.write_counter);
	return result_of(&rsp);
}

/* Build @n write frames of blocks @addr.. with counter @cnt, MAC'd by @key. */
static void build_write(struct smcsim_rpmb_frame *req, size_t n, uint16_t addr,
			uint32_t cnt, uint8_t fill, const uint8_t *key)
{
	size_t i;

	memset(req, 0, n * sizeof(*req));
	for (i = 0; i < n; i++) {
		memset(req[i].data, fill + (int)i, sizeof(req[i].data));
		smcsim_rpmb_put32(req[i].write_counter, cnt);
		smcsim_rpmb_put16(req[i].address, addr);
		smcsim_rpmb_put16(req[i].block_count, (uint16_t)n);
		smcsim_rpmb_put16(req[i].msg_type, SMCSIM_RPMB_REQ_WRITE_DATA);
	}
	smcsim_rpmb_mac(key, req, n, req[n - 1].key_mac);
}

static uint16_t write_frames(struct smcsim_rpmb_dev *d,
			     const struct smcsim_rpmb_frame *req, size_t n,
			     uint16_t addr, uint32_t *cnt_out)
{
	struct smcsim_rpmb_frame rsp;
	uint8_t mac[SMCSIM_RPMB_KEY_SIZE];

	assert_int_equal(smcsim_rpmb_dev_data_req(d, req, n, &rsp, 1), 0);
	assert_int_equal(smcsim_rpmb_get16(rsp.msg_type),
			 SMCSIM_RPMB_RESP_WRITE_DATA);
	assert_int_equal(smcsim_rpmb_get16(rsp.address), addr);
	smcsim_rpmb_mac(test_key, &rsp, 1, mac);
	assert_memory_equal(mac, rsp.key_mac, sizeof(mac));
	if (cnt_out)
		*cnt_out = smcsim_rpmb_get32(rsp.write_counter);
	return result_of(&rsp);
}

static void rpmb_dev_info(void **state)
{
	struct fx *f = *state;
	struct smcsim_rpmb_dev_info info;
	struct smcsim_rpmb_cfg bad = { .size_mult = 129 };
	struct smcsim_rpmb_dev *d;

	smcsim_rpmb_dev_get_info(f->d, &info);
	assert_memory_equal(info.cid, "SMCSIM-RPMB-0001", 16);
	assert_int_equal(info.rpmb_size_mult, 1);
	assert_int_equal(info.rel_wr_sec_c, 1);
	assert_int_equal(info.ret_code, SMCSIM_RPMB_DEV_INFO_OK);
	assert_int_equal(smcsim_rpmb_dev_blocks(f->d), 512);
	assert_int_equal(smcsim_rpmb_dev_create(&bad, &d), -EINVAL);
}

static void rpmb_key_not_programmed(void **state)
{
	struct fx *f = *state;
	struct smcsim_rpmb_frame req[1], rsp[2];
	uint32_t cnt;

	assert_int_equal(read_counter(f->d, &cnt, false),
			 SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED);
	build_write(req, 1, 0, 0, 1, test_key);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, req, 1, rsp, 1), 0);
	assert_int_equal(result_of(rsp),
			 SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED);
	memset(req, 0, sizeof(req));
	smcsim_rpmb_put16(req[0].msg_type, SMCSIM_RPMB_REQ_READ_DATA);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, req, 1, rsp, 2), 0);
	assert_int_equal(result_of(&rsp[1]),
			 SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED);
}

static void rpmb_key_programmed_once(void **state)
{
	struct fx *f = *state;
	struct smcsim_rpmb_dev_stats st;
	uint8_t other[SMCSIM_RPMB_KEY_SIZE];
	uint32_t cnt = 99;

	assert_int_equal(program_key(f->d, test_key), SMCSIM_RPMB_RESULT_OK);
	memset(other, 0x77, sizeof(other));
	assert_int_equal(program_key(f->d, other),
			 SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
	/* Still the first key: the counter answer is MAC'd with it. */
	assert_int_equal(read_counter(f->d, &cnt, true), SMCSIM_RPMB_RESULT_OK);
	assert_int_equal(cnt, 0);
	smcsim_rpmb_dev_get_stats(f->d, &st);
	assert_true(st.key_programmed);
	assert_int_equal(st.failures, 1);
}

static void rpmb_write_read_back(void **state)
{
	struct fx *f = *state;
	struct smcsim_rpmb_frame req[2], rsp[3], rreq;
	struct smcsim_rpmb_dev_stats st;
	uint8_t mac[SMCSIM_RPMB_KEY_SIZE], blk[SMCSIM_RPMB_DATA_SIZE];
	uint32_t cnt;
	size_t i;

	assert_int_equal(program_key(f->d, test_key), SMCSIM_RPMB_RESULT_OK);
	/* Two frames in one reliable write (rel_wr_sec_c 1 = 2 blocks). */
	build_write(req, 2, 10, 0, 0x40, test_key);
	assert_int_equal(write_frames(f->d, req, 2, 10, &cnt),
			 SMCSIM_RPMB_RESULT_OK);
	assert_int_equal(cnt, 1);
	assert_int_equal(smcsim_rpmb_dev_peek(f->d, 11, blk), 0);
	assert_int_equal(blk[0], 0x41);

	memset(&rreq, 0, sizeof(rreq));
	memset(rreq.nonce, 0xa5, sizeof(rreq.nonce));
	smcsim_rpmb_put16(rreq.address, 9);
	smcsim_rpmb_put16(rreq.msg_type, SMCSIM_RPMB_REQ_READ_DATA);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, &rreq, 1, rsp, 3), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(result_of(&rsp[i]), SMCSIM_RPMB_RESULT_OK);
		assert_int_equal(smcsim_rpmb_get16(rsp[i].msg_type),
				 SMCSIM_RPMB_RESP_READ_DATA);
		assert_int_equal(smcsim_rpmb_get16(rsp[i].block_count), 3);
		assert_memory_equal(rsp[i].nonce, rreq.nonce, 16);
	}
	assert_int_equal(rsp[0].data[0], 0);
	assert_int_equal(rsp[1].data[0], 0x40);
	assert_int_equal(rsp[2].data[255], 0x41);
	/* The MAC covers all three frames. */
	smcsim_rpmb_mac(test_key, rsp, 3, mac);
	assert_memory_equal(mac, rsp[2].key_mac, sizeof(mac));
	smcsim_rpmb_mac(test_key, &rsp[2], 1, mac);
	assert_memory_not_equal(mac, rsp[2].key_mac, sizeof(mac));

	smcsim_rpmb_dev_get_stats(f->d, &st);
	assert_int_equal(st.write_counter, 1);
	assert_int_equal(st.writes, 1);
	assert_int_equal(st.reads, 1);
	assert_int_equal(st.failures, 0);
}

static void rpmb_write_refusals(void **state)
{
	struct fx *f = *state;
	struct smcsim_rpmb_frame req[3], old;
	struct smcsim_rpmb_dev_stats st;
	uint8_t blk[SMCSIM_RPMB_DATA_SIZE], bad_key[SMCSIM_RPMB_KEY_SIZE];
	uint32_t cnt;

	assert_int_equal(program_key(f->d, test_key), SMCSIM_RPMB_RESULT_OK);
	build_write(req, 1, 5, 0, 0x11, test_key);
	old = req[0];
	assert_int_equal(write_frames(f->d, req, 1, 5, &cnt),
			 SMCSIM_RPMB_RESULT_OK);

	/* Replay: a valid MAC but the old counter. */
	assert_int_equal(write_frames(f->d, &old, 1, 5, &cnt),
			 SMCSIM_RPMB_RESULT_COUNTER_FAILURE);
	assert_int_equal(cnt, 1);
	/* Wrong key; then one bit of data flipped after the MAC. */
	memset(bad_key, 1, sizeof(bad_key));
	build_write(req, 1, 5, 1, 0x22, bad_key);
	assert_int_equal(write_frames(f->d, req, 1, 5, NULL),
			 SMCSIM_RPMB_RESULT_AUTH_FAILURE);
	build_write(req, 1, 5, 1, 0x22, test_key);
	req[0].data[7] ^= 1;
	assert_int_equal(write_frames(f->d, req, 1, 5, NULL),
			 SMCSIM_RPMB_RESULT_AUTH_FAILURE);
	/* Past the end; more frames than block_count or the reliable count. */
	build_write(req, 1, 512, 1, 0x22, test_key);
	assert_int_equal(write_frames(f->d, req, 1, 512, NULL),
			 SMCSIM_RPMB_RESULT_ADDRESS_FAILURE);
	/* Two blocks from the last one: the second would be past the end. */
	build_write(req, 2, 511, 1, 0x22, test_key);
	assert_int_equal(write_frames(f->d, req, 2, 511, NULL),
			 SMCSIM_RPMB_RESULT_ADDRESS_FAILURE);
	build_write(req, 3, 0, 1, 0x22, test_key);
	assert_int_equal(write_frames(f->d, req, 3, 0, NULL),
			 SMCSIM_RPMB_RESULT_GENERAL_FAILURE);

	assert_int_equal(smcsim_rpmb_dev_peek(f->d, 5, blk), 0);
	assert_int_equal(blk[0], 0x11);
	assert_int_equal(smcsim_rpmb_dev_peek(f->d, 511, blk), 0);
	assert_int_equal(blk[0], 0);
	smcsim_rpmb_dev_get_stats(f->d, &st);
	assert_int_equal(st.write_counter, 1);
	assert_int_equal(st.writes, 1);
	assert_int_equal(st.failures, 6);
	assert_int_equal(st.last_result, SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
	assert_int_equal(smcsim_rpmb_dev_peek(f->d, 512, blk), -ERANGE);
}

static void rpmb_counter_expiry(void **state)
{
	struct fx *f = *state;
	struct smcsim_rpmb_frame req;
	uint32_t cnt;

	assert_int_equal(program_key(f->d, test_key), SMCSIM_RPMB_RESULT_OK);
	build_write(&req, 1, 0, 0xfffffffeU, 1, test_key);
	assert_int_equal(write_frames(f->d, &req, 1, 0, &cnt),
			 SMCSIM_RPMB_RESULT_OK | SMCSIM_RPMB_RESULT_COUNTER_EXPIRED);
	assert_int_equal(cnt, 0xffffffffU);
	build_write(&req, 1, 0, 0xffffffffU, 1, test_key);
	assert_int_equal(write_frames(f->d, &req, 1, 0, NULL),
			 SMCSIM_RPMB_RESULT_WRITE_FAILURE |
			 SMCSIM_RPMB_RESULT_COUNTER_EXPIRED);
	assert_int_equal(read_counter(f->d, &cnt, true),
			 SMCSIM_RPMB_RESULT_COUNTER_EXPIRED);
}

static void rpmb_protocol_sequencing(void **state)
{
	struct fx *f = *state;
	struct smcsim_rpmb_frame req[2], rsp[2];

	assert_int_equal(program_key(f->d, test_key), SMCSIM_RPMB_RESULT_OK);
	/* Nothing owed: nothing to read. */
	assert_int_equal(smcsim_rpmb_dev_read_frames(f->d, rsp, 1), -EINVAL);
	/* A write answers only after RESULT_READ. */
	build_write(req, 1, 3, 0, 9, test_key);
	assert_int_equal(smcsim_rpmb_dev_write_frames(f->d, req, 1), 0);
	assert_int_equal(smcsim_rpmb_dev_read_frames(f->d, rsp, 1), -EINVAL);
	memset(req, 0, sizeof(req));
	smcsim_rpmb_put16(req[0].msg_type, SMCSIM_RPMB_REQ_RESULT_READ);
	assert_int_equal(smcsim_rpmb_dev_write_frames(f->d, req, 1), 0);
	assert_int_equal(smcsim_rpmb_dev_read_frames(f->d, rsp, 2), -EINVAL);
	assert_int_equal(smcsim_rpmb_dev_read_frames(f->d, rsp, 1), 0);
	assert_int_equal(result_of(rsp), SMCSIM_RPMB_RESULT_OK);
	assert_int_equal(smcsim_rpmb_get32(rsp[0].write_counter), 1);
	/* A RESULT_READ with no write before it. */
	assert_int_equal(smcsim_rpmb_dev_write_frames(f->d, req, 1), 0);
	assert_int_equal(smcsim_rpmb_dev_read_frames(f->d, rsp, 1), 0);
	assert_int_equal(result_of(rsp), SMCSIM_RPMB_RESULT_GENERAL_FAILURE);

	/* Shapes tee-supplicant refuses. */
	memset(req, 0, sizeof(req));
	smcsim_rpmb_put16(req[0].msg_type, SMCSIM_RPMB_REQ_WRITE_COUNTER);
	smcsim_rpmb_put16(req[1].msg_type, SMCSIM_RPMB_REQ_READ_DATA);
	assert_int_equal(smcsim_rpmb_dev_write_frames(f->d, req, 2), -EINVAL);
	assert_int_equal(smcsim_rpmb_dev_write_frames(f->d, req, 0), -EINVAL);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, req, 1, rsp, 2), -EINVAL);
	smcsim_rpmb_put16(req[0].msg_type, SMCSIM_RPMB_REQ_READ_DATA);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, req, 2, rsp, 1), -EINVAL);
	smcsim_rpmb_put16(req[0].msg_type, 0x0042);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, req, 1, rsp, 1), -EINVAL);
	build_write(req, 1, 3, 1, 9, test_key);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, req, 1, rsp, 2), -EINVAL);
	/* A read past the end. */
	memset(req, 0, sizeof(req));
	smcsim_rpmb_put16(req[0].address, 511);
	smcsim_rpmb_put16(req[0].msg_type, SMCSIM_RPMB_REQ_READ_DATA);
	assert_int_equal(smcsim_rpmb_dev_data_req(f->d, req, 1, rsp, 2), 0);
	assert_int_equal(result_of(&rsp[1]), SMCSIM_RPMB_RESULT_ADDRESS_FAILURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_fips180_vectors),
		cmocka_unit_test(hmac_sha256_rfc4231_vectors),
		cmocka_unit_test_setup_teardown(rpmb_dev_info, dev_setup,
						dev_teardown),
		cmocka_unit_test_setup_teardown(rpmb_key_not_programmed,
						dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(rpmb_key_programmed_once,
						dev_setup, dev_teardown),
		cmocka_unit_test_setup_teardown(rpmb_write_read_back, dev_setup,
						dev_teardown),
		cmocka_unit_test_setup_teardown(rpmb_write_refusals, dev_setup,
						dev_teardown),
		cmocka_unit_test_setup_teardown(rpmb_counter_expiry,
						dev_setup_near_expiry,
						dev_teardown),
		cmocka_unit_test_setup_teardown(rpmb_protocol_sequencing,
						dev_setup, dev_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
