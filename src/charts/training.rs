//! Accuracy and cost against the epoch, in two stacked panels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{finite_minmax, fit, Axis, BIG};
use super::draw::{item, marker, text, Shape, Swatch};
use super::panel::{draw_runs, frame, panel, runs};
use super::text::{measure, ChartText, PanelText};
use super::theme::Theme;
use super::{de, ChartError};

/// Accuracy (in percent, 0–100) and cost after each epoch (epoch 1 first), as two
/// stacked panels sharing the epoch axis (described under the lower panel with
/// `t.cost.x`; `t.accuracy.x` is not drawn). Non-finite values break the lines and are
/// marked by triangles on the top edge.
pub fn training_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    accuracy: &[f64],
    cost: &[f64],
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
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
