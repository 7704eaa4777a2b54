//! The comparisons that tell a story in one click (issue 9, item 5), defined once here:
//! the command line's `--preset` and the page's buttons both read this table.

use super::compare::Setup;
use super::*;

/// A named comparison: A, B, and how long to train them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    /// The name on the command line, in links and in the page's messages.
    pub name: &'static str,
    pub a: Setup,
    pub b: Setup,
    pub epochs: usize,
    /// What the book reports for this comparison, if it does.
    pub book: Option<BookComparison>,
}

/// The book's numbers for a comparison, validation accuracy in percent on full MNIST
/// (50,000 training images; ours trains on the 8,000 of the subset).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BookComparison {
    /// Chapter 3, "Weight initialization": "under 87 percent" after the first epoch with
    /// the old initialisation, "almost 93 percent" with the new.
    pub first_epoch_a_below: f64,
    pub first_epoch_b_about: f64,
    /// "In both cases, we end up with a classification accuracy somewhat over 96 percent."
    pub final_above: f64,
}

/// The book's [784, 30, 10], σ, scaled, η = 0.1, λ = 5.0, m = 10.
const BOOK: Setup = Setup {
    activation: Activation::Sigmoid,
    init: Init::Scaled,
    biases: BiasInit::Normal,
    gain: 1.0,
    hidden: 1,
    width: BOOK_WIDTH,
    eta: 0.1,
    lambda: 5.0,
    mini_batch: 10,
};

/// A deep network of 8 hidden layers of 30: where the sigmoid stops learning.
const DEEP: Setup = Setup { hidden: 8, ..BOOK };

/// The chapter's deepest network, [784, 30, 30, 30, 30, 10].
const FOUR: Setup = Setup { hidden: 4, ..BOOK };

/// η at which ReLU + He trains 8 hidden layers: the independent numpy run saw
/// ReLU + He reach ~90 % in 4 epochs at η = 0.03 (10 layers of 30), and overflow within
/// the first epoch at the book's η = 0.1; both sides use it, so only f and w differ.
pub const RELU_ETA: f64 = 0.03;

pub const PRESETS: [Preset; 4] = [
    Preset {
        name: "sigmoid-relu",
        a: Setup { eta: RELU_ETA, ..DEEP },
        b: Setup { activation: Activation::Relu, init: Init::He, eta: RELU_ETA, ..DEEP },
        epochs: 10,
        book: None,
    },
    Preset {
        name: "large-scaled",
        a: Setup { init: Init::Large, ..BOOK },
        b: BOOK,
        epochs: BOOK_EPOCHS,
        book: Some(BookComparison { first_epoch_a_below: 87.0, first_epoch_b_about: 93.0, final_above: 96.0 }),
    },
    Preset { name: "sigmoid-tanh", a: FOUR, b: Setup { activation: Activation::Tanh, ..FOUR }, epochs: 10, book: None },
    Preset { name: "gain", a: FOUR, b: Setup { gain: 4.0, ..FOUR }, epochs: 10, book: None },
];

impl Preset {
    pub fn from_name(name: &str) -> Option<Preset> {
        PRESETS.into_iter().find(|p| p.name == name)
    }
}
