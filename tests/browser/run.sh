#!/usr/bin/env bash
# Browser tests of the SLO elements: builds slo-web (wasm32-unknown-unknown, release),
# wasm-bindgen --target web into www/pkg/, wasm-opt, the Hugo workshop site, then runs
# tests/browser/tests/*.test.mjs (or the files given as arguments, e.g.
# `bash tests/browser/run.sh tests/network.test.mjs`) with node's test runner in Debian's
# headless Chromium.
# Exits non-zero on any failure; a missing tool is a failure with a message, never a skip.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
die() { printf 'tests/browser/run.sh: %s\n' "$*" >&2; exit 1; }

chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || die "$chromium is missing: install Debian's chromium (scripts/setup.sh does)"
command -v node >/dev/null || die "node is missing"
command -v hugo >/dev/null || die "hugo is missing: install Debian's hugo (scripts/setup.sh does)"
for module in playwright-core axe-core; do
  [ -f "tests/browser/node_modules/$module/package.json" ] ||
    die "npm module $module is missing: run scripts/setup.sh (npm ci in tests/browser)"
done

# scripts/test.sh sets SLO_WWW_BUILT for the fleet test it runs beside the demo, once this
# suite has built www/ for the other tests: a second build there would only race the demo's.
[ -n "${SLO_WWW_BUILT:-}" ] || bash www/build.sh
# The editor's downloaded Envoy configuration is validated by Envoy, which loads the filter.
cargo build --quiet --profile release-filter --target wasm32-wasip1 -p slo-filter
export SLO_FILTER_WASM="${CARGO_TARGET_DIR:-$root/target}/wasm32-wasip1/release-filter/slo_filter.wasm"
# <slo-fleet>'s test runs a real fleet (tests/prometheus/fleet_fixture.py): Envoys with that
# filter, and Prometheus evaluating the rules the slo command writes.
command -v prometheus >/dev/null || die "prometheus is missing: install Debian's prometheus (scripts/setup.sh does)"
cargo build --quiet --release -p slo-cli
export SLO_BIN="${CARGO_TARGET_DIR:-$root/target}/release/slo"

artifacts="$root/tests/artifacts/browser"
mkdir -p "$artifacts"
# The oracle: the core's answers for the tests' inputs, computed natively, not through wasm.
cargo run --quiet -p slo-web --example core_values >"$artifacts/core-values.json"

cd tests/browser
# Test files as arguments run those only (paths from tests/browser, e.g. tests/network.test.mjs).
if [ "$#" -gt 0 ]; then files=("$@"); else files=(tests/*.test.mjs); fi
SLO_CORE_VALUES="$artifacts/core-values.json" CHROMIUM="$chromium" \
  node --test --test-concurrency=1 "${files[@]}"
