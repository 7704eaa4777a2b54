//! The save format of the book's `network2.py` (`Network.save` / `load`):
//!
//! ```json
//! {"sizes": [784, 30, 10],
//!  "weights": [[[w_11, …, w_1x], …]],   // one y×x nested list per layer
//!  "biases":  [[[b_1], …, [b_y]]],       // one y×1 nested list per layer
//!  "cost": "CrossEntropyCost",           // or "QuadraticCost"
//!  "activation": "tanh",                 // optional, gradlab's: absent = "sigmoid"
//!  "residual": true}                     // optional, gradlab's: absent = false
//! ```
//!
//! network2 has sigmoid neurons only; the hidden layers' activation is gradlab's addition,
//! written only when it is not the sigmoid, so a sigmoid network's file is network2's own
//! (and network2.py, which reads the four keys it knows, loads any of them). Likewise the
//! skip connections (`"residual": true`), which network2.py would silently drop.
//!
//! so a network moves between this crate and `network2.py` both ways. Numbers are written
//! in the shortest form that reads back to the same `f64` (serde_json uses ryu), so a
//! round trip is exact.

use crate::network::{validate_sizes, Activation, Cost, Network, NetworkError};
use crate::real::Real;
use ndarray::{Array1, Array2};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::fmt;

/// Largest JSON text accepted (bytes): a [784, 1000, 1000, 10] network is ~40 MB of text.
pub const MAX_JSON_BYTES: usize = 64 << 20;

/// Most layers (entries of `sizes`) in a network file: input, 10 hidden, output. The command
/// line's `depth --max-hidden` and `speed --hidden` go up to 10 hidden layers, the page to 6
/// (`limits::MAX_HIDDEN`); the chapter itself stops at 4.
pub const MAX_LAYERS: usize = 12;

/// Most neurons in one layer of a network file: MNIST's 784 inputs, and hidden layers far
/// wider than the page's 100 (`limits::MAX_WIDTH`) or the book's 30–100.
pub const MAX_NEURONS: usize = 2048;

/// Most numbers (weights and biases together) in a network file: a [784, 1000, 1000, 10]
/// network has 1.8 million; 2 million f64 are 16 MB, so a hostile file cannot make the
/// reader allocate much more than that before it is refused.
pub const MAX_NUMBERS: usize = 2_000_000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum JsonError {
    #[error("the file is {0} bytes; network files above {max} bytes are refused", max = MAX_JSON_BYTES)]
    TooLarge(usize),
    #[error("not valid network2 JSON: {0}")]
    Syntax(String),
    #[error("the file holds NaN or Infinity (line {line}, column {column}); a network's weights and biases must be finite numbers")]
    NonFiniteToken { line: usize, column: usize },
    #[error("not valid network2 JSON: lists nested more than 128 deep (line {line}, column {column}); a network file nests at most 3 lists")]
    TooDeep { line: usize, column: usize },
    #[error("{what} has more than {max} {unit}; network files are limited to {MAX_LAYERS} layers of at most {MAX_NEURONS} neurons and {MAX_NUMBERS} weights and biases in all")]
    Limit { what: String, max: usize, unit: &'static str },
    #[error("unknown cost \"{0}\"; network2 writes \"CrossEntropyCost\" or \"QuadraticCost\"")]
    Cost(String),
    #[error("unknown activation \"{0}\"; gradlab writes \"sigmoid\", \"tanh\", \"relu\" or \"leaky-relu\"")]
    Activation(String),
    #[error(
        "{what} of layer {layer}, row {row}: every bias must be a list of exactly one number (network2 stores biases as y×1 columns), found {found} numbers"
    )]
    BiasColumn { what: &'static str, layer: usize, row: usize, found: usize },
    #[error("weight matrix of layer {layer}: row {row} has {found} numbers, but row 1 has {expected}")]
    RaggedRow { layer: usize, row: usize, found: usize, expected: usize },
    #[error(transparent)]
    Network(#[from] NetworkError),
}

/// The writer's view of the file (the reader streams it instead: see [`from_json`]).
#[derive(Serialize)]
struct Network2File {
    sizes: Vec<usize>,
    weights: Vec<Vec<Vec<f64>>>,
    biases: Vec<Vec<Vec<f64>>>,
    cost: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    activation: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    residual: bool,
}

/// Parse a network2 JSON file.
///
/// The file is read in one pass with the limits [`MAX_LAYERS`], [`MAX_NEURONS`] and
/// [`MAX_NUMBERS`] enforced while it is parsed, whatever the order of its fields: every
/// list is counted as it grows, so a hostile file (millions of empty lists, a `sizes` list
/// of a billion entries, …) is refused before it costs more than about 16 MB. Each number
/// is converted to `F` as it is read. Every problem is a [`JsonError`] naming it; nothing
/// panics.
pub fn from_json<F: Real>(text: &str) -> Result<Network<F>, JsonError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(JsonError::TooLarge(text.len()));
    }
    let ctx = Ctx { numbers_left: Cell::new(MAX_NUMBERS), error: RefCell::new(None) };
    let mut de = serde_json::Deserializer::from_str(text);
    let raw = FileSeed::<F> { ctx: &ctx, float: std::marker::PhantomData }.deserialize(&mut de).and_then(|raw| de.end().map(|()| raw)).map_err(|e| {
        if let Some(typed) = ctx.error.borrow_mut().take() {
            return typed;
        }
        classify(text, &e)
    })?;
    let cost = match raw.cost.as_str() {
        "CrossEntropyCost" => Cost::CrossEntropy,
        "QuadraticCost" => Cost::Quadratic,
        other => return Err(JsonError::Cost(other.chars().take(80).collect())),
    };
    let activation = match raw.activation.as_deref() {
        None => Activation::Sigmoid,
        Some(name) => Activation::from_name(name).ok_or_else(|| JsonError::Activation(name.chars().take(80).collect()))?,
    };
    validate_sizes(&raw.sizes)?;
    let weights = raw
        .weights
        .into_iter()
        .map(|m| Array2::from_shape_vec((m.rows, m.cols), m.data).map_err(|e| JsonError::Syntax(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let biases = raw.biases.into_iter().map(|m| Array1::from_vec(m.data)).collect();
    // Casting to f32 can overflow a finite f64; from_parts reports any non-finite value.
    Ok(Network::from_parts(raw.sizes, weights, biases, cost)?.with_activation(activation).with_residual(raw.residual.unwrap_or(false)))
}

/// A serde_json error in the reader's words: Python's `json` module writes `NaN` and
/// `Infinity`, which are not JSON, so a syntax error at such a token says so plainly.
fn classify(text: &str, e: &serde_json::Error) -> JsonError {
    let (line, column) = (e.line(), e.column());
    if e.to_string().starts_with("recursion limit exceeded") {
        return JsonError::TooDeep { line, column };
    }
    if e.is_syntax() || e.is_data() {
        // The byte the error points at (serde_json's column is 1-based, in bytes).
        let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
        let at = line_start + column.saturating_sub(1);
        let bytes = text.as_bytes();
        let window = &bytes[at.saturating_sub(9).min(bytes.len())..at.saturating_add(9).min(bytes.len())];
        let has = |token: &[u8]| window.windows(token.len()).any(|w| w == token);
        if has(b"NaN") || has(b"Infinity") {
            return JsonError::NonFiniteToken { line, column };
        }
    }
    JsonError::Syntax(e.to_string())
}

// ---------------------------------------------------------------- the streaming reader

/// State shared by the reader's visitors: the budget of numbers left, and the first typed
/// error (serde's errors are strings; this keeps the [`JsonError`] the caller gets).
struct Ctx {
    numbers_left: Cell<usize>,
    error: RefCell<Option<JsonError>>,
}

impl Ctx {
    /// Record `e` and abort the parse with a serde error (replaced by `e` in [`from_json`]).
    fn fail<E: de::Error>(&self, e: JsonError) -> E {
        let msg = e.to_string();
        self.error.borrow_mut().get_or_insert(e);
        E::custom(msg)
    }

    fn limit<E: de::Error>(&self, what: String, max: usize, unit: &'static str) -> E {
        self.fail(JsonError::Limit { what, max, unit })
    }

    /// Take one number from the budget.
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.numbers_left.get().checked_sub(1) {
            Some(left) => {
                self.numbers_left.set(left);
                Ok(())
            }
            None => Err(self.limit("the file".into(), MAX_NUMBERS, "weights and biases")),
        }
    }
}

struct Raw<F> {
    sizes: Vec<usize>,
    weights: Vec<Matrix<F>>,
    biases: Vec<Matrix<F>>,
    cost: String,
    activation: Option<String>,
    residual: Option<bool>,
}

/// One weight matrix (`rows × cols`, row-major) or bias column (`rows × 1`).
struct Matrix<F> {
    rows: usize,
    cols: usize,
    data: Vec<F>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Weights,
    Biases,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Weights => "weight matrix",
            Kind::Biases => "bias vector",
        }
    }
}

struct FileSeed<'a, F> {
    ctx: &'a Ctx,
    float: std::marker::PhantomData<F>,
}

impl<'de, F: Real> DeserializeSeed<'de> for FileSeed<'_, F> {
    type Value = Raw<F>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Raw<F>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: Real> Visitor<'de> for FileSeed<'_, F> {
    type Value = Raw<F>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a network2 object {\"sizes\": …, \"weights\": …, \"biases\": …, \"cost\": …}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<F>, A::Error> {
        const FIELDS: &[&str] = &["sizes", "weights", "biases", "cost", "activation", "residual"];
        let (mut sizes, mut weights, mut biases, mut cost, mut activation, mut residual) = (None, None, None, None, None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "sizes" if sizes.is_none() => sizes = Some(map.next_value_seed(SizesSeed(self.ctx))?),
                "weights" if weights.is_none() => weights = Some(map.next_value_seed(MatricesSeed::<F>::new(self.ctx, Kind::Weights))?),
                "biases" if biases.is_none() => biases = Some(map.next_value_seed(MatricesSeed::<F>::new(self.ctx, Kind::Biases))?),
                "cost" if cost.is_none() => cost = Some(map.next_value::<String>()?),
                "activation" if activation.is_none() => activation = Some(map.next_value::<String>()?),
                "residual" if residual.is_none() => residual = Some(map.next_value::<bool>()?),
                k if FIELDS.contains(&k) => return Err(de::Error::custom(format_args!("duplicate field `{k}`"))),
                k => return Err(de::Error::unknown_field(&k.chars().take(80).collect::<String>(), FIELDS)),
            }
        }
        Ok(Raw {
            sizes: sizes.ok_or_else(|| de::Error::missing_field("sizes"))?,
            weights: weights.ok_or_else(|| de::Error::missing_field("weights"))?,
            biases: biases.ok_or_else(|| de::Error::missing_field("biases"))?,
            cost: cost.ok_or_else(|| de::Error::missing_field("cost"))?,
            activation,
            residual,
        })
    }
}

/// `"sizes": [784, 30, 10]`, at most [`MAX_LAYERS`] entries of at most [`MAX_NEURONS`].
struct SizesSeed<'a>(&'a Ctx);

impl<'de> DeserializeSeed<'de> for SizesSeed<'_> {
    type Value = Vec<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<usize>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SizesSeed<'_> {
    type Value = Vec<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"sizes\" as a list of layer sizes (whole numbers), e.g. [784, 30, 10]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<usize>, A::Error> {
        let mut sizes = Vec::new();
        while let Some(n) = seq.next_element::<u64>()? {
            if sizes.len() == MAX_LAYERS {
                return Err(self.0.limit("\"sizes\"".into(), MAX_LAYERS, "layers"));
            }
            if n > MAX_NEURONS as u64 {
                return Err(self.0.limit(format!("layer {} in \"sizes\" ({n})", sizes.len()), MAX_NEURONS, "neurons"));
            }
            sizes.push(n as usize);
        }
        Ok(sizes)
    }
}

/// `"weights"` or `"biases"`: a list of at most `MAX_LAYERS − 1` matrices.
struct MatricesSeed<'a, F> {
    ctx: &'a Ctx,
    kind: Kind,
    float: std::marker::PhantomData<F>,
}

impl<'a, F> MatricesSeed<'a, F> {
    fn new(ctx: &'a Ctx, kind: Kind) -> Self {
        MatricesSeed { ctx, kind, float: std::marker::PhantomData }
    }
}

impl<'de, F: Real> DeserializeSeed<'de> for MatricesSeed<'_, F> {
    type Value = Vec<Matrix<F>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Vec<Matrix<F>>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: Real> Visitor<'de> for MatricesSeed<'_, F> {
    type Value = Vec<Matrix<F>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.kind {
            Kind::Weights => f.write_str("\"weights\" as a list of weight matrices (each a list of rows of numbers)"),
            Kind::Biases => f.write_str("\"biases\" as a list of bias columns (each a list of one-number lists)"),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Matrix<F>>, A::Error> {
        let mut out = Vec::new();
        loop {
            if out.len() == MAX_LAYERS - 1 {
                // One element more would exceed the limit; peek without reading it whole.
                return match seq.next_element::<de::IgnoredAny>()? {
                    None => Ok(out),
                    Some(_) => Err(self.ctx.limit(format!("\"{}\"", if self.kind == Kind::Weights { "weights" } else { "biases" }), MAX_LAYERS - 1, "layers")),
                };
            }
            let seed = MatrixSeed::<F> { ctx: self.ctx, kind: self.kind, layer: out.len() + 1, float: std::marker::PhantomData };
            match seq.next_element_seed(seed)? {
                Some(m) => out.push(m),
                None => return Ok(out),
            }
        }
    }
}

/// One matrix: rows of equal length (weights) or of exactly one number (biases).
struct MatrixSeed<'a, F> {
    ctx: &'a Ctx,
    kind: Kind,
    layer: usize,
    float: std::marker::PhantomData<F>,
}

impl<'de, F: Real> DeserializeSeed<'de> for MatrixSeed<'_, F> {
    type Value = Matrix<F>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Matrix<F>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: Real> Visitor<'de> for MatrixSeed<'_, F> {
    type Value = Matrix<F>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "the {} of layer {} as a list of rows", self.kind.what(), self.layer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Matrix<F>, A::Error> {
        let mut m = Matrix { rows: 0, cols: 0, data: Vec::new() };
        loop {
            let before = m.data.len();
            let row = RowSeed { ctx: self.ctx, kind: self.kind, layer: self.layer, row: m.rows + 1, out: &mut m.data };
            if seq.next_element_seed(row)?.is_none() {
                return Ok(m);
            }
            let found = m.data.len() - before;
            m.rows += 1;
            if m.rows > MAX_NEURONS {
                return Err(self.ctx.limit(format!("the {} of layer {}", self.kind.what(), self.layer), MAX_NEURONS, "rows"));
            }
            match self.kind {
                Kind::Biases if found != 1 => {
                    return Err(self.ctx.fail(JsonError::BiasColumn { what: "bias vector", layer: self.layer, row: m.rows, found }));
                }
                Kind::Biases => m.cols = 1,
                Kind::Weights if m.rows == 1 => m.cols = found,
                Kind::Weights if found != m.cols => {
                    return Err(self.ctx.fail(JsonError::RaggedRow { layer: self.layer, row: m.rows, found, expected: m.cols }));
                }
                Kind::Weights => {}
            }
        }
    }
}

/// One row of numbers, appended to the matrix's data as it is read.
struct RowSeed<'a, 'm, F> {
    ctx: &'a Ctx,
    kind: Kind,
    layer: usize,
    row: usize,
    out: &'m mut Vec<F>,
}

impl<'de, F: Real> DeserializeSeed<'de> for RowSeed<'_, '_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: Real> Visitor<'de> for RowSeed<'_, '_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.kind {
            Kind::Weights => write!(f, "row {} of the weight matrix of layer {} as a list of numbers", self.row, self.layer),
            Kind::Biases => write!(f, "bias {} of layer {} as a one-number list, e.g. [0.5]", self.row, self.layer),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut found = 0usize;
        while let Some(v) = seq.next_element_seed(Number)? {
            found += 1;
            if found > MAX_NEURONS {
                return Err(self.ctx.limit(format!("row {} of the {} of layer {}", self.row, self.kind.what(), self.layer), MAX_NEURONS, "numbers"));
            }
            self.ctx.spend()?;
            self.out.push(F::from_f64_lossy(v));
        }
        Ok(())
    }
}

/// One weight or bias: any JSON number, read as `f64`.
struct Number;

impl<'de> DeserializeSeed<'de> for Number {
    type Value = f64;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<f64, D::Error> {
        d.deserialize_f64(self)
    }
}

impl<'de> Visitor<'de> for Number {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number (a weight or bias)")
    }
    fn visit_f64<E>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    fn visit_i64<E>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
}

/// Write a network in network2's JSON format.
pub fn to_json<F: Real>(net: &Network<F>) -> String {
    let file = Network2File {
        sizes: net.sizes().to_vec(),
        weights: net.weights().iter().map(|w| w.outer_iter().map(|r| r.iter().map(|v| v.to_f64_exact()).collect()).collect()).collect(),
        biases: net.biases().iter().map(|b| b.iter().map(|v| vec![v.to_f64_exact()]).collect()).collect(),
        cost: net.cost().network2_name().to_string(),
        activation: Some(net.activation()).filter(|&f| f != Activation::Sigmoid).map(Activation::name),
        residual: net.residual(),
    };
    serde_json::to_string(&file).expect("finite numbers and strings always serialise")
}
