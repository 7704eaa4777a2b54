//! Backpropagation against independent references: central finite differences of the
//! cost, and a per-example loop transcribed from network2's `backprop`.

mod common;
use common::*;
use gradlab::Cost;
use ndarray::Array2;

/// The five-point central difference
/// C′ ≈ (−C(θ+2h) + 8C(θ+h) − 8C(θ−h) + C(θ−2h)) / 12h, whose truncation error is ∝ h⁴:
/// with h = 1e-4 it is ~1e-16, and the rounding error (∝ ε·C/h) is ~1e-11.
const H: f64 = 1e-4;

fn five_point(c: impl Fn(f64) -> f64) -> f64 {
    (-c(2.0 * H) + 8.0 * c(H) - 8.0 * c(-H) + c(-2.0 * H)) / (12.0 * H)
}

fn check_finite_differences(sizes: &[usize], cost: Cost, seed: u64) {
    let net = random_net(sizes, cost, seed);
    let (x, y) = random_batch(7, sizes[0], *sizes.last().unwrap(), seed + 100);
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
    assert!(err < 1e-6, "sizes {sizes:?}, {cost:?}: max relative error {err:e}");
    // Not vacuous: the gradient is far from zero.
    assert!(analytic.iter().map(|v| v.abs()).fold(0.0, f64::max) > 1e-2);
}

fn perturb_bias(net: &mut gradlab::Network<f64>, l: usize, j: usize, h: f64) {
    let (w, mut b) = (net.weights().to_vec(), net.biases().to_vec());
    b[l][j] += h;
    *net = gradlab::Network::from_parts(net.sizes().to_vec(), w, b, net.cost()).unwrap();
}

fn perturb_weight(net: &mut gradlab::Network<f64>, l: usize, j: usize, k: usize, h: f64) {
    let (mut w, b) = (net.weights().to_vec(), net.biases().to_vec());
    w[l][[j, k]] += h;
    *net = gradlab::Network::from_parts(net.sizes().to_vec(), w, b, net.cost()).unwrap();
}

#[test]
fn finite_differences_cross_entropy_several_depths() {
    for (i, sizes) in [vec![4, 3, 2], vec![5, 4, 4, 3], vec![6, 5, 4, 4, 3, 2]].iter().enumerate() {
        check_finite_differences(sizes, Cost::CrossEntropy, 10 + i as u64);
    }
}

#[test]
fn finite_differences_quadratic_several_depths() {
    for (i, sizes) in [vec![4, 3, 2], vec![5, 4, 4, 3], vec![6, 5, 4, 4, 3, 2]].iter().enumerate() {
        check_finite_differences(sizes, Cost::Quadratic, 20 + i as u64);
    }
}

#[test]
fn batched_backprop_equals_per_example_reference() {
    for cost in [Cost::CrossEntropy, Cost::Quadratic] {
        let net = random_net(&[9, 7, 6, 5, 4], cost, 3);
        let (x, y) = random_batch(11, 9, 4, 4);
        let g = net.gradient(x.view(), y.view()).unwrap();
        let mut sum_b: Vec<Vec<f64>> = net.biases().iter().map(|b| vec![0.0; b.len()]).collect();
        let mut sum_w: Vec<Array2<f64>> = net.weights().iter().map(|w| Array2::zeros(w.dim())).collect();
        for r in 0..x.nrows() {
            let (nb, nw) = reference_backprop(net.weights(), net.biases(), cost, &x.row(r).to_vec(), &y.row(r).to_vec());
            for l in 0..net.depth() {
                for j in 0..nb[l].len() {
                    sum_b[l][j] += nb[l][j];
                    for k in 0..nw[l][j].len() {
                        sum_w[l][[j, k]] += nw[l][j][k];
                    }
                }
            }
        }
        for l in 0..net.depth() {
            let err_b = max_rel_diff(g.nabla_b[l].as_slice().unwrap(), &sum_b[l], 1e-12);
            let err_w = max_rel_diff(g.nabla_w[l].as_slice().unwrap(), sum_w[l].as_slice().unwrap(), 1e-12);
            assert!(err_b < 1e-12 && err_w < 1e-12, "{cost:?} layer {l}: {err_b:e} {err_w:e}");
        }
        // And the cheaper bias-only path used by the probes, in uneven chunks.
        let sums = net.bias_gradient_sum(x.view(), y.view(), 4).unwrap();
        for l in 0..net.depth() {
            assert!(max_rel_diff(sums[l].as_slice().unwrap(), &sum_b[l], 1e-12) < 1e-12);
        }
    }
}
