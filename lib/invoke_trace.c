// SPDX-License-Identifier: BSD-2-Clause
/*
 * The `trace` invoke wrapper: forwards every call to the inner backend and
 * records a0..a7 in and a0..a3 out (the fields of Linux's
 * optee_invoke_fn_begin/end tracepoints): a ring of the last N calls, so a
 * run of any length holds N records at most.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/abi_names.h>
#include <smcsim/alloc.h>
#include <smcsim/invoke.h>
#include <smcsim/optee_smc.h>

void smcsim_trace_init_ring(struct smcsim_trace *t, struct smcsim_invoke inner,
			    FILE *echo, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->inner = inner;
	t->echo = echo;
	rt_mutex_init(&t->lock);
	/* Allocated once: a failure leaves a wrapper that only counts. */
	if (cap)
		t->recs = calloc(cap, sizeof(*t->recs));
	t->cap = t->recs ? cap : 0;
}

void smcsim_trace_init(struct smcsim_trace *t, struct smcsim_invoke inner,
		       FILE *echo)
{
	smcsim_trace_init_ring(t, inner, echo, SMCSIM_TRACE_DEFAULT_RECS);
}

void smcsim_trace_fini(struct smcsim_trace *t)
{
	rt_mutex_destroy(&t->lock);
	free(t->recs);
	t->recs = NULL;
	t->cap = 0;
}

static void trace_store(struct smcsim_trace *t, struct smcsim_trace_rec *rec)
{
	rt_mutex_lock(&t->lock);
	rec->seq = t->seq++;
	if (t->cap)
		t->recs[rec->seq % t->cap] = *rec;
	rt_mutex_unlock(&t->lock);
}

static void trace_invoke(void *ctx, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3, unsigned long a4,
			 unsigned long a5, unsigned long a6, unsigned long a7,
			 struct arm_smccc_res *res)
{
	struct smcsim_trace *t = ctx;
	struct smcsim_trace_rec rec = {
		.in = { a0, a1, a2, a3, a4, a5, a6, a7 },
	};

	smcsim_invoke_call(&t->inner, a0, a1, a2, a3, a4, a5, a6, a7, res);
	rec.out[0] = res->a0;
	rec.out[1] = res->a1;
	rec.out[2] = res->a2;
	rec.out[3] = res->a3;
	trace_store(t, &rec);
	if (t->echo) {
		char line[256];

		smcsim_trace_format(&rec, line, sizeof(line));
		fprintf(t->echo, "%s\n", line);
	}
}

struct smcsim_invoke smcsim_trace_invoke(struct smcsim_trace *t)
{
	return (struct smcsim_invoke){ .fn = trace_invoke, .ctx = t };
}

size_t smcsim_trace_count(struct smcsim_trace *t)
{
	size_t n;

	rt_mutex_lock(&t->lock);
	n = (size_t)t->seq;
	rt_mutex_unlock(&t->lock);
	return n;
}

/* Caller holds t->lock. */
static uint64_t trace_first_locked(const struct smcsim_trace *t)
{
	return t->seq > t->cap ? t->seq - t->cap : 0;
}

size_t smcsim_trace_first(struct smcsim_trace *t)
{
	size_t n;

	rt_mutex_lock(&t->lock);
	n = (size_t)trace_first_locked(t);
	rt_mutex_unlock(&t->lock);
	return n;
}

int smcsim_trace_get(struct smcsim_trace *t, size_t i,
		     struct smcsim_trace_rec *rec)
{
	int rc = -ENOENT;

	rt_mutex_lock(&t->lock);
	if (i < t->seq && i >= trace_first_locked(t)) {
		*rec = t->recs[i % t->cap];
		rc = 0;
	}
	rt_mutex_unlock(&t->lock);
	return rc;
}

int smcsim_trace_format(const struct smcsim_trace_rec *rec, char *buf,
			size_t len)
{
	char nbuf[48], rbuf[48], raw[24];
	const char *fname = smcsim_smc_name(rec->in[0], nbuf, sizeof(nbuf));
	const char *rname;

	if (smcsim_smc_returns_data(rec->in[0])) {
		snprintf(raw, sizeof(raw), "0x%lx", rec->out[0]);
		rname = raw;
	} else {
		rname = smcsim_smc_ret_name(rec->out[0], rbuf, sizeof(rbuf));
	}
	return snprintf(buf, len,
			"#%-3llu %-36s in  a1=0x%08lx a2=0x%08lx a3=0x%08lx"
			" -> %-16s a1=0x%08lx a2=0x%08lx a3=0x%08lx",
			(unsigned long long)rec->seq, fname, rec->in[1],
			rec->in[2], rec->in[3], rname, rec->out[1],
			rec->out[2], rec->out[3]);
}
