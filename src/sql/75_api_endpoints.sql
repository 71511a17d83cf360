
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
