/*-------------------------------------------------------------------------
 *
 * filter_parse_test.c
 *	  Table-driven tests of the text filter parsers (the flowthings
 *	  language and PostgREST pairs), built without the backend.
 *
 * Every case parses one input and compares the normalized tree, rendered
 * by filter_to_json, or the error (kind, position, message, detail, hint)
 * with the expected text.  Every result is also run through the invariant
 * checks of filter_check.h.  A few generated cases cover nesting limits,
 * clipping of long tokens and large inputs.
 *
 *	filter_parse_test            run every case, print failures and a summary
 *	filter_parse_test --print    print every case with its actual result in
 *	                             the table format (to review new cases)
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/unit/filter_parse_test.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "arena.h"
#include "filter_check.h"

/* Which entry point a case calls. */
typedef enum Parser
{
	PARSE_TEXT,					/* filter_parse_text */
	PARSE_PAIRS,				/* filter_parse_pairs */
	PARSE_ANY,					/* filter_parse_any_text, dialect shown */
	PARSE_PAIR,					/* filter_parse_pair with a key */
	PARSE_TREE					/* filter_parse_logic_tree: or, and, not.or, not.and */
} Parser;

typedef struct Case
{
	Parser		parser;
	const char *key;			/* PARSE_PAIR key, PARSE_TREE logic word */
	const char *input;
	int			len;			/* -1: strlen(input) */
	const char *expect;
} Case;

#define T(in, ex) {PARSE_TEXT, NULL, in, -1, ex}
#define TN(in, n, ex) {PARSE_TEXT, NULL, in, n, ex}
#define P(in, ex) {PARSE_PAIRS, NULL, in, -1, ex}
#define PN(in, n, ex) {PARSE_PAIRS, NULL, in, n, ex}
#define A(in, ex) {PARSE_ANY, NULL, in, -1, ex}
#define K(key, in, ex) {PARSE_PAIR, key, in, -1, ex}
#define L(word, in, ex) {PARSE_TREE, word, in, -1, ex}

static const Case cases[] = {
#include "text_cases.inc"
#include "pairs_cases.inc"
};

static int	passed = 0;
static int	failed = 0;

/* Append s to buf as the body of a C string literal. */
static void
append_c_literal(FilterBuf *buf, const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
		{
			filter_buf_appendc(buf, '\\');
			filter_buf_appendc(buf, (char) c);
		}
		else if (c == '\n')
			filter_buf_appends(buf, "\\n");
		else if (c == '\t')
			filter_buf_appends(buf, "\\t");
		else if (c < 0x20 || c >= 0x7F)
		{
			filter_buf_printf(buf, "\\x%02x", c);
			/* a hex escape swallows following hex digits: split the literal */
			if (i + 1 < len && strchr("0123456789abcdefABCDEF", s[i + 1]) && s[i + 1])
				filter_buf_appends(buf, "\" \"");
		}
		else
			filter_buf_appendc(buf, (char) c);
	}
}

/* The name of an error kind in expectations. */
static const char *
kind_name(FilterErrorKind kind)
{
	switch (kind)
	{
		case FILTER_OK:
			return "ok";
		case FILTER_ERR_SYNTAX:
			return "syntax";
		case FILTER_ERR_VALUE:
			return "value";
		case FILTER_ERR_LIMIT:
			return "limit";
	}
	return "?";
}

/*
 * Run one parse and render its result: the filter_to_json text, prefixed
 * by the dialect for PARSE_ANY, or "ERROR kind position | message |
 * detail | hint".  Invariant violations are reported as "INVARIANT: ...".
 */
static void
run_parse(FilterAlloc *a, Parser parser, const char *key, const char *in, size_t len,
		  FilterBuf *out)
{
	FilterError err;
	FilterNode *node = NULL;
	FilterDialect dialect = FILTER_DIALECT_TINES;
	FilterKey	k;
	char		why[WHY_SIZE];
	int			flags = 0;

	switch (parser)
	{
		case PARSE_TEXT:
			node = filter_parse_text(a, in, len, &err);
			flags = CHECK_TYPED;
			break;
		case PARSE_PAIRS:
			node = filter_parse_pairs(a, in, len, &err);
			flags = CHECK_LOOSE;
			break;
		case PARSE_ANY:
			node = filter_parse_any_text(a, in, len, &dialect, &err);
			flags = dialect == FILTER_DIALECT_PAIRS ? CHECK_LOOSE : CHECK_TYPED;
			filter_buf_appends(out, dialect == FILTER_DIALECT_PAIRS ? "pairs " :
							   dialect == FILTER_DIALECT_TEXT ? "text " : "?? ");
			break;
		case PARSE_PAIR:
			if (!filter_key_parse(a, key, strlen(key), false, &k, &err))
			{
				filter_buf_appends(out, "BAD TEST KEY");
				return;
			}
			node = filter_parse_pair(a, &k, in, len, &err);
			flags = CHECK_LOOSE;
			break;
		case PARSE_TREE:
			{
				bool		negated = strncmp(key, "not.", 4) == 0;
				bool		is_or = strcmp(key + (negated ? 4 : 0), "or") == 0;

				node = filter_parse_logic_tree(a, is_or, negated, in, len, &err);
				flags = CHECK_LOOSE;
				break;
			}
	}
	if (node)
	{
		if (err.kind != FILTER_OK)
			filter_buf_appends(out, "INVARIANT: success with err->kind set ");
		if (!check_tree(a, node, flags, why))
			filter_buf_printf(out, "INVARIANT: %s ", why);
		filter_to_json(out, node);
		return;
	}
	if (!check_error(&err, in, len, parser != PARSE_PAIR && parser != PARSE_TREE, why))
		filter_buf_printf(out, "INVARIANT: %s ", why);
	filter_buf_printf(out, "ERROR %s %d | %s | %s | %s", kind_name(err.kind),
					  err.position, err.message, err.detail, err.hint);
}

/* Print one case in the table format with its actual result. */
static void
print_case(const Case *c, size_t len, const char *actual, FilterBuf *buf)
{
	static const char *const macro[] = {"T", "P", "A", "K", "L"};

	buf->len = 0;
	buf->data[0] = '\0';
	filter_buf_printf(buf, "%s%s(", macro[c->parser], c->len >= 0 ? "N" : "");
	if (c->key)
	{
		filter_buf_appendc(buf, '"');
		append_c_literal(buf, c->key, strlen(c->key));
		filter_buf_appends(buf, "\", ");
	}
	filter_buf_appendc(buf, '"');
	append_c_literal(buf, c->input, len);
	filter_buf_appendc(buf, '"');
	if (c->len >= 0)
		filter_buf_printf(buf, ", %d", c->len);
	filter_buf_appends(buf, ",\n\t\"");
	append_c_literal(buf, actual, strlen(actual));
	filter_buf_appends(buf, "\"),\n");
	fputs(buf->data, stdout);
}

/* Compare one result with its expectation and count it. */
static void
report(const char *name, size_t namelen, const char *expect, const char *actual)
{
	if (strcmp(expect, actual) == 0 && strstr(actual, "INVARIANT") == NULL)
	{
		passed++;
		return;
	}
	failed++;
	printf("FAIL: %.*s\n  expected: %s\n  actual:   %s\n", (int) (namelen > 200 ? 200 : namelen),
		   name, expect, actual);
}

/* A string of n copies of unit followed by tail, in arena memory. */
static char *
repeat(FilterAlloc *a, const char *head, const char *unit, int n, const char *tail,
	   const char *end, size_t *len)
{
	FilterBuf	buf;
	int			i;

	filter_buf_init(&buf, a);
	filter_buf_appends(&buf, head);
	for (i = 0; i < n; i++)
		filter_buf_appends(&buf, unit);
	filter_buf_appends(&buf, tail);
	for (i = 0; i < n; i++)
		filter_buf_appends(&buf, end);
	*len = buf.len;
	return buf.data;
}

/* Check a generated input: the result must start with expect_prefix. */
static void
generated(const char *name, Parser parser, const char *in, size_t len,
		  const char *expect_prefix)
{
	Arena		arena = {NULL, 0};
	FilterAlloc a = arena_allocator(&arena);
	FilterBuf	out;

	filter_buf_init(&out, &a);
	run_parse(&a, parser, NULL, in, len, &out);
	if (strncmp(out.data, expect_prefix, strlen(expect_prefix)) == 0 &&
		strstr(out.data, "INVARIANT") == NULL)
		passed++;
	else
	{
		failed++;
		printf("FAIL: %s\n  expected: %s...\n  actual:   %.300s\n", name, expect_prefix, out.data);
	}
	arena_free(&arena);
}

/* Nesting limits, clipping and large inputs, built at run time. */
static void
generated_cases(void)
{
	Arena		arena = {NULL, 0};
	FilterAlloc a = arena_allocator(&arena);
	size_t		len;
	char	   *s;
	FilterBuf	big;
	int			i;

	s = repeat(&a, "", "NOT ", FILTER_MAX_DEPTH, "a == 1", "", &len);
	generated("200 NOTs", PARSE_TEXT, s, len, "{\"op\": \"eq\"");
	s = repeat(&a, "", "NOT ", FILTER_MAX_DEPTH + 1, "a == 1", "", &len);
	generated("201 NOTs", PARSE_TEXT, s, len,
			  "ERROR limit 801 | filter is nested too deeply | The maximum nesting depth is 200. | ");
	s = repeat(&a, "", "(", FILTER_MAX_DEPTH, "a == 1", ")", &len);
	generated("200 parentheses", PARSE_TEXT, s, len, "{\"op\": \"eq\", \"key\": \"a\", \"value\": 1}");
	s = repeat(&a, "", "(", FILTER_MAX_DEPTH + 1, "a == 1", ")", &len);
	generated("201 parentheses", PARSE_TEXT, s, len, "ERROR limit 201 | filter is nested too deeply");
	s = repeat(&a, "", "(a == 1 || NOT ", FILTER_MAX_DEPTH / 2 - 1, "b == 2", ")", &len);
	generated("or/not 198 levels deep", PARSE_TEXT, s, len, "{\"op\": \"or\"");
	s = repeat(&a, "", "(a == 1 || NOT ", FILTER_MAX_DEPTH / 2, "b == 2", ")", &len);
	generated("or/not 200 levels deep", PARSE_TEXT, s, len,
			  "ERROR limit 1501 | filter is nested too deeply | The maximum nesting depth is 200. | ");
	s = repeat(&a, "", "(a == 1 || b == 2 && ", 99, "c == 3", ")", &len);
	generated("or/and 198 levels deep", PARSE_TEXT, s, len, "{\"op\": \"or\"");
	s = repeat(&a, "", "(a == 1 || b == 2 && ", 100, "c == 3", ")", &len);
	generated("or/and 200 levels deep in 100 parentheses", PARSE_TEXT, s, len,
			  "ERROR limit 2091 | filter is nested too deeply | The maximum nesting depth is 200. | ");
	s = repeat(&a, "", "(", 100000, "", "", &len);
	generated("100000 open parentheses", PARSE_TEXT, s, len, "ERROR limit 201 |");
	s = repeat(&a, "", "NOT ", 100000, "", "", &len);
	generated("100000 NOTs", PARSE_TEXT, s, len, "ERROR limit 801 |");

	s = repeat(&a, "or=(", "or(", FILTER_MAX_DEPTH - 1, "a.eq.1", ")", &len);
	filter_buf_init(&big, &a);
	filter_buf_append(&big, s, len);
	filter_buf_appendc(&big, ')');
	generated("200 nested trees", PARSE_PAIRS, big.data, big.len, "{\"op\": \"eq\"");
	s = repeat(&a, "or=(", "or(", FILTER_MAX_DEPTH, "a.eq.1", ")", &len);
	filter_buf_init(&big, &a);
	filter_buf_append(&big, s, len);
	filter_buf_appendc(&big, ')');
	generated("201 nested trees", PARSE_PAIRS, big.data, big.len,
			  "ERROR limit 604 | filter is nested too deeply | The maximum nesting depth is 200. | ");
	s = repeat(&a, "or=(", "not.and(a.eq.1,", 99, "b.eq.2", ")", &len);
	filter_buf_init(&big, &a);
	filter_buf_append(&big, s, len);
	filter_buf_appendc(&big, ')');
	generated("not.and 198 levels deep", PARSE_PAIRS, big.data, big.len, "{\"op\": \"not\"");
	s = repeat(&a, "or=(", "not.and(a.eq.1,", 100, "b.eq.2", ")", &len);
	filter_buf_init(&big, &a);
	filter_buf_append(&big, s, len);
	filter_buf_appendc(&big, ')');
	generated("not.and 200 levels deep in 101 trees", PARSE_PAIRS, big.data, big.len,
			  "ERROR limit 1498 | filter is nested too deeply | The maximum nesting depth is 200. | ");
	s = repeat(&a, "or=(", "not.and(", 100000, "", "", &len);
	generated("100000 open trees", PARSE_PAIRS, s, len, "ERROR limit ");

	/* 5000 atoms: positions are computed incrementally, so this is quick. */
	filter_buf_init(&big, &a);
	for (i = 0; i < 5000; i++)
		filter_buf_printf(&big, "%selems.k%d == \"v%d\"", i ? " || " : "", i, i);
	generated("5000 atoms", PARSE_TEXT, big.data, big.len, "{\"op\": \"or\", \"args\": [{\"op\": \"eq\"");
	filter_buf_init(&big, &a);
	for (i = 0; i < 5000; i++)
		filter_buf_printf(&big, "%sk%d=in.(a,\"b,c\")", i ? "&" : "", i);
	generated("5000 pairs", PARSE_PAIRS, big.data, big.len, "{\"op\": \"and\", \"args\": [{\"op\": \"in\"");
	filter_buf_init(&big, &a);
	filter_buf_appends(&big, "x IN [");
	for (i = 0; i < 20000; i++)
		filter_buf_printf(&big, "%s%d", i ? "," : "", i);
	filter_buf_appends(&big, "]");
	generated("20000 list values", PARSE_TEXT, big.data, big.len, "{\"op\": \"in\", \"key\": \"x\", \"values\": [0, 1, 2,");

	/* Long tokens are clipped to 40 characters in messages. */
	filter_buf_init(&big, &a);
	filter_buf_appends(&big, "a == 1 ");
	for (i = 0; i < 100; i++)
		filter_buf_appends(&big, "\xc3\xa9");
	generated("clipped multibyte token", PARSE_TEXT, big.data, big.len,
			  "ERROR syntax 8 | syntax error at or near \"\xc3\xa9\" in filter");
	filter_buf_init(&big, &a);
	filter_buf_appends(&big, "a == 1 b");
	for (i = 0; i < 100; i++)
		filter_buf_appends(&big, "\xc3\xa9");
	filter_buf_appends(&big, "b");
	generated("clipped long unterminated string", PARSE_TEXT, big.data, big.len,
			  "ERROR syntax 8 | syntax error at or near \"b\" in filter");
	filter_buf_init(&big, &a);
	filter_buf_appends(&big, "a == \"");
	for (i = 0; i < 100; i++)
		filter_buf_appends(&big, "\xe2\x82\xac");
	generated("clipped at a character boundary", PARSE_TEXT, big.data, big.len,
			  "ERROR syntax 6 | syntax error at or near \"\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
			  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
			  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
			  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
			  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
			  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
			  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac...\" in filter | "
			  "At character 6 of the filter: the string is not terminated.");
	filter_buf_init(&big, &a);
	filter_buf_appends(&big, "kk");
	for (i = 0; i < 300; i++)
		filter_buf_appends(&big, "\xc3\xa9");
	filter_buf_appends(&big, "\\x=eq.1");
	generated("long bad key", PARSE_PAIRS, big.data, big.len,
			  "ERROR value 1 | invalid escape in flat key \"kk\xc3\xa9\xc3\xa9");

	arena_free(&arena);
}

/* Append the positions of the atoms of a tree, in order, to buf. */
static void
collect_positions(const FilterNode *n, FilterBuf *buf)
{
	int			i;

	if (n->op == FOP_AND || n->op == FOP_OR || n->op == FOP_NOT)
	{
		for (i = 0; i < n->nargs; i++)
			collect_positions(n->args[i], buf);
		return;
	}
	filter_buf_printf(buf, "%s%d", buf->len ? "," : "", n->position);
}

/* Atoms carry the 1-based character position where they start. */
static void
position_cases(void)
{
	static const struct
	{
		Parser		parser;
		const char *input;
		const char *positions;
	}			pcases[] = {
		{PARSE_TEXT, "a == 1", "1"},
		{PARSE_TEXT, "  a == 1 && `\xc3\xa9` == 2 || EXISTS b", "3,13,25"},
		{PARSE_TEXT, "NOT (x.y =~ /a/) && AGE < 5 && MATCHES /z/", "6,21,32"},
		{PARSE_TEXT, "`\xe2\x82\xac` == 1 || b == 2", "1,13"},
		{PARSE_TEXT, "a IN [1] && b CONTAINS [2] && c WITHIN 1 KM OF [0,0] && d % 2 == 0", "1,13,31,57"},
		{PARSE_PAIRS, "a=eq.1&\xc3\xa9=gt.2&or=(b.eq.1,not.c.is.null)", "1,8,19,26"},
		{PARSE_PAIRS, "x=is.not_null", "1"},
	};
	size_t		i;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++)
	{
		Arena		arena = {NULL, 0};
		FilterAlloc a = arena_allocator(&arena);
		FilterError err;
		FilterNode *node;
		FilterBuf	buf;
		const char *in = pcases[i].input;

		node = pcases[i].parser == PARSE_TEXT ?
			filter_parse_text(&a, in, strlen(in), &err) :
			filter_parse_pairs(&a, in, strlen(in), &err);
		filter_buf_init(&buf, &a);
		if (node)
			collect_positions(node, &buf);
		if (strcmp(buf.data, pcases[i].positions) == 0)
			passed++;
		else
		{
			failed++;
			printf("FAIL: positions of %s\n  expected: %s\n  actual:   %s\n", in,
				   pcases[i].positions, node ? buf.data : err.message);
		}
		arena_free(&arena);
	}
}

/* Run every case and print a summary; with --print, show actual results instead. */
int
main(int argc, char **argv)
{
	bool		print = argc > 1 && strcmp(argv[1], "--print") == 0;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const Case *c = &cases[i];
		Arena		arena = {NULL, 0};
		FilterAlloc a = arena_allocator(&arena);
		FilterBuf	out,
					again;
		size_t		len = c->len >= 0 ? (size_t) c->len : strlen(c->input);

		filter_buf_init(&out, &a);
		run_parse(&a, c->parser, c->key, c->input, len, &out);
		/* parsing is deterministic */
		filter_buf_init(&again, &a);
		run_parse(&a, c->parser, c->key, c->input, len, &again);
		if (strcmp(out.data, again.data) != 0)
			filter_buf_appends(&out, " INVARIANT: a second parse differs");
		if (print)
			print_case(c, len, out.data, &again);
		else
			report(c->input, len, c->expect, out.data);
		arena_free(&arena);
	}
	if (print)
		return 0;
	generated_cases();
	position_cases();
	printf("filter parser unit tests: %d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
