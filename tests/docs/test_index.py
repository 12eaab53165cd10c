"""docs/README.md is the Reference's index: it links every page of docs/ (the dated benchmark
runs are linked from docs/benchmarks.md instead), and the site's sidebar follows its order."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def unlisted(index, pages):
    linked = set(re.findall(r"\]\(([a-z0-9-]+\.md)\)", index))
    return sorted(set(pages) - linked)


def test_the_index_links_every_page():
    pages = [p.name for p in DOCS.glob("*.md") if p.name != "README.md"]
    assert pages, "no pages in docs/"
    assert unlisted((DOCS / "README.md").read_text(), pages) == [], "link these from docs/README.md"
    runs = [f"benchmarks/runs/{p.name}" for p in (DOCS / "benchmarks" / "runs").glob("*.md")]
    assert set(runs) <= set(re.findall(r"\]\((benchmarks/runs/[^)]+\.md)\)", (DOCS / "benchmarks.md").read_text()))


def test_control_an_unlinked_page_is_named():
    assert unlisted("| [The spec](spec.md) | ... |", ["spec.md", "time-zones.md"]) == ["time-zones.md"]
