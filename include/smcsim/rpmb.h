/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RPMB: the eMMC Replay Protected Memory Block as OP-TEE uses it, and a
 * simulated device for the tee-supplicant stand-in to serve RPC RPMB with.
 *
 * The wire formats are shared by both worlds (one copy, as the ABI headers):
 *  - struct smcsim_rpmb_frame: the 512-byte eMMC data frame; multi-byte
 *    fields are big-endian; the MAC is HMAC-SHA256 with the device's
 *    32-byte authentication key over bytes 228..511 (data to msg_type) of
 *    every frame of the request or response, stored in the last frame;
 *  - RPC RPMB (OPTEE_RPC_CMD_RPMB, docs/abi.md section 7): [0] memref in
 *    = a 6-byte request header (cmd, dev_id, block_count, host order, as
 *    tee-supplicant's struct rpmb_req) followed by request frames; [1]
 *    memref out = the response: frames for DATA_REQ, a 19-byte struct
 *    smcsim_rpmb_dev_info for GET_DEV_INFO.
 *
 * The device follows the eMMC protocol: a request (one or more frames of
 * one type) is written, then response frames are read. Authenticated
 * writes and key programming answer only to a following RESULT_READ
 * request. smcsim_rpmb_dev_data_req() runs the sequence tee-supplicant
 * runs for each request type. The device is thread-safe and outlives any
 * supplicant, so tests can inspect it (block contents, write counter,
 * last result) and hand it to a restarted supplicant.
 */
#ifndef SMCSIM_RPMB_H
#define SMCSIM_RPMB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMCSIM_RPMB_FRAME_SIZE	512
#define SMCSIM_RPMB_DATA_SIZE	256
#define SMCSIM_RPMB_KEY_SIZE	32
#define SMCSIM_RPMB_NONCE_SIZE	16
#define SMCSIM_RPMB_CID_SIZE	16
/* The MAC covers a frame from its data field to its end. */
#define SMCSIM_RPMB_MAC_OFFSET	228
#define SMCSIM_RPMB_MAC_LEN	(SMCSIM_RPMB_FRAME_SIZE - SMCSIM_RPMB_MAC_OFFSET)
/* One rpmb_size_mult unit: 128 KiB, 512 blocks. */
#define SMCSIM_RPMB_SIZE_UNIT	(128U * 1024)

/* Request and response message types (msg_type). */
#define SMCSIM_RPMB_REQ_KEY_PROGRAM	0x0001
#define SMCSIM_RPMB_REQ_WRITE_COUNTER	0x0002
#define SMCSIM_RPMB_REQ_WRITE_DATA	0x0003
#define SMCSIM_RPMB_REQ_READ_DATA	0x0004
#define SMCSIM_RPMB_REQ_RESULT_READ	0x0005
#define SMCSIM_RPMB_RESP_KEY_PROGRAM	0x0100
#define SMCSIM_RPMB_RESP_WRITE_COUNTER	0x0200
#define SMCSIM_RPMB_RESP_WRITE_DATA	0x0300
#define SMCSIM_RPMB_RESP_READ_DATA	0x0400

/* Operation results (op_result); bit 7 says the write counter expired. */
#define SMCSIM_RPMB_RESULT_OK			0x00
#define SMCSIM_RPMB_RESULT_GENERAL_FAILURE	0x01
#define SMCSIM_RPMB_RESULT_AUTH_FAILURE		0x02
#define SMCSIM_RPMB_RESULT_COUNTER_FAILURE	0x03
#define SMCSIM_RPMB_RESULT_ADDRESS_FAILURE	0x04
#define SMCSIM_RPMB_RESULT_WRITE_FAILURE	0x05
#define SMCSIM_RPMB_RESULT_READ_FAILURE		0x06
#define SMCSIM_RPMB_RESULT_AUTH_KEY_NOT_PROGRAMMED 0x07
#define SMCSIM_RPMB_RESULT_COUNTER_EXPIRED	0x80
#define SMCSIM_RPMB_RESULT_MASK			0x7f

/* RPC RPMB request header commands. */
#define SMCSIM_RPMB_CMD_DATA_REQ	0x00
#define SMCSIM_RPMB_CMD_GET_DEV_INFO	0x01
#define SMCSIM_RPMB_REQ_HDR_SIZE	6

/* struct smcsim_rpmb_dev_info.ret_code */
#define SMCSIM_RPMB_DEV_INFO_OK		0x00
#define SMCSIM_RPMB_DEV_INFO_ERROR	0x01

/**
 * struct smcsim_rpmb_frame - the eMMC RPMB data frame (all byte arrays:
 * no padding, any alignment; big-endian numbers)
 */
struct smcsim_rpmb_frame {
	uint8_t stuff[196];
	uint8_t key_mac[SMCSIM_RPMB_KEY_SIZE];
	uint8_t data[SMCSIM_RPMB_DATA_SIZE];
	uint8_t nonce[SMCSIM_RPMB_NONCE_SIZE];
	uint8_t write_counter[4];
	uint8_t address[2];
	uint8_t block_count[2];
	uint8_t op_result[2];
	uint8_t msg_type[2];
};

/**
 * struct smcsim_rpmb_dev_info - the GET_DEV_INFO answer (19 bytes)
 * @cid:		the card's CID register
 * @rpmb_size_mult:	EXT_CSD[168], size in 128 KiB units
 * @rel_wr_sec_c:	EXT_CSD[222], reliable write sectors (2 blocks each)
 * @ret_code:		SMCSIM_RPMB_DEV_INFO_*; the rest is valid if OK
 */
struct smcsim_rpmb_dev_info {
	uint8_t cid[SMCSIM_RPMB_CID_SIZE];
	uint8_t rpmb_size_mult;
	uint8_t rel_wr_sec_c;
	uint8_t ret_code;
};

/* Big-endian field access. */
static inline uint16_t smcsim_rpmb_get16(const uint8_t b[2])
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t smcsim_rpmb_get32(const uint8_t b[4])
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline void smcsim_rpmb_put16(uint8_t b[2], uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void smcsim_rpmb_put32(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/**
 * smcsim_rpmb_mac() - HMAC-SHA256 with @key over bytes 228..511 of each of
 * @n frames, in order
 */
void smcsim_rpmb_mac(const uint8_t key[SMCSIM_RPMB_KEY_SIZE],
		     const struct smcsim_rpmb_frame *frames, size_t n,
		     uint8_t mac[SMCSIM_RPMB_KEY_SIZE]);

/* ---- the simulated device ------------------------------------------------ */

struct smcsim_rpmb_dev;

/**
 * struct smcsim_rpmb_cfg - the device to build
 * @size_mult:	rpmb_size_mult, 1..128 (0 = 1): 512 blocks each
 * @rel_wr_sec_c: reliable write sector count (0 = 1); a write may carry
 *		up to 2 * @rel_wr_sec_c blocks
 * @cid:	the CID register (all zero = "SMCSIM-RPMB-0001")
 * @write_counter: the counter to start at (tests of expiry)
 */
struct smcsim_rpmb_cfg {
	unsigned int size_mult;
	unsigned int rel_wr_sec_c;
	uint8_t cid[SMCSIM_RPMB_CID_SIZE];
	uint32_t write_counter;
};

/**
 * struct smcsim_rpmb_dev_stats - what the device did
 * @write_counter:	its counter now
 * @key_programmed:	the key is set (for good)
 * @last_result:	op_result of the last response produced
 * @writes:		authenticated writes that succeeded
 * @reads:		authenticated reads that succeeded
 * @failures:		requests answered with a result other than OK
 */
struct smcsim_rpmb_dev_stats {
	uint32_t write_counter;
	bool key_programmed;
	uint16_t last_result;
	unsigned int writes;
	unsigned int reads;
	unsigned int failures;
};

/** smcsim_rpmb_dev_create() - @cfg may be NULL. Return: 0, -EINVAL, -ENOMEM */
int smcsim_rpmb_dev_create(const struct smcsim_rpmb_cfg *cfg,
			   struct smcsim_rpmb_dev **out);
/** smcsim_rpmb_dev_destroy() - NULL is ignored */
void smcsim_rpmb_dev_destroy(struct smcsim_rpmb_dev *d);
/** smcsim_rpmb_dev_get_info() - what GET_DEV_INFO answers (ret_code OK) */
void smcsim_rpmb_dev_get_info(struct smcsim_rpmb_dev *d,
			      struct smcsim_rpmb_dev_info *info);
/** smcsim_rpmb_dev_blocks() - 256-byte blocks on the device */
unsigned int smcsim_rpmb_dev_blocks(struct smcsim_rpmb_dev *d);

/**
 * smcsim_rpmb_dev_write_frames() - the host writes @n request frames
 * (eMMC CMD25). They must share one msg_type.
 * Return: 0; -EINVAL for no frames or mixed types (nothing happens).
 */
int smcsim_rpmb_dev_write_frames(struct smcsim_rpmb_dev *d,
				 const struct smcsim_rpmb_frame *req, size_t n);
/**
 * smcsim_rpmb_dev_read_frames() - the host reads @n response frames (CMD18):
 * the answer to the last WRITE_COUNTER, READ_DATA (@n blocks) or
 * RESULT_READ request. Return: 0; -EINVAL when no answer is pending or
 * @n does not fit it (1 except for READ_DATA).
 */
int smcsim_rpmb_dev_read_frames(struct smcsim_rpmb_dev *d,
				struct smcsim_rpmb_frame *rsp, size_t n);
/**
 * smcsim_rpmb_dev_data_req() - what tee-supplicant does for a DATA_REQ:
 * KEY_PROGRAM and WRITE_DATA are written, followed by a RESULT_READ
 * request, then one frame is read (@rsp_n must be 1); WRITE_COUNTER and
 * READ_DATA are written, then @rsp_n frames read (1 for WRITE_COUNTER).
 * Return: 0, or -EINVAL for a request tee-supplicant refuses (its
 * TEEC_ERROR_BAD_PARAMETERS).
 */
int smcsim_rpmb_dev_data_req(struct smcsim_rpmb_dev *d,
			     const struct smcsim_rpmb_frame *req, size_t req_n,
			     struct smcsim_rpmb_frame *rsp, size_t rsp_n);

/** smcsim_rpmb_dev_get_stats() - a snapshot */
void smcsim_rpmb_dev_get_stats(struct smcsim_rpmb_dev *d,
			       struct smcsim_rpmb_dev_stats *st);
/**
 * smcsim_rpmb_dev_peek() - block @addr as stored, bypassing authentication
 * (tests only). Return: 0, -ERANGE.
 */
int smcsim_rpmb_dev_peek(struct smcsim_rpmb_dev *d, unsigned int addr,
			 uint8_t out[SMCSIM_RPMB_DATA_SIZE]);

#endif /* SMCSIM_RPMB_H */
