/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cases: sessions at the message level. Open, invoke and close of the
 * pseudo TAs of the firmware (device enumeration, invoke tests), session
 * ids, logins, unknown sessions, malformed OPEN/CLOSE messages, and
 * opening a TA that is not there with and without a supplicant's
 * answers. Expected answers: OP-TEE 4.10's entry_std.c, tee_ta_manager.c,
 * core/pta/device.c and core/pta/tests/invoke.c, and what real firmware
 * answered (docs/abi.md section 13).
 */
#include <string.h>

#include <smcsim/optee_pta.h>

#include "conf_priv.h"

/* A buffer in the reserved shm, past the pages std_arg_* cases use. */
static void *pta_shm_buf(struct conf *c, size_t off, size_t len, uint64_t *pa)
{
	uint64_t base, size;
	void *va;

	if (!conf_shm_config(c, &base, &size))
		return NULL;
	if (0x10000 + off + len > size) {
		conf_fail(c, __FILE__, __LINE__, "reserved shm too small");
		return NULL;
	}
	*pa = base + 0x10000 + off;
	va = conf_map(c, *pa, len);
	if (!va)
		conf_fail(c, __FILE__, __LINE__, "reserved shm not mapped");
	else
		memset(va, 0, len);
	return va;
}

/* An INVOKE_COMMAND message with @num_params NONE params. */
static bool pta_inv_msg(struct conf *c, struct conf_msg *m, uint32_t session,
			uint32_t func, uint32_t num_params)
{
	if (!conf_msg_new(c, m, OPTEE_MSG_CMD_INVOKE_COMMAND, num_params))
		return false;
	m->arg->session = session;
	m->arg->func = func;
	m->arg->ret = 0x5a5a;
	return true;
}

static void pta_set_tmem(struct optee_msg_param *p, uint64_t attr,
			 uint64_t pa, uint64_t size)
{
	p->attr = attr;
	p->u.tmem.buf_ptr = pa;
	p->u.tmem.size = size;
	p->u.tmem.shm_ref = pa;
}

/* ---- the device-enumeration PTA ---------------------------------------- */

/*
 * A session to the device PTA with the kernel's login (REE_KERNEL), closed
 * when the case ends; 0 (recorded) if none.
 */
static uint32_t pta_open_device(struct conf *c)
{
	uint32_t s = conf_open(c, conf_uuid_device_pta,
			       OPTEE_MSG_LOGIN_REE_KERNEL, NULL, NULL);

	return conf_failed(c) ? 0 : s;
}

/*
 * PUBLIC login: the PTA checks none. Origin TRUSTED_APP on open, TEE on
 * close.
 */
static void pta_device_open_public(struct conf *c)
{
	uint32_t ret, origin, s;

	s = conf_open_kept(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC,
			   &ret, &origin);
	CONF_ASSERT_OK(c, !conf_failed(c));
	CONF_ASSERT_EQ(c, ret, TEE_SUCCESS);
	conf_track_session(c, s);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TRUSTED_APP);
	CONF_ASSERT(c, s != 0, "session id 0");
	CONF_ASSERT_EQ(c, conf_close(c, s, &origin), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TEE);
}

/* REE_KERNEL is what Linux's driver uses for it. */
static void pta_device_open_ree_kernel(struct conf *c)
{
	uint32_t ret;
	uint32_t s = conf_open(c, conf_uuid_device_pta,
			       OPTEE_MSG_LOGIN_REE_KERNEL, &ret, NULL);

	CONF_ASSERT_OK(c, !conf_failed(c));
	CONF_ASSERT_EQ(c, ret, TEE_SUCCESS);
	CONF_ASSERT(c, s != 0, "session id 0");
}

/*
 * GET_DEVICES with an empty (NULL) buffer: SHORT_BUFFER and the size the
 * list needs; the invoke-tests PTA is flagged DEVICE_ENUM, so the list is
 * not empty.
 */
static void pta_device_short_buffer(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = pta_open_device(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_CMD_GET_DEVICES, 1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_SHORT_BUFFER,
			TEEC_ORIGIN_TRUSTED_APP);
	CONF_ASSERT(c, m.arg->params[0].u.tmem.size >= 16 &&
		    !(m.arg->params[0].u.tmem.size % 16), "size %llu",
		    (unsigned long long)m.arg->params[0].u.tmem.size);
	conf_note(c, "%llu device(s)",
		  (unsigned long long)m.arg->params[0].u.tmem.size / 16);
}

/* A buffer of the size asked for: SUCCESS and the invoke-tests PTA listed. */
static void pta_device_list(struct conf *c)
{
	struct conf_msg m;
	uint64_t pa, size, i;
	uint8_t *buf;
	bool found = false;
	uint32_t s = pta_open_device(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_CMD_GET_DEVICES, 1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	size = m.arg->params[0].u.tmem.size;
	CONF_ASSERT(c, size && size <= 1024, "size %llu",
		    (unsigned long long)size);
	buf = pta_shm_buf(c, 0, (size_t)size, &pa);
	CONF_ASSERT_OK(c, buf);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_CMD_GET_DEVICES, 1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, pa,
		     size);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_EQ(c, m.arg->ret, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, m.arg->params[0].u.tmem.size, size);
	for (i = 0; i + 16 <= size; i += 16)
		if (!memcmp(buf + i, conf_uuid_invoke_tests_pta, 16))
			found = true;
	CONF_ASSERT(c, found, "the invoke-tests PTA is not listed");
}

/* One UUID short of the list: SHORT_BUFFER again, with the full size. */
static void pta_device_list_one_short(struct conf *c)
{
	struct conf_msg m;
	uint64_t pa, size;
	uint32_t s = pta_open_device(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_CMD_GET_DEVICES, 1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	size = m.arg->params[0].u.tmem.size;
	CONF_ASSERT(c, size >= 16 && size <= 1024, "size %llu",
		    (unsigned long long)size);
	CONF_ASSERT_OK(c, pta_shm_buf(c, 0, (size_t)size, &pa));
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_CMD_GET_DEVICES, 1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, pa,
		     size - 16);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_EQ(c, m.arg->ret, TEE_ERROR_SHORT_BUFFER);
	CONF_ASSERT_EQ(c, m.arg->params[0].u.tmem.size, size);
}

/* GET_DEVICES_SUPP: the devices that need tee-supplicant (maybe none). */
static void pta_device_list_supp(struct conf *c)
{
	struct conf_msg m;
	uint64_t pa;
	uint32_t s = pta_open_device(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_shm_buf(c, 0, 1024, &pa));
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_CMD_GET_DEVICES_SUPP, 1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, pa,
		     1024);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_EQ(c, m.arg->ret, TEE_SUCCESS);
	CONF_ASSERT(c, !(m.arg->params[0].u.tmem.size % 16),
		    "size %llu",
		    (unsigned long long)m.arg->params[0].u.tmem.size);
}

static void pta_device_bad_param_types(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = pta_open_device(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_CMD_GET_DEVICES, 1));
	m.arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS,
			TEEC_ORIGIN_TRUSTED_APP);
}

static void pta_device_unknown_cmd(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = pta_open_device(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, 0x77, 0));
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_NOT_IMPLEMENTED,
			TEEC_ORIGIN_TRUSTED_APP);
}

/* ---- the invoke-tests PTA ---------------------------------------------- */

static uint32_t pta_open_tests(struct conf *c)
{
	uint32_t ret = 0;
	uint32_t s = conf_open(c, conf_uuid_invoke_tests_pta,
			       OPTEE_MSG_LOGIN_PUBLIC, &ret, NULL);

	if (!conf_failed(c) && ret != TEE_SUCCESS)
		conf_fail(c, __FILE__, __LINE__,
			  "open of the invoke-tests PTA: ret 0x%x", ret);
	return conf_failed(c) ? 0 : s;
}

/* PARAMS with one VALUE_INOUT: a = a + b. */
static void pta_tests_params_value_inout(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = pta_open_tests(c);
	unsigned int i;

	CONF_ASSERT_OK(c, s);
	for (i = 0; i < 4; i++) {
		CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s,
					      PTA_INVOKE_TESTS_CMD_PARAMS, 4));
		m.arg->params[i].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
		m.arg->params[i].u.value.a = 1000 + i;
		m.arg->params[i].u.value.b = 23;
		CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
		CONF_ASSERT_RET(c, m.arg, TEE_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
		CONF_ASSERT_EQ(c, m.arg->params[i].u.value.a, 1023 + i);
	}
}

/* PARAMS with one VALUE_OUTPUT and three VALUE_INPUT: the sums. */
static void pta_tests_params_value_sum(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = pta_open_tests(c);
	unsigned int i;

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_INVOKE_TESTS_CMD_PARAMS,
				      4));
	for (i = 0; i < 4; i++) {
		m.arg->params[i].attr = i == 2 ?
			OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT :
			OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
		m.arg->params[i].u.value.a = 10 * (i + 1);
		m.arg->params[i].u.value.b = i + 1;
	}
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_EQ(c, m.arg->ret, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, m.arg->params[2].u.value.a, 10 + 20 + 40);
	CONF_ASSERT_EQ(c, m.arg->params[2].u.value.b, 1 + 2 + 4);
	/* Inputs are not written back. */
	CONF_ASSERT_EQ(c, m.arg->params[0].u.value.a, 10);
}

/* PARAMS with one MEMREF_INOUT: the byte sum lands in its first byte. */
static void pta_tests_params_memref(struct conf *c)
{
	struct conf_msg m;
	uint64_t pa;
	uint8_t *buf;
	uint32_t s = pta_open_tests(c);
	unsigned int i, sum = 0;

	CONF_ASSERT_OK(c, s);
	buf = pta_shm_buf(c, 0x1000, 64, &pa);
	CONF_ASSERT_OK(c, buf);
	for (i = 0; i < 64; i++) {
		buf[i] = (uint8_t)(3 * i + 1);
		sum += buf[i];
	}
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_INVOKE_TESTS_CMD_PARAMS,
				      1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, pa, 64);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_EQ(c, m.arg->ret, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, buf[0], (uint8_t)sum);
	CONF_ASSERT_EQ(c, buf[1], 4);
	CONF_ASSERT_EQ(c, m.arg->params[0].u.tmem.size, 64);
}

/* PARAMS with a type combination it does not know: BAD_PARAMETERS. */
static void pta_tests_params_bad_types(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = pta_open_tests(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_INVOKE_TESTS_CMD_PARAMS,
				      0));
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS,
			TEEC_ORIGIN_TRUSTED_APP);
}

/*
 * MEMREF_NULL with params[0] a TMEM_INOUT of @size bytes in the reserved
 * shm (0: buf_ptr 0, size 0): the PTA answers @want.
 */
static void pta_memref_null(struct conf *c, size_t size, uint32_t want)
{
	struct conf_msg m;
	uint64_t pa = 0;
	uint32_t s = pta_open_tests(c);

	CONF_ASSERT_OK(c, s);
	if (size)
		CONF_ASSERT_OK(c, pta_shm_buf(c, 0x1000, size, &pa));
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s,
				      PTA_INVOKE_TESTS_CMD_MEMREF_NULL, 1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, pa,
		     size);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, want, TEEC_ORIGIN_TRUSTED_APP);
}

/* MEMREF_NULL: a NULL memref (buf_ptr 0, size 0) reaches the PTA as NULL. */
static void pta_tests_memref_null(struct conf *c)
{
	pta_memref_null(c, 0, TEE_SUCCESS);
}

/* MEMREF_NULL with a real buffer: the PTA refuses it. */
static void pta_tests_memref_null_given_buffer(struct conf *c)
{
	pta_memref_null(c, 16, TEE_ERROR_BAD_PARAMETERS);
}

/* The invoke-tests PTA answers an unknown command with BAD_PARAMETERS. */
static void pta_tests_unknown_cmd(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = pta_open_tests(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, 0x7777, 0));
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS,
			TEEC_ORIGIN_TRUSTED_APP);
}

/*
 * A contiguous (TMEM) memref must lie in the reserved shm: one in DRAM
 * outside it is refused by the core, before the TA (origin TEE).
 */
static void pta_tests_tmem_outside_reserved_shm(struct conf *c)
{
	struct conf_msg m;
	uint64_t pa;
	uint32_t s = pta_open_tests(c);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, conf_pages(c, 1, &pa));
	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, s, PTA_INVOKE_TESTS_CMD_PARAMS,
				      1));
	pta_set_tmem(&m.arg->params[0], OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, pa, 64);
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
}

/* ---- session ids and logins -------------------------------------------- */

/* With no session open anywhere, a new session is number 1. */
static void sess_first_id_is_1(struct conf *c)
{
	uint32_t s = conf_open(c, conf_uuid_device_pta,
			       OPTEE_MSG_LOGIN_PUBLIC, NULL, NULL);

	CONF_ASSERT_OK(c, !conf_failed(c));
	CONF_ASSERT_EQ(c, s, 1);
}

/*
 * A new session takes the id of the last session opened (still open) + 1:
 * ids are reused once sessions close.
 */
static void sess_id_last_open_plus_1(struct conf *c)
{
	uint32_t a, b, d, e;

	a = conf_open_kept(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC,
			   NULL, NULL);
	CONF_ASSERT_OK(c, a && !conf_failed(c));
	conf_track_session(c, a);
	b = conf_open(c, conf_uuid_invoke_tests_pta, OPTEE_MSG_LOGIN_PUBLIC,
		      NULL, NULL);
	CONF_ASSERT_OK(c, b && !conf_failed(c));
	CONF_ASSERT_EQ(c, b, a + 1);
	/* Close the first: the next is still the last one's + 1. */
	CONF_ASSERT_EQ(c, conf_close(c, a, NULL), TEE_SUCCESS);
	d = conf_open(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC, NULL,
		      NULL);
	CONF_ASSERT_OK(c, d && !conf_failed(c));
	CONF_ASSERT_EQ(c, d, b + 1);
	/* Close the last: its id is given again. */
	CONF_ASSERT_EQ(c, conf_close(c, d, NULL), TEE_SUCCESS);
	e = conf_open(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC, NULL,
		      NULL);
	CONF_ASSERT_OK(c, e && !conf_failed(c));
	CONF_ASSERT_EQ(c, e, b + 1);
}

/* Logins that carry a client UUID are accepted (and checked by no PTA). */
static void sess_login_user(struct conf *c)
{
	static const uint32_t logins[] = {
		OPTEE_MSG_LOGIN_USER, OPTEE_MSG_LOGIN_GROUP,
		OPTEE_MSG_LOGIN_APPLICATION,
	};
	unsigned int i;

	for (i = 0; i < sizeof(logins) / sizeof(logins[0]); i++) {
		uint32_t ret;
		uint32_t s = conf_open(c, conf_uuid_device_pta, logins[i],
				       &ret, NULL);

		CONF_ASSERT_OK(c, !conf_failed(c));
		CONF_ASSERT(c, ret == TEE_SUCCESS && s,
			    "login %u: ret 0x%x", logins[i], ret);
	}
}

/* A login value GP does not define: BAD_PARAMETERS from the core. */
static void sess_login_unknown(struct conf *c)
{
	uint32_t ret, origin;
	uint32_t s = conf_open(c, conf_uuid_device_pta, 3, &ret, &origin);

	CONF_ASSERT_OK(c, !conf_failed(c));
	CONF_ASSERT_EQ(c, ret, TEE_ERROR_BAD_PARAMETERS);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TEE);
	CONF_ASSERT_EQ(c, s, 0);
}

/* OPEN_SESSION needs its two META params first. */
static void sess_open_without_meta(struct conf *c)
{
	struct conf_msg m;

	CONF_ASSERT_OK(c, conf_open_msg(c, &m, conf_uuid_device_pta,
					OPTEE_MSG_LOGIN_PUBLIC, 0));
	m.arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
	CONF_ASSERT_EQ(c, m.arg->session, 0);
	CONF_ASSERT_OK(c, conf_open_msg(c, &m, conf_uuid_device_pta,
					OPTEE_MSG_LOGIN_PUBLIC, 0));
	m.arg->num_params = 1;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
	m.arg->num_params = 0;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
}

static void sess_invoke_unknown_session(struct conf *c)
{
	struct conf_msg m;

	CONF_ASSERT_OK(c, pta_inv_msg(c, &m, 0x7fff, 0, 0));
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
}

static void sess_close_unknown_session(struct conf *c)
{
	uint32_t origin = 0;

	CONF_ASSERT_EQ(c, conf_close(c, 0x7fff, &origin),
		       TEE_ERROR_ITEM_NOT_FOUND);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TEE);
}

/* CANCEL of a session that exists (and runs nothing): SUCCESS from the core. */
static void sess_cancel_known_session(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = conf_open(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC,
			       NULL, NULL);

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, conf_msg_new(c, &m, OPTEE_MSG_CMD_CANCEL, 0));
	m.arg->session = s;
	m.arg->ret = 0x5a5a;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_SUCCESS, TEEC_ORIGIN_TEE);
}

/* A session closed once is gone: closing it again finds nothing. */
static void sess_close_twice(struct conf *c)
{
	uint32_t s = conf_open_kept(c, conf_uuid_device_pta,
				    OPTEE_MSG_LOGIN_PUBLIC, NULL, NULL);

	CONF_ASSERT_OK(c, s && !conf_failed(c));
	conf_track_session(c, s);
	CONF_ASSERT_EQ(c, conf_close(c, s, NULL), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, conf_close(c, s, NULL), TEE_ERROR_ITEM_NOT_FOUND);
}

static void sess_close_with_params(struct conf *c)
{
	struct conf_msg m;
	uint32_t s = conf_open(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC,
			       NULL, NULL);

	CONF_ASSERT_OK(c, s && !conf_failed(c));
	CONF_ASSERT_OK(c, conf_msg_new(c, &m, OPTEE_MSG_CMD_CLOSE_SESSION, 1));
	m.arg->session = s;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
}

static void sess_cancel_unknown_session(struct conf *c)
{
	struct conf_msg m;

	CONF_ASSERT_OK(c, conf_msg_new(c, &m, OPTEE_MSG_CMD_CANCEL, 0));
	m.arg->session = 0x7fff;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_TEE);
}

/* ---- a TA that is not there -------------------------------------------- */

static bool pta_open_missing(struct conf *c, struct conf_nw *nw,
			     struct conf_msg *m)
{
	if (!conf_open_msg(c, m, conf_uuid_missing_ta, OPTEE_MSG_LOGIN_PUBLIC,
			   0))
		return false;
	if (!conf_msg_call(c, m, nw))
		return false;
	conf_nw_dump(c, nw);
	conf_note(c, "ret 0x%x origin %u session %u", m->arg->ret,
		  m->arg->ret_origin, m->arg->session);
	return true;
}

/*
 * With a supplicant that has neither the TA nor any secure storage: OP-TEE
 * first looks in secure storage (SHM_ALLOC of APPL memory, then FS
 * requests), then asks for the TA (LOAD_TA with its UUID), gives back
 * every buffer, and answers ITEM_NOT_FOUND from the core.
 */
static void missing_ta_supplicant_has_nothing(struct conf *c)
{
	struct conf_nw *nw = conf_nw_new(c);
	struct conf_msg m;
	unsigned int i, load = ~0U, first_fs = ~0U, first_cmd = ~0U;

	CONF_ASSERT_OK(c, nw);
	nw->supp_ret = TEE_ERROR_ITEM_NOT_FOUND;
	CONF_ASSERT_OK(c, pta_open_missing(c, nw, &m));
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE);
	CONF_ASSERT_EQ(c, m.arg->session, 0);
	CONF_ASSERT(c, nw->n <= CONF_RPC_LOG, "%u RPCs", nw->n);
	for (i = 0; i < nw->n; i++) {
		const struct conf_rpc_rec *r = &nw->rec[i];

		if (r->func != OPTEE_SMC_RPC_FUNC_CMD)
			continue;
		if (first_cmd == ~0U)
			first_cmd = i;
		if (r->cmd == OPTEE_RPC_CMD_FS && first_fs == ~0U)
			first_fs = i;
		if (r->cmd == OPTEE_RPC_CMD_LOAD_TA) {
			CONF_ASSERT(c, load == ~0U, "LOAD_TA twice");
			load = i;
			CONF_ASSERT(c, !memcmp(&r->v[0], conf_uuid_missing_ta,
					       16),
				    "LOAD_TA for another UUID");
		}
	}
	CONF_ASSERT(c, first_cmd != ~0U, "no RPC CMD");
	CONF_ASSERT_EQ(c, nw->rec[first_cmd].cmd, OPTEE_RPC_CMD_SHM_ALLOC);
	CONF_ASSERT_EQ(c, nw->rec[first_cmd].v[0], OPTEE_RPC_SHM_TYPE_APPL);
	CONF_ASSERT(c, first_fs != ~0U, "no FS request: storage not probed");
	CONF_ASSERT(c, load != ~0U, "no LOAD_TA");
	CONF_ASSERT(c, first_fs < load, "LOAD_TA (rpc %u) before storage (%u)",
		    load, first_fs);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD,
					OPTEE_RPC_CMD_SHM_FREE),
		       conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD,
				     OPTEE_RPC_CMD_SHM_ALLOC));
	/*
	 * The storage look of OP-TEE 4.10 (tadb.c over tee_ree_fs.c) with
	 * every request answered ITEM_NOT_FOUND: the TA database is opened,
	 * then created, twice: OPEN, REMOVE, CREATE, REMOVE, twice.
	 */
	{
		static const uint64_t fs[] = {
			OPTEE_RPC_FS_OPEN, OPTEE_RPC_FS_REMOVE,
			OPTEE_RPC_FS_CREATE, OPTEE_RPC_FS_REMOVE,
			OPTEE_RPC_FS_OPEN, OPTEE_RPC_FS_REMOVE,
			OPTEE_RPC_FS_CREATE, OPTEE_RPC_FS_REMOVE,
		};
		unsigned int k = 0;

		for (i = first_fs; i < load; i++) {
			const struct conf_rpc_rec *r = &nw->rec[i];

			if (r->func != OPTEE_SMC_RPC_FUNC_CMD ||
			    r->cmd != OPTEE_RPC_CMD_FS)
				continue;
			CONF_ASSERT(c, k < 8, "more than 8 FS requests");
			CONF_ASSERT(c, r->v[0] == fs[k],
				    "FS request %u is %llu, expected %llu", k,
				    (unsigned long long)r->v[0],
				    (unsigned long long)fs[k]);
			k++;
		}
		CONF_ASSERT_EQ(c, k, 8);
	}
}

/*
 * With no supplicant at all, as Linux answers then: APPL memory cannot be
 * had (OUT_OF_MEMORY) and supplicant requests fail (COMMUNICATION). The
 * open fails, no session is made and the call still ends.
 */
static void missing_ta_no_supplicant(struct conf *c)
{
	struct conf_nw *nw = conf_nw_new(c);
	struct conf_msg m;

	CONF_ASSERT_OK(c, nw);
	nw->appl_ret = TEE_ERROR_OUT_OF_MEMORY;
	nw->supp_ret = TEE_ERROR_COMMUNICATION;
	CONF_ASSERT_OK(c, pta_open_missing(c, nw, &m));
	/* The storage lookup cannot have its buffer: OP-TEE gives up with
	 * that error (firmware: OUT_OF_MEMORY, origin TEE). */
	CONF_ASSERT_RET(c, m.arg, TEE_ERROR_OUT_OF_MEMORY, TEEC_ORIGIN_TEE);
	CONF_ASSERT_EQ(c, m.arg->session, 0);
	/* The storage look asks for its buffer twice, then gives up: no
	 * FS request, no LOAD_TA. */
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD,
					OPTEE_RPC_CMD_SHM_ALLOC), 2);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD,
					OPTEE_RPC_CMD_FS), 0);
	CONF_ASSERT_EQ(c, conf_nw_count(nw, OPTEE_SMC_RPC_FUNC_CMD,
					OPTEE_RPC_CMD_LOAD_TA), 0);
}

const struct conf_case conf_cases_pta[] = {
	{ "pta_device_open_public", pta_device_open_public },
	{ "pta_device_open_ree_kernel", pta_device_open_ree_kernel },
	{ "pta_device_short_buffer", pta_device_short_buffer },
	{ "pta_device_list", pta_device_list },
	{ "pta_device_list_one_short", pta_device_list_one_short },
	{ "pta_device_list_supp", pta_device_list_supp },
	{ "pta_device_bad_param_types", pta_device_bad_param_types },
	{ "pta_device_unknown_cmd", pta_device_unknown_cmd },
	{ "pta_tests_params_value_inout", pta_tests_params_value_inout },
	{ "pta_tests_params_value_sum", pta_tests_params_value_sum },
	{ "pta_tests_params_memref", pta_tests_params_memref },
	{ "pta_tests_params_bad_types", pta_tests_params_bad_types },
	{ "pta_tests_memref_null", pta_tests_memref_null },
	{ "pta_tests_memref_null_given_buffer",
	  pta_tests_memref_null_given_buffer },
	{ "pta_tests_unknown_cmd", pta_tests_unknown_cmd },
	{ "pta_tests_tmem_outside_reserved_shm",
	  pta_tests_tmem_outside_reserved_shm },
	{ "sess_first_id_is_1", sess_first_id_is_1 },
	{ "sess_id_last_open_plus_1", sess_id_last_open_plus_1 },
	{ "sess_login_user", sess_login_user },
	{ "sess_login_unknown", sess_login_unknown },
	{ "sess_open_without_meta", sess_open_without_meta },
	{ "sess_invoke_unknown_session", sess_invoke_unknown_session },
	{ "sess_close_unknown_session", sess_close_unknown_session },
	{ "sess_close_twice", sess_close_twice },
	{ "sess_close_with_params", sess_close_with_params },
	{ "sess_cancel_unknown_session", sess_cancel_unknown_session },
	{ "sess_cancel_known_session", sess_cancel_known_session },
	{ "missing_ta_supplicant_has_nothing",
	  missing_ta_supplicant_has_nothing },
	{ "missing_ta_no_supplicant", missing_ta_no_supplicant },
	{ NULL, NULL },
};
