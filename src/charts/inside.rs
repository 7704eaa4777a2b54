//! Inside the network (issue 10): each hidden layer's factor on the gradient, drawn like
//! the chain's terms, and ‖δˡ‖ with the mean-field prediction.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::inside::LayerFactor;

use super::axes::{decade_range, fit, lg, Axis};
use super::draw::{boxed_text, dashed, hatch, item, line, marker, rect, Shape, Swatch};
use super::panel::{frame, no_data, panel};
use super::text::{ChartText, PanelText};
use super::theme::Theme;
use super::{de, ChartError};

/// The words of these charts; `Default` is English. Kept apart from [`ChartText`] so the
/// inside view's words travel with it (a translation passes another value).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct InsideText {
    /// [`factor_chart`].
    pub factors: PanelText,
    pub largest: String,
    pub median: String,
    pub smallest: String,
    pub rms: String,
    /// The measured ‖δˡ‖/‖δˡ⁺¹‖: median, and the range over the images.
    pub measured: String,
    /// The mean-field factor χ_l.
    pub predicted: String,
    /// The line where the factor is 1.
    pub boundary: String,
    /// Values below the axis (0, or too small to show).
    pub below: String,
    /// [`inside_norms_chart`].
    pub norms: PanelText,
    /// Legend of the prediction on the ‖δˡ‖ chart.
    pub predicted_norm: String,
    /// [`units_chart`](super::units_chart): its title, each row's title (`{l}` the layer,
    /// `{sat}` and `{dead}` its fractions), the three columns, the y axis, and the note of
    /// values outside a histogram's range (`{}` the fraction).
    pub units_title: String,
    pub units_row: String,
    pub a_axis: String,
    pub f_prime_axis: String,
    pub delta_axis: String,
    pub fraction: String,
    pub outside: String,
    /// [`update_ratio_chart`](super::update_ratio_chart), its legend (`{}` the layer) and the rule of thumb.
    pub updates: PanelText,
    pub weights: String,
    pub rule: String,
    /// [`norms_heatmap`](super::norms_heatmap) and the label of its colour bar.
    pub heatmap: PanelText,
    pub heatmap_scale: String,
    /// [`activations_chart`](super::activations_chart): Glorot & Bengio's mean ± std of aˡ.
    pub activations: PanelText,
}

impl Default for InsideText {
    fn default() -> Self {
        InsideText {
            factors: PanelText {
                title: "Each layer's factor on the gradient: singular values of Jˡ = Σ′(zˡ)(wˡ⁺¹)ᵀ".into(),
                x: "hidden layer l".into(),
                y: "factor (log scale)".into(),
            },
            largest: "largest".into(),
            median: "median".into(),
            smallest: "smallest".into(),
            rms: "root-mean-square".into(),
            measured: "measured ‖δˡ‖/‖δˡ⁺¹‖ (median, range)".into(),
            predicted: "mean-field prediction".into(),
            boundary: "factor = 1".into(),
            below: "below the axis (≈ 0)".into(),
            norms: PanelText {
                title: "‖δˡ‖ measured, and as the mean field predicts it".into(), x: "hidden layer l".into(), y: "‖δˡ‖ (log scale)".into()
            },
            predicted_norm: "mean-field prediction".into(),
            units_title: "Where the units saturate: aˡ, f′(zˡ) and δˡ of each hidden layer over the probe images".into(),
            units_row: "hidden layer {l}: {sat} of aˡ saturated or off, {dead} of the units dead".into(),
            a_axis: "aˡ".into(),
            f_prime_axis: "f′(zˡ)".into(),
            delta_axis: "log₁₀|δˡ|".into(),
            fraction: "fraction".into(),
            outside: "{} outside".into(),
            updates: PanelText {
                title: "Update-to-weight ratio ‖η·Δwˡ‖/‖wˡ‖ of one step".into(), x: "epoch".into(), y: "ratio (log scale)".into()
            },
            weights: "w of layer {}".into(),
            rule: "10⁻³ (rule of thumb)".into(),
            heatmap: PanelText { title: "‖δˡ‖ of every hidden layer as training goes".into(), x: "epoch".into(), y: "hidden layer l".into() },
            heatmap_scale: "‖δˡ‖".into(),
            activations: PanelText {
                title: "Activations of each hidden layer as training goes: mean ± standard deviation of aˡ".into(),
                x: "epoch".into(),
                y: "aˡ".into(),
            },
        }
    }
}

/// The lowest decade the factor chart shows below its data's top: a saturated layer's
/// smallest singular values reach 10⁻²⁰, which would squash everything else.
const FACTOR_DECADES: f64 = 6.0;

/// For each hidden layer, four bars rising from or falling to the line 1 — the largest,
/// median, smallest and root-mean-square singular value of J_l pooled over the images —
/// the measured ratio ‖δˡ‖/‖δˡ⁺¹‖ (median as a dot, the range over the images as a
/// whisker) and the mean-field χ_l as a short bar across the group (`predicted[l]`, may
/// be empty). Values below the axis are hatched down to its edge.
pub fn factor_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    factors: &[LayerFactor],
    predicted: &[f64],
    t: &InsideText,
    ct: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let series = |f: &LayerFactor| [f.spectrum.largest, f.spectrum.median, f.spectrum.smallest, f.spectrum.rms];
    let names = [&t.largest, &t.median, &t.smallest, &t.rms];
    let mut legend: Vec<_> = names.iter().enumerate().map(|(i, n)| item(n.as_str(), Swatch::Bar(theme.color(i)))).collect();
    legend.push(item(&t.measured, Swatch::ErrorBar(theme.text)));
    if !predicted.is_empty() {
        legend.push(item(&t.predicted, Swatch::LineMarker(theme.reference, Shape::Diamond)));
    }
    let all: Vec<f64> =
        factors.iter().flat_map(|f| series(f).into_iter().chain([f.ratio.smallest, f.ratio.largest])).chain(predicted.iter().copied()).collect();
    let below = all.iter().any(|v| lg(*v).is_none_or(|e| e < -FACTOR_DECADES + 1.0));
    if below {
        legend.push(item(&t.below, Swatch::Hatch(theme.overflow)));
    }
    let body = frame(area, &t.factors.title, &theme.title_font(), &legend, theme, 0)?;
    let n = factors.len();
    if n == 0 {
        return no_data(&body, ct, theme);
    }
    let (_, bh) = body.dim_in_pixel();
    let (lo, hi) = decade_range(all.iter().filter_map(|v| lg(*v)).chain([0.0]), (-1.0, 1.0), 0.0);
    let hi = hi.max(0.5);
    let lo = lo.max((hi - FACTOR_DECADES).min(-1.0));
    let items = (1..=n).map(|i| (i as f64, i.to_string())).collect();
    let x = Axis::fixed(0.5, n as f64 + 0.5, items);
    let y = Axis::log(lo, hi, fit(bh, 40.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.factors.x, &t.factors.y, false, 0, theme)? else { return Ok(()) };
    let bar = 0.15;
    for (i, f) in factors.iter().enumerate() {
        let c = (i + 1) as f64;
        for (k, v) in series(f).into_iter().enumerate() {
            let x0 = c - 0.36 + k as f64 * (bar + 0.02);
            match lg(v) {
                Some(e) if e >= p.y.lo => rect(&p.pa, p.at(x0, 0.0), p.at(x0 + bar, e), theme.color(k).filled())?,
                _ if v.is_nan() => {}
                _ => hatch(&p.pa, p.at(x0, 0.0), p.at(x0 + bar, p.y.lo), theme.overflow, theme)?,
            }
        }
        // The measured ratios: whisker over the images' range, dot at the median.
        let (a, m, b) = (f.ratio.smallest, f.ratio.median, f.ratio.largest);
        let xm = c + 0.33;
        if let (Some(ea), Some(eb)) = (lg(a).or(Some(p.y.lo)), lg(b)) {
            let w = theme.px(2.0);
            let cap = theme.px(5.0);
            let (ta, tb) = (p.at(xm, ea), p.at(xm, eb));
            line(&p.pa, vec![ta, tb], theme.text, w)?;
            line(&p.pa, vec![(ta.0 - cap, ta.1), (ta.0 + cap, ta.1)], theme.text, w)?;
            line(&p.pa, vec![(tb.0 - cap, tb.1), (tb.0 + cap, tb.1)], theme.text, w)?;
        }
        if let Some(e) = lg(m) {
            marker(&p.pa, p.at(xm, e), Shape::Circle, theme.px(4.0), theme.text, theme.background)?;
        }
        if let Some(e) = predicted.get(i).and_then(|v| lg(*v)) {
            line(&p.pa, vec![p.at(c - 0.42, e), p.at(c + 0.42, e)], theme.reference, theme.px(2.5))?;
            marker(&p.pa, p.at(c - 0.42, e), Shape::Diamond, theme.px(4.0), theme.reference, theme.background)?;
        }
    }
    let (a, b) = (p.at(p.x.lo, 0.0), p.at(p.x.hi, 0.0));
    dashed(&p.pa, a, b, theme.muted, theme)?;
    boxed_text(&p.pa, &t.boundary, (a.0 + theme.px(4.0), a.1 - theme.px(3.0)), &theme.note_font(theme.text), HPos::Left, VPos::Bottom, theme)
}

/// ‖δˡ‖ per hidden layer as bars on a log axis, with the mean-field prediction as
/// diamonds beside them: [`norm_bars`](super::norm_bars) with this chart's words.
pub fn inside_norms_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    norms: &[f64],
    predicted: &[f64],
    t: &InsideText,
    ct: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    let ct = ChartText { norms: t.norms.clone(), book: t.predicted_norm.clone(), ..ct.clone() };
    super::norm_bars(area, norms, Some(predicted), &ct, theme)
}
