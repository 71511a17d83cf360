/*-------------------------------------------------------------------------
 *
 * tenancy.c
 *	  podrec.request_claim: one claim of the JWT of the current PostgREST
 *	  request, read from the setting request.jwt.claims.
 *
 * PostgREST verifies the request's JWT and, before running anything else
 * in the request's transaction, stores its claims as a JSON object in the
 * setting request.jwt.claims (set_config(..., true)).  A setting set that
 * way is reset to '' (not removed) when the transaction ends, so on a
 * pooled connection '' means "no claims", as does a setting never set.
 *
 * Whether the claims are to be believed is not decided here: any session
 * can set request.jwt.claims to anything.  podrec.current_account (in the
 * install script) reads them only for the role PostgREST switches to for
 * verified tokens, podrec_user, which only PostgREST's authenticator may
 * become; every other role's account comes from podrec.account_roles.
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
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(podrec_request_claim);

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
 * request_claim(claim text) returns text: the string value of one claim of
 * request.jwt.claims; NULL when the setting is unset or '', when the claim
 * is missing or JSON null, and when it is the empty string.  A setting that
 * is not a JSON object, or a claim that is not a string, is an error.
 */
Datum
podrec_request_claim(PG_FUNCTION_ARGS)
{
	text	   *claim = PG_GETARG_TEXT_PP(0);
	const char *setting = GetConfigOption(CLAIMS_SETTING, true, false);
	char	   *copy;
	Jsonb	   *claims;
	JsonbValue	v;

	if (setting == NULL || setting[0] == '\0')
		PG_RETURN_NULL();

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

	if (!getKeyJsonValueFromContainer(&claims->root, VARDATA_ANY(claim),
									  VARSIZE_ANY_EXHDR(claim), &v) ||
		v.type == jbvNull)
		PG_RETURN_NULL();
	if (v.type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("claim \"%s\" of the JWT must be a string",
						text_to_cstring(claim)),
				 errdetail("It is a JSON %s.", json_type_name(&v))));
	if (v.val.string.len == 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(v.val.string.val,
											  v.val.string.len));
}
