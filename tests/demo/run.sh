#!/usr/bin/env bash
# The demo as a newcomer runs it, in a shortened story (20 s steady, 60 s incident): the
# printed URLs come last and answer, Prometheus fires a tier only once the incident has
# started, and one SIGINT to the demo's process group leaves no process behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ -x .venv/bin/python ] || { echo "tests/demo/run.sh: .venv is missing: run scripts/setup.sh" >&2; exit 1; }
.venv/bin/python -m pytest -q -p no:cacheprovider tests/demo/test_demo.py
