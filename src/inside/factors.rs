//! Each hidden layer's factor on the gradient: the matrix J_l = Σ′(z^l)(w^{l+1})ᵀ of BP2,
//! δ^l = J_l δ^{l+1} (book eq. 45 written for one example; this crate's rows-as-examples
//! convention only transposes the product, see [`crate::backprop`]). Per probe image:
//! J_l's singular values, and the measured ratio ‖δ^l‖/‖δ^{l+1}‖, which lies between
//! J_l's smallest and largest singular value (the ratio ‖Jv‖/‖v‖ of any v does).

use super::svd::singular_values;
use crate::backprop::{backward, forward, rows_mut, Workspace};
use crate::network::{Activation, Network};
use crate::real::Real;
use ndarray::{Array2, ArrayView1, ArrayView2};
use serde::Serialize;

/// a^0 … a^L and δ^1 … δ^L of every probe image (one row each), widened to f64.
pub(crate) struct Pass {
    /// `a[l]` = a^l, images × n_l (a^0 = the input).
    pub a: Vec<Array2<f64>>,
    /// `delta[l]` = δ^{l+1} = ∂C_x/∂z^{l+1} of each image (not averaged), images × n_{l+1}.
    pub delta: Vec<Array2<f64>>,
}

/// Feedforward and the shared backward pass (BP1, BP2) over the rows of `x`, in the
/// network's own float type: the page's f32 network reuses the f32 code it trains with
/// (an f64 copy would add f64 matrix kernels and backprop to the wasm, ~20 KB gzip).
pub(crate) fn pass<F: Real>(net: &Network<F>, x: ArrayView2<F>, y: ArrayView2<F>) -> Pass {
    let m = x.nrows();
    // Plain networks only (see `inside`): no buffers for skips or normalisation.
    let Workspace { mut activations, mut deltas, .. } = Workspace::new(net.sizes(), m);
    activations[0].assign(&x);
    forward(net.weights(), net.biases(), net.arch(), &mut rows_mut(&mut activations, m), &mut [], None, 0);
    let acts: Vec<_> = activations.iter().map(|a| a.view()).collect();
    let mut weights: Vec<_> = net.weights().iter().map(|w| w.view()).collect();
    backward(net.cost(), net.arch(), &mut weights, &acts, &mut [], None, y, &mut rows_mut(&mut deltas, m), |_, _, _, _, _| {});
    let wide = |v: Vec<Array2<F>>| v.into_iter().map(|a| a.mapv(|t| t.to_f64_exact())).collect();
    Pass { a: wide(activations), delta: wide(deltas) }
}

/// The singular values of J_l = diag(f′(z^l)) (w^{l+1})ᵀ (n_l × n_{l+1}) for one image,
/// largest first: min(n_l, n_{l+1}) of them. `w` is w^{l+1} (n_{l+1} × n_l), `f_prime`
/// is f′(z^l) of the image. `buf` is scratch space, reused between calls.
pub fn factor_singular_values(w: ArrayView2<f64>, f_prime: ArrayView1<f64>, buf: &mut Vec<f64>) -> Vec<f64> {
    let (n_next, n_l) = w.dim();
    buf.clear();
    // Units with f′ = 0 (a ReLU that is off) give zero rows of J_l: exact zero singular
    // values, left out of the rotations. One-sided Jacobi wants no more columns than rows.
    let on: Vec<usize> = (0..n_l).filter(|&k| f_prime[k] != 0.0).collect();
    let mut sigma = if on.len() <= n_next {
        // Jᵀ = w^{l+1} Σ′: its columns are f′_k times column k of w^{l+1} — a diagonal
        // column scaling, the form in which one-sided Jacobi keeps relative accuracy.
        for &k in &on {
            buf.extend(w.column(k).iter().map(|&v| v * f_prime[k]));
        }
        singular_values(buf, n_next)
    } else {
        // Fewer columns this way round (e.g. the last hidden layer into 10 outputs):
        // J itself, rows restricted to the units that are on.
        for j in 0..n_next {
            buf.extend(on.iter().map(|&k| f_prime[k] * w[[j, k]]));
        }
        singular_values(buf, on.len())
    };
    sigma.resize(n_l.min(n_next), 0.0);
    sigma
}

/// Largest, median, smallest and root-mean-square of a pool of singular values.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Spectrum {
    pub largest: f64,
    pub median: f64,
    pub smallest: f64,
    /// √(mean σ²) = ‖J‖_F/√(number of values), averaged over the images.
    pub rms: f64,
}

impl Spectrum {
    /// The summary of `values` (NaN for an empty pool).
    pub fn of(values: &mut [f64]) -> Spectrum {
        if values.is_empty() {
            return Spectrum { largest: f64::NAN, median: f64::NAN, smallest: f64::NAN, rms: f64::NAN };
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 { values[n / 2] } else { 0.5 * (values[n / 2 - 1] + values[n / 2]) };
        let rms = (values.iter().map(|v| v * v).sum::<f64>() / n as f64).sqrt();
        Spectrum { largest: values[n - 1], median, smallest: values[0], rms }
    }
}

/// One hidden layer's factor over the probe images.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerFactor {
    /// 1 for the first hidden layer.
    pub layer: usize,
    /// J_l's singular values pooled over the first `spectrum_images` images.
    pub spectrum: Spectrum,
    /// ‖δ^l‖/‖δ^{l+1}‖ of each image, summarised the same way ("rms" is their
    /// root-mean-square). Images with δ^{l+1} = 0 are left out.
    pub ratio: Spectrum,
    /// The per-image spectra (largest first), when asked for (the numpy check).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub singular_values: Option<Vec<Vec<f64>>>,
    /// The per-image f′(z^l), with the spectra (the numpy check builds J_l from them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f_prime: Option<Vec<Vec<f64>>>,
    /// The per-image ratios, in image order, with the spectra.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratios: Option<Vec<f64>>,
}

/// f′(z) of every unit of a hidden layer, from its activations (as BP2 takes it).
pub(crate) fn f_prime(f: Activation, a: ArrayView2<f64>) -> Array2<f64> {
    a.mapv(|a| f.prime_from_a(a))
}

/// The factor of every hidden layer: spectra over the first `spectrum_images` rows,
/// ratios over all; with `keep`, the per-image numbers too.
pub(crate) fn layer_factors<F: Real>(net: &Network<F>, pass: &Pass, spectrum_images: usize, keep: bool) -> Vec<LayerFactor> {
    let hidden = net.depth() - 1;
    let mut buf = Vec::new();
    (1..=hidden)
        .map(|l| {
            let w = net.weights()[l].mapv(|v| v.to_f64_exact()); // w^{l+1}
            let w = w.view();
            let fp = f_prime(net.activation(), pass.a[l].view());
            let images = fp.nrows();
            let per_image: Vec<Vec<f64>> = (0..spectrum_images.min(images)).map(|x| factor_singular_values(w, fp.row(x), &mut buf)).collect();
            let ratios: Vec<f64> = (0..images).map(|x| norm(pass.delta[l - 1].row(x)) / norm(pass.delta[l].row(x))).collect();
            let mut pool: Vec<f64> = per_image.iter().flatten().copied().collect();
            let mut finite: Vec<f64> = ratios.iter().copied().filter(|r| r.is_finite()).collect();
            LayerFactor {
                layer: l,
                spectrum: Spectrum::of(&mut pool),
                ratio: Spectrum::of(&mut finite),
                singular_values: keep.then_some(per_image),
                f_prime: keep.then(|| fp.outer_iter().map(|r| r.to_vec()).collect()),
                ratios: keep.then_some(ratios),
            }
        })
        .collect()
}

pub(crate) fn norm(v: ArrayView1<f64>) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// ‖mean of the rows of `d`‖: the length of δ^l averaged over the images (NaN for none).
/// Summed by hand: ndarray's mean_axis costs the wasm more than this whole function.
pub(crate) fn norm_of_mean(d: &Array2<f64>) -> f64 {
    let mut sum = vec![0.0; d.ncols()];
    for row in d.outer_iter() {
        sum.iter_mut().zip(row).for_each(|(s, v)| *s += v);
    }
    let n = d.nrows() as f64;
    sum.iter().map(|s| (s / n) * (s / n)).sum::<f64>().sqrt()
}
