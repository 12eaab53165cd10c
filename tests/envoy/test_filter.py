"""End-to-end tests of the SLO filter in the real Envoy 1.40, configured by `slo envoy-config`."""

import json
import re
import socket
import subprocess
import threading
import time

import pytest
import yaml

import harness
from harness import Envoy, prometheus, send, get, wait_for
from results_doc import assert_documented

TOKEN = "test-token-123"
ORIGIN = "http://127.0.0.1:8080"


# The status endpoint on the data plane, behind a token: what most tests read.
STATUS_ON_DATA_PLANE = {"status_path": "/slo/status", "status_token": TOKEN, "status_cors_origin": ORIGIN,
                        "status_on_data_plane": True}


def start_proxy(upstream, tmp_path, concurrency=2, spec=harness.SPEC, status=STATUS_ON_DATA_PLANE,
                rewrite=harness.add_unhealthy_route, **options):
    listen, admin = harness.free_port(), harness.free_port()
    text = harness.envoy_config(
        spec, listen_port=listen, admin_port=admin, upstream=f"127.0.0.1:{upstream.port}",
        tick_seconds=1, stats_flush_seconds=1, fault_injection=True, **status, **options)
    envoy = Envoy(rewrite(text), concurrency=concurrency, workdir=tmp_path)
    envoy.listen_port = listen
    envoy.config_text = text
    return envoy


@pytest.fixture
def proxy(upstream, tmp_path):
    envoy = start_proxy(upstream, tmp_path)
    try:
        yield envoy.wait_ready()
    finally:
        envoy.stop()


GRPC = {"content-type": "application/grpc"}
SLOW = {"x-envoy-fault-delay-request": "400"}
ABORT = {"x-envoy-fault-abort-request": "503"}

# (count, method, path, headers, {slo: outcome}) — outcomes from the spec's rules.
MIX = [
    (40, "GET", "/api/checkout/cart", {}, {"checkout-availability": "good", "checkout-latency": "good"}),
    (7, "GET", "/api/checkout/status/500", {}, {"checkout-availability": "bad", "checkout-latency": "good"}),
    (5, "POST", "/api/checkout/status/429", {}, {"checkout-availability": "bad", "checkout-latency": "good"}),
    (3, "GET", "/api/checkout/slow", SLOW, {"checkout-availability": "good", "checkout-latency": "bad"}),
    (4, "GET", "/api/checkout/healthz", {}, {"checkout-availability": "excluded", "checkout-latency": "excluded"}),
    # Envoy's own local replies: no healthy upstream, and an aborted request.
    (3, "GET", "/api/checkout/down/pay", {}, {"checkout-availability": "bad", "checkout-latency": "good"}),
    (2, "GET", "/api/checkout/abort", ABORT, {"checkout-availability": "bad", "checkout-latency": "good"}),
    (10, "POST", "/catalog.Catalog/List/grpc/0", GRPC, {"catalog-grpc": "good"}),
    (4, "POST", "/catalog.Catalog/List/grpc/14", GRPC, {"catalog-grpc": "bad"}),
    (3, "POST", "/catalog.Catalog/Get/grpc/5", GRPC, {"catalog-grpc": "good"}),
    (2, "POST", "/catalog.Catalog/Get/grpc/13", GRPC, {"catalog-grpc": "bad"}),
    (2, "GET", "/catalog.Catalog/List", {}, {}),
    (5, "GET", "/static/logo.png", {}, {}),
]
SLOS = ["checkout-availability", "checkout-latency", "catalog-grpc"]


def expected_counts(mix):
    counts = {(slo, outcome): 0 for slo in SLOS for outcome in ("good", "bad", "excluded")}
    for count, _, _, _, outcomes in mix:
        for slo, outcome in outcomes.items():
            counts[(slo, outcome)] += count
    return counts


def seen_counts(series):
    return harness.seen_counts(series, SLOS)


def requests_of(mix):
    out = []
    for count, method, path, headers, _ in mix:
        out += [(method, path, headers)] * count
    return out


def undecided_latency(mix, seconds, slo="checkout-latency", threshold_ms=250):
    """The requests of `mix` the latency SLO should judge fast, yet that took the threshold or
    longer at the client (a stalled machine): Envoy timed them shorter, maybe under the
    threshold, maybe not."""
    outcomes = [judged.get(slo) for count, *_, judged in mix for _ in range(count)]
    return sum(1 for outcome, s in zip(outcomes, seconds) if outcome == "good" and s * 1000 >= threshold_ms)


def test_a_known_mix_is_counted_exactly_per_slo_and_outcome_across_two_workers(proxy):
    seconds = []
    statuses = send(proxy.listen_port, requests_of(MIX), connections=16, seconds=seconds)
    assert statuses.count(503) == 3 + 2, statuses  # no healthy upstream, abort
    assert statuses.count(500) == 7 and statuses.count(429) == 5
    expected = expected_counts(MIX)
    # On a stalled machine a plain request may reach the latency threshold inside Envoy too:
    # read its outcome from Envoy, bounded by what the client saw.
    undecided = undecided_latency(MIX, seconds)
    if undecided:
        good, bad = ("checkout-latency", "good"), ("checkout-latency", "bad")

        def all_judged():
            seen = seen_counts(prometheus(proxy))
            return seen[good] + seen[bad] == expected[good] + expected[bad], seen

        moved = expected[good] - wait_for(all_judged, what="the latency SLO's judged requests")[good]
        assert 0 <= moved <= undecided, (moved, undecided)
        expected[good] -= moved
        expected[bad] += moved
    seen = wait_for(lambda: (seen_counts(prometheus(proxy)) == expected, seen_counts(prometheus(proxy))),
                    what="exact slo_requests_total")
    assert seen == expected
    # Two workers served the connections, and the counts are still exact.
    stats = proxy.admin("/stats?filter=worker_.*downstream_cx_total")
    per_worker = [int(line.rsplit(" ", 1)[1]) for line in stats.splitlines() if "worker_" in line]
    assert len(per_worker) == 2 and all(n > 0 for n in per_worker), stats
    series = prometheus(proxy)
    assert all(v == 0 for (name, _), v in series.items() if name == "slo_filter_errors_total"), series
    assert {labels for (name, labels) in series if name == "slo_filter_errors_total"} == {
        (("reason", r),) for r in ("host_call", "metric", "response_facts", "status_endpoint")}
    # Every judged request lands in the duration histogram (after a stats flush).
    for slo in SLOS:
        judged = expected[(slo, "good")] + expected[(slo, "bad")]
        key = ("slo_request_duration_milliseconds_count", (("slo", slo),))
        wait_for(lambda: (prometheus(proxy).get(key) == judged, prometheus(proxy).get(key)),
                 what=f"histogram count of {slo}")
    # The latency threshold is a bucket edge and the buckets are exact: le="250" holds exactly
    # the good requests of the latency SLO, and the buckets are cumulative up to +Inf.
    series = prometheus(proxy)
    buckets = {dict(labels)["le"]: v for (name, labels), v in series.items()
               if name == "slo_request_duration_milliseconds_bucket" and dict(labels)["slo"] == "checkout-latency"}
    assert buckets["250"] == expected[("checkout-latency", "good")], buckets
    bounds = sorted((float(le), v) for le, v in buckets.items())
    assert all(a[1] <= b[1] for a, b in zip(bounds, bounds[1:])), bounds
    judged = expected[("checkout-latency", "good")] + expected[("checkout-latency", "bad")]
    assert buckets["+Inf"] == judged, buckets


def test_status_endpoint_and_gauges_agree_with_the_core_after_a_burst_of_errors(proxy, tmp_path):
    fast = {"checkout-latency": "good"}
    burst = [(60, "GET", "/api/checkout/cart", {}, fast), (40, "GET", "/api/checkout/status/503", {}, fast),
             (20, "POST", "/catalog.Catalog/List/grpc/14", GRPC, {}), (5, "POST", "/catalog.Catalog/List/grpc/0", GRPC, {})]
    seconds = []
    send(proxy.listen_port, requests_of(burst), connections=8, seconds=seconds)
    time.sleep(2.5)  # two ticks: every worker has read the global counters
    status, headers, body = get(proxy.listen_port, "/slo/status", {"authorization": f"Bearer {TOKEN}"})
    assert status == 200, body
    assert headers["content-type"] == "application/json"
    assert headers["access-control-allow-origin"] == ORIGIN
    report = json.loads(body)
    # The endpoint answers the core's status result, exactly as docs/results.md defines it.
    assert_documented("status", [report])
    series = prometheus(proxy)
    counts = {slo: (int(series[("slo_requests_total", (("outcome", "good"), ("slo", slo)))]),
                    int(series[("slo_requests_total", (("outcome", "bad"), ("slo", slo)))])) for slo in SLOS}
    # A plain request the client saw take 250 ms or more (a stalled machine) may be slow in Envoy too.
    slow = counts["checkout-latency"][1]
    assert slow <= undecided_latency(burst, seconds), (counts, seconds)
    assert counts == {"checkout-availability": (60, 40), "checkout-latency": (100 - slow, slow), "catalog-grpc": (5, 20)}
    config_path = tmp_path / "filter.json"
    config_path.write_text(harness.filter_configuration(proxy.config_text))
    core = harness.core_status(config_path, report["generated_at_seconds"], counts)
    assert report["slos"] == core["slos"]
    # Simple ratio check on top: 40% errors against a 0.1% budget burns at 400x.
    checkout = report["slos"][0]
    assert checkout["slo"] == "checkout-availability" and checkout["good"] == 60 and checkout["bad"] == 40
    assert all(abs(b["burn_rate"] - 0.4 / 0.001) < 1e-6 for b in checkout["burn_rates"])
    assert [t["active"] for t in checkout["tiers"]] == [True] * 4
    # Gauges: what the core computes, in thousandths, on both workers' ticks.
    for slo, gauges in core["gauges"].items():
        for window, milli in gauges["burn_rate_milli"].items():
            assert series[("slo_burn_rate_milli", (("slo", slo), ("window", window)))] == milli, (slo, window)
        assert series[("slo_error_budget_remaining_milli", (("slo", slo),))] == gauges["budget_remaining_milli"]
        tiers = {dict(labels)["tier"]: v for (name, labels), v in series.items()
                 if name == "slo_alert_active" and dict(labels)["slo"] == slo}
        assert tiers == gauges["alert_active"], slo
    severities = {dict(labels)["tier"]: dict(labels)["severity"] for (name, labels) in series if name == "slo_alert_active"}
    assert severities == {"page-fast": "page", "page-slow": "page", "ticket-fast": "ticket", "ticket-slow": "ticket"}
    # The endpoint's own requests are not SLI events.
    assert seen_counts(prometheus(proxy)) == seen_counts(series)


def test_status_reports_saved_over_time_replay_as_the_backtests_history(proxy, tmp_path):
    """Reports saved as a loop would save them (`curl URL >> status.json` every step) are a
    history: `slo backtest --status` finds exactly the events Envoy counted between the first
    report and the last, from the reports' totals since the proxy started."""
    saved = tmp_path / "status.json"

    def save():
        code, _, body = get(proxy.listen_port, "/slo/status", {"authorization": f"Bearer {TOKEN}"})
        assert code == 200, body
        with saved.open("ab") as out:
            out.write(body + b"\n")

    send(proxy.listen_port, requests_of([(7, "GET", "/api/checkout/cart", {}, {})]))  # before: not in the history
    # Each worker adds its requests to Envoy's counters on its tick (1 s here): a report
    # lags by up to a tick, and what it has not seen yet the next report brings.
    time.sleep(1.2)
    save()
    rounds = [(30, 0), (20, 5), (0, 0), (40, 2)]
    for good, bad in rounds:
        burst = [(good, "GET", "/api/checkout/cart", {}, {}), (bad, "GET", "/api/checkout/status/503", {}, {})]
        send(proxy.listen_port, requests_of(burst))
        time.sleep(1.2)
        save()
    reports = [json.loads(line) for line in saved.read_text().splitlines()]
    assert [r["slos"][0]["good_total"] for r in reports] == [7, 37, 57, 57, 97]
    done = subprocess.run([str(harness.require(harness.SLO, "the slo command")), "backtest", "--status", str(saved),
                           "--slo", "checkout-availability", "--window", "30d", "--targets", "99,99.9",
                           "--step", "1s", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    good, bad = sum(g for g, _ in rounds), sum(b for _, b in rounds)
    assert all(abs(t["sli"] - good / (good + bad)) < 1e-12 for t in result["targets"]), result["targets"]
    span = reports[-1]["generated_at_seconds"] - reports[0]["generated_at_seconds"]
    assert result["history_seconds"] == span + 1, (result["history_seconds"], span)


def test_status_endpoint_needs_the_token_and_answers_cors_preflight(proxy):
    status, headers, _ = get(proxy.listen_port, "/slo/status")
    assert status == 401 and headers["www-authenticate"] == "Bearer"
    status, _, _ = get(proxy.listen_port, "/slo/status", {"authorization": "Bearer wrong-token-12"})
    assert status == 401
    status, headers, _ = get(proxy.listen_port, "/slo/status", method="OPTIONS")
    assert status == 204 and headers["access-control-allow-origin"] == ORIGIN
    assert "authorization" in headers["access-control-allow-headers"]
    status, _, _ = get(proxy.listen_port, "/slo/status", method="DELETE")
    assert status == 405
    # Other paths pass through to the upstream untouched.
    status, _, body = get(proxy.listen_port, "/slo/status-page")
    assert status == 200 and body == b"upstream says hi\n"


def test_by_default_the_status_endpoint_has_a_listener_of_its_own(upstream, tmp_path):
    listen, admin, status_port = harness.free_port(), harness.free_port(), harness.free_port()
    text = harness.envoy_config(
        harness.SPEC, listen_port=listen, admin_port=admin, upstream=f"127.0.0.1:{upstream.port}",
        status_path="/slo/status", status_listen=f"127.0.0.1:{status_port}", tick_seconds=1)
    envoy = Envoy(text, concurrency=2, workdir=tmp_path)
    try:
        envoy.wait_ready()
        send(listen, [("GET", "/api/checkout/a", {})] * 5, connections=1)
        # The data plane never answers the status path: it goes to the upstream.
        status, _, body = get(listen, "/slo/status")
        assert status == 200 and body == b"upstream says hi\n"
        # Its own listener answers it, with the data plane's counts; other paths are 404 and
        # count nowhere, even those an SLO would judge.
        def checkout_good():
            code, _, body = get(status_port, "/slo/status")
            slos = {s["slo"]: s for s in json.loads(body)["slos"]} if code == 200 else {}
            return slos.get("checkout-availability", {}).get("good") == 5, (code, body[:200])
        wait_for(checkout_good, what="status listener reporting the data plane's 5 requests")
        assert get(status_port, "/api/checkout/a")[0] == 404
        time.sleep(1.5)
        series = prometheus(envoy)
        assert series[("slo_requests_total", (("outcome", "good"), ("slo", "checkout-availability")))] == 5
    finally:
        envoy.stop()


def test_a_name_that_starts_with_a_digit_is_a_label_like_any_other(upstream, tmp_path):
    """RFC 1123 names may start with a digit (OpenSLO's `5xx-rate`): Envoy's tag extraction
    must still cut them out of the stat name into the `slo` and `tier` labels."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"services": [{"name": "2fa", "slos": [{
        "name": "5xx-rate", "target": 0.99, "window": "30d",
        "sli": {"match": {"path_prefixes": ["/api/checkout"]}, "bad": {"status": ["5xx"]}},
        "alerts": {"tiers": [{"name": "1h-page", "severity": "page", "burn_rate": 14.4,
                              "long_window": "1h", "short_window": "5m"}]}}]}]}))
    envoy = start_proxy(upstream, tmp_path, spec=spec).wait_ready()
    try:
        send(envoy.listen_port, [("GET", "/api/checkout/a", {})] * 3 + [("GET", "/api/checkout/status/503", {})],
             connections=1)
        def counted():
            series = prometheus(envoy)
            return series.get(("slo_requests_total", (("outcome", "good"), ("slo", "5xx-rate")))) == 3, series
        series = wait_for(counted, what="the digit-first SLO's requests under its own label")
        assert series[("slo_requests_total", (("outcome", "bad"), ("slo", "5xx-rate")))] == 1
        assert ("slo_alert_active", (("severity", "page"), ("slo", "5xx-rate"), ("tier", "1h-page"))) in series, sorted(series)
    finally:
        envoy.stop()


def abandon(port, path, delay_ms, after_s):
    """A request the upstream answers after delay_ms (fault filter; None: no delay asked),
    abandoned by the client after after_s seconds: the connection closes before any
    response."""
    sock = socket.create_connection(("127.0.0.1", port))
    delay = f"x-envoy-fault-delay-request: {delay_ms}\r\n" if delay_ms is not None else ""
    sock.sendall(f"GET {path} HTTP/1.1\r\nhost: shop\r\n{delay}\r\n".encode())
    time.sleep(after_s)
    sock.close()


def deltas_since(proxy, before):
    """The rise of a filter series since `before`: (name, slo, outcome or None) -> count."""
    def delta(name, slo, outcome=None):
        labels = (("outcome", outcome), ("slo", slo)) if outcome else (("slo", slo),)
        return prometheus(proxy).get((name, labels), 0) - before.get((name, labels), 0)
    return delta


# Two requests abandoned with the defaults: checkout-availability (no latency threshold)
# excludes the one given up on at once (20 ms) and counts the one waited on for 400 ms as
# bad; checkout-latency (250 ms) does the same at its threshold.
ABANDONED = {("slo_requests_excluded_total", "checkout-availability", None): 1,
             ("slo_requests_total", "checkout-availability", "bad"): 1,
             ("slo_requests_excluded_total", "checkout-latency", None): 1,
             ("slo_requests_total", "checkout-latency", "bad"): 1}


def test_abandoned_requests_count_as_the_spec_says(proxy):
    before = prometheus(proxy)
    abandon(proxy.listen_port, "/api/checkout/wait", 2000, 0.02)
    abandon(proxy.listen_port, "/api/checkout/wait", 2000, 0.4)
    delta = deltas_since(proxy, before)
    wait_for(lambda: (all(delta(*k) == v for k, v in ABANDONED.items()),
                      {k: delta(*k) for k in ABANDONED}), what="abandoned requests counted")
    assert all(v == 0 for (name, _), v in prometheus(proxy).items() if name == "slo_filter_errors_total")


def test_a_hung_upstream_whose_clients_all_give_up_burns_the_availability_slo(proxy):
    """The upstream never answers in time and every client cancels on a 300 ms deadline:
    no status is ever sent, yet the availability SLO must see the outage."""
    before = prometheus(proxy)
    clients = [threading.Thread(target=abandon, args=(proxy.listen_port, "/api/checkout/hang/pay", None, 0.3))
               for _ in range(20)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    delta = deltas_since(proxy, before)
    wait_for(lambda: (delta("slo_requests_total", "checkout-availability", "bad") == 20,
                      delta("slo_requests_total", "checkout-availability", "bad")),
             what="every abandoned request counted bad")
    assert delta("slo_requests_excluded_total", "checkout-availability") == 0
    burn = ("slo_burn_rate_milli", (("slo", "checkout-availability"), ("window", "5m")))
    wait_for(lambda: (prometheus(proxy).get(burn, 0) > 0, prometheus(proxy).get(burn)),
             what="the availability SLO burning its budget")


def stat_names(envoy):
    return {line.split(":", 1)[0] for line in envoy.admin("/stats").splitlines()}


def test_ten_thousand_distinct_paths_add_no_stats(proxy):
    warm = [("GET", "/api/checkout/warm", {}), ("GET", "/elsewhere/warm?x=1", {}),
            ("GET", "/api/checkout/status/503", {})] * 4
    send(proxy.listen_port, warm, connections=4)
    time.sleep(1.5)
    before = stat_names(proxy)
    paths = [("GET", f"/api/checkout/item/{i}?session={i * 7919}", {}) if i % 2 else
             ("GET", f"/random/{i}/p{i * 31}", {}) for i in range(10_000)]
    statuses = send(proxy.listen_port, paths, connections=16)
    assert statuses.count(200) == 10_000
    time.sleep(1.5)
    after = stat_names(proxy)
    assert after == before, sorted(after ^ before)[:20]
    assert not [n for n in after if "item" in n or "session" in n or "/" in n]
    series = prometheus(proxy)
    assert series[("slo_requests_total", (("outcome", "good"), ("slo", "checkout-availability")))] == 5_000 + 4


def bad_spec(tmp_path):
    spec = json.loads(harness.SPEC.read_text())
    spec["services"][0]["slos"][0]["target"] = 1.5
    spec["services"][0]["slos"][2]["sli"]["bad"]["grpc_status"] = ["UNAVAILABLE", "NOPE"]
    return spec


def test_bad_configuration_is_refused_with_path_qualified_errors(upstream, tmp_path):
    listen, admin = harness.free_port(), harness.free_port()
    text = harness.envoy_config(harness.SPEC, listen_port=listen, admin_port=admin,
                                upstream=f"127.0.0.1:{upstream.port}")
    config = yaml.safe_load(text)
    wasm = harness.http_manager(config["static_resources"]["listeners"][0])["http_filters"][0]
    filter_config = json.loads(wasm["typed_config"]["config"]["configuration"]["value"])
    filter_config["spec"] = bad_spec(tmp_path)
    filter_config["status"] = {"path": "slo/status"}
    wasm["typed_config"]["config"]["configuration"]["value"] = json.dumps(filter_config)
    (tmp_path / "bad").mkdir()
    envoy = Envoy(yaml.safe_dump(config), workdir=tmp_path / "bad")
    try:
        code = envoy.wait_exit(timeout=30)
    finally:
        envoy.stop()
    log = envoy.log()
    assert code != 0
    for message in ["slo-filter: configuration rejected: spec.services[0].slos[0].target: 1.5 is out of range",
                    "slo-filter: configuration rejected: spec.services[0].slos[2].sli.bad.grpc_status[1]:",
                    "slo-filter: configuration rejected: status.path: \"slo/status\" is not allowed"]:
        assert message in log, log[-3000:]


class LdsEnvoy:
    """Envoy whose data-plane listener comes from an LDS file, replaced while Envoy runs as a
    control plane would replace it. Replaced filter chains drain for `drain_seconds`."""

    def __init__(self, upstream, tmp_path, drain_seconds=1, **options):
        self.listen, admin = harness.free_port(), harness.free_port()
        config = yaml.safe_load(harness.envoy_config(
            harness.SPEC, listen_port=self.listen, admin_port=admin, upstream=f"127.0.0.1:{upstream.port}",
            status_path="/slo/status", status_on_data_plane=True, **options))
        self.listener = config["static_resources"].pop("listeners")[0]
        self.listener["@type"] = "type.googleapis.com/envoy.config.listener.v3.Listener"
        self.dir = tmp_path / "lds"
        self.dir.mkdir()
        config["node"] = {"id": "slo-test", "cluster": "slo-test"}
        config["dynamic_resources"] = {"lds_config": {"resource_api_version": "V3", "path_config_source": {
            "path": str(self.dir / "lds.yaml"), "watched_directory": {"path": str(self.dir)}}}}
        self.write(self.listener)
        self.envoy = Envoy(yaml.safe_dump(config, sort_keys=False), workdir=tmp_path,
                           extra_args=("--drain-time-s", str(drain_seconds)))

    def write(self, listener):
        tmp = self.dir / "lds.tmp"
        tmp.write_text(yaml.safe_dump({"resources": [listener]}, sort_keys=False))
        tmp.rename(self.dir / "lds.yaml")

    def update(self, change):
        """Writes the listener with its filter configuration changed by change(config);
        returns that configuration."""
        listener = json.loads(json.dumps(self.listener))
        wasm = harness.http_manager(listener)["http_filters"][0]["typed_config"]["config"]
        filter_config = json.loads(wasm["configuration"]["value"])
        change(filter_config)
        wasm["configuration"]["value"] = json.dumps(filter_config)
        self.write(listener)
        return filter_config

    def stat(self, name):
        return int(self.envoy.admin(f"/stats?filter=^{re.escape(name)}$").split(":")[1])

    def window_counts(self, slo):
        """The good and bad events in the SLO's sliding window, from the status endpoint."""
        _, _, body = get(self.listen, "/slo/status")
        report = {s["slo"]: s for s in json.loads(body)["slos"]}[slo]
        return report["good"], report["bad"]


# Every outcome of every SLO, and a request no SLO judges; one answer each from the upstream.
RELOAD_MIX = [("GET", "/api/checkout/cart", {}), ("GET", "/api/checkout/status/500", {}),
              ("GET", "/api/checkout/healthz", {}), ("POST", "/catalog.Catalog/List/grpc/14", GRPC),
              ("POST", "/catalog.Catalog/Get/grpc/0", GRPC), ("GET", "/static/logo.png", {})]
RELOAD_ANSWERS = {0: (200, None), 1: (500, None), 2: (200, None), 3: (200, 14), 4: (200, 0), 5: (200, None)}


def add(a, b):
    return {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()}


def loaded_phase(lds, during, what, settle=0.5):
    """Runs steady mixed load over keep-alive connections while during() changes the
    listener, then settle seconds more; every request is answered as the upstream answers it.
    Returns the load's counts as the core judges them."""
    load = harness.Load(lds.listen, RELOAD_MIX, connections=4, rate=200)
    time.sleep(0.5)
    during()
    time.sleep(settle)
    load.stop()
    assert load.failures == [], f"{what}: requests without an answer: {load.failures[:5]}"
    assert {which: (status, grpc) for which, status, grpc in load.answers} == RELOAD_ANSWERS, load.answers
    assert load.answered() > 100, f"{what}: only {load.answered()} requests"
    return load.expected_counts(SLOS)


def test_dynamic_updates_good_bad_good_keep_serving_and_lose_or_double_no_count(upstream, tmp_path):
    """Load runs through each change of the LDS listener: a good start, a bad filter
    configuration (refused, the old listener serves and counts on), a good one (replaces it;
    the old filter chain serves its open connections until they drain). After each phase,
    Envoy's counts are exactly those of every request sent so far, and stay so."""
    lds = LdsEnvoy(upstream, tmp_path, drain_seconds=2, tick_seconds=1)
    envoy = lds.envoy
    try:
        envoy.wait_ready()
        wait_for(lambda: (get(lds.listen, "/api/checkout/a")[0] == 200, None), what="listener up")
        seen = lambda: seen_counts(prometheus(envoy))
        expected = wait_for(lambda: (seen()[("checkout-availability", "good")] == 1, seen()),
                            what="the first request counted")
        exact = lambda what: wait_for(lambda: (seen() == expected, seen()), what=what)

        expected = add(expected, loaded_phase(lds, lambda: None, "phase 1 (good)"))
        exact("phase 1 counted exactly")
        assert lds.window_counts("checkout-availability") == (expected[("checkout-availability", "good")],
                                                              expected[("checkout-availability", "bad")])

        def refused():
            lds.update(lambda config: config.update(spec=bad_spec(tmp_path)))
            wait_for(lambda: (lds.stat("listener_manager.lds.update_rejected") == 1, None), what="the bad update refused")
        expected = add(expected, loaded_phase(lds, refused, "phase 2 (bad, refused)"))
        exact("phase 2 counted exactly")
        assert "spec.services[0].slos[0].target: 1.5 is out of range" in envoy.log()
        assert lds.stat("listener_manager.lds.update_success") == 1

        before_reload = dict(expected)
        def replaced():
            lds.update(lambda config: config["spec"]["services"][0]["slos"][0].update(description="reloaded"))
            wait_for(lambda: (lds.stat("listener_manager.lds.update_success") == 2, None), what="the good update")
        # The load goes on until the old filter chain has drained (2 s) and after.
        expected = add(expected, loaded_phase(lds, replaced, "phase 3 (good, replaces)", settle=3))
        exact("phase 3 counted exactly")
        assert lds.stat("listener_manager.listener_in_place_updated") == 1
        assert lds.stat("http.slo_ingress.downstream_cx_drain_close") >= 1, "no connection drained"
        time.sleep(2.5)  # more ticks: nothing counted twice
        assert seen() == expected
        # checkout-availability changed (its description): its window started empty at the
        # update and holds the events after it only; catalog-grpc did not: its window holds all.
        since = add(expected, {k: -v for k, v in before_reload.items()})
        good, bad = lds.window_counts("checkout-availability")
        assert (good, bad) != (expected[("checkout-availability", "good")], expected[("checkout-availability", "bad")])
        assert (good, bad) == (since[("checkout-availability", "good")], since[("checkout-availability", "bad")])
        assert lds.window_counts("catalog-grpc") == (expected[("catalog-grpc", "good")], expected[("catalog-grpc", "bad")])
        errors = [v for (name, _), v in prometheus(envoy).items() if name == "slo_filter_errors_total"]
        assert errors and all(v == 0 for v in errors), errors
    finally:
        envoy.stop()


def test_a_replaced_configuration_hands_its_last_counts_over_when_envoy_retires_it(upstream, tmp_path):
    """A configuration that never ticks again after a reload (60 s tick) still has its
    judged requests counted: when its drained filter chain goes, Envoy calls the filter's
    on_done, which adds them to Envoy's counters."""
    lds = LdsEnvoy(upstream, tmp_path, drain_seconds=1, tick_seconds=60)
    envoy = lds.envoy
    key = lambda outcome: ("slo_requests_total", (("outcome", outcome), ("slo", "checkout-availability")))
    try:
        envoy.wait_ready()
        wait_for(lambda: (get(lds.listen, "/api/checkout/a")[0] == 200, None), what="listener up")
        assert send(lds.listen, [("GET", "/api/checkout/b", {})] * 6 + [("GET", "/api/checkout/status/503", {})] * 4,
                    connections=2).count(503) == 4
        time.sleep(1.5)
        assert prometheus(envoy)[key("good")] == 0, "counted before any tick: the test shows nothing"
        lds.update(lambda config: config.update(tick_seconds=1))
        wait_for(lambda: (lds.stat("listener_manager.lds.update_success") == 2, None), what="the good update")
        wait_for(lambda: ((prometheus(envoy)[key("good")], prometheus(envoy)[key("bad")]) == (7, 4),
                          (prometheus(envoy)[key("good")], prometheus(envoy)[key("bad")])),
                 what="the old configuration's 11 requests, handed over when it was retired")
        send(lds.listen, [("GET", "/api/checkout/c", {})] * 5, connections=1)
        wait_for(lambda: (prometheus(envoy)[key("good")] == 12, prometheus(envoy)[key("good")]),
                 what="the new configuration counting on")
        time.sleep(2.5)
        assert (prometheus(envoy)[key("good")], prometheus(envoy)[key("bad")]) == (12, 4)
    finally:
        envoy.stop()


def gauges(series):
    return {key: v for key, v in series.items()
            if key[0] in ("slo_burn_rate_milli", "slo_error_budget_remaining_milli", "slo_alert_active")}


def core_gauges(core):
    """The core's gauges (status helper) as `prometheus()` keys them."""
    out = {}
    for slo, g in core["gauges"].items():
        for window, milli in g["burn_rate_milli"].items():
            out[("slo_burn_rate_milli", (("slo", slo), ("window", window)))] = milli
        out[("slo_error_budget_remaining_milli", (("slo", slo),))] = g["budget_remaining_milli"]
        for tier, active in g["alert_active"].items():
            severity = "page" if tier.startswith("page") else "ticket"
            out[("slo_alert_active", (("severity", severity), ("slo", slo), ("tier", tier)))] = active
    return out


def test_a_reload_keeps_the_windows_of_unchanged_slos_and_restarts_a_changed_one(upstream, tmp_path):
    """A reload that changes one SLO: the unchanged SLOs go on in the same sliding windows
    (their burn rates keep their history), the changed one starts empty, and while the
    replaced configuration drains (and ticks) no gauge shows its stale window."""
    lds = LdsEnvoy(upstream, tmp_path, drain_seconds=30, tick_seconds=1)
    envoy = lds.envoy
    try:
        envoy.wait_ready()
        wait_for(lambda: (get(lds.listen, "/api/checkout/a")[0] == 200, None), what="listener up")
        burst = [(59, "GET", "/api/checkout/cart", {}, {}), (40, "GET", "/api/checkout/status/503", {}, {}),
                 (20, "POST", "/catalog.Catalog/List/grpc/14", GRPC, {}), (5, "POST", "/catalog.Catalog/List/grpc/0", GRPC, {})]
        send(lds.listen, requests_of(burst), connections=4)
        counts = {"checkout-availability": (60, 40), "checkout-latency": (100, 0), "catalog-grpc": (5, 20)}
        wait_for(lambda: ({s: lds.window_counts(s) for s in counts} == counts, {s: lds.window_counts(s) for s in counts}),
                 what="every request in the windows")
        time.sleep(2.5)
        assert gauges(prometheus(envoy))[("slo_burn_rate_milli", (("slo", "checkout-availability"), ("window", "5m")))] == 400_000

        def retarget(config):
            config["spec"]["services"][0]["slos"][0]["target"] = 0.99
        new_config = lds.update(retarget)
        wait_for(lambda: (lds.stat("listener_manager.lds.update_success") == 2, None), what="the good update")
        time.sleep(2.5)  # two ticks of the new configuration
        config_path = tmp_path / "new-filter.json"
        config_path.write_text(json.dumps(new_config))
        after = dict(counts, **{"checkout-availability": (0, 0)})
        status, _, body = get(lds.listen, "/slo/status")
        report = json.loads(body)
        # The changed SLO's window starts empty; Envoy's counters keep what they counted.
        core = harness.core_status(config_path, report["generated_at_seconds"], after, totals=counts)
        assert report["slos"] == core["slos"]
        # Both configurations tick (1 s) while the old one drains: the gauges are the new
        # configuration's, every time, including the changed SLO's.
        expected = core_gauges(core)
        for _ in range(12):
            assert gauges(prometheus(envoy)) == expected
            time.sleep(0.25)
        assert lds.stat("listener_manager.total_filter_chains_draining") == 1, "the old configuration is gone: the test shows nothing"
    finally:
        envoy.stop()


ENVOY_EXAMPLE_ARGS = dict(listen_address="0.0.0.0", listen_port=10000, admin_port=9901,
                          upstream="127.0.0.1:8000", status_path="/slo/status")


def test_the_shipped_configurations_are_the_generated_and_tested_ones(tmp_path):
    shipped = (harness.ROOT / "filters" / "envoy" / "envoy.yaml").read_text()
    assert shipped == harness.envoy_config(wasm="/etc/envoy/slo_filter.wasm", **ENVOY_EXAMPLE_ARGS), \
        "filters/envoy/envoy.yaml is stale; regenerate it as filters/envoy/README.md says"
    envoy_tags = yaml.safe_load(shipped)["stats_config"]["stats_tags"]
    docs = list(yaml.safe_load_all((harness.ROOT / "filters" / "istio" / "stats-bootstrap.yaml").read_text()))
    istio_tags = json.loads(docs[0]["data"]["custom_bootstrap.json"])["stats_config"]["stats_tags"]
    assert istio_tags == envoy_tags
    plugin = harness.shipped("istio/wasm-plugin.yaml")
    config = tmp_path / "plugin.json"
    config.write_text(json.dumps(plugin["spec"]["pluginConfig"]))
    names = [s["slo"] for s in harness.core_status(config, 1_800_000_000, {})["slos"]]
    assert names == ["checkout-availability", "checkout-latency"]


def test_the_envoy_gateway_manifests_carry_the_istio_configuration_and_the_envoy_stats_settings():
    policy = harness.shipped("envoy-gateway/extension-policy.yaml")
    [wasm] = policy["spec"]["wasm"]
    assert wasm["code"]["type"] == "Image" and wasm["failOpen"] is True
    # The Istio plugin's configuration is read by the filter in the test above.
    assert wasm["config"] == harness.shipped("istio/wasm-plugin.yaml")["spec"]["pluginConfig"]
    bootstrap = harness.shipped("envoy-gateway/envoy-proxy.yaml")["spec"]["bootstrap"]
    assert bootstrap["type"] == "Merge"
    assert yaml.safe_load(bootstrap["value"]) == {"stats_config": harness.shipped("envoy/envoy.yaml")["stats_config"]}
