//! The replay: a history's prefix sums, each target's budget over time, every tier's firings
//! as Prometheus would have evaluated them, the windows met, and the recommendation.

use super::{
    Backtest, Detection, History, Outcome, Recommendation, TargetOutcome, WindowOutcome,
    DAILY_PERCENTILES, THIRTY_DAYS,
};
use crate::alerts::{greatest_error_ratio_not_exceeding, AlertTier, Severity};
use crate::duration::DAY;
use crate::target::format_target;
use crate::whatif::{firings, TierTimeline};
use crate::window::Window;

/// Events summed over steps: any span's counts in O(1).
struct Prefix {
    good: Vec<f64>,
    bad: Vec<f64>,
}

impl Prefix {
    fn new(history: &History) -> Prefix {
        let (mut good, mut bad) = (vec![0.0], vec![0.0]);
        let (mut g, mut b) = (0.0, 0.0);
        for counts in &history.steps {
            let counts = counts.unwrap_or_default();
            g += counts.good;
            b += counts.bad;
            good.push(g);
            bad.push(b);
        }
        Prefix { good, bad }
    }

    /// Good and bad events in steps `lo..hi`.
    fn span(&self, lo: usize, hi: usize) -> (f64, f64) {
        (self.good[hi] - self.good[lo], self.bad[hi] - self.bad[lo])
    }
}

/// What decides whether a tier fires at each step, whatever the target: the lower of its
/// long and short windows' error ratios (a tier fires when both reach its threshold, so
/// when the lower does), or 0 where its traffic guard holds it back. Computed once per
/// tier, shared by every target: a target only compares it with its own threshold.
fn tier_signal(tier: &AlertTier, prefix: &Prefix, step: u64) -> Vec<f64> {
    let n = prefix.good.len() - 1;
    let steps = |seconds: u64| ((seconds / step) as usize).max(1);
    let (long, short) = (
        steps(tier.long_window_seconds),
        steps(tier.short_window_seconds),
    );
    let min_events = tier.min_events_per_second.unwrap_or(0.0) * tier.long_window_seconds as f64;
    let ratio = |good: f64, bad: f64| {
        let total = good + bad;
        if total > 0.0 {
            bad / total
        } else {
            0.0
        }
    };
    (0..n)
        .map(|i| {
            let (good, bad) = prefix.span((i + 1).saturating_sub(long), i + 1);
            if good + bad < min_events {
                return 0.0;
            }
            let (short_good, short_bad) = prefix.span((i + 1).saturating_sub(short), i + 1);
            ratio(good, bad).min(ratio(short_good, short_bad))
        })
        .collect()
}

fn budget_left(good: f64, bad: f64, target: f64) -> f64 {
    let total = good + bad;
    if total <= 0.0 {
        1.0
    } else {
        1.0 - bad / total / (1.0 - target)
    }
}

fn sli_of(good: f64, bad: f64) -> Option<f64> {
    let total = good + bad;
    (total > 0.0).then(|| good / total)
}

/// A budget left this close below zero is float error on an SLI exactly at the target.
fn is_met(budget_remaining: f64) -> bool {
    budget_remaining >= -1e-9
}

/// Runs the backtest. Call `Backtest::validate` first: an invalid one gives meaningless
/// numbers, never a panic.
pub fn run(backtest: &Backtest, history: &History) -> Outcome {
    let step = history.step_seconds.max(1);
    let n = history.steps.len();
    let prefix = Prefix::new(history);
    let window_steps = |seconds: u64| ((seconds / step) as usize).max(1);

    // Per step, the first step of the SLO window that ends with it.
    let window_start: Vec<usize> = (0..n)
        .map(|i| match &backtest.window {
            Window::Rolling { seconds } => (i + 1).saturating_sub(window_steps(*seconds)),
            Window::Calendar(_) => {
                let end = history.start_seconds + (i as u64 + 1) * step;
                let (period_start, _) = backtest.window.bounds_at(end - 1);
                (period_start.saturating_sub(history.start_seconds) / step) as usize
            }
        })
        .collect();
    let full_at = |i: usize| match &backtest.window {
        Window::Rolling { seconds } => i + 1 >= window_steps(*seconds),
        Window::Calendar(_) => false,
    };
    let has_full_rolling = (0..n).any(full_at);

    let signals: Vec<Vec<f64>> = backtest
        .tiers
        .iter()
        .map(|tier| tier_signal(tier, &prefix, step))
        .collect();
    // Events in the SLO window ending with each step, and the steps whose window counts:
    // a rolling window once it is full (all of them while the history is shorter).
    let window_counts: Vec<(f64, f64)> = (0..n)
        .map(|i| prefix.span(window_start[i], i + 1))
        .collect();
    let is_calendar = matches!(backtest.window, Window::Calendar(_));
    let counted: Vec<usize> = (0..n)
        .filter(|&i| is_calendar || !has_full_rolling || full_at(i))
        .collect();
    let worst_rolling = (0..n)
        .filter(|&i| full_at(i))
        .filter_map(|i| {
            sli_of(window_counts[i].0, window_counts[i].1).map(|sli| ((i as u64 + 1) * step, sli))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let history_seconds = n as u64 * step;
    let targets = backtest
        .targets
        .iter()
        .map(|&target| {
            let (mut min, mut min_at) = (1.0, 0);
            let (mut out_of_slo_steps, mut all_met) = (0, true);
            let series: Vec<f64> = window_counts
                .iter()
                .map(|&(good, bad)| budget_left(good, bad, target))
                .collect();
            let mut out_of_slo = vec![false; n];
            for &i in &counted {
                let left = series[i];
                if left < min {
                    (min, min_at) = (left, (i as u64 + 1) * step);
                }
                if !is_met(left) {
                    out_of_slo[i] = true;
                    out_of_slo_steps += 1;
                    all_met = false;
                }
            }
            let windows = windows(&backtest.window, history, &prefix, target, &out_of_slo);
            let (met_every_full_window, worst_full_window) = match &backtest.window {
                // Every counted step ends a full window once the history holds one.
                Window::Rolling { .. } => (has_full_rolling.then_some(all_met), worst_rolling),
                Window::Calendar(_) => {
                    let full: Vec<&WindowOutcome> = windows.iter().filter(|w| w.full).collect();
                    let worst = full
                        .iter()
                        .filter_map(|w| w.sli.map(|sli| (w.end_seconds, sli)))
                        .min_by(|a, b| a.1.total_cmp(&b.1));
                    (
                        (!full.is_empty()).then(|| full.iter().all(|w| w.met)),
                        worst,
                    )
                }
            };
            let alerts: Vec<TierTimeline> = backtest
                .tiers
                .iter()
                .zip(&signals)
                .map(|(tier, signal)| timeline(tier, signal, &backtest.window, target, step))
                .collect();
            let episodes = |severity: Severity| episodes(&alerts, severity, history_seconds);
            let (pages, tickets) = (episodes(Severity::Page), episodes(Severity::Ticket));
            let per_30d = |count: u64| count as f64 * THIRTY_DAYS / history_seconds.max(1) as f64;
            let (good, bad) = prefix.span(0, n);
            TargetOutcome {
                target,
                sli: sli_of(good, bad),
                windows,
                met_every_full_window,
                worst_full_window,
                budget_remaining: series.last().copied().unwrap_or(1.0),
                budget_remaining_min: min,
                budget_remaining_min_at_seconds: min_at,
                budget_remaining_series: series,
                out_of_slo_seconds: out_of_slo_steps * step,
                incidents: backtest
                    .incidents
                    .iter()
                    .map(|&(start, end)| {
                        let from_start = |t: u64| t.saturating_sub(history.start_seconds);
                        detection(&alerts, from_start(start), from_start(end), step)
                    })
                    .collect(),
                alerts,
                pages,
                tickets,
                pages_per_30d: per_30d(pages),
                tickets_per_30d: per_30d(tickets),
            }
        })
        .collect::<Vec<_>>();

    let (days, daily_sli) = daily_sli(history, &prefix);
    Outcome {
        start_seconds: history.start_seconds,
        step_seconds: step,
        history_seconds,
        samples: history.steps.iter().filter(|s| s.is_some()).count() as u64,
        gaps: gaps(history),
        gap_seconds: history.steps.iter().filter(|s| s.is_none()).count() as u64 * step,
        days,
        daily_sli,
        recommendation: recommend(&targets, backtest.max_pages_per_30d),
        targets,
    }
}

/// Calendar periods, or back-to-back rolling windows from the history's start.
/// `out_of_slo`: per step, whether the budget stood overspent at its end.
fn windows(
    window: &Window,
    history: &History,
    prefix: &Prefix,
    target: f64,
    out_of_slo: &[bool],
) -> Vec<WindowOutcome> {
    let step = history.step_seconds;
    let (start, end) = (history.start_seconds, history.end_seconds());
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        let (from, to) = match window {
            Window::Rolling { seconds } => (at, at + seconds),
            Window::Calendar(_) => window.bounds_at(at),
        };
        let lo = ((from.max(start) - start) / step) as usize;
        let hi = ((to.min(end) - start) / step) as usize;
        let (good, bad) = prefix.span(lo, hi);
        let left = budget_left(good, bad, target);
        out.push(WindowOutcome {
            start_seconds: from.max(start) - start,
            end_seconds: to.min(end) - start,
            full: from >= start && to <= end,
            good,
            bad,
            no_data_seconds: history.steps[lo..hi].iter().filter(|s| s.is_none()).count() as u64
                * step,
            sli: sli_of(good, bad),
            budget_remaining: left,
            met: is_met(left),
            out_of_slo_seconds: out_of_slo[lo..hi].iter().filter(|&&o| o).count() as u64 * step,
        });
        at = to;
    }
    out
}

fn timeline(
    tier: &AlertTier,
    signal: &[f64],
    window: &Window,
    target: f64,
    step: u64,
) -> TierTimeline {
    let threshold = tier.burn_rate(window.nominal_seconds());
    // Not below zero, so a window without events (ratio 0) never fires.
    let most_quiet = greatest_error_ratio_not_exceeding(threshold, 1.0 - target).max(0.0);
    TierTimeline {
        name: tier.name.clone(),
        severity: tier.severity,
        burn_rate_threshold: threshold,
        firings: firings(signal.iter().map(|&ratio| ratio > most_quiet), step),
    }
}

/// Firings of one severity's tiers, overlapping ones merged: what a pager would ring for.
fn episodes(alerts: &[TierTimeline], severity: Severity, history_seconds: u64) -> u64 {
    let mut spans: Vec<(u64, u64)> = alerts
        .iter()
        .filter(|t| t.severity == severity)
        .flat_map(|t| &t.firings)
        .map(|f| {
            (
                f.fires_at_seconds,
                f.resets_at_seconds.unwrap_or(history_seconds),
            )
        })
        .collect();
    spans.sort_unstable();
    let mut count = 0;
    let mut open_until = None;
    for (fires, resets) in spans {
        match open_until {
            Some(until) if fires <= until => open_until = Some(until.max(resets)),
            _ => {
                count += 1;
                open_until = Some(resets);
            }
        }
    }
    count
}

/// The first firing that began during the incident (or within one step after it ended:
/// the step it ended in is only judged at the step's end); pages win ties.
fn detection(alerts: &[TierTimeline], start: u64, end: u64, step: u64) -> Detection {
    let first = alerts
        .iter()
        .flat_map(|t| t.firings.iter().map(move |f| (f.fires_at_seconds, t)))
        .filter(|&(at, _)| at > start && at <= end + step)
        .min_by_key(|&(at, t)| (at, t.severity != Severity::Page));
    Detection {
        start_seconds: start,
        end_seconds: end,
        caught_by: first.map(|(_, t)| (t.name.clone(), t.severity)),
        detected_after_seconds: first.map(|(at, _)| at - start),
    }
}

fn gaps(history: &History) -> Vec<(u64, u64)> {
    let step = history.step_seconds;
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (i, _) in history
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
    {
        let (from, to) = (i as u64 * step, (i as u64 + 1) * step);
        match out.last_mut() {
            Some(last) if last.1 == from => last.1 = to,
            _ => out.push((from, to)),
        }
    }
    out
}

/// SLI of each UTC day with events, as percentiles (nearest rank), lowest first.
fn daily_sli(history: &History, prefix: &Prefix) -> (u64, Vec<(f64, f64)>) {
    let step = history.step_seconds;
    let mut slis = Vec::new();
    let mut lo = 0;
    while lo < history.steps.len() {
        let day = (history.start_seconds + lo as u64 * step) / DAY;
        let mut hi = lo + 1;
        while hi < history.steps.len() && (history.start_seconds + hi as u64 * step) / DAY == day {
            hi += 1;
        }
        let (good, bad) = prefix.span(lo, hi);
        slis.extend(sli_of(good, bad));
        lo = hi;
    }
    slis.sort_by(f64::total_cmp);
    let percentiles = if slis.is_empty() {
        Vec::new()
    } else {
        DAILY_PERCENTILES
            .iter()
            .map(|&p| {
                let rank = ((p / 100.0 * slis.len() as f64).ceil() as usize).clamp(1, slis.len());
                (p, slis[rank - 1])
            })
            .collect()
    };
    (slis.len() as u64, percentiles)
}

fn recommend(targets: &[TargetOutcome], max_pages_per_30d: f64) -> Recommendation {
    let highest = |keep: &dyn Fn(&TargetOutcome) -> bool| {
        targets
            .iter()
            .filter(|t| keep(t))
            .map(|t| t.target)
            .max_by(f64::total_cmp)
    };
    let highest_met = highest(&|t| t.met_every_full_window == Some(true));
    let highest_within_pages = highest(&|t| t.pages_per_30d <= max_pages_per_30d + 1e-9);
    let recommended = match (highest_met, highest_within_pages) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => None,
    };
    let pages = match crate::format::number(max_pages_per_30d) {
        one if one == "1" => "1 page".to_string(),
        many => format!("{many} pages"),
    };
    let no_full = targets.iter().all(|t| t.met_every_full_window.is_none());
    let because = match (highest_met, highest_within_pages) {
        _ if no_full => "the history is shorter than one full window, so no target can be shown met: backtest a longer history".to_string(),
        (None, _) => "no candidate was met in every full window: the service did worse than all of them".to_string(),
        (Some(_), None) => format!("every candidate's alerts raise more than {pages} per 30 days"),
        (Some(met), Some(quiet)) if met <= quiet => format!(
            "{} is the highest candidate met in every full window, and its alerts raise at most {pages} per 30 days",
            format_target(met)
        ),
        (Some(met), Some(quiet)) => format!(
            "{} was met in every full window, but its alerts raise more than {pages} per 30 days; {} is the highest candidate that raises no more",
            format_target(met),
            format_target(quiet)
        ),
    };
    Recommendation {
        highest_met,
        highest_within_pages,
        max_pages_per_30d,
        recommended,
        because,
    }
}
