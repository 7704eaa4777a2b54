//! Images and their labels, checked.

use std::ops::Range;

use super::idx::{parse_idx_with_limit, Idx};
use super::{dims_string, DataError, MAX_DECOMPRESSED_BYTES};

/// Images (row-major, one image = [`pixels()`](Dataset::pixels) bytes, 0 = background,
/// 255 = ink) with their labels 0–9.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    images: Vec<u8>,
    labels: Vec<u8>,
    rows: usize,
    cols: usize,
}

impl Dataset {
    /// Reads an image IDX file (`[n, rows, cols]`) and a label IDX file (`[n]`), each raw or
    /// gzip-compressed (decompression bounded by [`MAX_DECOMPRESSED_BYTES`]). Checks that the
    /// counts agree and that every label is a digit 0–9.
    pub fn from_idx(images: &[u8], labels: &[u8]) -> Result<Self, DataError> {
        Self::from_idx_with_limit(images, labels, MAX_DECOMPRESSED_BYTES)
    }

    /// [`from_idx`](Dataset::from_idx) with an explicit decompression bound per file.
    pub fn from_idx_with_limit(images: &[u8], labels: &[u8], max_decompressed: usize) -> Result<Self, DataError> {
        let images = parse_idx_with_limit(images, max_decompressed)?;
        let labels = parse_idx_with_limit(labels, max_decompressed)?;
        Self::from_parsed(images, labels)
    }

    pub(super) fn from_parsed(images: Idx, labels: Idx) -> Result<Self, DataError> {
        let (count, rows, cols) = match images.dims[..] {
            [n, r, c] => (n, r, c),
            _ => return Err(DataError::ImageRank { dims: dims_string(&images.dims) }),
        };
        let n_labels = match labels.dims[..] {
            [n] => n,
            _ => return Err(DataError::LabelRank { dims: dims_string(&labels.dims) }),
        };
        if count != n_labels {
            return Err(DataError::CountMismatch { images: count, labels: n_labels });
        }
        Self::new(images.data, labels.data, rows, cols)
    }

    /// A dataset from raw pixel bytes (`labels.len()` images of `rows × cols`, row-major)
    /// and labels. Checks the sizes and that every label is a digit 0–9.
    pub fn new(images: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Result<Self, DataError> {
        if rows == 0 || cols == 0 {
            return Err(DataError::EmptyImage { rows, cols });
        }
        let count = labels.len();
        let expected = rows
            .checked_mul(cols)
            .and_then(|p| p.checked_mul(count))
            .ok_or_else(|| DataError::DimensionsOverflow { dims: dims_string(&[count, rows, cols]) })?;
        if images.len() != expected {
            return Err(DataError::ImageBytes { actual: images.len(), count, rows, cols, expected });
        }
        if let Some((index, &label)) = labels.iter().enumerate().find(|(_, &l)| l > 9) {
            return Err(DataError::BadLabel { label, index });
        }
        Ok(Dataset { images, labels, rows, cols })
    }

    /// The number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Pixels per image, `rows × cols` (784 for MNIST).
    pub fn pixels(&self) -> usize {
        self.rows * self.cols
    }

    /// Image height.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Image width.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Checks that the images are `rows × cols`, e.g. 28×28 for a network with 784 inputs.
    pub fn expect_shape(&self, rows: usize, cols: usize) -> Result<(), DataError> {
        if (self.rows, self.cols) == (rows, cols) {
            Ok(())
        } else {
            Err(DataError::WrongImageSize { rows: self.rows, cols: self.cols, expected_rows: rows, expected_cols: cols })
        }
    }

    /// The pixels of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`: an index out of range is a programming error, like slice indexing.
    pub fn image(&self, i: usize) -> &[u8] {
        assert!(i < self.len(), "image index {i} out of range for a dataset of {} examples", self.len());
        let p = self.pixels();
        &self.images[i * p..(i + 1) * p]
    }

    /// The label (0–9) of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()` (a programming error, like slice indexing).
    pub fn label(&self, i: usize) -> u8 {
        assert!(i < self.len(), "label index {i} out of range for a dataset of {} examples", self.len());
        self.labels[i]
    }

    /// All labels, in order.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// All pixels, image after image.
    pub fn images(&self) -> &[u8] {
        &self.images
    }

    /// The first `min(n, len)` examples.
    pub fn take(&self, n: usize) -> Dataset {
        let n = n.min(self.len());
        Dataset { images: self.images[..n * self.pixels()].to_vec(), labels: self.labels[..n].to_vec(), rows: self.rows, cols: self.cols }
    }

    /// The examples `range.start..range.end`, or [`DataError::BadRange`] if the range is
    /// reversed or reaches past the end.
    pub fn slice(&self, range: Range<usize>) -> Result<Dataset, DataError> {
        let Range { start, end } = range;
        if start > end || end > self.len() {
            return Err(DataError::BadRange { start, end, len: self.len() });
        }
        let p = self.pixels();
        Ok(Dataset { images: self.images[start * p..end * p].to_vec(), labels: self.labels[start..end].to_vec(), rows: self.rows, cols: self.cols })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{gz, idx, sample};
    use super::*;
    use crate::data::{gunzip_bounded, parse_idx};

    #[test]
    fn round_trip_raw_and_gzip() {
        let (im, lb) = sample();
        let parsed = parse_idx(&im).unwrap();
        assert_eq!(parsed.dims, vec![3, 2, 4]);
        assert_eq!(parsed.data.len(), 24);
        assert_eq!(parse_idx(&gz(&im)).unwrap(), parsed);
        let raw = Dataset::from_idx(&im, &lb).unwrap();
        let zipped = Dataset::from_idx(&gz(&im), &gz(&lb)).unwrap();
        let mixed = Dataset::from_idx(&gz(&im), &lb).unwrap();
        assert_eq!(raw, zipped);
        assert_eq!(raw, mixed);
        assert_eq!((raw.len(), raw.rows(), raw.cols(), raw.pixels()), (3, 2, 4, 8));
        assert!(!raw.is_empty());
        assert_eq!(raw.image(1), &parsed.data[8..16]);
        assert_eq!(raw.labels(), &[7, 0, 9]);
        assert_eq!(raw.label(2), 9);
        assert_eq!(raw.images(), &parsed.data[..]);
        assert_eq!(gunzip_bounded(&im, 0).unwrap(), im, "raw data passes through");
        assert_eq!(gunzip_bounded(&gz(&im), im.len()).unwrap(), im, "limit is inclusive");
    }

    #[test]
    fn take_and_slice() {
        let (im, lb) = sample();
        let d = Dataset::from_idx(&im, &lb).unwrap();
        assert_eq!(d.take(2).labels(), &[7, 0]);
        assert_eq!(d.take(99), d);
        assert!(d.take(0).is_empty());
        let s = d.slice(1..3).unwrap();
        assert_eq!(s.labels(), &[0, 9]);
        assert_eq!(s.image(0), d.image(1));
        assert!(d.slice(3..3).unwrap().is_empty());
        assert_eq!(d.slice(2..4), Err(DataError::BadRange { start: 2, end: 4, len: 3 }));
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 2..1;
        assert!(matches!(d.slice(reversed), Err(DataError::BadRange { .. })));
        assert!(d.expect_shape(2, 4).is_ok());
        let e = d.expect_shape(28, 28).unwrap_err();
        assert_eq!(e.to_string(), "images are 2×4 but the network expects 28×28");
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn image_index_out_of_range_panics() {
        let (im, lb) = sample();
        Dataset::from_idx(&im, &lb).unwrap().image(3);
    }

    #[test]
    fn dataset_shape_errors() {
        let (im, lb) = sample();
        let e = Dataset::from_idx(&im, &idx(8, &[2], &[1, 2])).unwrap_err();
        assert_eq!(e, DataError::CountMismatch { images: 3, labels: 2 });
        assert_eq!(e.to_string(), "images (3) and labels (2) differ in count");
        let e = Dataset::from_idx(&idx(8, &[24], &im[16..]), &lb).unwrap_err();
        assert!(matches!(e, DataError::ImageRank { .. }), "{e}");
        let e = Dataset::from_idx(&im, &idx(8, &[3, 1], &[1, 2, 3])).unwrap_err();
        assert!(matches!(e, DataError::LabelRank { .. }), "{e}");
        let e = Dataset::from_idx(&lb, &im).unwrap_err();
        assert!(matches!(e, DataError::ImageRank { .. }), "{e}");
        assert_eq!(Dataset::new(vec![], vec![], 0, 28), Err(DataError::EmptyImage { rows: 0, cols: 28 }));
        let e = Dataset::new(vec![0; 7], vec![1], 2, 4).unwrap_err();
        assert!(matches!(e, DataError::ImageBytes { actual: 7, expected: 8, .. }), "{e}");
        assert!(Dataset::new(vec![], vec![], 28, 28).unwrap().is_empty());
    }

    #[test]
    fn bad_label() {
        let (im, _) = sample();
        let e = Dataset::from_idx(&im, &idx(8, &[3], &[1, 2, 11])).unwrap_err();
        assert_eq!(e, DataError::BadLabel { label: 11, index: 2 });
        assert_eq!(e.to_string(), "label 11 at index 2 is not a digit 0–9");
    }
}
