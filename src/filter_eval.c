/*-------------------------------------------------------------------------
 *
 * filter_eval.c
 *	  Exact evaluation of filters over raw items.
 *
 * This is the reference implementation of filter semantics: for every
 * item d and filter f, the result is what f says of records_flatten(d).
 * Keys are resolved against the raw item with the flattening rules
 * (flatkey.c), so nothing is flattened.
 *
 * podrec_filter_prepare turns the literals of a parsed tree into what
 * evaluation needs (Numerics, instants, regular expressions) once; it
 * raises the errors a filter can only get from the backend (an invalid
 * regular expression, a malformed LIKE pattern).  podrec_filter_eval then
 * runs in the caller's memory context, which the executor resets per row.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_eval.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include <math.h>

#include "catalog/pg_collation.h"
#include "fmgr.h"
#include "filter_eval.h"
#include "flatkey.h"
#include "flatten.h"
#include "miscadmin.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/jsonpath.h"
#include "utils/numeric.h"

/* Mean radius of the Earth (IUGG), in kilometres. */
#define EARTH_RADIUS_KM 6371.0088
#define KM_PER_MILE 1.609344

/* Microseconds between 1970-01-01 and PostgreSQL's 2000-01-01 epoch. */
#define UNIX_TO_PG_EPOCH_USEC \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* A literal, ready to compare. */
typedef struct PreparedValue
{
	const FilterValue *v;
	Numeric		num;			/* a number, a loose string reading as one, a Date's ms */
	bool		is_time;		/* a timestamp string or a Date */
	int64		usec;			/* its instant: microseconds since 1970 */
	bool		has_bool;		/* a boolean, or a loose "true" / "false" */
	bool		boolean;
} PreparedValue;

/* An atom, ready to evaluate. */
typedef struct PreparedAtom
{
	PreparedValue *values;
	text	   *regex;			/* pattern run by the regex engine, if any */
	int			cflags;
	double		within_km;
	double		lat;			/* radians */
	double		lon;
	double		age_ms;
} PreparedAtom;

/* What one evaluation needs. */
typedef struct EvalContext
{
	Jsonb	   *item;
	FlattenOptions opts;
	bool		has_time;
	TimestampTz at;
} EvalContext;

/* The name of a dialect, as filter_explain reports it. */
const char *
podrec_filter_dialect_name(FilterDialect dialect)
{
	switch (dialect)
	{
		case FILTER_DIALECT_TINES:
			return "tines";
		case FILTER_DIALECT_OPMAP:
			return "operator_map";
		case FILTER_DIALECT_TEXT:
			return "text";
		case FILTER_DIALECT_PAIRS:
			return "pairs";
		case FILTER_DIALECT_CANONICAL:
			return "normalized";
	}
	return "unknown";
}

/* Numeric of canonical number text. */
static Numeric
numeric_from_text(const char *s)
{
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

/* Compare two Numerics: <0, 0, >0. */
static inline int
numeric_compare(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/* A Numeric as a double. */
static double
numeric_to_double(Numeric n)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
											  NumericGetDatum(n)));
}

/* Prepare one literal. */
static void
prepare_value(const FilterValue *v, PreparedValue *pv)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterValue number;

	memset(pv, 0, sizeof(*pv));
	pv->v = v;
	switch (v->type)
	{
		case FV_NULL:
			break;
		case FV_BOOL:
			pv->has_bool = true;
			pv->boolean = v->boolean;
			break;
		case FV_NUMBER:
			pv->num = numeric_from_text(v->str);
			break;
		case FV_TIME:
			pv->num = int64_to_numeric(v->ms);
			pv->is_time = true;
			pv->usec = v->ms * 1000;
			break;
		case FV_STRING:
			pv->is_time = filter_parse_timestamp(v->str, v->len, &pv->usec);
			if (v->loose)
			{
				if (filter_number_canonical(&alloc, v->str, v->len, &number))
					pv->num = numeric_from_text(number.str);
				if (strcmp(v->str, "true") == 0 || strcmp(v->str, "false") == 0)
				{
					pv->has_bool = true;
					pv->boolean = v->str[0] == 't';
				}
			}
			break;
	}
}

/* Append s to buf with every ASCII punctuation character escaped for AREs. */
static void
append_regex_literal(StringInfo buf, const char *s, int len)
{
	int			i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x80 && !isalnum(c))
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, (char) c);
	}
}

/* Translate a SQL LIKE pattern (%, _, \ escapes) into an anchored ARE. */
static void
append_like_regex(StringInfo buf, const char *s, int len)
{
	int			i;

	appendStringInfoChar(buf, '^');
	for (i = 0; i < len; i++)
	{
		if (s[i] == '\\')
		{
			if (i + 1 == len)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_ESCAPE_SEQUENCE),
						 errmsg("LIKE pattern must not end with escape character"),
						 errdetail("The pattern is \"%.*s\".", len, s)));
			append_regex_literal(buf, &s[++i], 1);
		}
		else if (s[i] == '%')
			appendStringInfoString(buf, ".*");
		else if (s[i] == '_')
			appendStringInfoChar(buf, '.');
		else
			append_regex_literal(buf, &s[i], 1);
	}
	appendStringInfoChar(buf, '$');
}

/*
 * Regex engine flags of like_regex flags ("i", "m", "s", "q"), converted as
 * jsonpath converts them, so that the compiled path agrees with evaluation.
 */
static int
regex_cflags(const char *flags)
{
	uint32		xflags = 0;

	if (strchr(flags, 'q'))
		xflags |= JSP_REGEX_QUOTE;
	if (strchr(flags, 'i'))
		xflags |= JSP_REGEX_ICASE;
	if (strchr(flags, 's'))
		xflags |= JSP_REGEX_DOTALL;
	if (strchr(flags, 'm'))
		xflags |= JSP_REGEX_MLINE;
	return jspConvertRegexFlags(xflags);
}

/* Set the pattern of an atom that runs through the regex engine, and check it. */
static void
prepare_regex(PreparedAtom *pa, StringInfo pattern, int cflags)
{
	pa->regex = cstring_to_text_with_len(pattern->data, pattern->len);
	pa->cflags = cflags;
	/* Compiling reports an invalid pattern now, with its own message. */
	(void) RE_compile_and_cache(pa->regex, cflags, DEFAULT_COLLATION_OID);
}

/* Check a coordinate and make it radians. */
static double
coordinate(const FilterValue *v, double limit, const char *what)
{
	double		d = numeric_to_double(numeric_from_text(v->str));

	if (d < -limit || d > limit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is out of range", what, v->str),
				 errdetail("A %s lies between %g and %g.", what, -limit, limit)));
	return d * M_PI / 180.0;
}

/* Prepare one atom: its literals, patterns and constants. */
static void
prepare_atom(FilterNode *n, PreparedFilter *pf)
{
	PreparedAtom *pa = palloc0(sizeof(PreparedAtom));
	StringInfoData pattern;
	int			i;

	pa->values = palloc0(sizeof(PreparedValue) * Max(n->nvalues, 1));
	for (i = 0; i < n->nvalues; i++)
		prepare_value(&n->values[i], &pa->values[i]);
	initStringInfo(&pattern);

	switch (n->op)
	{
		case FOP_ICONTAINS:
			appendBinaryStringInfo(&pattern, n->values[0].str, n->values[0].len);
			prepare_regex(pa, &pattern, regex_cflags("iq"));
			break;
		case FOP_IEXACT:
			appendStringInfoChar(&pattern, '^');
			append_regex_literal(&pattern, n->values[0].str, n->values[0].len);
			appendStringInfoChar(&pattern, '$');
			prepare_regex(pa, &pattern, regex_cflags("i"));
			break;
		case FOP_LIKE:
		case FOP_ILIKE:
			append_like_regex(&pattern, n->values[0].str, n->values[0].len);
			prepare_regex(pa, &pattern, regex_cflags(n->op == FOP_ILIKE ? "is" : "s"));
			break;
		case FOP_REGEX:
			appendBinaryStringInfo(&pattern, n->pattern, n->patlen);
			prepare_regex(pa, &pattern, regex_cflags(n->flags));
			break;
		case FOP_WITHIN:
			pa->within_km = numeric_to_double(numeric_from_text(n->values[0].str));
			if (n->unit == FILTER_UNIT_MILES)
				pa->within_km *= KM_PER_MILE;
			pa->lat = coordinate(&n->values[1], 90.0, "latitude");
			pa->lon = coordinate(&n->values[2], 180.0, "longitude");
			break;
		case FOP_AGE:
			pa->age_ms = numeric_to_double(numeric_from_text(n->values[0].str));
			pf->needs_time = true;
			break;
		case FOP_MOD:
			if (numeric_is_nan(pa->values[0].num) ||
				numeric_compare(pa->values[0].num, int64_to_numeric(0)) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DIVISION_BY_ZERO),
						 errmsg("division by zero in filter"),
						 errdetail("The condition on \"%s\" divides by zero.", n->key.text)));
			break;
		default:
			break;
	}
	n->extra = pa;
}

/* Prepare every atom of a tree. */
static void
prepare_node(FilterNode *n, PreparedFilter *pf)
{
	int			i;

	check_stack_depth();
	switch (n->op)
	{
		case FOP_TRUE:
			break;
		case FOP_AND:
		case FOP_OR:
		case FOP_NOT:
			for (i = 0; i < n->nargs; i++)
				prepare_node(n->args[i], pf);
			break;
		default:
			prepare_atom(n, pf);
	}
}

/*
 * Prepare a parsed, normalized tree for evaluation.  Everything is
 * allocated in the current memory context, which must live as long as the
 * prepared filter is used.
 */
void
podrec_filter_prepare(PreparedFilter *pf, FilterNode *root, FilterDialect dialect)
{
	pf->root = root;
	pf->dialect = dialect;
	pf->needs_time = false;
	prepare_node(root, pf);
}

/* Is a node a scalar leaf (not a container, a subtree or missing)? */
static inline bool
is_scalar_leaf(const FlatNode *node)
{
	return node->kind == FLAT_LEAF && node->value.type != jbvBinary;
}

/* Missing or null. */
static inline bool
is_null(const FlatNode *node)
{
	return node->kind == FLAT_MISSING ||
		(node->kind == FLAT_LEAF && node->value.type == jbvNull);
}

/* Compare two strings bytewise: <0, 0, >0. */
static int
bytes_compare(const char *a, int alen, const char *b, int blen)
{
	int			cmp = memcmp(a, b, Min(alen, blen));

	if (cmp != 0)
		return cmp;
	return (alen > blen) - (alen < blen);
}

/* Compare two int64s: <0, 0, >0. */
static inline int
int64_compare(int64 a, int64 b)
{
	return (a > b) - (a < b);
}

/*
 * Compare a string leaf with a string literal: as instants when both read
 * as ISO-8601 timestamps, bytewise otherwise.
 */
static int
string_compare(const JsonbValue *leaf, const PreparedValue *pv)
{
	int64		usec;

	if (pv->is_time &&
		filter_parse_timestamp(leaf->val.string.val, leaf->val.string.len, &usec))
		return int64_compare(usec, pv->usec);
	return bytes_compare(leaf->val.string.val, leaf->val.string.len,
						 pv->v->str, pv->v->len);
}

/*
 * Compare a scalar leaf with a literal.  False when they are not of
 * comparable kinds; otherwise *cmp is <0, 0 or >0.  Booleans and nulls are
 * comparable only for equality (ordered says which is asked).
 */
static bool
compare_value(const JsonbValue *leaf, const PreparedValue *pv, bool ordered, int *cmp)
{
	int64		usec;

	switch (pv->v->type)
	{
		case FV_NULL:
			return false;
		case FV_BOOL:
			if (ordered || leaf->type != jbvBool)
				return false;
			*cmp = leaf->val.boolean == pv->boolean ? 0 : 1;
			return true;
		case FV_NUMBER:
			if (leaf->type != jbvNumeric)
				return false;
			*cmp = numeric_compare(leaf->val.numeric, pv->num);
			return true;
		case FV_TIME:
			if (leaf->type == jbvNumeric)
			{
				*cmp = numeric_compare(leaf->val.numeric, pv->num);
				return true;
			}
			if (leaf->type == jbvString &&
				filter_parse_timestamp(leaf->val.string.val, leaf->val.string.len, &usec))
			{
				*cmp = int64_compare(usec, pv->usec);
				return true;
			}
			return false;
		case FV_STRING:
			if (leaf->type == jbvString)
			{
				*cmp = string_compare(leaf, pv);
				return true;
			}
			if (!pv->v->loose)
				return false;
			if (leaf->type == jbvNumeric && pv->num != NULL)
			{
				*cmp = numeric_compare(leaf->val.numeric, pv->num);
				return true;
			}
			if (leaf->type == jbvBool && pv->has_bool && !ordered)
			{
				*cmp = leaf->val.boolean == pv->boolean ? 0 : 1;
				return true;
			}
			return false;
	}
	return false;
}

/* EQ of a flat node and a literal. */
static bool
value_equal(const FlatNode *node, const PreparedValue *pv)
{
	int			cmp;

	if (pv->v->type == FV_NULL)
		return is_null(node);
	return is_scalar_leaf(node) && compare_value(&node->value, pv, false, &cmp) &&
		cmp == 0;
}

/* Does an ordering comparison's result satisfy op? */
static bool
order_holds(FilterOp op, int cmp)
{
	switch (op)
	{
		case FOP_EQ:
			return cmp == 0;
		case FOP_NE:
			return cmp != 0;
		case FOP_LT:
			return cmp < 0;
		case FOP_LE:
			return cmp <= 0;
		case FOP_GT:
			return cmp > 0;
		case FOP_GE:
			return cmp >= 0;
		default:
			elog(ERROR, "unexpected comparison operator %d", (int) op);
	}
	return false;
}

/* Compare two scalar leaves of the same kind (key op key). */
static bool
compare_leaves(const JsonbValue *a, const JsonbValue *b, bool ordered, int *cmp)
{
	int64		ua,
				ub;

	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case jbvNull:
			if (ordered)
				return false;
			*cmp = 0;
			return true;
		case jbvBool:
			if (ordered)
				return false;
			*cmp = a->val.boolean == b->val.boolean ? 0 : 1;
			return true;
		case jbvNumeric:
			*cmp = numeric_compare(a->val.numeric, b->val.numeric);
			return true;
		case jbvString:
			if (filter_parse_timestamp(a->val.string.val, a->val.string.len, &ua) &&
				filter_parse_timestamp(b->val.string.val, b->val.string.len, &ub))
				*cmp = int64_compare(ua, ub);
			else
				*cmp = bytes_compare(a->val.string.val, a->val.string.len,
									 b->val.string.val, b->val.string.len);
			return true;
		default:
			return false;
	}
}

/* Does the byte string s contain needle? */
static bool
bytes_contain(const char *s, int len, const char *needle, int nlen)
{
	int			i;

	if (nlen == 0)
		return true;
	for (i = 0; i + nlen <= len; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, nlen) == 0)
			return true;
	return false;
}

/* Run an atom's regular expression on a string. */
static bool
regex_matches(const PreparedAtom *pa, const char *s, int len)
{
	return RE_compile_and_execute(pa->regex, unconstify(char *, s), len, pa->cflags,
								  DEFAULT_COLLATION_OID, 0, NULL);
}

/* A string predicate on a string leaf (the atom has one string value, or a pattern). */
static bool
string_predicate(const FilterNode *n, const PreparedAtom *pa, const JsonbValue *leaf)
{
	const char *s = leaf->val.string.val;
	int			len = leaf->val.string.len;

	switch (n->op)
	{
		case FOP_CONTAINS:
			return bytes_contain(s, len, n->values[0].str, n->values[0].len);
		case FOP_STARTSWITH:
			return len >= n->values[0].len &&
				memcmp(s, n->values[0].str, n->values[0].len) == 0;
		case FOP_ENDSWITH:
			return len >= n->values[0].len &&
				memcmp(s + len - n->values[0].len, n->values[0].str, n->values[0].len) == 0;
		default:
			return regex_matches(pa, s, len);
	}
}

/* State of MATCHES over every leaf. */
typedef struct AnyLeafMatch
{
	const PreparedAtom *pa;
	bool		found;
} AnyLeafMatch;

/* Walk callback of MATCHES: note a string leaf that matches. */
static void
any_leaf_callback(void *arg, const char *key, int keylen, JsonbValue *value)
{
	AnyLeafMatch *m = (AnyLeafMatch *) arg;

	if (!m->found && value->type == jbvString &&
		regex_matches(m->pa, value->val.string.val, value->val.string.len))
		m->found = true;
}

/* State of CONTAINS_ALL: is this literal among the leaves under the key? */
typedef struct ChildEqual
{
	const PreparedValue *pv;
} ChildEqual;

/* Child callback of CONTAINS_ALL: stop at a child leaf equal to the literal. */
static bool
child_equal_callback(void *arg, const FlatNode *child)
{
	ChildEqual *ce = (ChildEqual *) arg;

	return value_equal(child, ce->pv);
}

/* The number at a child of a subtree, as a double. */
static bool
child_number(const FlatNode *node, const char *seg, const FlattenOptions *opts,
			 double *out)
{
	FlatNode	child;

	if (!podrec_flat_child(node, seg, strlen(seg), opts, &child) ||
		!is_scalar_leaf(&child) || child.value.type != jbvNumeric)
		return false;
	*out = numeric_to_double(child.value.val.numeric);
	return true;
}

/* WITHIN: great-circle (haversine) distance from a {lat, lon} or [lat, lon] subtree. */
static bool
within(const FlatNode *node, const PreparedAtom *pa, const FlattenOptions *opts)
{
	double		lat,
				lon,
				dlat,
				dlon,
				h;

	if (node->kind != FLAT_SUBTREE)
		return false;
	if (!(child_number(node, "lat", opts, &lat) &&
		  (child_number(node, "lon", opts, &lon) || child_number(node, "lng", opts, &lon))) &&
		!(child_number(node, "1", opts, &lat) && child_number(node, "2", opts, &lon)))
		return false;
	lat *= M_PI / 180.0;
	lon *= M_PI / 180.0;
	dlat = lat - pa->lat;
	dlon = lon - pa->lon;
	h = sin(dlat / 2) * sin(dlat / 2) +
		cos(lat) * cos(pa->lat) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * EARTH_RADIUS_KM * asin(Min(1.0, sqrt(h))) <= pa->within_km;
}

/* An instant of a time leaf: epoch ms as a number, or an ISO-8601 string. */
static bool
leaf_instant(const FlatNode *node, double *usec)
{
	int64		u;

	if (!is_scalar_leaf(node))
		return false;
	if (node->value.type == jbvNumeric)
	{
		*usec = numeric_to_double(node->value.val.numeric) * 1000.0;
		return true;
	}
	if (node->value.type == jbvString &&
		filter_parse_timestamp(node->value.val.string.val, node->value.val.string.len, &u))
	{
		*usec = (double) u;
		return true;
	}
	return false;
}

/* AGE: how long ago the item (or the named time) was, in ms, against op. */
static bool
age_holds(const FilterNode *n, const PreparedAtom *pa, EvalContext *cx)
{
	FlatNode	node;
	double		then,
				age_ms;
	static const FilterSeg creation_date = {"creationDate", 12};
	static const FilterSeg created_at = {"created_at", 10};

	if (!cx->has_time)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("AGE conditions need a reference time"),
				 errhint("Call podrec.matches(item, filter, at) with the time to measure ages against, for example now().")));
	if (n->key.nsegs > 0)
	{
		podrec_flat_lookup(&cx->item->root, n->key.segs, n->key.nsegs, &cx->opts, &node);
		if (!leaf_instant(&node, &then))
			return false;
	}
	else
	{
		podrec_flat_lookup(&cx->item->root, &creation_date, 1, &cx->opts, &node);
		if (!leaf_instant(&node, &then))
		{
			podrec_flat_lookup(&cx->item->root, &created_at, 1, &cx->opts, &node);
			if (!leaf_instant(&node, &then))
				return false;
		}
	}
	age_ms = ((double) (cx->at + UNIX_TO_PG_EPOCH_USEC) - then) / 1000.0;
	return order_holds(n->cmp, age_ms < pa->age_ms ? -1 : age_ms > pa->age_ms ? 1 : 0);
}

/* Evaluate one atom. */
static bool
eval_atom(const FilterNode *n, EvalContext *cx)
{
	const PreparedAtom *pa = (const PreparedAtom *) n->extra;
	FlatNode	node,
				other;
	int			cmp,
				i;

	if (n->op == FOP_AGE)
		return age_holds(n, pa, cx);
	if (n->op == FOP_REGEX && n->key.nsegs == 0)
	{
		AnyLeafMatch m = {pa, false};

		podrec_flatten_walk(cx->item, &cx->opts, any_leaf_callback, &m, "matches");
		return m.found;
	}

	podrec_flat_lookup(&cx->item->root, n->key.segs, n->key.nsegs, &cx->opts, &node);
	switch (n->op)
	{
		case FOP_EQ:
		case FOP_NE:
		case FOP_LT:
		case FOP_LE:
		case FOP_GT:
		case FOP_GE:
			{
				bool		ordered = n->op != FOP_EQ && n->op != FOP_NE;
				bool		holds;

				if (n->has_key2)
				{
					podrec_flat_lookup(&cx->item->root, n->key2.segs, n->key2.nsegs,
									   &cx->opts, &other);
					holds = is_scalar_leaf(&node) && is_scalar_leaf(&other) &&
						compare_leaves(&node.value, &other.value, ordered, &cmp) &&
						order_holds(ordered ? n->op : FOP_EQ, cmp);
				}
				else if (!ordered)
					holds = value_equal(&node, &pa->values[0]);
				else
					holds = is_scalar_leaf(&node) &&
						compare_value(&node.value, &pa->values[0], true, &cmp) &&
						order_holds(n->op, cmp);
				return n->op == FOP_NE ? !holds : holds;
			}
		case FOP_IN:
			for (i = 0; i < n->nvalues; i++)
			{
				CHECK_FOR_INTERRUPTS();
				if (value_equal(&node, &pa->values[i]))
					return true;
			}
			return false;
		case FOP_CONTAINS_ALL:
			if (node.kind != FLAT_SUBTREE)
				return false;
			for (i = 0; i < n->nvalues; i++)
			{
				ChildEqual	ce = {&pa->values[i]};

				if (!podrec_flat_each_child(&node, &cx->opts, child_equal_callback, &ce))
					return false;
			}
			return true;
		case FOP_CONTAINS:
		case FOP_ICONTAINS:
		case FOP_STARTSWITH:
		case FOP_ENDSWITH:
		case FOP_IEXACT:
		case FOP_LIKE:
		case FOP_ILIKE:
		case FOP_REGEX:
			return is_scalar_leaf(&node) && node.value.type == jbvString &&
				string_predicate(n, pa, &node.value);
		case FOP_EXISTS:
			return node.kind != FLAT_MISSING;
		case FOP_EMPTY:
			if (is_null(&node))
				return true;
			if (node.kind != FLAT_LEAF)
				return false;
			return node.value.type == jbvBinary ||
				(node.value.type == jbvString && node.value.val.string.len == 0);
		case FOP_IS_NULL:
			return is_null(&node);
		case FOP_IS_TRUE:
		case FOP_IS_FALSE:
			return is_scalar_leaf(&node) && node.value.type == jbvBool &&
				node.value.val.boolean == (n->op == FOP_IS_TRUE);
		case FOP_MOD:
			{
				Numeric		remainder;

				if (!is_scalar_leaf(&node) || node.value.type != jbvNumeric)
					return false;
				remainder = DatumGetNumeric(DirectFunctionCall2(numeric_mod,
																NumericGetDatum(node.value.val.numeric),
																NumericGetDatum(pa->values[0].num)));
				return order_holds(n->cmp, numeric_compare(remainder, pa->values[1].num));
			}
		case FOP_WITHIN:
			return within(&node, pa, &cx->opts);
		default:
			elog(ERROR, "unexpected filter operator %d", (int) n->op);
	}
	return false;
}

/* Evaluate a node. */
static bool
eval_node(const FilterNode *n, EvalContext *cx)
{
	int			i;

	check_stack_depth();
	switch (n->op)
	{
		case FOP_TRUE:
			return true;
		case FOP_AND:
			for (i = 0; i < n->nargs; i++)
				if (!eval_node(n->args[i], cx))
					return false;
			return true;
		case FOP_OR:
			for (i = 0; i < n->nargs; i++)
				if (eval_node(n->args[i], cx))
					return true;
			return false;
		case FOP_NOT:
			return !eval_node(n->args[0], cx);
		default:
			return eval_atom(n, cx);
	}
}

/*
 * Does an item match a prepared filter?  at is the reference time of AGE
 * conditions (has_time false: there is none, and AGE is an error).
 *
 * The missing reference time is reported before the item is looked at, so
 * that whether the error comes never depends on the item: matches() is
 * LEAKPROOF (row-level security lets an index serve it), and an error that
 * only some items raise would tell a caller something about rows it
 * cannot see.
 */
bool
podrec_filter_eval(const PreparedFilter *pf, Jsonb *item, bool has_time, TimestampTz at)
{
	EvalContext cx;

	if (pf->needs_time && !has_time)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("AGE conditions need a reference time"),
				 errhint("Call podrec.matches(item, filter, at) with the time to measure ages against, for example now().")));
	if (!JB_ROOT_IS_OBJECT(item))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot call %s on a non-object", "matches"),
				 errhint("An item is a JSON object.")));
	cx.item = item;
	podrec_default_flatten_options(&cx.opts);
	cx.has_time = has_time;
	cx.at = at;
	return eval_node(pf->root, &cx);
}
