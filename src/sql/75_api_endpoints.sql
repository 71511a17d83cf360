
-- ---------------------------------------------------------------------
-- podrec_api endpoints: thin layers over podrec's functions, with the
-- argument names of the seeds and errors that come out with the right
-- HTTP status through PostgREST
-- ---------------------------------------------------------------------
-- Each endpoint catches podrec's error and raises it again through
-- podrec.raise_api_error, which gives it the HTTP status of its SQLSTATE
-- (400, 404, 406, 409) and a JSON body {code, message, details, hint}.
--
-- The endpoints that run PL/pgSQL (records_list, record_query,
-- record_fetch) set plan_cache_mode = auto for their call: the
-- authenticator's force_custom_plan (see the README) is for PostgREST's own
-- statements, whose arguments must reach the planner; inside, the
-- statements that depend on a request's values are built with those values
-- (EXECUTE, planned every time), and the rest (catalogue lookups by id)
-- would only be planned again at every request for the same plan.

CREATE FUNCTION podrec.api_list(value pg_catalog.text)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t text := btrim(value);
BEGIN
	IF value IS NULL OR t = '' THEN
		RETURN NULL;
	ELSIF t ~ '^\{.*\}$' THEN
		-- A PostgreSQL array literal, as PostgREST users write arrays in a query string.
		RETURN to_jsonb(string_to_array(btrim(substr(t, 2, length(t) - 2)), ','));
	ELSIF t ~ '^\[' THEN
		RETURN to_jsonb(t);
	END IF;
	-- One id, or ids separated by commas.
	RETURN to_jsonb(string_to_array(t, ','));
END
$$;

COMMENT ON FUNCTION podrec.api_list(pg_catalog.text) IS
	'internal: a list argument of an endpoint as a records_list parameter: a JSON array (as text), a PostgreSQL array literal {1,2}, or ids separated by commas; NULL when absent or empty';

-- PL/pgSQL, not SQL: an SQL function with SET is planned again at every
-- request, a PL/pgSQL one keeps its plan for the session.
CREATE FUNCTION podrec.api_params(params pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT coalesce(jsonb_object_agg(p.key, p.value), '{}')
		FROM jsonb_each(params) AS p
		WHERE p.value OPERATOR(pg_catalog.<>) 'null'::jsonb
			AND p.value OPERATOR(pg_catalog.<>) '""'::jsonb);
END
$$;

COMMENT ON FUNCTION podrec.api_params(pg_catalog.jsonb) IS
	'internal: the parameters an endpoint was called with, leaving out those that are absent (null) or empty strings';

CREATE FUNCTION podrec_api.records_list(record_type_id pg_catalog.text DEFAULT NULL,
	record_field_ids pg_catalog.text DEFAULT NULL,
	range_start pg_catalog.text DEFAULT NULL, range_end pg_catalog.text DEFAULT NULL,
	story_ids pg_catalog.text DEFAULT NULL, story_container_ids pg_catalog.text DEFAULT NULL,
	order_direction pg_catalog.text DEFAULT NULL, order_field_id pg_catalog.text DEFAULT NULL,
	per_page pg_catalog.text DEFAULT NULL, page pg_catalog.text DEFAULT NULL,
	filters pg_catalog.jsonb DEFAULT NULL, test_mode pg_catalog.text DEFAULT NULL)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = auto
AS $$
DECLARE
	state text;
	message text;
	detail text;
	hint text;
BEGIN
	RETURN podrec.records_list(podrec.api_params(jsonb_build_object(
		'record_type_id', record_type_id,
		'record_field_ids', podrec.api_list(record_field_ids),
		'range_start', range_start, 'range_end', range_end,
		'story_ids', podrec.api_list(story_ids),
		'story_container_ids', podrec.api_list(story_container_ids),
		'order_direction', order_direction, 'order_field_id', order_field_id,
		'per_page', per_page, 'page', page, 'filters', filters, 'test_mode', test_mode)));
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(state, message, nullif(detail, ''), nullif(hint, ''));
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION podrec_api.records_list(pg_catalog.text, pg_catalog.text, pg_catalog.text,
	pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,
	pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text) IS
	E'List records\nThe records of a record type (Tines GET /api/v1/records): record_type_id or record_field_ids (one is required), range_start and range_end (ISO 8601), story_container_ids or the deprecated story_ids (not both), order_direction (ASC or DESC, default DESC), order_field_id, per_page (default 20, at most 500), page, filters (a JSON array of {field_id, operator, value}), test_mode. Lists are JSON arrays, {1,2} or 1,2. Returns {record_results, meta}.';

REVOKE ALL ON FUNCTION podrec_api.records_list(pg_catalog.text, pg_catalog.text, pg_catalog.text,
	pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,
	pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.records_list(pg_catalog.text, pg_catalog.text, pg_catalog.text,
	pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text,
	pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text) TO podrec_user, podrec_app, podrec_admin;

-- ---------------------------------------------------------------------
-- Seed 004: typed create and query.  The record type is the account's
-- only type with a create and query API, or the one the header
-- X-Record-Type names (by name or id).
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.api_record_type()
	RETURNS pg_catalog.text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	headers text := current_setting('request.headers', true);
BEGIN
	IF headers IS NULL OR headers = '' THEN
		RETURN NULL;
	END IF;
	RETURN nullif(btrim(headers::jsonb ->> 'x-record-type'), '');
EXCEPTION WHEN invalid_text_representation THEN
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION podrec.api_record_type() IS
	'internal: the record type an endpoint request names in its X-Record-Type header (request.headers, as PostgREST sets it); NULL when it names none';

CREATE FUNCTION podrec_api.record_create(pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	state text;
	message text;
	detail text;
	hint text;
BEGIN
	RETURN podrec.record_create($1, podrec.api_record_type());
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(state, message, nullif(detail, ''), nullif(hint, ''));
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION podrec_api.record_create(pg_catalog.jsonb) IS
	E'Create records\nCreate a typed record (the request body is one record) or a batch (an array of at most 10,000), all or nothing; returns the created record, or the array of them, with id, unique_id, org_id and timestamp. A unique_id that exists already returns its record, so retries never duplicate. With the type''s control option false the create is acknowledged at once with status initializing (see GET /rpc/record_fetch). The record type is your only one with an API, or the one the header X-Record-Type names.';

REVOKE ALL ON FUNCTION podrec_api.record_create(pg_catalog.jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.record_create(pg_catalog.jsonb) TO podrec_user, podrec_app, podrec_admin;

CREATE FUNCTION podrec_api.record_query(pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = auto
AS $$
DECLARE
	rt text := podrec.api_record_type();
	names text[];
	params jsonb;
	body jsonb;
	state text;
	message text;
	detail text;
	hint text;
BEGIN
	IF $1 IS NOT NULL AND jsonb_typeof($1) <> 'object' THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'the body of record_query must be a JSON object',
			DETAIL = format('It is a JSON %s.', jsonb_typeof($1)),
			HINT = 'Send {"filters": {...}} and the query parameters, such as the page and the page size, as its keys.';
	END IF;
	-- The type's query parameters (page, page size, sort, times) go to params, the rest to the body.
	names := ARRAY(SELECT jsonb_each_text.value FROM jsonb_each_text((podrec.record_api_type(rt)).api -> 'params'));
	SELECT coalesce(jsonb_object_agg(e.key, e.value) FILTER (WHERE e.key = ANY (names)), '{}'),
		coalesce(jsonb_object_agg(e.key, e.value) FILTER (WHERE NOT e.key = ANY (names)), '{}')
		INTO params, body
	FROM jsonb_each(coalesce($1, '{}')) AS e;
	RETURN podrec.record_query(params, body, rt);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(state, message, nullif(detail, ''), nullif(hint, ''));
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION podrec_api.record_query(pg_catalog.jsonb) IS
	E'Query records\nA page of typed records: {count, next, previous, results}. The body holds filters (an operator map: {"field": {"operator": "gt", "value": [10]}}; custom properties with the field_9__ prefix) and the query parameters of the record type (start time, page, page size: default 100, at most 1000, sort: - for descending). The record type is your only one with an API, or the one the header X-Record-Type names.';

REVOKE ALL ON FUNCTION podrec_api.record_query(pg_catalog.jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.record_query(pg_catalog.jsonb) TO podrec_user, podrec_app, podrec_admin;

CREATE FUNCTION podrec_api.record_fetch(unique_id pg_catalog.text)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = auto
AS $$
DECLARE
	state text;
	message text;
	detail text;
	hint text;
BEGIN
	RETURN podrec.record_fetch(unique_id, podrec.api_record_type());
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(state, message, nullif(detail, ''), nullif(hint, ''));
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION podrec_api.record_fetch(pg_catalog.text) IS
	E'Fetch a record\nOne typed record by its unique_id, or, while a create that did not wait is pending, its acknowledgement with status initializing.';

REVOKE ALL ON FUNCTION podrec_api.record_fetch(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.record_fetch(pg_catalog.text) TO podrec_user, podrec_app, podrec_admin;

-- ---------------------------------------------------------------------
-- Seed 000: GET /rpc/records.  An SQL function with a standard body and
-- no SET clause, so that the planner inlines it: PostgREST's limit,
-- offset and order then apply to the index scan itself (newest first
-- through (account_id, created_at, id), or (flow_id, created_at, id) for
-- one flow).  Its names are bound when it is created, so search_path
-- cannot change what it calls.  With join_by the overload below runs:
-- joining reads every record of the window anyway.
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.api_timestamp(name pg_catalog.text, value pg_catalog.text)
	RETURNS pg_catalog.timestamptz
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ts timestamptz;
BEGIN
	IF value ~ '^\s*[0-9]{1,15}\s*$' THEN
		RETURN to_timestamp(btrim(value)::numeric / 1000);
	END IF;
	ts := podrec.iso_timestamp(value);
	IF ts IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22007',
			MESSAGE = format('parameter "%s" must be an ISO 8601 timestamp or epoch milliseconds', name),
			DETAIL = format('It is %s.', to_json(podrec.ingest_clip(value))),
			HINT = 'Write 2025-03-05T14:38:22Z, 2025-03-05 or 1741185502903.';
	END IF;
	RETURN ts;
END
$$;

COMMENT ON FUNCTION podrec.api_timestamp(pg_catalog.text, pg_catalog.text) IS
	'internal: a time argument of an endpoint, an ISO 8601 timestamp (UTC without an offset) or epoch milliseconds; name is the argument, for the error';

CREATE FUNCTION podrec_api.records(flow_id pg_catalog.text DEFAULT NULL,
	filter pg_catalog.text DEFAULT NULL, start_date pg_catalog.text DEFAULT NULL,
	end_date pg_catalog.text DEFAULT NULL)
	RETURNS SETOF pg_catalog.jsonb
	LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT podrec.records_flatten(i.doc) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('scanner_account',
			(SELECT a.name FROM podrec.accounts AS a WHERE a.id OPERATOR(pg_catalog.=) i.account_id))
	FROM podrec.items AS i
	WHERE i.status OPERATOR(pg_catalog.=) 'completed' AND podrec.check_access()
		AND (records.flow_id IS NULL OR i.flow_id OPERATOR(pg_catalog.=) records.flow_id)
		AND (records.filter IS NULL OR podrec.matches(i.doc, records.filter))
		AND (records.start_date IS NULL OR i.created_at OPERATOR(pg_catalog.>=) podrec.api_timestamp('start_date', records.start_date))
		AND (records.end_date IS NULL OR i.created_at OPERATOR(pg_catalog.<) podrec.api_timestamp('end_date', records.end_date))
	ORDER BY i.created_at DESC, i.id DESC;
END;

COMMENT ON FUNCTION podrec_api.records(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	E'Flat records\nThe flattened records of your completed items, newest first (GET /records of the Flux API): one key per leaf of the item (barcode_scanning.barcode.code, photographing.picz.photos.1.url) and scanner_account. Arguments flow_id, filter (any filter dialect, such as barcode_scanning.barcode.code == "A0155C35"), start_date and end_date (ISO 8601 or epoch milliseconds; the end is exclusive), and join_by; page with limit and offset, which the index scan serves.';

REVOKE ALL ON FUNCTION podrec_api.records(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.records(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text)
	TO podrec_user, podrec_app, podrec_admin;

CREATE FUNCTION podrec_api.records(join_by pg_catalog.text, flow_id pg_catalog.text DEFAULT NULL,
	filter pg_catalog.text DEFAULT NULL, start_date pg_catalog.text DEFAULT NULL,
	end_date pg_catalog.text DEFAULT NULL)
	RETURNS SETOF pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	state text;
	message text;
	detail text;
	hint text;
BEGIN
	RETURN QUERY SELECT r.r FROM podrec.records(podrec.api_params(jsonb_build_object('join_by', join_by,
		'flow_id', flow_id, 'filter', filter, 'start_date', start_date, 'end_date', end_date,
		'limit', 1000))) AS r (r);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(state, message, nullif(detail, ''), nullif(hint, ''));
END
$$;

COMMENT ON FUNCTION podrec_api.records(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	E'Flat records\nThe flattened records of your completed items, newest first; with join_by (a flat key such as barcode_scanning.barcode.code) records that share a value there are merged into one, the last non-null value of every key winning.';

REVOKE ALL ON FUNCTION podrec_api.records(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.records(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text)
	TO podrec_user, podrec_app, podrec_admin;

-- ---------------------------------------------------------------------
-- Seed 002: POST /rpc/mget.  The body is the seed's request array
-- (drops nested by flowId), or {"requests": [...], "flatten": "flat"}
-- for one array of drops: on a POST PostgREST reads the query string as
-- filters, so flatten=flat travels in the body.
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec_api.mget(pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	requests jsonb := $1;
	flatten text;
	bad text;
	state text;
	message text;
	detail text;
	hint text;
BEGIN
	IF jsonb_typeof($1) = 'object' THEN
		SELECT k INTO bad FROM jsonb_object_keys($1) AS k WHERE k NOT IN ('requests', 'flatten') ORDER BY k LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('unknown key "%s" in the body of mget', podrec.ingest_clip(bad)),
				HINT = 'The body is the array of requests [{"flowId", "params"}], or {"requests": [...], "flatten": "flat"}.';
		END IF;
		requests := $1 -> 'requests';
		flatten := $1 ->> 'flatten';
		IF requests IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = 'the body of mget has no requests',
				HINT = 'The body is the array of requests [{"flowId", "params"}], or {"requests": [...], "flatten": "flat"}.';
		END IF;
	END IF;
	RETURN podrec.mget_response(requests, flatten);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	PERFORM podrec.raise_api_error(state, message, nullif(detail, ''), nullif(hint, ''));
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION podrec_api.mget(pg_catalog.jsonb) IS
	E'Multi-flow find\nThe drops of several flows in one request (the flowthings Drop Multi-Find): the body is an array of {"flowId", "params"} (params: filter, limit, skip, start_date, end_date, sort, order, after), answered as {head, body} with body the drops nested by flowId; send {"requests": [...], "flatten": "flat"} for one array of drops.';

REVOKE ALL ON FUNCTION podrec_api.mget(pg_catalog.jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.mget(pg_catalog.jsonb) TO podrec_user, podrec_app, podrec_admin;
