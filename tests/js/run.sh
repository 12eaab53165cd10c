#!/usr/bin/env bash
# The elements' JavaScript without a browser, in a few seconds: ESLint (tests/js's pinned
# copy, tests/js/eslint.config.mjs) on the elements, the demo and workshop scripts, the
# build scripts and the browser tests; then node's test runner on the elements' pure
# modules (tests/js/*.test.mjs). A missing tool is a failure with a message, never a skip.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
die() { printf 'tests/js/run.sh: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is missing"
eslint=tests/js/node_modules/.bin/eslint
[ -x "$eslint" ] || die "ESLint is missing: run scripts/setup.sh (npm ci in tests/js)"

"$eslint" --config tests/js/eslint.config.mjs --max-warnings 0 \
  www/elements www/demo.js www/hugo/static/workshop-live.js www/bundle.mjs www/serve.mjs www/npm \
  www/hugo/figures.mjs tests/browser tests/npm-package tests/js
node --test tests/js/*.test.mjs
