//! What the browser shells share: plain JS objects and arrays built by hand (no serde on
//! the browser path; `Obj` is the browser's side of the core's result sink), and `Form`,
//! which collects the core's verdict on each field the user typed.

use js_sys::{Array, Float64Array, Object, Reflect};
use slo_core::results::{Render, Sink};
use wasm_bindgen::JsValue;

/// A JS object under construction.
pub struct Obj(Object);

impl Obj {
    pub fn new() -> Obj {
        Obj(Object::new())
    }

    pub fn set(&self, key: &str, value: impl Into<JsValue>) -> &Obj {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        Object::keys(&self.0).length() == 0
    }
}

impl Default for Obj {
    fn default() -> Self {
        Obj::new()
    }
}

impl From<Obj> for JsValue {
    fn from(obj: Obj) -> JsValue {
        obj.0.into()
    }
}

impl Sink for Obj {
    fn number(&mut self, key: &'static str, value: f64) {
        self.set(key, value);
    }

    fn count(&mut self, key: &'static str, value: u64) {
        // Exact up to 2^53, far beyond any count a calculator is given.
        self.set(key, value as f64);
    }

    fn text(&mut self, key: &'static str, value: &str) {
        self.set(key, value);
    }

    fn flag(&mut self, key: &'static str, value: bool) {
        self.set(key, value);
    }

    fn null(&mut self, key: &'static str) {
        self.set(key, JsValue::NULL);
    }

    fn numbers(&mut self, key: &'static str, values: &[f64]) {
        self.set(key, Float64Array::from(values));
    }

    fn list<T: Render>(&mut self, key: &'static str, items: &[T]) {
        let list: Array = items
            .iter()
            .map(|item| JsValue::from(render(item)))
            .collect();
        self.set(key, list);
    }
}

/// A result as a JS object.
pub fn render(result: &impl Render) -> Obj {
    let mut out = Obj::new();
    result.render(&mut out);
    out
}

/// A JS array of the items.
pub fn array<T, I: IntoIterator<Item = T>>(items: I, f: impl Fn(T) -> JsValue) -> Array {
    items.into_iter().map(f).collect()
}

/// Collects each field's verdict; the answer carries a result only if all were accepted.
#[derive(Default)]
pub struct Form {
    pub errors: Obj,
}

impl Form {
    pub fn new() -> Form {
        Form::default()
    }

    pub fn field<T>(&self, name: &str, verdict: Result<T, String>) -> Option<T> {
        verdict
            .map_err(|message| self.errors.set(name, message))
            .ok()
    }

    /// An empty field is `Some(None)`; a filled one is parsed.
    pub fn optional<T>(
        &self,
        name: &str,
        text: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        if text.trim().is_empty() {
            Some(None)
        } else {
            self.field(name, parse(text)).map(Some)
        }
    }

    pub fn answer(self, result: Option<Obj>) -> JsValue {
        let out = Obj::new();
        match result {
            Some(result) if self.errors.is_empty() => out.set("result", result),
            _ => out.set("result", JsValue::NULL),
        };
        out.set("errors", self.errors);
        out.into()
    }
}
