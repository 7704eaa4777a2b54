//! Accuracy by number of hidden layers, mean ± std, beside the book's.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{finite_minmax, fit, Axis};
use super::draw::{item, line, marker, text, Shape, Swatch};
use super::panel::{draw_runs, frame, no_data, panel, runs};
use super::text::{format_value, ChartText};
use super::theme::Theme;
use super::{de, ChartError};

/// Accuracy against the number of hidden layers: `rows` = (hidden layers, mean %,
/// standard deviation %) as dots with ± std error bars, joined by a thin line, the mean
/// written beside each dot; `book[i]` (the book's accuracy for i + 1 hidden layers,
/// e.g. [`BOOK_DEPTH_ACCURACY`](crate::experiments::BOOK_DEPTH_ACCURACY)) as diamonds.
pub fn depth_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[(usize, f64, f64)],
    book: &[f64],
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
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
    let vals = rows.iter().flat_map(|r| [r.1 - std_of(r.2), r.1 + std_of(r.2)]).chain(book.iter().copied());
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
