-- source_data (seed 003): workflow events stored as items, the seed's
-- example request (basic and advanced), every payload parameter, every bad
-- payload with its error, tenancy, the HTTP statuses of podrec_api, and the
-- plan (the GIN index on items.doc serves the filters).

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
-- source_data of the example workflow, in short: who triggered which goal when.
CREATE FUNCTION pg_temp.sd(payload jsonb) RETURNS SETOF text LANGUAGE sql AS $$
	SELECT format('%s %s %s %s', d ->> 'created_at', d ->> 'visitor_id', d ->> 'action', d ->> 'affected')
	FROM jsonb_array_elements(podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8',
		'fef456f5-fbde-42d1-be16-797b6d621193', payload) -> 'data') WITH ORDINALITY AS x (d, o)
	ORDER BY o
$$;
-- The error of a payload.
CREATE FUNCTION pg_temp.bad(payload text, OUT code text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE sql AS $$
	SELECT * FROM pg_temp.try(format('SELECT podrec.source_data(%L, %L, %L::jsonb)',
		'38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', payload))
$$;

-- An organization, an interaction workflow and its events: steps 0 (the
-- source), 1 (two views) and 2 (a form), and goal triggers of two goals.
SELECT podrec.account_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'Example Oy') IS NOT NULL AS ok;
SELECT podrec.source_events_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', $$[
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T09:59:00Z", "visitor_id": "alice", "dim5": 0, "dim4": "Source", "action": "Landing page"},
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T10:00:00Z", "visitor_id": "alice", "dim5": "1", "dim4": "Interaction", "action": "view-intro"},
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T10:05:00Z", "visitor_id": "alice", "dim5": 2, "dim4": "Form", "action": "view-form"},
 {"category": "goal", "created_at": "2024-03-01T10:30:00Z", "visitor_id": "alice", "session_id": "s-a1", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 49.9, "device_type": "desktop", "browser_name": "Firefox", "os_name": "Linux", "geo_country": "FI", "geo_city": "Helsinki"},
 {"category": "goal", "created_at": "2024-03-01T10:40:00Z", "visitor_id": "alice", "session_id": "s-a1", "label": "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a", "action": "Newsletter signup", "value": 1, "device_type": "desktop"},
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T11:00:00Z", "visitor_id": "bob", "dim5": 1, "dim4": "Interaction", "action": "view-offer"},
 {"category": "goal", "created_at": "2024-03-01T11:10:00Z", "visitor_id": "bob", "session_id": "s-b1", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 19.5, "device_type": "mobile", "browser_name": "Safari", "os_name": "iOS", "geo_country": "SE", "geo_city": "Stockholm"},
 {"category": "goal", "created_at": "2024-03-01T12:00:00Z", "visitor_id": "carol", "session_id": "s-c1", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 5, "device_type": "tablet", "browser_name": "Chrome", "os_name": "Android", "geo_country": "FI", "geo_city": "Tampere"},
 {"category": "goal", "created_at": "2024-03-01T09:00:00Z", "visitor_id": "dave", "session_id": "s-d1", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 10, "device_type": "desktop", "browser_name": "Chrome", "os_name": "Windows", "geo_country": "DE", "geo_city": "Berlin"},
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T09:30:00Z", "visitor_id": "dave", "dim5": 1, "dim4": "Interaction", "action": "view-offer"},
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T09:40:00Z", "visitor_id": "dave", "dim5": 2, "dim4": "Form", "action": "view-form"},
 {"category": "goal", "created_at": "2024-03-01T13:00:00Z", "visitor_id": "dave", "session_id": "s-d2", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 120, "device_type": "desktop", "browser_name": "Chrome", "os_name": "Windows", "geo_country": "DE", "geo_city": "Berlin"},
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T20:00:00Z", "visitor_id": "erin", "dim5": 1, "dim4": "Interaction", "action": "view-intro"},
 {"category": "workflowReportingEvent", "created_at": "2024-03-01T20:01:00Z", "visitor_id": "erin", "dim5": 2, "dim4": "Form", "action": "view-form"},
 {"category": "goal", "created_at": "2024-03-02T08:00:00Z", "visitor_id": "erin", "session_id": "s-e1", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 75, "device_type": "mobile"}
]$$, 'Interaction workflow') AS stored;

-- Event ids are generated: give them fixed ones for the output.
UPDATE podrec.items AS i SET uid = lpad(to_hex(i.id), 24, '0'), doc = i.doc || jsonb_build_object('_id', lpad(to_hex(i.id), 24, '0'));
SELECT i.uid, i.flow_id, i.account_id, to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS at,
	i.doc ->> 'category' AS category, i.doc -> 'dim5' AS dim5, i.doc ->> 'label' AS label
FROM podrec.items AS i ORDER BY i.id;

-- The seed's example request (basic): fetch outer goal data for the
-- interaction workflow.  Alice reached both steps before her purchase; Dave
-- had not at 09:00 but had at 13:00; Bob saw step 1 only, Carol no step;
-- Erin's purchase is after the interval.
SELECT jsonb_pretty(podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', $${
	"filters": [{"property": "label", "values": ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"]}],
	"step_data": [{}, {"actions": ["view-intro", "view-offer"]}, {"actions": ["view-form"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"},
	"limit": 1000,
	"target": "affected_goal",
	"basic": true
}$$));

-- The same request, advanced (raw columns).
SELECT jsonb_pretty(podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', $${
	"filters": [{"property": "label", "values": ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"]}],
	"step_data": [{}, {"actions": ["view-intro", "view-offer"]}, {"actions": ["view-form"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"},
	"limit": 1000,
	"target": "affected_goal",
	"basic": false
}$$));

-- basic omitted: advanced.
SELECT podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193',
	'{"filters": [], "interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-01T00:00:01Z"}}') -> 'fields'
	= podrec.source_data_fields(false) AS advanced;

-- target affected_goal_total: every goal trigger, affected or not.
SELECT pg_temp.sd($${"filters": [{"property": "label", "values": ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"]}],
	"step_data": [{}, {"actions": ["view-intro", "view-offer"]}, {"actions": ["view-form"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}, "target": "affected_goal_total"}$$);
-- step_data omitted: a visitor with any step event before the goal is affected (Bob too).
SELECT pg_temp.sd($${"filters": [{"property": "label", "values": ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}}$$);
-- Steps without actions, and the source step's actions, constrain nothing.
SELECT pg_temp.sd($${"filters": [{"property": "label", "values": ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"]}],
	"step_data": [{"actions": ["nothing"]}, {}, {"actions": []}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}}$$);
-- Only step 1 with view-intro: Alice.
SELECT pg_temp.sd($${"filters": [], "step_data": [{}, {"actions": ["view-intro"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}}$$);
-- filters []: every goal (Alice's newsletter signup too); limit 2: the first two.
SELECT pg_temp.sd('{"filters": [], "interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}, "target": "affected_goal_total"}');
SELECT pg_temp.sd('{"filters": [], "interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}, "target": "affected_goal_total", "limit": 2}');
-- Values of a filter are ORed, filters ANDed; two filters on one property: both hold.
SELECT pg_temp.sd($${"filters": [{"property": "device_type", "values": ["desktop", "tablet"]}, {"property": "geo_country", "values": ["FI"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}, "target": "affected_goal_total"}$$);
SELECT pg_temp.sd($${"filters": [{"property": "visitor_id", "values": ["alice", "bob"]}, {"property": "visitor_id", "values": ["bob", "carol"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}, "target": "affected_goal_total"}$$);
SELECT pg_temp.sd($${"filters": [{"property": "action", "values": ["Newsletter signup"]}, {"property": "session_id", "values": ["s-a1"]}, {"property": "browser_name", "values": ["x"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}}$$);
-- The interval: start inclusive, end exclusive, offsets honoured, "start/end" strings, dates.
SELECT pg_temp.sd('{"filters": [], "interval": {"start": "2024-03-01T10:30:00Z", "end": "2024-03-01T13:00:00Z"}, "target": "affected_goal_total"}');
SELECT pg_temp.sd('{"filters": [], "interval": {"start": "2024-03-01T12:30:00+02:00", "end": "2024-03-01T14:00:00+01:00"}, "target": "affected_goal_total"}');
SELECT pg_temp.sd('{"filters": [], "interval": "2024-03-01T12:00:00Z/2024-03-03", "target": "affected_goal_total"}');
-- Nothing in the interval: no data, the fields still.
SELECT podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193',
	'{"filters": [], "interval": "2023-01-01/2023-02-01", "basic": true}') -> 'data' AS data;

-- Every bad payload (HTTP 400, or 406 for a filter that is not implemented).
SELECT b.payload, e.* FROM (VALUES
	('null'), ('[]'), ('"x"'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "format": "xlsx"}'),
	('{"interval": "2024-03-01/2024-03-02"}'),
	('{"filters": null, "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": {"property": "label"}, "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": ["label"], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": "label", "values": ["a"], "op": "eq"}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"values": ["a"]}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": 1, "values": ["a"]}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": "label"}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": "label", "values": "a"}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": "label", "values": []}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": "label", "values": ["a", 1]}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": "value", "values": ["1"]}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [{"property": "dim3", "values": ["1"]}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [], "step_data": {}, "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [], "step_data": [{}, []], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [], "step_data": [{}, {"action": ["a"]}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [], "step_data": [{}, {"actions": "a"}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": [], "step_data": [{}, {"actions": ["a", 2]}], "interval": "2024-03-01/2024-03-02"}'),
	('{"filters": []}'),
	('{"filters": [], "interval": null}'),
	('{"filters": [], "interval": 20240301}'),
	('{"filters": [], "interval": "2024-03-01"}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02/2024-03-03"}'),
	('{"filters": [], "interval": {"start": "2024-03-01"}}'),
	('{"filters": [], "interval": {"end": "2024-03-01"}}'),
	('{"filters": [], "interval": {"start": "2024-03-01", "end": "2024-03-02", "tz": "UTC"}}'),
	('{"filters": [], "interval": {"start": 1709251200, "end": "2024-03-02"}}'),
	('{"filters": [], "interval": {"start": "2024-03-01", "end": true}}'),
	('{"filters": [], "interval": {"start": "yesterday", "end": "2024-03-02"}}'),
	('{"filters": [], "interval": {"start": "2024-03-01", "end": "2024-02-30"}}'),
	('{"filters": [], "interval": "2024-03-02/2024-03-01"}'),
	('{"filters": [], "interval": "2024-03-01T00:00:00Z/2024-03-01T02:00:00+02:00"}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "limit": 0}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "limit": -5}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "limit": 2.5}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "limit": "10"}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "limit": 1e30}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "target": "default"}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "target": ["affected_goal"]}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "basic": "true"}'),
	('{"filters": [], "interval": "2024-03-01/2024-03-02", "basic": 1}')
) AS b (payload), pg_temp.bad(b.payload) AS e;
-- null values of optional attributes are their defaults.
SELECT count(*) FROM pg_temp.sd('{"filters": [], "interval": "2024-03-01/2024-03-02", "limit": null, "target": null, "basic": null, "step_data": null}');

-- Unknown workflow (404), unknown organization (404 for an administrator),
-- null arguments (400).
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', '00000000-0000-4000-8000-000000000000', '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('11111111-1111-4111-8111-111111111111', 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
SELECT * FROM pg_temp.try($$SELECT podrec.source_data(NULL, 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', NULL, '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', NULL)$$);

-- Storing events: every bad event.
SELECT b.events, e.* FROM (VALUES
	('{}'), ('[1]'), ('[{"category": "view"}]'),
	('[{"category": "goal", "visitor_id": "v", "label": "g"}]'),
	('[{"category": "goal", "created_at": "soon", "visitor_id": "v", "label": "g"}]'),
	('[{"category": "goal", "created_at": "2024-03-01", "label": "g"}]'),
	('[{"category": "goal", "created_at": "2024-03-01", "visitor_id": "v"}]'),
	('[{"category": "goal", "created_at": "2024-03-01", "visitor_id": "v", "label": "g", "organization_id": "other"}]'),
	('[{"category": "goal", "created_at": "2024-03-01", "visitor_id": "v", "label": "g", "flow_id": "other"}]'),
	('[{"category": "workflowReportingEvent", "created_at": "2024-03-01", "visitor_id": "v", "action": "a"}]'),
	('[{"category": "workflowReportingEvent", "created_at": "2024-03-01", "visitor_id": "v", "action": "a", "dim5": -1}]'),
	('[{"category": "workflowReportingEvent", "created_at": "2024-03-01", "visitor_id": "v", "action": "a", "dim5": "one"}]'),
	('[{"category": "workflowReportingEvent", "created_at": "2024-03-01", "visitor_id": "v", "dim5": 1}]'),
	('[{"category": "workflowReportingEvent", "created_at": "2024-03-01", "visitor_id": "v", "dim5": 1, "action": "a", "label": "x"}]'),
	('[{"category": "goal", "created_at": "2024-03-01", "visitor_id": "v", "label": "g"}, {"category": "goal", "created_at": "2024-03-01", "visitor_id": "v", "label": "g", "_id": "bad"}]')
) AS b (events), pg_temp.try(format('SELECT podrec.source_events_put(%L, %L, %L)',
	'38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', b.events)) AS e;
SELECT * FROM pg_temp.try($$SELECT podrec.source_events_put('11111111-1111-4111-8111-111111111111', 'fef456f5-fbde-42d1-be16-797b6d621193', '[]')$$);
SELECT podrec.source_events_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', '[]') AS stored;
SELECT count(*) FROM podrec.items;

-- Tenancy: a role acting for another organization gets 42501 (HTTP 403),
-- whether that organization exists or not; for its own organization, a
-- workflow of another organization is not found (404).
SELECT podrec.account_put('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'Other Ab') IS NOT NULL AS ok;
SELECT podrec.source_events_put('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f',
	'[{"category": "goal", "created_at": "2024-03-01T10:00:00Z", "visitor_id": "zoe", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase"}]') AS stored;
CREATE ROLE podrec_sd_other;
GRANT podrec_app TO podrec_sd_other;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('podrec_sd_other', '5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b');
SET ROLE podrec_sd_other;
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('99999999-9999-4999-8999-999999999999', 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
SELECT * FROM pg_temp.try($$SELECT podrec.source_events_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', '[]')$$);
SELECT d ->> 'visitor_id' AS visitor, d ->> 'organization_id' AS organization_id, d ->> 'affected' AS affected
FROM jsonb_array_elements(podrec.source_data('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f',
	'{"filters": [], "interval": "2024-03-01/2024-03-02", "target": "affected_goal_total"}') -> 'data') AS d;
-- A role that acts for no account.
RESET ROLE;
CREATE ROLE podrec_sd_none;
GRANT podrec_app TO podrec_sd_none;
SET ROLE podrec_sd_none;
SELECT * FROM pg_temp.try($$SELECT podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}')$$);
RESET ROLE;

-- podrec_api.source_data: the same, with the errors' HTTP statuses for PostgREST.
SELECT jsonb_array_length(podrec_api.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193',
	'{"filters": [], "interval": "2024-03-01/2024-03-02"}') -> 'data') AS n;
SET ROLE podrec_sd_other;
SELECT t.code, t.message::jsonb ->> 'message' AS message, t.detail::jsonb -> 'status' AS status
FROM (VALUES
	('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}'),
	('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'fef456f5-fbde-42d1-be16-797b6d621193', '{"filters": [], "interval": "2024-03-01/2024-03-02"}'),
	('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f', '{"filters": [{"property": "dim1", "values": ["x"]}], "interval": "2024-03-01/2024-03-02"}'),
	('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f', '{"filters": [], "interval": "2024-03-02/2024-03-01"}'),
	('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f', '{"filters": [], "interval": "2024-03-01/2024-03-02", "limit": 0}')
) AS c (org, wf, payload),
pg_temp.try(format('SELECT podrec_api.source_data(%L, %L, %L)', c.org, c.wf, c.payload)) AS t;
RESET ROLE;
SELECT p.oid::regprocedure AS function, r.rolname, has_function_privilege(r.oid, p.oid, 'EXECUTE') AS execute
FROM pg_proc AS p, pg_roles AS r
WHERE p.oid = 'podrec_api.source_data(uuid, uuid, jsonb)'::regprocedure
	AND r.rolname IN ('podrec_anon', 'podrec_user', 'podrec_app', 'podrec_admin')
ORDER BY r.rolname;

-- The plan: the filters are served by the GIN index on items.doc.  A
-- second workflow with a year of hourly goal triggers, one in a thousand of
-- the rare goal; the query of podrec.source_data_events with its filter
-- compiled as source_data compiles it.
SELECT podrec.source_data_filter('[{"property": "label", "values": ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"]}, {"property": "device_type", "values": ["desktop", "mobile"]}]');
SELECT podrec.source_events_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'a7c3e5f1-9b2d-4e6f-8a1c-3d5e7f9b1a2c',
	(SELECT jsonb_agg(jsonb_build_object('category', 'goal', 'created_at', '2024-01-01T00:00:00Z'::timestamptz + g * interval '1 hour',
		'visitor_id', 'v' || (g % 500), 'action', 'Goal',
		'label', CASE WHEN g % 1000 = 0 THEN 'rare' ELSE 'common-' || (g % 7) END)) FROM generate_series(1, 8000) AS g)) AS stored;
VACUUM ANALYZE podrec.items;
EXPLAIN (COSTS OFF)
SELECT g.id FROM podrec.items AS g
WHERE g.flow_id = 'a7c3e5f1-9b2d-4e6f-8a1c-3d5e7f9b1a2c'
	AND g.created_at >= '2024-01-01T00:00:00Z' AND g.created_at < '2025-01-01T00:00:00Z'
	AND podrec.matches(g.doc, podrec.source_data_filter('[{"property": "label", "values": ["rare"]}]'))
ORDER BY g.created_at, g.id;
SELECT d ->> 'created_at' AS created_at, d ->> 'label' AS label
FROM jsonb_array_elements(podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'a7c3e5f1-9b2d-4e6f-8a1c-3d5e7f9b1a2c',
	'{"filters": [{"property": "label", "values": ["rare"]}], "interval": "2024-01-01/2025-01-01", "target": "affected_goal_total"}') -> 'data') AS d;
-- Without any index, the same answers.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET enable_indexscan = off;
SELECT count(*) FROM jsonb_array_elements(podrec.source_data('38d0571c-3693-4893-a888-6726d9e6f0e8', 'a7c3e5f1-9b2d-4e6f-8a1c-3d5e7f9b1a2c',
	'{"filters": [{"property": "label", "values": ["rare"]}], "interval": "2024-01-01/2025-01-01", "target": "affected_goal_total"}') -> 'data') AS d;
SELECT pg_temp.sd($${"filters": [{"property": "label", "values": ["6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d"]}],
	"step_data": [{}, {"actions": ["view-intro", "view-offer"]}, {"actions": ["view-form"]}],
	"interval": {"start": "2024-03-01T00:00:00Z", "end": "2024-03-02T00:00:00Z"}}$$);
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET enable_indexscan;

DROP EXTENSION podrec CASCADE;
REVOKE podrec_app FROM podrec_sd_other, podrec_sd_none;
DROP ROLE podrec_sd_other;
DROP ROLE podrec_sd_none;
CREATE EXTENSION podrec;
