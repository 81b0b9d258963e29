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
/* Notification keys the normal world tracks (Linux: the max value, 255
 * without async notification). */
#define CONF_NOTIF_KEYS		256

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
 * @nw_default:	the one of calls made with none given (never held)
 * @notif_pending: NOTIFICATION SEND values nobody waited for yet (bits);
 *		one normal world, so shared by every call of the case
 * @sched:	conf_resume_all() runs: a call that must wait for a
 *		notification is set aside (blocked) instead of failing
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
	struct conf_nw *nw_default;
	uint64_t notif_pending[CONF_NOTIF_KEYS / 64];
	bool sched;
	uint32_t sess[CONF_MAX_SESS];
	unsigned int nsess;
	bool sess_cleanup;
};

#endif /* SMCSIM_CONF_INT_H */
