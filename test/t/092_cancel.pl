# Long operations end soon after statement_timeout: a flatten of a huge item,
# an unflatten of a huge record, filters over a huge item and over many
# rows, records_list over many records.  Each case must be cancelled (SQLSTATE
# 57014, never a result, never another error) and the cancel must come soon:
# the latency (time from the timeout to the error, measured in the server) is
# reported, and asserted under a generous bound, PODREC_CANCEL_BOUND_MS
# (default 1000), since timings on a shared machine vary.
#
#   PODREC_CANCEL_ELEMENTS  module elements of the huge item (default 2000000)
#   PODREC_CANCEL_ROWS      rows and records of the many-rows cases (default 200000)
#   PODREC_CANCEL_TIMEOUT   the statement_timeout in ms (default 50)
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $ELEMENTS = $ENV{PODREC_CANCEL_ELEMENTS} // 2000000;
my $ROWS = $ENV{PODREC_CANCEL_ROWS} // 200000;
my $TIMEOUT = $ENV{PODREC_CANCEL_TIMEOUT} // 50;
my $BOUND = $ENV{PODREC_CANCEL_BOUND_MS} // 1000;

my $node = PostgreSQL::Test::Cluster->new('cancel');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'podrec'\n");
$node->start;
$node->safe_psql('postgres', qq{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acct');
SELECT podrec.flow_put('f', 'acct');
-- one huge item, its flat record, many small items
CREATE TABLE big AS SELECT ('{"a": [' || repeat('{"b": 1, "c": "x", "d": {"e": [true, null]}},', $ELEMENTS) || '{}]}')::jsonb AS doc;
CREATE TABLE big_flat AS SELECT podrec.records_flatten(('{"a": [' || repeat('{"b": 1, "c": "x", "d": {"e": [true, null]}},', $ELEMENTS / 4) || '{}]}')::jsonb) AS flat;
CREATE TABLE many AS SELECT jsonb_build_object('n', i, 'tags', jsonb_build_array('t' || i % 100), 'm', jsonb_build_array(jsonb_build_object('flow_step_id', 's', 'x', i))) AS doc
	FROM generate_series(1, $ROWS) AS i;
SELECT podrec.record_type_create('Big', '[{"name": "N", "result_type": "NUMBER"}, {"name": "T", "result_type": "TEXT"}]', 'acct') IS NOT NULL;
SELECT count(*) FROM generate_series(0, ($ROWS - 1) / 20000) AS b,
	LATERAL (SELECT count(*) FROM podrec.records_create(1, (SELECT jsonb_agg(jsonb_build_object('N', i, 'T', 't' || i))
		FROM generate_series(b * 20000, least(b * 20000 + 19999, $ROWS - 1)) AS i))) AS s;
ANALYZE;
-- how long q runs, and how it ends
CREATE FUNCTION timed(q text, OUT ms float8, OUT state text) LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
	EXECUTE q;
	state := 'ok';
	ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
EXCEPTION WHEN query_canceled OR others THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
	ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
END \$\$;
});

# The cases: name, statement, the function it needs (skipped when absent),
# and whether to cancel it also at a fifth and a half of its full run (the
# phases of one call: a walk, a sort, the result).  A new long operation is
# one line.
my $list = q{'{"record_type_id": 1, "per_page": 500, "page": 350, "filters": [{"field_id": "T", "operator": "IS_NOT_EMPTY"}, {"field_id": "N", "operator": "GREATER_THAN", "value": -1}]}'};
my @cases = (
	[ 'records_flatten of a huge item', 'SELECT podrec.records_flatten(doc) FROM big', 'podrec.records_flatten(jsonb,text,text)', 1 ],
	[ 'records_flatten_each of a huge item', 'SELECT count(*) FROM big, podrec.records_flatten_each(doc)', 'podrec.records_flatten_each(jsonb,text,text)' ],
	[ 'records_unflatten of a huge record', 'SELECT podrec.records_unflatten(flat) FROM big_flat', 'podrec.records_unflatten(jsonb,text,text)', 1 ],
	[ 'flat_get in a huge item', q{SELECT podrec.flat_get(doc, 'a.' || g || '.d.e.2') FROM big, generate_series(1, 1000000) AS g}, 'podrec.flat_get(jsonb,text)' ],
	[ 'a text filter over many rows', q{SELECT count(*) FROM many, generate_series(1, 20) AS g WHERE podrec.matches(doc || jsonb_build_object('g', g), 'n == -1 OR tags CONTAINS ["zz"] OR m.s.x < 0')}, 'podrec.matches(jsonb,text)' ],
	[ 'a JSON filter over many rows', q{SELECT count(*) FROM many, generate_series(1, 20) AS g WHERE podrec.matches(doc || jsonb_build_object('g', g), '[{"field_id": "n", "operator": "LESS_THAN", "value": "-1"}]'::jsonb, now())}, 'podrec.matches(jsonb,jsonb,timestamp with time zone)' ],
	[ 'a filter over a huge item, many times', q{SELECT count(*) FROM big, generate_series(1, 100) AS g WHERE podrec.matches(doc, 'a.b == 2')}, 'podrec.matches(jsonb,text)' ],
	[ 'records_list over many records', "SELECT podrec.records_list($list)", 'podrec.records_list(jsonb)' ],
	[ 'records_list, a late page', q{SELECT podrec.records_list('{"record_type_id": 1, "per_page": 500, "page": 300}')}, 'podrec.records_list(jsonb)' ],
	# functions written elsewhere: find, mget, record_query over many rows
	[ 'find over many rows', q{SELECT podrec.find('{"filter": "n == -1"}')}, 'podrec.find(jsonb)' ],
	[ 'record_query over many records', "SELECT podrec.record_query($list)", 'podrec.record_query(jsonb)' ],
);

my @latencies;
# cancel(name, sql, timeout): checks that sql ends with 57014 soon after timeout ms.
sub cancel
{
	my ($name, $sql, $timeout) = @_;
	(my $lit = $sql) =~ s/'/''/g;
	my $t0 = time();
	my ($ret, $out, $err) = $node->psql('postgres', "SET statement_timeout = '${timeout}ms'; SELECT * FROM timed('$lit')");
	my $wall = (time() - $t0) * 1000;
	my ($ms, $state) = split /\|/, $out // '';
	$ms //= 0;
	$state //= "none: $err";
	is($state, '57014', "$name: cancelled by a statement_timeout of $timeout ms");
	my $latency = $ms - $timeout;
	push @latencies, [ "$name ($timeout ms)", $latency ];
	ok($latency < $BOUND, sprintf('%s: the cancel came %.1f ms after the timeout (bound %d ms; %.0f ms wall clock with psql)',
		$name, $latency, $BOUND, $wall));
}

foreach my $c (@cases)
{
	my ($name, $sql, $needs, $phases) = @$c;
	SKIP:
	{
		skip("$name: $needs is not installed", 2)
		  unless $node->safe_psql('postgres', "SELECT to_regprocedure('$needs') IS NOT NULL") eq 't';
		cancel($name, $sql, $TIMEOUT);
		next unless $phases;
		(my $lit = $sql) =~ s/'/''/g;
		my ($full) = split /\|/, $node->safe_psql('postgres', "SELECT * FROM timed('$lit')");
		note(sprintf('%s: %.0f ms uncancelled', $name, $full));
		cancel($name, $sql, int($full * $_)) foreach (0.2, 0.5);
	}
}
# Sanity: without the timeout, the first case runs longer than the timeout.
my ($ms) = split /\|/, $node->safe_psql('postgres', q{SELECT * FROM timed('SELECT podrec.records_flatten(doc) FROM big')});
ok($ms > $TIMEOUT, sprintf('without a timeout, records_flatten of the huge item runs %.0f ms', $ms));
diag('cancel latency after a ' . $TIMEOUT . ' ms statement_timeout: '
	. join(', ', map { sprintf('%s %.1f ms', @$_) } @latencies));
my @sorted = sort { $a <=> $b } map { $_->[1] } @latencies;
diag(sprintf('cancel latency: max %.1f ms, median %.1f ms over %d cases', $sorted[-1], $sorted[ int(@sorted / 2) ], scalar(@sorted)))
  if @sorted;

$node->stop;
done_testing();
