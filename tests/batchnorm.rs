//! Batch normalisation: the forward pass against one written out here, the gradient
//! through the batch's statistics against finite differences (f64, every activation, both
//! costs, with and without skip connections), the evaluation mode likewise, the sparse
//! training step against the dense one, and the running statistics.

mod common;
use common::*;
use gradlab::batchnorm::{BatchNorm, EPSILON};
use gradlab::network::Workspace;
use gradlab::train::{sgd_step, sgd_step_sparse, to_matrices, SparseRows, TrainError};
use gradlab::{Activation, Cost, Network, Rng, TrainConfig, Trainer};
use ndarray::{Array1, Array2, Axis};

const H: f64 = 1e-4;

fn five_point(c: impl Fn(f64) -> f64) -> f64 {
    (-c(2.0 * H) + 8.0 * c(H) - 8.0 * c(-H) + c(-2.0 * H)) / (12.0 * H)
}

/// The forward pass of a batch-normalised network written out with plain loops:
/// returns (Σ cost, smallest |y| of a hidden layer — the ReLUs' distance from their kink).
fn reference_forward(net: &Network<f64>, x: &Array2<f64>, y: &Array2<f64>, batch_stats: bool) -> (f64, f64) {
    let f = net.activation();
    let mut a = x.clone();
    let mut margin = f64::INFINITY;
    let depth = net.depth();
    for l in 0..depth {
        let (w, b) = (&net.weights()[l], &net.biases()[l]);
        let mut z = a.dot(&w.t());
        if l + 1 < depth {
            let bn = &net.norms()[l];
            let m = z.nrows() as f64;
            for j in 0..z.ncols() {
                let col: Vec<f64> = z.column(j).to_vec();
                let (mu, var) = if batch_stats {
                    let mu = col.iter().sum::<f64>() / m;
                    (mu, col.iter().map(|v| (v - mu) * (v - mu)).sum::<f64>() / m)
                } else {
                    (bn.mean[j], bn.var[j])
                };
                for r in 0..z.nrows() {
                    let yv = bn.gamma[j] * (z[[r, j]] - mu) / (var + EPSILON).sqrt() + b[j];
                    margin = margin.min(yv.abs());
                    z[[r, j]] = f.f(yv);
                }
            }
            a = if net.skips(l) { &a + &z } else { z };
        } else {
            a = (z + b).mapv(sigmoid);
        }
    }
    let cost = a.outer_iter().zip(y.outer_iter()).map(|(a, y)| net.cost().value(&a.to_vec(), &y.to_vec())).sum();
    (cost, margin)
}

/// A batch-normalised network with γ ≠ 1 and non-trivial running statistics.
fn bn_net(sizes: &[usize], cost: Cost, f: Activation, residual: bool, seed: u64) -> Network<f64> {
    let mut net = random_net(sizes, cost, seed).with_activation(f).with_residual(residual).with_batch_norm(true);
    let mut rng = Rng::new(seed + 7);
    let norms = sizes[1..sizes.len() - 1]
        .iter()
        .map(|&n| BatchNorm {
            gamma: Array1::from_shape_fn(n, |_| 0.5 + rng.uniform()),
            mean: Array1::from_shape_fn(n, |_| rng.normal()),
            var: Array1::from_shape_fn(n, |_| 0.5 + 2.0 * rng.uniform()),
        })
        .collect();
    net.set_norms(norms).unwrap();
    net
}

/// Every parameter perturbed in turn: (layer, kind, index) with kind 0 = w, 1 = b/β, 2 = γ.
fn perturbed(net: &Network<f64>, l: usize, kind: usize, i: usize, h: f64) -> Network<f64> {
    let (mut w, mut b, mut norms) = (net.weights().to_vec(), net.biases().to_vec(), net.norms().to_vec());
    match kind {
        0 => {
            let cols = w[l].ncols();
            w[l][[i / cols, i % cols]] += h;
        }
        1 => b[l][i] += h,
        _ => norms[l].gamma[i] += h,
    }
    let mut n = Network::from_parts(net.sizes().to_vec(), w, b, net.cost())
        .unwrap()
        .with_activation(net.activation())
        .with_residual(net.residual())
        .with_batch_norm(true);
    n.set_norms(norms).unwrap();
    n
}

#[allow(clippy::needless_range_loop)]
fn check(net: &Network<f64>, batch_stats: bool, seed: u64) {
    let sizes = net.sizes().to_vec();
    let (x, y) = random_batch(7, sizes[0], *sizes.last().unwrap(), seed);
    let (ref_cost, margin) = reference_forward(net, &x, &y, batch_stats);
    let cost = |n: &Network<f64>| if batch_stats { n.batch_cost_sum(x.view(), y.view()).unwrap() } else { n.cost_sum(x.view(), y.view()).unwrap() };
    let c0 = cost(net);
    assert!((c0 - ref_cost).abs() <= 1e-12 * ref_cost.abs(), "forward: {c0} vs the written-out {ref_cost}");
    let kinked = matches!(net.activation(), Activation::Relu | Activation::LeakyRelu);
    assert!(!kinked || margin > 100.0 * H, "a hidden y is {margin:e} from the kink");
    let (g, nabla_gamma) = if batch_stats { net.batch_gradient(x.view(), y.view()).unwrap() } else { (net.gradient(x.view(), y.view()).unwrap(), Vec::new()) };
    let (mut analytic, mut numeric) = (Vec::new(), Vec::new());
    for l in 0..net.depth() {
        for i in 0..net.weights()[l].len() {
            analytic.push(g.nabla_w[l][[i / net.weights()[l].ncols(), i % net.weights()[l].ncols()]]);
            numeric.push(five_point(|h| cost(&perturbed(net, l, 0, i, h))));
        }
        for i in 0..net.biases()[l].len() {
            analytic.push(g.nabla_b[l][i]);
            numeric.push(five_point(|h| cost(&perturbed(net, l, 1, i, h))));
        }
        if batch_stats && l + 1 < net.depth() {
            for i in 0..net.norms()[l].gamma.len() {
                analytic.push(nabla_gamma[l][i]);
                numeric.push(five_point(|h| cost(&perturbed(net, l, 2, i, h))));
            }
        }
    }
    let err = max_rel_diff(&analytic, &numeric, 1e-4);
    assert!(err < 1e-6, "{:?} {:?} residual {} batch {batch_stats}: max relative error {err:e}", net.cost(), net.activation(), net.residual());
    let largest = analytic.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    // Far above the 1e-10 the quotient resolves (the quadratic cost with a saturated
    // output gives the smallest, 3.4e-3).
    assert!(largest > 1e-3, "not vacuous: {largest:e} for {:?} {:?}", net.cost(), net.activation());
}

/// The first seed from `base` whose hidden y all stay ≥ 100h from the ReLUs' kink.
fn seed_away_from_kink(base: u64, make: impl Fn(u64) -> Network<f64>, batch_stats: bool) -> u64 {
    (base..base + 200)
        .find(|&s| {
            let net = make(s);
            let (x, y) = random_batch(7, net.sizes()[0], *net.sizes().last().unwrap(), s);
            reference_forward(&net, &x, &y, batch_stats).1 > 100.0 * H
        })
        .expect("a seed away from the kink")
}

#[test]
fn gradient_through_the_batch_statistics_equals_finite_differences() {
    for f in Activation::ALL {
        for cost in [Cost::CrossEntropy, Cost::Quadratic] {
            for residual in [false, true] {
                let sizes = [4, 3, 3, 2];
                let make = |s: u64| bn_net(&sizes, cost, f, residual, s);
                let seed = seed_away_from_kink(100, make, true);
                check(&make(seed), true, seed);
            }
        }
    }
}

#[test]
fn gradient_with_the_running_statistics_equals_finite_differences() {
    for f in Activation::ALL {
        for cost in [Cost::CrossEntropy, Cost::Quadratic] {
            let sizes = [4, 3, 3, 2];
            let make = |s: u64| bn_net(&sizes, cost, f, true, s);
            let seed = seed_away_from_kink(300, make, false);
            check(&make(seed), false, seed);
        }
    }
}

/// With the batch's statistics the bias b before the normalisation would have no effect:
/// so the layer's bias is β, after it, and ∂C/∂w sums to zero over each row's inputs' mean…
/// simplest to state: shifting every z of a unit by a constant changes nothing.
#[test]
fn a_shift_before_the_normalisation_changes_nothing() {
    let net = bn_net(&[5, 4, 3], Cost::CrossEntropy, Activation::Sigmoid, false, 3);
    let (x, y) = random_batch(9, 5, 3, 4);
    let c = net.batch_cost_sum(x.view(), y.view()).unwrap();
    // x → x + 1 on one input adds w_j1 to every z_j: absorbed by the batch mean.
    let mut shifted = x.clone();
    shifted.column_mut(2).mapv_inplace(|v| v + 1.0);
    let c2 = net.batch_cost_sum(shifted.view(), y.view()).unwrap();
    assert!((c - c2).abs() < 1e-12 * c, "{c} vs {c2}");
    // …but not with the running statistics.
    assert!((net.cost_sum(x.view(), y.view()).unwrap() - net.cost_sum(shifted.view(), y.view()).unwrap()).abs() > 1e-3);
}

#[test]
fn sparse_and_dense_steps_agree_with_batch_norm() {
    for f in Activation::ALL {
        let data = synthetic(12, 5, 4, 2);
        let net = bn_net(&[25, 30, 30, 4], Cost::CrossEntropy, f, true, 8);
        let batch: Vec<usize> = vec![3, 0, 7, 11, 5];
        let (xs, ys) = to_matrices::<f64>(&data, 4);
        let m = batch.len();
        let mut dense = net.clone();
        let mut ws = Workspace::new(net.sizes(), m).for_residual(true).for_batch_norm(true);
        let mut y = Array2::zeros((m, 4));
        for (r, &i) in batch.iter().enumerate() {
            ws.input_mut().row_mut(r).assign(&xs.row(i));
            y.row_mut(r).assign(&ys.row(i));
        }
        sgd_step(&mut dense, &mut ws, &y, m, 0.5, 2.0, 12);
        let mut sparse = net.clone();
        let mut ws2 = Workspace::without_input(net.sizes(), m).for_residual(true).for_batch_norm(true);
        sgd_step_sparse(&mut sparse, &mut ws2, &SparseRows::from_dataset(&data), &batch, &y, 0.5, 2.0, 12);
        for l in 0..net.depth() {
            let (a, b): (Vec<f64>, Vec<f64>) = (dense.weights()[l].iter().copied().collect(), sparse.weights()[l].iter().copied().collect());
            assert!(max_rel_diff(&a, &b, 1e-12) < 1e-12, "{f:?} layer {l} weights");
            assert!(max_rel_diff(dense.biases()[l].as_slice().unwrap(), sparse.biases()[l].as_slice().unwrap(), 1e-12) < 1e-12);
        }
        for (d, s) in dense.norms().iter().zip(sparse.norms()) {
            assert!(max_rel_diff(d.gamma.as_slice().unwrap(), s.gamma.as_slice().unwrap(), 1e-12) < 1e-12);
            assert!(max_rel_diff(d.mean.as_slice().unwrap(), s.mean.as_slice().unwrap(), 1e-12) < 1e-12);
            assert!(max_rel_diff(d.var.as_slice().unwrap(), s.var.as_slice().unwrap(), 1e-12) < 1e-12);
        }
        // The step moved γ and the running statistics: the comparison is not vacuous.
        assert_ne!(sparse.norms()[0].gamma, net.norms()[0].gamma);
        assert_ne!(sparse.norms()[1].mean, net.norms()[1].mean);
        // And one step of the dense path is one step of SGD on the batch gradient.
        let (g, ng) = net.batch_gradient(xs.select(Axis(0), &batch).view(), y.view()).unwrap();
        let step = 0.5 / m as f64;
        let want_gamma = &net.norms()[0].gamma - &(ng[0].clone() * step);
        assert!(max_rel_diff(want_gamma.as_slice().unwrap(), dense.norms()[0].gamma.as_slice().unwrap(), 1e-12) < 1e-12);
        let want_beta = &net.biases()[1] - &(g.nabla_b[1].clone() * step);
        assert!(max_rel_diff(want_beta.as_slice().unwrap(), dense.biases()[1].as_slice().unwrap(), 1e-12) < 1e-12);
    }
}

#[test]
fn running_statistics_follow_the_data_and_a_batch_of_one_is_refused() {
    let data = synthetic(400, 4, 3, 5);
    let net = random_net(&[16, 6, 6, 3], Cost::CrossEntropy, 2).with_batch_norm(true);
    let config = TrainConfig { mini_batch_size: 20, eta: 0.1, lambda: 0.0, shuffle: true };
    let mut t = Trainer::new(net, config, Rng::new(1), &data).unwrap();
    for _ in 0..3 {
        t.run_epoch().unwrap();
    }
    // The running mean of layer 1's z against the mean of z = x wᵀ over the whole data.
    let (xs, _) = to_matrices::<f64>(&data, 3);
    let z = xs.dot(&t.net.weights()[0].t());
    let mean = z.mean_axis(Axis(0)).unwrap();
    let var = z.var_axis(Axis(0), 1.0);
    for j in 0..6 {
        let (rm, rv) = (t.net.norms()[0].mean[j], t.net.norms()[0].var[j]);
        assert!((rm - mean[j]).abs() < 0.25 * var[j].sqrt() + 0.05, "unit {j}: running mean {rm} vs {}", mean[j]);
        assert!(rv > 0.3 * var[j] && rv < 3.0 * var[j], "unit {j}: running variance {rv} vs {}", var[j]);
    }
    let one = TrainConfig { mini_batch_size: 1, ..config };
    assert!(matches!(Trainer::new(t.net.clone(), one, Rng::new(1), &data), Err(TrainError::BatchNormMiniBatch)));
    assert!(matches!(t.set_config(one), Err(TrainError::BatchNormMiniBatch)));
}

/// n = 21 with mini-batches of 10: the last batch holds one example. With batch
/// normalisation it is skipped (its ẑ would all be 0: no weight gradient, only decay, and
/// running variances pulled to 0), as PyTorch's `drop_last`; the epoch still ends. Without
/// batch normalisation the same batch trains, as network2 does.
#[test]
fn a_last_mini_batch_of_one_is_skipped_with_batch_norm_only() {
    let data = synthetic(21, 4, 3, 9);
    let config = TrainConfig { mini_batch_size: 10, eta: 0.5, lambda: 1.0, shuffle: false };
    for batch_norm in [true, false] {
        let net = Network::<f64>::new(&[16, 6, 6, 3], gradlab::Init::Scaled, 1.0, Cost::CrossEntropy, &mut Rng::new(4)).unwrap().with_batch_norm(batch_norm);
        let mut trainer = Trainer::new(net, config, Rng::new(1), &data).unwrap();
        let p = trainer.train_batches(2).unwrap();
        assert_eq!((p.epochs_done, p.position, p.epoch_ended), (0, 20, false));
        let before = trainer.net.clone();
        let p = trainer.train_batches(1).unwrap();
        assert_eq!((p.epochs_done, p.position, p.epoch_ended), (1, 0, true));
        if batch_norm {
            assert_eq!(trainer.net, before, "the batch of one changed the network (weights, β, γ or running statistics)");
        } else {
            assert_ne!(trainer.net.weights(), before.weights(), "without batch norm the last example trains");
        }
    }
    // A whole epoch with it: the running variances stay away from 0.
    let net = Network::<f64>::new(&[16, 6, 6, 3], gradlab::Init::Scaled, 1.0, Cost::CrossEntropy, &mut Rng::new(4)).unwrap().with_batch_norm(true);
    let mut trainer = Trainer::new(net, TrainConfig { shuffle: true, ..config }, Rng::new(2), &data).unwrap();
    for _ in 0..20 {
        trainer.run_epoch().unwrap();
    }
    let smallest = trainer.net.norms().iter().flat_map(|n| n.var.iter().copied()).fold(f64::INFINITY, f64::min);
    assert!(smallest > 1e-3, "a running variance fell to {smallest}");
}
