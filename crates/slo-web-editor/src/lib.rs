//! The browser shell of the spec editor: a draft's text in, the core's `DraftReport` or a
//! generated file out. A wasm module of its own, so that only pages with `<slo-editor>`
//! load the OpenSLO and Sloth readers and the generators. Like the other browser shells it
//! only translates; the draft never leaves the page.
#![forbid(unsafe_code)]

use slo_core::draft::Draft;
use slo_core::results::DraftReport;
use slo_core::spec::Spec;
use slo_gen::export::{export, Artifact};
use slo_web_js::{render, Form, Obj};
use wasm_bindgen::prelude::*;

/// One edit of a draft (the JSON spec, OpenSLO YAML or a Sloth file), read once: `{report:
/// DraftReport, preview}`, the draft's own problems being part of the report, each on its
/// line; `preview` is the file `artifact` exports as (`export_draft`'s answer), or null
/// while the draft has problems. One call per keystroke, reading the draft once for both
/// (it was read again to generate the preview).
#[wasm_bindgen]
pub fn edit_draft(text: &str, artifact: &str) -> JsValue {
    let draft = Draft::read(text);
    let out = Obj::new();
    out.set("report", render(&DraftReport::new(&draft)));
    out.set(
        "preview",
        draft.spec.map_or(JsValue::NULL, |spec| {
            exported(Form::new(), Some(spec), artifact)
        }),
    );
    out.into()
}

/// The file a valid draft exports as (`artifact`: envoy-wasm, envoy-native, rule-file,
/// prometheus-rule, openslo, spec, grafana-overview or grafana-detail): `{errors, result: {text, file_name}}`. An invalid
/// draft or a spec the artifact cannot state is an error under `draft`.
#[wasm_bindgen]
pub fn export_draft(text: &str, artifact: &str) -> JsValue {
    let form = Form::new();
    let spec = form.field(
        "draft",
        Draft::read(text)
            .spec
            .ok_or_else(|| "the draft has problems; fix them to export it".to_string()),
    );
    exported(form, spec, artifact)
}

/// `export_draft`'s answer for a spec already read (`None`: its error is in `form`).
fn exported(form: Form, spec: Option<Spec>, artifact: &str) -> JsValue {
    let artifact = form.field("artifact", Artifact::parse(artifact));
    let (Some(artifact), Some(spec)) = (artifact, spec) else {
        return form.answer(None);
    };
    let Some(text) = form.field("draft", export(&spec, artifact)) else {
        return form.answer(None);
    };
    let file = Obj::new();
    file.set("text", text);
    file.set("file_name", artifact.file_name());
    form.answer(Some(file))
}
