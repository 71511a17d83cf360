#!/usr/bin/env bash
# The README's function reference must be what the catalog says (test/doc/reference.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash test/doc/reference.sh --check
