// SPDX-License-Identifier: BSD-2-Clause
/*
 * tee-supplicant stand-in (supplicant.h): one rt thread looping on
 * tee_supp_recv/tee_supp_send in the synchronous form, as optee_client's
 * tee-supplicant does with its ioctls. Sections:
 *
 *  1. the store: TAs by UUID, the REE file system (files by name)
 *  2. SHM_ALLOC / SHM_FREE of application memory
 *  3. LOAD_TA
 *  4. FS
 *  5. RPMB
 *  6. the loop, the hooks, death and stop
 *
 * Everything the driver passes is checked as tee-supplicant checks it (param
 * count and types, names NUL-terminated inside their memref, sizes inside
 * the shm), and gets an error answer rather than a crash.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/queue.h>

#include <smcsim/alloc.h>
#include <smcsim/bsd_tree.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/rpmb.h>
#include <smcsim/rt.h>
#include <smcsim/supplicant.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_error.h>

/* Most params a request carries here; the driver allows 8. */
#define SUPP_MAX_PARAMS		8
/* Largest REE FS file, and largest TA file read from the directory. */
#define SUPP_FILE_MAX		(16U << 20)

/* ---- 1. the store -------------------------------------------------------- */

/**
 * struct supp_file - a file of the REE file system
 * @node:	in the store's tree while it has a name
 * @name:	its path (allocated)
 * @data:	contents
 * @len:	bytes in @data
 * @linked:	in the tree (not removed or renamed over)
 * @opens:	open file descriptors on it; freed when unlinked and 0
 */
struct supp_file {
	RB_ENTRY(supp_file) node;
	char *name;
	uint8_t *data;
	size_t len;
	bool linked;
	unsigned int opens;
};
RB_HEAD(supp_file_tree, supp_file);

static int supp_file_cmp(const struct supp_file *a, const struct supp_file *b)
{
	return strcmp(a->name, b->name);
}

RB_GENERATE_STATIC(supp_file_tree, supp_file, node, supp_file_cmp)

struct supp_ta {
	TAILQ_ENTRY(supp_ta) link;
	struct smcsim_uuid uuid;
	uint8_t *data;
	size_t len;
};

/**
 * struct smcsim_supp_store - TAs and files
 * @lock:	protects everything below (a supplicant holds it while it
 *		serves one request; tests read through it)
 * @tas:	in-memory TAs
 * @files:	the REE file system
 * @nfiles:	files in @files
 */
struct smcsim_supp_store {
	struct rt_mutex lock;
	TAILQ_HEAD(, supp_ta) tas;
	struct supp_file_tree files;
	unsigned int nfiles;
};

int smcsim_supp_store_create(struct smcsim_supp_store **out)
{
	struct smcsim_supp_store *st = smcsim_zalloc(sizeof(*st));

	if (!st)
		return -ENOMEM;
	rt_mutex_init(&st->lock);
	TAILQ_INIT(&st->tas);
	RB_INIT(&st->files);
	*out = st;
	return 0;
}

static void supp_file_free(struct supp_file *f)
{
	smcsim_free(f->name);
	smcsim_free(f->data);
	smcsim_free(f);
}

void smcsim_supp_store_destroy(struct smcsim_supp_store *st)
{
	struct supp_file *f, *next;
	struct supp_ta *ta;

	if (!st)
		return;
	RB_FOREACH_SAFE(f, supp_file_tree, &st->files, next) {
		RB_REMOVE(supp_file_tree, &st->files, f);
		supp_file_free(f);
	}
	while ((ta = TAILQ_FIRST(&st->tas))) {
		TAILQ_REMOVE(&st->tas, ta, link);
		smcsim_free(ta->data);
		smcsim_free(ta);
	}
	rt_mutex_destroy(&st->lock);
	smcsim_free(st);
}

int smcsim_supp_store_add_ta(struct smcsim_supp_store *st,
			     const struct smcsim_uuid *uuid, const void *data,
			     size_t len)
{
	struct supp_ta *ta, *old;

	if (!st || !uuid || (!data && len))
		return -EINVAL;
	ta = smcsim_zalloc(sizeof(*ta));
	if (!ta)
		return -ENOMEM;
	ta->data = smcsim_zalloc(len ? len : 1);
	if (!ta->data) {
		smcsim_free(ta);
		return -ENOMEM;
	}
	if (len)
		memcpy(ta->data, data, len);
	ta->len = len;
	ta->uuid = *uuid;
	rt_mutex_lock(&st->lock);
	TAILQ_FOREACH(old, &st->tas, link) {
		if (smcsim_uuid_equal(&old->uuid, uuid)) {
			TAILQ_REMOVE(&st->tas, old, link);
			break;
		}
	}
	TAILQ_INSERT_TAIL(&st->tas, ta, link);
	rt_mutex_unlock(&st->lock);
	if (old) {
		smcsim_free(old->data);
		smcsim_free(old);
	}
	return 0;
}

/* Caller holds st->lock. */
static struct supp_file *supp_file_find(struct smcsim_supp_store *st,
					const char *name)
{
	struct supp_file key = { .name = (char *)name };

	return RB_FIND(supp_file_tree, &st->files, &key);
}

int smcsim_supp_store_read_file(struct smcsim_supp_store *st, const char *name,
				void *buf, size_t *len)
{
	struct supp_file *f;
	int rc = -ENOENT;

	rt_mutex_lock(&st->lock);
	f = supp_file_find(st, name);
	if (f) {
		/* An empty file has no data at all. */
		if (buf && f->len && *len)
			memcpy(buf, f->data, *len < f->len ? *len : f->len);
		*len = f->len;
		rc = 0;
	}
	rt_mutex_unlock(&st->lock);
	return rc;
}

unsigned int smcsim_supp_store_file_count(struct smcsim_supp_store *st)
{
	unsigned int n;

	rt_mutex_lock(&st->lock);
	n = st->nfiles;
	rt_mutex_unlock(&st->lock);
	return n;
}

/* Caller holds st->lock. Drops the file from the tree. */
static void supp_file_unlink(struct smcsim_supp_store *st, struct supp_file *f)
{
	RB_REMOVE(supp_file_tree, &st->files, f);
	st->nfiles--;
	f->linked = false;
	if (!f->opens)
		supp_file_free(f);
}

/* ---- the supplicant's own state ------------------------------------------ */

struct supp_shm {
	TAILQ_ENTRY(supp_shm) link;
	struct tee_shm *shm;
};

struct supp_fd {
	TAILQ_ENTRY(supp_fd) link;
	uint32_t fd;
	struct supp_file *file;
};

/**
 * struct smcsim_supp - one supplicant
 * @cfg:	its configuration
 * @store:	where TAs and files are (@own_store if it made it)
 * @ctx:	its context on the supplicant device; NULL once closed
 * @thr:	its thread
 * @lock:	protects @stats
 * @stats:	what it did
 * @shms:	application shm it allocated (its thread only)
 * @fds:	open file descriptors (its thread only, under store->lock)
 * @next_fd:	the next descriptor to give out
 */
struct smcsim_supp {
	struct smcsim_supp_cfg cfg;
	struct smcsim_supp_store *store;
	struct smcsim_supp_store *own_store;
	struct tee_context *ctx;
	struct rt_thread *thr;
	struct rt_mutex lock;
	struct smcsim_supp_stats stats;
	TAILQ_HEAD(, supp_shm) shms;
	TAILQ_HEAD(, supp_fd) fds;
	uint32_t next_fd;
};

static bool is_value(const struct tee_param *p, uint64_t type)
{
	return p->attr == type;
}

static bool is_memref(const struct tee_param *p, uint64_t type)
{
	return p->attr == type;
}

/* ---- 2. application shared memory ------------------------------------ */

static uint32_t supp_shm_alloc(struct smcsim_supp *s, uint32_t n,
			       struct tee_param *p)
{
	struct supp_shm *e;
	struct tee_shm *shm;

	if (n != 1 || !is_value(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT) ||
	    p[0].u.value.a != OPTEE_RPC_SHM_TYPE_APPL || !p[0].u.value.b ||
	    p[0].u.value.b > SUPP_FILE_MAX)
		return TEE_ERROR_BAD_PARAMETERS;
	e = smcsim_zalloc(sizeof(*e));
	if (!e)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (tee_shm_alloc_user_buf(s->ctx, (size_t)p[0].u.value.b, &shm)) {
		smcsim_free(e);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	e->shm = shm;
	TAILQ_INSERT_TAIL(&s->shms, e, link);
	rt_mutex_lock(&s->lock);
	s->stats.shm_live++;
	rt_mutex_unlock(&s->lock);
	p[0].u.value.c = (uint64_t)shm->id;
	return TEE_SUCCESS;
}

static void supp_shm_drop(struct smcsim_supp *s, struct supp_shm *e)
{
	TAILQ_REMOVE(&s->shms, e, link);
	tee_shm_free(e->shm);
	smcsim_free(e);
	rt_mutex_lock(&s->lock);
	s->stats.shm_live--;
	rt_mutex_unlock(&s->lock);
}

static uint32_t supp_shm_free(struct smcsim_supp *s, uint32_t n,
			      struct tee_param *p)
{
	struct supp_shm *e;

	if (n != 1 || (!is_value(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT) &&
		       !is_value(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT)) ||
	    p[0].u.value.a != OPTEE_RPC_SHM_TYPE_APPL)
		return TEE_ERROR_BAD_PARAMETERS;
	TAILQ_FOREACH(e, &s->shms, link) {
		if ((uint64_t)e->shm->id == p[0].u.value.b) {
			supp_shm_drop(s, e);
			return TEE_SUCCESS;
		}
	}
	return TEE_ERROR_BAD_PARAMETERS;
}

/* ---- 3. LOAD_TA ---------------------------------------------------------- */

/* Read "<dir>/<uuid>.ta" into a new buffer. Return: 0, -ENOENT, -ENOMEM. */
static int supp_ta_from_dir(const char *dir, const struct smcsim_uuid *u,
			    uint8_t **out, size_t *len)
{
	char path[4096], ustr[SMCSIM_UUID_STR_LEN];
	uint8_t *buf = NULL;
	long size;
	FILE *f;
	int rc = -ENOENT;

	smcsim_uuid_to_str(u, ustr);
	snprintf(path, sizeof(path), "%s/%s.ta", dir, ustr);
	f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    (unsigned long)size > SUPP_FILE_MAX || fseek(f, 0, SEEK_SET))
		goto out;
	buf = smcsim_zalloc(size ? (size_t)size : 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		smcsim_free(buf);
		goto out;
	}
	*out = buf;
	*len = (size_t)size;
	rc = 0;
out:
	fclose(f);
	return rc;
}

static uint32_t supp_load_ta(struct smcsim_supp *s, uint32_t n,
			     struct tee_param *p)
{
	struct smcsim_supp_store *st = s->store;
	uint8_t octets[16], *data = NULL;
	struct smcsim_uuid uuid;
	struct supp_ta *ta;
	size_t len = 0, room;
	void *dst = NULL;
	bool found = false;

	if (n != 2 || !is_value(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT) ||
	    !is_memref(&p[1], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	/* The UUID's octets, as OP-TEE packed them into value a and b. */
	memcpy(octets, &p[0].u.value.a, 8);
	memcpy(octets + 8, &p[0].u.value.b, 8);
	smcsim_uuid_from_octets(&uuid, octets);
	room = p[1].u.memref.size;
	if (p[1].u.memref.shm) {
		dst = tee_shm_get_va(p[1].u.memref.shm, p[1].u.memref.shm_offs);
		if (!dst && room)
			return TEE_ERROR_BAD_PARAMETERS;
	}

	rt_mutex_lock(&st->lock);
	TAILQ_FOREACH(ta, &st->tas, link) {
		if (smcsim_uuid_equal(&ta->uuid, &uuid)) {
			len = ta->len;
			found = true;
			if (dst && len <= room)
				memcpy(dst, ta->data, len);
			break;
		}
	}
	rt_mutex_unlock(&st->lock);
	if (!found && s->cfg.ta_dir &&
	    !supp_ta_from_dir(s->cfg.ta_dir, &uuid, &data, &len)) {
		found = true;
		if (dst && len <= room)
			memcpy(dst, data, len);
		smcsim_free(data);
	}
	if (!found)
		return TEE_ERROR_ITEM_NOT_FOUND;
	/* No buffer: tell the size. A short one: tell it, and refuse. */
	p[1].u.memref.size = len;
	if (p[1].u.memref.shm && len > room)
		return TEE_ERROR_SHORT_BUFFER;
	return TEE_SUCCESS;
}

/* ---- 4. FS --------------------------------------------------------------- */

/* A name: NUL-terminated inside its input memref. Return: NULL if not. */
static const char *supp_name(const struct tee_param *p)
{
	const char *s;

	if (!is_memref(p, TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT) ||
	    !p->u.memref.shm || !p->u.memref.size)
		return NULL;
	s = tee_shm_get_va(p->u.memref.shm, p->u.memref.shm_offs);
	if (!s || !memchr(s, 0, p->u.memref.size) || !*s)
		return NULL;
	return s;
}

/* Caller holds the store's lock. */
static struct supp_fd *supp_fd_find(struct smcsim_supp *s, uint64_t fd)
{
	struct supp_fd *e;

	TAILQ_FOREACH(e, &s->fds, link)
		if (e->fd == fd)
			return e;
	return NULL;
}

/* Caller holds the store's lock. */
static void supp_fd_close(struct smcsim_supp *s, struct supp_fd *e)
{
	TAILQ_REMOVE(&s->fds, e, link);
	if (!--e->file->opens && !e->file->linked)
		supp_file_free(e->file);
	smcsim_free(e);
}

/* Caller holds the store's lock. Return: a new file, linked, or NULL. */
static struct supp_file *supp_file_create(struct smcsim_supp_store *st,
					  const char *name)
{
	struct supp_file *f = smcsim_zalloc(sizeof(*f));
	size_t len = strlen(name);

	if (!f)
		return NULL;
	f->name = smcsim_zalloc(len + 1);
	if (!f->name) {
		smcsim_free(f);
		return NULL;
	}
	memcpy(f->name, name, len);
	f->linked = true;
	RB_INSERT(supp_file_tree, &st->files, f);
	st->nfiles++;
	return f;
}

static uint32_t supp_fs_open(struct smcsim_supp *s, bool create, uint32_t n,
			     struct tee_param *p)
{
	struct smcsim_supp_store *st = s->store;
	struct supp_file *f;
	struct supp_fd *e;
	const char *name;

	if (n != 3 || !is_value(&p[2], TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	name = supp_name(&p[1]);
	if (!name)
		return TEE_ERROR_BAD_PARAMETERS;
	e = smcsim_zalloc(sizeof(*e));
	if (!e)
		return TEE_ERROR_OUT_OF_MEMORY;
	f = supp_file_find(st, name);
	if (!f && !create) {
		smcsim_free(e);
		return TEE_ERROR_ITEM_NOT_FOUND;
	}
	if (!f) {
		f = supp_file_create(st, name);
		if (!f) {
			smcsim_free(e);
			return TEE_ERROR_OUT_OF_MEMORY;
		}
	} else if (create) {
		/* tee-supplicant creates with O_TRUNC. */
		smcsim_free(f->data);
		f->data = NULL;
		f->len = 0;
	}
	f->opens++;
	e->file = f;
	do {
		e->fd = ++s->next_fd;
	} while (!e->fd || supp_fd_find(s, e->fd));
	TAILQ_INSERT_TAIL(&s->fds, e, link);
	p[2].u.value.a = e->fd;
	return TEE_SUCCESS;
}

/* Make @f @len bytes long, new bytes zero. Return: TEE result. */
static uint32_t supp_file_resize(struct supp_file *f, uint64_t len)
{
	uint8_t *d;

	if (len > SUPP_FILE_MAX)
		return TEE_ERROR_STORAGE_NO_SPACE;
	if (len <= f->len) {
		f->len = (size_t)len;
		return TEE_SUCCESS;
	}
	d = smcsim_zalloc((size_t)len);
	if (!d)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (f->len)
		memcpy(d, f->data, f->len);
	smcsim_free(f->data);
	f->data = d;
	f->len = (size_t)len;
	return TEE_SUCCESS;
}

static uint32_t supp_fs_rw(struct smcsim_supp *s, bool write, uint32_t n,
			   struct tee_param *p)
{
	uint64_t type = write ? TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT :
				TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
	uint64_t off = p[0].u.value.c, size;
	struct supp_file *f;
	struct supp_fd *e;
	uint8_t *buf = NULL;
	uint32_t res;

	if (n != 2 || !is_memref(&p[1], type))
		return TEE_ERROR_BAD_PARAMETERS;
	size = p[1].u.memref.size;
	if (size) {
		if (!p[1].u.memref.shm)
			return TEE_ERROR_BAD_PARAMETERS;
		buf = tee_shm_get_va(p[1].u.memref.shm, p[1].u.memref.shm_offs);
		if (!buf)
			return TEE_ERROR_BAD_PARAMETERS;
	}
	e = supp_fd_find(s, p[0].u.value.b);
	if (!e)
		return TEE_ERROR_BAD_PARAMETERS;
	f = e->file;
	if (write) {
		if (off > SUPP_FILE_MAX || size > SUPP_FILE_MAX - off)
			return TEE_ERROR_STORAGE_NO_SPACE;
		if (off + size > f->len) {
			res = supp_file_resize(f, off + size);
			if (res)
				return res;
		}
		if (size)
			memcpy(f->data + off, buf, (size_t)size);
		return TEE_SUCCESS;
	}
	if (off >= f->len)
		size = 0;
	else if (size > f->len - off)
		size = f->len - off;
	if (size)
		memcpy(buf, f->data + off, (size_t)size);
	p[1].u.memref.size = (size_t)size;
	return TEE_SUCCESS;
}

static uint32_t supp_fs_rename(struct smcsim_supp *s, uint32_t n,
			       struct tee_param *p)
{
	struct smcsim_supp_store *st = s->store;
	const char *from, *to;
	struct supp_file *f, *old;
	char *name;
	size_t len;

	if (n != 3)
		return TEE_ERROR_BAD_PARAMETERS;
	from = supp_name(&p[1]);
	to = supp_name(&p[2]);
	if (!from || !to)
		return TEE_ERROR_BAD_PARAMETERS;
	f = supp_file_find(st, from);
	if (!f)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (f == supp_file_find(st, to))
		return TEE_SUCCESS;
	old = supp_file_find(st, to);
	if (old && !p[0].u.value.b)
		return TEE_ERROR_ACCESS_CONFLICT;
	len = strlen(to);
	name = smcsim_zalloc(len + 1);
	if (!name)
		return TEE_ERROR_OUT_OF_MEMORY;
	memcpy(name, to, len);
	if (old)
		supp_file_unlink(st, old);
	RB_REMOVE(supp_file_tree, &st->files, f);
	smcsim_free(f->name);
	f->name = name;
	RB_INSERT(supp_file_tree, &st->files, f);
	return TEE_SUCCESS;
}

static uint32_t supp_fs(struct smcsim_supp *s, uint32_t n, struct tee_param *p)
{
	struct smcsim_supp_store *st = s->store;
	struct supp_file *f;
	struct supp_fd *e;
	const char *name;
	uint32_t res;

	if (!n || !is_value(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	rt_mutex_lock(&st->lock);
	switch (p[0].u.value.a) {
	case OPTEE_RPC_FS_OPEN:
	case OPTEE_RPC_FS_CREATE:
		res = supp_fs_open(s, p[0].u.value.a == OPTEE_RPC_FS_CREATE,
				   n, p);
		break;
	case OPTEE_RPC_FS_CLOSE:
		e = n == 1 ? supp_fd_find(s, p[0].u.value.b) : NULL;
		if (e)
			supp_fd_close(s, e);
		res = e ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
		break;
	case OPTEE_RPC_FS_READ:
	case OPTEE_RPC_FS_WRITE:
		res = supp_fs_rw(s, p[0].u.value.a == OPTEE_RPC_FS_WRITE, n, p);
		break;
	case OPTEE_RPC_FS_TRUNCATE:
		e = n == 1 ? supp_fd_find(s, p[0].u.value.b) : NULL;
		res = e ? supp_file_resize(e->file, p[0].u.value.c) :
			  TEE_ERROR_BAD_PARAMETERS;
		break;
	case OPTEE_RPC_FS_REMOVE:
		name = n == 2 ? supp_name(&p[1]) : NULL;
		f = name ? supp_file_find(st, name) : NULL;
		if (f)
			supp_file_unlink(st, f);
		res = !name ? TEE_ERROR_BAD_PARAMETERS :
		      f ? TEE_SUCCESS : TEE_ERROR_ITEM_NOT_FOUND;
		break;
	case OPTEE_RPC_FS_RENAME:
		res = supp_fs_rename(s, n, p);
		break;
	default:
		/* OPENDIR, CLOSEDIR, READDIR and unknown sub-commands. */
		res = TEE_ERROR_NOT_SUPPORTED;
		break;
	}
	rt_mutex_unlock(&st->lock);
	return res;
}

/* ---- 5. RPMB ------------------------------------------------------------- */

/* Most frames one RPMB request or response may carry (128 KiB). */
#define SUPP_RPMB_MAX_FRAMES	256

/* A memref of @type wholly inside its shm. Return: its bytes, or NULL. */
static uint8_t *supp_memref(const struct tee_param *p, uint64_t type,
			    size_t *len)
{
	struct tee_shm *shm = p->u.memref.shm;
	size_t offs = p->u.memref.shm_offs, size = p->u.memref.size;

	*len = 0;
	if (!is_memref(p, type) || !shm || !size || offs >= shm->size ||
	    size > shm->size - offs)
		return NULL;
	*len = size;
	return tee_shm_get_va(shm, offs);
}

/*
 * tee-supplicant's rpmb_process_request(): the 6-byte header is read once
 * into a copy; frames are copied out of the request and the answer built
 * apart, so a request and response that overlap in the shm change nothing.
 */
static uint32_t supp_rpmb(struct smcsim_supp *s, uint32_t n,
			  struct tee_param *p)
{
	struct smcsim_rpmb_frame *req = NULL, *rsp = NULL;
	struct smcsim_rpmb_dev_info info;
	uint16_t hdr[3];
	/* Set by supp_memref(); GCC -O3 cannot see that through the NULL checks. */
	size_t req_len = 0, rsp_len = 0, req_n, rsp_n;
	uint8_t *in, *out;
	uint32_t res;

	if (!s->cfg.rpmb)
		return TEE_ERROR_NOT_SUPPORTED;
	if (n != 2)
		return TEE_ERROR_BAD_PARAMETERS;
	in = supp_memref(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT,
			 &req_len);
	out = supp_memref(&p[1], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT,
			  &rsp_len);
	if (!in || !out || req_len < SMCSIM_RPMB_REQ_HDR_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	memcpy(hdr, in, sizeof(hdr));
	/* One device, as tee-supplicant serves one MMC device. */
	if (hdr[1] != 0)
		return TEE_ERROR_ITEM_NOT_FOUND;

	switch (hdr[0]) {
	case SMCSIM_RPMB_CMD_GET_DEV_INFO:
		if (req_len != SMCSIM_RPMB_REQ_HDR_SIZE ||
		    rsp_len != sizeof(info))
			return TEE_ERROR_BAD_PARAMETERS;
		smcsim_rpmb_dev_get_info(s->cfg.rpmb, &info);
		memcpy(out, &info, sizeof(info));
		return TEE_SUCCESS;
	case SMCSIM_RPMB_CMD_DATA_REQ:
		break;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}

	req_len -= SMCSIM_RPMB_REQ_HDR_SIZE;
	req_n = req_len / SMCSIM_RPMB_FRAME_SIZE;
	rsp_n = rsp_len / SMCSIM_RPMB_FRAME_SIZE;
	if (!req_n || !rsp_n || req_len % SMCSIM_RPMB_FRAME_SIZE ||
	    rsp_len % SMCSIM_RPMB_FRAME_SIZE || req_n > SUPP_RPMB_MAX_FRAMES ||
	    rsp_n > SUPP_RPMB_MAX_FRAMES)
		return TEE_ERROR_BAD_PARAMETERS;
	req = smcsim_calloc(req_n, sizeof(*req));
	rsp = smcsim_calloc(rsp_n, sizeof(*rsp));
	if (!req || !rsp) {
		res = TEE_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	memcpy(req, in + SMCSIM_RPMB_REQ_HDR_SIZE, req_len);
	if (smcsim_rpmb_dev_data_req(s->cfg.rpmb, req, req_n, rsp, rsp_n)) {
		res = TEE_ERROR_BAD_PARAMETERS;
		goto out;
	}
	memcpy(out, rsp, rsp_len);
	res = TEE_SUCCESS;
out:
	smcsim_free(rsp);
	smcsim_free(req);
	return res;
}

/* ---- 6. the loop --------------------------------------------------------- */

static uint32_t supp_serve(struct smcsim_supp *s, uint32_t func, uint32_t n,
			   struct tee_param *p)
{
	switch (func) {
	case OPTEE_RPC_CMD_SHM_ALLOC:
		return supp_shm_alloc(s, n, p);
	case OPTEE_RPC_CMD_SHM_FREE:
		return supp_shm_free(s, n, p);
	case OPTEE_RPC_CMD_LOAD_TA:
		return supp_load_ta(s, n, p);
	case OPTEE_RPC_CMD_FS:
		return supp_fs(s, n, p);
	case OPTEE_RPC_CMD_RPMB:
		return supp_rpmb(s, n, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static void supp_corrupt(uint32_t n, struct tee_param *p, uint64_t x)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		switch (p[i].attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			p[i].u.value.a ^= x;
			p[i].u.value.b ^= x;
			p[i].u.value.c ^= x;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			p[i].u.memref.size ^= (size_t)x;
			break;
		default:
			break;
		}
	}
}

/*
 * Death: what the kernel does when the daemon's files close. Its open
 * descriptors go, its shm lose the ids' references (the driver keeps its
 * own on those the secure world still uses), and closing the context ends
 * every request the driver had for it with COMMUNICATION.
 */
static void supp_die(struct smcsim_supp *s)
{
	struct supp_shm *e;
	struct supp_fd *fd;

	rt_mutex_lock(&s->store->lock);
	while ((fd = TAILQ_FIRST(&s->fds)))
		supp_fd_close(s, fd);
	rt_mutex_unlock(&s->store->lock);
	while ((e = TAILQ_FIRST(&s->shms)))
		supp_shm_drop(s, e);
	teedev_close_context(s->ctx);
	rt_mutex_lock(&s->lock);
	s->ctx = NULL;
	s->stats.dead = true;
	rt_mutex_unlock(&s->lock);
}

static void *supp_main(void *arg)
{
	struct smcsim_supp *s = arg;
	struct tee_param p[SUPP_MAX_PARAMS];
	unsigned int nr = 0;
	uint32_t func, n, ret;
	int rc;

	for (;;) {
		struct smcsim_supp_action act = { .verdict = SMCSIM_SUPP_SERVE };

		memset(p, 0, sizeof(p));
		n = SUPP_MAX_PARAMS;
		rc = tee_supp_recv(s->ctx, &func, &n, p);
		if (rc)
			break;	/* killed, or the driver refused us: exit */
		nr++;
		rt_mutex_lock(&s->lock);
		s->stats.requests++;
		rt_mutex_unlock(&s->lock);
		if (s->cfg.die_at && nr == s->cfg.die_at)
			act.verdict = SMCSIM_SUPP_DIE;
		if (s->cfg.hook)
			s->cfg.hook(s->cfg.hook_ctx, nr, func, p, n, &act);
		if (act.delay_ms)
			rt_sleep_ms(act.delay_ms);
		if (act.verdict == SMCSIM_SUPP_DIE)
			break;
		if (act.verdict == SMCSIM_SUPP_ANSWER)
			ret = act.ret;
		else
			ret = supp_serve(s, func, n, p);
		if (act.verdict == SMCSIM_SUPP_CORRUPT)
			supp_corrupt(n, p, act.corrupt);
		if (s->cfg.post_hook)
			s->cfg.post_hook(s->cfg.hook_ctx, nr, func, p, n, &ret);
		rc = tee_supp_send(s->ctx, ret, n, p);
		rt_mutex_lock(&s->lock);
		if (rc)
			s->stats.refused++;
		else
			s->stats.answered++;
		rt_mutex_unlock(&s->lock);
	}
	supp_die(s);
	return NULL;
}

int smcsim_supp_start(struct tee_device *supp_teedev,
		      const struct smcsim_supp_cfg *cfg,
		      struct smcsim_supp **out)
{
	struct smcsim_supp *s;
	int rc;

	s = smcsim_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (cfg)
		s->cfg = *cfg;
	rt_mutex_init(&s->lock);
	TAILQ_INIT(&s->shms);
	TAILQ_INIT(&s->fds);
	s->store = s->cfg.store;
	if (!s->store) {
		rc = smcsim_supp_store_create(&s->own_store);
		if (rc)
			goto err_free;
		s->store = s->own_store;
	}
	rc = teedev_open(supp_teedev, &s->ctx);
	if (rc)
		goto err_store;
	rc = rt_thread_create(&s->thr, "supplicant", supp_main, s);
	if (rc)
		goto err_close;
	*out = s;
	return 0;

err_close:
	teedev_close_context(s->ctx);
err_store:
	smcsim_supp_store_destroy(s->own_store);
err_free:
	rt_mutex_destroy(&s->lock);
	smcsim_free(s);
	return rc;
}

void smcsim_supp_stop(struct smcsim_supp *s)
{
	if (!s)
		return;
	/* A dead one's thread has ended; the kill then changes nothing. */
	rt_thread_kill(s->thr);
	rt_thread_join(s->thr, NULL);
	smcsim_supp_store_destroy(s->own_store);
	rt_mutex_destroy(&s->lock);
	smcsim_free(s);
}

void smcsim_supp_get_stats(struct smcsim_supp *s, struct smcsim_supp_stats *st)
{
	rt_mutex_lock(&s->lock);
	*st = s->stats;
	rt_mutex_unlock(&s->lock);
}

struct smcsim_supp_store *smcsim_supp_store(struct smcsim_supp *s)
{
	return s->store;
}
