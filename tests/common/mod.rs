//! Helpers shared by the integration tests. The per-example transcription of network2
//! that the batched code is checked against is the library's own book module,
//! `gradlab::network2`.
#![allow(dead_code)]

pub mod idx;
pub mod subset;

use gradlab::data::Dataset;
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

/// σ(z) = 1 / (1 + e^{−z}) (book eq. 3), written out here so that hand-worked tests
/// do not depend on the library's own.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Largest relative difference |a − b| / max(|a|, |b|), counting pairs below `floor`
/// in size by their absolute difference instead.
pub fn max_rel_diff(a: &[f64], b: &[f64], floor: f64) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(&a, &b)| {
            let scale = a.abs().max(b.abs());
            if scale < floor {
                (a - b).abs() / floor
            } else {
                (a - b).abs() / scale
            }
        })
        .fold(0.0, f64::max)
}

/// A small synthetic image set: `n` images of `side×side` bytes, ~70 % zeros like MNIST.
pub fn synthetic(n: usize, side: usize, classes: u8, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let images: Vec<u8> = (0..n * side * side).map(|_| if rng.uniform() < 0.7 { 0 } else { rng.below(256) as u8 }).collect();
    let labels: Vec<u8> = (0..n).map(|_| rng.below(classes as u64) as u8).collect();
    Dataset::new(images, labels, side, side).unwrap()
}

/// The examples of `data` as network2 takes them: pixels / 255 and one-hot targets of `classes`.
pub fn book_examples(data: &Dataset, classes: usize) -> Vec<(Array1<f64>, Array1<f64>)> {
    (0..data.len())
        .map(|i| {
            let x = data.image(i).iter().map(|&p| p as f64 / 255.0).collect();
            let mut y = Array1::zeros(classes);
            y[data.label(i) as usize] = 1.0;
            (x, y)
        })
        .collect()
}
