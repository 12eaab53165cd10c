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
pub mod names;
pub mod options;

#[cfg(target_arch = "wasm32")]
mod shell {
    use crate::host;
    use crate::names::{self, ErrorReason};
    use crate::options::{Counting, FilterConfig, StatusEndpoint};
    use proxy_wasm::hostcalls;
    use proxy_wasm::traits::{Context, HttpContext, RootContext};
    use proxy_wasm::types::{Action, ContextType, LogLevel, MapType, MetricType, Status};
    use slo_core::classify::{Outcome, RequestFacts, ResponseFacts};
    use slo_core::spec::{RequestSli, Slo};
    use slo_core::{results, status};
    use std::cell::RefCell;
    use std::rc::{Rc, Weak};
    use std::time::Duration;

    proxy_wasm::main! {{
        proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root { plugin: None }) });
    }}

    /// Metric ids of one SLO, defined once per VM at configuration.
    struct SloMetrics {
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
    struct Window {
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

    struct Plugin {
        /// The SLOs the filter judges (request SLIs), with what judges them.
        slos: Vec<(Slo, RequestSli, SloMetrics)>,
        /// Duration bucket bounds (ms), every latency threshold among them.
        bounds: Vec<u32>,
        /// One per SLO, shared with other configurations of the VM that have the same SLO.
        windows: Vec<Rc<RefCell<Window>>>,
        /// This worker's judged requests not yet added to Envoy's counters, per SLO: adding
        /// them on the tick saves two host calls per request.
        pending: RefCell<Vec<Pending>>,
        status: Option<StatusEndpoint>,
        /// Native counting: Envoy's access loggers count; `on_log` judges nothing.
        counting: Counting,
        errors: [u32; ErrorReason::ALL.len()],
        vm_memory: u32,
    }

    /// Durations are counted per bucket in the VM too: no host call per request, and the
    /// buckets are exact at every threshold (Envoy's own histograms are approximate).
    #[derive(Default)]
    struct Pending {
        good: u64,
        bad: u64,
        excluded: u64,
        /// Requests per bucket (not cumulative), `+Inf` last.
        durations: Vec<u64>,
        duration_sum_ms: u64,
    }

    /// Which facts some of the SLOs look at: every read is a round trip into Envoy and
    /// back (to allocate the copy), the filter's main cost per request.
    #[derive(Clone, Copy, Default)]
    struct Needs {
        route: bool,
        method: bool,
        authority: bool,
        grpc: bool,
    }

    impl Needs {
        fn add(&mut self, sli: &RequestSli) {
            let m = &sli.matcher;
            self.route |= !m.routes.is_empty();
            self.method |= !m.methods.is_empty();
            self.authority |= !m.virtual_hosts.is_empty();
            self.grpc |= !sli.bad.grpc_statuses.is_empty();
        }
    }

    struct Root {
        plugin: Option<Rc<Plugin>>,
    }

    fn log(level: LogLevel, message: &str) {
        let _ = hostcalls::log(level, message);
    }

    fn define(kind: MetricType, name: &str) -> Result<u32, Status> {
        hostcalls::define_metric(kind, name)
    }

    impl Plugin {
        fn new(config: FilterConfig) -> Result<Plugin, Status> {
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

        fn error(&self, reason: ErrorReason) {
            let id = self.errors[reason as usize];
            let _ = host::increment_metric(id, 1);
        }

        /// The clock, or None (counted) when the host cannot say: then nothing is recorded,
        /// rather than events at the wrong time.
        fn now(&self) -> Option<u64> {
            host::now_nanos()
                .map(|ns| ns / 1_000_000_000)
                .map_err(|_| self.error(ErrorReason::HostCall))
                .ok()
        }

        /// Adds this worker's pending counts to Envoy's global counters.
        fn flush(&self) {
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
        fn add(&self, id: u32, count: &mut u64) {
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
        fn refresh(&self, now: u64) -> Vec<status::SloStatus> {
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
                out.push(status::evaluate(slo, &window.counters, now));
            }
            out
        }

        fn publish(&self, statuses: &[status::SloStatus]) {
            const PAGE: u64 = 65_536;
            let pages = core::arch::wasm32::memory_size::<0>() as u64;
            if host::record_metric(self.vm_memory, pages * PAGE).is_err() {
                self.error(ErrorReason::Metric);
            }
            for (((slo, _, metrics), window), state) in
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

    impl Context for Root {
        /// Envoy retires this configuration (a reload replaced it and its connections have
        /// drained, or Envoy stops): the requests judged since the last tick would be lost
        /// with it, so they go to Envoy's counters now, where the new configuration reads them.
        fn on_done(&mut self) -> bool {
            if let Some(plugin) = &self.plugin {
                plugin.flush();
            }
            true
        }
    }

    impl RootContext for Root {
        fn on_configure(&mut self, _size: usize) -> bool {
            let bytes = match hostcalls::get_buffer(
                proxy_wasm::types::BufferType::PluginConfiguration,
                0,
                usize::MAX,
            ) {
                Ok(Some(bytes)) => bytes,
                _ => {
                    log(LogLevel::Error, "slo-filter: configuration rejected: the filter needs a configuration: {\"spec\": {...}}");
                    return false;
                }
            };
            let text = String::from_utf8_lossy(&bytes);
            let config = match FilterConfig::from_json(&text) {
                Ok(config) => config,
                Err(errors) => {
                    for error in &errors {
                        log(
                            LogLevel::Error,
                            &format!("slo-filter: configuration rejected: {error}"),
                        );
                    }
                    return false;
                }
            };
            let tick = config.tick_seconds;
            let count = config.spec.request_slos().count();
            let counting = config.counting.as_str();
            let not_judged: Vec<String> = config
                .spec
                .slos()
                .filter(|slo| slo.sli.request().is_none())
                .map(|slo| {
                    format!(
                        "slo-filter: SLO {} is not judged here: its SLI is Prometheus series, for slo rules",
                        slo.name
                    )
                })
                .collect();
            match Plugin::new(config) {
                Ok(plugin) => self.plugin = Some(Rc::new(plugin)),
                Err(status) => {
                    log(
                        LogLevel::Error,
                        &format!("slo-filter: configuration rejected: defining metrics failed: {status:?}"),
                    );
                    return false;
                }
            }
            if hostcalls::set_tick_period(Duration::from_secs(tick)).is_err() {
                log(
                    LogLevel::Error,
                    "slo-filter: configuration rejected: the tick timer could not be set",
                );
                return false;
            }
            // Said once, here: the filter has nothing to do for these on any request.
            for message in &not_judged {
                log(LogLevel::Info, message);
            }
            log(
                LogLevel::Info,
                &format!(
                    "slo-filter: configured {count} SLOs, tick every {tick}s, {counting} counting"
                ),
            );
            true
        }

        fn on_tick(&mut self) {
            if let Some(plugin) = &self.plugin {
                if let Some(now) = plugin.now() {
                    let statuses = plugin.refresh(now);
                    plugin.publish(&statuses);
                }
            }
        }

        fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
            let plugin = self.plugin.clone()?;
            Some(Box::new(Request {
                plugin,
                answered: false,
                path: None,
                started_ns: None,
            }))
        }

        fn get_type(&self) -> Option<ContextType> {
            Some(ContextType::HttpContext)
        }
    }

    struct Request {
        plugin: Rc<Plugin>,
        /// The filter answered this request itself (status endpoint): not an SLI event.
        answered: bool,
        /// `:path` as read for the status endpoint, kept so `on_log` need not read it again.
        path: Option<String>,
        /// When the request's headers reached the filter (Unix nanoseconds).
        started_ns: Option<u64>,
    }

    impl Context for Request {}

    fn header(map: MapType, name: &str) -> Result<Option<String>, Status> {
        host::header_value(map, name)
            .map(|v| v.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// An integer property (Envoy encodes them as 8 little-endian bytes).
    fn int_property(path: &[&str]) -> Result<Option<i64>, Status> {
        match host::property(path)? {
            None => Ok(None),
            Some(bytes) => match <[u8; 8]>::try_from(bytes.as_slice()) {
                Ok(raw) => Ok(Some(i64::from_le_bytes(raw))),
                Err(_) => Err(Status::SerializationFailure),
            },
        }
    }

    fn route_name() -> Result<Option<String>, Status> {
        Ok(host::property(&["xds", "route_name"])?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The `:status` sent downstream (0 when none was: the stream was reset) and, for a gRPC
    /// response when some SLO judges gRPC, its gRPC status: from the trailers, or from the
    /// headers of a trailers-only response (as Envoy's own local replies send it). One read
    /// of the response headers serves all three; without gRPC, reading `:status` alone
    /// copies less.
    fn response_status(grpc: bool) -> Result<(u16, Option<u8>), Status> {
        let parse_status = |v: &[u8]| std::str::from_utf8(v).ok()?.parse().ok();
        if !grpc {
            let status = host::header_value(MapType::HttpResponseHeaders, ":status")?;
            return Ok((status.as_deref().and_then(parse_status).unwrap_or(0), None));
        }
        let encoded = host::header_pairs(MapType::HttpResponseHeaders)?;
        let headers = host::decode_pairs(&encoded).ok_or(Status::SerializationFailure)?;
        let value = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name.as_bytes())
                .map(|(_, v)| *v)
        };
        let status = value(":status").and_then(parse_status).unwrap_or(0);
        if !value("content-type").is_some_and(|ct| ct.starts_with(b"application/grpc")) {
            return Ok((status, None));
        }
        let code = match header(MapType::HttpResponseTrailers, "grpc-status")? {
            Some(code) => Some(code),
            None => value("grpc-status").map(|v| String::from_utf8_lossy(v).into_owned()),
        };
        Ok((
            status,
            code.and_then(|c| c.trim().parse::<u8>().ok())
                .filter(|c| *c <= 16),
        ))
    }

    fn send_response(status: u32, headers: &[(&str, &str)], body: &[u8]) -> Result<(), Status> {
        host::send_local_response(status, "slo_status_endpoint", headers, body)
    }

    impl Request {
        /// `:path`: kept from the status endpoint's check, or read now.
        fn path(&mut self) -> Result<String, Status> {
            match self.path.take() {
                Some(path) => Ok(path),
                None => Ok(header(MapType::HttpRequestHeaders, ":path")?.unwrap_or_default()),
            }
        }

        /// Milliseconds since the request's headers reached the filter: two reads of the
        /// clock cost less than the `request.duration` property (a lookup and a copy into
        /// the VM). Requests the filter never saw start (a local reply to a malformed one)
        /// fall back to the property.
        fn duration_ms(&self) -> Result<u64, ErrorReason> {
            let elapsed_ns = match self.started_ns {
                Some(start) => host::now_nanos()
                    .map_err(|_| ErrorReason::HostCall)?
                    .saturating_sub(start),
                None => int_property(&["request", "duration"])
                    .map_err(|_| ErrorReason::HostCall)?
                    .and_then(|ns| u64::try_from(ns).ok())
                    .ok_or(ErrorReason::ResponseFacts)?,
            };
            Ok(elapsed_ns / 1_000_000)
        }

        fn count(&mut self) -> Result<(), ErrorReason> {
            let path = self.path().map_err(|_| ErrorReason::HostCall)?;
            let plugin = Rc::clone(&self.plugin);
            // The path rules most SLOs out; the other facts are read only for those left.
            let mut needs = None;
            for (_, sli, _) in &plugin.slos {
                if sli.matcher.path_matches(&path) {
                    needs.get_or_insert_with(Needs::default).add(sli);
                }
            }
            let Some(needs) = needs else {
                return Ok(());
            };
            let request_header = |name, needed| -> Result<String, ErrorReason> {
                Ok(if needed {
                    header(MapType::HttpRequestHeaders, name)
                        .map_err(|_| ErrorReason::HostCall)?
                        .unwrap_or_default()
                } else {
                    String::new()
                })
            };
            let method = request_header(":method", needs.method)?;
            let authority = request_header(":authority", needs.authority)?;
            let route = if needs.route {
                route_name().map_err(|_| ErrorReason::HostCall)?
            } else {
                None
            };
            let request = RequestFacts {
                route: route.as_deref(),
                authority: &authority,
                path: &path,
                method: &method,
            };
            let mut matched = plugin
                .slos
                .iter()
                .enumerate()
                .filter(|(_, (_, sli, _))| sli.matches(&request))
                .peekable();
            if matched.peek().is_none() {
                return Ok(());
            }
            let (status, grpc_status) =
                response_status(needs.grpc).map_err(|_| ErrorReason::HostCall)?;
            let response = ResponseFacts {
                status,
                grpc_status,
                duration_ms: self.duration_ms()?,
            };
            let Ok(mut pending) = plugin.pending.try_borrow_mut() else {
                return Err(ErrorReason::Metric);
            };
            let bucket = slo_core::histogram::bucket_index(&plugin.bounds, response.duration_ms);
            for (i, (_, sli, _)) in matched {
                let outcome = sli.judge(&path, &response);
                let counts = &mut pending[i];
                match outcome {
                    Outcome::Good => counts.good += 1,
                    Outcome::Bad => counts.bad += 1,
                    Outcome::Excluded => counts.excluded += 1,
                }
                if outcome != Outcome::Excluded {
                    counts.durations[bucket] += 1;
                    counts.duration_sum_ms += response.duration_ms;
                }
            }
            Ok(())
        }

        /// Answers the status endpoint; Err when no response could be sent.
        fn answer_status(&self, endpoint: &StatusEndpoint, method: &str) -> Result<(), Status> {
            let mut headers: Vec<(&str, &str)> = vec![("cache-control", "no-store")];
            if let Some(origin) = &endpoint.cors_origin {
                headers.push(("access-control-allow-origin", origin));
                headers.push(("vary", "origin"));
            }
            if method == "OPTIONS" {
                if endpoint.cors_origin.is_some() {
                    headers.push(("access-control-allow-methods", "GET, OPTIONS"));
                    headers.push(("access-control-allow-headers", "authorization"));
                    headers.push(("access-control-max-age", "600"));
                }
                return send_response(204, &headers, b"");
            }
            if method != "GET" && method != "HEAD" {
                headers.push(("allow", "GET, OPTIONS"));
                return send_response(405, &headers, b"status endpoint: use GET\n");
            }
            if let Some(token) = &endpoint.bearer_token {
                let given = header(MapType::HttpRequestHeaders, "authorization")?;
                let presented = given.as_deref().and_then(|v| v.strip_prefix("Bearer "));
                if !presented.is_some_and(|p| same_token(p.as_bytes(), token.as_bytes())) {
                    headers.push(("www-authenticate", "Bearer"));
                    return send_response(
                        401,
                        &headers,
                        b"status endpoint: bearer token required\n",
                    );
                }
            }
            let now = self.plugin.now().ok_or(Status::InternalFailure)?;
            let statuses = self.plugin.refresh(now);
            let body = results::Status {
                generated_at_seconds: now,
                slos: self
                    .plugin
                    .slos
                    .iter()
                    .zip(&statuses)
                    .map(|((slo, _, _), state)| results::SloState::new(slo, state))
                    .collect(),
            };
            let text = serde_json::to_string(&results::to_json(&body))
                .map_err(|_| Status::SerializationFailure)?;
            headers.push(("content-type", "application/json"));
            send_response(200, &headers, text.as_bytes())
        }
    }

    /// Token comparison whose time does not depend on where the first difference is.
    fn same_token(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    // Envoy calls only the callbacks the built module exports (crates/slo-filter/exports.json,
    // applied by tests/envoy/build.sh): a callback implemented here must be listed there.
    impl HttpContext for Request {
        fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
            self.started_ns = host::now_nanos().ok();
            let Some(endpoint) = &self.plugin.status else {
                return Action::Continue;
            };
            let path = match header(MapType::HttpRequestHeaders, ":path") {
                Ok(path) => path.unwrap_or_default(),
                Err(_) => {
                    self.plugin.error(ErrorReason::HostCall);
                    return Action::Continue;
                }
            };
            let is_status = path.split('?').next() == Some(endpoint.path.as_str());
            self.path = Some(path);
            if !is_status {
                return Action::Continue;
            }
            let method = header(MapType::HttpRequestHeaders, ":method")
                .ok()
                .flatten()
                .unwrap_or_default();
            match self.answer_status(endpoint, &method) {
                Ok(()) => {
                    self.answered = true;
                    Action::Pause
                }
                Err(_) => {
                    self.plugin.error(ErrorReason::StatusEndpoint);
                    Action::Continue
                }
            }
        }

        fn on_log(&mut self) {
            if self.answered || self.plugin.counting == Counting::Native {
                return;
            }
            if let Err(reason) = self.count() {
                self.plugin.error(reason);
            }
        }
    }
}
