// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit tests of the invoke backends of lib/: the trace wrapper (records,
 * its bounded ring, ordering, formatting, echo, concurrent callers), the
 * script backend (steps in order, fall-through to an inner backend,
 * mismatches without one), the sim backend (one hook per simulated world)
 * and the fault wrapper (countdown, predicate, each action, over script
 * and sim, concurrent storms). A tiny fake backend answers with values
 * computed from all eight input registers, so a wrapper that drops or
 * reorders a register is caught.
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

#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>

#define WAIT_MS 5000

/* ---- the fake backend ------------------------------------------------- */

/**
 * struct fake_backend - records what reached it
 * @lock:	protects @calls and @last
 * @calls:	calls answered
 * @last:	a0..a7 of the last call
 */
struct fake_backend {
	struct rt_mutex lock;
	unsigned long calls;
	unsigned long last[8];
};

static void fake_answer(const unsigned long in[8], struct arm_smccc_res *res)
{
	res->a0 = in[0] + in[4];
	res->a1 = in[1] ^ in[5];
	res->a2 = in[2] + 3 * in[6];
	res->a3 = in[3] ^ (in[7] << 1);
}

static void fake_invoke(void *ctx, unsigned long a0, unsigned long a1,
			unsigned long a2, unsigned long a3, unsigned long a4,
			unsigned long a5, unsigned long a6, unsigned long a7,
			struct arm_smccc_res *res)
{
	struct fake_backend *f = ctx;
	const unsigned long in[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };

	rt_mutex_lock(&f->lock);
	f->calls++;
	memcpy(f->last, in, sizeof(in));
	rt_mutex_unlock(&f->lock);
	fake_answer(in, res);
}

static void fake_init(struct fake_backend *f)
{
	memset(f, 0, sizeof(*f));
	rt_mutex_init(&f->lock);
}

static void fake_fini(struct fake_backend *f)
{
	rt_mutex_destroy(&f->lock);
}

static struct smcsim_invoke fake_invoke_of(struct fake_backend *f)
{
	return (struct smcsim_invoke){ .fn = fake_invoke, .ctx = f };
}

static unsigned long fake_calls(struct fake_backend *f)
{
	unsigned long n;

	rt_mutex_lock(&f->lock);
	n = f->calls;
	rt_mutex_unlock(&f->lock);
	return n;
}

static void call8(const struct smcsim_invoke *inv, const unsigned long in[8],
		  struct arm_smccc_res *res)
{
	smcsim_invoke_call(inv, in[0], in[1], in[2], in[3], in[4], in[5],
			   in[6], in[7], res);
}

static void call0(const struct smcsim_invoke *inv, unsigned long a0,
		  struct arm_smccc_res *res)
{
	smcsim_invoke_call(inv, a0, 0, 0, 0, 0, 0, 0, 0, res);
}

/* ---- trace -------------------------------------------------------------- */

static void invoke_trace_records_every_call_in_order(void **state)
{
	struct fake_backend f;
	struct smcsim_trace t;
	struct smcsim_invoke inv;
	struct smcsim_trace_rec rec;
	unsigned long in[5][8];
	size_t i, r;

	(void)state;
	fake_init(&f);
	smcsim_trace_init(&t, fake_invoke_of(&f), NULL);
	inv = smcsim_trace_invoke(&t);
	assert_int_equal(smcsim_trace_count(&t), 0);

	for (i = 0; i < 5; i++) {
		struct arm_smccc_res res, want;

		for (r = 0; r < 8; r++)
			in[i][r] = 0x1000UL * (i + 1) + r * 0x11UL;
		call8(&inv, in[i], &res);
		/* The caller sees the inner answer unchanged. */
		fake_answer(in[i], &want);
		assert_memory_equal(&res, &want, sizeof(res));
		/* The inner backend saw all eight registers. */
		assert_memory_equal(f.last, in[i], sizeof(in[i]));
	}
	assert_int_equal(fake_calls(&f), 5);
	assert_int_equal(smcsim_trace_count(&t), 5);

	for (i = 0; i < 5; i++) {
		struct arm_smccc_res want;

		memset(&rec, 0xEE, sizeof(rec));
		assert_int_equal(smcsim_trace_get(&t, i, &rec), 0);
		assert_int_equal(rec.seq, i);
		assert_memory_equal(rec.in, in[i], sizeof(rec.in));
		fake_answer(in[i], &want);
		assert_int_equal(rec.out[0], want.a0);
		assert_int_equal(rec.out[1], want.a1);
		assert_int_equal(rec.out[2], want.a2);
		assert_int_equal(rec.out[3], want.a3);
	}

	smcsim_trace_fini(&t);
	fake_fini(&f);
}

static void invoke_trace_get_out_of_range(void **state)
{
	struct fake_backend f;
	struct smcsim_trace t;
	struct smcsim_invoke inv;
	struct smcsim_trace_rec rec, before;
	struct arm_smccc_res res;

	(void)state;
	fake_init(&f);
	smcsim_trace_init(&t, fake_invoke_of(&f), NULL);
	inv = smcsim_trace_invoke(&t);

	memset(&rec, 0x5C, sizeof(rec));
	before = rec;
	assert_int_equal(smcsim_trace_get(&t, 0, &rec), -ENOENT);
	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(smcsim_trace_get(&t, 1, &rec), -ENOENT);
	assert_int_equal(smcsim_trace_get(&t, SIZE_MAX, &rec), -ENOENT);
	/* A refused get leaves the caller's record alone. */
	assert_memory_equal(&rec, &before, sizeof(rec));
	assert_int_equal(smcsim_trace_get(&t, 0, &rec), 0);
	assert_int_equal(rec.in[0], OPTEE_SMC_GET_THREAD_COUNT);

	smcsim_trace_fini(&t);
	fake_fini(&f);
}

/* More calls than the first allocation of records holds. */
static void invoke_trace_grows_past_initial_capacity(void **state)
{
	struct fake_backend f;
	struct smcsim_trace t;
	struct smcsim_invoke inv;
	struct smcsim_trace_rec rec;
	const size_t n = 1000;
	size_t i;

	(void)state;
	fake_init(&f);
	smcsim_trace_init(&t, fake_invoke_of(&f), NULL);
	inv = smcsim_trace_invoke(&t);
	for (i = 0; i < n; i++) {
		struct arm_smccc_res res;

		smcsim_invoke_call(&inv, OPTEE_SMC_CALL_WITH_ARG, i, 0, 0, 0,
				   0, 0, 0, &res);
	}
	assert_int_equal(smcsim_trace_count(&t), n);
	for (i = 0; i < n; i++) {
		assert_int_equal(smcsim_trace_get(&t, i, &rec), 0);
		assert_int_equal(rec.seq, i);
		assert_int_equal(rec.in[1], i);
	}
	smcsim_trace_fini(&t);
	assert_null(t.recs);
	assert_int_equal(t.cap, 0);
	fake_fini(&f);
}

/*
 * The wrapper keeps the last N calls and no more: a run of 10 N calls
 * holds N records, the older ones are gone (-ENOENT), the count goes on.
 */
static void invoke_trace_ring_keeps_last_n(void **state)
{
	struct fake_backend f;
	struct smcsim_trace t;
	struct smcsim_invoke inv;
	struct smcsim_trace_rec rec;
	const size_t cap = 16, n = 10 * cap;
	size_t i, held = 0;

	(void)state;
	fake_init(&f);
	smcsim_trace_init_ring(&t, fake_invoke_of(&f), NULL, cap);
	inv = smcsim_trace_invoke(&t);
	for (i = 0; i < n; i++) {
		struct arm_smccc_res res;

		smcsim_invoke_call(&inv, OPTEE_SMC_CALL_WITH_ARG, i, 0, 0, 0,
				   0, 0, 0, &res);
	}
	assert_int_equal(smcsim_trace_count(&t), n);
	assert_int_equal(smcsim_trace_first(&t), n - cap);
	assert_int_equal(t.cap, cap);
	for (i = 0; i < n; i++) {
		if (smcsim_trace_get(&t, i, &rec)) {
			assert_true(i < n - cap);
			continue;
		}
		held++;
		assert_int_equal(rec.seq, i);
		assert_int_equal(rec.in[1], i);
	}
	assert_int_equal(held, cap);
	smcsim_trace_fini(&t);

	/* A ring of 0 only counts. */
	smcsim_trace_init_ring(&t, fake_invoke_of(&f), NULL, 0);
	inv = smcsim_trace_invoke(&t);
	for (i = 0; i < 3; i++) {
		struct arm_smccc_res res;

		smcsim_invoke_call(&inv, OPTEE_SMC_CALL_WITH_ARG, i, 0, 0, 0,
				   0, 0, 0, &res);
	}
	assert_int_equal(smcsim_trace_count(&t), 3);
	assert_int_equal(smcsim_trace_get(&t, 2, &rec), -ENOENT);
	smcsim_trace_fini(&t);
	fake_fini(&f);
}

static void invoke_trace_format_decodes_name(void **state)
{
	struct smcsim_trace_rec rec = {
		.seq = 7,
		.in = { OPTEE_SMC_GET_THREAD_COUNT, 0x11, 0x22, 0x33 },
		.out = { OPTEE_SMC_RETURN_OK, 2, 0x22, 0x33 },
	};
	char buf[256];
	char small[16];
	int n;

	(void)state;
	n = smcsim_trace_format(&rec, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_non_null(strstr(buf, "OPTEE_SMC_GET_THREAD_COUNT"));
	assert_non_null(strstr(buf, "OK"));
	assert_non_null(strstr(buf, "#7"));
	assert_null(strchr(buf, '\n'));

	/* A short buffer is truncated; the length is the full one. */
	memset(small, 'x', sizeof(small));
	assert_int_equal(smcsim_trace_format(&rec, small, sizeof(small)), n);
	assert_int_equal(strlen(small), sizeof(small) - 1);

	/* Results are decoded too: an RPC request out of a yielding call. */
	rec.in[0] = OPTEE_SMC_CALL_WITH_ARG;
	rec.out[0] = OPTEE_SMC_RETURN_RPC_CMD;
	smcsim_trace_format(&rec, buf, sizeof(buf));
	assert_non_null(strstr(buf, "OPTEE_SMC_CALL_WITH_ARG"));
	assert_non_null(strstr(buf, "RPC CMD"));

	rec.in[0] = 0xB2001234UL;
	rec.out[0] = OPTEE_SMC_RETURN_UNKNOWN_FUNCTION;
	smcsim_trace_format(&rec, buf, sizeof(buf));
	assert_non_null(strstr(buf, "unknown 0xb2001234"));
	assert_non_null(strstr(buf, "UNKNOWN_FUNCTION"));
}

/*
 * Calls that return data in a0 show it raw: CALLS_REVISION's major 2 is not
 * EBUSY, a UID word is not "unknown".
 */
static void invoke_trace_format_data_calls_show_raw_a0(void **state)
{
	struct smcsim_trace_rec rec = {
		.in = { OPTEE_SMC_CALLS_UID },
		.out = { OPTEE_MSG_UID_0, OPTEE_MSG_UID_1, OPTEE_MSG_UID_2,
			 OPTEE_MSG_UID_3 },
	};
	char buf[256];

	(void)state;
	smcsim_trace_format(&rec, buf, sizeof(buf));
	assert_non_null(strstr(buf, "OPTEE_SMC_CALLS_UID"));
	assert_non_null(strstr(buf, "0x384fb3e0"));
	assert_null(strstr(buf, "unknown"));

	rec.in[0] = OPTEE_SMC_CALLS_REVISION;
	rec.out[0] = OPTEE_MSG_REVISION_MAJOR;
	rec.out[1] = OPTEE_MSG_REVISION_MINOR;
	smcsim_trace_format(&rec, buf, sizeof(buf));
	assert_non_null(strstr(buf, "OPTEE_SMC_CALLS_REVISION"));
	assert_non_null(strstr(buf, "-> 0x2"));
	assert_null(strstr(buf, "EBUSY"));

	rec.in[0] = OPTEE_SMC_CALLS_COUNT;
	rec.out[0] = OPTEE_SMC_CALLS_COUNT_VALUE;
	smcsim_trace_format(&rec, buf, sizeof(buf));
	assert_non_null(strstr(buf, "-> 0xc"));
	assert_null(strstr(buf, "unknown"));
}

static void invoke_trace_echo_one_line_per_call(void **state)
{
	struct fake_backend f;
	struct smcsim_trace t;
	struct smcsim_invoke inv;
	struct arm_smccc_res res;
	char *text = NULL;
	size_t len = 0, lines = 0, i;
	FILE *echo;

	(void)state;
	echo = open_memstream(&text, &len);
	assert_non_null(echo);
	fake_init(&f);
	smcsim_trace_init(&t, fake_invoke_of(&f), echo);
	inv = smcsim_trace_invoke(&t);

	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	call0(&inv, OPTEE_SMC_EXCHANGE_CAPABILITIES, &res);
	call0(&inv, OPTEE_SMC_CALLS_UID, &res);
	assert_int_equal(fclose(echo), 0);

	assert_non_null(text);
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			lines++;
	assert_int_equal(lines, 3);
	assert_int_equal(text[len - 1], '\n');
	assert_non_null(strstr(text, "OPTEE_SMC_GET_THREAD_COUNT"));
	assert_non_null(strstr(text, "OPTEE_SMC_EXCHANGE_CAPABILITIES"));
	assert_non_null(strstr(text, "OPTEE_SMC_CALLS_UID"));
	/* In call order. */
	assert_true(strstr(text, "OPTEE_SMC_GET_THREAD_COUNT") <
		    strstr(text, "OPTEE_SMC_EXCHANGE_CAPABILITIES"));
	assert_true(strstr(text, "OPTEE_SMC_EXCHANGE_CAPABILITIES") <
		    strstr(text, "OPTEE_SMC_CALLS_UID"));
	free(text);

	smcsim_trace_fini(&t);
	fake_fini(&f);
}

#define TRACE_THREADS	8
#define TRACE_CALLS	500

/* Opened with rt_complete_all once every caller exists, so they overlap. */
static struct rt_completion trace_go;

struct trace_worker {
	struct rt_thread *thread;
	struct rt_completion done;
	int go_rc;
	struct smcsim_invoke inv;
	unsigned long idx;
	unsigned int bad_answers;
};

static void *trace_worker_fn(void *arg)
{
	struct trace_worker *w = arg;
	unsigned long i;

	w->go_rc = rt_wait_for_completion_timeout(&trace_go, WAIT_MS);
	for (i = 0; i < TRACE_CALLS; i++) {
		const unsigned long in[8] = {
			OPTEE_SMC_CALL_WITH_ARG, w->idx, i, 0xA3, 0xA4, 0xA5,
			0xA6, 0xA7,
		};
		struct arm_smccc_res res, want;

		call8(&w->inv, in, &res);
		fake_answer(in, &want);
		if (memcmp(&res, &want, sizeof(res)))
			w->bad_answers++;
	}
	rt_complete(&w->done);
	return NULL;
}

static void invoke_trace_concurrent_records_complete(void **state)
{
	static struct trace_worker w[TRACE_THREADS];
	static bool seen[TRACE_THREADS][TRACE_CALLS];
	struct fake_backend f;
	struct smcsim_trace t;
	struct smcsim_trace_rec rec;
	char name[16];
	size_t i;

	(void)state;
	memset(seen, 0, sizeof(seen));
	fake_init(&f);
	smcsim_trace_init(&t, fake_invoke_of(&f), NULL);
	rt_completion_init(&trace_go);

	for (i = 0; i < TRACE_THREADS; i++) {
		w[i].inv = smcsim_trace_invoke(&t);
		w[i].idx = i;
		w[i].bad_answers = 0;
		rt_completion_init(&w[i].done);
		snprintf(name, sizeof(name), "caller%zu", i);
		assert_int_equal(rt_thread_create(&w[i].thread, name,
						  trace_worker_fn, &w[i]), 0);
	}
	rt_complete_all(&trace_go);
	for (i = 0; i < TRACE_THREADS; i++) {
		assert_int_equal(
			rt_wait_for_completion_timeout(&w[i].done, WAIT_MS), 0);
		rt_thread_join(w[i].thread, NULL);
		rt_completion_destroy(&w[i].done);
		assert_int_equal(w[i].go_rc, 0);
		assert_int_equal(w[i].bad_answers, 0);
	}
	rt_completion_destroy(&trace_go);

	assert_int_equal(fake_calls(&f), TRACE_THREADS * TRACE_CALLS);
	assert_int_equal(smcsim_trace_count(&t), TRACE_THREADS * TRACE_CALLS);
	for (i = 0; i < TRACE_THREADS * TRACE_CALLS; i++) {
		struct arm_smccc_res want;

		assert_int_equal(smcsim_trace_get(&t, i, &rec), 0);
		assert_int_equal(rec.seq, i);
		assert_int_equal(rec.in[0], OPTEE_SMC_CALL_WITH_ARG);
		assert_in_range(rec.in[1], 0, TRACE_THREADS - 1);
		assert_in_range(rec.in[2], 0, TRACE_CALLS - 1);
		assert_false(seen[rec.in[1]][rec.in[2]]);
		seen[rec.in[1]][rec.in[2]] = true;
		/* Each record pairs its own inputs with its own outputs. */
		fake_answer(rec.in, &want);
		assert_int_equal(rec.out[0], want.a0);
		assert_int_equal(rec.out[1], want.a1);
		assert_int_equal(rec.out[2], want.a2);
		assert_int_equal(rec.out[3], want.a3);
	}
	assert_int_equal(smcsim_trace_get(&t, i, &rec), -ENOENT);

	smcsim_trace_fini(&t);
	fake_fini(&f);
}

/* ---- script ------------------------------------------------------------- */

static void invoke_script_steps_answered_in_order(void **state)
{
	static const struct smcsim_script_step steps[] = {
		{ OPTEE_SMC_EXCHANGE_CAPABILITIES, { 0, 0xF5, 0x41, 4 } },
		{ OPTEE_SMC_GET_THREAD_COUNT, { 0, 3, 0, 0 } },
		{ OPTEE_SMC_EXCHANGE_CAPABILITIES, { 7, 0, 0, 0 } },
	};
	struct smcsim_script s;
	struct smcsim_invoke inv;
	struct arm_smccc_res res;

	(void)state;
	smcsim_script_init(&s, steps, 3, NULL);
	inv = smcsim_script_invoke(&s);
	assert_false(smcsim_script_done(&s));

	call0(&inv, OPTEE_SMC_EXCHANGE_CAPABILITIES, &res);
	assert_memory_equal(&res, &steps[0].res, sizeof(res));
	assert_false(smcsim_script_done(&s));
	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_memory_equal(&res, &steps[1].res, sizeof(res));
	assert_false(smcsim_script_done(&s));
	/* The same a0 again gets the later step, not the first. */
	call0(&inv, OPTEE_SMC_EXCHANGE_CAPABILITIES, &res);
	assert_memory_equal(&res, &steps[2].res, sizeof(res));

	assert_true(smcsim_script_done(&s));
	assert_int_equal(s.mismatches, 0);
	smcsim_script_fini(&s);
}

static void invoke_script_empty_is_done(void **state)
{
	struct smcsim_script s;

	(void)state;
	smcsim_script_init(&s, NULL, 0, NULL);
	assert_true(smcsim_script_done(&s));
	smcsim_script_fini(&s);
}

static void invoke_script_other_a0_goes_to_inner(void **state)
{
	static const struct smcsim_script_step steps[] = {
		{ OPTEE_SMC_GET_THREAD_COUNT, { 0, 9, 0, 0 } },
	};
	const unsigned long in[8] = { OPTEE_SMC_CALLS_UID, 1, 2, 3, 4, 5, 6, 7 };
	struct fake_backend f;
	struct smcsim_invoke inner, inv;
	struct smcsim_script s;
	struct arm_smccc_res res, want;

	(void)state;
	fake_init(&f);
	inner = fake_invoke_of(&f);
	smcsim_script_init(&s, steps, 1, &inner);
	inv = smcsim_script_invoke(&s);

	call8(&inv, in, &res);
	fake_answer(in, &want);
	assert_memory_equal(&res, &want, sizeof(res));
	assert_int_equal(fake_calls(&f), 1);
	assert_memory_equal(f.last, in, sizeof(in));
	/* The step is still pending, and passing through is no mismatch. */
	assert_false(smcsim_script_done(&s));
	assert_int_equal(s.mismatches, 0);

	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(res.a0, 0);
	assert_int_equal(res.a1, 9);
	assert_int_equal(fake_calls(&f), 1);
	assert_true(smcsim_script_done(&s));

	/* Once the steps are used up, everything goes to the inner backend. */
	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(fake_calls(&f), 2);
	assert_int_equal(res.a0, OPTEE_SMC_GET_THREAD_COUNT);
	assert_true(smcsim_script_done(&s));

	smcsim_script_fini(&s);
	fake_fini(&f);
}

static void invoke_script_mismatch_without_inner(void **state)
{
	static const struct smcsim_script_step steps[] = {
		{ OPTEE_SMC_GET_THREAD_COUNT, { 0, 4, 0, 0 } },
	};
	struct smcsim_script s;
	struct smcsim_invoke inv;
	struct arm_smccc_res res;

	(void)state;
	smcsim_script_init(&s, steps, 1, NULL);
	inv = smcsim_script_invoke(&s);

	smcsim_invoke_call(&inv, OPTEE_SMC_CALLS_UID, 0x11, 0x22, 0x33, 0x44,
			   0x55, 0x66, 0x77, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(res.a1, 0x11);
	assert_int_equal(res.a2, 0x22);
	assert_int_equal(res.a3, 0x33);
	assert_int_equal(s.mismatches, 1);
	assert_int_equal(s.last_mismatch_a0, OPTEE_SMC_CALLS_UID);
	assert_false(smcsim_script_done(&s));

	/* The pending step still answers its call... */
	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(res.a0, 0);
	assert_int_equal(res.a1, 4);
	/* ...but a script that saw a mismatch is never done. */
	assert_false(smcsim_script_done(&s));

	/* A call past the last step is a mismatch too. */
	smcsim_invoke_call(&inv, OPTEE_SMC_GET_THREAD_COUNT, 1, 2, 3, 0, 0, 0,
			   0, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(res.a1, 1);
	assert_int_equal(res.a2, 2);
	assert_int_equal(res.a3, 3);
	assert_int_equal(s.mismatches, 2);
	assert_int_equal(s.last_mismatch_a0, OPTEE_SMC_GET_THREAD_COUNT);
	smcsim_script_fini(&s);
}

/* An inner backend with a NULL fn is no inner backend. */
static void invoke_script_null_inner_fn_is_none(void **state)
{
	static const struct smcsim_script_step steps[] = {
		{ OPTEE_SMC_GET_THREAD_COUNT, { 0, 4, 0, 0 } },
	};
	const struct smcsim_invoke none = { .fn = NULL, .ctx = NULL };
	struct smcsim_script s;
	struct smcsim_invoke inv;
	struct arm_smccc_res res;

	(void)state;
	smcsim_script_init(&s, steps, 1, &none);
	inv = smcsim_script_invoke(&s);
	call0(&inv, OPTEE_SMC_CALLS_COUNT, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(s.mismatches, 1);
	smcsim_script_fini(&s);
}

/* ---- over the simulator ------------------------------------------------- */

struct sim_world {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
};

static void sim_world_create(struct sim_world *w, unsigned int num_threads)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config cfg;

	smcsim_phys_config_default(&pcfg);
	assert_int_equal(smcsim_phys_create(&pcfg, &w->phys), 0);
	smcsim_sw_config_default(&cfg, SMCSIM_ABI_PROPOSAL, w->phys);
	if (num_threads)
		cfg.num_threads = num_threads;
	assert_int_equal(smcsim_sw_create(&cfg, &w->sw), 0);
}

static void sim_world_destroy(struct sim_world *w)
{
	smcsim_sw_destroy(w->sw);
	smcsim_phys_destroy(w->phys);
}

static void invoke_script_over_sim_overrides_one_call(void **state)
{
	static const struct smcsim_script_step steps[] = {
		{ OPTEE_SMC_GET_THREAD_COUNT, { OPTEE_SMC_RETURN_OK, 7, 0, 0 } },
	};
	struct sim_world w;
	struct smcsim_invoke sim, inv;
	struct smcsim_script s;
	struct smcsim_trace t;
	struct smcsim_trace_rec rec;
	struct arm_smccc_res res;

	(void)state;
	sim_world_create(&w, 0);
	sim = smcsim_invoke_sim(w.sw);
	smcsim_script_init(&s, steps, 1, &sim);
	/* trace -> script -> sim: the wrappers compose. */
	smcsim_trace_init(&t, smcsim_script_invoke(&s), NULL);
	inv = smcsim_trace_invoke(&t);

	call0(&inv, OPTEE_SMC_CALLS_UID, &res);
	assert_int_equal(res.a0, OPTEE_MSG_UID_0);
	assert_int_equal(res.a1, OPTEE_MSG_UID_1);
	assert_int_equal(res.a2, OPTEE_MSG_UID_2);
	assert_int_equal(res.a3, OPTEE_MSG_UID_3);
	assert_int_equal(smcsim_sw_calls(w.sw), 1);

	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(res.a1, 7);
	/* The overridden call never reached the simulator. */
	assert_int_equal(smcsim_sw_calls(w.sw), 1);
	assert_true(smcsim_script_done(&s));

	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(res.a1, SMCSIM_SW_DEFAULT_THREADS);
	assert_int_equal(smcsim_sw_calls(w.sw), 2);

	call0(&inv, OPTEE_SMC_EXCHANGE_CAPABILITIES, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(res.a1, smcsim_sw_sec_caps(w.sw));
	assert_int_equal(smcsim_sw_calls(w.sw), 3);

	assert_int_equal(smcsim_trace_count(&t), 4);
	assert_int_equal(smcsim_trace_get(&t, 1, &rec), 0);
	assert_int_equal(rec.in[0], OPTEE_SMC_GET_THREAD_COUNT);
	assert_int_equal(rec.out[1], 7);
	assert_int_equal(smcsim_trace_get(&t, 2, &rec), 0);
	assert_int_equal(rec.out[1], SMCSIM_SW_DEFAULT_THREADS);
	assert_true(smcsim_script_done(&s));

	smcsim_trace_fini(&t);
	smcsim_script_fini(&s);
	sim_world_destroy(&w);
}

static void invoke_sim_two_worlds_independent(void **state)
{
	struct sim_world w1, w2;
	struct smcsim_invoke inv1, inv2;
	struct arm_smccc_res res;
	int round;

	(void)state;
	sim_world_create(&w1, 2);
	sim_world_create(&w2, 5);
	inv1 = smcsim_invoke_sim(w1.sw);
	inv2 = smcsim_invoke_sim(w2.sw);
	assert_ptr_equal(inv1.ctx, w1.sw);
	assert_ptr_equal(inv2.ctx, w2.sw);

	for (round = 0; round < 3; round++) {
		call0(&inv1, OPTEE_SMC_GET_THREAD_COUNT, &res);
		assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
		assert_int_equal(res.a1, 2);
		call0(&inv2, OPTEE_SMC_GET_THREAD_COUNT, &res);
		assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
		assert_int_equal(res.a1, 5);
	}
	assert_int_equal(smcsim_sw_calls(w1.sw), 3);
	assert_int_equal(smcsim_sw_calls(w2.sw), 3);

	/* Registers a call does not set come back as the caller's a1..a3. */
	smcsim_invoke_call(&inv2, 0xB2001234UL, 0x11, 0x22, 0x33, 0, 0, 0, 0,
			   &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	assert_int_equal(res.a1, 0x11);
	assert_int_equal(res.a2, 0x22);
	assert_int_equal(res.a3, 0x33);
	assert_int_equal(smcsim_sw_calls(w1.sw), 3);
	assert_int_equal(smcsim_sw_calls(w2.sw), 4);

	sim_world_destroy(&w2);
	sim_world_destroy(&w1);
}

/* ---- fault ------------------------------------------------------------- */

static const struct smcsim_fault_spec fault_ebusy = {
	.action = SMCSIM_FAULT_RETURN,
	.res = { OPTEE_SMC_RETURN_EBUSY, 0x11, 0x22, 0x33 },
};

static void fault_call_i(const struct smcsim_invoke *inv, unsigned long a0,
			 unsigned long i, struct arm_smccc_res *res)
{
	smcsim_invoke_call(inv, a0, i, 2 * i, 3 * i, 4, 5, 6, 7, res);
}

static void invoke_fault_count_mode_passes_every_call(void **state)
{
	struct fake_backend f;
	struct smcsim_fault flt;
	struct smcsim_invoke inv;
	struct arm_smccc_res res, want;
	unsigned long i;

	(void)state;
	fake_init(&f);
	smcsim_fault_init(&flt, fake_invoke_of(&f));
	inv = smcsim_fault_invoke(&flt);
	for (i = 0; i < 10; i++) {
		const unsigned long in[8] = {
			OPTEE_SMC_CALL_WITH_ARG + i, i, 2 * i, 3 * i, 4, 5, 6, 7,
		};

		call8(&inv, in, &res);
		fake_answer(in, &want);
		assert_memory_equal(&res, &want, sizeof(res));
		assert_memory_equal(f.last, in, sizeof(in));
	}
	assert_int_equal(smcsim_fault_calls(&flt), 10);
	assert_int_equal(fake_calls(&f), 10);
	assert_int_equal(smcsim_fault_fired(&flt), 0);
	smcsim_fault_fini(&flt);
	fake_fini(&f);
}

static void invoke_fault_countdown_fires_once_at_index(void **state)
{
	struct fake_backend f;
	struct smcsim_fault flt;
	struct smcsim_invoke inv;
	struct arm_smccc_res res;
	unsigned long i;

	(void)state;
	fake_init(&f);
	smcsim_fault_init(&flt, fake_invoke_of(&f));
	inv = smcsim_fault_invoke(&flt);
	/* 0-based: the third call. */
	smcsim_fault_arm_at(&flt, 2, &fault_ebusy);
	for (i = 0; i < 5; i++) {
		fault_call_i(&inv, OPTEE_SMC_CALL_WITH_ARG, i, &res);
		if (i == 2) {
			assert_memory_equal(&res, &fault_ebusy.res, sizeof(res));
			/* Answered without the inner backend. */
			assert_int_equal(fake_calls(&f), 2);
		} else {
			assert_int_equal(res.a0, OPTEE_SMC_CALL_WITH_ARG + 4);
			assert_int_equal(f.last[1], i);
		}
	}
	assert_int_equal(fake_calls(&f), 4);
	assert_int_equal(smcsim_fault_calls(&flt), 5);
	assert_int_equal(smcsim_fault_fired(&flt), 1);
	assert_int_equal(flt.last_fired, 2);

	/* An index already passed never fires. */
	smcsim_fault_arm_at(&flt, 3, &fault_ebusy);
	fault_call_i(&inv, OPTEE_SMC_CALL_WITH_ARG, 9, &res);
	assert_int_equal(res.a0, OPTEE_SMC_CALL_WITH_ARG + 4);
	assert_int_equal(smcsim_fault_fired(&flt), 1);

	/* Disarmed, the next index does not fire either. */
	smcsim_fault_arm_at(&flt, 7, &fault_ebusy);
	smcsim_fault_disarm(&flt);
	fault_call_i(&inv, OPTEE_SMC_CALL_WITH_ARG, 9, &res);
	assert_int_equal(res.a0, OPTEE_SMC_CALL_WITH_ARG + 4);
	assert_int_equal(smcsim_fault_fired(&flt), 1);
	smcsim_fault_fini(&flt);
	fake_fini(&f);
}

/**
 * struct fault_pred_log - what the predicate saw
 * @seen:	calls offered
 * @idx:	index of each
 * @a1:		a1 of each
 * @a7:		a7 of each
 */
struct fault_pred_log {
	unsigned int seen;
	uint64_t idx[16];
	unsigned long a1[16];
	unsigned long a7[16];
};

/* Fires on odd a1. */
static bool fault_pred_odd_a1(void *arg, uint64_t index,
			      const unsigned long a[8])
{
	struct fault_pred_log *log = arg;

	if (log->seen < 16) {
		log->idx[log->seen] = index;
		log->a1[log->seen] = a[1];
		log->a7[log->seen] = a[7];
	}
	log->seen++;
	return a[1] & 1;
}

static void invoke_fault_predicate_sees_registers_and_index(void **state)
{
	struct fault_pred_log log = { 0 };
	struct fake_backend f;
	struct smcsim_fault flt;
	struct smcsim_invoke inv;
	struct arm_smccc_res res;
	unsigned long i;

	(void)state;
	fake_init(&f);
	smcsim_fault_init(&flt, fake_invoke_of(&f));
	inv = smcsim_fault_invoke(&flt);
	smcsim_fault_set_pred(&flt, fault_pred_odd_a1, &log, &fault_ebusy);
	for (i = 0; i < 8; i++) {
		fault_call_i(&inv, OPTEE_SMC_CALLS_UID, 10 + i, &res);
		assert_int_equal(res.a0, i & 1 ? OPTEE_SMC_RETURN_EBUSY :
						 OPTEE_SMC_CALLS_UID + 4);
	}
	assert_int_equal(log.seen, 8);
	for (i = 0; i < 8; i++) {
		assert_int_equal(log.idx[i], i);
		assert_int_equal(log.a1[i], 10 + i);
		assert_int_equal(log.a7[i], 7);
	}
	assert_int_equal(smcsim_fault_fired(&flt), 4);
	assert_int_equal(fake_calls(&f), 4);

	smcsim_fault_set_pred(&flt, NULL, NULL, NULL);
	fault_call_i(&inv, OPTEE_SMC_CALLS_UID, 1, &res);
	assert_int_equal(res.a0, OPTEE_SMC_CALLS_UID + 4);
	assert_int_equal(log.seen, 8);
	smcsim_fault_fini(&flt);
	fake_fini(&f);
}

static void invoke_fault_override_replaces_masked_registers(void **state)
{
	const struct smcsim_fault_spec corrupt = {
		.action = SMCSIM_FAULT_OVERRIDE,
		.res = { 0xa0, 0xa1, 0xa2, 0xa3 },
		.mask = 0xe,	/* a1..a3 */
	};
	const unsigned long in[8] = { OPTEE_SMC_CALL_WITH_ARG, 1, 2, 3, 4, 5,
				      6, 7 };
	struct fake_backend f;
	struct smcsim_fault flt;
	struct smcsim_invoke inv;
	struct arm_smccc_res res, want;

	(void)state;
	fake_init(&f);
	smcsim_fault_init(&flt, fake_invoke_of(&f));
	inv = smcsim_fault_invoke(&flt);
	smcsim_fault_arm_at(&flt, 0, &corrupt);
	call8(&inv, in, &res);
	fake_answer(in, &want);
	/* The inner backend answered, with a0 kept... */
	assert_int_equal(fake_calls(&f), 1);
	assert_memory_equal(f.last, in, sizeof(in));
	assert_int_equal(res.a0, want.a0);
	/* ... and a1..a3 replaced. */
	assert_int_equal(res.a1, 0xa1);
	assert_int_equal(res.a2, 0xa2);
	assert_int_equal(res.a3, 0xa3);
	assert_int_equal(smcsim_fault_fired(&flt), 1);
	smcsim_fault_fini(&flt);
	fake_fini(&f);
}

static void invoke_fault_rpc_storm_then_call_goes_through(void **state)
{
	const struct smcsim_fault_spec storm = {
		.action = SMCSIM_FAULT_RPC_STORM,
		.storm = 3,
	};
	const unsigned long in[8] = { OPTEE_SMC_CALL_WITH_ARG, 0x10, 0x20,
				      0x30, 0x40, 0x50, 0x60, 0x70 };
	struct fake_backend f;
	struct smcsim_fault flt;
	struct smcsim_invoke inv;
	struct arm_smccc_res res, want;
	unsigned long tid;
	int i;

	(void)state;
	fake_init(&f);
	smcsim_fault_init(&flt, fake_invoke_of(&f));
	inv = smcsim_fault_invoke(&flt);
	smcsim_fault_arm_at(&flt, 0, &storm);
	call8(&inv, in, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	tid = res.a3;
	assert_true(tid >= SMCSIM_FAULT_STORM_TID_BASE);
	assert_int_equal(smcsim_fault_storms_active(&flt), 1);

	/* Another caller's RETURN_FROM_RPC is not the storm's. */
	smcsim_invoke_call(&inv, OPTEE_SMC_CALL_RETURN_FROM_RPC, 0, 0, 1, 0,
			   0, 0, 0, &res);
	assert_int_equal(fake_calls(&f), 1);

	for (i = 0; i < 2; i++) {
		/* The driver echoes a1..a3 of the RPC. */
		smcsim_invoke_call(&inv, OPTEE_SMC_CALL_RETURN_FROM_RPC, 0, 0,
				   tid, 0, 0, 0, 0, &res);
		assert_int_equal(res.a0, OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
		assert_int_equal(res.a3, tid);
		assert_int_equal(fake_calls(&f), 1);
	}
	/* Spent: the original call reaches the inner backend, once. */
	smcsim_invoke_call(&inv, OPTEE_SMC_CALL_RETURN_FROM_RPC, 0, 0, tid, 0,
			   0, 0, 0, &res);
	fake_answer(in, &want);
	assert_memory_equal(&res, &want, sizeof(res));
	assert_int_equal(fake_calls(&f), 2);
	assert_memory_equal(f.last, in, sizeof(in));
	assert_int_equal(smcsim_fault_swallowed(&flt), 3);
	assert_int_equal(smcsim_fault_storms_active(&flt), 0);
	/* The swallowed calls have no index. */
	assert_int_equal(smcsim_fault_calls(&flt), 2);
	assert_int_equal(smcsim_fault_fired(&flt), 1);

	/* A fast call cannot be suspended: a storm does not fire on it. */
	smcsim_fault_arm_at(&flt, 2, &storm);
	call0(&inv, OPTEE_SMC_CALLS_UID, &res);
	assert_int_equal(res.a0, OPTEE_SMC_CALLS_UID);
	assert_int_equal(smcsim_fault_fired(&flt), 1);
	assert_int_equal(smcsim_fault_storms_active(&flt), 0);
	smcsim_fault_fini(&flt);
	fake_fini(&f);
}

static void invoke_fault_over_script(void **state)
{
	static const struct smcsim_script_step steps[] = {
		{ OPTEE_SMC_GET_THREAD_COUNT, { OPTEE_SMC_RETURN_OK, 7, 0, 0 } },
	};
	const struct smcsim_fault_spec enomem = {
		.action = SMCSIM_FAULT_RETURN,
		.res = { OPTEE_SMC_RETURN_ENOMEM },
	};
	struct smcsim_script s;
	struct smcsim_fault flt;
	struct smcsim_invoke inv;
	struct arm_smccc_res res;

	(void)state;
	smcsim_script_init(&s, steps, 1, NULL);
	smcsim_fault_init(&flt, smcsim_script_invoke(&s));
	inv = smcsim_fault_invoke(&flt);
	smcsim_fault_arm_at(&flt, 0, &enomem);
	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ENOMEM);
	/* The script never saw it: its step is still there. */
	assert_false(smcsim_script_done(&s));
	call0(&inv, OPTEE_SMC_GET_THREAD_COUNT, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_OK);
	assert_int_equal(res.a1, 7);
	assert_true(smcsim_script_done(&s));
	smcsim_fault_fini(&flt);
	smcsim_script_fini(&s);
}

static void invoke_fault_over_sim(void **state)
{
	const struct smcsim_fault_spec ethread = {
		.action = SMCSIM_FAULT_RETURN,
		.res = { OPTEE_SMC_RETURN_ETHREAD_LIMIT },
	};
	const struct smcsim_fault_spec storm = {
		.action = SMCSIM_FAULT_RPC_STORM,
		.storm = 5,
	};
	struct sim_world w;
	struct smcsim_fault flt;
	struct smcsim_invoke inv;
	struct arm_smccc_res res, real;
	unsigned int n = 0;

	(void)state;
	sim_world_create(&w, 2);
	smcsim_fault_init(&flt, smcsim_invoke_sim(w.sw));
	inv = smcsim_fault_invoke(&flt);

	/* What the world answers a yielding call without an argument. */
	call0(&inv, OPTEE_SMC_CALL_WITH_ARG, &real);
	assert_false(optee_smc_return_is_rpc(real.a0));
	assert_int_equal(smcsim_sw_calls(w.sw), 1);

	smcsim_fault_arm_at(&flt, 1, &ethread);
	call0(&inv, OPTEE_SMC_CALL_WITH_ARG, &res);
	assert_int_equal(res.a0, OPTEE_SMC_RETURN_ETHREAD_LIMIT);
	assert_int_equal(smcsim_sw_calls(w.sw), 1);

	smcsim_fault_arm_at(&flt, 2, &storm);
	call0(&inv, OPTEE_SMC_CALL_WITH_ARG, &res);
	while (res.a0 == OPTEE_SMC_RETURN_RPC_FOREIGN_INTR && n++ < 10) {
		/* The world is not entered while the storm lasts. */
		assert_int_equal(smcsim_sw_calls(w.sw), 1);
		smcsim_invoke_call(&inv, OPTEE_SMC_CALL_RETURN_FROM_RPC,
				   res.a1, res.a2, res.a3, 0, 0, 0, 0, &res);
	}
	assert_int_equal(n, 5);
	assert_int_equal(res.a0, real.a0);
	assert_int_equal(smcsim_sw_calls(w.sw), 2);
	for (n = 0; n < smcsim_sw_num_threads(w.sw); n++)
		assert_int_equal(smcsim_sw_thread_state(w.sw, n),
				 SMCSIM_SW_THREAD_FREE);
	assert_int_equal(smcsim_fault_fired(&flt), 2);
	smcsim_fault_fini(&flt);
	sim_world_destroy(&w);
}

#define FAULT_THREADS	4
#define FAULT_CALLS	2000

/* Fires on every even index. */
static bool fault_pred_even(void *arg, uint64_t index, const unsigned long a[8])
{
	return !(index & 1);
}

struct fault_worker {
	struct rt_thread *thread;
	struct smcsim_invoke inv;
	unsigned int faulted;
	unsigned int passed;
	unsigned int storms;
};

static void *fault_worker_fn(void *arg)
{
	struct fault_worker *w = arg;
	struct arm_smccc_res res;
	unsigned int i;

	for (i = 0; i < FAULT_CALLS; i++) {
		call0(&w->inv, OPTEE_SMC_CALL_WITH_ARG, &res);
		if (res.a0 == OPTEE_SMC_RETURN_RPC_FOREIGN_INTR) {
			w->storms++;
			smcsim_invoke_call(&w->inv,
					   OPTEE_SMC_CALL_RETURN_FROM_RPC,
					   res.a1, res.a2, res.a3, 0, 0, 0, 0,
					   &res);
		}
		if (res.a0 == OPTEE_SMC_CALL_WITH_ARG)
			w->passed++;
		else
			w->faulted++;
	}
	return NULL;
}

static void invoke_fault_concurrent_callers_counted(void **state)
{
	static const struct smcsim_fault_spec storm = {
		.action = SMCSIM_FAULT_RPC_STORM,
		.storm = 1,
	};
	static struct fault_worker w[FAULT_THREADS];
	unsigned int i, passed = 0, faulted = 0, storms = 0;
	struct fake_backend f;
	struct smcsim_fault flt;

	(void)state;
	fake_init(&f);
	smcsim_fault_init(&flt, fake_invoke_of(&f));
	smcsim_fault_set_pred(&flt, fault_pred_even, NULL, &storm);
	for (i = 0; i < FAULT_THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].inv = smcsim_fault_invoke(&flt);
		assert_int_equal(rt_thread_create(&w[i].thread, "caller",
						  fault_worker_fn, &w[i]), 0);
	}
	for (i = 0; i < FAULT_THREADS; i++) {
		rt_thread_join(w[i].thread, NULL);
		passed += w[i].passed;
		faulted += w[i].faulted;
		storms += w[i].storms;
	}
	/* Every call got its own answer at last, each storm its own. */
	assert_int_equal(passed, FAULT_THREADS * FAULT_CALLS);
	assert_int_equal(faulted, 0);
	assert_int_equal(storms, FAULT_THREADS * FAULT_CALLS / 2);
	assert_int_equal(smcsim_fault_calls(&flt), FAULT_THREADS * FAULT_CALLS);
	assert_int_equal(smcsim_fault_fired(&flt), storms);
	assert_int_equal(smcsim_fault_swallowed(&flt), storms);
	assert_int_equal(fake_calls(&f), FAULT_THREADS * FAULT_CALLS);
	assert_int_equal(smcsim_fault_storms_active(&flt), 0);
	smcsim_fault_fini(&flt);
	fake_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(invoke_trace_records_every_call_in_order),
		cmocka_unit_test(invoke_trace_get_out_of_range),
		cmocka_unit_test(invoke_trace_grows_past_initial_capacity),
		cmocka_unit_test(invoke_trace_ring_keeps_last_n),
		cmocka_unit_test(invoke_trace_format_decodes_name),
		cmocka_unit_test(invoke_trace_format_data_calls_show_raw_a0),
		cmocka_unit_test(invoke_trace_echo_one_line_per_call),
		cmocka_unit_test(invoke_trace_concurrent_records_complete),
		cmocka_unit_test(invoke_script_steps_answered_in_order),
		cmocka_unit_test(invoke_script_empty_is_done),
		cmocka_unit_test(invoke_script_other_a0_goes_to_inner),
		cmocka_unit_test(invoke_script_mismatch_without_inner),
		cmocka_unit_test(invoke_script_null_inner_fn_is_none),
		cmocka_unit_test(invoke_script_over_sim_overrides_one_call),
		cmocka_unit_test(invoke_sim_two_worlds_independent),
		cmocka_unit_test(invoke_fault_count_mode_passes_every_call),
		cmocka_unit_test(invoke_fault_countdown_fires_once_at_index),
		cmocka_unit_test(invoke_fault_predicate_sees_registers_and_index),
		cmocka_unit_test(invoke_fault_override_replaces_masked_registers),
		cmocka_unit_test(invoke_fault_rpc_storm_then_call_goes_through),
		cmocka_unit_test(invoke_fault_over_script),
		cmocka_unit_test(invoke_fault_over_sim),
		cmocka_unit_test(invoke_fault_concurrent_callers_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
