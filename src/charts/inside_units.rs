//! Inside the network, the units (issue 10): histograms of aˡ, f′(zˡ) and log₁₀|δˡ| per
//! hidden layer as small multiples, and the update-to-weight ratio against the epoch.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::inside::{EpochInside, Histogram, LayerUnits};

use super::axes::{finite_minmax, fit, tight_log_range, Axis};
use super::draw::{boxed_text, dashed, item, layer_shape, line, marker, rect, text, Item, Swatch};
use super::inside::InsideText;
use super::panel::{draw_runs, frame, header, no_data, panel, runs};
use super::text::{format_value, ChartText};
use super::theme::Theme;
use super::{de, ChartError};

/// The cs231n rule of thumb for the update-to-weight ratio: about 10⁻³ per step.
pub const UPDATE_RATIO_RULE: f64 = -3.0;

/// One row per hidden layer, headed by its saturated and dead fractions, with three
/// histograms in it (aˡ, f′(zˡ), log₁₀|δˡ|; bars as the fraction of the layer's values).
/// Values outside a histogram's range (a ReLU's δ = 0 on an off unit: log₁₀|δ| = −∞) are
/// counted in its title, which wraps on a narrow cell; the row's plots stay aligned.
pub fn units_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    units: &[LayerUnits],
    t: &InsideText,
    ct: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let body = frame(area, &t.units_title, &theme.title_font(), &[], theme, 0)?;
    if units.is_empty() {
        return no_data(&body, ct, theme);
    }
    let rows = body.split_evenly((units.len(), 1));
    let font = theme.legend_font();
    for (i, (u, row)) in units.iter().zip(&rows).enumerate() {
        let head = t.units_row.replace("{l}", &u.layer.to_string()).replace("{sat}", &percent(u.saturated)).replace("{dead}", &percent(u.dead));
        let cells = frame(row, &head, &theme.panel_title_font(), &[], theme, 0)?.split_evenly((1, 3));
        let hists = [(&u.activations, &t.a_axis), (&u.f_prime, &t.f_prime_axis), (&u.log_delta, &t.delta_axis)];
        let titles: Vec<String> = hists
            .iter()
            .map(|(h, name)| {
                let outside = (h.below + h.above + h.invalid) as f64 / h.total().max(1) as f64;
                if outside > 0.0 {
                    format!("{name} · {}", t.outside.replace("{}", &percent(outside)))
                } else {
                    name.to_string()
                }
            })
            .collect();
        let mut top = 0;
        for (title, cell) in titles.iter().zip(&cells) {
            top = top.max(header(cell, title, &font, &[], theme, false)?);
        }
        for (k, (((h, _), title), cell)) in hists.into_iter().zip(&titles).zip(&cells).enumerate() {
            let y_desc = if k == 0 { t.fraction.as_str() } else { "" };
            let plot = frame(cell, title, &font, &[], theme, top)?;
            histogram(&plot, h, y_desc, theme.color(i), theme)?;
        }
    }
    Ok(())
}

fn percent(v: f64) -> String {
    format!("{} %", format_value(100.0 * v, 2))
}

fn histogram<DB: DrawingBackend>(cell: &DrawingArea<DB, Shift>, h: &Histogram, y_desc: &str, color: RGBColor, theme: &Theme) -> Result<(), ChartError> {
    let total = h.total().max(1) as f64;
    let top = h.counts.iter().map(|&c| c as f64 / total).fold(0.0, f64::max).max(0.05);
    let (cw, ch) = cell.dim_in_pixel();
    // Three ticks where they fit (0, 0.5, 1); on a phone's narrow cell the two ends only.
    let x = if (cw as f64) < 180.0 * theme.k() {
        Axis::fixed(h.lo, h.hi, vec![(h.lo, format_value(h.lo, 3)), (h.hi, format_value(h.hi, 3))])
    } else {
        Axis::linear(h.lo, h.hi, 3, false)
    };
    let y = Axis::linear(0.0, top * 1.1, fit(ch, 40.0 * theme.k()).min(3), false);
    let Some(p) = panel(cell, x, y, "", y_desc, false, 0, theme)? else { return Ok(()) };
    let n = h.counts.len().max(1) as f64;
    let w = (h.hi - h.lo) / n;
    for (j, &c) in h.counts.iter().enumerate() {
        if c > 0 {
            let x0 = h.lo + j as f64 * w;
            rect(&p.pa, p.at(x0 + 0.06 * w, 0.0), p.at(x0 + 0.94 * w, c as f64 / total), color.filled())?;
        }
    }
    Ok(())
}

/// log₁₀ of the update-to-weight ratio of every weight layer against the epoch, with the
/// rule of thumb 10⁻³ dashed: a layer far below it is not moving.
pub fn update_ratio_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: &[EpochInside],
    t: &InsideText,
    ct: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let layers = history.iter().map(|e| e.update_ratio.len()).max().unwrap_or(0);
    let legend: Vec<Item> =
        (0..layers.min(12)).map(|l| item(t.weights.replace("{}", &(l + 1).to_string()), Swatch::LineMarker(theme.color(l), layer_shape(l)))).collect();
    let body = frame(area, &t.updates.title, &theme.title_font(), &legend, theme, 0)?;
    if history.is_empty() || layers == 0 {
        return no_data(&body, ct, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let values = history.iter().flat_map(|e| e.update_ratio.iter().copied()).filter(|v| v.is_finite()).chain([UPDATE_RATIO_RULE]);
    let (lo, hi) = tight_log_range(values.clone(), (-5.0, -1.0));
    let (lo, hi) = (lo.floor().min(UPDATE_RATIO_RULE - 0.5), hi.ceil().max(UPDATE_RATIO_RULE + 0.5));
    let last = history.last().map_or(1, |e| e.epoch).max(1) as f64;
    let first = history.first().map_or(0, |e| e.epoch) as f64;
    let x = Axis::integer(first, last, fit(bw, 80.0 * theme.k()));
    let y = Axis::log(lo, hi, fit(bh, 40.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.updates.x, &t.updates.y, true, 0, theme)? else { return Ok(()) };
    let (a, b) = (p.at(p.x.lo, UPDATE_RATIO_RULE), p.at(p.x.hi, UPDATE_RATIO_RULE));
    dashed(&p.pa, a, b, theme.reference, theme)?;
    for l in 0..layers {
        let r = runs(gapped(history, |e| e.update_ratio.get(l).copied().filter(|v| v.is_finite()).map(|v| (e.epoch as f64, v))));
        draw_runs(&p, &r, theme.color(l), 2.2, theme)?;
        if history.len() <= 40 {
            for &(x, y) in r.iter().flatten() {
                marker(&p.pa, p.at(x, y), layer_shape(l), theme.px(3.0), theme.color(l), theme.background)?;
            }
        }
    }
    // Last, so the lines do not cross it out.
    boxed_text(&p.pa, &t.rule, (b.0 - theme.px(4.0), b.1 + theme.px(3.0)), &theme.note_font(theme.text), HPos::Right, VPos::Top, theme)
}

/// Glorot & Bengio's figure (2010, fig. 2 and 4): the mean of each hidden layer's
/// activations aˡ against the epoch, as a line, with a whisker of ± one standard
/// deviation at each record (offset a little per layer so the whiskers stay apart). A
/// sigmoid layer whose mean sinks towards 0 or rises to 1 with a small spread is saturated.
pub fn activations_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: &[EpochInside],
    t: &InsideText,
    ct: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let layers = history.iter().map(|e| e.mean.len().min(e.std.len())).max().unwrap_or(0);
    let legend: Vec<Item> = (0..layers.min(12)).map(|l| item(ct.layer_name(l + 1), Swatch::ErrorBar(theme.color(l)))).collect();
    let body = frame(area, &t.activations.title, &theme.title_font(), &legend, theme, 0)?;
    if history.is_empty() || layers == 0 {
        return no_data(&body, ct, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let ends = history.iter().flat_map(|e| e.mean.iter().zip(&e.std).flat_map(|(m, s)| [m - s.abs(), m + s.abs(), *m]));
    // 0 always shows (sigmoid and ReLU outputs start there, tanh is centred on it).
    let (lo, hi) = finite_minmax(ends.chain([0.0])).unwrap_or((0.0, 1.0));
    let pad = ((hi - lo) * 0.05).max(0.02);
    let first = history[0].epoch as f64;
    let last = history.last().map_or(first, |e| e.epoch as f64).max(first + 1.0);
    // Room on both sides for the offset whiskers.
    let shift = 0.08 * (last - first).min(4.0) / layers.max(1) as f64;
    let margin = shift * layers as f64 / 2.0 + 0.02 * (last - first);
    let x = Axis::integer(first - margin, last + margin, fit(bw, 80.0 * theme.k()));
    let y = Axis::linear(lo - pad, hi + pad, fit(bh, 40.0 * theme.k()), false);
    let Some(p) = panel(&body, x, y, &t.activations.x, &t.activations.y, true, 0, theme)? else { return Ok(()) };
    let few = history.len() <= 40;
    let (w, cap) = (theme.px(1.6), theme.px(3.0));
    for l in 0..layers {
        let c = theme.color(l);
        let dx = (l as f64 - (layers as f64 - 1.0) / 2.0) * shift;
        let point = |e: &EpochInside| e.mean.get(l).copied().filter(|v| v.is_finite()).map(|m| (e.epoch as f64 + dx, m));
        for e in history {
            let (Some((x, m)), Some(s)) = (point(e), e.std.get(l).copied().filter(|v| v.is_finite())) else { continue };
            let (a, b) = (p.at(x, m - s), p.at(x, m + s));
            line(&p.pa, vec![a, b], c, w)?;
            if few {
                line(&p.pa, vec![(a.0 - cap, a.1), (a.0 + cap, a.1)], c, w)?;
                line(&p.pa, vec![(b.0 - cap, b.1), (b.0 + cap, b.1)], c, w)?;
            }
        }
        let r = runs(gapped(history, point));
        draw_runs(&p, &r, c, 2.2, theme)?;
        if few {
            for &(x, y) in r.iter().flatten() {
                marker(&p.pa, p.at(x, y), layer_shape(l), theme.px(3.0), c, theme.background)?;
            }
        }
    }
    Ok(())
}

/// The points of a run's records, with a break where epochs are missing (the page records
/// only while its view is open), so a line never bridges epochs nobody measured.
fn gapped(history: &[EpochInside], point: impl Fn(&EpochInside) -> Option<(f64, f64)>) -> Vec<Option<(f64, f64)>> {
    let mut out = Vec::with_capacity(history.len() + 1);
    for (i, e) in history.iter().enumerate() {
        if i > 0 && e.epoch > history[i - 1].epoch + 1 {
            out.push(None);
        }
        out.push(point(e));
    }
    out
}

/// Viridis (van der Walt & Smith, matplotlib 2.0) at five stops: perceptually even,
/// readable in grey and by colour-blind readers, on a projector too.
const VIRIDIS: [(u8, u8, u8); 5] = [(0x44, 0x01, 0x54), (0x3B, 0x52, 0x8B), (0x21, 0x91, 0x8C), (0x5E, 0xC9, 0x62), (0xFD, 0xE7, 0x25)];

/// The colour of `v` in [0, 1] on the viridis ramp.
fn viridis(v: f64) -> RGBColor {
    let x = v.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// One picture of all layers over time, for a projector: a cell per hidden layer (rows,
/// layer 1 at the bottom, nearest the input) and record (columns, the epoch), coloured by
/// log₁₀‖δˡ‖ on the viridis ramp, with a colour bar. Non-finite values are hatched.
pub fn norms_heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: &[EpochInside],
    t: &InsideText,
    ct: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let body = frame(area, &t.heatmap.title, &theme.title_font(), &[], theme, 0)?;
    let layers = history.iter().map(|e| e.log_norms.len()).max().unwrap_or(0);
    if history.is_empty() || layers == 0 {
        return no_data(&body, ct, theme);
    }
    let finite = history.iter().flat_map(|e| e.log_norms.iter().copied()).filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo.is_finite() { (lo.floor(), hi.ceil().max(lo.floor() + 1.0)) } else { (-3.0, 0.0) };
    let (bw, _) = body.dim_in_pixel();
    let bar_w = theme.px(80.0).min(bw as i32 / 4);
    let (main, bar) = body.split_horizontally(bw as i32 - bar_w);
    let first = history[0].epoch as f64;
    let last = history.last().map_or(first, |e| e.epoch as f64);
    let x = Axis::integer(first - 0.5, last + 0.5, fit(bw, 80.0 * theme.k()));
    let y = Axis::fixed(0.5, layers as f64 + 0.5, (1..=layers).map(|l| (l as f64, l.to_string())).collect());
    let Some(p) = panel(&main, x, y, &t.heatmap.x, &t.heatmap.y, false, 0, theme)? else { return Ok(()) };
    for e in history {
        let c = e.epoch as f64;
        for (l, &v) in e.log_norms.iter().enumerate() {
            let r = (l + 1) as f64;
            let (a, b) = (p.at(c - 0.5, r - 0.5), p.at(c + 0.5, r + 0.5));
            if v.is_finite() {
                rect(&p.pa, a, b, viridis((v - lo) / (hi - lo)).filled())?;
            } else {
                super::draw::hatch(&p.pa, a, b, theme.overflow, theme)?;
            }
        }
    }
    // The colour bar, as tall as the plot, with a tick at every whole decade.
    let (top, bottom) = (p.base.1 - main.get_base_pixel().1, p.base.1 - main.get_base_pixel().1 + p.pa.dim_in_pixel().1 as i32);
    let (x0, x1) = (theme.px(10.0), theme.px(28.0));
    let steps = 64;
    for k in 0..steps {
        let (y0, y1) = (bottom - (bottom - top) * k / steps, bottom - (bottom - top) * (k + 1) / steps);
        rect(&bar, (x0, y1), (x1, y0), viridis((k as f64 + 0.5) / steps as f64).filled())?;
    }
    let tick = theme.tick_font();
    let every = ((hi - lo) / 6.0).ceil().max(1.0) as i64;
    for d in (lo as i64..=hi as i64).filter(|d| (d - lo as i64) % every == 0) {
        let y = bottom - ((d as f64 - lo) / (hi - lo) * (bottom - top) as f64).round() as i32;
        text(&bar, &format!("10{}", super::text::superscript(d)), (x1 + theme.px(4.0), y), &tick, HPos::Left, VPos::Center)?;
    }
    text(&bar, &t.heatmap_scale, (x0, top - theme.px(4.0)), &theme.note_font(theme.text), HPos::Left, VPos::Bottom)
}
