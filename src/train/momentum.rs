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
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// The momentum settings; μ = 0 is plain SGD. As JSON (the comparison's settings, network
/// files' `"momentum"`): `{"mu": 0.9, "nesterov": false, "schedule": false}`, every key
/// required, no other.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

    /// μ for mini-batch `t` (0-based). With k = ⌊t/250⌋ + 1, 2^(−1 − log₂ k) is 1/(2k): no
    /// exp2 or log2, whose tables would cost the wasm 4 KB.
    pub fn mu_at(&self, t: usize) -> f64 {
        if !self.schedule {
            return self.mu;
        }
        let k = (t / 250 + 1) as f64;
        (1.0 - 1.0 / (2.0 * k)).min(self.mu)
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
    /// Zero velocities for `net`, laid out in memory as its parameters (the weights are
    /// column-major), so that every pass below runs over three plain slices.
    pub fn new(net: &Network<F>, momentum: Momentum) -> Self {
        let zeros_like_w = |w: &Array2<F>| w.mapv(|_| F::zero());
        let zw: Vec<_> = net.weights.iter().map(zeros_like_w).collect();
        // The slices pair up element by element only if the layouts agree.
        assert!(zw.iter().zip(&net.weights).all(|(z, w)| z.strides() == w.strides()));
        let zb: Vec<_> = net.biases.iter().map(|b| Array1::zeros(b.raw_dim())).collect();
        Velocity { momentum, v_w: zw.clone(), v_b: zb.clone(), before_w: zw, before_b: zb, t: 0 }
    }

    /// Keep the parameters before a plain step.
    pub(crate) fn remember(&mut self, net: &Network<F>) {
        for (k, w) in self.before_w.iter_mut().zip(&net.weights) {
            slice_mut(k).copy_from_slice(slice(w));
        }
        for (k, b) in self.before_b.iter_mut().zip(&net.biases) {
            k.as_slice_mut().expect("contiguous").copy_from_slice(b.as_slice().expect("contiguous"));
        }
    }

    /// Turn the plain step just taken (from the remembered parameters) into a momentum step.
    pub(crate) fn apply(&mut self, net: &mut Network<F>) {
        let mu = F::from_f64_lossy(self.momentum.mu_at(self.t));
        let nesterov = self.momentum.nesterov;
        self.t += 1;
        for ((w, v), before) in net.weights.iter_mut().zip(&mut self.v_w).zip(&self.before_w) {
            step(slice_mut(w), slice_mut(v), slice(before), mu, nesterov);
        }
        for ((b, v), before) in net.biases.iter_mut().zip(&mut self.v_b).zip(&self.before_b) {
            step(b.as_slice_mut().expect("contiguous"), v.as_slice_mut().expect("contiguous"), before.as_slice().expect("contiguous"), mu, nesterov);
        }
    }
}

/// One layer's parameters `p` (after the plain step, from `before`) and velocities `v`.
/// One loop for both kinds, not inlined: each copy of it costs the wasm a kilobyte or two.
#[inline(never)]
fn step<F: Real>(p: &mut [F], v: &mut [F], before: &[F], mu: F, nesterov: bool) {
    for ((p, v), &k) in p.iter_mut().zip(v.iter_mut()).zip(before) {
        let v_old = *v;
        let v_new = mu * v_old + (*p - k);
        *v = v_new;
        *p = *p + mu * if nesterov { v_new } else { v_old };
    }
}

fn slice<F>(a: &Array2<F>) -> &[F] {
    a.as_slice_memory_order().expect("parameters are contiguous")
}

fn slice_mut<F>(a: &mut Array2<F>) -> &mut [F] {
    a.as_slice_memory_order_mut().expect("parameters are contiguous")
}
