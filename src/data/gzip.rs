//! Bounded gzip inflation, so a small hostile file cannot expand into gigabytes.

use flate2::{Crc, Decompress, FlushDecompress, Status};

use super::DataError;

/// The largest expansion ratio DEFLATE can achieve is about 1032:1; used only to cap the
/// up-front allocation suggested by a gzip trailer.
const DEFLATE_MAX_RATIO: usize = 1032;

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

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

#[cfg(test)]
mod tests {
    use super::super::testing::{gz, sample};
    use super::*;
    use crate::data::{parse_idx, parse_idx_with_limit, Idx, MAX_DECOMPRESSED_BYTES};
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

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
}
