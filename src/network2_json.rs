//! The save format of the book's `network2.py` (`Network.save` / `load`):
//!
//! ```json
//! {"sizes": [784, 30, 10],
//!  "weights": [[[w_11, …, w_1x], …]],   // one y×x nested list per layer
//!  "biases":  [[[b_1], …, [b_y]]],       // one y×1 nested list per layer
//!  "cost": "CrossEntropyCost"}           // or "QuadraticCost"
//! ```
//!
//! so a network moves between this crate and `network2.py` both ways. Numbers are written
//! in the shortest form that reads back to the same `f64` (serde_json uses ryu), so a
//! round trip is exact.

use crate::network::{validate_sizes, Cost, Network, NetworkError};
use crate::real::Real;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// Largest JSON text accepted (bytes): a [784, 1000, 1000, 10] network is ~40 MB of text.
pub const MAX_JSON_BYTES: usize = 64 << 20;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum JsonError {
    #[error("the file is {0} bytes; network files above {max} bytes are refused", max = MAX_JSON_BYTES)]
    TooLarge(usize),
    #[error("not valid network2 JSON: {0}")]
    Syntax(String),
    #[error("the file holds NaN or Infinity; a network's weights and biases must be finite numbers")]
    NonFiniteToken,
    #[error("unknown cost \"{0}\"; network2 writes \"CrossEntropyCost\" or \"QuadraticCost\"")]
    Cost(String),
    #[error("{what} of layer {layer}, row {row}: every bias must be a list of exactly one number (network2 stores biases as y×1 columns), found {found} numbers")]
    BiasColumn { what: &'static str, layer: usize, row: usize, found: usize },
    #[error("weight matrix of layer {layer}: row {row} has {found} numbers, but row 1 has {expected}")]
    RaggedRow { layer: usize, row: usize, found: usize, expected: usize },
    #[error(transparent)]
    Network(#[from] NetworkError),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Network2File {
    sizes: Vec<usize>,
    weights: Vec<Vec<Vec<f64>>>,
    biases: Vec<Vec<Vec<f64>>>,
    cost: String,
}

/// Parse a network2 JSON file.
pub fn from_json<F: Real>(text: &str) -> Result<Network<F>, JsonError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(JsonError::TooLarge(text.len()));
    }
    let raw: Network2File = serde_json::from_str(text).map_err(|e| {
        // Python's json module writes NaN / Infinity, which are not JSON; say so plainly.
        if e.is_syntax() && (text.contains("NaN") || text.contains("Infinity")) {
            JsonError::NonFiniteToken
        } else {
            JsonError::Syntax(e.to_string())
        }
    })?;
    let cost = match raw.cost.as_str() {
        "CrossEntropyCost" => Cost::CrossEntropy,
        "QuadraticCost" => Cost::Quadratic,
        other => return Err(JsonError::Cost(other.chars().take(80).collect())),
    };
    validate_sizes(&raw.sizes)?;
    let mut weights = Vec::with_capacity(raw.weights.len());
    for (l, rows) in raw.weights.iter().enumerate() {
        let cols = rows.first().map_or(0, |r| r.len());
        if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != cols) {
            return Err(JsonError::RaggedRow { layer: l + 1, row: row + 1, found: r.len(), expected: cols });
        }
        let flat: Vec<F> = rows.iter().flatten().map(|&v| F::from_f64_lossy(v)).collect();
        let w = Array2::from_shape_vec((rows.len(), cols), flat).map_err(|e| JsonError::Syntax(e.to_string()))?;
        weights.push(w);
    }
    let mut biases = Vec::with_capacity(raw.biases.len());
    for (l, rows) in raw.biases.iter().enumerate() {
        if let Some((row, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != 1) {
            return Err(JsonError::BiasColumn { what: "bias vector", layer: l + 1, row: row + 1, found: r.len() });
        }
        biases.push(Array1::from_iter(rows.iter().map(|r| F::from_f64_lossy(r[0]))));
    }
    // Casting to f32 can overflow a finite f64; from_parts reports any non-finite value.
    Ok(Network::from_parts(raw.sizes, weights, biases, cost)?)
}

/// Write a network in network2's JSON format.
pub fn to_json<F: Real>(net: &Network<F>) -> String {
    let file = Network2File {
        sizes: net.sizes().to_vec(),
        weights: net
            .weights()
            .iter()
            .map(|w| w.outer_iter().map(|r| r.iter().map(|v| v.to_f64_exact()).collect()).collect())
            .collect(),
        biases: net.biases().iter().map(|b| b.iter().map(|v| vec![v.to_f64_exact()]).collect()).collect(),
        cost: net.cost().network2_name().to_string(),
    };
    serde_json::to_string(&file).expect("finite numbers and strings always serialise")
}
