//! The inside views as training goes: one [`EpochInside`] per epoch — log₁₀‖δ^l‖ (the
//! layer × epoch heatmap), each layer's update-to-weight ratio (cs231n's rule of thumb:
//! about 10⁻³), and Glorot & Bengio's mean ± std of the activations, with the saturated
//! fraction. [`InsideRecorder`] is called by any trainer loop; [`InsideRun`] is the
//! resumable run (one epoch per `step()`) the command line drives.

use super::{factors, saturation};
use crate::data::Dataset;
use crate::network::Network;
use crate::real::Real;
use crate::rng::Rng;
use crate::train::{check_first, to_matrices, TrainConfig, TrainError, Trainer};
use ndarray::Array2;
use serde::Serialize;

/// One epoch's numbers, every per-layer vector first layer first.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochInside {
    /// Epochs trained before this record (0: at initialisation).
    pub epoch: usize,
    /// log₁₀‖δ^l‖ of δ^l averaged over the probe images, hidden layers.
    pub log_norms: Vec<f64>,
    /// log₁₀(‖η·Δw^l‖/‖w^l‖) for every weight layer l = 1..L, where η·Δw^l is the step
    /// SGD takes for the probe images' mean gradient with weight decay:
    /// η·(mean ∂C_x/∂w^l + (λ/n)·w^l).
    pub update_ratio: Vec<f64>,
    /// Mean and standard deviation of a^l, hidden layers.
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    /// Saturated (or off) fraction of a^l, hidden layers.
    pub saturated: Vec<f64>,
}

/// Records [`EpochInside`] for a fixed set of probe images, in the network's float type.
#[derive(Clone, Debug)]
pub struct InsideRecorder<F: Real> {
    x: Array2<F>,
    y: Array2<F>,
    pub history: Vec<EpochInside>,
}

impl<F: Real> InsideRecorder<F> {
    /// Probe with the first `count` examples of `data` (checked against `net`).
    pub fn new(net: &Network<F>, data: &Dataset, count: usize) -> Result<Self, TrainError> {
        check_first(net, data, count)?;
        let (x, y) = to_matrices::<F>(&data.take(count.min(data.len())), net.output_size());
        Ok(InsideRecorder { x, y, history: Vec::new() })
    }

    /// Record `net` as it is after `epoch` epochs of training with `config` on `n` examples.
    pub fn record(&mut self, net: &Network<F>, epoch: usize, config: &TrainConfig, n: usize) -> &EpochInside {
        let pass = factors::pass(net, self.x.view(), self.y.view());
        let hidden = net.depth() - 1;
        let count = self.x.nrows().max(1) as f64;
        let log_norms = pass.delta[..hidden].iter().map(|d| factors::norm_of_mean(d).log10()).collect();
        let g = net.gradient(self.x.view(), self.y.view()).expect("the probe's width was checked");
        let decay = config.lambda / n.max(1) as f64;
        let update_ratio = g
            .nabla_w
            .iter()
            .zip(net.weights())
            .map(|(nw, w)| {
                let step = nw.iter().zip(w).map(|(&d, &w)| (config.eta * (d.to_f64_exact() / count + decay * w.to_f64_exact())).powi(2)).sum::<f64>().sqrt();
                let size = w.iter().map(|v| v.to_f64_exact().powi(2)).sum::<f64>().sqrt();
                (step / size).log10()
            })
            .collect();
        let units: Vec<_> = (1..=hidden).map(|l| saturation::layer_units(l, net.activation(), pass.out[l].view(), pass.delta[l - 1].view())).collect();
        self.history.push(EpochInside {
            epoch,
            log_norms,
            update_ratio,
            mean: units.iter().map(|u| u.mean).collect(),
            std: units.iter().map(|u| u.std).collect(),
            saturated: units.iter().map(|u| u.saturated).collect(),
        });
        self.history.last().expect("just pushed")
    }
}

/// Training with the inside views recorded before each epoch and after the last.
#[derive(Clone, Debug)]
pub struct InsideRun<F: Real> {
    pub trainer: Trainer<F>,
    pub recorder: InsideRecorder<F>,
}

impl<F: Real> InsideRun<F> {
    pub fn new(net: Network<F>, training: &Dataset, config: TrainConfig, rng: Rng, probe_count: usize) -> Result<Self, TrainError> {
        let recorder = InsideRecorder::new(&net, training, probe_count)?;
        Ok(InsideRun { trainer: Trainer::new(net, config, rng, training)?, recorder })
    }

    /// Record (at the first call, the initial network too), then train one epoch and
    /// record the result. Returns the record after the epoch.
    pub fn step(&mut self) -> Result<&EpochInside, TrainError> {
        let (n, config) = (self.trainer.training_size(), *self.trainer.config());
        if self.recorder.history.is_empty() {
            self.recorder.record(&self.trainer.net, 0, &config, n);
        }
        self.trainer.run_epoch()?;
        Ok(self.recorder.record(&self.trainer.net, self.trainer.epochs_done(), &config, n))
    }
}
