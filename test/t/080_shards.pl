
# Copyright (c) 2026, podrec authors

# Scaling out: a coordinator and two shards (three local clusters), with
# podrec.items hash-partitioned by flow_id over postgres_fdw.
#
# The coordinator is loaded as a single node first (PODREC_SHARD_ITEMS
# items, default 200,000, in 40 flows of two accounts, plus typed records),
# and every query of the list below is answered there.  Then
# podrec.shard_setup moves the items to the shards, and every query must give
# the same answer on the coordinator.  The plans show that filters reach the
# shards (Remote SQL with @? or podrec.matches), that a query of one flow
# reads one partition, and that a flow's partition read directly takes the
# LIMIT along.  Writes after the move land on the right shard.  Last, one
# shard stops: queries that need it fail with a clear error, the others
# still give the single node's answers.
#
# @CALLS holds the queries: each is [name, SQL returning one text value];
# a call that fails must fail with the same error.  Tenants' calls run as
# the role app (account acct_1), and must never see another account's items,
# even one stored on a shard in a flow of theirs.
# The clusters listen on PODREC_SHARD_PORT (default 55651) and the next two ports.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $nitems = $ENV{PODREC_SHARD_ITEMS} // 200000;
my $nflows = 40;
note "$nitems items in $nflows flows";

my $base = $ENV{PODREC_SHARD_PORT} // 55651;
my %port = (coord => $base, shard_a => $base + 1, shard_b => $base + 2);
my %node;
for my $name (qw(coord shard_a shard_b))
{
	my $n = PostgreSQL::Test::Cluster->new($name, port => $port{$name});
	$n->init;
	$n->append_conf('postgresql.conf',
		"shared_buffers = 128MB\nfsync = off\nautovacuum = off\ntimezone = 'UTC'\nmax_connections = 40\n");
	$n->start;
	$node{$name} = $n;
}
my $coord = $node{coord};

for my $s (qw(shard_a shard_b))
{
	$node{$s}->safe_psql('postgres', 'CREATE EXTENSION podrec; SELECT podrec.shard_prepare();');
}

# ---------------------------------------------------------------------
# The single node: items, flows, records
# ---------------------------------------------------------------------

$coord->safe_psql('postgres', qq{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acct_' || a) FROM generate_series(0, 1) AS a;
SELECT podrec.flow_put('flow_' || f, 'acct_' || (f % 2)) FROM generate_series(0, $nflows - 1) AS f;
INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, status, doc)
SELECT u.uid, 'acct_' || (g % 2), 'flow_' || (g % $nflows), t.ts, t.ts,
	(ARRAY['completed', 'completed', 'error', 'cancelled'])[1 + g % 4],
	jsonb_build_object('_id', u.uid, 'flow_id', 'flow_' || (g % $nflows),
		'created_at', to_char(t.ts, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'n', g % 1000, 'kind', (ARRAY['a', 'b', 'c'])[1 + g % 3],
		'tags', jsonb_build_array('t' || (g % 7), 't' || (g % 11)),
		'operator', jsonb_build_object('name', 'op' || (g % 13), 'shift', g % 3),
		'barcode_scanning', jsonb_build_array(
			jsonb_build_object('flow_step_id', 'barcode', 'code', 'c' || (g % 500), 'ok', g % 5 <> 0),
			jsonb_build_object('flow_step_id', 'photo', 'url', 'https://img/' || g, 'size', g % 4096)))
FROM generate_series(1, $nitems) AS g,
	LATERAL (SELECT lpad(to_hex(g), 24, '0') AS uid) AS u,
	LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + g * interval '17 seconds' AS ts) AS t;
SELECT podrec.record_type_create('Scans', '[
	{"name": "Code", "result_type": "TEXT", "indexed": true},
	{"name": "Count", "result_type": "NUMBER"}]', 'acct_0');
SELECT count(*) FROM podrec.records_create(1, (
	SELECT jsonb_agg(jsonb_build_object('Code', 'c' || (g % 50), 'Count', g % 17,
		'Timestamp', to_char(timestamptz '2025-02-01 00:00:00+00' + g * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')))
	FROM generate_series(1, 3000) AS g), 'flow_2');
CREATE ROLE app LOGIN;
GRANT podrec_app TO app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('app', 'acct_1');
VACUUM ANALYZE podrec.items;
});

my $total = $nitems + 3000;
is($coord->safe_psql('postgres', 'SELECT count(*) FROM podrec.items'), $total, "$total items on the single node");

# ids of a query, in order, as one md5 (and the count, to read failures).
sub digest
{
	my ($q) = @_;
	return "SELECT count(*) || ' ' || md5(coalesce(string_agg(x::text, ',' ORDER BY o), '')) FROM ("
	  . "SELECT row_number() OVER () AS o, q AS x FROM ($q) AS q) AS d";
}

my @CALLS = (
	[ 'count per flow', q{SELECT string_agg(flow_id || '=' || n, ',' ORDER BY flow_id) FROM (SELECT flow_id, count(*) AS n FROM podrec.items GROUP BY 1) AS c} ],
	[ 'count per account and status', q{SELECT string_agg(k || '=' || n, ',' ORDER BY k) FROM (SELECT account_id || '/' || status AS k, count(*) AS n FROM podrec.items GROUP BY 1) AS c} ],
	[ 'page of a flow', digest(q{SELECT id, uid FROM podrec.items WHERE flow_id = 'flow_7' ORDER BY created_at DESC, id DESC LIMIT 50}) ],
	[ 'keyset page of a flow', digest(q{SELECT id FROM podrec.items WHERE flow_id = 'flow_8' AND (created_at, id) < ('2025-01-20', 1000000000000) ORDER BY created_at DESC, id DESC LIMIT 20}) ],
	[ 'jsonpath filter, one flow', digest(q{SELECT id FROM podrec.items WHERE flow_id = 'flow_3' AND doc @? podrec.filter_compile('n=gt.900') ORDER BY created_at, id}) ],
	[ 'jsonpath filter, every flow', digest(q{SELECT id FROM podrec.items WHERE doc @? podrec.filter_compile('[{"field_id": "barcode_scanning.barcode.code", "operator": "EQUAL", "value": "c42"}]'::jsonb) ORDER BY id}) ],
	[ 'matches, text dialect', digest(q{SELECT id FROM podrec.items WHERE podrec.matches(doc, '"kind == \"b\" AND operator.name == \"op3\""'::jsonb) ORDER BY id}) ],
	[ 'matches, operator map', digest(q{SELECT id FROM podrec.items WHERE flow_id IN ('flow_1', 'flow_2', 'flow_5') AND podrec.matches(doc, '{"barcode_scanning__photo__size": {"operator": "gte", "value": [4000]}}'::jsonb) ORDER BY id}) ],
	[ 'matches, pairs, several flows', digest(q{SELECT id FROM podrec.items WHERE flow_id = ANY ('{flow_10,flow_11,flow_12}') AND podrec.matches(doc, '{"tags.1": "eq.t3", "n": "lt.100"}'::jsonb) ORDER BY created_at DESC, id DESC LIMIT 30}) ],
	[ 'flatten export of a flow', q{SELECT md5(string_agg(podrec.records_flatten(doc)::text, E'\n' ORDER BY id)) FROM podrec.items WHERE flow_id = 'flow_9'} ],
	[ 'flatten export, filtered', q{SELECT md5(string_agg(podrec.records_flatten(doc)::text, E'\n' ORDER BY id)) FROM podrec.items WHERE doc @? podrec.filter_compile('operator.shift == 2 AND n < 50')} ],
	[ 'view podrec_api.items', digest(q{SELECT uid, record ->> 'barcode_scanning.barcode.code' FROM podrec_api.items WHERE flow_id = 'flow_4' ORDER BY created_at DESC LIMIT 10}) ],
	[ 'records_list', q{SELECT podrec.records_list('{"record_type_id": 1, "per_page": 25, "page": 3, "filters": [{"field_id": "Code", "operator": "EQUAL", "value": "c7"}]}')::text} ],
	[ 'records_list, ordered', q{SELECT podrec.records_list('{"record_type_id": 1, "per_page": 10, "order_field_id": 2, "order_direction": "ASC"}')::text} ],
	[ 'as a tenant (app, acct_1)', q{SET ROLE app; SELECT count(*) || '/' || sum(id) FROM podrec.items WHERE doc @? '$.n ? (@ < 10)'} ],
);
# one per flow (flow_0 .. flow_11), so that some are on each shard
push @CALLS, map { [ "filtered page of flow_$_", digest("SELECT id, doc ->> 'n' FROM podrec.items WHERE flow_id = 'flow_$_' AND podrec.matches(doc, '{\"n\": \"gte.500\"}'::jsonb) ORDER BY created_at DESC, id DESC LIMIT 25") ] } 0 .. 11;
push @CALLS, [ 'flatten per flow, on the shards', q{SET enable_partitionwise_aggregate = on; SELECT string_agg(flow_id || '=' || n, ',' ORDER BY flow_id) FROM (SELECT flow_id, count(podrec.records_flatten(doc)) AS n FROM podrec.items WHERE podrec.matches(doc, 'n < 500') GROUP BY 1) AS c} ];
# The finding API: find, mget (every parameter), mget_response, cursors,
# records_list; as the superuser and as the tenant app (acct_1, the odd
# flows).  On a coordinator mget sends each shard one statement for its
# flows (podrec_shard_mget), find one to its flow's shard; records_list reads
# podrec.items.
my $MGET_MIXED = q{[{"flowId": "flow_4", "params": {"filter": "n=gt.900", "limit": 30}},
	{"flowId": "flow_5", "params": {"sort": "operator.name", "order": "asc", "limit": 15, "skip": 4}},
	{"flowId": "flow_6", "params": {"status": ["error", "cancelled"], "sort": "updated_at", "limit": 10}},
	{"flowId": "flow_7", "params": {"start_date": "2025-01-03T00:00:00Z", "end_date": "2025-01-20T12:00:00.25Z", "order": "asc"}},
	{"flowId": "flow_8", "params": {"filter": {"kind": "eq.b"}, "limit": 0}},
	{"flowId": "flow_9", "params": {"filter": [{"field_id": "barcode_scanning.barcode.code", "operator": "EQUAL", "value": "c9"}]}},
	{"flowId": "flow_10", "params": {"sort": "started_at", "filter": "operator.shift == 1", "limit": 3}},
	{"flowId": "flow_11"}]};
$MGET_MIXED =~ s/\n\t/ /g;
sub mget_digest
{
	my ($body) = @_;
	return "SELECT count(*) || ' ' || md5(coalesce(string_agg(m.flow_id || ':' || m.ord || ':' || (m.item)::text, E'\\n'), '')) FROM podrec.mget('$body') AS m";
}
# after cursors: the page after the 7th item of a find, for two sorts
my $AFTER = q{WITH c AS (SELECT podrec.cursor_of(f, '{"limit": 7}') AS a FROM podrec.find('flow_12', '{"limit": 7}') AS f OFFSET 6),
	d AS (SELECT podrec.cursor_of(f, '{"sort": "n", "order": "asc", "limit": 7}') AS a FROM podrec.find('flow_13', '{"sort": "n", "order": "asc", "limit": 7}') AS f OFFSET 6)
	SELECT count(*) || ' ' || md5(string_agg(m.flow_id || ':' || m.ord || ':' || (m.item).id, ',')) FROM c, d, podrec.mget(jsonb_build_array(
		jsonb_build_object('flowId', 'flow_12', 'params', jsonb_build_object('after', c.a, 'limit', 7)),
		jsonb_build_object('flowId', 'flow_13', 'params', jsonb_build_object('after', d.a, 'sort', 'n', 'order', 'asc', 'limit', 7)))) AS m};
push @CALLS,
	[ 'find', q{SELECT md5(string_agg(i.id::text, ',')) FROM podrec.find('flow_7', '{"limit": 30}') AS i} ],
	[ 'find, filtered', q{SELECT md5(string_agg(i.id::text, ',')) FROM podrec.find('flow_3', '{"filter": "n=gt.900", "limit": 30}') AS i} ],
	[ 'mget, three flows', mget_digest(q{[{"flowId": "flow_1", "params": {"limit": 5}}, {"flowId": "flow_2", "params": {"limit": 5}}, {"flowId": "flow_3", "params": {"limit": 5}}]}) ],
	[ 'mget, every parameter', mget_digest($MGET_MIXED) ],
	[ 'mget, after cursors (flow_12,flow_13)', $AFTER ],
	[ 'mget_response', qq{SELECT md5(podrec.mget_response('$MGET_MIXED')::text)} ],
	[ 'mget_response, flat', qq{SELECT md5(podrec.mget_response('$MGET_MIXED', 'flat')::text)} ],
	[ 'mget, an unknown flow', mget_digest(q{[{"flowId": "flow_1"}, {"flowId": "flow_404"}]}) ],
	[ 'mget, a bad parameter', mget_digest(q{[{"flowId": "flow_1"}, {"flowId": "flow_3", "params": {"limit": -1}}]}) ],
	[ 'mget, a bad body', mget_digest(q{{"flowId": "flow_1"}}) ],
	[ 'tenant: find', q{SET ROLE app; SELECT md5(string_agg(i.id || ':' || i.account_id, ',')) FROM podrec.find('flow_5', '{"limit": 40, "filter": "n=lt.500"}') AS i} ],
	[ 'tenant: find of another account\'s flow', q{SET ROLE app; SELECT count(*) FROM podrec.find('flow_4')} ],
	[ 'tenant: mget', 'SET ROLE app; ' . mget_digest(q{[{"flowId": "flow_1", "params": {"limit": 12}}, {"flowId": "flow_3", "params": {"filter": "n=lt.100"}}, {"flowId": "flow_5", "params": {"status": ["completed", "error", "cancelled"], "sort": "n"}}]}) ],
	[ 'tenant: mget of another account\'s flow', 'SET ROLE app; ' . mget_digest(q{[{"flowId": "flow_1"}, {"flowId": "flow_2"}]}) ],
	[ 'tenant: records_list', q{SET ROLE app; SELECT podrec.records_list('{"record_type_id": 1, "per_page": 10}')::text} ];

# The answer of a call: its output, or its error (the ERROR line).
sub answer
{
	my ($node, $sql) = @_;
	my ($r, $o, $e) = $node->psql('postgres', $sql);
	return $o if $r == 0;
	my ($line) = $e =~ /^(?:psql:[^\n]*?)?(ERROR:[^\n]*)/m;
	return $line // $e;
}

my %single;
for my $c (@CALLS)
{
	$single{ $c->[0] } = answer($coord, $c->[1]);
	note "$c->[0]: $single{$c->[0]}";
}

# ---------------------------------------------------------------------
# Setting up the coordinator
# ---------------------------------------------------------------------

my $shards = join(', ', map {
	my $s = $_;
	sprintf('{"name": "%s", "host": "%s", "port": %d, "dbname": "postgres", "user": "%s", "password_required": false, "server_options": {"fetch_size": "2000", "batch_size": "1000"}}',
		substr($s, 6), $node{$s}->host, $node{$s}->port, scalar getpwuid($<))
} qw(shard_a shard_b));

my ($ret, $out, $err) = $coord->psql('postgres', "SELECT podrec.shard_setup('[$shards]')");
like($err, qr/postgres_fdw is not installed.*HINT:  Run CREATE EXTENSION postgres_fdw/s, 'without postgres_fdw: an error that says what to do');
$coord->safe_psql('postgres', 'CREATE EXTENSION postgres_fdw');
($ret, $out, $err) = $coord->psql('postgres', q{SELECT podrec.shard_setup('[{"name": "x", "host": "nowhere.invalid"}]')});
like($err, qr/shard "x" needs a user/, 'a shard without a user is refused');
($ret, $out, $err) = $coord->psql('postgres',
	sprintf(q{SELECT podrec.shard_setup('[{"name": "x", "host": "%s", "port": 55659, "dbname": "postgres", "user": "nobody"}]')}, $coord->host));
like($err, qr/shard "x" cannot serve podrec.items/, 'an unreachable shard is refused');
$node{shard_a}->safe_psql('postgres', 'CREATE DATABASE unprepared');
$node{shard_a}->safe_psql('unprepared', 'CREATE EXTENSION podrec');
($ret, $out, $err) = $coord->psql('postgres',
	sprintf(q{SELECT podrec.shard_setup('[{"name": "x", "host": "%s", "port": %d, "dbname": "unprepared", "user": "%s", "password_required": false}]')},
		$node{shard_a}->host, $node{shard_a}->port, scalar getpwuid($<)));
like($err, qr/the items of this server cannot move to the shards.*items_flow_account_fkey.*HINT:  Run SELECT podrec.shard_prepare\(\);/s,
	'a shard without shard_prepare is refused, and the hint says what to do');
is($node{shard_a}->safe_psql('unprepared', 'SELECT count(*) FROM podrec.items'), '0', 'and it holds no items');
is($coord->safe_psql('postgres', 'SELECT count(*) FROM podrec.items'), $total, 'a refused setup leaves the items where they were');

my $t0 = time;
$out = $coord->safe_psql('postgres', "SELECT shard, partition, modulus, remainder, items FROM podrec.shard_setup('[$shards]') ORDER BY remainder");
note 'shard_setup took ' . (time - $t0) . ' s';
my @parts = map { [ split /\|/ ] } split /\n/, $out;
is(scalar @parts, 2, 'two partitions');
is($parts[0][0] . ' ' . $parts[0][1] . ' ' . $parts[1][0] . ' ' . $parts[1][1], 'a podrec.items_a b podrec.items_b', 'partitions named after their shards');
is($parts[0][4] + $parts[1][4], $total, 'every item moved to a shard');
ok($parts[0][4] > 0 && $parts[1][4] > 0, "both shards hold items ($parts[0][4] and $parts[1][4])");
is($node{shard_a}->safe_psql('postgres', 'SELECT count(*) FROM podrec.items'), $parts[0][4], 'shard a holds its items itself');
is($coord->safe_psql('postgres', "SELECT relkind FROM pg_class WHERE oid = 'podrec.items'::regclass"), 'p', 'podrec.items is partitioned');
is($coord->safe_psql('postgres', "SELECT count(*) FROM podrec.security_audit() WHERE kind = 'object'"), '0', 'the security audit passes on the coordinator');
($ret, $out, $err) = $coord->psql('postgres', "SELECT podrec.shard_setup('[$shards]')");
like($err, qr/podrec.items is sharded already/, 'a second setup is refused');

# ---------------------------------------------------------------------
# The same answers
# ---------------------------------------------------------------------

for my $c (@CALLS)
{
	is(answer($coord, $c->[1]), $single{ $c->[0] }, "same answer as one node: $c->[0]");
}

# ---------------------------------------------------------------------
# A tenant on the coordinator
# ---------------------------------------------------------------------

# An item of acct_0 stored on a shard (behind the coordinator's back) in
# flow_5 of acct_1, the newest of the flow: the tenant's account condition
# reaches the shard before the LIMIT, so the tenant's pages do not hold it
# and are still full; the superuser sees it.
my $flow5 = $coord->safe_psql('postgres', "SELECT podrec.shard_partition('flow_5')");
my $shard5 = $node{ $flow5 eq 'podrec.items_a' ? 'shard_a' : 'shard_b' };
$shard5->safe_psql('postgres', q{INSERT INTO podrec.items (id, uid, account_id, flow_id, record_type_id, created_at, updated_at, started_at, ended_at, status, test_mode, doc)
	SELECT 999999999, 'eeeeeeeeeeeeeeeeeeee0001', 'acct_0', flow_id, record_type_id, '2030-01-01', '2030-01-01', started_at, ended_at, status, test_mode, doc
	FROM podrec.items WHERE flow_id = 'flow_5' AND status = 'completed' LIMIT 1});
$shard5->safe_psql('postgres', "ALTER SYSTEM SET log_statement = 'all'");
$shard5->reload;
my $logpos = -s $shard5->logfile;
is( $coord->safe_psql('postgres', q{SET ROLE app; SELECT count(*) || '/' || count(*) FILTER (WHERE (m.item).account_id = 'acct_1') FROM podrec.mget('[{"flowId": "flow_5", "params": {"limit": 5}}, {"flowId": "flow_1", "params": {"limit": 5}}]') AS m}),
	'10/10', "a tenant's mget returns full pages of its own items only");
my $log = slurp_file($shard5->logfile, $logpos);
like($log, qr/i\.flow_id OPERATOR\(pg_catalog\.=\) \$1::pg_catalog\.text AND i\.account_id OPERATOR\(pg_catalog\.=\) \$2::pg_catalog\.text [^\n]* LIMIT 5 OFFSET 0.*?DETAIL:  parameters: \$1 = 'flow_5', \$2 = 'acct_1'/s,
	"the shard gets the tenant's account condition, with the flow, the order and the LIMIT");
my @stmts = $log =~ /(execute podrec_\d+: SELECT \* FROM \()/g;
is(scalar @stmts, 1, 'in one statement');
is($coord->safe_psql('postgres', q{SET ROLE app; SELECT count(*) FROM podrec.find('flow_5', '{"limit": 5}') AS i WHERE i.account_id = 'acct_1'}),
	'5', "a tenant's find returns full pages of its own items only");
$log = slurp_file($shard5->logfile, $logpos);
@stmts = $log =~ /(execute podrec_\d+: SELECT \* FROM \()/g;
is(scalar @stmts, 2, 'a find sends its shard one statement too');
is($coord->safe_psql('postgres', q{SET ROLE app; SELECT count(*) FROM podrec.items WHERE flow_id = 'flow_5' AND account_id <> 'acct_1'}),
	'0', 'podrec.items shows a tenant its own items only');
is($coord->safe_psql('postgres', q{SELECT (m.item).uid FROM podrec.mget('[{"flowId": "flow_5", "params": {"limit": 1}}]') AS m}),
	'eeeeeeeeeeeeeeeeeeee0001', 'the superuser sees every account\'s items');
($ret, $out, $err) = $coord->psql('postgres', q{SET ROLE app; SELECT * FROM podrec.items_a});
like($err, qr/permission denied for foreign table items_a/, 'a tenant cannot read a partition itself');
$shard5->safe_psql('postgres', "DELETE FROM podrec.items WHERE uid = 'eeeeeeeeeeeeeeeeeeee0001'; ALTER SYSTEM RESET log_statement");
$shard5->reload;

# ---------------------------------------------------------------------
# Plans: filters shipped, partitions pruned, LIMIT on a flow's partition
# ---------------------------------------------------------------------

sub plan_of { return $coord->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $_[0]") }

my $flow3 = $coord->safe_psql('postgres', "SELECT podrec.shard_partition('flow_3')");
like($flow3, qr/^podrec\.items_[ab]$/, "flow_3 lives in $flow3");
my $plan = plan_of(q{SELECT id FROM podrec.items WHERE flow_id = 'flow_3' AND doc @? podrec.filter_compile('n=gt.900')});
like($plan, qr/Remote SQL: SELECT id FROM podrec\.items WHERE \(\(doc @\? '[^']*900[^']*'::jsonpath\)\) AND \(\(flow_id = 'flow_3'\)\)/, 'a compiled filter is shipped as jsonpath');
my @scans = $plan =~ /Foreign Scan on (\S+)/g;
is("@scans", $flow3, 'a query of one flow reads its partition only');
$plan = plan_of(q{SELECT id FROM podrec.items WHERE podrec.matches(doc, '{"kind": "eq.b"}'::jsonb)});
like($plan, qr/Remote SQL: .*WHERE \(podrec\.matches\(doc, '\{"kind": "eq\.b"\}'::jsonb\)\)/, 'podrec.matches is shipped');
like(plan_of(q{SELECT id FROM podrec.items WHERE podrec.matches(doc, 'kind == "b"')}),
	qr/Remote SQL: .*WHERE \(podrec\.matches\(doc, 'kind == "b"'::text\)\)/, 'podrec.matches with a text filter is shipped');
like($coord->safe_psql('postgres', 'SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) SELECT flow_id, count(podrec.records_flatten(doc)) FROM podrec.items GROUP BY 1'),
	qr/Remote SQL: SELECT flow_id, count\(podrec\.records_flatten\(doc, '\.'::text, 'flow_step_id'::text\)\) FROM podrec\.items GROUP BY 1/,
	'a partitionwise aggregate flattens on the shards');
@scans = $plan =~ /(Async Foreign Scan) on/g;
is(scalar @scans, 2, 'both shards are read concurrently (async)');
$plan = plan_of(q{SELECT id FROM podrec.items WHERE flow_id = ANY ('{flow_1,flow_3}') ORDER BY id});
ok($plan =~ /Foreign Scan on podrec\.items_a/ && $plan =~ /Foreign Scan on podrec\.items_b/ || $coord->safe_psql('postgres', "SELECT podrec.shard_partition('flow_1') = podrec.shard_partition('flow_3')") eq 't',
	'a query of two flows reads the partitions that hold them');
$plan = plan_of("SELECT id FROM $flow3 WHERE flow_id = 'flow_3' ORDER BY created_at DESC, id DESC LIMIT 20");
like($plan, qr/Remote SQL: .*ORDER BY created_at DESC NULLS FIRST, id DESC NULLS FIRST LIMIT 20::bigint/, "a flow's partition read directly takes the ORDER BY and LIMIT along");
$plan = $coord->safe_psql('postgres', "SET ROLE app; EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM podrec.items WHERE flow_id = 'flow_5' AND doc @? '\$.n ? (@ < 10)'");
like($plan, qr/Remote SQL: .*\(\(account_id = \$1::text\)\)/, "a tenant's account condition is shipped as a parameter");
is( $coord->safe_psql('postgres', "SELECT bool_and(podrec.shard_partition(flow_id) = '$flow3'::regclass) FROM (SELECT DISTINCT flow_id FROM $flow3) AS x"),
	't', 'a partition holds the flows that hash to it');

# ---------------------------------------------------------------------
# Writes on the coordinator
# ---------------------------------------------------------------------

$coord->safe_psql('postgres', q{SELECT podrec.item_put('flow_3', '{"_id": "ffffffffffffffffffff0001", "n": 5000}')});
is($node{ substr($flow3, 13) eq 'a' ? 'shard_a' : 'shard_b' }->safe_psql('postgres', q{SELECT doc ->> 'n' FROM podrec.items WHERE uid = 'ffffffffffffffffffff0001'}),
	'5000', 'a new item is stored on its flow\'s shard');
$coord->safe_psql('postgres', q{SELECT podrec.items_put('[{"_id": "ffffffffffffffffffff0001", "n": 5001}, {"_id": "ffffffffffffffffffff0002", "n": 5002}]', 'flow_3')});
is( $coord->safe_psql('postgres', q{SELECT string_agg(uid || '=' || (doc ->> 'n'), ',' ORDER BY uid) FROM podrec.items WHERE uid LIKE 'ffff%'}),
	'ffffffffffffffffffff0001=5001,ffffffffffffffffffff0002=5002', 'a batch updates a stored item and adds a new one');
# A transaction reads its own writes: once it has written, mget and find read
# the shards over postgres_fdw's remote transactions, which hold the write.
is( $coord->safe_psql('postgres', q{
	BEGIN;
	SELECT FROM podrec.item_put('flow_3', '{"_id": "ffffffffffffffffffff0009", "n": 9, "created_at": "2099-01-01T00:00:00Z"}');
	SELECT (SELECT i.uid FROM podrec.find('flow_3', '{"limit": 1}') AS i) || ',' ||
		(SELECT (m.item).uid FROM podrec.mget('[{"flowId": "flow_3", "params": {"limit": 1}}]') AS m);
	ROLLBACK;}),
	'ffffffffffffffffffff0009,ffffffffffffffffffff0009', 'find and mget on a coordinator see the transaction\'s own uncommitted item');
is($coord->safe_psql('postgres', q{SELECT count(*) FROM podrec.mget('[{"flowId": "flow_3", "params": {"limit": 1000}}]') AS m WHERE (m.item).uid = 'ffffffffffffffffffff0009'}),
	'0', 'and after the rollback nobody does');
is( $coord->safe_psql('postgres', q{
	BEGIN ISOLATION LEVEL REPEATABLE READ;
	SELECT count(*) FROM podrec.find('flow_3', '{"limit": 1000}');
	SELECT count(*) FROM podrec.mget('[{"flowId": "flow_3", "params": {"limit": 1000}}]');
	COMMIT;}),
	join("\n", ($coord->safe_psql('postgres', q{SELECT count(*) FROM podrec.find('flow_3', '{"limit": 1000}')})) x 2),
	'a REPEATABLE READ transaction reads the shards in one snapshot');
($ret, $out, $err) = $coord->psql('postgres', q{SELECT podrec.item_put('flow_4', '{"_id": "ffffffffffffffffffff0001", "n": 1}')});
like($err, qr/cannot move to flow "flow_4"/, 'an item still cannot move to another flow');
($ret, $out, $err) = $coord->psql('postgres', q{SELECT podrec.item_put('flow_404', '{"n": 1}')});
like($err, qr/flow "flow_404" does not exist/, 'flows are still checked');
is($coord->safe_psql('postgres', q{SET ROLE app; SELECT count(*) FROM podrec.items WHERE uid LIKE 'ffff%'}), '2', 'the tenant of flow_3 sees its new items');
is( $coord->safe_psql('postgres', q{SET ROLE app; SELECT count(*) FROM podrec.items_put('[{"_id": "ffffffffffffffffffff0004", "n": 6004}, {"_id": "ffffffffffffffffffff0005", "n": 6005}]', 'flow_5')}),
	'2', 'a tenant stores items through the coordinator');
($ret, $out, $err) = $coord->psql('postgres', q{SET ROLE app; SELECT podrec.item_put('flow_5', '{"_id": "ffffffffffffffffffff0001", "n": 1}')});
like($err, qr/cannot move to flow "flow_5"/, 'a tenant cannot move its item to another of its flows');
($ret, $out, $err) = $coord->psql('postgres', q{SET ROLE app; SELECT podrec.item_put('flow_2', '{"n": 1}')});
like($err, qr/flow "flow_2" does not exist/, "a tenant cannot store items in another account's flow");
is( $coord->safe_psql('postgres', q{SET ROLE app; SELECT string_agg(uid || '=' || (doc ->> 'n'), ',' ORDER BY uid) FROM podrec.items WHERE uid LIKE 'ffff%'}),
	'ffffffffffffffffffff0001=5001,ffffffffffffffffffff0002=5002,ffffffffffffffffffff0004=6004,ffffffffffffffffffff0005=6005',
	"the tenant sees its items, as stored");
$coord->safe_psql('postgres', q{DELETE FROM podrec.items WHERE uid LIKE 'ffff%'});
is($coord->safe_psql('postgres', q{SELECT count(*) FROM podrec.items}), $total, 'deleted through the coordinator');

# ---------------------------------------------------------------------
# A shard stops
# ---------------------------------------------------------------------

my @on_a = grep { $coord->safe_psql('postgres', "SELECT podrec.shard_partition('$_')") eq 'podrec.items_a' } map { "flow_$_" } 0 .. 9;
my $body_a = '[' . join(', ', map { qq{{"flowId": "$_", "params": {"limit": 3}}} } @on_a) . ']';
my $mget_a = $coord->safe_psql('postgres', mget_digest($body_a));
$node{shard_b}->stop;
my $on_b = $coord->safe_psql('postgres', "SELECT string_agg(f, ',' ORDER BY f) FROM (SELECT 'flow_' || g AS f FROM generate_series(0, $nflows - 1) AS g) AS x WHERE podrec.shard_partition(f) = 'podrec.items_b'::regclass");
($ret, $out, $err) = $coord->psql('postgres', 'SELECT count(*) FROM podrec.items');
like($err, qr/could not connect to server "podrec_b"/, 'a query of every flow fails, naming the stopped shard');
my $flow_b = (split /,/, $on_b)[0];
($ret, $out, $err) = $coord->psql('postgres', "SELECT count(*) FROM podrec.items WHERE flow_id = '$flow_b'");
like($err, qr/could not connect to server "podrec_b"/, "a query of $flow_b, on the stopped shard, fails");
is($coord->safe_psql('postgres', mget_digest($body_a)), $mget_a, 'an mget of flows on shard a answers (' . join(',', @on_a) . ')');
($ret, $out, $err) = $coord->psql('postgres', mget_digest('[{"flowId": "' . $on_a[0] . '"}, {"flowId": "' . $flow_b . '"}]'));
like($err, qr/could not connect to server "podrec_b"/, "an mget that asks for $flow_b fails, naming the stopped shard");
for my $c (@CALLS)
{
	my @flows = $c->[1] =~ /['"(](flow_\d+)['")]/g;
	push @flows, ($c->[1] =~ /\{(flow_[\d,flow_]+)\}/ ? split(/,/, $1) : ());
	next unless @flows;    # calls of every flow need every shard
	next if grep { ",$on_b," =~ /,$_,/ } @flows;
	next if $c->[0] =~ /records_list/;    # records of a type may be in every flow
	is(answer($coord, $c->[1]), $single{ $c->[0] }, "shard b stopped, same answer: $c->[0]");
}
$node{shard_b}->start;
is($coord->safe_psql('postgres', 'SELECT count(*) FROM podrec.items'), $total, 'back with every item when the shard is back');

done_testing();
