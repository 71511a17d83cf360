#!/usr/bin/env bash
# The bad-input catalogue (test/catalogue/gen.py): every case must get the
# error written in it from the installed extension, and the README section
# generated from the cases must be the one committed.  Fix a stale README with
#   test/catalogue/gen.py --write
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${PGHOST:-}" ]; then
	echo "catalogue: needs a running server (PGHOST, PGPORT)"
	exit 1
fi
exec /usr/bin/python3 test/catalogue/gen.py --check
