/*-------------------------------------------------------------------------
 *
 * record_types.c
 *	  The per-record halves of the record functions (seed 001 Tines
 *	  records, seed 004 typed records), the podrec.records_base_url
 *	  setting and URL encoding for page links.
 *
 * A record is an item whose record_type_id is set; its field values live in
 * doc at the fields' flat keys, as nested objects.  Everything that needs
 * tables (record types, flows, the insert itself) is done in SQL
 * (src/sql/50_record_types.sql); this file does what is done once per
 * record:
 *
 *	- record_assemble: the document of a new or updated record from the
 *	  values given for it (keyed by field id, display name or alias, or a
 *	  Tines field_values array): typed coercion, parse modes chosen by
 *	  another field's value, defaults, computed fields (jsonpath expressions
 *	  over the record, evaluated with jsonb_path_query_first in silent mode),
 *	  required fields, and artifacts (large text stored apart, referenced by
 *	  id from the document);
 *	- record_render: a stored record as records_list shows it, keyed by the
 *	  fields' display names;
 *	- record_value: a value checked and normalized for one field (defaults);
 *	- jsonpath_variables: the variables a computed expression uses.
 *
 * The record type reaches these functions as a JSON array of field
 * definitions (podrec.record_type_def), compiled once per call site and kept
 * for as long as the same definition comes back, so a batch compiles it
 * once.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/record_types.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "record_types.h"
#include "filter_eval.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/jsonfuncs.h"
#include "utils/jsonpath.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(podrec_records_base_url);
PG_FUNCTION_INFO_V1(podrec_url_encode);
PG_FUNCTION_INFO_V1(podrec_record_assemble);
PG_FUNCTION_INFO_V1(podrec_record_render);
PG_FUNCTION_INFO_V1(podrec_record_value);
PG_FUNCTION_INFO_V1(podrec_jsonpath_variables);
PG_FUNCTION_INFO_V1(podrec_flat_key_path);

/* User text quoted in messages is cut to this many characters. */
#define CLIP_CHARS 40

/* Field names listed in a hint, at most. */
#define HINT_FIELDS 20

/* Timestamps lie in the years 1 to 9999: [TS_MIN, TS_END), Unix microseconds. */
#define TS_MIN (-INT64CONST(62135596800000000))	/* 0001-01-01 00:00 UTC */
#define TS_END INT64CONST(253402300800000000)	/* 10000-01-01 00:00 UTC */

/* Microseconds from 1970-01-01 to 2000-01-01 (the TimestampTz epoch). */
#define UNIX_TO_PG_USECS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* The setting podrec.records_base_url. */
static char *records_base_url = NULL;

/* Field types, as record_fields.result_type names them. */
typedef enum FieldType
{
	FT_TEXT,
	FT_NUMBER,
	FT_TIMESTAMP,
	FT_BOOLEAN,
	FT_TEXT_ENUM,
	FT_ARTIFACT,
	FT_OBJECT,
	FT_ARRAY
} FieldType;

static const char *const field_type_names[] = {
	"TEXT", "NUMBER", "TIMESTAMP", "BOOLEAN", "TEXT_ENUM", "ARTIFACT", "OBJECT", "ARRAY"
};

/* The same, as messages say them. */
static const char *const field_type_words[] = {
	"text", "number", "timestamp", "boolean", "text enum", "artifact", "object", "array"
};

/* Where a field's value comes from. */
typedef enum FieldSource
{
	SRC_DOC,					/* the document, at the field's flat key */
	SRC_CREATED_AT,				/* items.created_at: the default field Timestamp */
	SRC_STORY					/* the flow's name: the default field Story name */
} FieldSource;

/* How a given value is read before it is stored. */
typedef enum ParseMode
{
	PM_NONE,					/* as the field type says */
	PM_JSON_STRING,				/* a string holding JSON is parsed; a structure is kept */
	PM_TEXT_OR_ARRAY,			/* a string or an array */
	PM_ANY						/* any JSON value */
} ParseMode;

static const char *const parse_mode_names[] = {"none", "json_string", "text_or_array", "any"};

/* A value of the parse_by field and the parse mode it chooses. */
typedef struct ParseChoice
{
	char	   *value;
	int			len;
	ParseMode	mode;
} ParseChoice;

/* One compiled field of a record type. */
typedef struct RecField
{
	int64		id;
	char		idtext[24];
	int			idlen;
	char	   *name;
	int			namelen;
	FieldType	type;
	FieldSource source;
	int			nfixed;
	char	  **fixed;
	int		   *fixedlen;
	int			naliases;
	char	  **aliases;
	int		   *aliaslen;
	int			nsegs;			/* the flat key, split into segments */
	char	  **segs;
	int		   *seglens;
	Jsonb	   *dflt;			/* default value, or NULL */
	Datum		computed;		/* jsonpath, or 0 */
	Jsonb	   *vars;			/* variables of the computed expression */
	bool		reads_all;		/* the expression may read any key of the record */
	int			nreads;			/* else the top-level keys it reads ($.key) */
	char	  **reads;
	int		   *readlens;
	ParseMode	parse_mode;		/* the mode, or the fallback of parse_by */
	int			parse_by;		/* index of the field choosing the mode, or -1 */
	int			nchoices;
	ParseChoice *choices;
	bool		required;
} RecField;

/* A compiled record type: its fields in position order. */
typedef struct RecDef
{
	int			n;
	RecField   *f;
} RecDef;

/* The definition a call site last saw, compiled. */
typedef struct DefCache
{
	MemoryContext context;
	char	   *bytes;
	Size		len;
	RecDef	   *def;
	char	   *raw;			/* the definition's datum as it came (compressed, a */
	Size		rawlen;			/* TOAST pointer), or NULL: seen again, no detoasting */
	Oid			artifact_seq;	/* podrec.artifacts_id_seq, once looked up */
} DefCache;

/* ---------------------------------------------------------------------
 * The setting, and URL encoding
 * ---------------------------------------------------------------------
 */

/* Check hook of podrec.records_base_url: a URL that a query string can follow. */
static bool
check_base_url(char **newval, void **extra, GucSource source)
{
	const char *s = *newval;

	if (s == NULL || s[0] == '\0')
	{
		GUC_check_errdetail("The base URL must not be empty.");
		return false;
	}
	for (; *s; s++)
		if (*s == '?' || *s == '#' || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		{
			GUC_check_errdetail("The base URL must not contain \"?\", \"#\" or white space: the page links append the query string to it.");
			return false;
		}
	return true;
}

/* Define podrec.records_base_url. */
void
podrec_records_init(void)
{
	DefineCustomStringVariable("podrec.records_base_url",
							   "Base URL of the page links (meta.current_page, previous_page, next_page) of records_list.",
							   "The links are this URL followed by the query string of the page.",
							   &records_base_url,
							   "https://localhost/api/v1/records",
							   PGC_USERSET, 0,
							   check_base_url, NULL, NULL);
}

/*
 * records_base_url() returns text
 *
 * The setting, read through the library so that it is defined even when
 * the library was not preloaded.
 */
Datum
podrec_records_base_url(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(records_base_url ? records_base_url : ""));
}

/*
 * url_encode(value text) returns text
 *
 * Percent-encoding of a query-string component (RFC 3986): every byte but
 * the unreserved characters A-Z a-z 0-9 - . _ ~ becomes %XX.
 */
Datum
podrec_url_encode(PG_FUNCTION_ARGS)
{
	text	   *in = PG_GETARG_TEXT_PP(0);
	const unsigned char *s = (const unsigned char *) VARDATA_ANY(in);
	int			len = VARSIZE_ANY_EXHDR(in);
	StringInfoData buf;
	int			i;
	static const char hex[] = "0123456789ABCDEF";

	initStringInfo(&buf);
	for (i = 0; i < len; i++)
	{
		unsigned char c = s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '.' || c == '_' || c == '~')
			appendStringInfoChar(&buf, (char) c);
		else
		{
			appendStringInfoChar(&buf, '%');
			appendStringInfoChar(&buf, hex[c >> 4]);
			appendStringInfoChar(&buf, hex[c & 15]);
		}
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

/* ---------------------------------------------------------------------
 * Messages
 * ---------------------------------------------------------------------
 */

/* User text for a message: at most CLIP_CHARS characters, then "...". */
static char *
clip(const char *s, int len)
{
	int			cut;

	if (pg_mbstrlen_with_len(s, len) <= CLIP_CHARS)
		return pnstrdup(s, len);
	cut = pg_mbcharcliplen(s, len, CLIP_CHARS);
	return psprintf("%.*s...", cut, s);
}

/* A JSON value as text for a message, clipped. */
static char *
shown_value(const JsonbValue *v)
{
	char	   *s;

	if (v->type == jbvBinary)
		s = JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	else
	{
		Jsonb	   *jb = JsonbValueToJsonb((JsonbValue *) v);

		s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	}
	return clip(s, strlen(s));
}

/* What a message says a JSON value is: "a string", "an object", ... */
static const char *
value_kind(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? "an object" : "an array";
		default:
			return "a value";
	}
}

/* The batch position of the record being assembled (0: a single record). */
static int	current_pos = 0;

/*
 * Reject the record: the message, and a detail that says which record of
 * the batch it is (when it is one) followed by detail.
 */
static void
pg_attribute_noreturn()
reject(int sqlerrcode, const char *detail, const char *hint, const char *message)
{
	if (current_pos > 0)
		detail = detail ? psprintf("Record %d of the batch is rejected. %s", current_pos, detail)
			: psprintf("Record %d of the batch is rejected.", current_pos);
	ereport(ERROR,
			(errcode(sqlerrcode),
			 errmsg_internal("%s", message),
			 detail ? errdetail_internal("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

/* "\"a\", \"b\" and \"c\"": a list of quoted strings for a hint. */
static char *
quoted_list(char **items, const int *lens, int n)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n && i < HINT_FIELDS; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, i == n - 1 ? " and " : ", ");
		appendStringInfo(&buf, "\"%s\"", clip(items[i], lens[i]));
	}
	if (n > HINT_FIELDS)
		appendStringInfoString(&buf, ", ...");
	return buf.data;
}

/* The hint that lists the fields of a record type. */
static char *
fields_hint(const RecDef *def)
{
	char	  **names = palloc(sizeof(char *) * Max(def->n, 1));
	int		   *lens = palloc(sizeof(int) * Max(def->n, 1));
	int			i;

	for (i = 0; i < def->n; i++)
	{
		names[i] = def->f[i].name;
		lens[i] = def->f[i].namelen;
	}
	return psprintf("The fields are %s, each named by its id, its name or one of its aliases.",
					quoted_list(names, lens, def->n));
}

/* ---------------------------------------------------------------------
 * Compiling a record type definition
 * ---------------------------------------------------------------------
 */

/*
 * A malformed definition.  Definitions come from podrec's SQL, but the C
 * functions that take one can be called with anything: a clean error.
 */
#define bad_def(what) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg("malformed record type definition: %s", (what))))

/* A timestamp no calendar of podrec can write. */
#define timestamp_out_of_range() \
	ereport(ERROR, \
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), \
			 errmsg("timestamp out of range")))

/* The strings of a JSON array (or none), copied. */
static int
def_strings(const FJson *arr, char ***out, int **lens)
{
	int			i;

	if (arr == NULL || arr->type == FJ_NULL)
	{
		*out = NULL;
		*lens = NULL;
		return 0;
	}
	if (arr->type != FJ_ARRAY)
		bad_def("a list is not an array");
	*out = palloc(sizeof(char *) * Max(arr->n, 1));
	*lens = palloc(sizeof(int) * Max(arr->n, 1));
	for (i = 0; i < arr->n; i++)
	{
		if (arr->items[i]->type != FJ_STRING)
			bad_def("a list holds a non-string");
		(*out)[i] = pnstrdup(arr->items[i]->str, arr->items[i]->len);
		(*lens)[i] = arr->items[i]->len;
	}
	return arr->n;
}

/* A JSON value of the definition as a Jsonb of its own. */
static Jsonb *
def_jsonb(const FJson *j)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterBuf	buf;
	int			i;

	/* Rebuild the text of the value, then read it as jsonb. */
	filter_buf_init(&buf, &alloc);
	switch (j->type)
	{
		case FJ_NULL:
			filter_buf_appends(&buf, "null");
			break;
		case FJ_BOOL:
			filter_buf_appends(&buf, j->boolean ? "true" : "false");
			break;
		case FJ_NUMBER:
			filter_buf_append(&buf, j->str, j->len);
			break;
		case FJ_STRING:
			filter_buf_append_json_string(&buf, j->str, j->len);
			break;
		case FJ_ARRAY:
		case FJ_OBJECT:
			filter_buf_appendc(&buf, j->type == FJ_ARRAY ? '[' : '{');
			for (i = 0; i < j->n; i++)
			{
				Jsonb	   *item = def_jsonb(j->items[i]);
				char	   *text = JsonbToCString(NULL, &item->root, VARSIZE(item));

				if (i > 0)
					filter_buf_appendc(&buf, ',');
				if (j->type == FJ_OBJECT)
				{
					filter_buf_append_json_string(&buf, j->keys[i], j->keylens[i]);
					filter_buf_appendc(&buf, ':');
				}
				filter_buf_appends(&buf, text);
			}
			filter_buf_appendc(&buf, j->type == FJ_ARRAY ? ']' : '}');
			break;
	}
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* The index of the field with the given id, or -1. */
static int
field_by_id(const RecDef *def, int64 id)
{
	int			i;

	for (i = 0; i < def->n; i++)
		if (def->f[i].id == id)
			return i;
	return -1;
}

static void jsonb_to_value(Jsonb *jb, JsonbValue *out);

/*
 * The top-level keys of the record that f's computed expression reads: the
 * keys of its root accessors $."key", read from the canonical text of the
 * path (string literals "...", variables $"name").  Any other use of the
 * root ($ alone, $ ?, $[*], $.*) may read anything: reads_all.
 */
static void
compile_reads(RecField *f)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(jsonpath_out, f->computed));
	size_t		i = 0,
				len = strlen(s);
	int			cap = 4;

	f->reads = palloc(sizeof(char *) * cap);
	f->readlens = palloc(sizeof(int) * cap);
	while (i < len)
	{
		if (s[i] == '"')
		{
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
		}
		else if (s[i] == '$' && i + 1 < len && s[i + 1] == '"')
		{
			/* a variable: skip its name */
			for (i += 2; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
		}
		else if (s[i] == '$')
		{
			size_t		start = i + 2;
			JsonbValue	v;

			if (i + 2 >= len || s[i + 1] != '.' || s[i + 2] != '"')
			{
				f->reads_all = true;
				return;
			}
			for (i = start + 1; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
			jsonb_to_value(DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
															  CStringGetDatum(pnstrdup(s + start, i - start)))), &v);
			if (f->nreads == cap)
			{
				cap *= 2;
				f->reads = repalloc(f->reads, sizeof(char *) * cap);
				f->readlens = repalloc(f->readlens, sizeof(int) * cap);
			}
			f->reads[f->nreads] = v.val.string.val;
			f->readlens[f->nreads] = v.val.string.len;
			f->nreads++;
		}
		else
			i++;
	}
}

/* Compile one field definition object into *f; parse_by is resolved later. */
static void
compile_field(const FJson *obj, RecField *f, int64 *parse_by_id)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterError err = {0};
	const FJson *j;
	size_t		t;
	int			i;

	memset(f, 0, sizeof(RecField));
	f->parse_by = -1;
	*parse_by_id = 0;
	if (obj->type != FJ_OBJECT)
		bad_def("a field is not an object");

	j = fjson_get(obj, "id");
	if (j == NULL || j->type != FJ_NUMBER)
		bad_def("a field has no id");
	f->id = DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(j->str)));
	f->idlen = snprintf(f->idtext, sizeof(f->idtext), INT64_FORMAT, f->id);

	j = fjson_get(obj, "name");
	if (j == NULL || j->type != FJ_STRING)
		bad_def("a field has no name");
	f->name = pnstrdup(j->str, j->len);
	f->namelen = j->len;

	j = fjson_get(obj, "type");
	if (j == NULL || j->type != FJ_STRING)
		bad_def("a field has no type");
	for (t = 0; t < lengthof(field_type_names); t++)
		if (strcmp(j->str, field_type_names[t]) == 0)
			break;
	if (t == lengthof(field_type_names))
		bad_def("a field has an unknown type");
	f->type = (FieldType) t;

	j = fjson_get(obj, "source");
	f->source = SRC_DOC;
	if (j != NULL && j->type == FJ_STRING && strcmp(j->str, "created_at") == 0)
		f->source = SRC_CREATED_AT;
	else if (j != NULL && j->type == FJ_STRING && strcmp(j->str, "story") == 0)
		f->source = SRC_STORY;

	f->nfixed = def_strings(fjson_get(obj, "fixed_values"), &f->fixed, &f->fixedlen);
	f->naliases = def_strings(fjson_get(obj, "aliases"), &f->aliases, &f->aliaslen);

	if (f->source == SRC_DOC)
	{
		FilterKey	key;

		j = fjson_get(obj, "key");
		if (j == NULL || j->type != FJ_STRING)
			bad_def("a field has no flat key");
		if (!filter_key_parse(&alloc, j->str, j->len, false, &key, &err))
			bad_def("a flat key does not parse");
		f->nsegs = key.nsegs;
		f->segs = palloc(sizeof(char *) * Max(key.nsegs, 1));
		f->seglens = palloc(sizeof(int) * Max(key.nsegs, 1));
		for (i = 0; i < key.nsegs; i++)
		{
			f->segs[i] = pnstrdup(key.segs[i].s, key.segs[i].len);
			f->seglens[i] = key.segs[i].len;
		}
	}

	j = fjson_get(obj, "default");
	if (j != NULL && j->type != FJ_NULL)
		f->dflt = def_jsonb(j);

	j = fjson_get(obj, "computed");
	if (j != NULL && j->type == FJ_STRING)
	{
		f->computed = DirectFunctionCall1(jsonpath_in, CStringGetDatum(j->str));
		j = fjson_get(obj, "vars");
		if (j != NULL && j->type == FJ_OBJECT)
			f->vars = def_jsonb(j);
		else
			f->vars = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
		compile_reads(f);
	}

	j = fjson_get(obj, "parse_mode");
	f->parse_mode = PM_NONE;
	if (j != NULL && j->type == FJ_STRING)
	{
		for (t = 0; t < lengthof(parse_mode_names); t++)
			if (strcmp(j->str, parse_mode_names[t]) == 0)
				f->parse_mode = (ParseMode) t;
	}
	j = fjson_get(obj, "parse_by");
	if (j != NULL && j->type == FJ_NUMBER)
		*parse_by_id = DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(j->str)));
	j = fjson_get(obj, "parse_modes");
	if (j != NULL && j->type == FJ_OBJECT)
	{
		f->nchoices = j->n;
		f->choices = palloc(sizeof(ParseChoice) * Max(j->n, 1));
		for (i = 0; i < j->n; i++)
		{
			f->choices[i].value = pnstrdup(j->keys[i], j->keylens[i]);
			f->choices[i].len = j->keylens[i];
			f->choices[i].mode = PM_NONE;
			if (j->items[i]->type == FJ_STRING)
				for (t = 0; t < lengthof(parse_mode_names); t++)
					if (strcmp(j->items[i]->str, parse_mode_names[t]) == 0)
						f->choices[i].mode = (ParseMode) t;
		}
	}

	j = fjson_get(obj, "required");
	f->required = j != NULL && j->type == FJ_BOOL && j->boolean;
}

/* Compile a definition: a JSON array of field objects. */
static RecDef *
compile_def(Jsonb *defjb)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FJson	   *json = podrec_jsonb_to_fjson(&alloc, defjb);
	RecDef	   *def = palloc0(sizeof(RecDef));
	int64	   *parse_by;
	int			i;

	if (json->type != FJ_ARRAY)
		bad_def("not an array");
	def->n = json->n;
	def->f = palloc0(sizeof(RecField) * Max(json->n, 1));
	parse_by = palloc0(sizeof(int64) * Max(json->n, 1));
	for (i = 0; i < json->n; i++)
		compile_field(json->items[i], &def->f[i], &parse_by[i]);
	for (i = 0; i < json->n; i++)
		if (parse_by[i] != 0)
		{
			def->f[i].parse_by = field_by_id(def, parse_by[i]);
			if (def->f[i].parse_by < 0)
				bad_def("parse_by names no field");
		}
	return def;
}

/*
 * The compiled definition of argument argno, from the call site's cache
 * when it is the definition it saw last.
 */
static DefCache *
cached_def(FunctionCallInfo fcinfo, int argno)
{
	DefCache   *cache = (DefCache *) fcinfo->flinfo->fn_extra;
	struct varlena *given = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	bool		stable = !VARATT_IS_EXTERNAL(given) || VARATT_IS_EXTERNAL_ONDISK(given);
	Size		givenlen = VARSIZE_ANY(given);
	struct varlena *raw;
	const char *bytes;
	Size		len;
	MemoryContext old;

	/* The same datum as last time (a batch passes one): no detoasting. */
	if (cache != NULL && cache->def != NULL && cache->raw != NULL && stable &&
		cache->rawlen == givenlen && memcmp(cache->raw, given, givenlen) == 0)
		return cache;
	raw = PG_GETARG_VARLENA_PP(argno);
	bytes = VARDATA_ANY(raw);
	len = VARSIZE_ANY_EXHDR(raw);
	if (cache != NULL && cache->def != NULL && cache->len == len &&
		memcmp(cache->bytes, bytes, len) == 0)
		return cache;
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(DefCache));
		cache->context = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
											   "podrec record type",
											   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	else
	{
		MemoryContextReset(cache->context);
		cache->def = NULL;
		cache->bytes = NULL;
		cache->len = 0;
		cache->raw = NULL;
		cache->rawlen = 0;
	}
	old = MemoryContextSwitchTo(cache->context);
	cache->def = compile_def(PG_GETARG_JSONB_P_COPY(argno));
	cache->bytes = palloc(len + 1);
	memcpy(cache->bytes, bytes, len);
	cache->len = len;
	if (stable)
	{
		cache->raw = palloc(givenlen);
		memcpy(cache->raw, given, givenlen);
		cache->rawlen = givenlen;
	}
	MemoryContextSwitchTo(old);
	return cache;
}

/* ---------------------------------------------------------------------
 * Values: coercion to a field's type, timestamps
 * ---------------------------------------------------------------------
 */

/* A JSON value as a JsonbValue: scalars unwrapped, containers as jbvBinary. */
static void
jsonb_to_value(Jsonb *jb, JsonbValue *out)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbValue *v = getIthJsonbValueFromContainer(&jb->root, 0);

		*out = *v;
		return;
	}
	out->type = jbvBinary;
	out->val.binary.data = &jb->root;
	out->val.binary.len = VARSIZE(jb) - VARHDRSZ;
}

/* A JsonbValue as a Jsonb of its own. */
static Jsonb *
value_to_jsonb(const JsonbValue *v)
{
	if (v->type == jbvBinary)
	{
		JsonbValue	copy = *v;

		return JsonbValueToJsonb(&copy);
	}
	return JsonbValueToJsonb((JsonbValue *) v);
}

/* Are two JSON values equal (numbers numerically)? */
static bool
values_equal(const JsonbValue *a, const JsonbValue *b)
{
	Jsonb	   *ja = value_to_jsonb(a);
	Jsonb	   *jb = value_to_jsonb(b);

	return compareJsonbContainers(&ja->root, &jb->root) == 0;
}

/* A string JsonbValue holding s. */
static void
string_value(JsonbValue *out, char *s, int len)
{
	out->type = jbvString;
	out->val.string.val = s;
	out->val.string.len = len;
}

/* The canonical stored form of a timestamp: UTC, 2026-08-13T23:08:15[.5]Z. */
static char *
timestamp_canonical(int64 unix_usec)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		frac[16] = "";

	if (timestamp2tm(unix_usec - UNIX_TO_PG_USECS, NULL, &tm, &fsec, NULL, NULL) != 0)
		timestamp_out_of_range();
	if (fsec != 0)
	{
		int			k;

		snprintf(frac, sizeof(frac), ".%06d", (int) fsec);
		for (k = (int) strlen(frac) - 1; frac[k] == '0'; k--)
			frac[k] = '\0';
	}
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year, tm.tm_mon, tm.tm_mday,
					tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

/* A timestamp as the list shows it: UTC, 2023-06-06 16:18:34. */
static char *
timestamp_display(TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_NOT_FINITE(ts) || timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		timestamp_out_of_range();
	return psprintf("%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year, tm.tm_mon, tm.tm_mday,
					tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Parse an ISO 8601 timestamp of the years 1 to 9999; false when it is not one. */
static bool
parse_timestamp(const char *s, int len, int64 *unix_usec)
{
	int64_t		usec;

	if (!filter_parse_timestamp(s, (size_t) len, &usec))
		return false;
	if (usec < TS_MIN || usec >= TS_END)
		return false;
	*unix_usec = usec;
	return true;
}

/* Is s (len bytes) one of the fixed values of an enum field? */
static bool
is_fixed_value(const RecField *f, const char *s, int len)
{
	int			i;

	for (i = 0; i < f->nfixed; i++)
		if (f->fixedlen[i] == len && memcmp(f->fixed[i], s, len) == 0)
			return true;
	return false;
}

/* Is a JSON text well-formed? */
static bool
json_text_valid(char *s, int len)
{
	JsonLexContext *lex = makeJsonLexContextCstringLen(s, len, GetDatabaseEncoding(), false);

	return pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS;
}

/* What a parse mode accepts, for a hint. */
static const char *
parse_mode_takes(ParseMode mode)
{
	switch (mode)
	{
		case PM_JSON_STRING:
			return "a string holding JSON, an object or an array";
		case PM_TEXT_OR_ARRAY:
			return "a string or an array";
		case PM_ANY:
			return "any JSON value";
		case PM_NONE:
			break;
	}
	return "a value of its type";
}

/* The hint that says what a field of a type takes. */
static const char *
type_hint(FieldType type)
{
	switch (type)
	{
		case FT_TEXT:
			return "Text fields take strings; numbers and booleans are stored as their text.";
		case FT_NUMBER:
			return "Number fields take numbers, such as 10 or \"10\".";
		case FT_TIMESTAMP:
			return "Timestamp fields take ISO 8601 timestamps of the years 1 to 9999, such as \"2023-07-03T00:00:00Z\".";
		case FT_BOOLEAN:
			return "Boolean fields take true or false (or \"true\" or \"false\").";
		case FT_TEXT_ENUM:
			return NULL;
		case FT_ARTIFACT:
			return "Artifact fields take strings.";
		case FT_OBJECT:
			return "Object fields take JSON objects.";
		case FT_ARRAY:
			return "Array fields take JSON arrays.";
	}
	return NULL;
}

/*
 * Coerce a non-null value given for field f, read in parse mode mode, into
 * its stored form *out.  origin says where the value comes from in
 * messages: "" (given), "default " or "computed ".  why is the sentence
 * that says why the mode applies (parse_by), or NULL.
 */
static void
coerce_value(const RecField *f, const JsonbValue *in, ParseMode mode, const char *origin,
			 const char *why, JsonbValue *out)
{
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterValue num;
	int64		usec;
	char	   *s;

	if (mode != PM_NONE)
	{
		bool		ok;

		switch (mode)
		{
			case PM_JSON_STRING:
				if (in->type == jbvString)
				{
					s = pnstrdup(in->val.string.val, in->val.string.len);
					if (!json_text_valid(s, in->val.string.len))
						reject(ERRCODE_INVALID_TEXT_REPRESENTATION, why,
							   psprintf("Field \"%s\" takes %s.", clip(f->name, f->namelen),
										parse_mode_takes(mode)),
							   psprintf("%svalue of field \"%s\" is not valid JSON: %s", origin,
										clip(f->name, f->namelen), shown_value(in)));
					jsonb_to_value(DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s))), out);
					return;
				}
				ok = in->type == jbvBinary;
				break;
			case PM_TEXT_OR_ARRAY:
				ok = in->type == jbvString ||
					(in->type == jbvBinary && JsonContainerIsArray(in->val.binary.data));
				break;
			default:
				ok = true;
				break;
		}
		if (!ok)
			reject(ERRCODE_INVALID_PARAMETER_VALUE, why,
				   psprintf("Field \"%s\" takes %s.", clip(f->name, f->namelen), parse_mode_takes(mode)),
				   psprintf("invalid %svalue %s for field \"%s\"", origin, shown_value(in),
							clip(f->name, f->namelen)));
		*out = *in;
		return;
	}

	switch (f->type)
	{
		case FT_TEXT:
			if (in->type == jbvString)
			{
				*out = *in;
				return;
			}
			if (in->type == jbvNumeric)
			{
				s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(in->val.numeric)));
				string_value(out, s, strlen(s));
				return;
			}
			if (in->type == jbvBool)
			{
				s = pstrdup(in->val.boolean ? "true" : "false");
				string_value(out, s, strlen(s));
				return;
			}
			break;
		case FT_TEXT_ENUM:
			if (in->type == jbvString && is_fixed_value(f, in->val.string.val, in->val.string.len))
			{
				*out = *in;
				return;
			}
			reject(ERRCODE_INVALID_PARAMETER_VALUE,
				   psprintf("The values of field \"%s\" are %s.", clip(f->name, f->namelen),
							quoted_list(f->fixed, f->fixedlen, f->nfixed)),
				   NULL,
				   psprintf("invalid %svalue %s for text enum field \"%s\"", origin, shown_value(in),
							clip(f->name, f->namelen)));
			break;
		case FT_NUMBER:
			if (in->type == jbvNumeric)
			{
				*out = *in;
				return;
			}
			if (in->type == jbvString &&
				filter_number_canonical(&alloc, in->val.string.val, in->val.string.len, &num))
			{
				out->type = jbvNumeric;
				out->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(num.str),
																	   ObjectIdGetDatum(InvalidOid),
																	   Int32GetDatum(-1)));
				return;
			}
			break;
		case FT_BOOLEAN:
			if (in->type == jbvBool)
			{
				*out = *in;
				return;
			}
			if (in->type == jbvString &&
				((in->val.string.len == 4 && memcmp(in->val.string.val, "true", 4) == 0) ||
				 (in->val.string.len == 5 && memcmp(in->val.string.val, "false", 5) == 0)))
			{
				out->type = jbvBool;
				out->val.boolean = in->val.string.len == 4;
				return;
			}
			break;
		case FT_TIMESTAMP:
			if (in->type == jbvString && parse_timestamp(in->val.string.val, in->val.string.len, &usec))
			{
				s = timestamp_canonical(usec);
				string_value(out, s, strlen(s));
				return;
			}
			break;
		case FT_ARTIFACT:
			if (in->type == jbvString)
			{
				*out = *in;
				return;
			}
			break;
		case FT_OBJECT:
			if (in->type == jbvBinary && JsonContainerIsObject(in->val.binary.data))
			{
				*out = *in;
				return;
			}
			break;
		case FT_ARRAY:
			if (in->type == jbvBinary && JsonContainerIsArray(in->val.binary.data))
			{
				*out = *in;
				return;
			}
			break;
	}
	reject(f->type == FT_TIMESTAMP && in->type == jbvString ? ERRCODE_INVALID_DATETIME_FORMAT
		   : ERRCODE_INVALID_PARAMETER_VALUE, why, type_hint(f->type),
		   psprintf("invalid %svalue %s for %s field \"%s\"", origin, shown_value(in),
					field_type_words[f->type], clip(f->name, f->namelen)));
}

/* ---------------------------------------------------------------------
 * The document of a record, as a tree that can be changed in place
 * ---------------------------------------------------------------------
 */

/* A node: an object whose members may be changed, or a value kept as it is. */
typedef struct DocNode
{
	bool		is_object;
	JsonbValue	leaf;			/* !is_object */
	int			n;
	int			cap;
	char	  **keys;
	int		   *keylens;
	struct DocNode **kids;
} DocNode;

/* A new, empty object node. */
static DocNode *
doc_object(void)
{
	DocNode    *node = palloc0(sizeof(DocNode));

	node->is_object = true;
	return node;
}

/* Add a member to an object node, in key order. */
static DocNode *
doc_add(DocNode *node, char *key, int keylen)
{
	DocNode    *kid = palloc0(sizeof(DocNode));
	int			pos;

	if (node->n == node->cap)
	{
		node->cap = node->cap ? node->cap * 2 : 8;
		node->keys = node->keys ? repalloc(node->keys, sizeof(char *) * node->cap)
			: palloc(sizeof(char *) * node->cap);
		node->keylens = node->keylens ? repalloc(node->keylens, sizeof(int) * node->cap)
			: palloc(sizeof(int) * node->cap);
		node->kids = node->kids ? repalloc(node->kids, sizeof(DocNode *) * node->cap)
			: palloc(sizeof(DocNode *) * node->cap);
	}
	/*
	 * Members stay in jsonb's key order (shorter first, then bytewise), so
	 * that the sort of each object when the tree becomes a Jsonb finds them
	 * in order and returns at once.
	 */
	pos = node->n;
	while (pos > 0 && (node->keylens[pos - 1] > keylen ||
					   (node->keylens[pos - 1] == keylen && memcmp(node->keys[pos - 1], key, keylen) > 0)))
		pos--;
	memmove(&node->keys[pos + 1], &node->keys[pos], sizeof(char *) * (node->n - pos));
	memmove(&node->keylens[pos + 1], &node->keylens[pos], sizeof(int) * (node->n - pos));
	memmove(&node->kids[pos + 1], &node->kids[pos], sizeof(DocNode *) * (node->n - pos));
	node->keys[pos] = key;
	node->keylens[pos] = keylen;
	node->kids[pos] = kid;
	node->n++;
	return kid;
}

/* Turn a node that holds a JSON object into an object node, one level deep. */
static void
doc_expand(DocNode *node)
{
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	JsonbContainer *c = node->leaf.val.binary.data;

	node->is_object = true;
	node->n = 0;
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			DocNode    *kid;

			if (JsonbIteratorNext(&it, &v, true) != WJB_VALUE)
				elog(ERROR, "unexpected jsonb iterator token");
			kid = doc_add(node, k.val.string.val, k.val.string.len);
			kid->leaf = v;
		}
	}
}

/* Does a node hold a JSON object (expanded or not)? */
static bool
doc_is_object(const DocNode *node)
{
	return node->is_object ||
		(node->leaf.type == jbvBinary && JsonContainerIsObject(node->leaf.val.binary.data));
}

/* The member of an object node with the given key, or -1. */
static int
doc_find(const DocNode *node, const char *key, int keylen)
{
	int			i;

	for (i = 0; i < node->n; i++)
		if (node->keylens[i] == keylen && memcmp(node->keys[i], key, keylen) == 0)
			return i;
	return -1;
}

/* The tree of a stored document (an object), or an empty one. */
static DocNode *
doc_from(Jsonb *jb)
{
	DocNode    *root;

	if (jb == NULL || !JB_ROOT_IS_OBJECT(jb))
		return doc_object();
	root = palloc0(sizeof(DocNode));
	jsonb_to_value(jb, &root->leaf);
	doc_expand(root);
	return root;
}

/* The value at a field's flat key in a stored document; false when it has none. */
static bool
stored_value(Jsonb *jb, const RecField *f, JsonbValue *out)
{
	JsonbContainer *c;
	JsonbValue	v;
	int			i;

	if (jb == NULL || !JB_ROOT_IS_OBJECT(jb) || f->source != SRC_DOC || f->nsegs == 0)
		return false;
	v.type = jbvNull;
	c = &jb->root;
	for (i = 0; i < f->nsegs; i++)
	{
		if (!JsonContainerIsObject(c) ||
			!getKeyJsonValueFromContainer(c, f->segs[i], f->seglens[i], &v))
			return false;
		if (i < f->nsegs - 1)
		{
			if (v.type != jbvBinary)
				return false;
			c = v.val.binary.data;
		}
	}
	if (v.type == jbvNull)
		return false;
	*out = v;
	return true;
}

/* Set a field's value in the tree, creating the objects on its way. */
static void
doc_set(DocNode *root, const RecField *f, const JsonbValue *v)
{
	DocNode    *node = root;
	int			i;

	for (i = 0; i < f->nsegs; i++)
	{
		int			k = doc_find(node, f->segs[i], f->seglens[i]);
		DocNode    *kid;

		if (k < 0)
		{
			kid = doc_add(node, f->segs[i], f->seglens[i]);
			if (i < f->nsegs - 1)
				kid->is_object = true;
		}
		else
			kid = node->kids[k];
		if (i == f->nsegs - 1)
		{
			kid->is_object = false;
			kid->n = 0;
			kid->leaf = *v;
			return;
		}
		if (!kid->is_object)
		{
			if (!doc_is_object(kid))
				reject(ERRCODE_INVALID_PARAMETER_VALUE,
					   psprintf("The record holds %s at \"%s\", on the way to the flat key of the field.",
								value_kind(&kid->leaf), clip(f->segs[i], f->seglens[i])),
					   NULL,
					   psprintf("cannot store field \"%s\"", clip(f->name, f->namelen)));
			doc_expand(kid);
		}
		node = kid;
	}
}

/* Remove a field's value from the tree, and the objects it leaves empty. */
static bool
doc_delete_at(DocNode *node, const RecField *f, int i)
{
	int			k = doc_find(node, f->segs[i], f->seglens[i]);
	DocNode    *kid;

	if (k < 0)
		return false;
	kid = node->kids[k];
	if (i < f->nsegs - 1)
	{
		if (!kid->is_object)
		{
			if (!doc_is_object(kid))
				return false;
			doc_expand(kid);
		}
		if (!doc_delete_at(kid, f, i + 1) || kid->n > 0)
			return false;
	}
	/* drop member k */
	memmove(&node->keys[k], &node->keys[k + 1], sizeof(char *) * (node->n - k - 1));
	memmove(&node->keylens[k], &node->keylens[k + 1], sizeof(int) * (node->n - k - 1));
	memmove(&node->kids[k], &node->kids[k + 1], sizeof(DocNode *) * (node->n - k - 1));
	node->n--;
	return true;
}

/* Push a node onto a jsonb parse state. */
static void
doc_push(JsonbParseState **state, const DocNode *node, JsonbIteratorToken seq)
{
	int			i;

	check_stack_depth();
	if (!node->is_object)
	{
		JsonbValue	leaf = node->leaf;

		pushJsonbValue(state, seq, &leaf);
		return;
	}
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < node->n; i++)
	{
		JsonbValue	key;

		string_value(&key, node->keys[i], node->keylens[i]);
		pushJsonbValue(state, WJB_KEY, &key);
		doc_push(state, node->kids[i], WJB_VALUE);
	}
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* The tree as a Jsonb. */
static Jsonb *
doc_to_jsonb(const DocNode *root)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < root->n; i++)
	{
		JsonbValue	key;

		string_value(&key, root->keys[i], root->keylens[i]);
		pushJsonbValue(&state, WJB_KEY, &key);
		doc_push(&state, root->kids[i], WJB_VALUE);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* ---------------------------------------------------------------------
 * Assembling a record
 * ---------------------------------------------------------------------
 */

/* What is known of one field while a record is assembled. */
typedef struct FieldState
{
	bool		given;			/* the input names the field */
	bool		given_null;		/* ... with null */
	JsonbValue	in;				/* the given value */
	const char *given_as;		/* the name the input used, for messages */
	int			given_len;
	bool		has;			/* the record has a value (after this field is done) */
	JsonbValue	value;			/* the stored value */
	bool		changed;		/* this call sets or clears it */
} FieldState;

/* The field that name (len bytes) names: an id, a display name or an alias; -1 if none. */
static int
find_field(const RecDef *def, const char *name, int len)
{
	int			i,
				k;

	for (i = 0; i < def->n; i++)
		if (def->f[i].idlen == len && memcmp(def->f[i].idtext, name, len) == 0)
			return i;
	for (i = 0; i < def->n; i++)
		if (def->f[i].namelen == len && memcmp(def->f[i].name, name, len) == 0)
			return i;
	for (i = 0; i < def->n; i++)
		for (k = 0; k < def->f[i].naliases; k++)
			if (def->f[i].aliaslen[k] == len && memcmp(def->f[i].aliases[k], name, len) == 0)
				return i;
	return -1;
}

/* Record that the input gives value v for the field that name names. */
static void
take_given(const RecDef *def, FieldState *st, const char *name, int len, const JsonbValue *v,
		   bool strict, bool update)
{
	int			i = find_field(def, name, len);
	FieldState *s;

	if (i < 0)
	{
		if (!strict)
			return;
		reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL, fields_hint(def),
			   psprintf("unknown field \"%s\"", clip(name, len)));
	}
	if (def->f[i].source == SRC_STORY)
		reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
			   "A record's story is the flow it is created in.",
			   psprintf("field \"%s\" cannot be set", clip(def->f[i].name, def->f[i].namelen)));
	if (def->f[i].source == SRC_CREATED_AT && update)
		reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
			   "A record keeps the time it was created at.",
			   psprintf("field \"%s\" cannot be changed", clip(def->f[i].name, def->f[i].namelen)));
	s = &st[i];
	if (s->given)
	{
		if ((v->type == jbvNull && s->given_null) ||
			(v->type != jbvNull && !s->given_null && values_equal(v, &s->in)))
			return;
		reject(ERRCODE_INVALID_PARAMETER_VALUE,
			   psprintf("The values given as \"%s\" and as \"%s\" differ.",
						clip(s->given_as, s->given_len), clip(name, len)),
			   NULL,
			   psprintf("field \"%s\" is given twice", clip(def->f[i].name, def->f[i].namelen)));
	}
	s->given = true;
	s->given_null = v->type == jbvNull;
	s->in = *v;
	s->given_as = name;
	s->given_len = len;
}

/* Read the input: an object of values by field, or a Tines field_values array. */
static void
read_input(const RecDef *def, FieldState *st, Jsonb *input, bool strict, bool update)
{
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	int			elem = 0;

	if (JB_ROOT_IS_SCALAR(input))
		reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
			   "Give an object such as {\"Alert\": \"High\"} or an array such as [{\"field_id\": 5, \"value\": \"High\"}].",
			   "field values must be a JSON object or a JSON array");
	if (JB_ROOT_IS_OBJECT(input))
	{
		it = JsonbIteratorInit(&input->root);
		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			if (tok != WJB_KEY)
				continue;
			if (JsonbIteratorNext(&it, &v, true) != WJB_VALUE)
				elog(ERROR, "unexpected jsonb iterator token");
			take_given(def, st, k.val.string.val, k.val.string.len, &v, strict, update);
		}
		return;
	}

	/* [{"field_id": 5, "value": "High"}, ...] */
	it = JsonbIteratorInit(&input->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		JsonbValue	id,
					value,
					key;
		JsonbContainer *c;
		JsonbIterator *eit;
		JsonbIteratorToken etok;
		char	   *name;
		int			len;

		if (tok != WJB_ELEM)
			continue;
		elem++;
		if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
			reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
				   "Each element is an object such as {\"field_id\": 5, \"value\": \"High\"}.",
				   psprintf("element %d of field_values is not an object", elem));
		c = v.val.binary.data;
		eit = JsonbIteratorInit(c);
		while ((etok = JsonbIteratorNext(&eit, &key, true)) != WJB_DONE)
		{
			if (etok != WJB_KEY)
				continue;
			if (!((key.val.string.len == 8 && memcmp(key.val.string.val, "field_id", 8) == 0) ||
				  (key.val.string.len == 5 && memcmp(key.val.string.val, "value", 5) == 0)))
				reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
					   "Each element of field_values has the keys field_id and value.",
					   psprintf("unknown key \"%s\" in element %d of field_values",
								clip(key.val.string.val, key.val.string.len), elem));
			JsonbIteratorNext(&eit, &key, true);
		}
		if (!getKeyJsonValueFromContainer(c, "field_id", 8, &id))
			reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
				   "Each element of field_values names its field with \"field_id\".",
				   psprintf("element %d of field_values has no field_id", elem));
		if (id.type == jbvString)
		{
			name = id.val.string.val;
			len = id.val.string.len;
		}
		else if (id.type == jbvNumeric)
		{
			name = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(id.val.numeric)));
			len = strlen(name);
		}
		if (!(id.type == jbvString ||
			  (id.type == jbvNumeric && strspn(name, "-0123456789") == (size_t) len)))
			reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
				   "A field_id is a field's id (an integer) or its name.",
				   psprintf("field_id of element %d of field_values must be a string or an integer", elem));
		if (!getKeyJsonValueFromContainer(c, "value", 5, &value))
			reject(ERRCODE_INVALID_PARAMETER_VALUE, NULL,
				   "Give \"value\": null to clear a field.",
				   psprintf("element %d of field_values has no value", elem));
		take_given(def, st, name, len, &value, strict, update);
	}
}

/* The parse mode of field i, from the value its parse_by field has; why says so. */
static ParseMode
parse_mode_of(const RecDef *def, const FieldState *st, int i, const char **why)
{
	const RecField *f = &def->f[i];
	const FieldState *by;
	int			k;

	*why = NULL;
	if (f->parse_by < 0)
		return f->parse_mode;
	by = &st[f->parse_by];
	if (by->has && by->value.type == jbvString)
	{
		for (k = 0; k < f->nchoices; k++)
			if (f->choices[k].len == by->value.val.string.len &&
				memcmp(f->choices[k].value, by->value.val.string.val, by->value.val.string.len) == 0)
			{
				*why = psprintf("Field \"%s\" is \"%s\".",
								clip(def->f[f->parse_by].name, def->f[f->parse_by].namelen),
								clip(by->value.val.string.val, by->value.val.string.len));
				return f->choices[k].mode;
			}
	}
	return f->parse_mode;
}

/*
 * Does f's computed expression need the record serialized again?  changed
 * lists the top-level keys of the fields set since the last serialization.
 */
static bool
reads_changed(const RecField *f, char **changed, int *changedlens, int nchanged)
{
	int			i,
				k;

	if (nchanged == 0)
		return false;
	if (f->reads_all)
		return true;
	for (i = 0; i < f->nreads; i++)
		for (k = 0; k < nchanged; k++)
			if (f->readlens[i] == changedlens[k] && memcmp(f->reads[i], changed[k], changedlens[k]) == 0)
				return true;
	return false;
}

/* Evaluate field f's computed expression over doc; false when it yields nothing. */
static bool
eval_computed(const RecField *f, Jsonb *doc, JsonbValue *out)
{
	LOCAL_FCINFO(fcinfo, 4);
	FmgrInfo	flinfo;
	Datum		result;

	fmgr_info(F_JSONB_PATH_QUERY_FIRST, &flinfo);
	InitFunctionCallInfoData(*fcinfo, &flinfo, 4, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = JsonbPGetDatum(doc);
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = f->computed;
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = JsonbPGetDatum(f->vars);
	fcinfo->args[2].isnull = false;
	fcinfo->args[3].value = BoolGetDatum(true);
	fcinfo->args[3].isnull = false;
	result = FunctionCallInvoke(fcinfo);
	if (fcinfo->isnull)
		return false;
	jsonb_to_value(DatumGetJsonbP(result), out);
	return out->type != jbvNull;
}

/* The OID of podrec.artifacts_id_seq. */
static Oid
artifact_sequence(DefCache *cache)
{
	if (!OidIsValid(cache->artifact_seq))
		cache->artifact_seq = RangeVarGetRelid(makeRangeVar("podrec", "artifacts_id_seq", -1),
											   NoLock, false);
	return cache->artifact_seq;
}

/*
 * Store field i's final value in the tree (artifacts: their id, and the
 * content into the artifacts list).
 */
static void
finish_field(DefCache *cache, const RecDef *def, FieldState *st, int i, DocNode *root,
			 Jsonb *old_doc, JsonbParseState **artifacts, int *nartifacts)
{
	const RecField *f = &def->f[i];
	FieldState *s = &st[i];
	JsonbValue	old,
				idv,
				key,
				v;

	if (f->source != SRC_DOC || !s->changed)
		return;
	if (f->type == FT_ARTIFACT)
	{
		int64		id;
		bool		had = stored_value(old_doc, f, &old) && old.type == jbvNumeric;

		if (had)
			id = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(old.val.numeric)));
		else if (s->has)
			id = nextval_internal(artifact_sequence(cache), true);
		else
			id = 0;
		if (had || s->has)
		{
			pushJsonbValue(artifacts, WJB_BEGIN_OBJECT, NULL);
			string_value(&key, "id", 2);
			pushJsonbValue(artifacts, WJB_KEY, &key);
			idv.type = jbvNumeric;
			idv.val.numeric = DatumGetNumeric(DirectFunctionCall1(int8_numeric, Int64GetDatum(id)));
			pushJsonbValue(artifacts, WJB_VALUE, &idv);
			string_value(&key, "field_id", 8);
			pushJsonbValue(artifacts, WJB_KEY, &key);
			v.type = jbvNumeric;
			v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int8_numeric, Int64GetDatum(f->id)));
			pushJsonbValue(artifacts, WJB_VALUE, &v);
			string_value(&key, "content", 7);
			pushJsonbValue(artifacts, WJB_KEY, &key);
			if (s->has)
				pushJsonbValue(artifacts, WJB_VALUE, &s->value);
			else
			{
				v.type = jbvNull;
				pushJsonbValue(artifacts, WJB_VALUE, &v);
			}
			pushJsonbValue(artifacts, WJB_END_OBJECT, NULL);
			(*nartifacts)++;
		}
		if (s->has)
		{
			doc_set(root, f, &idv);
			return;
		}
	}
	else if (s->has)
	{
		doc_set(root, f, &s->value);
		return;
	}
	doc_delete_at(root, f, 0);
}

/* Give field i its value from what was given, or clear it. */
static void
take_value(const RecDef *def, FieldState *st, int i)
{
	const RecField *f = &def->f[i];
	FieldState *s = &st[i];
	const char *why;
	ParseMode	mode;

	if (!s->given)
		return;
	s->changed = true;
	if (s->given_null)
	{
		s->has = false;
		return;
	}
	mode = parse_mode_of(def, st, i, &why);
	coerce_value(f, &s->in, mode, "", why, &s->value);
	s->has = true;
}

/* Give field i its default when it has no value (new records only). */
static void
take_default(const RecDef *def, FieldState *st, int i)
{
	const RecField *f = &def->f[i];
	FieldState *s = &st[i];

	if (s->has || f->dflt == NULL)
		return;
	jsonb_to_value(f->dflt, &s->value);
	s->has = true;
	s->changed = true;
}

/*
 * record_assemble(def jsonb, input jsonb, old_doc jsonb, pos int4, strict bool)
 *	returns podrec.record_assembled (doc jsonb, artifacts jsonb, created_at timestamptz)
 *
 * The document of a new record (old_doc NULL) or of an updated one, from
 * the values input gives.  Order of work: the given values, coerced to
 * their fields' types (parse_by fields first, so that the fields they
 * choose the parse mode of can read them); defaults of new records for the
 * fields still without a value; computed fields, in position order, for
 * the fields still without a value (and, on update, for the fields not
 * given whose stored value is what their expression gave for the stored
 * record: derived values follow their inputs); required fields.
 * artifacts lists the artifacts to write: {"id", "field_id", "content"},
 * content null to delete one.  created_at is the Timestamp a new record
 * gives, or NULL.  pos is the record's position in its batch, for
 * messages.  strict: unknown field names are an error (else ignored).
 */
Datum
podrec_record_assemble(PG_FUNCTION_ARGS)
{
	DefCache   *cache;
	const RecDef *def;
	Jsonb	   *input;
	Jsonb	   *old_doc = PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2);
	bool		update = old_doc != NULL;
	bool		strict = PG_ARGISNULL(4) ? true : PG_GETARG_BOOL(4);
	FieldState *st;
	DocNode    *root;
	JsonbParseState *artifacts = NULL;
	JsonbValue *artifacts_value;
	int			nartifacts = 0;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, true};
	int			i,
				pass;
	Jsonb	   *snap;
	char	  **changed;
	int		   *changedlens;
	int			nchanged;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("record_assemble needs a record type definition")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("field values must not be null")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "record_assemble must return a composite type");
	cache = cached_def(fcinfo, 0);
	def = cache->def;
	input = PG_GETARG_JSONB_P(1);
	current_pos = PG_ARGISNULL(3) ? 0 : PG_GETARG_INT32(3);

	st = palloc0(sizeof(FieldState) * Max(def->n, 1));
	read_input(def, st, input, strict, update);
	for (i = 0; i < def->n; i++)
		if (update && stored_value(old_doc, &def->f[i], &st[i].value))
			st[i].has = true;
	root = doc_from(old_doc);
	pushJsonbValue(&artifacts, WJB_BEGIN_ARRAY, NULL);

	/*
	 * Given values and defaults: fields that choose a parse mode and fields
	 * without one first, fields whose mode another chooses second.
	 */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < def->n; i++)
		{
			const RecField *f = &def->f[i];

			if ((f->parse_by >= 0) != (pass == 1))
				continue;
			if (f->source == SRC_CREATED_AT)
			{
				if (st[i].given && !st[i].given_null)
				{
					JsonbValue	v;
					int64		usec;

					coerce_value(f, &st[i].in, PM_NONE, "", NULL, &v);
					if (!parse_timestamp(v.val.string.val, v.val.string.len, &usec))
						elog(ERROR, "canonical timestamp does not parse");
					values[2] = TimestampTzGetDatum(usec - UNIX_TO_PG_USECS);
					nulls[2] = false;
				}
				continue;
			}
			if (f->source != SRC_DOC)
				continue;
			take_value(def, st, i);
			if (!update && f->computed == 0)
				take_default(def, st, i);
			if (f->computed == 0)
				finish_field(cache, def, st, i, root, old_doc, &artifacts, &nartifacts);
		}

	/*
	 * Computed fields, in position order, each seeing the ones before it.
	 * The record is serialized for an expression only when a field it reads
	 * changed since the last time (most expressions read given fields).
	 */
	snap = NULL;
	nchanged = 0;
	changed = palloc(sizeof(char *) * Max(def->n, 1));
	changedlens = palloc(sizeof(int) * Max(def->n, 1));
	for (i = 0; i < def->n; i++)
	{
		const RecField *f = &def->f[i];
		FieldState *s = &st[i];
		JsonbValue	v;

		if (f->computed == 0 || f->source != SRC_DOC)
			continue;
		if (s->given)
			take_value(def, st, i);
		else
		{
			/*
			 * A record without a value gets the computed one.  On update, a
			 * stored value that the expression gave for the stored record is
			 * derived: it follows its inputs.  Artifacts keep theirs.
			 */
			bool		derived = !s->has;

			if (update && s->has && f->type != FT_ARTIFACT && eval_computed(f, old_doc, &v))
			{
				JsonbValue	was;

				coerce_value(f, &v, PM_NONE, "computed ", NULL, &was);
				derived = values_equal(&was, &s->value);
			}
			if (derived)
			{
				if (snap == NULL || reads_changed(f, changed, changedlens, nchanged))
				{
					snap = doc_to_jsonb(root);
					nchanged = 0;
				}
				if (eval_computed(f, snap, &v))
				{
					coerce_value(f, &v, PM_NONE, "computed ", NULL, &s->value);
					s->has = true;
				}
				else
					s->has = false;
				s->changed = true;
			}
		}
		if (!update)
			take_default(def, st, i);
		finish_field(cache, def, st, i, root, old_doc, &artifacts, &nartifacts);
		if (s->changed && f->nsegs > 0)
		{
			changed[nchanged] = f->segs[0];
			changedlens[nchanged] = f->seglens[0];
			nchanged++;
		}
	}

	/* Required fields. */
	for (i = 0; i < def->n; i++)
		if (def->f[i].required && def->f[i].source == SRC_DOC && !st[i].has)
			reject(ERRCODE_INVALID_PARAMETER_VALUE,
				   st[i].given ? "It is given as null." : NULL,
				   psprintf("Every record of the type has a value for \"%s\".",
							clip(def->f[i].name, def->f[i].namelen)),
				   psprintf("field \"%s\" is required", clip(def->f[i].name, def->f[i].namelen)));

	artifacts_value = pushJsonbValue(&artifacts, WJB_END_ARRAY, NULL);
	values[0] = JsonbPGetDatum(doc_to_jsonb(root));
	if (nartifacts > 0)
		values[1] = JsonbPGetDatum(JsonbValueToJsonb(artifacts_value));
	else
		nulls[1] = true;
	current_pos = 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/*
 * record_value(field jsonb, value jsonb, origin text) returns jsonb
 *
 * A value checked against one field definition (an element of
 * record_type_def) and normalized as a record would store it: how default
 * values are checked.  Fields with parse modes take any value.  origin
 * names the value in messages ("default" makes "invalid default value").
 */
Datum
podrec_record_value(PG_FUNCTION_ARGS)
{
	Jsonb	   *field = PG_GETARG_JSONB_P(0);
	Jsonb	   *value = PG_GETARG_JSONB_P(1);
	char	   *origin = text_to_cstring(PG_GETARG_TEXT_PP(2));
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	RecField	f;
	int64		parse_by;
	JsonbValue	in,
				out;

	compile_field(podrec_jsonb_to_fjson(&alloc, field), &f, &parse_by);
	jsonb_to_value(value, &in);
	if (in.type == jbvNull)
		PG_RETURN_NULL();
	current_pos = 0;
	coerce_value(&f, &in, (parse_by != 0 || f.parse_mode != PM_NONE) ? PM_ANY : PM_NONE,
				 origin[0] ? psprintf("%s ", origin) : "", NULL, &out);
	PG_RETURN_JSONB_P(value_to_jsonb(&out));
}

/* ---------------------------------------------------------------------
 * Rendering a record as records_list shows it
 * ---------------------------------------------------------------------
 */

/* Push one field's value as the list shows it. */
static void
push_display(JsonbParseState **state, const RecField *f, Jsonb *doc, TimestampTz created_at,
			 text *story)
{
	JsonbValue	v;
	int64		usec;

	switch (f->source)
	{
		case SRC_CREATED_AT:
			{
				char	   *s = timestamp_display(created_at);

				string_value(&v, s, strlen(s));
				break;
			}
		case SRC_STORY:
			if (story == NULL)
				v.type = jbvNull;
			else
				string_value(&v, VARDATA_ANY(story), VARSIZE_ANY_EXHDR(story));
			break;
		default:
			if (!stored_value(doc, f, &v))
				v.type = jbvNull;
			else if (f->type == FT_TIMESTAMP && f->parse_by < 0 && f->parse_mode == PM_NONE &&
					 v.type == jbvString && parse_timestamp(v.val.string.val, v.val.string.len, &usec))
			{
				char	   *s = timestamp_display(usec - UNIX_TO_PG_USECS);

				string_value(&v, s, strlen(s));
			}
			break;
	}
	pushJsonbValue(state, WJB_VALUE, &v);
}

/*
 * record_render(def jsonb, doc jsonb, id int8, created_at timestamptz,
 *	updated_at timestamptz, story text, case_ids int8[], field_ids int8[])
 *	returns jsonb
 *
 * A record as records_list shows it: one key per field (its display name;
 * field_ids chooses the fields, NULL means all of them), then updated_at,
 * case_ids and id.  Timestamps read 2023-06-06 16:18:34 (UTC), updated_at
 * 2023-06-06T16:18:34Z; a field without a value is null; an artifact is
 * its id; Story name is null for a record made outside a story (story NULL).
 */
Datum
podrec_record_render(PG_FUNCTION_ARGS)
{
	DefCache   *cache;
	const RecDef *def;
	Jsonb	   *doc;
	int64		id;
	TimestampTz created_at,
				updated_at;
	text	   *story = PG_ARGISNULL(5) ? NULL : PG_GETARG_TEXT_PP(5);
	JsonbParseState *state = NULL;
	JsonbValue	key,
				v,
			   *res;
	int			i;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		PG_RETURN_NULL();
	cache = cached_def(fcinfo, 0);
	def = cache->def;
	doc = PG_GETARG_JSONB_P(1);
	id = PG_GETARG_INT64(2);
	created_at = PG_GETARG_TIMESTAMPTZ(3);
	updated_at = PG_GETARG_TIMESTAMPTZ(4);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	if (PG_ARGISNULL(7))
	{
		for (i = 0; i < def->n; i++)
		{
			string_value(&key, def->f[i].name, def->f[i].namelen);
			pushJsonbValue(&state, WJB_KEY, &key);
			push_display(&state, &def->f[i], doc, created_at, story);
		}
	}
	else
	{
		ArrayType  *ids = PG_GETARG_ARRAYTYPE_P(7);
		Datum	   *elems;
		bool	   *enulls;
		int			n;

		deconstruct_array(ids, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &enulls, &n);
		for (i = 0; i < n; i++)
		{
			int			k = enulls[i] ? -1 : field_by_id(def, DatumGetInt64(elems[i]));

			if (k < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("record type has no field %s",
								enulls[i] ? "null" : psprintf(INT64_FORMAT, DatumGetInt64(elems[i])))));
			string_value(&key, def->f[k].name, def->f[k].namelen);
			pushJsonbValue(&state, WJB_KEY, &key);
			push_display(&state, &def->f[k], doc, created_at, story);
		}
	}

	string_value(&key, "updated_at", 10);
	pushJsonbValue(&state, WJB_KEY, &key);
	{
		struct pg_tm tm;
		fsec_t		fsec;
		char	   *s;

		if (TIMESTAMP_NOT_FINITE(updated_at) ||
			timestamp2tm(updated_at, NULL, &tm, &fsec, NULL, NULL) != 0)
			timestamp_out_of_range();
		s = psprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
		string_value(&v, s, strlen(s));
		pushJsonbValue(&state, WJB_VALUE, &v);
	}

	string_value(&key, "case_ids", 8);
	pushJsonbValue(&state, WJB_KEY, &key);
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	if (!PG_ARGISNULL(6))
	{
		ArrayType  *cases = PG_GETARG_ARRAYTYPE_P(6);
		Datum	   *elems;
		bool	   *enulls;
		int			n;

		deconstruct_array(cases, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &enulls, &n);
		for (i = 0; i < n; i++)
		{
			if (enulls[i])
				continue;
			v.type = jbvNumeric;
			v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int8_numeric, elems[i]));
			pushJsonbValue(&state, WJB_ELEM, &v);
		}
	}
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);

	string_value(&key, "id", 2);
	pushJsonbValue(&state, WJB_KEY, &key);
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int8_numeric, Int64GetDatum(id)));
	pushJsonbValue(&state, WJB_VALUE, &v);

	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(res));
}

/* ---------------------------------------------------------------------
 * Variables of computed expressions
 * ---------------------------------------------------------------------
 */

/*
 * jsonpath_variables(expr jsonpath) returns text[]
 *
 * The names of the variables ($name) that a jsonpath uses, in the order of
 * their first use.  Read from the canonical text of the path, where every
 * variable is written $"name" and every string literal "..." with
 * backslash escapes.
 */
Datum
podrec_jsonpath_variables(PG_FUNCTION_ARGS)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(jsonpath_out, PG_GETARG_DATUM(0)));
	ArrayBuildState *astate = NULL;
	List	   *seen = NIL;
	size_t		i = 0,
				len = strlen(s);

	while (i < len)
	{
		if (s[i] == '"')
		{
			/* a string literal: skip it */
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
		}
		else if (s[i] == '$' && i + 1 < len && s[i + 1] == '"')
		{
			StringInfoData name;
			ListCell   *lc;
			bool		dup = false;
			Jsonb	   *jb;
			size_t		start = i + 1;

			/* $"name": the name is a JSON string */
			for (i += 2; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
			initStringInfo(&name);
			appendBinaryStringInfo(&name, s + start, i - start);
			jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(name.data)));
			{
				JsonbValue	v;

				jsonb_to_value(jb, &v);
				foreach(lc, seen)
					if (strlen((char *) lfirst(lc)) == (size_t) v.val.string.len &&
						memcmp(lfirst(lc), v.val.string.val, v.val.string.len) == 0)
						dup = true;
				if (!dup)
				{
					seen = lappend(seen, pnstrdup(v.val.string.val, v.val.string.len));
					astate = accumArrayResult(astate,
											  PointerGetDatum(cstring_to_text_with_len(v.val.string.val,
																					   v.val.string.len)),
											  false, TEXTOID, CurrentMemoryContext);
				}
			}
		}
		else
			i++;
	}
	if (astate == NULL)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}

/*
 * flat_key_path(key text) returns text[]
 *
 * The segments of a flat key, unescaped: the path of jsonb's #> and #>>
 * operators to the value a record field keeps at that key.
 */
Datum
podrec_flat_key_path(PG_FUNCTION_ARGS)
{
	text	   *key = PG_GETARG_TEXT_PP(0);
	FilterAlloc alloc = {podrec_filter_palloc, NULL};
	FilterError err = {0};
	FilterKey	fkey;
	Datum	   *elems;
	int			i;

	if (!filter_key_parse(&alloc, VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key), false, &fkey, &err))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ESCAPE_SEQUENCE),
				 errmsg("%s", err.message),
				 err.hint[0] ? errhint("%s", err.hint) : 0));
	elems = palloc(sizeof(Datum) * Max(fkey.nsegs, 1));
	for (i = 0; i < fkey.nsegs; i++)
		elems[i] = PointerGetDatum(cstring_to_text_with_len(fkey.segs[i].s, fkey.segs[i].len));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, fkey.nsegs, TEXTOID, -1, false, TYPALIGN_INT));
}
