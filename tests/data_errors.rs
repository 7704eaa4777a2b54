//! The committed MNIST subset (`www/data/`, built by `scripts/make_subset.mjs`) loads, has
//! the documented shape and content, and damaged copies of it are rejected with errors that
//! name the file.

mod common;

use common::idx::{gzip, gzip_zeros, idx};
use gradlab::data::{DataError, Dataset, Subset, SUBSET_FILES};

const TRAIN_IMAGES: &[u8] = include_bytes!("../www/data/train-images-idx3-ubyte.gz");
const TRAIN_LABELS: &[u8] = include_bytes!("../www/data/train-labels-idx1-ubyte.gz");
const VALIDATION_IMAGES: &[u8] = include_bytes!("../www/data/validation-images-idx3-ubyte.gz");
const VALIDATION_LABELS: &[u8] = include_bytes!("../www/data/validation-labels-idx1-ubyte.gz");
const TEST_IMAGES: &[u8] = include_bytes!("../www/data/test-images-idx3-ubyte.gz");
const TEST_LABELS: &[u8] = include_bytes!("../www/data/test-labels-idx1-ubyte.gz");

const FILES: [&[u8]; 6] = [TRAIN_IMAGES, TRAIN_LABELS, VALIDATION_IMAGES, VALIDATION_LABELS, TEST_IMAGES, TEST_LABELS];

fn subset() -> Subset {
    Subset::from_idx_files(FILES).expect("the committed subset loads")
}

fn label_counts(d: &Dataset) -> [usize; 10] {
    let mut c = [0; 10];
    for &l in d.labels() {
        c[usize::from(l)] += 1;
    }
    c
}

#[test]
fn subset_has_the_documented_shape_and_content() {
    let s = subset();
    for (name, d, n, min_per_digit, counts) in [
        ("training", &s.training, 8000, 600, [809, 903, 789, 817, 784, 707, 810, 846, 751, 784]),
        ("validation", &s.validation, 1000, 60, [83, 105, 105, 115, 102, 84, 96, 107, 100, 103]),
        ("test", &s.test, 1000, 60, [109, 119, 97, 100, 94, 72, 108, 117, 93, 91]),
    ] {
        assert_eq!(d.len(), n, "{name}");
        assert_eq!((d.rows(), d.cols(), d.pixels()), (28, 28, 784), "{name}");
        assert_eq!(d.images().len(), n * 784, "{name}");
        d.expect_shape(28, 28).unwrap();
        let c = label_counts(d);
        assert!(c.iter().all(|&k| k >= min_per_digit), "{name}: label counts {c:?}");
        // Pinned by the script's output (www/data/README.md).
        assert_eq!(c, counts, "{name}");
        assert_eq!(d.images().iter().min(), Some(&0), "{name}");
        assert_eq!(d.images().iter().max(), Some(&255), "{name}");
    }
    // Printed by scripts/make_subset.mjs: "first training example: label 2, sum ... 21503".
    assert_eq!(s.training.label(0), 2);
    let sum: u32 = s.training.image(0).iter().map(|&b| u32::from(b)).sum();
    assert_eq!(sum, 21503);
}

#[test]
fn file_names_match_the_order_of_from_idx_files() {
    assert_eq!(
        SUBSET_FILES,
        [
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "validation-images-idx3-ubyte.gz",
            "validation-labels-idx1-ubyte.gz",
            "test-images-idx3-ubyte.gz",
            "test-labels-idx1-ubyte.gz",
        ]
    );
}

#[test]
fn damaged_files_are_rejected_with_the_file_named() {
    // Truncated download.
    let mut files = FILES;
    let cut = &VALIDATION_IMAGES[..VALIDATION_IMAGES.len() / 2];
    files[2] = cut;
    let e = Subset::from_idx_files(files).unwrap_err();
    assert!(
        matches!(&e, DataError::File { file: "validation-images-idx3-ubyte.gz", source }
            if **source == DataError::TruncatedGzip),
        "{e}"
    );
    assert_eq!(e.to_string(), "validation-images-idx3-ubyte.gz: truncated gzip stream");

    // Files swapped: images where labels belong.
    let mut files = FILES;
    files.swap(4, 5);
    let e = Subset::from_idx_files(files).unwrap_err();
    assert!(e.to_string().starts_with("test set: "), "{e}");

    // Labels of another split: counts differ.
    let mut files = FILES;
    files[1] = TEST_LABELS;
    let e = Subset::from_idx_files(files).unwrap_err();
    assert_eq!(e.to_string(), "training set: images (8000) and labels (1000) differ in count");

    // A corrupted byte in the middle of the compressed stream.
    let mut bad = TRAIN_LABELS.to_vec();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x55;
    let mut files = FILES;
    files[1] = &bad;
    let e = Subset::from_idx_files(files).unwrap_err();
    assert!(matches!(&e, DataError::File { file: "train-labels-idx1-ubyte.gz", .. }), "{e}");

    // A limit below the file's decompressed size.
    let e = gradlab::data::parse_idx_with_limit(TRAIN_IMAGES, 1 << 20).unwrap_err();
    assert_eq!(e, DataError::TooLarge { limit: 1 << 20 });
}

#[test]
fn a_gzip_bomb_in_place_of_a_file_is_refused_at_the_bound_and_named() {
    // 200 MiB of zeros compress to ~200 KB; as the training images they would inflate far
    // past MAX_DECOMPRESSED_BYTES (64 MiB).
    let bomb = gzip_zeros(200);
    assert!(bomb.len() < 300_000, "the bomb is {} bytes", bomb.len());
    let mut files = FILES;
    files[0] = &bomb;
    let err = Subset::from_idx_files(files).unwrap_err();
    // Refused at the bound (64 MiB), not after inflating all 200 MiB; how long that takes
    // is a benchmark's question, not a test's.
    assert_eq!(err.to_string(), "train-images-idx3-ubyte.gz: decompressed data exceeds the limit of 67108864 bytes");
    // A gzip trailer that claims 4 GiB does not make the reader reserve it: the member is
    // one byte, the trailer is refused as not matching the data.
    let mut liar = gzip(&[0]);
    let n = liar.len();
    liar[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = gradlab::data::parse_idx(&liar).unwrap_err();
    assert!(matches!(err, DataError::CorruptGzip(_)), "{err}");
    assert!(err.to_string().contains("does not have a matching checksum"), "{err}");
}

#[test]
fn wrong_magic_and_dimensions_in_the_subset_are_named() {
    // An HTML error page served in place of a file (a misconfigured server).
    let mut files = FILES;
    files[3] = b"<!DOCTYPE html><title>404</title>";
    let e = Subset::from_idx_files(files).unwrap_err();
    assert!(e.to_string().starts_with("validation-labels-idx1-ubyte.gz: IDX magic number 0x3c21444f does not start with two zero bytes"), "{e}");
    assert!(e.to_string().contains("HTML"), "{e}");
    // Images of 28×27: the split reads, the lab's shape check refuses it.
    let narrow = idx(&[2, 28, 27], &[0; 2 * 28 * 27]);
    let labels = idx(&[2], &[1, 2]);
    let d = Dataset::from_idx(&narrow, &labels).unwrap();
    assert_eq!(d.expect_shape(28, 28).unwrap_err().to_string(), "images are 28×27 but the network expects 28×28");
    // Header dimensions that disagree with the data by one image.
    let short = idx(&[3, 28, 28], &[0; 2 * 28 * 28]);
    let e = Dataset::from_idx(&short, &idx(&[3], &[1, 2, 3])).unwrap_err();
    assert_eq!(e.to_string(), "IDX header says 3×28×28 = 2352 bytes but the file holds 1568");
}
