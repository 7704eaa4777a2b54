//! (c) The speed of learning: ‖δ^l‖ of each hidden layer over the epochs.

use super::*;

/// The learning-speed figure: `epochs` epochs of the book's protocol ([`book_speed_run`]),
/// one epoch per step.
#[derive(Clone, Debug)]
pub struct SpeedExperiment<F: Real> {
    run: SpeedRun<F>,
    epochs: usize,
}

impl<F: Real> SpeedExperiment<F> {
    pub fn book(training: &Dataset, hidden: usize, seed: u64, epochs: usize) -> Result<Self, ExperimentError> {
        at_least_one("the number of epochs", epochs)?;
        Self::with_activation(training, hidden, Activation::Sigmoid, seed, epochs)
    }

    /// The book's protocol with hidden activation `f`.
    pub fn with_activation(training: &Dataset, hidden: usize, f: Activation, seed: u64, epochs: usize) -> Result<Self, ExperimentError> {
        at_least_one("the number of epochs", epochs)?;
        Ok(SpeedExperiment { run: speed_run_with(training, hidden, f, seed)?, epochs })
    }

    pub fn is_done(&self) -> bool {
        self.run.history.len() >= self.epochs
    }

    /// Epochs done, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.run.history.len(), self.epochs)
    }

    /// `history[e][l]` = ‖δ^{l+1}‖ before epoch e.
    pub fn history(&self) -> &[Vec<f64>] {
        &self.run.history
    }

    /// Record ‖δ^l‖ and train one epoch; false once every epoch is done.
    pub fn step(&mut self) -> Result<bool, ExperimentError> {
        if self.is_done() {
            return Ok(false);
        }
        self.run.step()?;
        Ok(true)
    }
}
