//! The network of the book's `network2.py`: sigmoid neurons in fully connected layers,
//! a choice of cost, and backpropagation over a whole mini-batch at once.
//!
//! Backpropagation follows the book's four equations, written for a mini-batch whose
//! examples are the *rows* of a matrix (see the crate docs), with ⊙ the elementwise
//! product and σ′(z^l) = a^l ⊙ (1 − a^l):
//!
//! * BP1  δ^L = ∇_a C ⊙ σ′(z^L); cross-entropy simplifies it to δ^L = a^L − y (book eq. 66).
//! * BP2  δ^l = (δ^{l+1} w^{l+1}) ⊙ σ′(z^l).
//! * BP3  ∂C/∂b^l = δ^l (summed over the rows of the mini-batch).
//! * BP4  ∂C/∂w^l = (δ^l)ᵀ a^{l−1} (summed over the mini-batch by the product itself).

use crate::real::{sigmoid, Real};
use crate::rng::Rng;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Axis, ShapeBuilder, Zip};
use serde::{Deserialize, Serialize};

/// The cost function, as network2's `CrossEntropyCost` and `QuadratricCost` classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Cost {
    /// C = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)]; network2's default.
    #[default]
    CrossEntropy,
    /// C = ½‖a − y‖².
    Quadratic,
}

impl Cost {
    /// The class name network2 writes into its JSON files.
    pub fn network2_name(self) -> &'static str {
        match self {
            Cost::CrossEntropy => "CrossEntropyCost",
            Cost::Quadratic => "QuadraticCost",
        }
    }

    /// The cost of one output `a` against the desired output `y`, as network2's `fn`
    /// (with `np.nan_to_num`: a term 0·ln 0 counts as 0, an infinite one as the largest float).
    pub fn value<F: Real>(self, a: &[F], y: &[F]) -> F {
        match self {
            Cost::CrossEntropy => {
                let mut c = F::zero();
                for (&a, &y) in a.iter().zip(y) {
                    let mut term = F::zero();
                    if y != F::zero() {
                        term = term - y * a.ln();
                    }
                    if y != F::one() {
                        term = term - (F::one() - y) * (F::one() - a).ln();
                    }
                    c = c + nan_to_num(term);
                }
                c
            }
            Cost::Quadratic => {
                let half = F::from_f64_lossy(0.5);
                a.iter().zip(y).fold(F::zero(), |c, (&a, &y)| c + half * (a - y) * (a - y))
            }
        }
    }
}

/// numpy's `nan_to_num`: NaN → 0, ±∞ → ±largest finite float.
fn nan_to_num<F: Real>(x: F) -> F {
    if x.is_nan() {
        F::zero()
    } else if x.is_infinite() {
        if x > F::zero() { F::max_value() } else { F::min_value() }
    } else {
        x
    }
}

/// How the initial weights are drawn (the biases are always N(0, 1), as in network2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Init {
    /// w ~ N(0, 1/n_in): network2's `default_weight_initializer`, used for the chapter's numbers.
    #[default]
    Scaled,
    /// w ~ N(0, 1): network2's `large_weight_initializer`, the seed note's argument (|w| < 1 mostly).
    Large,
}

/// Everything that can be wrong with a network's shape or numbers.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NetworkError {
    #[error("a network needs at least 2 layers (input and output), but {0} were given")]
    TooFewLayers(usize),
    #[error("layer {layer} has size 0; every layer needs at least one neuron")]
    EmptyLayer { layer: usize },
    #[error("layer sizes {0:?} make a network too large (over {max} parameters)", max = MAX_PARAMETERS)]
    TooLarge(Vec<usize>),
    #[error("the weight gain must be a finite number, but is {0}")]
    BadGain(f64),
    #[error("{what} of layer {layer} has shape {found:?}, but sizes {sizes:?} need {expected:?}")]
    Shape { what: &'static str, layer: usize, found: Vec<usize>, expected: Vec<usize>, sizes: Vec<usize> },
    #[error("{what} of layer {layer} holds a non-finite number ({value}) at position {index}")]
    NonFinite { what: &'static str, layer: usize, index: usize, value: f64 },
    #[error("expected {expected} weight matrices and bias vectors for sizes {sizes:?}, found {found}")]
    LayerCount { expected: usize, found: usize, sizes: Vec<usize> },
    #[error("the input has {found} columns, but the network's input layer has {expected} neurons")]
    InputWidth { expected: usize, found: usize },
}

/// The most parameters a network may have (about 400 MB in f32): a guard against
/// sizes that would exhaust memory, far above anything the chapter needs.
pub const MAX_PARAMETERS: usize = 100_000_000;

/// A fully connected sigmoid network.
#[derive(Clone, Debug, PartialEq)]
pub struct Network<F: Real> {
    sizes: Vec<usize>,
    /// `weights[l]` is w^{l+1} of the book: `sizes[l+1] × sizes[l]`, row j holds the
    /// weights into neuron j. Stored column-major (see [`col_major`]).
    pub(crate) weights: Vec<Array2<F>>,
    /// `biases[l]` is b^{l+1}: `sizes[l+1]` entries.
    pub(crate) biases: Vec<Array1<F>>,
    cost: Cost,
}

/// A weight matrix in column-major (Fortran) order: column k, the weights *out of*
/// neuron k of the layer below, is contiguous. The training step relies on it: for the
/// first layer it adds only the columns of non-zero pixels (see `train::sgd_step_sparse`).
/// The matrix products don't care: matrixmultiply takes any strides.
pub fn col_major<F: Real>(w: Array2<F>) -> Array2<F> {
    if w.t().is_standard_layout() {
        return w;
    }
    let mut c = Array2::zeros(w.raw_dim().f());
    c.assign(&w);
    c
}

/// Check a list of layer sizes.
pub fn validate_sizes(sizes: &[usize]) -> Result<(), NetworkError> {
    if sizes.len() < 2 {
        return Err(NetworkError::TooFewLayers(sizes.len()));
    }
    if let Some(layer) = sizes.iter().position(|&n| n == 0) {
        return Err(NetworkError::EmptyLayer { layer });
    }
    let mut total: usize = 0;
    for w in sizes.windows(2) {
        let p = w[0].checked_mul(w[1]).and_then(|p| p.checked_add(w[1]));
        total = match p.and_then(|p| total.checked_add(p)) {
            Some(t) if t <= MAX_PARAMETERS => t,
            _ => return Err(NetworkError::TooLarge(sizes.to_vec())),
        };
    }
    Ok(())
}

impl<F: Real> Network<F> {
    /// A new network with random weights and biases, drawn in network2's order
    /// (all biases, then all weights). Every initial weight is multiplied by `gain`:
    /// the lab's weight slider (gain < 1 pushes towards vanishing, large gain towards
    /// exploding gradients); network2 itself is `gain = 1`.
    pub fn new(sizes: &[usize], init: Init, gain: f64, cost: Cost, rng: &mut Rng) -> Result<Self, NetworkError> {
        validate_sizes(sizes)?;
        if !gain.is_finite() {
            return Err(NetworkError::BadGain(gain));
        }
        let biases = sizes[1..]
            .iter()
            .map(|&y| Array1::from_shape_fn(y, |_| F::from_f64_lossy(rng.normal())))
            .collect();
        let weights = sizes
            .windows(2)
            .map(|w| {
                let (x, y) = (w[0], w[1]);
                let scale = gain * match init {
                    Init::Scaled => 1.0 / (x as f64).sqrt(),
                    Init::Large => 1.0,
                };
                // Drawn row by row, as numpy's randn(y, x) fills its matrix.
                col_major(Array2::from_shape_fn((y, x), |_| F::from_f64_lossy(rng.normal() * scale)))
            })
            .collect();
        Ok(Network { sizes: sizes.to_vec(), weights, biases, cost })
    }

    /// A network from given weights and biases, checked for shape and finiteness.
    pub fn from_parts(sizes: Vec<usize>, weights: Vec<Array2<F>>, biases: Vec<Array1<F>>, cost: Cost) -> Result<Self, NetworkError> {
        validate_sizes(&sizes)?;
        let layers = sizes.len() - 1;
        for found in [weights.len(), biases.len()] {
            if found != layers {
                return Err(NetworkError::LayerCount { expected: layers, found, sizes });
            }
        }
        for (l, (w, b)) in weights.iter().zip(&biases).enumerate() {
            let expected = vec![sizes[l + 1], sizes[l]];
            if w.shape() != expected.as_slice() {
                return Err(NetworkError::Shape { what: "weight matrix", layer: l + 1, found: w.shape().to_vec(), expected, sizes });
            }
            if b.len() != sizes[l + 1] {
                return Err(NetworkError::Shape { what: "bias vector", layer: l + 1, found: vec![b.len()], expected: vec![sizes[l + 1]], sizes });
            }
        }
        let weights = weights.into_iter().map(col_major).collect();
        let net = Network { sizes, weights, biases, cost };
        net.check_finite()?;
        Ok(net)
    }

    /// The first non-finite weight or bias, if any (exploding gradients end here).
    pub fn check_finite(&self) -> Result<(), NetworkError> {
        for (l, (w, b)) in self.weights.iter().zip(&self.biases).enumerate() {
            if let Some((index, v)) = w.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(NetworkError::NonFinite { what: "weight matrix", layer: l + 1, index, value: v.to_f64_exact() });
            }
            if let Some((index, v)) = b.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(NetworkError::NonFinite { what: "bias vector", layer: l + 1, index, value: v.to_f64_exact() });
            }
        }
        Ok(())
    }

    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }
    pub fn cost(&self) -> Cost {
        self.cost
    }
    pub fn set_cost(&mut self, cost: Cost) {
        self.cost = cost;
    }
    /// w^l for l = 1..L (index 0 is w^1, the weights into the first hidden layer).
    pub fn weights(&self) -> &[Array2<F>] {
        &self.weights
    }
    pub fn biases(&self) -> &[Array1<F>] {
        &self.biases
    }
    /// Number of weight layers L (= hidden layers + 1).
    pub fn depth(&self) -> usize {
        self.weights.len()
    }
    pub fn input_size(&self) -> usize {
        self.sizes[0]
    }
    pub fn output_size(&self) -> usize {
        *self.sizes.last().expect("validated: at least two layers")
    }

    /// The same network in another float type.
    pub fn cast<G: Real>(&self) -> Network<G> {
        Network {
            sizes: self.sizes.clone(),
            weights: self.weights.iter().map(|w| col_major(w.mapv(|v| G::from_f64_lossy(v.to_f64_exact())))).collect(),
            biases: self.biases.iter().map(|b| b.mapv(|v| G::from_f64_lossy(v.to_f64_exact()))).collect(),
            cost: self.cost,
        }
    }

    /// The network's outputs a^L for a batch of inputs (one per row).
    pub fn feedforward(&self, x: ArrayView2<F>) -> Result<Array2<F>, NetworkError> {
        self.check_input(x)?;
        let mut ws = Workspace::new(&self.sizes, x.nrows());
        forward(&self.weights, &self.biases, x, &mut ws.activations);
        Ok(ws.activations.pop().expect("at least one layer"))
    }

    pub(crate) fn check_input(&self, x: ArrayView2<F>) -> Result<(), NetworkError> {
        if x.ncols() != self.sizes[0] {
            return Err(NetworkError::InputWidth { expected: self.sizes[0], found: x.ncols() });
        }
        Ok(())
    }

    /// Backpropagation over a batch: the *sums* over its rows of ∂C_x/∂b^l and ∂C_x/∂w^l
    /// (network2's `nabla_b`, `nabla_w` summed over a mini-batch), without the L2 term.
    pub fn gradient(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<Gradient<F>, NetworkError> {
        self.check_input(x)?;
        let m = x.nrows();
        let mut ws = Workspace::new(&self.sizes, m);
        forward(&self.weights, &self.biases, x, &mut ws.activations);
        let big_l = self.depth();
        output_delta(self.cost, ws.activations[big_l].view(), y, ws.deltas[big_l - 1].view_mut());
        let mut nabla_b = Vec::with_capacity(big_l);
        let mut nabla_w = Vec::with_capacity(big_l);
        for l in (0..big_l).rev() {
            let delta = ws.deltas[l].view();
            nabla_b.push(delta.sum_axis(Axis(0)));
            nabla_w.push(delta.t().dot(&ws.activations[l]));
            if l > 0 {
                let (lo, hi) = ws.deltas.split_at_mut(l);
                propagate_delta(self.weights[l].view(), hi[0].view(), ws.activations[l].view(), lo[l - 1].view_mut());
            }
        }
        nabla_b.reverse();
        nabla_w.reverse();
        Ok(Gradient { nabla_b, nabla_w })
    }

    /// Σ_x ∂C_x/∂b^l for every layer over all rows of `x`, in chunks of at most `chunk`
    /// rows (bounded memory); the probes divide it by the count. Cheaper than
    /// [`Network::gradient`]: no ∂C/∂w is formed.
    pub fn bias_gradient_sum(&self, x: ArrayView2<F>, y: ArrayView2<F>, chunk: usize) -> Result<Vec<Array1<F>>, NetworkError> {
        self.check_input(x)?;
        let chunk = chunk.max(1);
        let big_l = self.depth();
        let mut sums: Vec<Array1<F>> = self.sizes[1..].iter().map(|&n| Array1::zeros(n)).collect();
        let mut ws = Workspace::new(&self.sizes, chunk.min(x.nrows()).max(1));
        let mut start = 0;
        while start < x.nrows() {
            let end = (start + chunk).min(x.nrows());
            let m = end - start;
            let mut acts = rows_mut(&mut ws.activations, m);
            forward(&self.weights, &self.biases, x.slice(s![start..end, ..]), &mut acts);
            let mut deltas = rows_mut(&mut ws.deltas, m);
            output_delta(self.cost, acts[big_l].view(), y.slice(s![start..end, ..]), deltas[big_l - 1].view_mut());
            for l in (0..big_l).rev() {
                let part = deltas[l].sum_axis(Axis(0));
                Zip::from(&mut sums[l]).and(&part).for_each(|s, &p| *s = *s + p);
                if l > 0 {
                    let (lo, hi) = deltas.split_at_mut(l);
                    propagate_delta(self.weights[l].view(), hi[0].view(), acts[l].view(), lo[l - 1].view_mut());
                }
            }
            start = end;
        }
        Ok(sums)
    }

    /// Σ_x C_x over the rows of a batch (no regularisation term).
    pub fn cost_sum(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<F, NetworkError> {
        let a = self.feedforward(x)?;
        Ok(a.outer_iter().zip(y.outer_iter()).fold(F::zero(), |c, (a, y)| {
            c + self.cost.value(a.as_slice().expect("row of an owned array"), &y.to_vec())
        }))
    }

    /// Σ_l ‖w^l‖², the sum of squared weights that the L2 term multiplies.
    pub fn weight_norm_squared(&self) -> F {
        self.weights.iter().fold(F::zero(), |s, w| s + w.iter().fold(F::zero(), |t, &v| t + v * v))
    }
}

/// The sums over a batch of ∂C_x/∂b^l and ∂C_x/∂w^l, index 0 for layer 1.
#[derive(Clone, Debug)]
pub struct Gradient<F: Real> {
    pub nabla_b: Vec<Array1<F>>,
    pub nabla_w: Vec<Array2<F>>,
}

/// Preallocated buffers for one mini-batch size, so training allocates nothing per batch.
#[derive(Clone, Debug)]
pub struct Workspace<F: Real> {
    /// `activations[l]` is a^l (a^0 = the input), `rows × sizes[l]`.
    pub(crate) activations: Vec<Array2<F>>,
    /// `deltas[l]` is δ^{l+1}, `rows × sizes[l+1]`.
    pub(crate) deltas: Vec<Array2<F>>,
    rows: usize,
}

impl<F: Real> Workspace<F> {
    pub fn new(sizes: &[usize], rows: usize) -> Self {
        Workspace {
            activations: sizes.iter().map(|&n| Array2::zeros((rows, n))).collect(),
            deltas: sizes[1..].iter().map(|&n| Array2::zeros((rows, n))).collect(),
            rows,
        }
    }
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// The input rows a^0, where [`crate::train::sgd_step`] reads a dense mini-batch.
    pub fn input_mut(&mut self) -> ArrayViewMut2<'_, F> {
        self.activations[0].view_mut()
    }
}

/// Views of the first `m` rows of each buffer (a mini-batch shorter than the workspace).
pub(crate) fn rows_mut<F>(buffers: &mut [Array2<F>], m: usize) -> Vec<ArrayViewMut2<'_, F>> {
    buffers.iter_mut().map(|a| a.slice_mut(s![..m, ..])).collect()
}

/// Feedforward (book eq. 25, transposed): a^l = σ(a^{l−1} (w^l)ᵀ + b^l), for l = 1..L.
/// `acts[0]` receives a copy of `x`; `acts[l]` receives a^l. `acts` may hold owned
/// arrays or views of the right number of rows.
pub(crate) fn forward<F: Real, A: AsViewMut2<F>>(weights: &[Array2<F>], biases: &[Array1<F>], x: ArrayView2<F>, acts: &mut [A]) {
    acts[0].view_mut2().assign(&x);
    forward_in_place(weights, biases, acts, 0);
}

/// Feedforward from the activations already in `acts[from]` (0: from the input).
pub(crate) fn forward_in_place<F: Real, A: AsViewMut2<F>>(weights: &[Array2<F>], biases: &[Array1<F>], acts: &mut [A], from: usize) {
    for l in from..weights.len() {
        let (lo, hi) = acts.split_at_mut(l + 1);
        let a_prev = lo[l].view_mut2();
        let mut z = hi[0].view_mut2();
        // z = a^{l−1} (w^l)ᵀ, then + b^l and σ in one pass.
        general_mat_mul(F::one(), &a_prev.view(), &weights[l].t(), F::zero(), &mut z);
        let b = &biases[l];
        for mut row in z.outer_iter_mut() {
            Zip::from(&mut row).and(b).for_each(|z, &b| *z = sigmoid(*z + b));
        }
    }
}

/// Anything that can lend a mutable 2-D view: an owned array or a view.
pub(crate) trait AsViewMut2<F> {
    fn view_mut2(&mut self) -> ArrayViewMut2<'_, F>;
}
impl<F> AsViewMut2<F> for Array2<F> {
    fn view_mut2(&mut self) -> ArrayViewMut2<'_, F> {
        self.view_mut()
    }
}
impl<F> AsViewMut2<F> for ArrayViewMut2<'_, F> {
    fn view_mut2(&mut self) -> ArrayViewMut2<'_, F> {
        self.view_mut()
    }
}

/// BP1 for the network's cost: δ^L = a^L − y (cross-entropy, book eq. 66) or
/// (a^L − y) ⊙ σ′(z^L) (quadratic, book eq. 30), with σ′(z^L) = a^L(1 − a^L).
pub(crate) fn output_delta<F: Real>(cost: Cost, a: ArrayView2<F>, y: ArrayView2<F>, mut delta: ArrayViewMut2<F>) {
    match cost {
        Cost::CrossEntropy => Zip::from(&mut delta).and(&a).and(&y).for_each(|d, &a, &y| *d = a - y),
        Cost::Quadratic => Zip::from(&mut delta).and(&a).and(&y).for_each(|d, &a, &y| *d = (a - y) * a * (F::one() - a)),
    }
}

/// BP2: δ^{l−1} = (δ^l w^l) ⊙ σ′(z^{l−1}), with σ′(z^{l−1}) = a^{l−1}(1 − a^{l−1}).
pub(crate) fn propagate_delta<F: Real>(w: ArrayView2<F>, delta: ArrayView2<F>, a_prev: ArrayView2<F>, mut delta_prev: ArrayViewMut2<F>) {
    general_mat_mul(F::one(), &delta, &w, F::zero(), &mut delta_prev);
    Zip::from(&mut delta_prev).and(&a_prev).for_each(|d, &a| *d = *d * a * (F::one() - a));
}

/// One-hot rows for digit labels (network2's `vectorized_result`), `labels.len() × classes`.
pub fn one_hot<F: Real>(labels: &[u8], classes: usize) -> Array2<F> {
    let mut y = Array2::zeros((labels.len(), classes));
    for (i, &l) in labels.iter().enumerate() {
        if (l as usize) < classes {
            y[[i, l as usize]] = F::one();
        }
    }
    y
}
