-- Typed query (seed 004): time range, pages (default 100, max 1000),
-- ordering by the sort options (- for descending), operator-map filters on
-- field names and aliases (field_9__ for custom properties), the response
-- shape, and every validation rule.

DROP EXTENSION podrec CASCADE;
CREATE EXTENSION podrec;
SET TimeZone = 'Asia/Kolkata';
\set SHOW_CONTEXT never

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
-- The ids of a page, and the envelope without its results.
CREATE FUNCTION pg_temp.ids(params jsonb, body jsonb DEFAULT '{}', rt text DEFAULT 'seed004') RETURNS jsonb LANGUAGE sql AS $$
	SELECT (q - 'results') || jsonb_build_object('ids', (SELECT coalesce(jsonb_agg(r -> 'id'), '[]') FROM jsonb_array_elements(q -> 'results') AS r))
	FROM podrec.record_query(params, body, rt) AS q
$$;

SELECT id FROM podrec.account_put('org_xyz789');
SELECT id FROM podrec.account_put('org_other');
INSERT INTO podrec.account_roles (role_name, account_id) VALUES (current_user, 'org_xyz789');
SELECT r ->> 'id' FROM podrec.record_type_install('seed004') AS r;
SELECT r ->> 'id' FROM podrec.record_type_install('request_logs') AS r;

-- Ten records an hour apart on 2025-01-01, r01 first.
SELECT jsonb_array_length(podrec.record_create((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
		'unique_id', format('r%s', lpad(g::text, 2, '0')),
		'timestamp', format('2025-01-01T%s:30:00Z', lpad(g::text, 2, '0')),
		'field_3', CASE WHEN g % 3 = 0 THEN 'type_b' ELSE 'type_a' END,
		'field_4', CASE WHEN g % 2 = 0 THEN 'sample-value' ELSE 'sample-value-123' END,
		'field_1', CASE WHEN g % 3 = 0 THEN '"Sample text"' ELSE '[{"key":"value"}]' END,
		'field_5', jsonb_build_object('sub_field_a', 10 * g, 'sub_field_b', 100 - g),
		'field_6', CASE WHEN g = 5 THEN 0.5 END,
		'field_7', CASE WHEN g % 4 <> 0 THEN g * 0.3 END,
		'field_7_old', CASE WHEN g % 4 = 0 THEN g * 0.3 END,
		'field_9', jsonb_build_object('prop_1', 'value_a', 'prop_3', CASE WHEN g <= 3 THEN 'tier_a' WHEN g <= 6 THEN 'tier_b' ELSE 'tier_c' END),
		'field_10', CASE WHEN g % 2 = 0 THEN 'entity_123' ELSE format('Entity_%s', g) END,
		'field_11', format('thread-%s', g % 3),
		'field_18', CASE WHEN g = 7 THEN 500 ELSE 200 END,
		'field_19', CASE WHEN g = 7 THEN 'boom' END)))
	FROM generate_series(1, 10) AS g), 'seed004'));

-- One record as the query shows it: groups A to D (field_22 only for types a to d).
SELECT jsonb_pretty(podrec.record_query('{"param_c": 1, "param_d": "id"}', '{}', 'seed004'));

-- Defaults: page 1, 100 a page, -id (newest first).
SELECT pg_temp.ids('{}');
-- Pages: next and previous carry the other parameters.
SELECT pg_temp.ids('{"param_b": 2, "param_c": 3}');
SELECT pg_temp.ids('{"param_b": "4", "param_c": 3, "param_d": "option_4"}');
SELECT pg_temp.ids('{"param_b": 9, "param_c": 3}');
-- param_a: from this time on.
SELECT pg_temp.ids('{"param_a": "2025-01-01T08:00:00Z"}');
SELECT pg_temp.ids('{"param_a": "2025-01-01T13:30:00+05:00"}');
-- The sort options: id, option_1 (id), option_2 (field_6), option_3 (field_7), option_4 (timestamp).
SELECT o, pg_temp.ids(jsonb_build_object('param_d', o)) -> 'ids' AS ids
FROM unnest(ARRAY['id', '-id', 'option_1', '-option_1', 'option_2', '-option_2', 'option_3', '-option_3', 'option_4', '-option_4']) AS o;

-- Filters: every operator, on fields, aliases and custom properties (field_9__).
SELECT f, pg_temp.ids('{"param_d": "id"}', jsonb_build_object('filters', f::jsonb)) -> 'ids' AS ids
FROM unnest(ARRAY[
	'{"field_6": {"operator": "gt", "value": [0.0003]}}',
	'{"field_6": {"operator": "gte", "value": [0.5]}}',
	'{"field_6": {"operator": "lt", "value": [0.0001]}}',
	'{"field_6": {"operator": "lte", "value": 0.0000545}}',
	'{"field_10": {"operator": "", "value": ["entity_123"]}}',
	'{"field_10": {"value": "entity_123"}}',
	'{"field_10": {"operator": "not", "value": ["entity_123"]}}',
	'{"field_10": {"operator": "contains", "value": ["tity_"]}}',
	'{"field_10": {"operator": "icontains", "value": ["ENTITY_1"]}}',
	'{"field_10": {"operator": "startswith", "value": ["Entity"]}}',
	'{"field_10": {"operator": "endswith", "value": ["_9"]}}',
	'{"field_10": {"operator": "in", "value": ["Entity_1", "Entity_3"]}}',
	'{"field_19": {"operator": "", "value": [""]}, "field_18": {"operator": "gte", "value": [400]}}',
	'{"field_8": {"operator": "isnull", "value": [true]}, "field_7": {"operator": "gt", "value": [2.5]}}',
	'{"field_7_old": {"operator": "lte", "value": [0.9]}}',
	'{"status": {"operator": "", "value": ["error"]}}',
	'{"field_3": {"operator": "", "value": ["type_b"]}}',
	'{"field_9__prop_3": {"operator": "in", "value": ["tier_a", "tier_b"]}}',
	'{"field_6": {"operator": "gt", "value": [0.0003]}, "field_9__prop_3": {"operator": "in", "value": ["tier_a", "tier_b"]}}',
	'{"field_9__prop_3": {"operator": "not", "value": ["tier_c"]}}',
	'{"sub_field_total": {"operator": "gte", "value": [150]}}',
	'{}'
]) AS f;

-- The count follows the filters; pages of a filtered list.
SELECT pg_temp.ids('{"param_c": 2, "param_b": 2}', '{"filters": {"field_9__prop_3": {"operator": "in", "value": ["tier_a", "tier_b"]}}}');

-- The real names: start_time defaults to an hour ago, end_time; sort_by; metadata__ filters.
SELECT jsonb_array_length(podrec.record_create($$[
	{"unique_id": "log_1", "input": "[]", "model": "gpt-4o", "usage": {"prompt_tokens": 100, "completion_tokens": 50}, "latency": 1.5, "metadata": {"user_tier": "premium"}},
	{"unique_id": "log_2", "input": "[]", "model": "gpt-4o-mini", "usage": {"prompt_tokens": 1000, "completion_tokens": 10}, "generation_time": 0.5, "metadata": {"user_tier": "free"}},
	{"unique_id": "log_old", "input": "[]", "timestamp": "2025-01-01T10:30:00Z", "metadata": {"user_tier": "premium"}}
]$$, 'request_logs'));
SELECT pg_temp.ids('{}', '{}', 'request_logs');
SELECT pg_temp.ids('{"start_time": "2025-01-01T00:00:00Z", "sort_by": "cost"}', '{}', 'request_logs');
SELECT pg_temp.ids('{"start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-02T00:00:00Z"}', '{}', 'request_logs');
SELECT pg_temp.ids('{"start_time": "2025-01-01T00:00:00Z", "sort_by": "-latency"}', '{"filters": {"metadata__user_tier": {"operator": "in", "value": ["premium", "enterprise"]}}}', 'request_logs');
SELECT pg_temp.ids('{"sort_by": "all_tokens"}', '{"filters": {"cost": {"operator": "gt", "value": [0.0005]}}}', 'request_logs');
SELECT pg_temp.ids('{"sort_by": "-prompt_tokens"}', '{"filters": {"generation_time": {"operator": "lt", "value": [1]}}}', 'request_logs');

-- Page size: the largest page is 1000.
SELECT pg_temp.ids('{"param_c": 1000, "param_b": 1}') -> 'count';

-- ---------------------------------------------------------------------
-- Every validation rule, its error
-- ---------------------------------------------------------------------

SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.record_query('[]', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"page": 1}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_c": 1001}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_c": 0}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_c": "many"}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_b": 0}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_b": 1.5}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_b": 3000000000}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_d": "option_5"}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_d": "--id"}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_d": ""}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_d": 1}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_a": "yesterday"}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"param_a": 1735689600}', '{}', 'seed004')$$),
	($$SELECT podrec.record_query('{"start_time": "2025-01-02T00:00:00Z", "end_time": "2025-01-01T00:00:00Z"}', '{}', 'request_logs')$$),
	($$SELECT podrec.record_query('{"page_size": 5000}', '{}', 'request_logs')$$),
	($$SELECT podrec.record_query('{}', '[]', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filter": {}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": [{"field_id": "field_6", "operator": "EQUAL", "value": 1}]}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": {"field_6": "gt.1"}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": {"field_6": {"operator": "gt", "value": [1], "extra": 1}}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": {"field_0": {"operator": "", "value": [1]}}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": {"field_6": {"operator": "between", "value": [1]}}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": {"field_6": {"operator": "gt", "value": ["cheap"]}}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": {"field_10__x": {"operator": "", "value": ["a"]}}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{"filters": {"field_3": {"operator": "", "value": ["type_z"]}}}', 'seed004')$$),
	($$SELECT podrec.record_query('{}', '{}', 'nope')$$)
) AS t (q), pg_temp.try(q) AS e;

-- Tenancy: a role of another account (row-level security applies) sees
-- none of these records, and creates and queries its own.
CREATE ROLE regress_podrec_rq IN ROLE podrec_app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('regress_podrec_rq', 'org_other');
SET ROLE regress_podrec_rq;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_query('{}', '{}', 'seed004')$$) AS e;
SELECT e.* FROM pg_temp.try($$SELECT podrec.record_query('{}', '{}', '1')$$) AS e;
-- Indexed fields make indexes on podrec.items: an administrator installs types.
RESET ROLE;
SELECT r ->> 'account_id' FROM podrec.record_type_install('seed004', account_id => 'org_other') AS r;
SET ROLE regress_podrec_rq;
SELECT podrec.record_create('{"unique_id": "r01", "field_1": "[]", "field_10": "mine"}') ->> 'org_id';
SELECT count(*) FROM podrec.items;
SELECT jsonb_path_query(podrec.record_query('{}', '{}', 'seed004'), '$.results[*].field_10');
RESET ROLE;
SELECT account_id, count(*) FROM podrec.items WHERE unique_id = 'r01' GROUP BY 1 ORDER BY 1;
DELETE FROM podrec.account_roles WHERE role_name = 'regress_podrec_rq';
DROP ROLE regress_podrec_rq;
