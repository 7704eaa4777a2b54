//! # gradlab
//!
//! The vanishing and exploding gradient problem of Chapter 5 of Michael Nielsen's
//! *Neural Networks and Deep Learning*, as a library: the book's `network2`
//! (sigmoid neurons, cross-entropy or quadratic cost, L2 weight decay, mini-batch SGD),
//! the gradient probes the chapter draws (δ^l = ∂C/∂b^l per hidden layer, ‖δ^l‖, the
//! learning-speed history), the single-neuron chain with its w·σ′(z) terms, the reduced
//! MNIST subset in IDX form, the book's JSON save format, and plotters charts.
//!
//! The core is pure: no clocks, files, OS randomness or printing. The command line
//! (`src/bin/gradlab/`) and the wasm bindings (`src/web.rs`) are thin shells around it.
//!
//! Notation follows the book. One convention differs and is stated once here: the book
//! stacks examples as *columns*; this crate stacks them as *rows* (an `m × n` matrix for a
//! mini-batch of `m` examples), because an example is then a contiguous slice. Every
//! matrix equation of the book therefore appears transposed: `z^l = a^{l-1} (w^l)ᵀ + b^l`.

pub mod backprop;
pub mod batchnorm;
pub mod chain;
pub mod charts;
pub mod data;
pub mod experiments;
pub mod init;
pub mod inside;
pub mod limits;
pub mod network;
pub mod network2;
pub mod network2_json;
pub mod probe;
pub mod real;
pub mod rng;
pub mod train;

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod web;

pub use chain::{Chain, ChainBias, ChainReport};
pub use data::{DataError, Dataset, Subset};
pub use network::{Activation, Cost, Init, Network, NetworkError};
pub use probe::{LayerProbe, Probe};
pub use real::Real;
pub use rng::Rng;
pub use train::{TrainConfig, TrainError, Trainer};
