//! Batch normalisation (Ioffe & Szegedy, 2015) of each hidden layer's weighted input:
//!
//! z = a^{l−1} (w^l)ᵀ,   ẑ = (z − μ) / √(σ² + ε),   y = γ ⊙ ẑ + β,   a^l = f(y),
//!
//! with μ and σ² the mean and variance of z over the mini-batch while training
//! ([`Mode::Batch`]), and their running averages for evaluation and the probes
//! ([`Mode::Running`]). β takes the place of the bias b^l — a bias added before the
//! normalisation would be subtracted again with the mean — so the network's `biases` hold
//! β for these layers, and the layer's speed of learning, ∂C/∂b^l elsewhere, is ∂C/∂β^l.
//! The output layer is never normalised.

use crate::real::Real;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};

/// ε of the normalisation, as PyTorch's and Keras's default.
pub const EPSILON: f64 = 1e-5;
/// The weight of each new mini-batch in the running averages (PyTorch's `momentum = 0.1`).
pub const RUNNING_WEIGHT: f64 = 0.1;

/// One hidden layer's scale γ and running statistics (β is the layer's bias).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNorm<F: Real> {
    pub gamma: Array1<F>,
    /// Running average of the batch means of z.
    pub mean: Array1<F>,
    /// Running average of the (unbiased) batch variances of z.
    pub var: Array1<F>,
}

impl<F: Real> BatchNorm<F> {
    /// γ = 1, and running statistics of a standard normal (as the frameworks start).
    pub fn new(n: usize) -> Self {
        BatchNorm { gamma: Array1::from_elem(n, F::one()), mean: Array1::zeros(n), var: Array1::from_elem(n, F::one()) }
    }
}

/// Which statistics normalise z.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The mini-batch's own: training, where the gradient flows through them too.
    Batch,
    /// The running averages: evaluation and the probes, one example at a time.
    Running,
}

/// A normalised layer's buffers for one batch size: what the backward pass needs of the
/// forward pass, and what it hands back to the trainer.
#[derive(Clone, Debug)]
pub struct NormBuffers<F: Real> {
    /// ẑ, `rows × n`.
    z_hat: Array2<F>,
    /// 1 / √(σ² + ε) of the statistics used.
    inv_std: Array1<F>,
    /// The batch's mean and (biased) variance, for the running averages.
    batch_mean: Array1<F>,
    batch_var: Array1<F>,
    /// ∂C/∂z, `rows × n`.
    pub(crate) dz: Array2<F>,
    /// Σ over the batch of ∂C/∂γ, and of δ_y (∂C/∂β).
    pub(crate) dgamma: Array1<F>,
    sum_delta: Array1<F>,
    /// Zero biases for the sparse first layer's kernel (which adds a bias).
    pub(crate) zeros: Array1<F>,
}

impl<F: Real> NormBuffers<F> {
    pub fn new(rows: usize, n: usize) -> Self {
        NormBuffers {
            z_hat: Array2::zeros((rows, n)),
            inv_std: Array1::zeros(n),
            batch_mean: Array1::zeros(n),
            batch_var: Array1::zeros(n),
            dz: Array2::zeros((rows, n)),
            dgamma: Array1::zeros(n),
            sum_delta: Array1::zeros(n),
            zeros: Array1::zeros(n),
        }
    }
}

/// The normalisation of one forward pass: every hidden layer's parameters, the mode, and
/// the buffers.
pub(crate) struct NormPass<'a, F: Real> {
    pub layers: &'a [BatchNorm<F>],
    pub mode: Mode,
    pub buffers: &'a mut [NormBuffers<F>],
}

/// z ← γ ⊙ ẑ + β for the rows of `z`, keeping ẑ and 1/√(σ² + ε). Plain loops over slices
/// (rows of `n`), not `Zip`s: each `Zip` of three or four arrays costs the wasm a kilobyte.
pub(crate) fn normalize<F: Real>(mut z: ArrayViewMut2<F>, bn: &BatchNorm<F>, beta: &Array1<F>, mode: Mode, buf: &mut NormBuffers<F>) {
    let (m, n) = z.dim();
    let eps = F::from_f64_lossy(EPSILON);
    let z = z.as_slice_mut().expect("the workspace's first rows are contiguous");
    let inv_std = slice_mut(&mut buf.inv_std);
    match mode {
        Mode::Batch => {
            let count = F::from_f64_lossy(m as f64);
            let (mean, var) = (slice_mut(&mut buf.batch_mean), slice_mut(&mut buf.batch_var));
            mean.fill(F::zero());
            var.fill(F::zero());
            z.chunks_exact(n).for_each(|row| mean.iter_mut().zip(row).for_each(|(mu, &z)| *mu = *mu + z));
            mean.iter_mut().for_each(|mu| *mu = *mu / count);
            for row in z.chunks_exact(n) {
                for ((v, &z), &mu) in var.iter_mut().zip(row).zip(mean.iter()) {
                    *v = *v + (z - mu) * (z - mu);
                }
            }
            var.iter_mut().for_each(|v| *v = *v / count);
            inv_std.iter_mut().zip(var.iter()).for_each(|(s, &v)| *s = F::one() / (v + eps).sqrt());
        }
        Mode::Running => inv_std.iter_mut().zip(slice(&bn.var)).for_each(|(s, &v)| *s = F::one() / (v + eps).sqrt()),
    }
    let mean = slice(if mode == Mode::Batch { &buf.batch_mean } else { &bn.mean });
    let (inv_std, gamma, beta) = (slice(&buf.inv_std), slice(&bn.gamma), slice(beta));
    let z_hat = &mut buf.z_hat.as_slice_mut().expect("contiguous")[..m * n];
    for (row, hat) in z.chunks_exact_mut(n).zip(z_hat.chunks_exact_mut(n)) {
        for j in 0..n {
            let zh = (row[j] - mean[j]) * inv_std[j];
            hat[j] = zh;
            row[j] = gamma[j] * zh + beta[j];
        }
    }
}

/// From δ_y = ∂C/∂y (`delta`, the rows of the batch): Σ ∂C/∂γ into `buf.dgamma` and ∂C/∂z into
/// `buf.dz`. With the batch's statistics the gradient also flows through μ and σ²:
/// ∂C/∂z = (1/(m·√(σ² + ε)))·(m·ĝ − Σ ĝ − ẑ·Σ(ĝ ⊙ ẑ)), with ĝ = γ ⊙ δ_y and sums over the batch.
pub(crate) fn backward<F: Real>(delta: ArrayView2<F>, bn: &BatchNorm<F>, mode: Mode, buf: &mut NormBuffers<F>) {
    let (m, n) = delta.dim();
    let delta = delta.as_slice().expect("the workspace's first rows are contiguous");
    let z_hat = &buf.z_hat.as_slice().expect("contiguous")[..m * n];
    let (gamma, inv_std) = (slice(&bn.gamma), slice(&buf.inv_std));
    let (dgamma, sum_delta) = (slice_mut(&mut buf.dgamma), slice_mut(&mut buf.sum_delta));
    dgamma.fill(F::zero());
    sum_delta.fill(F::zero());
    for (d, zh) in delta.chunks_exact(n).zip(z_hat.chunks_exact(n)) {
        for j in 0..n {
            dgamma[j] = dgamma[j] + d[j] * zh[j];
            sum_delta[j] = sum_delta[j] + d[j];
        }
    }
    let dz = &mut buf.dz.as_slice_mut().expect("contiguous")[..m * n];
    let count = F::from_f64_lossy(m as f64);
    for ((dz, d), zh) in dz.chunks_exact_mut(n).zip(delta.chunks_exact(n)).zip(z_hat.chunks_exact(n)) {
        for j in 0..n {
            dz[j] = match mode {
                Mode::Running => d[j] * gamma[j] * inv_std[j],
                // Σ ĝ ⊙ ẑ = γ ⊙ Σ ∂C/∂γ.
                Mode::Batch => (count * gamma[j] * d[j] - gamma[j] * sum_delta[j] - zh[j] * gamma[j] * dgamma[j]) * inv_std[j] / count,
            };
        }
    }
}

fn slice<F>(a: &Array1<F>) -> &[F] {
    a.as_slice().expect("contiguous")
}

fn slice_mut<F>(a: &mut Array1<F>) -> &mut [F] {
    a.as_slice_mut().expect("contiguous")
}

/// The running averages after a training step on a batch of `m`: μ̄ ← (1 − α)μ̄ + α·μ and
/// σ̄² ← (1 − α)σ̄² + α·σ²·m/(m − 1) (the unbiased variance, as PyTorch keeps).
pub(crate) fn update_running<F: Real>(bn: &mut BatchNorm<F>, buf: &NormBuffers<F>, m: usize) {
    let alpha = F::from_f64_lossy(RUNNING_WEIGHT);
    let keep = F::one() - alpha;
    let unbias = F::from_f64_lossy(if m > 1 { m as f64 / (m - 1) as f64 } else { 1.0 });
    slice_mut(&mut bn.mean).iter_mut().zip(slice(&buf.batch_mean)).for_each(|(r, &b)| *r = keep * *r + alpha * b);
    slice_mut(&mut bn.var).iter_mut().zip(slice(&buf.batch_var)).for_each(|(r, &b)| *r = keep * *r + alpha * b * unbias);
}
