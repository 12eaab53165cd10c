//! Every metric, label and alert name the toolkit writes or reads, in one place: the
//! filter's stats (`stat_names` spells them as Envoy stat names), the series Prometheus
//! sees after Envoy's tag extraction, and the rules' recorded series and alerts. Whatever
//! spells one of these names elsewhere takes it from here.

/// The filter's request counter: `{slo, outcome}`. The rules and the backtest read the
/// filter's events through it.
pub const REQUESTS_METRIC: &str = "slo_requests_total";
/// Requests an SLO's exclusions took out: `{slo}`.
pub const EXCLUDED_METRIC: &str = "slo_requests_excluded_total";
/// The filter's duration histogram (`_bucket{slo, le}`, `_sum`, `_count`), in ms.
pub const DURATION_METRIC: &str = "slo_request_duration_milliseconds";
/// Burn rate per window in thousandths (Envoy gauges hold unsigned integers): `{slo, window}`.
pub const BURN_RATE_MILLI_METRIC: &str = "slo_burn_rate_milli";
/// Budget remaining in thousandths, floored at 0: `{slo}`.
pub const BUDGET_REMAINING_MILLI_METRIC: &str = "slo_error_budget_remaining_milli";
/// 1 while a tier fires in the filter: `{slo, tier, severity}`.
pub const ALERT_ACTIVE_METRIC: &str = "slo_alert_active";
/// Requests the filter let pass uncounted, or publishes that failed: `{reason}`.
pub const FILTER_ERRORS_METRIC: &str = "slo_filter_errors_total";
/// The filter VM's linear memory on the worker that last ticked.
pub const VM_MEMORY_METRIC: &str = "slo_filter_vm_memory_bytes";

/// The rules' ratio forms of the filter's thousandths gauges.
pub const BURN_RATE_RECORD: &str = "slo_burn_rate";
pub const BUDGET_REMAINING_RECORD: &str = "slo_error_budget_remaining_ratio";

/// The label carrying the SLO's name on every series.
pub const SLO_LABEL: &str = "slo";
/// The label carrying a request's outcome (`classify::Outcome`) on the request counter.
pub const OUTCOME_LABEL: &str = "outcome";
pub const WINDOW_LABEL: &str = "window";
pub const SEVERITY_LABEL: &str = "severity";
pub const SERVICE_LABEL: &str = "service";
pub const BUCKET_LABEL: &str = "le";
pub const REASON_LABEL: &str = "reason";
/// The tier of the filter's own alert gauge.
pub const TIER_LABEL: &str = "tier";
/// The label naming the tier of a generated burn-rate alert; prefixed, because `tier` is a
/// label many teams use for their own service tiers (Sloth's examples do).
pub const ALERT_TIER_LABEL: &str = "slo_tier";

/// Labels the rules set themselves: a grouping label or an alert label may not take them.
pub const RESERVED_LABELS: &[&str] = &[
    SLO_LABEL,
    SERVICE_LABEL,
    ALERT_TIER_LABEL,
    SEVERITY_LABEL,
    WINDOW_LABEL,
    BUCKET_LABEL,
    "alertname",
    "__name__",
];

/// The alert every tier raises; `slo_tier` and `severity` labels tell them apart.
pub const BURN_ALERT: &str = "SloErrorBudgetBurn";
/// The alert raised when an SLO's source has no series at all (Pyrra's "absent" alert):
/// without it, a source that stopped reporting would look like a perfect one.
pub const ABSENT_ALERT: &str = "SloMetricAbsent";

/// The rules' recorded series: a name and, for windowed ones, the window appended
/// (`slo:error_ratio:rate5m`).
pub const ERROR_RATIO_RECORD: &str = "slo:error_ratio:rate";
pub const BAD_SLICES_RECORD: &str = "slo:bad_slices:ratio";
/// What an occurrence SLO counts in each step (`slo:events:increase1m`): its events and its
/// bad events, recorded once per step so that long windows sum the steps instead of
/// reading every raw sample of every instance again.
pub const STEP_EVENTS_RECORD: &str = "slo:events:increase";
pub const STEP_BAD_EVENTS_RECORD: &str = "slo:bad_events:increase";
/// A timeslice SLO's verdict on each slice, recorded once when the slice ends: 1 for a bad
/// slice, 0 for a good one (`slo:slice_bad:bool5m`); a slice without traffic records nothing.
pub const SLICE_BAD_RECORD: &str = "slo:slice_bad:bool";
/// A ratio-timeslices SLO's error ratio of each slice (`slo:slice_error_ratio:rate5m`).
pub const SLICE_ERROR_RATIO_RECORD: &str = "slo:slice_error_ratio:rate";
pub const REQUESTS_RECORD: &str = "slo:requests:increase";
pub const BUDGET_REMAINING_RATIO_RECORD: &str = "slo:error_budget_remaining:ratio";
pub const OBJECTIVE_RECORD: &str = "slo:objective:ratio";
pub const ERROR_BUDGET_RECORD: &str = "slo:error_budget:ratio";
pub const PERIOD_DAYS_RECORD: &str = "slo:time_period:days";
pub const INFO_RECORD: &str = "slo:info";
/// One series per alert tier (value: the tier's burn-rate threshold), labelled with the
/// tier's name, severity and windows, so that a fleet view reading only Prometheus knows
/// each SLO's tiers: `slo:tier:burn_rate_threshold{slo_tier, severity, long_window, short_window}`.
pub const TIER_THRESHOLD_RECORD: &str = "slo:tier:burn_rate_threshold";
pub const LONG_WINDOW_LABEL: &str = "long_window";
pub const SHORT_WINDOW_LABEL: &str = "short_window";
/// The info series' label naming the SLI source's kind, and the one spelling the objective.
pub const SLI_LABEL: &str = "sli";
pub const OBJECTIVE_LABEL: &str = "objective";

/// Prometheus' own series the fleet view reads: the alerts' state and the scrape health.
pub const ALERTS_METRIC: &str = "ALERTS";
pub const ALERT_NAME_LABEL: &str = "alertname";
pub const ALERT_STATE_LABEL: &str = "alertstate";
pub const UP_METRIC: &str = "up";
/// The target labels Prometheus puts on every scraped series.
pub const JOB_LABEL: &str = "job";
pub const INSTANCE_LABEL: &str = "instance";
