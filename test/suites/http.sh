#!/usr/bin/env bash
# needs: root (installs PostgREST into /var/cache; the server itself runs as postgres)
#
# HTTP tests against a real PostgREST 12.0.2. For every directory test/http/cases/NAME:
# create the database podrec_http_NAME in the cluster that PGHOST/PGPORT/PGUSER name
# (test/check.sh exports them), load test/http/fixture_NAME.sql into it, start PostgREST
# on it (settings from test/http/cases/NAME/postgrest.env, if present), run the cases
# with test/http/run-cases.mjs, stop PostgREST. Against the first server it also runs
# test/http/selftest, whose cases must all fail. Adding a fixture and a case directory
# adds a run; nothing here needs to change.
#
#   PODREC_HTTP_PORT     PostgREST's port (default: the first free port after PGPORT)
#   PODREC_HTTP_LOG_DIR  where the logs go (default: a new /tmp/podrec-http.XXXXXX)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
http=$top/test/http

psql=psql
[ -z "${PG_CONFIG:-}" ] || psql=$("$PG_CONFIG" --bindir)/psql
logdir=${PODREC_HTTP_LOG_DIR:-$(mktemp -d /tmp/podrec-http.XXXXXX)}
mkdir -p "$logdir"
chmod 755 "$logdir"
echo "http: logs in $logdir"

# fail MESSAGE: report and stop the suite.
fail() {
	echo "http: $*" >&2
	echo "http: logs in $logdir" >&2
	exit 1
}

# free_port FROM: print the first port from FROM on that nothing listens on at 127.0.0.1.
free_port() {
	local p
	for p in $(seq "$1" $(($1 + 20))); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

# selftest: run the must-fail cases; succeed when the runner failed every one of them.
selftest() {
	local out=$logdir/selftest.out rc total
	node "$http/run-cases.mjs" "$http/selftest" >"$out" 2>&1
	rc=$?
	total=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out")
	if [ "$rc" -eq 1 ] && [ -n "$total" ] && [ "$total" -gt 0 ] && ! grep -q '^ok ' "$out" &&
		[ "$(grep -c '^not ok ' "$out")" -eq "$total" ]; then
		echo "http: selftest: the runner reported all $total broken cases as failures"
		return 0
	fi
	echo "http: selftest: the runner passed a case that must fail (exit $rc):" >&2
	grep '^ok ' "$out" >&2
	echo "(full output: $out)" >&2
	return 1
}

# run_dir NAME PORT: fixture, server and cases of test/http/cases/NAME; the result is the runner's.
run_dir() (
	local name=$1 db=podrec_http_$1 fixture=$http/fixture_$1.sql rc
	[[ $name =~ ^[a-z0-9_]+$ ]] || { echo "http: $name: name a case directory with a-z, 0-9 and _ only" >&2; return 1; }
	[ -f "$fixture" ] || { echo "http: $name: no fixture $fixture" >&2; return 1; }
	if [ -f "$http/cases/$name/postgrest.env" ]; then
		set -a
		# shellcheck source=/dev/null
		. "$http/cases/$name/postgrest.env"
		set +a
	fi
	# These four are the suite's to choose, whatever postgrest.env says.
	export PODREC_PGRST_DB=$db PODREC_PGRST_PORT=$2 PODREC_PGRST_DIR=$logdir/$name PODREC_PGRST_BIN=$bin
	"$psql" -X -q -d postgres -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" ||
		{ echo "http: $name: cannot create the database $db" >&2; return 1; }
	"$psql" -X -q -d "$db" -v ON_ERROR_STOP=1 -f "$fixture" >"$logdir/$name.fixture.log" 2>&1 || {
		echo "http: $name: loading $fixture failed:" >&2
		cat "$logdir/$name.fixture.log" >&2
		return 1
	}
	trap '"$http/postgrest.sh" stop' EXIT
	"$http/postgrest.sh" start >/dev/null || return 1
	set -a
	# shellcheck source=/dev/null
	. "$PODREC_PGRST_DIR/env"
	set +a
	node "$http/run-cases.mjs" "$http/cases/$name" | tee "$logdir/$name.out"
	rc=${PIPESTATUS[0]}
	if [ "$name" = "$first" ]; then
		selftest || rc=1
	fi
	[ "$rc" -eq 0 ] || echo "http: $name: failed; PostgREST's log: $PODREC_PGRST_DIR/postgrest.log" >&2
	return "$rc"
)

command -v node >/dev/null || fail "node is not installed (test/lib.sh install_deps installs it)"
command -v curl >/dev/null || fail "curl is not installed (test/lib.sh install_deps installs it)"
bin=$("$http/install-postgrest.sh") || fail "cannot install PostgREST"
port=${PODREC_HTTP_PORT:-$(free_port $((${PGPORT:-5432} + 1)))} || fail "no free port after ${PGPORT:-5432}"

dirs=()
for d in "$http"/cases/*/; do
	[ -d "$d" ] && dirs+=("$(basename "$d")")
done
[ ${#dirs[@]} -gt 0 ] || fail "no case directories under $http/cases"
first=${dirs[0]}

failed=()
for name in "${dirs[@]}"; do
	echo "http: $name (fixture_$name.sql, PostgREST on 127.0.0.1:$port)"
	run_dir "$name" "$port" || failed+=("$name")
done
[ ${#failed[@]} -eq 0 ] || fail "failed: ${failed[*]}"
echo "http: ${#dirs[@]} case directories passed; logs in $logdir"
