/*-------------------------------------------------------------------------
 *
 * fuzz_common.h
 *	  What every filter fuzzer checks: a successful parse yields a tree
 *	  that passes the structural check and renders as valid JSON, a
 *	  failed one a well-formed error; parsing is deterministic.  Findings
 *	  abort, so libFuzzer saves the input.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_common.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_FUZZ_COMMON_H
#define PODREC_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "arena.h"
#include "filter_check.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken invariant and abort. */
static inline void
fuzz_fail(const char *what, const char *why, const char *extra)
{
	fprintf(stderr, "\n*** invariant broken: %s: %s\n", what, why);
	if (extra)
		fprintf(stderr, "*** %.2000s\n", extra);
	abort();
}

/* The filter_to_json text of a tree (or of an error) for comparisons. */
static inline const char *
fuzz_render(FilterAlloc *a, const FilterNode *node, const FilterError *err)
{
	FilterBuf	buf;

	filter_buf_init(&buf, a);
	if (node)
		filter_to_json(&buf, node);
	else
		filter_buf_printf(&buf, "ERROR %d %d | %s | %s | %s", (int) err->kind,
						  err->position, err->message, err->detail, err->hint);
	return buf.data;
}

/*
 * Check the result of one parse of s[0..len): node, or NULL with err.
 * flags are CHECK_LOOSE / CHECK_TYPED; positioned says errors carry a
 * position.
 */
static inline void
fuzz_check_result(FilterAlloc *a, const char *what, const char *s, size_t len,
				  const FilterNode *node, const FilterError *err, int flags,
				  bool positioned)
{
	char		why[WHY_SIZE];

	(void) s;
	if (node)
	{
		if (err->kind != FILTER_OK)
			fuzz_fail(what, "success with err->kind set", err->message);
		if (!check_tree(a, node, flags, why))
			fuzz_fail(what, why, fuzz_render(a, node, err));
	}
	else if (!check_error(err, s, len, positioned, why))
		fuzz_fail(what, why, fuzz_render(a, NULL, err));
}

/* Characters of UTF-8 text (bytes that do not continue a character). */
static inline int
fuzz_chars(const char *s, size_t len)
{
	size_t		i;
	int			n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Every atom of a tree parsed from text starts at a character of it. */
static inline void
fuzz_check_positions(const FilterNode *n, int chars)
{
	int			i;

	if (n->op == FOP_AND || n->op == FOP_OR || n->op == FOP_NOT)
	{
		for (i = 0; i < n->nargs; i++)
			fuzz_check_positions(n->args[i], chars);
		return;
	}
	if (n->op != FOP_TRUE && (n->position < 1 || n->position > chars))
	{
		char		why[64];

		snprintf(why, sizeof(why), "atom position %d outside 1..%d", n->position, chars);
		fuzz_fail("positions", why, NULL);
	}
}

#endif							/* PODREC_FUZZ_COMMON_H */
