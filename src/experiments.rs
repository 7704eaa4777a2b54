//! The chapter's experiments, shared by the command line and the browser: the book's
//! numbers, and functions that reproduce each one on any data set.

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

/// The book's sizes for `hidden` hidden layers of `width` neurons: [784, width, …, 10].
pub fn book_sizes(hidden: usize, width: usize) -> Vec<usize> {
    let mut sizes = vec![MNIST_PIXELS];
    sizes.extend(std::iter::repeat_n(width, hidden));
    sizes.push(MNIST_CLASSES);
    sizes
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ExperimentError {
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

/// One training run of the depth experiment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepthRun {
    pub hidden: usize,
    pub seed: u64,
    /// Validation accuracy (fraction) after each epoch.
    pub accuracy: Vec<f64>,
}

impl DepthRun {
    pub fn final_accuracy(&self) -> f64 {
        self.accuracy.last().copied().unwrap_or(f64::NAN)
    }
    pub fn best_accuracy(&self) -> f64 {
        self.accuracy.iter().copied().fold(f64::NAN, f64::max)
    }
}

/// Train [784, 30×hidden, 10] for `epochs` epochs and record the validation accuracy after
/// each (network2's `monitor_evaluation_accuracy`). `on_epoch(epoch, accuracy)` reports progress.
pub fn depth_run<F: Real>(
    subset: &Subset,
    hidden: usize,
    width: usize,
    seed: u64,
    epochs: usize,
    config: TrainConfig,
    mut on_epoch: impl FnMut(usize, f64),
) -> Result<DepthRun, ExperimentError> {
    let (net, rng) = seeded_network::<F>(&book_sizes(hidden, width), Init::Scaled, 1.0, seed)?;
    let mut trainer = Trainer::new(net, config, rng, &subset.training)?;
    let mut acc = Vec::with_capacity(epochs);
    for e in 0..epochs {
        trainer.run_epoch()?;
        let a = accuracy(&trainer.net, &subset.validation)? as f64 / subset.validation.len() as f64;
        on_epoch(e + 1, a);
        acc.push(a);
    }
    Ok(DepthRun { hidden, seed, accuracy: acc })
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
    weights
        .iter()
        .map(|&w| Ok((w, Chain::uniform(layers, w, 0.0, bias).report()?)))
        .collect()
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
