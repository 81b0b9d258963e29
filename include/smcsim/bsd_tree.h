/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libbsd's <sys/tree.h>, usable with glibc: its RB_GENERATE_STATIC marks
 * the generated functions with BSD's __unused, which libbsd's cdefs leave
 * undefined on Linux (a Linux struct has a member of that name). Include
 * this last, after system headers.
 */
#ifndef SMCSIM_BSD_TREE_H
#define SMCSIM_BSD_TREE_H

#include <sys/tree.h>

#ifndef __unused
#define __unused __attribute__((__unused__))
#endif

#endif /* SMCSIM_BSD_TREE_H */
