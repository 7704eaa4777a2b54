//! The chapter's experiments, shared by the command line and the browser: the book's
//! numbers, and resumable runs that reproduce each one on any data set. Each run does a
//! small unit of work per `step()`, so the command line drives it in a loop with a
//! progress bar and the page's worker schedules it between messages; both get the same
//! numbers because both run this code.

use crate::chain::{Chain, ChainBias, ChainError, ChainReport};
use crate::data::{Dataset, Subset};
use crate::network::{Cost, Init, Network, NetworkError};
use crate::probe::{probe, Probe, SpeedRun, BOOK_SAMPLE, BOOK_SPEED_ETA, BOOK_SPEED_LAMBDA};
use crate::real::Real;
use crate::rng::Rng;
use crate::train::{accuracy, TrainConfig, TrainError, Trainer};
use serde::Serialize;

/// MNIST's image size and classes (LeCun et al., 1998).
pub const MNIST_PIXELS: usize = 784;
pub const MNIST_CLASSES: usize = 10;
/// The chapter's hidden-layer width: "30 hidden neurons" per layer.
pub const BOOK_WIDTH: usize = 30;
/// The chapter's training run: 30 epochs, mini-batch 10, η = 0.1, λ = 5.0.
pub const BOOK_EPOCHS: usize = 30;

/// Classification accuracies the book reports on full MNIST for 1–4 hidden layers of 30
/// (ch. 5, "The vanishing gradient problem"), in percent.
pub const BOOK_DEPTH_ACCURACY: [f64; 4] = [96.48, 96.90, 96.57, 96.53];

/// ‖δ^l‖ at initialisation the book reports for 2, 3 and 4 hidden layers of 30 (ch. 5),
/// averaged over the first 1,000 training images, first hidden layer first.
pub const BOOK_INIT_NORMS: [&[f64]; 3] = [&[0.07, 0.31], &[0.012, 0.060, 0.283], &[0.003, 0.017, 0.070, 0.285]];

/// The depths of the chapter's ‖δ^l‖ table and of its learning-speed figures.
pub const BOOK_NORMS_HIDDEN: [usize; 3] = [2, 3, 4];
/// The depth experiment trains 1 to this many hidden layers (the book's 1–4).
pub const BOOK_DEPTH_MAX_HIDDEN: usize = 4;
/// The chapter's bar chart: ∂C/∂b of six neurons per layer of [784, 30, 30, 10].
pub const BOOK_BARS_HIDDEN: usize = 2;

/// The book's sizes for `hidden` hidden layers of `width` neurons: [784, width, …, 10].
pub fn book_sizes(hidden: usize, width: usize) -> Vec<usize> {
    let mut sizes = vec![MNIST_PIXELS];
    sizes.extend(std::iter::repeat_n(width, hidden));
    sizes.push(MNIST_CLASSES);
    sizes
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ExperimentError {
    #[error("{what} must be at least 1, but is {value}")]
    Count { what: &'static str, value: usize },
    #[error(transparent)]
    Network(#[from] NetworkError),
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error(transparent)]
    Chain(#[from] ChainError),
}

/// The book's network for `sizes`, from `seed`: the generator that drew it is returned
/// too, so training continues the same stream (as network2's global random state).
pub fn seeded_network<F: Real>(sizes: &[usize], init: Init, gain: f64, seed: u64) -> Result<(Network<F>, Rng), NetworkError> {
    let mut rng = Rng::new(seed);
    let net = Network::new(sizes, init, gain, Cost::CrossEntropy, &mut rng)?;
    Ok((net, rng))
}

/// ‖δ^l‖ at initialisation for `hidden` hidden layers (the chapter's table), from `seed`.
pub fn init_probe<F: Real>(training: &Dataset, hidden: usize, width: usize, init: Init, gain: f64, seed: u64) -> Result<Probe, ExperimentError> {
    let (net, _) = seeded_network::<F>(&book_sizes(hidden, width), init, gain, seed)?;
    Ok(probe(&net, training, BOOK_SAMPLE)?)
}

/// The learning-speed experiment for `hidden` hidden layers with the book's protocol.
pub fn book_speed_run<F: Real>(training: &Dataset, hidden: usize, seed: u64) -> Result<SpeedRun<F>, ExperimentError> {
    let (net, rng) = seeded_network::<F>(&book_sizes(hidden, BOOK_WIDTH), Init::Scaled, 1.0, seed)?;
    Ok(SpeedRun::new(net, training, BOOK_SAMPLE, BOOK_SPEED_ETA, BOOK_SPEED_LAMBDA, rng)?)
}

/// The chain with every weight `w`, over a range of weights: one report per weight.
pub fn chain_sweep(layers: usize, weights: &[f64], bias: ChainBias) -> Result<Vec<(f64, ChainReport)>, ExperimentError> {
    weights.iter().map(|&w| Ok((w, Chain::uniform(layers, w, 0.0, bias).report()?))).collect()
}

/// Mean and sample standard deviation (n − 1); the deviation is 0 for a single value.
pub fn mean_std(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (mean, 0.0);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// The book's numbers and protocol, as the page receives them (`book_numbers` in
/// src/web.rs): the page's tables and defaults come from here, not from copies.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BookNumbers {
    pub depth_accuracy: [f64; 4],
    pub init_norms: Vec<Vec<f64>>,
    pub norms_hidden: [usize; 3],
    pub depth_max_hidden: usize,
    pub bars_hidden: usize,
    pub width: usize,
    pub epochs: usize,
    pub mini_batch: usize,
    pub eta: f64,
    pub lambda: f64,
    pub sample: usize,
    pub speed_epochs: usize,
    pub speed_eta: f64,
    pub speed_lambda: f64,
}

pub fn book_numbers() -> BookNumbers {
    let config = TrainConfig::default();
    BookNumbers {
        depth_accuracy: BOOK_DEPTH_ACCURACY,
        init_norms: BOOK_INIT_NORMS.iter().map(|r| r.to_vec()).collect(),
        norms_hidden: BOOK_NORMS_HIDDEN,
        depth_max_hidden: BOOK_DEPTH_MAX_HIDDEN,
        bars_hidden: BOOK_BARS_HIDDEN,
        width: BOOK_WIDTH,
        epochs: BOOK_EPOCHS,
        mini_batch: config.mini_batch_size,
        eta: config.eta,
        lambda: config.lambda,
        sample: BOOK_SAMPLE,
        speed_epochs: crate::probe::BOOK_SPEED_EPOCHS,
        speed_eta: BOOK_SPEED_ETA,
        speed_lambda: BOOK_SPEED_LAMBDA,
    }
}

/// The chapter's bar chart (a): the probe of [784, 30, 30, 10] at initialisation.
pub fn book_bars<F: Real>(training: &Dataset, seed: u64) -> Result<Probe, ExperimentError> {
    init_probe::<F>(training, BOOK_BARS_HIDDEN, BOOK_WIDTH, Init::Scaled, 1.0, seed)
}

fn at_least_one(what: &'static str, value: usize) -> Result<(), ExperimentError> {
    if value == 0 {
        return Err(ExperimentError::Count { what, value });
    }
    Ok(())
}

// ---------------------------------------------------------------- (b) ‖δ^l‖ at initialisation

/// ‖δ^l‖ of every seed's network of one depth, and their mean and sample deviation per layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NormsRow {
    pub hidden: usize,
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    /// `runs[s][l]`: ‖δ^{l+1}‖ of the network drawn from the `s`-th seed.
    pub runs: Vec<Vec<f64>>,
}

/// One network probed by [`NormsRun::step`].
#[derive(Clone, Debug, PartialEq)]
pub struct NormsProbe {
    pub hidden: usize,
    pub seed: u64,
    pub norms: Vec<f64>,
}

/// The chapter's table of ‖δ^l‖ at initialisation: for each depth, `seeds` networks drawn
/// from seeds `first_seed, first_seed + 1, …`, one network per step.
#[derive(Clone, Debug)]
pub struct NormsRun {
    hiddens: Vec<usize>,
    width: usize,
    init: Init,
    gain: f64,
    first_seed: u64,
    seeds: usize,
    /// The finished depths.
    rows: Vec<NormsRow>,
    /// The norms of the depth under way.
    runs: Vec<Vec<f64>>,
}

impl NormsRun {
    pub fn new(hiddens: &[usize], width: usize, init: Init, gain: f64, first_seed: u64, seeds: usize) -> Result<Self, ExperimentError> {
        at_least_one("the number of seeds", seeds)?;
        Ok(NormsRun { hiddens: hiddens.to_vec(), width, init, gain, first_seed, seeds, rows: Vec::new(), runs: Vec::new() })
    }

    /// The book's table: 2, 3 and 4 hidden layers of 30, gain 1.
    pub fn book(init: Init, first_seed: u64, seeds: usize) -> Result<Self, ExperimentError> {
        Self::new(&BOOK_NORMS_HIDDEN, BOOK_WIDTH, init, 1.0, first_seed, seeds)
    }

    pub fn is_done(&self) -> bool {
        self.rows.len() == self.hiddens.len()
    }

    /// Networks probed so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.rows.len() * self.seeds + self.runs.len(), self.hiddens.len() * self.seeds)
    }

    /// The finished depths, shallowest first.
    pub fn rows(&self) -> &[NormsRow] {
        &self.rows
    }

    /// Probe the next network; `None` once every depth is done.
    pub fn step<F: Real>(&mut self, training: &Dataset) -> Result<Option<NormsProbe>, ExperimentError> {
        let Some(&hidden) = self.hiddens.get(self.rows.len()) else { return Ok(None) };
        let seed = self.first_seed + self.runs.len() as u64;
        let norms = init_probe::<F>(training, hidden, self.width, self.init, self.gain, seed)?.norms();
        self.runs.push(norms.clone());
        if self.runs.len() == self.seeds {
            let runs = std::mem::take(&mut self.runs);
            let col = |l: usize| runs.iter().map(|r| r.get(l).copied().unwrap_or(f64::INFINITY)).collect::<Vec<_>>();
            let (mean, std) = (0..hidden).map(|l| mean_std(&col(l))).unzip();
            self.rows.push(NormsRow { hidden, mean, std, runs });
        }
        Ok(Some(NormsProbe { hidden, seed, norms }))
    }
}

// ---------------------------------------------------------------- (c) the speed of learning

/// The learning-speed figure: `epochs` epochs of the book's protocol ([`book_speed_run`]),
/// one epoch per step.
#[derive(Clone, Debug)]
pub struct SpeedExperiment<F: Real> {
    run: SpeedRun<F>,
    epochs: usize,
}

impl<F: Real> SpeedExperiment<F> {
    pub fn book(training: &Dataset, hidden: usize, seed: u64, epochs: usize) -> Result<Self, ExperimentError> {
        at_least_one("the number of epochs", epochs)?;
        Ok(SpeedExperiment { run: book_speed_run(training, hidden, seed)?, epochs })
    }

    pub fn is_done(&self) -> bool {
        self.run.history.len() >= self.epochs
    }

    /// Epochs done, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.run.history.len(), self.epochs)
    }

    /// `history[e][l]` = ‖δ^{l+1}‖ before epoch e.
    pub fn history(&self) -> &[Vec<f64>] {
        &self.run.history
    }

    /// Record ‖δ^l‖ and train one epoch; false once every epoch is done.
    pub fn step(&mut self) -> Result<bool, ExperimentError> {
        if self.is_done() {
            return Ok(false);
        }
        self.run.step()?;
        Ok(true)
    }
}

// ---------------------------------------------------------------- (d) accuracy by depth

/// One depth of the depth experiment: accuracies in percent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepthRow {
    pub hidden: usize,
    /// Final accuracy after the last epoch, mean and sample deviation over the runs.
    pub mean: f64,
    pub std: f64,
    /// Best epoch's accuracy, mean and deviation over the runs.
    pub best_mean: f64,
    pub best_std: f64,
    pub finals: Vec<f64>,
    pub bests: Vec<f64>,
    /// `curves[run][epoch]`: validation accuracy as a fraction.
    pub curves: Vec<Vec<f64>>,
}

/// An epoch just finished by [`DepthExperiment::step`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepthEpoch {
    pub hidden: usize,
    /// The run within this depth, from 0, and its seed.
    pub run: usize,
    pub seed: u64,
    /// 1 for the first epoch.
    pub epoch: usize,
    /// Validation accuracy as a fraction (network2's `monitor_evaluation_accuracy`).
    pub accuracy: f64,
    /// Epochs done over every run, and in all.
    pub done: usize,
    pub total: usize,
}

/// Accuracy against depth: [784, 30×hidden, 10] for hidden = 1 … `max_hidden`, `runs`
/// seeds each from `first_seed`, trained `epochs` epochs with `config`, a few mini-batches
/// per step.
#[derive(Clone, Debug)]
pub struct DepthExperiment<F: Real> {
    max_hidden: usize,
    width: usize,
    first_seed: u64,
    runs: usize,
    epochs: usize,
    config: TrainConfig,
    trainer: Option<Trainer<F>>,
    /// The run under way: its depth's index in `rows`, its index, its accuracies so far.
    run: usize,
    curve: Vec<f64>,
    curves: Vec<Vec<f64>>,
    rows: Vec<DepthRow>,
    done: usize,
}

impl<F: Real> DepthExperiment<F> {
    pub fn new(max_hidden: usize, width: usize, first_seed: u64, runs: usize, epochs: usize, config: TrainConfig) -> Result<Self, ExperimentError> {
        at_least_one("the number of runs", runs)?;
        at_least_one("the number of epochs", epochs)?;
        config.validate()?;
        Ok(DepthExperiment {
            max_hidden,
            width,
            first_seed,
            runs,
            epochs,
            config,
            trainer: None,
            run: 0,
            curve: Vec::new(),
            curves: Vec::new(),
            rows: Vec::new(),
            done: 0,
        })
    }

    /// The book's run (mini-batch 10, η = 0.1, λ = 5.0) for 1–4 hidden layers of 30.
    pub fn book(first_seed: u64, runs: usize, epochs: usize) -> Result<Self, ExperimentError> {
        Self::new(BOOK_DEPTH_MAX_HIDDEN, BOOK_WIDTH, first_seed, runs, epochs, TrainConfig::default())
    }

    pub fn is_done(&self) -> bool {
        self.rows.len() == self.max_hidden
    }

    /// Epochs done over every run, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.max_hidden * self.runs * self.epochs)
    }

    /// The finished depths, shallowest first.
    pub fn rows(&self) -> &[DepthRow] {
        &self.rows
    }

    /// Train up to `max_batches` mini-batches of the run under way; when they end an epoch,
    /// evaluate on the validation set and return that epoch. `None` otherwise, or when done.
    pub fn step(&mut self, subset: &Subset, max_batches: usize) -> Result<Option<DepthEpoch>, ExperimentError> {
        if self.is_done() {
            return Ok(None);
        }
        let hidden = self.rows.len() + 1;
        let seed = self.first_seed + self.run as u64;
        let trainer = match &mut self.trainer {
            Some(t) => t,
            None => {
                let (net, rng) = seeded_network::<F>(&book_sizes(hidden, self.width), Init::Scaled, 1.0, seed)?;
                self.trainer.insert(Trainer::new(net, self.config, rng, &subset.training)?)
            }
        };
        if !trainer.train_batches(max_batches)?.epoch_ended {
            return Ok(None);
        }
        let a = accuracy(&trainer.net, &subset.validation)? as f64 / subset.validation.len() as f64;
        self.curve.push(a);
        self.done += 1;
        let (done, total) = self.progress();
        let event = DepthEpoch { hidden, run: self.run, seed, epoch: self.curve.len(), accuracy: a, done, total };
        if self.curve.len() == self.epochs {
            self.trainer = None;
            self.curves.push(std::mem::take(&mut self.curve));
            self.run += 1;
            if self.run == self.runs {
                self.run = 0;
                let curves = std::mem::take(&mut self.curves);
                let finals: Vec<f64> = curves.iter().map(|c| 100.0 * c.last().copied().unwrap_or(f64::NAN)).collect();
                let bests: Vec<f64> = curves.iter().map(|c| 100.0 * c.iter().copied().fold(f64::NAN, f64::max)).collect();
                let ((mean, std), (best_mean, best_std)) = (mean_std(&finals), mean_std(&bests));
                self.rows.push(DepthRow { hidden, mean, std, best_mean, best_std, finals, bests, curves });
            }
        }
        Ok(Some(event))
    }

    /// Train the run under way to the end of its epoch.
    pub fn step_epoch(&mut self, subset: &Subset) -> Result<Option<DepthEpoch>, ExperimentError> {
        while !self.is_done() {
            if let Some(e) = self.step(subset, usize::MAX)? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_std_is_the_sample_deviation() {
        assert_eq!(mean_std(&[2.0]), (2.0, 0.0));
        let (m, s) = mean_std(&[1.0, 2.0, 3.0]);
        assert_eq!(m, 2.0);
        assert!((s - 1.0).abs() < 1e-15);
    }

    #[test]
    fn zero_counts_are_refused() {
        assert!(matches!(NormsRun::book(Init::Scaled, 0, 0), Err(ExperimentError::Count { .. })));
        assert!(matches!(DepthExperiment::<f32>::book(0, 1, 0), Err(ExperimentError::Count { .. })));
    }
}
