/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the TEE device file's ioctls (sim/normal_world/tee_uapi.c)
 * on the whole simulated stack (testbed.h). A "process" is an arena of
 * normal-world pages: its addresses are the arena's own pointers (identity
 * copies), anything outside it faults (-EFAULT), and its last page is
 * read-only, so a write-back can fail after the call was made. The host
 * side is a small table of "fds" holding shm references, as smcsimd's is.
 *
 * Every malformed input gets Linux's errno and changes nothing: the
 * device users (one per context and shm), the secure world's sessions and
 * the reference counts of the shm the input named are compared before and
 * after.
 *
 * Sections:
 *   1. the process, the host, the test TA
 *   2. happy paths, one per ioctl
 *   3. logins
 *   4. the supplicant's ioctls
 *   5. malformed input
 *   6. threads sharing a file
 *   7. closing with everything outstanding
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/pgalloc.h>
#include <smcsim/tee_error.h>
#include <smcsim/tee_uapi.h>

#include "testbed.h"

#define VI	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT
#define VO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT
#define VIO	TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT
#define MI	TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT
#define MO	TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT
#define MIO	TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT
#define META	TEE_IOCTL_PARAM_ATTR_META

/* ---- 1. the process, the host, the test TA ------------------------------- */

#define PROC_PAGES	16

/**
 * struct proc - a process's memory
 * @base:	first byte (normal-world memory of the map)
 * @size:	bytes
 * @used:	bump allocator
 * @pa:		physical address of @base
 * @ro:		writes at or past this fault
 */
struct proc {
	uint8_t *base;
	size_t size;
	size_t used;
	uint64_t pa;
	uint8_t *ro;
};

static bool in_proc(const struct proc *p, uint64_t uaddr, size_t len,
		    bool write)
{
	uint64_t lo = (uintptr_t)p->base;
	uint64_t hi = (uintptr_t)(write ? p->ro : p->base + p->size);

	return uaddr >= lo && uaddr <= hi && len <= hi - uaddr;
}

static int proc_read(void *ctx, uint64_t uaddr, void *dst, size_t len)
{
	if (!in_proc(ctx, uaddr, len, false))
		return -EFAULT;
	memcpy(dst, (void *)(uintptr_t)uaddr, len);
	return 0;
}

static int proc_write(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	if (!in_proc(ctx, uaddr, len, true))
		return -EFAULT;
	memcpy((void *)(uintptr_t)uaddr, src, len);
	return 0;
}

/* Zeroed, 8-byte aligned memory of the process (never freed: one test). */
static void *palloc(struct proc *p, size_t len)
{
	void *r;

	p->used = (p->used + 7) & ~(size_t)7;
	assert_true(p->used + len <= (size_t)(p->ro - p->base));
	r = p->base + p->used;
	p->used += len;
	memset(r, 0, len);
	return r;
}

static uint64_t U(const void *p)
{
	return (uintptr_t)p;
}

/* An address no process memory is at. */
#define BAD_UADDR	((uint64_t)0x10)

#define HOST_FDS	16
#define FD_BASE		100

/**
 * struct host - the host side: an fd table and the caller's ids
 * @fds:	shm references the process holds by fd (FD_BASE + index)
 * @share:	offer user_mem (the process's memory is this process's)
 * @proc:	the process, for @share
 * @cred:	what get_cred answers
 * @installs:	install_shm_fd calls
 * @dmabuf:	the dma-buf the process holds as DMABUF_FD, if any
 */
struct host {
	struct tee_shm *fds[HOST_FDS];
	bool share;
	struct proc *proc;
	struct tee_uapi_cred cred;
	unsigned int installs;
	struct dma_buf *dmabuf;
};

static int host_install(void *ctx, struct tee_shm *shm)
{
	struct host *h = ctx;
	int i;

	h->installs++;
	for (i = 0; i < HOST_FDS; i++) {
		if (!h->fds[i]) {
			h->fds[i] = shm;
			return FD_BASE + i;
		}
	}
	return -EMFILE;
}

/* The process's dma-buf fds: fd DMABUF_FD names @dmabuf. */
#define DMABUF_FD	7

static struct dma_buf *host_get_dma_buf(void *ctx, int64_t fd)
{
	struct host *h = ctx;

	if (fd != DMABUF_FD || !h->dmabuf)
		return NULL;
	get_dma_buf(h->dmabuf);
	return h->dmabuf;
}

static void *host_user_mem(void *ctx, uint64_t uaddr, size_t len)
{
	struct host *h = ctx;

	if (!h->share || !in_proc(h->proc, uaddr, len, false))
		return NULL;
	return (void *)(uintptr_t)uaddr;
}

static int host_get_cred(void *ctx, struct tee_uapi_cred *cred)
{
	*cred = ((struct host *)ctx)->cred;
	return 0;
}

/* The process closes an shm fd. */
static void host_close(struct host *h, long fd)
{
	assert_true(fd >= FD_BASE && fd < FD_BASE + HOST_FDS);
	assert_non_null(h->fds[fd - FD_BASE]);
	tee_shm_put(h->fds[fd - FD_BASE]);
	h->fds[fd - FD_BASE] = NULL;
}

static void host_close_all(struct host *h)
{
	int i;

	for (i = 0; i < HOST_FDS; i++)
		if (h->fds[i])
			host_close(h, FD_BASE + i);
}

static struct tee_uapi_host host_ops(struct host *h)
{
	return (struct tee_uapi_host){
		.install_shm_fd = host_install,
		.user_mem = host_user_mem,
		.get_dma_buf = host_get_dma_buf,
		.get_cred = host_get_cred,
		.ctx = h,
	};
}

/*
 * The test TA: records who opened a session, and makes RPCs the
 * supplicant serves.
 *
 * WHO_CMD_RPC [v0 inout: a = sequence number in; out: b = what the
 *	supplicant put in the RPC's value b]: one RPC OPTEE_RPC_CMD_FS with
 *	a VALUE_INOUT param (a = seq). Returns the RPC's result.
 * WHO_CMD_APPL [v0 in: a = size; v1 out: a = bytes of the supplicant's
 *	reply that differ, b = the memref size it answered]: SHM_ALLOC APPL,
 *	fill with i & 0xff through the secure map, RPC FS with a TMEM inout
 *	memref on it (the supplicant writes ~(i & 0xff)), SHM_FREE.
 */
#define WHO_CMD_RPC	0
#define WHO_CMD_APPL	1

static const struct smcsim_uuid who_uuid = {
	0x534d4353, 0x0117, 0x4000,
	{ 0x80, 0x00, 0x75, 0x61, 0x70, 0x69, 0x77, 0x68 }
};
static const struct smcsim_uuid echo_uuid = SMCSIM_TA_ECHO_UUID;

/* The last session the TA saw open (one test at a time). */
static uint32_t who_login;
static uint8_t who_client[16];

static uint32_t who_open(struct smcsim_ta_sess *s, uint32_t ptypes,
			 union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	(void)ptypes;
	(void)p;
	who_login = smcsim_ta_login(s);
	smcsim_uuid_to_octets(smcsim_ta_client(s), who_client);
	return TEE_SUCCESS;
}

static uint32_t who_appl(struct smcsim_ta_sess *s,
			 union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct tb *tb = smcsim_ta_priv(s);
	struct optee_msg_param mp[2];
	uint64_t pa, cookie;
	size_t size = p[0].value.a, i;
	uint8_t *va;
	uint32_t res;

	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp[0].u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	mp[0].u.value.b = size;
	mp[0].u.value.c = 8;
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_ALLOC, mp, 1);
	if (res)
		return res;
	pa = mp[0].u.tmem.buf_ptr;
	cookie = mp[0].u.tmem.shm_ref;
	va = smcsim_phys_map(tb->phys, SMCSIM_WORLD_SECURE, pa, size);
	if (!va)
		return TEE_ERROR_GENERIC;
	for (i = 0; i < size; i++)
		va[i] = (uint8_t)i;

	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
	mp[1].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INOUT;
	mp[1].u.tmem.buf_ptr = pa;
	mp[1].u.tmem.size = size;
	mp[1].u.tmem.shm_ref = cookie;
	res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_FS, mp, 2);
	p[1].value.a = 0;
	p[1].value.b = (uint32_t)mp[1].u.tmem.size;
	for (i = 0; i < size; i++)
		if (va[i] != (uint8_t)~i)
			p[1].value.a++;

	memset(mp, 0, sizeof(mp));
	mp[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	mp[0].u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	mp[0].u.value.b = cookie;
	smcsim_ta_rpc(s, OPTEE_RPC_CMD_SHM_FREE, mp, 1);
	return res;
}

static uint32_t who_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			   uint32_t ptypes,
			   union smcsim_ta_param p[SMCSIM_TA_NUM_PARAMS])
{
	struct optee_msg_param mp;
	uint32_t res;

	(void)ptypes;
	switch (cmd) {
	case WHO_CMD_RPC:
		memset(&mp, 0, sizeof(mp));
		mp.attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
		mp.u.value.a = p[0].value.a;
		res = smcsim_ta_rpc(s, OPTEE_RPC_CMD_FS, &mp, 1);
		p[0].value.b = (uint32_t)mp.u.value.b;
		return res;
	case WHO_CMD_APPL:
		return who_appl(s, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops who_ops = {
	.open_session = who_open,
	.invoke = who_invoke,
};

/**
 * struct t - a test's world
 * @tb:		the stack
 * @p:		the process
 * @mem:	its memory as the layer reaches it
 * @h:		the host side
 * @hops:	the host's ops
 */
struct t {
	struct tb tb;
	struct proc p;
	struct tee_uapi_mem mem;
	struct host h;
	struct tee_uapi_host hops;
};

static int setup_with(void **state, bool protmem)
{
	struct t *t = calloc(1, sizeof(*t));
	struct smcsim_ta_desc desc = {
		.uuid = who_uuid, .name = "uapi-who", .ops = &who_ops,
	};

	assert_non_null(t);
	tb_start(&t->tb, &(struct tb_opts){ .profile = SMCSIM_ABI_UPSTREAM,
					     .threads = 4,
					     .static_protmem = protmem });
	desc.priv = &t->tb;
	assert_int_equal(smcsim_sw_register_ta(t->tb.sw, &desc), 0);
	assert_int_equal(smcsim_phys_alloc_pages(t->tb.phys, PROC_PAGES,
						 &t->p.pa), 0);
	t->p.size = PROC_PAGES * SMCSIM_PAGE_SIZE;
	t->p.base = smcsim_phys_map(t->tb.phys, SMCSIM_WORLD_NORMAL, t->p.pa,
				    t->p.size);
	assert_non_null(t->p.base);
	t->p.ro = t->p.base + t->p.size - SMCSIM_PAGE_SIZE;
	t->mem = (struct tee_uapi_mem){
		.read = proc_read, .write = proc_write, .ctx = &t->p,
	};
	t->h.proc = &t->p;
	t->h.cred.euid = 0x3e8;
	t->h.cred.egid = 0x3e8;
	t->h.cred.ngroups = 1;
	t->h.cred.groups[0] = 0x64;
	t->hops = host_ops(&t->h);
	*state = t;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, false);
}

/* Firmware with the static protected-memory pool: a TEE dma-heap exists. */
static int setup_protmem(void **state)
{
	return setup_with(state, true);
}

static int teardown(void **state)
{
	struct t *t = *state;

	host_close_all(&t->h);
	assert_int_equal(smcsim_phys_free_pages(t->tb.phys, t->p.pa,
						PROC_PAGES), 0);
	tb_stop(&t->tb);
	free(t);
	return 0;
}

/**
 * struct counts - what a refused ioctl must leave as it was
 * @clnt_users:	users of the client device (its contexts and shm)
 * @supp_users:	users of the privileged device
 * @sessions:	the secure world's sessions
 */
struct counts {
	unsigned int clnt_users;
	unsigned int supp_users;
	unsigned int sessions;
};

static struct counts counts(struct t *t)
{
	return (struct counts){
		.clnt_users = tee_device_num_users(t->tb.teedev),
		.supp_users = tee_device_num_users(optee_supp_teedev(t->tb.optee)),
		.sessions = smcsim_sw_session_count(t->tb.sw),
	};
}

static void assert_counts(const struct counts *a, const struct counts *b)
{
	assert_int_equal(a->clnt_users, b->clnt_users);
	assert_int_equal(a->supp_users, b->supp_users);
	assert_int_equal(a->sessions, b->sessions);
}

static struct tee_uapi_file *open_clnt(struct t *t, bool host)
{
	struct tee_uapi_file *f;

	assert_int_equal(tee_uapi_open(t->tb.teedev, host ? &t->hops : NULL,
				       &f), 0);
	return f;
}

static struct tee_uapi_file *open_supp(struct t *t)
{
	struct tee_uapi_file *f;

	assert_int_equal(tee_uapi_open(optee_supp_teedev(t->tb.optee),
				       &t->hops, &f), 0);
	return f;
}

static long ioc(struct t *t, struct tee_uapi_file *f, unsigned int cmd,
		const void *arg)
{
	return tee_uapi_ioctl(f, cmd, U(arg), &t->mem);
}

/* A buf_data in the process naming @len bytes at @p. */
static struct tee_ioctl_buf_data *bufd(struct t *t, const void *p, uint64_t len)
{
	struct tee_ioctl_buf_data *b = palloc(&t->p, sizeof(*b));

	b->buf_ptr = U(p);
	b->buf_len = len;
	return b;
}

/**
 * struct osa - an OPEN_SESSION argument in the process
 * @arg:	the fixed part
 * @params:	its params
 * @buf:	the buf_data naming both
 */
struct osa {
	struct tee_ioctl_open_session_arg *arg;
	struct tee_ioctl_param *params;
	struct tee_ioctl_buf_data *buf;
};

static struct osa os_arg(struct t *t, const struct smcsim_uuid *uuid,
			 uint32_t login, uint32_t n)
{
	size_t len = sizeof(struct tee_ioctl_open_session_arg) +
		     n * sizeof(struct tee_ioctl_param);
	struct osa o;

	o.arg = palloc(&t->p, len);
	o.params = (struct tee_ioctl_param *)(o.arg + 1);
	smcsim_uuid_to_octets(uuid, o.arg->uuid);
	o.arg->clnt_login = login;
	o.arg->num_params = n;
	o.buf = bufd(t, o.arg, len);
	return o;
}

/* Open a PUBLIC session to @uuid; Return: the session (must succeed). */
static uint32_t open_sess(struct t *t, struct tee_uapi_file *f,
			  const struct smcsim_uuid *uuid)
{
	struct osa o = os_arg(t, uuid, TEE_IOCTL_LOGIN_PUBLIC, 0);

	assert_int_equal(ioc(t, f, TEE_IOC_OPEN_SESSION, o.buf), 0);
	assert_int_equal(o.arg->ret, TEE_SUCCESS);
	return o.arg->session;
}

struct iva {
	struct tee_ioctl_invoke_arg *arg;
	struct tee_ioctl_param *params;
	struct tee_ioctl_buf_data *buf;
};

static struct iva inv_arg(struct t *t, uint32_t session, uint32_t func,
			  uint32_t n)
{
	size_t len = sizeof(struct tee_ioctl_invoke_arg) +
		     n * sizeof(struct tee_ioctl_param);
	struct iva v;

	v.arg = palloc(&t->p, len);
	v.params = (struct tee_ioctl_param *)(v.arg + 1);
	v.arg->func = func;
	v.arg->session = session;
	v.arg->num_params = n;
	v.buf = bufd(t, v.arg, len);
	return v;
}

static void close_sess(struct t *t, struct tee_uapi_file *f, uint32_t session)
{
	struct tee_ioctl_close_session_arg *c = palloc(&t->p, sizeof(*c));

	c->session = session;
	assert_int_equal(ioc(t, f, TEE_IOC_CLOSE_SESSION, c), 0);
}

/* SHM_ALLOC of @size; Return: the ioctl's value, *@id the shm id. */
static long shm_alloc(struct t *t, struct tee_uapi_file *f, uint64_t size,
		      int32_t *id)
{
	struct tee_ioctl_shm_alloc_data *d = palloc(&t->p, sizeof(*d));
	long rc;

	d->size = size;
	rc = ioc(t, f, TEE_IOC_SHM_ALLOC, d);
	if (rc >= 0) {
		assert_true(d->size >= size);
		*id = d->id;
	}
	return rc;
}

static struct tee_shm *shm_of(struct tee_uapi_file *f, int32_t id)
{
	struct tee_shm *shm;

	assert_int_equal(tee_shm_get_from_id(tee_uapi_context(f), id, &shm), 0);
	tee_shm_put(shm);
	return shm;
}

static unsigned int shm_refs(struct tee_shm *shm)
{
	return rt_kref_read(&shm->refcount);
}

/* ---- 2. happy paths --------------------------------------------------------- */

static void tee_uapi_version_says_what_the_file_can(void **state)
{
	struct t *t = *state;
	struct tee_ioctl_version_data *v = palloc(&t->p, sizeof(*v));
	struct tee_uapi_file *f = open_clnt(t, false), *g, *s;

	assert_int_equal(ioc(t, f, TEE_IOC_VERSION, v), 0);
	assert_int_equal(v->impl_id, TEE_IMPL_ID_OPTEE);
	assert_int_equal(v->impl_caps, TEE_OPTEE_CAP_TZ);
	assert_true(v->gen_caps & TEE_GEN_CAP_GP);
	assert_false(v->gen_caps & TEE_GEN_CAP_PRIVILEGED);
	/* No host memory sharing: registration is not offered. */
	assert_false(v->gen_caps & TEE_GEN_CAP_REG_MEM);
	tee_uapi_release(f);

	t->h.share = true;
	g = open_clnt(t, true);
	assert_int_equal(ioc(t, g, TEE_IOC_VERSION, v), 0);
	assert_true(v->gen_caps & TEE_GEN_CAP_REG_MEM);
	tee_uapi_release(g);

	s = open_supp(t);
	assert_int_equal(ioc(t, s, TEE_IOC_VERSION, v), 0);
	assert_true(v->gen_caps & TEE_GEN_CAP_PRIVILEGED);
	tee_uapi_release(s);
}

static void tee_uapi_shm_alloc_gives_an_fd_that_holds_the_shm(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *f = open_clnt(t, true);
	struct tee_ioctl_shm_alloc_data *d = palloc(&t->p, sizeof(*d));
	struct tee_shm *shm;
	long fd;

	d->size = 100;
	fd = ioc(t, f, TEE_IOC_SHM_ALLOC, d);
	assert_int_equal(fd, FD_BASE);
	assert_true(d->id > 0);
	assert_true(d->size >= 100);
	assert_int_equal(d->flags, 0);
	shm = shm_of(f, d->id);
	assert_ptr_equal(shm, t->h.fds[0]);
	/* The fd's reference only. */
	assert_int_equal(shm_refs(shm), 1);
	assert_non_null(tee_shm_get_va(shm, 0));

	/* The fd keeps it, and the context, past the device file. */
	tee_uapi_release(f);
	c1 = counts(t);
	assert_int_equal(c1.clnt_users, c0.clnt_users + 1);
	host_close(&t->h, fd);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

static void tee_uapi_shm_alloc_without_host_keeps_the_shm(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t);
	struct tee_uapi_file *f = open_clnt(t, false);
	int32_t id;
	long rc;

	rc = shm_alloc(t, f, 4096, &id);
	assert_int_equal(rc, id);
	assert_int_equal(tee_uapi_kept_shm(f), 1);
	assert_int_equal(shm_refs(shm_of(f, id)), 1);
	tee_uapi_release(f);
	struct counts c1 = counts(t);
	assert_counts(&c1, &c0);
}

static void tee_uapi_session_values_round_trip(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *f = open_clnt(t, true);
	uint32_t sess = open_sess(t, f, &echo_uuid);
	struct iva v;

	assert_int_equal(smcsim_sw_session_count(t->tb.sw), c0.sessions + 1);
	v = inv_arg(t, sess, SMCSIM_TA_ECHO_CMD_ADD, 2);
	v.params[0] = (struct tee_ioctl_param){ .attr = VI, .a = 40, .b = 2 };
	v.params[1] = (struct tee_ioctl_param){ .attr = VO, .a = 7, .c = 9 };
	assert_int_equal(ioc(t, f, TEE_IOC_INVOKE, v.buf), 0);
	assert_int_equal(v.arg->ret, TEE_SUCCESS);
	assert_int_equal(v.params[1].a, 42);
	/* Inputs are not written back. */
	assert_int_equal(v.params[0].a, 40);

	v = inv_arg(t, sess, SMCSIM_TA_ECHO_CMD_INC_VALUE, 1);
	v.params[0] = (struct tee_ioctl_param){ .attr = VIO, .a = 1, .b = 5 };
	assert_int_equal(ioc(t, f, TEE_IOC_INVOKE, v.buf), 0);
	assert_int_equal(v.arg->ret, TEE_SUCCESS);
	assert_int_equal(v.params[0].a, 2);
	assert_int_equal(v.params[0].b, 6);

	close_sess(t, f, sess);
	assert_int_equal(smcsim_sw_session_count(t->tb.sw), c0.sessions);
	tee_uapi_release(f);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

static void tee_uapi_memrefs_name_shm_by_id(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *f = open_clnt(t, true);
	uint32_t sess = open_sess(t, f, &echo_uuid);
	struct tee_shm *in, *out;
	int32_t in_id, out_id;
	long in_fd, out_fd;
	struct iva v;
	uint8_t *p;
	int i;

	in_fd = shm_alloc(t, f, 256, &in_id);
	out_fd = shm_alloc(t, f, 256, &out_id);
	assert_true(in_fd >= 0 && out_fd >= 0);
	in = shm_of(f, in_id);
	out = shm_of(f, out_id);
	p = tee_shm_get_va(in, 0);
	for (i = 0; i < 256; i++)
		p[i] = (uint8_t)(i * 3);

	/* ECHO: m0 in -> m1 out, 100 bytes from offset 10 of each. */
	v = inv_arg(t, sess, SMCSIM_TA_ECHO_CMD_ECHO, 3);
	v.params[0] = (struct tee_ioctl_param){ .attr = MI, .a = 10, .b = 100,
						.c = (uint64_t)in_id };
	v.params[1] = (struct tee_ioctl_param){ .attr = MO, .a = 10, .b = 100,
						.c = (uint64_t)out_id };
	v.params[2] = (struct tee_ioctl_param){ .attr = VO };
	assert_int_equal(ioc(t, f, TEE_IOC_INVOKE, v.buf), 0);
	assert_int_equal(v.arg->ret, TEE_SUCCESS);
	assert_int_equal(v.params[1].b, 100);
	assert_memory_equal((uint8_t *)tee_shm_get_va(out, 10), p + 10, 100);
	/* The call's references are gone again: only the fds hold them. */
	assert_int_equal(shm_refs(in), 1);
	assert_int_equal(shm_refs(out), 1);

	close_sess(t, f, sess);
	tee_uapi_release(f);
	host_close(&t->h, in_fd);
	host_close(&t->h, out_fd);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

static void tee_uapi_shm_register_shares_the_process_memory(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_ioctl_shm_register_data *d;
	struct tee_uapi_file *f;
	uint8_t *buf;
	uint32_t sess;
	struct iva v;
	long fd;
	int i;

	t->h.share = true;
	f = open_clnt(t, true);
	sess = open_sess(t, f, &echo_uuid);
	buf = palloc(&t->p, 300);
	d = palloc(&t->p, sizeof(*d));
	d->addr = U(buf + 1);
	d->length = 200;
	fd = ioc(t, f, TEE_IOC_SHM_REGISTER, d);
	assert_true(fd >= FD_BASE);
	assert_true(d->id > 0);
	assert_int_equal(d->length, 200);

	/* FILL: m0 out [i] = v1.a + i, written by the TA into our memory. */
	v = inv_arg(t, sess, SMCSIM_TA_ECHO_CMD_FILL, 2);
	v.params[0] = (struct tee_ioctl_param){ .attr = MO, .a = 0, .b = 200,
						.c = (uint64_t)d->id };
	v.params[1] = (struct tee_ioctl_param){ .attr = VI, .a = 5 };
	assert_int_equal(ioc(t, f, TEE_IOC_INVOKE, v.buf), 0);
	assert_int_equal(v.arg->ret, TEE_SUCCESS);
	for (i = 0; i < 200; i++)
		assert_int_equal(buf[1 + i], (uint8_t)(5 + i));
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[201], 0);

	close_sess(t, f, sess);
	host_close(&t->h, fd);
	tee_uapi_release(f);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

static void tee_uapi_cancel_and_close_reach_the_driver(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true);
	struct tee_ioctl_cancel_arg *c = palloc(&t->p, sizeof(*c));
	struct tee_ioctl_close_session_arg *cl = palloc(&t->p, sizeof(*cl));
	uint32_t sess = open_sess(t, f, &echo_uuid);

	c->cancel_id = 5;
	c->session = sess;
	assert_int_equal(ioc(t, f, TEE_IOC_CANCEL, c), 0);
	cl->session = sess;
	assert_int_equal(ioc(t, f, TEE_IOC_CLOSE_SESSION, cl), 0);
	/* The session is gone: a second close is the driver's -EINVAL. */
	assert_int_equal(ioc(t, f, TEE_IOC_CLOSE_SESSION, cl), -EINVAL);
	tee_uapi_release(f);
}

/*
 * A buffer of a TEE dma-heap (protected memory) imported by fd: an shm
 * with an id and no normal-world mapping, held by the fd it is given.
 */
static void tee_uapi_shm_register_fd_imports_a_heap_buffer(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *f = open_clnt(t, true), *n = open_clnt(t, false);
	struct tee_ioctl_shm_register_fd_data *d = palloc(&t->p, sizeof(*d));
	struct tee_shm *shm;
	long fd;

	assert_int_equal(tee_dma_heap_alloc(&t->tb.cls,
					    tee_dma_heap_name(TEE_DMA_HEAP_SECURE_VIDEO_PLAY),
					    2 * SMCSIM_PAGE_SIZE, &t->h.dmabuf), 0);
	d->fd = DMABUF_FD;
	fd = ioc(t, f, TEE_IOC_SHM_REGISTER_FD, d);
	assert_true(fd >= FD_BASE);
	assert_true(d->id > 0);
	assert_int_equal(d->size, 2 * SMCSIM_PAGE_SIZE);
	assert_int_equal(d->flags, TEE_IOCTL_SHM_DMA_BUF);
	shm = shm_of(f, d->id);
	assert_int_equal(shm_refs(shm), 1);
	assert_null(tee_shm_get_va(shm, 0));

	/* Any other fd is not a dma-buf; a file with no host knows none. */
	d->fd = DMABUF_FD + 1;
	d->flags = 0;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER_FD, d), -EINVAL);
	d->fd = DMABUF_FD;
	assert_int_equal(ioc(t, n, TEE_IOC_SHM_REGISTER_FD, d), -EINVAL);

	/* The process closes the dma-buf: the shm keeps the buffer. */
	dma_buf_put(t->h.dmabuf);
	t->h.dmabuf = NULL;
	tee_uapi_release(n);
	tee_uapi_release(f);
	host_close(&t->h, fd);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

/* ---- 3. logins ---------------------------------------------------------------- */

static long open_login(struct t *t, struct tee_uapi_file *f, uint32_t login,
		       uint32_t gid)
{
	struct osa o = os_arg(t, &who_uuid, login, 0);
	long rc;

	memcpy(o.arg->clnt_uuid, &gid, sizeof(gid));
	/* What the process puts after the gid is not the identity. */
	memset(o.arg->clnt_uuid + 4, 0xee, 12);
	memset(who_client, 0x55, sizeof(who_client));
	who_login = UINT32_MAX;
	rc = ioc(t, f, TEE_IOC_OPEN_SESSION, o.buf);
	if (!rc) {
		assert_int_equal(o.arg->ret, TEE_SUCCESS);
		close_sess(t, f, o.arg->session);
	}
	return rc;
}

static void tee_uapi_logins_are_computed_by_the_kernel(void **state)
{
	/* Python's uuid.uuid5(58ac9ca0-2086-4683-a1b8-ec4bc08e01b6, name). */
	static const uint8_t uid_3e8[16] = {
		0xfc, 0x34, 0x27, 0x5c, 0xd8, 0xdd, 0x5b, 0xa7,
		0x96, 0x8b, 0x50, 0x47, 0x18, 0x36, 0x3b, 0x87,
	};
	static const uint8_t gid_64[16] = {
		0xd3, 0x2f, 0x76, 0x1e, 0xb3, 0x64, 0x51, 0x9b,
		0xbe, 0x12, 0xed, 0x54, 0xba, 0x66, 0x3b, 0x0a,
	};
	static const uint8_t nil[16];
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true);
	struct counts c0 = counts(t), c1;

	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_PUBLIC, 0x64), 0);
	assert_int_equal(who_login, TEE_IOCTL_LOGIN_PUBLIC);
	assert_memory_equal(who_client, nil, 16);

	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_USER, 0x64), 0);
	assert_int_equal(who_login, TEE_IOCTL_LOGIN_USER);
	assert_memory_equal(who_client, uid_3e8, 16);

	/* A supplementary group of the caller's. */
	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_GROUP, 0x64), 0);
	assert_int_equal(who_login, TEE_IOCTL_LOGIN_GROUP);
	assert_memory_equal(who_client, gid_64, 16);

	/* Refused before the TEE sees anything. */
	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_GROUP, 0x65), -EPERM);
	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_GROUP, UINT32_MAX),
			 -EPERM);
	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_REE_KERNEL, 0),
			 -EPERM);
	assert_int_equal(open_login(t, f, 0xBFFFFFFFU, 0), -EPERM);
	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_APPLICATION, 0),
			 -EINVAL);
	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_USER_APPLICATION, 0),
			 -EINVAL);
	assert_int_equal(open_login(t, f, TEE_IOCTL_LOGIN_GROUP_APPLICATION, 0),
			 -EINVAL);
	assert_int_equal(open_login(t, f, 0xF0000000U, 0), -EINVAL);
	assert_int_equal(who_login, UINT32_MAX);
	c1 = counts(t);
	assert_counts(&c1, &c0);
	tee_uapi_release(f);
}

/* ---- 4. the supplicant's ioctls ------------------------------------------------ */

/**
 * struct client - a client invoking the test TA on its own thread
 * @t:		the test
 * @f:		its file
 * @sess:	its session
 * @cmd:	WHO_CMD_*
 * @a:		v0.a
 * @b:		out: v0.b (RPC) or v1.a (APPL)
 * @rc:		the ioctl's result
 * @v:		its INVOKE argument
 */
struct client {
	struct t *t;
	struct tee_uapi_file *f;
	uint32_t sess;
	uint32_t cmd;
	uint32_t a;
	uint32_t b;
	long rc;
	struct iva v;
};

/* Off the main thread: no CMocka assertions; the process memory is shared. */
static uint32_t client_job(void *arg)
{
	struct client *c = arg;
	struct iva v = c->v;

	c->rc = tee_uapi_ioctl(c->f, TEE_IOC_INVOKE, U(v.buf), &c->t->mem);
	if (c->rc)
		return UINT32_MAX;
	c->b = c->cmd == WHO_CMD_RPC ? (uint32_t)v.params[0].b :
				       (uint32_t)v.params[1].a;
	return v.arg->ret;
}

static void client_start(struct t *t, struct client *c, struct tb_job *j)
{
	c->v = inv_arg(t, c->sess, c->cmd, 2);
	c->v.params[0] = (struct tee_ioctl_param){ .attr = VIO, .a = c->a };
	c->v.params[1] = (struct tee_ioctl_param){ .attr = VO };
	tb_job_start(j, "client", client_job, c);
}

static bool supp_has_request(void *arg)
{
	struct optee_supp_info si;

	optee_get_supp_info(arg, &si);
	return si.queued_now > 0;
}

/**
 * struct rcv - a SUPPL_RECV argument in the process, with room for 4
 * @arg:	the fixed part
 * @params:	the params
 * @buf:	the buf_data
 */
struct rcv {
	struct tee_iocl_supp_recv_arg *arg;
	struct tee_ioctl_param *params;
	struct tee_ioctl_buf_data *buf;
};

static struct rcv rcv_arg(struct t *t, uint32_t n)
{
	size_t len = sizeof(struct tee_iocl_supp_recv_arg) +
		     n * sizeof(struct tee_ioctl_param);
	struct rcv r;

	r.arg = palloc(&t->p, len);
	r.params = (struct tee_ioctl_param *)(r.arg + 1);
	r.arg->num_params = n;
	r.buf = bufd(t, r.arg, len);
	return r;
}

/* Receive on the main thread, once a request is known to be queued. */
static long supp_recv(struct t *t, struct tee_uapi_file *s, struct rcv *r)
{
	assert_true(tb_wait_until(supp_has_request, t->tb.optee, TB_WAIT_MS));
	return ioc(t, s, TEE_IOC_SUPPL_RECV, r->buf);
}

static long supp_send(struct t *t, struct tee_uapi_file *s, uint32_t ret,
		      const struct tee_ioctl_param *params, uint32_t n)
{
	size_t len = sizeof(struct tee_iocl_supp_send_arg) +
		     n * sizeof(struct tee_ioctl_param);
	struct tee_iocl_supp_send_arg *a = palloc(&t->p, len);

	a->ret = ret;
	a->num_params = n;
	memcpy(a + 1, params, n * sizeof(*params));
	return ioc(t, s, TEE_IOC_SUPPL_SEND, bufd(t, a, len));
}

static void tee_uapi_supplicant_serves_a_request(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *s = open_supp(t);
	struct tee_uapi_file *f = open_clnt(t, true);
	struct client c = { .t = t, .f = f, .cmd = WHO_CMD_RPC, .a = 77 };
	struct tb_job j;
	struct rcv r = rcv_arg(t, 4);

	c.sess = open_sess(t, f, &who_uuid);
	client_start(t, &c, &j);
	assert_int_equal(supp_recv(t, s, &r), 0);
	assert_int_equal(r.arg->func, OPTEE_RPC_CMD_FS);
	assert_int_equal(r.arg->num_params, 1);
	assert_int_equal(r.params[0].attr, VIO);
	assert_int_equal(r.params[0].a, 77);
	r.params[0].b = 1234;
	assert_int_equal(supp_send(t, s, TEE_SUCCESS, r.params, 1), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c.rc, 0);
	assert_int_equal(c.b, 1234);

	close_sess(t, f, c.sess);
	tee_uapi_release(f);
	tee_uapi_release(s);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

static void tee_uapi_supplicant_async_form_carries_the_id(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *s = open_supp(t);
	struct tee_uapi_file *f = open_clnt(t, true);
	struct client c = { .t = t, .f = f, .cmd = WHO_CMD_RPC, .a = 3 };
	struct tee_ioctl_param ans[2];
	struct tb_job j;
	struct rcv r = rcv_arg(t, 4);

	c.sess = open_sess(t, f, &who_uuid);
	client_start(t, &c, &j);
	r.params[0].attr = META;
	assert_int_equal(supp_recv(t, s, &r), 0);
	assert_int_equal(r.arg->num_params, 2);
	assert_int_equal(r.params[0].attr, VIO | META);
	assert_int_equal(r.params[1].a, 3);
	ans[0] = r.params[0];
	ans[1] = r.params[1];
	ans[1].b = 9;
	assert_int_equal(supp_send(t, s, TEE_SUCCESS, ans, 2), 0);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c.b, 9);
	close_sess(t, f, c.sess);
	tee_uapi_release(f);
	tee_uapi_release(s);
}

/*
 * Application memory: the supplicant allocates with SHM_ALLOC on its own
 * file, answers with the id, and later sees the buffer named by that id in
 * a memref; SHM_FREE names it again and the supplicant closes its fd.
 */
static void tee_uapi_supplicant_application_memory_by_id(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *s = open_supp(t);
	struct tee_uapi_file *f = open_clnt(t, true);
	struct client c = { .t = t, .f = f, .cmd = WHO_CMD_APPL, .a = 64 };
	struct tb_job j;
	struct rcv r;
	struct tee_shm *shm;
	int32_t id;
	long fd;
	uint8_t *p;
	int i;

	c.sess = open_sess(t, f, &who_uuid);
	client_start(t, &c, &j);

	r = rcv_arg(t, 4);
	assert_int_equal(supp_recv(t, s, &r), 0);
	assert_int_equal(r.arg->func, OPTEE_RPC_CMD_SHM_ALLOC);
	assert_int_equal(r.params[0].a, OPTEE_RPC_SHM_TYPE_APPL);
	assert_int_equal(r.params[0].b, 64);
	fd = shm_alloc(t, s, r.params[0].b, &id);
	assert_true(fd >= FD_BASE);
	r.params[0].c = (uint64_t)id;
	assert_int_equal(supp_send(t, s, TEE_SUCCESS, r.params, 1), 0);

	r = rcv_arg(t, 4);
	assert_int_equal(supp_recv(t, s, &r), 0);
	assert_int_equal(r.arg->func, OPTEE_RPC_CMD_FS);
	assert_int_equal(r.arg->num_params, 2);
	assert_int_equal(r.params[1].attr, MIO);
	assert_int_equal(r.params[1].c, (uint64_t)id);
	assert_int_equal(r.params[1].b, 64);
	shm = shm_of(s, id);
	p = tee_shm_get_va(shm, r.params[1].a);
	for (i = 0; i < 64; i++) {
		assert_int_equal(p[i], (uint8_t)i);
		p[i] = (uint8_t)~i;
	}
	assert_int_equal(supp_send(t, s, TEE_SUCCESS, r.params, 2), 0);

	r = rcv_arg(t, 4);
	assert_int_equal(supp_recv(t, s, &r), 0);
	assert_int_equal(r.arg->func, OPTEE_RPC_CMD_SHM_FREE);
	assert_int_equal(r.params[0].b, (uint64_t)id);
	host_close(&t->h, fd);
	assert_int_equal(supp_send(t, s, TEE_SUCCESS, r.params, 1), 0);

	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_SUCCESS);
	assert_int_equal(c.b, 0);
	close_sess(t, f, c.sess);
	tee_uapi_release(f);
	tee_uapi_release(s);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

/* ---- 5. malformed input ---------------------------------------------------------- */

static void tee_uapi_unknown_ioctls_are_refused(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true);
	struct tee_ioctl_version_data *v = palloc(&t->p, 64);
	struct counts c0 = counts(t), c1;

	assert_int_equal(ioc(t, f, 0, v), -EINVAL);
	/* The right number with the wrong size is another ioctl. */
	assert_int_equal(ioc(t, f, TEE_IOC_ENCODE(TEE_IOC_DIR_READ, 0, 16), v),
			 -EINVAL);
	/* Linux's TEE_IOC_OBJECT_INVOKE (QTEE) is not the OP-TEE driver's. */
	assert_int_equal(ioc(t, f, TEE_IOC_ENCODE(TEE_IOC_DIR_READ, 10, 16), v),
			 -EINVAL);
	assert_int_equal(ioc(t, f, TEE_IOC_VERSION | 0x40000000U, v), -EINVAL);
	c1 = counts(t);
	assert_counts(&c1, &c0);
	tee_uapi_release(f);
}

static void tee_uapi_bad_argument_addresses_fault(void **state)
{
	static const unsigned int clnt_cmds[] = {
		TEE_IOC_VERSION, TEE_IOC_SHM_ALLOC, TEE_IOC_SHM_REGISTER,
		TEE_IOC_SHM_REGISTER_FD, TEE_IOC_OPEN_SESSION, TEE_IOC_INVOKE,
		TEE_IOC_CANCEL, TEE_IOC_CLOSE_SESSION,
	};
	static const unsigned int supp_cmds[] = {
		TEE_IOC_VERSION, TEE_IOC_SHM_ALLOC, TEE_IOC_SUPPL_RECV,
		TEE_IOC_SUPPL_SEND,
	};
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true), *s = open_supp(t);
	struct counts c0 = counts(t), c1;
	uint64_t end = U(t->p.base + t->p.size);
	size_t i;

	t->h.share = true;
	for (i = 0; i < sizeof(clnt_cmds) / sizeof(clnt_cmds[0]); i++) {
		assert_int_equal(tee_uapi_ioctl(f, clnt_cmds[i], BAD_UADDR,
						&t->mem), -EFAULT);
		/* The argument runs past the end of the process's memory. */
		assert_int_equal(tee_uapi_ioctl(f, clnt_cmds[i], end - 2,
						&t->mem), -EFAULT);
		assert_int_equal(tee_uapi_ioctl(f, clnt_cmds[i], UINT64_MAX - 3,
						&t->mem), -EFAULT);
	}
	for (i = 0; i < sizeof(supp_cmds) / sizeof(supp_cmds[0]); i++)
		assert_int_equal(tee_uapi_ioctl(s, supp_cmds[i], BAD_UADDR,
						&t->mem), -EFAULT);
	c1 = counts(t);
	assert_counts(&c1, &c0);
	assert_int_equal(t->h.installs, 0);
	tee_uapi_release(s);
	tee_uapi_release(f);
}

/*
 * The call was made but its answer cannot be written back: the session
 * an OPEN_SESSION opened is closed again, and an allocated shm is freed.
 */
static void tee_uapi_unwritable_answers_undo_the_call(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true);
	struct counts c0 = counts(t), c1;
	struct tee_ioctl_open_session_arg *oa;
	struct tee_ioctl_shm_alloc_data *d;
	struct tee_ioctl_version_data *v;
	struct tee_ioctl_buf_data *b;

	/* Readable, not writable: the process's last page. */
	oa = (struct tee_ioctl_open_session_arg *)t->p.ro;
	smcsim_uuid_to_octets(&echo_uuid, oa->uuid);
	oa->clnt_login = TEE_IOCTL_LOGIN_PUBLIC;
	oa->num_params = 0;
	b = bufd(t, oa, sizeof(*oa));
	assert_int_equal(ioc(t, f, TEE_IOC_OPEN_SESSION, b), -EFAULT);

	d = (struct tee_ioctl_shm_alloc_data *)(t->p.ro + 512);
	d->size = 4096;
	d->flags = 0;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_ALLOC, d), -EFAULT);
	assert_int_equal(t->h.installs, 0);

	v = (struct tee_ioctl_version_data *)(t->p.ro + 1024);
	assert_int_equal(ioc(t, f, TEE_IOC_VERSION, v), -EFAULT);
	c1 = counts(t);
	assert_counts(&c1, &c0);
	tee_uapi_release(f);
}

/* A buf_data of @len at @ptr for @cmd; Return: the ioctl's value. */
static long buf_ioc(struct t *t, struct tee_uapi_file *f, unsigned int cmd,
		    uint64_t ptr, uint64_t len)
{
	struct tee_ioctl_buf_data *b = palloc(&t->p, sizeof(*b));

	b->buf_ptr = ptr;
	b->buf_len = len;
	return ioc(t, f, cmd, b);
}

static void check_lengths(struct t *t, struct tee_uapi_file *f,
			  unsigned int cmd, size_t fixed, size_t num_offs)
{
	uint8_t *a = palloc(&t->p, TEE_MAX_ARG_SIZE + 64);
	uint32_t n;

	/* Too short, too long: refused before the buffer is read. */
	assert_int_equal(buf_ioc(t, f, cmd, BAD_UADDR, fixed - 1), -EINVAL);
	assert_int_equal(buf_ioc(t, f, cmd, BAD_UADDR, 0), -EINVAL);
	assert_int_equal(buf_ioc(t, f, cmd, BAD_UADDR, TEE_MAX_ARG_SIZE + 1),
			 -EINVAL);
	assert_int_equal(buf_ioc(t, f, cmd, BAD_UADDR, UINT64_MAX), -EINVAL);
	/* A good length at a bad address. */
	assert_int_equal(buf_ioc(t, f, cmd, BAD_UADDR, fixed), -EFAULT);
	/* num_params must account for every byte. */
	n = 1;
	memcpy(a + num_offs, &n, sizeof(n));
	assert_int_equal(buf_ioc(t, f, cmd, U(a), fixed), -EINVAL);
	assert_int_equal(buf_ioc(t, f, cmd, U(a), fixed + 2 * 32), -EINVAL);
	assert_int_equal(buf_ioc(t, f, cmd, U(a), fixed + 31), -EINVAL);
	n = UINT32_MAX;
	memcpy(a + num_offs, &n, sizeof(n));
	assert_int_equal(buf_ioc(t, f, cmd, U(a), fixed), -EINVAL);
	n = 0x08000000;	/* 32 * n wraps a 32-bit size */
	memcpy(a + num_offs, &n, sizeof(n));
	assert_int_equal(buf_ioc(t, f, cmd, U(a), fixed), -EINVAL);
	/* The params lie past the end of the process's memory. */
	n = 1;
	memcpy(t->p.base + t->p.size - fixed + num_offs, &n, sizeof(n));
	assert_int_equal(buf_ioc(t, f, cmd, U(t->p.base + t->p.size - fixed),
				 fixed + 32), -EFAULT);
}

static void tee_uapi_buffer_lengths_are_checked(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true), *s = open_supp(t);
	struct counts c0 = counts(t), c1;

	check_lengths(t, f, TEE_IOC_OPEN_SESSION,
		      sizeof(struct tee_ioctl_open_session_arg),
		      offsetof(struct tee_ioctl_open_session_arg, num_params));
	check_lengths(t, f, TEE_IOC_INVOKE, sizeof(struct tee_ioctl_invoke_arg),
		      offsetof(struct tee_ioctl_invoke_arg, num_params));
	check_lengths(t, s, TEE_IOC_SUPPL_RECV,
		      sizeof(struct tee_iocl_supp_recv_arg),
		      offsetof(struct tee_iocl_supp_recv_arg, num_params));
	c1 = counts(t);
	assert_counts(&c1, &c0);
	tee_uapi_release(s);
	tee_uapi_release(f);
}

static void tee_uapi_supplicant_send_lengths_are_checked(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *s = open_supp(t);
	struct tee_iocl_supp_send_arg *a = palloc(&t->p, 8 + 3 * 32);
	struct optee_supp_info si0, si1;
	long exact;

	optee_get_supp_info(t->tb.optee, &si0);
	assert_int_equal(buf_ioc(t, s, TEE_IOC_SUPPL_SEND, BAD_UADDR, 7),
			 -EINVAL);
	assert_int_equal(buf_ioc(t, s, TEE_IOC_SUPPL_SEND, BAD_UADDR,
				 TEE_MAX_ARG_SIZE + 1), -EINVAL);
	assert_int_equal(buf_ioc(t, s, TEE_IOC_SUPPL_SEND, BAD_UADDR, 8),
			 -EFAULT);
	a->num_params = 2;
	a->ret = TEE_SUCCESS;
	assert_int_equal(buf_ioc(t, s, TEE_IOC_SUPPL_SEND, U(a), 8 + 32),
			 -EINVAL);
	/* Longer than the params is allowed (Linux checks ">" here). */
	exact = buf_ioc(t, s, TEE_IOC_SUPPL_SEND, U(a), 8 + 2 * 32);
	assert_int_equal(buf_ioc(t, s, TEE_IOC_SUPPL_SEND, U(a), 8 + 3 * 32),
			 exact);
	/* No request: the driver refuses the answer. */
	assert_true(exact < 0);
	((struct tee_ioctl_param *)(a + 1))[1].attr = 0x200;
	assert_int_equal(buf_ioc(t, s, TEE_IOC_SUPPL_SEND, U(a), 8 + 2 * 32),
			 -EINVAL);
	optee_get_supp_info(t->tb.optee, &si1);
	assert_int_equal(si1.answered, si0.answered);
	tee_uapi_release(s);
}

/*
 * One bad param among good ones: refused with Linux's errno, and the shm
 * the good memref named has its reference back.
 */
static void check_bad_param(struct t *t, struct tee_uapi_file *f, bool invoke,
			    uint32_t sess, int32_t good_id,
			    const struct tee_ioctl_param *bad, long expect)
{
	struct tee_shm *good = shm_of(f, good_id);
	unsigned int refs = shm_refs(good);
	struct counts c0 = counts(t), c1;
	struct tee_ioctl_param *p;
	long rc;

	if (invoke) {
		struct iva v = inv_arg(t, sess, SMCSIM_TA_ECHO_CMD_ECHO, 3);

		p = v.params;
		p[0] = (struct tee_ioctl_param){ .attr = MI, .b = 16,
						 .c = (uint64_t)good_id };
		p[1] = *bad;
		p[2] = (struct tee_ioctl_param){ .attr = VO };
		rc = ioc(t, f, TEE_IOC_INVOKE, v.buf);
	} else {
		struct osa o = os_arg(t, &echo_uuid, TEE_IOCTL_LOGIN_PUBLIC, 2);

		p = o.params;
		p[0] = (struct tee_ioctl_param){ .attr = MI, .b = 16,
						 .c = (uint64_t)good_id };
		p[1] = *bad;
		rc = ioc(t, f, TEE_IOC_OPEN_SESSION, o.buf);
	}
	if (rc != expect)
		print_message("%s: attr %#llx a %#llx b %#llx c %#llx: %ld\n",
			      invoke ? "invoke" : "open", (unsigned long long)bad->attr,
			      (unsigned long long)bad->a, (unsigned long long)bad->b,
			      (unsigned long long)bad->c, rc);
	assert_int_equal(rc, expect);
	assert_int_equal(shm_refs(good), refs);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

static void tee_uapi_params_are_checked(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true), *g = open_clnt(t, true);
	uint32_t sess = open_sess(t, f, &echo_uuid);
	int32_t good, other, freed, small;
	long other_fd, freed_fd, small_fd;
	struct tee_ioctl_param bad[16];
	size_t n = 0, i;
	int inv;

	assert_true(shm_alloc(t, f, 4096, &good) >= 0);
	small_fd = shm_alloc(t, f, 100, &small);
	other_fd = shm_alloc(t, g, 4096, &other);
	freed_fd = shm_alloc(t, f, 4096, &freed);
	assert_true(small_fd >= 0 && other_fd >= 0 && freed_fd >= 0);
	host_close(&t->h, freed_fd);

	/* Attribute bits Linux does not define, and types it has no case for. */
	bad[n++] = (struct tee_ioctl_param){ .attr = 0x200 | VI };
	bad[n++] = (struct tee_ioctl_param){ .attr = 1ULL << 63 };
	bad[n++] = (struct tee_ioctl_param){ .attr = 4 };
	bad[n++] = (struct tee_ioctl_param){ .attr = 8 };
	bad[n++] = (struct tee_ioctl_param){ .attr = 0xff };
	/* Shm ids that are not this file's, or no longer anyone's. */
	bad[n++] = (struct tee_ioctl_param){ .attr = MI, .b = 1,
					     .c = (uint64_t)other };
	bad[n++] = (struct tee_ioctl_param){ .attr = MO, .b = 1,
					     .c = (uint64_t)freed };
	bad[n++] = (struct tee_ioctl_param){ .attr = MIO, .b = 1, .c = 0 };
	bad[n++] = (struct tee_ioctl_param){ .attr = MIO, .b = 1,
					     .c = 0x7fffffff };
	/* Offset and size inside the shm, without wrapping. */
	bad[n++] = (struct tee_ioctl_param){ .attr = MO, .a = 1, .b = 4096,
					     .c = (uint64_t)good };
	bad[n++] = (struct tee_ioctl_param){ .attr = MO, .a = UINT64_MAX,
					     .b = 2, .c = (uint64_t)good };
	bad[n++] = (struct tee_ioctl_param){ .attr = MI, .a = 0,
					     .b = shm_of(f, small)->size + 1,
					     .c = (uint64_t)small };
	/* A META flag the driver does not take from a client. */
	bad[n++] = (struct tee_ioctl_param){ .attr = META | VI };
	if (!tee_uapi_context(f)->cap_memref_null)
		bad[n++] = (struct tee_ioctl_param){ .attr = MI,
						     .c = TEE_MEMREF_NULL };

	for (inv = 0; inv < 2; inv++)
		for (i = 0; i < n; i++)
			check_bad_param(t, f, inv, sess, good, &bad[i], -EINVAL);

	/* More than the 4 params a TEE call carries. */
	{
		struct iva v = inv_arg(t, sess, SMCSIM_TA_ECHO_CMD_ADD, 5);

		assert_int_equal(ioc(t, f, TEE_IOC_INVOKE, v.buf), -EINVAL);
	}
	close_sess(t, f, sess);
	tee_uapi_release(g);
	tee_uapi_release(f);
}

static void tee_uapi_shm_ioctls_refuse_bad_input(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true), *n = open_clnt(t, false);
	struct tee_ioctl_shm_alloc_data *d = palloc(&t->p, sizeof(*d));
	struct tee_ioctl_shm_register_data *r = palloc(&t->p, sizeof(*r));
	struct tee_ioctl_shm_register_fd_data *rf = palloc(&t->p, sizeof(*rf));
	uint8_t *buf = palloc(&t->p, 256);
	struct counts c0 = counts(t), c1;
	int i;

	d->flags = 1;
	d->size = 64;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_ALLOC, d), -EINVAL);
	d->flags = 0;
	d->size = 0;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_ALLOC, d), -EINVAL);
	d->size = UINT64_MAX;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_ALLOC, d), -ENOMEM);

	/* No host: registration is not supported. */
	r->addr = U(buf);
	r->length = 256;
	assert_int_equal(ioc(t, n, TEE_IOC_SHM_REGISTER, r), -EOPNOTSUPP);
	/* Offered, but the host cannot share this range. */
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER, r), -EFAULT);
	t->h.share = true;
	r->flags = 2;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER, r), -EINVAL);
	r->flags = 0;
	r->addr = BAD_UADDR;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER, r), -EFAULT);
	r->addr = UINT64_MAX - 10;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER, r), -EFAULT);
	r->addr = U(t->p.base + t->p.size - 100);
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER, r), -EFAULT);
	r->addr = U(buf);
	r->length = 0;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER, r), -ENOMEM);

	/* No dma-bufs here: every fd is refused as Linux refuses a non-dma-buf. */
	rf->fd = 3;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER_FD, rf), -EINVAL);
	rf->flags = 1;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_REGISTER_FD, rf), -EINVAL);
	assert_int_equal(t->h.installs, 0);

	/* The host has no fd left: the shm goes at once. */
	for (i = 0; i < HOST_FDS; i++)
		t->h.fds[i] = (struct tee_shm *)1;
	d->size = 64;
	assert_int_equal(ioc(t, f, TEE_IOC_SHM_ALLOC, d), -EMFILE);
	memset(t->h.fds, 0, sizeof(t->h.fds));
	c1 = counts(t);
	assert_counts(&c1, &c0);
	tee_uapi_release(n);
	tee_uapi_release(f);
}

static void tee_uapi_each_device_has_its_own_ioctls(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *f = open_clnt(t, true), *s = open_supp(t), *s2;
	struct tee_ioctl_cancel_arg *c = palloc(&t->p, sizeof(*c));
	struct tee_ioctl_close_session_arg *cl = palloc(&t->p, sizeof(*cl));
	struct counts c0 = counts(t), c1;
	struct osa o = os_arg(t, &echo_uuid, TEE_IOCTL_LOGIN_PUBLIC, 0);
	struct iva v = inv_arg(t, 1, 0, 0);
	struct rcv r = rcv_arg(t, 1);
	int32_t id;
	long fd;

	assert_int_equal(ioc(t, f, TEE_IOC_SUPPL_RECV, r.buf), -EINVAL);
	assert_int_equal(ioc(t, f, TEE_IOC_SUPPL_SEND, r.buf), -EINVAL);
	/* Even at a bad address: the device is checked first. */
	assert_int_equal(tee_uapi_ioctl(f, TEE_IOC_SUPPL_RECV, BAD_UADDR,
					&t->mem), -EINVAL);
	assert_int_equal(ioc(t, s, TEE_IOC_OPEN_SESSION, o.buf), -EINVAL);
	assert_int_equal(ioc(t, s, TEE_IOC_INVOKE, v.buf), -EINVAL);
	assert_int_equal(ioc(t, s, TEE_IOC_CANCEL, c), -EINVAL);
	assert_int_equal(ioc(t, s, TEE_IOC_CLOSE_SESSION, cl), -EINVAL);
	assert_int_equal(tee_uapi_ioctl(s, TEE_IOC_OPEN_SESSION, BAD_UADDR,
					&t->mem), -EINVAL);
	/* One supplicant at a time. */
	assert_int_equal(tee_uapi_open(optee_supp_teedev(t->tb.optee), NULL,
				       &s2), -EBUSY);
	c1 = counts(t);
	assert_counts(&c1, &c0);
	/* The supplicant allocates memory on its own device. */
	fd = shm_alloc(t, s, 64, &id);
	assert_true(fd >= FD_BASE);
	host_close(&t->h, fd);
	tee_uapi_release(s);
	tee_uapi_release(f);
}

static void tee_uapi_supplicant_recv_refuses_memory(void **state)
{
	struct t *t = *state;
	struct tee_uapi_file *s = open_supp(t);
	struct rcv r = rcv_arg(t, 2);
	struct tee_shm *shm;
	unsigned int refs;
	int32_t id;
	long fd;

	fd = shm_alloc(t, s, 64, &id);
	assert_true(fd >= FD_BASE);
	shm = shm_of(s, id);
	refs = shm_refs(shm);
	r.params[0] = (struct tee_ioctl_param){ .attr = MIO, .b = 8,
						.c = (uint64_t)id };
	assert_int_equal(ioc(t, s, TEE_IOC_SUPPL_RECV, r.buf), -EINVAL);
	assert_int_equal(shm_refs(shm), refs);
	r.params[0] = (struct tee_ioctl_param){ .attr = META };
	r.params[1] = (struct tee_ioctl_param){ .attr = MI, .b = 8,
						.c = (uint64_t)id };
	assert_int_equal(ioc(t, s, TEE_IOC_SUPPL_RECV, r.buf), -EINVAL);
	assert_int_equal(shm_refs(shm), refs);
	r.params[1] = (struct tee_ioctl_param){ .attr = VI };
	assert_int_equal(ioc(t, s, TEE_IOC_SUPPL_RECV, r.buf), -EINVAL);
	r.params[1] = (struct tee_ioctl_param){ .attr = 0x400 };
	assert_int_equal(ioc(t, s, TEE_IOC_SUPPL_RECV, r.buf), -EINVAL);
	/* No room at all. */
	r = rcv_arg(t, 0);
	assert_int_equal(ioc(t, s, TEE_IOC_SUPPL_RECV, r.buf), -EINVAL);
	host_close(&t->h, fd);
	tee_uapi_release(s);
}

/* ---- 6. threads sharing a file ------------------------------------------------- */

#define THREADS		4
#define ROUNDS		25

/**
 * struct worker - one of several threads of a process using one file
 * @t:		the test
 * @f:		the shared file
 * @sess:	the shared session
 * @v:		its own INVOKE argument
 * @a:		its own SHM_ALLOC argument
 * @ids:	the shm it allocated
 */
struct worker {
	struct t *t;
	struct tee_uapi_file *f;
	uint32_t sess;
	struct iva v;
	struct tee_ioctl_shm_alloc_data *a;
	int32_t ids[ROUNDS];
};

static uint32_t worker_job(void *arg)
{
	struct worker *wk = arg;
	uint32_t i;

	for (i = 0; i < ROUNDS; i++) {
		wk->v.params[0] = (struct tee_ioctl_param){ .attr = VI,
							    .a = i, .b = 1000 };
		wk->v.params[1] = (struct tee_ioctl_param){ .attr = VO };
		if (tee_uapi_ioctl(wk->f, TEE_IOC_INVOKE, U(wk->v.buf),
				   &wk->t->mem) || wk->v.arg->ret ||
		    wk->v.params[1].a != i + 1000)
			return 1;
		wk->a->size = 64;
		wk->a->flags = 0;
		if (tee_uapi_ioctl(wk->f, TEE_IOC_SHM_ALLOC, U(wk->a),
				   &wk->t->mem) < 0)
			return 2;
		wk->ids[i] = wk->a->id;
	}
	return 0;
}

/*
 * Threads of one process share a file (smcsimd runs each ioctl on a worker
 * thread): calls and the shm the file keeps do not get mixed up.
 */
static void tee_uapi_one_file_serves_threads_at_once(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *f = open_clnt(t, false);
	struct worker wk[THREADS];
	struct tb_job j[THREADS];
	uint32_t sess = open_sess(t, f, &echo_uuid);
	int i, k, m, n;

	for (i = 0; i < THREADS; i++) {
		wk[i] = (struct worker){ .t = t, .f = f, .sess = sess };
		wk[i].v = inv_arg(t, sess, SMCSIM_TA_ECHO_CMD_ADD, 2);
		wk[i].a = palloc(&t->p, sizeof(*wk[i].a));
		tb_job_start(&j[i], "worker", worker_job, &wk[i]);
	}
	for (i = 0; i < THREADS; i++)
		assert_int_equal(tb_job_join(&j[i], TB_WAIT_MS), 0);
	assert_int_equal(tee_uapi_kept_shm(f), THREADS * ROUNDS);
	/* Every id once, each a live shm of the file. */
	for (i = 0; i < THREADS; i++) {
		for (k = 0; k < ROUNDS; k++) {
			assert_int_equal(shm_refs(shm_of(f, wk[i].ids[k])), 1);
			for (m = 0; m <= i; m++)
				for (n = 0; n < (m == i ? k : ROUNDS); n++)
					assert_int_not_equal(wk[i].ids[k],
							     wk[m].ids[n]);
		}
	}
	close_sess(t, f, sess);
	tee_uapi_release(f);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

/* ---- 7. closing with everything outstanding ------------------------------------ */

/*
 * The process dies: its threads in the TEE are killed, then its device
 * file and its shm fds close. Sessions, shm and the request it had queued
 * for the supplicant all go; the supplicant's late answer is refused.
 */
static void tee_uapi_release_leaves_nothing(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *s = open_supp(t);
	struct tee_uapi_file *f = open_clnt(t, true), *n = open_clnt(t, false);
	struct client c = { .t = t, .f = f, .cmd = WHO_CMD_RPC, .a = 5 };
	struct optee_supp_info si;
	struct rcv r = rcv_arg(t, 4);
	struct tb_job j;
	int32_t id;

	open_sess(t, f, &echo_uuid);
	open_sess(t, f, &echo_uuid);
	open_sess(t, n, &echo_uuid);
	assert_true(shm_alloc(t, f, 8192, &id) >= FD_BASE);
	assert_true(shm_alloc(t, f, 100, &id) >= FD_BASE);
	assert_true(shm_alloc(t, n, 100, &id) >= 0);
	c.sess = open_sess(t, f, &who_uuid);
	client_start(t, &c, &j);
	/* The supplicant takes the request; then the client dies. */
	assert_int_equal(supp_recv(t, s, &r), 0);
	rt_thread_kill(j.thr);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	tee_uapi_release(f);
	tee_uapi_release(n);
	host_close_all(&t->h);
	/* Too late. */
	assert_true(supp_send(t, s, TEE_SUCCESS, r.params, 1) < 0);
	tee_uapi_release(s);

	optee_get_supp_info(t->tb.optee, &si);
	assert_int_equal(si.killed, 1);
	assert_int_equal(si.queued_now + si.processing_now + si.placeholders, 0);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

/*
 * The process dies while its request waits in the queue, never received:
 * the request leaves the queue and the supplicant never sees it.
 */
static void tee_uapi_release_drops_a_queued_request(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *s = open_supp(t);
	struct tee_uapi_file *f = open_clnt(t, true);
	struct client c = { .t = t, .f = f, .cmd = WHO_CMD_RPC, .a = 8 };
	struct optee_supp_info si0, si;
	struct tb_job j;

	optee_get_supp_info(t->tb.optee, &si0);
	c.sess = open_sess(t, f, &who_uuid);
	client_start(t, &c, &j);
	assert_true(tb_wait_until(supp_has_request, t->tb.optee, TB_WAIT_MS));
	rt_thread_kill(j.thr);
	assert_int_equal(tb_job_join(&j, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	tee_uapi_release(f);
	optee_get_supp_info(t->tb.optee, &si);
	assert_int_equal(si.queued_now + si.processing_now + si.placeholders, 0);
	assert_int_equal(si.received, si0.received);
	assert_int_equal(si.killed, si0.killed + 1);
	tee_uapi_release(s);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

/*
 * The supplicant dies holding one request with another queued: both
 * callers get COMMUNICATION, and a new supplicant can attach.
 */
static void tee_uapi_supplicant_release_fails_its_requests(void **state)
{
	struct t *t = *state;
	struct counts c0 = counts(t), c1;
	struct tee_uapi_file *s = open_supp(t);
	struct tee_uapi_file *f = open_clnt(t, true);
	struct client a = { .t = t, .f = f, .cmd = WHO_CMD_RPC, .a = 1 };
	struct client b = { .t = t, .f = f, .cmd = WHO_CMD_RPC, .a = 2 };
	struct optee_supp_info si;
	struct rcv r = rcv_arg(t, 4);
	struct tb_job ja, jb;

	a.sess = open_sess(t, f, &who_uuid);
	b.sess = open_sess(t, f, &who_uuid);
	client_start(t, &a, &ja);
	assert_int_equal(supp_recv(t, s, &r), 0);
	client_start(t, &b, &jb);
	assert_true(tb_wait_until(supp_has_request, t->tb.optee, TB_WAIT_MS));
	tee_uapi_release(s);
	assert_int_equal(tb_job_join(&ja, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	assert_int_equal(tb_job_join(&jb, TB_WAIT_MS), TEE_ERROR_COMMUNICATION);
	optee_get_supp_info(t->tb.optee, &si);
	assert_false(si.attached);
	assert_int_equal(si.queued_now + si.processing_now, 0);

	s = open_supp(t);
	tee_uapi_release(s);
	tee_uapi_release(f);
	c1 = counts(t);
	assert_counts(&c1, &c0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tee_uapi_version_says_what_the_file_can, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_shm_alloc_gives_an_fd_that_holds_the_shm, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_shm_alloc_without_host_keeps_the_shm, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_session_values_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_memrefs_name_shm_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_shm_register_shares_the_process_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_cancel_and_close_reach_the_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_shm_register_fd_imports_a_heap_buffer, setup_protmem, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_logins_are_computed_by_the_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_supplicant_serves_a_request, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_supplicant_async_form_carries_the_id, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_supplicant_application_memory_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_unknown_ioctls_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_bad_argument_addresses_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_unwritable_answers_undo_the_call, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_buffer_lengths_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_supplicant_send_lengths_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_params_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_shm_ioctls_refuse_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_each_device_has_its_own_ioctls, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_supplicant_recv_refuses_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_one_file_serves_threads_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_release_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_release_drops_a_queued_request, setup, teardown),
		cmocka_unit_test_setup_teardown(tee_uapi_supplicant_release_fails_its_requests, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
