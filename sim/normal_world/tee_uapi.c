// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE device file's ioctls (after the tee_ioctl_*() functions of
 * Linux's drivers/tee/tee_core.c; the behaviour is Linux's, the code is
 * smcsim's). Every byte of the process's comes through struct tee_uapi_mem
 * and is read once: a length, a count or an attribute checked here is the
 * value used. What the process names by id (shm) is looked up in the
 * file's own context only and referenced for the length of the call.
 *
 * Sections:
 *   1. the file: open, release, the shm kept for the process
 *   2. user memory and parameters (params_from_user/params_to_user and
 *      their supplicant forms)
 *   3. one handler per ioctl
 *   4. the dispatcher
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

#include <smcsim/alloc.h>
#include <smcsim/rt.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_uapi.h>

/* ---- 1. the file ---------------------------------------------------------- */

/* A shm the file keeps for the process when the host installs no fds. */
struct tee_uapi_kept {
	TAILQ_ENTRY(tee_uapi_kept) link;
	struct tee_shm *shm;
};

/**
 * struct tee_uapi_file - one open of the device file
 * @ctx:	the context; the file holds its reference and device user
 * @host:	the host's ops (zeroed when none were given)
 * @lock:	protects @kept and @nkept
 * @kept:	with no install_shm_fd op: the shm given to the process
 * @nkept:	entries in @kept
 */
struct tee_uapi_file {
	struct tee_context *ctx;
	struct tee_uapi_host host;
	struct rt_mutex lock;
	TAILQ_HEAD(, tee_uapi_kept) kept;
	unsigned int nkept;
};

int tee_uapi_open(struct tee_device *teedev, const struct tee_uapi_host *host,
		  struct tee_uapi_file **out)
{
	struct tee_uapi_file *f;
	int rc;

	if (!teedev || !out)
		return -EINVAL;
	f = smcsim_zalloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	rc = teedev_open(teedev, &f->ctx);
	if (rc)
		goto err_free;
	/* User space waits for tee-supplicant when it is not there yet. */
	f->ctx->supp_nowait = false;
	if (host)
		f->host = *host;
	rt_mutex_init(&f->lock);
	TAILQ_INIT(&f->kept);
	*out = f;
	return 0;

err_free:
	smcsim_free(f);
	return rc;
}

void tee_uapi_release(struct tee_uapi_file *f)
{
	struct tee_uapi_kept *k;

	if (!f)
		return;
	teedev_close_context(f->ctx);
	/*
	 * The process's shm "fds" close after its device file, as they may at
	 * exit: the shm hold the context until then (seed 000).
	 */
	while ((k = TAILQ_FIRST(&f->kept))) {
		TAILQ_REMOVE(&f->kept, k, link);
		tee_shm_put(k->shm);
		smcsim_free(k);
	}
	rt_mutex_destroy(&f->lock);
	smcsim_free(f);
}

struct tee_context *tee_uapi_context(struct tee_uapi_file *f)
{
	return f->ctx;
}

unsigned int tee_uapi_kept_shm(struct tee_uapi_file *f)
{
	unsigned int n;

	rt_mutex_lock(&f->lock);
	n = f->nkept;
	rt_mutex_unlock(&f->lock);
	return n;
}

/*
 * Hand the creator's reference of a new user-visible @shm to the process
 * (Linux's tee_shm_get_fd() followed by tee_shm_put()): the host installs
 * an fd that keeps it, or the file keeps it. The last step of an ioctl.
 * Return: the fd (or the id when the file keeps it), or -errno with the
 * reference dropped, which frees the shm.
 */
static long tee_uapi_give_shm(struct tee_uapi_file *f, struct tee_shm *shm)
{
	struct tee_uapi_kept *k;
	int fd;

	if (f->host.install_shm_fd) {
		fd = f->host.install_shm_fd(f->host.ctx, shm);
		if (fd < 0)
			tee_shm_put(shm);
		return fd;
	}
	k = smcsim_zalloc(sizeof(*k));
	if (!k) {
		tee_shm_put(shm);
		return -ENOMEM;
	}
	k->shm = shm;
	rt_mutex_lock(&f->lock);
	TAILQ_INSERT_TAIL(&f->kept, k, link);
	f->nkept++;
	rt_mutex_unlock(&f->lock);
	return shm->id;
}

/* ---- 2. user memory and parameters --------------------------------------- */

static int copy_from_user(const struct tee_uapi_mem *mem, void *dst,
			  uint64_t uaddr, size_t len)
{
	if (uaddr + len < uaddr)
		return -EFAULT;
	return mem->read(mem->ctx, uaddr, dst, len) ? -EFAULT : 0;
}

static int copy_to_user(const struct tee_uapi_mem *mem, uint64_t uaddr,
			const void *src, size_t len)
{
	if (uaddr + len < uaddr)
		return -EFAULT;
	return mem->write(mem->ctx, uaddr, src, len) ? -EFAULT : 0;
}

static int put_user_u32(const struct tee_uapi_mem *mem, uint64_t uaddr,
			uint32_t v)
{
	return copy_to_user(mem, uaddr, &v, sizeof(v));
}

static int put_user_u64(const struct tee_uapi_mem *mem, uint64_t uaddr,
			uint64_t v)
{
	return copy_to_user(mem, uaddr, &v, sizeof(v));
}

#define UPARAM(base, n)	((base) + (uint64_t)(n) * sizeof(struct tee_ioctl_param))

/* Drop the shm references params_from_user() took. */
static void params_put_shm(struct tee_param *params, size_t num_params)
{
	size_t n;

	for (n = 0; n < num_params; n++)
		if (tee_param_is_memref(&params[n]) && params[n].u.memref.shm)
			tee_shm_put(params[n].u.memref.shm);
}

/*
 * A memref names a shm of the caller's context by id (c), with an offset
 * (a) and a size (b) inside it; TEE_MEMREF_NULL is no buffer, when the
 * TEE takes NULL memrefs. The id is an int in Linux: the high half of c
 * is ignored, as the kernel's conversion ignores it.
 */
static int param_from_user_memref(struct tee_context *ctx, struct tee_param *p,
				  const struct tee_ioctl_param *ip)
{
	struct tee_shm *shm = NULL;
	int rc;

	if (ip->c != TEE_MEMREF_NULL) {
		rc = tee_shm_get_from_id(ctx, (int)(uint32_t)ip->c, &shm);
		if (rc)
			return rc;
		if (ip->a + ip->b < ip->a || ip->a + ip->b > shm->size) {
			tee_shm_put(shm);
			return -EINVAL;
		}
	} else if (!ctx->cap_memref_null) {
		return -EINVAL;
	}
	p->u.memref.shm_offs = ip->a;
	p->u.memref.size = ip->b;
	p->u.memref.shm = shm;
	return 0;
}

/*
 * The process's params into @params (zeroed by the caller). On error the
 * references taken so far stay in @params for params_put_shm().
 */
static int params_from_user(struct tee_context *ctx, struct tee_param *params,
			    size_t num_params, uint64_t uparams,
			    const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_param ip;
	size_t n;
	int rc;

	for (n = 0; n < num_params; n++) {
		if (copy_from_user(mem, &ip, UPARAM(uparams, n), sizeof(ip)))
			return -EFAULT;
		/* Every attribute bit not defined must be zero. */
		if (ip.attr & ~(uint64_t)TEE_IOCTL_PARAM_ATTR_MASK)
			return -EINVAL;
		params[n].attr = ip.attr;
		switch (ip.attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_NONE:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			params[n].u.value.a = ip.a;
			params[n].u.value.b = ip.b;
			params[n].u.value.c = ip.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			rc = param_from_user_memref(ctx, &params[n], &ip);
			if (rc)
				return rc;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The outputs back to the process: values, and the size of output
 * memrefs (a TA may ask for more than was given). An attribute with the
 * META bit matches no case and is not written, as in Linux.
 */
static int params_to_user(uint64_t uparams, size_t num_params,
			  const struct tee_param *params,
			  const struct tee_uapi_mem *mem)
{
	size_t n;

	for (n = 0; n < num_params; n++) {
		uint64_t up = UPARAM(uparams, n);
		const struct tee_param *p = &params[n];

		switch (p->attr) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			if (put_user_u64(mem, up + offsetof(struct tee_ioctl_param, a),
					 p->u.value.a) ||
			    put_user_u64(mem, up + offsetof(struct tee_ioctl_param, b),
					 p->u.value.b) ||
			    put_user_u64(mem, up + offsetof(struct tee_ioctl_param, c),
					 p->u.value.c))
				return -EFAULT;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			if (put_user_u64(mem, up + offsetof(struct tee_ioctl_param, b),
					 p->u.memref.size))
				return -EFAULT;
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * A request's params as the supplicant sees them: memrefs by the id of
 * their shm (-1 for one without: kernel memory, or none).
 */
static int params_to_supp(uint64_t uparams, size_t num_params,
			  const struct tee_param *params,
			  const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_param ip;
	size_t n;

	for (n = 0; n < num_params; n++) {
		const struct tee_param *p = &params[n];

		memset(&ip, 0, sizeof(ip));
		ip.attr = p->attr;
		switch (p->attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			ip.a = p->u.value.a;
			ip.b = p->u.value.b;
			ip.c = p->u.value.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			ip.b = p->u.memref.size;
			if (!p->u.memref.shm) {
				ip.c = TEE_MEMREF_NULL;
				break;
			}
			ip.a = p->u.memref.shm_offs;
			ip.c = (uint64_t)(int64_t)p->u.memref.shm->id;
			break;
		default:
			break;
		}
		if (copy_to_user(mem, UPARAM(uparams, n), &ip, sizeof(ip)))
			return -EFAULT;
	}
	return 0;
}

/*
 * The supplicant's answer: only output values and output memref sizes
 * can change; the driver copies them into the request's own params.
 */
static int params_from_supp(struct tee_param *params, size_t num_params,
			    uint64_t uparams, const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_param ip;
	size_t n;

	for (n = 0; n < num_params; n++) {
		struct tee_param *p = &params[n];

		if (copy_from_user(mem, &ip, UPARAM(uparams, n), sizeof(ip)))
			return -EFAULT;
		if (ip.attr & ~(uint64_t)TEE_IOCTL_PARAM_ATTR_MASK)
			return -EINVAL;
		p->attr = ip.attr;
		switch (ip.attr & TEE_IOCTL_PARAM_ATTR_TYPE_MASK) {
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT:
			p->u.value.a = ip.a;
			p->u.value.b = ip.b;
			p->u.value.c = ip.c;
			break;
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT:
		case TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT:
			p->u.memref.shm = NULL;
			p->u.memref.shm_offs = 0;
			p->u.memref.size = ip.b;
			break;
		default:
			memset(&p->u, 0, sizeof(p->u));
			break;
		}
	}
	return 0;
}

/*
 * A tee_ioctl_buf_data argument: where the variable-sized argument lies.
 * Checked before any byte of the buffer is read (TEE_MAX_ARG_SIZE).
 */
static int get_buf_data(const struct tee_uapi_mem *mem, uint64_t arg,
			size_t fixed, struct tee_ioctl_buf_data *buf)
{
	if (copy_from_user(mem, buf, arg, sizeof(*buf)))
		return -EFAULT;
	if (buf->buf_len > TEE_MAX_ARG_SIZE || buf->buf_len < fixed)
		return -EINVAL;
	return 0;
}

/* A 64-bit length the host's size_t holds (always, on 64-bit hosts). */
static bool fits_size(uint64_t v)
{
	return v == (uint64_t)(size_t)v;
}

/* The length a fixed part and @num_params params take. */
static uint64_t arg_len(size_t fixed, uint32_t num_params)
{
	return fixed + (uint64_t)num_params * sizeof(struct tee_ioctl_param);
}

/*
 * The fixed part of a buffer argument: the buffer @ubuf describes holds
 * @fixed bytes at least, copied into @arg. *@uarg: the buffer's address,
 * *@len: its length (the caller checks it against the params).
 */
static int get_buf_arg(const struct tee_uapi_mem *mem, uint64_t ubuf,
		       void *arg, size_t fixed, uint64_t *uarg, uint64_t *len)
{
	struct tee_ioctl_buf_data buf;
	int rc;

	rc = get_buf_data(mem, ubuf, fixed, &buf);
	if (rc)
		return rc;
	if (copy_from_user(mem, arg, buf.buf_ptr, fixed))
		return -EFAULT;
	*uarg = buf.buf_ptr;
	*len = buf.buf_len;
	return 0;
}

/*
 * A client's @num_params params at @uparams into *@params (NULL for none).
 * Whatever the return, params_free() releases *@params.
 */
static int params_in(struct tee_context *ctx, const struct tee_uapi_mem *mem,
		     uint64_t uparams, uint32_t num_params,
		     struct tee_param **params)
{
	*params = NULL;
	if (!num_params)
		return 0;
	*params = smcsim_calloc(num_params, sizeof(**params));
	if (!*params)
		return -ENOMEM;
	return params_from_user(ctx, *params, num_params, uparams, mem);
}

static void params_free(struct tee_param *params, size_t num_params)
{
	if (!params)
		return;
	params_put_shm(params, num_params);
	smcsim_free(params);
}

/*
 * An OPEN_SESSION or INVOKE argument: its fixed part into @arg (@fixed
 * bytes, num_params at @num_offs), then exactly the params it names, into
 * *@params (params_free() releases them, whatever the return). *@uarg:
 * where the argument lies. Return: 0 or -errno.
 */
static int client_arg_in(struct tee_context *ctx,
			 const struct tee_uapi_mem *mem, uint64_t ubuf,
			 void *arg, size_t fixed, size_t num_offs,
			 uint64_t *uarg, struct tee_param **params)
{
	uint32_t num_params;
	uint64_t len;
	int rc;

	*params = NULL;
	rc = get_buf_arg(mem, ubuf, arg, fixed, uarg, &len);
	if (rc)
		return rc;
	memcpy(&num_params, (const uint8_t *)arg + num_offs,
	       sizeof(num_params));
	if (arg_len(fixed, num_params) != len)
		return -EINVAL;
	return params_in(ctx, mem, *uarg + fixed, num_params, params);
}

/* ---- 3. the ioctls -------------------------------------------------------- */

static long tee_ioctl_version(struct tee_uapi_file *f, uint64_t uarg,
			      const struct tee_uapi_mem *mem)
{
	struct tee_device *teedev = f->ctx->teedev;
	struct tee_ioctl_version_data vers;

	teedev->desc->ops->get_version(teedev, &vers);
	if (teedev->desc->flags & TEE_DESC_PRIVILEGED)
		vers.gen_caps |= TEE_GEN_CAP_PRIVILEGED;
	/* Registration is offered only where it shares the process's memory. */
	if (!f->host.user_mem)
		vers.gen_caps &= ~TEE_GEN_CAP_REG_MEM;
	return copy_to_user(mem, uarg, &vers, sizeof(vers));
}

/*
 * The end of a successful SHM ioctl: its answer @data (@len bytes) back at
 * @uarg, then @shm to the process; a fault drops @shm. Return: as
 * tee_uapi_give_shm(), or -EFAULT.
 */
static long shm_to_user(struct tee_uapi_file *f, const struct tee_uapi_mem *mem,
			uint64_t uarg, const void *data, size_t len,
			struct tee_shm *shm)
{
	if (copy_to_user(mem, uarg, data, len)) {
		tee_shm_put(shm);
		return -EFAULT;
	}
	return tee_uapi_give_shm(f, shm);
}

static long tee_ioctl_shm_alloc(struct tee_uapi_file *f, uint64_t uarg,
				const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_shm_alloc_data data;
	struct tee_shm *shm;
	int rc;

	if (copy_from_user(mem, &data, uarg, sizeof(data)))
		return -EFAULT;
	/* No input flags are defined. */
	if (data.flags)
		return -EINVAL;
	if (!fits_size(data.size))
		return -ENOMEM;
	rc = tee_shm_alloc_user_buf(f->ctx, (size_t)data.size, &shm);
	if (rc)
		return rc;
	data.id = shm->id;
	data.size = shm->size;
	return shm_to_user(f, mem, uarg, &data, sizeof(data), shm);
}

static long tee_ioctl_shm_register(struct tee_uapi_file *f, uint64_t uarg,
				   const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_shm_register_data data;
	struct tee_shm *shm;
	void *kaddr;
	int rc;

	if (copy_from_user(mem, &data, uarg, sizeof(data)))
		return -EFAULT;
	if (data.flags)
		return -EINVAL;
	/* access_ok(): the range must not wrap. */
	if (data.addr + data.length < data.addr || !fits_size(data.length))
		return -EFAULT;
	if (!f->host.user_mem)
		return -EOPNOTSUPP;
	/* Linux finds no page to pin in an empty range. */
	if (!data.length)
		return -ENOMEM;
	kaddr = f->host.user_mem(f->host.ctx, data.addr, (size_t)data.length);
	if (!kaddr)
		return -EFAULT;
	rc = tee_shm_register_user_buf(f->ctx, kaddr, (size_t)data.length,
				       &shm);
	if (rc)
		return rc;
	data.id = shm->id;
	data.length = shm->size;
	return shm_to_user(f, mem, uarg, &data, sizeof(data), shm);
}

static long tee_ioctl_shm_register_fd(struct tee_uapi_file *f, uint64_t uarg,
				      const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_shm_register_fd_data data;
	struct dma_buf *dmabuf = NULL;
	struct tee_shm *shm;
	int rc;

	if (copy_from_user(mem, &data, uarg, sizeof(data)))
		return -EFAULT;
	if (data.flags)
		return -EINVAL;
	if (f->host.get_dma_buf)
		dmabuf = f->host.get_dma_buf(f->host.ctx, data.fd);
	/* Linux answers -EINVAL for every failure to import. */
	if (!dmabuf)
		return -EINVAL;
	rc = tee_shm_register_fd(f->ctx, dmabuf, &shm);
	dma_buf_put(dmabuf);
	if (rc)
		return -EINVAL;
	data.id = shm->id;
	data.flags = TEE_IOCTL_SHM_DMA_BUF;
	data.size = shm->size;
	return shm_to_user(f, mem, uarg, &data, sizeof(data), shm);
}

/*
 * The client UUID the TEE is told: computed from the login and the
 * caller's ids, never taken from the process (Linux computes it in the
 * driver; the port's driver passes arg->clnt_uuid on, so it is set here).
 */
static int tee_uapi_client_uuid(struct tee_uapi_file *f,
				struct tee_ioctl_open_session_arg *arg)
{
	struct tee_uapi_cred cred;
	uint32_t gids[TEE_UAPI_MAX_GROUPS + 1];
	uint8_t data[TEE_IOCTL_UUID_LEN];
	size_t n;
	int rc;

	memset(&cred, 0, sizeof(cred));
	if (f->host.get_cred) {
		rc = f->host.get_cred(f->host.ctx, &cred);
		if (rc)
			return rc;
		if (cred.ngroups > TEE_UAPI_MAX_GROUPS)
			cred.ngroups = TEE_UAPI_MAX_GROUPS;
	}
	gids[0] = cred.egid;
	for (n = 0; n < cred.ngroups; n++)
		gids[n + 1] = cred.groups[n];
	memcpy(data, arg->clnt_uuid, sizeof(data));
	return tee_session_calc_client_uuid(arg->clnt_uuid, arg->clnt_login,
					    data, cred.euid, gids,
					    cred.ngroups + 1);
}

static long tee_ioctl_open_session(struct tee_uapi_file *f, uint64_t ubuf,
				   const struct tee_uapi_mem *mem)
{
	struct tee_context *ctx = f->ctx;
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;
	struct tee_ioctl_open_session_arg arg = { 0 };
	struct tee_param *params;
	bool have_session = false;
	uint64_t uarg, uparams;
	int rc;

	if (!ops->open_session)
		return -EINVAL;
	rc = client_arg_in(ctx, mem, ubuf, &arg, sizeof(arg),
			   offsetof(struct tee_ioctl_open_session_arg,
				    num_params), &uarg, &params);
	if (rc)
		goto out;
	uparams = uarg + sizeof(arg);
	/* The kernel's logins are not for user space. */
	if (arg.clnt_login >= TEE_IOCTL_LOGIN_REE_KERNEL_MIN &&
	    arg.clnt_login <= TEE_IOCTL_LOGIN_REE_KERNEL_MAX) {
		rc = -EPERM;
		goto out;
	}
	rc = tee_uapi_client_uuid(f, &arg);
	if (rc)
		goto out;

	rc = tee_client_open_session(ctx, &arg, params);
	if (rc)
		goto out;
	have_session = true;

	if (put_user_u32(mem, uarg + offsetof(struct tee_ioctl_open_session_arg,
					       session), arg.session) ||
	    put_user_u32(mem, uarg + offsetof(struct tee_ioctl_open_session_arg,
					       ret), arg.ret) ||
	    put_user_u32(mem, uarg + offsetof(struct tee_ioctl_open_session_arg,
					       ret_origin), arg.ret_origin)) {
		rc = -EFAULT;
		goto out;
	}
	rc = params_to_user(uparams, arg.num_params, params, mem);
out:
	/*
	 * A session the process cannot learn of would leak: close it. Linux
	 * closes arg.session even when the TEE refused the open (no session
	 * then); only a session that exists is closed here.
	 */
	if (rc && have_session && arg.ret == 0 && ops->close_session)
		ops->close_session(ctx, arg.session);
	params_free(params, arg.num_params);
	return rc;
}

static long tee_ioctl_invoke(struct tee_uapi_file *f, uint64_t ubuf,
			     const struct tee_uapi_mem *mem)
{
	struct tee_context *ctx = f->ctx;
	const struct tee_driver_ops *ops = ctx->teedev->desc->ops;
	struct tee_ioctl_invoke_arg arg = { 0 };
	struct tee_param *params;
	uint64_t uarg, uparams;
	int rc;

	if (!ops->invoke_func)
		return -EINVAL;
	rc = client_arg_in(ctx, mem, ubuf, &arg, sizeof(arg),
			   offsetof(struct tee_ioctl_invoke_arg, num_params),
			   &uarg, &params);
	if (rc)
		goto out;
	uparams = uarg + sizeof(arg);
	rc = tee_client_invoke_func(ctx, &arg, params);
	if (rc)
		goto out;
	if (put_user_u32(mem, uarg + offsetof(struct tee_ioctl_invoke_arg, ret),
			 arg.ret) ||
	    put_user_u32(mem, uarg + offsetof(struct tee_ioctl_invoke_arg,
					       ret_origin), arg.ret_origin)) {
		rc = -EFAULT;
		goto out;
	}
	rc = params_to_user(uparams, arg.num_params, params, mem);
out:
	params_free(params, arg.num_params);
	return rc;
}

static long tee_ioctl_cancel(struct tee_uapi_file *f, uint64_t uarg,
			     const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_cancel_arg arg;

	if (!f->ctx->teedev->desc->ops->cancel_req)
		return -EINVAL;
	if (copy_from_user(mem, &arg, uarg, sizeof(arg)))
		return -EFAULT;
	return tee_client_cancel_req(f->ctx, arg.cancel_id, arg.session);
}

static long tee_ioctl_close_session(struct tee_uapi_file *f, uint64_t uarg,
				    const struct tee_uapi_mem *mem)
{
	struct tee_ioctl_close_session_arg arg;

	if (!f->ctx->teedev->desc->ops->close_session)
		return -EINVAL;
	if (copy_from_user(mem, &arg, uarg, sizeof(arg)))
		return -EFAULT;
	return tee_client_close_session(f->ctx, arg.session);
}

/*
 * The supplicant's ioctls are the privileged device's. The port's client
 * device also serves callback-object servers (tee_supp_register_server()),
 * which user space has no ioctl to become: on a client file they get what
 * Linux's OP-TEE client device answers, -EINVAL.
 */
static bool tee_uapi_is_supplicant(struct tee_uapi_file *f)
{
	const struct tee_desc *desc = f->ctx->teedev->desc;

	return (desc->flags & TEE_DESC_PRIVILEGED) && desc->ops->supp_recv &&
	       desc->ops->supp_send;
}

static long tee_ioctl_supp_recv(struct tee_uapi_file *f, uint64_t ubuf,
				const struct tee_uapi_mem *mem)
{
	struct tee_context *ctx = f->ctx;
	struct tee_ioctl_buf_data buf;
	struct tee_param *params = NULL;
	struct tee_shm **in_shm = NULL;
	uint32_t num_params, func = 0;
	size_t n, nin = 0;
	uint64_t uarg;
	int rc;

	if (!tee_uapi_is_supplicant(f))
		return -EINVAL;
	rc = get_buf_data(mem, ubuf, sizeof(struct tee_iocl_supp_recv_arg),
			  &buf);
	if (rc)
		return rc;
	uarg = buf.buf_ptr;
	if (copy_from_user(mem, &num_params, uarg +
			   offsetof(struct tee_iocl_supp_recv_arg, num_params),
			   sizeof(num_params)))
		return -EFAULT;
	if (arg_len(sizeof(struct tee_iocl_supp_recv_arg), num_params) !=
	    buf.buf_len)
		return -EINVAL;

	params = smcsim_calloc(num_params ? num_params : 1, sizeof(*params));
	in_shm = smcsim_calloc(num_params ? num_params : 1, sizeof(*in_shm));
	if (!params || !in_shm) {
		rc = -ENOMEM;
		goto out;
	}
	rc = params_from_user(ctx, params, num_params,
			      uarg + sizeof(struct tee_iocl_supp_recv_arg), mem);
	/*
	 * The supplicant passes no memory in: any memref is refused below,
	 * and the references the lookup took are ours to drop, whatever the
	 * driver does with @params (a request's params overwrite them).
	 */
	for (n = 0; n < num_params; n++)
		if (tee_param_is_memref(&params[n]) && params[n].u.memref.shm)
			in_shm[nin++] = params[n].u.memref.shm;
	if (rc)
		goto out;
	rc = tee_supp_recv(ctx, &func, &num_params, params);
	if (rc)
		goto out;
	if (put_user_u32(mem, uarg + offsetof(struct tee_iocl_supp_recv_arg,
					       func), func) ||
	    put_user_u32(mem, uarg + offsetof(struct tee_iocl_supp_recv_arg,
					       num_params), num_params)) {
		rc = -EFAULT;
		goto out;
	}
	rc = params_to_supp(uarg + sizeof(struct tee_iocl_supp_recv_arg),
			    num_params, params, mem);
out:
	for (n = 0; n < nin; n++)
		tee_shm_put(in_shm[n]);
	smcsim_free(in_shm);
	smcsim_free(params);
	return rc;
}

static long tee_ioctl_supp_send(struct tee_uapi_file *f, uint64_t ubuf,
				const struct tee_uapi_mem *mem)
{
	struct tee_iocl_supp_send_arg arg;
	struct tee_param *params;
	uint64_t uarg, len;
	int rc;

	if (!tee_uapi_is_supplicant(f))
		return -EINVAL;
	rc = get_buf_arg(mem, ubuf, &arg, sizeof(arg), &uarg, &len);
	if (rc)
		return rc;
	/* Linux lets the buffer be longer than the params here. */
	if (arg_len(sizeof(arg), arg.num_params) > len)
		return -EINVAL;

	params = smcsim_calloc(arg.num_params ? arg.num_params : 1,
			       sizeof(*params));
	if (!params)
		return -ENOMEM;
	rc = params_from_supp(params, arg.num_params, uarg + sizeof(arg), mem);
	if (rc)
		goto out;
	rc = tee_supp_send(f->ctx, arg.ret, arg.num_params, params);
out:
	smcsim_free(params);
	return rc;
}

/* ---- 4. the dispatcher ------------------------------------------------------ */

long tee_uapi_ioctl(struct tee_uapi_file *f, unsigned int cmd, uint64_t arg,
		    const struct tee_uapi_mem *mem)
{
	if (!f || !mem || !mem->read || !mem->write)
		return -EINVAL;

	switch (cmd) {
	case TEE_IOC_VERSION:
		return tee_ioctl_version(f, arg, mem);
	case TEE_IOC_SHM_ALLOC:
		return tee_ioctl_shm_alloc(f, arg, mem);
	case TEE_IOC_SHM_REGISTER:
		return tee_ioctl_shm_register(f, arg, mem);
	case TEE_IOC_SHM_REGISTER_FD:
		return tee_ioctl_shm_register_fd(f, arg, mem);
	case TEE_IOC_OPEN_SESSION:
		return tee_ioctl_open_session(f, arg, mem);
	case TEE_IOC_INVOKE:
		return tee_ioctl_invoke(f, arg, mem);
	case TEE_IOC_CANCEL:
		return tee_ioctl_cancel(f, arg, mem);
	case TEE_IOC_CLOSE_SESSION:
		return tee_ioctl_close_session(f, arg, mem);
	case TEE_IOC_SUPPL_RECV:
		return tee_ioctl_supp_recv(f, arg, mem);
	case TEE_IOC_SUPPL_SEND:
		return tee_ioctl_supp_send(f, arg, mem);
	default:
		return -EINVAL;
	}
}
