//! Every chart of the lab, drawn with [plotters] onto any backend.
//!
//! Each chart is a function that takes a `&DrawingArea<DB, Shift>` for any
//! `DB: DrawingBackend`, plain data, the words to show ([`ChartText`]) and the look
//! ([`Theme`]). It never creates a backend, so the same code draws into an SVG string on
//! the command line and in the tests ([`svg`]), and into a browser canvas through
//! `plotters-canvas` in the wasm build. A chart fills its whole area (background
//! included) and returns `Result<(), ChartError>`.
//!
//! | function | the figure |
//! |---|---|
//! | [`gradient_bars`] | the signed ∂C/∂b of the first six neurons of every hidden layer |
//! | [`norm_bars`] | ‖δˡ‖ per hidden layer on a log axis, the book's values as markers |
//! | [`speed_chart`] | learning-speed curves ‖δˡ‖ against the epoch, log axis |
//! | [`training_chart`] | accuracy (%) and cost against the epoch, two stacked panels |
//! | [`chain_chart`] | the single-neuron chain: σ′(z) with every z_j, the terms w_jσ′(z_j), the running product |
//! | [`chain_band_chart`] | the chain on one axis: σ′(z), the terms and the product (log), the band \|wσ′\| ≥ 1; the band's width in a against \|w\| |
//! | [`chain_sweep_chart`] | \|∂C/∂b₁\| against the weight w, log–log |
//! | [`depth_chart`] | accuracy by number of hidden layers, mean ± std, book's numbers |
//! | [`compare_norms_chart`] | ‖δˡ‖ per hidden layer of A and B |
//! | [`compare_speed_chart`] | ‖δˡ‖ of the first and last hidden layers of A and B against the epoch |
//! | [`compare_training_chart`] | accuracy and cost of A and B against the epoch |
//! | [`factor_chart`] | each hidden layer's factor: singular values of J_l, measured ratio, prediction |
//! | [`inside_norms_chart`] | ‖δˡ‖ per hidden layer beside the mean-field prediction |
//! | [`units_chart`] | histograms of aˡ, f′(zˡ), log₁₀\|δˡ\| per hidden layer, saturated and dead fractions |
//! | [`norms_heatmap`] | log₁₀‖δˡ‖, hidden layer × epoch, viridis |
//! | [`activations_chart`] | mean ± std of each hidden layer's aˡ against the epoch (Glorot & Bengio) |
//! | [`update_ratio_chart`] | update-to-weight ratio per weight layer against the epoch, rule of thumb 10⁻³ |
//!
//! Odd data never panics: non-finite points are left out of lines and shown as
//! markers pinned to the edge, non-finite bars are drawn hatched ("overflow") with a
//! "∞"/"NaN" label, zero or negative values are left out of log axes (zeros in bars and
//! in the chain's product are shown as "underflow"), empty data gives a "no data" note,
//! and a drawing area too small for a chart gets only its background.
//!
//! Text: no word is written inside the drawing code; every word comes from
//! [`ChartText`] (English by default), so a translation passes another value. Natively
//! plotters is built without a font feature: text is laid out with its built-in size
//! estimate and the SVG backend writes `<text>` elements that the viewer renders; in the
//! browser the canvas draws and measures the text itself.
//!
//! Log axes are drawn on a linear axis of log₁₀ values with ticks chosen here (powers
//! of ten, written 10⁻³, or plain numbers for a narrow range near 1), so they work for
//! any range f64 holds.
//!
//! One file per figure; beside them `theme` (colours, fonts, sizes), `text` (the words,
//! number formatting, text measuring), `axes` (ranges and ticks), `draw` (primitives in
//! pixel coordinates) and `panel` (title, legend and one cartesian panel).

use plotters::coord::Shift;
use plotters::prelude::*;

mod axes;
mod bars;
mod chain;
mod chain_band;
mod compare;
mod depth;
mod draw;
mod inside;
mod inside_units;
mod norms;
mod panel;
mod speed;
mod sweep;
mod text;
mod theme;
mod training;

pub use bars::gradient_bars;
pub use chain::{chain_chart, SIGMA_Z_RANGE};
pub use chain_band::{chain_band_chart, widest_band, BandText};
pub use compare::{compare_norms_chart, compare_speed_chart, compare_training_chart};
pub use depth::depth_chart;
pub use inside::{factor_chart, inside_norms_chart, InsideText};
pub use inside_units::{activations_chart, norms_heatmap, units_chart, update_ratio_chart, UPDATE_RATIO_RULE};
pub use norms::norm_bars;
pub use speed::speed_chart;
pub use sweep::chain_sweep_chart;
pub use text::{format_value, ChartText, PanelText};
pub use theme::{Theme, OKABE_ITO};
pub use training::training_chart;

/// Drawing failed in the backend (plotters' error, as text).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

fn de<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Render `draw` into an SVG document of `width × height` pixels.
pub fn svg<F>(width: u32, height: u32, draw: F) -> Result<String, ChartError>
where
    F: FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), ChartError>,
{
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width.max(1), height.max(1))).into_drawing_area();
        draw(&root)?;
        root.present().map_err(de)?;
    }
    Ok(out)
}
