//! `gradlab cures`: the cures beyond the book (issue 12) on one deep sigmoid network —
//! {plain, residual, batch norm, residual + batch norm} × {SGD, momentum μ} — validation
//! accuracy after the last epoch, mean ± std over seeds, beside ‖δ^1‖/‖δ^L‖ at
//! initialisation and after training (the README's table, issue 12 "What must hold").
//! Each architecture is one `CompareExperiment` per seed, A plain SGD and B with momentum:
//! the same networks, data and order, so the two columns differ by momentum alone.

use crate::cli::Common;
use crate::native::{load, progress, write_out, BoxError};
use crate::ratios::sig;
use gradlab::experiments::{mean_std, CompareExperiment, Setup, SideEpoch};
use gradlab::train::Momentum;
use gradlab::Real;
use std::fmt::Write as _;

/// The four architectures, as (name, residual, batch norm).
const ARCHITECTURES: [(&str, bool, bool); 4] =
    [("plain", false, false), ("residual", true, false), ("batch norm", false, true), ("residual + batch norm", true, true)];

/// What one side ended with: accuracy (NaN if it diverged) and ‖δ^1‖/‖δ^L‖ then.
fn end(h: &[SideEpoch], epochs: usize) -> (f64, f64) {
    let ratio = |e: &SideEpoch| e.norms[0] / e.norms[e.norms.len() - 1];
    h.get(epochs).map_or((f64::NAN, f64::NAN), |e| (100.0 * e.accuracy, ratio(e)))
}

fn cell(xs: &[f64], percent: bool) -> String {
    let ok: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    let diverged = xs.len() - ok.len();
    let (m, s) = mean_std(&ok);
    let text = if ok.is_empty() {
        "—".into()
    } else if percent {
        format!("{m:.1} ± {s:.1} %")
    } else {
        format!("{} ± {}", sig(m), sig(s))
    };
    if diverged > 0 {
        format!("{text} ({diverged} diverged)")
    } else {
        text
    }
}

pub fn cures<F: Real>(c: &Common, base: Setup, mu: f64, seeds: u64, epochs: usize) -> Result<(), BoxError> {
    let subset = load(c)?;
    let bar = progress(seeds * ARCHITECTURES.len() as u64, "training");
    let mut csv = String::from("architecture,momentum,seed,accuracy_last_epoch,ratio_init,ratio_last_epoch\n");
    let mut rows = vec![];
    for (name, residual, batch_norm) in ARCHITECTURES {
        let a = Setup { residual, batch_norm, ..base };
        let b = Setup { momentum: Momentum { mu, ..Momentum::default() }, ..a };
        // Per seed: [A accuracy, B accuracy], the ratio at initialisation, [A ratio, B ratio] at the end.
        let (mut acc, mut init, mut after) = ([vec![], vec![]], vec![], [vec![], vec![]]);
        for seed in 0..seeds {
            let mut run = CompareExperiment::<F>::new(a, b, seed, epochs, &subset)?;
            while run.step_epoch(&subset)?.is_some() {}
            let (ha, hb) = run.history();
            init.push(end(ha, 0).1);
            for (k, h) in [ha, hb].into_iter().enumerate() {
                let (accuracy, ratio) = end(h, epochs);
                acc[k].push(accuracy);
                after[k].push(ratio);
                writeln!(csv, "{name},{},{seed},{accuracy},{},{ratio}", [0.0, mu][k], end(h, 0).1)?;
            }
            bar.inc(1);
        }
        rows.push(format!(
            "| {name} | {} | {} | {} | {} | {} |",
            cell(&acc[0], true),
            cell(&acc[1], true),
            cell(&init, false),
            cell(&after[0], false),
            cell(&after[1], false)
        ));
    }
    bar.finish_and_clear();
    println!(
        "{} hidden {} layers of {}, η = {}, λ = {}, m = {}: validation accuracy after {epochs} epochs and ‖δ^1‖/‖δ^L‖, \
         mean ± std over {seeds} seeds (0–{}), the {} training images:",
        base.hidden,
        base.activation.name(),
        base.width,
        base.eta,
        base.lambda,
        base.mini_batch,
        seeds - 1,
        subset.training.len()
    );
    println!();
    println!("| network | SGD | momentum {mu} | ‖δ¹‖/‖δᴸ‖ at initialisation | after {epochs} epochs, SGD | after {epochs} epochs, momentum |");
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    println!();
    println!(
        "At initialisation batch norm's running statistics are N(0, 1)'s and the probes use them, so its ratio is the plain \
         network's (to ~1e-5); after training they are the data's."
    );
    write_out(c, "cures.csv", &csv)
}
