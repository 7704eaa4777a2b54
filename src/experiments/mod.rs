//! The chapter's experiments, shared by the command line and the browser: the book's
//! numbers, and resumable runs that reproduce each one on any data set. Each run does a
//! small unit of work per `step()`, so the command line drives it in a loop with a
//! progress bar and the page's worker schedules it between messages; both get the same
//! numbers because both run this code.

use crate::chain::{Chain, ChainBias, ChainError, ChainReport};
use crate::data::{Dataset, Subset};
use crate::network::{Activation, BiasInit, Cost, Init, Network, NetworkError};
use crate::probe::{probe, Probe, SpeedRun, BOOK_SAMPLE, BOOK_SPEED_ETA, BOOK_SPEED_LAMBDA};
use crate::real::Real;
use crate::rng::Rng;
use crate::train::{accuracy, TrainConfig, TrainError, Trainer};
use serde::Serialize;

mod compare;
mod depth;
mod norms;
mod presets;
mod speed;
pub use compare::{CompareEpoch, CompareExperiment, Diverged, Setup, SideEpoch, ORDER_STREAM};
pub use depth::{DepthEpoch, DepthExperiment, DepthRow};
pub use norms::{NormsProbe, NormsRow, NormsRun};
pub use presets::{BookComparison, Preset, MOMENTUM_MU, PRESETS, RELU_ETA};
pub use speed::SpeedExperiment;

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
    #[error("{what} must be between 1 and {max}, but is {value}")]
    Range { what: &'static str, value: usize, max: usize },
    #[error(transparent)]
    Network(#[from] NetworkError),
    #[error(transparent)]
    Train(#[from] TrainError),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Momentum(#[from] crate::train::MomentumError),
}

/// The book's network for `sizes`, from `seed`: the generator that drew it is returned
/// too, so training continues the same stream (as network2's global random state).
pub fn seeded_network<F: Real>(sizes: &[usize], init: Init, gain: f64, seed: u64) -> Result<(Network<F>, Rng), NetworkError> {
    seeded_network_with(sizes, init, BiasInit::Normal, gain, seed)
}

/// [`seeded_network`] with a choice of biases.
pub fn seeded_network_with<F: Real>(sizes: &[usize], init: Init, biases: BiasInit, gain: f64, seed: u64) -> Result<(Network<F>, Rng), NetworkError> {
    let mut rng = Rng::new(seed);
    let net = Network::new_with_biases(sizes, init, biases, gain, Cost::CrossEntropy, &mut rng)?;
    Ok((net, rng))
}

/// ‖δ^l‖ at initialisation for `hidden` hidden layers (the chapter's table), from `seed`.
pub fn init_probe<F: Real>(training: &Dataset, hidden: usize, width: usize, init: Init, gain: f64, seed: u64) -> Result<Probe, ExperimentError> {
    init_probe_with::<F>(training, hidden, width, (init, BiasInit::Normal), gain, Activation::Sigmoid, seed)
}

/// [`init_probe`] with a choice of biases and hidden activation `f` (the same draws:
/// f does not change the weights).
pub fn init_probe_with<F: Real>(
    training: &Dataset,
    hidden: usize,
    width: usize,
    init: (Init, BiasInit),
    gain: f64,
    f: Activation,
    seed: u64,
) -> Result<Probe, ExperimentError> {
    let (net, _) = seeded_network_with::<F>(&book_sizes(hidden, width), init.0, init.1, gain, seed)?;
    Ok(probe(&net.with_activation(f), training, BOOK_SAMPLE)?)
}

/// The learning-speed experiment for `hidden` hidden layers with the book's protocol.
pub fn book_speed_run<F: Real>(training: &Dataset, hidden: usize, seed: u64) -> Result<SpeedRun<F>, ExperimentError> {
    speed_run_with(training, hidden, Activation::Sigmoid, seed)
}

/// [`book_speed_run`] with hidden activation `f`.
pub fn speed_run_with<F: Real>(training: &Dataset, hidden: usize, f: Activation, seed: u64) -> Result<SpeedRun<F>, ExperimentError> {
    let (net, rng) = seeded_network::<F>(&book_sizes(hidden, BOOK_WIDTH), Init::Scaled, 1.0, seed)?;
    Ok(SpeedRun::new(net.with_activation(f), training, BOOK_SAMPLE, BOOK_SPEED_ETA, BOOK_SPEED_LAMBDA, rng)?)
}

/// The chain with every weight `w`, over a range of weights: one report per weight.
pub fn chain_sweep(layers: usize, weights: &[f64], bias: ChainBias) -> Result<Vec<(f64, ChainReport)>, ExperimentError> {
    chain_sweep_with(layers, weights, bias, Activation::Sigmoid)
}

/// [`chain_sweep`] with neurons 1..L−1 of activation `f` (terms w·f′(z)).
pub fn chain_sweep_with(layers: usize, weights: &[f64], bias: ChainBias, f: Activation) -> Result<Vec<(f64, ChainReport)>, ExperimentError> {
    weights.iter().map(|&w| Ok((w, Chain { activation: f, ..Chain::uniform(layers, w, 0.0, bias) }.report()?))).collect()
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
