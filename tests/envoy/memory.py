"""Measurement (not a test): Envoy's memory with the SLO filter for 1, 10 and 100 SLOs.

For each count, Envoy (2 workers, from `slo envoy-config`) runs a generated spec whose SLOs
each judge their own path prefix, takes traffic on every SLO, and reports its resident
memory (VmRSS) and the filter VM's linear memory (`slo_filter_vm_memory_bytes`, one VM per
worker), next to Envoy with no filter on the same configuration.

Run after tests/envoy/run.sh has built the artifacts:
    .venv/bin/python tests/envoy/memory.py [--counts 1 10 100]
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import yaml

import harness


def spec_of(count):
    slos = [{"name": f"svc-{i}", "target": 0.999, "window": "30d",
             "sli": {"match": {"path_prefixes": [f"/svc-{i}/"]}, "bad": {"status": ["5xx"]},
                     "latency": {"threshold_ms": 100 + i}}} for i in range(count)]
    return {"services": [{"name": "fleet", "slos": slos}]}


def measure(count, upstream, work, with_filter):
    spec_path = work / f"spec-{count}.json"
    spec_path.write_text(json.dumps(spec_of(count)))
    listen, admin = harness.free_port(), harness.free_port()
    config = yaml.safe_load(harness.envoy_config(spec_path, listen_port=listen, admin_port=admin,
                                                 upstream=f"127.0.0.1:{upstream.port}", tick_seconds=1))
    if not with_filter:
        harness.http_manager(config["static_resources"]["listeners"][0])["http_filters"].pop(0)
    name = f"{count}-{'filter' if with_filter else 'none'}"
    envoy = harness.Envoy(yaml.safe_dump(config), concurrency=2, workdir=work / name)
    try:
        envoy.wait_ready()
        requests = [("GET", f"/svc-{i}/item", {}) for i in range(count)] * 20
        harness.send(listen, requests, connections=8)
        time.sleep(2.5)  # two ticks: every SLO has been evaluated on every worker
        vm = harness.prometheus(envoy).get(("slo_filter_vm_memory_bytes", ())) if with_filter else None
        return harness.rss_kib(envoy.process.pid), vm
    finally:
        envoy.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10, 100])
    args = parser.parse_args()
    harness.require(harness.WASM, "the SLO filter")
    work = Path(tempfile.mkdtemp(prefix="slo-memory-"))
    upstream = harness.Upstream()
    try:
        print("| SLOs | Envoy RSS, no filter | Envoy RSS, SLO filter | difference | filter VM memory (each of 2 workers) |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for count in args.counts:
            base, _ = measure(count, upstream, work, with_filter=False)
            rss, vm = measure(count, upstream, work, with_filter=True)
            print(f"| {count} | {base / 1024:.1f} MiB | {rss / 1024:.1f} MiB | {(rss - base) / 1024:+.1f} MiB"
                  f" | {vm / 1048576:.2f} MiB |", flush=True)
    finally:
        upstream.stop()


if __name__ == "__main__":
    main()
