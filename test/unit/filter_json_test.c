/*-------------------------------------------------------------------------
 *
 * filter_json_test.c
 *	  Unit tests of src/filter_json.c: the JSON parser and the Tines,
 *	  operator-map and pairs-object dialects, with and without a resolver.
 *
 * Build and run from the top of the tree:
 *
 *   cc -std=c99 -Wall -Wextra -Werror -fsanitize=address,undefined -Isrc \
 *      src/filter_ir.c src/filter_json.c src/filter_pairs.c src/filter_text.c \
 *      test/unit/filter_json_test.c -o /tmp/filter_json_test && /tmp/filter_json_test
 *
 * Every case is a line of a table: the input, and either the expected
 * filter_to_json() rendering (or, for the parser, a rendering of the JSON
 * tree) or the expected error (kind, message, detail, hint).  To keep the
 * tables readable, single quotes in inputs and expectations stand for
 * double quotes (cases marked RAW are taken as written).  An expected
 * text that starts with "*" only has to end with the rest; NULL is not
 * checked.  "-v" prints every case, "-d" prints what each case produced.
 *
 * The pairs cases only use forms whose result the design fixes (eq., gt.,
 * not., in.(...), is.null, or=(...)); errors of the pairs parser are
 * checked only for the sentence that this file appends to their detail.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/unit/filter_json_test.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- an arena: every block of one case, freed together ---- */

typedef struct Block
{
	struct Block *next;
	/* payload follows, aligned for any type */
	union
	{
		long double ld;
		void	   *p;
		long long	ll;
	}			align[];
} Block;

static Block *arena_blocks;

static void *
arena_alloc(void *ctx, size_t size)
{
	Block	   *b = malloc(sizeof(Block) + size);

	(void) ctx;
	if (b == NULL)
	{
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	b->next = arena_blocks;
	arena_blocks = b;
	return b->align;
}

static void
arena_free(void)
{
	while (arena_blocks != NULL)
	{
		Block	   *next = arena_blocks->next;

		free(arena_blocks);
		arena_blocks = next;
	}
}

static FilterAlloc arena = {arena_alloc, NULL};

/* ---- a resolver that knows a few typed fields ---- */

typedef struct TestField
{
	const char *id;
	const char *name;
	const char *key;
	FilterFieldType type;
} TestField;

static const TestField test_fields[] = {
	{"1", "status", "status", FILTER_FIELD_TEXT},
	{"2", "cost", "cost", FILTER_FIELD_NUMBER},
	{"3", "active", "active", FILTER_FIELD_BOOLEAN},
	{"4", "created", "created_at", FILTER_FIELD_TIMESTAMP},
	{"5", "severity", "severity", FILTER_FIELD_TEXT_ENUM},
	{"6", "report", "report", FILTER_FIELD_ARTIFACT},
	{"7", "metadata", "metadata", FILTER_FIELD_OBJECT},
	{"8", "tags", "tags", FILTER_FIELD_ARRAY},
	{"9", "plain", "a.b", FILTER_FIELD_UNKNOWN}
};

static bool
test_resolve(void *ctx, const char *name, int len, FilterKey *key,
			 FilterFieldType *type, FilterError *err)
{
	size_t		i;

	(void) ctx;
	for (i = 0; i < sizeof(test_fields) / sizeof(test_fields[0]); i++)
	{
		const TestField *f = &test_fields[i];

		if (((size_t) len == strlen(f->id) && memcmp(name, f->id, (size_t) len) == 0) ||
			((size_t) len == strlen(f->name) && memcmp(name, f->name, (size_t) len) == 0))
		{
			*type = f->type;
			return filter_key_parse(&arena, f->key, strlen(f->key), false, key, err);
		}
	}
	filter_error(err, FILTER_ERR_VALUE, 0, "The fields are status, cost, active, created, severity, report, metadata, tags and plain.",
				 "unknown field \"%.*s\"", len, name);
	if (len == 8 && memcmp(name, "detailed", 8) == 0)
		filter_error_detail(err, "The record type has no such field.");
	return false;
}

static const FilterResolver test_resolver = {test_resolve, NULL};

/* ---- the cases ---- */

typedef enum Entry
{
	E_JSON,						/* filter_parse_json */
	E_TINES,					/* filter_parse_tines */
	E_OPMAP,					/* filter_parse_opmap */
	E_PAIRS,					/* filter_parse_pairs_object */
	E_FJSON						/* fjson_parse alone */
} Entry;

typedef struct Case
{
	int			line;
	Entry		entry;
	bool		resolver;
	bool		raw;			/* single quotes are single quotes */
	const char *input;
	const char *expect;			/* the rendering; NULL when an error is expected */
	int			dialect;		/* E_JSON: the expected dialect, -1 unchecked */
	FilterErrorKind kind;
	const char *message;
	const char *detail;
	const char *hint;
} Case;

#define NOD (-1)
#define KANY ((FilterErrorKind) 99)	/* any error kind */
#define OK(entry, res, in, out) {__LINE__, entry, res, false, in, out, NOD, FILTER_OK, NULL, NULL, NULL}
#define BAD(entry, res, in, kind, msg, det, hint) {__LINE__, entry, res, false, in, NULL, NOD, kind, msg, det, hint}

/* parser */
#define P(in, out) OK(E_FJSON, false, in, out)
#define PRAW(in, out) {__LINE__, E_FJSON, false, true, in, out, NOD, FILTER_OK, NULL, NULL, NULL}
#define PE(in, msg, det) BAD(E_FJSON, false, in, FILTER_ERR_SYNTAX, msg, det, NULL)
#define PEH(in, msg, det, hint) BAD(E_FJSON, false, in, FILTER_ERR_SYNTAX, msg, det, hint)
#define PERAW(in, msg, det) {__LINE__, E_FJSON, false, true, in, NULL, NOD, FILTER_ERR_SYNTAX, msg, det, NULL}
/* Tines without and with the resolver */
#define T(in, out) OK(E_TINES, false, in, out)
#define TE(in, msg, det, hint) BAD(E_TINES, false, in, FILTER_ERR_VALUE, msg, det, hint)
#define TR(in, out) OK(E_TINES, true, in, out)
#define TRE(in, msg, det, hint) BAD(E_TINES, true, in, FILTER_ERR_VALUE, msg, det, hint)
/* operator maps */
#define M(in, out) OK(E_OPMAP, false, in, out)
#define ME(in, msg, det, hint) BAD(E_OPMAP, false, in, FILTER_ERR_VALUE, msg, det, hint)
#define MR(in, out) OK(E_OPMAP, true, in, out)
#define MRE(in, msg, det, hint) BAD(E_OPMAP, true, in, FILTER_ERR_VALUE, msg, det, hint)
/* pairs objects */
#define Q(in, out) OK(E_PAIRS, false, in, out)
#define QE(in, msg, det, hint) BAD(E_PAIRS, false, in, FILTER_ERR_VALUE, msg, det, hint)
/* errors of the pairs parser: only the sentence added to the detail is checked */
#define QX(in, det, hint) BAD(E_PAIRS, false, in, KANY, NULL, det, hint)
/* the dispatcher */
#define D(in, dialect, out) {__LINE__, E_JSON, false, false, in, out, dialect, FILTER_OK, NULL, NULL, NULL}
#define DR(in, dialect, out) {__LINE__, E_JSON, true, false, in, out, dialect, FILTER_OK, NULL, NULL, NULL}
#define DE(in, dialect, kind, msg, det, hint) {__LINE__, E_JSON, false, false, in, NULL, dialect, kind, msg, det, hint}

#define TINES_OPS "The operators are EQUAL, NOT_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL_TO, " \
	"LESS_THAN, LESS_THAN_OR_EQUAL_TO, IS_EMPTY, IS_NOT_EMPTY, IS_TRUE, IS_FALSE, IS_ANY_OF and IS_NONE_OF."
#define OPMAP_OPS "The operators are '' (equal), iexact, lt, lte, gt, gte, contains, icontains, " \
	"startswith, endswith, in, not and isnull."
#define SHAPES "A filter is a Tines array such as [{'field_id': '5', 'operator': 'EQUAL', 'value': 'ALERT'}], " \
	"an operator map such as {'cost': {'operator': 'gt', 'value': 10}}, " \
	"a pairs object such as {'status': 'eq.done'}, " \
	"or a text filter in a JSON string such as 'EXISTS elems.a'."
#define VALUE_HINT "A JSON value is an object, an array, a string, a number, true, false or null."
#define MEMBER_HINT "Object members are written 'key': value and separated by commas."
#define ESC_HINT "The escapes are \\', \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX."
#define SURR_HINT "Characters beyond U+FFFF are written as a pair of escapes such as \\ud83d\\ude00."
#define NUM_HINT "Numbers are written like 12, -0.5 or 1.5e3, without leading zeros."

static const Case cases[] = {
	/* ================= fjson_parse ================= */

	/* scalars */
	P("null", "null"),
	P("true", "true"),
	P("false", "false"),
	P("0", "0"),
	P("-0", "-0"),
	P("7", "7"),
	P("-12", "-12"),
	P("1.5", "1.5"),
	P("1.50", "1.50"),
	P("1e3", "1e3"),
	P("1E+2", "1E+2"),
	P("-12.5e-3", "-12.5e-3"),
	P("0.0001", "0.0001"),
	P("1e1000", "1e1000"),
	P("1E-1000", "1E-1000"),
	P("123456789012345678901234567890", "123456789012345678901234567890"),
	P("'abc'", "'abc'"),
	P("''", "''"),
	P(" \t\r\n 1 \t\r\n ", "1"),

	/* containers */
	P("[]", "[]"),
	P("{}", "{}"),
	P("[ ]", "[]"),
	P("{ }", "{}"),
	P("[1,2,3]", "[1, 2, 3]"),
	P(" [ 1 , 2 ,3 ] ", "[1, 2, 3]"),
	P("[[],[[]],{}]", "[[], [[]], {}]"),
	P("{'a':1,'b':[true,null]}", "{'a': 1, 'b': [true, null]}"),
	P("{ 'a' : { 'b' : { 'c' : [ ] } } }", "{'a': {'b': {'c': []}}}"),
	P("[null,true,false,0,'x',[],{}]", "[null, true, false, 0, 'x', [], {}]"),

	/* escapes */
	P("'\\'\\\\\\/'", "'\\'\\\\/'"),
	P("'\\b\\f\\n\\r\\t'", "'\\u0008\\u000c\\n\\r\\t'"),
	P("'a\\/b'", "'a/b'"),
	P("'\\u0041\\u0062'", "'Ab'"),
	P("'\\u00e9'", "'\xc3\xa9'"),
	P("'\\u00E9'", "'\xc3\xa9'"),
	P("'\\u20ac'", "'\xe2\x82\xac'"),
	P("'\\u07ff\\u0800\\uffff'", "'\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf'"),
	P("'\\ud83d\\ude00'", "'\xf0\x9f\x98\x80'"),
	P("'\\uD834\\uDD1E'", "'\xf0\x9d\x84\x9e'"),
	P("'\\udbff\\udfff'", "'\xf4\x8f\xbf\xbf'"),
	P("'\\ud800\\udc00'", "'\xf0\x90\x80\x80'"),
	P("'\\u001f'", "'\\u001f'"),
	P("'x\\u007fy'", "'x\\u007fy'"),
	P("'\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'", "'\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80'"),
	P("'\x7f'", "'\\u007f'"),
	P("{'\\u0061':1}", "{'a': 1}"),
	PRAW("\"it's\"", "\"it's\""),

	/* duplicate keys: the last one wins */
	P("{'a':1,'b':2,'a':3}", "{'b': 2, 'a': 3}"),
	P("{'a':1,'a':2,'a':3}", "{'a': 3}"),
	P("{'a':1,'\\u0061':2}", "{'a': 2}"),
	P("{'ab':1,'a':2,'abc':3}", "{'ab': 1, 'a': 2, 'abc': 3}"),
	P("{'':1,'':2}", "{'': 2}"),
	P("{'a':{'x':1},'a':{'y':2}}", "{'a': {'y': 2}}"),
	P("{'b':1,'a':2,'b':3,'a':4,'c':5}", "{'b': 3, 'a': 4, 'c': 5}"),
	P("[{'a':1,'a':2},{'a':3,'a':4}]", "[{'a': 2}, {'a': 4}]"),

	/* empty input and missing values */
	PEH("", "syntax error at end of JSON filter",
		"At character 1 of the JSON filter: expected a JSON value.", VALUE_HINT),
	PE("   ", "syntax error at end of JSON filter",
	   "At character 4 of the JSON filter: expected a JSON value."),
	PE("[1,]", "syntax error at or near ']' in JSON filter",
	   "At character 4 of the JSON filter: expected a JSON value."),
	PE("[,1]", "syntax error at or near ',' in JSON filter",
	   "At character 2 of the JSON filter: expected a JSON value."),
	PE("{'a':}", "syntax error at or near '}' in JSON filter",
	   "At character 6 of the JSON filter: expected a JSON value."),
	PE("{'a':", "syntax error at end of JSON filter",
	   "At character 6 of the JSON filter: expected a JSON value."),
	PE("[", "syntax error at end of JSON filter",
	   "At character 2 of the JSON filter: expected a JSON value."),

	/* objects */
	PEH("{'a':1,}", "syntax error at or near '}' in JSON filter",
		"At character 8 of the JSON filter: expected a string as the key of an object member.", MEMBER_HINT),
	PERAW("{'a':1}", "syntax error at or near \"'\" in JSON filter",
		  "At character 2 of the JSON filter: expected a string as the key of an object member."),
	PE("{a:1}", "syntax error at or near 'a' in JSON filter",
	   "At character 2 of the JSON filter: expected a string as the key of an object member."),
	PE("{1:1}", "syntax error at or near '1' in JSON filter",
	   "At character 2 of the JSON filter: expected a string as the key of an object member."),
	PEH("{'a' 1}", "syntax error at or near '1' in JSON filter",
		"At character 6 of the JSON filter: expected ':' after the key of an object member.", MEMBER_HINT),
	PE("{'a'=1}", "syntax error at or near '=' in JSON filter",
	   "At character 5 of the JSON filter: expected ':' after the key of an object member."),
	PE("{'a'", "syntax error at end of JSON filter",
	   "At character 5 of the JSON filter: expected ':' after the key of an object member."),
	PEH("{'a':1 'b':2}", "syntax error at or near ''b'' in JSON filter",
		"At character 8 of the JSON filter: expected ',' or '}' after an object member.", ""),
	PE("{'a':1;'b':2}", "syntax error at or near ';' in JSON filter",
	   "At character 7 of the JSON filter: expected ',' or '}' after an object member."),
	PE("{'a':1", "syntax error at end of JSON filter",
	   "At character 7 of the JSON filter: expected ',' or '}' after an object member."),
	PE("{'a':1]", "syntax error at or near ']' in JSON filter",
	   "At character 7 of the JSON filter: expected ',' or '}' after an object member."),
	PE("{", "syntax error at end of JSON filter",
	   "At character 2 of the JSON filter: expected a string as the key of an object member."),
	PE("{,}", "syntax error at or near ',' in JSON filter",
	   "At character 2 of the JSON filter: expected a string as the key of an object member."),

	/* arrays */
	PEH("[1 2]", "syntax error at or near '2' in JSON filter",
		"At character 4 of the JSON filter: expected ',' or ']' after an array element.", ""),
	PE("[1", "syntax error at end of JSON filter",
	   "At character 3 of the JSON filter: expected ',' or ']' after an array element."),
	PE("[1}", "syntax error at or near '}' in JSON filter",
	   "At character 3 of the JSON filter: expected ',' or ']' after an array element."),
	PE("[1,,2]", "syntax error at or near ',' in JSON filter",
	   "At character 4 of the JSON filter: expected a JSON value."),
	PE("]", "syntax error at or near ']' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),

	/* literals */
	PEH("tru", "syntax error at or near 'tru' in JSON filter",
		"At character 1 of the JSON filter: expected a JSON value.", VALUE_HINT),
	PE("nulls", "syntax error at or near 'nulls' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("True", "syntax error at or near 'True' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("NULL", "syntax error at or near 'NULL' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("[true1]", "syntax error at or near 'true1' in JSON filter",
	   "At character 2 of the JSON filter: expected a JSON value."),
	PE("NaN", "syntax error at or near 'NaN' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("Infinity", "syntax error at or near 'Infinity' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("undefined", "syntax error at or near 'undefined' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("/* c */ 1", "syntax error at or near '/' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("[1] // c", "syntax error at or near '/' in JSON filter",
	   "At character 5 of the JSON filter: expected the end of the filter after the JSON value."),

	/* numbers */
	PEH("01", "syntax error at or near '01' in JSON filter",
		"At character 1 of the JSON filter: invalid number.", NUM_HINT),
	PE("-01", "syntax error at or near '-01' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("00", "syntax error at or near '00' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("1.", "syntax error at or near '1.' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("[1.]", "syntax error at or near '1.' in JSON filter",
	   "At character 2 of the JSON filter: invalid number."),
	PE(".5", "syntax error at or near '.5' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("+1", "syntax error at or near '+1' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),
	PE("-", "syntax error at or near '-' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("[-]", "syntax error at or near '-' in JSON filter",
	   "At character 2 of the JSON filter: invalid number."),
	PE("-a", "syntax error at or near '-a' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("1e", "syntax error at or near '1e' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("1e+", "syntax error at or near '1e+' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("1.e5", "syntax error at or near '1.e5' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("1.5.2", "syntax error at or near '1.5.2' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("0x10", "syntax error at or near '0x10' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("12abc", "syntax error at or near '12abc' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("1-2", "syntax error at or near '1-2' in JSON filter",
	   "At character 1 of the JSON filter: invalid number."),
	PE("[1e5x]", "syntax error at or near '1e5x' in JSON filter",
	   "At character 2 of the JSON filter: invalid number."),
	BAD(E_FJSON, false, "1e1001", FILTER_ERR_VALUE, "number '1e1001' is out of range in JSON filter",
		"At character 1 of the JSON filter: exponents beyond 1000 are not supported.", ""),
	BAD(E_FJSON, false, "[0, -2.5E-5000]", FILTER_ERR_VALUE, "number '-2.5E-5000' is out of range in JSON filter",
		"At character 5 of the JSON filter: exponents beyond 1000 are not supported.", ""),

	/* trailing garbage */
	PE("[1] x", "syntax error at or near 'x' in JSON filter",
	   "At character 5 of the JSON filter: expected the end of the filter after the JSON value."),
	PE("[1]]", "syntax error at or near ']' in JSON filter",
	   "At character 4 of the JSON filter: expected the end of the filter after the JSON value."),
	PE("{} {}", "syntax error at or near '{' in JSON filter",
	   "At character 4 of the JSON filter: expected the end of the filter after the JSON value."),
	PE("1 2", "syntax error at or near '2' in JSON filter",
	   "At character 3 of the JSON filter: expected the end of the filter after the JSON value."),
	PE("'a''b'", "syntax error at or near ''b'' in JSON filter",
	   "At character 4 of the JSON filter: expected the end of the filter after the JSON value."),
	PE("null,", "syntax error at or near ',' in JSON filter",
	   "At character 5 of the JSON filter: expected the end of the filter after the JSON value."),

	/* strings */
	PEH("'abc", "syntax error at end of JSON filter",
		"At character 5 of the JSON filter: the string that starts at character 1 is not terminated.",
		"Strings end with a double quote; write \\' for a double quote inside a string."),
	PE("['a', 'b]", "syntax error at end of JSON filter",
	   "At character 10 of the JSON filter: the string that starts at character 7 is not terminated."),
	PE("'a\\'", "syntax error at end of JSON filter",
	   "At character 5 of the JSON filter: the string that starts at character 1 is not terminated."),
	PEH("'a\\", "syntax error at or near '\\' in JSON filter",
		"At character 3 of the JSON filter: expected an escape after the backslash.", ESC_HINT),
	PEH("'\\x'", "syntax error at or near '\\x' in JSON filter",
		"At character 2 of the JSON filter: invalid escape in string.", ESC_HINT),
	PE("'\\a'", "syntax error at or near '\\a' in JSON filter",
	   "At character 2 of the JSON filter: invalid escape in string."),
	PE("'\\U0041'", "syntax error at or near '\\U' in JSON filter",
	   "At character 2 of the JSON filter: invalid escape in string."),
	PE("'\\\xc3\xa9'", "syntax error at or near '\\\xc3\xa9' in JSON filter",
	   "At character 2 of the JSON filter: invalid escape in string."),
	PE("'\\u12'", "syntax error at or near '\\u12'' in JSON filter",
	   "At character 2 of the JSON filter: \\u must be followed by four hexadecimal digits."),
	PE("'\\ud8\xf0\x9f\x98\x80'", "syntax error at or near '\\ud8\xf0\x9f\x98\x80' in JSON filter",
	   "At character 2 of the JSON filter: \\u must be followed by four hexadecimal digits."),
	PE("'\\u00G0'", "syntax error at or near '\\u00G0' in JSON filter",
	   "At character 2 of the JSON filter: \\u must be followed by four hexadecimal digits."),
	PE("'\\u'", "syntax error at or near '\\u'' in JSON filter",
	   "At character 2 of the JSON filter: \\u must be followed by four hexadecimal digits."),
	PE("'\\u-123'", "syntax error at or near '\\u-123' in JSON filter",
	   "At character 2 of the JSON filter: \\u must be followed by four hexadecimal digits."),
	PEH("'a\\u0000b'", "syntax error at or near '\\u0000' in JSON filter",
		"At character 3 of the JSON filter: \\u0000 is not allowed in strings.",
		"Filter strings cannot contain NUL characters."),
	PEH("'\\ud83d'", "syntax error at or near '\\ud83d' in JSON filter",
		"At character 2 of the JSON filter: a high surrogate must be followed by a low surrogate.", SURR_HINT),
	PE("'\\ud83dx'", "syntax error at or near '\\ud83d' in JSON filter",
	   "At character 2 of the JSON filter: a high surrogate must be followed by a low surrogate."),
	PE("'\\ud83d\\u0041'", "syntax error at or near '\\ud83d' in JSON filter",
	   "At character 2 of the JSON filter: a high surrogate must be followed by a low surrogate."),
	PE("'\\ud83d\\ud83d'", "syntax error at or near '\\ud83d' in JSON filter",
	   "At character 2 of the JSON filter: a high surrogate must be followed by a low surrogate."),
	PE("'\\ud83d\\n'", "syntax error at or near '\\ud83d' in JSON filter",
	   "At character 2 of the JSON filter: a high surrogate must be followed by a low surrogate."),
	PE("'\\ud83d\\u'", "syntax error at or near '\\ud83d' in JSON filter",
	   "At character 2 of the JSON filter: a high surrogate must be followed by a low surrogate."),
	PEH("'\\ude00'", "syntax error at or near '\\ude00' in JSON filter",
		"At character 2 of the JSON filter: a low surrogate must follow a high surrogate.", SURR_HINT),
	PE("'x\\udfff\\ud800'", "syntax error at or near '\\udfff' in JSON filter",
	   "At character 3 of the JSON filter: a low surrogate must follow a high surrogate."),
	PEH("'a\tb'", "syntax error at or near '\\t' in JSON filter",
		"At character 3 of the JSON filter: control characters in strings must be escaped.",
		"Write \\n for a line feed, \\t for a tab and \\u00XX for other control characters."),
	PE("'a\nb'", "syntax error at or near '\\n' in JSON filter",
	   "At character 3 of the JSON filter: control characters in strings must be escaped."),
	PE("'\x01'", "syntax error at or near '\\u0001' in JSON filter",
	   "At character 2 of the JSON filter: control characters in strings must be escaped."),
	PE("'\x1f'", "syntax error at or near '\\u001f' in JSON filter",
	   "At character 2 of the JSON filter: control characters in strings must be escaped."),

	/* invalid UTF-8, anywhere */
	PE("'\xff'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xff is not valid UTF-8."),
	PE("'\xc3'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xc3 is not valid UTF-8."),
	PE("'\xc3('", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xc3 is not valid UTF-8."),
	PE("'\xc0\xaf'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xc0 0xaf is not valid UTF-8."),
	PE("'\xe0\x80\xaf'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xe0 0x80 0xaf is not valid UTF-8."),
	PE("'\xed\xa0\x80'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xed 0xa0 0x80 is not valid UTF-8."),
	PE("'\xe2\x82'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xe2 0x82 is not valid UTF-8."),
	PE("'\xf4\x90\x80\x80'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xf4 0x90 0x80 0x80 is not valid UTF-8."),
	PE("'\xf8\x88\x80\x80\x80'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0xf8 is not valid UTF-8."),
	PE("'\x80'", "invalid byte sequence in JSON filter",
	   "At character 2 of the JSON filter: 0x80 is not valid UTF-8."),
	PE("['\xc3\xa9', \xff]", "invalid byte sequence in JSON filter",
	   "At character 7 of the JSON filter: 0xff is not valid UTF-8."),
	PE("[1] \xfe", "invalid byte sequence in JSON filter",
	   "At character 5 of the JSON filter: 0xfe is not valid UTF-8."),
	PE("\xef\xbb\xbf[]", "syntax error at or near '\xef\xbb\xbf' in JSON filter",
	   "At character 1 of the JSON filter: expected a JSON value."),

	/* positions and tokens count characters; long tokens are clipped */
	PE("['\xc3\xa9\xc3\xa9', x]", "syntax error at or near 'x' in JSON filter",
	   "At character 8 of the JSON filter: expected a JSON value."),
	PE("[\xc3\xa9]", "syntax error at or near '\xc3\xa9' in JSON filter",
	   "At character 2 of the JSON filter: expected a JSON value."),
	PE("[aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeee]",
	   "syntax error at or near 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd...' in JSON filter",
	   "At character 2 of the JSON filter: expected a JSON value."),
	PE("{'a' 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd'}",
	   "syntax error at or near ''aaaaaaaaaabbbbbbbbbbccccccccccddddddddd...' in JSON filter",
	   "At character 6 of the JSON filter: expected ':' after the key of an object member."),
	PE("{'a' '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9'}",
	   "syntax error at or near ''\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...' in JSON filter",
	   "At character 6 of the JSON filter: expected ':' after the key of an object member."),

	/* ================= Tines ================= */

	/* the seed's examples */
	T("[{'field_id': '5', 'operator': 'EQUAL', 'value': 'ALERT'}]",
	  "{'op': 'eq', 'key': '5', 'value': {'text': 'ALERT'}}"),
	T("[{'value': 'ALERT', 'operator': 'EQUAL', 'field_id': '5'}]",
	  "{'op': 'eq', 'key': '5', 'value': {'text': 'ALERT'}}"),
	T("[{'field_id': '5', 'operator': 'IS_ANY_OF', 'value': ['ALERT', 'WARNING', 'CRITICAL']}]",
	  "{'op': 'in', 'key': '5', 'values': [{'text': 'ALERT'}, {'text': 'WARNING'}, {'text': 'CRITICAL'}]}"),

	/* every operator */
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 10}]", "{'op': 'eq', 'key': 'a', 'value': 10}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': true}]", "{'op': 'eq', 'key': 'a', 'value': true}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': false}]", "{'op': 'eq', 'key': 'a', 'value': false}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': ''}]", "{'op': 'eq', 'key': 'a', 'value': {'text': ''}}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': '10'}]", "{'op': 'eq', 'key': 'a', 'value': {'text': '10'}}"),
	T("[{'field_id': 'a', 'operator': 'NOT_EQUAL', 'value': 'x'}]", "{'op': 'ne', 'key': 'a', 'value': {'text': 'x'}}"),
	T("[{'field_id': 'a', 'operator': 'NOT_EQUAL', 'value': 2}]", "{'op': 'ne', 'key': 'a', 'value': 2}"),
	T("[{'field_id': 'a', 'operator': 'NOT_EQUAL', 'value': false}]", "{'op': 'ne', 'key': 'a', 'value': false}"),
	T("[{'field_id': 'a', 'operator': 'GREATER_THAN', 'value': 1}]", "{'op': 'gt', 'key': 'a', 'value': 1}"),
	T("[{'field_id': 'a', 'operator': 'GREATER_THAN', 'value': 'm'}]", "{'op': 'gt', 'key': 'a', 'value': {'text': 'm'}}"),
	T("[{'field_id': 'a', 'operator': 'GREATER_THAN_OR_EQUAL_TO', 'value': 1.5}]", "{'op': 'ge', 'key': 'a', 'value': 1.5}"),
	T("[{'field_id': 'a', 'operator': 'GREATER_THAN_OR_EQUAL_TO', 'value': '2023-01-01'}]",
	  "{'op': 'ge', 'key': 'a', 'value': {'text': '2023-01-01'}}"),
	T("[{'field_id': 'a', 'operator': 'LESS_THAN', 'value': -3}]", "{'op': 'lt', 'key': 'a', 'value': -3}"),
	T("[{'field_id': 'a', 'operator': 'LESS_THAN', 'value': 'b'}]", "{'op': 'lt', 'key': 'a', 'value': {'text': 'b'}}"),
	T("[{'field_id': 'a', 'operator': 'LESS_THAN_OR_EQUAL_TO', 'value': 0}]", "{'op': 'le', 'key': 'a', 'value': 0}"),
	T("[{'field_id': 'a', 'operator': 'LESS_THAN_OR_EQUAL_TO', 'value': 'z'}]", "{'op': 'le', 'key': 'a', 'value': {'text': 'z'}}"),
	T("[{'field_id': 'a', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'a'}"),
	T("[{'field_id': 'a', 'operator': 'IS_EMPTY', 'value': null}]", "{'op': 'empty', 'key': 'a'}"),
	T("[{'field_id': 'a', 'operator': 'IS_NOT_EMPTY'}]", "{'op': 'not', 'args': [{'op': 'empty', 'key': 'a'}]}"),
	T("[{'field_id': 'a', 'operator': 'IS_NOT_EMPTY', 'value': null}]", "{'op': 'not', 'args': [{'op': 'empty', 'key': 'a'}]}"),
	T("[{'field_id': 'a', 'operator': 'IS_TRUE'}]", "{'op': 'is_true', 'key': 'a'}"),
	T("[{'field_id': 'a', 'operator': 'IS_TRUE', 'value': null}]", "{'op': 'is_true', 'key': 'a'}"),
	T("[{'field_id': 'a', 'operator': 'IS_FALSE'}]", "{'op': 'is_false', 'key': 'a'}"),
	T("[{'field_id': 'a', 'operator': 'IS_FALSE', 'value': null}]", "{'op': 'is_false', 'key': 'a'}"),
	T("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': [1, 'x', true]}]",
	  "{'op': 'in', 'key': 'a', 'values': [1, {'text': 'x'}, true]}"),
	T("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': ['x']}]", "{'op': 'in', 'key': 'a', 'values': [{'text': 'x'}]}"),
	T("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': []}]", "{'op': 'in', 'key': 'a', 'values': []}"),
	T("[{'field_id': 'a', 'operator': 'IS_NONE_OF', 'value': ['x', 'y']}]",
	  "{'op': 'not', 'args': [{'op': 'in', 'key': 'a', 'values': [{'text': 'x'}, {'text': 'y'}]}]}"),
	T("[{'field_id': 'a', 'operator': 'IS_NONE_OF', 'value': []}]", "{'op': 'not', 'args': [{'op': 'in', 'key': 'a', 'values': []}]}"),

	/* numbers are canonical */
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': -0}]", "{'op': 'eq', 'key': 'a', 'value': 0}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 1E2}]", "{'op': 'eq', 'key': 'a', 'value': 1e2}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 1e+02}]", "{'op': 'eq', 'key': 'a', 'value': 1e2}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 2.50}]", "{'op': 'eq', 'key': 'a', 'value': 2.50}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 0.5e-3}]", "{'op': 'eq', 'key': 'a', 'value': 0.5e-3}"),
	T("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': [1E0, -0.0]}]", "{'op': 'in', 'key': 'a', 'values': [1e0, -0.0]}"),

	/* strings stay as written, loose */
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 'line\\nbreak \\'q\\''}]",
	  "{'op': 'eq', 'key': 'a', 'value': {'text': 'line\\nbreak \\'q\\''}}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': '\xc3\xa9t\xc3\xa9'}]",
	  "{'op': 'eq', 'key': 'a', 'value': {'text': '\xc3\xa9t\xc3\xa9'}}"),

	/* several filters are ANDed; none is TRUE */
	T("[]", "{'op': 'true'}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 1}, {'field_id': 'b', 'operator': 'IS_EMPTY'}]",
	  "{'op': 'and', 'args': [{'op': 'eq', 'key': 'a', 'value': 1}, {'op': 'empty', 'key': 'b'}]}"),
	T("[{'field_id': 'a', 'operator': 'IS_NOT_EMPTY'}, {'field_id': 'b', 'operator': 'IS_NONE_OF', 'value': [1]}, {'field_id': 'c', 'operator': 'IS_TRUE'}]",
	  "{'op': 'and', 'args': [{'op': 'not', 'args': [{'op': 'empty', 'key': 'a'}]}, {'op': 'not', 'args': [{'op': 'in', 'key': 'b', 'values': [1]}]}, {'op': 'is_true', 'key': 'c'}]}"),
	T("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 1}, {'field_id': 'a', 'operator': 'EQUAL', 'value': 1}]",
	  "{'op': 'and', 'args': [{'op': 'eq', 'key': 'a', 'value': 1}, {'op': 'eq', 'key': 'a', 'value': 1}]}"),

	/* field_id: a string or an integer, a flat key without a resolver */
	T("[{'field_id': 5, 'operator': 'EQUAL', 'value': 1}]", "{'op': 'eq', 'key': '5', 'value': 1}"),
	T("[{'field_id': 0, 'operator': 'EQUAL', 'value': 1}]", "{'op': 'eq', 'key': '0', 'value': 1}"),
	T("[{'field_id': -3, 'operator': 'EQUAL', 'value': 1}]", "{'op': 'eq', 'key': '-3', 'value': 1}"),
	T("[{'field_id': 12345678901234567890, 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': '12345678901234567890'}"),
	T("[{'field_id': 'a.b.c', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'a.b.c'}"),
	T("[{'field_id': 'photos.1.url', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'photos.1.url'}"),
	T("[{'field_id': 'a\\\\.b', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'a\\\\.b'}"),
	T("[{'field_id': 'a\\\\\\\\b', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'a\\\\\\\\b'}"),
	T("[{'field_id': 'a__b', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'a__b'}"),
	T("[{'field_id': 'Story name', 'operator': 'EQUAL', 'value': 'x'}]", "{'op': 'eq', 'key': 'Story name', 'value': {'text': 'x'}}"),
	T("[{'field_id': '\xc3\xa9', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': '\xc3\xa9'}"),
	TE("[{'field_id': 5.5, 'operator': 'EQUAL', 'value': 1}]", "field_id must be a string or an integer in filter 1",
	   "Filter 1 is {'field_id': 5.5, 'operator': 'EQUAL', 'value': 1}.",
	   "Each filter names its field with 'field_id': a string or an integer."),
	TE("[{'field_id': 5e0, 'operator': 'EQUAL', 'value': 1}]", "field_id must be a string or an integer in filter 1", NULL, NULL),
	TE("[{'field_id': true, 'operator': 'EQUAL', 'value': 1}]", "field_id must be a string or an integer in filter 1", NULL, NULL),
	TE("[{'field_id': null, 'operator': 'EQUAL', 'value': 1}]", "field_id must be a string or an integer in filter 1", NULL, NULL),
	TE("[{'field_id': ['a'], 'operator': 'EQUAL', 'value': 1}]", "field_id must be a string or an integer in filter 1", NULL, NULL),
	TE("[{'field_id': {}, 'operator': 'EQUAL', 'value': 1}]", "field_id must be a string or an integer in filter 1", NULL, NULL),
	TE("[{'operator': 'EQUAL', 'value': 1}]", "missing field_id in filter 1",
	   "Filter 1 is {'operator': 'EQUAL', 'value': 1}.",
	   "Each filter names its field with 'field_id': a string or an integer."),
	TE("[{'field_id': '', 'operator': 'EQUAL', 'value': 1}]", "empty field_id in filter 1",
	   "Filter 1 is {'field_id': '', 'operator': 'EQUAL', 'value': 1}.",
	   "A field_id names a flat key such as 'alert' or '5'."),
	TE("[{'field_id': 'a\\\\x', 'operator': 'EQUAL', 'value': 1}]", "invalid escape in flat key 'a\\x'",
	   "Filter 1 is {'field_id': 'a\\\\x', 'operator': 'EQUAL', 'value': 1}.",
	   "Write \\. for a dot and \\\\ for a backslash inside a key segment."),
	TE("[{'field_id': 'a\\\\', 'operator': 'EQUAL', 'value': 1}]", "invalid escape in flat key 'a\\'", NULL, NULL),

	/* operators: exact upper case */
	TE("[{'field_id': '5', 'operator': 'EQUALS', 'value': 'ALERT'}]", "invalid operator 'EQUALS' in filter 1",
	   "Filter 1 is {'field_id': '5', 'operator': 'EQUALS', 'value': 'ALERT'}.", TINES_OPS),
	TE("[{'field_id': '5', 'operator': 'equal', 'value': 'ALERT'}]", "invalid operator 'equal' in filter 1",
	   "Filter 1 is {'field_id': '5', 'operator': 'equal', 'value': 'ALERT'}.",
	   "Operator names are written in upper case. " TINES_OPS),
	TE("[{'field_id': '5', 'operator': 'Is_Any_Of', 'value': []}]", "invalid operator 'Is_Any_Of' in filter 1", NULL,
	   "Operator names are written in upper case. " TINES_OPS),
	TE("[{'field_id': '5', 'operator': '', 'value': 1}]", "invalid operator '' in filter 1", NULL, TINES_OPS),
	TE("[{'field_id': '5', 'operator': ' EQUAL', 'value': 1}]", "invalid operator ' EQUAL' in filter 1", NULL, TINES_OPS),
	TE("[{'field_id': '5', 'operator': 'CONTAINS', 'value': 1}]", "invalid operator 'CONTAINS' in filter 1", NULL, TINES_OPS),
	TE("[{'field_id': '5', 'operator': 'eq', 'value': 1}]", "invalid operator 'eq' in filter 1", NULL, TINES_OPS),
	TE("[{'field_id': '5', 'value': 1}]", "missing operator in filter 1", "Filter 1 is {'field_id': '5', 'value': 1}.", TINES_OPS),
	TE("[{'field_id': '5', 'operator': 1, 'value': 1}]", "operator must be a string in filter 1", NULL, TINES_OPS),
	TE("[{'field_id': '5', 'operator': null, 'value': 1}]", "operator must be a string in filter 1", NULL, TINES_OPS),
	TE("[{'field_id': '5', 'operator': ['EQUAL'], 'value': 1}]", "operator must be a string in filter 1", NULL, TINES_OPS),
	TE("[{'field_id': '5', 'operator': 'GREATER_THAN_OR_EQUAL_TO_SOMETHING_VERY_LONG_INDEED', 'value': 1}]",
	   "invalid operator 'GREATER_THAN_OR_EQUAL_TO_SOMETHING_VERY_...' in filter 1", NULL, TINES_OPS),

	/* unknown keys */
	TE("[{'field_id': '5', 'operator': 'EQUAL', 'values': ['x']}]", "unknown key 'values' in filter 1",
	   "Filter 1 is {'field_id': '5', 'operator': 'EQUAL', 'values': ['x']}.",
	   "A filter has the keys field_id, operator and value."),
	TE("[{'Field_id': '5', 'operator': 'EQUAL', 'value': 1}]", "unknown key 'Field_id' in filter 1", NULL, NULL),
	TE("[{'field_id': '5', 'operator': 'EQUAL', 'value': 1, '': 2}]", "unknown key '' in filter 1", NULL, NULL),
	TE("[{'field': '5'}]", "unknown key 'field' in filter 1", NULL, NULL),

	/* filters must be objects; errors name the filter */
	TE("['x']", "filter 1 is not an object", "Filter 1 is 'x'.",
	   "Each filter is an object such as {'field_id': '5', 'operator': 'EQUAL', 'value': 'ALERT'}."),
	TE("[1]", "filter 1 is not an object", "Filter 1 is 1.", NULL),
	TE("[null]", "filter 1 is not an object", "Filter 1 is null.", NULL),
	TE("[[]]", "filter 1 is not an object", "Filter 1 is [].", NULL),
	TE("[{}]", "missing field_id in filter 1", "Filter 1 is {}.", NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_EMPTY'}, {'field_id': 'b', 'operator': 'EQUALS', 'value': 1}]",
	   "invalid operator 'EQUALS' in filter 2", "Filter 2 is {'field_id': 'b', 'operator': 'EQUALS', 'value': 1}.", TINES_OPS),
	TE("[{'field_id': 'a', 'operator': 'IS_EMPTY'}, {'field_id': 'b', 'operator': 'IS_EMPTY'}, true]",
	   "filter 3 is not an object", "Filter 3 is true.", NULL),
	BAD(E_TINES, false, "{'field_id': '5', 'operator': 'EQUAL', 'value': 'ALERT'}", FILTER_ERR_VALUE,
		"Tines filters must be a JSON array", "The filter is {'field_id': '5', 'operator': 'EQUAL', 'value': 'ALERT'}.",
		"Write [{'field_id': '5', 'operator': 'EQUAL', 'value': 'ALERT'}]."),
	BAD(E_TINES, false, "'x'", FILTER_ERR_VALUE, "Tines filters must be a JSON array", "The filter is 'x'.", NULL),

	/* the rendering in details is clipped */
	TE("[{'field_id': 'a', 'operator': 'EQUALS', 'value': 'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee'}]",
	   "invalid operator 'EQUALS' in filter 1",
	   "Filter 1 is {'field_id': 'a', 'operator': 'EQUALS', 'value': 'aaaaaaaaaabbbbbbbbbbcccccccccc....", NULL),
	TE("[{'field_id': 'a', 'operator': 'EQUALS', 'value': '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9'}]",
	   "invalid operator 'EQUALS' in filter 1",
	   "Filter 1 is {'field_id': 'a', 'operator': 'EQUALS', 'value': '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9....", NULL),
	TE("[{'field_id': 'a', 'operator': 'EQUALS', 'value': 'tab\\there'}]", "invalid operator 'EQUALS' in filter 1",
	   "Filter 1 is {'field_id': 'a', 'operator': 'EQUALS', 'value': 'tab\\there'}.", NULL),
	TE("[{'field_id': 'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee', 'operator': 'EQUAL'}]",
	   "missing value for EQUAL in filter 1", NULL, NULL),

	/* values of comparisons */
	TE("[{'field_id': 'a', 'operator': 'EQUAL'}]", "missing value for EQUAL in filter 1",
	   "Filter 1 is {'field_id': 'a', 'operator': 'EQUAL'}.", "EQUAL takes a string, a number or a boolean."),
	TE("[{'field_id': 'a', 'operator': 'EQUAL', 'value': null}]", "invalid value for EQUAL in filter 1",
	   "Filter 1 is {'field_id': 'a', 'operator': 'EQUAL', 'value': null}.",
	   "EQUAL takes a string, a number or a boolean; use IS_EMPTY to find fields without a value."),
	TE("[{'field_id': 'a', 'operator': 'EQUAL', 'value': ['x']}]", "invalid value for EQUAL in filter 1", NULL,
	   "EQUAL takes a string, a number or a boolean; use IS_ANY_OF or IS_NONE_OF for a list of values."),
	TE("[{'field_id': 'a', 'operator': 'EQUAL', 'value': []}]", "invalid value for EQUAL in filter 1", NULL,
	   "EQUAL takes a string, a number or a boolean; use IS_ANY_OF or IS_NONE_OF for a list of values."),
	TE("[{'field_id': 'a', 'operator': 'EQUAL', 'value': {'x': 1}}]", "invalid value for EQUAL in filter 1", NULL,
	   "EQUAL takes a string, a number or a boolean."),
	TE("[{'field_id': 'a', 'operator': 'NOT_EQUAL'}]", "missing value for NOT_EQUAL in filter 1", NULL,
	   "NOT_EQUAL takes a string, a number or a boolean."),
	TE("[{'field_id': 'a', 'operator': 'NOT_EQUAL', 'value': null}]", "invalid value for NOT_EQUAL in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'GREATER_THAN'}]", "missing value for GREATER_THAN in filter 1", NULL,
	   "GREATER_THAN takes a string or a number."),
	TE("[{'field_id': 'a', 'operator': 'GREATER_THAN', 'value': true}]", "invalid value for GREATER_THAN in filter 1", NULL,
	   "GREATER_THAN takes a string or a number."),
	TE("[{'field_id': 'a', 'operator': 'GREATER_THAN_OR_EQUAL_TO', 'value': null}]",
	   "invalid value for GREATER_THAN_OR_EQUAL_TO in filter 1", NULL, "GREATER_THAN_OR_EQUAL_TO takes a string or a number."),
	TE("[{'field_id': 'a', 'operator': 'LESS_THAN', 'value': [1]}]", "invalid value for LESS_THAN in filter 1", NULL,
	   "LESS_THAN takes a string or a number."),
	TE("[{'field_id': 'a', 'operator': 'LESS_THAN_OR_EQUAL_TO', 'value': {}}]",
	   "invalid value for LESS_THAN_OR_EQUAL_TO in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'EQUAL', 'value': 1e999}, {}]", "missing field_id in filter 2", NULL, NULL),

	/* IS_* take no value */
	TE("[{'field_id': 'a', 'operator': 'IS_EMPTY', 'value': ''}]", "unexpected value for IS_EMPTY in filter 1",
	   "Filter 1 is {'field_id': 'a', 'operator': 'IS_EMPTY', 'value': ''}.",
	   "IS_EMPTY takes no value: leave 'value' out or set it to null."),
	TE("[{'field_id': 'a', 'operator': 'IS_EMPTY', 'value': false}]", "unexpected value for IS_EMPTY in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_NOT_EMPTY', 'value': []}]", "unexpected value for IS_NOT_EMPTY in filter 1", NULL,
	   "IS_NOT_EMPTY takes no value: leave 'value' out or set it to null."),
	TE("[{'field_id': 'a', 'operator': 'IS_TRUE', 'value': true}]", "unexpected value for IS_TRUE in filter 1", NULL,
	   "IS_TRUE takes no value: leave 'value' out or set it to null."),
	TE("[{'field_id': 'a', 'operator': 'IS_FALSE', 'value': 0}]", "unexpected value for IS_FALSE in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_FALSE', 'value': {}}]", "unexpected value for IS_FALSE in filter 1", NULL, NULL),

	/* IS_ANY_OF / IS_NONE_OF take arrays of scalars */
	TE("[{'field_id': 'a', 'operator': 'IS_ANY_OF'}]", "missing value for IS_ANY_OF in filter 1", NULL,
	   "IS_ANY_OF takes an array of strings, numbers or booleans, such as ['ALERT', 'WARNING']."),
	TE("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': 'ALERT'}]", "invalid value for IS_ANY_OF in filter 1",
	   "Filter 1 is {'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': 'ALERT'}.",
	   "IS_ANY_OF takes an array of strings, numbers or booleans, such as ['ALERT', 'WARNING']."),
	TE("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': null}]", "invalid value for IS_ANY_OF in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': {'x': 1}}]", "invalid value for IS_ANY_OF in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': ['x', null]}]", "invalid element 2 in the value for IS_ANY_OF in filter 1",
	   NULL, "IS_ANY_OF takes an array of strings, numbers or booleans, such as ['ALERT', 'WARNING']."),
	TE("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': [['x']]}]", "invalid element 1 in the value for IS_ANY_OF in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_ANY_OF', 'value': [1, 2, {}]}]", "invalid element 3 in the value for IS_ANY_OF in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_NONE_OF'}]", "missing value for IS_NONE_OF in filter 1", NULL,
	   "IS_NONE_OF takes an array of strings, numbers or booleans, such as ['ALERT', 'WARNING']."),
	TE("[{'field_id': 'a', 'operator': 'IS_NONE_OF', 'value': 5}]", "invalid value for IS_NONE_OF in filter 1", NULL, NULL),
	TE("[{'field_id': 'a', 'operator': 'IS_NONE_OF', 'value': [[]]}]", "invalid element 1 in the value for IS_NONE_OF in filter 1", NULL, NULL),

	/* the order of checks: keys, field_id, operator, field, value */
	TE("[{'field_id': 5.5, 'operator': 'NOPE', 'junk': 1}]", "unknown key 'junk' in filter 1", NULL, NULL),
	TE("[{'field_id': 5.5, 'operator': 'NOPE'}]", "field_id must be a string or an integer in filter 1", NULL, NULL),
	TE("[{'field_id': '', 'operator': 'NOPE'}]", "invalid operator 'NOPE' in filter 1", NULL, NULL),
	TE("[{'field_id': 'a\\\\x', 'operator': 'EQUAL'}]", "invalid escape in flat key 'a\\x'", NULL, NULL),

	/* ---- Tines with a resolver ---- */
	TR("[{'field_id': '1', 'operator': 'EQUAL', 'value': 'open'}]", "{'op': 'eq', 'key': 'status', 'value': {'text': 'open'}}"),
	TR("[{'field_id': 1, 'operator': 'EQUAL', 'value': 'open'}]", "{'op': 'eq', 'key': 'status', 'value': {'text': 'open'}}"),
	TR("[{'field_id': 'status', 'operator': 'NOT_EQUAL', 'value': 'open'}]", "{'op': 'ne', 'key': 'status', 'value': {'text': 'open'}}"),
	TR("[{'field_id': '9', 'operator': 'EQUAL', 'value': 'x'}]", "{'op': 'eq', 'key': 'a.b', 'value': {'text': 'x'}}"),
	TR("[{'field_id': '1', 'operator': 'EQUAL', 'value': 5}]", "{'op': 'eq', 'key': 'status', 'value': 5}"),
	TRE("[{'field_id': '99', 'operator': 'EQUAL', 'value': 'x'}]", "unknown field '99'",
		"Filter 1 is {'field_id': '99', 'operator': 'EQUAL', 'value': 'x'}.",
		"The fields are status, cost, active, created, severity, report, metadata, tags and plain."),
	TRE("[{'field_id': 'detailed', 'operator': 'IS_EMPTY'}]", "unknown field 'detailed'",
		"The record type has no such field. Filter 1 is {'field_id': 'detailed', 'operator': 'IS_EMPTY'}.", NULL),
	TRE("[{'field_id': 'a.b', 'operator': 'IS_EMPTY'}]", "unknown field 'a.b'", NULL, NULL),
	TRE("[{'field_id': '', 'operator': 'IS_EMPTY'}]", "unknown field ''", NULL, NULL),
	TRE("[{'field_id': '1', 'operator': 'EQUALS', 'value': 'x'}]", "invalid operator 'EQUALS' in filter 1", NULL, TINES_OPS),
	/* number fields */
	TR("[{'field_id': '2', 'operator': 'EQUAL', 'value': 10}]", "{'op': 'eq', 'key': 'cost', 'value': 10}"),
	TR("[{'field_id': '2', 'operator': 'EQUAL', 'value': '10'}]", "{'op': 'eq', 'key': 'cost', 'value': 10}"),
	TR("[{'field_id': '2', 'operator': 'GREATER_THAN', 'value': '1.5e3'}]", "{'op': 'gt', 'key': 'cost', 'value': 1.5e3}"),
	TR("[{'field_id': '2', 'operator': 'LESS_THAN', 'value': '-0.25'}]", "{'op': 'lt', 'key': 'cost', 'value': -0.25}"),
	TR("[{'field_id': '2', 'operator': 'LESS_THAN_OR_EQUAL_TO', 'value': '007'}]", "{'op': 'le', 'key': 'cost', 'value': 7}"),
	TR("[{'field_id': '2', 'operator': 'GREATER_THAN_OR_EQUAL_TO', 'value': '.5'}]", "{'op': 'ge', 'key': 'cost', 'value': 0.5}"),
	TR("[{'field_id': '2', 'operator': 'IS_ANY_OF', 'value': ['1', 2, '3.0']}]", "{'op': 'in', 'key': 'cost', 'values': [1, 2, 3.0]}"),
	TR("[{'field_id': '2', 'operator': 'IS_NONE_OF', 'value': [0]}]", "{'op': 'not', 'args': [{'op': 'in', 'key': 'cost', 'values': [0]}]}"),
	TR("[{'field_id': '2', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'cost'}"),
	TRE("[{'field_id': '2', 'operator': 'EQUAL', 'value': 'abc'}]", "invalid value 'abc' for number field '2' in filter 1",
		"Filter 1 is {'field_id': '2', 'operator': 'EQUAL', 'value': 'abc'}.", "Number fields take numbers, such as 10 or '10'."),
	TRE("[{'field_id': '2', 'operator': 'EQUAL', 'value': ''}]", "invalid value '' for number field '2' in filter 1", NULL, NULL),
	TRE("[{'field_id': '2', 'operator': 'EQUAL', 'value': ' 10'}]", "invalid value ' 10' for number field '2' in filter 1", NULL, NULL),
	TRE("[{'field_id': 'cost', 'operator': 'EQUAL', 'value': true}]", "invalid value true for number field 'cost' in filter 1", NULL,
		"Number fields take numbers, such as 10 or '10'."),
	TRE("[{'field_id': '2', 'operator': 'EQUAL', 'value': '1e5000'}]", "invalid value '1e5000' for number field '2' in filter 1", NULL, NULL),
	TRE("[{'field_id': '2', 'operator': 'IS_ANY_OF', 'value': ['1', 'x']}]", "invalid value 'x' for number field '2' in filter 1", NULL, NULL),
	TRE("[{'field_id': '2', 'operator': 'IS_TRUE'}]", "IS_TRUE cannot be used on number field '2' in filter 1",
		"Filter 1 is {'field_id': '2', 'operator': 'IS_TRUE'}.", "IS_TRUE and IS_FALSE are available for boolean fields."),
	/* boolean fields */
	TR("[{'field_id': '3', 'operator': 'EQUAL', 'value': true}]", "{'op': 'eq', 'key': 'active', 'value': true}"),
	TR("[{'field_id': '3', 'operator': 'EQUAL', 'value': 'true'}]", "{'op': 'eq', 'key': 'active', 'value': true}"),
	TR("[{'field_id': '3', 'operator': 'NOT_EQUAL', 'value': 'false'}]", "{'op': 'ne', 'key': 'active', 'value': false}"),
	TR("[{'field_id': '3', 'operator': 'IS_TRUE'}]", "{'op': 'is_true', 'key': 'active'}"),
	TR("[{'field_id': '3', 'operator': 'IS_FALSE'}]", "{'op': 'is_false', 'key': 'active'}"),
	TR("[{'field_id': '3', 'operator': 'IS_NOT_EMPTY'}]", "{'op': 'not', 'args': [{'op': 'empty', 'key': 'active'}]}"),
	TRE("[{'field_id': '3', 'operator': 'EQUAL', 'value': 'TRUE'}]", "invalid value 'TRUE' for boolean field '3' in filter 1",
		NULL, "Boolean fields take true or false."),
	TRE("[{'field_id': '3', 'operator': 'EQUAL', 'value': 'yes'}]", "invalid value 'yes' for boolean field '3' in filter 1", NULL, NULL),
	TRE("[{'field_id': '3', 'operator': 'EQUAL', 'value': 1}]", "invalid value 1 for boolean field '3' in filter 1", NULL, NULL),
	TRE("[{'field_id': '3', 'operator': 'GREATER_THAN', 'value': true}]", "GREATER_THAN cannot be used on boolean field '3' in filter 1",
		"Filter 1 is {'field_id': '3', 'operator': 'GREATER_THAN', 'value': true}.",
		"Boolean fields take EQUAL, NOT_EQUAL, IS_TRUE, IS_FALSE, IS_EMPTY and IS_NOT_EMPTY."),
	TRE("[{'field_id': '3', 'operator': 'GREATER_THAN_OR_EQUAL_TO', 'value': 1}]", "GREATER_THAN_OR_EQUAL_TO cannot be used on boolean field '3' in filter 1", NULL, NULL),
	TRE("[{'field_id': '3', 'operator': 'LESS_THAN'}]", "LESS_THAN cannot be used on boolean field '3' in filter 1", NULL, NULL),
	TRE("[{'field_id': '3', 'operator': 'LESS_THAN_OR_EQUAL_TO', 'value': 'x'}]", "LESS_THAN_OR_EQUAL_TO cannot be used on boolean field '3' in filter 1", NULL, NULL),
	TRE("[{'field_id': '3', 'operator': 'IS_ANY_OF', 'value': [true]}]", "IS_ANY_OF cannot be used on boolean field '3' in filter 1",
		NULL, "IS_ANY_OF and IS_NONE_OF are available for text, text enum and number fields."),
	TRE("[{'field_id': 'active', 'operator': 'IS_NONE_OF', 'value': [true]}]", "IS_NONE_OF cannot be used on boolean field 'active' in filter 1", NULL, NULL),
	/* timestamp fields */
	TR("[{'field_id': '4', 'operator': 'GREATER_THAN', 'value': '2023-07-03T00:00:00Z'}]",
	   "{'op': 'gt', 'key': 'created_at', 'value': {'text': '2023-07-03T00:00:00Z'}}"),
	TR("[{'field_id': '4', 'operator': 'EQUAL', 'value': '2023-06-06 16:18:34'}]",
	   "{'op': 'eq', 'key': 'created_at', 'value': {'text': '2023-06-06 16:18:34'}}"),
	TR("[{'field_id': '4', 'operator': 'LESS_THAN', 'value': '2023-06-06'}]", "{'op': 'lt', 'key': 'created_at', 'value': {'text': '2023-06-06'}}"),
	TR("[{'field_id': '4', 'operator': 'IS_EMPTY'}]", "{'op': 'empty', 'key': 'created_at'}"),
	TRE("[{'field_id': '4', 'operator': 'GREATER_THAN', 'value': 'yesterday'}]", "invalid value 'yesterday' for timestamp field '4' in filter 1",
		NULL, "Timestamp fields take ISO 8601 timestamps, such as '2023-07-03T00:00:00Z'."),
	TRE("[{'field_id': '4', 'operator': 'EQUAL', 'value': '2023-02-30'}]", "invalid value '2023-02-30' for timestamp field '4' in filter 1", NULL, NULL),
	TRE("[{'field_id': '4', 'operator': 'EQUAL', 'value': 1688342400000}]", "invalid value 1688342400000 for timestamp field '4' in filter 1", NULL, NULL),
	TRE("[{'field_id': '4', 'operator': 'EQUAL', 'value': true}]", "invalid value true for timestamp field '4' in filter 1", NULL, NULL),
	TRE("[{'field_id': '4', 'operator': 'IS_ANY_OF', 'value': ['2023-06-06']}]", "IS_ANY_OF cannot be used on timestamp field '4' in filter 1", NULL, NULL),
	TRE("[{'field_id': '4', 'operator': 'IS_TRUE'}]", "IS_TRUE cannot be used on timestamp field '4' in filter 1", NULL, NULL),
	/* text, text enum and the rest */
	TR("[{'field_id': '5', 'operator': 'IS_ANY_OF', 'value': ['High', 'Low']}]",
	   "{'op': 'in', 'key': 'severity', 'values': [{'text': 'High'}, {'text': 'Low'}]}"),
	TR("[{'field_id': '1', 'operator': 'IS_NONE_OF', 'value': ['a']}]", "{'op': 'not', 'args': [{'op': 'in', 'key': 'status', 'values': [{'text': 'a'}]}]}"),
	TR("[{'field_id': '9', 'operator': 'IS_ANY_OF', 'value': [1]}]", "{'op': 'in', 'key': 'a.b', 'values': [1]}"),
	TR("[{'field_id': '9', 'operator': 'IS_TRUE'}]", "{'op': 'is_true', 'key': 'a.b'}"),
	TR("[{'field_id': '6', 'operator': 'IS_NOT_EMPTY'}]", "{'op': 'not', 'args': [{'op': 'empty', 'key': 'report'}]}"),
	TR("[{'field_id': '1', 'operator': 'GREATER_THAN', 'value': 'm'}]", "{'op': 'gt', 'key': 'status', 'value': {'text': 'm'}}"),
	TRE("[{'field_id': '1', 'operator': 'IS_TRUE'}]", "IS_TRUE cannot be used on text field '1' in filter 1", NULL, NULL),
	TRE("[{'field_id': '5', 'operator': 'IS_FALSE'}]", "IS_FALSE cannot be used on text enum field '5' in filter 1", NULL, NULL),
	TRE("[{'field_id': '6', 'operator': 'IS_ANY_OF', 'value': ['x']}]", "IS_ANY_OF cannot be used on artifact field '6' in filter 1", NULL, NULL),
	TRE("[{'field_id': '7', 'operator': 'IS_ANY_OF', 'value': ['x']}]", "IS_ANY_OF cannot be used on object field '7' in filter 1", NULL, NULL),
	TRE("[{'field_id': '8', 'operator': 'IS_NONE_OF', 'value': ['x']}]", "IS_NONE_OF cannot be used on array field '8' in filter 1", NULL, NULL),
	TRE("[{'field_id': '1', 'operator': 'IS_ANY_OF', 'value': 'x'}]", "invalid value for IS_ANY_OF in filter 1", NULL, NULL),
	TRE("[{'field_id': '3', 'operator': 'IS_ANY_OF', 'value': 'x'}]", "IS_ANY_OF cannot be used on boolean field '3' in filter 1", NULL, NULL),
	TR("[{'field_id': '1', 'operator': 'EQUAL', 'value': 'a'}, {'field_id': 2, 'operator': 'GREATER_THAN', 'value': '3'}, {'field_id': 'active', 'operator': 'IS_TRUE'}]",
	   "{'op': 'and', 'args': [{'op': 'eq', 'key': 'status', 'value': {'text': 'a'}}, {'op': 'gt', 'key': 'cost', 'value': 3}, {'op': 'is_true', 'key': 'active'}]}"),
	TRE("[{'field_id': '1', 'operator': 'IS_EMPTY'}, {'field_id': 2, 'operator': 'GREATER_THAN', 'value': 'x'}]",
		"invalid value 'x' for number field '2' in filter 2", "Filter 2 is {'field_id': 2, 'operator': 'GREATER_THAN', 'value': 'x'}.", NULL),

	/* ================= operator maps ================= */

	/* the seed's example */
	M("{'field_6': {'operator': 'gt', 'value': [10.0]}, 'field_9__prop_3': {'operator': 'in', 'value': ['tier_a', 'tier_b']}}",
	  "{'op': 'and', 'args': [{'op': 'gt', 'key': 'field_6', 'value': 10.0}, {'op': 'in', 'key': 'field_9.prop_3', 'values': ['tier_a', 'tier_b']}]}"),
	M("{'cost': {'operator': 'gt', 'value': [0.01]}, 'metadata__user_tier': {'operator': 'in', 'value': ['premium', 'enterprise']}}",
	  "{'op': 'and', 'args': [{'op': 'gt', 'key': 'cost', 'value': 0.01}, {'op': 'in', 'key': 'metadata.user_tier', 'values': ['premium', 'enterprise']}]}"),

	/* every operator; values typed as given */
	M("{'a': {'operator': '', 'value': 'x'}}", "{'op': 'eq', 'key': 'a', 'value': 'x'}"),
	M("{'a': {'value': 'x'}}", "{'op': 'eq', 'key': 'a', 'value': 'x'}"),
	M("{'a': {'value': 1}}", "{'op': 'eq', 'key': 'a', 'value': 1}"),
	M("{'a': {'value': true}}", "{'op': 'eq', 'key': 'a', 'value': true}"),
	M("{'a': {'value': null}}", "{'op': 'eq', 'key': 'a', 'value': null}"),
	M("{'a': {'value': [null]}}", "{'op': 'eq', 'key': 'a', 'value': null}"),
	M("{'a': {'value': '10'}}", "{'op': 'eq', 'key': 'a', 'value': '10'}"),
	M("{'a': {'operator': 'iexact', 'value': 'Abc'}}", "{'op': 'iexact', 'key': 'a', 'value': 'Abc'}"),
	M("{'a': {'operator': 'lt', 'value': 5}}", "{'op': 'lt', 'key': 'a', 'value': 5}"),
	M("{'a': {'operator': 'lt', 'value': 'm'}}", "{'op': 'lt', 'key': 'a', 'value': 'm'}"),
	M("{'a': {'operator': 'lte', 'value': [5]}}", "{'op': 'le', 'key': 'a', 'value': 5}"),
	M("{'a': {'operator': 'gt', 'value': -1.5}}", "{'op': 'gt', 'key': 'a', 'value': -1.5}"),
	M("{'a': {'operator': 'gte', 'value': ['2025-01-01']}}", "{'op': 'ge', 'key': 'a', 'value': '2025-01-01'}"),
	M("{'a': {'operator': 'contains', 'value': 'err'}}", "{'op': 'contains', 'key': 'a', 'value': 'err'}"),
	M("{'a': {'operator': 'icontains', 'value': ['Err']}}", "{'op': 'icontains', 'key': 'a', 'value': 'Err'}"),
	M("{'a': {'operator': 'startswith', 'value': 'gpt-'}}", "{'op': 'startswith', 'key': 'a', 'value': 'gpt-'}"),
	M("{'a': {'operator': 'endswith', 'value': '-mini'}}", "{'op': 'endswith', 'key': 'a', 'value': '-mini'}"),
	M("{'a': {'operator': 'in', 'value': ['x', 'y']}}", "{'op': 'in', 'key': 'a', 'values': ['x', 'y']}"),
	M("{'a': {'operator': 'in', 'value': 'x'}}", "{'op': 'in', 'key': 'a', 'values': ['x']}"),
	M("{'a': {'operator': 'in', 'value': [1, 'x', true, null]}}", "{'op': 'in', 'key': 'a', 'values': [1, 'x', true, null]}"),
	M("{'a': {'operator': 'in', 'value': []}}", "{'op': 'in', 'key': 'a', 'values': []}"),
	M("{'a': {'operator': 'not', 'value': 'x'}}", "{'op': 'ne', 'key': 'a', 'value': 'x'}"),
	M("{'a': {'operator': 'not', 'value': [null]}}", "{'op': 'ne', 'key': 'a', 'value': null}"),
	M("{'a': {'operator': 'isnull', 'value': true}}", "{'op': 'is_null', 'key': 'a'}"),
	M("{'a': {'operator': 'isnull', 'value': [true]}}", "{'op': 'is_null', 'key': 'a'}"),
	M("{'a': {'operator': 'isnull', 'value': false}}", "{'op': 'not', 'args': [{'op': 'is_null', 'key': 'a'}]}"),
	M("{'a': {'operator': 'isnull', 'value': [false]}}", "{'op': 'not', 'args': [{'op': 'is_null', 'key': 'a'}]}"),
	M("{'a': {'value': 1E2}}", "{'op': 'eq', 'key': 'a', 'value': 1e2}"),
	M("{'a': {'value': -0}}", "{'op': 'eq', 'key': 'a', 'value': 0}"),
	M("{}", "{'op': 'true'}"),
	M("{'a': {'value': 1}, 'b': {'operator': 'gt', 'value': 2}, 'c': {'operator': 'isnull', 'value': false}}",
	  "{'op': 'and', 'args': [{'op': 'eq', 'key': 'a', 'value': 1}, {'op': 'gt', 'key': 'b', 'value': 2}, {'op': 'not', 'args': [{'op': 'is_null', 'key': 'c'}]}]}"),

	/* keys: . and __ separate, \\ escapes */
	M("{'metadata__tier': {'value': 'a'}}", "{'op': 'eq', 'key': 'metadata.tier', 'value': 'a'}"),
	M("{'a.b': {'value': 1}}", "{'op': 'eq', 'key': 'a.b', 'value': 1}"),
	M("{'a__b.c__d': {'value': 1}}", "{'op': 'eq', 'key': 'a.b.c.d', 'value': 1}"),
	M("{'a\\\\_\\\\_b': {'value': 1}}", "{'op': 'eq', 'key': 'a__b', 'value': 1}"),
	M("{'a\\\\_b': {'value': 1}}", "{'op': 'eq', 'key': 'a_b', 'value': 1}"),
	M("{'a_b': {'value': 1}}", "{'op': 'eq', 'key': 'a_b', 'value': 1}"),
	M("{'a___b': {'value': 1}}", "{'op': 'eq', 'key': 'a._b', 'value': 1}"),
	M("{'a\\\\.b': {'value': 1}}", "{'op': 'eq', 'key': 'a\\\\.b', 'value': 1}"),
	M("{'photos__1__url': {'operator': 'endswith', 'value': '.png'}}", "{'op': 'endswith', 'key': 'photos.1.url', 'value': '.png'}"),
	ME("{'': {'value': 1}}", "empty key in filter object", "The condition for key '' is {'value': 1}.",
	   "Keys are flat keys such as 'cost' or 'metadata__tier'."),
	ME("{'a\\\\x': {'value': 1}}", "invalid escape in flat key 'a\\x'", "The condition for key 'a\\x' is {'value': 1}.", NULL),

	/* operators: exact lower case */
	ME("{'cost': {'operator': 'gtt', 'value': [10.0]}}", "invalid operator 'gtt' for key 'cost'",
	   "The condition for key 'cost' is {'operator': 'gtt', 'value': [10.0]}.", OPMAP_OPS),
	ME("{'cost': {'operator': 'GT', 'value': 1}}", "invalid operator 'GT' for key 'cost'", NULL,
	   "Operator names are written in lower case. " OPMAP_OPS),
	ME("{'cost': {'operator': 'IsNull', 'value': true}}", "invalid operator 'IsNull' for key 'cost'", NULL,
	   "Operator names are written in lower case. " OPMAP_OPS),
	ME("{'cost': {'operator': 'eq', 'value': 1}}", "invalid operator 'eq' for key 'cost'", NULL, OPMAP_OPS),
	ME("{'cost': {'operator': 'exact', 'value': 1}}", "invalid operator 'exact' for key 'cost'", NULL, OPMAP_OPS),
	ME("{'cost': {'operator': 'EQUAL', 'value': 1}}", "invalid operator 'EQUAL' for key 'cost'", NULL, OPMAP_OPS),
	ME("{'cost': {'operator': ' ', 'value': 1}}", "invalid operator ' ' for key 'cost'", NULL, OPMAP_OPS),
	ME("{'cost': {'operator': null, 'value': 1}}", "operator must be a string for key 'cost'", NULL, OPMAP_OPS),
	ME("{'cost': {'operator': ['gt'], 'value': 1}}", "operator must be a string for key 'cost'", NULL, OPMAP_OPS),
	ME("{'cost': {'operator': 1, 'value': 1}}", "operator must be a string for key 'cost'",
	   "The condition for key 'cost' is {'operator': 1, 'value': 1}.", OPMAP_OPS),

	/* conditions are objects with the keys operator and value */
	ME("{'cost': {'operator': 'gt', 'value': 1, 'op': 'x'}}", "unknown key 'op' in the condition for key 'cost'",
	   "The condition for key 'cost' is {'operator': 'gt', 'value': 1, 'op': 'x'}.", "A condition has the keys operator and value."),
	ME("{'cost': {'values': [1]}}", "unknown key 'values' in the condition for key 'cost'", NULL, NULL),
	ME("{'cost': {}}", "missing value for key 'cost'", "The condition for key 'cost' is {}.",
	   "Operator '' takes a string, a number, a boolean or null."),
	ME("{'cost': {'operator': 'gt'}}", "missing value for key 'cost'", NULL, "Operator 'gt' takes a number or a string."),
	ME("{'cost': {'operator': 'isnull'}}", "missing value for key 'cost'", NULL,
	   "Operator 'isnull' takes true (the field is missing or null) or false (it is present and not null)."),
	ME("{'cost': 5}", "condition for key 'cost' is not an object", "The condition for key 'cost' is 5.",
	   "Each key maps to an object such as {'operator': 'gt', 'value': 10}."),
	ME("{'a': {'value': 1}, 'cost': 'gt.5'}", "condition for key 'cost' is not an object", "The condition for key 'cost' is 'gt.5'.", NULL),
	ME("{'a': {'value': 1}, 'b': {'operator': 'gtt', 'value': 1}}", "invalid operator 'gtt' for key 'b'", NULL, NULL),
	BAD(E_OPMAP, false, "[]", FILTER_ERR_VALUE, "operator maps must be a JSON object", "The filter is [].",
		"Write {'cost': {'operator': 'gt', 'value': 10}}."),

	/* a scalar and a one-element array mean the same; longer arrays only for in */
	ME("{'cost': {'operator': 'gt', 'value': [1, 2]}}", "too many values for key 'cost'",
	   "The condition for key 'cost' is {'operator': 'gt', 'value': [1, 2]}.",
	   "Operator 'gt' takes one value; a one-element array such as [10] means the same as 10, and only 'in' takes a list."),
	ME("{'cost': {'operator': 'gt', 'value': []}}", "missing value for key 'cost'", NULL,
	   "Operator 'gt' takes one value; a one-element array such as [10] means the same as 10, and only 'in' takes a list."),
	ME("{'cost': {'value': [1, 2]}}", "too many values for key 'cost'", NULL,
	   "Operator '' takes one value; a one-element array such as [10] means the same as 10, and only 'in' takes a list."),
	ME("{'cost': {'operator': 'isnull', 'value': [true, false]}}", "too many values for key 'cost'", NULL,
	   "Operator 'isnull' takes one value; a one-element array such as [true] means the same as true, and only 'in' takes a list."),
	ME("{'cost': {'operator': 'not', 'value': []}}", "missing value for key 'cost'", NULL, NULL),

	/* values per operator */
	ME("{'a': {'value': [[1]]}}", "invalid value for key 'a'", "The condition for key 'a' is {'value': [[1]]}.",
	   "Operator '' takes a string, a number, a boolean or null."),
	ME("{'a': {'value': {'x': 1}}}", "invalid value for key 'a'", NULL, NULL),
	ME("{'a': {'operator': 'not', 'value': {}}}", "invalid value for key 'a'", NULL, "Operator 'not' takes a string, a number, a boolean or null."),
	ME("{'a': {'operator': 'lt', 'value': true}}", "invalid value for key 'a'", NULL, "Operator 'lt' takes a number or a string."),
	ME("{'a': {'operator': 'lte', 'value': null}}", "invalid value for key 'a'", NULL, "Operator 'lte' takes a number or a string."),
	ME("{'a': {'operator': 'gte', 'value': [false]}}", "invalid value for key 'a'", NULL, NULL),
	ME("{'a': {'operator': 'contains', 'value': 5}}", "invalid value for key 'a'", NULL, "Operator 'contains' takes a string."),
	ME("{'a': {'operator': 'icontains', 'value': null}}", "invalid value for key 'a'", NULL, "Operator 'icontains' takes a string."),
	ME("{'a': {'operator': 'startswith', 'value': [true]}}", "invalid value for key 'a'", NULL, "Operator 'startswith' takes a string."),
	ME("{'a': {'operator': 'endswith', 'value': [1]}}", "invalid value for key 'a'", NULL, "Operator 'endswith' takes a string."),
	ME("{'a': {'operator': 'iexact', 'value': false}}", "invalid value for key 'a'", NULL, "Operator 'iexact' takes a string."),
	ME("{'a': {'operator': 'in', 'value': [1, [2]]}}", "invalid value for key 'a'", NULL,
	   "Operator 'in' takes an array of strings, numbers, booleans or nulls, such as ['a', 'b']."),
	ME("{'a': {'operator': 'in', 'value': {}}}", "invalid value for key 'a'", NULL, NULL),
	ME("{'a': {'operator': 'isnull', 'value': 'true'}}", "invalid value for key 'a'",
	   "The condition for key 'a' is {'operator': 'isnull', 'value': 'true'}.",
	   "Operator 'isnull' takes true (the field is missing or null) or false (it is present and not null)."),
	ME("{'a': {'operator': 'isnull', 'value': null}}", "invalid value for key 'a'", NULL, NULL),
	ME("{'a': {'operator': 'isnull', 'value': 1}}", "invalid value for key 'a'", NULL, NULL),
	ME("{'a': {'operator': 'isnull', 'value': []}}", "missing value for key 'a'", NULL, NULL),
	ME("{'aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeee': {'operator': 'x', 'value': 1}}",
	   "invalid operator 'x' for key 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd...'",
	   "The condition for key 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd...' is {'operator': 'x', 'value': 1}.", NULL),

	/* ---- operator maps with a resolver ---- */
	MR("{'status': {'value': 'open'}}", "{'op': 'eq', 'key': 'status', 'value': 'open'}"),
	MR("{'1': {'value': 'open'}}", "{'op': 'eq', 'key': 'status', 'value': 'open'}"),
	MR("{'plain': {'operator': 'contains', 'value': 'x'}}", "{'op': 'contains', 'key': 'a.b', 'value': 'x'}"),
	MR("{'cost': {'operator': 'gt', 'value': '10'}}", "{'op': 'gt', 'key': 'cost', 'value': 10}"),
	MR("{'cost': {'operator': 'gte', 'value': [0.01]}}", "{'op': 'ge', 'key': 'cost', 'value': 0.01}"),
	MR("{'cost': {'operator': 'in', 'value': ['1', 2]}}", "{'op': 'in', 'key': 'cost', 'values': [1, 2]}"),
	MR("{'cost': {'value': null}}", "{'op': 'eq', 'key': 'cost', 'value': null}"),
	MR("{'cost': {'operator': 'isnull', 'value': true}}", "{'op': 'is_null', 'key': 'cost'}"),
	MR("{'active': {'value': 'true'}}", "{'op': 'eq', 'key': 'active', 'value': true}"),
	MR("{'active': {'operator': 'not', 'value': [false]}}", "{'op': 'ne', 'key': 'active', 'value': false}"),
	MR("{'created': {'operator': 'gte', 'value': '2025-01-01T00:00:00Z'}}", "{'op': 'ge', 'key': 'created_at', 'value': '2025-01-01T00:00:00Z'}"),
	MR("{'created': {'operator': 'startswith', 'value': '2025-'}}", "{'op': 'startswith', 'key': 'created_at', 'value': '2025-'}"),
	MR("{'severity': {'operator': 'in', 'value': ['high']}}", "{'op': 'in', 'key': 'severity', 'values': ['high']}"),
	MR("{'status': {'operator': 'icontains', 'value': 'OP'}}", "{'op': 'icontains', 'key': 'status', 'value': 'OP'}"),
	MR("{'metadata__tier': {'operator': 'in', 'value': ['a', 'b']}}", "{'op': 'in', 'key': 'metadata.tier', 'values': ['a', 'b']}"),
	MR("{'metadata__a__b': {'value': 1}}", "{'op': 'eq', 'key': 'metadata.a.b', 'value': 1}"),
	MR("{'metadata.tier': {'value': 'x'}}", "{'op': 'eq', 'key': 'metadata.tier', 'value': 'x'}"),
	MR("{'tags__1': {'value': 'x'}}", "{'op': 'eq', 'key': 'tags.1', 'value': 'x'}"),
	MR("{'plain__c': {'value': 'x'}}", "{'op': 'eq', 'key': 'a.b.c', 'value': 'x'}"),
	MR("{'metadata__tier': {'operator': 'gt', 'value': 2}}", "{'op': 'gt', 'key': 'metadata.tier', 'value': 2}"),
	MRE("{'metadata__tier': {'operator': 'gt', 'value': true}}", "invalid value for key 'metadata__tier'", NULL, NULL),
	MRE("{'cost': {'operator': 'gt', 'value': 'abc'}}", "invalid value 'abc' for number field 'cost'",
		"The condition for key 'cost' is {'operator': 'gt', 'value': 'abc'}.", "Number fields take numbers, such as 10 or '10'."),
	MRE("{'cost': {'value': true}}", "invalid value true for number field 'cost'", NULL, NULL),
	MRE("{'cost': {'operator': 'in', 'value': [1, 'x']}}", "invalid value 'x' for number field 'cost'", NULL, NULL),
	MRE("{'cost': {'operator': 'contains', 'value': '1'}}", "operator 'contains' cannot be used on number field 'cost'",
		NULL, "Operator 'contains' is available for text fields."),
	MRE("{'cost': {'operator': 'iexact', 'value': '1'}}", "operator 'iexact' cannot be used on number field 'cost'", NULL, NULL),
	MRE("{'active': {'operator': 'gt', 'value': true}}", "operator 'gt' cannot be used on boolean field 'active'",
		"The condition for key 'active' is {'operator': 'gt', 'value': true}.", "Boolean fields take the operators '', not and isnull."),
	MRE("{'active': {'operator': 'lte', 'value': 1}}", "operator 'lte' cannot be used on boolean field 'active'", NULL, NULL),
	MRE("{'active': {'operator': 'in', 'value': [true]}}", "operator 'in' cannot be used on boolean field 'active'", NULL,
		"Operator 'in' is available for text, text enum and number fields."),
	MRE("{'active': {'operator': 'endswith', 'value': 'e'}}", "operator 'endswith' cannot be used on boolean field 'active'", NULL, NULL),
	MRE("{'active': {'value': 'yes'}}", "invalid value 'yes' for boolean field 'active'", NULL, "Boolean fields take true or false."),
	MRE("{'created': {'operator': 'lt', 'value': 'soon'}}", "invalid value 'soon' for timestamp field 'created'", NULL,
		"Timestamp fields take ISO 8601 timestamps, such as '2023-07-03T00:00:00Z'."),
	MRE("{'created': {'operator': 'in', 'value': ['2025-01-01']}}", "operator 'in' cannot be used on timestamp field 'created'", NULL, NULL),
	MRE("{'report': {'operator': 'in', 'value': ['x']}}", "operator 'in' cannot be used on artifact field 'report'", NULL, NULL),
	MRE("{'metadata': {'operator': 'in', 'value': ['x']}}", "operator 'in' cannot be used on object field 'metadata'", NULL, NULL),
	MRE("{'nosuch': {'value': 1}}", "unknown field 'nosuch'", "The condition for key 'nosuch' is {'value': 1}.",
		"The fields are status, cost, active, created, severity, report, metadata, tags and plain."),
	MRE("{'nosuch__x': {'value': 1}}", "unknown field 'nosuch__x'", NULL, NULL),
	MRE("{'detailed': {'value': 1}}", "unknown field 'detailed'",
		"The record type has no such field. The condition for key 'detailed' is {'value': 1}.", NULL),
	MRE("{'cost__x': {'value': 1}}", "key 'cost__x' looks inside number field 'cost'",
		"The condition for key 'cost__x' is {'value': 1}.", "Only object and array fields have nested keys, written field__key."),
	MRE("{'active__x__y': {'value': 1}}", "key 'active__x__y' looks inside boolean field 'active'", NULL, NULL),
	MRE("{'': {'value': 1}}", "unknown field ''", NULL, NULL),
	MRE("{'status': {'operator': 'gtt', 'value': 1}}", "invalid operator 'gtt' for key 'status'", NULL, OPMAP_OPS),

	/* ================= pairs objects ================= */
	Q("{'status': 'eq.done'}", "{'op': 'eq', 'key': 'status', 'value': {'text': 'done'}}"),
	Q("{'a': 'gt.5', 'b': 'lt.2'}",
	  "{'op': 'and', 'args': [{'op': 'gt', 'key': 'a', 'value': {'text': '5'}}, {'op': 'lt', 'key': 'b', 'value': {'text': '2'}}]}"),
	Q("{'a': 'not.eq.x'}", "{'op': 'not', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': 'x'}}]}"),
	Q("{'a': 'is.null'}", "{'op': 'is_null', 'key': 'a'}"),
	Q("{'a': 'in.(x,y)'}", "{'op': 'in', 'key': 'a', 'values': [{'text': 'x'}, {'text': 'y'}]}"),
	Q("{'elems.a': 'eq.1'}", "{'op': 'eq', 'key': 'elems.a', 'value': {'text': '1'}}"),
	Q("{'a\\\\.b': 'eq.1'}", "{'op': 'eq', 'key': 'a\\\\.b', 'value': {'text': '1'}}"),
	Q("{'a__b': 'eq.1'}", "{'op': 'eq', 'key': 'a__b', 'value': {'text': '1'}}"),
	Q("{'or': '(a.eq.1,b.lt.2)'}",
	  "{'op': 'or', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': '1'}}, {'op': 'lt', 'key': 'b', 'value': {'text': '2'}}]}"),
	Q("{'and': '(a.eq.1,b.lt.2)', 'c': 'eq.3'}",
	  "{'op': 'and', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': '1'}}, {'op': 'lt', 'key': 'b', 'value': {'text': '2'}}, {'op': 'eq', 'key': 'c', 'value': {'text': '3'}}]}"),
	Q("{'not.or': '(a.eq.1,b.eq.2)'}",
	  "{'op': 'not', 'args': [{'op': 'or', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': '1'}}, {'op': 'eq', 'key': 'b', 'value': {'text': '2'}}]}]}"),
	Q("{'not.and': '(a.eq.1,b.eq.2)'}",
	  "{'op': 'not', 'args': [{'op': 'and', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': '1'}}, {'op': 'eq', 'key': 'b', 'value': {'text': '2'}}]}]}"),
	Q("{'or': '(a.eq.1,b.eq.2)', 'not.and': '(c.eq.3,d.eq.4)'}",
	  "{'op': 'and', 'args': [{'op': 'or', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': '1'}}, {'op': 'eq', 'key': 'b', 'value': {'text': '2'}}]}, {'op': 'not', 'args': [{'op': 'and', 'args': [{'op': 'eq', 'key': 'c', 'value': {'text': '3'}}, {'op': 'eq', 'key': 'd', 'value': {'text': '4'}}]}]}]}"),
	Q("{}", "{'op': 'true'}"),
	QE("{'a': 5}", "invalid value for key 'a'", "The value of key 'a' is 5.",
	   "In a pairs object every value is a string such as 'eq.done', or '(a.eq.1,b.gt.2)' for or and and."),
	QE("{'a': null}", "invalid value for key 'a'", "The value of key 'a' is null.", NULL),
	QE("{'a': 'eq.1', 'b': ['eq.1']}", "invalid value for key 'b'", "The value of key 'b' is ['eq.1'].", NULL),
	QE("{'or': {'a': 'eq.1'}}", "invalid value for key 'or'", NULL, NULL),
	QE("{'': 'eq.1'}", "empty key in filter object", "The value of key '' is 'eq.1'.", "Keys are flat keys such as 'status' or 'elems.a'."),
	QE("{'a\\\\x': 'eq.1'}", "invalid escape in flat key 'a\\x'", "The value of key 'a\\x' is 'eq.1'.", NULL),
	QX("{'a': 'bogus.1'}", "*The value of key 'a' is 'bogus.1'.", NULL),
	QX("{'a': 'eq.1', 'b': 'bogus'}", "*The value of key 'b' is 'bogus'.", NULL),
	QX("{'or': 'a.eq.1'}", "*The value of key 'or' is 'a.eq.1'.", NULL),
	QX("{'not.or': '(a.bogus)'}", "*The value of key 'not.or' is '(a.bogus)'.", NULL),
	BAD(E_PAIRS, false, "['eq.1']", FILTER_ERR_VALUE, "pairs filters must be a JSON object", "The filter is ['eq.1'].",
		"Write {'status': 'eq.done'}."),

	/* ================= the dispatcher ================= */
	D("[{'field_id': '5', 'operator': 'EQUAL', 'value': 'ALERT'}]", FILTER_DIALECT_TINES,
	  "{'op': 'eq', 'key': '5', 'value': {'text': 'ALERT'}}"),
	D("[]", FILTER_DIALECT_TINES, "{'op': 'true'}"),
	D("{}", FILTER_DIALECT_OPMAP, "{'op': 'true'}"),
	D("{'cost': {'operator': 'gt', 'value': [10.0]}}", FILTER_DIALECT_OPMAP, "{'op': 'gt', 'key': 'cost', 'value': 10.0}"),
	DE("{'a': {}, 'b': {}}", FILTER_DIALECT_OPMAP, FILTER_ERR_VALUE, "missing value for key 'a'", NULL, NULL),
	D("{'status': 'eq.done'}", FILTER_DIALECT_PAIRS, "{'op': 'eq', 'key': 'status', 'value': {'text': 'done'}}"),
	D("{'or': '(a.eq.1,b.lt.2)', 'c': 'is.null'}", FILTER_DIALECT_PAIRS,
	  "{'op': 'and', 'args': [{'op': 'or', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': '1'}}, {'op': 'lt', 'key': 'b', 'value': {'text': '2'}}]}, {'op': 'is_null', 'key': 'c'}]}"),
	D("'EXISTS elems.a'", FILTER_DIALECT_TEXT, "{'op': 'exists', 'key': 'elems.a'}"),
	D("'status=eq.done'", FILTER_DIALECT_PAIRS, "{'op': 'eq', 'key': 'status', 'value': {'text': 'done'}}"),
	D("''", FILTER_DIALECT_TEXT, "{'op': 'true'}"),
	D("'a=not.eq.1'", FILTER_DIALECT_PAIRS, "{'op': 'not', 'args': [{'op': 'eq', 'key': 'a', 'value': {'text': '1'}}]}"),
	DE("'a=not.not.eq.1'", FILTER_DIALECT_PAIRS, FILTER_ERR_SYNTAX, "syntax error at or near 'not' in filter", NULL, NULL),
	DR("[{'field_id': '2', 'operator': 'EQUAL', 'value': '10'}]", FILTER_DIALECT_TINES, "{'op': 'eq', 'key': 'cost', 'value': 10}"),
	DR("{'cost': {'value': '10'}}", FILTER_DIALECT_OPMAP, "{'op': 'eq', 'key': 'cost', 'value': 10}"),
	DR("{'cost': 'eq.10'}", FILTER_DIALECT_PAIRS, "{'op': 'eq', 'key': 'cost', 'value': {'text': '10'}}"),
	DE("5", NOD, FILTER_ERR_VALUE, "filter must be a JSON array, object or string", "The filter is the number 5.", SHAPES),
	DE("-1.5e3", NOD, FILTER_ERR_VALUE, "filter must be a JSON array, object or string", "The filter is the number -1.5e3.", SHAPES),
	DE("true", NOD, FILTER_ERR_VALUE, "filter must be a JSON array, object or string", "The filter is true.", SHAPES),
	DE("false", NOD, FILTER_ERR_VALUE, "filter must be a JSON array, object or string", "The filter is false.", SHAPES),
	DE("null", NOD, FILTER_ERR_VALUE, "filter must be a JSON array, object or string", "The filter is null.", SHAPES),
	DE("{'a': {'value': 1}, 'b': 'eq.1'}", NOD, FILTER_ERR_VALUE, "filter object must have only object values or only string values",
	   "Key 'a' has an object value and key 'b' a string value.", SHAPES),
	DE("{'b': 'eq.1', 'a': {'value': 1}}", NOD, FILTER_ERR_VALUE, "filter object must have only object values or only string values",
	   "Key 'a' has an object value and key 'b' a string value.", SHAPES),
	DE("{'a': 1}", NOD, FILTER_ERR_VALUE, "filter object must have only object values or only string values",
	   "The value of key 'a' is the number 1; an operator map has only object values and a pairs object only string values.", SHAPES),
	DE("{'a': {'value': 1}, 'b': [1]}", NOD, FILTER_ERR_VALUE, "filter object must have only object values or only string values",
	   "The value of key 'b' is the array [1]; an operator map has only object values and a pairs object only string values.", SHAPES),
	DE("{'a': 'eq.1', 'b': null}", NOD, FILTER_ERR_VALUE, NULL,
	   "The value of key 'b' is null; an operator map has only object values and a pairs object only string values.", SHAPES),
	DE("{'a': true}", NOD, FILTER_ERR_VALUE, NULL,
	   "The value of key 'a' is true; an operator map has only object values and a pairs object only string values.", SHAPES),
	DE("[1]", FILTER_DIALECT_TINES, FILTER_ERR_VALUE, "filter 1 is not an object", "Filter 1 is 1.", NULL),
	DE("{'cost': {'operator': 'gtt', 'value': 1}}", FILTER_DIALECT_OPMAP, FILTER_ERR_VALUE, "invalid operator 'gtt' for key 'cost'", NULL, OPMAP_OPS),
	DE("{'a': 'bogus'}", FILTER_DIALECT_PAIRS, KANY, NULL, "*The value of key 'a' is 'bogus'.", NULL),
	DE("'no such thing'", FILTER_DIALECT_TEXT, FILTER_ERR_SYNTAX, NULL, NULL, NULL),
};

/* ---- running ---- */

static int	verbose,
			dump;

/* s with single quotes turned into double quotes (unless raw). */
static char *
dq(const char *s, bool raw)
{
	char	   *out;
	size_t		i;

	if (s == NULL)
		return NULL;
	out = arena_alloc(NULL, strlen(s) + 1);
	for (i = 0; s[i] != '\0'; i++)
		out[i] = (!raw && s[i] == '\'') ? '"' : s[i];
	out[i] = '\0';
	return out;
}

/* Does got match want (NULL: anything; "*x": ends with x)? */
static bool
matches(const char *want, const char *got)
{
	size_t		wl,
				gl;

	if (want == NULL)
		return true;
	if (want[0] == '*')
	{
		wl = strlen(want + 1);
		gl = strlen(got);
		return gl >= wl && strcmp(got + gl - wl, want + 1) == 0;
	}
	return strcmp(want, got) == 0;
}

/* Render an FJson tree completely (the parser cases' expected form). */
static void
render_fjson(FilterBuf *buf, const FJson *j)
{
	int			i;

	switch (j->type)
	{
		case FJ_NULL:
			filter_buf_appends(buf, "null");
			break;
		case FJ_BOOL:
			filter_buf_appends(buf, j->boolean ? "true" : "false");
			break;
		case FJ_NUMBER:
			filter_buf_append(buf, j->str, (size_t) j->len);
			break;
		case FJ_STRING:
			filter_buf_append_json_string(buf, j->str, (size_t) j->len);
			break;
		case FJ_ARRAY:
			filter_buf_appendc(buf, '[');
			for (i = 0; i < j->n; i++)
			{
				if (i > 0)
					filter_buf_appends(buf, ", ");
				render_fjson(buf, j->items[i]);
			}
			filter_buf_appendc(buf, ']');
			break;
		case FJ_OBJECT:
			filter_buf_appendc(buf, '{');
			for (i = 0; i < j->n; i++)
			{
				if (i > 0)
					filter_buf_appends(buf, ", ");
				filter_buf_append_json_string(buf, j->keys[i], (size_t) j->keylens[i]);
				filter_buf_appends(buf, ": ");
				render_fjson(buf, j->items[i]);
			}
			filter_buf_appendc(buf, '}');
			break;
	}
}

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

static const char *
dialect_name(int d)
{
	switch (d)
	{
		case FILTER_DIALECT_TINES:
			return "tines";
		case FILTER_DIALECT_OPMAP:
			return "opmap";
		case FILTER_DIALECT_TEXT:
			return "text";
		case FILTER_DIALECT_PAIRS:
			return "pairs";
	}
	return "none";
}

/*
 * Run one parse: input of len bytes through entry.  Returns the rendering
 * (NULL on error, err filled) and the dialect.
 */
static const char *
run(Entry entry, bool with_resolver, const char *input, size_t len,
	FilterError *err, int *dialect)
{
	FJson	   *json;
	FilterNode *node = NULL;
	FilterBuf	out;
	FilterDialect d = (FilterDialect) 99;
	const FilterResolver *resolver = with_resolver ? &test_resolver : NULL;

	memset(err, 0, sizeof(FilterError));
	*dialect = NOD;
	json = fjson_parse(&arena, input, len, err);
	if (json == NULL)
		return NULL;
	filter_buf_init(&out, &arena);
	switch (entry)
	{
		case E_FJSON:
			render_fjson(&out, json);
			return out.data;
		case E_JSON:
			node = filter_parse_json(&arena, json, resolver, &d, err);
			*dialect = (int) d == 99 ? NOD : (int) d;
			break;
		case E_TINES:
			node = filter_parse_tines(&arena, json, resolver, err);
			break;
		case E_OPMAP:
			node = filter_parse_opmap(&arena, json, resolver, err);
			break;
		case E_PAIRS:
			node = filter_parse_pairs_object(&arena, json, err);
			break;
	}
	if (node == NULL)
		return NULL;
	filter_to_json(&out, node);
	return out.data;
}

static int	failures,
			checks;

/* Report a failed check. */
static void
fail(int line, const char *input, const char *what, const char *want, const char *got)
{
	failures++;
	fprintf(stderr, "FAIL line %d: %s\n  input: %s\n  want:  %s\n  got:   %s\n",
			line, what, input, want ? want : "(null)", got ? got : "(null)");
}

/* Compare one result with the expectations. */
static void
check(int line, const char *input, const char *got, const FilterError *err,
	  int got_dialect, const char *expect, int dialect, FilterErrorKind kind,
	  const char *message, const char *detail, const char *hint)
{
	checks++;
	if (dump)
	{
		printf("line %d: %s\n", line, input);
		if (got)
			printf("  => %s [%s]\n", got, dialect_name(got_dialect));
		else
			printf("  => %s error [%s]\n     message: %s\n     detail:  %s\n     hint:    %s\n",
				   kind_name(err->kind), dialect_name(got_dialect), err->message, err->detail, err->hint);
	}
	if (verbose)
		printf("line %d\n", line);
	if (dialect != NOD && got_dialect != dialect)
		fail(line, input, "dialect", dialect_name(dialect), dialect_name(got_dialect));
	if (expect != NULL)
	{
		if (got == NULL)
			fail(line, input, "unexpected error", expect, err->message);
		else if (strcmp(got, expect) != 0)
			fail(line, input, "result", expect, got);
		return;
	}
	if (got != NULL)
	{
		fail(line, input, "expected an error", message, got);
		return;
	}
	if (kind == KANY ? err->kind == FILTER_OK : err->kind != kind)
		fail(line, input, "error kind", kind_name(kind), kind_name(err->kind));
	if (err->message[0] == '\0')
		fail(line, input, "empty message", "a message", "");
	if (!matches(message, err->message))
		fail(line, input, "message", message, err->message);
	if (!matches(detail, err->detail))
		fail(line, input, "detail", detail, err->detail);
	if (!matches(hint, err->hint))
		fail(line, input, "hint", hint, err->hint);
}

/* Run the table. */
static void
run_cases(void)
{
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const Case *c = &cases[i];
		const char *input = dq(c->input, c->raw);
		FilterError err;
		int			got_dialect;
		const char *got = run(c->entry, c->resolver, input, strlen(input), &err, &got_dialect);

		check(c->line, input, got, &err, got_dialect, dq(c->expect, c->raw),
			  c->dialect, c->kind, dq(c->message, c->raw), dq(c->detail, c->raw),
			  dq(c->hint, c->raw));
		arena_free();
	}
}

/* ---- cases that a table cannot hold ---- */

/* n nested arrays around 1, or objects {"a": ...} around 1. */
static char *
nested(int n, bool objects)
{
	char	   *s = arena_alloc(NULL, (size_t) n * 6 + 2);
	size_t		k = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (objects)
		{
			memcpy(s + k, "{\"a\":", 5);
			k += 5;
		}
		else
			s[k++] = '[';
	}
	s[k++] = '1';
	for (i = 0; i < n; i++)
		s[k++] = objects ? '}' : ']';
	s[k] = '\0';
	return s;
}

/* Nesting limits, NUL bytes, fjson_get, and the error of a Tines filter deep inside. */
static void
run_special(void)
{
	FilterError err;
	int			d;
	const char *got;
	char	   *s;
	const FJson *j;
	char		nul_in_string[] = "[\"a\0b\"]";
	char		nul_outside[] = "[1,\0 2]";

	/* 200 levels parse, 201 do not */
	s = nested(200, false);
	got = run(E_FJSON, false, s, strlen(s), &err, &d);
	check(__LINE__, "200 arrays", got ? "parsed" : NULL, &err, NOD, "parsed", NOD, FILTER_OK, NULL, NULL, NULL);
	s = nested(201, false);
	got = run(E_FJSON, false, s, strlen(s), &err, &d);
	check(__LINE__, "201 arrays", got, &err, NOD, NULL, NOD, FILTER_ERR_LIMIT,
		  "filter is nested too deeply", "The maximum nesting depth is 200.", "");
	if (err.position != 201)
		fail(__LINE__, "201 arrays", "position", "201", got);
	s = nested(200, true);
	got = run(E_FJSON, false, s, strlen(s), &err, &d);
	check(__LINE__, "200 objects", got ? "parsed" : NULL, &err, NOD, "parsed", NOD, FILTER_OK, NULL, NULL, NULL);
	s = nested(201, true);
	got = run(E_FJSON, false, s, strlen(s), &err, &d);
	check(__LINE__, "201 objects", got, &err, NOD, NULL, NOD, FILTER_ERR_LIMIT,
		  "filter is nested too deeply", "The maximum nesting depth is 200.", "");
	s = nested(100000, false);
	got = run(E_FJSON, false, s, strlen(s), &err, &d);
	check(__LINE__, "100000 arrays", got, &err, NOD, NULL, NOD, FILTER_ERR_LIMIT,
		  "filter is nested too deeply", NULL, NULL);
	/* a deep value inside a Tines filter is only rendered, clipped */
	s = arena_alloc(NULL, 1000);
	snprintf(s, 1000, "[{\"field_id\": \"a\", \"operator\": \"EQUAL\", \"value\": %s}]", nested(150, false));
	got = run(E_TINES, false, s, strlen(s), &err, &d);
	check(__LINE__, "deep Tines value", got, &err, NOD, NULL, NOD, FILTER_ERR_VALUE,
		  "invalid value for EQUAL in filter 1",
		  "Filter 1 is {\"field_id\": \"a\", \"operator\": \"EQUAL\", \"value\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[....",
		  NULL);
	arena_free();

	/* NUL bytes, inside and outside strings */
	got = run(E_FJSON, false, nul_in_string, sizeof(nul_in_string) - 1, &err, &d);
	check(__LINE__, "NUL in a string", got, &err, NOD, NULL, NOD, FILTER_ERR_SYNTAX,
		  "invalid byte sequence in JSON filter",
		  "At character 4 of the JSON filter: NUL bytes are not allowed.", "");
	got = run(E_FJSON, false, nul_outside, sizeof(nul_outside) - 1, &err, &d);
	check(__LINE__, "NUL between values", got, &err, NOD, NULL, NOD, FILTER_ERR_SYNTAX,
		  "invalid byte sequence in JSON filter",
		  "At character 4 of the JSON filter: NUL bytes are not allowed.", "");
	if (err.position != 4)
		fail(__LINE__, "NUL between values", "position", "4", "other");
	arena_free();

	/* fjson_get */
	memset(&err, 0, sizeof(err));
	j = fjson_parse(&arena, "{\"a\": 1, \"ab\": 2, \"\": 3}", 24, &err);
	checks++;
	if (j == NULL || fjson_get(j, "a") == NULL || strcmp(fjson_get(j, "a")->str, "1") != 0 ||
		strcmp(fjson_get(j, "ab")->str, "2") != 0 || strcmp(fjson_get(j, "")->str, "3") != 0 ||
		fjson_get(j, "b") != NULL || fjson_get(j, "abc") != NULL ||
		fjson_get(fjson_get(j, "a"), "a") != NULL || fjson_get(NULL, "a") != NULL)
		fail(__LINE__, "fjson_get", "lookups", "1, 2, 3, NULL...", "other");
	arena_free();

	/* error positions of the parser are 1-based characters */
	got = run(E_FJSON, false, "[\"\xc3\xa9\xc3\xa9\", x]", 10, &err, &d);
	checks++;
	if (got != NULL || err.position != 8)
		fail(__LINE__, "position after UTF-8", "position", "8", got);
	arena_free();

	/* a JSON dialect error has no text position */
	got = run(E_TINES, false, "[{}]", 4, &err, &d);
	checks++;
	if (got != NULL || err.position != 0)
		fail(__LINE__, "Tines position", "position", "0", got);
	arena_free();
}

int
main(int argc, char **argv)
{
	int			i;

	for (i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "-d") == 0)
			dump = 1;
	}
	run_cases();
	run_special();
	printf("filter_json_test: %d checks, %d failures\n", checks, failures);
	return failures == 0 ? 0 : 1;
}
