// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure-storage TA (SMCSIM_TA_STORAGE_UUID, sw_ta.h): objects kept in
 * the normal world's file system through tee-supplicant, with RPC FS as
 * OP-TEE's REE FS uses it (core/tee/tee_fs_rpc.c param layouts):
 *
 *   OPEN/CREATE  [0] value in a = cmd, [1] memref in NUL-terminated name,
 *                [2] value out a = fd
 *   CLOSE        [0] value in a = cmd, b = fd
 *   READ         [0] value in a = cmd, b = fd, c = offset; [1] memref out
 *                (size out = bytes read)
 *   WRITE        [0] value in a = cmd, b = fd, c = offset; [1] memref in
 *   RENAME       [0] value in a = cmd, b = overwrite; [1] old, [2] new name
 *   REMOVE       [0] value in a = cmd; [1] memref in name
 *
 * Names and data travel in application shared memory from RPC SHM_ALLOC
 * APPL, one allocation per command, freed before the command returns. A
 * write goes to "<name>.tmp" and is renamed over the object, so a failure
 * half-way (a dying supplicant) leaves the old object whole. Unlike
 * OP-TEE, nothing is encrypted: this models the RPC traffic, not the
 * cryptography.
 */
#include <string.h>

#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

#define PT(a, b, c, d) SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_##a, \
	SMCSIM_TA_PARAM_##b, SMCSIM_TA_PARAM_##c, SMCSIM_TA_PARAM_##d)

/* "/" + two hex digits per name byte + ".tmp" + NUL, rounded up. */
#define ST_FNAME_BUF	160
#define ST_OFF_NAME	0
#define ST_OFF_TMP	ST_FNAME_BUF
#define ST_OFF_DATA	(2 * ST_FNAME_BUF)

/**
 * struct st_op - one command's RPC state
 * @t:		the secure thread
 * @shm:	names at ST_OFF_NAME/ST_OFF_TMP, data at ST_OFF_DATA
 */
struct st_op {
	struct sw_thread *t;
	struct sw_rpc_shm shm;
};

static void st_fname(char *out, const uint8_t *name, size_t len,
		     const char *suffix)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	out[n++] = '/';
	for (i = 0; i < len; i++) {
		out[n++] = hex[name[i] >> 4];
		out[n++] = hex[name[i] & 15];
	}
	strcpy(out + n, suffix);
}

/* Allocate the shm and write the file names into it. */
static uint32_t st_begin(struct st_op *op, struct smcsim_ta_sess *s,
			 const union smcsim_ta_param *name, size_t data_room)
{
	char fname[ST_FNAME_BUF];
	struct smcsim_sw *sw;
	uint32_t res;

	memset(op, 0, sizeof(*op));
	op->t = s->t;
	if (!op->t)
		return TEE_ERROR_COMMUNICATION;
	sw = op->t->sw;
	if (!name->memref.buffer || !name->memref.size ||
	    name->memref.size > SMCSIM_TA_STORAGE_NAME_MAX)
		return TEE_ERROR_BAD_PARAMETERS;
	res = sw_rpc_shm_alloc(op->t, OPTEE_RPC_SHM_TYPE_APPL,
			       ST_OFF_DATA + data_room, &op->shm);
	if (res)
		return res;
	memset(fname, 0, sizeof(fname));
	st_fname(fname, name->memref.buffer, name->memref.size, "");
	if (sw_mem_write(sw, &op->shm.mem, ST_OFF_NAME, fname, sizeof(fname)))
		return TEE_ERROR_BAD_STATE;
	memset(fname, 0, sizeof(fname));
	st_fname(fname, name->memref.buffer, name->memref.size, ".tmp");
	if (sw_mem_write(sw, &op->shm.mem, ST_OFF_TMP, fname, sizeof(fname)))
		return TEE_ERROR_BAD_STATE;
	return TEE_SUCCESS;
}

static void st_end(struct st_op *op)
{
	if (op->t)
		sw_rpc_shm_free(op->t, &op->shm);
}

static void st_value(struct optee_msg_param *p, uint64_t attr, uint64_t a,
		     uint64_t b, uint64_t c)
{
	memset(p, 0, sizeof(*p));
	p->attr = attr;
	p->u.value.a = a;
	p->u.value.b = b;
	p->u.value.c = c;
}

static uint32_t st_fs(struct st_op *op, struct optee_msg_param *p,
		      uint32_t n)
{
	return sw_rpc_cmd(op->t, OPTEE_RPC_CMD_FS, p, n);
}

static uint32_t st_write(struct smcsim_ta_sess *s,
			 const union smcsim_ta_param prm[4])
{
	size_t len = prm[1].memref.size;
	struct optee_msg_param p[3];
	struct st_op op;
	uint32_t res, cres;
	uint64_t fd;

	if (len > SMCSIM_TA_STORAGE_DATA_MAX || (len && !prm[1].memref.buffer))
		return TEE_ERROR_BAD_PARAMETERS;
	res = st_begin(&op, s, &prm[0], len);
	if (res)
		goto out;
	if (len && sw_mem_write(op.t->sw, &op.shm.mem, ST_OFF_DATA,
				prm[1].memref.buffer, len)) {
		res = TEE_ERROR_BAD_STATE;
		goto out;
	}
	res = sw_rpc_fs_name(op.t, OPTEE_RPC_FS_CREATE, &op.shm, ST_OFF_TMP,
			     ST_FNAME_BUF, &fd);
	if (res)
		goto out;
	if (len) {
		st_value(&p[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
			 OPTEE_RPC_FS_WRITE, fd, 0);
		sw_rpc_shm_param(&op.shm, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT,
				 ST_OFF_DATA, len, &p[1]);
		res = st_fs(&op, p, 2);
	}
	cres = sw_rpc_fs_close(op.t, fd);
	if (!res)
		res = cres;
	if (res)
		goto out;
	st_value(&p[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, OPTEE_RPC_FS_RENAME,
		 1, 0);
	sw_rpc_shm_param(&op.shm, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, ST_OFF_TMP,
			 ST_FNAME_BUF, &p[1]);
	sw_rpc_shm_param(&op.shm, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, ST_OFF_NAME,
			 ST_FNAME_BUF, &p[2]);
	res = st_fs(&op, p, 3);
out:
	st_end(&op);
	return res;
}

static uint32_t st_read(struct smcsim_ta_sess *s, union smcsim_ta_param prm[4])
{
	/* One more than an object may hold: a bigger file is not ours. */
	const size_t room = SMCSIM_TA_STORAGE_DATA_MAX + 1;
	struct optee_msg_param p[2];
	struct st_op op;
	uint32_t res, cres;
	uint64_t fd, got = 0;

	if (!prm[1].memref.buffer && prm[1].memref.size)
		return TEE_ERROR_BAD_PARAMETERS;
	res = st_begin(&op, s, &prm[0], room);
	if (res)
		goto out;
	res = sw_rpc_fs_name(op.t, OPTEE_RPC_FS_OPEN, &op.shm, ST_OFF_NAME,
			     ST_FNAME_BUF, &fd);
	if (res)
		goto out;
	st_value(&p[0], OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, OPTEE_RPC_FS_READ,
		 fd, 0);
	sw_rpc_shm_param(&op.shm, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, ST_OFF_DATA,
			 room, &p[1]);
	res = st_fs(&op, p, 2);
	got = p[1].u.rmem.size;	/* read once */
	cres = sw_rpc_fs_close(op.t, fd);
	if (!res)
		res = cres;
	if (res)
		goto out;
	if (got > SMCSIM_TA_STORAGE_DATA_MAX) {
		res = TEE_ERROR_BAD_FORMAT;
		goto out;
	}
	if (prm[1].memref.size < got) {
		prm[1].memref.size = (size_t)got;
		res = TEE_ERROR_SHORT_BUFFER;
		goto out;
	}
	if (got && sw_mem_read(op.t->sw, &op.shm.mem, ST_OFF_DATA,
			       prm[1].memref.buffer, (size_t)got)) {
		res = TEE_ERROR_BAD_STATE;
		goto out;
	}
	prm[1].memref.size = (size_t)got;
out:
	st_end(&op);
	return res;
}

static uint32_t st_remove(struct smcsim_ta_sess *s,
			  const union smcsim_ta_param prm[4])
{
	struct st_op op;
	uint32_t res;

	res = st_begin(&op, s, &prm[0], 0);
	if (!res)
		res = sw_rpc_fs_name(op.t, OPTEE_RPC_FS_REMOVE, &op.shm,
				     ST_OFF_NAME, ST_FNAME_BUF, NULL);
	st_end(&op);
	return res;
}

static uint32_t storage_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			       uint32_t pt, union smcsim_ta_param p[4])
{
	switch (cmd) {
	case SMCSIM_TA_STORAGE_CMD_WRITE:
		if (pt != PT(MEMREF_INPUT, MEMREF_INPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return st_write(s, p);
	case SMCSIM_TA_STORAGE_CMD_READ:
		if (pt != PT(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return st_read(s, p);
	case SMCSIM_TA_STORAGE_CMD_REMOVE:
		if (pt != PT(MEMREF_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return st_remove(s, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops storage_ops = {
	.invoke = storage_invoke,
};

int sw_ta_storage_register(struct smcsim_sw *sw)
{
	const struct smcsim_ta_desc desc = {
		.uuid = SMCSIM_TA_STORAGE_UUID,
		.name = "storage",
		.ops = &storage_ops,
	};

	return smcsim_sw_register_ta(sw, &desc);
}
