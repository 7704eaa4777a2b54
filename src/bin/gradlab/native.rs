//! The subcommands: each runs the library's code, prints a table beside the book's
//! numbers and writes CSV and an SVG chart.

use crate::cli::{Cli, Command, Common, Precision};
use clap::Parser;
use gradlab::chain::ChainBias;
use gradlab::charts::{self, ChartText};
use gradlab::data::{parse_idx, Dataset, Subset, SUBSET_FILES};
use gradlab::experiments::{self as ex, BOOK_DEPTH_ACCURACY, BOOK_INIT_NORMS, BOOK_NORMS_HIDDEN, BOOK_WIDTH};
use gradlab::init::BiasInit;
use gradlab::network2_json::{from_json, to_json};
use gradlab::probe::{probe, BOOK_SAMPLE, BOOK_SPEED_ETA, BOOK_SPEED_LAMBDA};
use gradlab::train::{accuracy, total_cost, Momentum};
use gradlab::{Activation, Init, Network, Real, Rng, TrainConfig, Trainer};
use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

pub(crate) type BoxError = Box<dyn std::error::Error>;
pub(crate) type SvgArea<'a> = plotters::drawing::DrawingArea<plotters::backend::SVGBackend<'a>, plotters::coord::Shift>;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.common.precision {
        Precision::F64 => run::<f64>(&cli),
        Precision::F32 => run::<f32>(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gradlab: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run<F: Real>(cli: &Cli) -> Result<(), BoxError> {
    let c = &cli.common;
    match &cli.command {
        Command::Depth { seeds, epochs, max_hidden, activation } => depth::<F>(c, *seeds, *epochs, *max_hidden as usize, (*activation).into()),
        Command::Cures { seeds, epochs, hidden, width, momentum } => {
            let base = ex::Setup { hidden: *hidden as usize, width: *width as usize, ..ex::Preset::from_name("plain-residual").expect("a preset").a };
            crate::cures::cures::<F>(c, base, *momentum, *seeds, *epochs as usize)
        }
        Command::Norms { seeds, activation, init, summary, hidden, width, gain, biases, residual, batch_norm } => {
            let arch = (*residual, *batch_norm);
            let hidden: Vec<usize> = hidden.iter().map(|&h| h as usize).collect();
            let mut inits: Vec<Init> = init.iter().map(|&i| i.into()).collect();
            if inits.is_empty() {
                inits = vec![Init::Scaled, Init::Large];
            }
            let fs: Vec<Activation> = activation.iter().map(|&a| a.into()).collect();
            if *summary {
                return crate::ratios::summary::<F>(c, *seeds, (&fs, &inits), ((*biases).into(), arch), (&hidden, *width as usize), *gain);
            }
            let [f] = fs[..] else { return Err("several activations make one table only with --summary".into()) };
            norms::<F>(c, *seeds, f, &inits, ((*biases).into(), arch), (&hidden, *width as usize), *gain)
        }
        Command::Speed { hidden, epochs, seed, activation } => speed::<F>(c, *hidden as usize, *epochs, *seed, (*activation).into()),
        Command::Chain { layers, zero_z, activation } => chain(c, *layers as usize, *zero_z, (*activation).into()),
        Command::Compare { preset, a, b, epochs, seed } => crate::compare::compare::<F>(c, preset.as_deref(), (a, b), epochs.map(|e| e as usize), *seed),
        Command::Probe { network, count } => probe_cmd::<F>(c, network, *count),
        Command::Inside {
            network,
            count,
            spectrum_images,
            hidden,
            width,
            activation,
            init,
            gain,
            biases,
            residual,
            batch_norm,
            trained,
            seed,
            epochs,
            per_image,
        } => {
            let fresh = crate::inside::Fresh {
                sizes: ex::book_sizes(*hidden as usize, *width as usize),
                activation: (*activation).into(),
                init: (*init).into(),
                biases: (*biases).into(),
                gain: *gain,
                residual: *residual,
                batch_norm: *batch_norm,
                seed: *seed,
            };
            let look = crate::inside::Look { count: *count, spectrum_images: *spectrum_images, trained: *trained, epochs: *epochs, per_image: *per_image };
            crate::inside::inside::<F>(c, network.as_deref(), fresh, look)
        }
        Command::Train {
            init,
            sizes,
            weights,
            activation,
            residual,
            gain,
            biases,
            epochs,
            mini_batch,
            eta,
            lambda,
            no_shuffle,
            momentum,
            limit,
            seed,
            save,
        } => {
            let config = TrainConfig { mini_batch_size: *mini_batch, eta: *eta, lambda: *lambda, shuffle: !no_shuffle };
            train::<F>(
                c,
                init.as_deref(),
                sizes,
                ((*weights).into(), (*biases).into()),
                ((*activation).into(), *residual),
                *gain,
                *epochs,
                (config, momentum.get()),
                *limit,
                *seed,
                save.as_deref(),
            )
        }
    }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, BoxError> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()).into())
}

/// The shipped subset, built into the program so that it runs from any folder once
/// installed (`cargo install --path .`), in the order of `SUBSET_FILES`.
const SHIPPED_SUBSET: [&[u8]; 6] = [
    include_bytes!("../../../www/data/train-images-idx3-ubyte.gz"),
    include_bytes!("../../../www/data/train-labels-idx1-ubyte.gz"),
    include_bytes!("../../../www/data/validation-images-idx3-ubyte.gz"),
    include_bytes!("../../../www/data/validation-labels-idx1-ubyte.gz"),
    include_bytes!("../../../www/data/test-images-idx3-ubyte.gz"),
    include_bytes!("../../../www/data/test-labels-idx1-ubyte.gz"),
];

/// The data: the shipped subset (built in, or from `--data DIR`), or the original MNIST
/// files split as the book did.
pub(crate) fn load(c: &Common) -> Result<Subset, BoxError> {
    let Some(dir) = &c.mnist else {
        let Some(data) = &c.data else {
            return Ok(Subset::from_idx_files(SHIPPED_SUBSET)?);
        };
        let files: Vec<Vec<u8>> = SUBSET_FILES.iter().map(|f| read(&data.join(f))).collect::<Result<_, _>>()?;
        return Ok(Subset::from_idx_files([&files[0], &files[1], &files[2], &files[3], &files[4], &files[5]])?);
    };
    let find = |stem: &str| -> Result<Vec<u8>, BoxError> {
        for name in [format!("{stem}.gz"), stem.to_string()] {
            let p = dir.join(&name);
            if p.exists() {
                return read(&p);
            }
        }
        Err(format!("{} holds neither {stem} nor {stem}.gz", dir.display()).into())
    };
    let with_name = |stem: &str| -> Result<gradlab::data::Idx, BoxError> { parse_idx(&find(stem)?).map_err(|e| format!("{stem}: {e}").into()) };
    let (ti, tl) = (with_name("train-images-idx3-ubyte")?, with_name("train-labels-idx1-ubyte")?);
    let (si, sl) = (with_name("t10k-images-idx3-ubyte")?, with_name("t10k-labels-idx1-ubyte")?);
    let to_set = |stem: &str, i: gradlab::data::Idx, l: gradlab::data::Idx| -> Result<Dataset, BoxError> {
        if i.dims.len() != 3 {
            return Err(format!("{stem}-images-idx3-ubyte: images have {} dimensions, expected 3", i.dims.len()).into());
        }
        // A label file of rank 2 (say [n, 1]) would otherwise pass as n·1 labels.
        if l.dims.len() != 1 {
            return Err(format!("{stem}-labels-idx1-ubyte: labels have {} dimensions, expected 1", l.dims.len()).into());
        }
        Dataset::new(i.data, l.data, i.dims[1], i.dims[2]).map_err(|e| format!("{stem} files: {e}").into())
    };
    let all = to_set("train", ti, tl)?;
    // The book's split of MNIST's 60,000 training images: 50,000 training, 10,000 validation.
    let cut = all.len().saturating_sub(10_000);
    Ok(Subset { training: all.slice(0..cut)?, validation: all.slice(cut..all.len())?, test: to_set("t10k", si, sl)? })
}

pub(crate) fn progress(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed}, ~{eta} left)").expect("valid template").progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// Write `name` into the output folder and say so.
pub(crate) fn write_out(c: &Common, name: &str, contents: &str) -> Result<(), BoxError> {
    std::fs::create_dir_all(&c.out).map_err(|e| format!("cannot create {}: {e}", c.out.display()))?;
    let p = c.out.join(name);
    std::fs::write(&p, contents).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    println!("wrote {}", p.display());
    Ok(())
}

pub(crate) fn svg_out(c: &Common, name: &str, w: u32, h: u32, draw: impl FnOnce(&SvgArea) -> Result<(), charts::ChartError>) -> Result<(), BoxError> {
    let svg = charts::svg(w, h, draw)?;
    write_out(c, name, &svg)
}

fn depth<F: Real>(c: &Common, seeds: u64, epochs: usize, max_hidden: usize, f: Activation) -> Result<(), BoxError> {
    let subset = load(c)?;
    let mut run = ex::DepthExperiment::<F>::new(max_hidden, BOOK_WIDTH, 0, seeds as usize, epochs, TrainConfig::default())?.with_activation(f);
    let bar = progress(run.progress().1 as u64, "training");
    let mut csv = String::from("hidden_layers,seed,epoch,validation_accuracy\n");
    println!("Accuracy on {} validation images after {epochs} epochs ({} training images), {seeds} seed(s):", subset.validation.len(), subset.training.len());
    println!("{:>14} {:>20} {:>20} {:>12}", "hidden layers", "final (mean ± std)", "best (mean ± std)", "book");
    while let Some(e) = run.step_epoch(&subset)? {
        writeln!(csv, "{},{},{},{}", e.hidden, e.seed, e.epoch, e.accuracy)?;
        bar.inc(1);
        if let Some(r) = run.rows().last().filter(|r| r.hidden == e.hidden) {
            let book = BOOK_DEPTH_ACCURACY.get(r.hidden - 1).map_or("—".to_string(), |b| format!("{b:.2} %"));
            bar.suspend(|| {
                println!(
                    "{:>14} {:>20} {:>20} {book:>12}",
                    r.hidden,
                    format!("{:.2} ± {:.2} %", r.mean, r.std),
                    format!("{:.2} ± {:.2} %", r.best_mean, r.best_std)
                )
            });
        }
    }
    bar.finish_and_clear();
    println!("The book's runs used 50,000 full-MNIST images; on the subset accuracies are lower, and deep nets may sit near chance (10 %) for epochs: that is the vanishing gradient.");
    write_out(c, "depth.csv", &csv)?;
    let rows: Vec<(usize, f64, f64)> = run.rows().iter().map(|r| (r.hidden, r.mean, r.std)).collect();
    svg_out(c, "depth.svg", 800, 500, |a| charts::depth_chart(a, &rows, &BOOK_DEPTH_ACCURACY, &ChartText::default(), &Default::default()))
}

fn norms<F: Real>(
    c: &Common,
    seeds: u64,
    f: Activation,
    inits: &[Init],
    (biases, (residual, batch_norm)): (BiasInit, (bool, bool)),
    (hiddens, width): (&[usize], usize),
    gain: f64,
) -> Result<(), BoxError> {
    let subset = load(c)?;
    let mut csv = String::from("init,hidden_layers,seed,layer,norm\n");
    let bar = progress(seeds * (hiddens.len() * inits.len()) as u64, "probing");
    let mut lines = Vec::new();
    let mut chart_rows = Vec::new();
    // The book's numbers compare only with its own networks: sigmoid, scaled, gain 1, 2–4 hidden.
    let book_of = |init: Init, hidden: usize| {
        (f == Activation::Sigmoid && init == Init::Scaled && gain == 1.0 && biases == BiasInit::Normal && width == BOOK_WIDTH && !residual && !batch_norm)
            .then(|| BOOK_NORMS_HIDDEN.iter().position(|&h| h == hidden))
            .flatten()
    };
    if f != Activation::Sigmoid || gain != 1.0 || biases != BiasInit::Normal || width != BOOK_WIDTH || residual || batch_norm {
        println!("activation {}, gain {gain}, biases {biases:?}, width {width}, residual {residual}, batch norm {batch_norm}", f.name());
    }
    for &init in inits {
        let mut run =
            ex::NormsRun::new(hiddens, width, init, gain, 0, seeds as usize)?.with_activation(f).with_biases(biases).with_architecture(residual, batch_norm);
        while let Some(p) = run.step::<F>(&subset.training)? {
            for (l, n) in p.norms.iter().enumerate() {
                writeln!(csv, "{init:?},{},{},{},{n}", p.hidden, p.seed, l + 1)?;
            }
            bar.inc(1);
        }
        for row in run.rows() {
            let hidden = row.hidden;
            let ours = row.mean.iter().zip(&row.std).map(|(m, s)| format!("{m:.4}±{s:.4}")).collect::<Vec<_>>().join(", ");
            let k = book_of(init, hidden);
            let book = k.map_or("—".into(), |k| BOOK_INIT_NORMS[k].iter().map(|b| book_norm(*b, k)).collect::<Vec<_>>().join(", "));
            lines.push(format!("{:>7} {hidden:>6}   {ours:<60} {book}", format!("{init:?}").to_lowercase()));
            if init == inits[0] {
                chart_rows.push((hidden, row.mean.clone(), k.map(|k| BOOK_INIT_NORMS[k])));
            }
        }
    }
    bar.finish_and_clear();
    println!("‖δ^l‖ at initialisation, first hidden layer first, mean ± std over {seeds} seed(s), first {BOOK_SAMPLE} training images:");
    println!("{:>7} {:>6}   {:<60} book (scaled init)", "init", "hidden", "ours");
    for l in lines {
        println!("{l}");
    }
    write_out(c, "norms.csv", &csv)?;
    for (hidden, means, book) in &chart_rows {
        svg_out(c, &format!("norms-{hidden}.svg"), 700, 450, |a| charts::norm_bars(a, means, *book, &ChartText::default(), &Default::default()))?;
    }
    Ok(())
}

fn speed<F: Real>(c: &Common, hidden: usize, epochs: usize, seed: u64, f: Activation) -> Result<(), BoxError> {
    let subset = load(c)?;
    let mut run = ex::SpeedExperiment::<F>::with_activation(&subset.training, hidden, f, seed, epochs)?;
    if f != Activation::Sigmoid {
        println!("hidden activation {}", f.name());
    }
    let bar = progress(epochs as u64, "epochs");
    while run.step()? {
        bar.inc(1);
    }
    bar.finish_and_clear();
    let h = run.history();
    println!(
        "Learning speed ‖δ^l‖ for [784, {}, 10] (book protocol: {BOOK_SAMPLE} images, full batch, η = {BOOK_SPEED_ETA}, λ = {BOOK_SPEED_LAMBDA}):",
        vec!["30"; hidden].join(", ")
    );
    println!("{:>6}  {}", "epoch", (1..=hidden).map(|l| format!("{:>10}", format!("‖δ^{l}‖"))).collect::<String>());
    let show: Vec<usize> = [0, 1, 10, 50, 100, 200, 300, 400, epochs.saturating_sub(1)].into_iter().filter(|&e| e < h.len()).collect();
    let mut last = usize::MAX;
    for e in show {
        if e != last {
            println!("{e:>6}  {}", h[e].iter().map(|n| format!("{n:>10.2e}")).collect::<String>());
            last = e;
        }
    }
    let mut csv = format!("epoch,{}\n", (1..=hidden).map(|l| format!("layer{l}")).collect::<Vec<_>>().join(","));
    for (e, row) in h.iter().enumerate() {
        writeln!(csv, "{e},{}", row.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","))?;
    }
    println!("The book's figures show the same ordering throughout: the first hidden layer learns slowest.");
    write_out(c, &format!("speed-{hidden}.csv"), &csv)?;
    svg_out(c, &format!("speed-{hidden}.svg"), 800, 500, |a| charts::speed_chart(a, h, &ChartText::default(), &Default::default()))
}

fn chain(c: &Common, layers: usize, zero_z: bool, f: Activation) -> Result<(), BoxError> {
    let bias = if zero_z { ChainBias::ZeroZ } else { ChainBias::Given };
    // From 0.01 to 200, 8 steps per decade: the page's slider range.
    let weights: Vec<f64> = (0..=35).map(|k| 10f64.powf(-2.0 + k as f64 / 8.0)).filter(|&w| w <= 200.0).collect();
    let sweep = ex::chain_sweep_with(layers, &weights, bias, f)?;
    if f != Activation::Sigmoid {
        println!("neurons 1..{} {}, the last σ; the columns' σ′ is f′", layers.saturating_sub(1), f.name());
    }
    println!("Chain of {layers} neurons, every w_j = w, {}:", if zero_z { "biases chosen so z_j = 0 (σ′ = 1/4)" } else { "b_j = 0" });
    println!("{:>10} {:>12} {:>14} {:>14}  regime", "w", "w·σ′(z_2)", "product", "∂C/∂b_1");
    let mut csv = String::from("w,term,product,dc_db1,regime\n");
    for (w, r) in &sweep {
        let term = r.terms.get(1).copied().unwrap_or(f64::NAN);
        let product = *r.running_product.last().expect("at least one neuron");
        println!("{w:>10.4} {term:>12.4e} {product:>14.4e} {:>14.4e}  {:?}", r.dc_db1, r.regime);
        writeln!(csv, "{w},{term},{product},{},{:?}", r.dc_db1, r.regime)?;
    }
    println!("Book: with w = 100 and z = 0 every term is 25 and the gradient explodes; with |w| < 1 (N(0,1) weights, mostly) every term is below 1/4 and it vanishes.");
    write_out(c, "chain.csv", &csv)?;
    svg_out(c, "chain-sweep.svg", 800, 500, |a| charts::chain_sweep_chart(a, &sweep, &ChartText::default(), &Default::default()))?;
    let example = gradlab::Chain::book_exploding(layers).report()?;
    svg_out(c, "chain-exploding.svg", 900, 700, |a| charts::chain_chart(a, &example, Activation::Sigmoid, &ChartText::default(), &Default::default()))
}

fn probe_cmd<F: Real>(c: &Common, network: &Path, count: usize) -> Result<(), BoxError> {
    let text = String::from_utf8(read(network)?).map_err(|_| format!("{} is not UTF-8 text", network.display()))?;
    let net: Network<F> = from_json(&text).map_err(|e| format!("{}: {e}", network.display()))?;
    let subset = load(c)?;
    let p = probe(&net, &subset.training, count)?;
    println!("{}", serde_json::to_string_pretty(&p)?);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn train<F: Real>(
    c: &Common,
    init: Option<&Path>,
    sizes: &[usize],
    weights: (Init, BiasInit),
    (activation, residual): (Activation, bool),
    gain: f64,
    epochs: usize,
    (config, momentum): (TrainConfig, Option<Momentum>),
    limit: Option<usize>,
    seed: u64,
    save: Option<&Path>,
) -> Result<(), BoxError> {
    let mut rng = Rng::new(seed);
    let net: Network<F> = match init {
        Some(p) => {
            let text = String::from_utf8(read(p)?).map_err(|_| format!("{} is not UTF-8 text", p.display()))?;
            from_json(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => Network::new_with_biases(sizes, weights.0, weights.1, gain, gradlab::Cost::CrossEntropy, &mut rng)?
            .with_activation(activation)
            .with_residual(residual),
    };
    let subset = load(c)?;
    let training = match limit {
        Some(n) => subset.training.take(n),
        None => subset.training.clone(),
    };
    let mut trainer = Trainer::new(net, config, rng, &training)?;
    if let Some(m) = momentum {
        trainer.set_momentum(m)?;
    }
    let bar = progress(epochs as u64, "epochs");
    println!("{:>6} {:>12} {:>12}", "epoch", "accuracy", "cost");
    for e in 1..=epochs {
        trainer.run_epoch()?;
        let acc = accuracy(&trainer.net, &subset.validation)? as f64 / subset.validation.len() as f64;
        let cost = total_cost(&trainer.net, &training, config.lambda)?;
        bar.suspend(|| println!("{e:>6} {:>11.2}% {cost:>12.5}", 100.0 * acc));
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(p) = save {
        std::fs::write(p, to_json(&trainer.net)).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        println!("saved {}", p.display());
    }
    Ok(())
}

/// The book's ‖δ^l‖ as the chapter prints them: two decimals for 2 hidden layers, three for 3 and 4.
fn book_norm(b: f64, depth_index: usize) -> String {
    format!("{b:.*}", if depth_index == 0 { 2 } else { 3 })
}
