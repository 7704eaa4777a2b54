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
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Axis, Zip};

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
    /// Σ over the batch of ∂C/∂γ.
    pub(crate) dgamma: Array1<F>,
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

/// z ← γ ⊙ ẑ + β for the rows of `z`, keeping ẑ and 1/√(σ² + ε).
pub(crate) fn normalize<F: Real>(mut z: ArrayViewMut2<F>, bn: &BatchNorm<F>, beta: &Array1<F>, mode: Mode, buf: &mut NormBuffers<F>) {
    let m = z.nrows();
    let eps = F::from_f64_lossy(EPSILON);
    match mode {
        Mode::Batch => {
            let count = F::from_f64_lossy(m as f64);
            buf.batch_mean.assign(&z.sum_axis(Axis(0)).mapv(|s| s / count));
            let mut var = Array1::zeros(z.ncols());
            for row in z.outer_iter() {
                Zip::from(&mut var).and(&row).and(&buf.batch_mean).for_each(|v, &z, &mu| *v = *v + (z - mu) * (z - mu));
            }
            buf.batch_var.assign(&var.mapv(|v: F| v / count));
            Zip::from(&mut buf.inv_std).and(&buf.batch_var).for_each(|s, &v| *s = F::one() / (v + eps).sqrt());
        }
        Mode::Running => Zip::from(&mut buf.inv_std).and(&bn.var).for_each(|s, &v| *s = F::one() / (v + eps).sqrt()),
    }
    let mean = if mode == Mode::Batch { &buf.batch_mean } else { &bn.mean };
    let mut z_hat = buf.z_hat.slice_mut(s![..m, ..]);
    for (mut z, mut zh) in z.outer_iter_mut().zip(z_hat.outer_iter_mut()) {
        Zip::from(&mut z).and(&mut zh).and(mean).and(&buf.inv_std).for_each(|z, zh, &mu, &s| *zh = (*z - mu) * s);
        Zip::from(&mut z).and(&zh).and(&bn.gamma).and(beta).for_each(|z, &zh, &g, &b| *z = g * zh + b);
    }
}

/// From δ_y = ∂C/∂y (`delta`, the rows of the batch): Σ ∂C/∂γ into `buf.dgamma` and ∂C/∂z into
/// `buf.dz`. With the batch's statistics the gradient also flows through μ and σ²:
/// ∂C/∂z = (1/(m·√(σ² + ε)))·(m·ĝ − Σ ĝ − ẑ·Σ(ĝ ⊙ ẑ)), with ĝ = γ ⊙ δ_y and sums over the batch.
pub(crate) fn backward<F: Real>(delta: ArrayView2<F>, bn: &BatchNorm<F>, mode: Mode, buf: &mut NormBuffers<F>) {
    let m = delta.nrows();
    let z_hat = buf.z_hat.slice(s![..m, ..]);
    buf.dgamma.fill(F::zero());
    for (d, zh) in delta.outer_iter().zip(z_hat.outer_iter()) {
        Zip::from(&mut buf.dgamma).and(&d).and(&zh).for_each(|g, &d, &zh| *g = *g + d * zh);
    }
    let mut dz = buf.dz.slice_mut(s![..m, ..]);
    if mode == Mode::Running {
        for (mut dz, d) in dz.outer_iter_mut().zip(delta.outer_iter()) {
            Zip::from(&mut dz).and(&d).and(&bn.gamma).and(&buf.inv_std).for_each(|dz, &d, &g, &s| *dz = d * g * s);
        }
        return;
    }
    let count = F::from_f64_lossy(m as f64);
    // Σ ĝ = γ ⊙ Σ δ_y and Σ ĝ ⊙ ẑ = γ ⊙ Σ ∂C/∂γ.
    let sum_g: Array1<F> = delta.sum_axis(Axis(0)) * &bn.gamma;
    let sum_gz: Array1<F> = &buf.dgamma * &bn.gamma;
    for ((mut dz, d), zh) in dz.outer_iter_mut().zip(delta.outer_iter()).zip(z_hat.outer_iter()) {
        Zip::from(&mut dz).and(&d).and(&bn.gamma).for_each(|dz, &d, &g| *dz = count * g * d);
        Zip::from(&mut dz).and(&zh).and(&sum_g).and(&sum_gz).for_each(|dz, &zh, &sg, &sgz| *dz = *dz - sg - zh * sgz);
        Zip::from(&mut dz).and(&buf.inv_std).for_each(|dz, &s| *dz = *dz * s / count);
    }
}

/// The running averages after a training step on a batch of `m`: μ̄ ← (1 − α)μ̄ + α·μ and
/// σ̄² ← (1 − α)σ̄² + α·σ²·m/(m − 1) (the unbiased variance, as PyTorch keeps).
pub(crate) fn update_running<F: Real>(bn: &mut BatchNorm<F>, buf: &NormBuffers<F>, m: usize) {
    let alpha = F::from_f64_lossy(RUNNING_WEIGHT);
    let keep = F::one() - alpha;
    let unbias = F::from_f64_lossy(if m > 1 { m as f64 / (m - 1) as f64 } else { 1.0 });
    Zip::from(&mut bn.mean).and(&buf.batch_mean).for_each(|r, &b| *r = keep * *r + alpha * b);
    Zip::from(&mut bn.var).and(&buf.batch_var).for_each(|r, &b| *r = keep * *r + alpha * b * unbias);
}
