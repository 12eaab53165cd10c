#!/usr/bin/env bash
# Packs the browser elements as an npm package for docs sites without a Rust toolchain:
# builds the bundle (www/build.sh --no-hugo), stages the prebuilt wasm, the bundle, the
# separate modules, the Hugo module and the docs with www/npm/stage.mjs (version from the
# crates, sha384 SRI hashes), and runs `npm pack`. Prints the tarball's path.
#   scripts/npm-package.sh [OUT_DIR]     (default target/npm/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
die() { printf 'scripts/npm-package.sh: %s\n' "$*" >&2; exit 1; }
command -v node >/dev/null || die "node is missing: install Node.js"
command -v npm >/dev/null || die "npm is missing: install Node.js with npm"

out=$(mkdir -p "${1:-target/npm}" && cd "${1:-target/npm}" && pwd)
bash www/build.sh --no-hugo

# The version and licence are the crates': read from the workspace, never restated here.
metadata=$(cargo metadata --no-deps --format-version 1)
stage=$(mktemp -d "${TMPDIR:-/tmp}/slo-npm.XXXXXX")
trap 'rm -rf "$stage"' EXIT
node www/npm/stage.mjs "$stage/package" <<<"$metadata"
tarball=$(cd "$stage/package" && npm pack --silent --pack-destination "$out")
printf '%s/%s\n' "$out" "$tarball"
