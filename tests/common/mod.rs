//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod idx;

use gradlab::{Cost, Network, Rng};
use ndarray::{Array1, Array2};

/// A network with non-trivial random weights and biases: N(0, 1) weights (the "large"
/// initialisation) so that no gradient is degenerate (Karpathy: never check a backward
/// pass from all-zero weights).
pub fn random_net(sizes: &[usize], cost: Cost, seed: u64) -> Network<f64> {
    let mut rng = Rng::new(seed);
    Network::new(sizes, gradlab::Init::Large, 1.0, cost, &mut rng).unwrap()
}

/// Random inputs in [0, 1) and random targets: one-hot rows.
pub fn random_batch(rows: usize, inputs: usize, outputs: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = Rng::new(seed);
    let x = Array2::from_shape_fn((rows, inputs), |_| rng.uniform());
    let mut y = Array2::zeros((rows, outputs));
    for r in 0..rows {
        y[[r, rng.below(outputs as u64) as usize]] = 1.0;
    }
    (x, y)
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// network2's `backprop` for one example, written with plain loops over column vectors,
/// as an independent reference for the batched matrix code. Returns (nabla_b, nabla_w).
pub fn reference_backprop(w: &[Array2<f64>], b: &[Array1<f64>], cost: Cost, x: &[f64], y: &[f64]) -> (Vec<Vec<f64>>, Vec<Vec<Vec<f64>>>) {
    let big_l = w.len();
    let mut activations = vec![x.to_vec()];
    for l in 0..big_l {
        let a_prev = &activations[l];
        let a: Vec<f64> = (0..w[l].nrows())
            .map(|j| {
                let z: f64 = (0..w[l].ncols()).map(|k| w[l][[j, k]] * a_prev[k]).sum::<f64>() + b[l][j];
                sigmoid(z)
            })
            .collect();
        activations.push(a);
    }
    let mut delta: Vec<f64> = activations[big_l]
        .iter()
        .zip(y)
        .map(|(&a, &y)| match cost {
            Cost::CrossEntropy => a - y,
            Cost::Quadratic => (a - y) * a * (1.0 - a),
        })
        .collect();
    let mut nabla_b = vec![Vec::new(); big_l];
    let mut nabla_w = vec![Vec::new(); big_l];
    for l in (0..big_l).rev() {
        nabla_b[l] = delta.clone();
        nabla_w[l] = delta.iter().map(|&d| activations[l].iter().map(|&a| d * a).collect()).collect();
        if l > 0 {
            delta = (0..w[l].ncols())
                .map(|k| {
                    let s: f64 = (0..w[l].nrows()).map(|j| w[l][[j, k]] * delta[j]).sum();
                    let a = activations[l][k];
                    s * a * (1.0 - a)
                })
                .collect();
        }
    }
    (nabla_b, nabla_w)
}

/// network2's `update_mini_batch`, per example with plain loops.
pub fn reference_update(w: &mut [Array2<f64>], b: &mut [Array1<f64>], cost: Cost, batch: &[(Vec<f64>, Vec<f64>)], eta: f64, lmbda: f64, n: usize) {
    let big_l = w.len();
    let mut sum_b: Vec<Vec<f64>> = b.iter().map(|b| vec![0.0; b.len()]).collect();
    let mut sum_w: Vec<Vec<Vec<f64>>> = w.iter().map(|w| vec![vec![0.0; w.ncols()]; w.nrows()]).collect();
    for (x, y) in batch {
        let (nb, nw) = reference_backprop(w, b, cost, x, y);
        for l in 0..big_l {
            for j in 0..nb[l].len() {
                sum_b[l][j] += nb[l][j];
                for k in 0..nw[l][j].len() {
                    sum_w[l][j][k] += nw[l][j][k];
                }
            }
        }
    }
    let m = batch.len() as f64;
    for l in 0..big_l {
        for j in 0..w[l].nrows() {
            for k in 0..w[l].ncols() {
                w[l][[j, k]] = (1.0 - eta * (lmbda / n as f64)) * w[l][[j, k]] - (eta / m) * sum_w[l][j][k];
            }
            b[l][j] -= (eta / m) * sum_b[l][j];
        }
    }
}

/// Largest relative difference |a − b| / max(|a|, |b|), counting pairs below `floor`
/// in size by their absolute difference instead.
pub fn max_rel_diff(a: &[f64], b: &[f64], floor: f64) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(&a, &b)| {
            let scale = a.abs().max(b.abs());
            if scale < floor { (a - b).abs() / floor } else { (a - b).abs() / scale }
        })
        .fold(0.0, f64::max)
}
