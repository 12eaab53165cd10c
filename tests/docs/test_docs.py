"""Every shell command the README and docs/ show runs as shown (or says why it cannot),
with `slo` installed the way the README says; and the check fails on a broken example."""

import os
import subprocess
from pathlib import Path

import pytest

from doc_commands import blocks, run_block

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "www" / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """`cargo install --path crates/slo-cli` into a scratch root (the suite's own target
    folder, so the release build is shared with the other suites), first on PATH."""
    install_root = tmp_path_factory.mktemp("install")
    done = subprocess.run(["cargo", "install", "--quiet", "--locked", "--path", "crates/slo-cli",
                           "--root", str(install_root)], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target")))
    assert done.returncode == 0, f"cargo install --path crates/slo-cli failed:\n{done.stderr[-3000:]}"
    assert (install_root / "bin" / "slo").exists(), "cargo install gave no slo binary"
    return dict(os.environ, PATH=f"{install_root / 'bin'}:{os.environ['PATH']}")


def check(markdown, env, scratch):
    problems = []
    for block in blocks(markdown):
        problems += run_block(block, ROOT, scratch, env)
    return problems


def test_every_command_the_docs_show_runs_as_shown(env, tmp_path):
    found = [block for path in DOCS for block in blocks(path)]
    ran = [b for b in found if b.not_run is None]
    assert ran, "no command block found to run: the check would check nothing"
    problems = []
    for block in found:
        problems += run_block(block, ROOT, tmp_path, env)
    print(f"{sum(len(b.commands) for b in ran)} commands in {len(ran)} blocks ran; "
          f"{len(found) - len(ran)} blocks not run, each with its reason")
    assert not problems, "\n\n".join(problems)


def test_a_command_that_fails_is_reported_with_its_file_and_line(env, tmp_path):
    doc = tmp_path / "broken.md"
    doc.write_text("# Broken\n\n```sh\nslo budget --target 200 --window 30d\n```\n")
    problems = check(doc, env, tmp_path)
    assert len(problems) == 1 and problems[0].startswith(f"{doc}:3: `slo budget --target 200 --window 30d` exited 2"), problems


def test_output_the_docs_promise_but_the_command_does_not_print_is_reported(env, tmp_path):
    doc = tmp_path / "drifted.md"
    doc.write_text("```console\n$ slo budget --target 99.9 --window 30d\n"
                   "...\nerror budget ... 0.2%\n```\n")
    problems = check(doc, env, tmp_path)
    assert len(problems) == 1 and "did not print the line the docs show:\n  error budget ... 0.2%" in problems[0], problems


def test_output_shown_as_an_excerpt_matches(env, tmp_path):
    doc = tmp_path / "excerpt.md"
    doc.write_text("```console\n$ slo budget --target 99.9 --window 30d\n...\n... 0.1% ...\n```\n")
    assert check(doc, env, tmp_path) == []


def test_a_block_that_is_not_run_must_say_why(env, tmp_path):
    doc = tmp_path / "unexplained.md"
    doc.write_text("<!-- not run: -->\n```sh\nrm -rf /\n```\n")
    assert check(doc, env, tmp_path) == [f"{doc}:2: a not-run marker needs a reason"]
