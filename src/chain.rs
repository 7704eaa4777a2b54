//! The single-neuron chain of the chapter: one neuron per layer (sigmoid, or f; see below), weights
//! w_1..w_L, biases b_1..b_L, input a_0, and z_j = w_j a_{j−1} + b_j, a_j = σ(z_j).
//! The gradient of the cost with respect to the first bias is the product (book ch. 5):
//!
//! ∂C/∂b_1 = σ′(z_1) · w_2 σ′(z_2) · w_3 σ′(z_3) ⋯ w_L σ′(z_L) · ∂C/∂a_L.
//!
//! Apart from the first and last factors it is a product of terms w_j σ′(z_j). Since
//! σ′(z) ≤ σ′(0) = 1/4, weights with |w_j| < 4 give terms below 1 in size and the product
//! vanishes exponentially with depth; with w_j = 100 and every z_j = 0 each term is 25
//! and it explodes. Everything here is in `f64`: the chain has a handful of numbers.
//!
//! With another activation f for neurons 1..L−1 (the last neuron is the output, always σ)
//! the terms are w_j f′(z_j): tanh′ ≤ 1 and ReLU′ ∈ {0, 1}, so |w_j| near 1 keeps the
//! product near 1 where the sigmoid's 1/4 shrinks it. The report's `sigma_prime` is then f′.
//!
//! With skip connections (`residual`, neurons 2..L−1: a_j = a_{j−1} + f(z_j)) each of those
//! terms becomes 1 + w_j f′(z_j): the gradient has a path that no small w or f′ can close,
//! so the product no longer has to shrink.

use crate::network::{Activation, Cost};
use crate::rng::Rng;
use serde::Serialize;

/// Most neurons a chain may have: the page offers 1–10; 1,000 keeps every product
/// representable long enough to show under- and overflow without costing time.
pub const MAX_CHAIN: usize = 1000;

/// How the biases are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ChainBias {
    /// Use the given b_j.
    Given,
    /// Choose b_j = −w_j a_{j−1}, so that every z_j = 0 and σ′(z_j) = 1/4 exactly
    /// (the book's exploding example: w = 100 gives terms of 25).
    ZeroZ,
}

/// A chain of single sigmoid neurons and the cost at its end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chain {
    pub w: Vec<f64>,
    /// Ignored with [`ChainBias::ZeroZ`].
    pub b: Vec<f64>,
    pub bias: ChainBias,
    /// The input a_0.
    pub a0: f64,
    pub cost: Cost,
    /// The desired output y.
    pub y: f64,
    /// f of neurons 1..L−1; neuron L is the output and stays σ.
    pub activation: Activation,
    /// Skip connections around neurons 2..L−1 (as [`crate::Network::skips`] for 1-wide layers).
    pub residual: bool,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ChainError {
    #[error("a chain needs between 1 and {max} neurons, but {0} were given", max = MAX_CHAIN)]
    Length(usize),
    #[error("{0} weights but {1} biases; give one of each per neuron")]
    Mismatch(usize, usize),
    #[error("{what} must be a finite number, but is {value}")]
    NonFinite { what: String, value: f64 },
}

/// Everything the chapter's chain shows, index j − 1 for neuron j.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainReport {
    /// The biases actually used (the computed ones in z = 0 mode).
    pub b: Vec<f64>,
    pub z: Vec<f64>,
    pub a: Vec<f64>,
    pub sigma_prime: Vec<f64>,
    /// w_j σ′(z_j) for every j (the book's product uses j = 2..L); 1 + w_j f′(z_j) for the
    /// neurons with a skip connection.
    pub terms: Vec<f64>,
    /// The running product: σ′(z_1), σ′(z_1)·w_2σ′(z_2), …; its last entry times ∂C/∂a_L
    /// is ∂C/∂b_1.
    pub running_product: Vec<f64>,
    /// ∂C/∂a_L for the chain's cost.
    pub dc_da_last: f64,
    /// ∂C/∂b_j for every j by the closed form (index 0 is ∂C/∂b_1).
    pub dc_db: Vec<f64>,
    /// ∂C/∂b_1.
    pub dc_db1: f64,
    /// Geometric mean of |w_j σ′(z_j)| over j = 2..L (None for a single neuron): above 1
    /// the gradient explodes along the chain, below 1 it vanishes.
    pub mean_term: Option<f64>,
    pub regime: Regime,
}

/// Whether the terms, on the whole, shrink or grow the gradient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Regime {
    Vanishing,
    Balanced,
    Exploding,
    /// The gradient overflowed to ±∞ or NaN.
    Overflow,
    /// One neuron: no product of terms.
    Single,
}

impl Chain {
    /// A chain with the same weight `w` and bias `b` at every neuron.
    pub fn uniform(layers: usize, w: f64, b: f64, bias: ChainBias) -> Self {
        Chain { w: vec![w; layers], b: vec![b; layers], bias, a0: 1.0, cost: Cost::CrossEntropy, y: 0.0, activation: Activation::Sigmoid, residual: false }
    }

    /// The seed note's chain: weights and biases drawn from N(0, 1) (network2's large
    /// initialisation), so usually |w_j| < 1 and every term is below 1/4.
    pub fn book_random(layers: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let w = (0..layers).map(|_| rng.normal()).collect();
        let b = (0..layers).map(|_| rng.normal()).collect();
        Chain { w, b, bias: ChainBias::Given, a0: 1.0, cost: Cost::CrossEntropy, y: 0.0, activation: Activation::Sigmoid, residual: false }
    }

    /// The book's exploding example: every w_j = 100 and every z_j = 0, terms of 25.
    pub fn book_exploding(layers: usize) -> Self {
        Chain::uniform(layers, 100.0, 0.0, ChainBias::ZeroZ)
    }

    fn validate(&self) -> Result<(), ChainError> {
        let l = self.w.len();
        if l == 0 || l > MAX_CHAIN {
            return Err(ChainError::Length(l));
        }
        if self.bias == ChainBias::Given && self.b.len() != l {
            return Err(ChainError::Mismatch(l, self.b.len()));
        }
        let named = self.w.iter().enumerate().map(|(j, &v)| (format!("weight w_{}", j + 1), v));
        let biases = self.b.iter().enumerate().map(|(j, &v)| (format!("bias b_{}", j + 1), v));
        let others = [("the input a_0".to_string(), self.a0), ("the target y".to_string(), self.y)];
        let biases: Vec<_> = if self.bias == ChainBias::Given { biases.collect() } else { Vec::new() };
        for (what, value) in named.chain(biases).chain(others) {
            if !value.is_finite() {
                return Err(ChainError::NonFinite { what, value });
            }
        }
        Ok(())
    }

    /// Whether neuron `j` (0-based) adds its input to its output: hidden, and not the first.
    pub fn skips(&self, j: usize) -> bool {
        self.residual && j >= 1 && j + 1 < self.w.len()
    }

    /// Compute every quantity of the chain.
    pub fn report(&self) -> Result<ChainReport, ChainError> {
        self.validate()?;
        let big_l = self.w.len();
        let (mut b, mut z, mut a, mut sp) = (vec![0.0; big_l], vec![0.0; big_l], vec![0.0; big_l], vec![0.0; big_l]);
        let mut a_prev = self.a0;
        for j in 0..big_l {
            b[j] = match self.bias {
                ChainBias::Given => self.b[j],
                ChainBias::ZeroZ => -(self.w[j] * a_prev),
            };
            z[j] = self.w[j] * a_prev + b[j];
            let f = if j + 1 == big_l { Activation::Sigmoid } else { self.activation };
            a[j] = if self.skips(j) { a_prev + f.f(z[j]) } else { f.f(z[j]) };
            // f′ from z, as the book writes σ′; in z = 0 mode σ′ is exactly 1/4 (and the
            // ReLUs take their left slope, 0 or 0.01).
            sp[j] = f.prime(z[j]);
            a_prev = a[j];
        }
        // ∂a_j/∂a_{j−1}: w_j f′(z_j), plus the skip's 1.
        let terms: Vec<f64> = (0..big_l).map(|j| if self.skips(j) { 1.0 + self.w[j] * sp[j] } else { self.w[j] * sp[j] }).collect();
        let mut running_product = Vec::with_capacity(big_l);
        let mut p = sp[0];
        running_product.push(p);
        for t in &terms[1..] {
            p *= t;
            running_product.push(p);
        }
        let a_last = a[big_l - 1];
        let dc_da_last = match self.cost {
            Cost::CrossEntropy => (a_last - self.y) / (a_last * (1.0 - a_last)),
            Cost::Quadratic => a_last - self.y,
        };
        // δ_L = ∂C/∂b_L = σ′(z_L) ∂C/∂a_L, formed without dividing by σ′ for cross-entropy
        // (where it is a_L − y, book eq. 66), so a saturated output stays finite.
        let delta_last = match self.cost {
            Cost::CrossEntropy => a_last - self.y,
            Cost::Quadratic => (a_last - self.y) * sp[big_l - 1],
        };
        // ∂C/∂b_j = σ′(z_j) · Π_{k=j+1..L} w_k σ′(z_k) · ∂C/∂a_L
        //         = σ′(z_j) · Π_{k=j+1..L−1} w_k σ′(z_k) · w_L · δ_L   (for j < L).
        let mut dc_db = vec![0.0; big_l];
        dc_db[big_l - 1] = delta_last;
        if big_l > 1 {
            let mut tail = self.w[big_l - 1] * delta_last; // w_L δ_L
            for j in (0..big_l - 1).rev() {
                dc_db[j] = sp[j] * tail;
                tail *= terms[j]; // now includes w_j σ′(z_j) for the next j down
            }
        }
        let mean_term = (big_l > 1).then(|| {
            let log_sum: f64 = terms[1..].iter().map(|t| t.abs().ln()).sum();
            (log_sum / (big_l - 1) as f64).exp()
        });
        let dc_db1 = dc_db[0];
        let regime = if !dc_db1.is_finite() || running_product.iter().any(|v| !v.is_finite()) {
            Regime::Overflow
        } else {
            match mean_term {
                None => Regime::Single,
                Some(m) if m > 1.0 + 1e-12 => Regime::Exploding,
                Some(m) if m < 1.0 - 1e-12 => Regime::Vanishing,
                Some(_) => Regime::Balanced,
            }
        };
        Ok(ChainReport { b, z, a, sigma_prime: sp, terms, running_product, dc_da_last, dc_db, dc_db1, mean_term, regime })
    }
}

/// Chapter 5's problem on exploding gradients: the inputs a for which one neuron's term
/// |w·σ′(wa + b)| is at least 1 form an interval, of width
///
///   (2/|w|)·ln(|w|(1 + √(1 − 4/|w|))/2 − 1)
///
/// (empty, width 0, for |w| < 4, since σ′ ≤ 1/4), whatever b is. It is largest, ≈ 0.45,
/// near |w| ≈ 6.9, and shrinks like 2·ln|w|/|w| beyond: a large weight makes a large term
/// only for a narrow band of inputs, which is why exploding gradients are rare in sigmoid
/// networks. Derivation: σ′ = s(1 − s) ≥ 1/|w| for s = σ(z) between (1 ± r)/2, r = √(1 − 4/|w|),
/// so z spans 2·ln((1 + r)/(1 − r)) and a = (z − b)/w spans that over |w|.
pub fn exploding_band_width(w: f64) -> f64 {
    let w = w.abs();
    if !(4.0..f64::INFINITY).contains(&w) {
        return 0.0; // below 4 (or NaN) no term reaches 1; as |w| → ∞ the width → 0
    }
    let r = (1.0 - 4.0 / w).sqrt();
    (2.0 / w) * (w * (1.0 + r) / 2.0 - 1.0).ln()
}

/// Where one neuron's term |w·f′(z)| is at least 1 (the chain's band of z, shaded by
/// [`crate::charts::chain_band_chart`]), and how wide a band of inputs a that is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TermBand {
    /// No z gives a term of 1 or more (σ: |w| < 4; tanh and the ReLUs: |w| < 1).
    Empty,
    /// |w·f′(z)| ≥ 1 exactly for |z| ≤ `z`: since z = wa + b, the inputs a doing so form an
    /// interval of width `width` = 2z/|w|, wherever b puts it.
    Interval { z: f64, width: f64 },
    /// Every z > 0 (the ReLUs with |w| ≥ 1, where f′ = 1): no bound on the inputs at all.
    Unbounded,
}

/// [`TermBand`] of a neuron with activation `f` and weight `w` (no skip connection), in
/// closed form. σ′ = s(1 − s) with s = σ(z) is at least 1/|w| for s between (1 ± r)/2,
/// r = √(1 − 4/|w|), i.e. |z| ≤ ln((1 + r)/(1 − r)) — the width is then
/// [`exploding_band_width`]. tanh′(z) = 4σ′(2z), so tanh's band at w is σ's at 4w halved in z:
/// |z| ≤ atanh(√(1 − 1/|w|)), and its width in a is twice σ's at 4|w| (largest ≈ 0.90 near
/// |w| ≈ 1.72). Checked against a numerical scan in tests/chain_band.rs.
pub fn term_band(f: Activation, w: f64) -> TermBand {
    let w = w.abs();
    if !w.is_finite() {
        return TermBand::Empty;
    }
    let z = match f {
        Activation::Sigmoid if w >= 4.0 => {
            let r = (1.0 - 4.0 / w).sqrt();
            ((1.0 + r) / (1.0 - r)).ln()
        }
        Activation::Tanh if w >= 1.0 => (1.0 - 1.0 / w).sqrt().atanh(),
        Activation::Relu | Activation::LeakyRelu if w >= 1.0 => return TermBand::Unbounded,
        _ => return TermBand::Empty,
    };
    // At the far end of the page's slider (|w| ≈ 200) r is near 1 and (1 + r)/(1 − r) loses
    // digits; the width formula of the chapter's problem keeps them for σ.
    let width = if f == Activation::Sigmoid { exploding_band_width(w) } else { 2.0 * z / w };
    if z.is_finite() {
        TermBand::Interval { z, width }
    } else {
        TermBand::Empty
    }
}

/// One neuron's term as a function of its z: w·f′(z), or 1 + w·f′(z) with a skip connection.
pub fn term_at(f: Activation, w: f64, skip: bool, z: f64) -> f64 {
    let t = w * f.prime(z);
    if skip {
        1.0 + t
    } else {
        t
    }
}

/// The z in `lo..=hi` where |[`term_at`]| ≥ 1, as intervals, found numerically: `samples`
/// evenly spaced values, each crossing refined by bisection. It works for every activation
/// and with skips, where [`term_band`] has no closed form; for σ and tanh it is the test of
/// [`term_band`]'s.
pub fn term_band_scan(f: Activation, w: f64, skip: bool, lo: f64, hi: f64, samples: usize) -> Vec<(f64, f64)> {
    let inside = |z: f64| term_at(f, w, skip, z).abs() >= 1.0;
    // The boundary between a (inside or not) and b (the other), to ~1e-15 of the span.
    let edge = |mut a: f64, mut b: f64| {
        let at_a = inside(a);
        for _ in 0..60 {
            let m = 0.5 * (a + b);
            if inside(m) == at_a {
                a = m;
            } else {
                b = m;
            }
        }
        0.5 * (a + b)
    };
    let n = samples.max(2);
    let at = |i: usize| lo + (hi - lo) * i as f64 / (n - 1) as f64;
    let mut out = Vec::new();
    let mut start = inside(lo).then_some(lo);
    for i in 1..n {
        let (a, b) = (at(i - 1), at(i));
        match (start, inside(b)) {
            (None, true) => start = Some(edge(a, b)),
            (Some(s), false) => {
                out.push((s, edge(a, b)));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, hi));
    }
    out
}
