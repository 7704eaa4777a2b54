//! The page's limits, in one place: the network panel's and the chapter section's ranges.
//! `www/state.js` keeps its settings table in JavaScript (the page parses a link before the
//! wasm core is up), and `tests/js/limits.test.mjs` checks that table against [`limits`].
//!
//! Why these numbers: deep enough to see the cures work where the sigmoid fails completely
//! (issue 9: at 10 hidden layers sigmoid stays at chance, ReLU + He learns), while the tab
//! stays responsive: the worker trains and the page only draws. The largest network,
//! [784, 10×200, 10], has ~520,000 parameters; an epoch of 8,000 images takes a few
//! seconds in wasm (the worker posts progress within each epoch), and its charts show ten
//! layers (eight series colours, repeated with other markers).
//!
//! The names of the activations, initialisations and biases travel with the limits, so
//! the page's settings table is checked against the core's enums (tests/js/core.test.mjs).

use crate::init::{BiasInit, Init};
use crate::network::Activation;
use serde::Serialize;

pub const MAX_HIDDEN: usize = 10;
pub const MAX_WIDTH: usize = 200;
/// The widths the panel offers (its width control is a list, not a number).
pub const PANEL_WIDTHS: [usize; 10] = [10, 20, 30, 40, 50, 60, 80, 100, 150, 200];
pub const MAX_MINI_BATCH: usize = 1000;
pub const MAX_EPOCHS: usize = 1000;
/// The chain's neurons on the page (the core takes up to `chain::MAX_CHAIN`).
pub const MAX_CHAIN_LAYERS: usize = 10;
/// The chapter section's runs: the learning-speed figure's epochs, the depth experiment's
/// epochs (the book's 30) and runs, and the seeds of the ‖δ^l‖ table.
pub const MAX_SPEED_EPOCHS: usize = 2000;
pub const MAX_DEPTH_EPOCHS: usize = 30;
pub const MAX_DEPTH_RUNS: usize = 5;
pub const MAX_NORM_SEEDS: usize = 20;

/// Largest network file the page loads (bytes). network2's `json.dump` writes ~24 bytes per
/// number, so the largest network the panel trains, [784, 10×200, 10] (520,810
/// parameters), is ~12.5 MB; 16 MiB is also the JSON reader's own bound (2,000,000
/// numbers, `network2_json`). The page checks the file's size before reading it;
/// `Lab::load_network` checks again.
pub const MAX_NETWORK_BYTES: usize = 16 << 20;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub max_hidden: usize,
    pub max_width: usize,
    pub widths: [usize; 10],
    pub max_mini_batch: usize,
    pub max_epochs: usize,
    pub max_chain_layers: usize,
    pub max_speed_epochs: usize,
    pub max_depth_epochs: usize,
    pub max_depth_runs: usize,
    pub max_norm_seeds: usize,
    pub max_network_bytes: usize,
    /// The bound on a data file's inflated size, which the worker applies in wasm's stead.
    pub max_decompressed_bytes: usize,
    /// The names the page's settings take (`net.activation`, `net.init`, `net.biases`, `chain.act`).
    pub activations: Vec<&'static str>,
    pub inits: Vec<&'static str>,
    pub biases: Vec<&'static str>,
}

pub fn limits() -> Limits {
    Limits {
        max_hidden: MAX_HIDDEN,
        max_width: MAX_WIDTH,
        widths: PANEL_WIDTHS,
        max_mini_batch: MAX_MINI_BATCH,
        max_epochs: MAX_EPOCHS,
        max_chain_layers: MAX_CHAIN_LAYERS,
        max_speed_epochs: MAX_SPEED_EPOCHS,
        max_depth_epochs: MAX_DEPTH_EPOCHS,
        max_depth_runs: MAX_DEPTH_RUNS,
        max_norm_seeds: MAX_NORM_SEEDS,
        max_network_bytes: MAX_NETWORK_BYTES,
        max_decompressed_bytes: crate::data::MAX_DECOMPRESSED_BYTES,
        activations: Activation::ALL.map(Activation::name).to_vec(),
        inits: Init::ALL.map(Init::name).to_vec(),
        biases: BiasInit::ALL.map(BiasInit::name).to_vec(),
    }
}

/// Whether the panel can train a network of these sizes: 784 inputs (the digits' pixels),
/// 10 outputs (the digits), 1–[`MAX_HIDDEN`] hidden layers of 1–[`MAX_WIDTH`] neurons.
pub fn check_panel_sizes(sizes: &[usize]) -> Result<(), String> {
    let list = || format!("[{}]", sizes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", "));
    if sizes.first() != Some(&784) {
        return Err(format!("the network's sizes {} must start with 784, one input per pixel of a 28×28 digit", list()));
    }
    if sizes.last() != Some(&10) {
        return Err(format!("the network's sizes {} must end with 10, one output per digit", list()));
    }
    let hidden = &sizes[1..sizes.len() - 1];
    if !(1..=MAX_HIDDEN).contains(&hidden.len()) {
        return Err(format!("the network {} has {} hidden layers; the page trains 1 to {MAX_HIDDEN}", list(), hidden.len()));
    }
    if let Some(w) = hidden.iter().find(|w| !(1..=MAX_WIDTH).contains(*w)) {
        return Err(format!("the network {} has a hidden layer of {w} neurons; the page trains 1 to {MAX_WIDTH} per layer", list()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book_sizes_of(hidden: usize, width: usize) -> Vec<usize> {
        [784].into_iter().chain(std::iter::repeat_n(width, hidden)).chain([10]).collect()
    }

    #[test]
    fn widths_fit_the_maximum() {
        assert!(PANEL_WIDTHS.iter().all(|w| (1..=MAX_WIDTH).contains(w)));
        assert_eq!(PANEL_WIDTHS.last(), Some(&MAX_WIDTH));
        assert!(check_panel_sizes(&[784, 30, 10]).is_ok());
        assert!(check_panel_sizes(&[784, 201, 10]).is_err());
        assert!(check_panel_sizes(&[784, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 10]).is_ok());
        // The network file reader's own bound lets in the panel's deepest network, no deeper.
        assert_eq!(crate::network2_json::MAX_LAYERS, MAX_HIDDEN + 2);
        // And its bound on numbers, the panel's widest (network2 writes ~24 bytes a number).
        let largest: usize = book_sizes_of(MAX_HIDDEN, MAX_WIDTH).windows(2).map(|w| w[0] * w[1] + w[1]).sum();
        assert!(largest <= crate::network2_json::MAX_NUMBERS && 24 * largest <= MAX_NETWORK_BYTES, "{largest} numbers");
    }
}
