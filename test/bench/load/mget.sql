-- POST /rpc/mget (seed 002): 20 drops of each of 10 flows (every fifth flow from a random one).
\set f random(0, 4)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'POST', true);
SELECT podrec_api.mget((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('flowId', 'Flow' || (:f::int4 + 5 * k),
	'params', '{"limit": 20}'::pg_catalog.jsonb)) FROM pg_catalog.generate_series(0, 9) AS k));
COMMIT;
