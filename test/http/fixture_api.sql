-- Fixture for the API cases (test/http/cases/api): podrec itself, as a deployment runs it.
-- CREATE EXTENSION podrec makes the schema podrec_api and the roles podrec_anon,
-- podrec_user, podrec_app and podrec_admin; this file adds PostgREST's authenticator and
-- two accounts with flows and items. Account A is the scanner account of seed 000 and
-- holds the seed's raw item; account B holds items that look like A's (the same barcode)
-- so that any leak between them shows. Loaded by a superuser into a fresh database
-- (test/suites/http.sh); roles are global to the cluster, so they are created only when
-- missing.

\set ON_ERROR_STOP on

CREATE EXTENSION podrec;

-- PostgREST logs in as the authenticator (NOINHERIT: it has no privileges of its own)
-- and switches to podrec_anon or to the role of a verified JWT, podrec_user. It is
-- granted nothing else: a token naming podrec_admin or an application role is refused.
-- http_api_app_b is such an application role (direct SQL, mapped to account B).
\ir authenticator.sql
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'http_api_app_b') THEN
		CREATE ROLE http_api_app_b NOLOGIN IN ROLE podrec_app;
	END IF;
END
$$;

SET TimeZone = 'UTC';

SELECT podrec.account_put('66826269369bbc3d56b479ce', 'optioryx_admin');
SELECT podrec.account_put('acct_beta', 'beta_scans');
SELECT podrec.flow_put('APIDocsFlow1', '66826269369bbc3d56b479ce');
SELECT podrec.flow_put('inbound', '66826269369bbc3d56b479ce', 'Inbound goods');
SELECT podrec.flow_put('beta_flow', 'acct_beta');
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('http_api_app_b', 'acct_beta');

-- Account A: the raw item of seed 000, then three more.
SELECT podrec.item_put('APIDocsFlow1', '{
  "created_at": "2025-03-05T14:38:22.903000",
  "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd",
  "started_at": "2025-03-05T14:38:10",
  "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "photographing": [
    {
      "flow_step_id": "picz",
      "started_at": "2025-03-05T14:38:15",
      "ended_at": "2025-03-05T14:38:20",
      "photos": [
        {
          "date": "2025-03-05T14:38:20",
          "url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1"
        }
      ]
    }
  ],
  "barcode_scanning": [
    {
      "flow_step_id": "barcode",
      "started_at": "2025-03-05T14:38:10",
      "ended_at": "2025-03-05T14:38:15",
      "code": "A0155C35"
    }
  ]
}');
SELECT podrec.items_put('[
  {"_id": "67c861de20bb29fb40d2cb01", "created_at": "2025-03-06T09:00:00", "scanner_account_id": "66826269369bbc3d56b479ce",
   "barcode_scanning": [{"flow_step_id": "barcode", "code": "B0000001"}], "weight": 12.5},
  {"_id": "67c861de20bb29fb40d2cb02", "created_at": "2025-03-07T09:00:00",
   "barcode_scanning": [{"flow_step_id": "barcode", "code": "B0000002"}], "weight": 3}
]', 'APIDocsFlow1');
SELECT podrec.item_put('APIDocsFlow1', '{"_id": "67c861de20bb29fb40d2cb03", "created_at": "2025-03-07T12:00:00",
  "barcode_scanning": [{"flow_step_id": "barcode", "code": "B0000003"}]}', 'cancelled');
SELECT podrec.item_put('inbound', '{"_id": "67c861de20bb29fb40d2cb04", "created_at": "2025-03-08T08:00:00",
  "dimensioning": [{"flow_step_id": "dims", "dimensions": {"width": 10, "height": 20, "depth": 30, "unit": "cm"}}]}');

-- Account B: the same barcode as A's seed item, and a secret.
SELECT podrec.items_put('[
  {"_id": "67c861de20bb29fb40d2cbb1", "created_at": "2025-03-05T10:00:00", "scanner_account_id": "acct_beta",
   "barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}]},
  {"_id": "67c861de20bb29fb40d2cbb2", "created_at": "2025-03-09T10:00:00",
   "barcode_scanning": [{"flow_step_id": "barcode", "code": "SECRET-B"}], "note": "beta secret"}
]', 'beta_flow');

ANALYZE podrec.accounts, podrec.flows, podrec.items;

-- Times come back in UTC whatever the server's default TimeZone.
DO $$
BEGIN
	EXECUTE pg_catalog.format('ALTER DATABASE %I SET TimeZone = %L', pg_catalog.current_database(), 'UTC');
END
$$;

-- Endpoints that exist only in the test database: they raise errors the way podrec_api's
-- endpoints do (podrec.raise_http, or a caught error passed to podrec.raise_api_error),
-- so that the statuses, headers and bodies PostgREST makes of them are checked.
CREATE FUNCTION podrec_api.test_raise(status integer, code text, message text, details text DEFAULT NULL,
	hint text DEFAULT NULL, retry_after text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM podrec.raise_http(status, code, message, details, hint,
		CASE WHEN retry_after IS NOT NULL THEN jsonb_build_object('Retry-After', retry_after) ELSE '{}' END);
END
$$;
COMMENT ON FUNCTION podrec_api.test_raise(integer, text, text, text, text, text) IS 'Test only: raises an HTTP error with podrec.raise_http.';

CREATE FUNCTION podrec_api.test_compile(filter text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st text;
	msg text;
	det text;
	hnt text;
BEGIN
	RETURN podrec.filter_compile(filter)::text;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(st, msg, nullif(det, ''), nullif(hnt, ''));
END
$$;
COMMENT ON FUNCTION podrec_api.test_compile(text) IS 'Test only: compiles a filter; errors pass through podrec.raise_api_error.';

CREATE FUNCTION podrec_api.test_api_error(sqlstate text, message text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM podrec.raise_api_error(sqlstate, message);
END
$$;
COMMENT ON FUNCTION podrec_api.test_api_error(text, text) IS 'Test only: raises an error of this SQLSTATE through podrec.raise_api_error.';

REVOKE ALL ON FUNCTION podrec_api.test_raise(integer, text, text, text, text, text), podrec_api.test_compile(text),
	podrec_api.test_api_error(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.test_raise(integer, text, text, text, text, text), podrec_api.test_compile(text),
	podrec_api.test_api_error(text, text) TO podrec_user;
NOTIFY pgrst, 'reload schema';
