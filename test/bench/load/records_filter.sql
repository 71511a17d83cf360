-- GET /rpc/records?filter=...&limit=20 (seed 000): the newest 20 flat records whose box has
-- one width (of 900: a few hundred items), the filter a parameter of the request.
\set w random(100, 999)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'GET', true);
SELECT r FROM podrec_api.records(filter => 'dimensioning.dims.dimensions.width == ' || :w) AS r LIMIT 20;
COMMIT;
