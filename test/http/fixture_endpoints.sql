-- Fixture for the endpoint cases (test/http/cases/endpoints): every seed's endpoint in
-- podrec_api, each with the seed's own example data. Loaded by a superuser into a fresh
-- database (test/suites/http.sh); roles are global to the cluster, so they are created
-- only when missing.

\set ON_ERROR_STOP on

CREATE EXTENSION podrec;

-- PostgREST logs in as the authenticator and switches to podrec_anon or podrec_user.
\ir authenticator.sql

SET TimeZone = 'UTC';
ALTER DATABASE :"DBNAME" SET podrec.records_base_url = 'https://tenant.example.com/api/v1/records';

-- Seed 001: the record type of the sample (fields Story name 1, Timestamp 2, Alert 3)
-- and its three records, in account acme's story "Create new issue".
SELECT podrec.account_put('acme', 'Acme');
SELECT podrec.flow_put('story-1', 'acme', 'Create new issue');
SELECT podrec.record_type_create('Alerts', '[
	{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Medium", "Low"]}]', 'acme') ->> 'id' AS record_type_id;
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "High", "Timestamp": "2023-06-06T16:18:34Z"}]', 'story-1', case_ids => '{1,2}');
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "Medium", "Timestamp": "2023-06-13T18:13:15Z"}]', 'story-1', case_ids => '{1}');
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "Low", "Timestamp": "2023-06-13T18:13:16Z"}]', 'story-1');
UPDATE podrec.items SET updated_at = created_at WHERE record_type_id = 1;

-- A second account with a record type of its own, which acme must never see.
SELECT podrec.account_put('globex', 'Globex');
SELECT podrec.flow_put('story-g', 'globex', 'Globex story');
SELECT podrec.record_type_create('Secrets', '[{"name": "Secret", "result_type": "TEXT"}]', 'globex') ->> 'id' AS record_type_id;
SELECT count(*) FROM podrec.records_create(2, '[{"Secret": "globex only"}]', 'story-g');

-- Seed 004: the seed's own record type for account org_xyz789, and the request-log type
-- under Keywords AI's names for account keywords; the second account has both, so its
-- requests name the type in the header X-Record-Type.
SELECT podrec.account_put('org_xyz789', 'Seed 004 org');
SELECT podrec.record_type_install('seed004', account_id => 'org_xyz789') ->> 'id' AS seed004_type;
SELECT podrec.account_put('keywords', 'Keywords');
SELECT podrec.record_type_install('request_logs', account_id => 'keywords') ->> 'id' AS request_logs_type;
SELECT podrec.record_type_install('seed004', 'seed004 copy', account_id => 'keywords') ->> 'id' AS seed004_copy_type;

-- Seed 000: the seed's raw item in account 66826269369bbc3d56b479ce (optioryx_admin).
SELECT podrec.account_put('66826269369bbc3d56b479ce', 'optioryx_admin');
SELECT podrec.flow_put('APIDocsFlow1', '66826269369bbc3d56b479ce');
SELECT uid FROM podrec.item_put('APIDocsFlow1', '{"created_at": "2025-03-05T14:38:22.903000", "updated_at": "2025-03-05T14:38:22.903000",
 "_id": "67c861de20bb29fb40d2cbbd", "started_at": "2025-03-05T14:38:10", "ended_at": "2025-03-05T14:38:20", "flow_id": "APIDocsFlow1",
 "photographing": [{"flow_step_id": "picz", "started_at": "2025-03-05T14:38:15", "ended_at": "2025-03-05T14:38:20",
   "photos": [{"date": "2025-03-05T14:38:20", "url": "https://dimmy.s3.amazonaws.com/66826269369bbc3d56b479ce/67c861dc45b0e6fb32ff2ca1"}]}],
 "barcode_scanning": [{"flow_step_id": "barcode", "started_at": "2025-03-05T14:38:10", "ended_at": "2025-03-05T14:38:15", "code": "A0155C35"}]}');

-- Seed 002: alice's two flows and their drops.
SELECT podrec.account_put('alice', 'alice');
SELECT podrec.flow_put('f54ad6428d4c6b0419a019285', 'alice', 'inbox', '/alice/:inbox');
SELECT podrec.flow_put('f54aec5c7d4c6770dba95801b', 'alice', 'drinks', '/alice/drinks');
SELECT count(*) FROM podrec.items_put($$[
{"id": "d54ad9d8bd4c68117a914ba25", "flowId": "f54ad6428d4c6b0419a019285", "creationDate": 1420664203776, "path": "/alice/:inbox",
 "elems": {"kind": "NOTIFICATION", "action": "CREATE"}},
{"id": "d54aec650d4c6770dba958025", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740176213, "path": "/alice/drinks", "elems": {"a": 2}},
{"id": "d54aec5dcd4c6770dba958020", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740060915, "path": "/alice/drinks", "elems": {"a": 1}},
{"id": "d54aec5dcd4c6770dba958010", "flowId": "f54aec5c7d4c6770dba95801b", "creationDate": 1420740000000, "path": "/alice/drinks", "elems": {"b": 1}}
]$$);
