-- PostgREST's login role, podrec_authenticator (password podrec, what test/http/postgrest.sh
-- uses): NOINHERIT, so it has no privileges of its own, and it may switch only to
-- podrec_anon and podrec_user; a token naming podrec_admin or an application role is
-- refused. Roles are global to the cluster: created and granted only when missing.
-- Included by the HTTP fixtures (\ir) and run by test/demo.sh --http.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'podrec_authenticator') THEN
		CREATE ROLE podrec_authenticator LOGIN NOINHERIT PASSWORD 'podrec';
	END IF;
	IF NOT pg_catalog.pg_has_role('podrec_authenticator', 'podrec_anon', 'MEMBER') THEN
		GRANT podrec_anon TO podrec_authenticator;
	END IF;
	IF NOT pg_catalog.pg_has_role('podrec_authenticator', 'podrec_user', 'MEMBER') THEN
		GRANT podrec_user TO podrec_authenticator;
	END IF;
END
$$;
-- PostgREST reuses prepared statements: each request is planned with its arguments, so that
-- a filter argument reaches the GIN index (a generic plan cannot use it).
ALTER ROLE podrec_authenticator SET plan_cache_mode = force_custom_plan;
