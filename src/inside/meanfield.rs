//! The mean-field prediction of each layer's factor (Poole et al. 2016, Schoenholz et al.
//! 2017): in a wide network with random weights, z^l_j is close to Gaussian with variance
//! q^l, which propagates layer by layer,
//!
//!   q^1 = σ_w²·⟨‖x‖²/n_0⟩ + σ_b²,   q^{l+1} = σ_w²·E[f(z)²] + σ_b²,   z ~ N(0, q^l),
//!
//! with σ_w² = n_in·Var(w) and σ_b² = Var(b) of the layer the signal enters. Backwards,
//! BP2 gives E‖δ^l‖² = n_l·Var(w^{l+1})·E[f′(z^l)²]·‖δ^{l+1}‖², so each layer's factor is
//!
//!   χ_l = √(σ_w²·E[f′(z)²]),   z ~ N(0, q^l),   σ_w² that of w^{l+1}.
//!
//! For the book's sigmoid network (scaled weights, σ_w² = 1; N(0, 1) biases) q ≈ 1.1 and
//! χ ≈ 0.2: a shrink of ≈ 5× per layer. The assumptions: wide layers, weights independent
//! of the signal (true at initialisation, not after training).

use crate::init::{BiasInit, Init};
use crate::network::{Activation, Network};
use crate::real::Real;
use serde::Serialize;

/// σ_w² = n_in·Var(w) and σ_b² = Var(b) of one weight layer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerVariance {
    pub sigma_w2: f64,
    pub sigma_b2: f64,
}

/// The variances an initialisation draws from, times `gain` (every weight layer).
pub fn init_variances(sizes: &[usize], init: Init, biases: BiasInit, gain: f64) -> Vec<LayerVariance> {
    let sigma_b2 = if biases == BiasInit::Normal { 1.0 } else { 0.0 };
    sizes
        .windows(2)
        .map(|s| {
            let (n_in, n_out) = (s[0] as f64, s[1] as f64);
            let var_w = match init {
                Init::Scaled => 1.0 / n_in,
                Init::Large => 1.0,
                Init::Zero => 0.0,
                // U(−r, r) with r = √6/√(n_in + n_out): variance r²/3.
                Init::Glorot => 2.0 / (n_in + n_out),
                Init::He => 2.0 / n_in,
                // Orthonormal rows (or columns): every entry has variance 1/max(n_in, n_out).
                Init::Orthogonal => 1.0 / n_in.max(n_out),
            };
            LayerVariance { sigma_w2: n_in * var_w * gain * gain, sigma_b2 }
        })
        .collect()
}

/// The variances of a given network's weights and biases, measured: n_in·mean(w²) and
/// mean(b²) (for a network file, whose initialisation is unknown).
pub fn measured_variances<F: Real>(net: &Network<F>) -> Vec<LayerVariance> {
    let mean_sq = |it: &mut dyn Iterator<Item = f64>, n: usize| it.map(|v| v * v).sum::<f64>() / n.max(1) as f64;
    net.weights()
        .iter()
        .zip(net.biases())
        .map(|(w, b)| LayerVariance {
            sigma_w2: w.ncols() as f64 * mean_sq(&mut w.iter().map(|v| v.to_f64_exact()), w.len()),
            sigma_b2: mean_sq(&mut b.iter().map(|v| v.to_f64_exact()), b.len()),
        })
        .collect()
}

/// E[g(z)] for z ~ N(0, q), by the midpoint rule in t where z = c·sinh t, c = min(1, √q),
/// over |z| ≤ 10√q (beyond, the Gaussian weighs < 1e-22). The steps in z are c/8 near 0
/// (at most 1/8, and 1/8 of √q) and grow exponentially in the tails, so ~2·ln(20√q/c)/h
/// points resolve both the narrow bump of σ′(z)² and the wide Gaussian at any q; the
/// integrand is smooth in t, so the rule converges geometrically. Why not Gauss–Hermite:
/// as q grows σ′(z)² narrows against the Gaussian and fixed Hermite nodes step over it
/// (so did a plain grid in z/√q at gain 1000, which then predicted no gradient at all).
/// The grid is symmetric with no node at z = 0, so the ReLUs' jump there is integrated
/// exactly (by symmetry).
pub fn gaussian_mean(q: f64, g: impl Fn(f64) -> f64) -> f64 {
    let s = q.max(0.0).sqrt();
    if s == 0.0 || !s.is_finite() {
        return g(0.0);
    }
    let c = s.min(1.0);
    // sinh, cosh and asinh through exp and ln, which the wasm has already (σ, the cost):
    // the library's own would each add their code to it.
    let r = 10.0 * s / c;
    let t_max = (r + (r * r + 1.0).sqrt()).ln();
    let half = ((t_max * 8.0).ceil() as usize).max(40);
    let h = t_max / half as f64;
    let norm = 1.0 / (s * (2.0 * std::f64::consts::PI).sqrt());
    (0..half)
        .map(|k| {
            let e = ((k as f64 + 0.5) * h).exp();
            let (sinh, cosh) = (0.5 * (e - 1.0 / e), 0.5 * (e + 1.0 / e));
            let z = c * sinh;
            (g(z) + g(-z)) * (-0.5 * (z / s) * (z / s)).exp() * c * cosh
        })
        .sum::<f64>()
        * h
        * norm
}

/// The prediction for every hidden layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeanField {
    /// q^l, the predicted variance of z^l, for the hidden layers l = 1..L−1.
    pub q: Vec<f64>,
    /// χ_l, the predicted factor ‖δ^l‖/‖δ^{l+1}‖, for the hidden layers.
    pub factors: Vec<f64>,
}

/// Propagate q^l through the hidden layers and take each one's χ_l. `input_sq` is the
/// inputs' ⟨‖x‖²/n_0⟩; `vars[l]` belongs to weight layer l + 1 (all L of them).
pub fn mean_field(f: Activation, input_sq: f64, vars: &[LayerVariance]) -> MeanField {
    let hidden = vars.len().saturating_sub(1);
    let (mut q, mut factors) = (Vec::with_capacity(hidden), Vec::with_capacity(hidden));
    let mut ql = vars.first().map_or(0.0, |v| v.sigma_w2 * input_sq + v.sigma_b2);
    for l in 0..hidden {
        q.push(ql);
        let next = vars[l + 1];
        factors.push((next.sigma_w2 * gaussian_mean(ql, |z| f.prime(z).powi(2))).sqrt());
        ql = next.sigma_w2 * gaussian_mean(ql, |z| f.f(z).powi(2)) + next.sigma_b2;
    }
    MeanField { q, factors }
}

/// The geometric mean of the hidden layers' χ_l: the average factor per layer.
pub fn mean_factor(m: &MeanField) -> f64 {
    let n = m.factors.len().max(1) as f64;
    (m.factors.iter().map(|c| c.ln()).sum::<f64>() / n).exp()
}

/// The gain g (multiplying every weight, so σ_w² → g²σ_w²) at which the average
/// predicted factor is 1, bracketed in [1e-3, 1e3] and found by the Illinois variant of
/// regula falsi on ln g (a bisection that converges superlinearly: ~10 evaluations
/// instead of ~45, and each costs a mean-field pass); `None` if the factor does not cross
/// 1 there. The factor grows with g for every activation here (more weight; the
/// saturation it causes only slows the growth), so the root is unique.
pub fn critical_gain(f: Activation, input_sq: f64, vars: &[LayerVariance]) -> Option<f64> {
    let at = |ln_g: f64| {
        let g2 = (2.0 * ln_g).exp();
        let scaled: Vec<LayerVariance> = vars.iter().map(|v| LayerVariance { sigma_w2: v.sigma_w2 * g2, ..*v }).collect();
        mean_factor(&mean_field(f, input_sq, &scaled)).ln()
    };
    let (mut a, mut b) = (1e-3f64.ln(), 1e3f64.ln());
    let (mut fa, mut fb) = (at(a), at(b));
    if !(fa < 0.0 && fb > 0.0) {
        return None;
    }
    let mut side = 0;
    for _ in 0..100 {
        let c = (a * fb - b * fa) / (fb - fa);
        let fc = at(c);
        if fc == 0.0 || (b - a).abs() < 1e-12 {
            return Some(c.exp());
        }
        if (fc < 0.0) == (fa < 0.0) {
            (a, fa) = (c, fc);
            if side == -1 {
                fb /= 2.0; // Illinois: the end that stays twice halves its weight
            }
            side = -1;
        } else {
            (b, fb) = (c, fc);
            if side == 1 {
                fa /= 2.0;
            }
            side = 1;
        }
        if fc.abs() < 1e-13 {
            return Some(c.exp());
        }
    }
    Some((0.5 * (a + b)).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn gaussian_means_of_known_functions() {
        for q in [0.01, 1.0, 7.3, 400.0] {
            assert!((gaussian_mean(q, |_| 1.0) - 1.0).abs() < 1e-12);
            assert!((gaussian_mean(q, |z| z * z) - q).abs() < 1e-10 * q);
            // ReLU: E[max(0, z)²] = q/2, E[1{z>0}] = 1/2 (the jump at 0).
            assert!((gaussian_mean(q, |z| Activation::Relu.f(z).powi(2)) - q / 2.0).abs() < 1e-10 * q);
            assert!((gaussian_mean(q, |z| Activation::Relu.prime(z)) - 0.5).abs() < 1e-12);
            // σ′² and σ² against a brute-force sum with a thousand times the steps.
            // (midpoints in z/√q over [−12, 12])
            let fine = |g: &dyn Fn(f64) -> f64| {
                let (n, s) = (400_000, q.sqrt());
                let h = 24.0 / n as f64;
                (0..n).map(|k| -12.0 + (k as f64 + 0.5) * h).map(|u| g(s * u) * (-0.5 * u * u).exp()).sum::<f64>() * h / (2.0 * std::f64::consts::PI).sqrt()
            };
            for g in [&|z: f64| Activation::Sigmoid.prime(z).powi(2), &|z: f64| Activation::Sigmoid.f(z).powi(2)] as [&dyn Fn(f64) -> f64; 2] {
                let (got, want) = (gaussian_mean(q, g), fine(g));
                assert!((got / want - 1.0).abs() < 1e-10, "q {q}: {got} vs {want}");
            }
        }
    }

    /// A very wide Gaussian sees σ′² as a spike of area ∫σ′(z)² dz = 1/6 at 0; the
    /// critical gain does not depend on the gain it starts from.
    #[test]
    fn huge_variances_still_see_the_bump() {
        for q in [1e4, 1e8, 1e12] {
            let e = gaussian_mean(q, |z| Activation::Sigmoid.prime(z).powi(2)) * (2.0 * std::f64::consts::PI * q).sqrt();
            assert!((e * 6.0 - 1.0).abs() < 1e-3, "q {q}: {e}");
        }
        let sizes = [784, 30, 30, 30, 30, 10];
        let at = |g: f64| critical_gain(Activation::Sigmoid, 0.1, &init_variances(&sizes, Init::Scaled, BiasInit::Normal, g)).map(|k| k * g);
        let (one, big) = (at(1.0).unwrap(), at(1000.0).unwrap());
        assert!((big / one - 1.0).abs() < 1e-9, "{one} vs {big}");
    }

    /// χ at the origin of a linear regime: for tiny q, σ′ ≈ 1/4 everywhere, so χ = σ_w/4;
    /// ReLU with He (σ_w² = 2) has χ = 1 exactly, at any depth.
    #[test]
    fn limits_and_he() {
        let v = |w2: f64, b2: f64| LayerVariance { sigma_w2: w2, sigma_b2: b2 };
        let m = mean_field(Activation::Sigmoid, 1e-12, &[v(1e-10, 0.0), v(4.0, 0.0)]);
        assert!((m.factors[0] - 0.5).abs() < 1e-6, "{m:?}");
        let he = init_variances(&[784, 100, 100, 100, 10], Init::He, BiasInit::Zero, 1.0);
        let m = mean_field(Activation::Relu, 0.1, &he);
        for c in &m.factors[..2] {
            assert!((c - 1.0).abs() < 1e-12, "{m:?}");
        }
        assert_eq!(critical_gain(Activation::Relu, 0.1, &he).map(|g| (g * 1e9).round() / 1e9), Some(1.0));
    }

    /// The Monte-Carlo check: wide random networks (width 400, 12 draws of weights and
    /// biases) on random Gaussian inputs. q^l is measured as the mean z² over units,
    /// inputs and draws, and χ_l as √(mean ‖f′(z^l) ⊙ (w^{l+1})ᵀ v‖² / mean ‖v‖²) for
    /// random v. Within 5 %. (One draw is not enough: the 400 biases of a layer alone
    /// make its mean z² wander by ~7 %.)
    #[test]
    fn agrees_with_monte_carlo_on_wide_random_networks() {
        let sizes = [300, 400, 400, 400, 400];
        let hidden = sizes.len() - 2;
        for (f, init, gain) in [
            (Activation::Sigmoid, Init::Scaled, 1.0),
            (Activation::Sigmoid, Init::Scaled, 8.0),
            (Activation::Tanh, Init::Scaled, 1.5),
            (Activation::Relu, Init::He, 1.0),
        ] {
            let (mut q_sum, mut jv_sum, mut v_sum) = (vec![0.0; hidden], vec![0.0; hidden], vec![0.0; hidden]);
            let (draws, images) = (12, 20);
            let mut input_sq = 0.0;
            let mut rng = Rng::new(42);
            for _ in 0..draws {
                let net = Network::<f64>::new(&sizes, init, gain, crate::Cost::CrossEntropy, &mut rng).unwrap().with_activation(f);
                let mut a = ndarray::Array2::from_shape_fn((images, sizes[0]), |_| rng.normal());
                input_sq += a.iter().map(|v| v * v).sum::<f64>() / (a.len() * draws) as f64;
                for l in 0..hidden {
                    let z = a.dot(&net.weights()[l].t()) + &net.biases()[l];
                    q_sum[l] += z.iter().map(|v| v * v).sum::<f64>() / (z.len() * draws) as f64;
                    // J_l applied to random vectors, one per input.
                    let w = &net.weights()[l + 1];
                    let v = ndarray::Array2::from_shape_fn((images, w.nrows()), |_| rng.normal());
                    let jv = v.dot(w) * z.mapv(|z| f.prime(z));
                    jv_sum[l] += jv.iter().map(|t| t * t).sum::<f64>();
                    v_sum[l] += v.iter().map(|t| t * t).sum::<f64>();
                    a = z.mapv(|z| f.f(z));
                }
            }
            let predicted = mean_field(f, input_sq, &init_variances(&sizes, init, BiasInit::Normal, gain));
            for l in 0..hidden {
                let (q, chi) = (q_sum[l], (jv_sum[l] / v_sum[l]).sqrt());
                let (pq, pc) = (predicted.q[l], predicted.factors[l]);
                assert!((q / pq - 1.0).abs() < 0.05, "{f:?} gain {gain} layer {}: q measured {q}, predicted {pq}", l + 1);
                assert!((chi / pc - 1.0).abs() < 0.05, "{f:?} gain {gain} layer {}: χ measured {chi}, predicted {pc}", l + 1);
            }
        }
    }

    /// The book's network: ≈ 0.2 per layer (a ≈ 5× shrink), and the factor reaches 1 near gain 10.
    #[test]
    fn the_book_network_shrinks_about_five_times_per_layer() {
        let vars = init_variances(&[784, 30, 30, 30, 30, 10], Init::Scaled, BiasInit::Normal, 1.0);
        // ⟨‖x‖²/784⟩ of MNIST is about 0.1 (a tenth of the pixels are near 1).
        let m = mean_field(Activation::Sigmoid, 0.1, &vars);
        for c in &m.factors {
            assert!((1.0 / c - 4.9).abs() < 0.4, "{m:?}");
        }
        let g = critical_gain(Activation::Sigmoid, 0.1, &vars).unwrap();
        assert!((6.0..16.0).contains(&g), "critical gain {g}");
        let at = mean_factor(&mean_field(Activation::Sigmoid, 0.1, &init_variances(&[784, 30, 30, 30, 30, 10], Init::Scaled, BiasInit::Normal, g)));
        assert!((at - 1.0).abs() < 1e-9);
    }
}
