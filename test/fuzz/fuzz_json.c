/*-------------------------------------------------------------------------
 *
 * fuzz_json.c
 *	  libFuzzer harness for the JSON filter dialects: bytes go through
 *	  fjson_parse, then filter_parse_json (without and with a resolver) and
 *	  each dialect parser on its own.
 *
 * Invariants checked on every input:
 *	- no crash, leak or undefined behaviour (the sanitizers);
 *	- a parsed JSON tree is well formed, and rendering it and parsing the
 *	  rendering gives the same tree;
 *	- an accepted filter is a structurally valid, normalized tree, and its
 *	  filter_to_json rendering is JSON that fjson_parse accepts;
 *	- a refused filter has an error kind and a non-empty message, and the
 *	  message, detail and hint are valid UTF-8.
 * All memory comes from an arena that is freed after every input.
 *
 * Build by hand from the top of the tree:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     src/filter_ir.c src/filter_json.c src/filter_pairs.c src/filter_text.c \
 *     test/fuzz/fuzz_json.c -o /tmp/fuzz_json
 *   /tmp/fuzz_json -dict=test/fuzz/fuzz_json.dict test/fuzz/corpus/json
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_json.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stop with a message: libFuzzer records the input as a crash. */
#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_json: check failed at line %d: %s\n", __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* ---- the arena ---- */

typedef struct Block
{
	struct Block *next;
	union
	{
		long double ld;
		void	   *p;
		long long	ll;
	}			align[];
} Block;

static Block *blocks;

static void *
arena_alloc(void *ctx, size_t size)
{
	Block	   *b = malloc(sizeof(Block) + size);

	(void) ctx;
	if (b == NULL)
		abort();
	b->next = blocks;
	blocks = b;
	return b->align;
}

static void
arena_free(void)
{
	while (blocks != NULL)
	{
		Block	   *next = blocks->next;

		free(blocks);
		blocks = next;
	}
}

static FilterAlloc arena = {arena_alloc, NULL};

/* ---- a resolver with a few typed fields ---- */

static const struct
{
	const char *name;
	const char *key;
	FilterFieldType type;
}			fields[] = {
	{"1", "status", FILTER_FIELD_TEXT},
	{"2", "cost", FILTER_FIELD_NUMBER},
	{"3", "active", FILTER_FIELD_BOOLEAN},
	{"4", "created_at", FILTER_FIELD_TIMESTAMP},
	{"5", "severity", FILTER_FIELD_TEXT_ENUM},
	{"6", "report", FILTER_FIELD_ARTIFACT},
	{"7", "metadata", FILTER_FIELD_OBJECT},
	{"8", "tags", FILTER_FIELD_ARRAY},
	{"9", "a.b", FILTER_FIELD_UNKNOWN},
	{"status", "status", FILTER_FIELD_TEXT},
	{"cost", "cost", FILTER_FIELD_NUMBER},
	{"active", "active", FILTER_FIELD_BOOLEAN},
	{"metadata", "metadata", FILTER_FIELD_OBJECT}
};

static bool
resolve(void *ctx, const char *name, int len, FilterKey *key, FilterFieldType *type,
		FilterError *err)
{
	size_t		i;
	int			shown,
				chars;

	(void) ctx;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	{
		if ((size_t) len == strlen(fields[i].name) && memcmp(name, fields[i].name, (size_t) len) == 0)
		{
			*type = fields[i].type;
			return filter_key_parse(&arena, fields[i].key, strlen(fields[i].key), false, key, err);
		}
	}
	/* At most 40 characters of the name, cut between characters, as podrec's resolver does. */
	for (shown = 0, chars = 0; shown < len && chars < 40; chars++)
		for (shown++; shown < len && ((unsigned char) name[shown] & 0xC0) == 0x80; shown++)
			;
	filter_error(err, FILTER_ERR_VALUE, 0, NULL, "unknown field \"%.*s\"", shown, name);
	return false;
}

static const FilterResolver resolver = {resolve, NULL};

/* ---- checkers ---- */

/* Render an FJson tree completely. */
static void
render(FilterBuf *buf, const FJson *j)
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
					filter_buf_appendc(buf, ',');
				render(buf, j->items[i]);
			}
			filter_buf_appendc(buf, ']');
			break;
		case FJ_OBJECT:
			filter_buf_appendc(buf, '{');
			for (i = 0; i < j->n; i++)
			{
				if (i > 0)
					filter_buf_appendc(buf, ',');
				filter_buf_append_json_string(buf, j->keys[i], (size_t) j->keylens[i]);
				filter_buf_appendc(buf, ':');
				render(buf, j->items[i]);
			}
			filter_buf_appendc(buf, '}');
			break;
	}
}

/* Is an FJson tree well formed: NUL-terminated texts, unique keys, bounded depth? */
static void
check_fjson(const FJson *j, int depth)
{
	int			i,
				k;
	FilterValue v;

	CHECK(depth <= FILTER_MAX_DEPTH);
	switch (j->type)
	{
		case FJ_NULL:
		case FJ_BOOL:
			break;
		case FJ_NUMBER:
			CHECK(j->str != NULL && j->len > 0 && strlen(j->str) == (size_t) j->len);
			CHECK(filter_number_canonical(&arena, j->str, (size_t) j->len, &v));
			break;
		case FJ_STRING:
			CHECK(j->str != NULL && j->str[j->len] == '\0');
			CHECK(filter_utf8_valid(j->str, (size_t) j->len));
			break;
		case FJ_ARRAY:
			CHECK(j->n >= 0);
			for (i = 0; i < j->n; i++)
				check_fjson(j->items[i], depth + 1);
			break;
		case FJ_OBJECT:
			CHECK(j->n >= 0);
			for (i = 0; i < j->n; i++)
			{
				CHECK(j->keys[i] != NULL && j->keys[i][j->keylens[i]] == '\0');
				CHECK(filter_utf8_valid(j->keys[i], (size_t) j->keylens[i]));
				for (k = 0; k < i; k++)
					CHECK(!(j->keylens[k] == j->keylens[i] &&
							memcmp(j->keys[k], j->keys[i], (size_t) j->keylens[i]) == 0));
				CHECK(fjson_get(j, j->keys[i]) == j->items[i]);
				check_fjson(j->items[i], depth + 1);
			}
			break;
		default:
			CHECK(!"unknown FJson type");
	}
}

/* Is a key well formed (and present when required)? */
static void
check_key(const FilterKey *key, bool required)
{
	int			i;

	if (required)
		CHECK(key->nsegs >= 1);
	CHECK(key->nsegs >= 0);
	if (key->nsegs > 0)
		CHECK(key->text != NULL && key->segs != NULL);
	for (i = 0; i < key->nsegs; i++)
		CHECK(key->segs[i].s != NULL && key->segs[i].s[key->segs[i].len] == '\0');
}

/* Is a literal well formed? */
static void
check_value(const FilterValue *v)
{
	FilterValue again;

	switch (v->type)
	{
		case FV_NULL:
		case FV_BOOL:
		case FV_TIME:
			CHECK(!v->loose);
			break;
		case FV_NUMBER:
			CHECK(!v->loose);
			CHECK(v->str != NULL && strlen(v->str) == (size_t) v->len);
			CHECK(filter_number_canonical(&arena, v->str, (size_t) v->len, &again));
			CHECK(strcmp(again.str, v->str) == 0);
			break;
		case FV_STRING:
			CHECK(v->str != NULL && v->len >= 0 && v->str[v->len] == '\0');
			break;
		default:
			CHECK(!"unknown value type");
	}
}

/* Is node a valid, normalized tree?  json_only: only ops the JSON dialects make. */
static void
check_node(const FilterNode *n, int depth, bool root, bool json_only)
{
	int			i;

	CHECK(n != NULL);
	CHECK(depth <= 2 * FILTER_MAX_DEPTH + 8);
	switch (n->op)
	{
		case FOP_TRUE:
			CHECK(root);
			break;
		case FOP_AND:
		case FOP_OR:
			CHECK(n->nargs >= 2 && n->args != NULL);
			for (i = 0; i < n->nargs; i++)
			{
				CHECK(n->args[i] != NULL);
				CHECK(n->args[i]->op != n->op && n->args[i]->op != FOP_TRUE);
				check_node(n->args[i], depth + 1, false, json_only);
			}
			break;
		case FOP_NOT:
			CHECK(n->nargs == 1 && n->args != NULL && n->args[0] != NULL);
			CHECK(n->args[0]->op != FOP_NOT);
			check_node(n->args[0], depth + 1, false, json_only);
			break;
		case FOP_EQ:
		case FOP_NE:
		case FOP_LT:
		case FOP_LE:
		case FOP_GT:
		case FOP_GE:
			check_key(&n->key, true);
			if (n->has_key2)
			{
				check_key(&n->key2, true);
				CHECK(n->nvalues == 0);
			}
			else
			{
				CHECK(n->nvalues == 1);
				check_value(&n->values[0]);
			}
			break;
		case FOP_IN:
		case FOP_CONTAINS_ALL:
			check_key(&n->key, true);
			CHECK(n->nvalues >= 0);
			CHECK(n->nvalues == 0 || n->values != NULL);
			for (i = 0; i < n->nvalues; i++)
				check_value(&n->values[i]);
			break;
		case FOP_CONTAINS:
		case FOP_ICONTAINS:
		case FOP_STARTSWITH:
		case FOP_ENDSWITH:
		case FOP_IEXACT:
		case FOP_LIKE:
		case FOP_ILIKE:
			check_key(&n->key, true);
			CHECK(n->nvalues == 1 && n->values[0].type == FV_STRING);
			check_value(&n->values[0]);
			break;
		case FOP_REGEX:
			check_key(&n->key, false);
			CHECK(n->pattern != NULL && n->pattern[n->patlen] == '\0');
			CHECK(n->flags != NULL && strspn(n->flags, "ims") == strlen(n->flags));
			break;
		case FOP_EXISTS:
		case FOP_EMPTY:
		case FOP_IS_NULL:
		case FOP_IS_TRUE:
		case FOP_IS_FALSE:
			check_key(&n->key, true);
			CHECK(n->nvalues == 0);
			break;
		case FOP_MOD:
			check_key(&n->key, true);
			CHECK(n->nvalues == 2 && (n->cmp == FOP_EQ || n->cmp == FOP_NE));
			check_value(&n->values[0]);
			check_value(&n->values[1]);
			break;
		case FOP_WITHIN:
			check_key(&n->key, true);
			CHECK(n->nvalues == 3);
			for (i = 0; i < 3; i++)
				CHECK(n->values[i].type == FV_NUMBER);
			break;
		case FOP_AGE:
			check_key(&n->key, false);
			CHECK(n->nvalues == 1 && n->cmp >= FOP_EQ && n->cmp <= FOP_GE);
			check_value(&n->values[0]);
			break;
		default:
			CHECK(!"unknown operator");
	}
	if (json_only)
	{
		/* Tines and operator maps: comparisons, lists, strings, presence, AND, NOT */
		CHECK(n->op != FOP_OR && n->op != FOP_CONTAINS_ALL && n->op != FOP_LIKE &&
			  n->op != FOP_ILIKE && n->op != FOP_REGEX && n->op != FOP_EXISTS &&
			  n->op != FOP_MOD && n->op != FOP_WITHIN && n->op != FOP_AGE && !n->has_key2);
		if (n->op == FOP_NOT)
			CHECK(n->args[0]->op == FOP_EMPTY || n->args[0]->op == FOP_IN ||
				  n->args[0]->op == FOP_IS_NULL);
	}
}

/* An error must say what happened, in valid UTF-8. */
static void
check_error(const FilterError *err)
{
	CHECK(err->kind == FILTER_ERR_SYNTAX || err->kind == FILTER_ERR_VALUE ||
		  err->kind == FILTER_ERR_LIMIT);
	CHECK(err->message[0] != '\0');
	CHECK(memchr(err->message, '\0', sizeof(err->message)) != NULL);
	CHECK(memchr(err->detail, '\0', sizeof(err->detail)) != NULL);
	CHECK(memchr(err->hint, '\0', sizeof(err->hint)) != NULL);
	CHECK(filter_utf8_valid(err->message, strlen(err->message)));
	CHECK(filter_utf8_valid(err->detail, strlen(err->detail)));
	CHECK(filter_utf8_valid(err->hint, strlen(err->hint)));
	CHECK(err->position >= 0);
}

/* Check a parse result: a valid tree whose rendering is JSON, or a proper error. */
static void
check_result(const FilterNode *node, const FilterError *err, bool json_only)
{
	FilterBuf	out;
	FilterError again;
	FJson	   *rendered;

	if (node == NULL)
	{
		check_error(err);
		return;
	}
	CHECK(err->kind == FILTER_OK);
	check_node(node, 0, true, json_only);
	filter_buf_init(&out, &arena);
	filter_to_json(&out, node);
	memset(&again, 0, sizeof(again));
	rendered = fjson_parse(&arena, out.data, out.len, &again);
	if (rendered == NULL)
		fprintf(stderr, "fuzz_json: filter_to_json gave invalid JSON (%s): %s\n",
				again.message, out.data);
	CHECK(rendered != NULL);
	CHECK(rendered->type == FJ_OBJECT && fjson_get(rendered, "op") != NULL);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	FilterError err;
	FJson	   *json;
	FilterNode *node;
	FilterDialect dialect;
	FilterBuf	first,
				second;
	FJson	   *reparsed;
	int			pass;

	memset(&err, 0, sizeof(err));
	json = fjson_parse(&arena, s, size, &err);
	if (json == NULL)
	{
		check_error(&err);
		CHECK(err.position >= 1);
		arena_free();
		return 0;
	}
	CHECK(err.kind == FILTER_OK);
	check_fjson(json, 0);

	/* rendering and parsing again gives the same tree */
	filter_buf_init(&first, &arena);
	render(&first, json);
	reparsed = fjson_parse(&arena, first.data, first.len, &err);
	CHECK(reparsed != NULL);
	filter_buf_init(&second, &arena);
	render(&second, reparsed);
	CHECK(first.len == second.len && memcmp(first.data, second.data, first.len) == 0);

	for (pass = 0; pass < 2; pass++)
	{
		const FilterResolver *r = pass == 0 ? NULL : &resolver;

		memset(&err, 0, sizeof(err));
		dialect = (FilterDialect) -1;
		node = filter_parse_json(&arena, json, r, &dialect, &err);
		check_result(node, &err, node != NULL &&
					 (dialect == FILTER_DIALECT_TINES || dialect == FILTER_DIALECT_OPMAP));
		if (node != NULL)
			CHECK(dialect == FILTER_DIALECT_TINES || dialect == FILTER_DIALECT_OPMAP ||
				  dialect == FILTER_DIALECT_TEXT || dialect == FILTER_DIALECT_PAIRS);

		/* every dialect parser copes with any JSON */
		memset(&err, 0, sizeof(err));
		check_result(filter_parse_tines(&arena, json, r, &err), &err, true);
		memset(&err, 0, sizeof(err));
		check_result(filter_parse_opmap(&arena, json, r, &err), &err, true);
	}
	memset(&err, 0, sizeof(err));
	check_result(filter_parse_pairs_object(&arena, json, &err), &err, false);

	arena_free();
	return 0;
}
