// SPDX-License-Identifier: BSD-2-Clause
/*
 * The trace's sink: one per process, fed by the smcsim_tev_*() hooks of
 * both worlds and the invoke hook (include/smcsim/trace.h).
 *
 * Memory is bounded by construction: a ring of the last N events (N chosen
 * at start, allocated once) and/or a stream that writes each event as it
 * comes; nothing grows with the number of calls.
 *
 * The sink's lock is a spinning atomic flag, not an rt mutex: an rt mutex
 * is a scheduling point in a det run, and tracing must not change the
 * schedule it records (the trace hash of a seed is the same traced or
 * not). It is held only to number, stamp and store one event (and write
 * it to the stream), never across a call into either world.
 *
 *  1. state and lock
 *  2. clock and thread
 *  3. start, stop, SMCSIM_TRACE
 *  4. the ring
 *  5. recording an event; the hooks
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <smcsim/abi_names.h>
#include <smcsim/config.h>
#include <smcsim/det.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_smc.h>
#include <smcsim/rt.h>
#include <smcsim/trace.h>

#ifndef SMCSIM_NO_OS
#include <pthread.h>
#include <unistd.h>
#endif

/* ---- 1. state and lock -------------------------------------------------- */

atomic_uint smcsim_trace_mask_;

/**
 * struct trace_sink - the process's sink; every field but @lock is
 * protected by @lock
 * @ring:	the last @ring_cap events, event seq at [seq % @ring_cap]
 * @seq:	events recorded since the start (the next one's seq)
 * @streaming:	@w writes to a stream
 * @close_stream: fclose it (and @ring_dump) at the stop
 * @ring_dump:	where the ring goes at the stop, or NULL
 * @dump_fmt:	in which format
 * @t0_ns:	the free-running clock at the start
 * @ts_offset:	added to the clock so that time never goes back in a sink
 *		(each det run starts its virtual clock anew)
 * @last_ts:	the last timestamp given
 * @owner:	the process that started it (a forked child writes nothing)
 */
static struct trace_sink {
	atomic_flag lock;
	struct smcsim_tev *ring;
	size_t ring_cap;
	uint64_t seq;
	struct smcsim_trace_writer w;
	bool streaming;
	bool close_stream;
	FILE *ring_dump;
	enum smcsim_trace_fmt dump_fmt;
	uint64_t t0_ns;
	uint64_t ts_offset;
	uint64_t last_ts;
	long owner;
} sink = { .lock = ATOMIC_FLAG_INIT };

static void sink_lock(void)
{
	while (atomic_flag_test_and_set_explicit(&sink.lock,
						 memory_order_acquire))
		;
}

static void sink_unlock(void)
{
	atomic_flag_clear_explicit(&sink.lock, memory_order_release);
}

/* ---- 2. clock and thread ------------------------------------------------ */

static uint64_t mono_ns(void)
{
#ifdef SMCSIM_NO_OS
	return rt_now_ms() * 1000000ULL;
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
#endif
}

/*
 * Virtual in a det run: rt's clock, plus 1 us per scheduling step so that
 * events between two sleeps keep apart. Both only grow: so does this.
 */
static uint64_t trace_now_ns(void)
{
	if (rt_det_active())
		return rt_now_ms() * 1000000ULL + rt_det_step() * 1000ULL;
	return mono_ns() - sink.t0_ns;
}

/* ---- 3. start, stop, SMCSIM_TRACE --------------------------------------- */

#ifndef SMCSIM_NO_OS
/* A fork: nothing buffered is written twice, the child records nothing. */
static void trace_atfork_prepare(void)
{
	sink_lock();
	if (sink.streaming)
		fflush(sink.w.f);
}

static void trace_atfork_parent(void)
{
	sink_unlock();
}

static void trace_atfork_child(void)
{
	atomic_store(&smcsim_trace_mask_, 0);
	sink.streaming = false;
	sink_unlock();
}

static long trace_pid(void)
{
	return (long)getpid();
}
#else
static long trace_pid(void)
{
	return 0;
}
#endif

/* Write the @cap-slot @ring, @seq events seen, oldest first. */
static void ring_dump(FILE *f, enum smcsim_trace_fmt fmt,
		      const struct smcsim_tev *ring, size_t cap, uint64_t seq)
{
	struct smcsim_trace_writer w;
	uint64_t i = seq > cap ? seq - cap : 0;

	smcsim_trace_writer_begin(&w, f, fmt);
	for (; i < seq; i++)
		smcsim_trace_writer_put(&w, &ring[i % cap]);
	smcsim_trace_writer_end(&w);
}

void smcsim_tracer_stop(void)
{
	struct smcsim_tev *ring;
	enum smcsim_trace_fmt fmt;
	FILE *dump = NULL;
	bool close_dump;
	uint64_t seq;
	size_t cap;

	sink_lock();
	atomic_store(&smcsim_trace_mask_, 0);
	if (sink.streaming && sink.owner == trace_pid()) {
		smcsim_trace_writer_end(&sink.w);
		if (sink.close_stream)
			fclose(sink.w.f);
	}
	if (sink.owner == trace_pid())
		dump = sink.ring_dump;
	sink.ring_dump = NULL;
	sink.streaming = false;
	ring = sink.ring;
	cap = sink.ring_cap;
	seq = sink.seq;
	fmt = sink.dump_fmt;
	close_dump = sink.close_stream;
	sink.ring = NULL;
	sink.ring_cap = 0;
	sink_unlock();
	/* Nothing records now: the ring is read without the lock. */
	if (dump && ring) {
		ring_dump(dump, fmt, ring, cap, seq);
		if (close_dump)
			fclose(dump);
	}
	free(ring);
}

int smcsim_tracer_start(const struct smcsim_tracer_cfg *cfg)
{
	struct smcsim_tev *ring = NULL;
	unsigned int kinds = cfg->kinds ? cfg->kinds : SMCSIM_TEV_ALL;

	if ((kinds & ~SMCSIM_TEV_ALL) || (!cfg->ring && !cfg->stream) ||
	    cfg->fmt > SMCSIM_TRACE_JSON || (cfg->ring_dump && !cfg->ring))
		return -EINVAL;
	if (cfg->ring) {
		if (cfg->ring > SIZE_MAX / sizeof(*ring))
			return -ENOMEM;
		ring = calloc(cfg->ring, sizeof(*ring));
		if (!ring)
			return -ENOMEM;
	}
	smcsim_tracer_stop();
#ifndef SMCSIM_NO_OS
	{
		static bool atfork;

		if (!atfork && !pthread_atfork(trace_atfork_prepare,
					       trace_atfork_parent,
					       trace_atfork_child))
			atfork = true;
	}
#endif
	sink_lock();
	sink.ring = ring;
	sink.ring_cap = cfg->ring;
	sink.seq = 0;
	sink.streaming = cfg->stream != NULL;
	sink.close_stream = cfg->close_stream;
	sink.ring_dump = cfg->ring_dump;
	sink.dump_fmt = cfg->fmt;
	sink.owner = trace_pid();
	sink.t0_ns = mono_ns();
	sink.ts_offset = 0;
	sink.last_ts = 0;
	if (cfg->stream)
		smcsim_trace_writer_begin(&sink.w, cfg->stream, cfg->fmt);
	atomic_store(&smcsim_trace_mask_, kinds);
	sink_unlock();
	return 0;
}

enum smcsim_trace_fmt smcsim_trace_fmt_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && !strcmp(dot, ".json"))
		return SMCSIM_TRACE_JSON;
	if (dot && (!strcmp(dot, ".txt") || !strcmp(dot, ".log")))
		return SMCSIM_TRACE_TEXT;
	return SMCSIM_TRACE_LINES;
}

int smcsim_tracer_open(const char *path, unsigned int kinds, size_t ring)
{
	struct smcsim_tracer_cfg cfg = {
		.kinds = kinds,
		.ring = ring,
		.fmt = smcsim_trace_fmt_of(path),
		.close_stream = true,
	};
	FILE *f;
	int rc;

	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (ring)
		cfg.ring_dump = f;
	else
		cfg.stream = f;
	rc = smcsim_tracer_start(&cfg);
	if (rc)
		fclose(f);
	return rc;
}

bool smcsim_tracer_on(void)
{
	return atomic_load(&smcsim_trace_mask_) != 0;
}

void smcsim_tracer_set_kinds(unsigned int kinds)
{
	sink_lock();
	if (atomic_load(&smcsim_trace_mask_))
		atomic_store(&smcsim_trace_mask_,
			     (kinds ? kinds : SMCSIM_TEV_ALL) & SMCSIM_TEV_ALL);
	sink_unlock();
}

/*
 * SMCSIM_TRACE=FILE (SMCSIM_TRACE_KINDS=smc,msg,... to filter): any program
 * linked with the library streams its trace there, closed at exit; with
 * SMCSIM_TRACE_RING=N, only the last N events, written at exit.
 */
__attribute__((constructor))
static void trace_from_env(void)
{
	const char *path = getenv("SMCSIM_TRACE");
	const char *ks = getenv("SMCSIM_TRACE_KINDS");
	const char *rs = getenv("SMCSIM_TRACE_RING");
	unsigned int kinds = 0;
	unsigned long ring = 0;
	char *end;
	int rc;

	if (!path || !*path)
		return;
	if (ks && *ks && smcsim_tev_parse_kinds(ks, &kinds)) {
		fprintf(stderr, "smcsim: SMCSIM_TRACE_KINDS '%s': not a list "
			"of smc,call,msg,rpc,thread,queue,notif,irq,mark,all\n", ks);
		return;
	}
	if (rs && *rs) {
		ring = strtoul(rs, &end, 0);
		if (*end || !ring) {
			fprintf(stderr, "smcsim: SMCSIM_TRACE_RING '%s': not a "
				"positive number of events\n", rs);
			return;
		}
	}
	rc = smcsim_tracer_open(path, kinds, ring);
	if (rc) {
		fprintf(stderr, "smcsim: SMCSIM_TRACE=%s: %s\n", path,
			strerror(-rc));
		return;
	}
	atexit(smcsim_tracer_stop);
}

/* ---- 4. the ring -------------------------------------------------------- */

uint64_t smcsim_tracer_seen(void)
{
	uint64_t n;

	sink_lock();
	n = sink.seq;
	sink_unlock();
	return n;
}

static size_t ring_count_locked(void)
{
	return sink.seq < sink.ring_cap ? (size_t)sink.seq : sink.ring_cap;
}

size_t smcsim_tracer_ring_count(void)
{
	size_t n;

	sink_lock();
	n = ring_count_locked();
	sink_unlock();
	return n;
}

int smcsim_tracer_ring_get(size_t i, struct smcsim_tev *ev)
{
	int rc = -ENOENT;

	sink_lock();
	if (i < ring_count_locked()) {
		uint64_t seq = sink.seq - ring_count_locked() + i;

		*ev = sink.ring[seq % sink.ring_cap];
		rc = 0;
	}
	sink_unlock();
	return rc;
}

int smcsim_tracer_ring_write(FILE *f, enum smcsim_trace_fmt fmt)
{
	struct smcsim_trace_writer w;
	struct smcsim_tev ev;
	size_t i;
	int rc = 0;

	smcsim_trace_writer_begin(&w, f, fmt);
	/* Event by event: the lock is not held while writing. */
	for (i = 0; !smcsim_tracer_ring_get(i, &ev); i++)
		rc |= smcsim_trace_writer_put(&w, &ev);
	rc |= smcsim_trace_writer_end(&w);
	return rc ? -EIO : 0;
}

size_t smcsim_tracer_bytes(void)
{
	size_t n;

	sink_lock();
	n = sizeof(sink) + sink.ring_cap * sizeof(*sink.ring);
	sink_unlock();
	return n;
}

/* ---- 5. recording an event; the hooks ----------------------------------- */

/*
 * A field of the line format holds no tab or newline: made spaces in what
 * callers wrote (thread names, printf texts; the decoder writes none).
 */
static void one_line(char *c)
{
	for (; *c; c++)
		if (*c == '\t' || *c == '\n' || *c == '\r')
			*c = ' ';
}

static void tev_init(struct smcsim_tev *ev, enum smcsim_tev_kind kind,
		     char phase, int sw_tid, uint32_t code)
{
	/* Whole: a ring or a dump holds no bytes of an earlier stack. */
	memset(ev, 0, sizeof(*ev));
	ev->kind = (uint8_t)kind;
	ev->phase = phase;
	ev->nw_tid = (uint16_t)rt_thread_id();
	ev->sw_tid = (int16_t)(sw_tid < 0 ? -1 : sw_tid);
	ev->code = code;
	strncpy(ev->thread, rt_thread_name(), sizeof(ev->thread) - 1);
	ev->thread[sizeof(ev->thread) - 1] = '\0';
	one_line(ev->thread);
}

/* Number, stamp, store and stream @ev. */
static void tev_record(struct smcsim_tev *ev)
{
	sink_lock();
	if (!(atomic_load_explicit(&smcsim_trace_mask_, memory_order_relaxed) &
	      (1U << ev->kind))) {
		sink_unlock();
		return;
	}
	ev->seq = sink.seq++;
	ev->ts_ns = trace_now_ns() + sink.ts_offset;
	if (ev->ts_ns < sink.last_ts) {
		/* A new det run, its clock from the start: continue after. */
		sink.ts_offset += sink.last_ts - ev->ts_ns + 1000;
		ev->ts_ns = sink.last_ts + 1000;
	}
	sink.last_ts = ev->ts_ns;
	if (sink.ring_cap)
		sink.ring[ev->seq % sink.ring_cap] = *ev;
	if (sink.streaming)
		smcsim_trace_writer_put(&sink.w, ev);
	sink_unlock();
}

void smcsim_tev_smc_(const unsigned long a[8], const unsigned long *out)
{
	struct smcsim_tev ev;

	tev_init(&ev, SMCSIM_TEV_SMC, out ? SMCSIM_TEV_END : SMCSIM_TEV_BEGIN,
		 -1, (uint32_t)a[0]);
	smcsim_decode_smc(ev.text, sizeof(ev.text), a, out, ev.name);
	if (out && optee_smc_return_is_rpc(out[0]))
		ev.sw_tid = (int16_t)(out[3] & 0x7fff);
	else if (!out && (uint32_t)a[0] == OPTEE_SMC_CALL_RETURN_FROM_RPC)
		ev.sw_tid = (int16_t)(a[3] & 0x7fff);
	tev_record(&ev);
}

void smcsim_tev_call_(char phase, const struct optee_msg_arg *arg,
		      size_t size, int rc)
{
	struct smcsim_tev ev;

	tev_init(&ev, SMCSIM_TEV_CALL, phase, -1, 0);
	if (size >= sizeof(*arg))
		ev.code = arg->cmd;
	/* "call OPEN_SESSION ...": the driver's view, told from the secure one. */
	memcpy(ev.text, "call ", 5);
	smcsim_decode_msg(ev.text + 5, sizeof(ev.text) - 5, arg, size, false,
			  phase == SMCSIM_TEV_END, ev.name);
	if (phase == SMCSIM_TEV_END && rc)
		/* No answer to read: the call itself failed. */
		snprintf(ev.text, sizeof(ev.text), "call %s -> failed: %s",
			 ev.name[0] ? ev.name : "message", strerror(-rc));
	tev_record(&ev);
}

void smcsim_tev_msg_(char phase, int sw_tid, const struct optee_msg_arg *arg,
		     size_t size, unsigned long a0)
{
	struct smcsim_tev ev;
	char nbuf[48];

	tev_init(&ev, SMCSIM_TEV_MSG, phase, sw_tid, 0);
	if (size >= sizeof(*arg))
		ev.code = arg->cmd;
	smcsim_decode_msg(ev.text, sizeof(ev.text), arg, size, false,
			  phase == SMCSIM_TEV_END, ev.name);
	if (phase == SMCSIM_TEV_END && a0 != OPTEE_SMC_RETURN_OK)
		/* Refused before an answer: the argument holds none. */
		snprintf(ev.text, sizeof(ev.text), "%s -> refused: a0=%s",
			 ev.name[0] ? ev.name : "message",
			 smcsim_smc_ret_name(a0, nbuf, sizeof(nbuf)));
	tev_record(&ev);
}

void smcsim_tev_rpc_cmd_(char phase, int sw_tid,
			 const struct optee_msg_arg *arg, size_t size)
{
	struct smcsim_tev ev;

	tev_init(&ev, SMCSIM_TEV_RPC, phase, sw_tid, 0);
	if (size >= sizeof(*arg))
		ev.code = arg->cmd;
	smcsim_decode_msg(ev.text, sizeof(ev.text), arg, size, true,
			  phase == SMCSIM_TEV_END, ev.name);
	tev_record(&ev);
}

void smcsim_tev_rpc_regs_(char phase, int sw_tid, const unsigned long a[6])
{
	struct smcsim_tev ev;
	const char *name;

	switch (a[0]) {
	case OPTEE_SMC_RETURN_RPC_ALLOC:
		name = "RPC ALLOC";
		break;
	case OPTEE_SMC_RETURN_RPC_FREE:
		name = "RPC FREE";
		break;
	case OPTEE_SMC_RETURN_RPC_FOREIGN_INTR:
		name = "RPC FOREIGN_INTR";
		break;
	default:
		/* RPC CMD: its argument says more (smcsim_tev_rpc_cmd()). */
		return;
	}
	tev_init(&ev, SMCSIM_TEV_RPC, phase, sw_tid, (uint32_t)a[0]);
	snprintf(ev.name, sizeof(ev.name), "%s", name);
	if (phase == SMCSIM_TEV_BEGIN && a[0] == OPTEE_SMC_RETURN_RPC_ALLOC)
		snprintf(ev.text, sizeof(ev.text), "%s size=%lu", name, a[1]);
	else if (phase == SMCSIM_TEV_BEGIN && a[0] == OPTEE_SMC_RETURN_RPC_FREE)
		snprintf(ev.text, sizeof(ev.text), "%s cookie=0x%llx", name,
			 (unsigned long long)reg_pair_to_64(a[1], a[2]));
	else if (phase == SMCSIM_TEV_END && a[0] == OPTEE_SMC_RETURN_RPC_ALLOC)
		snprintf(ev.text, sizeof(ev.text),
			 "%s -> pa=0x%llx cookie=0x%llx", name,
			 (unsigned long long)reg_pair_to_64(a[1], a[2]),
			 (unsigned long long)reg_pair_to_64(a[4], a[5]));
	else
		snprintf(ev.text, sizeof(ev.text), "%s%s", name,
			 phase == SMCSIM_TEV_END ? " -> resumed" : "");
	tev_record(&ev);
}

void smcsim_tev_thread_(enum smcsim_tev_thread_op op, int sw_tid,
			unsigned long fid)
{
	static const char phases[] = {
		[SMCSIM_TEV_THREAD_TAKE] = SMCSIM_TEV_BEGIN,
		[SMCSIM_TEV_THREAD_FREE] = SMCSIM_TEV_END,
		[SMCSIM_TEV_THREAD_SUSPEND] = SMCSIM_TEV_INSTANT,
		[SMCSIM_TEV_THREAD_RESUME] = SMCSIM_TEV_INSTANT,
		[SMCSIM_TEV_THREAD_LIMIT] = SMCSIM_TEV_INSTANT,
	};
	struct smcsim_tev ev;
	const char *fname;
	char nbuf[48];

	tev_init(&ev, SMCSIM_TEV_THREAD, phases[op], sw_tid, op);
	switch (op) {
	case SMCSIM_TEV_THREAD_TAKE:
		snprintf(ev.name, sizeof(ev.name), "occupied");
		fname = smcsim_smc_name(fid, nbuf, sizeof(nbuf));
		if (!strncmp(fname, "OPTEE_SMC_", 10))
			fname += 10;
		snprintf(ev.text, sizeof(ev.text),
			 "thread %d taken by %s/%u for %s", sw_tid, ev.thread,
			 ev.nw_tid, fname);
		break;
	case SMCSIM_TEV_THREAD_FREE:
		snprintf(ev.name, sizeof(ev.name), "occupied");
		snprintf(ev.text, sizeof(ev.text), "thread %d free", sw_tid);
		break;
	case SMCSIM_TEV_THREAD_SUSPEND:
		snprintf(ev.name, sizeof(ev.name), "suspended");
		snprintf(ev.text, sizeof(ev.text), "thread %d suspended in RPC",
			 sw_tid);
		break;
	case SMCSIM_TEV_THREAD_RESUME:
		snprintf(ev.name, sizeof(ev.name), "resumed");
		snprintf(ev.text, sizeof(ev.text), "thread %d resumed by %s/%u",
			 sw_tid, ev.thread, ev.nw_tid);
		break;
	case SMCSIM_TEV_THREAD_LIMIT:
		snprintf(ev.name, sizeof(ev.name), "ETHREAD_LIMIT");
		snprintf(ev.text, sizeof(ev.text),
			 "ETHREAD_LIMIT for %s/%u: no free thread of %u",
			 ev.thread, ev.nw_tid, (unsigned int)fid);
		break;
	}
	tev_record(&ev);
}

/* An event whose text is formatted from @fmt, both kept to one line. */
__attribute__((format(printf, 6, 0)))
static void tev_vprintf(enum smcsim_tev_kind kind, char phase, int sw_tid,
			uint32_t code, const char *name, const char *fmt,
			va_list ap)
{
	struct smcsim_tev ev;

	tev_init(&ev, kind, phase, sw_tid, code);
	snprintf(ev.name, sizeof(ev.name), "%s", name);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	one_line(ev.name);
	one_line(ev.text);
	tev_record(&ev);
}

void smcsim_tev_printf_(enum smcsim_tev_kind kind, char phase, int sw_tid,
			uint32_t code, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tev_vprintf(kind, phase, sw_tid, code, name, fmt, ap);
	va_end(ap);
}

void smcsim_tracer_mark(const char *fmt, ...)
{
	va_list ap;

	if (!smcsim_tracing(SMCSIM_TEV_MARK))
		return;
	va_start(ap, fmt);
	tev_vprintf(SMCSIM_TEV_MARK, SMCSIM_TEV_INSTANT, -1, 0, "mark", fmt,
		    ap);
	va_end(ap);
}
