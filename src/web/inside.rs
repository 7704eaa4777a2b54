//! The view inside the network (issue 10) on the page: only in the second wasm module,
//! built with `--features inside` (scripts/build.sh → www/pkg-inside). Its computation and
//! charts cost ~50 KB gzipped, which the first view's module (≤ 250 KB) cannot carry; the
//! page imports this module when the reader opens the view.
//!
//! In the worker, [`InsideProbe`] holds the probe images and computes the report of a
//! network given as network2 JSON (the panel's `Lab::network_json`: the two modules share
//! no memory). On the main thread, [`inside_draw`] and [`inside_svg`] draw its two charts
//! from a small description the page builds from that report.

use super::draw::{page_theme, text};
use super::{Result, WebBackend, WebError};
use crate::charts::{factor_chart, inside_norms_chart, InsideText};
use crate::data::Dataset;
use crate::init::BiasInit;
use crate::inside::{init_variances, inside, InsideConfig, LayerFactor, Spectrum, REFRESH_WORK};
use crate::network2_json;
use crate::{Init, Network};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The probe images of the view, held in the worker between refreshes.
#[wasm_bindgen]
pub struct InsideProbe {
    images: Dataset,
}

/// The initialisation a fresh panel network was drawn from, as the page sends it: the
/// prediction then uses its exact variances; without it (after training, or for a loaded
/// file) they are measured from the weights.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Fresh {
    init: String,
    biases: String,
    gain: f64,
}

#[wasm_bindgen]
impl InsideProbe {
    /// The first `count` images of the training files (IDX bytes, inflated), as the
    /// command line's `gradlab inside` takes them.
    #[wasm_bindgen(constructor)]
    pub fn new(images: &[u8], labels: &[u8], count: usize) -> Result<InsideProbe> {
        let all = Dataset::from_idx(images, labels)?;
        Ok(InsideProbe { images: all.take(count.max(1)) })
    }

    /// The report ([`crate::inside::InsideReport`]) of the network `network_json` as JSON;
    /// `fresh_json` is a [`Fresh`] or empty. The spectra pool as many images as
    /// [`REFRESH_WORK`] allows, so a refresh stays within its time at any width.
    pub fn report(&self, network_json: &str, fresh_json: &str) -> Result<String> {
        let net: Network<f32> = network2_json::from_json(network_json)?;
        let variances = if fresh_json.trim().is_empty() {
            None
        } else {
            let f: Fresh = serde_json::from_str(fresh_json).map_err(|e| WebError::new("setting", format!("bad initialisation: {e}")))?;
            let init = Init::ALL.into_iter().find(|i| i.name() == f.init);
            let biases = BiasInit::ALL.into_iter().find(|b| b.name() == f.biases);
            init.zip(biases).map(|(i, b)| init_variances(net.sizes(), i, b, f.gain))
        };
        let count = self.images.len();
        let spectrum_images = crate::inside::spectrum_images_within(net.sizes(), count, REFRESH_WORK);
        let config = InsideConfig { count, spectrum_images, variances, per_image: false };
        let report = inside(&net, &self.images, &config)?;
        Ok(serde_json::to_string(&report)?)
    }
}

/// Every series is read as the same type; `null` (JSON's ∞ and NaN) reads as NaN.
type Series = Vec<Option<f64>>;

fn nan(v: Series) -> Vec<f64> {
    v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect()
}

/// One hidden layer's factor as the page has it: the report's `spectrum` and `ratio`.
#[derive(Deserialize)]
struct Summary {
    largest: Option<f64>,
    median: Option<f64>,
    smallest: Option<f64>,
    rms: Option<f64>,
}

impl From<Summary> for Spectrum {
    fn from(s: Summary) -> Spectrum {
        let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
        Spectrum { largest: v(s.largest), median: v(s.median), smallest: v(s.smallest), rms: v(s.rms) }
    }
}

#[derive(Deserialize)]
struct Factor {
    spectrum: Summary,
    ratio: Summary,
}

/// The view's charts, JSON `{"<kind>": {…}}` as in [`super::draw`]'s `Chart`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum InsideChart {
    /// [`factor_chart`]: the report's `factors` and the mean field's χ_l.
    Factors { factors: Vec<Factor>, predicted: Series },
    /// [`inside_norms_chart`]: the report's `norms` and `predictedNorms`.
    Norms { norms: Series, predicted: Series },
}

impl InsideChart {
    fn parse(json: &str) -> Result<InsideChart> {
        serde_json::from_str(json).map_err(|e| WebError::new("chart", format!("bad chart description: {e}")))
    }

    fn render<DB: DrawingBackend>(self, area: &DrawingArea<DB, Shift>, labels: &str, inside_labels: &str, theme: &crate::charts::Theme) -> Result<()> {
        let ct = text(labels);
        // A translation that does not parse draws in English (as `text` does), never blank.
        let t: InsideText = if inside_labels.trim().is_empty() { InsideText::default() } else { serde_json::from_str(inside_labels).unwrap_or_default() };
        match self {
            InsideChart::Factors { factors, predicted } => {
                let factors: Vec<LayerFactor> = factors
                    .into_iter()
                    .enumerate()
                    .map(|(i, f)| LayerFactor {
                        layer: i + 1,
                        spectrum: f.spectrum.into(),
                        ratio: f.ratio.into(),
                        singular_values: None,
                        f_prime: None,
                        ratios: None,
                    })
                    .collect();
                factor_chart(area, &factors, &nan(predicted), &t, &ct, theme)?
            }
            InsideChart::Norms { norms, predicted } => inside_norms_chart(area, &nan(norms), &nan(predicted), &t, &ct, theme)?,
        }
        Ok(())
    }
}

/// Draw an [`InsideChart`] on `canvas` as [`super::draw`] draws the page's charts.
/// `labels` is a partial `ChartText`, `inside_labels` a partial [`InsideText`] (JSON).
#[wasm_bindgen]
pub fn inside_draw(canvas: HtmlCanvasElement, chart: &str, dpr: f64, labels: &str, inside_labels: &str) -> Result<()> {
    let chart = InsideChart::parse(chart)?;
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| WebError::new("chart", "the canvas has no 2-D context"))?;
    let area = WebBackend::Canvas(backend).into_drawing_area();
    chart.render(&area, labels, inside_labels, &page_theme().on_canvas(dpr.clamp(0.5, 4.0)))?;
    area.present().map_err(|e| WebError::new("chart", e))?;
    Ok(())
}

/// The chart of [`inside_draw`] as SVG, `width × height` CSS pixels (see [`super::svg`]).
#[wasm_bindgen]
pub fn inside_svg(chart: &str, width: u32, height: u32, labels: &str, inside_labels: &str) -> Result<String> {
    let chart = InsideChart::parse(chart)?;
    let size = (width.clamp(1, 8192), height.clamp(1, 8192));
    let mut out = String::new();
    {
        let area = WebBackend::Svg(SVGBackend::with_string(&mut out, size)).into_drawing_area();
        chart.render(&area, labels, inside_labels, &page_theme())?;
        area.present().map_err(|e| WebError::new("chart", e))?;
    }
    Ok(out)
}
