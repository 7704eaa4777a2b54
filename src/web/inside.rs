//! The view inside the network (issue 10) on the page: only in the second wasm module,
//! built with `--features inside` (scripts/build.sh → www/pkg-inside). Its computation and
//! charts cost ~50 KB gzipped, which the first view's module (≤ 250 KB) cannot carry; the
//! page imports this module when the reader opens the view.
//!
//! In the worker, [`InsideProbe`] holds the probe images and computes the report of a
//! network given as network2 JSON (the panel's `Lab::network_json`: the two modules share
//! no memory). On the main thread, [`inside_draw`] and [`inside_svg`] draw its two charts
//! from a small description the page builds from that report.

use super::theme::{page_theme, text};
use super::{Result, WebBackend, WebError};
use crate::charts::{activations_chart, factor_chart, inside_norms_chart, norms_heatmap, units_chart, update_ratio_chart, InsideText};
use crate::data::Dataset;
use crate::init::BiasInit;
use crate::inside::{init_variances, inside, EpochInside, Histogram, InsideConfig, InsideRecorder, LayerFactor, LayerUnits, Spectrum, REFRESH_WORK};
use crate::network2_json;
use crate::train::TrainConfig;
use crate::{Init, Network};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The probe images of the view, held in the worker between refreshes, and the panel's
/// run as training goes: one [`EpochInside`] per epoch recorded.
#[wasm_bindgen]
pub struct InsideProbe {
    images: Dataset,
    recorder: Option<InsideRecorder<f32>>,
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
        Ok(InsideProbe { images: all.take(count.max(1)), recorder: None })
    }

    /// Forget the recorded run (a new network: another width, another run).
    pub fn clear_history(&mut self) {
        self.recorder = None;
    }

    /// Record the network `network_json` as it is after `epoch` epochs of training with
    /// learning rate `eta` and regularisation `lambda` on `n` examples (the update-to-weight
    /// ratio is the step SGD takes: [`InsideRecorder::record`]). A record of an epoch at or
    /// before the last one replaces the records from it on.
    pub fn record(&mut self, network_json: &str, epoch: usize, eta: f64, lambda: f64, n: usize) -> Result<()> {
        let net: Network<f32> = network2_json::from_json(network_json)?;
        let recorder = match &mut self.recorder {
            Some(r) => r,
            None => self.recorder.insert(InsideRecorder::new(&net, &self.images, self.images.len())?),
        };
        while recorder.history.last().is_some_and(|e| e.epoch >= epoch) {
            recorder.history.pop();
        }
        let config = TrainConfig { eta, lambda, ..TrainConfig::default() };
        recorder.record(&net, epoch, &config, n);
        Ok(())
    }

    /// The recorded run as JSON: a list of [`EpochInside`], first epoch first.
    pub fn history(&self) -> Result<String> {
        let empty = Vec::new();
        Ok(serde_json::to_string(self.recorder.as_ref().map_or(&empty, |r| &r.history))?)
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

/// A histogram as the report has it ([`Histogram`]).
#[derive(Deserialize)]
struct HistogramJs {
    lo: f64,
    hi: f64,
    counts: Vec<u64>,
    below: u64,
    above: u64,
    invalid: u64,
}

impl From<HistogramJs> for Histogram {
    fn from(h: HistogramJs) -> Histogram {
        Histogram { lo: h.lo, hi: h.hi, counts: h.counts, below: h.below, above: h.above, invalid: h.invalid }
    }
}

/// One hidden layer's units as the report has them ([`LayerUnits`]; a diverged network's
/// statistics arrive as `null`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitsJs {
    layer: usize,
    saturated: Option<f64>,
    dead: Option<f64>,
    mean: Option<f64>,
    std: Option<f64>,
    activations: HistogramJs,
    f_prime: HistogramJs,
    log_delta: HistogramJs,
}

impl From<UnitsJs> for LayerUnits {
    fn from(u: UnitsJs) -> LayerUnits {
        let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
        LayerUnits {
            layer: u.layer,
            saturated: v(u.saturated),
            dead: v(u.dead),
            mean: v(u.mean),
            std: v(u.std),
            activations: u.activations.into(),
            f_prime: u.f_prime.into(),
            log_delta: u.log_delta.into(),
        }
    }
}

/// One epoch's record as [`InsideProbe::history`] writes it ([`EpochInside`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EpochJs {
    epoch: usize,
    #[serde(default)]
    log_norms: Series,
    #[serde(default)]
    update_ratio: Series,
    #[serde(default)]
    mean: Series,
    #[serde(default)]
    std: Series,
    #[serde(default)]
    saturated: Series,
}

impl From<EpochJs> for EpochInside {
    fn from(e: EpochJs) -> EpochInside {
        EpochInside {
            epoch: e.epoch,
            log_norms: nan(e.log_norms),
            update_ratio: nan(e.update_ratio),
            mean: nan(e.mean),
            std: nan(e.std),
            saturated: nan(e.saturated),
        }
    }
}

/// The view's charts, JSON `{"<kind>": {…}}` as in [`super::draw`]'s `Chart`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum InsideChart {
    /// [`factor_chart`]: the report's `factors` and the mean field's χ_l.
    Factors {
        factors: Vec<Factor>,
        predicted: Series,
    },
    /// [`inside_norms_chart`]: the report's `norms` and `predictedNorms`.
    Norms {
        norms: Series,
        predicted: Series,
    },
    /// [`units_chart`]: the report's `units`.
    Units {
        units: Vec<UnitsJs>,
    },
    /// [`activations_chart`], [`norms_heatmap`], [`update_ratio_chart`]: the recorded run.
    Activations {
        history: Vec<EpochJs>,
    },
    Heatmap {
        history: Vec<EpochJs>,
    },
    Updates {
        history: Vec<EpochJs>,
    },
}

fn epochs(history: Vec<EpochJs>) -> Vec<EpochInside> {
    history.into_iter().map(EpochInside::from).collect()
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
            InsideChart::Units { units } => {
                let units: Vec<LayerUnits> = units.into_iter().map(LayerUnits::from).collect();
                units_chart(area, &units, &t, &ct, theme)?
            }
            InsideChart::Activations { history } => activations_chart(area, &epochs(history), &t, &ct, theme)?,
            InsideChart::Heatmap { history } => norms_heatmap(area, &epochs(history), &t, &ct, theme)?,
            InsideChart::Updates { history } => update_ratio_chart(area, &epochs(history), &t, &ct, theme)?,
        }
        Ok(())
    }
}

/// Draw an [`InsideChart`] on `canvas` as [`super::draw`] draws the page's charts.
/// `labels` is a partial `ChartText`, `inside_labels` a partial [`InsideText`] (JSON).
#[wasm_bindgen]
pub fn inside_draw(canvas: HtmlCanvasElement, chart: &str, dpr: f64, labels: &str, inside_labels: &str) -> Result<()> {
    let chart = InsideChart::parse(chart)?;
    let area = WebBackend::canvas(canvas).ok_or_else(|| WebError::new("chart", "the canvas has no 2-D context"))?.into_drawing_area();
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
