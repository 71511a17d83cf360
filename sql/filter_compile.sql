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

-- The normalized form is a dialect of its own: what filter_explain shows reads back.
SELECT podrec.filter_explain('a == 1 && (b =~ /x/i || NOT c IN [1,"2"]) && AGE > 5 && loc WITHIN 3 MILES OF [1,2] && d % 2 != 1 && x < y && MATCHES /q/ && t > Date(1000)') -> 'filter' AS normalized \gset
SELECT :'normalized'::jsonb;
SELECT podrec.filter_explain(:'normalized'::jsonb) -> 'filter' = :'normalized'::jsonb AS reads_back,
       podrec.filter_explain(:'normalized'::jsonb) ->> 'dialect' AS dialect;
SELECT podrec.matches('{"a": 1}', '{"op": "eq", "key": "a", "value": 1}'),
       podrec.matches('{"a": 1}', '{"op": "in", "key": "a", "values": [{"text": "1"}]}');
-- Pairs write like and ilike patterns as loose strings; the normalized form reads them back.
SELECT podrec.filter_explain('name=ilike.*SMITH&or=(code.like.A*,code.like.B_7)') -> 'filter' AS normalized \gset
SELECT :'normalized'::jsonb;
SELECT podrec.filter_explain(:'normalized'::jsonb) -> 'filter' = :'normalized'::jsonb AS reads_back,
       podrec.matches('{"name": "Bob Smith", "code": "B77"}', :'normalized'::jsonb) AS matches;
SELECT podrec.matches('{"a": 1}', '{"op": "eq", "key": "a"}');
SELECT podrec.matches('{"a": 1}', '{"op": "and", "args": [{"op": "bogus"}]}');

-- filter_resolve: field names of a record type become flat keys, values take the field types.
SELECT podrec.filter_resolve(
  '[{"field_id": "5", "operator": "GREATER_THAN", "value": "10"}, {"field_id": "Alert", "operator": "IS_ANY_OF", "value": ["High", "Low"]}]',
  '{"5": {"key": "dimensions.width", "type": "NUMBER"}, "Alert": {"key": "alert", "type": "TEXT"}}');
SELECT podrec.filter_resolve('{"field_7_old": {"operator": "gte", "value": [1.5]}}',
  '{"field_7": {"key": "latency", "type": "NUMBER"}, "field_7_old": {"key": "latency", "type": "NUMBER"}}');
SELECT podrec.filter_resolve('[{"field_id": "9", "operator": "EQUAL", "value": "x"}]', '{"5": {"key": "a"}}');
SELECT podrec.filter_resolve('[{"field_id": "5", "operator": "IS_ANY_OF", "value": [true]}]', '{"5": {"key": "a", "type": "BOOLEAN"}}');
SELECT podrec.filter_resolve('[{"field_id": "5", "operator": "EQUAL", "value": "ten"}]', '{"5": {"key": "a", "type": "NUMBER"}}');
SELECT podrec.filter_resolve('[]', '[]');
SELECT podrec.filter_resolve('[{"field_id": "5", "operator": "EQUAL", "value": 1}]', '{"5": {"key": "a", "type": "DECIMAL"}}');
