-- Fixture for the source data cases (test/http/cases/source_data): podrec with two
-- organizations, the interaction workflow of sql/source_data.sql in the first and a
-- workflow of the second, served by PostgREST as POST /rpc/source_data.  Loaded by a
-- superuser into a fresh database (test/suites/http.sh); roles are global to the
-- cluster, so they are created only when missing.

\set ON_ERROR_STOP on

CREATE EXTENSION podrec;

\ir authenticator.sql

SET TimeZone = 'UTC';

SELECT podrec.account_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'Example Oy');
SELECT podrec.account_put('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'Other Ab');
SELECT podrec.source_events_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', $$[
 {"_id": "000000000000000000000001", "category": "workflowReportingEvent", "created_at": "2024-03-01T10:00:00Z", "visitor_id": "alice", "dim5": 1, "action": "view-intro"},
 {"_id": "000000000000000000000002", "category": "workflowReportingEvent", "created_at": "2024-03-01T10:05:00Z", "visitor_id": "alice", "dim5": 2, "action": "view-form"},
 {"_id": "000000000000000000000003", "category": "goal", "created_at": "2024-03-01T10:30:00Z", "visitor_id": "alice", "session_id": "s-a1", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 49.9, "device_type": "desktop", "browser_name": "Firefox", "os_name": "Linux", "geo_country": "FI", "geo_city": "Helsinki"},
 {"_id": "000000000000000000000004", "category": "workflowReportingEvent", "created_at": "2024-03-01T11:00:00Z", "visitor_id": "bob", "dim5": 1, "action": "view-offer"},
 {"_id": "000000000000000000000005", "category": "goal", "created_at": "2024-03-01T11:10:00Z", "visitor_id": "bob", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 19.5, "device_type": "mobile"}
]$$, 'Interaction workflow');
SELECT podrec.source_events_put('5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b', 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f', $$[
 {"_id": "0000000000000000000000b1", "category": "goal", "created_at": "2024-03-01T10:00:00Z", "visitor_id": "zoe", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase"}
]$$);
