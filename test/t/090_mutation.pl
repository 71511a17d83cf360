# Mutated input through every SQL function of schemas podrec and podrec_api.
#
# The functions are read from pg_proc, so a function added later is called too:
# %ARGS below maps a function to the generators of its arguments, and a function
# it does not name gets the generators of its argument types.  Functions that
# are not installed (yet) are skipped, whatever %ARGS says.
#
# Each argument starts from a valid value (an item, a filter of every dialect, a
# request body, a record type definition read from the fixture...) and is
# mutated, deterministically from PODREC_MUTATION_SEED: byte flips,
# truncation, deep nesting, huge numbers, wrong types, unicode, NUL escapes,
# separators, long strings, NULL.  Every call must either succeed or fail with a
# clean ERROR whose SQLSTATE is not XX000 (an internal error) and not of class
# 58 or XX; the backend must answer the next call, the server log must show no
# backend terminated by a signal, and no call may run into statement_timeout.
#
#   PODREC_MUTATION_N     inputs per function as the superuser, a third of it as a
#                         tenant (default 100)
#   PODREC_MUTATION_SEED  seed of the mutations (default 9)
use strict;
use warnings;

use Encode qw(decode encode FB_DEFAULT);
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $N = $ENV{PODREC_MUTATION_N} // 100;
my $SEED = $ENV{PODREC_MUTATION_SEED} // 9;
srand($SEED);
my $json = JSON::PP->new->canonical->allow_nonref->max_depth(100000);
no warnings 'recursion';

my $node = PostgreSQL::Test::Cluster->new('mutation');
$node->init;
# A crash must not end the test: the server restarts, the next calls go on.
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'podrec'\nmax_stack_depth = '2MB'\nrestart_after_crash = on\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE mut');

# The fixture: two accounts, flows, items, a record type with records, a
# tenant role mapped to account A.
$node->safe_psql('mut', q{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acct_a', 'Alpha'), podrec.account_put('acct_b', 'Beta');
SELECT podrec.flow_put('fa', 'acct_a'), podrec.flow_put('fb', 'acct_b', 'Beta', '/beta');
SELECT count(*) FROM podrec.items_put('[
  {"_id": "00000000000000000000a001", "n": 1, "created_at": "2025-01-01", "m": [{"flow_step_id": "s", "x": {"y": 1}}]},
  {"_id": "00000000000000000000a002", "n": 2, "created_at": "2025-01-02", "tags": ["a", "b"]}]', 'fa');
SELECT count(*) FROM podrec.items_put('[{"_id": "00000000000000000000b001", "n": 1, "secret": "b"}]', 'fb');
SELECT podrec.record_type_create('Alerts', '[
	{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Low"]},
	{"name": "Count", "result_type": "NUMBER", "indexed": true, "default": "0"},
	{"name": "Due", "result_type": "TIMESTAMP"},
	{"name": "Title", "result_type": "TEXT", "aliases": ["Subject"]},
	{"name": "Done", "result_type": "BOOLEAN"},
	{"name": "Data", "result_type": "OBJECT"},
	{"name": "List", "result_type": "ARRAY"},
	{"name": "Twice", "result_type": "NUMBER", "computed": "$.Count * 2"},
	{"name": "File", "result_type": "ARTIFACT"}]', 'acct_a');
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "High", "Count": 3, "Title": "t", "Data": {"a": 1}, "List": [1, 2], "File": "abc"}, {"Alert": "Low"}]', 'fa');
-- The typed record type gets an id no generator of ids makes, so that mutated
-- calls of record_type_alter, record_type_api_set... do not take its API away.
SELECT pg_catalog.setval('podrec.record_types_id_seq', 1000);
SELECT podrec.record_type_install('request_logs', account_id => 'acct_a') IS NOT NULL;
CREATE ROLE mut_a LOGIN IN ROLE podrec_app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('mut_a', 'acct_a');
-- One call, its outcome: ok, or the SQLSTATE and message of its error.
CREATE ROLE mut_auth LOGIN NOINHERIT IN ROLE podrec_user, podrec_anon;
-- One call, after its setup (settings of the request), and its outcome.
CREATE FUNCTION public.mut_try(q text, setup text DEFAULT NULL) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN
	IF setup IS NOT NULL THEN
		EXECUTE setup;
	END IF;
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ' ' || pg_catalog.translate(pg_catalog.left(msg, 200), E'\n\r', '  ');
END $$;
GRANT EXECUTE ON FUNCTION public.mut_try(text, text) TO PUBLIC;
});

# Valid values read from the fixture.
my $def = $node->safe_psql('mut', 'SELECT podrec.record_type_def(1)');
my $field = $node->safe_psql('mut', q{SELECT podrec.record_type_def(1) -> 'fields' -> 1});
my $field_def = $node->safe_psql('mut', q{SELECT podrec.record_type_json(1) -> 'record_fields'});
my $rid = $node->safe_psql('mut', q{SELECT min(id) FROM podrec.items WHERE record_type_id = 1});
my $item_id = $node->safe_psql('mut', q{SELECT min(id) FROM podrec.items});
my $artifact_id = $node->safe_psql('mut', q{SELECT coalesce(min(id), 1) FROM podrec.artifacts});
# A cursor of flow fa, an item row, a typed record (created by the tenant).
my $cursor = $node->safe_psql('mut', q{SELECT podrec.cursor_of(i) FROM podrec.find('fa', '{"limit": 1}') AS i});
my $cursor_asc = $node->safe_psql('mut', q{SELECT podrec.cursor_of(i, '{"order": "asc"}') FROM podrec.find('fa', '{"limit": 1, "order": "asc"}') AS i});
my $item_row = $node->safe_psql('mut', q{SELECT i::text FROM podrec.items AS i WHERE flow_id = 'fa' ORDER BY id LIMIT 1});
my $rl_type = $node->safe_psql('mut', q{SELECT id FROM podrec.record_types WHERE name = 'request_logs'});
$node->safe_psql('mut', q{SELECT podrec.record_create('{"unique_id": "log_m0", "input": "[]", "model": "gpt-4o", "usage": {"prompt_tokens": 1, "completion_tokens": 2}, "latency": 1.5, "metadata": {"k": "v"}}', 'request_logs')},
	extra_params => [ '-U', 'mut_a' ]);

# ---------------------------------------------------------------------
# Valid values, by kind.
# ---------------------------------------------------------------------
my %base = (
	item => [
		'{"_id": "00000000000000000000a009", "n": 1, "created_at": "2025-01-01", "m": [{"flow_step_id": "s", "x": {"y": 1}}], "tags": ["a", "b"]}',
		'{"a": {"b": [1, 2, {"c": null}]}, "d": true, "e": "x.y"}',
		'{"barcode_scanning": [{"flow_step_id": "b", "code": "X1"}, {"flow_step_id": "c", "code": "X2"}]}',
		'{"id": "d00000000000000000000a007", "creationDate": 1420740176213, "elems": {"a": 1}}',
		'{}', '[]', '1', '"s"', 'null',
	],
	batch => [
		'[{"_id": "00000000000000000000a00a", "n": 1, "created_at": "2025-01-01"}, {"n": 2, "m": [{"flow_step_id": "s", "x": 1}]}]',
		'[{"id": "d00000000000000000000a00b", "creationDate": 1420740176213, "elems": {"a": 1}}]', '[{}]', '[]',
	],
	flat => [ '{"a.s.b": 1, "c.d.1": 1, "c.d.2": 2}', '{"m.s.v": 1, "m.2.v": 2}', '{"a\\\\.b": 1}', '{}' ],
	filter_text => [
		'n == 1 AND EXISTS a.b', 'AGE > 1', 'n=eq.1', 'secret=like.*&n=gte.0', '$.** ? (@ == "b")',
		'["secret"] =~ /.*/', 'n IN (1, 2) OR NOT m.s.x.y < 3', 'created_at > "2025-01-01"', 'tags CONTAINS "a"',
		'n=in.(1,2)&or=(a.eq.1,b.is.null)',
	],
	filter_json => [
		'{"n": {"operator": "gte", "value": [2]}}', '[{"field_id": "n", "operator": "EQUAL", "value": "2"}]',
		'{"n": {"operator": "in", "value": [1, 2]}, "e": {"operator": "", "value": "x"}}',
		'[{"field_id": "created_at", "operator": "IS_AFTER", "value": "2025-01-01"}, {"field_id": "n", "operator": "IS_EMPTY"}]',
		'{"and": [{"n": {"operator": "eq", "value": 1}}]}', '"n == 1"', '[]', '{}',
	],
	fields => [ '{"5": {"key": "n", "type": "NUMBER"}}', '{"5": {"key": "a"}, "6": {"key": "b.c", "type": "BOOLEAN"}}', '[]' ],
	list_body => [
		'{"record_type_id": 1, "per_page": 1, "filters": [{"field_id": "Count", "operator": "GREATER_THAN", "value": 1}]}',
		'{"record_type_id": "1", "record_field_ids": ["3", 6], "per_page": 2, "page": 2, "order_direction": "ASC"}',
		'{"record_type_id": 1, "order_field_id": 4, "test_mode": true}',
		'{"record_type_id": 1, "filters": [{"field_id": "Alert", "operator": "IS_ANY_OF", "value": ["High"]}]}',
	],
	create_body => [
		'{"record_type_id": 1, "field_values": [{"field_id": "Alert", "value": "Low"}, {"field_id": "Count", "value": "5"}]}',
		'{"record_type_id": "1", "test_mode": "true", "story_id": "fa", "case_ids": [2, 1], "field_values": [{"field_id": "Due", "value": "2023-06-13 18:13:15"}]}',
	],
	update_body => [
		'{"field_values": [{"field_id": "Alert", "value": "High"}, {"field_id": "Title", "value": null}], "add_case_ids": [7], "remove_case_ids": [1]}',
		'{}',
	],
	records => [ '[{"Alert": "High", "Count": 3, "Title": "t"}, {"Alert": "Low", "List": [1], "Data": {"x": 1}}]', '[{}]', '[]' ],
	field_values => [ '{"Alert": "Low", "Count": 9}', '{"Title": null}', '{}' ],
	field_defs => [ '[{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Low"]}, {"name": "N", "result_type": "NUMBER", "computed": "$.x * 2"}]',
		'[{"name": "a", "result_type": "TEXT", "parse_by": "b", "parse_modes": {"x": "any"}}, {"name": "b", "result_type": "TEXT"}]', $field_def, '[]' ],
	changes => [ '{"name": "Renamed", "add_fields": [{"name": "New", "result_type": "TEXT"}]}', '{"description": "d"}', '{}' ],
	def => [ $def ],
	field => [ $field, '{"name": "x", "result_type": "NUMBER", "flat_key": "x"}' ],
	value => [ '"5"', '5', '"2023-06-13T18:13:15Z"', '[1, 2]', '{"a": 1}', 'true', 'null', '"High"' ],
	params => [ '{"per_page": 5, "page": "2", "test_mode": "true", "ids": [1, "2"], "list": ["a"]}' ],
	headers => [ '{"X-A": "1"}', '{}' ],
	req_headers => [ '{"authorization": "Bearer abc", "x-forwarded-for": "192.0.2.1, 10.0.0.1", "x-real-ip": "::1", "user-agent": "x"}',
		'{"x-forwarded-for": "2001:db8::1"}', '{}' ],
	claims => [ '{"role": "podrec_user", "account_id": "acct_a", "exp": 1999999999}', '{"role": "podrec_user", "account_id": ["acct_b"]}',
		'{"role": "podrec_anon"}', '{"account_id": "acct_a", "sub": "u1", "is_admin": true}' ],
	sep => [ '.', '/', '::', '\\', '' ],
	step_key => [ 'flow_step_id', 'step', '', '.' ],
	flat_key => [ 'a.s.b', 'm.1.x', 'a\\.b', '', '..', 'a\\x' ],
	flow => [ 'fa', 'fa', 'fb', 'nope', '' ],
	account => [ 'acct_a', 'acct_b', 'nobody', '' ],
	status => [ 'completed', 'completed', 'error', 'cancelled', 'in progress', 'pending' ],
	shape => [ 'item', 'record', 'flat', '' ],
	uid => [ '00000000000000000000a001', '0000000000000000000000c1', '0000000000000000000000c2', '00000000000000000000b001', 'bad', '' ],
	name => [ 'Alerts', 'X', 'Story Name', '' ],
	result_type => [ 'TEXT', 'NUMBER', 'BOOLEAN', 'TIMESTAMP', 'OBJECT', 'nope' ],
	sqlstate => [ '22023', 'P0002', '42704', '0A000', '23505', '42501', '' ],
	text => [ 'x', '', 'a.b', 'Alert' ],
	timestamp => [ '2025-01-01T00:00:00Z', '2025-03-05T14:38:22.903', 'infinity', '-infinity', 'epoch', '294276-12-31', '4713-01-01 BC' ],
	jsonpath => [ '$.a.b', '$.x * $rate', 'strict $.** ? (@ == $v)', '$', 'lax $.a[*] ? (@.b like_regex "x" flag "i")' ],
	int => [ 0, 1, 2, -1, 100, 2147483647, -2147483648 ],
	bigint => [ 0, 1, 2, -1, $rid, $item_id, $artifact_id, '9223372036854775807', '-9223372036854775808' ],
	type_id => [ 1, 1, 1, 2, 0, -1, '9223372036854775807' ],
	record_id => [ $rid, $rid, $rid, $item_id, 0, -1 ],
	artifact_id => [ $artifact_id, $artifact_id, 0, -1 ],
	bigints => [ '{}', "{1,$rid}", '{NULL}', '{{1},{2}}', '{-1,9223372036854775807}', '[2:3]={1,2}' ],
	bool => [ 'true', 'false' ],
	regclass => [ 'podrec.items', 'public.mut_t', 'pg_catalog.pg_class', 'nope' ],
	colname => [ 'account_id', 'id', 'nope' ],
	# find, mget, records: parameters of a find, bodies of mget
	find_params => [ '{"filter": "n == 1", "limit": 5}', '{"limit": "2", "skip": 1, "order": "ASC"}',
		qq{{"limit": 1, "after": "$cursor"}}, qq{{"order": "asc", "after": "$cursor_asc", "filter": {"n": {"operator": "gte", "value": [1]}}}},
		'{"start_date": "2025-01-01T00:00:00Z", "end_date": 1999999999999, "status": ["completed", "cancelled"]}',
		'{"sort": "m.s.x.y", "order": "asc", "filter": [{"field_id": "n", "operator": "GREATER_THAN", "value": "0"}]}',
		'{"sort": "updated_at", "start": 1}', '{}' ],
	mget_body => [ '[{"flowId": "fa", "params": {"limit": 1}}, {"flowId": "fb"}]',
		qq{[{"flowId": "fa", "params": {"filter": "n == 1", "after": "$cursor"}}]},
		'[{"flowId": "fa", "params": {"sort": "n", "order": "asc", "limit": 2}}, {"flowId": "nope"}]', '[]' ],
	flatten => [ 'flat', 'flat', 'nested', '' ],
	records_params => [ '{"flow_id": "fa", "limit": 5}', '{"join_by": "n"}', '{"filter": "n == 1", "sort": "n", "order": "asc"}',
		'{"start_date": "2025-01-01", "skip": 1}', '{}' ],
	item_row => [ $item_row ],
	# typed create and query (the request_logs template)
	payload => [ '{"unique_id": "log_m1", "input": "[{\\"role\\": \\"user\\", \\"content\\": \\"Hi\\"}]", "output": "{\\"role\\": \\"assistant\\"}", "model": "gpt-4o", "usage": {"prompt_tokens": 150, "completion_tokens": 85}, "generation_time": 1.7, "metadata": {"k": "v"}, "timestamp": "2025-01-01T10:30:00Z"}',
		'[{"input": "[]", "log_type": "embedding", "cost": 0.5}, {"input": {"a": 1}, "log_type": "custom", "status_code": 500, "tools": [{"type": "function", "function": {"name": "f"}}]}]',
		'{"unique_id": "log_m2", "input": "[]", "keywordsai_api_controls": {"block": false}}', '{"unique_id": "log_m0", "input": "[]"}' ],
	query_params => [ '{"start_time": "2025-01-01T00:00:00Z", "sort_by": "-cost", "page_size": 2}', '{"page": "2", "page_size": 1, "sort_by": "timestamp"}',
		'{"start_time": "2000-01-01T00:00:00Z", "end_time": "2100-01-01T00:00:00Z"}', '{}' ],
	query_body => [ '{"filters": {"cost": {"operator": "gt", "value": [0]}, "metadata__k": {"operator": "in", "value": ["v"]}}}',
		'{"filters": {"model": {"operator": "icontains", "value": "GPT"}, "latency": {"operator": "isnull", "value": false}}}', '{}' ],
	api_query => [ '{"start_time": "2000-01-01T00:00:00Z", "page_size": 2, "sort_by": "-latency", "filters": {"cost": {"operator": "gte", "value": [0]}}}', '{}' ],
	record_type => [ 'request_logs', 'request_logs', $rl_type, 'Alerts', 'nope', '' ],
	unique_id => [ 'log_m0', 'log_m0', 'log_m2', 'nope', '' ],
	# the text parameters of GET /rpc/records
	api_filter => [ 'n == 1', 'EXISTS m.s.x.y', 'n=gte.1', 'tags CONTAINS "a"' ],
	api_time => [ '2025-01-01T00:00:00Z', '1420740176213', '2030-01-01', '2024-12-31T23:59:59.5' ],
	join_key => [ 'n', 'm.s.x.y', 'tags.1', 'created_at' ],
);
my %typed_kind = map { $_ => 1 } qw(int bigint type_id record_id artifact_id bigints bool timestamp jsonpath regclass);
my %json_kind = map { $_ => 1 } qw(item batch flat filter_json fields list_body create_body update_body records
	field_values field_defs changes def field value params headers req_headers claims
	find_params mget_body records_params payload query_params query_body api_query);
$typed_kind{$_} = 1 foreach qw(item_row api_filter api_time join_key);

# ---------------------------------------------------------------------
# The functions: their argument generators.  A new function is one line.
# Options: raises => 1 (raises on purpose: any SQLSTATE is its answer),
# skip => reason, last => 1 (called after the others: it destroys fixtures).
# ---------------------------------------------------------------------
my %ARGS = (
	'podrec.records_flatten(jsonb,text,text)' => [ qw(item sep step_key) ],
	'podrec.records_unflatten(jsonb,text,text)' => [ qw(flat sep step_key) ],
	'podrec.records_flatten_each(jsonb,text,text)' => [ qw(item sep step_key) ],
	'podrec.flat_get(jsonb,text)' => [ qw(item flat_key) ],
	'podrec.flat_key_path(text)' => [ qw(flat_key) ],
	'podrec.ingest_parse(jsonb,integer,text,text,bigint)' => [ qw(item int flow uid bigint) ],
	'podrec.ingest_complete(jsonb,text,text,text,text,timestamp with time zone,timestamp with time zone)' => [ qw(item shape uid flow text timestamp timestamp) ],
	'podrec.ingest_items(jsonb,text,text,boolean,text,boolean)' => [ qw(batch flow status bool uid bool) ],
	'podrec.item_put(text,jsonb,text,boolean,text)' => [ qw(flow item status bool uid) ],
	'podrec.items_put(jsonb,text,text,boolean)' => [ qw(batch flow status bool) ],
	'podrec.filter_compile(jsonb)' => [ qw(filter_json) ],
	'podrec.filter_compile(text)' => [ qw(filter_text) ],
	'podrec.filter_index_path(jsonb)' => [ qw(filter_json) ],
	'podrec.filter_index_path(text)' => [ qw(filter_text) ],
	'podrec.filter_explain(jsonb)' => [ qw(filter_json) ],
	'podrec.filter_explain(text)' => [ qw(filter_text) ],
	'podrec.matches(jsonb,jsonb)' => [ qw(item filter_json) ],
	'podrec.matches(jsonb,text)' => [ qw(item filter_text) ],
	'podrec.matches(jsonb,jsonb,timestamp with time zone)' => [ qw(item filter_json timestamp) ],
	'podrec.matches(jsonb,text,timestamp with time zone)' => [ qw(item filter_text timestamp) ],
	'podrec.matches_support(internal)' => { skip => 'a planner support function: SQL cannot make its argument' },
	'podrec.filter_resolve(jsonb,jsonb)' => [ qw(filter_json fields) ],
	'podrec.record_assemble(jsonb,jsonb,jsonb,integer,boolean)' => [ qw(def field_values field_values int bool) ],
	'podrec.record_render(jsonb,jsonb,bigint,timestamp with time zone,timestamp with time zone,text,bigint[],bigint[])' => [ qw(def field_values bigint timestamp timestamp flow bigints bigints) ],
	'podrec.record_value(jsonb,jsonb,text)' => [ qw(field value text) ],
	'podrec.record_field_expr(text,text,text)' => [ qw(result_type flat_key text) ],
	'podrec.record_fields_check(jsonb)' => [ qw(field_defs) ],
	'podrec.record_fields_store(bigint,jsonb)' => [ qw(type_id field_defs) ],
	'podrec.record_type_create(text,jsonb,text,text)' => [ qw(name field_defs account text) ],
	'podrec.record_type_alter(bigint,jsonb)' => [ qw(type_id changes) ],
	'podrec.records_create(bigint,jsonb,text,boolean,bigint[],boolean)' => [ qw(type_id records flow bool bigints bool) ],
	'podrec.record_update(bigint,jsonb,bigint[],bigint[],boolean)' => [ qw(record_id field_values bigints bigints bool) ],
	'podrec.records_param_int(jsonb,text,bigint)' => [ qw(params text bigint) ],
	'podrec.records_param_bool(jsonb,text)' => [ qw(params text) ],
	'podrec.records_param_list(jsonb,text)' => [ qw(params text) ],
	'podrec.records_param_ids(jsonb,text)' => [ qw(params text) ],
	'podrec.record_create_tines(jsonb)' => [ qw(create_body) ],
	'podrec.record_update_tines(bigint,jsonb)' => [ qw(record_id update_body) ],
	'podrec.records_list_plan(jsonb)' => [ qw(list_body) ],
	'podrec.records_list(jsonb)' => [ qw(list_body) ],
	'podrec.record_get(bigint,bigint[])' => [ qw(record_id bigints) ],
	'podrec.artifact_get(bigint)' => [ qw(artifact_id) ],
	'podrec.record_type_get(bigint)' => [ qw(type_id) ],
	'podrec.jsonpath_variables(jsonpath)' => [ qw(jsonpath) ],
	'podrec.raise_http(integer,text,text,text,text,jsonb)' => { args => [ qw(int sqlstate text text text headers) ], raises => 1 },
	'podrec.raise_api_error(text,text,text,text)' => { args => [ qw(sqlstate text text text) ], raises => 1 },
	'podrec.http_status(text)' => [ qw(sqlstate) ],
	'podrec.tenancy_apply(regclass,name,boolean)' => { args => [ qw(regclass colname bool) ], last => 1 },
	'podrec.record_type_drop(bigint,boolean)' => { args => [ qw(type_id bool) ], last => 1 },
	'podrec.record_delete(bigint)' => { args => [ qw(record_id) ], last => 1 },
	# Finding items.
	'podrec.find(text,jsonb)' => [ qw(flow find_params) ],
	'podrec.find_explain(text,jsonb)' => [ qw(flow find_params) ],
	'podrec.cursor_of(podrec.items,jsonb)' => [ qw(item_row find_params) ],
	'podrec.as_drop(podrec.items)' => [ qw(item_row) ],
	'podrec.mget(jsonb)' => [ qw(mget_body) ],
	'podrec.mget_response(jsonb,text)' => [ qw(mget_body flatten) ],
	'podrec.records(jsonb)' => [ qw(records_params) ],
	'podrec.records_items(jsonb)' => [ qw(records_params) ],
	'podrec_api.mget(jsonb)' => [ qw(mget_body) ],
	# Called with named arguments, as PostgREST calls them (four positional
	# texts would match both).
	'podrec_api.records(text,text,text,text)' => { args => [ qw(flow api_filter api_time api_time) ], names => [ qw(flow_id filter start_date end_date) ] },
	'podrec_api.records(text,text,text,text,text)' => { args => [ qw(join_key flow api_filter api_time api_time) ], names => [ qw(join_by flow_id filter start_date end_date) ] },
	# Typed create and query: the records belong to the caller's account, so
	# the tenant makes as many calls as the superuser.
	'podrec.record_create(jsonb,text)' => { args => [ qw(payload record_type) ], tenant => 1 },
	'podrec.record_query(jsonb,jsonb,text)' => { args => [ qw(query_params query_body record_type) ], tenant => 1 },
	'podrec.record_fetch(text,text)' => { args => [ qw(unique_id record_type) ], tenant => 1 },
	'podrec_api.record_create(jsonb)' => { args => [ qw(payload) ], tenant => 1 },
	'podrec_api.record_query(jsonb)' => { args => [ qw(api_query) ], tenant => 1 },
	'podrec_api.record_fetch(text)' => { args => [ qw(unique_id) ], tenant => 1 },
);
# The settings PostgREST gives a request, mutated: (setting, generator, call,
# role the call runs as).  request.headers feeds the rate limits of
# pre_request, request.jwt.claims the account of podrec_user.
my @SETTINGS = (
	[ 'request.headers', 'req_headers', 'SELECT podrec.pre_request()' ],
	[ 'request.jwt.claims', 'claims', 'SELECT podrec.pre_request()' ],
	[ 'request.jwt.claims', 'claims', q{SELECT podrec.request_claim('account_id'), podrec.request_claim('role'), podrec.is_admin(), podrec.check_access()} ],
	[ 'request.jwt.claims', 'claims', q{SELECT podrec.current_account(), podrec_api.me(), (SELECT count(*) FROM podrec_api.items)}, 'podrec_user' ],
	[ 'request.jwt.claims', 'claims', q{SELECT podrec.records_list('{"record_type_id": 1}')}, 'podrec_user' ],
);

# Generators of a type, for functions %ARGS does not name.
my %by_type = (
	jsonb => 'item', text => 'text', integer => 'int', bigint => 'bigint', boolean => 'bool',
	'timestamp with time zone' => 'timestamp', 'bigint[]' => 'bigints', jsonpath => 'jsonpath',
	regclass => 'regclass', name => 'colname',
);

# ---------------------------------------------------------------------
# Mutations.
# ---------------------------------------------------------------------
sub pick { return $_[ int(rand(@_)) ]; }

my @specials = ('.', '\\', '/', '"', "'", '$', '@', '*', '?', '&', '|', '(', ')', '[', ']', '{', '}', ',', ':', '=', '!', '<', '>', '~', ' ', '\\0', '\\u0000', '%00', "\t", "\n");
my @unicode = ("\x{e9}", "\x{1F600}", "\x{202E}", "\x{FEFF}", "\x{FFFF}", "e\x{301}", "\x{10FFFF}", "\x{3000}", "\x{1D11E}");
my @numbers = ('1e308', '-1e309', '1e-400', '123456789012345678901234567890.123456789', '9223372036854775808',
	'-9223372036854775809', '2147483648', '-0', '0.0000000000000000000001', '1' . ('0' x 1000), '4.9e-324');

# A random string that makes parsers work: specials, unicode, separators, numbers.
sub nasty_string
{
	my $r = rand();
	return pick(@specials) x (1 + int(rand(5))) if $r < 0.25;
	return join('', map { pick(@unicode) } 1 .. 1 + int(rand(4))) if $r < 0.4;
	return pick(@numbers) if $r < 0.5;
	return 'x' x (1000 + int(rand(100000))) if $r < 0.55;
	return join(pick('.', '\\.', '/', '..', ''), map { pick('a', 'm', 's', '1', '0', '-1', '') } 1 .. 1 + int(rand(5))) if $r < 0.75;
	return pick('NaN', 'Infinity', '-Infinity', 'true', 'null', '', ' ', '$', '@', '$.**', 'AGE', 'EXISTS', 'eq.', 'or=(', '))))', '((((');
}

# A random JSON value of a wrong or extreme type.
sub nasty_value
{
	my $r = rand();
	return JSON::PP::true if $r < 0.1;
	return undef if $r < 0.2;
	return [] if $r < 0.3;
	return {} if $r < 0.4;
	return \(pick(@numbers)) if $r < 0.55;       # a raw number, written as is
	return [ map { nasty_value() } 1 .. int(rand(3)) ] if $r < 0.6;
	return { nasty_string() => nasty_string() } if $r < 0.7;
	return int(rand(100)) - 50 if $r < 0.8;
	return nasty_string();
}

# Every node of a decoded JSON value, as references one can assign through.
sub nodes
{
	my ($ref, $out) = @_;
	push @$out, $ref;
	if (ref($$ref) eq 'HASH') { nodes(\$$ref->{$_}, $out) foreach sort keys %{$$ref}; }
	elsif (ref($$ref) eq 'ARRAY') { nodes(\$$ref->[$_], $out) foreach 0 .. $#{$$ref}; }
	return $out;
}

# Writes a value, raw numbers as they are.
sub write_json
{
	my ($v) = @_;
	return $$v if ref($v) eq 'SCALAR';
	return '[' . join(',', map { write_json($_) } @$v) . ']' if ref($v) eq 'ARRAY';
	return '{' . join(',', map { $json->encode($_) . ':' . write_json($v->{$_}) } sort keys %$v) . '}' if ref($v) eq 'HASH';
	return $json->encode($v);
}

# A structural mutation of a JSON text: the result is JSON (mostly).
sub mutate_json
{
	my ($text) = @_;
	my $doc = eval { $json->decode($text) };
	return mutate_bytes($text) unless defined $doc || $text eq 'null';
	my $all = nodes(\$doc, []);
	my $n = 1 + int(rand(3));
	for (1 .. $n)
	{
		my $at = pick(@$all);
		my $r = rand();
		if ($r < 0.3) { $$at = nasty_value(); }                       # wrong type, extreme value
		elsif ($r < 0.45)
		{                                                              # deep nesting
			my $depth = pick(10, 100, 1000, 5000);
			my $v = $$at;
			$v = (rand() < 0.5 ? [$v] : { pick('a', 'flow_step_id', '1', '.') => $v }) for 1 .. $depth;
			$$at = $v;
		}
		elsif ($r < 0.6 && ref($$at) eq 'HASH' && %{$$at})
		{                                                              # keys: separators, unicode, NUL escapes
			my $k = pick(sort keys %{$$at});
			my $v = delete $$at->{$k};
			$$at->{ pick("$k.x", "$k\\", "$k.", ".$k", '', "$k\x{0}", "$k\x{1F600}", nasty_string(), "$k.1", 'flow_step_id') } = $v;
		}
		elsif ($r < 0.7 && ref($$at) eq 'HASH')
		{
			$$at->{ pick('flow_step_id', '_id', 'id', 'created_at', 'record_type_id', 'field_id', 'operator', 'value', 'filters', 'page', 'per_page', nasty_string()) } = nasty_value();
		}
		elsif ($r < 0.8 && ref($$at) eq 'ARRAY')
		{
			push @{$$at}, @{$$at} ? ($$at->[0]) x (1 + int(rand(50))) : nasty_value();
		}
		elsif ($r < 0.9 && !ref($$at) && defined $$at)
		{                                                              # strings: NUL escapes, unicode
			$$at = $$at . pick("\x{0}", "\x{1}", pick(@unicode), '\\u0000', nasty_string());
		}
		else { $$at = nasty_string(); }
	}
	return write_json($doc);
}

# A byte-level mutation: flips, truncation, inserted specials, duplicated spans.
sub mutate_bytes
{
	my ($text) = @_;
	my $bytes = encode('UTF-8', $text);
	my $n = 1 + int(rand(4));
	for (1 .. $n)
	{
		my $len = length($bytes);
		my $r = rand();
		if ($r < 0.3 && $len) { my $p = int(rand($len)); substr($bytes, $p, 1) = chr(ord(substr($bytes, $p, 1)) ^ (1 << int(rand(8)))); }
		elsif ($r < 0.5) { $bytes = substr($bytes, 0, int(rand($len + 1))); }
		elsif ($r < 0.75) { substr($bytes, int(rand($len + 1)), 0) = encode('UTF-8', pick(@specials, @unicode, @numbers)); }
		elsif ($len) { my $p = int(rand($len)); my $l = int(rand($len - $p + 1)); substr($bytes, $p, 0) = substr($bytes, $p, $l) x (1 + int(rand(3))); }
	}
	# The server refuses invalid UTF-8 before any function sees it: keep the text valid.
	return decode('UTF-8', $bytes, FB_DEFAULT);
}

# One argument value of a kind: a valid one, mutated, or NULL.  Valid values
# come often enough that calls with several arguments get past their checks
# to the work: mostly one argument of a call is mutated, not all.
sub generate
{
	my ($kind) = @_;
	my $v = pick(@{ $base{$kind} });
	my $r = rand();
	return undef if $r < 0.05;
	if ($json_kind{$kind}) { return $r < 0.25 ? $v : $r < 0.85 ? mutate_json($v) : mutate_bytes($v); }
	return $r < 0.7 ? $v : $r < 0.85 ? nasty_string() : mutate_bytes($v) if $typed_kind{$kind};
	return $r < 0.5 ? $v : $r < 0.75 ? nasty_string() : mutate_bytes($v);
}

# A SQL literal: a text may hold any character but NUL.
sub literal
{
	my ($v) = @_;
	return 'NULL' unless defined $v;
	$v =~ s/\x{0}/\\u0000/g;
	$v =~ s/'/''/g;
	return "'$v'";
}

# ---------------------------------------------------------------------
# The calls.
# ---------------------------------------------------------------------
my @procs = map { [ split /\|/, $_, 3 ] } split /\n/, $node->safe_psql('mut', q{
	SELECT p.oid::regprocedure, p.proname,
		coalesce((SELECT string_agg(pg_catalog.format_type(t, NULL), ',' ORDER BY o)
			FROM unnest(p.proargtypes) WITH ORDINALITY AS a (t, o)), '')
	FROM pg_proc AS p WHERE p.pronamespace IN ('podrec'::regnamespace, 'podrec_api'::regnamespace)
	ORDER BY 1::text});
ok(@procs >= 60, scalar(@procs) . ' functions in schemas podrec and podrec_api');
my %installed = map { $_->[0] => 1 } @procs;
my @absent = grep { !$installed{$_} } sort keys %ARGS;
note('not installed, skipped: ' . join(', ', @absent)) if @absent;

my (@calls, %per_fn, @skipped);
# Calls in phases: every caller's ordinary calls, then the ones that destroy fixtures.
foreach my $phase (0, 1)
{
	foreach my $caller ('postgres', 'mut_a')
	{
		foreach my $p (@procs)
		{
			my ($sig, $name, $types) = @$p;
			my $spec = $ARGS{$sig};
			my %opt = ref($spec) eq 'HASH' ? %$spec : (args => $spec);
			next if ($opt{last} ? 1 : 0) != $phase;
			if ($opt{skip}) { push @skipped, "$sig ($opt{skip})" if $caller eq 'postgres'; next; }
			my @types = $types eq '' ? () : split /,/, $types;
			my @gens = $opt{args} ? @{ $opt{args} } : map { $by_type{$_} // 'text' } @types;
			die "$sig: " . scalar(@gens) . ' generators for ' . scalar(@types) . ' arguments' if @gens != @types;
			my ($schema) = split /\./, $sig;
			my $n = !@types ? 1 : ($caller eq 'postgres') == !$opt{tenant} ? $N : int($N / 3);
			for (1 .. $n)
			{
				my @args = map { ($opt{names} ? "$opt{names}[$_] => " : '') . literal(generate($gens[$_])) . '::' . $types[$_] } 0 .. $#types;
				push @calls, { sig => $sig, caller => $caller, raises => $opt{raises},
					sql => "SELECT $schema.$name(" . join(', ', @args) . ')' };
			}
		}
	}
}
# The settings, as the superuser and as an authenticator switching to podrec_user.
foreach my $st (@SETTINGS)
{
	my ($setting, $gen, $sql, $role) = @$st;
	for (1 .. $N)
	{
		my $setup = "SELECT pg_catalog.set_config('$setting', " . literal(generate($gen) // '') . ', true)';
		$setup .= ", pg_catalog.set_config('role', '$role', true)" if $role;
		push @calls, { sig => "$sql with a mutated $setting", caller => $role ? 'mut_auth' : 'postgres', sql => $sql, setup => $setup };
	}
}
note('skipped: ' . join('; ', @skipped));

# run_batch(caller, calls): their outcomes, in order; a missing outcome is a
# call that ended its session (a crash) or escaped the handler (a timeout).
sub run_batch
{
	my ($caller, $batch) = @_;
	my $script = "\\set VERBOSITY terse\nSET statement_timeout = '10s';\nSET client_min_messages = error;\n";
	foreach my $i (0 .. $#$batch)
	{
		(my $q = $batch->[$i]{sql}) =~ s/'/''/g;
		my $setup = 'NULL';
		if (defined $batch->[$i]{setup})
		{
			($setup = $batch->[$i]{setup}) =~ s/'/''/g;
			$setup = "'$setup'";
		}
		$script .= "SELECT '$i|' || public.mut_try('$q', $setup);\n";
	}
	my ($out, $err) = ('', '');
	# From a file: psql stops reading when its backend dies.
	my $file = "${PostgreSQL::Test::Utils::tmp_check}/mutation.sql";
	open(my $fh, '>:encoding(UTF-8)', $file) or die "$file: $!";
	print $fh $script;
	close($fh);
	IPC::Run::run([ 'psql', '-X', '-At', '-d', $node->connstr('mut'), '-U', $caller, '-f', $file ], '>', \$out, '2>', \$err);
	my %got;
	foreach (split /\n/, $out) { $got{$1} = $2 if /^(\d+)\|(.*)$/s; }
	return (\%got, $err);
}

my (%classes, @failures, %accepted_by, %errors_by);
my ($tried, $accepted, $refused, $cast) = (0, 0, 0, 0);
my $log_start = -s $node->logfile;
# Runs of consecutive calls by one caller.
my @runs;
foreach my $c (@calls)
{
	push @runs, [] if !@runs || $runs[-1][0]{caller} ne $c->{caller};
	push @{ $runs[-1] }, $c;
}
foreach my $run (@runs)
{
	my @mine = @$run;
	my $caller = $mine[0]{caller};
	while (@mine)
	{
		my ($got, $err) = run_batch($caller, \@mine);
		my $last = -1;
		$last = $_ > $last ? $_ : $last foreach keys %$got;
		foreach my $i (0 .. ($last < $#mine ? $last + 1 : $#mine))
		{
			my $c = $mine[$i];
			$tried++;
			$per_fn{ $c->{sig} }++;
			if (!exists $got->{$i})
			{
				# No outcome: the call escaped the handler (a timeout) or ended the session.
				push @failures, "$caller: " . substr($c->{sql}, 0, 400) . "\n  => no outcome: "
				  . ($i > $last ? 'the session ended: ' . substr($err, -300) : 'the call escaped the handler');
				next;
			}
			my $o = $got->{$i};
			if ($o eq 'ok') { $accepted++; $accepted_by{ $c->{sig} }++; next; }
			my ($state, $msg) = split / /, $o, 2;
			$msg //= '';
			$cast++ if $state =~ /^22/ && $msg =~ /^(invalid input syntax for type (json|integer|bigint|boolean|timestamp|jsonpath)|malformed array literal|unsupported Unicode escape|date\/time field value out of range|value "[^"]*" is out of range for type|time zone .* not recognized|invalid Unicode)/
			  || $state eq '42P01' && $msg =~ /^relation .* does not exist/;
			$refused++;
			$classes{$state}++;
			$errors_by{ $c->{sig} }{"$state " . substr($msg, 0, 60)}++;
			push @failures, "$caller: " . substr($c->{sql}, 0, 400) . "\n  => $state $msg"
			  if !$c->{raises} && $state =~ /^(58|XX)/;
		}
		last if $last >= $#mine;
		$node->poll_query_until('mut', 'SELECT true') or BAIL_OUT('the server does not come back');
		splice(@mine, 0, $last + 2);
	}
}
my $log = slurp_file($node->logfile);
$log = substr($log, $log_start // 0);
my @signals = $log =~ /(.*terminated by signal.*)/g;

my $fns = scalar(keys %per_fn);
# Calls that never succeed test only their refusals: worth knowing.
# Calls that never succeed test only their refusals: worth knowing, with their
# most frequent error.
foreach my $sig (grep { !$accepted_by{$_} } sort keys %per_fn)
{
	my $e = $errors_by{$sig} // {};
	my ($top) = sort { $e->{$b} <=> $e->{$a} || $a cmp $b } keys %$e;
	note("never accepted: $sig (mostly $top)");
}
note('settings: ' . join('; ', map { "$_: " . ($accepted_by{$_} // 0) . " of $per_fn{$_} accepted" } grep { / with a mutated / } sort keys %per_fn));
note("inputs tried: $tried calls of $fns functions (seed $SEED, $N per function): $accepted accepted, "
	. "$refused refused ($cast by a type's input function), SQLSTATEs: "
	. join(', ', map { "$_ x$classes{$_}" } sort keys %classes));
diag("mutation: $tried inputs through $fns functions, $accepted accepted, $refused refused cleanly, "
	. scalar(@failures) . ' failures');
ok($fns >= 60, "$fns functions and settings called");
# The functions of finding items and of typed records must get past their
# checks to the work: each accepts some of its inputs.
foreach my $sig ('podrec.find(text,jsonb)', 'podrec.mget(jsonb)', 'podrec.mget_response(jsonb,text)', 'podrec.records(jsonb)',
	'podrec.record_create(jsonb,text)', 'podrec.record_query(jsonb,jsonb,text)', 'podrec.record_fetch(text,text)',
	'podrec_api.mget(jsonb)',
	'podrec_api.records(text,text,text,text)', 'podrec_api.records(text,text,text,text,text)',
	'podrec_api.record_create(jsonb)', 'podrec_api.record_query(jsonb)', 'podrec_api.record_fetch(text)')
{
	ok(($accepted_by{$sig} // 0) > 0, "$sig: " . ($accepted_by{$sig} // 0) . ' of ' . ($per_fn{$sig} // 0) . ' inputs accepted');
}
is(scalar(@failures), 0, 'every refusal is a clean error, never XX000, never a lost backend, never a timeout')
  or diag(join("\n", @failures[ 0 .. ($#failures < 20 ? $#failures : 19) ]));
is(scalar(@signals), 0, 'no backend terminated by a signal') or diag(join("\n", @signals));
is($node->safe_psql('mut', 'SELECT 1'), '1', 'the server answers');

$node->stop;
done_testing();
