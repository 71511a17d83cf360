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

-- A filter with nothing to look up in an index gets no index condition.
RESET enable_seqscan;
EXPLAIN (COSTS OFF) SELECT id FROM idx_items WHERE podrec.matches(doc, 'name =~ /item 4$/');
SET enable_seqscan = off;

-- A bound parameter, in a generic plan: the index path is compiled at run time.
SET plan_cache_mode = force_generic_plan;
PREPARE find(text) AS SELECT id FROM idx_items WHERE podrec.matches(doc, $1);
EXPLAIN (COSTS OFF) EXECUTE find('n == 9');
EXECUTE find('n == 9');
EXECUTE find('n=in.(10,11)&name=like.item*');
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
