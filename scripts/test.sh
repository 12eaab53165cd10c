#!/usr/bin/env bash
# Every test of the project, set-up included: formatting, lints, the core's unit and
# property tests, the wasm builds, and the end-to-end suites against the real Envoy,
# Chromium, Hugo and promtool.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

started=$SECONDS
bash scripts/setup.sh

# Each part is headed with the minutes and seconds since the start, so a run's log says
# where the time went.
step() { printf '\n== [%dm%02ds] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*" >&2; }
step "set-up done"

step "cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

# The elements' JavaScript first: ESLint and the pure modules' unit tests take seconds.
step "tests/js/run.sh (ESLint, JavaScript unit tests)"
bash tests/js/run.sh

step "cargo clippy (native: the shells' pure parts build natively too)"
cargo clippy --workspace --all-targets -- -D warnings
# The fuzz targets are their own workspace (they run on nightly); they lint on stable.
cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings

step "cargo clippy (wasm shells)"
for crate_target in slo-filter:wasm32-wasip1 slo-web:wasm32-unknown-unknown slo-web-backtest:wasm32-unknown-unknown slo-web-editor:wasm32-unknown-unknown; do
  crate=${crate_target%%:*}
  cargo clippy -p "$crate" --target "${crate_target#*:}" -- -D warnings
done

step "slo-core builds for both wasm targets"
cargo build -q -p slo-core --target wasm32-wasip1
cargo build -q -p slo-core --target wasm32-unknown-unknown

step "cargo package: the crates a user installs build from their packages alone"
# Cargo verifies slo-gen and slo-cli against a local registry of the just-packaged crates and
# takes registry crates as immutable: it neither unpacks a version again (under
# $CARGO_HOME/registry/src/-<hash of the checkout's path>/) nor rebuilds one it has built, so a
# second run at the same path would check against the first run's slo-core. Both go first.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
rm -rf "$cargo_home"/registry/src/-*/slo-{core,gen,cli}-*
package_target=target/package-check
cargo clean --quiet --target-dir "$package_target" -p slo-core -p slo-gen -p slo-cli
cargo package --quiet --target-dir "$package_target" -p slo-core -p slo-gen -p slo-cli --allow-dirty

step "unit, property and CLI tests"
cargo test --workspace

# Suites that mostly wait on real time (Prometheus' rule evaluations, the demo's story, the
# fleet element over a real fleet, the filter's one-minute soak) run side by side at the end,
# with the fuzz smoke (niced, one target per core) on the cores they leave idle; each one's
# output is printed whole when all have ended. Each entry is a suite's script and its
# arguments; the browser and Envoy suites run the rest of their tests here, one suite at a time.
fleet_browser_test=tests/fleet.test.mjs
soak_test=tests/envoy/test_soak.py
whole_waiting_suites=(tests/demo/run.sh tests/prometheus/run.sh tests/fuzz/run.sh)
waiting_suites=("${whole_waiting_suites[@]}"
  "tests/browser/run.sh $fleet_browser_test" "tests/envoy/run.sh $soak_test")
browser_tests=()
for test in tests/browser/tests/*.test.mjs; do
  [ "${test#tests/browser/}" = "$fleet_browser_test" ] || browser_tests+=("${test#tests/browser/}")
done
shopt -s nullglob
for suite in tests/*/run.sh; do
  [[ " ${whole_waiting_suites[*]} " == *" $suite "* ]] && continue  # side by side below
  case $suite in
    tests/js/run.sh) ;;  # ran above
    tests/browser/run.sh)
      step "$suite (all but $fleet_browser_test)"
      bash "$suite" "${browser_tests[@]}"
      export SLO_WWW_BUILT=1 ;;
    tests/envoy/run.sh)
      step "$suite (all but $soak_test)"
      bash "$suite" tests/envoy --ignore="$soak_test" ;;
    *)
      step "$suite"
      bash "$suite" ;;
  esac
done

step "side by side: ${waiting_suites[*]}"
logs=$(mktemp -d)
log_name() { local words=($1); basename "$(dirname "${words[0]}")"${words[1]:+-$(basename "${words[1]%%.*}")}; }
for suite in "${waiting_suites[@]}"; do
  name=$(log_name "$suite")
  (
    began=$SECONDS status=0
    # shellcheck disable=SC2086 # a suite's script and its arguments
    bash $suite >"$logs/$name.log" 2>&1 || status=$?
    echo "$status $((SECONDS - began))" >"$logs/$name.done"
  ) &
done
wait
failed=()
for suite in "${waiting_suites[@]}"; do
  name=$(log_name "$suite")
  read -r status seconds <"$logs/$name.done"
  printf '\n== %s (side by side): %dm%02ds, exit %s\n' "$suite" $((seconds / 60)) $((seconds % 60)) "$status" >&2
  cat "$logs/$name.log"
  [[ $status == 0 ]] || failed+=("$suite")
done
rm -rf "$logs"
((${#failed[@]} == 0)) || { echo "failed: ${failed[*]}" >&2; exit 1; }
step "all passed"
