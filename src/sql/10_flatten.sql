
-- ---------------------------------------------------------------------
-- Flattening: nested items to flat records and back
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.shippable_support(pg_catalog.internal)
	RETURNS pg_catalog.internal
	AS 'MODULE_PATHNAME', 'podrec_shippable_support'
	LANGUAGE C STRICT;

COMMENT ON FUNCTION podrec.shippable_support(pg_catalog.internal) IS
	'planner support for podrec functions with text arguments that use no collation: their calls carry none, so that postgres_fdw sends them to shards';

CREATE FUNCTION podrec.records_flatten(item pg_catalog.jsonb,
	sep pg_catalog.text DEFAULT '.',
	step_key pg_catalog.text DEFAULT 'flow_step_id')
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_records_flatten'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT podrec.shippable_support;

COMMENT ON FUNCTION podrec.records_flatten(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text) IS
	'flatten a nested item into a flat record: one key per leaf, module elements addressed by step id, array elements by 1-based position';

CREATE FUNCTION podrec.records_unflatten(record pg_catalog.jsonb,
	sep pg_catalog.text DEFAULT '.',
	step_key pg_catalog.text DEFAULT 'flow_step_id')
	RETURNS pg_catalog.jsonb
	AS 'MODULE_PATHNAME', 'podrec_records_unflatten'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SUPPORT podrec.shippable_support;

COMMENT ON FUNCTION podrec.records_unflatten(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text) IS
	'rebuild the nested item of a flat record (the inverse of records_flatten)';

CREATE FUNCTION podrec.records_flatten_each(item pg_catalog.jsonb,
	sep pg_catalog.text DEFAULT '.',
	step_key pg_catalog.text DEFAULT 'flow_step_id',
	OUT key pg_catalog.text, OUT value pg_catalog.jsonb)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'podrec_records_flatten_each'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;

COMMENT ON FUNCTION podrec.records_flatten_each(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text) IS
	'one row (key, value) per leaf of a flattened item, in document order';
