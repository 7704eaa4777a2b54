//! The wasm boundary: the only module that knows about JavaScript. Everything here is a
//! thin wrapper: long-lived state (the data, the trainer) lives in Rust behind the [`Lab`]
//! handle; JavaScript receives small JSON strings or numbers. Charts are drawn by the
//! same plotters functions as the command line's SVGs, onto a canvas sized in device pixels.
//!
//! Errors cross as `JsError` carrying the library's message; a panic is logged to the
//! console (console_error_panic_hook) and surfaces in JavaScript as a thrown
//! `RuntimeError`, which the page reports.

use crate::chain::{Chain, ChainBias};
use crate::charts::{self, ChartText, Theme};
use crate::data::Subset;
use crate::experiments::{self as ex, book_sizes};
use crate::network2_json;
use crate::probe::{probe, SpeedRun, BOOK_SAMPLE};
use crate::train::{accuracy, total_cost, TrainConfig, Trainer};
use crate::{Cost, Init, Network, Rng};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

mod backend;
use backend::WebBackend;

/// The page's limits (issue: keep the tab responsive). A [784, 6×100, 10] network is
/// ~140k parameters; at ~100k examples/s in wasm an epoch of 8,000 stays under a second.
pub const MAX_HIDDEN: usize = 6;
pub const MAX_WIDTH: usize = 100;
pub const MAX_MINI_BATCH: usize = 1000;

/// Largest network file the page loads (bytes). network2's `json.dump` writes ~24 bytes per
/// number, so the largest network the panel trains, [784, 6×100, 10] (~130,000
/// parameters), is ~3 MB; 8 MB leaves room for indented files. The page checks the
/// file's size before reading it ([`max_network_bytes`]); `load_network` checks again.
pub const MAX_NETWORK_BYTES: usize = 8 << 20;

/// [`MAX_NETWORK_BYTES`], for the page's file check.
#[wasm_bindgen]
pub fn max_network_bytes() -> usize {
    MAX_NETWORK_BYTES
}

/// Whether the panel can train a network of these sizes (see [`Lab::load_network`]).
fn check_panel_sizes(sizes: &[usize]) -> Result<(), String> {
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

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Panics, for the fault tests (tests/e2e/faults.test.mjs): a real Rust panic, which on
/// wasm aborts into a `RuntimeError` (unreachable) and leaves this instance unusable, as a
/// bug in the core would. The page's answer is to restart its worker; a user calling this
/// only restarts their own worker.
#[wasm_bindgen]
pub fn debug_panic() {
    panic!("debug_panic: a panic on purpose, to test the page's recovery");
}

/// A random 32-bit seed from the browser's crypto generator (getrandom).
#[wasm_bindgen]
pub fn random_seed() -> Result<u32, JsError> {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).map_err(js_err)?;
    Ok(u32::from_le_bytes(b))
}

/// The settings of the network panel, as the page sends them.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    pub hidden: usize,
    pub width: usize,
    /// "scaled" or "large".
    pub init: String,
    pub gain: f64,
    pub eta: f64,
    pub lambda: f64,
    pub mini_batch: usize,
    pub seed: u32,
}

impl Settings {
    fn validate(&self) -> Result<(Vec<usize>, Init, TrainConfig), String> {
        if !(1..=MAX_HIDDEN).contains(&self.hidden) {
            return Err(format!("hidden layers must be between 1 and {MAX_HIDDEN}, but is {}", self.hidden));
        }
        if !(1..=MAX_WIDTH).contains(&self.width) {
            return Err(format!("the layer width must be between 1 and {MAX_WIDTH}, but is {}", self.width));
        }
        if !(1..=MAX_MINI_BATCH).contains(&self.mini_batch) {
            return Err(format!("the mini-batch size must be between 1 and {MAX_MINI_BATCH}, but is {}", self.mini_batch));
        }
        let init = match self.init.as_str() {
            "scaled" => Init::Scaled,
            "large" => Init::Large,
            other => return Err(format!("unknown initialisation \"{other}\" (scaled or large)")),
        };
        if !(self.gain.is_finite() && self.gain > 0.0) {
            return Err(format!("the gain must be a positive number, but is {}", self.gain));
        }
        let config = TrainConfig { mini_batch_size: self.mini_batch, eta: self.eta, lambda: self.lambda, shuffle: true };
        config.validate().map_err(|e| e.to_string())?;
        Ok((book_sizes(self.hidden, self.width), init, config))
    }
}

/// Everything the page shows after an epoch (or at initialisation).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    epoch: usize,
    position: usize,
    /// Validation accuracy in [0, 1]; None before training when not asked for.
    accuracy: Option<f64>,
    cost: Option<f64>,
    probe: crate::probe::Probe,
    finite: bool,
}

/// The lab's state in the worker: the data, the network being trained, and the
/// learning-speed run of the chapter section.
#[wasm_bindgen]
pub struct Lab {
    subset: Rc<Subset>,
    settings: Option<Settings>,
    trainer: Option<Trainer<f32>>,
    speed: Option<SpeedRun<f32>>,
}

#[wasm_bindgen]
impl Lab {
    /// The lab over the six IDX files of the subset (gzip or raw bytes), in the order of
    /// `data::SUBSET_FILES`.
    #[wasm_bindgen(constructor)]
    pub fn new(ti: &[u8], tl: &[u8], vi: &[u8], vl: &[u8], si: &[u8], sl: &[u8]) -> Result<Lab, JsError> {
        Ok(Lab { subset: shared_subset([ti, tl, vi, vl, si, sl])?, settings: None, trainer: None, speed: None })
    }

    /// Sizes of the three splits as JSON `[training, validation, test]`.
    pub fn sizes(&self) -> String {
        format!("[{},{},{}]", self.subset.training.len(), self.subset.validation.len(), self.subset.test.len())
    }

    /// A fresh network from the settings (JSON), replacing the current one.
    pub fn reset(&mut self, settings_json: &str) -> Result<(), JsError> {
        let settings: Settings = serde_json::from_str(settings_json).map_err(|e| js_err(format!("bad settings: {e}")))?;
        let (sizes, init, config) = settings.validate().map_err(js_err)?;
        let mut rng = Rng::new(settings.seed as u64);
        let net = Network::<f32>::new(&sizes, init, settings.gain, Cost::CrossEntropy, &mut rng).map_err(js_err)?;
        // The old trainer goes first, so that two copies of its training rows never
        // coexist (wasm memory never shrinks): the settings were checked above.
        self.trainer = None;
        self.trainer = Some(Trainer::new(net, config, rng, &self.subset.training).map_err(js_err)?);
        self.settings = Some(settings);
        Ok(())
    }

    /// Change η, λ or the mini-batch size without a new network.
    pub fn retune(&mut self, eta: f64, lambda: f64, mini_batch: usize) -> Result<(), JsError> {
        let t = self.trainer.as_mut().ok_or_else(|| js_err("no network yet"))?;
        if !(1..=MAX_MINI_BATCH).contains(&mini_batch) {
            return Err(js_err(format!("the mini-batch size must be between 1 and {MAX_MINI_BATCH}, but is {mini_batch}")));
        }
        t.set_config(TrainConfig { mini_batch_size: mini_batch, eta, lambda, shuffle: true }).map_err(js_err)
    }

    /// Train up to `max_batches` mini-batches; returns true when an epoch just ended.
    /// A diverged network raises an error naming the epoch.
    pub fn train(&mut self, max_batches: usize) -> Result<bool, JsError> {
        let t = self.trainer.as_mut().ok_or_else(|| js_err("no network yet"))?;
        Ok(t.train_batches(max_batches).map_err(js_err)?.epoch_ended)
    }

    /// Epochs done and the position within the current one, as JSON `[epochs, position, n]`.
    pub fn progress(&self) -> String {
        match &self.trainer {
            Some(t) => format!("[{},{},{}]", t.epochs_done(), t.position(), t.training_size()),
            None => "[0,0,0]".into(),
        }
    }

    /// The gradient probe (first 1,000 training images) and, when `evaluate`, the
    /// validation accuracy and the training cost, as JSON.
    pub fn snapshot(&self, evaluate: bool) -> Result<String, JsError> {
        let t = self.trainer.as_ref().ok_or_else(|| js_err("no network yet"))?;
        let p = probe(&t.net, &self.subset.training, BOOK_SAMPLE).map_err(js_err)?;
        let finite = p.is_finite() && t.net.check_finite().is_ok();
        let (mut acc, mut cost) = (None, None);
        if evaluate && finite {
            acc = Some(accuracy(&t.net, &self.subset.validation).map_err(js_err)? as f64 / self.subset.validation.len() as f64);
            // The cost on the first 1,000 training images (the whole set would take longer than the epoch's probe).
            let lambda = t.config().lambda;
            cost = Some(total_cost(&t.net, &self.subset.training.take(BOOK_SAMPLE), lambda).map_err(js_err)?);
        }
        let s = Snapshot { epoch: t.epochs_done(), position: t.position(), accuracy: acc, cost, probe: p, finite };
        serde_json::to_string(&s).map_err(js_err)
    }

    /// The current network in network2's JSON format.
    pub fn network_json(&self) -> Result<String, JsError> {
        let t = self.trainer.as_ref().ok_or_else(|| js_err("no network yet"))?;
        Ok(network2_json::to_json(&t.net))
    }

    /// ‖δ^l‖ etc. at initialisation for a [784, width×hidden, 10] network (the chapter's
    /// table), as the JSON of a probe.
    pub fn init_probe(&self, hidden: usize, width: usize, init: &str, gain: f64, seed: u32) -> Result<String, JsError> {
        let init = match init {
            "large" => Init::Large,
            _ => Init::Scaled,
        };
        if !(1..=MAX_HIDDEN).contains(&hidden) || !(1..=MAX_WIDTH).contains(&width) {
            return Err(js_err(format!("hidden layers 1–{MAX_HIDDEN} and width 1–{MAX_WIDTH}, not {hidden} × {width}")));
        }
        let p = ex::init_probe::<f32>(&self.subset.training, hidden, width, init, gain, seed as u64).map_err(js_err)?;
        serde_json::to_string(&p).map_err(js_err)
    }

    /// Start the learning-speed experiment (book protocol) for `hidden` hidden layers.
    pub fn speed_start(&mut self, hidden: usize, seed: u32) -> Result<(), JsError> {
        if !(1..=MAX_HIDDEN).contains(&hidden) {
            return Err(js_err(format!("hidden layers must be between 1 and {MAX_HIDDEN}, but is {hidden}")));
        }
        self.speed = Some(ex::book_speed_run::<f32>(&self.subset.training, hidden, seed as u64).map_err(js_err)?);
        Ok(())
    }

    /// Run `epochs` more epochs of the learning-speed experiment; returns the whole
    /// history so far as JSON (`history[epoch][layer]`).
    pub fn speed_step(&mut self, epochs: usize) -> Result<String, JsError> {
        let s = self.speed.as_mut().ok_or_else(|| js_err("the learning-speed run has not started"))?;
        for _ in 0..epochs {
            s.step().map_err(js_err)?;
        }
        serde_json::to_string(&s.history).map_err(js_err)
    }

    /// One run of the depth experiment, a whole epoch at a time: a fresh book network
    /// with `hidden` layers (call [`Lab::reset`] style, but with the book's settings).
    pub fn depth_reset(&mut self, hidden: usize, seed: u32) -> Result<(), JsError> {
        let settings = Settings { hidden, width: ex::BOOK_WIDTH, init: "scaled".into(), gain: 1.0, eta: 0.1, lambda: 5.0, mini_batch: 10, seed };
        self.reset(&serde_json::to_string(&settings).map_err(js_err)?)
    }

    /// Validation accuracy of the current network, in [0, 1].
    pub fn validation_accuracy(&self) -> Result<f64, JsError> {
        let t = self.trainer.as_ref().ok_or_else(|| js_err("no network yet"))?;
        Ok(accuracy(&t.net, &self.subset.validation).map_err(js_err)? as f64 / self.subset.validation.len() as f64)
    }

    /// Replace the network by one in network2's JSON format, of any architecture the
    /// panel can train: 784 inputs (the digits' pixels), 10 outputs (the digits),
    /// 1–[`MAX_HIDDEN`] hidden layers of 1–[`MAX_WIDTH`] neurons. Returns its sizes as JSON.
    /// On any error the current network stays (the trainer is replaced only at the end).
    /// η, λ and the mini-batch size stay those of the panel.
    pub fn load_network(&mut self, json: &str) -> Result<String, JsError> {
        if json.len() > MAX_NETWORK_BYTES {
            return Err(js_err(format!("the file is {} bytes; the page loads network files up to {} MB", json.len(), MAX_NETWORK_BYTES >> 20)));
        }
        let net: Network<f32> = network2_json::from_json(json).map_err(js_err)?;
        check_panel_sizes(net.sizes()).map_err(js_err)?;
        let config = self.trainer.as_ref().map(|t| *t.config()).unwrap_or_default();
        let sizes = serde_json::to_string(net.sizes()).map_err(js_err)?;
        self.trainer = Some(Trainer::new(net, config, Rng::new(0), &self.subset.training).map_err(js_err)?);
        Ok(sizes)
    }
}

thread_local! {
    /// The digits of the labs alive in this thread, and a hash of the files they came
    /// from: the worker makes two labs (the panel's and the chapter's) of the same files,
    /// and one copy of the images serves both.
    static SUBSET: RefCell<(u64, Weak<Subset>)> = RefCell::new((0, Weak::new()));
}

/// The subset of these six files: the one a living lab already holds, or a new one.
fn shared_subset(files: [&[u8]; 6]) -> Result<Rc<Subset>, JsError> {
    // FNV-1a over every byte and each file's length: a few lines, where std's SipHash
    // would add a kilobyte to the module.
    let mut key: u64 = 0xcbf2_9ce4_8422_2325;
    for f in files {
        for &b in f.iter().chain(&(f.len() as u64).to_le_bytes()) {
            key = (key ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    SUBSET.with(|shared| {
        let mut shared = shared.borrow_mut();
        if let (true, Some(subset)) = (shared.0 == key, shared.1.upgrade()) {
            return Ok(subset);
        }
        let subset = Subset::from_idx_files(files).map_err(js_err)?;
        for d in [&subset.training, &subset.validation] {
            d.expect_shape(28, 28).map_err(js_err)?;
        }
        let subset = Rc::new(subset);
        *shared = (key, Rc::downgrade(&subset));
        Ok(subset)
    })
}

/// A training run for `scripts/bench-browser.mjs`: a [784, …, 10] network on the lab's
/// training set; JavaScript times [`BenchRun::epoch`] with `performance.now()`.
#[wasm_bindgen]
pub struct BenchRun {
    trainer: Trainer<f32>,
}

#[wasm_bindgen]
impl BenchRun {
    #[wasm_bindgen(constructor)]
    pub fn new(lab: &Lab, sizes: Vec<u32>, mini_batch: usize) -> Result<BenchRun, JsError> {
        let sizes: Vec<usize> = sizes.into_iter().map(|s| s as usize).collect();
        let mut rng = Rng::new(1);
        let net = Network::<f32>::new(&sizes, Init::Scaled, 1.0, Cost::CrossEntropy, &mut rng).map_err(js_err)?;
        let config = TrainConfig { mini_batch_size: mini_batch, ..TrainConfig::default() };
        Ok(BenchRun { trainer: Trainer::new(net, config, rng, &lab.subset.training).map_err(js_err)? })
    }

    /// One epoch; returns the number of examples trained on.
    pub fn epoch(&mut self) -> Result<usize, JsError> {
        self.trainer.run_epoch().map_err(js_err)?;
        Ok(self.trainer.training_size())
    }
}

// ---------------------------------------------------------------- the chain (main thread)

/// The chain's report as JSON. `w` and `b` per neuron; `zero_z` picks b_j so z_j = 0.
#[wasm_bindgen]
pub fn chain_report(w: Vec<f64>, b: Vec<f64>, zero_z: bool, a0: f64) -> Result<String, JsError> {
    let report = chain_of(w, b, zero_z, a0).report().map_err(js_err)?;
    serde_json::to_string(&report).map_err(js_err)
}

fn chain_of(w: Vec<f64>, b: Vec<f64>, zero_z: bool, a0: f64) -> Chain {
    let bias = if zero_z { ChainBias::ZeroZ } else { ChainBias::Given };
    Chain { w, b, bias, a0, cost: Cost::CrossEntropy, y: 0.0 }
}

/// The seed note's random chain: w_j, b_j ~ N(0, 1), as JSON `{"w": [...], "b": [...]}`.
#[wasm_bindgen]
pub fn book_random_chain(layers: usize, seed: u32) -> String {
    let c = Chain::book_random(layers.clamp(1, 1000), seed as u64);
    serde_json::json!({"w": c.w, "b": c.b}).to_string()
}

// ---------------------------------------------------------------- drawing

/// Labels in the page's language: `labels` is a (partial) [`ChartText`] as JSON from
/// `www/i18n/*.js`; an empty string or a missing field means English. A translation that
/// does not parse is a bug of the page, not of the reader: draw in English rather than
/// leave a blank chart, and say so on the console.
fn text(labels: &str, default: ChartText) -> ChartText {
    if labels.trim().is_empty() {
        return default;
    }
    serde_json::from_str(labels).unwrap_or_else(|e| {
        web_sys::console::warn_1(&format!("chart labels ignored: {e}").into());
        default
    })
}

thread_local! {
    /// The page's colour scheme for every chart drawn from now on ([`set_theme`]).
    static DARK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The page's colour scheme (light or dark, `www/main.js` from the `theme` setting or the
/// system's): every chart drawn after it, on a canvas or as SVG, uses that theme.
#[wasm_bindgen]
pub fn set_theme(dark: bool) {
    DARK.with(|d| d.set(dark));
}

/// The theme the page asked for ([`set_theme`]), at scale 1: the SVG downloads.
fn page_theme() -> Theme {
    if DARK.with(|d| d.get()) {
        Theme::dark()
    } else {
        Theme::light()
    }
}

/// The canvas look: every size times the device pixel ratio, fonts corrected so the canvas
/// matches the SVG charts (see [`Theme::for_canvas`]).
fn theme(dpr: f64) -> Theme {
    page_theme().on_canvas(dpr.clamp(0.5, 4.0))
}

/// serde_json writes ∞ and NaN as `null`, so the probe of an exploded network comes back
/// from the page with nulls. Read them as non-finite numbers, which the charts draw as
/// overflow: a norm as ∞, a signed gradient as NaN.
#[derive(Deserialize)]
struct LayerProbeJs {
    layer: usize,
    #[serde(default)]
    delta: Vec<Option<f64>>,
    norm: Option<f64>,
    first_six: Vec<Option<f64>>,
}

#[derive(Deserialize)]
struct ProbeJs {
    count: usize,
    layers: Vec<LayerProbeJs>,
}

fn probe_from_json(json: &str) -> Result<crate::probe::Probe, JsError> {
    let p: ProbeJs = serde_json::from_str(json).map_err(js_err)?;
    let signed = |v: Vec<Option<f64>>| v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect();
    let layers = p
        .layers
        .into_iter()
        .map(|l| crate::probe::LayerProbe { layer: l.layer, delta: signed(l.delta), norm: l.norm.unwrap_or(f64::INFINITY), first_six: signed(l.first_six) })
        .collect();
    Ok(crate::probe::Probe { count: p.count, layers })
}

fn with_canvas(canvas: HtmlCanvasElement, draw: impl FnOnce(&DrawingArea<WebBackend, plotters::coord::Shift>) -> Result<(), charts::ChartError>) -> Result<(), JsError> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| js_err("the canvas has no 2-D context"))?;
    let area = WebBackend::Canvas(backend).into_drawing_area();
    draw(&area).map_err(js_err)?;
    area.present().map_err(js_err)
}

/// Draw the chain's three panels; returns the report as JSON for the page's text.
#[wasm_bindgen]
pub fn draw_chain(canvas: HtmlCanvasElement, w: Vec<f64>, b: Vec<f64>, zero_z: bool, a0: f64, dpr: f64, labels: &str) -> Result<String, JsError> {
    let report = chain_of(w, b, zero_z, a0).report().map_err(js_err)?;
    with_canvas(canvas, |a| charts::chain_chart(a, &report, &text(labels, ChartText::default()), &theme(dpr)))?;
    serde_json::to_string(&report).map_err(js_err)
}

/// The book's bar chart from a probe's JSON.
#[wasm_bindgen]
pub fn draw_bars(canvas: HtmlCanvasElement, probe_json: &str, dpr: f64, labels: &str) -> Result<(), JsError> {
    let p = probe_from_json(probe_json)?;
    with_canvas(canvas, |a| charts::gradient_bars(a, &p, &text(labels, ChartText::default()), &theme(dpr)))
}

/// ‖δ^l‖ per layer, with the book's values beside them when given (empty = none).
#[wasm_bindgen]
pub fn draw_norms(canvas: HtmlCanvasElement, norms: Vec<f64>, book: Vec<f64>, dpr: f64, labels: &str) -> Result<(), JsError> {
    let book = (!book.is_empty()).then_some(book);
    with_canvas(canvas, |a| charts::norm_bars(a, &norms, book.as_deref(), &text(labels, ChartText::default()), &theme(dpr)))
}

fn history_from_json(json: &str) -> Result<Vec<Vec<f64>>, JsError> {
    let h: Vec<Vec<Option<f64>>> = serde_json::from_str(json).map_err(js_err)?;
    Ok(h.into_iter().map(|row| row.into_iter().map(|v| v.unwrap_or(f64::INFINITY)).collect()).collect())
}

/// Learning-speed curves from JSON `history[epoch][layer]` (null, JSON's ∞, reads as ∞).
#[wasm_bindgen]
pub fn draw_speed(canvas: HtmlCanvasElement, history_json: &str, dpr: f64, labels: &str) -> Result<(), JsError> {
    let h = history_from_json(history_json)?;
    with_canvas(canvas, |a| charts::speed_chart(a, &h, &text(labels, ChartText::default()), &theme(dpr)))
}

/// Accuracy (in percent, 0–100, as `charts::training_chart` takes it) and cost over epochs.
#[wasm_bindgen]
pub fn draw_training(canvas: HtmlCanvasElement, accuracy: Vec<f64>, cost: Vec<f64>, dpr: f64, labels: &str) -> Result<(), JsError> {
    with_canvas(canvas, |a| charts::training_chart(a, &accuracy, &cost, &text(labels, ChartText::default()), &theme(dpr)))
}

/// The depth table as a chart: rows JSON `[[hidden, mean %, std %], …]`.
#[wasm_bindgen]
pub fn draw_depth(canvas: HtmlCanvasElement, rows_json: &str, dpr: f64, labels: &str) -> Result<(), JsError> {
    let rows: Vec<(usize, f64, f64)> = serde_json::from_str(rows_json).map_err(js_err)?;
    with_canvas(canvas, |a| charts::depth_chart(a, &rows, &ex::BOOK_DEPTH_ACCURACY, &text(labels, ChartText::default()), &theme(dpr)))
}

/// The book's numbers, for the page's tables, as JSON.
#[wasm_bindgen]
pub fn book_numbers() -> String {
    serde_json::json!({
        "depthAccuracy": ex::BOOK_DEPTH_ACCURACY,
        "initNorms": ex::BOOK_INIT_NORMS,
    })
    .to_string()
}

// ---------------------------------------------------------------- export as SVG
//
// Each `*_svg` takes the same data as its `draw_*` above and renders the same chart
// function through plotters' SVG backend, `width × height` CSS pixels at scale 1 (an SVG
// scales by itself), so the download is the chart on the page, as vectors.

/// The largest SVG side accepted (pixels): a chart is a few hundred wide; this only keeps
/// a bad call from allocating a huge string.
const MAX_SVG_SIDE: u32 = 8192;

fn svg_of(width: u32, height: u32, draw: impl FnOnce(&DrawingArea<WebBackend, plotters::coord::Shift>) -> Result<(), charts::ChartError>) -> Result<String, JsError> {
    // charts::svg, but through WebBackend, so each chart function is compiled once for the
    // canvas and the SVG (src/web/backend.rs; 22 KB of the gzipped module).
    let size = (width.clamp(1, MAX_SVG_SIDE), height.clamp(1, MAX_SVG_SIDE));
    let mut out = String::new();
    {
        let area = WebBackend::Svg(SVGBackend::with_string(&mut out, size)).into_drawing_area();
        draw(&area).map_err(js_err)?;
        area.present().map_err(js_err)?;
    }
    Ok(out)
}

/// The chain's three panels as SVG (the data of [`draw_chain`]).
#[wasm_bindgen]
pub fn chain_svg(w: Vec<f64>, b: Vec<f64>, zero_z: bool, a0: f64, width: u32, height: u32, labels: &str) -> Result<String, JsError> {
    let report = chain_of(w, b, zero_z, a0).report().map_err(js_err)?;
    svg_of(width, height, |a| charts::chain_chart(a, &report, &text(labels, ChartText::default()), &page_theme()))
}

/// The bar chart of [`draw_bars`] as SVG.
#[wasm_bindgen]
pub fn bars_svg(probe_json: &str, width: u32, height: u32, labels: &str) -> Result<String, JsError> {
    let p = probe_from_json(probe_json)?;
    svg_of(width, height, |a| charts::gradient_bars(a, &p, &text(labels, ChartText::default()), &page_theme()))
}

/// ‖δ^l‖ per layer ([`draw_norms`]) as SVG.
#[wasm_bindgen]
pub fn norms_svg(norms: Vec<f64>, book: Vec<f64>, width: u32, height: u32, labels: &str) -> Result<String, JsError> {
    let book = (!book.is_empty()).then_some(book);
    svg_of(width, height, |a| charts::norm_bars(a, &norms, book.as_deref(), &text(labels, ChartText::default()), &page_theme()))
}

/// The learning-speed curves ([`draw_speed`]) as SVG.
#[wasm_bindgen]
pub fn speed_svg(history_json: &str, width: u32, height: u32, labels: &str) -> Result<String, JsError> {
    let h = history_from_json(history_json)?;
    svg_of(width, height, |a| charts::speed_chart(a, &h, &text(labels, ChartText::default()), &page_theme()))
}

/// Accuracy and cost ([`draw_training`]) as SVG.
#[wasm_bindgen]
pub fn training_svg(accuracy: Vec<f64>, cost: Vec<f64>, width: u32, height: u32, labels: &str) -> Result<String, JsError> {
    svg_of(width, height, |a| charts::training_chart(a, &accuracy, &cost, &text(labels, ChartText::default()), &page_theme()))
}

/// Accuracy by depth ([`draw_depth`]) as SVG.
#[wasm_bindgen]
pub fn depth_svg(rows_json: &str, width: u32, height: u32, labels: &str) -> Result<String, JsError> {
    let rows: Vec<(usize, f64, f64)> = serde_json::from_str(rows_json).map_err(js_err)?;
    svg_of(width, height, |a| charts::depth_chart(a, &rows, &ex::BOOK_DEPTH_ACCURACY, &text(labels, ChartText::default()), &page_theme()))
}
