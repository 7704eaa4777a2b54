//! The chain's band view (issue 10, item 5) on the page: in the second wasm module only
//! (`--features inside`, like src/web/inside.rs), which the page imports when the reader
//! turns the view on — its chart would not fit the first view's module (≤ 250 KB gzipped,
//! scripts/budgets.mjs). [`chain_band_draw`] draws [`crate::charts::chain_band_chart`] on a
//! canvas and returns the band's numbers; [`chain_band_svg`] draws the same as SVG.
//!
//! Small on purpose: the chain comes as the arguments of [`super::chain_report`], the words
//! as lines ([`BandText::from_lines`]) and the numbers go back as a flat array
//! ([`band_numbers`]) — serde readers and writers for them cost the module ~9 KB gzipped.

use super::theme::page_theme;
use super::{chain_of, Result, WebBackend, WebError};
use crate::chain::{term_band, term_band_scan, TermBand};
use crate::charts::{chain_band_chart, widest_band, BandText, Theme, SIGMA_Z_RANGE};
use crate::Activation;
use plotters::coord::Shift;
use plotters::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The page's chain (as [`super::chain_report`] takes it) and the weight `band_w` whose band
/// is drawn (the slider's w; w₂ of a random chain).
struct BandChart {
    w: Vec<f64>,
    b: Vec<f64>,
    zero_z: bool,
    a0: f64,
    activation: String,
    residual: bool,
    band_w: f64,
}

/// What the page writes beside the chart, flat: `[skip, kind, z, width, widest_w,
/// widest_width, z0, z1, z0, z1, …]`. `skip` 1 when the band's terms are 1 + w·f′; `kind` of
/// the closed form ([`term_band`], none with skips): 0 empty, 1 an interval |z| ≤ `z` of
/// inputs a `width` wide, 2 unbounded, 3 none; the widest width over |w| ∈ [1, 200] and its
/// |w| (NaN where none); then the band of z scanned over the chart's range [−8, 8].
fn band_numbers(f: Activation, w: f64, skip: bool) -> Vec<f64> {
    let nan = f64::NAN;
    let (kind, z, width) = match (!skip).then(|| term_band(f, w)) {
        Some(TermBand::Empty) => (0.0, nan, 0.0),
        Some(TermBand::Interval { z, width }) => (1.0, z, width),
        Some(TermBand::Unbounded) => (2.0, nan, f64::INFINITY),
        None => (3.0, nan, nan),
    };
    let (ww, wwidth) = if skip { None } else { widest_band(f) }.unwrap_or((nan, nan));
    let mut out = vec![skip as u8 as f64, kind, z, width, ww, wwidth];
    for (z0, z1) in term_band_scan(f, w, skip, -SIGMA_Z_RANGE, SIGMA_Z_RANGE, 641) {
        out.extend([z0, z1]);
    }
    out
}

impl BandChart {
    fn render<DB: DrawingBackend>(self, area: &DrawingArea<DB, Shift>, labels: &str, theme: &Theme) -> Result<Vec<f64>> {
        if !self.band_w.is_finite() {
            return Err(WebError::new("chart", format!("the band's weight must be a finite number, but is {}", self.band_w)));
        }
        let chain = chain_of(self.w, self.b, self.zero_z, self.a0, &self.activation, self.residual)?;
        let report = chain.report()?;
        let (f, w) = (chain.activation, self.band_w);
        // The band is a hidden neuron's: with skips, one of neurons 2..L−1 (1 + w·f′).
        let skip = chain.residual && chain.w.len() > 2;
        chain_band_chart(area, &report, f, w, skip, &BandText::from_lines(labels), theme)?;
        Ok(band_numbers(f, w, skip))
    }
}

/// Draw the band view of the chain on `canvas` (`labels`: [`BandText::from_lines`], '' for
/// English); returns [`band_numbers`].
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn chain_band_draw(
    canvas: HtmlCanvasElement,
    w: Vec<f64>,
    b: Vec<f64>,
    zero_z: bool,
    a0: f64,
    activation: &str,
    residual: bool,
    band_w: f64,
    dpr: f64,
    labels: &str,
) -> Result<Vec<f64>> {
    let chart = BandChart { w, b, zero_z, a0, activation: activation.to_string(), residual, band_w };
    let area = WebBackend::canvas(canvas).ok_or_else(|| WebError::new("chart", "the canvas has no 2-D context"))?.into_drawing_area();
    let out = chart.render(&area, labels, &page_theme().on_canvas(dpr.clamp(0.5, 4.0)))?;
    area.present().map_err(|e| WebError::new("chart", e))?;
    Ok(out)
}

/// The chart of [`chain_band_draw`] as SVG, `width × height` CSS pixels.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn chain_band_svg(
    w: Vec<f64>,
    b: Vec<f64>,
    zero_z: bool,
    a0: f64,
    activation: &str,
    residual: bool,
    band_w: f64,
    width: u32,
    height: u32,
    labels: &str,
) -> Result<String> {
    let chart = BandChart { w, b, zero_z, a0, activation: activation.to_string(), residual, band_w };
    let size = (width.clamp(1, 8192), height.clamp(1, 8192));
    let mut out = String::new();
    {
        let area = WebBackend::Svg(SVGBackend::with_string(&mut out, size)).into_drawing_area();
        chart.render(&area, labels, &page_theme())?;
        area.present().map_err(|e| WebError::new("chart", e))?;
    }
    Ok(out)
}
