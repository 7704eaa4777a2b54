//! Errors as they cross into JavaScript: a `js_sys::Error` whose `message` is the core's
//! English sentence (for logs and the console) and which carries `code`, a camelCase name
//! the page switches on, and `details`, the values the page needs to say the sentence in
//! its own language. The page never reads the message to decide anything.
//!
//! Codes: `diverged` {epoch, what} · `setting` {name, value} · `noNetwork` ·
//! `notStarted` {experiment} · `networkFile` · `networkTooBig` {bytes, limit} ·
//! `networkShape` {sizes} · `batchNormMiniBatch` (batch norm with mini-batches of 1) ·
//! `data` · `chain` · `chart` · `random` · `core`.

use crate::experiments::ExperimentError;
use crate::train::TrainError;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The details are JavaScript values from the start (not serde_json's `Value`, whose
/// machinery the module would otherwise carry for this alone).
pub struct WebError {
    pub code: &'static str,
    pub message: String,
    pub details: Vec<(&'static str, JsValue)>,
}

impl WebError {
    pub fn new(code: &'static str, message: impl std::fmt::Display) -> Self {
        WebError { code, message: message.to_string(), details: Vec::new() }
    }
    pub fn with(code: &'static str, message: impl std::fmt::Display, details: Vec<(&'static str, JsValue)>) -> Self {
        WebError { code, message: message.to_string(), details }
    }
    /// A setting out of its range: `name` as the page's settings name it (camelCase).
    pub fn setting(name: &str, value: impl Into<JsValue>, message: impl std::fmt::Display) -> Self {
        Self::with("setting", message, vec![("name", name.into()), ("value", value.into())])
    }
}

impl From<WebError> for JsValue {
    fn from(e: WebError) -> JsValue {
        let err = js_sys::Error::new(&e.message);
        let details = js_sys::Object::new();
        // Setting a property on a fresh plain object cannot fail.
        for (k, v) in &e.details {
            let _ = Reflect::set(&details, &(*k).into(), v);
        }
        let _ = Reflect::set(&err, &"code".into(), &e.code.into());
        let _ = Reflect::set(&err, &"details".into(), &details);
        err.into()
    }
}

impl From<TrainError> for WebError {
    fn from(e: TrainError) -> Self {
        match &e {
            TrainError::Diverged { epoch, source } => Self::with("diverged", &e, vec![("epoch", (*epoch as u32).into()), ("what", source.to_string().into())]),
            TrainError::MiniBatch(v) => Self::setting("miniBatch", *v as u32, &e),
            TrainError::Eta(v) => Self::setting("eta", *v, &e),
            TrainError::Lambda(v) => Self::setting("lambda", *v, &e),
            TrainError::BatchNormMiniBatch => Self::new("batchNormMiniBatch", &e),
            _ => Self::new("core", &e),
        }
    }
}

impl From<ExperimentError> for WebError {
    fn from(e: ExperimentError) -> Self {
        match e {
            ExperimentError::Train(t) => t.into(),
            ExperimentError::Chain(c) => Self::new("chain", c),
            other => Self::new("core", other),
        }
    }
}

macro_rules! coded {
    ($($t:ty => $code:literal),*) => {$(
        impl From<$t> for WebError {
            fn from(e: $t) -> Self {
                Self::new($code, e)
            }
        }
    )*};
}
coded!(
    crate::network::NetworkError => "core",
    crate::chain::ChainError => "chain",
    crate::charts::ChartError => "chart",
    crate::data::DataError => "data",
    crate::network2_json::JsonError => "networkFile",
    serde_json::Error => "core"
);
