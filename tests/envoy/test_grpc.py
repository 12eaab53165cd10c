"""gRPC through Envoy (`slo envoy-config --upstream-protocol http2`) to a real gRPC server
(grpcio, tests/envoy/grpc_catalog.py): the filter finds the gRPC status in HTTP/2 trailers
sent after the messages and in trailers-only responses, and counts every call as the core
judges it under filters/envoy/spec.json's catalog-grpc SLO."""

import concurrent.futures
import re

import pytest
import yaml

import harness
from grpc_catalog import CODES, STREAMED_MESSAGES, CatalogServer, call, grpc
from harness import Envoy, prometheus, wait_for

# What Envoy saw of each response: the gRPC status in the headers (trailers-only) or in the
# trailers, and the body bytes it sent downstream.
ACCESS_FORMAT = ("%REQ(:PATH)% status=%RESPONSE_CODE% headers=%RESP(GRPC-STATUS)% "
                 "trailers=%TRAILER(GRPC-STATUS)% bytes=%BYTES_SENT% upstream=%UPSTREAM_PROTOCOL%\n")
ACCESS_LINE = re.compile(r"^/catalog\.Catalog/(\w+) status=(\d+) headers=(\S+) trailers=(\S+) bytes=(\d+) upstream=(\S+)$")
SLO = "catalog-grpc"


def with_access_log_and_balanced_workers(config_text, path):
    config = yaml.safe_load(config_text)
    listener = config["static_resources"]["listeners"][0]
    # The kernel spreads 4 connections over 2 workers unevenly (all on one, 1 run in 8);
    # exact balancing makes "both workers took calls" hold every run.
    listener["connection_balance_config"] = {"exact_balance": {}}
    hcm = harness.http_manager(listener)
    hcm["access_log"] = [{"name": "envoy.access_loggers.file", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
        "path": str(path), "log_format": {"text_format_source": {"inline_string": ACCESS_FORMAT}}}}]
    return yaml.safe_dump(config, sort_keys=False)


def access_lines(path):
    lines = path.read_text().splitlines() if path.exists() else []
    return [ACCESS_LINE.match(line).groups() for line in lines]


@pytest.fixture
def catalog():
    server = CatalogServer()
    yield server
    server.stop()


def start_grpc_proxy(upstream_port, tmp_path):
    listen, admin = harness.free_port(), harness.free_port()
    text = harness.envoy_config(harness.SPEC, listen_port=listen, admin_port=admin,
                                upstream=f"127.0.0.1:{upstream_port}", upstream_protocol="http2",
                                tick_seconds=1, stats_flush_seconds=1)
    assert "http2_protocol_options" in text, "slo envoy-config --upstream-protocol http2 wrote no HTTP/2 options"
    # Envoy writes file logs every 10 s by default.
    envoy = Envoy(with_access_log_and_balanced_workers(text, tmp_path / "access.log"), concurrency=2, workdir=tmp_path,
                  extra_args=("--file-flush-interval-msec", "200"))
    envoy.listen_port = listen
    envoy.access_log = tmp_path / "access.log"
    return envoy


def channels(port, count):
    # A local subchannel pool per channel: each gets its own HTTP/2 connection, so both
    # Envoy workers take calls (grpcio shares one connection among equal channels otherwise).
    return [grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)])
            for _ in range(count)]


def run_calls(port, calls, connections=4):
    """Runs (method, code) calls over `connections` HTTP/2 connections in parallel; returns
    (code the client got, messages) for each, in order."""
    chans = channels(port, connections)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=connections * 2) as pool:
            jobs = [pool.submit(call, chans[i % connections], method, code) for i, (method, code) in enumerate(calls)]
            return [job.result() for job in jobs]
    finally:
        for channel in chans:
            channel.close()


def expected_counts(calls, status=200):
    """The core's good/bad/excluded counts of the SLO for these calls (judge helper)."""
    judged = harness.judge([{"method": "POST", "path": f"/catalog.Catalog/{method}", "status": status,
                             "grpc_status": code.value[0], "duration_ms": 0} for method, code in calls])
    counts = {"good": 0, "bad": 0, "excluded": 0}
    for outcomes in judged:
        counts[outcomes[SLO]] += 1
    return counts, judged


def seen_counts(envoy):
    return {outcome: n for (_, outcome), n in harness.seen_counts(prometheus(envoy), [SLO]).items()}


# Every status code, each way a status can reach Envoy.
CALLS = ([("Get", code) for code in CODES] * 3 + [("List", code) for code in CODES] * 2
         + [("Check", code) for code in CODES if code != grpc.StatusCode.OK] * 2)


def test_grpc_statuses_in_trailers_and_trailers_only_are_counted_as_the_core_judges(catalog, tmp_path):
    expected, judged = expected_counts(CALLS)
    # The spec's catalog-grpc rules, as the core reads them: three codes are bad, any other good.
    bad_codes = {code.name for (_, code), outcomes in zip(CALLS, judged) if outcomes[SLO] == "bad"}
    assert bad_codes == {"UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED"}
    assert expected["bad"] == 3 * 3 + 3 * 2 + 3 * 2 and expected["excluded"] == 0, expected

    envoy = start_grpc_proxy(catalog.port, tmp_path)
    try:
        envoy.wait_ready()
        results = run_calls(envoy.listen_port, CALLS)
        for (method, code), (got, messages) in zip(CALLS, results):
            assert got == code, (method, code, got)
            if method == "List":
                assert len(messages) == STREAMED_MESSAGES, (method, code, messages)
        seen = wait_for(lambda: (seen_counts(envoy) == expected, seen_counts(envoy)), what=f"exact {SLO} counts")
        assert seen == expected

        # The server sent what this test claims: statuses in trailers after the messages
        # (Get, List), in the headers of a body-less response (Check); HTTP/2 both ways.
        lines = wait_for(lambda: (len(access_lines(envoy.access_log)) == len(CALLS), access_lines(envoy.access_log)),
                         what="one access log line per call")
        by_method = {}
        for method, status, headers, trailers, body_bytes, upstream in lines:
            assert status == "200" and upstream == "HTTP/2", (method, status, upstream)
            by_method.setdefault(method, []).append((headers, trailers, int(body_bytes)))
        codes = lambda method: sorted(str(code.value[0]) for m, code in CALLS if m == method)
        for method in ("Get", "List"):
            assert all(h == "-" and b > 0 for h, _, b in by_method[method]), by_method[method]
            assert sorted(t for _, t, _ in by_method[method]) == codes(method)
        assert all(t == "-" and b == 0 for _, t, b in by_method["Check"]), by_method["Check"]
        assert sorted(h for h, _, _ in by_method["Check"]) == codes("Check")

        # Both workers took calls, every judged call is in the histogram, and no error.
        stats = envoy.admin("/stats?filter=worker_.*downstream_cx_total")
        assert [int(line.rsplit(" ", 1)[1]) > 0 for line in stats.splitlines() if "worker_" in line] == [True] * 2, stats
        key = ("slo_request_duration_milliseconds_count", (("slo", SLO),))
        wait_for(lambda: (prometheus(envoy).get(key) == expected["good"] + expected["bad"], prometheus(envoy).get(key)),
                 what="histogram count of the judged calls")
        errors = {k: v for k, v in prometheus(envoy).items() if k[0] == "slo_filter_errors_total"}
        assert errors and all(v == 0 for v in errors.values()), errors
    finally:
        envoy.stop()


def test_an_unreachable_grpc_upstream_counts_envoys_own_unavailable_as_bad(tmp_path):
    """No server on the upstream port: Envoy answers each call itself, trailers-only with
    grpc-status UNAVAILABLE (HTTP 200), which the filter reads from the headers."""
    envoy = start_grpc_proxy(harness.free_port(), tmp_path)
    calls = [("Get", grpc.StatusCode.OK)] * 5 + [("List", grpc.StatusCode.OK)] * 3
    expected, _ = expected_counts([("Get", grpc.StatusCode.UNAVAILABLE)] * len(calls))
    assert expected == {"good": 0, "bad": len(calls), "excluded": 0}
    try:
        envoy.wait_ready()
        results = run_calls(envoy.listen_port, calls, connections=2)
        assert [got for got, _ in results] == [grpc.StatusCode.UNAVAILABLE] * len(calls)
        wait_for(lambda: (seen_counts(envoy) == expected, seen_counts(envoy)), what=f"{SLO} counts")
        lines = wait_for(lambda: (len(access_lines(envoy.access_log)) == len(calls), access_lines(envoy.access_log)),
                         what="one access log line per call")
        assert {(status, headers, trailers) for _, status, headers, trailers, _, _ in lines} == {("200", "14", "-")}
    finally:
        envoy.stop()
