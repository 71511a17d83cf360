-- records_list (seed 001): the seed's sample, every parameter, page links,
-- filters on every field type, every bad parameter, and the plans (the GIN
-- index serves filters, the field's index serves ordered pages).

DROP EXTENSION podrec CASCADE;
CREATE EXTENSION podrec;
SET TimeZone = 'America/New_York';
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
-- A page in short: the ids in order, and count / pages / next_page_number.
CREATE FUNCTION pg_temp.ids(params jsonb, OUT ids int8[], OUT count int8, OUT pages int8, OUT next int8)
LANGUAGE sql AS $$
	SELECT ARRAY(SELECT (r ->> 'id')::int8 FROM jsonb_array_elements(l -> 'record_results') WITH ORDINALITY AS x (r, o) ORDER BY o),
		(l #>> '{meta,count}')::int8, (l #>> '{meta,pages}')::int8, (l #>> '{meta,next_page_number}')::int8
	FROM podrec.records_list(params) AS l
$$;
-- The plans of the queries records_list runs: the count, and the page (page_sql,
-- or few_sql when few records match).
CREATE FUNCTION pg_temp.plans(params jsonb, page text DEFAULT 'page_sql') RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	p jsonb := podrec.records_list_plan(params);
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || (p ->> 'count_sql') LOOP
		RETURN NEXT line;
	END LOOP;
	RETURN NEXT '--';
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || (p ->> page)
		USING podrec.record_type_def((p ->> 'record_type_id')::int8), NULL::int8[] LOOP
		RETURN NEXT line;
	END LOOP;
END
$$;

SELECT id FROM podrec.account_put('acme');
SELECT id FROM podrec.flow_put('story-1', 'acme', 'Create new issue');
SELECT id FROM podrec.flow_put('story-2', 'acme', 'Triage');
SELECT id FROM podrec.flow_put('story 3/x', 'acme', 'Odd id');
-- Fields: Story name 1, Timestamp 2, Alert 3, Count 4, Due 5, Title 6, Done 7, Notes 8, Meta 9, Tags 10.
SELECT jsonb_path_query_array(podrec.record_type_create('Alerts', '[
	{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Medium", "Low"]},
	{"name": "Count", "result_type": "NUMBER", "indexed": true},
	{"name": "Due", "result_type": "TIMESTAMP", "indexed": true},
	{"name": "Title", "result_type": "TEXT", "aliases": ["Subject"]},
	{"name": "Done", "result_type": "BOOLEAN"},
	{"name": "Notes", "result_type": "ARTIFACT"},
	{"name": "Meta", "result_type": "OBJECT"},
	{"name": "Tags", "result_type": "ARRAY"}
]', 'acme'), '$.record_fields[*].id');

-- ---------------------------------------------------------------------
-- The seed's sample
-- ---------------------------------------------------------------------

SELECT count(*) FROM podrec.records_create(1, '[
	{"Alert": "High", "Timestamp": "2023-06-06T16:18:34Z"}]', 'story-1', case_ids => '{1,2}');
SELECT count(*) FROM podrec.records_create(1, '[
	{"Alert": "Medium", "Timestamp": "2023-06-13T18:13:15Z"}]', 'story-1', case_ids => '{1}');
SELECT count(*) FROM podrec.records_create(1, '[
	{"Alert": "Low", "Timestamp": "2023-06-13T18:13:16Z"}]', 'story-1');
SELECT jsonb_pretty(podrec.records_list('{"record_type_id": 1, "record_field_ids": [1, 2, 3], "order_direction": "ASC"}'));
-- The same record_results as the seed, value for value.
SELECT podrec.records_list('{"record_type_id": 1, "record_field_ids": [1, 2, 3], "order_direction": "ASC"}') -> 'record_results' = '[
    {"Story name": "Create new issue", "Timestamp": "2023-06-06 16:18:34", "Alert": "High",
     "updated_at": "2023-06-06T16:18:34Z", "case_ids": [1, 2], "id": 1},
    {"Story name": "Create new issue", "Timestamp": "2023-06-13 18:13:15", "Alert": "Medium",
     "updated_at": "2023-06-13T18:13:15Z", "case_ids": [1], "id": 2},
    {"Story name": "Create new issue", "Timestamp": "2023-06-13 18:13:16", "Alert": "Low",
     "updated_at": "2023-06-13T18:13:16Z", "case_ids": [], "id": 3}
  ]'::jsonb AS as_in_the_seed;
-- Without record_field_ids, every field; the default order is Timestamp, newest first.
SELECT jsonb_pretty(podrec.records_list('{"record_type_id": 1, "per_page": 1}'));
-- record_field_ids alone names the record type.
SELECT podrec.records_list('{"record_field_ids": "[3]", "per_page": "2", "page": "2"}');

-- ---------------------------------------------------------------------
-- More records: 30 in two stories, some in test mode, one outside any story
-- ---------------------------------------------------------------------

SELECT count(*) FROM podrec.records_create(1, (
	SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
		'Timestamp', to_char((timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'Alert', (ARRAY['High', 'Medium', 'Low'])[1 + g % 3],
		'Count', CASE WHEN g % 7 <> 0 THEN g % 5 END,
		'Due', CASE WHEN g % 4 <> 0 THEN to_char((timestamptz '2024-02-01 00:00:00+00' + (g % 6) * interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
		'Title', CASE WHEN g % 5 <> 0 THEN 'title ' || g END,
		'Done', g % 2 = 0,
		'Notes', CASE WHEN g % 3 = 0 THEN 'notes of ' || g END,
		'Meta', CASE WHEN g % 2 = 1 THEN jsonb_build_object('tier', CASE WHEN g < 10 THEN 'gold' ELSE 'silver' END) END,
		'Tags', CASE WHEN g % 3 = 1 THEN jsonb_build_array('t' || (g % 4)) END)) ORDER BY g)
	FROM generate_series(1, 20) AS g), 'story-1');
SELECT count(*) FROM podrec.records_create(1, (
	SELECT jsonb_agg(jsonb_build_object('Timestamp', '2024-02-01T00:00:00Z', 'Alert', 'High', 'Count', 9, 'Title', 'story two ' || g) ORDER BY g)
	FROM generate_series(1, 6) AS g), 'story-2');
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "Low", "Timestamp": "2024-03-01T00:00:00Z", "Title": "a test"},
	{"Alert": "Low", "Timestamp": "2024-03-02T00:00:00Z"}]', 'story-2', test_mode => true);
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "High", "Timestamp": "2024-03-03T00:00:00Z", "Title": "API"}]');
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "Medium", "Timestamp": "2024-03-04T00:00:00Z", "Title": "odd"}]', 'story 3/x');
ANALYZE podrec.items;

-- ---------------------------------------------------------------------
-- Paging: per_page (default 20, at most 500), page; pages, next_page_number, links
-- ---------------------------------------------------------------------

SELECT * FROM pg_temp.ids('{"record_type_id": 1}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "per_page": 7, "page": 5}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "per_page": 7, "page": 6}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "per_page": 500}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "per_page": 31}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "per_page": 32}');
-- Links carry every parameter given, URL-encoded, from the configured base.
SET podrec.records_base_url = 'https://tenant.example.com/api/v1/records';
SELECT jsonb_pretty(podrec.records_list('{"record_type_id": "1", "record_field_ids": ["3", 6], "per_page": 2, "page": 2,
	"range_start": "2024-01-01T00:00:00+00:00", "range_end": "2024-12-31T00:00:00Z", "story_container_ids": ["story-1", "story 3/x"],
	"order_direction": "asc", "order_field_id": 4, "test_mode": "false",
	"filters": [{"field_id": "Title", "operator": "IS_NOT_EMPTY"}]}') -> 'meta');
-- Past the last page: no records; previous_page leads back to the last one.
SELECT podrec.records_list('{"record_type_id": 1, "per_page": 10, "page": 9}') -> 'meta';
-- Nothing found: pages 0.
SELECT podrec.records_list('{"record_type_id": 1, "filters": [{"field_id": "Count", "operator": "GREATER_THAN", "value": 100}]}');
RESET podrec.records_base_url;

-- ---------------------------------------------------------------------
-- Ranges (inclusive), stories, test mode
-- ---------------------------------------------------------------------

SELECT * FROM pg_temp.ids('{"record_type_id": 1, "range_start": "2024-01-01T03:00:00Z", "range_end": "2024-01-01T06:00:00Z"}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "range_start": "2024-01-01T08:00:00+05:00", "range_end": "2024-01-01T06:00:00"}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "range_start": "2024-03-01"}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "range_end": "2023-06-13T18:13:15Z"}');
-- The same ranges and timestamp filters give the same records whatever the
-- session's TimeZone and DateStyle: the plan writes its times in UTC, ISO 8601
-- (Asia/Kolkata writes itself IST, which PostgreSQL reads as Israel time).
CREATE TEMP TABLE tz_cases AS SELECT * FROM (VALUES
	('{"record_type_id": 1, "range_start": "2024-01-01T03:00:00Z", "range_end": "2024-01-01T06:00:00Z"}'::jsonb),
	('{"record_type_id": 1, "range_start": "2024-01-01T08:00:00+05:00", "range_end": "2024-01-01T06:00:00.5"}'),
	('{"record_type_id": 1, "filters": [{"field_id": "Timestamp", "operator": "GREATER_THAN", "value": "2024-01-01T04:00:00Z"}, {"field_id": "Timestamp", "operator": "LESS_THAN_OR_EQUAL_TO", "value": "2024-01-01T07:00:00Z"}]}'),
	('{"record_type_id": 1, "order_field_id": 5, "filters": [{"field_id": "Due", "operator": "GREATER_THAN", "value": "2024-02-03"}]}')) AS c (params);
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
CREATE TEMP TABLE tz_utc AS SELECT c.params, i.* FROM tz_cases AS c, pg_temp.ids(c.params) AS i;
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'Postgres, MDY';
SELECT c.params ->> 'record_type_id' AS type, u.ids = i.ids AND u.count = i.count AS same, i.count
FROM tz_cases AS c, pg_temp.ids(c.params) AS i, tz_utc AS u WHERE u.params = c.params;
SET DateStyle = 'SQL, DMY';
SELECT c.params ->> 'record_type_id' AS type, u.ids = i.ids AND u.count = i.count AS same, i.count
FROM tz_cases AS c, pg_temp.ids(c.params) AS i, tz_utc AS u WHERE u.params = c.params;
SELECT podrec.records_list_plan('{"record_type_id": 1, "range_start": "2024-01-01T08:00:00+05:00", "range_end": "2024-01-01T06:00:00.5"}') ->> 'count_sql' AS count_sql;
RESET DateStyle;
SET TimeZone = 'America/New_York';
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "story_container_ids": ["story-2"]}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "story_container_ids": "story 3/x"}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "story_ids": "[\"story-2\", \"story 3/x\"]"}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "story_container_ids": []}') AS empty_list_is_no_filter;
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "story_container_ids": ["nope"]}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "test_mode": true}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "test_mode": "true", "story_ids": ["story-2"]}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "test_mode": false, "story_ids": ["story-2"]}');

-- ---------------------------------------------------------------------
-- Order: by Timestamp (default), by a field (its index), ties by id, nulls
-- first when descending and last when ascending
-- ---------------------------------------------------------------------

SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": 4, "per_page": 40}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": "4", "order_direction": "ASC", "per_page": 40}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": 5, "order_direction": "ASC", "per_page": 40}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": 6, "order_direction": "ASC", "per_page": 40}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": 7, "per_page": 40}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": 3, "order_direction": "ASC", "per_page": 40}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": 1, "order_direction": "DESC", "per_page": 40}');
SELECT * FROM pg_temp.ids('{"record_type_id": 1, "order_field_id": 2, "order_direction": "ASC", "per_page": 5}');

-- ---------------------------------------------------------------------
-- Filters: every operator on every type they apply to; fields by id, name or alias
-- ---------------------------------------------------------------------

SELECT f AS filter, (pg_temp.ids(jsonb_build_object('record_type_id', 1, 'per_page', 40, 'order_direction', 'ASC', 'filters', f::jsonb))).*
FROM (VALUES
	-- text enum, text
	('[{"field_id": "3", "operator": "EQUAL", "value": "Low"}]'),
	('[{"field_id": 3, "operator": "NOT_EQUAL", "value": "Low"}]'),
	('[{"field_id": "Alert", "operator": "IS_ANY_OF", "value": ["Medium", "Low"]}]'),
	('[{"field_id": "Alert", "operator": "IS_NONE_OF", "value": ["Medium", "Low"]}]'),
	('[{"field_id": "Title", "operator": "EQUAL", "value": "title 11"}]'),
	('[{"field_id": "Subject", "operator": "GREATER_THAN", "value": "title 5"}]'),
	('[{"field_id": "Title", "operator": "IS_EMPTY"}]'),
	('[{"field_id": "6", "operator": "IS_NOT_EMPTY"}, {"field_id": "Title", "operator": "LESS_THAN_OR_EQUAL_TO", "value": "title 2"}]'),
	('[{"field_id": "Title", "operator": "IS_ANY_OF", "value": ["API", "odd", "nothing"]}]'),
	-- number: numbers and strings that read as numbers
	('[{"field_id": "Count", "operator": "EQUAL", "value": 4}]'),
	('[{"field_id": "Count", "operator": "EQUAL", "value": "4.0"}]'),
	('[{"field_id": "Count", "operator": "GREATER_THAN", "value": 3}]'),
	('[{"field_id": "Count", "operator": "GREATER_THAN_OR_EQUAL_TO", "value": "4"}, {"field_id": "Count", "operator": "LESS_THAN", "value": 9}]'),
	('[{"field_id": "Count", "operator": "LESS_THAN_OR_EQUAL_TO", "value": 0}]'),
	('[{"field_id": "Count", "operator": "IS_ANY_OF", "value": [0, "1"]}]'),
	('[{"field_id": "Count", "operator": "IS_NONE_OF", "value": [0, 1, 2, 3, 4]}]'),
	('[{"field_id": "Count", "operator": "IS_EMPTY"}]'),
	('[{"field_id": "Count", "operator": "NOT_EQUAL", "value": 9}, {"field_id": "Count", "operator": "IS_NOT_EMPTY"}]'),
	-- timestamp: instants, whatever the offset
	('[{"field_id": "Due", "operator": "EQUAL", "value": "2024-02-02T00:00:00Z"}]'),
	('[{"field_id": "Due", "operator": "EQUAL", "value": "2024-02-01T19:00:00-05:00"}]'),
	('[{"field_id": "Due", "operator": "GREATER_THAN", "value": "2024-02-05"}]'),
	('[{"field_id": "Due", "operator": "LESS_THAN", "value": "2024-02-02T00:00:00.000001Z"}, {"field_id": "Due", "operator": "IS_NOT_EMPTY"}]'),
	-- boolean
	('[{"field_id": "Done", "operator": "IS_TRUE"}]'),
	('[{"field_id": "Done", "operator": "IS_FALSE"}]'),
	('[{"field_id": "Done", "operator": "EQUAL", "value": "true"}, {"field_id": "Count", "operator": "EQUAL", "value": 2}]'),
	('[{"field_id": "Done", "operator": "NOT_EQUAL", "value": true}, {"field_id": "Count", "operator": "EQUAL", "value": 2}]'),
	-- artifact, object, array: presence
	('[{"field_id": "Notes", "operator": "IS_NOT_EMPTY"}]'),
	('[{"field_id": "Meta", "operator": "IS_EMPTY"}, {"field_id": "Count", "operator": "IS_NOT_EMPTY"}]'),
	('[{"field_id": "Tags", "operator": "IS_NOT_EMPTY"}]'),
	-- the default fields
	('[{"field_id": "Timestamp", "operator": "GREATER_THAN_OR_EQUAL_TO", "value": "2024-03-01T00:00:00Z"}]'),
	('[{"field_id": "2", "operator": "EQUAL", "value": "2023-06-06T12:18:34-04:00"}]'),
	('[{"field_id": "Timestamp", "operator": "LESS_THAN", "value": "2024-01-01T02:00:00Z"}, {"field_id": "Alert", "operator": "EQUAL", "value": "Low"}]'),
	('[{"field_id": "Story name", "operator": "EQUAL", "value": "Triage"}]'),
	('[{"field_id": "1", "operator": "IS_ANY_OF", "value": ["Odd id", "Nothing"]}]'),
	('[{"field_id": "Story name", "operator": "IS_EMPTY"}]'),
	('[{"field_id": "Story name", "operator": "IS_NONE_OF", "value": ["Create new issue", "Triage"]}]'),
	-- several conditions are ANDed; an empty list filters nothing
	('[{"field_id": "Alert", "operator": "EQUAL", "value": "High"}, {"field_id": "Story name", "operator": "EQUAL", "value": "Triage"}, {"field_id": "Count", "operator": "EQUAL", "value": 9}]'),
	('[]')
) AS t (f);
-- filters as a string, as a query string carries them (the seed's own example).
SELECT * FROM pg_temp.ids('{"filters": "[{\"value\":\"High\",\"operator\":\"EQUAL\",\"field_id\":\"3\"}]", "record_type_id": "1",
	"range_end": "2023-07-03T00:00:00Z", "range_start": "2022-07-03T23:59:59Z"}');

-- ---------------------------------------------------------------------
-- Bad parameters: each, with its error
-- ---------------------------------------------------------------------

SELECT q AS params, e.*
FROM (VALUES
	($$[]$$),
	($${"record_type_id": 1, "limit": 5}$$),
	($${}$$),
	($${"per_page": 5}$$),
	($${"record_type_id": 99}$$),
	($${"record_type_id": "abc"}$$),
	($${"record_type_id": 1.5}$$),
	($${"record_type_id": 0}$$),
	($${"record_type_id": 1, "record_field_ids": []}$$),
	($${"record_type_id": 1, "record_field_ids": [3, 999]}$$),
	($${"record_field_ids": [999]}$$),
	($${"record_type_id": 1, "record_field_ids": ["x"]}$$),
	($${"record_type_id": 1, "record_field_ids": "[3,"}$$),
	($${"record_type_id": 1, "record_field_ids": {"a": 1}}$$),
	($${"record_type_id": 1, "range_start": "yesterday"}$$),
	($${"record_type_id": 1, "range_end": 20230703}$$),
	($${"record_type_id": 1, "range_start": "2024-02-01", "range_end": "2024-01-01"}$$),
	($${"record_type_id": 1, "story_ids": ["a"], "story_container_ids": ["b"]}$$),
	($${"record_type_id": 1, "story_ids": [], "story_container_ids": []}$$),
	($${"record_type_id": 1, "story_container_ids": [true]}$$),
	($${"record_type_id": 1, "order_direction": "up"}$$),
	($${"record_type_id": 1, "order_direction": 1}$$),
	($${"record_type_id": 1, "order_field_id": 99}$$),
	($${"record_type_id": 1, "order_field_id": 8}$$),
	($${"record_type_id": 1, "order_field_id": 9}$$),
	($${"record_type_id": 1, "per_page": 501}$$),
	($${"record_type_id": 1, "per_page": "1000"}$$),
	($${"record_type_id": 1, "per_page": 0}$$),
	($${"record_type_id": 1, "per_page": "twenty"}$$),
	($${"record_type_id": 1, "page": 0}$$),
	($${"record_type_id": 1, "page": 3000000000}$$),
	($${"record_type_id": 1, "test_mode": "yes"}$$),
	($${"record_type_id": 1, "filters": {"field_id": "3"}}$$),
	($${"record_type_id": 1, "filters": "[{"}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "99", "operator": "EQUAL", "value": "x"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "3", "operator": "EQUALS", "value": "x"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "3", "operator": "equal", "value": "x"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "3", "operator": "EQUAL"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "3", "operator": "IS_EMPTY", "value": "x"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "3", "operator": "IS_ANY_OF", "value": "High"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "3", "operator": "EQUAL", "value": ["High"]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "3", "operator": "EQUAL", "value": "x", "negate": true}]}$$),
	($${"record_type_id": 1, "filters": [{"operator": "EQUAL", "value": "x"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Alert", "operator": "IS_TRUE"}, {"field_id": "Done", "operator": "IS_ANY_OF", "value": [true]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Done", "operator": "IS_ANY_OF", "value": [true]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Due", "operator": "IS_NONE_OF", "value": ["2024-02-01"]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Timestamp", "operator": "IS_ANY_OF", "value": ["2024-02-01"]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Notes", "operator": "IS_ANY_OF", "value": ["x"]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Meta", "operator": "IS_ANY_OF", "value": ["x"]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Tags", "operator": "IS_NONE_OF", "value": ["x"]}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Notes", "operator": "EQUAL", "value": "x"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Done", "operator": "GREATER_THAN", "value": 1}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Count", "operator": "EQUAL", "value": "many"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Count", "operator": "IS_TRUE"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Due", "operator": "GREATER_THAN", "value": "soon"}]}$$),
	($${"record_type_id": 1, "filters": [{"field_id": "Done", "operator": "EQUAL", "value": "yes"}]}$$)
) AS t (q), pg_temp.try(format('SELECT podrec.records_list(%L)', q)) AS e;
SELECT e.* FROM pg_temp.try('SELECT podrec.records_list(NULL)') AS e;

-- ---------------------------------------------------------------------
-- Plans: filters are served by the GIN index on doc (the filter is a
-- constant of the query), ordered pages by the field's index, Timestamp
-- pages by items_record_created_idx
-- ---------------------------------------------------------------------

-- A type with 3000 records, one of which is Low, a few have Count 1 or 2.
SELECT (podrec.record_type_create('Bulk', '[{"name": "Alert", "result_type": "TEXT"}, {"name": "Count", "result_type": "NUMBER", "indexed": true}]', 'acme')) -> 'id';
SELECT count(*) FROM podrec.records_create(2, (SELECT jsonb_agg(jsonb_build_object('Alert', CASE WHEN g = 1500 THEN 'Low' ELSE 'High' END,
	'Count', CASE WHEN g % 500 = 0 THEN 1 + g / 500 % 2 ELSE 3 END)) FROM generate_series(1, 3000) AS g), 'story-1');
ANALYZE podrec.items;
SELECT * FROM pg_temp.ids('{"record_type_id": 2, "filters": [{"field_id": "Alert", "operator": "EQUAL", "value": "Low"}]}');
-- Few match: the count and the page find them with the GIN index (the page sorts them).
SELECT * FROM pg_temp.plans('{"record_type_id": 2, "filters": [{"field_id": "Alert", "operator": "EQUAL", "value": "Low"}]}', 'few_sql');
SELECT * FROM pg_temp.plans('{"record_type_id": 2, "order_field_id": 14, "filters": [{"field_id": "Count", "operator": "IS_ANY_OF", "value": [1, 2]}]}', 'few_sql');
-- Many match: the page walks the order and filters on the way.
SELECT * FROM pg_temp.ids('{"record_type_id": 2, "order_field_id": 14, "order_direction": "ASC", "per_page": 3, "filters": [{"field_id": "Alert", "operator": "EQUAL", "value": "High"}]}');
SELECT * FROM pg_temp.plans('{"record_type_id": 2, "order_field_id": 14, "order_direction": "ASC", "per_page": 3, "filters": [{"field_id": "Alert", "operator": "EQUAL", "value": "High"}]}');
SET enable_seqscan = off;
SELECT * FROM pg_temp.plans('{"record_type_id": 1, "order_field_id": 4, "per_page": 5}');
SELECT * FROM pg_temp.plans('{"record_type_id": 1, "order_field_id": 5, "order_direction": "ASC",
	"filters": [{"field_id": "Due", "operator": "GREATER_THAN", "value": "2024-02-03"}]}');
SELECT * FROM pg_temp.plans('{"record_type_id": 1, "range_start": "2024-01-01", "filters": [{"field_id": "Timestamp", "operator": "LESS_THAN", "value": "2024-02-01"}]}');
RESET enable_seqscan;
-- Field names and values cannot reach the SQL: everything is a quoted constant.
SELECT podrec.records_list_plan('{"record_type_id": 1, "story_container_ids": ["x''); DROP TABLE podrec.items; --"],
	"filters": [{"field_id": "Title", "operator": "EQUAL", "value": "''); DROP TABLE podrec.items; --"}]}') ->> 'count_sql';
SELECT count(*) > 0 AS items_still_there FROM podrec.items;

-- ---------------------------------------------------------------------
-- The count of an unfiltered list comes from podrec.record_counts, kept
-- by the triggers of podrec.items: it is always what counting gives
-- ---------------------------------------------------------------------
CREATE FUNCTION pg_temp.counts_disagree()
	RETURNS TABLE (record_type_id int8, test_mode bool, story text, listed int8, counted int8)
	LANGUAGE sql
AS $$
	SELECT t.id, m.tm, s.id, (podrec.records_list(jsonb_build_object('record_type_id', t.id, 'test_mode', m.tm)
			|| CASE WHEN s.id IS NULL THEN '{}' ELSE jsonb_build_object('story_container_ids', jsonb_build_array(s.id)) END)
			-> 'meta' ->> 'count')::int8 AS listed,
		(SELECT count(*) FROM podrec.items AS i WHERE i.record_type_id = t.id AND i.test_mode = m.tm
			AND (s.id IS NULL OR i.flow_id = s.id)) AS counted
	FROM podrec.record_types AS t, (VALUES (false), (true)) AS m (tm),
		(SELECT NULL::text UNION ALL SELECT f.id FROM podrec.flows AS f) AS s (id)
	EXCEPT
	SELECT t.id, m.tm, s.id, c.n, c.n FROM podrec.record_types AS t, (VALUES (false), (true)) AS m (tm),
		(SELECT NULL::text UNION ALL SELECT f.id FROM podrec.flows AS f) AS s (id),
		LATERAL (SELECT count(*) AS n FROM podrec.items AS i WHERE i.record_type_id = t.id AND i.test_mode = m.tm
			AND (s.id IS NULL OR i.flow_id = s.id)) AS c
	ORDER BY 1, 2, 3
$$;
SELECT podrec.record_counts_kept(), (SELECT sum(n) FROM podrec.record_counts) AS counted_records;
SELECT * FROM pg_temp.counts_disagree();
-- Records moved between stories and test mode, and deleted
UPDATE podrec.items SET flow_id = 'story-2' WHERE record_type_id = 2 AND id % 3 = 0;
UPDATE podrec.items SET test_mode = true WHERE record_type_id = 2 AND id % 7 = 0;
UPDATE podrec.items SET doc = doc || '{"Count": 4}' WHERE record_type_id = 2 AND id % 5 = 0;
DELETE FROM podrec.items WHERE record_type_id = 2 AND id % 11 = 0;
SELECT * FROM pg_temp.counts_disagree();
-- A transaction rolled back leaves the counts as they were
BEGIN;
DELETE FROM podrec.items WHERE record_type_id = 2;
SELECT (podrec.records_list('{"record_type_id": 2}') -> 'meta' ->> 'count') AS count_inside;
ROLLBACK;
SELECT * FROM pg_temp.counts_disagree();
-- With a trigger disabled records_list counts the records itself; the counts are rebuilt
ALTER TABLE podrec.items DISABLE TRIGGER items_record_counts_delete;
DELETE FROM podrec.items WHERE record_type_id = 2 AND id % 13 = 0;
SELECT podrec.record_counts_kept();
SELECT * FROM pg_temp.counts_disagree();
ALTER TABLE podrec.items ENABLE TRIGGER items_record_counts_delete;
SELECT podrec.record_counts_kept();
SELECT count(*) > 0 AS stale FROM pg_temp.counts_disagree();
SELECT podrec.record_counts_rebuild() > 0 AS rebuilt;
SELECT * FROM pg_temp.counts_disagree();
-- A tenant reads the counts of its own account only
SET ROLE podrec_user;
SELECT set_config('request.jwt.claims', '{"account_id": "nobody"}', false) IS NOT NULL AS claims;
SELECT count(*) AS seen FROM podrec.record_counts;
-- ...and keeps its own with the records it creates and deletes
SELECT set_config('request.jwt.claims', '{"account_id": "acme"}', false) IS NOT NULL AS claims;
SELECT count(*) FROM podrec.records_create(2, '[{"Alert": "Low"}, {"Alert": "High"}]', 'story-2');
DELETE FROM podrec.items WHERE id = (SELECT max(id) FROM podrec.items WHERE record_type_id = 2);
SELECT count(*) > 0 AS sees_its_own FROM podrec.record_counts;
RESET ROLE;
SELECT * FROM pg_temp.counts_disagree();
TRUNCATE podrec.items CASCADE;
SELECT count(*) AS counts_left FROM podrec.record_counts;

RESET ALL;
DROP EXTENSION podrec CASCADE;
CREATE EXTENSION podrec;
