//! The [`Lab`] handle: the worker's data, the panel's network and the chapter's runs,
//! stepped by JavaScript a little at a time; numbers through plain methods, structured
//! results as camelCase JSON.

use super::settings::{check_mini_batch, momentum, Settings};
use super::{Result, WebError};
use crate::data::Subset;
use crate::experiments::{self as ex, DepthExperiment, NormsRun, SpeedExperiment};
use crate::limits::{self, MAX_HIDDEN, MAX_NETWORK_BYTES};
use crate::network2_json;
use crate::probe::{probe, BOOK_SAMPLE};
use crate::train::Momentum;
use crate::train::{accuracy, total_cost, TrainConfig, TrainError, Trainer};
use crate::{Cost, Init, Network, Rng};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

/// serde_json writes ∞ and NaN as `null`: a probe crosses with nulls for the non-finite
/// numbers of an exploded network, and comes back (a chart's data) read as overflow: a
/// norm as ∞, a signed gradient as NaN.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProbeJs {
    count: usize,
    layers: Vec<LayerProbeJs>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct LayerProbeJs {
    layer: usize,
    #[serde(default)]
    delta: Vec<Option<f64>>,
    norm: Option<f64>,
    first_six: Vec<Option<f64>>,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

impl From<&crate::probe::Probe> for ProbeJs {
    fn from(p: &crate::probe::Probe) -> Self {
        let signed = |v: &[f64]| v.iter().map(|&x| finite(x)).collect();
        let layers =
            p.layers.iter().map(|l| LayerProbeJs { layer: l.layer, delta: signed(&l.delta), norm: finite(l.norm), first_six: signed(&l.first_six) }).collect();
        ProbeJs { count: p.count, layers }
    }
}

impl From<ProbeJs> for crate::probe::Probe {
    fn from(p: ProbeJs) -> Self {
        let signed = |v: Vec<Option<f64>>| v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect();
        let layers = p
            .layers
            .into_iter()
            .map(|l| crate::probe::LayerProbe { layer: l.layer, delta: signed(l.delta), norm: l.norm.unwrap_or(f64::INFINITY), first_six: signed(l.first_six) })
            .collect();
        crate::probe::Probe { count: p.count, layers }
    }
}

fn probe_json(p: &crate::probe::Probe) -> Result<String> {
    Ok(serde_json::to_string(&ProbeJs::from(p))?)
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
    probe: ProbeJs,
    finite: bool,
}

/// The lab's state in the worker: the data, the network being trained, and the chapter's
/// runs (each resumable, driven a step at a time by the worker).
#[wasm_bindgen]
pub struct Lab {
    pub(super) subset: Rc<Subset>,
    trainer: Option<Trainer<f32>>,
    norms: Option<NormsRun>,
    speed: Option<SpeedExperiment<f32>>,
    depth: Option<DepthExperiment<f32>>,
    /// The last loaded file's `"momentum"` (none: the file had no such key).
    file_momentum: Option<Momentum>,
}

thread_local! {
    /// The digits of the labs alive in this thread, and a hash of the files they came
    /// from: the worker makes two labs (the panel's and the chapter's) of the same files,
    /// and one copy of the images serves both.
    static SUBSET: RefCell<(u64, Weak<Subset>)> = const { RefCell::new((0, Weak::new())) };
}

/// The subset of these six files: the one a living lab already holds, or a new one.
fn shared_subset(files: [&[u8]; 6]) -> Result<Rc<Subset>> {
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
        let subset = Subset::from_idx_files(files)?;
        for d in [&subset.training, &subset.validation] {
            d.expect_shape(28, 28)?;
        }
        let subset = Rc::new(subset);
        *shared = (key, Rc::downgrade(&subset));
        Ok(subset)
    })
}

fn not_started(experiment: &str) -> WebError {
    WebError::with("notStarted", format!("the {experiment} run has not started"), vec![("experiment", experiment.into())])
}

#[wasm_bindgen]
impl Lab {
    /// The lab over the six IDX files of the subset (gzip or raw bytes), in the order of
    /// [`subset_files`].
    #[wasm_bindgen(constructor)]
    pub fn new(ti: &[u8], tl: &[u8], vi: &[u8], vl: &[u8], si: &[u8], sl: &[u8]) -> Result<Lab> {
        Ok(Lab { subset: shared_subset([ti, tl, vi, vl, si, sl])?, trainer: None, norms: None, speed: None, depth: None, file_momentum: None })
    }

    /// Sizes of the three splits: training, validation, test.
    pub fn split_sizes(&self) -> Vec<u32> {
        [&self.subset.training, &self.subset.validation, &self.subset.test].iter().map(|d| d.len() as u32).collect()
    }

    fn trainer(&self) -> Result<&Trainer<f32>> {
        self.trainer.as_ref().ok_or_else(|| WebError::new("noNetwork", "no network yet"))
    }

    /// A fresh network from the settings (JSON), replacing the current one.
    pub fn reset(&mut self, settings_json: &str) -> Result<()> {
        let settings: Settings = serde_json::from_str(settings_json).map_err(|e| WebError::new("setting", format!("bad settings: {e}")))?;
        let (sizes, c, config) = settings.validate()?;
        let mut rng = Rng::new(settings.seed as u64);
        let net = Network::<f32>::new_with_biases(&sizes, c.init, c.biases, settings.gain, Cost::CrossEntropy, &mut rng)?
            .with_activation(c.activation)
            .with_residual(settings.residual)
            .with_batch_norm(settings.batch_norm);
        // Batch norm with mini-batch 1 is refused here, before the old trainer goes.
        if settings.batch_norm && config.mini_batch_size < 2 {
            return Err(TrainError::BatchNormMiniBatch.into());
        }
        // The old trainer goes first, so that two copies of its training rows never
        // coexist (wasm memory never shrinks): the settings were checked above.
        self.trainer = None;
        let mut trainer = Trainer::new(net, config, rng, &self.subset.training)?;
        if let Some(m) = c.momentum {
            trainer.set_momentum(m).map_err(|e| WebError::setting("momentum", m.mu, e))?;
        }
        self.trainer = Some(trainer);
        Ok(())
    }

    /// Change η, λ, the mini-batch size or the momentum without a new network (a new
    /// momentum starts from zero velocity; the same one keeps its velocities).
    pub fn retune(&mut self, eta: f64, lambda: f64, mini_batch: usize, mu: f64, nesterov: bool, schedule: bool) -> Result<()> {
        check_mini_batch(mini_batch)?;
        let m = momentum(mu, nesterov, schedule)?;
        let t = self.trainer.as_mut().ok_or_else(|| WebError::new("noNetwork", "no network yet"))?;
        t.set_config(TrainConfig { mini_batch_size: mini_batch, eta, lambda, shuffle: true })?;
        if m != t.momentum() && !(m.is_none() && t.momentum().is_some_and(|m| m.mu == 0.0)) {
            // Back to μ = 0 is plain SGD's numbers (src/train/momentum.rs), bit for bit.
            t.set_momentum(m.unwrap_or_default()).map_err(|e| WebError::setting("momentum", mu, e))?;
        }
        Ok(())
    }

    /// Train up to `max_batches` mini-batches; returns true when an epoch just ended.
    /// A diverged network raises a `diverged` error naming the epoch.
    pub fn train(&mut self, max_batches: usize) -> Result<bool> {
        let t = self.trainer.as_mut().ok_or_else(|| WebError::new("noNetwork", "no network yet"))?;
        Ok(t.train_batches(max_batches)?.epoch_ended)
    }

    /// Epochs done by the current network (0 without one).
    pub fn epochs_done(&self) -> usize {
        self.trainer.as_ref().map_or(0, |t| t.epochs_done())
    }

    /// Examples done of the current epoch.
    pub fn position(&self) -> usize {
        self.trainer.as_ref().map_or(0, |t| t.position())
    }

    /// Examples per epoch.
    pub fn training_size(&self) -> usize {
        self.trainer.as_ref().map_or(0, |t| t.training_size())
    }

    /// The gradient probe (first 1,000 training images) and, when `evaluate`, the
    /// validation accuracy and the training cost, as JSON.
    pub fn snapshot(&self, evaluate: bool) -> Result<String> {
        let t = self.trainer()?;
        let p = probe(&t.net, &self.subset.training, BOOK_SAMPLE)?;
        let finite = p.is_finite() && t.net.check_finite().is_ok();
        let (mut acc, mut cost) = (None, None);
        if evaluate && finite {
            acc = Some(accuracy(&t.net, &self.subset.validation)? as f64 / self.subset.validation.len() as f64);
            // The cost on the first 1,000 training images (the whole set would take longer than the epoch's probe).
            cost = Some(total_cost(&t.net, &self.subset.training.take(BOOK_SAMPLE), t.config().lambda)?);
        }
        let s = Snapshot { epoch: t.epochs_done(), position: t.position(), accuracy: acc, cost, probe: ProbeJs::from(&p), finite };
        Ok(serde_json::to_string(&s)?)
    }

    /// The current network in network2's JSON format.
    pub fn network_json(&self) -> Result<String> {
        // The training setting "momentum" only where it is used (μ > 0): a plain-SGD
        // network's file stays network2's own.
        let t = self.trainer()?;
        Ok(network2_json::to_json_with_momentum(&t.net, t.momentum().filter(|m| m.mu > 0.0)))
    }

    /// The last loaded file's `"momentum"` as [μ, Nesterov, schedule] (1 or 0); empty if
    /// it had none (the panel's settings then stay, as before the key existed).
    pub fn file_momentum(&self) -> Vec<f64> {
        self.file_momentum.map_or_else(Vec::new, |m| vec![m.mu, m.nesterov as u8 as f64, m.schedule as u8 as f64])
    }

    /// The current network's hidden activation, by [`Activation::name`] (a loaded file's
    /// `"activation"` key, or the settings').
    pub fn network_activation(&self) -> Result<String> {
        Ok(self.trainer()?.net.activation().name().into())
    }

    /// Whether the current network has skip connections (a loaded file's `"residual"`).
    pub fn network_residual(&self) -> Result<bool> {
        Ok(self.trainer()?.net.residual())
    }

    /// Whether the current network's hidden layers are batch-normalised (`"batch_norm"`).
    pub fn network_batch_norm(&self) -> Result<bool> {
        Ok(self.trainer()?.net.batch_norm())
    }

    /// The current network's sizes, [784, …, 10].
    pub fn network_sizes(&self) -> Result<Vec<u32>> {
        Ok(self.trainer()?.net.sizes().iter().map(|&s| s as u32).collect())
    }

    /// Replace the network by one in network2's JSON format, of any architecture the
    /// panel can train (`limits::check_panel_sizes`). Returns its sizes. On any error the
    /// current network stays (the trainer is replaced only at the end). η, λ and the
    /// mini-batch size stay those of the panel.
    pub fn load_network(&mut self, json: &str) -> Result<Vec<u32>> {
        if json.len() > MAX_NETWORK_BYTES {
            let message = format!("the file is {} bytes; the page loads network files up to {} MB", json.len(), MAX_NETWORK_BYTES >> 20);
            return Err(WebError::with("networkTooBig", message, vec![("bytes", (json.len() as f64).into()), ("limit", (MAX_NETWORK_BYTES as f64).into())]));
        }
        let (net, file_momentum): (Network<f32>, _) = network2_json::from_json_with_momentum(json)?;
        limits::check_panel_sizes(net.sizes()).map_err(|m| {
            WebError::with("networkShape", m, vec![("sizes", js_sys::Uint32Array::from(&net.sizes().iter().map(|&s| s as u32).collect::<Vec<_>>()[..]).into())])
        })?;
        let config = self.trainer.as_ref().map(|t| *t.config()).unwrap_or_default();
        // The file's "momentum" if it has one, else the panel's (as before the key existed).
        let momentum = file_momentum.or_else(|| self.trainer.as_ref().and_then(|t| t.momentum()));
        let sizes = net.sizes().iter().map(|&s| s as u32).collect();
        // A batch-normalised file with the panel's mini-batch of 1 is refused (the network stays).
        let mut trainer = Trainer::new(net, config, Rng::new(0), &self.subset.training)?;
        if let Some(m) = momentum {
            trainer.set_momentum(m).map_err(|e| WebError::setting("momentum", m.mu, e))?;
        }
        self.trainer = Some(trainer);
        self.file_momentum = file_momentum;
        Ok(sizes)
    }

    // ------------------------------------------------------------ the chapter's runs

    /// (a) The book's bar chart: the probe of [784, 30, 30, 10] at initialisation, as JSON.
    pub fn book_bars(&self, seed: u32) -> Result<String> {
        probe_json(&ex::book_bars::<f32>(&self.subset.training, seed as u64)?)
    }

    /// (b) Start the ‖δ^l‖ table: 2, 3, 4 hidden layers, `seeds` networks each.
    pub fn norms_start(&mut self, first_seed: u32, seeds: usize) -> Result<()> {
        self.norms = Some(NormsRun::book(Init::Scaled, first_seed as u64, seeds)?);
        Ok(())
    }

    /// Probe one more network; returns the number of depths finished.
    pub fn norms_step(&mut self) -> Result<usize> {
        let run = self.norms.as_mut().ok_or_else(|| not_started("norms"))?;
        run.step::<f32>(&self.subset.training)?;
        Ok(run.rows().len())
    }

    /// Depths in the table.
    pub fn norms_total(&self) -> usize {
        ex::BOOK_NORMS_HIDDEN.len()
    }

    /// The finished depths as JSON `[{hidden, mean, std, runs}]`.
    pub fn norms_rows(&self) -> Result<String> {
        Ok(serde_json::to_string(self.norms.as_ref().ok_or_else(|| not_started("norms"))?.rows())?)
    }

    /// (c) Start the learning-speed run (book protocol) for `hidden` hidden layers.
    pub fn speed_start(&mut self, hidden: usize, seed: u32, epochs: usize) -> Result<()> {
        if !(1..=MAX_HIDDEN).contains(&hidden) {
            return Err(WebError::setting("hidden", hidden as u32, format!("hidden layers must be between 1 and {MAX_HIDDEN}, but is {hidden}")));
        }
        self.speed = Some(SpeedExperiment::book(&self.subset.training, hidden, seed as u64, epochs)?);
        Ok(())
    }

    /// Run up to `epochs` more epochs; returns the epochs done.
    pub fn speed_step(&mut self, epochs: usize) -> Result<usize> {
        let run = self.speed.as_mut().ok_or_else(|| not_started("speed"))?;
        for _ in 0..epochs {
            run.step()?;
        }
        Ok(run.progress().0)
    }

    /// The history so far as JSON `history[epoch][layer]`.
    pub fn speed_history(&self) -> Result<String> {
        Ok(serde_json::to_string(self.speed.as_ref().ok_or_else(|| not_started("speed"))?.history())?)
    }

    /// (d) Start accuracy by depth: 1–4 hidden layers, `runs` seeds each, `epochs` epochs.
    pub fn depth_start(&mut self, first_seed: u32, runs: usize, epochs: usize) -> Result<()> {
        self.depth = Some(DepthExperiment::book(first_seed as u64, runs, epochs)?);
        Ok(())
    }

    /// Train up to `max_batches` mini-batches; when an epoch ends, that epoch as JSON
    /// `{hidden, run, seed, epoch, accuracy, done, total}`.
    pub fn depth_step(&mut self, max_batches: usize) -> Result<Option<String>> {
        let run = self.depth.as_mut().ok_or_else(|| not_started("depth"))?;
        match run.step(&self.subset, max_batches)? {
            Some(e) => Ok(Some(serde_json::to_string(&e)?)),
            None => Ok(None),
        }
    }

    pub fn depth_is_done(&self) -> bool {
        self.depth.as_ref().is_some_and(|d| d.is_done())
    }

    /// The finished depths as JSON `[{hidden, mean, std, bestMean, bestStd, finals, bests, curves}]`.
    pub fn depth_rows(&self) -> Result<String> {
        Ok(serde_json::to_string(self.depth.as_ref().ok_or_else(|| not_started("depth"))?.rows())?)
    }
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
    pub fn new(lab: &Lab, sizes: Vec<u32>, mini_batch: usize) -> Result<BenchRun> {
        let sizes: Vec<usize> = sizes.into_iter().map(|s| s as usize).collect();
        let mut rng = Rng::new(1);
        let net = Network::<f32>::new(&sizes, Init::Scaled, 1.0, Cost::CrossEntropy, &mut rng)?;
        let config = TrainConfig { mini_batch_size: mini_batch, ..TrainConfig::default() };
        Ok(BenchRun { trainer: Trainer::new(net, config, rng, &lab.subset.training)? })
    }

    /// One epoch; returns the number of examples trained on.
    pub fn epoch(&mut self) -> Result<usize> {
        self.trainer.run_epoch()?;
        Ok(self.trainer.training_size())
    }
}
