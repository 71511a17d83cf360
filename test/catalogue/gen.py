#!/usr/bin/python3
"""The bad-input catalogue: inputs podrec refuses, and the errors they get.

Every case below is run against the installed extension (in a fresh database,
connecting with the PG* environment variables); its SQLSTATE and message must
be the ones written in the case.  The README section between
<!-- catalogue:start --> and <!-- catalogue:end --> is generated from the cases.

    gen.py --check      run the cases; fail if one errs otherwise or the README differs
    gen.py --write      run the cases; rewrite the README section
    gen.py --bootstrap  print every case with the error it gets now (to write new cases)

A case is (function, what the input is, SQL, SQLSTATE, message).  A case whose
function is not installed is left out of the run and of the README, so a
function added later is one more line here.
"""
import os
import re
import sys

import psycopg2

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
README = os.path.join(ROOT, "README.md")
START, END = "<!-- catalogue:start -->", "<!-- catalogue:end -->"

FIXTURE = """
CREATE EXTENSION podrec;
SELECT podrec.account_put('acme', 'Acme');
SELECT podrec.flow_put('f', 'acme');
SELECT podrec.flow_put('g', 'acme', 'G', '/g');
SELECT podrec.record_type_create('Alerts', '[
	{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Low"]},
	{"name": "Count", "result_type": "NUMBER"}]', 'acme');
SELECT count(*) FROM podrec.items_put('[{"n": 1}, {"n": 2}, {"n": 3}]', 'f');
SELECT podrec.record_type_install('request_logs', account_id => 'acme') IS NOT NULL;
DO $$BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'podrec_catalogue_tenant') THEN
		CREATE ROLE podrec_catalogue_tenant IN ROLE podrec_app;
	END IF;
END$$;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('podrec_catalogue_tenant', 'acme')
	ON CONFLICT DO NOTHING;
"""

# Functions whose cases run as a role that acts for account acme (typed
# records belong to the caller's account).
TENANT = {"record_create", "record_query", "record_fetch"}

CURSOR = "(SELECT podrec.cursor_of(i) FROM podrec.find('f', '{\"limit\": 1}') AS i)"

# (function as the README names it, the input in words, SQL, SQLSTATE, message)
CASES = [
    ('records_flatten', 'an item that is not an object', "SELECT podrec.records_flatten('[1]')",
     '22023', 'cannot call records_flatten on a non-object'),
    ('records_flatten', 'an empty separator', "SELECT podrec.records_flatten('{}', '')",
     '22023', 'separator of records_flatten must not be empty'),
    ('records_flatten', 'a separator with a backslash', "SELECT podrec.records_flatten('{}', '\\')",
     '22023', 'separator of records_flatten must not contain a backslash'),
    ('records_flatten', 'an item nested 20,000 levels', 'SELECT podrec.records_flatten((\'{"a":\' || repeat(\'[\', 20000) || repeat(\']\', 20000) || \'}\')::jsonb)',
     '54001', 'stack depth limit exceeded'),
    ('records_unflatten', 'conflicting keys', 'SELECT podrec.records_unflatten(\'{"a": 1, "a.b": 2}\')',
     '22023', 'flat keys "a" and "a.b" conflict'),
    ('records_unflatten', 'a bad escape', 'SELECT podrec.records_unflatten(\'{"a\\\\x": 1}\')',
     '22025', 'invalid escape in flat key "a\\x"'),
    ('records_unflatten', 'a record that is not an object', "SELECT podrec.records_unflatten('5')",
     '22023', 'cannot call records_unflatten on a non-object'),
    ('flat_get', 'a bad escape in the key', "SELECT podrec.flat_get('{}', 'a\\x')",
     '22025', 'invalid escape in flat key "a\\x"'),
    ('item_put', 'an unknown flow', "SELECT podrec.item_put('nope', '{}')",
     '23503', 'flow "nope" does not exist'),
    ('item_put', 'an item that is not an object', "SELECT podrec.item_put('f', '[1]')",
     '22023', 'item must be a JSON object'),
    ('items_put', 'a malformed _id', 'SELECT podrec.items_put(\'[{"_id": "bad"}]\', \'f\')',
     '22P02', 'invalid _id: "bad"'),
    ('items_put', 'a batch that is not an array', "SELECT podrec.items_put('{}', 'f')",
     '22023', 'docs must be a JSON array of items'),
    ('items_put', 'a created_at that is not ISO 8601', 'SELECT podrec.items_put(\'[{"created_at": "yesterday"}]\', \'f\')',
     '22007', 'item key "created_at" is not an ISO 8601 timestamp: "yesterday"'),
    ('items_put', 'the same _id twice in a batch', 'SELECT podrec.items_put(\'[{"_id": "00000000000000000000a001"}, {"_id": "00000000000000000000a001"}]\', \'f\')',
     '23505', 'duplicate uid "00000000000000000000a001" in the batch'),
    ('items_put', 'an unknown status', "SELECT podrec.items_put('[{}]', 'f', 'done')",
     '22023', 'invalid status "done"'),
    ('items_put', 'a raw item with keys of a drop', 'SELECT podrec.items_put(\'[{"_id": "00000000000000000000a002", "elems": {}}]\', \'f\')',
     '22023', 'item mixes the raw item and drop formats'),
    ('flow_put', 'a path without a leading slash', "SELECT podrec.flow_put('h', 'acme', NULL, 'no-slash')",
     '22023', 'invalid flow path "no-slash"'),
    ('flow_put', 'an unknown account', "SELECT podrec.flow_put('h', 'nobody')",
     '23503', 'account "nobody" does not exist'),
    ('filter_compile', 'a text filter with a syntax error', "SELECT podrec.filter_compile('n ==')",
     '42601', 'syntax error at end of filter'),
    ('filter_compile', 'a single =', "SELECT podrec.filter_compile('n = 1')",
     '42601', 'syntax error at or near "=" in filter'),
    ('filter_compile', 'an unknown operator (Django style)', 'SELECT podrec.filter_compile(\'{"n": {"operator": "eq", "value": [1]}}\'::jsonb)',
     '22023', 'invalid operator "eq" for key "n"'),
    ('filter_compile', 'an unknown operator (record filters)', 'SELECT podrec.filter_compile(\'[{"field_id": "n", "operator": "NEAR", "value": 1}]\'::jsonb)',
     '22023', 'invalid operator "NEAR" in filter 1'),
    ('filter_compile', 'a filter that is a number', "SELECT podrec.filter_compile('5'::jsonb)",
     '22023', 'filter must be a JSON array, object or string'),
    ('filter_compile', 'a PostgREST filter with an unknown operator', "SELECT podrec.filter_compile('n=xx.1')",
     '42601', 'syntax error at or near "=" in filter'),
    ('filter_compile', 'a list that is not closed', "SELECT podrec.filter_compile('n IN (1, 2')",
     '42601', 'syntax error at or near "(" in filter'),
    ('filter_compile', 'a regular expression that is not closed', "SELECT podrec.filter_compile('n =~ /abc')",
     '42601', 'syntax error at or near "/abc" in filter'),
    ('filter_compile', 'a filter nested 10,000 levels', "SELECT podrec.filter_compile(repeat('(', 10000) || 'n == 1' || repeat(')', 10000))",
     '54000', 'filter is nested too deeply'),
    ('matches', 'an AGE condition without a reference time', "SELECT podrec.matches('{}', 'AGE > 1')",
     '22023', 'AGE conditions need a reference time'),
    ('filter_resolve', 'a field id the record type does not have', 'SELECT podrec.filter_resolve(\'[{"field_id": "9", "operator": "EQUAL", "value": "x"}]\', \'{"5": {"key": "a"}}\')',
     '22023', 'unknown field "9" in filter'),
    ('filter_resolve', 'a value of the wrong type', 'SELECT podrec.filter_resolve(\'[{"field_id": "5", "operator": "EQUAL", "value": "ten"}]\', \'{"5": {"key": "a", "type": "NUMBER"}}\')',
     '22023', 'invalid value "ten" for number field "5" in filter 1'),
    ('record_type_create', 'an empty name', "SELECT podrec.record_type_create('', '[]', 'acme')",
     '22023', 'record type names must have 1 to 200 characters'),
    ('record_type_create', 'a field without a result type', 'SELECT podrec.record_type_create(\'X\', \'[{"name": "a"}]\', \'acme\')',
     '22023', 'field "a" has no result_type'),
    ('record_type_create', 'an unknown result type', 'SELECT podrec.record_type_create(\'X\', \'[{"name": "a", "result_type": "STRING"}]\', \'acme\')',
     '22023', 'invalid result_type "STRING" of field "a"'),
    ('record_type_create', 'two fields of one name', 'SELECT podrec.record_type_create(\'X\', \'[{"name": "a", "result_type": "TEXT"}, {"name": "a", "result_type": "NUMBER"}]\', \'acme\')',
     '22023', 'field name "a" is used twice'),
    ('record_type_create', 'a text enum without values', 'SELECT podrec.record_type_create(\'X\', \'[{"name": "a", "result_type": "TEXT_ENUM"}]\', \'acme\')',
     '22023', 'field "a" of type TEXT_ENUM needs fixed_values'),
    ('record_type_create', 'a computed field that does not parse', 'SELECT podrec.record_type_create(\'X\', \'[{"name": "a", "result_type": "NUMBER", "computed": "$.x +"}]\', \'acme\')',
     '22023', 'invalid computed expression of field "a"'),
    ('record_type_create', 'an unknown account', "SELECT podrec.record_type_create('X', '[]', 'nobody')",
     '23503', 'account "nobody" does not exist'),
    ('record_type_get', 'an unknown record type', 'SELECT podrec.record_type_get(99)',
     '42704', 'record type 99 does not exist'),
    ('records_create', 'a value outside a text enum', 'SELECT podrec.records_create(1, \'[{"Alert": "Urgent"}]\')',
     '22023', 'invalid value "Urgent" for text enum field "Alert"'),
    ('records_create', 'a number that is not one', 'SELECT podrec.records_create(1, \'[{"Count": "ten"}]\')',
     '22023', 'invalid value "ten" for number field "Count"'),
    ('records_create', 'an unknown field', 'SELECT podrec.records_create(1, \'[{"Colour": "red"}]\')',
     '22023', 'unknown field "Colour"'),
    ('records_create', 'records that are not an array', 'SELECT podrec.records_create(1, \'{"Alert": "High"}\')',
     '22023', 'records must be a JSON array of field values'),
    ('record_get', 'an unknown record', 'SELECT podrec.record_get(99)',
     '42704', 'record 99 does not exist'),
    ('record_delete', 'an unknown record', 'SELECT podrec.record_delete(99)',
     '42704', 'record 99 does not exist'),
    ('artifact_get', 'an unknown artifact', 'SELECT podrec.artifact_get(99)',
     '42704', 'artifact 99 does not exist'),
    ('records_list', 'no record type', "SELECT podrec.records_list('{}')",
     '22023', 'record_type_id or record_field_ids is required'),
    ('records_list', 'a page that is not a number', 'SELECT podrec.records_list(\'{"record_type_id": 1, "page": "two"}\')',
     '22023', 'page must be an integer'),
    ('records_list', 'per_page above the limit', 'SELECT podrec.records_list(\'{"record_type_id": 1, "per_page": 100000}\')',
     '22023', 'per_page must be at most 500'),
    ('records_list', 'an order field that is not an id', 'SELECT podrec.records_list(\'{"record_type_id": 1, "order_field_id": "T"}\')',
     '22023', 'order_field_id must be an integer'),
    ('records_list', 'an unknown filter operator', 'SELECT podrec.records_list(\'{"record_type_id": 1, "filters": [{"field_id": "Count", "operator": "NEAR", "value": 1}]}\')',
     '22023', 'invalid operator "NEAR" in filter 1'),
    ('record_create_tines', 'an unknown record type', 'SELECT podrec.record_create_tines(\'{"record_type_id": 99, "field_values": []}\')',
     '42704', 'record type 99 does not exist'),
    ('rate_limit_take', 'a cost below 1', "SELECT podrec.rate_limit_take('k', 0)",
     '22023', 'cost of rate_limit_take must be at least 1'),
    ('rate_limit_take', 'an empty client key', "SELECT podrec.rate_limit_take('')",
     '22023', 'client key of rate_limit_take must not be empty'),
    ('require_account', 'a caller without an account', 'SELECT podrec.require_account()',
     '42501', 'role "postgres" acts for no podrec account'),

    ('find', 'a NULL flow', "SELECT * FROM podrec.find(NULL)",
     '22004', 'flow_id must not be null'),
    ('find', 'a flow the caller does not see', "SELECT * FROM podrec.find('nope')",
     '42704', 'flow "nope" does not exist'),
    ('find', 'params that are not an object', "SELECT * FROM podrec.find('f', '[]')",
     '22023', 'params must be a JSON object'),
    ('find', 'an unknown parameter', 'SELECT * FROM podrec.find(\'f\', \'{"limits": 1}\')',
     '22023', 'unknown parameter "limits"'),
    ('find', 'a negative limit', 'SELECT * FROM podrec.find(\'f\', \'{"limit": -1}\')',
     '22023', 'parameter "limit" must not be negative'),
    ('find', 'a limit over 1000', 'SELECT * FROM podrec.find(\'f\', \'{"limit": 1001}\')',
     '22023', 'parameter "limit" must be at most 1000'),
    ('find', 'a count that is not an integer', 'SELECT * FROM podrec.find(\'f\', \'{"skip": 2.5}\')',
     '22023', 'parameter "skip" must be an integer'),
    ('find', 'skip and start together', 'SELECT * FROM podrec.find(\'f\', \'{"skip": 1, "start": 2}\')',
     '22023', 'parameters "skip" and "start" name the same thing'),
    ('find', 'a time that is not one', 'SELECT * FROM podrec.find(\'f\', \'{"start_date": "yesterday"}\')',
     '22023', 'parameter "start_date" must be an ISO 8601 timestamp or epoch milliseconds'),
    ('find', 'an unknown order', 'SELECT * FROM podrec.find(\'f\', \'{"order": "up"}\')',
     '22023', 'parameter "order" must be "asc" or "desc"'),
    ('find', 'an empty sort', 'SELECT * FROM podrec.find(\'f\', \'{"sort": ""}\')',
     '22023', 'parameter "sort" must not be empty'),
    ('find', 'an unknown status', 'SELECT * FROM podrec.find(\'f\', \'{"status": "done"}\')',
     '22023', 'invalid status "done" in parameter "status"'),
    ('find', 'a filter that does not parse', 'SELECT * FROM podrec.find(\'f\', \'{"filter": "n =="}\')',
     '42601', 'syntax error at end of filter'),
    ('find', 'a cursor that does not decode', 'SELECT * FROM podrec.find(\'f\', \'{"after": "not a cursor!"}\')',
     '22023', 'invalid cursor in parameter "after"'),
    ('find', 'a cursor of another order', "SELECT * FROM podrec.find('f', jsonb_build_object('after', %s, 'order', 'asc'))" % CURSOR,
     '22023', 'cursor in parameter "after" belongs to another order'),
    ('mget', 'a NULL body', "SELECT * FROM podrec.mget(NULL)",
     '22004', 'requests must not be null'),
    ('mget', 'a body that is not an array', 'SELECT * FROM podrec.mget(\'{"flowId": "f"}\')',
     '22023', 'requests must be a JSON array of {"flowId", "params"} objects'),
    ('mget', 'a request without a flowId', 'SELECT * FROM podrec.mget(\'[{"flowId": "f"}, {"params": {}}]\')',
     '22023', 'request 2: flowId is missing'),
    ('mget', 'a flowId that is not a string', 'SELECT * FROM podrec.mget(\'[{"flowId": 7}]\')',
     '22023', 'request 1: flowId must be a string'),
    ('mget', 'an unknown key in a request', 'SELECT * FROM podrec.mget(\'[{"flowId": "f", "param": {}}]\')',
     '22023', 'request 1: unknown key "param"'),
    ('mget', 'params that are not an object', 'SELECT * FROM podrec.mget(\'[{"flowId": "f", "params": [1]}]\')',
     '22023', 'request 1: params must be a JSON object'),
    ('mget', 'a repeated flowId', 'SELECT * FROM podrec.mget(\'[{"flowId": "f"}, {"flowId": "f", "params": {"skip": 1}}]\')',
     '22023', 'request 2: flowId "f" is repeated'),
    ('mget', 'a find error in a request', 'SELECT * FROM podrec.mget(\'[{"flowId": "f"}, {"flowId": "g", "params": {"limit": -1}}]\')',
     '22023', 'request 2: parameter "limit" must not be negative'),
    ('mget', 'a flow the caller does not see', 'SELECT * FROM podrec.mget(\'[{"flowId": "nope"}]\')',
     '42704', 'request 1: flow "nope" does not exist'),
    ('mget', 'more than 100 requests', "SELECT * FROM podrec.mget((SELECT jsonb_agg(jsonb_build_object('flowId', 'f' || i)) FROM generate_series(1, 101) AS i))",
     '54000', 'too many requests: 101'),
    ('mget_response', 'a flatten other than flat', "SELECT podrec.mget_response('[]', 'nested')",
     '22023', 'invalid flatten "nested"'),
    ('mget_response', 'a bad request', 'SELECT podrec.mget_response(\'[{"flowId": "f", "params": {"order": "up"}}]\')',
     '22023', 'request 1: parameter "order" must be "asc" or "desc"'),
    ('records', 'params that are not an object', "SELECT * FROM podrec.records('[]')",
     '22023', 'params must be a JSON object'),
    ('records', 'an unknown parameter', 'SELECT * FROM podrec.records(\'{"flow": "f"}\')',
     '22023', 'unknown parameter "flow"'),
    ('records', 'an unknown flow', 'SELECT * FROM podrec.records(\'{"flow_id": "nope"}\')',
     '42704', 'flow "nope" does not exist'),
    ('records', 'a join_by that is not text', 'SELECT * FROM podrec.records(\'{"join_by": 5}\')',
     '22023', 'parameter "join_by" must be a string'),
    ('records', 'a join_by with a bad escape', 'SELECT * FROM podrec.records(\'{"join_by": "a\\\\x"}\')',
     '22025', 'invalid escape in flat key "a\\x"'),
    ('record_create', 'a payload that is not an object or an array', "SELECT podrec.record_create('5', 'request_logs')",
     '22023', 'payload must be a JSON object or an array of them'),
    ('record_create', 'an unknown record type', "SELECT podrec.record_create('{}', 'nope')",
     '42704', 'record type "nope" does not exist'),
    ('record_create', 'an unknown field', 'SELECT podrec.record_create(\'{"input": "[]", "colour": "red"}\', \'request_logs\')',
     '22023', 'unknown field "colour"'),
    ('record_create', 'no input', 'SELECT podrec.record_create(\'{"model": "gpt-4o"}\', \'request_logs\')',
     '22023', 'field "input" is required'),
    ('record_create', 'an input that is not JSON for chat', 'SELECT podrec.record_create(\'{"input": "not json"}\', \'request_logs\')',
     '22P02', 'value of field "input" is not valid JSON: "not json"'),
    ('record_create', 'a log type outside the enum', 'SELECT podrec.record_create(\'{"input": "[]", "log_type": "chatty"}\', \'request_logs\')',
     '22023', 'invalid value "chatty" for text enum field "log_type"'),
    ('record_create', 'a status code that is not HTTP', 'SELECT podrec.record_create(\'{"input": "[]", "status_code": 700}\', \'request_logs\')',
     '22023', 'status_code must be an HTTP status code from 100 to 599'),
    ('record_create', 'a unique_id that is not a string', 'SELECT podrec.record_create(\'{"input": "[]", "unique_id": 5}\', \'request_logs\')',
     '22023', 'unique_id must be a string of 1 to 200 characters'),
    ('record_create', 'a timestamp that is not ISO 8601', 'SELECT podrec.record_create(\'{"input": "[]", "timestamp": "yesterday"}\', \'request_logs\')',
     '22007', 'timestamp is not an ISO 8601 timestamp: "yesterday"'),
    ('record_create', 'a control that is not a boolean', 'SELECT podrec.record_create(\'{"input": "[]", "keywordsai_api_controls": {"block": 1}}\', \'request_logs\')',
     '22023', 'keywordsai_api_controls.block must be true or false'),
    ('record_create', 'a bad record in a batch', 'SELECT podrec.record_create(\'[{"input": "[]"}, {"input": "[]", "latency": "slow"}]\', \'request_logs\')',
     '22023', 'invalid value "slow" for number field "latency"'),
    ('record_query', 'params that are not an object', "SELECT podrec.record_query('[]', '{}', 'request_logs')",
     '22023', 'params must be a JSON object'),
    ('record_query', 'a page size over the limit', 'SELECT podrec.record_query(\'{"page_size": 5000}\', \'{}\', \'request_logs\')',
     '22023', 'page_size must be at most 1000'),
    ('record_query', 'page 0', 'SELECT podrec.record_query(\'{"page": 0}\', \'{}\', \'request_logs\')',
     '22023', 'page must be at least 1'),
    ('record_query', 'an unknown sort', 'SELECT podrec.record_query(\'{"sort_by": "size"}\', \'{}\', \'request_logs\')',
     '22023', 'invalid sort_by "size"'),
    ('record_query', 'a start time that is not ISO 8601', 'SELECT podrec.record_query(\'{"start_time": "yesterday"}\', \'{}\', \'request_logs\')',
     '22007', 'start_time is not an ISO 8601 timestamp: "yesterday"'),
    ('record_query', 'an unknown query parameter', 'SELECT podrec.record_query(\'{"limit": 5}\', \'{}\', \'request_logs\')',
     '22023', 'unknown query parameter "limit"'),
    ('record_query', 'a filter on an unknown field', 'SELECT podrec.record_query(\'{}\', \'{"filters": {"colour": {"operator": "", "value": "red"}}}\', \'request_logs\')',
     '22023', 'unknown field "colour" in filter'),
    ('record_query', 'an unknown filter operator', 'SELECT podrec.record_query(\'{}\', \'{"filters": {"cost": {"operator": "between", "value": [1, 2]}}}\', \'request_logs\')',
     '22023', 'invalid operator "between" for key "cost"'),
    ('record_query', 'a value of the wrong type', 'SELECT podrec.record_query(\'{}\', \'{"filters": {"cost": {"operator": "gt", "value": ["cheap"]}}}\', \'request_logs\')',
     '22023', 'invalid value "cheap" for number field "cost"'),
    ('record_fetch', 'an unknown unique_id', "SELECT podrec.record_fetch('nope', 'request_logs')",
     'P0002', 'record "nope" does not exist'),
]


def installed(cur, fn):
    cur.execute("SELECT count(*) FROM pg_proc WHERE proname = %s AND pronamespace = 'podrec'::regnamespace", (fn,))
    return cur.fetchone()[0] > 0


def run_cases():
    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    acur = admin.cursor()
    acur.execute("DROP DATABASE IF EXISTS podrec_catalogue")
    acur.execute("CREATE DATABASE podrec_catalogue")
    admin.close()
    conn = psycopg2.connect(dbname="podrec_catalogue")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(FIXTURE)
    results = []
    for fn, what, sql, state, message in CASES:
        if not installed(cur, fn):
            continue
        if fn in TENANT:
            cur.execute("SET ROLE podrec_catalogue_tenant")
        try:
            cur.execute(sql)
            got = ("00000", "(no error)")
        except psycopg2.Error as e:
            got = (e.pgcode or "", (e.diag.message_primary or "").strip())
        if fn in TENANT:
            cur.execute("RESET ROLE")
        results.append(((fn, what, sql, state, message), got))
    statuses = {}
    for (_fn, _what, _sql, state, _message), _got in results:
        if state and state not in statuses:
            cur.execute("SELECT podrec.http_status(%s)", (state,))
            statuses[state] = cur.fetchone()[0]
    conn.close()
    return [(case, got, statuses.get(case[3])) for case, got in results]


def markdown(results):
    lines = ["| function | input | SQLSTATE | HTTP | message |", "| --- | --- | --- | --- | --- |"]
    for (fn, what, _sql, state, message), _got, status in results:
        msg = message.replace("|", "\\|")
        lines.append("| `%s` | %s | %s | %s | `%s` |" % (fn, what, state, status, msg))
    return "\n".join(lines)


def section(results):
    return "%s\n%s\n%s" % (START, markdown(results), END)


def main(mode):
    results = run_cases()
    if mode == "--bootstrap":
        for (fn, what, sql, _s, _m), (state, message), _status in results:
            print("    (%r, %r, %r,\n     %r, %r)," % (fn, what, sql, state, message))
        return 0
    bad = [(case, got) for case, got, _status in results if (case[3], case[4]) != got]
    for case, got in bad:
        print("catalogue: %s (%s): expected %s %r, got %s %r" % (case[0], case[1], case[3], case[4], got[0], got[1]))
    readme = open(README, encoding="utf-8").read()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        print("catalogue: README.md has no %s ... %s section" % (START, END))
        return 1
    new = pattern.sub(lambda m: section(results), readme)
    if mode == "--write":
        if not bad:
            open(README, "w", encoding="utf-8").write(new)
        print("catalogue: %d cases, %d wrong%s" % (len(results), len(bad), "" if bad else ", README written"))
        return 1 if bad else 0
    stale = new != readme
    if stale:
        print("catalogue: README.md is out of date: run test/catalogue/gen.py --write")
    print("catalogue: %d cases, %d wrong, README %s" % (len(results), len(bad), "out of date" if stale else "up to date"))
    return 1 if bad or stale else 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("--check", "--write", "--bootstrap"):
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
