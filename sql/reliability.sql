-- Inputs the mutation test (test/t/090_mutation.pl) found to end in an
-- internal error: each is now a clean error with its own SQLSTATE.
\set VERBOSITY sqlstate
SELECT id FROM podrec.account_put('rel');
SELECT podrec.record_type_create('Reliable', '[{"name": "Count", "result_type": "NUMBER"}]', 'rel') ->> 'name';
SELECT id AS rt FROM podrec.record_types WHERE name = 'Reliable' \gset
-- The C helpers take a record type definition from anyone who calls them.
SELECT podrec.record_value('{"name": "x", "result_type": "NUMBER"}', '1', '');
SELECT podrec.record_value('"x"', '1', '');
SELECT podrec.record_assemble(NULL, '{}', NULL, 0, true);
SELECT podrec.record_assemble('[]', '{}', NULL, 0, true);
SELECT podrec.record_render('{"fields": 5}', '{}', 1, now(), now(), NULL, '{}', NULL);
-- Infinite times have no calendar date: refused, not written as year 294277.
SELECT podrec.record_render(podrec.record_type_def(:rt), '{}', 1, 'infinity', now(), NULL, '{}', NULL);
SELECT podrec.record_render(podrec.record_type_def(:rt), '{}', 1, now(), 'infinity', NULL, '{}', NULL);
SELECT podrec.record_render(podrec.record_type_def(:rt), '{}', 1, '-infinity', now(), NULL, '{}', NULL);
SELECT podrec.ingest_complete('{}', 'item', 'u', 'fa', '/fa', 'infinity', now());
SELECT podrec.ingest_complete('{}', 'drop', 'u', 'fa', '/fa', now(), 'infinity');
SELECT podrec.ingest_complete('{}', 'drop', 'u', 'fa', '/fa', '-infinity', now());
-- ingest_complete is not strict: a null flow or uid, or an item that is not an
-- object, ended the backend with a segmentation fault.
SELECT podrec.ingest_complete('"s"', 'item', 'u', 'fa', NULL, now(), NULL);
SELECT podrec.ingest_complete('[1]', 'drop', 'u', 'fa', NULL, now(), NULL);
SELECT podrec.ingest_complete(NULL, 'item', 'u', 'fa', NULL, now(), NULL);
SELECT podrec.ingest_complete('{}', NULL, 'u', 'fa', NULL, now(), NULL);
SELECT podrec.ingest_complete('{}', 'item', 'u', 'fa', NULL, NULL, NULL);
SELECT podrec.ingest_complete('{}', 'item', NULL, NULL, NULL, '2020-01-01Z', NULL);
SELECT podrec.ingest_complete('{"_id": "x"}', 'drop', NULL, NULL, NULL, '2020-01-01Z', NULL);
-- Finite times still work.
SELECT podrec.ingest_complete('{}', 'drop', 'u', 'fa', '/fa', '2020-01-01Z', '2021-01-01Z');
SELECT podrec.record_render(podrec.record_type_def(:rt), '{}', 1, '2020-01-01Z', '2021-01-01Z', NULL, '{}', NULL);
SELECT podrec.record_type_drop(:rt);
-- A long unknown field name is cut between characters in the message, not in
-- the middle of one (the JSON filter fuzzer found a message that was not UTF-8).
\set VERBOSITY terse
SELECT podrec.filter_resolve(jsonb_build_array(jsonb_build_object('field_id', repeat('a', 79) || 'éé', 'operator', 'EQUAL', 'value', 'x')), '{"5": {"key": "a"}}');
SELECT podrec.filter_resolve(jsonb_build_array(jsonb_build_object('field_id', repeat('a', 78) || 'é', 'operator', 'EQUAL', 'value', 'x')), '{"5": {"key": "a"}}');
\set VERBOSITY sqlstate
