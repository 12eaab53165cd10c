#!/usr/bin/env bash
# Builds the browser bundle: slo-web for wasm32-unknown-unknown (release), wasm-bindgen
# --target web into www/pkg/, wasm-opt from Debian's binaryen; then, unless --no-hugo,
# the Hugo workshop site into www/hugo/public/. Used by tests/browser/run.sh and
# scripts/serve-www.sh. Fails with a clear message when a tool is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
die() { printf 'www/build.sh: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null || die "$1 is missing; $2 (scripts/setup.sh installs it)"; }
need cargo "install Rust"
need wasm-bindgen "install wasm-bindgen-cli at the version Cargo.lock pins"
need wasm-opt "install Debian's binaryen"

want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)
have=$(wasm-bindgen --version | awk '{print $2}')
[ "$want" = "$have" ] || die "wasm-bindgen CLI is $have but Cargo.lock pins the crate at $want; run scripts/setup.sh"

target_dir=${CARGO_TARGET_DIR:-$root/target}
# Three wasm modules: slo_web for every calculator; slo_web_backtest, loaded only by
# <slo-backtest> and <slo-report> (its history reader and replay would add a third to every
# page); slo_web_editor, loaded only by <slo-editor> (the spec readers and generators).
crates=(slo_web slo_web_backtest slo_web_editor)
cargo build --quiet -p slo-web -p slo-web-backtest -p slo-web-editor --target wasm32-unknown-unknown --profile release-wasm

out="$root/www/pkg"
# Built in a folder of its own, then only the files whose bytes changed are renamed into
# www/pkg/: a second build running beside a suite that serves www/ (the demo's, beside the
# fleet's browser test) replaces nothing a page is loading.
fresh=$(mktemp -d "$root/www/.pkg.XXXXXX")
trap 'rm -rf "$fresh"' EXIT
for crate in "${crates[@]}"; do
  wasm="$target_dir/wasm32-unknown-unknown/release-wasm/$crate.wasm"
  [ -f "$wasm" ] || die "cargo produced no $wasm"
  wasm-bindgen --target web --no-typescript --out-dir "$fresh" "$wasm"
  # Debian's binaryen predates reading Rust's target-features section: name the features
  # rustc enables for wasm32-unknown-unknown, or validation fails.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$fresh/${crate}_bg.wasm" -o "$fresh/${crate}_bg.opt.wasm"
  mv "$fresh/${crate}_bg.opt.wasm" "$fresh/${crate}_bg.wasm"
done
mkdir -p "$out"
for file in "$out"/*; do [ -e "$fresh/${file##*/}" ] || rm -f "$file"; done
for file in "$fresh"/*; do
  cmp -s "$file" "$out/${file##*/}" || mv -f "$file" "$out/${file##*/}"
done
# One-file version of the elements (www/elements/slo-elements.bundle.js) for pages that
# want a single request; the separate modules stay usable.
need node "install Node.js"
node "$root/www/bundle.mjs"

if [ "${1:-}" != "--no-hugo" ]; then
  need hugo "install Debian's hugo"
  # The shortcodes load the elements from /slo/ of the Hugo site: copy the bundle there.
  static="$root/www/hugo/static/slo"
  rm -rf "$static"
  mkdir -p "$static"
  cp -r "$root/www/elements" "$out" "$static/"
  # The example history the "Choosing a target" page backtests.
  mkdir -p "$static/history"
  cp "$root/examples/history/checkout-90d.csv" "$static/history/"
  # The figures the workshop's prose prints, computed by the core through the slo command.
  cargo build --quiet -p slo-cli
  node "$root/www/hugo/figures.mjs" "$target_dir/debug/slo" "$root/www/hugo/data/figures.json"
  # Not --quiet: Hugo prints its errors (an unknown figure, with its page and line) on stdout.
  hugo --source "$root/www/hugo" --destination "$root/www/hugo/public" --cleanDestinationDir
fi
printf 'www/build.sh: built %s\n' "$out" >&2
