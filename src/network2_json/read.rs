//! The streaming reader of network2 files: serde visitors that count every list as it
//! grows, so that a hostile file is refused before it costs memory (see [`super::from_json`]).

use super::{classify, JsonError, MAX_LAYERS, MAX_NEURONS, MAX_NUMBERS};
use crate::real::Real;
use crate::train::Momentum;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::fmt;

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

/// The file's fields, bounded and converted to `F`, not yet checked as a network.
pub(super) fn parse<F: Real>(text: &str) -> Result<Raw<F>, JsonError> {
    let ctx = Ctx { numbers_left: Cell::new(MAX_NUMBERS), error: RefCell::new(None) };
    let mut de = serde_json::Deserializer::from_str(text);
    FileSeed::<F> { ctx: &ctx, float: std::marker::PhantomData }.deserialize(&mut de).and_then(|raw| de.end().map(|()| raw)).map_err(|e| {
        if let Some(typed) = ctx.error.borrow_mut().take() {
            return typed;
        }
        classify(text, &e)
    })
}

pub(super) struct Raw<F> {
    pub(super) sizes: Vec<usize>,
    pub(super) weights: Vec<Matrix<F>>,
    pub(super) biases: Vec<Matrix<F>>,
    pub(super) cost: String,
    pub(super) activation: Option<String>,
    pub(super) residual: Option<bool>,
    /// One 3 × n matrix per hidden layer: rows γ, running mean, running variance.
    pub(super) batch_norm: Option<Vec<Matrix<F>>>,
    /// The training setting `"momentum"`, μ not yet checked: `{"mu", "nesterov", "schedule"}`,
    /// read by [`Momentum`]'s own serde (the comparison's settings use it too: no new code in
    /// the wasm), which names a missing or unknown key.
    pub(super) momentum: Option<Momentum>,
}

/// One weight matrix (`rows × cols`, row-major) or bias column (`rows × 1`).
pub(super) struct Matrix<F> {
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) data: Vec<F>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Weights,
    Biases,
    /// `"batch_norm"`: rows γ, running mean, running variance (a matrix like the weights).
    Norms,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Weights => "weight matrix",
            Kind::Biases => "bias vector",
            Kind::Norms => "batch normalisation",
        }
    }
    fn key(self) -> &'static str {
        match self {
            Kind::Weights => "weights",
            Kind::Biases => "biases",
            Kind::Norms => "batch_norm",
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
        const FIELDS: &[&str] = &["sizes", "weights", "biases", "cost", "activation", "residual", "batch_norm", "momentum"];
        let (mut sizes, mut weights, mut biases, mut cost, mut activation, mut residual) = (None, None, None, None, None, None);
        let (mut batch_norm, mut momentum) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "sizes" if sizes.is_none() => sizes = Some(map.next_value_seed(SizesSeed(self.ctx))?),
                "weights" if weights.is_none() => weights = Some(map.next_value_seed(MatricesSeed::<F>::new(self.ctx, Kind::Weights))?),
                "biases" if biases.is_none() => biases = Some(map.next_value_seed(MatricesSeed::<F>::new(self.ctx, Kind::Biases))?),
                "cost" if cost.is_none() => cost = Some(map.next_value::<String>()?),
                "activation" if activation.is_none() => activation = Some(map.next_value::<String>()?),
                "residual" if residual.is_none() => residual = Some(map.next_value::<bool>()?),
                // Small (3 numbers per hidden neuron), so read whole, then checked by set_norms.
                "momentum" if momentum.is_none() => momentum = Some(map.next_value::<Momentum>()?),
                "batch_norm" if batch_norm.is_none() => batch_norm = Some(map.next_value_seed(MatricesSeed::<F>::new(self.ctx, Kind::Norms))?),
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
            batch_norm,
            momentum,
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
            Kind::Norms => f.write_str("\"batch_norm\" as a list of [γ, mean, var] (each a list of numbers), one per hidden layer"),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Matrix<F>>, A::Error> {
        let mut out = Vec::new();
        loop {
            if out.len() == MAX_LAYERS - 1 {
                // One element more would exceed the limit; peek without reading it whole.
                return match seq.next_element::<de::IgnoredAny>()? {
                    None => Ok(out),
                    Some(_) => Err(self.ctx.limit(format!("\"{}\"", self.kind.key()), MAX_LAYERS - 1, "layers")),
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
                Kind::Weights | Kind::Norms if m.rows == 1 => m.cols = found,
                Kind::Weights | Kind::Norms if found != m.cols => {
                    return Err(self.ctx.fail(JsonError::RaggedRow { layer: self.layer, row: m.rows, found, expected: m.cols }));
                }
                Kind::Weights | Kind::Norms => {}
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
            Kind::Weights | Kind::Norms => write!(f, "row {} of the {} of layer {} as a list of numbers", self.row, self.kind.what(), self.layer),
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
