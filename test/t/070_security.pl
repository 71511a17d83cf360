# Tenancy holds against every role, table and function:
#  - for every table of schema podrec (read from the catalog, so tables added
#    later are covered) and every kind of caller (administrator, two tenants by
#    direct SQL, PostgREST requests with tokens of either account or none,
#    anonymous requests, an unmapped application role, an unrelated role, the
#    authenticator itself): what it can read, and that writes cannot reach or
#    create another account's rows;
#  - a caller cannot choose its account: request.jwt.claims, SET ROLE,
#    row_security = off, temporary tables, pg_stats, the sequence, pg_dump;
#  - hostile functions, operators and tables in public (put first in the
#    search_path) and in pg_temp are never picked up by podrec's functions,
#    views or install script; the trap is shown to work on unqualified SQL;
#  - malicious filters and field names read nothing outside the account and
#    change nothing;
#  - a tenant's record types may have indexed fields (their indexes wait for
#    an administrator), and tenants cannot index podrec.items themselves;
#  - the install: roles created once, never LOGIN, refused when unsafe, kept
#    by DROP EXTENSION; NOTIFY pgrst; no SECURITY DEFINER function; the audit.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('security');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'podrec'\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE sec');
$node->safe_psql('sec', q{
CREATE EXTENSION podrec;
SELECT podrec.account_put('acct_a', 'Alpha');
SELECT podrec.account_put('acct_b', 'Beta');
SELECT podrec.flow_put('fa', 'acct_a');
SELECT podrec.flow_put('fb', 'acct_b', 'Beta flow', '/beta');
SELECT count(*) FROM podrec.items_put('[
  {"_id": "00000000000000000000a001", "n": 1, "created_at": "2025-01-01", "barcode_scanning": [{"flow_step_id": "b", "code": "X1"}]},
  {"_id": "00000000000000000000a002", "n": 2, "created_at": "2025-01-02"},
  {"_id": "00000000000000000000a003", "n": 3, "created_at": "2025-01-03", "note": "alpha"}]', 'fa');
SELECT count(*) FROM podrec.items_put('[
  {"_id": "00000000000000000000b001", "n": 1, "created_at": "2025-01-01", "secret": "b-secret", "barcode_scanning": [{"flow_step_id": "b", "code": "X1"}]},
  {"_id": "00000000000000000000b002", "n": 2, "created_at": "2025-01-02", "secret": "b-secret-2"},
  {"_id": "00000000000000000000b003", "n": 3, "created_at": "2025-01-03"}]', 'fb');
CREATE ROLE sec_admin LOGIN IN ROLE podrec_admin;
CREATE ROLE sec_a LOGIN IN ROLE podrec_app;
CREATE ROLE sec_b LOGIN IN ROLE podrec_app;
CREATE ROLE sec_unmapped LOGIN IN ROLE podrec_app;
CREATE ROLE sec_outsider LOGIN;
CREATE ROLE sec_authenticator LOGIN NOINHERIT IN ROLE podrec_user, podrec_anon;
INSERT INTO podrec.account_roles (role_name, account_id) VALUES ('sec_a', 'acct_a'), ('sec_b', 'acct_b');
});

# The callers: a login role, and what runs first in its session. PostgREST runs
# as the authenticator and switches role and claims (set_config('role', ...),
# set_config('request.jwt.claims', ...); SET does the same here).
my $claims = q{SET request.jwt.claims = '%s';};
my %callers = (
	admin => [ 'sec_admin', '' ],
	tenant_a => [ 'sec_a', '' ],
	tenant_b => [ 'sec_b', '' ],
	token_a => [ 'sec_authenticator',
		"SET ROLE podrec_user;\n" . sprintf($claims, '{"role":"podrec_user","account_id":"acct_a"}') ],
	token_b => [ 'sec_authenticator',
		"SET ROLE podrec_user;\n" . sprintf($claims, '{"role":"podrec_user","account_id":"acct_b"}') ],
	token_none => [ 'sec_authenticator',
		"SET ROLE podrec_user;\n" . sprintf($claims, '{"role":"podrec_user"}') ],
	anon => [ 'sec_authenticator',
		"SET ROLE podrec_anon;\n" . sprintf($claims, '{"role":"podrec_anon","account_id":"acct_b"}') ],
	unmapped => [ 'sec_unmapped', '' ],
	outsider => [ 'sec_outsider', '' ],
	authenticator => [ 'sec_authenticator', sprintf($claims, '{"role":"podrec_user","account_id":"acct_a"}') ],
);
# The account each caller acts for (all: every account; none: no account, but
# reads; denied: no privilege).
my %acts_for = (
	admin => 'all', tenant_a => 'acct_a', tenant_b => 'acct_b', token_a => 'acct_a',
	token_b => 'acct_b', token_none => 'none', anon => 'denied', unmapped => 'none',
	outsider => 'denied', authenticator => 'denied');

# run(caller, sql): (exit code, stdout, stderr) of sql in the caller's session.
sub run
{
	my ($caller, $sql, $db) = @_;
	my ($role, $prefix) = @{ $callers{$caller} };
	my ($out, $err);
	my $ret = $node->psql($db // 'sec', "$prefix\n$sql",
		stdout => \$out, stderr => \$err, extra_params => [ '-U', $role ]);
	return ($ret, $out, $err);
}

# as(caller, sql): stdout of sql in the caller's session, or "ERROR: message".
sub as
{
	my ($ret, $out, $err) = run(@_);
	return $ret == 0 ? $out : ($err =~ /ERROR:\s+(.*)/ ? "ERROR: $1" : "ERROR: $err");
}

# ---------------------------------------------------------------------
# Reads: every table, every caller.
# ---------------------------------------------------------------------
my @tables = split /\n/, $node->safe_psql('sec', q{
	SELECT c.relname || ' ' || coalesce((SELECT a.attname FROM pg_attribute AS a
		WHERE a.attrelid = c.oid AND a.attname IN ('account_id', 'id') AND a.attnum > 0
		ORDER BY a.attname = 'account_id' DESC LIMIT 1), '-')
	FROM pg_class AS c WHERE c.relnamespace = 'podrec'::regnamespace AND c.relkind IN ('r', 'p')
	ORDER BY c.relname});
ok(scalar(@tables) >= 4, 'the tables of schema podrec: ' . join(', ', @tables));

foreach my $t (@tables)
{
	my ($table, $col) = split / /, $t;
	$col = 'account_id' if $table eq 'account_roles';
	isnt($col, '-', "podrec.$table has an account column");
	next if $col eq '-';
	my $q = "SELECT coalesce(string_agg(DISTINCT $col, ',' ORDER BY $col), '') FROM podrec.$table";
	my $truth = $node->safe_psql('sec', $q);
	foreach my $caller (sort keys %callers)
	{
		my $want;
		my $acts = $acts_for{$caller};
		if ($table eq 'account_roles')
		{
			# the mappings: everyone with USAGE on podrec reads its own, admins all
			$want = $caller eq 'admin' ? $truth
			  : $caller =~ /^tenant_(.)$/ ? "acct_$1"
			  : $caller =~ /^(outsider|authenticator)$/ ? 'denied' : '';
		}
		elsif ($acts eq 'all') { $want = $truth; }
		elsif ($acts eq 'none') { $want = ''; }
		elsif ($acts eq 'denied') { $want = 'denied'; }
		else { $want = (grep { $_ eq $acts } split /,/, $truth) ? $acts : ''; }
		my $got = as($caller, $q);
		$got = 'denied' if $got =~ /^ERROR: permission denied/;
		is($got, $want, $want eq 'denied' ? "$caller may not read podrec.$table"
			: "$caller reads " . ($want eq '' ? 'nothing' : $want) . " of podrec.$table");
	}
}

# The API view: the same, and callers without an account are refused.
foreach my $caller (sort keys %callers)
{
	my $got = as($caller, q{SELECT coalesce(string_agg(DISTINCT account_id, ',' ORDER BY account_id), '') FROM podrec_api.items});
	my $acts = $acts_for{$caller};
	my $want = $acts eq 'all' ? 'acct_a,acct_b' : $acts eq 'none' ? 'no account' : $acts;
	$got = 'denied' if $got =~ /^ERROR: permission denied/;
	$got = 'no account' if $got =~ /^ERROR: (the JWT names no podrec account|role "sec_unmapped" acts for no podrec account)/;
	is($got, $want, $want eq 'denied' ? "$caller may not read podrec_api.items"
		: $want eq 'no account' ? "$caller is refused podrec_api.items: it acts for no account"
		: "$caller reads $want through podrec_api.items");
}

# The find functions (which, under podrec's own policies, state the tenant
# predicate in their query and run it as the tables' owner): what each caller
# reaches of account B's flow and items.
foreach my $caller (sort keys %callers)
{
	my $acts = $acts_for{$caller};
	my $sees_b = $acts eq 'all' || $acts eq 'acct_b';
	foreach my $q (
		q{SELECT string_agg(uid || ':' || doc::text, ',' ORDER BY uid) FROM podrec.find('fb', '{"status": ["completed", "cancelled", "error", "in progress"], "limit": 1000}')},
		q{SELECT string_agg(uid, ',' ORDER BY uid) FROM podrec.find('fb', '{"filter": {"secret": "eq.b-secret"}}')},
		q{SELECT string_agg(uid, ',' ORDER BY uid) FROM podrec.find('fb', '{"skip": 1, "limit": 5}')},
		q{SELECT string_agg((item).uid || ':' || (item).doc::text, ',') FROM podrec.mget('[{"flowId": "fb", "params": {"limit": 1000}}]')},
		q{SELECT podrec.mget_response('[{"flowId": "fb"}]', 'flat')},
		q{SELECT string_agg(r::text, ',') FROM podrec.records('{"flow_id": "fb", "limit": 1000}') AS r},
		q{SELECT string_agg(r::text, ',') FROM podrec.records('{"limit": 1000, "filter": {"n": "gte.1"}}') AS r},
		q{SELECT string_agg(DISTINCT account_id, ',') FROM podrec.records_items('{"limit": 1000}')})
	{
		my $got = as($caller, $q);
		if ($sees_b)
		{
			like($got, qr/b00[123]|acct_b/, "$caller reaches account B: $q");
		}
		else
		{
			ok($got !~ /b-secret|0000b00|acct_b/, "$caller reaches nothing of account B: $q") or diag($got);
		}
	}
}

# ---------------------------------------------------------------------
# Writes: nothing reaches another account, nothing is created in one.
# ---------------------------------------------------------------------
my $fingerprint = q{SELECT md5(string_agg(t::text, ';' ORDER BY t::text)) FROM (
	SELECT i::text AS t FROM podrec.items AS i UNION ALL SELECT f::text FROM podrec.flows AS f
	UNION ALL SELECT a::text FROM podrec.accounts AS a UNION ALL SELECT r::text FROM podrec.account_roles AS r) AS s};
my $before = $node->safe_psql('sec', $fingerprint);

foreach my $caller ('tenant_a', 'token_a', 'token_none', 'unmapped')
{
	foreach my $t (grep { !/^(accounts|account_roles) / } @tables)
	{
		my ($table) = split / /, $t;
		is(as($caller, "UPDATE podrec.$table SET account_id = account_id WHERE account_id <> 'acct_a'"),
			'', "$caller updates no other account's row of podrec.$table");
		is(as($caller, "DELETE FROM podrec.$table WHERE account_id <> 'acct_a'"),
			'', "$caller deletes no other account's row of podrec.$table");
		like(as($caller, "TRUNCATE podrec.$table"), qr/^ERROR: permission denied/,
			"$caller cannot truncate podrec.$table");
	}
	like(as($caller, q{UPDATE podrec.items SET account_id = 'acct_b', flow_id = 'fb'}),
		$caller =~ /_a$/ ? qr/^ERROR: new row violates row-level security policy for table "items"/ : qr/^$/,
		"$caller cannot move items to account B");
	like(as($caller, q{INSERT INTO podrec.flows (id, account_id, name) VALUES ('fx', 'acct_b', 'x')}),
		qr/^ERROR: new row violates row-level security policy for table "flows"/,
		"$caller cannot create a flow of account B");
	like(as($caller, q{INSERT INTO podrec.items (uid, account_id, flow_id, created_at, updated_at, doc)
		VALUES ('x', 'acct_b', 'fb', now(), now(), '{}')}),
		qr/^ERROR: new row violates row-level security policy for table "items"/,
		"$caller cannot insert an item of account B");
	like(as($caller, q{SELECT podrec.item_put('fb', '{"n": 9}')}), qr/^ERROR: flow "fb" does not exist/,
		"$caller cannot store an item in B's flow");
	like(as($caller, q{SELECT podrec.item_put('fa', '{"_id": "00000000000000000000b001", "n": 9}')}),
		qr/^ERROR: (uid "00000000000000000000b001" is already in use|flow "fa" does not exist)/,
		"$caller cannot overwrite B's item through its uid");
	like(as($caller, q{SELECT podrec.flow_put('fx', 'acct_b')}), qr/^ERROR: account "acct_b" does not exist/,
		"$caller cannot create a flow for account B");
	like(as($caller, q{SELECT podrec.account_put('acct_b', 'mine')}), qr/^ERROR: permission denied for table accounts/,
		"$caller cannot rename account B");
	like(as($caller, q{INSERT INTO podrec.account_roles VALUES ('sec_outsider', 'acct_a')}),
		qr/^ERROR: permission denied for table account_roles/, "$caller cannot map roles to accounts");
}
foreach my $caller ('anon', 'outsider', 'authenticator')
{
	like(as($caller, q{SELECT podrec.item_put('fa', '{"n": 9}')}), qr/^ERROR: permission denied/,
		"$caller cannot store items");
	like(as($caller, q{DELETE FROM podrec.items}), qr/^ERROR: permission denied/, "$caller cannot delete items");
}
is($node->safe_psql('sec', $fingerprint), $before, 'every row of every account is as it was');

# A tenant writes its own account through the ingest functions.
is(as('tenant_a', q{SELECT account_id FROM podrec.item_put('fa', '{"_id": "00000000000000000000a004", "created_at": "2025-01-04"}')}),
	'acct_a', 'tenant A stores an item in its flow');
is(as('token_b', q{SELECT account_id FROM podrec.item_put('fb', '{"_id": "00000000000000000000b004", "created_at": "2025-01-04"}')}),
	'acct_b', "B's token stores an item in B's flow");
is(as('admin', q{SELECT count(*) FROM podrec.items}), '8', 'the administrator sees both');

# ---------------------------------------------------------------------
# A caller cannot choose its account.
# ---------------------------------------------------------------------
is(as('tenant_a', sprintf($claims, '{"role":"podrec_user","account_id":"acct_b"}') .
	q{SELECT podrec.current_account(), count(*) FROM podrec.items}), "acct_a|4",
	'tenant A setting request.jwt.claims still acts for A');
like(as('tenant_a', 'SET ROLE podrec_user'), qr/^ERROR: permission denied to set role "podrec_user"/,
	'tenant A cannot become podrec_user');
like(as('tenant_a', 'SET ROLE sec_b'), qr/^ERROR: permission denied to set role "sec_b"/,
	"tenant A cannot become B's role");
like(as('tenant_a', 'SET SESSION AUTHORIZATION sec_b'), qr/^ERROR: permission denied to set session authorization/,
	"tenant A cannot become B's role by session authorization");
like(as('tenant_a', 'SET row_security = off; SELECT count(*) FROM podrec.items'),
	qr/^ERROR: query would be affected by row-level security policy for table "items"/,
	'row_security = off makes a tenant\'s query fail, not see more');
like(as('token_a', 'RESET ROLE; SELECT count(*) FROM podrec.items'), qr/^ERROR: permission denied/,
	'the authenticator without a role switch has no privilege of its own');
is(as('tenant_a', q{CREATE TEMP TABLE account_roles (role_name text, account_id text);
	INSERT INTO account_roles VALUES ('sec_a', 'acct_b');
	CREATE TEMP TABLE items AS SELECT 'acct_b'::text AS account_id;
	SET search_path = pg_temp, pg_catalog, public;
	SELECT podrec.current_account(), (SELECT count(*) FROM podrec_api.items), (SELECT count(*) FROM items)}),
	"acct_a|4|1", 'temporary tables named like podrec\'s change nothing');
$node->safe_psql('sec', 'ANALYZE podrec.items');
is(as('tenant_a', q{SELECT count(*) FROM pg_stats WHERE schemaname = 'podrec'}), '0',
	'pg_stats shows a tenant no statistics of podrec\'s tables (they hold values of every account)');
isnt($node->safe_psql('sec', q{SELECT count(*) FROM pg_stats WHERE schemaname = 'podrec'}), '0',
	'...which exist');
like(as('tenant_a', q{SELECT last_value FROM podrec.items_id_seq}), qr/^ERROR: permission denied for sequence items_id_seq/,
	'a tenant cannot read the sequence');
{
	my ($out, $err);
	my $ok = $node->run_log([ 'pg_dump', '-d', $node->connstr('sec'), '-U', 'sec_a', '--data-only', '-t', 'podrec.items' ]);
	ok(!$ok, 'pg_dump as a tenant fails rather than dump past row-level security');
	IPC::Run::run([ 'pg_dump', '-d', $node->connstr('sec'), '-U', 'sec_a', '--data-only', '--enable-row-security',
		'-t', 'podrec.items' ], '>', \$out, '2>', \$err);
	ok($out =~ /00000000000000000000a001/ && $out !~ /00000000000000000000b00/,
		'pg_dump --enable-row-security as a tenant dumps its own items only');
}

# ---------------------------------------------------------------------
# Hostile objects in public and pg_temp.
# ---------------------------------------------------------------------
$node->safe_psql('sec', 'GRANT CREATE ON SCHEMA public TO sec_outsider');
my @hostile_functions = (
	# name(args) returns, real call
	[ 'jsonb_typeof(jsonb)', 'text', 'pg_catalog.jsonb_typeof($1)' ],
	[ 'length(text)', 'int4', 'pg_catalog.length($1)' ],
	[ 'left(text, int4)', 'text', 'pg_catalog.left($1, $2)' ],
	[ 'lower(text)', 'text', 'pg_catalog.lower($1)' ],
	[ 'btrim(text)', 'text', 'pg_catalog.btrim($1)' ],
	[ 'format(text)', 'text', 'pg_catalog.format($1)' ],
	[ 'jsonb_array_length(jsonb)', 'int4', 'pg_catalog.jsonb_array_length($1)' ],
	[ 'now()', 'timestamptz', 'pg_catalog.now()' ],
	[ 'clock_timestamp()', 'timestamptz', 'pg_catalog.clock_timestamp()' ],
	[ 'current_setting(text)', 'text', 'pg_catalog.current_setting($1)' ],
	[ 'current_setting(text, bool)', 'text', 'pg_catalog.current_setting($1, $2)' ],
	[ 'set_config(text, text, bool)', 'text', 'pg_catalog.set_config($1, $2, $3)' ],
	[ 'nextval(regclass)', 'int8', 'pg_catalog.nextval($1)' ],
	[ 'pg_has_role(name, name, text)', 'bool', 'pg_catalog.pg_has_role($1, $2, $3)' ],
	[ 'date_trunc(text, timestamptz)', 'timestamptz', 'pg_catalog.date_trunc($1, $2)' ],
	[ 'to_char(timestamptz, text)', 'text', 'pg_catalog.to_char($1, $2)' ],
	[ 'cardinality(anyarray)', 'int4', 'pg_catalog.cardinality($1)' ],
	[ 'string_to_array(text, text)', 'text[]', 'pg_catalog.string_to_array($1, $2)' ],
	[ 'replace(text, text, text)', 'text', 'pg_catalog.replace($1, $2, $3)' ],
	[ 'substr(text, int4)', 'text', 'pg_catalog.substr($1, $2)' ],
	[ 'to_jsonb(anyelement)', 'jsonb', 'pg_catalog.to_jsonb($1)' ],
	[ 'generate_series(int4, int4)', 'SETOF int4', 'pg_catalog.generate_series($1, $2)' ],
	[ 'unnest(anyarray)', 'SETOF anyelement', 'pg_catalog.unnest($1)' ],
	[ 'jsonb_build_object(text, text)', 'jsonb', 'pg_catalog.jsonb_build_object($1, $2)' ],
	[ 'jsonb_path_match(jsonb, jsonpath, jsonb, bool)', 'bool', 'pg_catalog.jsonb_path_match($1, $2, $3, $4)' ],
	[ 'jsonb_path_exists(jsonb, jsonpath, jsonb, bool)', 'bool', 'pg_catalog.jsonb_path_exists($1, $2, $3, $4)' ],
	[ 'jsonb_path_query_first(jsonb, jsonpath, jsonb, bool)', 'jsonb', 'pg_catalog.jsonb_path_query_first($1, $2, $3, $4)' ],
	[ 'jsonb_set(jsonb, text[], jsonb, bool)', 'jsonb', 'pg_catalog.jsonb_set($1, $2, $3, $4)' ],
	# podrec's own names
	[ 'current_account()', 'text', q{'acct_b'::text} ],
	[ 'request_claim(text)', 'text', q{'acct_b'::text} ],
	[ 'is_admin()', 'bool', 'true' ],
	[ 'require_account()', 'text', q{'acct_b'::text} ],
	[ 'check_access()', 'bool', 'true' ],
	[ 'ingest_clip(text)', 'text', '$1' ],
	[ 'records_flatten(jsonb, text, text)', 'jsonb', '$1' ],
	[ 'matches(jsonb, text)', 'bool', 'true' ],
	[ 'filter_index_path(text)', 'jsonpath', q{'$'::pg_catalog.jsonpath} ],
	[ 'filter_index_path(jsonb)', 'jsonpath', q{'$'::pg_catalog.jsonpath} ],
	[ 'http_status(text)', 'int4', '200' ],
	[ 'raise_http(int4, text, text, text, text, jsonb)', 'void', 'NULL' ],
);
my @hostile_operators = (
	# operator, left, right, function behind it
	[ '=', 'text', 'text', 'texteq' ], [ '<>', 'text', 'text', 'textne' ],
	[ '~~', 'text', 'text', 'textlike' ], [ '||', 'text', 'text', 'textcat' ],
	[ '->', 'jsonb', 'text', 'jsonb_object_field' ], [ '->>', 'jsonb', 'text', 'jsonb_object_field_text' ],
	[ '||', 'jsonb', 'jsonb', 'jsonb_concat' ], [ '@>', 'jsonb', 'jsonb', 'jsonb_contains' ],
	[ '=', 'jsonb', 'jsonb', 'jsonb_eq' ], [ '@@', 'jsonb', 'jsonpath', 'jsonb_path_match_opr' ],
	[ '@?', 'jsonb', 'jsonpath', 'jsonb_path_exists_opr' ],
	[ '=', 'int4', 'int4', 'int4eq' ], [ '<>', 'int4', 'int4', 'int4ne' ], [ '>', 'int4', 'int4', 'int4gt' ],
	[ '<', 'int4', 'int4', 'int4lt' ], [ '+', 'int4', 'int4', 'int4pl' ], [ '-', 'int4', 'int4', 'int4mi' ],
	[ '=', 'int8', 'int8', 'int8eq' ], [ '=', 'name', 'name', 'nameeq' ], [ '=', 'name', 'text', 'nameeqtext' ],
	[ '=', 'timestamptz', 'timestamptz', 'timestamptz_eq' ], [ '<>', 'timestamptz', 'timestamptz', 'timestamptz_ne' ],
	[ '=', 'bool', 'bool', 'booleq' ],
);
my $hostile = q{
CREATE TABLE public.captured (who text, what text);
GRANT SELECT, INSERT ON public.captured TO PUBLIC;
CREATE FUNCTION public.capture(what text) RETURNS void LANGUAGE sql
	AS $$INSERT INTO public.captured VALUES (CURRENT_USER, capture.what)$$;
-- tables named like podrec's, one of them mapping tenant A to account B
CREATE TABLE public.account_roles (role_name text, account_id text);
INSERT INTO public.account_roles VALUES ('sec_a', 'acct_b');
CREATE TABLE public.items (account_id text, doc jsonb);
CREATE TABLE public.accounts (id text, name text);
CREATE TABLE public.flows (id text, account_id text);
GRANT SELECT ON public.account_roles, public.items, public.accounts, public.flows TO PUBLIC;
};
my $n = 0;
foreach my $f (@hostile_functions)
{
	my ($sig, $ret, $call) = @$f;
	my $body = "SELECT public.capture('$sig'); SELECT $call";
	$hostile .= "CREATE FUNCTION public.$sig RETURNS $ret LANGUAGE sql AS \$h\$$body\$h\$;\n";
}
foreach my $o (@hostile_operators)
{
	my ($op, $l, $r, $fn) = @$o;
	$n++;
	$hostile .= "CREATE FUNCTION public.hostile_op_$n($l, $r) RETURNS "
	  . ($fn =~ /^(textcat)$/ ? 'text' : $fn =~ /^(jsonb_object_field|jsonb_concat)$/ ? 'jsonb'
		: $fn eq 'jsonb_object_field_text' ? 'text' : $fn =~ /^int4(pl|mi)$/ ? 'int4' : 'bool')
	  . " LANGUAGE sql AS \$h\$SELECT public.capture('$op($l,$r)'); SELECT pg_catalog.$fn(\$1, \$2)\$h\$;\n"
	  . "CREATE OPERATOR public.$op (LEFTARG = $l, RIGHTARG = $r, FUNCTION = public.hostile_op_$n);\n";
}
my ($ret, $out, $err) = run('outsider', $hostile);
is($ret, 0, 'an unprivileged role plants ' . scalar(@hostile_functions) . ' functions, '
	. scalar(@hostile_operators) . ' operators and 4 tables in public') or diag($err);

my $hostile_path = 'SET search_path = public, pg_catalog, podrec, podrec_api;';
my $captured = q{SELECT count(*) || ' ' || coalesce(string_agg(DISTINCT what, ', ' ORDER BY what), '') FROM public.captured};

# The trap works: unqualified SQL run with that search_path is captured.
is(as('tenant_a', qq{$hostile_path
	SELECT length('x') OPERATOR(pg_catalog.=) 1, 'a' = 'a', (SELECT count(*) FROM account_roles);
	RESET search_path; $captured}), "t|t|1\n2 =(text,text), length(text)",
	'the hostile objects capture unqualified calls');
$node->safe_psql('sec', 'TRUNCATE public.captured');

# Everything podrec offers, called with that search_path. The calls are written
# schema-qualified, as the caller's own SQL must be.
my @calls = (
	q{SELECT podrec.current_account(), podrec.check_access(), podrec.is_admin()},
	q{SELECT podrec_api.me()},
	q{SELECT pg_catalog.count(*), pg_catalog.string_agg(i.uid, ',') FROM podrec_api.items AS i},
	q{SELECT i.record FROM podrec_api.items AS i WHERE i.uid OPERATOR(pg_catalog.=) '00000000000000000000a001'},
	q{SELECT pg_catalog.count(*) FROM podrec.items AS i WHERE podrec.matches(i.doc, 'n == 1')},
	q{SELECT pg_catalog.count(*) FROM podrec.items AS i WHERE podrec.matches(i.doc, '{"n": {"operator": "gte", "value": [2]}}'::pg_catalog.jsonb)},
	q{SELECT pg_catalog.count(*) FROM podrec.items AS i WHERE podrec.matches(i.doc, 'AGE > 1', pg_catalog.now())},
	q{SELECT pg_catalog.count(*) FROM podrec.items AS i WHERE podrec.matches(i.doc, '[{"field_id": "n", "operator": "EQUAL", "value": "2"}]'::pg_catalog.jsonb, pg_catalog.now())},
	q{SELECT podrec.records_flatten('{"a": [{"flow_step_id": "s", "b": 1}], "c": {"d": [1, 2]}}')},
	q{SELECT podrec.records_unflatten('{"a.s.b": 1, "c.d.1": 1}')},
	q{SELECT pg_catalog.count(*) FROM podrec.records_flatten_each('{"a": {"b": 1, "c": 2}}')},
	q{SELECT podrec.flat_get('{"a": [{"flow_step_id": "s", "b": 1}]}', 'a.s.b')},
	q{SELECT podrec.filter_compile('n == 1 AND EXISTS a.b'), podrec.filter_compile('{"n": {"operator": "in", "value": [1, 2]}}'::pg_catalog.jsonb)},
	q{SELECT podrec.filter_index_path('n=eq.1'), podrec.filter_index_path('[{"field_id": "n", "operator": "EQUAL", "value": "1"}]'::pg_catalog.jsonb)},
	q{SELECT podrec.filter_explain('n == 1'), podrec.filter_explain('{"n": {"operator": "", "value": 1}}'::pg_catalog.jsonb)},
	q{SELECT podrec.filter_resolve('[{"field_id": "5", "operator": "EQUAL", "value": "1"}]', '{"5": {"key": "n", "type": "NUMBER"}}')},
	q{SELECT podrec.uid_new(), podrec.uid_new('d'), podrec.iso_timestamp('2025-03-05T14:38:22.903')},
	q{SELECT (podrec.item_put('fa', '{"_id": "00000000000000000000a005", "created_at": "2025-01-05", "n": 5}')).uid},
	q{SELECT (podrec.item_put('fa', '{"_id": "00000000000000000000a005", "n": 6}', 'error', true)).status},
	q{SELECT pg_catalog.count(*) FROM podrec.items_put('[{"_id": "00000000000000000000a006", "created_at": "2025-01-06"}, {"n": 7}]', 'fa')},
	q{SELECT pg_catalog.count(*) FROM podrec.items_put('[{"id": "d00000000000000000000a007", "creationDate": 1420740176213, "elems": {"a": 1}}]', 'fa')},
	q{SELECT (podrec.flow_put('fa2', 'acct_a', 'Second', '/alpha/second')).id},
	q{SELECT * FROM podrec.rate_limit_take('sec-key'), podrec.rate_limit_peek('sec-key')},
	q{SELECT pg_catalog.set_config('request.headers', '{"authorization": "Bearer t", "x-forwarded-for": "192.0.2.1"}', false) IS NULL, podrec.pre_request()},
	q{SELECT podrec.http_status('22023'), podrec.http_status('P0002')},
	# record types and records, through the SQL functions and the Tines API
	q{SELECT podrec.record_type_create(podrec.uid_new('sp'), '[{"name": "A", "result_type": "TEXT"}, {"name": "N", "result_type": "NUMBER"}, {"name": "E", "result_type": "TEXT_ENUM", "fixed_values": ["x", "y"]}, {"name": "F", "result_type": "ARTIFACT"}, {"name": "C", "result_type": "NUMBER", "computed": "$.N * 2"}]', 'acct_a') IS NOT NULL},
	q{SELECT pg_catalog.count(*) FROM (SELECT pg_catalog.max(t.id) AS id FROM podrec.record_types AS t) AS t, podrec.records_create(t.id, '[{"A": "x", "N": 1, "E": "x", "F": "data"}, {"A": "y", "N": 2}]', 'fa') AS r},
	q{SELECT podrec.records_list(pg_catalog.jsonb_build_object('record_type_id', t.id, 'per_page', 5, 'filters', '[{"field_id": "A", "operator": "EQUAL", "value": "x"}, {"field_id": "N", "operator": "GREATER_THAN", "value": 0}]'::pg_catalog.jsonb)) IS NOT NULL FROM (SELECT pg_catalog.max(t.id) AS id FROM podrec.record_types AS t) AS t},
	q{SELECT podrec.record_get((SELECT pg_catalog.max(i.id) FROM podrec.items AS i WHERE i.record_type_id IS NOT NULL)) IS NOT NULL},
	q{SELECT podrec.record_update_tines((SELECT pg_catalog.max(i.id) FROM podrec.items AS i WHERE i.record_type_id IS NOT NULL), '{"field_values": [{"field_id": "A", "value": "z"}, {"field_id": "E", "value": "y"}]}') IS NOT NULL},
	q{SELECT podrec.record_create_tines(pg_catalog.jsonb_build_object('record_type_id', (SELECT pg_catalog.max(t.id) FROM podrec.record_types AS t), 'field_values', '[{"field_id": "A", "value": "t"}, {"field_id": "N", "value": "3"}]'::pg_catalog.jsonb)) IS NOT NULL},
	q{SELECT podrec.record_type_get((SELECT pg_catalog.max(t.id) FROM podrec.record_types AS t)) IS NOT NULL, (SELECT pg_catalog.count(*) FROM podrec.record_type_list('acct_a') AS l)},
	q{SELECT podrec.record_type_alter((SELECT pg_catalog.max(t.id) FROM podrec.record_types AS t), '{"add_fields": [{"name": "B", "result_type": "BOOLEAN"}]}') IS NOT NULL},
	q{SELECT podrec.artifact_get((SELECT pg_catalog.max(a.id) FROM podrec.artifacts AS a)) IS NOT NULL},
	q{SELECT podrec.record_delete((SELECT pg_catalog.max(i.id) FROM podrec.items AS i WHERE i.record_type_id IS NOT NULL))},
);
my @tenant_calls = (
	q{SELECT podrec.require_account()},
);
my @admin_calls = (
	q{SELECT (podrec.account_put('acct_c', 'Gamma')).id},
	q{SELECT pg_catalog.count(*) FROM podrec.security_audit()},
	q{SELECT podrec.rate_limit_reset('sec-key'), (SELECT capacity FROM podrec.rate_limit_status())},
);
my @failing_calls = (
	[ q{SELECT podrec.raise_http(404, 'P0002', 'not found', 'a detail', 'a hint', '{"X-A": "1"}')}, qr/ERROR:  \{"code": "P0002"/ ],
	[ q{SELECT podrec.raise_api_error('0A000', 'not implemented')}, qr/ERROR:  \{"code": "0A000"/ ],
	[ q{SELECT podrec.raise_api_error('42501', 'denied', 'a detail')}, qr/ERROR:  denied/ ],
	[ q{SELECT podrec.item_put('nope', '{}')}, qr/ERROR:  flow "nope" does not exist/ ],
	[ q{SELECT podrec.items_put('[{"_id": "bad"}]', 'fa')}, qr/ERROR:  invalid _id/ ],
	[ q{SELECT podrec.flow_put('fa', 'acct_a', NULL, 'no-slash')}, qr/ERROR:  invalid flow path/ ],
	[ q{SELECT podrec.matches('{}', 'AGE > 1')}, qr/ERROR:  AGE conditions need a reference time/ ],
);
foreach my $caller ('tenant_a', 'token_a', 'admin')
{
	foreach my $call (@calls, ($caller eq 'admin' ? @admin_calls : @tenant_calls))
	{
		my ($r, $o, $e) = run($caller, "$hostile_path\n$call;");
		is($r, 0, "$caller: $call") or diag($e);
	}
	foreach my $fc (@failing_calls)
	{
		my ($r, $o, $e) = run($caller, "$hostile_path\n$fc->[0];");
		like($e, $fc->[1], "$caller: $fc->[0] fails as it should");
	}
	is(as($caller, "$hostile_path\nSELECT podrec.current_account()"),
		$caller eq 'admin' ? '' : 'acct_a', "$caller: public.account_roles does not change the account");
}
# The superuser's own paths: tenancy on every table, the audit, and the install script.
{
	my ($r, $o, $e) = $node->psql('sec', "$hostile_path
		SELECT podrec.tenancy_apply('podrec.items'), podrec.tenancy_apply_all();
		SELECT count(*) FROM podrec.security_audit();");
	is($r, 0, 'the superuser runs tenancy_apply and the audit with that search_path') or diag($e);
	($r, $o, $e) = $node->psql('sec', "$hostile_path
		DROP EXTENSION podrec CASCADE;
		CREATE EXTENSION podrec;
		SELECT podrec.account_put('acct_a'), podrec.flow_put('fa', 'acct_a');
		SELECT podrec.item_put('fa', '{\"n\": 1}');");
	is($r, 0, 'CREATE EXTENSION with that search_path') or diag($e);
}
is($node->safe_psql('sec', $captured), '0 ', 'no podrec function, view, policy or script called a hostile object');

# pg_temp: functions there are found only when the search_path names pg_temp
# first; podrec's functions put it last.
$node->safe_psql('sec', q{INSERT INTO podrec.account_roles VALUES ('sec_a', 'acct_a')});
is(as('tenant_a', q{
	CREATE FUNCTION pg_temp.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql AS $$SELECT public.capture('pg_temp.jsonb_typeof'); SELECT 'object'::text$$;
	CREATE FUNCTION pg_temp.length(text) RETURNS int4 LANGUAGE sql AS $$SELECT public.capture('pg_temp.length'); SELECT 1$$;
	CREATE FUNCTION pg_temp.current_account() RETURNS text LANGUAGE sql AS $$SELECT 'acct_b'$$;
	SET search_path = pg_temp, public, pg_catalog, podrec;
	SELECT podrec.current_account(), (podrec.item_put('fa', '{"n": 2}')).account_id, podrec.ingest_clip('abc');
	RESET search_path;
	SELECT count(*) FROM public.captured}), "acct_a|acct_a|abc\n0", 'hostile temporary functions are not called either');

# ---------------------------------------------------------------------
# Malicious filters and field names read nothing of another account.
# ---------------------------------------------------------------------
$node->safe_psql('sec', q{
	SELECT podrec.account_put('acct_b', 'Beta');
	SELECT podrec.flow_put('fb', 'acct_b');
	SELECT count(*) FROM podrec.items_put('[
	  {"_id": "00000000000000000000b001", "n": 1, "secret": "b-secret", "barcode_scanning": [{"flow_step_id": "b", "code": "X1"}]},
	  {"_id": "00000000000000000000b002", "n": 2, "secret": "b-secret-2", "secret\") || exists($.secret": "x"}]', 'fb');
	SELECT count(*) FROM podrec.items_put('[
	  {"_id": "00000000000000000000a001", "n": 1, "barcode_scanning": [{"flow_step_id": "b", "code": "X1"}]},
	  {"_id": "00000000000000000000a002", "n": 2, "secret\") || exists($.secret": "a-own"}]', 'fa');
	INSERT INTO podrec.account_roles VALUES ('sec_b', 'acct_b') ON CONFLICT DO NOTHING;
});
my $before_filters = $node->safe_psql('sec', $fingerprint);
my @filters = (
	q{[{"field_id": "secret\") || exists($.secret", "operator": "IS_NOT_EMPTY"}]},
	q{[{"field_id": "n", "operator": "EQUAL", "value": "1\" || @ != \""}]},
	q{[{"field_id": "secret", "operator": "IS_NOT_EMPTY"}]},
	q{{"secret\" || $ ? (@.secret": {"operator": "", "value": "b-secret"}}},
	q{{"secret": {"operator": "startswith", "value": ["b-"]}}},
	q{secret == "b-secret" OR EXISTS secret OR n > 0},
	q{EXISTS secret") || exists($.secret},
	q{secret=eq.b-secret'); DELETE FROM podrec.items; --},
	q{secret=like.*&n=gte.0},
	q{$.** ? (@ == "b-secret")},
	q{barcode_scanning.b.code == "X1"},
	q{["secret"] =~ /.*/},
);
foreach my $f (@filters)
{
	(my $lit = $f) =~ s/'/''/g;
	my $q = "SELECT coalesce(string_agg(uid, ',' ORDER BY uid), '') FROM podrec.items WHERE podrec.matches(doc, '$lit')";
	my $truth_a;
	$truth_a = $node->safe_psql('sec', "$q AND account_id = 'acct_a'") if $node->psql('sec', $q) == 0;
	foreach my $caller ('tenant_a', 'token_a')
	{
		my $got = as($caller, $q);
		if (defined $truth_a)
		{
			is($got, $truth_a, "$caller: filter $f matches A's items only, as on A's rows alone");
		}
		else
		{
			like($got, qr/^ERROR: /, "$caller: filter $f is refused");
			unlike($got, qr/b-secret|00000000000000000000b/, "$caller: ...and the error tells nothing of B");
		}
	}
}
# A field name is a flat key whatever it contains: quotes and jsonpath in it stay
# inside quoted segments (the dot separates two), so the filter matches the item
# with exactly that nesting and no other.
is($node->safe_psql('sec', q{
	SELECT podrec.filter_compile(f)::text, podrec.matches('{"secret\") || exists($": {"secret": "x"}}', f),
		podrec.matches('{"secret": "x"}', f), podrec.matches('{"secret\") || exists($.secret": "x"}', f)
	FROM (SELECT '[{"field_id": "secret\") || exists($.secret", "operator": "EQUAL", "value": "x"}]'::jsonb AS f) AS s}),
	'($."secret\") || exists($"."secret" == "x")|t|f|f', 'a field name with quotes and jsonpath in it is quoted key segments');
is($node->safe_psql('sec', $fingerprint), $before_filters, 'the filters changed nothing');

# ---------------------------------------------------------------------
# A tenant's record types may have indexed fields: the record type is made and
# works at once; the index, which only the owner of podrec.items can build,
# waits for an administrator, and a notice says so.
# ---------------------------------------------------------------------
my $index_of = q{SELECT coalesce(string_agg(f.name || '=' || (to_regclass('podrec.' || podrec.record_field_index_name(f.id)) IS NOT NULL), ',' ORDER BY f.id), '')
	FROM podrec.record_fields AS f WHERE f.record_type_id = %s AND f.indexed};
foreach my $caller ('tenant_a', 'token_a')
{
	my ($ret, $out, $err) = run($caller, qq{SELECT podrec.record_type_create('Indexed by $caller', '[{"name": "N", "result_type": "NUMBER", "indexed": true}, {"name": "T", "result_type": "TEXT", "indexed": true}]') ->> 'id'});
	is($ret, 0, "$caller: record_type_create with indexed fields succeeds") or diag($err);
	like($err, qr/NOTICE:  the indexes of fields \d+ \(N\), \d+ \(T\) of record type $out wait for an administrator/,
		"$caller: a notice says that the indexes wait for an administrator");
	is($node->safe_psql('sec', sprintf($index_of, $out)), 'N=false,T=false', "$caller: no index was built");
	is(as($caller, qq{SELECT count(*) FROM podrec.records_create($out, '[{"N": 2, "T": "b"}, {"N": 1, "T": "a"}]')}), '2',
		"$caller: records of the type are created");
	my $field = $node->safe_psql('sec', "SELECT id FROM podrec.record_fields WHERE record_type_id = $out AND name = 'N'");
	is(as($caller, qq{SELECT string_agg(r ->> 'id', ',') FROM jsonb_array_elements(podrec.records_list('{"record_type_id": $out, "order_field_id": $field, "order_direction": "ASC"}') -> 'record_results') AS r}),
		$node->safe_psql('sec', "SELECT string_agg(id::text, ',' ORDER BY (doc ->> 'N')::int) FROM podrec.items WHERE record_type_id = $out"),
		"$caller: and listed in the order of the indexed field, without its index");
	like(as('tenant_b', qq{SELECT podrec.records_list('{"record_type_id": $out}')}), qr/^ERROR: record type $out does not exist/,
		"$caller: the other account does not see the type");
	my ($ret2, $out2, $err2) = run($caller, qq{SELECT podrec.record_type_alter($out, '{"alter_fields": [{"field": "T", "indexed": false}]}') ->> 'id'});
	is($ret2, 0, "$caller: record_type_alter of indexed fields succeeds") or diag($err2);
	is(as($caller, q{SELECT podrec.record_type_install('request_logs', 'Logs ' || pg_backend_pid()) IS NOT NULL}), 't',
		"$caller: record_type_install of a template with indexed fields succeeds");
	$node->safe_psql('sec', "SELECT podrec.record_indexes_sync($out)");
	is($node->safe_psql('sec', sprintf($index_of, $out)), 'N=true', "$caller: an administrator's record_indexes_sync builds the index that waits");
}
# A role without the owner's privileges cannot create the indexes some other way.
like(as('tenant_a', q{CREATE INDEX sec_idx ON podrec.items (id)}), qr/^ERROR: must be owner of table items/,
	'a tenant cannot create an index on podrec.items itself');

# ---------------------------------------------------------------------
# The install: roles, notification, SECURITY DEFINER, the audit.
# ---------------------------------------------------------------------
is($node->safe_psql('sec', q{SELECT count(*) FROM pg_proc
	WHERE pronamespace IN ('podrec'::regnamespace, 'podrec_api'::regnamespace) AND prosecdef}),
	'0', 'no podrec function is SECURITY DEFINER');
is($node->safe_psql('sec', q{SELECT count(*) FROM podrec.security_audit() WHERE kind = 'object'}), '0',
	'the audit finds no open object');
is($node->safe_psql('sec', q{SELECT string_agg(object || ': ' || problem, '; ') FROM podrec.security_audit()}), '',
	'nor a role that could act for any account');
$node->safe_psql('sec', 'GRANT podrec_user TO sec_b');
like($node->safe_psql('sec', q{SELECT string_agg(object || ': ' || problem, '; ') FROM podrec.security_audit()}),
	qr/^sec_b: inherits podrec_user/, 'the audit names an application role that was granted podrec_user');
$node->safe_psql('sec', 'REVOKE podrec_user FROM sec_b');

$node->safe_psql('postgres', 'CREATE DATABASE second');
like($node->safe_psql('second', 'LISTEN pgrst; CREATE EXTENSION podrec;'),
	qr/Asynchronous notification "pgrst" with payload "reload schema" received/,
	'a second database installs podrec with the roles already there, and tells PostgREST to reload');
is($node->safe_psql('second', q{SELECT count(*) FROM pg_roles WHERE rolname LIKE 'podrec\_%' AND rolcanlogin}), '0',
	'no podrec role can log in');
$node->safe_psql('second', 'DROP EXTENSION podrec');
is($node->safe_psql('second', q{SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles
	WHERE rolname IN ('podrec_anon', 'podrec_user', 'podrec_app', 'podrec_admin')}),
	'podrec_admin,podrec_anon,podrec_app,podrec_user', 'DROP EXTENSION leaves the roles (they are the cluster\'s)');
$node->safe_psql('second', 'ALTER ROLE podrec_user LOGIN');
($ret, $out, $err) = $node->psql('second', 'CREATE EXTENSION podrec');
like($err, qr/ERROR:  role "podrec_user" must not be a login, superuser or BYPASSRLS role/,
	'the install refuses a podrec_user that can log in');
$node->safe_psql('second', 'ALTER ROLE podrec_user NOLOGIN; ALTER ROLE podrec_anon BYPASSRLS');
($ret, $out, $err) = $node->psql('second', 'CREATE EXTENSION podrec');
like($err, qr/ERROR:  role "podrec_anon" must not be a login, superuser or BYPASSRLS role/,
	'the install refuses a podrec_anon that bypasses row-level security');
$node->safe_psql('second', 'ALTER ROLE podrec_anon NOBYPASSRLS; CREATE EXTENSION podrec');

# ---------------------------------------------------------------------
# Every table and every role again, now that every table holds rows of both
# accounts (record types, fields, records, artifacts): no caller but the
# administrator and B's own reads, writes, moves or plants a row of account
# B, directly or through a podrec function given B's ids.
# ---------------------------------------------------------------------
$node->safe_psql('sec', q{
	SELECT podrec.record_type_create('Secret ' || a, '[{"name": "S", "result_type": "TEXT", "indexed": true}, {"name": "F", "result_type": "ARTIFACT"}]', 'acct_' || a) IS NOT NULL
	FROM (VALUES ('a'), ('b')) AS v (a);
	SELECT count(*) FROM (VALUES ('a'), ('b')) AS v (a),
		podrec.records_create((SELECT id FROM podrec.record_types WHERE name = 'Secret ' || a),
			pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('S', a || '-secret', 'F', a || '-file')), 'f' || a);
	-- a pending create of each account in the inbox of typed creates
	INSERT INTO podrec.record_inbox (account_id, record_type_id, unique_id, payload)
		SELECT 'acct_' || a, (SELECT id FROM podrec.record_types WHERE name = 'Secret ' || a), a || '-pending', '{"S": "pending"}'
		FROM (VALUES ('a'), ('b')) AS v (a);
});
my %b_ids = map { split /=/ } split /\n/, $node->safe_psql('sec', q{
	SELECT 'type=' || id FROM podrec.record_types WHERE name = 'Secret b'
	UNION ALL SELECT 'record=' || max(i.id) FROM podrec.items AS i JOIN podrec.record_types AS t ON t.id = i.record_type_id WHERE t.name = 'Secret b'
	UNION ALL SELECT 'artifact=' || max(id) FROM podrec.artifacts WHERE account_id = 'acct_b'
	UNION ALL SELECT 'field=' || max(id) FROM podrec.record_fields WHERE account_id = 'acct_b'});
my @tenant_tables = split /\n/, $node->safe_psql('sec', q{
	SELECT c.relname || ' ' || CASE WHEN c.relname = 'accounts' THEN 'id' ELSE 'account_id' END
	FROM pg_class AS c WHERE c.relnamespace = 'podrec'::regnamespace AND c.relkind IN ('r', 'p')
	AND (c.relname = 'accounts' OR EXISTS (SELECT FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attname = 'account_id' AND NOT a.attisdropped))
	ORDER BY c.relname});
my $every_row = 'SELECT md5(string_agg(t, \';\' ORDER BY t)) FROM (' . join(' UNION ALL ', map {
	my ($t) = split / /; "SELECT '$t:' || x::text AS t FROM podrec.$t AS x" } @tenant_tables) . ') AS s';
my $before_all = $node->safe_psql('sec', $every_row);
my $checks = 0;
foreach my $tc (@tenant_tables)
{
	my ($table, $col) = split / /, $tc;
	is($node->safe_psql('sec', "SELECT count(DISTINCT $col) FROM podrec.$table WHERE $col IN ('acct_a', 'acct_b')"), '2',
		"podrec.$table holds rows of both accounts");
	# A row of B as JSON, without the columns the table makes itself.
	my $cols = $node->safe_psql('sec', qq{SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
		WHERE attrelid = 'podrec.$table'::regclass AND attnum > 0 AND NOT attisdropped AND attidentity = '' AND attgenerated = ''});
	(my $b_row = $node->safe_psql('sec', "SELECT to_jsonb(x) FROM podrec.$table AS x WHERE $col = 'acct_b' LIMIT 1")) =~ s/'/''/g;
	foreach my $caller (sort keys %callers)
	{
		next if $caller eq 'admin' || $acts_for{$caller} eq 'acct_b';
		my $denied = qr/^ERROR: permission denied/;
		my $got = as($caller, "SELECT count(*) FROM podrec.$table WHERE $col = 'acct_b'");
		ok($got eq '0' || $got =~ $denied, "$caller reads no row of account B in podrec.$table") or diag($got);
		$got = as($caller, "UPDATE podrec.$table SET $col = $col WHERE $col = 'acct_b'");
		ok($got eq '' || $got =~ $denied, "$caller updates no row of account B in podrec.$table") or diag($got);
		$got = as($caller, "DELETE FROM podrec.$table WHERE $col = 'acct_b'");
		ok($got eq '' || $got =~ $denied, "$caller deletes no row of account B in podrec.$table") or diag($got);
		$got = as($caller, "INSERT INTO podrec.$table ($cols) SELECT $cols FROM pg_catalog.jsonb_populate_record(NULL::podrec.$table, '$b_row')");
		like($got, qr/^ERROR: (new row violates row-level security policy|permission denied)/,
			"$caller cannot insert a row of account B into podrec.$table");
		$got = as($caller, "UPDATE podrec.$table SET $col = 'acct_b' WHERE $col = 'acct_a'");
		like($got, $acts_for{$caller} eq 'acct_a' ? qr/^ERROR: (new row violates row-level security policy|permission denied)/
			: qr/^(ERROR: permission denied.*|)$/, "$caller cannot move a row into account B in podrec.$table");
		$checks += 5;
	}
}
# B's ids given to podrec's functions.
my @by_id = (
	"SELECT podrec.record_get($b_ids{record})",
	"SELECT podrec.record_get($b_ids{record}, '{$b_ids{field}}')",
	"SELECT podrec.record_type_get($b_ids{type})",
	"SELECT podrec.artifact_get($b_ids{artifact})",
	qq{SELECT podrec.records_list('{"record_type_id": $b_ids{type}}')},
	qq{SELECT podrec.records_list('{"record_field_ids": [$b_ids{field}]}')},
	qq{SELECT podrec.records_create($b_ids{type}, '[{"S": "planted"}]')},
	qq{SELECT podrec.record_create_tines('{"record_type_id": $b_ids{type}, "field_values": [{"field_id": "S", "value": "planted"}]}')},
	qq{SELECT podrec.record_update($b_ids{record}, '{"S": "changed"}')},
	qq{SELECT podrec.record_update_tines($b_ids{record}, '{"field_values": [{"field_id": "S", "value": "changed"}]}')},
	qq{SELECT podrec.record_type_alter($b_ids{type}, '{"name": "mine"}')},
	"SELECT podrec.record_type_drop($b_ids{type}, true)",
	"SELECT podrec.record_delete($b_ids{record})",
	q{SELECT podrec.record_type_create('Planted', '[]', 'acct_b')},
	q{SELECT count(*) FROM podrec.record_type_list('acct_b')},
);
foreach my $caller ('tenant_a', 'token_a', 'token_none', 'unmapped', 'anon')
{
	foreach my $q (@by_id)
	{
		my $got = as($caller, $q);
		ok(($got =~ /^ERROR: / || $got eq '0') && $got !~ /b-secret|b-file/, "$caller: $q reaches nothing of account B")
		  or diag($got);
		$checks++;
	}
}
is($node->safe_psql('sec', $every_row), $before_all, 'every row of every tenant table is as it was');
diag("security: " . scalar(@tenant_tables) . " tenant tables, " . scalar(grep { $_ ne 'admin' } keys %callers)
	. " kinds of caller, $checks checks of rows and functions against account B");

$node->stop;
done_testing();
