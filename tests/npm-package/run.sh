#!/usr/bin/env bash
# The npm package of the elements, installed as a docs-site author without Rust would:
# scripts/npm-package.sh packs it, then tests/npm-package/install.test.mjs installs the
# tarball offline into a fresh plain-HTML site and a fresh `hugo new site`, serves each on
# loopback and checks the elements in Debian's headless Chromium (through tests/browser's
# playwright-core). A missing tool is a failure with a message, never a skip.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
missing() { printf 'tests/npm-package/run.sh: %s is missing: %s\n' "$1" "$2" >&2; exit 1; }

chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || missing "$chromium" "install Debian's chromium (scripts/setup.sh does)"
command -v npm >/dev/null || missing npm "install Node.js with npm"
command -v hugo >/dev/null || missing hugo "install Debian's hugo (scripts/setup.sh does)"
[ -f tests/browser/node_modules/playwright-core/package.json ] ||
  missing "npm module playwright-core" "run scripts/setup.sh (npm ci in tests/browser)"

work=$(mktemp -d "${TMPDIR:-/tmp}/slo-npm-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
tarball=$(bash scripts/npm-package.sh "$work/dist" | tail -1)
[ -f "$tarball" ] || missing "$tarball" "scripts/npm-package.sh did not make it"

SLO_NPM_TARBALL="$tarball" SLO_NPM_WORK="$work" CHROMIUM="$chromium" \
  node --test --test-concurrency=1 tests/npm-package/install.test.mjs
