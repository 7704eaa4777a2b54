//! The single-neuron chain: the closed form against backpropagation on the equivalent
//! 1-1-…-1 network, and the book's z = 0 example.

use gradlab::chain::{Chain, ChainBias, Regime};
use gradlab::{Activation, Cost, Network};
use ndarray::{array, Array1, Array2};

fn as_network(c: &Chain, b: &[f64]) -> Network<f64> {
    let l = c.w.len();
    let weights: Vec<Array2<f64>> = c.w.iter().map(|&w| array![[w]]).collect();
    let biases: Vec<Array1<f64>> = b.iter().map(|&b| array![b]).collect();
    Network::from_parts(vec![1; l + 1], weights, biases, c.cost).unwrap().with_activation(c.activation).with_residual(c.residual)
}

#[test]
fn closed_form_equals_backprop_on_the_one_one_network() {
    let cases = [Cost::CrossEntropy, Cost::Quadratic].into_iter().flat_map(|c| Activation::ALL.map(|f| (c, f)));
    for ((cost, f), residual) in cases.flat_map(|cf| [(cf, false), (cf, true)]) {
        for (layers, seed) in [(1, 1), (2, 2), (4, 3), (7, 4), (10, 5)] {
            let mut chain = Chain::book_random(layers, seed);
            chain.cost = cost;
            chain.activation = f;
            chain.residual = residual;
            // ReLU chains die where a z ≤ 0 (∂C/∂b = 0 on both sides); positive weights and
            // biases keep every z > 0 so the comparison is between non-zero numbers.
            if matches!(f, Activation::Relu | Activation::LeakyRelu) {
                chain.w.iter_mut().chain(chain.b.iter_mut()).for_each(|v| *v = v.abs());
            }
            chain.a0 = 0.7;
            chain.y = 0.25;
            let r = chain.report().unwrap();
            let net = as_network(&chain, &r.b);
            let g = net.gradient(array![[chain.a0]].view(), array![[chain.y]].view()).unwrap();
            for j in 0..layers {
                let bp = g.nabla_b[j][0];
                let cf = r.dc_db[j];
                assert!((bp - cf).abs() <= 1e-13 * bp.abs().max(1e-300), "{cost:?} {f:?} residual {residual} L={layers} j={j}: {bp:e} vs {cf:e}");
            }
            // With skips the terms of neurons 2..L−1 are 1 + w f′(z) (and the network agrees).
            for j in 1..layers.saturating_sub(1) {
                let plain = chain.w[j] * r.sigma_prime[j];
                assert_eq!(r.terms[j], if residual { 1.0 + plain } else { plain });
            }
            // The running product times ∂C/∂a_L is ∂C/∂b_1 (the book's formula) — where
            // ∂C/∂a_L = (a − y)/(a(1 − a)) is finite: the residual ReLU chains grow a_j like
            // (1 + w)^j and saturate the output to a = 1 exactly.
            if !r.dc_da_last.is_finite() {
                assert!(residual && r.a[layers - 1] == 1.0, "{cost:?} {f:?} L={layers}");
                continue;
            }
            let via_product = r.running_product[layers - 1] * r.dc_da_last;
            assert!((via_product - r.dc_db1).abs() <= 1e-12 * r.dc_db1.abs(), "{via_product} vs {}", r.dc_db1);
        }
    }
}

#[test]
fn zero_z_mode_gives_terms_of_exactly_w_over_four() {
    for w in [100.0, 0.8, -3.0, 4.0, 1e-3] {
        let r = Chain::uniform(6, w, 123.0, ChainBias::ZeroZ).report().unwrap();
        assert!(r.z.iter().all(|&z| z == 0.0), "{:?}", r.z);
        assert!(r.sigma_prime.iter().all(|&s| s == 0.25));
        assert!(r.terms.iter().all(|&t| t == w / 4.0), "{:?}", r.terms);
    }
    // The book's exploding example: w = 100 gives terms of 25.
    let r = Chain::book_exploding(4).report().unwrap();
    assert_eq!(r.terms, vec![25.0; 4]);
    assert_eq!(r.running_product, vec![0.25, 6.25, 156.25, 3906.25]);
    assert_eq!(r.regime, Regime::Exploding);
}

#[test]
fn regimes_follow_the_size_of_the_terms() {
    // |w σ′(0)| = |w|/4: below 1 for |w| < 4, above for |w| > 4, exactly 1 at 4.
    assert_eq!(Chain::uniform(5, 1.0, 0.0, ChainBias::ZeroZ).report().unwrap().regime, Regime::Vanishing);
    assert_eq!(Chain::uniform(5, 4.0, 0.0, ChainBias::ZeroZ).report().unwrap().regime, Regime::Balanced);
    assert_eq!(Chain::uniform(5, -8.0, 0.0, ChainBias::ZeroZ).report().unwrap().regime, Regime::Exploding);
    assert_eq!(Chain::uniform(1, 8.0, 0.0, ChainBias::ZeroZ).report().unwrap().regime, Regime::Single);
    // N(0, 1) weights: the seed note's argument — terms below 1/4 and a vanishing product.
    let mut vanishing = 0;
    for seed in 0..100 {
        let r = Chain::book_random(5, seed).report().unwrap();
        if r.terms.iter().all(|t| t.abs() < 0.25 + 1e-12) || r.regime == Regime::Vanishing {
            vanishing += 1;
        }
        assert!(r.terms.iter().all(|t| t.abs() <= r.sigma_prime.iter().cloned().fold(0.0, f64::max) * 10.0));
    }
    assert!(vanishing >= 95, "{vanishing} of 100 random chains vanish");
}

#[test]
fn overflow_is_reported_not_hidden() {
    // 1000 terms of 25: 25^999 overflows f64.
    let r = Chain::book_exploding(1000).report().unwrap();
    assert_eq!(r.regime, Regime::Overflow);
    assert!(r.running_product.last().unwrap().is_infinite());
}

#[test]
fn bad_chains_get_clear_errors() {
    let e = Chain::uniform(0, 1.0, 0.0, ChainBias::Given).report().unwrap_err();
    assert_eq!(e.to_string(), "a chain needs between 1 and 1000 neurons, but 0 were given");
    let mut c = Chain::uniform(3, 1.0, 0.0, ChainBias::Given);
    c.w[1] = f64::NAN;
    assert_eq!(c.report().unwrap_err().to_string(), "weight w_2 must be a finite number, but is NaN");
    c.w[1] = 1.0;
    c.b.pop();
    assert!(c.report().unwrap_err().to_string().contains("3 weights but 2 biases"));
    let e = Chain::uniform(1001, 1.0, 0.0, ChainBias::ZeroZ).report().unwrap_err();
    assert!(e.to_string().contains("1001"));
}

/// The band of inputs a with |w·σ′(wa + b)| ≥ 1 (Chapter 5's problem): the formula against
/// a brute-force scan of a, for several w and b, and its maximum ≈ 0.45 near |w| ≈ 6.9.
#[test]
fn the_exploding_band_is_as_wide_as_the_books_problem_says() {
    use gradlab::chain::exploding_band_width;
    let sp = |z: f64| {
        let s = 1.0 / (1.0 + (-z).exp());
        s * (1.0 - s)
    };
    let h = 1e-5;
    for w in [4.2, 5.0, 6.9, 10.0, -12.0, 100.0] {
        for b in [0.0, 1.7, -3.0] {
            let inside = (-600_000..600_000).filter(|&k| (w * sp(w * (k as f64 * h) + b)).abs() >= 1.0).count();
            let scanned = inside as f64 * h;
            assert!((scanned - exploding_band_width(w)).abs() < 3.0 * h, "w {w}, b {b}: scan {scanned}, formula {}", exploding_band_width(w));
        }
    }
    assert_eq!(exploding_band_width(3.9), 0.0);
    assert_eq!(exploding_band_width(f64::INFINITY), 0.0);
    assert_eq!(exploding_band_width(f64::NAN), 0.0);
    let (w_best, best) = (4000..20000).map(|k| k as f64 / 1000.0).map(|w| (w, exploding_band_width(w))).fold((0.0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
    assert!((w_best - 6.9).abs() < 0.1 && (best - 0.45).abs() < 0.005, "largest {best} at |w| = {w_best}");
}
