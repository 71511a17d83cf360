-- GET /rpc/records_list (seed 001): every record of the type, newest first, a random page of the first 50.
\set page random(1, 50)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'GET', true);
SELECT podrec_api.records_list(record_type_id => :rt, page => :page);
COMMIT;
