//! A and B: two configurations trained side by side on the same data, in the same order,
//! from the same seed, so that what differs between their curves is what differs between
//! their settings (issue 9, "A and B, side by side").
//!
//! Fairness, concretely:
//! * both networks are drawn from `Rng::new(seed)`, so two setups that differ only in a
//!   scale (large / scaled / He, the gain, the biases) start from the *same* normal draws
//!   ([`crate::init`]);
//! * the order of the training examples comes from a generator of its own,
//!   `Rng::new(seed ^ ORDER_STREAM)`, cloned into both trainers: it does not depend on how
//!   many numbers the initialisations drew (which differs with the sizes and the scheme),
//!   nor on the mini-batch size (the set is shuffled once per epoch, whatever m is);
//! * after every epoch both are measured the same way: validation accuracy, the cost on
//!   the first 1,000 training images (as the page's panel), and ‖δ^l‖ per hidden layer on
//!   those images ([`crate::probe`]); ‖δ^l‖ over the epochs are the learning-speed curves.
//!
//! If one of the two diverges (a weight overflows to ∞ or NaN, the exploding gradient),
//! that side stops with its message and the other goes on.

use super::*;
use crate::limits::{MAX_HIDDEN, MAX_WIDTH};
use crate::probe::probe_with_cost;
use crate::train::Momentum;

/// XORed into the seed for the generator of the examples' order, so that it is a stream
/// apart from the initialisations' (an arbitrary constant: "ORDER!!!" in ASCII).
pub const ORDER_STREAM: u64 = 0x4f52_4445_5221_2121;

/// One side of a comparison: the network [784, width × hidden, 10] and how it trains, up
/// to the page's limits (`limits::MAX_HIDDEN`, `MAX_WIDTH`). The cures beyond the book
/// (issue 12) are optional keys whose absence is the book's plain SGD, so presets, links
/// and files written before them read as they did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Setup {
    /// f of the hidden layers; the output layer stays σ with the cross-entropy cost.
    pub activation: Activation,
    pub init: Init,
    pub biases: BiasInit,
    /// Multiplies every initial weight.
    pub gain: f64,
    pub hidden: usize,
    pub width: usize,
    /// Learning rate η, regularisation λ, mini-batch size m.
    pub eta: f64,
    pub lambda: f64,
    pub mini_batch: usize,
    /// Skip connections between the hidden layers: a^l = a^{l−1} + f(z^l).
    #[serde(default)]
    pub residual: bool,
    /// Batch normalisation of every hidden layer's z (β replaces b; m ≥ 2).
    #[serde(default)]
    pub batch_norm: bool,
    /// Momentum μ (0: plain SGD), Nesterov's variant, Sutskever et al.'s schedule.
    #[serde(default)]
    pub momentum: Momentum,
}

impl Default for Setup {
    fn default() -> Self {
        Setup::BOOK
    }
}

impl Setup {
    /// The book's network2 on [784, 30, 10]: σ, scaled weights, N(0, 1) biases, m = 10,
    /// η = 0.1, λ = 5.0 (the trainer's defaults, tested), plain SGD. Every preset starts here.
    pub const BOOK: Setup = Setup {
        activation: Activation::Sigmoid,
        init: Init::Scaled,
        biases: BiasInit::Normal,
        gain: 1.0,
        hidden: 1,
        width: BOOK_WIDTH,
        eta: 0.1,
        lambda: 5.0,
        mini_batch: 10,
        residual: false,
        batch_norm: false,
        momentum: Momentum { mu: 0.0, nesterov: false, schedule: false },
    };

    pub fn sizes(&self) -> Vec<usize> {
        book_sizes(self.hidden, self.width)
    }

    /// The trainer's hyper-parameters (shuffling always on: both sides share the order).
    pub fn config(&self) -> TrainConfig {
        TrainConfig { mini_batch_size: self.mini_batch, eta: self.eta, lambda: self.lambda, shuffle: true }
    }

    /// Every setting in range, checked once: the error names the bad value.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        for (what, value, max) in [("the number of hidden layers", self.hidden, MAX_HIDDEN), ("the hidden layers' width", self.width, MAX_WIDTH)] {
            if value == 0 || value > max {
                return Err(ExperimentError::Range { what, value, max });
            }
        }
        if !self.gain.is_finite() {
            return Err(NetworkError::BadGain(self.gain).into());
        }
        self.momentum.validate()?;
        Ok(self.config().validate()?)
    }

    /// The network from `seed`, without its generator (the order has its own): skip
    /// connections and batch normalisation leave the draws as they are, so a side with
    /// them starts from the same weights as one without.
    pub fn network<F: Real>(&self, seed: u64) -> Result<Network<F>, NetworkError> {
        let net = seeded_network_with::<F>(&self.sizes(), self.init, self.biases, self.gain, seed)?.0;
        Ok(net.with_activation(self.activation).with_residual(self.residual).with_batch_norm(self.batch_norm))
    }

    /// Its trainer on `training`, shuffled by `order`; with momentum when μ or an option
    /// is set (μ = 0 alone is plain SGD, bit for bit, and costs nothing).
    pub fn trainer<F: Real>(&self, seed: u64, order: Rng, training: &Dataset) -> Result<Trainer<F>, ExperimentError> {
        let mut trainer = Trainer::new(self.network::<F>(seed)?, self.config(), order, training)?;
        if self.momentum != Momentum::default() {
            trainer.set_momentum(self.momentum)?;
        }
        Ok(trainer)
    }
}

/// The measurements of one side after an epoch (epoch 0: at initialisation, before
/// training, where accuracy and cost are measured too).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SideEpoch {
    /// Validation accuracy as a fraction.
    pub accuracy: f64,
    /// network2's `total_cost` on the first 1,000 training images.
    pub cost: f64,
    /// ‖δ^l‖ of each hidden layer, first first, on the first 1,000 training images.
    pub norms: Vec<f64>,
}

/// Why a side stopped early.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diverged {
    /// The epoch in which the overflow was found (1 for the first).
    pub epoch: usize,
    pub message: String,
}

/// One side's run: its trainer while it trains, its history, and how it ended.
#[derive(Clone, Debug)]
struct Side<F: Real> {
    setup: Setup,
    trainer: Option<Trainer<F>>,
    /// `history[e]`: after epoch e (0: at initialisation).
    history: Vec<SideEpoch>,
    diverged: Option<Diverged>,
    /// The trainer finished the current epoch and waits for the other side.
    waiting: bool,
}

/// An epoch just finished by both sides (or by the one still training).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompareEpoch {
    /// 1 for the first.
    pub epoch: usize,
    /// `None` for a side that had stopped before this epoch.
    pub a: Option<SideEpoch>,
    pub b: Option<SideEpoch>,
    /// Set in the epoch where a side diverged.
    pub a_diverged: Option<Diverged>,
    pub b_diverged: Option<Diverged>,
}

/// Two setups trained `epochs` epochs on one data set, a few mini-batches per step.
#[derive(Clone, Debug)]
pub struct CompareExperiment<F: Real> {
    sides: [Side<F>; 2],
    epochs: usize,
    seed: u64,
    /// The first 1,000 training images: the probes' and the cost's sample.
    sample: Dataset,
}

impl<F: Real> CompareExperiment<F> {
    /// Validate both setups, draw both networks from `seed` and measure them before training.
    pub fn new(a: Setup, b: Setup, seed: u64, epochs: usize, subset: &Subset) -> Result<Self, ExperimentError> {
        at_least_one("the number of epochs", epochs)?;
        a.validate()?;
        b.validate()?;
        let sample = subset.training.take(BOOK_SAMPLE);
        let order = Rng::new(seed ^ ORDER_STREAM);
        let side = |setup: Setup| -> Result<Side<F>, ExperimentError> {
            let trainer = setup.trainer::<F>(seed, order.clone(), &subset.training)?;
            let first = measure(&trainer.net, subset, &sample, setup.lambda)?;
            Ok(Side { setup, trainer: Some(trainer), history: vec![first], diverged: None, waiting: false })
        };
        Ok(CompareExperiment { sides: [side(a)?, side(b)?], epochs, seed, sample })
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn epochs(&self) -> usize {
        self.epochs
    }
    pub fn setups(&self) -> (Setup, Setup) {
        (self.sides[0].setup, self.sides[1].setup)
    }
    /// `history[e]` of A and of B: after epoch e, 0 at initialisation.
    pub fn history(&self) -> (&[SideEpoch], &[SideEpoch]) {
        (&self.sides[0].history, &self.sides[1].history)
    }
    pub fn diverged(&self) -> (Option<&Diverged>, Option<&Diverged>) {
        (self.sides[0].diverged.as_ref(), self.sides[1].diverged.as_ref())
    }
    /// The networks as they are now (`None` for a side that diverged).
    pub fn networks(&self) -> (Option<&Network<F>>, Option<&Network<F>>) {
        (self.sides[0].trainer.as_ref().map(|t| &t.net), self.sides[1].trainer.as_ref().map(|t| &t.net))
    }
    /// The current epoch's order of the training examples, for each side still training.
    pub fn orders(&self) -> (Option<&[usize]>, Option<&[usize]>) {
        (self.sides[0].trainer.as_ref().map(|t| t.order()), self.sides[1].trainer.as_ref().map(|t| t.order()))
    }

    /// Epochs finished (by the side furthest behind that still trains), and in all.
    pub fn progress(&self) -> (usize, usize) {
        let done = self.sides.iter().filter(|s| s.trainer.is_some()).map(|s| s.history.len() - 1).min();
        (done.unwrap_or(self.epochs), self.epochs)
    }

    pub fn is_done(&self) -> bool {
        self.sides.iter().all(|s| s.trainer.is_none())
    }

    /// Train each side on up to `max_batches` mini-batches of the current epoch; when both
    /// have ended it (a side with a larger m gets there in fewer batches and waits), measure
    /// both and return the epoch. `None` otherwise, or when done. `subset` is the one
    /// given to [`CompareExperiment::new`] (its validation set is measured here).
    pub fn step(&mut self, subset: &Subset, max_batches: usize) -> Result<Option<CompareEpoch>, ExperimentError> {
        let mut diverged: [Option<Diverged>; 2] = [None, None];
        for (side, d) in self.sides.iter_mut().zip(&mut diverged) {
            let Some(trainer) = side.trainer.as_mut().filter(|_| !side.waiting) else { continue };
            match trainer.train_batches(max_batches) {
                Ok(p) => side.waiting = p.epoch_ended,
                Err(TrainError::Diverged { epoch, source }) => {
                    let message = TrainError::Diverged { epoch, source }.to_string();
                    *d = Some(Diverged { epoch, message });
                    side.diverged = d.clone();
                    side.trainer = None;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let any_diverged = diverged.iter().any(Option::is_some);
        let training = self.sides.iter().filter(|s| s.trainer.is_some());
        let (count, mid_epoch) = (training.clone().count(), training.clone().any(|s| !s.waiting));
        if !any_diverged && (count == 0 || mid_epoch) {
            return Ok(None);
        }
        let diverged_in = diverged.iter().flatten().map(|d| d.epoch).max().unwrap_or(0);
        if mid_epoch {
            // One side diverged while the other is mid-epoch: say so now; the other
            // reports at its epoch's end.
            let [a_diverged, b_diverged] = diverged;
            return Ok(Some(CompareEpoch { epoch: diverged_in, a: None, b: None, a_diverged, b_diverged }));
        }
        let mut out: [Option<SideEpoch>; 2] = [None, None];
        for (side, o) in self.sides.iter_mut().zip(&mut out) {
            let Some(t) = side.trainer.as_ref() else { continue };
            let m = measure(&t.net, subset, &self.sample, side.setup.lambda)?;
            side.history.push(m.clone());
            side.waiting = false;
            *o = Some(m);
            if t.epochs_done() >= self.epochs {
                side.trainer = None;
            }
        }
        let epoch = self.sides.iter().map(|s| s.history.len() - 1).max().unwrap_or(0).max(diverged_in);
        let [a, b] = out;
        let [a_diverged, b_diverged] = diverged;
        Ok(Some(CompareEpoch { epoch, a, b, a_diverged, b_diverged }))
    }

    /// Train to the end of the current epoch.
    pub fn step_epoch(&mut self, subset: &Subset) -> Result<Option<CompareEpoch>, ExperimentError> {
        while !self.is_done() {
            if let Some(e) = self.step(subset, usize::MAX)? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }
}

/// Accuracy on the validation set, cost and ‖δ^l‖ on `sample`.
fn measure<F: Real>(net: &Network<F>, subset: &Subset, sample: &Dataset, lambda: f64) -> Result<SideEpoch, ExperimentError> {
    let accuracy = accuracy(net, &subset.validation)? as f64 / subset.validation.len() as f64;
    // The cost and the probe of the same images from one feedforward (a third of the
    // measuring saved, which costs about as much as an epoch of sparse training).
    let (probe, cost) = probe_with_cost(net, sample, sample.len(), lambda)?;
    Ok(SideEpoch { accuracy, cost, norms: probe.norms() })
}
