//! Nielsen's `network2.py`, step for step: the two costs with their `fn` and `delta`,
//! `feedforward`, `backprop` (BP1–BP4) and `update_mini_batch`, one example at a time
//! with column vectors, as the book writes them. A reader of Chapter 2 should recognise
//! every line here.
//!
//! This is the reference, not the fast path: training and the probes use the batched
//! backward pass of [`crate::backprop`] (a whole mini-batch as one matrix) and the sparse
//! first layer of [`crate::train`]. The tests assert that those give these numbers.
//!
//! The hidden layers may use another activation than the sigmoid ([`Activation`]: tanh,
//! ReLU, leaky ReLU), the book's Chapter 5 cure; the output layer stays sigmoid so that
//! both costs and their `delta` keep network2's meaning.
//!
//! Indices are 0-based where network2's are negative: `weights[l]` is w^{l+1} of the
//! book, `activations[l]` is a^l (a^0 = x), `zs[l]` is z^{l+1}.

use crate::network::Network;
use crate::real::{sigmoid, sigmoid_prime, tanh, Real};
use ndarray::{Array1, Array2, Zip};
use serde::{Deserialize, Serialize};

/// The cost function: network2's `CrossEntropyCost` and `QuadraticCost` classes, each
/// with its `fn` ([`Cost::value`]) and `delta` ([`Cost::delta`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Cost {
    /// C = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)] (book eq. 63); network2's default.
    #[default]
    CrossEntropy,
    /// C = ½‖a − y‖² (book eq. 6).
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

    /// network2's `fn(a, y)`: the cost of one output `a` against the desired output `y`
    /// (with `np.nan_to_num`: a term 0·ln 0 counts as 0, an infinite one as the largest float).
    pub fn value<F: Real>(self, a: &[F], y: &[F]) -> F {
        match self {
            Cost::CrossEntropy => {
                let mut c = F::zero();
                for (&a, &y) in a.iter().zip(y) {
                    // Each term is skipped where its factor is 0, so that 0·ln 0 is 0
                    // rather than NaN, which is what nan_to_num makes of it in numpy.
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

    /// network2's `delta(z, a, y)`: the output error δ^L (BP1). For the quadratic cost
    /// δ^L = (a − y) ⊙ σ′(z) (book eq. 30); for cross-entropy σ′ cancels and
    /// δ^L = a − y (book eq. 66), which is why it learns fast from a saturated neuron.
    pub fn delta<F: Real>(self, z: &Array1<F>, a: &Array1<F>, y: &Array1<F>) -> Array1<F> {
        match self {
            Cost::CrossEntropy => a - y,
            Cost::Quadratic => (a - y) * z.mapv(sigmoid_prime),
        }
    }
}

/// The activation f of the hidden layers, with its derivative f′: BP2 multiplies by
/// f′(z^l) where the book writes σ′(z^l). The output layer is always the sigmoid.
/// Its serde name is [`Activation::name`] (kebab-case), the page's and the command line's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Activation {
    /// σ(z) = 1/(1 + e^{−z}) (book eq. 3), σ′ = σ(1 − σ) ≤ 1/4: network2's only neuron.
    #[default]
    Sigmoid,
    /// tanh(z) = 2σ(2z) − 1 (book ch. 3; computed so, [`crate::real::tanh`]), tanh′ = 1 − tanh² ≤ 1.
    Tanh,
    /// max(0, z) (book ch. 3 and 6): f′ = 1 for z > 0, so it passes gradients undamped.
    Relu,
    /// z for z > 0, else 0.01·z: ReLU with a small slope so that f′ is never 0.
    LeakyRelu,
}

/// The slope of the leaky ReLU for z ≤ 0 (Maas, Hannun & Ng 2013 use 0.01).
pub const LEAKY_SLOPE: f64 = 0.01;

impl Activation {
    pub const ALL: [Activation; 4] = [Activation::Sigmoid, Activation::Tanh, Activation::Relu, Activation::LeakyRelu];

    /// The name on the command line and in network2 JSON files.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky-relu",
        }
    }

    /// The activation called `name` (as [`Activation::name`] writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// f(z).
    #[inline]
    pub fn f<F: Real>(self, z: F) -> F {
        match self {
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => tanh(z),
            Activation::Relu => z.max(F::zero()),
            Activation::LeakyRelu => leaky_relu(z),
        }
    }

    /// f′(z). At ReLU's kink z = 0 it takes the left slope (0, or 0.01), as f′ from a does.
    #[inline]
    pub fn prime<F: Real>(self, z: F) -> F {
        match self {
            Activation::Sigmoid => sigmoid_prime(z),
            Activation::Tanh => F::one() - tanh(z) * tanh(z),
            Activation::Relu => relu_prime_from_a(z),
            Activation::LeakyRelu => leaky_prime_from_a(z),
        }
    }

    /// f′(z) from a = f(z) alone, which is all the batched backward pass keeps:
    /// σ′ = a(1 − a), tanh′ = 1 − a², and for both ReLUs a > 0 exactly where z > 0.
    #[inline]
    pub fn prime_from_a<F: Real>(self, a: F) -> F {
        match self {
            Activation::Sigmoid => a * (F::one() - a),
            Activation::Tanh => F::one() - a * a,
            Activation::Relu => relu_prime_from_a(a),
            Activation::LeakyRelu => leaky_prime_from_a(a),
        }
    }
}

/// The leaky ReLU: z for z > 0, else 0.01·z.
#[inline]
pub fn leaky_relu<F: Real>(z: F) -> F {
    if z > F::zero() {
        z
    } else {
        F::from_f64_lossy(LEAKY_SLOPE) * z
    }
}

#[inline]
fn relu_prime_from_a<F: Real>(a: F) -> F {
    if a > F::zero() {
        F::one()
    } else {
        F::zero()
    }
}

#[inline]
fn leaky_prime_from_a<F: Real>(a: F) -> F {
    if a > F::zero() {
        F::one()
    } else {
        F::from_f64_lossy(LEAKY_SLOPE)
    }
}

/// numpy's `nan_to_num`: NaN → 0, ±∞ → ±largest finite float.
fn nan_to_num<F: Real>(x: F) -> F {
    if x.is_nan() {
        F::zero()
    } else if x.is_infinite() {
        if x > F::zero() {
            F::max_value()
        } else {
            F::min_value()
        }
    } else {
        x
    }
}

/// network2's `feedforward`: a ← f(w a + b) layer by layer (book eq. 25), f the hidden
/// activation and σ at the output.
pub fn feedforward<F: Real>(net: &Network<F>, a: &Array1<F>) -> Array1<F> {
    let mut a = a.clone();
    for (l, (b, w)) in net.biases().iter().zip(net.weights()).enumerate() {
        let f = net.layer_activation(l);
        let fz = (w.dot(&a) + b).mapv(|z| f.f(z));
        // A skip connection (not network2's): a^l = a^{l−1} + f(z^l).
        a = if net.skips(l) { a + fz } else { fz };
    }
    a
}

/// network2's `backprop(x, y)`: the gradient of the cost C_x of one example, as
/// `(nabla_b, nabla_w)`, layer by layer (index 0 for layer 1):
///
/// * feedforward, keeping every z^l and a^l;
/// * BP1  δ^L = ∇_a C ⊙ σ′(z^L), the cost's `delta`;
/// * BP2  δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ f′(z^l), for l = L−1, …, 1 (σ′ in the book);
/// * BP3  ∂C/∂b^l = δ^l;
/// * BP4  ∂C/∂w^l = δ^l (a^{l−1})ᵀ.
pub fn backprop<F: Real>(net: &Network<F>, x: &Array1<F>, y: &Array1<F>) -> (Vec<Array1<F>>, Vec<Array2<F>>) {
    let (biases, weights) = (net.biases(), net.weights());
    let num_layers = net.sizes().len();
    let mut nabla_b: Vec<Array1<F>> = biases.iter().map(|b| Array1::zeros(b.raw_dim())).collect();
    let mut nabla_w: Vec<Array2<F>> = weights.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
    // feedforward
    let mut activation = x.clone();
    let mut activations = vec![x.clone()]; // list to store all the activations, layer by layer
    let mut zs = Vec::new(); // list to store all the z vectors, layer by layer
    for (l, (b, w)) in biases.iter().zip(weights).enumerate() {
        let z = w.dot(&activation) + b;
        let f = net.layer_activation(l);
        let fz = z.mapv(|z| f.f(z));
        activation = if net.skips(l) { activation + fz } else { fz };
        zs.push(z);
        activations.push(activation.clone());
    }
    // backward pass
    let last = num_layers - 2; // network2's [-1] of nabla_b, nabla_w and zs
    let mut delta = net.cost().delta(&zs[last], &activations[last + 1], y);
    nabla_w[last] = outer(&delta, &activations[last]);
    nabla_b[last] = delta.clone();
    // network2's `for l in xrange(2, self.num_layers)`, with its index −l as `i`.
    // With skip connections (not network2's) ∂C/∂a^l has a second path, through a^{l+1}:
    // ∂C/∂a^l = (w^{l+1})ᵀ δ^{l+1} + ∂C/∂a^{l+1} when layer l+1 skips; δ^l = ∂C/∂a^l ⊙ f′(z^l).
    let mut grad_a_next: Option<Array1<F>> = None;
    for l in 2..num_layers {
        let i = num_layers - 1 - l;
        let sp = zs[i].mapv(|z| net.activation().prime(z)); // i < L − 1: a hidden layer
        let mut grad_a = weights[i + 1].t().dot(&delta);
        if net.skips(i + 1) {
            grad_a = grad_a + grad_a_next.as_ref().expect("layer i + 2 is hidden: its ∂C/∂a was kept");
        }
        delta = &grad_a * &sp;
        grad_a_next = Some(grad_a);
        nabla_w[i] = outer(&delta, &activations[i]);
        nabla_b[i] = delta.clone();
    }
    (nabla_b, nabla_w)
}

/// `np.dot(delta, a.transpose())` for column vectors: the outer product δ aᵀ.
fn outer<F: Real>(delta: &Array1<F>, a: &Array1<F>) -> Array2<F> {
    Array2::from_shape_fn((delta.len(), a.len()), |(j, k)| delta[j] * a[k])
}

/// network2's `update_mini_batch`: sum `backprop` over the mini-batch's `(x, y)` pairs,
/// then one gradient-descent step with L2 weight decay (book eq. 93–94), where `n` is
/// the size of the whole training set:
/// `w ← (1 − η(λ/n)) w − (η/m) Σ_x ∂C_x/∂w`,  `b ← b − (η/m) Σ_x ∂C_x/∂b`.
pub fn update_mini_batch<F: Real>(net: &mut Network<F>, mini_batch: &[(Array1<F>, Array1<F>)], eta: f64, lmbda: f64, n: usize) {
    let mut nabla_b: Vec<Array1<F>> = net.biases.iter().map(|b| Array1::zeros(b.raw_dim())).collect();
    let mut nabla_w: Vec<Array2<F>> = net.weights.iter().map(|w| Array2::zeros(w.raw_dim())).collect();
    for (x, y) in mini_batch {
        let (delta_nabla_b, delta_nabla_w) = backprop(net, x, y);
        nabla_b = nabla_b.iter().zip(&delta_nabla_b).map(|(nb, dnb)| nb + dnb).collect();
        nabla_w = nabla_w.iter().zip(&delta_nabla_w).map(|(nw, dnw)| nw + dnw).collect();
    }
    let decay = F::from_f64_lossy(1.0 - eta * (lmbda / n as f64));
    let step = F::from_f64_lossy(eta / mini_batch.len() as f64);
    for (w, nw) in net.weights.iter_mut().zip(&nabla_w) {
        Zip::from(w).and(nw).for_each(|w, &nw| *w = decay * *w - step * nw);
    }
    for (b, nb) in net.biases.iter_mut().zip(&nabla_b) {
        Zip::from(b).and(nb).for_each(|b, &nb| *b = *b - step * nb);
    }
}
