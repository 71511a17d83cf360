/*-------------------------------------------------------------------------
 *
 * find.c
 *	  podrec.find, podrec.mget, podrec.cursor_of and the item query behind
 *	  podrec.records: finds over one flow (or every flow the caller sees)
 *	  answered by the btree (flow_id, created_at, id) and the GIN index on
 *	  doc.
 *
 * A find is one SELECT over podrec.items whose text depends only on the
 * shape of the request: whether it filters, whether it bounds the creation
 * time, what it sorts by, the order, whether it continues after a cursor,
 * whether it is bound to one flow.  Everything else (flow, statuses, time
 * bounds, filter, cursor position, limit, skip) is a bound parameter.  Each
 * shape is prepared once per backend and kept (SPI_keepplan):
 *
 *	- without a filter or a time range, the plan is the btree scan of the
 *	  flow in (created_at, id) order (from the cursor on) whatever the
 *	  values, so the generic plan is made once and used for every find
 *	  (CURSOR_OPT_GENERIC_PLAN): a page costs its execution only;
 *	- with a filter, whether the GIN index on doc or the btree in order is
 *	  cheaper depends on how selective the filter is, which only its value
 *	  tells (matches() estimates it from the column's statistics), and with
 *	  a time range on how much of the flow it holds, so those shapes are
 *	  planned for their values (CURSOR_OPT_CUSTOM_PLAN); the parse and
 *	  rewrite are still cached.
 *
 * The functions run SPI as the caller (SECURITY INVOKER): row-level
 * security on podrec.items and podrec.flows applies, and a flow of
 * another account does not exist.
 *
 * Keyset cursors: the after parameter holds the position of the last item
 * of a page, (sort value, created_at, id), encoded as base64url of a small
 * JSON object with the sort and order it belongs to.  The next page is the
 * items strictly after that position in the same order, so items inserted
 * meanwhile neither shift nor repeat it.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/find.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "find.h"

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/heapam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "catalog/pg_am.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_index.h"
#include "storage/bufmgr.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/plancache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "utils/acl.h"

PG_FUNCTION_INFO_V1(podrec_find);
PG_FUNCTION_INFO_V1(podrec_find_explain);
PG_FUNCTION_INFO_V1(podrec_records_items);
PG_FUNCTION_INFO_V1(podrec_mget);
PG_FUNCTION_INFO_V1(podrec_cursor_of);
PG_FUNCTION_INFO_V1(podrec_as_drop);
PG_FUNCTION_INFO_V1(podrec_mget_response);

/* SQL functions of other modules that a find calls directly. */
extern Datum podrec_filter_compile_jsonb(PG_FUNCTION_ARGS);
extern Datum podrec_flat_get(PG_FUNCTION_ARGS);
extern Datum podrec_iso_timestamp(PG_FUNCTION_ARGS);

/* Parameters of every find query, in order ($1 .. $12). */
#define FIND_NARGS 12

/* Rows fetched from the query's portal at a time. */
#define FIND_FETCH 1000

/* User text quoted in messages is cut to this many characters. */
#define CLIP_CHARS 40

/* Statuses an item can have (items_status_check). */
static const char *const find_statuses[] = {"completed", "cancelled", "error", "in progress"};

/* One prepared find shape, kept for the life of the backend. */
typedef struct FindPlan
{
	char		key[32];
	SPIPlanPtr	plan;
} FindPlan;

/*
 * At most 2 (flow) x 2 (filter) x 2 (range) x 5 (sort) x 2 (order) x 2
 * (after) shapes, and the skips in creation order (2 x 2 x 2 x 2 x 2),
 * each run as the caller or as the owner for all accounts or for one.
 */
#define FIND_MAX_PLANS (3 * 192)
static FindPlan find_plans[FIND_MAX_PLANS];
static int	find_nplans = 0;
static SPIPlanPtr flow_plan = NULL;
static SPIPlanPtr flow_plan_tenant = NULL;

/* ---------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------
 */

/* User text for a message, cut to CLIP_CHARS characters. */
static char *
clip(const char *s, int len)
{
	int			n = pg_mbcharcliplen(s, len, CLIP_CHARS);

	if (n < len)
		return psprintf("%.*s...", n, s);
	return pnstrdup(s, len);
}

/* The JSON type name of a value, for messages. */
static const char *
json_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "array" : "object";
		default:
			return "value";
	}
}

/* Call a one-argument SQL function of podrec; false when it returns NULL. */
static bool
call1(PGFunction fn, Datum arg, Datum *result)
{
	LOCAL_FCINFO(fcinfo, 1);

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg;
	fcinfo->args[0].isnull = false;
	*result = fn(fcinfo);
	return !fcinfo->isnull;
}

/* Call a two-argument SQL function of podrec; false when it returns NULL. */
static bool
call2(PGFunction fn, Datum arg0, Datum arg1, Datum *result)
{
	LOCAL_FCINFO(fcinfo, 2);

	InitFunctionCallInfoData(*fcinfo, NULL, 2, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg0;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = arg1;
	fcinfo->args[1].isnull = false;
	*result = fn(fcinfo);
	return !fcinfo->isnull;
}

/* The value of a JSON number as int64, if it is an integer in range. */
static bool
numeric_int64(Numeric num, int64 *result)
{
	Datum		d;

	if (numeric_is_nan(num) || numeric_is_inf(num))
		return false;
	d = DirectFunctionCall2(numeric_trunc, NumericGetDatum(num), Int32GetDatum(0));
	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, d, NumericGetDatum(num))))
		return false;
	if (!DatumGetBool(DirectFunctionCall2(numeric_le, d,
										  DirectFunctionCall1(int8_numeric, Int64GetDatum(PG_INT64_MAX)))) ||
		!DatumGetBool(DirectFunctionCall2(numeric_ge, d,
										  DirectFunctionCall1(int8_numeric, Int64GetDatum(PG_INT64_MIN)))))
		return false;
	*result = DatumGetInt64(DirectFunctionCall1(numeric_int8, d));
	return true;
}

/* Digits only (an optional leading minus): the text of an integer. */
static bool
text_int64(const char *s, int len, int64 *result)
{
	char	   *buf;
	char	   *end;
	int			i = (len > 0 && s[0] == '-') ? 1 : 0;

	if (len == i || len - i > 18)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	buf = pnstrdup(s, len);
	errno = 0;
	*result = strtoi64(buf, &end, 10);
	return errno == 0 && *end == '\0';
}

/* ---------------------------------------------------------------------
 * Parameters
 * ---------------------------------------------------------------------
 */

/* A non-negative integer parameter: a JSON number or a string of digits. */
static int64
param_count(const FindRequest *req, const char *name, const JsonbValue *v)
{
	int64		n = 0;
	bool		ok;

	if (v->type == jbvNumeric)
		ok = numeric_int64(v->val.numeric, &n);
	else if (v->type == jbvString)
		ok = text_int64(v->val.string.val, v->val.string.len, &n);
	else
		ok = false;
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"%s\" must be an integer", req->prefix, name),
				 errdetail("It is a JSON %s.", json_type_name(v))));
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"%s\" must not be negative", req->prefix, name),
				 errdetail("It is " INT64_FORMAT ".", n)));
	return n;
}

/* A time parameter: an ISO 8601 string, or epoch milliseconds. */
static TimestampTz
param_time(const FindRequest *req, const char *name, const JsonbValue *v)
{
	int64		ms = 0;
	Datum		t;

	if (v->type == jbvNumeric && numeric_int64(v->val.numeric, &ms))
		;
	else if (v->type == jbvString &&
			 text_int64(v->val.string.val, v->val.string.len, &ms))
		;
	else if (v->type == jbvString &&
			 call1(podrec_iso_timestamp,
				   PointerGetDatum(cstring_to_text_with_len(v->val.string.val, v->val.string.len)),
				   &t))
		return DatumGetTimestampTz(t);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"%s\" must be an ISO 8601 timestamp or epoch milliseconds",
						req->prefix, name),
				 v->type == jbvString
				 ? errdetail("\"%s\" is neither.", clip(v->val.string.val, v->val.string.len))
				 : errdetail("It is a JSON %s.", json_type_name(v))));

	/* epoch milliseconds, within the range of ISO 8601 years 1 to 9999 */
	if (ms < INT64CONST(-62135596800000) || ms >= INT64CONST(253402300800000))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"%s\" is out of range", req->prefix, name),
				 errdetail("Epoch milliseconds lie between -62135596800000 and 253402300799999.")));
	return (TimestampTz) ms * 1000 -
		((TimestampTz) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
}

/* A string parameter. */
static text *
param_string(const FindRequest *req, const char *name, const JsonbValue *v)
{
	if (v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"%s\" must be a string", req->prefix, name),
				 errdetail("It is a JSON %s.", json_type_name(v))));
	return cstring_to_text_with_len(v->val.string.val, v->val.string.len);
}

/* The status parameter: a status, or an array of them. */
static Datum
param_statuses(const FindRequest *req, const JsonbValue *v)
{
	ArrayBuildState *astate = initArrayResult(TEXTOID, CurrentMemoryContext, false);
	JsonbIterator *it = NULL;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	bool		single = (v->type == jbvString);
	bool		any = false;

	if (!single && !(v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"status\" must be a status or an array of statuses", req->prefix),
				 errdetail("It is a JSON %s.", json_type_name(v))));
	if (!single)
		it = JsonbIteratorInit(v->val.binary.data);
	for (;;)
	{
		bool		known = false;

		if (single)
			elem = *v;
		else
		{
			tok = JsonbIteratorNext(&it, &elem, true);
			if (tok == WJB_DONE)
				break;
			if (tok != WJB_ELEM)
				continue;
		}
		if (elem.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%sparameter \"status\" must be a status or an array of statuses", req->prefix),
					 errdetail("An element is a JSON %s.", json_type_name(&elem))));
		for (int i = 0; i < (int) lengthof(find_statuses); i++)
			if (strlen(find_statuses[i]) == (size_t) elem.val.string.len &&
				memcmp(find_statuses[i], elem.val.string.val, elem.val.string.len) == 0)
				known = true;
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%sinvalid status \"%s\" in parameter \"status\"", req->prefix,
							clip(elem.val.string.val, elem.val.string.len)),
					 errdetail("The status is one of \"completed\", \"cancelled\", \"error\" and \"in progress\".")));
		astate = accumArrayResult(astate,
								  PointerGetDatum(cstring_to_text_with_len(elem.val.string.val,
																		   elem.val.string.len)),
								  false, TEXTOID, CurrentMemoryContext);
		any = true;
		if (single)
			break;
	}
	if (!any)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"status\" must name at least one status", req->prefix)));
	return makeArrayResult(astate, CurrentMemoryContext);
}

/* The sort parameter: a typed column (or its drop name), else a flat key. */
static void
param_sort(FindRequest *req, const JsonbValue *v)
{
	text	   *key = param_string(req, "sort", v);
	const char *s = v->val.string.val;
	int			len = v->val.string.len;
	Datum		ignored;

#define SORT_IS(name) (len == (int) strlen(name) && memcmp(s, name, len) == 0)
	if (SORT_IS("created_at") || SORT_IS("creationDate"))
		req->sort = FIND_SORT_CREATED;
	else if (SORT_IS("updated_at") || SORT_IS("lastEditDate"))
		req->sort = FIND_SORT_UPDATED;
	else if (SORT_IS("started_at"))
		req->sort = FIND_SORT_STARTED;
	else if (SORT_IS("ended_at"))
		req->sort = FIND_SORT_ENDED;
	else
	{
		Jsonb	   *empty = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));

		if (len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%sparameter \"sort\" must not be empty", req->prefix)));
		/* flat_get checks the key's escapes */
		(void) call2(podrec_flat_get, JsonbPGetDatum(empty), PointerGetDatum(key), &ignored);
		req->sort = FIND_SORT_FLAT;
		req->sort_key = key;
	}
#undef SORT_IS
}

/* The order parameter: asc or desc, in any case. */
static void
param_order(FindRequest *req, const JsonbValue *v)
{
	(void) param_string(req, "order", v);
	if (v->val.string.len == 3 && pg_strncasecmp(v->val.string.val, "asc", 3) == 0)
		req->desc = false;
	else if (v->val.string.len == 4 && pg_strncasecmp(v->val.string.val, "desc", 4) == 0)
		req->desc = true;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameter \"order\" must be \"asc\" or \"desc\"", req->prefix),
				 errdetail("It is \"%s\".", clip(v->val.string.val, v->val.string.len))));
}

/* Check a filter by compiling it; its errors name the request. */
static void
param_filter(FindRequest *req, const JsonbValue *v)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	Jsonb	   *filter = JsonbValueToJsonb((JsonbValue *) v);
	Datum		ignored;

	PG_TRY();
	{
		(void) call1(podrec_filter_compile_jsonb, JsonbPGetDatum(filter), &ignored);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		if (req->prefix[0] == '\0')
			PG_RE_THROW();
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		edata->message = psprintf("%s%s", req->prefix, edata->message);
		ReThrowError(edata);
	}
	PG_END_TRY();
	req->filter = filter;
}

/* Name of a sort, as a cursor records it. */
static const char *
sort_name(const FindRequest *req)
{
	switch (req->sort)
	{
		case FIND_SORT_CREATED:
			return "created_at";
		case FIND_SORT_UPDATED:
			return "updated_at";
		case FIND_SORT_STARTED:
			return "started_at";
		case FIND_SORT_ENDED:
			return "ended_at";
		case FIND_SORT_FLAT:
			return text_to_cstring(req->sort_key);
	}
	return "";
}

/* Is a member of a cursor object of the given JSON type? */
static bool
cursor_member(Jsonb *jb, const char *name, enum jbvType type, JsonbValue *out)
{
	JsonbValue	k;
	JsonbValue *v;

	k.type = jbvString;
	k.val.string.val = (char *) name;
	k.val.string.len = strlen(name);
	v = findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &k);
	if (v == NULL || (type != jbvNull && v->type != type))
		return false;
	*out = *v;
	return true;
}

/* Reject a cursor that does not decode. */
static void pg_attribute_noreturn()
bad_cursor(const FindRequest *req, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%sinvalid cursor in parameter \"after\"", req->prefix),
			 errdetail("%s", detail),
			 errhint("Pass a cursor that podrec.cursor_of made for the same sort and order.")));
}

/* Decode the after cursor into the keyset position of the request. */
static void
param_after(FindRequest *req, const JsonbValue *v)
{
	text	   *cursor = param_string(req, "after", v);
	const char *s = VARDATA_ANY(cursor);
	int			len = VARSIZE_ANY_EXHDR(cursor);
	int			padded = (len + 3) / 4 * 4;
	char	   *b64;
	char	   *raw;
	int			rawlen;
	Jsonb	   *jb = NULL;
	JsonbValue	m;
	MemoryContext oldcxt = CurrentMemoryContext;
	const char *want_sort = sort_name(req);
	int64		n;

	if (len == 0 || len > 1024)
		bad_cursor(req, len == 0 ? "It is empty." : "It is longer than any cursor.");
	b64 = palloc(padded + 1);
	for (int i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			bad_cursor(req, "It is not base64url text.");
		b64[i] = c;
	}
	for (int i = len; i < padded; i++)
		b64[i] = '=';
	b64[padded] = '\0';
	raw = palloc(pg_b64_dec_len(padded) + 1);
	rawlen = pg_b64_decode(b64, padded, raw, pg_b64_dec_len(padded));
	if (rawlen <= 0)
		bad_cursor(req, "It is not base64url text.");
	raw[rawlen] = '\0';

	/* the JSON inside; a cursor that is not is reported as such */
	PG_TRY();
	{
		jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(raw)));
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		FlushErrorState();
		jb = NULL;
	}
	PG_END_TRY();
	if (jb == NULL || !JB_ROOT_IS_OBJECT(jb))
		bad_cursor(req, "It does not hold a position.");

	if (!cursor_member(jb, "s", jbvString, &m))
		bad_cursor(req, "It does not hold a position.");
	if ((size_t) m.val.string.len != strlen(want_sort) ||
		memcmp(m.val.string.val, want_sort, m.val.string.len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%scursor in parameter \"after\" belongs to another sort", req->prefix),
				 errdetail("It was made for sort \"%s\"; the find sorts by \"%s\".",
						   clip(m.val.string.val, m.val.string.len), clip(want_sort, strlen(want_sort))),
				 errhint("Give the same sort and order as the find the cursor comes from.")));
	if (!cursor_member(jb, "o", jbvString, &m))
		bad_cursor(req, "It does not hold a position.");
	if ((m.val.string.len == 4 && memcmp(m.val.string.val, "desc", 4) == 0) != req->desc)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%scursor in parameter \"after\" belongs to another order", req->prefix),
				 errdetail("It was made for order \"%s\"; the find orders \"%s\".",
						   req->desc ? "asc" : "desc", req->desc ? "desc" : "asc"),
				 errhint("Give the same sort and order as the find the cursor comes from.")));
	if (!cursor_member(jb, "t", jbvNumeric, &m) || !numeric_int64(m.val.numeric, &n))
		bad_cursor(req, "It does not hold a position.");
	req->after_created = (TimestampTz) n;
	if (!cursor_member(jb, "i", jbvNumeric, &m) || !numeric_int64(m.val.numeric, &n))
		bad_cursor(req, "It does not hold a position.");
	req->after_id = n;
	if (req->sort == FIND_SORT_FLAT)
	{
		if (!cursor_member(jb, "v", jbvNull, &m))
			bad_cursor(req, "It does not hold a position.");
		req->after_value = JsonbPGetDatum(JsonbValueToJsonb(&m));
	}
	else if (req->sort != FIND_SORT_CREATED)
	{
		if (!cursor_member(jb, "v", jbvNumeric, &m) || !numeric_int64(m.val.numeric, &n))
			bad_cursor(req, "It does not hold a position.");
		req->after_value = TimestampTzGetDatum((TimestampTz) n);
	}
	req->has_after = true;
}

/* Reject a parameter given under two names. */
static void
check_alias(const FindRequest *req, const JsonbValue *seen, const char *name, const char *other)
{
	if (seen->type != jbvNull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparameters \"%s\" and \"%s\" name the same thing", req->prefix, other, name),
				 errhint("Give one of them.")));
}

/*
 * Check the parameters of a find (a JSON object) and fill in req.  JSON
 * null counts as absent.  The sort and order are read before the cursor,
 * which belongs to them.
 */
void
find_parse_params(Jsonb *params, FindMode mode, const char *prefix, FindRequest *req)
{
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	JsonbValue	start = {.type = jbvNull},
				end = {.type = jbvNull},
				skip = {.type = jbvNull},
				after = {.type = jbvNull};

	memset(req, 0, sizeof(*req));
	req->prefix = prefix;
	req->start = DT_NOBEGIN;
	req->end = DT_NOEND;
	req->limit = FIND_DEFAULT_LIMIT;
	req->sort = FIND_SORT_CREATED;
	req->desc = true;
	req->statuses = PointerGetDatum(NULL);

	if (params != NULL && !JB_ROOT_IS_OBJECT(params))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sparams must be a JSON object", prefix),
				 errdetail("It is a JSON %s.", JB_ROOT_IS_SCALAR(params) ? "scalar" : "array")));

	if (params != NULL)
	{
		it = JsonbIteratorInit(&params->root);
		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			char	   *name;

			if (tok != WJB_KEY)
				continue;
			(void) JsonbIteratorNext(&it, &v, true);
			name = pnstrdup(k.val.string.val, k.val.string.len);
			CHECK_FOR_INTERRUPTS();
			if (v.type == jbvNull)
				continue;

			if (strcmp(name, "filter") == 0)
				param_filter(req, &v);
			else if (strcmp(name, "start_date") == 0 ||
					 (strcmp(name, "start") == 0 && v.type == jbvString))
			{
				check_alias(req, &start, name, strcmp(name, "start") == 0 ? "start_date" : "start");
				start = v;
				req->start = param_time(req, name, &v);
			}
			else if (strcmp(name, "end_date") == 0 || strcmp(name, "end") == 0)
			{
				check_alias(req, &end, name, strcmp(name, "end") == 0 ? "end_date" : "end");
				end = v;
				req->end = param_time(req, name, &v);
			}
			else if (strcmp(name, "limit") == 0)
			{
				req->limit = param_count(req, "limit", &v);
				if (req->limit > FIND_MAX_LIMIT)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("%sparameter \"limit\" must be at most %d", prefix, FIND_MAX_LIMIT),
							 errdetail("It is " INT64_FORMAT ".", req->limit),
							 mode == FIND_MODE_FIND
							 ? errhint("Page with parameter \"after\" (podrec.cursor_of) to read more.")
							 : errhint("Page with parameter \"skip\" to read more.")));
			}
			else if (strcmp(name, "skip") == 0 || strcmp(name, "start") == 0)
			{
				check_alias(req, &skip, name, strcmp(name, "start") == 0 ? "skip" : "start");
				skip = v;
				req->skip = param_count(req, name, &v);
			}
			else if (strcmp(name, "sort") == 0)
				param_sort(req, &v);
			else if (strcmp(name, "order") == 0)
				param_order(req, &v);
			else if (strcmp(name, "after") == 0 && mode == FIND_MODE_FIND)
				after = v;
			else if (strcmp(name, "status") == 0 && mode == FIND_MODE_FIND)
				req->statuses = param_statuses(req, &v);
			else if (strcmp(name, "flow_id") == 0 && mode == FIND_MODE_RECORDS)
				req->flow_id = param_string(req, "flow_id", &v);
			else if (strcmp(name, "join_by") == 0 && mode == FIND_MODE_RECORDS)
			{
				text	   *key = param_string(req, "join_by", &v);
				Datum		ignored;
				Jsonb	   *empty = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));

				(void) call2(podrec_flat_get, JsonbPGetDatum(empty), PointerGetDatum(key), &ignored);
				req->join_by_given = true;
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%sunknown parameter \"%s\"", prefix, clip(name, strlen(name))),
						 mode == FIND_MODE_FIND
						 ? errhint("The parameters of a find are filter, start_date (or start), end_date (or end), limit, skip (or start), sort, order, after and status.")
						 : errhint("The parameters of records are flow_id, filter, start_date (or start), end_date (or end), limit, skip (or start), sort, order and join_by.")));
		}
	}

	if (after.type != jbvNull)
		param_after(req, &after);
	if (req->statuses == PointerGetDatum(NULL))
	{
		Datum		completed = CStringGetTextDatum("completed");

		req->statuses = PointerGetDatum(construct_array(&completed, 1, TEXTOID, -1, false, TYPALIGN_INT));
	}
	if (req->join_by_given)
		req->limit = -1;
}

/* ---------------------------------------------------------------------
 * Queries
 * ---------------------------------------------------------------------
 */

/* The SQL expression a sort orders by. */
static const char *
sort_expr(FindSort sort)
{
	switch (sort)
	{
		case FIND_SORT_CREATED:
			return "i.created_at";
		case FIND_SORT_UPDATED:
			return "i.updated_at";
		case FIND_SORT_STARTED:
			return "COALESCE(i.started_at, '-infinity'::pg_catalog.timestamptz)";
		case FIND_SORT_ENDED:
			return "COALESCE(i.ended_at, '-infinity'::pg_catalog.timestamptz)";
		case FIND_SORT_FLAT:
			return "COALESCE(podrec.flat_get(i.doc, $11), 'null'::pg_catalog.jsonb)";
	}
	return NULL;
}

/* Does a request bound the creation time? */
static bool
find_has_range(const FindRequest *req)
{
	return req->start != DT_NOBEGIN || req->end != DT_NOEND;
}

/*
 * Does a request skip by locating the start of its page first?  A skip
 * in creation order: the (created_at, id) of the first item of the page
 * is read from the btree alone (an index-only scan: the index includes
 * status and account_id, which the conditions and row-level security
 * test), then the page is read from there like a page after a cursor.
 * Passing over the skipped items still costs one index entry each, but
 * no heap tuple is read or formed for them.
 */
static bool
find_skip_by_key(const FindRequest *req)
{
	return req->skip > 0 && req->sort == FIND_SORT_CREATED;
}

/* The conditions of a request's shape on the items of alias a. */
static void
find_conditions(StringInfo q, const FindRequest *req, const char *a)
{
	const char *cmp = req->desc ? "OPERATOR(pg_catalog.<)" : "OPERATOR(pg_catalog.>)";

	if (req->flow_id != NULL)
		appendStringInfo(q, "%s.flow_id OPERATOR(pg_catalog.=) $1 AND ", a);
	appendStringInfo(q, "%s.status OPERATOR(pg_catalog.=) ANY ($2)", a);
	/*
	 * The tenant predicate of the policies.  Of one flow: the flow is the
	 * caller's account's, a condition evaluated once for the query
	 * (items_flow_account_fkey makes the flow's account every one of its
	 * items'), which leaves the account out of the choice of index: for
	 * an account that holds most items, account_id = $12 would make the
	 * account's btree look as good as the flow's.
	 */
	if (req->as_owner && req->one_account && req->flow_id != NULL)
		appendStringInfoString(q, " AND EXISTS (SELECT FROM podrec.flows AS f"
							   " WHERE f.id OPERATOR(pg_catalog.=) $1"
							   " AND f.account_id OPERATOR(pg_catalog.=) $12)");
	else if (req->as_owner && req->one_account)
		appendStringInfo(q, " AND %s.account_id OPERATOR(pg_catalog.=) $12", a);
	if (find_has_range(req))
		appendStringInfo(q,
						 " AND %s.created_at OPERATOR(pg_catalog.>=) $3"
						 " AND %s.created_at OPERATOR(pg_catalog.<) $4", a, a);
	if (req->filter != NULL)
		appendStringInfo(q, " AND podrec.matches(%s.doc, $5)", a);
	if (req->has_after && req->sort == FIND_SORT_CREATED)
		appendStringInfo(q, " AND ROW(%s.created_at, %s.id) %s ROW($7, $8)", a, a, cmp);
	else if (req->has_after)
	{
		/* only the query itself (alias i) continues a cursor of another sort */
		Assert(strcmp(a, "i") == 0);
		appendStringInfo(q, " AND ROW(%s, i.created_at, i.id) %s ROW($6, $7, $8)",
						 sort_expr(req->sort), cmp);
	}
}

/* The text of the query of a request's shape. */
static char *
find_query_text(const FindRequest *req)
{
	StringInfoData q;
	const char *dir = req->desc ? "DESC" : "ASC";

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT i.* FROM podrec.items AS i WHERE ");
	find_conditions(&q, req, "i");
	if (find_skip_by_key(req))
	{
		/* from the first item of the page on: the skipped ones by the index alone */
		appendStringInfo(&q, " AND ROW(i.created_at, i.id) %s (SELECT k.created_at, k.id"
						 " FROM podrec.items AS k WHERE ",
						 req->desc ? "OPERATOR(pg_catalog.<=)" : "OPERATOR(pg_catalog.>=)");
		find_conditions(&q, req, "k");
		appendStringInfo(&q, " ORDER BY k.created_at %s, k.id %s LIMIT 1 OFFSET $10)", dir, dir);
		appendStringInfo(&q, " ORDER BY i.created_at %s, i.id %s LIMIT $9", dir, dir);
		return q.data;
	}
	appendStringInfoString(&q, " ORDER BY ");
	if (req->sort != FIND_SORT_CREATED)
		appendStringInfo(&q, "%s %s, ", sort_expr(req->sort), dir);
	appendStringInfo(&q, "i.created_at %s, i.id %s LIMIT $9 OFFSET $10", dir, dir);
	return q.data;
}

/* The parameter types of the query of a request's shape. */
static void
find_arg_types(const FindRequest *req, Oid *types)
{
	types[0] = TEXTOID;
	types[1] = TEXTARRAYOID;
	types[2] = TIMESTAMPTZOID;
	types[3] = TIMESTAMPTZOID;
	types[4] = JSONBOID;
	types[5] = req->sort == FIND_SORT_FLAT ? JSONBOID : TIMESTAMPTZOID;
	types[6] = TIMESTAMPTZOID;
	types[7] = INT8OID;
	types[8] = INT8OID;
	types[9] = INT8OID;
	types[10] = TEXTOID;
	types[11] = TEXTOID;
}

/* The parameter values of a request. */
static void
find_arg_values(const FindRequest *req, Datum *values, char *nulls)
{
	memset(nulls, 'n', FIND_NARGS);
	if (req->flow_id != NULL)
	{
		values[0] = PointerGetDatum(req->flow_id);
		nulls[0] = ' ';
	}
	values[1] = req->statuses;
	nulls[1] = ' ';
	values[2] = TimestampTzGetDatum(req->start);
	nulls[2] = ' ';
	values[3] = TimestampTzGetDatum(req->end);
	nulls[3] = ' ';
	if (req->filter != NULL)
	{
		values[4] = JsonbPGetDatum(req->filter);
		nulls[4] = ' ';
	}
	if (req->has_after)
	{
		if (req->sort != FIND_SORT_CREATED)
		{
			values[5] = req->after_value;
			nulls[5] = ' ';
		}
		values[6] = TimestampTzGetDatum(req->after_created);
		nulls[6] = ' ';
		values[7] = Int64GetDatum(req->after_id);
		nulls[7] = ' ';
	}
	if (req->limit >= 0)
	{
		values[8] = Int64GetDatum(req->limit);
		nulls[8] = ' ';
	}
	values[9] = Int64GetDatum(req->skip);
	nulls[9] = ' ';
	if (req->sort_key != NULL)
	{
		values[10] = PointerGetDatum(req->sort_key);
		nulls[10] = ' ';
	}
	if (req->tenant != NULL)
	{
		values[11] = PointerGetDatum(req->tenant);
		nulls[11] = ' ';
	}
}

/*
 * The kept plans of finds choose generic or custom planning for
 * themselves (find_plan), but plan_cache_mode = force_custom_plan, which
 * PostgREST's authenticator is given so that its own statements see their
 * arguments, would override that and plan every one of them again at every
 * execution: the flow's btree scan, the same plan every time.  So a find
 * runs its plans under plan_cache_mode = auto, as a SET clause would, and
 * the setting comes back with find_plans_leave (or when an error aborts
 * the (sub)transaction).  force_generic_plan is left as it is.
 */
static int
find_plans_enter(void)
{
	int			nest = NewGUCNestLevel();

	if (plan_cache_mode == PLAN_CACHE_MODE_FORCE_CUSTOM_PLAN)
		(void) set_config_option("plan_cache_mode", "auto", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

static void
find_plans_leave(int nest)
{
	AtEOXact_GUC(true, nest);
}

/* The kept plan of a request's shape, prepared on first use. */
static SPIPlanPtr
find_plan(const FindRequest *req)
{
	char		key[32];
	Oid			types[FIND_NARGS];
	SPIPlanPtr	plan;

	bool		custom = req->filter != NULL || find_has_range(req);

	snprintf(key, sizeof(key), "%d%d%d%d%d%d%d%d", req->flow_id != NULL, req->filter != NULL,
			 find_has_range(req), (int) req->sort, req->desc, req->has_after,
			 find_skip_by_key(req), req->as_owner ? 1 + req->one_account : 0);
	for (int i = 0; i < find_nplans; i++)
		if (strcmp(find_plans[i].key, key) == 0)
			return find_plans[i].plan;

	find_arg_types(req, types);
	plan = SPI_prepare_cursor(find_query_text(req), FIND_NARGS, types,
							  custom ? CURSOR_OPT_CUSTOM_PLAN : CURSOR_OPT_GENERIC_PLAN);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for a find: %s", SPI_result_code_string(SPI_result));
	if (find_nplans >= FIND_MAX_PLANS)
		return plan;			/* cannot happen: every shape fits */
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed for a find");
	strlcpy(find_plans[find_nplans].key, key, sizeof(find_plans[find_nplans].key));
	find_plans[find_nplans].plan = plan;
	find_nplans++;
	return plan;
}

/* Raise "flow does not exist" unless the caller sees the request's flow. */
static void
find_check_flow(const FindRequest *req)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {PointerGetDatum(req->flow_id), PointerGetDatum(req->tenant)};
	char		nulls[2] = {' ', req->tenant != NULL ? ' ' : 'n'};
	bool		tenant = req->as_owner && req->one_account;
	SPIPlanPtr *kept = tenant ? &flow_plan_tenant : &flow_plan;
	int			rc;

	if (*kept == NULL)
	{
		/* by the primary key whatever the id: a generic plan, made once */
		SPIPlanPtr	plan = SPI_prepare_cursor(tenant
											  ? "SELECT FROM podrec.flows AS f WHERE f.id OPERATOR(pg_catalog.=) $1"
											  " AND f.account_id OPERATOR(pg_catalog.=) $2"
											  : "SELECT FROM podrec.flows AS f WHERE f.id OPERATOR(pg_catalog.=) $1",
											  tenant ? 2 : 1, types, CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_prepare failed for the flow check");
		*kept = plan;
	}
	rc = SPI_execute_plan(*kept, values, nulls, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed for the flow check: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
	{
		char	   *id = text_to_cstring(req->flow_id);

		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%sflow \"%s\" does not exist", req->prefix, clip(id, strlen(id)))));
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Row-level security and the planner.  The policies of podrec.items and
 * podrec.flows (podrec_tenant: account_id = podrec.current_account();
 * podrec_admin: every row, for podrec_admin) become security quals of a
 * tenant's query, and under security quals PostgreSQL estimates a
 * condition whose operator is not leakproof without the column's
 * statistics (statistic_proc_security_check).  doc @@ jsonpath, the
 * condition matches() hands the GIN index, is then taken at its default
 * selectivity whatever the filter, so a tenant's selective filter is
 * planned with a bitmap of the whole flow's btree, or as a scan of it in
 * order.
 *
 * So when the caller is under those two policies as podrec installs them
 * and no other, podrec.items is a plain table, and its owner bypasses
 * row-level security (the superuser who installed podrec), a find states
 * what the policies say in its own query and runs it as the owner:
 * account_id = the caller's account (none: no rows, as under the policy),
 * or no condition for a caller who sees every account.  The planner then
 * sees the filter's selectivity.  The caller must still hold SELECT on
 * both tables.  Otherwise the find runs as the caller under the policies.
 */
static bool policies_valid = false;	/* policies_known holds */
static bool policies_known = false;
static bool policies_callback = false;

/* A change of a table's policies invalidates its relcache entry. */
static void
policies_invalidate(Datum arg, Oid relid)
{
	policies_valid = false;
}

/*
 * The one value of a query without parameters that returns one row, its
 * plan prepared on first use and kept in *plan; the value is copied into
 * the current memory context.  what names the query in errors.
 */
static Datum
kept_scalar(SPIPlanPtr *plan, const char *sql, const char *what, bool *isnull)
{
	Form_pg_attribute att;
	Datum		d;
	int			rc;

	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, 0, NULL);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_prepare failed for %s", what);
		*plan = p;
	}
	rc = SPI_execute_plan(*plan, NULL, NULL, true, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "SPI_execute_plan failed for %s: %s", what, SPI_result_code_string(rc));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
	att = TupleDescAttr(SPI_tuptable->tupdesc, 0);
	if (!*isnull)
		d = datumCopy(d, att->attbyval, att->attlen);
	SPI_freetuptable(SPI_tuptable);
	return d;
}

static void
find_access(FindRequest *req)
{
	static SPIPlanPtr known_plan = NULL;
	static SPIPlanPtr account_plan = NULL;
	Oid			nsp = get_namespace_oid("podrec", false);
	Oid			items = get_relname_relid("items", nsp);
	Oid			flows = get_relname_relid("flows", nsp);
	Oid			owner = InvalidOid;
	Oid			admin_role;
	HeapTuple	tup;
	bool		isnull;
	Datum		d;

	req->as_owner = false;
	req->one_account = false;
	req->tenant = NULL;
	if (!OidIsValid(items) || !OidIsValid(flows) || get_rel_relkind(items) != RELKIND_RELATION)
		return;
	if (check_enable_rls(items, InvalidOid, true) != RLS_ENABLED &&
		check_enable_rls(flows, InvalidOid, true) != RLS_ENABLED)
		return;					/* no security quals: nothing to gain */
	if (!row_security)
		return;					/* as the caller: PostgreSQL refuses, as it should */
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(items));
	if (HeapTupleIsValid(tup))
	{
		owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
		ReleaseSysCache(tup);
	}
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(flows));
	if (HeapTupleIsValid(tup))
	{
		if (((Form_pg_class) GETSTRUCT(tup))->relowner != owner)
			owner = InvalidOid;
		ReleaseSysCache(tup);
	}
	if (!OidIsValid(owner) || !(superuser_arg(owner) || has_bypassrls_privilege(owner)))
		return;

	/* the policies, checked again after any change to either table */
	if (!policies_callback)
	{
		CacheRegisterRelcacheCallback(policies_invalidate, (Datum) 0);
		policies_callback = true;
	}
	if (!policies_valid)
	{
		d = kept_scalar(&known_plan, "SELECT podrec.find_policies_known()",
						"the policies of a find", &isnull);
		policies_known = !isnull && DatumGetBool(d);
		policies_valid = true;
	}
	if (!policies_known)
		return;

	/* what the query run as the caller would have checked first */
	if (pg_class_aclcheck(items, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "items");
	if (pg_class_aclcheck(flows, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, "flows");

	/* podrec_admin's policy (podrec.is_admin(): the others bypass them) */
	admin_role = get_role_oid("podrec_admin", true);
	req->one_account = !(OidIsValid(admin_role) && has_privs_of_role(GetUserId(), admin_role));
	if (req->one_account)
	{
		d = kept_scalar(&account_plan, "SELECT podrec.current_account()",
						"the account of a find", &isnull);
		if (!isnull)
			req->tenant = DatumGetTextPP(d);
	}
	req->as_owner = true;
	req->owner = owner;
}

/* Become the owner for a find that runs as the owner; saves who to come back to. */
static void
find_enter(const FindRequest *req, Oid *uid, int *ctx)
{
	GetUserIdAndSecContext(uid, ctx);
	if (req->as_owner)
		SetUserIdAndSecContext(req->owner, *ctx | SECURITY_LOCAL_USERID_CHANGE);
}

/* Back to the caller. */
static void
find_leave(Oid uid, int ctx)
{
	SetUserIdAndSecContext(uid, ctx);
}

/*
 * A sink for the items a find returns, in order: each a row of the query
 * (the columns of podrec.items, SPI memory) and its descriptor.
 */
typedef void (*FindEmit) (void *arg, HeapTuple row, TupleDesc desc, int ord);

/* Hand the rows of SPI_tuptable to emit; false when there were none. */
static bool
emit_rows(FindEmit emit, void *arg, int *ord)
{
	bool		any = SPI_processed > 0;

	for (uint64 r = 0; r < SPI_processed; r++)
	{
		CHECK_FOR_INTERRUPTS();
		emit(arg, SPI_tuptable->vals[r], SPI_tuptable->tupdesc, ++(*ord));
	}
	SPI_freetuptable(SPI_tuptable);
	return any;
}

/*
 * The values of a query row laid out as the row type of podrec.items,
 * whose dropped columns (if any) the query does not return.
 */
static void
row_as_item(HeapTuple row, TupleDesc desc, TupleDesc itemdesc, Datum *values, bool *nulls)
{
	Datum	   *v = palloc(sizeof(Datum) * desc->natts);
	bool	   *n = palloc(sizeof(bool) * desc->natts);
	int			j = 0;

	heap_deform_tuple(row, desc, v, n);
	for (int i = 0; i < itemdesc->natts; i++)
	{
		if (TupleDescAttr(itemdesc, i)->attisdropped || j >= desc->natts)
		{
			values[i] = (Datum) 0;
			nulls[i] = true;
			continue;
		}
		values[i] = v[j];
		nulls[i] = n[j];
		j++;
	}
}

/*
 * The index of a skip by the btree alone: podrec.items_flow_created_idx as
 * podrec makes it, keys (flow_id, created_at, id) and included columns
 * (status, account_id); InvalidOid when it is not so.
 */
static Oid
skip_index(Oid items)
{
	static const char *const cols[] = {"flow_id", "created_at", "id", "status", "account_id"};
	Oid			index = get_relname_relid("items_flow_created_idx", get_rel_namespace(items));
	HeapTuple	tup;
	bool		ok = false;

	if (!OidIsValid(index))
		return InvalidOid;
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	{
		Form_pg_index ind = (Form_pg_index) GETSTRUCT(tup);

		ok = ind->indrelid == items && ind->indnatts == 5 && ind->indnkeyatts == 3 &&
			ind->indisvalid && ind->indisready &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL) &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL);
		for (int i = 0; ok && i < 5; i++)
		{
			char	   *name = get_attname(items, ind->indkey.values[i], true);

			ok = name != NULL && strcmp(name, cols[i]) == 0;
		}
	}
	ReleaseSysCache(tup);
	return ok ? index : InvalidOid;
}

/*
 * A skip without a filter, a time range or a cursor, in creation order:
 * pass over the skipped items in the btree itself, reading status and
 * account_id from the index entries and visibility from the visibility map
 * (the heap only for a page that is not all-visible), and turn the skip
 * into the cursor of the last skipped item, whose page is then read like
 * any page after a cursor.  A skip past the end becomes a page of no
 * items.  False (the request unchanged) when the index, the caller's
 * privileges or row-level security (other than the policies the find
 * states itself) call for the query's own skip.
 */
static bool
find_skip_locate(FindRequest *req)
{
	Oid			nsp;
	Oid			items;
	Oid			index;
	Relation	heap;
	Relation	irel;
	IndexScanDesc scan;
	ScanKeyData key;
	Buffer		vmbuffer = InvalidBuffer;
	TupleTableSlot *slot = NULL;
	ItemPointer tid;
	Datum	   *statuses;
	int			nstatuses;
	int64		seen = 0;
	uint64		entries = 0;
	TimestampTz last_created = 0;
	int64		last_id = 0;
	Oid			status_coll;
	Oid			account_coll;

	if (!find_skip_by_key(req) || req->filter != NULL || find_has_range(req) ||
		req->has_after || req->flow_id == NULL || req->limit < 0)
		return false;
	nsp = get_namespace_oid("podrec", true);
	items = OidIsValid(nsp) ? get_relname_relid("items", nsp) : InvalidOid;
	if (!OidIsValid(items) || get_rel_relkind(items) != RELKIND_RELATION)
		return false;
	if (!req->as_owner && check_enable_rls(items, InvalidOid, true) == RLS_ENABLED)
		return false;			/* policies only the query applies */
	if (pg_class_aclcheck(items, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;			/* the query reports it */
	if (!OidIsValid(index = skip_index(items)))
		return false;

	deconstruct_array(DatumGetArrayTypeP(req->statuses), TEXTOID, -1, false, TYPALIGN_INT,
					  &statuses, NULL, &nstatuses);
	for (int i = 0; i < nstatuses; i++)
		statuses[i] = PointerGetDatum(PG_DETOAST_DATUM_PACKED(statuses[i]));
	heap = table_open(items, AccessShareLock);
	irel = index_open(index, AccessShareLock);
	if (irel->rd_rel->relam != BTREE_AM_OID)
	{
		index_close(irel, AccessShareLock);
		table_close(heap, AccessShareLock);
		return false;
	}
	/* the included columns compare as bytes, as their collations do */
	status_coll = TupleDescAttr(RelationGetDescr(heap), irel->rd_index->indkey.values[3] - 1)->attcollation;
	account_coll = TupleDescAttr(RelationGetDescr(heap), irel->rd_index->indkey.values[4] - 1)->attcollation;
	if (!get_collation_isdeterministic(status_coll) || !get_collation_isdeterministic(account_coll))
	{
		index_close(irel, AccessShareLock);
		table_close(heap, AccessShareLock);
		return false;
	}
	ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, InvalidOid,
						   irel->rd_indcollation[0], F_TEXTEQ, PointerGetDatum(req->flow_id));
	scan = index_beginscan(heap, irel, GetActiveSnapshot(), 1, 0);
	scan->xs_want_itup = true;
	index_rescan(scan, &key, 1, NULL, 0);
	while ((tid = index_getnext_tid(scan, req->desc ? BackwardScanDirection : ForwardScanDirection)) != NULL)
	{
		Datum		v[5];
		bool		n[5];
		bool		match = false;

		if ((++entries & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		/* status and account_id as the query would test them (bytes: deterministic collations) */
		index_deform_tuple(scan->xs_itup, scan->xs_itupdesc, v, n);
		for (int i = 0; !n[3] && i < nstatuses && !match; i++)
			match = VARSIZE_ANY_EXHDR(DatumGetPointer(v[3])) == VARSIZE_ANY_EXHDR(DatumGetPointer(statuses[i])) &&
				memcmp(VARDATA_ANY(DatumGetPointer(v[3])), VARDATA_ANY(DatumGetPointer(statuses[i])),
					   VARSIZE_ANY_EXHDR(DatumGetPointer(statuses[i]))) == 0;
		if (match && req->as_owner && req->one_account)
			match = !n[4] && req->tenant != NULL &&
				VARSIZE_ANY_EXHDR(DatumGetPointer(v[4])) == VARSIZE_ANY_EXHDR(req->tenant) &&
				memcmp(VARDATA_ANY(DatumGetPointer(v[4])), VARDATA_ANY(req->tenant),
					   VARSIZE_ANY_EXHDR(req->tenant)) == 0;
		if (!match)
			continue;
		/* visible to the snapshot: by the visibility map, else by the heap */
		if (!VM_ALL_VISIBLE(heap, ItemPointerGetBlockNumber(tid), &vmbuffer))
		{
			if (slot == NULL)
				slot = table_slot_create(heap, NULL);
			if (!index_fetch_heap(scan, slot))
				continue;
		}
		if (++seen == req->skip)
		{
			last_created = DatumGetTimestampTz(v[1]);
			last_id = DatumGetInt64(v[2]);
			break;
		}
	}
	if (BufferIsValid(vmbuffer))
		ReleaseBuffer(vmbuffer);
	index_endscan(scan);
	if (slot != NULL)
		ExecDropSingleTupleTableSlot(slot);
	index_close(irel, AccessShareLock);
	table_close(heap, AccessShareLock);

	if (seen == req->skip)
	{
		req->has_after = true;
		req->after_created = last_created;
		req->after_id = last_id;
	}
	else
		req->limit = 0;			/* past the end: an empty page (which checks the flow) */
	req->skip = 0;
	return true;
}

/* find_run, as whoever the find runs as. */
static void
find_run_query(const FindRequest *req, SPIPlanPtr plan, Datum *values, char *nulls,
			   FindEmit emit, void *arg)
{
	int			ord = 0;
	bool		any = false;

	if (req->limit >= 0)
	{
		int			rc = SPI_execute_plan(plan, values, nulls, true, 0);

		if (rc != SPI_OK_SELECT)
			elog(ERROR, "SPI_execute_plan failed for a find: %s", SPI_result_code_string(rc));
		any = emit_rows(emit, arg, &ord);
	}
	else
	{
		Portal		portal = SPI_cursor_open(NULL, plan, values, nulls, true);

		for (;;)
		{
			SPI_cursor_fetch(portal, true, FIND_FETCH);
			if (!emit_rows(emit, arg, &ord))
				break;
			any = true;
		}
		SPI_cursor_close(portal);
	}
	if (!any && req->flow_id != NULL)
		find_check_flow(req);
}

/*
 * Run a checked request (under SPI) and hand every item to emit.  A page (at most
 * FIND_MAX_LIMIT items) is fetched at once; a find without a limit
 * (records with join_by) reads its portal in batches, so that it never
 * holds more than one.  A find of one flow that returns nothing checks that
 * the flow exists (a find that returns items needs no check).
 */
static void
find_run_as(const FindRequest *req, FindEmit emit, void *arg)
{
	SPIPlanPtr	plan = find_plan(req);
	Datum		values[FIND_NARGS];
	char		nulls[FIND_NARGS];
	Oid			uid;
	int			ctx;


	find_arg_values(req, values, nulls);
	find_enter(req, &uid, &ctx);
	PG_TRY();
	{
		find_run_query(req, plan, values, nulls, emit, arg);
	}
	PG_FINALLY();
	{
		find_leave(uid, ctx);
	}
	PG_END_TRY();
}

/* find_run_as, a skip located first where the btree alone can do it. */
static void
find_run(const FindRequest *req, FindEmit emit, void *arg)
{
	FindRequest located;

	if (find_skip_by_key(req))
	{
		located = *req;
		if (find_skip_locate(&located))
		{
			find_run_as(&located, emit, arg);
			return;
		}
	}
	find_run_as(req, emit, arg);
}

/*
 * Run a checked request with a page limit (under SPI) into a receiver:
 * the executor hands each row's slot to dest, with no SPI_tuptable copy
 * in between.  Returns the number of rows; a find of one flow that returns
 * nothing checks that the flow exists.
 */
static uint64
find_run_dest_as(const FindRequest *req, DestReceiver *dest)
{
	SPIPlanPtr	plan;
	Datum		values[FIND_NARGS] = {0};
	char		nulls[FIND_NARGS];
	Oid			types[FIND_NARGS];
	ParamListInfo params = makeParamList(FIND_NARGS);
	SPIExecuteOptions options;
	uint64		processed = 0;
	Oid			uid;
	int			ctx;

	Assert(req->limit >= 0);
	plan = find_plan(req);
	find_arg_types(req, types);
	find_arg_values(req, values, nulls);
	for (int i = 0; i < FIND_NARGS; i++)
	{
		params->params[i].value = values[i];
		params->params[i].isnull = (nulls[i] == 'n');
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = types[i];
	}
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;
	find_enter(req, &uid, &ctx);
	PG_TRY();
	{
		int			rc = SPI_execute_plan_extended(plan, &options);

		/* a receiver other than SPI's: SPI_OK_SELECT, or SPI_OK_UTILITY before 15 */
		if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
			elog(ERROR, "SPI_execute_plan_extended failed for a find: %s", SPI_result_code_string(rc));
		processed = SPI_processed;
		if (processed == 0 && req->flow_id != NULL)
			find_check_flow(req);
	}
	PG_FINALLY();
	{
		find_leave(uid, ctx);
	}
	PG_END_TRY();
	pfree(params);
	return processed;
}

/* find_run_dest_as, a skip located first where the btree alone can do it. */
static uint64
find_run_dest(const FindRequest *req, DestReceiver *dest)
{
	FindRequest located;

	if (find_skip_by_key(req))
	{
		located = *req;
		if (find_skip_locate(&located))
			return find_run_dest_as(&located, dest);
	}
	return find_run_dest_as(req, dest);
}

/* ---------------------------------------------------------------------
 * podrec.find and podrec.records_items: SETOF podrec.items
 * ---------------------------------------------------------------------
 */

/*
 * Put an item into a SETOF podrec.items tuplestore: the query's row as it
 * is when the row type has no dropped columns (it has the same layout).
 */
static void
emit_row(void *arg, HeapTuple row, TupleDesc desc, int ord)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) arg;

	if (desc->natts == rsinfo->setDesc->natts)
		tuplestore_puttuple(rsinfo->setResult, row);
	else
	{
		Datum	   *values = palloc(sizeof(Datum) * rsinfo->setDesc->natts);
		bool	   *nulls = palloc(sizeof(bool) * rsinfo->setDesc->natts);

		row_as_item(row, desc, rsinfo->setDesc, values, nulls);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(values);
		pfree(nulls);
	}
}

/* The jsonb argument argno, or NULL for SQL NULL. */
static Jsonb *
arg_jsonb(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : PG_GETARG_JSONB_P(argno);
}

/*
 * podrec.find(flow_id, params): the items of one flow.  Materialized: a
 * page holds at most FIND_MAX_LIMIT items, and every row is in the
 * tuplestore before the first is returned, so an error returns nothing.
 */
Datum
podrec_find(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FindRequest req;
	int			nest;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("flow_id must not be null")));
	find_parse_params(arg_jsonb(fcinfo, 1), FIND_MODE_FIND, "", &req);
	req.flow_id = PG_GETARG_TEXT_PP(0);

	InitMaterializedSRF(fcinfo, 0);
	nest = find_plans_enter();
	SPI_connect();
	find_access(&req);
	find_run(&req, emit_row, rsinfo);
	SPI_finish();
	find_plans_leave(nest);
	return (Datum) 0;
}

/*
 * podrec.records_items(params): the items behind podrec.records, of one
 * flow (flow_id) or of every flow the caller sees; with join_by, every
 * item of the window (records applies limit and skip after the join).
 */
Datum
podrec_records_items(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FindRequest req;
	int			nest;

	find_parse_params(arg_jsonb(fcinfo, 0), FIND_MODE_RECORDS, "", &req);
	if (req.join_by_given)
		req.skip = 0;

	InitMaterializedSRF(fcinfo, 0);
	nest = find_plans_enter();
	SPI_connect();
	find_access(&req);
	find_run(&req, emit_row, rsinfo);
	SPI_finish();
	find_plans_leave(nest);
	return (Datum) 0;
}

/* podrec.find_explain(flow_id, params): the plan of the find, its values bound. */
Datum
podrec_find_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo;
	FindRequest req;
	Oid			types[FIND_NARGS];
	Datum		values[FIND_NARGS];
	char		nulls[FIND_NARGS];
	int			rc = 0;
	Oid			uid;
	int			ctx;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("flow_id must not be null")));
	find_parse_params(arg_jsonb(fcinfo, 1), FIND_MODE_FIND, "", &req);
	req.flow_id = PG_GETARG_TEXT_PP(0);

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SPI_connect();
	find_access(&req);
	find_arg_types(&req, types);
	find_arg_values(&req, values, nulls);
	find_enter(&req, &uid, &ctx);
	PG_TRY();
	{
		find_check_flow(&req);
		rc = SPI_execute_with_args(psprintf("EXPLAIN (COSTS OFF) %s", find_query_text(&req)),
								   FIND_NARGS, types, values, nulls, false, 0);
		if (rc < 0)
			elog(ERROR, "SPI_execute_with_args failed for EXPLAIN: %s", SPI_result_code_string(rc));
	}
	PG_FINALLY();
	{
		find_leave(uid, ctx);
	}
	PG_END_TRY();
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		Datum		line = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull);

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &line, &isnull);
	}
	SPI_finish();
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * podrec.mget: the seed-002 multi-flow find
 * ---------------------------------------------------------------------
 */

/*
 * Where mget rows go: a receiver the executor of each flow's find hands
 * its rows to.  Each row goes straight from the scan's slot into the
 * tuplestore as (flow_id, ord, item): the item is the scan's heap tuple
 * copied once as a composite datum (external values flattened into it),
 * and the row of three columns is formed once by the tuplestore.  There is
 * no SPI_tuptable in between, which would copy every row once more.
 */
typedef struct MgetReceiver
{
	DestReceiver pub;			/* must be first */
	ReturnSetInfo *rsinfo;
	TupleDesc	itemdesc;		/* the row type of podrec.items */
	MemoryContext rowcxt;		/* reset after every row */
	Datum		flow_id;
	int			ord;			/* rank of the last row within its flow */
} MgetReceiver;

static void
mget_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	((MgetReceiver *) self)->ord = 0;
}

/*
 * Put one (flow_id, ord, item) row into the tuplestore.  When the query's
 * row has the layout of podrec.items (no dropped columns), the scan's
 * tuple is taken as it is (no copy for a buffer slot) and copied once as
 * the item; else the item is formed from the slot's values.
 */
static bool
mget_receive(TupleTableSlot *slot, DestReceiver *self)
{
	MgetReceiver *r = (MgetReceiver *) self;
	MemoryContext oldcxt = MemoryContextSwitchTo(r->rowcxt);
	TupleDesc	desc = slot->tts_tupleDescriptor;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	CHECK_FOR_INTERRUPTS();
	values[0] = r->flow_id;
	values[1] = Int32GetDatum(++r->ord);
	if (desc->natts == r->itemdesc->natts)
	{
		HeapTuple	tuple = ExecFetchSlotHeapTuple(slot, false, NULL);

		values[2] = heap_copy_tuple_as_datum(tuple, r->itemdesc);
	}
	else
	{
		Datum	   *v = palloc(sizeof(Datum) * r->itemdesc->natts);
		bool	   *n = palloc(sizeof(bool) * r->itemdesc->natts);
		int			j = 0;

		/* the query returns the columns that are not dropped, in order */
		slot_getallattrs(slot);
		for (int i = 0; i < r->itemdesc->natts; i++)
		{
			bool		dropped = TupleDescAttr(r->itemdesc, i)->attisdropped || j >= desc->natts;

			v[i] = dropped ? (Datum) 0 : slot->tts_values[j];
			n[i] = dropped ? true : slot->tts_isnull[j];
			if (!dropped)
				j++;
		}
		values[2] = heap_copy_tuple_as_datum(heap_form_tuple(r->itemdesc, v, n), r->itemdesc);
	}
	tuplestore_putvalues(r->rsinfo->setResult, r->rsinfo->setDesc, values, nulls);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(r->rowcxt);
	return true;
}

static void
mget_shutdown(DestReceiver *self)
{
}

static void
mget_destroy(DestReceiver *self)
{
}

/* A member of a request object, or NULL. */
static JsonbValue *
request_member(JsonbContainer *obj, const char *name)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) name;
	k.val.string.len = strlen(name);
	return findJsonbValueFromContainer(obj, JB_FOBJECT, &k);
}

/* Check request number pos (1-based) of an mget body into req. */
static void
mget_parse_request(JsonbValue *elem, int pos, FindRequest *req)
{
	char	   *prefix = psprintf("request %d: ", pos);
	JsonbValue *flow;
	JsonbValue *params;
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	Jsonb	   *pjb = NULL;

	if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%smust be a JSON object with flowId and params", prefix),
				 errdetail("It is a JSON %s.", json_type_name(elem))));

	/* only flowId and params */
	it = JsonbIteratorInit(elem->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		(void) JsonbIteratorNext(&it, &v, true);
		if (!((k.val.string.len == 6 && memcmp(k.val.string.val, "flowId", 6) == 0) ||
			  (k.val.string.len == 6 && memcmp(k.val.string.val, "params", 6) == 0)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%sunknown key \"%s\"", prefix, clip(k.val.string.val, k.val.string.len)),
					 errhint("A request has the keys flowId and params.")));
	}

	flow = request_member(elem->val.binary.data, "flowId");
	if (flow == NULL || flow->type == jbvNull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sflowId is missing", prefix)));
	if (flow->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%sflowId must be a string", prefix),
				 errdetail("It is a JSON %s.", json_type_name(flow))));

	params = request_member(elem->val.binary.data, "params");
	if (params != NULL && params->type != jbvNull)
	{
		if (params->type != jbvBinary || !JsonContainerIsObject(params->val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%sparams must be a JSON object", prefix),
					 errdetail("It is a JSON %s.", json_type_name(params))));
		pjb = JsonbValueToJsonb(params);
	}
	find_parse_params(pjb, FIND_MODE_FIND, prefix, req);
	req->flow_id = cstring_to_text_with_len(flow->val.string.val, flow->val.string.len);
}

/*
 * Check an mget body (NULL for SQL NULL): a JSON array of at most
 * MGET_MAX_REQUESTS requests, each checked into a FindRequest, no flowId
 * twice.  Returns the requests and sets *nreqs.
 */
FindRequest *
mget_parse_body(Jsonb *body, int *nreqs)
{
	int			n;
	FindRequest *reqs;
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	int			pos = 0;

	if (body == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("requests must not be null")));
	if (!JB_ROOT_IS_ARRAY(body) || JB_ROOT_IS_SCALAR(body))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("requests must be a JSON array of {\"flowId\", \"params\"} objects"),
				 errdetail("It is a JSON %s.", JB_ROOT_IS_SCALAR(body) ? "scalar" : "object")));
	n = JB_ROOT_COUNT(body);
	if (n > MGET_MAX_REQUESTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many requests: %d", n),
				 errdetail("An mget body holds at most %d requests.", MGET_MAX_REQUESTS)));

	reqs = palloc0(sizeof(FindRequest) * Max(n, 1));
	it = JsonbIteratorInit(&body->root);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		mget_parse_request(&elem, pos + 1, &reqs[pos]);
		for (int j = 0; j < pos; j++)
			if (VARSIZE_ANY_EXHDR(reqs[j].flow_id) == VARSIZE_ANY_EXHDR(reqs[pos].flow_id) &&
				memcmp(VARDATA_ANY(reqs[j].flow_id), VARDATA_ANY(reqs[pos].flow_id),
					   VARSIZE_ANY_EXHDR(reqs[pos].flow_id)) == 0)
			{
				char	   *id = text_to_cstring(reqs[pos].flow_id);

				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("request %d: flowId \"%s\" is repeated", pos + 1, clip(id, strlen(id))),
						 errdetail("Request %d asks for the same flow.", j + 1),
						 errhint("Ask for each flow once: the response has one entry per flowId.")));
			}
		pos++;
	}
	*nreqs = n;
	return reqs;
}

/*
 * podrec.mget(requests): every request of a seed-002 body answered by its
 * own find, rows in request order, then in the order of each find.
 *
 * Materialized rather than value-per-call: the parameters and filter of
 * every request are checked before any query runs, a flow that does not
 * exist is found when its find returns nothing, and every row is in the
 * tuplestore before the first is returned, so a bad request returns
 * nothing and the error names it.  A body is at most
 * MGET_MAX_REQUESTS finds of at most FIND_MAX_LIMIT items, so the store is
 * bounded (and spills to disk past work_mem).  Value-per-call would keep
 * each flow's portal open across calls, paying a portal, a snapshot push
 * and a function call per row, and could not take back rows already
 * returned when a later flow fails.  The executor of each flow's cached
 * plan writes its rows straight into the tuplestore through a receiver
 * (MgetReceiver): one copy of each item, formed in a per-row context reset
 * after each row.
 *
 * Duplicate flowIds are refused: the nested response has one entry per
 * flowId, so a second request for a flow could only overwrite or merge
 * the first.
 */
Datum
podrec_mget(PG_FUNCTION_ARGS)
{
	int			n;
	FindRequest *reqs;
	MgetReceiver recv;
	int			nest;

	/* 1. every request checked before any runs */
	reqs = mget_parse_body(arg_jsonb(fcinfo, 0), &n);

	InitMaterializedSRF(fcinfo, 0);
	memset(&recv, 0, sizeof(recv));
	recv.pub.receiveSlot = mget_receive;
	recv.pub.rStartup = mget_startup;
	recv.pub.rShutdown = mget_shutdown;
	recv.pub.rDestroy = mget_destroy;
	recv.pub.mydest = DestTuplestore;
	recv.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	recv.itemdesc = lookup_rowtype_tupdesc(TupleDescAttr(recv.rsinfo->setDesc, 2)->atttypid, -1);
	recv.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "podrec mget row",
										ALLOCSET_DEFAULT_SIZES);
	nest = find_plans_enter();
	SPI_connect();
	if (n > 0)
		find_access(&reqs[0]);
	for (int i = 1; i < n; i++)
	{
		reqs[i].as_owner = reqs[0].as_owner;
		reqs[i].owner = reqs[0].owner;
		reqs[i].one_account = reqs[0].one_account;
		reqs[i].tenant = reqs[0].tenant;
	}

	/* 2. each flow by its own index scans (an unknown flow found on the way) */
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		recv.flow_id = PointerGetDatum(reqs[i].flow_id);
		(void) find_run_dest(&reqs[i], (DestReceiver *) &recv);
	}
	SPI_finish();
	find_plans_leave(nest);
	ReleaseTupleDesc(recv.itemdesc);
	MemoryContextDelete(recv.rowcxt);
	return (Datum) 0;
}

/* ---------------------------------------------------------------------
 * podrec.cursor_of: the after cursor of an item
 * ---------------------------------------------------------------------
 */

/* Push a string member onto an object being built. */
static void
push_string(JsonbParseState **state, const char *key, const char *value)
{
	JsonbValue	k,
				v;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	v.type = jbvString;
	v.val.string.val = (char *) value;
	v.val.string.len = strlen(value);
	pushJsonbValue(state, WJB_KEY, &k);
	pushJsonbValue(state, WJB_VALUE, &v);
}

/* Push an int64 member onto an object being built. */
static void
push_int64(JsonbParseState **state, const char *key, int64 value)
{
	JsonbValue	k,
				v;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int8_numeric, Int64GetDatum(value)));
	pushJsonbValue(state, WJB_KEY, &k);
	pushJsonbValue(state, WJB_VALUE, &v);
}

/*
 * podrec.cursor_of(item, params): the cursor that continues a find with
 * these params (their sort and order) after this item.
 */
Datum
podrec_cursor_of(PG_FUNCTION_ARGS)
{
	HeapTupleHeader item;
	FindRequest req;
	JsonbParseState *state = NULL;
	JsonbValue *res;
	bool		isnull;
	Datum		d;
	char	   *json;
	int			len;
	char	   *b64;
	int			b64len;
	int			out = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	item = PG_GETARG_HEAPTUPLEHEADER(0);
	find_parse_params(arg_jsonb(fcinfo, 1), FIND_MODE_FIND, "", &req);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_string(&state, "s", sort_name(&req));
	push_string(&state, "o", req.desc ? "desc" : "asc");
	d = GetAttributeByName(item, "created_at", &isnull);
	if (isnull)
		PG_RETURN_NULL();
	push_int64(&state, "t", DatumGetTimestampTz(d));
	d = GetAttributeByName(item, "id", &isnull);
	if (isnull)
		PG_RETURN_NULL();
	push_int64(&state, "i", DatumGetInt64(d));
	if (req.sort == FIND_SORT_FLAT)
	{
		Datum		doc = GetAttributeByName(item, "doc", &isnull);
		Datum		value;
		JsonbValue	k,
					v;

		if (isnull)
			PG_RETURN_NULL();
		if (!call2(podrec_flat_get, doc, PointerGetDatum(req.sort_key), &value))
			value = DirectFunctionCall1(jsonb_in, CStringGetDatum("null"));
		k.type = jbvString;
		k.val.string.val = "v";
		k.val.string.len = 1;
		pushJsonbValue(&state, WJB_KEY, &k);
		if (JB_ROOT_IS_SCALAR(DatumGetJsonbP(value)))
		{
			JsonbExtractScalar(&DatumGetJsonbP(value)->root, &v);
			pushJsonbValue(&state, WJB_VALUE, &v);
		}
		else
		{
			v.type = jbvBinary;
			v.val.binary.data = &DatumGetJsonbP(value)->root;
			v.val.binary.len = VARSIZE(DatumGetJsonbP(value)) - VARHDRSZ;
			pushJsonbValue(&state, WJB_VALUE, &v);
		}
	}
	else if (req.sort != FIND_SORT_CREATED)
	{
		d = GetAttributeByName(item, sort_name(&req), &isnull);
		push_int64(&state, "v", isnull ? DT_NOBEGIN : DatumGetTimestampTz(d));
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);

	json = JsonbToCString(NULL, &JsonbValueToJsonb(res)->root, 0);
	len = strlen(json);
	b64 = palloc(pg_b64_enc_len(len) + 1);
	b64len = pg_b64_encode(json, len, b64, pg_b64_enc_len(len));
	if (b64len < 0)
		elog(ERROR, "could not encode a cursor");
	for (int i = 0; i < b64len; i++)
	{
		char		c = b64[i];

		if (c == '=')
			break;
		b64[out++] = (c == '+') ? '-' : (c == '/') ? '_' : c;
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(b64, out));
}

/* ---------------------------------------------------------------------
 * podrec.as_drop: an item as a seed-002 drop
 * ---------------------------------------------------------------------
 */

/* Push a key onto an object being built. */
static void
push_key(JsonbParseState **state, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(state, WJB_KEY, &k);
}

/* Push a text member onto an object being built. */
static void
push_text(JsonbParseState **state, const char *key, text *value)
{
	JsonbValue	v;

	push_key(state, key);
	v.type = jbvString;
	v.val.string.val = VARDATA_ANY(value);
	v.val.string.len = VARSIZE_ANY_EXHDR(value);
	pushJsonbValue(state, WJB_VALUE, &v);
}

/* Push a member holding a whole jsonb container. */
static void
push_container(JsonbParseState **state, const char *key, Jsonb *jb)
{
	JsonbValue	v;

	push_key(state, key);
	v.type = jbvBinary;
	v.val.binary.data = &jb->root;
	v.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	pushJsonbValue(state, WJB_VALUE, &v);
}

/* The path of a flow (SQL NULL: none, or no such flow). */
static text *
flow_path(text *flow_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			type = TEXTOID;
	Datum		value = PointerGetDatum(flow_id);
	text	   *result = NULL;
	MemoryContext callcxt = CurrentMemoryContext;
	int			nest = find_plans_enter();

	SPI_connect();
	if (plan == NULL)
	{
		/* by the primary key whatever the id: a generic plan, made once */
		SPIPlanPtr	p = SPI_prepare_cursor("SELECT f.path FROM podrec.flows AS f WHERE f.id OPERATOR(pg_catalog.=) $1",
										   1, &type, CURSOR_OPT_GENERIC_PLAN);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_prepare failed for the path of a flow");
		plan = p;
	}
	if (SPI_execute_plan(plan, &value, NULL, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			MemoryContext spicxt = MemoryContextSwitchTo(callcxt);

			result = DatumGetTextPCopy(d);
			MemoryContextSwitchTo(spicxt);
		}
	}
	SPI_finish();
	find_plans_leave(nest);
	return result;
}

/* The flow whose path as_drop looked up last, kept for the query. */
typedef struct FlowPathCache
{
	text	   *flow_id;
	text	   *path;			/* NULL: none */
} FlowPathCache;

/* The path of a flow, looked up once for a run of items of that flow. */
static text *
cached_flow_path(FunctionCallInfo fcinfo, text *flow_id)
{
	FlowPathCache *cache = (FlowPathCache *) fcinfo->flinfo->fn_extra;
	MemoryContext oldcxt;
	text	   *path;

	if (cache != NULL && cache->flow_id != NULL &&
		VARSIZE_ANY_EXHDR(cache->flow_id) == VARSIZE_ANY_EXHDR(flow_id) &&
		memcmp(VARDATA_ANY(cache->flow_id), VARDATA_ANY(flow_id), VARSIZE_ANY_EXHDR(flow_id)) == 0)
		return cache->path;
	path = flow_path(flow_id);
	oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache == NULL)
	{
		cache = palloc0(sizeof(FlowPathCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->flow_id != NULL)
		pfree(cache->flow_id);
	if (cache->path != NULL)
		pfree(cache->path);
	cache->flow_id = (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(flow_id));
	cache->path = path != NULL ? (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(path)) : NULL;
	MemoryContextSwitchTo(oldcxt);
	return cache->path;
}

/*
 * podrec.as_drop(item): id (the uid), flowId, creationDate (epoch ms),
 * path (the drop's, else its flow's, else null) and elems (the drop's,
 * else the whole item).
 */
Datum
podrec_as_drop(PG_FUNCTION_ARGS)
{
	HeapTupleHeader item = PG_GETARG_HEAPTUPLEHEADER(0);
	TupleDesc	desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(item),
											  HeapTupleHeaderGetTypMod(item));
	HeapTupleData tuple;
	Datum	   *values = palloc(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc(sizeof(bool) * desc->natts);
	int			a_uid = -1,
				a_flow = -1,
				a_created = -1,
				a_doc = -1;
	Jsonb	   *doc;
	JsonbParseState *state = NULL;
	JsonbValue *found;
	JsonbValue	v;
	TimestampTz created;
	int64		ms;
	text	   *path = NULL;

	tuple.t_len = HeapTupleHeaderGetDatumLength(item);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = item;
	heap_deform_tuple(&tuple, desc, values, nulls);
	for (int i = 0; i < desc->natts; i++)
	{
		const char *name = NameStr(TupleDescAttr(desc, i)->attname);

		if (TupleDescAttr(desc, i)->attisdropped)
			continue;
		if (strcmp(name, "uid") == 0)
			a_uid = i;
		else if (strcmp(name, "flow_id") == 0)
			a_flow = i;
		else if (strcmp(name, "created_at") == 0)
			a_created = i;
		else if (strcmp(name, "doc") == 0)
			a_doc = i;
	}
	ReleaseTupleDesc(desc);
	if (a_uid < 0 || a_flow < 0 || a_created < 0 || a_doc < 0 ||
		nulls[a_uid] || nulls[a_flow] || nulls[a_created] || nulls[a_doc])
		PG_RETURN_NULL();
	doc = DatumGetJsonbP(values[a_doc]);
	created = DatumGetTimestampTz(values[a_created]);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_text(&state, "id", DatumGetTextPP(values[a_uid]));
	push_text(&state, "flowId", DatumGetTextPP(values[a_flow]));

	/* epoch milliseconds, rounded down */
	ms = created + ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
	ms = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	push_int64(&state, "creationDate", ms);

	found = JB_ROOT_IS_OBJECT(doc) ? getKeyJsonValueFromContainer(&doc->root, "path", 4, NULL) : NULL;
	push_key(&state, "path");
	if (found != NULL && found->type == jbvString)
		pushJsonbValue(&state, WJB_VALUE, found);
	else if ((path = cached_flow_path(fcinfo, DatumGetTextPP(values[a_flow]))) != NULL)
	{
		v.type = jbvString;
		v.val.string.val = VARDATA_ANY(path);
		v.val.string.len = VARSIZE_ANY_EXHDR(path);
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	else
	{
		v.type = jbvNull;
		pushJsonbValue(&state, WJB_VALUE, &v);
	}

	found = JB_ROOT_IS_OBJECT(doc) ? getKeyJsonValueFromContainer(&doc->root, "elems", 5, NULL) : NULL;
	if (found != NULL && found->type == jbvBinary && JsonContainerIsObject(found->val.binary.data))
	{
		push_key(&state, "elems");
		pushJsonbValue(&state, WJB_VALUE, found);
	}
	else
		push_container(&state, "elems", doc);

	PG_RETURN_JSONB_P(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/* ---------------------------------------------------------------------
 * podrec.mget_response: the whole seed-002 response, built in C
 * ---------------------------------------------------------------------
 *
 * The drops are written once, in jsonb's stored form, and the response is
 * put together from them without taking them apart again: the elems of a
 * drop (a container of the item's doc) are copied as they are stored.
 * Building the same value with jsonb_agg, jsonb_object_agg and
 * jsonb_build_object in SQL walks and rewrites every drop once per level;
 * at some 1 kB a drop that was most of a request's time.
 *
 * A part of a value being written is a scalar, the stored bytes of a
 * container (a drop), or a container to write from parts of its own.
 */
typedef struct JsonbPart
{
	const char *data;			/* string bytes, numeric varlena, container bytes */
	struct JsonbPart *parts;	/* a container to write (data NULL): elements, */
	uint32		type;			/* JENTRY_IS*: the part's JEntry type */
	int			len;
	int			nparts;			/* or for an object key, value, key, value ... */
	bool		object;
} JsonbPart;

/* Pad buf with zeros to a multiple of 4 bytes; returns the padding. */
static int
part_pad(StringInfo buf)
{
	int			pad = INTALIGN(buf->len) - buf->len;

	appendBinaryStringInfo(buf, "\0\0\0", pad);
	return pad;
}

/* The key order of a stored jsonb object: shorter keys first, then bytewise. */
static int
part_key_cmp(const void *a, const void *b)
{
	const JsonbPart *ka = (const JsonbPart *) a;
	const JsonbPart *kb = (const JsonbPart *) b;

	if (ka->len != kb->len)
		return ka->len > kb->len ? 1 : -1;
	return memcmp(ka->data, kb->data, ka->len);
}

static void part_write_container(StringInfo buf, const JsonbPart *c);

/* Append a part's data to buf; returns its JEntry (type and length, padding included). */
static uint32
part_write(StringInfo buf, const JsonbPart *p)
{
	int			start = buf->len;

	if (p->type == JENTRY_ISCONTAINER)
	{
		(void) part_pad(buf);
		if (p->data != NULL)
			appendBinaryStringInfo(buf, p->data, p->len);
		else
			part_write_container(buf, p);
	}
	else if (p->type == JENTRY_ISNUMERIC)
	{
		(void) part_pad(buf);
		appendBinaryStringInfo(buf, p->data, p->len);
	}
	else if (p->type == JENTRY_ISSTRING)
		appendBinaryStringInfo(buf, p->data, p->len);
	if (buf->len - start > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("total size of jsonb array elements exceeds the maximum of %d bytes",
						JENTRY_OFFLENMASK)));
	return p->type | (uint32) (buf->len - start);
}

/*
 * Write a container from its parts at the end of buf (int-aligned there):
 * the header, the JEntries (every JB_OFFSET_STRIDE'th an end offset), then
 * the data; an object's pairs sorted by key, keys before values, as
 * jsonb stores them.  An object's keys must be distinct.
 */
static void
part_write_container(StringInfo buf, const JsonbPart *c)
{
	int			n = c->object ? c->nparts / 2 : c->nparts;
	int			nentries = c->object ? 2 * n : n;
	JsonbPart  *order = c->parts;
	uint32		header = (uint32) n | (c->object ? JB_FOBJECT : JB_FARRAY);
	int			entries;
	int			datastart;
	uint32		total = 0;

	check_stack_depth();
	Assert(buf->len == INTALIGN(buf->len));
	if (c->object && n > 1)
	{
		/* sorted pairs, keys then values */
		JsonbPart  *pairs = palloc(sizeof(JsonbPart) * 2 * n);
		JsonbPart  *keys = palloc(sizeof(JsonbPart) * n);
		int		   *rank;

		for (int i = 0; i < n; i++)
		{
			keys[i] = c->parts[2 * i];
			keys[i].nparts = i;	/* where its value is */
		}
		qsort(keys, n, sizeof(JsonbPart), part_key_cmp);
		rank = palloc(sizeof(int) * n);
		for (int i = 0; i < n; i++)
			rank[i] = keys[i].nparts;
		for (int i = 0; i < n; i++)
		{
			pairs[i] = keys[i];
			pairs[i].nparts = 0;
			pairs[n + i] = c->parts[2 * rank[i] + 1];
		}
		order = pairs;
	}
	else if (c->object && n == 1)
		order = c->parts;		/* key, value: already keys then values */

	appendBinaryStringInfo(buf, (char *) &header, sizeof(uint32));
	entries = buf->len;
	enlargeStringInfo(buf, sizeof(JEntry) * nentries);
	memset(buf->data + buf->len, 0, sizeof(JEntry) * nentries);
	buf->len += sizeof(JEntry) * nentries;
	datastart = buf->len;
	for (int i = 0; i < nentries; i++)
	{
		uint32		meta;

		CHECK_FOR_INTERRUPTS();
		meta = part_write(buf, &order[i]);
		total += JBE_OFFLENFLD(meta);
		if (total > JENTRY_OFFLENMASK)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("total size of jsonb array elements exceeds the maximum of %d bytes",
							JENTRY_OFFLENMASK)));
		if (i % JB_OFFSET_STRIDE == 0)
			meta = (meta & JENTRY_TYPEMASK) | total | JENTRY_HAS_OFF;
		memcpy(buf->data + entries + sizeof(JEntry) * i, &meta, sizeof(JEntry));
	}
	Assert(buf->len - datastart == (int) total);
	(void) datastart;
}

/* A string part (the bytes are not copied). */
static JsonbPart
part_string(const char *s, int len)
{
	JsonbPart	p = {.data = s, .type = JENTRY_ISSTRING, .len = len};

	return p;
}

/* A container part to be written from parts. */
static JsonbPart
part_container(JsonbPart *parts, int n, bool object)
{
	JsonbPart	p = {.parts = parts, .type = JENTRY_ISCONTAINER, .nparts = n, .object = object};

	return p;
}

/* A part of a jsonb value as it is stored: a scalar, or its container's bytes. */
static JsonbPart
part_jsonb_value(JsonbValue *v)
{
	JsonbPart	p = {.type = JENTRY_ISNULL};

	switch (v->type)
	{
		case jbvNull:
			break;
		case jbvString:
			p = part_string(v->val.string.val, v->val.string.len);
			break;
		case jbvNumeric:
			p.type = JENTRY_ISNUMERIC;
			p.data = (const char *) v->val.numeric;
			p.len = VARSIZE_ANY(v->val.numeric);
			break;
		case jbvBool:
			p.type = v->val.boolean ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
			break;
		case jbvBinary:
			if (JsonContainerIsScalar(v->val.binary.data))
			{
				JsonbValue	s;

				(void) JsonbExtractScalar(v->val.binary.data, &s);
				return part_jsonb_value(&s);
			}
			p.type = JENTRY_ISCONTAINER;
			p.data = (const char *) v->val.binary.data;
			p.len = v->val.binary.len;
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
	return p;
}

/* The stored jsonb of a value written from parts. */
static Jsonb *
part_jsonb(const JsonbPart *root)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, "\0\0\0\0", VARHDRSZ);
	part_write_container(&buf, root);
	SET_VARSIZE(buf.data, buf.len);
	return (Jsonb *) buf.data;
}

/*
 * What mget_response collects: the drops of every request (or, flat, of
 * all of them in order), each the stored bytes of the drop object.
 */
typedef struct MgetFlow
{
	text	   *flow_id;		/* the request's flowId */
	JsonbPart  *drops;
	int			ndrops;
	int			maxdrops;
} MgetFlow;

typedef struct DropReceiver
{
	DestReceiver pub;			/* must be first */
	MemoryContext keepcxt;		/* the drops */
	MemoryContext rowcxt;		/* reset after every row */
	MgetFlow   *flows;
	int			nflows;
	int			cur;			/* the flow of the last row */
	text	   *path_flow;		/* the flow whose path was looked up last */
	text	   *path;			/* its path, NULL: none */
} DropReceiver;

static void
drop_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
drop_shutdown(DestReceiver *self)
{
}

static void
drop_destroy(DestReceiver *self)
{
}

static bool
text_equal(text *a, text *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

/* The path of a flow, looked up (as the caller) once for a run of its drops. */
static text *
drop_flow_path(DropReceiver *r, text *flow_id)
{
	MemoryContext oldcxt;
	text	   *path;

	if (r->path_flow != NULL && text_equal(r->path_flow, flow_id))
		return r->path;
	path = flow_path(flow_id);
	oldcxt = MemoryContextSwitchTo(r->keepcxt);
	r->path_flow = (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(flow_id));
	r->path = path != NULL ? (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(path)) : NULL;
	MemoryContextSwitchTo(oldcxt);
	return r->path;
}

/*
 * One mget row (flow_id, uid, item flow_id, created_at, doc) as a drop, as
 * podrec.as_drop makes it (JSON null when a column is null), added to the
 * drops of its request.
 */
static bool
drop_receive(TupleTableSlot *slot, DestReceiver *self)
{
	DropReceiver *r = (DropReceiver *) self;
	MemoryContext oldcxt = MemoryContextSwitchTo(r->rowcxt);
	JsonbPart	drop = {.type = JENTRY_ISNULL};
	MgetFlow   *f;
	text	   *req_flow;

	CHECK_FOR_INTERRUPTS();
	slot_getallattrs(slot);
	if (slot->tts_isnull[0])
		elog(ERROR, "podrec.mget returned a row without a flow");
	req_flow = DatumGetTextPP(slot->tts_values[0]);

	/* the request of the row: the last one's, or found by its flowId */
	if (r->cur < 0 || r->cur >= r->nflows || !text_equal(r->flows[r->cur].flow_id, req_flow))
	{
		r->cur = -1;
		for (int i = 0; i < r->nflows; i++)
			if (text_equal(r->flows[i].flow_id, req_flow))
			{
				r->cur = i;
				break;
			}
		if (r->cur < 0)
			elog(ERROR, "podrec.mget returned a row of a flow it was not asked for");
	}
	f = &r->flows[r->cur];

	if (!slot->tts_isnull[1] && !slot->tts_isnull[2] && !slot->tts_isnull[3] && !slot->tts_isnull[4])
	{
		text	   *uid = DatumGetTextPP(slot->tts_values[1]);
		text	   *flow = DatumGetTextPP(slot->tts_values[2]);
		TimestampTz created = DatumGetTimestampTz(slot->tts_values[3]);
		Jsonb	   *doc = DatumGetJsonbP(slot->tts_values[4]);
		JsonbPart	parts[10];
		JsonbValue	v;
		JsonbValue *found;
		int64		ms;
		text	   *path;
		Jsonb	   *built;

		parts[0] = part_string("id", 2);
		parts[1] = part_string(VARDATA_ANY(uid), VARSIZE_ANY_EXHDR(uid));
		parts[2] = part_string("flowId", 6);
		parts[3] = part_string(VARDATA_ANY(flow), VARSIZE_ANY_EXHDR(flow));

		/* epoch milliseconds, rounded down */
		ms = created + ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
		ms = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
		parts[4] = part_string("creationDate", 12);
		v.type = jbvNumeric;
		v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int8_numeric, Int64GetDatum(ms)));
		parts[5] = part_jsonb_value(&v);

		/* path: the drop's, else its flow's, else null */
		parts[6] = part_string("path", 4);
		found = JB_ROOT_IS_OBJECT(doc) ? getKeyJsonValueFromContainer(&doc->root, "path", 4, NULL) : NULL;
		if (found != NULL && found->type == jbvString)
			parts[7] = part_jsonb_value(found);
		else if ((path = drop_flow_path(r, flow)) != NULL)
			parts[7] = part_string(VARDATA_ANY(path), VARSIZE_ANY_EXHDR(path));
		else
		{
			v.type = jbvNull;
			parts[7] = part_jsonb_value(&v);
		}

		/* elems: the drop's, else the whole item */
		parts[8] = part_string("elems", 5);
		found = JB_ROOT_IS_OBJECT(doc) ? getKeyJsonValueFromContainer(&doc->root, "elems", 5, NULL) : NULL;
		if (found != NULL && found->type == jbvBinary && JsonContainerIsObject(found->val.binary.data))
			parts[9] = part_jsonb_value(found);
		else
		{
			v.type = jbvBinary;
			v.val.binary.data = &doc->root;
			v.val.binary.len = VARSIZE(doc) - VARHDRSZ;
			parts[9] = part_jsonb_value(&v);
		}

		drop = part_container(parts, 10, true);
		built = part_jsonb(&drop);
		MemoryContextSwitchTo(r->keepcxt);
		drop.data = palloc(VARSIZE(built) - VARHDRSZ);
		drop.len = VARSIZE(built) - VARHDRSZ;
		memcpy((char *) drop.data, VARDATA(built), drop.len);
		drop.parts = NULL;
		drop.nparts = 0;
		drop.object = false;
	}
	MemoryContextSwitchTo(r->keepcxt);
	if (f->ndrops == f->maxdrops)
	{
		f->maxdrops = f->maxdrops == 0 ? 32 : f->maxdrops * 2;
		f->drops = f->drops == NULL ? palloc(sizeof(JsonbPart) * f->maxdrops)
			: repalloc(f->drops, sizeof(JsonbPart) * f->maxdrops);
	}
	f->drops[f->ndrops++] = drop;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(r->rowcxt);
	return true;
}

/*
 * podrec.mget_response(requests, flatten): {head, body}, body the drops
 * nested by flowId (every requested flow, [] when none matched) or, with
 * flatten 'flat', one array of them in request order.  The rows come from
 * podrec.mget, by name, as SQL would call it (a coordinator's mget talks to
 * its shards); its checks and errors are mget's.
 */
Datum
podrec_mget_response(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	Jsonb	   *requests = arg_jsonb(fcinfo, 0);
	bool		flat = false;
	DropReceiver recv;
	SPIExecuteOptions options;
	ParamListInfo params;
	JsonbPart	head[10];
	JsonbPart	top[4];
	JsonbPart	empty_array = {.type = JENTRY_ISCONTAINER};
	JsonbPart	empty_object = {.type = JENTRY_ISCONTAINER, .object = true};
	JsonbPart	body;
	JsonbValue	v;
	int			rc;
	int			nest;

	if (!PG_ARGISNULL(1))
	{
		text	   *f = PG_GETARG_TEXT_PP(1);

		if (VARSIZE_ANY_EXHDR(f) != 4 || memcmp(VARDATA_ANY(f), "flat", 4) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid flatten \"%s\"", clip(VARDATA_ANY(f), VARSIZE_ANY_EXHDR(f))),
					 errdetail("flatten is \"flat\" (one array of drops) or null (drops nested by flowId).")));
		flat = true;
	}

	memset(&recv, 0, sizeof(recv));
	recv.pub.receiveSlot = drop_receive;
	recv.pub.rStartup = drop_startup;
	recv.pub.rShutdown = drop_shutdown;
	recv.pub.rDestroy = drop_destroy;
	recv.pub.mydest = DestNone;
	recv.keepcxt = CurrentMemoryContext;
	recv.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "podrec mget_response row",
										ALLOCSET_DEFAULT_SIZES);
	recv.cur = -1;

	/* the requested flows, in order (mget checks the body when it runs) */
	if (requests != NULL && JB_ROOT_IS_ARRAY(requests) && !JB_ROOT_IS_SCALAR(requests))
	{
		JsonbIterator *it = JsonbIteratorInit(&requests->root);
		JsonbIteratorToken tok;
		JsonbValue	elem;

		recv.flows = palloc0(sizeof(MgetFlow) * Max(JB_ROOT_COUNT(requests), 1));
		while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		{
			JsonbValue *flow;

			if (tok != WJB_ELEM)
				continue;
			flow = (elem.type == jbvBinary && JsonContainerIsObject(elem.val.binary.data))
				? request_member(elem.val.binary.data, "flowId") : NULL;
			recv.flows[recv.nflows++].flow_id = (flow != NULL && flow->type == jbvString)
				? cstring_to_text_with_len(flow->val.string.val, flow->val.string.len)
				: cstring_to_text("");
		}
	}

	nest = find_plans_enter();
	SPI_connect();
	if (plan == NULL)
	{
		Oid			type = JSONBOID;
		SPIPlanPtr	p = SPI_prepare_cursor("SELECT m.flow_id, (m.item).uid, (m.item).flow_id, (m.item).created_at, "
										   "(m.item).doc FROM podrec.mget($1) AS m", 1, &type,
										   CURSOR_OPT_GENERIC_PLAN);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_prepare failed for mget_response");
		plan = p;
	}
	params = makeParamList(1);
	params->params[0].value = PointerGetDatum(requests);
	params->params[0].isnull = (requests == NULL);
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = JSONBOID;
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = (DestReceiver *) &recv;
	rc = SPI_execute_plan_extended(plan, &options);
	if (rc != SPI_OK_SELECT && rc != SPI_OK_UTILITY)
		elog(ERROR, "SPI_execute_plan_extended failed for mget_response: %s", SPI_result_code_string(rc));
	SPI_finish();
	find_plans_leave(nest);
	MemoryContextDelete(recv.rowcxt);

	if (flat)
	{
		int			n = 0;
		JsonbPart  *all;
		int			k = 0;

		for (int i = 0; i < recv.nflows; i++)
			n += recv.flows[i].ndrops;
		all = palloc(sizeof(JsonbPart) * Max(n, 1));
		for (int i = 0; i < recv.nflows; i++)
		{
			memcpy(all + k, recv.flows[i].drops, sizeof(JsonbPart) * recv.flows[i].ndrops);
			k += recv.flows[i].ndrops;
		}
		body = part_container(all, n, false);
	}
	else
	{
		JsonbPart  *pairs = palloc(sizeof(JsonbPart) * 2 * Max(recv.nflows, 1));

		for (int i = 0; i < recv.nflows; i++)
		{
			pairs[2 * i] = part_string(VARDATA_ANY(recv.flows[i].flow_id), VARSIZE_ANY_EXHDR(recv.flows[i].flow_id));
			pairs[2 * i + 1] = part_container(recv.flows[i].drops, recv.flows[i].ndrops, false);
		}
		body = part_container(pairs, 2 * recv.nflows, true);
	}

	head[0] = part_string("status", 6);
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int4_numeric, Int32GetDatum(200)));
	head[1] = part_jsonb_value(&v);
	head[2] = part_string("ok", 2);
	v.type = jbvBool;
	v.val.boolean = true;
	head[3] = part_jsonb_value(&v);
	head[4] = part_string("messages", 8);
	head[5] = empty_array;
	head[6] = part_string("errors", 6);
	head[7] = empty_array;
	head[8] = part_string("references", 10);
	head[9] = empty_object;
	top[0] = part_string("head", 4);
	top[1] = part_container(head, 10, true);
	top[2] = part_string("body", 4);
	top[3] = body;
	{
		JsonbPart	root = part_container(top, 4, true);

		PG_RETURN_JSONB_P(part_jsonb(&root));
	}
}
