
-- ---------------------------------------------------------------------
-- Last: tenancy on every table, the audit, and PostgREST
-- ---------------------------------------------------------------------
-- Runs after every other part of the script, so that tables added by any
-- of them get row-level security and the podrec roles' grants (a table of
-- schema podrec needs an account_id column, or rules of its own: a file
-- between 70 and 99 may call podrec.tenancy_apply with other arguments,
-- and such a table is left as it is), and so that nothing is installed
-- that the audit finds open.

SELECT podrec.tenancy_apply_all();

DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT a.object, a.problem FROM podrec.security_audit() AS a WHERE a.kind OPERATOR(pg_catalog.=) 'object' LOOP
		RAISE WARNING '%: %', r.object, r.problem;
	END LOOP;
	IF FOUND THEN
		RAISE EXCEPTION USING ERRCODE = '55000',
			MESSAGE = 'podrec''s security audit failed',
			DETAIL = 'The warnings above name the objects.';
	END IF;
END
$$;

-- A running PostgREST reads the schema again (harmless without listeners).
NOTIFY pgrst, 'reload schema';
