#!/usr/bin/env bash
# The whole product on loopback: the `slo` command on the example spec, Envoy with the
# filter in front of a demo service taking traffic with an incident, and the docs site
# with live calculators. Runs until Ctrl-C, then stops everything it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/setup.sh
cargo build -q --release -p slo-cli
slo=target/release/slo

banner() { printf '\n\033[1m== %s\033[0m\n\n' "$*"; }

banner "slo check examples/checkout.json"
$slo check examples/checkout.json
banner "slo budget --target 99.9 --window 30d --requests 10000000"
$slo budget --target 99.9 --window 30d --requests 10000000
banner "slo alerts --target 99.9 --window 30d --error-ratio 0.05"
$slo alerts --target 99.9 --window 30d --error-ratio 0.05
banner "slo whatif --scenario examples/incident-scenario.json"
$slo whatif --scenario examples/incident-scenario.json

children=()
stop() {
  for pid in "${children[@]}"; do
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

# Each part runs in its own process group so that stopping it stops all it started.
banner "Envoy with the SLO filter, traffic with an incident"
set -m
bash scripts/demo-envoy.sh &
children+=($!)
banner "docs site with the calculators"
bash scripts/serve-www.sh &
children+=($!)
set +m
wait -n "${children[@]}"
