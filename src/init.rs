//! How a network's initial weights and biases are drawn: the book's two schemes (Chapter 3,
//! "Weight initialization") and the cures that came after it for deeper networks.
//!
//! Every weight is multiplied by the gain afterwards (the lab's weight slider). Where two
//! schemes differ only by a scale — zero, large, scaled, He — they use the *same* normal
//! draws, so that comparing them isolates the scale; the orthogonal scheme starts from those
//! draws as well. Only Glorot's uniform draws differently.

use crate::real::Real;
use crate::rng::Rng;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// How the initial weights of a layer with n_in inputs and n_out neurons are drawn. Its
/// serde name is [`Init::name`] (kebab-case), as in the page's links and on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Init {
    /// w ~ N(0, 1/n_in): network2's `default_weight_initializer`, used for the chapter's numbers.
    #[default]
    Scaled,
    /// w ~ N(0, 1): network2's `large_weight_initializer`, the seed note's argument (|w| < 1 mostly).
    Large,
    /// w = 0: every neuron of a layer the same, so they stay the same (the symmetry that
    /// random initialisation exists to break). The normals are drawn and multiplied by 0.
    Zero,
    /// Glorot & Bengio (2010) eq. 16, "normalised initialisation":
    /// w ~ U(−r, r), r = √6/√(n_in + n_out), variance 2/(n_in + n_out).
    Glorot,
    /// He, Zhang, Ren & Sun (2015) for ReLU: w ~ N(0, 2/n_in), the scaled draws times √2.
    He,
    /// Saxe, McClelland & Ganguli (2014): the Q of a QR decomposition of an N(0, 1) matrix
    /// (signs fixed so R's diagonal is positive, which makes Q uniformly distributed), at
    /// scale 1: every singular value is 1, so WᵀW = I (n_out ≥ n_in) or WWᵀ = I (n_out ≤ n_in).
    Orthogonal,
}

impl Init {
    pub const ALL: [Init; 6] = [Init::Scaled, Init::Large, Init::Zero, Init::Glorot, Init::He, Init::Orthogonal];

    /// The name on the command line (`--init`) and in the page's settings and links.
    pub fn name(self) -> &'static str {
        match self {
            Init::Scaled => "scaled",
            Init::Large => "large",
            Init::Zero => "zero",
            Init::Glorot => "glorot",
            Init::He => "he",
            Init::Orthogonal => "orthogonal",
        }
    }

    /// The initialisation called `name` (as [`Init::name`] writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }
}

/// How the initial biases are drawn (serde name: [`BiasInit::name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BiasInit {
    /// b ~ N(0, 1), as network2.
    #[default]
    Normal,
    /// b = 0. The normals are still drawn (and dropped), so the weights are the same
    /// numbers as with [`BiasInit::Normal`]: a comparison isolates the biases.
    Zero,
}

impl BiasInit {
    pub const ALL: [BiasInit; 2] = [BiasInit::Normal, BiasInit::Zero];

    /// The name on the command line (`--biases`) and in the page's settings and links.
    pub fn name(self) -> &'static str {
        match self {
            BiasInit::Normal => "normal",
            BiasInit::Zero => "zero",
        }
    }

    /// The bias initialisation called `name` (as [`BiasInit::name`] writes it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// The biases of every layer after the first, drawn first as network2 does.
pub fn draw_biases<F: Real>(sizes: &[usize], biases: BiasInit, rng: &mut Rng) -> Vec<Array1<F>> {
    let keep = if biases == BiasInit::Normal { 1.0 } else { 0.0 };
    sizes[1..].iter().map(|&y| Array1::from_shape_fn(y, |_| F::from_f64_lossy(rng.normal() * keep))).collect()
}

/// One weight matrix w (`n_out × n_in`, drawn row by row as numpy's randn(y, x) fills it),
/// times `gain`.
pub fn draw_weights<F: Real>(n_in: usize, n_out: usize, init: Init, gain: f64, rng: &mut Rng) -> Array2<F> {
    let (x, y) = (n_in, n_out);
    match init {
        Init::Glorot => {
            let r = 6f64.sqrt() / ((x + y) as f64).sqrt();
            Array2::from_shape_fn((y, x), |_| F::from_f64_lossy(gain * (2.0 * rng.uniform() - 1.0) * r))
        }
        Init::Orthogonal => {
            let a = Array2::from_shape_fn((y, x), |_| rng.normal());
            orthogonal(a).mapv(|q| F::from_f64_lossy(gain * q))
        }
        _ => {
            // The expression for Scaled and Large is network2's, unchanged: the same bits as ever.
            let scale = gain
                * match init {
                    Init::Scaled => 1.0 / (x as f64).sqrt(),
                    Init::Large => 1.0,
                    Init::Zero => 0.0,
                    _ => (2.0 / x as f64).sqrt(), // He
                };
            Array2::from_shape_fn((y, x), |_| F::from_f64_lossy(rng.normal() * scale))
        }
    }
}

/// The Q factor of `a` by modified Gram–Schmidt along its shorter side: the rows if
/// n_out ≤ n_in (Q of the QR of aᵀ), else the columns. Gram–Schmidt's R has a positive
/// diagonal by construction, the sign convention that makes Q Haar-distributed.
fn orthogonal(a: Array2<f64>) -> Array2<f64> {
    let rows = a.nrows() <= a.ncols();
    let mut v = if rows { a } else { a.t().to_owned() };
    for i in 0..v.nrows() {
        for j in 0..i {
            let d = v.row(i).dot(&v.row(j));
            let vj = v.row(j).to_owned();
            v.row_mut(i).scaled_add(-d, &vj);
        }
        let n = v.row(i).dot(&v.row(i)).sqrt();
        // A Gaussian matrix has full rank with probability 1; a zero row would mean n = 0.
        v.row_mut(i).mapv_inplace(|x| x / n);
    }
    if rows {
        v
    } else {
        v.t().to_owned()
    }
}
