-- GET /rpc/records?flow_id=...&limit=20 (seed 000): the newest 20 flat records of a random flow.
\set flow random(0, 49)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'GET', true);
SELECT r FROM podrec_api.records(flow_id => 'Flow' || :flow) AS r LIMIT 20;
COMMIT;
