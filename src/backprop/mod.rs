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

mod workspace;

pub(crate) use workspace::rows_mut;
pub use workspace::{Gradient, Workspace};

use crate::batchnorm::{self, Mode, NormPass};
use crate::network::{layer_activation, Activation, Cost, Network, NetworkError};
use crate::real::{sigmoid, Real};
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Axis, Zip};

/// What the passes need to know of a network's shape besides its matrices: the hidden
/// activation f, and whether equal-width hidden layers are joined by skip connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arch {
    pub f: Activation,
    pub residual: bool,
    pub batch_norm: bool,
}

impl Arch {
    /// Whether weight layer `l` (0-based, of `depth`) is batch-normalised: every hidden layer.
    pub fn normalized(&self, l: usize, depth: usize) -> bool {
        self.batch_norm && l + 1 < depth
    }

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
#[allow(clippy::too_many_arguments)]
pub(crate) fn forward<F: Real>(
    weights: &[Array2<F>],
    biases: &[Array1<F>],
    arch: Arch,
    acts: &mut [ArrayViewMut2<F>],
    skips: &mut [ArrayViewMut2<F>],
    mut norm: Option<&mut NormPass<F>>,
    from: usize,
) {
    for l in from..weights.len() {
        let (lo, hi) = acts.split_at_mut(l + 1);
        let mut z = hi[0].view_mut();
        // z = a^{l−1} (w^l)ᵀ, then + b^l and f in one pass.
        general_mat_mul(F::one(), &lo[l].view(), &weights[l].t(), F::zero(), &mut z);
        if arch.normalized(l, weights.len()) {
            let n = norm.as_deref_mut().expect("a batch-normalised network's pass has its buffers");
            batchnorm::normalize(z.view_mut(), &n.layers[l], &biases[l], n.mode, &mut n.buffers[l]);
            apply_in_place(z.as_slice_mut().expect("the workspace's first rows are contiguous"), arch.f);
        } else {
            add_bias_and_activate(z.view_mut(), &biases[l], layer_activation(arch.f, l, weights.len()));
        }
        if arch.skip(l, weights) {
            let z = z.as_slice_mut().expect("the workspace's first rows are contiguous");
            if let Some(kept) = skips.get_mut(l) {
                kept.as_slice_mut().expect("contiguous").copy_from_slice(z);
            }
            z.iter_mut().zip(lo[l].as_slice().expect("contiguous")).for_each(|(z, &a)| *z = *z + a);
        }
    }
}

/// z ← f(z + b) for each row.
fn add_bias_and_activate<F: Real>(mut z: ArrayViewMut2<F>, b: &Array1<F>, f: Activation) {
    // Matched once per layer, so each loop below is compiled for its own f.
    match f {
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
    mut norm: Option<&mut NormPass<F>>,
    y: ArrayView2<F>,
    deltas: &mut [ArrayViewMut2<F>],
    mut visit: impl FnMut(usize, ArrayView2<F>, ArrayView2<F>, ArrayView2<F>, &mut W),
) {
    let big_l = weights.len();
    let m = y.nrows();
    output_delta(cost, acts[big_l].view(), y, deltas[big_l - 1].view_mut());
    for l in (0..big_l).rev() {
        // δ^l as far as z^l: through the normalisation when the layer has one.
        let normalized = arch.normalized(l, big_l);
        if l > 0 {
            let (lo, hi) = deltas.split_at_mut(l);
            let dz = match (normalized, norm.as_deref()) {
                (true, Some(n)) => n.buffers[l].dz.slice(s![..m, ..]),
                _ => hi[0].view(),
            };
            if !arch.residual {
                propagate_delta(arch.f, weights[l].w(), dz, acts[l].view(), lo[l - 1].view_mut());
            } else {
                let (from_skip, to_skip) = (arch.skip(l, weights), arch.skip(l - 1, weights));
                propagate_residual(arch.f, weights[l].w(), dz, acts[l].view(), skips, l, (from_skip, to_skip), lo[l - 1].view_mut());
            }
            if arch.normalized(l - 1, big_l) {
                let n = norm.as_deref_mut().expect("a batch-normalised network's pass has its buffers");
                batchnorm::backward(lo[l - 1].view(), &n.layers[l - 1], n.mode, &mut n.buffers[l - 1]);
            }
        }
        let dz = match (normalized, norm.as_deref()) {
            (true, Some(n)) => n.buffers[l].dz.slice(s![..m, ..]),
            _ => deltas[l].view(),
        };
        visit(l, deltas[l].view(), dz, acts[l].view(), &mut weights[l]);
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
    // Over plain slices (the first rows of the workspace's buffers): a Zip apiece would
    // cost the wasm kilobytes.
    let d = delta_prev.as_slice_mut().expect("the workspace's first rows are contiguous");
    if from_skip {
        let g = skips[l].as_slice().expect("contiguous");
        d.iter_mut().zip(g).for_each(|(d, &g)| *d = *d + g);
    }
    if to_skip {
        let kept = skips[l - 1].as_slice_mut().expect("contiguous");
        for (d, k) in d.iter_mut().zip(kept) {
            let (g, fz) = (*d, *k);
            *k = g;
            *d = g * f.prime_from_a(fz);
        }
    } else {
        let a = a.as_slice().expect("the activations' first rows are contiguous");
        d.iter_mut().zip(a).for_each(|(d, &a)| *d = *d * f.prime_from_a(a));
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
    /// The network's outputs a^L for a batch of inputs (one per row); batch-normalised
    /// layers use their running statistics.
    pub fn feedforward(&self, x: ArrayView2<F>) -> Result<Array2<F>, NetworkError> {
        self.feedforward_in(x, Mode::Running)
    }

    fn feedforward_in(&self, x: ArrayView2<F>, mode: Mode) -> Result<Array2<F>, NetworkError> {
        self.check_input(x)?;
        let m = x.nrows();
        let mut ws = self.workspace(m);
        ws.activations[0].assign(&x);
        let Workspace { activations, skips, norm, .. } = &mut ws;
        let mut pass = NormPass { layers: &self.norms, mode, buffers: norm };
        forward(&self.weights, &self.biases, self.arch(), &mut rows_mut(activations, m), &mut rows_mut(skips, m), Some(&mut pass), 0);
        Ok(ws.activations.pop().expect("at least one layer"))
    }

    /// A workspace for `rows` examples with the buffers this network's layers need.
    pub(crate) fn workspace(&self, rows: usize) -> Workspace<F> {
        Workspace::new(&self.sizes, rows).for_residual(self.residual).for_batch_norm(self.batch_norm())
    }

    /// Backpropagation over a batch: the *sums* over its rows of ∂C_x/∂b^l and ∂C_x/∂w^l
    /// (network2's `nabla_b`, `nabla_w` summed over a mini-batch), without the L2 term.
    /// Batch-normalised layers use their running statistics (each example on its own); for
    /// them ∂C/∂b is ∂C/∂β.
    pub fn gradient(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<Gradient<F>, NetworkError> {
        Ok(self.gradient_in(x, y, Mode::Running)?.0)
    }

    /// The gradient of training with batch normalisation: the rows of `x` are one
    /// mini-batch, normalised by its own statistics, through which the gradient flows too.
    /// Also Σ ∂C/∂γ per hidden layer. Without batch normalisation, [`Network::gradient`].
    pub fn batch_gradient(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<(Gradient<F>, Vec<Array1<F>>), NetworkError> {
        self.gradient_in(x, y, Mode::Batch)
    }

    /// Σ_x C_x over the rows of `x` taken as one mini-batch (see [`Network::batch_gradient`]).
    pub fn batch_cost_sum(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<F, NetworkError> {
        let a = self.feedforward_in(x, Mode::Batch)?;
        Ok(self.add_cost(F::zero(), a.view(), y))
    }

    fn gradient_in(&self, x: ArrayView2<F>, y: ArrayView2<F>, mode: Mode) -> Result<(Gradient<F>, Vec<Array1<F>>), NetworkError> {
        self.check_input(x)?;
        let m = x.nrows();
        let mut ws = self.workspace(m);
        ws.activations[0].assign(&x);
        let Workspace { activations, deltas, skips, norm, .. } = &mut ws;
        let mut pass = NormPass { layers: &self.norms, mode, buffers: norm };
        forward(&self.weights, &self.biases, self.arch(), &mut rows_mut(activations, m), &mut rows_mut(skips, m), Some(&mut pass), 0);
        let mut nabla_b = vec![Array1::zeros(0); self.depth()];
        let mut nabla_w = vec![Array2::zeros((0, 0)); self.depth()];
        let acts: Vec<_> = activations.iter().map(|a| a.view()).collect();
        let mut weights: Vec<_> = self.weights.iter().map(|w| w.view()).collect();
        let (skips, deltas) = (&mut rows_mut(skips, m), &mut rows_mut(deltas, m));
        backward(self.cost, self.arch(), &mut weights, &acts, skips, Some(&mut pass), y, deltas, |l, delta_b, delta_w, a_prev, _| {
            nabla_b[l] = delta_b.sum_axis(Axis(0)); // BP3 (∂C/∂β where normalised)
            nabla_w[l] = delta_w.t().dot(&a_prev); // BP4
        });
        let nabla_gamma = pass.buffers.iter().map(|b| b.dgamma.clone()).collect();
        Ok((Gradient { nabla_b, nabla_w }, nabla_gamma))
    }

    /// Σ_x ∂C_x/∂b^l for every layer over all rows of `x`, in chunks of at most `chunk`
    /// rows (bounded memory); the probes divide it by the count. Cheaper than
    /// [`Network::gradient`]: no ∂C/∂w is formed.
    pub fn bias_gradient_sum(&self, x: ArrayView2<F>, y: ArrayView2<F>, chunk: usize) -> Result<Vec<Array1<F>>, NetworkError> {
        self.check_input(x)?;
        let chunk = chunk.max(1);
        let mut sums = self.zero_biases();
        let mut ws = self.workspace(chunk.min(x.nrows()).max(1));
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

    /// Adds Σ_x ∂C_x/∂b^l (BP3; ∂C/∂β where normalised, by the running statistics) to
    /// `sums` for the batch whose inputs are in the first `y.nrows()` rows of `ws`'s a^0.
    pub(crate) fn add_bias_gradient(&self, ws: &mut Workspace<F>, y: ArrayView2<F>, sums: &mut [Array1<F>]) {
        let m = y.nrows();
        let Workspace { activations, skips, norm, .. } = ws;
        let mut pass = NormPass { layers: &self.norms, mode: Mode::Running, buffers: norm };
        forward(&self.weights, &self.biases, self.arch(), &mut rows_mut(activations, m), &mut rows_mut(skips, m), Some(&mut pass), 0);
        self.add_bias_gradient_forwarded(ws, y, sums);
    }

    /// [`Network::add_bias_gradient`] for a batch whose feedforward (with the running
    /// statistics) is already in `ws` (a^0 … a^L of its rows, and what the skips and the
    /// normalisation keep): the backward pass alone.
    pub(crate) fn add_bias_gradient_forwarded(&self, ws: &mut Workspace<F>, y: ArrayView2<F>, sums: &mut [Array1<F>]) {
        let m = y.nrows();
        let Workspace { activations, deltas, skips, norm, .. } = ws;
        let mut pass = NormPass { layers: &self.norms, mode: Mode::Running, buffers: norm };
        let acts: Vec<_> = activations.iter().map(|a| a.slice(s![..m, ..])).collect();
        let mut weights: Vec<_> = self.weights.iter().map(|w| w.view()).collect();
        let (skips, deltas) = (&mut rows_mut(skips, m), &mut rows_mut(deltas, m));
        backward(self.cost, self.arch(), &mut weights, &acts, skips, Some(&mut pass), y, deltas, |l, delta_b, _, _, _| {
            let part = delta_b.sum_axis(Axis(0));
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
