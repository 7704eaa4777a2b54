//! Every chart of the lab, drawn with [plotters] onto any backend.
//!
//! Each chart is a function that takes a `&DrawingArea<DB, Shift>` for any
//! `DB: DrawingBackend`, plain data, the words to show ([`ChartText`]) and the look
//! ([`Theme`]). It never creates a backend, so the same code draws into an SVG string on
//! the command line and in the tests ([`svg`]), and into a browser canvas through
//! `plotters-canvas` in the wasm build. A chart fills its whole area (background
//! included) and returns `Result<(), ChartError>`.
//!
//! | function | the figure |
//! |---|---|
//! | [`gradient_bars`] | the signed ∂C/∂b of the first six neurons of every hidden layer |
//! | [`norm_bars`] | ‖δˡ‖ per hidden layer on a log axis, the book's values as markers |
//! | [`speed_chart`] | learning-speed curves ‖δˡ‖ against the epoch, log axis |
//! | [`training_chart`] | accuracy (%) and cost against the epoch, two stacked panels |
//! | [`chain_chart`] | the single-neuron chain: σ′(z) with every z_j, the terms w_jσ′(z_j), the running product |
//! | [`chain_sweep_chart`] | \|∂C/∂b₁\| against the weight w, log–log |
//! | [`depth_chart`] | accuracy by number of hidden layers, mean ± std, book's numbers |
//!
//! Odd data never panics: non-finite points are left out of lines and shown as
//! markers pinned to the edge, non-finite bars are drawn hatched ("overflow") with a
//! "∞"/"NaN" label, zero or negative values are left out of log axes (zeros in bars and
//! in the chain's product are shown as "underflow"), empty data gives a "no data" note,
//! and a drawing area too small for a chart gets only its background.
//!
//! Text: no word is written inside the drawing code; every word comes from
//! [`ChartText`] (English by default), so a translation passes another value. Natively
//! plotters is built without a font feature: text is laid out with its built-in size
//! estimate and the SVG backend writes `<text>` elements that the viewer renders; in the
//! browser the canvas draws and measures the text itself.
//!
//! Log axes are drawn on a linear axis of log₁₀ values with ticks chosen here (powers
//! of ten, written 10⁻³, or plain numbers for a narrow range near 1), so they work for
//! any range f64 holds.

use crate::chain::{ChainReport, Regime};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

/// Drawing failed in the backend (plotters' error, as text).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    #[error("drawing the chart failed: {0}")]
    Draw(String),
}

fn de<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// The Okabe–Ito palette (Okabe & Ito, 2008), safe for colour-blind readers, in the order
/// used for series: blue, vermillion, bluish green, reddish purple, orange, sky blue,
/// yellow, black.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];

/// Colours, font and sizes of the charts.
///
/// Font sizes are plotters font sizes, multiplied by `scale × font_scale`. Plotters'
/// SVG backend writes `font-size = size / 1.24` while its canvas backend uses `size` px;
/// [`Theme::for_canvas`] sets `font_scale` so a canvas looks like the SVG. Line widths,
/// marker sizes and paddings are in CSS pixels multiplied by `scale` (pass
/// `devicePixelRatio` for a high-DPI canvas).
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    /// Titles, axis descriptions, legend text, the zero line.
    pub text: RGBColor,
    /// Tick labels, axis lines, secondary notes.
    pub muted: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// One colour per hidden layer / series, cycled when there are more series.
    pub series: Vec<RGBColor>,
    /// Positive terms of the chain, "vanishing" in the sweep.
    pub positive: RGBColor,
    /// Negative terms of the chain, "exploding" in the sweep.
    pub negative: RGBColor,
    /// The book's values and reference lines.
    pub reference: RGBColor,
    /// Hatching of overflowed (∞/NaN) and underflowed (0) values.
    pub overflow: RGBColor,
    /// A CSS font family, e.g. "sans-serif".
    pub font_family: String,
    pub title_size: f64,
    pub label_size: f64,
    pub tick_size: f64,
    /// Multiplies every size (pixels and fonts): the device pixel ratio.
    pub scale: f64,
    /// Multiplies font sizes only (see [`Theme::for_canvas`]).
    pub font_scale: f64,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::light()
    }
}

impl Theme {
    /// Dark text on white.
    pub fn light() -> Self {
        Theme {
            background: RGBColor(0xFF, 0xFF, 0xFF),
            text: RGBColor(0x22, 0x22, 0x22),
            muted: RGBColor(0x5F, 0x5F, 0x5F),
            grid: RGBColor(0xE3, 0xE3, 0xE3),
            series: OKABE_ITO[..7].iter().copied().chain([RGBColor(0x55, 0x55, 0x55)]).collect(),
            positive: OKABE_ITO[0],
            negative: OKABE_ITO[1],
            reference: RGBColor(0x11, 0x11, 0x11),
            overflow: RGBColor(0x8B, 0x1A, 0x4A),
            font_family: "sans-serif".to_string(),
            title_size: 21.0,
            label_size: 16.5,
            tick_size: 15.0,
            scale: 1.0,
            font_scale: 1.0,
        }
    }

    /// Light text on a dark grey background.
    pub fn dark() -> Self {
        Theme {
            background: RGBColor(0x1E, 0x1F, 0x22),
            text: RGBColor(0xE8, 0xE8, 0xE8),
            muted: RGBColor(0xA8, 0xA8, 0xA8),
            grid: RGBColor(0x3A, 0x3B, 0x3F),
            series: [
                RGBColor(0x56, 0xB4, 0xE9),
                RGBColor(0xE6, 0x9F, 0x00),
                RGBColor(0x00, 0x9E, 0x73),
                RGBColor(0xCC, 0x79, 0xA7),
                RGBColor(0xF0, 0xE4, 0x42),
                RGBColor(0xD5, 0x5E, 0x00),
                RGBColor(0x00, 0x72, 0xB2),
                RGBColor(0xC8, 0xC8, 0xC8),
            ]
            .to_vec(),
            positive: RGBColor(0x56, 0xB4, 0xE9),
            negative: RGBColor(0xE6, 0x9F, 0x00),
            reference: RGBColor(0xF5, 0xF5, 0xF5),
            overflow: RGBColor(0xF0, 0x8C, 0xB8),
            ..Theme::light()
        }
    }

    /// This theme at another scale (e.g. `devicePixelRatio`).
    pub fn with_scale(mut self, scale: f64) -> Self {
        self.scale = scale;
        self
    }

    /// The light theme for a plotters-canvas backend of `device_pixel_ratio` device
    /// pixels per CSS pixel: every size scaled, fonts corrected to match the SVG look.
    pub fn for_canvas(device_pixel_ratio: f64) -> Self {
        Theme::light().on_canvas(device_pixel_ratio)
    }

    /// This theme (light or dark) for a canvas, as [`Theme::for_canvas`].
    pub fn on_canvas(self, device_pixel_ratio: f64) -> Self {
        Theme { scale: device_pixel_ratio, font_scale: 1.0 / 1.24, ..self }
    }

    fn k(&self) -> f64 {
        if self.scale.is_finite() && self.scale > 0.0 {
            self.scale.min(64.0)
        } else {
            1.0
        }
    }

    fn px(&self, v: f64) -> i32 {
        (v * self.k()).round().max(1.0) as i32
    }

    fn fk(&self) -> f64 {
        if self.font_scale.is_finite() && self.font_scale > 0.0 {
            self.font_scale.min(16.0)
        } else {
            1.0
        }
    }

    fn font(&self, size: f64, color: RGBColor, bold: bool) -> TextStyle<'_> {
        let family = if self.font_family.trim().is_empty() { "sans-serif" } else { self.font_family.as_str() };
        let size = if size.is_finite() && size > 0.0 { size } else { 14.0 };
        let style = if bold { FontStyle::Bold } else { FontStyle::Normal };
        FontDesc::new(FontFamily::from(family), size * self.k() * self.fk(), style).color(&color)
    }

    fn title_font(&self) -> TextStyle<'_> {
        self.font(self.title_size, self.text, true)
    }
    fn panel_title_font(&self) -> TextStyle<'_> {
        self.font(self.title_size * 0.86, self.text, true)
    }
    fn desc_font(&self) -> TextStyle<'_> {
        self.font(self.label_size, self.text, false)
    }
    fn tick_font(&self) -> TextStyle<'_> {
        self.font(self.tick_size, self.muted, false)
    }
    fn legend_font(&self) -> TextStyle<'_> {
        self.font(self.tick_size * 1.04, self.text, false)
    }
    fn note_font(&self, color: RGBColor) -> TextStyle<'_> {
        self.font(self.tick_size * 0.95, color, false)
    }

    fn color(&self, i: usize) -> RGBColor {
        if self.series.is_empty() {
            self.text
        } else {
            self.series[i % self.series.len()]
        }
    }
}

/// Title and axis descriptions of one panel. An empty string draws nothing.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PanelText {
    pub title: String,
    pub x: String,
    pub y: String,
}

impl PanelText {
    fn new(title: &str, x: &str, y: &str) -> Self {
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
    /// [`gradient_bars`].
    pub gradient: PanelText,
    /// [`norm_bars`].
    pub norms: PanelText,
    /// [`speed_chart`].
    pub speed: PanelText,
    /// [`training_chart`], upper panel.
    pub accuracy: PanelText,
    /// [`training_chart`], lower panel.
    pub cost: PanelText,
    /// [`chain_chart`], the σ′(z) panel.
    pub sigma: PanelText,
    /// [`chain_chart`], the terms panel.
    pub terms: PanelText,
    /// [`chain_chart`], the running-product panel.
    pub product: PanelText,
    /// [`chain_sweep_chart`].
    pub sweep: PanelText,
    /// [`depth_chart`].
    pub depth: PanelText,
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
    fn non_finite(&self, v: f64) -> String {
        if v.is_nan() {
            self.nan.clone()
        } else if v > 0.0 {
            self.infinity.clone()
        } else {
            format!("−{}", self.infinity)
        }
    }
}

/// Render `draw` into an SVG document of `width × height` pixels.
pub fn svg<F>(width: u32, height: u32, draw: F) -> Result<String, ChartError>
where
    F: FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), ChartError>,
{
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width.max(1), height.max(1))).into_drawing_area();
        draw(&root)?;
        root.present().map_err(de)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Number formatting
// ---------------------------------------------------------------------------------------

fn superscript(n: i64) -> String {
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

fn minus(s: String) -> String {
    let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s };
    s.replace('-', "−")
}

fn trim_zeros(s: &str) -> String {
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

// ---------------------------------------------------------------------------------------
// Axes: ranges and ticks chosen here
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Labels {
    /// Linear values divided by 10^factor, with `decimals` decimals.
    Linear { decimals: usize, factor: Option<i32> },
    /// Values are log₁₀ of the quantity; `plain` writes 0.01 … 1000 instead of 10ⁿ.
    Log { plain: bool },
    /// Fixed labels at fixed positions.
    Fixed(Vec<(f64, String)>),
}

#[derive(Clone, Debug)]
struct Axis {
    lo: f64,
    hi: f64,
    major: Vec<f64>,
    minor: Vec<f64>,
    labels: Labels,
}

/// Axis ends are kept within ±BIG so spans stay finite; values beyond are pinned.
const BIG: f64 = f64::MAX / 4.0;

fn sane_range(lo: f64, hi: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (lo.clamp(-BIG, BIG), hi.clamp(-BIG, BIG));
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    if hi - lo <= 1e-12 * lo.abs().max(hi.abs()) {
        let d = if lo == 0.0 { 1.0 } else { (lo.abs() * 0.1).max(1e-300) };
        lo -= d;
        hi += d;
    }
    if hi > lo {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// A step of 1, 2 or 5 × 10ⁿ giving the number of intervals over `span` nearest to
/// `target`.
fn nice_step(span: f64, target: usize) -> f64 {
    let target = target.max(1) as f64;
    let raw = span / target;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .min_by(|a, b| ((span / a).ln() - target.ln()).abs().total_cmp(&((span / b).ln() - target.ln()).abs()))
        .unwrap_or(raw)
}

fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let k0 = (lo / step - 1e-9).ceil();
    (0..200)
        .map(|i| (k0 + i as f64) * step)
        .take_while(|t| *t <= hi + step * 1e-9)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect()
}

impl Axis {
    /// A linear axis; `factor` allows a common ×10ⁿ for very small or large values.
    fn linear(lo: f64, hi: f64, target: usize, factor: bool) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let step = nice_step(hi - lo, target);
        let major = ticks(lo, hi, step);
        let mx = lo.abs().max(hi.abs());
        let fe = (factor && !(1e-2..1e5).contains(&mx)).then(|| mx.log10().floor() as i32);
        let s = step / 10f64.powi(fe.unwrap_or(0));
        let decimals = (-s.log10() - 1e-9).ceil().max(0.0) as usize;
        Axis { lo, hi, major, minor: vec![], labels: Labels::Linear { decimals: decimals.min(12), factor: fe } }
    }

    /// A linear axis with integer ticks (epochs, neurons, layers).
    fn integer(lo: f64, hi: f64, target: usize) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let step = nice_step(hi - lo, target).max(1.0).round();
        Axis { lo, hi, major: ticks(lo, hi, step), minor: vec![], labels: Labels::Linear { decimals: 0, factor: None } }
    }

    /// A log axis over exponents `lo..hi` (log₁₀ of the values).
    fn log(lo: f64, hi: f64, target: usize) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let e0 = lo.ceil() as i64;
        let e1 = hi.floor() as i64;
        let decades = (e1 - e0 + 1).max(0);
        let step = [1i64, 2, 3, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
            .into_iter()
            .find(|s| decades / s <= target.max(2) as i64)
            .unwrap_or(1000);
        let mut major: Vec<f64> = (e0..=e1).filter(|e| e.rem_euclid(step) == 0).map(|e| e as f64).collect();
        let mut minor: Vec<f64> = Vec::new();
        if hi - lo <= 8.0 {
            for e in (lo.floor() as i64)..=(hi.ceil() as i64) {
                for m in 2..=9 {
                    let v = e as f64 + (m as f64).log10();
                    if v >= lo && v <= hi {
                        minor.push(v);
                    }
                }
            }
        } else if step > 1 {
            let sub = match step {
                2 | 3 | 5 => 1,
                10 | 20 | 50 | 100 | 200 | 500 | 1000 => step / 5,
                _ => step / 5,
            }
            .max(1);
            minor = (e0..=e1).filter(|e| e.rem_euclid(sub) == 0 && e.rem_euclid(step) != 0).map(|e| e as f64).collect();
        }
        // Narrow ranges: label 2× and 5×, and if that is still too few, every n×10ᵏ.
        for wanted in [&[2.0, 5.0][..], &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0][..]] {
            if major.len() < 3 && hi - lo <= 2.5 {
                let extra: Vec<f64> = minor
                    .iter()
                    .copied()
                    .filter(|v| {
                        let m = 10f64.powf(v - v.floor());
                        wanted.iter().any(|w| (m - w).abs() < 1e-6) && !major.iter().any(|x| (x - v).abs() < 1e-9)
                    })
                    .collect();
                major.extend(extra);
                major.sort_by(f64::total_cmp);
            }
        }
        let plain = major.iter().all(|v| (-3.0 - 1e-9..=3.0 + 1e-9).contains(v));
        Axis { lo, hi, major, minor, labels: Labels::Log { plain } }
    }

    fn fixed(lo: f64, hi: f64, items: Vec<(f64, String)>) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let major = items.iter().map(|p| p.0).filter(|v| *v >= lo && *v <= hi).collect();
        Axis { lo, hi, major, minor: vec![], labels: Labels::Fixed(items) }
    }

    fn label(&self, v: f64) -> String {
        match &self.labels {
            Labels::Linear { decimals, factor } => {
                let x = v / 10f64.powi(factor.unwrap_or(0));
                if x.abs() < 1e-12 {
                    return "0".into();
                }
                minus(format!("{:.*}", decimals, x))
            }
            Labels::Log { plain } => {
                let r = v.round();
                if (v - r).abs() < 1e-9 && !plain {
                    format!("10{}", superscript(r as i64))
                } else {
                    format_value(10f64.powf(v), if *plain { 2 } else { 1 })
                }
            }
            Labels::Fixed(items) => items
                .iter()
                .find(|(p, _)| (p - v).abs() <= 1e-9 * p.abs().max(1.0))
                .map(|(_, s)| s.clone())
                .unwrap_or_default(),
        }
    }

    fn clamp(&self, v: f64) -> f64 {
        v.max(self.lo).min(self.hi)
    }
}

/// log₁₀ of the finite positive values; `None` for the rest.
fn lg(v: f64) -> Option<f64> {
    (v.is_finite() && v > 0.0).then(|| v.log10())
}

/// Exponent range covering `exps` widened by `margin` on whole decades (at least one
/// decade), or `default`.
fn decade_range(exps: impl IntoIterator<Item = f64>, default: (f64, f64), margin: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for e in exps {
        if e.is_finite() {
            lo = lo.min(e);
            hi = hi.max(e);
        }
    }
    if !lo.is_finite() {
        return default;
    }
    let (mut lo, mut hi) = ((lo - margin + 1e-9).floor(), (hi + margin - 1e-9).ceil());
    if hi - lo < 1.0 {
        lo -= 0.5;
        hi += 0.5;
        lo = lo.floor();
        hi = hi.ceil();
    }
    (lo, hi)
}

/// Like [`decade_range`], but a range narrower than a decade stays narrow (for lines).
fn tight_log_range(exps: impl IntoIterator<Item = f64> + Clone, default: (f64, f64)) -> (f64, f64) {
    match finite_minmax(exps.clone()) {
        Some((a, b)) if b - a < 1.0 => {
            let pad = ((b - a) * 0.15).max(0.05);
            (a - pad, b + pad)
        }
        _ => decade_range(exps, default, 0.0),
    }
}

fn finite_minmax(vals: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let mut r: Option<(f64, f64)> = None;
    for v in vals.into_iter().filter(|v| v.is_finite()) {
        r = Some(match r {
            None => (v, v),
            Some((a, b)) => (a.min(v), b.max(v)),
        });
    }
    r
}

// ---------------------------------------------------------------------------------------
// Text measuring (calibrated on the backend's own estimate of a run of digits)
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Measure {
    unit: f64,
    height: f64,
}

fn measure<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: &TextStyle) -> Measure {
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
        '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}' => 1.85,
        _ => 1.1,
    }
}

impl Measure {
    fn width(&self, s: &str) -> f64 {
        s.chars().map(char_weight).sum::<f64>() * self.unit
    }
}

// ---------------------------------------------------------------------------------------
// Primitive drawing in pixel coordinates
// ---------------------------------------------------------------------------------------

type Px = (i32, i32);

fn text<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, at: Px, style: &TextStyle, h: HPos, v: VPos) -> Result<(), ChartError> {
    if s.is_empty() {
        return Ok(());
    }
    area.draw(&Text::new(s.to_string(), at, style.pos(Pos::new(h, v)))).map_err(de)
}

fn line<DB: DrawingBackend, C: Color>(area: &DrawingArea<DB, Shift>, pts: Vec<Px>, color: C, width: i32) -> Result<(), ChartError> {
    if pts.len() < 2 {
        return Ok(());
    }
    area.draw(&PathElement::new(pts, color.stroke_width(width.max(1) as u32))).map_err(de)
}

fn dashed<DB: DrawingBackend, C: Color>(area: &DrawingArea<DB, Shift>, a: Px, b: Px, color: C, theme: &Theme) -> Result<(), ChartError> {
    let style = color.stroke_width(theme.px(1.3) as u32);
    area.draw(&DashedPathElement::new(vec![a, b], theme.px(6.0), theme.px(4.0), style)).map_err(de)
}

fn rect<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, a: Px, b: Px, style: ShapeStyle) -> Result<(), ChartError> {
    area.draw(&Rectangle::new([a, b], style)).map_err(de)
}

/// A rectangle filled with diagonal hatching: the mark of a value that overflowed.
fn hatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, a: Px, b: Px, color: RGBColor, theme: &Theme) -> Result<(), ChartError> {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    rect(area, (x0, y0), (x1, y1), color.mix(0.14).filled())?;
    let step = theme.px(5.0).max(3);
    if x1 - x0 >= 3 && y1 - y0 >= 3 {
        let style = color.mix(0.75).stroke_width(1);
        let mut c = x0 + y0 + step / 2;
        let mut n = 0;
        while c < x1 + y1 && n < 4000 {
            let xa = x0.max(c - y1);
            let xb = x1.min(c - y0);
            if xa < xb {
                area.draw(&PathElement::new(vec![(xa, c - xa), (xb, c - xb)], style)).map_err(de)?;
            }
            c += step;
            n += 1;
        }
    }
    rect(area, (x0, y0), (x1, y1), color.stroke_width(1))
}

/// The marker of each layer's curve, cycled: with the colour it tells the curves apart
/// for readers who cannot tell the colours apart (deuteranopes see the palette's blue and
/// bluish green, or vermillion and orange, as close), and in a grey print. The upward
/// triangle comes last: it also marks overflow at the top edge.
const LAYER_SHAPES: [Shape; 6] = [Shape::Circle, Shape::Diamond, Shape::Down, Shape::Right, Shape::Left, Shape::Up];

fn layer_shape(l: usize) -> Shape {
    LAYER_SHAPES[l % LAYER_SHAPES.len()]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    Circle,
    Diamond,
    Up,
    Down,
    Left,
    Right,
}

fn marker<DB: DrawingBackend, C: Color, H: Color>(area: &DrawingArea<DB, Shift>, c: Px, shape: Shape, r: i32, color: C, halo: H) -> Result<(), ChartError> {
    let r = r.max(2);
    let (x, y) = c;
    let poly: Vec<Px> = match shape {
        Shape::Circle => {
            area.draw(&Circle::new(c, r, color.filled())).map_err(de)?;
            return area.draw(&Circle::new(c, r, halo.stroke_width(1))).map_err(de);
        }
        Shape::Diamond => vec![(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)],
        Shape::Up => vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
        Shape::Down => vec![(x, y + r + 1), (x + r + 1, y - r), (x - r - 1, y - r)],
        Shape::Left => vec![(x - r - 1, y), (x + r, y - r - 1), (x + r, y + r + 1)],
        Shape::Right => vec![(x + r + 1, y), (x - r, y - r - 1), (x - r, y + r + 1)],
    };
    area.draw(&Polygon::new(poly.clone(), color.filled())).map_err(de)?;
    let mut closed = poly.clone();
    closed.push(poly[0]);
    area.draw(&PathElement::new(closed, halo.stroke_width(1))).map_err(de)
}

// ---------------------------------------------------------------------------------------
// Frame: background, title, legend
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Swatch {
    Bar(RGBColor),
    /// A line with its series' marker on it.
    LineMarker(RGBColor, Shape),
    Marker(RGBColor, Shape),
    Hatch(RGBColor),
    ErrorBar(RGBColor),
}

#[derive(Clone, Debug)]
struct Item {
    label: String,
    swatch: Swatch,
}

fn item(label: impl Into<String>, swatch: Swatch) -> Item {
    Item { label: label.into(), swatch }
}

fn draw_swatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Swatch, x: i32, cy: i32, size: i32, theme: &Theme) -> Result<(), ChartError> {
    let h = size / 2;
    match s {
        Swatch::Bar(c) => rect(area, (x, cy - h), (x + size, cy + h), c.filled()),
        Swatch::LineMarker(c, shape) => {
            line(area, vec![(x, cy), (x + size, cy)], *c, theme.px(2.5))?;
            marker(area, (x + h, cy), *shape, theme.px(4.0), *c, theme.background)
        }
        Swatch::Marker(c, shape) => marker(area, (x + h, cy), *shape, theme.px(4.5), *c, theme.background),
        Swatch::Hatch(c) => hatch(area, (x, cy - h), (x + size, cy + h), *c, theme),
        Swatch::ErrorBar(c) => {
            let w = theme.px(2.0);
            line(area, vec![(x + h, cy - h), (x + h, cy + h)], *c, w)?;
            line(area, vec![(x + h - h / 2, cy - h), (x + h + h / 2, cy - h)], *c, w)?;
            line(area, vec![(x + h - h / 2, cy + h), (x + h + h / 2, cy + h)], *c, w)?;
            marker(area, (x + h, cy), Shape::Circle, theme.px(3.5), *c, theme.background)
        }
    }
}

/// Greedy word wrap of `s` into lines no wider than `max` (CJK text without spaces stays
/// on one line).
fn wrap(s: &str, m: &Measure, max: f64) -> Vec<String> {
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

/// Fill `area`, draw the title and the legend on top; return the area left below them,
/// which starts at least `min_top` pixels down (to align panels side by side).
fn frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    title_style: &TextStyle,
    legend: &[Item],
    theme: &Theme,
    min_top: i32,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let (_, h) = area.dim_in_pixel();
    let top = header(area, title, title_style, legend, theme, true)?.max(min_top);
    let top = top.clamp(0, (h as i32).max(0));
    Ok(area.split_vertically(top).1)
}

/// Lay out (and, with `draw`, draw) the title and legend; the height they take.
fn header<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, title: &str, title_style: &TextStyle, legend: &[Item], theme: &Theme, draw: bool) -> Result<i32, ChartError> {
    let (w, _) = area.dim_in_pixel();
    let w = w as i32;
    let pad = theme.px(8.0);
    let mut top = pad;
    if !title.trim().is_empty() {
        let m = measure(area, title_style);
        for l in wrap(title, &m, (w - 2 * pad) as f64) {
            if draw {
                text(area, &l, (w / 2, top), title_style, HPos::Center, VPos::Top)?;
            }
            top += (m.height * 1.2).round() as i32;
        }
        top += theme.px(2.0);
    }
    if !legend.is_empty() {
        let style = theme.legend_font();
        let m = measure(area, &style);
        let sw = theme.px(14.0);
        let gap = theme.px(6.0);
        let sep = theme.px(18.0);
        let row_h = (m.height.max(sw as f64) * 1.35).round() as i32;
        let widths: Vec<i32> = legend.iter().map(|it| sw + gap + m.width(&it.label).ceil() as i32).collect();
        let max_w = (w - 2 * pad).max(1);
        let mut rows: Vec<Vec<usize>> = vec![vec![]];
        let mut row_w = 0;
        for (i, iw) in widths.iter().enumerate() {
            let last = rows.last_mut().expect("rows is never empty");
            let add = if last.is_empty() { *iw } else { sep + iw };
            if !last.is_empty() && row_w + add > max_w {
                rows.push(vec![i]);
                row_w = *iw;
            } else {
                last.push(i);
                row_w += add;
            }
        }
        for row in rows {
            let total: i32 = row.iter().map(|&i| widths[i]).sum::<i32>() + sep * (row.len() as i32 - 1).max(0);
            let mut x = ((w - total) / 2).max(pad);
            let cy = top + row_h / 2;
            for i in row {
                if draw {
                    draw_swatch(area, &legend[i].swatch, x, cy, sw, theme)?;
                    text(area, &legend[i].label, (x + sw + gap, cy), &style, HPos::Left, VPos::Center)?;
                }
                x += widths[i] + sep;
            }
            top += row_h;
        }
        top += theme.px(2.0);
    }
    Ok(top)
}

fn no_data<DB: DrawingBackend>(body: &DrawingArea<DB, Shift>, t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    let (w, h) = body.dim_in_pixel();
    let style = theme.font(theme.label_size, theme.muted, false);
    text(body, &t.no_data, (w as i32 / 2, h as i32 / 2), &style, HPos::Center, VPos::Center)
}

// ---------------------------------------------------------------------------------------
// Panel: a cartesian chart with our axes; everything else is drawn in pixels
// ---------------------------------------------------------------------------------------

/// A linear plotters coordinate with our own key points (bold = labelled ticks and grid
/// lines, light = minor grid lines).
#[derive(Clone, Debug)]
struct AxisCoord {
    lo: f64,
    hi: f64,
    major: Vec<f64>,
    minor: Vec<f64>,
}

impl Ranged for AxisCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        let p = limit.0 as f64 + t * (limit.1 - limit.0) as f64;
        if p.is_finite() {
            p.round().clamp(-1e9, 1e9) as i32
        } else {
            limit.0
        }
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.major.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

impl Axis {
    fn coord(&self) -> AxisCoord {
        AxisCoord { lo: self.lo, hi: self.hi, major: self.major.clone(), minor: self.minor.clone() }
    }
}

type Coord2 = Cartesian2d<AxisCoord, AxisCoord>;

struct Plot<'a, DB: DrawingBackend> {
    chart: ChartContext<'a, DB, Coord2>,
    /// The plotting area without coordinates: pixels relative to its top-left corner.
    pa: DrawingArea<DB, Shift>,
    base: Px,
    x: Axis,
    y: Axis,
}

impl<DB: DrawingBackend> Plot<'_, DB> {
    /// Pixel of a data point, clamped into the plotting area.
    fn at(&self, x: f64, y: f64) -> Px {
        let p = self.chart.backend_coord(&(self.x.clamp(x), self.y.clamp(y)));
        (p.0 - self.base.0, p.1 - self.base.1)
    }
    fn width(&self) -> i32 {
        self.pa.dim_in_pixel().0 as i32
    }
    /// Pixels per unit of x.
    fn x_scale(&self) -> f64 {
        self.width() as f64 / (self.x.hi - self.x.lo)
    }
}

/// How many ticks fit in `len` pixels at `spacing` pixels per tick.
fn fit(len: u32, spacing: f64) -> usize {
    ((len as f64 / spacing.max(1.0)).floor() as usize).clamp(2, 12)
}

#[allow(clippy::too_many_arguments)]
fn panel<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    x: Axis,
    y: Axis,
    x_desc: &str,
    y_desc: &str,
    x_grid: bool,
    min_y_w: i32,
    theme: &Theme,
) -> Result<Option<Plot<'a, DB>>, ChartError> {
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let tick_style = theme.tick_font();
    let desc_style = theme.desc_font();
    let tm = measure(body, &tick_style);
    let dm = measure(body, &desc_style);
    let tick_len = theme.px(4.0);
    let pad = theme.px(8.0);
    let y_w = (y.major.iter().map(|v| tm.width(&y.label(*v))).fold(0.0, f64::max).ceil() as i32).max(min_y_w);
    let desc_w = |s: &str| if s.trim().is_empty() { 0 } else { dm.height.ceil() as i32 + theme.px(8.0) };
    let y_area = 2 * tick_len + y_w + desc_w(y_desc) + theme.px(4.0);
    let x_area = 2 * tick_len + tm.height.ceil() as i32 + desc_w(x_desc) + theme.px(2.0);
    let last_x = x.major.iter().copied().rfind(|v| *v >= x.hi - (x.hi - x.lo) * 0.02);
    let right = pad.max(last_x.map_or(0, |v| (tm.width(&x.label(v)) / 2.0).ceil() as i32 + theme.px(2.0)));
    let factor = matches!(y.labels, Labels::Linear { factor: Some(_), .. });
    let top = (tm.height / 2.0).ceil() as i32 + theme.px(4.0) + if factor { tm.height.ceil() as i32 + theme.px(2.0) } else { 0 };
    if w - y_area - right - pad < theme.px(24.0) || h - x_area - top - pad < theme.px(24.0) {
        return Ok(None);
    }
    let mut chart = ChartBuilder::on(body)
        .margin_top(top)
        .margin_right(right)
        .margin_left(pad)
        .margin_bottom(pad)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(de)?;
    {
        let fx = |v: &f64| x.label(*v);
        let fy = |v: &f64| y.label(*v);
        let mut mesh = chart.configure_mesh();
        mesh.x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style(tick_style.clone())
            .axis_desc_style(desc_style.clone())
            .bold_line_style(theme.grid.stroke_width(1))
            .light_line_style(theme.grid.mix(0.45).stroke_width(1))
            .axis_style(theme.muted.stroke_width(1))
            .set_all_tick_mark_size(tick_len);
        if !x_desc.trim().is_empty() {
            mesh.x_desc(x_desc);
        }
        if !y_desc.trim().is_empty() {
            mesh.y_desc(y_desc);
        }
        if !x_grid {
            mesh.disable_x_mesh();
        }
        mesh.draw().map_err(de)?;
    }
    let pa = chart.plotting_area().strip_coord_spec();
    let base = pa.get_base_pixel();
    if let Labels::Linear { factor: Some(fe), .. } = y.labels {
        let b = body.get_base_pixel();
        let at = (base.0 - b.0, base.1 - b.1 - (tm.height / 2.0).ceil() as i32 - theme.px(2.0));
        text(body, &format!("×10{}", superscript(fe as i64)), at, &tick_style, HPos::Left, VPos::Bottom)?;
    }
    Ok(Some(Plot { chart, pa, base, x, y }))
}

/// Split a list of `Option` points into runs of consecutive `Some`.
fn runs(points: impl IntoIterator<Item = Option<(f64, f64)>>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![];
    let mut cur: Vec<(f64, f64)> = vec![];
    for p in points {
        match p {
            Some(p) => cur.push(p),
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Draw runs as lines (a run of one point as a dot).
fn draw_runs<DB: DrawingBackend, C: Color + Copy>(p: &Plot<DB>, runs: &[Vec<(f64, f64)>], color: C, width: f64, theme: &Theme) -> Result<(), ChartError> {
    for r in runs {
        if r.len() == 1 {
            marker(&p.pa, p.at(r[0].0, r[0].1), Shape::Circle, theme.px(3.0), color, theme.background)?;
        } else {
            let mut pts: Vec<Px> = r.iter().map(|&(x, y)| p.at(x, y)).collect();
            pts.dedup();
            if pts.len() == 1 {
                pts.push(pts[0]);
            }
            line(&p.pa, pts, color, theme.px(width))?;
        }
    }
    Ok(())
}

/// Horizontal band of hatching along the top (or bottom) edge from x0 to the right
/// end of the plot, with a label: where values overflowed (underflowed).
fn edge_band<DB: DrawingBackend>(p: &Plot<DB>, x0: f64, x1: f64, top: bool, label: &str, theme: &Theme) -> Result<(), ChartError> {
    let band = theme.px(16.0);
    let (a, b) = (p.at(x0, p.y.hi), p.at(x1, p.y.lo));
    let (ya, yb) = if top { (a.1, a.1 + band) } else { (b.1 - band, b.1) };
    let xa = a.0.max(0);
    let xb = b.0.max(xa + theme.px(4.0));
    hatch(&p.pa, (xa, ya), (xb, yb), theme.overflow, theme)?;
    let style = theme.note_font(theme.overflow);
    let w = p.width();
    let m = measure(&p.pa, &style);
    let tw = m.width(label).ceil() as i32;
    // Label inside the band if it fits, else beside it (inside the plot).
    let (lx, hpos) = if xb - xa >= tw + theme.px(8.0) {
        ((xa + xb) / 2, HPos::Center)
    } else if xa - theme.px(4.0) >= tw {
        (xa - theme.px(4.0), HPos::Right)
    } else {
        ((xb + theme.px(4.0)).min(w), HPos::Left)
    };
    let cy = (ya + yb) / 2;
    if xb - xa >= tw + theme.px(8.0) {
        let bg = (lx - tw / 2 - theme.px(3.0), cy - (m.height / 2.0) as i32);
        rect(&p.pa, bg, (lx + tw / 2 + theme.px(3.0), cy + (m.height / 2.0) as i32), theme.background.mix(0.85).filled())?;
    }
    text(&p.pa, label, (lx, cy), &style, hpos, VPos::Center)
}

// ---------------------------------------------------------------------------------------
// 1. The book's bar chart of ∂C/∂b
// ---------------------------------------------------------------------------------------

/// The book's figure of the gradient: for every hidden layer the signed ∂C/∂b of its
/// first six neurons ([`LayerProbe::first_six`](crate::probe::LayerProbe)) as vertical
/// bars, grouped by layer, one colour per layer (legend "hidden layer 1", … while the
/// palette lasts), a zero line and a y-axis symmetric around 0. Non-finite values are
/// hatched bars labelled ∞/NaN.
pub fn gradient_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, probe: &crate::probe::Probe, t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let layers = &probe.layers;
    let all = || layers.iter().flat_map(|l| l.first_six.iter().copied());
    let overflow = all().any(|v| !v.is_finite());
    let mut legend: Vec<Item> = vec![];
    if layers.len() <= theme.series.len().max(1) {
        legend.extend(layers.iter().enumerate().map(|(i, l)| item(t.layer_name(l.layer), Swatch::Bar(theme.color(i)))));
    }
    if overflow {
        legend.push(item(&t.overflow, Swatch::Hatch(theme.overflow)));
    }
    let body = frame(area, &t.gradient.title, &theme.title_font(), &legend, theme, 0)?;
    let slots = layers.iter().map(|l| l.first_six.len()).max().unwrap_or(0);
    if layers.is_empty() || slots == 0 {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let stride = slots as f64 + (slots as f64 * 0.3).max(1.0);
    let x_lo = -0.5 - 0.15 * stride;
    let x_hi = (layers.len() - 1) as f64 * stride + slots as f64 - 0.5 + 0.15 * stride;
    let centre = |g: usize| g as f64 * stride + (slots as f64 - 1.0) / 2.0;
    // Layer numbers under the groups, thinned so they do not collide.
    let tm = measure(&body, &theme.tick_font());
    let label_w = tm.width(&layers.last().map_or(1, |l| l.layer).to_string()) + 14.0 * theme.k();
    let group_px = bw as f64 * 0.85 / layers.len() as f64;
    let every = [1usize, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000]
        .into_iter()
        .find(|k| *k as f64 * group_px >= label_w)
        .unwrap_or(usize::MAX);
    let items = layers
        .iter()
        .enumerate()
        .filter(|(_, l)| every == 1 || l.layer % every == 0)
        .map(|(g, l)| (centre(g), l.layer.to_string()))
        .collect();
    let m = finite_minmax(all().map(f64::abs)).map_or(0.0, |r| r.1).min(BIG);
    let m = if m > 0.0 { m } else { 1.0 };
    let head = if overflow { 1.32 } else { 1.12 };
    let x = Axis::fixed(x_lo, x_hi, items);
    let y = Axis::linear(-m * head, m * head, fit(bh, 55.0 * theme.k()), true);
    let Some(p) = panel(&body, x, y, &t.gradient.x, &t.gradient.y, false, 0, theme)? else { return Ok(()) };
    let half = 0.39;
    let bar_px = p.x_scale() * 2.0 * half;
    let note = theme.note_font(theme.overflow);
    let nm = measure(&p.pa, &note);
    for (g, l) in layers.iter().enumerate() {
        let color = theme.color(g);
        for (i, &v) in l.first_six.iter().enumerate() {
            let cx = g as f64 * stride + i as f64;
            let (x0, x1) = (cx - half, cx + half);
            if v.is_finite() {
                rect(&p.pa, p.at(x0, 0.0), p.at(x1, v), color.filled())?;
            } else {
                let top = m * 1.12;
                let (lo, hi) = if v.is_nan() { (-top, top) } else if v > 0.0 { (0.0, top) } else { (-top, 0.0) };
                hatch(&p.pa, p.at(x0, lo), p.at(x1, hi), theme.overflow, theme)?;
                let s = t.non_finite(v);
                if bar_px + 6.0 >= nm.width(&s) {
                    let (c, vpos, dy) = if v < 0.0 { (p.at(cx, lo), VPos::Top, 2) } else { (p.at(cx, hi), VPos::Bottom, -2) };
                    text(&p.pa, &s, (c.0, c.1 + dy), &note, HPos::Center, vpos)?;
                }
            }
        }
    }
    let (a, b) = (p.at(p.x.lo, 0.0), p.at(p.x.hi, 0.0));
    line(&p.pa, vec![a, b], theme.text, theme.px(1.0))
}

// ---------------------------------------------------------------------------------------
// 2. ‖δˡ‖ per layer
// ---------------------------------------------------------------------------------------

/// ‖δˡ‖ of every hidden layer (`norms[0]` is layer 1) as bars on a log y-axis, coloured
/// like the layers of [`gradient_bars`], with the value written above each bar while
/// there is room; the book's values (`book[i]` for layer i + 1) as diamonds beside the
/// bars. A zero norm is marked "0" at the bottom; ∞/NaN are hatched bars.
pub fn norm_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, norms: &[f64], book: Option<&[f64]>, t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let book = book.unwrap_or(&[]);
    let overflow = norms.iter().any(|v| !v.is_finite());
    let mut legend = vec![];
    if !book.is_empty() {
        legend.push(item(&t.book, Swatch::Marker(theme.reference, Shape::Diamond)));
    }
    if overflow {
        legend.push(item(&t.overflow, Swatch::Hatch(theme.overflow)));
    }
    let body = frame(area, &t.norms.title, &theme.title_font(), &legend, theme, 0)?;
    let n = norms.len().max(book.len());
    if n == 0 {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let labels = n <= 16;
    let (mut lo, mut hi) = decade_range(norms.iter().chain(book).filter_map(|v| lg(*v)), (-3.0, 0.0), 0.1);
    let top_val = norms.iter().chain(book).filter_map(|v| lg(*v)).fold(f64::NEG_INFINITY, f64::max);
    if labels || overflow {
        hi = hi.max(top_val + 0.1 * (hi - lo));
    }
    if (hi - lo) > 600.0 {
        lo = hi - 600.0;
    }
    let tm = measure(&body, &theme.tick_font());
    let every = [1usize, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
        .into_iter()
        .find(|k| *k as f64 * bw as f64 * 0.85 / n as f64 >= tm.width(&n.to_string()) + 14.0 * theme.k())
        .unwrap_or(usize::MAX);
    let items = (1..=n).filter(|i| every == 1 || i % every == 0).map(|i| (i as f64, i.to_string())).collect();
    let x = Axis::fixed(0.4, n as f64 + 0.6, items);
    let y = Axis::log(lo, hi, fit(bh, 45.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.norms.x, &t.norms.y, false, 0, theme)? else { return Ok(()) };
    let (b0, b1, mx) = if book.is_empty() { (-0.3, 0.3, 0.0) } else { (-0.34, 0.16, 0.3) };
    let bar_px = p.x_scale() * (b1 - b0);
    let vstyle = theme.note_font(theme.text);
    let vm = measure(&p.pa, &vstyle);
    let note = theme.note_font(theme.overflow);
    for (i, &v) in norms.iter().enumerate() {
        let c = (i + 1) as f64;
        let color = theme.color(i);
        if let Some(e) = lg(v) {
            rect(&p.pa, p.at(c + b0, p.y.lo), p.at(c + b1, e), color.filled())?;
            let s = format_value(v, 2);
            if labels && bar_px + 0.5 * p.x_scale() * (1.0 - (b1 - b0)) >= vm.width(&s) {
                let at = p.at(c + (b0 + b1) / 2.0, e);
                text(&p.pa, &s, (at.0, at.1 - theme.px(3.0)), &vstyle, HPos::Center, VPos::Bottom)?;
            }
        } else if !v.is_finite() {
            let top = p.y.hi - 0.06 * (p.y.hi - p.y.lo);
            hatch(&p.pa, p.at(c + b0, p.y.lo), p.at(c + b1, top), theme.overflow, theme)?;
            let s = t.non_finite(v);
            if bar_px + 6.0 >= vm.width(&s) {
                let at = p.at(c + (b0 + b1) / 2.0, top);
                text(&p.pa, &s, (at.0, at.1 - theme.px(2.0)), &note, HPos::Center, VPos::Bottom)?;
            }
        } else if v == 0.0 && labels {
            let at = p.at(c + (b0 + b1) / 2.0, p.y.lo);
            text(&p.pa, "0", (at.0, at.1 - theme.px(3.0)), &note, HPos::Center, VPos::Bottom)?;
        }
    }
    for (i, &v) in book.iter().enumerate() {
        if let Some(e) = lg(v) {
            marker(&p.pa, p.at((i + 1) as f64 + mx, e), Shape::Diamond, theme.px(5.0), theme.reference, theme.background)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 3. Learning-speed curves
// ---------------------------------------------------------------------------------------

/// The book's learning-speed figure: `history[epoch][layer]` = ‖δ^{layer+1}‖, one line
/// per hidden layer against the epoch (0 = before training) on a log y-axis. Points that
/// are not finite and positive break the line; ∞/NaN are marked by triangles on the top
/// edge.
pub fn speed_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, history: &[Vec<f64>], t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let layers = history.iter().map(Vec::len).max().unwrap_or(0);
    let overflow = history.iter().flatten().any(|v| !v.is_finite());
    let mut legend: Vec<Item> = vec![];
    if layers <= 12 {
        legend.extend((0..layers).map(|l| item(t.layer_name(l + 1), Swatch::LineMarker(theme.color(l), layer_shape(l)))));
    }
    if overflow {
        legend.push(item(&t.overflow, Swatch::Marker(theme.overflow, Shape::Up)));
    }
    let body = frame(area, &t.speed.title, &theme.title_font(), &legend, theme, 0)?;
    if history.is_empty() || layers == 0 {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let epochs = history.len();
    let (mut lo, hi) = tight_log_range(history.iter().flatten().filter_map(|v| lg(*v)), (-3.0, 0.0));
    if hi - lo > 600.0 {
        lo = hi - 600.0;
    }
    let x = Axis::integer(0.0, (epochs - 1).max(1) as f64, fit(bw, 80.0 * theme.k()));
    let y = Axis::log(lo, hi, fit(bh, 45.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.speed.x, &t.speed.y, true, 0, theme)? else { return Ok(()) };
    // Thin the points to about two per pixel column.
    let stride = (epochs / (2 * p.width().max(1) as usize).max(1)).max(1);
    let dots = epochs <= 40;
    // With many epochs, about eight markers per curve, staggered between the layers so
    // they do not sit on top of each other.
    let every = (epochs / 8).max(1);
    for l in 0..layers {
        let color = theme.color(l);
        let shape = layer_shape(l);
        let pts = (0..epochs)
            .filter(|e| e % stride == 0 || *e == epochs - 1)
            .map(|e| history[e].get(l).and_then(|v| lg(*v)).map(|y| (e as f64, y)));
        let r = runs(pts);
        draw_runs(&p, &r, color, 2.2, theme)?;
        if dots {
            for run in &r {
                for &(x, y) in run {
                    marker(&p.pa, p.at(x, y), shape, theme.px(2.8), color, theme.background)?;
                }
            }
        } else {
            let offset = l * every / layers;
            for e in (offset..epochs).step_by(every) {
                if let Some(y) = history[e].get(l).and_then(|v| lg(*v)) {
                    marker(&p.pa, p.at(e as f64, y), shape, theme.px(4.0), color, theme.background)?;
                }
            }
        }
        let mut prev_bad = false;
        for (e, row) in history.iter().enumerate() {
            let bad = row.get(l).is_some_and(|v| !v.is_finite());
            if bad && (dots || !prev_bad) {
                let at = p.at(e as f64, p.y.hi);
                marker(&p.pa, (at.0, at.1 + theme.px(6.0)), Shape::Up, theme.px(4.5), theme.overflow, theme.background)?;
            }
            prev_bad = bad;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 4. Accuracy and cost
// ---------------------------------------------------------------------------------------

/// Accuracy (in percent, 0–100) and cost after each epoch (epoch 1 first), as two
/// stacked panels sharing the epoch axis (described under the lower panel with
/// `t.cost.x`; `t.accuracy.x` is not drawn). Non-finite values break the lines and are
/// marked by triangles on the top edge.
pub fn training_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, accuracy: &[f64], cost: &[f64], t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let (_, h) = area.dim_in_pixel();
    let (upper, lower) = area.split_vertically((h as f64 * 0.5).round() as i32);
    let n = accuracy.len().max(cost.len());
    let pad = ((n as f64 - 1.0) * 0.02).max(0.5);
    let (x_lo, x_hi) = if n >= 2 { (1.0 - pad, n as f64 + pad) } else { (0.0, 2.0) };
    let (_, uh) = upper.dim_in_pixel();
    let (_, lh) = lower.dim_in_pixel();
    let ya = series_axis(accuracy, Some((0.0, 100.0)), uh as f64 * 0.7, theme);
    let yc = series_axis(cost, None, lh as f64 * 0.7, theme);
    // Both panels' plots start at the same x: room for the wider tick labels.
    let tm = measure(area, &theme.tick_font());
    let width = |a: &Axis| a.major.iter().map(|v| tm.width(&a.label(*v))).fold(0.0, f64::max).ceil() as i32;
    let y_w = width(&ya).max(width(&yc));
    // The shared epoch axis is described under the lower panel only.
    series_panel(&upper, accuracy, x_lo, x_hi, ya, &t.accuracy, "", theme.color(0), y_w, t, theme)?;
    series_panel(&lower, cost, x_lo, x_hi, yc, &t.cost, &t.cost.x, theme.color(1), y_w, t, theme)
}

/// A linear y axis for a series; `bounds` limit it (percentages stay in 0–100).
fn series_axis(values: &[f64], bounds: Option<(f64, f64)>, height: f64, theme: &Theme) -> Axis {
    let (lo, hi) = match finite_minmax(values.iter().copied().filter(|v| v.abs() <= BIG)) {
        Some((a, b)) => {
            let pad = ((b - a) * 0.1).max(b.abs().max(a.abs()) * 0.005).max(1e-9);
            let (mut lo, mut hi) = (a - pad, b + pad);
            if let Some((blo, bhi)) = bounds {
                lo = lo.max(blo);
                hi = hi.min(bhi);
                if hi - lo < 0.5 {
                    lo = (hi - 0.5).max(blo);
                    hi = lo + 0.5;
                }
            } else if a >= 0.0 && lo < 0.0 {
                lo = 0.0;
            }
            (lo, hi)
        }
        None => bounds.unwrap_or((0.0, 1.0)),
    };
    Axis::linear(lo, hi, fit(height.max(0.0) as u32, 40.0 * theme.k()), true)
}

#[allow(clippy::too_many_arguments)]
fn series_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    values: &[f64],
    x_lo: f64,
    x_hi: f64,
    y: Axis,
    pt: &PanelText,
    x_desc: &str,
    color: RGBColor,
    y_w: i32,
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    let overflow = values.iter().any(|v| !v.is_finite() || v.abs() > BIG);
    let legend = if overflow { vec![item(&t.overflow, Swatch::Marker(theme.overflow, Shape::Up))] } else { vec![] };
    let body = frame(area, &pt.title, &theme.panel_title_font(), &legend, theme, 0)?;
    let (bw, _) = body.dim_in_pixel();
    let x = Axis::integer(x_lo, x_hi, fit(bw, 80.0 * theme.k()));
    let Some(p) = panel(&body, x, y, x_desc, &pt.y, true, y_w, theme)? else { return Ok(()) };
    if values.is_empty() {
        let (w, h) = p.pa.dim_in_pixel();
        return text(&p.pa, &t.no_data, (w as i32 / 2, h as i32 / 2), &theme.font(theme.label_size, theme.muted, false), HPos::Center, VPos::Center);
    }
    // Finite values beyond the axis (beyond ±f64::MAX/4) count as off the scale.
    let shown = |v: f64| v.is_finite() && v >= p.y.lo && v <= p.y.hi;
    let pts = values.iter().enumerate().map(|(i, v)| shown(*v).then_some(((i + 1) as f64, *v)));
    let r = runs(pts);
    draw_runs(&p, &r, color, 2.2, theme)?;
    if values.len() <= 40 {
        for (i, v) in values.iter().enumerate().filter(|(_, v)| shown(**v)) {
            marker(&p.pa, p.at((i + 1) as f64, *v), Shape::Circle, theme.px(3.0), color, theme.background)?;
        }
    }
    // Mark every value off the scale, or only the first of each run when there are many.
    let every = values.len() <= 40;
    for (i, v) in values.iter().enumerate() {
        if !shown(*v) && (every || i == 0 || shown(values[i - 1])) {
            let at = p.at((i + 1) as f64, p.y.hi);
            marker(&p.pa, (at.0, at.1 + theme.px(6.0)), Shape::Up, theme.px(4.5), theme.overflow, theme.background)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 5. The chain
// ---------------------------------------------------------------------------------------

/// Half-width of the σ′ panel's z axis.
pub const SIGMA_Z_RANGE: f64 = 8.0;

/// The single-neuron chain in three panels (side by side when the area is wide, else
/// stacked): (a) the curve σ′(z) for z ∈ [−8, 8] with a marker at every z_j (z beyond the
/// range pinned to the edge as a triangle pointing outwards) and its peak 1/4 labelled;
/// (b) the terms w_jσ′(z_j), j = 1..L, as bars of |w_jσ′(z_j)| on a log axis rising from
/// or falling to the line |wσ′| = 1 (growing or shrinking the gradient), coloured by
/// sign; (c) the running product |σ′(z₁)·w₂σ′(z₂)⋯wⱼσ′(zⱼ)| on a log axis with the line
/// y = 1. Overflow (∞/NaN) and underflow (0) are hatched bands along the edge, labelled
/// with `t.overflow` / `t.underflow`.
pub fn chain_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, report: &ChainReport, t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let (w, h) = area.dim_in_pixel();
    let side_by_side = w as f64 >= 1.8 * h as f64;
    let panels: Vec<DrawingArea<DB, Shift>> = if side_by_side {
        let (a, rest) = area.split_horizontally((w / 3) as i32);
        let (b, c) = rest.split_horizontally((w / 3) as i32);
        vec![a, b, c]
    } else {
        let (a, rest) = area.split_vertically((h / 3) as i32);
        let (b, c) = rest.split_vertically((h / 3) as i32);
        vec![a, b, c]
    };
    // Side by side, the plots start at the same height: room for a title and a legend row.
    let mut top = 0;
    if side_by_side {
        let one = [item("x", Swatch::Bar(theme.text))];
        for (p, title) in panels.iter().zip([&t.sigma.title, &t.terms.title, &t.product.title]) {
            top = top.max(header(p, title, &theme.panel_title_font(), &one, theme, false)?);
        }
    }
    sigma_panel(&panels[0], report, t, theme, top)?;
    terms_panel(&panels[1], &report.terms, t, theme, top)?;
    product_panel(&panels[2], &report.running_product, t, theme, top)
}

fn sigma_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, report: &ChainReport, t: &ChartText, theme: &Theme, top: i32) -> Result<(), ChartError> {
    let zr = SIGMA_Z_RANGE;
    let pinned = report.z.iter().any(|z| z.is_infinite() || z.abs() > zr);
    let dot = theme.color(1);
    let mut legend = vec![item(&t.neurons, Swatch::Marker(dot, Shape::Circle))];
    if pinned {
        legend.push(item(&t.off_scale, Swatch::Marker(dot, Shape::Right)));
    }
    let body = frame(area, &t.sigma.title, &theme.panel_title_font(), &legend, theme, top)?;
    let (bw, _) = body.dim_in_pixel();
    let step = if (bw as f64) < 640.0 * theme.k() { 4 } else { 2 };
    let x = Axis::fixed(-zr, zr, (-(zr as i32)..=zr as i32).step_by(step).map(|z| (z as f64, minus(z.to_string()))).collect());
    let y = Axis::fixed(0.0, 0.3, [0.0, 0.05, 0.1, 0.15, 0.2, 0.25].iter().map(|v| (*v, minus(trim_zeros(&format!("{v:.2}"))))).collect());
    let Some(p) = panel(&body, x, y, &t.sigma.x, &t.sigma.y, true, 0, theme)? else { return Ok(()) };
    let curve_color = theme.color(0);
    let sp = |z: f64| {
        let s = 1.0 / (1.0 + (-z).exp());
        s * (1.0 - s)
    };
    let curve: Vec<(f64, f64)> = (0..=320).map(|i| -zr + 2.0 * zr * i as f64 / 320.0).map(|z| (z, sp(z))).collect();
    let mut poly: Vec<Px> = curve.iter().map(|&(x, y)| p.at(x, y)).collect();
    poly.push(p.at(zr, 0.0));
    poly.push(p.at(-zr, 0.0));
    p.pa.draw(&Polygon::new(poly, curve_color.mix(0.12).filled())).map_err(de)?;
    line(&p.pa, curve.iter().map(|&(x, y)| p.at(x, y)).collect(), curve_color, theme.px(2.2))?;
    // The peak.
    let peak = p.at(0.0, 0.25);
    dashed(&p.pa, p.at(-zr, 0.25), p.at(zr, 0.25), theme.muted.mix(0.6), theme)?;
    let style = theme.note_font(theme.text);
    text(&p.pa, &t.peak, (peak.0 + theme.px(12.0), peak.1 - theme.px(4.0)), &style, HPos::Left, VPos::Bottom)?;
    // The neurons; many of them: smaller, translucent dots.
    let r = if report.z.len() > 50 { theme.px(3.0) } else { theme.px(4.5) };
    let c = if report.z.len() > 50 { dot.mix(0.6) } else { dot.to_rgba() };
    for (j, &z) in report.z.iter().enumerate() {
        if z.is_nan() {
            continue;
        }
        let s = report.sigma_prime.get(j).copied().filter(|v| v.is_finite()).unwrap_or_else(|| sp(z));
        if z.abs() <= zr {
            marker(&p.pa, p.at(z, s), Shape::Circle, r, c, theme.background)?;
        } else {
            let at = p.at(z, s);
            let (dx, shape) = if z > 0.0 { (-theme.px(6.0), Shape::Right) } else { (theme.px(6.0), Shape::Left) };
            marker(&p.pa, (at.0 + dx, at.1 - theme.px(6.0)), shape, r, c, theme.background)?;
        }
    }
    Ok(())
}

fn terms_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, terms: &[f64], t: &ChartText, theme: &Theme, top: i32) -> Result<(), ChartError> {
    let has_pos = terms.iter().any(|v| v.is_finite() && *v > 0.0);
    let has_neg = terms.iter().any(|v| v.is_finite() && *v < 0.0);
    let has_over = terms.iter().any(|v| !v.is_finite());
    let has_zero = terms.contains(&0.0);
    let mut legend = vec![];
    if has_pos {
        legend.push(item(&t.positive, Swatch::Bar(theme.positive)));
    }
    if has_neg {
        legend.push(item(&t.negative, Swatch::Bar(theme.negative)));
    }
    if has_over || has_zero {
        let label = match (has_over, has_zero) {
            (true, true) => format!("{} / {}", t.overflow, t.underflow),
            (true, false) => t.overflow.clone(),
            _ => t.underflow.clone(),
        };
        legend.push(item(label, Swatch::Hatch(theme.overflow)));
    }
    let body = frame(area, &t.terms.title, &theme.panel_title_font(), &legend, theme, top)?;
    let n = terms.len();
    if n == 0 {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let (mut lo, mut hi) = decade_range(terms.iter().filter_map(|v| lg(v.abs())).chain([0.0]), (-1.0, 1.0), 0.0);
    let top_val = terms.iter().filter_map(|v| lg(v.abs())).fold(0.0, f64::max);
    hi = hi.max(top_val + 0.1 * (hi - lo));
    if lo >= 0.0 {
        // Room below the line |wσ′| = 1 so it does not sit on the axis.
        lo = -(0.12 * hi).max(1.0).ceil();
    }
    if has_over {
        hi += ((hi - lo) * 0.12).max(0.5);
    }
    if has_zero {
        lo -= ((hi - lo) * 0.12).max(0.5);
    }
    let x = Axis::integer(0.5, n as f64 + 0.5, fit(bw, 60.0 * theme.k()));
    let y = Axis::log(lo, hi, fit(bh, 40.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.terms.x, &t.terms.y, false, 0, theme)? else { return Ok(()) };
    let half = if n > 1 { 0.38 } else { 0.25 };
    for (i, &v) in terms.iter().enumerate() {
        let c = (i + 1) as f64;
        if let Some(e) = lg(v.abs()) {
            let color = if v > 0.0 { theme.positive } else { theme.negative };
            rect(&p.pa, p.at(c - half, 0.0), p.at(c + half, e), color.filled())?;
        } else if !v.is_finite() {
            hatch(&p.pa, p.at(c - half, 0.0), p.at(c + half, p.y.hi), theme.overflow, theme)?;
        } else {
            hatch(&p.pa, p.at(c - half, 0.0), p.at(c + half, p.y.lo), theme.overflow, theme)?;
        }
    }
    let (a, b) = (p.at(p.x.lo, 0.0), p.at(p.x.hi, 0.0));
    dashed(&p.pa, a, b, theme.reference, theme)?;
    boxed_text(&p.pa, &t.boundary, (b.0 - theme.px(4.0), b.1 - theme.px(3.0)), &theme.note_font(theme.text), HPos::Right, VPos::Bottom, theme)
}

/// Text on a translucent patch of background, readable over bars and lines.
fn boxed_text<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, at: Px, style: &TextStyle, h: HPos, v: VPos, theme: &Theme) -> Result<(), ChartError> {
    let m = measure(area, style);
    let (w, ht) = (m.width(s).ceil() as i32, m.height.ceil() as i32);
    let x0 = match h {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y0 = match v {
        VPos::Top => at.1,
        VPos::Center => at.1 - ht / 2,
        VPos::Bottom => at.1 - ht,
    };
    let p = theme.px(2.0);
    rect(area, (x0 - p, y0 - p / 2), (x0 + w + p, y0 + ht + p / 2), theme.background.mix(0.85).filled())?;
    text(area, s, at, style, h, v)
}

fn product_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, product: &[f64], t: &ChartText, theme: &Theme, top: i32) -> Result<(), ChartError> {
    let color = theme.color(2);
    let first_over = product.iter().position(|v| !v.is_finite());
    let first_zero = product.iter().position(|v| *v == 0.0);
    let body = frame(area, &t.product.title, &theme.panel_title_font(), &[], theme, top)?;
    let n = product.len();
    if n == 0 {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let (mut lo, mut hi) = decade_range(product.iter().filter_map(|v| lg(v.abs())).chain([0.0]), (-1.0, 1.0), 0.0);
    let top_val = product.iter().filter_map(|v| lg(v.abs())).fold(0.0, f64::max);
    hi = hi.max(top_val + 0.05 * (hi - lo));
    if first_over.is_some() {
        hi += ((hi - lo) * 0.14).max(0.6);
    }
    if first_zero.is_some() {
        lo -= ((hi - lo) * 0.14).max(0.6);
    }
    let x = Axis::integer(0.5, n as f64 + 0.5, fit(bw, 60.0 * theme.k()));
    let y = Axis::log(lo, hi, fit(bh, 40.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.product.x, &t.product.y, true, 0, theme)? else { return Ok(()) };
    let (a, b) = (p.at(p.x.lo, 0.0), p.at(p.x.hi, 0.0));
    dashed(&p.pa, a, b, theme.reference, theme)?;
    let pts = product.iter().enumerate().map(|(i, v)| lg(v.abs()).map(|e| ((i + 1) as f64, e)));
    let r = runs(pts);
    draw_runs(&p, &r, color, 2.2, theme)?;
    if n <= 60 {
        for (i, v) in product.iter().enumerate() {
            if let Some(e) = lg(v.abs()) {
                marker(&p.pa, p.at((i + 1) as f64, e), Shape::Circle, theme.px(3.5), color, theme.background)?;
            }
        }
    }
    if let Some(j) = first_over {
        edge_band(&p, j as f64 + 0.5, p.x.hi, true, &format!("{} → {}", t.overflow, t.infinity), theme)?;
    }
    if let Some(j) = first_zero {
        edge_band(&p, j as f64 + 0.5, p.x.hi, false, &t.underflow, theme)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 6. The chain against the weight
// ---------------------------------------------------------------------------------------

/// |∂C/∂b₁| of the chain against its (uniform) weight w, on log–log axes, one marker per
/// weight coloured by [`Regime`], joined by a thin line; where the geometric mean of the
/// terms crosses 1 a dashed vertical line marks |wσ′| = 1. Weights ≤ 0 are left out (log
/// axis); overflowed gradients are triangles in a hatched band on the top edge, zero
/// gradients in a band on the bottom edge.
pub fn chain_sweep_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, sweep: &[(f64, ChainReport)], t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let pts: Vec<(f64, f64, Regime)> = sweep.iter().filter_map(|(w, r)| lg(*w).map(|x| (x, r.dc_db1.abs(), r.regime))).collect();
    let color_of = |r: Regime| match r {
        Regime::Vanishing => theme.positive,
        Regime::Exploding => theme.negative,
        Regime::Balanced => theme.color(2),
        Regime::Overflow => theme.overflow,
        Regime::Single => theme.muted,
    };
    let mut legend = vec![];
    for (r, label) in [
        (Regime::Vanishing, &t.vanishing),
        (Regime::Balanced, &t.balanced),
        (Regime::Exploding, &t.exploding),
        (Regime::Single, &t.single),
        (Regime::Overflow, &t.overflow),
    ] {
        if pts.iter().any(|p| p.2 == r) {
            let shape = if r == Regime::Overflow { Shape::Up } else { Shape::Circle };
            legend.push(item(label, Swatch::Marker(color_of(r), shape)));
        }
    }
    let body = frame(area, &t.sweep.title, &theme.title_font(), &legend, theme, 0)?;
    if pts.is_empty() {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let over = pts.iter().any(|p| !p.1.is_finite());
    let zero = pts.iter().any(|p| p.1 == 0.0);
    let (x_lo, x_hi) = decade_range(pts.iter().map(|p| p.0), (-1.0, 3.0), 0.0);
    let (mut lo, mut hi) = tight_log_range(pts.iter().filter_map(|p| lg(p.1)), (-3.0, 0.0));
    if over {
        hi += ((hi - lo) * 0.16).max(0.8);
    }
    if zero {
        lo -= ((hi - lo) * 0.16).max(0.8);
    }
    let x = Axis::log(x_lo, x_hi, fit(bw, 70.0 * theme.k()));
    let y = Axis::log(lo, hi, fit(bh, 40.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.sweep.x, &t.sweep.y, true, 0, theme)? else { return Ok(()) };
    // Where the mean term crosses 1.
    let means: Vec<(f64, f64)> = sweep.iter().filter_map(|(w, r)| Some((lg(*w)?, lg(r.mean_term?)?))).collect();
    for pair in means.windows(2) {
        let ((x0, m0), (x1, m1)) = (pair[0], pair[1]);
        if (m0 < 0.0) != (m1 < 0.0) && m1 != m0 {
            let xc = x0 + (x1 - x0) * (0.0 - m0) / (m1 - m0);
            let (a, b) = (p.at(xc, p.y.hi), p.at(xc, p.y.lo));
            dashed(&p.pa, a, b, theme.reference, theme)?;
            let at = (a.0 + theme.px(5.0), a.1 + theme.px(if over { 22.0 } else { 4.0 }));
            boxed_text(&p.pa, &t.boundary, at, &theme.note_font(theme.text), HPos::Left, VPos::Top, theme)?;
            break;
        }
    }
    let r = runs(pts.iter().map(|q| lg(q.1).map(|e| (q.0, e))));
    draw_runs(&p, &r, theme.muted.mix(0.5), 1.3, theme)?;
    let rad = if pts.len() > 80 { theme.px(2.5) } else { theme.px(4.0) };
    for &(x, v, regime) in &pts {
        if let Some(e) = lg(v) {
            marker(&p.pa, p.at(x, e), Shape::Circle, rad, color_of(regime), theme.background)?;
        }
    }
    if let Some(q) = pts.iter().find(|q| !q.1.is_finite()) {
        edge_band(&p, q.0 - 0.02 * (p.x.hi - p.x.lo), p.x.hi, true, &format!("{} → {}", t.overflow, t.infinity), theme)?;
    }
    if let Some(q) = pts.iter().find(|q| q.1 == 0.0) {
        edge_band(&p, q.0 - 0.02 * (p.x.hi - p.x.lo), p.x.hi, false, &t.underflow, theme)?;
    }
    for &(x, v, _) in &pts {
        if !v.is_finite() {
            let at = p.at(x, p.y.hi);
            marker(&p.pa, (at.0, at.1 + theme.px(24.0)), Shape::Up, rad, theme.overflow, theme.background)?;
        } else if v == 0.0 {
            let at = p.at(x, p.y.lo);
            marker(&p.pa, (at.0, at.1 - theme.px(24.0)), Shape::Down, rad, theme.overflow, theme.background)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 7. Accuracy by depth
// ---------------------------------------------------------------------------------------

/// Accuracy against the number of hidden layers: `rows` = (hidden layers, mean %,
/// standard deviation %) as dots with ± std error bars, joined by a thin line, the mean
/// written beside each dot; `book[i]` (the book's accuracy for i + 1 hidden layers,
/// e.g. [`BOOK_DEPTH_ACCURACY`](crate::experiments::BOOK_DEPTH_ACCURACY)) as diamonds.
pub fn depth_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, rows: &[(usize, f64, f64)], book: &[f64], t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let color = theme.color(0);
    let mut legend = vec![];
    if !rows.is_empty() {
        legend.push(item(&t.mean_std, Swatch::ErrorBar(color)));
    }
    if !book.is_empty() {
        legend.push(item(&t.book, Swatch::Marker(theme.reference, Shape::Diamond)));
    }
    let body = frame(area, &t.depth.title, &theme.title_font(), &legend, theme, 0)?;
    let hs = rows.iter().map(|r| r.0).chain(if book.is_empty() { None } else { Some(1) }).chain(if book.is_empty() { None } else { Some(book.len()) });
    let (h_lo, h_hi) = match (hs.clone().min(), hs.max()) {
        (Some(a), Some(b)) => (a, b),
        _ => return no_data(&body, t, theme),
    };
    let (bw, bh) = body.dim_in_pixel();
    let std_of = |s: f64| if s.is_finite() { s.abs() } else { 0.0 };
    let vals = rows
        .iter()
        .flat_map(|r| [r.1 - std_of(r.2), r.1 + std_of(r.2)])
        .chain(book.iter().copied());
    let (lo, hi) = match finite_minmax(vals) {
        Some((a, b)) => {
            let pad = ((b - a) * 0.18).max(0.25);
            ((a - pad).max(0.0), (b + pad).min(100.0))
        }
        None => (0.0, 100.0),
    };
    let (lo, hi) = if hi - lo < 0.5 { ((hi - 0.5).max(0.0), (hi - 0.5).max(0.0) + 0.5) } else { (lo, hi) };
    let x = Axis::integer(h_lo as f64 - 0.6, h_hi as f64 + 0.6, fit(bw, 60.0 * theme.k()));
    let y = Axis::linear(lo, hi, fit(bh, 45.0 * theme.k()), false);
    let Some(p) = panel(&body, x, y, &t.depth.x, &t.depth.y, false, 0, theme)? else { return Ok(()) };
    let mut sorted: Vec<&(usize, f64, f64)> = rows.iter().collect();
    sorted.sort_by_key(|r| r.0);
    let r = runs(sorted.iter().map(|r| r.1.is_finite().then_some((r.0 as f64, r.1))));
    draw_runs(&p, &r, color.mix(0.55), 1.3, theme)?;
    let labels = rows.len() <= 12;
    let style = theme.note_font(theme.text);
    // Caps and dots shrink when the rows crowd together.
    let room = p.x_scale();
    let cap = (theme.px(6.0) as f64).min(room * 0.25).round().max(1.0) as i32;
    let wbar = if room < theme.px(6.0) as f64 { 1 } else { theme.px(2.0) };
    let dot = (theme.px(4.5) as f64).min(room * 0.3).round().max(2.0) as i32;
    for &&(hdn, mean, std) in &sorted {
        if !mean.is_finite() {
            continue;
        }
        let xh = hdn as f64;
        let s = std_of(std);
        let (a, b) = (p.at(xh, mean + s), p.at(xh, mean - s));
        if s > 0.0 {
            line(&p.pa, vec![a, b], color, wbar)?;
            line(&p.pa, vec![(a.0 - cap, a.1), (a.0 + cap, a.1)], color, wbar)?;
            line(&p.pa, vec![(b.0 - cap, b.1), (b.0 + cap, b.1)], color, wbar)?;
        }
        let c = p.at(xh, mean);
        marker(&p.pa, c, Shape::Circle, dot, color, theme.background)?;
        if labels {
            text(&p.pa, &format_value(mean, 4), (c.0 - theme.px(10.0), c.1), &style, HPos::Right, VPos::Center)?;
        }
    }
    let off = 14.0 * theme.k() / p.x_scale();
    for (i, &v) in book.iter().enumerate() {
        if v.is_finite() {
            marker(&p.pa, p.at((i + 1) as f64 + off, v), Shape::Diamond, theme.px(5.0), theme.reference, theme.background)?;
        }
    }
    Ok(())
}
