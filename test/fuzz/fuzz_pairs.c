/*-------------------------------------------------------------------------
 *
 * fuzz_pairs.c
 *	  libFuzzer harness of the PostgREST pairs parser: filter_parse_pairs,
 *	  filter_parse_any_text, and filter_parse_pair / filter_parse_logic_tree
 *	  (the JSON form) over the same bytes.
 *
 * Besides the checks of fuzz_common.h: filter_parse_any_text chooses the
 * dialect filter_text_is_pairs names and then gives what that parser
 * gives, and a tree printed back as pairs (fuzz_print.h) parses to the
 * same tree.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_pairs.c
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
			   *other;
	FilterDialect dialect;
	FilterKey	key;
	FilterBuf	printed;
	bool		is_pairs;

	node = filter_parse_pairs(&a, s, size, &err);
	fuzz_check_result(&a, "filter_parse_pairs", s, size, node, &err, CHECK_LOOSE, true);
	if (node)
		fuzz_check_positions(node, fuzz_chars(s, size));

	/* The dispatcher agrees with the detection rule and the parsers. */
	is_pairs = filter_text_is_pairs(s, size);
	other = filter_parse_any_text(&a, s, size, &dialect, &err2);
	if (dialect != (is_pairs ? FILTER_DIALECT_PAIRS : FILTER_DIALECT_TEXT))
		fuzz_fail("filter_parse_any_text", "dialect differs from filter_text_is_pairs", NULL);
	fuzz_check_result(&a, "filter_parse_any_text", s, size, other, &err2,
					  is_pairs ? CHECK_LOOSE : CHECK_TYPED, true);
	if (is_pairs &&
		strcmp(fuzz_render(&a, node, &err), fuzz_render(&a, other, &err2)) != 0)
		fuzz_fail("filter_parse_any_text", "differs from filter_parse_pairs", NULL);

	/* The JSON form's entry points over the same text. */
	filter_key_parse(&a, "k.a", 3, false, &key, &err2);
	other = filter_parse_pair(&a, &key, s, size, &err2);
	fuzz_check_result(&a, "filter_parse_pair", s, size, other, &err2, CHECK_LOOSE, true);
	other = filter_parse_logic_tree(&a, size % 2 == 0, size % 3 == 0, s, size, &err2);
	fuzz_check_result(&a, "filter_parse_logic_tree", s, size, other, &err2, CHECK_LOOSE, true);

	if (node)
	{
		filter_buf_init(&printed, &a);
		pairs_node(&printed, node);
		other = filter_parse_pairs(&a, printed.data, printed.len, &err2);
		if (!other)
			fuzz_fail("round trip", "the printed tree does not parse",
					  fuzz_render(&a, NULL, &err2));
		if (strcmp(fuzz_render(&a, node, &err), fuzz_render(&a, other, &err2)) != 0)
			fuzz_fail("round trip", "the printed tree parses differently", printed.data);
	}
	arena_free(&arena);
	return 0;
}
