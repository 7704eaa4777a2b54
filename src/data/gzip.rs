//! Bounded gzip inflation, so a small hostile file cannot expand into gigabytes.
//!
//! flate2 parses the headers, inflates and checks each member's CRC-32 and length; this
//! file only bounds the output and names the errors. In wasm there is no inflater: the
//! browser's `DecompressionStream` does it in the worker (www/worker/data.js), with the same
//! bound, and saves the page 31 KB of module.

#[cfg(not(target_arch = "wasm32"))]
use std::io::{ErrorKind, Read};

#[cfg(not(target_arch = "wasm32"))]
use flate2::bufread::MultiGzDecoder;

use super::DataError;

/// The largest expansion ratio DEFLATE can achieve is about 1032:1; used only to cap the
/// up-front allocation suggested by a gzip trailer.
#[cfg(not(target_arch = "wasm32"))]
const DEFLATE_MAX_RATIO: usize = 1032;

pub(super) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses gzip data (RFC 1952, one or more concatenated members) into at most `max`
/// bytes; data that does not start with the gzip magic bytes `0x1f 0x8b` is returned as is.
///
/// The output buffer grows step by step and never beyond `max` bytes (plus a 32 KiB scratch
/// buffer), so a "gzip bomb" fails with [`DataError::TooLarge`] as soon as its output passes
/// `max`. Each member's CRC-32 and length are checked. `max` bounds the output only when
/// decompressing; raw data is copied whatever its size.
#[cfg(not(target_arch = "wasm32"))]
pub fn gunzip_bounded(bytes: &[u8], max: usize) -> Result<Vec<u8>, DataError> {
    if !is_gzip(bytes) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    // The last member's trailer states its length modulo 2^32; for the usual single-member
    // file that is the whole output. Trust it only as far as `max` and DEFLATE's ratio allow.
    if let Some(trailer) = bytes.len().checked_sub(4).and_then(|at| bytes.get(at..)) {
        let hint = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let plausible = bytes.len().saturating_mul(DEFLATE_MAX_RATIO);
        let want = usize::try_from(hint).unwrap_or(usize::MAX).min(plausible).min(max);
        // Only a hint: ignore allocation failure here, the loop below reports it.
        let _ = out.try_reserve_exact(want);
    }
    // One byte past `max` is enough to know the data is too large.
    let mut gz = MultiGzDecoder::new(bytes).take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1));
    let mut scratch = vec![0u8; 32 << 10];
    loop {
        let n = match gz.read(&mut scratch) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Err(DataError::TruncatedGzip),
            Err(e) => {
                // flate2's own words (its errors carry a message); formatting the io::Error
                // itself would also link std's table of error-kind names into the wasm.
                let m = e.get_ref().map_or_else(|| "bad gzip data".to_owned(), |m| m.to_string());
                // The checksum message starts with the words DataError's message adds.
                let m = m.strip_prefix("corrupt gzip stream ").unwrap_or(&m).to_owned();
                return Err(DataError::CorruptGzip(m));
            }
        };
        let new_len = out.len().checked_add(n).filter(|&l| l <= max).ok_or(DataError::TooLarge { limit: max })?;
        if new_len > out.capacity() {
            // Grow geometrically but never past `max`.
            let target = out.capacity().saturating_mul(2).max(new_len).min(max);
            out.try_reserve_exact(target - out.len()).map_err(|_| DataError::OutOfMemory { bytes: target })?;
        }
        out.extend_from_slice(&scratch[..n]);
    }
}

/// In wasm: raw data as is; gzip data is an error naming who should have inflated it.
#[cfg(target_arch = "wasm32")]
pub fn gunzip_bounded(bytes: &[u8], _max: usize) -> Result<Vec<u8>, DataError> {
    if is_gzip(bytes) {
        return Err(DataError::NotInflated);
    }
    Ok(bytes.to_vec())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{gz, sample};
    use super::*;
    use crate::data::{parse_idx, parse_idx_with_limit, Idx, MAX_DECOMPRESSED_BYTES};
    use flate2::write::GzEncoder;
    use flate2::{Compression, Crc};
    use std::io::Write;

    #[test]
    fn concatenated_gzip_members() {
        let mut two = gz(&[1, 2, 3]);
        two.extend(gz(&[4, 5]));
        assert_eq!(gunzip_bounded(&two, 100).unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(gunzip_bounded(&two, 4), Err(DataError::TooLarge { limit: 4 }));
        // Whatever follows a member is read as the next one: two stray bytes are a header
        // cut short, ten that are not a header are corrupt.
        let mut junk = gz(&[1]);
        junk.extend([0, 0]);
        assert_eq!(gunzip_bounded(&junk, 100), Err(DataError::TruncatedGzip));
        junk.extend([0; 8]);
        assert!(matches!(gunzip_bounded(&junk, 100), Err(DataError::CorruptGzip(_))));
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
        assert_eq!(gunzip_bounded(&bomb, 1 << 20), Err(DataError::TooLarge { limit: 1 << 20 }));
        assert_eq!(parse_idx_with_limit(&bomb, 4096), Err(DataError::TooLarge { limit: 4096 }));
        assert!(t.elapsed().as_secs() < 5);
        let e = parse_idx_with_limit(&bomb, 1000).unwrap_err();
        assert_eq!(e.to_string(), "decompressed data exceeds the limit of 1000 bytes");
        // The default limit applies to parse_idx.
        assert_eq!(parse_idx(&bomb), Err(DataError::TooLarge { limit: MAX_DECOMPRESSED_BYTES }));
    }

    #[test]
    fn corrupt_gzip() {
        let (im, _) = sample();
        let z = gz(&im);
        // Truncated in the header, the deflate data and the trailer.
        for cut in [2, 5, 12, z.len() - 12, z.len() - 5, z.len() - 1] {
            assert_eq!(parse_idx(&z[..cut]), Err(DataError::TruncatedGzip), "cut at {cut}");
        }
        let mut bad_crc = z.clone();
        let n = bad_crc.len();
        bad_crc[n - 8] ^= 1;
        let e = parse_idx(&bad_crc).unwrap_err();
        assert!(matches!(&e, DataError::CorruptGzip(m) if m.contains("checksum")), "{e}");
        let mut bad_len = z.clone();
        bad_len[n - 1] ^= 1;
        assert!(matches!(parse_idx(&bad_len), Err(DataError::CorruptGzip(_))));
        let mut bad_method = z.clone();
        bad_method[2] = 7;
        assert!(matches!(parse_idx(&bad_method), Err(DataError::CorruptGzip(m)) if m.contains("header")));
        let mut reserved_flag = z.clone();
        reserved_flag[3] |= 0x80;
        assert!(matches!(parse_idx(&reserved_flag), Err(DataError::CorruptGzip(_))));
        // Invalid deflate block type 3.
        let mut bad_block = z[..10].to_vec();
        bad_block.extend([0xff; 20]);
        assert!(matches!(parse_idx(&bad_block), Err(DataError::CorruptGzip(_))));
        assert_eq!(DataError::TruncatedGzip.to_string(), "truncated gzip stream");
    }

    #[test]
    fn gzip_header_fields() {
        // FEXTRA + FNAME + FCOMMENT + FHCRC, hand-built around a stored deflate block.
        let payload = [0u8, 0, 8, 1, 0, 0, 0, 2, 42, 43];
        let mut f = vec![0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 255];
        f.extend([3, 0, b'a', b'b', b'c']);
        f.extend(b"name\0comment\0");
        // FHCRC: the low 16 bits of the CRC-32 of the header so far.
        let mut header_crc = Crc::new();
        header_crc.update(&f);
        f.extend((header_crc.sum() as u16).to_le_bytes());
        f.extend([1, payload.len() as u8, 0, !(payload.len() as u8), 0xff]);
        f.extend(payload);
        let mut crc = Crc::new();
        crc.update(&payload);
        f.extend(crc.sum().to_le_bytes());
        f.extend((payload.len() as u32).to_le_bytes());
        assert_eq!(parse_idx(&f).unwrap(), Idx { dims: vec![2], data: vec![42, 43] });
        // Unterminated file name.
        assert_eq!(gunzip_bounded(&f[..18], 100), Err(DataError::TruncatedGzip));
    }
}
