-- GET /rpc/records_list (seed 001): one Alert value (a fifth of the records), ordered by the
-- indexed Count, a random page of the first 10.
\set alert random(1, 5)
\set page random(1, 10)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'GET', true);
SELECT podrec_api.records_list(record_type_id => :rt, order_field_id => :count_field, page => :page,
	filters => pg_catalog.format('[{"field_id": "%s", "operator": "EQUAL", "value": "%s"}]', :alert_field::text,
		(ARRAY['High', 'Medium', 'Low', 'Info', 'Debug'])[:alert::int4])::pg_catalog.jsonb);
COMMIT;
