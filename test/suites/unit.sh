#!/usr/bin/env bash
# Unit tests of the backend-free filter parsers (test/unit), built with
# AddressSanitizer and UBSan in a temporary directory.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=$(mktemp -d /tmp/podrec-unit.XXXXXX)
trap 'rm -rf "$build"' EXIT
if ! make -s -C test/unit BUILD="$build" all; then
	echo "unit: build failed"
	exit 1
fi
status=0
"$build/filter_parse_test" || status=1
"$build/filter_json_test" || status=1
exit $status
