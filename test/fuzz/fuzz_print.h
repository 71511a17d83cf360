/*-------------------------------------------------------------------------
 *
 * fuzz_print.h
 *	  Print filter trees back into the two text dialects, for the
 *	  round-trip property of the fuzzers: parsing the printed text must
 *	  give the same tree again.
 *
 * Every member segment is written in backquotes and every string in
 * quotes, so the printed text never depends on what a name or value
 * holds.  Parentheses (and nested logic trees) are only written where the
 * tree needs them, so the printed text is nested no deeper than the input
 * was.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_print.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_FUZZ_PRINT_H
#define PODREC_FUZZ_PRINT_H

#include <string.h>

#include "filter.h"

/* A member of the text language: `seg`.`seg`, backquotes doubled. */
static inline void
text_key(FilterBuf *b, const FilterKey *k)
{
	int			i,
				j;

	for (i = 0; i < k->nsegs; i++)
	{
		if (i > 0)
			filter_buf_appendc(b, '.');
		filter_buf_appendc(b, '`');
		for (j = 0; j < k->segs[i].len; j++)
		{
			if (k->segs[i].s[j] == '`')
				filter_buf_appendc(b, '`');
			filter_buf_appendc(b, k->segs[i].s[j]);
		}
		filter_buf_appendc(b, '`');
	}
}

/* A quoted string of the text language. */
static inline void
text_string(FilterBuf *b, const char *s, size_t len, char quote)
{
	size_t		i;

	filter_buf_appendc(b, quote);
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == (unsigned char) quote || c == '\\')
		{
			filter_buf_appendc(b, '\\');
			filter_buf_appendc(b, (char) c);
		}
		else if (c < 0x20)
			filter_buf_printf(b, "\\u%04x", c);
		else
			filter_buf_appendc(b, (char) c);
	}
	filter_buf_appendc(b, quote);
}

/* A literal of the text language. */
static inline void
text_value(FilterBuf *b, const FilterValue *v)
{
	switch (v->type)
	{
		case FV_NULL:
			filter_buf_appends(b, "null");
			break;
		case FV_BOOL:
			filter_buf_appends(b, v->boolean ? "true" : "false");
			break;
		case FV_NUMBER:
			filter_buf_append(b, v->str, (size_t) v->len);
			break;
		case FV_STRING:
			text_string(b, v->str, (size_t) v->len, '"');
			break;
		case FV_TIME:
			filter_buf_printf(b, "Date(%lld)", (long long) v->ms);
			break;
	}
}

/* The text-language spelling of a comparison. */
static inline const char *
text_cmp(FilterOp op)
{
	switch (op)
	{
		case FOP_EQ:
			return "==";
		case FOP_NE:
			return "!=";
		case FOP_LT:
			return "<";
		case FOP_LE:
			return "<=";
		case FOP_GT:
			return ">";
		case FOP_GE:
			return ">=";
		default:
			return "?";
	}
}

/* A regular expression literal: "/" escaped, other backslash pairs kept. */
static inline void
text_regex(FilterBuf *b, const FilterNode *n)
{
	int			i;

	filter_buf_appendc(b, '/');
	for (i = 0; i < n->patlen; i++)
	{
		if (n->pattern[i] == '\\' && i + 1 < n->patlen)
		{
			filter_buf_append(b, n->pattern + i, 2);
			i++;
		}
		else if (n->pattern[i] == '/')
			filter_buf_appends(b, "\\/");
		else
			filter_buf_appendc(b, n->pattern[i]);
	}
	filter_buf_appendc(b, '/');
	filter_buf_appends(b, n->flags);
}

/* A list [v, ...]. */
static inline void
text_list(FilterBuf *b, const FilterNode *n)
{
	int			i;

	filter_buf_appendc(b, '[');
	for (i = 0; i < n->nvalues; i++)
	{
		if (i > 0)
			filter_buf_appends(b, ", ");
		text_value(b, &n->values[i]);
	}
	filter_buf_appendc(b, ']');
}

static inline void text_node(FilterBuf *b, const FilterNode *n);

/* A node that must be one unit in its context: parenthesized when logic. */
static inline void
text_operand(FilterBuf *b, const FilterNode *n, FilterOp needs_parens)
{
	bool		parens = n->op == needs_parens ||
		(needs_parens == FOP_NOT && (n->op == FOP_AND || n->op == FOP_OR));

	if (parens)
		filter_buf_appendc(b, '(');
	text_node(b, n);
	if (parens)
		filter_buf_appendc(b, ')');
}

/* A tree in the flowthings language. */
static inline void
text_node(FilterBuf *b, const FilterNode *n)
{
	int			i;

	switch (n->op)
	{
		case FOP_TRUE:
			break;
		case FOP_AND:
		case FOP_OR:
			for (i = 0; i < n->nargs; i++)
			{
				if (i > 0)
					filter_buf_appends(b, n->op == FOP_AND ? " && " : " || ");
				text_operand(b, n->args[i], n->op == FOP_AND ? FOP_OR : FOP_TRUE);
			}
			break;
		case FOP_NOT:
			filter_buf_appends(b, "NOT ");
			text_operand(b, n->args[0], FOP_NOT);
			break;
		case FOP_EQ:
		case FOP_NE:
		case FOP_LT:
		case FOP_LE:
		case FOP_GT:
		case FOP_GE:
			text_key(b, &n->key);
			filter_buf_printf(b, " %s ", text_cmp(n->op));
			if (n->has_key2)
				text_key(b, &n->key2);
			else
				text_value(b, &n->values[0]);
			break;
		case FOP_IN:
		case FOP_CONTAINS_ALL:
			text_key(b, &n->key);
			filter_buf_appends(b, n->op == FOP_IN ? " IN " : " CONTAINS ");
			text_list(b, n);
			break;
		case FOP_REGEX:
			if (n->key.nsegs > 0)
			{
				text_key(b, &n->key);
				filter_buf_appends(b, " =~ ");
			}
			else
				filter_buf_appends(b, "MATCHES ");
			text_regex(b, n);
			break;
		case FOP_EXISTS:
			filter_buf_appends(b, "EXISTS ");
			text_key(b, &n->key);
			break;
		case FOP_MOD:
			text_key(b, &n->key);
			filter_buf_appends(b, " % ");
			text_value(b, &n->values[0]);
			filter_buf_printf(b, " %s ", text_cmp(n->cmp));
			text_value(b, &n->values[1]);
			break;
		case FOP_WITHIN:
			text_key(b, &n->key);
			filter_buf_appends(b, " WITHIN ");
			text_value(b, &n->values[0]);
			filter_buf_appends(b, n->unit == FILTER_UNIT_KM ? " KM OF [" : " MILES OF [");
			text_value(b, &n->values[1]);
			filter_buf_appends(b, ", ");
			text_value(b, &n->values[2]);
			filter_buf_appendc(b, ']');
			break;
		case FOP_AGE:
			filter_buf_appends(b, "AGE");
			if (n->key.nsegs > 0)
			{
				FilterBuf	key;

				filter_buf_init(&key, b->a);
				filter_key_append_text(&key, &n->key);
				filter_buf_appends(b, " (");
				text_string(b, key.data, key.len, '\'');
				filter_buf_appendc(b, ')');
			}
			filter_buf_printf(b, " %s ", text_cmp(n->cmp));
			text_value(b, &n->values[0]);
			break;
		default:
			filter_buf_printf(b, "<%s cannot be written in the text language>",
							  filter_op_name(n->op));
	}
}

/* A double-quoted string of the pairs dialect. */
static inline void
pairs_quoted(FilterBuf *b, const char *s, size_t len)
{
	size_t		i;

	filter_buf_appendc(b, '"');
	for (i = 0; i < len; i++)
	{
		if (s[i] == '"' || s[i] == '\\')
			filter_buf_appendc(b, '\\');
		filter_buf_appendc(b, s[i]);
	}
	filter_buf_appendc(b, '"');
}

/* One atom of a logic tree: "key".[not.]op.value. */
static inline void
pairs_atom(FilterBuf *b, const FilterNode *n, bool negated)
{
	FilterBuf	key;
	int			i;
	const char *op = "?";

	filter_buf_init(&key, b->a);
	filter_key_append_text(&key, &n->key);
	pairs_quoted(b, key.data, key.len);
	filter_buf_appends(b, negated ? ".not." : ".");
	switch (n->op)
	{
		case FOP_EQ:
			op = "eq";
			break;
		case FOP_NE:
			op = "neq";
			break;
		case FOP_GT:
			op = "gt";
			break;
		case FOP_GE:
			op = "gte";
			break;
		case FOP_LT:
			op = "lt";
			break;
		case FOP_LE:
			op = "lte";
			break;
		case FOP_LIKE:
			op = "like";
			break;
		case FOP_ILIKE:
			op = "ilike";
			break;
		case FOP_IN:
			filter_buf_appends(b, "in.(");
			for (i = 0; i < n->nvalues; i++)
			{
				if (i > 0)
					filter_buf_appendc(b, ',');
				pairs_quoted(b, n->values[i].str, (size_t) n->values[i].len);
			}
			filter_buf_appendc(b, ')');
			return;
		case FOP_IS_NULL:
			filter_buf_appends(b, "is.null");
			return;
		case FOP_IS_TRUE:
			filter_buf_appends(b, "is.true");
			return;
		case FOP_IS_FALSE:
			filter_buf_appends(b, "is.false");
			return;
		default:
			filter_buf_printf(b, "<%s cannot be written as a pair>", filter_op_name(n->op));
			return;
	}
	filter_buf_printf(b, "%s.", op);
	pairs_quoted(b, n->values[0].str, (size_t) n->values[0].len);
}

/* A condition of a logic tree. */
static inline void
pairs_cond(FilterBuf *b, const FilterNode *n)
{
	int			i;

	if (n->op == FOP_NOT && (n->args[0]->op == FOP_AND || n->args[0]->op == FOP_OR))
	{
		filter_buf_appends(b, "not.");
		pairs_cond(b, n->args[0]);
		return;
	}
	if (n->op == FOP_NOT)
	{
		pairs_atom(b, n->args[0], true);
		return;
	}
	if (n->op == FOP_AND || n->op == FOP_OR)
	{
		filter_buf_appends(b, n->op == FOP_AND ? "and(" : "or(");
		for (i = 0; i < n->nargs; i++)
		{
			if (i > 0)
				filter_buf_appendc(b, ',');
			pairs_cond(b, n->args[i]);
		}
		filter_buf_appendc(b, ')');
		return;
	}
	pairs_atom(b, n, false);
}

/* One top-level pair: a logic tree key=(...) for a node. */
static inline void
pairs_top(FilterBuf *b, const FilterNode *n)
{
	if (n->op == FOP_AND || n->op == FOP_OR ||
		(n->op == FOP_NOT && (n->args[0]->op == FOP_AND || n->args[0]->op == FOP_OR)))
	{
		/* pairs_cond writes [not.]and(...) or [not.]or(...): turn "(" into "=(" */
		FilterBuf	cond;
		const char *paren;

		filter_buf_init(&cond, b->a);
		pairs_cond(&cond, n);
		paren = strchr(cond.data, '(');
		filter_buf_append(b, cond.data, (size_t) (paren - cond.data));
		filter_buf_appendc(b, '=');
		filter_buf_appends(b, paren);
		return;
	}
	filter_buf_appends(b, "and=(");
	pairs_cond(b, n);
	filter_buf_appendc(b, ')');
}

/* A tree in the pairs dialect; a top-level AND becomes pairs joined by &. */
static inline void
pairs_node(FilterBuf *b, const FilterNode *n)
{
	int			i;

	if (n->op == FOP_TRUE)
		return;
	if (n->op != FOP_AND)
	{
		pairs_top(b, n);
		return;
	}
	for (i = 0; i < n->nargs; i++)
	{
		if (i > 0)
			filter_buf_appendc(b, '&');
		pairs_top(b, n->args[i]);
	}
}

#endif							/* PODREC_FUZZ_PRINT_H */
