//! The gradient probes of the chapter: δ^l = ∂C/∂b^l averaged over a sample of training
//! images, for every hidden layer; its length ‖δ^l‖, "the speed of learning" of layer l;
//! the signed values of its first six neurons (the book's bar chart); and the history of
//! ‖δ^l‖ over epochs (the book's learning-speed curves).
//!
//! The book's protocol (Nielsen's `generate_gradient.py`): the gradient is averaged over
//! the first 1,000 training images; for the curves, 500 epochs of full-batch gradient
//! descent on those 1,000 images with η = 0.1, λ = 5.0, recording ‖δ^l‖ before each epoch.

use crate::data::Dataset;
use crate::network::Network;
use crate::real::Real;
use crate::rng::Rng;
use crate::train::{bias_gradient_sum, bias_gradient_sum_and_cost, check_data, check_first, TrainConfig, TrainError, Trainer};
use serde::{Deserialize, Serialize};

/// Sample size of the book's probes: "the first 1,000 training images".
pub const BOOK_SAMPLE: usize = 1000;
/// Neurons per layer in the book's bar chart: "the top six neurons".
pub const BARS: usize = 6;
/// The book's learning-speed protocol: 500 epochs, η = 0.1, λ = 5.0, full batch.
pub const BOOK_SPEED_EPOCHS: usize = 500;
pub const BOOK_SPEED_ETA: f64 = 0.1;
pub const BOOK_SPEED_LAMBDA: f64 = 5.0;

/// δ^l of one hidden layer, averaged over the sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerProbe {
    /// 1 for the first hidden layer.
    pub layer: usize,
    /// δ^l_j = mean over the sample of ∂C_x/∂b^l_j, for every neuron j.
    pub delta: Vec<f64>,
    /// ‖δ^l‖, the Euclidean length of `delta`.
    pub norm: f64,
    /// The first six entries of `delta` (fewer if the layer is narrower).
    pub first_six: Vec<f64>,
}

/// The probe of every hidden layer of a network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    /// Number of examples averaged over.
    pub count: usize,
    pub layers: Vec<LayerProbe>,
}

impl Probe {
    /// ‖δ^l‖ for every hidden layer, first to last.
    pub fn norms(&self) -> Vec<f64> {
        self.layers.iter().map(|l| l.norm).collect()
    }
    /// Whether every number is finite (exploding gradients end in ∞ or NaN).
    pub fn is_finite(&self) -> bool {
        self.layers.iter().all(|l| l.delta.iter().all(|v| v.is_finite()))
    }
}

/// Probe `net` on the first `count` examples of `data` (all of them if fewer).
pub fn probe<F: Real>(net: &Network<F>, data: &Dataset, count: usize) -> Result<Probe, TrainError> {
    check_first(net, data, count)?;
    let count = count.min(data.len());
    Ok(probe_from_sums(&bias_gradient_sum(net, data, count), count))
}

/// [`probe`] and network2's `total_cost` (with λ) of the same examples, from one
/// feedforward instead of two: what the comparison measures after every epoch.
pub fn probe_with_cost<F: Real>(net: &Network<F>, data: &Dataset, count: usize, lambda: f64) -> Result<(Probe, f64), TrainError> {
    check_first(net, data, count)?;
    let count = count.min(data.len());
    let (sums, cost) = bias_gradient_sum_and_cost(net, data, count, lambda);
    Ok((probe_from_sums(&sums, count), cost))
}

/// Turn Σ_x ∂C_x/∂b^l (all layers, output last) into the hidden layers' probe.
pub fn probe_from_sums<F: Real>(sums: &[ndarray::Array1<F>], count: usize) -> Probe {
    let hidden = sums.len().saturating_sub(1);
    let layers = sums[..hidden]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let delta: Vec<f64> = s.iter().map(|v| v.to_f64_exact() / count as f64).collect();
            let norm = delta.iter().map(|v| v * v).sum::<f64>().sqrt();
            let first_six = delta.iter().take(BARS).copied().collect();
            LayerProbe { layer: i + 1, delta, norm, first_six }
        })
        .collect();
    Probe { count, layers }
}

/// The learning-speed experiment, one epoch at a time so a caller can show progress:
/// before each epoch ‖δ^l‖ of every hidden layer is recorded, then one epoch of
/// full-batch gradient descent runs on the same sample (network2's `SGD` with the
/// mini-batch size equal to the sample size, so n = m = sample size).
#[derive(Clone, Debug)]
pub struct SpeedRun<F: Real> {
    trainer: Trainer<F>,
    sample: Dataset,
    /// `history[e][l]` = ‖δ^{l+1}‖ before epoch e.
    pub history: Vec<Vec<f64>>,
}

impl<F: Real> SpeedRun<F> {
    pub fn new(net: Network<F>, data: &Dataset, count: usize, eta: f64, lambda: f64, rng: Rng) -> Result<Self, TrainError> {
        let sample = data.take(count);
        check_data(&net, &sample)?;
        let config = TrainConfig { mini_batch_size: sample.len(), eta, lambda, shuffle: true };
        Ok(SpeedRun { trainer: Trainer::new(net, config, rng, &sample)?, sample, history: Vec::new() })
    }

    /// Record ‖δ^l‖, then train one epoch. Returns the norms just recorded.
    pub fn step(&mut self) -> Result<Vec<f64>, TrainError> {
        let norms = probe(&self.trainer.net, &self.sample, self.sample.len())?.norms();
        self.history.push(norms.clone());
        self.trainer.run_epoch()?;
        Ok(norms)
    }

    pub fn network(&self) -> &Network<F> {
        &self.trainer.net
    }
}
