//! The float type the core is generic over.
//!
//! `f64` is used where exactness is the point (gradient checks, the command line's
//! interop with `network2.py`); `f32` where speed is: ndarray's matrix kernels
//! (matrixmultiply) have a wasm `simd128` kernel for `f32` only, and natively `f32`
//! halves the memory traffic. See the README's benchmark table for the measured gap.

use ndarray::LinalgScalar;
use num_traits::{Float, FromPrimitive, ToPrimitive};
use std::fmt::{Debug, Display};

/// A floating-point type the network can compute in (`f32` or `f64`).
pub trait Real: LinalgScalar + Float + FromPrimitive + ToPrimitive + Debug + Display + Send + Sync + Default + 'static {
    /// Lossy conversion from `f64` (exact for `f64`).
    fn from_f64_lossy(x: f64) -> Self;
    /// Widening conversion to `f64` (exact for both types).
    fn to_f64_exact(self) -> f64;
    /// A short name for reports ("f32"/"f64").
    const NAME: &'static str;
}

impl Real for f32 {
    #[inline]
    fn from_f64_lossy(x: f64) -> Self {
        x as f32
    }
    #[inline]
    fn to_f64_exact(self) -> f64 {
        self as f64
    }
    const NAME: &'static str = "f32";
}

impl Real for f64 {
    #[inline]
    fn from_f64_lossy(x: f64) -> Self {
        x
    }
    #[inline]
    fn to_f64_exact(self) -> f64 {
        self
    }
    const NAME: &'static str = "f64";
}

/// The logistic sigmoid σ(z) = 1 / (1 + e^{−z}) (book eq. 3).
#[inline]
pub fn sigmoid<F: Real>(z: F) -> F {
    F::one() / (F::one() + (-z).exp())
}

/// tanh(z) = 2σ(2z) − 1 (book ch. 3, "other models of artificial neuron"): through the
/// sigmoid's exp rather than the library's tanh, which saves the wasm its own tanhf and
/// tanh (~0.5 KB gzip). Exact to rounding in absolute terms (~1e-16 in f64); near z = 0
/// its *relative* error grows as ε/|z|, immaterial for a neuron's output.
#[inline]
pub fn tanh<F: Real>(z: F) -> F {
    let two = F::one() + F::one();
    two * sigmoid(two * z) - F::one()
}

/// σ′(z) = σ(z)(1 − σ(z)), the derivative of the sigmoid; it peaks at σ′(0) = 1/4.
#[inline]
pub fn sigmoid_prime<F: Real>(z: F) -> F {
    let s = sigmoid(z);
    s * (F::one() - s)
}
