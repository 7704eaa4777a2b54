//! Backpropagation over a whole batch at once: the fast counterpart of
//! [`crate::network2::backprop`], shared by the gradient, the probes and the trainer.
//!
//! The book's four equations, written for a batch whose examples are the *rows* of a
//! matrix (see the crate docs), with ⊙ the elementwise product and
//! σ′(z^l) = a^l ⊙ (1 − a^l) (for another hidden activation f, f′(z^l) is likewise taken
//! from a^l: [`Activation::prime_from_a`]):
//!
//! * BP1  δ^L = ∇_a C ⊙ σ′(z^L); cross-entropy simplifies it to δ^L = a^L − y (book eq. 66).
//! * BP2  δ^l = (δ^{l+1} w^{l+1}) ⊙ σ′(z^l).
//! * BP3  ∂C/∂b^l = δ^l (summed over the rows of the batch).
//! * BP4  ∂C/∂w^l = (δ^l)ᵀ a^{l−1} (summed over the batch by the product itself).
//!
//! `backward` computes BP1 and BP2 and hands each δ^l to its caller, who forms what
//! it needs of BP3 and BP4: the whole gradient ([`Network::gradient`]), the bias sums
//! alone (the probes), or the update of the weights in place (the trainer).

use crate::network::{layer_activation, Activation, Cost, Network, NetworkError};
use crate::real::{sigmoid, Real};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Axis, Zip};

/// The sums over a batch of ∂C_x/∂b^l and ∂C_x/∂w^l, index 0 for layer 1.
#[derive(Clone, Debug)]
pub struct Gradient<F: Real> {
    pub nabla_b: Vec<Array1<F>>,
    pub nabla_w: Vec<Array2<F>>,
}

/// Preallocated buffers for one batch size, so training allocates nothing per batch.
#[derive(Clone, Debug)]
pub struct Workspace<F: Real> {
    /// `activations[l]` is a^l (a^0 = the input), `rows × sizes[l]`.
    pub(crate) activations: Vec<Array2<F>>,
    /// `deltas[l]` is δ^{l+1}, `rows × sizes[l+1]`.
    pub(crate) deltas: Vec<Array2<F>>,
    /// Residual networks only (empty otherwise, see [`Workspace::for_residual`]): for a layer
    /// with a skip connection, f(z^{l+1}) after the forward pass, then ∂C/∂a^{l+1} in the
    /// backward pass (`rows × sizes[l+1]`).
    pub(crate) skips: Vec<Array2<F>>,
    rows: usize,
}

impl<F: Real> Workspace<F> {
    pub fn new(sizes: &[usize], rows: usize) -> Self {
        Workspace {
            activations: sizes.iter().map(|&n| Array2::zeros((rows, n))).collect(),
            deltas: sizes[1..].iter().map(|&n| Array2::zeros((rows, n))).collect(),
            skips: Vec::new(),
            rows,
        }
    }
    /// The same buffers and, when `residual`, those of the skip connections.
    pub fn for_residual(mut self, residual: bool) -> Self {
        if residual && self.skips.is_empty() {
            self.skips = self.deltas.iter().map(|d| Array2::zeros(d.raw_dim())).collect();
        }
        self
    }
    /// Buffers for inputs that are never dense: a^0 has no columns. The sparse first
    /// layer reads its inputs from [`crate::train::SparseRows`] instead, and a dense a^0
    /// would be the largest buffer of all (784 columns against 30).
    pub fn without_input(sizes: &[usize], rows: usize) -> Self {
        let mut ws = Self::new(&sizes[1..], rows);
        ws.activations.insert(0, Array2::zeros((rows, 0)));
        ws.deltas.insert(0, Array2::zeros((rows, sizes[1])));
        ws
    }
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// The input rows a^0, where [`crate::train::sgd_step`] reads a dense mini-batch.
    pub fn input_mut(&mut self) -> ArrayViewMut2<'_, F> {
        self.activations[0].view_mut()
    }
}

/// Views of the first `m` rows of each buffer (a batch shorter than the workspace).
pub(crate) fn rows_mut<F>(buffers: &mut [Array2<F>], m: usize) -> Vec<ArrayViewMut2<'_, F>> {
    buffers.iter_mut().map(|a| a.slice_mut(s![..m, ..])).collect()
}

/// What the passes need to know of a network's shape besides its matrices: the hidden
/// activation f, and whether equal-width hidden layers are joined by skip connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arch {
    pub f: Activation,
    pub residual: bool,
}

impl Arch {
    /// Whether weight layer `l` (0-based, of `depth`) adds its input to its output:
    /// a^{l+1} = a^l + f(z^{l+1}). Only between hidden layers of one width: never the
    /// first layer (the pixels) nor the output layer.
    pub fn skip<W: Weights<F>, F>(&self, l: usize, weights: &[W]) -> bool {
        self.residual && l >= 1 && l + 1 < weights.len() && {
            let w = weights[l].w();
            w.nrows() == w.ncols()
        }
    }
}

/// Feedforward (book eq. 25, transposed): a^l = f(a^{l−1} (w^l)ᵀ + b^l) for l > `from`,
/// from the activations already in `acts[from]` (0: from the input); f is `arch.f` for
/// the hidden layers and σ for the output layer. With skip connections a^l = a^{l−1} + f(z^l),
/// and f(z^l) is kept in `skips[l−1]` for the backward pass (when `skips` has buffers).
pub(crate) fn forward<F: Real>(
    weights: &[Array2<F>],
    biases: &[Array1<F>],
    arch: Arch,
    acts: &mut [ArrayViewMut2<F>],
    skips: &mut [ArrayViewMut2<F>],
    from: usize,
) {
    for l in from..weights.len() {
        let (lo, hi) = acts.split_at_mut(l + 1);
        let mut z = hi[0].view_mut();
        // z = a^{l−1} (w^l)ᵀ, then + b^l and f in one pass.
        general_mat_mul(F::one(), &lo[l].view(), &weights[l].t(), F::zero(), &mut z);
        let b = &biases[l];
        // Matched once per layer, so each loop below is compiled for its own f.
        match layer_activation(arch.f, l, weights.len()) {
            // σ through ndarray's Zip, as it always was (the same bits).
            Activation::Sigmoid => {
                for mut row in z.outer_iter_mut() {
                    Zip::from(&mut row).and(b).for_each(|z, &b| *z = sigmoid(*z + b));
                }
            }
            // The others over plain slices: one small loop each, where a Zip apiece
            // would cost the wasm kilobytes.
            f => {
                let z = z.as_slice_mut().expect("the workspace's first rows are contiguous");
                let b = b.as_slice().expect("biases are contiguous");
                for row in z.chunks_exact_mut(b.len()) {
                    row.iter_mut().zip(b).for_each(|(z, &b)| *z = *z + b);
                }
                apply_in_place(z, f);
            }
        }
        if arch.skip(l, weights) {
            if let Some(kept) = skips.get_mut(l) {
                kept.assign(&z);
            }
            Zip::from(&mut z).and(&lo[l]).for_each(|z, &a| *z = *z + a);
        }
    }
}

/// a ← f(a) in place: the sparse first layer's kernel leaves z^1 + b^1 unactivated for
/// any f but σ (which it applies itself).
pub(crate) fn apply_in_place<F: Real>(a: &mut [F], f: Activation) {
    match f {
        Activation::Sigmoid => a.iter_mut().for_each(|a| *a = sigmoid(*a)),
        Activation::Tanh => a.iter_mut().for_each(|a| *a = crate::real::tanh(*a)),
        Activation::Relu => a.iter_mut().for_each(|a| *a = a.max(F::zero())),
        Activation::LeakyRelu => a.iter_mut().for_each(|a| *a = crate::network2::leaky_relu(*a)),
    }
}

/// A weight matrix the backward pass reads, and its caller may change: an owned matrix
/// (the trainer updates it) or a view (the gradient only reads it).
pub(crate) trait Weights<F> {
    fn w(&self) -> ArrayView2<'_, F>;
}
impl<F> Weights<F> for Array2<F> {
    fn w(&self) -> ArrayView2<'_, F> {
        self.view()
    }
}
impl<F> Weights<F> for ArrayView2<'_, F> {
    fn w(&self) -> ArrayView2<'_, F> {
        self.view()
    }
}

/// The backward pass over a batch whose activations a^0 … a^L are in `acts` and whose
/// targets are `y`: BP1 for δ^L, then for l = L, …, 1 BP2 for δ^{l−1} from w^l, and
/// `visit(l − 1, δ^l, a^{l−1}, w^l)` (0-based layer index) — in that order, so that
/// `visit` may update w^l in place: δ^{l−1} has already been taken from the old w^l,
/// as network2 computes the whole gradient before it changes any weight.
///
/// With skip connections (a^{l} = a^{l−1} + f(z^{l})) the gradient reaching a^{l−1} has two
/// paths: ∂C/∂a^{l−1} = δ^l w^l + ∂C/∂a^l. `skips` holds f(z^l) from [`forward`] and is
/// overwritten with ∂C/∂a^l on the way down.
#[allow(clippy::too_many_arguments)]
pub(crate) fn backward<F: Real, W: Weights<F>>(
    cost: Cost,
    arch: Arch,
    weights: &mut [W],
    acts: &[ArrayView2<F>],
    skips: &mut [ArrayViewMut2<F>],
    y: ArrayView2<F>,
    deltas: &mut [ArrayViewMut2<F>],
    mut visit: impl FnMut(usize, ArrayView2<F>, ArrayView2<F>, &mut W),
) {
    let big_l = weights.len();
    output_delta(cost, acts[big_l].view(), y, deltas[big_l - 1].view_mut());
    for l in (0..big_l).rev() {
        if l > 0 {
            let (lo, hi) = deltas.split_at_mut(l);
            if !arch.residual {
                propagate_delta(arch.f, weights[l].w(), hi[0].view(), acts[l].view(), lo[l - 1].view_mut());
            } else {
                let (from_skip, to_skip) = (arch.skip(l, weights), arch.skip(l - 1, weights));
                propagate_residual(arch.f, weights[l].w(), hi[0].view(), acts[l].view(), skips, l, (from_skip, to_skip), lo[l - 1].view_mut());
            }
        }
        visit(l, deltas[l].view(), acts[l].view(), &mut weights[l]);
    }
}

/// BP2 with skip connections, for weight layer `l` (0-based) whose δ is `delta`:
/// g = ∂C/∂a^l = δ w^l (+ ∂C/∂a^{l+1}, kept in `skips[l]`, when layer l skips), then
/// δ^{l−1} = g ⊙ f′(z^l) with f(z^l) from `skips[l − 1]` when layer l − 1 skips (and g
/// kept there in its place), else from a^l.
#[allow(clippy::too_many_arguments)]
fn propagate_residual<F: Real>(
    f: Activation,
    w: ArrayView2<F>,
    delta: ArrayView2<F>,
    a: ArrayView2<F>,
    skips: &mut [ArrayViewMut2<F>],
    l: usize,
    (from_skip, to_skip): (bool, bool),
    mut delta_prev: ArrayViewMut2<F>,
) {
    general_mat_mul(F::one(), &delta, &w, F::zero(), &mut delta_prev);
    if from_skip {
        Zip::from(&mut delta_prev).and(&skips[l]).for_each(|d, &g| *d = *d + g);
    }
    if to_skip {
        Zip::from(&mut delta_prev).and(&mut skips[l - 1]).for_each(|d, k| {
            let (g, fz) = (*d, *k);
            *k = g;
            *d = g * f.prime_from_a(fz);
        });
    } else {
        Zip::from(&mut delta_prev).and(&a).for_each(|d, &a| *d = *d * f.prime_from_a(a));
    }
}

/// BP1 for the network's cost: δ^L = a^L − y (cross-entropy, book eq. 66) or
/// (a^L − y) ⊙ σ′(z^L) (quadratic, book eq. 30), with σ′(z^L) = a^L(1 − a^L).
fn output_delta<F: Real>(cost: Cost, a: ArrayView2<F>, y: ArrayView2<F>, mut delta: ArrayViewMut2<F>) {
    match cost {
        Cost::CrossEntropy => Zip::from(&mut delta).and(&a).and(&y).for_each(|d, &a, &y| *d = a - y),
        Cost::Quadratic => Zip::from(&mut delta).and(&a).and(&y).for_each(|d, &a, &y| *d = (a - y) * a * (F::one() - a)),
    }
}

/// BP2: δ^{l−1} = (δ^l w^l) ⊙ f′(z^{l−1}), with f′ from a^{l−1}: σ′ = a(1 − a),
/// tanh′ = 1 − a², ReLU′ = [a > 0], leaky ReLU′ = 1 or 0.01. a^{l−1} is a hidden layer.
fn propagate_delta<F: Real>(f: Activation, w: ArrayView2<F>, delta: ArrayView2<F>, a_prev: ArrayView2<F>, mut delta_prev: ArrayViewMut2<F>) {
    general_mat_mul(F::one(), &delta, &w, F::zero(), &mut delta_prev);
    match f {
        // δ·a·(1 − a) in this order, through Zip, as before f was a choice: the same bits.
        Activation::Sigmoid => Zip::from(&mut delta_prev).and(&a_prev).for_each(|d, &a| *d = *d * a * (F::one() - a)),
        // The others over plain slices (small in the wasm; see `forward`).
        f => {
            let d = delta_prev.as_slice_mut().expect("the workspace's first rows are contiguous");
            let a = a_prev.as_slice().expect("the activations' first rows are contiguous");
            // f is the same for every element: the compiler may hoist the match out.
            d.iter_mut().zip(a).for_each(|(d, &a)| *d = *d * f.prime_from_a(a));
        }
    }
}

impl<F: Real> Network<F> {
    /// The network's outputs a^L for a batch of inputs (one per row).
    pub fn feedforward(&self, x: ArrayView2<F>) -> Result<Array2<F>, NetworkError> {
        self.check_input(x)?;
        let mut ws = Workspace::new(&self.sizes, x.nrows());
        ws.activations[0].assign(&x);
        forward(&self.weights, &self.biases, self.arch(), &mut rows_mut(&mut ws.activations, x.nrows()), &mut [], 0);
        Ok(ws.activations.pop().expect("at least one layer"))
    }

    /// Backpropagation over a batch: the *sums* over its rows of ∂C_x/∂b^l and ∂C_x/∂w^l
    /// (network2's `nabla_b`, `nabla_w` summed over a mini-batch), without the L2 term.
    pub fn gradient(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<Gradient<F>, NetworkError> {
        self.check_input(x)?;
        let m = x.nrows();
        let mut ws = Workspace::new(&self.sizes, m).for_residual(self.residual);
        ws.activations[0].assign(&x);
        forward(&self.weights, &self.biases, self.arch(), &mut rows_mut(&mut ws.activations, m), &mut rows_mut(&mut ws.skips, m), 0);
        let mut nabla_b = vec![Array1::zeros(0); self.depth()];
        let mut nabla_w = vec![Array2::zeros((0, 0)); self.depth()];
        let acts: Vec<_> = ws.activations.iter().map(|a| a.view()).collect();
        let mut weights: Vec<_> = self.weights.iter().map(|w| w.view()).collect();
        backward(self.cost, self.arch(), &mut weights, &acts, &mut rows_mut(&mut ws.skips, m), y, &mut rows_mut(&mut ws.deltas, m), |l, delta, a_prev, _| {
            nabla_b[l] = delta.sum_axis(Axis(0)); // BP3
            nabla_w[l] = delta.t().dot(&a_prev); // BP4
        });
        Ok(Gradient { nabla_b, nabla_w })
    }

    /// Σ_x ∂C_x/∂b^l for every layer over all rows of `x`, in chunks of at most `chunk`
    /// rows (bounded memory); the probes divide it by the count. Cheaper than
    /// [`Network::gradient`]: no ∂C/∂w is formed.
    pub fn bias_gradient_sum(&self, x: ArrayView2<F>, y: ArrayView2<F>, chunk: usize) -> Result<Vec<Array1<F>>, NetworkError> {
        self.check_input(x)?;
        let chunk = chunk.max(1);
        let mut sums = self.zero_biases();
        let mut ws = Workspace::new(&self.sizes, chunk.min(x.nrows()).max(1)).for_residual(self.residual);
        let mut start = 0;
        while start < x.nrows() {
            let end = (start + chunk).min(x.nrows());
            ws.activations[0].slice_mut(s![..end - start, ..]).assign(&x.slice(s![start..end, ..]));
            self.add_bias_gradient(&mut ws, y.slice(s![start..end, ..]), &mut sums);
            start = end;
        }
        Ok(sums)
    }

    /// Zero vectors shaped like the biases, to sum gradients into.
    pub(crate) fn zero_biases(&self) -> Vec<Array1<F>> {
        self.biases.iter().map(|b| Array1::zeros(b.len())).collect()
    }

    /// Adds Σ_x ∂C_x/∂b^l (BP3) to `sums` for the batch whose inputs are in the first
    /// `y.nrows()` rows of `ws`'s a^0.
    pub(crate) fn add_bias_gradient(&self, ws: &mut Workspace<F>, y: ArrayView2<F>, sums: &mut [Array1<F>]) {
        let m = y.nrows();
        forward(&self.weights, &self.biases, self.arch(), &mut rows_mut(&mut ws.activations, m), &mut rows_mut(&mut ws.skips, m), 0);
        let acts: Vec<_> = ws.activations.iter().map(|a| a.slice(s![..m, ..])).collect();
        let mut weights: Vec<_> = self.weights.iter().map(|w| w.view()).collect();
        backward(self.cost, self.arch(), &mut weights, &acts, &mut rows_mut(&mut ws.skips, m), y, &mut rows_mut(&mut ws.deltas, m), |l, delta, _, _| {
            let part = delta.sum_axis(Axis(0));
            Zip::from(&mut sums[l]).and(&part).for_each(|s, &p| *s = *s + p);
        });
    }

    /// Σ_x C_x over the rows of a batch (no regularisation term).
    pub fn cost_sum(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<F, NetworkError> {
        let a = self.feedforward(x)?;
        Ok(self.add_cost(F::zero(), a.view(), y))
    }

    /// `c` plus the cost of each row of the outputs `a` against the targets `y`, in order.
    pub(crate) fn add_cost(&self, c: F, a: ArrayView2<F>, y: ArrayView2<F>) -> F {
        a.outer_iter().zip(y.outer_iter()).fold(c, |c, (a, y)| c + self.cost.value(&a.to_vec(), &y.to_vec()))
    }
}
