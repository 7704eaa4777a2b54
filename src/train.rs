//! Mini-batch stochastic gradient descent with L2 weight decay, as network2's `SGD` and
//! `update_mini_batch`:
//!
//! * each epoch the training set is reshuffled in place (network2: `random.shuffle`), here
//!   with the seeded [`Rng`], or kept in order when shuffling is off;
//! * for each mini-batch of m examples, with n the size of the training set (book eq. 93–94):
//!   `w ← (1 − η·λ/n)·w − (η/m)·Σ_x ∂C_x/∂w`,  `b ← b − (η/m)·Σ_x ∂C_x/∂b`.
//!
//! The mini-batch goes through as one matrix. The weight update is fused into the
//! matrix product of BP4: `general_mat_mul(−η/m, δᵀ, a, 1 − ηλ/n, w)`, so ∂C/∂w is never
//! stored; it is formed only after δ^{l−1} has been computed from the *old* w^l, so the
//! result is exactly network2's (which computes every gradient before updating).

use crate::data::{Dataset, PIXEL_SCALE};
use crate::network::{forward_in_place, rows_mut, output_delta, propagate_delta, Network, NetworkError, Workspace};
use crate::real::Real;
use crate::rng::Rng;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, ArrayViewMut2, Axis, Zip};
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
    #[error("the data has label {label}, but the network has only {outputs} output neurons")]
    Label { label: u8, outputs: usize },
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

/// Check that a data set fits a network: same input width, labels within the outputs.
pub fn check_data<F: Real>(net: &Network<F>, data: &Dataset) -> Result<(), TrainError> {
    if data.is_empty() {
        return Err(TrainError::EmptyData);
    }
    if data.pixels() != net.input_size() {
        return Err(TrainError::InputWidth { expected: net.input_size(), found: data.pixels() });
    }
    if let Some(&label) = data.labels().iter().find(|&&l| l as usize >= net.output_size()) {
        return Err(TrainError::Label { label, outputs: net.output_size() });
    }
    Ok(())
}

/// Copy examples `idx` of `data` into the rows of `x` (pixels scaled to [0, 1]) and their
/// one-hot labels into the rows of `y`.
pub fn fill_batch<F: Real>(data: &Dataset, idx: &[usize], mut x: ArrayViewMut2<F>, mut y: ArrayViewMut2<F>) {
    let scale = F::from_f64_lossy(PIXEL_SCALE);
    y.fill(F::zero());
    for (r, &i) in idx.iter().enumerate() {
        let mut row = x.row_mut(r);
        for (v, &p) in row.iter_mut().zip(data.image(i)) {
            *v = F::from_u8(p).expect("a byte fits any float") * scale;
        }
        y[[r, data.label(i) as usize]] = F::one();
    }
}

/// All examples of `data` as an input matrix and a one-hot target matrix.
pub fn to_matrices<F: Real>(data: &Dataset, classes: usize) -> (Array2<F>, Array2<F>) {
    let n = data.len();
    let mut x = Array2::zeros((n, data.pixels()));
    let mut y = Array2::zeros((n, classes));
    let idx: Vec<usize> = (0..n).collect();
    fill_batch(data, &idx, x.view_mut(), y.view_mut());
    (x, y)
}

/// One SGD step on a dense mini-batch already in the first `m` rows of
/// `ws.activations[0]` (inputs) and `y` (one-hot targets): backpropagation and the
/// network2 update, fused. `n` is the training-set size. This is the reference path for
/// any input; [`Trainer`] uses [`sgd_step_sparse`], which gives the same numbers faster.
pub fn sgd_step<F: Real>(net: &mut Network<F>, ws: &mut Workspace<F>, y: &Array2<F>, m: usize, eta: f64, lambda: f64, n: usize) {
    {
        let Network { weights, biases, .. } = &mut *net;
        let mut acts = rows_mut(&mut ws.activations, m);
        forward_in_place(weights, biases, &mut acts, 0);
    }
    backward_and_update(net, ws, y, m, eta, lambda, n, None);
}

/// A mini-batch of inputs as a sparse matrix in compressed rows: for row r, the pixels
/// `index[start[r]..start[r+1]]` are the non-zero ones, with scaled values `value[…]`.
/// MNIST digits are about 81 % zero pixels, so the first layer — 784 of every 800-odd
/// inputs of the network's work — does a fifth of the dense work. Skipping exact zeros
/// changes nothing but the order of the additions.
#[derive(Clone, Debug, Default)]
pub struct SparseRows<F> {
    /// Pixels per example (the dense width).
    width: usize,
    start: Vec<usize>,
    index: Vec<u32>,
    value: Vec<F>,
}

impl<F: Real> SparseRows<F> {
    /// Every example of `data`.
    pub fn from_dataset(data: &Dataset) -> Self {
        let mut rows = SparseRows::default();
        rows.fill(data, &(0..data.len()).collect::<Vec<_>>());
        rows
    }

    /// The examples `idx` of `data`, pixels scaled by [`PIXEL_SCALE`].
    pub fn fill(&mut self, data: &Dataset, idx: &[usize]) {
        let scale = F::from_f64_lossy(PIXEL_SCALE);
        self.width = data.pixels();
        self.start.clear();
        self.index.clear();
        self.value.clear();
        self.start.push(0);
        for &i in idx {
            for (p, &v) in data.image(i).iter().enumerate() {
                if v != 0 {
                    self.index.push(p as u32);
                    self.value.push(F::from_u8(v).expect("a byte fits any float") * scale);
                }
            }
            self.start.push(self.index.len());
        }
    }
    /// The non-zero (pixel, value) pairs of row `r`.
    pub fn row(&self, r: usize) -> impl Iterator<Item = (usize, F)> + '_ {
        let range = self.start[r]..self.start[r + 1];
        self.index[range.clone()].iter().map(|&p| p as usize).zip(self.value[range].iter().copied())
    }
    /// Pixels per example.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
}

/// The same step as [`sgd_step`] with the inputs given sparse: the first layer adds, for
/// each example, only the weight columns of its non-zero pixels (forward), and updates
/// only those columns besides the weight decay (backward). Every other layer is dense.
///
/// The mini-batch is the rows `batch` of `x`; `y` holds their one-hot targets.
#[allow(clippy::too_many_arguments)]
pub fn sgd_step_sparse<F: Real>(net: &mut Network<F>, ws: &mut Workspace<F>, x: &SparseRows<F>, batch: &[usize], y: &Array2<F>, eta: f64, lambda: f64, n: usize) {
    let m = batch.len();
    {
        let Network { weights, biases, .. } = &mut *net;
        let w1 = weights[0].as_slice_memory_order().expect("weights are stored contiguously");
        let b1 = biases[0].as_slice().expect("biases are contiguous");
        let mut z1 = ws.activations[1].slice_mut(s![..m, ..]);
        let z1 = z1.as_slice_mut().expect("activation rows are contiguous");
        kernels::sparse_forward(w1, b1, x, batch, z1);
        let mut acts = rows_mut(&mut ws.activations, m);
        forward_in_place(weights, biases, &mut acts, 1);
    }
    backward_and_update(net, ws, y, m, eta, lambda, n, Some((x, batch)));
}

/// The two sparse loops of the first layer, compiled twice on x86-64: for the baseline
/// (SSE2) and for AVX2 + FMA, chosen at run time (std caches the CPU check). On other
/// targets (wasm32 with simd128) the portable version is the only one.
mod kernels {
    use super::SparseRows;
    use crate::real::{sigmoid, Real};

    /// z_r = σ(b + Σ_p x_rp w_{·p}) for every row r of the batch; `z` is `m × n1`
    /// row-major, `w1` column-major (`n1` numbers per column).
    #[inline(always)]
    fn forward_generic<F: Real, const FMA: bool>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F]) {
        macro_rules! fixed {
            ($($n:literal)*) => {
                match b1.len() {
                    $($n => return forward_fixed::<F, $n, FMA>(w1, b1, x, batch, z),)*
                    _ => {}
                }
            };
        }
        fixed!(10 20 30 40 50 60 80 100);
        let n1 = b1.len();
        for (zr, &i) in z.chunks_exact_mut(n1).zip(batch) {
            zr.copy_from_slice(b1);
            for (p, v) in x.row(i) {
                axpy::<F, FMA>(zr, v, &w1[p * n1..(p + 1) * n1]);
            }
            for z in zr.iter_mut() {
                *z = sigmoid(*z);
            }
        }
    }

    /// The same for a layer width `N` known at compile time: the row of z stays in
    /// registers while the columns stream past (the widths the page offers, the book's 30
    /// among them, take this path; it is ~2× the speed of the general loop).
    #[inline(always)]
    fn forward_fixed<F: Real, const N: usize, const FMA: bool>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F]) {
        let b: &[F; N] = b1.try_into().expect("width N");
        for (zr, &i) in z.chunks_exact_mut(N).zip(batch) {
            let mut acc = *b;
            for (p, v) in x.row(i) {
                let col: &[F; N] = w1[p * N..(p + 1) * N].try_into().expect("a column of N");
                for j in 0..N {
                    acc[j] = madd::<F, FMA>(v, col[j], acc[j]);
                }
            }
            for (z, a) in zr.iter_mut().zip(acc) {
                *z = sigmoid(a);
            }
        }
    }

    /// w ← decay·w, then w_{·p} −= step·x_rp·δ_r for every non-zero x_rp of the batch.
    #[inline(always)]
    fn update_generic<F: Real, const FMA: bool>(w1: &mut [F], decay: F, step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
        let n1 = w1.len() / x.width().max(1);
        if decay != F::one() {
            w1.iter_mut().for_each(|w| *w = *w * decay);
        }
        macro_rules! fixed {
            ($($n:literal)*) => {
                match n1 {
                    $($n => return update_fixed::<F, $n, FMA>(w1, step, x, batch, delta),)*
                    _ => {}
                }
            };
        }
        fixed!(10 20 30 40 50 60 80 100);
        for (d, &i) in delta.chunks_exact(n1).zip(batch) {
            for (p, v) in x.row(i) {
                axpy::<F, FMA>(&mut w1[p * n1..(p + 1) * n1], -step * v, d);
            }
        }
    }

    #[inline(always)]
    fn update_fixed<F: Real, const N: usize, const FMA: bool>(w1: &mut [F], step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
        for (d, &i) in delta.chunks_exact(N).zip(batch) {
            let d: &[F; N] = d.try_into().expect("width N");
            for (p, v) in x.row(i) {
                let a = -step * v;
                let col: &mut [F; N] = (&mut w1[p * N..(p + 1) * N]).try_into().expect("a column of N");
                for j in 0..N {
                    col[j] = madd::<F, FMA>(a, d[j], col[j]);
                }
            }
        }
    }

    /// a·x + y, fused where the CPU has FMA.
    #[inline(always)]
    fn madd<F: Real, const FMA: bool>(a: F, x: F, y: F) -> F {
        if FMA { a.mul_add(x, y) } else { y + a * x }
    }

    /// y += a·x over two equally long slices (vectorised by the compiler).
    #[inline(always)]
    fn axpy<F: Real, const FMA: bool>(y: &mut [F], a: F, x: &[F]) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = madd::<F, FMA>(a, x, *y);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn forward_avx2<F: Real>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F]) {
        forward_generic::<F, true>(w1, b1, x, batch, z)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn update_avx2<F: Real>(w1: &mut [F], decay: F, step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
        update_generic::<F, true>(w1, decay, step, x, batch, delta)
    }

    pub(super) fn sparse_forward<F: Real>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F]) {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has just been checked for both features.
            return unsafe { forward_avx2(w1, b1, x, batch, z) };
        }
        forward_generic::<F, false>(w1, b1, x, batch, z)
    }

    pub(super) fn sparse_update<F: Real>(w1: &mut [F], decay: F, step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: as above.
            return unsafe { update_avx2(w1, decay, step, x, batch, delta) };
        }
        update_generic::<F, false>(w1, decay, step, x, batch, delta)
    }
}

/// BP1–BP4 from the activations in `ws`, and the update of every layer. The first layer's
/// weight update uses the sparse inputs when given.
#[allow(clippy::too_many_arguments)]
fn backward_and_update<F: Real>(net: &mut Network<F>, ws: &mut Workspace<F>, y: &Array2<F>, m: usize, eta: f64, lambda: f64, n: usize, sparse: Option<(&SparseRows<F>, &[usize])>) {
    let big_l = net.depth();
    let cost = net.cost();
    let Network { weights, biases, .. } = net;
    let decay = F::from_f64_lossy(1.0 - eta * lambda / n as f64);
    let step = F::from_f64_lossy(eta / m as f64);
    let acts: Vec<_> = ws.activations.iter().map(|a| a.slice(s![..m, ..])).collect();
    let mut deltas = rows_mut(&mut ws.deltas, m);
    output_delta(cost, acts[big_l].view(), y.slice(s![..m, ..]), deltas[big_l - 1].view_mut());
    for l in (0..big_l).rev() {
        if l > 0 {
            // δ^{l} from the old w^{l+1} (BP2), before w^{l+1} is updated below.
            let (lo, hi) = deltas.split_at_mut(l);
            propagate_delta(weights[l].view(), hi[0].view(), acts[l].view(), lo[l - 1].view_mut());
        }
        let delta = deltas[l].view();
        // b ← b − (η/m) Σ_x δ_x (BP3).
        let nabla_b = delta.sum_axis(Axis(0));
        Zip::from(&mut biases[l]).and(&nabla_b).for_each(|b, &g| *b = *b - step * g);
        match (l, sparse) {
            (0, Some((x, batch))) => {
                // w ← (1 − ηλ/n) w, then w_{·p} −= (η/m) Σ_r x_rp δ_r over non-zero x_rp.
                let w1 = weights[0].as_slice_memory_order_mut().expect("weights are stored contiguously");
                let delta = delta.as_slice().expect("delta rows are contiguous");
                kernels::sparse_update(w1, decay, step, x, batch, delta);
            }
            // w ← (1 − ηλ/n) w − (η/m) δᵀ a^{l−1} (BP4 and eq. 93, one product).
            _ => general_mat_mul(-step, &delta.t(), &acts[l], decay, &mut weights[l]),
        }
    }
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
    /// The training images, non-zero pixels only, built once.
    x: SparseRows<F>,
    labels: Vec<u8>,
    y: Array2<F>,
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
        let ws = Workspace::new(net.sizes(), config.mini_batch_size);
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
    /// Examples already used in the current (unfinished) epoch.
    pub fn position(&self) -> usize {
        self.cursor
    }

    /// Change η, λ or shuffling between batches (a new mini-batch size takes new buffers).
    pub fn set_config(&mut self, config: TrainConfig) -> Result<(), TrainError> {
        config.validate()?;
        if config.mini_batch_size != self.config.mini_batch_size {
            self.ws = Workspace::new(self.net.sizes(), config.mini_batch_size);
            self.y = Array2::zeros((config.mini_batch_size, self.net.output_size()));
        }
        self.config = config;
        Ok(())
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
            sgd_step_sparse(&mut self.net, &mut self.ws, &self.x, batch, &self.y, self.config.eta, self.config.lambda, n);
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

/// Number of examples whose largest output is at the correct label (network2's `accuracy`;
/// ties go to the lowest index, as `np.argmax`). Evaluated in chunks of 1,000.
pub fn accuracy<F: Real>(net: &Network<F>, data: &Dataset) -> Result<usize, TrainError> {
    check_data(net, data)?;
    let mut correct = 0;
    let chunk = 1000;
    let mut x = Array2::zeros((chunk.min(data.len()), data.pixels()));
    let mut y = Array2::zeros((chunk.min(data.len()), net.output_size()));
    let mut start = 0;
    while start < data.len() {
        let end = (start + chunk).min(data.len());
        let idx: Vec<usize> = (start..end).collect();
        let m = idx.len();
        fill_batch(data, &idx, x.slice_mut(s![..m, ..]), y.slice_mut(s![..m, ..]));
        let a = net.feedforward(x.slice(s![..m, ..])).map_err(|e| match e {
            NetworkError::InputWidth { expected, found } => TrainError::InputWidth { expected, found },
            other => TrainError::Diverged { epoch: 0, source: other },
        })?;
        for (r, row) in a.outer_iter().enumerate() {
            let mut best = 0;
            for j in 1..row.len() {
                if row[j] > row[best] {
                    best = j;
                }
            }
            if best == data.label(start + r) as usize {
                correct += 1;
            }
        }
        start = end;
    }
    Ok(correct)
}

/// network2's `total_cost`: the mean cost over `data` plus ½(λ/n)Σ‖w‖² with n = |data|.
pub fn total_cost<F: Real>(net: &Network<F>, data: &Dataset, lambda: f64) -> Result<f64, TrainError> {
    check_data(net, data)?;
    let (x, y) = to_matrices::<F>(data, net.output_size());
    let sum = net.cost_sum(x.view(), y.view()).map_err(|source| TrainError::Diverged { epoch: 0, source })?;
    let n = data.len() as f64;
    Ok(sum.to_f64_exact() / n + 0.5 * (lambda / n) * net.weight_norm_squared().to_f64_exact())
}
