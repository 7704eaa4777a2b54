//! The single-neuron chain: σ′(z) (or f′(z) of another activation), the terms w·f′(z) and
//! their running product.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::chain::ChainReport;
use crate::network::Activation;

use super::axes::{decade_range, fit, lg, Axis};
use super::draw::{boxed_text, dashed, hatch, item, line, marker, rect, text, Px, Shape, Swatch};
use super::panel::{draw_runs, edge_band, frame, header, no_data, panel, runs};
use super::text::{minus, trim_zeros, ChartText};
use super::theme::Theme;
use super::{de, ChartError};

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
///
/// With another activation `f` for neurons 1..L−1 (the report's `sigma_prime` is then f′)
/// the first panel draws f′ and its peak (1 for tanh and the ReLUs, against σ′'s 1/4) and
/// the output neuron's σ′ faintly beside it. The words are the caller's: `t` then says f′
/// where the sigmoid's say σ′ (the page's language files hold both; relabelling here
/// would cost the wasm module a copy of every label).
pub fn chain_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ChainReport,
    f: Activation,
    t: &ChartText,
    theme: &Theme,
) -> Result<(), ChartError> {
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
    sigma_panel(&panels[0], report, f, t, theme, top)?;
    terms_panel(&panels[1], &report.terms, t, theme, top)?;
    product_panel(&panels[2], &report.running_product, t, theme, top)
}

fn sigma_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ChainReport,
    f: Activation,
    t: &ChartText,
    theme: &Theme,
    top: i32,
) -> Result<(), ChartError> {
    let zr = SIGMA_Z_RANGE;
    let pinned = report.z.iter().any(|z| z.is_infinite() || z.abs() > zr);
    let dot = theme.color(1);
    let mut legend = vec![item(&t.neurons, Swatch::Marker(dot, Shape::Circle))];
    if pinned {
        legend.push(item(&t.off_scale, Swatch::Marker(dot, Shape::Right)));
    }
    // The last neuron is the output, always σ: with another f, its σ′ is drawn too.
    let output_sigma = f != Activation::Sigmoid && report.z.len() > 1;
    if output_sigma {
        legend.push(item(&t.output_sigma, Swatch::Bar(theme.muted)));
    }
    let body = frame(area, &t.sigma.title, &theme.panel_title_font(), &legend, theme, top)?;
    let (bw, _) = body.dim_in_pixel();
    let step = if (bw as f64) < 640.0 * theme.k() { 4 } else { 2 };
    let x = Axis::fixed(-zr, zr, (-(zr as i32)..=zr as i32).step_by(step).map(|z| (z as f64, minus(z.to_string()))).collect());
    // σ′ peaks at 1/4; tanh′ and the ReLUs′ reach 1.
    let peak_value = if f == Activation::Sigmoid { 0.25 } else { 1.0 };
    let ticks: &[f64] = if f == Activation::Sigmoid { &[0.0, 0.05, 0.1, 0.15, 0.2, 0.25] } else { &[0.0, 0.25, 0.5, 0.75, 1.0] };
    let y = Axis::fixed(0.0, peak_value * 1.2, ticks.iter().map(|v| (*v, minus(trim_zeros(&format!("{v:.2}"))))).collect());
    let Some(p) = panel(&body, x, y, &t.sigma.x, &t.sigma.y, true, 0, theme)? else { return Ok(()) };
    let curve_color = theme.color(0);
    let curve_of = |g: Activation| -> Vec<(f64, f64)> { (0..=320).map(|i| -zr + 2.0 * zr * i as f64 / 320.0).map(|z| (z, g.prime(z))).collect() };
    if output_sigma {
        let s = curve_of(Activation::Sigmoid);
        line(&p.pa, s.iter().map(|&(x, y)| p.at(x, y)).collect(), theme.muted.mix(0.8), theme.px(1.4))?;
    }
    let curve = curve_of(f);
    let mut poly: Vec<Px> = curve.iter().map(|&(x, y)| p.at(x, y)).collect();
    poly.push(p.at(zr, 0.0));
    poly.push(p.at(-zr, 0.0));
    p.pa.draw(&Polygon::new(poly, curve_color.mix(0.12).filled())).map_err(de)?;
    line(&p.pa, curve.iter().map(|&(x, y)| p.at(x, y)).collect(), curve_color, theme.px(2.2))?;
    // The peak.
    let peak = p.at(0.0, peak_value);
    dashed(&p.pa, p.at(-zr, peak_value), p.at(zr, peak_value), theme.muted.mix(0.6), theme)?;
    let style = theme.note_font(theme.text);
    // The ReLUs' plateau fills the right half: their label sits left of z = 0.
    let (at, anchor) =
        if matches!(f, Activation::Relu | Activation::LeakyRelu) { (peak.0 - theme.px(8.0), HPos::Right) } else { (peak.0 + theme.px(12.0), HPos::Left) };
    text(&p.pa, &t.peak, (at, peak.1 - theme.px(4.0)), &style, anchor, VPos::Bottom)?;
    // The neurons; many of them: smaller, translucent dots.
    let r = if report.z.len() > 50 { theme.px(3.0) } else { theme.px(4.5) };
    let c = if report.z.len() > 50 { dot.mix(0.6) } else { dot.to_rgba() };
    let last = report.z.len().saturating_sub(1);
    for (j, &z) in report.z.iter().enumerate() {
        if z.is_nan() {
            continue;
        }
        let g = if j == last { Activation::Sigmoid } else { f };
        let s = report.sigma_prime.get(j).copied().filter(|v| v.is_finite()).unwrap_or_else(|| g.prime(z));
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
