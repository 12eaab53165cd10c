#!/usr/bin/env bash
# The real-Prometheus suite: Debian's prometheus server on loopback scrapes two Envoys with
# the SLO filter and a demo app exposing its own http_requests_total, evaluates the rules
# `slo rules` writes (short custom tiers, so it runs in about three minutes), and the test
# reads the alerts from its HTTP API while traffic with an incident runs. Exits non-zero on
# failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fail() { echo "tests/prometheus/run.sh: $*" >&2; exit 1; }

command -v prometheus >/dev/null || fail "missing prometheus (Debian package prometheus; scripts/setup.sh installs it)"
. tests/envoy/build.sh
cargo build --quiet --release -p slo-cli --example detection
export SLO_DETECTION_HELPER="$target_dir/release/examples/detection"
exec .venv/bin/python -m pytest tests/prometheus -q -p no:cacheprovider "$@"
