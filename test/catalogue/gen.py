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
"""

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

    # Functions written elsewhere: their cases go here, left out until the
    # function is installed (then the check fails until the error is written in).
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
        try:
            cur.execute(sql)
            got = ("00000", "(no error)")
        except psycopg2.Error as e:
            got = (e.pgcode or "", (e.diag.message_primary or "").strip())
        results.append(((fn, what, sql, state, message), got))
    statuses = {}
    for (_fn, _what, _sql, state, _message), _got in results:
        if state and state not in statuses:
            cur.execute("SELECT podrec.http_status(%s)", (state,))
            statuses[state] = cur.fetchone()[0]
    conn.close()
    return [(case, got, statuses.get(case[3])) for case, got in results]
    return results


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
