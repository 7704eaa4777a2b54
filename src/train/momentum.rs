//! Momentum, as the book's Chapter 3 writes it, v ← μv − η∇C, w ← w + v, and Nesterov's
//! variant, with Sutskever et al.'s (2013) schedule for μ as an option.
//!
//! Applied *after* the plain step of [`super::step`]: with p = the plain SGD update of w
//! (weight decay and all, −η∇C of the book) and d = p − w,
//!
//! * classical:  v′ = μv + d,   w′ = p + μv    (= w + v′),
//! * Nesterov:   v′ = μv + d,   w′ = p + μv′   (the "look-ahead" form of Sutskever et al.:
//!   the stored parameters are w + μv, where the gradient is taken),
//!
//! so the fast fused step stays as it is, and μ = 0 adds exactly zero: bit for bit plain SGD.

use crate::network::Network;
use crate::real::Real;
use ndarray::{Array1, Array2, Zip};
use serde::{Deserialize, Serialize};

/// The momentum settings; μ = 0 is plain SGD.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Momentum {
    /// μ, or μ_max with the schedule.
    pub mu: f64,
    /// Nesterov's accelerated gradient instead of classical momentum.
    pub nesterov: bool,
    /// μ_t = min(1 − 2^(−1 − log₂(⌊t/250⌋ + 1)), μ) over mini-batches t (Sutskever et al. 2013).
    pub schedule: bool,
}

impl Default for Momentum {
    fn default() -> Self {
        Momentum { mu: 0.0, nesterov: false, schedule: false }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("the momentum μ must be a number in [0, 1), but is {0}")]
pub struct MomentumError(pub f64);

impl Momentum {
    pub fn validate(&self) -> Result<(), MomentumError> {
        if !(self.mu.is_finite() && (0.0..1.0).contains(&self.mu)) {
            return Err(MomentumError(self.mu));
        }
        Ok(())
    }

    /// μ for mini-batch `t` (0-based).
    pub fn mu_at(&self, t: usize) -> f64 {
        if !self.schedule {
            return self.mu;
        }
        let k = (t / 250 + 1) as f64;
        (1.0 - (-1.0 - k.log2()).exp2()).min(self.mu)
    }
}

/// The velocities v of every weight and bias, and the parameters before the current step.
#[derive(Clone, Debug)]
pub struct Velocity<F: Real> {
    pub(crate) momentum: Momentum,
    v_w: Vec<Array2<F>>,
    v_b: Vec<Array1<F>>,
    before_w: Vec<Array2<F>>,
    before_b: Vec<Array1<F>>,
    /// Mini-batches done, for the schedule.
    t: usize,
}

impl<F: Real> Velocity<F> {
    /// Zero velocities for `net`.
    pub fn new(net: &Network<F>, momentum: Momentum) -> Self {
        let zw: Vec<_> = net.weights.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
        let zb: Vec<_> = net.biases.iter().map(|b| Array1::zeros(b.raw_dim())).collect();
        Velocity { momentum, v_w: zw.clone(), v_b: zb.clone(), before_w: zw, before_b: zb, t: 0 }
    }

    /// Keep the parameters before a plain step.
    pub(crate) fn remember(&mut self, net: &Network<F>) {
        self.before_w.iter_mut().zip(&net.weights).for_each(|(k, w)| k.assign(w));
        self.before_b.iter_mut().zip(&net.biases).for_each(|(k, b)| k.assign(b));
    }

    /// Turn the plain step just taken (from the remembered parameters) into a momentum step.
    pub(crate) fn apply(&mut self, net: &mut Network<F>) {
        let mu = F::from_f64_lossy(self.momentum.mu_at(self.t));
        let nesterov = self.momentum.nesterov;
        self.t += 1;
        let step = |p: &mut F, v: &mut F, &before: &F| {
            let d = *p - before;
            let v_old = *v;
            *v = mu * v_old + d;
            *p = *p + mu * if nesterov { *v } else { v_old };
        };
        for ((w, v), k) in net.weights.iter_mut().zip(&mut self.v_w).zip(&self.before_w) {
            Zip::from(w).and(v).and(k).for_each(step);
        }
        for ((b, v), k) in net.biases.iter_mut().zip(&mut self.v_b).zip(&self.before_b) {
            Zip::from(b).and(v).and(k).for_each(step);
        }
    }
}
