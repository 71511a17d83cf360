#!/usr/bin/env bash
# The regression suite (sql/*.sql) against a server running under valgrind
# memcheck, podrec preloaded; reports the invalid reads, writes and frees, and
# the uses of uninitialised values, whose stack passes through podrec.so.
#
# Not part of test/check.sh: a server under valgrind is 20 to 50 times
# slower, and the suite takes tens of minutes.  Run it by hand, as root or
# as postgres, with podrec installed:
#
#   bash test/valgrind/run.sh                    # every regression test
#   VALGRIND_TESTS="flatten store" bash test/valgrind/run.sh
#
#   PG_CONFIG              the PostgreSQL to use (default: pg_config on PATH)
#   VALGRIND_PORT          port of the server (default 55661)
#   VALGRIND_SUPPRESSIONS  more suppression files, space separated; PostgreSQL's
#                          own (src/tools/valgrind.supp of its source) is used
#                          when found there or in PG_VALGRIND_SUPP
#   VALGRIND_KEEP          keep the work directory (logs, cluster)
#
# A Debian build of PostgreSQL lacks USE_VALGRIND: memcheck then sees palloc
# chunks only as parts of larger malloc blocks, so it finds reads and writes
# outside any block, of freed blocks and of uninitialised memory, but not an
# overrun that stays inside a memory context's block.  The --leak-check=no is
# deliberate: memory contexts free at reset, not with free(), so every
# context would look leaked.
set -uo pipefail
cd "$(dirname "$0")/../.."
tree=$(pwd)

if [ "$(id -u)" = 0 ]; then
	chown -R postgres "$tree"
	exec runuser -u postgres --preserve-environment -- env HOME=/tmp bash "$tree/test/valgrind/run.sh" "$@"
fi
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
PG_CONFIG=${PG_CONFIG:-pg_config}
bindir=$($PG_CONFIG --bindir)
port=${VALGRIND_PORT:-55661}
work=$(mktemp -d /tmp/podrec-valgrind.XXXXXX)
[ -n "${VALGRIND_KEEP:-}" ] || trap '"$bindir/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1; rm -rf "$work"' EXIT

supp=(--suppressions="$tree/test/valgrind/podrec.supp")
for f in ${PG_VALGRIND_SUPP:-} ${VALGRIND_SUPPRESSIONS:-} $($PG_CONFIG --sharedir)/../../src/tools/valgrind.supp; do
	[ -f "$f" ] && supp+=(--suppressions="$f")
done

"$bindir/initdb" -D "$work/pg" -A trust -N >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; exit 1; }
cat >>"$work/pg/postgresql.conf" <<CONF
shared_preload_libraries = 'podrec'
port = $port
unix_socket_directories = '$work'
listen_addresses = ''
max_connections = 20
fsync = off
log_min_messages = warning
CONF
# The postmaster and every backend run under memcheck; each process writes its own log.
valgrind --tool=memcheck --trace-children=yes --leak-check=no --track-origins=no \
	--read-var-info=no --num-callers=30 --error-limit=no "${supp[@]}" \
	--log-file="$work/vg.%p.log" \
	"$bindir/postgres" -D "$work/pg" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
	"$bindir/pg_isready" -q -h "$work" -p "$port" && break
	kill -0 $server 2>/dev/null || break
	sleep 1
done
"$bindir/pg_isready" -q -h "$work" -p "$port" || { echo "valgrind: the server did not start"; cat "$work/server.log"; tail -n 5 "$work"/vg.*.log; exit 1; }

tests=${VALGRIND_TESTS:-$(cd sql && ls *.sql | sed 's/\.sql$//' | tr '\n' ' ')}
start=$(date +%s)
echo "valgrind: regression tests: $tests"
make -s installcheck PG_CONFIG="$PG_CONFIG" PGHOST="$work" PGPORT="$port" REGRESS="$tests" ISOLATION= TAP_TESTS= \
	>"$work/regress.log" 2>&1
regress=$?
"$bindir/pg_ctl" -D "$work/pg" -m fast -w -t 600 stop >/dev/null 2>&1
elapsed=$(( $(date +%s) - start ))

# Error records of memcheck: a line "==pid== <kind>" then its stack, up to a
# blank line.  An error is podrec's when one of its two innermost frames (under
# valgrind's own replacements of memcpy and friends) is in podrec: podrec.so,
# or one of podrec's source files when the library has debugging symbols.
report=$work/report.txt
ours_re="podrec[.]so|[(]($(cd src && ls *.c | sed 's/[.]c$//' | paste -sd '|'))[.]c:[0-9]+[)]"
awk '
	/^==[0-9]+== [A-Z]/ && !/^==[0-9]+== (Memcheck|Copyright|Using|Command|Parent PID|HEAP|LEAK|ERROR SUMMARY|For |Use --|All heap|Warning|  total|  in use)/ {
		if (rec != "") print rec "\n"; rec = $0; next }
	/^==[0-9]+== +(at|by) / { if (rec != "") rec = rec "\n" $0; next }
	/^==[0-9]+== *$/ { if (rec != "") print rec "\n"; rec = ""; next }
	END { if (rec != "") print rec }
' "$work"/vg.*.log >"$report"
# podrec_errors: the records of the report whose innermost frames are podrec's.
podrec_errors() {
	awk -v RS= -v re="$ours_re" '{
		n = split($0, l, "\n"); k = 0
		for (i = 2; i <= n && k < 2; i++) {
			if (l[i] ~ /vgpreload/) continue
			k++
			if (l[i] ~ re) { print $0 "\n"; next }
		}
	}' "$report"
}
all=$(grep -c '^==[0-9]*== [A-Z]' "$report")
through=$(awk -v RS= -v re="$ours_re" '$0 ~ re' "$report" | grep -c '^==[0-9]*== [A-Z]')
ours=$(podrec_errors | grep -c '^==[0-9]*== [A-Z]')
echo "valgrind: $(ls "$work"/vg.*.log | wc -l) processes, regression suite $([ $regress = 0 ] && echo passed || echo FAILED) in ${elapsed} s"
echo "valgrind: $all error records after suppressions, $through with podrec in their stack, $ours in podrec's own code"
grep '^==[0-9]*== [A-Z]' "$report" | sed 's/^==[0-9]*== //' | sort | uniq -c
if [ "$ours" -gt 0 ]; then
	podrec_errors | head -n 80
fi
[ $regress = 0 ] || tail -n 40 "$work/regress.log"
[ -n "${VALGRIND_KEEP:-}" ] && echo "valgrind: logs in $work"
[ "$ours" -eq 0 ] && [ $regress = 0 ]
