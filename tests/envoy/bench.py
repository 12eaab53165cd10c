"""Benchmark (not a test): the cost of the SLO filter in Envoy.

Same Envoy configuration (from `slo envoy-config`, one worker) in these variants: no filter,
an empty proxy-wasm filter, the SLO filter with the three SLOs of filters/envoy/spec.json,
native counting of the same SLOs (`--counting native`: Envoy's stats access loggers count, the
filter only ticks), the same with the duration buckets counted too (one more access logger per
SLO and bucket) and with each filter tree as one CEL expression, a Lua filter doing the same classification, and the SLO filter and native
counting with 30 SLOs (the three, and nine copies of them under /svc1 ... /svc9: a request is
judged by two SLOs and ruled out by the 28 others, as at a gateway in front of ten services);
the SLO filter is also loaded on a path no SLO judges (its route switches the filter off). The upstream is a second Envoy answering with a
direct response, optionally after a delay. wrk (HTTP/1.1) or h2load (HTTP/2) loads one
variant at a time on loopback; rounds alternate the variants. Prints throughput and latency
per variant, the ratios to no filter and to the empty Wasm filter taken round by round,
their medians and their spread (lowest-highest round).

Run after tests/envoy/run.sh has built the artifacts:
    .venv/bin/python tests/envoy/bench.py [--seconds 8] [--rounds 3] [--connections 32]
        [--protocol http1|http2] [--upstream-delay-ms 1]
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import yaml

import harness

LUA = r"""
local slos = {
  {name = "checkout-availability", prefixes = {"/api/checkout"}, exclude = {"/api/checkout/healthz"},
   bad_class = {[5] = true}, bad_code = {[429] = true}},
  {name = "checkout-latency", prefixes = {"/api/checkout"}, exclude = {"/api/checkout/healthz"},
   threshold_ms = 250},
  {name = "catalog-grpc", prefixes = {"/catalog.Catalog/"}, methods = {POST = true},
   bad_class = {[5] = true}, bad_grpc = {[13] = true, [14] = true, [4] = true}},
}
local function starts(s, p) return string.sub(s, 1, #p) == p end
local function any_prefix(path, list)
  for _, p in ipairs(list) do if starts(path, p) then return true end end
  return false
end
function envoy_on_request(h)
  local path = (h:headers():get(":path") or ""):match("^[^?#]*")
  local method = h:headers():get(":method")
  local meta = h:streamInfo():dynamicMetadata()
  for _, slo in ipairs(slos) do
    if any_prefix(path, slo.prefixes) and (slo.methods == nil or slo.methods[method]) then
      meta:set("slo", slo.name, (slo.exclude and any_prefix(path, slo.exclude)) and "excluded" or "matched")
    end
  end
  meta:set("slo", "start", h:timestampString(EnvoyTimestampResolution.MILLISECOND))
end
function envoy_on_response(h)
  local meta = h:streamInfo():dynamicMetadata()
  local state = meta:get("slo") or {}
  local status = tonumber(h:headers():get(":status")) or 0
  local ct = h:headers():get("content-type") or ""
  local grpc = nil
  if starts(ct, "application/grpc") then grpc = tonumber(h:headers():get("grpc-status") or "") end
  local elapsed = tonumber(h:timestampString(EnvoyTimestampResolution.MILLISECOND)) - tonumber(state.start or 0)
  for _, slo in ipairs(slos) do
    local seen = state[slo.name]
    if seen == "matched" then
      local bad = status == 0 or (slo.bad_class and slo.bad_class[math.floor(status / 100)])
        or (slo.bad_code and slo.bad_code[status]) or (grpc and slo.bad_grpc and slo.bad_grpc[grpc])
        or (slo.threshold_ms and elapsed > slo.threshold_ms)
      meta:set("slo", slo.name, bad and "bad" or "good")
    end
  end
end
"""


def thirty_slos(path):
    """Writes the 30-SLO spec: filters/envoy/spec.json's three SLOs, then nine copies of them
    whose path prefixes (exclusions too) sit under /svc1 ... /svc9."""
    spec = json.loads(harness.SPEC.read_text())
    slos = spec["services"][0]["slos"]
    for k in range(1, 10):
        for slo in json.loads(json.dumps(slos[:3])):
            slo["name"] = f"{slo['name']}-{k}"
            for part in ("match", "exclude"):
                if "path_prefixes" in slo["sli"].get(part, {}):
                    slo["sli"][part]["path_prefixes"] = [f"/svc{k}{p}" for p in slo["sli"][part]["path_prefixes"]]
            slos.append(slo)
    assert len(slos) == 30
    path.write_text(json.dumps(spec))
    return path


# name: (SLOs, `slo envoy-config` options); the others change the SLO filter's configuration.
SLO_VARIANTS = {"slo filter": (3, {}), "native": (3, {"counting": "native"}),
                "native, buckets": (3, {"counting": "native", "native_duration_buckets": True}),
                "native, CEL": (3, {"counting": "native", "native_cel": True}),
                "slo filter, 30 SLOs": (30, {}), "native, 30 SLOs": (30, {"counting": "native"})}


def variant_configs(upstream_port, work):
    """{name: (listen_port, admin_port, config_text)} for the variants."""
    out = {}
    specs = {3: harness.SPEC, 30: thirty_slos(work / "thirty.json")}
    for name in ("no filter", "empty wasm", "slo filter", "native", "native, buckets", "native, CEL", "lua",
                 "slo filter, 30 SLOs", "native, 30 SLOs"):
        listen, admin = harness.free_port(), harness.free_port()
        slos, options = SLO_VARIANTS.get(name, (3, {}))
        config = yaml.safe_load(harness.envoy_config(
            specs[slos], listen_port=listen, admin_port=admin, upstream=f"127.0.0.1:{upstream_port}", **options))
        hcm = config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]
        filters = hcm["http_filters"]
        if name == "no filter":
            filters.pop(0)
        elif name == "empty wasm":
            filters[0]["typed_config"]["config"]["vm_config"]["code"]["local"]["filename"] = str(
                harness.require(harness.NOOP_WASM, "the empty Wasm filter"))
            filters[0]["typed_config"]["config"]["vm_config"]["vm_id"] = "noop"
        elif name == "lua":
            filters[0] = {"name": "envoy.filters.http.lua", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
                "default_source_code": {"inline_string": LUA}}}
        out[name] = (listen, admin, yaml.safe_dump(config, sort_keys=False))
    return out


def upstream_config(port, admin, delay_ms):
    delay = [{"name": "envoy.filters.http.fault", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
        "delay": {"fixed_delay": f"{delay_ms / 1000}s", "percentage": {"numerator": 100}}}}] if delay_ms else []
    return yaml.safe_dump({
        "admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": admin}}},
        "static_resources": {"listeners": [{
            "name": "upstream", "address": {"socket_address": {"address": "127.0.0.1", "port_value": port}},
            "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix": "upstream",
                "route_config": {"virtual_hosts": [{"name": "all", "domains": ["*"], "routes": [
                    {"match": {"prefix": "/"}, "direct_response": {"status": 200, "body": {"inline_string": "ok\n"}}}]}]},
                "http_filters": delay + [{"name": "envoy.filters.http.router", "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}]}})


UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


# The Envoy under test gets a core of its own; wrk and the upstream share the other, so
# that runs compare the filter and not the scheduler's mood.
PROXY_CPU, LOAD_CPU = "0", "1"


def pin(pid, cpu):
    subprocess.run(["taskset", "-a", "-p", "-c", cpu, str(pid)], check=True, capture_output=True)


# A path the SLOs judge, and one none does (its route turns the filter off).
JUDGED_PATH, UNJUDGED_PATH = "/api/checkout/cart", "/static/app.js"


def wrk(port, path, seconds, connections):
    """HTTP/1.1 load: (req/s, p50 ms, p99 ms)."""
    done = subprocess.run(["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                           f"http://127.0.0.1:{port}{path}"],
                          capture_output=True, text=True, timeout=seconds + 60)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {p: float(v) * UNIT[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", text, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    assert errors is None, f"non-2xx responses in the benchmark:\n{text}"
    return rps, lat["50"], lat["99"]


def h2load(port, path, seconds, connections):
    """HTTP/2 (prior knowledge) load, one stream per connection at a time, like wrk:
    (req/s, mean ms, max ms); h2load reports no percentiles."""
    done = subprocess.run(["taskset", "-c", LOAD_CPU, "h2load", "-t1", f"-c{connections}", "-m1", f"-D{seconds}",
                           f"http://127.0.0.1:{port}{path}"],
                          capture_output=True, text=True, timeout=seconds + 60)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    failed = re.search(r"requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed", text)
    assert failed and failed.group(1) == "0", f"failed requests in the benchmark:\n{text}"
    m = re.search(r"time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)", text)
    _, high, mean = (float(m.group(i)) * UNIT[m.group(i + 1)] for i in (1, 3, 5))
    return rps, mean, high


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--protocol", choices=["http1", "http2"], default="http1")
    parser.add_argument("--upstream-delay-ms", type=float, default=0)
    args = parser.parse_args()
    tool, load = ("wrk", wrk) if args.protocol == "http1" else ("h2load", h2load)
    package = {"wrk": "wrk", "h2load": "nghttp2-client"}[tool]
    if shutil.which(tool) is None:
        raise SystemExit(f"bench: missing {tool} (Debian package {package}; scripts/setup.sh installs it)")
    if shutil.which("taskset") is None or len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("bench: needs taskset (util-linux) and two CPUs to keep load and proxy apart")
    harness.require(harness.WASM, "the SLO filter")
    work = Path(tempfile.mkdtemp(prefix="slo-bench-"))
    up_port, up_admin = harness.free_port(), harness.free_port()
    envoys = []
    try:
        upstream = harness.Envoy(upstream_config(up_port, up_admin, args.upstream_delay_ms), concurrency=1,
                                 workdir=work / "upstream")
        envoys.append(upstream)
        upstream.wait_ready()
        pin(upstream.process.pid, LOAD_CPU)
        variants = variant_configs(up_port, work)
        targets, proxies = {}, {}
        for name, (listen, admin, text) in variants.items():
            envoy = harness.Envoy(text, concurrency=1, workdir=work / name.replace(" ", "-"))
            envoys.append(envoy)
            proxies[name] = envoy
            envoy.wait_ready()
            pin(envoy.process.pid, PROXY_CPU)
            targets[name] = (listen, JUDGED_PATH)
            load(listen, JUDGED_PATH, 2, args.connections)  # warm-up
        targets["slo filter, unjudged path"] = (variants["slo filter"][0], UNJUDGED_PATH)
        results = {name: [] for name in targets}
        for round_ in range(args.rounds):
            for name, (port, path) in targets.items():
                results[name].append(load(port, path, args.seconds, args.connections))
                print(f"round {round_ + 1} {name:>26}: {results[name][-1][0]:>9.0f} req/s", flush=True)
        print()
        for name in SLO_VARIANTS:
            counted = harness.prometheus(proxies[name])
            good = counted[("slo_requests_total", (("outcome", "good"), ("slo", "checkout-availability")))]
            print(f"{name} counted {good:.0f} good checkout requests (admin port {variants[name][1]})")
        size = harness.WASM.stat().st_size
        print(f"slo_filter.wasm: {size} bytes ({size / 1024:.1f} KiB) after wasm-opt -Oz\n")
        # Ratios are taken round by round (the variants of a round run back to back), then
        # their median and spread: slow drifts of a shared machine cancel out, fast noise shows.
        def ratio(name, to):
            per_round = [a[0] / b[0] for a, b in zip(results[name], results[to])]
            return f"{statistics.median(per_round):.1%} ({min(per_round):.1%}-{max(per_round):.1%})"
        latency = ("p50 ms", "p99 ms") if tool == "wrk" else ("mean ms", "max ms")
        delay = f", upstream delay {args.upstream_delay_ms:g} ms" if args.upstream_delay_ms else ""
        print(f"{args.protocol}{delay}: one worker on CPU {PROXY_CPU}; {tool} -t1 -c{args.connections}"
              f" {args.seconds}s and the upstream on CPU {LOAD_CPU}; {args.rounds} alternated rounds;"
              f" medians (lowest-highest round), ratios per round")
        print(f"| variant | req/s | {latency[0]} | {latency[1]} | vs no filter | vs empty wasm |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, runs in results.items():
            rps = [r[0] for r in runs]
            print(f"| {name} | {statistics.median(rps):.0f} ({min(rps):.0f}-{max(rps):.0f})"
                  f" | {statistics.median(r[1] for r in runs):.3f} | {statistics.median(r[2] for r in runs):.3f}"
                  f" | {ratio(name, 'no filter')} | {ratio(name, 'empty wasm')} |")
    finally:
        for envoy in envoys:
            envoy.stop()


if __name__ == "__main__":
    main()
