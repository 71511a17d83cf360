
# Copyright (c) 2026, podrec authors

# records_flatten against an oracle.
#
# A seeded generator writes several thousand random items that exercise every
# flattening rule of the README ("Flattening"), each with its own separator
# and step id key.  A plpgsql implementation of the same rules, written here
# and kept simple (recursive, one rule per branch), is the oracle:
#
#	- records_flatten must equal the oracle, item by item, and keep every leaf;
#	- records_flatten_each must give the oracle's (key, value) pairs in the
#	  same (document) order;
#	- records_unflatten(records_flatten(x)) = x must hold exactly for the items
#	  outside the three documented exceptions, which the oracle detects;
#	- records_flatten(records_unflatten(records_flatten(x))) = records_flatten(x)
#	  must hold for every item.
#
# PODREC_SEED chooses the seed (printed; "random" picks one), PODREC_ORACLE_ITEMS
# the number of items.

use strict;
use warnings;

use Encode qw(encode_utf8);
use List::Util;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{PODREC_SEED} // 20260301;
$seed = time() ^ ($$ << 8) if $seed eq 'random';
my $nitems = $ENV{PODREC_ORACLE_ITEMS} // 4000;
srand($seed);
note "seed $seed (rerun with PODREC_SEED=$seed), $nitems items";

# ---------------------------------------------------------------------
# The generator.  Items are written as JSON text directly, so that the
# choices made (and so the items) depend on the seed only.
# ---------------------------------------------------------------------

my @WORDS = qw(code url date width height depth unit mode started_at ended_at
  name value note grade photos answers);
my @STEP_IDS = qw(barcode picz dims s1 s2 check);

# Separator and step id key of an item; the defaults most of the time.
my @PARAMS = (
	([ '.', 'flow_step_id' ]) x 8,
	[ '/', 'step' ],
	[ '__', 'flow_step_id' ],
	[ '::', 'id' ],
	[ "\x{2192}", 'flow_step_id' ],
	[ '.', "\x{e9}tape" ],
	[ '-+', 'a.b' ],
	[ '.', '' ]);

my %features;    # how often each rule was exercised

sub pick { return $_[ int(rand(@_)) ] }

# A JSON string literal; non-ASCII characters are sometimes written as \u escapes.
sub json_string
{
	my ($s) = @_;
	my $out = '"';
	for my $ch (split //, $s)
	{
		my $o = ord $ch;
		if ($ch eq '"' || $ch eq '\\') { $out .= "\\$ch"; }
		elsif ($o < 0x20) { $out .= sprintf('\\u%04x', $o); }
		elsif ($o > 0x7f && rand() < 0.3)
		{
			if ($o > 0xffff)
			{
				my $v = $o - 0x10000;
				$out .= sprintf('\\u%04x\\u%04x',
					0xd800 + ($v >> 10),
					0xdc00 + ($v & 0x3ff));
			}
			else { $out .= sprintf('\\u%04x', $o); }
		}
		else { $out .= $ch; }
	}
	return $out . '"';
}


# One object key, before uniqueness.
sub raw_key
{
	my ($c) = @_;
	my $r = rand();
	return pick(@WORDS) if $r < 0.50;
	if ($r < 0.58)
	{
		$features{'key containing the separator'}++;
		return pick('a', 'x', '') . $c->{sep} . pick(@WORDS, '');
	}
	if ($r < 0.62)
	{
		$features{'key containing "."'}++;
		return pick('a.b', '.', 'x..y');
	}
	if ($r < 0.67)
	{
		$features{'key containing "\\"'}++;
		return pick('c\\d', '\\', 'x\\', '\\\\', "\\$c->{sep}");
	}
	if ($r < 0.71)
	{
		$features{'empty key'}++;
		return '';
	}
	if ($r < 0.78)
	{
		$features{'unicode key'}++;
		return pick("\x{e9}t\x{e9}", "\x{65e5}\x{672c}", "\x{1F600}",
			"na\x{ef}ve", "\x{2192}");
	}
	if ($r < 0.85)
	{
		$features{'key that looks like a position'}++;
		return pick('1', '2', '3');
	}
	if ($r < 0.90)
	{
		$features{'step id key below a module element'}++;
		return $c->{step_key};
	}
	return pick('01', '0', ' ', "tab\tkey", "new\nline", 'quote"d',
		'1000000000', $c->{sep}, $c->{sep} x 2, 'a_', '_b', 'x:', ':y');
}

# A key that is not in %$used (and not $avoid).
sub gen_key
{
	my ($c, $used, $avoid) = @_;
	for (1 .. 50)
	{
		my $k = raw_key($c);
		next if exists $used->{$k};
		next if defined $avoid && $k eq $avoid;
		$used->{$k} = 1;
		return $k;
	}
	my $k = 'k' . scalar(keys %$used);
	$used->{$k} = 1;
	return $k;
}

sub gen_scalar
{
	my $r = rand();
	if ($r < 0.10)
	{
		$features{'null'}++;
		return 'null';
	}
	return pick('true', 'false') if $r < 0.20;
	return pick('0', '1', '-7', '1.5', '-0.25', '3e5',
		'12345678901234567890.125', '1000000000')
	  if $r < 0.40;
	return json_string(
		pick(
			'', 'A0155C35', 'https://example.com/p/1.jpg',
			'2025-03-05T14:38:20', "\x{e9}\x{1F600}", 'a.b',
			'c\\d', '{}', 'null', "multi\nline", 'quote"s'));
}

sub gen_value
{
	my ($c, $depth) = @_;
	my $r = rand();
	return gen_scalar() if $depth >= 5 || $r < 0.40;
	if ($r < 0.48)
	{
		$features{'{}'}++;
		return '{}';
	}
	if ($r < 0.54)
	{
		$features{'[]'}++;
		return '[]';
	}
	if ($r < 0.75)
	{
		$features{'nested object'}++;
		return gen_object($c, $depth + 1, 1 + int(rand(4)));
	}
	return positions_object($c, $depth + 1) if $r < 0.79;
	$features{'nested array'}++;
	return gen_array($c, $depth + 1);
}

# An object of n pairs.
sub gen_object
{
	my ($c, $depth, $n, $avoid) = @_;
	my %used;
	my @pairs;
	for (1 .. $n)
	{
		my $k = gen_key($c, \%used, $avoid);
		push @pairs, json_string($k) . ': ' . gen_value($c, $depth);
	}
	return '{' . join(', ', @pairs) . '}';
}

# An object whose keys are exactly "1".."n" (it unflattens as an array).
sub positions_object
{
	my ($c, $depth) = @_;
	$features{'object with keys "1".."n"'}++;
	my @keys = (1 .. 1 + int(rand(3)));
	return '{'
	  . join(', ', map { "\"$_\": " . gen_value($c, $depth) } sort { rand() <=> 0.5 } @keys)
	  . '}';
}

sub gen_array
{
	my ($c, $depth) = @_;
	my $of_arrays = rand() < 0.25;
	my @elems;
	$features{'array of arrays'}++ if $of_arrays;
	for (1 .. 1 + int(rand(4)))
	{
		push @elems,
		  $of_arrays
		  ? (rand() < 0.2 ? '[]' : gen_array($c, $depth + 1))
		  : gen_value($c, $depth + 1);
	}
	return '[' . join(', ', @elems) . ']';
}

sub gen_step_id
{
	my ($c) = @_;
	my $r = rand();
	return
	    $r < 0.65 ? pick(@STEP_IDS)
	  : $r < 0.75 ? pick('3', '1', '2', '12')
	  : $r < 0.82 ? pick('01', '0', '1000000000', '3 ', '-1')
	  : pick('', "s$c->{sep}t", 'a.b', 'c\\d', "\x{e9}tape", "\x{1F600}", '\\', 'a_', '_b');
}

# A module element: the step id value (JSON text) and n other pairs.
sub module_element
{
	my ($c, $id_json, $n) = @_;
	my %used;
	my @pairs = map {
		json_string(gen_key($c, \%used, $c->{step_key})) . ': '
		  . gen_value($c, 3)
	} 1 .. $n;
	splice @pairs, int(rand(@pairs + 1)), 0,
	  json_string($c->{step_key}) . ': ' . $id_json;
	return '{' . join(', ', @pairs) . '}';
}

sub gen_module_array
{
	my ($c) = @_;
	my (@elems, %ids);
	$features{'module array'}++;
	for (1 .. 1 + int(rand(5)))
	{
		my $r = rand();
		if ($r < 0.55)
		{
			my $id = gen_step_id($c);
			my $n = int(rand(4));
			if ($id =~ /^[1-9][0-9]{0,8}\z/)
			{
				$features{'step id that looks like a position'}++;
			}
			elsif ($ids{$id}++)
			{
				$features{'repeated step id'}++;
			}
			$features{'element holding only its step id'}++ if $n == 0;
			push @elems, [ $id, module_element($c, json_string($id), $n) ];
		}
		elsif ($r < 0.65)
		{
			$features{'element without a string step id'}++;
			push @elems,
			  [
				undef,
				module_element(
					$c, pick('7', 'null', 'true', '1.5', '{}', '["s1"]', '{"x": 1}'),
					int(rand(3)))
			  ];
		}
		elsif ($r < 0.78)
		{
			$features{'element without a step id key'}++;
			push @elems,
			  [ undef, gen_object($c, 2, int(rand(3)), $c->{step_key}) ];
		}
		elsif ($r < 0.90)
		{
			$features{'non-object element'}++;
			push @elems, [ undef, gen_scalar() ];
		}
		else
		{
			$features{'array element'}++;
			push @elems, [ undef, rand() < 0.3 ? '[]' : gen_array($c, 2) ];
		}
	}

	# Half the time, put the step-id elements in step-id (byte) order, the
	# order in which records_unflatten gives them back.
	if (rand() < 0.5)
	{
		my @slots = grep { defined $elems[$_][0] } 0 .. $#elems;
		my @sorted = sort { encode_utf8($a->[0]) cmp encode_utf8($b->[0]) }
		  @elems[@slots];
		@elems[@slots] = @sorted;
	}
	return '[' . join(', ', map { $_->[1] } @elems) . ']';
}

# A top-level object whose values are objects (it unflattens as a module array).
sub objects_object
{
	my ($c) = @_;
	my %used;
	my @pairs;
	$features{'top-level object of objects'}++;
	for (1 .. 1 + int(rand(3)))
	{
		my $k = gen_key($c, \%used);
		my $v;
		if (rand() < 0.2) { $v = '{}'; }
		elsif (rand() < 0.2)
		{
			$features{'object of objects carrying the step id key'}++;
			$v = module_element($c, gen_scalar(), int(rand(2)));
		}
		else { $v = gen_object($c, 3, 1 + int(rand(3))); }
		push @pairs, json_string($k) . ': ' . $v;
	}
	return '{' . join(', ', @pairs) . '}';
}

sub gen_item
{
	my ($c) = @_;
	my %used;
	my @pairs;
	for (1 .. int(rand(8)))
	{
		my $k = gen_key($c, \%used);
		my $r = rand();
		my $v;
		if ($r < 0.28)
		{
			$features{'top-level scalar'}++;
			$v = gen_scalar();
		}
		elsif ($r < 0.55) { $v = gen_module_array($c); }
		elsif ($r < 0.72)
		{
			$features{'nested object'}++;
			$v = gen_object($c, 2, 1 + int(rand(4)));
		}
		elsif ($r < 0.78) { $v = objects_object($c); }
		elsif ($r < 0.82) { $v = positions_object($c, 2); }
		elsif ($r < 0.89)
		{
			$features{'top-level array of values'}++;
			$v = gen_array($c, 1);
		}
		elsif ($r < 0.96)
		{
			$v = pick('{}', '[]');
			$features{$v}++;
		}
		else
		{
			$features{'null'}++;
			$v = 'null';
		}
		push @pairs, json_string($k) . ': ' . $v;
	}
	return '{' . join(', ', @pairs) . '}';
}

# Write the items as CSV: id, separator, step id key, item.
my $dir = PostgreSQL::Test::Utils::tempdir();
my $csv = "$dir/items.csv";
open(my $fh, '>:encoding(UTF-8)', $csv) or die "could not write $csv: $!";
for my $id (1 .. $nitems)
{
	my $p = pick(@PARAMS);
	my $c = { sep => $p->[0], step_key => $p->[1] };
	$features{'custom separator'}++ if $c->{sep} ne '.';
	$features{'custom step id key'}++ if $c->{step_key} ne 'flow_step_id';
	my @fields = ($id, $c->{sep}, $c->{step_key}, gen_item($c));
	print $fh join(',', map { (my $f = $_) =~ s/"/""/g; "\"$f\"" } @fields), "\n";
}
close($fh);

my @expected_features = (
	'top-level scalar', 'nested object',
	'module array', 'element without a string step id',
	'element without a step id key', 'non-object element',
	'array element', 'step id that looks like a position',
	'repeated step id', 'element holding only its step id',
	'nested array', 'array of arrays',
	'null', '{}',
	'[]', 'key containing the separator',
	'key containing "."', 'key containing "\\"',
	'empty key', 'unicode key',
	'key that looks like a position', 'step id key below a module element',
	'object with keys "1".."n"', 'top-level object of objects',
	'object of objects carrying the step id key', 'top-level array of values',
	'custom separator', 'custom step id key');
my @thin = grep { ($features{$_} // 0) < 20 } @expected_features;
is(join(', ', @thin), '', 'the generated items exercise every rule at least 20 times');
note join(', ', map { "$_: " . ($features{$_} // 0) } @expected_features);

# ---------------------------------------------------------------------
# The server, the items and the oracle.
# ---------------------------------------------------------------------

my $node = PostgreSQL::Test::Cluster->new('oracle');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->start;

$node->safe_psql(
	'postgres', qq{
CREATE EXTENSION podrec;
CREATE TABLE items (id int PRIMARY KEY, sep text, step_key text, doc jsonb);
\\copy items FROM '$csv' WITH (FORMAT csv)
});
is($node->safe_psql('postgres', 'SELECT count(*) FROM items'),
	$nitems, 'all generated items load');

$node->safe_psql('postgres', <<'SQL');
CREATE SCHEMA oracle;

-- A key segment as a flat key writes it: backslashes and the separator's
-- first character escaped.
CREATE FUNCTION oracle.esc(s text, sep text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT replace(replace(s, '\', '\\'), left(sep, 1), '\' || left(sep, 1)) $$;

-- Does s look like a 1-based position?
CREATE FUNCTION oracle.is_position(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT s ~ '^[1-9][0-9]{0,8}$' $$;

-- The leaves of a value found at flat key k, below the top level: object keys
-- are joined with the separator, array elements addressed by position, and
-- scalars, null, {} and [] are leaves.
CREATE FUNCTION oracle.leaves(v jsonb, k text, sep text)
RETURNS TABLE (leaf_key text, leaf_value jsonb)
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
	ck text;
	cv jsonb;
	i bigint;
BEGIN
	IF jsonb_typeof(v) = 'object' AND v <> '{}' THEN
		FOR ck, cv IN SELECT e.key, e.value FROM jsonb_each(v) AS e LOOP
			RETURN QUERY SELECT * FROM oracle.leaves(cv, k || sep || oracle.esc(ck, sep), sep);
		END LOOP;
	ELSIF jsonb_typeof(v) = 'array' AND v <> '[]' THEN
		FOR cv, i IN SELECT e.value, e.ord FROM jsonb_array_elements(v) WITH ORDINALITY AS e(value, ord) LOOP
			RETURN QUERY SELECT * FROM oracle.leaves(cv, k || sep || i, sep);
		END LOOP;
	ELSE
		leaf_key := k;
		leaf_value := v;
		RETURN NEXT;
	END IF;
END
$$;

-- The leaves of an item, in document order.  A top-level key is a segment of
-- its own.  A non-empty top-level array is a module array: the first element
-- that is an object with a string step id that is not a position is
-- addressed by that step id and loses its step id key ({} when nothing is
-- left); every other element is addressed by its position and keeps all it has.
CREATE FUNCTION oracle.flatten_each(item jsonb, sep text, step_key text)
RETURNS TABLE (leaf_key text, leaf_value jsonb)
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
	k text;
	v jsonb;
	e jsonb;
	i bigint;
	sid text;
	seen text[];
	body jsonb;
	prefix text;
	bk text;
	bv jsonb;
BEGIN
	FOR k, v IN SELECT t.key, t.value FROM jsonb_each(item) AS t LOOP
		IF jsonb_typeof(v) = 'array' AND v <> '[]' THEN
			seen := '{}';
			FOR e, i IN SELECT a.value, a.ord FROM jsonb_array_elements(v) WITH ORDINALITY AS a(value, ord) LOOP
				sid := NULL;
				IF jsonb_typeof(e) = 'object' AND jsonb_typeof(e -> step_key) = 'string' THEN
					sid := e ->> step_key;
				END IF;
				IF sid IS NOT NULL AND NOT oracle.is_position(sid) AND NOT sid = ANY (seen) THEN
					seen := seen || sid;
					prefix := oracle.esc(k, sep) || sep || oracle.esc(sid, sep);
					body := e - step_key;
					IF body = '{}' THEN
						leaf_key := prefix;
						leaf_value := '{}';
						RETURN NEXT;
					END IF;
					FOR bk, bv IN SELECT b.key, b.value FROM jsonb_each(body) AS b LOOP
						RETURN QUERY SELECT * FROM oracle.leaves(bv, prefix || sep || oracle.esc(bk, sep), sep);
					END LOOP;
				ELSE
					RETURN QUERY SELECT * FROM oracle.leaves(e, oracle.esc(k, sep) || sep || i, sep);
				END IF;
			END LOOP;
		ELSE
			RETURN QUERY SELECT * FROM oracle.leaves(v, oracle.esc(k, sep), sep);
		END IF;
	END LOOP;
END
$$;

-- The flat record of an item.
CREATE FUNCTION oracle.flatten(item jsonb, sep text, step_key text) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT
AS $$
	SELECT coalesce(jsonb_object_agg(leaf_key, leaf_value), '{}')
	FROM oracle.flatten_each(item, sep, step_key)
$$;

-- Are the keys of object o exactly "1" .. "n", n > 0?
CREATE FUNCTION oracle.keys_are_positions(o jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
	SELECT count(*) > 0 AND coalesce(bool_and(oracle.is_position(k) AND k::bigint <= n), false)
	FROM (SELECT k, count(*) OVER () AS n FROM jsonb_object_keys(o) AS k) AS s
$$;

-- Does a value (below the top level) hold an object whose keys are "1".."n"?
CREATE FUNCTION oracle.has_positions_object(v jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
	c jsonb;
BEGIN
	IF jsonb_typeof(v) = 'object' THEN
		IF oracle.keys_are_positions(v) THEN
			RETURN true;
		END IF;
		FOR c IN SELECT e.value FROM jsonb_each(v) AS e LOOP
			IF oracle.has_positions_object(c) THEN
				RETURN true;
			END IF;
		END LOOP;
	ELSIF jsonb_typeof(v) = 'array' THEN
		FOR c IN SELECT e FROM jsonb_array_elements(v) AS e LOOP
			IF oracle.has_positions_object(c) THEN
				RETURN true;
			END IF;
		END LOOP;
	END IF;
	RETURN false;
END
$$;

-- Which documented exception may keep records_unflatten(records_flatten(item))
-- from being the item, or NULL when none applies (README, "Flattening"):
--   1. "step order": a module array whose step-addressed elements are not in
--      step-id (byte) order;
--   2. "module array": a top-level object each of whose keys that is not a
--      position holds an object ({} or not);
--   3. "positions": an object whose keys are exactly "1".."n" below the top
--      level, or a module element whose keys besides its step id are.
CREATE FUNCTION oracle.round_trip_exception(item jsonb, step_key text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
	v jsonb;
	e jsonb;
	sid text;
	seen text[];
	last_sid text;
	body jsonb;
	c jsonb;
BEGIN
	FOR v IN SELECT t.value FROM jsonb_each(item) AS t LOOP
		IF jsonb_typeof(v) = 'object' AND v <> '{}' THEN
			IF (SELECT bool_and(oracle.is_position(o.key) OR jsonb_typeof(o.value) = 'object')
				FROM jsonb_each(v) AS o) THEN
				RETURN 'module array';
			END IF;
			FOR c IN SELECT o.value FROM jsonb_each(v) AS o LOOP
				IF oracle.has_positions_object(c) THEN
					RETURN 'positions';
				END IF;
			END LOOP;
		ELSIF jsonb_typeof(v) = 'array' AND v <> '[]' THEN
			seen := '{}';
			last_sid := NULL;
			FOR e IN SELECT a FROM jsonb_array_elements(v) AS a LOOP
				sid := NULL;
				IF jsonb_typeof(e) = 'object' AND jsonb_typeof(e -> step_key) = 'string' THEN
					sid := e ->> step_key;
				END IF;
				IF sid IS NOT NULL AND NOT oracle.is_position(sid) AND NOT sid = ANY (seen) THEN
					seen := seen || sid;
					body := e - step_key;
					IF oracle.keys_are_positions(body) THEN
						RETURN 'positions';
					END IF;
					FOR c IN SELECT b.value FROM jsonb_each(body) AS b LOOP
						IF oracle.has_positions_object(c) THEN
							RETURN 'positions';
						END IF;
					END LOOP;
					IF last_sid IS NOT NULL AND NOT last_sid COLLATE "C" < sid COLLATE "C" THEN
						RETURN 'step order';
					END IF;
					last_sid := sid;
				ELSIF oracle.has_positions_object(e) THEN
					RETURN 'positions';
				END IF;
			END LOOP;
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;

-- records_unflatten, reporting an error as text instead of raising it.
CREATE FUNCTION oracle.try_unflatten(r jsonb, sep text, step_key text,
	OUT result jsonb, OUT error text)
LANGUAGE plpgsql
AS $$
BEGIN
	result := podrec.records_unflatten(r, sep, step_key);
EXCEPTION WHEN OTHERS THEN
	error := SQLSTATE || ': ' || SQLERRM;
END
$$;
SQL

# The oracle itself follows the README: seed 000 and the rules table.
is($node->safe_psql('postgres', <<'SQL'), 't', 'the oracle gives the README examples');
SELECT oracle.flatten('{"_id": "67c8", "flow_id": "APIDocsFlow1",
  "barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}],
  "photographing": [{"flow_step_id": "picz", "photos": [{"url": "u"}]}],
  "m": [{"flow_step_id": "s"}, {"flow_step_id": 7}, {"flow_step_id": "3", "v": 1},
        {"flow_step_id": "s", "v": 2}, 5],
  "dimensions": {"width": 3, "a.b": null, "c\\d": {}, "e": []}}', '.', 'flow_step_id')
= '{"_id": "67c8", "flow_id": "APIDocsFlow1",
  "barcode_scanning.barcode.code": "A0155C35",
  "photographing.picz.photos.1.url": "u",
  "m.s": {}, "m.2.flow_step_id": 7, "m.3.flow_step_id": "3", "m.3.v": 1,
  "m.4.flow_step_id": "s", "m.4.v": 2, "m.5": 5,
  "dimensions.width": 3, "dimensions.a\\.b": null, "dimensions.c\\\\d": {}, "dimensions.e": []}'
SQL

# ---------------------------------------------------------------------
# The checks.
# ---------------------------------------------------------------------

# Run a query that lists failing items (at most five) after a count of them;
# the test passes when the count is 0, and shows the failures otherwise.
sub check_items
{
	my ($name, $count_sql, $detail_sql) = @_;
	my $count = $node->safe_psql('postgres', $count_sql);
	is($count, 0, $name);
	diag($node->safe_psql('postgres', $detail_sql)) if $count ne '0';
}

$node->safe_psql(
	'postgres', q{
CREATE TABLE flat AS
SELECT id, sep, step_key, doc,
	podrec.records_flatten(doc, sep, step_key) AS flat,
	oracle.flatten(doc, sep, step_key) AS expected,
	(SELECT count(*) FROM oracle.flatten_each(doc, sep, step_key)) AS leaves,
	(SELECT count(DISTINCT leaf_key) FROM oracle.flatten_each(doc, sep, step_key)) AS distinct_keys
FROM items;
ALTER TABLE flat ADD PRIMARY KEY (id);
});

check_items(
	"records_flatten equals the oracle on $nitems items",
	'SELECT count(*) FROM flat WHERE flat IS DISTINCT FROM expected',
	q{
SELECT string_agg(format(E'item %s (separator %s, step id key %s):\n  %s\n  records_flatten: %s\n  oracle:          %s\n  only in records_flatten: %s\n  only in oracle: %s',
	id, quote_literal(sep), quote_literal(step_key), doc, flat, expected,
	(SELECT jsonb_object_agg(key, value) FROM jsonb_each(flat) WHERE expected -> key IS DISTINCT FROM value),
	(SELECT jsonb_object_agg(key, value) FROM jsonb_each(expected) WHERE flat -> key IS DISTINCT FROM value)),
	E'\n' ORDER BY id)
FROM (SELECT * FROM flat WHERE flat IS DISTINCT FROM expected ORDER BY id LIMIT 5) AS f
});

# records_flatten writes the jsonb object itself: its bytes must be those that
# the server's own jsonb input gives for the same record.  A binary-coercible
# cast exposes them.
$node->safe_psql('postgres', 'CREATE CAST (jsonb AS bytea) WITHOUT FUNCTION');
check_items(
	'records_flatten writes the same bytes as jsonb input',
	'SELECT count(*) FROM flat WHERE flat::bytea <> (flat::text::jsonb)::bytea',
	q{
SELECT string_agg(format(E'item %s: %s\n  records_flatten: %s\n  jsonb input:     %s',
	id, flat, flat::bytea, (flat::text::jsonb)::bytea), E'\n' ORDER BY id)
FROM (SELECT * FROM flat WHERE flat::bytea <> (flat::text::jsonb)::bytea ORDER BY id LIMIT 5) AS f
});

check_items(
	'no leaf is lost: every leaf has a flat key of its own',
	q{SELECT count(*) FROM flat
	  WHERE distinct_keys <> leaves OR (SELECT count(*) FROM jsonb_object_keys(flat)) <> leaves},
	q{
SELECT string_agg(format('item %s (separator %s): %s leaves, %s distinct keys, %s keys in %s',
	id, quote_literal(sep), leaves, distinct_keys,
	(SELECT count(*) FROM jsonb_object_keys(flat)), flat), E'\n' ORDER BY id)
FROM (SELECT * FROM flat
	  WHERE distinct_keys <> leaves OR (SELECT count(*) FROM jsonb_object_keys(flat)) <> leaves
	  ORDER BY id LIMIT 5) AS f
});

$node->safe_psql(
	'postgres', q{
CREATE TABLE each_cmp AS
SELECT id, sep, step_key, doc,
	(SELECT jsonb_agg(jsonb_build_array(e.key, e.value) ORDER BY e.ord)
	 FROM podrec.records_flatten_each(doc, sep, step_key) WITH ORDINALITY AS e(key, value, ord)) AS got,
	(SELECT jsonb_agg(jsonb_build_array(o.leaf_key, o.leaf_value) ORDER BY o.ord)
	 FROM oracle.flatten_each(doc, sep, step_key) WITH ORDINALITY AS o(leaf_key, leaf_value, ord)) AS expected
FROM items;
});

check_items(
	'records_flatten_each gives the oracle\'s pairs in document order',
	'SELECT count(*) FROM each_cmp WHERE got IS DISTINCT FROM expected',
	q{
SELECT string_agg(format(E'item %s (separator %s, step id key %s):\n  %s\n  records_flatten_each: %s\n  oracle:               %s',
	id, quote_literal(sep), quote_literal(step_key), doc, got, expected), E'\n' ORDER BY id)
FROM (SELECT * FROM each_cmp WHERE got IS DISTINCT FROM expected ORDER BY id LIMIT 5) AS f
});

$node->safe_psql(
	'postgres', q{
CREATE TABLE trip AS
SELECT f.id, f.sep, f.step_key, f.doc, f.flat,
	u.result AS back, u.error,
	oracle.round_trip_exception(f.doc, f.step_key) AS exception,
	CASE WHEN u.error IS NULL THEN podrec.records_flatten(u.result, f.sep, f.step_key) END AS reflat
FROM flat AS f, oracle.try_unflatten(f.flat, f.sep, f.step_key) AS u;
});

check_items(
	'records_unflatten(records_flatten(x)) = x outside the documented exceptions',
	q{SELECT count(*) FROM trip
	  WHERE error IS NOT NULL OR (exception IS NULL AND back <> doc)},
	q{
SELECT string_agg(format(E'item %s (separator %s, step id key %s), exception %s:\n  %s\n  flat: %s\n  back: %s',
	id, quote_literal(sep), quote_literal(step_key), coalesce(exception, 'none'), doc, flat,
	coalesce(back::text, error)), E'\n' ORDER BY id)
FROM (SELECT * FROM trip WHERE error IS NOT NULL OR (exception IS NULL AND back <> doc)
	  ORDER BY id LIMIT 5) AS t
});

my ($exact, $step_order, $module_array, $positions, $back_anyway) = split /\|/,
  $node->safe_psql(
	'postgres', q{
SELECT count(*) FILTER (WHERE exception IS NULL),
	count(*) FILTER (WHERE exception = 'step order'),
	count(*) FILTER (WHERE exception = 'module array'),
	count(*) FILTER (WHERE exception = 'positions'),
	count(*) FILTER (WHERE exception IS NOT NULL AND back = doc)
FROM trip
});
note "round trip: $exact items outside the exceptions (all come back); exceptions: "
  . "step order $step_order, module array $module_array, positions $positions "
  . "($back_anyway of these come back all the same)";
cmp_ok($exact, '>=', $nitems * 0.3, 'at least 30% of the items are outside the exceptions');
cmp_ok(List::Util::min($step_order, $module_array, $positions),
	'>=', 20, 'each documented exception occurs at least 20 times');

check_items(
	'records_flatten(records_unflatten(records_flatten(x))) = records_flatten(x) for every item',
	'SELECT count(*) FROM trip WHERE reflat IS DISTINCT FROM flat',
	q{
SELECT string_agg(format(E'item %s (separator %s, step id key %s):\n  %s\n  flat:   %s\n  back:   %s\n  reflat: %s',
	id, quote_literal(sep), quote_literal(step_key), doc, flat, coalesce(back::text, error), reflat),
	E'\n' ORDER BY id)
FROM (SELECT * FROM trip WHERE reflat IS DISTINCT FROM flat ORDER BY id LIMIT 5) AS t
});

# ---------------------------------------------------------------------
# A separator that overlaps itself ("__", "::"): escaping its first
# character keeps "a_" then "__" apart from "a" then "_".
# ---------------------------------------------------------------------
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM jsonb_object_keys(podrec.records_flatten('{"o": {"a_": {"b": 1}, "a": {"_b": 2}}}', '__'))}
	),
	'2',
	'separator "__": two leaves keep two flat keys');
is( $node->safe_psql(
		'postgres',
		q{SELECT podrec.records_unflatten(podrec.records_flatten('{"a_": {"b": 1}}', '__'), '__')}
	),
	'{"a_": {"b": 1}}',
	'separator "__": a key ending in "_" round-trips');

$node->stop;
done_testing();
