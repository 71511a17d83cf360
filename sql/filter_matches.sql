-- matches(): exact filter semantics over raw items, in every dialect.

CREATE TEMP TABLE items(id int, doc jsonb);
INSERT INTO items VALUES
 (1, '{"_id": "67c861de20bb29fb40d2cbbd", "flow_id": "APIDocsFlow1",
       "created_at": "2025-03-05T14:38:22.903000",
       "barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}],
       "photographing": [{"flow_step_id": "picz", "photos": [{"url": "https://x/1.jpg"}, {"url": "https://x/2.jpg"}]}],
       "dimensioning": [{"flow_step_id": "dims", "dimensions": {"width": 31.5, "height": 12, "unit": "cm"}}],
       "ok": true, "note": null, "tags": ["red", "blue"], "empty": ""}'),
 (2, '{"_id": "67c861de20bb29fb40d2cbbe", "flow_id": "APIDocsFlow1",
       "created_at": "2025-03-06T09:00:00Z",
       "barcode_scanning": [{"flow_step_id": "barcode", "code": "B77"}],
       "dimensioning": [{"flow_step_id": "dims", "dimensions": {"width": 8, "height": 40, "unit": "in"}}],
       "ok": false, "tags": [], "count": "12"}'),
 (3, '{"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b",
       "creationDate": 1420740176213, "path": "/alice/drinks",
       "elems": {"a": 2, "name": "Bob Smith", "location": {"lat": 40.7128, "lon": -74.006}}}'),
 (4, '{"id": "d54aec5dcd4c6770dba958020", "flowId": "f54aec5c7d4c6770dba95801b",
       "creationDate": 1420740060915, "path": "/alice/drinks",
       "elems": {"a": 1, "b": 1, "name": "alice", "location": {"lat": 51.5074, "lon": -0.1278}}}'),
 (5, '{"m": [{"flow_step_id": "s", "v": 1}, {"flow_step_id": "s", "v": 2}, {"v": 3},
             {"flow_step_id": "4", "v": 4}, {"flow_step_id": "only"}],
       "o": {"1": "one", "x.y": "dotted", "back\\slash": "b"}}');

-- A helper: which items match a filter.
CREATE FUNCTION which(f text) RETURNS int[] LANGUAGE sql AS
$$ SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM items WHERE podrec.matches(doc, f) $$;

-- Text dialect (flowthings): comparisons on module paths, positions, objects.
SELECT which('barcode_scanning.barcode.code == "A0155C35"');
SELECT which('photographing.picz.photos.2.url == ''https://x/2.jpg''');
SELECT which('photographing.picz.photos.3.url == "https://x/2.jpg"');
SELECT which('dimensioning.dims.dimensions.width > 10');
SELECT which('dimensioning.dims.dimensions.width >= 8 && dimensioning.dims.dimensions.unit != "cm"');
SELECT which('elems.a == 1 || elems.a == 2');
SELECT which('EXISTS elems.a');
SELECT which('NOT EXISTS elems.a');
SELECT which('EXISTS dimensioning.dims');
SELECT which('elems.a <= elems.b');
SELECT which('elems.a % 2 == 0');
SELECT which('elems.a % 2 != 0');
SELECT which('elems.name =~ /^bob/i');
SELECT which('elems.name =~ /^bob/');
SELECT which('MATCHES /smith/i');
SELECT which('elems.a IN [2, 3]');
SELECT which('tags CONTAINS ["red"]');
SELECT which('tags CONTAINS ["red", "green"]');
SELECT which('elems.location WITHIN 10 KM OF [40.71, -74.0]');
SELECT which('elems.location WITHIN 4000 MILES OF [40.71, -74.0]');
SELECT which('created_at > "2025-03-06T00:00:00+00:00"');
SELECT which('created_at > Date(1741219200000)');
SELECT which('creationDate < Date(1420740100000)');
SELECT which('ok == true');
SELECT which('note == null');
SELECT which('note != null');
SELECT which('(elems.a == 1 || elems.a == 2) && NOT elems.name == "alice"');
SELECT which('elems.a == 1 AND elems.b == 1 OR elems.a == 2');
SELECT which('');

-- Module arrays: repeated step ids keep the first; later ones are positional.
SELECT which('m.s.v == 1');
SELECT which('m.s.v == 2');
SELECT which('m.2.v == 2');
SELECT which('m.1.v == 1');
SELECT which('m.3.v == 3');
SELECT which('m.4.flow_step_id == "4"');
SELECT which('m.s.flow_step_id == "s"');
SELECT which('EXISTS m.only');
SELECT which('`o`.1 == "one"');
SELECT which('o.`x.y` == "dotted"');

-- Operator-map dialect (seed 004).
SELECT which('{"dimensioning__dims__dimensions__width": {"operator": "gt", "value": [10.0]}}');
SELECT which('{"elems__name": {"operator": "icontains", "value": "SMITH"}}');
SELECT which('{"elems__name": {"operator": "startswith", "value": ["Bob"]}}');
SELECT which('{"elems__name": {"operator": "iexact", "value": "ALICE"}}');
SELECT which('{"elems__a": {"operator": "in", "value": [1, 5]}}');
SELECT which('{"note": {"operator": "isnull", "value": true}}');
SELECT which('{"elems__a": {"operator": "not", "value": 1}}');
SELECT which('{"elems__a": {"value": 2}}');

-- Tines dialect (seed 001).
SELECT which('[{"field_id": "barcode_scanning.barcode.code", "operator": "EQUAL", "value": "B77"}]');
SELECT which('[{"field_id": "count", "operator": "GREATER_THAN", "value": "11"}]');
SELECT which('[{"field_id": "count", "operator": "EQUAL", "value": 12}]');
SELECT which('[{"field_id": "empty", "operator": "IS_EMPTY"}]');
SELECT which('[{"field_id": "ok", "operator": "IS_FALSE"}]');
SELECT which('[{"field_id": "barcode_scanning.barcode.code", "operator": "IS_ANY_OF", "value": ["A0155C35", "B77"]}]');
SELECT which('[{"field_id": "barcode_scanning.barcode.code", "operator": "IS_NONE_OF", "value": ["A0155C35"]}]');
SELECT which('[]');

-- PostgREST pairs, as text and as a JSON object.
SELECT which('elems.a=gt.1');
SELECT which('elems.name=ilike.*SMITH');
SELECT which('elems.a=in.(1,2)&path=eq./alice/drinks');
SELECT which('or=(elems.a.eq.1,barcode_scanning.barcode.code.eq.B77)');
SELECT which('note=is.null');
SELECT which('elems.a=not.eq.1');
SELECT which('{"elems.a": "gte.2"}');

-- AGE needs a reference time.
SELECT id FROM items WHERE podrec.matches(doc, 'AGE > 1000', '2026-01-01'::timestamptz) ORDER BY id;
SELECT id FROM items WHERE podrec.matches(doc, 'AGE < 86400000', '2015-01-09T00:00:00Z'::timestamptz) ORDER BY id;
SELECT podrec.matches('{}', 'AGE > 1');

-- flat_get is records_flatten(item) -> key, without flattening.
SELECT id, podrec.flat_get(doc, 'photographing.picz.photos.2.url') FROM items WHERE id = 1;
SELECT bool_and(podrec.flat_get(doc, k) IS NOT DISTINCT FROM podrec.records_flatten(doc) -> k)
FROM items, LATERAL jsonb_object_keys(podrec.records_flatten(doc)) AS k;
SELECT podrec.flat_get('{"m": [{"flow_step_id": "s", "v": 1}]}', 'm.s'),
       podrec.flat_get('{"m": [{"flow_step_id": "s"}]}', 'm.s');

-- Bad input.
SELECT podrec.matches('[1]', 'a == 1');
SELECT podrec.matches('{}', 'a =~ /(/');
SELECT podrec.matches('{}', 'a % 0 == 1');
SELECT podrec.matches('{}', 'a=like.abc\');
SELECT podrec.matches('{}', '{"a": 1}'::jsonb);
SELECT podrec.matches('{}', '42'::jsonb);
SELECT podrec.matches('{}', '{"a": ');
