/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cases: shared memory registered with page lists (REGISTER_SHM,
 * UNREGISTER_SHM, memrefs by cookie, messages in registered memory with
 * CALL_WITH_REGD_ARG). Expected answers: OP-TEE 4.10's entry_std.c
 * (register_shm/unregister_shm) and mobj_dyn_shm.c.
 */
#include <string.h>

#include "conf_priv.h"

#define PAGE	4096U
#define COOKIE	0x5eed0000c0f0ULL
/* REGISTER_SHM's param attr, as Linux sends it: a page list. */
#define SHM_REG_ATTR	(OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |		\
			 OPTEE_MSG_ATTR_NONCONTIG)

/*
 * struct shm_reg - a buffer of @pages pages of DRAM and the page list that
 * describes it (one list page)
 */
struct shm_reg {
	uint8_t *va;
	uint64_t pa;
	size_t pages;
	uint64_t *list;
	uint64_t list_pa;
};

static bool shm_buf(struct conf *c, struct shm_reg *r, size_t pages)
{
	size_t i;

	r->pages = pages;
	r->va = conf_pages(c, pages, &r->pa);
	if (!r->va)
		return false;
	r->list = conf_pages(c, 1, &r->list_pa);
	if (!r->list)
		return false;
	for (i = 0; i < pages; i++)
		r->list[i] = r->pa + i * PAGE;
	return true;
}

static void shm_unregister_left(struct conf *c, void *p, uint64_t cookie,
				uint64_t b);

/*
 * Cookies registered by the running case and not yet unregistered: its
 * cleanup unregisters only those (the runner runs one case at a time).
 */
static uint64_t shm_live[8];

static void shm_live_set(uint64_t cookie, bool live)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		if (live && !shm_live[i]) {
			shm_live[i] = cookie;
			return;
		}
		if (!live && shm_live[i] == cookie) {
			shm_live[i] = 0;
			return;
		}
	}
}

static bool shm_is_live(uint64_t cookie)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (shm_live[i] == cookie)
			return true;
	return false;
}

/* REGISTER_SHM of [@offs, @offs + @size) of @r as @cookie; Return: ret. */
static uint32_t shm_register(struct conf *c, const struct shm_reg *r,
			     uint64_t attr, size_t offs, size_t size,
			     uint64_t cookie)
{
	struct conf_msg m;

	if (!conf_msg_new(c, &m, OPTEE_MSG_CMD_REGISTER_SHM, 1))
		return ~0U;
	m.arg->params[0].attr = attr;
	m.arg->params[0].u.tmem.buf_ptr = r->list_pa | offs;
	m.arg->params[0].u.tmem.size = size;
	m.arg->params[0].u.tmem.shm_ref = cookie;
	if (!conf_msg_call(c, &m, NULL))
		return ~0U;
	if (m.arg->ret == TEE_SUCCESS) {
		shm_live_set(cookie, true);
		conf_defer(c, shm_unregister_left, NULL, cookie, 0);
	}
	return m.arg->ret;
}

static uint32_t shm_unregister(struct conf *c, uint64_t cookie)
{
	struct conf_msg m;

	if (!conf_msg_new(c, &m, OPTEE_MSG_CMD_UNREGISTER_SHM, 1))
		return ~0U;
	m.arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	m.arg->params[0].u.rmem.shm_ref = cookie;
	if (!conf_msg_call(c, &m, NULL))
		return ~0U;
	if (m.arg->ret == TEE_SUCCESS)
		shm_live_set(cookie, false);
	return m.arg->ret;
}

/* Cleanup: unregister what the case left registered. */
static void shm_unregister_left(struct conf *c, void *p, uint64_t cookie,
				uint64_t b)
{
	uint32_t ret;

	(void)p;
	(void)b;
	if (!shm_is_live(cookie))
		return;
	ret = shm_unregister(c, cookie);
	if (ret != TEE_SUCCESS) {
		shm_live_set(cookie, false);
		conf_fail(c, __FILE__, __LINE__,
			  "cleanup: UNREGISTER_SHM ret 0x%x", ret);
	}
}

static uint32_t shm_open_tests(struct conf *c)
{
	uint32_t ret = ~0U;
	uint32_t s = conf_open(c, conf_uuid_invoke_tests_pta,
			       OPTEE_MSG_LOGIN_PUBLIC, &ret, NULL);

	if (!conf_failed(c) && ret != TEE_SUCCESS)
		conf_fail(c, __FILE__, __LINE__, "open: ret 0x%x", ret);
	return conf_failed(c) ? 0 : s;
}

/* Invoke PARAMS with one RMEM_INOUT of @cookie; Return: ret. */
static uint32_t shm_sum_by_cookie(struct conf *c, uint32_t s, uint64_t cookie,
				  size_t offs, size_t size, uint32_t *origin)
{
	struct conf_msg m;

	if (!conf_msg_new(c, &m, OPTEE_MSG_CMD_INVOKE_COMMAND, 1))
		return ~0U;
	m.arg->session = s;
	m.arg->func = PTA_INVOKE_TESTS_CMD_PARAMS;
	m.arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_RMEM_INOUT;
	m.arg->params[0].u.rmem.offs = offs;
	m.arg->params[0].u.rmem.size = size;
	m.arg->params[0].u.rmem.shm_ref = cookie;
	if (!conf_msg_call(c, &m, NULL))
		return ~0U;
	if (origin)
		*origin = m.arg->ret_origin;
	return m.arg->ret;
}

static uint8_t shm_fill(uint8_t *p, size_t n, unsigned int seed)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		p[i] = (uint8_t)(seed + 7 * i);
		sum += p[i];
	}
	return (uint8_t)sum;
}

/*
 * Registered by a page list, the memory is reachable by cookie: the
 * PTA's sum over two pages lands in the first byte of the window.
 */
static void shm_register_page_list(struct conf *c)
{
	struct shm_reg r;
	uint32_t s = shm_open_tests(c);
	uint8_t sum;

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, shm_buf(c, &r, 2));
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, 2 * PAGE,
				       COOKIE), TEE_SUCCESS);
	sum = shm_fill(r.va + 4000, 200, 5);
	CONF_ASSERT_EQ(c, shm_sum_by_cookie(c, s, COOKIE, 4000, 200, NULL),
		       TEE_SUCCESS);
	CONF_ASSERT_EQ(c, r.va[4000], sum);
	CONF_ASSERT_EQ(c, shm_unregister(c, COOKIE), TEE_SUCCESS);
}

/* The low 12 bits of buf_ptr are the buffer's offset in its first page. */
static void shm_register_offset(struct conf *c)
{
	struct shm_reg r;
	uint32_t s = shm_open_tests(c);
	uint8_t sum;

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, shm_buf(c, &r, 2));
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0x100, 300, COOKIE),
		       TEE_SUCCESS);
	sum = shm_fill(r.va + 0x100, 300, 9);
	CONF_ASSERT_EQ(c, shm_sum_by_cookie(c, s, COOKIE, 0, 300, NULL),
		       TEE_SUCCESS);
	CONF_ASSERT_EQ(c, r.va[0x100], sum);
}

/*
 * A memref window that does not lie inside the registered memory is
 * refused by the core before the TA, with SECURITY: entry_std.c's
 * set_rmem_param() checks offs + size against the registration.
 */
static void shm_window_past_end(struct conf *c)
{
	struct shm_reg r;
	uint32_t s = shm_open_tests(c), origin = 0, ret;

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, shm_buf(c, &r, 2));
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, PAGE, COOKIE),
		       TEE_SUCCESS);
	ret = shm_sum_by_cookie(c, s, COOKIE, PAGE, 16, &origin);
	CONF_ASSERT_EQ(c, ret, TEE_ERROR_SECURITY);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TEE);
}

/* The same for a window that starts inside and runs past the end. */
static void shm_window_crosses_end(struct conf *c)
{
	struct shm_reg r;
	uint32_t s = shm_open_tests(c), origin = 0, ret;

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, shm_buf(c, &r, 2));
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, PAGE, COOKIE),
		       TEE_SUCCESS);
	ret = shm_sum_by_cookie(c, s, COOKIE, PAGE - 8, 16, &origin);
	CONF_ASSERT_EQ(c, ret, TEE_ERROR_SECURITY);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TEE);
}

/*
 * A memref may also carry its own page list (TMEM | NONCONTIG), without a
 * registration: OP-TEE maps it for the call only.
 */
static void shm_noncontig_memref(struct conf *c)
{
	struct shm_reg r;
	struct conf_msg m;
	uint32_t s = shm_open_tests(c);
	uint8_t sum;

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_OK(c, shm_buf(c, &r, 2));
	sum = shm_fill(r.va + 0x300, 5000, 11);
	CONF_ASSERT_OK(c, conf_msg_new(c, &m, OPTEE_MSG_CMD_INVOKE_COMMAND, 1));
	m.arg->session = s;
	m.arg->func = PTA_INVOKE_TESTS_CMD_PARAMS;
	m.arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_INOUT |
				OPTEE_MSG_ATTR_NONCONTIG;
	m.arg->params[0].u.tmem.buf_ptr = r.list_pa | 0x300;
	m.arg->params[0].u.tmem.size = 5000;
	m.arg->params[0].u.tmem.shm_ref = COOKIE;
	CONF_ASSERT_OK(c, conf_msg_call(c, &m, NULL));
	CONF_ASSERT_EQ(c, m.arg->ret, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, r.va[0x300], sum);
	/* Nothing stays registered under the cookie it carried. */
	CONF_ASSERT(c, shm_unregister(c, COOKIE) != TEE_SUCCESS,
		    "the cookie was registered");
}

/* A memref naming a cookie nobody registered is refused by the core. */
static void shm_memref_unknown_cookie(struct conf *c)
{
	uint32_t s = shm_open_tests(c), origin = 0;

	CONF_ASSERT_OK(c, s);
	CONF_ASSERT_EQ(c, shm_sum_by_cookie(c, s, COOKIE + 99, 0, 16, &origin),
		       TEE_ERROR_BAD_PARAMETERS);
	CONF_ASSERT_EQ(c, origin, TEEC_ORIGIN_TEE);
}

static void shm_unregister_unknown_cookie(struct conf *c)
{
	CONF_ASSERT_EQ(c, shm_unregister(c, COOKIE + 77),
		       TEE_ERROR_BAD_PARAMETERS);
}

static void shm_unregister_twice(struct conf *c)
{
	struct shm_reg r;

	CONF_ASSERT_OK(c, shm_buf(c, &r, 1));
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, PAGE, COOKIE),
		       TEE_SUCCESS);
	CONF_ASSERT_EQ(c, shm_unregister(c, COOKIE), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, shm_unregister(c, COOKIE), TEE_ERROR_BAD_PARAMETERS);
}

/*
 * A second REGISTER_SHM under a cookie already registered: OP-TEE 4.10
 * keeps a list of registrations and does not look for the cookie first,
 * so both are accepted, and UNREGISTER releases one per call.
 */
static void shm_register_same_cookie_twice(struct conf *c)
{
	struct shm_reg r1, r2;
	uint32_t ret;

	CONF_ASSERT_OK(c, shm_buf(c, &r1, 1));
	CONF_ASSERT_OK(c, shm_buf(c, &r2, 1));
	CONF_ASSERT_EQ(c, shm_register(c, &r1, SHM_REG_ATTR, 0, PAGE, COOKIE),
		       TEE_SUCCESS);
	ret = shm_register(c, &r2, SHM_REG_ATTR, 0, PAGE, COOKIE);
	CONF_ASSERT_EQ(c, ret, TEE_SUCCESS);
	CONF_ASSERT_EQ(c, shm_unregister(c, COOKIE), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, shm_unregister(c, COOKIE), TEE_SUCCESS);
	CONF_ASSERT(c, shm_unregister(c, COOKIE) != TEE_SUCCESS,
		    "a third registration was there");
}

/* REGISTER_SHM takes exactly TMEM_OUTPUT | NONCONTIG. */
static void shm_register_wrong_attr(struct conf *c)
{
	static const uint64_t attrs[] = {
		OPTEE_MSG_ATTR_TYPE_TMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG,
		OPTEE_MSG_ATTR_TYPE_TMEM_INOUT | OPTEE_MSG_ATTR_NONCONTIG,
		OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT,
		OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
	};
	struct shm_reg r;
	unsigned int i;

	CONF_ASSERT_OK(c, shm_buf(c, &r, 1));
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		uint32_t ret = shm_register(c, &r, attrs[i], 0, PAGE, COOKIE);

		CONF_ASSERT(c, ret == TEE_ERROR_BAD_PARAMETERS,
			    "attr 0x%llx: ret 0x%x",
			    (unsigned long long)attrs[i], ret);
	}
	/* None of them was registered. */
	CONF_ASSERT(c, shm_unregister(c, COOKIE) != TEE_SUCCESS,
		    "the cookie was registered");
}

/* A page list naming secure memory is refused. */
static void shm_register_secure_page(struct conf *c)
{
	uint64_t sec;
	struct shm_reg r;

	CONF_ASSERT_OK(c, conf_secure_base(c, &sec));
	CONF_ASSERT_OK(c, shm_buf(c, &r, 2));
	r.list[1] = sec;
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, 2 * PAGE,
				       COOKIE), TEE_ERROR_BAD_PARAMETERS);
	CONF_ASSERT(c, shm_unregister(c, COOKIE) != TEE_SUCCESS,
		    "the cookie was registered");
}

/*
 * CALL_WITH_REGD_ARG: the message lies in registered memory, named by
 * cookie and offset; its RPC argument follows it there.
 */
static void shm_regd_arg(struct conf *c)
{
	struct shm_reg r;
	struct optee_msg_arg *arg;
	struct arm_smccc_res res;
	struct conf_nw *nw = conf_nw_new(c);
	unsigned long a[8] = { OPTEE_SMC_CALL_WITH_REGD_ARG };

	CONF_ASSERT_OK(c, nw);
	CONF_ASSERT_OK(c, shm_buf(c, &r, 1));
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, PAGE, COOKIE),
		       TEE_SUCCESS);
	arg = (struct optee_msg_arg *)(r.va + 0x200);
	arg->cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	arg->session = 0x7fff;
	arg->ret = 0x5a5a;
	nw->rpc_arg = (struct optee_msg_arg *)(r.va + 0x200 +
					       OPTEE_MSG_GET_ARG_SIZE(0));
	a[1] = (unsigned long)(COOKIE >> 32);
	a[2] = CONF_W(COOKIE);
	a[3] = 0x200;
	CONF_ASSERT_OK(c, conf_call(c, nw, a, false, &res));
	CONF_ASSERT_A0(c, res, OPTEE_SMC_RETURN_OK);
	CONF_ASSERT_EQ(c, arg->ret, TEE_ERROR_ITEM_NOT_FOUND);
}

/*
 * A page list longer than one list page: entry 511 of each list page is
 * the address of the next list page. A window in the part the second list
 * page describes is reached.
 */
static void shm_register_two_list_pages(struct conf *c)
{
	const size_t pages = 600;
	uint64_t pa, l0, l1;
	uint8_t *va, sum;
	uint64_t *list0, *list1;
	uint32_t s = shm_open_tests(c);
	size_t i;

	CONF_ASSERT_OK(c, s);
	va = conf_pages(c, pages, &pa);
	CONF_ASSERT_OK(c, va);
	list0 = conf_pages(c, 1, &l0);
	CONF_ASSERT_OK(c, list0);
	list1 = conf_pages(c, 1, &l1);
	CONF_ASSERT_OK(c, list1);
	for (i = 0; i < 511; i++)
		list0[i] = pa + i * PAGE;
	list0[511] = l1;
	for (i = 511; i < pages; i++)
		list1[i - 511] = pa + i * PAGE;
	{
		struct shm_reg r = { .va = va, .pa = pa, .pages = pages,
				     .list = list0, .list_pa = l0 };

		CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0,
					       pages * PAGE, COOKIE),
			       TEE_SUCCESS);
	}
	sum = shm_fill(va + 550 * PAGE + 100, 256, 3);
	CONF_ASSERT_EQ(c, shm_sum_by_cookie(c, s, COOKIE, 550 * PAGE + 100, 256,
					    NULL), TEE_SUCCESS);
	CONF_ASSERT_EQ(c, va[550 * PAGE + 100], sum);
}

/*
 * A page list is refused whose list page lies in secure memory, or one of
 * whose entries is not page aligned.
 */
static void shm_register_bad_list_page(struct conf *c)
{
	uint64_t sec;
	struct shm_reg r, in_secure;

	CONF_ASSERT_OK(c, conf_secure_base(c, &sec));
	CONF_ASSERT_OK(c, shm_buf(c, &r, 1));
	/* The list page in secure memory. */
	in_secure = r;
	in_secure.list_pa = sec;
	CONF_ASSERT_EQ(c, shm_register(c, &in_secure, SHM_REG_ATTR, 0, PAGE,
				       COOKIE), TEE_ERROR_BAD_PARAMETERS);
	/* An entry that is not page aligned. */
	r.list[0] = r.pa + 0x80;
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, PAGE, COOKIE),
		       TEE_ERROR_BAD_PARAMETERS);
	CONF_ASSERT(c, shm_unregister(c, COOKIE) != TEE_SUCCESS,
		    "the cookie was registered");
}

/*
 * CALL_WITH_REGD_ARG: the message and the RPC argument behind it must lie
 * inside the registered memory; an offset that leaves no room for them is
 * refused (EBADADDR), nothing taken.
 */
static void shm_regd_arg_past_end(struct conf *c)
{
	struct shm_reg r;
	struct optee_msg_arg *arg;
	struct arm_smccc_res res;
	unsigned long a[8] = { OPTEE_SMC_CALL_WITH_REGD_ARG };

	CONF_ASSERT_OK(c, shm_buf(c, &r, 1));
	CONF_ASSERT_EQ(c, shm_register(c, &r, SHM_REG_ATTR, 0, PAGE, COOKIE),
		       TEE_SUCCESS);
	/* The header fits in the last 64 bytes, the RPC argument does not. */
	arg = (struct optee_msg_arg *)(r.va + PAGE - 64);
	arg->cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	arg->session = 0x7fff;
	a[1] = (unsigned long)(COOKIE >> 32);
	a[2] = CONF_W(COOKIE);
	a[3] = PAGE - 64;
	conf_smc(c, a, &res);
	CONF_ASSERT_A0(c, res, OPTEE_SMC_RETURN_EBADADDR);
	/* An offset past the registration. */
	a[3] = PAGE;
	conf_smc(c, a, &res);
	CONF_ASSERT_A0(c, res, OPTEE_SMC_RETURN_EBADADDR);
}

const struct conf_case conf_cases_shm[] = {
	{ "shm_register_page_list", shm_register_page_list },
	{ "shm_register_offset", shm_register_offset },
	{ "shm_window_past_end", shm_window_past_end },
	{ "shm_window_crosses_end", shm_window_crosses_end },
	{ "shm_noncontig_memref", shm_noncontig_memref },
	{ "shm_memref_unknown_cookie", shm_memref_unknown_cookie },
	{ "shm_unregister_unknown_cookie", shm_unregister_unknown_cookie },
	{ "shm_unregister_twice", shm_unregister_twice },
	{ "shm_register_same_cookie_twice", shm_register_same_cookie_twice },
	{ "shm_register_wrong_attr", shm_register_wrong_attr },
	{ "shm_register_secure_page", shm_register_secure_page },
	{ "shm_register_two_list_pages", shm_register_two_list_pages },
	{ "shm_register_bad_list_page", shm_register_bad_list_page },
	{ "shm_regd_arg", shm_regd_arg },
	{ "shm_regd_arg_past_end", shm_regd_arg_past_end },
	{ NULL, NULL },
};
