
-- ---------------------------------------------------------------------
-- Roles and tenancy: which account a caller acts for, and row-level
-- security that keeps every caller to its account
-- ---------------------------------------------------------------------
-- Roles belong to the whole cluster: they are created only when missing,
-- never with LOGIN, and DROP EXTENSION leaves them (drop them by hand once
-- no database uses podrec).  A role that exists already must have the
-- attributes podrec relies on; otherwise the install stops.

DO $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT v.name, v.description
		FROM (VALUES
			('podrec_anon', 'podrec: anonymous API requests (PostgREST db-anon-role); reads no account''s data'),
			('podrec_user', 'podrec: authenticated API requests; the account is the account_id claim of the verified JWT in request.jwt.claims; grant it to PostgREST''s authenticator only'),
			('podrec_app', 'podrec: direct-SQL application roles (grant it to them); each member acts for the account podrec.account_roles maps it to'),
			('podrec_admin', 'podrec: administrators; read and write the data of every account')) AS v (name, description)
	LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS a WHERE a.rolname OPERATOR(pg_catalog.=) r.name) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r.name);
			EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.name, r.description);
		END IF;
	END LOOP;

	SELECT a.rolname, a.rolcanlogin, a.rolsuper, a.rolbypassrls INTO r
	FROM pg_catalog.pg_roles AS a
	WHERE a.rolname OPERATOR(pg_catalog.=) ANY (ARRAY['podrec_anon', 'podrec_user', 'podrec_app'])
		AND (a.rolcanlogin OR a.rolsuper OR a.rolbypassrls)
	ORDER BY a.rolname
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING ERRCODE = '55000',
			MESSAGE = pg_catalog.format('role "%s" must not be a login, superuser or BYPASSRLS role', r.rolname),
			DETAIL = pg_catalog.format('Role "%s" exists already with %s.', r.rolname,
				pg_catalog.concat_ws(', ', CASE WHEN r.rolcanlogin THEN 'LOGIN' END,
					CASE WHEN r.rolsuper THEN 'SUPERUSER' END, CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END)),
			HINT = pg_catalog.format('podrec''s row-level security relies on it; run ALTER ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS and install again.', r.rolname);
	END IF;
END
$$;

-- Direct-SQL callers: which role acts for which account.
CREATE TABLE podrec.account_roles (
	role_name pg_catalog.text PRIMARY KEY
		CONSTRAINT account_roles_role_name_check CHECK (pg_catalog.length(role_name) BETWEEN 1 AND 63)
		CONSTRAINT account_roles_not_podrec_check
		CHECK (role_name OPERATOR(pg_catalog.<>) ALL (ARRAY['podrec_user', 'podrec_app', 'podrec_admin'])),
	account_id pg_catalog.text NOT NULL REFERENCES podrec.accounts (id),
	created_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);

CREATE INDEX account_roles_account_idx ON podrec.account_roles (account_id);

COMMENT ON TABLE podrec.account_roles IS
	'which database role acts for which account when it calls podrec directly (not through PostgREST); one account per role';
COMMENT ON COLUMN podrec.account_roles.role_name IS
	'a role name, matched against current_user (so SET ROLE switches account); podrec_user, podrec_app and podrec_admin cannot be mapped';
COMMENT ON COLUMN podrec.account_roles.account_id IS
	'the account the role acts for';
COMMENT ON COLUMN podrec.account_roles.created_at IS
	'when the mapping was stored';
COMMENT ON INDEX podrec.account_roles_account_idx IS
	'roles of an account (and the foreign key''s checks when an account is deleted)';

SELECT pg_catalog.pg_extension_config_dump('podrec.account_roles', '');

CREATE FUNCTION podrec.request_claim(claim pg_catalog.text)
	RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'podrec_request_claim'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.request_claim(pg_catalog.text) IS
	'a claim of the current request''s JWT (the setting request.jwt.claims, as PostgREST sets it) as text; NULL when the setting or the claim is missing, null or empty; any session can set the setting, so only podrec_user''s claims are believed';

-- CURRENT_USER is the role whose privileges apply: for a PostgREST
-- request the role of the JWT, after SET ROLE the new role.  current_account
-- is C (src/tenancy.c): every policy calls it once per statement, and an SQL
-- function with a subquery, never inlined, would be parsed and planned
-- again at each of them.  It is, in SQL:
--   CASE WHEN CURRENT_USER = 'podrec_user' THEN podrec.request_claim('account_id')
--   ELSE (SELECT r.account_id FROM podrec.account_roles AS r
--         WHERE r.role_name = CURRENT_USER::text) END
CREATE FUNCTION podrec.current_account()
	RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'podrec_current_account'
	LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION podrec.current_account() IS
	'the account the caller acts for: for podrec_user (PostgREST requests with a verified JWT) the account_id claim of request.jwt.claims, for every other role its row in podrec.account_roles; NULL when there is none';

-- SQL-standard bodies: parsed once, here, so no search_path can change
-- what they call.
CREATE FUNCTION podrec.is_admin()
	RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN pg_catalog.pg_has_role(CURRENT_USER, 'podrec_admin'::pg_catalog.name, 'USAGE')
		OR EXISTS (SELECT FROM pg_catalog.pg_roles AS a
			WHERE a.rolname OPERATOR(pg_catalog.=) CURRENT_USER AND a.rolbypassrls);

COMMENT ON FUNCTION podrec.is_admin() IS
	'does the caller see every account''s rows? true for superusers, BYPASSRLS roles and roles with the privileges of podrec_admin';

CREATE FUNCTION podrec.require_account()
	RETURNS pg_catalog.text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	account text := podrec.current_account();
BEGIN
	IF account IS NOT NULL THEN
		RETURN account;
	ELSIF CURRENT_USER = 'podrec_user' THEN
		RAISE EXCEPTION USING ERRCODE = '42501',
			MESSAGE = 'the JWT names no podrec account',
			DETAIL = 'Its claim "account_id" is missing or empty.',
			HINT = 'Sign tokens for podrec_user with an "account_id" claim.';
	END IF;
	RAISE EXCEPTION USING ERRCODE = '42501',
		MESSAGE = format('role "%s" acts for no podrec account', podrec.ingest_clip(CURRENT_USER)),
		DETAIL = format('podrec.account_roles has no row for role "%s".', podrec.ingest_clip(CURRENT_USER)),
		HINT = 'An administrator maps roles to accounts in podrec.account_roles.';
END
$$;

COMMENT ON FUNCTION podrec.require_account() IS
	'the account the caller acts for (podrec.current_account()); raises 42501 (HTTP 401/403) when it has none';

CREATE FUNCTION podrec.check_access()
	RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN podrec.is_admin() OR podrec.require_account() IS NOT NULL;

COMMENT ON FUNCTION podrec.check_access() IS
	'true when the caller is an administrator or acts for an account; raises 42501 (HTTP 401/403) otherwise; the gate of every podrec_api view';

-- The row-level security of a table that has an account column: every
-- role sees and writes the rows of its own account (FOR ALL: USING and
-- WITH CHECK), podrec_admin every row.  The account is looked up once per
-- statement (an InitPlan), not once per row.  FORCE: the table owner is
-- held to the policies too, unless it is a superuser (which the owner of a
-- podrec install is) or BYPASSRLS.  Also the grants of the podrec roles.
CREATE FUNCTION podrec.tenancy_apply(tbl pg_catalog.regclass,
	account_column pg_catalog.name DEFAULT 'account_id',
	tenant_writes pg_catalog.bool DEFAULT true)
	RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	seq regclass;
BEGIN
	IF NOT EXISTS (SELECT FROM pg_attribute AS a
		WHERE a.attrelid = tbl AND a.attname = account_column AND a.attnum > 0 AND NOT a.attisdropped
			AND a.atttypid = 'text'::regtype) THEN
		RAISE EXCEPTION USING ERRCODE = '42703',
			MESSAGE = format('table %s has no text column "%s"', tbl, account_column);
	END IF;
	EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
	EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
	IF EXISTS (SELECT FROM pg_policy AS p WHERE p.polrelid = tbl AND p.polname = 'podrec_tenant') THEN
		EXECUTE format('DROP POLICY podrec_tenant ON %s', tbl);
	END IF;
	IF EXISTS (SELECT FROM pg_policy AS p WHERE p.polrelid = tbl AND p.polname = 'podrec_admin') THEN
		EXECUTE format('DROP POLICY podrec_admin ON %s', tbl);
	END IF;
	EXECUTE format('CREATE POLICY podrec_tenant ON %s AS PERMISSIVE FOR ALL TO PUBLIC '
		'USING (%2$I OPERATOR(pg_catalog.=) (SELECT podrec.current_account())) '
		'WITH CHECK (%2$I OPERATOR(pg_catalog.=) (SELECT podrec.current_account()))', tbl, account_column);
	EXECUTE format('COMMENT ON POLICY podrec_tenant ON %s IS %L', tbl,
		format('every role reads and writes the rows whose %s is the account it acts for (podrec.current_account())', account_column));
	EXECUTE format('CREATE POLICY podrec_admin ON %s AS PERMISSIVE FOR ALL TO podrec_admin USING (true) WITH CHECK (true)', tbl);
	EXECUTE format('COMMENT ON POLICY podrec_admin ON %s IS %L', tbl, 'podrec_admin reads and writes every row');

	EXECUTE format('REVOKE ALL ON TABLE %s FROM PUBLIC', tbl);
	EXECUTE format('GRANT %s ON TABLE %s TO podrec_user, podrec_app',
		CASE WHEN tenant_writes THEN 'SELECT, INSERT, UPDATE, DELETE' ELSE 'SELECT' END, tbl);
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE %s TO podrec_admin', tbl);
	-- the sequences of its identity and serial columns
	FOR seq IN
		SELECT d.objid::regclass FROM pg_depend AS d
		JOIN pg_class AS c ON c.oid = d.objid AND c.relkind = 'S'
		WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
			AND d.refobjid = tbl AND d.deptype IN ('a', 'i')
	LOOP
		EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC', seq);
		IF tenant_writes THEN
			EXECUTE format('GRANT USAGE ON SEQUENCE %s TO podrec_user, podrec_app', seq);
		END IF;
		EXECUTE format('GRANT ALL ON SEQUENCE %s TO podrec_admin', seq);
	END LOOP;
END
$$;

COMMENT ON FUNCTION podrec.tenancy_apply(pg_catalog.regclass, pg_catalog.name, pg_catalog.bool) IS
	'internal: row-level security (enabled, forced, policies podrec_tenant and podrec_admin) on a table with an account column, and the podrec roles'' grants on it and its sequences; the install script runs it on every podrec table with an account_id column';

REVOKE ALL ON FUNCTION podrec.tenancy_apply(pg_catalog.regclass, pg_catalog.name, pg_catalog.bool) FROM PUBLIC;

CREATE FUNCTION podrec.tenancy_apply_all()
	RETURNS pg_catalog.int4
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	t regclass;
	n int4 := 0;
BEGIN
	FOR t IN
		SELECT c.oid::regclass FROM pg_class AS c
		JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attname = 'account_id' AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relnamespace = 'podrec'::regnamespace AND c.relkind IN ('r', 'p')
			AND c.oid <> 'podrec.account_roles'::regclass
			AND NOT EXISTS (SELECT FROM pg_policy AS p WHERE p.polrelid = c.oid AND p.polname = 'podrec_tenant')
		ORDER BY c.relname
	LOOP
		PERFORM podrec.tenancy_apply(t);
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

COMMENT ON FUNCTION podrec.tenancy_apply_all() IS
	'internal: tenancy_apply on every table of schema podrec with an account_id column that has no podrec_tenant policy yet; returns how many; run by the install and upgrade scripts';

REVOKE ALL ON FUNCTION podrec.tenancy_apply_all() FROM PUBLIC;


-- Row-level security lets the planner use an index only for conditions
-- whose functions are LEAKPROOF: anything else runs after the policies,
-- row by row.  podrec.matches is: its errors depend on the filter only
-- (a bad filter, AGE without a reference time; reported before the item
-- is read) and on an item that is not a JSON object, which podrec.items
-- cannot hold (items_doc_check).  So a tenant's matches() is served by the
-- GIN index on items.doc like anyone's.  (PostgREST's doc=cs.{...} is
-- jsonb @>, which PostgreSQL does not mark LEAKPROOF: under row-level
-- security it is checked row by row within the account.)
ALTER FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.jsonb) LEAKPROOF;
ALTER FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.text) LEAKPROOF;
ALTER FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.jsonb, pg_catalog.timestamptz) LEAKPROOF;
ALTER FUNCTION podrec.matches(pg_catalog.jsonb, pg_catalog.text, pg_catalog.timestamptz) LEAKPROOF;

-- accounts: every role reads the account it acts for; accounts are created
-- and renamed by administrators (account_put).
SELECT podrec.tenancy_apply('podrec.accounts', 'id', false);

-- account_roles: every role reads its own mapping (current_account needs
-- it), administrators write them.  A tenant must not map other roles to
-- its account, nor see which roles act for it.
ALTER TABLE podrec.account_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE podrec.account_roles FORCE ROW LEVEL SECURITY;
CREATE POLICY podrec_own_role ON podrec.account_roles AS PERMISSIVE FOR SELECT TO PUBLIC
	USING (role_name OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text);
COMMENT ON POLICY podrec_own_role ON podrec.account_roles IS
	'every role reads its own mapping, and no other';
CREATE POLICY podrec_admin ON podrec.account_roles AS PERMISSIVE FOR ALL TO podrec_admin
	USING (true) WITH CHECK (true);
COMMENT ON POLICY podrec_admin ON podrec.account_roles IS
	'podrec_admin reads and writes every mapping';
REVOKE ALL ON TABLE podrec.account_roles FROM PUBLIC;
GRANT SELECT ON TABLE podrec.account_roles TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE podrec.account_roles TO podrec_admin;

-- ---------------------------------------------------------------------
-- Errors over HTTP: PostgREST turns SQLSTATE PGRST, with a JSON MESSAGE
-- and DETAIL, into a response with that status, headers and body
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.raise_http(status pg_catalog.int4, code pg_catalog.text,
	message pg_catalog.text, details pg_catalog.text DEFAULT NULL, hint pg_catalog.text DEFAULT NULL,
	headers pg_catalog.jsonb DEFAULT '{}')
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	bad text;
BEGIN
	IF status IS NULL OR status NOT BETWEEN 100 AND 599 THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = format('invalid HTTP status %s', coalesce(status::text, 'NULL')),
			DETAIL = 'An HTTP status is a number from 100 to 599.';
	ELSIF code IS NULL OR code = '' OR message IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22004',
			MESSAGE = 'an HTTP error needs a code and a message';
	ELSIF jsonb_typeof(coalesce(headers, '{}')) <> 'object' THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'HTTP headers must be a JSON object of strings';
	END IF;
	SELECT h.key INTO bad FROM jsonb_each(coalesce(headers, '{}')) AS h
	WHERE jsonb_typeof(h.value) <> 'string' ORDER BY h.key LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'HTTP headers must be a JSON object of strings',
			DETAIL = format('Header "%s" is not a string.', podrec.ingest_clip(bad));
	END IF;
	RAISE EXCEPTION USING ERRCODE = 'PGRST',
		MESSAGE = jsonb_build_object('code', code, 'message', message, 'details', details, 'hint', hint)::text,
		DETAIL = jsonb_build_object('status', status, 'headers', coalesce(headers, '{}'))::text;
END
$$;

COMMENT ON FUNCTION podrec.raise_http(pg_catalog.int4, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb) IS
	'raise SQLSTATE PGRST so that PostgREST answers with this HTTP status and headers and the body {code, message, details, hint}; never returns';

CREATE FUNCTION podrec.http_status(sqlstate pg_catalog.text)
	RETURNS pg_catalog.int4
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE
		WHEN sqlstate OPERATOR(pg_catalog.=) ANY (ARRAY['42704', 'P0002', '02000', '23503']) THEN 404
		WHEN sqlstate OPERATOR(pg_catalog.=) '0A000' THEN 406
		WHEN sqlstate OPERATOR(pg_catalog.=) '23505' THEN 409
		WHEN sqlstate OPERATOR(pg_catalog.=) ANY (ARRAY['42601', '42703', '54000', '54001'])
			OR pg_catalog.left(sqlstate, 2) OPERATOR(pg_catalog.=) '22' THEN 400
	END;

COMMENT ON FUNCTION podrec.http_status(pg_catalog.text) IS
	'the HTTP status of a podrec error in podrec_api: 400 bad parameter (22xxx, 42601, 42703, 54000, 54001), 404 not found (42704, P0002, 02000, 23503), 406 not implemented (0A000), 409 conflict (23505); NULL: leave it to PostgREST (42501 is 401 or 403, PT and PGRST codes carry their own)';

CREATE FUNCTION podrec.raise_api_error(sqlstate pg_catalog.text, message pg_catalog.text,
	detail pg_catalog.text DEFAULT NULL, hint pg_catalog.text DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	status int4 := podrec.http_status(sqlstate);
BEGIN
	IF status IS NOT NULL THEN
		PERFORM podrec.raise_http(status, sqlstate, message, detail, hint);
	END IF;
	-- As it was: PostgREST maps it.
	IF detail IS NULL AND hint IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message;
	ELSIF hint IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, DETAIL = detail;
	ELSIF detail IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, HINT = hint;
	END IF;
	RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, DETAIL = detail, HINT = hint;
END
$$;

COMMENT ON FUNCTION podrec.raise_api_error(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'raise a caught podrec error again for PostgREST: with the HTTP status of podrec.http_status(sqlstate) and the body {code: sqlstate, message, details, hint}, or unchanged when that is NULL; never returns';

-- ---------------------------------------------------------------------
-- The security audit: what would let a caller out of its account
-- ---------------------------------------------------------------------

CREATE FUNCTION podrec.security_audit()
	RETURNS TABLE(kind pg_catalog.text, object pg_catalog.text, problem pg_catalog.text)
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH ns AS (
		SELECT n.oid, n.nspname FROM pg_namespace AS n WHERE n.nspname IN ('podrec', 'podrec_api')
	), fn AS (
		SELECT p.*, p.oid::regprocedure::text AS fname,
			(SELECT substr(c, 13) FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%') AS path
		FROM pg_proc AS p JOIN ns ON ns.oid = p.pronamespace
	), problems (kind, object, problem, ord) AS (
		-- tables: row-level security on, forced, with a policy
		SELECT 'object', c.oid::regclass::text, 'row-level security is not enabled', 1
		FROM pg_class AS c JOIN ns ON ns.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
		UNION ALL
		SELECT 'object', c.oid::regclass::text, 'row-level security is not forced', 1
		FROM pg_class AS c JOIN ns ON ns.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity AND NOT c.relforcerowsecurity
		UNION ALL
		SELECT 'object', c.oid::regclass::text, 'has no row-level security policy', 1
		FROM pg_class AS c JOIN ns ON ns.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND NOT EXISTS (SELECT FROM pg_policy AS p WHERE p.polrelid = c.oid)
		UNION ALL
		SELECT 'object', c.oid::regclass::text, 'has an account_id column but not the podrec_tenant policy', 1
		FROM pg_class AS c JOIN ns ON ns.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND c.oid <> 'podrec.account_roles'::regclass
			AND EXISTS (SELECT FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attname = 'account_id'
				AND a.attnum > 0 AND NOT a.attisdropped)
			AND NOT EXISTS (SELECT FROM pg_policy AS p WHERE p.polrelid = c.oid AND p.polname = 'podrec_tenant')
		UNION ALL
		-- views: the caller's privileges and policies apply, not the owner's
		SELECT 'object', c.oid::regclass::text, 'view without security_invoker: it reads as its owner, past row-level security', 1
		FROM pg_class AS c JOIN ns ON ns.oid = c.relnamespace
		WHERE c.relkind = 'v' AND NOT coalesce('security_invoker=true' = ANY (c.reloptions)
			OR 'security_invoker=on' = ANY (c.reloptions), false)
		UNION ALL
		SELECT 'object', c.oid::regclass::text, 'materialized view: it holds rows past row-level security', 1
		FROM pg_class AS c JOIN ns ON ns.oid = c.relnamespace
		WHERE c.relkind = 'm'
		UNION ALL
		-- functions: a fixed, safe search_path wherever a name is looked up when they run
		SELECT 'object', f.fname, 'SECURITY DEFINER without SET search_path', 2
		FROM fn AS f WHERE f.prosecdef AND f.path IS NULL
		UNION ALL
		SELECT 'object', f.fname, 'body is parsed when it runs, with the caller''s search_path: add SET search_path = pg_catalog, pg_temp', 2
		FROM fn AS f
		WHERE f.prolang IN (SELECT l.oid FROM pg_language AS l WHERE l.lanname IN ('sql', 'plpgsql'))
			AND f.prosqlbody IS NULL AND f.path IS NULL
		UNION ALL
		SELECT 'object', f.fname, format('search_path %s names a schema other roles may create objects in, or puts pg_temp before others', f.path), 2
		FROM fn AS f
		WHERE f.path IS NOT NULL AND (
			EXISTS (SELECT FROM unnest(string_to_array(replace(f.path, '"', ''), ',')) WITH ORDINALITY AS s (name, i)
				WHERE btrim(s.name) NOT IN ('pg_catalog', 'pg_temp', 'podrec', 'podrec_api')
					OR (btrim(s.name) = 'pg_temp' AND s.i < cardinality(string_to_array(f.path, ',')))))
		UNION ALL
		SELECT 'object', f.fname, 'podrec_api function executable by PUBLIC: grant EXECUTE to the podrec roles instead', 2
		FROM fn AS f
		WHERE f.pronamespace = 'podrec_api'::regnamespace
			AND (f.proacl IS NULL OR EXISTS (SELECT FROM aclexplode(f.proacl) AS a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
		UNION ALL
		SELECT 'object', c.oid::regclass::text, 'podrec_api relation readable by PUBLIC: grant SELECT to the podrec roles instead', 1
		FROM pg_class AS c
		WHERE c.relnamespace = 'podrec_api'::regnamespace
			AND EXISTS (SELECT FROM aclexplode(c.relacl) AS a WHERE a.grantee = 0)
		UNION ALL
		-- roles
		SELECT 'object', a.rolname::text, 'must not be a login, superuser or BYPASSRLS role', 3
		FROM pg_roles AS a
		WHERE a.rolname IN ('podrec_anon', 'podrec_user', 'podrec_app') AND (a.rolcanlogin OR a.rolsuper OR a.rolbypassrls)
		UNION ALL
		SELECT 'role', a.rolname::text, 'has the privileges of podrec_admin, so it sees every account', 3
		FROM pg_roles AS a
		WHERE a.rolname IN ('podrec_anon', 'podrec_user', 'podrec_app') AND pg_has_role(a.oid, 'podrec_admin', 'USAGE')
		UNION ALL
		SELECT 'role', a.rolname::text, 'inherits podrec_user: it may SET ROLE podrec_user and choose any account in request.jwt.claims; grant podrec_user only to a NOINHERIT authenticator, and podrec_app to applications', 3
		FROM pg_roles AS a
		WHERE a.rolname <> 'podrec_user' AND NOT a.rolsuper AND pg_has_role(a.oid, 'podrec_user', 'USAGE')
	)
	SELECT p.kind, p.object, p.problem FROM problems AS p ORDER BY p.ord, p.object, p.problem
$$;

COMMENT ON FUNCTION podrec.security_audit() IS
	'what could let a caller past podrec''s tenancy: tables without forced row-level security, views without security_invoker, functions that run with the caller''s search_path, podrec_api objects open to PUBLIC (kind object: the install refuses these), and roles that can act for any account (kind role); no rows when all is well';

REVOKE ALL ON FUNCTION podrec.security_audit() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec.security_audit() TO podrec_admin;

-- ---------------------------------------------------------------------
-- Privileges of the podrec roles on schema podrec
-- ---------------------------------------------------------------------
-- USAGE on podrec: PostgREST calls podrec.pre_request (db-pre-request) as
-- the request's role, and podrec_api's views and functions run podrec's
-- functions as the caller.  The tables' grants come with tenancy_apply.

GRANT USAGE ON SCHEMA podrec TO podrec_anon, podrec_user, podrec_app, podrec_admin;
GRANT EXECUTE ON FUNCTION podrec.rate_limit_reset(pg_catalog.text), podrec.rate_limit_status() TO podrec_admin;

-- ---------------------------------------------------------------------
-- podrec_api: the schema PostgREST serves (db-schemas = "podrec_api").
-- Everything in it is an endpoint; helpers stay in podrec.  Views are
-- security_invoker, so the caller's privileges and row-level security
-- apply, and gated by podrec.check_access().  Functions are granted to
-- the podrec roles, never to PUBLIC.
-- ---------------------------------------------------------------------

CREATE SCHEMA podrec_api;

COMMENT ON SCHEMA podrec_api IS
	E'podrec API\nNested workflow records (items) of your account, as raw items and flattened records. Authenticate with a JWT whose role is podrec_user and whose account_id claim names your account.';

GRANT USAGE ON SCHEMA podrec_api TO podrec_anon, podrec_user, podrec_app, podrec_admin;

CREATE VIEW podrec_api.items WITH (security_invoker = true) AS
	SELECT i.id, i.uid, i.account_id, i.flow_id, i.record_type_id, i.created_at, i.updated_at,
		i.started_at, i.ended_at, i.status, i.test_mode, i.doc,
		podrec.records_flatten(i.doc) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('scanner_account',
			(SELECT a.name FROM podrec.accounts AS a WHERE a.id OPERATOR(pg_catalog.=) i.account_id)) AS record
	FROM podrec.items AS i
	WHERE podrec.check_access();

COMMENT ON VIEW podrec_api.items IS
	E'Items\nThe items of your account, one row per item: the raw item (doc), its typed columns, and its flattened record. Filter, order and page with PostgREST''s operators (indexes serve eq, in and ranges on uid, flow_id and created_at); Prefer: count=exact counts.';
COMMENT ON COLUMN podrec_api.items.id IS 'Row number of the item, unique, in order of storing';
COMMENT ON COLUMN podrec_api.items.uid IS 'External id of the item: _id of a raw item, id of a drop';
COMMENT ON COLUMN podrec_api.items.account_id IS 'The account the item belongs to (always yours)';
COMMENT ON COLUMN podrec_api.items.flow_id IS 'The flow the item belongs to';
COMMENT ON COLUMN podrec_api.items.record_type_id IS 'Record type of the item, if any';
COMMENT ON COLUMN podrec_api.items.created_at IS 'When the item was created (created_at of a raw item, creationDate of a drop)';
COMMENT ON COLUMN podrec_api.items.updated_at IS 'When the item last changed';
COMMENT ON COLUMN podrec_api.items.started_at IS 'When the user started the flow (raw items)';
COMMENT ON COLUMN podrec_api.items.ended_at IS 'When the user finished the flow (raw items)';
COMMENT ON COLUMN podrec_api.items.status IS 'Outcome of the run: completed, cancelled, error or in progress';
COMMENT ON COLUMN podrec_api.items.test_mode IS 'True for test data';
COMMENT ON COLUMN podrec_api.items.doc IS 'The raw nested item, a JSON object';
COMMENT ON COLUMN podrec_api.items.record IS 'The flattened record: one key per leaf of doc (barcode_scanning.barcode.code), plus scanner_account, the name of the account';

GRANT SELECT ON podrec_api.items TO podrec_user, podrec_app, podrec_admin;

CREATE FUNCTION podrec_api.me()
	RETURNS pg_catalog.jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN pg_catalog.jsonb_build_object('role', CURRENT_USER, 'account_id', podrec.current_account(),
		'admin', podrec.is_admin());

COMMENT ON FUNCTION podrec_api.me() IS
	E'Who am I\nThe database role of the request, the account it acts for (null: none) and whether it sees every account.';

REVOKE ALL ON FUNCTION podrec_api.me() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION podrec_api.me() TO podrec_anon, podrec_user, podrec_app, podrec_admin;
