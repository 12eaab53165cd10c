#!/usr/bin/env bash
# The backtest against a real Prometheus server: the example history backfilled with
# promtool, read back through /api/v1/query_range, backtested by `slo backtest`, and
# compared with the backtest of the same history read from CSV.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build -q -p slo-cli
exec .venv/bin/python -m pytest tests/backtest -q -p no:cacheprovider "$@"
