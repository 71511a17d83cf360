#!/usr/bin/env bash
# libFuzzer harnesses of the filter parsers (test/fuzz): each runs about
# FUZZ_SECONDS (default 60) seconds from the committed seed corpus, built with
# ASan and UBSan in a temporary directory.  Any crash, leak, undefined
# behaviour or broken invariant fails the suite.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null; then
	echo "fuzz: clang is not installed"
	exit 1
fi
build=$(mktemp -d /tmp/podrec-fuzz.XXXXXX)
trap 'rm -rf "$build"' EXIT
if ! make -s -C test/fuzz BUILD="$build" all; then
	echo "fuzz: build failed"
	exit 1
fi
status=0
make -s -C test/fuzz BUILD="$build" FUZZ_SECONDS="${FUZZ_SECONDS:-60}" check || status=1
# Every seed and every input the fuzzers found, through the SQL functions of
# the installed extension: PostgreSQL must accept each compiled jsonpath, and
# each refusal must be a clean error.
if [ -n "${PGHOST:-}" ]; then
	/usr/bin/python3 test/fuzz/replay.py test/fuzz/corpus "$build/check-corpus" || status=1
fi
exit $status
