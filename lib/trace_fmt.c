// SPDX-License-Identifier: BSD-2-Clause
/*
 * The trace's decoder and formatters: registers and optee_msg_arg to one
 * line of text, an event to text, to a tab-separated line (and back), to
 * Chrome trace-event JSON. Only <stdio.h> and <string.h> (and the ABI
 * headers): a bare-metal image links this file to print its own
 * conversation in the same words as the simulator.
 *
 *  1. output buffer, names
 *  2. SMC registers
 *  3. messages and RPC arguments
 *  4. event formats
 *  5. reading the line format back
 *  6. the writer (JSON document, track names)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/abi_names.h>
#include <smcsim/optee_msg.h>
#include <smcsim/optee_rpc_cmd.h>
#include <smcsim/optee_smc.h>
#include <smcsim/tee_error.h>
#include <smcsim/trace.h>
#include <smcsim/uuid.h>

/* ---- 1. output buffer, names -------------------------------------------- */

/* Appends to @buf; @pos counts what snprintf would have written. */
struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

static void sb_init(struct sbuf *sb, char *buf, size_t len)
{
	sb->buf = buf;
	sb->len = len;
	sb->pos = 0;
	if (len)
		buf[0] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room = sb->pos < sb->len ? sb->len - sb->pos : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->pos += (size_t)n;
}

static int sb_ret(const struct sbuf *sb)
{
	return sb->pos > 0x7fffffff ? 0x7fffffff : (int)sb->pos;
}

static const char *const kind_names[SMCSIM_TEV_NR_KINDS] = {
	[SMCSIM_TEV_SMC] = "SMC",
	[SMCSIM_TEV_CALL] = "CALL",
	[SMCSIM_TEV_MSG] = "MSG",
	[SMCSIM_TEV_RPC] = "RPC",
	[SMCSIM_TEV_THREAD] = "THREAD",
	[SMCSIM_TEV_QUEUE] = "QUEUE",
	[SMCSIM_TEV_NOTIF] = "NOTIF",
	[SMCSIM_TEV_IRQ] = "IRQ",
	[SMCSIM_TEV_MARK] = "MARK",
};

const char *smcsim_tev_kind_name(unsigned int kind)
{
	return kind < SMCSIM_TEV_NR_KINDS ? kind_names[kind] : NULL;
}

int smcsim_tev_parse_kinds(const char *s, unsigned int *mask)
{
	unsigned int m = 0, k;
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, ",");
		bool found = false;

		if (n == 3 && !strncmp(p, "all", 3)) {
			m = SMCSIM_TEV_ALL;
			found = true;
		}
		for (k = 0; k < SMCSIM_TEV_NR_KINDS && !found; k++) {
			const char *name = kind_names[k];
			size_t i;

			if (strlen(name) != n)
				continue;
			for (i = 0; i < n; i++)
				if ((p[i] | 0x20) != (name[i] | 0x20))
					break;
			if (i == n) {
				m |= 1U << k;
				found = true;
			}
		}
		if (!found)
			return -EINVAL;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

/* A name from abi_names.c without its "OPTEE_..._" prefix. */
static const char *strip(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return name && !strncmp(name, prefix, n) ? name + n : name;
}

static const char *tee_err(unsigned int ret, char *buf, size_t len)
{
	const char *n = strip(smcsim_tee_err_name(ret), "TEE_");

	if (n) {
		if (!strncmp(n, "ERROR_", 6))
			n += 6;
		return n;
	}
	snprintf(buf, len, "0x%08x", ret);
	return buf;
}

static const char *origin_name(unsigned int o, char *buf, size_t len)
{
	static const char *const names[] = {
		[TEEC_ORIGIN_API] = "API",
		[TEEC_ORIGIN_COMMS] = "COMMS",
		[TEEC_ORIGIN_TEE] = "TEE",
		[TEEC_ORIGIN_TRUSTED_APP] = "TRUSTED_APP",
	};

	if (o < sizeof(names) / sizeof(names[0]) && names[o])
		return names[o];
	snprintf(buf, len, "%u", o);
	return buf;
}

static const char *login_name(uint64_t l, char *buf, size_t len)
{
	switch (l) {
	case OPTEE_MSG_LOGIN_PUBLIC: return "PUBLIC";
	case OPTEE_MSG_LOGIN_USER: return "USER";
	case OPTEE_MSG_LOGIN_GROUP: return "GROUP";
	case OPTEE_MSG_LOGIN_APPLICATION: return "APPLICATION";
	case OPTEE_MSG_LOGIN_APPLICATION_USER: return "APPLICATION_USER";
	case OPTEE_MSG_LOGIN_APPLICATION_GROUP: return "APPLICATION_GROUP";
	case OPTEE_MSG_LOGIN_REE_KERNEL: return "REE_KERNEL";
	case OPTEE_MSG_LOGIN_TRUSTED_APP: return "TRUSTED_APP";
	default:
		snprintf(buf, len, "0x%llx", (unsigned long long)l);
		return buf;
	}
}

/* 16 octets as a UUID string (the octets are in the UUID's text order). */
static void sb_uuid(struct sbuf *sb, const uint8_t *o)
{
	struct smcsim_uuid u;
	char str[SMCSIM_UUID_STR_LEN];

	smcsim_uuid_from_octets(&u, o);
	smcsim_uuid_to_str(&u, str);
	sb_printf(sb, "%s", str);
}

/* ---- 2. SMC registers --------------------------------------------------- */

static void smc_in(struct sbuf *sb, uint32_t fid, const unsigned long a[8])
{
	unsigned int i;

	switch (fid) {
	case OPTEE_SMC_CALL_WITH_ARG:
	case OPTEE_SMC_CALL_WITH_RPC_ARG:
		sb_printf(sb, " pa=0x%llx",
			  (unsigned long long)reg_pair_to_64(a[1], a[2]));
		return;
	case OPTEE_SMC_CALL_WITH_REGD_ARG:
	case OPTEE_SMC_CALL_SYSTEM_WITH_REGD_ARG:
		sb_printf(sb, " cookie=0x%llx offs=0x%lx",
			  (unsigned long long)reg_pair_to_64(a[1], a[2]), a[3]);
		return;
	case OPTEE_SMC_CALL_RETURN_FROM_RPC:
		sb_printf(sb, " thread=%lu", a[3]);
		for (i = 1; i < 7; i++)
			if (i != 3 && a[i])
				sb_printf(sb, " a%u=0x%lx", i, a[i]);
		return;
	default:
		for (i = 1; i < 8; i++)
			if (a[i])
				sb_printf(sb, " a%u=0x%lx", i, a[i]);
	}
}

static void smc_out(struct sbuf *sb, uint32_t fid, const unsigned long o[4])
{
	char nbuf[48];
	unsigned int i;

	if (smcsim_smc_returns_data(fid)) {
		sb_printf(sb, " -> 0x%lx 0x%lx 0x%lx 0x%lx", o[0], o[1], o[2],
			  o[3]);
		return;
	}
	sb_printf(sb, " -> %s", smcsim_smc_ret_name(o[0], nbuf, sizeof(nbuf)));
	if (optee_smc_return_is_rpc(o[0])) {
		switch (o[0]) {
		case OPTEE_SMC_RETURN_RPC_ALLOC:
			sb_printf(sb, " size=%lu", o[1]);
			break;
		case OPTEE_SMC_RETURN_RPC_FREE:
		case OPTEE_SMC_RETURN_RPC_CMD:
			sb_printf(sb, " cookie=0x%llx",
				  (unsigned long long)reg_pair_to_64(o[1], o[2]));
			break;
		default:
			break;
		}
		sb_printf(sb, " thread=%lu", o[3]);
		return;
	}
	if (fid == OPTEE_SMC_GET_ASYNC_NOTIF_VALUE && !o[0]) {
		sb_printf(sb, " value=%lu%s%s", o[1], o[2] & 1 ? " valid" : "",
			  o[2] & 2 ? " pending" : "");
		return;
	}
	for (i = 1; i < 4; i++)
		if (o[i])
			sb_printf(sb, " a%u=0x%lx", i, o[i]);
}

int smcsim_decode_smc(char *buf, size_t len, const unsigned long a[8],
		      const unsigned long *out, char *name)
{
	char nbuf[48];
	const char *fname = strip(smcsim_smc_name(a[0], nbuf, sizeof(nbuf)),
				  "OPTEE_SMC_");
	uint32_t fid = (uint32_t)a[0];
	struct sbuf sb;

	sb_init(&sb, buf, len);
	sb_printf(&sb, "SMC %s", fname);
	if (out)
		smc_out(&sb, fid, out);
	else
		smc_in(&sb, fid, a);
	if (name)
		snprintf(name, SMCSIM_TEV_SLICE_LEN, "%s", fname);
	return sb_ret(&sb);
}

/* ---- 3. messages and RPC arguments -------------------------------------- */

static const char *param_dir(uint64_t type)
{
	switch (type & 3) {
	case 1: return "IN";
	case 2: return "OUT";
	default: return "INOUT";
	}
}

/*
 * One parameter. The request shows what goes in (values of IN and INOUT,
 * every memory reference), the answer what comes out (values of OUT and
 * INOUT, the sizes of memory references).
 */
static void sb_param(struct sbuf *sb, const struct optee_msg_param *p,
		     bool answer)
{
	uint64_t type = p->attr & OPTEE_MSG_ATTR_TYPE_MASK;
	bool in = type & 1, out = type & 2;

	if (p->attr & OPTEE_MSG_ATTR_META)
		sb_printf(sb, "META ");
	switch (type) {
	case OPTEE_MSG_ATTR_TYPE_NONE:
		sb_printf(sb, "NONE");
		break;
	case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
	case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
	case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
		sb_printf(sb, "VALUE_%s", param_dir(type));
		if (answer ? out : in)
			sb_printf(sb, " a=0x%llx b=0x%llx c=0x%llx",
				  (unsigned long long)p->u.value.a,
				  (unsigned long long)p->u.value.b,
				  (unsigned long long)p->u.value.c);
		break;
	case OPTEE_MSG_ATTR_TYPE_RMEM_INPUT:
	case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
	case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
		sb_printf(sb, "RMEM_%s", param_dir(type));
		if (answer)
			sb_printf(sb, " size=%llu",
				  (unsigned long long)p->u.rmem.size);
		else
			sb_printf(sb, " shm=0x%llx off=0x%llx size=%llu",
				  (unsigned long long)p->u.rmem.shm_ref,
				  (unsigned long long)p->u.rmem.offs,
				  (unsigned long long)p->u.rmem.size);
		break;
	case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
	case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
	case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
		sb_printf(sb, "TMEM_%s%s", param_dir(type),
			  p->attr & OPTEE_MSG_ATTR_NONCONTIG ? " NONCONTIG" : "");
		if (answer)
			sb_printf(sb, " size=%llu",
				  (unsigned long long)p->u.tmem.size);
		else
			sb_printf(sb, " pa=0x%llx size=%llu ref=0x%llx",
				  (unsigned long long)p->u.tmem.buf_ptr,
				  (unsigned long long)p->u.tmem.size,
				  (unsigned long long)p->u.tmem.shm_ref);
		break;
	default:
		sb_printf(sb, "unknown type 0x%llx", (unsigned long long)type);
		break;
	}
}

static void sb_params(struct sbuf *sb, const struct optee_msg_param *p,
		      unsigned int n, bool answer)
{
	unsigned int i;

	sb_printf(sb, " params=[");
	for (i = 0; i < n; i++) {
		if (i)
			sb_printf(sb, ", ");
		sb_param(sb, &p[i], answer);
	}
	sb_printf(sb, "]");
}

/* The answer's head: ret, origin. */
static void sb_result(struct sbuf *sb, const struct optee_msg_arg *h)
{
	char b1[16], b2[16];

	sb_printf(sb, " -> ret=%s origin=%s",
		  tee_err(h->ret, b1, sizeof(b1)),
		  origin_name(h->ret_origin, b2, sizeof(b2)));
}

static bool is_value(const struct optee_msg_param *p)
{
	uint64_t t = p->attr & OPTEE_MSG_ATTR_TYPE_MASK;

	return t >= OPTEE_MSG_ATTR_TYPE_VALUE_INPUT &&
	       t <= OPTEE_MSG_ATTR_TYPE_VALUE_INOUT;
}

static void msg_call(struct sbuf *sb, const struct optee_msg_arg *h,
		     const struct optee_msg_param *p, unsigned int n,
		     bool answer, char *name)
{
	const char *cname = strip(smcsim_msg_cmd_name(h->cmd),
				  "OPTEE_MSG_CMD_");
	char lb[24];
	unsigned int skip = 0;

	if (!cname) {
		sb_printf(sb, "unknown command %u", h->cmd);
		snprintf(name, SMCSIM_TEV_SLICE_LEN, "cmd %u", h->cmd);
		sb_params(sb, p, n, answer);
		return;
	}
	if (h->cmd == OPTEE_MSG_CMD_INVOKE_COMMAND)
		cname = "INVOKE";
	snprintf(name, SMCSIM_TEV_SLICE_LEN, "%s", cname);
	sb_printf(sb, "%s", cname);
	if (answer) {
		sb_result(sb, h);
		if (h->cmd == OPTEE_MSG_CMD_OPEN_SESSION) {
			sb_printf(sb, " session=%u", h->session);
			skip = n < 2 ? n : 2;
		}
		if (n > skip)
			sb_params(sb, p + skip, n - skip, true);
		return;
	}
	switch (h->cmd) {
	case OPTEE_MSG_CMD_OPEN_SESSION:
		if (n < 2 || !(p[0].attr & OPTEE_MSG_ATTR_META) ||
		    !(p[1].attr & OPTEE_MSG_ATTR_META) || !is_value(&p[0]) ||
		    !is_value(&p[1])) {
			sb_printf(sb, " (no meta params: uuid unknown)");
			break;
		}
		sb_printf(sb, " uuid=");
		sb_uuid(sb, p[0].u.octets);
		sb_printf(sb, " login=%s",
			  login_name(p[1].u.value.c, lb, sizeof(lb)));
		if (p[1].u.value.a || p[1].u.value.b) {
			sb_printf(sb, " client=");
			sb_uuid(sb, p[1].u.octets);
		}
		skip = 2;
		break;
	case OPTEE_MSG_CMD_INVOKE_COMMAND:
		sb_printf(sb, " session=%u func=0x%x", h->session, h->func);
		break;
	case OPTEE_MSG_CMD_CLOSE_SESSION:
		sb_printf(sb, " session=%u", h->session);
		break;
	case OPTEE_MSG_CMD_CANCEL:
		sb_printf(sb, " session=%u cancel_id=%u", h->session,
			  h->cancel_id);
		break;
	default:
		break;
	}
	if (h->cancel_id && h->cmd != OPTEE_MSG_CMD_CANCEL)
		sb_printf(sb, " cancel_id=%u", h->cancel_id);
	if (n > skip || h->cmd == OPTEE_MSG_CMD_INVOKE_COMMAND)
		sb_params(sb, p + skip, n - skip, false);
}

static const char *rpc_shm_type(uint64_t t)
{
	switch (t) {
	case OPTEE_RPC_SHM_TYPE_APPL: return "APPL";
	case OPTEE_RPC_SHM_TYPE_KERNEL: return "KERNEL";
	case OPTEE_RPC_SHM_TYPE_GLOBAL: return "GLOBAL";
	default: return "?";
	}
}

static const char *rpc_fs_op(uint64_t op)
{
	static const char *const ops[] = {
		[OPTEE_RPC_FS_OPEN] = "OPEN",
		[OPTEE_RPC_FS_CREATE] = "CREATE",
		[OPTEE_RPC_FS_CLOSE] = "CLOSE",
		[OPTEE_RPC_FS_READ] = "READ",
		[OPTEE_RPC_FS_WRITE] = "WRITE",
		[OPTEE_RPC_FS_TRUNCATE] = "TRUNCATE",
		[OPTEE_RPC_FS_REMOVE] = "REMOVE",
		[OPTEE_RPC_FS_RENAME] = "RENAME",
		[OPTEE_RPC_FS_OPENDIR] = "OPENDIR",
		[OPTEE_RPC_FS_CLOSEDIR] = "CLOSEDIR",
		[OPTEE_RPC_FS_READDIR] = "READDIR",
	};

	return op < sizeof(ops) / sizeof(ops[0]) ? ops[op] : "?";
}

static void msg_rpc(struct sbuf *sb, const struct optee_msg_arg *h,
		    const struct optee_msg_param *p, unsigned int n,
		    bool answer, char *name)
{
	const char *cname = strip(smcsim_rpc_cmd_name(h->cmd),
				  "OPTEE_RPC_CMD_");
	bool v0 = n >= 1 && is_value(&p[0]);
	unsigned int skip = 0;

	if (cname)
		snprintf(name, SMCSIM_TEV_SLICE_LEN, "RPC CMD %s", cname);
	else
		snprintf(name, SMCSIM_TEV_SLICE_LEN, "RPC CMD %u", h->cmd);
	sb_printf(sb, "%s", name);
	if (!cname)
		sb_printf(sb, " (unknown)");
	if (answer) {
		/* The sub-command, as the answer still carries it. */
		if (h->cmd == OPTEE_RPC_CMD_FS && v0)
			sb_printf(sb, " %s", rpc_fs_op(p[0].u.value.a));
		sb_result(sb, h);
		if (h->cmd == OPTEE_RPC_CMD_SHM_ALLOC && n >= 1 && !h->ret) {
			sb_printf(sb, " cookie=0x%llx pa=0x%llx size=%llu",
				  (unsigned long long)p[0].u.tmem.shm_ref,
				  (unsigned long long)p[0].u.tmem.buf_ptr,
				  (unsigned long long)p[0].u.tmem.size);
			return;
		}
		if (n)
			sb_params(sb, p, n, true);
		return;
	}
	/*
	 * A request's first param, a value, says what it asks (sub-command,
	 * type, id) and is decoded; without it (UINT32_MAX is no command)
	 * every param is printed as it is, as for a command not known here.
	 */
	switch (v0 ? h->cmd : UINT32_MAX) {
	case OPTEE_RPC_CMD_SHM_ALLOC:
		sb_printf(sb, " type=%s size=%llu",
			  rpc_shm_type(p[0].u.value.a),
			  (unsigned long long)p[0].u.value.b);
		return;
	case OPTEE_RPC_CMD_SHM_FREE:
		sb_printf(sb, " type=%s cookie=0x%llx",
			  rpc_shm_type(p[0].u.value.a),
			  (unsigned long long)p[0].u.value.b);
		return;
	case OPTEE_RPC_CMD_NOTIFICATION:
		sb_printf(sb, " %s value=%llu",
			  p[0].u.value.a == OPTEE_RPC_NOTIFICATION_WAIT ? "WAIT" :
			  p[0].u.value.a == OPTEE_RPC_NOTIFICATION_SEND ? "SEND" :
			  "?", (unsigned long long)p[0].u.value.b);
		if (p[0].u.value.c)
			sb_printf(sb, " timeout=%llums",
				  (unsigned long long)p[0].u.value.c);
		return;
	case OPTEE_RPC_CMD_SUSPEND:
		sb_printf(sb, " ms=%llu", (unsigned long long)p[0].u.value.a);
		return;
	case OPTEE_RPC_CMD_LOAD_TA:
		sb_printf(sb, " uuid=");
		sb_uuid(sb, p[0].u.octets);
		skip = 1;
		break;
	case OPTEE_RPC_CMD_FS:
		sb_printf(sb, " %s", rpc_fs_op(p[0].u.value.a));
		if (p[0].u.value.b || p[0].u.value.c)
			sb_printf(sb, " b=0x%llx c=0x%llx",
				  (unsigned long long)p[0].u.value.b,
				  (unsigned long long)p[0].u.value.c);
		skip = 1;
		break;
	default:
		break;
	}
	if (n > skip)
		sb_params(sb, p + skip, n - skip, false);
}

int smcsim_decode_msg(char *buf, size_t len, const void *arg, size_t size,
		      bool rpc, bool answer, char *name)
{
	struct optee_msg_param p[OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS + 4];
	const unsigned int maxp = sizeof(p) / sizeof(p[0]);
	struct optee_msg_arg h;
	char nbuf[SMCSIM_TEV_SLICE_LEN];
	unsigned int n, fit;
	struct sbuf sb;

	sb_init(&sb, buf, len);
	if (!name)
		name = nbuf;
	name[0] = '\0';
	if (!arg || size < sizeof(h)) {
		snprintf(name, SMCSIM_TEV_SLICE_LEN, "bad message");
		sb_printf(&sb, "bad message: %zu bytes, the header needs %zu",
			  arg ? size : 0, sizeof(h));
		return sb_ret(&sb);
	}
	/* Copies: the argument may sit unaligned (a hex dump). */
	memcpy(&h, arg, sizeof(h));
	fit = (unsigned int)((size - sizeof(h)) / sizeof(p[0]));
	n = h.num_params;
	if (n > fit)
		n = fit;
	if (n > maxp)
		n = maxp;
	memcpy(p, (const uint8_t *)arg + sizeof(h), n * sizeof(p[0]));
	if (rpc)
		msg_rpc(&sb, &h, p, n, answer, name);
	else
		msg_call(&sb, &h, p, n, answer, name);
	if (h.num_params > fit)
		sb_printf(&sb, " (bad: num_params=%u, %zu bytes hold %u)",
			  h.num_params, size, fit);
	else if (h.num_params > maxp)
		sb_printf(&sb, " (+%u params not shown)", h.num_params - maxp);
	return sb_ret(&sb);
}

/* ---- 4. event formats --------------------------------------------------- */

static char phase_mark(char phase)
{
	switch (phase) {
	case SMCSIM_TEV_BEGIN: return '>';
	case SMCSIM_TEV_END: return '<';
	default: return '*';
	}
}

static void sb_json_str(struct sbuf *sb, const char *s)
{
	sb_printf(sb, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c < 0x20)
			sb_printf(sb, "\\u%04x", c);
		else
			sb_printf(sb, "%c", c);
	}
	sb_printf(sb, "\"");
}

/*
 * Where an event goes in the JSON: secure-thread events (messages, RPCs,
 * thread states with a thread) on the secure thread's track (pid 2), the
 * rest on the normal-world thread's (pid 1).
 */
static bool on_secure_track(const struct smcsim_tev *ev)
{
	return ev->sw_tid >= 0 && (ev->kind == SMCSIM_TEV_MSG ||
				   ev->kind == SMCSIM_TEV_RPC ||
				   ev->kind == SMCSIM_TEV_THREAD);
}

static void json_event(struct sbuf *sb, const struct smcsim_tev *ev)
{
	const char *kind = smcsim_tev_kind_name(ev->kind);
	bool sec = on_secure_track(ev);

	sb_printf(sb, "{\"name\":");
	sb_json_str(sb, ev->name[0] ? ev->name : (kind ? kind : "?"));
	sb_printf(sb, ",\"cat\":\"%s\",\"ph\":\"%c\",\"ts\":%llu.%03llu,"
		  "\"pid\":%d,\"tid\":%d", kind ? kind : "?",
		  ev->phase == SMCSIM_TEV_INSTANT ? 'i' : ev->phase,
		  (unsigned long long)(ev->ts_ns / 1000),
		  (unsigned long long)(ev->ts_ns % 1000), sec ? 2 : 1,
		  sec ? ev->sw_tid : ev->nw_tid);
	if (ev->phase == SMCSIM_TEV_INSTANT)
		sb_printf(sb, ",\"s\":\"%c\"", ev->kind == SMCSIM_TEV_MARK ?
			  'g' : 't');
	sb_printf(sb, ",\"args\":{\"seq\":%llu,\"nw\":%u,\"sw\":%d,\"text\":",
		  (unsigned long long)ev->seq, ev->nw_tid, ev->sw_tid);
	sb_json_str(sb, ev->text);
	sb_printf(sb, "}}");
}

int smcsim_tev_format(const struct smcsim_tev *ev, enum smcsim_trace_fmt fmt,
		      char *buf, size_t len)
{
	const char *kind = smcsim_tev_kind_name(ev->kind);
	struct sbuf sb;

	sb_init(&sb, buf, len);
	switch (fmt) {
	case SMCSIM_TRACE_TEXT: {
		char who[SMCSIM_TEV_NAME_LEN + 8];

		snprintf(who, sizeof(who), "%s/%u", ev->thread, ev->nw_tid);
		if (ev->sw_tid >= 0)
			sb_printf(&sb, "%-24.24s s%-2d %c %s\n", who,
				  ev->sw_tid, phase_mark(ev->phase), ev->text);
		else
			sb_printf(&sb, "%-24.24s     %c %s\n", who,
				  phase_mark(ev->phase), ev->text);
		break;
	}
	case SMCSIM_TRACE_LINES:
		sb_printf(&sb, "%llu\t%llu\t%s\t%c\t%u\t%s\t%d\t0x%x\t%s\t%s\n",
			  (unsigned long long)ev->seq,
			  (unsigned long long)ev->ts_ns, kind ? kind : "?",
			  ev->phase, ev->nw_tid, ev->thread, ev->sw_tid,
			  ev->code, ev->name, ev->text);
		break;
	case SMCSIM_TRACE_JSON:
		json_event(&sb, ev);
		sb_printf(&sb, "\n");
		break;
	}
	return sb_ret(&sb);
}

/* ---- 5. reading the line format back ------------------------------------ */

/* Copy field @f (ending at a tab or the end) into @dst; Return: past it. */
static const char *field(const char *f, char *dst, size_t len, bool last)
{
	size_t n = last ? strcspn(f, "\n") : strcspn(f, "\t");

	if (!last && f[n] != '\t')
		return NULL;
	if (len) {
		size_t c = n < len - 1 ? n : len - 1;

		memcpy(dst, f, c);
		dst[c] = '\0';
	}
	return f + n + (last ? 0 : 1);
}

int smcsim_tev_parse_line(const char *line, struct smcsim_tev *ev)
{
	char num[6][24], kind[16], phase[4];
	const char *p = line;
	unsigned int k;
	char *end;

	memset(ev, 0, sizeof(*ev));
	if (!(p = field(p, num[0], sizeof(num[0]), false)) ||
	    !(p = field(p, num[1], sizeof(num[1]), false)) ||
	    !(p = field(p, kind, sizeof(kind), false)) ||
	    !(p = field(p, phase, sizeof(phase), false)) ||
	    !(p = field(p, num[2], sizeof(num[2]), false)) ||
	    !(p = field(p, ev->thread, sizeof(ev->thread), false)) ||
	    !(p = field(p, num[3], sizeof(num[3]), false)) ||
	    !(p = field(p, num[4], sizeof(num[4]), false)) ||
	    !(p = field(p, ev->name, sizeof(ev->name), false)) ||
	    !(p = field(p, ev->text, sizeof(ev->text), true)))
		return -EINVAL;
	ev->seq = strtoull(num[0], &end, 10);
	if (*end || !num[0][0])
		return -EINVAL;
	ev->ts_ns = strtoull(num[1], &end, 10);
	if (*end || !num[1][0])
		return -EINVAL;
	for (k = 0; k < SMCSIM_TEV_NR_KINDS; k++)
		if (!strcmp(kind, kind_names[k]))
			break;
	if (k == SMCSIM_TEV_NR_KINDS)
		return -EINVAL;
	ev->kind = (uint8_t)k;
	if (strlen(phase) != 1 || !strchr("BEI", phase[0]))
		return -EINVAL;
	ev->phase = phase[0];
	ev->nw_tid = (uint16_t)strtoul(num[2], &end, 10);
	if (*end || !num[2][0])
		return -EINVAL;
	ev->sw_tid = (int16_t)strtol(num[3], &end, 10);
	if (*end || !num[3][0] || ev->sw_tid < -1)
		return -EINVAL;
	ev->code = (uint32_t)strtoul(num[4], &end, 0);
	if (*end || !num[4][0])
		return -EINVAL;
	return 0;
}

/* ---- 6. the writer ------------------------------------------------------ */

void smcsim_trace_writer_begin(struct smcsim_trace_writer *w, FILE *f,
			       enum smcsim_trace_fmt fmt)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->fmt = fmt;
	if (fmt == SMCSIM_TRACE_LINES)
		fprintf(f, "# smcsim trace: seq\tts_ns\tkind\tphase\tnw_tid"
			"\tthread\tsw_tid\tcode\tname\ttext\n");
	if (fmt != SMCSIM_TRACE_JSON)
		return;
	/*
	 * The array form of the format: its closing bracket is optional to
	 * the viewers, so the stream of a process that died still opens.
	 */
	fprintf(f, "[\n"
		"{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
		"\"args\":{\"name\":\"normal world\"}},\n"
		"{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":1,"
		"\"tid\":0,\"args\":{\"sort_index\":1}},\n"
		"{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":2,\"tid\":0,"
		"\"args\":{\"name\":\"secure world\"}},\n"
		"{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":2,"
		"\"tid\":0,\"args\":{\"sort_index\":2}}");
}

/* The first event of a track names it. */
static void json_name_track(struct smcsim_trace_writer *w,
			    const struct smcsim_tev *ev)
{
	bool sec = on_secure_track(ev);
	unsigned int tid = sec ? (unsigned int)ev->sw_tid : ev->nw_tid;
	uint8_t *named = w->named[sec];

	if (tid >= SMCSIM_TRACE_MAX_TRACKS || named[tid / 8] & (1U << tid % 8))
		return;
	named[tid / 8] |= (uint8_t)(1U << tid % 8);
	fprintf(w->f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%d,"
		"\"tid\":%u,\"args\":{\"name\":", sec ? 2 : 1, tid);
	if (sec) {
		fprintf(w->f, "\"secure thread %u\"}}", tid);
	} else {
		char name[80], who[SMCSIM_TEV_NAME_LEN + 8];
		struct sbuf sb;

		/* "caller/3": callers share a name, not an id. */
		snprintf(who, sizeof(who), "%s/%u", ev->thread, tid);
		sb_init(&sb, name, sizeof(name));
		sb_json_str(&sb, who);
		fprintf(w->f, "%s}}", name);
	}
	fprintf(w->f, ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\","
		"\"pid\":%d,\"tid\":%u,\"args\":{\"sort_index\":%u}}",
		sec ? 2 : 1, tid, tid);
}

int smcsim_trace_writer_put(struct smcsim_trace_writer *w,
			    const struct smcsim_tev *ev)
{
	char line[SMCSIM_TEV_TEXT_LEN * 2 + 256];

	if (w->fmt == SMCSIM_TRACE_JSON)
		json_name_track(w, ev);
	smcsim_tev_format(ev, w->fmt, line, sizeof(line));
	if (w->fmt == SMCSIM_TRACE_JSON) {
		/* Events follow the head's metadata: each after a comma. */
		line[strcspn(line, "\n")] = '\0';
		fprintf(w->f, ",\n%s", line);
	} else {
		fputs(line, w->f);
	}
	w->count++;
	return ferror(w->f) ? -EIO : 0;
}

int smcsim_trace_writer_end(struct smcsim_trace_writer *w)
{
	if (w->fmt == SMCSIM_TRACE_JSON)
		fprintf(w->f, "\n]\n");
	if (fflush(w->f) || ferror(w->f))
		return -EIO;
	return 0;
}
