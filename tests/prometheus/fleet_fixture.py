"""A real fleet for the browser test of <slo-fleet> (tests/browser/tests/fleet.test.mjs):
two Envoys with the SLO filter and the demo app with its own counter, scraped by Debian's
prometheus evaluating `slo rules` for tests/prometheus/spec.json (short tiers) plus one SLO
whose source has no series at all. The API allows only the origins ORIGIN matches (CORS).

    fleet_fixture.py WORKDIR ORIGIN_REGEX

Prints one JSON line once every target is up, {"prometheus": URL, "envoys": [admin URLs]},
then reads commands on stdin, one a line, answering each with a JSON line when done:
`incident` (half of every source's requests fail from now on), `stop-envoy` (the second
Envoy stops: its scrape fails from now on), `quit`.
"""

import json
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from test_prometheus import Fleet  # noqa: E402

# An SLO over a counter nobody exposes: it must show as "no data", never as a good SLO.
GHOST = {"name": "ghost", "target": 0.995, "window": "1d",
         "sli": {"prometheus": {"bad": 'http_requests_total{job="gone",code=~"5.."}',
                                "total": 'http_requests_total{job="gone"}'}},
         "alerts": {"tiers": [{"name": "page", "severity": "page", "burn_rate": 25,
                               "long_window": "1m30s", "short_window": "1m"}]}}


def say(**fields):
    print(json.dumps(fields), flush=True)


def main(workdir, origin):
    workdir = Path(workdir)
    spec = json.loads((HERE / "spec.json").read_text())
    spec["services"][0]["slos"].append(GHOST)
    spec_path = workdir / "fleet-spec.json"
    spec_path.write_text(json.dumps(spec))
    with Fleet(spec_path, workdir, cors_origin=origin) as fleet:
        say(prometheus=f"http://127.0.0.1:{fleet.prometheus.port}",
            envoys=[f"http://127.0.0.1:{e.admin_port}" for e in fleet.envoys])
        for line in sys.stdin:
            command = line.strip()
            if command == "incident":
                fleet.traffic.incident()
            elif command == "stop-envoy":
                fleet.envoys[1].stop()
            elif command == "quit":
                break
            else:
                say(error=f"unknown command {command!r}; allowed: incident, stop-envoy, quit")
                continue
            say(done=command)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: fleet_fixture.py WORKDIR ORIGIN_REGEX")
    # Terminated (the test gave up waiting), it still stops the Envoys and Prometheus.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main(*sys.argv[1:])
