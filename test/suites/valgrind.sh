#!/usr/bin/env bash
# The regression suite under valgrind (test/valgrind/run.sh): about three
# minutes on two cores, so it runs only when PODREC_VALGRIND=1.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ "${PODREC_VALGRIND:-0}" != 1 ]; then
	echo "valgrind: skipped (set PODREC_VALGRIND=1 to run it)"
	exit 0
fi
exec bash test/valgrind/run.sh
