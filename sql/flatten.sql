-- records_flatten, records_unflatten and records_flatten_each

-- Seed 000: the documented raw item flattens to the documented record
-- (scanner_account comes from the account, not from the item).
SELECT podrec.records_flatten('{
  "created_at": "2025-03-05T14:38:22.903000",
  "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd",
  "started_at": "2025-03-05T14:38:10",
  "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "photographing": [{"flow_step_id": "picz", "started_at": "2025-03-05T14:38:15",
    "ended_at": "2025-03-05T14:38:20",
    "photos": [{"date": "2025-03-05T14:38:20",
      "url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1"}]}],
  "barcode_scanning": [{"flow_step_id": "barcode", "started_at": "2025-03-05T14:38:10",
    "ended_at": "2025-03-05T14:38:15", "code": "A0155C35"}]
}') = '{
  "created_at": "2025-03-05T14:38:22.903000",
  "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd",
  "started_at": "2025-03-05T14:38:10",
  "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "photographing.picz.started_at": "2025-03-05T14:38:15",
  "photographing.picz.ended_at": "2025-03-05T14:38:20",
  "photographing.picz.photos.1.date": "2025-03-05T14:38:20",
  "photographing.picz.photos.1.url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1",
  "barcode_scanning.barcode.started_at": "2025-03-05T14:38:10",
  "barcode_scanning.barcode.ended_at": "2025-03-05T14:38:15",
  "barcode_scanning.barcode.code": "A0155C35"
}'::jsonb AS seed_000;

-- Top-level scalars keep their key; nulls stay null.
SELECT podrec.records_flatten('{"a": 1, "b": "x", "c": true, "d": null}');
-- Nested objects join keys with the separator.
SELECT podrec.records_flatten('{"dimensions": {"final": {"width": 10, "unit": "cm"}}}');
-- Empty objects and arrays are kept as leaves.
SELECT podrec.records_flatten('{"a": {}, "b": [], "c": {"d": {}, "e": []}}');
-- Module elements are addressed by step id; the step id key is not emitted.
SELECT podrec.records_flatten('{"m": [{"flow_step_id": "s1", "v": 1}, {"flow_step_id": "s2", "v": 2}]}');
-- An element holding only its step id is kept as an empty object.
SELECT podrec.records_flatten('{"m": [{"flow_step_id": "only"}]}');
-- Elements without a string step id are addressed by 1-based position.
SELECT podrec.records_flatten('{"m": [{"v": 1}, {"flow_step_id": 7, "v": 2}, {"flow_step_id": null}]}');
-- A step id that looks like a position is addressed by position, keeping its key.
SELECT podrec.records_flatten('{"m": [{"flow_step_id": "2", "v": 1}, {"v": 2}]}');
-- A repeated step id: the first element keeps it, later ones use their position.
SELECT podrec.records_flatten('{"m": [{"flow_step_id": "s", "v": 1}, {"flow_step_id": "s", "v": 2}]}');
-- Top-level arrays of scalars, nested arrays, arrays of arrays.
SELECT podrec.records_flatten('{"tags": ["a", "b"], "m": [[1, 2], [3]], "o": {"l": [10, [20]]}}');
-- Step ids mean nothing below the top level.
SELECT podrec.records_flatten('{"o": {"l": [{"flow_step_id": "x", "v": 1}]}}');
-- Keys containing the separator or a backslash are escaped.
SELECT podrec.records_flatten('{"a.b": 1, "c\\d": 2, "m": [{"flow_step_id": "s.t", "k": 3}]}');
-- Empty keys.
SELECT podrec.records_flatten('{"": 1, "o": {"": 2}}');
-- Custom separator and step key.
SELECT podrec.records_flatten('{"m": [{"step": "s", "x": {"y": 1}}], "a/b": 2}', '/', 'step');
SELECT podrec.records_flatten('{"m": [{"step": "s", "x": {"y__z": 1}}]}', '__', 'step');
-- A separator that overlaps itself: its first character is escaped wherever
-- it appears, so "a_" then "__" and "a" then "_b" stay apart.
SELECT podrec.records_flatten('{"o": {"a_": {"b": 1}, "a": {"_b": 2}}}', '__');
SELECT podrec.records_unflatten(podrec.records_flatten('{"o": {"a_": {"b": 1}, "a": {"_b": 2}, "n": 1}}', '__'), '__');
SELECT podrec.records_unflatten('{"a\\__b": 1}', '__');
SELECT podrec.records_unflatten('{"a\\x": 1}', '__');
-- An empty item is an empty record.
SELECT podrec.records_flatten('{}');

-- Round trips.
SELECT x, podrec.records_unflatten(podrec.records_flatten(x)) = x AS round_trip
FROM (VALUES
  ('{"a": 1, "b": null, "c": {"d": [1, {"e": []}]}, "f": {}}'::jsonb),
  ('{"m": [{"flow_step_id": "a", "v": 1}, {"flow_step_id": "b", "w": {"x": 2}}]}'),
  ('{"m": [{"flow_step_id": "s", "v": 1}, {"flow_step_id": "s", "v": 2}, 3, {}]}'),
  ('{"m": [{"flow_step_id": "only"}], "n": [[]], "k.e\\y": {"a.b": "c"}}'),
  ('{"m": [{"flow_step_id": "2", "v": 1}, {"flow_step_id": 5}]}'),
  ('{"tags": ["x", null, true, 1.5]}')
) AS t(x);

-- A module array reads back so that it flattens to the same record: a step
-- element comes before the positional elements that repeat its step id ...
SELECT x, podrec.records_unflatten(podrec.records_flatten(x)) = x AS round_trip
FROM (VALUES
  ('{"m": [{"flow_step_id": "b", "v": 1}, {"flow_step_id": "b", "v": 2}, {"flow_step_id": "a"}]}'::jsonb),
  ('{"m": [{"flow_step_id": "a", "v": 1}, {"flow_step_id": "b", "v": 2}, {"flow_step_id": "b", "v": 3}, {"flow_step_id": "a", "v": 4}]}')
) AS t(x);
-- ... and keys that cannot be read as one (a step id carried by a positional
-- element with no step element before it, a step element carrying the step
-- id key) read as an object.
SELECT x, podrec.records_unflatten(podrec.records_flatten(x)) = x AS round_trip
FROM (VALUES
  ('{"m": {"1": {"flow_step_id": "s", "v": 1}}}'::jsonb),
  ('{"o": {"x": {"flow_step_id": 1}}}'),
  ('{"o": {"1": {"flow_step_id": "x"}, "x": {"v": 2}}}')
) AS t(x);
SELECT podrec.records_unflatten('{"m.s.flow_step_id": "t"}');
SELECT podrec.records_unflatten('{"m.2.flow_step_id": "s", "m.3.v": 1, "m.s.v": 2}');

-- Documented exceptions: step-addressed elements come back in step-id order,
-- a top-level object of objects reads as a module array, and an object with
-- keys "1".."n" reads as an array.
SELECT podrec.records_unflatten(podrec.records_flatten('{"m": [{"flow_step_id": "b"}, {"flow_step_id": "a"}]}'));
SELECT podrec.records_unflatten(podrec.records_flatten('{"o": {"x": {"y": 1}}}'));
SELECT podrec.records_unflatten(podrec.records_flatten('{"o": {"p": {"1": "a", "2": "b"}}}'));

-- Unflatten of hand-written flat records.
SELECT podrec.records_unflatten('{"a.b": 1, "a.c": 2, "d": null}');
SELECT podrec.records_unflatten('{"m.s.v": 1, "m.2.v": 2}');
SELECT podrec.records_unflatten('{"o.x.2": "b", "o.x.1": "a", "o.y.3": "c"}');
SELECT podrec.records_unflatten('{"a/b": 1}', '/');

-- records_flatten_each: one row per leaf, in document order.
SELECT * FROM podrec.records_flatten_each('{"b": 1, "a": [{"flow_step_id": "s", "x": [true, null]}], "c": {}}');
SELECT count(*) FROM podrec.records_flatten_each('{}');
SELECT (SELECT jsonb_object_agg(key, value) FROM podrec.records_flatten_each(x)) = podrec.records_flatten(x)
FROM (VALUES ('{"m": [{"flow_step_id": "s", "v": [1, {"w": 2}]}], "t": "x"}'::jsonb)) AS t(x);

-- NULL in, NULL out.
SELECT podrec.records_flatten(NULL), podrec.records_unflatten(NULL);

-- Bad input.
SELECT podrec.records_flatten('[1, 2]');
SELECT podrec.records_flatten('"scalar"');
SELECT podrec.records_flatten('{"a": 1}', '');
SELECT podrec.records_flatten('{"a": 1}', '\');
SELECT * FROM podrec.records_flatten_each('[]');
SELECT podrec.records_unflatten('[]');
SELECT podrec.records_unflatten('{"a": 1, "a.b": 2}');
SELECT podrec.records_unflatten('{"a.b": 1, "a.b.c": 2}');
SELECT podrec.records_unflatten('{"a\\x": 1}');
SELECT podrec.records_unflatten('{"a\\": 1}');
SELECT podrec.records_unflatten('{"m.s": {}, "m.s.v": 1}');

-- Deep nesting ends in a clean error or a correct result, never a crash.
SELECT podrec.records_flatten((repeat('{"a": ', 100000) || '1' || repeat('}', 100000))::jsonb);
SELECT length(podrec.records_flatten((repeat('{"a": ', 1000) || '1' || repeat('}', 1000))::jsonb)::text);
