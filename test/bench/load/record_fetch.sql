-- GET /rpc/record_fetch?unique_id=... (seed 004): one record by its unique_id.
\set g random(1, :typed)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'GET', true);
SELECT podrec_api.record_fetch('record_' || :g);
COMMIT;
