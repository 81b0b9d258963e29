// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: TA files (sw_ta.h, lib/ta_file.c) as the secure world loads
 * them. Each input is a TA file that the harness, playing tee-supplicant,
 * serves to an OPEN_SESSION of a UUID the world does not know: first the
 * secure-storage look (SHM_ALLOC of the FS buffer, FS requests answered
 * ITEM_NOT_FOUND: empty storage), then RPC LOAD_TA for the size,
 * SHM_ALLOC, LOAD_TA into the buffer, SHM_FREE, and the FS buffer's
 * SHM_FREE. The world must open a session (or refuse it for the TA's own
 * reasons) exactly when the file is valid by the format as sw_ta.h
 * documents it, checked here by an independent reader; otherwise the
 * answer is ITEM_NOT_FOUND from the TEE (OUT_OF_MEMORY when a SHM_ALLOC
 * was refused) and nothing is registered.
 *
 * Input layout: byte 0 flags, byte 1 an argument, then the file.
 *   bit 0	write the right checksum (after the other fix-ups)
 *   bit 1	write the right magic, version and hdr_size
 *   bit 2	write the right payload_size
 *   bit 3	open a UUID other than the file's (byte 1 flips an octet)
 *   bit 4	log in as REE_KERNEL (else PUBLIC)
 *   bit 5	announce byte 1 * 64 KiB more than the file's size
 *   bit 6	the second LOAD_TA reports byte 1 bytes less than it wrote
 *   bit 7	SHM_ALLOC fails
 * Files longer than MAX_FILE are cut there.
 *
 * Also checked per input: smcsim_ta_file_build() of the file's UUID,
 * program and flags gives a file the reader accepts (or refuses a program
 * name the format cannot hold) and its checksum agrees with the reader's;
 * every SHM_ALLOC is freed; a refused TA is asked for again on the next
 * open, a loaded one is not; the world ends with no session and no thread
 * suspended. A world that loaded a TA is rebuilt, so every input starts
 * from the same world.
 */
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/pgalloc.h>
#include <smcsim/phys.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE		SMCSIM_PAGE_SIZE
#define HDR		sizeof(struct smcsim_ta_file_hdr)
#define BUF_PAGES	17
#define MAX_FILE	(16 * PAGE)
#define MAX_RPCS	64
#define SHM_COOKIE	0x7A00000000000001ULL
#define FS_COOKIE	0x7A00000000000002ULL

static struct {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	uint64_t shm_pa;
	uint8_t *shm;
	uint64_t buf_pa;
	uint8_t *buf;
	uint64_t fs_pa;
} g;

/* What the harness serves for one open. */
struct serve {
	const uint8_t *file;
	size_t len;
	uint64_t announce;
	uint64_t short_by;
	bool alloc_fails;
	bool refuse;		/* the first LOAD_TA answers ITEM_NOT_FOUND */
	unsigned int load_ta;	/* LOAD_TA RPCs seen */
	unsigned int allocs;	/* SHM_ALLOCs not freed */
	unsigned int fs_allocs;	/* FS buffers not freed */
};

static void fuzz_fail(const char *why)
{
	fprintf(stderr, "fuzz_ta_file: %s\n", why);
	abort();
}

/* ---- the format, read independently of lib/ta_file.c ---------------------- */

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t fnv1a(const uint8_t *hdr)
{
	uint32_t x = 2166136261U;
	size_t i;

	for (i = 0; i < HDR; i++) {
		x ^= i >= 56 && i < 60 ? 0 : hdr[i];
		x *= 16777619U;
	}
	return x;
}

static bool known_program(const char *name)
{
	static const char *const names[] = {
		"echo", "sleep", "panic", "notif", "storage",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* Is @f a file the world must load for @uuid (RFC 4122 octets)? */
static bool ref_valid(const uint8_t *f, size_t len, const uint8_t uuid[16])
{
	if (len < HDR || get32(f) != SMCSIM_TA_FILE_MAGIC ||
	    (f[4] | f[5] << 8) != SMCSIM_TA_FILE_VERSION ||
	    (f[6] | f[7] << 8) != HDR || len != HDR + (uint64_t)get32(f + 52) ||
	    get32(f + 56) != fnv1a(f) || memcmp(f + 8, uuid, 16) ||
	    !memchr(f + 24, 0, SMCSIM_TA_FILE_PROGRAM_LEN) ||
	    (get32(f + 48) & ~(uint32_t)(SMCSIM_TA_FLAG_DEVICE |
					 SMCSIM_TA_FLAG_KERNEL_ONLY)) ||
	    get32(f + 60))
		return false;
	return known_program((const char *)f + 24);
}

/* smcsim_ta_file_build() of what @f names: a file the reader accepts. */
static void check_build(const uint8_t *f, size_t len)
{
	static uint8_t out[HDR + 256];
	char program[SMCSIM_TA_FILE_PROGRAM_LEN + 1] = { 0 };
	struct smcsim_ta_file_hdr h;
	struct smcsim_uuid uuid;
	uint32_t payload, flags;
	size_t n, want;

	if (len < HDR)
		return;
	memcpy(program, f + 24, SMCSIM_TA_FILE_PROGRAM_LEN);
	smcsim_uuid_from_octets(&uuid, f + 8);
	payload = f[52];
	flags = get32(f + 48) & (SMCSIM_TA_FLAG_DEVICE |
				 SMCSIM_TA_FLAG_KERNEL_ONLY);
	want = *program && strlen(program) < SMCSIM_TA_FILE_PROGRAM_LEN ?
	       HDR + payload : 0;
	if (smcsim_ta_file_build(NULL, 0, &uuid, program, flags, payload) != want)
		fuzz_fail("build: size query");
	if (smcsim_ta_file_build(out, want ? want - 1 : 0, &uuid, program,
				 flags, payload))
		fuzz_fail("build: wrote into too small a buffer");
	n = smcsim_ta_file_build(out, sizeof(out), &uuid, program, flags,
				 payload);
	if (n != want)
		fuzz_fail("build: size");
	if (!n)
		return;
	memcpy(&h, out, HDR);
	if (smcsim_ta_file_checksum(&h) != fnv1a(out) ||
	    le32toh(h.checksum) != fnv1a(out))
		fuzz_fail("build: checksum is not FNV-1a of the header");
	if (memcmp(out + 8, f + 8, 16) || strcmp((char *)out + 24, program) ||
	    get32(out + 48) != flags || get32(out + 60))
		fuzz_fail("build: fields do not round-trip");
	if (!ref_valid(out, n, f + 8) && known_program(program))
		fuzz_fail("build: the reader refuses a built file");
}

/* ---- serving RPCs --------------------------------------------------------- */

static void smc(unsigned long a0, unsigned long a1, unsigned long a2,
		unsigned long a3, struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, 0, 0, 0, 0 };

	smcsim_sw_smc(g.sw, a, res);
}

static void serve_cmd(struct serve *sv, struct optee_msg_arg *rpc)
{
	struct optee_msg_param *p = rpc->params;
	uint64_t n;

	rpc->ret = TEE_SUCCESS;
	switch (rpc->cmd) {
	case OPTEE_RPC_CMD_LOAD_TA:
		sv->load_ta++;
		if (rpc->num_params != 2)
			fuzz_fail("LOAD_TA without 2 params");
		if (sv->refuse) {
			rpc->ret = TEE_ERROR_ITEM_NOT_FOUND;
			break;
		}
		if ((p[1].attr & OPTEE_MSG_ATTR_TYPE_MASK) ==
		    OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT && !p[1].u.tmem.buf_ptr) {
			p[1].u.tmem.size = sv->announce;
			break;
		}
		/* By cookie (RMEM), as OP-TEE names SHM_ALLOC'd memory. */
		if ((p[1].attr & OPTEE_MSG_ATTR_TYPE_MASK) !=
		    OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT ||
		    p[1].u.rmem.shm_ref != SHM_COOKIE || p[1].u.rmem.offs)
			fuzz_fail("LOAD_TA into memory not handed out");
		n = sv->len < p[1].u.tmem.size ? sv->len : p[1].u.tmem.size;
		memcpy(g.buf, sv->file, n);
		p[1].u.tmem.size = sv->len - (sv->short_by < sv->len ?
					      sv->short_by : 0);
		break;
	case OPTEE_RPC_CMD_FS:
		/* Empty storage: no TA database. */
		rpc->ret = TEE_ERROR_ITEM_NOT_FOUND;
		break;
	case OPTEE_RPC_CMD_SHM_ALLOC:
		if (rpc->num_params != 1 ||
		    p[0].u.value.a != OPTEE_RPC_SHM_TYPE_APPL)
			fuzz_fail("SHM_ALLOC not of one APPL buffer");
		/* Before any LOAD_TA: the storage look's FS buffer. */
		if (!sv->load_ta && !sv->alloc_fails) {
			if (p[0].u.value.b != PAGE || sv->fs_allocs++)
				fuzz_fail("FS buffer not one page, or twice");
			p[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
			p[0].u.tmem.buf_ptr = g.fs_pa;
			p[0].u.tmem.size = PAGE;
			p[0].u.tmem.shm_ref = FS_COOKIE;
			break;
		}
		if (sv->alloc_fails || p[0].u.value.b > BUF_PAGES * PAGE) {
			rpc->ret = TEE_ERROR_OUT_OF_MEMORY;
			break;
		}
		if (sv->allocs++)
			fuzz_fail("a second SHM_ALLOC");
		n = p[0].u.value.b;
		p[0].attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT;
		p[0].u.tmem.buf_ptr = g.buf_pa;
		p[0].u.tmem.size = n;
		p[0].u.tmem.shm_ref = SHM_COOKIE;
		memset(g.buf, 0, BUF_PAGES * PAGE);
		break;
	case OPTEE_RPC_CMD_SHM_FREE:
		if (rpc->num_params == 1 && p[0].u.value.b == FS_COOKIE &&
		    sv->fs_allocs) {
			sv->fs_allocs--;
			break;
		}
		if (rpc->num_params != 1 || p[0].u.value.b != SHM_COOKIE ||
		    !sv->allocs--)
			fuzz_fail("SHM_FREE of what was not allocated");
		break;
	default:
		rpc->ret = TEE_ERROR_NOT_SUPPORTED;
		break;
	}
}

/*
 * OPEN_SESSION of @uuid, serving RPCs from @sv. Return: the message (in
 * the reserved shm) as the world left it.
 */
static struct optee_msg_arg *open_ta(struct serve *sv, const uint8_t uuid[16],
				     uint32_t login)
{
	struct optee_msg_arg *arg = (struct optee_msg_arg *)g.shm;
	struct optee_msg_arg *rpc = (struct optee_msg_arg *)
		(g.shm + OPTEE_MSG_GET_ARG_SIZE(2));
	struct arm_smccc_res res;
	unsigned int rpcs = 0;

	memset(g.shm, 0, PAGE);
	arg->cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	arg->num_params = 2;
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	memcpy(arg->params[0].u.octets, uuid, 16);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	arg->params[1].u.value.c = login;
	smc(OPTEE_SMC_CALL_WITH_RPC_ARG, reg_pair_hi(g.shm_pa),
	    reg_pair_lo(g.shm_pa), 0, &res);
	while (res.a0 == OPTEE_SMC_RETURN_RPC_CMD ||
	       res.a0 == OPTEE_SMC_RETURN_RPC_FOREIGN_INTR) {
		if (++rpcs > MAX_RPCS)
			fuzz_fail("OPEN_SESSION still in RPCs");
		if (res.a0 == OPTEE_SMC_RETURN_RPC_CMD) {
			if (reg_pair_to_64(res.a1, res.a2))
				fuzz_fail("RPC CMD not in the supplied argument");
			serve_cmd(sv, rpc);
		}
		smc(OPTEE_SMC_CALL_RETURN_FROM_RPC, res.a1, res.a2, res.a3,
		    &res);
	}
	if (res.a0 != OPTEE_SMC_RETURN_OK)
		fuzz_fail("OPEN_SESSION did not complete");
	if (sv->allocs || sv->fs_allocs)
		fuzz_fail("SHM_ALLOC never freed");
	return arg;
}

static void close_session(uint32_t session)
{
	struct optee_msg_arg *arg = (struct optee_msg_arg *)g.shm;
	struct arm_smccc_res res;

	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(0));
	arg->cmd = OPTEE_MSG_CMD_CLOSE_SESSION;
	arg->session = session;
	smc(OPTEE_SMC_CALL_WITH_ARG, reg_pair_hi(g.shm_pa),
	    reg_pair_lo(g.shm_pa), 0, &res);
	if (res.a0 != OPTEE_SMC_RETURN_OK || arg->ret)
		fuzz_fail("CLOSE_SESSION of a loaded TA");
}

/* ---- the world ------------------------------------------------------------ */

static void world_create(void)
{
	struct smcsim_sw_config cfg;

	smcsim_sw_config_default(&cfg, SMCSIM_ABI_UPSTREAM, g.phys);
	if (smcsim_sw_create(&cfg, &g.sw))
		fuzz_fail("smcsim_sw_create");
}

static void fuzz_init(void)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_phys_region r;

	smcsim_phys_config_default(&pcfg);
	if (smcsim_phys_create(&pcfg, &g.phys) ||
	    smcsim_phys_region_get(g.phys, SMCSIM_MEM_NS_SHM, &r) ||
	    smcsim_phys_alloc_pages(g.phys, BUF_PAGES, &g.buf_pa) ||
	    smcsim_phys_alloc_pages(g.phys, 1, &g.fs_pa))
		fuzz_fail("memory map");
	g.shm_pa = r.base;
	g.shm = smcsim_phys_map(g.phys, SMCSIM_WORLD_NORMAL, r.base, PAGE);
	g.buf = smcsim_phys_map(g.phys, SMCSIM_WORLD_NORMAL, g.buf_pa,
				BUF_PAGES * PAGE);
	if (!g.shm || !g.buf)
		fuzz_fail("memory map");
	world_create();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[MAX_FILE];
	struct serve sv = { .file = file };
	struct optee_msg_arg *arg;
	uint8_t flags, uuid[16];
	uint32_t login, ret;
	size_t got;
	bool valid, oom;
	unsigned int i;

	if (size < 2)
		return 0;
	if (!g.sw)
		fuzz_init();
	flags = data[0];
	sv.len = size - 2 < MAX_FILE ? size - 2 : MAX_FILE;
	memcpy(file, data + 2, sv.len);
	/* Never a built-in TA's UUID (version nibble 0xE): those need no file. */
	if (sv.len >= HDR)
		file[14] = (file[14] & 0x0F) | 0xE0;
	if (sv.len >= HDR) {
		if (flags & 2) {
			put32(file, SMCSIM_TA_FILE_MAGIC);
			file[4] = SMCSIM_TA_FILE_VERSION;
			file[5] = 0;
			file[6] = HDR;
			file[7] = 0;
		}
		if (flags & 4)
			put32(file + 52, (uint32_t)(sv.len - HDR));
		if (flags & 1)
			put32(file + 56, fnv1a(file));
		memcpy(uuid, file + 8, 16);
	} else {
		memset(uuid, 0x5A, sizeof(uuid));
		uuid[6] = 0xE5;
	}
	if (flags & 8)
		uuid[data[1] % 16] ^= 0x01;
	login = flags & 0x10 ? OPTEE_MSG_LOGIN_REE_KERNEL :
			       OPTEE_MSG_LOGIN_PUBLIC;
	sv.announce = sv.len + (flags & 0x20 ? (uint64_t)data[1] << 16 : 0);
	sv.short_by = flags & 0x40 ? data[1] : 0;
	sv.alloc_fails = flags & 0x80;

	check_build(file, sv.len);

	/* What the world reads: the file cut where the second LOAD_TA says. */
	got = sv.short_by < sv.len ? sv.len - sv.short_by : sv.len;
	valid = !sv.alloc_fails && sv.announce <= SMCSIM_TA_FILE_MAX_SIZE &&
		sv.announce <= BUF_PAGES * PAGE && ref_valid(file, got, uuid);

	/*
	 * A refused SHM_ALLOC is the open's OUT_OF_MEMORY: the FS buffer's
	 * (no LOAD_TA then), or the TA buffer's when the size the format
	 * allows is more than the harness has.
	 */
	oom = sv.alloc_fails ||
	      (sv.announce >= HDR && sv.announce <= SMCSIM_TA_FILE_MAX_SIZE &&
	       sv.announce > BUF_PAGES * PAGE);
	arg = open_ta(&sv, uuid, login);
	ret = arg->ret;
	if (sv.alloc_fails && sv.load_ta)
		fuzz_fail("LOAD_TA without the storage look's buffer");
	if (!valid) {
		if (ret != (oom ? TEE_ERROR_OUT_OF_MEMORY :
				  TEE_ERROR_ITEM_NOT_FOUND) ||
		    arg->ret_origin != TEEC_ORIGIN_TEE)
			fuzz_fail("a bad TA file was not refused");
	} else if (ret == TEE_ERROR_ITEM_NOT_FOUND &&
		   arg->ret_origin == TEEC_ORIGIN_TEE) {
		fuzz_fail("a valid TA file was refused");
	} else if (!ret) {
		close_session(arg->session);
	}

	/* Again: a refused TA is asked for again, a loaded one is not. */
	i = sv.load_ta;
	sv.refuse = true;
	arg = open_ta(&sv, uuid, login);
	if (valid ? sv.load_ta != i : sv.load_ta == i && !sv.alloc_fails)
		fuzz_fail("the TA was (not) registered");
	if (!arg->ret)
		close_session(arg->session);
	if (smcsim_sw_session_count(g.sw))
		fuzz_fail("a session left open");
	for (i = 0; i < smcsim_sw_num_threads(g.sw); i++)
		if (smcsim_sw_thread_state(g.sw, i) != SMCSIM_SW_THREAD_FREE)
			fuzz_fail("a thread left non-FREE");
	if (valid) {
		smcsim_sw_destroy(g.sw);
		world_create();
	}
	return 0;
}
