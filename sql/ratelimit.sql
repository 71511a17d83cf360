-- rate_limit_take, rate_limit_peek, rate_limit_reset, rate_limit_status and
-- pre_request (PostgREST's db-pre-request).  The test cluster loads podrec
-- from shared_preload_libraries and keeps the default window (60 seconds).
\pset null '(null)'
\set SHOW_CONTEXT never
SELECT podrec.rate_limit_reset() >= 0 AS forgot_everyone;
SELECT name, setting, unit, context FROM pg_catalog.pg_settings
 WHERE name LIKE 'podrec.rate_limit%' ORDER BY name;

-- Seed 001: 400 requests, then refusals; refusals count nothing.
SELECT count(*) FILTER (WHERE allowed) AS accepted,
       count(*) FILTER (WHERE NOT allowed) AS refused,
       min(remaining) AS least_remaining
  FROM (SELECT (podrec.rate_limit_take('regress-400')).* FROM generate_series(1, 450)) t;
SELECT * FROM podrec.rate_limit_peek('regress-400');

-- A smaller limit, one request at a time.
SET podrec.rate_limit = 5;
SELECT clock_timestamp() AS t0 \gset
SELECT * FROM podrec.rate_limit_peek('regress-a');
SELECT * FROM podrec.rate_limit_take('regress-a');
SELECT * FROM podrec.rate_limit_take('regress-a');
SELECT * FROM podrec.rate_limit_take('regress-a', 2);
-- Cost 2 does not fit in the 1 unit left: refused, and nothing is counted.
SELECT allowed, limit_per_window, remaining FROM podrec.rate_limit_take('regress-a', 2);
SELECT allowed, limit_per_window, remaining FROM podrec.rate_limit_take('regress-a');
SELECT allowed, limit_per_window, remaining, retry_after_seconds AS retry
  FROM podrec.rate_limit_take('regress-a') \gset
SELECT clock_timestamp() AS t1 \gset
SELECT :'allowed' AS allowed, :limit_per_window AS limit_per_window, :remaining AS remaining;
-- A unit comes back between 60 and 61 seconds after it was taken (the
-- window is counted in 1-second buckets, conservatively): retry_after lies
-- between what is left of that for the first take and 61.
SELECT :retry <= 61 AS at_most_61,
       :retry >= ceil(floor(extract(epoch FROM :'t0'::timestamptz)) + 61
                      - extract(epoch FROM :'t1'::timestamptz)) AS not_before_release;
SELECT allowed, limit_per_window, remaining, retry_after_seconds <= 61 AS at_most_61
  FROM podrec.rate_limit_peek('regress-a');
-- A cost above the limit can never be allowed: retry_after is NULL.
SELECT * FROM podrec.rate_limit_take('regress-a', 6);
SELECT * FROM podrec.rate_limit_take('regress-new', 6);
SELECT * FROM podrec.rate_limit_take('regress-new', 5);

-- Clients are independent.
SELECT * FROM podrec.rate_limit_take('regress-b', 3);
SELECT allowed, remaining FROM podrec.rate_limit_peek('regress-a');

-- A lower limit applies at once to what was already counted.
SET podrec.rate_limit = 2;
SELECT allowed, limit_per_window, remaining FROM podrec.rate_limit_take('regress-b');
RESET podrec.rate_limit;
SELECT * FROM podrec.rate_limit_take('regress-b');
SET podrec.rate_limit = 5;

-- Reset one client, an unknown client, and see the status.
SELECT podrec.rate_limit_reset('regress-a') AS forgotten;
SELECT podrec.rate_limit_reset('regress-a') AS forgotten;
SELECT podrec.rate_limit_reset('regress-unknown') AS forgotten;
SELECT * FROM podrec.rate_limit_peek('regress-a');
SELECT capacity, clients >= 3 AS has_clients, evictions FROM podrec.rate_limit_status();

-- Disabled: everything is allowed and nothing is counted.
SET podrec.rate_limit = 0;
SELECT * FROM podrec.rate_limit_take('regress-b', 1000);
SELECT * FROM podrec.rate_limit_peek('regress-b');
SELECT podrec.pre_request();
SET podrec.rate_limit = 5;
SELECT allowed, remaining FROM podrec.rate_limit_peek('regress-b');

-- Bad arguments.
SELECT * FROM podrec.rate_limit_take(NULL);
SELECT * FROM podrec.rate_limit_take('');
SELECT * FROM podrec.rate_limit_take('regress-a', NULL);
SELECT * FROM podrec.rate_limit_take('regress-a', 0);
SELECT * FROM podrec.rate_limit_take('regress-a', -3);
SELECT * FROM podrec.rate_limit_peek(NULL);
SELECT podrec.rate_limit_reset('');
SET podrec.rate_limit = -1;
SET podrec.rate_limit_window = 10;

-- Privileges: ordinary roles count and look, but cannot reset, read the
-- status or change the limit.
CREATE ROLE regress_rl_user;
GRANT USAGE ON SCHEMA podrec TO regress_rl_user;
SET ROLE regress_rl_user;
SELECT allowed, limit_per_window, remaining FROM podrec.rate_limit_take('regress-user');
SELECT podrec.rate_limit_reset('regress-user');
SELECT * FROM podrec.rate_limit_status();
SET podrec.rate_limit = 100000;
RESET ROLE;
REVOKE USAGE ON SCHEMA podrec FROM regress_rl_user;
DROP ROLE regress_rl_user;

-- Every function works in a READ ONLY transaction (PostgREST's GET).
BEGIN READ ONLY;
SELECT allowed, remaining FROM podrec.rate_limit_take('regress-ro');
SELECT allowed, remaining FROM podrec.rate_limit_peek('regress-ro');
SELECT set_config('request.headers', '{"authorization":"Bearer regress.ro.token"}', true) IS NOT NULL AS set;
SELECT podrec.pre_request();
SELECT current_setting('response.headers');
SELECT podrec.rate_limit_reset('regress-ro') AS forgotten;
COMMIT;

-- pre_request as PostgREST calls it: the outcome of one request.  A
-- refusal's MESSAGE and DETAIL are kept in regress.* settings for display.
CREATE FUNCTION pg_temp.request(headers text, claims text DEFAULT '{"role":"web_anon"}',
                                response_headers text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	message text;
	detail text;
	retry text;
BEGIN
	PERFORM pg_catalog.set_config('request.headers', headers, true);
	PERFORM pg_catalog.set_config('request.jwt.claims', claims, true);
	PERFORM pg_catalog.set_config('response.headers', coalesce(response_headers, ''), true);
	PERFORM podrec.pre_request();
	RETURN 'allowed: ' || pg_catalog.current_setting('response.headers');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL;
	IF state <> 'PGRST' THEN
		RAISE;
	END IF;
	-- Retry-After depends on the clock: check it, then show it as N.
	retry := detail::jsonb -> 'headers' ->> 'Retry-After';
	IF retry::int NOT BETWEEN 1 AND 61
	   OR message::jsonb ->> 'hint' <> format('Retry after %s seconds.', retry) THEN
		RAISE EXCEPTION 'unexpected Retry-After % (hint %)', retry, message::jsonb ->> 'hint';
	END IF;
	PERFORM pg_catalog.set_config('regress.message',
		jsonb_set(message::jsonb, '{hint}', '"Retry after N seconds."')::text, false);
	PERFORM pg_catalog.set_config('regress.detail',
		jsonb_set(detail::jsonb, '{headers,Retry-After}', '"N"')::text, false);
	RETURN 'refused: SQLSTATE ' || state;
END
$$;

SET podrec.rate_limit = 2;
-- Anonymous requests without X-Forwarded-For: one budget per role.
SELECT pg_temp.request('{"host":"127.0.0.1:3000","accept":"*/*"}');
SELECT pg_temp.request('{"host":"127.0.0.1:3000","accept":"*/*"}');
SELECT pg_temp.request('{"host":"127.0.0.1:3000","accept":"*/*"}');
-- The refusal, as PostgREST 12 reads it (MESSAGE: the body; DETAIL: status
-- and headers), Retry-After shown as N.
\x on
SELECT current_setting('regress.message')::jsonb AS message,
       current_setting('regress.detail')::jsonb AS detail;
\x off
SELECT pg_temp.request('{}', '{"role":"web_other"}');
-- Outside plpgsql: the same client, refused with SQLSTATE PGRST.
SELECT set_config('request.jwt.claims', '{"role":"web_anon"}', false) IS NOT NULL AS set;
\set VERBOSITY sqlstate
SELECT podrec.pre_request();
\set VERBOSITY default
SELECT set_config('request.jwt.claims', '', false) IS NOT NULL AS set;
-- Anonymous requests: one budget per role and client address (the first of
-- X-Forwarded-For).
SELECT pg_temp.request('{"x-forwarded-for":"203.0.113.7"}');
SELECT pg_temp.request('{"x-forwarded-for":" 203.0.113.7 , 10.0.0.1"}');
SELECT pg_temp.request('{"x-forwarded-for":"203.0.113.7, 10.0.0.2"}');
SELECT pg_temp.request('{"x-forwarded-for":"198.51.100.1"}');
-- Bearer tokens: one budget per token and address; the claims do not matter.
SELECT pg_temp.request('{"authorization":"Bearer token-one"}', '{"role":"web_user","sub":"a"}');
SELECT pg_temp.request('{"authorization":"bearer   token-one"}', '{"role":"web_user","sub":"b"}');
SELECT pg_temp.request('{"authorization":"BEARER token-one"}', '{"role":"web_user"}');
SELECT pg_temp.request('{"authorization":"Bearer token-two"}', '{"role":"web_user"}');
SELECT pg_temp.request('{"authorization":"Bearer token-one","x-forwarded-for":"198.51.100.1"}', '{"role":"web_user"}');
-- Settings left empty by earlier transactions count as absent.
SELECT pg_temp.request('', '');
-- response.headers: kept and extended; earlier X-RateLimit-* replaced; a
-- value that is not a JSON array is left alone.
SELECT pg_temp.request('{"authorization":"Bearer token-three"}', '{}',
	'[{"Cache-Control":"no-store"},{"x-ratelimit-remaining":"99"},{"X-A":"1"}]');
SELECT pg_temp.request('{"authorization":"Bearer token-four"}', '{}', '[]');
SELECT pg_temp.request('{"authorization":"Bearer token-five"}', '{}', '{"X-A":"1"}');
SELECT pg_temp.request('{"authorization":"Bearer token-six"}', '{}', 'not json');
-- A request context that PostgREST could not have set.
SELECT pg_temp.request('{"authorization":');
SELECT pg_temp.request('["authorization"]');
SELECT pg_temp.request('{}', '"web_anon"');

-- Endpoint classes: a request matching a rule of podrec.rate_limit_classes
-- has a budget of its own with the rule's limit; the most specific rule
-- wins (method and path, then exact path, then longer prefix, then method).
SET podrec.rate_limit_classes = 'POST=3, /rpc/mget=1, GET /rpc/records_list=0, /rpc/*=4, post /rpc/record_create = 2';
SHOW podrec.rate_limit_classes;
SELECT m, p, c.*
  FROM (VALUES ('POST', '/rpc/mget'), ('GET', '/rpc/mget'), ('post', '/items'),
               ('GET', '/rpc/records_list'), ('POST', '/rpc/records_list'),
               ('GET', '/rpc/source_data'), ('POST', '/rpc/record_create'),
               ('GET', '/items'), (NULL, NULL)) AS r (m, p),
       podrec.rate_limit_class(r.m, r.p) AS c;
-- The class comes from request.method and request.path, as PostgREST sets them.
CREATE FUNCTION pg_temp.call(method text, path text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_catalog.set_config('request.method', method, true);
	PERFORM pg_catalog.set_config('request.path', path, true);
	RETURN pg_temp.request('{"authorization":"Bearer token-classes"}', '{}');
END
$$;
SELECT pg_temp.call('POST', '/rpc/mget');
SELECT pg_temp.call('POST', '/rpc/mget');
SELECT current_setting('regress.message')::jsonb ->> 'details' AS details;
SELECT pg_temp.call('POST', '/items');
SELECT pg_temp.call('PATCH', '/items');
SELECT pg_temp.call('GET', '/rpc/records_list') FROM generate_series(1, 3);
SELECT pg_temp.call('GET', '/items');
SELECT pg_temp.call('GET', '/items');
SELECT pg_temp.call('GET', '/items');
-- Malformed rules are refused when set, and the rules in force stay.
SET podrec.rate_limit_classes = 'POST';
SET podrec.rate_limit_classes = '/a*b=3';
SET podrec.rate_limit_classes = 'GET=-1';
SET podrec.rate_limit_classes = 'GET=many';
SET podrec.rate_limit_classes = '=4';
SET podrec.rate_limit_classes = 'GET /a /b=4';
SHOW podrec.rate_limit_classes;
RESET podrec.rate_limit_classes;
SELECT * FROM podrec.rate_limit_class('POST', '/rpc/mget');
RESET podrec.rate_limit;
SELECT podrec.rate_limit_reset() >= 0 AS forgot_everyone;
