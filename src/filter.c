/*-------------------------------------------------------------------------
 *
 * filter.c
 *	  SQL entry points of filters: filter_compile, filter_index_path,
 *	  filter_explain, matches, and the planner support function that lets a
 *	  GIN jsonb_path_ops index serve matches().
 *
 * Filters arrive as jsonb (a JSON dialect, or a JSON string holding a text
 * filter) or as text (read as JSON when it starts with "[" or "{", else a
 * text dialect).  matches() keeps the parsed, prepared filter in fn_extra
 * for as long as calls bring the same filter, so a scan parses it once.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "catalog/pg_am.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "filter_eval.h"
#include "shippable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/plancat.h"
#include "parser/parse_func.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/index_selfuncs.h"
#include "utils/jsonpath.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/selfuncs.h"

PG_FUNCTION_INFO_V1(podrec_filter_compile_jsonb);
PG_FUNCTION_INFO_V1(podrec_filter_compile_text);
PG_FUNCTION_INFO_V1(podrec_filter_index_path_jsonb);
PG_FUNCTION_INFO_V1(podrec_filter_index_path_text);
PG_FUNCTION_INFO_V1(podrec_filter_explain_jsonb);
PG_FUNCTION_INFO_V1(podrec_filter_explain_text);
PG_FUNCTION_INFO_V1(podrec_matches_jsonb);
PG_FUNCTION_INFO_V1(podrec_matches_text);
PG_FUNCTION_INFO_V1(podrec_matches_support);
PG_FUNCTION_INFO_V1(podrec_filter_resolve);

/* FilterAlloc callback: palloc in the current memory context. */
void *
podrec_filter_palloc(void *ctx, size_t size)
{
	return palloc(size);
}

/* Raise a parser's FilterError as an ERROR with the matching SQLSTATE. */
void
podrec_filter_report(const FilterError *err)
{
	int			code;

	switch (err->kind)
	{
		case FILTER_ERR_SYNTAX:
			code = ERRCODE_SYNTAX_ERROR;
			break;
		case FILTER_ERR_LIMIT:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			break;
		default:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			break;
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg_internal("%s", err->message[0] ? err->message : "invalid filter"),
			 err->detail[0] ? errdetail_internal("%s", err->detail) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	pg_unreachable();
}

/* Convert one jsonb value into an FJson node. */
static FJson *
jsonb_value_to_fjson(FilterAlloc *a, JsonbValue *v, int depth)
{
	FJson	   *j = filter_alloc(a, sizeof(FJson));

	check_stack_depth();
	if (depth > FILTER_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("filter is nested too deeply"),
				 errdetail("The maximum nesting depth is %d.", FILTER_MAX_DEPTH)));
	switch (v->type)
	{
		case jbvNull:
			j->type = FJ_NULL;
			break;
		case jbvBool:
			j->type = FJ_BOOL;
			j->boolean = v->val.boolean;
			break;
		case jbvNumeric:
			j->type = FJ_NUMBER;
			j->str = DatumGetCString(DirectFunctionCall1(numeric_out,
														 NumericGetDatum(v->val.numeric)));
			j->len = strlen(j->str);
			break;
		case jbvString:
			j->type = FJ_STRING;
			j->str = pnstrdup(v->val.string.val, v->val.string.len);
			j->len = v->val.string.len;
			break;
		case jbvBinary:
			{
				JsonbContainer *c = v->val.binary.data;
				int			n = JsonContainerSize(c);
				JsonbIterator *it = JsonbIteratorInit(c);
				JsonbValue	k,
							e;
				JsonbIteratorToken tok;
				int			i = 0;

				j->type = JsonContainerIsObject(c) ? FJ_OBJECT : FJ_ARRAY;
				j->items = filter_alloc(a, sizeof(FJson *) * Max(n, 1));
				if (j->type == FJ_OBJECT)
				{
					j->keys = filter_alloc(a, sizeof(char *) * Max(n, 1));
					j->keylens = filter_alloc(a, sizeof(int) * Max(n, 1));
				}
				while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
				{
					CHECK_FOR_INTERRUPTS();
					if (tok == WJB_ELEM)
						j->items[i++] = jsonb_value_to_fjson(a, &k, depth + 1);
					else if (tok == WJB_KEY)
					{
						if (JsonbIteratorNext(&it, &e, true) != WJB_VALUE)
							elog(ERROR, "unexpected jsonb iterator token");
						j->keys[i] = pnstrdup(k.val.string.val, k.val.string.len);
						j->keylens[i] = k.val.string.len;
						j->items[i++] = jsonb_value_to_fjson(a, &e, depth + 1);
					}
				}
				j->n = i;
				break;
			}
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
	return j;
}

/* The FJson tree of a jsonb document. */
FJson *
podrec_jsonb_to_fjson(FilterAlloc *a, Jsonb *jb)
{
	JsonbValue	v;

	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbValue *scalar = getIthJsonbValueFromContainer(&jb->root, 0);

		return jsonb_value_to_fjson(a, scalar, 0);
	}
	v.type = jbvBinary;
	v.val.binary.data = &jb->root;
	v.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	return jsonb_value_to_fjson(a, &v, 0);
}

/* Parse a jsonb filter of any dialect into a normalized tree. */
FilterNode *
podrec_filter_parse_jsonb(Jsonb *filter, const FilterResolver *resolver,
						  FilterDialect *dialect)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterError err = {0};
	FilterNode *node;

	node = filter_parse_json(&alloc, podrec_jsonb_to_fjson(&alloc, filter), resolver,
							 dialect, &err);
	if (node == NULL)
		podrec_filter_report(&err);
	else
		node = filter_normalize(&alloc, node);
	return node;
}

/*
 * Parse a text filter: JSON when it starts with "[" or "{" (after white
 * space), otherwise the flowthings language or PostgREST pairs.
 */
FilterNode *
podrec_filter_parse_text(text *filter, const FilterResolver *resolver,
						 FilterDialect *dialect)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterError err = {0};
	const char *s = VARDATA_ANY(filter);
	int			len = VARSIZE_ANY_EXHDR(filter);
	int			i = 0;
	FilterNode *node;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i < len && (s[i] == '[' || s[i] == '{'))
	{
		FJson	   *json = fjson_parse(&alloc, s, len, &err);

		node = json == NULL ? NULL :
			filter_parse_json(&alloc, json, resolver, dialect, &err);
	}
	else
		node = filter_parse_any_text(&alloc, s, len, dialect, &err);
	if (node == NULL)
		podrec_filter_report(&err);
	else
		node = filter_normalize(&alloc, node);
	return node;
}

/* Parse argument argno (jsonb or text, as is_text says) and prepare it. */
static void
parse_and_prepare(FunctionCallInfo fcinfo, int argno, bool is_text, PreparedFilter *pf)
{
	FilterDialect dialect;
	FilterNode *root;

	if (is_text)
		root = podrec_filter_parse_text(PG_GETARG_TEXT_PP(argno), NULL, &dialect);
	else
		root = podrec_filter_parse_jsonb(PG_GETARG_JSONB_P(argno), NULL, &dialect);
	podrec_filter_prepare(pf, root, dialect);
}

/* The jsonpath of a prepared filter, as a Datum. */
static Datum
filter_jsonpath_datum(const PreparedFilter *pf, FilterPathMode mode)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterBuf	buf;

	filter_buf_init(&buf, &alloc);
	filter_to_jsonpath(&buf, pf->root, mode);
	return DirectFunctionCall1(jsonpath_in, CStringGetDatum(buf.data));
}

/* filter_compile(filter jsonb) returns jsonpath */
Datum
podrec_filter_compile_jsonb(PG_FUNCTION_ARGS)
{
	PreparedFilter pf;

	parse_and_prepare(fcinfo, 0, false, &pf);
	PG_RETURN_DATUM(filter_jsonpath_datum(&pf, FILTER_PATH_FULL));
}

/* filter_compile(filter text) returns jsonpath */
Datum
podrec_filter_compile_text(PG_FUNCTION_ARGS)
{
	PreparedFilter pf;

	parse_and_prepare(fcinfo, 0, true, &pf);
	PG_RETURN_DATUM(filter_jsonpath_datum(&pf, FILTER_PATH_FULL));
}

/* filter_index_path(filter jsonb) returns jsonpath: the GIN-served part */
Datum
podrec_filter_index_path_jsonb(PG_FUNCTION_ARGS)
{
	PreparedFilter pf;

	parse_and_prepare(fcinfo, 0, false, &pf);
	PG_RETURN_DATUM(filter_jsonpath_datum(&pf, FILTER_PATH_INDEX));
}

/* filter_index_path(filter text) returns jsonpath */
Datum
podrec_filter_index_path_text(PG_FUNCTION_ARGS)
{
	PreparedFilter pf;

	parse_and_prepare(fcinfo, 0, true, &pf);
	PG_RETURN_DATUM(filter_jsonpath_datum(&pf, FILTER_PATH_INDEX));
}

/*
 * Collect the conditions a GIN index serves: the atoms that FILTER_PATH_INDEX
 * states and that are not under NOT or inside an OR that cannot be served
 * whole.  Returns whether node itself is served.
 */
static bool
collect_index_parts(const FilterNode *node, FilterBuf *parts, int *count)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterBuf	path;
	bool		any = false;
	int			i;

	check_stack_depth();
	switch (node->op)
	{
		case FOP_TRUE:
		case FOP_NOT:
			return false;
		case FOP_AND:
			for (i = 0; i < node->nargs; i++)
				any |= collect_index_parts(node->args[i], parts, count);
			return any;
		case FOP_OR:
			filter_buf_init(&path, &alloc);
			filter_to_jsonpath(&path, node, FILTER_PATH_INDEX);
			if (strcmp(path.data, "true") == 0)
				return false;
			break;
		default:
			filter_buf_init(&path, &alloc);
			filter_to_jsonpath(&path, node, FILTER_PATH_INDEX);
			if (strcmp(path.data, "true") == 0)
				return false;
			break;
	}
	if ((*count)++ > 0)
		filter_buf_appends(parts, ", ");
	filter_to_json(parts, node);
	return true;
}

/* filter_explain for a prepared filter. */
static Datum
explain_filter(const PreparedFilter *pf)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterBuf	buf,
				path,
				index,
				parts;
	int			count = 0;

	filter_buf_init(&buf, &alloc);
	filter_buf_init(&path, &alloc);
	filter_buf_init(&index, &alloc);
	filter_buf_init(&parts, &alloc);
	filter_to_jsonpath(&path, pf->root, FILTER_PATH_FULL);
	filter_to_jsonpath(&index, pf->root, FILTER_PATH_INDEX);
	collect_index_parts(pf->root, &parts, &count);

	filter_buf_appends(&buf, "{\"dialect\": ");
	filter_buf_append_json_string(&buf, podrec_filter_dialect_name(pf->dialect),
								  strlen(podrec_filter_dialect_name(pf->dialect)));
	filter_buf_appends(&buf, ", \"filter\": ");
	filter_to_json(&buf, pf->root);
	filter_buf_appends(&buf, ", \"jsonpath\": ");
	filter_buf_append_json_string(&buf, path.data, path.len);
	filter_buf_appends(&buf, ", \"index\": {\"jsonpath\": ");
	if (strcmp(index.data, "true") == 0)
		filter_buf_appends(&buf, "null");
	else
		filter_buf_append_json_string(&buf, index.data, index.len);
	filter_buf_appends(&buf, ", \"conditions\": [");
	filter_buf_append(&buf, parts.data, parts.len);
	filter_buf_printf(&buf, "]}, \"needs_time\": %s}", pf->needs_time ? "true" : "false");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* filter_explain(filter jsonb) returns jsonb */
Datum
podrec_filter_explain_jsonb(PG_FUNCTION_ARGS)
{
	PreparedFilter pf;

	parse_and_prepare(fcinfo, 0, false, &pf);
	PG_RETURN_DATUM(explain_filter(&pf));
}

/* filter_explain(filter text) returns jsonb */
Datum
podrec_filter_explain_text(PG_FUNCTION_ARGS)
{
	PreparedFilter pf;

	parse_and_prepare(fcinfo, 0, true, &pf);
	PG_RETURN_DATUM(explain_filter(&pf));
}

/* Field type names of record types, as record_fields stores them. */
static const struct
{
	const char *name;
	FilterFieldType type;
}			field_types[] = {
	{"TEXT", FILTER_FIELD_TEXT},
	{"NUMBER", FILTER_FIELD_NUMBER},
	{"TIMESTAMP", FILTER_FIELD_TIMESTAMP},
	{"BOOLEAN", FILTER_FIELD_BOOLEAN},
	{"TEXT_ENUM", FILTER_FIELD_TEXT_ENUM},
	{"ARTIFACT", FILTER_FIELD_ARTIFACT},
	{"OBJECT", FILTER_FIELD_OBJECT},
	{"ARRAY", FILTER_FIELD_ARRAY},
};

/*
 * FilterResolver over a JSON object of fields:
 * {"5": {"key": "alert", "type": "TEXT"}, "Alert": {...}, ...}.
 */
static bool
resolve_from_fields(void *ctx, const char *name, int len, FilterKey *key,
					FilterFieldType *type, FilterError *err)
{
	const FJson *fields = (const FJson *) ctx;
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	const FJson *field = NULL;
	const FJson *k,
			   *t;
	int			i;
	size_t		j;

	for (i = 0; i < fields->n; i++)
		if (fields->keylens[i] == len && memcmp(fields->keys[i], name, len) == 0)
			field = fields->items[i];
	if (field == NULL)
	{
		StringInfoData known;

		/* At most 80 characters of the name, cut between characters. */
		int			shown = pg_mbcharcliplen(name, len, 80);

		initStringInfo(&known);
		for (i = 0; i < fields->n && i < 20; i++)
			appendStringInfo(&known, "%s\"%s\"", i > 0 ? ", " : "", fields->keys[i]);
		if (fields->n > 20)
			appendStringInfoString(&known, ", ...");
		filter_error(err, FILTER_ERR_VALUE, 0, NULL, "unknown field \"%.*s%s\" in filter",
					 shown, name, shown < len ? "..." : "");
		snprintf(err->hint, sizeof(err->hint), "The fields are %s.", known.data);
		return false;
	}
	k = field->type == FJ_OBJECT ? fjson_get(field, "key") : NULL;
	t = field->type == FJ_OBJECT ? fjson_get(field, "type") : NULL;
	if (k == NULL || k->type != FJ_STRING || (t != NULL && t->type != FJ_STRING))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("field \"%.*s\" of filter_resolve needs a string \"key\"", len, name),
				 errhint("Fields are given as {\"name\": {\"key\": \"flat.key\", \"type\": \"TEXT\"}, ...}.")));
	if (!filter_key_parse(&alloc, k->str, k->len, false, key, err))
		return false;
	*type = FILTER_FIELD_UNKNOWN;
	if (t != NULL)
	{
		for (j = 0; j < lengthof(field_types); j++)
			if (strcmp(field_types[j].name, t->str) == 0)
				*type = field_types[j].type;
		if (*type == FILTER_FIELD_UNKNOWN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("field \"%.*s\" of filter_resolve has an unknown type \"%s\"", len, name, t->str),
					 errhint("The types are TEXT, NUMBER, TIMESTAMP, BOOLEAN, TEXT_ENUM, ARTIFACT, OBJECT and ARRAY.")));
	}
	return true;
}

/*
 * filter_resolve(filter jsonb, fields jsonb) returns jsonb
 *
 * A JSON-dialect filter whose field names are resolved through fields, with
 * the type rules of record fields applied, in the normalized form (which
 * matches() reads back).
 */
Datum
podrec_filter_resolve(PG_FUNCTION_ARGS)
{
	Jsonb	   *filter = PG_GETARG_JSONB_P(0);
	Jsonb	   *fields = PG_GETARG_JSONB_P(1);
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterError err = {0};
	FilterResolver resolver;
	FilterDialect dialect;
	FilterNode *node;
	PreparedFilter pf;
	FilterBuf	buf;

	if (!JB_ROOT_IS_OBJECT(fields))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fields of filter_resolve must be a JSON object"),
				 errhint("Fields are given as {\"name\": {\"key\": \"flat.key\", \"type\": \"TEXT\"}, ...}.")));
	resolver.resolve = resolve_from_fields;
	resolver.ctx = podrec_jsonb_to_fjson(&alloc, fields);
	node = filter_parse_json(&alloc, podrec_jsonb_to_fjson(&alloc, filter), &resolver,
							 &dialect, &err);
	if (node == NULL)
		podrec_filter_report(&err);
	else
		node = filter_normalize(&alloc, node);
	podrec_filter_prepare(&pf, node, dialect);
	filter_buf_init(&buf, &alloc);
	filter_to_json(&buf, pf.root);
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* The filter a matches() call site last saw, parsed and prepared. */
typedef struct MatchesCache
{
	MemoryContext context;
	char	   *filter;			/* the filter's bytes */
	Size		filter_len;
	PreparedFilter pf;
} MatchesCache;

/*
 * The prepared filter of argument 1, from the call site's cache when the
 * filter is the one it saw last.
 */
static const PreparedFilter *
cached_filter(FunctionCallInfo fcinfo, bool is_text)
{
	MatchesCache *cache = (MatchesCache *) fcinfo->flinfo->fn_extra;
	struct varlena *filter = PG_GETARG_VARLENA_PP(1);
	const char *bytes = VARDATA_ANY(filter);
	Size		len = VARSIZE_ANY_EXHDR(filter);
	MemoryContext old;

	if (cache != NULL && cache->filter_len == len &&
		memcmp(cache->filter, bytes, len) == 0)
		return &cache->pf;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MatchesCache));
		cache->context = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
											   "podrec matches filter",
											   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	else
	{
		MemoryContextReset(cache->context);
		cache->filter = NULL;
		cache->filter_len = 0;
	}
	old = MemoryContextSwitchTo(cache->context);
	parse_and_prepare(fcinfo, 1, is_text, &cache->pf);
	cache->filter = palloc(len + 1);
	memcpy(cache->filter, bytes, len);
	cache->filter_len = len;
	MemoryContextSwitchTo(old);
	return &cache->pf;
}

/* The shared body of the matches() variants. */
static Datum
matches_common(FunctionCallInfo fcinfo, bool is_text)
{
	Jsonb	   *item = PG_GETARG_JSONB_P(0);
	const PreparedFilter *pf = cached_filter(fcinfo, is_text);
	bool		has_time = PG_NARGS() > 2;

	PG_RETURN_BOOL(podrec_filter_eval(pf, item, has_time,
									  has_time ? PG_GETARG_TIMESTAMPTZ(2) : 0));
}

/*
 * matches(item jsonb, filter jsonb [, at timestamptz]) returns boolean
 *
 * Exact: what the filter says of records_flatten(item).  at is the time
 * AGE conditions measure from.
 */
Datum
podrec_matches_jsonb(PG_FUNCTION_ARGS)
{
	return matches_common(fcinfo, false);
}

/* matches(item jsonb, filter text [, at timestamptz]) returns boolean */
Datum
podrec_matches_text(PG_FUNCTION_ARGS)
{
	return matches_common(fcinfo, true);
}

/* The OID of podrec.filter_index_path for a filter of type argtype. */
static Oid
index_path_function(Oid argtype)
{
	List	   *name = list_make1(makeString("podrec"));

	name = lappend(name, makeString("filter_index_path"));
	return LookupFuncName(name, 1, &argtype, false);
}

static Selectivity structural_selectivity(const FilterNode *n);

/* A sample too small to estimate from (see sampled_selectivity). */
#define MIN_SAMPLES 50

/*
 * Matching samples below this many say only that a filter is rare: one
 * match among the hundred-odd sampled items reads as 1% of the table, however
 * rare the filter really is (a value of one item in a thousand is in the
 * sample or not by chance).  Planned at 1%, the first page of such a filter
 * walks the order and filters on the way, reading the table until the page
 * is full; planned rare, it finds the matches by the index and sorts them,
 * whose cost the matches bound.  So with fewer hits the estimate is at most
 * the structural one.
 */
#define SAMPLE_MIN_HITS 3

/* Does a sampled value satisfy value @@ path?  (unknown is not) */
static bool
sample_path_matches(FmgrInfo *flinfo, Datum value, Datum path)
{
	LOCAL_FCINFO(fcinfo, 2);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, flinfo, 2, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = value;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = path;
	fcinfo->args[1].isnull = false;
	result = FunctionCallInvoke(fcinfo);
	return !fcinfo->isnull && DatumGetBool(result);
}

/*
 * How many of the column's sampled values (most common values and
 * histogram) satisfy item @@ path, or -1 when the statistics hold fewer
 * than MIN_SAMPLES of them.
 */
static int
sampled_path_hits(PlannerInfo *root, Node *item, Datum path)
{
	VariableStatData vardata;
	AttStatsSlot sslot;
	FmgrInfo	flinfo;
	static const int kinds[] = {STATISTIC_KIND_MCV, STATISTIC_KIND_HISTOGRAM};
	int			i,
				k,
				hits = 0,
				samples = 0;

	examine_variable(root, item, 0, &vardata);
	if (!HeapTupleIsValid(vardata.statsTuple))
	{
		ReleaseVariableStats(vardata);
		return -1;
	}
	fmgr_info(F_JSONB_PATH_MATCH_OPR, &flinfo);
	for (k = 0; k < (int) lengthof(kinds); k++)
	{
		if (!get_attstatsslot(&sslot, vardata.statsTuple, kinds[k], InvalidOid,
							  ATTSTATSSLOT_VALUES))
			continue;
		for (i = 0; i < sslot.nvalues; i++)
			if (sample_path_matches(&flinfo, sslot.values[i], path))
				hits++;
		samples += sslot.nvalues;
		free_attstatsslot(&sslot);
	}
	ReleaseVariableStats(vardata);
	return samples < MIN_SAMPLES ? -1 : hits;
}

/*
 * The index jsonpath of a constant filter (FILTER_PATH_INDEX), or NULL
 * when an index cannot serve it.  A step id (barcode_scanning.barcode:
 * the element of barcode_scanning whose flow_step_id is "barcode") is an
 * index entry of its own, which nearly every item of the module has: the
 * index reads all of it to intersect it with the value's few items, a cost
 * that grows with the table.  So when the values the filter compares are
 * rare by themselves (in fewer than SAMPLE_MIN_HITS of the column's sampled
 * items; without statistics, when the filter's structure says it is rare),
 * the condition reads a step-addressed element as any element of the
 * module (FILTER_PATH_INDEX_ANY_STEP): a few more items to recheck at
 * most, those with the value under another step id.  A common value keeps
 * its step id, which may be the rare part.
 */
static char *
index_path_for(PlannerInfo *root, Node *item, const PreparedFilter *pf)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterBuf	buf,
				any;
	Datum		path;
	int			hits;

	filter_buf_init(&buf, &alloc);
	filter_to_jsonpath(&buf, pf->root, FILTER_PATH_INDEX);
	/* Nothing an index can serve: a full index scan would not help. */
	if (strcmp(buf.data, "true") == 0)
		return NULL;
	filter_buf_init(&any, &alloc);
	filter_to_jsonpath(&any, pf->root, FILTER_PATH_INDEX_ANY_STEP);
	if (strcmp(any.data, buf.data) == 0)
		return buf.data;
	path = DirectFunctionCall1(jsonpath_in, CStringGetDatum(any.data));
	hits = sampled_path_hits(root, item, path);
	if (hits < 0 ? structural_selectivity(pf->root) <= DEFAULT_MATCH_SEL : hits < SAMPLE_MIN_HITS)
		return any.data;
	return buf.data;
}

/*
 * The index condition for matches(item, filter) on an index column that
 * item matches: item @@ <the filter's index jsonpath>, lossy (matches()
 * stays as the filter).  A constant filter is compiled now (index_path_for);
 * a parameter or other row-independent expression is compiled when the
 * scan starts (podrec.filter_index_path).
 */
static List *
matches_index_condition(SupportRequestIndexCondition *req)
{
	FuncExpr   *call;
	Node	   *item;
	Node	   *filter;
	Node	   *path;
	Oid			filter_type;
	Oid			op;

	if (!IsA(req->node, FuncExpr) || req->indexarg != 0)
		return NIL;
	call = (FuncExpr *) req->node;
	if (list_length(call->args) < 2)
		return NIL;
	item = linitial(call->args);
	filter = lsecond(call->args);
	filter_type = exprType(filter);
	if (filter_type != JSONBOID && filter_type != TEXTOID)
		return NIL;

	/* The index must be able to run jsonb @@ jsonpath. */
	op = get_opfamily_member(req->opfamily, JSONBOID, JSONPATHOID,
							 JsonbJsonpathPredicateStrategyNumber);
	if (!OidIsValid(op))
		return NIL;

	/* The filter must be the same for every row of the scan. */
	if (!is_pseudo_constant_for_index(req->root, filter, req->index))
		return NIL;

	if (IsA(filter, Const))
	{
		Const	   *c = (Const *) filter;
		PreparedFilter pf;
		FilterDialect dialect;
		FilterNode *root;
		char	   *index_path;

		if (c->constisnull)
			return NIL;
		if (filter_type == TEXTOID)
			root = podrec_filter_parse_text(DatumGetTextPP(c->constvalue), NULL, &dialect);
		else
			root = podrec_filter_parse_jsonb(DatumGetJsonbP(c->constvalue), NULL, &dialect);
		podrec_filter_prepare(&pf, root, dialect);
		index_path = index_path_for(req->root, item, &pf);
		if (index_path == NULL)
			return NIL;
		path = (Node *) makeConst(JSONPATHOID, -1, InvalidOid, -1,
								  DirectFunctionCall1(jsonpath_in, CStringGetDatum(index_path)),
								  false, false);
	}
	else
		path = (Node *) makeFuncExpr(index_path_function(filter_type), JSONPATHOID,
									 list_make1(copyObject(filter)), InvalidOid,
									 InvalidOid, COERCE_EXPLICIT_CALL);

	req->lossy = true;
	return list_make1(make_opclause(op, BOOLOID, false, (Expr *) copyObject(item),
									(Expr *) path, InvalidOid, InvalidOid));
}

/*
 * The planner's estimate of an equality on a flat key with a literal: such
 * keys are mostly ids, codes and names.  It is the smallest estimate that
 * PostgreSQL's own estimators of jsonb conditions believe (0.0001, see
 * generic_restriction_selectivity); with a larger one, a LIMIT query over a
 * selective filter is planned as a sequential scan that would stop early,
 * instead of the index scan.
 */
#define FLAT_KEY_EQ_SEL 0.0001

/*
 * The selectivity of a filter from its structure alone: an equality on a
 * flat key is FLAT_KEY_EQ_SEL (on a boolean or null, even odds), a pattern
 * DEFAULT_MATCH_SEL, a range or anything else DEFAULT_INEQ_SEL; AND
 * multiplies, OR adds the chances of the parts, NOT takes the rest.
 */
static Selectivity
structural_selectivity(const FilterNode *n)
{
	Selectivity s,
				part;
	int			i;

	check_stack_depth();
	switch (n->op)
	{
		case FOP_TRUE:
			return 1.0;
		case FOP_AND:
			s = 1.0;
			for (i = 0; i < n->nargs; i++)
				s *= structural_selectivity(n->args[i]);
			return s;
		case FOP_OR:
			s = 0.0;
			for (i = 0; i < n->nargs; i++)
			{
				part = structural_selectivity(n->args[i]);
				s = s + part - s * part;
			}
			return s;
		case FOP_NOT:
			return 1.0 - structural_selectivity(n->args[0]);
		case FOP_EQ:
		case FOP_NE:
			if (n->has_key2)
				s = DEFAULT_EQ_SEL;
			else if (n->values[0].type == FV_NULL || n->values[0].type == FV_BOOL)
				s = 0.5;
			else
				s = FLAT_KEY_EQ_SEL;
			return n->op == FOP_EQ ? s : 1.0 - s;
		case FOP_IN:
			return Min(1.0, FLAT_KEY_EQ_SEL * Max(n->nvalues, 1));
		case FOP_IS_TRUE:
		case FOP_IS_FALSE:
			return 0.5;
		case FOP_CONTAINS:
		case FOP_ICONTAINS:
		case FOP_STARTSWITH:
		case FOP_ENDSWITH:
		case FOP_IEXACT:
		case FOP_LIKE:
		case FOP_ILIKE:
		case FOP_REGEX:
			return DEFAULT_MATCH_SEL;
		case FOP_EXISTS:
			return 1.0 - DEFAULT_UNK_SEL;
		case FOP_EMPTY:
		case FOP_IS_NULL:
			return DEFAULT_UNK_SEL;
		default:
			return DEFAULT_INEQ_SEL;
	}
}

/* Does a sampled item match?  Items that are not objects never do. */
static bool
sample_matches(const PreparedFilter *pf, Datum value, bool has_time, TimestampTz at)
{
	Jsonb	   *item = DatumGetJsonbP(value);

	return JB_ROOT_IS_OBJECT(item) && podrec_filter_eval(pf, item, has_time, at);
}

/*
 * The fraction of the column's sampled values (most common values and
 * histogram) that match, or -1 when the statistics hold too few of them.
 * ANALYZE leaves out values wider than 1 kB, so for large items the
 * statistics are often empty.  *hits is the number of samples that match,
 * a most common value counting SAMPLE_MIN_HITS.
 */
static Selectivity
sampled_selectivity(PlannerInfo *root, Node *item, int varRelid,
					const PreparedFilter *pf, bool has_time, TimestampTz at,
					int *hits)
{
	VariableStatData vardata;
	AttStatsSlot sslot;
	Selectivity mcv_match = 0.0,
				mcv_total = 0.0,
				hist = -1.0,
				nullfrac = 0.0;
	int			i,
				matched,
				samples = 0;

	*hits = 0;
	examine_variable(root, item, varRelid, &vardata);
	if (!HeapTupleIsValid(vardata.statsTuple))
	{
		ReleaseVariableStats(vardata);
		return -1.0;
	}
	nullfrac = ((Form_pg_statistic) GETSTRUCT(vardata.statsTuple))->stanullfrac;
	if (get_attstatsslot(&sslot, vardata.statsTuple, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		for (i = 0; i < sslot.nvalues; i++)
		{
			mcv_total += sslot.numbers[i];
			if (sample_matches(pf, sslot.values[i], has_time, at))
			{
				mcv_match += sslot.numbers[i];
				/* a common value's share is measured, not met by chance */
				*hits += SAMPLE_MIN_HITS;
			}
		}
		samples += sslot.nvalues;
		free_attstatsslot(&sslot);
	}
	if (get_attstatsslot(&sslot, vardata.statsTuple, STATISTIC_KIND_HISTOGRAM, InvalidOid,
						 ATTSTATSSLOT_VALUES))
	{
		matched = 0;
		for (i = 0; i < sslot.nvalues; i++)
			if (sample_matches(pf, sslot.values[i], has_time, at))
				matched++;
		*hits += matched;
		if (sslot.nvalues > 0)
			hist = (Selectivity) matched / sslot.nvalues;
		samples += sslot.nvalues;
		free_attstatsslot(&sslot);
	}
	ReleaseVariableStats(vardata);
	/*
	 * Too small a sample says little; let the structure decide.  Unless the
	 * most common values hold most of the rows: their shares are measured.
	 */
	if (samples < MIN_SAMPLES && mcv_total < 0.5)
		return -1.0;
	if (hist < 0)
		return mcv_match;
	return mcv_match + hist * Max(0.0, 1.0 - nullfrac - mcv_total);
}

/*
 * The selectivity of matches(item, filter [, at]) with a constant filter:
 * evaluated on the column's statistics when they hold enough items (capped
 * by the filter's structure when fewer than SAMPLE_MIN_HITS of them match),
 * otherwise from the filter's structure.
 */
static SupportRequestSelectivity *
matches_selectivity(SupportRequestSelectivity *req)
{
	Node	   *item;
	Node	   *filter;
	Const	   *c;
	Oid			filter_type;
	FilterDialect dialect;
	FilterNode *root;
	PreparedFilter pf;
	bool		has_time = false;
	TimestampTz at = 0;
	Selectivity sel;

	if (req->is_join || list_length(req->args) < 2)
		return NULL;
	item = linitial(req->args);
	filter = estimate_expression_value(req->root, lsecond(req->args));
	if (!IsA(filter, Const) || ((Const *) filter)->constisnull)
		return NULL;
	c = (Const *) filter;
	filter_type = exprType(filter);
	if (filter_type == TEXTOID)
		root = podrec_filter_parse_text(DatumGetTextPP(c->constvalue), NULL, &dialect);
	else if (filter_type == JSONBOID)
		root = podrec_filter_parse_jsonb(DatumGetJsonbP(c->constvalue), NULL, &dialect);
	else
		return NULL;
	podrec_filter_prepare(&pf, root, dialect);
	if (list_length(req->args) > 2)
	{
		Node	   *when = lthird(req->args);

		if (IsA(when, Const) && !((Const *) when)->constisnull)
		{
			has_time = true;
			at = DatumGetTimestampTz(((Const *) when)->constvalue);
		}
	}
	if (pf.needs_time && !has_time)
		sel = structural_selectivity(pf.root);
	else
	{
		int			hits;

		sel = sampled_selectivity(req->root, item, req->varRelid, &pf, has_time, at, &hits);
		if (sel < 0)
			sel = structural_selectivity(pf.root);
		else if (hits < SAMPLE_MIN_HITS)
			sel = Min(sel, structural_selectivity(pf.root));
	}
	CLAMP_PROBABILITY(sel);
	req->selectivity = sel;
	return req;
}

/*
 * matches_support(internal) returns internal
 *
 * Planner support for matches(): derives GIN index conditions,
 * estimates how many rows a filter keeps, and drops the call's input
 * collation, which matches() does not use, so that postgres_fdw ships it.
 */
Datum
podrec_matches_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);

	if (IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(matches_index_condition((SupportRequestIndexCondition *) rawreq));
	if (IsA(rawreq, SupportRequestSelectivity))
		PG_RETURN_POINTER(matches_selectivity((SupportRequestSelectivity *) rawreq));
	if (IsA(rawreq, SupportRequestSimplify))
		PG_RETURN_POINTER(podrec_simplify_collation((SupportRequestSimplify *) rawreq));
	PG_RETURN_POINTER(NULL);
}

/*
 * GIN index paths that serve matches().
 *
 * The planner estimates an index path from its index conditions: for
 * matches() that is the item @@ jsonpath condition the support function
 * derives, which PostgreSQL's jsonb estimator takes at its default 1% of
 * the rows whenever it may not read the column's statistics, as under
 * row-level security (statistic_proc_security_check).  A tenant's rare
 * filter was then planned as if the index returned 1% of the table, and
 * the planner ANDed the bitmap with a btree of every record of the type
 * to cut heap visits that do not happen.  So a GIN index path whose
 * condition comes from matches() is estimated with matches()'s own
 * estimate of the same filter (matches_selectivity) when that is the
 * smaller: the jsonpath is what the filter compiles to, so the two keep
 * nearly the same items.
 */
static get_relation_info_hook_type prev_get_relation_info_hook = NULL;

/* Is clause a call of a function that podrec_matches_support serves? */
static bool
is_matches_call(Expr *clause)
{
	FmgrInfo	flinfo;
	Oid			support;

	if (!IsA(clause, FuncExpr))
		return false;
	support = get_func_support(((FuncExpr *) clause)->funcid);
	if (!OidIsValid(support))
		return false;
	fmgr_info(support, &flinfo);
	return flinfo.fn_addr == podrec_matches_support;
}

/* gincostestimate, with matches()'s estimate for the conditions it derived. */
static void
matches_gin_costestimate(PlannerInfo *root, IndexPath *path, double loop_count,
						 Cost *startup_cost, Cost *total_cost,
						 Selectivity *selectivity, double *correlation,
						 double *pages)
{
	IndexOptInfo *index = path->indexinfo;
	List	   *quals = NIL;
	bool		derived = false;
	ListCell   *lc;
	Selectivity sel;

	gincostestimate(root, path, loop_count, startup_cost, total_cost,
					selectivity, correlation, pages);
	foreach(lc, path->indexclauses)
	{
		IndexClause *iclause = lfirst_node(IndexClause, lc);

		if (iclause->lossy && is_matches_call(iclause->rinfo->clause))
		{
			quals = lappend(quals, iclause->rinfo);
			derived = true;
		}
		else
			quals = list_concat(quals, iclause->indexquals);
	}
	if (!derived)
		return;
	sel = clauselist_selectivity(root, add_predicate_to_index_quals(index, quals),
								 index->rel->relid, JOIN_INNER, NULL);
	if (sel >= *selectivity)
		return;
	/* gincostestimate charges each index tuple it expects to return */
	*total_cost -= (*selectivity - sel) * index->rel->tuples *
		(cpu_index_tuple_cost + cpu_operator_cost * list_length(quals));
	*total_cost = Max(*total_cost, *startup_cost);
	*selectivity = sel;
}

/* get_relation_info_hook: GIN indexes are estimated by matches_gin_costestimate. */
static void
matches_relation_info(PlannerInfo *root, Oid relid, bool inhparent, RelOptInfo *rel)
{
	ListCell   *lc;

	if (prev_get_relation_info_hook)
		prev_get_relation_info_hook(root, relid, inhparent, rel);
	foreach(lc, rel->indexlist)
	{
		IndexOptInfo *index = lfirst_node(IndexOptInfo, lc);

		if (index->relam == GIN_AM_OID && index->amcostestimate == (void (*) ()) gincostestimate)
			index->amcostestimate = (void (*) ()) matches_gin_costestimate;
	}
}

/* Called when the library is loaded. */
void
podrec_filter_planner_init(void)
{
	prev_get_relation_info_hook = get_relation_info_hook;
	get_relation_info_hook = matches_relation_info;
}
