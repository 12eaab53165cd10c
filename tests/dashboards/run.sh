#!/usr/bin/env bash
# The generated Grafana dashboards against Grafana's published dashboard types
# (@grafana/schema, compiled by TypeScript; both pinned in package-lock.json and installed
# by scripts/setup.sh). The real-Prometheus suite (tests/prometheus) checks their queries.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fail() { echo "tests/dashboards/run.sh: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is missing (Node.js, as the browser tests need)"
[ -d tests/dashboards/node_modules/@grafana/schema ] && [ -d tests/dashboards/node_modules/typescript ] ||
  fail "missing tests/dashboards/node_modules (@grafana/schema, typescript): run scripts/setup.sh"
cargo build -q -p slo-cli
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
export SLO_BIN="$target_dir/debug/slo"
cd tests/dashboards
exec node --test --test-concurrency=1 "$@" schema.test.mjs
