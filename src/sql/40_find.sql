
-- ---------------------------------------------------------------------
-- Finding items: find, the multi-flow find (mget) and its seed-002
-- envelope, drops, and the flat records of seed 000
-- ---------------------------------------------------------------------
-- Every function here runs as its caller (SECURITY INVOKER): row-level
-- security keeps a tenant to the flows and items of its account.

CREATE FUNCTION podrec.find(flow_id pg_catalog.text, params pg_catalog.jsonb DEFAULT '{}')
	RETURNS SETOF podrec.items
	AS 'MODULE_PATHNAME', 'podrec_find'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION podrec.find(pg_catalog.text, pg_catalog.jsonb) IS
	'items of one flow: params filter (any dialect), start_date/end_date (or start/end: ISO 8601 or epoch ms), limit (default 20, at most 1000), skip (or a numeric start), sort (created_at, updated_at, started_at, ended_at or a flat key), order (asc/desc, default desc), after (a cursor from cursor_of), status (default completed); served by the btree (flow_id, created_at, id) and the GIN index on doc';

CREATE FUNCTION podrec.find_explain(flow_id pg_catalog.text, params pg_catalog.jsonb DEFAULT '{}')
	RETURNS SETOF pg_catalog.text
	AS 'MODULE_PATHNAME', 'podrec_find_explain'
	LANGUAGE C VOLATILE;

COMMENT ON FUNCTION podrec.find_explain(pg_catalog.text, pg_catalog.jsonb) IS
	'the plan (EXPLAIN, without costs) of the query podrec.find runs for these arguments, planned for their values';

CREATE FUNCTION podrec.cursor_of(item podrec.items, params pg_catalog.jsonb DEFAULT '{}')
	RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'podrec_cursor_of'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION podrec.cursor_of(podrec.items, pg_catalog.jsonb) IS
	'the opaque keyset cursor (base64url text) that, given as params.after with the same sort and order, continues a find after this item; stable while items are inserted';

CREATE FUNCTION podrec.mget(requests pg_catalog.jsonb)
	RETURNS TABLE(flow_id pg_catalog.text, ord pg_catalog.int4, item podrec.items)
	AS 'MODULE_PATHNAME', 'podrec_mget'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION podrec.mget(pg_catalog.jsonb) IS
	'the multi-flow find of seed 002: a JSON array of at most 100 {"flowId", "params"} requests (params as podrec.find, each flowId once), answered flow by flow from the indexes; rows in request order, ord the 1-based rank within the flow; a bad request returns nothing and its error names it';

CREATE FUNCTION podrec.as_drop(item podrec.items)
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_as_drop'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.as_drop(podrec.items) IS
	'an item as a seed-002 drop: id (uid), flowId, creationDate (epoch ms), path (the drop''s, else its flow''s) and elems (the drop''s, else the whole item)';

CREATE FUNCTION podrec.mget_response(requests pg_catalog.jsonb, flatten pg_catalog.text DEFAULT NULL)
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_mget_response'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION podrec.mget_response(pg_catalog.jsonb, pg_catalog.text) IS
	'the seed-002 MGET response {head, body}: body an object of drop arrays by flowId (every requested flow, [] when none matched), or with flatten = ''flat'' one array of drops in request order';

CREATE FUNCTION podrec.records_items(params pg_catalog.jsonb DEFAULT '{}')
	RETURNS SETOF podrec.items
	AS 'MODULE_PATHNAME', 'podrec_records_items'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION podrec.records_items(pg_catalog.jsonb) IS
	'internal: the completed items behind podrec.records, of flow_id or of every flow the caller sees; with join_by every item of the window (records pages the joined records)';

CREATE FUNCTION podrec.records(params pg_catalog.jsonb DEFAULT '{}')
	RETURNS SETOF pg_catalog.jsonb
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	join_by text := params ->> 'join_by';
BEGIN
	IF join_by IS NULL THEN
		RETURN QUERY
			SELECT podrec.records_flatten(i.doc)
				|| jsonb_build_object('scanner_account', (SELECT a.name FROM podrec.accounts AS a WHERE a.id = i.account_id))
			FROM podrec.records_items(params) WITH ORDINALITY AS i
			ORDER BY i.ordinality;
		RETURN;
	END IF;
	-- records_items checked params and returned every item of the window;
	-- the joined records are paged here
	RETURN QUERY
		WITH r AS (
			SELECT podrec.records_flatten(i.doc)
					|| jsonb_build_object('scanner_account', (SELECT a.name FROM podrec.accounts AS a WHERE a.id = i.account_id)) AS rec,
				i.created_at, i.id, i.ordinality AS n
			FROM podrec.records_items(params) WITH ORDINALITY AS i
		), g AS (
			-- a record's group: its value at join_by, or itself when it has none
			SELECT r.*, CASE WHEN coalesce(r.rec -> join_by, 'null') <> 'null'
				THEN 'v' || (r.rec -> join_by)::text ELSE 'n' || r.n END AS grp
			FROM r
		), last_values AS (
			-- in each group, the last non-null value of every key (null if all are)
			SELECT DISTINCT ON (g.grp, e.key) g.grp, e.key, e.value
			FROM g, jsonb_each(g.rec) AS e
			ORDER BY g.grp, e.key, e.value = 'null', g.created_at DESC, g.id DESC
		)
		SELECT j.rec
		FROM (SELECT l.grp, jsonb_object_agg(l.key, l.value) AS rec FROM last_values AS l GROUP BY l.grp) AS j
		JOIN (SELECT g.grp, min(g.n) AS n FROM g GROUP BY g.grp) AS o ON o.grp = j.grp
		ORDER BY o.n
		OFFSET coalesce((params ->> 'skip')::numeric::int8,
			CASE WHEN jsonb_typeof(params -> 'start') = 'number' THEN (params ->> 'start')::numeric::int8 END, 0)
		LIMIT coalesce((params ->> 'limit')::numeric::int8, 20);
END
$$;

COMMENT ON FUNCTION podrec.records(pg_catalog.jsonb) IS
	'flat records (records_flatten and scanner_account, the account''s name) of completed items, as GET /records of seed 000: params flow_id (default every flow), filter, start_date/end_date (or start/end), limit, skip, sort and order as podrec.find, and join_by (a flat key: records with the same value there become one, the last non-null value of each key winning)';

CREATE FUNCTION podrec.find_policies_known()
	RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT count(*) = 4 AND bool_and(p.polpermissive AND p.polcmd = '*'
		AND CASE p.polname
			WHEN 'podrec_tenant' THEN p.polroles = '{0}'
				AND pg_get_expr(p.polqual, p.polrelid) = '(account_id = ( SELECT podrec.current_account() AS current_account))'
			WHEN 'podrec_admin' THEN p.polroles = ARRAY['podrec_admin'::regrole]::oid[]
				AND pg_get_expr(p.polqual, p.polrelid) = 'true'
			ELSE false END)
	FROM pg_policy AS p
	WHERE p.polrelid IN ('podrec.items'::regclass, 'podrec.flows'::regclass)
$$;

COMMENT ON FUNCTION podrec.find_policies_known() IS
	'internal: do podrec.items and podrec.flows hold only podrec''s own policies (podrec_tenant and podrec_admin, as installed)? Then the finds state them in their own queries';
