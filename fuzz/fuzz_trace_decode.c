// SPDX-License-Identifier: BSD-2-Clause
/*
 * Fuzz target: the trace's decoder and its line-format reader
 * (lib/trace_fmt.c), which read what either world wrote (a message, an RPC
 * argument, registers) or a file a user hands to `smcsim trace`.
 *
 * Input layout:
 *   byte 0	bit 0: an RPC argument (else a call's); bit 1: decode the
 *		answer (else the request); bits 2..7: the size of a small
 *		output buffer (0..63)
 *   bytes 1-8	registers a0 and a1 (little endian, the rest zero), decoded
 *		as an SMC in and with a0..a3 out
 *   then	the message, decoded from a buffer of exactly its size (so an
 *		overread is a sanitizer report), and the same bytes read as
 *		one line of the line format
 *
 * Checked: the decode never writes past the output buffer, always ends it
 * with a NUL, and returns the same length whatever the buffer's size (the
 * length of the whole text); a line that parses formats back to a line
 * that parses to the same event.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <smcsim/trace.h>

#include "fuzz_input.h"

#define BIG	4096

static void check_msg(const uint8_t *msg, size_t n, bool rpc, bool answer,
		      size_t small_len)
{
	char big[BIG], small[64], name[SMCSIM_TEV_NAME_LEN + 12];
	int full, cut;

	full = smcsim_decode_msg(big, sizeof(big), msg, n, rpc, answer, name);
	if (full < 0 || (size_t)full >= sizeof(big) ||
	    strlen(big) != (size_t)full || !memchr(name, 0, sizeof(name)))
		abort();
	memset(small, 0x5a, sizeof(small));
	cut = smcsim_decode_msg(small, small_len, msg, n, rpc, answer, NULL);
	if (cut != full)
		abort();
	if (small_len && strlen(small) != ((size_t)full < small_len - 1 ?
					   (size_t)full : small_len - 1))
		abort();
	if (small_len < sizeof(small) && (uint8_t)small[small_len] != 0x5a)
		abort();
}

static void check_line(const uint8_t *data, size_t n)
{
	struct smcsim_tev ev, back;
	char *line = malloc(n + 1), out[2 * SMCSIM_TEV_TEXT_LEN + 128];

	if (!line)
		return;
	memcpy(line, data, n);
	line[n] = '\0';
	if (!smcsim_tev_parse_line(line, &ev)) {
		smcsim_tev_format(&ev, SMCSIM_TRACE_LINES, out, sizeof(out));
		if (smcsim_tev_parse_line(out, &back) ||
		    memcmp(&ev, &back, sizeof(ev)))
			abort();
		/* The other formats take any event. */
		smcsim_tev_format(&ev, SMCSIM_TRACE_TEXT, out, sizeof(out));
		smcsim_tev_format(&ev, SMCSIM_TRACE_JSON, out, sizeof(out));
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream s = { data, size };
	unsigned long a[8] = { 0 }, out[4];
	uint8_t flags = take8(&s), *msg;
	char buf[256];

	a[0] = take32(&s);
	a[1] = take32(&s);
	out[0] = a[1];
	out[1] = a[0];
	out[2] = out[3] = a[0] ^ a[1];
	smcsim_decode_smc(buf, sizeof(buf), a, NULL, NULL);
	smcsim_decode_smc(buf, sizeof(buf), a, out, NULL);

	/* Exactly its size: the decoder must not read one byte more. */
	msg = malloc(s.n ? s.n : 1);
	if (!msg)
		return 0;
	memcpy(msg, s.p, s.n);
	check_msg(msg, s.n, flags & 1, flags & 2, flags >> 2);
	free(msg);
	check_line(s.p, s.n);
	return 0;
}
