-- podrec_api, the schema PostgREST serves: what is in it, who may use it, the items
-- view, me(), and the helpers that turn podrec's errors into HTTP statuses.

-- Everything in podrec_api, and who may use it: the podrec roles, never PUBLIC.
SELECT c.relname, c.relkind, c.reloptions,
	(SELECT string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ', ' ORDER BY a.grantee::regrole::text, a.privilege_type)
	 FROM aclexplode(c.relacl) AS a WHERE a.grantee <> c.relowner) AS grants
FROM pg_class AS c WHERE c.relnamespace = 'podrec_api'::regnamespace ORDER BY c.relname;
SELECT p.oid::regprocedure, p.provolatile, p.prosecdef,
	(SELECT string_agg(CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, ', ' ORDER BY 1)
	 FROM aclexplode(p.proacl) AS a WHERE a.grantee <> p.proowner) AS execute
FROM pg_proc AS p WHERE p.pronamespace = 'podrec_api'::regnamespace ORDER BY p.oid::regprocedure::text COLLATE "C";
SELECT n.nspname, (SELECT string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ', ' ORDER BY 1)
	FROM aclexplode(n.nspacl) AS a WHERE a.grantee <> n.nspowner) AS grants
FROM pg_namespace AS n WHERE n.nspname IN ('podrec', 'podrec_api') ORDER BY 1;
-- PostgREST's OpenAPI document is made of these comments: the schema, the view, every
-- column, every function.
SELECT obj_description('podrec_api'::regnamespace, 'pg_namespace');
SELECT a.attname, col_description(a.attrelid, a.attnum)
FROM pg_attribute AS a WHERE a.attrelid = 'podrec_api.items'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT c.oid::regclass FROM pg_class AS c
WHERE c.relnamespace = 'podrec_api'::regnamespace AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT p.oid::regprocedure FROM pg_proc AS p
WHERE p.pronamespace IN ('podrec'::regnamespace, 'podrec_api'::regnamespace) AND obj_description(p.oid, 'pg_proc') IS NULL;
-- Every function of the extension lives in podrec or podrec_api, and the podrec_api ones
-- are only endpoints.
SELECT p.oid::regprocedure FROM pg_proc AS p
JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension AS x ON x.oid = d.refobjid AND x.extname = 'podrec'
WHERE p.pronamespace NOT IN ('podrec'::regnamespace, 'podrec_api'::regnamespace);

-- Data: seed 000's item in account A, another in account B.
SET TimeZone = 'UTC';
SELECT id FROM podrec.account_put('66826269369bbc3d56b479ce', 'optioryx_admin');
SELECT id FROM podrec.account_put('acct_b', 'beta');
SELECT id FROM podrec.flow_put('APIDocsFlow1', '66826269369bbc3d56b479ce');
SELECT id FROM podrec.flow_put('flow_b', 'acct_b');
SELECT uid FROM podrec.item_put('APIDocsFlow1', '{
  "created_at": "2025-03-05T14:38:22.903000", "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd", "started_at": "2025-03-05T14:38:10", "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "photographing": [{"flow_step_id": "picz", "started_at": "2025-03-05T14:38:15", "ended_at": "2025-03-05T14:38:20",
    "photos": [{"date": "2025-03-05T14:38:20", "url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1"}]}],
  "barcode_scanning": [{"flow_step_id": "barcode", "started_at": "2025-03-05T14:38:10", "ended_at": "2025-03-05T14:38:15", "code": "A0155C35"}]}');
SELECT uid FROM podrec.item_put('flow_b', '{"_id": "67c861de20bb29fb40d2cbb1", "created_at": "2025-03-05T10:00:00",
  "barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}]}');
CREATE ROLE regress_api_app_a IN ROLE podrec_app;
CREATE ROLE regress_api_unmapped IN ROLE podrec_app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('regress_api_app_a', '66826269369bbc3d56b479ce');

-- The items view: raw columns, and record, the flat record of seed 000 with
-- scanner_account (the account's name).
SELECT id, uid, account_id, flow_id, record_type_id, created_at, updated_at, started_at, ended_at, status, test_mode
FROM podrec_api.items ORDER BY id;
SELECT jsonb_pretty(record) FROM podrec_api.items WHERE uid = '67c861de20bb29fb40d2cbbd';
SELECT record = podrec.records_flatten(doc) || '{"scanner_account": "optioryx_admin"}' AS flat FROM podrec_api.items
WHERE uid = '67c861de20bb29fb40d2cbbd';
-- As PostgREST reads it for a token of account A, for one of account B, for one
-- without an account, and for an application role.
BEGIN;
SET LOCAL ROLE podrec_user;
SELECT set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "66826269369bbc3d56b479ce"}', true) IS NOT NULL AS set;
SELECT uid, record ->> 'scanner_account' AS scanner FROM podrec_api.items WHERE record ->> 'barcode_scanning.barcode.code' = 'A0155C35';
SELECT podrec_api.me();
SELECT set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "acct_b"}', true) IS NOT NULL AS set;
SELECT uid, record ->> 'scanner_account' AS scanner FROM podrec_api.items WHERE record ->> 'barcode_scanning.barcode.code' = 'A0155C35';
SELECT set_config('request.jwt.claims', '{"role": "podrec_user"}', true) IS NOT NULL AS set;
SELECT uid FROM podrec_api.items;
ROLLBACK;
SET ROLE regress_api_app_a;
SELECT uid, account_id FROM podrec_api.items;
SELECT podrec_api.me();
-- The view refuses callers without an account before reading a row, even when there is
-- nothing to read.
SET ROLE regress_api_unmapped;
SELECT count(*) FROM podrec_api.items WHERE false;
SET ROLE podrec_anon;
SELECT count(*) FROM podrec_api.items;
SELECT podrec_api.me();
RESET ROLE;
SELECT podrec_api.me();
-- The gate is a one-time filter: checked once per query, before the scan.
EXPLAIN (COSTS OFF) SELECT uid FROM podrec_api.items WHERE flow_id = 'flow_b' ORDER BY created_at LIMIT 1;

-- raise_http: SQLSTATE PGRST with the JSON MESSAGE and DETAIL PostgREST 12 reads.
CREATE FUNCTION pg_temp.error_of(statement text)
RETURNS TABLE (state text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE statement;
	RAISE EXCEPTION 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
		hint = PG_EXCEPTION_HINT;
	RETURN NEXT;
END
$$;
SELECT podrec.raise_http(404, 'P0002', 'flow not found', 'No flow has id "x".', 'List the flows first.');
SELECT state, message::jsonb, detail::jsonb
FROM pg_temp.error_of($$SELECT podrec.raise_http(404, 'P0002', 'flow not found', 'No flow has id "x".', 'List the flows first.')$$);
SELECT state, message::jsonb, detail::jsonb
FROM pg_temp.error_of($$SELECT podrec.raise_http(429, 'PT429', 'slow down', headers => '{"Retry-After": "7"}')$$);
-- Bad arguments.
SELECT podrec.raise_http(99, 'x', 'y');
SELECT podrec.raise_http(600, 'x', 'y');
SELECT podrec.raise_http(NULL, 'x', 'y');
SELECT podrec.raise_http(400, NULL, 'y');
SELECT podrec.raise_http(400, '', 'y');
SELECT podrec.raise_http(400, 'x', NULL);
SELECT podrec.raise_http(400, 'x', 'y', headers => '[]');
SELECT podrec.raise_http(400, 'x', 'y', headers => '{"Retry-After": 7}');

-- http_status: podrec's SQLSTATEs as HTTP statuses (NULL: PostgREST decides).
SELECT s, podrec.http_status(s)
FROM unnest(ARRAY['22023', '22P02', '22004', '22007', '42601', '42703', '54000', '54001', '42704', 'P0002',
	'02000', '23503', '23505', '0A000', '42501', 'PT429', 'PGRST', 'P0001', '25006', '57014', 'XX000']) AS s;

-- raise_api_error: a caught error raised again for PostgREST, with the HTTP status of
-- its SQLSTATE, or unchanged when PostgREST maps it itself.
SELECT * FROM pg_temp.error_of($$SELECT podrec.raise_api_error('22023', 'invalid "per_page": 0', 'It is 1 to 500.', 'Ask for fewer.')$$);
SELECT * FROM pg_temp.error_of($$SELECT podrec.raise_api_error('P0002', 'record type "x" does not exist', NULL, 'List the record types.')$$);
SELECT * FROM pg_temp.error_of($$SELECT podrec.raise_api_error('0A000', 'filter operator "near" is not implemented')$$);
SELECT * FROM pg_temp.error_of($$SELECT podrec.raise_api_error('42501', 'permission denied for table items')$$);
SELECT * FROM pg_temp.error_of($$SELECT podrec.raise_api_error('55P03', 'could not obtain lock on row in relation "items"', 'a detail')$$);
SELECT * FROM pg_temp.error_of($$SELECT podrec.raise_api_error('P0001', 'oops', NULL, 'a hint')$$);
SELECT * FROM pg_temp.error_of($$SELECT podrec.raise_api_error('XX000', 'internal', 'a detail', 'a hint')$$);
-- The pattern of a podrec_api function: catch, then raise_api_error.
CREATE FUNCTION pg_temp.api_compile(filter text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	RETURN podrec.filter_compile(filter)::text;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(st, msg, nullif(det, ''), nullif(hnt, ''));
END
$$;
SELECT pg_temp.api_compile('n == 1');
SELECT state, message::jsonb, detail::jsonb FROM pg_temp.error_of($$SELECT pg_temp.api_compile('n == ')$$);

-- Clean up.
DELETE FROM podrec.account_roles;
DELETE FROM podrec.items;
DELETE FROM podrec.flows;
DELETE FROM podrec.accounts;
DROP ROLE regress_api_app_a, regress_api_unmapped;
RESET TimeZone;
