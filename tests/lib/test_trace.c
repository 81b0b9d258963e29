/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the decoded trace (lib/trace.c, lib/trace_fmt.c): the
 * sink's ring stays at N events, the kind filter, start and stop, each
 * format (text, lines and back, a JSON document), the decoder on good and
 * malformed messages (it says what is wrong and reads nothing past the
 * size: every buffer here is allocated to its exact size, so ASan sees an
 * overread), and the hooks of both worlds on a real session, free-running
 * and in a det run (the same seed, the same bytes).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/det.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_drv.h>
#include <smcsim/tee_error.h>
#include <smcsim/trace.h>
#include <smcsim/uuid.h>

#include "detbed.h"
#include "testbed.h"

static void ring_start(size_t n, unsigned int kinds)
{
	const struct smcsim_tracer_cfg cfg = { .kinds = kinds, .ring = n };

	assert_int_equal(smcsim_tracer_start(&cfg), 0);
}

static void emit_irq(unsigned int i)
{
	smcsim_tev_printf(SMCSIM_TEV_IRQ, SMCSIM_TEV_INSTANT, -1, i, "irq",
			  "event %u", i);
}

/* ---- the sink ----------------------------------------------------------- */

/* N events kept, the oldest dropped, and memory the same at 100 or 10,000. */
static void trace_ring_keeps_last_n(void **state)
{
	struct smcsim_tev ev;
	char line[512];
	size_t bytes;
	unsigned int i;
	FILE *f;

	(void)state;
	ring_start(8, 0);
	bytes = smcsim_tracer_bytes();
	for (i = 0; i < 100; i++)
		emit_irq(i);
	assert_int_equal(smcsim_tracer_seen(), 100);
	assert_int_equal(smcsim_tracer_ring_count(), 8);
	assert_int_equal(smcsim_tracer_ring_get(0, &ev), 0);
	assert_int_equal(ev.seq, 92);
	assert_int_equal(ev.code, 92);
	assert_string_equal(ev.text, "event 92");
	assert_int_equal(smcsim_tracer_ring_get(7, &ev), 0);
	assert_int_equal(ev.seq, 99);
	assert_int_equal(smcsim_tracer_ring_get(8, &ev), -ENOENT);
	for (; i < 10000; i++)
		emit_irq(i);
	assert_int_equal(smcsim_tracer_bytes(), bytes);
	assert_int_equal(smcsim_tracer_ring_count(), 8);
	assert_true(bytes < 8 * sizeof(ev) + 4096);

	/* Written out: the 8, oldest first, after the format's header. */
	f = tmpfile();
	assert_non_null(f);
	assert_int_equal(smcsim_tracer_ring_write(f, SMCSIM_TRACE_LINES), 0);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(line[0], '#');
	for (i = 0; fgets(line, sizeof(line), f); i++) {
		assert_int_equal(smcsim_tev_parse_line(line, &ev), 0);
		assert_int_equal(ev.seq, 9992 + i);
	}
	assert_int_equal(i, 8);
	fclose(f);
	smcsim_tracer_stop();
}

/* A ring with a dump: the file gets the last N events at the stop only. */
static void trace_ring_dump_at_stop(void **state)
{
	struct smcsim_tracer_cfg cfg = { .ring = 4, .fmt = SMCSIM_TRACE_LINES };
	struct smcsim_tev ev;
	char line[512];
	unsigned int i, n = 0;

	(void)state;
	cfg.ring_dump = tmpfile();
	assert_non_null(cfg.ring_dump);
	assert_int_equal(smcsim_tracer_start(&cfg), 0);
	for (i = 0; i < 10; i++)
		emit_irq(i);
	assert_int_equal(ftell(cfg.ring_dump), 0);
	smcsim_tracer_stop();
	rewind(cfg.ring_dump);
	while (fgets(line, sizeof(line), cfg.ring_dump)) {
		if (line[0] == '#')
			continue;
		assert_int_equal(smcsim_tev_parse_line(line, &ev), 0);
		assert_int_equal(ev.seq, 6 + n);
		n++;
	}
	assert_int_equal(n, 4);
	fclose(cfg.ring_dump);

	/* A dump needs a ring. */
	cfg.ring = 0;
	cfg.ring_dump = stderr;
	assert_int_equal(smcsim_tracer_start(&cfg), -EINVAL);
}

/* Only the kinds asked for are recorded; the filter can change. */
static void trace_filter_by_kind(void **state)
{
	const unsigned long a[8] = { OPTEE_SMC_CALLS_UID };
	struct smcsim_tev ev;

	(void)state;
	ring_start(16, 1U << SMCSIM_TEV_IRQ);
	assert_false(smcsim_tracing(SMCSIM_TEV_SMC));
	assert_true(smcsim_tracing(SMCSIM_TEV_IRQ));
	smcsim_tev_smc(a, NULL);
	emit_irq(1);
	assert_int_equal(smcsim_tracer_ring_count(), 1);
	assert_int_equal(smcsim_tracer_ring_get(0, &ev), 0);
	assert_int_equal(ev.kind, SMCSIM_TEV_IRQ);

	smcsim_tracer_set_kinds(1U << SMCSIM_TEV_SMC);
	emit_irq(2);
	smcsim_tev_smc(a, NULL);
	assert_int_equal(smcsim_tracer_ring_count(), 2);
	assert_int_equal(smcsim_tracer_ring_get(1, &ev), 0);
	assert_int_equal(ev.kind, SMCSIM_TEV_SMC);
	assert_string_equal(ev.text, "SMC CALLS_UID");
	assert_int_equal(ev.sw_tid, -1);
	assert_int_equal(ev.nw_tid, 0);
	assert_string_equal(ev.thread, "main");
	smcsim_tracer_stop();
}

/* Stopped, nothing is recorded and every hook is off. */
static void trace_stopped_records_nothing(void **state)
{
	unsigned int k;

	(void)state;
	ring_start(4, 0);
	emit_irq(1);
	smcsim_tracer_stop();
	for (k = 0; k < SMCSIM_TEV_NR_KINDS; k++)
		assert_false(smcsim_tracing(k));
	emit_irq(2);
	assert_int_equal(smcsim_tracer_ring_count(), 0);
}

/* A sink with nowhere to put events, or unknown kinds, is refused. */
static void trace_start_refuses_bad_config(void **state)
{
	struct smcsim_tracer_cfg cfg = { 0 };

	(void)state;
	assert_int_equal(smcsim_tracer_start(&cfg), -EINVAL);
	cfg.ring = 4;
	cfg.kinds = 1U << SMCSIM_TEV_NR_KINDS;
	assert_int_equal(smcsim_tracer_start(&cfg), -EINVAL);
	cfg.kinds = 0;
	cfg.fmt = (enum smcsim_trace_fmt)7;
	assert_int_equal(smcsim_tracer_start(&cfg), -EINVAL);
	assert_false(smcsim_tracing(SMCSIM_TEV_SMC));
}

static void trace_parse_kinds(void **state)
{
	unsigned int m = 0;

	(void)state;
	assert_int_equal(smcsim_tev_parse_kinds("smc,MSG,rpc", &m), 0);
	assert_int_equal(m, 1U << SMCSIM_TEV_SMC | 1U << SMCSIM_TEV_MSG |
			 1U << SMCSIM_TEV_RPC);
	assert_int_equal(smcsim_tev_parse_kinds("all", &m), 0);
	assert_int_equal(m, SMCSIM_TEV_ALL);
	assert_int_equal(smcsim_tev_parse_kinds("smc,bogus", &m), -EINVAL);
	assert_int_equal(smcsim_tev_parse_kinds("", &m), -EINVAL);
	assert_int_equal(smcsim_tev_parse_kinds("sm", &m), -EINVAL);
}

/* ---- formats ------------------------------------------------------------ */

static struct smcsim_tev sample_event(void)
{
	struct smcsim_tev ev = {
		.seq = 7,
		.ts_ns = 1234567,
		.kind = SMCSIM_TEV_MSG,
		.phase = SMCSIM_TEV_BEGIN,
		.nw_tid = 3,
		.sw_tid = 1,
		.code = OPTEE_MSG_CMD_INVOKE_COMMAND,
	};

	strcpy(ev.thread, "caller");
	strcpy(ev.name, "INVOKE");
	strcpy(ev.text, "INVOKE session=1 func=0x0 \"quoted\" back\\slash");
	return ev;
}

static void trace_text_format(void **state)
{
	struct smcsim_tev ev = sample_event();
	char buf[512];

	(void)state;
	smcsim_tev_format(&ev, SMCSIM_TRACE_TEXT, buf, sizeof(buf));
	assert_string_equal(buf, "caller/3                 s1  > INVOKE session=1 "
			    "func=0x0 \"quoted\" back\\slash\n");
	ev.sw_tid = -1;
	ev.phase = SMCSIM_TEV_INSTANT;
	smcsim_tev_format(&ev, SMCSIM_TRACE_TEXT, buf, sizeof(buf));
	assert_string_equal(buf, "caller/3                     * INVOKE session=1 "
			    "func=0x0 \"quoted\" back\\slash\n");
}

/* Every field survives the line format and back. */
static void trace_lines_round_trip(void **state)
{
	struct smcsim_tev ev = sample_event(), back;
	char buf[512];

	(void)state;
	smcsim_tev_format(&ev, SMCSIM_TRACE_LINES, buf, sizeof(buf));
	assert_string_equal(buf, "7\t1234567\tMSG\tB\t3\tcaller\t1\t0x1\tINVOKE\t"
			    "INVOKE session=1 func=0x0 \"quoted\" back\\slash\n");
	assert_int_equal(smcsim_tev_parse_line(buf, &back), 0);
	assert_memory_equal(&ev, &back, sizeof(ev));

	assert_int_equal(smcsim_tev_parse_line("", &back), -EINVAL);
	assert_int_equal(smcsim_tev_parse_line("# header\n", &back), -EINVAL);
	assert_int_equal(smcsim_tev_parse_line("1\t2\tNOPE\tB\t0\tm\t-1\t0x0\tn\tt\n",
					       &back), -EINVAL);
	assert_int_equal(smcsim_tev_parse_line("1\t2\tSMC\tX\t0\tm\t-1\t0x0\tn\tt\n",
					       &back), -EINVAL);
	assert_int_equal(smcsim_tev_parse_line("x\t2\tSMC\tB\t0\tm\t-1\t0x0\tn\tt\n",
					       &back), -EINVAL);
	assert_int_equal(smcsim_tev_parse_line("1\t2\tSMC\tB\t0\tm\t-7\t0x0\tn\tt\n",
					       &back), -EINVAL);
}

/* A stream in JSON is one document: head, named tracks, events, end. */
static void trace_json_stream_is_a_document(void **state)
{
	struct smcsim_tracer_cfg cfg = { .fmt = SMCSIM_TRACE_JSON };
	char doc[8192];
	size_t n;

	(void)state;
	cfg.stream = tmpfile();
	assert_non_null(cfg.stream);
	assert_int_equal(smcsim_tracer_start(&cfg), 0);
	smcsim_tev_printf(SMCSIM_TEV_MSG, SMCSIM_TEV_BEGIN, 0, 1, "INVOKE",
			  "INVOKE \"q\" \\ end");
	smcsim_tev_printf(SMCSIM_TEV_MSG, SMCSIM_TEV_END, 0, 1, "INVOKE",
			  "INVOKE -> ret=SUCCESS");
	emit_irq(3);
	smcsim_tracer_stop();
	rewind(cfg.stream);
	n = fread(doc, 1, sizeof(doc) - 1, cfg.stream);
	doc[n] = '\0';
	fclose(cfg.stream);

	assert_true(!strncmp(doc, "[\n{\"name\":\"process_name\"", 24));
	assert_string_equal(doc + n - 3, "\n]\n");
	assert_non_null(strstr(doc, "\"name\":\"process_name\",\"ph\":\"M\","
			       "\"pid\":2,\"tid\":0,\"args\":{\"name\":"
			       "\"secure world\"}"));
	assert_non_null(strstr(doc, "\"name\":\"thread_name\",\"ph\":\"M\","
			       "\"pid\":2,\"tid\":0,\"args\":{\"name\":"
			       "\"secure thread 0\"}"));
	assert_non_null(strstr(doc, "\"name\":\"thread_name\",\"ph\":\"M\","
			       "\"pid\":1,\"tid\":0,\"args\":{\"name\":"
			       "\"main/0\"}"));
	assert_non_null(strstr(doc, "\"cat\":\"MSG\",\"ph\":\"B\""));
	assert_non_null(strstr(doc, "\"cat\":\"IRQ\",\"ph\":\"i\""));
	assert_non_null(strstr(doc, "\"s\":\"t\""));
	assert_non_null(strstr(doc, "\"text\":\"INVOKE \\\"q\\\" \\\\ end\""));
	/* No separator before the first element, one before each other. */
	assert_null(strstr(doc, "[\n,"));
	assert_null(strstr(doc, ",\n]"));
}

/* ---- the decoder -------------------------------------------------------- */

/* A message of @n params in a buffer of exactly its size (ASan-checked). */
static struct optee_msg_arg *msg_new(uint32_t cmd, uint32_t n)
{
	struct optee_msg_arg *a = calloc(1, OPTEE_MSG_GET_ARG_SIZE(n));

	assert_non_null(a);
	a->cmd = cmd;
	a->num_params = n;
	return a;
}

static void trace_decode_open_session(void **state)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	struct optee_msg_arg *a = msg_new(OPTEE_MSG_CMD_OPEN_SESSION, 4);
	size_t size = OPTEE_MSG_GET_ARG_SIZE(4);
	char buf[512], name[SMCSIM_TEV_NAME_LEN + 12];

	(void)state;
	a->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	a->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT | OPTEE_MSG_ATTR_META;
	smcsim_uuid_to_octets(&echo, a->params[0].u.octets);
	a->params[1].u.value.c = OPTEE_MSG_LOGIN_PUBLIC;
	a->params[2].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	a->params[2].u.value.a = 40;
	a->params[2].u.value.b = 2;
	a->params[3].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INOUT;
	a->params[3].u.rmem.shm_ref = 3;
	a->params[3].u.rmem.size = 64;
	smcsim_decode_msg(buf, sizeof(buf), a, size, false, false, name);
	assert_string_equal(name, "OPEN_SESSION");
	assert_string_equal(buf, "OPEN_SESSION uuid=534d4353-0001-4000-8000-"
			    "736d6373696d login=PUBLIC params=[VALUE_IN a=0x28 "
			    "b=0x2 c=0x0, RMEM_INOUT shm=0x3 off=0x0 size=64]");

	a->ret = TEE_SUCCESS;
	a->ret_origin = TEEC_ORIGIN_TRUSTED_APP;
	a->session = 1;
	a->params[3].u.rmem.size = 16;
	smcsim_decode_msg(buf, sizeof(buf), a, size, false, true, NULL);
	assert_string_equal(buf, "OPEN_SESSION -> ret=SUCCESS origin=TRUSTED_APP "
			    "session=1 params=[VALUE_IN, RMEM_INOUT size=16]");
	free(a);
}

static void trace_decode_rpc_shm_alloc(void **state)
{
	struct optee_msg_arg *a = msg_new(OPTEE_RPC_CMD_SHM_ALLOC, 1);
	size_t size = OPTEE_MSG_GET_ARG_SIZE(1);
	char buf[256], name[SMCSIM_TEV_NAME_LEN + 12];

	(void)state;
	a->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	a->params[0].u.value.a = OPTEE_RPC_SHM_TYPE_APPL;
	a->params[0].u.value.b = 4096;
	smcsim_decode_msg(buf, sizeof(buf), a, size, true, false, name);
	assert_string_equal(name, "RPC CMD SHM_ALLOC");
	assert_string_equal(buf, "RPC CMD SHM_ALLOC type=APPL size=4096");

	a->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
	a->params[0].u.tmem.buf_ptr = 0x40100000;
	a->params[0].u.tmem.size = 4096;
	a->params[0].u.tmem.shm_ref = 0x77;
	smcsim_decode_msg(buf, sizeof(buf), a, size, true, true, NULL);
	assert_string_equal(buf, "RPC CMD SHM_ALLOC -> ret=SUCCESS origin=0 "
			    "cookie=0x77 pa=0x40100000 size=4096");
	free(a);
}

static void expect_decode(const void *arg, size_t size, bool rpc,
			  const char *want)
{
	char buf[512];
	int n = smcsim_decode_msg(buf, sizeof(buf), arg, size, rpc, false,
				  NULL);

	assert_int_equal(n, (int)strlen(buf));
	if (!strstr(buf, want))
		fail_msg("decoded \"%s\", wanted \"%s\" in it", buf, want);
}

/* Malformed messages: decoded as far as they go, what is wrong said. */
static void trace_decode_malformed(void **state)
{
	struct optee_msg_arg *a;
	uint8_t *short_hdr;
	char tiny[8];
	int n;

	(void)state;
	expect_decode(NULL, 100, false, "bad message: 0 bytes, the header "
		      "needs 32");
	short_hdr = calloc(1, 31);
	assert_non_null(short_hdr);
	expect_decode(short_hdr, 31, false, "bad message: 31 bytes, the "
		      "header needs 32");
	free(short_hdr);

	/* More params claimed than the buffer holds. */
	a = msg_new(OPTEE_MSG_CMD_INVOKE_COMMAND, 1);
	a->num_params = 5;
	expect_decode(a, OPTEE_MSG_GET_ARG_SIZE(1), false,
		      "(bad: num_params=5, 64 bytes hold 1)");
	a->num_params = 0xffffffff;
	expect_decode(a, OPTEE_MSG_GET_ARG_SIZE(1), false,
		      "(bad: num_params=4294967295, 64 bytes hold 1)");
	a->num_params = 1;
	a->params[0].attr = 0x4;
	expect_decode(a, OPTEE_MSG_GET_ARG_SIZE(1), false, "unknown type 0x4");
	a->cmd = 99;
	expect_decode(a, OPTEE_MSG_GET_ARG_SIZE(1), false, "unknown command 99");
	expect_decode(a, OPTEE_MSG_GET_ARG_SIZE(1), true, "RPC CMD 99 (unknown)");
	/* OPEN_SESSION without its meta params: no UUID to show. */
	a->cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	a->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	expect_decode(a, OPTEE_MSG_GET_ARG_SIZE(1), false,
		      "(no meta params: uuid unknown)");
	/* An RPC whose first param is not the value its command needs. */
	a->cmd = OPTEE_RPC_CMD_SHM_ALLOC;
	a->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INPUT;
	expect_decode(a, OPTEE_MSG_GET_ARG_SIZE(1), true,
		      "RPC CMD SHM_ALLOC params=[TMEM_IN");

	/* A buffer too small: cut, terminated, the full length returned. */
	a->cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	a->num_params = 0;
	a->session = 12;
	n = smcsim_decode_msg(tiny, sizeof(tiny), a, OPTEE_MSG_GET_ARG_SIZE(1),
			      false, false, NULL);
	assert_int_equal(n, (int)strlen("CLOSE_SESSION session=12"));
	assert_string_equal(tiny, "CLOSE_S");
	assert_int_equal(smcsim_decode_msg(NULL, 0, a, 32, false, false, NULL),
			 n);
	free(a);
}

static void trace_decode_smc(void **state)
{
	unsigned long a[8] = { OPTEE_SMC_CALL_WITH_ARG, 0, 0x40002000 };
	unsigned long out[4] = { OPTEE_SMC_RETURN_RPC_CMD, 0, 0x1000, 1 };
	char buf[256], name[SMCSIM_TEV_NAME_LEN + 12];

	(void)state;
	smcsim_decode_smc(buf, sizeof(buf), a, NULL, name);
	assert_string_equal(buf, "SMC CALL_WITH_ARG pa=0x40002000");
	assert_string_equal(name, "CALL_WITH_ARG");
	smcsim_decode_smc(buf, sizeof(buf), a, out, NULL);
	assert_string_equal(buf, "SMC CALL_WITH_ARG -> RPC CMD cookie=0x1000 "
			    "thread=1");
	a[0] = OPTEE_SMC_CALL_RETURN_FROM_RPC;
	a[1] = a[2] = 0;
	a[3] = 1;
	smcsim_decode_smc(buf, sizeof(buf), a, NULL, NULL);
	assert_string_equal(buf, "SMC CALL_RETURN_FROM_RPC thread=1");
	a[0] = 0x12345678;
	smcsim_decode_smc(buf, sizeof(buf), a, NULL, NULL);
	assert_string_equal(buf, "SMC unknown 0x12345678 a3=0x1");
}

/* ---- the hooks on a real session ---------------------------------------- */

static bool find_text(const char *prefix, char kind, struct smcsim_tev *out)
{
	size_t i, n = smcsim_tracer_ring_count();

	for (i = 0; i < n; i++) {
		assert_int_equal(smcsim_tracer_ring_get(i, out), 0);
		if (out->phase == kind && !strncmp(out->text, prefix,
						   strlen(prefix)))
			return true;
	}
	return false;
}

/*
 * Every SMC, secure-thread occupancy and message begins and ends on its
 * own track, nested; the messages are decoded as the secure world read
 * them, with the secure thread and the caller.
 */
static void trace_session_hooks(void **state)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	const uint32_t types[4] = { TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
				    TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT };
	uint64_t v[4][2] = { { 40, 2 } };
	int depth_nw[64] = { 0 }, depth_sw[64] = { 0 }, occupied[64] = { 0 };
	int calls[64] = { 0 };
	struct tee_context *ctx;
	struct smcsim_tev ev;
	uint64_t calls0, smcs = 0;
	uint32_t session;
	struct tb tb;
	size_t i;

	(void)state;
	tb_start(&tb, &(struct tb_opts){ .profile = SMCSIM_ABI_UPSTREAM });
	ring_start(4096, 0);
	calls0 = smcsim_sw_calls(tb.sw);
	ctx = tb_open_ctx(&tb);
	assert_int_equal(tb_open_session(ctx, &echo, &session), TEE_SUCCESS);
	assert_int_equal(tb_invoke_values(ctx, session, SMCSIM_TA_ECHO_CMD_ADD,
					  types, v), TEE_SUCCESS);
	tee_client_close_session(ctx, session);
	tee_client_close_context(ctx);

	assert_true(find_text("OPEN_SESSION uuid=534d4353-0001-4000-8000-"
			      "736d6373696d login=PUBLIC", 'B', &ev));
	assert_int_equal(ev.kind, SMCSIM_TEV_MSG);
	assert_int_equal(ev.sw_tid, 0);
	assert_true(find_text("OPEN_SESSION -> ret=SUCCESS origin=TRUSTED_APP "
			      "session=", 'E', &ev));
	assert_true(find_text("INVOKE session=", 'B', &ev));
	assert_non_null(strstr(ev.text, "func=0x0 params=[VALUE_IN a=0x28 "
			       "b=0x2 c=0x0, VALUE_OUT"));
	assert_true(find_text("INVOKE -> ret=SUCCESS origin=TRUSTED_APP "
			      "params=[VALUE_IN, VALUE_OUT a=0x2a", 'E', &ev));
	assert_true(find_text("thread 0 taken by main/0 for CALL_WITH_REGD_ARG",
			      'B', &ev));
	assert_true(find_text("CLOSE_SESSION session=", 'B', &ev));
	/* The driver's view of the same messages, on its own thread. */
	assert_true(find_text("call INVOKE session=", 'B', &ev));
	assert_int_equal(ev.kind, SMCSIM_TEV_CALL);
	assert_int_equal(ev.sw_tid, -1);
	assert_non_null(strstr(ev.text, "params=[VALUE_IN a=0x28 b=0x2 c=0x0"));
	assert_true(find_text("call INVOKE -> ret=SUCCESS origin=TRUSTED_APP "
			      "params=[VALUE_IN, VALUE_OUT a=0x2a", 'E', &ev));

	for (i = 0; i < smcsim_tracer_ring_count(); i++) {
		int d;

		assert_int_equal(smcsim_tracer_ring_get(i, &ev), 0);
		assert_true(ev.nw_tid < 64 && ev.sw_tid < 64);
		d = ev.phase == SMCSIM_TEV_BEGIN ? 1 :
		    ev.phase == SMCSIM_TEV_END ? -1 : 0;
		if (ev.kind == SMCSIM_TEV_SMC) {
			depth_nw[ev.nw_tid] += d;
			assert_true(depth_nw[ev.nw_tid] == 0 ||
				    depth_nw[ev.nw_tid] == 1);
			smcs += ev.phase == SMCSIM_TEV_BEGIN;
		} else if (ev.kind == SMCSIM_TEV_CALL) {
			/* A call's SMCs run inside it. */
			calls[ev.nw_tid] += d;
			assert_true(calls[ev.nw_tid] == 0 ||
				    calls[ev.nw_tid] == 1);
		} else if (ev.kind == SMCSIM_TEV_THREAD && d) {
			occupied[ev.sw_tid] += d;
			assert_true(occupied[ev.sw_tid] == 0 ||
				    occupied[ev.sw_tid] == 1);
		} else if (ev.kind == SMCSIM_TEV_MSG) {
			/* A message runs on an occupied thread. */
			assert_int_equal(occupied[ev.sw_tid], 1);
			depth_sw[ev.sw_tid] += d;
			assert_true(depth_sw[ev.sw_tid] >= 0);
		}
	}
	for (i = 0; i < 64; i++) {
		assert_int_equal(depth_nw[i], 0);
		assert_int_equal(depth_sw[i], 0);
		assert_int_equal(occupied[i], 0);
		assert_int_equal(calls[i], 0);
	}
	/* One SMC slice per call the secure world answered. */
	assert_int_equal(smcs, smcsim_sw_calls(tb.sw) - calls0);
	smcsim_tracer_stop();
	tb_stop(&tb);
}

/* One det run of a session, its trace in the line format into @buf. */
static size_t det_session_trace(uint64_t seed, char *buf, size_t len)
{
	static const struct smcsim_uuid echo = SMCSIM_TA_ECHO_UUID;
	const uint32_t types[4] = { TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
				    TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT };
	uint64_t v[4][2] = { { 1, 2 } };
	struct rt_det_config cfg;
	struct rt_det_result res;
	struct tee_context *ctx;
	struct smcsim_tev ev;
	struct db_fail f;
	uint32_t session;
	struct tb tb;
	size_t i, pos = 0;

	db_fail_reset(&f);
	ring_start(8192, 0);
	rt_det_config_default(&cfg);
	cfg.seed = seed;
	rt_det_begin(&cfg);
	if (!tb_try_start(&tb, &(struct tb_opts){ .profile = SMCSIM_ABI_PROPOSAL })) {
		if (!db_open_session(&tb, &echo, &ctx, &session, &f)) {
			db_invoke_value(ctx, session, SMCSIM_TA_ECHO_CMD_ADD,
					types, v);
			db_close_session(ctx, session, &f);
		}
		db_stop(&tb, &f);
	}
	rt_det_end(&res);
	assert_null(db_fail_msg(&f));
	assert_true(smcsim_tracer_ring_count() < 8192);
	for (i = 0; !smcsim_tracer_ring_get(i, &ev); i++) {
		int n = smcsim_tev_format(&ev, SMCSIM_TRACE_LINES, buf + pos,
					  len - pos);

		assert_true(n > 0 && (size_t)n < len - pos);
		pos += (size_t)n;
	}
	smcsim_tracer_stop();
	return pos;
}

/* A det run's trace (timestamps included) is the same bytes every time. */
static void trace_det_run_same_bytes(void **state)
{
	const size_t len = 2 << 20;
	char *a = malloc(len), *b = malloc(len);
	size_t na, nb;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	na = det_session_trace(42, a, len);
	nb = det_session_trace(42, b, len);
	assert_true(na > 1000);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	assert_non_null(strstr(a, "\tMSG\tB\t0\tmain\t0\t0x0\tOPEN_SESSION\t"));
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace_ring_keeps_last_n),
		cmocka_unit_test(trace_ring_dump_at_stop),
		cmocka_unit_test(trace_filter_by_kind),
		cmocka_unit_test(trace_stopped_records_nothing),
		cmocka_unit_test(trace_start_refuses_bad_config),
		cmocka_unit_test(trace_parse_kinds),
		cmocka_unit_test(trace_text_format),
		cmocka_unit_test(trace_lines_round_trip),
		cmocka_unit_test(trace_json_stream_is_a_document),
		cmocka_unit_test(trace_decode_open_session),
		cmocka_unit_test(trace_decode_rpc_shm_alloc),
		cmocka_unit_test(trace_decode_malformed),
		cmocka_unit_test(trace_decode_smc),
		cmocka_unit_test(trace_session_hooks),
		cmocka_unit_test(trace_det_run_same_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
