#!/usr/bin/env bash
# Builds the browser bundle and the Hugo workshop site (as tests/browser/run.sh does), then
# serves www/ on 127.0.0.1:${SLO_DEMO_WWW_PORT:-8080} until stopped. The demo page's
# <slo-live> reads the demo Envoy's status endpoint on ${SLO_DEMO_ENVOY_PORT:-10000}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${SLO_DEMO_WWW_PORT:-8080}
envoy_port=${SLO_DEMO_ENVOY_PORT:-10000}
command -v node >/dev/null || { echo "scripts/serve-www.sh: node is missing" >&2; exit 1; }

bash www/build.sh

live="http://127.0.0.1:${envoy_port}/slo/status"
printf 'SLO calculators:   http://127.0.0.1:%s/?live=%s\n' "$port" "$live"
printf 'Hugo workshop:     http://127.0.0.1:%s/hugo/public/\n' "$port"
exec node www/serve.mjs "$port"
