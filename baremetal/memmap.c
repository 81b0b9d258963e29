/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The memory map is an input of the image: a text file in phys_map.h's
 * format, read at run time over semihosting (picolibc's fopen() opens it
 * on the host, relative to the directory QEMU runs in), e.g.
 * cross/qemu_v8.map for the firmware in ../shared. A user's board gets its
 * own file; nothing in the image assumes a machine.
 */
#include <inttypes.h>
#include <stdio.h>

#include "bm.h"

int bm_memmap_load(const char *path, struct smcsim_phys_config *cfg)
{
	char err[160];

	if (smcsim_phys_config_load(path, cfg, err, sizeof(err))) {
		printf("# memory map: %s\n", err);
		return -1;
	}
	return 0;
}

void bm_memmap_print(const struct smcsim_phys_config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nranges; i++)
		printf("# map: %-7s %#010" PRIx64 " + %#010" PRIx64 "\n",
		       smcsim_mem_kind_name(cfg->range[i].kind),
		       cfg->range[i].base, cfg->range[i].size);
}
