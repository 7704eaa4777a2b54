//! The [`Comparison`] handle: A and B trained side by side in the worker
//! (`experiments::CompareExperiment`, the command line's `compare`), stepped by JavaScript
//! a few mini-batches at a time; its epochs and history as camelCase JSON, where a
//! non-finite number (an overflow) crosses as `null`.

use super::{Lab, Result, WebError};
use crate::data::Subset;
use crate::experiments::{CompareExperiment, Setup, PRESETS};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The comparisons' presets (`experiments::PRESETS`), as JSON: the page's buttons and
/// their settings come from here.
#[wasm_bindgen]
pub fn compare_presets() -> String {
    serde_json::to_string(&PRESETS).unwrap_or_default()
}

#[wasm_bindgen]
pub struct Comparison {
    subset: Rc<Subset>,
    run: CompareExperiment<f32>,
}

fn setup(json: &str, side: &str) -> Result<Setup> {
    serde_json::from_str(json).map_err(|e| WebError::with("setting", format!("bad settings of {side}: {e}"), vec![("side", side.into())]))
}

#[wasm_bindgen]
impl Comparison {
    /// A and B (each a `Setup` as JSON, as `compare_presets` writes them) on `lab`'s data,
    /// from `seed`, for `epochs` epochs; both measured at initialisation.
    #[wasm_bindgen(constructor)]
    pub fn new(lab: &Lab, a: &str, b: &str, seed: u32, epochs: usize) -> Result<Comparison> {
        let subset = lab.subset.clone();
        let run = CompareExperiment::new(setup(a, "A")?, setup(b, "B")?, seed as u64, epochs, &subset)?;
        Ok(Comparison { subset, run })
    }

    /// Train each side up to `max_batches` mini-batches; when both ended an epoch (or a
    /// side diverged), that epoch as JSON `{epoch, a, b, aDiverged, bDiverged}`.
    pub fn step(&mut self, max_batches: usize) -> Result<Option<String>> {
        match self.run.step(&self.subset, max_batches)? {
            Some(e) => Ok(Some(serde_json::to_string(&e)?)),
            None => Ok(None),
        }
    }

    pub fn is_done(&self) -> bool {
        self.run.is_done()
    }

    /// Epochs finished by both sides (a diverged side counts as finished).
    pub fn epochs_done(&self) -> usize {
        self.run.progress().0
    }

    /// Everything measured so far as JSON `{a: [{accuracy, cost, norms}], b: […],
    /// aDiverged, bDiverged}`, epoch 0 (at initialisation) first.
    pub fn history(&self) -> Result<String> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct History<'a> {
            a: &'a [crate::experiments::SideEpoch],
            b: &'a [crate::experiments::SideEpoch],
            a_diverged: Option<&'a crate::experiments::Diverged>,
            b_diverged: Option<&'a crate::experiments::Diverged>,
        }
        let (a, b) = self.run.history();
        let (a_diverged, b_diverged) = self.run.diverged();
        Ok(serde_json::to_string(&History { a, b, a_diverged, b_diverged })?)
    }
}
