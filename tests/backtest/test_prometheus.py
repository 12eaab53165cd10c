"""The example history (examples/history/checkout-90d.csv) as a Prometheus server holds it:
cumulative counters backfilled into a TSDB by `promtool tsdb create-blocks-from
openmetrics`, served by the real `prometheus` on loopback. Read back two ways: query_range
answers saved to files for `slo backtest --good --total`, and `slo backtest --prometheus`
reading the server itself with an SLO's own queries from a spec (the filter's
slo_requests_total for a request SLO, the SLO's PromQL for a Prometheus SLI). Every figure
must equal the backtest of the same history from CSV."""

import json
import math
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from history_server import (HISTORY, METRIC, REQUEST_SLO, REQUEST_SPEC, ROOT, STEP, backfill, free_port,
                            prometheus_command)

SLO = ROOT / "target/debug/slo"
CHUNK_STEPS = 10_000
PROMETHEUS_SPEC = ROOT / "examples/prometheus.json"
ARGS = ["--targets", "99,99.5,99.9,99.95", "--window", "30d", "--json",
        "--incidents", "1786371000..1786372800,1790010300..1790011020"]


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("prometheus")
    start, end = backfill(tmp_path)
    port = free_port()
    log = open(tmp_path / "prometheus.log", "w")
    server = subprocess.Popen(prometheus_command(tmp_path, port), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/-/ready", timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("prometheus did not become ready:\n" + (tmp_path / "prometheus.log").read_text()[-3000:])
            time.sleep(0.2)
    yield url, start, end
    server.terminate()
    server.wait(timeout=10)


def query_range(url, query, start, end, path):
    """Appends one answer per chunk of at most CHUNK_STEPS points to `path`."""
    with path.open("w") as out:
        first = start + STEP  # the first step ends here
        while first <= end:
            last = min(end, first + (CHUNK_STEPS - 1) * STEP)
            params = urllib.parse.urlencode({"query": query, "start": first, "end": last, "step": STEP})
            with urllib.request.urlopen(f"{url}/api/v1/query_range?{params}", timeout=30) as answer:
                out.write(answer.read().decode() + "\n")
            first = last + STEP


def backtest(*args, common=ARGS):
    out = subprocess.run([str(SLO), "backtest", *args, *common], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def assert_same(a, b, path="result"):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def test_a_history_read_from_prometheus_backtests_exactly_as_its_csv(prometheus, tmp_path):
    url, start, end = prometheus
    good, total = tmp_path / "good.json", tmp_path / "total.json"
    query_range(url, f'sum(increase({METRIC}{{outcome="good"}}[1m]))', start, end, good)
    query_range(url, f"sum(increase({METRIC}[1m]))", start, end, total)
    assert good.read_text().count('"status":"success"') == math.ceil((end - start) / STEP / CHUNK_STEPS)

    from_prometheus = backtest("--good", str(good), "--total", str(total))
    from_csv = backtest(str(HISTORY))
    # The gap came through as a gap, not as good minutes.
    assert from_prometheus["gaps"] == from_csv["gaps"] and from_csv["gap_seconds"] == 5400
    assert_same(from_prometheus, from_csv)


def query_range_requests(url):
    """How many query_range calls the server has answered, from its own metrics."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as answer:
        lines = answer.read().decode().splitlines()
    return sum(int(float(line.split()[-1])) for line in lines  # one line per status code
               if line.startswith("prometheus_http_requests_total{") and 'handler="/api/v1/query_range"' in line)


def spec_args(spec, slo):
    return ["--spec", str(spec), "--slo", slo, "--targets", "99,99.5,99.9,99.95", "--json",
            "--incidents", "1786371000..1786372800,1790010300..1790011020"]


def read_server(url, start, end, spec, slo, *extra):
    args = ["--prometheus", url, "--start", str(start), "--end", str(end), *extra]
    return backtest(*args, common=spec_args(spec, slo))


def test_a_request_slo_read_from_the_server_backtests_exactly_as_its_csv(prometheus):
    url, start, end = prometheus
    before = query_range_requests(url)
    began = time.monotonic()
    from_server = read_server(url, start, end, REQUEST_SPEC, REQUEST_SLO)
    took = time.monotonic() - began
    # 90 days of minutes is 129,600 points: 12 calls of at most 11,000 for each of the
    # good and the total query.
    assert query_range_requests(url) - before == 24
    print(f"90 days read from Prometheus and backtested in {took:.2f} s")
    from_csv = backtest(str(HISTORY), common=spec_args(REQUEST_SPEC, REQUEST_SLO))
    assert from_server["gaps"] == from_csv["gaps"] and from_csv["gap_seconds"] == 5400
    assert_same(from_server, from_csv)


@pytest.mark.parametrize("slo", ["orders-availability", "orders-by-route"])
def test_a_prometheus_sli_read_with_its_own_queries_backtests_as_its_csv(prometheus, slo):
    url, start, end = prometheus
    from_server = read_server(url, start, end, PROMETHEUS_SPEC, slo)
    from_csv = backtest(str(HISTORY), common=spec_args(PROMETHEUS_SPEC, slo))
    assert from_server["gaps"] == from_csv["gaps"]
    assert_same(from_server, from_csv)


def failure(*args):
    out = subprocess.run([str(SLO), "backtest", *args], capture_output=True, text=True)
    assert out.returncode != 0 and out.stdout == "", out.stdout
    return out.stderr


def test_server_failures_are_one_line_naming_the_query(prometheus, tmp_path):
    url, start, end = prometheus
    common = ["--start", str(start), "--end", str(end), "--targets", "99.9"]
    # Nothing listens there.
    err = failure("--prometheus", f"http://127.0.0.1:{free_port()}", "--spec", str(REQUEST_SPEC),
                  "--slo", REQUEST_SLO, *common)
    assert "the good query failed: cannot reach 127.0.0.1" in err, err
    # An SLO the server has no series for.
    err = failure("--prometheus", url, "--spec", str(REQUEST_SPEC), "--slo", "checkout-latency", *common)
    assert "the good query returned no series from" in err and 'slo="checkout-latency"' in err, err
    # A query Prometheus refuses: a function the offline check cannot know is missing.
    spec = json.loads(PROMETHEUS_SPEC.read_text())
    slo = spec["services"][0]["slos"][0]
    slo["sli"]["prometheus"]["total"] = "sum(no_such_function(http_requests_total[{{window}}]))"
    path = tmp_path / "refused.json"
    path.write_text(json.dumps(spec))
    err = failure("--prometheus", url, "--spec", str(path), "--slo", slo["name"], *common)
    assert "the bad query was refused (HTTP 400): bad_data:" in err and "no_such_function" in err, err
    err = failure("--prometheus", "https://127.0.0.1:1", "--spec", str(REQUEST_SPEC), "--slo", REQUEST_SLO, *common)
    assert err.startswith("slo backtest: --prometheus: “https://127.0.0.1:1” uses https"), err


def report(*args):
    out = subprocess.run([str(SLO), "report", *args, "--target", "99.9", "--format", "csv"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_compliance_report_read_from_the_server_is_the_csvs(prometheus):
    """`slo report --prometheus` files the same windows, figure for figure, as the report of
    the history's CSV (only the header's input differs, and the CSV output has none)."""
    url, start, end = prometheus
    spec = ["--spec", str(REQUEST_SPEC), "--slo", REQUEST_SLO]
    from_server = report("--prometheus", url, "--start", str(start), "--end", str(end), *spec)
    assert from_server == report(str(HISTORY), *spec)
    assert len(from_server.splitlines()) == 4  # the header and three 30-day windows
