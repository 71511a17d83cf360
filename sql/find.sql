-- Finding items: podrec.find, its parameters, cursors, errors, plans and tenancy

SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

-- The flows and drops of seed 002, and a drop with no elems.a.
SELECT podrec.account_put('alice') IS NOT NULL AS alice, podrec.account_put('bob') IS NOT NULL AS bob;
SELECT id, path FROM podrec.flow_put('f54ad6428d4c6b0419a019285', 'alice', 'inbox', '/alice/:inbox');
SELECT id, path FROM podrec.flow_put('f54aec5c7d4c6770dba95801b', 'alice', 'drinks', '/alice/drinks');
SELECT id FROM podrec.flow_put('bob-flow', 'bob');
SELECT uid, flow_id, created_at FROM podrec.items_put($$[
{"id": "d54ad9d8bd4c68117a914ba25", "flowId": "f54ad6428d4c6b0419a019285", "creationDate": 1420664203776, "path": "/alice/:inbox",
 "elems": {"namespacesAffected": ["alice"], "kind": "NOTIFICATION", "action": "CREATE", "details": {"summary": {"path": "/alice/sensor2"}},
   "user": {"name": "alice", "id": "i54ad6428d4c6b0419a01927f"}, "object": {"kind": "FLOW", "id": "f54ad9d8bd4c68117a914ba24"}}},
{"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740176213, "path": "/alice/drinks", "elems": {"a": 2}},
{"id": "d54aec5dcd4c6770dba958020", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740060915, "path": "/alice/drinks", "elems": {"a": 1}},
{"id": "d54aec5dcd4c6770dba958010", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740000000, "path": "/alice/drinks", "elems": {"b": "x"}}
]$$);
-- One cancelled drop, and one of bob's.
SELECT uid, status FROM podrec.item_put('f54aec5c7d4c6770dba95801b',
	'{"id": "d54aec5dcd4c6770dba958011", "creationDate": 1420740100000, "elems": {"a": 3}}', 'cancelled');
SELECT uid FROM podrec.item_put('bob-flow', '{"_id": "0123456789abcdef01234567", "created_at": "2025-03-05T14:38:22Z", "x": 1}');

-- Defaults: completed items, newest first, 20 at most.
SELECT uid, created_at, status FROM podrec.find('f54aec5c7d4c6770dba95801b');
-- A filter in every dialect: text, Tines, operator map, pairs.
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"filter": "EXISTS elems.a"}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"filter": [{"field_id": "elems.a", "operator": "GREATER_THAN", "value": "1"}]}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"filter": {"elems__a": {"operator": "lte", "value": 1}}}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"filter": "elems.b=eq.x"}');
-- limit, skip and its flowthings name start (a number), order.
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 1}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": "2", "skip": 1}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"start": 2}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 0}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"order": "ASC"}');
-- Time range: start inclusive, end exclusive; ISO 8601 or epoch milliseconds (number or digits).
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"start_date": "2015-01-08T18:01:00.915Z"}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"end_date": 1420740060915}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"start": "1420740000001", "end": "2015-01-08T18:02:56.213"}');
-- status: one, several.
SELECT uid, status FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"status": "cancelled"}');
SELECT uid, status FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"status": ["completed", "cancelled"], "limit": 3}');
-- sort: a typed column (creationDate is created_at) or a flat key; JSON null params are absent.
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"sort": "creationDate", "order": "asc", "limit": null}');
SELECT uid, doc -> 'elems' AS elems FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"sort": "elems.a", "order": "desc"}');
SELECT uid, doc -> 'elems' AS elems FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"sort": "elems.a", "order": "asc"}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"sort": "updated_at"}');

-- ---------------------------------------------------------------------
-- Cursors: pages after a cursor, in every sort, are the rest of the order
-- ---------------------------------------------------------------------
CREATE FUNCTION pg_temp.pages(flow text, params jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	p jsonb := params || '{"limit": 1}';
	r podrec.items;
	n int := 0;
BEGIN
	LOOP
		SELECT * INTO r FROM podrec.find(flow, p);
		EXIT WHEN NOT FOUND;
		n := n + 1;
		RETURN NEXT format('page %s: %s', n, r.uid);
		p := p || jsonb_build_object('after', podrec.cursor_of(r, params));
	END LOOP;
END
$$;
SELECT pg_temp.pages('f54aec5c7d4c6770dba95801b', '{}');
SELECT pg_temp.pages('f54aec5c7d4c6770dba95801b', '{"order": "asc", "status": ["completed", "cancelled"]}');
SELECT pg_temp.pages('f54aec5c7d4c6770dba95801b', '{"sort": "elems.a"}');
SELECT pg_temp.pages('f54aec5c7d4c6770dba95801b', '{"sort": "started_at", "order": "asc"}');
-- Items inserted after a page was read neither shift nor repeat the next page.
CREATE TEMP TABLE first_page AS
	SELECT podrec.cursor_of(i) AS cursor FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 1}') AS i;
SELECT uid FROM podrec.item_put('f54aec5c7d4c6770dba95801b', '{"id": "d54aec5dcd4c6770dba958099", "creationDate": 1420749999999, "elems": {"a": 9}}');
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', jsonb_build_object('after', (SELECT cursor FROM first_page)));
-- A cursor is base64url text of its position.
SELECT convert_from(decode(translate(c, '-_', '+/') || repeat('=', (4 - length(c) % 4) % 4), 'base64'), 'UTF8')::jsonb - 'i' AS position
FROM (SELECT podrec.cursor_of(i, '{"sort": "elems.a"}') AS c FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 1}') AS i) AS s;

-- ---------------------------------------------------------------------
-- Bad input: every error names the parameter
-- ---------------------------------------------------------------------
SELECT * FROM podrec.find(NULL);
SELECT * FROM podrec.find('no-such-flow');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '[]');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limits": 1}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": -1}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 1001}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 2.5}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": true}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"skip": -3}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"skip": 1, "start": 2}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"start_date": "2015-01-08", "start": "2015-01-09"}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"start_date": "yesterday"}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"end_date": 99999999999999999}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"end": {}}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"order": "up"}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"sort": ""}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"sort": 3}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"status": "done"}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"status": []}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"filter": "elems.a =="}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"filter": [{"field_id": "a", "operator": "SIMILAR", "value": 1}]}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"after": "not a cursor!"}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"after": 5}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"after": ""}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"after": "bm90IGpzb24"}');
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', jsonb_build_object('after', (SELECT cursor FROM first_page), 'order', 'asc'));
SELECT * FROM podrec.find('f54aec5c7d4c6770dba95801b', jsonb_build_object('after', (SELECT cursor FROM first_page), 'sort', 'elems.a'));

-- ---------------------------------------------------------------------
-- Plans: the btree serves the order, the GIN index a selective filter
-- ---------------------------------------------------------------------
SELECT id FROM podrec.flow_put('find-big', 'alice');
SELECT id FROM podrec.flow_put('find-other', 'alice');
INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, doc)
SELECT 'big' || g, 'alice', CASE WHEN g <= 10000 THEN 'find-big' ELSE 'find-other' END, t, t,
	jsonb_build_object('kind', CASE WHEN g % 1000 = 0 THEN 'rare' ELSE 'common' END, 'n', g,
		'barcode_scanning', jsonb_build_array(jsonb_build_object('flow_step_id', 'barcode', 'code', 'C' || g)))
FROM generate_series(1, 40000) AS g, LATERAL (SELECT timestamptz '2025-01-01Z' + g * interval '1 minute' AS t) AS t;
ANALYZE podrec.items;
SELECT podrec.find_explain('find-big', '{}');
SELECT podrec.find_explain('find-big', '{"start_date": "2025-01-03", "end_date": "2025-01-04"}');
SELECT podrec.find_explain('find-big', '{"filter": "kind == \"common\""}');
SELECT podrec.find_explain('find-big', '{"filter": "barcode_scanning.barcode.code == \"C1234\""}');
SELECT uid FROM podrec.find('find-big', '{"filter": {"kind": {"operator": "", "value": "rare"}}, "limit": 5}');
SELECT uid FROM podrec.find('find-big', '{"filter": "barcode_scanning.barcode.code == \"C1234\""}');
-- A deep page by cursor is a range scan of the btree from the cursor.
SELECT regexp_replace(podrec.find_explain('find-big', jsonb_build_object('after', podrec.cursor_of(i))), '''\d+''::bigint', '<id>') FROM podrec.find('find-big', '{"skip": 5000, "limit": 1}') AS i;
SELECT (SELECT array_agg(uid) FROM podrec.find('find-big', jsonb_build_object('after', podrec.cursor_of(i), 'limit', 3)))
	= (SELECT array_agg(uid) FROM podrec.find('find-big', '{"skip": 5001, "limit": 3}')) AS same_page
FROM podrec.find('find-big', '{"skip": 5000, "limit": 1}') AS i;
-- A skip in creation order locates the first item of its page by the
-- index alone (an index-only scan), then reads the page from there: the
-- same items as the reference query, with other statuses, ascending, a
-- time range, a cursor, a filter, and past the end.
SELECT podrec.find_explain('find-big', '{"skip": 5000}');
-- Before VACUUM the updated rows' pages are not all-visible: the skip
-- reads those entries' visibility from the heap (the old versions are
-- still in the index); after it, from the visibility map.
UPDATE podrec.items SET status = 'cancelled' WHERE flow_id = 'find-big' AND id % 7 = 0;
SELECT p.params,
	(SELECT array_agg(f.uid) FROM podrec.find('find-big', p.params::jsonb) AS f) IS NOT DISTINCT FROM
	(SELECT array_agg(r.uid) FROM (SELECT i.uid FROM podrec.items AS i
		WHERE i.flow_id = 'find-big' AND i.status = ANY (p.statuses)
			AND (NOT p.ranged OR (i.created_at >= '2025-01-03Z' AND i.created_at < '2025-01-04Z'))
		ORDER BY (CASE WHEN p.is_asc THEN i.created_at END), (CASE WHEN p.is_asc THEN i.id END),
			i.created_at DESC, i.id DESC
		OFFSET p.skip LIMIT p.lim) AS r) AS same
FROM (VALUES
	('{"skip": 100, "limit": 7}', '{completed}'::text[], 100, 7, false, false),
	('{"skip": 100, "limit": 7, "order": "asc"}', '{completed}', 100, 7, true, false),
	('{"skip": 3, "limit": 5, "status": ["completed", "cancelled"]}', '{completed,cancelled}', 3, 5, false, false),
	('{"skip": 8560, "limit": 20}', '{completed}', 8560, 20, false, false),
	('{"skip": 9990, "limit": 20}', '{completed}', 9990, 20, false, false),
	('{"skip": 500, "limit": 4, "start_date": "2025-01-03", "end_date": "2025-01-04"}', '{completed}', 500, 4, false, true)
) AS p (params, statuses, skip, lim, is_asc, ranged);
VACUUM ANALYZE podrec.items;
SELECT p.params,
	(SELECT array_agg(f.uid) FROM podrec.find('find-big', p.params::jsonb) AS f) IS NOT DISTINCT FROM
	(SELECT array_agg(r.uid) FROM (SELECT i.uid FROM podrec.items AS i
		WHERE i.flow_id = 'find-big' AND i.status = ANY (p.statuses)
			AND (NOT p.ranged OR (i.created_at >= '2025-01-03Z' AND i.created_at < '2025-01-04Z'))
		ORDER BY (CASE WHEN p.is_asc THEN i.created_at END), (CASE WHEN p.is_asc THEN i.id END),
			i.created_at DESC, i.id DESC
		OFFSET p.skip LIMIT p.lim) AS r) AS same
FROM (VALUES
	('{"skip": 100, "limit": 7}', '{completed}'::text[], 100, 7, false, false),
	('{"skip": 100, "limit": 7, "order": "asc"}', '{completed}', 100, 7, true, false),
	('{"skip": 3, "limit": 5, "status": ["completed", "cancelled"]}', '{completed,cancelled}', 3, 5, false, false),
	('{"skip": 8560, "limit": 20}', '{completed}', 8560, 20, false, false),
	('{"skip": 9990, "limit": 20}', '{completed}', 9990, 20, false, false),
	('{"skip": 500, "limit": 4, "start_date": "2025-01-03", "end_date": "2025-01-04"}', '{completed}', 500, 4, false, true)
) AS p (params, statuses, skip, lim, is_asc, ranged);
SELECT (SELECT array_agg(f.uid) FROM podrec.find('find-big', jsonb_build_object('after', podrec.cursor_of(i), 'skip', 10, 'limit', 3)) AS f)
	= (SELECT array_agg(f.uid) FROM podrec.find('find-big', '{"skip": 111, "limit": 3}') AS f) AS skip_after_cursor
FROM podrec.find('find-big', '{"skip": 100, "limit": 1}') AS i;
SELECT (SELECT array_agg(f.uid) FROM podrec.find('find-big', '{"skip": 7, "limit": 3, "filter": "kind == \"common\""}') AS f)
	= (SELECT array_agg(f.uid) FROM podrec.find('find-big', '{"limit": 10, "filter": "kind == \"common\""}') WITH ORDINALITY AS f
		WHERE f.ordinality > 7) AS skip_filter;
UPDATE podrec.items SET status = 'completed' WHERE flow_id = 'find-big' AND status = 'cancelled';
VACUUM ANALYZE podrec.items;

-- ---------------------------------------------------------------------
-- Tenancy: a tenant finds in its own flows; another account's flow does not exist
-- ---------------------------------------------------------------------
CREATE ROLE regress_find_alice IN ROLE podrec_app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('regress_find_alice', 'alice');
SET ROLE regress_find_alice;
SELECT uid FROM podrec.find('f54aec5c7d4c6770dba95801b', '{"limit": 2}');
SELECT podrec.find_explain('find-big', '{}');
SELECT podrec.find_explain('find-big', '{"filter": "barcode_scanning.barcode.code == \"C1234\""}');
SELECT uid FROM podrec.find('find-big', '{"filter": "barcode_scanning.barcode.code == \"C1234\""}');
SELECT * FROM podrec.find('bob-flow');
-- A tenant's skip (the btree alone, the account read from its entries) is the reference's.
SELECT (SELECT array_agg(f.uid) FROM podrec.find('find-big', '{"skip": 4321, "limit": 5}') AS f)
	= (SELECT array_agg(r.uid) FROM (SELECT i.uid FROM podrec.items AS i WHERE i.flow_id = 'find-big' AND i.status = 'completed'
		ORDER BY i.created_at DESC, i.id DESC OFFSET 4321 LIMIT 5) AS r) AS tenant_skip;
-- The find states the policies in its own query, run as the owner of the
-- tables: the plan above uses the GIN index for a selective filter as it
-- does for the superuser.  It still keeps to the tenant's account: bob's
-- rows through every find function, a role with no account, a role
-- without SELECT, and a policy added to the tables (which makes the find
-- run under the policies again).
SELECT count(*) FROM podrec.records('{"flow_id": "bob-flow"}');
SELECT count(*) AS bobs FROM podrec.records('{"limit": 1000}') AS r WHERE r ->> 'x' = '1';
SELECT count(*) FROM podrec.records_items('{"limit": 1000}') AS i WHERE i.account_id <> 'alice';
SELECT flow_id FROM podrec.mget('[{"flowId": "bob-flow"}]');
RESET ROLE;
CREATE ROLE regress_find_nobody IN ROLE podrec_app;
CREATE ROLE regress_find_nogrant;
GRANT USAGE ON SCHEMA podrec TO regress_find_nogrant;
SET ROLE regress_find_nobody;
SELECT * FROM podrec.find('find-big');
SELECT count(*) FROM podrec.records_items('{}');
SET ROLE regress_find_nogrant;
SELECT * FROM podrec.find('find-big');
RESET ROLE;
CREATE POLICY regress_find_no_rare ON podrec.items AS RESTRICTIVE FOR SELECT TO PUBLIC
	USING (doc ->> 'kind' IS DISTINCT FROM 'rare');
SET ROLE regress_find_alice;
SELECT count(*) FROM podrec.find('find-big', '{"filter": {"kind": "eq.rare"}, "limit": 100}');
SELECT bool_or(p ~ 'on flows f') AS states_policies FROM podrec.find_explain('find-big', '{"filter": {"kind": "eq.rare"}}') AS p;
RESET ROLE;
DROP POLICY regress_find_no_rare ON podrec.items;
SET ROLE regress_find_alice;
SELECT count(*) FROM podrec.find('find-big', '{"filter": {"kind": "eq.rare"}, "limit": 100}');
SELECT bool_or(p ~ 'on flows f') AS states_policies FROM podrec.find_explain('find-big', '{"filter": {"kind": "eq.rare"}}') AS p;
-- With row_security off, a tenant's find is refused, as any query of the table is.
SET row_security = off;
SELECT count(*) FROM podrec.find('find-big', '{"filter": {"kind": "eq.rare"}, "limit": 100}');
RESET row_security;
RESET ROLE;
SELECT uid FROM podrec.find('bob-flow');
SELECT p.prosecdef FROM pg_proc AS p WHERE p.oid = 'podrec.find(text, jsonb)'::regprocedure;

-- Clean up for the tests that follow.
DELETE FROM podrec.account_roles WHERE role_name = 'regress_find_alice';
REVOKE USAGE ON SCHEMA podrec FROM regress_find_nogrant;
DROP ROLE regress_find_alice, regress_find_nobody, regress_find_nogrant;
DELETE FROM podrec.items WHERE account_id IN ('alice', 'bob');
DELETE FROM podrec.flows WHERE account_id IN ('alice', 'bob');
DELETE FROM podrec.accounts WHERE id IN ('alice', 'bob');
