/*-------------------------------------------------------------------------
 *
 * filter_pairs.c
 *	  PostgREST-style filters: key=op.value pairs joined by "&", logic
 *	  trees or=(...) and and=(...), and the choice between this dialect and
 *	  the flowthings language for filters given as text.
 *
 *	pairs := pair ('&' pair)*
 *	pair  := key '=' [not.] op '.' value
 *		   | [not.] (or | and) '=' tree
 *	op    := eq | neq | gt | gte | lt | lte | like | ilike | in | is
 *	tree  := '(' cond (',' cond)* ')'
 *	cond  := [not.] key '.' [not.] op '.' value | [not.] (or | and) tree
 *
 * Values are text whose type the filter does not state (loose strings); in
 * like and ilike "*" stands for "%".  in takes (a,b,"c,d"); is takes null,
 * not_null, true, false and unknown.  A key at the top level is everything
 * before "="; in a tree it ends at the first segment that is an operator
 * name (or "not" followed by one) unless it is written in double quotes.
 * Values in trees and lists may be double-quoted (\" and \\ escape).
 *
 * Free of backend dependencies (see filter.h).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_pairs.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


#define HINT_PAIRS "Pairs are written key=operator.value and joined with &, for example status=eq.done&n=gt.1."
#define HINT_OPS "The operators are eq, neq, gt, gte, lt, lte, like, ilike, in, is and not."
#define HINT_IS "After is. come null, not_null, true, false and unknown."
#define HINT_LIST "Lists are written in.(a,b,\"c,d\"); double quotes let a value hold commas and parentheses."
#define HINT_TREE "Logic trees are written or=(cond,...) or and=(cond,...); a condition is key.operator.value, or(...) or and(...), optionally after not., and a key that holds an operator name is written in double quotes."
#define HINT_QUOTE "Inside double quotes write \\\" for a quote and \\\\ for a backslash."
#define HINT_VALUE "The value of a pair is written operator.value, for example eq.done, not.in.(a,b) or is.null."
#define HINT_COND "A condition is written key.operator.value with one of eq, neq, gt, gte, lt, lte, like, ilike, in, is and not; a key that holds an operator name is written in double quotes."
#define HINT_NOT "Write not. once, before the operator, as in a=not.eq.1."

/* Where a value ends. */
typedef enum PairEnd
{
	END_PAIR,					/* at "&" (a pair of the text form) */
	END_TREE,					/* at "," or ")" (a condition in a tree) */
	END_ALL						/* at the end of the text */
} PairEnd;

/* The operators of the dialect. */
typedef enum PairOp
{
	POP_NONE,
	POP_EQ,
	POP_NEQ,
	POP_GT,
	POP_GTE,
	POP_LT,
	POP_LTE,
	POP_LIKE,
	POP_ILIKE,
	POP_IN,
	POP_IS
} PairOp;

static const struct
{
	const char *name;
	PairOp		op;
}			pair_ops[] =
{
	{"eq", POP_EQ},
	{"neq", POP_NEQ},
	{"gt", POP_GT},
	{"gte", POP_GTE},
	{"lt", POP_LT},
	{"lte", POP_LTE},
	{"like", POP_LIKE},
	{"ilike", POP_ILIKE},
	{"in", POP_IN},
	{"is", POP_IS}
};

/* State of one parse. */
typedef struct PairsParser
{
	FilterAlloc *a;
	const char *s;
	size_t		len;
	FilterError *err;
	const char *where;			/* "the filter", "the value for key \"k\"" */
	int			depth;			/* logic trees around the current one */
	size_t		cur_off;		/* character position cache */
	int			cur_pos;
} PairsParser;

/* A growable array of nodes in filter memory. */
typedef struct NodeVec
{
	FilterNode **items;
	size_t		n;
	size_t		cap;
} NodeVec;

/* A growable array of values in filter memory. */
typedef struct ValueVec
{
	FilterValue *items;
	size_t		n;
	size_t		cap;
} ValueVec;

static bool syntax_error(PairsParser *pp, size_t start, size_t end,
						 const char *hint, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));
static bool value_error(PairsParser *pp, size_t off, const char *hint,
						const char *message, const char *fmt,...)
			__attribute__((format(printf, 5, 6)));
static FilterNode *parse_tree(PairsParser *pp, size_t *pos, bool is_or, bool negated);

/* Grow an array of elements of size elem to hold one more; returns it. */
static void *
grow(FilterAlloc *a, void *items, size_t n, size_t *cap, size_t elem)
{
	void	   *bigger;

	if (n < *cap)
		return items;
	*cap = *cap == 0 ? 4 : *cap * 2;
	bigger = filter_alloc(a, *cap * elem);
	if (n > 0)
		memcpy(bigger, items, n * elem);
	return bigger;
}

/* Append a node. */
static void
nodevec_push(FilterAlloc *a, NodeVec *v, FilterNode *node)
{
	v->items = grow(a, v->items, v->n, &v->cap, sizeof(FilterNode *));
	v->items[v->n++] = node;
}

/* Append a value. */
static void
valuevec_push(FilterAlloc *a, ValueVec *v, const FilterValue *value)
{
	v->items = grow(a, v->items, v->n, &v->cap, sizeof(FilterValue));
	v->items[v->n++] = *value;
}

/* Is c whitespace? */
static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}


/* The 1-based character position of byte offset off. */
static int
char_pos(PairsParser *pp, size_t off)
{
	if (off < pp->cur_off)
	{
		pp->cur_off = 0;
		pp->cur_pos = 1;
	}
	while (pp->cur_off < off && pp->cur_off < pp->len)
	{
		if (((unsigned char) pp->s[pp->cur_off] & 0xC0) != 0x80)
			pp->cur_pos++;
		pp->cur_off++;
	}
	return pp->cur_pos;
}

/*
 * Report a syntax error at s[start..end): the message quotes that text, or
 * says "at end of filter" when start is the end; the detail says where.
 */
static bool
syntax_error(PairsParser *pp, size_t start, size_t end, const char *hint,
			 const char *fmt,...)
{
	char		detail[sizeof(pp->err->detail)];
	char		token[FILTER_CLIP_BUF];
	int			pos = char_pos(pp, start);
	va_list		args;

	va_start(args, fmt);
	vsnprintf(detail, sizeof(detail), fmt, args);
	va_end(args);
	if (start >= pp->len)
		filter_error(pp->err, FILTER_ERR_SYNTAX, pos, hint,
					 "syntax error at end of filter");
	else
	{
		if (end <= start)
			end = start + filter_utf8_char_len((unsigned char) pp->s[start]);
		if (end > pp->len)
			end = pp->len;
		filter_error(pp->err, FILTER_ERR_SYNTAX, pos, hint,
					 "syntax error at or near \"%s\" in filter",
					 filter_clip(token, pp->s + start, end - start));
	}
	filter_error_detail(pp->err, "At character %d of %s: %s", pos, pp->where, detail);
	return false;
}

/* Report a wrong value at byte offset off with its own message. */
static bool
value_error(PairsParser *pp, size_t off, const char *hint, const char *message,
			const char *fmt,...)
{
	char		detail[sizeof(pp->err->detail)];
	int			pos = char_pos(pp, off);
	va_list		args;

	va_start(args, fmt);
	vsnprintf(detail, sizeof(detail), fmt, args);
	va_end(args);
	filter_error(pp->err, FILTER_ERR_VALUE, pos, hint, "%s", message);
	filter_error_detail(pp->err, "At character %d of %s: %s", pos, pp->where, detail);
	return false;
}

/* The nesting error, at byte offset off. */
static bool
depth_error(PairsParser *pp, size_t off)
{
	filter_error(pp->err, FILTER_ERR_LIMIT, char_pos(pp, off), NULL,
				 "filter is nested too deeply");
	filter_error_detail(pp->err, "The maximum nesting depth is %d.", FILTER_MAX_DEPTH);
	return false;
}

/* Report the first byte of s that is not valid UTF-8 (or a NUL byte). */
static bool
utf8_error(PairsParser *pp)
{
	size_t		i = 0;

	while (i < pp->len)
	{
		unsigned char c = (unsigned char) pp->s[i];
		size_t		n = (c >= 0x80 && c < 0xC0) ? 1 : filter_utf8_char_len(c);

		if (i + n > pp->len || !filter_utf8_valid(pp->s + i, n))
			break;
		i += n;
	}
	if (pp->s[i] == '\0')
		return value_error(pp, i, "Filters are text in UTF-8.",
						   "filter is not valid UTF-8",
						   "the filter contains a NUL byte.");
	return value_error(pp, i, "Filters are text in UTF-8.",
					   "filter is not valid UTF-8",
					   "the byte 0x%02x does not start a valid UTF-8 character.",
					   (unsigned char) pp->s[i]);
}

/* Start a parse of s; false with err set when s is not valid UTF-8. */
static bool
pairs_init(PairsParser *pp, FilterAlloc *a, const char *s, size_t len,
		   const char *where, FilterError *err)
{
	memset(err, 0, sizeof(*err));
	memset(pp, 0, sizeof(*pp));
	pp->a = a;
	pp->s = s;
	pp->len = len;
	pp->err = err;
	pp->where = where;
	pp->cur_pos = 1;
	if (!filter_utf8_valid(s, len))
		return utf8_error(pp);
	return true;
}

/* Does s[i..) start with the NUL-terminated word w? */
static bool
starts_with(const PairsParser *pp, size_t i, const char *w)
{
	size_t		n = strlen(w);

	return i <= pp->len && pp->len - i >= n && memcmp(pp->s + i, w, n) == 0;
}

/* Is s[i..j) exactly the NUL-terminated word w? */
static bool
span_is(const PairsParser *pp, size_t i, size_t j, const char *w)
{
	return j - i == strlen(w) && memcmp(pp->s + i, w, j - i) == 0;
}

/* The operator that s[0..len) names, or POP_NONE. */
static PairOp
pair_op(const char *s, size_t len)
{
	size_t		k;

	for (k = 0; k < sizeof(pair_ops) / sizeof(pair_ops[0]); k++)
		if (strlen(pair_ops[k].name) == len && memcmp(pair_ops[k].name, s, len) == 0)
			return pair_ops[k].op;
	return POP_NONE;
}

/* Does c end a value in this mode? */
static inline bool
ends_value(char c, PairEnd mode)
{
	if (mode == END_PAIR)
		return c == '&';
	if (mode == END_TREE)
		return c == ',' || c == ')';
	return false;
}

/* The end of the operator word at s[i]: the next ".", "(" or value end. */
static size_t
word_end(const PairsParser *pp, size_t i, PairEnd mode)
{
	while (i < pp->len && pp->s[i] != '.' && pp->s[i] != '(' && !ends_value(pp->s[i], mode))
		i++;
	return i;
}

/*
 * The pair or condition starting at s[start], clipped, for messages; an
 * empty string for END_ALL (the caller names the key).
 */
static const char *
context_text(const PairsParser *pp, size_t start, PairEnd mode, char *buf)
{
	size_t		end = start;

	if (mode == END_ALL)
		return "";
	if (mode == END_PAIR)
		while (end < pp->len && pp->s[end] != '&')
			end++;
	else
		while (end < pp->len && pp->s[end] != ',' && pp->s[end] != ')')
			end++;
	return filter_clip(buf, pp->s + start, end - start);
}

/* " in the pair "...""-style phrase for messages. */
static const char *
context_phrase(const PairsParser *pp, size_t start, PairEnd mode, char *buf,
			   size_t bufsize)
{
	char		text[FILTER_CLIP_BUF];

	if (mode == END_ALL)
		buf[0] = '\0';
	else
		snprintf(buf, bufsize, " in the %s \"%s\"",
				 mode == END_PAIR ? "pair" : "condition",
				 context_text(pp, start, mode, text));
	return buf;
}

/* Parse a flat key s[start..start+len) into key; at says where it is. */
static bool
parse_key(PairsParser *pp, const char *text, size_t len, size_t at, FilterKey *key)
{
	char		clipped[FILTER_CLIP_BUF];

	if (filter_key_parse(pp->a, text, len, false, key, pp->err))
		return true;
	pp->err->position = char_pos(pp, at);
	filter_error_detail(pp->err, "At character %d of %s: the key \"%s\" is not a valid flat key.",
						pp->err->position, pp->where, filter_clip(clipped, text, len));
	return false;
}

/*
 * Read a double-quoted string at s[*pos] (the opening quote) into out;
 * \" and \\ are the only escapes.  *pos ends after the closing quote.
 */
static bool
parse_quoted(PairsParser *pp, size_t *pos, FilterBuf *out)
{
	const char *s = pp->s;
	size_t		start = *pos,
				i = start + 1;

	filter_buf_init(out, pp->a);
	for (;;)
	{
		if (i >= pp->len)
			return syntax_error(pp, start, pp->len, HINT_QUOTE,
								"the quoted text is not terminated.");
		if (s[i] == '"')
			break;
		if (s[i] == '\\')
		{
			if (i + 1 < pp->len && (s[i + 1] == '"' || s[i + 1] == '\\'))
			{
				filter_buf_appendc(out, s[i + 1]);
				i += 2;
				continue;
			}
			if (i + 1 >= pp->len)
				return syntax_error(pp, start, pp->len, HINT_QUOTE,
									"the quoted text is not terminated.");
			{
				char		text[FILTER_CLIP_BUF];
				size_t		end = i + 1 + filter_utf8_char_len((unsigned char) s[i + 1]);

				return syntax_error(pp, i, end, HINT_QUOTE,
									"\"%s\" is not a valid escape inside double quotes.",
									filter_clip(text, s + i, end - i));
			}
		}
		filter_buf_appendc(out, s[i++]);
	}
	*pos = i + 1;
	return true;
}

/* A loose string value; for like and ilike "*" becomes "%". */
static void
loose_value(PairsParser *pp, const char *s, size_t len, bool like, FilterValue *out)
{
	memset(out, 0, sizeof(*out));
	filter_value_string(pp->a, s, len, true, out);
	if (like)
	{
		char	   *p = (char *) out->str;
		size_t		i;

		for (i = 0; i < len; i++)
			if (p[i] == '*')
				p[i] = '%';
	}
}

/* Read in.(...) at s[*pos], the "(", into node->values. */
static bool
parse_in_list(PairsParser *pp, size_t *pos, FilterNode *node)
{
	const char *s = pp->s;
	size_t		open = *pos,
				i = open + 1;
	ValueVec	vec = {NULL, 0, 0};
	FilterValue v;

	if (i < pp->len && s[i] == ')')
		i++;
	else
	{
		for (;;)
		{
			if (i < pp->len && s[i] == '"')
			{
				FilterBuf	buf;

				if (!parse_quoted(pp, &i, &buf))
					return false;
				loose_value(pp, buf.data, buf.len, false, &v);
				if (i < pp->len && s[i] != ',' && s[i] != ')')
					return syntax_error(pp, i, i, HINT_LIST,
										"expected \",\" or \")\" after the quoted value in the list.");
			}
			else
			{
				size_t		j = i;

				while (j < pp->len && s[j] != ',' && s[j] != ')')
					j++;
				if (j == i && j < pp->len)
					return syntax_error(pp, i, i, HINT_LIST,
										"empty value in the list; write \"\" for an empty string.");
				loose_value(pp, s + i, j - i, false, &v);
				i = j;
			}
			valuevec_push(pp->a, &vec, &v);
			if (i >= pp->len)
				return syntax_error(pp, i, i, HINT_LIST,
									"expected \",\" or \")\" to close the list at character %d.",
									char_pos(pp, open));
			if (s[i] == ')')
			{
				i++;
				break;
			}
			i++;				/* the comma */
		}
	}
	node->values = vec.items;
	node->nvalues = (int) vec.n;
	*pos = i;
	return true;
}

/*
 * Parse [not.]op.value at s[*pos] for key; mode says where the value ends,
 * start is where the pair or condition starts.  *pos ends after the value.
 */
static FilterNode *
parse_op_value(PairsParser *pp, size_t *pos, const FilterKey *key, PairEnd mode,
			   size_t start)
{
	const char *s = pp->s;
	size_t		i = *pos,
				w = word_end(pp, i, mode);
	bool		negate = false;
	PairOp		op;
	FilterNode *node;
	char		text[FILTER_CLIP_BUF],
				where[FILTER_CLIP_BUF + 32];

	if (span_is(pp, i, w, "not") && w < pp->len && s[w] == '.')
	{
		negate = true;
		i = w + 1;
		w = word_end(pp, i, mode);
		if (span_is(pp, i, w, "not"))
		{
			syntax_error(pp, i, w, HINT_NOT, "not. is written twice%s.",
						 context_phrase(pp, start, mode, where, sizeof(where)));
			return NULL;
		}
	}
	op = pair_op(s + i, w - i);
	if (op == POP_NONE && span_is(pp, i, w, "not"))
	{
		syntax_error(pp, w, w, HINT_NOT, "expected \".\" and an operator after \"not\"%s.",
					 context_phrase(pp, start, mode, where, sizeof(where)));
		return NULL;
	}
	if (op == POP_NONE)
	{
		if (w == i)
			syntax_error(pp, i, i, HINT_OPS, "expected an operator%s.",
						 context_phrase(pp, start, mode, where, sizeof(where)));
		else
		{
			char		message[FILTER_CLIP_BUF + 64];

			snprintf(message, sizeof(message), "unknown filter operator \"%s\"",
					 filter_clip(text, s + i, w - i));
			value_error(pp, i, HINT_OPS, message, "\"%s\"%s is not an operator.", text,
						context_phrase(pp, start, mode, where, sizeof(where)));
		}
		return NULL;
	}
	if (w >= pp->len || s[w] != '.')
	{
		syntax_error(pp, w, w, op == POP_IN ? HINT_LIST : mode == END_TREE ? HINT_TREE :
					 mode == END_PAIR ? HINT_PAIRS : HINT_VALUE,
					 "expected \".\" after the operator \"%s\"%s.",
					 filter_clip(text, s + i, w - i),
					 context_phrase(pp, start, mode, where, sizeof(where)));
		return NULL;
	}
	i = w + 1;
	node = filter_node(pp->a, FOP_EQ);
	node->key = *key;
	node->position = mode == END_ALL ? 0 : char_pos(pp, start);
	if (op == POP_IN)
	{
		node->op = FOP_IN;
		if (i >= pp->len || s[i] != '(')
		{
			syntax_error(pp, i, word_end(pp, i, mode), HINT_LIST,
						 "expected \"(\" after \"in.\"%s.",
						 context_phrase(pp, start, mode, where, sizeof(where)));
			return NULL;
		}
		if (!parse_in_list(pp, &i, node))
			return NULL;
	}
	else if (op == POP_IS)
	{
		size_t		e = i;
		static const char *const words[] = {"null", "unknown", "not_null", "true", "false"};
		int			k,
					found = -1;

		while (e < pp->len && !ends_value(s[e], mode))
			e++;
		for (k = 0; k < 5; k++)
		{
			size_t		n = strlen(words[k]),
						c;

			if (e - i != n)
				continue;
			for (c = 0; c < n; c++)
				if (((s[i + c] >= 'A' && s[i + c] <= 'Z') ? s[i + c] + 32 : s[i + c]) != words[k][c])
					break;
			if (c == n)
				found = k;
		}
		if (found < 0)
		{
			value_error(pp, i, HINT_IS, "invalid value after \"is.\" in filter",
						"\"%s\"%s is not one of null, not_null, true, false and unknown.",
						filter_clip(text, s + i, e - i),
						context_phrase(pp, start, mode, where, sizeof(where)));
			return NULL;
		}
		node->op = found <= 2 ? FOP_IS_NULL : found == 3 ? FOP_IS_TRUE : FOP_IS_FALSE;
		if (found == 2)
			node = filter_not(pp->a, node);
		i = e;
	}
	else
	{
		static const FilterOp ops[] = {FOP_TRUE, FOP_EQ, FOP_NE, FOP_GT, FOP_GE,
		FOP_LT, FOP_LE, FOP_LIKE, FOP_ILIKE};
		bool		like = op == POP_LIKE || op == POP_ILIKE;

		node->op = ops[op];
		node->nvalues = 1;
		node->values = filter_alloc(pp->a, sizeof(FilterValue));
		if (mode == END_TREE && i < pp->len && s[i] == '"')
		{
			FilterBuf	buf;

			if (!parse_quoted(pp, &i, &buf))
				return NULL;
			if (i < pp->len && s[i] != ',' && s[i] != ')')
			{
				syntax_error(pp, i, i, HINT_TREE,
							 "expected \",\" or \")\" after the quoted value%s.",
							 context_phrase(pp, start, mode, where, sizeof(where)));
				return NULL;
			}
			loose_value(pp, buf.data, buf.len, like, &node->values[0]);
		}
		else
		{
			size_t		e = i;

			while (e < pp->len && !ends_value(s[e], mode))
				e++;
			loose_value(pp, s + i, e - i, like, &node->values[0]);
			i = e;
		}
	}
	*pos = i;
	return negate ? filter_not(pp->a, node) : node;
}

/* The end of the key segment at s[i]: the next unescaped ".", ",", "(", ")". */
static size_t
segment_end(const PairsParser *pp, size_t i)
{
	while (i < pp->len && pp->s[i] != '.' && pp->s[i] != ',' &&
		   pp->s[i] != '(' && pp->s[i] != ')')
		i += (pp->s[i] == '\\' && i + 1 < pp->len) ? 2 : 1;
	return i;
}

/* Does the key segment s[i..j) start the operator of a condition? */
static bool
starts_operator(const PairsParser *pp, size_t i, size_t j)
{
	if (pair_op(pp->s + i, j - i) != POP_NONE)
		return true;
	if (span_is(pp, i, j, "not") && j < pp->len && pp->s[j] == '.')
	{
		size_t		k = segment_end(pp, j + 1);

		return pair_op(pp->s + j + 1, k - j - 1) != POP_NONE;
	}
	return false;
}

/* One condition of a logic tree at s[*pos]. */
static FilterNode *
parse_condition(PairsParser *pp, size_t *pos)
{
	const char *s = pp->s;
	size_t		start = *pos,
				i = start;
	bool		negated = false;
	FilterKey	key;
	FilterNode *node;
	char		text[FILTER_CLIP_BUF];

	if (starts_with(pp, i, "not."))
	{
		negated = true;
		i += 4;
	}
	if (starts_with(pp, i, "or("))
	{
		i += 2;
		node = parse_tree(pp, &i, true, negated);
		*pos = i;
		return node;
	}
	if (starts_with(pp, i, "and("))
	{
		i += 3;
		node = parse_tree(pp, &i, false, negated);
		*pos = i;
		return node;
	}
	if (i < pp->len && s[i] == '"')
	{
		FilterBuf	buf;
		size_t		q = i;

		if (!parse_quoted(pp, &i, &buf))
			return NULL;
		if (i >= pp->len || s[i] != '.')
		{
			syntax_error(pp, i, i, HINT_TREE,
						 "expected \".\" and an operator after the quoted key.");
			return NULL;
		}
		if (!parse_key(pp, buf.data, buf.len, q, &key))
			return NULL;
		i++;
	}
	else
	{
		size_t		key_start = i,
					seg;

		for (;;)
		{
			seg = i;
			i = segment_end(pp, i);
			if (starts_operator(pp, seg, i))
				break;
			if (i >= pp->len || s[i] != '.')
			{
				if (i < pp->len && s[i] == '(' && seg == key_start)
					syntax_error(pp, seg, i, HINT_TREE,
								 "\"%s\" is not a logic operator; nested conditions are written or(...) and and(...).",
								 filter_clip(text, s + seg, i - seg));
				else if (i == key_start)
					syntax_error(pp, i, i, HINT_TREE, "expected a condition.");
				else
					syntax_error(pp, key_start, i, HINT_COND,
								 "the condition \"%s\" has no operator.",
								 filter_clip(text, s + key_start, i - key_start));
				return NULL;
			}
			i++;
		}
		if (seg == key_start)
		{
			syntax_error(pp, seg, i, HINT_TREE, "expected a key before the operator.");
			return NULL;
		}
		if (!parse_key(pp, s + key_start, seg - 1 - key_start, key_start, &key))
			return NULL;
		i = seg;
	}
	node = parse_op_value(pp, &i, &key, END_TREE, start);
	if (!node)
		return NULL;
	*pos = i;
	return negated ? filter_not(pp->a, node) : node;
}

/* Skip whitespace at s[*pos]. */
static void
skip_space(const PairsParser *pp, size_t *pos)
{
	while (*pos < pp->len && is_space(pp->s[*pos]))
		(*pos)++;
}

/* A logic tree (cond, ...) at s[*pos], the "("; *pos ends after ")". */
static FilterNode *
parse_tree(PairsParser *pp, size_t *pos, bool is_or, bool negated)
{
	const char *s = pp->s;
	size_t		open = *pos,
				i = open + 1;
	NodeVec		args = {NULL, 0, 0};
	FilterNode *node;

	if (open >= pp->len || s[open] != '(')
	{
		syntax_error(pp, open, open, HINT_TREE, "expected \"(\" to start a logic tree.");
		return NULL;
	}
	if (++pp->depth > FILTER_MAX_DEPTH)
	{
		depth_error(pp, open);
		return NULL;
	}
	skip_space(pp, &i);
	for (;;)
	{
		if (i >= pp->len || s[i] == ')' || s[i] == ',')
		{
			syntax_error(pp, i, i, HINT_TREE, "expected a condition after \"%c\".",
						 args.n == 0 ? '(' : ',');
			return NULL;
		}
		node = parse_condition(pp, &i);
		if (!node)
			return NULL;
		nodevec_push(pp->a, &args, node);
		skip_space(pp, &i);
		if (i < pp->len && s[i] == ',')
		{
			i++;
			skip_space(pp, &i);
			continue;
		}
		if (i < pp->len && s[i] == ')')
		{
			i++;
			break;
		}
		syntax_error(pp, i, i, HINT_TREE,
					 "expected \",\" or \")\" to close the \"(\" at character %d.",
					 char_pos(pp, open));
		return NULL;
	}
	pp->depth--;
	*pos = i;
	node = args.n == 1 ? args.items[0] :
		filter_logic(pp->a, is_or ? FOP_OR : FOP_AND, args.items, (int) args.n);
	return negated ? filter_not(pp->a, node) : node;
}

/* Is s[i..j) one of or, and, not.or, not.and (and which)? */
static bool
logic_key(const PairsParser *pp, size_t i, size_t j, bool *is_or, bool *negated)
{
	*negated = false;
	if (j - i > 4 && memcmp(pp->s + i, "not.", 4) == 0)
	{
		*negated = true;
		i += 4;
	}
	*is_or = span_is(pp, i, j, "or");
	return *is_or || span_is(pp, i, j, "and");
}

/*
 * Parse PostgREST-style pairs: key=op.value&...&or=(...).  Every pair must
 * match.  Empty text is TRUE.
 */
FilterNode *
filter_parse_pairs(FilterAlloc *a, const char *s, size_t len, FilterError *err)
{
	PairsParser pp;
	NodeVec		args = {NULL, 0, 0};
	size_t		i = 0;

	if (!pairs_init(&pp, a, s, len, "the filter", err))
		return NULL;
	if (len == 0)
		return filter_node(a, FOP_TRUE);
	for (;;)
	{
		size_t		start = i,
					eq = i,
					v;
		bool		is_or,
					negated;
		FilterNode *node;
		char		text[FILTER_CLIP_BUF];

		while (eq < len && s[eq] != '=' && s[eq] != '&')
			eq++;
		if (eq == start && (eq == len || s[eq] == '&'))
		{
			if (start > 0)
				syntax_error(&pp, eq, eq, HINT_PAIRS, "expected a pair after \"&\".");
			else
				syntax_error(&pp, eq, eq, HINT_PAIRS, "expected a pair before \"&\".");
			return NULL;
		}
		if (eq == len || s[eq] == '&')
		{
			syntax_error(&pp, start, eq, HINT_PAIRS, "the pair \"%s\" has no \"=\".",
						 filter_clip(text, s + start, eq - start));
			return NULL;
		}
		if (eq == start)
		{
			syntax_error(&pp, eq, eq, HINT_PAIRS, "the pair \"%s\" has no key.",
						 context_text(&pp, start, END_PAIR, text));
			return NULL;
		}
		v = eq + 1;
		if (logic_key(&pp, start, eq, &is_or, &negated) &&
			!(v < len && s[v] != '(' && starts_operator(&pp, v, word_end(&pp, v, END_PAIR))))
		{
			if (v >= len || s[v] != '(')
			{
				syntax_error(&pp, v, word_end(&pp, v, END_PAIR), HINT_TREE,
							 "expected \"(\" after \"%s\".",
							 filter_clip(text, s + start, v - start));
				return NULL;
			}
			node = parse_tree(&pp, &v, is_or, negated);
			if (!node)
				return NULL;
			if (v < len && s[v] != '&')
			{
				syntax_error(&pp, v, v, HINT_PAIRS,
							 "expected \"&\" or the end of the filter after the logic tree.");
				return NULL;
			}
		}
		else
		{
			FilterKey	key;

			if (!parse_key(&pp, s + start, eq - start, start, &key))
				return NULL;
			node = parse_op_value(&pp, &v, &key, END_PAIR, start);
			if (!node)
				return NULL;
			if (v < len && s[v] != '&')
			{
				syntax_error(&pp, v, v, HINT_PAIRS,
							 "expected \"&\" or the end of the filter after the list.");
				return NULL;
			}
		}
		nodevec_push(a, &args, node);
		if (v >= len)
			break;
		i = v + 1;
		if (i >= len)
		{
			syntax_error(&pp, i, i, HINT_PAIRS, "expected a pair after \"&\".");
			return NULL;
		}
	}
	return filter_check_depth(pp.err, filter_normalize(a, filter_logic(a, FOP_AND, args.items, (int) args.n)));
}

/* The "the value for key \"k\"" phrase of the JSON form's messages. */
static const char *
value_where(FilterAlloc *a, const char *key)
{
	char		text[FILTER_CLIP_BUF];
	FilterBuf	buf;

	filter_buf_init(&buf, a);
	filter_buf_printf(&buf, "the value for key \"%s\"", filter_clip(text, key, strlen(key)));
	return buf.data;
}

/*
 * Parse the op.value of one pair, [not.]op.value, for a key given apart
 * (the JSON form {"key": "eq.v"}).  The whole text is the value.
 */
FilterNode *
filter_parse_pair(FilterAlloc *a, const FilterKey *key, const char *s, size_t len,
				  FilterError *err)
{
	PairsParser pp;
	FilterNode *node;
	size_t		i = 0;

	if (!pairs_init(&pp, a, s, len, value_where(a, key->text ? key->text : ""), err))
		return NULL;
	node = parse_op_value(&pp, &i, key, END_ALL, 0);
	if (!node)
		return NULL;
	if (i < len)
	{
		syntax_error(&pp, i, i, HINT_LIST, "expected the end of the value after the list.");
		return NULL;
	}
	return filter_normalize(a, node);
}

/*
 * Parse the (cond, ...) of an or/and (not.or, not.and when negated) given
 * apart, as in the JSON form {"or": "(a.eq.1,b.eq.2)"}.
 */
FilterNode *
filter_parse_logic_tree(FilterAlloc *a, bool is_or, bool negated, const char *s,
						size_t len, FilterError *err)
{
	PairsParser pp;
	FilterNode *node;
	size_t		i = 0;
	const char *name = negated ? (is_or ? "not.or" : "not.and") : (is_or ? "or" : "and");

	if (!pairs_init(&pp, a, s, len, value_where(a, name), err))
		return NULL;
	skip_space(&pp, &i);
	node = parse_tree(&pp, &i, is_or, negated);
	if (!node)
		return NULL;
	skip_space(&pp, &i);
	if (i < len)
	{
		syntax_error(&pp, i, i, HINT_TREE, "expected the end of the value after the logic tree.");
		return NULL;
	}
	return filter_check_depth(pp.err, filter_normalize(a, node));
}

/*
 * Is text in the pairs dialect rather than the flowthings language?  It is
 * when it starts with or=(, and=(, not.or=( or not.and=(, or with KEY= where
 * KEY has no whitespace, quotes, parentheses or any of =!<>~&| and the "="
 * is followed by an operator name and a dot (or not.).
 */
bool
filter_text_is_pairs(const char *s, size_t len)
{
	static const char *const trees[] = {"or=(", "and=(", "not.or=(", "not.and=("};
	size_t		k,
				i,
				w;

	for (k = 0; k < 4; k++)
	{
		size_t		n = strlen(trees[k]);

		if (len >= n && memcmp(s, trees[k], n) == 0)
			return true;
	}
	for (i = 0; i < len && s[i] != '='; i++)
		if (is_space(s[i]) || strchr("\"'`()!<>~&|", s[i]) != NULL)
			return false;
	if (i == 0 || i == len)
		return false;
	for (w = i + 1; w < len && s[w] >= 'a' && s[w] <= 'z'; w++)
		;
	if (w >= len || s[w] != '.')
		return false;
	return pair_op(s + i + 1, w - i - 1) != POP_NONE ||
		(w - i - 1 == 3 && memcmp(s + i + 1, "not", 3) == 0);
}

/* Parse text of either text dialect; *dialect says which it was. */
FilterNode *
filter_parse_any_text(FilterAlloc *a, const char *s, size_t len,
					  FilterDialect *dialect, FilterError *err)
{
	bool		pairs = filter_text_is_pairs(s, len);

	if (dialect)
		*dialect = pairs ? FILTER_DIALECT_PAIRS : FILTER_DIALECT_TEXT;
	if (pairs)
		return filter_parse_pairs(a, s, len, err);
	return filter_parse_text(a, s, len, err);
}
