//! Backpropagation against independent references: central finite differences of the
//! cost, and the book's own per-example `backprop` (`gradlab::network2`).

mod common;
use common::*;
use gradlab::{network2, Activation, Cost};
use ndarray::{Array1, Array2};

/// The five-point central difference
/// C′ ≈ (−C(θ+2h) + 8C(θ+h) − 8C(θ−h) + C(θ−2h)) / 12h, whose truncation error is ∝ h⁴:
/// with h = 1e-4 it is ~1e-16, and the rounding error (∝ ε·C/h) is ~1e-11.
const H: f64 = 1e-4;

fn five_point(c: impl Fn(f64) -> f64) -> f64 {
    (-c(2.0 * H) + 8.0 * c(H) - 8.0 * c(-H) + c(-2.0 * H)) / (12.0 * H)
}

fn check_finite_differences(sizes: &[usize], cost: Cost, f: Activation, seed: u64) {
    check_finite_differences_of(random_net(sizes, cost, seed).with_activation(f), seed);
}

fn check_finite_differences_of(net: gradlab::Network<f64>, seed: u64) {
    let (sizes, cost, f) = (net.sizes().to_vec(), net.cost(), net.activation());
    let (x, y) = random_batch(7, sizes[0], *sizes.last().unwrap(), seed + 100);
    let sizes = &sizes;
    // ReLU's f′ jumps at z = 0: the difference quotient is only the derivative if no z of a
    // hidden layer is within 2h of it. Asserted, so that a seed that lands on the kink
    // fails loudly instead of passing or failing by luck.
    let margin = min_abs_hidden_z(&net, &x);
    let kinked = matches!(f, Activation::Relu | Activation::LeakyRelu);
    assert!(!kinked || margin > 100.0 * H, "sizes {sizes:?}, {f:?}: a hidden z is {margin:e} from the kink");
    let g = net.gradient(x.view(), y.view()).unwrap();
    let c = |n: &gradlab::Network<f64>| n.cost_sum(x.view(), y.view()).unwrap();
    let (mut analytic, mut numeric) = (Vec::new(), Vec::new());
    for l in 0..net.depth() {
        for j in 0..net.biases()[l].len() {
            numeric.push(five_point(|h| {
                let mut n = net.clone();
                perturb_bias(&mut n, l, j, h);
                c(&n)
            }));
            analytic.push(g.nabla_b[l][j]);
        }
        let (rows, cols) = net.weights()[l].dim();
        for j in 0..rows {
            for k in 0..cols {
                numeric.push(five_point(|h| {
                    let mut n = net.clone();
                    perturb_weight(&mut n, l, j, k, h);
                    c(&n)
                }));
                analytic.push(g.nabla_w[l][[j, k]]);
            }
        }
    }
    // Entries whose size is below 1e-4 are compared absolutely (to 1e-10), since the
    // difference quotient itself carries ~1e-11 of error.
    let err = max_rel_diff(&analytic, &numeric, 1e-4);
    assert!(err < 1e-6, "sizes {sizes:?}, {cost:?}, {f:?}: max relative error {err:e}");
    // Not vacuous: the gradient is far from zero.
    assert!(analytic.iter().map(|v| v.abs()).fold(0.0, f64::max) > 1e-2);
}

/// The smallest |z^l_j| over the hidden layers and the rows of `x` (by network2's feedforward).
fn min_abs_hidden_z(net: &gradlab::Network<f64>, x: &Array2<f64>) -> f64 {
    let mut m = f64::INFINITY;
    for row in x.outer_iter() {
        let mut a = row.to_owned();
        for l in 0..net.depth() - 1 {
            let z = net.weights()[l].dot(&a) + &net.biases()[l];
            m = z.iter().fold(m, |m, z| m.min(z.abs()));
            let fz = z.mapv(|z| net.activation().f(z));
            a = if net.skips(l) { a + fz } else { fz };
        }
    }
    m
}

fn perturb_bias(net: &mut gradlab::Network<f64>, l: usize, j: usize, h: f64) {
    let (w, mut b) = (net.weights().to_vec(), net.biases().to_vec());
    b[l][j] += h;
    *net = gradlab::Network::from_parts(net.sizes().to_vec(), w, b, net.cost()).unwrap().with_activation(net.activation()).with_residual(net.residual());
}

fn perturb_weight(net: &mut gradlab::Network<f64>, l: usize, j: usize, k: usize, h: f64) {
    let (mut w, b) = (net.weights().to_vec(), net.biases().to_vec());
    w[l][[j, k]] += h;
    *net = gradlab::Network::from_parts(net.sizes().to_vec(), w, b, net.cost()).unwrap().with_activation(net.activation()).with_residual(net.residual());
}

#[test]
fn finite_differences_cross_entropy_several_depths() {
    for (i, sizes) in [vec![4, 3, 2], vec![5, 4, 4, 3], vec![6, 5, 4, 4, 3, 2]].iter().enumerate() {
        check_finite_differences(sizes, Cost::CrossEntropy, Activation::Sigmoid, 10 + i as u64);
    }
}

#[test]
fn finite_differences_quadratic_several_depths() {
    for (i, sizes) in [vec![4, 3, 2], vec![5, 4, 4, 3], vec![6, 5, 4, 4, 3, 2]].iter().enumerate() {
        check_finite_differences(sizes, Cost::Quadratic, Activation::Sigmoid, 20 + i as u64);
    }
}

/// Every hidden activation, both costs, two depths (the output layer stays σ).
#[test]
fn finite_differences_every_activation_both_costs() {
    for f in Activation::ALL {
        for (c, cost) in [Cost::CrossEntropy, Cost::Quadratic].into_iter().enumerate() {
            for (i, sizes) in [vec![4, 3, 2], vec![5, 4, 4, 3, 2]].iter().enumerate() {
                check_finite_differences(sizes, cost, f, 30 + 10 * c as u64 + i as u64);
            }
        }
    }
}

/// Skip connections (a^l = a^{l−1} + f(z^l) between equal-width hidden layers), every
/// activation, both costs: widths chosen so that some layers skip and some don't.
#[test]
fn finite_differences_residual_every_activation_both_costs() {
    for f in Activation::ALL {
        for (c, cost) in [Cost::CrossEntropy, Cost::Quadratic].into_iter().enumerate() {
            for (i, (sizes, skipping_layers)) in [(vec![4, 3, 3, 2], 1), (vec![5, 4, 4, 4, 3, 3, 2], 3)].iter().enumerate() {
                // The first seed from 70 + … whose hidden z all stay ≥ 100h from the ReLUs'
                // kink (asserted again inside the check): a deterministic choice, stated.
                let net_of = |seed: u64| halved(random_net(sizes, cost, seed)).with_activation(f).with_residual(true);
                let base = 70 + 100 * c as u64 + 1000 * i as u64;
                let seed = (base..base + 100)
                    .find(|&s| {
                        let (x, _) = random_batch(7, sizes[0], *sizes.last().unwrap(), s + 100);
                        min_abs_hidden_z(&net_of(s), &x) > 100.0 * H
                    })
                    .expect("a seed away from the kink");
                let net = net_of(seed);
                let skipping = (0..net.depth()).filter(|&l| net.skips(l)).count();
                assert_eq!(skipping, *skipping_layers, "{sizes:?}: the layers that skip");
                check_finite_differences_of(net, seed);
            }
        }
    }
}

/// The network with every weight halved. Skip connections add up the layers' outputs, so
/// with N(0, 1) weights the output neurons saturate, and then the finite difference of the
/// cross-entropy is the inexact side: ln(1 − a) for a ≈ 1 − 1e-6 keeps only ~10 digits,
/// which the quotient divides by h = 1e-4 (measured: 6e-10 off on an entry of 3e-4).
fn halved(net: gradlab::Network<f64>) -> gradlab::Network<f64> {
    let w = net.weights().iter().map(|w| w * 0.5).collect();
    gradlab::Network::from_parts(net.sizes().to_vec(), w, net.biases().to_vec(), net.cost()).unwrap()
}

/// Which layers skip: hidden to hidden, equal widths, never the first or the output layer.
#[test]
fn skip_connections_join_equal_width_hidden_layers_only() {
    let net = random_net(&[3, 3, 3, 4, 4, 4, 3], Cost::CrossEntropy, 1).with_residual(true);
    let skips: Vec<bool> = (0..net.depth()).map(|l| net.skips(l)).collect();
    assert_eq!(skips, [false, true, false, true, true, false]);
    let plain = net.clone().with_residual(false);
    assert!((0..plain.depth()).all(|l| !plain.skips(l)));
    // And the skip changes the output: not a flag that does nothing.
    let (x, _) = random_batch(3, 3, 3, 2);
    assert_ne!(net.feedforward(x.view()).unwrap(), plain.feedforward(x.view()).unwrap());
}

/// The batched backward pass ([`gradlab::backprop`]) against network2's `backprop` summed
/// example by example. The two add in different orders (matrix products against one
/// example's dot products), so they agree to rounding: within 1e-12 relative in f64.
#[test]
fn batched_backprop_equals_network2_backprop() {
    let cases = [Cost::CrossEntropy, Cost::Quadratic].into_iter().flat_map(|c| Activation::ALL.map(|f| (c, f)));
    for ((cost, f), residual) in cases.flat_map(|cf| [(cf, false), (cf, true)]) {
        let sizes: &[usize] = if residual { &[9, 7, 7, 7, 5, 5, 4] } else { &[9, 7, 6, 5, 4] };
        let net = random_net(sizes, cost, 3).with_activation(f).with_residual(residual);
        let (x, y) = random_batch(11, 9, 4, 4);
        let g = net.gradient(x.view(), y.view()).unwrap();
        let mut sum_b: Vec<Array1<f64>> = net.biases().iter().map(|b| Array1::zeros(b.len())).collect();
        let mut sum_w: Vec<Array2<f64>> = net.weights().iter().map(|w| Array2::zeros(w.dim())).collect();
        for r in 0..x.nrows() {
            let (nb, nw) = network2::backprop(&net, &x.row(r).to_owned(), &y.row(r).to_owned());
            for l in 0..net.depth() {
                sum_b[l] = &sum_b[l] + &nb[l];
                sum_w[l] = &sum_w[l] + &nw[l];
            }
        }
        for l in 0..net.depth() {
            let err_b = max_rel_diff(g.nabla_b[l].as_slice().unwrap(), sum_b[l].as_slice().unwrap(), 1e-12);
            let err_w = max_rel_diff(&flat(&g.nabla_w[l]), &flat(&sum_w[l]), 1e-12);
            // The residual nets are deeper (6 layers, three sums of two gradient paths): their
            // two orders of summation part further (measured 2.4e-12 at worst).
            let tolerance = if residual { 1e-11 } else { 1e-12 };
            assert!(err_b < tolerance && err_w < tolerance, "{cost:?} {f:?} residual {residual} layer {l}: {err_b:e} {err_w:e}");
            // Not vacuous: every layer's gradient is far from zero.
            assert!(flat(&sum_w[l]).iter().fold(0.0f64, |m, v| m.max(v.abs())) > 1e-3, "{cost:?} {f:?} layer {l}");
        }
        // The bias-only pass of the probes is the same backward pass: in one chunk it
        // gives the same bits; in uneven chunks the sums are added in another order.
        let whole = net.bias_gradient_sum(x.view(), y.view(), x.nrows()).unwrap();
        let chunked = net.bias_gradient_sum(x.view(), y.view(), 4).unwrap();
        for l in 0..net.depth() {
            assert_eq!(whole[l], g.nabla_b[l], "{cost:?} layer {l}");
            assert!(max_rel_diff(chunked[l].as_slice().unwrap(), sum_b[l].as_slice().unwrap(), 1e-12) < 1e-12);
        }
        // And the batched feedforward against network2's, example by example.
        let a = net.feedforward(x.view()).unwrap();
        for r in 0..x.nrows() {
            let want = network2::feedforward(&net, &x.row(r).to_owned());
            let err = max_rel_diff(&a.row(r).to_vec(), want.as_slice().unwrap(), 1e-12);
            // Skip connections add a rounding per layer (a + f(z)) over a deeper net.
            let tolerance = if residual { 1e-13 } else { 1e-14 };
            assert!(err < tolerance, "{cost:?} {f:?} residual {residual} row {r}: {err:e}");
        }
    }
}

/// The book's output error (BP1) for each cost: cross-entropy's δ = a − y has no σ′ in
/// it (book eq. 66), the quadratic cost's does (eq. 30).
#[test]
fn cost_delta_is_bp1() {
    let z = ndarray::array![-2.0, 0.0, 3.0];
    let a = z.mapv(sigmoid);
    let y = ndarray::array![0.0, 1.0, 0.0];
    let ce = Cost::CrossEntropy.delta(&z, &a, &y);
    let q = Cost::Quadratic.delta(&z, &a, &y);
    for j in 0..3 {
        assert_eq!(ce[j], a[j] - y[j]);
        let sp = sigmoid(z[j]) * (1.0 - sigmoid(z[j]));
        assert!((q[j] - (a[j] - y[j]) * sp).abs() <= 1e-16, "{j}: {} vs {}", q[j], (a[j] - y[j]) * sp);
    }
    assert_eq!(q[1], -0.125); // (½ − 1) · σ′(0) = −½ · ¼
}

/// A matrix's entries in logical (row-major) order, whatever its memory layout.
fn flat(m: &Array2<f64>) -> Vec<f64> {
    m.iter().copied().collect()
}
