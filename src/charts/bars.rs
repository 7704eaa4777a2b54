//! The book's bar chart of ∂C/∂b for the first six neurons of each hidden layer.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{finite_minmax, fit, Axis, BIG};
use super::draw::{hatch, item, line, rect, text, Item, Swatch};
use super::panel::{frame, no_data, panel};
use super::text::{measure, ChartText};
use super::theme::Theme;
use super::{de, ChartError};

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
    let every =
        [1usize, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000].into_iter().find(|k| *k as f64 * group_px >= label_w).unwrap_or(usize::MAX);
    let items = layers.iter().enumerate().filter(|(_, l)| every == 1 || l.layer % every == 0).map(|(g, l)| (centre(g), l.layer.to_string())).collect();
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
                let (lo, hi) = if v.is_nan() {
                    (-top, top)
                } else if v > 0.0 {
                    (0.0, top)
                } else {
                    (-top, 0.0)
                };
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
