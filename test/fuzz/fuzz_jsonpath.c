/*-------------------------------------------------------------------------
 *
 * fuzz_jsonpath.c
 *	  libFuzzer harness for the jsonpath compiler and the normalized form:
 *	  bytes are read as the SQL functions read a text filter (JSON when
 *	  they start with "[" or "{", else a text dialect), and every accepted
 *	  filter is compiled to jsonpath and printed in the normalized form.
 *
 * Invariants checked on every accepted filter:
 *	- the normalized form (filter_to_json) reads back, as the normalized
 *	  dialect, to a tree that prints the same;
 *	- both jsonpaths (FILTER_PATH_FULL and FILTER_PATH_INDEX) are valid
 *	  UTF-8 without control characters, every string literal is closed,
 *	  and parentheses and brackets outside literals balance;
 *	- the index path is "true" whenever the full path is.
 * Whether PostgreSQL accepts the paths is checked by replaying the corpus
 * through podrec.filter_compile (test/fuzz/replay.py).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_jsonpath.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Arena arena;
static FilterAlloc alloc = {arena_alloc, &arena};

/* Stop with a message: libFuzzer records the input as a crash. */
#define CHECK(cond, text) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_jsonpath: check failed at line %d: %s\n%s\n", \
					__LINE__, #cond, (text)); \
			abort(); \
		} \
	} while (0)

/* Scan a jsonpath: literals closed, no control bytes, brackets balanced. */
static void
check_jsonpath(const FilterBuf *path)
{
	int			depth = 0;
	bool		in_string = false;
	size_t		i;

	CHECK(path->len > 0, path->data);
	CHECK(filter_utf8_valid(path->data, path->len), path->data);
	for (i = 0; i < path->len; i++)
	{
		unsigned char c = (unsigned char) path->data[i];

		CHECK(c >= 0x20 && c != 0x7F, path->data);
		if (in_string)
		{
			if (c == '\\')
			{
				CHECK(i + 1 < path->len, path->data);
				i++;
			}
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"')
			in_string = true;
		else if (c == '(' || c == '[')
			depth++;
		else if (c == ')' || c == ']')
		{
			depth--;
			CHECK(depth >= 0, path->data);
		}
	}
	CHECK(!in_string, path->data);
	CHECK(depth == 0, path->data);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	FilterAlloc *a = &alloc;
	FilterError err;
	FilterDialect dialect;
	FilterNode *node;
	FJson	   *json;
	FilterBuf	first,
				second,
				full,
				index;
	size_t		i = 0;

	memset(&err, 0, sizeof(err));
	while (i < size && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i < size && (s[i] == '[' || s[i] == '{'))
	{
		json = fjson_parse(a, s, size, &err);
		node = json == NULL ? NULL : filter_parse_json(a, json, NULL, &dialect, &err);
	}
	else
		node = filter_parse_any_text(a, s, size, &dialect, &err);
	if (node == NULL)
	{
		CHECK(err.kind != FILTER_OK && err.message[0] != '\0', "an error without a message");
		arena_free(&arena);
		return 0;
	}
	node = filter_normalize(a, node);

	/* The normalized form reads back to the same tree. */
	filter_buf_init(&first, a);
	filter_to_json(&first, node);
	memset(&err, 0, sizeof(err));
	json = fjson_parse(a, first.data, first.len, &err);
	CHECK(json != NULL, first.data);
	CHECK(filter_json_is_canonical(json), first.data);
	node = filter_parse_canonical(a, json, &err);
	CHECK(node != NULL, err.message);
	filter_buf_init(&second, a);
	filter_to_json(&second, node);
	CHECK(first.len == second.len && memcmp(first.data, second.data, first.len) == 0,
		  second.data);

	/* Both jsonpaths are well formed; the index path states no more. */
	filter_buf_init(&full, a);
	filter_to_jsonpath(&full, node, FILTER_PATH_FULL);
	check_jsonpath(&full);
	filter_buf_init(&index, a);
	filter_to_jsonpath(&index, node, FILTER_PATH_INDEX);
	check_jsonpath(&index);
	if (strcmp(full.data, "true") == 0)
		CHECK(strcmp(index.data, "true") == 0, index.data);

	arena_free(&arena);
	return 0;
}
