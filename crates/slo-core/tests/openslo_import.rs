//! What valid OpenSLO imports as: nothing read as something else, nothing dropped without
//! a word (what has no place in the spec is said as a warning), and the OpenSLO project's
//! own documents taken as they are.

use slo_core::openslo::{import, OpenSloError};
use slo_core::spec::Spec;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/openslo-project/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn example(name: &str) -> String {
    let path = format!(
        "{}/../../examples/openslo/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn spec(yaml: &str) -> Result<Spec, Vec<OpenSloError>> {
    import(yaml)
}

fn errors(yaml: &str) -> Vec<String> {
    match spec(yaml) {
        Ok(_) => panic!("the stream must be refused:\n{yaml}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_gauge_is_not_rated_as_a_counter() {
    // `counter: false` says the queries are gauges: rate() over them would be a wrong SLI.
    let gauges = example("orders-prometheus.yaml").replace("counter: true", "counter: false");
    assert_eq!(
        errors(&gauges),
        ["document 2 (SLO orders-availability): spec.indicator.spec.ratioMetric.counter: false (the queries are gauges) does not fit good and total: a selector or an expression without {{window}} is a counter the rules rate over each window; allowed: true for counters, or, for gauges, expressions that aggregate them over {{window}} themselves, such as sum(sum_over_time(queue_ok[{{window}}]))"]
    );
    let instant = fixture("readme-ratio-metric.yaml").replace("counter: true", "counter: false");
    assert!(errors(&instant)[0].contains(
        "ratioMetric.counter: false (the queries are gauges) does not fit good and total"
    ));
    // Gauges aggregated by the queries themselves are used as written.
    let aggregated = gauges
        .replace(
            "query: http_requests_total{job=\"orders\",code!~\"5..\"}",
            "query: sum(sum_over_time(orders_ok{job=\"orders\"}[{{window}}]))",
        )
        .replace(
            "query: http_requests_total{job=\"orders\"}",
            "query: sum(sum_over_time(orders_all{job=\"orders\"}[{{window}}]))",
        );
    let sli = &spec(&aggregated).unwrap().slos().next().unwrap().to_json()["sli"]["prometheus"];
    assert_eq!(
        sli["good"],
        "sum(sum_over_time(orders_ok{job=\"orders\"}[{{window}}]))"
    );
}
