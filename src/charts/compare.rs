//! A and B on shared charts: ‖δˡ‖ per hidden layer, the learning-speed curves of the first
//! and last hidden layers, and accuracy and cost per epoch.
//!
//! A and B differ in three ways besides their colour, so that a reader who cannot tell
//! the colours apart, or a grey print, still can: A is a solid line with circles, B a
//! dashed line with diamonds, and each curve is labelled "A" or "B" at its end.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{finite_minmax, fit, lg, tight_log_range, Axis, BIG};
use super::draw::{item, line, marker, Item, Px, Shape, Swatch};
use super::panel::{frame, no_data, panel, runs, Plot};
use super::text::{measure, ChartText, PanelText};
use super::theme::Theme;
use super::{de, ChartError};

/// Side 0 is A, side 1 is B.
fn color(side: usize, theme: &Theme) -> RGBColor {
    theme.color(side)
}
fn shape(side: usize) -> Shape {
    [Shape::Circle, Shape::Diamond][side]
}
fn name(side: usize, t: &ChartText) -> &str {
    [&t.a, &t.b][side]
}

/// The legend: A's and B's line with its marker.
fn legend(t: &ChartText, theme: &Theme) -> Vec<Item> {
    (0..2)
        .map(|s| item(name(s, t), if s == 0 { Swatch::LineMarker(color(s, theme), shape(s)) } else { Swatch::DashedMarker(color(s, theme), shape(s)) }))
        .collect()
}

/// One curve of side `side`: its runs of finite points (solid for A, dashed for B), a
/// marker on each point when there are few, and ∞/NaN pinned to the top edge.
fn curve<DB: DrawingBackend>(p: &Plot<DB>, pts: &[(f64, f64)], side: usize, theme: &Theme) -> Result<(), ChartError> {
    let c = color(side, theme);
    let shown = |y: f64| y.is_finite() && y.abs() <= BIG;
    for run in runs(pts.iter().map(|&(x, y)| shown(y).then_some((x, y)))) {
        let mut px: Vec<Px> = run.iter().map(|&(x, y)| p.at(x, y)).collect();
        px.dedup();
        if side == 0 {
            line(&p.pa, px, c, theme.px(2.2))?;
        } else if px.len() > 1 {
            let style = c.stroke_width(theme.px(2.2) as u32);
            p.pa.draw(&DashedPathElement::new(px, theme.px(7.0), theme.px(4.0), style)).map_err(de)?;
        }
    }
    let every = (pts.len() / 12).max(1);
    for (i, &(x, y)) in pts.iter().enumerate() {
        if shown(y) && (i % every == 0 || i + 1 == pts.len()) {
            marker(&p.pa, p.at(x, y), shape(side), theme.px(3.6), c, theme.background)?;
        } else if !shown(y) {
            let at = p.at(x, p.y.hi);
            marker(&p.pa, (at.0, at.1 + theme.px(6.0)), Shape::Up, theme.px(4.5), theme.overflow, theme.background)?;
        }
    }
    Ok(())
}

/// Labels beside the last finite point of each curve, moved apart vertically so that
/// they never overlap.
fn end_labels<DB: DrawingBackend>(p: &Plot<DB>, labels: Vec<(String, f64, f64, usize)>, theme: &Theme) -> Result<(), ChartError> {
    let style = theme.font(theme.tick_size, theme.text, true);
    let m = measure(&p.pa, &style);
    let gap = m.height.ceil() as i32 + theme.px(1.0);
    let (_, h) = p.pa.dim_in_pixel();
    let mut at: Vec<(Px, String, usize)> = labels.into_iter().map(|(s, x, y, side)| (p.at(x, y), s, side)).collect();
    at.sort_by_key(|a| a.0 .1);
    for i in 1..at.len() {
        if at[i].0 .1 - at[i - 1].0 .1 < gap {
            at[i].0 .1 = at[i - 1].0 .1 + gap;
        }
    }
    // Pushed below the bottom: shift the stack up.
    let over = at.last().map_or(0, |a| a.0 .1 + gap / 2 - h as i32).max(0);
    for ((x, y), s, side) in at {
        let c = color(side, theme);
        let st = style.color(&c);
        super::draw::text(&p.pa, &s, (x + theme.px(7.0), (y - over).max(gap / 2)), &st, HPos::Left, VPos::Center)?;
    }
    Ok(())
}

/// An epoch or layer axis from `lo` to `hi` plus `room` for the end labels, ticked only
/// up to `hi` (a tick beyond the data would promise epochs that were not run).
fn data_axis(lo: f64, hi: f64, room: f64, target: usize) -> Axis {
    let mut x = Axis::integer(lo, hi + room, target);
    x.major.retain(|v| *v <= hi + 1e-9);
    x
}

/// Room on the right of the last point for the end labels, in units of x.
fn label_room<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, widest: &str, span: f64, theme: &Theme) -> f64 {
    let (w, _) = area.dim_in_pixel();
    let tw = measure(area, &theme.font(theme.tick_size, theme.text, true)).width(widest) + theme.px(14.0) as f64;
    let frac = (tw / (w as f64 * 0.8).max(1.0)).min(0.4);
    span * frac / (1.0 - frac)
}

/// ‖δˡ‖ of every hidden layer of A and of B (`norms.0[0]`: A's layer 1), one line each
/// across the layers on a log y-axis: how the gradient falls (or grows) from the output
/// back to the input.
pub fn compare_norms_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, norms: (&[f64], &[f64]), t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let body = frame(area, &t.compare_norms.title, &theme.title_font(), &legend(t, theme), theme, 0)?;
    let sides = [norms.0, norms.1];
    let n = sides.iter().map(|s| s.len()).max().unwrap_or(0);
    if n == 0 {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let (lo, hi) = tight_log_range(sides.iter().flat_map(|s| s.iter()).filter_map(|v| lg(*v)), (-3.0, 0.0));
    let room = label_room(&body, "A", (n as f64 - 1.0).max(1.0), theme);
    let x = data_axis(0.7, n as f64 + 0.3, room, fit(bw, 60.0 * theme.k()));
    let y = Axis::log(lo, hi, fit(bh, 45.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.compare_norms.x, &t.compare_norms.y, false, 0, theme)? else { return Ok(()) };
    let mut labels = vec![];
    for (side, s) in sides.iter().enumerate() {
        let pts: Vec<(f64, f64)> = s.iter().enumerate().map(|(l, v)| ((l + 1) as f64, lg(*v).unwrap_or(if *v == 0.0 { p.y.lo } else { f64::NAN }))).collect();
        curve(&p, &pts, side, theme)?;
        if let Some(&(x, y)) = pts.iter().rev().find(|q| q.1.is_finite()) {
            labels.push((name(side, t).to_string(), x, y, side));
        }
    }
    end_labels(&p, labels, theme)
}

/// The learning-speed curves of A and B: ‖δˡ‖ against the epoch (`history.0[e][l]`, epoch
/// 0 at initialisation) for the first and the last hidden layer of each, log y-axis. The
/// layers between are in the numbers (the CSV, the page's table); sixteen curves would
/// hide the story, which is the gap between the first layer and the last.
pub fn compare_speed_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: (&[Vec<f64>], &[Vec<f64>]),
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let body = frame(area, &t.compare_speed.title, &theme.title_font(), &legend(t, theme), theme, 0)?;
    let sides = [history.0, history.1];
    let epochs = sides.iter().map(|h| h.len()).max().unwrap_or(0);
    if epochs == 0 || sides.iter().all(|h| h.iter().all(Vec::is_empty)) {
        return no_data(&body, t, theme);
    }
    let (bw, bh) = body.dim_in_pixel();
    let (lo, hi) = tight_log_range(sides.iter().flat_map(|h| h.iter().flatten()).filter_map(|v| lg(*v)), (-3.0, 0.0));
    let label = |side: usize, l: usize| format!("{} {}", name(side, t), t.layer_name(l));
    let widest = (0..2).map(|s| label(s, 10)).max_by_key(|s| s.len()).unwrap_or_default();
    let span = (epochs as f64 - 1.0).max(1.0);
    let x = data_axis(0.0, span, label_room(&body, &widest, span, theme), fit(bw, 80.0 * theme.k()));
    let y = Axis::log(lo, hi, fit(bh, 45.0 * theme.k()));
    let Some(p) = panel(&body, x, y, &t.compare_speed.x, &t.compare_speed.y, true, 0, theme)? else { return Ok(()) };
    let mut labels = vec![];
    for (side, h) in sides.iter().enumerate() {
        let layers = h.iter().map(Vec::len).max().unwrap_or(0);
        let mut shown = vec![0];
        if layers > 1 {
            shown.push(layers - 1);
        }
        for l in shown.into_iter().filter(|_| layers > 0) {
            let pts: Vec<(f64, f64)> = h.iter().enumerate().map(|(e, row)| (e as f64, row.get(l).map_or(f64::NAN, |v| lg(*v).unwrap_or(f64::NAN)))).collect();
            curve(&p, &pts, side, theme)?;
            if let Some(&(x, y)) = pts.iter().rev().find(|q| q.1.is_finite()) {
                labels.push((label(side, l + 1), x, y, side));
            }
        }
    }
    end_labels(&p, labels, theme)
}

/// Accuracy (percent) and cost after each epoch of A and B (epoch 1 first), two stacked
/// panels sharing the epoch axis.
pub fn compare_training_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    accuracy: (&[f64], &[f64]),
    cost: (&[f64], &[f64]),
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let body = frame(area, "", &theme.title_font(), &legend(t, theme), theme, 0)?;
    let (_, h) = body.dim_in_pixel();
    let (upper, lower) = body.split_vertically((h as f64 * 0.5).round() as i32);
    let n = [accuracy.0, accuracy.1, cost.0, cost.1].iter().map(|s| s.len()).max().unwrap_or(0);
    let hi = n.max(2) as f64;
    let room = label_room(area, "A", hi - 1.0, theme);
    let tm = measure(area, &theme.tick_font());
    let ya = series_axis([accuracy.0, accuracy.1], Some((0.0, 100.0)), &upper, theme);
    let yc = series_axis([cost.0, cost.1], None, &lower, theme);
    let width = |a: &Axis| a.major.iter().map(|v| tm.width(&a.label(*v))).fold(0.0, f64::max).ceil() as i32;
    let y_w = width(&ya).max(width(&yc));
    series_panel(&upper, [accuracy.0, accuracy.1], (hi, room), ya, &t.accuracy, "", y_w, t, theme)?;
    series_panel(&lower, [cost.0, cost.1], (hi, room), yc, &t.cost, &t.cost.x, y_w, t, theme)
}

fn series_axis<DB: DrawingBackend>(values: [&[f64]; 2], bounds: Option<(f64, f64)>, area: &DrawingArea<DB, Shift>, theme: &Theme) -> Axis {
    let (_, h) = area.dim_in_pixel();
    let (lo, hi) = match finite_minmax(values.iter().flat_map(|v| v.iter()).copied().filter(|v| v.abs() <= BIG)) {
        Some((a, b)) => {
            let pad = ((b - a) * 0.1).max(b.abs().max(a.abs()) * 0.005).max(1e-9);
            let (lo, hi) = (a - pad, b + pad);
            match bounds {
                Some((blo, bhi)) => (lo.max(blo), hi.min(bhi).max(lo.max(blo) + 0.5)),
                None => (if a >= 0.0 { lo.max(0.0) } else { lo }, hi),
            }
        }
        None => bounds.unwrap_or((0.0, 1.0)),
    };
    Axis::linear(lo, hi, fit((h as f64 * 0.7) as u32, 40.0 * theme.k()), true)
}

#[allow(clippy::too_many_arguments)]
fn series_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    values: [&[f64]; 2],
    (hi, room): (f64, f64),
    y: Axis,
    pt: &PanelText,
    x_desc: &str,
    y_w: i32,
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
    let body = frame(area, &pt.title, &theme.panel_title_font(), &[], theme, 0)?;
    let (bw, _) = body.dim_in_pixel();
    let x = data_axis(0.5, hi + 0.5, room, fit(bw, 80.0 * theme.k()));
    let Some(p) = panel(&body, x, y, x_desc, &pt.y, true, y_w, theme)? else { return Ok(()) };
    if values.iter().all(|v| v.is_empty()) {
        let (w, h) = p.pa.dim_in_pixel();
        let style = theme.font(theme.label_size, theme.muted, false);
        return super::draw::text(&p.pa, &t.no_data, (w as i32 / 2, h as i32 / 2), &style, HPos::Center, VPos::Center);
    }
    let mut labels = vec![];
    for (side, v) in values.iter().enumerate() {
        let pts: Vec<(f64, f64)> = v.iter().enumerate().map(|(i, y)| ((i + 1) as f64, *y)).collect();
        curve(&p, &pts, side, theme)?;
        if let Some(&(x, y)) = pts.iter().rev().find(|q| q.1.is_finite() && q.1.abs() <= BIG) {
            labels.push((name(side, t).to_string(), x, y, side));
        }
    }
    end_labels(&p, labels, theme)
}
