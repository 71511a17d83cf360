/*-------------------------------------------------------------------------
 *
 * filter_jsonpath.c
 *	  Compiling a filter into a jsonpath predicate over the raw item.
 *
 * The contract: every item that matches a filter satisfies its jsonpath
 * (d @@ path).  The path is what a GIN jsonb_path_ops index can serve and
 * what postgres_fdw can ship; the exact test is filter_eval.c.  jsonpath
 * cannot state everything a filter says (the first of two module elements
 * with the same step id, time order between "Z" and "+00:00" timestamps,
 * great-circle distances, ages, absence), so:
 *
 *	- a NOT subtree, and any atom without an implied jsonpath form, becomes
 *	  true (AND drops it, OR becomes true);
 *	- a flat key becomes every raw path that can hold it: below a
 *	  top-level key, a segment is an object member or, for a module array,
 *	  the element with that step id ([*] ? (@."flow_step_id" == "s")) or at
 *	  that position ([p-1]); deeper, a position segment is an array
 *	  subscript or an object member.  The alternatives are ORed; a key with
 *	  more than MAX_ALTERNATIVES of them becomes true.
 *
 * The path is lax: auto-unwrapping can only add matches, never remove one.
 * FILTER_PATH_INDEX keeps only equalities, which jsonb_path_ops extracts
 * as index entries; FILTER_PATH_FULL also keeps ordering, string, regex,
 * existence and modulo conditions.  FILTER_PATH_INDEX_ANY_STEP is
 * FILTER_PATH_INDEX with a step-addressed element read as any element
 * ([*]): jsonb_path_ops cannot tie a step id to the value beside it, so
 * the step id is an index entry of its own, which nearly every item of
 * the module has; for a rare value, scanning it only costs.
 *
 * Every key and string is written through filter_buf_append_json_string,
 * so no filter can change the structure of the path.
 *
 * Free of backend dependencies (see filter.h).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_jsonpath.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <string.h>

/* The most raw paths one flat key may expand to. */
#define MAX_ALTERNATIVES 8

/* The step-id key of module elements that filters address. */
#define STEP_KEY "flow_step_id"

/* The raw paths one flat key expands to. */
typedef struct PathSet
{
	int			n;
	char	   *paths[MAX_ALTERNATIVES];
} PathSet;

/* Is a segment a 1-based position ([1-9][0-9]{0,8}), and which? */
static bool
segment_position(const FilterSeg *seg, long *position)
{
	long		v = 0;
	int			i;

	if (seg->len < 1 || seg->len > 9 || seg->s[0] < '1' || seg->s[0] > '9')
		return false;
	for (i = 0; i < seg->len; i++)
	{
		if (seg->s[i] < '0' || seg->s[i] > '9')
			return false;
		v = v * 10 + (seg->s[i] - '0');
	}
	*position = v;
	return true;
}

/* Append a member accessor ."name" to a path. */
static void
append_member(FilterBuf *buf, const char *s, size_t len)
{
	filter_buf_appendc(buf, '.');
	filter_buf_append_json_string(buf, s, len);
}

/* A copy of path with suffix appended. */
static char *
path_extend(FilterAlloc *a, const char *path, const FilterBuf *suffix)
{
	FilterBuf	buf;

	filter_buf_init(&buf, a);
	filter_buf_appends(&buf, path);
	filter_buf_append(&buf, suffix->data, suffix->len);
	return buf.data;
}

/*
 * Expand a flat key into its raw paths.  A step-addressed module element is
 * never a scalar, so when the atom compares a scalar leaf (scalar) a second
 * segment that is not a position names an object member only.  With
 * any_step, a step-addressed element is any element of the array.  Returns
 * false when there would be too many paths (the caller then gives up on
 * the atom).
 */
static bool
key_paths(FilterAlloc *a, const FilterKey *key, bool scalar, bool any_step,
		  PathSet *set)
{
	FilterBuf	root;
	int			i;

	if (key->nsegs < 1)
		return false;
	filter_buf_init(&root, a);
	filter_buf_appendc(&root, '$');
	append_member(&root, key->segs[0].s, (size_t) key->segs[0].len);
	set->n = 1;
	set->paths[0] = root.data;

	for (i = 1; i < key->nsegs; i++)
	{
		const FilterSeg *seg = &key->segs[i];
		FilterBuf	member,
					element;
		long		position;
		bool		two = false;
		int			j,
					n = set->n;

		filter_buf_init(&member, a);
		append_member(&member, seg->s, (size_t) seg->len);
		filter_buf_init(&element, a);
		if (segment_position(seg, &position))
		{
			filter_buf_printf(&element, "[%ld]", position - 1);
			two = true;
		}
		else if (i == 1 && !(scalar && key->nsegs == 2) && any_step)
		{
			filter_buf_appends(&element, "[*]");
			two = true;
		}
		else if (i == 1 && !(scalar && key->nsegs == 2))
		{
			filter_buf_appends(&element, "[*] ? (@.");
			filter_buf_append_json_string(&element, STEP_KEY, strlen(STEP_KEY));
			filter_buf_appends(&element, " == ");
			filter_buf_append_json_string(&element, seg->s, (size_t) seg->len);
			filter_buf_appendc(&element, ')');
			two = true;
		}
		if (two && n * 2 > MAX_ALTERNATIVES)
			return false;
		for (j = 0; j < n; j++)
		{
			if (two)
				set->paths[n + j] = path_extend(a, set->paths[j], &element);
			set->paths[j] = path_extend(a, set->paths[j], &member);
		}
		if (two)
			set->n = n * 2;
	}
	return true;
}

/* Append a literal as jsonpath reads it. */
static void
append_literal(FilterBuf *buf, const FilterValue *v)
{
	switch (v->type)
	{
		case FV_BOOL:
			filter_buf_appends(buf, v->boolean ? "true" : "false");
			break;
		case FV_NUMBER:
			filter_buf_append(buf, v->str, (size_t) v->len);
			break;
		case FV_STRING:
			filter_buf_append_json_string(buf, v->str, (size_t) v->len);
			break;
		case FV_NULL:
		case FV_TIME:
			/* never compiled (see literal_forms) */
			filter_buf_appends(buf, "null");
			break;
	}
}

/* Is a string an ISO-8601 timestamp (compared as an instant, not as text)? */
static bool
is_timestamp(const FilterValue *v)
{
	int64_t		usec;

	return v->type == FV_STRING && filter_parse_timestamp(v->str, (size_t) v->len, &usec);
}

/*
 * The jsonpath literals a leaf equal to v (or ordered against it) may be:
 * a loose string may also be a number or a boolean.  Returns how many were
 * written into forms, or 0 when jsonpath cannot state the comparison.
 */
static int
literal_forms(FilterAlloc *a, const FilterValue *v, bool ordered, FilterValue *forms)
{
	int			n = 0;

	switch (v->type)
	{
		case FV_NULL:
		case FV_TIME:
			return 0;
		case FV_BOOL:
			if (ordered)
				return 0;
			forms[n++] = *v;
			return n;
		case FV_NUMBER:
			forms[n++] = *v;
			return n;
		case FV_STRING:
			if (is_timestamp(v))
				return 0;
			forms[n++] = *v;
			if (v->loose)
			{
				FilterValue number;

				if (filter_number_canonical(a, v->str, (size_t) v->len, &number))
					forms[n++] = number;
				if (!ordered && (strcmp(v->str, "true") == 0 || strcmp(v->str, "false") == 0))
				{
					forms[n].type = FV_BOOL;
					forms[n].loose = false;
					forms[n].boolean = v->str[0] == 't';
					n++;
				}
			}
			return n;
	}
	return 0;
}

/* The jsonpath spelling of a comparison operator. */
static const char *
comparison_token(FilterOp op)
{
	switch (op)
	{
		case FOP_EQ:
			return "==";
		case FOP_LT:
			return "<";
		case FOP_LE:
			return "<=";
		case FOP_GT:
			return ">";
		case FOP_GE:
			return ">=";
		default:
			return NULL;
	}
}

/* Start a disjunction term: "(" before the first, " || " between. */
static void
disjunct(FilterBuf *out, int *terms)
{
	filter_buf_appends(out, (*terms)++ == 0 ? "(" : " || ");
}

/* Close a disjunction; a single term needs no parentheses but keeps them. */
static void
end_disjunction(FilterBuf *out, int terms)
{
	if (terms > 0)
		filter_buf_appendc(out, ')');
}

/* key op literal over every raw path and literal form; false if not stated. */
static bool
emit_comparison(FilterBuf *out, const FilterNode *n, FilterOp op,
				const FilterValue *values, int nvalues, bool any_step)
{
	PathSet		set;
	FilterValue forms[3];
	int			terms = 0,
				i,
				j,
				k,
				nforms;
	const char *token = comparison_token(op);

	if (token == NULL || !key_paths(out->a, &n->key, true, any_step, &set))
		return false;
	/* Every literal must be stateable, or the disjunction would not be implied. */
	for (k = 0; k < nvalues; k++)
		if (literal_forms(out->a, &values[k], op != FOP_EQ, forms) == 0)
			return false;
	for (k = 0; k < nvalues; k++)
	{
		nforms = literal_forms(out->a, &values[k], op != FOP_EQ, forms);
		for (j = 0; j < nforms; j++)
			for (i = 0; i < set.n; i++)
			{
				disjunct(out, &terms);
				filter_buf_appends(out, set.paths[i]);
				filter_buf_printf(out, " %s ", token);
				append_literal(out, &forms[j]);
			}
	}
	if (terms == 0)
		return false;
	end_disjunction(out, terms);
	return true;
}

/* key like_regex pattern flag flags over every raw path. */
static bool
emit_regex(FilterBuf *out, const FilterNode *n, const char *pattern, size_t patlen,
		   const char *flags)
{
	PathSet		set;
	int			terms = 0,
				i;

	if (n->key.nsegs == 0)
	{
		/* Some string anywhere (a superset of the flat record's leaves). */
		set.n = 1;
		set.paths[0] = "$.**";
	}
	else if (!key_paths(out->a, &n->key, true, false, &set))
		return false;
	for (i = 0; i < set.n; i++)
	{
		disjunct(out, &terms);
		filter_buf_appends(out, set.paths[i]);
		filter_buf_appends(out, " like_regex ");
		filter_buf_append_json_string(out, pattern, patlen);
		if (flags[0] != '\0')
		{
			filter_buf_appends(out, " flag ");
			filter_buf_append_json_string(out, flags, strlen(flags));
		}
	}
	end_disjunction(out, terms);
	return true;
}

/* Append s with ASCII punctuation escaped, so that an ARE reads it literally. */
static void
append_are_literal(FilterBuf *buf, const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
						  (c >= 'A' && c <= 'Z')))
			filter_buf_appendc(buf, '\\');
		filter_buf_appendc(buf, (char) c);
	}
}

/* The anchored ARE of a SQL LIKE pattern, as filter_eval.c builds it. */
static void
append_like_are(FilterBuf *buf, const char *s, size_t len)
{
	size_t		i;

	filter_buf_appendc(buf, '^');
	for (i = 0; i < len; i++)
	{
		if (s[i] == '\\' && i + 1 < len)
			append_are_literal(buf, &s[++i], 1);
		else if (s[i] == '%')
			filter_buf_appends(buf, ".*");
		else if (s[i] == '_')
			filter_buf_appendc(buf, '.');
		else
			append_are_literal(buf, &s[i], 1);
	}
	filter_buf_appendc(buf, '$');
}

/* A string predicate as like_regex or starts with. */
static bool
emit_string(FilterBuf *out, const FilterNode *n)
{
	const FilterValue *v;
	FilterBuf	re;
	PathSet		set;
	int			terms = 0,
				i;

	if (n->op == FOP_REGEX)
		return emit_regex(out, n, n->pattern, (size_t) n->patlen, n->flags);
	if (n->nvalues < 1)
		return false;
	v = &n->values[0];
	filter_buf_init(&re, out->a);
	switch (n->op)
	{
		case FOP_CONTAINS:
			return emit_regex(out, n, v->str, (size_t) v->len, "q");
		case FOP_ICONTAINS:
			return emit_regex(out, n, v->str, (size_t) v->len, "iq");
		case FOP_STARTSWITH:
			if (!key_paths(out->a, &n->key, true, false, &set))
				return false;
			for (i = 0; i < set.n; i++)
			{
				disjunct(out, &terms);
				filter_buf_appends(out, set.paths[i]);
				filter_buf_appends(out, " starts with ");
				filter_buf_append_json_string(out, v->str, (size_t) v->len);
			}
			end_disjunction(out, terms);
			return true;
		case FOP_ENDSWITH:
			append_are_literal(&re, v->str, (size_t) v->len);
			filter_buf_appendc(&re, '$');
			return emit_regex(out, n, re.data, re.len, "");
		case FOP_IEXACT:
			filter_buf_appendc(&re, '^');
			append_are_literal(&re, v->str, (size_t) v->len);
			filter_buf_appendc(&re, '$');
			return emit_regex(out, n, re.data, re.len, "i");
		case FOP_LIKE:
		case FOP_ILIKE:
			append_like_are(&re, v->str, (size_t) v->len);
			return emit_regex(out, n, re.data, re.len, n->op == FOP_ILIKE ? "is" : "s");
		default:
			return false;
	}
}

/* A presence or modulo condition. */
static bool
emit_exists(FilterBuf *out, const FilterNode *n)
{
	PathSet		set;
	int			terms = 0,
				i;

	if (!key_paths(out->a, &n->key, n->op == FOP_MOD, false, &set))
		return false;
	for (i = 0; i < set.n; i++)
	{
		disjunct(out, &terms);
		filter_buf_appends(out, "exists(");
		filter_buf_appends(out, set.paths[i]);
		if (n->op == FOP_MOD)
		{
			filter_buf_appends(out, " ? (@ % ");
			append_literal(out, &n->values[0]);
			filter_buf_appends(out, " == ");
			append_literal(out, &n->values[1]);
			filter_buf_appendc(out, ')');
		}
		filter_buf_appendc(out, ')');
	}
	end_disjunction(out, terms);
	return true;
}

/* Emit an atom; false when it compiles to true. */
static bool
emit_atom(FilterBuf *out, const FilterNode *n, FilterPathMode mode)
{
	FilterValue truth;
	bool		any_step = mode == FILTER_PATH_INDEX_ANY_STEP;

	if (n->has_key2)
		return false;
	switch (n->op)
	{
		case FOP_EQ:
			return emit_comparison(out, n, FOP_EQ, n->values, 1, any_step);
		case FOP_IN:
			return n->nvalues > 0 && emit_comparison(out, n, FOP_EQ, n->values, n->nvalues, any_step);
		case FOP_IS_TRUE:
		case FOP_IS_FALSE:
			truth.type = FV_BOOL;
			truth.loose = false;
			truth.boolean = n->op == FOP_IS_TRUE;
			return emit_comparison(out, n, FOP_EQ, &truth, 1, any_step);
		default:
			break;
	}
	if (mode != FILTER_PATH_FULL)
		return false;
	switch (n->op)
	{
		case FOP_LT:
		case FOP_LE:
		case FOP_GT:
		case FOP_GE:
			return emit_comparison(out, n, n->op, n->values, 1, false);
		case FOP_CONTAINS:
		case FOP_ICONTAINS:
		case FOP_STARTSWITH:
		case FOP_ENDSWITH:
		case FOP_IEXACT:
		case FOP_LIKE:
		case FOP_ILIKE:
		case FOP_REGEX:
			return emit_string(out, n);
		case FOP_EXISTS:
			return emit_exists(out, n);
		case FOP_MOD:
			return n->cmp == FOP_EQ && emit_exists(out, n);
		default:
			return false;
	}
}

/* Emit a node; false when it compiles to true (nothing was written). */
static bool
emit_node(FilterBuf *out, const FilterNode *n, FilterPathMode mode, int depth)
{
	FilterBuf	part;
	int			i,
				written = 0;

	if (depth > FILTER_MAX_DEPTH)
		return false;
	switch (n->op)
	{
		case FOP_TRUE:
		case FOP_NOT:
			return false;
		case FOP_AND:
			filter_buf_init(&part, out->a);
			for (i = 0; i < n->nargs; i++)
			{
				size_t		mark = part.len;

				if (written > 0)
					filter_buf_appends(&part, " && ");
				if (emit_node(&part, n->args[i], mode, depth + 1))
					written++;
				else
				{
					part.len = mark;
					part.data[mark] = '\0';
				}
			}
			if (written == 0)
				return false;
			if (written > 1)
				filter_buf_appendc(out, '(');
			filter_buf_append(out, part.data, part.len);
			if (written > 1)
				filter_buf_appendc(out, ')');
			return true;
		case FOP_OR:
			filter_buf_init(&part, out->a);
			filter_buf_appendc(&part, '(');
			for (i = 0; i < n->nargs; i++)
			{
				if (i > 0)
					filter_buf_appends(&part, " || ");
				if (!emit_node(&part, n->args[i], mode, depth + 1))
					return false;
			}
			filter_buf_appendc(&part, ')');
			filter_buf_append(out, part.data, part.len);
			return true;
		default:
			return emit_atom(out, n, mode);
	}
}

/*
 * Write the jsonpath predicate of a normalized filter: "true" when no part
 * of it can be stated.
 */
void
filter_to_jsonpath(FilterBuf *buf, const FilterNode *node, FilterPathMode mode)
{
	FilterBuf	out;

	filter_buf_init(&out, buf->a);
	if (emit_node(&out, node, mode, 0))
		filter_buf_append(buf, out.data, out.len);
	else
		filter_buf_appends(buf, "true");
}
