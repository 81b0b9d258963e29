// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: the simulated RPMB device (lib/rpmb.c) fed sequences of
 * frames, checked against a model of the eMMC protocol kept here.
 *
 * Input layout: byte 0 configures the device: bits 0..1 rel_wr_sec_c - 1,
 * bits 2..3 the starting write counter (0, 0xfffffffe, 0xffffffff, 5).
 * Then records, each an opcode byte (% 7) and its operands, zeros once the
 * input runs out:
 *   0 KEY	 k: smcsim_rpmb_dev_data_req(KEY_PROGRAM), key bytes k + i
 *   1 COUNTER	 nonce byte, rsp_n byte: data_req(WRITE_COUNTER), rsp_n % 2 + 1
 *   2 WRITE	 n byte (% 4 + 1), address u16, flags, fill byte:
 *		 data_req(WRITE_DATA) of n frames carrying the model's
 *		 counter and a MAC with the model's key, unless flags bit 0
 *		 (MAC flipped), bit 1 (counter + 1), bit 2 (block_count + 1),
 *		 bit 3 (last frame typed READ_DATA: mixed types)
 *   3 READ	 address u16, n byte (% 4 + 1), nonce byte: data_req(READ_DATA)
 *   4 RAW_WRITE n byte (% 4, 0 allowed), then per frame: msg_type u16,
 *		 address u16, block_count u16, counter u32, fill byte, mac
 *		 byte (0: the model's MAC over the frames so far, else raw):
 *		 smcsim_rpmb_dev_write_frames()
 *   5 RAW_READ	 n byte (% 4): smcsim_rpmb_dev_read_frames()
 *   6 RESULT	 one RESULT_READ request frame written
 * (u16 and u32 little-endian in the input, written big-endian to frames).
 *
 * The model predicts every return code and response field: write counter,
 * result (with the expired bit), address, block count, nonce, data, and the
 * response MAC under the model's key. Checked as well: the write counter
 * never goes down and moves only with a successful write; the key, once
 * set, stays; block contents change only by authenticated writes (all
 * blocks compared through smcsim_rpmb_dev_peek() at the end of an input
 * that wrote); the statistics agree. Out-of-bounds accesses are the
 * sanitizers' job.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/rpmb.h>

#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES	4
#define NBLOCKS		(SMCSIM_RPMB_SIZE_UNIT / SMCSIM_RPMB_DATA_SIZE)
#define MAX_OPS		64

enum pend { P_NONE, P_WRITE, P_RESULT, P_COUNTER, P_READ };

/* What the device should be. */
static struct model {
	uint8_t key[SMCSIM_RPMB_KEY_SIZE];
	bool key_set;
	uint32_t counter;
	unsigned int rel_wr;
	enum pend pend;
	uint16_t resp_type;
	uint16_t result;
	uint16_t addr;
	uint16_t count;
	uint8_t nonce[SMCSIM_RPMB_NONCE_SIZE];
	unsigned int writes, reads, failures;
	uint16_t last_result;
	uint8_t blocks[NBLOCKS][SMCSIM_RPMB_DATA_SIZE];
} m;

static void fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_rpmb_frame: %s\n", why);
	abort();
}

/* ---- the model ------------------------------------------------------------ */

static uint16_t m_expired(void)
{
	return m.counter == 0xffffffffU ? SMCSIM_RPMB_RESULT_COUNTER_EXPIRED : 0;
}

static void m_owe_write(uint16_t type, uint16_t result)
{
	m.pend = P_WRITE;
	m.resp_type = type;
	m.result = result;
}

static uint16_t m_write_data(const struct smcsim_rpmb_frame *req, size_t n)
{
	const struct smcsim_rpmb_frame *last = &req[n - 1];
	uint8_t mac[SMCSIM_RPMB_KEY_SIZE];
	size_t i;

	m.addr = smcsim_rpmb_get16(last->address);
	m.count = smcsim_rpmb_get16(last->block_count);
	if (m.count != n || n > 2U * m.rel_wr)
		return SMCSIM_RPMB_RESULT_GENERAL_FAILURE;
	if (!m.key_set)
		return SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED;
	if (m.counter == 0xffffffffU)
		return SMCSIM_RPMB_RESULT_WRITE_FAILURE |
		       SMCSIM_RPMB_RESULT_COUNTER_EXPIRED;
	smcsim_rpmb_mac(m.key, req, n, mac);
	if (memcmp(mac, last->key_mac, sizeof(mac)))
		return SMCSIM_RPMB_RESULT_AUTH_FAILURE;
	if (smcsim_rpmb_get32(last->write_counter) != m.counter)
		return SMCSIM_RPMB_RESULT_COUNTER_FAILURE;
	if ((size_t)m.addr + n > NBLOCKS)
		return SMCSIM_RPMB_RESULT_ADDRESS_FAILURE;
	for (i = 0; i < n; i++)
		memcpy(m.blocks[m.addr + i], req[i].data, SMCSIM_RPMB_DATA_SIZE);
	m.counter++;
	m.writes++;
	return m_expired();
}

/* Return: the rc write_frames should give. */
static int m_write(const struct smcsim_rpmb_frame *req, size_t n)
{
	uint16_t type;
	size_t i;

	if (!n)
		return -EINVAL;
	type = smcsim_rpmb_get16(req[0].msg_type);
	for (i = 1; i < n; i++)
		if (smcsim_rpmb_get16(req[i].msg_type) != type)
			return -EINVAL;
	switch (type) {
	case SMCSIM_RPMB_REQ_KEY_PROGRAM:
		if (n != 1 || m.key_set) {
			m_owe_write(SMCSIM_RPMB_RESP_KEY_PROGRAM,
				    SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
			break;
		}
		memcpy(m.key, req[0].key_mac, sizeof(m.key));
		m.key_set = true;
		m.addr = 0;
		m.count = 0;
		m_owe_write(SMCSIM_RPMB_RESP_KEY_PROGRAM, SMCSIM_RPMB_RESULT_OK);
		break;
	case SMCSIM_RPMB_REQ_WRITE_DATA:
		m_owe_write(SMCSIM_RPMB_RESP_WRITE_DATA, m_write_data(req, n));
		break;
	case SMCSIM_RPMB_REQ_RESULT_READ:
		if (n != 1 || m.pend != P_WRITE)
			m_owe_write(0, SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
		m.pend = P_RESULT;
		break;
	case SMCSIM_RPMB_REQ_WRITE_COUNTER:
	case SMCSIM_RPMB_REQ_READ_DATA:
		m.pend = type == SMCSIM_RPMB_REQ_READ_DATA ? P_READ : P_COUNTER;
		m.resp_type = (uint16_t)(type << 8);
		memcpy(m.nonce, req[0].nonce, sizeof(m.nonce));
		m.addr = smcsim_rpmb_get16(req[0].address);
		m.result = n != 1 ? SMCSIM_RPMB_RESULT_GENERAL_FAILURE :
			   !m.key_set ? SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED :
			   SMCSIM_RPMB_RESULT_OK;
		break;
	default:
		m_owe_write(0, SMCSIM_RPMB_RESULT_GENERAL_FAILURE);
		m.pend = P_RESULT;
		break;
	}
	return 0;
}

/* Check @n response frames the device gave against the model's answer. */
static int m_read_check(const struct smcsim_rpmb_frame *rsp, size_t n, int rc)
{
	uint16_t result = m.result;
	uint8_t mac[SMCSIM_RPMB_KEY_SIZE];
	size_t i;

	if (!n || m.pend == P_NONE || m.pend == P_WRITE ||
	    (m.pend != P_READ && n != 1)) {
		if (rc != -EINVAL)
			fuzz_fail("read accepted with no fitting answer owed");
		return rc;
	}
	if (rc)
		fuzz_fail("read refused with an answer owed");
	if (m.pend == P_READ && !result && (size_t)m.addr + n > NBLOCKS)
		result = SMCSIM_RPMB_RESULT_ADDRESS_FAILURE;
	if (m.pend != P_RESULT)
		result |= m_expired();
	for (i = 0; i < n; i++) {
		const struct smcsim_rpmb_frame *f = &rsp[i];

		if (smcsim_rpmb_get16(f->msg_type) != m.resp_type)
			fuzz_fail("response type");
		if (smcsim_rpmb_get16(f->op_result) != result)
			fuzz_fail("response result");
		if (smcsim_rpmb_get16(f->address) != m.addr)
			fuzz_fail("response address");
		if (m.pend == P_READ) {
			if (smcsim_rpmb_get16(f->block_count) != n ||
			    memcmp(f->nonce, m.nonce, sizeof(m.nonce)))
				fuzz_fail("read response block count or nonce");
			if (!(result & SMCSIM_RPMB_RESULT_MASK) &&
			    memcmp(f->data, m.blocks[m.addr + i],
				   SMCSIM_RPMB_DATA_SIZE))
				fuzz_fail("read data is not what was written");
		} else if (m.pend == P_COUNTER) {
			if (memcmp(f->nonce, m.nonce, sizeof(m.nonce)) ||
			    smcsim_rpmb_get32(f->write_counter) != m.counter)
				fuzz_fail("counter response");
		} else if (smcsim_rpmb_get16(f->block_count) != m.count ||
			   smcsim_rpmb_get32(f->write_counter) != m.counter) {
			fuzz_fail("result response");
		}
	}
	if (m.key_set && m.resp_type != SMCSIM_RPMB_RESP_KEY_PROGRAM) {
		smcsim_rpmb_mac(m.key, rsp, n, mac);
		if (memcmp(mac, rsp[n - 1].key_mac, sizeof(mac)))
			fuzz_fail("response MAC does not verify");
	}
	if (m.pend == P_READ && !(result & SMCSIM_RPMB_RESULT_MASK))
		m.reads++;
	if (result & SMCSIM_RPMB_RESULT_MASK)
		m.failures++;
	m.last_result = result;
	m.pend = P_NONE;
	return 0;
}

static void check_stats(struct smcsim_rpmb_dev *d, uint32_t *counter)
{
	struct smcsim_rpmb_dev_stats st;

	smcsim_rpmb_dev_get_stats(d, &st);
	if (st.write_counter < *counter)
		fuzz_fail("write counter went down");
	*counter = st.write_counter;
	if (st.write_counter != m.counter || st.key_programmed != m.key_set ||
	    st.writes != m.writes || st.reads != m.reads ||
	    st.failures != m.failures || st.last_result != m.last_result)
		fuzz_fail("device state is not the model's");
}

/* ---- records ------------------------------------------------------------- */

static void frame_init(struct smcsim_rpmb_frame *f, uint16_t type)
{
	memset(f, 0, sizeof(*f));
	smcsim_rpmb_put16(f->msg_type, type);
}

/* A tee-supplicant request: the model's rc and answer, then compare. */
static void data_req(struct smcsim_rpmb_dev *d,
		     const struct smcsim_rpmb_frame *req, size_t req_n,
		     size_t rsp_n)
{
	struct smcsim_rpmb_frame rsp[MAX_FRAMES], rr;
	uint16_t type = smcsim_rpmb_get16(req[0].msg_type);
	struct model saved;
	bool write;
	int rc, want;

	write = type == SMCSIM_RPMB_REQ_KEY_PROGRAM ||
		type == SMCSIM_RPMB_REQ_WRITE_DATA;
	rc = smcsim_rpmb_dev_data_req(d, req, req_n, rsp, rsp_n);
	if ((write && rsp_n != 1) || (!write && (req_n != 1 ||
	    (type == SMCSIM_RPMB_REQ_WRITE_COUNTER && rsp_n != 1)))) {
		if (rc != -EINVAL)
			fuzz_fail("data_req accepted a request tee-supplicant refuses");
		return;
	}
	memcpy(&saved, &m, offsetof(struct model, blocks));
	want = m_write(req, req_n);
	if (want) {
		if (rc != want)
			fuzz_fail("data_req accepted mixed frame types");
		/* Refused: nothing happened. */
		if (memcmp(&saved, &m, offsetof(struct model, blocks)))
			fuzz_fail("model changed on a refused request");
		return;
	}
	if (write) {
		frame_init(&rr, SMCSIM_RPMB_REQ_RESULT_READ);
		m_write(&rr, 1);
	}
	m_read_check(rsp, rsp_n, rc);
}

static void op_write(struct smcsim_rpmb_dev *d, struct stream *s)
{
	struct smcsim_rpmb_frame req[MAX_FRAMES];
	size_t n = take8(s) % MAX_FRAMES + 1, i;
	uint16_t addr = take16(s);
	uint8_t flags = take8(s), fill = take8(s);

	for (i = 0; i < n; i++) {
		frame_init(&req[i], SMCSIM_RPMB_REQ_WRITE_DATA);
		memset(req[i].data, fill + (uint8_t)i, sizeof(req[i].data));
		smcsim_rpmb_put16(req[i].address, addr);
		smcsim_rpmb_put16(req[i].block_count,
				  (uint16_t)(n + !!(flags & 4)));
		smcsim_rpmb_put32(req[i].write_counter,
				  m.counter + !!(flags & 2));
	}
	if (flags & 8)
		smcsim_rpmb_put16(req[n - 1].msg_type,
				  SMCSIM_RPMB_REQ_READ_DATA);
	smcsim_rpmb_mac(m.key, req, n, req[n - 1].key_mac);
	if (flags & 1)
		req[n - 1].key_mac[flags % SMCSIM_RPMB_KEY_SIZE] ^= 0x01;
	data_req(d, req, n, 1);
}

static void op_raw_write(struct smcsim_rpmb_dev *d, struct stream *s)
{
	struct smcsim_rpmb_frame req[MAX_FRAMES];
	size_t n = take8(s) % MAX_FRAMES, i;
	int rc;

	for (i = 0; i < n; i++) {
		frame_init(&req[i], take16(s));
		smcsim_rpmb_put16(req[i].address, take16(s));
		smcsim_rpmb_put16(req[i].block_count, take16(s));
		smcsim_rpmb_put32(req[i].write_counter, take32(s));
		memset(req[i].data, take8(s), sizeof(req[i].data));
		memset(req[i].nonce, req[i].data[0] ^ 0x5A,
		       sizeof(req[i].nonce));
		if (!take8(s))
			smcsim_rpmb_mac(m.key, req, i + 1, req[i].key_mac);
		else
			memset(req[i].key_mac, req[i].data[0],
			       sizeof(req[i].key_mac));
	}
	rc = smcsim_rpmb_dev_write_frames(d, req, n);
	if (rc != m_write(req, n))
		fuzz_fail("write_frames: rc is not the model's");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t counters[] = { 0, 0xfffffffeU, 0xffffffffU, 5 };
	struct smcsim_rpmb_frame req[MAX_FRAMES], rsp[MAX_FRAMES];
	uint8_t blk[SMCSIM_RPMB_DATA_SIZE];
	struct smcsim_rpmb_cfg cfg = { 0 };
	struct smcsim_rpmb_dev *d;
	struct stream s;
	uint32_t counter;
	unsigned int ops, i;
	size_t n;
	uint8_t k;

	if (!size)
		return 0;
	cfg.rel_wr_sec_c = (data[0] & 3) + 1;
	cfg.write_counter = counters[(data[0] >> 2) & 3];
	if (smcsim_rpmb_dev_create(&cfg, &d))
		fuzz_fail("smcsim_rpmb_dev_create");
	if (smcsim_rpmb_dev_blocks(d) != NBLOCKS)
		fuzz_fail("not 512 blocks");
	memset(&m, 0, sizeof(m));
	m.counter = counter = cfg.write_counter;
	m.rel_wr = cfg.rel_wr_sec_c;
	s.p = data + 1;
	s.n = size - 1;

	for (ops = 0; s.n && ops < MAX_OPS; ops++) {
		switch (take8(&s) % 7) {
		case 0:
			frame_init(&req[0], SMCSIM_RPMB_REQ_KEY_PROGRAM);
			k = take8(&s);
			for (i = 0; i < SMCSIM_RPMB_KEY_SIZE; i++)
				req[0].key_mac[i] = (uint8_t)(k + i);
			data_req(d, req, 1, 1);
			break;
		case 1:
			frame_init(&req[0], SMCSIM_RPMB_REQ_WRITE_COUNTER);
			memset(req[0].nonce, take8(&s), sizeof(req[0].nonce));
			data_req(d, req, 1, take8(&s) % 2 + 1);
			break;
		case 2:
			op_write(d, &s);
			break;
		case 3:
			frame_init(&req[0], SMCSIM_RPMB_REQ_READ_DATA);
			smcsim_rpmb_put16(req[0].address, take16(&s));
			n = take8(&s) % MAX_FRAMES + 1;
			memset(req[0].nonce, take8(&s), sizeof(req[0].nonce));
			data_req(d, req, 1, n);
			break;
		case 4:
			op_raw_write(d, &s);
			break;
		case 5:
			n = take8(&s) % MAX_FRAMES;
			m_read_check(rsp, n,
				     smcsim_rpmb_dev_read_frames(d, rsp, n));
			break;
		default:
			frame_init(&req[0], SMCSIM_RPMB_REQ_RESULT_READ);
			if (smcsim_rpmb_dev_write_frames(d, req, 1) ||
			    m_write(req, 1))
				fuzz_fail("RESULT_READ refused");
			break;
		}
		check_stats(d, &counter);
	}

	if (m.writes) {
		for (i = 0; i < NBLOCKS; i++) {
			if (smcsim_rpmb_dev_peek(d, i, blk) ||
			    memcmp(blk, m.blocks[i], sizeof(blk)))
				fuzz_fail("stored block is not the model's");
		}
	}
	if (smcsim_rpmb_dev_peek(d, NBLOCKS, blk) != -ERANGE)
		fuzz_fail("peek past the end");
	smcsim_rpmb_dev_destroy(d);
	return 0;
}
