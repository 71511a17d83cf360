#!/usr/bin/env bash
# Client tests: podrec used by a real ORM the way an application uses it. For now
# SQLAlchemy with psycopg2 (Debian's python3-sqlalchemy and python3-psycopg2, which
# test/lib.sh installs), run by /usr/bin/python3 so that no other Python shadows them.
# Creates the database podrec_clients (dropping an old one) in the cluster that
# PGHOST/PGPORT/PGUSER name (test/check.sh exports them), loads test/clients/setup.sql
# and runs every test/clients/*.py against it.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

psql=psql
[ -z "${PG_CONFIG:-}" ] || psql=$("$PG_CONFIG" --bindir)/psql
python=/usr/bin/python3
db=${PODREC_CLIENTS_DB:-podrec_clients}

"$python" -c 'import sqlalchemy, psycopg2' 2>/dev/null || {
	echo "clients: $python cannot import sqlalchemy and psycopg2 (apt-get install python3-sqlalchemy python3-psycopg2)" >&2
	exit 1
}
"$psql" -X -q -d postgres -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
	-c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" || exit 1
"$psql" -X -q -d "$db" -v ON_ERROR_STOP=1 -f test/clients/setup.sql >/dev/null || {
	echo "clients: loading test/clients/setup.sql failed" >&2
	exit 1
}

failed=0
for t in test/clients/*.py; do
	echo "clients: $t"
	PODREC_CLIENTS_DB=$db PYTHONDONTWRITEBYTECODE=1 "$python" "$t" || failed=1
done
[ "$failed" -eq 0 ] && echo "clients: all passed"
exit "$failed"
