#!/usr/bin/env bash
# Regenerates the function reference in README.md from the catalog, between the lines
# <!-- reference:start --> and <!-- reference:end -->.
#   test/doc/reference.sh          rewrite README.md
#   test/doc/reference.sh --check  exit 1, showing the difference, when README.md is stale
# Connects with the usual PG* variables as a superuser, creates a scratch database with
# podrec installed and drops it again.
set -euo pipefail
cd "$(dirname "$0")/../.."
psql=psql
[ -z "${PG_CONFIG:-}" ] || psql=$("$PG_CONFIG" --bindir)/psql
db=podrec_doc_$$
"$psql" -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
trap '"$psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
"$psql" -X -q -d "$db" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION podrec" >/dev/null
table=$(mktemp)
{
	echo '| function | returns | volatility | description |'
	echo '| --- | --- | --- | --- |'
	"$psql" -X -q -d "$db" -v ON_ERROR_STOP=1 -f test/doc/reference.sql
} >"$table"
new=$(mktemp)
awk -v table="$table" '
	/^<!-- reference:start -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
	/^<!-- reference:end -->$/ { skip = 0 }
	!skip { print }
' README.md >"$new"
grep -q '^<!-- reference:start -->$' README.md || { echo "README.md has no <!-- reference:start --> line" >&2; exit 1; }
if [ "${1:-}" = --check ]; then
	if ! diff -u README.md "$new"; then
		echo "README.md's function reference is out of date: run test/doc/reference.sh" >&2
		exit 1
	fi
	echo "README.md's function reference is up to date"
else
	cat "$new" >README.md
fi
rm -f "$table" "$new"
