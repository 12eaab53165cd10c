//! Every result a shell shows, defined once: its field names, its numbers and its words.
//! `docs/results.md` documents these shapes and the shells' tests hold them to it.
//!
//! A result is a plain struct declared with `result!`, which also writes it, field by field,
//! into a `Sink`: a JSON object here (the command's `--json`, the filter's status endpoint),
//! a JS object in the browser shell, which so needs no serde across its boundary. Shells
//! build a result with its `new` and render it; they compute no figure and spell no word.
//!
//! Conventions: a figure's number carries its unit in its name (`_seconds`, `_ratio`, or
//! none: `burn_rate`, `target`); the same figure in words is `<name>_text`, with `_seconds`
//! dropped (`allowed_downtime_seconds` → `allowed_downtime_text`). A duration a spec spells
//! (`window`, `long_window`) is its spelling and `_seconds`. Every field is always present;
//! what does not apply is `null`.

use serde_json::{Map, Value};

mod alerts;
mod backtest;
mod budget;
mod compliance;
mod composite;
mod draft;
mod fleet;
mod status;
mod whatif;

pub use alerts::{Alerts, AlertsTier};
pub use backtest::{
    Backtest, BacktestIncident, BacktestPercentile, BacktestSpan, BacktestTarget, BacktestWindow,
};
pub use budget::{Budget, BudgetPeriod};
pub use compliance::{Compliance, ComplianceAlert, ComplianceTier, ComplianceWindow};
pub use composite::{Composite, CompositeDependency};
pub use draft::{DraftIssue, DraftReport, DraftSlo};
pub use fleet::{
    Fleet, FleetAlert, FleetBurnSeries, FleetDetail, FleetLabel, FleetSlo, FleetTier, NO_HISTORY,
};
pub use status::{SloState, Status, StatusBurnRate, StatusTier};
pub use whatif::{WhatIf, WhatIfFiring, WhatIfIncident, WhatIfTier, SERIES_POINTS};

/// Where a result is written, one field at a time.
pub trait Sink: Sized {
    fn number(&mut self, key: &'static str, value: f64);
    /// A whole number.
    fn count(&mut self, key: &'static str, value: u64);
    fn text(&mut self, key: &'static str, value: &str);
    fn flag(&mut self, key: &'static str, value: bool);
    fn null(&mut self, key: &'static str);
    /// A list of numbers (a series or a curve).
    fn numbers(&mut self, key: &'static str, values: &[f64]);
    /// A list of results, each written into a fresh sink of this kind.
    fn list<T: Render>(&mut self, key: &'static str, items: &[T]);
}

/// A result: it writes its fields into a sink.
pub trait Render {
    fn render<S: Sink>(&self, out: &mut S);
}

/// A value a result's field can hold.
pub trait Field {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S);
}

impl Field for f64 {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        out.number(key, *self);
    }
}

impl Field for u64 {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        out.count(key, *self);
    }
}

impl Field for String {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        out.text(key, self);
    }
}

impl Field for &'static str {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        out.text(key, self);
    }
}

impl Field for bool {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        out.flag(key, *self);
    }
}

impl<T: Field> Field for Option<T> {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        match self {
            Some(value) => value.write(key, out),
            None => out.null(key),
        }
    }
}

impl Field for Vec<f64> {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        out.numbers(key, self);
    }
}

impl<T: Render> Field for Vec<T> {
    fn write<S: Sink>(&self, key: &'static str, out: &mut S) {
        out.list(key, self);
    }
}

/// Declares a result: the struct, and its `Render` writing each field under its own name,
/// in order.
macro_rules! result {
    ($(#[$meta:meta])* pub struct $name:ident {
        $($(#[$field_meta:meta])* pub $field:ident: $type:ty,)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $type,)*
        }

        impl $crate::results::Render for $name {
            fn render<S: $crate::results::Sink>(&self, out: &mut S) {
                $($crate::results::Field::write(&self.$field, stringify!($field), out);)*
            }
        }
    };
}
use result;

/// The JSON side: a result as a `serde_json` object, fields in their declared order.
#[derive(Debug, Default)]
pub struct JsonSink(Map<String, Value>);

impl Sink for JsonSink {
    fn number(&mut self, key: &'static str, value: f64) {
        self.0.insert(key.into(), json_number(value));
    }

    fn count(&mut self, key: &'static str, value: u64) {
        self.0.insert(key.into(), value.into());
    }

    fn text(&mut self, key: &'static str, value: &str) {
        self.0.insert(key.into(), value.into());
    }

    fn flag(&mut self, key: &'static str, value: bool) {
        self.0.insert(key.into(), value.into());
    }

    fn null(&mut self, key: &'static str) {
        self.0.insert(key.into(), Value::Null);
    }

    fn numbers(&mut self, key: &'static str, values: &[f64]) {
        let items = values.iter().map(|&v| json_number(v)).collect();
        self.0.insert(key.into(), Value::Array(items));
    }

    fn list<T: Render>(&mut self, key: &'static str, items: &[T]) {
        let items = items.iter().map(to_json).collect();
        self.0.insert(key.into(), Value::Array(items));
    }
}

/// JSON has no infinity or NaN (a timeslice budget with no allowance can be -inf): null.
fn json_number(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A result as JSON.
pub fn to_json(result: &impl Render) -> Value {
    let mut sink = JsonSink::default();
    result.render(&mut sink);
    Value::Object(sink.0)
}
