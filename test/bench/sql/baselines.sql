-- Baselines of the benchmarks: the flattening rules (README, "Flattening")
-- implemented without podrec, in plpgsql and as one recursive-CTE query.
-- Both are written to be reasonable, not slow on purpose; bench.py checks
-- that they agree with podrec.records_flatten before it times them.

-- A key segment with backslashes and separators escaped.
CREATE FUNCTION bench.esc(s text, sep text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT pg_catalog.replace(pg_catalog.replace(s, '\', '\\'), sep, '\' OPERATOR(pg_catalog.||) sep) $$;
COMMENT ON FUNCTION bench.esc(text, text) IS 'a key segment as flat keys write it';

-- plpgsql: the flat record of a value found at flat key k (below the top level).
CREATE FUNCTION bench.flatten_value_plpgsql(v jsonb, k text, sep text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	result jsonb := '{}';
	ck text;
	cv jsonb;
	i bigint;
BEGIN
	IF jsonb_typeof(v) = 'object' AND v <> '{}' THEN
		FOR ck, cv IN SELECT e.key, e.value FROM jsonb_each(v) AS e LOOP
			IF jsonb_typeof(cv) IN ('object', 'array') THEN
				result := result || bench.flatten_value_plpgsql(cv, k || sep || bench.esc(ck, sep), sep);
			ELSE
				result := result || jsonb_build_object(k || sep || bench.esc(ck, sep), cv);
			END IF;
		END LOOP;
		RETURN result;
	ELSIF jsonb_typeof(v) = 'array' AND v <> '[]' THEN
		FOR cv, i IN SELECT e.value, e.ord FROM jsonb_array_elements(v) WITH ORDINALITY AS e(value, ord) LOOP
			result := result || bench.flatten_value_plpgsql(cv, k || sep || i, sep);
		END LOOP;
		RETURN result;
	END IF;
	RETURN jsonb_build_object(k, v);
END
$$;
COMMENT ON FUNCTION bench.flatten_value_plpgsql(jsonb, text, text) IS 'baseline: flat record of a nested value, in plpgsql';

-- plpgsql: records_flatten.
CREATE FUNCTION bench.flatten_plpgsql(item jsonb, sep text DEFAULT '.', step_key text DEFAULT 'flow_step_id')
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	result jsonb := '{}';
	k text;
	v jsonb;
	e jsonb;
	i bigint;
	sid text;
	seen text[];
	prefix text;
BEGIN
	FOR k, v IN SELECT t.key, t.value FROM jsonb_each(item) AS t LOOP
		IF jsonb_typeof(v) = 'array' AND v <> '[]' THEN
			seen := '{}';
			FOR e, i IN SELECT a.value, a.ord FROM jsonb_array_elements(v) WITH ORDINALITY AS a(value, ord) LOOP
				sid := CASE WHEN jsonb_typeof(e -> step_key) = 'string' THEN e ->> step_key END;
				IF sid IS NOT NULL AND sid !~ '^[1-9][0-9]{0,8}$' AND NOT sid = ANY (seen) THEN
					seen := seen || sid;
					prefix := bench.esc(k, sep) || sep || bench.esc(sid, sep);
					IF e - step_key = '{}' THEN
						result := result || jsonb_build_object(prefix, '{}'::jsonb);
					ELSE
						result := result || bench.flatten_value_plpgsql(e - step_key, prefix, sep);
					END IF;
				ELSE
					result := result || bench.flatten_value_plpgsql(e, bench.esc(k, sep) || sep || i, sep);
				END IF;
			END LOOP;
		ELSIF jsonb_typeof(v) IN ('object', 'array') THEN
			result := result || bench.flatten_value_plpgsql(v, bench.esc(k, sep), sep);
		ELSE
			result := result || jsonb_build_object(bench.esc(k, sep), v);
		END IF;
	END LOOP;
	RETURN result;
END
$$;
COMMENT ON FUNCTION bench.flatten_plpgsql(jsonb, text, text) IS 'baseline: records_flatten in plpgsql';

-- SQL: records_flatten as one recursive query.  The top level decides how
-- each top-level value and module element is addressed; the recursion then
-- walks objects (escaped keys) and arrays (positions) down to the leaves.
CREATE FUNCTION bench.flatten_cte(item jsonb, sep text DEFAULT '.', step_key text DEFAULT 'flow_step_id')
RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
WITH RECURSIVE
elements AS (
	SELECT t.key, a.value, a.ord,
		CASE WHEN jsonb_typeof(a.value -> step_key) = 'string'
			AND (a.value ->> step_key) !~ '^[1-9][0-9]{0,8}$' THEN a.value ->> step_key END AS sid
	FROM jsonb_each(item) AS t, jsonb_array_elements(t.value) WITH ORDINALITY AS a(value, ord)
	WHERE jsonb_typeof(t.value) = 'array'
),
addressed AS (
	SELECT e.*, e.sid IS NOT NULL
		AND row_number() OVER (PARTITION BY e.key, e.sid ORDER BY e.ord) = 1 AS by_step
	FROM elements AS e
),
walk (k, v) AS (
	SELECT bench.esc(t.key, sep), t.value
	FROM jsonb_each(item) AS t
	WHERE jsonb_typeof(t.value) <> 'array' OR t.value = '[]'
	UNION ALL
	SELECT bench.esc(a.key, sep) || sep || a.ord, a.value
	FROM addressed AS a WHERE NOT a.by_step
	UNION ALL
	SELECT bench.esc(a.key, sep) || sep || bench.esc(a.sid, sep), '{}'::jsonb
	FROM addressed AS a WHERE a.by_step AND a.value - step_key = '{}'
	UNION ALL
	SELECT bench.esc(a.key, sep) || sep || bench.esc(a.sid, sep) || sep || bench.esc(b.key, sep), b.value
	FROM addressed AS a, jsonb_each(a.value - step_key) AS b WHERE a.by_step
	UNION ALL
	SELECT w.k || sep || c.seg, c.value
	FROM walk AS w, LATERAL (
		SELECT bench.esc(o.key, sep) AS seg, o.value
		FROM jsonb_each(CASE WHEN jsonb_typeof(w.v) = 'object' THEN w.v END) AS o
		UNION ALL
		SELECT x.ord::text, x.value
		FROM jsonb_array_elements(CASE WHEN jsonb_typeof(w.v) = 'array' THEN w.v END)
			WITH ORDINALITY AS x(value, ord)) AS c
)
SELECT coalesce(jsonb_object_agg(k, v), '{}')
FROM walk
WHERE jsonb_typeof(v) NOT IN ('object', 'array') OR v IN ('{}', '[]')
$$;
COMMENT ON FUNCTION bench.flatten_cte(jsonb, text, text) IS 'baseline: records_flatten as one recursive-CTE query';
