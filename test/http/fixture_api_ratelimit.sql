-- Fixture for the rate-limit cases (test/http/cases/api_ratelimit): the API fixture, with
-- a rate limit of 5 requests a minute for PostgREST's sessions in this database only.
-- The limit is read by the session that counts, so it is set for the authenticator, the
-- role PostgREST logs in as (not for the roles it switches to).
--
-- Budgets are shared by the whole cluster, and anonymous requests without
-- X-Forwarded-For share one per anonymous role: the API cases spend podrec_anon's, and
-- test/http/postgrest.sh's start-up probes (GET /) spend some too. So anonymous requests
-- here run as a role of their own, http_api_rl_anon (with podrec_anon's privileges).

\set ON_ERROR_STOP on
\ir fixture_api.sql

DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) 'http_api_rl_anon') THEN
		CREATE ROLE http_api_rl_anon NOLOGIN IN ROLE podrec_anon;
	END IF;
	IF NOT pg_catalog.pg_has_role('podrec_authenticator', 'http_api_rl_anon', 'MEMBER') THEN
		GRANT http_api_rl_anon TO podrec_authenticator;
	END IF;
	EXECUTE pg_catalog.format('ALTER ROLE podrec_authenticator IN DATABASE %I SET podrec.rate_limit = 5',
		pg_catalog.current_database());
END
$$;
