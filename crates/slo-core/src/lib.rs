//! The SLO core: everything that is math or policy, with no I/O, no clock and no host
//! calls. Time comes in as arguments (Unix seconds). The Envoy filter, the browser
//! components and the `slo` command are thin shells over this crate.
#![forbid(unsafe_code)]

pub mod alert_metadata;
pub mod alerts;
pub mod backtest;
pub mod budget;
pub mod calendar;
pub mod classify;
pub mod compliance;
pub mod composite;
pub mod conventions;
pub mod counters;
pub mod decode;
pub mod draft;
pub mod duration;
pub mod filter_config;
pub mod fleet;
pub mod format;
pub mod histogram;
mod imported;
pub mod lint;
pub mod native;
pub mod openslo;
pub mod parse;
pub mod prometheus;
pub mod promql;
#[cfg(feature = "full-reader")]
pub mod pyrra;
pub mod results;
pub mod sloth;
pub mod spec;
pub mod stat_names;
pub mod status;
pub mod target;
pub mod whatif;
pub mod window;
pub mod zone;
