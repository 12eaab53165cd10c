#!/usr/bin/env bash
# Builds the SLO filter and its helpers (tests/envoy/build.sh), then runs the Envoy
# end-to-end tests. Exits non-zero on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fail() { echo "tests/envoy/run.sh: $*" >&2; exit 1; }

. tests/envoy/build.sh
# Arguments are pytest's (e.g. `tests/envoy/test_soak.py`); none runs the whole suite.
(($#)) || set -- tests/envoy
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
