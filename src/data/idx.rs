//! The IDX format: a big-endian magic number, the dimensions, the data.

use super::gzip::{gunzip_bounded, is_gzip};
use super::{dims_string, DataError, MAX_DECOMPRESSED_BYTES};

/// The unsigned-byte IDX data type.
const IDX_TYPE_U8: u8 = 0x08;

/// A parsed unsigned-byte IDX file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idx {
    /// The dimensions, outermost first (`[n, rows, cols]` for images, `[n]` for labels).
    pub dims: Vec<usize>,
    /// The data, row-major; its length is the product of `dims`.
    pub data: Vec<u8>,
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
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
    let magic = be_u32(&bytes, 0).ok_or(DataError::TruncatedHeader { needed: 4, len: bytes.len() })?;
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
        return Err(DataError::UnsupportedType { magic, type_byte, type_name: idx_type_name(type_byte) });
    }
    if ndims == 0 {
        return Err(DataError::NoDimensions { magic });
    }
    let header_len = 4 + 4 * usize::from(ndims);
    if bytes.len() < header_len {
        return Err(DataError::TruncatedHeader { needed: header_len, len: bytes.len() });
    }
    let mut dims = Vec::with_capacity(usize::from(ndims));
    for k in 0..usize::from(ndims) {
        let d = be_u32(&bytes, 4 + 4 * k).ok_or(DataError::TruncatedHeader { needed: header_len, len: bytes.len() })?;
        // A u32 always fits in usize on the 32- and 64-bit targets Rust supports for this crate.
        let d = usize::try_from(d).map_err(|_| DataError::DimensionsOverflow { dims: format!("{d}") })?;
        dims.push(d);
    }
    let expected = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d)).ok_or_else(|| DataError::DimensionsOverflow { dims: dims_string(&dims) })?;
    let actual = bytes.len() - header_len;
    if actual != expected {
        return Err(DataError::SizeMismatch { dims: dims_string(&dims), expected, actual });
    }
    bytes.drain(..header_len);
    Ok(Idx { dims, data: bytes })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{idx, sample};
    use super::*;
    use crate::data::Dataset;

    #[test]
    fn truncated_header() {
        assert_eq!(parse_idx(&[]), Err(DataError::TruncatedHeader { needed: 4, len: 0 }));
        assert_eq!(parse_idx(&[0, 0, 8]), Err(DataError::TruncatedHeader { needed: 4, len: 3 }));
        let (im, _) = sample();
        let e = parse_idx(&im[..10]).unwrap_err();
        assert_eq!(e, DataError::TruncatedHeader { needed: 16, len: 10 });
        assert!(e.to_string().contains("16 bytes needed"), "{e}");
    }

    #[test]
    fn truncated_and_excess_data() {
        let (im, _) = sample();
        let e = parse_idx(&im[..30]).unwrap_err();
        assert_eq!(e.to_string(), "IDX header says 3×2×4 = 24 bytes but the file holds 14");
        let mut long = im.clone();
        long.push(0);
        assert!(matches!(parse_idx(&long), Err(DataError::SizeMismatch { expected: 24, actual: 25, .. })));
        let e = parse_idx(&idx(8, &[10000, 28, 28], &[0; 1234])).unwrap_err();
        assert_eq!(e.to_string(), "IDX header says 10000×28×28 = 7840000 bytes but the file holds 1234");
    }

    #[test]
    fn wrong_magic_and_type() {
        let e = parse_idx(&idx(9, &[1], &[0])).unwrap_err();
        assert!(matches!(e, DataError::UnsupportedType { type_byte: 9, .. }));
        assert!(e.to_string().starts_with("IDX magic number 0x00000901 is not an unsigned-byte IDX file"), "{e}");
        let e = parse_idx(&idx(0x0d, &[1], &[0; 4])).unwrap_err();
        assert!(e.to_string().contains("float"), "{e}");
        let e = parse_idx(b"<!DOCTYPE html><html>").unwrap_err();
        assert!(matches!(e, DataError::NotIdx { magic: 0x3c21_444f, .. }));
        assert!(e.to_string().contains("HTML"), "{e}");
        assert!(matches!(parse_idx(&[1, 0, 8, 1, 0, 0, 0, 0]), Err(DataError::NotIdx { .. })));
        assert_eq!(parse_idx(&[0, 0, 8, 0]), Err(DataError::NoDimensions { magic: 0x0800 }));
    }

    #[test]
    fn huge_dims_overflow() {
        let e = parse_idx(&idx(8, &[u32::MAX, u32::MAX, u32::MAX], &[])).unwrap_err();
        assert!(matches!(e, DataError::DimensionsOverflow { .. }), "{e}");
        // Large but representable: reported as a size mismatch, nothing allocated for it.
        let e = parse_idx(&idx(8, &[1 << 30, 2], &[1, 2])).unwrap_err();
        assert!(matches!(e, DataError::SizeMismatch { actual: 2, .. }), "{e}");
        // 255 dimensions of 2^32-1 each.
        let e = parse_idx(&idx(8, &[u32::MAX; 255], &[])).unwrap_err();
        assert!(matches!(e, DataError::DimensionsOverflow { .. }), "{e}");
        assert!(matches!(Dataset::new(vec![], vec![], usize::MAX, 2), Err(DataError::DimensionsOverflow { .. })));
        assert!(matches!(Dataset::new(vec![], vec![1], usize::MAX, 2), Err(DataError::DimensionsOverflow { .. })));
    }
}
