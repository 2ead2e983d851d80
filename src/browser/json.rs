//! JSON through the browser's own `JSON.parse` and `JSON.stringify`: serde_json's parser and
//! printer would cost the bundle kilobytes for what the browser already does. The envelope
//! parser in the core still reads the resulting `Value`.

use js_sys::{Array, Object, JSON};
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// As deep as serde_json nests by default; deeper is treated as malformed, not a stack overflow.
const MAX_DEPTH: usize = 128;
/// Integers a JS number holds exactly (2^53).
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// The JSON text `bytes` as a `Value`; `None` when it is not UTF-8 or not JSON.
pub fn parse(bytes: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    let parsed = JSON::parse(text).ok()?;
    to_value(&parsed, 0)
}

/// A JSON object of string fields as text, the shape of every request body the API takes.
pub fn string_object(fields: &[(&str, &str)]) -> String {
    let object = Object::new();
    for (key, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    JSON::stringify(&object)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

fn to_value(js: &JsValue, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if js.is_null() {
        return Some(Value::Null);
    }
    if let Some(flag) = js.as_bool() {
        return Some(Value::Bool(flag));
    }
    if let Some(number) = js.as_f64() {
        return Some(Value::Number(number_of(number)?));
    }
    if let Some(text) = js.as_string() {
        return Some(Value::String(text));
    }
    if let Some(array) = js.dyn_ref::<Array>() {
        return array
            .iter()
            .map(|item| to_value(&item, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array);
    }
    let object = js.dyn_ref::<Object>()?;
    let mut map = Map::new();
    for entry in Object::entries(object).iter() {
        let entry: Array = entry.unchecked_into();
        let key = entry.get(0).as_string()?;
        map.insert(key, to_value(&entry.get(1), depth + 1)?);
    }
    Some(Value::Object(map))
}

/// Whole numbers as integers (so `as_u64` reads `"size": 1024`), others as floats.
fn number_of(number: f64) -> Option<Number> {
    if number.fract() == 0.0 && number.abs() < EXACT_INTEGER_LIMIT {
        Some(if number >= 0.0 {
            Number::from(number as u64)
        } else {
            Number::from(number as i64)
        })
    } else {
        Number::from_f64(number)
    }
}
