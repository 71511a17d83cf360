
-- ---------------------------------------------------------------------
-- podrec_api endpoints: thin layers over podrec's functions, with the
-- argument names of the seeds and errors that come out with the right
-- HTTP status through PostgREST
-- ---------------------------------------------------------------------
-- Each endpoint catches podrec's error and raises it again through
-- podrec.raise_api_error, which gives it the HTTP status of its SQLSTATE
-- (400, 404, 406, 409) and a JSON body {code, message, details, hint}.

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

CREATE FUNCTION podrec.api_params(params pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT coalesce(jsonb_object_agg(p.key, p.value), '{}')
		FROM jsonb_each(params) AS p
		WHERE p.value OPERATOR(pg_catalog.<>) 'null'::jsonb
			AND p.value OPERATOR(pg_catalog.<>) '""'::jsonb);

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
