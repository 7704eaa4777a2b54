//! (b) ‖δ^l‖ at initialisation: the book's table, for several depths and seeds.

use super::*;

/// ‖δ^l‖ of every seed's network of one depth, and their mean and sample deviation per layer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NormsRow {
    pub hidden: usize,
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    /// `runs[s][l]`: ‖δ^{l+1}‖ of the network drawn from the `s`-th seed.
    pub runs: Vec<Vec<f64>>,
}

/// One network probed by [`NormsRun::step`].
#[derive(Clone, Debug, PartialEq)]
pub struct NormsProbe {
    pub hidden: usize,
    pub seed: u64,
    pub norms: Vec<f64>,
}

/// The chapter's table of ‖δ^l‖ at initialisation: for each depth, `seeds` networks drawn
/// from seeds `first_seed, first_seed + 1, …`, one network per step.
#[derive(Clone, Debug)]
pub struct NormsRun {
    hiddens: Vec<usize>,
    width: usize,
    init: Init,
    gain: f64,
    /// f of the hidden layers (σ: the book's).
    activation: Activation,
    biases: BiasInit,
    /// Skip connections and batch normalisation (issue 12; neither: the book's).
    residual: bool,
    batch_norm: bool,
    first_seed: u64,
    seeds: usize,
    /// The finished depths.
    rows: Vec<NormsRow>,
    /// The norms of the depth under way.
    runs: Vec<Vec<f64>>,
}

impl NormsRun {
    pub fn new(hiddens: &[usize], width: usize, init: Init, gain: f64, first_seed: u64, seeds: usize) -> Result<Self, ExperimentError> {
        at_least_one("the number of seeds", seeds)?;
        Ok(NormsRun {
            hiddens: hiddens.to_vec(),
            width,
            init,
            gain,
            activation: Activation::Sigmoid,
            biases: BiasInit::Normal,
            residual: false,
            batch_norm: false,
            first_seed,
            seeds,
            rows: Vec::new(),
            runs: Vec::new(),
        })
    }

    /// The same networks with hidden activation `f` (the same draws for every f).
    pub fn with_activation(mut self, f: Activation) -> Self {
        self.activation = f;
        self
    }

    /// The same networks with biases `biases` (zero: the same weights).
    pub fn with_biases(mut self, biases: BiasInit) -> Self {
        self.biases = biases;
        self
    }

    /// The same networks with skip connections and/or batch normalisation (the same draws).
    /// At initialisation batch norm's running statistics are N(0, 1)'s, which the probes
    /// use: ẑ = z/√(1 + ε), so its ‖δ^l‖ are the plain network's to ~1e-5.
    pub fn with_architecture(mut self, residual: bool, batch_norm: bool) -> Self {
        self.residual = residual;
        self.batch_norm = batch_norm;
        self
    }

    /// The book's table: 2, 3 and 4 hidden layers of 30, gain 1.
    pub fn book(init: Init, first_seed: u64, seeds: usize) -> Result<Self, ExperimentError> {
        Self::new(&BOOK_NORMS_HIDDEN, BOOK_WIDTH, init, 1.0, first_seed, seeds)
    }

    pub fn is_done(&self) -> bool {
        self.rows.len() == self.hiddens.len()
    }

    /// Networks probed so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.rows.len() * self.seeds + self.runs.len(), self.hiddens.len() * self.seeds)
    }

    /// The finished depths, shallowest first.
    pub fn rows(&self) -> &[NormsRow] {
        &self.rows
    }

    /// Probe the next network; `None` once every depth is done.
    pub fn step<F: Real>(&mut self, training: &Dataset) -> Result<Option<NormsProbe>, ExperimentError> {
        let Some(&hidden) = self.hiddens.get(self.rows.len()) else { return Ok(None) };
        let seed = self.first_seed + self.runs.len() as u64;
        let (net, _) = seeded_network_with::<F>(&book_sizes(hidden, self.width), self.init, self.biases, self.gain, seed)?;
        let net = net.with_activation(self.activation).with_residual(self.residual).with_batch_norm(self.batch_norm);
        let norms = probe(&net, training, BOOK_SAMPLE)?.norms();
        self.runs.push(norms.clone());
        if self.runs.len() == self.seeds {
            let runs = std::mem::take(&mut self.runs);
            let col = |l: usize| runs.iter().map(|r| r.get(l).copied().unwrap_or(f64::INFINITY)).collect::<Vec<_>>();
            let (mean, std) = (0..hidden).map(|l| mean_std(&col(l))).unzip();
            self.rows.push(NormsRow { hidden, mean, std, runs });
        }
        Ok(Some(NormsProbe { hidden, seed, norms }))
    }
}
