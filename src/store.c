/*-------------------------------------------------------------------------
 *
 * store.c
 *	  The per-item half of ingest: ISO 8601 timestamps, uids, and the check
 *	  and extraction of one item (a seed-000 raw item or a flowthings drop)
 *	  behind item_put and items_put.
 *
 * ingest_parse looks at one item on its own; everything that needs the
 * tables (flows, accounts, stored items) is done set-based by
 * podrec.ingest_items in SQL.  The rules (README, "Extraction rules"):
 *
 *	- a drop has one of the keys flowId, creationDate, lastEditDate or elems;
 *	  any other object is a raw item; an item with keys of both is refused;
 *	  a key whose value is null counts as absent;
 *	- uid: the uid argument, else _id (24 lowercase hex digits) of a raw item
 *	  or id ("d" and 24 lowercase hex digits) of a drop, else a new one;
 *	- flow: the flow_id argument, else flow_id (raw item) or flowId (drop);
 *	  when both are given they must be equal;
 *	- times: created_at, updated_at, started_at and ended_at of a raw item
 *	  are ISO 8601 (UTC when they have no offset); creationDate and
 *	  lastEditDate of a drop are epoch milliseconds; no creation time means
 *	  the time of the statement.
 *
 * Errors name the position of the item in its batch in their detail.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/store.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include <time.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(podrec_iso_timestamp);
PG_FUNCTION_INFO_V1(podrec_record_time_text);
PG_FUNCTION_INFO_V1(podrec_uid_new);
PG_FUNCTION_INFO_V1(podrec_ingest_parse);
PG_FUNCTION_INFO_V1(podrec_ingest_complete);

/* Longest uid, in characters; generated uids add UID_DIGITS to a prefix. */
#define UID_MAX_CHARS 200
#define UID_DIGITS 24

/* User text quoted in messages is cut to this many characters. */
#define CLIP_CHARS 40

/* Timestamps of items lie in the years 1 to 9999: [ISO_MIN, ISO_END). */
#define ISO_MIN (-INT64CONST(63082281600000000))	/* 0001-01-01 00:00 UTC */
#define ISO_END INT64CONST(252455616000000000)	/* 10000-01-01 00:00 UTC */

/* Microseconds from 1970-01-01 (drop times) to 2000-01-01 (TimestampTz). */
#define UNIX_TO_PG_USECS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* Columns of podrec.ingest_item, in order. */
enum
{
	II_POS,
	II_SHAPE,
	II_UID,
	II_FLOW_ID,
	II_ITEM_ACCOUNT,
	II_ITEM_PATH,
	II_CREATED_AT,
	II_CREATED_GIVEN,
	II_UPDATED_AT,
	II_STARTED_AT,
	II_ENDED_AT,
	II_FLOW_ACCOUNT,			/* filled in by ingest_items */
	II_FLOW_PATH,
	II_ID,
	II_NATTS
};

/* Read exactly n decimal digits at *p, advancing it. */
static bool
read_digits(const char **p, const char *end, int n, int *out)
{
	int			v = 0;

	if (end - *p < n)
		return false;
	for (int i = 0; i < n; i++)
	{
		char		c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Consume the character c at *p, if it is there. */
static inline bool
read_char(const char **p, const char *end, char c)
{
	if (*p < end && **p == c)
	{
		(*p)++;
		return true;
	}
	return false;
}

/*
 * Parse an ISO 8601 date or date-time,
 * YYYY-MM-DD[(T|t| )HH:MM[:SS[.fraction]][Z|z|(+|-)HH[[:]MM]]], years 1 to
 * 9999.  Without an offset the time is UTC: neither TimeZone nor DateStyle
 * plays a part.  Fractions are rounded to microseconds; 24:00 and leap
 * second 60 roll over as in PostgreSQL.  Returns false for anything else.
 */
static bool
parse_iso_timestamp(const char *s, int len, TimestampTz *result)
{
	const char *p = s;
	const char *end = s + len;
	int			year,
				month,
				day,
				hour = 0,
				minute = 0,
				second = 0;
	int64		usec = 0;
	int			offset = 0;		/* seconds east of UTC */

	if (!read_digits(&p, end, 4, &year) || !read_char(&p, end, '-') ||
		!read_digits(&p, end, 2, &month) || !read_char(&p, end, '-') ||
		!read_digits(&p, end, 2, &day))
		return false;
	if (p < end)
	{
		if (*p != 'T' && *p != 't' && *p != ' ')
			return false;
		p++;
		if (!read_digits(&p, end, 2, &hour) || !read_char(&p, end, ':') ||
			!read_digits(&p, end, 2, &minute))
			return false;
		if (read_char(&p, end, ':'))
		{
			if (!read_digits(&p, end, 2, &second))
				return false;
			if (read_char(&p, end, '.'))
			{
				int			ndigits = 0;
				bool		round_up = false;

				for (; p < end && *p >= '0' && *p <= '9'; p++, ndigits++)
				{
					if (ndigits < 6)
						usec = usec * 10 + (*p - '0');
					else if (ndigits == 6)
						round_up = (*p >= '5');
				}
				if (ndigits == 0)
					return false;
				for (int i = ndigits; i < 6; i++)
					usec *= 10;
				if (round_up)
					usec++;
			}
		}
		if (read_char(&p, end, 'Z') || read_char(&p, end, 'z'))
			 /* UTC */ ;
		else if (p < end && (*p == '+' || *p == '-'))
		{
			int			sign = (*p == '-') ? -1 : 1;
			int			oh,
						om = 0;

			p++;
			if (!read_digits(&p, end, 2, &oh))
				return false;
			if (read_char(&p, end, ':'))
			{
				if (!read_digits(&p, end, 2, &om))
					return false;
			}
			else if (p < end && !read_digits(&p, end, 2, &om))
				return false;
			if (oh > 15 || om > 59)
				return false;
			offset = sign * (oh * SECS_PER_HOUR + om * SECS_PER_MINUTE);
		}
	}
	if (p != end)
		return false;

	if (year < 1 || month < 1 || month > MONTHS_PER_YEAR ||
		day < 1 || day > day_tab[isleap(year)][month - 1] ||
		minute > 59 || second > 60 || hour > 24 ||
		(hour == 24 && (minute > 0 || second > 0 || usec > 0)))
		return false;

	*result = (TimestampTz) (date2j(year, month, day) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY
		+ ((int64) (hour * MINS_PER_HOUR + minute) * SECS_PER_MINUTE + second - offset) * USECS_PER_SEC
		+ usec;
	/* the instant itself, in UTC, lies in the years 1 to 9999 too */
	return *result >= ISO_MIN && *result < ISO_END;
}

/* podrec.iso_timestamp(text): an ISO 8601 timestamp, NULL when the text is not one. */
Datum
podrec_iso_timestamp(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	TimestampTz result;

	if (!parse_iso_timestamp(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value), &result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}

/*
 * podrec.record_time_text(timestamptz): ISO 8601 in UTC, 2025-01-01T10:30:00Z,
 * the fraction of a second only when there is one and without its trailing
 * zeros; NULL for an infinite time.  Written here rather than with to_char,
 * which costs several microseconds a call in every response of the record
 * APIs; the year is written as to_char's YYYY writes it.
 */
Datum
podrec_record_time_text(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);
	struct pg_tm tm;
	fsec_t		fsec;
	char		buf[64];
	int			len;

	if (TIMESTAMP_NOT_FINITE(ts))
		PG_RETURN_NULL();
	/* no time zone: the fields of the UTC time */
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	len = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d",
				   tm.tm_year > 0 ? tm.tm_year : -(tm.tm_year - 1),
				   tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
	{
		len += snprintf(buf + len, sizeof(buf) - len, ".%06d", (int) fsec);
		while (buf[len - 1] == '0')
			len--;
	}
	buf[len++] = 'Z';
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf, len));
}

/* prefix followed by 24 hex digits: 8 of the epoch second, 16 random. */
static text *
make_uid(const char *prefix, int prefixlen)
{
	static const char hex[] = "0123456789abcdef";
	uint8		bytes[12];
	uint32		secs = (uint32) time(NULL);
	text	   *result = (text *) palloc(VARHDRSZ + prefixlen + UID_DIGITS);
	char	   *out = VARDATA(result);

	/* like a MongoDB ObjectId: the time comes first, big-endian */
	bytes[0] = (uint8) (secs >> 24);
	bytes[1] = (uint8) (secs >> 16);
	bytes[2] = (uint8) (secs >> 8);
	bytes[3] = (uint8) secs;
	if (!pg_strong_random(bytes + 4, 8))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));

	memcpy(out, prefix, prefixlen);
	out += prefixlen;
	for (int i = 0; i < (int) sizeof(bytes); i++)
	{
		*out++ = hex[bytes[i] >> 4];
		*out++ = hex[bytes[i] & 0x0f];
	}
	SET_VARSIZE(result, VARHDRSZ + prefixlen + UID_DIGITS);
	return result;
}

/* podrec.uid_new(prefix): a new uid, the prefix and 24 hex digits. */
Datum
podrec_uid_new(PG_FUNCTION_ARGS)
{
	text	   *prefix = PG_GETARG_TEXT_PP(0);
	int			len = VARSIZE_ANY_EXHDR(prefix);
	int			nchars = pg_mbstrlen_with_len(VARDATA_ANY(prefix), len);

	if (nchars > UID_MAX_CHARS - UID_DIGITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("uid prefix is too long"),
				 errdetail("The prefix has %d characters; a uid has at most %d, %d of them generated.",
						   nchars, UID_MAX_CHARS, UID_DIGITS)));
	PG_RETURN_TEXT_P(make_uid(VARDATA_ANY(prefix), len));
}

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

/* Reject the item at batch position pos (0 for a single item). */
static void
pg_attribute_noreturn()
reject(int pos, int sqlerrcode, const char *message, const char *detail,
	   const char *hint)
{
	if (pos > 0)
		detail = detail ? psprintf("Item %d of the batch is rejected. %s", pos, detail)
			: psprintf("Item %d of the batch is rejected.", pos);
	ereport(ERROR,
			(errcode(sqlerrcode),
			 errmsg_internal("%s", message),
			 detail ? errdetail_internal("%s", detail) : 0,
			 hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

/* JSON type name of a value, as jsonb_typeof says it. */
static const char *
value_type_name(const JsonbValue *v)
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
			return JsonContainerIsObject(v->val.binary.data) ? "object" : "array";
		default:
			return "value";
	}
}

/* The value of key in the item; NULL when it is absent or null. */
static JsonbValue *
item_key(Jsonb *doc, const char *key)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&doc->root, key, strlen(key), NULL);

	if (v != NULL && v->type == jbvNull)
		return NULL;
	return v;
}

/* Complain that an item key holds the wrong JSON type. */
static void
pg_attribute_noreturn()
reject_type(int pos, const char *key, const char *expected, const JsonbValue *v,
			const char *extra)
{
	reject(pos, ERRCODE_INVALID_PARAMETER_VALUE,
		   psprintf("item key \"%s\" must be %s", key, expected),
		   psprintf("It is a JSON %s.%s%s", value_type_name(v),
					extra ? " " : "", extra ? extra : ""),
		   NULL);
}

/* A string-valued item key as text; NULL when absent. */
static text *
item_string(Jsonb *doc, const char *key, int pos)
{
	JsonbValue *v = item_key(doc, key);

	if (v == NULL)
		return NULL;
	if (v->type != jbvString)
		reject_type(pos, key, "a string", v, NULL);
	return cstring_to_text_with_len(v->val.string.val, v->val.string.len);
}

/* An ISO 8601 item key as timestamptz; false when absent. */
static bool
item_iso_time(Jsonb *doc, const char *key, int pos, TimestampTz *result)
{
	JsonbValue *v = item_key(doc, key);

	if (v == NULL)
		return false;
	if (v->type != jbvString)
		reject_type(pos, key, "a string", v,
					"Timestamps are ISO 8601 strings.");
	if (!parse_iso_timestamp(v->val.string.val, v->val.string.len, result))
		reject(pos, ERRCODE_INVALID_DATETIME_FORMAT,
			   psprintf("item key \"%s\" is not an ISO 8601 timestamp: \"%s\"",
						key, clip(v->val.string.val, v->val.string.len)),
			   "Timestamps are written like 2025-03-05T14:38:22.903000 (UTC) or 2025-03-05T15:38:22+01:00, in the years 1 to 9999.",
			   NULL);
	return true;
}

/* An epoch-milliseconds item key (drop times) as timestamptz; false when absent. */
static bool
item_millis(Jsonb *doc, const char *key, int pos, TimestampTz *result)
{
	JsonbValue *v = item_key(doc, key);
	Datum		ms;
	int64		usec;

	if (v == NULL)
		return false;
	if (v->type != jbvNumeric)
		reject_type(pos, key, "a number", v,
					"Drop times are milliseconds since 1970-01-01 00:00 UTC.");
	ms = NumericGetDatum(v->val.numeric);
	/* years 1 to 9999, as for ISO 8601 timestamps */
	if (DatumGetBool(DirectFunctionCall2(numeric_lt, ms,
										 NumericGetDatum(int64_to_numeric(INT64CONST(-62135596800000))))) ||
		DatumGetBool(DirectFunctionCall2(numeric_gt, ms,
										 NumericGetDatum(int64_to_numeric(INT64CONST(253402300799999))))))
	{
		char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, ms));

		reject(pos, ERRCODE_DATETIME_FIELD_OVERFLOW,
			   psprintf("item key \"%s\" is out of range: %s", key, clip(s, strlen(s))),
			   "Drop times are milliseconds since 1970-01-01 00:00 UTC, in the years 1 to 9999.",
			   NULL);
	}
	usec = DatumGetInt64(DirectFunctionCall1(numeric_int8,
											 DirectFunctionCall2(numeric_mul, ms,
																 NumericGetDatum(int64_to_numeric(1000)))));
	*result = usec - UNIX_TO_PG_USECS;
	return true;
}

/* Is s exactly n lowercase hex digits after the given prefix? */
static bool
is_hex_id(const text *s, const char *prefix, int n)
{
	const char *p = VARDATA_ANY(s);
	int			len = VARSIZE_ANY_EXHDR(s);
	int			plen = strlen(prefix);

	if (len != plen + n || memcmp(p, prefix, plen) != 0)
		return false;
	for (int i = plen; i < len; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* Are two texts the same string? */
static bool
text_equal(const text *a, const text *b)
{
	int			len = VARSIZE_ANY_EXHDR(a);

	return len == (int) VARSIZE_ANY_EXHDR(b) && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), len) == 0;
}

/* The first of keys that the item has (not null), or NULL. */
static const char *
first_key(Jsonb *doc, const char *const *keys, int nkeys)
{
	for (int i = 0; i < nkeys; i++)
		if (item_key(doc, keys[i]) != NULL)
			return keys[i];
	return NULL;
}

/* Text as a C string, clipped for a message. */
static char *
clip_text(const text *t)
{
	return clip(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * podrec.ingest_parse(doc, pos, flow_id, uid, id) → podrec.ingest_item: check
 * one item on its own and extract its uid, flow and times.  id, the row id the
 * item gets if it is new, is passed through.
 */
Datum
podrec_ingest_parse(PG_FUNCTION_ARGS)
{
	static const char *const drop_keys[] = {"flowId", "creationDate", "lastEditDate", "elems"};
	static const char *const raw_keys[] = {"_id", "flow_id", "scanner_account_id",
	"created_at", "updated_at", "started_at", "ended_at"};
	Jsonb	   *doc;
	int			pos = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1);
	text	   *flow_arg = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	text	   *uid_arg = PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3);
	TupleDesc	tupdesc;
	Datum		values[II_NATTS];
	bool		nulls[II_NATTS];
	bool		is_drop;
	const char *uid_key;
	const char *flow_key;
	text	   *uid;
	text	   *flow;
	TimestampTz ts;
	bool		created_given;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE ||
		tupdesc->natts != II_NATTS)
		elog(ERROR, "ingest_parse must return podrec.ingest_item");
	tupdesc = BlessTupleDesc(tupdesc);
	memset(nulls, true, sizeof(nulls));

	if (PG_ARGISNULL(0))
		reject(pos, ERRCODE_INVALID_PARAMETER_VALUE, "item must be a JSON object",
			   "It is a JSON null.", NULL);
	doc = PG_GETARG_JSONB_P(0);
	if (!JB_ROOT_IS_OBJECT(doc))
	{
		JsonbValue	scalar;
		const char *type = "array";

		if (JB_ROOT_IS_SCALAR(doc) && JsonbExtractScalar(&doc->root, &scalar))
			type = value_type_name(&scalar);
		reject(pos, ERRCODE_INVALID_PARAMETER_VALUE, "item must be a JSON object",
			   psprintf("It is a JSON %s.", type), NULL);
	}

	/* which format */
	{
		const char *drop_key = first_key(doc, drop_keys, lengthof(drop_keys));

		is_drop = (drop_key != NULL);
		if (is_drop)
		{
			const char *raw_key = first_key(doc, raw_keys, lengthof(raw_keys));

			if (raw_key != NULL)
				reject(pos, ERRCODE_INVALID_PARAMETER_VALUE,
					   "item mixes the raw item and drop formats",
					   psprintf("It has the raw item key \"%s\" and the drop key \"%s\".",
								raw_key, drop_key),
					   NULL);
		}
	}
	uid_key = is_drop ? "id" : "_id";
	flow_key = is_drop ? "flowId" : "flow_id";

	/* uid: the argument, else the item's own, else a new one */
	uid = item_string(doc, uid_key, pos);
	if (uid_arg != NULL)
	{
		int			nchars = pg_mbstrlen_with_len(VARDATA_ANY(uid_arg), VARSIZE_ANY_EXHDR(uid_arg));

		if (nchars < 1 || nchars > UID_MAX_CHARS)
			reject(pos, ERRCODE_INVALID_PARAMETER_VALUE,
				   psprintf("uid must have 1 to %d characters", UID_MAX_CHARS),
				   psprintf("It has %d.", nchars), NULL);
		if (uid != NULL && !text_equal(uid, uid_arg))
			reject(pos, ERRCODE_INVALID_PARAMETER_VALUE,
				   psprintf("uid \"%s\" does not match the item's %s \"%s\"",
							clip_text(uid_arg), uid_key, clip_text(uid)),
				   NULL, NULL);
		uid = uid_arg;
	}
	else if (uid == NULL)
		uid = is_drop ? make_uid("d", 1) : make_uid("", 0);
	else if (!is_drop && !is_hex_id(uid, "", UID_DIGITS))
		reject(pos, ERRCODE_INVALID_TEXT_REPRESENTATION,
			   psprintf("invalid _id: \"%s\"", clip_text(uid)),
			   "An _id is 24 lowercase hexadecimal digits, like 67c861de20bb29fb40d2cbbd.",
			   "To store an item under another uid, pass it as the uid argument of item_put.");
	else if (is_drop && !is_hex_id(uid, "d", UID_DIGITS))
		reject(pos, ERRCODE_INVALID_TEXT_REPRESENTATION,
			   psprintf("invalid drop id: \"%s\"", clip_text(uid)),
			   "A drop id is \"d\" and 24 lowercase hexadecimal digits, like d54aec650d4c6770dba958025.",
			   "To store a drop under another uid, pass it as the uid argument of item_put.");

	/* flow: the argument and the item's own must agree */
	flow = item_string(doc, flow_key, pos);
	if (flow_arg != NULL)
	{
		if (flow != NULL && !text_equal(flow, flow_arg))
			reject(pos, ERRCODE_INVALID_PARAMETER_VALUE,
				   psprintf("item belongs to flow \"%s\", not to flow \"%s\"",
							clip_text(flow), clip_text(flow_arg)),
				   psprintf("The item's %s is \"%s\" but the flow_id argument is \"%s\".",
							flow_key, clip_text(flow), clip_text(flow_arg)),
				   NULL);
		flow = flow_arg;
	}
	else if (flow == NULL)
		reject(pos, ERRCODE_INVALID_PARAMETER_VALUE, "item has no flow", NULL,
			   "Pass flow_id, or give the item a flow_id key (raw item) or a flowId key (drop).");

	values[II_SHAPE] = CStringGetTextDatum(is_drop ? "drop" : "raw");
	nulls[II_SHAPE] = false;
	values[II_UID] = PointerGetDatum(uid);
	nulls[II_UID] = false;
	values[II_FLOW_ID] = PointerGetDatum(flow);
	nulls[II_FLOW_ID] = false;

	if (!is_drop)
	{
		text	   *account = item_string(doc, "scanner_account_id", pos);

		if (account != NULL)
		{
			values[II_ITEM_ACCOUNT] = PointerGetDatum(account);
			nulls[II_ITEM_ACCOUNT] = false;
		}
		created_given = item_iso_time(doc, "created_at", pos, &ts);
		if (created_given)
			values[II_CREATED_AT] = TimestampTzGetDatum(ts);
		if (item_iso_time(doc, "updated_at", pos, &ts))
		{
			values[II_UPDATED_AT] = TimestampTzGetDatum(ts);
			nulls[II_UPDATED_AT] = false;
		}
		if (item_iso_time(doc, "started_at", pos, &ts))
		{
			values[II_STARTED_AT] = TimestampTzGetDatum(ts);
			nulls[II_STARTED_AT] = false;
		}
		if (item_iso_time(doc, "ended_at", pos, &ts))
		{
			values[II_ENDED_AT] = TimestampTzGetDatum(ts);
			nulls[II_ENDED_AT] = false;
		}
		if (!created_given)
			values[II_CREATED_AT] = TimestampTzGetDatum(GetCurrentStatementStartTimestamp());
	}
	else
	{
		text	   *path = item_string(doc, "path", pos);
		JsonbValue *elems = item_key(doc, "elems");

		if (path != NULL)
		{
			values[II_ITEM_PATH] = PointerGetDatum(path);
			nulls[II_ITEM_PATH] = false;
		}
		if (elems != NULL &&
			!(elems->type == jbvBinary && JsonContainerIsObject(elems->val.binary.data)))
			reject_type(pos, "elems", "an object", elems, NULL);
		created_given = item_millis(doc, "creationDate", pos, &ts);
		if (created_given)
			values[II_CREATED_AT] = TimestampTzGetDatum(ts);
		if (item_millis(doc, "lastEditDate", pos, &ts))
		{
			values[II_UPDATED_AT] = TimestampTzGetDatum(ts);
			nulls[II_UPDATED_AT] = false;
		}
		if (!created_given)
		{
			/* drop times have millisecond resolution */
			ts = GetCurrentStatementStartTimestamp();
			values[II_CREATED_AT] = TimestampTzGetDatum(ts - ts % 1000);
		}
	}
	nulls[II_CREATED_AT] = false;
	values[II_CREATED_GIVEN] = BoolGetDatum(created_given);
	nulls[II_CREATED_GIVEN] = false;
	if (!PG_ARGISNULL(4))
	{
		values[II_ID] = PG_GETARG_DATUM(4);
		nulls[II_ID] = false;
	}
	if (pos > 0)
	{
		values[II_POS] = Int32GetDatum(pos);
		nulls[II_POS] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* A key and value that ingest_complete adds to an item. */
typedef struct AddedKey
{
	const char *key;
	JsonbValue	value;
} AddedKey;

/* Add key = string s to the list, if s is not NULL and the item lacks the key. */
static void
add_text(AddedKey *added, int *n, Jsonb *doc, const char *key, text *s)
{
	if (s == NULL || item_key(doc, key) != NULL)
		return;
	added[*n].key = key;
	added[*n].value.type = jbvString;
	added[*n].value.val.string.val = VARDATA_ANY(s);
	added[*n].value.val.string.len = VARSIZE_ANY_EXHDR(s);
	(*n)++;
}

/* Add key = ts as an ISO 8601 UTC string, as seed 000 writes them. */
static void
add_iso_time(AddedKey *added, int *n, const char *key, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char	   *s;

	if (TIMESTAMP_NOT_FINITE(ts) || timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	s = psprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06d",
				 tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
	added[*n].key = key;
	added[*n].value.type = jbvString;
	added[*n].value.val.string.val = s;
	added[*n].value.val.string.len = strlen(s);
	(*n)++;
}

/* Add key = ts as epoch milliseconds, as drops have them. */
static void
add_millis(AddedKey *added, int *n, const char *key, TimestampTz ts)
{
	int64		usec;
	Numeric		ms;

	if (TIMESTAMP_NOT_FINITE(ts) || pg_add_s64_overflow(ts, UNIX_TO_PG_USECS, &usec))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));

	if (usec % 1000 == 0)
		ms = int64_to_numeric(usec / 1000);
	else
		ms = DatumGetNumeric(DirectFunctionCall1(numeric_trim_scale,
												 NumericGetDatum(int64_div_fast_to_numeric(usec, 3))));
	added[*n].key = key;
	added[*n].value.type = jbvNumeric;
	added[*n].value.val.numeric = ms;
	(*n)++;
}

/*
 * podrec.ingest_complete(doc, shape, uid, flow_id, path, created_at,
 * updated_at) → jsonb: the item with the identity keys it lacks (or holds as
 * null): its uid, flow and creation time, and the flow's path for a drop.  A
 * non-null updated_at (an update) replaces updated_at (raw item) or
 * lastEditDate (drop).  Keys the item has are never changed otherwise, so a
 * complete item is stored exactly as given.
 */
Datum
podrec_ingest_complete(PG_FUNCTION_ARGS)
{
	Jsonb	   *doc;
	text	   *shape;
	text	   *uid = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	text	   *flow = PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3);
	text	   *path = PG_ARGISNULL(4) ? NULL : PG_GETARG_TEXT_PP(4);
	TimestampTz created;
	bool		is_update = !PG_ARGISNULL(6);
	AddedKey	added[5];
	int			n = 0;
	JsonbParseState *state = NULL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	v;
	JsonbValue *res = NULL;

	/* not strict (path and updated_at may be null): check the others */
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(5))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("ingest_complete needs an item, its shape and its creation time")));
	doc = PG_GETARG_JSONB_P(0);
	shape = PG_GETARG_TEXT_PP(1);
	created = PG_GETARG_TIMESTAMPTZ(5);
	if (!JB_ROOT_IS_OBJECT(doc))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("item must be a JSON object")));

	if (VARSIZE_ANY_EXHDR(shape) == 4 && memcmp(VARDATA_ANY(shape), "drop", 4) == 0)
	{
		add_text(added, &n, doc, "id", uid);
		add_text(added, &n, doc, "flowId", flow);
		add_text(added, &n, doc, "path", path);
		if (item_key(doc, "creationDate") == NULL)
			add_millis(added, &n, "creationDate", created);
		if (is_update)
			add_millis(added, &n, "lastEditDate", PG_GETARG_TIMESTAMPTZ(6));
	}
	else
	{
		add_text(added, &n, doc, "_id", uid);
		add_text(added, &n, doc, "flow_id", flow);
		if (item_key(doc, "created_at") == NULL)
			add_iso_time(added, &n, "created_at", created);
		if (is_update)
			add_iso_time(added, &n, "updated_at", PG_GETARG_TIMESTAMPTZ(6));
	}
	if (n == 0)
		PG_RETURN_JSONB_P(doc);

	/* copy the item's pairs, then the added ones: a later key wins */
	it = JsonbIteratorInit(&doc->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_END_OBJECT)
		{
			for (int i = 0; i < n; i++)
			{
				JsonbValue	k;

				k.type = jbvString;
				k.val.string.val = unconstify(char *, added[i].key);
				k.val.string.len = strlen(added[i].key);
				(void) pushJsonbValue(&state, WJB_KEY, &k);
				(void) pushJsonbValue(&state, WJB_VALUE, &added[i].value);
			}
		}
		res = pushJsonbValue(&state, tok, tok < WJB_BEGIN_ARRAY ? &v : NULL);
	}
	PG_RETURN_JSONB_P(JsonbValueToJsonb(res));
}
