/*-------------------------------------------------------------------------
 *
 * filter.h
 *	  The filter representation shared by every dialect, parser and
 *	  back end of podrec.
 *
 * Four dialects (Tines filters, operator maps, the flowthings text
 * language and PostgREST-style pairs) are parsed into one tree of
 * FilterNodes.  The tree is evaluated exactly over raw items
 * (filter_eval.c) and compiled to a jsonpath predicate that a GIN index
 * can serve (filter_jsonpath.c).
 *
 * Everything declared here is free of backend dependencies: the parsers
 * and the jsonpath compiler build with plain libc, so that they can be
 * fuzzed on their own (test/fuzz).  Memory comes from a FilterAlloc (the
 * backend passes palloc, the fuzzers an arena) and is never freed piece
 * by piece.  Errors are returned in a FilterError, never thrown.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_FILTER_H
#define PODREC_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deepest nesting of a filter (parentheses, NOT, logic trees, JSON). */
#define FILTER_MAX_DEPTH 200
/* At most this many characters of user text are quoted in a message... */
#define FILTER_CLIP_CHARS 40
/* ...which fit, with "..." and a NUL, in this many bytes. */
#define FILTER_CLIP_BUF (FILTER_CLIP_CHARS * 4 + 4)

/* Where filter memory comes from. */
typedef struct FilterAlloc
{
	void	   *(*alloc) (void *ctx, size_t size);	/* never returns NULL */
	void	   *ctx;
} FilterAlloc;

/* What kind of mistake an error reports; the backend maps it to a SQLSTATE. */
typedef enum FilterErrorKind
{
	FILTER_OK = 0,
	FILTER_ERR_SYNTAX,			/* 42601 syntax_error */
	FILTER_ERR_VALUE,			/* 22023 invalid_parameter_value */
	FILTER_ERR_LIMIT			/* 54000 program_limit_exceeded */
} FilterErrorKind;

/*
 * An error, worded after the PostgreSQL message style guide: message is
 * lower case without a final period; detail and hint are full sentences
 * (empty when there is nothing to say).  Text dialects put the 1-based
 * character position and the offending token into the message or detail
 * themselves, and also store the position here.
 */
typedef struct FilterError
{
	FilterErrorKind kind;
	int			position;		/* 1-based character position, 0 if none */
	char		message[256];
	char		detail[512];
	char		hint[512];
} FilterError;

/* The dialect a filter was written in. */
typedef enum FilterDialect
{
	FILTER_DIALECT_TINES,		/* [{"field_id", "operator", "value"}, ...] */
	FILTER_DIALECT_OPMAP,		/* {"key": {"operator", "value"}, ...} */
	FILTER_DIALECT_TEXT,		/* flowthings filter language */
	FILTER_DIALECT_PAIRS,		/* key=eq.v&or=(...) or {"key": "eq.v"} */
	FILTER_DIALECT_CANONICAL	/* the normalized form: {"op": "eq", "key": ...} */
} FilterDialect;

/*
 * A flat key, already split into unescaped segments.  "a.b\.c" is the two
 * segments "a" and "b.c".  text is the key as the filter wrote it, for
 * messages.  A key with no segments means "absent" (AGE of the creation
 * time, MATCHES over every leaf).
 */
typedef struct FilterSeg
{
	const char *s;				/* NUL-terminated copy */
	int			len;
} FilterSeg;

typedef struct FilterKey
{
	int			nsegs;
	FilterSeg  *segs;
	const char *text;			/* NUL-terminated */
} FilterKey;

/* Types of literal values. */
typedef enum FilterValueType
{
	FV_NULL,
	FV_BOOL,
	FV_NUMBER,					/* str holds canonical JSON number text */
	FV_STRING,
	FV_TIME						/* Date(ms): ms holds milliseconds since 1970 */
} FilterValueType;

/*
 * A literal.  A loose string is text whose type the dialect does not say
 * (PostgREST values, Tines string values): against a number leaf it
 * compares as a number when it reads as one, against a boolean leaf as a
 * boolean when it is "true" or "false", otherwise as a string.
 */
typedef struct FilterValue
{
	FilterValueType type;
	bool		loose;			/* FV_STRING only */
	bool		boolean;		/* FV_BOOL */
	const char *str;			/* FV_STRING bytes / FV_NUMBER text, NUL-terminated */
	int			len;
	int64_t		ms;				/* FV_TIME */
} FilterValue;

/*
 * Operators.  Semantics (README, "Filters"; filter_eval.c is the reference
 * implementation) are defined on the flat record: a key is missing, a leaf
 * (scalar, null, {} or []) or a subtree (a proper prefix of leaf keys).
 */
typedef enum FilterOp
{
	/* logic */
	FOP_TRUE,					/* matches everything (an empty filter) */
	FOP_AND,					/* args[0..nargs) */
	FOP_OR,
	FOP_NOT,					/* args[0] */

	/* key op value, or key op key2 (has_key2) */
	FOP_EQ,
	FOP_NE,						/* exactly NOT FOP_EQ */
	FOP_LT,
	FOP_LE,
	FOP_GT,
	FOP_GE,

	FOP_IN,						/* key equals one of values[0..nvalues) */
	FOP_CONTAINS_ALL,			/* every value equals some leaf directly under key */

	/* string predicates on a string leaf, values[0] a string */
	FOP_CONTAINS,				/* substring */
	FOP_ICONTAINS,				/* substring, ignoring case */
	FOP_STARTSWITH,
	FOP_ENDSWITH,
	FOP_IEXACT,					/* equal, ignoring case */
	FOP_LIKE,					/* SQL LIKE pattern: % any string, _ one character, \ escapes */
	FOP_ILIKE,
	FOP_REGEX,					/* pattern/flags; no key: any string leaf matches */

	/* presence */
	FOP_EXISTS,					/* key is a leaf or a subtree */
	FOP_EMPTY,					/* missing, null, "", {} or [] */
	FOP_IS_NULL,				/* missing or null */
	FOP_IS_TRUE,				/* leaf is true */
	FOP_IS_FALSE,				/* leaf is false */

	/* flowthings specials */
	FOP_MOD,					/* key % values[0], cmp (FOP_EQ or FOP_NE), values[1] */
	FOP_WITHIN,					/* key within values[0] unit of (values[1], values[2]) */
	FOP_AGE						/* now - time(key or creation) cmp values[0] ms */
} FilterOp;

/* Units of FOP_WITHIN distances. */
typedef enum FilterUnit
{
	FILTER_UNIT_KM,
	FILTER_UNIT_MILES
} FilterUnit;

/* One node of a filter tree. */
typedef struct FilterNode
{
	FilterOp	op;

	/* FOP_AND, FOP_OR (nargs >= 2 after normalization), FOP_NOT (1) */
	int			nargs;
	struct FilterNode **args;

	/* atoms */
	FilterKey	key;
	bool		has_key2;		/* comparisons between two keys */
	FilterKey	key2;
	int			nvalues;
	FilterValue *values;
	FilterOp	cmp;			/* FOP_MOD, FOP_AGE: FOP_EQ .. FOP_GE */
	FilterUnit	unit;			/* FOP_WITHIN */
	const char *pattern;		/* FOP_REGEX, NUL-terminated */
	int			patlen;
	const char *flags;			/* FOP_REGEX: a subset of "ims", NUL-terminated */

	int			position;		/* 1-based character position in text, 0 if none */

	void	   *extra;			/* evaluator's prepared form of the atom */
} FilterNode;

/* Field types of record types (records_list, record_query). */
typedef enum FilterFieldType
{
	FILTER_FIELD_UNKNOWN,		/* a plain flat key */
	FILTER_FIELD_TEXT,
	FILTER_FIELD_NUMBER,
	FILTER_FIELD_TIMESTAMP,
	FILTER_FIELD_BOOLEAN,
	FILTER_FIELD_TEXT_ENUM,
	FILTER_FIELD_ARTIFACT,
	FILTER_FIELD_OBJECT,
	FILTER_FIELD_ARRAY
} FilterFieldType;

/*
 * Resolves the field names of the JSON dialects (Tines field_id, operator
 * map keys) through a record type.  Returns false with err set when the
 * field is unknown.  Without a resolver a field name is a flat key.
 */
typedef struct FilterResolver
{
	bool		(*resolve) (void *ctx, const char *name, int len,
							FilterKey *key, FilterFieldType *type,
							FilterError *err);
	void	   *ctx;
} FilterResolver;

/* A growable byte buffer in filter memory, NUL-terminated. */
typedef struct FilterBuf
{
	FilterAlloc *a;
	char	   *data;
	size_t		len;
	size_t		cap;
} FilterBuf;

/* ---- filter_ir.c: construction, keys, literals, buffers, errors ---- */

extern void *filter_alloc(FilterAlloc *a, size_t size);
extern char *filter_strndup(FilterAlloc *a, const char *s, size_t len);
extern FilterNode *filter_node(FilterAlloc *a, FilterOp op);
extern FilterNode *filter_logic(FilterAlloc *a, FilterOp op, FilterNode **args, int nargs);
extern FilterNode *filter_not(FilterAlloc *a, FilterNode *arg);
extern FilterNode *filter_normalize(FilterAlloc *a, FilterNode *node);
extern FilterNode *filter_check_depth(FilterError *err, FilterNode *node);

extern bool filter_key_parse(FilterAlloc *a, const char *s, size_t len,
							 bool double_underscore, FilterKey *key,
							 FilterError *err);
extern void filter_key_from_segments(FilterAlloc *a, FilterKey *key,
									 const FilterSeg *segs, int nsegs);
extern void filter_key_append_text(FilterBuf *buf, const FilterKey *key);

extern bool filter_number_canonical(FilterAlloc *a, const char *s, size_t len,
									FilterValue *out);
extern void filter_value_string(FilterAlloc *a, const char *s, size_t len,
								bool loose, FilterValue *out);
extern bool filter_utf8_valid(const char *s, size_t len);
extern size_t filter_utf8_char_len(unsigned char c);
extern const char *filter_clip(char *buf, const char *s, size_t len);
extern int	filter_utf8_position(const char *s, size_t byte_offset);

extern bool filter_parse_timestamp(const char *s, size_t len, int64_t *usec);

extern void filter_buf_init(FilterBuf *buf, FilterAlloc *a);
extern void filter_buf_append(FilterBuf *buf, const char *s, size_t len);
extern void filter_buf_appends(FilterBuf *buf, const char *s);
extern void filter_buf_appendc(FilterBuf *buf, char c);
extern void filter_buf_printf(FilterBuf *buf, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern void filter_buf_append_json_string(FilterBuf *buf, const char *s, size_t len);

extern bool filter_error(FilterError *err, FilterErrorKind kind, int position,
						 const char *hint, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));
extern void filter_error_detail(FilterError *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

extern const char *filter_op_name(FilterOp op);
extern void filter_to_json(FilterBuf *buf, const FilterNode *node);

/* ---- the dialect parsers: NULL with err set on failure ---- */

/* filter_text.c: the flowthings filter language */
extern FilterNode *filter_parse_text(FilterAlloc *a, const char *s, size_t len,
									 FilterError *err);

/* filter_pairs.c: PostgREST-style pairs, key=op.value&... */
extern FilterNode *filter_parse_pairs(FilterAlloc *a, const char *s, size_t len,
									  FilterError *err);
extern FilterNode *filter_parse_pair(FilterAlloc *a, const FilterKey *key,
									 const char *s, size_t len,
									 FilterError *err);
extern FilterNode *filter_parse_logic_tree(FilterAlloc *a, bool is_or, bool negated,
										   const char *s, size_t len,
										   FilterError *err);
extern bool filter_text_is_pairs(const char *s, size_t len);

/* Text of either text dialect, told apart by filter_text_is_pairs. */
extern FilterNode *filter_parse_any_text(FilterAlloc *a, const char *s, size_t len,
										 FilterDialect *dialect, FilterError *err);

/* ---- filter_json.c: the JSON dialects over a small JSON tree ---- */

typedef enum FJsonType
{
	FJ_NULL,
	FJ_BOOL,
	FJ_NUMBER,
	FJ_STRING,
	FJ_ARRAY,
	FJ_OBJECT
} FJsonType;

/* A parsed JSON value; the backend builds it from jsonb, fuzzers from text. */
typedef struct FJson
{
	FJsonType	type;
	bool		boolean;
	const char *str;			/* FJ_STRING bytes, FJ_NUMBER text; NUL-terminated */
	int			len;
	int			n;				/* FJ_ARRAY elements, FJ_OBJECT pairs */
	const char **keys;			/* FJ_OBJECT, NUL-terminated */
	int		   *keylens;
	struct FJson **items;		/* FJ_ARRAY elements, FJ_OBJECT values */
} FJson;

extern FJson *fjson_parse(FilterAlloc *a, const char *s, size_t len,
						  FilterError *err);
extern const FJson *fjson_get(const FJson *obj, const char *key);

/*
 * Parse a JSON filter of any JSON dialect (a Tines array, an operator map,
 * a pairs object, or a JSON string holding a text filter).  resolver may be
 * NULL.  *dialect tells which one it was.
 */
extern FilterNode *filter_parse_json(FilterAlloc *a, const FJson *json,
									 const FilterResolver *resolver,
									 FilterDialect *dialect, FilterError *err);
extern FilterNode *filter_parse_tines(FilterAlloc *a, const FJson *json,
									  const FilterResolver *resolver,
									  FilterError *err);
extern FilterNode *filter_parse_opmap(FilterAlloc *a, const FJson *json,
									  const FilterResolver *resolver,
									  FilterError *err);
extern FilterNode *filter_parse_pairs_object(FilterAlloc *a, const FJson *json,
											 FilterError *err);

/* ---- filter_canonical.c: the normalized form, read back ---- */

extern bool filter_json_is_canonical(const FJson *json);
extern FilterNode *filter_parse_canonical(FilterAlloc *a, const FJson *json,
										  FilterError *err);

/* ---- filter_jsonpath.c: the jsonpath that an item matching a filter satisfies ---- */

typedef enum FilterPathMode
{
	FILTER_PATH_FULL,			/* every atom jsonpath can state */
	FILTER_PATH_INDEX,			/* only the equalities a GIN index serves */
	FILTER_PATH_INDEX_ANY_STEP	/* the same, a step id read as any element */
} FilterPathMode;

extern void filter_to_jsonpath(FilterBuf *buf, const FilterNode *node,
							   FilterPathMode mode);

#endif							/* PODREC_FILTER_H */
