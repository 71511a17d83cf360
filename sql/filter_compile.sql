-- filter_compile, filter_index_path and filter_explain: the jsonpath of a filter.

-- Module paths: step ids and positions become raw paths (every alternative).
SELECT podrec.filter_compile('barcode_scanning.barcode.code == "A0155C35"');
SELECT podrec.filter_compile('photographing.picz.photos.1.url == "u"');
SELECT podrec.filter_compile('a.`b.c` == 1'), podrec.filter_compile('a.b\.c=eq.1');
SELECT podrec.filter_compile('[{"field_id": "5", "operator": "EQUAL", "value": "ALERT"}]');
SELECT podrec.filter_compile('{"cost": {"operator": "gt", "value": [10.0]}, "metadata__tier": {"operator": "in", "value": ["a", "b"]}}');
SELECT podrec.filter_compile('status=eq.ok&n=gt.5');
SELECT podrec.filter_compile('EXISTS elems.a');
SELECT podrec.filter_compile('elems.name =~ /^bo+b$/i && elems.n % 3 == 1');
SELECT podrec.filter_compile('{"name": {"operator": "icontains", "value": "Sm\"ith"}}');
SELECT podrec.filter_compile('{"name": {"operator": "endswith", "value": "a.b"}}');
SELECT podrec.filter_compile('name=like.*a_b%');

-- What jsonpath cannot state compiles to true: negations, absence, timestamps, ages, distances.
SELECT podrec.filter_compile('NOT a == 1');
SELECT podrec.filter_compile('a != 1');
SELECT podrec.filter_compile('a == 1 || NOT b == 2');
SELECT podrec.filter_compile('a == 1 && NOT b == 2');
SELECT podrec.filter_compile('t > "2025-01-01T00:00:00Z"');
SELECT podrec.filter_compile('AGE > 5');
SELECT podrec.filter_compile('loc WITHIN 5 KM OF [1, 2]');
SELECT podrec.filter_compile('[]');

-- Only equalities serve the index.
SELECT podrec.filter_index_path('a == 1 && b =~ /x/ && c > 3');
SELECT podrec.filter_index_path('a > 1');

-- Hostile keys and values cannot change the structure of the path.
SELECT podrec.filter_compile('{"a\") || true || (\"": {"value": "\" || $ == $ || \""}}');
SELECT podrec.filter_compile($$`x"y` == 'q\'"\\'$$);

-- Every compiled path is accepted by PostgreSQL and is implied by the filter.
CREATE TEMP TABLE samples(doc jsonb);
INSERT INTO samples VALUES
 ('{"barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}], "a": 1, "b": {"c": 2}}'),
 ('{"photographing": [{"flow_step_id": "picz", "photos": [{"url": "u"}]}], "status": "ok", "n": "7"}'),
 ('{"elems": {"a": 2, "name": "bob", "n": 4}, "cost": 12, "metadata": {"tier": "b"}}');
SELECT f, count(*) FILTER (WHERE podrec.matches(doc, f)) AS matching,
       bool_and(NOT podrec.matches(doc, f) OR doc @@ podrec.filter_compile(f)) AS implied
FROM samples, (VALUES ('barcode_scanning.barcode.code == "A0155C35"'),
                      ('photographing.picz.photos.1.url == "u"'),
                      ('status=eq.ok&n=gt.5'),
                      ('elems.name =~ /^bo+b$/i && elems.n % 3 == 1'),
                      ('{"cost": {"operator": "gt", "value": [10.0]}, "metadata__tier": {"operator": "in", "value": ["a", "b"]}}'),
                      ('b.c >= 2'), ('EXISTS elems.a')) AS t(f)
GROUP BY f ORDER BY f;

-- filter_explain: dialect, normalized form, jsonpath, index parts.
SELECT jsonb_pretty(podrec.filter_explain('barcode_scanning.barcode.code == "A0155C35" && NOT ok == false'));
SELECT podrec.filter_explain('[{"field_id": "x", "operator": "IS_ANY_OF", "value": [1, "2"]}]') -> 'filter';
SELECT podrec.filter_explain('x=in.(1,2)') -> 'dialect', podrec.filter_explain('{"x": "eq.1"}'::jsonb) -> 'dialect',
       podrec.filter_explain('{"x": {"value": 1}}'::jsonb) -> 'dialect', podrec.filter_explain('"EXISTS x"'::jsonb) -> 'dialect';
SELECT podrec.filter_explain('AGE > 1') -> 'needs_time';

-- Syntax errors carry the position and the token.
SELECT podrec.filter_compile('a == ');
SELECT podrec.filter_compile('a = 1');
SELECT podrec.filter_compile('a == 1 &&& b == 2');
SELECT podrec.filter_compile('[{"field_id": "a", "operator": "EQUALS", "value": 1}]');
SELECT podrec.filter_compile('{"a": {"operator": "between", "value": [1, 2]}}');
SELECT podrec.filter_compile('a=between.1');
SELECT podrec.filter_compile('a =~ /x/q');
SELECT podrec.filter_compile(repeat('(', 300) || 'a == 1' || repeat(')', 300));
