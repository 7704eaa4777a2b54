//! `gradlab inside`: the factors of each hidden layer, the mean-field prediction and the
//! units' saturation, as JSON on standard output (a summary table and the files written
//! go to standard error, so the output pipes into `jq` or Python as it is).

use crate::cli::Common;
use crate::native::{load, read};
use gradlab::charts::{self, ChartText, InsideText, Theme};
use gradlab::experiments::seeded_network_with;
use gradlab::init::BiasInit;
use gradlab::inside::{init_variances, EpochInside, InsideConfig, InsideReport, InsideRun};
use gradlab::network2_json::from_json;
use gradlab::{Activation, Init, Network, Real, Rng, TrainConfig, Trainer};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

type BoxError = Box<dyn std::error::Error>;

/// A fresh network's settings (without --network).
pub struct Fresh {
    pub sizes: Vec<usize>,
    pub activation: Activation,
    pub init: Init,
    pub biases: BiasInit,
    pub gain: f64,
    pub residual: bool,
    pub batch_norm: bool,
    pub seed: u64,
}

/// What to look at.
pub struct Look {
    pub count: usize,
    pub spectrum_images: Option<usize>,
    /// Epochs to train before looking.
    pub trained: usize,
    pub epochs: usize,
    pub per_image: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Output<'a> {
    /// The weight gain of a fresh network (none for a file).
    gain: Option<f64>,
    /// The gain at which the mean-field factor is 1 (a fresh network: in the slider's units).
    critical_gain: Option<f64>,
    #[serde(flatten)]
    report: &'a InsideReport,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    epochs: &'a [EpochInside],
}

pub fn inside<F: Real>(c: &Common, network: Option<&Path>, fresh: Fresh, look: Look) -> Result<(), BoxError> {
    let subset = load(c)?;
    let seed = fresh.seed;
    let (net, rng, variances, gain): (Network<F>, _, _, _) = match network {
        Some(p) => {
            let text = String::from_utf8(read(p)?).map_err(|_| format!("{} is not UTF-8 text", p.display()))?;
            // A file's initialisation is unknown: the prediction measures its weights' variances.
            (from_json(&text).map_err(|e| format!("{}: {e}", p.display()))?, Rng::new(fresh.seed), None, None)
        }
        None => {
            let (net, rng) = seeded_network_with::<F>(&fresh.sizes, fresh.init, fresh.biases, fresh.gain, fresh.seed)?;
            let vars = init_variances(&fresh.sizes, fresh.init, fresh.biases, fresh.gain);
            let net = net.with_activation(fresh.activation).with_residual(fresh.residual).with_batch_norm(fresh.batch_norm);
            (net, rng, Some(vars), Some(fresh.gain))
        }
    };
    // Trained first: the initialisation's variances no longer describe the weights.
    let (net, rng, variances) = if look.trained > 0 {
        let mut trainer = Trainer::new(net, TrainConfig::default(), rng, &subset.training)?;
        for _ in 0..look.trained {
            trainer.run_epoch()?;
        }
        // The shuffling of any --epochs after it: a stream of its own.
        (trainer.net, Rng::new(seed.wrapping_add(1)), None)
    } else {
        (net, rng, variances)
    };
    let config = InsideConfig { count: look.count, spectrum_images: look.spectrum_images.unwrap_or(usize::MAX), variances, per_image: look.per_image };
    let start = Instant::now();
    let report = gradlab::inside::inside(&net, &subset.training, &config)?;
    let took = start.elapsed();
    let mut epochs = Vec::new();
    if look.epochs > 0 {
        let mut run = InsideRun::new(net, &subset.training, TrainConfig::default(), rng, look.count)?;
        for _ in 0..look.epochs {
            run.step()?;
        }
        epochs = run.recorder.history;
    }
    let critical_gain = report.critical_gain_factor.map(|k| k * gain.unwrap_or(1.0));
    println!("{}", serde_json::to_string_pretty(&Output { gain, critical_gain, report: &report, epochs: &epochs })?);
    summary(&report, critical_gain, gain.is_some(), took.as_secs_f64());
    let (mut t, ct, theme) = (InsideText::default(), ChartText::default(), Theme::light());
    // The matrix the factor chart shows, as the page names it (www/i18n/en.js `inside.chart.*`).
    if report.residual {
        t.factors.title = "Each layer's factor on ∂C/∂aˡ: singular values of Kˡ = I + (wˡ⁺¹)ᵀΣ′(zˡ⁺¹)".into();
        t.measured = "measured ‖∂C/∂aˡ‖/‖∂C/∂aˡ⁺¹‖ (median, range)".into();
    } else if report.batch_norm {
        t.factors.title = "Each layer's factor on the gradient: singular values of Jˡ = Σ′(ẑˡ)(wˡ⁺¹)ᵀ diag(γ/√(σ̄² + ε))".into();
    }
    if !report.predicted {
        t.norms.title = "‖δˡ‖ measured (no mean-field prediction for this network)".into();
    }
    // No prediction: no series (and no legend entry).
    let (chi, predicted_norms): (&[f64], &[f64]) = if report.predicted { (&report.mean_field.factors, &report.predicted_norms) } else { (&[], &[]) };
    let svg = charts::svg(900, 560, |a| charts::factor_chart(a, &report.factors, chi, &t, &ct, &theme))?;
    write(c, "inside-factors.svg", &svg)?;
    let svg = charts::svg(700, 450, |a| charts::inside_norms_chart(a, &report.norms, predicted_norms, &t, &ct, &theme))?;
    write(c, "inside-norms.svg", &svg)?;
    let svg = charts::svg(900, 200 + 170 * report.units.len() as u32, |a| charts::units_chart(a, &report.units, &t, &ct, &theme))?;
    write(c, "inside-units.svg", &svg)?;
    if !epochs.is_empty() {
        let svg = charts::svg(800, 500, |a| charts::update_ratio_chart(a, &epochs, &t, &ct, &theme))?;
        write(c, "inside-updates.svg", &svg)?;
        // ‖δˡ‖ against the epoch: the book's learning-speed figure, on the probe images.
        let norms: Vec<Vec<f64>> = epochs.iter().map(|e| e.log_norms.iter().map(|v| 10f64.powf(*v)).collect()).collect();
        let svg = charts::svg(800, 500, |a| charts::speed_chart(a, &norms, &ct, &theme))?;
        write(c, "inside-speed.svg", &svg)?;
        let svg = charts::svg(800, 420, |a| charts::norms_heatmap(a, &epochs, &t, &ct, &theme))?;
        write(c, "inside-heatmap.svg", &svg)?;
        let svg = charts::svg(800, 500, |a| charts::activations_chart(a, &epochs, &t, &ct, &theme))?;
        write(c, "inside-activations.svg", &svg)?;
    }
    Ok(())
}

/// The table a reader checks first, on standard error.
fn summary(r: &InsideReport, critical_gain: Option<f64>, fresh: bool, seconds: f64) {
    eprintln!("{:?} {}, {} probe images (spectra over {}), computed in {:.0} ms", r.sizes, r.activation, r.count, r.spectrum_images, 1e3 * seconds);
    eprintln!(
        "{:>5} {:>9} {:>9} {:>9} {:>9} | {:>9} {:>9} | {:>9} {:>9} | {:>6} {:>6}",
        "layer", "σ_max", "median", "σ_min", "rms", "ratio", "χ (m.f.)", "‖δˡ‖", "predicted", "sat.", "dead"
    );
    for ((f, u), l) in r.factors.iter().zip(&r.units).zip(0..) {
        let s = &f.spectrum;
        eprintln!(
            "{:>5} {:>9.3e} {:>9.3e} {:>9.3e} {:>9.3e} | {:>9.3e} {:>9.3e} | {:>9.3e} {:>9.3e} | {:>5.1}% {:>5.1}%",
            f.layer,
            s.largest,
            s.median,
            s.smallest,
            s.rms,
            f.ratio.median,
            r.mean_field.factors[l],
            r.norms[l],
            r.predicted_norms[l],
            100.0 * u.saturated,
            100.0 * u.dead
        );
    }
    let which = if fresh { "gain" } else { "factor on these weights" };
    if r.residual {
        eprintln!("skip connections: the factors and ratios are those of ∂C/∂aˡ (I + (wˡ⁺¹)ᵀΣ′(zˡ⁺¹); the last hidden layer's (wᴸ)ᵀ, from δᴸ)");
    }
    if !r.predicted {
        eprintln!("no mean-field prediction: its recursion is that of plain layers (no skips, no batch normalisation)");
        return;
    }
    match critical_gain {
        Some(g) => eprintln!("mean-field factor 1 at {which} {g:.3}"),
        None => eprintln!("the mean-field factor does not reach 1 for gains in [0.001, 1000]"),
    }
}

fn write(c: &Common, name: &str, contents: &str) -> Result<(), BoxError> {
    std::fs::create_dir_all(&c.out).map_err(|e| format!("cannot create {}: {e}", c.out.display()))?;
    let p = c.out.join(name);
    std::fs::write(&p, contents).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    eprintln!("wrote {}", p.display());
    Ok(())
}
