"""The example history (examples/history/checkout-90d.csv) as a Prometheus server holds it:
cumulative counters backfilled into a TSDB by `promtool tsdb create-blocks-from
openmetrics`, for the real `prometheus` to serve. Used by tests/backtest (imported) and by
the browser's backtest test (run: `history_server.py DIR PORT [CORS_ORIGIN]` backfills DIR,
then becomes Prometheus on 127.0.0.1:PORT, allowing CORS_ORIGIN)."""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ROOT / "examples/history/checkout-90d.csv"
STEP = 60
METRIC = "checkout_requests_total"
# The same history as the filter's counter of a request SLO, and as an app's own counter
# that examples/prometheus.json's Prometheus SLIs select.
REQUEST_SPEC, REQUEST_SLO = ROOT / "examples/checkout.json", "checkout-availability"
SERIES = [
    ("checkout_requests", [('{outcome="good"}', "good"), ('{outcome="bad"}', "bad")]),
    ("slo_requests", [(f'{{slo="{REQUEST_SLO}",outcome="good"}}', "good"),
                      (f'{{slo="{REQUEST_SLO}",outcome="bad"}}', "bad")]),
    ("http_requests", [('{job="orders",route="/orders",code="200"}', "good"),
                       ('{job="orders",route="/orders",code="503"}', "bad")]),
]


def tool(name):
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is missing: install Debian's `prometheus` package (scripts/setup.sh does)")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_history():
    rows = {}
    for line in HISTORY.read_text().splitlines()[1:]:
        t, good, bad = (int(x) for x in line.split(","))
        rows[t] = (good, bad)
    start, end = min(rows), max(rows) + STEP
    return start, end, rows


def openmetrics_by_day(start, end, rows):
    """Counters sampled at every step boundary, as a scrape each minute would see them,
    except inside the history's gaps: there no scrape happened. One OpenMetrics text per
    UTC day: promtool reads its whole input once per 2-hour block it writes, so 90 days in
    one file take minutes, and a file a day seconds."""
    cumulative = {"good": 0, "bad": 0}
    days = {}
    for boundary in range(start, end + 1, STEP):
        before, after = rows.get(boundary - STEP), rows.get(boundary)
        if before is not None:
            cumulative["good"] += before[0]
            cumulative["bad"] += before[1]
        inside_gap = boundary != start and boundary != end and before is None and after is None
        if not inside_gap:
            day = days.setdefault(boundary // 86400, {labels: [] for _, series in SERIES for labels, _ in series})
            for family, series in SERIES:
                for labels, outcome in series:
                    day[labels].append(f"{family}_total{labels} {cumulative[outcome]} {boundary}")
    texts = []
    for _, day in sorted(days.items()):
        lines = []
        for family, series in SERIES:
            lines.append(f"# TYPE {family} counter")
            for labels, _ in series:
                lines.extend(day[labels])
        texts.append("\n".join([*lines, "# EOF"]) + "\n")
    return texts


# The blocks depend only on the history and on this file: written once per checkout (under
# tests/artifacts/, beside the other suites' outputs) and copied for each server, since
# promtool takes minutes on a loaded 2-core machine and Prometheus writes into its data.
BLOCKS = ROOT / "tests/artifacts/history-blocks" / hashlib.sha256(
    HISTORY.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]


def write_blocks(data, start, end, rows):
    for day, text in enumerate(openmetrics_by_day(start, end, rows)):
        path = data.parent / f"day-{day}.om"
        path.write_text(text)
        subprocess.run([tool("promtool"), "tsdb", "create-blocks-from", "openmetrics", "-q", str(path),
                        str(data)], check=True, capture_output=True)
        path.unlink()


def backfill(directory):
    """Puts the history's blocks under directory/data and a config beside them."""
    directory = Path(directory)
    start, end, rows = read_history()
    if not BLOCKS.is_dir():
        BLOCKS.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(dir=BLOCKS.parent))
        write_blocks(fresh / "data", start, end, rows)
        try:
            (fresh / "data").rename(BLOCKS)
        except OSError:  # another run wrote the same blocks first
            pass
        shutil.rmtree(fresh)
    shutil.copytree(BLOCKS, directory / "data")
    (directory / "prometheus.yml").write_text("global: {}\n")
    return start, end


def prometheus_command(directory, port, cors_origin=None):
    directory = Path(directory)
    command = [tool("prometheus"), f"--config.file={directory / 'prometheus.yml'}",
               f"--storage.tsdb.path={directory / 'data'}",
               # The history is months old: keep it.
               "--storage.tsdb.retention.time=100y", f"--web.listen-address=127.0.0.1:{port}"]
    if cors_origin:
        command.append(f"--web.cors.origin={cors_origin}")
    return command


if __name__ == "__main__":
    directory, port, *origin = sys.argv[1:]
    backfill(directory)
    command = prometheus_command(directory, port, *origin)
    os.execv(command[0], command)
