
# Copyright (c) 2026, podrec authors

# records_list against a reference, on 200,000 typed records.
#
# The records are generated set-based from their number g into a plain table
# (ref.raw: one typed column per field, the story, test mode, time and cases),
# then stored with podrec.records_create in batches of 1,000 records, one
# batch per (story, test mode, cases) block.  The reference is hand-written
# SQL over ref.raw, written here from the rules of the README: every filter
# operator on every field type it applies to, ranges, stories, test mode,
# order (every orderable field, both directions, ties by id, nulls first when
# descending), paging (count, pages, next_page_number) and the page itself.
#
# Each case runs records_list and the reference and compares the ids of the
# page in order, count, pages, next_page_number and per_page; then it follows
# next_page (and previous_page) as a client would, by parsing the link back
# into parameters, and checks that it gets the next (previous) page of the
# reference.  Some pages are compared value by value with records the
# reference renders itself.  Cases: every operator on every field, then
# PODREC_RECORDS_CASES random combinations (default 80) from PODREC_SEED;
# the links of every third case are followed.
# Plans: a selective filter is served by the GIN index, a page ordered by an
# indexed field by that field's index.

use strict;
use warnings;

use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{PODREC_SEED} // 20261201;
$seed = time() ^ ($$ << 8) if $seed eq 'random';
my $ncases = $ENV{PODREC_RECORDS_CASES} // 80;
my $nrecords = 200000;
srand($seed);
note "seed $seed (rerun with PODREC_SEED=$seed), $ncases random cases";

my $node = PostgreSQL::Test::Cluster->new('records_200k');
$node->init;
# UTC: the reference's timestamp literals without an offset mean UTC, as podrec reads them.
$node->append_conf('postgresql.conf', "shared_buffers = 128MB\nfsync = off\nautovacuum = off\ntimezone = 'UTC'\n");
$node->start;

my $json = JSON::PP->new->canonical;

# ---------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------

$node->safe_psql('postgres', q{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acme');
SELECT podrec.flow_put('story-' || s, 'acme', 'Story ' || chr(65 + s)) FROM generate_series(0, 4) AS s;
SELECT podrec.record_type_create('Events', '[
	{"name": "Seq", "result_type": "NUMBER"},
	{"name": "Alert", "result_type": "TEXT_ENUM", "fixed_values": ["High", "Medium", "Low", "Info", "Debug"]},
	{"name": "Count", "result_type": "NUMBER", "indexed": true},
	{"name": "Score", "result_type": "NUMBER"},
	{"name": "Due", "result_type": "TIMESTAMP", "indexed": true},
	{"name": "Title", "result_type": "TEXT", "aliases": ["Subject"]},
	{"name": "Code", "result_type": "TEXT", "indexed": true},
	{"name": "Done", "result_type": "BOOLEAN"},
	{"name": "Notes", "result_type": "ARTIFACT"},
	{"name": "Meta", "result_type": "OBJECT"},
	{"name": "Tags", "result_type": "ARRAY"}
]', 'acme');

CREATE SCHEMA ref;
CREATE FUNCTION ref.h(g bigint, k int, m int) RETURNS int LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN ((hashint8(g * 64 + k) & 2147483647) % m)::int;
CREATE TABLE ref.raw AS
SELECT g, g / 1000 AS block,
	CASE WHEN (g / 1000) % 6 = 5 THEN NULL ELSE 'story-' || ((g / 1000) % 5) END AS story_id,
	(g / 1000) % 7 = 3 AS test_mode,
	timestamptz '2024-01-01 00:00:00+00' + ref.h(g, 1, 40000) * interval '13 minutes' AS ts,
	CASE WHEN ref.h(g, 2, 30) <> 0 THEN (ARRAY['High', 'Medium', 'Low', 'Info', 'Debug'])[1 + ref.h(g, 3, 5)] END AS alert,
	CASE WHEN ref.h(g, 4, 20) <> 0 THEN ref.h(g, 5, 100)::numeric END AS count,
	CASE WHEN ref.h(g, 6, 10) <> 0 THEN (ref.h(g, 7, 10001) - 5000)::numeric / 100 END AS score,
	CASE WHEN ref.h(g, 8, 10) <> 0 THEN timestamptz '2024-06-01 00:00:00+00' + ref.h(g, 9, 5000) * interval '1 hour' END AS due,
	CASE ref.h(g, 10, 20) WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'title ' || ref.h(g, 11, 2000) END AS title,
	CASE WHEN ref.h(g, 12, 4) <> 0 THEN lpad(to_hex(ref.h(g, 13, 65536)), 4, '0') END AS code,
	CASE ref.h(g, 14, 10) WHEN 0 THEN NULL ELSE ref.h(g, 15, 2) = 1 END AS done,
	CASE WHEN ref.h(g, 16, 5) = 0 THEN 'notes of ' || g END AS notes,
	CASE ref.h(g, 17, 4) WHEN 0 THEN NULL WHEN 1 THEN '{}'::jsonb ELSE jsonb_build_object('tier', ref.h(g, 18, 3)) END AS meta,
	CASE ref.h(g, 19, 4) WHEN 0 THEN NULL WHEN 1 THEN '[]'::jsonb ELSE jsonb_build_array(ref.h(g, 20, 9)) END AS tags,
	CASE WHEN (g / 1000) % 4 = 0 THEN ARRAY[((g / 1000) % 10 + 1)::int8] ELSE '{}' END AS cases
FROM generate_series(1, } . $nrecords . q{) AS g;

-- The records: one batch per block of 1,000 (a story, a test mode, cases).
DO $$
DECLARE
	b record;
BEGIN
	FOR b IN SELECT block, min(story_id) AS story_id, bool_or(test_mode) AS test_mode, min(cases) AS cases
		FROM ref.raw GROUP BY block ORDER BY block
	LOOP
		PERFORM count(*) FROM podrec.records_create(1, (
			SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('Seq', g,
				'Timestamp', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
				'Alert', alert, 'Count', count, 'Score', score,
				'Due', to_char(due AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
				'Title', title, 'Code', code, 'Done', done, 'Notes', notes, 'Meta', meta, 'Tags', tags)) ORDER BY g)
			FROM ref.raw WHERE block = b.block), b.story_id, b.test_mode, b.cases);
	END LOOP;
END
$$;

-- The reference's table: the raw values, the record's id and its story's name.
CREATE TABLE ref.rec AS
SELECT r.*, i.id, f.name AS story_name
FROM ref.raw AS r
JOIN podrec.items AS i ON i.record_type_id = 1 AND (i.doc ->> 'Seq')::int = r.g
LEFT JOIN podrec.flows AS f ON f.id = r.story_id;
CREATE UNIQUE INDEX ON ref.rec (id);
VACUUM ANALYZE podrec.items;
ANALYZE ref.rec;
});

is($node->safe_psql('postgres', 'SELECT count(*) FROM ref.rec'), $nrecords, "$nrecords records stored, one for each raw row");
is( $node->safe_psql('postgres', q{
	SELECT count(*) FROM ref.rec AS r JOIN podrec.items AS i ON i.id = r.id
	WHERE i.test_mode IS DISTINCT FROM r.test_mode OR i.case_ids IS DISTINCT FROM r.cases
		OR i.created_at IS DISTINCT FROM r.ts OR i.flow_id <> coalesce(r.story_id, podrec.records_api_flow('acme'))}),
	'0', 'stories, test modes, times and cases as generated');

my %field_id = split /[|\n]/, $node->safe_psql('postgres',
	"SELECT name, id FROM podrec.record_fields WHERE record_type_id = 1 ORDER BY id");

# ---------------------------------------------------------------------
# The reference: filters, order, pages
# ---------------------------------------------------------------------

# Fields: the column of ref.rec, the type, the order key.
my %FIELDS = (
	'Story name' => { col => 'story_name', type => 'TEXT' },
	'Timestamp' => { col => 'ts', type => 'TIMESTAMP' },
	'Seq' => { col => 'g', type => 'NUMBER' },
	'Alert' => { col => 'alert', type => 'TEXT_ENUM' },
	'Count' => { col => 'count', type => 'NUMBER' },
	'Score' => { col => 'score', type => 'NUMBER' },
	'Due' => { col => 'due', type => 'TIMESTAMP' },
	'Title' => { col => 'title', type => 'TEXT' },
	'Code' => { col => 'code', type => 'TEXT' },
	'Done' => { col => 'done', type => 'BOOLEAN' },
	'Notes' => { col => 'notes', type => 'ARTIFACT' },
	'Meta' => { col => 'meta', type => 'OBJECT' },
	'Tags' => { col => 'tags', type => 'ARRAY' });

# The operators each type takes.
my %OPS = (
	TEXT => [qw(EQUAL NOT_EQUAL GREATER_THAN GREATER_THAN_OR_EQUAL_TO LESS_THAN LESS_THAN_OR_EQUAL_TO IS_EMPTY IS_NOT_EMPTY IS_ANY_OF IS_NONE_OF)],
	TEXT_ENUM => [qw(EQUAL NOT_EQUAL GREATER_THAN LESS_THAN_OR_EQUAL_TO IS_EMPTY IS_NOT_EMPTY IS_ANY_OF IS_NONE_OF)],
	NUMBER => [qw(EQUAL NOT_EQUAL GREATER_THAN GREATER_THAN_OR_EQUAL_TO LESS_THAN LESS_THAN_OR_EQUAL_TO IS_EMPTY IS_NOT_EMPTY IS_ANY_OF IS_NONE_OF)],
	TIMESTAMP => [qw(EQUAL NOT_EQUAL GREATER_THAN GREATER_THAN_OR_EQUAL_TO LESS_THAN LESS_THAN_OR_EQUAL_TO IS_EMPTY IS_NOT_EMPTY)],
	BOOLEAN => [qw(EQUAL NOT_EQUAL IS_TRUE IS_FALSE IS_EMPTY IS_NOT_EMPTY)],
	ARTIFACT => [qw(IS_EMPTY IS_NOT_EMPTY)],
	OBJECT => [qw(IS_EMPTY IS_NOT_EMPTY)],
	ARRAY => [qw(IS_EMPTY IS_NOT_EMPTY)]);

sub pick { return $_[ int(rand(@_)) ] }

# An SQL literal.
sub lit { my ($s) = @_; $s =~ s/'/''/g; return "'$s'" }

# A timestamp value as a client writes it, in one of several notations.
sub ts_value
{
	my ($base, $span_minutes) = @_;
	my $t = $base + int(rand($span_minutes)) * 60;
	my @tm = gmtime($t);
	my $iso = sprintf('%04d-%02d-%02dT%02d:%02d:%02d', $tm[5] + 1900, $tm[4] + 1, $tm[3], $tm[2], $tm[1], $tm[0]);
	my $n = int(rand(4));
	return "${iso}Z" if $n == 0;
	return $iso if $n == 1;
	if ($n == 2)
	{
		my @l = gmtime($t - 5 * 3600);
		return sprintf('%04d-%02d-%02dT%02d:%02d:%02d-05:00', $l[5] + 1900, $l[4] + 1, $l[3], $l[2], $l[1], $l[0]);
	}
	return substr($iso, 0, 10);
}

use constant T2024 => 1704067200;    # 2024-01-01 00:00:00 UTC
use constant T2024_06 => 1717200000; # 2024-06-01 00:00:00 UTC

# A value of a field's domain, sometimes one that no record has; strings for numbers sometimes.
sub value_for
{
	my ($name) = @_;
	my $t = $FIELDS{$name}{type};
	return pick('High', 'Medium', 'Low', 'Info', 'Debug') if $name eq 'Alert';
	return pick('Story A', 'Story B', 'Story C', 'Story D', 'Story E', 'Nothing') if $name eq 'Story name';
	return pick('title ' . int(rand(2000)), '', 'title', 'u') if $name eq 'Title';
	return sprintf('%04x', int(rand(65536))) if $name eq 'Code';
	if ($t eq 'NUMBER')
	{
		my $v = $name eq 'Score' ? (int(rand(10001)) - 5000) / 100 : int(rand($name eq 'Seq' ? $nrecords : 100));
		return rand() < 0.3 ? "$v" : $v + 0;
	}
	return ts_value(T2024, 40000 * 13) if $name eq 'Timestamp';
	return ts_value(T2024_06, 5000 * 60) if $name eq 'Due';
	return pick(JSON::PP::true, JSON::PP::false, 'true', 'false') if $t eq 'BOOLEAN';
	die "no values for $name";
}

# The reference predicate of one Tines filter, over ref.rec r.
sub ref_filter
{
	my ($f) = @_;
	my $name = $f->{name};
	my $col = "r.$FIELDS{$name}{col}";
	my $t = $FIELDS{$name}{type};
	my $op = $f->{operator};
	my $v = $f->{value};
	my %cmp = (EQUAL => '=', GREATER_THAN => '>', GREATER_THAN_OR_EQUAL_TO => '>=', LESS_THAN => '<', LESS_THAN_OR_EQUAL_TO => '<=');
	my $empty = $t =~ /^(TEXT|TEXT_ENUM)$/ ? "($col IS NULL OR $col = '')"
	  : $t eq 'OBJECT' ? "($col IS NULL OR $col = '{}')"
	  : $t eq 'ARRAY' ? "($col IS NULL OR $col = '[]')"
	  : "$col IS NULL";
	return $empty if $op eq 'IS_EMPTY';
	return "NOT $empty" if $op eq 'IS_NOT_EMPTY';
	return "$col IS TRUE" if $op eq 'IS_TRUE';
	return "$col IS FALSE" if $op eq 'IS_FALSE';
	my $sql = sub {
		my ($x) = @_;
		return "${x}::numeric" if $t eq 'NUMBER';
		return lit($x) . '::timestamptz' if $t eq 'TIMESTAMP';
		return (ref $x ? ($x ? 'true' : 'false') : $x) if $t eq 'BOOLEAN';
		return lit($x) . ' COLLATE "C"';
	};
	my $c = $t =~ /^(TEXT|TEXT_ENUM)$/ ? "$col COLLATE \"C\"" : $col;
	if ($op eq 'IS_ANY_OF' || $op eq 'IS_NONE_OF')
	{
		my $in = "$c IN (" . join(', ', map { $sql->($_) } @$v) . ")";
		return $op eq 'IS_ANY_OF' ? "coalesce($in, false)" : "NOT coalesce($in, false)";
	}
	return "NOT coalesce($c = " . $sql->($v) . ", false)" if $op eq 'NOT_EQUAL';
	return "coalesce($c $cmp{$op} " . $sql->($v) . ", false)";
}

# The order key of a field.
sub order_key
{
	my ($name) = @_;
	my $col = "r.$FIELDS{$name}{col}";
	return "left($col, 200)" if $FIELDS{$name}{type} =~ /^(TEXT|TEXT_ENUM)$/ && $name ne 'Story name';
	return $col;
}

# The reference page: (ids in order, count) for a case.
sub reference
{
	my ($c) = @_;
	my @where = ('r.test_mode = ' . ($c->{test_mode} ? 'true' : 'false'));
	push @where, 'r.ts >= ' . lit($c->{range_start}) . '::timestamptz' if defined $c->{range_start};
	push @where, 'r.ts <= ' . lit($c->{range_end}) . '::timestamptz' if defined $c->{range_end};
	push @where, 'r.story_id = ANY (ARRAY[' . join(', ', map { lit($_) } @{ $c->{stories} }) . ']::text[])'
	  if $c->{stories} && @{ $c->{stories} };
	push @where, ref_filter($_) for @{ $c->{filters} };
	my $where = join(' AND ', @where);
	my $dir = $c->{order_direction} // 'DESC';
	my $order = ($c->{order} ? order_key($c->{order}) : 'r.ts') . " $dir, r.id $dir";
	my $per = $c->{per_page} // 20;
	my $offset = (($c->{page} // 1) - 1) * $per;
	my ($ids, $count) = split /\|/, $node->safe_psql('postgres', qq{
		SELECT coalesce((SELECT string_agg(id::text, ',' ORDER BY n) FROM (
			SELECT r.id, row_number() OVER (ORDER BY $order) AS n FROM ref.rec AS r WHERE $where
			ORDER BY $order LIMIT $per OFFSET $offset) AS p), ''),
			(SELECT count(*) FROM ref.rec AS r WHERE $where)});
	return ($ids // '', $count);
}

# The records_list parameters of a case (ids of fields where the case names them).
sub params_of
{
	my ($c) = @_;
	my %p = (record_type_id => pick(1, '1'));
	$p{per_page} = $c->{per_page} if defined $c->{per_page};
	$p{page} = $c->{page} if defined $c->{page};
	$p{range_start} = $c->{range_start} if defined $c->{range_start};
	$p{range_end} = $c->{range_end} if defined $c->{range_end};
	$p{ $c->{story_param} } = $c->{stories} if $c->{stories};
	$p{test_mode} = $c->{test_mode_given} if defined $c->{test_mode_given};
	$p{order_direction} = $c->{order_direction_given} if defined $c->{order_direction_given};
	$p{order_field_id} = $field_id{ $c->{order} } if $c->{order};
	if ($c->{filters})
	{
		my @f = map {
			my %x = (field_id => $_->{ref}, operator => $_->{operator});
			$x{value} = $_->{value} if exists $_->{value};
			\%x
		} @{ $c->{filters} };
		$p{filters} = $c->{filters_as_string} ? $json->encode(\@f) : \@f;
	}
	return \%p;
}

# How a filter names its field: by id (number or string), name, or alias.
sub field_ref
{
	my ($name) = @_;
	my $n = int(rand(4));
	return $field_id{$name} + 0 if $n == 0;
	return "$field_id{$name}" if $n == 1;
	return 'Subject' if $name eq 'Title' && $n == 2;
	return $name;
}

# A filter on a field with an operator (random value where one is needed).
sub make_filter
{
	my ($name, $op) = @_;
	my %f = (name => $name, operator => $op, ref => field_ref($name));
	if ($op eq 'IS_ANY_OF' || $op eq 'IS_NONE_OF')
	{
		$f{value} = [ map { value_for($name) } 1 .. 1 + int(rand(3)) ];
	}
	elsif ($op !~ /^IS_/)
	{
		$f{value} = value_for($name);
	}
	elsif (rand() < 0.2)
	{
		$f{value} = undef;
	}
	return \%f;
}

# records_list's page: (ids, count, pages, next_page_number, per_page, current, next, previous).
sub list
{
	my ($params) = @_;
	my $p = $json->encode($params);
	my $out = $node->safe_psql('postgres', qq{
		SELECT concat_ws(chr(31),
			coalesce((SELECT string_agg(r ->> 'id', ',' ORDER BY o) FROM jsonb_array_elements(l -> 'record_results') WITH ORDINALITY AS x (r, o)), ''),
			l #>> '{meta,count}', l #>> '{meta,pages}', coalesce(l #>> '{meta,next_page_number}', ''),
			l #>> '{meta,per_page}', l #>> '{meta,current_page}', coalesce(l #>> '{meta,next_page}', ''),
			coalesce(l #>> '{meta,previous_page}', ''))
		FROM podrec.records_list(\$j\$$p\$j\$) AS l});
	return split /\x1f/, $out, -1;
}

# A page link back into parameters, as a client (or PostgREST) reads a query string.
sub url_params
{
	my ($url) = @_;
	my ($base, $query) = split /\?/, $url, 2;
	my %p;
	for my $pair (split /&/, $query)
	{
		my ($k, $v) = split /=/, $pair, 2;
		$_ =~ s/%([0-9A-F]{2})/chr(hex($1))/ge for ($k, $v);
		if ($k =~ s/\[\]$//)
		{
			push @{ $p{$k} }, $v;
		}
		else
		{
			$p{$k} = $v;
		}
	}
	return ($base, \%p);
}

# Check one case.
my $checked = 0;
sub check_case
{
	my ($c, $label) = @_;
	my $params = params_of($c);
	my ($ids, $count, $pages, $next, $per, $cur, $next_url, $prev_url) = list($params);
	my ($ref_ids, $ref_count) = reference($c);
	my $per_page = $c->{per_page} // 20;
	my $page = $c->{page} // 1;
	my $ref_pages = int(($ref_count + $per_page - 1) / $per_page);
	my $ok = $ids eq $ref_ids && $count == $ref_count && $pages == $ref_pages
	  && $next eq ($page < $ref_pages ? $page + 1 : '') && $per == $per_page
	  && ($next_url eq '') == ($page >= $ref_pages) && ($prev_url eq '') == ($page == 1);
	# Following the links gives the next and previous pages.
	my $follow = $checked % 3 == 0;
	if ($ok && $follow && $next_url ne '')
	{
		my (undef, $np) = url_params($next_url);
		my ($nids, $ncount, undef, undef, undef, $ncur) = list($np);
		my ($rids) = reference({ %$c, page => $page + 1 });
		$ok = $nids eq $rids && $ncount == $ref_count && $ncur eq $next_url;
		diag("next_page $next_url: got [$nids], expected [$rids]") unless $ok;
	}
	if ($ok && $follow && $prev_url ne '')
	{
		my (undef, $pp) = url_params($prev_url);
		my ($pids) = list($pp);
		my $last = $ref_pages > 1 ? $ref_pages : 1;
		my $prev_page = $page - 1 < $last ? $page - 1 : $last;
		my ($rids) = reference({ %$c, page => $prev_page });
		$ok = $pids eq $rids;
		diag("previous_page $prev_url: got [$pids], expected [$rids]") unless $ok;
	}
	ok($ok, $label) or diag("params " . $json->encode($params) . "\n got   [$ids] count $count pages $pages next $next\n"
		  . " want  [$ref_ids] count $ref_count pages $ref_pages");
	$checked++;
	return $ok;
}

# ---------------------------------------------------------------------
# Every operator on every field, alone
# ---------------------------------------------------------------------

for my $name (sort keys %FIELDS)
{
	for my $op (@{ $OPS{ $FIELDS{$name}{type} } })
	{
		my $c = { filters => [ make_filter($name, $op) ], per_page => 50, order => pick(undef, undef, 'Count') };
		check_case($c, "$name $op");
	}
}

# ---------------------------------------------------------------------
# Random combinations
# ---------------------------------------------------------------------

my @orderable = grep { $FIELDS{$_}{type} !~ /^(ARTIFACT|OBJECT|ARRAY)$/ } sort keys %FIELDS;
for my $i (1 .. $ncases)
{
	my %c;
	$c{per_page} = pick(1, 2, 5, 20, 50, 100, 500) if rand() < 0.7;
	$c{page} = pick(1, 1, 2, 3, 7, 40, 100000) if rand() < 0.6;
	# (ranges that cannot end before they start)
	$c{range_start} = ts_value(T2024, 200000) if rand() < 0.3;
	$c{range_end} = ts_value(T2024 + 260000 * 60, 260000) if rand() < 0.3;
	if (rand() < 0.35)
	{
		$c{story_param} = pick('story_ids', 'story_container_ids');
		$c{stories} = [ map { pick('story-0', 'story-1', 'story-2', 'story-3', 'story-4', 'nope') } 1 .. 1 + int(rand(3)) ];
	}
	if (rand() < 0.3)
	{
		$c{test_mode_given} = pick(JSON::PP::true, JSON::PP::false, 'true', 'false');
		$c{test_mode} = "$c{test_mode_given}" eq 'true' || "$c{test_mode_given}" eq '1';
	}
	if (rand() < 0.6)
	{
		$c{order} = pick(@orderable);
	}
	if (rand() < 0.6)
	{
		$c{order_direction_given} = pick('ASC', 'DESC', 'asc', 'desc');
		$c{order_direction} = uc $c{order_direction_given};
	}
	if (rand() < 0.8)
	{
		my @names = sort keys %FIELDS;
		$c{filters} = [ map {
			my $name = pick(@names);
			make_filter($name, pick(@{ $OPS{ $FIELDS{$name}{type} } }))
		} 1 .. 1 + int(rand(3)) ];
		$c{filters_as_string} = rand() < 0.3;
	}
	check_case(\%c, "random case $i");
}
note "$checked cases";

# ---------------------------------------------------------------------
# Records, value by value, as the reference renders them
# ---------------------------------------------------------------------

my $rendered = $node->safe_psql('postgres', qq{
	WITH l AS (SELECT podrec.records_list('{"record_type_id": 1, "per_page": 500, "page": 7, "order_field_id": $field_id{Score}}') AS l),
	got AS (SELECT r, o FROM l, jsonb_array_elements(l.l -> 'record_results') WITH ORDINALITY AS x (r, o)),
	want AS (
		SELECT jsonb_build_object('Story name', r.story_name, 'Timestamp', to_char(r.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
			'Seq', r.g, 'Alert', r.alert, 'Count', r.count, 'Score', r.score,
			'Due', to_char(r.due AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), 'Title', r.title, 'Code', r.code,
			'Done', r.done, 'Notes', (SELECT a.id FROM podrec.artifacts AS a WHERE a.item_id = r.id),
			'Meta', r.meta, 'Tags', r.tags, 'updated_at', to_char(r.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
			'case_ids', to_jsonb(r.cases), 'id', r.id) AS r,
			row_number() OVER (ORDER BY r.score DESC, r.id DESC) - 3000 AS o
		FROM ref.rec AS r WHERE NOT r.test_mode ORDER BY r.score DESC, r.id DESC LIMIT 500 OFFSET 3000)
	SELECT count(*) FILTER (WHERE got.r = want.r), count(*) FROM got FULL JOIN want ON got.o = want.o});
is($rendered, '500|500', 'a page of 500 records, value by value');
is( $node->safe_psql('postgres', q{
	SELECT podrec.artifact_get((podrec.records_list('{"record_type_id": 1, "per_page": 1, "filters": [{"field_id": "Notes", "operator": "IS_NOT_EMPTY"}]}')
		#>> '{record_results,0,Notes}')::int8) ->> 'value' LIKE 'notes of %'}),
	't', 'an artifact id of the list leads to its text');

# ---------------------------------------------------------------------
# Plans at this size
# ---------------------------------------------------------------------

sub plans
{
	my ($params, $which) = @_;
	my $p = $json->encode($params);
	return $node->safe_psql('postgres', qq{
		CREATE FUNCTION pg_temp.plan(q text, def jsonb) RETURNS SETOF text LANGUAGE plpgsql AS \$f\$
		BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q USING def, NULL::int8[]; END \$f\$;
		SELECT string_agg(x, E'\\n') FROM pg_temp.plan(podrec.records_list_plan(\$j\$$p\$j\$) ->> '$which',
			podrec.record_type_def(1)) AS x});
}
like(plans({ record_type_id => 1, filters => [ { field_id => 'Code', operator => 'EQUAL', value => '00ff' } ] }, 'count_sql'),
	qr/Bitmap Index Scan on items_doc_idx/, 'a selective filter: the count uses the GIN index');
like(plans({ record_type_id => 1, filters => [ { field_id => 'Code', operator => 'EQUAL', value => '00ff' } ] }, 'few_sql'),
	qr/Bitmap Index Scan on items_doc_idx/, 'a selective filter: the page finds its records with the GIN index');
like(plans({ record_type_id => 1, order_field_id => $field_id{Count} + 0, per_page => 20 }, 'page_sql'),
	qr/Index Scan Backward using items_record_field_$field_id{Count}_idx/, 'a page ordered by an indexed field walks its index');
like(plans({ record_type_id => 1, order_field_id => $field_id{Due} + 0, order_direction => 'ASC',
	filters => [ { field_id => 'Due', operator => 'GREATER_THAN', value => '2024-12-01' } ] }, 'page_sql'),
	qr/Index Scan using items_record_field_$field_id{Due}_idx.*\n.*Index Cond: .*test_mode = false.*iso_timestamp/,
	'a range on an indexed timestamp field is an index condition of its index');

# ---------------------------------------------------------------------
# pg_dump keeps record types, fields, artifacts and field indexes
# ---------------------------------------------------------------------

$node->safe_psql('postgres', 'CREATE DATABASE small');
$node->safe_psql('small', q{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acme');
SELECT podrec.record_type_create('Alerts', '[{"name": "Alert", "result_type": "TEXT"},
	{"name": "Count", "result_type": "NUMBER", "indexed": true}, {"name": "Notes", "result_type": "ARTIFACT"}]', 'acme');
SELECT count(*) FROM podrec.records_create(1, '[{"Alert": "High", "Count": 2, "Notes": "n1", "Timestamp": "2024-01-01"},
	{"Alert": "Low", "Count": 1, "Timestamp": "2024-01-02"}]');
});
my $list = q{SELECT podrec.records_list('{"record_type_id": 1, "order_field_id": 4}')::text};
my $fingerprint = q{SELECT md5(string_agg(x, ',')) FROM (
	SELECT (SELECT string_agg(t::text, ';' ORDER BY t.id) FROM podrec.record_types AS t) AS x
	UNION ALL SELECT (SELECT string_agg(f::text, ';' ORDER BY f.id) FROM podrec.record_fields AS f)
	UNION ALL SELECT (SELECT string_agg(a::text, ';' ORDER BY a.id) FROM podrec.artifacts AS a)
	UNION ALL SELECT pg_get_indexdef('podrec.items_record_field_4_idx'::regclass)) AS s};
my $before_list = $node->safe_psql('small', $list);
my $before = $node->safe_psql('small', $fingerprint);
my $dumpdir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok([ 'pg_dump', '-Fc', '-f', "$dumpdir/small.dump", '-d', $node->connstr('small') ], 'pg_dump of records');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('restored'), "$dumpdir/small.dump" ],
	'pg_restore of records');
is($node->safe_psql('restored', $fingerprint), $before, 'record types, fields, artifacts and the field index survive');
is($node->safe_psql('restored', $list), $before_list, 'records_list gives the same page after the restore');
is( $node->safe_psql('restored', q{
	SELECT (podrec.record_create_tines('{"record_type_id": 1, "field_values": [{"field_id": "Notes", "value": "n3"}]}') ->> 'Notes')::int8
		> 1 AND (SELECT max(id) FROM podrec.record_fields) = 5}),
	't', 'new records and artifacts get fresh ids after the restore');

$node->stop;
done_testing();
