//! Drawing: one description of a chart ([`Chart`]) drawn on a canvas ([`draw`]) or into an
//! SVG string ([`svg`]) by the same plotters function, in the page's theme.

use super::lab::ProbeJs;
use super::theme::{page_theme, text};
use super::{chain_of, Result, WebBackend, WebError};
use crate::charts::{self, ChartText, Theme};
use crate::experiments as ex;
use plotters::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// What a chart shows, as the page describes it: JSON `{"<kind>": {…}}`, e.g.
/// `{"norms": {"norms": [0.003, 0.017], "book": []}}`. Externally tagged, which serde reads
/// in one pass (an internally tagged enum buffers every field first, a larger module).
/// `null` in a series (JSON's ∞ and NaN) reads as overflow: ∞ for a norm,
/// NaN for a measurement.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
enum Chart {
    /// The chain's three panels; `zero_z` picks b_j so z_j = 0; `activation` names f of
    /// neurons 1..L−1 (absent: the sigmoid, the book's chain).
    Chain {
        w: Series,
        b: Series,
        zero_z: bool,
        a0: f64,
        #[serde(default)]
        activation: Option<String>,
        /// Skips around neurons 2..L−1 (absent: the book's chain).
        #[serde(default)]
        residual: bool,
    },
    /// The book's bar chart: ∂C/∂b of six neurons per layer.
    Bars {
        probe: ProbeJs,
    },
    /// ‖δ^l‖ per layer, with the book's values beside them when given.
    Norms {
        norms: Series,
        #[serde(default)]
        book: Series,
    },
    /// Learning-speed curves, `history[epoch][layer]`.
    Speed {
        history: Vec<Series>,
    },
    /// Accuracy (in percent) and cost over epochs.
    Training {
        accuracy: Series,
        cost: Series,
    },
    /// Accuracy by depth, rows `[hidden, mean %, std %]`, beside the book's.
    Depth {
        rows: Vec<Series>,
    },
    /// A and B: ‖δ^l‖ per layer (`a[l]`), learning speed (`a[epoch][layer]`, epoch 0
    /// first), accuracy (%) and cost per epoch (epoch 1 first).
    CompareNorms {
        a: Series,
        b: Series,
    },
    CompareSpeed {
        a: Vec<Series>,
        b: Vec<Series>,
    },
    CompareTraining {
        accuracy_a: Series,
        accuracy_b: Series,
        cost_a: Series,
        cost_b: Series,
    },
}

/// Every series is read as the same type, so the module holds one reader for them all.
type Series = Vec<Option<f64>>;

fn or(v: Vec<Option<f64>>, missing: f64) -> Vec<f64> {
    v.into_iter().map(|x| x.unwrap_or(missing)).collect()
}

impl Chart {
    fn parse(json: &str) -> Result<Chart> {
        serde_json::from_str(json).map_err(|e| WebError::new("chart", format!("bad chart description: {e}")))
    }

    /// Draw on `area`; returns the chain's report as JSON (the page's text needs it).
    fn render<DB: DrawingBackend>(self, area: &DrawingArea<DB, plotters::coord::Shift>, t: &ChartText, theme: &Theme) -> Result<Option<String>> {
        match self {
            Chart::Chain { w, b, zero_z, a0, activation, residual } => {
                // A missing weight reads as NaN, which the chain refuses by name.
                let chain = chain_of(or(w, f64::NAN), or(b, f64::NAN), zero_z, a0, activation.as_deref().unwrap_or("sigmoid"), residual)?;
                let report = chain.report()?;
                charts::chain_chart(area, &report, chain.activation, t, theme)?;
                return Ok(Some(serde_json::to_string(&report)?));
            }
            Chart::Bars { probe } => charts::gradient_bars(area, &probe.into(), t, theme)?,
            Chart::Norms { norms, book } => {
                let book = (!book.is_empty()).then_some(book);
                let book = book.map(|b| or(b, f64::NAN));
                charts::norm_bars(area, &or(norms, f64::INFINITY), book.as_deref(), t, theme)?
            }
            Chart::Speed { history } => {
                let h: Vec<Vec<f64>> = history.into_iter().map(|row| or(row, f64::INFINITY)).collect();
                charts::speed_chart(area, &h, t, theme)?
            }
            Chart::Training { accuracy, cost } => charts::training_chart(area, &or(accuracy, f64::NAN), &or(cost, f64::NAN), t, theme)?,
            Chart::Depth { rows } => {
                let at = |r: &Series, i: usize| r.get(i).copied().flatten().unwrap_or(f64::NAN);
                let rows: Vec<(usize, f64, f64)> = rows.iter().map(|r| (at(r, 0) as usize, at(r, 1), at(r, 2))).collect();
                charts::depth_chart(area, &rows, &ex::BOOK_DEPTH_ACCURACY, t, theme)?
            }
            Chart::CompareNorms { a, b } => charts::compare_norms_chart(area, (&or(a, f64::INFINITY), &or(b, f64::INFINITY)), t, theme)?,
            Chart::CompareSpeed { a, b } => {
                let h = |s: Vec<Series>| s.into_iter().map(|row| or(row, f64::INFINITY)).collect::<Vec<_>>();
                charts::compare_speed_chart(area, (&h(a), &h(b)), t, theme)?
            }
            Chart::CompareTraining { accuracy_a, accuracy_b, cost_a, cost_b } => {
                let (aa, ab, ca, cb) = (or(accuracy_a, f64::NAN), or(accuracy_b, f64::NAN), or(cost_a, f64::NAN), or(cost_b, f64::NAN));
                charts::compare_training_chart(area, (&aa, &ab), (&ca, &cb), t, theme)?
            }
        }
        Ok(None)
    }
}

/// Draw the chart `chart` (a [`Chart`] as JSON) on `canvas`, every size times the device
/// pixel ratio, fonts corrected so the canvas matches the SVG (see [`Theme::on_canvas`]).
/// Returns the chain's report as JSON for a chain, else nothing.
#[wasm_bindgen]
pub fn draw(canvas: HtmlCanvasElement, chart: &str, dpr: f64, labels: &str) -> Result<Option<String>> {
    let chart = Chart::parse(chart)?;
    let area = WebBackend::canvas(canvas).ok_or_else(|| WebError::new("chart", "the canvas has no 2-D context"))?.into_drawing_area();
    let out = chart.render(&area, &text(labels), &page_theme().on_canvas(dpr.clamp(0.5, 4.0)))?;
    area.present().map_err(|e| WebError::new("chart", e))?;
    Ok(out)
}

/// The largest SVG side accepted (pixels): a chart is a few hundred wide; this only keeps
/// a bad call from allocating a huge string.
const MAX_SVG_SIDE: u32 = 8192;

/// The chart of [`draw`] as SVG, `width × height` CSS pixels at scale 1 (an SVG scales by
/// itself), so a download is the chart on the page, as vectors. Through [`WebBackend`]
/// like the canvas, so each chart function is compiled once for both.
#[wasm_bindgen]
pub fn svg(chart: &str, width: u32, height: u32, labels: &str) -> Result<String> {
    let chart = Chart::parse(chart)?;
    let size = (width.clamp(1, MAX_SVG_SIDE), height.clamp(1, MAX_SVG_SIDE));
    let mut out = String::new();
    {
        let area = WebBackend::Svg(SVGBackend::with_string(&mut out, size)).into_drawing_area();
        chart.render(&area, &text(labels), &page_theme())?;
        area.present().map_err(|e| WebError::new("chart", e))?;
    }
    Ok(out)
}
