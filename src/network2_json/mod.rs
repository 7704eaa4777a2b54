//! The save format of the book's `network2.py` (`Network.save` / `load`):
//!
//! ```json
//! {"sizes": [784, 30, 10],
//!  "weights": [[[w_11, …, w_1x], …]],   // one y×x nested list per layer
//!  "biases":  [[[b_1], …, [b_y]]],       // one y×1 nested list per layer
//!  "cost": "CrossEntropyCost",           // or "QuadraticCost"
//!  "activation": "tanh",                 // optional, gradlab's: absent = "sigmoid"
//!  "residual": true,                     // optional, gradlab's: absent = false
//!  "batch_norm": [[[γ…], [mean…], [var…]], …],  // optional, gradlab's: one per hidden layer
//!  "momentum": {"mu": 0.9, "nesterov": false, "schedule": false}}  // optional, gradlab's
//! ```
//!
//! `"momentum"` is a training setting, not part of the network: where the page saves a
//! network trained with momentum (μ > 0) it records μ, Nesterov and the schedule, and
//! loading the file sets them again ([`from_json_with_momentum`]); μ must be in [0, 1).
//!
//! network2 has sigmoid neurons only; the hidden layers' activation is gradlab's addition,
//! written only when it is not the sigmoid, so a sigmoid network's file is network2's own
//! (and network2.py, which reads the four keys it knows, loads any of them). Likewise the
//! skip connections (`"residual": true`) and batch normalisation (`"batch_norm"`: γ and the
//! running statistics of each hidden layer, whose `biases` are then β), which network2.py
//! would silently drop.
//!
//! so a network moves between this crate and `network2.py` both ways. Numbers are written
//! in the shortest form that reads back to the same `f64` (serde_json uses ryu), so a
//! round trip is exact.

use crate::network::{validate_sizes, Activation, BatchNorm, Cost, Network, NetworkError};
use crate::real::Real;
use crate::train::Momentum;
use ndarray::{Array1, Array2};
use serde::Serialize;

mod read;

/// Largest JSON text accepted (bytes): a [784, 1000, 1000, 10] network is ~40 MB of text.
pub const MAX_JSON_BYTES: usize = 64 << 20;

/// Most layers (entries of `sizes`) in a network file: input, 10 hidden, output. The command
/// line's `depth --max-hidden` and `speed --hidden` go up to 10 hidden layers, the page to 6
/// (`limits::MAX_HIDDEN`); the chapter itself stops at 4.
pub const MAX_LAYERS: usize = 12;

/// Most neurons in one layer of a network file: MNIST's 784 inputs, and hidden layers far
/// wider than the page's 100 (`limits::MAX_WIDTH`) or the book's 30–100.
pub const MAX_NEURONS: usize = 2048;

/// Most numbers (weights and biases together) in a network file: a [784, 1000, 1000, 10]
/// network has 1.8 million; 2 million f64 are 16 MB, so a hostile file cannot make the
/// reader allocate much more than that before it is refused.
pub const MAX_NUMBERS: usize = 2_000_000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum JsonError {
    #[error("the file is {0} bytes; network files above {max} bytes are refused", max = MAX_JSON_BYTES)]
    TooLarge(usize),
    #[error("not valid network2 JSON: {0}")]
    Syntax(String),
    #[error("the file holds NaN or Infinity (line {line}, column {column}); a network's weights and biases must be finite numbers")]
    NonFiniteToken { line: usize, column: usize },
    #[error("not valid network2 JSON: lists nested more than 128 deep (line {line}, column {column}); a network file nests at most 3 lists")]
    TooDeep { line: usize, column: usize },
    #[error("{what} has more than {max} {unit}; network files are limited to {MAX_LAYERS} layers of at most {MAX_NEURONS} neurons and {MAX_NUMBERS} weights and biases in all")]
    Limit { what: String, max: usize, unit: &'static str },
    #[error("unknown cost \"{0}\"; network2 writes \"CrossEntropyCost\" or \"QuadraticCost\"")]
    Cost(String),
    #[error("unknown activation \"{0}\"; gradlab writes \"sigmoid\", \"tanh\", \"relu\" or \"leaky-relu\"")]
    Activation(String),
    #[error(
        "{what} of layer {layer}, row {row}: every bias must be a list of exactly one number (network2 stores biases as y×1 columns), found {found} numbers"
    )]
    BiasColumn { what: &'static str, layer: usize, row: usize, found: usize },
    #[error("weight matrix of layer {layer}: row {row} has {found} numbers, but row 1 has {expected}")]
    RaggedRow { layer: usize, row: usize, found: usize, expected: usize },
    #[error("\"momentum\": μ (\"mu\") must be a number in [0, 1), but is {0}")]
    Momentum(f64),
    #[error(transparent)]
    Network(#[from] NetworkError),
}

/// The writer's view of the file (the reader streams it instead: see [`from_json`]).
#[derive(Serialize)]
struct Network2File {
    sizes: Vec<usize>,
    weights: Vec<Vec<Vec<f64>>>,
    biases: Vec<Vec<Vec<f64>>>,
    cost: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    activation: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    residual: bool,
    /// Per hidden layer [γ, running mean, running variance].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    batch_norm: Vec<[Vec<f64>; 3]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    momentum: Option<Momentum>,
}

/// Parse a network2 JSON file.
///
/// The file is read in one pass with the limits [`MAX_LAYERS`], [`MAX_NEURONS`] and
/// [`MAX_NUMBERS`] enforced while it is parsed, whatever the order of its fields: every
/// list is counted as it grows, so a hostile file (millions of empty lists, a `sizes` list
/// of a billion entries, …) is refused before it costs more than about 16 MB. Each number
/// is converted to `F` as it is read. Every problem is a [`JsonError`] naming it; nothing
/// panics.
pub fn from_json<F: Real>(text: &str) -> Result<Network<F>, JsonError> {
    Ok(from_json_with_momentum(text)?.0)
}

/// [`from_json`], and the file's `"momentum"` training setting if it has one (μ checked).
pub fn from_json_with_momentum<F: Real>(text: &str) -> Result<(Network<F>, Option<Momentum>), JsonError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(JsonError::TooLarge(text.len()));
    }
    let raw = read::parse::<F>(text)?;
    let momentum = raw.momentum;
    if let Some(m) = momentum {
        m.validate().map_err(|e| JsonError::Momentum(e.0))?;
    }
    let cost = match raw.cost.as_str() {
        "CrossEntropyCost" => Cost::CrossEntropy,
        "QuadraticCost" => Cost::Quadratic,
        other => return Err(JsonError::Cost(other.chars().take(80).collect())),
    };
    let activation = match raw.activation.as_deref() {
        None => Activation::Sigmoid,
        Some(name) => Activation::from_name(name).ok_or_else(|| JsonError::Activation(name.chars().take(80).collect()))?,
    };
    validate_sizes(&raw.sizes)?;
    let weights = raw
        .weights
        .into_iter()
        .map(|m| Array2::from_shape_vec((m.rows, m.cols), m.data).map_err(|e| JsonError::Syntax(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let biases = raw.biases.into_iter().map(|m| Array1::from_vec(m.data)).collect();
    // Casting to f32 can overflow a finite f64; from_parts reports any non-finite value.
    let mut net = Network::from_parts(raw.sizes, weights, biases, cost)?.with_activation(activation).with_residual(raw.residual.unwrap_or(false));
    if let Some(norms) = raw.batch_norm {
        let mut layers = Vec::with_capacity(norms.len());
        for (l, m) in norms.into_iter().enumerate() {
            if m.rows != 3 {
                return Err(JsonError::Network(NetworkError::Shape {
                    what: "batch normalisation ([γ, mean, var])",
                    layer: l + 1,
                    found: vec![m.rows, m.cols],
                    expected: vec![3, m.cols],
                    sizes: net.sizes().to_vec(),
                }));
            }
            let mut rows = m.data.chunks_exact(m.cols.max(1)).map(|r| Array1::from_vec(r.to_vec()));
            let mut next = || rows.next().unwrap_or_else(|| Array1::zeros(0));
            layers.push(BatchNorm { gamma: next(), mean: next(), var: next() });
        }
        net.set_norms(layers)?;
    }
    Ok((net, momentum))
}

/// A serde_json error in the reader's words: Python's `json` module writes `NaN` and
/// `Infinity`, which are not JSON, so a syntax error at such a token says so plainly.
pub(super) fn classify(text: &str, e: &serde_json::Error) -> JsonError {
    let (line, column) = (e.line(), e.column());
    if e.to_string().starts_with("recursion limit exceeded") {
        return JsonError::TooDeep { line, column };
    }
    if e.is_syntax() || e.is_data() {
        // The byte the error points at (serde_json's column is 1-based, in bytes).
        let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
        let at = line_start + column.saturating_sub(1);
        let bytes = text.as_bytes();
        let window = &bytes[at.saturating_sub(9).min(bytes.len())..at.saturating_add(9).min(bytes.len())];
        let has = |token: &[u8]| window.windows(token.len()).any(|w| w == token);
        if has(b"NaN") || has(b"Infinity") {
            return JsonError::NonFiniteToken { line, column };
        }
    }
    JsonError::Syntax(e.to_string())
}

// ---------------------------------------------------------------- the streaming reader

/// Write a network in network2's JSON format.
pub fn to_json<F: Real>(net: &Network<F>) -> String {
    to_json_with_momentum(net, None)
}

/// [`to_json`] with the training setting `"momentum"` when given.
pub fn to_json_with_momentum<F: Real>(net: &Network<F>, momentum: Option<Momentum>) -> String {
    let file = Network2File {
        momentum,
        sizes: net.sizes().to_vec(),
        weights: net.weights().iter().map(|w| w.outer_iter().map(|r| r.iter().map(|v| v.to_f64_exact()).collect()).collect()).collect(),
        biases: net.biases().iter().map(|b| b.iter().map(|v| vec![v.to_f64_exact()]).collect()).collect(),
        cost: net.cost().network2_name().to_string(),
        activation: Some(net.activation()).filter(|&f| f != Activation::Sigmoid).map(Activation::name),
        residual: net.residual(),
        batch_norm: net
            .norms()
            .iter()
            .map(|n| {
                let v = |a: &Array1<F>| a.iter().map(|x| x.to_f64_exact()).collect();
                [v(&n.gamma), v(&n.mean), v(&n.var)]
            })
            .collect(),
    };
    serde_json::to_string(&file).expect("finite numbers and strings always serialise")
}
