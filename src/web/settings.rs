//! The network panel's settings as the page sends them ([`Settings`], camelCase JSON),
//! checked once: each bad value is a `setting` error naming it.

use super::{activation_named, named, Result, WebError};
use crate::experiments::book_sizes;
use crate::init::BiasInit;
use crate::limits::{MAX_HIDDEN, MAX_MINI_BATCH, MAX_WIDTH};
use crate::train::{Momentum, TrainConfig};
use crate::{Activation, Init};
use serde::{Deserialize, Serialize};

/// The settings of the network panel, as the page sends them. Issue 12's fields are
/// optional, defaulting to the book's network and plain SGD, so older pages and tests
/// send what they always sent.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    pub hidden: usize,
    pub width: usize,
    /// The hidden layers' f: an [`Activation::name`] ("sigmoid", the book's, …).
    pub activation: String,
    /// An [`Init::name`] ("scaled", the book's default, …).
    pub init: String,
    /// A [`BiasInit::name`]: "normal" (N(0, 1), the book's) or "zero".
    pub biases: String,
    pub gain: f64,
    pub eta: f64,
    pub lambda: f64,
    pub mini_batch: usize,
    pub seed: u32,
    /// Skip connections between hidden layers of equal width, a^l = a^{l−1} + f(z^l).
    #[serde(default)]
    pub residual: bool,
    /// Batch normalisation of every hidden layer's z (mini-batches of at least 2).
    #[serde(default)]
    pub batch_norm: bool,
    /// Momentum's μ in [0, 1): v ← μv − η∇C, w ← w + v (book ch. 3); 0 is plain SGD.
    #[serde(default)]
    pub momentum: f64,
    #[serde(default)]
    pub nesterov: bool,
    /// Sutskever et al.'s schedule, μ_t rising to `momentum`.
    #[serde(default)]
    pub schedule: bool,
}

pub(super) fn check_mini_batch(m: usize) -> Result<()> {
    if !(1..=MAX_MINI_BATCH).contains(&m) {
        return Err(WebError::setting("miniBatch", m as u32, format!("the mini-batch size must be between 1 and {MAX_MINI_BATCH}, but is {m}")));
    }
    Ok(())
}

/// The momentum the page asks for; `None` for plain SGD (μ = 0), which then keeps no
/// velocities at all. A μ outside [0, 1) is a `momentum` setting error.
pub(super) fn momentum(mu: f64, nesterov: bool, schedule: bool) -> Result<Option<Momentum>> {
    let m = Momentum { mu, nesterov, schedule };
    m.validate().map_err(|e| WebError::setting("momentum", mu, e))?;
    Ok((mu > 0.0).then_some(m))
}

impl Settings {
    pub(super) fn validate(&self) -> Result<(Vec<usize>, Choice, TrainConfig)> {
        if !(1..=MAX_HIDDEN).contains(&self.hidden) {
            return Err(WebError::setting("hidden", self.hidden as u32, format!("hidden layers must be between 1 and {MAX_HIDDEN}, but is {}", self.hidden)));
        }
        if !(1..=MAX_WIDTH).contains(&self.width) {
            return Err(WebError::setting("width", self.width as u32, format!("the layer width must be between 1 and {MAX_WIDTH}, but is {}", self.width)));
        }
        check_mini_batch(self.mini_batch)?;
        let choice = Choice {
            activation: activation_named("activation", &self.activation)?,
            init: Init::ALL[named("init", "initialisation", &self.init, &Init::ALL.map(Init::name))?],
            biases: BiasInit::ALL[named("biases", "bias initialisation", &self.biases, &BiasInit::ALL.map(BiasInit::name))?],
            momentum: momentum(self.momentum, self.nesterov, self.schedule)?,
        };
        if !(self.gain.is_finite() && self.gain > 0.0) {
            return Err(WebError::setting("gain", self.gain, format!("the gain must be a positive number, but is {}", self.gain)));
        }
        let config = TrainConfig { mini_batch_size: self.mini_batch, eta: self.eta, lambda: self.lambda, shuffle: true };
        config.validate()?;
        Ok((book_sizes(self.hidden, self.width), choice, config))
    }
}

/// The named choices of [`Settings`], read.
pub(super) struct Choice {
    pub activation: Activation,
    pub init: Init,
    pub biases: BiasInit,
    pub momentum: Option<Momentum>,
}
