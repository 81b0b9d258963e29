// SPDX-License-Identifier: BSD-2-Clause
/*
 * End-to-end tests of protected memory: the probed driver registers the
 * "protected,secure-video" heap, a client allocates a dma-buf from it,
 * imports it as shm (tee_shm_register_fd) and hands it to the secure-video
 * TA, which fills, decodes into and digests it. The normal world's view of
 * the buffer faults (proved in a forked child, tb_probe_read()), and the
 * TA refuses to decode into anything the normal world can read.
 *
 *  1. static pool: the region GET_PROTMEM_CONFIG (fast call) reports
 *  2. dynamic pool: the first buffer lends memory (LEND_PROTMEM), the last
 *     free reclaims it, zeroed; exhaustion is a clean -ENOMEM
 *  3. firmware that answers GET_PROTMEM_CONFIG badly: the probe succeeds
 *     without the heap
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/sha256.h>
#include <smcsim/tee_error.h>

#include "testbed.h"

#define PAGE		SMCSIM_PAGE_SIZE
#define PROT_BASE	SMCSIM_PHYS_DEFAULT_PROTMEM_BASE
#define PROT_SIZE	SMCSIM_PHYS_DEFAULT_PROTMEM_SIZE
#define DRAM_BASE	SMCSIM_PHYS_DEFAULT_DRAM_BASE
#define LEND_SIZE	SMCSIM_SW_PROTMEM_DEFAULT_MIN_SIZE
#define MAX_BUF		(4 * PAGE)

static const struct smcsim_uuid sdp_uuid = SMCSIM_TA_SDP_UUID;
static const struct smcsim_uuid echo_uuid = SMCSIM_TA_ECHO_UUID;

/**
 * struct pbuf - a protected buffer as a client holds it
 * @dmabuf:	the heap's buffer (the client's "fd")
 * @shm:	its import into the TEE context
 */
struct pbuf {
	struct dma_buf *dmabuf;
	struct tee_shm *shm;
};

static int pbuf_alloc(struct tb *tb, struct tee_context *ctx, size_t len,
		      struct pbuf *b)
{
	int rc;

	memset(b, 0, sizeof(*b));
	rc = tee_dma_heap_alloc(&tb->cls,
				tee_dma_heap_name(TEE_DMA_HEAP_SECURE_VIDEO_PLAY),
				len, &b->dmabuf);
	if (rc)
		return rc;
	rc = tee_shm_register_fd(ctx, b->dmabuf, &b->shm);
	assert_int_equal(rc, 0);
	assert_non_null(b->shm);
	/* No normal-world mapping of protected memory. */
	assert_null(tee_shm_get_va(b->shm, 0));
	return 0;
}

static void pbuf_free(struct pbuf *b)
{
	tee_shm_free(b->shm);
	dma_buf_put(b->dmabuf);
	memset(b, 0, sizeof(*b));
}

static void memref(struct tee_param *p, uint64_t attr, struct tee_shm *shm,
		   size_t offs, size_t size)
{
	p->attr = attr;
	p->u.memref.shm = shm;
	p->u.memref.shm_offs = offs;
	p->u.memref.size = size;
}

static uint32_t invoke(struct tee_context *ctx, uint32_t session,
		       uint32_t func, struct tee_param p[4])
{
	struct tee_ioctl_invoke_arg arg = {
		.func = func, .session = session, .num_params = 4,
	};

	assert_int_equal(tee_client_invoke_func(ctx, &arg, p), 0);
	return arg.ret;
}

static uint32_t sdp_fill(struct tee_context *ctx, uint32_t session,
			 struct tee_shm *shm, size_t len, uint8_t seed)
{
	struct tee_param p[4];

	memset(p, 0, sizeof(p));
	memref(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT, shm, 0, len);
	p[1].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
	p[1].u.value.a = seed;
	return invoke(ctx, session, SMCSIM_TA_SDP_CMD_FILL, p);
}

/* DIGEST of @len bytes of @shm, through the clear @out. */
static uint32_t sdp_digest(struct tee_context *ctx, uint32_t session,
			   struct tee_shm *shm, size_t len, struct tee_shm *out,
			   uint8_t md[32])
{
	struct tee_param p[4];
	uint32_t ret;

	memset(p, 0, sizeof(p));
	memref(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT, shm, 0, len);
	memref(&p[1], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT, out, 0, 32);
	ret = invoke(ctx, session, SMCSIM_TA_SDP_CMD_DIGEST, p);
	if (!ret) {
		assert_int_equal(p[1].u.memref.size, 32);
		memcpy(md, tee_shm_get_va(out, 0), 32);
	}
	return ret;
}

static uint32_t sdp_decode(struct tee_context *ctx, uint32_t session,
			   struct tee_shm *in, size_t len, struct tee_shm *out,
			   size_t *out_size)
{
	struct tee_param p[4];
	uint32_t ret;

	memset(p, 0, sizeof(p));
	memref(&p[0], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT, in, 0, len);
	memref(&p[1], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT, out, 0,
	       out->size);
	ret = invoke(ctx, session, SMCSIM_TA_SDP_CMD_DECODE, p);
	*out_size = p[1].u.memref.size;
	return ret;
}

static uint32_t sdp_query(struct tee_context *ctx, uint32_t session,
			  struct tee_shm *a, struct tee_shm *b)
{
	struct tee_param p[4];

	memset(p, 0, sizeof(p));
	p[0].attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT;
	memref(&p[1], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT, a, 0, 16);
	memref(&p[2], TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT, b, 0, 16);
	assert_int_equal(invoke(ctx, session, SMCSIM_TA_SDP_CMD_QUERY, p),
			 TEE_SUCCESS);
	return (uint32_t)p[0].u.value.a;
}

static void fill_digest(uint8_t seed, size_t len, uint8_t md[32])
{
	static uint8_t buf[MAX_BUF];
	size_t i;

	assert_true(len <= sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i);
	smcsim_sha256(buf, len, md);
}

static struct tee_shm *clear_buf(struct tee_context *ctx, size_t size)
{
	struct tee_shm *shm = NULL;

	assert_int_equal(tee_shm_alloc_kernel_buf(ctx, size, &shm), 0);
	memset(tee_shm_get_va(shm, 0), 0, size);
	return shm;
}

/*
 * What every pool must give: FILL then DIGEST, DECODE from clear memory
 * then DIGEST, the normal world's read of the buffer faulting, and no
 * decoding into clear memory.
 */
static void sdp_round_trip(struct tb *tb, struct tee_context *ctx,
			   struct pbuf *b, size_t len)
{
	struct tee_shm *md_shm = clear_buf(ctx, 32);
	struct tee_shm *in = clear_buf(ctx, len);
	struct tee_shm *clear_out = clear_buf(ctx, len);
	uint8_t md[32], want[32], *src, *dec;
	uint32_t session = 0;
	size_t i, got = 0;

	assert_int_equal(tb_open_session(ctx, &sdp_uuid, &session), TEE_SUCCESS);

	assert_int_equal(sdp_fill(ctx, session, b->shm, len, 0x21), TEE_SUCCESS);
	assert_int_equal(sdp_digest(ctx, session, b->shm, len, md_shm, md),
			 TEE_SUCCESS);
	fill_digest(0x21, len, want);
	assert_memory_equal(md, want, 32);

	src = tee_shm_get_va(in, 0);
	dec = malloc(len);
	assert_non_null(dec);
	for (i = 0; i < len; i++) {
		src[i] = (uint8_t)(i * 5 + 1);
		dec[i] = SMCSIM_TA_SDP_DECODE(src[i], i);
	}
	assert_int_equal(sdp_decode(ctx, session, in, len, b->shm, &got),
			 TEE_SUCCESS);
	assert_int_equal(got, len);
	assert_int_equal(sdp_digest(ctx, session, b->shm, len, md_shm, md),
			 TEE_SUCCESS);
	smcsim_sha256(dec, len, want);
	assert_memory_equal(md, want, 32);
	free(dec);

	/* The normal world cannot read what was decoded. */
	assert_int_equal(tb_probe_read(smcsim_phys_ns_view(tb->phys,
							   b->shm->paddr, 1)),
			 TB_PROBE_FAULTED);
	assert_int_equal(tb_probe_read(smcsim_phys_ns_view(tb->phys,
							   b->shm->paddr +
							   len - 1, 1)),
			 TB_PROBE_FAULTED);
	assert_null(smcsim_phys_map(tb->phys, SMCSIM_WORLD_NORMAL,
				    b->shm->paddr, 1));

	/* Decoding (or filling) into clear memory is refused, nothing written. */
	memset(tee_shm_get_va(clear_out, 0), 0xAB, len);
	assert_int_equal(sdp_decode(ctx, session, in, len, clear_out, &got),
			 TEE_ERROR_SECURITY);
	assert_int_equal(sdp_fill(ctx, session, clear_out, len, 1),
			 TEE_ERROR_SECURITY);
	for (i = 0; i < len; i++)
		assert_int_equal(((uint8_t *)tee_shm_get_va(clear_out, 0))[i],
				 0xAB);
	/* And the TA can tell which is which. */
	assert_int_equal(sdp_query(ctx, session, b->shm, clear_out), 1U << 1);
	assert_int_equal(sdp_query(ctx, session, clear_out, b->shm), 1U << 2);

	assert_int_equal(tee_client_close_session(ctx, session), 0);
	tee_shm_free(clear_out);
	tee_shm_free(in);
	tee_shm_free(md_shm);
}

/* ---- 1. static pool -------------------------------------------------------- */

static void e2e_protmem_static(void **state)
{
	struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
			     .static_protmem = true };
	struct optee_protmem_info pi;
	struct tee_context *ctx;
	struct pbuf a, b;
	struct tb tb;

	(void)state;
	tb_start(&tb, &o);
	optee_get_protmem_info(tb.optee, &pi);
	assert_int_equal(pi.kind, OPTEE_PROTMEM_STATIC);
	assert_int_equal(pi.base, PROT_BASE);
	assert_int_equal(pi.size, PROT_SIZE);
	ctx = tb_open_ctx(&tb);

	assert_int_equal(pbuf_alloc(&tb, ctx, 3 * PAGE, &a), 0);
	assert_int_equal(pbuf_alloc(&tb, ctx, 2 * PAGE + 1, &b), 0);
	/* Both inside the region, apart. */
	assert_in_range(a.shm->paddr, PROT_BASE, PROT_BASE + PROT_SIZE - 1);
	assert_in_range(b.shm->paddr, PROT_BASE, PROT_BASE + PROT_SIZE - 1);
	assert_true(a.shm->paddr + 3 * PAGE <= b.shm->paddr ||
		    b.shm->paddr + 3 * PAGE <= a.shm->paddr);
	sdp_round_trip(&tb, ctx, &a, 3 * PAGE);
	sdp_round_trip(&tb, ctx, &b, 2 * PAGE + 1);
	/* Nothing was lent: the static region needs no lending. */
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(tb.phys), 0);

	/* More than the region: a clean error. */
	{
		struct dma_buf *big = NULL;

		assert_int_equal(tee_dma_heap_alloc(&tb.cls,
						    tee_dma_heap_name(TEE_DMA_HEAP_SECURE_VIDEO_PLAY),
						    PROT_SIZE, &big),
				 -ENOMEM);
		assert_null(big);
	}
	pbuf_free(&a);
	pbuf_free(&b);
	tee_client_close_context(ctx);
	tb_stop(&tb);
}

/* ---- 2. dynamic pool ------------------------------------------------------- */

static void e2e_protmem_dynamic_lend_reclaim(void **state)
{
	struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
			     .dynamic_protmem = true };
	struct optee_protmem_info pi;
	struct tee_context *ctx;
	const uint8_t *ns;
	uint64_t pa;
	struct pbuf a, b;
	struct tb tb;
	size_t i;

	(void)state;
	tb_start(&tb, &o);
	optee_get_protmem_info(tb.optee, &pi);
	assert_int_equal(pi.kind, OPTEE_PROTMEM_DYNAMIC);
	assert_int_equal(pi.size, LEND_SIZE);
	assert_int_equal(pi.pa_width, 64);
	assert_false(pi.lent);
	/* Nothing is lent before the first buffer. */
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	ctx = tb_open_ctx(&tb);

	assert_int_equal(pbuf_alloc(&tb, ctx, 2 * PAGE, &a), 0);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 1);
	assert_int_equal(smcsim_phys_ns_denied_pages(tb.phys),
			 LEND_SIZE / PAGE);
	assert_true(smcsim_sw_protmem_is_lent(tb.sw, a.shm->paddr));
	optee_get_protmem_info(tb.optee, &pi);
	assert_true(pi.lent);
	assert_int_equal(pi.lends, 1);
	pa = a.shm->paddr;
	ns = smcsim_phys_ns_view(tb.phys, pa, 2 * PAGE);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);

	/* A second buffer comes from the same lent memory. */
	assert_int_equal(pbuf_alloc(&tb, ctx, PAGE, &b), 0);
	assert_true(smcsim_sw_protmem_is_lent(tb.sw, b.shm->paddr));
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 1);
	sdp_round_trip(&tb, ctx, &a, 2 * PAGE);
	sdp_round_trip(&tb, ctx, &b, PAGE);

	/* Freeing one keeps the memory lent; the last free reclaims it. */
	pbuf_free(&b);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 1);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);
	pbuf_free(&a);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(tb.phys), 0);
	optee_get_protmem_info(tb.optee, &pi);
	assert_false(pi.lent);
	assert_int_equal(pi.reclaims, 1);
	assert_int_equal(pi.reclaim_failures, 0);
	/* Readable again, and what the TA decoded there is gone. */
	assert_int_equal(tb_probe_read(ns), TB_PROBE_READ_OK);
	for (i = 0; i < 2 * PAGE; i++)
		if (ns[i])
			fail_msg("byte %zu of reclaimed memory is 0x%x", i,
				 ns[i]);

	/* And the next buffer lends again. */
	assert_int_equal(pbuf_alloc(&tb, ctx, PAGE, &a), 0);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 1);
	pbuf_free(&a);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	tee_client_close_context(ctx);
	tb_stop(&tb);
}

static void e2e_protmem_dynamic_exhaustion(void **state)
{
	struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
			     .dynamic_protmem = true };
	struct tee_context *ctx;
	struct dma_buf *extra = NULL;
	struct pbuf all, one;
	struct tb tb;

	(void)state;
	tb_start(&tb, &o);
	ctx = tb_open_ctx(&tb);
	/* More than one lend holds: refused, and nothing stays lent. */
	assert_int_equal(tee_dma_heap_alloc(&tb.cls,
					    tee_dma_heap_name(TEE_DMA_HEAP_SECURE_VIDEO_PLAY),
					    LEND_SIZE + PAGE, &extra), -ENOMEM);
	assert_null(extra);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	assert_int_equal(smcsim_phys_ns_denied_pages(tb.phys), 0);

	/* All of it, then one page more. */
	assert_int_equal(pbuf_alloc(&tb, ctx, LEND_SIZE, &all), 0);
	assert_int_equal(pbuf_alloc(&tb, ctx, PAGE, &one), -ENOMEM);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 1);
	pbuf_free(&all);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	/* After the reclaim the pool serves again. */
	assert_int_equal(pbuf_alloc(&tb, ctx, PAGE, &one), 0);
	pbuf_free(&one);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	tee_client_close_context(ctx);
	tb_stop(&tb);
}

/*
 * A double free in the dynamic pool (a bug in its caller) is refused and
 * does not count as the last user going: the memory stays lent while a
 * buffer still lives in it.
 */
static void e2e_protmem_dynamic_double_free_keeps_lend(void **state)
{
	struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
			     .dynamic_protmem = true };
	struct tee_protmem_pool *pool;
	struct optee_protmem_info pi;
	struct tee_sgt sgt = { 0 };
	struct tee_context *ctx;
	struct pbuf live;
	const void *ns;
	size_t offs;
	struct tb tb;

	(void)state;
	tb_start(&tb, &o);
	ctx = tb_open_ctx(&tb);
	assert_int_equal(pbuf_alloc(&tb, ctx, PAGE, &live), 0);
	pool = tee_dma_heap_get_pool(&tb.cls, TEE_DMA_HEAP_SECURE_VIDEO_PLAY);
	assert_non_null(pool);
	assert_int_equal(pool->ops->alloc(pool, &sgt, PAGE, &offs), 0);
	assert_int_equal(pool->ops->free(pool, &sgt), 0);
	assert_int_equal(pool->ops->free(pool, &sgt), -EINVAL);

	optee_get_protmem_info(tb.optee, &pi);
	assert_true(pi.lent);
	assert_int_equal(pi.lends, 1);
	assert_int_equal(pi.reclaims, 0);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 1);
	ns = smcsim_phys_ns_view(tb.phys, live.shm->paddr, PAGE);
	assert_int_equal(tb_probe_read(ns), TB_PROBE_FAULTED);

	/* The real last user still reclaims, once. */
	pbuf_free(&live);
	optee_get_protmem_info(tb.optee, &pi);
	assert_false(pi.lent);
	assert_int_equal(pi.reclaims, 1);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
	tee_client_close_context(ctx);
	tb_stop(&tb);
}

/* ---- 3. firmware that lies about its protected memory --------------------- */

/* The heap is absent, and the driver still serves ordinary sessions. */
static void expect_no_heap_but_working(struct tb *tb)
{
	struct optee_protmem_info pi;
	struct tee_context *ctx;
	struct dma_buf *d = NULL;
	uint32_t types[4] = { TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT,
			      TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT,
			      TEE_IOCTL_PARAM_ATTR_TYPE_NONE,
			      TEE_IOCTL_PARAM_ATTR_TYPE_NONE };
	uint64_t v[4][2] = { { 40, 2 } };
	uint32_t session = 0;
	int rc;

	optee_get_protmem_info(tb->optee, &pi);
	assert_int_equal(pi.kind, OPTEE_PROTMEM_NONE);
	rc = tee_dma_heap_alloc(&tb->cls,
				tee_dma_heap_name(TEE_DMA_HEAP_SECURE_VIDEO_PLAY),
				PAGE, &d);
	assert_true(rc == -ENOENT || rc == -EINVAL);
	assert_null(d);
	ctx = tb_open_ctx(tb);
	assert_int_equal(tb_open_session(ctx, &echo_uuid, &session),
			 TEE_SUCCESS);
	assert_int_equal(tb_invoke_values(ctx, session, SMCSIM_TA_ECHO_CMD_ADD,
					  types, v), TEE_SUCCESS);
	assert_int_equal(v[1][0], 42);
	assert_int_equal(tee_client_close_session(ctx, session), 0);
	tee_client_close_context(ctx);
	assert_int_equal(smcsim_sw_protmem_lent_count(tb->sw), 0);
}

/**
 * struct liar - a script answering the GET_PROTMEM_CONFIG fast call
 * @script:	the script, with the simulator behind it
 * @step:	its one step
 */
struct liar {
	struct smcsim_script script;
	struct smcsim_script_step step;
};

static struct smcsim_invoke liar_front(void *ctx, struct smcsim_invoke sim)
{
	struct liar *l = ctx;

	smcsim_script_init(&l->script, &l->step, 1, &sim);
	return smcsim_script_invoke(&l->script);
}

static void e2e_protmem_static_config_lies(void **state)
{
	/* a0, base, size, PA width */
	static const unsigned long answers[][4] = {
		{ OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0 },
		{ OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, PROT_BASE, PROT_SIZE, 64 },
		{ OPTEE_SMC_RETURN_OK, PROT_BASE, 0, 64 },		/* empty */
		{ OPTEE_SMC_RETURN_OK, PROT_BASE + 8, PROT_SIZE, 64 },	/* unaligned */
		{ OPTEE_SMC_RETURN_OK, PROT_BASE, PROT_SIZE + 3, 64 },
		{ OPTEE_SMC_RETURN_OK, PROT_BASE, PROT_SIZE, 0 },	/* width 0 */
		{ OPTEE_SMC_RETURN_OK, PROT_BASE, PROT_SIZE, 65 },
		{ OPTEE_SMC_RETURN_OK, 0x10000000UL, PROT_SIZE, 64 },	/* no memory */
		{ OPTEE_SMC_RETURN_OK, PROT_BASE, 1UL << 40, 64 },	/* past the map */
		{ OPTEE_SMC_RETURN_OK, ~0UL & ~(PAGE - 1), 2 * PAGE, 64 },/* wraps */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				     .static_protmem = true };
		struct liar l;
		struct tb tb;

		memset(&l, 0, sizeof(l));
		l.step.a0 = OPTEE_SMC_GET_PROTMEM_CONFIG;
		l.step.res.a0 = answers[i][0];
		l.step.res.a1 = answers[i][1];
		l.step.res.a2 = answers[i][2];
		l.step.res.a3 = answers[i][3];
		o.front = liar_front;
		o.front_ctx = &l;
		tb_start(&tb, &o);
		assert_true(smcsim_script_done(&l.script));
		expect_no_heap_but_working(&tb);
		tb_stop(&tb);
		smcsim_script_fini(&l.script);
	}
}

enum msg_lie {
	LIE_MIN_SIZE_0,
	LIE_WIDTH_0,
	LIE_WIDTH_65,
	LIE_RET_GENERIC,
	LIE_SHORT_BUFFER_HUGE,
	LIE_SHORT_BUFFER_AGAIN,
	LIE_NUM
};

/**
 * struct msg_liar - rewrites the secure world's answer to the
 * GET_PROTMEM_CONFIG message (the driver passes messages by address when
 * the firmware has no dynamic shm, so the hook can find them)
 * @inner:	the simulator
 * @tb:		for the memory map
 * @lie:	what to rewrite
 * @seen:	GET_PROTMEM_CONFIG messages rewritten
 */
struct msg_liar {
	struct smcsim_invoke inner;
	struct tb *tb;
	enum msg_lie lie;
	unsigned int seen;
};

static void msg_liar_fn(void *ctx, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4,
			unsigned long a5, unsigned long a6, unsigned long a7,
			struct arm_smccc_res *res)
{
	struct msg_liar *l = ctx;
	struct optee_msg_arg *arg;
	struct optee_msg_param *p;

	smcsim_invoke_call(&l->inner, a0, a1, a2, a3, a4, a5, a6, a7, res);
	if ((a0 != OPTEE_SMC_CALL_WITH_ARG && a0 != OPTEE_SMC_CALL_WITH_RPC_ARG) ||
	    res->a0 != OPTEE_SMC_RETURN_OK)
		return;
	arg = smcsim_phys_map(l->tb->phys, SMCSIM_WORLD_NORMAL,
			      reg_pair_to_64(a1, a2),
			      OPTEE_MSG_GET_ARG_SIZE(2));
	if (!arg || arg->cmd != OPTEE_MSG_CMD_GET_PROTMEM_CONFIG ||
	    arg->num_params != 2)
		return;
	p = arg->params;
	l->seen++;
	switch (l->lie) {
	case LIE_MIN_SIZE_0:
		p[0].u.value.a = 0;
		break;
	case LIE_WIDTH_0:
		p[0].u.value.c = 0;
		break;
	case LIE_WIDTH_65:
		p[0].u.value.c = 65;
		break;
	case LIE_RET_GENERIC:
		arg->ret = TEE_ERROR_GENERIC;
		break;
	case LIE_SHORT_BUFFER_HUGE:
		arg->ret = TEE_ERROR_SHORT_BUFFER;
		p[1].u.tmem.size = 1000 * sizeof(uint32_t);
		break;
	case LIE_SHORT_BUFFER_AGAIN:
		/* Asks for room, then says it is short again. */
		arg->ret = TEE_ERROR_SHORT_BUFFER;
		p[1].u.tmem.size = 4 * sizeof(uint32_t);
		break;
	default:
		break;
	}
}

static struct smcsim_invoke msg_liar_front(void *ctx, struct smcsim_invoke sim)
{
	struct msg_liar *l = ctx;

	l->inner = sim;
	return (struct smcsim_invoke){ .fn = msg_liar_fn, .ctx = l };
}

static void e2e_protmem_dynamic_config_lies(void **state)
{
	unsigned int lie;

	(void)state;
	for (lie = 0; lie < LIE_NUM; lie++) {
		struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				     .dynamic_protmem = true,
				     .no_dynamic_shm = true };
		struct msg_liar l = { .lie = (enum msg_lie)lie };
		struct tb tb;

		l.tb = &tb;
		o.front = msg_liar_front;
		o.front_ctx = &l;
		tb_start(&tb, &o);
		assert_true(l.seen >= 1);
		expect_no_heap_but_working(&tb);
		tb_stop(&tb);
	}

	/* The hook itself is sound: telling the truth gives the heap. */
	{
		struct tb_opts o = { .profile = SMCSIM_ABI_UPSTREAM,
				     .dynamic_protmem = true,
				     .no_dynamic_shm = true };
		struct msg_liar l = { .lie = LIE_NUM };
		struct optee_protmem_info pi;
		struct tee_context *ctx;
		struct pbuf b;
		struct tb tb;

		l.tb = &tb;
		o.front = msg_liar_front;
		o.front_ctx = &l;
		tb_start(&tb, &o);
		assert_int_equal(l.seen, 1);
		optee_get_protmem_info(tb.optee, &pi);
		assert_int_equal(pi.kind, OPTEE_PROTMEM_DYNAMIC);
		ctx = tb_open_ctx(&tb);
		assert_int_equal(pbuf_alloc(&tb, ctx, PAGE, &b), 0);
		assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 1);
		sdp_round_trip(&tb, ctx, &b, PAGE);
		pbuf_free(&b);
		assert_int_equal(smcsim_sw_protmem_lent_count(tb.sw), 0);
		tee_client_close_context(ctx);
		tb_stop(&tb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(e2e_protmem_static),
		cmocka_unit_test(e2e_protmem_dynamic_lend_reclaim),
		cmocka_unit_test(e2e_protmem_dynamic_exhaustion),
		cmocka_unit_test(e2e_protmem_dynamic_double_free_keeps_lend),
		cmocka_unit_test(e2e_protmem_static_config_lies),
		cmocka_unit_test(e2e_protmem_dynamic_config_lies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
