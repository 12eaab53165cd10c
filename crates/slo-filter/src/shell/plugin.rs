//! What one configuration keeps per SLO in a VM: its metrics, its window (shared across
//! reloads) and the requests judged since the last tick; the tick's refresh and publish.

use crate::host;
use proxy_wasm::hostcalls;
use proxy_wasm::types::{MetricType, Status};
use slo_core::classify::{MatchIndex, Outcome};
use slo_core::counters::Counts;
use slo_core::filter_config::{Counting, FilterConfig, StatusEndpoint};
use slo_core::spec::{RequestSli, Slo};
use slo_core::stat_names::{self as names, ErrorReason};
use slo_core::status;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// Metric ids of one SLO, defined once per VM at configuration.
pub(super) struct SloMetrics {
    good: u32,
    bad: u32,
    excluded: u32,
    /// Cumulative duration buckets, one per bound and `+Inf` last.
    duration_buckets: Vec<u32>,
    duration_sum: u32,
    duration_count: u32,
    burn_rates: Vec<(u64, u32)>,
    budget_remaining: u32,
    alerts: Vec<u32>,
}

/// What the tick and the status endpoint share on one VM: the worker's view of the
/// global counters, as core sliding-window counts.
pub(super) struct Window {
    counters: status::SloCounters,
    last_good: u64,
    last_bad: u64,
}

thread_local! {
    /// Every SLO's window in this VM, oldest first. A reload puts a new configuration
    /// next to the one it replaces, which serves its open connections and ticks on
    /// until they have drained; two listeners may also carry the same spec.
    static WINDOWS: RefCell<Vec<(Slo, Weak<RefCell<Window>>)>> = const { RefCell::new(Vec::new()) };
}

/// The window of an SLO with exactly this definition if a live configuration has one:
/// an unchanged SLO keeps its history across a reload, and every configuration that
/// has it records into, and publishes from, the same window. Otherwise a new one.
fn shared_window(
    slo: &Slo,
    new: impl FnOnce() -> Result<Window, Status>,
) -> Result<Rc<RefCell<Window>>, Status> {
    WINDOWS.with(|cell| {
        let mut windows = cell.try_borrow_mut().map_err(|_| Status::InternalFailure)?;
        windows.retain(|(_, w)| w.strong_count() > 0);
        let same = windows.iter().rev().find(|(s, _)| s == slo);
        if let Some(window) = same.and_then(|(_, w)| w.upgrade()) {
            return Ok(window);
        }
        let window = Rc::new(RefCell::new(new()?));
        windows.push((slo.clone(), Rc::downgrade(&window)));
        Ok(window)
    })
}

/// Whether this window publishes the SLO's gauges: only the newest live definition of
/// an SLO does, so a changed SLO's gauges never alternate between the replaced
/// configuration's window and the new one while the old connections drain.
fn publishes(slo: &Slo, window: &Rc<RefCell<Window>>) -> bool {
    WINDOWS.with(|cell| {
        cell.try_borrow().is_ok_and(|windows| {
            windows
                .iter()
                .rev()
                .find(|(s, w)| s.name == slo.name && w.strong_count() > 0)
                .is_some_and(|(_, w)| Weak::ptr_eq(w, &Rc::downgrade(window)))
        })
    })
}

pub(super) struct Plugin {
    /// The SLOs the filter judges (request SLIs), with what judges them.
    pub(super) slos: Vec<(Slo, RequestSli, SloMetrics)>,
    /// Which of `slos` a request belongs to, found without asking each of them: it numbers
    /// the SLOs as `slos` lists them, both in the spec's order of request SLOs.
    pub(super) index: MatchIndex,
    /// Duration bucket bounds (ms), every latency threshold among them.
    pub(super) bounds: Vec<u32>,
    /// One per SLO, shared with other configurations of the VM that have the same SLO.
    pub(super) windows: Vec<Rc<RefCell<Window>>>,
    /// This worker's judged requests not yet added to Envoy's counters, per SLO: adding
    /// them on the tick saves two host calls per request.
    pub(super) pending: RefCell<Vec<Pending>>,
    pub(super) status: Option<StatusEndpoint>,
    /// Native counting: Envoy's access loggers count; `on_log` judges nothing.
    pub(super) counting: Counting,
    pub(super) errors: [u32; ErrorReason::ALL.len()],
    pub(super) vm_memory: u32,
}

/// Durations are counted per bucket in the VM too: no host call per request, and the
/// buckets are exact at every threshold (Envoy's own histograms are approximate).
#[derive(Default)]
pub(super) struct Pending {
    good: u64,
    bad: u64,
    excluded: u64,
    /// Requests per bucket (not cumulative), `+Inf` last.
    durations: Vec<u64>,
    duration_sum_ms: u64,
}

impl Pending {
    /// One judged request: its outcome and, unless excluded, its duration.
    pub(super) fn add(&mut self, outcome: Outcome, bucket: usize, duration_ms: u64) {
        match outcome {
            Outcome::Good => self.good += 1,
            Outcome::Bad => self.bad += 1,
            Outcome::Excluded => self.excluded += 1,
        }
        if outcome != Outcome::Excluded {
            self.durations[bucket] += 1;
            self.duration_sum_ms += duration_ms;
        }
    }
}

/// Which facts some of the SLOs look at: every read is a round trip into Envoy and
/// back (to allocate the copy), the filter's main cost per request.
#[derive(Clone, Copy, Default)]
pub(super) struct Needs {
    pub(super) route: bool,
    pub(super) method: bool,
    pub(super) authority: bool,
    pub(super) grpc: bool,
}

impl Needs {
    pub(super) fn add(&mut self, sli: &RequestSli) {
        let m = &sli.matcher;
        self.route |= !m.routes.is_empty();
        self.method |= !m.methods.is_empty();
        self.authority |= !m.virtual_hosts.is_empty();
        self.grpc |= !sli.bad.grpc_statuses.is_empty();
    }
}

fn define(kind: MetricType, name: &str) -> Result<u32, Status> {
    hostcalls::define_metric(kind, name)
}

impl Plugin {
    pub(super) fn new(config: FilterConfig) -> Result<Plugin, Status> {
        let mut errors = [0; ErrorReason::ALL.len()];
        for (slot, reason) in errors.iter_mut().zip(ErrorReason::ALL) {
            *slot = define(MetricType::Counter, &names::filter_errors(reason))?;
        }
        let vm_memory = define(MetricType::Gauge, names::VM_MEMORY)?;
        let mut slos = Vec::new();
        let mut windows = Vec::new();
        // Native counting without buckets: none are defined, rather than buckets that
        // stay zero.
        let bounds = match config.duration_buckets {
            true => slo_core::histogram::bucket_bounds(&config.spec),
            false => Vec::new(),
        };
        for (slo, sli) in config.spec.request_slos() {
            let n = slo.name.as_str();
            let metrics = SloMetrics {
                good: define(MetricType::Counter, &names::requests(n, Outcome::Good))?,
                bad: define(MetricType::Counter, &names::requests(n, Outcome::Bad))?,
                excluded: define(MetricType::Counter, &names::excluded(n))?,
                duration_buckets: bounds
                    .iter()
                    .map(|&b| Some(b))
                    .chain(config.duration_buckets.then_some(None))
                    .map(|le| define(MetricType::Counter, &names::duration_bucket(n, le)))
                    .collect::<Result<_, Status>>()?,
                duration_sum: define(MetricType::Counter, &names::duration_sum(n))?,
                duration_count: define(MetricType::Counter, &names::duration_count(n))?,
                burn_rates: slo_core::alerts::tier_windows(&slo.alerts)
                    .into_iter()
                    .map(|w| Ok((w, define(MetricType::Gauge, &names::burn_rate(n, w))?)))
                    .collect::<Result<_, Status>>()?,
                budget_remaining: define(MetricType::Gauge, &names::budget_remaining(n))?,
                alerts: slo
                    .alerts
                    .iter()
                    .map(|t| define(MetricType::Gauge, &names::alert_active(n, t)))
                    .collect::<Result<_, Status>>()?,
            };
            // Counts from before a new window (a reload keeps Envoy's counters)
            // happened at unknown times: they are the baseline, not new events.
            windows.push(shared_window(slo, || {
                Ok(Window {
                    counters: status::SloCounters::new(slo),
                    last_good: host::get_metric(metrics.good)?,
                    last_bad: host::get_metric(metrics.bad)?,
                })
            })?);
            slos.push((slo.clone(), sli.clone(), metrics));
        }
        let pending = RefCell::new(
            slos.iter()
                .map(|_| Pending {
                    durations: vec![0; bounds.len() + 1],
                    ..Pending::default()
                })
                .collect(),
        );
        Ok(Plugin {
            index: MatchIndex::new(&config.spec),
            slos,
            bounds,
            pending,
            windows,
            status: config.status,
            counting: config.counting,
            errors,
            vm_memory,
        })
    }

    pub(super) fn error(&self, reason: ErrorReason) {
        let id = self.errors[reason as usize];
        let _ = host::increment_metric(id, 1);
    }

    /// The clock, or None (counted) when the host cannot say: then nothing is recorded,
    /// rather than events at the wrong time.
    pub(super) fn now(&self) -> Option<u64> {
        host::now_nanos()
            .map(|ns| ns / 1_000_000_000)
            .map_err(|_| self.error(ErrorReason::HostCall))
            .ok()
    }

    /// Adds this worker's pending counts to Envoy's global counters.
    pub(super) fn flush(&self) {
        let Ok(mut pending) = self.pending.try_borrow_mut() else {
            self.error(ErrorReason::Metric);
            return;
        };
        for ((_, _, metrics), counts) in self.slos.iter().zip(pending.iter_mut()) {
            for (id, count) in [
                (metrics.good, &mut counts.good),
                (metrics.bad, &mut counts.bad),
                (metrics.excluded, &mut counts.excluded),
                (metrics.duration_sum, &mut counts.duration_sum_ms),
            ] {
                self.add(id, count);
            }
            // Prometheus buckets are cumulative: each bound counts every shorter request.
            // A failed increment of one bucket cannot be retried without counting the
            // others twice: it is lost and counted as a filter error.
            let mut below = 0;
            for (&id, in_bucket) in metrics.duration_buckets.iter().zip(&mut counts.durations) {
                below += std::mem::take(in_bucket);
                self.add(id, &mut below.clone());
            }
            self.add(metrics.duration_count, &mut below);
        }
    }

    /// Adds `count` to a counter and zeroes it; on failure it stays for the next tick.
    pub(super) fn add(&self, id: u32, count: &mut u64) {
        if *count == 0 {
            return;
        }
        match host::increment_metric(id, i64::try_from(*count).unwrap_or(i64::MAX)) {
            Ok(()) => *count = 0,
            Err(_) => self.error(ErrorReason::Metric),
        }
    }

    /// Flushes this worker's counts, feeds the change of the global counters since the
    /// last read into this VM's sliding counts, then returns every SLO's status.
    /// Every SLO's status at `now`, with the events Envoy's counters hold for it (since the
    /// proxy started).
    pub(super) fn refresh(&self, now: u64) -> Vec<(status::SloStatus, Counts)> {
        self.flush();
        let mut out = Vec::with_capacity(self.slos.len());
        for ((slo, _, metrics), window) in self.slos.iter().zip(&self.windows) {
            let Ok(mut window) = window.try_borrow_mut() else {
                self.error(ErrorReason::StatusEndpoint);
                return Vec::new();
            };
            match (
                host::get_metric(metrics.good),
                host::get_metric(metrics.bad),
            ) {
                (Ok(good), Ok(bad)) => {
                    let new_good = good.saturating_sub(window.last_good);
                    let new_bad = bad.saturating_sub(window.last_bad);
                    // Zeros too: a quiet tick still ends time slices.
                    window.counters.record(
                        now,
                        u32::try_from(new_good).unwrap_or(u32::MAX),
                        u32::try_from(new_bad).unwrap_or(u32::MAX),
                    );
                    window.last_good = good;
                    window.last_bad = bad;
                }
                _ => self.error(ErrorReason::Metric),
            }
            let since_start = Counts {
                good: window.last_good,
                bad: window.last_bad,
            };
            out.push((status::evaluate(slo, &window.counters, now), since_start));
        }
        out
    }

    pub(super) fn publish(&self, statuses: &[(status::SloStatus, Counts)]) {
        const PAGE: u64 = 65_536;
        let pages = core::arch::wasm32::memory_size::<0>() as u64;
        if host::record_metric(self.vm_memory, pages * PAGE).is_err() {
            self.error(ErrorReason::Metric);
        }
        for (((slo, _, metrics), window), (state, _)) in
            self.slos.iter().zip(&self.windows).zip(statuses)
        {
            if !publishes(slo, window) {
                continue;
            }
            let mut results = Vec::with_capacity(metrics.burn_rates.len() + 4);
            for (window, rate) in &state.burn_rates {
                if let Some((_, id)) = metrics.burn_rates.iter().find(|(w, _)| w == window) {
                    results.push(host::record_metric(*id, names::milli(*rate)));
                }
            }
            results.push(host::record_metric(
                metrics.budget_remaining,
                names::milli(state.budget_remaining),
            ));
            for (id, tier) in metrics.alerts.iter().zip(&state.tiers) {
                results.push(host::record_metric(*id, u64::from(tier.active)));
            }
            if results.iter().any(Result::is_err) {
                self.error(ErrorReason::Metric);
            }
        }
    }
}
