//! (d) Accuracy against the number of hidden layers.

use super::*;

/// One depth of the depth experiment: accuracies in percent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepthRow {
    pub hidden: usize,
    /// Final accuracy after the last epoch, mean and sample deviation over the runs.
    pub mean: f64,
    pub std: f64,
    /// Best epoch's accuracy, mean and deviation over the runs.
    pub best_mean: f64,
    pub best_std: f64,
    pub finals: Vec<f64>,
    pub bests: Vec<f64>,
    /// `curves[run][epoch]`: validation accuracy as a fraction.
    pub curves: Vec<Vec<f64>>,
}

/// An epoch just finished by [`DepthExperiment::step`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepthEpoch {
    pub hidden: usize,
    /// The run within this depth, from 0, and its seed.
    pub run: usize,
    pub seed: u64,
    /// 1 for the first epoch.
    pub epoch: usize,
    /// Validation accuracy as a fraction (network2's `monitor_evaluation_accuracy`).
    pub accuracy: f64,
    /// Epochs done over every run, and in all.
    pub done: usize,
    pub total: usize,
}

/// Accuracy against depth: [784, 30×hidden, 10] for hidden = 1 … `max_hidden`, `runs`
/// seeds each from `first_seed`, trained `epochs` epochs with `config`, a few mini-batches
/// per step.
#[derive(Clone, Debug)]
pub struct DepthExperiment<F: Real> {
    max_hidden: usize,
    width: usize,
    first_seed: u64,
    runs: usize,
    epochs: usize,
    config: TrainConfig,
    /// f of the hidden layers (σ: the book's).
    activation: Activation,
    trainer: Option<Trainer<F>>,
    /// The run under way: its depth's index in `rows`, its index, its accuracies so far.
    run: usize,
    curve: Vec<f64>,
    curves: Vec<Vec<f64>>,
    rows: Vec<DepthRow>,
    done: usize,
}

impl<F: Real> DepthExperiment<F> {
    pub fn new(max_hidden: usize, width: usize, first_seed: u64, runs: usize, epochs: usize, config: TrainConfig) -> Result<Self, ExperimentError> {
        at_least_one("the number of runs", runs)?;
        at_least_one("the number of epochs", epochs)?;
        config.validate()?;
        Ok(DepthExperiment {
            max_hidden,
            width,
            first_seed,
            runs,
            epochs,
            config,
            activation: Activation::Sigmoid,
            trainer: None,
            run: 0,
            curve: Vec::new(),
            curves: Vec::new(),
            rows: Vec::new(),
            done: 0,
        })
    }

    /// The same runs with hidden activation `f`.
    pub fn with_activation(mut self, f: Activation) -> Self {
        self.activation = f;
        self
    }

    /// The book's run (mini-batch 10, η = 0.1, λ = 5.0) for 1–4 hidden layers of 30.
    pub fn book(first_seed: u64, runs: usize, epochs: usize) -> Result<Self, ExperimentError> {
        Self::new(BOOK_DEPTH_MAX_HIDDEN, BOOK_WIDTH, first_seed, runs, epochs, TrainConfig::default())
    }

    pub fn is_done(&self) -> bool {
        self.rows.len() == self.max_hidden
    }

    /// Epochs done over every run, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.max_hidden * self.runs * self.epochs)
    }

    /// The finished depths, shallowest first.
    pub fn rows(&self) -> &[DepthRow] {
        &self.rows
    }

    /// Train up to `max_batches` mini-batches of the run under way; when they end an epoch,
    /// evaluate on the validation set and return that epoch. `None` otherwise, or when done.
    pub fn step(&mut self, subset: &Subset, max_batches: usize) -> Result<Option<DepthEpoch>, ExperimentError> {
        if self.is_done() {
            return Ok(None);
        }
        let hidden = self.rows.len() + 1;
        let seed = self.first_seed + self.run as u64;
        let trainer = match &mut self.trainer {
            Some(t) => t,
            None => {
                let (net, rng) = seeded_network::<F>(&book_sizes(hidden, self.width), Init::Scaled, 1.0, seed)?;
                self.trainer.insert(Trainer::new(net.with_activation(self.activation), self.config, rng, &subset.training)?)
            }
        };
        if !trainer.train_batches(max_batches)?.epoch_ended {
            return Ok(None);
        }
        let a = accuracy(&trainer.net, &subset.validation)? as f64 / subset.validation.len() as f64;
        self.curve.push(a);
        self.done += 1;
        let (done, total) = self.progress();
        let event = DepthEpoch { hidden, run: self.run, seed, epoch: self.curve.len(), accuracy: a, done, total };
        if self.curve.len() == self.epochs {
            self.trainer = None;
            self.curves.push(std::mem::take(&mut self.curve));
            self.run += 1;
            if self.run == self.runs {
                self.run = 0;
                let curves = std::mem::take(&mut self.curves);
                let finals: Vec<f64> = curves.iter().map(|c| 100.0 * c.last().copied().unwrap_or(f64::NAN)).collect();
                let bests: Vec<f64> = curves.iter().map(|c| 100.0 * c.iter().copied().fold(f64::NAN, f64::max)).collect();
                let ((mean, std), (best_mean, best_std)) = (mean_std(&finals), mean_std(&bests));
                self.rows.push(DepthRow { hidden, mean, std, best_mean, best_std, finals, bests, curves });
            }
        }
        Ok(Some(event))
    }

    /// Train the run under way to the end of its epoch.
    pub fn step_epoch(&mut self, subset: &Subset) -> Result<Option<DepthEpoch>, ExperimentError> {
        while !self.is_done() {
            if let Some(e) = self.step(subset, usize::MAX)? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }
}
