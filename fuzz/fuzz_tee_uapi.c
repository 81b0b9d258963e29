// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: the TEE device file's ioctls (sim/normal_world/tee_uapi.c)
 * as a hostile process drives them, on the whole simulated stack. The
 * world (memory, firmware with 4 threads, driver) is built once; each
 * input opens three files (a client whose shm fds the host keeps, a client
 * with no host, the supplicant) and runs operations on them, then closes
 * everything as a dying process does.
 *
 * The process's memory is an arena of normal-world pages; addresses
 * outside it fault and its last page is read-only. Arguments are built
 * well formed and then damaged as the input says: placed at a bad address,
 * on the read-only page or across the arena's end, with a wrong buf_len or
 * num_params, attributes and shm ids from the input (ids of this file's
 * live shm, of the other file's, freed ones, raw values, TEE_MEMREF_NULL).
 *
 * Input: byte 0: bit 0 the host shares the process's memory (user_mem:
 * SHM_REGISTER works). Then operations, an opcode byte % NUM_OPS and its
 * operands (see run_op()), until the input ends (at most MAX_OPS).
 * OPEN_SESSION only names TAs that exist (echo, panic): an unknown UUID
 * would make the secure world ask the supplicant to load it, and a client
 * context waits for a supplicant for ever. SUPPL_RECV runs on a thread
 * killed before the call (it would block otherwise): the layer's checks
 * still run and a well-formed call gets -EINTR.
 *
 * Checked after every operation: an ioctl that failed changed nothing
 * (users of both devices, the secure world's sessions, the shm the file
 * keeps); every live shm the process holds has exactly its fd's reference
 * (no call left one behind). At the end of each input, once every file
 * and fd is closed: the devices' users, the secure sessions and the DRAM
 * pages in use are what they were before the input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_uapi.h>

#include "fuzz_input.h"
#include "fuzz_thread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS		48
#define PROC_PAGES	8
#define HOST_FDS	32
#define MAX_SHM		32
#define MAX_SESS	16
#define NUM_FILES	3
#define F_HOST		0	/* client, the host keeps its shm fds */
#define F_BARE		1	/* client, no host: the file keeps its shm */
#define F_SUPP		2	/* the supplicant, with the host */
#define BAD_UADDR	((uint64_t)0x10)

/* FUZZ_TEE_UAPI_TRACE=1: each operation's result on stderr. */
static bool trace;

static void fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_tee_uapi: %s\n", why);
	abort();
}

/* ---- the world, the process and the host ------------------------------------ */

static struct {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct tee_class cls;
	struct optee_probe_cfg cfg;
	struct optee *optee;
	struct tee_device *clnt;
	struct tee_device *supp;
	uint8_t *base;		/* the process's memory */
	size_t size;
	uint8_t *ro;		/* writes at or past this fault */
} w;

static bool in_proc(uint64_t uaddr, size_t len, bool write)
{
	uint64_t lo = (uintptr_t)w.base;
	uint64_t hi = (uintptr_t)(write ? w.ro : w.base + w.size);

	return uaddr >= lo && uaddr <= hi && len <= hi - uaddr;
}

static int proc_read(void *ctx, uint64_t uaddr, void *dst, size_t len)
{
	(void)ctx;
	if (!in_proc(uaddr, len, false))
		return -EFAULT;
	memcpy(dst, (void *)(uintptr_t)uaddr, len);
	return 0;
}

static int proc_write(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	(void)ctx;
	if (!in_proc(uaddr, len, true))
		return -EFAULT;
	memcpy((void *)(uintptr_t)uaddr, src, len);
	return 0;
}

static const struct tee_uapi_mem mem = {
	.read = proc_read, .write = proc_write,
};

/**
 * struct proc - what one input's process holds
 * @share:	the host offers user_mem
 * @f:		its files (NULL once closed)
 * @fds:	shm references the host keeps for it, by fd
 * @ids:	shm ids it learnt, by file, and whether each is live
 * @sess:	sessions it learnt, by file
 */
static struct {
	bool share;
	struct tee_uapi_file *f[NUM_FILES];
	struct tee_shm *fds[HOST_FDS];
	struct {
		int32_t id;
		unsigned int file;
		int fd;		/* -1: kept by the file (no host) */
		bool live;
	} ids[MAX_SHM];
	unsigned int nids;
	struct {
		uint32_t id;
		unsigned int file;
	} sess[MAX_SESS];
	unsigned int nsess;
} p;

static int host_install(void *ctx, struct tee_shm *shm)
{
	int i;

	(void)ctx;
	for (i = 0; i < HOST_FDS; i++) {
		if (!p.fds[i]) {
			p.fds[i] = shm;
			return i;
		}
	}
	return -EMFILE;
}

static void *host_user_mem(void *ctx, uint64_t uaddr, size_t len)
{
	(void)ctx;
	if (!p.share || !in_proc(uaddr, len, false))
		return NULL;
	return (void *)(uintptr_t)uaddr;
}

static int host_get_cred(void *ctx, struct tee_uapi_cred *cred)
{
	(void)ctx;
	memset(cred, 0, sizeof(*cred));
	cred->euid = 1000;
	cred->egid = 1000;
	cred->ngroups = 1;
	cred->groups[0] = 100;
	return 0;
}

static const struct tee_uapi_host host = {
	.install_shm_fd = host_install,
	.user_mem = host_user_mem,
	.get_cred = host_get_cred,
};

static void world_create(void)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	uint64_t pa;

	trace = getenv("FUZZ_TEE_UAPI_TRACE");
	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &w.phys))
		fuzz_fail("phys");
	smcsim_sw_config_default(&scfg, SMCSIM_ABI_UPSTREAM, w.phys);
	scfg.num_threads = 4;
	if (smcsim_sw_create(&scfg, &w.sw))
		fuzz_fail("secure world");
	tee_class_init(&w.cls);
	w.cfg = (struct optee_probe_cfg){
		.invoke = smcsim_invoke_sim(w.sw),
		.phys = w.phys,
		.profile = SMCSIM_ABI_UPSTREAM,
		.cls = &w.cls,
		.notif_irq = smcsim_sw_notif_irq(w.sw),
	};
	if (optee_probe(&w.cfg, &w.optee))
		fuzz_fail("driver");
	w.clnt = optee_client_teedev(w.optee);
	w.supp = optee_supp_teedev(w.optee);
	if (smcsim_phys_alloc_pages(w.phys, PROC_PAGES, &pa))
		fuzz_fail("process memory");
	w.size = PROC_PAGES * SMCSIM_PAGE_SIZE;
	w.base = smcsim_phys_map(w.phys, SMCSIM_WORLD_NORMAL, pa, w.size);
	if (!w.base)
		fuzz_fail("process memory map");
	w.ro = w.base + w.size - SMCSIM_PAGE_SIZE;
}

/* ---- invariants ----------------------------------------------------------------- */

struct counts {
	unsigned int clnt_users;
	unsigned int supp_users;
	unsigned int sessions;
	unsigned int kept;
};

static struct counts counts(void)
{
	struct counts c = {
		.clnt_users = tee_device_num_users(w.clnt),
		.supp_users = tee_device_num_users(w.supp),
		.sessions = smcsim_sw_session_count(w.sw),
	};

	if (p.f[F_BARE])
		c.kept = tee_uapi_kept_shm(p.f[F_BARE]);
	return c;
}

static bool counts_equal(const struct counts *a, const struct counts *b)
{
	return a->clnt_users == b->clnt_users &&
	       a->supp_users == b->supp_users &&
	       a->sessions == b->sessions && a->kept == b->kept;
}

/* Every live shm has exactly the reference its holder keeps. */
static void check_shm_refs(void)
{
	struct tee_shm *shm;
	unsigned int i;

	for (i = 0; i < p.nids; i++) {
		if (!p.ids[i].live)
			continue;
		if (!p.f[p.ids[i].file])
			continue;
		if (tee_shm_get_from_id(tee_uapi_context(p.f[p.ids[i].file]),
					p.ids[i].id, &shm))
			fuzz_fail("a live shm is gone");
		if (rt_kref_read(&shm->refcount) != 2)
			fuzz_fail("a call left a shm reference behind");
		tee_shm_put(shm);
	}
}

/* ---- building arguments ------------------------------------------------------ */

/*
 * Bump allocation in the process's writable memory, and where the next copy
 * on its read-only page may go (the last 256 bytes are for copies that
 * straddle the end), both reset per operation.
 */
static size_t used, ro_used;

static void *palloc(size_t len)
{
	void *r;

	used = (used + 7) & ~(size_t)7;
	if (used + len > (size_t)(w.ro - w.base))
		fuzz_fail("arena");
	r = w.base + used;
	used += len;
	memset(r, 0, len);
	return r;
}

/*
 * Where the argument the process passes lies, as the input says: where it
 * was built, at an address that faults, copied onto the read-only page, or
 * copied to straddle the end of the process's memory.
 */
static uint64_t place(struct stream *s, const void *arg, size_t len)
{
	uint8_t *at;

	switch (take8(s) & 7) {
	case 5:
		return BAD_UADDR;
	case 6:
		/*
		 * Copies on the read-only page never overlap: an argument
		 * bent by another's copy could name a TA that does not exist,
		 * whose loading waits for a supplicant for ever.
		 */
		at = w.ro + ro_used + (take8(s) & 7) * 8;
		if (at + len > w.base + w.size - 256)
			return (uintptr_t)arg;
		ro_used = (size_t)(at + len - w.ro);
		memmove(at, arg, len);
		return (uintptr_t)at;
	case 7:
		at = w.base + w.size - len + 1 + (take8(s) % (len ? len : 1));
		memmove(at, arg, (size_t)(w.base + w.size - at));
		return (uintptr_t)at;
	default:
		return (uintptr_t)arg;
	}
}

static unsigned int pick_file(struct stream *s)
{
	return take8(s) % NUM_FILES;
}

/* A shm id as the input names it. */
static uint64_t pick_shm(struct stream *s, unsigned int file)
{
	uint8_t b = take8(s);
	unsigned int i, n = 0;

	switch (b & 3) {
	case 0:		/* one of this file's, live or freed */
	case 1:		/* anyone's */
		for (i = 0; i < p.nids; i++) {
			if ((b & 3) == 0 && p.ids[i].file != file)
				continue;
			if (n++ == (unsigned int)(b >> 2) % (p.nids ? p.nids : 1))
				return (uint64_t)(uint32_t)p.ids[i].id;
		}
		return 1;
	case 2:
		return TEE_MEMREF_NULL;
	default:
		return take32(s) | (b & 4 ? (uint64_t)take32(s) << 32 : 0);
	}
}

static uint64_t pick_attr(struct stream *s)
{
	uint8_t b = take8(s);
	uint64_t attr = b & 7;

	if (b & 0x08)
		attr |= TEE_IOCTL_PARAM_ATTR_META;
	if (b & 0x10)
		attr = take8(s) | (uint64_t)take8(s) << 8;
	if (b & 0x20)
		attr |= 1ULL << (9 + (take8(s) % 55));
	return attr;
}

static void fill_params(struct stream *s, struct tee_ioctl_param *pr,
			uint32_t n, unsigned int file)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		pr[i].attr = pick_attr(s);
		if ((pr[i].attr & 7) >= TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT) {
			pr[i].a = take8(s) & 1 ? take64(s) : take8(s);
			pr[i].b = take16(s) & 0x1fff;
			pr[i].c = pick_shm(s, file);
		} else {
			pr[i].a = take32(s);
			pr[i].b = take32(s);
			pr[i].c = take8(s);
		}
	}
}

/*
 * A variable-sized argument: @fixed bytes of @fixed_part, @n params from
 * the input, a buf_data naming them with buf_len as the input bends it.
 * Return: the process's address of the buf_data.
 */
static uint64_t buf_arg(struct stream *s, const void *fixed_part, size_t fixed,
			size_t num_offs, unsigned int file)
{
	struct tee_ioctl_buf_data *b;
	uint32_t n = take8(s) % 7, claimed = n;
	uint8_t *a, bend;
	size_t len;

	bend = take8(s);
	if ((bend & 0xf0) == 0xf0)
		claimed = take32(s);
	else if ((bend & 0xf0) == 0xe0)
		claimed = n + 1;
	len = fixed + n * sizeof(struct tee_ioctl_param);
	a = palloc(len);
	memcpy(a, fixed_part, fixed);
	memcpy(a + num_offs, &claimed, sizeof(claimed));
	fill_params(s, (struct tee_ioctl_param *)(a + fixed), n, file);
	b = palloc(sizeof(*b));
	b->buf_ptr = place(s, a, len);
	b->buf_len = len;
	switch (bend & 0x0f) {
	case 1:
		b->buf_len = len - 1;
		break;
	case 2:
		b->buf_len = len + sizeof(struct tee_ioctl_param);
		break;
	case 3:
		b->buf_len = take64(s);
		break;
	default:
		break;
	}
	return place(s, b, sizeof(*b));
}

/* ---- the operations ------------------------------------------------------------ */

/* An SHM ioctl's result @rc (an fd or 0, or -errno) for shm @id of file @fi. */
static void track_shm(long rc, int32_t id, unsigned int fi)
{
	if (rc >= 0 && p.nids < MAX_SHM) {
		p.ids[p.nids].id = id;
		p.ids[p.nids].file = fi;
		p.ids[p.nids].fd = fi == F_BARE ? -1 : (int)rc;
		p.ids[p.nids++].live = true;
	} else if (rc >= 0 && fi != F_BARE) {
		/* No room to track it: the process closes it at once. */
		tee_shm_put(p.fds[rc]);
		p.fds[rc] = NULL;
	}
}

static long op_shm_alloc(struct stream *s, unsigned int fi)
{
	struct tee_ioctl_shm_alloc_data *d = palloc(sizeof(*d));
	uint64_t u;
	long rc;

	d->size = take8(s) & 1 ? take64(s) : take16(s);
	d->flags = take8(s) & 0x80 ? take8(s) : 0;
	u = place(s, d, sizeof(*d));
	rc = tee_uapi_ioctl(p.f[fi], TEE_IOC_SHM_ALLOC, u, &mem);
	track_shm(rc, d->id, fi);
	return rc;
}

static long op_shm_register(struct stream *s, unsigned int fi)
{
	struct tee_ioctl_shm_register_data *d = palloc(sizeof(*d));
	uint8_t b = take8(s);
	uint64_t u;
	long rc;

	d->addr = b & 1 ? take64(s) : (uintptr_t)w.base + take16(s) % w.size;
	d->length = b & 2 ? take64(s) : take16(s) & 0x3fff;
	d->flags = b & 4 ? take8(s) : 0;
	u = place(s, d, sizeof(*d));
	rc = tee_uapi_ioctl(p.f[fi], TEE_IOC_SHM_REGISTER, u, &mem);
	track_shm(rc, d->id, fi);
	return rc;
}

static const struct smcsim_uuid tas[] = {
	SMCSIM_TA_ECHO_UUID,
	SMCSIM_TA_PANIC_UUID,
};

static long op_open_session(struct stream *s, unsigned int fi)
{
	struct tee_ioctl_open_session_arg a, *ua;
	struct tee_ioctl_buf_data *b;
	uint32_t gid;
	long rc;

	memset(&a, 0, sizeof(a));
	smcsim_uuid_to_octets(&tas[take8(s) % 2], a.uuid);
	a.clnt_login = take8(s) & 1 ? take32(s) : take8(s) % 7;
	gid = take8(s) & 1 ? 100 : take32(s);
	memcpy(a.clnt_uuid, &gid, sizeof(gid));
	a.cancel_id = take8(s);
	b = (struct tee_ioctl_buf_data *)(uintptr_t)buf_arg(
		s, &a, sizeof(a),
		offsetof(struct tee_ioctl_open_session_arg, num_params), fi);
	rc = tee_uapi_ioctl(p.f[fi], TEE_IOC_OPEN_SESSION, (uintptr_t)b, &mem);
	if (rc == 0 && in_proc((uintptr_t)b, sizeof(*b), false) &&
	    in_proc(b->buf_ptr, sizeof(a), false)) {
		ua = (struct tee_ioctl_open_session_arg *)(uintptr_t)b->buf_ptr;
		if (!ua->ret && p.nsess < MAX_SESS) {
			p.sess[p.nsess].id = ua->session;
			p.sess[p.nsess++].file = fi;
		}
	}
	return rc;
}

static uint32_t pick_session(struct stream *s, unsigned int fi)
{
	uint8_t b = take8(s);

	(void)fi;
	if (b & 0x80 || !p.nsess)
		return take32(s);
	return p.sess[b % p.nsess].id;
}

static long op_invoke(struct stream *s, unsigned int fi)
{
	struct tee_ioctl_invoke_arg a;
	uint64_t u;

	memset(&a, 0, sizeof(a));
	a.session = pick_session(s, fi);
	a.func = take8(s) % 6;
	a.cancel_id = take8(s);
	u = buf_arg(s, &a, sizeof(a),
		    offsetof(struct tee_ioctl_invoke_arg, num_params), fi);
	return tee_uapi_ioctl(p.f[fi], TEE_IOC_INVOKE, u, &mem);
}

static long op_cancel(struct stream *s, unsigned int fi)
{
	struct tee_ioctl_cancel_arg *a = palloc(sizeof(*a));

	a->cancel_id = take8(s);
	a->session = pick_session(s, fi);
	return tee_uapi_ioctl(p.f[fi], TEE_IOC_CANCEL,
			      place(s, a, sizeof(*a)), &mem);
}

static long op_close_session(struct stream *s, unsigned int fi)
{
	struct tee_ioctl_close_session_arg *a = palloc(sizeof(*a));

	a->session = pick_session(s, fi);
	return tee_uapi_ioctl(p.f[fi], TEE_IOC_CLOSE_SESSION,
			      place(s, a, sizeof(*a)), &mem);
}

/* SUPPL_RECV on a thread killed before the call: it must not block. */
struct killed_recv {
	struct tee_uapi_file *f;
	uint64_t u;
	long rc;
};

static void *killed_recv_main(void *arg)
{
	struct killed_recv *k = arg;

	k->rc = tee_uapi_ioctl(k->f, TEE_IOC_SUPPL_RECV, k->u, &mem);
	return NULL;
}

static long op_supp_recv(struct stream *s, unsigned int fi)
{
	struct tee_iocl_supp_recv_arg a = { 0 };
	struct killed_recv k = { .f = p.f[fi] };

	k.u = buf_arg(s, &a, sizeof(a),
		      offsetof(struct tee_iocl_supp_recv_arg, num_params), fi);
	if (fuzz_run_killed("recv", killed_recv_main, &k, false))
		fuzz_fail("rt_thread_create");
	if (k.rc == 0)
		fuzz_fail("a killed SUPPL_RECV took a request");
	return k.rc;
}

static long op_supp_send(struct stream *s, unsigned int fi)
{
	struct tee_iocl_supp_send_arg a;
	uint64_t u;

	a.ret = take8(s) & 1 ? take32(s) : 0;
	a.num_params = 0;
	u = buf_arg(s, &a, sizeof(a),
		    offsetof(struct tee_iocl_supp_send_arg, num_params), fi);
	return tee_uapi_ioctl(p.f[fi], TEE_IOC_SUPPL_SEND, u, &mem);
}

/* The process closes an shm fd the host keeps. */
static void op_close_fd(struct stream *s)
{
	unsigned int i = take8(s) % (p.nids ? p.nids : 1);

	if (i >= p.nids || !p.ids[i].live || p.ids[i].fd < 0)
		return;
	tee_shm_put(p.fds[p.ids[i].fd]);
	p.fds[p.ids[i].fd] = NULL;
	p.ids[i].live = false;
}

/* Any ioctl number, any argument bytes. */
static long op_raw(struct stream *s, unsigned int fi)
{
	static const unsigned int cmds[] = {
		TEE_IOC_VERSION, TEE_IOC_SHM_ALLOC, TEE_IOC_OPEN_SESSION,
		TEE_IOC_INVOKE, TEE_IOC_CANCEL, TEE_IOC_CLOSE_SESSION,
		TEE_IOC_SUPPL_SEND, TEE_IOC_SHM_REGISTER_FD,
		TEE_IOC_SHM_REGISTER,
	};
	uint8_t b = take8(s), *a = palloc(64);
	unsigned int cmd, i;

	cmd = b & 0x80 ? take32(s) : cmds[b % (sizeof(cmds) / sizeof(cmds[0]))];
	/* A raw SUPPL_RECV could block; its checks are op_supp_recv()'s. */
	if (cmd == TEE_IOC_SUPPL_RECV)
		cmd = TEE_IOC_VERSION;
	for (i = 0; i < 64; i++)
		a[i] = take8(s);
	/* SHM ioctls that succeed must be tracked: keep their flags bad. */
	if (cmd == TEE_IOC_SHM_ALLOC || cmd == TEE_IOC_SHM_REGISTER ||
	    cmd == TEE_IOC_SHM_REGISTER_FD)
		a[16] |= 1;
	/* A raw OPEN_SESSION could name an unknown TA: keep it refused. */
	if (cmd == TEE_IOC_OPEN_SESSION)
		return tee_uapi_ioctl(p.f[fi], cmd, BAD_UADDR, &mem);
	return tee_uapi_ioctl(p.f[fi], cmd, place(s, a, 64), &mem);
}

#define NUM_OPS	12

/* One operation; Return: whether it was an ioctl that failed. */
static bool run_op(struct stream *s)
{
	unsigned int op = take8(s) % NUM_OPS, fi = pick_file(s);
	struct tee_ioctl_version_data *v;
	long rc;

	if (!p.f[fi])
		return false;
	used = 0;
	ro_used = 0;
	switch (op) {
	case 0:
		v = palloc(sizeof(*v));
		rc = tee_uapi_ioctl(p.f[fi], TEE_IOC_VERSION,
				    place(s, v, sizeof(*v)), &mem);
		break;
	case 1:
		rc = op_shm_alloc(s, fi);
		break;
	case 2:
		rc = op_shm_register(s, fi);
		break;
	case 3:
		rc = op_open_session(s, fi);
		break;
	case 4:
		rc = op_invoke(s, fi);
		break;
	case 5:
		rc = op_cancel(s, fi);
		break;
	case 6:
		rc = op_close_session(s, fi);
		break;
	case 7:
		rc = op_supp_recv(s, fi);
		break;
	case 8:
		rc = op_supp_send(s, fi);
		break;
	case 9:
		op_close_fd(s);
		return false;
	case 10:
		rc = op_raw(s, fi);
		break;
	default:
		/*
		 * The client with no host closes its device: its kept shm go
		 * with it, and so do the ids it knew.
		 */
		if (fi != F_BARE)
			return false;
		tee_uapi_release(p.f[F_BARE]);
		p.f[F_BARE] = NULL;
		for (unsigned int i = 0; i < p.nids; i++)
			if (p.ids[i].file == F_BARE)
				p.ids[i].live = false;
		return false;
	}
	if (trace)
		fprintf(stderr, "op %u file %u: %ld\n", op, fi, rc);
	return rc < 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream s = { data, size };
	struct counts before, c0, c1;
	size_t dram;
	unsigned int i, ops;

	if (!size)
		return 0;
	if (!w.optee)
		world_create();
	memset(&p, 0, sizeof(p));
	p.share = take8(&s) & 1;
	before = counts();
	dram = smcsim_phys_dram_pages_used(w.phys);
	if (tee_uapi_open(w.clnt, &host, &p.f[F_HOST]) ||
	    tee_uapi_open(w.clnt, NULL, &p.f[F_BARE]) ||
	    tee_uapi_open(w.supp, &host, &p.f[F_SUPP]))
		fuzz_fail("open");

	for (ops = 0; s.n && ops < MAX_OPS; ops++) {
		c0 = counts();
		if (run_op(&s)) {
			c1 = counts();
			if (!counts_equal(&c0, &c1))
				fuzz_fail("a failed ioctl changed something");
		}
		check_shm_refs();
	}

	/* The process dies: its files, then its fds. */
	for (i = 0; i < NUM_FILES; i++)
		tee_uapi_release(p.f[i]);
	for (i = 0; i < HOST_FDS; i++)
		if (p.fds[i])
			tee_shm_put(p.fds[i]);
	memset(&p, 0, sizeof(p));
	c1 = counts();
	if (!counts_equal(&before, &c1))
		fuzz_fail("a released process left users or sessions behind");
	if (smcsim_phys_dram_pages_used(w.phys) != dram)
		fuzz_fail("a released process left memory behind");
	return 0;
}
