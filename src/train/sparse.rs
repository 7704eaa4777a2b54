//! Images as the sparse first layer reads them: the non-zero pixels of each, as bytes.

use crate::data::{Dataset, PIXEL_SCALE};
use crate::real::Real;

/// The widest image [`SparseRows`] can hold: its pixel positions are 16-bit.
pub const MAX_SPARSE_WIDTH: usize = 1 << 16;

/// Examples as a sparse matrix in compressed rows: for row r, the pixels
/// `index[start[r]..start[r+1]]` are the non-zero ones, with bytes `value[…]`.
/// MNIST digits are about 81 % zero pixels, so the first layer — 784 of every 800-odd
/// inputs of the network's work — does a fifth of the dense work. Skipping exact zeros
/// changes nothing but the order of the additions.
///
/// A pixel stays a byte (and its position 16 bits), three bytes where a dense `f32` row
/// takes four per pixel, zero or not: the whole training set stays in memory this way,
/// and each mini-batch reads its floats from the 256-entry `scaled` table as it goes.
#[derive(Clone, Debug)]
pub struct SparseRows<F> {
    /// Pixels per example (the dense width).
    width: usize,
    start: Vec<usize>,
    index: Vec<u16>,
    value: Vec<u8>,
    /// `scaled[v]` = v × [`PIXEL_SCALE`], the input a pixel byte v stands for.
    scaled: [F; 256],
}

impl<F: Real> Default for SparseRows<F> {
    fn default() -> Self {
        SparseRows { width: 0, start: Vec::new(), index: Vec::new(), value: Vec::new(), scaled: [F::zero(); 256] }
    }
}

impl<F: Real> SparseRows<F> {
    /// Every example of `data`.
    pub fn from_dataset(data: &Dataset) -> Self {
        let mut rows = SparseRows::default();
        rows.fill(data, &(0..data.len()).collect::<Vec<_>>());
        rows
    }

    /// The examples `idx` of `data`, pixels scaled by [`PIXEL_SCALE`].
    ///
    /// # Panics
    /// If the images are wider than [`MAX_SPARSE_WIDTH`] (the trainer checks it first).
    pub fn fill(&mut self, data: &Dataset, idx: &[usize]) {
        assert!(data.pixels() <= MAX_SPARSE_WIDTH, "images of {} pixels are wider than {MAX_SPARSE_WIDTH}", data.pixels());
        let scale = F::from_f64_lossy(PIXEL_SCALE);
        for (v, s) in self.scaled.iter_mut().enumerate() {
            *s = F::from_u8(v as u8).expect("a byte fits any float") * scale;
        }
        self.width = data.pixels();
        let non_zero = idx.iter().map(|&i| data.image(i).iter().filter(|&&v| v != 0).count()).sum();
        self.start.clear();
        self.index.clear();
        self.value.clear();
        // Exactly as much as needed: a doubling vector could hold twice the set.
        self.start.reserve_exact(idx.len() + 1);
        self.index.reserve_exact(non_zero);
        self.value.reserve_exact(non_zero);
        self.start.push(0);
        for &i in idx {
            for (p, &v) in data.image(i).iter().enumerate() {
                if v != 0 {
                    self.index.push(p as u16);
                    self.value.push(v);
                }
            }
            self.start.push(self.index.len());
        }
    }
    /// The non-zero (pixel, value) pairs of row `r`.
    #[inline(always)]
    pub fn row(&self, r: usize) -> impl Iterator<Item = (usize, F)> + '_ {
        let range = self.start[r]..self.start[r + 1];
        self.index[range.clone()].iter().map(|&p| p as usize).zip(self.value[range].iter().map(|&v| self.scaled[v as usize]))
    }
    /// Pixels per example.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
}
