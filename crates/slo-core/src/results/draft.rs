//! The editor's result: a draft's problems and warnings, each on its line, and for a valid
//! draft what each SLO commits to: its budget and its tiers, with how fast each catches a
//! full outage.

use super::result;
use super::{Alerts, AlertsTier, Budget};
use crate::draft::{Draft, DraftProblem};
use crate::format;

/// The requests `allowed_bad_per_million` counts the budget among.
const A_MILLION: u64 = 1_000_000;

result! {
    /// A draft as the editor shows it.
    pub struct DraftReport {
        /// `spec`, `openslo` or `sloth`: what the text was read as.
        pub format: &'static str,
        /// Whether the draft reads into a spec: the downloads exist only then.
        pub valid: bool,
        pub problems: Vec<DraftIssue>,
        pub warnings: Vec<DraftIssue>,
        pub slos: Vec<DraftSlo>,
        /// `Valid (spec): 2 SLOs, 1 warning.`, or `3 problems (read as openslo); nothing to
        /// download until they are fixed.`
        pub verdict_text: String,
    }
}

result! {
    /// One problem or warning, where it is and what it says.
    pub struct DraftIssue {
        /// The line, from 1; null when the text does not show the field.
        pub line: Option<u64>,
        /// The field, as its format names it; empty for the text as a whole.
        pub place: String,
        pub message: String,
        /// `line 12: services[0].slos[1].target: ...`, as a list prints it.
        pub text: String,
    }
}

result! {
    /// What one SLO of a valid draft commits to.
    pub struct DraftSlo {
        pub service: String,
        pub name: String,
        /// `request`, or the Prometheus source's kind.
        pub sli: &'static str,
        pub target_text: String,
        pub window_text: String,
        pub error_budget_ratio_text: String,
        /// Full outage the budget allows over the window.
        pub allowed_downtime_text: String,
        pub allowed_bad_per_million: u64,
        /// The SLO's tiers; `detection_text` is for a full outage.
        pub tiers: Vec<AlertsTier>,
    }
}

impl DraftReport {
    pub fn new(draft: &Draft) -> DraftReport {
        let slos = draft.spec.iter().flat_map(|spec| {
            spec.services.iter().flat_map(|service| {
                service.slos.iter().map(|slo| {
                    let budget = Budget::new(slo.target, slo.window.clone(), Some(A_MILLION));
                    let alerts =
                        Alerts::new(slo.target, slo.window.clone(), Some(1.0), &slo.alerts);
                    DraftSlo {
                        service: service.name.clone(),
                        name: slo.name.clone(),
                        sli: slo.sli.kind(),
                        target_text: budget.target_text,
                        window_text: budget.window_text,
                        error_budget_ratio_text: budget.error_budget_ratio_text,
                        allowed_downtime_text: budget.allowed_downtime_text,
                        allowed_bad_per_million: budget.allowed_bad_requests.unwrap_or(0),
                        tiers: alerts.tiers,
                    }
                })
            })
        });
        let slos: Vec<DraftSlo> = slos.collect();
        let format = draft.format.as_str();
        let count = |n: usize, one, many| format::counted(n as u64, one, many);
        let verdict_text = match (draft.spec.is_some(), draft.warnings.len()) {
            (true, 0) => format!("Valid ({format}): {}.", count(slos.len(), "SLO", "SLOs")),
            (true, warnings) => format!(
                "Valid ({format}): {}, {}.",
                count(slos.len(), "SLO", "SLOs"),
                count(warnings, "warning", "warnings")
            ),
            (false, _) => format!(
                "{} (read as {format}); nothing to download until they are fixed.",
                count(draft.problems.len(), "problem", "problems")
            ),
        };
        DraftReport {
            format,
            valid: draft.spec.is_some(),
            problems: draft.problems.iter().map(DraftIssue::new).collect(),
            warnings: draft.warnings.iter().map(DraftIssue::new).collect(),
            slos,
            verdict_text,
        }
    }
}

impl DraftIssue {
    fn new(problem: &DraftProblem) -> DraftIssue {
        let mut text = String::new();
        if let Some(line) = problem.line {
            text += &format!("line {line}: ");
        }
        if !problem.place.is_empty() {
            text += &format!("{}: ", problem.place);
        }
        text += &problem.message;
        DraftIssue {
            line: problem.line.map(|l| l as u64),
            place: problem.place.clone(),
            message: problem.message.clone(),
            text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_SLO: &str = r#"{"services": [{"name": "shop", "slos": [{"name": "checkout",
        "target": 0.999, "window": "30d", "sli": {"bad": {"status": ["5xx"]}}}]}]}"#;

    #[test]
    fn the_verdict_counts_in_words() {
        let report = DraftReport::new(&Draft::read(ONE_SLO));
        assert_eq!(report.verdict_text, "Valid (spec): 1 SLO.");
        let broken = ONE_SLO
            .replace("0.999", "1.5")
            .replace("\"30d\"", "\"30x\"");
        let report = DraftReport::new(&Draft::read(&broken));
        assert_eq!(
            report.verdict_text,
            "2 problems (read as spec); nothing to download until they are fixed."
        );
    }
}
