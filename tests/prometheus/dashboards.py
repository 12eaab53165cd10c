"""The Grafana dashboards `slo dashboards` writes, against the suite's running Prometheus:
every panel's query, with the dashboard's variables filled in as Grafana fills them, must
return the series the panel is for (one per selected SLO, with its `slo` label), and where
it shows a quantity the rules record, the same value as that recorded series read directly
at the same instant. The expected values are spelled here from the spec in spec.json (its
SLOs' windows, targets and tiers), not taken from the generator.

Called by test_prometheus.py once alerts fire and budgets are spent, so that every panel
has something to show.
"""

import json
import math
import re
import time

# What the suite's spec (spec.json) makes the rules record: both SLOs are occurrence SLOs
# over 1 day, with one tier "page" over 1m30s and 1m.
WINDOW = "1d"
TIER = "page"
TIER_WINDOWS = {"long": "1m30s", "short": "1m"}
SLI_KINDS = {"checkout": "request", "app-availability": "prometheus_ratio"}
RANGE_SECONDS = 120
STEP_SECONDS = 5


def grafana_regex(values):
    """A multi-value variable as Grafana writes it into a regex matcher: (a|b). Grafana
    escapes regex metacharacters in the values; the suite's names have none."""
    for value in values:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", value), value
    return "(" + "|".join(values) + ")"


def fill(expr, variables):
    """The query as Grafana sends it: each $name replaced, longest names first; nothing else
    may be left (the dashboards use no other variable)."""
    for name in sorted(variables, key=len, reverse=True):
        expr = expr.replace("$" + name, variables[name])
    assert "$" not in expr, f"a variable is left unfilled in {expr}"
    return expr


class Reader:
    """Prometheus read at one instant (and the range ending there), so that a panel's query
    and the recorded series it is compared with see the same samples."""

    def __init__(self, prometheus):
        self.prometheus = prometheus
        self.at = int(time.time()) - 1

    def instant(self, expr):
        return self.prometheus.api("query", query=expr, time=self.at)["result"]

    def last_of_range(self, expr):
        """A range query's series, each as its labels and its value at the range's end."""
        result = self.prometheus.api("query_range", query=expr, start=self.at - RANGE_SECONDS,
                                     end=self.at, step=STEP_SECONDS)["result"]
        return [{"metric": r["metric"], "value": r["values"][-1]} for r in result
                if float(r["values"][-1][0]) == self.at]

    def direct(self, expr):
        """{slo: value} of a recorded series (or an expression over them) at the instant."""
        values = {}
        for r in self.instant(expr):
            assert r["metric"]["slo"] not in values, f"{expr}: two series for {r['metric']['slo']}"
            values[r["metric"]["slo"]] = float(r["value"][1])
        return values


def expected_values(reader, spec, panel_title, ref_id):
    """{slo: value} the panel's query must give, read from the recorded series directly;
    None for a query whose values are checked otherwise (labels only)."""
    targets = {slo["name"]: slo["target"] for service in spec["services"] for slo in service["slos"]}

    def burn(window):
        ratios = reader.direct(f"slo:error_ratio:rate{window}")
        return {name: ratio / (1 - targets[name]) for name, ratio in ratios.items()}

    alerts = reader.direct('count by (slo) (ALERTS{alertstate="firing"})')
    for name in targets:
        alerts.setdefault(name, 0.0)
    sides = [side for side in TIER_WINDOWS if ref_id.endswith(side)]
    if ref_id.startswith("burn-") or panel_title.startswith("Burn rate:"):
        assert TIER in ref_id or TIER in panel_title, (panel_title, ref_id)
        return burn(TIER_WINDOWS[sides[0]])
    by_title = {
        "Objective": "slo:objective:ratio",
        "SLI over the window": f"1 - slo:error_ratio:rate{WINDOW}",
        "Error budget left": "slo:error_budget_remaining:ratio",
        "Error budget left over the window": "slo:error_budget_remaining:ratio",
    }
    by_ref = {
        "objective": "slo:objective:ratio",
        "sli": f"1 - slo:error_ratio:rate{WINDOW}",
        "budget": "slo:error_budget_remaining:ratio",
        "good": "slo:events:increase1m - slo:bad_events:increase1m",
        "bad": "slo:bad_events:increase1m",
    }
    if panel_title == "Firing alerts" and ref_id == "A" or ref_id == "alerts" and panel_title == "SLOs":
        return alerts
    expr = by_title.get(panel_title) if ref_id == "A" else by_ref.get(ref_id)
    return reader.direct(expr) if expr else None


def check_results(reader, spec, board, panel, target, results, selected):
    """One query's answer against what its panel is for."""
    where = f"{board['title']} / {panel['title']} / {target['refId']}"
    assert results, f"{where}: no series for {target['expr']}"
    slos = {r["metric"].get("slo") for r in results}
    assert slos == set(selected), f"{where}: series for {slos}, selected {selected}"
    if target["refId"] == "info":
        for r in results:
            labels = r["metric"]
            assert (labels["window"], labels["sli"]) == (WINDOW, SLI_KINDS[labels["slo"]]), f"{where}: {labels}"
        return 0
    if panel["title"].startswith("Burn rate:"):
        side = target["refId"]
        assert {r["metric"]["window"] for r in results} == {TIER_WINDOWS[side]}, f"{where}: {results}"
    expected = expected_values(reader, spec, panel["title"], target["refId"])
    if expected is None:
        return 0
    for r in results:
        name, value = r["metric"]["slo"], float(r["value"][1])
        assert math.isfinite(value) and math.isfinite(expected[name]), f"{where}: {name} {value} vs {expected[name]}"
        assert math.isclose(value, expected[name], rel_tol=1e-9, abs_tol=1e-12), \
            f"{where}: {name} shows {value}, the recorded series say {expected[name]}"
    return len(results)


def check_dashboards(prometheus, slo, spec_path):
    """Every panel of both dashboards, for every SLO the detail can select; returns how many
    values were compared with the recorded series."""
    spec = json.loads(spec_path.read_text())
    names = sorted(slo["name"] for service in spec["services"] for slo in service["slos"])
    services = sorted(service["name"] for service in spec["services"])
    reader = Reader(prometheus)
    compared, problems = 0, []
    for which in ("overview", "detail"):
        board = json.loads(slo("dashboards", str(spec_path), "--dashboard", which))
        variables = {v["name"]: v for v in board["templating"]["list"]}
        assert variables["datasource"]["query"] == "prometheus"
        # The variables' own queries, as Grafana's Prometheus data source runs label_values.
        service_values = prometheus.api("label/service/values", **{"match[]": "slo:info"})
        assert service_values == services, service_values
        filled = {"service": grafana_regex(services)}
        match = fill(re.fullmatch(r"label_values\((.*), slo\)", variables["slo"]["query"]["query"]).group(1), filled)
        slo_values = prometheus.api("label/slo/values", **{"match[]": match})
        assert slo_values == names, slo_values
        selections = [names] if which == "overview" else [[name] for name in names]
        for selected in selections:
            # A single value goes in as it is.
            filled["slo"] = grafana_regex(selected) if which == "overview" else selected[0]
            for panel in board["panels"]:
                for target in panel["targets"]:
                    expr = fill(target["expr"], filled)
                    results = reader.instant(expr) if target["instant"] else reader.last_of_range(expr)
                    # Every panel is checked and every wrong one reported, not just the first.
                    try:
                        compared += check_results(reader, spec, board, panel, target, results, selected)
                    except AssertionError as problem:
                        problems.append(str(problem))
    assert not problems, f"{len(problems)} panel queries wrong:\n" + "\n".join(problems)
    return compared
