//! Plain JS objects and arrays built by hand: no serde on the browser path.

use js_sys::{Array, Float64Array, Object, Reflect};
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

    pub fn opt<T: Into<JsValue>>(&self, key: &str, value: Option<T>) -> &Obj {
        self.set(key, value.map_or(JsValue::NULL, Into::into))
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

/// A JS array of the items.
pub fn array<T, I: IntoIterator<Item = T>>(items: I, f: impl Fn(T) -> JsValue) -> Array {
    items.into_iter().map(f).collect()
}

/// A Float64Array copy of the numbers.
pub fn floats(values: &[f64]) -> Float64Array {
    Float64Array::from(values)
}
