//! Inside the network (issue 10): the factor each hidden layer applies to the gradient,
//! predicted and measured, and where the units saturate or die.
//!
//! The chapter's chain writes ∂C/∂b₁ as a product of terms w_j·σ′(z_j). In a wide network
//! each term is a matrix: BP2 says δ^l = Σ′(z^l)(w^{l+1})ᵀ δ^{l+1} = J_l δ^{l+1}, so an early
//! layer's δ is the product J_l J_{l+1} ⋯ δ^L. This module measures those factors on the
//! probe images and sets them beside a prediction:
//!
//! * [`factors`]: J_l's singular values pooled over the probe images (largest, median,
//!   smallest, root-mean-square) and the measured ratios ‖δ^l‖/‖δ^{l+1}‖ per image — with
//!   batch normalisation J_l gains the diagonal γ/√(σ̄² + ε), and with skip connections the
//!   factors act on ∂C/∂a^l (I + (w^{l+1})ᵀΣ′(z^{l+1}), the chain's 1 + w·σ′ grown wide);
//! * [`meanfield`]: the mean-field prediction of each factor, and the gain at which it is 1;
//! * [`saturation`]: saturated and dead units, histograms of a^l, f′(z^l), δ^l;
//! * [`record`]: the same as training goes, per epoch, with the update-to-weight ratio;
//! * [`svd`]: the small singular-value routine all this rests on.
//!
//! The forward and backward pass run in the network's own float type (the page's f32
//! network reuses its f32 code: an f64 copy would add f64 kernels to the wasm); everything
//! after it — the spectra, the prediction, the statistics — is f64, a diagnostic.

pub mod factors;
pub mod meanfield;
pub mod record;
pub mod saturation;
pub mod svd;

pub use factors::{Factor, LayerFactor, Spectrum};
pub use meanfield::{critical_gain, init_variances, mean_factor, mean_field, measured_variances, LayerVariance, MeanField};
pub use record::{EpochInside, InsideRecorder, InsideRun};
pub use saturation::{Histogram, LayerUnits};

use crate::data::Dataset;
use crate::network::Network;
use crate::real::Real;
use crate::train::{check_first, to_matrices, TrainError};
use ndarray::Array2;
use serde::Serialize;

/// The probe images of the issue: "pooled over, say, 100 images".
pub const DEFAULT_COUNT: usize = 100;

/// What to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct InsideConfig {
    /// Probe images: the first `count` of the data set.
    pub count: usize,
    /// Singular values from the first this many of them (a full spectrum costs O(n³) per
    /// image and layer; the ratios and unit statistics always use all `count`).
    pub spectrum_images: usize,
    /// σ_w², σ_b² per weight layer for the prediction: those of the initialisation when
    /// it is known ([`init_variances`]), else measured from the weights.
    pub variances: Option<Vec<LayerVariance>>,
    /// Keep every image's spectrum, f′ and ratio in the report (for the numpy check).
    pub per_image: bool,
}

/// The work of one image's spectra, in units of one-sided Jacobi's cost per sweep and
/// row (~n_l·n_{l+1}·min(n_l, n_{l+1})), summed over the hidden layers.
pub fn spectrum_work(sizes: &[usize]) -> usize {
    sizes[1..].windows(2).map(|w| w[0] * w[1] * w[0].min(w[1])).sum()
}

/// A refresh's work for the spectra: all 100 images of the book's [784, 30, 30, 30, 30, 10]
/// (84,300 per image), measured at ~60 ms natively on this machine (benches/inside.rs).
/// At width 200 one image is 24 million: the spectra then pool one image (600 values).
pub const REFRESH_WORK: usize = 100 * 84_300;

/// How many probe images' spectra fit in `work` (at least 1, at most `count`).
pub fn spectrum_images_within(sizes: &[usize], count: usize, work: usize) -> usize {
    (work / spectrum_work(sizes).max(1)).clamp(1, count.max(1))
}

impl Default for InsideConfig {
    fn default() -> Self {
        InsideConfig { count: DEFAULT_COUNT, spectrum_images: usize::MAX, variances: None, per_image: false }
    }
}

/// Everything this module says about one network on its probe images.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InsideReport {
    pub sizes: Vec<usize>,
    pub activation: &'static str,
    /// Probe images, and how many of them the spectra pool.
    pub count: usize,
    pub spectrum_images: usize,
    /// One per hidden layer, first first.
    pub factors: Vec<LayerFactor>,
    pub units: Vec<LayerUnits>,
    /// ‖δ^l‖ of δ^l averaged over the probe images (the chapter's "speed of learning"), hidden layers.
    pub norms: Vec<f64>,
    /// ‖δ^L‖ of the output layer, averaged likewise: where the prediction starts.
    pub output_norm: f64,
    /// The mean-field ‖δ^l‖: ‖δ^L‖ times the predicted factors χ_l ⋯ χ_{L−1}.
    pub predicted_norms: Vec<f64>,
    pub mean_field: MeanField,
    /// The variances the prediction used, one per weight layer.
    pub variances: Vec<LayerVariance>,
    /// ⟨‖x‖²/n_0⟩ of the probe images.
    pub input_sq: f64,
    /// The factor to multiply every weight by for an average predicted factor of 1
    /// ([`critical_gain`] relative to this network), if there is one.
    pub critical_gain_factor: Option<f64>,
    /// Skip connections: the factors then act on ∂C/∂a^l, not δ^l (see [`factors::Factor`]).
    pub residual: bool,
    /// Batch normalisation, by its running statistics: δ^l is ∂C/∂ẑ^l = ∂C/∂β^l.
    pub batch_norm: bool,
    /// Whether there is a mean-field prediction. Only for plain networks: its recursion
    /// q^{l+1} = σ_w²E[f(z)²] + σ_b² is that of plain layers. A skip adds a^l's own
    /// second moment (a sigmoid's mean accumulates), and a normalised layer's scale is set
    /// by running statistics learned from the data, not by the initialisation's variances;
    /// neither is implemented, so those networks get NaN (`null`) predictions.
    pub predicted: bool,
}

/// Look inside `net` on the first `config.count` examples of `data`.
pub fn inside<F: Real>(net: &Network<F>, data: &Dataset, config: &InsideConfig) -> Result<InsideReport, TrainError> {
    check_first(net, data, config.count)?;
    let count = config.count.min(data.len());
    let (x, y) = to_matrices::<F>(&data.take(count), net.output_size());
    Ok(report(net, &x, &y, config))
}

pub(crate) fn report<F: Real>(net: &Network<F>, x: &Array2<F>, y: &Array2<F>, config: &InsideConfig) -> InsideReport {
    let count = x.nrows();
    let pass = factors::pass(net, x.view(), y.view());
    let hidden = net.depth() - 1;
    let spectrum_images = config.spectrum_images.min(count);
    let f = net.activation();
    let units = (1..=hidden).map(|l| saturation::layer_units(l, f, pass.out[l].view(), pass.delta[l - 1].view())).collect();
    let mean_norm = factors::norm_of_mean;
    let norms: Vec<f64> = pass.delta[..hidden].iter().map(mean_norm).collect();
    let output_norm = mean_norm(&pass.delta[hidden]);
    let variances = config.variances.clone().unwrap_or_else(|| measured_variances(net));
    let input_sq = x.iter().map(|v| v.to_f64_exact().powi(2)).sum::<f64>() / x.len().max(1) as f64;
    // The prediction's recursion is that of plain layers (see `predicted`).
    let predicted = !(net.residual() || net.batch_norm());
    let mean_field = if predicted { mean_field(f, input_sq, &variances) } else { MeanField { q: vec![f64::NAN; hidden], factors: vec![f64::NAN; hidden] } };
    let mut predicted_norms = vec![0.0; hidden];
    let mut p = output_norm;
    for l in (0..hidden).rev() {
        p *= mean_field.factors[l];
        predicted_norms[l] = p;
    }
    InsideReport {
        sizes: net.sizes().to_vec(),
        activation: f.name(),
        count,
        spectrum_images,
        factors: factors::layer_factors(net, &pass, spectrum_images, config.per_image),
        units,
        norms,
        output_norm,
        predicted_norms,
        critical_gain_factor: if predicted { critical_gain(f, input_sq, &variances) } else { None },
        residual: net.residual(),
        batch_norm: net.batch_norm(),
        predicted,
        mean_field,
        variances,
        input_sq,
    }
}
