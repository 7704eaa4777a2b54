//! The IDX reader on arbitrary bytes, raw or gzip: `parse_idx`, `gunzip_bounded`,
//! `Dataset::from_idx` and `Subset::from_idx_files`. Any panic, abort, timeout or
//! out-of-memory is a bug; on success the documented invariants must hold.
//!
//! The first byte picks the entry point; the rest is the file(s). Several files are cut
//! from one input at the separator `SEP`, so libFuzzer's mutations reach every file.
#![no_main]

use gradlab::data::{gunzip_bounded, parse_idx_with_limit, Dataset, Subset};
use libfuzzer_sys::fuzz_target;

/// Decompression bound for the fuzzer (1 MiB): small enough that a gzip bomb is cut short
/// quickly, large enough for every seed. `Subset` uses the library's 64 MiB default.
const LIMIT: usize = 1 << 20;
/// Separates the files of a multi-file input (chosen to be rare in IDX and gzip headers).
const SEP: &[u8] = b"|IDX|";

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(SEP.len()).position(|w| w == SEP) {
        parts.push(&rest[..at]);
        rest = &rest[at + SEP.len()..];
    }
    parts.push(rest);
    parts
}

fn check(d: &Dataset) {
    assert_eq!(d.images().len(), d.len() * d.pixels());
    assert!(d.labels().iter().all(|&l| l <= 9));
    if !d.is_empty() {
        assert_eq!(d.image(d.len() - 1).len(), d.pixels());
        assert_eq!(d.take(1).len(), 1);
        assert_eq!(d.slice(0..d.len()).unwrap().len(), d.len());
    }
    assert!(d.slice(d.len()..d.len() + 1).is_err());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 3 {
        0 => {
            if let Ok(idx) = parse_idx_with_limit(rest, LIMIT) {
                assert!(!idx.dims.is_empty());
                assert_eq!(idx.data.len(), idx.dims.iter().product::<usize>());
            }
            if let Ok(raw) = gunzip_bounded(rest, LIMIT) {
                assert!(raw.len() <= LIMIT || !rest.starts_with(&[0x1f, 0x8b]));
            }
        }
        1 => {
            let parts = split(rest);
            let (images, labels) = (parts[0], parts.get(1).copied().unwrap_or(&[]));
            if let Ok(d) = Dataset::from_idx_with_limit(images, labels, LIMIT) {
                check(&d);
            }
        }
        _ => {
            let parts = split(rest);
            let file = |k: usize| parts.get(k).copied().unwrap_or(&[]);
            if let Ok(s) = Subset::from_idx_files([file(0), file(1), file(2), file(3), file(4), file(5)]) {
                for d in [&s.training, &s.validation, &s.test] {
                    check(d);
                }
            }
        }
    }
});
