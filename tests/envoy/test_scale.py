"""End-to-end: with 1,000 SLOs the filter counts every request exactly, into the SLOs the
request matches and no other (the core's matcher index, against the core's linear judge)."""

import json

import harness
from harness import Envoy, prometheus, send, wait_for

GRPC = {"content-type": "application/grpc"}

# (count, method, path, headers, grpc-status answered): the copies under /svc<k> are
# harness.copied_spec's.
REQUESTS = [
    (30, "GET", "/api/checkout/cart?id=7", {}, None),
    (10, "GET", "/svc200/api/checkout/status/503", {}, None),
    (6, "GET", "/svc332/api/checkout/healthz", {}, None),
    (5, "GET", "/svc1/api/checkoutX", {}, None),
    (8, "POST", "/svc5/catalog.Catalog/List/grpc/14", GRPC, 14),
    (5, "POST", "/svc5/catalog.Catalog/List/grpc/0", GRPC, 0),
    # The method rules the catalog's SLO out; /svc333 has only the first of the three SLOs;
    # no SLO's prefix starts /svc3330.
    (4, "GET", "/svc5/catalog.Catalog/List", {}, None),
    (5, "GET", "/svc333/api/checkout/pay", {}, None),
    (5, "GET", "/svc3330/api/checkout", {}, None),
]
COUNTING = {"checkout-availability", "checkout-latency", "checkout-availability-200", "checkout-latency-200",
            "checkout-availability-332", "checkout-latency-332", "checkout-availability-1", "checkout-latency-1",
            "catalog-grpc-5", "checkout-availability-333"}


def test_a_thousand_slos_count_each_request_exactly_into_the_slos_it_matches(upstream, tmp_path):
    spec = harness.copied_spec(1000, tmp_path / "spec.json")
    names = [slo["name"] for slo in json.loads(spec.read_text())["services"][0]["slos"]]
    listen, admin = harness.free_port(), harness.free_port()
    text = harness.envoy_config(spec, listen_port=listen, admin_port=admin, upstream=f"127.0.0.1:{upstream.port}",
                                tick_seconds=1)
    envoy = Envoy(text, concurrency=2, workdir=tmp_path / "envoy")
    try:
        envoy.wait_ready()
        sent = [request for count, *request in REQUESTS for _ in range(count)]
        statuses = send(listen, [(method, path, headers) for method, path, headers, _ in sent], connections=8)
        judged = harness.judge([{"method": method, "path": path, "status": status, "grpc_status": grpc,
                                 "duration_ms": 0} for (method, path, _, grpc), status in zip(sent, statuses)], spec)
        expected = {(slo, outcome): 0 for slo in names for outcome in ("good", "bad", "excluded")}
        for outcomes in judged:
            for slo, outcome in outcomes.items():
                expected[(slo, outcome)] += 1
        assert {slo for (slo, _), n in expected.items() if n} == COUNTING
        seen = wait_for(lambda: (harness.seen_counts(prometheus(envoy), names) == expected,
                                 harness.seen_counts(prometheus(envoy), names)), what="exact counts of 1,000 SLOs")
        assert seen == expected
        errors = {k: v for k, v in prometheus(envoy, "slo_filter_errors_total").items() if v}
        assert not errors, errors
    finally:
        envoy.stop()
