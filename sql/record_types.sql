-- Record types and records: field definitions, their checks, and records
-- made with them (types, aliases, defaults, computed fields, parse modes,
-- required fields, artifacts, indexes, updates).

-- A fresh extension: the ids below start at 1.
DROP EXTENSION podrec CASCADE;
CREATE EXTENSION podrec;
SET TimeZone = 'Asia/Kolkata';
\set SHOW_CONTEXT never

-- The error a statement raises.
CREATE FUNCTION pg_temp.try(q text, OUT code text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	code := '00000';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END
$$;
-- A record type without its creation times.
CREATE FUNCTION pg_temp.rt(j jsonb) RETURNS jsonb LANGUAGE sql RETURN j - 'created_at' - 'updated_at';

SELECT id FROM podrec.account_put('acme');
SELECT id FROM podrec.account_put('other');
SELECT id FROM podrec.flow_put('story-1', 'acme', 'Create new issue');
SELECT id FROM podrec.flow_put('story-other', 'other', 'Elsewhere');

-- ---------------------------------------------------------------------
-- Record types
-- ---------------------------------------------------------------------

-- The type of the seed: Alert is a text enum; every type has Story name and Timestamp.
SELECT jsonb_pretty(pg_temp.rt(podrec.record_type_create('Alerts', '[
	{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Medium", "Low"]},
	{"name": "Count", "result_type": "NUMBER", "indexed": true, "default": "0"},
	{"name": "Due", "result_type": "TIMESTAMP"},
	{"name": "Title", "result_type": "TEXT", "aliases": ["Subject"], "description": "what happened"},
	{"name": "Done", "result_type": "BOOLEAN"},
	{"name": "Notes", "result_type": "ARTIFACT"},
	{"name": "Tags", "result_type": "ARRAY"},
	{"name": "Source", "result_type": "OBJECT", "flat_key": "source.detail"}
]', 'acme', 'alerts of the issue story')));

-- A type of seed 004's shape (Keywords AI logs): parse modes chosen by log_type,
-- a renamed field, computed fields (a price table in vars), a default, an indexed field.
SELECT pg_temp.rt(podrec.record_type_create('Logs', $$[
	{"name": "log_type", "result_type": "TEXT_ENUM", "fixed_values": ["chat", "embedding", "workflow", "agent"], "default": "chat"},
	{"name": "input", "result_type": "OBJECT", "parse_by": "log_type", "parse_mode": "any",
	 "parse_modes": {"chat": "json_string", "embedding": "text_or_array", "workflow": "any", "agent": "any"}, "required": true},
	{"name": "model", "result_type": "TEXT"},
	{"name": "usage", "result_type": "OBJECT"},
	{"name": "latency", "result_type": "NUMBER", "aliases": ["generation_time"]},
	{"name": "prompt_tokens", "result_type": "NUMBER", "computed": "$.usage.prompt_tokens"},
	{"name": "completion_tokens", "result_type": "NUMBER", "computed": "$.usage.completion_tokens"},
	{"name": "total_request_tokens", "result_type": "NUMBER", "computed": "$.prompt_tokens + $.completion_tokens"},
	{"name": "tokens_per_second", "result_type": "NUMBER", "computed": "$.completion_tokens / $.latency"},
	{"name": "cost", "result_type": "NUMBER", "default": 0,
	 "computed": "$prices[*] ? (@.model == $.model).prompt * $.prompt_tokens + $prices[*] ? (@.model == $.model).completion * $.completion_tokens",
	 "vars": {"prices": [{"model": "gpt-4o", "prompt": 0.0000025, "completion": 0.00001}]}},
	{"name": "custom_identifier", "result_type": "TEXT", "indexed": true},
	{"name": "metadata", "result_type": "OBJECT"}
]$$, 'acme')) #> '{record_fields}' @@ '$[*].name == "cost"';
SELECT name, result_type, computed, computed_vars, default_value, aliases FROM podrec.record_fields
WHERE record_type_id = 2 AND (computed IS NOT NULL OR aliases <> '{}') ORDER BY position;

-- The same name in another account is another type; the default account is the caller's own
-- (podrec.current_account(): here the role's row in podrec.account_roles).
SELECT pg_temp.rt(podrec.record_type_create('Alerts', '[]', 'other')) ->> 'account_id';
INSERT INTO podrec.account_roles (role_name, account_id) VALUES (current_user, 'other');
SELECT pg_temp.rt(podrec.record_type_create('Claimed')) ->> 'account_id';
SELECT json_agg(j ->> 'name') FROM podrec.record_type_list() AS j;
DELETE FROM podrec.account_roles WHERE role_name = current_user;
SELECT json_agg(j ->> 'name') FROM podrec.record_type_list('acme') AS j;
SELECT pg_temp.rt(podrec.record_type_get(1)) -> 'default_record_fields';

-- What the per-record functions read.
SELECT jsonb_pretty(podrec.record_type_def(1) -> 2);

-- The index of an indexed field, on the expression records are ordered by.
SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index
WHERE indrelid = 'podrec.items'::regclass AND indexrelid::regclass::text LIKE '%record%' ORDER BY indexrelid::regclass::text COLLATE "C";

-- Bad record types and field definitions: each rule, its error.
SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.record_type_create(NULL)$$),
	($$SELECT podrec.record_type_create('', '[]', 'acme')$$),
	($$SELECT podrec.record_type_create('Alerts', '[]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[]', 'nobody')$$),
	($$SELECT podrec.record_type_create('X', '[]')$$),
	($$SELECT podrec.record_type_create('X', '{}', 'acme')$$),
	($$SELECT podrec.record_type_create('X', NULL, 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[1]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "colour": "red"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "id": 5}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"result_type": "TEXT"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": 5, "result_type": "TEXT"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "", "result_type": "TEXT"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "STRING"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT_ENUM"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT_ENUM", "fixed_values": []}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT_ENUM", "fixed_values": ["x", 1]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT_ENUM", "fixed_values": ["x", "x"]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT_ENUM", "fixed_values": [""]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "fixed_values": ["x"]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "Story Name", "result_type": "TEXT"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "aliases": ["id"]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "42", "result_type": "TEXT"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT"}, {"name": "a", "result_type": "NUMBER"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT"}, {"name": "b", "result_type": "NUMBER", "aliases": ["a"]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "aliases": ["b", "b"]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "aliases": "b"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "flat_key": 5}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "flat_key": "a\\x"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "flat_key": "a..b"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "flat_key": "x"}, {"name": "b", "result_type": "TEXT", "flat_key": "x"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "usage", "result_type": "OBJECT"}, {"name": "tokens", "result_type": "NUMBER", "flat_key": "usage.tokens"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "NUMBER", "computed": "$.x +"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "NUMBER", "computed": 5}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "NUMBER", "computed": "$.x * $rate"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "NUMBER", "computed": "$.x", "vars": [1]}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "NUMBER", "vars": {"x": 1}}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "NUMBER", "default": "ten"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT_ENUM", "fixed_values": ["x"], "default": "y"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "parse_mode": "yaml"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "NUMBER", "parse_mode": "any"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "parse_by": "b"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "parse_modes": {"x": "any"}}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "parse_by": "b", "parse_modes": {"x": "csv"}}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "parse_by": "b", "parse_modes": {"x": "any"}}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "parse_by": "b", "parse_modes": {"x": "any"}}, {"name": "b", "result_type": "NUMBER"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "computed": "$.b", "parse_mode": "any"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "required": "yes"}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "OBJECT", "indexed": true}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', '[{"name": "a", "result_type": "TEXT", "description": 1}]', 'acme')$$),
	($$SELECT podrec.record_type_create('X', (SELECT jsonb_agg(jsonb_build_object('name', 'f' || g, 'result_type', 'TEXT')) FROM generate_series(1, 201) AS g), 'acme')$$)
) AS t (q), pg_temp.try(q) AS e;
-- Nothing was written by the failed calls.
SELECT count(*) AS types FROM podrec.record_types;

-- ---------------------------------------------------------------------
-- Records of the seed-001 type
-- ---------------------------------------------------------------------

-- Tines create: field_values by field id (or name); case_ids; a story; the record as list shows it.
-- A Timestamp may be given (imports); TIMESTAMP values are converted to UTC, never cut.
SELECT podrec.record_create_tines('{"record_type_id": 1, "story_id": "story-1", "case_ids": [2, 1, 2],
	"field_values": [{"field_id": 3, "value": "High"}, {"field_id": "Count", "value": "7"},
		{"field_id": "Due", "value": "2026-08-13T19:08:15-04:00"}, {"field_id": "Subject", "value": 42},
		{"field_id": "Done", "value": "true"}, {"field_id": "Notes", "value": "a long text"},
		{"field_id": "Tags", "value": ["a", "b"]}, {"field_id": "Source", "value": {"kind": "mail"}},
		{"field_id": "Timestamp", "value": "2023-06-06T16:18:34Z"}]}');
-- Outside a story (Story name null), in test mode; Count gets its default.
SELECT podrec.record_create_tines('{"record_type_id": "1", "test_mode": "true", "field_values": [{"field_id": "Alert", "value": "Low"}, {"field_id": "Timestamp", "value": "2023-06-13 18:13:15"}]}');
-- How they are stored: values at their flat keys; the artifact apart, by id.
SELECT id, flow_id, record_type_id, test_mode, case_ids, created_at, doc FROM podrec.items ORDER BY id;
SELECT * FROM podrec.artifacts;
SELECT podrec.artifact_get(1);
SELECT name, account_id FROM podrec.flows ORDER BY id;

-- Batches: all or nothing, errors say which record.
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "Medium", "Timestamp": "2023-06-13T18:13:16Z"}, {"Alert": "High"}]', 'story-1');
SELECT e.* FROM pg_temp.try($$SELECT podrec.records_create(1, '[{"Alert": "High"}, {"Alert": "Urgent"}]')$$) AS e;
SELECT count(*) AS records FROM podrec.items;

-- Bad values: each field type, and the request.
SELECT q, e.*
FROM (VALUES
	($${"record_type_id": 1, "field_values": [{"field_id": "Alert", "value": "Urgent"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Count", "value": "ten"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Count", "value": true}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Due", "value": "yesterday"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Due", "value": "2023-02-30"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Due", "value": 1686067114}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Done", "value": "yes"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Title", "value": {"a": 1}}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Notes", "value": 5}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Tags", "value": "a"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Source", "value": [1]}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Nope", "value": 1}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Story name", "value": "x"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Title", "value": "a"}, {"field_id": "Subject", "value": "b"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": 1.5, "value": "a"}]}$$),
	($${"record_type_id": 1, "field_values": [{"value": "a"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Title"}]}$$),
	($${"record_type_id": 1, "field_values": [{"field_id": "Title", "value": "a", "type": "x"}]}$$),
	($${"record_type_id": 1, "field_values": ["Title"]}$$),
	($${"record_type_id": 1, "field_values": {"Title": "a"}}$$),
	($${"record_type_id": 1, "case_ids": [1, 2, 3, 4, 5, 6]}$$),
	($${"record_type_id": 1, "case_ids": [0]}$$),
	($${"record_type_id": 1, "case_ids": ["x"]}$$),
	($${"record_type_id": 1, "test_mode": "yes"}$$),
	($${"record_type_id": 1, "story_id": "nope"}$$),
	($${"record_type_id": 1, "story_id": "story-other"}$$),
	($${"record_type_id": 1, "parent_record_id": 1}$$),
	($${"field_values": []}$$),
	($${"record_type_id": "one"}$$),
	($${"record_type_id": 99}$$),
	($$[]$$)
) AS t (q), pg_temp.try(format('SELECT podrec.record_create_tines(%L)', q)) AS e;
SELECT count(*) AS records FROM podrec.items;

-- Update: values by id or name, null clears one (and its artifact), cases added and removed.
SELECT podrec.record_update_tines(1, '{"field_values": [{"field_id": "Alert", "value": "Medium"}, {"field_id": "Notes", "value": "rewritten"}, {"field_id": "Tags", "value": null}], "add_case_ids": [7], "remove_case_ids": [1]}') - 'updated_at';
SELECT * FROM podrec.artifacts;
SELECT podrec.record_update_tines(1, '{"field_values": [{"field_id": "Notes", "value": null}]}') -> 'Notes';
SELECT count(*) AS artifacts FROM podrec.artifacts;
-- updated_at moves, created_at stays.
SELECT created_at = '2023-06-06 16:18:34+00', updated_at > created_at FROM podrec.items WHERE id = 1;
SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.record_update_tines(99, '{}')$$),
	($$SELECT podrec.record_update_tines(1, '{"case_ids": [1]}')$$),
	($$SELECT podrec.record_update_tines(1, '{"add_case_ids": [1, 2, 3, 4, 5, 6]}')$$),
	($$SELECT podrec.record_update_tines(1, '{"field_values": [{"field_id": "Timestamp", "value": "2020-01-01"}]}')$$),
	($$SELECT podrec.record_update_tines(1, '{"field_values": [{"field_id": "Count", "value": "x"}]}')$$),
	($$SELECT podrec.record_update_tines(1, '{"field_values": {}}')$$)
) AS t (q), pg_temp.try(q) AS e;

-- Get and delete.
SELECT podrec.record_get(2);
SELECT podrec.record_get(2, '{3, 1}');
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_get(2, '{3, 99}')$$) AS e;
SELECT podrec.record_delete(4);
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_delete(4)$$) AS e;
SELECT e.* FROM pg_temp.try($$SELECT podrec.artifact_get(99)$$) AS e;

-- ---------------------------------------------------------------------
-- Records of the seed-004 type
-- ---------------------------------------------------------------------

-- Parse modes by log_type, the old name generation_time, computed fields, the default.
SELECT r.id, r.doc FROM podrec.records_create(2, $$[
	{"input": "[{\"role\": \"user\", \"content\": \"hi\"}]", "model": "gpt-4o",
	 "usage": {"prompt_tokens": 10, "completion_tokens": 8}, "generation_time": 2,
	 "custom_identifier": "ticket_12345", "metadata": {"user_tier": "premium"}},
	{"log_type": "embedding", "input": ["a", "b"], "model": "other",
	 "usage": {"prompt_tokens": 1, "completion_tokens": 0}, "latency": 0},
	{"log_type": "workflow", "input": {"steps": 3}, "cost": 5, "latency": 1.2, "generation_time": 1.2}
]$$) AS r;
-- Errors of parse modes, required fields, aliases.
SELECT q, e.*
FROM (VALUES
	($$[{"input": "not json"}]$$),
	($$[{"input": 5}]$$),
	($$[{"log_type": "embedding", "input": {"a": 1}}]$$),
	($$[{"model": "gpt-4o"}]$$),
	($$[{"input": null}]$$),
	($$[{"input": [], "latency": 1, "generation_time": 2}]$$),
	($$[{"input": []}, {"input": [], "generation_time": "slow"}]$$),
	($$[{"input": [], "Story name": "x"}]$$),
	($$[{"input": [], "unknown": 1}]$$),
	($${"input": []}$$),
	($$[5]$$),
	($$null$$)
) AS t (q), pg_temp.try(format('SELECT podrec.records_create(2, %L)', q)) AS e;
-- Unknown names can be ignored (strict => false).
SELECT r.doc FROM podrec.records_create(2, '[{"input": {"x": 1}, "log_type": "agent", "unknown": 1}]', strict => false) AS r;
-- An update recomputes what was computed and follows its inputs, keeps what was given.
SELECT min(id) AS log FROM podrec.items WHERE record_type_id = 2 \gset
SELECT (podrec.record_update(:log, '{"latency": 4}')).doc -> 'tokens_per_second' AS derived;
SELECT (podrec.record_update(:log, '{"tokens_per_second": 99}')).doc -> 'tokens_per_second' AS given;
SELECT (podrec.record_update(:log, '{"latency": 8}')).doc -> 'tokens_per_second' AS kept;
SELECT (podrec.record_update(:log, '{"usage": {"prompt_tokens": 20, "completion_tokens": 8}}')).doc
	-> 'total_request_tokens' AS follows_usage;
-- A required field cannot be cleared.
SELECT e.* FROM pg_temp.try(format('SELECT podrec.record_update(%s, ''{"input": null}'')', :log)) AS e;

-- ---------------------------------------------------------------------
-- Changing a record type
-- ---------------------------------------------------------------------

-- Rename a field (its old name as an alias), add one, index one, change a default.
SELECT j ->> 'name' AS name, j ->> 'description' AS description, f ->> 'id' AS id, f ->> 'name' AS field,
	f -> 'aliases' AS aliases, f -> 'indexed' AS indexed, f -> 'default' AS default
FROM podrec.record_type_alter(1, '{
	"name": "Alert log", "description": null,
	"alter_fields": [{"field": "Alert", "name": "Severity", "aliases": ["Alert"]}, {"field": 6, "indexed": true, "aliases": null},
		{"field": "Count", "default": null}],
	"add_fields": [{"name": "Owner", "result_type": "TEXT", "default": "nobody"}]}') AS j,
	jsonb_array_elements(j -> 'record_fields') AS f;
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'podrec.items'::regclass AND indexrelid::regclass::text ~ 'field' ORDER BY indexrelid::regclass::text COLLATE "C";
-- Records are written with the new names; the old one still works.
SELECT doc FROM podrec.records_create(1, '[{"Alert": "Low", "Severity": "Low"}]') AS r;
-- Dropping a field removes its values from the records, and its index.
SELECT jsonb_path_query_array(podrec.record_type_alter(1, '{"drop_fields": ["Due", 6]}'), '$.record_fields[*].name');
SELECT id, doc FROM podrec.items WHERE record_type_id = 1 ORDER BY id;
SELECT count(*) AS with_due_or_title FROM podrec.items WHERE doc ?| '{Due,Title}';
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'podrec.items'::regclass AND indexrelid::regclass::text ~ 'field' ORDER BY indexrelid::regclass::text COLLATE "C";
SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.record_type_alter(99, '{}')$$),
	($$SELECT podrec.record_type_alter(1, '[]')$$),
	($$SELECT podrec.record_type_alter(1, '{"rename": "x"}')$$),
	($$SELECT podrec.record_type_alter(1, '{"alter_fields": {}}')$$),
	($$SELECT podrec.record_type_alter(1, '{"alter_fields": [{"name": "x"}]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"alter_fields": [{"field": "Nope", "name": "x"}]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"alter_fields": [{"field": "Timestamp", "name": "x"}]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"alter_fields": [{"field": "Severity", "result_type": "TEXT"}]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"alter_fields": [{"field": "Severity", "flat_key": "sev"}]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"alter_fields": [{"field": "Severity", "name": "Owner"}]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"drop_fields": ["Story name"]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"drop_fields": [99]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"add_fields": [{"name": "Severity", "result_type": "TEXT"}]}')$$),
	($$SELECT podrec.record_type_alter(1, '{"name": "Logs"}')$$),
	($$SELECT podrec.record_type_alter(2, '{"drop_fields": ["log_type"]}')$$)
) AS t (q), pg_temp.try(q) AS e;

-- Dropping a type with records needs cascade; its records, fields and indexes go with it.
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_type_drop(1)$$) AS e;
SELECT podrec.record_type_drop(1, cascade => true);
SELECT count(*) AS records, (SELECT count(*) FROM podrec.artifacts) AS artifacts,
	(SELECT count(*) FROM podrec.record_fields WHERE record_type_id = 1) AS fields FROM podrec.items WHERE record_type_id = 1;
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'podrec.items'::regclass AND indexrelid::regclass::text ~ 'field' ORDER BY indexrelid::regclass::text COLLATE "C";
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_type_get(1)$$) AS e;

-- ---------------------------------------------------------------------
-- Catalog
-- ---------------------------------------------------------------------

-- Every column and function has a comment.
SELECT attrelid::regclass, attname FROM pg_attribute
WHERE attrelid IN ('podrec.record_types'::regclass, 'podrec.record_fields'::regclass, 'podrec.artifacts'::regclass,
		'podrec.items'::regclass, 'podrec.record_assembled'::regclass)
	AND attnum > 0 AND NOT attisdropped AND col_description(attrelid, attnum) IS NULL;
SELECT p.oid::regprocedure FROM pg_proc AS p
JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension AS x ON x.oid = d.refobjid AND x.extname = 'podrec'
WHERE obj_description(p.oid, 'pg_proc') IS NULL;
-- PUBLIC has no right on the tables and sequences (the podrec roles' grants: sql/tenancy.sql).
SELECT c.oid::regclass, a.privilege_type
FROM pg_class AS c, aclexplode(c.relacl) AS a
WHERE c.relname IN ('record_types', 'record_fields', 'artifacts', 'record_types_id_seq', 'record_fields_id_seq', 'artifacts_id_seq')
	AND c.relnamespace = 'podrec'::regnamespace AND a.grantee = 0;
-- The setting of the page links.
SHOW podrec.records_base_url;
SELECT e.* FROM pg_temp.try($$SET podrec.records_base_url = 'https://x/records?a=1'$$) AS e;

-- Leave a fresh extension for the suites that follow.
RESET ALL;
DROP EXTENSION podrec CASCADE;
CREATE EXTENSION podrec;
