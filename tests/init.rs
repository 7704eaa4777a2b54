//! The initialisations: each scheme's variance measured on large layers, the orthogonal
//! one's orthogonality, the shared draws of the schemes that differ only by a scale, and
//! the book's two schemes drawing exactly as network2 (biases first, then row by row).

use gradlab::{init::BiasInit, Cost, Init, Network, Rng};
use ndarray::Array2;

fn weights(sizes: &[usize], init: Init, gain: f64, seed: u64) -> Vec<Array2<f64>> {
    Network::<f64>::new(sizes, init, gain, Cost::CrossEntropy, &mut Rng::new(seed)).unwrap().weights().to_vec()
}

/// Sample mean and variance of every entry.
fn mean_var(w: &Array2<f64>) -> (f64, f64) {
    let n = w.len() as f64;
    let mean = w.sum() / n;
    (mean, w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0))
}

/// On a 300 → 400 layer (120,000 weights) the sample variance has a relative standard
/// error of √(2/120000) ≈ 0.4 %; the bound of 3 % is seven of them.
#[test]
fn each_initialisation_has_its_variance() {
    let (n_in, n_out, gain) = (300usize, 400usize, 1.5);
    for init in Init::ALL {
        let w = &weights(&[n_in, n_out, 2], init, gain, 11)[0];
        let want = gain
            * gain
            * match init {
                Init::Scaled => 1.0 / n_in as f64,
                Init::Large => 1.0,
                Init::Zero => 0.0,
                Init::Glorot => 2.0 / (n_in + n_out) as f64,
                Init::He => 2.0 / n_in as f64,
                // n_out > n_in: orthonormal columns, so Σ w² = n_in over n_in·n_out entries.
                Init::Orthogonal => 1.0 / n_out as f64,
            };
        let (mean, var) = mean_var(w);
        if init == Init::Zero {
            assert!(w.iter().all(|&v| v == 0.0));
            continue;
        }
        assert!((var / want - 1.0).abs() < 0.03, "{init:?}: variance {var} against {want}");
        assert!(mean.abs() < 5.0 * (want / w.len() as f64).sqrt(), "{init:?}: mean {mean}");
    }
    // Glorot's is uniform: bounded by gain·√6/√(n_in + n_out), and reaching near it.
    let w = &weights(&[n_in, n_out, 2], Init::Glorot, gain, 11)[0];
    let r = gain * 6f64.sqrt() / ((n_in + n_out) as f64).sqrt();
    let max = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(max <= r && max > 0.99 * r, "{max} against {r}");
}

/// WWᵀ = gain²·I for a wide layer (n_out ≤ n_in: orthonormal rows), WᵀW = gain²·I for a
/// tall one (orthonormal columns), to rounding.
#[test]
fn orthogonal_weights_are_orthogonal_times_the_gain() {
    let gain = 1.7;
    let w = weights(&[50, 20, 80], Init::Orthogonal, gain, 5);
    let (wide, tall) = (&w[0], &w[1]); // 20 × 50 and 80 × 20
    for (p, what) in [(wide.dot(&wide.t()), "WWᵀ"), (tall.t().dot(tall), "WᵀW")] {
        let err = p.indexed_iter().map(|((i, j), &v)| (v - if i == j { gain * gain } else { 0.0 }).abs()).fold(0.0, f64::max);
        assert!(err < 1e-12, "{what}: off by {err:e}");
    }
    // A square layer: both.
    let q = &weights(&[30, 30, 2], Init::Orthogonal, 1.0, 6)[0];
    assert!((q.dot(&q.t()) - Array2::<f64>::eye(30)).iter().all(|v| v.abs() < 1e-12));
    assert!((q.t().dot(q) - Array2::<f64>::eye(30)).iter().all(|v| v.abs() < 1e-12));
}

/// Large, scaled and He share their normal draws (and zero multiplies them by 0), so a
/// comparison of the three isolates the scale; the biases are the same draws too.
#[test]
fn schemes_that_differ_by_a_scale_share_their_draws() {
    let sizes = [12, 9, 4];
    let scaled = weights(&sizes, Init::Scaled, 1.0, 3);
    for (init, factor) in [(Init::Large, (|n: f64| n.sqrt()) as fn(f64) -> f64), (Init::He, |_: f64| 2f64.sqrt())] {
        let other = weights(&sizes, init, 1.0, 3);
        for (l, (a, b)) in scaled.iter().zip(&other).enumerate() {
            let f = factor(sizes[l] as f64);
            assert!(a.iter().zip(b).all(|(a, b)| (a * f - b).abs() <= 1e-14 * b.abs().max(1.0)), "{init:?} layer {l}");
        }
    }
    let nets: Vec<Network<f64>> = Init::ALL.iter().map(|&i| Network::new(&sizes, i, 1.0, Cost::CrossEntropy, &mut Rng::new(3)).unwrap()).collect();
    assert!(nets.iter().all(|n| n.biases() == nets[0].biases()));
}

/// The book's scaled and large draw as network2 (and as gradlab always has): every bias,
/// then each weight matrix row by row, N(0, 1) times 1/√n_in or 1 — the same bits.
#[test]
fn scaled_and_large_draw_exactly_as_network2() {
    let sizes = [5, 4, 3];
    for init in [Init::Scaled, Init::Large] {
        let net = Network::<f64>::new(&sizes, init, 0.7, Cost::CrossEntropy, &mut Rng::new(9)).unwrap();
        let mut rng = Rng::new(9);
        let b: Vec<Vec<f64>> = sizes[1..].iter().map(|&y| (0..y).map(|_| rng.normal()).collect()).collect();
        for (got, want) in net.biases().iter().zip(&b) {
            assert_eq!(&got.to_vec(), want);
        }
        for l in 0..2 {
            let (x, y) = (sizes[l], sizes[l + 1]);
            let scale = 0.7 * if init == Init::Scaled { 1.0 / (x as f64).sqrt() } else { 1.0 };
            let want = Array2::from_shape_fn((y, x), |_| rng.normal() * scale);
            assert_eq!(net.weights()[l], want, "{init:?} layer {l}");
        }
    }
}

/// Zero biases leave the weights as they were with N(0, 1) biases.
#[test]
fn zero_biases_keep_the_same_weights() {
    for init in Init::ALL {
        let normal = Network::<f64>::new_with_biases(&[8, 6, 3], init, BiasInit::Normal, 1.0, Cost::CrossEntropy, &mut Rng::new(4)).unwrap();
        let zero = Network::<f64>::new_with_biases(&[8, 6, 3], init, BiasInit::Zero, 1.0, Cost::CrossEntropy, &mut Rng::new(4)).unwrap();
        assert_eq!(normal.weights(), zero.weights(), "{init:?}");
        assert!(zero.biases().iter().all(|b| b.iter().all(|&v| v == 0.0)));
        assert!(normal.biases()[0].iter().any(|&v| v != 0.0));
    }
}
