-- matches() is served by a GIN jsonb_path_ops index: for constants and for parameters.

CREATE TABLE idx_items(id serial PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO idx_items(doc)
SELECT jsonb_build_object('barcode_scanning', jsonb_build_array(jsonb_build_object('flow_step_id', 'barcode', 'code', 'C' || g)),
                          'n', g, 'name', 'item ' || g)
FROM generate_series(1, 2000) AS g;
CREATE INDEX idx_items_doc ON idx_items USING gin (doc jsonb_path_ops);
ANALYZE idx_items;
SET enable_seqscan = off;

-- A constant filter: the index condition is the filter's index jsonpath.
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, 'barcode_scanning.barcode.code == "C42"');
SELECT id FROM idx_items WHERE podrec.matches(doc, 'barcode_scanning.barcode.code == "C42"');
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, '[{"field_id": "n", "operator": "IS_ANY_OF", "value": [5, 7]}]'::jsonb);
SELECT id FROM idx_items WHERE podrec.matches(doc, '[{"field_id": "n", "operator": "IS_ANY_OF", "value": [5, 7]}]'::jsonb) ORDER BY id;

-- An OR of equalities on different keys is served whole; an AND by its equalities.
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, 'or=(n.eq.5,barcode_scanning.barcode.code.eq.C7)');
SELECT id FROM idx_items WHERE podrec.matches(doc, 'or=(n.eq.5,barcode_scanning.barcode.code.eq.C7)') ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, '{"n": {"value": 5}, "name": {"operator": "icontains", "value": "ITEM"}}'::jsonb);
SELECT id FROM idx_items WHERE podrec.matches(doc, '{"n": {"value": 5}, "name": {"operator": "icontains", "value": "ITEM"}}'::jsonb);

-- jsonb_path_ops cannot tie a step id to the value beside it: the step id is an
-- index entry of its own, which nearly every item has.  For a rare value the index
-- condition reads a step-addressed element as any element (matches() rechecks the
-- step); a common value keeps its step id, which may be the rare part.
CREATE TABLE step_items(id serial PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO step_items(doc)
SELECT jsonb_build_object('scan', jsonb_build_array(jsonb_build_object(
	'flow_step_id', CASE WHEN g % 100 = 0 THEN 'rare' ELSE 'usual' END, 'unit', 'cm', 'code', 'C' || (g % 1000))))
FROM generate_series(1, 2000) AS g;
CREATE INDEX step_items_doc ON step_items USING gin (doc jsonb_path_ops);
ANALYZE step_items;
EXPLAIN (COSTS OFF) SELECT id FROM step_items WHERE podrec.matches(doc, 'scan.rare.code == "C100"');
EXPLAIN (COSTS OFF) SELECT id FROM step_items WHERE podrec.matches(doc, 'scan.rare.unit == "cm"');
SELECT id FROM step_items WHERE podrec.matches(doc, 'scan.rare.code == "C100"') ORDER BY id;
SELECT id FROM step_items WHERE podrec.matches(doc, 'scan.usual.code == "C100"') ORDER BY id;
SELECT id FROM step_items WHERE podrec.matches(doc, 'scan.usual.code == "C101"') ORDER BY id;
SELECT count(*) FROM step_items WHERE podrec.matches(doc, 'scan.rare.unit == "cm"');
DROP TABLE step_items;

-- A filter with nothing to look up in an index gets no index condition,
-- and neither does an OR with a branch that the index cannot serve.
RESET enable_seqscan;
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, 'name =~ /item 4$/');
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, 'n == 5 || name =~ /item 7$/');

-- The planner estimates a constant filter from the column's statistics (here the
-- items are small enough for ANALYZE to keep them), so the first page of a
-- selective filter is an index scan.
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, 'barcode_scanning.barcode.code == "C42"') LIMIT 20;
CREATE FUNCTION plan_rows(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	p json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO p;
	RETURN (p -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END
$$;
SELECT f, plan_rows(format('SELECT id FROM idx_items WHERE podrec.matches(doc, %L)', f)) AS estimated_rows
FROM (VALUES ('n == 5'), ('n=in.(1,2,3)'), ('NOT n == 5'), ('n > 5'), ('name =~ /item/'), ('n == 5 || n > 5')) AS t(f);
SET enable_seqscan = off;

-- A bound parameter, in a generic plan: the index path is compiled at run time.
SET plan_cache_mode = force_generic_plan;
PREPARE find(text) AS SELECT id FROM idx_items WHERE podrec.matches(doc, $1);
EXPLAIN (COSTS OFF) EXECUTE find('n == 9');
EXECUTE find('n == 9');
EXECUTE find('n=in.(10,11)&name=like.item*');
EXECUTE find('[{"field_id": "n", "operator": "IS_ANY_OF", "value": [13, "14"]}]');
EXECUTE find('or=(n.eq.15,name.eq."item 16")');
-- A parameter the index cannot serve still gives exactly its rows (the index path is true).
EXECUTE find('name =~ /^item 19$/');
PREPARE findj(jsonb) AS SELECT id FROM idx_items WHERE podrec.matches(doc, $1);
EXPLAIN (COSTS OFF) EXECUTE findj('{"n": {"operator": "", "value": 12}}');
EXECUTE findj('{"n": {"operator": "", "value": 12}}');
RESET plan_cache_mode;

-- A filter taken from another table, in a nested loop.
CREATE TEMP TABLE wanted(f text);
INSERT INTO wanted VALUES ('n == 100'), ('barcode_scanning.barcode.code == "C200"');
SET enable_hashjoin = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT w.f, i.id FROM wanted w JOIN idx_items i ON podrec.matches(i.doc, w.f);
SELECT w.f, i.id FROM wanted w JOIN idx_items i ON podrec.matches(i.doc, w.f) ORDER BY i.id;
RESET ALL;
DROP TABLE idx_items;

-- The planner estimates how many rows a filter keeps: from the column's
-- statistics when ANALYZE kept enough items, else from the filter's shape.
CREATE TABLE est_items(id serial PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO est_items(doc)
SELECT jsonb_build_object('n', (g * 7919) % 10007, 'kind', CASE WHEN g % 10 = 0 THEN 'rare' ELSE 'common' END)
FROM generate_series(1, 5000) AS g;
ANALYZE est_items;
CREATE FUNCTION estimated_rows(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO plan;
	RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::int;
END $$;
SELECT estimated_rows($$SELECT * FROM est_items WHERE podrec.matches(doc, 'kind == "rare"')$$) BETWEEN 250 AND 1000 AS about_a_tenth,
       estimated_rows($$SELECT * FROM est_items WHERE podrec.matches(doc, 'kind == "common"')$$) BETWEEN 4000 AND 5000 AS about_nine_tenths,
       estimated_rows($$SELECT * FROM est_items WHERE podrec.matches(doc, 'n == 10008')$$) < 10 AS very_few,
       estimated_rows($$SELECT * FROM est_items WHERE podrec.matches(doc, 'NOT n == 10008')$$) > 4900 AS nearly_all;
-- Without statistics: the shape of the filter (an equality is rare, its negation common).
CREATE TEMP TABLE no_stats(doc jsonb);
SELECT estimated_rows($$SELECT * FROM no_stats WHERE podrec.matches(doc, 'a == 1')$$)
     < estimated_rows($$SELECT * FROM no_stats WHERE podrec.matches(doc, 'a > 1')$$) AS equality_rarer_than_range,
       estimated_rows($$SELECT * FROM no_stats WHERE podrec.matches(doc, 'a > 1')$$)
     < estimated_rows($$SELECT * FROM no_stats WHERE podrec.matches(doc, 'NOT a == 1')$$) AS negation_common;
DROP TABLE est_items;

-- Under row-level security PostgreSQL may not read the column's statistics for
-- the index condition matches() derives (doc @@ jsonpath is not leakproof), and
-- takes it at its default 1%; the GIN index path is estimated with matches()'s own
-- estimate instead, so a rare filter is served by the GIN index alone, not ANDed
-- with a btree of every row of the kind.
CREATE TABLE rls_items(id serial PRIMARY KEY, kind int NOT NULL, tenant text NOT NULL, doc jsonb NOT NULL);
INSERT INTO rls_items(kind, tenant, doc)
SELECT CASE WHEN g % 20 = 0 THEN 2 ELSE 1 END, 't' || (g % 2),
	jsonb_build_object('entity', 'entity_' || (g % 10000), 'pad', repeat('x', 1200))
FROM generate_series(1, 40000) AS g;
CREATE INDEX rls_items_kind ON rls_items (kind, id);
CREATE INDEX rls_items_doc ON rls_items USING gin (doc jsonb_path_ops);
ANALYZE rls_items;
ALTER TABLE rls_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON rls_items USING (tenant = current_setting('regress.tenant'));
CREATE ROLE regress_filter_tenant IN ROLE podrec_app;
GRANT SELECT ON rls_items TO regress_filter_tenant;
SET regress.tenant = 't0';
SET ROLE regress_filter_tenant;
EXPLAIN (COSTS OFF) SELECT count(*) FROM rls_items WHERE kind = 2 AND podrec.matches(doc, 'entity == "entity_40"');
SELECT count(*) FROM rls_items WHERE kind = 2 AND podrec.matches(doc, 'entity == "entity_40"');
RESET ROLE;
DROP TABLE rls_items;
DROP ROLE regress_filter_tenant;
