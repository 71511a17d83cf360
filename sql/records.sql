-- Flat records of completed flows (seed 000): podrec.records and join_by

SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

SELECT name FROM podrec.account_put('66826269369bbc3d56b479ce', 'optioryx_admin');
SELECT name FROM podrec.account_put('other');
SELECT id FROM podrec.flow_put('APIDocsFlow1', '66826269369bbc3d56b479ce');
SELECT id FROM podrec.flow_put('APIDocsFlow2', '66826269369bbc3d56b479ce');
SELECT id FROM podrec.flow_put('other-flow', 'other');

-- The raw item of seed 000.
SELECT uid FROM podrec.item_put(NULL, $${
"created_at": "2025-03-05T14:38:22.903000",
"updated_at": "2025-03-05T14:38:22.903000",
"_id": "67c861de20bb29fb40d2cbbd",
"started_at": "2025-03-05T14:38:10",
"ended_at": "2025-03-05T14:38:20",
"flow_id": "APIDocsFlow1",
"photographing": [
{
"flow_step_id": "picz",
"started_at": "2025-03-05T14:38:15",
"ended_at": "2025-03-05T14:38:20",
"photos": [
{
"date": "2025-03-05T14:38:20",
"url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1"
}
]
}
],
"barcode_scanning": [
{
"flow_step_id": "barcode",
"started_at": "2025-03-05T14:38:10",
"ended_at": "2025-03-05T14:38:15",
"code": "A0155C35"
}
]
}$$);

-- GET /records?limit=1, exactly the seed's response.
SELECT jsonb_pretty(r) FROM podrec.records('{"limit": 1}') AS r;
SELECT jsonb_agg(r) = $$[
{
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
}
]$$::jsonb AS is_the_seeds
FROM podrec.records('{"limit": 1}') AS r;

-- More sessions: later scans of the same barcode, one of another, one
-- cancelled, one in the other account.
SELECT uid, flow_id, status FROM podrec.items_put($$[
{"_id": "67c861de20bb29fb40d2cb01", "flow_id": "APIDocsFlow2", "created_at": "2025-03-06T09:00:00", "started_at": "2025-03-06T08:59:00",
 "dimensioning": [{"flow_step_id": "dims", "mode": "MOD2", "dimensions": {"width": 10, "height": 20, "depth": 5, "unit": "cm"}}],
 "barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}], "note": null},
{"_id": "67c861de20bb29fb40d2cb02", "flow_id": "APIDocsFlow1", "created_at": "2025-03-07T09:00:00", "started_at": "2025-03-07T08:59:00",
 "barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}], "note": "third session", "dimensioning": [{"flow_step_id": "dims", "mode": null}]},
{"_id": "67c861de20bb29fb40d2cb03", "flow_id": "APIDocsFlow1", "created_at": "2025-03-08T09:00:00",
 "barcode_scanning": [{"flow_step_id": "barcode", "code": "B777"}]},
{"_id": "67c861de20bb29fb40d2cb04", "flow_id": "APIDocsFlow1", "created_at": "2025-03-09T09:00:00"}
]$$);
SELECT uid, status FROM podrec.item_put('APIDocsFlow1', '{"_id": "67c861de20bb29fb40d2cb05", "created_at": "2025-03-10T09:00:00"}', 'cancelled');
SELECT uid FROM podrec.item_put('other-flow', '{"_id": "67c861de20bb29fb40d2cb06", "created_at": "2025-03-10T09:00:00"}');

-- Every flow, newest first; completed items only.
SELECT r ->> '_id' AS id, r ->> 'flow_id' AS flow, r ->> 'scanner_account' AS account FROM podrec.records() AS r;
-- flow_id, limit, skip (or a numeric start), order, time range, filter, sort.
SELECT r ->> '_id' AS id FROM podrec.records('{"flow_id": "APIDocsFlow2"}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"limit": 2, "skip": 1}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"start": 4, "order": "asc"}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"start_date": "2025-03-06", "end_date": "2025-03-08T09:00:00Z"}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"start": "2025-03-07", "end": 1741424400000, "flow_id": "APIDocsFlow1"}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"filter": "barcode_scanning.barcode.code == \"A0155C35\""}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"filter": [{"field_id": "dimensioning.dims.dimensions.width", "operator": "GREATER_THAN", "value": 5}]}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"sort": "started_at", "order": "asc"}') AS r;

-- join_by: sessions with the same barcode are one record; for every key the
-- last non-null value wins (in creation order); records without the key stay apart.
SELECT jsonb_pretty(r) FROM podrec.records('{"join_by": "barcode_scanning.barcode.code"}') AS r;
SELECT r ->> '_id' AS id, r ->> 'note' AS note FROM podrec.records('{"join_by": "barcode_scanning.barcode.code", "limit": 1, "skip": 1}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"join_by": "barcode_scanning.barcode.code", "flow_id": "APIDocsFlow2"}') AS r;
SELECT r ->> '_id' AS id FROM podrec.records('{"join_by": "no.such.key", "limit": 2}') AS r;

-- Bad parameters.
SELECT * FROM podrec.records('{"status": "cancelled"}');
SELECT * FROM podrec.records('{"after": "x"}');
SELECT * FROM podrec.records('{"flow_id": 3}');
SELECT * FROM podrec.records('{"flow_id": "nope"}');
SELECT * FROM podrec.records('{"join_by": ["a"]}');
SELECT * FROM podrec.records('{"join_by": "a\\"}');
SELECT * FROM podrec.records('{"limit": 1001, "join_by": "a"}');
SELECT * FROM podrec.records('{"filter": "== 3"}');
SELECT * FROM podrec.records('"limit=1"');

-- Tenancy: a tenant reads the records of its account only.
CREATE ROLE regress_records_other IN ROLE podrec_app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('regress_records_other', 'other');
SET ROLE regress_records_other;
SELECT r ->> '_id' AS id, r ->> 'scanner_account' AS account FROM podrec.records() AS r;
SELECT * FROM podrec.records('{"flow_id": "APIDocsFlow1"}');
RESET ROLE;

-- Clean up for the tests that follow.
DELETE FROM podrec.account_roles WHERE role_name = 'regress_records_other';
DROP ROLE regress_records_other;
DELETE FROM podrec.items WHERE account_id IN ('66826269369bbc3d56b479ce', 'other');
DELETE FROM podrec.flows WHERE account_id IN ('66826269369bbc3d56b479ce', 'other');
DELETE FROM podrec.accounts WHERE id IN ('66826269369bbc3d56b479ce', 'other');
