//! The committed MNIST subset (`www/data/`), loaded once per test binary that asks.

use gradlab::data::{Subset, SUBSET_FILES};

/// The six files of `www/data/` as a [`Subset`] (8,000 / 1,000 / 1,000 images).
pub fn subset() -> Subset {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/");
    let f: Vec<Vec<u8>> = SUBSET_FILES.iter().map(|n| std::fs::read(format!("{dir}{n}")).expect("a file of www/data")).collect();
    Subset::from_idx_files([&f[0], &f[1], &f[2], &f[3], &f[4], &f[5]]).expect("the committed subset loads")
}
