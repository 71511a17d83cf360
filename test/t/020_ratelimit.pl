# The rate limit across servers, connections, reloads and restarts:
# without shared_preload_libraries every function refuses clearly; with it,
# requests are counted across many connections, the table of clients
# survives being full (LRU eviction), counts expire after the window, and a
# restart starts every client afresh.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @functions = (
	"SELECT * FROM podrec.rate_limit_take('k')",
	"SELECT * FROM podrec.rate_limit_peek('k')",
	"SELECT podrec.rate_limit_reset()",
	"SELECT * FROM podrec.rate_limit_status()",
	"SELECT podrec.pre_request()");

# ---------------------------------------------------------------------
# Without shared_preload_libraries.
# ---------------------------------------------------------------------
my $plain = PostgreSQL::Test::Cluster->new('plain');
$plain->init;
$plain->append_conf('postgresql.conf', "podrec.rate_limit = 7\n");
$plain->start;
$plain->safe_psql('postgres', 'CREATE EXTENSION podrec');

foreach my $call (@functions)
{
	my ($ret, $out, $err) =
	  $plain->psql('postgres', "\\set VERBOSITY verbose\n$call;");
	isnt($ret, 0, "without shared_preload_libraries: $call fails");
	like(
		$err,
		qr/ERROR:  55000: podrec's rate limit needs podrec in shared_preload_libraries/,
		"without shared_preload_libraries: $call says why");
	like(
		$err,
		qr/HINT:  Put this line in postgresql\.conf and restart the server: shared_preload_libraries = 'podrec'\n/,
		"without shared_preload_libraries: $call gives the line to add");
}
is($plain->safe_psql('postgres', "LOAD 'podrec'; SHOW podrec.rate_limit"),
	'7', 'the settings exist without shared_preload_libraries');
$plain->stop;
unlike(
	slurp_file($plain->logfile),
	qr/WARNING:.*podrec/,
	'loading podrec after start-up raises no warning');

# ---------------------------------------------------------------------
# With shared_preload_libraries.
# ---------------------------------------------------------------------
my $node = PostgreSQL::Test::Cluster->new('preloaded');
$node->init;
$node->append_conf('postgresql.conf',
	"shared_preload_libraries = 'podrec'\nmax_connections = 20\n");
$node->start;
$node->safe_psql('postgres',
	'CREATE EXTENSION podrec; CREATE TABLE accepted (client text)');

# 480 requests for 400, each on a connection of its own, four at a time.
$node->pgbench(
	'--no-vacuum --client=4 --jobs=2 --transactions=120 --connect',
	0,
	[qr{processed: 480/480}],
	[qr{^$}],
	'480 requests over 480 connections',
	{
		'020_take' => q{INSERT INTO accepted
			SELECT 'pgbench' FROM podrec.rate_limit_take('tap-pgbench') t WHERE t.allowed;}
	});
is($node->safe_psql('postgres', 'SELECT count(*) FROM accepted'),
	'400', 'exactly 400 of them were accepted');
is( $node->safe_psql(
		'postgres',
		"SELECT allowed, remaining FROM podrec.rate_limit_peek('tap-pgbench')"),
	'f|0',
	'the client has nothing left');

# Set the limit for every new connection, and wait until the server has it.
sub set_limit
{
	my ($limit) = @_;
	$node->safe_psql('postgres',
		"ALTER SYSTEM SET podrec.rate_limit = $limit; SELECT pg_reload_conf()");
	$node->poll_query_until('postgres', 'SHOW podrec.rate_limit', $limit)
	  or die "podrec.rate_limit did not become $limit";
	return;
}

# pre_request, as PostgREST runs it for a GET: one connection per request.
my $get = q{BEGIN READ ONLY;
SELECT set_config('request.headers', '{"authorization":"Bearer tap.token","x-forwarded-for":"192.0.2.1"}', true);
SELECT set_config('request.jwt.claims', '{"role":"web_user"}', true);
SELECT podrec.pre_request();
SELECT current_setting('response.headers', true);
COMMIT;};
set_limit(3);
foreach my $n (1 .. 3)
{
	my $remaining = 3 - $n;
	like(
		$node->safe_psql('postgres', $get),
		qr/\{"X-RateLimit-Remaining": "$remaining"\}/,
		"request $n through pre_request is allowed");
}
my ($ret, $out, $err) =
  $node->psql('postgres', "\\set VERBOSITY verbose\n$get");
like($err, qr/ERROR:  PGRST: \{"code":"PT429"/,
	'request 4 through pre_request is refused with PGRST');
like(
	$err,
	qr/DETAIL:  \{"status":429,"headers":\{"Retry-After":"\d+","X-RateLimit-Limit":"3","X-RateLimit-Remaining":"0"\}\}/,
	'the refusal carries status 429 and its headers');

# Disabled by a reload.
set_limit(0);
unlike($node->safe_psql('postgres', $get),
	qr/X-RateLimit/, 'with podrec.rate_limit = 0 requests pass untouched');

# Counts expire after the window.
$node->safe_psql('postgres', 'ALTER SYSTEM SET podrec.rate_limit_window = 2');
set_limit(2);
$node->poll_query_until('postgres', 'SHOW podrec.rate_limit_window', '2s')
  or die 'podrec.rate_limit_window did not become 2s';
is( $node->safe_psql(
		'postgres',
		"SELECT allowed FROM podrec.rate_limit_take('tap-expiry', 2);
		 SELECT allowed, retry_after_seconds BETWEEN 1 AND 3 FROM podrec.rate_limit_take('tap-expiry')"
	),
	"t\nf|t",
	'a 2-second window refuses, and says to retry within 3 seconds');
ok( $node->poll_query_until(
		'postgres',
		"SELECT allowed FROM podrec.rate_limit_take('tap-expiry')", 't'),
	'a later request is allowed again');

# A small table: the least recently used client makes room for a new one.
$node->safe_psql('postgres',
	'ALTER SYSTEM RESET podrec.rate_limit_window; ALTER SYSTEM SET podrec.rate_limit_clients = 4'
);
$node->restart;
set_limit(2);
is( $node->safe_psql('postgres',
		'SELECT capacity, clients, evictions FROM podrec.rate_limit_status()'),
	'4|0|0',
	'the table holds 4 clients');
my $fill = q{
SELECT podrec.rate_limit_take('e1');
SELECT podrec.rate_limit_take('e1');
SELECT podrec.rate_limit_take('e2');
SELECT podrec.rate_limit_take('e3');
SELECT podrec.rate_limit_take('e4');
SELECT allowed FROM podrec.rate_limit_take('e1');
SELECT allowed FROM podrec.rate_limit_take('e5');
};
my @fill = split /\n/, $node->safe_psql('postgres', $fill);
is_deeply([ @fill[ 5, 6 ] ],
	[ 'f', 't' ], 'a new client is allowed when the table is full');
is( $node->safe_psql('postgres',
		'SELECT capacity, clients, evictions FROM podrec.rate_limit_status()'),
	'4|4|1',
	'one client was evicted');
is( $node->safe_psql(
		'postgres',
		"SELECT remaining FROM podrec.rate_limit_peek('e1') UNION ALL SELECT remaining FROM podrec.rate_limit_peek('e2')"
	),
	"0\n2",
	'the least recently used client (e2) was evicted, not the busy one (e1)');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FILTER (WHERE t.allowed) FROM generate_series(1, 50) g, LATERAL podrec.rate_limit_take('new-' || g) t"
	),
	'50',
	'50 more new clients are all allowed');
is( $node->safe_psql('postgres',
		'SELECT capacity, clients, evictions FROM podrec.rate_limit_status()'),
	'4|4|51',
	'each took the place of the least recently used client');

# A restart forgets every count.
$node->restart;
is( $node->safe_psql(
		'postgres',
		"SELECT allowed, remaining FROM podrec.rate_limit_peek('e1'); SELECT clients, evictions FROM podrec.rate_limit_status()"
	),
	"t|2\n0|0",
	'after a restart every client starts afresh');

$node->stop;
done_testing();
