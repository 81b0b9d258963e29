/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the firmware and the driver would log (IMSG/EMSG, pr_info/pr_err),
 * to stderr, one line each with the speaker as prefix.
 */
#ifndef SMCSIM_LOG_H
#define SMCSIM_LOG_H

#include <stdarg.h>

/** smcsim_vlog() - print "@who: <message>\n" to stderr in one write */
void smcsim_vlog(const char *who, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif /* SMCSIM_LOG_H */
