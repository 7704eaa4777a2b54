//! How long one refresh of the inside views takes in WebAssembly (issue 10's budget:
//! ≤ 100 ms for [784, 30, 30, 30, 30, 10] on 100 probe images, ≤ 300 ms at width 200), in
//! Node's V8 — the engine of Chromium's workers. Timing only; it asserts nothing about
//! time (machines differ), and prints the median of 5. The networks are f32, as the page's.
//! Run in release, as the page is built:
//!
//! CARGO_TARGET_DIR=target/wasm-simd RUSTFLAGS="-C target-feature=+simd128" \
//!   cargo test --release --target wasm32-unknown-unknown --test wasm_inside -- --nocapture
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use gradlab::data::Dataset;
use gradlab::experiments::{book_sizes, seeded_network};
use gradlab::inside::{init_variances, inside, spectrum_images_within, InsideConfig, REFRESH_WORK};
use gradlab::{Activation, Init};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn one_refresh_of_the_inside_views() {
    let data = Dataset::from_idx(include_bytes!("../www/data/train-images-idx3-ubyte.gz"), include_bytes!("../www/data/train-labels-idx1-ubyte.gz"))
        .unwrap_or_else(|_| panic!("the shipped data loads"));
    for width in [30, 100, 200] {
        for (f, init) in [(Activation::Sigmoid, Init::Scaled), (Activation::Relu, Init::He)] {
            let sizes = book_sizes(4, width);
            let (net, _) = seeded_network::<f32>(&sizes, init, 1.0, 0).unwrap_or_else(|_| panic!());
            let net = net.with_activation(f);
            let spectra = spectrum_images_within(&sizes, 100, REFRESH_WORK);
            let config =
                InsideConfig { spectrum_images: spectra, variances: Some(init_variances(&sizes, init, Default::default(), 1.0)), ..InsideConfig::default() };
            let mut ms: Vec<f64> = (0..6)
                .map(|_| {
                    let t = js_sys::Date::now();
                    let r = inside(&net, &data, &config).unwrap_or_else(|_| panic!());
                    assert_eq!(r.factors.len(), 4);
                    js_sys::Date::now() - t
                })
                .skip(1) // warm-up
                .collect();
            ms.sort_by(f64::total_cmp);
            console_log!("wasm inside {:?} {} spectra over {}: median {:.1} ms, best {:.1} ms", sizes, f.name(), spectra, ms[2], ms[0]);
        }
    }
}
