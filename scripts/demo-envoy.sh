#!/usr/bin/env bash
# The Envoy part of the demo: Envoy with the SLO filter (config from `slo envoy-config`) in
# front of a demo service on 127.0.0.1, traffic with an incident in it (Envoy's fault filter
# plays the failing, slow service), then the counts, burn rates and active tiers. Envoy then
# keeps running until this script is killed (SIGINT/SIGTERM stop Envoy and the service too).
#   SLO_DEMO_ENVOY_PORT (10000)  listener;   SLO_DEMO_ENVOY_ADMIN_PORT (9901) admin, /stats/prometheus
#   SLO_DEMO_WWW_PORT (8080)     the docs site allowed by CORS to read /slo/status
#   SLO_DEMO_PID_FILE            where the PIDs of Envoy and the demo service are written
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fail() { echo "demo-envoy: $*" >&2; exit 1; }
say() { printf 'demo-envoy: %s\n' "$*" >&2; }

port=${SLO_DEMO_ENVOY_PORT:-10000}
admin=${SLO_DEMO_ENVOY_ADMIN_PORT:-9901}
www=${SLO_DEMO_WWW_PORT:-8080}
. tests/envoy/build.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/slo-demo-envoy.XXXXXX")
pid_file=${SLO_DEMO_PID_FILE:-$work/pids}
upstream_port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

.venv/bin/python tests/envoy/harness.py upstream "$upstream_port" &
pids+=($!)
"$SLO_BIN" envoy-config filters/envoy/spec.json --wasm "$SLO_FILTER_WASM" \
  --listen-port "$port" --admin-port "$admin" --upstream "127.0.0.1:$upstream_port" \
  --status-path /slo/status --status-on-data-plane --status-cors-origin "http://127.0.0.1:$www" \
  --tick-seconds 1 --stats-flush-seconds 1 --fault-injection > "$work/envoy.yaml"
.venv/bin/envoy -c "$work/envoy.yaml" --concurrency 2 --disable-hot-restart > "$work/envoy.log" 2>&1 &
envoy_pid=$!
pids+=("$envoy_pid")
printf '%s\n' "${pids[@]}" > "$pid_file"
say "Envoy pid $envoy_pid on 127.0.0.1:$port (admin $admin, log $work/envoy.log); PIDs in $pid_file"

for _ in $(seq 100); do
  [ "$(curl -s "http://127.0.0.1:$admin/ready" || true)" = LIVE ] && break
  kill -0 "$envoy_pid" 2>/dev/null || { tail -20 "$work/envoy.log" >&2; fail "Envoy exited"; }
  sleep 0.1
done

say "traffic: 600 good requests, then an incident: 120 server errors and 30 slow (400 ms) checkouts, gRPC UNAVAILABLE on the catalog"
(cd tests/envoy && ../../.venv/bin/python - "$port" <<'PY'
import sys
import harness
port = int(sys.argv[1])
grpc = {"content-type": "application/grpc"}
calm = [("GET", "/api/checkout/cart", {})] * 500 + [("POST", "/catalog.Catalog/List/grpc/0", grpc)] * 100
incident = ([("GET", "/api/checkout/pay", {"x-envoy-fault-abort-request": "503"})] * 120
            + [("GET", "/api/checkout/cart", {"x-envoy-fault-delay-request": "400"})] * 30
            + [("POST", "/catalog.Catalog/List/grpc/14", grpc)] * 40)
harness.send(port, calm, connections=8)
harness.send(port, incident, connections=16)
PY
)
sleep 2.5

echo
echo "== counts (http://127.0.0.1:$admin/stats/prometheus)"
curl -s "http://127.0.0.1:$admin/stats/prometheus" | grep -E '^slo_requests_(total|excluded_total)\{' || fail "no slo_requests_total series"
echo
echo "== burn rates and active tiers (http://127.0.0.1:$port/slo/status)"
.venv/bin/python - "http://127.0.0.1:$port/slo/status" <<'PY'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
    report = json.load(response)
for slo in report["slos"]:
    rates = ", ".join("%s %.1fx" % (b["window"], b["burn_rate"]) for b in slo["burn_rates"])
    active = ["%s (%s)" % (t["name"], t["severity"]) for t in slo["tiers"] if t["active"]]
    print("%s: good %d, bad %d, budget left %.1f%%" % (slo["slo"], slo["good"], slo["bad"], 100 * slo["error_budget_remaining_ratio"]))
    print("  burn rates: " + rates)
    print("  active tiers: " + (", ".join(active) or "none"))
PY
echo
say "Envoy keeps running: http://127.0.0.1:$port/slo/status, http://127.0.0.1:$admin/stats/prometheus; stop with kill $$ (or Ctrl-C)"
wait "$envoy_pid"
