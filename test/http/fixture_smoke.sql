-- Fixture for the smoke cases (test/http/cases/smoke): a tiny podrec_api schema that
-- exercises what the HTTP harness must handle: a view with PostgREST filters, a STABLE
-- function with named arguments, a VOLATILE one, errors raised as PT404 and as PGRST with
-- a custom status and header, a pre-request function, JWT roles and OpenAPI comments.
-- Loaded by a superuser into a database of its own (test/suites/http.sh); nothing here
-- touches podrec's objects. Roles are global to the cluster, so they are created only when
-- missing.

\set ON_ERROR_STOP on

-- Roles: PostgREST logs in as the authenticator and switches to the anonymous role, or to
-- the role a valid JWT names; each must be granted to the authenticator.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'http_smoke_authenticator') THEN
		CREATE ROLE http_smoke_authenticator LOGIN NOINHERIT PASSWORD 'http-smoke';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'http_smoke_anon') THEN
		CREATE ROLE http_smoke_anon NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'http_smoke_user') THEN
		CREATE ROLE http_smoke_user NOLOGIN;
	END IF;
	IF NOT pg_catalog.pg_has_role('http_smoke_authenticator', 'http_smoke_anon', 'MEMBER') THEN
		GRANT http_smoke_anon TO http_smoke_authenticator;
	END IF;
	IF NOT pg_catalog.pg_has_role('http_smoke_authenticator', 'http_smoke_user', 'MEMBER') THEN
		GRANT http_smoke_user TO http_smoke_authenticator;
	END IF;
END
$$;

-- Private data and helpers, outside the exposed schema.
CREATE SCHEMA smoke;
COMMENT ON SCHEMA smoke IS 'Data and helpers behind the smoke API; not exposed over HTTP.';

CREATE TABLE smoke.things (
	id integer PRIMARY KEY,
	name text NOT NULL,
	color text NOT NULL,
	qty integer NOT NULL
);
COMMENT ON TABLE smoke.things IS 'Parts in stock.';
COMMENT ON COLUMN smoke.things.id IS 'Part number.';
COMMENT ON COLUMN smoke.things.name IS 'Part name.';
COMMENT ON COLUMN smoke.things.color IS 'Part colour.';
COMMENT ON COLUMN smoke.things.qty IS 'Quantity in stock.';
INSERT INTO smoke.things (id, name, color, qty) VALUES
	(1, 'bolt', 'red', 10),
	(2, 'nut', 'blue', 25),
	(3, 'washer', 'red', 5),
	(4, 'screw', 'green', 40),
	(5, 'gear', 'blue', 15);

CREATE TABLE smoke.notes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	body text NOT NULL
);
COMMENT ON TABLE smoke.notes IS 'Notes written through podrec_api.add_note.';
COMMENT ON COLUMN smoke.notes.id IS 'Note number, in order of writing.';
COMMENT ON COLUMN smoke.notes.body IS 'Note text.';

CREATE TABLE smoke.secrets (
	id integer PRIMARY KEY,
	secret text NOT NULL
);
COMMENT ON TABLE smoke.secrets IS 'Rows only the authenticated role may read.';
COMMENT ON COLUMN smoke.secrets.id IS 'Secret number.';
COMMENT ON COLUMN smoke.secrets.secret IS 'Secret text.';
INSERT INTO smoke.secrets (id, secret) VALUES (1, 'open sesame');

-- Refuses a request that carries the header X-Smoke-Block: yes, as a rate limiter would,
-- without writing anything (GET requests run in read-only transactions).
CREATE FUNCTION smoke.pre_request() RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
	IF (pg_catalog.current_setting('request.headers', true)::pg_catalog.json OPERATOR(pg_catalog.->>) 'x-smoke-block')
		OPERATOR(pg_catalog.=) 'yes' THEN
		RAISE SQLSTATE 'PGRST' USING
			MESSAGE = '{"code":"SMOKE429","message":"blocked by the pre-request function"}',
			DETAIL = '{"status":429,"headers":{"Retry-After":"7"}}';
	END IF;
END
$$;
COMMENT ON FUNCTION smoke.pre_request() IS 'db-pre-request of the smoke API: refuses requests with X-Smoke-Block: yes (429, Retry-After: 7).';

-- The exposed schema.
CREATE SCHEMA podrec_api;
COMMENT ON SCHEMA podrec_api IS E'Smoke API\nA tiny fixture that proves the HTTP test harness.';

CREATE VIEW podrec_api.things AS
	SELECT t.id, t.name, t.color, t.qty FROM smoke.things AS t;
COMMENT ON VIEW podrec_api.things IS E'Things\nEvery part in stock, one row per part.';
COMMENT ON COLUMN podrec_api.things.id IS 'Part number';
COMMENT ON COLUMN podrec_api.things.name IS 'Part name';
COMMENT ON COLUMN podrec_api.things.color IS 'Part colour';
COMMENT ON COLUMN podrec_api.things.qty IS 'Quantity in stock';

CREATE VIEW podrec_api.secrets AS
	SELECT s.id, s.secret FROM smoke.secrets AS s;
COMMENT ON VIEW podrec_api.secrets IS 'Secrets, readable by the authenticated role only.';
COMMENT ON COLUMN podrec_api.secrets.id IS 'Secret number';
COMMENT ON COLUMN podrec_api.secrets.secret IS 'Secret text';

CREATE FUNCTION podrec_api.things_by_color(color text, min_qty integer DEFAULT 0)
RETURNS SETOF podrec_api.things
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT t.id, t.name, t.color, t.qty
	FROM podrec_api.things AS t
	WHERE t.color OPERATOR(pg_catalog.=) things_by_color.color
		AND t.qty OPERATOR(pg_catalog.>=) things_by_color.min_qty
	ORDER BY t.id
$$;
COMMENT ON FUNCTION podrec_api.things_by_color(text, integer) IS E'Things of one colour\nThe parts of the given colour with at least min_qty in stock, by part number.';

CREATE FUNCTION podrec_api.add_note(body text) RETURNS bigint
LANGUAGE sql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO smoke.notes (body) VALUES (add_note.body) RETURNING id
$$;
COMMENT ON FUNCTION podrec_api.add_note(text) IS 'Writes a note and returns its number (VOLATILE: POST only).';

CREATE FUNCTION podrec_api.thing(id integer) RETURNS podrec_api.things
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	result podrec_api.things;
BEGIN
	SELECT t.* INTO result FROM podrec_api.things AS t WHERE t.id OPERATOR(pg_catalog.=) thing.id;
	IF NOT FOUND THEN
		RAISE SQLSTATE 'PT404' USING
			MESSAGE = 'thing not found',
			DETAIL = pg_catalog.format('No part has number %s.', thing.id),
			HINT = 'List the parts with GET /things.';
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION podrec_api.thing(integer) IS 'One part by number; 404 (PT404) when there is none.';

CREATE FUNCTION podrec_api.quota(account text) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
	RAISE SQLSTATE 'PGRST' USING
		MESSAGE = pg_catalog.json_build_object('code', 'SMOKE402', 'message', 'quota exceeded',
			'details', pg_catalog.format('account %s', quota.account), 'hint', 'upgrade the plan')::text,
		DETAIL = '{"status":402,"status_text":"Quota Exceeded","headers":{"X-Smoke-Quota":"0"}}';
END
$$;
COMMENT ON FUNCTION podrec_api.quota(text) IS 'Always refuses with a custom error: 402 Quota Exceeded, header X-Smoke-Quota: 0.';

CREATE FUNCTION podrec_api.whoami() RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'role', current_user,
		'sub', pg_catalog.current_setting('request.jwt.claims', true)::pg_catalog.jsonb OPERATOR(pg_catalog.->>) 'sub',
		'method', pg_catalog.current_setting('request.method', true))
$$;
COMMENT ON FUNCTION podrec_api.whoami() IS 'The role the request runs as, the JWT subject and the HTTP method.';

-- Privileges: the anonymous role reads things and calls the functions; only the
-- authenticated role reads secrets.
GRANT USAGE ON SCHEMA podrec_api, smoke TO http_smoke_anon, http_smoke_user;
GRANT SELECT ON podrec_api.things TO http_smoke_anon, http_smoke_user;
GRANT SELECT ON podrec_api.secrets TO http_smoke_user;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA podrec_api, smoke FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA podrec_api, smoke TO http_smoke_anon, http_smoke_user;
