//! Stat names of the filter's metrics. Labels are encoded in the name as `.label=value`
//! segments; Envoy adds the `wasmcustom.` namespace, and the `stats_config` tag extraction
//! that `slo envoy-config` prints turns each segment back into a Prometheus label:
//! `wasmcustom.slo_requests_total.slo=checkout.outcome=good` becomes
//! `slo_requests_total{slo="checkout",outcome="good"}`. Every value comes from the
//! configuration (SLO, tier and window names are checked by the core: lower-case letters,
//! digits, `_`, `-`), never from request data.

use slo_core::alerts::AlertTier;
use slo_core::classify::Outcome;
use slo_core::duration::format_duration;

pub fn requests(slo: &str, outcome: Outcome) -> String {
    format!("slo_requests_total.slo={slo}.outcome={}", outcome.as_str())
}

pub fn excluded(slo: &str) -> String {
    format!("slo_requests_excluded_total.slo={slo}")
}

/// A cumulative bucket of the duration histogram, kept as a counter (the filter counts the
/// buckets itself, exactly): `le` is the bound in ms, `None` for `+Inf`.
pub fn duration_bucket(slo: &str, le: Option<u32>) -> String {
    match le {
        Some(bound) => format!("slo_request_duration_milliseconds_bucket.slo={slo}.le={bound}"),
        None => format!("slo_request_duration_milliseconds_bucket.slo={slo}.le=+Inf"),
    }
}

pub fn duration_sum(slo: &str) -> String {
    format!("slo_request_duration_milliseconds_sum.slo={slo}")
}

pub fn duration_count(slo: &str) -> String {
    format!("slo_request_duration_milliseconds_count.slo={slo}")
}

/// Envoy gauges hold unsigned integers: burn rates are published in thousandths.
pub fn burn_rate(slo: &str, window_seconds: u64) -> String {
    format!(
        "slo_burn_rate_milli.slo={slo}.window={}",
        format_duration(window_seconds)
    )
}

/// In thousandths of the budget, floored at 0 (the status endpoint has the signed ratio).
pub fn budget_remaining(slo: &str) -> String {
    format!("slo_error_budget_remaining_milli.slo={slo}")
}

pub fn alert_active(slo: &str, tier: &AlertTier) -> String {
    format!(
        "slo_alert_active.slo={slo}.tier={}.severity={}",
        tier.name,
        tier.severity.as_str()
    )
}

/// Why the filter let a request pass without counting it, or failed to publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorReason {
    /// A host call for a header or property failed.
    HostCall,
    /// The response code or request duration was missing or malformed.
    ResponseFacts,
    /// Updating a metric failed.
    Metric,
    /// The status endpoint could not answer.
    StatusEndpoint,
}

impl ErrorReason {
    pub const ALL: [ErrorReason; 4] = [
        ErrorReason::HostCall,
        ErrorReason::ResponseFacts,
        ErrorReason::Metric,
        ErrorReason::StatusEndpoint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorReason::HostCall => "host_call",
            ErrorReason::ResponseFacts => "response_facts",
            ErrorReason::Metric => "metric",
            ErrorReason::StatusEndpoint => "status_endpoint",
        }
    }
}

pub fn filter_errors(reason: ErrorReason) -> String {
    format!("slo_filter_errors_total.reason={}", reason.as_str())
}

/// A gauge value in thousandths: rounded, floored at 0, capped at the gauge's range.
pub fn milli(value: f64) -> u64 {
    if value.is_nan() || value <= 0.0 {
        0
    } else {
        (value * 1000.0).round().min(u64::MAX as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_labels_as_segments() {
        assert_eq!(
            requests("checkout", Outcome::Bad),
            "slo_requests_total.slo=checkout.outcome=bad"
        );
        assert_eq!(
            burn_rate("checkout", 300),
            "slo_burn_rate_milli.slo=checkout.window=5m"
        );
        assert_eq!(
            filter_errors(ErrorReason::ResponseFacts),
            "slo_filter_errors_total.reason=response_facts"
        );
    }

    #[test]
    fn milli_rounds_and_floors() {
        assert_eq!(milli(14.4), 14_400);
        assert_eq!(milli(0.0004), 0);
        assert_eq!(milli(0.0005), 1);
        assert_eq!(milli(-0.3), 0);
        assert_eq!(milli(f64::NAN), 0);
    }
}
