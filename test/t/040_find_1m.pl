
# Copyright (c) 2026, podrec authors

# find and mget against a reference, on generated items in 50 flows.
#
# PODREC_FIND_ITEMS items (default 1,000,000) are generated set-based with
# one INSERT ... SELECT over generate_series: 50 flows, creation times with
# ties (three items a second, ties broken by id), one item in ten cancelled,
# a rare kind, a score and a barcode module.  The reference is plain SQL over
# podrec.items written here from the README's rules (status, time range,
# filter, order, ties by (created_at, id), skip, limit).
#
# Checks: find for every parameter against the reference, page by page;
# mget of ten flows against the references in request order; every page of
# a flow read through after cursors (in created_at order, and sorted by a
# flat key with a filter) is the reference, nothing skipped or repeated,
# while newer items are inserted between pages; plans: the btree serves
# plain and cursor pages, the GIN index selective filters.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $nitems = $ENV{PODREC_FIND_ITEMS} // 1000000;
note "$nitems items in 50 flows";

my $node = PostgreSQL::Test::Cluster->new('find_1m');
$node->init;
$node->append_conf('postgresql.conf',
	"shared_buffers = 256MB\nmaintenance_work_mem = 256MB\nfsync = off\nsynchronous_commit = off\nautovacuum = off\ntimezone = 'UTC'\n");
$node->start;

my $t0 = time;
$node->safe_psql('postgres', qq{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acme');
SELECT podrec.flow_put('flow-' || lpad(f::text, 2, '0'), 'acme') FROM generate_series(0, 49) AS f;
INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, status, doc)
SELECT 'u' || g, 'acme', 'flow-' || lpad((g % 50)::text, 2, '0'), t, t,
	CASE WHEN g % 10 = 7 THEN 'cancelled' ELSE 'completed' END,
	jsonb_build_object('n', g,
		'kind', CASE WHEN g % 1000 = 3 THEN 'rare' WHEN g % 3 = 0 THEN 'a' ELSE 'b' END,
		'score', g % 97,
		'barcode_scanning', jsonb_build_array(jsonb_build_object('flow_step_id', 'barcode', 'code', 'C' || (g % 5000))))
FROM generate_series(1, $nitems) AS g,
	LATERAL (SELECT timestamptz '2025-01-01 00:00:00+00' + (g / 3) * interval '1 second' AS t) AS t
ORDER BY g;
ANALYZE podrec.items;
});
note sprintf("loaded in %.1f s", time - $t0);

# The uids a query returns, in order, joined by commas.
sub uids
{
	my ($sql) = @_;
	return join(',', split(/\n/, $node->safe_psql('postgres', $sql)));
}

# A find and its reference: the uids of both.
sub check_find
{
	my ($flow, $params, $where, $order, $limit, $skip, $name) = @_;
	my $got = uids("SELECT uid FROM podrec.find('$flow', '$params')");
	my $want = uids("SELECT uid FROM podrec.items WHERE flow_id = '$flow' AND $where ORDER BY $order LIMIT $limit OFFSET $skip");
	is($got, $want, "find $name");
	return;
}

my $desc = 'created_at DESC, id DESC';
my $asc = 'created_at ASC, id ASC';
my $completed = "status = 'completed'";

# ---------------------------------------------------------------------
# find, every parameter
# ---------------------------------------------------------------------
check_find('flow-07', '{}', $completed, $desc, 20, 0, 'defaults');
check_find('flow-07', '{"limit": 1000}', $completed, $desc, 1000, 0, 'limit 1000');
check_find('flow-08', '{"limit": 7, "skip": 13, "order": "asc"}', $completed, $asc, 7, 13, 'skip, asc');
check_find('flow-09', '{"start": 40}', $completed, $desc, 20, 40, 'start as skip');
check_find('flow-10', '{"status": ["cancelled", "completed"], "limit": 50}', 'true', $desc, 50, 0, 'statuses');
check_find('flow-10', '{"status": "cancelled", "limit": 50}', "status = 'cancelled'", $desc, 50, 0, 'cancelled');
check_find('flow-11', '{"start_date": "2025-01-02T00:00:00Z", "end_date": "2025-01-02T01:00:00Z", "limit": 100}',
	"$completed AND created_at >= '2025-01-02Z' AND created_at < '2025-01-02 01:00Z'", $desc, 100, 0, 'time range');
check_find('flow-11', '{"start_date": 1735776000000, "end": "2025-01-02T02:00:00", "order": "asc"}',
	"$completed AND created_at >= '2025-01-02Z' AND created_at < '2025-01-02 02:00Z'", $asc, 20, 0, 'time range, epoch ms');
check_find('flow-03', '{"filter": "kind == \"rare\"", "limit": 100}',
	"$completed AND doc->>'kind' = 'rare'", $desc, 100, 0, 'rare filter (text)');
check_find('flow-12', '{"filter": [{"field_id": "score", "operator": "GREATER_THAN", "value": "90"}], "limit": 30}',
	"$completed AND (doc->>'score')::int > 90", $desc, 30, 0, 'score filter (Tines)');
check_find('flow-13', '{"filter": {"barcode_scanning__barcode__code": {"operator": "", "value": "C13"}}}',
	"$completed AND doc->'barcode_scanning'->0->>'code' = 'C13'", $desc, 20, 0, 'barcode filter (operator map)');
check_find('flow-14', '{"filter": "kind=eq.a", "sort": "score", "order": "asc", "limit": 40}',
	"$completed AND doc->>'kind' = 'a'", "doc->'score' ASC, $asc", 40, 0, 'flat sort, pairs filter');
check_find('flow-15', '{"sort": "updated_at", "limit": 25, "skip": 5}', $completed, "updated_at DESC, $desc", 25, 5, 'updated_at sort');

# ---------------------------------------------------------------------
# mget of ten flows
# ---------------------------------------------------------------------
my @reqs = map {
	my $f = sprintf('flow-%02d', $_ * 4 + 1);
	[ $f, $_ % 3 == 0 ? '{"limit": 20}' : $_ % 3 == 1 ? '{"limit": 20, "filter": "score < 10"}' : '{"limit": 20, "order": "asc", "skip": 3}',
	  $_ % 3 == 0 ? "$completed ORDER BY $desc LIMIT 20" : $_ % 3 == 1 ? "$completed AND (doc->>'score')::int < 10 ORDER BY $desc LIMIT 20" : "$completed ORDER BY $asc LIMIT 20 OFFSET 3" ]
} 0 .. 9;
my $body = '[' . join(', ', map { qq({"flowId": "$_->[0]", "params": $_->[1]}) } @reqs) . ']';
my $got = uids("SELECT flow_id || ':' || ord || ':' || (item).uid FROM podrec.mget('$body')");
my $want = uids(join(' UNION ALL ', map {
	my $i = $_;
	"(SELECT * FROM (SELECT '$reqs[$i][0]:' || row_number() OVER () || ':' || uid, $i AS r FROM (SELECT uid FROM podrec.items WHERE flow_id = '$reqs[$i][0]' AND $reqs[$i][2]) AS s) AS s)"
} 0 .. 9) . ' ORDER BY 2');
$want = join(',', map { (split /\|/)[0] } split(/,/, $want));
is($got, $want, 'mget of ten flows is the ten references in request order');
is($node->safe_psql('postgres', "SELECT count(*) FROM podrec.mget('$body')"), scalar(split(/,/, $want)), 'mget returns every item of the references');

# ---------------------------------------------------------------------
# Every page of a flow through after cursors, while items are inserted
# ---------------------------------------------------------------------
sub follow
{
	my ($flow, $params, $page, $insert) = @_;
	my @all;
	my $cursor;
	my $pages = 0;
	while (1)
	{
		my $p = $cursor ? qq({"limit": $page, "after": "$cursor", $params}) : qq({"limit": $page, $params});
		$p =~ s/, \}$/}/;
		my $out = $node->safe_psql('postgres', qq{
			SELECT i.uid, podrec.cursor_of(i, '{$params}') FROM podrec.find('$flow', '$p') AS i});
		last if $out eq '';
		my @rows = map { [ split /\|/ ] } split /\n/, $out;
		push @all, map { $_->[0] } @rows;
		$cursor = $rows[-1][1];
		$pages++;
		# newer items arrive between pages: they sort before the cursor (desc)
		$node->safe_psql('postgres', qq{
			INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, doc)
			VALUES ('new-$flow-$pages', 'acme', '$flow', now(), now(), '{"kind": "a", "score": 50}')}) if $insert;
	}
	return (join(',', @all), $pages);
}

my $per_flow = int($nitems / 50);
my $page = $per_flow > 20000 ? 1000 : 200;
my $ref = uids("SELECT uid FROM podrec.items WHERE flow_id = 'flow-20' AND $completed ORDER BY $desc");
my ($pages_uids, $n) = follow('flow-20', '', $page, 1);
my %seen;
my $dups = grep { $seen{$_}++ } split(/,/, $pages_uids);
is($dups, 0, 'cursor pages repeat no item');
is($pages_uids, $ref, "cursor pages ($n of $page) are the whole flow in order, newer items inserted meanwhile left out");

$ref = uids("SELECT uid FROM podrec.items WHERE flow_id = 'flow-21' AND $completed AND (doc->>'score')::int >= 60 ORDER BY doc->'score' ASC, $asc");
($pages_uids, $n) = follow('flow-21', '"filter": "score >= 60", "sort": "score", "order": "asc"', $page, 0);
is($pages_uids, $ref, "cursor pages ($n) sorted by a flat key with a filter are the reference");

# ---------------------------------------------------------------------
# Plans, and the cost of a deep page
# ---------------------------------------------------------------------
like($node->safe_psql('postgres', "SELECT string_agg(p, E'\\n') FROM podrec.find_explain('flow-30', '{}') AS p"),
	qr/Index Scan Backward using items_flow_created_idx/, 'a page is a btree range scan');
like($node->safe_psql('postgres', qq{SELECT string_agg(p, E'\\n') FROM podrec.find_explain('flow-30', '{"filter": "kind == \\"rare\\""}') AS p}),
	qr/Bitmap Index Scan on items_doc_idx/, 'a selective filter is served by the GIN index');
my $deep = int($per_flow * 0.45);
like($node->safe_psql('postgres', qq{SELECT string_agg(p, E'\\n') FROM podrec.find('flow-30', '{"skip": $deep, "limit": 1}') AS i,
	podrec.find_explain('flow-30', jsonb_build_object('after', podrec.cursor_of(i))) AS p}),
	qr/Index Scan Backward using items_flow_created_idx.*\n.*Index Cond: .*ROW\(created_at, id\) </s, 'a deep page by cursor starts the btree scan at the cursor');

my $timing = $node->safe_psql('postgres', qq{
	CREATE FUNCTION pg_temp.timing() RETURNS text LANGUAGE plpgsql AS \$\$
	DECLARE
		c text := (SELECT podrec.cursor_of(i) FROM podrec.find('flow-31', '{"skip": $deep, "limit": 1}') AS i);
		t0 timestamptz; first_ms float8; deep_ms float8;
	BEGIN
		PERFORM count(*) FROM podrec.find('flow-31', '{}');
		t0 := clock_timestamp();
		FOR k IN 1..200 LOOP PERFORM count(*) FROM podrec.find('flow-31', '{}'); END LOOP;
		first_ms := extract(epoch FROM clock_timestamp() - t0) * 1000 / 200;
		t0 := clock_timestamp();
		FOR k IN 1..200 LOOP PERFORM count(*) FROM podrec.find('flow-31', jsonb_build_object('after', c)); END LOOP;
		deep_ms := extract(epoch FROM clock_timestamp() - t0) * 1000 / 200;
		RETURN format('first page %s ms, page after a cursor %s items deep %s ms',
			round(first_ms::numeric, 3), $deep, round(deep_ms::numeric, 3));
	END \$\$;
	SELECT pg_temp.timing()});
note $timing;

note sprintf("done in %.1f s", time - $t0);
$node->stop;
done_testing();
