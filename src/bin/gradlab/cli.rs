//! The command line's flags and subcommands (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use gradlab::experiments::{BOOK_EPOCHS, MOMENTUM_MU};
use gradlab::init::BiasInit;
use gradlab::probe::{BOOK_SAMPLE, BOOK_SPEED_EPOCHS};
use gradlab::train::Momentum;
use gradlab::{Activation, Init};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "gradlab",
    version,
    about = "The vanishing gradient problem (Nielsen, Neural Networks and Deep Learning, ch. 5), reproduced",
    long_about = "Reproduces the numbers of Chapter 5 of Michael Nielsen's Neural Networks and Deep Learning \
              ('Why are deep neural networks hard to train?') with the book's network2: sigmoid neurons, \
              cross-entropy cost, L2 weight decay, mini-batch SGD.\n\n\
              By default it uses the reduced MNIST subset shipped in www/data (8,000 training, 1,000 validation, \
              1,000 test images); --mnist DIR uses the original MNIST files instead. Each command prints a table \
              beside the book's numbers and writes CSV and an SVG chart into --out.",
    after_help = "Examples:\n  gradlab norms                 ‖δ^l‖ at initialisation for 2, 3, 4 hidden layers\n  \
              gradlab speed --hidden 4      the learning-speed curves (500 epochs, book protocol)\n  \
              gradlab chain --layers 5      the chain's terms w·σ′(z) across a range of w\n  \
              gradlab depth --seeds 3       accuracy for 1–4 hidden layers (30 epochs each)\n  \
              gradlab inside --gain 8       each layer's factor on the gradient, predicted and measured, as JSON"
)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct Common {
    /// Folder for CSV and SVG output.
    #[arg(long, global = true, default_value = "out")]
    pub out: PathBuf,
    /// Use the original MNIST IDX files in this folder (train-images-idx3-ubyte[.gz],
    /// train-labels-idx1-ubyte[.gz], t10k-…) instead of the shipped subset; like the book,
    /// the first 50,000 training images train and the last 10,000 validate.
    #[arg(long, global = true, value_name = "DIR")]
    pub mnist: Option<PathBuf>,
    /// Read the subset's six files (www/data/*.gz) from this folder instead of the copy
    /// built into this program.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Float type for the computation: f64 (default; exact interop with network2.py) or f32 (faster).
    #[arg(long, global = true, value_enum, default_value_t = Precision::F64)]
    pub precision: Precision,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Precision {
    F32,
    F64,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum InitArg {
    /// w ~ N(0, 1/n_in), network2's default.
    Scaled,
    /// w ~ N(0, 1).
    Large,
    /// w = 0.
    Zero,
    /// Glorot & Bengio's U(±√6/√(n_in + n_out)).
    Glorot,
    /// He's N(0, 2/n_in), for ReLU.
    He,
    /// Orthogonal (QR of a Gaussian matrix), singular values 1.
    Orthogonal,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BiasArg {
    /// b ~ N(0, 1), network2's.
    Normal,
    /// b = 0 (the weights are the same numbers).
    Zero,
}

impl From<BiasArg> for BiasInit {
    fn from(b: BiasArg) -> BiasInit {
        match b {
            BiasArg::Normal => BiasInit::Normal,
            BiasArg::Zero => BiasInit::Zero,
        }
    }
}

impl From<InitArg> for Init {
    fn from(i: InitArg) -> Init {
        match i {
            InitArg::Scaled => Init::Scaled,
            InitArg::Large => Init::Large,
            InitArg::Zero => Init::Zero,
            InitArg::Glorot => Init::Glorot,
            InitArg::He => Init::He,
            InitArg::Orthogonal => Init::Orthogonal,
        }
    }
}

/// The hidden layers' activation (the output layer is always the sigmoid).
#[derive(Clone, Copy, ValueEnum, Default)]
pub enum ActivationArg {
    /// σ(z), network2's.
    #[default]
    Sigmoid,
    Tanh,
    Relu,
    /// max(0.01·z, z).
    LeakyRelu,
}

impl From<ActivationArg> for Activation {
    fn from(a: ActivationArg) -> Activation {
        match a {
            ActivationArg::Sigmoid => Activation::Sigmoid,
            ActivationArg::Tanh => Activation::Tanh,
            ActivationArg::Relu => Activation::Relu,
            ActivationArg::LeakyRelu => Activation::LeakyRelu,
        }
    }
}

/// Momentum (book, Chapter 3): v ← μv − η∇C, w ← w + v.
#[derive(Args, Clone, Copy, Debug)]
pub struct MomentumArgs {
    /// μ in [0, 1); 0 (the default) is plain SGD.
    #[arg(long, default_value_t = 0.0)]
    pub momentum: f64,
    /// Nesterov's accelerated gradient instead of classical momentum.
    #[arg(long, requires = "momentum")]
    pub nesterov: bool,
    /// Sutskever et al.'s schedule μ_t = min(1 − 2^(−1−log₂(⌊t/250⌋+1)), μ) over mini-batches t.
    #[arg(long, requires = "momentum")]
    pub momentum_schedule: bool,
}

impl MomentumArgs {
    /// None for plain SGD (μ = 0 and neither option), so the step is the book's own.
    pub fn get(self) -> Option<Momentum> {
        let m = Momentum { mu: self.momentum, nesterov: self.nesterov, schedule: self.momentum_schedule };
        (m != Momentum::default()).then_some(m)
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Train two configurations, A and B, on the same data in the same order from the same seed; print a table per epoch, write CSV and SVG charts.
    #[command(after_help = "Presets: sigmoid-relu (σ vs ReLU + He, 8 hidden layers), large-scaled (the book's N(0,1) vs N(0,1/n_in) weights, Chapter 3), \
                            sigmoid-tanh (4 hidden layers), gain (gain 1 vs 4, 4 hidden layers), plain-residual and batch-norm (10 sigmoid \
                            hidden layers without and with skip connections / batch normalisation), sgd-momentum (SGD vs momentum 0.9, 4 hidden layers).\n\
                            Settings: --a and --b take KEY=VALUE pairs separated by commas, applied to the preset's side (or to the book's \
                            [784, 30, 10] network2): activation=sigmoid|tanh|relu|leaky-relu, init=scaled|large|zero|glorot|he|orthogonal, \
                            biases=normal|zero, gain=G, hidden=N, width=N, eta=η, lambda=λ, mini-batch=m, residual=true|false, \
                            batch-norm=true|false, momentum=μ, nesterov=true|false, momentum-schedule=true|false.\n\
                            Example: gradlab compare --preset sigmoid-relu --b eta=0.01")]
    Compare {
        /// A named comparison (see below); --a and --b change it.
        #[arg(long)]
        preset: Option<String>,
        /// Settings of A, e.g. activation=relu,init=he,hidden=8,eta=0.03.
        #[arg(long, value_name = "KEY=VALUE,…", default_value = "")]
        a: String,
        /// Settings of B.
        #[arg(long, value_name = "KEY=VALUE,…", default_value = "")]
        b: String,
        /// Epochs (default: the preset's, else 10).
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
        epochs: Option<u64>,
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// The cures beyond the book on a deep sigmoid network: {plain, residual, batch norm, both} × {SGD, momentum}, accuracy after the last epoch and ‖δ^1‖/‖δ^L‖, mean ± std over seeds, as a Markdown table.
    Cures {
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
        seeds: u64,
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
        epochs: u64,
        /// Hidden sigmoid layers (each --width neurons).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10))]
        hidden: u64,
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=200))]
        width: u64,
        /// μ of the momentum column.
        #[arg(long, default_value_t = MOMENTUM_MU)]
        momentum: f64,
    },
    /// Accuracy for 1–4 hidden layers of 30 neurons (30 epochs, mini-batch 10, η 0.1, λ 5.0), mean ± std over seeds.
    Depth {
        /// Number of seeds per depth.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=1000))]
        seeds: u64,
        #[arg(long, default_value_t = BOOK_EPOCHS)]
        epochs: usize,
        /// Largest number of hidden layers (1..=this).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=10))]
        max_hidden: u64,
        /// The hidden layers' activation.
        #[arg(long, value_enum, default_value_t = ActivationArg::Sigmoid)]
        activation: ActivationArg,
    },
    /// ‖δ^l‖ at initialisation for 2, 3 and 4 hidden layers (or --hidden), over several seeds, both initialisations (or --init), any --activation.
    #[command(after_help = "With --summary, one table of ‖δ^1‖/‖δ^L‖ (first over last hidden layer, mean ± std over the seeds) for every \
                            --activation × --init (each may list several) and every --hidden, e.g. the README's:\n  \
                            gradlab norms --summary --activation sigmoid,tanh,relu --init scaled,glorot,he --hidden 2,5,10")]
    Norms {
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
        seeds: u64,
        /// The hidden layers' activation (several, comma-separated, with --summary).
        #[arg(long, value_enum, value_delimiter = ',', default_value = "sigmoid")]
        activation: Vec<ActivationArg>,
        /// The initialisation (default: scaled and large, the book's two); several, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',')]
        init: Vec<InitArg>,
        /// Print only the ratio ‖δ^1‖/‖δ^L‖ per activation, initialisation and depth, as a Markdown table.
        #[arg(long)]
        summary: bool,
        /// Numbers of hidden layers of 30 neurons, e.g. 2,3,4 (each 1 to 10).
        #[arg(long, value_delimiter = ',', default_value = "2,3,4", value_parser = clap::value_parser!(u64).range(1..=10))]
        hidden: Vec<u64>,
        /// Neurons per hidden layer (the book's 30; up to 200).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=200))]
        width: u64,
        /// Multiply every initial weight by this.
        #[arg(long, default_value_t = 1.0)]
        gain: f64,
        #[arg(long, value_enum, default_value_t = BiasArg::Normal)]
        biases: BiasArg,
        /// Skip connections between the hidden layers: a^l = a^{l−1} + f(z^l).
        #[arg(long)]
        residual: bool,
        /// Batch-normalise the hidden layers (at initialisation the probes' running statistics are N(0, 1)'s).
        #[arg(long)]
        batch_norm: bool,
    },
    /// The learning-speed curves: ‖δ^l‖ before each epoch of full-batch gradient descent on 1,000 images.
    Speed {
        /// Hidden layers (the book shows 2, 3 and 4).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=10))]
        hidden: u64,
        #[arg(long, default_value_t = BOOK_SPEED_EPOCHS)]
        epochs: usize,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// The hidden layers' activation.
        #[arg(long, value_enum, default_value_t = ActivationArg::Sigmoid)]
        activation: ActivationArg,
    },
    /// The single-neuron chain: terms w·σ′(z) and their product across a range of w.
    Chain {
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
        layers: u64,
        /// Choose every bias so that z_j = 0 (σ′ = 1/4: the book's exploding example); otherwise b = 0.
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        zero_z: bool,
        /// The activation of neurons 1..L−1 (the last is the output, σ). At z = 0 the ReLUs' f′ is their left slope (0 or 0.01).
        #[arg(long, value_enum, default_value_t = ActivationArg::Sigmoid)]
        activation: ActivationArg,
    },
    /// Load a network2 JSON file and print the mean ∂C/∂b and ‖δ^l‖ per layer over the first N training images, as JSON.
    Probe {
        #[arg(long, value_name = "FILE.json")]
        network: PathBuf,
        #[arg(long, default_value_t = BOOK_SAMPLE)]
        count: usize,
    },
    /// Inside the network: each hidden layer's factor J_l = Σ′(z^l)(w^{l+1})ᵀ (singular values, measured ratios; with skips I + (w^{l+1})ᵀΣ′(z^{l+1}) on ∂C/∂a^l), the mean-field prediction, saturated and dead units, as JSON; charts as SVG.
    Inside {
        /// A network2 JSON file (default: a fresh network from --hidden, --width, --activation, --init, --gain, --seed).
        #[arg(long, value_name = "FILE.json")]
        network: Option<PathBuf>,
        /// Probe images: the first N training images.
        #[arg(long, default_value_t = gradlab::inside::DEFAULT_COUNT)]
        count: usize,
        /// Pool the singular values over the first N probe images only (each costs O(width³) per layer).
        #[arg(long, value_name = "N")]
        spectrum_images: Option<usize>,
        /// Hidden layers of a fresh network (each --width neurons).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=10))]
        hidden: u64,
        /// Neurons per hidden layer (the book's 30; up to 200).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=200))]
        width: u64,
        /// The hidden layers' activation.
        #[arg(long, value_enum, default_value_t = ActivationArg::Sigmoid)]
        activation: ActivationArg,
        /// The weights' initialisation (the prediction uses its variances).
        #[arg(long, value_enum, default_value_t = InitArg::Scaled)]
        init: InitArg,
        /// Multiply every initial weight by this.
        #[arg(long, default_value_t = 1.0)]
        gain: f64,
        #[arg(long, value_enum, default_value_t = BiasArg::Normal)]
        biases: BiasArg,
        /// Skip connections between the hidden layers of a fresh network: a^l = a^{l−1} + f(z^l) (the factors then follow ∂C/∂a^l).
        #[arg(long)]
        residual: bool,
        /// Batch-normalise the hidden layers of a fresh network (the probes use the running statistics: N(0, 1)'s until trained, see --trained).
        #[arg(long)]
        batch_norm: bool,
        /// Train this many epochs first (book hyper-parameters: mini-batch 10, η 0.1, λ 5), then look; the prediction then measures the weights' variances.
        #[arg(long, default_value_t = 0)]
        trained: usize,
        /// Seed of a fresh network (and of the shuffling with --epochs).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Then train this many epochs (book hyper-parameters) and record, per epoch, log₁₀‖δ^l‖, the update-to-weight ratios, and the activations' mean ± std.
        #[arg(long, default_value_t = 0)]
        epochs: usize,
        /// Add every probe image's singular values, f′(z^l) and ratio to the JSON (for tests/reference/inside_check.py).
        #[arg(long)]
        per_image: bool,
    },
    /// Train a network (from a network2 JSON file or a fresh one) and save it in network2's format.
    Train {
        /// Start from this network2 JSON file.
        #[arg(long, value_name = "FILE.json")]
        init: Option<PathBuf>,
        /// Sizes of a fresh network, e.g. 784,30,10 (ignored with --init).
        #[arg(long, value_delimiter = ',', default_value = "784,30,10")]
        sizes: Vec<usize>,
        #[arg(long, value_enum, default_value_t = InitArg::Scaled)]
        weights: InitArg,
        /// The hidden layers' activation of a fresh network (a file's own with --init).
        #[arg(long, value_enum, default_value_t = ActivationArg::Sigmoid)]
        activation: ActivationArg,
        /// Skip connections between equal-width hidden layers: a^l = a^{l−1} + f(z^l) (a fresh network; a file's own with --init).
        #[arg(long)]
        residual: bool,
        /// Multiply every initial weight by this (small: vanishing; large: exploding).
        #[arg(long, default_value_t = 1.0)]
        gain: f64,
        #[arg(long, value_enum, default_value_t = BiasArg::Normal)]
        biases: BiasArg,
        #[arg(long, default_value_t = 1)]
        epochs: usize,
        #[arg(long, default_value_t = 10)]
        mini_batch: usize,
        #[arg(long, default_value_t = 0.1)]
        eta: f64,
        #[arg(long, default_value_t = 5.0)]
        lambda: f64,
        /// Keep the training set in order (no reshuffle per epoch), for comparing with network2.py.
        #[arg(long)]
        no_shuffle: bool,
        #[command(flatten)]
        momentum: MomentumArgs,
        /// Use only the first N training images.
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Where to save the trained network (network2 JSON).
        #[arg(long, value_name = "OUT.json")]
        save: Option<PathBuf>,
    },
}
