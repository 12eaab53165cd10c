#!/usr/bin/env bash
# Runs every shell command README.md, www/README.md and docs/ show, with `slo` installed by
# `cargo install --path crates/slo-cli`, comparing the output where the docs show it
# (tests/docs/doc_commands.py says how blocks are read). Exits non-zero on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ -x .venv/bin/python ] || { echo "tests/docs/run.sh: .venv is missing: run scripts/setup.sh" >&2; exit 1; }
command -v promtool >/dev/null || { echo "tests/docs/run.sh: missing promtool (Debian package prometheus; scripts/setup.sh installs it)" >&2; exit 1; }
exec .venv/bin/python -m pytest tests/docs -q -p no:cacheprovider "$@"
