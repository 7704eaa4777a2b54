//! Builders of IDX files and gzip streams for the data-reading tests.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

/// An IDX file of unsigned bytes: magic 0x000008NN (NN = number of dimensions), the
/// dimensions as big-endian u32, then `data`.
pub fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, 8, dims.len() as u8];
    for d in dims {
        v.extend_from_slice(&d.to_be_bytes());
    }
    v.extend_from_slice(data);
    v
}

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A gzip bomb: `mib` MiB of zeros in one member, streamed through the encoder 1 MiB at a
/// time so the test never holds the inflated bytes. DEFLATE packs zeros about 1,000:1.
pub fn gzip_zeros(mib: usize) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..mib {
        e.write_all(&chunk).unwrap();
    }
    e.finish().unwrap()
}
