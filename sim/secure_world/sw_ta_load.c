// SPDX-License-Identifier: BSD-2-Clause
/*
 * TAs the secure world does not have, loaded through tee-supplicant as
 * OP-TEE's REE FS TA store does (docs/abi.md sections 7.2 and 13), and the
 * RPC shared memory that needs:
 *
 *  1. RPC SHM_ALLOC / SHM_FREE: memory the normal world lends, checked;
 *     the RPC FS requests that name a file in it (sw_ta_storage.c too)
 *  2. programs: the TA entry points a TA file may name
 *  3. loading: LOAD_TA with a NULL memref for the size, SHM_ALLOC APPL of
 *     that size, LOAD_TA into it, one copy into secure memory, SHM_FREE,
 *     then verification (sw_ta.h: magic, version, sizes, UUID, checksum,
 *     known program) and registration under the UUID
 *  4. before that, the secure-storage TA store's look into the REE file
 *     system, as OP-TEE tries it first
 *
 * The loaded bytes are read once, through the secure world's own window on
 * the physical address the SHM_ALLOC answer gave; every check runs on the
 * secure copy, so a normal world that rewrites the buffer afterwards
 * changes nothing (OP-TEE copies the signed header for the same reason).
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

/* ---- 1. RPC shared memory ------------------------------------------------ */

static void sw_rpc_shm_free_cookie(struct sw_thread *t, uint32_t type,
				   uint64_t cookie)
{
	struct optee_msg_param p = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = type, .b = cookie },
	};

	/* Nothing to do about a failure: the memory is the normal world's. */
	sw_rpc_cmd(t, OPTEE_RPC_CMD_SHM_FREE, &p, 1);
}

uint32_t sw_rpc_shm_alloc(struct sw_thread *t, uint32_t type, size_t size,
			  struct sw_rpc_shm *out)
{
	const uint64_t allowed = OPTEE_MSG_ATTR_NONCONTIG |
				 (OPTEE_MSG_ATTR_CACHE_MASK <<
				  OPTEE_MSG_ATTR_CACHE_SHIFT);
	struct smcsim_sw *sw = t->sw;
	struct optee_msg_param p = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = type, .b = size, .c = 8 },
	};
	uint64_t attr, pa, sz, cookie;
	uint32_t res;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!size)
		return TEE_ERROR_BAD_PARAMETERS;
	res = sw_rpc_cmd(t, OPTEE_RPC_CMD_SHM_ALLOC, &p, 1);
	if (res)
		return res;
	/* The answer is read once, here. */
	attr = p.attr;
	pa = p.u.tmem.buf_ptr;
	sz = p.u.tmem.size;
	cookie = p.u.tmem.shm_ref;
	if (!cookie)
		goto bad;
	if ((attr & OPTEE_MSG_ATTR_TYPE_MASK) != OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT ||
	    (attr & ~(uint64_t)OPTEE_MSG_ATTR_TYPE_MASK & ~allowed) ||
	    sz < size || !pa)
		goto bad_free;
	if (attr & OPTEE_MSG_ATTR_NONCONTIG)
		rc = sw_mem_from_pagelist(sw, pa, size, &out->mem) ? -EFAULT : 0;
	else
		rc = sw_mem_from_pa(sw, pa, size, &out->mem);
	if (rc)
		goto bad_free;
	out->cookie = cookie;
	out->size = size;
	out->type = type;
	return TEE_SUCCESS;

bad_free:
	sw_rpc_shm_free_cookie(t, type, cookie);
bad:
	sw_log(sw, "thread %u: SHM_ALLOC answered attr 0x%llx pa 0x%llx size "
	       "%llu cookie 0x%llx for %zu bytes", t->id,
	       (unsigned long long)attr, (unsigned long long)pa,
	       (unsigned long long)sz, (unsigned long long)cookie, size);
	return TEE_ERROR_OUT_OF_MEMORY;
}

void sw_rpc_shm_free(struct sw_thread *t, struct sw_rpc_shm *shm)
{
	if (!shm->cookie)
		return;
	sw_mem_release(t->sw, &shm->mem);
	sw_rpc_shm_free_cookie(t, shm->type, shm->cookie);
	memset(shm, 0, sizeof(*shm));
}

void sw_rpc_shm_param(const struct sw_rpc_shm *shm, uint64_t dir,
		      uint64_t offs, uint64_t size, struct optee_msg_param *p)
{
	/*
	 * Memory from SHM_ALLOC has a cookie, so OP-TEE names it by cookie
	 * and offset (RMEM, get_rpc_arg()'s set_rmem()), whatever form the
	 * normal world's answer took.
	 */
	memset(p, 0, sizeof(*p));
	p->attr = dir - OPTEE_MSG_ATTR_TYPE_TMEM_INPUT +
		  OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	p->u.rmem.offs = offs;
	p->u.rmem.size = size;
	p->u.rmem.shm_ref = shm->cookie;
}

/*
 * OP-TEE's tee_fs_rpc.c layout: [0] value in a = @op, [1] memref in the
 * name, and for OPEN and CREATE [2] value out a = the descriptor.
 */
uint32_t sw_rpc_fs_name(struct sw_thread *t, uint32_t op,
			const struct sw_rpc_shm *shm, uint64_t offs,
			uint64_t len, uint64_t *fd)
{
	struct optee_msg_param p[3];
	uint32_t res;

	memset(p, 0, sizeof(p));
	p[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	p[0].u.value.a = op;
	sw_rpc_shm_param(shm, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT, offs, len, &p[1]);
	p[2].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	res = sw_rpc_cmd(t, OPTEE_RPC_CMD_FS, p, fd ? 3 : 2);
	if (!res && fd)
		*fd = p[2].u.value.a;
	return res;
}

uint32_t sw_rpc_fs_close(struct sw_thread *t, uint64_t fd)
{
	struct optee_msg_param p = {
		.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT,
		.u.value = { .a = OPTEE_RPC_FS_CLOSE, .b = fd },
	};

	return sw_rpc_cmd(t, OPTEE_RPC_CMD_FS, &p, 1);
}

/* ---- 2. programs --------------------------------------------------------- */

/* Caller holds sw->ta_lock. */
static struct sw_ta_program *sw_program_find(struct smcsim_sw *sw,
					     const char *name)
{
	struct sw_ta_program *pg;

	TAILQ_FOREACH(pg, &sw->programs, link)
		if (!strcmp(pg->name, name))
			return pg;
	return NULL;
}

int smcsim_sw_register_ta_program(struct smcsim_sw *sw, const char *name,
				  const struct smcsim_ta_ops *ops)
{
	struct sw_ta_program *pg;
	size_t len;

	if (!name || !ops || !ops->invoke)
		return -EINVAL;
	len = strlen(name);
	if (!len || len >= SMCSIM_TA_FILE_PROGRAM_LEN)
		return -EINVAL;
	pg = smcsim_zalloc(sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	memcpy(pg->name, name, len);
	pg->ops = ops;

	rt_mutex_lock(&sw->ta_lock);
	if (sw_program_find(sw, name)) {
		rt_mutex_unlock(&sw->ta_lock);
		smcsim_free(pg);
		return -EEXIST;
	}
	TAILQ_INSERT_TAIL(&sw->programs, pg, link);
	rt_mutex_unlock(&sw->ta_lock);
	return 0;
}

/* A built-in TA's entry points become the program @name. */
static int sw_program_from_builtin(struct smcsim_sw *sw, const char *name,
				   const struct smcsim_uuid *uuid)
{
	struct sw_ta *ta = sw_ta_lookup(sw, uuid);

	return ta ? smcsim_sw_register_ta_program(sw, name, ta->desc.ops) :
		    -ENOENT;
}

int sw_ta_load_init(struct smcsim_sw *sw)
{
	static const struct {
		const char *name;
		struct smcsim_uuid uuid;
	} builtin[] = {
		{ "echo", SMCSIM_TA_ECHO_UUID },
		{ "sleep", SMCSIM_TA_SLEEP_UUID },
		{ "panic", SMCSIM_TA_PANIC_UUID },
		{ "notif", SMCSIM_TA_NOTIF_UUID },
	};
	size_t i;
	int rc;

	rc = sw_ta_storage_register(sw);
	if (rc)
		return rc;
	rc = sw_ta_rpmb_register(sw);
	if (rc)
		return rc;
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		rc = sw_program_from_builtin(sw, builtin[i].name,
					     &builtin[i].uuid);
		if (rc)
			return rc;
	}
	return sw_program_from_builtin(sw, "storage",
				       &(struct smcsim_uuid)SMCSIM_TA_STORAGE_UUID);
}

void sw_ta_load_fini(struct smcsim_sw *sw)
{
	struct sw_ta_program *pg;

	sw_ta_rpmb_fini(sw);
	while ((pg = TAILQ_FIRST(&sw->programs))) {
		TAILQ_REMOVE(&sw->programs, pg, link);
		smcsim_free(pg);
	}
}

/* ---- 3. loading ---------------------------------------------------------- */

/*
 * Check the secure copy of a TA file. Return: the program, or NULL with
 * the reason logged. *@flags receives the TA's flags.
 */
static struct sw_ta_program *sw_ta_file_verify(struct smcsim_sw *sw,
					       const uint8_t *file, size_t size,
					       const struct smcsim_uuid *uuid,
					       uint32_t *flags)
{
	const uint32_t known = SMCSIM_TA_FLAG_DEVICE | SMCSIM_TA_FLAG_KERNEL_ONLY;
	struct smcsim_ta_file_hdr h;
	struct sw_ta_program *pg;
	struct smcsim_uuid fu;
	const char *why;

	if (size < sizeof(h)) {
		why = "shorter than a header";
		goto bad;
	}
	memcpy(&h, file, sizeof(h));
	smcsim_uuid_from_octets(&fu, h.uuid);
	if (le32toh(h.magic) != SMCSIM_TA_FILE_MAGIC)
		why = "bad magic";
	else if (le16toh(h.version) != SMCSIM_TA_FILE_VERSION)
		why = "unknown version";
	else if (le16toh(h.hdr_size) != sizeof(h) ||
		 size != sizeof(h) + (uint64_t)le32toh(h.payload_size))
		why = "sizes do not add up";
	else if (le32toh(h.checksum) != smcsim_ta_file_checksum(&h))
		why = "bad checksum";
	else if (!smcsim_uuid_equal(&fu, uuid))
		why = "UUID is not the one asked for";
	else if (!memchr(h.program, 0, sizeof(h.program)))
		why = "program name not terminated";
	else if (le32toh(h.flags) & ~known)
		why = "unknown flags";
	else if (h.reserved)
		why = "reserved field set";
	else
		why = NULL;
	if (why)
		goto bad;

	rt_mutex_lock(&sw->ta_lock);
	pg = sw_program_find(sw, h.program);
	rt_mutex_unlock(&sw->ta_lock);
	if (!pg) {
		why = "unknown program";
		goto bad;
	}
	*flags = le32toh(h.flags);
	return pg;
bad:
	sw_log(sw, "TA file (%zu bytes) refused: %s", size, why);
	return NULL;
}

/*
 * Fetch the file into secure memory. Return: TEE result; on success
 * *@file (to free) and *@size.
 */
static uint32_t sw_ta_fetch(struct sw_thread *t, const struct smcsim_uuid *uuid,
			    uint8_t **file, size_t *size)
{
	struct smcsim_sw *sw = t->sw;
	struct optee_msg_param p[2];
	struct sw_rpc_shm shm;
	uint64_t want, got;
	uint8_t *buf;
	uint32_t res;

	*file = NULL;
	memset(p, 0, sizeof(p));
	p[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	smcsim_uuid_to_octets(uuid, p[0].u.octets);
	/* A NULL memref: how big is it? */
	p[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	res = sw_rpc_cmd(t, OPTEE_RPC_CMD_LOAD_TA, p, 2);
	if (res)
		return res;
	want = p[1].u.tmem.size;
	if (want < sizeof(struct smcsim_ta_file_hdr) ||
	    want > SMCSIM_TA_FILE_MAX_SIZE) {
		sw_log(sw, "LOAD_TA: size %llu refused", (unsigned long long)want);
		return TEE_ERROR_BAD_FORMAT;
	}

	res = sw_rpc_shm_alloc(t, OPTEE_RPC_SHM_TYPE_APPL, (size_t)want, &shm);
	if (res)
		return res;
	memset(p, 0, sizeof(p));
	p[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	smcsim_uuid_to_octets(uuid, p[0].u.octets);
	sw_rpc_shm_param(&shm, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, want, &p[1]);
	res = sw_rpc_cmd(t, OPTEE_RPC_CMD_LOAD_TA, p, 2);
	got = p[1].u.rmem.size;
	if (!res && (got < sizeof(struct smcsim_ta_file_hdr) || got > want))
		res = TEE_ERROR_BAD_FORMAT;
	buf = res ? NULL : smcsim_zalloc((size_t)got);
	if (!res && !buf)
		res = TEE_ERROR_OUT_OF_MEMORY;
	if (!res && sw_mem_read(sw, &shm.mem, 0, buf, (size_t)got))
		res = TEE_ERROR_BAD_PARAMETERS;
	sw_rpc_shm_free(t, &shm);
	if (res) {
		smcsim_free(buf);
		return res;
	}
	*file = buf;
	*size = (size_t)got;
	return TEE_SUCCESS;
}

/* ---- 4. the secure-storage TA store ---------------------------------------- */

/*
 * OP-TEE tries its TA stores in order: the secure-storage store first
 * (TAs installed into secure storage, kept in a TA database "ta.db" in the
 * REE file system), then the REE store (LOAD_TA). Looking into the TA
 * database opens the REE FS directory file "dirf.db" under the tadb mutex.
 * The RPC traffic of that, as observed on OP-TEE 4.10 with a normal world
 * whose storage is empty (docs/abi.md section 13) and as read in its
 * tadb.c and tee_ree_fs.c:
 *
 *   SHM_ALLOC APPL 4096, align 8   (the thread's FS buffer, kept to the
 *                                    end of the call, then SHM_FREE)
 *   FS OPEN "/dirf.db"  -> fails:  FS REMOVE "/dirf.db"
 *   FS CREATE "/dirf.db" (when OPEN said ITEM_NOT_FOUND) -> fails: REMOVE
 *   the same again (the TA database is looked up, then created)
 *
 * and an error other than ITEM_NOT_FOUND (or STORAGE_NOT_AVAILABLE) ends
 * the search: no LOAD_TA, the open fails with it. A failed SHM_ALLOC is
 * OUT_OF_MEMORY for the FS request that needed it (which is then not
 * sent); the REMOVE after it asks SHM_ALLOC once more.
 *
 * Deliberate simplification: when the normal world opens or creates
 * "/dirf.db", OP-TEE goes on to read or write its hash tree (encrypted
 * with the device's key, which the simulator does not model). The
 * simulator closes the file again (FS CLOSE) and takes the TA database
 * to hold no entry, so the search goes on to LOAD_TA as OP-TEE's would.
 */

#define SW_FS_NAME_MAX	350	/* OP-TEE's TEE_FS_NAME_MAX */
static const char sw_dirf_name[] = "/dirf.db";

/* OP-TEE's tee_fs_rpc_cache_alloc(): @size bytes of the thread's buffer. */
static uint32_t sw_fs_shm(struct sw_thread *t, size_t size,
			  struct sw_rpc_shm **out)
{
	size_t want = (size + SMCSIM_PAGE_SIZE - 1) & ~(size_t)SMCSIM_PAGE_MASK;

	if (t->fs_shm.cookie && t->fs_shm.size >= size) {
		*out = &t->fs_shm;
		return TEE_SUCCESS;
	}
	sw_rpc_shm_free(t, &t->fs_shm);
	if (sw_rpc_shm_alloc(t, OPTEE_RPC_SHM_TYPE_APPL, want, &t->fs_shm))
		return TEE_ERROR_OUT_OF_MEMORY;
	*out = &t->fs_shm;
	return TEE_SUCCESS;
}

void sw_fs_shm_release(struct sw_thread *t)
{
	sw_rpc_shm_free(t, &t->fs_shm);
}

/*
 * FS OPEN, CREATE (@fd receives the normal world's descriptor) or REMOVE
 * (@fd NULL) of @name. Return: TEE result.
 */
static uint32_t sw_fs_name_op(struct sw_thread *t, uint32_t op,
			      const char *name, uint64_t *fd)
{
	char buf[SW_FS_NAME_MAX];
	struct sw_rpc_shm *shm;
	uint32_t res;

	res = sw_fs_shm(t, sizeof(buf), &shm);
	if (res)
		return res;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, name, strlen(name));
	if (sw_mem_write(t->sw, &shm->mem, 0, buf, sizeof(buf)))
		return TEE_ERROR_COMMUNICATION;
	return sw_rpc_fs_name(t, op, shm, 0, sizeof(buf), fd);
}

/* OP-TEE's ree_fs_open_primitive() on dirf.db. */
static uint32_t sw_dirf_open(struct sw_thread *t, bool create)
{
	uint64_t fd = 0;
	uint32_t res;

	res = sw_fs_name_op(t, create ? OPTEE_RPC_FS_CREATE : OPTEE_RPC_FS_OPEN,
			    sw_dirf_name, &fd);
	if (!res) {
		/* The simplification above: no hash tree behind it. */
		sw_rpc_fs_close(t, fd);
		return TEE_SUCCESS;
	}
	/* Not rollback-protected yet (no hash, counter 0): removed. */
	sw_fs_name_op(t, OPTEE_RPC_FS_REMOVE, sw_dirf_name, NULL);
	return res;
}

/* OP-TEE's open_dirh(): open the directory file, create it if missing. */
static uint32_t sw_open_dirh(struct sw_thread *t)
{
	uint32_t res = sw_dirf_open(t, false);

	if (res == TEE_ERROR_ITEM_NOT_FOUND)
		res = sw_dirf_open(t, true);
	return res;
}

/*
 * The secure-storage store's open (tee_tadb_ta_open()). Return:
 * ITEM_NOT_FOUND when the TA database has no such TA, or the error that
 * ended the search.
 */
static uint32_t sw_tadb_open_ta(struct sw_thread *t,
				const struct smcsim_uuid *uuid)
{
	static const struct smcsim_uuid null_uuid;
	uint32_t res;

	/* A nil UUID is refused before the database is looked at. */
	if (smcsim_uuid_equal(uuid, &null_uuid))
		return TEE_ERROR_GENERIC;
	res = sw_mutex_lock_thread(t, t->sw->tadb_mutex);
	if (res)
		return res;
	/* Open "ta.db": the directory file first (ree_fs_open()). */
	res = sw_open_dirh(t);
	if (!res)
		res = TEE_ERROR_ITEM_NOT_FOUND;	/* no "ta.db" listed */
	/* Not there: create it (ree_fs_create()), again via dirf.db. */
	if (res == TEE_ERROR_ITEM_NOT_FOUND) {
		res = sw_open_dirh(t);
		if (!res)
			res = TEE_ERROR_ITEM_NOT_FOUND;	/* empty: no entry */
	}
	sw_mutex_unlock_thread(t, t->sw->tadb_mutex);
	return res;
}

uint32_t sw_ta_load(struct sw_thread *t, const struct smcsim_uuid *uuid,
		    struct sw_ta **out)
{
	struct smcsim_sw *sw = t->sw;
	struct smcsim_ta_desc desc = { .uuid = *uuid };
	struct sw_ta_program *pg;
	uint8_t *file;
	size_t size;
	uint32_t res, flags = 0;
	int rc;

	*out = NULL;
	res = sw_tadb_open_ta(t, uuid);
	if (res != TEE_ERROR_ITEM_NOT_FOUND &&
	    res != TEE_ERROR_STORAGE_NOT_AVAILABLE) {
		sw_log(sw, "thread %u: secure-storage TA store: 0x%x", t->id,
		       res);
		return res;
	}
	res = sw_ta_fetch(t, uuid, &file, &size);
	if (res) {
		sw_log(sw, "thread %u: TA load failed: 0x%x", t->id, res);
		/*
		 * The normal world's errors are the open's, as OP-TEE's REE
		 * store returns them; a size the file format refuses is a TA
		 * that cannot be loaded (sw_ta.h).
		 */
		return res == TEE_ERROR_BAD_FORMAT ? TEE_ERROR_ITEM_NOT_FOUND :
						     res;
	}
	pg = sw_ta_file_verify(sw, file, size, uuid, &flags);
	smcsim_free(file);
	if (!pg)
		return TEE_ERROR_ITEM_NOT_FOUND;

	desc.name = pg->name;
	desc.flags = flags;
	desc.ops = pg->ops;
	rc = smcsim_sw_register_ta(sw, &desc);
	/* -EEXIST: another thread loaded it meanwhile; use that one. */
	if (rc && rc != -EEXIST) {
		sw_log(sw, "thread %u: registering a loaded TA: %d", t->id, rc);
		return rc == -ENOMEM ? TEE_ERROR_OUT_OF_MEMORY :
				       TEE_ERROR_GENERIC;
	}
	*out = sw_ta_lookup(sw, uuid);
	return *out ? TEE_SUCCESS : TEE_ERROR_ITEM_NOT_FOUND;
}
