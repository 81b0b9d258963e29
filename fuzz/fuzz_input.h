/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fuzz input read as a stream of little-endian fields. A field past the
 * end reads as zero, so every input, however short, is a whole one and
 * the fuzzer never wastes a run on a truncated record.
 */
#ifndef SMCSIM_FUZZ_INPUT_H
#define SMCSIM_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/** struct stream - what is left of the input: @n bytes at @p */
struct stream {
	const uint8_t *p;
	size_t n;
};

/* A NULL stream is an empty one. */
static inline uint8_t take8(struct stream *s)
{
	uint8_t v;

	if (!s || !s->n)
		return 0;
	v = *s->p++;
	s->n--;
	return v;
}

static inline uint16_t take16(struct stream *s)
{
	uint16_t lo = take8(s);

	return (uint16_t)(lo | take8(s) << 8);
}

static inline uint32_t take32(struct stream *s)
{
	uint32_t lo = take16(s);

	return lo | (uint32_t)take16(s) << 16;
}

static inline uint64_t take64(struct stream *s)
{
	uint64_t lo = take32(s);

	return lo | (uint64_t)take32(s) << 32;
}

#endif /* SMCSIM_FUZZ_INPUT_H */
