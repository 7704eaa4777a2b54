//! Training throughput (examples per second), single thread, on the shipped subset.
//!
//! Run: `cargo bench --bench throughput` (add `-- --quick` for one timed epoch).
//! Each case trains one warm-up epoch, then times whole epochs of mini-batch SGD (8,000
//! examples each, shuffling on) and reports the median and the best.

use gradlab::data::Subset;
use gradlab::experiments::seeded_network;
use gradlab::train::Momentum;
use gradlab::{Activation, Init, Real, TrainConfig, Trainer};
use std::time::Instant;

/// The tests' loader of the committed subset.
#[path = "../tests/common/subset.rs"]
mod subset;

/// The options beyond the book's: skip connections, batch normalisation, momentum.
#[derive(Default, Clone, Copy)]
struct Extras {
    residual: bool,
    batch_norm: bool,
    momentum: Option<Momentum>,
}

fn case<F: Real>(subset: &Subset, sizes: &[usize], m: usize, epochs: usize, f: Activation) -> (f64, f64) {
    case_with::<F>(subset, sizes, m, epochs, f, Extras::default())
}

fn case_with<F: Real>(subset: &Subset, sizes: &[usize], m: usize, epochs: usize, f: Activation, extras: Extras) -> (f64, f64) {
    let (net, rng) = seeded_network::<F>(sizes, Init::Scaled, 1.0, 1).unwrap();
    let net = net.with_activation(f).with_residual(extras.residual).with_batch_norm(extras.batch_norm);
    let config = TrainConfig { mini_batch_size: m, ..TrainConfig::default() };
    let mut trainer = Trainer::new(net, config, rng, &subset.training).unwrap();
    if let Some(momentum) = extras.momentum {
        trainer.set_momentum(momentum).unwrap();
    }
    trainer.run_epoch().unwrap();
    let mut rates: Vec<f64> = (0..epochs)
        .map(|_| {
            let t = Instant::now();
            trainer.run_epoch().unwrap();
            subset.training.len() as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (rates[rates.len() / 2], rates[rates.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // `-- only32` runs the f32 cases alone (for profiling); `-- extras` the issue-12
    // options alone, each beside the plain network it is measured against.
    let only32 = args.iter().any(|a| a == "only32");
    let extras_only = args.iter().any(|a| a == "extras");
    let epochs = if quick { 1 } else { 5 };
    let subset = subset::subset();
    println!("{:<28} {:>5} {:>6} {:>14} {:>14}", "sizes", "batch", "float", "median ex/s", "best ex/s");
    for sizes in [vec![784, 30, 10], vec![784, 30, 30, 30, 30, 10]] {
        for m in [10, 100].into_iter().filter(|&m| !extras_only || m == 10) {
            let name = format!("{sizes:?}");
            let (med, best) = case::<f32>(&subset, &sizes, m, epochs, Activation::Sigmoid);
            println!("{name:<28} {m:>5} {:>6} {med:>14.0} {best:>14.0}", "f32");
            if only32 || extras_only {
                continue;
            }
            let (med, best) = case::<f64>(&subset, &sizes, m, epochs, Activation::Sigmoid);
            println!("{name:<28} {m:>5} {:>6} {med:>14.0} {best:>14.0}", "f64");
        }
    }
    // The other hidden activations against the sigmoid above: the deep network, f32, m = 10.
    let sizes = [784, 30, 30, 30, 30, 10];
    for f in [Activation::Tanh, Activation::Relu, Activation::LeakyRelu].into_iter().filter(|_| !extras_only) {
        let (med, best) = case::<f32>(&subset, &sizes, 10, epochs, f);
        println!("{:<28} {:>5} {:>6} {med:>14.0} {best:>14.0}", format!("{sizes:?} {}", f.name()), 10, "f32");
    }
    // Skip connections, batch norm and momentum against the plain sigmoid network ("plain",
    // measured again among them): with `-- extras` each option is taken in turn, `rounds`
    // times, and the median of its rounds' medians printed, so that a change of the machine's
    // load falls on all of them alike.
    let momentum = Some(Momentum { mu: 0.9, nesterov: false, schedule: false });
    let nesterov = Some(Momentum { mu: 0.9, nesterov: true, schedule: false });
    let options = [
        ("plain", Extras::default()),
        ("residual", Extras { residual: true, ..Extras::default() }),
        ("batch norm", Extras { batch_norm: true, ..Extras::default() }),
        ("momentum 0.9", Extras { momentum, ..Extras::default() }),
        ("nesterov 0.9", Extras { momentum: nesterov, ..Extras::default() }),
        ("residual + batch norm", Extras { residual: true, batch_norm: true, ..Extras::default() }),
    ];
    let rounds = if extras_only && !quick { 3 } else { 1 };
    for sizes in [vec![784, 30, 10], vec![784, 30, 30, 30, 30, 10]] {
        let mut medians = vec![Vec::new(); options.len()];
        let mut bests = vec![0.0f64; options.len()];
        for _ in 0..rounds {
            for (i, (_, extras)) in options.iter().enumerate() {
                let (med, best) = case_with::<f32>(&subset, &sizes, 10, epochs, Activation::Sigmoid, *extras);
                medians[i].push(med);
                bests[i] = bests[i].max(best);
            }
        }
        for (i, (label, _)) in options.iter().enumerate() {
            medians[i].sort_by(f64::total_cmp);
            let med = medians[i][medians[i].len() / 2];
            println!("{:<28} {:>5} {:>6} {med:>14.0} {:>14.0}", format!("{sizes:?} {label}"), 10, "f32", bests[i]);
        }
    }
}
