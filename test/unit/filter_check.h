/*-------------------------------------------------------------------------
 *
 * filter_check.h
 *	  Invariants of parser results, shared by the unit tests and the
 *	  fuzzers: a structural check of filter trees, a check of error
 *	  reports, and a JSON validator for filter_to_json output.
 *
 * Each check returns false and writes a reason into why (WHY_SIZE bytes).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/unit/filter_check.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_TEST_FILTER_CHECK_H
#define PODREC_TEST_FILTER_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

#define WHY_SIZE 256

/* What a dialect promises about its string literals. */
#define CHECK_LOOSE 1			/* every string is loose (PostgREST pairs) */
#define CHECK_TYPED 2			/* no string is loose (flowthings text) */

static inline bool check_fail(char *why, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Record a reason and return false. */
static inline bool
check_fail(char *why, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vsnprintf(why, WHY_SIZE, fmt, args);
	va_end(args);
	return false;
}

/* Bytes of a NUL-terminated field of at most size bytes, or -1 if unterminated. */
static inline long
check_strnlen(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);

	return end ? (long) (end - s) : -1;
}

/* ---- JSON validation ---- */

typedef struct JsonCursor
{
	const char *s;
	size_t		len;
	size_t		i;
} JsonCursor;

/* Skip JSON whitespace. */
static inline void
json_ws(JsonCursor *c)
{
	while (c->i < c->len && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
							 c->s[c->i] == '\n' || c->s[c->i] == '\r'))
		c->i++;
}

/* A JSON number at the cursor. */
static inline bool
json_number(JsonCursor *c)
{
	size_t		start;

	if (c->i < c->len && c->s[c->i] == '-')
		c->i++;
	if (c->i >= c->len)
		return false;
	if (c->s[c->i] == '0')
		c->i++;
	else if (c->s[c->i] >= '1' && c->s[c->i] <= '9')
		while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9')
			c->i++;
	else
		return false;
	if (c->i < c->len && c->s[c->i] == '.')
	{
		start = ++c->i;
		while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9')
			c->i++;
		if (c->i == start)
			return false;
	}
	if (c->i < c->len && (c->s[c->i] == 'e' || c->s[c->i] == 'E'))
	{
		c->i++;
		if (c->i < c->len && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		start = c->i;
		while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9')
			c->i++;
		if (c->i == start)
			return false;
	}
	return true;
}

/* A JSON string at the cursor: escapes valid, no raw control characters, UTF-8. */
static inline bool
json_string(JsonCursor *c)
{
	size_t		start;

	if (c->i >= c->len || c->s[c->i] != '"')
		return false;
	start = ++c->i;
	while (c->i < c->len && c->s[c->i] != '"')
	{
		unsigned char ch = (unsigned char) c->s[c->i];

		if (ch < 0x20)
			return false;
		if (ch == '\\')
		{
			c->i++;
			if (c->i >= c->len)
				return false;
			if (c->s[c->i] == 'u')
			{
				int			k;

				for (k = 1; k <= 4; k++)
					if (c->i + (size_t) k >= c->len ||
						strchr("0123456789abcdefABCDEF", c->s[c->i + (size_t) k]) == NULL ||
						c->s[c->i + (size_t) k] == '\0')
						return false;
				c->i += 5;
				continue;
			}
			if (strchr("\"\\/bfnrt", c->s[c->i]) == NULL || c->s[c->i] == '\0')
				return false;
		}
		c->i++;
	}
	if (c->i >= c->len)
		return false;
	if (!filter_utf8_valid(c->s + start, c->i - start))
		return false;
	c->i++;
	return true;
}

/* A JSON value at the cursor, nested at most depth levels. */
static inline bool
json_value(JsonCursor *c, int depth)
{
	if (depth > 2000)
		return false;
	json_ws(c);
	if (c->i >= c->len)
		return false;
	switch (c->s[c->i])
	{
		case '{':
			c->i++;
			json_ws(c);
			if (c->i < c->len && c->s[c->i] == '}')
			{
				c->i++;
				return true;
			}
			for (;;)
			{
				json_ws(c);
				if (!json_string(c))
					return false;
				json_ws(c);
				if (c->i >= c->len || c->s[c->i] != ':')
					return false;
				c->i++;
				if (!json_value(c, depth + 1))
					return false;
				json_ws(c);
				if (c->i < c->len && c->s[c->i] == ',')
				{
					c->i++;
					continue;
				}
				if (c->i < c->len && c->s[c->i] == '}')
				{
					c->i++;
					return true;
				}
				return false;
			}
		case '[':
			c->i++;
			json_ws(c);
			if (c->i < c->len && c->s[c->i] == ']')
			{
				c->i++;
				return true;
			}
			for (;;)
			{
				if (!json_value(c, depth + 1))
					return false;
				json_ws(c);
				if (c->i < c->len && c->s[c->i] == ',')
				{
					c->i++;
					continue;
				}
				if (c->i < c->len && c->s[c->i] == ']')
				{
					c->i++;
					return true;
				}
				return false;
			}
		case '"':
			return json_string(c);
		case 't':
			if (c->len - c->i >= 4 && memcmp(c->s + c->i, "true", 4) == 0)
			{
				c->i += 4;
				return true;
			}
			return false;
		case 'f':
			if (c->len - c->i >= 5 && memcmp(c->s + c->i, "false", 5) == 0)
			{
				c->i += 5;
				return true;
			}
			return false;
		case 'n':
			if (c->len - c->i >= 4 && memcmp(c->s + c->i, "null", 4) == 0)
			{
				c->i += 4;
				return true;
			}
			return false;
		default:
			return json_number(c);
	}
}

/* Is s[0..len) exactly one JSON value? */
static inline bool
json_valid(const char *s, size_t len)
{
	JsonCursor	c;

	c.s = s;
	c.len = len;
	c.i = 0;
	if (!json_value(&c, 0))
		return false;
	json_ws(&c);
	return c.i == len;
}

/* ---- trees ---- */

/* A key: segments NUL-terminated copies; at least one when required. */
static inline bool
check_key(const FilterKey *k, bool required, const char *what, char *why)
{
	int			i;

	if (k->nsegs < 0 || (required && k->nsegs == 0))
		return check_fail(why, "%s has %d segments", what, k->nsegs);
	if (k->nsegs > 0 && (k->segs == NULL || k->text == NULL))
		return check_fail(why, "%s has no segment array or text", what);
	for (i = 0; i < k->nsegs; i++)
	{
		if (k->segs[i].s == NULL || k->segs[i].len < 0 || k->segs[i].s[k->segs[i].len] != '\0')
			return check_fail(why, "%s segment %d is malformed", what, i);
		if ((size_t) k->segs[i].len != strlen(k->segs[i].s))
			return check_fail(why, "%s segment %d holds a NUL byte", what, i);
		if (!filter_utf8_valid(k->segs[i].s, (size_t) k->segs[i].len))
			return check_fail(why, "%s segment %d is not UTF-8", what, i);
	}
	return true;
}

/* A literal of a valid type with well-formed text. */
static inline bool
check_value(const FilterValue *v, int flags, char *why)
{
	switch (v->type)
	{
		case FV_NULL:
		case FV_BOOL:
			return true;
		case FV_NUMBER:
			if (v->str == NULL || v->len <= 0 || (size_t) v->len != strlen(v->str) ||
				!json_valid(v->str, (size_t) v->len))
				return check_fail(why, "malformed number literal");
			return true;
		case FV_STRING:
			if (v->str == NULL || v->len < 0 || v->str[v->len] != '\0')
				return check_fail(why, "malformed string literal");
			if (!filter_utf8_valid(v->str, (size_t) v->len))
				return check_fail(why, "string literal is not UTF-8");
			if ((flags & CHECK_LOOSE) && !v->loose)
				return check_fail(why, "string literal should be loose");
			if ((flags & CHECK_TYPED) && v->loose)
				return check_fail(why, "string literal should not be loose");
			return true;
		case FV_TIME:
			if (v->ms < INT64_C(-62167219200000) || v->ms > INT64_C(253402300799999))
				return check_fail(why, "date out of range");
			return true;
	}
	return check_fail(why, "invalid value type %d", (int) v->type);
}

/* Is v a number literal? */
static inline bool
check_is_number(const FilterValue *v)
{
	return v->type == FV_NUMBER && v->str != NULL;
}

/* Is op one of the comparisons EQ .. GE? */
static inline bool
check_is_cmp(FilterOp op)
{
	return op == FOP_EQ || op == FOP_NE || op == FOP_LT || op == FOP_LE ||
		op == FOP_GT || op == FOP_GE;
}

/*
 * One node and its subtree: operators valid, argument counts consistent
 * with normalization, keys present where required, values typed right.
 */
static inline bool
check_node(const FilterNode *n, const FilterNode *parent, int depth, int flags,
		   char *why)
{
	int			i;

	if (n == NULL)
		return check_fail(why, "NULL node");
	if (depth > FILTER_MAX_DEPTH)
		return check_fail(why, "tree deeper than %d", FILTER_MAX_DEPTH);
	if (n->nvalues < 0 || (n->nvalues > 0 && n->values == NULL))
		return check_fail(why, "bad value array");
	for (i = 0; i < n->nvalues; i++)
		if (!check_value(&n->values[i], flags, why))
			return false;
	if (n->position < 0)
		return check_fail(why, "negative position");
	switch (n->op)
	{
		case FOP_TRUE:
			if (parent != NULL)
				return check_fail(why, "TRUE below the root after normalization");
			return true;
		case FOP_AND:
		case FOP_OR:
			if (n->nargs < 2 || n->args == NULL)
				return check_fail(why, "%s with %d arguments", filter_op_name(n->op), n->nargs);
			for (i = 0; i < n->nargs; i++)
			{
				if (n->args[i] && n->args[i]->op == n->op)
					return check_fail(why, "nested %s not flattened", filter_op_name(n->op));
				if (!check_node(n->args[i], n, depth + 1, flags, why))
					return false;
			}
			return true;
		case FOP_NOT:
			if (n->nargs != 1 || n->args == NULL)
				return check_fail(why, "not with %d arguments", n->nargs);
			if (n->args[0] && n->args[0]->op == FOP_NOT)
				return check_fail(why, "double negation not removed");
			return check_node(n->args[0], n, depth + 1, flags, why);
		case FOP_EQ:
		case FOP_NE:
		case FOP_LT:
		case FOP_LE:
		case FOP_GT:
		case FOP_GE:
			if (!check_key(&n->key, true, "key", why))
				return false;
			if (n->has_key2)
			{
				if (n->nvalues != 0)
					return check_fail(why, "key comparison with values");
				return check_key(&n->key2, true, "key2", why);
			}
			if (n->nvalues != 1)
				return check_fail(why, "comparison with %d values", n->nvalues);
			return true;
		case FOP_IN:
			if (n->has_key2)
				return check_fail(why, "in with key2");
			return check_key(&n->key, true, "key", why);
		case FOP_CONTAINS_ALL:
			if (n->nvalues < 1)
				return check_fail(why, "contains_all without values");
			return check_key(&n->key, true, "key", why);
		case FOP_CONTAINS:
		case FOP_ICONTAINS:
		case FOP_STARTSWITH:
		case FOP_ENDSWITH:
		case FOP_IEXACT:
		case FOP_LIKE:
		case FOP_ILIKE:
			if (n->nvalues != 1 || n->values[0].type != FV_STRING)
				return check_fail(why, "%s needs one string", filter_op_name(n->op));
			return check_key(&n->key, true, "key", why);
		case FOP_REGEX:
			{
				const char *f;
				const char *order = "ims";

				if (n->pattern == NULL || n->patlen < 0 || n->pattern[n->patlen] != '\0')
					return check_fail(why, "malformed regex pattern");
				if (!filter_utf8_valid(n->pattern, (size_t) n->patlen))
					return check_fail(why, "regex pattern is not UTF-8");
				if (n->flags == NULL)
					return check_fail(why, "regex without flags");
				for (f = n->flags; *f; f++)
				{
					const char *at = strchr(order, *f);

					if (at == NULL)
						return check_fail(why, "regex flag %c", *f);
					order = at + 1;
				}
				if (n->nvalues != 0)
					return check_fail(why, "regex with values");
				return check_key(&n->key, false, "key", why);
			}
		case FOP_EXISTS:
		case FOP_EMPTY:
		case FOP_IS_NULL:
		case FOP_IS_TRUE:
		case FOP_IS_FALSE:
			if (n->nvalues != 0)
				return check_fail(why, "%s with values", filter_op_name(n->op));
			return check_key(&n->key, true, "key", why);
		case FOP_MOD:
			if (n->nvalues != 2 || !check_is_number(&n->values[0]) ||
				!check_is_number(&n->values[1]))
				return check_fail(why, "mod needs two numbers");
			if (n->cmp != FOP_EQ && n->cmp != FOP_NE)
				return check_fail(why, "mod compares with %s", filter_op_name(n->cmp));
			if (strtod(n->values[0].str, NULL) == 0.0 &&
				strspn(n->values[0].str, "-0.e") == strlen(n->values[0].str))
				return check_fail(why, "mod by zero");
			return check_key(&n->key, true, "key", why);
		case FOP_WITHIN:
			{
				double		lat,
							lon;

				if (n->nvalues != 3 || !check_is_number(&n->values[0]) ||
					!check_is_number(&n->values[1]) || !check_is_number(&n->values[2]))
					return check_fail(why, "within needs three numbers");
				if (n->unit != FILTER_UNIT_KM && n->unit != FILTER_UNIT_MILES)
					return check_fail(why, "within with unit %d", (int) n->unit);
				lat = strtod(n->values[1].str, NULL);
				lon = strtod(n->values[2].str, NULL);
				if (strtod(n->values[0].str, NULL) < 0 || lat < -90 || lat > 90 ||
					lon < -180 || lon > 180)
					return check_fail(why, "within out of range");
				return check_key(&n->key, true, "key", why);
			}
		case FOP_AGE:
			if (!check_is_cmp(n->cmp))
				return check_fail(why, "age compares with %d", (int) n->cmp);
			if (n->nvalues != 1 || !check_is_number(&n->values[0]))
				return check_fail(why, "age needs one number");
			return check_key(&n->key, false, "key", why);
	}
	return check_fail(why, "invalid operator %d", (int) n->op);
}

/* A whole tree, and its filter_to_json rendering. */
static inline bool
check_tree(FilterAlloc *a, const FilterNode *n, int flags, char *why)
{
	FilterBuf	buf;

	if (!check_node(n, NULL, 1, flags, why))
		return false;
	filter_buf_init(&buf, a);
	filter_to_json(&buf, n);
	if (buf.len != strlen(buf.data))
		return check_fail(why, "filter_to_json output holds a NUL byte");
	if (!json_valid(buf.data, buf.len))
		return check_fail(why, "filter_to_json output is not valid JSON: %.120s", buf.data);
	return true;
}

/* Is a message field a sentence (capital first letter, final period)? */
static inline bool
check_sentence(const char *s, const char *what, char *why)
{
	size_t		n = strlen(s);

	if (n == 0)
		return true;
	if (!(s[0] >= 'A' && s[0] <= 'Z'))
		return check_fail(why, "%s does not start with a capital letter: %.80s", what, s);
	if (s[n - 1] != '.')
		return check_fail(why, "%s does not end with a period: %.80s", what, s);
	return true;
}

/*
 * An error report: a kind, a lower-case message without final period,
 * detail and hint as sentences, all NUL-terminated UTF-8; with a position
 * (required when positioned is set) that the detail repeats.
 */
static inline bool
check_error(const FilterError *e, const char *input, size_t len, bool positioned,
			char *why)
{
	long		ml = check_strnlen(e->message, sizeof(e->message));
	long		dl = check_strnlen(e->detail, sizeof(e->detail));
	long		hl = check_strnlen(e->hint, sizeof(e->hint));
	int			chars = 0;
	size_t		i;
	char		prefix[64];

	if (e->kind != FILTER_ERR_SYNTAX && e->kind != FILTER_ERR_VALUE &&
		e->kind != FILTER_ERR_LIMIT)
		return check_fail(why, "error kind %d", (int) e->kind);
	if (ml <= 0 || dl < 0 || hl < 0)
		return check_fail(why, "message empty or a field unterminated");
	if (!filter_utf8_valid(e->message, (size_t) ml) ||
		!filter_utf8_valid(e->detail, (size_t) dl) ||
		!filter_utf8_valid(e->hint, (size_t) hl))
		return check_fail(why, "error text is not UTF-8");
	if (!(e->message[0] >= 'a' && e->message[0] <= 'z'))
		return check_fail(why, "message does not start in lower case: %.80s", e->message);
	if (e->message[ml - 1] == '.')
		return check_fail(why, "message ends with a period: %.80s", e->message);
	if (!check_sentence(e->detail, "detail", why) || !check_sentence(e->hint, "hint", why))
		return false;
	for (i = 0; i < len; i++)
		if (((unsigned char) input[i] & 0xC0) != 0x80)
			chars++;
	if (e->position < 0 || e->position > chars + 1)
		return check_fail(why, "position %d outside 1..%d", e->position, chars + 1);
	if (positioned && e->position == 0)
		return check_fail(why, "error without position");
	if (e->kind == FILTER_ERR_LIMIT)
	{
		if (strcmp(e->message, "filter is nested too deeply") != 0 ||
			strcmp(e->detail, "The maximum nesting depth is 200.") != 0)
			return check_fail(why, "limit error wording: %s / %s", e->message, e->detail);
	}
	else if (positioned)
	{
		snprintf(prefix, sizeof(prefix), "At character %d of ", e->position);
		if (strncmp(e->detail, prefix, strlen(prefix)) != 0)
			return check_fail(why, "detail does not repeat position %d: %.80s",
							  e->position, e->detail);
	}
	return true;
}

#endif							/* PODREC_TEST_FILTER_CHECK_H */
