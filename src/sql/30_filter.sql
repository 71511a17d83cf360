
-- ---------------------------------------------------------------------
-- Flat keys and filters
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.flat_get(item pg_catalog.jsonb, key pg_catalog.text)
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_flat_get'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT podrec.shippable_support;

COMMENT ON FUNCTION podrec.flat_get(pg_catalog.jsonb, pg_catalog.text) IS
	'the value of a flat key in the flat record of an item, found without flattening: records_flatten(item) -> key';

CREATE FUNCTION podrec.filter_compile(filter pg_catalog.jsonb)
	RETURNS pg_catalog.jsonpath
	AS 'MODULE_PATHNAME', 'podrec_filter_compile_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.filter_compile(pg_catalog.jsonb) IS
	'the jsonpath predicate over raw items that every item matching a filter (Tines array, operator map, pairs object, or a JSON string holding a text filter) satisfies';

CREATE FUNCTION podrec.filter_compile(filter pg_catalog.text)
	RETURNS pg_catalog.jsonpath
	AS 'MODULE_PATHNAME', 'podrec_filter_compile_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.filter_compile(pg_catalog.text) IS
	'the jsonpath predicate over raw items that every item matching a filter satisfies; text starting with [ or { is JSON, other text is the flowthings language or PostgREST pairs';

CREATE FUNCTION podrec.filter_index_path(filter pg_catalog.jsonb)
	RETURNS pg_catalog.jsonpath
	AS 'MODULE_PATHNAME', 'podrec_filter_index_path_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.filter_index_path(pg_catalog.jsonb) IS
	'the part of filter_compile(filter) that a GIN jsonb_path_ops index serves: its equality conditions';

CREATE FUNCTION podrec.filter_index_path(filter pg_catalog.text)
	RETURNS pg_catalog.jsonpath
	AS 'MODULE_PATHNAME', 'podrec_filter_index_path_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.filter_index_path(pg_catalog.text) IS
	'the part of filter_compile(filter) that a GIN jsonb_path_ops index serves: its equality conditions';

CREATE FUNCTION podrec.filter_explain(filter pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_filter_explain_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.filter_explain(pg_catalog.jsonb) IS
	'how podrec reads a filter: its dialect, normalized form, jsonpath, and the conditions an index serves';

CREATE FUNCTION podrec.filter_explain(filter pg_catalog.text)
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_filter_explain_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.filter_explain(pg_catalog.text) IS
	'how podrec reads a filter: its dialect, normalized form, jsonpath, and the conditions an index serves';

CREATE FUNCTION podrec.matches_support(pg_catalog.internal)
	RETURNS pg_catalog.internal
	AS 'MODULE_PATHNAME', 'podrec_matches_support'
	LANGUAGE C STRICT;

COMMENT ON FUNCTION podrec.matches_support(pg_catalog.internal) IS
	'planner support for matches(): lets a GIN jsonb_path_ops index on the item serve the filter';

CREATE FUNCTION podrec.matches(item pg_catalog.jsonb, filter pg_catalog.jsonb)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'podrec_matches_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT podrec.matches_support;

COMMENT ON FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.jsonb) IS
	'does an item match a filter? exactly what the filter says of records_flatten(item); served by a GIN jsonb_path_ops index on item';

CREATE FUNCTION podrec.matches(item pg_catalog.jsonb, filter pg_catalog.text)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'podrec_matches_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT podrec.matches_support;

COMMENT ON FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.text) IS
	'does an item match a filter (any dialect, text form)? served by a GIN jsonb_path_ops index on item';

CREATE FUNCTION podrec.matches(item pg_catalog.jsonb, filter pg_catalog.jsonb,
	at pg_catalog.timestamptz)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'podrec_matches_jsonb'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT podrec.matches_support;

COMMENT ON FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.timestamptz) IS
	'does an item match a filter, AGE conditions measured from at?';

CREATE FUNCTION podrec.matches(item pg_catalog.jsonb, filter pg_catalog.text,
	at pg_catalog.timestamptz)
	RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'podrec_matches_text'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT podrec.matches_support;

COMMENT ON FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.text, pg_catalog.timestamptz) IS
	'does an item match a filter (text form), AGE conditions measured from at?';

CREATE FUNCTION podrec.filter_resolve(filter pg_catalog.jsonb, fields pg_catalog.jsonb)
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_filter_resolve'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.filter_resolve(pg_catalog.jsonb, pg_catalog.jsonb) IS
	'a Tines or operator-map filter whose field names are resolved through {"name": {"key": "flat.key", "type": "TEXT"}}, checked against the field types, in the normalized form that matches() reads';
