#!/usr/bin/env bash
# libFuzzer harnesses of the filter parsers (test/fuzz): each runs about
# FUZZ_SECONDS (default 20) seconds from the committed seed corpus, built with
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
make -s -C test/fuzz BUILD="$build" FUZZ_SECONDS="${FUZZ_SECONDS:-20}" check
