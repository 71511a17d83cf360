-- Typed create (seed 004): the seed's record type as written, the same
-- mechanism under Keywords AI's real names, idempotent unique ids, the
-- inbox of creates that do not wait, and every validation rule.

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
-- Generated ids and times vary: shown as their shape.
CREATE FUNCTION pg_temp.shape(j jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT j || jsonb_strip_nulls(jsonb_build_object(
		'id', CASE WHEN j ->> 'id' ~ '^(record|log)_[0-9a-f]{24}$' THEN regexp_replace(j ->> 'id', '[0-9a-f]{24}$', '<generated>') ELSE j ->> 'id' END,
		'unique_id', CASE WHEN j ->> 'unique_id' ~ '^(record|log)_[0-9a-f]{24}$' THEN regexp_replace(j ->> 'unique_id', '[0-9a-f]{24}$', '<generated>') ELSE j ->> 'unique_id' END,
		'timestamp', CASE WHEN j ->> 'timestamp' > '2026-01-01' THEN '<now>' ELSE j ->> 'timestamp' END))
$$;

SELECT id FROM podrec.account_put('org_xyz789');
SELECT id FROM podrec.account_put('org_other');
-- The caller acts for org_xyz789 (podrec.require_account()).
INSERT INTO podrec.account_roles (role_name, account_id) VALUES (current_user, 'org_xyz789');

-- Without a record type with an API, there is nothing to create.
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_create('{"field_1": "x"}')$$) AS e;

-- ---------------------------------------------------------------------
-- The templates
-- ---------------------------------------------------------------------

SELECT r ->> 'id' AS id, r ->> 'name' AS name, r ->> 'account_id' AS account_id,
	jsonb_array_length(r -> 'record_fields') AS fields, r #> '{api,params}' AS params
FROM podrec.record_type_install('seed004') AS r;
-- The fields of the seed's type: types, aliases, defaults, computed values, parse modes.
SELECT f.name, f.result_type, f.aliases, f.default_value, f.computed IS NOT NULL AS computed,
	f.parse_mode, p.name AS parse_by, f.parse_modes, f.required, f.indexed
FROM podrec.record_fields AS f LEFT JOIN podrec.record_fields AS p ON p.id = f.parse_by
WHERE f.record_type_id = 1 AND NOT f.is_default ORDER BY f.position;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_type_install('seed005')$$) AS e;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_type_install('seed004')$$) AS e;

-- ---------------------------------------------------------------------
-- The seed's example
-- ---------------------------------------------------------------------

-- With one type, it need not be named.  The created record: generated id and
-- unique_id, the account as org_id, the timestamp; field_6 computed from field_4's rates.
SELECT pg_temp.shape(podrec.record_create($${
    "field_3": "type_a",
    "field_4": "sample-value",
    "field_1": "[{\"key\":\"value\",\"data\":\"sample\"}]",
    "field_2": "{\"key\":\"value\",\"data\":\"response\"}",
    "field_5": {"sub_field_a": 10, "sub_field_b": 8, "sub_field_c": 18},
    "field_10": "entity_123",
    "field_7": 1.2,
    "field_9": {"prop_1": "value_a"}
}$$));
-- What is stored: field_1 and field_2 parsed (type_a: JSON strings), field_3's
-- default, the computed fields (sub fields, total, rate, status, field_22, field_23).
SELECT jsonb_pretty(doc) FROM podrec.items WHERE record_type_id = 1;

-- The second type, under the real names.
SELECT r ->> 'id' AS id, r ->> 'name' AS name, jsonb_array_length(r -> 'record_fields') AS fields, r #> '{api,params}' AS params
FROM podrec.record_type_install('request_logs') AS r;
-- Now there are two: a create names its type (by name or id).
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_create('{"field_1": "x"}')$$) AS e;
SELECT pg_temp.shape(podrec.record_create($${
    "log_type": "chat",
    "model": "gpt-4o",
    "input": "[{\"role\":\"user\",\"content\":\"Hi\"}]",
    "output": "{\"role\":\"assistant\",\"content\":\"Hello\"}",
    "usage": {"prompt_tokens": 150, "completion_tokens": 85, "total_tokens": 235},
    "customer_identifier": "user_123",
    "generation_time": 1.7,
    "metadata": {"environment": "production", "user_tier": "premium"},
    "unique_id": "log_abc123",
    "timestamp": "2025-01-01T10:30:00Z"
}$$, 'request_logs'));
SELECT podrec.record_fetch('log_abc123', '2');

-- ---------------------------------------------------------------------
-- Types: how field_1 and field_2 are read (field_3 chooses)
-- ---------------------------------------------------------------------

SELECT count(*) FROM (VALUES
	('{"unique_id": "t-a", "field_1": "[1, 2]", "field_2": "{\"a\": 1}"}'::jsonb),
	('{"unique_id": "t-a2", "field_1": [{"role": "user"}], "field_2": {"a": 1}}'),
	('{"unique_id": "t-b", "field_3": "type_b", "field_1": "Sample text string", "field_2": ["x"]}'),
	('{"unique_id": "t-b2", "field_3": "type_b", "field_1": ["a", "b"]}'),
	('{"unique_id": "t-c", "field_3": "type_c", "field_1": {"any": ["json"]}, "field_2": {"k": 1}}'),
	('{"unique_id": "t-d", "field_3": "type_d", "field_1": [1], "field_2": "text"}'),
	('{"unique_id": "t-e", "field_3": "type_e", "field_1": [1], "field_2": {"k": 1}}'),
	('{"unique_id": "t-g", "field_3": "type_g", "field_1": 42}'),
	('{"unique_id": "t-h", "field_3": "type_h", "field_1": "[not json is fine here"}')
) AS t (v), LATERAL podrec.record_create(v, 'seed004') AS r;
-- field_22 and field_23 are field_1 and field_2 when they are an array and an
-- object, for types a to d only.
SELECT unique_id, doc -> 'field_3' AS field_3, doc -> 'field_1' AS field_1, doc -> 'field_2' AS field_2,
	doc -> 'field_22' AS field_22, doc -> 'field_23' AS field_23
FROM podrec.items WHERE unique_id LIKE 't-%' ORDER BY unique_id;
-- The query response shows field_1 and field_2 as text (JSON text when they are structured).
SELECT podrec.record_fetch('t-c', 'seed004') -> 'field_1' AS field_1, podrec.record_fetch('t-b', 'seed004') -> 'field_1' AS t_b;

-- field_7_old is accepted for field_7; field_6 given is kept; status follows field_18.
SELECT r ->> 'unique_id' AS unique_id, r -> 'status' AS status, r -> 'field_6' AS field_6
FROM (VALUES
	('{"unique_id": "old-name", "field_1": "[]", "field_7_old": 2.5, "field_6": 0.5}'::jsonb),
	('{"unique_id": "failed", "field_1": "[]", "field_18": 502, "field_19": "upstream timeout"}'),
	('{"unique_id": "created", "field_1": "[]", "field_18": 201}')
) AS t (v), LATERAL podrec.record_create(v, 'seed004') AS r
ORDER BY 1;
SELECT unique_id, doc -> 'field_7' AS field_7, doc -> 'field_18' AS field_18, doc -> 'field_19' AS field_19, doc -> 'status' AS status
FROM podrec.items WHERE unique_id IN ('old-name', 'failed', 'created') ORDER BY unique_id;

-- ---------------------------------------------------------------------
-- Idempotency: a create repeated with the same unique_id returns the first record
-- ---------------------------------------------------------------------

SELECT pg_temp.shape(podrec.record_create('{"unique_id": "retry-1", "field_1": "[]", "field_10": "first"}', 'seed004'));
SELECT pg_temp.shape(podrec.record_create('{"unique_id": "retry-1", "field_1": "[]", "field_10": "second"}', 'seed004'));
SELECT count(*) FROM podrec.items WHERE unique_id = 'retry-1';
-- Within one batch, too.
SELECT jsonb_agg(x -> 'field_10') FROM jsonb_array_elements(podrec.record_create('[
	{"unique_id": "batch-dup", "field_1": "[]", "field_10": "one"},
	{"unique_id": "batch-dup", "field_1": "[]", "field_10": "two"}]', 'seed004')) AS x;
SELECT count(*) FROM podrec.items WHERE unique_id = 'batch-dup';

-- ---------------------------------------------------------------------
-- Batches: one array, one statement, all or nothing; errors name the record
-- ---------------------------------------------------------------------

SELECT jsonb_array_length(podrec.record_create((SELECT jsonb_agg(jsonb_build_object('field_1', '[]', 'field_10', 'b' || g)) FROM generate_series(1, 50) AS g), 'seed004'));
SELECT podrec.record_create('[]', 'seed004');
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_create('[{"field_1": "[]", "unique_id": "ok-then-bad"}, {"field_1": "[]", "field_18": 700}]', 'seed004')$$) AS e;
SELECT count(*) FROM podrec.items WHERE unique_id = 'ok-then-bad';

-- ---------------------------------------------------------------------
-- field_21.option_a = false: acknowledged at once, completed by the inbox
-- ---------------------------------------------------------------------

SELECT pg_temp.shape(podrec.record_create('{"unique_id": "later-1", "field_1": "[1]", "field_10": "e1", "field_21": {"option_a": false}}', 'seed004'));
SELECT pg_temp.shape(podrec.record_create('{"unique_id": "later-2", "field_1": "[1]", "field_18": 99, "field_21": {"option_a": false}}', 'seed004'));
-- Repeated while waiting: the same acknowledgement, one inbox row.
SELECT pg_temp.shape(podrec.record_create('{"unique_id": "later-1", "field_1": "[1]", "field_21": {"option_a": false}}', 'seed004'));
SELECT unique_id, payload -> 'field_10' AS field_10, error FROM podrec.record_inbox ORDER BY id;
SELECT pg_temp.shape(podrec.record_fetch('later-1', 'seed004'));
SELECT count(*) FROM podrec.items WHERE unique_id = 'later-1';
-- Processing makes the records; a rejected one keeps its error.
SELECT podrec.record_inbox_process();
SELECT pg_temp.shape(podrec.record_fetch('later-1', 'seed004')) - 'field_1' - 'field_22';
SELECT podrec.record_fetch('later-2', 'seed004') - 'timestamp' - 'id';
SELECT unique_id, attempts, error FROM podrec.record_inbox ORDER BY id;
SELECT podrec.record_inbox_process();
-- A create of a unique_id that has its record returns the record, not a new inbox row.
SELECT pg_temp.shape(podrec.record_create('{"unique_id": "later-1", "field_1": "[1]", "field_21": {"option_a": false}}', 'seed004'));
-- The acknowledgement speaks the type's names: request logs say organization_id.
SELECT pg_temp.shape(podrec.record_create('{"unique_id": "log_later", "input": "[]", "keywordsai_api_controls": {"block": false}}', 'request_logs'));
SELECT podrec.record_inbox_process();
SELECT podrec.record_fetch('log_later', 'request_logs') -> 'status' AS status;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_fetch('nope', 'seed004')$$) AS e;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_inbox_process(0)$$) AS e;

-- ---------------------------------------------------------------------
-- Every validation rule, its error
-- ---------------------------------------------------------------------

SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.record_create(NULL, 'seed004')$$),
	($$SELECT podrec.record_create('"x"', 'seed004')$$),
	($$SELECT podrec.record_create('[1]', 'seed004')$$),
	($$SELECT podrec.record_create('[{"field_1": "[]"}, 5]', 'seed004')$$),
	($$SELECT podrec.record_create((SELECT jsonb_agg('{}'::jsonb) FROM generate_series(1, 10001)), 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]"}', 'nope')$$),
	($$SELECT podrec.record_create('{}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_0": 1}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "unique_id": 5}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "unique_id": ""}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "timestamp": "yesterday"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "timestamp": 1735727400}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[oops"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": 5}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": {"a": 1}, "field_3": "type_b"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_3": "type_z"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_7": 1, "field_7_old": 2}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_7": "fast"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_6": "cheap"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_5": [10, 8]}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_5": {"sub_field_a": -1}}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_5": {"sub_field_a": 1.5}}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_9": "tier_a"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_10": {"id": 1}}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_16": {"type": "type_a"}}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_16": [{"type": "type_b", "definition": {"name": "x"}}]}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_16": [{"type": "type_a"}]}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_16": [{"type": "type_a", "definition": {"description": "no name"}}]}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_17": "sometimes"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_17": {"type": "type_a"}}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_18": 700}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_18": 200.5}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_18": "OK"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_20": [1]}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_21": true}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "field_21": {"option_a": "no"}}', 'seed004')$$),
	($$SELECT podrec.record_create('{"field_1": "[]", "status": "fine"}', 'seed004')$$),
	($$SELECT podrec.record_create('{"input": "[]", "tools": [{"type": "retrieval"}]}', 'request_logs')$$),
	($$SELECT podrec.record_create('{"input": "[]", "tool_choice": "maybe"}', 'request_logs')$$),
	($$SELECT podrec.record_create('{"input": "[]", "keywordsai_api_controls": {"block": 1}}', 'request_logs')$$),
	($$SELECT podrec.record_create('{"output": "[]"}', 'request_logs')$$)
) AS t (q), pg_temp.try(q) AS e;

-- ---------------------------------------------------------------------
-- API settings: every rule, its error
-- ---------------------------------------------------------------------

CREATE FUNCTION pg_temp.api(changes jsonb) RETURNS jsonb LANGUAGE sql
	RETURN (podrec.record_type_template('seed004') -> 'api') || changes;
SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.record_type_api_set(99, '{}')$$),
	($$SELECT podrec.record_type_api_set(1, '[]')$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"colour": 1}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"id_prefix": 5}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"control": {"field": "nope", "key": "option_a"}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"params": {"page": "p"}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"params": {"page": "p", "page_size": "s", "sort": "o", "limit": "l"}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"page_size": {"default": 100, "max": 50}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"start_default": "soon"}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"sort": {"default": "-size", "keys": {"id": {"column": "id"}}}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"sort": {"default": "-id", "keys": {"id": {"column": "id"}, "x": {"field": "field_5"}}}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"list_url": 1}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"rules": {}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"rules": [{"check": "$.a"}]}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"rules": [{"check": "$.a ==", "message": "m"}]}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"rules": [{"check": "$.a", "message": "m"}]}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"rules": [{"check": "strict $.a == 1", "message": "m"}]}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"response": {}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"create_response": {}}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"create_response": [{"key": "x", "field": "nope"}]}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"create_response": [{"key": "x", "from": "doc"}]}'))$$),
	($$SELECT podrec.record_type_api_set(1, pg_temp.api('{"create_response": [{"key": "x", "field": "field_1", "as": "xml"}]}'))$$)
) AS t (q), pg_temp.try(q) AS e;
-- A type without an API has no create, and an API can be given to any type.
SELECT podrec.record_type_api_set(1, NULL);
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_create('{"field_1": "[]"}', 'seed004')$$) AS e;
SELECT podrec.record_type_api_set(1, podrec.record_type_template('seed004') -> 'api') ->> 'id_prefix';

-- ---------------------------------------------------------------------
-- Tenancy: records and types are the caller's account's
-- ---------------------------------------------------------------------

UPDATE podrec.account_roles SET account_id = 'org_other' WHERE role_name = current_user;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_create('{"field_1": "[]"}', 'seed004')$$) AS e;
SELECT r ->> 'account_id' FROM podrec.record_type_install('seed004') AS r;
-- The same unique_id in another account is another record.
SELECT r -> 'org_id' AS org_id, r -> 'unique_id' AS unique_id FROM podrec.record_create('{"unique_id": "retry-1", "field_1": "[]"}', 'seed004') AS r;
SELECT account_id, count(*) FROM podrec.items WHERE unique_id = 'retry-1' GROUP BY 1 ORDER BY 1;
DELETE FROM podrec.account_roles WHERE role_name = current_user;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_create('{"field_1": "[]"}', 'seed004')$$) AS e;

-- Times in responses: ISO 8601 in UTC whatever TimeZone says, the fraction
-- only when there is one, no time for an infinite one.
SET timezone = 'Asia/Kolkata';
SELECT t, podrec.record_time_text(t) FROM unnest(ARRAY['2025-01-01 10:30:00+00', '2025-01-01 10:30:00.1234+00',
	'2025-01-01 10:30:00.000001+00', '2025-01-01 00:10:00+05:30', '0044-03-15 12:00:00+00 BC',
	'12345-01-01 00:00:00.5+00', 'infinity', '-infinity']::timestamptz[]) AS t;
RESET timezone;
