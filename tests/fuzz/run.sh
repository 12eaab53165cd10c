#!/usr/bin/env bash
# A bounded, coverage-guided run (cargo-fuzz, libFuzzer) of every fuzz target in fuzz/:
# each starts from the seeds in fuzz/seeds/<target> (and the project's examples where they
# fit) plus the corpus earlier local runs grew in fuzz/corpus/<target>, for
# FUZZ_SECONDS (20) seconds. Any panic, broken invariant, hang or runaway allocation fails
# the suite and leaves the input in fuzz/artifacts/<target>/.
#   FUZZ_SECONDS=60 bash tests/fuzz/run.sh spec_json openslo_yaml   # some targets, longer
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fail() { echo "tests/fuzz/run.sh: $*" >&2; exit 1; }

rustup run nightly rustc --version >/dev/null 2>&1 ||
  fail "the nightly Rust toolchain is missing (cargo-fuzz needs its sanitizer coverage); run scripts/setup.sh"
cargo fuzz --version >/dev/null 2>&1 ||
  fail "cargo-fuzz is missing; run scripts/setup.sh"

seconds=${FUZZ_SECONDS:-20}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || fail "FUZZ_SECONDS must be a whole number of seconds, not '$seconds'"

# Where a target's seeds live: its own edge cases, and the files the project ships that
# the reader is meant to take.
seed_dirs() {
  case $1 in
    spec_json | scenario_json | filter_config) echo "fuzz/seeds/$1 examples" ;;
    openslo_yaml) echo "fuzz/seeds/$1 examples/openslo" ;;
    *) echo "fuzz/seeds/$1" ;;
  esac
}

mapfile -t all_targets < <(cargo +nightly fuzz list)
((${#all_targets[@]})) || fail "cargo fuzz list found no targets in fuzz/"
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || fail "no fuzz target '$target'; targets: ${all_targets[*]}"
  [ -d "fuzz/seeds/$target" ] || fail "fuzz/seeds/$target is missing: every target starts from seeds"
done

echo "building ${#all_targets[@]} fuzz targets" >&2
nice cargo +nightly fuzz build >&2

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# One target per core at a time (FUZZ_JOBS, default the core count): each still fuzzes
# for its full FUZZ_SECONDS, the suite waits half as long on two cores.
jobs=${FUZZ_JOBS:-$(nproc)}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || fail "FUZZ_JOBS must be a whole number of targets run at once, not '$jobs'"
fuzz_one() {
  local target=$1
  mkdir -p "fuzz/corpus/$target"
  # -timeout: one input taking seconds is a hang to report, not to wait out. -seed: the
  # same mutations on every machine, so what CI finds, a developer finds again.
  local status=0
  # shellcheck disable=SC2046
  nice cargo +nightly fuzz run "$target" "fuzz/corpus/$target" $(seed_dirs "$target") -- \
    -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" -timeout=10 -print_final_stats=1 >"$logs/$target.log" 2>&1 ||
    status=$?
  echo "$status" >"$logs/$target.status"
}
running=0
for target in "${targets[@]}"; do
  fuzz_one "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
done
wait
for target in "${targets[@]}"; do
  log="$logs/$target.log"
  if [[ $(cat "$logs/$target.status") != 0 ]]; then
    grep -v '^#[0-9]' "$log" | tail -60 >&2
    fail "fuzz target $target failed: the input is in fuzz/artifacts/$target/; replay it with
  cargo +nightly fuzz run $target fuzz/artifacts/$target/<file>
then fix the reader and keep the input as a regression test in the crate's cargo tests"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  [[ ${runs:-0} -gt 0 ]] || { tail -20 "$log" >&2; fail "fuzz target $target ran no input"; }
  printf 'fuzz %-14s %9s inputs in %ss, coverage %s, corpus %s files\n' \
    "$target" "$runs" "$seconds" "${edges#cov: }" "$(find "fuzz/corpus/$target" -type f | wc -l)"
done
echo "fuzz: ${#targets[@]} targets, no crash"
