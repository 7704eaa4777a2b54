//! How long one refresh of the inside views takes (issue 10: ≤ 100 ms for
//! [784, 30, 30, 30, 30, 10] on 100 probe images, ≤ 300 ms at width 200, in the worker).
//!
//! Run: `cargo bench --bench inside` (add `-- --quick` for fewer repetitions). Natively,
//! one thread, f64; reports the median and the best of the repetitions, and the parts:
//! the singular values alone and the mean-field prediction with its critical gain.

use gradlab::experiments::{book_sizes, seeded_network};
use gradlab::inside::{critical_gain, init_variances, inside, mean_field, spectrum_images_within, InsideConfig, REFRESH_WORK};
use gradlab::{Activation, Init};
use std::time::Instant;

#[path = "../tests/common/subset.rs"]
mod subset;

fn time(reps: usize, mut f: impl FnMut()) -> (f64, f64) {
    f(); // warm-up
    let mut ms: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            1e3 * t.elapsed().as_secs_f64()
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[0])
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let reps = if quick { 3 } else { 9 };
    let data = subset::subset().training;
    println!("{:<34} {:>8} {:>9} {:>9} {:>9}", "network (f64, 100 probe images)", "spectra", "act.", "median ms", "best ms");
    // Every image's spectra, then as many as REFRESH_WORK allows (the page's refresh).
    let full = if quick { vec![30] } else { vec![30, 100, 200] };
    let cases = full.iter().map(|&w| (w, 100)).chain([30, 100, 200].map(|w| (w, spectrum_images_within(&book_sizes(4, w), 100, REFRESH_WORK))));
    for (width, spectra) in cases {
        for (f, init) in [(Activation::Sigmoid, Init::Scaled), (Activation::Relu, Init::He)] {
            let sizes = book_sizes(4, width);
            let (net, _) = seeded_network::<f64>(&sizes, init, 1.0, 0).unwrap();
            let net = net.with_activation(f);
            let config =
                InsideConfig { spectrum_images: spectra, variances: Some(init_variances(&sizes, init, Default::default(), 1.0)), ..InsideConfig::default() };
            let (med, best) = time(if width >= 100 && spectra == 100 { 1 } else { reps }, || {
                std::hint::black_box(inside(&net, &data, &config).unwrap());
            });
            println!("{:<34} {spectra:>8} {:>9} {med:>9.1} {best:>9.1}", format!("{sizes:?}"), f.name());
        }
    }
    let vars = init_variances(&book_sizes(4, 30), Init::Scaled, Default::default(), 1.0);
    let (med, best) = time(reps, || {
        std::hint::black_box(mean_field(Activation::Sigmoid, 0.1, &vars));
    });
    println!("{:<34} {:>8} {:>9} {med:>9.2} {best:>9.2}", "mean field, 4 hidden layers", "", "sigmoid");
    let (med, best) = time(reps, || {
        std::hint::black_box(critical_gain(Activation::Sigmoid, 0.1, &vars));
    });
    println!("{:<34} {:>8} {:>9} {med:>9.2} {best:>9.2}", "critical gain (regula falsi)", "", "sigmoid");
}
