/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers for the cases that go through the normal-world driver: probe it
 * on the target as a platform would (the target's conduit, memory map and
 * notification line), and open client contexts. Both are undone when the
 * case ends.
 */
#include <string.h>

#include <smcsim/optee.h>
#include <smcsim/tee_drv.h>

#include "conf_int.h"

static void conf_remove(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	(void)c;
	(void)a;
	(void)b;
	optee_remove(p);
}

static void conf_irq_destroy(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	(void)c;
	(void)a;
	(void)b;
	smcsim_irq_destroy(p);
}

struct optee *conf_probe(struct conf *c)
{
	return conf_probe_with(c, c->t->invoke);
}

struct optee *conf_probe_with(struct conf *c, struct smcsim_invoke invoke)
{
	struct optee_probe_cfg cfg;
	struct optee *optee = NULL;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.invoke = invoke;
	cfg.phys = c->t->phys;
	cfg.profile = SMCSIM_ABI_UPSTREAM;
	cfg.notif_irq = c->t->notif_irq;
	if (!cfg.notif_irq) {
		/* A target without the line polls: give the driver a line
		 * nobody raises, as a platform whose interrupt is wired
		 * but never fires. */
		if (smcsim_irq_create("conf-notif", &cfg.notif_irq)) {
			conf_fail(c, __FILE__, __LINE__, "no irq line");
			return NULL;
		}
		if (!conf_defer(c, conf_irq_destroy, cfg.notif_irq, 0, 0)) {
			smcsim_irq_destroy(cfg.notif_irq);
			return NULL;
		}
	}
	rc = optee_probe(&cfg, &optee);
	if (rc) {
		conf_fail(c, __FILE__, __LINE__, "optee_probe: %d", rc);
		return NULL;
	}
	if (!conf_defer(c, conf_remove, optee, 0, 0)) {
		optee_remove(optee);
		return NULL;
	}
	return optee;
}

static void conf_ctx_close(struct conf *c, void *p, uint64_t a, uint64_t b)
{
	(void)c;
	(void)a;
	(void)b;
	tee_client_close_context(p);
}

struct tee_context *conf_ctx_open(struct conf *c, struct optee *optee)
{
	struct tee_context *ctx = NULL;
	int rc = tee_client_open_context(optee_client_teedev(optee), &ctx);

	if (rc) {
		conf_fail(c, __FILE__, __LINE__,
			  "tee_client_open_context: %d", rc);
		return NULL;
	}
	if (!conf_defer(c, conf_ctx_close, ctx, 0, 0)) {
		tee_client_close_context(ctx);
		return NULL;
	}
	return ctx;
}
