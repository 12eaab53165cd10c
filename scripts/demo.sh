#!/usr/bin/env bash
# The demo, as a story a newcomer follows in about five minutes: a demo service behind Envoy
# with the SLO filter (examples/demo.json, whose alert tiers are minutes long), steady
# traffic, an incident at a stated time, Prometheus scraping Envoy with the `slo rules`
# output for the spec, and the docs site with live calculators, all on loopback at free
# ports. The URLs to open are the last lines printed; every log goes to a run folder.
# One Ctrl-C (SIGINT or SIGTERM) stops every process group it started.
#   SLO_DEMO_STEADY_SECONDS (90)     steady traffic before the incident
#   SLO_DEMO_INCIDENT_SECONDS (120)  the incident's length
#   SLO_DEMO_RUN_DIR                 the run folder (default target/demo/<date-time>)
# A shell that ignores SIGINT passes that on (bash cannot trap it then): start the demo
# from a terminal, or with SIGINT at its default, as tests/demo does.
set -Eeuo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

steady=${SLO_DEMO_STEADY_SECONDS:-90}
incident=${SLO_DEMO_INCIDENT_SECONDS:-120}
spec=examples/demo.json
run=${SLO_DEMO_RUN_DIR:-$root/target/demo/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$run"
# Logs go to the run folder; fd 3 is the terminal, for what the newcomer reads.
exec 3>&1
say() { printf '%s\n' "$*" >&3; }
fail() { printf 'demo: %s\n' "$*" >&3; exit 1; }
step_log=""
# A command that fails inside a step ends the demo (set -e) after showing its log's end.
trap '[ -z "$step_log" ] || { say "failed:"; tail -20 "$step_log" >&3; }' ERR
step() { # step LOG WHAT COMMAND...: runs COMMAND in this shell, its output in $run/LOG.
  step_log=$run/$1
  printf '%s (log: %s) ... ' "$2" "$step_log" >&3
  shift 2
  "$@" >>"$step_log" 2>&1
  step_log=""
  say "ok"
}

names=()
groups=()
stop() {
  trap - INT TERM EXIT
  for pgid in "${groups[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  for pgid in "${groups[@]}"; do
    for _ in $(seq 50); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'say ""; say "demo: stopping everything"; exit 130' INT
trap 'exit 143' TERM
# start NAME COMMAND...: in its own process group (job control), output to $run/NAME.log.
start() {
  local name=$1
  shift
  set -m
  "$@" >"$run/$name.log" 2>&1 &
  set +m
  names+=("$name")
  groups+=($!)
}
wait_for() { # wait_for WHAT URL [BODY]: until URL answers (with BODY, if given).
  for _ in $(seq 300); do
    if answer=$(curl -sf "$2" 2>/dev/null) && [ -z "${3:-}" -o "$answer" = "${3:-}" ]; then return 0; fi
    sleep 0.1
  done
  fail "$1 did not answer at $2 within 30 s; see $run"
}

say "== slo-toolkit demo; run folder (logs, configs): $run"
step setup.log "setting up (scripts/setup.sh)" bash scripts/setup.sh
build() { # not an && list: set -e must hold inside the sourced script
  . tests/envoy/build.sh
  bash www/build.sh
}
step build.log "building the filter, the slo command and the elements" build
command -v prometheus >/dev/null || fail "prometheus is missing: install Debian's prometheus (scripts/setup.sh does)"

read -r envoy_port admin_port upstream_port www_port prom_port < <(.venv/bin/python -c '
import socket
held = [socket.socket() for _ in range(5)]
for s in held: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in held))')
www="http://127.0.0.1:$www_port"
status="http://127.0.0.1:$envoy_port/slo/status"

"$SLO_BIN" check "$spec" >&3
"$SLO_BIN" envoy-config "$spec" --wasm "$SLO_FILTER_WASM" \
  --listen-port "$envoy_port" --admin-port "$admin_port" --upstream "127.0.0.1:$upstream_port" \
  --status-path /slo/status --status-on-data-plane --status-cors-origin "$www" \
  --tick-seconds 1 --stats-flush-seconds 1 --fault-injection >"$run/envoy.yaml"
"$SLO_BIN" rules "$spec" >"$run/rules.yml"
cat >"$run/prometheus.yml" <<EOF
# Scrapes the demo Envoy's admin endpoint; rules.yml is \`slo rules $spec\`.
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files: [rules.yml]
scrape_configs:
  - job_name: envoy
    metrics_path: /stats/prometheus
    static_configs: [{targets: ["127.0.0.1:$admin_port"]}]
EOF
promtool check config "$run/prometheus.yml" >>"$run/build.log" 2>&1 || fail "promtool rejects $run/prometheus.yml; see $run/build.log"
# Choosing a target from evidence: 90 days of the checkout service's history, replayed.
history=examples/history/checkout-90d.csv
"$SLO_BIN" backtest "$history" --targets 99,99.5,99.9,99.95 --window 30d >"$run/backtest.txt"
say "backtest of 90 days of history ($history; the table is in $run/backtest.txt):"
grep -A1 '^recommendation:' "$run/backtest.txt" >&3
say "alert tiers of $spec (from \`slo rules\`, in $run/rules.yml):"
.venv/bin/python - "$run/rules.yml" >&3 <<'PY'
import sys, yaml
for group in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for rule in group["rules"]:
        # The burn-rate tiers; the absent-data alert has no tier.
        if "alert" in rule and "slo_tier" in rule["labels"]:
            print(f"  {rule['labels']['slo_tier']:<12} {rule['labels']['severity']:<7} {rule['annotations']['summary']}")
PY

start upstream .venv/bin/python tests/envoy/harness.py upstream "$upstream_port"
start envoy .venv/bin/envoy -c "$run/envoy.yaml" --concurrency 2 --disable-hot-restart
start prometheus prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" --storage.tsdb.retention.time=1d
start www node www/serve.mjs "$www_port"
wait_for Envoy "http://127.0.0.1:$admin_port/ready" LIVE
wait_for Prometheus "http://127.0.0.1:$prom_port/-/ready"
wait_for "the docs site" "$www/index.html"
# Debian's Prometheus serves its classic pages (the new UI is not packaged); others /alerts.
alerts="http://127.0.0.1:$prom_port/alerts"
curl -sf -o /dev/null "$alerts" || alerts="http://127.0.0.1:$prom_port/classic/alerts"
say "started: the demo service, Envoy with the SLO filter, Prometheus, the docs site"

start traffic .venv/bin/python scripts/demo_traffic.py "$envoy_port" "$steady" "$incident"
begin=$(date +%s)
clock() { date -d "@$1" +%H:%M:%S; }
minutes() { awk -v s="$1" 'BEGIN { m = s / 60; printf (m == int(m) ? "%d min" : "%.1f min"), m }'; }
say ""
say "steady traffic starts at $(clock "$begin"): 20 requests/s to /api/checkout, 0.2% server errors"
say "incident starts at $(clock $((begin + steady))), lasts $(minutes "$incident"): 20% server errors, 6% slower than 250 ms"
say "steady again from $(clock $((begin + steady + incident))); watch the tiers fire during the incident and reset after it"
say ""
say "open:"
say "  calculators + live status:  $www/?live=$status"
say "  Prometheus alerts:          $alerts"
say "  Hugo workshop:              $www/hugo/public/"
say "  workshop, live:             $www/hugo/public/lab/traffic/?live=$status"
say "  choosing a target:          $www/hugo/public/why-slos/choosing-a-target/"
say "  filter status (JSON):       $status"
say "  Envoy's series:             http://127.0.0.1:$admin_port/stats/prometheus"
say "Ctrl-C stops everything."

# Runs until Ctrl-C; a part that stops on its own ends the demo, saying which.
wait -n "${groups[@]}" || true
for i in "${!groups[@]}"; do
  kill -0 "${groups[$i]}" 2>/dev/null || fail "${names[$i]} stopped; see $run/${names[$i]}.log"
done
