/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoded trace: one event stream for what crosses between the worlds
 * (SMCs, message commands, RPCs, notifications, interrupts, secure-thread
 * states and the driver's thread-limit queue), one small API for the hooks
 * in both worlds, and three formats: human text, a line format two runs can
 * be diffed in, and Chrome trace-event JSON (Perfetto, chrome://tracing).
 *
 * Three parts, in three files:
 *
 *  - the sink (lib/trace.c): one per process, off until smcsim_tracer_start()
 *    or SMCSIM_TRACE=FILE in the environment. It keeps a ring of the last N
 *    events (written to a FILE at the stop if asked), or streams each
 *    event to a FILE, or both; never more memory than the ring. A mask of event kinds filters what is recorded. It takes
 *    no rt lock and makes no rt call that schedules, so a det run traced
 *    follows the same schedule (and gives the same trace hash) as untraced.
 *  - the hooks (smcsim_tev_*() below): each a test of one flag when the sink
 *    is off. They decode at the moment of the event, from the memory the
 *    calling world hands in (the secure world's copy of a message, its RPC
 *    argument; the driver's own message buffer): the tracer reads that
 *    memory, the driver logic does not.
 *  - the decoder and formatters (lib/trace_fmt.c): only <stdio.h>,
 *    <string.h> and <stdlib.h>'s number parsing, so a bare-metal image can
 *    print its own conversation in the same text.
 *
 * Every event carries the normal-world thread (rt's id and name) that is
 * running when it happens (a secure thread runs on its caller's OS thread,
 * so that is the caller) and the secure thread, where there is one.
 * Timestamps: in a det run virtual (rt's clock, plus 1 us per scheduling
 * step, so events never tie), so a seed's trace is byte-identical from run
 * to run; otherwise CLOCK_MONOTONIC nanoseconds from the sink's start.
 * They never go back within a sink: a det run that starts its clock anew
 * continues after the last event (a test binary runs many).
 */
#ifndef SMCSIM_TRACE_H
#define SMCSIM_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct optee_msg_arg;

/**
 * enum smcsim_tev_kind - what an event is about
 * @SMCSIM_TEV_SMC:	a call at the invoke hook: registers in (begin),
 *			out (end), decoded
 * @SMCSIM_TEV_CALL:	a message as the driver sent it (begin) and read the
 *			answer (end): the normal world's view, on the
 *			caller's thread, around its SMCs, RPCs and queue
 *			waits (what a firmware run can show too)
 * @SMCSIM_TEV_MSG:	a message command as the secure world read it
 *			(begin) and answered it (end): the TA call
 * @SMCSIM_TEV_RPC:	an RPC of a secure thread, from its request to the
 *			resume that answers it
 * @SMCSIM_TEV_THREAD:	a secure thread taken, suspended, resumed, freed;
 *			ETHREAD_LIMIT answered
 * @SMCSIM_TEV_QUEUE:	the driver's call queue: a caller waiting for a
 *			secure thread (ETHREAD_LIMIT) and woken
 * @SMCSIM_TEV_NOTIF:	an async notification posted by the secure world
 * @SMCSIM_TEV_IRQ:	the notification interrupt's top half and the
 *			bottom half it asks for
 * @SMCSIM_TEV_MARK:	a note of the program's (a det run's seed)
 */
enum smcsim_tev_kind {
	SMCSIM_TEV_SMC,
	SMCSIM_TEV_CALL,
	SMCSIM_TEV_MSG,
	SMCSIM_TEV_RPC,
	SMCSIM_TEV_THREAD,
	SMCSIM_TEV_QUEUE,
	SMCSIM_TEV_NOTIF,
	SMCSIM_TEV_IRQ,
	SMCSIM_TEV_MARK,
	SMCSIM_TEV_NR_KINDS
};

#define SMCSIM_TEV_ALL		((1U << SMCSIM_TEV_NR_KINDS) - 1)

/* Phases, as Chrome's trace events: a slice's begin and end, an instant. */
#define SMCSIM_TEV_BEGIN	'B'
#define SMCSIM_TEV_END		'E'
#define SMCSIM_TEV_INSTANT	'I'

#define SMCSIM_TEV_TEXT_LEN	336
/* A thread's name; a slice's name has room for "RPC CMD " and a command's. */
#define SMCSIM_TEV_NAME_LEN	20
#define SMCSIM_TEV_SLICE_LEN	(SMCSIM_TEV_NAME_LEN + 12)

/**
 * struct smcsim_tev - one event (fixed size: the ring is an array of them)
 * @seq:	order in the sink, from 0
 * @ts_ns:	timestamp, nanoseconds (see the file comment)
 * @kind:	enum smcsim_tev_kind
 * @phase:	SMCSIM_TEV_BEGIN, _END or _INSTANT
 * @nw_tid:	the normal-world thread (rt_thread_id())
 * @sw_tid:	the secure thread, -1 if none
 * @code:	what the slice is, for pairing and names: the function ID of
 *		an SMC, the command of a message or RPC CMD, the RPC code of
 *		another RPC, enum smcsim_tev_thread_op for a thread event
 * @thread:	the normal-world thread's name
 * @name:	a short name for the slice ("OPEN_SESSION", "RPC CMD LOAD_TA")
 * @text:	the decoded event, one line
 */
struct smcsim_tev {
	uint64_t seq;
	uint64_t ts_ns;
	uint8_t kind;
	char phase;
	uint16_t nw_tid;
	int16_t sw_tid;
	uint32_t code;
	char thread[SMCSIM_TEV_NAME_LEN];
	char name[SMCSIM_TEV_SLICE_LEN];
	char text[SMCSIM_TEV_TEXT_LEN];
};

/** enum smcsim_tev_thread_op - @code of a SMCSIM_TEV_THREAD event */
enum smcsim_tev_thread_op {
	SMCSIM_TEV_THREAD_TAKE,		/* begin: occupied from here */
	SMCSIM_TEV_THREAD_FREE,		/* end */
	SMCSIM_TEV_THREAD_SUSPEND,	/* instant: left in an RPC */
	SMCSIM_TEV_THREAD_RESUME,	/* instant: RETURN_FROM_RPC */
	SMCSIM_TEV_THREAD_LIMIT,	/* instant: ETHREAD_LIMIT answered */
};

/* ---- 1. the sink -------------------------------------------------------- */

/**
 * enum smcsim_trace_fmt - an output format
 * @SMCSIM_TRACE_TEXT:	for people: "thread/id [sN] >|<|* decoded event"
 * @SMCSIM_TRACE_LINES:	one tab-separated line per event, every field; what
 *			smcsim_tev_parse_line() reads back
 * @SMCSIM_TRACE_JSON:	Chrome trace-event JSON
 */
enum smcsim_trace_fmt {
	SMCSIM_TRACE_TEXT,
	SMCSIM_TRACE_LINES,
	SMCSIM_TRACE_JSON,
};

/**
 * struct smcsim_tracer_cfg - what smcsim_tracer_start() sets up
 * @kinds:	mask of (1 << enum smcsim_tev_kind) to record; 0 = all
 * @ring:	events the ring keeps (the last ones); 0 = no ring
 * @stream:	if not NULL, every event is written there as it happens
 * @ring_dump:	if not NULL, what the ring holds is written there at
 *		smcsim_tracer_stop() (a file as long as the ring, whatever
 *		the length of the run)
 * @fmt:	the format of @stream and @ring_dump
 * @close_stream: fclose(@stream) and (@ring_dump) at smcsim_tracer_stop()
 */
struct smcsim_tracer_cfg {
	unsigned int kinds;
	size_t ring;
	FILE *stream;
	FILE *ring_dump;
	enum smcsim_trace_fmt fmt;
	bool close_stream;
};

/*
 * Set only by smcsim_tracer_start()/_stop()/_set_kinds(); read through
 * smcsim_tracing(). Atomic because hooks read it on every thread while
 * the sink may start or stop; relaxed, because a hook that saw it set
 * looks again under the sink's lock before it records.
 */
extern atomic_uint smcsim_trace_mask_;

/** smcsim_tracing() - events of @kind are being recorded */
static inline bool smcsim_tracing(enum smcsim_tev_kind kind)
{
	return __builtin_expect(atomic_load_explicit(&smcsim_trace_mask_,
						     memory_order_relaxed) &
				(1U << kind), 0);
}

/**
 * smcsim_tracer_start() - start the process's sink (stopping one running)
 * Return: 0, -EINVAL for a bad @cfg, -ENOMEM when the ring cannot be had.
 */
int smcsim_tracer_start(const struct smcsim_tracer_cfg *cfg);
/**
 * smcsim_tracer_stop() - record nothing more; finish the stream (a JSON
 * stream gets its closing bracket) and free the ring
 */
void smcsim_tracer_stop(void);
/**
 * smcsim_tracer_open() - trace to file @path, the format from its name
 * (".json": JSON, ".txt"/".log": text, else lines), @kinds as
 * struct smcsim_tracer_cfg: streamed if @ring is 0, else the last @ring
 * events, written at the stop. What SMCSIM_TRACE=FILE (and
 * SMCSIM_TRACE_RING=N) does at load time.
 * Return: 0 or a negative errno.
 */
int smcsim_tracer_open(const char *path, unsigned int kinds, size_t ring);
/** smcsim_trace_fmt_of() - the format a file name asks for */
enum smcsim_trace_fmt smcsim_trace_fmt_of(const char *path);
/** smcsim_tracer_on() - a sink runs (started here or by SMCSIM_TRACE) */
bool smcsim_tracer_on(void);
/** smcsim_tracer_set_kinds() - change the filter of a running sink */
void smcsim_tracer_set_kinds(unsigned int kinds);
/** smcsim_tracer_seen() - events recorded since the start (ring or not) */
uint64_t smcsim_tracer_seen(void);
/** smcsim_tracer_ring_count() - events the ring holds now (<= its size) */
size_t smcsim_tracer_ring_count(void);
/**
 * smcsim_tracer_ring_get() - copy the @i-th oldest event the ring holds
 * Return: 0 or -ENOENT.
 */
int smcsim_tracer_ring_get(size_t i, struct smcsim_tev *ev);
/**
 * smcsim_tracer_ring_write() - write what the ring holds to @f in @fmt (a
 * whole JSON document for JSON). Return: 0 or -EIO.
 */
int smcsim_tracer_ring_write(FILE *f, enum smcsim_trace_fmt fmt);
/** smcsim_tracer_bytes() - memory the sink holds (the ring and itself) */
size_t smcsim_tracer_bytes(void);
/**
 * smcsim_tracer_mark() - a SMCSIM_TEV_MARK instant with free text (which
 * det run follows, say), if that kind is on
 */
void smcsim_tracer_mark(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* ---- 2. the hooks --------------------------------------------------------
 * Each records one event if its kind is on, else costs one test. The
 * out-of-line halves (trailing underscore) are not for direct calls.
 */

void smcsim_tev_smc_(const unsigned long a[8], const unsigned long *out);
void smcsim_tev_call_(char phase, const struct optee_msg_arg *arg,
		      size_t size, int rc);
void smcsim_tev_msg_(char phase, int sw_tid, const struct optee_msg_arg *arg,
		     size_t size, unsigned long a0);
void smcsim_tev_rpc_cmd_(char phase, int sw_tid,
			 const struct optee_msg_arg *arg, size_t size);
void smcsim_tev_rpc_regs_(char phase, int sw_tid, const unsigned long a[6]);
void smcsim_tev_thread_(enum smcsim_tev_thread_op op, int sw_tid,
			unsigned long fid);
void smcsim_tev_printf_(enum smcsim_tev_kind kind, char phase, int sw_tid,
			uint32_t code, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/**
 * smcsim_tev_smc() - an SMC at the invoke hook: its begin with a0..a7 in
 * (@out NULL), its end with a0..a7 in and a0..a3 out (@out)
 */
static inline void smcsim_tev_smc(const unsigned long a[8],
				  const unsigned long *out)
{
	if (smcsim_tracing(SMCSIM_TEV_SMC))
		smcsim_tev_smc_(a, out);
}

/**
 * smcsim_tev_call() - a message as the driver wrote it (begin: @size bytes
 * at @arg, its own buffer) and as it reads the answer (end: @rc, 0 or the
 * driver's negative errno when the call failed and there is no answer)
 */
static inline void smcsim_tev_call(char phase, const struct optee_msg_arg *arg,
				   size_t size, int rc)
{
	if (smcsim_tracing(SMCSIM_TEV_CALL))
		smcsim_tev_call_(phase, arg, size, rc);
}

/**
 * smcsim_tev_msg() - a message command as secure thread @sw_tid read it
 * (begin: @size bytes at @arg) or answered it (end: a0 @a0 for the call)
 */
static inline void smcsim_tev_msg(char phase, int sw_tid,
				  const struct optee_msg_arg *arg, size_t size,
				  unsigned long a0)
{
	if (smcsim_tracing(SMCSIM_TEV_MSG))
		smcsim_tev_msg_(phase, sw_tid, arg, size, a0);
}

/**
 * smcsim_tev_rpc_cmd() - an RPC CMD of secure thread @sw_tid: its argument
 * as sent (begin) and as the normal world answered it (end)
 */
static inline void smcsim_tev_rpc_cmd(char phase, int sw_tid,
				      const struct optee_msg_arg *arg,
				      size_t size)
{
	if (smcsim_tracing(SMCSIM_TEV_RPC))
		smcsim_tev_rpc_cmd_(phase, sw_tid, arg, size);
}

/**
 * smcsim_tev_rpc_regs() - an RPC by registers (ALLOC, FREE, FOREIGN_INTR):
 * begin with a0..a2 as the secure thread leaves, end with a0..a5 of the
 * RETURN_FROM_RPC that resumes it. RPC CMD is left to smcsim_tev_rpc_cmd().
 */
static inline void smcsim_tev_rpc_regs(char phase, int sw_tid,
				       const unsigned long a[6])
{
	if (smcsim_tracing(SMCSIM_TEV_RPC))
		smcsim_tev_rpc_regs_(phase, sw_tid, a);
}

/**
 * smcsim_tev_thread() - secure thread @sw_tid changes state (@fid: the call
 * it runs, for TAKE; the world's thread count, for LIMIT; else 0)
 */
static inline void smcsim_tev_thread(enum smcsim_tev_thread_op op, int sw_tid,
				     unsigned long fid)
{
	if (smcsim_tracing(SMCSIM_TEV_THREAD))
		smcsim_tev_thread_(op, sw_tid, fid);
}

/* smcsim_tev_printf() - any other event, its text formatted here */
#define smcsim_tev_printf(kind, phase, sw_tid, code, name, ...)		\
	do {								\
		if (smcsim_tracing(kind))				\
			smcsim_tev_printf_(kind, phase, sw_tid, code,	\
					   name, __VA_ARGS__);		\
	} while (0)

/* ---- 3. decoder and formatters (lib/trace_fmt.c, stdio/string only) ----- */

/** smcsim_tev_kind_name() - "SMC", "MSG", ...; NULL past the last kind */
const char *smcsim_tev_kind_name(unsigned int kind);
/**
 * smcsim_tev_parse_kinds() - "smc,msg,rpc" (or "all") to a mask
 * Return: 0 or -EINVAL (an unknown name).
 */
int smcsim_tev_parse_kinds(const char *s, unsigned int *mask);

/**
 * smcsim_decode_smc() - an SMC's registers, decoded: with @out NULL the
 * call and the registers it uses, else the answer and what it carries
 * @buf, @len:	the output; always NUL-terminated when @len > 0
 * @a:		a0..a7 in
 * @out:	a0..a3 out, or NULL
 * @name:	if not NULL, receives a short name (SMCSIM_TEV_SLICE_LEN bytes)
 * Return: the length snprintf would have written for @buf.
 */
int smcsim_decode_smc(char *buf, size_t len, const unsigned long a[8],
		      const unsigned long *out, char *name);

/**
 * smcsim_decode_msg() - a whole optee_msg_arg of @size bytes at @arg
 * @rpc:	it is an RPC argument (OPTEE_RPC_CMD_*), not a call's
 * @answer:	decode the answer (ret, origin, session, output params)
 *		instead of the request
 *
 * Never reads past @size; what is wrong (too short, too many params, an
 * unknown command or parameter type) is said in the text. Return: the
 * length snprintf would have written for @buf.
 */
int smcsim_decode_msg(char *buf, size_t len, const void *arg, size_t size,
		      bool rpc, bool answer, char *name);

/**
 * smcsim_tev_format() - one event in @fmt (for JSON: one array element,
 * no separator), a newline at the end. Return: as snprintf.
 */
int smcsim_tev_format(const struct smcsim_tev *ev, enum smcsim_trace_fmt fmt,
		      char *buf, size_t len);

#define SMCSIM_TRACE_MAX_TRACKS	256

/**
 * struct smcsim_trace_writer - writes events to a FILE in one format; for
 * JSON it adds the document's brackets, the separators and, the first time
 * a thread is seen, the metadata that names its track
 * @f:		where
 * @fmt:	how
 * @count:	events written
 * @named:	tracks named so far: [0] normal-world threads, [1] secure
 */
struct smcsim_trace_writer {
	FILE *f;
	enum smcsim_trace_fmt fmt;
	uint64_t count;
	uint8_t named[2][SMCSIM_TRACE_MAX_TRACKS / 8];
};

/** smcsim_trace_writer_begin() - start a document on @f (JSON: its head) */
void smcsim_trace_writer_begin(struct smcsim_trace_writer *w, FILE *f,
			       enum smcsim_trace_fmt fmt);
/** smcsim_trace_writer_put() - one event; Return: 0 or -EIO */
int smcsim_trace_writer_put(struct smcsim_trace_writer *w,
			    const struct smcsim_tev *ev);
/** smcsim_trace_writer_end() - finish the document; Return: 0 or -EIO */
int smcsim_trace_writer_end(struct smcsim_trace_writer *w);
/**
 * smcsim_tev_parse_line() - read back one line of SMCSIM_TRACE_LINES
 * Return: 0, or -EINVAL for a line that is not one (a comment, a header).
 */
int smcsim_tev_parse_line(const char *line, struct smcsim_tev *ev);

#endif /* SMCSIM_TRACE_H */
