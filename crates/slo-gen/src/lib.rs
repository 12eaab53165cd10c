//! Generators: pure functions from a spec (and typed options) to the text a deployment
//! loads: Prometheus rules (`rules`), Envoy's bootstrap with the filter and, for native
//! counting, its stats access loggers (`envoy`), Grafana dashboards over the rules' series
//! (`dashboards`); `export` names each file a spec becomes.
//! No I/O: the `slo` command and the browser
//! call the same functions, so they give the same bytes.
#![forbid(unsafe_code)]

pub mod dashboards;
pub mod envoy;
pub mod export;
pub mod rules;
