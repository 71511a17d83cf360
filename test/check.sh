#!/usr/bin/env bash
# Runs every podrec test on this machine: installs what is missing, builds with
# -Werror, installs, starts a throwaway cluster and runs the regression,
# isolation and TAP suites plus every script in test/suites. Run as root.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

[ "$(id -u)" = 0 ] || { echo "test/check.sh: run as root (it installs packages and starts servers as postgres)" >&2; exit 1; }
install_deps || { echo "check: 0 passed, 1 failed"; exit 1; }
build_and_install || { echo "check: 0 passed, 1 failed"; exit 1; }

work=$(mktemp -d /tmp/podrec-check.XXXXXX)
port=${PODREC_TEST_PORT:-55432}
cp -a . "$work/tree"
chown -R postgres "$work"
start_cluster "$work/pg" "$port" || { cat "$work/pg/server.log"; exit 1; }
trap 'stop_cluster "$work/pg"' EXIT

export PGHOST=$work/pg PGPORT=$port PGUSER=postgres PG_CONFIG
passed=0 failed=0 failures=()

# run_suite NAME COMMAND...: run one suite as postgres in the test tree, count it.
run_suite() {
	local name=$1
	shift
	log "suite: $name"
	if runuser -u postgres --preserve-environment -- env HOME=/tmp "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

cd "$work/tree"
run_suite regression sh -c 'make -s installcheck ISOLATION= TAP_TESTS= || { cat regression.diffs; exit 1; }'
if [ -n "$(ls test/isolation/specs/*.spec 2>/dev/null)" ]; then
	run_suite isolation sh -c 'make -s installcheck REGRESS= TAP_TESTS= || { cat output_iso/regression.diffs; exit 1; }'
fi
if [ -n "$(ls test/t/*.pl 2>/dev/null)" ]; then
	run_suite tap make -s prove_installcheck
fi
for suite in test/suites/*.sh; do
	[ -e "$suite" ] || continue
	# Suites that need root for installs say so in their first lines and run as root.
	if grep -q '^# needs: root' "$suite"; then
		log "suite: $suite (as root)"
		if bash "$suite"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$suite"); fi
	else
		run_suite "$suite" bash "$suite"
	fi
done

[ ${#failures[@]} -eq 0 ] || echo "failed suites: ${failures[*]}"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
