
-- ---------------------------------------------------------------------
-- Source data of workflows (seed 003: workflow source data reports)
-- ---------------------------------------------------------------------
-- A workflow is a flow whose id is the workflow's uuid; its organization is
-- the account whose id is the organization's uuid (canonical text form).
-- Its events are items of that flow: step events (category
-- workflowReportingEvent, the step number in dim5, the action in action)
-- and goal trigger events (category goal, the goal's uuid in label).
-- source_data returns the goal trigger events of an interval: those of
-- visitors the workflow affected (target affected_goal), or all of them
-- (affected_goal_total), filtered by their properties and limited.

CREATE FUNCTION podrec.source_data_columns()
	RETURNS TABLE(pos pg_catalog.int4, name pg_catalog.text, type pg_catalog.text,
		title pg_catalog.text, basic_type pg_catalog.text, filterable pg_catalog.bool)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM (VALUES
		(1, 'event_id', 'string', 'Event ID', NULL, false),
		(2, 'created_at', 'datetime', 'Time', 'datetime', false),
		(3, 'organization_id', 'uuid', 'Organization ID', NULL, false),
		(4, 'workflow_id', 'uuid', 'Workflow ID', NULL, false),
		(5, 'label', 'uuid', 'Goal ID', NULL, true),
		(6, 'action', 'string', 'Goal', 'string', true),
		(7, 'value', 'number', 'Value', 'number', false),
		(8, 'visitor_id', 'string', 'Visitor', 'string', true),
		(9, 'session_id', 'string', 'Session', NULL, true),
		(10, 'device_type', 'string', 'Device', 'string', true),
		(11, 'browser_name', 'string', 'Browser', 'string', true),
		(12, 'os_name', 'string', 'Operating system', 'string', true),
		(13, 'geo_country', 'string', 'Country', 'string', true),
		(14, 'geo_city', 'string', 'City', 'string', true),
		(15, 'affected', 'boolean', 'Affected by the workflow', 'string', false)
	) AS c (pos, name, type, title, basic_type, filterable)
	ORDER BY 1
$$;

COMMENT ON FUNCTION podrec.source_data_columns() IS
	'the columns of source data, in order: raw name and type (basic = false), human-readable title, type in basic data (NULL: not in basic data, whose names are the titles), and whether filters may name it';

CREATE FUNCTION podrec.source_data_fields(basic pg_catalog.bool)
	RETURNS pg_catalog.jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_agg(CASE WHEN basic
			THEN jsonb_build_object('name', c.title, 'type', c.basic_type, 'column', c.name)
			ELSE jsonb_build_object('name', c.name, 'type', c.type, 'title', c.title) END
		ORDER BY c.pos)
	FROM podrec.source_data_columns() AS c
	WHERE NOT basic OR c.basic_type IS NOT NULL
$$;

COMMENT ON FUNCTION podrec.source_data_fields(pg_catalog.bool) IS
	'the fields element of a source_data response: the schema of its data elements in order, raw ({name, type, title}) or basic ({name: the title, type, column: the raw name})';

-- ---------------------------------------------------------------------
-- Internals: access, parameters
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.source_data_account(organization_id pg_catalog.uuid)
	RETURNS pg_catalog.text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	org text := source_data_account.organization_id::text;
	own text;
BEGIN
	IF source_data_account.organization_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'organization_id must not be null';
	END IF;
	IF podrec.is_admin() THEN
		IF NOT EXISTS (SELECT FROM podrec.accounts AS a WHERE a.id = org) THEN
			RAISE EXCEPTION USING ERRCODE = 'P0002',
				MESSAGE = format('organization "%s" not found', org),
				DETAIL = 'No account has the organization''s id.';
		END IF;
		RETURN org;
	END IF;
	own := podrec.require_account();
	IF own IS DISTINCT FROM org THEN
		RAISE EXCEPTION USING ERRCODE = '42501',
			MESSAGE = format('no access to organization "%s"', org),
			DETAIL = 'The caller acts for another account.';
	END IF;
	RETURN org;
END
$$;

COMMENT ON FUNCTION podrec.source_data_account(pg_catalog.uuid) IS
	'internal: the account of an organization the caller may read: its own (else 42501, HTTP 403, whether the organization exists or not); administrators any existing one (else P0002, HTTP 404)';

CREATE FUNCTION podrec.source_data_workflow(account_id pg_catalog.text, workflow_id pg_catalog.uuid)
	RETURNS pg_catalog.text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF source_data_workflow.workflow_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'workflow_id must not be null';
	END IF;
	IF NOT EXISTS (SELECT FROM podrec.flows AS f
		WHERE f.id = source_data_workflow.workflow_id::text AND f.account_id = source_data_workflow.account_id) THEN
		RAISE EXCEPTION USING ERRCODE = 'P0002',
			MESSAGE = format('workflow "%s" not found', source_data_workflow.workflow_id),
			DETAIL = format('Organization "%s" has no workflow of this id.', source_data_workflow.account_id);
	END IF;
	RETURN source_data_workflow.workflow_id::text;
END
$$;

COMMENT ON FUNCTION podrec.source_data_workflow(pg_catalog.text, pg_catalog.uuid) IS
	'internal: the flow id of a workflow of the account; P0002 (HTTP 404) when the account has no such workflow';

CREATE FUNCTION podrec.source_data_interval(payload pg_catalog.jsonb, OUT start_at pg_catalog.timestamptz,
	OUT end_at pg_catalog.timestamptz)
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	iv jsonb := payload -> 'interval';
	s jsonb;
	e jsonb;
	k text;
BEGIN
	IF iv IS NULL OR iv = 'null' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'interval is required',
			HINT = 'Give {"start": "2024-01-01T00:00:00Z", "end": "2024-02-01T00:00:00Z"} or "2024-01-01T00:00:00Z/2024-02-01T00:00:00Z".';
	ELSIF jsonb_typeof(iv) = 'string' THEN
		IF array_length(string_to_array(iv #>> '{}', '/'), 1) IS DISTINCT FROM 2 THEN
			RAISE EXCEPTION USING ERRCODE = '22007',
				MESSAGE = format('invalid interval "%s"', podrec.ingest_clip(iv #>> '{}')),
				DETAIL = 'An interval string is an ISO 8601 start and end separated by "/".';
		END IF;
		s := to_jsonb(split_part(iv #>> '{}', '/', 1));
		e := to_jsonb(split_part(iv #>> '{}', '/', 2));
	ELSIF jsonb_typeof(iv) = 'object' THEN
		SELECT x INTO k FROM jsonb_object_keys(iv) AS x WHERE x NOT IN ('start', 'end') ORDER BY x LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('unknown interval attribute "%s"', podrec.ingest_clip(k)),
				DETAIL = 'An interval has the attributes start and end.';
		END IF;
		s := iv -> 'start';
		e := iv -> 'end';
		IF s IS NULL OR s = 'null' THEN
			RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'interval has no start';
		ELSIF e IS NULL OR e = 'null' THEN
			RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'interval has no end';
		END IF;
	ELSE
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'interval must be an object with start and end, or a "start/end" string',
			DETAIL = format('It is a JSON %s.', jsonb_typeof(iv));
	END IF;
	FOREACH k IN ARRAY ARRAY['start', 'end'] LOOP
		IF jsonb_typeof(CASE k WHEN 'start' THEN s ELSE e END) <> 'string' THEN
			RAISE EXCEPTION USING ERRCODE = '22007',
				MESSAGE = format('interval %s must be an ISO 8601 date-time string', k),
				DETAIL = format('It is a JSON %s.', jsonb_typeof(CASE k WHEN 'start' THEN s ELSE e END));
		END IF;
	END LOOP;
	start_at := podrec.iso_timestamp(s #>> '{}');
	end_at := podrec.iso_timestamp(e #>> '{}');
	IF start_at IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22007',
			MESSAGE = format('invalid interval start "%s"', podrec.ingest_clip(s #>> '{}')),
			DETAIL = 'Times are ISO 8601, like 2024-01-01T00:00:00Z (UTC when no offset is given).';
	ELSIF end_at IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22007',
			MESSAGE = format('invalid interval end "%s"', podrec.ingest_clip(e #>> '{}')),
			DETAIL = 'Times are ISO 8601, like 2024-01-01T00:00:00Z (UTC when no offset is given).';
	ELSIF start_at >= end_at THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'interval start must be before its end',
			DETAIL = format('The interval starts at %s and ends at %s.', s #>> '{}', e #>> '{}');
	END IF;
END
$$;

COMMENT ON FUNCTION podrec.source_data_interval(jsonb) IS
	'internal: the interval of a source_data payload, {"start", "end"} or "start/end" in ISO 8601, checked: start inclusive, end exclusive';

CREATE FUNCTION podrec.source_data_filter(filters pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	f jsonb;
	i int4 := 0;
	k text;
	prop text;
	result jsonb := '{"category": {"operator": "", "value": "goal"}}';
BEGIN
	IF filters IS NULL OR filters = 'null' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'filters is required',
			HINT = 'Give an array of {"property", "values"} objects; [] filters nothing out.';
	ELSIF jsonb_typeof(filters) <> 'array' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'filters must be an array of filter objects',
			DETAIL = format('It is a JSON %s.', jsonb_typeof(filters));
	END IF;
	FOR f IN SELECT e FROM jsonb_array_elements(filters) AS e LOOP
		i := i + 1;
		IF jsonb_typeof(f) <> 'object' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('filter %s must be an object with property and values', i),
				DETAIL = format('It is a JSON %s.', jsonb_typeof(f));
		END IF;
		SELECT x INTO k FROM jsonb_object_keys(f) AS x WHERE x NOT IN ('property', 'values') ORDER BY x LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('unknown attribute "%s" in filter %s', podrec.ingest_clip(k), i),
				DETAIL = 'A filter has the attributes property and values.';
		ELSIF jsonb_typeof(f -> 'property') IS DISTINCT FROM 'string' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('filter %s has no property', i),
				DETAIL = 'Its property must be a string, like "label".';
		ELSIF jsonb_typeof(f -> 'values') IS DISTINCT FROM 'array' OR jsonb_array_length(f -> 'values') = 0 THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('filter %s must have a non-empty array of values', i);
		ELSIF EXISTS (SELECT FROM jsonb_array_elements(f -> 'values') AS v WHERE jsonb_typeof(v) <> 'string') THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('values of filter %s must be strings', i);
		END IF;
		prop := f ->> 'property';
		IF NOT EXISTS (SELECT FROM podrec.source_data_columns() AS c WHERE c.name = prop AND c.filterable) THEN
			RAISE EXCEPTION USING ERRCODE = '0A000',
				MESSAGE = format('filtering by "%s" is not implemented', podrec.ingest_clip(prop)),
				DETAIL = format('Filters may name %s.', (SELECT string_agg(c.name, ', ' ORDER BY c.pos)
					FROM podrec.source_data_columns() AS c WHERE c.filterable));
		END IF;
		-- Two filters on one property: an event matches both.
		IF result ? prop THEN
			result := jsonb_set(result, ARRAY[prop, 'value'], to_jsonb(ARRAY(
				SELECT a FROM jsonb_array_elements(result -> prop -> 'value') AS a
				INTERSECT SELECT b FROM jsonb_array_elements(f -> 'values') AS b ORDER BY 1)));
		ELSE
			result := result || jsonb_build_object(prop, jsonb_build_object('operator', 'in',
				'value', f -> 'values'));
		END IF;
	END LOOP;
	RETURN result;
END
$$;

COMMENT ON FUNCTION podrec.source_data_filter(pg_catalog.jsonb) IS
	'internal: the filters of a source_data payload checked (0A000, HTTP 406, for a property that cannot be filtered) and compiled to an operator-map filter of goal trigger events: values of a filter ORed, filters ANDed';

CREATE FUNCTION podrec.source_data_steps(step_data pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s jsonb;
	i int4 := -1;
	k text;
	result jsonb := '[]';
BEGIN
	IF step_data IS NULL OR step_data = 'null' THEN
		RETURN result;
	ELSIF jsonb_typeof(step_data) <> 'array' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'step_data must be an array of step objects',
			DETAIL = format('It is a JSON %s.', jsonb_typeof(step_data));
	END IF;
	FOR s IN SELECT e FROM jsonb_array_elements(step_data) AS e LOOP
		i := i + 1;
		IF jsonb_typeof(s) <> 'object' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('step_data[%s] must be an object', i),
				DETAIL = format('It is a JSON %s.', jsonb_typeof(s));
		END IF;
		SELECT x INTO k FROM jsonb_object_keys(s) AS x WHERE x <> 'actions' ORDER BY x LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('unknown attribute "%s" in step_data[%s]', podrec.ingest_clip(k), i),
				DETAIL = 'A step has the attribute actions.';
		ELSIF s ? 'actions' AND (jsonb_typeof(s -> 'actions') <> 'array'
			OR EXISTS (SELECT FROM jsonb_array_elements(s -> 'actions') AS a WHERE jsonb_typeof(a) <> 'string')) THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('actions of step_data[%s] must be an array of strings', i);
		END IF;
		-- step_data[0] is the source step: not used.
		IF i > 0 AND jsonb_array_length(coalesce(s -> 'actions', '[]')) > 0 THEN
			result := result || jsonb_build_array(jsonb_build_object('step', i, 'actions', s -> 'actions'));
		END IF;
	END LOOP;
	RETURN result;
END
$$;

COMMENT ON FUNCTION podrec.source_data_steps(pg_catalog.jsonb) IS
	'internal: the step_data of a source_data payload checked, as [{"step", "actions"}] for the steps after the source step that list actions';

CREATE FUNCTION podrec.source_data_params(payload pg_catalog.jsonb, OUT filter pg_catalog.jsonb,
	OUT steps pg_catalog.jsonb, OUT start_at pg_catalog.timestamptz, OUT end_at pg_catalog.timestamptz,
	OUT lim pg_catalog.int8, OUT total pg_catalog.bool, OUT basic pg_catalog.bool)
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	k text;
	v jsonb;
BEGIN
	IF payload IS NULL OR jsonb_typeof(payload) <> 'object' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'payload must be a JSON object',
			DETAIL = format('It is %s.', coalesce('a JSON ' || jsonb_typeof(payload), 'NULL'));
	END IF;
	SELECT x INTO k FROM jsonb_object_keys(payload) AS x
	WHERE x NOT IN ('filters', 'step_data', 'interval', 'limit', 'target', 'basic') ORDER BY x LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = format('unknown payload attribute "%s"', podrec.ingest_clip(k)),
			DETAIL = 'The payload has the attributes filters, step_data, interval, limit, target and basic.';
	END IF;
	filter := podrec.source_data_filter(payload -> 'filters');
	steps := podrec.source_data_steps(payload -> 'step_data');
	SELECT i.start_at, i.end_at INTO start_at, end_at FROM podrec.source_data_interval(payload) AS i;

	v := payload -> 'limit';
	IF v IS NOT NULL AND v <> 'null' THEN
		IF jsonb_typeof(v) <> 'number' OR v::text::numeric <> trunc(v::text::numeric) OR v::text::numeric < 1 THEN
			RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'limit must be a positive integer',
				DETAIL = format('It is %s.', podrec.ingest_clip(v::text));
		ELSIF v::text::numeric > 9223372036854775807 THEN
			RAISE EXCEPTION USING ERRCODE = '22003', MESSAGE = 'limit is out of range',
				DETAIL = format('It is %s.', podrec.ingest_clip(v::text));
		END IF;
		lim := v::text::numeric::int8;
	END IF;

	v := payload -> 'target';
	IF v IS NULL OR v = 'null' THEN
		total := false;
	ELSIF v IN ('"affected_goal"', '"affected_goal_total"') THEN
		total := v = '"affected_goal_total"';
	ELSE
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = format('invalid target %s', podrec.ingest_clip(v::text)),
			DETAIL = 'The target is "affected_goal" (the default) or "affected_goal_total".';
	END IF;

	v := payload -> 'basic';
	IF v IS NULL OR v = 'null' THEN
		basic := false;
	ELSIF jsonb_typeof(v) = 'boolean' THEN
		basic := v = 'true';
	ELSE
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'basic must be true or false',
			DETAIL = format('It is a JSON %s.', jsonb_typeof(v));
	END IF;
END
$$;

COMMENT ON FUNCTION podrec.source_data_params(pg_catalog.jsonb) IS
	'internal: a source_data payload checked and read: the operator-map filter of its events, its steps, interval, limit (NULL: all), target (total: affected_goal_total) and basic';

-- ---------------------------------------------------------------------
-- The events
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.source_data_affected(flow_id pg_catalog.text, visitors pg_catalog.jsonb,
	steps pg_catalog.jsonb, end_at pg_catalog.timestamptz)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	f jsonb := '{"category": {"operator": "", "value": "workflowReportingEvent"}}';
	since jsonb;
BEGIN
	IF coalesce(jsonb_array_length(visitors), 0) = 0 THEN
		RETURN '{}';
	END IF;
	-- The step events of these visitors (and of the steps' actions), found
	-- by the GIN index on items.doc or by the workflow's time index: the
	-- filter is a literal, so that the planner weighs its values.  Beyond
	-- 100 visitors the index would not narrow much and a long list costs
	-- every row: they are checked in a hashed array instead.
	IF jsonb_array_length(visitors) <= 100 THEN
		f := f || jsonb_build_object('visitor_id', jsonb_build_object('operator', 'in', 'value', visitors));
	END IF;
	IF jsonb_array_length(steps) > 0 THEN
		f := f || jsonb_build_object('action', jsonb_build_object('operator', 'in', 'value',
			(SELECT jsonb_agg(DISTINCT a.value) FROM jsonb_array_elements(steps) AS s,
				jsonb_array_elements(s.value -> 'actions') AS a)));
	END IF;
	EXECUTE format($q$
		WITH st AS (
			-- the constrained steps; none: any step event affects its visitor
			SELECT (s ->> 'step')::int4 AS step, ARRAY(SELECT jsonb_array_elements_text(s -> 'actions')) AS actions
			FROM jsonb_array_elements($1) AS s
			UNION ALL
			SELECT NULL, NULL WHERE jsonb_array_length($1) = 0
		), reached AS (
			-- when each visitor first reached each constrained step
			SELECT e.doc ->> 'visitor_id' AS visitor, st.step, min(e.created_at) AS at
			FROM podrec.items AS e
			JOIN st ON st.step IS NULL
				OR (e.doc -> 'dim5' = to_jsonb(st.step) AND e.doc ->> 'action' = ANY (st.actions))
			WHERE e.flow_id = $2 AND e.created_at < $3 AND podrec.matches(e.doc, %L::jsonb)
				AND e.doc ->> 'visitor_id' = ANY ($4)
			GROUP BY 1, 2
		)
		-- visitors who reached every one, and since when (epoch seconds)
		SELECT coalesce(jsonb_object_agg(a.visitor, a.since), '{}')
		FROM (SELECT r.visitor, extract(epoch FROM max(r.at)) AS since
			FROM reached AS r
			GROUP BY r.visitor
			HAVING count(*) = (SELECT count(*) FROM st)) AS a
		$q$, f)
	INTO since
	USING steps, flow_id, end_at, ARRAY(SELECT jsonb_array_elements_text(visitors));
	RETURN since;
END
$$;

COMMENT ON FUNCTION podrec.source_data_affected(pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.timestamptz) IS
	'internal: of the visitors given (a JSON array of visitor ids), those the workflow affected before end_at, as {visitor: since, in epoch seconds}: the time each had reached every constrained step ([{"step", "actions"}]; none: any step event)';

CREATE FUNCTION podrec.source_data_events(flow_id pg_catalog.text, filter pg_catalog.jsonb,
	steps pg_catalog.jsonb, start_at pg_catalog.timestamptz, end_at pg_catalog.timestamptz,
	total pg_catalog.bool, lim pg_catalog.int8)
	RETURNS TABLE(id pg_catalog.int8, uid pg_catalog.text, created_at pg_catalog.timestamptz,
		doc pg_catalog.jsonb, affected pg_catalog.bool)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	-- the goal triggers: the filter is a literal, so that the planner weighs
	-- its values between the GIN index on items.doc and the time index
	goals text := format($q$
		FROM podrec.items AS g
		WHERE g.flow_id = $1 AND g.created_at >= $2 AND g.created_at < $3
			AND podrec.matches(g.doc, %L::jsonb)$q$, filter);
	visitors jsonb;
	since jsonb;
BEGIN
	-- 1. Their visitors, and when the workflow affected them.
	EXECUTE $q$SELECT jsonb_agg(DISTINCT g.doc -> 'visitor_id') $q$ || goals
		|| $q$ AND jsonb_typeof(g.doc -> 'visitor_id') = 'string'$q$
	INTO visitors
	USING flow_id, start_at, end_at;
	since := podrec.source_data_affected(flow_id, visitors, steps, end_at);
	-- 2. The goal triggers in order, affected or all, limited.
	RETURN QUERY EXECUTE $q$SELECT g.id, g.uid, g.created_at, g.doc, g.affected FROM (
		SELECT g.id, g.uid, g.created_at, g.doc,
			coalesce(($4 -> (g.doc ->> 'visitor_id'))::numeric <= extract(epoch FROM g.created_at), false) AS affected $q$
		|| goals || $q$) AS g
		WHERE $5 OR g.affected
		ORDER BY g.created_at, g.id
		LIMIT $6$q$
	USING flow_id, start_at, end_at, since, total, lim;
END
$$;

COMMENT ON FUNCTION podrec.source_data_events(pg_catalog.text, pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.bool, pg_catalog.int8) IS
	'internal: the goal trigger events of a workflow in [start_at, end_at) that match the filter (served by the GIN index on items.doc), in time order, limited; affected: the visitor had reached every constrained step (any step when none is) by the time of the goal, looked up in source_data_affected for the visitors of these events only; total = false keeps affected events only';

CREATE FUNCTION podrec.source_data_row(created_at pg_catalog.timestamptz, uid pg_catalog.text,
	doc pg_catalog.jsonb, affected pg_catalog.bool, organization_id pg_catalog.text,
	workflow_id pg_catalog.text, basic pg_catalog.bool)
	RETURNS pg_catalog.jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
	-- a standard body: bound now, and inlined into the query that renders
	RETURN CASE WHEN NOT basic THEN pg_catalog.jsonb_build_object(
			'event_id', uid,
			'created_at', pg_catalog.to_char(pg_catalog.timezone('UTC', created_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
			'organization_id', organization_id,
			'workflow_id', workflow_id,
			'label', doc OPERATOR(pg_catalog.->) 'label',
			'action', doc OPERATOR(pg_catalog.->) 'action',
			'value', doc OPERATOR(pg_catalog.->) 'value',
			'visitor_id', doc OPERATOR(pg_catalog.->) 'visitor_id',
			'session_id', doc OPERATOR(pg_catalog.->) 'session_id',
			'device_type', doc OPERATOR(pg_catalog.->) 'device_type',
			'browser_name', doc OPERATOR(pg_catalog.->) 'browser_name',
			'os_name', doc OPERATOR(pg_catalog.->) 'os_name',
			'geo_country', doc OPERATOR(pg_catalog.->) 'geo_country',
			'geo_city', doc OPERATOR(pg_catalog.->) 'geo_city',
			'affected', affected)
		ELSE pg_catalog.jsonb_build_object(
			'Time', pg_catalog.to_char(pg_catalog.timezone('UTC', created_at), 'YYYY-MM-DD HH24:MI:SS'),
			'Goal', doc OPERATOR(pg_catalog.->) 'action',
			'Value', doc OPERATOR(pg_catalog.->) 'value',
			'Visitor', doc OPERATOR(pg_catalog.->) 'visitor_id',
			'Device', pg_catalog.to_jsonb(pg_catalog.initcap(doc OPERATOR(pg_catalog.->>) 'device_type')),
			'Browser', doc OPERATOR(pg_catalog.->) 'browser_name',
			'Operating system', doc OPERATOR(pg_catalog.->) 'os_name',
			'Country', doc OPERATOR(pg_catalog.->) 'geo_country',
			'City', doc OPERATOR(pg_catalog.->) 'geo_city',
			'Affected by the workflow', pg_catalog.to_jsonb(CASE WHEN affected THEN 'Yes' ELSE 'No' END))
		END;

COMMENT ON FUNCTION podrec.source_data_row(pg_catalog.timestamptz, pg_catalog.text, pg_catalog.jsonb, pg_catalog.bool, pg_catalog.text, pg_catalog.text, pg_catalog.bool) IS
	'internal: one data element of a source_data response: the raw columns (times in ISO 8601 UTC with microseconds), or the basic ones (time as YYYY-MM-DD HH:MM:SS UTC, device capitalized, affected as Yes or No); a property the event lacks is null';

CREATE FUNCTION podrec.source_data(organization_id pg_catalog.uuid, workflow_id pg_catalog.uuid,
	payload pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	acct text := podrec.source_data_account(source_data.organization_id);
	flow text := podrec.source_data_workflow(acct, source_data.workflow_id);
	p record;
	data jsonb;
BEGIN
	SELECT * INTO p FROM podrec.source_data_params(source_data.payload);
	-- source_data_events returns the events in order
	SELECT coalesce(jsonb_agg(podrec.source_data_row(e.created_at, e.uid, e.doc, e.affected, acct, flow, p.basic)
		ORDER BY e.ord), '[]')
	INTO data
	FROM podrec.source_data_events(flow, p.filter, p.steps, p.start_at, p.end_at, p.total, p.lim)
		WITH ORDINALITY AS e (id, uid, created_at, doc, affected, ord);
	RETURN jsonb_build_object('fields', podrec.source_data_fields(p.basic), 'data', data);
END
$$;

COMMENT ON FUNCTION podrec.source_data(pg_catalog.uuid, pg_catalog.uuid, pg_catalog.jsonb) IS
	'workflow source data (seed 003): the goal trigger events of a workflow in an interval, filtered, as {fields, data}; payload: filters (required), step_data, interval (required), limit, target (affected_goal, affected_goal_total), basic; errors: 42501 no access (403), P0002 unknown workflow (404), 0A000 filter not implemented (406), 22xxx bad payload (400)';

-- ---------------------------------------------------------------------
-- Storing events
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.source_event_check(ev pg_catalog.jsonb, pos pg_catalog.int4,
	organization_id pg_catalog.text, workflow_id pg_catalog.text)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	d text := format('Event %s of the batch is rejected.', pos);
	k text;
	step jsonb;
BEGIN
	IF jsonb_typeof(ev) IS DISTINCT FROM 'object' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'event must be a JSON object',
			DETAIL = format('%s It is a JSON %s.', d, jsonb_typeof(ev));
	ELSIF NOT coalesce(ev -> 'category' IN ('"goal"', '"workflowReportingEvent"'), false) THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = format('invalid event category %s', coalesce(podrec.ingest_clip((ev -> 'category')::text), 'NULL')),
			DETAIL = format('%s The category is "goal" (a goal trigger) or "workflowReportingEvent" (a step of the workflow).', d);
	ELSIF jsonb_typeof(ev -> 'created_at') IS DISTINCT FROM 'string'
		OR podrec.iso_timestamp(ev ->> 'created_at') IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22007', MESSAGE = 'event needs created_at, an ISO 8601 date-time',
			DETAIL = d;
	ELSIF jsonb_typeof(ev -> 'visitor_id') IS DISTINCT FROM 'string' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'event needs a visitor_id string', DETAIL = d;
	END IF;
	SELECT x INTO k FROM jsonb_object_keys(ev) AS x
	WHERE x IN ('organization_id', 'flow_id') AND ev ->> x IS DISTINCT FROM
		CASE x WHEN 'organization_id' THEN organization_id ELSE workflow_id END
	ORDER BY x LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = format('event %s %s is not the one it is stored under', k, podrec.ingest_clip((ev -> k)::text)),
			DETAIL = d;
	END IF;
	IF ev ->> 'category' = 'goal' THEN
		IF jsonb_typeof(ev -> 'label') IS DISTINCT FROM 'string' THEN
			RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'goal event needs a label, the goal''s id',
				DETAIL = d;
		END IF;
		RETURN ev || jsonb_build_object('organization_id', organization_id);
	END IF;
	step := ev -> 'dim5';
	IF jsonb_typeof(step) = 'string' AND step #>> '{}' ~ '^[0-9]{1,9}$' THEN
		step := to_jsonb((step #>> '{}')::int4);
	END IF;
	IF jsonb_typeof(step) IS DISTINCT FROM 'number' OR step::text !~ '^[0-9]{1,9}$' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'step event needs dim5, its step number (0 for the source step)',
			DETAIL = d;
	ELSIF jsonb_typeof(ev -> 'action') IS DISTINCT FROM 'string' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'step event needs an action string', DETAIL = d;
	ELSIF ev ? 'label' AND ev ->> 'label' IS DISTINCT FROM workflow_id THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = format('step event label %s is not the workflow''s id', podrec.ingest_clip((ev -> 'label')::text)),
			DETAIL = d;
	END IF;
	RETURN ev || jsonb_build_object('organization_id', organization_id, 'label', workflow_id, 'dim5', step);
END
$$;

COMMENT ON FUNCTION podrec.source_event_check(pg_catalog.jsonb, pg_catalog.int4, pg_catalog.text, pg_catalog.text) IS
	'internal: one workflow event checked and completed with its organization_id (and, for a step event, label = the workflow id and dim5 as a number)';

CREATE FUNCTION podrec.source_events_put(organization_id pg_catalog.uuid, workflow_id pg_catalog.uuid,
	events pg_catalog.jsonb, workflow_name pg_catalog.text DEFAULT NULL)
	RETURNS pg_catalog.int8
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	acct text := podrec.source_data_account(source_events_put.organization_id);
	flow text;
	docs jsonb;
	n int8;
BEGIN
	IF source_events_put.workflow_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22004', MESSAGE = 'workflow_id must not be null';
	ELSIF jsonb_typeof(source_events_put.events) IS DISTINCT FROM 'array' THEN
		RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'events must be a JSON array of events',
			DETAIL = format('It is %s.', coalesce('a JSON ' || jsonb_typeof(source_events_put.events), 'NULL'));
	END IF;
	flow := source_events_put.workflow_id::text;
	IF NOT EXISTS (SELECT FROM podrec.flows AS f WHERE f.id = flow AND f.account_id = acct)
		OR source_events_put.workflow_name IS NOT NULL THEN
		PERFORM podrec.flow_put(flow, acct, source_events_put.workflow_name);
	END IF;
	SELECT coalesce(jsonb_agg(podrec.source_event_check(e, o::int4, acct, flow) ORDER BY o), '[]') INTO docs
	FROM jsonb_array_elements(source_events_put.events) WITH ORDINALITY AS x (e, o);
	SELECT count(*) INTO n FROM podrec.items_put(docs, flow) AS i;
	RETURN n;
END
$$;

COMMENT ON FUNCTION podrec.source_events_put(pg_catalog.uuid, pg_catalog.uuid, pg_catalog.jsonb, pg_catalog.text) IS
	'store events of a workflow of an organization (the caller''s own; administrators: any existing account), creating the workflow''s flow when missing (named workflow_name, else its id): goal events ({"category": "goal", "label": goal id, "created_at", "visitor_id", ...}) and step events ({"category": "workflowReportingEvent", "dim5": step, "action", "created_at", "visitor_id", ...}); all or nothing; returns how many were stored';
