"""Native counting (`slo envoy-config --counting native`, plain filters or CEL) against the
Wasm filter's counting, in the real Envoy 1.40: the same traffic (HTTP/1.1 with local replies,
aborts, exclusions, paths no SLO judges, slow and abandoned requests; gRPC with statuses in
trailers and trailers-only; an unreachable gRPC upstream; hosts, methods, route names) gives
the same counts in every mode, the core's, and the same burn rates and tier states; and near
the threshold, one request at a time, each mode judges each request as the core judges the
milliseconds that mode measured."""

import json
import socket
import subprocess
import time

import pytest
import yaml

import harness
import test_filter as tf
import test_grpc as tg
from grpc_catalog import CatalogServer
from harness import Envoy, get, prometheus, send, wait_for

# Each way of counting: the filter, Envoy's plain access-log filters, one CEL expression each.
MODES = {"wasm": {"counting": "wasm"}, "native": {"counting": "native"},
         "native CEL": {"counting": "native", "native_cel": True}}
# The proxies of the HTTP mix: each mode; native counting with duration buckets; and native
# counting with the status endpoint on a listener of its own, or with none (a singleton Wasm
# service then ticks), neither of which puts the filter on the data plane.
OWN_STATUS_LISTENER = "a listener of its own"
PROXIES = dict(MODES, **{"native with buckets": {"counting": "native", "native_duration_buckets": True},
                         "native, status listener": {"counting": "native", "status": OWN_STATUS_LISTENER},
                         "native, no status": {"counting": "native", "status": {}}})


def proxy_options(options):
    """`tf.start_proxy` options, with a free port for a status listener of its own."""
    if options.get("status") != OWN_STATUS_LISTENER:
        return options
    listen = f"127.0.0.1:{harness.free_port()}"
    return dict(options, status={"status_path": "/slo/status", "status_listen": listen})


def status_report(envoy):
    """The status endpoint's report, wherever the proxy serves it; None when it serves none."""
    config = yaml.safe_load(envoy.config_text)
    listeners = {l["name"]: l["address"]["socket_address"]["port_value"] for l in config["static_resources"]["listeners"]}
    if "slo_status" in listeners:
        code, _, body = get(listeners["slo_status"], "/slo/status")
    elif "/slo/status" in envoy.config_text:
        code, _, body = get(envoy.listen_port, "/slo/status", {"authorization": f"Bearer {tf.TOKEN}"})
    else:
        return None
    assert code == 200, body
    return json.loads(body)
# Abandoned after 0.1 s and 0.4 s (the upstream would answer after 2 s): excluded by
# checkout-availability; checkout-latency excludes the first and counts the second as bad.
# tf.ABANDONED's two requests, as (slo, outcome) -> count.
ABANDONED = {(slo, outcome or "excluded"): n for (_, slo, outcome), n in tf.ABANDONED.items()}


@pytest.fixture
def proxies(upstream, tmp_path):
    started = {name: tf.start_proxy(upstream, tmp_path / name.replace(" ", "-"), **proxy_options(options))
               for name, options in PROXIES.items()}
    try:
        yield {mode: envoy.wait_ready() for mode, envoy in started.items()}
    finally:
        for envoy in started.values():
            envoy.stop()


def counts(envoy):
    return tf.seen_counts(prometheus(envoy))


def judged_in_histogram(envoy):
    return {slo: prometheus(envoy).get(("slo_request_duration_milliseconds_count", (("slo", slo),)))
            for slo in tf.SLOS}


def state(report):
    """What a status report says of each SLO, without the time it was made at."""
    keep = ("slo", "good", "bad", "error_budget_remaining_ratio", "burn_rates", "tiers")
    return [{k: slo[k] for k in keep} for slo in report["slos"]]


def test_both_modes_count_the_http_mix_alike_with_the_same_burn_rates_and_tiers(proxies, tmp_path):
    mix = tf.MIX
    expected = tf.add(tf.expected_counts(mix), ABANDONED)
    for mode, envoy in proxies.items():
        statuses = send(envoy.listen_port, tf.requests_of(mix), connections=8)
        assert statuses.count(503) == 5 and statuses.count(500) == 7, statuses
        tf.abandon(envoy.listen_port, "/api/checkout/wait", 2000, 0.02)
        tf.abandon(envoy.listen_port, "/api/checkout/wait", 2000, 0.4)
    for mode, envoy in proxies.items():
        wait_for(lambda: (counts(envoy) == expected, counts(envoy)), what=f"{mode}: the core's counts")
    judged = {slo: expected[(slo, "good")] + expected[(slo, "bad")] for slo in tf.SLOS}
    for mode, envoy in proxies.items():
        wait_for(lambda: (judged_in_histogram(envoy) == judged, judged_in_histogram(envoy)),
                 what=f"{mode}: every judged request in the duration count")
    time.sleep(1.5)  # the Wasm filter's buckets reach Envoy on its tick
    # The same series, labels included; native counting has duration buckets only when asked
    # (the filter defines none otherwise).
    series = {mode: prometheus(envoy) for mode, envoy in proxies.items()}
    buckets = {key for key in series["wasm"] if key[0] == "slo_request_duration_milliseconds_bucket"}
    assert buckets and not any(key[0] == "slo_request_duration_milliseconds_bucket" for key in series["native"])
    assert set(series["wasm"]) - buckets == set(series["native"]) == set(series["native CEL"])
    assert set(series["wasm"]) == set(series["native with buckets"])
    # The threshold is a bucket edge in both: le="250" holds exactly the latency SLO's good
    # requests, +Inf every judged one (the other edges see each mode's own durations).
    for mode in ("wasm", "native with buckets"):
        bucket = lambda slo, le: series[mode][("slo_request_duration_milliseconds_bucket", (("le", le), ("slo", slo)))]
        assert bucket("checkout-latency", "250") == expected[("checkout-latency", "good")], mode
        assert all(bucket(slo, "+Inf") == judged[slo] for slo in tf.SLOS), mode
    # The duration sum: the judged requests' milliseconds, delays included.
    asked = sum(n * int(headers.get("x-envoy-fault-delay-request", 0))
                for n, _, _, headers, outcomes in mix if outcomes.get("checkout-latency") in ("good", "bad"))
    latency_sum = series["native"][("slo_request_duration_milliseconds_sum", (("slo", "checkout-latency"),))]
    assert asked + 400 <= latency_sum < asked + 400 + 50 * judged["checkout-latency"], (asked, latency_sum)

    time.sleep(2.5)  # two ticks: every worker has read the counters
    reports = {}
    for mode, envoy in proxies.items():
        report = status_report(envoy)
        if report is None:  # no status endpoint: its gauges are compared with the others' below
            continue
        reports[mode] = report
        config = tmp_path / f"{mode}-filter.json"
        config.write_text(harness.filter_configuration(envoy.config_text))
        window = {slo: (expected[(slo, "good")], expected[(slo, "bad")]) for slo in tf.SLOS}
        core = harness.core_status(config, reports[mode]["generated_at_seconds"], window)
        assert reports[mode]["slos"] == core["slos"], mode
        assert tf.gauges(prometheus(envoy)) == tf.core_gauges(core), mode
    assert set(proxies) - set(reports) == {"native, no status"}
    for mode in reports:
        assert state(reports[mode]) == state(reports["wasm"]), mode
    for mode in proxies:
        assert tf.gauges(prometheus(proxies[mode])) == tf.gauges(prometheus(proxies["wasm"])), mode
    assert any(tier["active"] for slo in reports["native"]["slos"] for tier in slo["tiers"])
    for envoy in proxies.values():
        errors = [v for (name, _), v in prometheus(envoy).items() if name == "slo_filter_errors_total"]
        assert errors and all(v == 0 for v in errors), errors
    # The loggers use Envoy 1.40's `stats_scope` (1.39 deprecated their `stat_prefix`).
    assert proxies["native"].admin("/stats?filter=^runtime.deprecated_feature_use$").strip().endswith(": 0")


def grpc_proxy(upstream_port, tmp_path, mode):
    listen, admin = harness.free_port(), harness.free_port()
    text = harness.envoy_config(harness.SPEC, listen_port=listen, admin_port=admin,
                                upstream=f"127.0.0.1:{upstream_port}", upstream_protocol="http2",
                                tick_seconds=1, **MODES[mode])
    envoy = Envoy(text, concurrency=2, workdir=tmp_path / mode.replace(" ", "-"))
    envoy.listen_port = listen
    return envoy.wait_ready()


def grpc_counts(envoy):
    return {outcome: n for (_, outcome), n in harness.seen_counts(prometheus(envoy), [tg.SLO]).items()}


def test_both_modes_count_grpc_statuses_in_trailers_trailers_only_and_from_a_dead_upstream_alike(tmp_path):
    catalog = CatalogServer()
    dead_port = harness.free_port()
    envoys = []
    try:
        for mode in MODES:
            live, dead = grpc_proxy(catalog.port, tmp_path / "live", mode), grpc_proxy(dead_port, tmp_path / "dead", mode)
            envoys += [live, dead]
            tg.run_calls(live.listen_port, tg.CALLS)
            tg.run_calls(dead.listen_port, tg.CALLS[:8], connections=2)
            expected, _ = tg.expected_counts(tg.CALLS)
            wait_for(lambda: (grpc_counts(live) == expected, grpc_counts(live)), what=f"{mode}: gRPC counts")
            unavailable, _ = tg.expected_counts([("Get", tg.grpc.StatusCode.UNAVAILABLE)] * 8)
            assert unavailable["bad"] == 8
            wait_for(lambda: (grpc_counts(dead) == unavailable, grpc_counts(dead)), what=f"{mode}: dead upstream")
        # Every mode: the same counts for each upstream.
        counted = [grpc_counts(e) for e in envoys]
        assert counted[0::2] == [counted[0]] * len(MODES) and counted[1::2] == [counted[1]] * len(MODES)
    finally:
        for envoy in envoys:
            envoy.stop()
        catalog.stop()


LATENCY = "checkout-latency"
SUM = ("slo_request_duration_milliseconds_sum", (("slo", LATENCY),))
COUNT = ("slo_request_duration_milliseconds_count", (("slo", LATENCY),))


def latency_counts(series):
    return {key: v for key, v in series.items()
            if dict(key[1]).get("slo") == LATENCY and key[0] in (
                "slo_requests_total", "slo_request_duration_milliseconds_sum", "slo_request_duration_milliseconds_bucket")}


@pytest.mark.parametrize("mode", ["wasm", "native with buckets", "native CEL"])
def test_each_mode_judges_the_threshold_on_the_milliseconds_it_measured(upstream, tmp_path, mode):
    """Latency near the threshold, one request at a time around checkout-latency's 250 ms:
    each request's duration as its mode measured it (the change of the duration sum: Envoy's
    %DURATION%, or the filter's `request.duration`, the same) and its outcome (the change of the counters) are as
    the core judges that duration, on both sides of the edge; and where buckets are counted
    it lands in every bucket whose bound it does not exceed, and in no other."""
    envoy = tf.start_proxy(upstream, tmp_path, **PROXIES[mode]).wait_ready()
    seen = []
    try:
        # The delays reach 15 ms past the edge: a mode's clock can read a few ms under the
        # fault delay asked for (236 ms for 239 in one run), and both sides must be seen.
        for delay in range(238, 266):
            before = prometheus(envoy)
            send(envoy.listen_port, [("GET", "/api/checkout/edge", {"x-envoy-fault-delay-request": str(delay)})],
                 connections=1)
            # The loggers count at once, the filter on its tick (1 s), the count last.
            after = wait_for(lambda: (prometheus(envoy)[COUNT] != before[COUNT], prometheus(envoy)),
                             what=f"{mode}: the request of {delay} ms counted")
            duration = int(after[SUM] - before[SUM])
            changed = {key for key, v in latency_counts(after).items() if v != before.get(key)}
            outcome = [dict(labels)["outcome"] for name, labels in changed if name == "slo_requests_total"]
            core = harness.judge([{"method": "GET", "path": "/api/checkout/edge", "status": 200, "grpc_status": None,
                                   "duration_ms": duration}])[0][LATENCY]
            seen.append((delay, duration, outcome))
            assert outcome == [core], seen
            les = {dict(labels)["le"] for (name, labels) in after if name == "slo_request_duration_milliseconds_bucket"
                   and dict(labels)["slo"] == LATENCY}
            grew = {dict(labels)["le"] for name, labels in changed if name == "slo_request_duration_milliseconds_bucket"}
            assert grew == {le for le in les if le == "+Inf" or duration <= int(le)}, (duration, grew)
            assert ("250" in les) == (mode != "native CEL"), les
        durations = [d for _, d, _ in seen]
        assert any(d <= 250 for d in durations) and any(d > 250 for d in durations), seen
    finally:
        envoy.stop()


@pytest.mark.parametrize("mode", ["wasm", "native"])
def test_time_a_filter_before_the_slo_filter_holds_a_request_is_counted_in_both_modes(upstream, tmp_path, mode):
    """Envoy's fault filter placed before the SLO filter holds a request for 400 ms, as an
    authorization call or a buffered body would: the client waited, so each mode times the
    request from the stream's start (Envoy's %DURATION%) and judges it slow."""
    envoy = tf.start_proxy(upstream, tmp_path, rewrite=harness.fault_filter_first, **PROXIES[mode])
    try:
        listener = yaml.safe_load(envoy.config_path.read_text())["static_resources"]["listeners"][0]
        names = [f["name"] for f in harness.http_manager(listener)["http_filters"]]
        assert names.index("envoy.filters.http.fault") < names.index("envoy.filters.http.wasm"), names
        envoy.wait_ready()
        before = prometheus(envoy)
        send(envoy.listen_port, [("GET", "/api/checkout/held", {"x-envoy-fault-delay-request": "400"})], connections=1)
        after = wait_for(lambda: (prometheus(envoy)[COUNT] != before[COUNT], prometheus(envoy)),
                         what=f"{mode}: the held request counted")
        # A few ms under the 400 asked for can be: Envoy may arm the fault's timer from its
        # event loop's cached time (399 in one run). Timed from the SLO filter, it read 2 ms.
        duration = after[SUM] - before[SUM]
        assert 390 <= duration < 1000, duration
        bad = ("slo_requests_total", (("outcome", "bad"), ("slo", LATENCY)))
        assert after[bad] - before.get(bad, 0) == 1, (duration, latency_counts(after))
    finally:
        envoy.stop()


# Virtual hosts (any case, with or without a port), methods, Envoy's route name (CEL), status
# classes with an exclusion that wins over a bad code, and abandoned requests counted bad.
MATCHING_SPEC = {"services": [{"name": "shop", "slos": [{
    "name": "storefront", "target": 0.99, "window": "30d",
    "sli": {"match": {"virtual_hosts": ["Shop.Example"], "methods": ["GET", "HEAD"], "routes": ["default"]},
            "bad": {"status": ["5xx", 404, 429]}, "exclude": {"status": ["4xx"]}, "abandoned": "bad"}}]}]}
AUTHORITIES = ["shop.example", "SHOP.EXAMPLE:8443", "Shop.Example:", "shop.example:x1", "shop.example.org",
               "other", "shop.example:1:2"]
PATHS = ["/", "/status/404", "/status/503", "/status/429", "/status/201", "/status/302"]


def test_both_modes_match_hosts_methods_and_routes_and_judge_status_classes_alike(upstream, tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(MATCHING_SPEC))
    requests = [(method, path, {"host": authority}) for authority in AUTHORITIES for path in PATHS
                for method in ("GET", "POST")]
    envoys = {}
    try:
        for mode, options in MODES.items():
            envoys[mode] = tf.start_proxy(upstream, tmp_path / mode.replace(" ", "-"), spec=spec, **options).wait_ready()
        answers = {mode: send(envoy.listen_port, requests, connections=4) for mode, envoy in envoys.items()}
        assert answers["native"] == answers["wasm"] == answers["native CEL"]
        judged = harness.judge([{"method": m, "path": p, "authority": h["host"], "route": "default", "status": s,
                                 "grpc_status": None, "duration_ms": 0}
                                for (m, p, h), s in zip(requests, answers["native"])], spec)
        expected = {("storefront", o): 0 for o in ("good", "bad", "excluded")}
        for outcomes in judged:
            for slo, outcome in outcomes.items():
                expected[(slo, outcome)] += 1
        # Each kind of answer is there: good, bad and excluded, and requests matched by none.
        assert all(expected.values()) and sum(map(len, judged)) < len(requests), expected
        for envoy in envoys.values():
            with socket.create_connection(("127.0.0.1", envoy.listen_port)) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nhost: shop.example:80\r\nx-envoy-fault-delay-request: 2000\r\n\r\n")
                time.sleep(0.1)
        expected[("storefront", "bad")] += 1
        for mode, envoy in envoys.items():
            seen = lambda: harness.seen_counts(prometheus(envoy), ["storefront"])
            wait_for(lambda: (seen() == expected, seen()), what=f"{mode}: the core's counts")
    finally:
        for envoy in envoys.values():
            envoy.stop()


def test_the_shipped_native_configuration_is_the_generated_one_and_envoy_accepts_it():
    shipped = (harness.ROOT / "filters" / "envoy" / "envoy-native.yaml").read_text()
    assert shipped == harness.envoy_config(wasm="/etc/envoy/slo_filter.wasm", counting="native",
                                           **tf.ENVOY_EXAMPLE_ARGS), \
        "filters/envoy/envoy-native.yaml is stale; regenerate it as filters/envoy/README.md says"
    # Envoy validates it (with the tested .wasm in place of /etc/envoy's).
    text = shipped.replace("/etc/envoy/slo_filter.wasm", str(harness.require(harness.WASM, "the SLO filter")))
    done = subprocess.run([str(harness.ENVOY), "--mode", "validate", "--config-yaml", text],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and " OK" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
