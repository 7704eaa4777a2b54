//! The chain's |∂C/∂b₁| against its weight.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::chain::{ChainReport, Regime};

use super::axes::{decade_range, fit, lg, tight_log_range, Axis};
use super::draw::{boxed_text, dashed, item, marker, Shape, Swatch};
use super::panel::{draw_runs, edge_band, frame, no_data, panel, runs};
use super::text::ChartText;
use super::theme::Theme;
use super::{de, ChartError};

/// |∂C/∂b₁| of the chain against its (uniform) weight w, on log–log axes, one marker per
/// weight coloured by [`Regime`], joined by a thin line; where the geometric mean of the
/// terms crosses 1 a dashed vertical line marks |wσ′| = 1. Weights ≤ 0 are left out (log
/// axis); overflowed gradients are triangles in a hatched band on the top edge, zero
/// gradients in a band on the bottom edge.
pub fn chain_sweep_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sweep: &[(f64, ChainReport)],
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
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
