-- POST /rpc/record_query (seed 004): the records of one entity (one of 10,000), 10 a page.
\set e random(0, 9999)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'POST', true);
SELECT podrec_api.record_query(pg_catalog.jsonb_build_object('param_c', 10,
	'filters', pg_catalog.jsonb_build_object('field_10', pg_catalog.jsonb_build_object('operator', 'in', 'value', pg_catalog.jsonb_build_array('entity_' || :e)))));
COMMIT;
