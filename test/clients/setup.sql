-- Database of the client tests (test/suites/clients.sh): podrec, two accounts, and the
-- application role the ORM logs in as. Loaded by a superuser into a fresh database.
-- Roles are global to the cluster, so they are created only when missing.

\set ON_ERROR_STOP on

CREATE EXTENSION podrec;

-- An application role, as a deployment makes one: it logs in, is a member of
-- podrec_app (the privileges) and is mapped to its account in podrec.account_roles.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'clients_app_a') THEN
		CREATE ROLE clients_app_a LOGIN PASSWORD 'clients' IN ROLE podrec_app;
	END IF;
END
$$;

SELECT podrec.account_put('acct_a', 'Alpha Scans');
SELECT podrec.account_put('acct_b', 'Beta Scans');
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('clients_app_a', 'acct_a');
SELECT podrec.flow_put('flow_a1', 'acct_a', 'Inbound');
SELECT podrec.flow_put('flow_b1', 'acct_b', 'Outbound');

-- 2000 items of A, 200 of B; both accounts have an item with barcode A0155C35.
SELECT count(*) FROM podrec.items_put((
	SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
		'sku', pg_catalog.format('A-%s', pg_catalog.lpad(i::pg_catalog.text, 4, '0')),
		'created_at', pg_catalog.format('2025-03-01T00:%s:00', pg_catalog.lpad((i OPERATOR(pg_catalog.%) 60)::pg_catalog.text, 2, '0')),
		'weight', i,
		'barcode_scanning', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'flow_step_id', 'barcode', 'code', CASE WHEN i OPERATOR(pg_catalog.=) 7 THEN 'A0155C35' ELSE pg_catalog.format('C%s', i) END)))
		ORDER BY i)
	FROM pg_catalog.generate_series(1, 2000) AS i), 'flow_a1');
SELECT count(*) FROM podrec.items_put((
	SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
		'sku', pg_catalog.format('B-%s', pg_catalog.lpad(i::pg_catalog.text, 4, '0')),
		'weight', i,
		'secret', 'beta only',
		'barcode_scanning', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'flow_step_id', 'barcode', 'code', CASE WHEN i OPERATOR(pg_catalog.=) 3 THEN 'A0155C35' ELSE pg_catalog.format('D%s', i) END)))
		ORDER BY i)
	FROM pg_catalog.generate_series(1, 200) AS i), 'flow_b1');

-- VACUUM too: the GIN index's statistics, which the planner costs it with, are
-- gathered by VACUUM only.
VACUUM ANALYZE podrec.accounts, podrec.flows, podrec.items;
