/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conformance suite's runner: a small TAP harness. It walks the case
 * tables, runs each case whose name matches the filter, and prints one
 * "ok"/"not ok" line per case with the first failure's file:line and why.
 * After each case, pass or fail, it finishes the calls the case left held
 * in an RPC and runs the case's cleanups, last registered first, so one
 * failure does not cascade into the next case.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

static const struct conf_case *const conf_tables[] = {
	conf_cases_fast,
	conf_cases_std,
	conf_cases_thread,
	conf_cases_pta,
	conf_cases_shm,
	conf_cases_drv,
};

bool conf_fail(struct conf *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	const char *base = strrchr(file, '/');

	if (c->failed)
		return false;
	c->failed = true;
	c->file = base ? base + 1 : file;
	c->line = line;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return false;
}

bool conf_failed(const struct conf *c)
{
	return c->failed;
}

void conf_note(struct conf *c, const char *fmt, ...)
{
	va_list ap;
	size_t used = strlen(c->notes);
	int n;

	if (used + 4 >= sizeof(c->notes))
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->notes + used, sizeof(c->notes) - used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	used = strlen(c->notes);
	if (used + 1 < sizeof(c->notes)) {
		c->notes[used] = '\n';
		c->notes[used + 1] = '\0';
	}
}

bool conf_defer(struct conf *c, conf_cleanup_fn fn, void *p, uint64_t a,
		uint64_t b)
{
	struct conf_cleanup *d;

	if (c->ndefer == CONF_MAX_CLEANUPS)
		return conf_fail(c, __FILE__, __LINE__,
				 "more than %d cleanups", CONF_MAX_CLEANUPS);
	d = &c->defer[c->ndefer++];
	d->fn = fn;
	d->p = p;
	d->a = a;
	d->b = b;
	return true;
}

const struct conf_target *conf_target(const struct conf *c)
{
	return c->t;
}

/* Print @text as "# " lines. */
static void conf_print_notes(const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		printf("# %.*s\n", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

void conf_run_cleanups(struct conf *c)
{
	unsigned int i;

	/* A call held in an RPC owns a secure thread: give them back first,
	 * so the cleanups' own yielding calls find a free one. */
	if (!conf_resume_all(c, NULL))
		conf_note(c, "cleanup: a held call did not end");
	while (c->ndefer) {
		struct conf_cleanup *d = &c->defer[--c->ndefer];

		d->fn(c, d->p, d->a, d->b);
	}
	for (i = 0; i < CONF_MAX_NW; i++) {
		free(c->nw[i]);
		c->nw[i] = NULL;
	}
	c->nw_default = NULL;
}

/*
 * After each case: is the secure world at rest, as every case must leave
 * it? Every thread free and the RPC-argument cache empty (DISABLE_SHM_CACHE
 * answers ENOTAVAIL, not EBUSY or a cookie), and no session open (a new
 * one is number 1). A case that leaks fails here, not the next one.
 */
static void conf_check_rest(struct conf *c)
{
	struct arm_smccc_res r;
	uint32_t ret = ~0U, s;

	conf_fast(c, OPTEE_SMC_DISABLE_SHM_CACHE, 0, 0, 0, &r);
	if (CONF_W(r.a0) != OPTEE_SMC_RETURN_ENOTAVAIL) {
		conf_fail(c, __FILE__, __LINE__,
			  "left behind: DISABLE_SHM_CACHE a0 0x%x (EBUSY: a "
			  "thread is taken; OK: the cache kept 0x%x%08x)",
			  CONF_W(r.a0), CONF_W(r.a1), CONF_W(r.a2));
		return;
	}
	s = conf_open_kept(c, conf_uuid_device_pta, OPTEE_MSG_LOGIN_PUBLIC,
			   &ret, NULL);
	if (ret == TEE_SUCCESS) {
		conf_close(c, s, NULL);
		if (s != 1)
			conf_fail(c, __FILE__, __LINE__,
				  "left behind: %u session(s) open (a new "
				  "one is number %u)", s - 1, s);
	} else if (!conf_failed(c)) {
		conf_fail(c, __FILE__, __LINE__,
			  "left behind: the device PTA does not open: 0x%x",
			  ret);
	}
	conf_run_cleanups(c);
}

static bool conf_match(const char *name, const char *filter)
{
	return !filter || !*filter || strstr(name, filter);
}

int conf_run(const struct conf_target *t, const char *filter)
{
	struct conf *c;
	unsigned int total = 0, idx = 0, failed = 0;
	size_t i;

	for (i = 0; i < sizeof(conf_tables) / sizeof(conf_tables[0]); i++) {
		const struct conf_case *k;

		for (k = conf_tables[i]; k->name; k++)
			if (conf_match(k->name, filter))
				total++;
	}
	printf("TAP version 13\n");
	printf("# smcsim conformance suite, target %s\n",
	       t && t->name ? t->name : "?");
	printf("1..%u\n", total);
	if (!total) {
		printf("Bail out! no case matches \"%s\"\n",
		       filter ? filter : "");
		return 1;
	}
	fflush(stdout);
	c = calloc(1, sizeof(*c));
	if (!c) {
		printf("Bail out! no memory\n");
		return total ? (int)total : 1;
	}
	for (i = 0; i < sizeof(conf_tables) / sizeof(conf_tables[0]); i++) {
		const struct conf_case *k;

		for (k = conf_tables[i]; k->name; k++) {
			if (!conf_match(k->name, filter))
				continue;
			memset(c, 0, sizeof(*c));
			c->t = t;
			idx++;
			if (!t || !t->invoke.fn || !t->phys)
				conf_fail(c, __FILE__, __LINE__,
					  "the target has no conduit or "
					  "memory map");
			else
				k->fn(c);
			/* Cleanup failures are reported against the case. */
			conf_run_cleanups(c);
			if (t && t->invoke.fn && t->phys)
				conf_check_rest(c);
			printf("%s %u - %s\n", c->failed ? "not ok" : "ok", idx,
			       k->name);
			if (c->failed)
				printf("# %s:%d: %s\n", c->file, c->line,
				       c->why);
			conf_print_notes(c->notes);
			fflush(stdout);
			if (c->failed)
				failed++;
		}
	}
	free(c);
	return (int)failed;
}
