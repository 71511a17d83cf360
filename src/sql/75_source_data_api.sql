
-- ---------------------------------------------------------------------
-- podrec_api.source_data: POST /rpc/source_data (seed 003)
-- ---------------------------------------------------------------------
-- podrec.source_data with its errors given their HTTP status: 400 bad
-- payload (22xxx), 403 no access to the organization (42501), 404 unknown
-- organization or workflow (P0002), 406 a filter that is not implemented
-- (0A000).  podrec_anon may not call it: PostgREST answers 401 itself.

CREATE FUNCTION podrec_api.source_data(organization_id pg_catalog.uuid, workflow_id pg_catalog.uuid,
	payload pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	code text;
	msg text;
	det text;
	hnt text;
BEGIN
	RETURN podrec.source_data(source_data.organization_id, source_data.workflow_id, source_data.payload);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	IF code = '42501' THEN
		PERFORM podrec.raise_http(403, code, msg, NULLIF(det, ''), NULLIF(hnt, ''));
	END IF;
	PERFORM podrec.raise_api_error(code, msg, NULLIF(det, ''), NULLIF(hnt, ''));
	RETURN NULL;
END
$$;

COMMENT ON FUNCTION podrec_api.source_data(pg_catalog.uuid, pg_catalog.uuid, pg_catalog.jsonb) IS
	E'Workflow source data\nThe goal trigger events of a workflow in an interval, as {fields, data}. Payload: filters (required, [{"property", "values"}]), step_data ([{"actions"}] per step), interval (required, {"start", "end"} in ISO 8601), limit, target (affected_goal or affected_goal_total), basic. Errors: 400 bad payload, 403 no access to the organization, 404 unknown workflow, 406 filter not implemented.';

REVOKE ALL ON FUNCTION podrec_api.source_data(pg_catalog.uuid, pg_catalog.uuid, pg_catalog.jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.source_data(pg_catalog.uuid, pg_catalog.uuid, pg_catalog.jsonb)
	TO podrec_user, podrec_app, podrec_admin;
