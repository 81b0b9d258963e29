/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The memory map is an input of the image: a text file read at run time
 * over semihosting (picolibc's fopen() opens it on the host, relative to
 * the directory QEMU runs in). One region per line:
 *
 *	# comment
 *	dram    0x40000000 0x42100000
 *	shm     0x42000000 0x00200000
 *	secure  0x0e100000 0x00f00000
 *	protmem BASE SIZE
 *
 * (kind, base, size; sizes and bases page aligned; shm, secure and
 * protmem may be carve-outs inside dram).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm.h"

static const char *const kind_names[SMCSIM_MEM_NUM_KINDS] = {
	[SMCSIM_MEM_NS_DRAM] = "dram",
	[SMCSIM_MEM_NS_SHM] = "shm",
	[SMCSIM_MEM_SECURE] = "secure",
	[SMCSIM_MEM_PROTMEM] = "protmem",
};

int bm_memmap_load(const char *path, struct smcsim_phys_config *cfg)
{
	char line[160];
	int lineno = 0, i;
	FILE *f;

	memset(cfg, 0, sizeof(*cfg));
	f = fopen(path, "r");
	if (!f) {
		printf("# memory map %s: cannot open (errno %d)\n", path, errno);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t"), *kind, *end;
		unsigned long long base, size;

		lineno++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		kind = p;
		p += strcspn(p, " \t");
		if (!*p)
			goto bad;
		*p++ = '\0';
		base = strtoull(p, &end, 0);
		if (end == p)
			goto bad;
		p = end;
		size = strtoull(p, &end, 0);
		if (end == p || end[strspn(end, " \t\r\n")])
			goto bad;
		for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++)
			if (!strcmp(kind, kind_names[i]))
				break;
		if (i == SMCSIM_MEM_NUM_KINDS || cfg->region[i].size)
			goto bad;
		cfg->region[i].base = base;
		cfg->region[i].size = size;
	}
	fclose(f);
	if (!cfg->region[SMCSIM_MEM_NS_DRAM].size) {
		printf("# memory map %s: no dram line\n", path);
		return -1;
	}
	return 0;
bad:
	printf("# memory map %s:%d: expected 'dram|shm|secure|protmem BASE SIZE' "
	       "(once each)\n", path, lineno);
	fclose(f);
	return -1;
}

void bm_memmap_print(const struct smcsim_phys_config *cfg)
{
	int i;

	for (i = 0; i < SMCSIM_MEM_NUM_KINDS; i++)
		if (cfg->region[i].size)
			printf("# map: %-7s %#010" PRIx64 " + %#010" PRIx64 "\n",
			       kind_names[i], cfg->region[i].base,
			       cfg->region[i].size);
}
