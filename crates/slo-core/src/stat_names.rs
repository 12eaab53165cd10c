//! Stat names of the filter's metrics. Labels are encoded in the name as `.label=value`
//! segments; Envoy adds the `wasmcustom.` namespace, and the `stats_config` tag extraction
//! that `slo envoy-config` prints turns each segment back into a Prometheus label:
//! `wasmcustom.slo_requests_total.slo=checkout.outcome=good` becomes
//! `slo_requests_total{slo="checkout",outcome="good"}`. Every value comes from the
//! configuration (SLO, tier and window names are checked by the core: lower-case letters,
//! digits, `_`, `-`), never from request data.

use crate::alerts::AlertTier;
use crate::classify::Outcome;
use crate::conventions::*;
use crate::duration::format_duration;

pub fn requests(slo: &str, outcome: Outcome) -> String {
    format!(
        "{REQUESTS_METRIC}.{SLO_LABEL}={slo}.{OUTCOME_LABEL}={}",
        outcome.as_str()
    )
}

pub fn excluded(slo: &str) -> String {
    format!("{EXCLUDED_METRIC}.{SLO_LABEL}={slo}")
}

/// A cumulative bucket of the duration histogram, kept as a counter (the filter counts the
/// buckets itself, exactly): `le` is the bound in ms, `None` for `+Inf`.
pub fn duration_bucket(slo: &str, le: Option<u32>) -> String {
    match le {
        Some(bound) => format!("{DURATION_METRIC}_bucket.{SLO_LABEL}={slo}.{BUCKET_LABEL}={bound}"),
        None => format!("{DURATION_METRIC}_bucket.{SLO_LABEL}={slo}.{BUCKET_LABEL}=+Inf"),
    }
}

pub fn duration_sum(slo: &str) -> String {
    format!("{DURATION_METRIC}_sum.{SLO_LABEL}={slo}")
}

pub fn duration_count(slo: &str) -> String {
    format!("{DURATION_METRIC}_count.{SLO_LABEL}={slo}")
}

/// Envoy gauges hold unsigned integers: burn rates are published in thousandths.
pub fn burn_rate(slo: &str, window_seconds: u64) -> String {
    format!(
        "{BURN_RATE_MILLI_METRIC}.{SLO_LABEL}={slo}.{WINDOW_LABEL}={}",
        format_duration(window_seconds)
    )
}

/// In thousandths of the budget, floored at 0 (the status endpoint has the signed ratio).
pub fn budget_remaining(slo: &str) -> String {
    format!("{BUDGET_REMAINING_MILLI_METRIC}.{SLO_LABEL}={slo}")
}

pub fn alert_active(slo: &str, tier: &AlertTier) -> String {
    format!(
        "{ALERT_ACTIVE_METRIC}.{SLO_LABEL}={slo}.{TIER_LABEL}={}.{SEVERITY_LABEL}={}",
        tier.name,
        tier.severity.as_str()
    )
}

/// The filter VM's linear memory on the worker that last ticked: the SLOs' sliding
/// windows live there, so it grows with their number and length.
pub const VM_MEMORY: &str = VM_MEMORY_METRIC;

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
    format!("{FILTER_ERRORS_METRIC}.{REASON_LABEL}={}", reason.as_str())
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
