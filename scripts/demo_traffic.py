"""The demo's traffic, told as a story: steady checkout traffic through Envoy, then an
incident, then steady again until stopped. Steady: 20 requests/s, 1 in 500 a server error
(0.2%). Incident: 1 in 5 a server error (20%) and 3 in 50 slow (400 ms, 6%), played by
Envoy's fault filter on request headers. Prints each phase as it starts.
  demo_traffic.py ENVOY_PORT STEADY_SECONDS INCIDENT_SECONDS
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "envoy"))
import harness  # noqa: E402

RATE = 20
CART = ("GET", "/api/checkout/cart", {})
FAILED = ("GET", "/api/checkout/pay", {"x-envoy-fault-abort-request": "503"})
SLOW = ("GET", "/api/checkout/cart", {"x-envoy-fault-delay-request": "400"})
STEADY = [CART] * 499 + [FAILED]
INCIDENT = [FAILED] * 10 + [SLOW] * 3 + [CART] * 37


def phase(port, name, requests, seconds=None):
    print(f"{time.strftime('%H:%M:%S')} {name}", flush=True)
    # Eight connections, so a slow answer holds up an eighth of the traffic, not all of it.
    load = harness.Load(port, requests, connections=8, rate=RATE, seconds=seconds).wait()
    if load.failures:
        print(f"{len(load.failures)} requests got no answer, first: {load.failures[0]}", flush=True)


def main():
    port, steady, incident = (int(arg) for arg in sys.argv[1:4])
    phase(port, f"steady traffic for {steady} s: {RATE} requests/s, 0.2% server errors", STEADY, steady)
    phase(port, f"incident for {incident} s: 20% server errors, 6% slow (400 ms)", INCIDENT, incident)
    phase(port, "steady traffic again, until stopped", STEADY)


if __name__ == "__main__":
    main()
