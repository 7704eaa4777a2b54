//! A network on a data set: the checks that they fit, the examples as matrices, and
//! network2's `accuracy` and `total_cost`. The examples are turned into floats a chunk
//! at a time, straight into the rows the feedforward reads, so a data set stays bytes.

use super::TrainError;
use crate::backprop::{forward, rows_mut};
use crate::batchnorm::{Mode, NormPass};
use crate::data::{Dataset, PIXEL_SCALE};
use crate::network::{Network, Workspace};
use crate::real::Real;
use ndarray::{s, Array1, Array2, ArrayViewMut2};

/// Examples per chunk when a whole data set is evaluated: bounded memory, and as fast as
/// larger chunks (the products are as wide as the network either way).
const CHUNK: usize = 250;

/// Check that a data set fits a network: same input width, labels within the outputs.
pub fn check_data<F: Real>(net: &Network<F>, data: &Dataset) -> Result<(), TrainError> {
    check_first(net, data, data.len())
}

/// [`check_data`] for the first `count` examples of `data`.
pub(crate) fn check_first<F: Real>(net: &Network<F>, data: &Dataset, count: usize) -> Result<(), TrainError> {
    if data.is_empty() || count == 0 {
        return Err(TrainError::EmptyData);
    }
    if data.pixels() != net.input_size() {
        return Err(TrainError::InputWidth { expected: net.input_size(), found: data.pixels() });
    }
    if let Some(&label) = data.labels()[..count.min(data.len())].iter().find(|&&l| l as usize >= net.output_size()) {
        return Err(TrainError::Label { label, outputs: net.output_size() });
    }
    Ok(())
}

/// Copy examples `idx` of `data` into the rows of `x` (pixels scaled to [0, 1]) and their
/// one-hot labels into the rows of `y`.
pub fn fill_batch<F: Real>(data: &Dataset, idx: &[usize], mut x: ArrayViewMut2<F>, mut y: ArrayViewMut2<F>) {
    let scale = F::from_f64_lossy(PIXEL_SCALE);
    y.fill(F::zero());
    for (r, &i) in idx.iter().enumerate() {
        let mut row = x.row_mut(r);
        for (v, &p) in row.iter_mut().zip(data.image(i)) {
            *v = F::from_u8(p).expect("a byte fits any float") * scale;
        }
        y[[r, data.label(i) as usize]] = F::one();
    }
}

/// All examples of `data` as an input matrix and a one-hot target matrix.
pub fn to_matrices<F: Real>(data: &Dataset, classes: usize) -> (Array2<F>, Array2<F>) {
    let n = data.len();
    let mut x = Array2::zeros((n, data.pixels()));
    let mut y = Array2::zeros((n, classes));
    let idx: Vec<usize> = (0..n).collect();
    fill_batch(data, &idx, x.view_mut(), y.view_mut());
    (x, y)
}

/// Feedforward of the first `count` examples of `data`, [`CHUNK`] at a time: calls
/// `each(first, ws, y)` with a^0 … a^L of the chunk's examples in the first rows of
/// `ws` and their one-hot targets `y` (as many rows as the chunk has examples).
fn for_each_chunk<F: Real>(net: &Network<F>, data: &Dataset, count: usize, mut each: impl FnMut(usize, &mut Workspace<F>, &Array2<F>)) {
    let count = count.min(data.len());
    let rows = CHUNK.min(count).max(1);
    let mut ws = net.workspace(rows);
    let mut y = Array2::zeros((rows, net.output_size()));
    let mut start = 0;
    while start < count {
        let end = (start + CHUNK).min(count);
        let (idx, m): (Vec<usize>, usize) = ((start..end).collect(), end - start);
        if m < rows {
            y = Array2::zeros((m, net.output_size()));
        }
        fill_batch(data, &idx, ws.activations[0].slice_mut(s![..m, ..]), y.view_mut());
        let Workspace { activations, skips, norm, .. } = &mut ws;
        let mut pass = NormPass { layers: &net.norms, mode: Mode::Running, buffers: norm };
        forward(&net.weights, &net.biases, net.arch(), &mut rows_mut(activations, m), &mut rows_mut(skips, m), Some(&mut pass), 0);
        each(start, &mut ws, &y);
        start = end;
    }
}

/// Σ_x ∂C_x/∂b^l (BP3) for every layer over the first `count` examples of `data`.
pub(crate) fn bias_gradient_sum<F: Real>(net: &Network<F>, data: &Dataset, count: usize) -> Vec<Array1<F>> {
    let mut sums = net.zero_biases();
    // for_each_chunk has fed the chunk forward: the backward pass alone.
    for_each_chunk(net, data, count, |_, ws, y| net.add_bias_gradient_forwarded(ws, y.view(), &mut sums));
    sums
}

/// [`bias_gradient_sum`] and network2's `total_cost` of the same examples, from one
/// feedforward: the cost is read off the outputs before the backward pass reuses them.
pub(crate) fn bias_gradient_sum_and_cost<F: Real>(net: &Network<F>, data: &Dataset, count: usize, lambda: f64) -> (Vec<Array1<F>>, f64) {
    let mut sums = net.zero_biases();
    let mut cost = F::zero();
    for_each_chunk(net, data, count, |_, ws, y| {
        let a = ws.activations.last().expect("at least one layer");
        cost = net.add_cost(cost, a.slice(s![..y.nrows(), ..]), y.view());
        net.add_bias_gradient_forwarded(ws, y.view(), &mut sums);
    });
    let n = count.min(data.len()) as f64;
    (sums, cost.to_f64_exact() / n + 0.5 * (lambda / n) * net.weight_norm_squared().to_f64_exact())
}

/// Number of examples whose largest output is at the correct label (network2's `accuracy`;
/// ties go to the lowest index, as `np.argmax`).
pub fn accuracy<F: Real>(net: &Network<F>, data: &Dataset) -> Result<usize, TrainError> {
    check_data(net, data)?;
    let mut correct = 0;
    for_each_chunk(net, data, data.len(), |start, ws, y| {
        let a = ws.activations.last().expect("at least one layer");
        for (r, row) in a.outer_iter().take(y.nrows()).enumerate() {
            let mut best = 0;
            for j in 1..row.len() {
                if row[j] > row[best] {
                    best = j;
                }
            }
            if best == data.label(start + r) as usize {
                correct += 1;
            }
        }
    });
    Ok(correct)
}

/// network2's `total_cost`: the mean cost over `data` plus ½(λ/n)Σ‖w‖² with n = |data|.
pub fn total_cost<F: Real>(net: &Network<F>, data: &Dataset, lambda: f64) -> Result<f64, TrainError> {
    check_data(net, data)?;
    let mut sum = F::zero();
    for_each_chunk(net, data, data.len(), |_, ws, y| {
        let a = ws.activations.last().expect("at least one layer");
        sum = net.add_cost(sum, a.slice(s![..y.nrows(), ..]), y.view());
    });
    let n = data.len() as f64;
    Ok(sum.to_f64_exact() / n + 0.5 * (lambda / n) * net.weight_norm_squared().to_f64_exact())
}
