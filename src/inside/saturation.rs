//! Where the units saturate or die: per hidden layer, over the probe images, the fraction
//! of saturated values, the units that are saturated (or off) on every image, the mean
//! and standard deviation of a^l (Glorot & Bengio 2010, fig. 2), and histograms with
//! fixed bins of a^l, f′(z^l) and log₁₀|δ^l| — fixed so that epochs compare bin by bin.

use crate::network::Activation;
use ndarray::ArrayView2;
use serde::Serialize;

/// A unit is saturated within 3 % of its output's range from a bound (Karpathy's
/// "saturated %" uses |tanh| > 0.97 in makemore; 3 % of the range is the same rule for
/// both: σ below 0.03 or above 0.97, |tanh| above 0.94). σ′ there is < 0.03, under an
/// eighth of its peak.
pub const SATURATION_MARGIN: f64 = 0.03;

/// Bins of every histogram.
pub const BINS: usize = 20;
/// log₁₀|δ| is binned over [−12, 0]: below 10⁻¹² a layer has stopped learning.
pub const LOG_DELTA_RANGE: (f64, f64) = (-12.0, 0.0);

/// Whether a unit of activation `f` with output `a` is saturated (σ, tanh: within 3 % of
/// the range from a bound) or off (ReLU, leaky ReLU: z ≤ 0, where a ≤ 0).
pub fn is_saturated(f: Activation, a: f64) -> bool {
    match f {
        Activation::Sigmoid => !(SATURATION_MARGIN..=1.0 - SATURATION_MARGIN).contains(&a),
        Activation::Tanh => a.abs() > 1.0 - 2.0 * SATURATION_MARGIN,
        Activation::Relu | Activation::LeakyRelu => a <= 0.0,
    }
}

/// Counts in `counts.len()` equal bins over [lo, hi] (the last bin closed), and the
/// values outside (`below` includes −∞, so zeros of a log histogram land there).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
    pub below: u64,
    pub above: u64,
    /// NaN values.
    pub invalid: u64,
}

impl Histogram {
    pub fn new(lo: f64, hi: f64, bins: usize) -> Self {
        Histogram { lo, hi, counts: vec![0; bins], below: 0, above: 0, invalid: 0 }
    }
    pub fn add(&mut self, v: f64) {
        let n = self.counts.len();
        if v.is_nan() {
            self.invalid += 1;
        } else if v < self.lo {
            self.below += 1;
        } else if v > self.hi {
            self.above += 1;
        } else {
            let i = ((v - self.lo) / (self.hi - self.lo) * n as f64) as usize;
            self.counts[i.min(n - 1)] += 1;
        }
    }
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.below + self.above + self.invalid
    }
}

/// The fixed range of a^l's histogram for each activation (ReLUs: [0, 4], larger
/// outputs counted as `above`).
pub fn activation_range(f: Activation) -> (f64, f64) {
    match f {
        Activation::Sigmoid => (0.0, 1.0),
        Activation::Tanh => (-1.0, 1.0),
        Activation::Relu | Activation::LeakyRelu => (0.0, 4.0),
    }
}

/// The range of f′: σ′ ≤ 1/4; the others ≤ 1.
pub fn prime_range(f: Activation) -> (f64, f64) {
    match f {
        Activation::Sigmoid => (0.0, 0.25),
        _ => (0.0, 1.0),
    }
}

/// One hidden layer's units over the probe images.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerUnits {
    pub layer: usize,
    /// Fraction of the (image, unit) values that are saturated or off ([`is_saturated`]).
    pub saturated: f64,
    /// Fraction of the units that are saturated or off on *every* probe image ("dead"
    /// for a ReLU: no gradient passes through it for any of these inputs).
    pub dead: f64,
    /// Mean and (population) standard deviation of a^l over images and units.
    pub mean: f64,
    pub std: f64,
    pub activations: Histogram,
    pub f_prime: Histogram,
    /// log₁₀|δ^l| of every image and unit.
    pub log_delta: Histogram,
}

/// The statistics of one hidden layer from its activations a^l and its δ^l (images × units).
pub fn layer_units(layer: usize, f: Activation, a: ArrayView2<f64>, delta: ArrayView2<f64>) -> LayerUnits {
    let count = a.len().max(1) as f64;
    let saturated = a.iter().filter(|&&v| is_saturated(f, v)).count() as f64 / count;
    let dead = a.columns().into_iter().filter(|c| c.iter().all(|&v| is_saturated(f, v))).count() as f64 / a.ncols().max(1) as f64;
    let mean = a.iter().sum::<f64>() / count;
    let std = (a.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count).sqrt();
    let hist = |range: (f64, f64), values: &mut dyn Iterator<Item = f64>| {
        let mut h = Histogram::new(range.0, range.1, BINS);
        values.for_each(|v| h.add(v));
        h
    };
    LayerUnits {
        layer,
        saturated,
        dead,
        mean,
        std,
        activations: hist(activation_range(f), &mut a.iter().copied()),
        f_prime: hist(prime_range(f), &mut a.iter().map(|&v| f.prime_from_a(v))),
        log_delta: hist(LOG_DELTA_RANGE, &mut delta.iter().map(|d| d.abs().log10())),
    }
}
