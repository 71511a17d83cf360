-- GET /rpc/records?filter=...&limit=20 (seed 000): the flat records of one barcode (a random item's).
\set g random(1, :items)
BEGIN;
-- what PostgREST runs first in the transaction of a request with a verified token
SELECT pg_catalog.set_config('role', 'podrec_user', true),
	pg_catalog.set_config('request.jwt.claims', '{"role": "podrec_user", "account_id": "bench"}', true),
	pg_catalog.set_config('request.method', 'GET', true);
SELECT r FROM podrec_api.records(filter => pg_catalog.format('barcode_scanning.barcode.code == "%s"',
	'A' || pg_catalog.upper(bench.hex8(:g::int8, 4)))) AS r LIMIT 20;
COMMIT;
