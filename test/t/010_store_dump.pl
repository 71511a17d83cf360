# pg_dump keeps the store: every row of accounts, flows, items and
# account_roles and the position of the items' identity sequence survive a
# dump and restore (custom format with pg_restore, plain format with psql),
# items stored after the restore get ids of their own, and row-level
# security comes back with the extension.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('store_dump');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'podrec'");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', q{
CREATE EXTENSION podrec;
SELECT podrec.account_put('66826269369bbc3d56b479ce', 'optioryx_admin');
SELECT podrec.account_put('alice');
SELECT podrec.flow_put('APIDocsFlow1', '66826269369bbc3d56b479ce');
SELECT podrec.flow_put('f54aec5c7d4c6770dba95801b', 'alice', 'drinks', '/alice/drinks');
-- the seed-000 item and two seed-002 drops
SELECT podrec.item_put('APIDocsFlow1', '{
  "created_at": "2025-03-05T14:38:22.903000", "updated_at": "2025-03-05T14:38:22.903000",
  "_id": "67c861de20bb29fb40d2cbbd", "started_at": "2025-03-05T14:38:10", "ended_at": "2025-03-05T14:38:20",
  "flow_id": "APIDocsFlow1",
  "barcode_scanning": [{"flow_step_id": "barcode", "code": "A0155C35"}]}');
SELECT count(*) FROM podrec.items_put('[
  {"id": "d54aec650d4c6770dba958025", "creationDate": 1420740176213, "path": "/alice/drinks", "elems": {"a": 2}},
  {"id": "d54aec5dcd4c6770dba958020", "creationDate": 1420740060915, "path": "/alice/drinks", "elems": {"a": 1}}]',
  'f54aec5c7d4c6770dba95801b');
-- 200 generated items in both shapes, some in test mode or not completed
SELECT count(*) FROM podrec.items_put((SELECT jsonb_agg(jsonb_build_object(
  'n', i, 'barcode_scanning', jsonb_build_array(jsonb_build_object('flow_step_id', 'b', 'code', 'C' || i)))
  ORDER BY i) FROM generate_series(1, 100) AS i), 'APIDocsFlow1', 'cancelled', true);
SELECT count(*) FROM podrec.items_put((SELECT jsonb_agg(jsonb_build_object('elems', jsonb_build_object('n', i)))
  FROM generate_series(1, 100) AS i), 'f54aec5c7d4c6770dba95801b', 'in progress');
-- updates, an explicit uid, and gaps in the ids
SELECT podrec.item_put('APIDocsFlow1', '{"_id": "67c861de20bb29fb40d2cbbd", "v": 2}', 'error');
SELECT podrec.item_put('APIDocsFlow1', '{"v": 3}', uid => 'ORDER-0001');
DELETE FROM podrec.items WHERE doc ->> 'n' IN ('50', '51', '52');
-- a direct-SQL role of alice's
CREATE ROLE dump_alice IN ROLE podrec_app;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('dump_alice', 'alice');
});

# Every row of every table, and the sequence, as one text per database.
my $fingerprint = q{
SELECT (SELECT count(*) FROM podrec.items) || ' items ' ||
  md5((SELECT string_agg(a::text, E'\n' ORDER BY a.id) FROM podrec.accounts AS a) || E'\n' ||
      (SELECT string_agg(f::text, E'\n' ORDER BY f.id) FROM podrec.flows AS f) || E'\n' ||
      (SELECT string_agg(i::text, E'\n' ORDER BY i.id) FROM podrec.items AS i) || E'\n' ||
      (SELECT string_agg(r::text, E'\n' ORDER BY r.role_name) FROM podrec.account_roles AS r)) ||
  ' seq ' || (SELECT last_value || ' ' || is_called FROM podrec.items_id_seq)
};
my $before = $node->safe_psql('src', $fingerprint);
like($before, qr/^201 items [0-9a-f]{32} seq [0-9]+ true$/, 'source database holds the ingested items');

my $dumpdir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok([ 'pg_dump', '-Fc', '-f', "$dumpdir/src.dump", '-d', $node->connstr('src') ],
	'pg_dump, custom format');
$node->command_ok([ 'pg_dump', '-Fp', '-f', "$dumpdir/src.sql", '-d', $node->connstr('src') ],
	'pg_dump, plain format');

$node->safe_psql('postgres', 'CREATE DATABASE from_custom');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '-d', $node->connstr('from_custom'), "$dumpdir/src.dump" ],
	'pg_restore into a new database');
$node->safe_psql('postgres', 'CREATE DATABASE from_plain');
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$dumpdir/src.sql", '-d', $node->connstr('from_plain') ],
	'psql replays the plain dump into a new database');

foreach my $db ('from_custom', 'from_plain')
{
	is($node->safe_psql($db, $fingerprint), $before, "$db: every row and the sequence survive");

	# New items get fresh ids, above every restored one, and keep working.
	my $max = $node->safe_psql($db, 'SELECT max(id) FROM podrec.items');
	is( $node->safe_psql($db, q{
			SELECT (podrec.item_put('APIDocsFlow1', '{"new": true}')).id > (SELECT max(id) FROM podrec.items WHERE doc ->> 'new' IS NULL)}),
		't', "$db: a new item gets an id above the restored ones");
	is( $node->safe_psql($db, q{
			SELECT count(*) FROM podrec.items_put((SELECT jsonb_agg(jsonb_build_object('m', i))
				FROM generate_series(1, 20) AS i), 'APIDocsFlow1')}),
		'20', "$db: a batch after the restore");
	is($node->safe_psql($db, 'SELECT count(*) = count(DISTINCT id) AND min(id) > 0 FROM podrec.items'),
		't', "$db: ids stay unique");
	cmp_ok($node->safe_psql($db, 'SELECT min(id) FROM podrec.items WHERE doc ? \'m\''), '>', $max,
		"$db: the batch's ids follow the restored ones");

	# Updates of restored items keep their id and creation time.
	is( $node->safe_psql($db, q{
			SELECT i.id = o.id AND i.created_at = o.created_at AND i.updated_at > o.updated_at
			FROM (SELECT * FROM podrec.items WHERE uid = 'd54aec650d4c6770dba958025') AS o,
				podrec.item_put('f54aec5c7d4c6770dba95801b', '{"id": "d54aec650d4c6770dba958025", "elems": {"a": 3}}') AS i}),
		't', "$db: a restored item updates in place");

	# The restored extension is whole: the same objects, marked for the next dump too.
	is( $node->safe_psql($db, q{
			SELECT string_agg(c::regclass::text, ',' ORDER BY c::regclass::text)
			FROM pg_extension, unnest(extconfig) AS c WHERE extname = 'podrec'}),
		'podrec.account_roles,podrec.accounts,podrec.artifacts,podrec.artifacts_id_seq,podrec.flows,podrec.items,podrec.items_id_seq,'
		  . 'podrec.record_fields,podrec.record_fields_id_seq,podrec.record_inbox,podrec.record_inbox_id_seq,'
		  . 'podrec.record_types,podrec.record_types_id_seq',
		"$db: the tables and the sequence are still dumped");

	# Row-level security comes back with the extension (not twice), and the
	# restored mapping still keeps alice's role to alice's rows.
	is( $node->safe_psql($db, q{
			SELECT string_agg(c.relname || ':' || c.relforcerowsecurity || ':' ||
				(SELECT count(*) FROM pg_policy AS p WHERE p.polrelid = c.oid), ',' ORDER BY c.relname)
			FROM pg_class AS c WHERE c.relnamespace = 'podrec'::regnamespace AND c.relkind = 'r'}),
		'account_roles:true:2,accounts:true:2,artifacts:true:2,flows:true:2,items:true:2,record_counts:true:2,record_fields:true:2,record_inbox:true:2,record_types:true:2',
		"$db: every table has its policies, forced");
	is( $node->safe_psql($db, q{
			SET ROLE dump_alice;
			SELECT string_agg(DISTINCT account_id, ',') || ' ' || count(*) FROM podrec.items}),
		'alice ' . $node->safe_psql($db, q{SELECT count(*) FROM podrec.items WHERE account_id = 'alice'}),
		"$db: alice's role sees alice's items, and only them");
}

$node->stop;
done_testing();
