/*-------------------------------------------------------------------------
 *
 * fuzz_text.c
 *	  libFuzzer harness of filter_parse_text, the flowthings language.
 *
 * Besides the checks of fuzz_common.h: a tree printed back into the
 * language (fuzz_print.h) parses to the same tree.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_text.c
 *
 *-------------------------------------------------------------------------
 */
#include "fuzz_common.h"
#include "fuzz_print.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Arena		arena = {NULL, 0};
	FilterAlloc a = arena_allocator(&arena);
	FilterError err,
				err2;
	const char *s = (const char *) data;
	FilterNode *node,
			   *again;
	FilterBuf	printed;

	node = filter_parse_text(&a, s, size, &err);
	fuzz_check_result(&a, "filter_parse_text", s, size, node, &err, CHECK_TYPED, true);
	if (node)
		fuzz_check_positions(node, fuzz_chars(s, size));

	again = filter_parse_text(&a, s, size, &err2);
	if (strcmp(fuzz_render(&a, node, &err), fuzz_render(&a, again, &err2)) != 0)
		fuzz_fail("filter_parse_text", "a second parse differs", NULL);

	if (node)
	{
		filter_buf_init(&printed, &a);
		text_node(&printed, node);
		again = filter_parse_text(&a, printed.data, printed.len, &err2);
		if (!again)
			fuzz_fail("round trip", "the printed tree does not parse",
					  fuzz_render(&a, NULL, &err2));
		if (strcmp(fuzz_render(&a, node, &err), fuzz_render(&a, again, &err2)) != 0)
			fuzz_fail("round trip", "the printed tree parses differently", printed.data);
	}
	arena_free(&arena);
	return 0;
}
