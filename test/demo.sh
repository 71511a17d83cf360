#!/usr/bin/env bash
# Sets podrec up on a fresh Debian 12 machine and shows it working on sample
# data: installs what is missing, builds and installs the extension, starts a
# throwaway cluster (as the postgres user), loads sample items and prints them.
# Run as root. The cluster keeps running so that you can explore it.
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh

[ "$(id -u)" = 0 ] || { echo "test/demo.sh: run as root (it installs packages and starts a server as postgres)" >&2; exit 1; }
install_deps
build_and_install

dir=${PODREC_DEMO_DIR:-/tmp/podrec-demo}
port=${PODREC_DEMO_PORT:-55499}
stop_cluster "$dir"
rm -rf "$dir"
start_cluster "$dir" "$port"
chmod -R a+rX test/demo
runuser -u postgres -- psql -X -q -h "$dir" -p "$port" -U postgres -c 'CREATE DATABASE podrec_demo'
runuser -u postgres -- psql -X -q -P pager=off -h "$dir" -p "$port" -U postgres -d podrec_demo \
	-v ON_ERROR_STOP=1 -f test/demo/demo.sql

cat <<MSG

podrec is running on sample data.
  connect:  runuser -u postgres -- psql -h $dir -p $port podrec_demo
  stop:     runuser -u postgres -- $("$PG_CONFIG" --bindir)/pg_ctl -D $dir/data stop
MSG
