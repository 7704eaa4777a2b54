//! The network of the book's `network2.py`: sizes, weights and biases of fully connected
//! sigmoid layers, their random initialisation, and the checks on a network's shape and
//! numbers. Its feedforward and backpropagation are in [`crate::backprop`] (a batch at a
//! time) and, as the book writes them, in [`crate::network2`] (an example at a time).

use crate::real::Real;
use crate::rng::Rng;
use ndarray::{Array1, Array2, ArrayView2, ShapeBuilder};

pub use crate::backprop::{Gradient, Workspace};
pub use crate::network2::{Activation, Cost};

pub use crate::batchnorm::BatchNorm;
pub use crate::init::{BiasInit, Init};

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
    #[error("the batch-norm running variance of layer {layer} is negative ({value}) at position {index}")]
    NegativeVariance { layer: usize, index: usize, value: f64 },
    #[error("the input has {found} columns, but the network's input layer has {expected} neurons")]
    InputWidth { expected: usize, found: usize },
}

/// The most parameters a network may have (about 400 MB in f32): a guard against
/// sizes that would exhaust memory, far above anything the chapter needs.
pub const MAX_PARAMETERS: usize = 100_000_000;

/// A fully connected network: hidden layers of activation f (σ by default), a σ output layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Network<F: Real> {
    pub(crate) sizes: Vec<usize>,
    /// `weights[l]` is w^{l+1} of the book: `sizes[l+1] × sizes[l]`, row j holds the
    /// weights into neuron j. Stored column-major (see [`col_major`]).
    pub(crate) weights: Vec<Array2<F>>,
    /// `biases[l]` is b^{l+1}: `sizes[l+1]` entries.
    pub(crate) biases: Vec<Array1<F>>,
    pub(crate) cost: Cost,
    /// f of the hidden layers; the output layer is always σ.
    pub(crate) activation: Activation,
    /// Skip connections between hidden layers of equal width: a^{l} = a^{l−1} + f(z^l).
    pub(crate) residual: bool,
    /// Batch normalisation of every hidden layer (empty: none); the biases are then β.
    pub(crate) norms: Vec<BatchNorm<F>>,
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
        Self::new_with_biases(sizes, init, BiasInit::Normal, gain, cost, rng)
    }

    /// [`Network::new`] with a choice of biases: N(0, 1) as network2, or zero (with the
    /// same weights: the normals for the biases are drawn either way).
    pub fn new_with_biases(sizes: &[usize], init: Init, biases: BiasInit, gain: f64, cost: Cost, rng: &mut Rng) -> Result<Self, NetworkError> {
        validate_sizes(sizes)?;
        if !gain.is_finite() {
            return Err(NetworkError::BadGain(gain));
        }
        let biases = crate::init::draw_biases(sizes, biases, rng);
        let weights = sizes.windows(2).map(|w| col_major(crate::init::draw_weights(w[0], w[1], init, gain, rng))).collect();
        Ok(Network { sizes: sizes.to_vec(), weights, biases, cost, activation: Activation::Sigmoid, residual: false, norms: Vec::new() })
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
        let net = Network { sizes, weights, biases, cost, activation: Activation::Sigmoid, residual: false, norms: Vec::new() };
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
    /// f of the hidden layers (σ unless set).
    pub fn activation(&self) -> Activation {
        self.activation
    }
    /// The same network with hidden activation f (the weights are untouched).
    pub fn with_activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }
    /// Whether equal-width hidden layers are joined by skip connections.
    pub fn residual(&self) -> bool {
        self.residual
    }
    /// The same network with (or without) skip connections (the weights are untouched).
    pub fn with_residual(mut self, residual: bool) -> Self {
        self.residual = residual;
        self
    }
    /// Whether weight layer `l` (0-based) adds its input to its output.
    pub fn skips(&self, l: usize) -> bool {
        self.arch().skip(l, &self.weights)
    }
    pub(crate) fn arch(&self) -> crate::backprop::Arch {
        crate::backprop::Arch { f: self.activation, residual: self.residual, batch_norm: !self.norms.is_empty() }
    }
    /// Whether the hidden layers are batch-normalised.
    pub fn batch_norm(&self) -> bool {
        !self.norms.is_empty()
    }
    /// The same network with (γ = 1, fresh running statistics) or without batch
    /// normalisation of its hidden layers; the biases become β (or b again) as they are.
    pub fn with_batch_norm(mut self, on: bool) -> Self {
        self.norms = if on { self.sizes[1..self.sizes.len() - 1].iter().map(|&n| BatchNorm::new(n)).collect() } else { Vec::new() };
        self
    }
    /// Each hidden layer's γ and running statistics (empty without batch normalisation).
    pub fn norms(&self) -> &[BatchNorm<F>] {
        &self.norms
    }
    /// Set the hidden layers' γ and running statistics (from a file), checked for shape.
    pub fn set_norms(&mut self, norms: Vec<BatchNorm<F>>) -> Result<(), NetworkError> {
        let hidden = &self.sizes[1..self.sizes.len() - 1];
        if norms.len() != hidden.len() {
            return Err(NetworkError::LayerCount { expected: hidden.len(), found: norms.len(), sizes: self.sizes.clone() });
        }
        for (l, (n, &size)) in norms.iter().zip(hidden).enumerate() {
            for (what, v) in [("batch-norm γ", &n.gamma), ("batch-norm running mean", &n.mean), ("batch-norm running variance", &n.var)] {
                if v.len() != size {
                    return Err(NetworkError::Shape { what, layer: l + 1, found: vec![v.len()], expected: vec![size], sizes: self.sizes.clone() });
                }
                if let Some((index, x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                    return Err(NetworkError::NonFinite { what, layer: l + 1, index, value: x.to_f64_exact() });
                }
            }
        }
        for (l, n) in norms.iter().enumerate() {
            if let Some((index, v)) = n.var.iter().enumerate().find(|(_, v)| **v < F::zero()) {
                return Err(NetworkError::NegativeVariance { layer: l + 1, index, value: v.to_f64_exact() });
            }
        }
        self.norms = norms;
        Ok(())
    }
    /// The activation of weight layer `l` (0-based): f for the hidden layers, σ for the output.
    pub fn layer_activation(&self, l: usize) -> Activation {
        layer_activation(self.activation, l, self.depth())
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
            activation: self.activation,
            residual: self.residual,
            norms: self.norms.iter().map(|n| BatchNorm { gamma: cast_vec(&n.gamma), mean: cast_vec(&n.mean), var: cast_vec(&n.var) }).collect(),
        }
    }

    pub(crate) fn check_input(&self, x: ArrayView2<F>) -> Result<(), NetworkError> {
        if x.ncols() != self.sizes[0] {
            return Err(NetworkError::InputWidth { expected: self.sizes[0], found: x.ncols() });
        }
        Ok(())
    }

    /// Σ_l ‖w^l‖², the sum of squared weights that the L2 term multiplies.
    pub fn weight_norm_squared(&self) -> F {
        self.weights.iter().fold(F::zero(), |s, w| s + w.iter().fold(F::zero(), |t, &v| t + v * v))
    }
}

fn cast_vec<F: Real, G: Real>(v: &Array1<F>) -> Array1<G> {
    v.mapv(|x| G::from_f64_lossy(x.to_f64_exact()))
}

/// f for a hidden layer, σ for the last of `depth` weight layers (index `l`, 0-based).
pub(crate) fn layer_activation(hidden: Activation, l: usize, depth: usize) -> Activation {
    if l + 1 == depth {
        Activation::Sigmoid
    } else {
        hidden
    }
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
