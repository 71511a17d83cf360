# Crashes during batch ingest lose nothing that was acknowledged and leave no
# batch half stored.
#
# Each round starts writers (background psql sessions, one statement per batch,
# autocommit), stops the server with an immediate shutdown (no checkpoint, WAL
# replay on restart: a crash) at a random moment, restarts it and checks:
#  - every acknowledged batch is there, each of its rows exactly once;
#  - every batch that is there at all is there whole (batches that committed
#    but whose acknowledgement was lost with the connection are counted);
#  - a retry of the batches around the crash, with the same unique ids, adds
#    no row: they are updates of the rows already there;
#  - the indexes agree with the table (amcheck, when installed).
#
# The targets are a table: a new ingest function is one entry (a statement
# for a batch, how to count a batch's rows).  Targets whose function is not
# installed are skipped.
#
#   PODREC_FAULT_ROUNDS   crashes (default 4)
#   PODREC_FAULT_BATCH    rows per batch (default 50)
#   PODREC_FAULT_SEED     seed of the crash moments (default 91)
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);

my $ROUNDS = $ENV{PODREC_FAULT_ROUNDS} // 4;
my $BATCH = $ENV{PODREC_FAULT_BATCH} // 50;
srand($ENV{PODREC_FAULT_SEED} // 91);
my $WRITERS = 2;
my $PER_SCRIPT = 2000;     # more batches than a writer gets through before the crash

my $node = PostgreSQL::Test::Cluster->new('faults');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'podrec'\nfsync = on\nsynchronous_commit = on\n");
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acct', 'Faults');
SELECT podrec.flow_put('f', 'acct');
SELECT podrec.record_type_create('Events', '[{"name": "Batch", "result_type": "NUMBER"}, {"name": "Row", "result_type": "NUMBER"}, {"name": "Key", "result_type": "TEXT"}]', 'acct') IS NOT NULL;
});
my $has_amcheck = $node->safe_psql('postgres',
	q{SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'}) eq '1';
$node->safe_psql('postgres', 'CREATE EXTENSION amcheck') if $has_amcheck;

# A batch's unique ids: 24 hex digits from target, batch and row.
sub uid { return sprintf('%02x%014x%08x', @_); }

# The targets.  sql(target number, batch, first row number): the statement of
# one batch, whose result is the number of rows stored; count: a query of
# (batch, rows, distinct keys) per batch present.
my @targets = (
	{
		name => 'podrec.items_put',
		needs => 'podrec.items_put(jsonb,text,text,boolean)',
		sql => sub {
			my ($t, $b) = @_;
			my $docs = join(',', map { sprintf('{"_id": "%s", "batch": %d, "row": %d, "created_at": "2025-01-01T00:00:00Z"}', uid($t, $b, $_), $b, $_) } 1 .. $BATCH);
			return "SELECT 'ack $b ' || count(*) FROM podrec.items_put('[$docs]', 'f');";
		},
		count => q{SELECT (doc ->> 'batch')::int, count(*), count(DISTINCT uid) FROM podrec.items
			WHERE record_type_id IS NULL GROUP BY 1},
	},
	{
		name => 'podrec.records_create',
		needs => 'podrec.records_create(bigint,jsonb,text,boolean,bigint[],boolean)',
		sql => sub {
			my ($t, $b) = @_;
			my $recs = join(',', map { sprintf('{"Batch": %d, "Row": %d, "Key": "%s"}', $b, $_, uid($t, $b, $_)) } 1 .. $BATCH);
			return "SELECT 'ack $b ' || count(*) FROM podrec.records_create(1, '[$recs]');";
		},
		count => q{SELECT (doc ->> 'Batch')::int, count(*), count(DISTINCT doc ->> 'Key')
			FROM podrec.items WHERE record_type_id = 1 GROUP BY 1},
		# records_create makes new records: a retry is a new set, not an update
		# (unique ids come with record_create, below)
		no_retry => 1,
	},
	# record_create with option_a = false and a unique_id: one entry here when
	# it is installed.  Its statement creates the batch's records with unique
	# ids uid($t, $b, $row); its count reads them back; the retry must find
	# them (same unique_id) rather than create them again.
	{
		name => 'podrec.record_create (option_a = false)',
		needs => undef,    # e.g. 'podrec.record_create(jsonb)'
		sql => undef,
		count => undef,
	},
);

my %faults = (rounds => 0, acked => 0, lost => 0, half => 0, unacked_whole => 0, duplicates => 0);
foreach my $t (0 .. $#targets)
{
	my $target = $targets[$t];
	my $installed = defined $target->{needs} && $node->safe_psql('postgres',
		"SELECT to_regprocedure('$target->{needs}') IS NOT NULL") eq 't';
	SKIP:
	{
		skip("$target->{name}: not installed", 1) unless $installed && $target->{sql};
		my %acked;         # batch => rows acknowledged
		my %sent;          # batch => 1, for every batch a writer was given
		my $next = 1;
		foreach my $round (1 .. $ROUNDS)
		{
			# Writers, each with its own run of batch numbers.
			my @writers;
			foreach my $w (1 .. $WRITERS)
			{
				my $script = "\\set ON_ERROR_STOP 1\n";
				my @mine = ($next .. $next + $PER_SCRIPT - 1);
				$next += $PER_SCRIPT;
				$script .= $target->{sql}->($t, $_) . "\n" foreach @mine;
				$sent{$_} = 1 foreach @mine;
				my $ack = "${PostgreSQL::Test::Utils::tmp_check}/ack_${t}_${round}_$w";
				open(my $fh, '>', "$ack.sql") or die "$ack.sql: $!";
				print $fh $script;
				close($fh);
				my $h = IPC::Run::start([ 'psql', '-X', '-At', '-d', $node->connstr('postgres'), '-f', "$ack.sql" ],
					'>', $ack, '2>', "$ack.err");
				push @writers, [ $h, $ack ];
			}
			my $wait = 0.3 + rand(1.5);
			sleep($wait);
			$node->stop('immediate');
			$_->[0]->finish foreach @writers;
			my $round_acked = 0;
			foreach my $w (@writers)
			{
				foreach (split /\n/, slurp_file($w->[1]))
				{
					next unless /^ack (\d+) (\d+)$/;
					$acked{$1} = $2;
					$round_acked++;
				}
			}
			$node->start;
			$faults{rounds}++;
			# Forget batches past what any writer could have reached.
			note("$target->{name}, round $round: crash after " . sprintf('%.2f', $wait) . " s, $round_acked batches acknowledged");
			ok($round_acked > 0, "$target->{name}, round $round: the writers were acknowledged before the crash");
		}

		my %present;
		foreach (split /\n/, $node->safe_psql('postgres', $target->{count}))
		{
			my ($b, $rows, $keys) = split /\|/;
			$present{$b} = [ $rows, $keys ];
		}
		my (@lost, @half, @dup, $unacked_whole);
		$unacked_whole = 0;
		foreach my $b (sort { $a <=> $b } keys %acked)
		{
			push @lost, $b if !$present{$b} || $present{$b}[0] < $BATCH;
			push @dup, $b if $present{$b} && $present{$b}[0] != $present{$b}[1];
		}
		foreach my $b (sort { $a <=> $b } keys %present)
		{
			push @half, $b if $present{$b}[0] != $BATCH;
			$unacked_whole++ if !exists $acked{$b} && $present{$b}[0] == $BATCH;
		}
		my $nacked = scalar(keys %acked);
		is(scalar(@lost), 0, "$target->{name}: every one of $nacked acknowledged batches is there"
			. " (" . ($nacked * $BATCH) . " rows)") or diag("lost: @lost[0 .. ($#lost < 9 ? $#lost : 9)]");
		is(scalar(@dup), 0, "$target->{name}: no row is there twice") or diag("duplicated: @dup");
		is(scalar(@half), 0, "$target->{name}: no batch is half there") or diag("half there: @half");
		note("$target->{name}: $unacked_whole batches committed without their acknowledgement reaching the writer");
		$faults{acked} += $nacked * $BATCH;
		$faults{lost} += scalar(@lost);
		$faults{half} += scalar(@half);
		$faults{duplicates} += scalar(@dup);
		$faults{unacked_whole} += $unacked_whole;

		# Retry what was in flight: the last acknowledged batches and the first
		# unacknowledged ones, with their unique ids.  Nothing is added.
		next if $target->{no_retry};
		my @retry = grep { defined $_ } (sort { $b <=> $a } keys %acked)[0 .. 4];
		push @retry, grep { !exists $acked{$_} } map { $_ + 1 } @retry;
		my $before = $node->safe_psql('postgres', 'SELECT count(*) FROM podrec.items');
		$node->safe_psql('postgres', join("\n", map { $target->{sql}->($t, $_) } @retry));
		my $after = $node->safe_psql('postgres', 'SELECT count(*) FROM podrec.items');
		my $missing = grep { !$present{$_} } @retry;
		is($after - $before, $missing * $BATCH,
			"$target->{name}: a retry of " . scalar(@retry) . ' batches around the crashes adds only the ones that were not there');
		is($node->safe_psql('postgres', "SELECT count(*) FROM ($target->{count}) AS c (b, n, k) WHERE n <> $BATCH OR k <> $BATCH"),
			'0', "$target->{name}: after the retry, every batch is there whole, each row once");
	}
}

if ($has_amcheck)
{
	# bt_index_parent_check raises an error on the first inconsistency.
	my ($ret, $out, $err) = $node->psql('postgres', q{
		SELECT count(bt_index_parent_check(i.indexrelid, true)::text)
		FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid JOIN pg_am AS a ON a.oid = c.relam
		WHERE i.indrelid = 'podrec.items'::regclass AND a.amname = 'btree'});
	ok($ret == 0 && $out >= 5, "the $out btree indexes of podrec.items agree with the table (amcheck)") or diag($err);
}
is($node->safe_psql('postgres', q{SELECT count(*) FROM podrec.items WHERE uid IN (SELECT uid FROM podrec.items GROUP BY uid HAVING count(*) > 1)}),
	'0', 'no uid is there twice');
diag("faults: $faults{rounds} crashes survived, $faults{acked} acknowledged rows, $faults{lost} batches lost, "
	. "$faults{half} half there, $faults{duplicates} duplicated, $faults{unacked_whole} committed without acknowledgement");

$node->stop;
done_testing();
