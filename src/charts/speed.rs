//! The learning-speed curves: ‖δˡ‖ of each hidden layer against the epoch.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{fit, lg, tight_log_range, Axis};
use super::draw::{item, layer_shape, marker, Item, Shape, Swatch};
use super::panel::{draw_runs, frame, no_data, panel, runs};
use super::text::ChartText;
use super::theme::Theme;
use super::{de, ChartError};

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
        let pts = (0..epochs).filter(|e| e % stride == 0 || *e == epochs - 1).map(|e| history[e].get(l).and_then(|v| lg(*v)).map(|y| (e as f64, y)));
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
