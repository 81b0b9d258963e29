// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TAs every simulated world starts with:
 *
 *  - echo/arith: small commands whose answers a test can predict (add,
 *    echo a buffer, fill and check a byte pattern over any size);
 *  - sleep: holds its secure thread suspended in RPC SUSPEND on demand,
 *    or issues any RPC command, so tests can occupy threads and drive the
 *    normal world's RPC handling;
 *  - panic: dies on command (the session is dead afterwards);
 *  - notification: waits for and sends notification values, posts async
 *    ones, and contends on the world's shared secure mutex;
 *  - secure video: decodes into, fills and digests buffers in protected
 *    memory, and refuses to write decoded data anywhere else;
 *  - with internal_tests_pta, a stand-in for OP-TEE's invoke-tests pseudo
 *    TA (same UUID and commands, sw_ta.h);
 *  - OP-TEE's device-enumeration pseudo TA, same UUID and commands, which
 *    lists the TAs registered with SMCSIM_TA_FLAG_DEVICE (as RFC 4122
 *    octets, 16 bytes each) and, as OP-TEE's, admits any client.
 */
#include <string.h>

#include <smcsim/alloc.h>
#include <smcsim/sha256.h>
#include <smcsim/tee_error.h>

#include "sw_private.h"

#define PT(a, b, c, d) SMCSIM_TA_PARAM_TYPES(SMCSIM_TA_PARAM_##a, \
	SMCSIM_TA_PARAM_##b, SMCSIM_TA_PARAM_##c, SMCSIM_TA_PARAM_##d)

/*
 * A NULL memref (MEMREF_NULL) reaches a TA as buffer NULL with whatever size
 * the normal world gave; a TA must not touch it. OP-TEE's device PTA refuses
 * one with a non-zero size, and so do these.
 */
static bool null_memref_with_size(const union smcsim_ta_param *p)
{
	return !p->memref.buffer && p->memref.size;
}

/* ---- echo/arith ---------------------------------------------------------- */

static uint32_t echo_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			    uint32_t pt, union smcsim_ta_param p[4])
{
	uint32_t bad = 0;
	uint8_t *b;
	size_t i;

	(void)s;
	switch (cmd) {
	case SMCSIM_TA_ECHO_CMD_ADD:
		if (pt != PT(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[1].value.a = p[0].value.a + p[0].value.b;
		p[1].value.b = 0;
		return TEE_SUCCESS;
	case SMCSIM_TA_ECHO_CMD_ECHO:
		if (pt != PT(MEMREF_INPUT, MEMREF_OUTPUT, VALUE_OUTPUT, NONE) ||
		    null_memref_with_size(&p[0]))
			return TEE_ERROR_BAD_PARAMETERS;
		p[2].value.a = (uint32_t)p[0].memref.size;
		/* A NULL output holds nothing: it asks how much is needed. */
		if ((p[1].memref.buffer ? p[1].memref.size : 0) <
		    p[0].memref.size) {
			p[1].memref.size = p[0].memref.size;
			return TEE_ERROR_SHORT_BUFFER;
		}
		if (p[0].memref.size)
			memcpy(p[1].memref.buffer, p[0].memref.buffer,
			       p[0].memref.size);
		p[1].memref.size = p[0].memref.size;
		return TEE_SUCCESS;
	case SMCSIM_TA_ECHO_CMD_FILL:
		if (pt != PT(MEMREF_OUTPUT, VALUE_INPUT, NONE, NONE) ||
		    null_memref_with_size(&p[0]))
			return TEE_ERROR_BAD_PARAMETERS;
		b = p[0].memref.buffer;
		for (i = 0; i < p[0].memref.size; i++)
			b[i] = (uint8_t)(p[1].value.a + i);
		return TEE_SUCCESS;
	case SMCSIM_TA_ECHO_CMD_CHECK:
		if (pt != PT(MEMREF_INPUT, VALUE_INPUT, VALUE_OUTPUT, NONE) ||
		    null_memref_with_size(&p[0]))
			return TEE_ERROR_BAD_PARAMETERS;
		b = p[0].memref.buffer;
		p[2].value.b = UINT32_MAX;
		for (i = 0; i < p[0].memref.size; i++) {
			if (b[i] == (uint8_t)(p[1].value.a + i))
				continue;
			if (!bad++)
				p[2].value.b = (uint32_t)i;
		}
		p[2].value.a = bad;
		return TEE_SUCCESS;
	case SMCSIM_TA_ECHO_CMD_INC_VALUE:
		if (pt != PT(VALUE_INOUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[0].value.a++;
		p[0].value.b++;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops echo_ops = {
	.invoke = echo_invoke,
};

/* ---- sleep --------------------------------------------------------------- */

static uint32_t sleep_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			     uint32_t pt, union smcsim_ta_param p[4])
{
	uint32_t n, res = TEE_SUCCESS;

	if (pt != PT(VALUE_INPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case SMCSIM_TA_SLEEP_CMD_SUSPEND:
		for (n = p[0].value.b ? p[0].value.b : 1; n && !res; n--) {
			if (smcsim_ta_cancelled(s))
				return TEE_ERROR_CANCEL;
			res = smcsim_ta_suspend(s, p[0].value.a);
		}
		return res;
	case SMCSIM_TA_SLEEP_CMD_RPC:
		return smcsim_ta_rpc(s, p[0].value.a, NULL, 0);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops sleep_ops = {
	.invoke = sleep_invoke,
};

/* ---- panic --------------------------------------------------------------- */

static uint32_t panic_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			     uint32_t pt, union smcsim_ta_param p[4])
{
	(void)pt;
	(void)p;
	if (cmd == SMCSIM_TA_PANIC_CMD_PANIC)
		smcsim_ta_panic(s, 0xdead);
	return cmd == SMCSIM_TA_PANIC_CMD_OK ? TEE_SUCCESS :
					       TEE_ERROR_NOT_SUPPORTED;
}

static const struct smcsim_ta_ops panic_ops = {
	.invoke = panic_invoke,
};

/* ---- notification -------------------------------------------------------- */

static uint32_t notif_lock_wait(struct smcsim_ta_sess *s,
				union smcsim_ta_param p[4])
{
	struct smcsim_sw *sw = smcsim_ta_world(s);
	uint32_t res, ures;

	res = smcsim_ta_mutex_lock(s, sw->ta_mutex);
	if (res)
		return res;
	p[1].value.a = smcsim_ta_notif_sync_value(s);
	res = smcsim_ta_notif_wait(s, p[0].value.a, p[0].value.b);
	ures = smcsim_ta_mutex_unlock(s, sw->ta_mutex);
	return res ? res : ures;
}

static uint32_t notif_lock_inc(struct smcsim_ta_sess *s,
			       union smcsim_ta_param p[4])
{
	struct smcsim_sw *sw = smcsim_ta_world(s);
	uint32_t res, ures, v;

	res = smcsim_ta_mutex_lock(s, sw->ta_mutex);
	if (res)
		return res;
	/* Read, leave the secure world, write: only the mutex keeps it whole. */
	v = sw->ta_counter;
	res = p[0].value.a ? smcsim_ta_suspend(s, p[0].value.a) : TEE_SUCCESS;
	sw->ta_counter = v + 1;
	p[1].value.a = v + 1;
	ures = smcsim_ta_mutex_unlock(s, sw->ta_mutex);
	return res ? res : ures;
}

static uint32_t notif_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			     uint32_t pt, union smcsim_ta_param p[4])
{
	struct smcsim_sw *sw = smcsim_ta_world(s);

	if (!sw)
		return TEE_ERROR_COMMUNICATION;
	switch (cmd) {
	case SMCSIM_TA_NOTIF_CMD_WAIT:
		if (pt != PT(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return smcsim_ta_notif_wait(s, p[0].value.a, p[0].value.b);
	case SMCSIM_TA_NOTIF_CMD_SEND:
		if (pt != PT(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return smcsim_ta_notif_send(s, p[0].value.a);
	case SMCSIM_TA_NOTIF_CMD_POST:
		if (pt != PT(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return smcsim_sw_notif_post(sw, p[0].value.a) ?
		       TEE_ERROR_BAD_PARAMETERS : TEE_SUCCESS;
	case SMCSIM_TA_NOTIF_CMD_LOCK_WAIT:
		if (pt != PT(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return notif_lock_wait(s, p);
	case SMCSIM_TA_NOTIF_CMD_LOCK_INC:
		if (pt != PT(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return notif_lock_inc(s, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops notif_ops = {
	.invoke = notif_invoke,
};

/* ---- device enumeration PTA --------------------------------------------- */

/*
 * OP-TEE 4.10's core/pta/device.c, in behaviour: no open entry (any login
 * opens it); one MEMREF_OUTPUT; a NULL buffer with a size is
 * BAD_PARAMETERS; the UUIDs that fit are written, the size answered is
 * always what all of them need, and SHORT_BUFFER when that is more than
 * was given. GET_DEVICES lists the TAs flagged SMCSIM_TA_FLAG_DEVICE;
 * GET_DEVICES_SUPP lists none (no simulated TA needs tee-supplicant to be
 * enumerated); GET_DEVICES_RPMB answers STORAGE_NOT_AVAILABLE before
 * looking at the params, as a build without CFG_RPMB_FS does (the
 * simulator has no RPMB file system; its RPMB TA is a TA of its own).
 * Any other command is NOT_IMPLEMENTED.
 */
static uint32_t device_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			      uint32_t pt, union smcsim_ta_param p[4])
{
	struct smcsim_uuid *uuids = NULL;
	size_t n = 0, fit, i;
	uint8_t *out;

	switch (cmd) {
	case PTA_CMD_GET_DEVICES:
	case PTA_CMD_GET_DEVICES_SUPP:
		break;
	case PTA_CMD_GET_DEVICES_RPMB:
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	default:
		return TEE_ERROR_NOT_IMPLEMENTED;
	}
	if (pt != PT(MEMREF_OUTPUT, NONE, NONE, NONE) ||
	    null_memref_with_size(&p[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	if (cmd == PTA_CMD_GET_DEVICES)
		n = sw_ta_list_devices(s->t->sw, NULL, 0);
	fit = p[0].memref.buffer ? p[0].memref.size / 16 : 0;
	if (fit > n)
		fit = n;
	if (fit) {
		uuids = smcsim_calloc(fit, sizeof(*uuids));
		if (!uuids)
			return TEE_ERROR_OUT_OF_MEMORY;
		/* TAs registered meanwhile are listed next time. */
		i = sw_ta_list_devices(s->t->sw, uuids, fit);
		if (i < fit)
			fit = i;
		out = p[0].memref.buffer;
		for (i = 0; i < fit; i++)
			smcsim_uuid_to_octets(&uuids[i], out + 16 * i);
		smcsim_free(uuids);
	}
	p[0].memref.size = n * 16;
	return n > fit ? TEE_ERROR_SHORT_BUFFER : TEE_SUCCESS;
}

/* ---- invoke-tests PTA (stand-in) ----------------------------------------- */

/*
 * What OP-TEE 4.10's core/pta/tests/invoke.c answers, for the commands the
 * conformance suite uses (sw_ta.h). Behaviour, not code: PARAMS picks its
 * test from the param types alone.
 */

/*
 * The index of the one param of type @want when every other param is of
 * type @others, or -1.
 */
static int param_among(uint32_t pt, uint32_t want, uint32_t others)
{
	int i, at = -1;

	for (i = 0; i < SMCSIM_TA_NUM_PARAMS; i++) {
		uint32_t t = SMCSIM_TA_PARAM_TYPE_GET(pt, i);

		if (t == want && at < 0)
			at = i;
		else if (t != others)
			return -1;
	}
	return at;
}

static uint32_t invoke_tests_params(uint32_t pt, union smcsim_ta_param p[4])
{
	uint8_t sum = 0, *b;
	size_t n;
	int i, j;

	/* One VALUE_INOUT: a = a + b. */
	i = param_among(pt, SMCSIM_TA_PARAM_VALUE_INOUT, SMCSIM_TA_PARAM_NONE);
	if (i >= 0) {
		p[i].value.a += p[i].value.b;
		return TEE_SUCCESS;
	}
	/* One VALUE_OUTPUT, three VALUE_INPUT: the sums of a and of b. */
	i = param_among(pt, SMCSIM_TA_PARAM_VALUE_OUTPUT,
			SMCSIM_TA_PARAM_VALUE_INPUT);
	if (i >= 0) {
		p[i].value.a = 0;
		p[i].value.b = 0;
		for (j = 0; j < SMCSIM_TA_NUM_PARAMS; j++) {
			if (j == i)
				continue;
			p[i].value.a += p[j].value.a;
			p[i].value.b += p[j].value.b;
		}
		return TEE_SUCCESS;
	}
	/*
	 * One MEMREF_INOUT: byte 0 = the 8-bit sum of all its bytes. An
	 * empty one is left alone (OP-TEE would write byte 0 of a buffer of
	 * size 0, or fault on a NULL one).
	 */
	i = param_among(pt, SMCSIM_TA_PARAM_MEMREF_INOUT, SMCSIM_TA_PARAM_NONE);
	if (i >= 0) {
		b = p[i].memref.buffer;
		if (!b || !p[i].memref.size)
			return TEE_SUCCESS;
		for (n = 0; n < p[i].memref.size; n++)
			sum = (uint8_t)(sum + b[n]);
		b[0] = sum;
		return TEE_SUCCESS;
	}
	return TEE_ERROR_BAD_PARAMETERS;
}

/* COPY_NSEC_TO_SEC (@to_sec) and COPY_SEC_TO_NSEC. */
static uint32_t invoke_tests_copy(struct smcsim_ta_sess *s, uint32_t pt,
				  union smcsim_ta_param p[4], bool to_sec)
{
	size_t sz = p[0].memref.size;

	if (pt != PT(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[1].memref.size < sz) {
		p[1].memref.size = sz;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (smcsim_ta_param_is_protected(s, 0) == to_sec ||
	    smcsim_ta_param_is_protected(s, 1) != to_sec)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!sz)
		return TEE_SUCCESS;
	memcpy(p[1].memref.buffer, p[0].memref.buffer, sz);
	return TEE_SUCCESS;
}

static uint32_t invoke_tests_read_modify(struct smcsim_ta_sess *s, uint32_t pt,
					 union smcsim_ta_param p[4])
{
	uint8_t *b = p[0].memref.buffer;
	size_t n;

	if (pt != PT(MEMREF_INOUT, NONE, NONE, NONE) ||
	    !smcsim_ta_param_is_protected(s, 0))
		return TEE_ERROR_BAD_PARAMETERS;
	for (n = 0; n < p[0].memref.size; n++)
		b[n] = (uint8_t)-b[n];
	return TEE_SUCCESS;
}

static uint32_t invoke_tests_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
				    uint32_t pt, union smcsim_ta_param p[4])
{
	struct smcsim_sw *sw = smcsim_ta_world(s);

	switch (cmd) {
	case PTA_INVOKE_TESTS_CMD_TRACE:
		if (sw)
			sw_log(sw, "pseudo TA \"invoke_tests.pta\" says "
			       "\"Hello world !\"");
		return TEE_SUCCESS;
	case PTA_INVOKE_TESTS_CMD_PARAMS:
		return invoke_tests_params(pt, p);
	case PTA_INVOKE_TESTS_CMD_MEMREF_NULL:
		if (pt != PT(MEMREF_INOUT, NONE, NONE, NONE) ||
		    p[0].memref.buffer || p[0].memref.size)
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_SUCCESS;
	case PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC:
		return invoke_tests_copy(s, pt, p, true);
	case PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC:
		return invoke_tests_read_modify(s, pt, p);
	case PTA_INVOKE_TESTS_CMD_COPY_SEC_TO_NSEC:
		return invoke_tests_copy(s, pt, p, false);
	case PTA_INVOKE_TESTS_CMD_SELF_TESTS:
	case PTA_INVOKE_TESTS_CMD_FS_HTREE:
	case PTA_INVOKE_TESTS_CMD_MUTEX:
	case PTA_INVOKE_TESTS_CMD_LOCKDEP:
	case PTA_INVOKE_TESTS_CMD_AES_PERF:
	case PTA_INVOKE_TESTS_CMD_DT_DRIVER_TESTS:
	case PTA_INVOKE_TESTS_CMD_TRANSFER_LIST_TESTS:
		/* OP-TEE's internal tests: not modelled. */
		return TEE_ERROR_NOT_SUPPORTED;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
}

static const struct smcsim_ta_ops invoke_tests_ops = {
	.invoke = invoke_tests_invoke,
};

/* ---- secure video (secure data path) ------------------------------------- */

static uint32_t sdp_decode(struct smcsim_ta_sess *s, uint32_t pt,
			   union smcsim_ta_param p[4])
{
	const uint8_t *in = p[0].memref.buffer;
	uint8_t *out = p[1].memref.buffer;
	size_t i, n = p[0].memref.size;

	if (pt != PT(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE) ||
	    null_memref_with_size(&p[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	/* A decoded frame never goes where the normal world can read it. */
	if (!smcsim_ta_param_is_protected(s, 1))
		return TEE_ERROR_SECURITY;
	if (p[1].memref.size < n) {
		p[1].memref.size = n;
		return TEE_ERROR_SHORT_BUFFER;
	}
	for (i = 0; i < n; i++)
		out[i] = SMCSIM_TA_SDP_DECODE(in[i], i);
	p[1].memref.size = n;
	return TEE_SUCCESS;
}

static uint32_t sdp_fill(struct smcsim_ta_sess *s, uint32_t pt,
			 union smcsim_ta_param p[4])
{
	uint8_t *b = p[0].memref.buffer;
	size_t i;

	if ((pt != PT(MEMREF_OUTPUT, VALUE_INPUT, NONE, NONE) &&
	     pt != PT(MEMREF_INOUT, VALUE_INPUT, NONE, NONE)) ||
	    null_memref_with_size(&p[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!smcsim_ta_param_is_protected(s, 0))
		return TEE_ERROR_SECURITY;
	for (i = 0; i < p[0].memref.size; i++)
		b[i] = (uint8_t)(p[1].value.a + i);
	return TEE_SUCCESS;
}

static uint32_t sdp_digest(struct smcsim_ta_sess *s, uint32_t pt,
			   union smcsim_ta_param p[4])
{
	if (pt != PT(MEMREF_INPUT, MEMREF_OUTPUT, NONE, NONE) ||
	    null_memref_with_size(&p[0]) || !smcsim_ta_param_is_protected(s, 0))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[1].memref.size < SMCSIM_TA_SDP_DIGEST_SIZE ||
	    !p[1].memref.buffer) {
		p[1].memref.size = SMCSIM_TA_SDP_DIGEST_SIZE;
		return TEE_ERROR_SHORT_BUFFER;
	}
	smcsim_sha256(p[0].memref.buffer, p[0].memref.size,
		      p[1].memref.buffer);
	p[1].memref.size = SMCSIM_TA_SDP_DIGEST_SIZE;
	return TEE_SUCCESS;
}

static uint32_t sdp_query(struct smcsim_ta_sess *s, uint32_t pt,
			  union smcsim_ta_param p[4])
{
	unsigned int i;
	uint32_t mask = 0;

	if (SMCSIM_TA_PARAM_TYPE_GET(pt, 0) != SMCSIM_TA_PARAM_VALUE_OUTPUT)
		return TEE_ERROR_BAD_PARAMETERS;
	/* Only memrefs can be protected: the others answer false. */
	for (i = 1; i < SMCSIM_TA_NUM_PARAMS; i++)
		if (smcsim_ta_param_is_protected(s, i))
			mask |= 1U << i;
	p[0].value.a = mask;
	p[0].value.b = 0;
	return TEE_SUCCESS;
}

static uint32_t sdp_invoke(struct smcsim_ta_sess *s, uint32_t cmd,
			   uint32_t pt, union smcsim_ta_param p[4])
{
	switch (cmd) {
	case SMCSIM_TA_SDP_CMD_DECODE:
		return sdp_decode(s, pt, p);
	case SMCSIM_TA_SDP_CMD_FILL:
		return sdp_fill(s, pt, p);
	case SMCSIM_TA_SDP_CMD_DIGEST:
		return sdp_digest(s, pt, p);
	case SMCSIM_TA_SDP_CMD_QUERY:
		return sdp_query(s, pt, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static const struct smcsim_ta_ops sdp_ops = {
	.invoke = sdp_invoke,
};

static const struct smcsim_ta_ops device_ops = {
	.invoke = device_invoke,
};

int sw_ta_register_builtins(struct smcsim_sw *sw)
{
	const struct smcsim_ta_desc tas[] = {
		{ .uuid = SMCSIM_TA_ECHO_UUID, .name = "echo",
		  .ops = &echo_ops },
		{ .uuid = SMCSIM_TA_SLEEP_UUID, .name = "sleep",
		  .ops = &sleep_ops },
		{ .uuid = SMCSIM_TA_PANIC_UUID, .name = "panic",
		  .ops = &panic_ops },
		{ .uuid = SMCSIM_TA_NOTIF_UUID, .name = "notif",
		  .ops = &notif_ops },
		{ .uuid = SMCSIM_TA_SDP_UUID, .name = "secure-video",
		  .ops = &sdp_ops },
		{ .uuid = SMCSIM_PTA_DEVICE_UUID, .name = "device.pta",
		  .ops = &device_ops },
	};
	size_t i;
	int rc;

	const struct smcsim_ta_desc invoke_tests = {
		.uuid = SMCSIM_PTA_INVOKE_TESTS_UUID,
		.name = "invoke_tests.pta",
		.flags = SMCSIM_TA_FLAG_DEVICE,
		.ops = &invoke_tests_ops,
	};

	for (i = 0; i < sizeof(tas) / sizeof(tas[0]); i++) {
		rc = smcsim_sw_register_ta(sw, &tas[i]);
		if (rc)
			return rc;
	}
	if (sw->cfg.internal_tests_pta)
		return smcsim_sw_register_ta(sw, &invoke_tests);
	return 0;
}
