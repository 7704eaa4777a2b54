//! One SGD step on a mini-batch: the batched backward pass of [`crate::backprop`] with
//! network2's update fused into it. The weight update is fused into the matrix product
//! of BP4: `general_mat_mul(−η/m, δᵀ, a, 1 − ηλ/n, w)`, so ∂C/∂w is never stored; it is
//! formed only after δ^{l−1} has been computed from the *old* w^l, so the result is
//! network2's (which computes every gradient before updating).

use super::kernels;
use super::sparse::SparseRows;
use crate::backprop::{apply_in_place, backward, forward, rows_mut};
use crate::batchnorm::{self, Mode, NormPass};
use crate::network::Activation;
use crate::network::{Network, Workspace};
use crate::real::Real;
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, Axis, Zip};

/// One SGD step on a dense mini-batch already in the first `m` rows of
/// `ws.activations[0]` (inputs) and `y` (one-hot targets): backpropagation and the
/// network2 update, fused. `n` is the training-set size. This is the reference path for
/// any input; [`super::Trainer`] uses [`sgd_step_sparse`], which gives the same numbers faster.
pub fn sgd_step<F: Real>(net: &mut Network<F>, ws: &mut Workspace<F>, y: &Array2<F>, m: usize, eta: f64, lambda: f64, n: usize) {
    let Workspace { activations, skips, norm, .. } = ws;
    let mut pass = NormPass { layers: &net.norms, mode: Mode::Batch, buffers: norm };
    forward(&net.weights, &net.biases, net.arch(), &mut rows_mut(activations, m), &mut rows_mut(skips, m), Some(&mut pass), 0);
    backward_and_update(net, ws, y, m, eta, lambda, n, None);
}

/// The same step as [`sgd_step`] with the inputs given sparse: the first layer adds, for
/// each example, only the weight columns of its non-zero pixels (forward), and updates
/// only those columns besides the weight decay (backward). Every other layer is dense.
/// `ws` may be [`Workspace::without_input`]: a^0 is never read.
///
/// The mini-batch is the rows `batch` of `x`; `y` holds their one-hot targets.
#[allow(clippy::too_many_arguments)]
pub fn sgd_step_sparse<F: Real>(
    net: &mut Network<F>,
    ws: &mut Workspace<F>,
    x: &SparseRows<F>,
    batch: &[usize],
    y: &Array2<F>,
    eta: f64,
    lambda: f64,
    n: usize,
) {
    let m = batch.len();
    let arch = net.arch();
    let Workspace { activations, skips, norm, .. } = ws;
    let mut pass = NormPass { layers: &net.norms, mode: Mode::Batch, buffers: norm };
    {
        let w1 = net.weights[0].as_slice_memory_order().expect("weights are stored contiguously");
        let mut z1 = activations[1].slice_mut(s![..m, ..]);
        // The kernel fuses σ into its last loop; any other f of layer 1 is applied after,
        // and a normalised layer takes no bias before its normalisation (β comes after).
        let f1 = net.layer_activation(0);
        let normalized = arch.normalized(0, net.depth());
        let b1 = if normalized { &pass.buffers[0].zeros } else { &net.biases[0] };
        let b1 = b1.as_slice().expect("biases are contiguous");
        let fused = f1 == Activation::Sigmoid && !normalized;
        kernels::sparse_forward(w1, b1, x, batch, z1.as_slice_mut().expect("activation rows are contiguous"), fused);
        if normalized {
            batchnorm::normalize(z1.view_mut(), &net.norms[0], &net.biases[0], Mode::Batch, &mut pass.buffers[0]);
        }
        if !fused {
            apply_in_place(z1.as_slice_mut().expect("activation rows are contiguous"), f1);
        }
    }
    forward(&net.weights, &net.biases, arch, &mut rows_mut(activations, m), &mut rows_mut(skips, m), Some(&mut pass), 1);
    backward_and_update(net, ws, y, m, eta, lambda, n, Some((x, batch)));
}

/// BP1–BP4 from the activations in `ws`, and the update of every layer as soon as its
/// δ^l is known. The first layer's weight update uses the sparse inputs when given.
#[allow(clippy::too_many_arguments)]
fn backward_and_update<F: Real>(
    net: &mut Network<F>,
    ws: &mut Workspace<F>,
    y: &Array2<F>,
    m: usize,
    eta: f64,
    lambda: f64,
    n: usize,
    sparse: Option<(&SparseRows<F>, &[usize])>,
) {
    let arch = net.arch();
    let Network { weights, biases, cost, norms, .. } = net;
    let decay = F::from_f64_lossy(1.0 - eta * lambda / n as f64);
    let step = F::from_f64_lossy(eta / m as f64);
    let Workspace { activations, deltas, skips, norm, .. } = ws;
    let acts: Vec<_> = activations.iter().map(|a| a.slice(s![..m, ..])).collect();
    let mut deltas = rows_mut(deltas, m);
    let mut skips = rows_mut(skips, m);
    let mut pass = NormPass { layers: norms, mode: Mode::Batch, buffers: norm };
    backward(*cost, arch, weights, &acts, &mut skips, Some(&mut pass), y.slice(s![..m, ..]), &mut deltas, |l, delta_b, delta, a_prev, w| {
        // b ← b − (η/m) Σ_x δ_x (BP3; β ← β − (η/m) Σ_x ∂C_x/∂β where normalised).
        let nabla_b = delta_b.sum_axis(Axis(0));
        Zip::from(&mut biases[l]).and(&nabla_b).for_each(|b, &g| *b = *b - step * g);
        match (l, sparse) {
            (0, Some((x, batch))) => {
                // w ← (1 − ηλ/n) w, then w_{·p} −= (η/m) Σ_r x_rp δ_r over non-zero x_rp.
                let w1 = w.as_slice_memory_order_mut().expect("weights are stored contiguously");
                let delta = delta.as_slice().expect("delta rows are contiguous");
                kernels::sparse_update(w1, decay, step, x, batch, delta);
            }
            // w ← (1 − ηλ/n) w − (η/m) δᵀ a^{l−1} (BP4 and eq. 93, one product).
            _ => general_mat_mul(-step, &delta.t(), &a_prev, decay, w),
        }
    });
    // γ ← γ − (η/m) Σ_x ∂C_x/∂γ (no weight decay, as the frameworks do), and the running
    // statistics take in this batch's.
    for (bn, buf) in norms.iter_mut().zip(norm.iter()) {
        Zip::from(&mut bn.gamma).and(&buf.dgamma).for_each(|g, &d| *g = *g - step * d);
        batchnorm::update_running(bn, buf, m);
    }
}
