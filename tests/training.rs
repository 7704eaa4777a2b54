//! The training step against the book's `update_mini_batch` (`gradlab::network2`), the
//! sparse step against the dense one, and a small network worked by the book's equations
//! by hand.

mod common;
use common::*;
use gradlab::data::Dataset;
use gradlab::network::Workspace;
use gradlab::train::{sgd_step, sgd_step_sparse, to_matrices, SparseRows, TrainError, MAX_SPARSE_WIDTH};
use gradlab::{network2, Activation, Cost, Network, Rng, TrainConfig, Trainer};
use ndarray::{array, Array1, Array2};

#[test]
fn trainer_matches_network2_update_without_shuffling() {
    let sigmoid_cases =
        [(Cost::CrossEntropy, 5, Activation::Sigmoid), (Cost::Quadratic, 4, Activation::Sigmoid), (Cost::CrossEntropy, 30, Activation::Sigmoid)];
    let other_cases =
        [Activation::Tanh, Activation::Relu, Activation::LeakyRelu].into_iter().flat_map(|f| [(Cost::CrossEntropy, 5, f), (Cost::Quadratic, 4, f)]);
    // And with skip connections (layers 2 and 3 of [16, 7, 7, 7, 3]), every activation.
    let residual_cases = Activation::ALL.into_iter().map(|f| (Cost::CrossEntropy, 5, f, true));
    let cases = sigmoid_cases.into_iter().chain(other_cases).map(|(c, m, f)| (c, m, f, false)).chain(residual_cases);
    for (cost, m, f, residual) in cases {
        let data = synthetic(23, 4, 3, 9); // 23 = not a multiple of m: a short last batch
        let sizes: &[usize] = if residual { &[16, 7, 7, 7, 3] } else { &[16, 7, 5, 3] };
        let net = random_net(sizes, cost, 5).with_activation(f).with_residual(residual);
        let (eta, lmbda) = (0.5, 2.0);
        let config = TrainConfig { mini_batch_size: m, eta, lambda: lmbda, shuffle: false };
        let mut trainer = Trainer::new(net.clone(), config, Rng::new(0), &data).unwrap();
        trainer.run_epoch().unwrap();
        trainer.run_epoch().unwrap();

        // network2's SGD without shuffling: update_mini_batch over consecutive slices.
        let mut book = net.clone();
        let examples = book_examples(&data, 3);
        for _epoch in 0..2 {
            for mini_batch in examples.chunks(m) {
                network2::update_mini_batch(&mut book, mini_batch, eta, lmbda, data.len());
            }
        }
        let (w, b) = (book.weights(), book.biases());
        for l in 0..net.depth() {
            let got: Vec<f64> = trainer.net.weights()[l].iter().copied().collect();
            let want: Vec<f64> = w[l].iter().copied().collect();
            let err = max_rel_diff(&got, &want, 1e-9);
            assert!(err < 1e-11, "{cost:?} {f:?} m={m} layer {l} weights: {err:e}");
            let err = max_rel_diff(trainer.net.biases()[l].as_slice().unwrap(), b[l].as_slice().unwrap(), 1e-9);
            assert!(err < 1e-11, "{cost:?} {f:?} m={m} layer {l} biases: {err:e}");
        }
        // The parameters did move: the comparison is not between two untouched networks.
        assert!(max_rel_diff(trainer.net.biases()[0].as_slice().unwrap(), net.biases()[0].as_slice().unwrap(), 1e-9) > 1e-3);
    }
}

/// The sparse first layer against the dense step: the same sums in another order (and
/// with fused multiply-adds where the CPU has them), so equal to rounding, 1e-12 in f64.
#[test]
fn sparse_and_dense_steps_agree() {
    for f in Activation::ALL {
        let data = synthetic(12, 5, 4, 2);
        let net = random_net(&[25, 30, 4], Cost::CrossEntropy, 8).with_activation(f); // width 30: the specialised kernel
        let batch: Vec<usize> = vec![3, 0, 7, 11, 5];
        let x = SparseRows::<f64>::from_dataset(&data);
        let (xd, yd) = to_matrices::<f64>(&data, 4);
        let mut y = Array2::zeros((5, 4));
        let mut ws_dense = Workspace::new(net.sizes(), 5);
        for (r, &i) in batch.iter().enumerate() {
            y.row_mut(r).assign(&yd.row(i));
            ws_dense.input_mut().row_mut(r).assign(&xd.row(i));
        }
        let mut dense = net.clone();
        sgd_step(&mut dense, &mut ws_dense, &y, 5, 0.3, 1.5, 12);
        let mut sparse = net.clone();
        // The trainer's buffers: no dense a^0 at all.
        let mut ws = Workspace::without_input(net.sizes(), 5);
        sgd_step_sparse(&mut sparse, &mut ws, &x, &batch, &y, 0.3, 1.5, 12);
        for l in 0..2 {
            let a: Vec<f64> = dense.weights()[l].iter().copied().collect();
            let b: Vec<f64> = sparse.weights()[l].iter().copied().collect();
            assert!(max_rel_diff(&a, &b, 1e-9) < 1e-12, "{f:?} layer {l}");
            assert!(max_rel_diff(dense.biases()[l].as_slice().unwrap(), sparse.biases()[l].as_slice().unwrap(), 1e-9) < 1e-12);
            // Not two untouched networks.
            let before: Vec<f64> = net.weights()[l].iter().copied().collect();
            assert!(max_rel_diff(&a, &before, 1e-9) > 1e-6, "{f:?} layer {l} did not move");
        }
    }
}

/// The sparse rows hold exactly the dense inputs: the same floats at the non-zero
/// pixels, and nothing else.
#[test]
fn sparse_rows_hold_the_dense_inputs_exactly() {
    let data = synthetic(9, 6, 3, 5);
    let x = SparseRows::<f32>::from_dataset(&data);
    let (dense, _) = to_matrices::<f32>(&data, 3);
    assert_eq!((x.rows(), x.width()), (9, 36));
    for r in 0..9 {
        let mut row = Array1::<f32>::zeros(36);
        for (p, v) in x.row(r) {
            assert_ne!(v, 0.0);
            row[p] = v;
        }
        assert_eq!(row, dense.row(r));
    }
}

#[test]
fn images_too_wide_for_the_sparse_rows_are_refused() {
    let side = 257; // 66,049 pixels
    assert!(side * side > MAX_SPARSE_WIDTH);
    let data = Dataset::new(vec![1; side * side], vec![0], side, side).unwrap();
    let net = random_net(&[side * side, 1, 2], Cost::CrossEntropy, 1);
    let e = Trainer::new(net, TrainConfig::default(), Rng::new(0), &data).unwrap_err();
    assert_eq!(e, TrainError::TooWide(side * side));
    assert!(e.to_string().contains("66049 pixels"), "{e}");
}

/// A [2, 2, 1] network with cross-entropy cost, worked through the book's equations one
/// number at a time (BP1–BP4, eq. 93–94), for one example and one SGD step.
#[test]
fn hand_worked_two_two_one() {
    let s = sigmoid;
    let (w1, b1) = (array![[0.5, -0.3], [0.8, 0.2]], array![0.1, -0.2]);
    let (w2, b2) = (array![[1.5, -2.0]], array![0.3]);
    let net = Network::from_parts(vec![2, 2, 1], vec![w1, w2], vec![b1, b2], Cost::CrossEntropy).unwrap();
    let (x1, x2, y) = (1.0, 0.5, 1.0);

    // Forward: z¹ = w¹x + b¹, a¹ = σ(z¹); z² = w²a¹ + b², a² = σ(z²).
    let z11 = 0.5 * x1 + -0.3 * x2 + 0.1; // 0.45
    let z12 = 0.8 * x1 + 0.2 * x2 - 0.2; // 0.7
    let (a11, a12) = (s(z11), s(z12));
    let z2 = 1.5 * a11 - 2.0 * a12 + 0.3;
    let a2 = s(z2);
    // BP1 with cross-entropy: δ² = a² − y.  BP2: δ¹_j = w²_j δ² σ′(z¹_j).
    let d2 = a2 - y;
    let d11 = 1.5 * d2 * a11 * (1.0 - a11);
    let d12 = -2.0 * d2 * a12 * (1.0 - a12);
    // BP3/BP4: ∂C/∂b = δ, ∂C/∂w_jk = a_k δ_j.
    let g = net.gradient(array![[x1, x2]].view(), array![[y]].view()).unwrap();
    let close = |a: f64, b: f64| assert!((a - b).abs() <= 1e-15 * b.abs().max(1.0), "{a} vs {b}");
    close(g.nabla_b[1][0], d2);
    close(g.nabla_w[1][[0, 0]], a11 * d2);
    close(g.nabla_w[1][[0, 1]], a12 * d2);
    close(g.nabla_b[0][0], d11);
    close(g.nabla_b[0][1], d12);
    close(g.nabla_w[0][[0, 0]], x1 * d11);
    close(g.nabla_w[0][[0, 1]], x2 * d11);
    close(g.nabla_w[0][[1, 0]], x1 * d12);
    close(g.nabla_w[0][[1, 1]], x2 * d12);
    // The numbers themselves, worked separately with a calculator (Python's math module):
    // a¹ = (0.610639, 0.668188), a² = σ(−0.120418) = 0.469932, δ² = −0.530068,
    // δ¹ = (−0.189043, 0.235046).
    assert!((a2 - 0.469_932_150).abs() < 1e-9, "a² = {a2}");
    assert!((d11 - -0.189_042_571).abs() < 1e-9, "δ¹_1 = {d11}");
    assert!((d12 - 0.235_045_732).abs() < 1e-9, "δ¹_2 = {d12}");

    // One SGD step on a one-example training set (n = m = 1), η = 0.5, λ = 0.1.
    let (eta, lmbda) = (0.5, 0.1);
    let data = Dataset::new(vec![255, 0], vec![0], 1, 2).unwrap(); // x = (1, 0), label 0
    let net1 = Network::from_parts(vec![2, 2, 1], net.weights().to_vec(), net.biases().to_vec(), Cost::CrossEntropy).unwrap();
    let mut t = Trainer::new(net1, TrainConfig { mini_batch_size: 1, eta, lambda: lmbda, shuffle: false }, Rng::new(0), &data).unwrap();
    // w ← (1 − ηλ/n) w − (η/m) ∂C/∂w with n = m = 1.
    let decay1 = 1.0 - eta * lmbda;
    t.run_epoch().unwrap();
    let (x1, x2, y) = (1.0, 0.0, 1.0);
    let z11 = 0.5 * x1 + -0.3 * x2 + 0.1;
    let z12 = 0.8 * x1 + 0.2 * x2 - 0.2;
    let (a11, a12) = (s(z11), s(z12));
    let a2 = s(1.5 * a11 - 2.0 * a12 + 0.3);
    let d2 = a2 - y;
    let d11 = 1.5 * d2 * a11 * (1.0 - a11);
    let d12 = -2.0 * d2 * a12 * (1.0 - a12);
    let w = t.net.weights();
    let b = t.net.biases();
    close(w[1][[0, 0]], decay1 * 1.5 - eta * a11 * d2);
    close(w[1][[0, 1]], decay1 * -2.0 - eta * a12 * d2);
    close(b[1][0], 0.3 - eta * d2);
    close(w[0][[0, 0]], decay1 * 0.5 - eta * x1 * d11);
    close(w[0][[0, 1]], decay1 * -0.3); // x2 = 0: only the decay
    close(w[0][[1, 0]], decay1 * 0.8 - eta * x1 * d12);
    close(b[0][0], 0.1 - eta * d11);
    close(b[0][1], -0.2 - eta * d12);
}

#[test]
fn same_seed_same_numbers_different_seed_different_numbers() {
    let data = synthetic(40, 4, 3, 1);
    let run = |seed: u64| {
        let (net, rng) = gradlab::experiments::seeded_network::<f32>(&[16, 8, 8, 3], gradlab::Init::Scaled, 1.0, seed).unwrap();
        let mut t = Trainer::new(net, TrainConfig { mini_batch_size: 3, ..TrainConfig::default() }, rng, &data).unwrap();
        t.run_epoch().unwrap();
        t.run_epoch().unwrap();
        gradlab::network2_json::to_json(&t.net)
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42), run(43));
}

#[test]
fn shuffling_changes_the_order_and_no_shuffle_does_not() {
    let data = synthetic(30, 4, 3, 4);
    let run = |shuffle: bool, seed: u64| {
        let net = random_net(&[16, 5, 3], Cost::CrossEntropy, 1);
        let mut t = Trainer::new(net, TrainConfig { mini_batch_size: 2, eta: 0.5, lambda: 0.0, shuffle }, Rng::new(seed), &data).unwrap();
        t.run_epoch().unwrap();
        gradlab::network2_json::to_json(&t.net)
    };
    assert_eq!(run(false, 1), run(false, 2), "without shuffling the seed must not matter");
    assert_ne!(run(true, 1), run(true, 2));
    assert_ne!(run(true, 1), run(false, 1));
}

#[test]
fn bad_hyper_parameters_are_refused_with_the_value() {
    let data = synthetic(5, 2, 2, 1);
    let net = random_net(&[4, 3, 2], Cost::CrossEntropy, 1);
    for (config, msg) in [
        (TrainConfig { mini_batch_size: 0, ..TrainConfig::default() }, "mini-batch size must be between 1"),
        (TrainConfig { eta: -1.0, ..TrainConfig::default() }, "η must be a positive finite number, but is -1"),
        (TrainConfig { eta: f64::NAN, ..TrainConfig::default() }, "but is NaN"),
        (TrainConfig { lambda: -0.5, ..TrainConfig::default() }, "λ must be a finite number ≥ 0, but is -0.5"),
    ] {
        let e = Trainer::new(net.clone(), config, Rng::new(0), &data).unwrap_err();
        assert!(e.to_string().contains(msg), "{e}");
    }
    let wrong = random_net(&[5, 3, 2], Cost::CrossEntropy, 1);
    let e = Trainer::new(wrong, TrainConfig::default(), Rng::new(0), &data).unwrap_err();
    assert_eq!(e.to_string(), "the images have 4 pixels, but the network's input layer has 5 neurons");
    let few = random_net(&[4, 3, 1], Cost::CrossEntropy, 1);
    let labels = Dataset::new(vec![0; 8], vec![0, 1], 2, 2).unwrap();
    let e = Trainer::new(few, TrainConfig::default(), Rng::new(0), &labels).unwrap_err();
    assert!(e.to_string().contains("label 1"), "{e}");
}

#[test]
fn exploding_training_stops_with_a_clear_error() {
    let data = synthetic(20, 4, 3, 3);
    let mut rng = Rng::new(1);
    // η near the largest f32: the first updates overflow the weights to ±∞, then NaN.
    let net = Network::<f32>::new(&[16, 10, 10, 3], gradlab::Init::Large, 1.0, Cost::CrossEntropy, &mut rng).unwrap();
    let mut t = Trainer::new(net, TrainConfig { mini_batch_size: 2, eta: 3e38, lambda: 0.0, shuffle: true }, rng, &data).unwrap();
    let e = t.run_epoch().unwrap_err();
    assert!(e.to_string().starts_with("training diverged in epoch 1"), "{e}");
}
