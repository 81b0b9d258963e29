/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The wire protocol between smcsimd and the processes it serves (through
 * libsmcsim-preload.so, or a test speaking it directly). One UNIX
 * SOCK_SEQPACKET connection is one open device file: the first message
 * opens "tee<N>" or "teepriv<N>", the connection closing closes it. Every
 * message is one packet: a struct smcsimd_msg, then @nseg segments, each a
 * struct smcsimd_seg and its bytes padded to 8. Both ends run on the same
 * machine: native byte order.
 *
 * A request carries a tag the reply echoes, so that several threads of a
 * process may have ioctls in flight on one file at once (tee-supplicant's
 * threads wait in SUPPL_RECV while another answers, a client cancels an
 * invoke from a second thread): replies come back in any order.
 *
 * IOCTL carries the bytes of the process's memory the ioctl reads: the
 * argument struct at @arg (_IOC_SIZE of the command) and, for the commands
 * that take a struct tee_ioctl_buf_data, the buffer it points at. The
 * daemon's ioctl layer sees them as the process's memory (anything else is
 * -EFAULT); the reply carries back the segments it wrote (SMCSIMD_SEG_OUT),
 * which the process copies into place. A reply that hands the process a
 * shared-memory object (SHM_ALLOC) carries a file descriptor (SCM_RIGHTS):
 * the memfd behind the simulator's physical memory, the object at
 * @shm_offs for @shm_size bytes, and the object's @handle; the process
 * mmaps that fd at that offset, so both see the same pages. When the
 * process has dropped its last fd and mapping of the object it sends
 * SHM_PUT with the handle (no reply); a connection that goes away drops
 * them all.
 */
#ifndef SMCSIMD_PROTO_H
#define SMCSIMD_PROTO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sys/uio.h>

#define SMCSIMD_MAGIC		0x44534d53U	/* "SMSD" */
#define SMCSIMD_SOCKET_ENV	"SMCSIM_SOCKET"

enum smcsimd_op {
	SMCSIMD_OPEN = 1,	/* @name: the device; reply ret 0 or -errno */
	SMCSIMD_IOCTL,		/* @cmd, @arg, segments; reply ret, segments */
	SMCSIMD_CLOSE,		/* the device file closes; reply ret 0 */
	SMCSIMD_SHM_PUT,	/* @handle: the process let go of it; no reply */
	SMCSIMD_STATUS,		/* reply: one segment of "key value\n" text */
};

/* Segment bytes a message may carry in all (Linux's TEE_MAX_ARG_SIZE is 4096). */
#define SMCSIMD_MAX_SEGS	4
#define SMCSIMD_MAX_SEG_BYTES	(16U * 1024)
#define SMCSIMD_MAX_MSG		(sizeof(struct smcsimd_msg) + \
				 SMCSIMD_MAX_SEGS * (sizeof(struct smcsimd_seg) + 8) + \
				 SMCSIMD_MAX_SEG_BYTES)

/**
 * struct smcsimd_msg - the head of every packet
 * @magic:	SMCSIMD_MAGIC
 * @op:		enum smcsimd_op (a reply keeps its request's)
 * @tag:	chosen by the requester, echoed in the reply
 * @nseg:	segments after the head
 * @ret:	reply: the result, >= 0 or a negative errno
 * @cmd:	IOCTL: the request number
 * @arg:	IOCTL: the pointer argument, an address in the process
 * @handle:	SHM_PUT, and a reply carrying an fd: the object
 * @shm_offs:	reply with an fd: where the object starts in it
 * @shm_size:	reply with an fd: bytes that may be mapped (0: none)
 * @name:	OPEN: "tee0", "teepriv0", ...
 */
struct smcsimd_msg {
	uint32_t magic;
	uint32_t op;
	uint32_t tag;
	uint32_t nseg;
	int64_t ret;
	uint64_t cmd;
	uint64_t arg;
	uint64_t handle;
	uint64_t shm_offs;
	uint64_t shm_size;
	char name[32];
};

#define SMCSIMD_SEG_OUT		(1U << 0)	/* reply: the daemon wrote it */

/**
 * struct smcsimd_seg - process memory carried in a message
 * @uaddr:	where it is in the process
 * @len:	bytes that follow (then padding to 8)
 * @flags:	SMCSIMD_SEG_*
 */
struct smcsimd_seg {
	uint64_t uaddr;
	uint32_t len;
	uint32_t flags;
};

static inline size_t smcsimd_pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/**
 * smcsimd_iov() - lay out one packet for sendmsg()
 * @iov:	room for 1 + 3 * @nseg iovecs
 * @m:		the head; its magic and nseg are set here
 * @seg, @data, @nseg: the segments' heads and bytes
 *
 * The head, then each segment's head, its bytes and zeros to a multiple
 * of 8. Return: how many iovecs of @iov were filled.
 */
static inline unsigned int smcsimd_iov(struct iovec *iov,
				       struct smcsimd_msg *m,
				       const struct smcsimd_seg *seg,
				       void *const *data, unsigned int nseg)
{
	static const uint8_t zero[8];
	unsigned int i, n = 0;

	m->magic = SMCSIMD_MAGIC;
	m->nseg = nseg;
	iov[n++] = (struct iovec){ m, sizeof(*m) };
	for (i = 0; i < nseg; i++) {
		iov[n++] = (struct iovec){ (void *)&seg[i], sizeof(seg[i]) };
		iov[n++] = (struct iovec){ data[i], seg[i].len };
		iov[n++] = (struct iovec){ (void *)zero,
					   smcsimd_pad8(seg[i].len) - seg[i].len };
	}
	return n;
}

/**
 * smcsimd_socket_path() - the socket: $SMCSIM_SOCKET, else
 * /tmp/smcsimd-<uid>.sock, written into @buf
 */
static inline const char *smcsimd_socket_path(char *buf, size_t len)
{
	const char *env = getenv(SMCSIMD_SOCKET_ENV);

	if (env && *env)
		return env;
	snprintf(buf, len, "/tmp/smcsimd-%u.sock", (unsigned int)getuid());
	return buf;
}

#endif /* SMCSIMD_PROTO_H */
