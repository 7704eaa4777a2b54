//! The words of the charts ([`ChartText`]), number formatting, and the text measuring that lays them out.

use plotters::coord::Shift;
use plotters::prelude::*;

/// Title and axis descriptions of one panel. An empty string draws nothing.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PanelText {
    pub title: String,
    pub x: String,
    pub y: String,
}

impl PanelText {
    pub(super) fn new(title: &str, x: &str, y: &str) -> Self {
        PanelText { title: title.into(), x: x.into(), y: y.into() }
    }
}

/// Every word the charts show. `Default` is English; a translation is another value of
/// this struct. In `layer`, `{}` is replaced by the layer's number.
///
/// It (de)serialises with serde, every field defaulting to English, so a translation can
/// be read from partial JSON, e.g. `{"book": "书中数值", "gradient": {"title": "…"}}`
/// (a panel given in JSON needs all of `title`, `x` and `y`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ChartText {
    /// [`gradient_bars`](super::gradient_bars).
    pub gradient: PanelText,
    /// [`norm_bars`](super::norm_bars).
    pub norms: PanelText,
    /// [`speed_chart`](super::speed_chart).
    pub speed: PanelText,
    /// [`training_chart`](super::training_chart), upper panel.
    pub accuracy: PanelText,
    /// [`training_chart`](super::training_chart), lower panel.
    pub cost: PanelText,
    /// [`chain_chart`](super::chain_chart), the σ′(z) panel.
    pub sigma: PanelText,
    /// [`chain_chart`](super::chain_chart), the terms panel.
    pub terms: PanelText,
    /// [`chain_chart`](super::chain_chart), the running-product panel.
    pub product: PanelText,
    /// [`chain_sweep_chart`](super::chain_sweep_chart).
    pub sweep: PanelText,
    /// [`depth_chart`](super::depth_chart).
    pub depth: PanelText,
    /// [`compare_norms_chart`](super::compare_norms_chart).
    pub compare_norms: PanelText,
    /// [`compare_speed_chart`](super::compare_speed_chart).
    pub compare_speed: PanelText,
    /// The two sides of a comparison, in legends and beside their curves.
    pub a: String,
    pub b: String,
    /// Legend entry of a hidden layer; `{}` becomes its number.
    pub layer: String,
    /// Legend entry of the book's values.
    pub book: String,
    /// Legend entry of the depth chart's measured mean ± standard deviation.
    pub mean_std: String,
    /// Legend entry of the chain's neurons on the σ′ curve.
    pub neurons: String,
    /// Legend entry of markers pinned to the edge of an axis.
    pub off_scale: String,
    /// Label of the σ′ curve's peak.
    pub peak: String,
    /// Label of the line |w σ′| = 1.
    pub boundary: String,
    pub positive: String,
    pub negative: String,
    pub vanishing: String,
    pub exploding: String,
    pub balanced: String,
    pub single: String,
    /// Values that overflowed to ±∞ or NaN.
    pub overflow: String,
    /// Values that underflowed to 0.
    pub underflow: String,
    pub infinity: String,
    pub nan: String,
    pub no_data: String,
}

impl Default for ChartText {
    fn default() -> Self {
        ChartText {
            gradient: PanelText::new("Gradient ∂C/∂b of the first six neurons in each hidden layer", "hidden layer", "∂C/∂b"),
            norms: PanelText::new("Speed of learning ‖δˡ‖ of each hidden layer", "hidden layer l", "‖δˡ‖ (log scale)"),
            speed: PanelText::new("Speed of learning during training", "epoch", "‖δˡ‖ (log scale)"),
            accuracy: PanelText::new("Classification accuracy", "epoch", "accuracy (%)"),
            cost: PanelText::new("Cost", "epoch", "cost"),
            sigma: PanelText::new("σ′(z), and the z of every neuron", "z", "σ′(z)"),
            terms: PanelText::new("Terms w·σ′(z) of each neuron", "neuron j", "|w σ′(z)| (log scale)"),
            product: PanelText::new("Running product σ′(z₁)·w₂σ′(z₂) ⋯ wⱼσ′(zⱼ)", "neuron j", "|product| (log scale)"),
            sweep: PanelText::new("Gradient of the first bias against the weight", "weight w (log scale)", "|∂C/∂b₁| (log scale)"),
            depth: PanelText::new("Accuracy by number of hidden layers", "hidden layers", "accuracy (%)"),
            compare_norms: PanelText::new("Speed of learning ‖δˡ‖ of each hidden layer, A and B", "hidden layer l", "‖δˡ‖ (log scale)"),
            compare_speed: PanelText::new("Speed of learning of the first and last hidden layers", "epoch", "‖δˡ‖ (log scale)"),
            a: "A".into(),
            b: "B".into(),
            layer: "hidden layer {}".into(),
            book: "book".into(),
            mean_std: "this lab: mean ± std".into(),
            neurons: "neurons".into(),
            off_scale: "beyond the axis (pinned)".into(),
            peak: "σ′(0) = 1/4".into(),
            boundary: "|w σ′| = 1".into(),
            positive: "w σ′ > 0".into(),
            negative: "w σ′ < 0".into(),
            vanishing: "vanishing".into(),
            exploding: "exploding".into(),
            balanced: "balanced".into(),
            single: "single neuron".into(),
            overflow: "overflow".into(),
            underflow: "underflow (0)".into(),
            infinity: "∞".into(),
            nan: "NaN".into(),
            no_data: "no data".into(),
        }
    }
}

impl ChartText {
    /// The legend entry of hidden layer `n`.
    pub fn layer_name(&self, n: usize) -> String {
        self.layer.replace("{}", &n.to_string())
    }
    pub(super) fn non_finite(&self, v: f64) -> String {
        if v.is_nan() {
            self.nan.clone()
        } else if v > 0.0 {
            self.infinity.clone()
        } else {
            format!("−{}", self.infinity)
        }
    }
}

pub(super) fn superscript(n: i64) -> String {
    n.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

pub(super) fn minus(s: String) -> String {
    let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s };
    s.replace('-', "−")
}

pub(super) fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// `v` with `sig` significant digits: plain between 10⁻³ and 10⁵, else `1.2×10⁻⁷`.
pub fn format_value(v: f64, sig: usize) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".into();
    }
    let sig = sig.clamp(1, 17);
    let e = v.abs().log10().floor() as i32;
    if (-3..=4).contains(&e) {
        let dec = (sig as i32 - 1 - e).max(0) as usize;
        return minus(trim_zeros(&format!("{:.*}", dec, v)));
    }
    let s = format!("{:.*e}", sig - 1, v);
    let (m, x) = s.split_once('e').unwrap_or((&s, "0"));
    let m = trim_zeros(m);
    let x: i64 = x.parse().unwrap_or(0);
    let p = format!("10{}", superscript(x));
    match m.as_str() {
        "1" => p,
        "-1" => format!("−{p}"),
        _ => format!("{}×{}", minus(m), p),
    }
}

#[derive(Clone, Copy)]
pub(super) struct Measure {
    pub(super) unit: f64,
    pub(super) height: f64,
}

/// The backend's text metrics for `style`, calibrated on its own estimate of a run of
/// digits; [`Measure::width`] weighs other characters against it.
pub(super) fn measure<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: &TextStyle) -> Measure {
    let (w, h) = area.estimate_text_size("0000000000", style).unwrap_or((70, 14));
    Measure { unit: (w as f64 / 10.0).max(1.0), height: (h as f64).max(1.0) }
}

fn char_weight(c: char) -> f64 {
    match c {
        ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'i' | 'l' | 'j' | 'I' | '(' | ')' | '[' | ']' | 'f' | 't' | 'r' => 0.55,
        'm' | 'w' | 'M' | 'W' | '%' => 1.5,
        '¹' | '²' | '³' | '\u{2070}'..='\u{209F}' | '\u{02B0}'..='\u{02FF}' => 0.62,
        c if c.is_ascii_uppercase() => 1.2,
        c if c.is_ascii() => 1.0,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}' => 1.85,
        _ => 1.1,
    }
}

impl Measure {
    pub(super) fn width(&self, s: &str) -> f64 {
        s.chars().map(char_weight).sum::<f64>() * self.unit
    }
}

/// Greedy word wrap of `s` into lines no wider than `max` (CJK text without spaces stays
/// on one line).
pub(super) fn wrap(s: &str, m: &Measure, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let cand = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if !cur.is_empty() && m.width(&cand) > max {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = cand;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
