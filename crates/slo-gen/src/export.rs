//! Every file a spec becomes, by name: what the `slo` command writes with its flags, and
//! what the editor offers as downloads, from the same functions, so the bytes are the same.

use crate::dashboards::{self, Dashboard};
use crate::envoy::options::EnvoyConfigOptions;
use crate::{envoy, rules};
use slo_core::filter_config::Counting;
use slo_core::openslo;
use slo_core::spec::Spec;

/// A file a spec is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    /// `slo envoy-config SPEC`: Envoy with the filter counting.
    EnvoyWasm,
    /// `slo envoy-config SPEC --counting native`: Envoy's stats access loggers counting.
    EnvoyNative,
    /// `slo rules SPEC`: a Prometheus rule file.
    RuleFile,
    /// `slo rules SPEC --format prometheus-rule`: the Prometheus operator's resource.
    PrometheusRule,
    /// `slo openslo export SPEC`.
    OpenSlo,
    /// The JSON spec, as `slo openslo import` and `slo import sloth` write it.
    Spec,
    /// `slo dashboards SPEC --dashboard overview`: Grafana's dashboard of every SLO.
    GrafanaOverview,
    /// `slo dashboards SPEC --dashboard detail`: Grafana's dashboard of one SLO.
    GrafanaDetail,
}

impl Artifact {
    pub const ALL: [Artifact; 8] = [
        Artifact::EnvoyWasm,
        Artifact::EnvoyNative,
        Artifact::RuleFile,
        Artifact::PrometheusRule,
        Artifact::OpenSlo,
        Artifact::Spec,
        Artifact::GrafanaOverview,
        Artifact::GrafanaDetail,
    ];

    pub const ALLOWED: &'static str =
        "envoy-wasm, envoy-native, rule-file, prometheus-rule, openslo, spec, grafana-overview or grafana-detail";

    pub fn parse(text: &str) -> Result<Artifact, String> {
        Artifact::ALL
            .into_iter()
            .find(|a| a.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "“{text}” is not a file the spec exports as; allowed: {}",
                    Artifact::ALLOWED
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Artifact::EnvoyWasm => "envoy-wasm",
            Artifact::EnvoyNative => "envoy-native",
            Artifact::RuleFile => "rule-file",
            Artifact::PrometheusRule => "prometheus-rule",
            Artifact::OpenSlo => "openslo",
            Artifact::Spec => "spec",
            Artifact::GrafanaOverview => "grafana-overview",
            Artifact::GrafanaDetail => "grafana-detail",
        }
    }

    /// The name a download is saved under.
    pub fn file_name(self) -> &'static str {
        match self {
            Artifact::EnvoyWasm => "envoy.yaml",
            Artifact::EnvoyNative => "envoy-native.yaml",
            Artifact::RuleFile => "slo-rules.yaml",
            Artifact::PrometheusRule => "slo-prometheusrule.yaml",
            Artifact::OpenSlo => "openslo.yaml",
            Artifact::Spec => "slo-spec.json",
            Artifact::GrafanaOverview => Dashboard::Overview.file_name(),
            Artifact::GrafanaDetail => Dashboard::Detail.file_name(),
        }
    }
}

/// The file's text with the commands' default options, or (native counting) every reason
/// the spec cannot be counted natively, one line each, naming its field.
pub fn export(spec: &Spec, artifact: Artifact) -> Result<String, String> {
    let envoy = |counting| {
        let options = EnvoyConfigOptions {
            counting,
            ..EnvoyConfigOptions::default()
        };
        envoy::render(spec, &options)
    };
    match artifact {
        Artifact::EnvoyWasm => envoy(Counting::Wasm),
        Artifact::EnvoyNative => envoy(Counting::Native),
        Artifact::RuleFile => Ok(rules::render(spec, &rules::Format::RuleFile)),
        Artifact::PrometheusRule => {
            let resource = rules::resource::RuleResource::default();
            Ok(rules::render(
                spec,
                &rules::Format::PrometheusRule(resource),
            ))
        }
        Artifact::OpenSlo => openslo::export(spec).map_err(|problems| {
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        }),
        Artifact::Spec => Ok(spec.to_json_text()),
        Artifact::GrafanaOverview => Ok(dashboards::render(spec, Dashboard::Overview)),
        Artifact::GrafanaDetail => Ok(dashboards::render(spec, Dashboard::Detail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_artifact_reads_back_by_its_name_and_exports() {
        let spec = Spec::from_json(
            r#"{"services":[{"name":"shop","slos":[{"name":"checkout","target":0.999,
            "window":"30d","sli":{"bad":{"status":["5xx"]}}}]}]}"#,
        )
        .unwrap();
        for artifact in Artifact::ALL {
            assert_eq!(Artifact::parse(artifact.as_str()), Ok(artifact));
            let text = export(&spec, artifact).unwrap();
            assert!(text.contains("checkout"), "{artifact:?}: {text}");
        }
        assert_eq!(
            Spec::from_json(&export(&spec, Artifact::Spec).unwrap()),
            Ok(spec)
        );
        assert!(Artifact::parse("helm").unwrap_err().ends_with(
            "allowed: envoy-wasm, envoy-native, rule-file, prometheus-rule, openslo, spec, grafana-overview or grafana-detail"
        ));
    }
}
