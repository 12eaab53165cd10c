"""A figure about the toolkit (a size, a speed, a throughput ratio) is stated once, in
docs/benchmarks.md, and comes from a run: each row of its table cites a run file, which
holds what the run printed, and every number of the row's figure and target is in it.
Other pages link to docs/benchmarks.md instead of restating a size or a ratio, so no page
can keep an older value than the table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
RUNS = ROOT / "docs" / "benchmarks" / "runs"
PAGES = [ROOT / "README.md", ROOT / "www" / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
RUN_LINK = re.compile(r"\]\((benchmarks/runs/[^)#]+\.md)\)")
# What only the benchmarks may state: a size, or a throughput against no filter or an empty one.
RESTATED = re.compile(r"\d[\d,.]*\s?(?:KB|kB|KiB|MiB|bytes)\b"
                      r"|\d[\d.]*%\s+of\s+(?:no filter|(?:an|the) empty (?:Wasm |proxy-wasm )?filter)")


def numbers(text):
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def unsourced(table_markdown, read):
    """Per row of the benchmarks table: the run it cites is missing, or a number of its
    figure or target is not in that run. `read(relative_path)` gives a run's text or None."""
    problems = []
    for line in table_markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not line.startswith("|") or set(cells[0]) <= set("-: "):
            continue
        if cells[0] == "what":
            continue
        link = RUN_LINK.search(cells[-1])
        if not link:
            problems.append(f"row `{cells[0]}` cites no run file (docs/benchmarks/runs/...)")
            continue
        run = read(link.group(1))
        if run is None:
            problems.append(f"row `{cells[0]}` cites {link.group(1)}, which does not exist")
            continue
        missing = sorted(numbers(cells[1] + " " + cells[2]) - numbers(run))
        if missing:
            problems.append(f"row `{cells[0]}`: {', '.join(missing)} not in {link.group(1)}")
    return problems


def restated(markdown):
    return [m.group(0) for m in RESTATED.finditer(markdown)]


def read_run(relative):
    path = ROOT / "docs" / relative
    return path.read_text() if path.is_file() else None


def test_every_benchmark_figure_is_in_the_run_its_row_cites():
    assert BENCHMARKS.is_file()
    assert unsourced(BENCHMARKS.read_text(), read_run) == []
    assert any(RUNS.glob("*.md")), "no run files: the table would cite nothing"


def test_no_other_page_restates_a_size_or_a_throughput_ratio():
    found = []
    for page in PAGES:
        if page == BENCHMARKS or RUNS in page.parents:
            continue
        found += [f"{page.relative_to(ROOT)}: {figure}" for figure in restated(page.read_text())]
    assert found == [], "state these in docs/benchmarks.md (with their run) and link there"


def test_control_a_figure_its_run_does_not_hold_or_a_missing_run_is_reported():
    table = ("| what | figure | target | command | run |\n| --- | --- | --- | --- | --- |\n"
             "| filter size | 256,668 bytes | ≤ 258,000 bytes | x | [r](benchmarks/runs/a.md) |\n"
             "| bundle | 87.4 KB | ≤ 100 KB | x | [r](benchmarks/runs/gone.md) |\n"
             "| what-if | 2.3 ms | ≤ 5 ms | x | — |\n")
    runs = {"benchmarks/runs/a.md": "slo_filter.wasm: 256668 bytes (limit 258000)"}
    assert unsourced(table, runs.get) == [
        "row `bundle` cites benchmarks/runs/gone.md, which does not exist",
        "row `what-if` cites no run file (docs/benchmarks/runs/...)",
    ]
    runs["benchmarks/runs/a.md"] = "slo_filter.wasm: 251845 bytes (limit 258000)"
    assert unsourced(table, runs.get)[0] == "row `filter size`: 256668 not in benchmarks/runs/a.md"


def test_control_a_restated_size_or_ratio_is_found():
    assert restated("The filter is 247 KB after wasm-opt; native counting runs at 91.2% of no filter.") == [
        "247 KB", "91.2% of no filter"]
    assert restated("a 250 ms threshold, 99.9% over 30d, the same bytes") == []
