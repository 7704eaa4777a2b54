//! Each hidden layer's factor on the gradient: the matrix J_l = Σ′(z^l)(w^{l+1})ᵀ of BP2,
//! δ^l = J_l δ^{l+1} (book eq. 45 written for one example; this crate's rows-as-examples
//! convention only transposes the product, see [`crate::backprop`]). Per probe image:
//! J_l's singular values, and the measured ratio ‖δ^l‖/‖δ^{l+1}‖, which lies between
//! J_l's smallest and largest singular value (the ratio ‖Jv‖/‖v‖ of any v does).
//!
//! Batch normalisation (running statistics) adds a diagonal to J_l; skip connections change
//! what is followed: ∂C/∂a^l, whose factor I + (w^{l+1})ᵀΣ′(z^{l+1}) is the wide chain's
//! 1 + w·σ′. See [`Factor`].

use super::svd::singular_values;
use crate::backprop::{backward, forward, rows_mut, Workspace};
use crate::batchnorm::{Mode, NormPass, EPSILON};
use crate::network::{Activation, Network};
use crate::real::Real;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::Serialize;

/// What the probe images' forward and backward pass leave for the factors, widened to f64.
pub(crate) struct Pass {
    /// `out[l]` = the units' own outputs f(z^l) (f(ẑ^l) where normalised), l = 0..L (0: the
    /// input): a^l itself except where a skip adds a^{l−1} to it, a^l = a^{l−1} + f(z^l).
    /// Saturation is read from these.
    pub out: Vec<Array2<f64>>,
    /// `delta[l]` = δ^{l+1} of each image (not averaged), images × n_{l+1}: ∂C_x/∂z^{l+1},
    /// or ∂C_x/∂ẑ^{l+1} = ∂C_x/∂β^{l+1} where normalised (the page's δ, its bias gradient).
    pub delta: Vec<Array2<f64>>,
    /// `u[l]`, indexed as `delta`: what the factor chart follows through the layers — δ
    /// itself in a plain network; with skips ∂C_x/∂a^{l+1} of the hidden layers (the
    /// gradient the identity carries; see [`Factor`]) and δ^L at the output.
    pub u: Vec<Array2<f64>>,
    /// `scale[l]` = γ/√(σ̄² + ε) of weight layer l + 1 where normalised (running
    /// statistics), else 1: the diagonal the normalisation puts into the factor.
    pub scale: Vec<Array1<f64>>,
}

/// Feedforward and the shared backward pass (BP1, BP2) over the rows of `x`, in the
/// network's own float type: the page's f32 network reuses the f32 code it trains with
/// (an f64 copy would add f64 matrix kernels and backprop to the wasm, ~20 KB gzip).
/// Normalised layers use their running statistics, as every probe does.
pub(crate) fn pass<F: Real>(net: &Network<F>, x: ArrayView2<F>, y: ArrayView2<F>) -> Pass {
    let m = x.nrows();
    let big_l = net.depth();
    let mut ws = net.workspace(m);
    ws.activations[0].assign(&x);
    let Workspace { activations, deltas, skips, norm, .. } = &mut ws;
    let mut norms = NormPass { layers: net.norms(), mode: Mode::Running, buffers: norm };
    forward(net.weights(), net.biases(), net.arch(), &mut rows_mut(activations, m), &mut rows_mut(skips, m), Some(&mut norms), 0);
    let wide = |a: &Array2<F>| a.mapv(|t| t.to_f64_exact());
    // f(z^l) of a skipping layer before the backward pass overwrites it with ∂C/∂a^l.
    let out = (0..=big_l).map(|l| if l > 0 && net.skips(l - 1) { wide(&skips[l - 1]) } else { wide(&activations[l]) }).collect();
    let acts: Vec<_> = activations.iter().map(|a| a.view()).collect();
    let mut weights: Vec<_> = net.weights().iter().map(|w| w.view()).collect();
    backward(net.cost(), net.arch(), &mut weights, &acts, &mut rows_mut(skips, m), Some(&mut norms), y, &mut rows_mut(deltas, m), |_, _, _, _, _| {});
    let scale: Vec<Array1<f64>> = (0..big_l)
        .map(|l| match net.norms().get(l) {
            Some(bn) => bn.gamma.iter().zip(&bn.var).map(|(g, v)| g.to_f64_exact() / (v.to_f64_exact() + EPSILON).sqrt()).collect(),
            None => Array1::ones(net.sizes()[l + 1]),
        })
        .collect();
    let delta: Vec<Array2<f64>> = deltas.iter().map(wide).collect();
    let u = if net.residual() { activation_gradients(net, &delta, &scale) } else { delta.clone() };
    Pass { out, delta, u, scale }
}

/// ∂C_x/∂a^l of the hidden layers (and δ^L last), from the δ's of the backward pass:
/// g^{L−1} = (w^L)ᵀ δ^L and g^l = (w^{l+1})ᵀ (γ/√(σ̄² + ε) ⊙ δ^{l+1}) (+ g^{l+1} where
/// layer l + 1 skips: a^{l+1} = a^l + f(z^{l+1}) passes g^{l+1} on unchanged). In rows.
fn activation_gradients<F: Real>(net: &Network<F>, delta: &[Array2<f64>], scale: &[Array1<f64>]) -> Vec<Array2<f64>> {
    let big_l = net.depth();
    let mut u = delta.to_vec();
    for l in (1..big_l).rev() {
        // u[l − 1] = g^l from δ^{l+1} = delta[l] through w^{l+1} = weights[l].
        // By hand: ndarray's f64 product would add f64 matrix kernels to the wasm (~10 KB).
        let w = &net.weights()[l];
        let skip = net.skips(l);
        let mut g = Array2::zeros((delta[l].nrows(), w.ncols()));
        for (i, mut row) in g.outer_iter_mut().enumerate() {
            for (j, w_j) in w.outer_iter().enumerate() {
                let d = delta[l][[i, j]] * scale[l][j];
                row.iter_mut().zip(w_j).for_each(|(g, &w)| *g += d * w.to_f64_exact());
            }
            if skip {
                row.iter_mut().zip(u[l].row(i)).for_each(|(g, &v)| *g += v);
            }
        }
        u[l - 1] = g;
    }
    u
}

/// One hidden layer's factor for one image: the matrix that takes u^{l+1} to u^l,
///
/// * plain: J_l = Σ′(z^l)(w^{l+1})ᵀ (BP2), and with normalisation
///   J_l = Σ′(ẑ^l)(w^{l+1})ᵀ diag(γ^{l+1}/√(σ̄^{l+1} + ε)): δ^l = ∂C/∂ẑ^l takes f′ at ẑ^l
///   (a^l = f(ẑ^l)), and ẑ^{l+1} = γ(z^{l+1} − μ̄)/√(σ̄² + ε) + β scales each unit of δ^{l+1};
/// * with skips, on g = ∂C/∂a: K_l = I + (w^{l+1})ᵀ diag(γ^{l+1}/√…) Σ′(ẑ^{l+1}) where layer
///   l + 1 skips (the wide version of the chain's 1 + w·σ′), without the I where the width
///   changes, and (w^L)ᵀ for the last hidden layer (u^L = δ^L).
///
/// In all cases diag(`left`) (w^{l+1})ᵀ diag(`right`) (+ I when `identity`).
pub struct Factor<'a> {
    /// w^{l+1}, n_{l+1} × n_l.
    pub w: ArrayView2<'a, f64>,
    /// n_l entries.
    pub left: ArrayView1<'a, f64>,
    /// n_{l+1} entries.
    pub right: ArrayView1<'a, f64>,
    pub identity: bool,
}

impl Factor<'_> {
    /// The matrix itself, n_l × n_{l+1} (for the tests).
    pub fn matrix(&self) -> Array2<f64> {
        let (n_next, n_l) = self.w.dim();
        Array2::from_shape_fn((n_l, n_next), |(k, j)| self.left[k] * self.w[[j, k]] * self.right[j] + if self.identity && j == k { 1.0 } else { 0.0 })
    }

    /// Its singular values, largest first: min(n_l, n_{l+1}) of them. `buf` is scratch
    /// space, reused between calls.
    pub fn singular_values(&self, buf: &mut Vec<f64>) -> Vec<f64> {
        let (w, left, right) = (self.w, self.left, self.right);
        let (n_next, n_l) = w.dim();
        let eye = |j: usize, k: usize| if self.identity && j == k { 1.0 } else { 0.0 };
        buf.clear();
        // Units with f′ = 0 (a ReLU that is off) give zero rows of J_l: exact zero singular
        // values, left out of the rotations (not with the identity, which has no zero rows).
        // One-sided Jacobi wants no more columns than rows.
        let on: Vec<usize> = (0..n_l).filter(|&k| self.identity || left[k] != 0.0).collect();
        let mut sigma = if on.len() <= n_next {
            // Jᵀ = diag(right) w^{l+1} diag(left): its columns are left_k times column k of
            // w^{l+1}, scaled by row — the form in which one-sided Jacobi keeps relative accuracy.
            for &k in &on {
                buf.extend((0..n_next).map(|j| right[j] * w[[j, k]] * left[k] + eye(j, k)));
            }
            singular_values(buf, n_next)
        } else {
            // Fewer columns this way round (e.g. the last hidden layer into 10 outputs):
            // J itself, rows restricted to the units that are on.
            for j in 0..n_next {
                buf.extend(on.iter().map(|&k| left[k] * w[[j, k]] * right[j] + eye(j, k)));
            }
            singular_values(buf, on.len())
        };
        sigma.resize(n_l.min(n_next), 0.0);
        sigma
    }
}

/// The singular values of J_l = diag(f′(z^l)) (w^{l+1})ᵀ (n_l × n_{l+1}) for one image,
/// largest first: min(n_l, n_{l+1}) of them. `w` is w^{l+1} (n_{l+1} × n_l), `f_prime`
/// is f′(z^l) of the image. `buf` is scratch space, reused between calls.
pub fn factor_singular_values(w: ArrayView2<f64>, f_prime: ArrayView1<f64>, buf: &mut Vec<f64>) -> Vec<f64> {
    let ones = Array1::ones(w.nrows());
    Factor { w, left: f_prime, right: ones.view(), identity: false }.singular_values(buf)
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
/// ratios ‖u^l‖/‖u^{l+1}‖ over all; with `keep`, the per-image numbers too.
pub(crate) fn layer_factors<F: Real>(net: &Network<F>, pass: &Pass, spectrum_images: usize, keep: bool) -> Vec<LayerFactor> {
    let hidden = net.depth() - 1;
    let mut buf = Vec::new();
    (1..=hidden)
        .map(|l| {
            let w = net.weights()[l].mapv(|v| v.to_f64_exact()); // w^{l+1}
            let fp = f_prime(net.activation(), pass.out[l].view());
            let images = fp.nrows();
            let per_image: Vec<Vec<f64>> = (0..spectrum_images.min(images)).map(|x| factor_of(net, pass, &w, l, x).singular_values(&mut buf)).collect();
            let ratios: Vec<f64> = (0..images).map(|x| norm(pass.u[l - 1].row(x)) / norm(pass.u[l].row(x))).collect();
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

/// Hidden layer `l`'s factor on image `x` (see [`Factor`]); `w` is w^{l+1} in f64.
pub(crate) fn factor_of<'a, F: Real>(net: &Network<F>, pass: &'a Pass, w: &'a Array2<f64>, l: usize, x: usize) -> FactorParts<'a> {
    let f = net.activation();
    let last = l + 1 == net.depth();
    if !net.residual() {
        let left = pass.out[l].row(x).mapv(|a| f.prime_from_a(a));
        FactorParts { w, left, right: pass.scale[l].clone(), identity: false }
    } else if last {
        FactorParts { w, left: Array1::ones(w.ncols()), right: Array1::ones(w.nrows()), identity: false }
    } else {
        let right = &pass.scale[l] * &pass.out[l + 1].row(x).mapv(|a| f.prime_from_a(a));
        FactorParts { w, left: Array1::ones(w.ncols()), right, identity: net.skips(l) }
    }
}

/// The owned diagonals of a [`Factor`].
pub(crate) struct FactorParts<'a> {
    w: &'a Array2<f64>,
    left: Array1<f64>,
    right: Array1<f64>,
    identity: bool,
}

impl FactorParts<'_> {
    pub fn factor(&self) -> Factor<'_> {
        Factor { w: self.w.view(), left: self.left.view(), right: self.right.view(), identity: self.identity }
    }
    pub fn singular_values(&self, buf: &mut Vec<f64>) -> Vec<f64> {
        self.factor().singular_values(buf)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batchnorm::BatchNorm;
    use crate::rng::Rng;
    use crate::{Cost, Init};

    /// A network with non-trivial normalisation: γ, running means and variances away from
    /// the 1, 0, 1 they start at (which would hide a missing or misplaced diagonal).
    fn network(sizes: &[usize], f: Activation, residual: bool, batch_norm: bool, seed: u64) -> (Network<f64>, Array2<f64>, Array2<f64>) {
        let mut rng = Rng::new(seed);
        let mut net = Network::<f64>::new(sizes, Init::Scaled, 1.5, Cost::CrossEntropy, &mut rng)
            .unwrap()
            .with_activation(f)
            .with_residual(residual)
            .with_batch_norm(batch_norm);
        if batch_norm {
            let norms = sizes[1..sizes.len() - 1]
                .iter()
                .map(|&n| {
                    let mut bn = BatchNorm::new(n);
                    bn.gamma.mapv_inplace(|_| 0.5 + rng.uniform());
                    bn.mean.mapv_inplace(|_| 0.3 * rng.normal());
                    bn.var.mapv_inplace(|_| 0.5 + 1.5 * rng.uniform());
                    bn
                })
                .collect();
            net.set_norms(norms).unwrap();
        }
        let x = Array2::from_shape_fn((7, sizes[0]), |_| rng.normal());
        let y = Array2::from_shape_fn((7, sizes[sizes.len() - 1]), |(i, j)| if (i + 2) % sizes[sizes.len() - 1] == j { 1.0 } else { 0.0 });
        (net, x, y)
    }

    fn cases() -> Vec<(Vec<usize>, Activation, bool, bool)> {
        let mut cases = Vec::new();
        for f in [Activation::Sigmoid, Activation::Tanh, Activation::Relu, Activation::LeakyRelu] {
            for (residual, batch_norm) in [(false, false), (false, true), (true, false), (true, true)] {
                cases.push((vec![12, 8, 8, 8, 5], f, residual, batch_norm));
                // Widths that change: a skip only between the two 6s.
                cases.push((vec![12, 8, 6, 6, 9, 5], f, residual, batch_norm));
            }
        }
        cases
    }

    fn close(a: ArrayView1<f64>, b: ArrayView1<f64>, what: &str) {
        let scale = b.iter().map(|v| v.abs()).fold(1e-300, f64::max);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-10 * scale, "{what}: {a} vs {b}");
        }
    }

    /// Brute force: each factor, built as a dense matrix from its definition, takes u^{l+1}
    /// to u^l of every image; with skips, g^l ⊙ f′(ẑ^l) is backprop's δ^l (so the g's the
    /// factors follow are those of the backward pass); the singular values bracket the ratio.
    #[test]
    fn each_factor_takes_the_next_layer_s_gradient_to_this_one_s() {
        let mut buf = Vec::new();
        for (sizes, f, residual, batch_norm) in cases() {
            let (net, x, y) = network(&sizes, f, residual, batch_norm, 11);
            let p = pass(&net, x.view(), y.view());
            let what = format!("{sizes:?} {f:?} residual {residual} batch norm {batch_norm}");
            for l in 1..net.depth() {
                let w = net.weights()[l].clone();
                for i in 0..x.nrows() {
                    let parts = factor_of(&net, &p, &w, l, i);
                    let j = parts.factor().matrix();
                    close(j.dot(&p.u[l].row(i)).view(), p.u[l - 1].row(i), &format!("{what}, layer {l}, image {i}"));
                    if residual {
                        let fp = p.out[l].row(i).mapv(|a| f.prime_from_a(a));
                        close((&p.u[l - 1].row(i) * &fp).view(), p.delta[l - 1].row(i), &format!("{what}: g ⊙ f′ = δ at layer {l}"));
                    }
                    let s = parts.singular_values(&mut buf);
                    let ratio = norm(p.u[l - 1].row(i)) / norm(p.u[l].row(i));
                    let lower = if j.ncols() <= j.nrows() { *s.last().unwrap() } else { 0.0 };
                    assert!(ratio <= s[0] * (1.0 + 1e-10) && ratio >= lower * (1.0 - 1e-10), "{what} layer {l}: {ratio} ∉ [{lower}, {}]", s[0]);
                }
            }
        }
    }

    /// Finite differences: δ^l of each image is ∂C_x/∂b^l (∂C_x/∂β^l where normalised, by
    /// the running statistics), so the δ the factors are checked against is the cost's.
    #[test]
    fn the_deltas_are_the_cost_s_derivatives() {
        for (sizes, f, residual, batch_norm) in cases() {
            if matches!(f, Activation::Relu | Activation::LeakyRelu) {
                continue; // kinks: a central difference may straddle one
            }
            let (net, x, y) = network(&sizes, f, residual, batch_norm, 5);
            let p = pass(&net, x.view(), y.view());
            let cost = |net: &Network<f64>, i: usize| net.cost_sum(x.slice(ndarray::s![i..i + 1, ..]), y.slice(ndarray::s![i..i + 1, ..])).unwrap();
            for l in 0..net.depth() - 1 {
                for k in 0..sizes[l + 1] {
                    let h = 1e-5;
                    let (mut up, mut down) = (net.clone(), net.clone());
                    up.biases[l][k] += h;
                    down.biases[l][k] -= h;
                    for i in 0..x.nrows() {
                        let fd = (cost(&up, i) - cost(&down, i)) / (2.0 * h);
                        let d = p.delta[l][[i, k]];
                        assert!(
                            (fd - d).abs() <= 1e-7 * (1.0 + d.abs()),
                            "{sizes:?} {f:?} residual {residual} bn {batch_norm}: layer {} unit {k}: {fd} vs {d}",
                            l + 1
                        );
                    }
                }
            }
        }
    }
}
