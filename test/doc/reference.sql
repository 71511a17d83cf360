-- The README's function reference, generated from the catalog: every function of
-- schemas podrec_api and podrec, with its arguments, result, volatility and COMMENT.
-- Functions whose comment starts with "internal:" are helpers of other functions and
-- are left out. Run by test/doc/reference.sh in a database with podrec installed.
\pset format unaligned
\pset tuples_only on
\pset footer off
SELECT string_agg(line, E'\n' ORDER BY schema_order, fname, args)
FROM (
	SELECT CASE n.nspname WHEN 'podrec_api' THEN 0 ELSE 1 END AS schema_order,
		p.proname AS fname,
		pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
		pg_catalog.format('| `%s.%s(%s)` | `%s` | %s | %s |',
			n.nspname, p.proname,
			pg_catalog.replace(pg_catalog.pg_get_function_arguments(p.oid), '|', '\|'),
			pg_catalog.replace(pg_catalog.pg_get_function_result(p.oid), '|', '\|'),
			CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
			pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
				pg_catalog.obj_description(p.oid, 'pg_proc'), E'\n', ': '), '|', '\|'), '`', '')) AS line
	FROM pg_catalog.pg_proc AS p
	JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	WHERE n.nspname IN ('podrec', 'podrec_api')
		AND coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') NOT LIKE 'internal:%'
) AS r;
