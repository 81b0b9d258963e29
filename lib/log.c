// SPDX-License-Identifier: BSD-2-Clause
/*
 * The log both worlds print through. A line is formatted first and written
 * with one call, so lines of concurrent threads do not interleave.
 */
#include <stdio.h>

#include <smcsim/log.h>

void smcsim_vlog(const char *who, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s: %s\n", who, line);
}
