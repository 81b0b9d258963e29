/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runner's state of one case, shared by conf.c and the helpers
 * (conf_util.c); cases see it only through conf_priv.h.
 */
#ifndef SMCSIM_CONF_INT_H
#define SMCSIM_CONF_INT_H

#include "conf_priv.h"

#define CONF_MAX_CLEANUPS	48
#define CONF_MAX_NW		CONF_MAX_NW_CASE
#define CONF_MAX_SESS		16

struct conf_cleanup {
	conf_cleanup_fn fn;
	void *p;
	uint64_t a;
	uint64_t b;
};

/**
 * struct conf - one case's run
 * @t:		the target
 * @failed:	an assertion failed
 * @file, @line, @why: the first failure
 * @notes:	"# " lines printed under the result
 * @defer:	cleanups, run last first
 * @ndefer:	entries in @defer
 * @nw:		the normal worlds of the case's yielding calls
 * @sess:	sessions the case opened and has not closed
 * @nsess:	entries in @sess
 * @sess_cleanup: the cleanup that closes them is registered
 */
struct conf {
	const struct conf_target *t;
	bool failed;
	const char *file;
	int line;
	char why[256];
	char notes[2048];
	struct conf_cleanup defer[CONF_MAX_CLEANUPS];
	unsigned int ndefer;
	struct conf_nw *nw[CONF_MAX_NW];
	uint32_t sess[CONF_MAX_SESS];
	unsigned int nsess;
	bool sess_cleanup;
};

#endif /* SMCSIM_CONF_INT_H */
