//! `gradlab norms --summary`: how much slower the first hidden layer learns than the last
//! at initialisation, ‖δ^1‖/‖δ^L‖, for every activation × initialisation × depth (the
//! README's table, issue 9 item 7).

use crate::cli::Common;
use crate::native::{load, progress, write_out, BoxError};
use gradlab::experiments::{mean_std, NormsRun};
use gradlab::init::BiasInit;
use gradlab::{Activation, Init, Real};
use std::fmt::Write as _;

/// A ratio with two significant digits, in scientific notation when far from 1.
pub fn sig(v: f64) -> String {
    if v.is_finite() && (0.01..1000.0).contains(&v.abs()) {
        let decimals = (1 - v.abs().log10().floor() as i32).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.1e}")
    }
}

pub fn summary<F: Real>(
    c: &Common,
    seeds: u64,
    (fs, inits): (&[Activation], &[Init]),
    (biases, (residual, batch_norm)): (BiasInit, (bool, bool)),
    (hiddens, width): (&[usize], usize),
    gain: f64,
) -> Result<(), BoxError> {
    let subset = load(c)?;
    let bar = progress(seeds * (fs.len() * inits.len() * hiddens.len()) as u64, "probing");
    let mut csv = String::from("activation,init,hidden_layers,seed,ratio\n");
    let mut rows = vec![];
    for &f in fs {
        for &init in inits {
            let mut run =
                NormsRun::new(hiddens, width, init, gain, 0, seeds as usize)?.with_activation(f).with_biases(biases).with_architecture(residual, batch_norm);
            while run.step::<F>(&subset.training)?.is_some() {
                bar.inc(1);
            }
            let mut cells = vec![];
            for row in run.rows() {
                // One ratio per seed, then their mean and sample deviation.
                let ratios: Vec<f64> = row.runs.iter().map(|r| r[0] / r[r.len() - 1]).collect();
                for (s, r) in ratios.iter().enumerate() {
                    writeln!(csv, "{},{init:?},{},{s},{r}", f.name(), row.hidden)?;
                }
                let (m, sd) = mean_std(&ratios);
                cells.push(format!("{} ± {}", sig(m), sig(sd)));
            }
            rows.push(format!("| {} | {} | {} |", f.name(), format!("{init:?}").to_lowercase(), cells.join(" | ")));
        }
    }
    bar.finish_and_clear();
    println!(
        "‖δ^1‖/‖δ^L‖ at initialisation (first over last hidden layer; 1 = every layer learns alike), mean ± std over {seeds} seeds, \
         hidden layers of {width}, gain {gain}, biases {biases:?}{}{}, first {} training images:",
        if residual { ", residual" } else { "" },
        if batch_norm { ", batch norm (running statistics at initialisation: N(0, 1)'s)" } else { "" },
        gradlab::probe::BOOK_SAMPLE.min(subset.training.len())
    );
    println!();
    let head: Vec<String> = hiddens.iter().map(|h| format!("{h} hidden layers")).collect();
    println!("| activation | initialisation | {} |", head.join(" | "));
    println!("|---|---|{}", "---|".repeat(hiddens.len()));
    for r in rows {
        println!("{r}");
    }
    println!();
    write_out(c, "norms-ratios.csv", &csv)
}
