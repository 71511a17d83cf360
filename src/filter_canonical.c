/*-------------------------------------------------------------------------
 *
 * filter_canonical.c
 *	  Reading back the normalized form that filter_explain shows.
 *
 * {"op": "and", "args": [{"op": "eq", "key": "a.b", "value": 1}, ...]}
 * is a dialect of its own: podrec writes it when it resolves the field
 * names of a record type (filter_resolve), and users may write it too.
 * Each operator takes exactly the members filter_to_json writes for it;
 * a loose string is {"text": "..."} and a Date is {"date": ms}.
 *
 * Free of backend dependencies (see filter.h).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_canonical.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdlib.h>
#include <string.h>

/* The members an operator takes besides "op". */
typedef enum CanonShape
{
	SHAPE_NONE,					/* true */
	SHAPE_LOGIC,				/* args */
	SHAPE_COMPARE,				/* key and value, or key and key2 */
	SHAPE_LIST,					/* key and values */
	SHAPE_STRING,				/* key and a string value (or {"text": ...}) */
	SHAPE_REGEX,				/* [key], pattern, flags */
	SHAPE_KEY,					/* key alone */
	SHAPE_MOD,					/* key, cmp, values [divisor, remainder] */
	SHAPE_WITHIN,				/* key, unit, values [distance, lat, lon] */
	SHAPE_AGE					/* [key], cmp, value */
} CanonShape;

/* One operator of the canonical form. */
typedef struct CanonOp
{
	const char *name;
	FilterOp	op;
	CanonShape	shape;
} CanonOp;

static const CanonOp canon_ops[] = {
	{"true", FOP_TRUE, SHAPE_NONE},
	{"and", FOP_AND, SHAPE_LOGIC},
	{"or", FOP_OR, SHAPE_LOGIC},
	{"not", FOP_NOT, SHAPE_LOGIC},
	{"eq", FOP_EQ, SHAPE_COMPARE},
	{"ne", FOP_NE, SHAPE_COMPARE},
	{"lt", FOP_LT, SHAPE_COMPARE},
	{"le", FOP_LE, SHAPE_COMPARE},
	{"gt", FOP_GT, SHAPE_COMPARE},
	{"ge", FOP_GE, SHAPE_COMPARE},
	{"in", FOP_IN, SHAPE_LIST},
	{"contains_all", FOP_CONTAINS_ALL, SHAPE_LIST},
	{"contains", FOP_CONTAINS, SHAPE_STRING},
	{"icontains", FOP_ICONTAINS, SHAPE_STRING},
	{"startswith", FOP_STARTSWITH, SHAPE_STRING},
	{"endswith", FOP_ENDSWITH, SHAPE_STRING},
	{"iexact", FOP_IEXACT, SHAPE_STRING},
	{"like", FOP_LIKE, SHAPE_STRING},
	{"ilike", FOP_ILIKE, SHAPE_STRING},
	{"regex", FOP_REGEX, SHAPE_REGEX},
	{"exists", FOP_EXISTS, SHAPE_KEY},
	{"empty", FOP_EMPTY, SHAPE_KEY},
	{"is_null", FOP_IS_NULL, SHAPE_KEY},
	{"is_true", FOP_IS_TRUE, SHAPE_KEY},
	{"is_false", FOP_IS_FALSE, SHAPE_KEY},
	{"mod", FOP_MOD, SHAPE_MOD},
	{"within", FOP_WITHIN, SHAPE_WITHIN},
	{"age", FOP_AGE, SHAPE_AGE},
};

#define CANON_HINT \
	"The normalized form is what podrec.filter_explain shows: {\"op\": \"and\", \"args\": [...]}, " \
	"{\"op\": \"eq\", \"key\": \"a.b\", \"value\": 1}, {\"op\": \"in\", \"key\": \"a\", \"values\": [1, 2]}, ..."

/* The operator named s, or NULL. */
static const CanonOp *
canon_op(const char *s)
{
	size_t		i;

	for (i = 0; i < sizeof(canon_ops) / sizeof(canon_ops[0]); i++)
		if (strcmp(canon_ops[i].name, s) == 0)
			return &canon_ops[i];
	return NULL;
}

/* Is every key of obj one that the canonical form uses? */
static bool
only_canonical_keys(const FJson *obj)
{
	static const char *const keys[] = {"op", "args", "key", "key2", "value", "values",
	"cmp", "unit", "pattern", "flags"};
	int			i;
	size_t		k;

	for (i = 0; i < obj->n; i++)
	{
		bool		known = false;

		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strcmp(obj->keys[i], keys[k]) == 0)
				known = true;
		if (!known)
			return false;
	}
	return true;
}

/*
 * Is a JSON value in the canonical form?  An object whose "op" is an
 * operator name and whose keys are all canonical members: no operator map
 * or pairs object looks like that (their values are objects or strings
 * with an operator prefix).
 */
bool
filter_json_is_canonical(const FJson *json)
{
	const FJson *op;

	if (json->type != FJ_OBJECT)
		return false;
	op = fjson_get(json, "op");
	return op != NULL && op->type == FJ_STRING && canon_op(op->str) != NULL &&
		only_canonical_keys(json);
}

/* Report a canonical node that lacks or misuses a member. */
static bool
canon_error(FilterError *err, const char *where, const char *fmt, const char *what)
{
	filter_error(err, FILTER_ERR_VALUE, 0, CANON_HINT, fmt, what);
	if (strcmp(where, "filter") == 0)
		filter_error_detail(err, "The condition is the whole filter.");
	else
		filter_error_detail(err, "The condition is at %s.", where);
	return false;
}

/* Read a literal of the canonical form. */
static bool
canon_value(FilterAlloc *a, const FJson *j, const char *where, FilterValue *out,
			FilterError *err)
{
	const FJson *inner;

	memset(out, 0, sizeof(*out));
	switch (j->type)
	{
		case FJ_NULL:
			out->type = FV_NULL;
			return true;
		case FJ_BOOL:
			out->type = FV_BOOL;
			out->boolean = j->boolean;
			return true;
		case FJ_NUMBER:
			if (!filter_number_canonical(a, j->str, (size_t) j->len, out))
				return canon_error(err, where, "number %s is out of range in filter", j->str);
			return true;
		case FJ_STRING:
			filter_value_string(a, j->str, (size_t) j->len, false, out);
			return true;
		case FJ_OBJECT:
			if (j->n == 1 && (inner = fjson_get(j, "text")) != NULL && inner->type == FJ_STRING)
			{
				filter_value_string(a, inner->str, (size_t) inner->len, true, out);
				return true;
			}
			if (j->n == 1 && (inner = fjson_get(j, "date")) != NULL && inner->type == FJ_NUMBER)
			{
				char	   *end;
				long long	ms = strtoll(inner->str, &end, 10);

				if (*end != '\0')
					return canon_error(err, where, "a date must be whole milliseconds, not %s", inner->str);
				out->type = FV_TIME;
				out->ms = (int64_t) ms;
				return true;
			}
			return canon_error(err, where, "%s is not a literal of the normalized form",
							   "an object other than {\"text\": ...} or {\"date\": ...}");
		case FJ_ARRAY:
			return canon_error(err, where, "%s is not a literal of the normalized form", "an array");
	}
	return false;
}

/* Read a "key" or "key2" member: a flat key. */
static bool
canon_key(FilterAlloc *a, const FJson *obj, const char *name, bool required,
		  const char *where, FilterKey *key, FilterError *err)
{
	const FJson *k = fjson_get(obj, name);

	if (k == NULL)
	{
		if (required)
			return canon_error(err, where, "filter condition needs a \"%s\"", name);
		key->nsegs = 0;
		key->segs = NULL;
		key->text = "";
		return true;
	}
	if (k->type != FJ_STRING)
		return canon_error(err, where, "\"%s\" of a filter condition must be a string", name);
	return filter_key_parse(a, k->str, (size_t) k->len, false, key, err);
}

/* Read the "values" array, requiring count entries (-1: any number). */
static bool
canon_values(FilterAlloc *a, const FJson *obj, int count, bool numbers,
			 const char *where, FilterNode *n, FilterError *err)
{
	const FJson *vs = fjson_get(obj, "values");
	int			i;

	if (vs == NULL || vs->type != FJ_ARRAY || (count >= 0 && vs->n != count))
		return canon_error(err, where, "filter condition needs \"values\": %s",
						   count < 0 ? "an array" : count == 2 ? "an array of two numbers" :
						   "an array of three numbers");
	n->nvalues = vs->n;
	n->values = filter_alloc(a, sizeof(FilterValue) * (size_t) (vs->n > 0 ? vs->n : 1));
	for (i = 0; i < vs->n; i++)
	{
		if (numbers && vs->items[i]->type != FJ_NUMBER)
			return canon_error(err, where, "filter condition needs \"values\": %s", "numbers");
		if (!canon_value(a, vs->items[i], where, &n->values[i], err))
			return false;
	}
	return true;
}

/* Read the "cmp" member of mod and age conditions. */
static bool
canon_cmp(const FJson *obj, bool only_equality, const char *where, FilterNode *n,
		  FilterError *err)
{
	const FJson *c = fjson_get(obj, "cmp");
	const CanonOp *op = c != NULL && c->type == FJ_STRING ? canon_op(c->str) : NULL;

	if (op == NULL || op->shape != SHAPE_COMPARE ||
		(only_equality && op->op != FOP_EQ && op->op != FOP_NE))
		return canon_error(err, where, "filter condition needs \"cmp\": %s",
						   only_equality ? "\"eq\" or \"ne\"" : "one of eq, ne, lt, le, gt, ge");
	n->cmp = op->op;
	return true;
}

static FilterNode *canon_node(FilterAlloc *a, const FJson *j, const char *where,
							  int depth, FilterError *err);

/* Read the members of an atom according to its shape. */
static bool
canon_atom(FilterAlloc *a, const FJson *j, const CanonOp *op, const char *where,
		   FilterNode *n, FilterError *err)
{
	const FJson *v,
			   *inner;

	switch (op->shape)
	{
		case SHAPE_COMPARE:
			if (!canon_key(a, j, "key", true, where, &n->key, err))
				return false;
			if (fjson_get(j, "key2") != NULL)
			{
				n->has_key2 = true;
				return canon_key(a, j, "key2", true, where, &n->key2, err);
			}
			v = fjson_get(j, "value");
			if (v == NULL)
				return canon_error(err, where, "filter condition needs a \"%s\"", "value");
			n->nvalues = 1;
			n->values = filter_alloc(a, sizeof(FilterValue));
			return canon_value(a, v, where, &n->values[0], err);
		case SHAPE_LIST:
			return canon_key(a, j, "key", true, where, &n->key, err) &&
				canon_values(a, j, -1, false, where, n, err);
		case SHAPE_STRING:
			if (!canon_key(a, j, "key", true, where, &n->key, err))
				return false;
			/* A string, or a loose one: pairs write like and ilike patterns so. */
			v = fjson_get(j, "value");
			if (v != NULL && v->type == FJ_OBJECT && v->n == 1 &&
				(inner = fjson_get(v, "text")) != NULL && inner->type == FJ_STRING)
			{
				n->nvalues = 1;
				n->values = filter_alloc(a, sizeof(FilterValue));
				filter_value_string(a, inner->str, (size_t) inner->len, true, &n->values[0]);
				return true;
			}
			if (v == NULL || v->type != FJ_STRING)
				return canon_error(err, where, "filter condition needs \"value\": %s",
								   "a string (or {\"text\": \"...\"})");
			n->nvalues = 1;
			n->values = filter_alloc(a, sizeof(FilterValue));
			filter_value_string(a, v->str, (size_t) v->len, false, &n->values[0]);
			return true;
		case SHAPE_REGEX:
			{
				const FJson *p = fjson_get(j, "pattern");
				const FJson *f = fjson_get(j, "flags");

				if (!canon_key(a, j, "key", false, where, &n->key, err))
					return false;
				if (p == NULL || p->type != FJ_STRING)
					return canon_error(err, where, "filter condition needs \"pattern\": %s", "a string");
				if (f != NULL && (f->type != FJ_STRING || strspn(f->str, "ims") != (size_t) f->len))
					return canon_error(err, where, "filter condition needs \"flags\": %s",
									   "a string of the letters i, m and s");
				n->pattern = filter_strndup(a, p->str, (size_t) p->len);
				n->patlen = p->len;
				n->flags = f != NULL ? filter_strndup(a, f->str, (size_t) f->len) : "";
				return true;
			}
		case SHAPE_KEY:
			return canon_key(a, j, "key", true, where, &n->key, err);
		case SHAPE_MOD:
			return canon_key(a, j, "key", true, where, &n->key, err) &&
				canon_cmp(j, true, where, n, err) &&
				canon_values(a, j, 2, true, where, n, err);
		case SHAPE_WITHIN:
			v = fjson_get(j, "unit");
			if (v == NULL || v->type != FJ_STRING ||
				(strcmp(v->str, "km") != 0 && strcmp(v->str, "miles") != 0))
				return canon_error(err, where, "filter condition needs \"unit\": %s",
								   "\"km\" or \"miles\"");
			n->unit = strcmp(v->str, "km") == 0 ? FILTER_UNIT_KM : FILTER_UNIT_MILES;
			return canon_key(a, j, "key", true, where, &n->key, err) &&
				canon_values(a, j, 3, true, where, n, err);
		case SHAPE_AGE:
			v = fjson_get(j, "value");
			if (!canon_key(a, j, "key", false, where, &n->key, err) ||
				!canon_cmp(j, false, where, n, err))
				return false;
			if (v == NULL || v->type != FJ_NUMBER)
				return canon_error(err, where, "filter condition needs \"value\": %s",
								   "a number of milliseconds");
			n->nvalues = 1;
			n->values = filter_alloc(a, sizeof(FilterValue));
			return canon_value(a, v, where, &n->values[0], err);
		default:
			return true;
	}
}

/* Read one node; where says where it is ("filter", "filter.args[1]", ...). */
static FilterNode *
canon_node(FilterAlloc *a, const FJson *j, const char *where, int depth, FilterError *err)
{
	const FJson *opname;
	const CanonOp *op;
	FilterNode *n;
	const FJson *args;
	int			i;

	if (depth > FILTER_MAX_DEPTH)
	{
		filter_error(err, FILTER_ERR_LIMIT, 0, NULL, "filter is nested too deeply");
		filter_error_detail(err, "The maximum nesting depth is %d.", FILTER_MAX_DEPTH);
		return NULL;
	}
	opname = j->type == FJ_OBJECT ? fjson_get(j, "op") : NULL;
	op = opname != NULL && opname->type == FJ_STRING ? canon_op(opname->str) : NULL;
	if (op == NULL || !only_canonical_keys(j))
	{
		canon_error(err, where, "%s is not a condition of the normalized form",
					op == NULL ? "a value without a known \"op\"" : "an object with other members");
		return NULL;
	}
	n = filter_node(a, op->op);
	if (op->shape == SHAPE_LOGIC)
	{
		args = fjson_get(j, "args");
		if (args == NULL || args->type != FJ_ARRAY ||
			(op->op == FOP_NOT ? args->n != 1 : args->n < 1))
		{
			canon_error(err, where, "filter condition needs \"args\": %s",
						op->op == FOP_NOT ? "an array of one condition" : "a non-empty array");
			return NULL;
		}
		n->nargs = args->n;
		n->args = filter_alloc(a, sizeof(FilterNode *) * (size_t) args->n);
		for (i = 0; i < args->n; i++)
		{
			FilterBuf	child;

			filter_buf_init(&child, a);
			filter_buf_printf(&child, "%s.args[%d]", where, i);
			n->args[i] = canon_node(a, args->items[i], child.data, depth + 1, err);
			if (n->args[i] == NULL)
				return NULL;
		}
		return n;
	}
	if (!canon_atom(a, j, op, where, n, err))
		return NULL;
	return n;
}

/* Parse a filter in the normalized form. */
FilterNode *
filter_parse_canonical(FilterAlloc *a, const FJson *json, FilterError *err)
{
	FilterNode *n = canon_node(a, json, "filter", 0, err);

	return n == NULL ? NULL : filter_normalize(a, n);
}
