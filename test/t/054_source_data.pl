
# Copyright (c) 2026, podrec authors

# source_data against a reference, on generated workflow events.
#
# PODREC_SOURCE_EVENTS events (default 50,000) are generated set-based from
# their number g into a plain table (ref.ev: one column per property), for
# three workflows of two organizations: step events (steps 0 to 3, three
# actions each) and goal triggers (six goals, with visitor properties some
# of which are missing), from a pool of visitors, over 90 days.  They are
# stored with podrec.source_events_put in batches.
#
# The reference is SQL over ref.ev written here from the rules of the
# README: a goal trigger is in the interval [start, end), matches every
# filter (one of the filter's values), and, for target affected_goal, its
# visitor has, for every step of step_data after the source step that lists
# actions, a step event of that step with one of those actions at or before
# the goal's time (without such steps: any step event at or before it);
# data in time order (ties: the order of storing), the first limit of them,
# rendered raw or basic.  Each case compares source_data's response (fields
# and data, element by element) with the reference's.  Cases: each
# parameter on its own, then PODREC_SOURCE_CASES random payloads (default
# 150) from PODREC_SEED.  Plans: a selective filter over a wide interval is
# served by the GIN index on items.doc.

use strict;
use warnings;

use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $seed = $ENV{PODREC_SEED} // 20261202;
$seed = int(time()) ^ ($$ << 8) if $seed eq 'random';
my $ncases = $ENV{PODREC_SOURCE_CASES} // 150;
my $nevents = $ENV{PODREC_SOURCE_EVENTS} // 50000;
srand($seed);
note "seed $seed (rerun with PODREC_SEED=$seed), $nevents events, $ncases random cases";

my $node = PostgreSQL::Test::Cluster->new('source_data');
$node->init;
$node->append_conf('postgresql.conf', "shared_buffers = 128MB\nfsync = off\nautovacuum = off\ntimezone = 'UTC'\n");
$node->start;

my $json = JSON::PP->new->canonical;

my $ORG_A = '38d0571c-3693-4893-a888-6726d9e6f0e8';
my $ORG_B = '5e0c9a3e-2f41-4c7e-9d3a-8b6f1e2d3c4b';
my $W1 = 'fef456f5-fbde-42d1-be16-797b6d621193';
my $W2 = 'a7c3e5f1-9b2d-4e6f-8a1c-3d5e7f9b1a2c';
my $W3 = 'c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f';
my %ORG_OF = ($W1 => $ORG_A, $W2 => $ORG_A, $W3 => $ORG_B);

# ---------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------

my $t0 = time();
$node->safe_psql('postgres', qq{
CREATE EXTENSION podrec;
SELECT podrec.account_put('$ORG_A', 'Example Oy');
SELECT podrec.account_put('$ORG_B', 'Other Ab');

CREATE SCHEMA ref;
CREATE FUNCTION ref.h(g bigint, k int, m int) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN ((hashint8(g * 64 + k) & 2147483647) % m)::int;
CREATE FUNCTION ref.goal(k int) RETURNS text LANGUAGE sql IMMUTABLE STRICT
	RETURN md5('goal ' || k)::uuid::text;
CREATE TABLE ref.ev AS
SELECT g,
	CASE WHEN ref.h(g, 1, 10) < 7 THEN '$W1' WHEN ref.h(g, 1, 10) < 9 THEN '$W2' ELSE '$W3' END AS workflow,
	CASE WHEN ref.h(g, 2, 10) < 4 THEN 'goal' ELSE 'workflowReportingEvent' END AS category,
	'visitor-' || ref.h(g, 3, 3000) AS visitor,
	timestamptz '2024-01-01 00:00:00+00' + ref.h(g, 4, 90 * 24 * 60) * interval '1 minute' AS ts,
	ref.h(g, 5, 4) AS step,
	ref.h(g, 6, 3) AS view,
	ref.h(g, 7, 6) AS goal,
	(ref.h(g, 8, 100000) / 100.0)::numeric AS value,
	CASE WHEN ref.h(g, 9, 10) <> 0 THEN 's-' || ref.h(g, 10, 20000) END AS session,
	(ARRAY['desktop', 'mobile', 'tablet', NULL])[1 + ref.h(g, 11, 4)] AS device,
	(ARRAY['Firefox', 'Chrome', 'Safari', 'Edge', 'Opera', NULL])[1 + ref.h(g, 12, 6)] AS browser,
	(ARRAY['Linux', 'Windows', 'macOS', 'iOS'])[1 + ref.h(g, 13, 4)] AS os,
	(ARRAY['FI', 'SE', 'NO', 'DK', 'DE', 'EE', 'FR', NULL])[1 + ref.h(g, 14, 8)] AS country,
	'city-' || ref.h(g, 15, 12) AS city
FROM generate_series(1, $nevents) AS g;

-- The events: batches of 5,000 of one workflow, in g order.
DO \$\$
DECLARE
	b record;
BEGIN
	FOR b IN SELECT workflow, g / 5000 AS block FROM ref.ev GROUP BY 1, 2 ORDER BY 2, 1 LOOP
		PERFORM podrec.source_events_put(CASE b.workflow WHEN '$W3' THEN '$ORG_B'::uuid ELSE '$ORG_A'::uuid END,
			b.workflow::uuid, (
			SELECT jsonb_agg(jsonb_strip_nulls(CASE WHEN e.category = 'goal' THEN jsonb_build_object(
					'seq', e.g, 'category', 'goal', 'created_at', to_char(e.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
					'visitor_id', e.visitor, 'label', ref.goal(e.goal), 'action', 'Goal ' || e.goal, 'value', e.value,
					'session_id', e.session, 'device_type', e.device, 'browser_name', e.browser, 'os_name', e.os,
					'geo_country', e.country, 'geo_city', e.city)
				ELSE jsonb_build_object(
					'seq', e.g, 'category', 'workflowReportingEvent', 'created_at', to_char(e.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
					'visitor_id', e.visitor, 'dim5', e.step::text, 'dim4', 'Step ' || e.step, 'action', 'view-' || e.step || '-' || e.view)
				END) ORDER BY e.g)
			FROM ref.ev AS e WHERE e.workflow = b.workflow AND e.g / 5000 = b.block));
	END LOOP;
END
\$\$;

-- The reference's table: the events with their item's id and uid.
CREATE TABLE ref.evi AS
SELECT e.*, i.id, i.uid FROM ref.ev AS e JOIN podrec.items AS i ON (i.doc ->> 'seq')::int = e.g;
CREATE INDEX ON ref.evi (workflow, category, ts);
CREATE INDEX ON ref.evi (visitor, workflow, step);
VACUUM ANALYZE podrec.items;
ANALYZE ref.evi;
});
my $load = time() - $t0;
note sprintf("%d events generated and stored in %.1f s", $nevents, $load);

is($node->safe_psql('postgres', 'SELECT count(*) FROM ref.evi'), $nevents, "$nevents events stored, one item each");
is( $node->safe_psql('postgres', q{
	SELECT count(*) FROM ref.evi AS e JOIN podrec.items AS i ON i.id = e.id
	WHERE i.flow_id <> e.workflow OR i.created_at <> e.ts
		OR i.account_id <> CASE e.workflow WHEN '} . $W3 . q{' THEN '} . $ORG_B . q{' ELSE '} . $ORG_A . q{' END
		OR (e.category = 'workflowReportingEvent' AND i.doc -> 'dim5' <> to_jsonb(e.step))}),
	'0', 'workflows, organizations, times and step numbers as generated');

# ---------------------------------------------------------------------
# The reference
# ---------------------------------------------------------------------

my %COLUMN = (
	label => q{ref.goal(e.goal)}, action => q{'Goal ' || e.goal}, visitor_id => 'e.visitor',
	session_id => 'e.session', device_type => 'e.device', browser_name => 'e.browser',
	os_name => 'e.os', geo_country => 'e.country', geo_city => 'e.city');

sub lit { my ($s) = @_; $s =~ s/'/''/g; return "'$s'" }

sub ts_lit
{
	my ($t) = @_;
	return lit($t) . '::timestamptz';
}

# The reference's data array of a case, as SQL.
sub reference
{
	my ($wf, $p) = @_;
	my ($start, $end);
	if (ref $p->{interval}) { ($start, $end) = @{ $p->{interval} }{qw(start end)} }
	else { ($start, $end) = split m{/}, $p->{interval} }
	my @where = ("e.workflow = " . lit($wf), "e.category = 'goal'",
		"e.ts >= " . ts_lit($start), "e.ts < " . ts_lit($end));
	for my $f (@{ $p->{filters} })
	{
		push @where, "$COLUMN{$f->{property}} IN (" . join(', ', map { lit($_) } @{ $f->{values} }) . ")";
	}
	# affected: every constrained step reached by the goal's time
	my @steps;
	my $i = 0;
	for my $s (@{ $p->{step_data} // [] })
	{
		push @steps, [ $i, $s->{actions} ] if $i > 0 && $s->{actions} && @{ $s->{actions} };
		$i++;
	}
	my @cond = map {
		"EXISTS (SELECT FROM ref.evi AS s WHERE s.visitor = e.visitor AND s.workflow = e.workflow"
		  . " AND s.category = 'workflowReportingEvent' AND s.ts <= e.ts AND s.step = $_->[0]"
		  . " AND 'view-' || s.step || '-' || s.view IN (" . join(', ', map { lit($_) } @{ $_->[1] }) . "))"
	} @steps;
	@cond = ("EXISTS (SELECT FROM ref.evi AS s WHERE s.visitor = e.visitor AND s.workflow = e.workflow"
		  . " AND s.category = 'workflowReportingEvent' AND s.ts <= e.ts)") unless @cond;
	my $affected = '(' . join(' AND ', @cond) . ')';
	push @where, $affected if ($p->{target} // 'affected_goal') eq 'affected_goal';
	my $limit = defined $p->{limit} ? "LIMIT $p->{limit}" : '';
	my $row = $p->{basic}
	  ? q{jsonb_build_object('Time', to_char(e.ts, 'YYYY-MM-DD HH24:MI:SS'), 'Goal', 'Goal ' || e.goal,
		'Value', e.value, 'Visitor', e.visitor, 'Device', initcap(e.device), 'Browser', e.browser,
		'Operating system', e.os, 'Country', e.country, 'City', e.city,
		'Affected by the workflow', CASE WHEN e.affected THEN 'Yes' ELSE 'No' END)}
	  : q{jsonb_build_object('event_id', e.uid, 'created_at', to_char(e.ts, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
		'organization_id', } . lit($ORG_OF{$wf}) . q{, 'workflow_id', e.workflow, 'label', ref.goal(e.goal),
		'action', 'Goal ' || e.goal, 'value', e.value, 'visitor_id', e.visitor, 'session_id', e.session,
		'device_type', e.device, 'browser_name', e.browser, 'os_name', e.os, 'geo_country', e.country,
		'geo_city', e.city, 'affected', e.affected)};
	return "SELECT coalesce(jsonb_agg($row ORDER BY e.ts, e.id), '[]') FROM ("
	  . "SELECT e.*, $affected AS affected FROM ref.evi AS e WHERE " . join(' AND ', @where)
	  . " ORDER BY e.ts, e.id $limit) AS e";
}

my @FIELDS_RAW = (
	[ 'event_id', 'string', 'Event ID' ], [ 'created_at', 'datetime', 'Time' ],
	[ 'organization_id', 'uuid', 'Organization ID' ], [ 'workflow_id', 'uuid', 'Workflow ID' ],
	[ 'label', 'uuid', 'Goal ID' ], [ 'action', 'string', 'Goal' ], [ 'value', 'number', 'Value' ],
	[ 'visitor_id', 'string', 'Visitor' ], [ 'session_id', 'string', 'Session' ],
	[ 'device_type', 'string', 'Device' ], [ 'browser_name', 'string', 'Browser' ],
	[ 'os_name', 'string', 'Operating system' ], [ 'geo_country', 'string', 'Country' ],
	[ 'geo_city', 'string', 'City' ], [ 'affected', 'boolean', 'Affected by the workflow' ]);
my %IN_BASIC = map { $_ => 1 } qw(created_at action value visitor_id device_type browser_name os_name geo_country geo_city affected);
my $fields_raw = $json->encode([ map { { name => $_->[0], type => $_->[1], title => $_->[2] } } @FIELDS_RAW ]);
my $fields_basic = $json->encode([ map { { name => $_->[2], type => ($_->[0] eq 'affected' ? 'string' : $_->[1]), column => $_->[0] } }
	  grep { $IN_BASIC{ $_->[0] } } @FIELDS_RAW ]);

my $ncase = 0;
my $nrows = 0;
my $elapsed = 0;

sub check_case
{
	my ($name, $wf, $p) = @_;
	$ncase++;
	my $payload = $json->encode($p);
	my $ref = reference($wf, $p);
	my $fields = $p->{basic} ? $fields_basic : $fields_raw;
	my $t = time();
	my $got = $node->safe_psql('postgres',
		"SELECT podrec.source_data(" . lit($ORG_OF{$wf}) . ", " . lit($wf) . ", " . lit($payload) . ")::text");
	$elapsed += time() - $t;
	my $res = $node->safe_psql('postgres', qq{
		WITH got AS (SELECT ${\ lit($got)}::jsonb AS r), want AS ($ref)
		SELECT (got.r -> 'fields') = ${\ lit($fields)}::jsonb,
			jsonb_array_length(got.r -> 'data'), jsonb_array_length(want.coalesce),
			coalesce((SELECT min(o) FROM jsonb_array_elements(got.r -> 'data') WITH ORDINALITY AS a (x, o)
				WHERE x IS DISTINCT FROM want.coalesce -> (o::int - 1)), 0),
			(got.r -> 'data') = want.coalesce
		FROM got, want});
	my ($fields_ok, $ngot, $nwant, $first_bad, $same) = split /\|/, $res;
	$nrows += $ngot;
	my $ok = $fields_ok eq 't' && $same eq 't' && $ngot == $nwant;
	ok($ok, "$name: $ngot events") or diag("payload $payload\nfields ok: $fields_ok; got $ngot, want $nwant; first difference at $first_bad\n$ref");
	return $ngot;
}

# ---------------------------------------------------------------------
# Each parameter on its own
# ---------------------------------------------------------------------

my $G = sub { $node->safe_psql('postgres', "SELECT ref.goal($_[0])") };
my %I = (interval => { start => '2024-01-10T00:00:00Z', end => '2024-01-20T00:00:00Z' });

check_case('filters []', $W1, { filters => [], %I });
check_case('filters [] total', $W1, { filters => [], %I, target => 'affected_goal_total' });
check_case('label filter', $W1, { filters => [ { property => 'label', values => [ $G->(1) ] } ], %I });
check_case('label filter, two values', $W1, { filters => [ { property => 'label', values => [ $G->(1), $G->(4) ] } ], %I });
check_case('filters on label and action', $W1, { filters => [ map { { property => $_, values => [ {
	label => $G->(2), action => 'Goal 2', visitor_id => 'visitor-17', session_id => 's-5',
	device_type => 'mobile', browser_name => 'Chrome', os_name => 'iOS', geo_country => 'FI', geo_city => 'city-3' }->{$_} ] } }
	  qw(label action) ], %I, target => 'affected_goal_total' });
for my $prop (sort keys %COLUMN)
{
	my $v = { label => $G->(2), action => 'Goal 2', visitor_id => 'visitor-17', session_id => 's-5',
		device_type => 'mobile', browser_name => 'Chrome', os_name => 'iOS', geo_country => 'FI', geo_city => 'city-3' }->{$prop};
	check_case("filter on $prop", $W1, { filters => [ { property => $prop, values => [ $v, 'nothing' ] } ],
		interval => '2024-01-01T00:00:00Z/2024-04-01T00:00:00Z', target => 'affected_goal_total' });
}
check_case('filters ANDed', $W1, { filters => [ { property => 'device_type', values => [ 'desktop', 'tablet' ] },
	{ property => 'geo_country', values => [ 'FI', 'SE' ] } ], %I });
check_case('filters on one property', $W1, { filters => [ { property => 'os_name', values => [ 'Linux', 'iOS' ] },
	{ property => 'os_name', values => [ 'iOS', 'macOS' ] } ], %I });
check_case('step_data, step 1', $W1, { filters => [], step_data => [ {}, { actions => [ 'view-1-0' ] } ], %I });
check_case('step_data, steps 1 and 2', $W1, { filters => [], step_data => [ {}, { actions => [ 'view-1-0', 'view-1-2' ] }, { actions => [ 'view-2-1' ] } ], %I });
check_case('step_data, step 3 only', $W1, { filters => [], step_data => [ {}, {}, { actions => [] }, { actions => [ 'view-3-2' ] } ], %I });
check_case('step_data, the source step ignored', $W1, { filters => [], step_data => [ { actions => [ 'view-0-0' ] } ], %I });
check_case('step_data, an action no step has', $W1, { filters => [], step_data => [ {}, { actions => [ 'view-2-0' ] } ], %I });
check_case('step_data with total', $W1, { filters => [], step_data => [ {}, { actions => [ 'view-1-0' ] } ], %I, target => 'affected_goal_total' });
check_case('interval string', $W2, { filters => [], interval => '2024-02-01T00:00:00Z/2024-02-03T12:00:00Z' });
check_case('interval with offsets', $W2, { filters => [], interval => { start => '2024-02-01T02:00:00+02:00', end => '2024-02-03T07:30:00-05:00' } });
check_case('interval of dates', $W2, { filters => [], interval => '2024-02-01/2024-02-02' });
check_case('the whole range', $W1, { filters => [ { property => 'label', values => [ $G->(5) ] } ], interval => '2023-01-01/2025-01-01' });
check_case('limit 1', $W1, { filters => [], %I, limit => 1 });
check_case('limit 100', $W1, { filters => [], %I, limit => 100 });
check_case('limit over the count', $W1, { filters => [ { property => 'label', values => [ $G->(0) ] } ], %I, limit => 100000 });
check_case('basic', $W1, { filters => [ { property => 'label', values => [ $G->(3) ] } ], %I, basic => JSON::PP::true });
check_case('basic false', $W1, { filters => [ { property => 'label', values => [ $G->(3) ] } ], %I, basic => JSON::PP::false });
check_case('basic, total, limit', $W1, { filters => [], %I, basic => JSON::PP::true, target => 'affected_goal_total', limit => 50 });
check_case('other organization', $W3, { filters => [], %I, target => 'affected_goal_total' });
check_case('the seed example', $W1, { filters => [ { property => 'label', values => [ $G->(1) ] } ],
	step_data => [ {}, { actions => [ 'view-1-0', 'view-1-1' ] }, { actions => [ 'view-2-2' ] } ],
	interval => { start => '2024-01-01T00:00:00Z', end => '2024-03-01T00:00:00Z' },
	limit => 1000, target => 'affected_goal', basic => JSON::PP::true });

# ---------------------------------------------------------------------
# Random payloads
# ---------------------------------------------------------------------

sub pick { return $_[ int(rand(@_)) ] }

my %DOMAIN = (
	label => [ map { $G->($_) } 0 .. 5 ], action => [ map { "Goal $_" } 0 .. 5 ],
	visitor_id => [ map { "visitor-$_" } 0 .. 40 ], session_id => [ map { "s-$_" } 0 .. 40 ],
	device_type => [qw(desktop mobile tablet)], browser_name => [qw(Firefox Chrome Safari Edge Opera)],
	os_name => [qw(Linux Windows macOS iOS)], geo_country => [qw(FI SE NO DK DE EE FR)],
	geo_city => [ map { "city-$_" } 0 .. 11 ]);
my @PROPS = qw(label label label action device_type browser_name os_name geo_country geo_city visitor_id session_id);

sub iso
{
	my ($minutes) = @_;
	my @t = gmtime(1704067200 + $minutes * 60);
	return sprintf('%04d-%02d-%02dT%02d:%02d:00Z', $t[5] + 1900, $t[4] + 1, $t[3], $t[2], $t[1]);
}

for my $c (1 .. $ncases)
{
	my %p;
	my @filters;
	for (1 .. pick(0, 0, 1, 1, 1, 2, 3))
	{
		my $prop = pick(@PROPS);
		my %v = map { pick(@{ $DOMAIN{$prop} }) => 1 } 1 .. 1 + int(rand(3));
		push @filters, { property => $prop, values => [ sort keys %v ] };
	}
	$p{filters} = \@filters;
	my $start = int(rand(95 * 24 * 60)) - 2 * 24 * 60;
	my $len = pick(60, 24 * 60, 7 * 24 * 60, 30 * 24 * 60, 120 * 24 * 60);
	$p{interval} = rand() < 0.3 ? iso($start) . '/' . iso($start + $len) : { start => iso($start), end => iso($start + $len) };
	if (rand() < 0.6)
	{
		my @sd = ({});
		for my $step (1 .. pick(1, 2, 3))
		{
			my %a = map { "view-$step-" . int(rand(3)) => 1 } 1 .. int(rand(3));
			push @sd, rand() < 0.2 ? {} : { actions => [ sort keys %a ] };
		}
		$p{step_data} = \@sd;
	}
	$p{limit} = pick(1, 5, 20, 100, 1000) if rand() < 0.5;
	$p{target} = pick('affected_goal', 'affected_goal_total') if rand() < 0.7;
	$p{basic} = pick(JSON::PP::true, JSON::PP::false) if rand() < 0.6;
	check_case("random case $c", pick($W1, $W1, $W1, $W2, $W3), \%p);
}

note sprintf("%d cases, %d events returned, source_data took %.1f ms a call on average", $ncase, $nrows,
	1000 * $elapsed / $ncase);

# ---------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------

my $plan = $node->safe_psql('postgres', qq{
	EXPLAIN (COSTS OFF)
	SELECT g.id FROM podrec.items AS g
	WHERE g.flow_id = '$W1' AND g.created_at >= '2024-01-01' AND g.created_at < '2024-04-01'
		AND podrec.matches(g.doc, podrec.source_data_filter('[{"property": "visitor_id", "values": ["visitor-17"]}]'))
	ORDER BY g.created_at, g.id});
like($plan, qr/Bitmap Index Scan on items_doc_idx/, 'a selective filter over a wide interval: the GIN index')
  or diag($plan);
my ($cond) = $plan =~ /Index Cond: \(doc @@ '([^']*)'::jsonpath\)/;
ok(defined $cond && $cond =~ /\$\."visitor_id" == "visitor-17"/ && $cond =~ /\$\."category" == "goal"/,
	'the index condition is the filter\'s equalities') or diag($plan);

# The same query as the function runs it, with the filter a parameter.
$plan = $node->safe_psql('postgres', qq{
	SET plan_cache_mode = force_generic_plan;
	PREPARE q(jsonb) AS SELECT g.id FROM podrec.items AS g
	WHERE g.flow_id = '$W1' AND g.created_at >= '2024-01-01' AND g.created_at < '2024-04-01'
		AND podrec.matches(g.doc, \$1) ORDER BY g.created_at, g.id;
	EXPLAIN (COSTS OFF) EXECUTE q(podrec.source_data_filter('[{"property": "visitor_id", "values": ["visitor-17"]}]'));});
like($plan, qr/items_doc_idx/, 'a generic plan with the filter a parameter: the GIN index') or diag($plan);

# Timings, in the server (a warm session: the median of three calls after one).
$node->safe_psql('postgres', q{
CREATE FUNCTION ref.ms(org uuid, wf uuid, payload jsonb, OUT n int, OUT ms numeric) LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz;
	times numeric[] := '{}';
BEGIN
	n := jsonb_array_length(podrec.source_data(org, wf, payload) -> 'data');
	FOR i IN 1..3 LOOP
		t := clock_timestamp();
		PERFORM podrec.source_data(org, wf, payload);
		times := times || round(extract(epoch FROM clock_timestamp() - t) * 1000, 1);
	END LOOP;
	ms := (SELECT x FROM unnest(times) AS x ORDER BY x OFFSET 1 LIMIT 1);
END
$$;});
for my $b (
	[ 'every goal trigger of workflow 1', '{"filters": [], "interval": "2023-01-01/2025-01-01", "target": "affected_goal_total"}' ],
	[ 'the affected ones of two steps', '{"filters": [], "step_data": [{}, {"actions": ["view-1-0"]}, {"actions": ["view-2-1"]}], "interval": "2023-01-01/2025-01-01"}' ],
	[ 'one goal, one week, limit 100', '{"filters": [{"property": "label", "values": ["' . $G->(2) . '"]}], "interval": "2024-02-01/2024-02-08", "limit": 100}' ],
	[ 'one visitor, the whole range', '{"filters": [{"property": "visitor_id", "values": ["visitor-17"]}], "interval": "2023-01-01/2025-01-01"}' ])
{
	my ($n, $ms) = split /\|/, $node->safe_psql('postgres', "SELECT * FROM ref.ms('$ORG_A', '$W1', " . lit($b->[1]) . ")");
	note sprintf("%s: %d events in %s ms", $b->[0], $n, $ms);
}

$node->stop;
done_testing();
