#!/usr/bin/env bash
# Sets podrec up on a fresh Debian 12 machine and shows it working on sample
# data: installs what is missing, builds and installs the extension, starts a
# throwaway cluster (as the postgres user), loads sample items and prints them.
# Run as root. The cluster keeps running so that you can explore it.
#
#   bash test/demo.sh           the cluster and the SQL tour (test/demo/demo.sql)
#   bash test/demo.sh --http    also PostgREST 12.0.2 in front of it, with podrec's rate
#                               limit, and curl commands to try (PODREC_DEMO_HTTP_PORT,
#                               default 55500)
set -euo pipefail
http=no
case ${1:-} in
--http) http=yes ;;
"") ;;
*) echo "usage: bash test/demo.sh [--http]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
. test/lib.sh

[ "$(id -u)" = 0 ] || { echo "test/demo.sh: run as root (it installs packages and starts a server as postgres)" >&2; exit 1; }
install_deps
build_and_install

dir=${PODREC_DEMO_DIR:-/tmp/podrec-demo}
port=${PODREC_DEMO_PORT:-55499}
[ ! -f "$dir/postgrest/postgrest.pid" ] || PODREC_PGRST_DIR=$dir/postgrest bash test/http/postgrest.sh stop >/dev/null 2>&1 || true
stop_cluster "$dir"
rm -rf "$dir"
start_cluster "$dir" "$port"
chmod -R a+rX test/demo
runuser -u postgres -- psql -X -q -h "$dir" -p "$port" -U postgres -c 'CREATE DATABASE podrec_demo'
runuser -u postgres -- psql -X -q -P pager=off -h "$dir" -p "$port" -U postgres -d podrec_demo \
	-v ON_ERROR_STOP=1 -f test/demo/demo.sql

if [ "$http" = yes ]; then
	bin=$(bash test/http/install-postgrest.sh)
	hport=${PODREC_DEMO_HTTP_PORT:-55500}
	runuser -u postgres -- psql -X -q -h "$dir" -p "$port" -U postgres -d podrec_demo -v ON_ERROR_STOP=1 \
		<test/http/authenticator.sql
	PGHOST=$dir PGPORT=$port PODREC_PGRST_DB=podrec_demo PODREC_PGRST_PORT=$hport \
		PODREC_PGRST_DIR=$dir/postgrest PODREC_PGRST_BIN=$bin PODREC_PGRST_PRE_REQUEST=podrec.pre_request \
		bash test/http/postgrest.sh start >/dev/null
	. "$dir/postgrest/env"
	# An HS256 token for the demo account, signed with the server's secret.
	token=$(python3 - "$PODREC_PGRST_JWT_SECRET" <<'PY'
import base64, hashlib, hmac, json, sys
b = lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()
head = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b(json.dumps({"role": "podrec_user", "account_id": "66826269369bbc3d56b479ce"}).encode())
sig = b(hmac.new(sys.argv[1].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
print(f"{head}.{body}.{sig}")
PY
)
	cat <<MSG

PostgREST serves podrec_api at $PODREC_HTTP_URL (log: $dir/postgrest/postgrest.log).
  token='$token'
  curl -s "$PODREC_HTTP_URL/items?select=uid,record&limit=2" -H "Authorization: Bearer \$token"
  curl -s "$PODREC_HTTP_URL/rpc/records_list?record_type_id=1&per_page=2" -H "Authorization: Bearer \$token"
  curl -s "$PODREC_HTTP_URL/" | head -c 300        # the OpenAPI document
  stop:  PODREC_PGRST_DIR=$dir/postgrest bash test/http/postgrest.sh stop
MSG
fi

cat <<MSG

podrec is running on sample data.
  connect:  runuser -u postgres -- psql -h $dir -p $port podrec_demo
  stop:     runuser -u postgres -- $("$PG_CONFIG" --bindir)/pg_ctl -D $dir/data stop
MSG
