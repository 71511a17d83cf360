# Shared shell functions for test/check.sh, test/demo.sh and the suites.
# Sourced, not run. Everything runs as root; servers run as the postgres user.

PG_CONFIG=${PG_CONFIG:-pg_config}
PODREC_PACKAGES="postgresql-15 postgresql-server-dev-15 postgresql-contrib libipc-run-perl
	make gcc clang cppcheck clang-tidy curl ca-certificates python3 python3-psycopg2
	python3-sqlalchemy gnuplot-nox valgrind"

log() { printf '\n==> %s\n' "$*" >&2; }

# Install whatever Debian packages are missing (needs root and Debian's registry).
install_deps() {
	local missing=() p
	for p in $PODREC_PACKAGES; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	# Node.js runs the HTTP tests; a machine may already have it from elsewhere.
	command -v npm >/dev/null || missing+=(nodejs npm)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq </dev/null
		apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null || {
			echo "could not install: ${missing[*]}" >&2
			return 1
		}
	fi
	# Debian's postgresql-common would start a default cluster; podrec runs its own.
	command -v "$PG_CONFIG" >/dev/null || PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
}

# Build with warnings as errors and install into the PostgreSQL that PG_CONFIG names.
build_and_install() {
	log "building podrec"
	make -s clean PG_CONFIG="$PG_CONFIG" >/dev/null
	make -s -j2 PG_CONFIG="$PG_CONFIG"
	make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
}

# Start a throwaway cluster owned by postgres: start_cluster DIR PORT [extra postgresql.conf lines]
start_cluster() {
	local dir=$1 port=$2 extra=${3:-}
	local bindir
	bindir=$("$PG_CONFIG" --bindir)
	mkdir -p "$dir"
	chown postgres "$dir"
	runuser -u postgres -- "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 >/dev/null
	cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
shared_preload_libraries = 'podrec'
fsync = off
max_connections = 100
max_prepared_transactions = 10
$extra
CONF
	runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
}

# Stop a cluster started by start_cluster.
stop_cluster() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] || return 0
	runuser -u postgres -- "$("$PG_CONFIG" --bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
}
