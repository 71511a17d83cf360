
# Copyright (c) 2026, podrec authors

# The law of filters, on generated data:
#
#	podrec.matches(d, f) = f evaluated on podrec.records_flatten(d)
#
# A seeded generator writes a few thousand random items (module arrays with
# step ids, repeated and position-like step ids, elements holding only their
# step id, nested objects and arrays, nulls, "", {} and [], numbers,
# booleans, timestamps with and without zones, epoch milliseconds, keys and
# strings with dots, backslashes, case, unicode and newlines) and a few
# hundred random filters, drawn from an abstract model of filters kept here:
# AND / OR / NOT over atoms of every operator of the semantics table.  Keys
# are mostly the flat keys of the generated items, their prefixes (subtrees)
# and keys that are missing.  Each filter is written in every dialect that
# can express it: the flowthings text language, Tines arrays, operator maps,
# PostgREST pairs as text and as a JSON object, and the normalized form
# (written here, and also as filter_explain prints it for another dialect).
#
# The oracle is an evaluator of the model written in this test, over the flat
# records that records_flatten returns (keys escaped as it writes them).  It
# implements the semantics table (README, "Filters"): missing / leaf /
# subtree from the flat keys, typed comparisons, loose strings, timestamps as
# instants, numbers exactly (decimal arithmetic), IS_NULL against missing.
# Only what needs PostgreSQL's own semantics is asked of the server: regular
# expressions (the ~ operator, with embedded options that give flags i, m
# and s the meaning jsonpath's like_regex gives them), LIKE (PostgreSQL's
# LIKE), and case-insensitive comparisons (the same regex engine with case
# folding).  podrec.matches is never called by the oracle.
#
# For every (item, filter, dialect) matches must equal the oracle.  Also:
# every filter_compile and filter_index_path output reads back as jsonpath,
# matching items satisfy both paths, filter_explain names the dialect, and a
# GIN jsonb_path_ops index gives the same rows wherever it is used.
#
# PODREC_SEED chooses the seed (printed; "random" picks one),
# PODREC_LAW_ITEMS and PODREC_LAW_FILTERS the sizes; PODREC_LAW_DEBUG=F:I
# shows how the oracle reads each atom of filter F on item I.

use strict;
use warnings;

use Encode qw(decode_utf8 encode_utf8);
use List::Util qw(max min sum);
use Math::BigInt;
use POSIX qw(floor);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{PODREC_SEED} // 20260315;
$seed = time() ^ ($$ << 8) if $seed eq 'random';
my $nitems = $ENV{PODREC_LAW_ITEMS} // 2500;
my $nfilters = $ENV{PODREC_LAW_FILTERS} // 450;
srand($seed);
note "seed $seed (rerun with PODREC_SEED=$seed), $nitems items, $nfilters filters";

# The reference time of AGE conditions: 2025-03-06T00:00:00Z.
my $AT_MS = 1741219200000;
my $AT_SQL = "'2025-03-06T00:00:00Z'::timestamptz";
my $AT_SQL_QUOTED = "'''2025-03-06T00:00:00Z''::timestamptz'";

# Mean radius of the Earth (IUGG) and the statute mile, in kilometres.
my $EARTH_KM = 6371.0088;
my $MILE_KM = 1.609344;

# ---------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------

sub pick { return $_[ int(rand(@_)) ] }
sub chance { return rand() < $_[0] }

# Fisher-Yates, on the seeded generator.
sub shuffled
{
	my @a = @_;
	for (my $i = $#a; $i > 0; $i--)
	{
		my $j = int(rand($i + 1));
		@a[ $i, $j ] = @a[ $j, $i ];
	}
	return @a;
}

# A JSON string literal; non-ASCII characters and "/" are sometimes escaped.
sub jstr
{
	my ($s) = @_;
	my $out = '"';
	for my $ch (split //, $s)
	{
		my $o = ord $ch;
		if ($ch eq '"' || $ch eq '\\') { $out .= "\\$ch"; }
		elsif ($ch eq "\n") { $out .= '\n'; }
		elsif ($ch eq "\t") { $out .= '\t'; }
		elsif ($o < 0x20) { $out .= sprintf('\\u%04x', $o); }
		elsif ($ch eq '/' && rand() < 0.2) { $out .= '\\/'; }
		elsif ($o > 0x7f && rand() < 0.3)
		{
			if ($o > 0xffff)
			{
				my $v = $o - 0x10000;
				$out .= sprintf('\\u%04x\\u%04x', 0xd800 + ($v >> 10), 0xdc00 + ($v & 0x3ff));
			}
			else { $out .= sprintf('\\u%04x', $o); }
		}
		else { $out .= $ch; }
	}
	return $out . '"';
}

# A segment as flat keys write it, and back.
sub esc_seg { my ($s) = @_; $s =~ s/([\\.])/\\$1/g; return $s; }
sub key_text { return join('.', map { esc_seg($_) } @{ $_[0] }); }

# The unescaped segments of a flat key as records_flatten writes it.
sub key_segs
{
	my ($k) = @_;
	my @segs = ('');
	my @ch = split //, $k;
	for (my $i = 0; $i < @ch; $i++)
	{
		if ($ch[$i] eq '\\' && $i + 1 < @ch) { $segs[-1] .= $ch[ ++$i ]; }
		elsif ($ch[$i] eq '.') { push @segs, ''; }
		else { $segs[-1] .= $ch[$i]; }
	}
	return \@segs;
}

# The proper prefixes of a flat key, at its unescaped dots.
sub key_prefixes
{
	my ($k) = @_;
	my @out;
	my @ch = split //, $k;
	for (my $i = 0; $i < @ch; $i++)
	{
		if ($ch[$i] eq '\\') { $i++; next; }
		push @out, substr($k, 0, $i) if $ch[$i] eq '.';
	}
	return @out;
}

# ---------------------------------------------------------------------
# Exact decimals (numbers are compared numerically, as numeric does)
# ---------------------------------------------------------------------

my %DEC;

# [sign, digits without leading or trailing zeros, exponent]: sign * digits * 10^exponent.
sub dec
{
	my ($s) = @_;
	return $DEC{$s} if exists $DEC{$s};
	$s =~ /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\z/ or die "not a number: $s";
	my ($sg, $i, $f, $e) = ($1, $2, $3 // '', $4 // 0);
	my $d = $i . $f;
	my $exp = $e - length($f);
	$d =~ s/^0+//;
	return $DEC{$s} = [ 0, '', 0 ] if $d eq '';
	while ($d =~ s/0\z//) { $exp++; }
	return $DEC{$s} = [ $sg eq '-' ? -1 : 1, $d, $exp ];
}

sub deccmp
{
	my ($x, $y) = map { ref $_ ? $_ : dec($_) } @_;
	return $x->[0] <=> $y->[0] if $x->[0] != $y->[0];
	return 0 if $x->[0] == 0;
	my $c = (length($x->[1]) + $x->[2]) <=> (length($y->[1]) + $y->[2]);
	if (!$c)
	{
		my $l = max(length($x->[1]), length($y->[1]));
		$c = ($x->[1] . '0' x ($l - length($x->[1]))) cmp($y->[1] . '0' x ($l - length($y->[1])));
	}
	return $x->[0] * $c;
}

# x mod d with the sign of the dividend (numeric_mod), as a decimal.
sub decmod
{
	my ($x, $d) = map { dec($_) } @_;
	return [ 0, '', 0 ] if $x->[0] == 0;
	my $e = min($x->[2], $d->[2]);
	my $xi = Math::BigInt->new($x->[1] . '0' x ($x->[2] - $e));
	my $di = Math::BigInt->new($d->[1] . '0' x ($d->[2] - $e));
	my $r = $xi->bmod($di)->bstr;
	return dec(($x->[0] < 0 ? '-' : '') . $r . 'e' . $e);
}

# Plain decimal text of a decimal.
sub dectext
{
	my ($sg, $d, $e) = @{ $_[0] };
	return '0' if !$sg;
	my $t;
	if ($e >= 0) { $t = $d . '0' x $e; }
	elsif (-$e >= length($d)) { $t = '0.' . '0' x (-$e - length($d)) . $d; }
	else { $t = substr($d, 0, length($d) + $e) . '.' . substr($d, length($d) + $e); }
	return ($sg < 0 ? '-' : '') . $t;
}

# Does a loose string read as a number?  Only unambiguous forms are
# generated (no leading zeros, "+", ".5" or "5.").
sub reads_as_number
{
	return $_[0] =~ /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d{1,3})?\z/;
}

# Strings that would read as numbers in some implementations but not in
# others: never used as loose literals.
sub ambiguous_number
{
	my ($s) = @_;
	return !reads_as_number($s)
	  && ($s =~ /^\s*[+-]?\.?\d/ || $s =~ /^[+-]?(?:nan|inf)/i);
}

# ---------------------------------------------------------------------
# ISO-8601 timestamps, as instants (microseconds since 1970, UTC)
# ---------------------------------------------------------------------

sub days_from_civil
{
	my ($y, $m, $d) = @_;
	$y -= $m <= 2 ? 1 : 0;
	my $era = floor($y / 400);
	my $yoe = $y - $era * 400;
	my $doy = int((153 * ($m + ($m > 2 ? -3 : 9)) + 2) / 5) + $d - 1;
	my $doe = $yoe * 365 + int($yoe / 4) - int($yoe / 100) + $doy;
	return $era * 146097 + $doe - 719468;
}

sub days_in_month
{
	my ($y, $m) = @_;
	return 29 if $m == 2 && (($y % 4 == 0 && $y % 100 != 0) || $y % 400 == 0);
	return (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[ $m - 1 ];
}

my %TS;

# The instant of a timestamp string, or undef.  The generated forms are
# YYYY-MM-DD and YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM|-HH:MM]; without a
# zone the time is UTC (as podrec.iso_timestamp reads it).
sub ts_usec
{
	my ($s) = @_;
	return $TS{$s} if exists $TS{$s};
	return $TS{$s} = undef
	  unless $s =~ /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)?)?\z/;
	my ($y, $mo, $d, $h, $mi, $se, $f, $z) = ($1, $2, $3, $4 // 0, $5 // 0, $6 // 0, $7 // '', $8 // 'Z');
	return $TS{$s} = undef
	  if $mo < 1 || $mo > 12 || $d < 1 || $d > days_in_month($y, $mo) || $h > 23 || $mi > 59 || $se > 59;
	my $off = 0;
	$off = ($1 eq '-' ? -1 : 1) * ($2 * 3600 + $3 * 60) if $z =~ /^([+-])(\d\d):(\d\d)\z/;
	my $t = days_from_civil($y, $mo, $d) * 86400 + $h * 3600 + $mi * 60 + $se - $off;
	return $TS{$s} = $t * 1000000 + ($f eq '' ? 0 : substr($f . '00000', 0, 6));
}

# A timestamp string for an instant, in a zone of offset minutes (undef: no zone).
sub fmt_ts
{
	my ($usec, $zone, $frac) = @_;
	my $t = floor($usec / 1000000) + ($zone // 0) * 60;
	my $us = $usec - floor($usec / 1000000) * 1000000;
	my $days = floor($t / 86400);
	my $sec = $t - $days * 86400;
	# civil from days
	my $z = $days + 719468;
	my $era = floor($z / 146097);
	my $doe = $z - $era * 146097;
	my $yoe = int(($doe - int($doe / 1460) + int($doe / 36524) - int($doe / 146096)) / 365);
	my $y = $yoe + $era * 400;
	my $doy = $doe - (365 * $yoe + int($yoe / 4) - int($yoe / 100));
	my $mp = int((5 * $doy + 2) / 153);
	my $d = $doy - int((153 * $mp + 2) / 5) + 1;
	my $m = $mp + ($mp < 10 ? 3 : -9);
	$y++ if $m <= 2;
	my $s = sprintf('%04d-%02d-%02dT%02d:%02d:%02d', $y, $m, $d, int($sec / 3600), int($sec % 3600 / 60), $sec % 60);
	$s .= sprintf('.%06d', $us) if $us || $frac;
	if (defined $zone)
	{
		$s .= $zone == 0 && chance(0.5) ? 'Z'
		  : sprintf('%s%02d:%02d', $zone < 0 ? '-' : '+', int(abs($zone) / 60), abs($zone) % 60);
	}
	return $s;
}

# ---------------------------------------------------------------------
# The item generator
# ---------------------------------------------------------------------

my %features;

my @TIMESTAMPS = (
	'2025-03-05T14:38:20Z', '2025-03-05T16:38:20+02:00',
	'2025-03-05T14:38:20', '2025-03-05T09:38:20-05:00',
	'2025-03-05T14:38:20.903000', '2025-03-05T14:38:20.903Z',
	'2025-03-05', '2025-03-04T23:59:59.999999-05:00',
	'2024-12-31T23:59:59Z', '2026-01-01T00:00:00Z',
	'1999-12-31T23:59:59+00:00', '2024-02-29T12:00:00Z',
	'2025-03-05T23:30:00+02:00', '2025-03-06T00:00:00Z');
my @NOT_TIMESTAMPS = ('2025-13-01T00:00:00Z', '2025-02-29T00:00:00Z', 'March 5, 2025', '2025-03-05T25:00:00Z');
my @STRINGS = (
	'', 'A0155C35', 'a0155c35', 'B77', 'alice', 'Alice', 'ALICE', 'Bob Smith', 'bob smith',
	'done', 'DONE', 'pending', 'red', 'blue', 'Red', 'x', 'X', 'a.b', 'c\\d', 'with space',
	' lead', 'trail ', "multi\nline", "line1\nline2", "tab\tsep", 'quote"s', "apos'", '100%',
	'under_score', 'star*', 'back\\slash', '(paren)', 'a,b', 'amp&er', 'eq=sign', "\x{e9}",
	"\x{c9}", "stra\x{df}e", 'STRASSE', "\x{dc}n\x{ef}code", "\x{65e5}\x{672c}\x{8a9e}", "\x{1F600}",
	'12', '-3.5', '1e2', '0.5', '1000', 'true', 'false', 'TRUE', 'null', '/alice/drinks',
	'https://x/1.jpg', 'sensor42', 'NOTIFICATION', 'a_b%c', '007', '+5', @TIMESTAMPS, @NOT_TIMESTAMPS);
my @NUMBERS = (
	'0', '1', '-1', '2', '3', '7', '12', '-7', '1.5', '-0.25', '0.1', '31.5', '100', '1000',
	'1.50', '3.0', '12345678901234567890.125', '1e3', '-0', '2.5', '10', '-3.5', '0.5', '4',
	'1741185500000', '1741219100000', '1420740176213');
my @KEY_WORDS = qw(code url date width height unit mode name value note grade v w x y);
my @ODD_KEYS = ('a.b', 'c\\d', 'in', 'not', 'AND', 'Date', '1', '01', 'with space', "\x{e9}t\x{e9}",
	'$dollar', 'dash-key', 'eq', 'or', 'is', 'flow_step_id', 'x`y', 'lat');
my @CITIES = ([ 40.7128, -74.006 ], [ 51.5074, -0.1278 ], [ 48.8566, 2.3522 ], [ 35.6762, 139.6503 ],
	[ -33.8688, 151.2093 ], [ -23.5505, -46.6333 ], [ 64.1466, -21.9426 ], [ 89.9, 10 ], [ 0.5, 179.9 ],
	[ 0.5, -179.9 ]);

sub gen_string { return jstr(pick(@STRINGS)); }
sub gen_number { return pick(@NUMBERS); }

# A scalar of any type; weights say how often each type comes.
sub gen_scalar
{
	my (%w) = (num => 3, str => 3, bool => 1, null => 1, @_);
	my $r = rand(sum(values %w));
	for my $t (qw(num str bool null))
	{
		next unless $w{$t};
		if ($r < $w{$t})
		{
			return gen_number() if $t eq 'num';
			return gen_string() if $t eq 'str';
			return pick('true', 'false') if $t eq 'bool';
			$features{null}++;
			return 'null';
		}
		$r -= $w{$t};
	}
	return 'null';
}

# A value of mixed type: mostly scalars, sometimes {}, [] or a small object.
sub gen_mix
{
	my (%w) = @_;
	my $r = rand();
	if ($r < 0.05) { $features{'{}'}++; return '{}'; }
	if ($r < 0.09) { $features{'[]'}++; return '[]'; }
	return '{"x": ' . gen_scalar() . ', "y": ' . gen_scalar() . '}' if $r < 0.13;
	return gen_scalar(%w);
}

sub gen_geo
{
	my $c = pick(@CITIES);
	my $lat = sprintf('%.4f', $c->[0] + (rand() - 0.5) * 0.6);
	my $lon = sprintf('%.4f', $c->[1] + (rand() - 0.5) * 0.6);
	$lat = 90 if $lat > 90;
	$lon = 180 if $lon > 180;
	$lon = -180 if $lon < -180;
	my $r = rand();
	$features{'geo point'}++;
	return qq({"lat": $lat, "lon": $lon}) if $r < 0.45;
	return qq({"lat": $lat, "lng": $lon}) if $r < 0.6;
	return qq([$lat, $lon]) if $r < 0.75;
	return qq({"lat": $lat, "lon": $lon, "alt": 12}) if $r < 0.8;
	return qq({"lat": "$lat", "lon": $lon}) if $r < 0.85;
	return qq({"lat": $lat}) if $r < 0.9;
	return qq({"lat": null, "lon": $lon}) if $r < 0.95;
	return qq([$lat]);
}

sub gen_time_value
{
	my $r = rand();
	return jstr(pick(@TIMESTAMPS)) if $r < 0.45;
	return $AT_MS - int(rand(3 * 86400)) * 1000 - pick(0, 0, 123) if $r < 0.8;
	return jstr(pick(@NOT_TIMESTAMPS)) if $r < 0.9;
	return gen_mix();
}

sub gen_object
{
	my ($depth, $n) = @_;
	my %used;
	my @pairs;
	for (1 .. $n)
	{
		my $k = chance(0.8) ? pick(@KEY_WORDS) : pick(@ODD_KEYS, '');
		next if $used{$k}++;
		push @pairs, jstr($k) . ': ' . gen_value($depth + 1);
	}
	return '{' . join(', ', @pairs) . '}';
}

sub gen_value
{
	my ($depth) = @_;
	my $r = rand();
	return gen_mix() if $depth >= 4 || $r < 0.55;
	if ($r < 0.8)
	{
		$features{'nested object'}++;
		return gen_object($depth, 1 + int(rand(3)));
	}
	$features{'nested array'}++;
	return '[' . join(', ', map { gen_value($depth + 1) } 1 .. 1 + int(rand(3))) . ']';
}

sub step_id
{
	my $r = rand();
	return pick('s', 's', 't', 'barcode', 'picz') if $r < 0.7;
	if ($r < 0.82)
	{
		$features{'step id that looks like a position'}++;
		return pick('1', '2', '3');
	}
	return pick('01', 'a.b', "\x{e9}", 'in', '');
}

# A module array with every kind of element.
sub gen_module_array
{
	my (@elems, %seen);
	$features{'module array'}++;
	for (1 .. 1 + int(rand(5)))
	{
		my $r = rand();
		if ($r < 0.6)
		{
			my $sid = step_id();
			$features{'repeated step id'}++ if $seen{$sid}++ && $sid !~ /^[1-9]/;
			my @pairs = (jstr('flow_step_id') . ': ' . jstr($sid));
			my $n = int(rand(3));
			$features{'element holding only its step id'}++ if $n == 0;
			my %used;
			for (1 .. $n)
			{
				my $k = pick('v', 'v', 'w', 'o', 'code', 'geo', pick(@ODD_KEYS));
				next if $used{$k}++ || $k eq 'flow_step_id';
				my $v = $k eq 'o' ? gen_object(2, 2) : $k eq 'geo' ? gen_geo() : gen_mix();
				push @pairs, jstr($k) . ': ' . $v;
			}
			push @elems, '{' . join(', ', shuffled(@pairs)) . '}';
		}
		elsif ($r < 0.7)
		{
			$features{'element without a string step id'}++;
			push @elems, '{"flow_step_id": ' . pick('7', 'null', 'true', '{}') . ', "v": ' . gen_mix() . '}';
		}
		elsif ($r < 0.8)
		{
			$features{'element without a step id'}++;
			push @elems, '{"v": ' . gen_mix() . '}';
		}
		elsif ($r < 0.92)
		{
			$features{'scalar element'}++;
			push @elems, gen_scalar();
		}
		else
		{
			$features{'array element'}++;
			push @elems, '[' . join(', ', map { gen_scalar() } 1 .. int(rand(3))) . ']';
		}
	}
	return '[' . join(', ', @elems) . ']';
}

sub gen_item
{
	my @pairs;
	my $add = sub { push @pairs, jstr($_[0]) . ': ' . $_[1]; };
	$add->('_id', jstr(sprintf('%08x%08x', int(rand(2**32)), int(rand(2**32))))) if chance(0.5);
	$add->('flow_id', jstr('Flow' . int(rand(5)))) if chance(0.5);
	$add->('created_at', chance(0.8) ? jstr(pick(@TIMESTAMPS, @TIMESTAMPS, @NOT_TIMESTAMPS)) : 'null')
	  if chance(0.6);
	$add->('creationDate', $AT_MS - int(rand(4 * 86400)) * 1000 - pick(0, 1, 500)) if chance(0.35);
	$add->('status', jstr(pick('done', 'DONE', 'pending', '', 'NOTIFICATION'))) if chance(0.5);
	$add->('n', gen_mix(num => 8, str => 1)) if chance(0.6);
	$add->('count', chance(0.7) ? jstr(pick('12', '-3.5', '1e2', '0.5', '1000', 'abc', '', '12abc')) : gen_mix())
	  if chance(0.5);
	$add->('ok', gen_mix(bool => 8, str => 1, num => 1)) if chance(0.5);
	$add->('note', pick('null', '""', gen_string(), '{}', '[]')) if chance(0.4);
	$add->('title', gen_string()) if chance(0.6);
	$add->(pick(@ODD_KEYS), gen_mix()) if chance(0.4);
	$add->('tags', chance(0.8) ? '[' . join(', ', map { gen_scalar(str => 6, num => 1, null => 1, bool => 0) } 1 .. int(rand(4))) . ']' : gen_mix())
	  if chance(0.5);
	$add->('loc', gen_geo()) if chance(0.35);
	if (chance(0.6))
	{
		my @e;
		push @e, '"a": ' . gen_mix(num => 8) if chance(0.7);
		push @e, '"b": ' . gen_mix(num => 8) if chance(0.5);
		push @e, '"name": ' . gen_mix(str => 8) if chance(0.6);
		push @e, '"location": ' . gen_geo() if chance(0.4);
		push @e, '"seen_at": ' . gen_time_value() if chance(0.5);
		push @e, '"list": [' . join(', ', map { gen_scalar() } 1 .. int(rand(4))) . ']' if chance(0.4);
		push @e, '"deep": {"x": {"y": ' . gen_mix() . '}}' if chance(0.3);
		push @e, '"empty": ' . pick('{}', '[]', '""', 'null') if chance(0.3);
		push @e, '"flag": ' . gen_mix(bool => 8) if chance(0.4);
		push @e, jstr(pick(@ODD_KEYS)) . ': ' . gen_mix() if chance(0.3);
		$features{'nested object'}++;
		$add->('elems', '{' . join(', ', @e) . '}');
	}
	if (chance(0.55))
	{
		my @el = ('{"flow_step_id": "barcode", "code": ' . jstr(pick('A0155C35', 'B77', 'a0155c35', 'C' . int(rand(20)))) . ', "started_at": ' . jstr(pick(@TIMESTAMPS)) . '}');
		push @el, '{"flow_step_id": ' . jstr(pick('barcode2', 'barcode')) . ', "code": ' . gen_string() . '}' if chance(0.3);
		$add->('barcode_scanning', '[' . join(', ', shuffled(@el)) . ']');
	}
	if (chance(0.35))
	{
		my $photos = '[' . join(', ', map { '{"url": ' . jstr(pick('https://x/1.jpg', 'https://x/2.jpg', 'u')) . ', "date": ' . jstr(pick(@TIMESTAMPS)) . '}' } 1 .. int(rand(3))) . ']';
		$add->('photographing', '[{"flow_step_id": "picz", "photos": ' . $photos . '}]');
	}
	$add->('m', gen_module_array()) if chance(0.6);
	$add->('m2', gen_module_array()) if chance(0.2);
	$add->(pick('empty_o', 'empty_a'), pick('{}', '[]')) if chance(0.2);
	$add->(pick(@KEY_WORDS), gen_value(1)) if chance(0.4);

	# no repeated top-level keys
	my (%seen, @kept);
	for my $p (@pairs)
	{
		my ($k) = $p =~ /^("(?:[^"\\]|\\.)*")/;
		push @kept, $p unless $seen{$k}++;
	}
	return '{' . join(', ', shuffled(@kept)) . '}';
}

sub write_csv
{
	my ($path, @rows) = @_;
	open(my $fh, '>:encoding(UTF-8)', $path) or die "could not write $path: $!";
	for my $row (@rows)
	{
		print $fh join(',', map { defined $_ ? do { (my $f = $_) =~ s/"/""/g; "\"$f\"" } : '' } @$row), "\n";
	}
	close($fh);
}

my $dir = PostgreSQL::Test::Utils::tempdir();
my @item_json = (undef, map { gen_item() } 1 .. $nitems);
write_csv("$dir/items.csv", map { [ $_, $item_json[$_] ] } 1 .. $nitems);

# ---------------------------------------------------------------------
# The server, the items and their flat records
# ---------------------------------------------------------------------

my $node = PostgreSQL::Test::Cluster->new('law');
$node->init(extra => [ '--encoding=UTF8', '--locale=C.UTF-8' ]);
$node->start;

$node->safe_psql(
	'postgres', qq{
CREATE EXTENSION podrec;
CREATE TABLE items (id int PRIMARY KEY, doc jsonb NOT NULL);
\\copy items FROM '$dir/items.csv' WITH (FORMAT csv)
});
is($node->safe_psql('postgres', 'SELECT count(*) FROM items'), $nitems, 'all generated items load');

sub unhex { return decode_utf8(pack('H*', $_[0])); }

# Per item: leaf key -> [type, text]; subtree keys; direct leaf children.
my @ITEM;
for my $line (split /\n/, $node->safe_psql('postgres', q{
SELECT i.id, encode(convert_to(f.key, 'UTF8'), 'hex'), jsonb_typeof(f.value),
	encode(convert_to(coalesce(f.value #>> '{}', ''), 'UTF8'), 'hex')
FROM items AS i, jsonb_each(podrec.records_flatten(i.doc)) AS f}))
{
	my ($id, $k, $t, $v) = split /\|/, $line, -1;
	$ITEM[$id]{leaf}{ unhex($k) } = [ $t, unhex($v) ];
}
for my $id (1 .. $nitems)
{
	my $it = $ITEM[$id] //= {};
	$it->{id} = $id;
	$it->{leaf} //= {};
	for my $k (sort keys %{ $it->{leaf} })
	{
		my @p = key_prefixes($k);
		$it->{sub}{$_} = 1 for @p;
		push @{ $it->{kids}{ $p[-1] } }, $k if @p;
	}
}

# ---------------------------------------------------------------------
# Pools the filters draw from: keys, their prefixes, values seen at keys
# ---------------------------------------------------------------------

my (@LEAF_KEYS, @SUB_KEYS, %VALS_AT, @ALL_STRINGS, @GEO_KEYS, @NUM_KEYS, @TIME_KEYS);
{
	my (%leafk, %subk, %strs, %geo, %num, %time, %vals);
	for my $id (1 .. $nitems)
	{
		my $it = $ITEM[$id];
		for my $k (sort keys %{ $it->{leaf} })
		{
			my ($t, $v) = @{ $it->{leaf}{$k} };
			push @LEAF_KEYS, $k;
			$vals{$k}{"$t\0$v"} = 1;
			$strs{$v} = 1 if $t eq 'string';
			$num{$k} = 1 if $t eq 'number';
			$time{$k} = 1 if ($t eq 'string' && defined ts_usec($v)) || ($t eq 'number' && $v > 1e12);
			if ($k =~ /^(.*)\.(lat|1)\z/ && $t eq 'number')
			{
				my ($p, $o) = ($1, $2 eq 'lat' ? [ 'lon', 'lng' ] : ['2']);
				$geo{$p} = 1 if grep { ($it->{leaf}{"$p.$_"} // [''])->[0] eq 'number' } @$o;
			}
		}
		push @SUB_KEYS, sort keys %{ $it->{sub} };
	}
	%VALS_AT = map { $_ => [ map { [ split /\0/, $_, 2 ] } sort keys %{ $vals{$_} } ] } sort keys %vals;
	@ALL_STRINGS = sort keys %strs;
	@GEO_KEYS = sort keys %geo;
	@NUM_KEYS = sort keys %num;
	@TIME_KEYS = sort keys %time;
}

my @HOT_KEYS = ('n', 'count', 'ok', 'note', 'title', 'status', 'created_at', 'creationDate', 'elems.a',
	'elems.name', 'elems.flag', 'tags', 'tags.1', 'loc', 'elems.location', 'm.s', 'm.s.v', 'm.1',
	'm.2.v', 'm.3', 'm.t.o', 'barcode_scanning.barcode.code', 'barcode_scanning.2.code', 'a\\.b',
	'elems.empty', 'm.s.flow_step_id', 'm.1.flow_step_id', 'empty_o', 'empty_a', 'elems.deep',
	'photographing.picz.photos.1.url', 'nosuch', 'elems.nosuch', 'm.9', 'N', 'elems');

# A key as segments: mostly a flat key of some item, else a prefix, a hot
# key or a key that no item has.
sub choose_key
{
	my $r = rand();
	my $k;
	if ($r < 0.5) { $k = pick(@LEAF_KEYS); }
	elsif ($r < 0.68) { $k = pick(@SUB_KEYS); }
	elsif ($r < 0.88) { $k = pick(@HOT_KEYS); }
	else
	{
		$k = pick(@LEAF_KEYS, @SUB_KEYS);
		my $m = rand();
		$k = $m < 0.4 ? "$k.zz" : $m < 0.7 ? uc($k) : $m < 0.85 ? "$k.1" : 'missing.' . $k;
	}
	return key_segs($k);
}

# ---------------------------------------------------------------------
# The filter model
#
# A node is {op => and | or | not, args => [...]} or an atom
# {op => OP, key => [segments], key2 => [...], vals => [values], cmp,
#  unit, pattern, flags}.  A value is {t => null | bool | num | str | time,
# v => ..., loose => 0 | 1}: num holds plain decimal text, time milliseconds.
# ---------------------------------------------------------------------

sub V { my ($t, $v, $loose) = @_; return { t => $t, v => $v, loose => $loose ? 1 : 0 }; }

# What kinds of value each family of filters uses.
my %KINDS = (
	text => { null => 1, bool => 1, num => 1, str => 1, time => 1 },
	tines => { bool => 1, num => 1, loose => 1 },
	opmap => { null => 1, bool => 1, num => 1, str => 1 },
	pairs => { loose => 1 },
	any => { null => 1, bool => 1, num => 1, str => 1, time => 1, loose => 1 });

# Values a leaf suggests, in every type it could be compared as.
sub suggestions
{
	my ($t, $v) = @_;
	my @s;
	if ($t eq 'number')
	{
		push @s, V('num', $v), V('num', $v), V('num', dectext(dec($v + 1 . ''))), V('str', $v), V('str', $v, 1);
		push @s, V('time', $v) if $v =~ /^-?\d{1,15}\z/;
	}
	elsif ($t eq 'string')
	{
		push @s, V('str', $v), V('str', $v, 1), V('str', $v, 1);
		push @s, V('num', dectext(dec($v))) if reads_as_number($v);
		push @s, V('bool', $v eq 'true') if $v eq 'true' || $v eq 'false';
		if (defined(my $u = ts_usec($v)))
		{
			my $zone = pick(undef, 0, 120, -300);
			push @s, V('str', fmt_ts($u, $zone)), V('str', fmt_ts($u, $zone), 1),
			  V('str', fmt_ts($u + pick(-1000000, 1000, 3600000000), $zone));
			push @s, V('time', $u / 1000) if $u % 1000 == 0;
		}
		push @s, V('str', uc $v) if $v ne uc $v;
	}
	elsif ($t eq 'boolean') { push @s, V('bool', $v eq 'true'), V('str', $v, 1), V('str', $v); }
	elsif ($t eq 'null') { push @s, V('null'), V('str', 'null', 1); }
	return @s;
}

sub random_value
{
	my $r = rand();
	return V('num', dectext(dec(pick(@NUMBERS)))) if $r < 0.25;
	return V('str', pick(@STRINGS), chance(0.5)) if $r < 0.6;
	return V('bool', chance(0.5)) if $r < 0.7;
	return V('null') if $r < 0.75;
	return V('time', pick($AT_MS, $AT_MS - 86400000, 1741185500000, 1420740176213, 0)) if $r < 0.85;
	return V('str', pick('12', '1e2', '-3.5', 'true', 'false', '0.50', '1000'), 1);
}

# Does a value suit a family (and an ordering comparison)?
sub value_ok
{
	my ($v, $fam, $ordered) = @_;
	my $k = $KINDS{$fam};
	return 0 if $ordered && ($v->{t} eq 'null' || $v->{t} eq 'bool');
	return 0 if $v->{loose} && ambiguous_number($v->{v});
	return $k->{loose} ? 1 : 0 if $v->{t} eq 'str' && $v->{loose};
	return $k->{ $v->{t} } ? 1 : 0;
}

# A value to compare key with: mostly one that some item has at the key.
sub gen_value_for
{
	my ($key, $fam, $ordered) = @_;
	my $seen = $VALS_AT{ key_text($key) };
	for (1 .. 30)
	{
		my $v;
		if ($seen && chance(0.75))
		{
			my @s = suggestions(@{ pick(@$seen) });
			next unless @s;
			$v = pick(@s);
		}
		else { $v = random_value(); }
		$v = V('str', $v->{v}, 1) if $v->{t} eq 'str' && $fam eq 'pairs';
		$v = V('str', $v->{v}, 1) if $v->{t} eq 'str' && $fam eq 'tines';
		$v = V('str', $v->{v}, 0) if $v->{t} eq 'str' && ($fam eq 'opmap' || $fam eq 'text');
		return $v if value_ok($v, $fam, $ordered);
	}
	return $fam eq 'pairs' || $fam eq 'tines' ? V('str', 'x', 1) : V('str', 'x');
}

# Some string at a key (or anywhere), for string predicates.
sub string_at
{
	my ($key) = @_;
	my @s = grep { $_->[0] eq 'string' } @{ $VALS_AT{ key_text($key) } // [] };
	return chance(0.8) && @s ? pick(@s)->[1] : pick(@ALL_STRINGS);
}

# A random piece of a string, whole characters.
sub piece
{
	my ($s, $where) = @_;
	my $l = length $s;
	return '' if !$l;
	my $n = 1 + int(rand($l));
	return substr($s, 0, $n) if $where eq 'start';
	return substr($s, $l - $n) if $where eq 'end';
	my $i = int(rand($l - $n + 1));
	return substr($s, $i, $n);
}

sub flip_case
{
	my ($s) = @_;
	return join '', map { chance(0.5) ? uc $_ : lc $_ } split //, $s;
}

# A LIKE pattern that some string at key matches (or nearly).
sub gen_like
{
	my ($key, $flip) = @_;
	my $s = string_at($key);
	my $p = '';
	for my $ch (split //, $s)
	{
		my $r = rand();
		if ($r < 0.12) { $p .= '_'; }
		elsif ($r < 0.2) { $p .= '%'; }
		elsif ($ch eq '%' || $ch eq '_' || $ch eq '\\') { $p .= "\\$ch"; }
		else { $p .= $ch; }
	}
	$p = '%' . $p if chance(0.3);
	$p .= '%' if chance(0.3);
	$p = flip_case($p) if chance($flip);
	return $p;
}

my @REGEXES = ('^ali', 'smith$', '^[A-Z]', '\d+', 'a.b', 'line1.line2', '^line2', 'line1$', "\x{e9}",
	'^$', '(x|y)', 'STRA', 'ss', '^\s', '[[:digit:]]{2}', 'e$', '\.', 'A0155C35', '^.{3}$', '%',
	'^2025-03-0[45]', 'sensor\d+', '\*', 'multi.line', '^multi$', 'line$', '^picz$', '^barcode$', '^s$',
	'^\d+$', '^[^a]*$');

sub gen_regex
{
	my ($key) = @_;
	my $pat;
	if (chance(0.6)) { $pat = pick(@REGEXES); }
	else
	{
		my $s = piece(string_at($key), pick('start', 'end', 'mid'));
		($pat = $s) =~ s/([^A-Za-z0-9\x{80}-\x{10FFFF}])/\\$1/g;
		$pat = '^' . $pat if chance(0.3);
		$pat .= '$' if chance(0.3);
	}
	my $flags = join '', grep { chance(0.35) } qw(i m s);
	return ($pat, $flags);
}

# The ops of each family (repeats weigh).
my %OPS = (
	text => [
		qw(eq eq eq ne ne lt le gt ge in in contains_all regex regex matches exists exists
		  is_true is_false eqnull nenull mod within within age age keykey keykey keykey)
	],
	tines => [qw(eq eq eq ne ne lt le gt ge empty notempty is_true is_false in in notin)],
	opmap => [
		qw(eq eq eq ne iexact lt le gt ge contains icontains startswith endswith in in is_null
		  notnull is_true eqnull)
	],
	pairs => [qw(eq eq eq ne lt le gt ge like ilike in in notin is_null notnull is_true is_false notatom)],
	any => [
		qw(eq ne lt gt in contains_all contains icontains startswith endswith iexact like ilike
		  regex matches exists empty is_null is_true is_false mod within age keykey)
	]);

my @CMPS = qw(eq ne lt le gt ge);

sub gen_atom
{
	my ($fam) = @_;
	my $op = pick(@{ $OPS{$fam} });
	my $key = choose_key();
	if ($op eq 'eq' || $op eq 'ne')
	{
		return { op => $op, key => $key, vals => [ gen_value_for($key, $fam, 0) ] };
	}
	if ($op =~ /^(lt|le|gt|ge)\z/)
	{
		return { op => $op, key => $key, vals => [ gen_value_for($key, $fam, 1) ] };
	}
	if ($op eq 'in' || $op eq 'notin')
	{
		my $n = pick(0, 1, 2, 2, 3, 4);
		$n = 1 if $n == 0 && $fam eq 'opmap' && chance(0.5);
		my $a = { op => 'in', key => $key, vals => [ map { gen_value_for($key, $fam, 0) } 1 .. $n ] };
		return $op eq 'in' ? $a : { op => 'not', args => [$a] };
	}
	if ($op eq 'contains_all')
	{
		my $it = $ITEM[ 1 + int(rand($nitems)) ];
		my @parents = sort keys %{ $it->{kids} // {} };
		if (@parents && chance(0.8))
		{
			my $p = pick(@parents);
			$key = key_segs($p);
			my @vals;
			for (1 .. 1 + int(rand(3)))
			{
				my $child = $it->{leaf}{ pick(@{ $it->{kids}{$p} }) };
				my @s = grep { value_ok($_, $fam, 0) } suggestions(@$child);
				push @vals, @s ? pick(@s) : gen_value_for($key, $fam, 0);
			}
			return { op => $op, key => $key, vals => \@vals };
		}
		return { op => $op, key => $key, vals => [ map { gen_value_for($key, $fam, 0) } 1 .. 1 + int(rand(2)) ] };
	}
	if ($op eq 'contains' || $op eq 'startswith' || $op eq 'endswith')
	{
		my $s = chance(0.1) ? '' : piece(string_at($key), $op eq 'contains' ? 'mid' : $op eq 'startswith' ? 'start' : 'end');
		return { op => $op, key => $key, vals => [ V('str', $s) ] };
	}
	if ($op eq 'icontains' || $op eq 'iexact')
	{
		my $s = string_at($key);
		$s = piece($s, 'mid') if $op eq 'icontains';
		return { op => $op, key => $key, vals => [ V('str', chance(0.7) ? flip_case($s) : $s) ] };
	}
	if ($op eq 'like' || $op eq 'ilike')
	{
		return { op => $op, key => $key, vals => [ V('str', gen_like($key, $op eq 'ilike' ? 0.7 : 0.1), $fam eq 'pairs') ] };
	}
	if ($op eq 'regex' || $op eq 'matches')
	{
		my ($pat, $flags) = gen_regex($key);
		return { op => 'regex', key => $op eq 'matches' ? undef : $key, pattern => $pat, flags => $flags };
	}
	return { op => $op, key => $key } if $op =~ /^(exists|empty|is_null|is_true|is_false)\z/;
	return { op => 'not', args => [ { op => 'empty', key => $key } ] } if $op eq 'notempty';
	return { op => 'not', args => [ { op => 'is_null', key => $key } ] } if $op eq 'notnull';
	return { op => 'eq', key => $key, vals => [ V('null') ] } if $op eq 'eqnull';
	return { op => 'ne', key => $key, vals => [ V('null') ] } if $op eq 'nenull';
	return { op => 'not', args => [ gen_atom($fam) ] } if $op eq 'notatom';
	if ($op eq 'mod')
	{
		$key = key_segs(pick(@NUM_KEYS)) if @NUM_KEYS && chance(0.8);
		return {
			op => 'mod', key => $key, cmp => pick('eq', 'ne'),
			vals => [ V('num', pick('2', '3', '-2', '0.5', '1.5', '10', '7')), V('num', pick('0', '1', '-1', '0.5', '2')) ]
		};
	}
	if ($op eq 'within')
	{
		$key = key_segs(pick(@GEO_KEYS)) if @GEO_KEYS && chance(0.85);
		my $c = pick(@CITIES);
		my $lat = sprintf('%.4f', $c->[0] + (rand() - 0.5) * 1.5);
		my $lon = sprintf('%.4f', $c->[1] + (rand() - 0.5) * 1.5);
		$lat = '90' if $lat > 90;
		$lon = '180' if $lon > 180;
		$lon = '-180' if $lon < -180;
		my $unit = pick('km', 'miles');
		my $dist = pick('0', '1', '10', '25', '50', '100', '1000', '20000');
		# mostly a distance on either side of some item's point, well away from it
		my $kt = key_text($key);
		my @near = grep { my $l = $ITEM[$_]{leaf}; $l->{"$kt.lat"} || $l->{"$kt.1"} } 1 .. $nitems;
		if (@near && chance(0.8))
		{
			my $l = $ITEM[ pick(@near) ]{leaf};
			my $p = $l->{"$kt.lat"} ? [ $l->{"$kt.lat"}[1], ($l->{"$kt.lon"} // $l->{"$kt.lng"} // [ 0, 0 ])->[1] ]
			  : [ $l->{"$kt.1"}[1], ($l->{"$kt.2"} // [ 0, 0 ])->[1] ];
			if ($p->[0] =~ /^-?[\d.]+\z/ && $p->[1] =~ /^-?[\d.]+\z/)
			{
				my $d = haversine_km($p->[0], $p->[1], $lat, $lon) / ($unit eq 'miles' ? $MILE_KM : 1);
				$dist = sprintf('%.3f', $d * pick(0.5, 0.8, 1.25, 2)) if $d > 0.01;
			}
		}
		return { op => 'within', key => $key, unit => $unit, vals => [ V('num', $dist), V('num', $lat), V('num', $lon) ] };
	}
	if ($op eq 'age')
	{
		my $k = chance(0.4) ? undef : chance(0.7) && @TIME_KEYS ? key_segs(pick(@TIME_KEYS)) : $key;
		my $ms = pick(0, 1000, 3600000, 86400000, 172800000, 31536000000, -3600000);
		if (chance(0.3))
		{
			# the exact age of some item's time
			my $it = $ITEM[ 1 + int(rand($nitems)) ];
			my $then = item_time($it, $k);
			$ms = $AT_MS - $then if defined $then && $then == int($then);
		}
		return { op => 'age', key => $k, cmp => pick(@CMPS), vals => [ V('num', $ms . '') ] };
	}
	if ($op eq 'keykey')
	{
		my $it = $ITEM[ 1 + int(rand($nitems)) ];
		my @ks = sort keys %{ $it->{leaf} };
		if (@ks >= 2 && chance(0.85))
		{
			my $k1 = pick(@ks);
			my $k2 = chance(0.2) ? $k1 : pick(@ks);
			if (chance(0.3))
			{
				# two keys of the same value, if the item has them
				my %by;
				push @{ $by{ join "\0", @{ $it->{leaf}{$_} } } }, $_ for @ks;
				my @same = grep { @$_ > 1 } map { $by{$_} } sort keys %by;
				if (@same)
				{
					($k1, $k2) = @{ pick(@same) }[ 0, 1 ];
					return { op => pick('eq', 'eq', 'ne', 'le', 'ge'), key => key_segs($k1), key2 => key_segs($k2) };
				}
			}
			return { op => pick(@CMPS), key => key_segs($k1), key2 => key_segs($k2) };
		}
		return { op => pick(@CMPS), key => $key, key2 => choose_key() };
	}
	die "unknown op $op";
}

sub gen_tree
{
	my ($fam, $depth) = @_;
	my $r = rand();
	return gen_atom($fam) if $depth >= 3 || $r < 0.5 - 0.1 * $depth;
	return { op => 'not', args => [ gen_tree($fam, $depth + 1) ] } if $r < 0.58;
	return { op => $r < 0.8 ? 'and' : 'or', args => [ map { gen_tree($fam, $depth + 1) } 1 .. 2 + int(rand(2)) ] };
}

my @FAMILIES = (('text') x 30, ('tines') x 17, ('opmap') x 17, ('pairs') x 22, ('any') x 14);

sub gen_filter
{
	my $fam = pick(@FAMILIES);
	return ($fam, { op => 'true' }) if chance(0.01);
	if ($fam eq 'tines' || $fam eq 'opmap')
	{
		my @a = map { gen_atom($fam) } 1 .. pick(1, 1, 2, 2, 3);
		return ($fam, @a == 1 ? $a[0] : { op => 'and', args => \@a });
	}
	return ($fam, gen_tree($fam, 0));
}

# ---------------------------------------------------------------------
# The oracle: the model evaluated on a flat record.  1, 0, or undef when the
# answer is too close to a boundary to be told (WITHIN, AGE on fractions).
# ---------------------------------------------------------------------

my %RE;    # "kind\0pattern\0flags" -> {string -> 1} for strings that match

sub re_key { return join("\0", @_); }

# What a flat key names: ['missing'], ['leaf', type, text] or ['subtree'].
sub lookup
{
	my ($it, $k) = @_;
	my $l = $it->{leaf}{$k};
	return [ 'leaf', @$l ] if $l;
	return ['subtree'] if $it->{sub}{$k};
	return ['missing'];
}

sub is_scalar_leaf
{
	my ($n) = @_;
	return $n->[0] eq 'leaf' && $n->[1] ne 'object' && $n->[1] ne 'array';
}

# Strings compare as instants when both are timestamps, else bytewise
# (code points, which is the order of UTF-8 bytes).
sub string_cmp
{
	my ($a, $b) = @_;
	my ($ua, $ub) = (ts_usec($a), ts_usec($b));
	return $ua <=> $ub if defined $ua && defined $ub;
	return $a cmp $b;
}

# Compare a scalar leaf with a literal: undef when not comparable.
sub leaf_cmp
{
	my ($n, $v, $ordered) = @_;
	my ($t, $x) = ($n->[1], $n->[2]);
	return undef if $t eq 'null';
	if ($v->{t} eq 'bool')
	{
		return undef if $ordered || $t ne 'boolean';
		return ($x eq 'true') == $v->{v} ? 0 : 1;
	}
	if ($v->{t} eq 'num')
	{
		return $t eq 'number' ? deccmp($x, $v->{v}) : undef;
	}
	if ($v->{t} eq 'time')
	{
		return deccmp($x, $v->{v}) if $t eq 'number';
		if ($t eq 'string')
		{
			my $u = ts_usec($x);
			return defined $u ? $u <=> $v->{v} * 1000 : undef;
		}
		return undef;
	}
	if ($v->{t} eq 'str')
	{
		return string_cmp($x, $v->{v}) if $t eq 'string';
		return undef unless $v->{loose};
		return deccmp($x, $v->{v}) if $t eq 'number' && reads_as_number($v->{v});
		if ($t eq 'boolean' && !$ordered && ($v->{v} eq 'true' || $v->{v} eq 'false'))
		{
			return $x eq $v->{v} ? 0 : 1;
		}
		return undef;
	}
	return undef;
}

sub value_equal
{
	my ($n, $v) = @_;
	return $n->[0] eq 'missing' || ($n->[0] eq 'leaf' && $n->[1] eq 'null') ? 1 : 0 if $v->{t} eq 'null';
	return 0 unless is_scalar_leaf($n);
	my $c = leaf_cmp($n, $v, 0);
	return defined $c && $c == 0 ? 1 : 0;
}

sub holds
{
	my ($op, $c) = @_;
	return $c == 0 if $op eq 'eq';
	return $c != 0 if $op eq 'ne';
	return $c < 0 if $op eq 'lt';
	return $c <= 0 if $op eq 'le';
	return $c > 0 if $op eq 'gt';
	return $c >= 0 if $op eq 'ge';
	die "bad cmp $op";
}

# Two leaves of the same kind (key op key2).
sub leaves_cmp
{
	my ($a, $b, $ordered) = @_;
	return undef unless is_scalar_leaf($a) && is_scalar_leaf($b) && $a->[1] eq $b->[1];
	return $ordered ? undef : 0 if $a->[1] eq 'null';
	return $ordered ? undef : ($a->[2] eq $b->[2] ? 0 : 1) if $a->[1] eq 'boolean';
	return deccmp($a->[2], $b->[2]) if $a->[1] eq 'number';
	return string_cmp($a->[2], $b->[2]);
}

# Great-circle distance on the mean Earth sphere, in km.
sub haversine_km
{
	my ($lat1, $lon1, $lat2, $lon2) = @_;
	my $rad = 3.14159265358979323846 / 180;
	my ($p1, $p2) = ($lat1 * $rad, $lat2 * $rad);
	my $dl = ($lon1 - $lon2) * $rad;
	my $h = sin(($p1 - $p2) / 2)**2 + cos($p1) * cos($p2) * sin($dl / 2)**2;
	return 2 * $EARTH_KM * atan2(sqrt(min(1, $h)), sqrt(max(0, 1 - $h)));
}

sub number_child
{
	my ($it, $k, $seg) = @_;
	my $l = $it->{leaf}{ $k . '.' . $seg };
	return $l && $l->[0] eq 'number' ? $l->[1] + 0 : undef;
}

# The time of an item for AGE, in ms: key's number (epoch ms) or ISO string,
# or the creation time: creationDate (epoch ms), else created_at (ISO).
sub item_time
{
	my ($it, $key) = @_;
	if ($key)
	{
		my $l = $it->{leaf}{ key_text($key) } or return undef;
		return $l->[1] + 0 if $l->[0] eq 'number';
		return $l->[0] eq 'string' && defined ts_usec($l->[1]) ? ts_usec($l->[1]) / 1000 : undef;
	}
	my $c = $it->{leaf}{creationDate};
	return $c->[1] + 0 if $c && $c->[0] eq 'number';
	my $a = $it->{leaf}{created_at};
	return $a && $a->[0] eq 'string' && defined ts_usec($a->[1]) ? ts_usec($a->[1]) / 1000 : undef;
}

sub ev_atom
{
	my ($n, $it) = @_;
	my $op = $n->{op};
	return 1 if $op eq 'true';
	if ($op eq 'age')
	{
		my $then = item_time($it, $n->{key});
		return 0 unless defined $then;
		my $age = $AT_MS - $then;
		return undef if $then != int($then) && abs($age - $n->{vals}[0]{v}) < 1;
		return holds($n->{cmp}, $age <=> $n->{vals}[0]{v}) ? 1 : 0;
	}
	if ($op eq 'regex' && !$n->{key})
	{
		my $m = $RE{ re_key('regex', $n->{pattern}, $n->{flags}) };
		for my $l (values %{ $it->{leaf} })
		{
			return 1 if $l->[0] eq 'string' && $m->{ $l->[1] };
		}
		return 0;
	}
	my $k = $n->{ktext} //= key_text($n->{key});
	my $node = lookup($it, $k);
	if ($n->{key2})
	{
		my $other = lookup($it, $n->{k2text} //= key_text($n->{key2}));
		my $c = leaves_cmp($node, $other, $op ne 'eq' && $op ne 'ne');
		my $r = defined $c && holds($op eq 'ne' ? 'eq' : $op, $c) ? 1 : 0;
		return $op eq 'ne' ? 1 - $r : $r;
	}
	if ($op eq 'eq' || $op eq 'ne')
	{
		my $r = value_equal($node, $n->{vals}[0]);
		return $op eq 'ne' ? 1 - $r : $r;
	}
	if ($op =~ /^(lt|le|gt|ge)\z/)
	{
		return 0 unless is_scalar_leaf($node);
		my $c = leaf_cmp($node, $n->{vals}[0], 1);
		return defined $c && holds($op, $c) ? 1 : 0;
	}
	if ($op eq 'in')
	{
		for my $v (@{ $n->{vals} }) { return 1 if value_equal($node, $v); }
		return 0;
	}
	if ($op eq 'contains_all')
	{
		return 0 unless $node->[0] eq 'subtree';
		my @kids = map { lookup($it, $_) } @{ $it->{kids}{$k} // [] };
		for my $v (@{ $n->{vals} })
		{
			return 0 unless grep { value_equal($_, $v) } @kids;
		}
		return 1;
	}
	if ($op =~ /^(contains|startswith|endswith|icontains|iexact|like|ilike|regex)\z/)
	{
		return 0 unless $node->[0] eq 'leaf' && $node->[1] eq 'string';
		my $s = $node->[2];
		my $v = $op eq 'regex' ? undef : $n->{vals}[0]{v};
		return index($s, $v) >= 0 ? 1 : 0 if $op eq 'contains';
		return substr($s, 0, length $v) eq $v ? 1 : 0 if $op eq 'startswith';
		return length($s) >= length($v) && substr($s, length($s) - length($v)) eq $v ? 1 : 0
		  if $op eq 'endswith';
		my $m = $RE{ $op eq 'regex' ? re_key('regex', $n->{pattern}, $n->{flags}) : re_key($op, $v, '') };
		return $m->{$s} ? 1 : 0;
	}
	return $node->[0] ne 'missing' ? 1 : 0 if $op eq 'exists';
	if ($op eq 'empty')
	{
		return 1 if $node->[0] eq 'missing';
		return 0 unless $node->[0] eq 'leaf';
		return $node->[1] =~ /^(null|object|array)\z/ || ($node->[1] eq 'string' && $node->[2] eq '') ? 1 : 0;
	}
	return $node->[0] eq 'missing' || ($node->[0] eq 'leaf' && $node->[1] eq 'null') ? 1 : 0 if $op eq 'is_null';
	if ($op eq 'is_true' || $op eq 'is_false')
	{
		return $node->[0] eq 'leaf' && $node->[1] eq 'boolean' && $node->[2] eq ($op eq 'is_true' ? 'true' : 'false') ? 1 : 0;
	}
	if ($op eq 'mod')
	{
		return 0 unless $node->[0] eq 'leaf' && $node->[1] eq 'number';
		my $r = decmod($node->[2], $n->{vals}[0]{v});
		return holds($n->{cmp}, deccmp($r, $n->{vals}[1]{v})) ? 1 : 0;
	}
	if ($op eq 'within')
	{
		return 0 unless $node->[0] eq 'subtree';
		my ($lat, $lon) = (number_child($it, $k, 'lat'), number_child($it, $k, 'lon') // number_child($it, $k, 'lng'));
		($lat, $lon) = (number_child($it, $k, '1'), number_child($it, $k, '2'))
		  unless defined $lat && defined $lon;
		return 0 unless defined $lat && defined $lon;
		my $d = haversine_km($lat, $lon, $n->{vals}[1]{v}, $n->{vals}[2]{v});
		my $limit = $n->{vals}[0]{v} * ($n->{unit} eq 'miles' ? $MILE_KM : 1);
		return undef if abs($d - $limit) <= 1e-6 * max($limit, 1);
		return $d <= $limit ? 1 : 0;
	}
	die "oracle: unknown op $op";
}

sub ev
{
	my ($n, $it) = @_;
	my $op = $n->{op};
	if ($op eq 'and' || $op eq 'or')
	{
		my $stop = $op eq 'and' ? 0 : 1;
		my $r = 1 - $stop;
		for my $a (@{ $n->{args} })
		{
			my $x = ev($a, $it);
			return $stop if defined $x && $x == $stop;
			$r = undef unless defined $x;
		}
		return $r;
	}
	if ($op eq 'not')
	{
		my $x = ev($n->{args}[0], $it);
		return defined $x ? 1 - $x : undef;
	}
	return ev_atom($n, $it);
}

# ---------------------------------------------------------------------
# Dialects.  Each renderer returns the filter's text, or undef when the
# dialect cannot express it.
# ---------------------------------------------------------------------

# A typed number, sometimes with an exponent.
sub num_text
{
	my ($v) = @_;
	return $v unless chance(0.2);
	my ($sg, $d, $e) = @{ dec($v) };
	return chance(0.5) ? '0e3' : '0.0' if !$sg;
	my $m = substr($d, 0, 1) . (length($d) > 1 ? '.' . substr($d, 1) : '');
	my $x = $e + length($d) - 1;
	return ($sg < 0 ? '-' : '') . $m . pick('e', 'E') . ($x >= 0 ? pick('', '+') : '') . $x;
}

# --- the flowthings text language ---

my %KEYWORDS = map { $_ => 1 }
  qw(and or not exists matches age in contains within of miles mile mi km kilometers true false null date);

sub t_string
{
	my ($s) = @_;
	my $q = chance(0.7) ? '"' : "'";
	my $out = $q;
	for my $ch (split //, $s)
	{
		my $o = ord $ch;
		if ($ch eq $q || $ch eq '\\') { $out .= "\\$ch"; }
		elsif ($ch eq "\n") { $out .= '\n'; }
		elsif ($ch eq "\t") { $out .= '\t'; }
		elsif ($o < 0x20) { $out .= sprintf('\\u%04x', $o); }
		elsif ($ch eq '/' && chance(0.3)) { $out .= '\\/'; }
		elsif ($o > 0x7f && chance(0.3))
		{
			if ($o > 0xffff)
			{
				my $v = $o - 0x10000;
				$out .= sprintf('\\u%04X\\u%04x', 0xd800 + ($v >> 10), 0xdc00 + ($v & 0x3ff));
			}
			else { $out .= sprintf('\\u%04x', $o); }
		}
		else { $out .= $ch; }
	}
	return $out . $q;
}

sub t_member
{
	my ($segs, $right) = @_;
	my @out;
	for my $i (0 .. $#$segs)
	{
		my $s = $segs->[$i];
		return undef if $s eq '';
		my $plain = ($s =~ /^[A-Za-z_\$][A-Za-z0-9_\$-]*\z/ && !($i == 0 && $KEYWORDS{ lc $s }))
		  || ($s =~ /^[0-9]+\z/ && !($i == 0 && $right));
		if ($plain && chance(0.9)) { push @out, $s; }
		else { (my $b = $s) =~ s/`/``/g; push @out, "`$b`"; }
	}
	return join('.', @out);
}

sub t_value
{
	my ($v) = @_;
	return pick('null', 'NULL', 'Null') if $v->{t} eq 'null';
	return ($v->{v} ? pick('true', 'TRUE') : pick('false', 'False')) if $v->{t} eq 'bool';
	return num_text($v->{v}) if $v->{t} eq 'num';
	return pick('Date', 'date', 'DATE') . "($v->{v})" if $v->{t} eq 'time';
	return undef if $v->{loose};
	return t_string($v->{v});
}

# The regex literal: "/" written "\/".
sub t_regex
{
	my ($pat, $flags) = @_;
	my $out = '';
	my @ch = split //, $pat;
	for (my $i = 0; $i < @ch; $i++)
	{
		if ($ch[$i] eq '\\' && $i + 1 < @ch) { $out .= '\\' . $ch[ ++$i ]; }
		elsif ($ch[$i] eq '/') { $out .= '\\/'; }
		else { $out .= $ch[$i]; }
	}
	$flags .= 'g' if chance(0.2);
	return "/$out/" . join('', shuffled(split //, $flags));
}

my %T_CMP = (eq => '==', ne => '!=', lt => '<', le => '<=', gt => '>', ge => '>=');

sub sp { return chance(0.7) ? ' ' : ''; }

sub t_atom
{
	my ($n) = @_;
	my $op = $n->{op};
	return '' if $op eq 'true';
	if ($op eq 'regex' && !$n->{key}) { return pick('MATCHES', 'matches') . ' ' . t_regex($n->{pattern}, $n->{flags}); }
	if ($op eq 'age')
	{
		my $k = '';
		if ($n->{key}) { $k = ' (' . t_string(key_text($n->{key})) . ')'; }
		return pick('AGE', 'age') . $k . ' ' . $T_CMP{ $n->{cmp} } . ' ' . $n->{vals}[0]{v};
	}
	my $m = t_member($n->{key}) // return undef;
	if ($n->{key2})
	{
		my $m2 = t_member($n->{key2}, 1) // return undef;
		return $m . sp() . $T_CMP{$op} . sp() . $m2;
	}
	if ($T_CMP{$op})
	{
		my $v = t_value($n->{vals}[0]) // return undef;
		return $m . sp() . $T_CMP{$op} . sp() . $v;
	}
	if ($op eq 'in' || $op eq 'contains_all')
	{
		return undef if $op eq 'contains_all' && !@{ $n->{vals} };
		my @v = map { t_value($_) } @{ $n->{vals} };
		return undef if grep { !defined } @v;
		return $m . ' ' . ($op eq 'in' ? pick('IN', 'in') : pick('CONTAINS', 'contains')) . ' [' . join(', ', @v) . ']';
	}
	return $m . sp() . '=~' . sp() . t_regex($n->{pattern}, $n->{flags}) if $op eq 'regex';
	return pick('EXISTS', 'exists') . ' ' . $m if $op eq 'exists';
	return "$m == " . pick('true', 'TRUE') if $op eq 'is_true';
	return "$m == false" if $op eq 'is_false';
	return "$m == null" if $op eq 'is_null';
	if ($op eq 'mod')
	{
		return $m . sp() . '%' . sp() . num_text($n->{vals}[0]{v}) . ' ' . $T_CMP{ $n->{cmp} } . ' ' . num_text($n->{vals}[1]{v});
	}
	if ($op eq 'within')
	{
		my $unit = $n->{unit} eq 'km' ? pick('KM', 'km', 'KILOMETERS') : pick('MILES', 'MILE', 'MI', 'miles');
		return "$m WITHIN $n->{vals}[0]{v} $unit OF [$n->{vals}[1]{v}," . sp() . "$n->{vals}[2]{v}]";
	}
	return undef;
}

sub r_text
{
	my ($n, $inner) = @_;
	my $op = $n->{op};
	if ($op eq 'and' || $op eq 'or')
	{
		my @a = map { r_text($_, 1) } @{ $n->{args} };
		return undef if grep { !defined } @a;
		my $j = $op eq 'and' ? pick(' && ', ' AND ', '&&', ' and ') : pick(' || ', ' OR ', '||', ' or ');
		return join($j, map { "($_)" } @a);
	}
	if ($op eq 'not')
	{
		my $a = r_text($n->{args}[0], 1) // return undef;
		return pick('NOT ', 'not ') . "($a)";
	}
	my $a = t_atom($n);
	return undef if !defined $a || ($inner && $a eq '');
	return $a;
}

# --- the normalized form ---

sub c_value
{
	my ($v) = @_;
	return 'null' if $v->{t} eq 'null';
	return $v->{v} ? 'true' : 'false' if $v->{t} eq 'bool';
	return num_text($v->{v}) if $v->{t} eq 'num';
	return qq({"date": $v->{v}}) if $v->{t} eq 'time';
	return $v->{loose} ? '{"text": ' . jstr($v->{v}) . '}' : jstr($v->{v});
}

sub r_canon
{
	my ($n) = @_;
	my $op = $n->{op};
	return '{"op": ' . jstr($op) . ', "args": [' . join(', ', map { r_canon($_) } @{ $n->{args} }) . ']}'
	  if $op eq 'and' || $op eq 'or' || $op eq 'not';
	return '{"op": "true"}' if $op eq 'true';
	my @m = ('"op": ' . jstr($op));
	push @m, '"key": ' . jstr(key_text($n->{key})) if $n->{key};
	push @m, '"key2": ' . jstr(key_text($n->{key2})) if $n->{key2};
	push @m, '"cmp": ' . jstr($n->{cmp}) if $n->{cmp};
	push @m, '"unit": ' . jstr($n->{unit}) if $n->{unit};
	push @m, '"pattern": ' . jstr($n->{pattern}), '"flags": ' . jstr($n->{flags}) if $op eq 'regex';
	if ($op =~ /^(in|contains_all|mod|within)\z/)
	{
		push @m, '"values": [' . join(', ', map { c_value($_) } @{ $n->{vals} }) . ']';
	}
	elsif ($n->{vals}) { push @m, '"value": ' . c_value($n->{vals}[0]); }
	return '{' . join(', ', shuffled(@m)) . '}';
}

# --- Tines ---

my %TINES = (eq => 'EQUAL', ne => 'NOT_EQUAL', gt => 'GREATER_THAN', ge => 'GREATER_THAN_OR_EQUAL_TO',
	lt => 'LESS_THAN', le => 'LESS_THAN_OR_EQUAL_TO');

sub tines_value
{
	my ($v, $ordered) = @_;
	return undef if $v->{t} eq 'null' || $v->{t} eq 'time' || ($v->{t} eq 'str' && !$v->{loose});
	return undef if $ordered && $v->{t} eq 'bool';
	return $v->{v} ? 'true' : 'false' if $v->{t} eq 'bool';
	return num_text($v->{v}) if $v->{t} eq 'num';
	return jstr($v->{v});
}

sub tines_cond
{
	my ($n) = @_;
	my ($neg, $op) = (0, $n->{op});
	if ($op eq 'not') { ($neg, $n, $op) = (1, $n->{args}[0], $n->{args}[0]{op}); }
	return undef if $n->{key2} || !$n->{key};
	my $kt = key_text($n->{key});
	return undef if $kt eq '';
	my $field = $kt =~ /^(?:0|-?[1-9]\d{0,8})\z/ && chance(0.5) ? $kt : jstr($kt);
	my ($name, $value);
	if (!$neg && $TINES{$op})
	{
		$name = $TINES{$op};
		$value = tines_value($n->{vals}[0], $op ne 'eq' && $op ne 'ne') // return undef;
	}
	elsif ($op eq 'empty') { $name = $neg ? 'IS_NOT_EMPTY' : 'IS_EMPTY'; }
	elsif (!$neg && ($op eq 'is_true' || $op eq 'is_false')) { $name = uc $op; }
	elsif ($op eq 'in')
	{
		$name = $neg ? 'IS_NONE_OF' : 'IS_ANY_OF';
		my @v = map { tines_value($_, 0) } @{ $n->{vals} };
		return undef if grep { !defined } @v;
		$value = '[' . join(', ', @v) . ']';
	}
	else { return undef; }
	my @m = ('"field_id": ' . $field, '"operator": "' . $name . '"');
	push @m, '"value": ' . $value if defined $value;
	push @m, '"value": null' if !defined $value && chance(0.3);
	return '{' . join(', ', shuffled(@m)) . '}';
}

sub r_tines
{
	my ($n) = @_;
	return '[]' if $n->{op} eq 'true';
	my @c = $n->{op} eq 'and' ? @{ $n->{args} } : ($n);
	my @t = map { tines_cond($_) } @c;
	return undef if grep { !defined } @t;
	return '[' . join(', ', @t) . ']';
}

# --- operator maps ---

sub opmap_key
{
	my ($segs) = @_;
	my @s;
	for my $seg (@$segs)
	{
		my $e = esc_seg($seg);
		$e =~ s/_/\\_/g if $seg =~ /__|^_|_\z/;
		push @s, $e;
	}
	return undef if !@s || (@s == 1 && $s[0] eq '');
	my $out = $s[0];
	$out .= (chance(0.5) ? '__' : '.') . $s[$_] for 1 .. $#s;
	return $out;
}

my %OPMAP = (eq => '', ne => 'not', lt => 'lt', le => 'lte', gt => 'gt', ge => 'gte', iexact => 'iexact',
	contains => 'contains', icontains => 'icontains', startswith => 'startswith', endswith => 'endswith',
	in => 'in');

sub opmap_value
{
	my ($v) = @_;
	return undef if $v->{t} eq 'time' || ($v->{t} eq 'str' && $v->{loose});
	return 'null' if $v->{t} eq 'null';
	return $v->{v} ? 'true' : 'false' if $v->{t} eq 'bool';
	return num_text($v->{v}) if $v->{t} eq 'num';
	return jstr($v->{v});
}

sub opmap_cond
{
	my ($n) = @_;
	my ($neg, $op) = (0, $n->{op});
	if ($op eq 'not') { ($neg, $n, $op) = (1, $n->{args}[0], $n->{args}[0]{op}); }
	return undef if $n->{key2} || !$n->{key};
	my ($name, $value);
	if ($op eq 'is_null') { ($name, $value) = ('isnull', $neg ? 'false' : 'true'); }
	elsif ($neg) { return undef; }
	elsif ($op eq 'is_true' || $op eq 'is_false') { ($name, $value) = ('', $op eq 'is_true' ? 'true' : 'false'); }
	elsif (defined $OPMAP{$op})
	{
		$name = $OPMAP{$op};
		my @v = map { opmap_value($_) } @{ $n->{vals} };
		return undef if grep { !defined } @v;
		$value = $op eq 'in' && (@v != 1 || chance(0.5)) ? '[' . join(', ', @v) . ']'
		  : chance(0.2) ? "[$v[0]]" : $v[0];
	}
	else { return undef; }
	my @m = ('"value": ' . $value);
	push @m, '"operator": "' . $name . '"' if $name ne '' || chance(0.5);
	return [ $n->{key}, '{' . join(', ', shuffled(@m)) . '}' ];
}

sub r_opmap
{
	my ($n) = @_;
	return '{}' if $n->{op} eq 'true';
	my @c = $n->{op} eq 'and' ? @{ $n->{args} } : ($n);
	my (%used, @out);
	for my $c (@c)
	{
		my $r = opmap_cond($c) // return undef;
		my $k;
		for (1 .. 10)
		{
			$k = opmap_key($r->[0]) // return undef;
			last unless $used{$k};
		}
		return undef if $used{$k}++;
		push @out, jstr($k) . ': ' . $r->[1];
	}
	return '{' . join(', ', @out) . '}';
}

# --- PostgREST pairs ---

my %PAIR = (eq => 'eq', ne => 'neq', lt => 'lt', le => 'lte', gt => 'gt', ge => 'gte', like => 'like', ilike => 'ilike');
my %PAIR_WORDS = map { $_ => 1 } qw(eq neq gt gte lt lte like ilike in is not or and);

sub p_quote { my ($s) = @_; $s =~ s/(["\\])/\\$1/g; return "\"$s\""; }

# A value inside a tree or a list: quoted unless plain.
sub p_tree_value
{
	my ($s) = @_;
	return $s if $s =~ /^[A-Za-z0-9_.:+-]+\z/ && chance(0.6);
	return p_quote($s);
}

# A LIKE pattern as pairs write it ("*" for "%"), or undef (a literal "*").
sub p_like
{
	my ($p) = @_;
	return undef if $p =~ /\*/;
	$p =~ s/%/chance(0.6) ? '*' : '%'/ge;
	return $p;
}

# op.value of an atom; mode "tree" (value quoting), "top" (ends at &), "all".
sub p_opval
{
	my ($n, $mode) = @_;
	my $op = $n->{op};
	return undef if $n->{key2} || !$n->{key};
	if ($op eq 'is_null' || ($op eq 'eq' && $n->{vals}[0]{t} eq 'null'))
	{
		return 'is.' . pick('null', 'null', 'unknown', 'NULL');
	}
	return 'is.' . pick('true', 'TRUE') if $op eq 'is_true';
	return 'is.false' if $op eq 'is_false';
	if ($PAIR{$op})
	{
		my $v = $n->{vals}[0];
		return undef unless $v->{t} eq 'str' && $v->{loose};
		my $s = $v->{v};
		$s = p_like($s) // return undef if $op eq 'like' || $op eq 'ilike';
		return undef if $mode eq 'top' && $s =~ /&/;
		return "$PAIR{$op}." . ($mode eq 'tree' ? p_tree_value($s) : $s);
	}
	if ($op eq 'in')
	{
		my @v;
		for my $v (@{ $n->{vals} })
		{
			return undef unless $v->{t} eq 'str' && $v->{loose};
			return undef if $mode eq 'top' && $v->{v} =~ /&/;
			push @v, $v->{v} eq '' ? '""' : p_tree_value($v->{v});
		}
		return 'in.(' . join(',', @v) . ')';
	}
	return undef;
}

# [not.]op.value of an atom or a negated atom.
sub p_negopval
{
	my ($n, $mode) = @_;
	if ($n->{op} eq 'not')
	{
		my $a = $n->{args}[0];
		return 'is.not_null' if $a->{op} eq 'is_null' && chance(0.6);
		return undef if $a->{op} eq 'not' || $a->{op} eq 'and' || $a->{op} eq 'or';
		my $ov = p_opval($a, $mode) // return undef;
		return "not.$ov";
	}
	return p_opval($n, $mode);
}

sub p_tree_key
{
	my ($segs) = @_;
	my $kt = key_text($segs);
	if ((grep { !/^[A-Za-z0-9_\$-]+\z/ || $PAIR_WORDS{$_} } @$segs) == 0 && chance(0.5))
	{
		return $kt;
	}
	return p_quote($kt);
}

sub p_cond
{
	my ($n) = @_;
	my $op = $n->{op};
	if ($op eq 'and' || $op eq 'or')
	{
		my @c = map { p_cond($_) } @{ $n->{args} };
		return undef if grep { !defined } @c;
		return "$op(" . join(',' . (chance(0.2) ? ' ' : ''), @c) . ')';
	}
	if ($op eq 'not')
	{
		my $a = $n->{args}[0];
		if (($a->{op} eq 'and' || $a->{op} eq 'or') && chance(0.7))
		{
			my $c = p_cond($a) // return undef;
			return "not.$c";
		}
		if ($a->{op} ne 'not' && $a->{op} ne 'and' && $a->{op} ne 'or' && $a->{key} && chance(0.6))
		{
			my $ov = p_opval($a, 'tree') // return undef;
			return chance(0.5) ? 'not.' . p_tree_key($a->{key}) . ".$ov" : p_tree_key($a->{key}) . ".not.$ov";
		}
		my $c = p_cond($a) // return undef;
		return "not.and($c)";
	}
	return undef if $op eq 'true';
	my $ov = p_opval($n, 'tree') // return undef;
	return p_tree_key($n->{key}) . ".$ov";
}

# A pair of the top level, key=[not.]op.value, or undef.
sub p_top_pair
{
	my ($n, $first) = @_;
	my $a = $n->{op} eq 'not' ? $n->{args}[0] : $n;
	return undef if !$a->{key} || $a->{key2};
	my $kt = key_text($a->{key});
	return undef if $kt eq '' || $kt =~ /[=&]/ || $kt =~ /^(?:not\.)?(?:or|and)\z/;
	return undef if $first && $kt =~ /[\s"'`()!<>~|]/;
	my $ov = p_negopval($n, 'top') // return undef;
	return "$kt=$ov";
}

sub p_logic_pair
{
	my ($n) = @_;
	my $op = $n->{op};
	if ($op eq 'or' || $op eq 'and')
	{
		my $c = p_cond($n) // return undef;
		return $c =~ s/^(or|and)\(/$1=(/r;
	}
	if ($op eq 'not' && ($n->{args}[0]{op} eq 'or' || $n->{args}[0]{op} eq 'and'))
	{
		my $c = p_cond($n->{args}[0]) // return undef;
		return 'not.' . ($c =~ s/^(or|and)\(/$1=(/r);
	}
	my $c = p_cond($n) // return undef;
	return chance(0.5) ? "and=($c)" : "not.and=(not.and($c))";
}

sub r_pairs_text
{
	my ($n) = @_;
	return undef if $n->{op} eq 'true';
	my @c = $n->{op} eq 'and' && chance(0.8) ? @{ $n->{args} } : ($n);
	my @out;
	for my $c (@c)
	{
		my $p = chance(0.75) ? p_top_pair($c, !@out) : undef;
		$p //= p_logic_pair($c) // return undef;
		push @out, $p;
	}
	return join('&', @out);
}

sub r_pairs_object
{
	my ($n) = @_;
	return undef if $n->{op} eq 'true';
	my @c = $n->{op} eq 'and' ? @{ $n->{args} } : ($n);
	my (%used, @out, @rest);
	for my $c (@c)
	{
		my $a = $c->{op} eq 'not' ? $c->{args}[0] : $c;
		my $kt = $a->{key} && !$a->{key2} ? key_text($a->{key}) : undef;
		my $ov = defined $kt && $kt ne '' && $kt !~ /^(?:not\.)?(?:or|and)\z/ && !$used{$kt}
		  && chance(0.75) ? p_negopval($c, 'all') : undef;
		if (defined $ov) { $used{$kt} = 1; push @out, jstr($kt) . ': ' . jstr($ov); }
		else { push @rest, $c; }
	}
	if (@rest == 1 && $rest[0]{op} eq 'or')
	{
		my $t = p_cond($rest[0]) // return undef;
		push @out, '"or": ' . jstr(substr($t, 2));
	}
	elsif (@rest == 1 && $rest[0]{op} eq 'not' && $rest[0]{args}[0]{op} =~ /^(or|and)\z/)
	{
		my $t = p_cond($rest[0]{args}[0]) // return undef;
		my $w = $rest[0]{args}[0]{op};
		push @out, jstr("not.$w") . ': ' . jstr(substr($t, length $w));
	}
	elsif (@rest)
	{
		my @t = map { p_cond($_) } @rest;
		return undef if grep { !defined } @t;
		push @out, '"and": ' . jstr('(' . join(',', @t) . ')');
	}
	return '{' . join(', ', @out) . '}';
}

# ---------------------------------------------------------------------
# Generate the filters and their renderings
# ---------------------------------------------------------------------

my (@FILTERS, @RENDER);    # RENDER: [rid, fid, dialect, transport, text, needs_time]

sub needs_time
{
	my ($n) = @_;
	return 1 if $n->{op} eq 'age';
	return scalar grep { needs_time($_) } @{ $n->{args} // [] };
}

sub atoms_of
{
	my ($n) = @_;
	return $n->{op} =~ /^(and|or|not)\z/ ? map { atoms_of($_) } @{ $n->{args} } : ($n);
}

my %dialect_ops;
for my $fid (1 .. $nfilters)
{
	my ($fam, $f) = gen_filter();
	$FILTERS[$fid] = { fam => $fam, tree => $f, nt => needs_time($f) ? 1 : 0 };
	my %r = (
		text => r_text($f),
		tines => r_tines($f),
		operator_map => r_opmap($f),
		pairs => r_pairs_text($f),
		pairs_object => r_pairs_object($f),
		normalized => r_canon($f));
	for my $d (sort keys %r)
	{
		next unless defined $r{$d};
		my $t = $r{$d};
		my $transport = 'text';
		if ($d eq 'text' || $d eq 'pairs')
		{
			next if $d eq 'pairs' && $t eq '';
			($t, $transport) = (jstr($t), 'jsonb') if chance(0.15);
		}
		else { $transport = chance(0.75) ? 'jsonb' : 'text'; }
		push @RENDER, [ scalar(@RENDER) + 1, $fid, $d, $transport, $t, $FILTERS[$fid]{nt} ];
		$dialect_ops{$d}{ $_->{op} . ($_->{key2} ? '(keys)' : '') }++ for atoms_of($f);
	}
}

write_csv("$dir/renderings.csv", @RENDER);
{
	my %per;
	$per{ $_->[2] }++ for @RENDER;
	note 'renderings per dialect: ' . join(', ', map { "$_: $per{$_}" } sort keys %per);
	for my $d (qw(text tines operator_map pairs pairs_object normalized))
	{
		cmp_ok($per{$d} // 0, '>=', $nfilters / 10, "at least a tenth of the filters are written in dialect $d");
	}
	note "atoms per dialect:\n" . join("\n",
		map { my $d = $_; "  $d: " . join(', ', map { "$_ $dialect_ops{$d}{$_}" } sort keys %{ $dialect_ops{$d} }) }
		  sort keys %dialect_ops);
}

# ---------------------------------------------------------------------
# Regular expressions, LIKE and case folding: asked of the server
# ---------------------------------------------------------------------

# Embedded ARE options that give like_regex flags their meaning: by default
# "." does not match a newline (p); m lets ^ and $ match at newlines (n);
# s lets "." match newlines (s); both (w).
sub re_options
{
	my ($flags) = @_;
	my $m = $flags =~ /m/ ? 1 : 0;
	my $s = $flags =~ /s/ ? 1 : 0;
	my $o = $m && $s ? 'w' : $m ? 'n' : $s ? 's' : 'p';
	return '(?' . $o . ($flags =~ /i/ ? 'i' : '') . ')';
}

# An ARE that matches exactly s: ASCII punctuation escaped.
sub re_literal { my ($s) = @_; $s =~ s/([^A-Za-z0-9\x{80}-\x{10FFFF}])/\\$1/g; return $s; }

# The ARE of a LIKE pattern: % any text, _ one character, \ escapes.
sub like_re
{
	my ($p) = @_;
	my $out = '^';
	my @ch = split //, $p;
	for (my $i = 0; $i < @ch; $i++)
	{
		if ($ch[$i] eq '\\' && $i + 1 < @ch) { $out .= re_literal($ch[ ++$i ]); }
		elsif ($ch[$i] eq '%') { $out .= '.*'; }
		elsif ($ch[$i] eq '_') { $out .= '.'; }
		else { $out .= re_literal($ch[$i]); }
	}
	return $out . '$';
}

{
	my (%specs, @spec_rows);
	for my $fid (1 .. $nfilters)
	{
		for my $a (atoms_of($FILTERS[$fid]{tree}))
		{
			my ($kind, $pat, $flags, $sql);
			if ($a->{op} eq 'regex') { ($kind, $pat, $flags) = ('regex', $a->{pattern}, $a->{flags}); }
			elsif ($a->{op} =~ /^(icontains|iexact|like|ilike)\z/) { ($kind, $pat, $flags) = ($a->{op}, $a->{vals}[0]{v}, ''); }
			else { next; }
			my $rk = re_key($kind, $pat, $flags);
			next if $specs{$rk}++;
			my ($how, $arg);
			if ($kind eq 'regex') { ($how, $arg) = ('re', re_options($flags) . $pat); }
			elsif ($kind eq 'icontains') { ($how, $arg) = ('re', '(?i)' . re_literal($pat)); }
			elsif ($kind eq 'iexact') { ($how, $arg) = ('re', '(?pi)^' . re_literal($pat) . '$'); }
			elsif ($kind eq 'ilike') { ($how, $arg) = ('re', '(?si)' . like_re($pat)); }
			else { ($how, $arg) = ('like', $pat); }
			push @spec_rows, [ scalar(@spec_rows) + 1, $how, $arg, $rk ];
		}
	}
	write_csv("$dir/specs.csv", map { [ @$_[ 0 .. 2 ] ] } @spec_rows);
	write_csv("$dir/strings.csv", map { [ $_ + 1, $ALL_STRINGS[$_] ] } 0 .. $#ALL_STRINGS);
	$RE{ $_->[3] } = {} for @spec_rows;
	for my $line (split /\n/, $node->safe_psql('postgres', qq{
CREATE TABLE re_specs (id int, how text, arg text);
CREATE TABLE re_strings (id int, s text);
\\copy re_specs FROM '$dir/specs.csv' WITH (FORMAT csv)
\\copy re_strings FROM '$dir/strings.csv' WITH (FORMAT csv)
SELECT p.id, s.id FROM re_specs AS p, re_strings AS s
WHERE CASE p.how WHEN 're' THEN coalesce(s.s, '') ~ p.arg ELSE coalesce(s.s, '') LIKE p.arg END;
}))
	{
		my ($p, $s) = split /\|/, $line;
		$RE{ $spec_rows[ $p - 1 ][3] }{ $ALL_STRINGS[ $s - 1 ] } = 1;
	}
	note scalar(@spec_rows) . ' regular expressions and LIKE patterns over ' . scalar(@ALL_STRINGS) . ' strings';
}

# ---------------------------------------------------------------------
# What podrec says: filter_explain, filter_compile and matches
# ---------------------------------------------------------------------

$node->safe_psql('postgres', qq{
CREATE TABLE renderings (rid int PRIMARY KEY, fid int, dialect text, transport text, ftext text, needs_time boolean);
\\copy renderings FROM '$dir/renderings.csv' WITH (FORMAT csv)
ALTER TABLE renderings ADD COLUMN fjson jsonb, ADD COLUMN error text, ADD COLUMN seen_dialect text,
	ADD COLUMN normalized jsonb, ADD COLUMN path jsonpath, ADD COLUMN ipath jsonpath,
	ADD COLUMN path_ok boolean;

-- Read every rendering; an error is a failure of its own.
CREATE PROCEDURE check_renderings() LANGUAGE plpgsql AS \$\$
DECLARE
	r record;
	e jsonb;
	p jsonpath;
	ip jsonpath;
BEGIN
	FOR r IN SELECT * FROM renderings WHERE path IS NULL AND error IS NULL ORDER BY rid LOOP
		BEGIN
			IF r.transport = 'jsonb' THEN
				e := podrec.filter_explain(r.ftext::jsonb);
				p := podrec.filter_compile(r.ftext::jsonb);
				ip := podrec.filter_index_path(r.ftext::jsonb);
			ELSE
				e := podrec.filter_explain(r.ftext);
				p := podrec.filter_compile(r.ftext);
				ip := podrec.filter_index_path(r.ftext);
			END IF;
			UPDATE renderings SET fjson = CASE WHEN r.transport = 'jsonb' THEN r.ftext::jsonb END,
				seen_dialect = e ->> 'dialect', normalized = e -> 'filter', path = p, ipath = ip,
				path_ok = p::text::jsonpath::text = p::text AND ip::text::jsonpath::text = ip::text
					AND (e ->> 'jsonpath')::jsonpath::text = p::text
			WHERE rid = r.rid;
		EXCEPTION WHEN OTHERS THEN
			UPDATE renderings SET error = SQLSTATE || ': ' || SQLERRM WHERE rid = r.rid;
		END;
	END LOOP;
END
\$\$;
CALL check_renderings();
});

# The normalized form filter_explain printed for one other rendering of each
# filter is a rendering of its own.
{
	my $next = @RENDER + 1;
	my %by_fid;
	push @{ $by_fid{ $_->[1] } }, $_ for grep { $_->[2] ne 'normalized' } @RENDER;
	my @extra;
	for my $fid (sort { $a <=> $b } keys %by_fid)
	{
		my $r = pick(@{ $by_fid{$fid} });
		push @extra, [ $next++, $fid, $r->[0] ];
	}
	write_csv("$dir/explained.csv", @extra);
	$node->safe_psql('postgres', qq{
CREATE TABLE explained (rid int, fid int, source int);
\\copy explained FROM '$dir/explained.csv' WITH (FORMAT csv)
INSERT INTO renderings (rid, fid, dialect, transport, ftext, needs_time)
SELECT x.rid, x.fid, 'explained', 'jsonb', r.normalized::text, r.needs_time
FROM explained AS x JOIN renderings AS r ON r.rid = x.source WHERE r.normalized IS NOT NULL;
CALL check_renderings();
});
	for my $line (split /\n/, $node->safe_psql('postgres',
			q{SELECT rid, fid, encode(convert_to(ftext, 'UTF8'), 'hex') FROM renderings WHERE dialect = 'explained' ORDER BY rid}))
	{
		my ($rid, $fid, $t) = split /\|/, $line;
		$RENDER[ $rid - 1 ] = [ $rid, $fid, 'explained', 'jsonb', unhex($t), $FILTERS[$fid]{nt} ];
	}
}

my %EXPECTED_DIALECT = (text => 'text', tines => 'tines', operator_map => 'operator_map', pairs => 'pairs',
	pairs_object => 'pairs', normalized => 'normalized', explained => 'normalized');

my @failures;
sub failure { push @failures, $_[0]; }

for my $line (split /\n/, $node->safe_psql('postgres', q{
SELECT rid, coalesce(encode(convert_to(error, 'UTF8'), 'hex'), ''), coalesce(seen_dialect, ''),
	coalesce(path_ok::text, '')
FROM renderings ORDER BY rid}))
{
	my ($rid, $err, $seen, $ok) = split /\|/, $line, -1;
	my $r = $RENDER[ $rid - 1 ];
	if ($err ne '')
	{
		failure(sprintf("rendering %d (filter %d, %s) is refused: %s\n  filter: %s", $rid, $r->[1], $r->[2], unhex($err), $r->[4]));
		next;
	}
	failure(sprintf("rendering %d (filter %d, %s): filter_explain says dialect %s\n  filter: %s", $rid, $r->[1], $r->[2], $seen, $r->[4]))
	  if $seen ne $EXPECTED_DIALECT{ $r->[2] };
	failure(sprintf("rendering %d (filter %d, %s): its jsonpaths do not read back as themselves\n  filter: %s", $rid, $r->[1], $r->[2], $r->[4]))
	  if $ok ne 'true';
}
my $refused = scalar @failures;
{
	my %why;
	$why{ $_ =~ /is refused: ([^\n]*)/ ? $1 : 'other' }++ for @failures;
	note "refusals: $why{$_} x $_" for sort keys %why;
}

# matches() of every rendering on every item; items that match but do not
# satisfy the compiled path (or the index path) break the jsonpath contract.
$node->safe_psql('postgres', qq{
CREATE TABLE results AS
SELECT r.rid, m.ids, m.bad_path, m.bad_ipath
FROM renderings AS r, LATERAL (
	SELECT string_agg(i.id::text, ',' ORDER BY i.id) FILTER (WHERE x.m) AS ids,
		string_agg(i.id::text, ',' ORDER BY i.id) FILTER (WHERE x.m AND (i.doc \@\@ r.path) IS NOT TRUE) AS bad_path,
		string_agg(i.id::text, ',' ORDER BY i.id) FILTER (WHERE x.m AND (i.doc \@\@ r.ipath) IS NOT TRUE) AS bad_ipath
	FROM items AS i, LATERAL (SELECT CASE
		WHEN r.fjson IS NOT NULL AND r.needs_time THEN podrec.matches(i.doc, r.fjson, $AT_SQL)
		WHEN r.fjson IS NOT NULL THEN podrec.matches(i.doc, r.fjson)
		WHEN r.needs_time THEN podrec.matches(i.doc, r.ftext, $AT_SQL)
		ELSE podrec.matches(i.doc, r.ftext) END AS m) AS x) AS m
WHERE r.error IS NULL;
});
my %ACTUAL;
for my $line (split /\n/, $node->safe_psql('postgres',
		q{SELECT rid, coalesce(ids, ''), coalesce(bad_path, ''), coalesce(bad_ipath, '') FROM results ORDER BY rid}))
{
	my ($rid, $ids, $bp, $bip) = split /\|/, $line, -1;
	$ACTUAL{$rid} = $ids;
	my $r = $RENDER[ $rid - 1 ];
	for ([ 'filter_compile', $bp ], [ 'filter_index_path', $bip ])
	{
		next if $_->[1] eq '';
		my @bad = split /,/, $_->[1];
		failure(sprintf("rendering %d (filter %d, %s): %d matching items do not satisfy %s, e.g. item %d\n  filter: %s\n  item: %s",
			$rid, $r->[1], $r->[2], scalar(@bad), $_->[0], $bad[0], $r->[4], $item_json[ $bad[0] ]));
	}
}
my $contract = scalar(@failures) - $refused;

# ---------------------------------------------------------------------
# The law
# ---------------------------------------------------------------------

my (%EXPECT, %UNKNOWN, $pairs_true, $pairs_all, $unknown_pairs, %op_seen);
for my $fid (1 .. $nfilters)
{
	my $f = $FILTERS[$fid]{tree};
	my (@ids, %unk);
	for my $id (1 .. $nitems)
	{
		my $x = ev($f, $ITEM[$id]);
		if (!defined $x) { $unk{$id} = 1; $unknown_pairs++; next; }
		push @ids, $id if $x;
	}
	$EXPECT{$fid} = \@ids;
	$UNKNOWN{$fid} = \%unk;
	$pairs_true += @ids;
	$pairs_all += $nitems;
	# how often each atom is true, for the coverage check
	for my $a (grep { $_->{op} ne 'true' } atoms_of($f))
	{
		my @x = grep { defined } map { ev_atom($a, $ITEM[$_]) } 1 .. $nitems;
		my $t = grep { $_ } @x;
		my $o = $a->{op} . ($a->{key2} ? '(keys)' : '') . ($a->{op} eq 'regex' && !$a->{key} ? '(any leaf)' : '');
		$op_seen{$o}[1]++ if $t;
		$op_seen{$o}[0]++ if $t < @x;
	}
}

if (my $dbg = $ENV{PODREC_LAW_DEBUG})
{
	my ($fid, $id) = split /:/, $dbg;
	for my $a (atoms_of($FILTERS[$fid]{tree}))
	{
		diag('debug: ' . r_canon($a) . ' => ' . (ev_atom($a, $ITEM[$id]) // 'undef'));
		if ($a->{op} eq 'regex')
		{
			my $m = $RE{ re_key('regex', $a->{pattern}, $a->{flags}) };
			diag('debug: matching strings: ' . join(' | ', map { jstr($_) } sort keys %$m));
		}
	}
}

my ($checked, $law_failures) = (0, 0);
for my $r (grep { defined } @RENDER)
{
	my ($rid, $fid, $d) = @$r;
	next unless exists $ACTUAL{$rid};
	my %actual = map { $_ => 1 } split /,/, $ACTUAL{$rid};
	my %expect = map { $_ => 1 } @{ $EXPECT{$fid} };
	for my $id (1 .. $nitems)
	{
		next if $UNKNOWN{$fid}{$id};
		$checked++;
		next if ($actual{$id} // 0) == ($expect{$id} // 0);
		$law_failures++;
		next if $law_failures > 12;
		failure(sprintf("item %d, filter %d, dialect %s: expected %s, matches() says %s\n  filter: %s\n  normalized: %s\n  item: %s\n  flat: %s",
			$id, $fid, $d, $expect{$id} ? 'true' : 'false', $actual{$id} ? 'true' : 'false', $r->[4],
			r_canon($FILTERS[$fid]{tree}), $item_json[$id],
			join(', ', map { jstr($_) . ': ' . $ITEM[$id]{leaf}{$_}[1] } sort keys %{ $ITEM[$id]{leaf} })));
	}
}
note sprintf('the law checked on %d (item, filter, dialect) triples; %.1f%% of (item, filter) pairs match; %d pairs too close to a boundary to tell',
	$checked, 100 * $pairs_true / $pairs_all, $unknown_pairs // 0);
note 'atoms (by kind) true / false on some item: ' . join(', ', map { "$_ " . ($op_seen{$_}[1] // 0) . '/' . ($op_seen{$_}[0] // 0) } sort keys %op_seen);

is($refused, 0, 'every rendering is accepted, names its dialect, and its jsonpaths read back');
is($contract, 0, 'every matching item satisfies filter_compile and filter_index_path');
is($law_failures, 0, 'matches(d, f) = f on records_flatten(d), for every item, filter and dialect');
cmp_ok($unknown_pairs // 0, '<', $pairs_all / 1000, 'few (item, filter) pairs lie too close to a boundary to be told');
my @never = grep { !$op_seen{$_}[1] || !$op_seen{$_}[0] } sort keys %op_seen;
is(join(', ', @never), '', 'every kind of atom is true on some items and false on others');
diag(join("\n", @failures[ 0 .. min($#failures, 24) ])) if @failures;

# ---------------------------------------------------------------------
# A GIN index serves every filter with an index path, with the same rows
# ---------------------------------------------------------------------

$node->safe_psql('postgres', qq{
CREATE INDEX items_doc ON items USING gin (doc jsonb_path_ops);
ANALYZE items;
CREATE TABLE indexed (rid int, uses_index boolean, ids text);
DO \$\$
DECLARE
	r record;
	q text;
	plan json;
	ids text;
BEGIN
	SET LOCAL enable_seqscan = off;
	FOR r IN SELECT * FROM renderings WHERE error IS NULL AND ipath::text <> 'true' ORDER BY rid LOOP
		q := format('SELECT string_agg(id::text, '','' ORDER BY id) FROM items WHERE podrec.matches(doc, %L::%s%s)',
			r.ftext, CASE WHEN r.fjson IS NULL THEN 'text' ELSE 'jsonb' END,
			CASE WHEN r.needs_time THEN ', ' || $AT_SQL_QUOTED ELSE '' END);
		EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO plan;
		EXECUTE q INTO ids;
		INSERT INTO indexed VALUES (r.rid, plan::text LIKE '%Bitmap Index Scan%', coalesce(ids, ''));
	END LOOP;
END
\$\$;
});
my ($served, $index_failures) = (0, 0);
for my $line (split /\n/, $node->safe_psql('postgres', 'SELECT rid, uses_index, ids FROM indexed ORDER BY rid'))
{
	my ($rid, $uses, $ids) = split /\|/, $line, -1;
	my $r = $RENDER[ $rid - 1 ];
	$served++;
	if ($uses ne 't')
	{
		$index_failures++;
		diag("rendering $rid (filter $r->[1], $r->[2]) has an index path but its plan does not use the index: $r->[4]")
		  if $index_failures <= 5;
	}
	elsif ($ids ne ($ACTUAL{$rid} // ''))
	{
		$index_failures++;
		diag("rendering $rid (filter $r->[1], $r->[2]): the index scan gives other rows than the sequential scan: $r->[4]")
		  if $index_failures <= 5;
	}
}
note "$served renderings have an index path";
cmp_ok($served, '>=', $nfilters / 5, 'many renderings have an index path');
is($index_failures, 0, 'with a GIN index, every filter with an index path uses it and gives the same rows');

# The generated items exercise what they should.
my @thin = grep { ($features{$_} // 0) < 20 }
  ('module array', 'repeated step id', 'step id that looks like a position', 'element holding only its step id',
	'element without a string step id', 'element without a step id', 'scalar element', 'array element',
	'nested object', 'nested array', 'null', '{}', '[]', 'geo point');
is(join(', ', @thin), '', 'the generated items exercise every shape at least 20 times');

$node->stop;
done_testing();
