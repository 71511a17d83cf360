-- Ingest benchmark: 10,000 seed-000-shaped raw items in one items_put batch,
-- then the same batch again (all updates), then 10,000 drops; for
-- comparison, a plain INSERT of the same raw items (no checks, no
-- completion) and 1,000 single item_put calls.
-- Run: psql -X -d <a scratch database with podrec> -f test/bench/store_ingest.sql
\set ON_ERROR_STOP 1
\set n 10000
SET client_min_messages = warning;
DELETE FROM podrec.items WHERE flow_id LIKE 'bench-%';
DELETE FROM podrec.flows WHERE id LIKE 'bench-%';
SELECT FROM podrec.account_put('bench-account', 'bench');
SELECT FROM podrec.flow_put('bench-raw', 'bench-account');
SELECT FROM podrec.flow_put('bench-drops', 'bench-account', 'drops', '/bench/drops');
SELECT FROM podrec.flow_put('bench-single', 'bench-account');

CREATE TEMP TABLE bench_raw AS
SELECT jsonb_agg(jsonb_build_object(
	'_id', lpad(to_hex(i), 24, '0'),
	'created_at', to_char(timestamp '2025-03-05 14:38:22.903' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
	'updated_at', to_char(timestamp '2025-03-05 14:38:22.903' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
	'started_at', '2025-03-05T14:38:10', 'ended_at', '2025-03-05T14:38:20',
	'flow_id', 'bench-raw',
	'photographing', jsonb_build_array(jsonb_build_object('flow_step_id', 'picz',
		'started_at', '2025-03-05T14:38:15', 'ended_at', '2025-03-05T14:38:20',
		'photos', jsonb_build_array(jsonb_build_object('date', '2025-03-05T14:38:20',
			'url', 'https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/' || md5(i::text))))),
	'barcode_scanning', jsonb_build_array(jsonb_build_object('flow_step_id', 'barcode',
		'started_at', '2025-03-05T14:38:10', 'ended_at', '2025-03-05T14:38:15',
		'code', 'A' || (i % 997)::text))) ORDER BY i) AS docs
FROM generate_series(1, :n) AS i;

CREATE TEMP TABLE bench_drops AS
SELECT jsonb_agg(jsonb_build_object(
	'id', 'd' || lpad(to_hex(i), 24, '0'),
	'flowId', 'bench-drops',
	'creationDate', 1420740060915 + i,
	'path', '/bench/drops',
	'elems', jsonb_build_object('a', i, 'kind', 'NOTIFICATION', 'user', jsonb_build_object('name', 'alice'))) ORDER BY i) AS docs
FROM generate_series(1, :n) AS i;

VACUUM ANALYZE podrec.items;
\timing on
\echo insert :n raw items in one batch
SELECT count(*) FROM podrec.items_put((SELECT docs FROM bench_raw));
\echo update the same :n raw items in one batch
SELECT count(*) FROM podrec.items_put((SELECT docs FROM bench_raw));
\echo insert :n drops in one batch
SELECT count(*) FROM podrec.items_put((SELECT docs FROM bench_drops));
\echo baseline: plain INSERT ... SELECT of the same :n raw items
INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, started_at, ended_at, doc)
SELECT 'x' || (d ->> '_id'), 'bench-account', 'bench-single', podrec.iso_timestamp(d ->> 'created_at'),
	podrec.iso_timestamp(d ->> 'updated_at'), podrec.iso_timestamp(d ->> 'started_at'), podrec.iso_timestamp(d ->> 'ended_at'), d
FROM jsonb_array_elements((SELECT docs FROM bench_raw)) AS d;
DELETE FROM podrec.items WHERE flow_id = 'bench-single';
\echo insert 1000 raw items with one item_put call each
SELECT count(podrec.item_put('bench-single', d - 'flow_id' - '_id'))
FROM jsonb_array_elements((SELECT docs FROM bench_raw)) WITH ORDINALITY AS x (d, i) WHERE i <= 1000;
\timing off
DELETE FROM podrec.items WHERE flow_id LIKE 'bench-%';
DELETE FROM podrec.flows WHERE id LIKE 'bench-%';
DELETE FROM podrec.accounts WHERE id = 'bench-account';
