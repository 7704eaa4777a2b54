//! The buffers of the batched passes: the gradient's sums, and a workspace preallocated for
//! one batch size, so training allocates nothing per batch.

use crate::batchnorm::NormBuffers;
use crate::real::Real;
use ndarray::{s, Array1, Array2, ArrayViewMut2};

/// The sums over a batch of ∂C_x/∂b^l and ∂C_x/∂w^l, index 0 for layer 1.
#[derive(Clone, Debug)]
pub struct Gradient<F: Real> {
    pub nabla_b: Vec<Array1<F>>,
    pub nabla_w: Vec<Array2<F>>,
}

/// Preallocated buffers for one batch size, so training allocates nothing per batch.
#[derive(Clone, Debug)]
pub struct Workspace<F: Real> {
    /// `activations[l]` is a^l (a^0 = the input), `rows × sizes[l]`.
    pub(crate) activations: Vec<Array2<F>>,
    /// `deltas[l]` is δ^{l+1}, `rows × sizes[l+1]`.
    pub(crate) deltas: Vec<Array2<F>>,
    /// Residual networks only (empty otherwise, see [`Workspace::for_residual`]): for a layer
    /// with a skip connection, f(z^{l+1}) after the forward pass, then ∂C/∂a^{l+1} in the
    /// backward pass (`rows × sizes[l+1]`).
    pub(crate) skips: Vec<Array2<F>>,
    /// Batch-normalised networks only (empty otherwise): each hidden layer's buffers.
    pub(crate) norm: Vec<NormBuffers<F>>,
    rows: usize,
}

impl<F: Real> Workspace<F> {
    pub fn new(sizes: &[usize], rows: usize) -> Self {
        Workspace {
            activations: sizes.iter().map(|&n| Array2::zeros((rows, n))).collect(),
            deltas: sizes[1..].iter().map(|&n| Array2::zeros((rows, n))).collect(),
            skips: Vec::new(),
            norm: Vec::new(),
            rows,
        }
    }
    /// The same buffers and, when `batch_norm`, those of the normalised hidden layers.
    pub fn for_batch_norm(mut self, batch_norm: bool) -> Self {
        if batch_norm && self.norm.is_empty() {
            let hidden = &self.deltas[..self.deltas.len() - 1];
            self.norm = hidden.iter().map(|d| NormBuffers::new(self.rows, d.ncols())).collect();
        }
        self
    }
    /// The same buffers and, when `residual`, those of the skip connections.
    pub fn for_residual(mut self, residual: bool) -> Self {
        if residual && self.skips.is_empty() {
            self.skips = self.deltas.iter().map(|d| Array2::zeros(d.raw_dim())).collect();
        }
        self
    }
    /// Buffers for inputs that are never dense: a^0 has no columns. The sparse first
    /// layer reads its inputs from [`crate::train::SparseRows`] instead, and a dense a^0
    /// would be the largest buffer of all (784 columns against 30).
    pub fn without_input(sizes: &[usize], rows: usize) -> Self {
        let mut ws = Self::new(&sizes[1..], rows);
        ws.activations.insert(0, Array2::zeros((rows, 0)));
        ws.deltas.insert(0, Array2::zeros((rows, sizes[1])));
        ws
    }
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// The input rows a^0, where [`crate::train::sgd_step`] reads a dense mini-batch.
    pub fn input_mut(&mut self) -> ArrayViewMut2<'_, F> {
        self.activations[0].view_mut()
    }
}

/// Views of the first `m` rows of each buffer (a batch shorter than the workspace).
pub(crate) fn rows_mut<F>(buffers: &mut [Array2<F>], m: usize) -> Vec<ArrayViewMut2<'_, F>> {
    buffers.iter_mut().map(|a| a.slice_mut(s![..m, ..])).collect()
}
