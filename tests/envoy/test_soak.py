"""One minute of tests/envoy/soak.py: steady mixed load, every count exact, no filter error,
Envoy's memory flat after the warm-up."""

import json
import subprocess
import sys
from pathlib import Path

SOAK = Path(__file__).with_name("soak.py")


def test_a_one_minute_soak_counts_every_request_exactly_and_memory_stays_flat(tmp_path):
    report = tmp_path / "soak.json"
    done = subprocess.run([sys.executable, str(SOAK), "--minutes", "1", "--warmup-seconds", "20",
                           "--sample-seconds", "5", "--json", str(report)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"soak failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    summary = json.loads(report.read_text())["summary"]
    # The load really ran: at least half the asked 300 requests per second.
    assert summary["requests"] >= 60 * 150, summary
    assert summary["seen"]["catalog-grpc/bad"] > 0 and summary["seen"]["checkout-latency/bad"] > 0, summary
