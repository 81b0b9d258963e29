// SPDX-License-Identifier: BSD-2-Clause
/*
 * smcsimd: one simulated machine (the secure world and the probed OP-TEE
 * driver, upstream profile) served to any number of processes over a UNIX
 * socket, so that unmodified libteec clients and tee-supplicant drive it
 * through libsmcsim-preload.so. The protocol is daemon/proto.h.
 *
 *  1. the machine: memory map, secure world, trace, driver
 *  2. connections: one per open device file, and the shm it handed out
 *  3. the process's memory as the ioctl layer sees it
 *  4. workers: the threads that run ioctls (several may be in flight)
 *  5. the reader: one thread per connection; its end is the file's close
 *  6. status: counters, for tests (STATUS request) and people (SIGUSR1)
 *  7. main: options, socket, signals, the accept loop
 *
 * A process that dies closes its connection. The reader sees the end,
 * kills (rt_thread_kill(), standing in for SIGKILL) the workers still in
 * an ioctl so that their killable waits end as a killed process's would
 * (a client's pending supplicant request, seed 004; a supplicant's RECV),
 * waits for them, drops the shm the process still held, then closes the
 * device file (tee_uapi_release(): teedev_close_context, seed 000).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <smcsim/alloc.h>
#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_ioctl.h>
#include <smcsim/tee_uapi.h>
#include <smcsim/trace.h>

#include "../tools/cli.h"
#include "proto.h"

/* Workers one connection may have at once (ioctls in flight). */
#define CONN_MAX_WORKERS	64

struct conn;

/**
 * struct daemon - the machine and its connections
 * @m:		the machine (its trace counts the SMCs for STATUS)
 * @nomem_fd:	an empty memfd, handed out for shm that cannot be mapped
 * @wake:	eventfd: a reader ended (the main loop joins it)
 * @lock:	protects @conns, @dead and the counters below
 * @conns:	live connections
 * @dead:	connections whose reader ended, to be joined and freed
 * @n_conns, @n_files, @n_shm, @n_workers: now (@n_conns: connections that
 *		opened a device; a STATUS request's does not count)
 * @n_ioctls, @n_conns_total, @n_killed: since start
 */
struct daemon {
	struct cli_machine m;
	int nomem_fd;
	int wake;
	struct rt_mutex lock;
	LIST_HEAD(, conn) conns;
	LIST_HEAD(, conn) dead;
	unsigned int n_conns, n_files, n_shm, n_workers;
	uint64_t n_ioctls, n_conns_total, n_killed;
};

/* ---- 1. the machine ------------------------------------------------------ */

static int machine_start(struct daemon *d, unsigned int threads, bool log)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config scfg;
	const char *what;
	int rc;

	smcsim_phys_config_default(&pcfg);
	smcsim_sw_config_default(&scfg, SMCSIM_ABI_UPSTREAM, NULL);
	if (threads)
		scfg.num_threads = threads;
	scfg.log = log;
	rc = cli_machine_world(&d->m, &pcfg, &scfg, &what);
	if (rc)
		return rc;
	rc = cli_machine_probe(&d->m, SMCSIM_ABI_UPSTREAM, log, true);
	if (rc)
		cli_machine_stop(&d->m);
	return rc;
}

/* The device a process opens by name ("tee0", "teepriv0"), NULL if none. */
static struct tee_device *machine_device(struct daemon *d, const char *name)
{
	struct tee_device *devs[2] = {
		optee_client_teedev(d->m.optee),
		optee_supp_teedev(d->m.optee),
	};
	size_t i;

	for (i = 0; i < 2; i++)
		if (devs[i] && !strcmp(devs[i]->name, name))
			return devs[i];
	return NULL;
}

/* ---- 2. connections --------------------------------------------------- */

/**
 * struct job - one ioctl on its way through a worker
 * @link:	in conn.jobs while waiting for a worker
 * @msg:	the request
 * @seg, @data:	its segments: the process's memory the ioctl may touch
 * @out:	the ioctl wrote segment i
 * @shm_handle:	the ioctl handed out this shm handle (-1: none)
 * @pkt:	the request packet (@seg and @data point into it)
 */
struct job {
	STAILQ_ENTRY(job) link;
	struct smcsimd_msg msg;
	struct smcsimd_seg seg[SMCSIMD_MAX_SEGS];
	uint8_t *data[SMCSIMD_MAX_SEGS];
	bool out[SMCSIMD_MAX_SEGS];
	long shm_handle;
	uint8_t pkt[];
};

/**
 * struct worker - a thread that runs a connection's ioctls
 * @link:	in conn.workers
 * @t:		the rt thread
 * @c:		its connection
 * @busy:	in an ioctl now (killed when the process goes)
 */
struct worker {
	LIST_ENTRY(worker) link;
	struct rt_thread *t;
	struct conn *c;
	bool busy;
};

/**
 * struct conn - one open device file of one process
 * @link:	in daemon.conns, then daemon.dead
 * @d:		the daemon
 * @sock:	the connection
 * @reader:	its reader thread
 * @opened:	a device was opened on it (under daemon.lock)
 * @name:	"tee0.<pid>" once opened: its workers' thread names
 * @lock:	protects everything below it
 * @cond:	a job was queued, or the connection ended
 * @file:	the device file, NULL before OPEN and once released
 * @closing:	CLOSE came while ioctls were in flight: the last releases
 * @dead:	the process went (or the daemon stops): no more work
 * @jobs:	waiting for a worker
 * @workers:	every worker; @idle of them wait for a job
 * @njobs:	entries in @jobs
 * @inflight:	ioctls queued or running
 * @shm:	the shm handed to the process, by handle (NULL: free slot)
 * @nshm:	slots in @shm
 * @send_lock:	one packet at a time on @sock
 */
struct conn {
	LIST_ENTRY(conn) link;
	struct daemon *d;
	int sock;
	struct rt_thread *reader;
	bool opened;
	char name[32];
	struct rt_mutex lock;
	struct rt_cond cond;
	struct tee_uapi_file *file;
	bool closing;
	bool dead;
	STAILQ_HEAD(, job) jobs;
	LIST_HEAD(, worker) workers;
	unsigned int nworkers, idle, njobs, inflight;
	struct tee_shm **shm;
	size_t nshm;
	struct rt_mutex send_lock;
};

static _Thread_local struct job *cur_job;

/* tee_uapi_host op: keep @shm's reference under a handle of @ctx (a conn). */
static int conn_install_shm(void *ctx, struct tee_shm *shm)
{
	struct conn *c = ctx;
	struct tee_shm **grown;
	size_t i, n;

	rt_mutex_lock(&c->lock);
	for (i = 0; i < c->nshm && c->shm[i]; i++)
		;
	if (i == c->nshm) {
		n = c->nshm ? c->nshm * 2 : 8;
		grown = reallocarray(c->shm, n, sizeof(*grown));
		if (!grown) {
			rt_mutex_unlock(&c->lock);
			return -ENOMEM;
		}
		memset(grown + c->nshm, 0, (n - c->nshm) * sizeof(*grown));
		c->shm = grown;
		c->nshm = n;
	}
	c->shm[i] = shm;
	rt_mutex_unlock(&c->lock);
	rt_mutex_lock(&c->d->lock);
	c->d->n_shm++;
	rt_mutex_unlock(&c->d->lock);
	if (cur_job)
		cur_job->shm_handle = (long)i;
	return (int)i;
}

/* The process let go of handle @h (or went): drop the reference. */
static void conn_put_shm(struct conn *c, uint64_t h)
{
	struct tee_shm *shm = NULL;

	rt_mutex_lock(&c->lock);
	if (h < c->nshm) {
		shm = c->shm[h];
		c->shm[h] = NULL;
	}
	rt_mutex_unlock(&c->lock);
	if (!shm)
		return;
	tee_shm_put(shm);
	rt_mutex_lock(&c->d->lock);
	c->d->n_shm--;
	rt_mutex_unlock(&c->d->lock);
}

static void conn_release_file(struct conn *c, struct tee_uapi_file *f)
{
	if (!f)
		return;
	tee_uapi_release(f);
	rt_mutex_lock(&c->d->lock);
	c->d->n_files--;
	rt_mutex_unlock(&c->d->lock);
}

/* Send one packet: @m, then @nseg segments. Return: 0 or -errno. */
static int conn_send(struct conn *c, struct smcsimd_msg *m,
		     const struct smcsimd_seg *seg, void *const *data,
		     unsigned int nseg, int fd)
{
	struct iovec iov[1 + 3 * SMCSIMD_MAX_SEGS];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr mh = { .msg_iov = iov };
	ssize_t rc;

	mh.msg_iovlen = smcsimd_iov(iov, m, seg, data, nseg);
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
	}
	rt_mutex_lock(&c->send_lock);
	rc = sendmsg(c->sock, &mh, MSG_NOSIGNAL);
	rt_mutex_unlock(&c->send_lock);
	return rc < 0 ? -errno : 0;
}

static void conn_reply(struct conn *c, const struct smcsimd_msg *req, long ret)
{
	struct smcsimd_msg m = {
		.op = req->op,
		.tag = req->tag,
		.ret = ret,
	};

	conn_send(c, &m, NULL, NULL, 0, -1);
}

/* ---- 3. the process's memory --------------------------------------------- */

/* Segment of @j holding [@uaddr, @uaddr + @len), or -1. */
static int job_seg(struct job *j, uint64_t uaddr, size_t len)
{
	unsigned int i;

	for (i = 0; i < j->msg.nseg; i++) {
		uint64_t start = j->seg[i].uaddr, end = start + j->seg[i].len;

		if (uaddr >= start && uaddr <= end && len <= end - uaddr)
			return (int)i;
	}
	return -1;
}

static int job_mem_read(void *ctx, uint64_t uaddr, void *dst, size_t len)
{
	struct job *j = ctx;
	int i = job_seg(j, uaddr, len);

	if (i < 0)
		return -EFAULT;
	memcpy(dst, j->data[i] + (uaddr - j->seg[i].uaddr), len);
	return 0;
}

static int job_mem_write(void *ctx, uint64_t uaddr, const void *src, size_t len)
{
	struct job *j = ctx;
	int i = job_seg(j, uaddr, len);

	if (i < 0)
		return -EFAULT;
	memcpy(j->data[i] + (uaddr - j->seg[i].uaddr), src, len);
	j->out[i] = true;
	return 0;
}

/*
 * Check a packet of @len bytes and point @j's segments into it.
 * Return: 0, -EINVAL for a malformed one.
 */
static int job_parse(struct job *j, size_t len)
{
	size_t off = sizeof(struct smcsimd_msg), total = 0;
	unsigned int i;

	if (len < off)
		return -EINVAL;
	memcpy(&j->msg, j->pkt, sizeof(j->msg));
	if (j->msg.magic != SMCSIMD_MAGIC || j->msg.nseg > SMCSIMD_MAX_SEGS)
		return -EINVAL;
	for (i = 0; i < j->msg.nseg; i++) {
		if (len - off < sizeof(j->seg[i]))
			return -EINVAL;
		memcpy(&j->seg[i], j->pkt + off, sizeof(j->seg[i]));
		off += sizeof(j->seg[i]);
		total += j->seg[i].len;
		if (j->seg[i].len > SMCSIMD_MAX_SEG_BYTES ||
		    total > SMCSIMD_MAX_SEG_BYTES ||
		    len - off < smcsimd_pad8(j->seg[i].len))
			return -EINVAL;
		j->data[i] = j->pkt + off;
		off += smcsimd_pad8(j->seg[i].len);
	}
	return 0;
}

/* ---- 4. workers ------------------------------------------------------------ */

/* Run @j on @c's file and answer it. */
static void worker_run(struct conn *c, struct job *j)
{
	const struct tee_uapi_mem mem = {
		.read = job_mem_read,
		.write = job_mem_write,
		.ctx = j,
	};
	struct smcsimd_msg m = { .op = j->msg.op, .tag = j->msg.tag };
	struct smcsimd_seg seg[SMCSIMD_MAX_SEGS];
	void *data[SMCSIMD_MAX_SEGS];
	struct tee_shm *shm = NULL;
	struct tee_uapi_file *f;
	unsigned int i, n = 0;
	int fd = -1;
	long ret;

	/* The file stays until this ioctl is done (conn.inflight). */
	rt_mutex_lock(&c->lock);
	f = c->file;
	rt_mutex_unlock(&c->lock);
	j->shm_handle = -1;
	cur_job = j;
	ret = f ? tee_uapi_ioctl(f, (unsigned int)j->msg.cmd, j->msg.arg, &mem) :
		  -EBADF;
	cur_job = NULL;
	if (j->shm_handle >= 0 && ret < 0) {
		/* Installed, then failed: the process never sees it. */
		conn_put_shm(c, (uint64_t)j->shm_handle);
	} else if (j->shm_handle >= 0) {
		uint64_t offs;

		rt_mutex_lock(&c->lock);
		shm = c->shm[j->shm_handle];
		rt_mutex_unlock(&c->lock);
		m.handle = (uint64_t)j->shm_handle;
		fd = c->d->nomem_fd;
		if (shm && shm->kaddr &&
		    !smcsim_phys_ns_fd(c->d->m.phys, shm->paddr - shm->offset,
				       shm->size + shm->offset, &fd, &offs)) {
			m.shm_offs = offs;
			m.shm_size = shm->size + shm->offset;
		}
	}
	m.ret = ret;
	for (i = 0; i < j->msg.nseg; i++) {
		if (!j->out[i])
			continue;
		seg[n] = j->seg[i];
		seg[n].flags = SMCSIMD_SEG_OUT;
		data[n++] = j->data[i];
	}
	conn_send(c, &m, seg, data, n, fd);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct conn *c = w->c;
	struct tee_uapi_file *release = NULL;
	struct job *j;

	rt_mutex_lock(&c->lock);
	for (;;) {
		while (!c->dead && STAILQ_EMPTY(&c->jobs))
			rt_cond_wait(&c->cond, &c->lock);
		if (c->dead)
			break;
		j = STAILQ_FIRST(&c->jobs);
		STAILQ_REMOVE_HEAD(&c->jobs, link);
		c->njobs--;
		c->idle--;
		w->busy = true;
		rt_mutex_unlock(&c->lock);

		worker_run(c, j);
		free(j);

		rt_mutex_lock(&c->lock);
		w->busy = false;
		c->idle++;
		c->inflight--;
		/* A CLOSE that came meanwhile is ours to finish. */
		if (c->closing && !c->inflight) {
			release = c->file;
			c->file = NULL;
			rt_mutex_unlock(&c->lock);
			conn_release_file(c, release);
			rt_mutex_lock(&c->lock);
		}
	}
	rt_mutex_unlock(&c->lock);
	return NULL;
}

/* Queue @j for a worker, starting one if none is idle. Return: 0 or -errno. */
static int conn_queue(struct conn *c, struct job *j)
{
	struct worker *w;
	char name[40];
	int rc;

	/*
	 * Every job needs a worker of its own: an ioctl may block for good
	 * (SUPPL_RECV), so a job must never wait behind another one for an
	 * idle worker that has not picked its first job yet.
	 */
	rt_mutex_lock(&c->lock);
	if (c->idle <= c->njobs) {
		if (c->nworkers >= CONN_MAX_WORKERS) {
			rt_mutex_unlock(&c->lock);
			return -EAGAIN;
		}
		w = smcsim_zalloc(sizeof(*w));
		if (!w) {
			rt_mutex_unlock(&c->lock);
			return -ENOMEM;
		}
		w->c = c;
		snprintf(name, sizeof(name), "w-%s", c->name);
		rc = rt_thread_create(&w->t, name, worker_main, w);
		if (rc) {
			smcsim_free(w);
			rt_mutex_unlock(&c->lock);
			return rc;
		}
		LIST_INSERT_HEAD(&c->workers, w, link);
		c->nworkers++;
		c->idle++;
		rt_mutex_lock(&c->d->lock);
		c->d->n_workers++;
		rt_mutex_unlock(&c->d->lock);
	}
	STAILQ_INSERT_TAIL(&c->jobs, j, link);
	c->njobs++;
	c->inflight++;
	rt_cond_signal(&c->cond);
	rt_mutex_unlock(&c->lock);
	return 0;
}

/*
 * The process went: kill the workers in an ioctl (their killable waits
 * end), drop what never started, wait for them all.
 */
static void conn_stop_workers(struct conn *c)
{
	struct worker *w;
	struct job *j;
	unsigned int killed = 0;

	rt_mutex_lock(&c->lock);
	c->dead = true;
	LIST_FOREACH(w, &c->workers, link) {
		if (w->busy) {
			rt_thread_kill(w->t);
			killed++;
		}
	}
	while ((j = STAILQ_FIRST(&c->jobs))) {
		STAILQ_REMOVE_HEAD(&c->jobs, link);
		c->njobs--;
		c->inflight--;
		free(j);
	}
	rt_cond_broadcast(&c->cond);
	rt_mutex_unlock(&c->lock);

	while ((w = LIST_FIRST(&c->workers))) {
		LIST_REMOVE(w, link);
		rt_thread_join(w->t, NULL);
		smcsim_free(w);
		rt_mutex_lock(&c->d->lock);
		c->d->n_workers--;
		rt_mutex_unlock(&c->d->lock);
	}
	rt_mutex_lock(&c->d->lock);
	c->d->n_killed += killed;
	rt_mutex_unlock(&c->d->lock);
}

/* ---- 5. the reader ------------------------------------------------------- */

static void status_text(struct daemon *d, char *buf, size_t len);

/*
 * tee_uapi_host op: who the process is, for the USER and GROUP logins: its
 * effective ids from the socket (SO_PEERCRED: as they were at connect()),
 * its supplementary groups from /proc.
 */
static int conn_get_cred(void *ctx, struct tee_uapi_cred *cred)
{
	struct conn *c = ctx;
	struct ucred uc;
	socklen_t len = sizeof(uc);
	char path[64], line[512], *p, *end;
	FILE *f;

	if (getsockopt(c->sock, SOL_SOCKET, SO_PEERCRED, &uc, &len))
		return -errno;
	memset(cred, 0, sizeof(*cred));
	cred->euid = uc.uid;
	cred->egid = uc.gid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)uc.pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Groups:", 7))
			continue;
		for (p = line + 7; cred->ngroups < TEE_UAPI_MAX_GROUPS; p = end) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			cred->groups[cred->ngroups++] = (uint32_t)g;
		}
	}
	fclose(f);
	return 0;
}

static void conn_open(struct conn *c, struct job *j)
{
	/* No user_mem: SHM_REGISTER of a process's own memory would not be
	 * shared memory here, so the layer does not offer REG_MEM. */
	const struct tee_uapi_host host = {
		.install_shm_fd = conn_install_shm,
		.get_cred = conn_get_cred,
		.ctx = c,
	};
	struct tee_device *teedev;
	struct tee_uapi_file *f;
	int rc;

	j->msg.name[sizeof(j->msg.name) - 1] = '\0';
	teedev = machine_device(c->d, j->msg.name);
	if (c->file || c->closing)
		rc = -EBUSY;
	else if (!teedev)
		rc = -ENOENT;
	else
		rc = tee_uapi_open(teedev, &host, &f);
	if (!rc) {
		struct ucred uc = { .pid = 0 };
		socklen_t len = sizeof(uc);

		/* Its workers are named for the trace: "w-tee0.<pid>". */
		getsockopt(c->sock, SOL_SOCKET, SO_PEERCRED, &uc, &len);
		snprintf(c->name, sizeof(c->name), "%.16s.%d", j->msg.name,
			 (int)uc.pid);
		rt_mutex_lock(&c->lock);
		c->file = f;
		rt_mutex_unlock(&c->lock);
		rt_mutex_lock(&c->d->lock);
		c->d->n_files++;
		if (!c->opened)
			c->d->n_conns++;
		c->opened = true;
		rt_mutex_unlock(&c->d->lock);
	}
	conn_reply(c, &j->msg, rc);
}

static void conn_close(struct conn *c, struct job *j)
{
	struct tee_uapi_file *f = NULL;

	rt_mutex_lock(&c->lock);
	c->closing = true;
	if (!c->inflight) {
		f = c->file;
		c->file = NULL;
	}
	rt_mutex_unlock(&c->lock);
	conn_release_file(c, f);
	conn_reply(c, &j->msg, 0);
}

static void conn_status(struct conn *c, struct job *j)
{
	struct smcsimd_msg m = { .op = j->msg.op, .tag = j->msg.tag };
	struct smcsimd_seg seg = { 0 };
	char text[2048];
	void *data = text;

	status_text(c->d, text, sizeof(text));
	seg.len = (uint32_t)strlen(text) + 1;
	conn_send(c, &m, &seg, &data, 1, -1);
}

/* Read one packet into a new job. Return: the job, NULL at the end. */
static struct job *conn_recv(struct conn *c, int *err)
{
	struct job *j = malloc(sizeof(*j) + SMCSIMD_MAX_MSG);
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	*err = 0;
	if (!j)
		return NULL;
	memset(j, 0, sizeof(*j));
	iov = (struct iovec){ j->pkt, SMCSIMD_MAX_MSG };
	do {
		n = recvmsg(c->sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		free(j);
		return NULL;
	}
	if ((mh.msg_flags & MSG_TRUNC) || job_parse(j, (size_t)n))
		*err = -EINVAL;
	return j;
}

static void *reader_main(void *arg)
{
	struct conn *c = arg;
	struct daemon *d = c->d;
	struct tee_uapi_file *f;
	struct job *j;
	uint64_t one = 1;
	size_t i;
	int err, rc;

	while ((j = conn_recv(c, &err))) {
		if (err) {
			/* Malformed: answered when the tag is known, dropped. */
			if (j->msg.magic == SMCSIMD_MAGIC)
				conn_reply(c, &j->msg, err);
			free(j);
			continue;
		}
		switch (j->msg.op) {
		case SMCSIMD_OPEN:
			conn_open(c, j);
			break;
		case SMCSIMD_IOCTL:
			rt_mutex_lock(&d->lock);
			d->n_ioctls++;
			rt_mutex_unlock(&d->lock);
			rc = conn_queue(c, j);
			if (!rc)
				continue;	/* the worker frees it */
			conn_reply(c, &j->msg, rc);
			break;
		case SMCSIMD_CLOSE:
			conn_close(c, j);
			break;
		case SMCSIMD_SHM_PUT:
			conn_put_shm(c, j->msg.handle);
			break;
		case SMCSIMD_STATUS:
			conn_status(c, j);
			break;
		default:
			conn_reply(c, &j->msg, -EINVAL);
			break;
		}
		free(j);
	}

	/*
	 * The end: as a process's exit unmaps its memory before it closes
	 * its files, drop the shm first, then the device file.
	 */
	conn_stop_workers(c);
	for (i = 0; i < c->nshm; i++)
		conn_put_shm(c, i);
	rt_mutex_lock(&c->lock);
	f = c->file;
	c->file = NULL;
	rt_mutex_unlock(&c->lock);
	conn_release_file(c, f);

	rt_mutex_lock(&d->lock);
	LIST_REMOVE(c, link);
	LIST_INSERT_HEAD(&d->dead, c, link);
	if (c->opened)
		d->n_conns--;
	rt_mutex_unlock(&d->lock);
	if (write(d->wake, &one, sizeof(one)) < 0)
		perror("smcsimd: wake");
	return NULL;
}

static void conn_free(struct conn *c)
{
	rt_thread_join(c->reader, NULL);
	close(c->sock);
	free(c->shm);
	rt_cond_destroy(&c->cond);
	rt_mutex_destroy(&c->lock);
	rt_mutex_destroy(&c->send_lock);
	smcsim_free(c);
}

static int conn_start(struct daemon *d, int sock)
{
	struct conn *c = smcsim_zalloc(sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->d = d;
	c->sock = sock;
	snprintf(c->name, sizeof(c->name), "conn");
	rt_mutex_init(&c->lock);
	rt_mutex_init(&c->send_lock);
	rt_cond_init(&c->cond);
	STAILQ_INIT(&c->jobs);
	LIST_INIT(&c->workers);
	rt_mutex_lock(&d->lock);
	LIST_INSERT_HEAD(&d->conns, c, link);
	d->n_conns_total++;
	rc = rt_thread_create(&c->reader, "reader", reader_main, c);
	if (rc)
		LIST_REMOVE(c, link);
	rt_mutex_unlock(&d->lock);
	if (rc) {
		rt_cond_destroy(&c->cond);
		rt_mutex_destroy(&c->lock);
		rt_mutex_destroy(&c->send_lock);
		smcsim_free(c);
	}
	return rc;
}

/* Join and free the connections whose reader ended. */
static void reap(struct daemon *d)
{
	struct conn *c;

	for (;;) {
		rt_mutex_lock(&d->lock);
		c = LIST_FIRST(&d->dead);
		if (c)
			LIST_REMOVE(c, link);
		rt_mutex_unlock(&d->lock);
		if (!c)
			return;
		conn_free(c);
	}
}

/* ---- 6. status ------------------------------------------------------------- */

static void status_text(struct daemon *d, char *buf, size_t len)
{
	struct optee_supp_info si;
	struct optee_cq_info cq;
	unsigned int conns, files, shm, workers;
	uint64_t ioctls, total, killed;

	rt_mutex_lock(&d->lock);
	conns = d->n_conns;
	files = d->n_files;
	shm = d->n_shm;
	workers = d->n_workers;
	ioctls = d->n_ioctls;
	total = d->n_conns_total;
	killed = d->n_killed;
	rt_mutex_unlock(&d->lock);
	optee_get_supp_info(d->m.optee, &si);
	optee_get_cq_info(d->m.optee, &cq);
	snprintf(buf, len,
		 "connections %u\nfiles %u\nshm_handles %u\nworkers %u\n"
		 "connections_total %llu\nioctls %llu\nworkers_killed %llu\n"
		 "tee_users %u\nteepriv_users %u\n"
		 "supp_attached %d\nsupp_queued_now %u\nsupp_processing_now %u\n"
		 "supp_placeholders %u\nsupp_queued %llu\nsupp_answered %llu\n"
		 "supp_refused_answers %llu\nsupp_killed %llu\nsupp_failed %llu\n"
		 "sw_sessions %u\nsw_shm %u\ndram_pages_used %zu\n"
		 "sec_threads %d\nsec_threads_free %d\nsmcs %zu\n",
		 conns, files, shm, workers, (unsigned long long)total,
		 (unsigned long long)ioctls, (unsigned long long)killed,
		 tee_device_num_users(optee_client_teedev(d->m.optee)),
		 tee_device_num_users(optee_supp_teedev(d->m.optee)),
		 si.attached, si.queued_now, si.processing_now, si.placeholders,
		 (unsigned long long)si.queued, (unsigned long long)si.answered,
		 (unsigned long long)si.refused_answers,
		 (unsigned long long)si.killed, (unsigned long long)si.failed,
		 smcsim_sw_session_count(d->m.sw), smcsim_sw_shm_count(d->m.sw),
		 smcsim_phys_dram_pages_used(d->m.phys), cq.total_thread_count,
		 cq.free_thread_count, smcsim_trace_count(&d->m.trace));
}

/* ---- 7. main ---------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smcsimd [--socket PATH] [--threads N] [--trace FILE]\n"
		"               [--trace-kinds LIST] [--quiet] [--log]\n"
		"  Serve one simulated OP-TEE machine (upstream profile) as /dev/tee0\n"
		"  and /dev/teepriv0 to processes run with\n"
		"  LD_PRELOAD=libsmcsim-preload.so. Prints the decoded trace (SMCs,\n"
		"  messages, RPCs, secure threads) on stdout; SIGUSR1 prints the\n"
		"  counters on stderr; SIGTERM or SIGINT stops it.\n"
		"  --socket PATH       the socket (default $%s or\n"
		"                      /tmp/smcsimd-UID.sock)\n"
		"  --threads N         secure threads (default OP-TEE's 2)\n"
		"  --trace FILE        the trace to FILE instead (.json: Perfetto)\n"
		"  --trace-kinds LIST  smc,call,msg,rpc,thread,queue,notif,irq,mark\n"
		"                      or all (the default)\n"
		"  --quiet             no trace\n"
		"  --log               the firmware's and the driver's log on stderr\n",
		SMCSIMD_SOCKET_ENV);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "smcsimd: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	unlink(path);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 64)) {
		fprintf(stderr, "smcsimd: %s: %s\n", path, strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

static void shutdown_all(struct daemon *d)
{
	struct conn *c;

	/* Every reader sees the end of its connection. */
	rt_mutex_lock(&d->lock);
	LIST_FOREACH(c, &d->conns, link)
		shutdown(c->sock, SHUT_RDWR);
	rt_mutex_unlock(&d->lock);
	for (;;) {
		struct pollfd p = { .fd = d->wake, .events = POLLIN };
		uint64_t n;
		bool empty;

		rt_mutex_lock(&d->lock);
		empty = LIST_EMPTY(&d->conns);
		rt_mutex_unlock(&d->lock);
		reap(d);
		if (empty)
			return;
		if (poll(&p, 1, 1000) > 0 && read(d->wake, &n, sizeof(n)) < 0)
			perror("smcsimd: wake");
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		CLI_TRACE_LONGOPTS,
		{ "log", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .nomem_fd = -1, .wake = -1 };
	char pathbuf[108], text[2048];
	struct cli_trace_opts tr = { 0 };
	const char *path = NULL;
	unsigned int threads = 0;
	bool log = false, stop = false;
	struct pollfd pfd[3];
	sigset_t sigs;
	int opt, lsock, sfd, rc;

	while ((opt = getopt_long(argc, argv, "s:t:" CLI_TRACE_SHORTOPTS "lh",
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 't':
			if (cli_uint("smcsimd", "--threads", optarg, 1,
				     SMCSIM_SW_MAX_THREADS, &threads))
				return 2;
			break;
		case 'T':
		case 'k':
		case 'q':
			if (cli_trace_opt("smcsimd", opt, optarg, &tr))
				return 2;
			break;
		case 'l':
			log = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!path)
		path = smcsimd_socket_path(pathbuf, sizeof(pathbuf));
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Signals arrive on a signalfd; every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

	rt_mutex_init(&d.lock);
	LIST_INIT(&d.conns);
	LIST_INIT(&d.dead);
	d.wake = eventfd(0, EFD_CLOEXEC);
	d.nomem_fd = memfd_create("smcsim-nomem", MFD_CLOEXEC);
	if (sfd < 0 || d.wake < 0 || d.nomem_fd < 0) {
		perror("smcsimd");
		return 1;
	}
	rc = cli_trace_start("smcsimd", &tr);
	if (rc)
		return rc;
	rc = machine_start(&d, threads, log);
	if (rc) {
		fprintf(stderr, "smcsimd: the machine did not start: %s\n",
			strerror(-rc));
		return 1;
	}
	lsock = listen_on(path);
	if (lsock < 0) {
		cli_machine_stop(&d.m);
		return 1;
	}
	fprintf(stderr, "smcsimd: serving %s and %s on %s\n",
		optee_client_teedev(d.m.optee)->name,
		optee_supp_teedev(d.m.optee)->name, path);

	pfd[0] = (struct pollfd){ .fd = lsock, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = d.wake, .events = POLLIN };
	while (!stop) {
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("smcsimd: poll");
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int s = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);

			if (s >= 0 && conn_start(&d, s)) {
				fprintf(stderr, "smcsimd: no thread for a connection\n");
				close(s);
			}
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGUSR1) {
					status_text(&d, text, sizeof(text));
					fprintf(stderr, "smcsimd status:\n%s", text);
				} else {
					stop = true;
				}
			}
		}
		if (pfd[2].revents & POLLIN) {
			uint64_t n;

			if (read(d.wake, &n, sizeof(n)) < 0)
				perror("smcsimd: wake");
			reap(&d);
		}
	}

	close(lsock);
	unlink(path);
	shutdown_all(&d);
	status_text(&d, text, sizeof(text));
	fprintf(stderr, "smcsimd: stopping\n%s", text);
	cli_machine_stop(&d.m);
	smcsim_tracer_stop();
	close(d.nomem_fd);
	close(d.wake);
	close(sfd);
	rt_mutex_destroy(&d.lock);
	return 0;
}
