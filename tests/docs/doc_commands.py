"""The shell commands the docs show, and running them as a reader would.

A fenced block tagged `sh` or `console` holds commands. In a `sh` block every line is a
command (a trailing `\\` continues it; `  # ...` is a comment). In a `console` block a
command starts with `$ ` and the lines after it, up to the next `$ `, are the output the
docs promise: each must appear in the real output, in order, as a whole line, where `...`
stands for any text (a line of only `...` marks skipped lines and matches nothing).

A block that cannot run here says why on the line before its fence:
`<!-- not run: needs a Kubernetes cluster -->`. Every other block runs, in a scratch
folder holding links to the repository's example inputs, with the `slo` that
`cargo install --path crates/slo-cli` installs first on PATH.
"""

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.*?)\s*-->\s*$")
COMMAND_TAGS = {"sh", "console"}
# What a command in the docs may read from the repository, linked into the scratch folder.
INPUTS = ("examples", "filters", "crates", "tests", "www")


@dataclass
class Command:
    text: str
    expected: list = field(default_factory=list)


@dataclass
class Block:
    path: Path
    line: int
    tag: str
    commands: list
    not_run: str | None

    def where(self):
        return f"{self.path}:{self.line}"


def blocks(path):
    """Every command block of one Markdown file, with its line and its not-run reason."""
    lines = Path(path).read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        tag, start = opening.group(1), i
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1
        if tag not in COMMAND_TAGS:
            continue
        before = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marker = NOT_RUN.match(before)
        parse = console_commands if tag == "console" else sh_commands
        found.append(Block(Path(path), start + 1, tag, parse(body), marker.group(1) if marker else None))
    return found


def strip_comment(line):
    """`cmd  # comment` -> `cmd`; a `#` inside a word or quotes stays."""
    match = re.search(r"(^|\s{2,})#", line)
    return line[: match.start()].rstrip() if match else line.rstrip()


def joined(lines):
    """Lines with their `\\` continuations joined, comments dropped."""
    out, pending = [], ""
    for line in lines:
        line = strip_comment(line) if not pending else line.rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = (pending + line).strip()
        pending = ""
        if text:
            out.append(text)
    return out


def sh_commands(body):
    return [Command(text) for text in joined(body)]


def console_commands(body):
    commands = []
    for line in body:
        if line.startswith("$ "):
            commands.append(Command(strip_comment(line[2:]).strip()))
        elif commands:
            commands[-1].expected.append(line)
    return commands


def line_pattern(expected):
    parts = [re.escape(part.strip()) for part in expected.strip().split("...")]
    return re.compile(r"\s*" + ".*".join(parts) + r"\s*")


def missing_output(expected, actual):
    """The first promised line not found, in order, in the actual output; None if all are."""
    lines = actual.splitlines()
    at = 0
    for want in expected:
        if want.strip() in ("", "..."):
            continue
        pattern = line_pattern(want)
        while at < len(lines) and not pattern.fullmatch(lines[at]):
            at += 1
        if at == len(lines):
            return want
        at += 1
    return None


def prepare_scratch(root, scratch):
    for name in INPUTS:
        link = Path(scratch) / name
        if not link.exists():
            link.symlink_to(Path(root) / name)


def run_block(block, root, scratch, env, timeout=120):
    """Problems with one block, each naming the file and line: empty when it ran as shown."""
    if block.not_run is not None:
        return [] if block.not_run else [f"{block.where()}: a not-run marker needs a reason"]
    problems = []
    prepare_scratch(root, scratch)
    for command in block.commands:
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command.text], cwd=scratch, env=env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            problems.append(f"{block.where()}: `{command.text}` exited {done.returncode}:\n"
                            f"{(done.stderr or done.stdout)[-1500:]}")
            break
        missing = missing_output(command.expected, done.stdout + done.stderr)
        if missing is not None:
            problems.append(f"{block.where()}: `{command.text}` did not print the line the docs show:\n"
                            f"  {missing.strip()}\nit printed:\n{done.stdout[-1500:]}{done.stderr[-500:]}")
    return problems
