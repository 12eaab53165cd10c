#!/usr/bin/env python3
"""Writes examples/history/checkout-90d.csv: 90 days of a checkout service's requests at
one-minute steps (timestamp,good,bad), for `slo backtest` and the docs' backtest page.

Deterministic (a fixed seed; Python's Mersenne Twister is stable across versions), so the
file in the repository is exactly what this script writes: `python3 generate.py` and
`git diff` shows nothing.

The service: ~600 requests a minute at the daily peak (15:00 UTC), a third of that at
night, weekends at 60%; a background error ratio of about 0.03%; and the incidents below
(times from 2026-08-01T00:00Z, the history's start), plus one scrape gap.
"""

import math
import pathlib
import random

START = 1_785_542_400  # 2026-08-01T00:00Z, a Saturday
DAYS = 90
MINUTE, HOUR, DAY = 60, 3600, 86400
BACKGROUND_ERROR_RATIO = 0.0003

# (start, duration, error ratio, what happened): the incidents a team would remember.
INCIDENTS = [
    (9 * DAY + 14 * HOUR + 10 * MINUTE, 30 * MINUTE, 0.20, "bad deploy, rolled back"),
    (33 * DAY + 2 * HOUR, 6 * HOUR, 0.015, "connection leak overnight"),
    (51 * DAY + 17 * HOUR + 5 * MINUTE, 12 * MINUTE, 1.0, "database failover, full outage"),
    (70 * DAY, 2 * DAY, 0.0025, "degraded payment provider"),
]
# (start, duration): no samples (a scrape gap), to show gaps are reported, not counted.
GAPS = [(60 * DAY + 3 * HOUR, 90 * MINUTE)]


def traffic(t):
    hour = (t % DAY) / HOUR
    daily = 0.35 + 0.65 * (0.5 + 0.5 * math.cos((hour - 15) / 24 * 2 * math.pi))
    weekday = ((t - START) // DAY) % 7  # 0 is a Saturday
    weekly = 0.6 if weekday in (0, 1) else 1.0
    return 600 * daily * weekly


def error_ratio(offset):
    ratio = BACKGROUND_ERROR_RATIO
    for start, duration, incident_ratio, _ in INCIDENTS:
        if start <= offset < start + duration:
            ratio = max(ratio, incident_ratio)
    return ratio


def rows():
    rng = random.Random(20260801)
    for step in range(DAYS * DAY // MINUTE):
        offset = step * MINUTE
        if any(start <= offset < start + duration for start, duration in GAPS):
            continue
        t = START + offset
        total = max(0, round(rng.gauss(traffic(t), math.sqrt(traffic(t)))))
        expected_bad = total * error_ratio(offset)
        bad = min(total, max(0, round(rng.gauss(expected_bad, math.sqrt(expected_bad * (1 - error_ratio(offset)) + 1e-9)))))
        yield t, total - bad, bad


def main():
    out = pathlib.Path(__file__).with_name("checkout-90d.csv")
    with out.open("w") as f:
        f.write("timestamp,good,bad\n")
        for t, good, bad in rows():
            f.write(f"{t},{good},{bad}\n")
    print(f"wrote {out}")
    for start, duration, ratio, what in INCIDENTS:
        print(f"incident {START + start}..{START + start + duration}: {ratio:.2%} errors, {what}")


if __name__ == "__main__":
    main()
