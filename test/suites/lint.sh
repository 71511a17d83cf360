#!/usr/bin/env bash
# Static analysis: cppcheck and clang-tidy must have nothing to say about src/.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s lint PG_CONFIG="${PG_CONFIG:-pg_config}"
