//! `gradlab compare`: A and B trained side by side (the library's `CompareExperiment`),
//! a table per epoch, the numbers as CSV and the shared charts as SVG.

use crate::cli::{ActivationArg, BiasArg, Common, InitArg};
use crate::native::{load, progress, svg_out, write_out, BoxError};
use clap::ValueEnum;
use gradlab::charts::{self, ChartText};
use gradlab::experiments::{CompareExperiment, Preset, Setup, SideEpoch, PRESETS};
use gradlab::Real;
use std::fmt::Write as _;

/// The keys of `--a` and `--b`.
pub const KEYS: [&str; 14] = [
    "activation",
    "init",
    "biases",
    "gain",
    "hidden",
    "width",
    "eta",
    "lambda",
    "mini-batch",
    "residual",
    "batch-norm",
    "momentum",
    "nesterov",
    "momentum-schedule",
];

/// Apply `KEY=VALUE,…` to `setup`; the error names the bad pair.
fn apply(mut setup: Setup, settings: &str, side: &str) -> Result<Setup, BoxError> {
    for pair in settings.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = |why: &str| -> BoxError { format!("--{side} {pair}: {why}").into() };
        let (key, value) = pair.split_once('=').ok_or_else(|| bad("expected KEY=VALUE"))?;
        let (key, value) = (key.trim(), value.trim());
        let num = |what: &str| value.parse::<f64>().map_err(|_| bad(&format!("{what} must be a number")));
        let count = |what: &str| value.parse::<usize>().map_err(|_| bad(&format!("{what} must be a whole number")));
        let flag = || value.parse::<bool>().map_err(|_| bad("must be true or false"));
        match key {
            "activation" => setup.activation = ActivationArg::from_str(value, true).map_err(|e| bad(&e))?.into(),
            "init" => setup.init = InitArg::from_str(value, true).map_err(|e| bad(&e))?.into(),
            "biases" => setup.biases = BiasArg::from_str(value, true).map_err(|e| bad(&e))?.into(),
            "gain" => setup.gain = num("the gain")?,
            "eta" => setup.eta = num("η")?,
            "lambda" => setup.lambda = num("λ")?,
            "hidden" => setup.hidden = count("the number of hidden layers")?,
            "width" => setup.width = count("the width")?,
            "mini-batch" => setup.mini_batch = count("the mini-batch size")?,
            "residual" => setup.residual = flag()?,
            "batch-norm" => setup.batch_norm = flag()?,
            "momentum" => setup.momentum.mu = num("μ")?,
            "nesterov" => setup.momentum.nesterov = flag()?,
            "momentum-schedule" => setup.momentum.schedule = flag()?,
            _ => return Err(bad(&format!("unknown setting ({})", KEYS.join(", ")))),
        }
    }
    Ok(setup)
}

/// A setup in one line, as the table's header shows it.
pub fn describe(s: &Setup) -> String {
    let m = s.momentum;
    let momentum = if m == gradlab::train::Momentum::default() {
        String::new()
    } else {
        format!(", {} μ = {}{}", if m.nesterov { "nesterov" } else { "momentum" }, m.mu, if m.schedule { " (scheduled)" } else { "" })
    };
    format!(
        "{} {} weights{}{}{}{}, {} hidden × {}, η = {}, λ = {}, m = {}{momentum}",
        s.activation.name(),
        s.init.name(),
        if s.gain == 1.0 { String::new() } else { format!(" × {}", s.gain) },
        if s.biases == gradlab::init::BiasInit::Zero { ", zero biases" } else { "" },
        if s.residual { ", residual" } else { "" },
        if s.batch_norm { ", batch norm" } else { "" },
        s.hidden,
        s.width,
        s.eta,
        s.lambda,
        s.mini_batch
    )
}

fn cell(e: Option<&SideEpoch>) -> String {
    match e {
        Some(e) => {
            let (first, last) = (e.norms.first().copied().unwrap_or(f64::NAN), e.norms.last().copied().unwrap_or(f64::NAN));
            format!("{:>7.2} % {:>9.4} {first:>9.2e} {last:>9.2e}", 100.0 * e.accuracy, e.cost)
        }
        None => format!("{:>39}", "—"),
    }
}

pub fn compare<F: Real>(c: &Common, preset: Option<&str>, (a, b): (&str, &str), epochs: Option<usize>, seed: u64) -> Result<(), BoxError> {
    let preset = match preset {
        Some(name) => Some(Preset::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
            format!("no preset named {name:?}; the presets are {}", names.join(", "))
        })?),
        None => None,
    };
    let (base_a, base_b) = preset.map_or((Setup::default(), Setup::default()), |p| (p.a, p.b));
    let (sa, sb) = (apply(base_a, a, "a")?, apply(base_b, b, "b")?);
    let epochs = epochs.or(preset.map(|p| p.epochs)).unwrap_or(10);
    let subset = load(c)?;
    let mut run = CompareExperiment::<F>::new(sa, sb, seed, epochs, &subset)?;
    if let Some(p) = preset {
        println!("preset {}", p.name);
    }
    println!("A: {}\nB: {}", describe(&sa), describe(&sb));
    if sa.batch_norm || sb.batch_norm {
        println!("With batch norm β is the hidden layers' bias: a batch-normalised side's ‖δ^l‖ below is ‖∂C/∂β^l‖.");
    }
    println!(
        "Same seed ({seed}), same order of the {} training images; validation accuracy on {}, cost and ‖δ^l‖ on the first {} training images:",
        subset.training.len(),
        subset.validation.len(),
        gradlab::probe::BOOK_SAMPLE
    );
    let head = |s: &Setup| format!("{:>9} {:>9} {:>9} {:>9}", "accuracy", "cost", "‖δ^1‖", format!("‖δ^{}‖", s.hidden));
    println!("{:>5}  A {}   B {}", "epoch", head(&sa), head(&sb));
    let (h0a, h0b) = run.history();
    println!("{:>5}    {}     {}", 0, cell(h0a.first()), cell(h0b.first()));
    let bar = progress(epochs as u64, "epochs");
    while let Some(e) = run.step_epoch(&subset)? {
        bar.suspend(|| {
            if e.a.is_some() || e.b.is_some() {
                println!("{:>5}    {}     {}", e.epoch, cell(e.a.as_ref()), cell(e.b.as_ref()));
            }
            for (side, d) in [("A", &e.a_diverged), ("B", &e.b_diverged)] {
                if let Some(d) = d {
                    println!("       {side} stopped: {}", d.message);
                }
            }
        });
        bar.set_position(run.progress().0 as u64);
    }
    bar.finish_and_clear();
    let (ha, hb) = run.history();
    if let Some(book) = preset.and_then(|p| p.book) {
        let acc = |h: &[SideEpoch], e: usize| h.get(e).map_or("—".into(), |x| format!("{:.2} %", 100.0 * x.accuracy));
        println!(
            "Book (Chapter 3, 50,000 full-MNIST images): after epoch 1 A under {} %, B almost {} %; both end a little over {} %.",
            book.first_epoch_a_below, book.first_epoch_b_about, book.final_above
        );
        println!(
            "Here (the {}-image subset): after epoch 1 A {}, B {}; after epoch {epochs} A {}, B {}.",
            subset.training.len(),
            acc(ha, 1),
            acc(hb, 1),
            acc(ha, epochs),
            acc(hb, epochs)
        );
    }
    let layers = sa.hidden.max(sb.hidden);
    let mut csv = format!("side,epoch,accuracy,cost,{}\n", (1..=layers).map(|l| format!("norm_layer{l}")).collect::<Vec<_>>().join(","));
    for (side, h) in [("A", ha), ("B", hb)] {
        for (e, x) in h.iter().enumerate() {
            let norms: Vec<String> = (0..layers).map(|l| x.norms.get(l).map_or(String::new(), |v| v.to_string())).collect();
            writeln!(csv, "{side},{e},{},{},{}", x.accuracy, x.cost, norms.join(","))?;
        }
    }
    write_out(c, "compare.csv", &csv)?;
    let mut t = ChartText::default();
    // A batch-normalised side's speed of learning is ‖∂C/∂β^l‖ (β is its bias), as on the page.
    let q = match (sa.batch_norm, sb.batch_norm) {
        (false, false) => None,
        (true, true) => Some("‖∂C/∂βˡ‖"),
        (true, false) => Some("A ‖∂C/∂βˡ‖, B ‖δˡ‖"),
        (false, true) => Some("A ‖δˡ‖, B ‖∂C/∂βˡ‖"),
    };
    if let Some(q) = q {
        t.compare_norms.title = "Speed of learning of each hidden layer, A and B".into();
        t.compare_norms.y = format!("{q} (log scale)");
        t.compare_speed.y = format!("{q} (log scale)");
    }
    let th = Default::default();
    let norms = |h: &[SideEpoch]| h.last().map(|x| x.norms.clone()).unwrap_or_default();
    let speed = |h: &[SideEpoch]| h.iter().map(|x| x.norms.clone()).collect::<Vec<_>>();
    let series = |h: &[SideEpoch], f: fn(&SideEpoch) -> f64| h.iter().skip(1).map(f).collect::<Vec<_>>();
    svg_out(c, "compare-norms.svg", 800, 500, |area| charts::compare_norms_chart(area, (&norms(ha), &norms(hb)), &t, &th))?;
    svg_out(c, "compare-speed.svg", 800, 500, |area| charts::compare_speed_chart(area, (&speed(ha), &speed(hb)), &t, &th))?;
    let (acc, cost) = ((series(ha, |x| 100.0 * x.accuracy), series(hb, |x| 100.0 * x.accuracy)), (series(ha, |x| x.cost), series(hb, |x| x.cost)));
    svg_out(c, "compare-training.svg", 800, 600, |area| charts::compare_training_chart(area, (&acc.0, &acc.1), (&cost.0, &cost.1), &t, &th))
}
