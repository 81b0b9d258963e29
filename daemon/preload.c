// SPDX-License-Identifier: BSD-2-Clause
/*
 * libsmcsim-preload.so: LD_PRELOAD it into an unmodified libteec client or
 * tee-supplicant and its /dev/tee<N> and /dev/teepriv<N> are smcsimd's
 * (daemon/proto.h). open() of such a path connects to the daemon: the
 * socket is the file descriptor the program gets. ioctl(), close() and
 * poll() on it, and mmap()/munmap()/close() of the shared-memory fds its
 * SHM_ALLOC returns, go to the daemon; everything else passes through to
 * the real libc.
 *
 *  1. the real functions
 *  2. the tables: our device fds, our shm fds, our mappings
 *  3. a call to the daemon (tagged: threads share a device file)
 *  4. open, ioctl, close of a device file
 *  5. shared memory: the fd, mmap, munmap
 *  6. the interposed functions
 *
 * An ioctl's memory travels by value: the argument struct and, for the
 * commands that take a struct tee_ioctl_buf_data, the buffer it names go
 * out; what the daemon wrote comes back and is copied into place. Both
 * copies use process_vm_readv()/process_vm_writev() on ourselves, so a bad
 * pointer gets EFAULT, as from the kernel, instead of a crash.
 *
 * A shm fd is the memfd behind the simulator's memory (SCM_RIGHTS); mmap()
 * maps it at the object's offset, so the process and the secure world see
 * the same pages. Like a kernel's tee_shm, the object lives while the
 * process holds its fd or a mapping of it, even after the device file is
 * closed; then the daemon is told (SHM_PUT).
 *
 * Not covered: dup()/dup2()/fcntl(F_DUPFD) of a device or shm fd (the copy
 * is a plain socket or memfd), a device file shared across fork(), ppoll().
 */
/*
 * Meson builds with _FILE_OFFSET_BITS=64, under which glibc's headers
 * rename open() to open64(), mmap() to mmap64(): each symbol must be
 * defined here under its own name.
 */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <smcsim/tee_ioctl.h>

#include "proto.h"

#define PL_EXPORT __attribute__((visibility("default")))

/* ---- 1. the real functions ------------------------------------------------ */

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_open_2)(const char *, int);
static int (*real_open64_2)(const char *, int);
static int (*real_openat_2)(int, const char *, int);
static int (*real_openat64_2)(int, const char *, int);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static void *(*real_mmap64)(void *, size_t, int, int, int, off_t);
static int (*real_munmap)(void *, size_t);
static int (*real_poll)(struct pollfd *, nfds_t, int);

static pthread_once_t pl_once = PTHREAD_ONCE_INIT;

/* dlsym() gives an object pointer; POSIX allows this conversion. */
#define PL_RESOLVE(var, name) \
	do { \
		void *p_ = dlsym(RTLD_NEXT, name); \
		memcpy(&(var), &p_, sizeof(p_)); \
	} while (0)

static void pl_resolve(void)
{
	PL_RESOLVE(real_open, "open");
	PL_RESOLVE(real_open64, "open64");
	PL_RESOLVE(real_openat, "openat");
	PL_RESOLVE(real_openat64, "openat64");
	PL_RESOLVE(real_open_2, "__open_2");
	PL_RESOLVE(real_open64_2, "__open64_2");
	PL_RESOLVE(real_openat_2, "__openat_2");
	PL_RESOLVE(real_openat64_2, "__openat64_2");
	PL_RESOLVE(real_close, "close");
	PL_RESOLVE(real_ioctl, "ioctl");
	PL_RESOLVE(real_mmap, "mmap");
	PL_RESOLVE(real_mmap64, "mmap64");
	PL_RESOLVE(real_munmap, "munmap");
	PL_RESOLVE(real_poll, "poll");
}

static void pl_init(void)
{
	pthread_once(&pl_once, pl_resolve);
}

__attribute__((constructor)) static void pl_ctor(void)
{
	pl_init();
}

/* ---- 2. the tables --------------------------------------------------------- */

#define PL_MAX_FD	65536

struct pl_wait;

/**
 * struct pl_dev - an open device file (one connection to the daemon)
 * @mu:		protects everything below it
 * @cv:		a reply was delivered, or the reader's turn is free
 * @sock:	the connection: the program's fd, or a hidden copy of it
 *		once the program closed it while shm or calls remain
 * @reading:	a thread is in recvmsg() on @sock for everyone
 * @waits:	threads waiting for a reply
 * @gone:	the daemon closed the connection
 * @next_tag:	tag of the next request
 * @refs:	the program's fd, each shm object, each call in flight
 */
struct pl_dev {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int sock;
	bool reading;
	struct pl_wait *waits;
	bool gone;
	uint32_t next_tag;
	unsigned int refs;
};

/**
 * struct pl_shm - a shared-memory object the daemon handed us
 * @dev:	the device file it came from (holds a reference)
 * @handle:	the daemon's name for it
 * @offs:	where it starts in the fd
 * @size:	bytes that may be mapped (0: none)
 * @refs:	its fd and each mapping (under pl_mu)
 */
struct pl_shm {
	struct pl_dev *dev;
	uint64_t handle;
	uint64_t offs;
	uint64_t size;
	unsigned int refs;
};

/** struct pl_map - a mapping of a shm object */
struct pl_map {
	struct pl_map *next;
	uintptr_t addr;
	size_t len;
	struct pl_shm *shm;
};

static _Atomic(struct pl_dev *) pl_devs[PL_MAX_FD];
static _Atomic(struct pl_shm *) pl_shmfds[PL_MAX_FD];
/* Entries in the three tables: 0 lets every call pass straight through. */
static atomic_uint pl_ours;
/* Protects pl_maps and every pl_shm's refs. */
static pthread_mutex_t pl_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pl_map *pl_maps;

static struct pl_dev *pl_dev_of(int fd)
{
	if (fd < 0 || fd >= PL_MAX_FD || !atomic_load(&pl_ours))
		return NULL;
	return atomic_load(&pl_devs[fd]);
}

static struct pl_shm *pl_shm_of(int fd)
{
	if (fd < 0 || fd >= PL_MAX_FD || !atomic_load(&pl_ours))
		return NULL;
	return atomic_load(&pl_shmfds[fd]);
}

static void pl_dev_put(struct pl_dev *p)
{
	bool last;

	pthread_mutex_lock(&p->mu);
	last = !--p->refs;
	pthread_mutex_unlock(&p->mu);
	if (!last)
		return;
	real_close(p->sock);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* ---- 3. a call to the daemon --------------------------------------------- */

/**
 * struct pl_wait - a thread waiting for its reply
 * @pkt:	the reply (malloc'd by whoever read it), NULL until done
 * @len:	its length
 * @fd:		a file descriptor it carried, or -1
 */
struct pl_wait {
	struct pl_wait *next;
	uint32_t tag;
	bool done;
	uint8_t *pkt;
	size_t len;
	int fd;
};

/* Hand the reply in @pkt to its waiter (under p->mu). */
static void pl_deliver(struct pl_dev *p, uint8_t *pkt, size_t len, int fd)
{
	struct smcsimd_msg m;
	struct pl_wait *w;

	memcpy(&m, pkt, sizeof(m));
	for (w = p->waits; w; w = w->next) {
		if (w->tag == m.tag && !w->done) {
			w->pkt = pkt;
			w->len = len;
			w->fd = fd;
			w->done = true;
			return;
		}
	}
	/* Nobody asked: drop it. */
	if (fd >= 0)
		real_close(fd);
	free(pkt);
}

/* Read one packet from the daemon for whoever waits on it (p->mu held). */
static void pl_read_one(struct pl_dev *p)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	uint8_t *pkt = malloc(SMCSIMD_MAX_MSG);
	struct cmsghdr *h;
	int sock = p->sock, fd = -1;
	ssize_t n;

	p->reading = true;
	pthread_mutex_unlock(&p->mu);
	n = -1;
	if (pkt) {
		iov = (struct iovec){ pkt, SMCSIMD_MAX_MSG };
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		do {
			n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		} while (n < 0 && errno == EINTR);
	}
	if (n > 0) {
		for (h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h))
			if (h->cmsg_level == SOL_SOCKET &&
			    h->cmsg_type == SCM_RIGHTS)
				memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	}
	pthread_mutex_lock(&p->mu);
	p->reading = false;
	if (n >= (ssize_t)sizeof(struct smcsimd_msg))
		pl_deliver(p, pkt, (size_t)n, fd);
	else if (n <= 0 && pkt)
		p->gone = true;		/* the daemon went away */
	if (n <= 0 || n < (ssize_t)sizeof(struct smcsimd_msg)) {
		if (fd >= 0)
			real_close(fd);
		free(pkt);
	}
	pthread_cond_broadcast(&p->cv);
}

/**
 * pl_call() - send a request and wait for its reply
 * @m:		the request head (tag and magic set here)
 * @seg, @data, @nseg: its segments
 * @w:		receives the reply (free w->pkt; close w->fd if not used)
 * @want_reply:	false for SHM_PUT
 * Return: 0, or -errno when the daemon cannot be reached (-EIO).
 */
static int pl_call(struct pl_dev *p, struct smcsimd_msg *m,
		   const struct smcsimd_seg *seg, void *const *data,
		   unsigned int nseg, struct pl_wait *w, bool want_reply)
{
	struct iovec iov[1 + 3 * SMCSIMD_MAX_SEGS];
	struct msghdr mh = { .msg_iov = iov };
	struct pl_wait **pp;
	ssize_t rc;
	int sock;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	pthread_mutex_lock(&p->mu);
	if (p->gone) {
		pthread_mutex_unlock(&p->mu);
		return -EIO;
	}
	m->tag = w->tag = p->next_tag++;
	sock = p->sock;
	if (want_reply) {
		w->next = p->waits;
		p->waits = w;
	}
	p->refs++;
	pthread_mutex_unlock(&p->mu);

	mh.msg_iovlen = smcsimd_iov(iov, m, seg, data, nseg);
	do {
		rc = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (rc < 0 && errno == EINTR);

	pthread_mutex_lock(&p->mu);
	while (want_reply && rc >= 0 && !w->done && !p->gone) {
		if (!p->reading)
			pl_read_one(p);
		else
			pthread_cond_wait(&p->cv, &p->mu);
	}
	if (want_reply) {
		for (pp = &p->waits; *pp; pp = &(*pp)->next) {
			if (*pp == w) {
				*pp = w->next;
				break;
			}
		}
	}
	pthread_mutex_unlock(&p->mu);
	pl_dev_put(p);
	if (rc < 0 || (want_reply && !w->done))
		return -EIO;
	return 0;
}

/* The reply's head; its segments from @w->pkt (checked against the packet). */
static struct smcsimd_msg pl_reply_head(const struct pl_wait *w)
{
	struct smcsimd_msg m;

	memcpy(&m, w->pkt, sizeof(m));
	return m;
}

/* ---- 4. open, ioctl, close --------------------------------------------------- */

/* "/dev/tee<N>" or "/dev/teepriv<N>": @name gets "tee<N>"/"teepriv<N>". */
static bool pl_is_tee_path(const char *path, char name[32])
{
	const char *p;

	if (!path || strncmp(path, "/dev/tee", 8))
		return false;
	p = path + 8;
	if (!strncmp(p, "priv", 4))
		p += 4;
	if (!*p || strlen(path + 5) >= 32)
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	strcpy(name, path + 5);
	return true;
}

/*
 * Open device @name at the daemon. Return: the fd, -1 with errno, or -2
 * when no daemon answers (then the real open() is tried).
 */
static int pl_dev_open(const char *name, int flags)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct smcsimd_msg m = { .op = SMCSIMD_OPEN };
	static atomic_bool warned;
	struct pl_wait w;
	struct pl_dev *p;
	char buf[108];
	const char *path = smcsimd_socket_path(buf, sizeof(buf));
	int s, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -2;
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_SEQPACKET |
		   ((flags & O_CLOEXEC) ? SOCK_CLOEXEC : 0), 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		if (!atomic_exchange(&warned, true))
			fprintf(stderr, "smcsim-preload: no smcsimd at %s (%s)\n",
				path, strerror(errno));
		real_close(s);
		return -2;
	}
	if (s >= PL_MAX_FD) {
		real_close(s);
		errno = EMFILE;
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		real_close(s);
		errno = ENOMEM;
		return -1;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->sock = s;
	p->refs = 1;
	snprintf(m.name, sizeof(m.name), "%s", name);
	rc = pl_call(p, &m, NULL, NULL, 0, &w, true);
	if (!rc) {
		rc = (int)pl_reply_head(&w).ret;
		if (w.fd >= 0)
			real_close(w.fd);
		free(w.pkt);
	}
	if (rc < 0) {
		pl_dev_put(p);
		errno = -rc;
		return -1;
	}
	atomic_store(&pl_devs[s], p);
	atomic_fetch_add(&pl_ours, 1);
	return s;
}

/* Copy between our own memory and a buffer, EFAULT for a bad address. */
static int pl_copy(void *local, uintptr_t remote, size_t len, bool in)
{
	struct iovec l = { local, len }, r = { (void *)remote, len };
	ssize_t n;

	if (!len)
		return 0;
	n = in ? process_vm_readv(getpid(), &l, 1, &r, 1, 0) :
		 process_vm_writev(getpid(), &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* Not allowed here (seccomp): a plain copy, no protection. */
		if (in)
			memcpy(local, (void *)remote, len);
		else
			memcpy((void *)remote, local, len);
		return 0;
	}
	return -EFAULT;
}

static bool pl_takes_buf_data(unsigned long req)
{
	return req == TEE_IOC_OPEN_SESSION || req == TEE_IOC_INVOKE ||
	       req == TEE_IOC_SUPPL_RECV || req == TEE_IOC_SUPPL_SEND;
}

static int pl_shm_new(struct pl_dev *p, int fd, const struct smcsimd_msg *m);

static int pl_dev_ioctl(struct pl_dev *p, unsigned long req, void *arg)
{
	struct smcsimd_msg m = { .op = SMCSIMD_IOCTL, .cmd = req,
				 .arg = (uintptr_t)arg };
	uint8_t argbuf[TEE_IOC_SIZE(~0U) + 1], *buf = NULL;
	struct smcsimd_seg seg[2] = { 0 };
	void *data[2] = { argbuf, NULL };
	struct tee_ioctl_buf_data bd;
	unsigned int nseg = 0;
	size_t off;
	struct pl_wait w;
	long ret;
	int rc;

	seg[0].uaddr = (uintptr_t)arg;
	seg[0].len = _IOC_TYPE(req) == TEE_IOC_MAGIC ? TEE_IOC_SIZE(req) : 0;
	if (seg[0].len > SMCSIMD_MAX_SEG_BYTES)
		seg[0].len = 0;
	if (arg && seg[0].len && !pl_copy(argbuf, seg[0].uaddr, seg[0].len, true))
		nseg = 1;
	if (nseg && pl_takes_buf_data(req) && seg[0].len == sizeof(bd)) {
		memcpy(&bd, argbuf, sizeof(bd));
		if (bd.buf_len && bd.buf_len <= SMCSIMD_MAX_SEG_BYTES - seg[0].len) {
			buf = malloc(bd.buf_len);
			if (buf && !pl_copy(buf, bd.buf_ptr, bd.buf_len, true)) {
				seg[1].uaddr = bd.buf_ptr;
				seg[1].len = (uint32_t)bd.buf_len;
				data[1] = buf;
				nseg = 2;
			}
		}
	}
	rc = pl_call(p, &m, seg, data, nseg, &w, true);
	free(buf);
	if (rc) {
		errno = -rc;
		return -1;
	}
	m = pl_reply_head(&w);
	ret = m.ret;
	/* Copy back what the daemon wrote: only where we sent from. */
	off = sizeof(m);
	for (unsigned int i = 0; ret >= 0 && i < m.nseg && i < SMCSIMD_MAX_SEGS; i++) {
		struct smcsimd_seg s;
		bool sent = false;

		if (w.len - off < sizeof(s))
			break;
		memcpy(&s, w.pkt + off, sizeof(s));
		off += sizeof(s);
		if (w.len - off < smcsimd_pad8(s.len))
			break;
		for (unsigned int k = 0; k < nseg; k++)
			sent |= s.uaddr == seg[k].uaddr && s.len == seg[k].len;
		if (sent && (s.flags & SMCSIMD_SEG_OUT) &&
		    pl_copy(w.pkt + off, (uintptr_t)s.uaddr, s.len, false))
			ret = -EFAULT;
		off += smcsimd_pad8(s.len);
	}
	if (ret >= 0 && w.fd >= 0) {
		ret = pl_shm_new(p, w.fd, &m);
		if (ret >= 0)
			w.fd = -1;
	}
	if (w.fd >= 0)
		real_close(w.fd);
	free(w.pkt);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}

static int pl_dev_close(struct pl_dev *p, int fd)
{
	struct smcsimd_msg m = { .op = SMCSIMD_CLOSE };
	struct pl_wait w;
	bool others;
	int hidden;

	atomic_store(&pl_devs[fd], NULL);
	atomic_fetch_sub(&pl_ours, 1);
	/* The daemon closes the file (at once, or after the last ioctl). */
	if (!pl_call(p, &m, NULL, NULL, 0, &w, true)) {
		if (w.fd >= 0)
			real_close(w.fd);
		free(w.pkt);
	}
	pthread_mutex_lock(&p->mu);
	others = p->refs > 1;
	if (others) {
		/* Shm or calls still need the connection, not the fd number. */
		hidden = fcntl(fd, F_DUPFD_CLOEXEC, 1024);
		if (hidden < 0)
			hidden = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (hidden >= 0)
			p->sock = hidden;
	}
	pthread_mutex_unlock(&p->mu);
	if (others && p->sock != fd)
		real_close(fd);
	pl_dev_put(p);
	return 0;
}

/* ---- 5. shared memory ------------------------------------------------------ */

/* A reply carried shm fd @fd: remember it. Return: @fd, or -errno. */
static int pl_shm_new(struct pl_dev *p, int fd, const struct smcsimd_msg *m)
{
	struct pl_shm *s;

	if (fd >= PL_MAX_FD)
		return -EMFILE;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dev = p;
	s->handle = m->handle;
	s->offs = m->shm_offs;
	s->size = m->shm_size;
	s->refs = 1;
	pthread_mutex_lock(&p->mu);
	p->refs++;
	pthread_mutex_unlock(&p->mu);
	atomic_store(&pl_shmfds[fd], s);
	atomic_fetch_add(&pl_ours, 1);
	return fd;
}

/* Drop a reference (pl_mu held); the last tells the daemon. */
static void pl_shm_put_locked(struct pl_shm *s)
{
	struct smcsimd_msg m = { .op = SMCSIMD_SHM_PUT };
	struct pl_wait w;

	if (--s->refs)
		return;
	m.handle = s->handle;
	pl_call(s->dev, &m, NULL, NULL, 0, &w, false);
	pl_dev_put(s->dev);
	free(s);
}

static void *pl_shm_mmap(struct pl_shm *s, void *addr, size_t len, int prot,
			 int flags, int fd, off_t off)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t room = (s->size + (uint64_t)page - 1) & ~((uint64_t)page - 1);
	struct pl_map *mp;
	void *p;

	if (!s->size || off < 0 || (off & (page - 1)) || !len ||
	    (uint64_t)off > room || len > room - (uint64_t)off ||
	    !(flags & MAP_SHARED)) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	mp = malloc(sizeof(*mp));
	if (!mp) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	p = real_mmap(addr, len, prot, flags, fd, (off_t)(s->offs + (uint64_t)off));
	if (p == MAP_FAILED) {
		free(mp);
		return p;
	}
	pthread_mutex_lock(&pl_mu);
	mp->addr = (uintptr_t)p;
	mp->len = (len + (size_t)page - 1) & ~((size_t)page - 1);
	mp->shm = s;
	mp->next = pl_maps;
	pl_maps = mp;
	s->refs++;
	pthread_mutex_unlock(&pl_mu);
	atomic_fetch_add(&pl_ours, 1);
	return p;
}

/* [addr, addr + len) was unmapped: mappings it covered let go of their shm. */
static void pl_unmapped(uintptr_t addr, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct pl_map **pp, *mp;

	/* The kernel unmaps whole pages: munmap(p, 376) frees a 4 KiB map. */
	len = (len + page - 1) & ~(page - 1);
	pthread_mutex_lock(&pl_mu);
	for (pp = &pl_maps; (mp = *pp);) {
		if (mp->addr >= addr && mp->addr - addr < len &&
		    mp->len <= len - (mp->addr - addr)) {
			*pp = mp->next;
			pl_shm_put_locked(mp->shm);
			free(mp);
			atomic_fetch_sub(&pl_ours, 1);
		} else {
			pp = &mp->next;
		}
	}
	pthread_mutex_unlock(&pl_mu);
}

/* ---- 6. the interposed functions ------------------------------------------ */

static int pl_try_open(const char *path, int flags)
{
	char name[32];

	if (!pl_is_tee_path(path, name))
		return -2;
	return pl_dev_open(name, flags);
}

#define PL_MODE(flags, mode) \
	do { \
		if ((flags) & (O_CREAT | O_TMPFILE)) { \
			va_list ap_; \
			va_start(ap_, flags); \
			mode = va_arg(ap_, mode_t); \
			va_end(ap_); \
		} \
	} while (0)

PL_EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	pl_init();
	PL_MODE(flags, mode);
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_open(path, flags, mode);
}

PL_EXPORT int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	pl_init();
	PL_MODE(flags, mode);
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_open64(path, flags, mode);
}

PL_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	pl_init();
	PL_MODE(flags, mode);
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_openat(dirfd, path, flags, mode);
}

PL_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	pl_init();
	PL_MODE(flags, mode);
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_openat64(dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE's checked opens. */
PL_EXPORT int __open_2(const char *path, int flags);
PL_EXPORT int __open_2(const char *path, int flags)
{
	int fd;

	pl_init();
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_open_2(path, flags);
}

PL_EXPORT int __open64_2(const char *path, int flags);
PL_EXPORT int __open64_2(const char *path, int flags)
{
	int fd;

	pl_init();
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_open64_2(path, flags);
}

PL_EXPORT int __openat_2(int dirfd, const char *path, int flags);
PL_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	int fd;

	pl_init();
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_openat_2(dirfd, path, flags);
}

PL_EXPORT int __openat64_2(int dirfd, const char *path, int flags);
PL_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	int fd;

	pl_init();
	fd = pl_try_open(path, flags);
	return fd != -2 ? fd : real_openat64_2(dirfd, path, flags);
}

PL_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	struct pl_dev *p;
	va_list ap;
	void *arg;

	pl_init();
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	p = pl_dev_of(fd);
	if (!p)
		return real_ioctl(fd, req, arg);
	return pl_dev_ioctl(p, req, arg);
}

PL_EXPORT int close(int fd)
{
	struct pl_shm *s;
	struct pl_dev *p;
	int rc;

	pl_init();
	p = pl_dev_of(fd);
	if (p)
		return pl_dev_close(p, fd);
	s = pl_shm_of(fd);
	if (s && atomic_compare_exchange_strong(&pl_shmfds[fd], &s, NULL)) {
		rc = real_close(fd);
		atomic_fetch_sub(&pl_ours, 1);
		pthread_mutex_lock(&pl_mu);
		pl_shm_put_locked(s);
		pthread_mutex_unlock(&pl_mu);
		return rc;
	}
	return real_close(fd);
}

/* mmap() of an shm fd of ours, else *@real's (read once pl_init() set it). */
static void *pl_mmap(void *(*const *real)(void *, size_t, int, int, int, off_t),
		     void *addr, size_t len, int prot, int flags, int fd,
		     off_t off)
{
	struct pl_shm *s;

	pl_init();
	s = pl_shm_of(fd);
	if (s)
		return pl_shm_mmap(s, addr, len, prot, flags, fd, off);
	return (*real)(addr, len, prot, flags, fd, off);
}

PL_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		     off_t off)
{
	return pl_mmap(&real_mmap, addr, len, prot, flags, fd, off);
}

PL_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	return pl_mmap(&real_mmap64, addr, len, prot, flags, fd, off);
}

PL_EXPORT int munmap(void *addr, size_t len)
{
	int rc;

	pl_init();
	rc = real_munmap(addr, len);
	if (!rc && atomic_load(&pl_ours))
		pl_unmapped((uintptr_t)addr, len);
	return rc;
}

/* A TEE device file has no poll op: Linux reports it always ready. */
#define PL_POLL_READY	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

PL_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int saved[64];
	int ready = 0, rc;
	nfds_t i;

	pl_init();
	if (!atomic_load(&pl_ours) || n > 64)
		return real_poll(fds, n, timeout);
	for (i = 0; i < n; i++) {
		saved[i] = fds[i].fd;
		if (pl_dev_of(fds[i].fd)) {
			fds[i].fd = -1;
			ready++;
		}
	}
	if (!ready)
		return real_poll(fds, n, timeout);
	rc = real_poll(fds, n, 0);
	for (i = 0; i < n; i++) {
		if (fds[i].fd == -1 && saved[i] != -1) {
			fds[i].revents = fds[i].events & PL_POLL_READY;
			if (!fds[i].revents)
				ready--;
		}
		fds[i].fd = saved[i];
	}
	return rc < 0 ? rc : rc + ready;
}
