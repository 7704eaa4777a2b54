//! ‖δˡ‖ per hidden layer, beside the book's values.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{decade_range, fit, lg, Axis};
use super::draw::{hatch, item, marker, rect, text, Shape, Swatch};
use super::panel::{frame, no_data, panel};
use super::text::{format_value, measure, ChartText};
use super::theme::Theme;
use super::{de, ChartError};

/// ‖δˡ‖ of every hidden layer (`norms[0]` is layer 1) as bars on a log y-axis, coloured
/// like the layers of [`gradient_bars`](super::gradient_bars), with the value written above each bar while
/// there is room; the book's values (`book[i]` for layer i + 1) as diamonds beside the
/// bars. A zero norm is marked "0" at the bottom; ∞/NaN are hatched bars.
pub fn norm_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    norms: &[f64],
    book: Option<&[f64]>,
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
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
