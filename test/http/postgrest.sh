#!/usr/bin/env bash
# Starts or stops a PostgREST server for the HTTP tests.
#
#   test/http/postgrest.sh start   write the config, start PostgREST in the background,
#                                  wait until GET / answers 200, print its URL
#   test/http/postgrest.sh stop    stop the server that start left running
#
# Settings (environment):
#   PODREC_PGRST_PORT            port to listen on at 127.0.0.1 (required for start)
#   PODREC_PGRST_DIR             state directory: postgrest.conf, postgrest.log, postgrest.pid, env
#                                (default /tmp/podrec-postgrest-$PODREC_PGRST_PORT)
#   PODREC_PGRST_DB              database to serve (default podrec)
#   PGHOST, PGPORT               the cluster: a socket directory (absolute path) or a host name
#                                (default /var/run/postgresql and 5432)
#   PODREC_PGRST_AUTHENTICATOR   login role PostgREST connects as (default podrec_authenticator)
#   PODREC_PGRST_PASSWORD        its password, if the cluster asks for one (default podrec;
#                                written into the URI as it is, so use URI-safe characters)
#   PODREC_PGRST_DB_URI          full db-uri; overrides the five settings above
#   PODREC_PGRST_SCHEMAS         db-schemas (default podrec_api)
#   PODREC_PGRST_ANON_ROLE       db-anon-role (default podrec_anon)
#   PODREC_PGRST_PRE_REQUEST     db-pre-request, a schema-qualified function (default: none)
#   PODREC_PGRST_JWT_SECRET      jwt-secret, at least 32 characters (default: the fixed test secret)
#   PODREC_PGRST_EXTRA           more config lines, appended verbatim (a key repeated here
#                                overrides the line above: PostgREST 12.0.2 keeps the last)
#   PODREC_PGRST_USER            user to run PostgREST as when started by root (default postgres)
#   PODREC_PGRST_BIN             the binary (default: what test/http/install-postgrest.sh prints)
#   PODREC_PGRST_TIMEOUT         seconds to wait for the first answer (default 30)
#
# The roles are the caller's to create (see test/http/fixture_smoke.sql): the authenticator
# with LOGIN NOINHERIT, the anonymous role and every role a JWT may name, each granted to the
# authenticator. start also writes $PODREC_PGRST_DIR/env, which sets PODREC_HTTP_URL and
# PODREC_PGRST_JWT_SECRET for test/http/run-cases.mjs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
test_secret=podrec-http-test-secret-0123456789abcdef

port=${PODREC_PGRST_PORT:-}
dir=${PODREC_PGRST_DIR:-/tmp/podrec-postgrest-$port}
conf=$dir/postgrest.conf
logfile=$dir/postgrest.log
pidfile=$dir/postgrest.pid

# die MESSAGE...: report on stderr and stop.
die() {
	echo "postgrest.sh: $*" >&2
	exit 1
}

# quote VALUE: VALUE as a double-quoted PostgREST config string.
quote() {
	local v=${1//\\/\\\\}
	printf '"%s"' "${v//\"/\\\"}"
}

# db_uri: the connection URI for the authenticator, over the socket when PGHOST is a directory.
db_uri() {
	local host=${PGHOST:-/var/run/postgresql} pgport=${PGPORT:-5432}
	local user=${PODREC_PGRST_AUTHENTICATOR:-podrec_authenticator}
	local password=${PODREC_PGRST_PASSWORD-podrec} db=${PODREC_PGRST_DB:-podrec}
	local cred=$user
	[ -z "$password" ] || cred=$user:$password
	if [ -n "${PODREC_PGRST_DB_URI:-}" ]; then
		echo "$PODREC_PGRST_DB_URI"
	elif [ "${host#/}" != "$host" ]; then
		echo "postgresql://$cred@/$db?host=$host&port=$pgport"
	else
		echo "postgresql://$cred@$host:$pgport/$db"
	fi
}

# running: succeed when the pid file names a live PostgREST started from this directory.
running() {
	local pid
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile")
	[ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$conf"
}

# fail_with_log MESSAGE: report, show the server log, stop the server, exit.
fail_with_log() {
	echo "postgrest.sh: $1" >&2
	echo "---- $logfile ----" >&2
	cat "$logfile" >&2 2>/dev/null || true
	echo "---- end of $logfile ----" >&2
	stop_server
	exit 1
}

# start_server: write the config, start PostgREST, wait for GET / to answer 200.
start_server() {
	local bin secret pid launcher old_umask deadline status=000
	[ -n "$port" ] || die "set PODREC_PGRST_PORT to a free port"
	running && die "already running (pid $(cat "$pidfile")); run: $0 stop"
	bin=${PODREC_PGRST_BIN:-$("$here/install-postgrest.sh")}
	[ -x "$bin" ] || die "no PostgREST binary at $bin"
	secret=${PODREC_PGRST_JWT_SECRET:-$test_secret}
	[ ${#secret} -ge 32 ] || die "PODREC_PGRST_JWT_SECRET must have at least 32 characters"

	mkdir -p "$dir"
	rm -f "$pidfile" "$logfile"
	old_umask=$(umask)
	umask 077
	{
		echo "# written by test/http/postgrest.sh"
		echo "db-uri = $(quote "$(db_uri)")"
		echo "db-schemas = $(quote "${PODREC_PGRST_SCHEMAS:-podrec_api}")"
		echo "db-anon-role = $(quote "${PODREC_PGRST_ANON_ROLE:-podrec_anon}")"
		[ -z "${PODREC_PGRST_PRE_REQUEST:-}" ] ||
			echo "db-pre-request = $(quote "$PODREC_PGRST_PRE_REQUEST")"
		echo "jwt-secret = $(quote "$secret")"
		echo "db-config = false"
		echo "db-pool = 4"
		echo "server-host = \"127.0.0.1\""
		echo "server-port = $port"
		echo "log-level = \"info\""
		[ -z "${PODREC_PGRST_EXTRA:-}" ] || printf '%s\n' "$PODREC_PGRST_EXTRA"
	} >"$conf"
	printf 'PODREC_HTTP_URL=%q\nPODREC_PGRST_JWT_SECRET=%q\n' \
		"http://127.0.0.1:$port" "$secret" >"$dir/env"
	: >"$logfile"
	umask "$old_umask"

	# As root, run the server as an unprivileged user; it reads its config and writes its pid.
	local -a runas=()
	if [ "$(id -u)" = 0 ]; then
		chown -R "${PODREC_PGRST_USER:-postgres}" "$dir"
		runas=(runuser -u "${PODREC_PGRST_USER:-postgres}" --)
	fi
	# shellcheck disable=SC2016 # $$ and $1.. belong to the inner shell
	"${runas[@]}" sh -c 'echo $$ >"$1"; exec "$2" "$3"' sh "$pidfile" "$bin" "$conf" </dev/null >>"$logfile" 2>&1 &
	launcher=$!

	deadline=$((SECONDS + ${PODREC_PGRST_TIMEOUT:-30}))
	while :; do
		if [ -s "$pidfile" ]; then
			pid=$(cat "$pidfile")
			kill -0 "$pid" 2>/dev/null || fail_with_log "PostgREST exited during start-up"
			status=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/" || true)
			[ "$status" != 200 ] || break
		elif ! kill -0 "$launcher" 2>/dev/null; then
			fail_with_log "PostgREST could not be started"
		fi
		[ "$SECONDS" -lt "$deadline" ] ||
			fail_with_log "GET http://127.0.0.1:$port/ did not answer 200 within ${PODREC_PGRST_TIMEOUT:-30}s (last status: $status)"
		sleep 0.2
	done
	echo "http://127.0.0.1:$port"
}

# stop_server: stop the server the pid file names and wait until it is gone.
stop_server() {
	local pid _
	running || { rm -f "$pidfile"; return 0; }
	pid=$(cat "$pidfile")
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	rm -f "$pidfile"
}

case ${1:-} in
start) start_server ;;
stop) stop_server ;;
*) die "usage: $0 start|stop" ;;
esac
