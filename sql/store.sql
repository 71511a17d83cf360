-- Storage: accounts, flows, items; item_put and items_put

-- The session's TimeZone and DateStyle must not change what is stored.
SET TimeZone = 'Pacific/Chatham';
SET DateStyle = 'SQL, DMY';
\set SHOW_CONTEXT never

-- Helpers: a timestamp in UTC, ISO 8601; and the error a statement raises.
CREATE FUNCTION pg_temp.utc(t timestamptz) RETURNS text LANGUAGE sql
	RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
CREATE FUNCTION pg_temp.try(q text, OUT code text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	code := '00000';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END
$$;

-- ---------------------------------------------------------------------
-- Accounts and flows
-- ---------------------------------------------------------------------

-- The scanner account of seed 000 (its id as in the seed's photo URLs).
SELECT id, name FROM podrec.account_put('66826269369bbc3d56b479ce', 'scanner');
-- account_put renames; a NULL name keeps the stored one; a new account without one is named by its id.
SELECT id, name FROM podrec.account_put('66826269369bbc3d56b479ce', 'optioryx_admin');
SELECT id, name FROM podrec.account_put('66826269369bbc3d56b479ce');
SELECT id, name FROM podrec.account_put('alice');
SELECT id, name FROM podrec.account_put('bob', 'Bob');

-- The flow of seed 000, and the two flows of seed 002 with their paths.
SELECT id, account_id, name, path FROM podrec.flow_put('APIDocsFlow1', '66826269369bbc3d56b479ce');
SELECT id, account_id, name, path FROM podrec.flow_put('f54ad6428d4c6b0419a019285', 'alice', 'inbox', '/alice/:inbox');
SELECT id, account_id, name, path FROM podrec.flow_put('f54aec5c7d4c6770dba95801b', 'alice', 'drinks');
-- NULL name and path keep the stored ones; a path can be set later.
SELECT id, account_id, name, path FROM podrec.flow_put('f54aec5c7d4c6770dba95801b', 'alice', NULL, '/alice/drinks');
SELECT id, account_id, name, path FROM podrec.flow_put('f54aec5c7d4c6770dba95801b', 'alice');
-- Paths are unique within an account only.
SELECT id, account_id, name, path FROM podrec.flow_put('bob-drinks', 'bob', NULL, '/alice/drinks');
SELECT id, account_id, name, path FROM podrec.flow_put('bob-runs', 'bob');

-- Bad accounts and flows.
SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.account_put(NULL, 'x')$$),
	($$SELECT podrec.account_put('', 'x')$$),
	($$SELECT podrec.account_put(repeat('a', 201))$$),
	($$SELECT podrec.flow_put('f', 'nobody')$$),
	($$SELECT podrec.flow_put('f', NULL)$$),
	($$SELECT podrec.flow_put(NULL, 'alice')$$),
	($$SELECT podrec.flow_put('', 'alice')$$),
	($$SELECT podrec.flow_put('APIDocsFlow1', 'alice')$$),
	($$SELECT podrec.flow_put('f', 'alice', NULL, 'alice/drinks')$$),
	($$SELECT podrec.flow_put('f', 'alice', NULL, '/alice/drinks')$$)
) AS t (q), pg_temp.try(q) AS e;
SELECT id, account_id, name, path FROM podrec.flows ORDER BY id;

-- ---------------------------------------------------------------------
-- The seed items, stored and read back
-- ---------------------------------------------------------------------

-- Seed 000: the raw item. Its typed columns come from the item; the item
-- is stored exactly as given.
CREATE TEMP TABLE seed_000 AS SELECT '{
  "created_at": "2025-03-05T14:38:22.903000",
  "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd",
  "started_at": "2025-03-05T14:38:10",
  "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "photographing": [{"flow_step_id": "picz", "started_at": "2025-03-05T14:38:15",
    "ended_at": "2025-03-05T14:38:20",
    "photos": [{"date": "2025-03-05T14:38:20",
      "url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1"}]}],
  "barcode_scanning": [{"flow_step_id": "barcode", "started_at": "2025-03-05T14:38:10",
    "ended_at": "2025-03-05T14:38:15", "code": "A0155C35"}]
}'::jsonb AS doc;

SELECT uid, account_id, flow_id, record_type_id, pg_temp.utc(created_at) AS created_at,
	pg_temp.utc(updated_at) AS updated_at, pg_temp.utc(started_at) AS started_at,
	pg_temp.utc(ended_at) AS ended_at, status, test_mode, doc = (SELECT doc FROM seed_000) AS doc_as_given
FROM podrec.item_put('APIDocsFlow1', (SELECT doc FROM seed_000));

-- Read back and flattened, it is the seed's record (scanner_account is the
-- name of the item's account).
SELECT podrec.records_flatten(i.doc) || jsonb_build_object('scanner_account', a.name) = '{
  "created_at": "2025-03-05T14:38:22.903000",
  "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd",
  "started_at": "2025-03-05T14:38:10",
  "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "photographing.picz.started_at": "2025-03-05T14:38:15",
  "photographing.picz.ended_at": "2025-03-05T14:38:20",
  "photographing.picz.photos.1.date": "2025-03-05T14:38:20",
  "photographing.picz.photos.1.url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1",
  "barcode_scanning.barcode.started_at": "2025-03-05T14:38:10",
  "barcode_scanning.barcode.ended_at": "2025-03-05T14:38:15",
  "barcode_scanning.barcode.code": "A0155C35",
  "scanner_account": "optioryx_admin"
}'::jsonb AS seed_000_record
FROM podrec.items AS i JOIN podrec.accounts AS a ON a.id = i.account_id
WHERE i.uid = '67c861de20bb29fb40d2cbbd';

-- Seed 002: the three drops of the MGET response, stored in one batch; each
-- names its flow with flowId.
CREATE TEMP TABLE seed_002 AS SELECT '[
  {"id": "d54ad9d8bd4c68117a914ba25", "flowId": "f54ad6428d4c6b0419a019285",
   "creationDate": 1420664203776, "path": "/alice/:inbox",
   "elems": {"namespacesAffected": ["alice"], "kind": "NOTIFICATION", "action": "CREATE",
     "details": {"summary": {"path": "/alice/sensor2"}},
     "user": {"name": "alice", "id": "i54ad6428d4c6b0419a01927f"},
     "object": {"kind": "FLOW", "id": "f54ad9d8bd4c68117a914ba24"}}},
  {"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b",
   "creationDate": 1420740176213, "path": "/alice/drinks", "elems": {"a": 2}},
  {"id": "d54aec5dcd4c6770dba958020", "flowId": "f54aec5c7d4c6770dba95801b",
   "creationDate": 1420740060915, "path": "/alice/drinks", "elems": {"a": 1}}
]'::jsonb AS docs;

SELECT uid, account_id, flow_id, pg_temp.utc(created_at) AS created_at, pg_temp.utc(updated_at) AS updated_at,
	started_at, ended_at, status
FROM podrec.items_put((SELECT docs FROM seed_002));

-- Read back per flow, newest first, they are the body of the seed's response.
SELECT jsonb_object_agg(flow_id, drops) = '{
  "f54ad6428d4c6b0419a019285": [{"id": "d54ad9d8bd4c68117a914ba25", "flowId": "f54ad6428d4c6b0419a019285",
    "creationDate": 1420664203776, "path": "/alice/:inbox",
    "elems": {"namespacesAffected": ["alice"], "kind": "NOTIFICATION", "action": "CREATE",
      "details": {"summary": {"path": "/alice/sensor2"}},
      "user": {"name": "alice", "id": "i54ad6428d4c6b0419a01927f"},
      "object": {"kind": "FLOW", "id": "f54ad9d8bd4c68117a914ba24"}}}],
  "f54aec5c7d4c6770dba95801b": [
    {"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b",
     "creationDate": 1420740176213, "path": "/alice/drinks", "elems": {"a": 2}},
    {"id": "d54aec5dcd4c6770dba958020", "flowId": "f54aec5c7d4c6770dba95801b",
     "creationDate": 1420740060915, "path": "/alice/drinks", "elems": {"a": 1}}]
}'::jsonb AS seed_002_body
FROM (SELECT flow_id, jsonb_agg(doc ORDER BY created_at DESC, id DESC) AS drops
	FROM podrec.items WHERE uid LIKE 'd%' GROUP BY flow_id) AS f;

-- ---------------------------------------------------------------------
-- Extraction rules
-- ---------------------------------------------------------------------

-- A raw item without _id gets a new uid (24 hex digits), without created_at
-- the statement time; the stored item is completed with the keys it lacks.
SELECT uid ~ '^[0-9a-f]{24}$' AS uid_is_hex, doc ->> '_id' = uid AS doc_has_uid,
	created_at = statement_timestamp() AS created_now, updated_at = created_at AS updated_is_created,
	doc ->> 'created_at' = to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS doc_has_created_at,
	doc - '_id' - 'created_at' AS rest_of_doc
FROM podrec.item_put('APIDocsFlow1', '{"barcode_scanning": [{"flow_step_id": "b", "code": "X1"}]}');
-- A drop without id gets "d" and 24 hex digits; without creationDate the
-- statement time in milliseconds; the flow's path when it has one.
SELECT uid ~ '^d[0-9a-f]{24}$' AS uid_is_drop_id, doc ->> 'id' = uid AS doc_has_uid,
	created_at = date_trunc('milliseconds', statement_timestamp()) AS created_now,
	(doc -> 'creationDate')::numeric = extract(epoch FROM created_at) * 1000 AS doc_has_creation_date,
	doc - 'id' - 'creationDate' AS rest_of_doc
FROM podrec.item_put('f54aec5c7d4c6770dba95801b', '{"elems": {"a": 3}}');
-- The flow comes from the argument or from the item (flow_id, flowId).
SELECT uid, flow_id, doc
FROM podrec.item_put(NULL, '{"_id": "000000000000000000000001", "flow_id": "APIDocsFlow1", "created_at": "2025-01-01T00:00:00Z"}');
SELECT uid, flow_id, doc
FROM podrec.item_put(NULL, '{"id": "d000000000000000000000001", "flowId": "f54ad6428d4c6b0419a019285", "creationDate": 0}');
-- Any object that is not a drop is a raw item.
SELECT uid, flow_id, pg_temp.utc(created_at) AS created_at, doc
FROM podrec.item_put('APIDocsFlow1', '{"id": 7, "kind": "note", "created_at": "2025-06-01"}', uid => 'note-7');
-- ISO 8601 timestamps: without an offset they are UTC; Z, +hh:mm, +hhmm, +hh,
-- a space for T, a date alone, fractions rounded to microseconds. The
-- stored item keeps the text as given.
SELECT t AS created_at_given, pg_temp.utc(i.created_at) AS created_at, i.doc ->> 'created_at' = t AS kept
FROM unnest(ARRAY['2025-03-05T14:38:22.903000', '2025-03-05T14:38:22.903Z', '2025-03-05T15:38:22.903+01:00',
	'2025-03-05T09:08:22.903-0530', '2025-03-05 14:38:22.903+00', '2025-03-05', '2025-03-05T14:38',
	'2025-03-05t14:38:22.9030004z', '2025-03-05T14:38:22.9999995', '2024-02-29T24:00:00']) WITH ORDINALITY AS g (t, n),
	podrec.item_put('APIDocsFlow1', jsonb_build_object('created_at', t), uid => 'iso-' || n) AS i
ORDER BY g.n;
-- started_at, ended_at and updated_at follow the same rules.
SELECT pg_temp.utc(created_at) AS created_at, pg_temp.utc(updated_at) AS updated_at,
	pg_temp.utc(started_at) AS started_at, pg_temp.utc(ended_at) AS ended_at
FROM podrec.item_put('APIDocsFlow1', '{"created_at": "2025-03-05T14:38:22Z", "updated_at": "2025-03-06T00:00:00+02:00",
	"started_at": "2025-03-05T14:38:10", "ended_at": "2025-03-05T16:38:20+02:00"}', uid => 'times');
-- Drop times are epoch milliseconds, fractions too; lastEditDate gives updated_at.
SELECT uid, pg_temp.utc(created_at) AS created_at, pg_temp.utc(updated_at) AS updated_at
FROM podrec.items_put('[{"id": "d000000000000000000000002", "creationDate": 1420740060915.5, "lastEditDate": 1420740070000},
	{"id": "d000000000000000000000003", "creationDate": -1000, "elems": {}}]', 'f54aec5c7d4c6770dba95801b');
-- A drop in a flow without a path keeps its own path; the flow's path is
-- not added when there is none.
SELECT uid, doc FROM podrec.item_put('bob-runs', '{"id": "d000000000000000000000004", "path": "/bob/runs", "creationDate": 1, "elems": {}}');
SELECT uid, doc FROM podrec.item_put('bob-runs', '{"id": "d000000000000000000000005", "creationDate": 2, "elems": {}}');
-- scanner_account_id, when given, is the flow's account.
SELECT uid, account_id FROM podrec.item_put('APIDocsFlow1',
	'{"_id": "000000000000000000000002", "scanner_account_id": "66826269369bbc3d56b479ce"}');
-- Keys holding null count as absent: they are filled in.
SELECT uid ~ '^[0-9a-f]{24}$' AS new_uid, doc ->> 'flow_id' AS flow_id, doc ->> 'created_at' IS NOT NULL AS has_created_at
FROM podrec.item_put('APIDocsFlow1', '{"_id": null, "flow_id": null, "created_at": null, "started_at": null}');
-- status and test_mode are arguments.
SELECT uid, status, test_mode FROM podrec.item_put('APIDocsFlow1', '{"_id": "000000000000000000000003"}', 'in progress', true);
-- An explicit uid may have any form (1 to 200 characters); it must match the item's own.
SELECT uid, doc ->> '_id' AS doc_id FROM podrec.item_put('APIDocsFlow1', '{"a": 1}', uid => 'ORDER-2025-0001');
SELECT length(uid) FROM podrec.item_put('APIDocsFlow1', '{"a": 1}', uid => repeat('é', 200));
SELECT uid FROM podrec.item_put('APIDocsFlow1', '{"_id": "000000000000000000000004"}', uid => '000000000000000000000004');

-- ---------------------------------------------------------------------
-- Updates: upsert by uid
-- ---------------------------------------------------------------------

CREATE TEMP TABLE before AS SELECT * FROM podrec.items WHERE uid = '67c861de20bb29fb40d2cbbd';
-- The same uid again replaces the item and its typed columns, keeps id and
-- created_at, and sets updated_at (column and item) to the time of the update.
SELECT i.id = b.id AS same_id, i.created_at = b.created_at AS same_created_at,
	i.updated_at BETWEEN statement_timestamp() AND clock_timestamp() AS updated_now,
	i.doc ->> 'updated_at' = to_char(i.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS doc_updated_at,
	pg_temp.utc(i.started_at) AS started_at, pg_temp.utc(i.ended_at) AS ended_at, i.status,
	i.doc -> 'barcode_scanning' AS barcode_scanning
FROM podrec.item_put('APIDocsFlow1', (SELECT doc FROM seed_000)
	|| '{"started_at": "2025-03-05T14:38:11", "ended_at": null,
		"barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C36"}]}', 'error') AS i, before AS b;
SELECT count(*) FROM podrec.items WHERE uid = '67c861de20bb29fb40d2cbbd';
-- An update without created_at keeps the stored one, in the column and the item.
SELECT pg_temp.utc(created_at) AS created_at, doc ->> 'created_at' AS doc_created_at, doc ->> 'a' AS a
FROM podrec.item_put('APIDocsFlow1', '{"_id": "67c861de20bb29fb40d2cbbd", "a": "x"}');
-- The same instant written differently is no change.
SELECT pg_temp.utc(created_at) AS created_at, doc ->> 'created_at' AS doc_created_at
FROM podrec.item_put(NULL, (SELECT doc FROM seed_000) || '{"created_at": "2025-03-05T15:38:22.903+01:00"}');
-- A drop update sets lastEditDate in milliseconds.
SELECT pg_temp.utc(created_at) AS created_at,
	updated_at BETWEEN date_trunc('milliseconds', statement_timestamp()) AND clock_timestamp() AS updated_now,
	(doc -> 'lastEditDate')::numeric = extract(epoch FROM updated_at) * 1000 AS doc_last_edit_date, doc -> 'elems' AS elems
FROM podrec.item_put(NULL, '{"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b", "elems": {"a": 20}}');
-- A batch may mix new and stored items; rows come back in batch order.
SELECT uid, doc -> 'elems' AS elems, created_at < updated_at AS was_updated
FROM podrec.items_put('[{"id": "d000000000000000000000010", "elems": {"n": 1}},
	{"id": "d54aec5dcd4c6770dba958020", "elems": {"a": 10}},
	{"id": "d00000000000000000000000f", "elems": {"n": 2}}]', 'f54aec5c7d4c6770dba95801b');
-- New items get row ids in batch order, whatever their uids.
SELECT uid, id - min(id) OVER () AS id_offset
FROM podrec.items_put('[{"id": "d0000000000000000000000ff", "elems": {}}, {"id": "d0000000000000000000000fe", "elems": {}},
	{"id": "d0000000000000000000000fd", "elems": {}}]', 'f54aec5c7d4c6770dba95801b');
-- An empty batch stores nothing.
SELECT count(*) FROM podrec.items_put('[]');

-- ---------------------------------------------------------------------
-- Bad input: a precise error, and nothing written
-- ---------------------------------------------------------------------

CREATE TEMP TABLE snapshot AS SELECT * FROM podrec.items;
-- One item.
SELECT doc, e.*
FROM (VALUES
	('[1, 2]'::jsonb), ('"item"'), ('null'),
	('{"_id": "67C861DE20BB29FB40D2CBBD"}'), ('{"_id": "67c861de"}'), ('{"_id": 5}'),
	('{"id": "54aec650d4c6770dba958025", "elems": {}}'), ('{"id": "d54aec650d4c6770dba95802", "elems": {}}'),
	('{"created_at": "yesterday"}'), ('{"created_at": "2025-02-29T10:00:00"}'), ('{"created_at": "2025-03-05T25:00:00"}'),
	('{"created_at": "2025-03-05T14:38:22+16:00"}'), ('{"created_at": "05/03/2025 14:38"}'), ('{"created_at": "2025-03-05T14:38:22 "}'),
	('{"created_at": "0001-01-01T00:30:00+01:00"}'), ('{"created_at": 1741185502903}'),
	('{"updated_at": "now"}'), ('{"started_at": true}'), ('{"ended_at": "2025-03-05T14:38:20Zulu"}'),
	('{"elems": {}, "creationDate": "1420740176213"}'), ('{"elems": {}, "creationDate": 1e20}'),
	('{"elems": {}, "lastEditDate": -62135596800001}'), ('{"elems": [1]}'),
	('{"flowId": "f54aec5c7d4c6770dba95801b", "_id": "67c861de20bb29fb40d2cbbd"}'),
	('{"flow_id": "f54aec5c7d4c6770dba95801b"}'), ('{"flowId": "f54aec5c7d4c6770dba95801b"}'), ('{"flow_id": ["APIDocsFlow1"]}'),
	('{"scanner_account_id": "alice"}'), ('{"scanner_account_id": "carol"}'), ('{"scanner_account_id": 1}'),
	('{"_id": "67c861de20bb29fb40d2cbbd", "created_at": "2025-03-05T14:38:22.904"}')
) AS t (doc),
pg_temp.try(format('SELECT podrec.item_put(%L, %L)', 'APIDocsFlow1', doc)) AS e;
-- Drops and flows.
SELECT f, doc, e.*
FROM (VALUES
	('f54aec5c7d4c6770dba95801b', '{"elems": {}, "path": "/alice/inbox"}'::jsonb),
	('f54aec5c7d4c6770dba95801b', '{"elems": {}, "path": 7}'),
	('nope', '{"elems": {}}'),
	(NULL, '{"elems": {}}'),
	(NULL, '{"a": 1}'),
	('bob-runs', '{"id": "d54aec650d4c6770dba958025", "elems": {}}')
) AS t (f, doc),
pg_temp.try(format('SELECT podrec.item_put(%L, %L)', f, doc)) AS e;
-- Arguments.
SELECT q, e.*
FROM (VALUES
	($$SELECT podrec.item_put('APIDocsFlow1', NULL)$$),
	($$SELECT podrec.item_put('APIDocsFlow1', '{}', 'done')$$),
	($$SELECT podrec.item_put('APIDocsFlow1', '{}', NULL)$$),
	($$SELECT podrec.item_put('APIDocsFlow1', '{}', 'completed', NULL)$$),
	($$SELECT podrec.item_put('APIDocsFlow1', '{}', uid => '')$$),
	($$SELECT podrec.item_put('APIDocsFlow1', '{}', uid => repeat('x', 201))$$),
	($$SELECT podrec.item_put('APIDocsFlow1', '{"_id": "67c861de20bb29fb40d2cbbd"}', uid => 'x')$$),
	($$SELECT podrec.items_put(NULL)$$),
	($$SELECT podrec.items_put('{"a": 1}')$$),
	($$SELECT podrec.items_put('[{}]', 'APIDocsFlow1', 'Completed')$$),
	($$SELECT podrec.uid_new(repeat('p', 177))$$)
) AS t (q), pg_temp.try(q) AS e;
-- Batches: the detail names the item.
SELECT f, docs, e.*
FROM (VALUES
	('APIDocsFlow1', '[{"a": 1}, {"a": 2}, 3]'::jsonb),
	('APIDocsFlow1', '[{"a": 1}, {"created_at": "2025-13-01"}]'),
	(NULL, '[{"flow_id": "APIDocsFlow1"}, {"a": 2}]'),
	(NULL, '[{"flow_id": "APIDocsFlow1"}, {"flow_id": "nope"}, {"flow_id": "nope2"}]'),
	(NULL, '[{"flow_id": "APIDocsFlow1"}, {"flow_id": "APIDocsFlow1", "scanner_account_id": "bob"}]'),
	('APIDocsFlow1', '[{"_id": "000000000000000000000101"}, {"_id": "000000000000000000000102"},
	  {"_id": "000000000000000000000101"}, {"_id": "000000000000000000000102"}]'),
	(NULL, '[{"_id": "000000000000000000000103", "flow_id": "APIDocsFlow1"}, {"id": "d54aec650d4c6770dba958025", "flowId": "f54ad6428d4c6b0419a019285"}]'),
	(NULL, '[{"_id": "000000000000000000000104", "flow_id": "APIDocsFlow1"}, {"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1}]')
) AS t (f, docs),
pg_temp.try(format('SELECT podrec.items_put(%L, %L)', docs, f)) AS e;
-- How an error looks in psql.
SELECT podrec.items_put('[{"flow_id": "APIDocsFlow1"}, {"flow_id": "APIDocsFlow1"}, {"flow_id": "nope"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT podrec.item_put('APIDocsFlow1', '{"created_at": "2025-03-05T14:38:22 CET"}');
\echo :LAST_ERROR_SQLSTATE
-- A batch that fails at its last item leaves the items before it untouched.
SELECT e.code, e.detail FROM pg_temp.try($$SELECT podrec.items_put('[
	{"id": "d54aec5dcd4c6770dba958020", "elems": {"a": 99}},
	{"id": "d000000000000000000000099", "elems": {"a": 99}},
	{"id": "d000000000000000000000098", "elems": "99"}]', 'f54aec5c7d4c6770dba95801b')$$) AS e;
-- So does one that fails after its new items were inserted.
SELECT e.code, e.detail FROM pg_temp.try($$SELECT podrec.items_put('[
	{"id": "d54aec5dcd4c6770dba958020", "elems": {"a": 99}},
	{"id": "d000000000000000000000099", "elems": {"a": 99}},
	{"id": "d54ad9d8bd4c68117a914ba25", "elems": {"a": 99}}]', 'f54aec5c7d4c6770dba95801b')$$) AS e;
-- None of the bad input above wrote or changed anything.
SELECT (SELECT count(*) FROM (SELECT * FROM podrec.items EXCEPT SELECT * FROM snapshot) AS d) AS added_or_changed,
	(SELECT count(*) FROM (SELECT * FROM snapshot EXCEPT SELECT * FROM podrec.items) AS d) AS removed_or_changed;

-- ---------------------------------------------------------------------
-- Loading with COPY: stage one item per line, then one batch
-- ---------------------------------------------------------------------

CREATE TEMP TABLE staging (line bigserial, doc jsonb);
COPY staging (doc) FROM stdin;
{"id": "d000000000000000000000020", "creationDate": 1420740060000, "elems": {"a": 1}}
{"id": "d000000000000000000000021", "creationDate": 1420740061000, "elems": {"a": 2}}
{"id": "d000000000000000000000022", "creationDate": 1420740062000, "elems": {"a": 3}}
\.
SELECT uid, pg_temp.utc(created_at) AS created_at
FROM podrec.items_put((SELECT jsonb_agg(doc ORDER BY line) FROM staging), 'f54aec5c7d4c6770dba95801b');

-- ---------------------------------------------------------------------
-- uid_new and iso_timestamp
-- ---------------------------------------------------------------------

SELECT u ~ '^[0-9a-f]{24}$' AS hex, ('x' || left(u, 8))::bit(32)::int8 BETWEEN
		extract(epoch FROM statement_timestamp())::int8 - 1 AND extract(epoch FROM clock_timestamp())::int8 + 1 AS epoch_first,
	podrec.uid_new() <> podrec.uid_new() AS differ
FROM podrec.uid_new() AS u;
SELECT podrec.uid_new('d') ~ '^d[0-9a-f]{24}$' AS drop_id, length(podrec.uid_new(repeat('p', 176))) AS longest,
	podrec.uid_new(NULL) IS NULL AS strict;
SELECT t, pg_temp.utc(podrec.iso_timestamp(t)) AS utc
FROM unnest(ARRAY['2025-03-05T14:38:22.903', '2025-03-05T14:38:22.903+05:45', '2025-03-05T14:38:60', '2025-03-05T14:38:22-15:59',
	'0001-01-01', '9999-12-31T23:59:59.999999', '9999-12-31T23:59:59.9999995', '2025-03-05T14:38:22.', '2025-3-5', '+2025-03-05',
	'2025-03-05T14:38:22+16', '2025-03-05T24:00:01', 'infinity', '']) AS t;
SELECT podrec.iso_timestamp('2025-03-05T14:38:22') = '2025-03-05 14:38:22+00' AS utc_without_offset;
SET TimeZone = 'America/Los_Angeles';
SELECT podrec.iso_timestamp('2025-03-05T14:38:22') = '2025-03-05 14:38:22+00' AS still_utc;
RESET TimeZone;

-- ---------------------------------------------------------------------
-- Catalog: comments, dump marks, privileges
-- ---------------------------------------------------------------------

-- Every column of the store's tables and of ingest_item has a comment.
SELECT attrelid::regclass, attname FROM pg_attribute
WHERE attrelid IN ('podrec.accounts'::regclass, 'podrec.flows'::regclass, 'podrec.items'::regclass,
		'podrec.ingest_item'::regclass)
	AND attnum > 0 AND NOT attisdropped AND col_description(attrelid, attnum) IS NULL;
-- So has every function of the extension.
SELECT p.oid::regprocedure FROM pg_proc AS p
JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension AS x ON x.oid = d.refobjid AND x.extname = 'podrec'
WHERE obj_description(p.oid, 'pg_proc') IS NULL;
-- pg_dump keeps the rows of the tables and the position of the sequence.
SELECT c.oid::regclass AS dumped, c.relkind, u.condition
FROM pg_extension AS x, unnest(x.extconfig, x.extcondition) AS u (config, condition)
JOIN pg_class AS c ON c.oid = u.config
WHERE x.extname = 'podrec' ORDER BY c.oid::regclass::text;
-- PUBLIC has no right on them (the podrec roles' grants: sql/tenancy.sql).
SELECT c.oid::regclass, a.privilege_type
FROM pg_class AS c, aclexplode(c.relacl) AS a
WHERE c.oid IN ('podrec.accounts'::regclass, 'podrec.flows'::regclass, 'podrec.items'::regclass,
		'podrec.items_id_seq'::regclass)
	AND a.grantee = 0;
-- The indexes finds and filters rely on.
SELECT indexrelid::regclass, pg_get_indexdef(indexrelid) FROM pg_index
WHERE indrelid IN ('podrec.items'::regclass, 'podrec.flows'::regclass) ORDER BY indexrelid::regclass::text;

-- Leave the tables empty for the suites that follow.
DELETE FROM podrec.items;
DELETE FROM podrec.flows;
DELETE FROM podrec.accounts;
