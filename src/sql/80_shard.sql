
-- ---------------------------------------------------------------------
-- Scaling out: podrec.items hash-partitioned by flow_id over postgres_fdw
-- shards (a coordinator and shard servers that each have podrec)
-- ---------------------------------------------------------------------
-- On a coordinator, shard_setup replaces podrec.items by a table of the
-- same columns, PARTITION BY HASH (flow_id), whose partitions are foreign
-- tables on the shards' own podrec.items.  Functions that return its row
-- type and views over it are made again on the new table, so every podrec
-- function works unchanged; the policies and grants of tenancy_apply are
-- on the new parent.  On each shard, shard_prepare drops the constraints
-- that point at tables the coordinator keeps (flows, record types).

CREATE FUNCTION podrec.shard_partitioned()
	RETURNS pg_catalog.bool
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	-- by name: shard_setup replaces the table
	RETURN EXISTS (SELECT FROM pg_catalog.pg_class AS c
		WHERE c.relnamespace OPERATOR(pg_catalog.=) 'podrec'::pg_catalog.regnamespace
			AND c.relname OPERATOR(pg_catalog.=) 'items' AND c.relkind OPERATOR(pg_catalog.=) 'p');

COMMENT ON FUNCTION podrec.shard_partitioned() IS
	'is this a coordinator, i.e. is podrec.items partitioned (by podrec.shard_setup)?';

CREATE FUNCTION podrec.shard_list()
	RETURNS TABLE(shard pg_catalog.text, server pg_catalog.name, partition pg_catalog.regclass,
		modulus pg_catalog.int4, remainder pg_catalog.int4, options pg_catalog.text[])
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.substr(c.relname, 7), s.srvname, c.oid::pg_catalog.regclass,
		pg_catalog.substring(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'modulus (\d+)')::pg_catalog.int4,
		pg_catalog.substring(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'remainder (\d+)')::pg_catalog.int4,
		s.srvoptions
	FROM pg_catalog.pg_inherits AS h
	JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) h.inhrelid
	LEFT JOIN pg_catalog.pg_foreign_table AS f ON f.ftrelid OPERATOR(pg_catalog.=) c.oid
	LEFT JOIN pg_catalog.pg_foreign_server AS s ON s.oid OPERATOR(pg_catalog.=) f.ftserver
	WHERE h.inhparent OPERATOR(pg_catalog.=) 'podrec.items'::pg_catalog.regclass
	ORDER BY 5
$$;

COMMENT ON FUNCTION podrec.shard_list() IS
	'the partitions of podrec.items on a coordinator: shard name, foreign server, partition, hash modulus and remainder, server options; no rows on a single node';

REVOKE ALL ON FUNCTION podrec.shard_list() FROM PUBLIC;

CREATE FUNCTION podrec.shard_partition(flow_id pg_catalog.text)
	RETURNS pg_catalog.regclass
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.oid::pg_catalog.regclass
	FROM pg_catalog.pg_inherits AS h
	JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) h.inhrelid
	CROSS JOIN LATERAL pg_catalog.regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid),
		'modulus (\d+), remainder (\d+)') AS b (m)
	WHERE h.inhparent OPERATOR(pg_catalog.=) 'podrec.items'::pg_catalog.regclass
		AND pg_catalog.satisfies_hash_partition('podrec.items'::pg_catalog.regclass,
			b.m[1]::pg_catalog.int4, b.m[2]::pg_catalog.int4, shard_partition.flow_id)
$$;

COMMENT ON FUNCTION podrec.shard_partition(pg_catalog.text) IS
	'the partition of podrec.items that holds the items of a flow on a coordinator, NULL on a single node; a query of one flow that ends in LIMIT sends it to the shard when it reads this partition rather than podrec.items (foreign tables cannot have policies and only podrec_admin reads them: a function reading one for a tenant reads it as podrec''s owner and adds the condition account_id = the caller''s account)';

CREATE FUNCTION podrec.shard_prepare()
	RETURNS pg_catalog.void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF podrec.shard_partitioned() THEN
		RAISE EXCEPTION USING ERRCODE = '55000',
			MESSAGE = 'this server is a podrec coordinator',
			DETAIL = 'podrec.items is partitioned over shards here.',
			HINT = 'Run podrec.shard_prepare() on the shard servers.';
	END IF;
	-- Flows, accounts and record types live on the coordinator, which checks
	-- them when it stores an item.
	ALTER TABLE podrec.items DROP CONSTRAINT IF EXISTS items_flow_account_fkey;
	ALTER TABLE podrec.items DROP CONSTRAINT IF EXISTS items_record_type_fkey;
	ALTER TABLE podrec.artifacts DROP CONSTRAINT IF EXISTS artifacts_item_id_fkey;
END
$$;

COMMENT ON FUNCTION podrec.shard_prepare() IS
	'make this server a podrec shard: drop the foreign keys of podrec.items to flows and record types (the coordinator keeps those tables and checks them); run once on every shard before podrec.shard_setup on the coordinator';

REVOKE ALL ON FUNCTION podrec.shard_prepare() FROM PUBLIC;

CREATE FUNCTION podrec.shard_spec_check(shards pg_catalog.jsonb)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	s jsonb;
	k text;
	i int4 := 0;
BEGIN
	IF shards IS NULL OR jsonb_typeof(shards) <> 'array' OR jsonb_array_length(shards) = 0 THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'shards must be a non-empty JSON array',
			HINT = 'Pass [{"name": "s1", "host": "10.0.0.1", "port": 5432, "dbname": "app", "user": "podrec_shard", "password": "..."}, ...].';
	END IF;
	FOR s IN SELECT e FROM jsonb_array_elements(shards) AS e LOOP
		i := i + 1;
		IF jsonb_typeof(s) <> 'object' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('shard %s must be a JSON object', i);
		END IF;
		FOR k IN SELECT jsonb_object_keys(s) LOOP
			IF k NOT IN ('name', 'host', 'port', 'dbname', 'user', 'password', 'password_required', 'server_options') THEN
				RAISE EXCEPTION USING ERRCODE = '22023',
					MESSAGE = format('unknown key "%s" in shard %s', podrec.ingest_clip(k), i),
					DETAIL = 'A shard has the keys name, host, port, dbname, user, password, password_required and server_options.';
			END IF;
		END LOOP;
		IF jsonb_typeof(s -> 'name') IS DISTINCT FROM 'string' OR (s ->> 'name') !~ '^[a-z][a-z0-9_]{0,40}$' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('shard %s needs a name of lower-case letters, digits and _ (at most 41)', i);
		END IF;
		IF jsonb_typeof(s -> 'user') IS DISTINCT FROM 'string' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('shard "%s" needs a user', s ->> 'name'),
				DETAIL = 'The user is the role on the shard that the coordinator connects as.';
		END IF;
		IF s ? 'server_options' AND jsonb_typeof(s -> 'server_options') <> 'object' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('server_options of shard "%s" must be a JSON object', s ->> 'name');
		END IF;
		IF s ? 'password_required' AND jsonb_typeof(s -> 'password_required') <> 'boolean' THEN
			RAISE EXCEPTION USING ERRCODE = '22023',
				MESSAGE = format('password_required of shard "%s" must be true or false', s ->> 'name');
		END IF;
	END LOOP;
	IF (SELECT count(DISTINCT e ->> 'name') FROM jsonb_array_elements(shards) AS e) <> jsonb_array_length(shards) THEN
		RAISE EXCEPTION USING ERRCODE = '22023',
			MESSAGE = 'shard names must be unique';
	END IF;
END
$$;

COMMENT ON FUNCTION podrec.shard_spec_check(pg_catalog.jsonb) IS
	'internal: check the shards argument of shard_setup';

CREATE FUNCTION podrec.shard_setup(shards pg_catalog.jsonb)
	RETURNS TABLE(shard pg_catalog.text, server pg_catalog.name, partition pg_catalog.regclass,
		modulus pg_catalog.int4, remainder pg_catalog.int4, items pg_catalog.int8)
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n int4;
	i int4 := 0;
	s jsonb;
	srv name;
	part text;
	opts text;
	k text;
	v text;
	nextid int8;
	moved int8;
	r record;
	fdefs text[] := '{}';	-- functions of the row type: definition, comment, ACL
	fcomments text[] := '{}';
	facls aclitem[];
	fsigs text[] := '{}';
	foids oid[] := '{}';
	fsig text;
	vdefs text[] := '{}';	-- views over the table
	idefs text[] := '{}';	-- its non-unique indexes, and their comments
	icomments text[] := '{}';
	tcomment text;
	a aclitem;
	j int4;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		RAISE EXCEPTION USING ERRCODE = '42501',
			MESSAGE = 'only a superuser can run podrec.shard_setup';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'postgres_fdw') THEN
		RAISE EXCEPTION USING ERRCODE = '55000',
			MESSAGE = 'postgres_fdw is not installed',
			DETAIL = 'The shards of podrec.items are postgres_fdw foreign tables.',
			HINT = 'Run CREATE EXTENSION postgres_fdw; in this database first.';
	END IF;
	IF podrec.shard_partitioned() THEN
		RAISE EXCEPTION USING ERRCODE = '55000',
			MESSAGE = 'podrec.items is sharded already',
			DETAIL = format('It has %s partitions.', (SELECT count(*) FROM podrec.shard_list())),
			HINT = 'shard_setup runs once, on a coordinator whose podrec.items is a plain table.';
	END IF;
	PERFORM podrec.shard_spec_check(shards);
	n := jsonb_array_length(shards);
	FOR s IN SELECT e FROM jsonb_array_elements(shards) AS e LOOP
		IF EXISTS (SELECT FROM pg_foreign_server AS f WHERE f.srvname = 'podrec_' || (s ->> 'name')) THEN
			RAISE EXCEPTION USING ERRCODE = '42710',
				MESSAGE = format('foreign server "%s" exists already', 'podrec_' || (s ->> 'name')),
				HINT = 'Drop it, or give the shard another name.';
		END IF;
	END LOOP;

	LOCK TABLE podrec.items IN ACCESS EXCLUSIVE MODE;

	-- 1. What depends on the table, as it reads before the rename.
	FOR r IN
		SELECT DISTINCT p.oid, p.oid::regprocedure::text AS sig, pg_get_functiondef(p.oid) AS def,
			obj_description(p.oid, 'pg_proc') AS cmt
		FROM pg_depend AS d JOIN pg_proc AS p ON p.oid = d.objid
		WHERE d.classid = 'pg_proc'::regclass
			AND ((d.refclassid = 'pg_type'::regclass AND d.refobjid = 'podrec.items'::regtype)
				-- SQL-standard bodies (podrec_api.records) depend on the table itself
				OR (d.refclassid = 'pg_class'::regclass AND d.refobjid = 'podrec.items'::regclass))
		ORDER BY 1
	LOOP
		fsigs := fsigs || r.sig;
		foids := foids || r.oid;
		fdefs := fdefs || r.def;
		fcomments := fcomments || r.cmt;
	END LOOP;
	FOR r IN
		SELECT DISTINCT w.ev_class::regclass AS v, c.reloptions
		FROM pg_depend AS d JOIN pg_rewrite AS w ON w.oid = d.objid
		JOIN pg_class AS c ON c.oid = w.ev_class
		WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = 'podrec.items'::regclass
			AND w.ev_class <> 'podrec.items'::regclass
		ORDER BY 1
	LOOP
		vdefs := vdefs || format('CREATE OR REPLACE VIEW %s%s AS %s', r.v,
			CASE WHEN r.reloptions IS NOT NULL THEN ' WITH (' || array_to_string(r.reloptions, ', ') || ')' ELSE '' END,
			pg_get_viewdef(r.v));
	END LOOP;
	FOR r IN
		SELECT pg_get_indexdef(x.indexrelid) AS def, obj_description(x.indexrelid, 'pg_class') AS cmt,
			x.indexrelid::regclass AS idx
		FROM pg_index AS x
		WHERE x.indrelid = 'podrec.items'::regclass AND NOT x.indisunique
		ORDER BY 3
	LOOP
		idefs := idefs || r.def;
		icomments := icomments || format('COMMENT ON INDEX %s IS %L', r.idx, r.cmt);
	END LOOP;
	tcomment := obj_description('podrec.items'::regclass, 'pg_class');

	-- 2. The old table steps aside, with its indexes and sequence.
	ALTER TABLE podrec.items RENAME TO items_unsharded;
	FOR r IN SELECT c.relname FROM pg_index AS x JOIN pg_class AS c ON c.oid = x.indexrelid
		WHERE x.indrelid = 'podrec.items_unsharded'::regclass
	LOOP
		EXECUTE format('ALTER INDEX podrec.%I RENAME TO %I', r.relname, left(r.relname, 50) || '_unsharded');
	END LOOP;
	ALTER SEQUENCE podrec.items_id_seq RENAME TO items_unsharded_id_seq;
	SELECT CASE WHEN q.is_called THEN q.last_value + 1 ELSE q.last_value END INTO nextid
	FROM podrec.items_unsharded_id_seq AS q;

	-- 3. The partitioned table: the same columns, checks and comments; no
	-- primary key or unique uid (they cannot span foreign partitions: each
	-- shard keeps them for its own rows) and no foreign keys.
	CREATE TABLE podrec.items (LIKE podrec.items_unsharded
		INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS INCLUDING STORAGE INCLUDING COMPRESSION)
		PARTITION BY HASH (flow_id);
	EXECUTE format('ALTER TABLE podrec.items ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY '
		'(SEQUENCE NAME podrec.items_id_seq START WITH %s)', nextid);
	EXECUTE format('COMMENT ON TABLE podrec.items IS %L', tcomment ||
		' (on this coordinator: hash-partitioned by flow_id over postgres_fdw shards, see podrec.shard_list())');
	FOR j IN 1 .. cardinality(idefs) LOOP
		EXECUTE idefs[j];
		EXECUTE icomments[j];
	END LOOP;

	-- 4. One foreign server, user mapping and partition per shard.
	FOR s IN SELECT e FROM jsonb_array_elements(shards) AS e LOOP
		srv := 'podrec_' || (s ->> 'name');
		part := 'items_' || (s ->> 'name');
		opts := '';
		FOR k, v IN SELECT x.key, x.value FROM jsonb_each_text(s - ARRAY['name', 'user', 'password', 'password_required', 'server_options']) AS x LOOP
			opts := opts || format('%I %L, ', k, v);
		END LOOP;
		FOR k, v IN SELECT x.key, x.value FROM jsonb_each_text(coalesce(s -> 'server_options', '{}')) AS x
			WHERE x.key NOT IN ('extensions', 'async_capable') LOOP
			opts := opts || format('%I %L, ', k, v);
		END LOOP;
		EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (%s extensions %L, async_capable %L)',
			srv, opts, 'podrec', 'true');
		EXECUTE format('COMMENT ON SERVER %I IS %L', srv, format('podrec shard %s: partition podrec.%s of podrec.items', s ->> 'name', part));
		EXECUTE format('CREATE USER MAPPING FOR PUBLIC SERVER %I OPTIONS (user %L%s%s)', srv, s ->> 'user',
			CASE WHEN s ? 'password' THEN format(', password %L', s ->> 'password') ELSE '' END,
			CASE WHEN s ? 'password_required' THEN format(', password_required %L', s ->> 'password_required') ELSE '' END);
		EXECUTE format('CREATE FOREIGN TABLE podrec.%I PARTITION OF podrec.items '
			'FOR VALUES WITH (MODULUS %s, REMAINDER %s) SERVER %I OPTIONS (schema_name %L, table_name %L)',
			part, n, i, srv, 'podrec', 'items');
		EXECUTE format('COMMENT ON FOREIGN TABLE podrec.%I IS %L', part,
			format('the items of podrec.items whose flow_id hashes to remainder %s of %s, stored on shard %s', i, n, s ->> 'name'));
		EXECUTE format('REVOKE ALL ON TABLE podrec.%I FROM PUBLIC', part);
		EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE podrec.%I TO podrec_admin', part);
		-- a shard that cannot be reached, or has no podrec, fails here
		BEGIN
			EXECUTE format('SELECT FROM podrec.%I LIMIT 1', part);
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS k = MESSAGE_TEXT;
			RAISE EXCEPTION USING ERRCODE = '08001',
				MESSAGE = format('shard "%s" cannot serve podrec.items', s ->> 'name'),
				DETAIL = format('Reading it failed: %s', k),
				HINT = 'Every shard needs the same podrec as this server (CREATE EXTENSION podrec; SELECT podrec.shard_prepare();) and a role that the user mapping can log in as.';
		END;
		i := i + 1;
	END LOOP;

	-- 5. The rows move to their shards.
	BEGIN
		INSERT INTO podrec.items SELECT * FROM podrec.items_unsharded;
		GET DIAGNOSTICS moved = ROW_COUNT;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS k = MESSAGE_TEXT, v = PG_EXCEPTION_DETAIL;
		RAISE EXCEPTION USING ERRCODE = '55000',
			MESSAGE = 'the items of this server cannot move to the shards',
			DETAIL = format('Storing them failed: %s %s', k, coalesce(v, '')),
			HINT = 'Run SELECT podrec.shard_prepare(); on every shard, and make sure no shard holds items with the same uids.';
	END;

	-- 6. What depended on the old table now depends on the new one.
	ALTER TABLE podrec.artifacts DROP CONSTRAINT IF EXISTS artifacts_item_id_fkey;
	FOR j IN 1 .. cardinality(vdefs) LOOP
		EXECUTE vdefs[j];
	END LOOP;
	FOR j IN 1 .. cardinality(fsigs) LOOP
		-- By oid: a function taking the row type now names podrec.items_unsharded.
		SELECT p.proacl, p.oid::regprocedure::text INTO facls, fsig FROM pg_proc AS p WHERE p.oid = foids[j];
		IF fsigs[j] IN ('podrec.mget(jsonb)', 'podrec.find(text,jsonb)') THEN
			-- On a coordinator, mget sends each shard one statement for all of
			-- its flows, and find one to its flow's shard (src/shard.c), rather
			-- than reading the partitioned table flow by flow; they talk to the
			-- shards, so they are not parallel safe.
			fdefs[j] := replace(replace(replace(fdefs[j],
				'$function$podrec_mget$function$', '$function$podrec_shard_mget$function$'),
				'$function$podrec_find$function$', '$function$podrec_shard_find$function$'),
				'PARALLEL SAFE', 'PARALLEL RESTRICTED');
		END IF;
		EXECUTE format('ALTER EXTENSION podrec DROP FUNCTION %s', fsig);
		EXECUTE format('DROP FUNCTION %s', fsig);
		EXECUTE fdefs[j];
		EXECUTE format('ALTER EXTENSION podrec ADD FUNCTION %s', fsigs[j]);
		EXECUTE format('COMMENT ON FUNCTION %s IS %L', fsigs[j], fcomments[j]);
		IF facls IS NOT NULL THEN
			EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fsigs[j]);
			FOR r IN SELECT x.grantee, x.privilege_type FROM aclexplode(facls) AS x LOOP
				EXECUTE format('GRANT %s ON FUNCTION %s TO %s', r.privilege_type, fsigs[j],
					CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.grantee::regrole::text) END);
			END LOOP;
		END IF;
	END LOOP;
	ALTER EXTENSION podrec DROP TABLE podrec.items_unsharded;
	ALTER EXTENSION podrec DROP SEQUENCE podrec.items_unsharded_id_seq;
	DROP TABLE podrec.items_unsharded;
	ALTER EXTENSION podrec ADD TABLE podrec.items;
	ALTER EXTENSION podrec ADD SEQUENCE podrec.items_id_seq;
	FOR r IN SELECT l.partition FROM podrec.shard_list() AS l LOOP
		EXECUTE format('ALTER EXTENSION podrec ADD FOREIGN TABLE %s', r.partition);
	END LOOP;
	PERFORM podrec.tenancy_apply('podrec.items');
	-- Statistics of the partitions (postgres_fdw samples the shards' rows):
	-- without them the planner keeps ORDER BY and LIMIT on the coordinator.
	ANALYZE podrec.items;

	FOR r IN SELECT * FROM podrec.shard_list() AS l LOOP
		shard := r.shard;
		server := r.server;
		partition := r.partition;
		modulus := r.modulus;
		remainder := r.remainder;
		EXECUTE format('SELECT count(*) FROM %s', r.partition) INTO items;
		RETURN NEXT;
	END LOOP;
	RAISE NOTICE '% items moved to % shards', moved, n;
END
$$;

COMMENT ON FUNCTION podrec.shard_setup(pg_catalog.jsonb) IS
	'make this server a podrec coordinator: podrec.items becomes hash-partitioned by flow_id, one postgres_fdw foreign table per shard (server podrec_NAME with extensions ''podrec'' and async_capable, a user mapping for PUBLIC), and its rows move to the shards; shards is [{"name", "host", "port", "dbname", "user", "password", "password_required", "server_options"}, ...]; returns the partitions and how many items each holds';

REVOKE ALL ON FUNCTION podrec.shard_setup(pg_catalog.jsonb) FROM PUBLIC;

CREATE FUNCTION podrec.jsonb_image(value pg_catalog.jsonb)
	RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'podrec_jsonb_image'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION podrec.jsonb_image(pg_catalog.jsonb) IS
	'the stored form of a jsonb value as bytea, after a byte-order mark: what a coordinator''s mget reads from its shards instead of JSON text (no printing on the shard, no parsing on the coordinator)';
