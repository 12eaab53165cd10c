//! The SLO filter for Envoy (proxy-wasm): a thin shell over slo-core.
//!
//! Per request, `on_log` (called for every stream, local replies and resets included) reads
//! the request and response facts the spec looks at, asks the core which SLOs the request
//! belongs to and how each judges it, and counts the outcome in the worker's pending
//! counts. On every tick each worker's VM adds its pending counts to Envoy's global
//! counters, reads them back (the sum over all workers), feeds the change into its own core
//! counters, and sets the burn-rate, budget and alert gauges from `status::evaluate`.
//! The optional status endpoint answers with the core's JSON for every SLO.
//! With `"counting": "native"` Envoy's stats access loggers count each request into the
//! same counters (`slo envoy-config --counting native`): `on_log` returns at once and the
//! tick reads what they counted like its own.
//!
//! Fail open: host calls go through the Result-returning `hostcalls`, a failure bumps
//! `slo_filter_errors_total{reason}` and the request continues untouched.

pub mod host;

#[cfg(target_arch = "wasm32")]
mod shell;
