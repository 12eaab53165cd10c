//! `slo backtest`: a history file in, the core's backtest out, as tables and the
//! recommendation for people or, with `--json`, as the result itself (docs/results.md).

use crate::args::Args;
use crate::http::BaseUrl;
use crate::{file, finish, pretty, read_spec, table, window_arg, Failure};
use slo_core::alerts::AlertTier;
use slo_core::backtest::{
    answer_error, answer_is_empty, history_queries, parse_incidents, parse_max_pages,
    parse_targets, plan_range_queries, run, Backtest, EventKind, History, RangeQuery,
    DEFAULT_MAX_PAGES_PER_30D, DEFAULT_RANGE_SECONDS, DEFAULT_STEP_SECONDS,
};
use slo_core::duration::parse_duration;
use slo_core::results::{self, Backtest as Result_};
use slo_core::spec::{Budgeting, Slo};
use slo_core::window::{parse_utc, Window};

pub const USAGE: &str = "\
  backtest HISTORY.csv --targets T,T,... (--window W | --spec SPEC --slo NAME)
           [--incidents START..END,...] [--max-pages N] [--json]
  backtest (--good FILE | --bad FILE) --total FILE ...
  backtest --prometheus http://HOST:PORT --spec SPEC --slo NAME --targets T,...
           [--start TIME] [--end TIME] [--step 1m]
  backtest --status FILE --slo NAME --targets T,... (--window W | --spec SPEC) [--step 1m]
                                      what candidate targets would have meant over a
                                      history: CSV rows timestamp,good,bad, Prometheus
                                      query_range answers of events per step, the
                                      SLO's own series read from a Prometheus server
                                      (plain http; default the last 90 days), or the
                                      filter's status reports saved over time";

const OPTIONS: [(&str, bool); 4] = [
    ("targets", true),
    ("incidents", true),
    ("max-pages", true),
    ("json", false),
];

/// Where a history comes from, and the SLO's window: `slo backtest` and `slo report` read
/// them alike.
pub(crate) const HISTORY_OPTIONS: [(&str, bool); 11] = [
    ("window", true),
    ("spec", true),
    ("slo", true),
    ("good", true),
    ("bad", true),
    ("total", true),
    ("prometheus", true),
    ("status", true),
    ("start", true),
    ("end", true),
    ("step", true),
];
pub fn backtest(raw: &[String]) -> Result<String, Failure> {
    let options: Vec<_> = OPTIONS.iter().chain(&HISTORY_OPTIONS).copied().collect();
    let mut args = Args::parse("backtest", raw, &options);
    let targets = args.required(
        "targets",
        "candidate targets such as 99.5,99.9,99.95",
        parse_targets,
    );
    let max_pages = args.optional("max-pages", parse_max_pages);
    let incidents = args.optional("incidents", parse_incidents);
    let slo = spec_slo(&mut args)?;
    let window_and_tiers = window_and_tiers(&mut args, slo.as_ref());
    let source = history_source(&mut args, slo.as_ref().map(|(slo, _)| slo));
    let read = targets.zip(window_and_tiers).zip(source);
    let ((targets, (window, tiers, _)), source) = finish(&args, read)?;
    let history = source.read(args.command())?;

    let backtest = Backtest {
        targets,
        window,
        tiers,
        incidents: incidents.unwrap_or_default(),
        max_pages_per_30d: max_pages.unwrap_or(DEFAULT_MAX_PAGES_PER_30D),
    };
    let errors = backtest.validate(&history);
    if !errors.is_empty() {
        let flag = |path: &str| match path.split(['[', '.']).next().unwrap_or_default() {
            "targets" => "--targets",
            "incidents" => "--incidents",
            "max_pages_per_30d" => "--max-pages",
            "tiers" => "the tiers",
            _ => "--window",
        };
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "slo backtest: {} ({}): {}",
                    flag(&e.path),
                    e.path,
                    e.message
                )
            })
            .collect();
        return Err(Failure::Usage(lines.join("\n")));
    }
    let result = Result_::new(&backtest, &run(&backtest, &history));
    Ok(if args.flag("json") {
        pretty(&results::to_json(&result))
    } else {
        text(&result)
    })
}

/// The SLO window, its tiers, and the SLO's name (`service/slo`) when it is from a spec.
pub(crate) type SloWindow = (Window, Vec<AlertTier>, Option<String>);

/// `--window` with the default tiers, or the window and tiers of the SLO from `--spec`.
/// `slo report` reads them the same way.
pub(crate) fn window_and_tiers(args: &mut Args, slo: Option<&SpecSlo>) -> Option<SloWindow> {
    if let Some((slo, label)) = slo {
        return Some((slo.window.clone(), slo.alerts.clone(), Some(label.clone())));
    }
    // A wrong --spec/--slo said so already; --prometheus asks for them. With --status and
    // no --spec, --slo names the SLO in the reports and --window is needed.
    let slo_of_spec = args.value("slo").is_some() && args.value("status").is_none();
    if slo_of_spec
        || ["spec", "prometheus"]
            .iter()
            .any(|o| args.value(o).is_some())
    {
        return None;
    }
    let window = args.required("window", Window::ALLOWED, window_arg);
    let tiers = window.as_ref().and_then(|w| {
        AlertTier::defaults_for(w.nominal_seconds(), None, None)
            .map_err(|refused| args.problem(format!("--window: {refused}")))
            .ok()
    });
    window
        .zip(tiers)
        .map(|(window, tiers)| (window, tiers, None))
}

/// An SLO from `--spec`/`--slo`, with its name as `service/slo`.
pub(crate) type SpecSlo = (Slo, String);

/// The SLO named by `--spec`/`--slo`: its window and tiers, and its series for
/// `--prometheus`. None (with a problem filed when one was wrong) without them.
pub(crate) fn spec_slo(args: &mut Args) -> Result<Option<SpecSlo>, Failure> {
    let spec_path = args.value("spec").map(str::to_string);
    let slo_name = args.value("slo").map(str::to_string);
    // With --status, --slo alone names the SLO in the saved reports.
    if spec_path.is_none() && (slo_name.is_none() || args.value("status").is_some()) {
        return Ok(None);
    }
    if args.value("window").is_some() {
        args.problem("--window cannot be combined with --spec: the SLO's window is used");
    }
    let (Some(path), Some(name)) = (spec_path, slo_name) else {
        args.problem("--spec and --slo go together: the SLO whose window and tiers to use");
        return Ok(None);
    };
    let spec = read_spec(args.command(), &path)?.map_err(Failure::Invalid)?;
    let Some(slo) = spec.slos().find(|s| s.name == name) else {
        let names: Vec<&str> = spec.slos().map(|s| s.name.as_str()).collect();
        args.problem(format!(
            "--slo: {path} has no SLO {name:?}; allowed: {}",
            names.join(", ")
        ));
        return Ok(None);
    };
    if slo.budgeting != Budgeting::Occurrences {
        args.problem(format!(
            "--slo: {name} budgets time slices; allowed: an SLO that budgets events (the backtest counts events, not slices)"
        ));
        return Ok(None);
    }
    let service = spec.services.iter().find(|s| s.slos.contains(slo));
    let label = service.map_or(name.clone(), |s| format!("{}/{name}", s.name));
    Ok(Some((slo.clone(), label)))
}

pub(crate) enum Source {
    Csv(String),
    Prometheus {
        events: String,
        kind: EventKind,
        total: String,
    },
    /// The filter's status reports saved over time, for one SLO, in steps of `step`.
    Status {
        path: String,
        slo: String,
        step: u64,
    },
    /// The SLO's series read from a Prometheus server, query by query.
    Server {
        url: String,
        base: BaseUrl,
        queries: slo_core::backtest::HistoryQueries,
        plan: Vec<RangeQuery>,
    },
}

pub(crate) fn history_source(args: &mut Args, slo: Option<&Slo>) -> Option<Source> {
    if args.value("prometheus").is_some() {
        return server_source(args, slo);
    }
    if args.value("status").is_some() {
        return status_source(args);
    }
    for (option, goes_with) in [
        ("start", "--prometheus"),
        ("end", "--prometheus"),
        ("step", "--prometheus or --status"),
    ] {
        if args.value(option).is_some() {
            args.problem(format!(
                "--{option} goes with {goes_with}: a file holds its own range"
            ));
        }
    }
    let csv = args.positionals.first().cloned();
    let (good, bad, total) = (
        args.value("good").map(str::to_string),
        args.value("bad").map(str::to_string),
        args.value("total").map(str::to_string),
    );
    if args.positionals.len() > 1 {
        args.problem(format!(
            "give one history file; got {}",
            args.positionals.join(" ")
        ));
    }
    match (csv, good, bad, total) {
        (Some(csv), None, None, None) => Some(Source::Csv(csv)),
        (None, Some(events), None, Some(total)) => Some(Source::Prometheus {
            events,
            kind: EventKind::Good,
            total,
        }),
        (None, None, Some(events), Some(total)) => Some(Source::Prometheus {
            events,
            kind: EventKind::Bad,
            total,
        }),
        _ => {
            args.problem("give the history: one CSV file of timestamp,good,bad rows, --good FILE or --bad FILE with --total FILE (Prometheus query_range answers), --prometheus URL, or --status FILE (saved status reports)");
            None
        }
    }
}

/// `--step` (default one minute): the history's step read from a server or saved reports.
fn step_arg(args: &mut Args) -> u64 {
    args.optional("step", |text| {
        parse_duration(text).map_err(|e| e.to_string())
    })
    .unwrap_or(DEFAULT_STEP_SECONDS)
}

/// `--status FILE`: the status reports of `--slo`, in steps of `--step`.
fn status_source(args: &mut Args) -> Option<Source> {
    if !args.positionals.is_empty()
        || ["good", "bad", "total", "start", "end"]
            .iter()
            .any(|o| args.value(o).is_some())
    {
        args.problem("--status reads the history from saved status reports: give no history file, --good, --bad, --total, --start or --end with it");
    }
    let step = step_arg(args);
    let Some(slo) = args.value("slo").map(str::to_string) else {
        args.problem("--status needs --slo: the SLO of the reports to read");
        return None;
    };
    Some(Source::Status {
        path: args.value("status").unwrap_or_default().to_string(),
        slo,
        step,
    })
}

/// `--prometheus URL` with the SLO's queries, over `--start`..`--end` (default the last 90
/// days ending now) at `--step`.
fn server_source(args: &mut Args, slo: Option<&Slo>) -> Option<Source> {
    if !args.positionals.is_empty()
        || ["good", "bad", "total"]
            .iter()
            .any(|o| args.value(o).is_some())
    {
        args.problem("--prometheus reads the history from the server: give no history file, --good, --bad or --total with it");
    }
    let url = args.value("prometheus").unwrap_or_default().to_string();
    let base = args.optional("prometheus", BaseUrl::parse);
    let step = step_arg(args);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let end = args.optional("end", parse_utc).unwrap_or(now);
    let start = args
        .optional("start", parse_utc)
        .unwrap_or(end.saturating_sub(DEFAULT_RANGE_SECONDS));
    let plan = plan_range_queries(start, end, step)
        .map_err(|e| args.problem(format!("--start {start} --end {end} --step {step}s: {e}")))
        .ok();
    let Some(slo) = slo else {
        if args.value("spec").is_none() && args.value("slo").is_none() {
            args.problem("--prometheus needs --spec and --slo: the SLO whose series to read");
        }
        return None;
    };
    let queries = history_queries(slo, step)
        .map_err(|e| args.problem(format!("--slo: {e}")))
        .ok();
    let ((base, queries), plan) = base.zip(queries).zip(plan)?;
    Some(Source::Server {
        url,
        base,
        queries,
        plan,
    })
}

/// Every answer of one query over the plan, one after another, as the Prometheus reader
/// takes them; an unreachable server, a refusal or no series at all is one line naming
/// the query.
fn fetch_all(
    url: &str,
    base: &BaseUrl,
    name: &str,
    query: &str,
    plan: &[RangeQuery],
) -> Result<String, Failure> {
    let fail = |what: String| {
        Failure::Invalid(format!(
            "slo backtest: --prometheus {url}: the {name} query {what}\n  query: {}\n",
            query.replace('\n', " ")
        ))
    };
    let mut answers = String::new();
    let mut any_series = false;
    for range in plan {
        let (status, body) = base
            .get(&range.path(query))
            .map_err(|e| fail(format!("failed: {e}")))?;
        if let Some(error) = answer_error(&body) {
            return Err(fail(format!("was refused (HTTP {status}): {error}")));
        }
        if status != 200 {
            let start = body.chars().take(200).collect::<String>();
            return Err(fail(format!("got HTTP {status}: {}", start.trim())));
        }
        any_series |= !answer_is_empty(&body);
        answers += &body;
        answers.push('\n');
    }
    if !any_series {
        let (first, last) = (plan[0].first, plan[plan.len() - 1].last);
        return Err(fail(format!(
            "returned no series from {first} to {last} (Unix seconds); allowed: a query that matches series in the range (check the SLO's name and the range)"
        )));
    }
    Ok(answers)
}

impl Source {
    /// What the history is called in a report's header: the file's name (not its path:
    /// the browser knows only the name, and both print the same report), or the server.
    pub(crate) fn name(&self) -> String {
        let file_name = |path: &str| {
            std::path::Path::new(path)
                .file_name()
                .map_or(path.to_string(), |name| name.to_string_lossy().into_owned())
        };
        match self {
            Source::Csv(path) | Source::Status { path, .. } => file_name(path),
            Source::Prometheus { events, total, .. } => {
                format!("{} and {}", file_name(events), file_name(total))
            }
            Source::Server { url, .. } => url.clone(),
        }
    }

    pub(crate) fn read(&self, command: &str) -> Result<History, Failure> {
        let invalid = |errors: Vec<slo_core::decode::FieldError>, label: &str| {
            Failure::Invalid(errors.iter().map(|e| format!("{label}: {e}\n")).collect())
        };
        match self {
            Source::Csv(path) => {
                History::from_csv(&file(command, path)?).map_err(|e| invalid(e, path))
            }
            Source::Prometheus {
                events,
                kind,
                total,
            } => {
                let label = format!("--{} {events} --total {total}", kind.as_str());
                History::from_prometheus(&file(command, events)?, *kind, &file(command, total)?)
                    .map_err(|e| invalid(e, &label))
            }
            Source::Status { path, slo, step } => {
                History::from_status_reports(&file(command, path)?, slo, *step)
                    .map_err(|e| invalid(e, &format!("--status {path}")))
            }
            Source::Server {
                url,
                base,
                queries,
                plan,
            } => {
                let kind = queries.events_are;
                let events = fetch_all(url, base, kind.as_str(), &queries.events, plan)?;
                let total = fetch_all(url, base, "total", &queries.total, plan)?;
                History::from_prometheus(&events, kind, &total)
                    .map_err(|e| invalid(e, &format!("--prometheus {url}")))
            }
        }
    }
}

fn text(r: &Result_) -> String {
    let mut out = format!(
        "history: {} of {} steps, gaps {}; window {}\n",
        r.history_text, r.step, r.gap_text, r.window_text
    );
    if let Some(worst) = r.daily_sli.first() {
        let median = r.daily_sli.last().map_or("-", |p| p.sli_text.as_str());
        out += &format!(
            "daily SLI over {} days: worst {}, median {}\n",
            r.days, worst.sli_text, median
        );
    }
    for gap in &r.gaps {
        out += &format!("gap (no samples, not counted): {}\n", gap.text);
    }
    out += "\n";
    let yes_no = |met: Option<bool>| match met {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "no full window".to_string(),
    };
    let rows: Vec<Vec<String>> = r
        .targets
        .iter()
        .map(|t| {
            vec![
                t.target_text.clone(),
                table::cell(&t.sli_text),
                yes_no(t.met_every_full_window),
                table::cell(&t.worst_full_window_sli_text),
                t.budget_remaining_text.clone(),
                format!(
                    "{} at {}",
                    t.budget_remaining_min_text, t.budget_remaining_min_at_text
                ),
                t.out_of_slo_text.clone(),
                t.pages_per_30d_text.clone(),
                t.tickets_per_30d_text.clone(),
            ]
        })
        .collect();
    out += &table::render(
        &[
            "target",
            "SLI",
            "met every window",
            "worst window",
            "budget left",
            "lowest",
            "out of SLO",
            "pages/30d",
            "tickets/30d",
        ],
        &rows,
    );
    if let Some(first) = r.targets.first().filter(|t| !t.incidents.is_empty()) {
        out += "\nknown incidents, caught by:\n";
        let mut header = vec!["incident".to_string()];
        header.extend(r.targets.iter().map(|t| t.target_text.clone()));
        let rows: Vec<Vec<String>> = (0..first.incidents.len())
            .map(|i| {
                let mut row = vec![first.incidents[i].text.clone()];
                row.extend(r.targets.iter().map(|t| {
                    let d = &t.incidents[i];
                    match &d.caught_by {
                        Some(tier) => format!("{tier} {}", d.detection_text),
                        None => d.detection_text.clone(),
                    }
                }));
                row
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out += &table::render(&header, &rows);
    }
    out += &format!(
        "\nrecommendation: {}\n  because {}\n",
        r.recommended_target_text.as_deref().unwrap_or("none"),
        r.recommendation_text
    );
    out
}
