"""Fleet rules benchmark, run by hand (not part of the suite; it asserts no timing):
a synthetic fleet's history backfilled into Debian's real Prometheus, then two rule files
loaded over it, `before` (a given `slo` binary's, such as one built from an older commit)
and `after` (this checkout's). Per SLO kind (request, Prometheus ratio, timeslice) it
reports the samples every rule of the SLO's groups touches in one evaluation at the
history's end (the query stats' totalQueryableSamples, for the 30-day rules and for all),
and the live groups' evaluation time (prometheus_rule_group_last_duration_seconds). It
checks the 30-day figures of the after rules against the core's backtest of the same
history (request and Prometheus-ratio SLOs, to 1e-9) and against the before rules
(timeslice SLOs, which the backtest does not replay).

The fleet: ENVOYS Envoys, each counting SLOS/3 request SLOs and SLOS/3 timeslice SLOs
(5-minute slices) in slo_requests_total{slo,outcome,job,namespace,pod,instance}, and an app
per Prometheus-ratio SLO with a pod per Envoy counting http_requests_total{job,namespace,
service,pod,instance,route,code}. Traffic swings tenfold between night and day, a few
steps go quiet, and each SLO has an incident. The backfill scrapes every --scrape-step
(default 5 minutes: 50 Envoys x 30 SLOs x 30 days at 1 minute would be 130 million
samples, too many for a run of minutes on a small machine); the after rules' recorded steps
and slices are backfilled over the same history by `promtool tsdb create-blocks-from rules`,
which writes a block per recording rule and 2 hours: 18,000 for the 50 rules of 30 SLOs over
30 days, more than Prometheus can open under an open-file limit of 20,000 (the run says so
and stops; 9 SLOs' 15 rules fit).

usage: .venv/bin/python tests/prometheus/bench_rules.py --before /tmp/slo-old [--envoys 50]
       [--slos 30] [--days 30] [--scrape-step 300] [--keep DIR]
"""

import argparse
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backtest"))

from history_server import free_port, prometheus_command, tool  # noqa: E402

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("request", "prometheus", "timeslice")
# A block's index and its chunk segment, which Prometheus keeps open (mapped) once loaded.
FILES_PER_BLOCK = 2
TARGET = 0.999


def spec_of(slos_per_kind):
    slos = []
    for i in range(slos_per_kind):
        slos.append({"name": f"request-{i}", "target": TARGET, "window": "30d",
                     "sli": {"match": {"path_prefixes": [f"/svc{i}"]}, "bad": {"status": ["5xx"]}}})
        slos.append({"name": f"prometheus-{i}", "target": TARGET, "window": "30d",
                     "sli": {"prometheus": {"bad": f'http_requests_total{{service="svc{i}",code=~"5.."}}',
                                            "total": f'http_requests_total{{service="svc{i}"}}'}}})
        slos.append({"name": f"timeslice-{i}", "target": 0.995, "window": "30d",
                     "budgeting": {"method": "timeslices", "slice": "5m", "slice_good_ratio": 0.95},
                     "sli": {"match": {"path_prefixes": [f"/ts{i}"]}, "bad": {"status": ["5xx"]}}})
    return {"services": [{"name": "fleet", "slos": slos}]}


def traffic(step_index, steps_per_day, slo_index, envoy):
    """(good, bad) one Envoy counts for an SLO in one step: deterministic, tenfold day/night
    swing, a quiet step now and then, and one 2-hour incident per SLO."""
    hour = (step_index % steps_per_day) * 24 / steps_per_day
    base = 100 if 8 <= hour < 20 else 10
    if (step_index + slo_index) % 997 == 0:
        return 0, 0
    total = base + (envoy * 7 + slo_index * 3 + step_index) % 5
    incident = steps_per_day * (3 + slo_index % 20)
    bad_share = 0.2 if incident <= step_index < incident + steps_per_day // 12 else 0.001
    bad = int(total * bad_share + ((step_index + envoy) % 3 == 0))
    return total - bad, bad


def backfill(directory, args, start, steps):
    """Writes the fleet's counters, one OpenMetrics file a day, into directory/data; returns
    {slo: [(good, bad) per step, summed over the fleet]} for the core's backtest."""
    per_kind = args.slos // 3
    steps_per_day = 86400 // args.scrape_step
    fleet = {}
    counters = {}
    series = []
    for i in range(per_kind):
        for envoy in range(args.envoys):
            pod = f"envoy-{envoy}"
            where = f'job="envoy",namespace="mesh",pod="{pod}",instance="10.0.{envoy // 250}.{envoy % 250}:9901"'
            for kind in ("request", "timeslice"):
                slo = f"{kind}-{i}"
                series.append((slo, i, envoy, "good", f'slo_requests_total{{slo="{slo}",outcome="good",{where}}}'))
                series.append((slo, i, envoy, "bad", f'slo_requests_total{{slo="{slo}",outcome="bad",{where}}}'))
            app = f'job="svc{i}",namespace="shop",service="svc{i}",pod="svc{i}-{envoy}",instance="10.1.{envoy // 250}.{envoy % 250}:8080",route="/"'
            series.append((f"prometheus-{i}", i, envoy, "good", f'http_requests_total{{{app},code="200"}}'))
            series.append((f"prometheus-{i}", i, envoy, "bad", f'http_requests_total{{{app},code="503"}}'))
    for slo, *_ in series:
        fleet[slo] = [[0, 0] for _ in range(steps)]
    for name in series:
        counters[name[4]] = 0
    for day_start in range(0, steps + 1, steps_per_day):
        lines = {"slo_requests": [], "http_requests": []}
        for k in range(day_start, min(day_start + steps_per_day, steps + 1)):
            t = start + k * args.scrape_step
            for slo, i, envoy, outcome, labels in series:
                if k > 0:
                    good, bad = traffic(k - 1, steps_per_day, i + (0 if slo.startswith("request") else 50), envoy)
                    n = good if outcome == "good" else bad
                    counters[labels] += n
                    fleet[slo][k - 1][0 if outcome == "good" else 1] += n
                family = "slo_requests" if labels.startswith("slo_") else "http_requests"
                lines[family].append(f"{labels} {counters[labels]} {t}")
        path = Path(directory) / f"day-{day_start // steps_per_day}.om"
        with path.open("w") as out:
            for family, rows in lines.items():
                out.write(f"# TYPE {family} counter\n")
                # OpenMetrics wants each series' samples together.
                rows.sort(key=lambda row: row.rsplit(" ", 2)[0])
                out.write("\n".join(rows) + "\n")
            out.write("# EOF\n")
        subprocess.run([tool("promtool"), "tsdb", "create-blocks-from", "openmetrics", "-q",
                        "--max-block-duration=24h", str(path), str(Path(directory) / "data")],
                       check=True, capture_output=True)
        path.unlink()
    return fleet


class Prometheus:
    def __init__(self, directory, rules=None):
        self.directory = Path(directory)
        self.port = free_port()
        config = {"global": {"evaluation_interval": "1m"}}
        if rules:
            config["rule_files"] = [str(rules)]
        (self.directory / "prometheus.yml").write_text(yaml.safe_dump(config))
        self.log = open(self.directory / "prometheus.log", "a")
        self.process = subprocess.Popen(prometheus_command(self.directory, self.port) + ["--query.max-samples=500000000"],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/-/ready", timeout=2)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("prometheus did not start: " + (self.directory / "prometheus.log").read_text()[-2000:])
                time.sleep(0.5)

    def query(self, expr, at):
        params = urllib.parse.urlencode({"query": expr, "time": at, "stats": "all"})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{params}", timeout=600) as answer:
            data = json.load(answer)["data"]
        return data["result"], data["stats"]

    def metric(self, name):
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=10) as answer:
            return [line for line in answer.read().decode().splitlines() if line.startswith(name + "{")]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


def kind_of(group_name):
    return group_name.removeprefix("slo-").split("-")[0]


def measure(prometheus, rules_text, at):
    """{kind: {"samples", "samples_30d", "seconds"}} per SLO of each kind (mean), and the
    30-day figures {slo: {record: value}} at `at`."""
    totals, figures = {}, {}
    for group in yaml.safe_load(rules_text)["groups"]:
        kind = kind_of(group["name"])
        entry = totals.setdefault(kind, {"samples": 0, "samples_30d": 0, "groups": set()})
        entry["groups"].add(group["name"].split(":")[0])
        for rule in group["rules"]:
            result, stats = prometheus.query(rule["expr"], at)
            samples = stats["samples"]["totalQueryableSamples"]
            entry["samples"] += samples
            name = rule.get("record", "")
            if name.endswith("30d") or name.endswith("increase1m") or name.startswith("slo:slice_bad"):
                entry["samples_30d"] += samples
            if name.endswith("30d"):
                for sample in result:
                    figures.setdefault(rule["labels"]["slo"], {})[name] = float(sample["value"][1])
    for entry in totals.values():
        slos = len(entry.pop("groups"))
        entry["samples"] /= slos
        entry["samples_30d"] /= slos
    return totals, figures


def live_durations(prometheus, wait):
    """Mean last evaluation time per SLO's groups, by kind, once every group has run."""
    time.sleep(wait)
    by_kind = {}
    for line in prometheus.metric("prometheus_rule_group_last_duration_seconds"):
        group = line.split('rule_group="')[1].split('"')[0].split(";")[-1]
        by_kind.setdefault(kind_of(group), {}).setdefault(group.split(":")[0], 0.0)
        by_kind[kind_of(group)][group.split(":")[0]] += float(line.split()[-1])
    return {kind: sum(v.values()) / len(v) for kind, v in by_kind.items()}


def core_backtest(slo_binary, spec_path, slo, steps, start, step_seconds, directory):
    csv = Path(directory) / f"{slo}.csv"
    csv.write_text("timestamp,good,bad\n" + "".join(f"{start + k * step_seconds},{g},{b}\n" for k, (g, b) in enumerate(steps)))
    out = subprocess.run([str(slo_binary), "backtest", str(csv), "--spec", str(spec_path), "--slo", slo,
                          "--targets", str(TARGET * 100), "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["targets"][0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="an slo binary whose rules are the baseline")
    parser.add_argument("--after", default=str(ROOT / "target/debug/slo"))
    parser.add_argument("--envoys", type=int, default=50)
    parser.add_argument("--slos", type=int, default=30)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--scrape-step", type=int, default=300)
    parser.add_argument("--settle", type=int, default=330, help="seconds for every group (timeslice ones: every 5 minutes) to run live")
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args()
    directory = Path(args.keep or tempfile.mkdtemp(prefix="slo-bench-rules-"))
    directory.mkdir(parents=True, exist_ok=True)
    spec_path = directory / "spec.json"
    spec_path.write_text(json.dumps(spec_of(args.slos // 3)))
    rules = {}
    for name, binary in (("before", args.before), ("after", args.after)):
        rules[name] = subprocess.run([binary, "rules", str(spec_path)], capture_output=True, text=True, check=True).stdout
        (directory / f"{name}.yaml").write_text(rules[name])

    steps = args.days * 86400 // args.scrape_step
    end = int(time.time()) // 3600 * 3600
    start = end - steps * args.scrape_step
    began = time.monotonic()
    fleet = backfill(directory, args, start, steps)
    print(f"backfilled {args.envoys} Envoys x {args.slos} SLOs x {args.days} d at {args.scrape_step} s "
          f"({len(fleet) * args.envoys * 2 * (steps + 1):,} samples) in {time.monotonic() - began:.0f} s", flush=True)

    # The after rules' recorded steps and slices over the history, as a live Prometheus
    # would have recorded them.
    recording = {"groups": [dict(g, rules=[r for r in g["rules"] if r.get("record", "").startswith(("slo:events:", "slo:bad_events:", "slo:slice_"))])
                            for g in yaml.safe_load(rules["after"])["groups"]]}
    recording["groups"] = [g for g in recording["groups"] if g["rules"]]
    (directory / "recording.yaml").write_text(yaml.safe_dump(recording))
    server = Prometheus(directory)
    began = time.monotonic()
    # promtool evaluates up to, not at, --end: one more step records the step that ends
    # at `end`, as the live server would have.
    subprocess.run([tool("promtool"), "tsdb", "create-blocks-from", "rules", "--start", str(start), "--end", str(end + 60),
                    "--url", server.url, "--output-dir", str(directory / "recorded"), str(directory / "recording.yaml")],
                   check=True, capture_output=True)
    server.stop()
    for block in (directory / "recorded").iterdir():
        shutil.move(str(block), str(directory / "data" / block.name))
    print(f"recorded steps and slices backfilled in {time.monotonic() - began:.0f} s", flush=True)
    # promtool writes a block per recording rule and 2 hours, and Prometheus opens every block
    # before it compacts them: say so rather than let it fail on each block.
    blocks = sum(1 for _ in (directory / "data").iterdir())
    open_files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if blocks * FILES_PER_BLOCK > open_files:
        raise SystemExit(f"bench_rules: {blocks} blocks would need at least {blocks * FILES_PER_BLOCK} open files; "
                         f"this process may open {open_files} (ulimit -n): raise the limit or give fewer --slos or --days")

    results = {}
    for name in ("before", "after"):
        server = Prometheus(directory, directory / f"{name}.yaml")
        try:
            # The recorded steps lag the raw series by up to one evaluation (promtool, like a
            # live server, evaluates each group at its own offset within the minute): a
            # minute after the history's end, every event is in a recorded step.
            samples, figures = measure(server, rules[name], end + 60)
            durations = live_durations(server, args.settle)
        finally:
            server.stop()
        results[name] = (samples, figures, durations)

    print("\n| SLO kind | rules | samples per evaluation, 30-day rules | all rules | group evaluation time |")
    print("| --- | --- | ---: | ---: | ---: |")
    for kind in KINDS:
        for name in ("before", "after"):
            samples, _, durations = results[name]
            s = samples[kind]
            print(f"| {kind} | {name} | {s['samples_30d']:,.0f} | {s['samples']:,.0f} | {durations.get(kind, math.nan) * 1000:.1f} ms |")

    # The after rules' 30-day figures against the core's backtest and the before rules.
    failures = []
    _, after, _ = results["after"]
    _, before, _ = results["before"]
    for slo, figures in sorted(after.items()):
        if slo.startswith("timeslice"):
            for record, value in figures.items():
                if not math.isclose(value, before[slo][record], rel_tol=0, abs_tol=1e-9):
                    failures.append(f"{slo} {record}: {value} after, {before[slo][record]} before")
            continue
        core = core_backtest(args.after, spec_path, slo, fleet[slo], start, args.scrape_step, directory)
        # The budget rule reads the 30-day record, which only the live server records.
        ratio = figures["slo:error_ratio:rate30d"]
        for what, ours, expected in (("30-day SLI", 1 - ratio, core["sli"]),
                                     ("budget remaining", 1 - ratio / (1 - TARGET), core["budget_remaining"])):
            if not math.isclose(ours, expected, rel_tol=0, abs_tol=1e-9):
                failures.append(f"{slo} {what}: {ours} in Prometheus, {expected} in the core")
    print(f"\n{len(after)} SLOs' 30-day figures checked: " + ("all equal to 1e-9" if not failures else f"{len(failures)} differ"))
    for failure in failures[:20]:
        print("  " + failure)
    if not args.keep:
        shutil.rmtree(directory)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
