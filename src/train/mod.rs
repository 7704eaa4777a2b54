//! Mini-batch stochastic gradient descent with L2 weight decay, as network2's `SGD` and
//! `update_mini_batch` ([`crate::network2::update_mini_batch`] is the book's own version,
//! which the tests hold this one to):
//!
//! * each epoch the training set is reshuffled in place (network2: `random.shuffle`), here
//!   with the seeded [`Rng`], or kept in order when shuffling is off;
//! * for each mini-batch of m examples, with n the size of the training set (book eq. 93–94):
//!   `w ← (1 − η·λ/n)·w − (η/m)·Σ_x ∂C_x/∂w`,  `b ← b − (η/m)·Σ_x ∂C_x/∂b`.
//!
//! The mini-batch goes through as one matrix (`step.rs`); its first layer reads the
//! images' non-zero pixels only (`sparse.rs`, `kernels.rs`); `eval.rs` measures a
//! network on a data set.

mod eval;
mod kernels;
mod momentum;
mod sparse;
mod step;

pub use eval::{accuracy, check_data, fill_batch, to_matrices, total_cost};
pub(crate) use eval::{bias_gradient_sum, bias_gradient_sum_and_cost, check_first};
pub use momentum::{Momentum, MomentumError, Velocity};
pub use sparse::{SparseRows, MAX_SPARSE_WIDTH};
pub use step::{sgd_step, sgd_step_sparse};

use crate::data::Dataset;
use crate::network::{Network, NetworkError, Workspace};
use crate::real::Real;
use crate::rng::Rng;
use ndarray::{s, Array2};
use serde::{Deserialize, Serialize};

/// Largest mini-batch accepted: beyond this the workspace alone would take gigabytes for
/// wide networks; the book's full-batch runs use 1,000.
pub const MAX_MINI_BATCH: usize = 100_000;

/// The hyper-parameters of `network2.SGD`, validated once by [`TrainConfig::validate`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Mini-batch size m.
    pub mini_batch_size: usize,
    /// Learning rate η.
    pub eta: f64,
    /// L2 regularisation parameter λ (network2's `lmbda`).
    pub lambda: f64,
    /// Reshuffle the training set at the start of every epoch (network2 always does).
    pub shuffle: bool,
}

impl Default for TrainConfig {
    /// The chapter's settings: mini-batch 10, η = 0.1, λ = 5.0 (book, ch. 5).
    fn default() -> Self {
        TrainConfig { mini_batch_size: 10, eta: 0.1, lambda: 5.0, shuffle: true }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TrainError {
    #[error("the mini-batch size must be between 1 and {max}, but is {0}", max = MAX_MINI_BATCH)]
    MiniBatch(usize),
    #[error("the learning rate η must be a positive finite number, but is {0}")]
    Eta(f64),
    #[error("the regularisation parameter λ must be a finite number ≥ 0, but is {0}")]
    Lambda(f64),
    #[error("the training set is empty")]
    EmptyData,
    #[error("the images have {found} pixels, but the network's input layer has {expected} neurons")]
    InputWidth { expected: usize, found: usize },
    #[error("the images have {0} pixels; training takes at most {max} per image", max = MAX_SPARSE_WIDTH)]
    TooWide(usize),
    #[error("the data has label {label}, but the network has only {outputs} output neurons")]
    Label { label: u8, outputs: usize },
    #[error("batch normalisation needs mini-batches of at least 2 examples (one example is its own mean: every ẑ would be 0)")]
    BatchNormMiniBatch,
    #[error("training diverged in epoch {epoch}: {source} (the gradients exploded; try a smaller gain or η)")]
    Diverged { epoch: usize, source: NetworkError },
}

impl TrainConfig {
    pub fn validate(&self) -> Result<(), TrainError> {
        if self.mini_batch_size == 0 || self.mini_batch_size > MAX_MINI_BATCH {
            return Err(TrainError::MiniBatch(self.mini_batch_size));
        }
        if !(self.eta.is_finite() && self.eta > 0.0) {
            return Err(TrainError::Eta(self.eta));
        }
        if !(self.lambda.is_finite() && self.lambda >= 0.0) {
            return Err(TrainError::Lambda(self.lambda));
        }
        Ok(())
    }
}

fn check_batch_norm<F: Real>(net: &Network<F>, config: &TrainConfig) -> Result<(), TrainError> {
    if net.batch_norm() && config.mini_batch_size < 2 {
        return Err(TrainError::BatchNormMiniBatch);
    }
    Ok(())
}

/// Training state: the network, its training set (kept sparse), the seeded generator,
/// the current epoch's order and a position within it, and the buffers. Training can proceed a few mini-batches at a
/// time (the browser worker yields between slices) or an epoch at a time.
#[derive(Clone, Debug)]
pub struct Trainer<F: Real> {
    pub net: Network<F>,
    config: TrainConfig,
    rng: Rng,
    order: Vec<usize>,
    cursor: usize,
    epochs_done: usize,
    ws: Workspace<F>,
    /// The training images, non-zero pixels only, as bytes, built once.
    x: SparseRows<F>,
    labels: Vec<u8>,
    y: Array2<F>,
    /// Momentum's velocities, when set ([`Trainer::set_momentum`]); plain SGD without.
    velocity: Option<Velocity<F>>,
}

/// How far a call to [`Trainer::train_batches`] got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Completed epochs in total.
    pub epochs_done: usize,
    /// Examples processed of the current epoch (0 right after an epoch ends).
    pub position: usize,
    /// Whether this call finished an epoch.
    pub epoch_ended: bool,
}

impl<F: Real> Trainer<F> {
    /// A trainer for `net` with the given hyper-parameters; `rng` drives the shuffling
    /// (pass the generator that initialised the network to continue its stream, as
    /// network2's global numpy/random state does).
    pub fn new(net: Network<F>, config: TrainConfig, rng: Rng, training: &Dataset) -> Result<Self, TrainError> {
        config.validate()?;
        check_data(&net, training)?;
        if training.pixels() > MAX_SPARSE_WIDTH {
            return Err(TrainError::TooWide(training.pixels()));
        }
        check_batch_norm(&net, &config)?;
        let ws = Workspace::without_input(net.sizes(), config.mini_batch_size).for_residual(net.residual()).for_batch_norm(net.batch_norm());
        let y = Array2::zeros((config.mini_batch_size, net.output_size()));
        Ok(Trainer {
            net,
            config,
            rng,
            order: (0..training.len()).collect(),
            cursor: 0,
            epochs_done: 0,
            ws,
            x: SparseRows::from_dataset(training),
            labels: training.labels().to_vec(),
            y,
            velocity: None,
        })
    }

    /// Size n of the training set.
    pub fn training_size(&self) -> usize {
        self.labels.len()
    }

    pub fn config(&self) -> &TrainConfig {
        &self.config
    }
    pub fn epochs_done(&self) -> usize {
        self.epochs_done
    }
    /// The order of the training examples in the current epoch (the last one's right
    /// after an epoch ends: the next is shuffled when it begins).
    pub fn order(&self) -> &[usize] {
        &self.order
    }
    /// Examples already used in the current (unfinished) epoch.
    pub fn position(&self) -> usize {
        self.cursor
    }

    /// Change η, λ or shuffling between batches (a new mini-batch size takes new buffers).
    pub fn set_config(&mut self, config: TrainConfig) -> Result<(), TrainError> {
        config.validate()?;
        check_batch_norm(&self.net, &config)?;
        if config.mini_batch_size != self.config.mini_batch_size {
            self.ws =
                Workspace::without_input(self.net.sizes(), config.mini_batch_size).for_residual(self.net.residual()).for_batch_norm(self.net.batch_norm());
            self.y = Array2::zeros((config.mini_batch_size, self.net.output_size()));
        }
        self.config = config;
        Ok(())
    }

    /// Train with momentum from now on, from zero velocity (μ = 0 gives plain SGD's numbers).
    pub fn set_momentum(&mut self, momentum: Momentum) -> Result<(), MomentumError> {
        momentum.validate()?;
        self.velocity = Some(Velocity::new(&self.net, momentum));
        Ok(())
    }

    /// The momentum settings, if any.
    pub fn momentum(&self) -> Option<Momentum> {
        self.velocity.as_ref().map(|v| v.momentum)
    }

    /// Train on up to `max_batches` mini-batches, stopping early at the end of an epoch.
    /// On divergence (a non-finite weight or bias) the error names the epoch.
    pub fn train_batches(&mut self, max_batches: usize) -> Result<Progress, TrainError> {
        let n = self.labels.len();
        let m_max = self.config.mini_batch_size;
        let mut ended = false;
        for _ in 0..max_batches {
            if self.cursor == 0 && self.config.shuffle {
                self.rng.shuffle(&mut self.order);
            }
            let end = (self.cursor + m_max).min(n);
            let m = end - self.cursor;
            let batch = &self.order[self.cursor..end];
            self.y.slice_mut(s![..m, ..]).fill(F::zero());
            for (r, &i) in batch.iter().enumerate() {
                self.y[[r, self.labels[i] as usize]] = F::one();
            }
            // With batch normalisation a last mini-batch of one example (n not a multiple of
            // m) is skipped, as PyTorch's `drop_last`: its own mean makes every ẑ zero, so it
            // would give the weights no gradient but their decay, and pull the running
            // variances towards 0. PyTorch raises for it; here the example waits for the next
            // epoch's shuffle. Networks without it train on every batch, as network2 does.
            let skip = m == 1 && m_max > 1 && self.net.batch_norm();
            if !skip {
                if let Some(v) = &mut self.velocity {
                    v.remember(&self.net);
                }
                sgd_step_sparse(&mut self.net, &mut self.ws, &self.x, batch, &self.y, self.config.eta, self.config.lambda, n);
                if let Some(v) = &mut self.velocity {
                    v.apply(&mut self.net);
                }
            }
            self.cursor = end;
            if self.cursor == n {
                self.cursor = 0;
                self.epochs_done += 1;
                ended = true;
                self.net.check_finite().map_err(|source| TrainError::Diverged { epoch: self.epochs_done, source })?;
                break;
            }
        }
        Ok(Progress { epochs_done: self.epochs_done, position: self.cursor, epoch_ended: ended })
    }

    /// Train one whole epoch (finishing the current one if it was begun).
    pub fn run_epoch(&mut self) -> Result<(), TrainError> {
        loop {
            if self.train_batches(usize::MAX)?.epoch_ended {
                return Ok(());
            }
        }
    }
}
