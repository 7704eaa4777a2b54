//! The wasm boundary: the only module that knows about JavaScript. Everything here is a
//! thin wrapper: long-lived state (the data, the trainer, the chapter's runs) lives in
//! Rust behind the [`Lab`] handle; JavaScript receives numbers through plain methods and,
//! where a result has structure, small camelCase JSON. Charts are drawn by the same
//! plotters functions as the command line's SVGs, from one description ([`Chart`]), onto
//! a canvas sized in device pixels ([`draw`]) or into an SVG string ([`svg`]).
//!
//! Errors cross as JavaScript `Error`s with a `code` and `details` (src/web/error.rs); a
//! panic is logged to the console (console_error_panic_hook) and surfaces in JavaScript
//! as a thrown `RuntimeError`, which the page reports.

use crate::chain::{Chain, ChainBias};
#[cfg(not(feature = "inside"))]
use crate::data::SUBSET_FILES;
#[cfg(not(feature = "inside"))]
use crate::experiments as ex;
#[cfg(not(feature = "inside"))]
use crate::limits;
use crate::{Activation, Cost};
#[cfg(not(feature = "inside"))]
use serde::Serialize;
use wasm_bindgen::prelude::*;

// The first module (www/pkg) holds the page and the worker's lab; the second, built with
// the `inside` feature (www/pkg-inside), only the views it draws and computes: the view
// inside the network and the chain's band. Neither carries the other's code.
pub mod backend;
#[cfg(feature = "inside")]
mod chain_band;
#[cfg(not(feature = "inside"))]
mod compare;
#[cfg(not(feature = "inside"))]
mod draw;
pub mod error;
#[cfg(feature = "inside")]
mod inside;
#[cfg(not(feature = "inside"))]
mod lab;
#[cfg(not(feature = "inside"))]
mod settings;
mod theme;
use backend::WebBackend;
#[cfg(feature = "inside")]
pub use chain_band::{chain_band_draw, chain_band_svg};
#[cfg(not(feature = "inside"))]
pub use compare::{compare_presets, Comparison};
#[cfg(not(feature = "inside"))]
pub use draw::{draw, svg};
pub use error::WebError;
#[cfg(feature = "inside")]
pub use inside::{inside_draw, inside_svg, InsideProbe};
#[cfg(not(feature = "inside"))]
pub use lab::{BenchRun, Lab};
#[cfg(not(feature = "inside"))]
pub use settings::Settings;
pub use theme::set_theme;

type Result<T> = std::result::Result<T, WebError>;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// Panics, for the fault tests (tests/e2e/faults.test.mjs): a real Rust panic, which on
/// wasm aborts into a `RuntimeError` (unreachable) and leaves this instance unusable, as a
/// bug in the core would. The page's answer is to restart its worker; a user calling this
/// only restarts their own worker.
#[cfg(not(feature = "inside"))]
#[wasm_bindgen]
pub fn debug_panic() {
    panic!("debug_panic: a panic on purpose, to test the page's recovery");
}

/// A random 32-bit seed from the browser's crypto generator (getrandom).
#[cfg(not(feature = "inside"))]
#[wasm_bindgen]
pub fn random_seed() -> Result<u32> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(|e| WebError::new("random", e))?;
    Ok(u32::from_le_bytes(b))
}

/// The book's numbers and protocol (`experiments::book_numbers`), as JSON.
#[cfg(not(feature = "inside"))]
#[wasm_bindgen]
pub fn book_numbers() -> String {
    serde_json::to_string(&ex::book_numbers()).unwrap_or_default()
}

/// The page's limits (`limits::limits`), as JSON.
#[cfg(not(feature = "inside"))]
#[wasm_bindgen]
pub fn limits() -> String {
    serde_json::to_string(&limits::limits()).unwrap_or_default()
}

/// The subset's six file names, in the order [`Lab::new`] takes them, as JSON.
#[cfg(not(feature = "inside"))]
#[wasm_bindgen]
pub fn subset_files() -> String {
    serde_json::to_string(&SUBSET_FILES).unwrap_or_default()
}

// ---------------------------------------------------------------- the chain (main thread)

/// The chain's report as JSON. `w` and `b` per neuron; `zero_z` picks b_j so z_j = 0;
/// `activation` names f of neurons 1..L−1 ([`Activation::name`]; the last stays σ);
/// `residual` adds skips around neurons 2..L−1 (terms 1 + w·f′(z), [`Chain::skips`]).
#[cfg(not(feature = "inside"))]
#[wasm_bindgen]
pub fn chain_report(w: Vec<f64>, b: Vec<f64>, zero_z: bool, a0: f64, activation: &str, residual: bool) -> Result<String> {
    Ok(serde_json::to_string(&chain_of(w, b, zero_z, a0, activation, residual)?.report()?)?)
}

pub(super) fn chain_of(w: Vec<f64>, b: Vec<f64>, zero_z: bool, a0: f64, activation: &str, residual: bool) -> Result<Chain> {
    let bias = if zero_z { ChainBias::ZeroZ } else { ChainBias::Given };
    let activation = activation_named("activation", activation)?;
    Ok(Chain { w, b, bias, a0, cost: Cost::CrossEntropy, y: 0.0, activation, residual })
}

/// The index of `name` in `names` (the names of a core enum's `ALL`, by [`Activation::name`]
/// and the like), or a `setting` error naming the bad value and the good ones: never the
/// default in silence. One function for every enum, not one per type: the module's size.
fn named(setting: &str, what: &str, name: &str, names: &[&'static str]) -> Result<usize> {
    names.iter().position(|&n| n == name).ok_or_else(|| {
        let mut message = format!("unknown {what} \"{name}\" (one of");
        for (i, n) in names.iter().enumerate() {
            message.push_str(if i == 0 { " " } else { ", " });
            message.push_str(n);
        }
        message.push(')');
        WebError::setting(setting, name, message)
    })
}

/// The activation called `name`, for the setting `setting` ([`named`]).
fn activation_named(setting: &str, name: &str) -> Result<Activation> {
    Ok(Activation::ALL[named(setting, "activation", name, &Activation::ALL.map(Activation::name))?])
}

/// The seed note's random chain: w_j, b_j ~ N(0, 1), as JSON `{"w": [...], "b": [...]}`.
#[cfg(not(feature = "inside"))]
#[wasm_bindgen]
pub fn book_random_chain(layers: usize, seed: u32) -> String {
    #[derive(Serialize)]
    struct Weights {
        w: Vec<f64>,
        b: Vec<f64>,
    }
    let c = Chain::book_random(layers.clamp(1, 1000), seed as u64);
    serde_json::to_string(&Weights { w: c.w, b: c.b }).unwrap_or_default()
}
