"""A real Prometheus fleet: Debian's prometheus server scrapes two Envoys with the SLO filter
and a demo app that counts its own http_requests_total, and evaluates `slo rules` for the
spec here (one request SLO the filters judge, one Prometheus SLO over the app's counter,
both with one short page tier). Traffic runs clean for longer than the tier's long window,
then half of it fails. The alerts, read from Prometheus' HTTP API, must stay quiet until the
core's detection time for that error ratio (crates/slo-cli/examples/detection.rs) and fire
shortly after it.
"""

import http.client
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "envoy"))

import harness  # noqa: E402
from dashboards import check_dashboards  # noqa: E402

HERE = Path(__file__).parent
SPEC = HERE / "spec.json"
DETECTION = Path(os.environ.get("SLO_DETECTION_HELPER",
                                harness.ROOT / "target" / "release" / "examples" / "detection"))
# The incident's error ratio, and how long traffic runs clean first: longer than the
# tier's long window (1m30s), so every window the rules read starts clean, as the core's
# detection time assumes.
INCIDENT_ERROR_RATIO = 0.5
CLEAN_SECONDS = 100
# Prometheus sees a change a scrape (1 s) and an evaluation (1 s) late, the filters add a
# tick (1 s) and a stats flush (1 s), and rate() extrapolates to the window's edges.
EARLIEST_BEFORE = 5
LATEST_AFTER = 15
REQUESTS_PER_SECOND = 40


class DemoApp:
    """A service with its own Prometheus counter: `/fail` answers 500, anything else 200,
    and `/metrics` exposes http_requests_total{code} (the requests it answered)."""

    def __init__(self):
        counts = {}
        lock = threading.Lock()
        self.counts = counts

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two sends: without TCP_NODELAY the second waits
            # for the client's delayed ACK.
            disable_nagle_algorithm = True

            def do_GET(self):
                if self.path == "/metrics":
                    with lock:
                        lines = [f'http_requests_total{{code="{code}"}} {n}' for code, n in sorted(counts.items())]
                    body = ("# TYPE http_requests_total counter\n" + "\n".join(lines) + "\n").encode()
                    code = 200
                else:
                    code = 500 if self.path.startswith("/fail") else 200
                    body = b"demo app\n"
                    with lock:
                        counts[str(code)] = counts.get(str(code), 0) + 1
                self.send_response(code)
                self.send_header("content-type", "text/plain; version=0.0.4")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.daemon_threads = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Traffic:
    """Steady keep-alive requests to each (port, good path, bad path); after `incident()`,
    every other request takes the bad path."""

    def __init__(self, targets):
        self.failing = threading.Event()
        self.stopping = threading.Event()
        self.errors = []
        self.threads = [threading.Thread(target=self.run, args=target, daemon=True) for target in targets]
        for thread in self.threads:
            thread.start()

    def run(self, port, good, bad):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = 0
        interval = 1 / REQUESTS_PER_SECOND
        next_at = time.monotonic()
        while not self.stopping.is_set():
            path = bad if self.failing.is_set() and n % 2 else good
            try:
                conn.request("GET", path)
                conn.getresponse().read()
            except (OSError, http.client.HTTPException) as e:
                self.errors.append(f"{port}{path}: {e}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            n += 1
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        conn.close()

    def incident(self):
        self.failing.set()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=10)


class Prometheus:
    """Debian's prometheus server on a free loopback port, with its own data directory; its
    HTTP API allows the origins `cors_origin` matches (a regex), if given."""

    def __init__(self, workdir, scrape, rules_text, cors_origin=None):
        self.port = harness.free_port()
        (workdir / "rules.yaml").write_text(rules_text)
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(workdir / "rules.yaml")],
            "scrape_configs": [
                {"job_name": job, "metrics_path": path, "scrape_interval": "1s",
                 "static_configs": [{"targets": [f"127.0.0.1:{p}" for p in ports]}]}
                for job, path, ports in scrape
            ],
        }
        (workdir / "prometheus.yml").write_text(yaml.safe_dump(config))
        self.log = open(workdir / "prometheus.log", "w")
        self.process = subprocess.Popen(
            ["prometheus", f"--config.file={workdir / 'prometheus.yml'}",
             f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn",
             # The API answers other origins only if asked to (a regex of origins).
             *([f"--web.cors.origin={cors_origin}"] if cors_origin else [])],
            stdout=self.log, stderr=subprocess.STDOUT)
        harness.wait_for(lambda: (self.ready(), None), timeout=30, what="Prometheus ready")

    def ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"prometheus exited with {self.process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=10) as r:
            answer = json.load(r)
        assert answer["status"] == "success", answer
        return answer["data"]

    def query(self, expr):
        return self.api("query", query=expr)["result"]

    def firing(self):
        """{slo: labels} of the burn-rate alerts firing now, from /api/v1/alerts."""
        return {a["labels"]["slo"]: a["labels"] for a in self.api("alerts")["alerts"]
                if a["state"] == "firing" and a["labels"]["alertname"] == "SloErrorBudgetBurn"}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


class Fleet:
    """The whole fleet for `spec`: two Envoys with the filter in front of an upstream and the
    demo app, scraped by Prometheus evaluating `slo rules` for the spec, with traffic to
    each source; up once every scrape target is. A context manager that stops it all."""

    def __init__(self, spec, workdir, cors_origin=None):
        self.upstream, self.app = harness.Upstream(), DemoApp()
        self.envoys, self.prometheus, self.traffic = [], None, None
        try:
            for _ in range(2):
                admin = harness.free_port()
                text = harness.envoy_config(spec, listen_port=harness.free_port(), admin_port=admin,
                                            upstream=f"127.0.0.1:{self.upstream.port}", tick_seconds=1,
                                            stats_flush_seconds=1)
                self.envoys.append(harness.Envoy(text, admin_port=admin).wait_ready())
            listen_ports = [yaml.safe_load(e.config_path.read_text())["static_resources"]["listeners"][0]
                            ["address"]["socket_address"]["port_value"] for e in self.envoys]
            self.prometheus = Prometheus(workdir, [
                ("envoy", "/stats/prometheus", [e.admin_port for e in self.envoys]),
                ("demo-app", "/metrics", [self.app.port]),
            ], slo("rules", str(spec)), cors_origin=cors_origin)
            self.traffic = Traffic([(p, "/api/checkout/ok", "/api/checkout/status/500") for p in listen_ports]
                                   + [(self.app.port, "/ok", "/fail")])
            harness.wait_for(lambda: (len(self.prometheus.query('up == 1')) == 3, self.prometheus.query("up")),
                             timeout=30, what="three scrape targets up")
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.traffic:
            self.traffic.stop()
        if self.prometheus:
            self.prometheus.stop()
        for envoy in self.envoys:
            envoy.stop()
        self.app.stop()
        self.upstream.stop()


def slo(*args):
    done = subprocess.run([str(harness.require(harness.SLO, "the slo command")), *args],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def detection_seconds():
    """{slo: seconds} from the start of the incident to the page tier's alert, per the core."""
    done = subprocess.run([str(harness.require(DETECTION, "the detection helper")), str(SPEC),
                           str(INCIDENT_ERROR_RATIO)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return {name: tiers[0]["detection_seconds"] for name, tiers in json.loads(done.stdout).items()}


def test_alerts_fire_when_the_core_says_and_not_before():
    expected = detection_seconds()
    workdir = Path(tempfile.mkdtemp(prefix="slo-prometheus-"))
    with Fleet(SPEC, workdir) as fleet:
        prometheus, traffic = fleet.prometheus, fleet.traffic
        for envoy in fleet.envoys:
            assert "SLO app-availability is not judged here: its SLI is Prometheus series" in envoy.log(), envoy.log()[-3000:]
        clean_until = time.monotonic() + CLEAN_SECONDS
        while time.monotonic() < clean_until:
            assert prometheus.firing() == {}, "an alert fired while no request failed"
            time.sleep(1)
        # Both sources are seen, from both Envoys and the app, with no errors yet.
        ratios = {r["metric"]["slo"]: float(r["value"][1])
                  for r in prometheus.query("slo:error_ratio:rate1m30s")}
        assert ratios == {"checkout": 0.0, "app-availability": 0.0}, ratios
        envoy_series = prometheus.query('sum by (job) (up{job="envoy"})')
        assert float(envoy_series[0]["value"][1]) == 2, envoy_series

        traffic.incident()
        start = time.monotonic()
        first_firing = {}
        deadline = start + max(expected.values()) + LATEST_AFTER + 5
        while time.monotonic() < deadline and len(first_firing) < len(expected):
            now = time.monotonic() - start
            for name, labels in prometheus.firing().items():
                first_firing.setdefault(name, (now, labels))
            time.sleep(0.5)
        for name, seconds in expected.items():
            assert name in first_firing, f"{name}: no alert within {seconds + LATEST_AFTER:.0f}s of the incident (the core says {seconds:.0f}s)"
            fired_at, labels = first_firing[name]
            print(f"{name}: fired {fired_at:.1f}s into the incident; the core says {seconds:.1f}s")
            assert seconds - EARLIEST_BEFORE <= fired_at <= seconds + LATEST_AFTER, \
                f"{name}: fired {fired_at:.1f}s into the incident; the core says {seconds:.1f}s"
            assert labels["slo_tier"] == "page" and labels["severity"] == "page"
            assert labels["service"] == "shop", labels
        # The same state through the query API, and the rules' other series.
        alerts = {r["metric"]["slo"] for r in prometheus.query('ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing"}')}
        assert alerts == set(expected), alerts
        objectives = {r["metric"]["slo"]: float(r["value"][1]) for r in prometheus.query("slo:objective:ratio")}
        assert objectives == {"checkout": 0.99, "app-availability": 0.99}, objectives
        # The day's budget reads the events the rules record once a minute: spent once a
        # step with errors has been recorded.
        def budget_spent():
            remaining = prometheus.query("slo:error_budget_remaining:ratio")
            return len(remaining) == 2 and all(float(r["value"][1]) < 1 for r in remaining), remaining
        harness.wait_for(budget_spent, timeout=75, what="both budgets spent")
        # The Grafana dashboards' queries, now that every panel has something to show:
        # 14 values on the overview and 9 per SLO on the detail equal the recorded series.
        compared = check_dashboards(prometheus, slo, SPEC)
        print(f"dashboards: {compared} panel values equal the recorded series read directly")
        assert compared == 14 + 9 * 2, compared
        assert traffic.errors == [], traffic.errors[:5]
