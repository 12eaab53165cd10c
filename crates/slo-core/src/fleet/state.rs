//! An SLO's state in the fleet view, and the words for it and its tiers.

use crate::conventions::INFO_RECORD;
use crate::format;
use crate::results::{FleetSlo, FleetTier};

/// Most urgent first: missing data comes before firing tiers, since with data missing no
/// other figure can be trusted (and a stopped source burns nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    NoData = 0,
    PartialData = 1,
    Page = 2,
    Ticket = 3,
    Ok = 4,
}

impl State {
    pub const ALL: [State; 5] = [
        State::NoData,
        State::PartialData,
        State::Page,
        State::Ticket,
        State::Ok,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::NoData => "no_data",
            State::PartialData => "partial_data",
            State::Page => "page",
            State::Ticket => "ticket",
            State::Ok => "ok",
        }
    }

    fn words(self) -> &'static str {
        match self {
            State::NoData => "no data",
            State::PartialData => "partial data",
            State::Page => "page firing",
            State::Ticket => "ticket firing",
            State::Ok => "ok",
        }
    }
}

/// What is known of an SLO's data.
#[derive(Debug, Clone, Copy)]
pub struct Sources {
    /// Scrape targets reporting the filter's series for it; None for other sources.
    pub reporting: Option<u64>,
    /// Targets that reported them within the lookback and whose scrape fails now.
    pub down: Option<u64>,
    /// Its "absent" alert fires: its source has no series at all.
    pub absent: bool,
    /// The SLI over its window, NaN when the window holds no events.
    pub sli: Option<f64>,
}

pub fn tier(
    name: String,
    severity: String,
    threshold: f64,
    (long_window, long): (String, Option<f64>),
    (short_window, short): (String, Option<f64>),
    alert_state: &'static str,
) -> FleetTier {
    let text = format!(
        "{name} ({severity}): {} over {long_window}, {} over {short_window}; fires above {}{}",
        or_no_data(long, format::burn_rate),
        or_no_data(short, format::burn_rate),
        format::burn_rate(threshold),
        match alert_state {
            "firing" => ": firing",
            "pending" => ": pending",
            _ => "",
        }
    );
    FleetTier {
        name,
        severity,
        burn_rate_threshold: threshold,
        burn_rate_threshold_text: format::burn_rate(threshold),
        long_window,
        short_window,
        long_burn_rate: long,
        long_burn_rate_text: or_no_data(long, format::burn_rate),
        short_burn_rate: short,
        short_burn_rate_text: or_no_data(short, format::burn_rate),
        alert_state,
        firing: alert_state == "firing",
        text,
    }
}

/// The SLO's state, its words (short: a badge), and the words on its data (why it is
/// missing, or how many sources report).
pub fn of(tiers: &[FleetTier], sources: &Sources) -> (State, String, String) {
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let (reporting, down) = (sources.reporting, sources.down.unwrap_or(0));
    let missing = if sources.absent {
        Some("no series from its source (its absent alert fires)".to_string())
    } else if reporting == Some(0) && down > 0 {
        Some(format!(
            "all {down} source{} that reported within the hour are down",
            plural(down)
        ))
    } else if reporting == Some(0) {
        Some("no source reports its series".to_string())
    } else {
        match sources.sli {
            None => Some("no recorded SLI over its window".to_string()),
            Some(sli) if sli.is_nan() => Some("no events in its window".to_string()),
            _ => None,
        }
    };
    if let Some(why) = missing {
        return (State::NoData, State::NoData.words().to_string(), why);
    }
    let data_text = match reporting {
        Some(n) if down > 0 => format!(
            "{down} of {} sources down: the figures count only the {n} reporting",
            n + down
        ),
        Some(n) => format!("{n} source{} reporting", plural(n)),
        None => "its source's series are present".to_string(),
    };
    if down > 0 {
        return (
            State::PartialData,
            State::PartialData.words().to_string(),
            data_text,
        );
    }
    let firing = |severity: &str| -> Vec<&str> {
        tiers
            .iter()
            .filter(|t| t.firing && t.severity == severity)
            .map(|t| t.name.as_str())
            .collect()
    };
    for (state, severity) in [(State::Page, "page"), (State::Ticket, "ticket")] {
        let names = firing(severity);
        if !names.is_empty() {
            return (
                state,
                format!("{}: {}", state.words(), names.join(", ")),
                data_text,
            );
        }
    }
    (State::Ok, State::Ok.words().to_string(), data_text)
}

/// A figure in words, or "no data" when Prometheus has none (or NaN).
pub fn or_no_data(value: Option<f64>, words: impl Fn(f64) -> String) -> String {
    match value {
        Some(v) if !v.is_nan() => words(v),
        _ => State::NoData.words().to_string(),
    }
}

/// `3 SLOs: 1 no data, 2 ok`: each state with SLOs in it, most urgent first.
pub fn summary(slos: &[FleetSlo]) -> String {
    let counts: Vec<String> = State::ALL
        .iter()
        .filter_map(|state| {
            let n = slos.iter().filter(|s| s.state == state.as_str()).count();
            (n > 0).then(|| format!("{n} {}", state.words()))
        })
        .collect();
    let n = slos.len();
    match n {
        0 => format!(
            "no SLOs: the server has no {INFO_RECORD} series (load the rules `slo rules` writes)"
        ),
        _ => format!(
            "{n} SLO{}: {}",
            if n == 1 { "" } else { "s" },
            counts.join(", ")
        ),
    }
}
