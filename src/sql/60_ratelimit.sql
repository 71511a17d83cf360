
-- ---------------------------------------------------------------------
-- Rate limit: per-client budgets in shared memory, and PostgREST's
-- db-pre-request function
-- ---------------------------------------------------------------------
-- These functions write no table, so they work in the READ ONLY
-- transactions PostgREST uses for GET; they change shared state, hence
-- VOLATILE.  PARALLEL RESTRICTED: the counting must happen once, in the
-- leader, for the statement that asked; pre_request sets response.headers
-- with set_config, which parallel workers cannot, hence PARALLEL UNSAFE.

CREATE FUNCTION podrec.rate_limit_take(client_key pg_catalog.text,
	cost pg_catalog.int4 DEFAULT 1)
	RETURNS TABLE(allowed pg_catalog.bool, limit_per_window pg_catalog.int4,
		remaining pg_catalog.int4, retry_after_seconds pg_catalog.int4)
	AS 'MODULE_PATHNAME', 'podrec_rate_limit_take'
	LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED ROWS 1;

COMMENT ON FUNCTION podrec.rate_limit_take(pg_catalog.text, pg_catalog.int4) IS
	'count a request of cost units against the budget of client_key if podrec.rate_limit allows it, and say whether it did, what is left and when to retry';

CREATE FUNCTION podrec.rate_limit_peek(client_key pg_catalog.text)
	RETURNS TABLE(allowed pg_catalog.bool, limit_per_window pg_catalog.int4,
		remaining pg_catalog.int4, retry_after_seconds pg_catalog.int4)
	AS 'MODULE_PATHNAME', 'podrec_rate_limit_peek'
	LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED ROWS 1;

COMMENT ON FUNCTION podrec.rate_limit_peek(pg_catalog.text) IS
	'the rate-limit state of client_key (would one more request be allowed, what is left, when to retry), counting nothing';

CREATE FUNCTION podrec.rate_limit_reset(client_key pg_catalog.text DEFAULT NULL)
	RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'podrec_rate_limit_reset'
	LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED;

COMMENT ON FUNCTION podrec.rate_limit_reset(pg_catalog.text) IS
	'forget the rate-limit counts of client_key, or of every client when it is NULL; returns the number of clients forgotten';

REVOKE ALL ON FUNCTION podrec.rate_limit_reset(pg_catalog.text) FROM PUBLIC;

CREATE FUNCTION podrec.rate_limit_status()
	RETURNS TABLE(capacity pg_catalog.int4, clients pg_catalog.int4,
		evictions pg_catalog.int8)
	AS 'MODULE_PATHNAME', 'podrec_rate_limit_status'
	LANGUAGE C VOLATILE PARALLEL RESTRICTED ROWS 1;

COMMENT ON FUNCTION podrec.rate_limit_status() IS
	'the table of rate-limited clients: its capacity (podrec.rate_limit_clients), the clients in it, and how many were evicted because it was full';

REVOKE ALL ON FUNCTION podrec.rate_limit_status() FROM PUBLIC;

CREATE FUNCTION podrec.pre_request()
	RETURNS void
	AS 'MODULE_PATHNAME', 'podrec_pre_request'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION podrec.pre_request() IS
	'PostgREST db-pre-request: count the request against the budget of its bearer token (or anonymous role) and X-Forwarded-For address; raise PGRST with HTTP 429 and Retry-After when it is spent, else set X-RateLimit-* response headers';

CREATE FUNCTION podrec.rate_limit_class(method pg_catalog.text, path pg_catalog.text)
	RETURNS TABLE(class pg_catalog.text, limit_per_window pg_catalog.int4)
	AS 'MODULE_PATHNAME', 'podrec_rate_limit_class'
	LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION podrec.rate_limit_class(pg_catalog.text, pg_catalog.text) IS
	'the podrec.rate_limit_classes rule a request with this HTTP method and path is counted under (NULL: the default budget of podrec.rate_limit) and its limit per window (NULL: unlimited)';
