-- GET /rpc/records_list (seed 001): a selective filter (one code of 65,536), page 1.
\set code random(0, 65535)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'GET', true);
SELECT podrec_api.records_list(record_type_id => :rt,
	filters => pg_catalog.format('[{"field_id": "%s", "operator": "EQUAL", "value": "%s"}]', :code_field::text,
		pg_catalog.lpad(pg_catalog.to_hex(:code::int4), 4, '0'))::pg_catalog.jsonb);
COMMIT;
