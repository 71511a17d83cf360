/*-------------------------------------------------------------------------
 *
 * tenancy.c
 *	  podrec.request_claim: one claim of the JWT of the current PostgREST
 *	  request, read from the setting request.jwt.claims; and
 *	  podrec.current_account, the account the caller acts for.
 *
 * PostgREST verifies the request's JWT and, before running anything else
 * in the request's transaction, stores its claims as a JSON object in the
 * setting request.jwt.claims (set_config(..., true)).  A setting set that
 * way is reset to '' (not removed) when the transaction ends, so on a
 * pooled connection '' means "no claims", as does a setting never set.
 *
 * Whether the claims are to be believed is not decided here: any session
 * can set request.jwt.claims to anything.  podrec.current_account reads
 * them only for the role PostgREST switches to for verified tokens,
 * podrec_user, which only PostgREST's authenticator may become; every
 * other role's account comes from podrec.account_roles.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/tenancy.c
 *
 *-------------------------------------------------------------------------
 */
#include "podrec.h"

#include "common/jsonapi.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "miscadmin.h"

PG_FUNCTION_INFO_V1(podrec_request_claim);
PG_FUNCTION_INFO_V1(podrec_current_account);

#define CLAIMS_SETTING "request.jwt.claims"

/* The name of a JSON value's type, for error details. */
static const char *
json_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		case jbvString:
			return "string";
		case jbvNull:
			return "null";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "array" : "object";
		default:
			return "value";
	}
}

/* True when s is one JSON text (checked without building anything). */
static bool
json_text_is_valid(char *s)
{
	JsonLexContext *lex = makeJsonLexContextCstringLen(s, strlen(s),
													   GetDatabaseEncoding(),
													   true);

	return pg_parse_json(lex, &nullSemAction) == JSON_SUCCESS;
}

/*
 * The string value of one claim of request.jwt.claims, or NULL when the
 * setting is unset or '', when the claim is missing or JSON null, and when
 * it is the empty string.  A setting that is not a JSON object, or a claim
 * that is not a string, is an error.
 */
static text *
claim_value(const char *claim, int claimlen)
{
	const char *setting = GetConfigOption(CLAIMS_SETTING, true, false);
	char	   *copy;
	Jsonb	   *claims;
	JsonbValue	v;

	if (setting == NULL || setting[0] == '\0')
		return NULL;

	copy = pstrdup(setting);
	if (!json_text_is_valid(copy))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("setting \"%s\" is not valid JSON", CLAIMS_SETTING),
				 errdetail("The setting holds the claims of the request's JWT as a JSON object, as PostgREST sets it.")));
	claims = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(copy)));
	if (!JB_ROOT_IS_OBJECT(claims))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("setting \"%s\" is not a JSON object", CLAIMS_SETTING),
				 errdetail("The setting holds the claims of the request's JWT as a JSON object, as PostgREST sets it.")));

	if (!getKeyJsonValueFromContainer(&claims->root, claim, claimlen, &v) ||
		v.type == jbvNull)
		return NULL;
	if (v.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("claim \"%s\" of the JWT must be a string",
						pnstrdup(claim, claimlen)),
				 errdetail("It is a JSON %s.", json_type_name(&v))));
	if (v.val.string.len == 0)
		return NULL;
	return cstring_to_text_with_len(v.val.string.val, v.val.string.len);
}

/* request_claim(claim text) returns text: claim_value of the claim. */
Datum
podrec_request_claim(PG_FUNCTION_ARGS)
{
	text	   *claim = PG_GETARG_TEXT_PP(0);
	text	   *value = claim_value(VARDATA_ANY(claim), VARSIZE_ANY_EXHDR(claim));

	if (value == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(value);
}

/*
 * current_account() returns text: the account the caller acts for.  For
 * podrec_user (PostgREST requests with a verified JWT) the account_id claim
 * of request.jwt.claims; for every other role its row in
 * podrec.account_roles, read as the caller (so its privileges and
 * policies apply), by a plan kept for the session; NULL when there is
 * none.
 *
 * The policies of every podrec table call it once per statement (an
 * InitPlan).  As an SQL function with a subquery it could not be inlined,
 * and an SQL function that is not inlined is parsed and planned again at
 * every statement that calls it: most of the cost of a small query.
 */
Datum
podrec_current_account(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	char	   *user = GetUserNameFromId(GetUserId(), false);
	MemoryContext callcxt = CurrentMemoryContext;
	text	   *result = NULL;
	int			rc;

	if (strcmp(user, "podrec_user") == 0)
	{
		result = claim_value("account_id", strlen("account_id"));
		if (result == NULL)
			PG_RETURN_NULL();
		PG_RETURN_TEXT_P(result);
	}

	SPI_connect();
	if (plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare("SELECT r.account_id FROM podrec.account_roles AS r"
									" WHERE r.role_name OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text",
									0, NULL);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_prepare failed for the account of a role");
		plan = p;
	}
	rc = SPI_execute_plan(plan, NULL, NULL, true, 2);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed for the account of a role: %s", SPI_result_code_string(rc));
	if (SPI_processed > 1)
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("more than one row returned by a subquery used as an expression")));
	if (SPI_processed == 1)
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
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(result);
}
