-- Fixture for the mutation cases (test/http/cases/mutation): the data of the endpoint
-- cases (every seed's endpoint with its example data) and an organization with source
-- data events, so that every endpoint of podrec_api has something to find. The rate
-- limit is off for this database: the cases send hundreds of requests a minute.

\set ON_ERROR_STOP on

\ir fixture_endpoints.sql

SELECT podrec.account_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'Example Oy');
SELECT podrec.source_events_put('38d0571c-3693-4893-a888-6726d9e6f0e8', 'fef456f5-fbde-42d1-be16-797b6d621193', $$[
 {"_id": "000000000000000000000001", "category": "workflowReportingEvent", "created_at": "2024-03-01T10:00:00Z", "visitor_id": "alice", "dim5": 1, "action": "view-intro"},
 {"_id": "000000000000000000000002", "category": "workflowReportingEvent", "created_at": "2024-03-01T10:05:00Z", "visitor_id": "alice", "dim5": 2, "action": "view-form"},
 {"_id": "000000000000000000000003", "category": "goal", "created_at": "2024-03-01T10:30:00Z", "visitor_id": "alice", "session_id": "s-a1", "label": "6b1f2c4e-5d6a-4f7b-8c9d-0e1f2a3b4c5d", "action": "Purchase", "value": 49.9, "device_type": "desktop"}
]$$, 'Interaction workflow');

DO $$
BEGIN
	EXECUTE pg_catalog.format('ALTER ROLE podrec_authenticator IN DATABASE %I SET podrec.rate_limit = 0', current_database());
END
$$;
