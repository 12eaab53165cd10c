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

With --scaling, how the cost grows with the number of SLOs instead: specs of 1, 3, 30, 300 and
1,000 SLOs (filters/envoy/spec.json's three and copies of them under /svc1, /svc2, ...; the
request path is judged by two of them), each with no filter on the same routes (its baseline),
the SLO filter (and with --compare-wasm another build of it, say the previous commit's, in the
same rounds) and native counting. Prints each one's ratio to its baseline per SLO count, the
baselines' ratio to one SLO's routes, and Envoy's resident memory; then checks that with 1,000
SLOs the two SLOs the path matches counted every request Envoy answered and the others none.

Run after tests/envoy/run.sh has built the artifacts:
    .venv/bin/python tests/envoy/bench.py [--seconds 8] [--rounds 3] [--connections 32]
        [--protocol http1|http2] [--upstream-delay-ms 1] [--scaling [--compare-wasm PATH]]
(--scaling loads 15 variants, 20 with --compare-wasm: --seconds 4 keeps a run near five minutes)
"""

import argparse
import json
import os
import re
import shutil
import signal
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


# name: (SLOs, `slo envoy-config` options); the others change the SLO filter's configuration.
SLO_VARIANTS = {"slo filter": (3, {}), "native": (3, {"counting": "native"}),
                "native, buckets": (3, {"counting": "native", "native_duration_buckets": True}),
                "native, CEL": (3, {"counting": "native", "native_cel": True}),
                "slo filter, 30 SLOs": (30, {}), "native, 30 SLOs": (30, {"counting": "native"})}


def http_manager(config):
    """The data-plane listener's HTTP connection manager in a generated configuration."""
    return harness.http_manager(config["static_resources"]["listeners"][0])


def variant_configs(upstream_port, work):
    """{name: (listen_port, admin_port, config_text)} for the variants."""
    out = {}
    specs = {3: harness.SPEC, 30: harness.copied_spec(30, work / "thirty.json")}
    for name in ("no filter", "empty wasm", "slo filter", "native", "native, buckets", "native, CEL", "lua",
                 "slo filter, 30 SLOs", "native, 30 SLOs"):
        listen, admin = harness.free_port(), harness.free_port()
        slos, options = SLO_VARIANTS.get(name, (3, {}))
        config = yaml.safe_load(harness.envoy_config(
            specs[slos], listen_port=listen, admin_port=admin, upstream=f"127.0.0.1:{upstream_port}", **options))
        filters = http_manager(config)["http_filters"]
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


SCALING_COUNTS = (1, 3, 30, 300, 1000)


def scaling_configs(upstream_port, work, compare_wasm):
    """{(SLOs, kind): (listen_port, admin_port, config_text)}: per SLO count (harness.copied_spec),
    the SLO filter's configuration without the filter (no filter, the same routes), with it
    (wasm), with another build of it when one is given (wasm, compared), and native counting."""
    kinds = ["no filter", "wasm"] + (["wasm, compared"] if compare_wasm else []) + ["native"]
    out = {}
    for count in SCALING_COUNTS:
        spec = harness.copied_spec(count, work / f"spec-{count}.json")
        for kind in kinds:
            listen, admin = harness.free_port(), harness.free_port()
            config = yaml.safe_load(harness.envoy_config(
                spec, wasm=compare_wasm if kind == "wasm, compared" else harness.WASM, listen_port=listen,
                admin_port=admin, upstream=f"127.0.0.1:{upstream_port}",
                **({"counting": "native"} if kind == "native" else {})))
            if kind == "no filter":
                http_manager(config)["http_filters"].pop(0)
            out[(count, kind)] = (listen, admin, yaml.safe_dump(config, sort_keys=False))
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
    """HTTP/1.1 load: (req/s, p50 ms, p99 ms, responses read)."""
    done = subprocess.run(["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                           f"http://127.0.0.1:{port}{path}"],
                          capture_output=True, text=True, timeout=seconds + 60)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {p: float(v) * UNIT[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    assert errors is None, f"non-2xx responses in the benchmark:\n{text}"
    assert lat.keys() == {"50", "99"}, f"no latency percentiles in wrk's report:\n{text}"
    return rps, lat["50"], lat["99"], int(re.search(r"(\d+) requests in", text).group(1))


def h2load(port, path, seconds, connections):
    """HTTP/2 (prior knowledge) load, one stream per connection at a time, like wrk:
    (req/s, mean ms, max ms, responses read); h2load reports no percentiles."""
    done = subprocess.run(["taskset", "-c", LOAD_CPU, "h2load", "-t1", f"-c{connections}", "-m1", f"-D{seconds}",
                           f"http://127.0.0.1:{port}{path}"],
                          capture_output=True, text=True, timeout=seconds + 60)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
    failed = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", text)
    assert failed and failed.group(2) == "0", f"failed requests in the benchmark:\n{text}"
    m = re.search(r"time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)", text)
    _, high, mean = (float(m.group(i)) * UNIT[m.group(i + 1)] for i in (1, 3, 5))
    return rps, mean, high, int(failed.group(1))


def label(key):
    """A variant's name: its own, or (SLOs, kind) in words."""
    return key if isinstance(key, str) else f"{key[0]} SLOs, {key[1]}"


def start(configs, work, envoys, load, connections):
    """Starts one single-worker Envoy per configuration ({key: (listen, admin, text)}) on the
    proxy's CPU, each warmed up with a short load (its answers kept in `warm_up_answers`);
    returns {key: envoy}."""
    proxies = {}
    for key, (listen, _, text) in configs.items():
        envoy = harness.Envoy(text, concurrency=1, workdir=work / re.sub(r"\W+", "-", label(key)))
        envoys.append(envoy)
        proxies[key] = envoy
        envoy.wait_ready()
        pin(envoy.process.pid, PROXY_CPU)
        envoy.warm_up_answers = load(listen, JUDGED_PATH, 2, connections)[3]
    return proxies


def run_rounds(targets, args, load, alone=None):
    """{key: [(req/s, latency, latency, responses read) per round]}, the targets ({key: (port,
    path)}) loaded one after the other in each round. With `alone` ({key: envoy}), the other
    Envoys are paused while one is loaded: with hundreds of SLOs their idle ticks and stats
    flushes would take the measured one's CPU."""
    results = {key: [] for key in targets}
    paused = alone or {}
    try:
        for round_ in range(args.rounds):
            for key, (port, path) in targets.items():
                for other, envoy in paused.items():
                    envoy.process.send_signal(signal.SIGCONT if other == key else signal.SIGSTOP)
                results[key].append(load(port, path, args.seconds, args.connections))
                print(f"round {round_ + 1} {label(key):>28}: {results[key][-1][0]:>9.0f} req/s", flush=True)
    finally:
        for envoy in paused.values():
            envoy.process.send_signal(signal.SIGCONT)
    print()
    return results


def ratio(runs, base):
    """The throughput of `runs` over that of `base`, round by round (the variants of a round run
    back to back): their median and spread, so that slow drifts of a shared machine cancel out
    and fast noise shows."""
    per_round = [a[0] / b[0] for a, b in zip(runs, base)]
    return f"{statistics.median(per_round):.1%} ({min(per_round):.1%}-{max(per_round):.1%})"


def check_exact_counts(envoy, spec, answered, connections, runs):
    """Each SLO JUDGED_PATH matches counted every request Envoy's listener received once (good,
    bad or excluded: a request slower than the latency SLO's threshold on a busy machine is
    bad, one the client dropped at a run's end excluded), and the spec's other SLOs none.
    wrk's count is lower by the answers still unread when each run stopped (at most one per
    connection and run). Returns the requests and each matched SLO's (good, bad, excluded)."""
    slos = [slo["name"] for slo in json.loads(spec.read_text())["services"][0]["slos"]]
    judged = set(harness.judge([{"method": "GET", "path": JUDGED_PATH, "status": 200}], spec)[0])
    total_stat = f"http.{http_manager(yaml.safe_load(envoy.config_path.read_text()))['stat_prefix']}.downstream_rq_total"

    def exact():
        received = int(envoy.admin(f"/stats?filter=^{re.escape(total_stat)}$").rsplit(": ", 1)[1])
        seen = harness.seen_counts(harness.prometheus(envoy), slos)
        counted = {slo: tuple(int(seen[(slo, o)]) for o in ("good", "bad", "excluded")) for slo in slos
                   if slo in judged or any(seen[(slo, o)] for o in ("good", "bad", "excluded"))}
        ok = set(counted) == judged and all(sum(c) == received for c in counted.values())
        return ok, (received, counted)

    received, counted = harness.wait_for(exact, timeout=20, what=f"exact counts of {len(slos)} SLOs")
    assert answered <= received <= answered + connections * runs, (answered, received)
    return received, counted


def compare_variants(args, load, tool, up_port, work, envoys):
    """The default benchmark: every variant against no filter and the empty Wasm filter."""
    variants = variant_configs(up_port, work)
    proxies = start(variants, work, envoys, load, args.connections)
    targets = {name: (listen, JUDGED_PATH) for name, (listen, _, _) in variants.items()}
    targets["slo filter, unjudged path"] = (variants["slo filter"][0], UNJUDGED_PATH)
    results = run_rounds(targets, args, load)
    for name in SLO_VARIANTS:
        counted = harness.prometheus(proxies[name])
        good = counted[("slo_requests_total", (("outcome", "good"), ("slo", "checkout-availability")))]
        print(f"{name} counted {good:.0f} good checkout requests (admin port {variants[name][1]})")
    size = harness.WASM.stat().st_size
    print(f"slo_filter.wasm: {size} bytes ({size / 1024:.1f} KiB) after wasm-opt -Oz\n")
    latency = ("p50 ms", "p99 ms") if tool == "wrk" else ("mean ms", "max ms")
    print(f"| variant | req/s | {latency[0]} | {latency[1]} | vs no filter | vs empty wasm |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, runs in results.items():
        rps = [r[0] for r in runs]
        print(f"| {name} | {statistics.median(rps):.0f} ({min(rps):.0f}-{max(rps):.0f})"
              f" | {statistics.median(r[1] for r in runs):.3f} | {statistics.median(r[2] for r in runs):.3f}"
              f" | {ratio(runs, results['no filter'])} | {ratio(runs, results['empty wasm'])} |")


def scaling(args, load, tool, up_port, work, envoys):
    """Per SLO count: the Wasm filter and native counting against no filter on the same routes;
    Envoy's memory; and, at the largest count, every request counted exactly."""
    compare = Path(args.compare_wasm).resolve() if args.compare_wasm else None
    configs = scaling_configs(up_port, work, compare)
    proxies = start(configs, work, envoys, load, args.connections)
    results = run_rounds({key: (listen, JUDGED_PATH) for key, (listen, _, _) in configs.items()}, args, load,
                         alone=proxies)
    largest = SCALING_COUNTS[-1]
    spec = work / f"spec-{largest}.json"
    for (count, kind), envoy in proxies.items():
        if count == largest and kind != "no filter":
            answered = envoy.warm_up_answers + sum(r[3] for r in results[(count, kind)])
            received, counted = check_exact_counts(envoy, spec, answered, args.connections, args.rounds + 1)
            print(f"{largest} SLOs, {kind}: each SLO the path matches counted all {received} requests Envoy received"
                  f" (wrk read {answered}; good, bad, excluded: {counted}), the {largest - len(counted)} others none")
    kinds = sorted({kind for _, kind in configs}, key=["no filter", "wasm", "wasm, compared", "native"].index)
    sizes = [("slo_filter.wasm", harness.WASM)] + ([("compared", compare)] if compare else [])
    print("; ".join(f"{name}: {path.stat().st_size} bytes" for name, path in sizes))
    print(f"{JUDGED_PATH}, which two SLOs match (one with 1 SLO); throughput ratios to no filter with the"
          f" same routes; Envoy's resident memory after the rounds")
    print("| SLOs | no filter, same routes: req/s | its ratio to 1 SLO's | " + " | ".join(kinds[1:])
          + " | RSS MiB: " + " / ".join(kinds) + " |")
    print("| ---: | ---: | ---: | " + " | ".join("---:" for _ in kinds[1:]) + " | ---: |")
    for count in SCALING_COUNTS:
        base = results[(count, "no filter")]
        rps = statistics.median(r[0] for r in base)
        to_one = ratio(base, results[(1, "no filter")])
        cells = [ratio(results[(count, kind)], base) for kind in kinds[1:]]
        rss = " / ".join(f"{harness.rss_kib(proxies[(count, kind)].process.pid) / 1024:.0f}" for kind in kinds)
        print(f"| {count} | {rps:.0f} | {to_one} | " + " | ".join(cells) + f" | {rss} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--protocol", choices=["http1", "http2"], default="http1")
    parser.add_argument("--upstream-delay-ms", type=float, default=0)
    parser.add_argument("--scaling", action="store_true",
                        help=f"per SLO count ({', '.join(map(str, SCALING_COUNTS))}) instead of the variants")
    parser.add_argument("--compare-wasm", metavar="PATH",
                        help="with --scaling: another build of the SLO filter, loaded in the same rounds")
    args = parser.parse_args()
    if args.compare_wasm and not args.scaling:
        parser.error("--compare-wasm needs --scaling")
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
        delay = f", upstream delay {args.upstream_delay_ms:g} ms" if args.upstream_delay_ms else ""
        print(f"{args.protocol}{delay}: one worker on CPU {PROXY_CPU}; {tool} -t1 -c{args.connections}"
              f" {args.seconds}s and the upstream on CPU {LOAD_CPU}; {args.rounds} alternated rounds;"
              f" medians (lowest-highest round), ratios per round")
        (scaling if args.scaling else compare_variants)(args, load, tool, up_port, work, envoys)
    finally:
        for envoy in envoys:
            envoy.stop()


if __name__ == "__main__":
    main()
