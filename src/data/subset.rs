//! The shipped subset: six files, three splits.

use super::idx::parse_idx;
use super::{DataError, Dataset};

/// File names of the subset, relative to `www/data/`, in the order
/// [`Subset::from_idx_files`] takes them.
pub const SUBSET_FILES: [&str; 6] = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "validation-images-idx3-ubyte.gz",
    "validation-labels-idx1-ubyte.gz",
    "test-images-idx3-ubyte.gz",
    "test-labels-idx1-ubyte.gz",
];

/// The shipped subset: training, validation and test datasets.
#[derive(Clone, Debug)]
pub struct Subset {
    pub training: Dataset,
    pub validation: Dataset,
    pub test: Dataset,
}

impl Subset {
    /// From the six files' bytes (gzip or raw), in the order of [`SUBSET_FILES`]: training
    /// images, training labels, validation images, validation labels, test images, test
    /// labels. Errors name the file ([`DataError::File`]) or the split ([`DataError::Split`]).
    pub fn from_idx_files(files: [&[u8]; 6]) -> Result<Self, DataError> {
        let read = |k: usize| parse_idx(files[k]).map_err(|e| DataError::File { file: SUBSET_FILES[k], source: Box::new(e) });
        let split = |name: &'static str, k: usize| {
            let images = read(k)?;
            let labels = read(k + 1)?;
            Dataset::from_parsed(images, labels).map_err(|e| DataError::Split { split: name, source: Box::new(e) })
        };
        Ok(Subset { training: split("training", 0)?, validation: split("validation", 2)?, test: split("test", 4)? })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{gz, idx, sample};
    use super::*;

    #[test]
    fn subset_errors_name_the_file_and_split() {
        let (im, lb) = sample();
        let bad = idx(8, &[3], &[1, 2, 10]);
        let s = Subset::from_idx_files([&im, &lb, &im, &lb, &gz(&im), &gz(&lb)]).unwrap();
        assert_eq!(s.test, s.training);
        let e = Subset::from_idx_files([&im, &lb, &im, &bad, &im, &lb]).unwrap_err();
        assert_eq!(e.to_string(), "validation set: label 10 at index 2 is not a digit 0–9");
        let e = Subset::from_idx_files([&im, &lb, &im, &lb, &im[..20], &lb]).unwrap_err();
        assert!(e.to_string().starts_with("test-images-idx3-ubyte.gz: IDX header says"), "{e}");
        assert!(std::error::Error::source(&e).is_some());
    }
}
