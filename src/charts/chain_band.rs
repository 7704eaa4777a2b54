//! The chain as issue 10's design draws it: f′(z) with every term and the running product
//! on one set of axes (a second, logarithmic axis for those), the band of z where the term
//! |w·f′(z)| is at least 1 shaded; and beside it Chapter 5's problem: how wide a band of
//! inputs a that is, against |w|.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::chain::{term_at, term_band, term_band_scan, ChainReport, TermBand};
use crate::network::Activation;

use super::axes::{decade_range, fit, lg, Axis};
use super::draw::{boxed_text, dashed, item, line, marker, rect, text, Px, Shape, Swatch};
use super::panel::{frame, header, panel, runs};
use super::text::{measure, minus, trim_zeros, wrap, PanelText};
use super::theme::Theme;
use super::{de, ChartError, SIGMA_Z_RANGE};

/// The words of [`chain_band_chart`]; `Default` is English for σ (the page passes f′'s).
/// In `max`, `{width}` and `{w}` are replaced; in `current`, `{width}`.
#[derive(Clone, Debug, PartialEq)]
pub struct BandText {
    pub curve: PanelText,
    pub f_prime: String,
    pub term: String,
    pub terms: String,
    pub product: String,
    pub band: String,
    pub width: PanelText,
    pub current: String,
    pub max: String,
    /// Shown in the width panel instead of a curve (the ReLUs' unbounded band, skips).
    pub note: String,
    /// A neuron whose z is beyond the axis, drawn at its end as a triangle.
    pub off_scale: String,
}

impl Default for BandText {
    fn default() -> Self {
        BandText {
            curve: PanelText::new("σ′(z), the terms and their product on one axis", "z", "σ′(z)"),
            f_prime: "σ′(z) (left axis)".into(),
            term: "|w·σ′(z)| (right axis, log)".into(),
            terms: "each neuron's term".into(),
            product: "running product".into(),
            band: "|w·σ′| ≥ 1".into(),
            width: PanelText::new("Width of the inputs a with |w·σ′(wa + b)| ≥ 1", "|w|", "width"),
            current: "this w: {width}".into(),
            max: "largest {width} at |w| ≈ {w}".into(),
            note: String::new(),
            off_scale: "z beyond the axis (at its end)".into(),
        }
    }
}

impl BandText {
    /// The words from one string, one per line in the order of the fields (`curve`'s title,
    /// x and y, `f_prime`, `term`, `terms`, `product`, `band`, `width`'s title, x and y,
    /// `current`, `max`, `note`, `off_scale`); a missing or empty line keeps the English. Lines, not
    /// JSON: a serde reader of this struct would cost the page's second module ~3 KB.
    pub fn from_lines(s: &str) -> BandText {
        let mut t = BandText::default();
        let fields: [&mut String; 15] = [
            &mut t.curve.title,
            &mut t.curve.x,
            &mut t.curve.y,
            &mut t.f_prime,
            &mut t.term,
            &mut t.terms,
            &mut t.product,
            &mut t.band,
            &mut t.width.title,
            &mut t.width.x,
            &mut t.width.y,
            &mut t.current,
            &mut t.max,
            &mut t.note,
            &mut t.off_scale,
        ];
        for (field, line) in fields.into_iter().zip(s.split('\n')) {
            if !line.trim().is_empty() {
                *field = line.to_string();
            }
        }
        t
    }
}

/// Most |w| the width panel shows: the page's slider reaches ±10^2.3 ≈ 200 (www/state.js).
const W_MAX_EXP: f64 = 2.302;

/// The band view of the chain `report` (activation `f` for neurons 1..L−1, weight `w` for
/// the band, `skip`: the terms of the band are 1 + w·f′(z)). Two panels, side by side when
/// the area is wide, else stacked: (a) f′(z) for z ∈ [−8, 8] on a linear axis, and on a
/// logarithmic axis at the right the term |w·f′(z)| as a curve of z, each neuron's term
/// (j ≥ 2) at its z_j and the running product at z_j joined in the order of the neurons,
/// the line 1, and the band where |term| ≥ 1 shaded; (b) the width of the inputs a in that
/// band against |w| (σ and tanh without skips, [`term_band`]), its maximum and the current
/// w marked — or `t.note` where no finite width exists.
#[allow(clippy::too_many_arguments)]
pub fn chain_band_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ChainReport,
    f: Activation,
    w: f64,
    skip: bool,
    t: &BandText,
    theme: &Theme,
) -> Result<(), ChartError> {
    area.fill(&theme.background).map_err(de)?;
    let (aw, ah) = area.dim_in_pixel();
    let side_by_side = aw as f64 >= 1.8 * ah as f64;
    // The first panel's legend takes room: it gets the larger share.
    let (a, b) = if side_by_side { area.split_horizontally((aw * 3 / 5) as i32) } else { area.split_vertically((ah * 31 / 50) as i32) };
    let pinned = report.z.iter().any(|z| z.abs() > SIGMA_Z_RANGE);
    let legend = curve_legend(t, pinned, theme);
    let mut top = 0;
    if side_by_side {
        top = header(&a, &t.curve.title, &theme.panel_title_font(), &legend, theme, false)?;
        top = top.max(header(&b, &t.width.title, &theme.panel_title_font(), &[], theme, false)?);
    }
    curve_panel(&a, report, f, w, skip, t, &legend, theme, top)?;
    width_panel(&b, f, w, skip, t, theme, top)
}

/// `a` over `b` with opacity `k`, as one opaque colour (a legend's swatch of a translucent fill).
fn blend(a: RGBColor, b: RGBColor, k: f64) -> RGBColor {
    let m = |x: u8, y: u8| (k * x as f64 + (1.0 - k) * y as f64).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

fn curve_legend(t: &BandText, pinned: bool, theme: &Theme) -> Vec<super::draw::Item> {
    let mut legend = vec![
        item(&t.f_prime, Swatch::Bar(theme.color(0))),
        item(&t.term, Swatch::Bar(theme.negative)),
        item(&t.terms, Swatch::Marker(theme.color(1), Shape::Circle)),
        item(&t.product, Swatch::LineMarker(theme.color(2), Shape::Diamond)),
        item(&t.band, Swatch::Bar(blend(theme.negative, theme.background, 0.25))),
    ];
    if pinned {
        legend.push(item(&t.off_scale, Swatch::Marker(theme.muted, Shape::Right)));
    }
    legend
}

#[allow(clippy::too_many_arguments)]
fn curve_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &ChainReport,
    f: Activation,
    w: f64,
    skip: bool,
    t: &BandText,
    legend: &[super::draw::Item],
    theme: &Theme,
    top: i32,
) -> Result<(), ChartError> {
    let zr = SIGMA_Z_RANGE;
    let body = frame(area, &t.curve.title, &theme.panel_title_font(), legend, theme, top)?;
    let (bw, bh) = body.dim_in_pixel();
    let peak = if f == Activation::Sigmoid { 0.25 } else { 1.0 };
    let y_hi = peak * 1.2;
    // The log axis: the terms (j ≥ 2, where w enters), the product, the curve's peak and 1.
    let term_peak = (0..=160).map(|i| term_at(f, w, skip, -zr + 2.0 * zr * i as f64 / 160.0).abs()).fold(0.0, f64::max);
    let exps = report.terms.iter().skip(1).chain(&report.running_product).chain([&term_peak]).filter_map(|v| lg(v.abs())).map(|e| e.clamp(-40.0, 40.0));
    let (lo, hi) = decade_range(exps.chain([0.0]), (-1.0, 1.0), 0.0);
    let (lo, hi) = (lo.min(-1.0), hi.max(1.0));
    let log_axis = Axis::log(lo, hi, fit(bh, 40.0 * theme.k()));
    // Room at the right for the log axis's labels.
    let tm = measure(&body, &theme.tick_font());
    let right_w = log_axis.major.iter().map(|v| tm.width(&log_axis.label(*v))).fold(0.0, f64::max).ceil() as i32 + theme.px(12.0);
    let (left, _) = body.split_horizontally((bw as i32 - right_w).max(1));
    let step = if (bw as f64) < 560.0 * theme.k() { 4 } else { 2 };
    let x = Axis::fixed(-zr, zr, (-(zr as i32)..=zr as i32).step_by(step).map(|z| (z as f64, minus(z.to_string()))).collect());
    let ticks: &[f64] = if f == Activation::Sigmoid { &[0.0, 0.05, 0.1, 0.15, 0.2, 0.25] } else { &[0.0, 0.25, 0.5, 0.75, 1.0] };
    let y = Axis::fixed(0.0, y_hi, ticks.iter().map(|v| (*v, minus(trim_zeros(&format!("{v:.2}"))))).collect());
    let Some(p) = panel(&left, x, y, &t.curve.x, &t.curve.y, true, 0, theme)? else { return Ok(()) };
    // A value on the log axis, as a y of the linear one (clamped to the plot).
    let y_of = |v: f64| -> f64 {
        match lg(v.abs()) {
            Some(e) => ((e - lo) / (hi - lo)).clamp(0.0, 1.0) * y_hi,
            None if v.is_finite() => 0.0,
            None => y_hi,
        }
    };
    // The band, under everything.
    let band_color = theme.negative.mix(0.16);
    for (z0, z1) in term_band_scan(f, w, skip, -zr, zr, 641) {
        let (a, b) = (p.at(z0, y_hi), p.at(z1, 0.0));
        rect(&p.pa, a, (b.0.max(a.0 + 1), b.1), band_color.filled())?;
        for z in [z0, z1] {
            if z > -zr && z < zr {
                dashed(&p.pa, p.at(z, 0.0), p.at(z, y_hi), theme.negative.mix(0.7), theme)?;
            }
        }
    }
    // The right axis: ticks and labels of the log values.
    let bb = body.get_base_pixel();
    let xr = p.base.0 - bb.0 + p.width();
    let tick_style = theme.tick_font();
    for &e in &log_axis.major {
        let py = p.base.1 - bb.1 + p.at(0.0, (e - lo) / (hi - lo) * y_hi).1;
        line(&body, vec![(xr, py), (xr + theme.px(4.0), py)], theme.muted, 1)?;
        text(&body, &log_axis.label(e), (xr + theme.px(6.0), py), &tick_style, HPos::Left, VPos::Center)?;
    }
    line(&body, vec![(xr, p.base.1 - bb.1), (xr, p.base.1 - bb.1 + p.at(0.0, 0.0).1)], theme.muted, 1)?;
    // The line |term| = 1.
    let one = y_of(1.0);
    dashed(&p.pa, p.at(-zr, one), p.at(zr, one), theme.reference, theme)?;
    // f′(z), filled as in the three panels.
    let n = 400;
    let zs: Vec<f64> = (0..=n).map(|i| -zr + 2.0 * zr * i as f64 / n as f64).collect();
    let fc = theme.color(0);
    let mut poly: Vec<Px> = zs.iter().map(|&z| p.at(z, f.prime(z))).collect();
    poly.push(p.at(zr, 0.0));
    poly.push(p.at(-zr, 0.0));
    p.pa.draw(&Polygon::new(poly, fc.mix(0.10).filled())).map_err(de)?;
    line(&p.pa, zs.iter().map(|&z| p.at(z, f.prime(z))).collect(), fc, theme.px(2.2))?;
    // |term(z)| on the log axis, broken where it drops below the axis.
    let tc = theme.negative;
    let pts = zs.iter().map(|&z| {
        let v = term_at(f, w, skip, z).abs();
        lg(v).filter(|e| *e >= lo).map(|_| (z, y_of(v)))
    });
    for run in runs(pts) {
        line(&p.pa, run.iter().map(|&(x, y)| p.at(x, y)).collect(), tc, theme.px(2.0))?;
    }
    // Each neuron's term (j ≥ 2) and the running product, at the neuron's z.
    let at_z = |z: f64| if z.is_nan() { None } else { Some(z.clamp(-zr, zr)) };
    // A z beyond the axis: a triangle at its end, pointing outwards.
    let shape = |z: f64, inside: Shape| {
        if z > zr {
            Shape::Right
        } else if z < -zr {
            Shape::Left
        } else {
            inside
        }
    };
    let pc = theme.color(2);
    let prod: Vec<(Px, Shape)> =
        report.z.iter().zip(&report.running_product).filter_map(|(&z, &v)| at_z(z).map(|zc| (p.at(zc, y_of(v)), shape(z, Shape::Diamond)))).collect();
    line(&p.pa, prod.iter().map(|c| c.0).collect(), pc.mix(0.8), theme.px(1.4))?;
    let r = if report.z.len() > 50 { theme.px(3.0) } else { theme.px(4.0) };
    for (c, s) in prod {
        marker(&p.pa, c, s, r, pc, theme.background)?;
    }
    for (&z, &v) in report.z.iter().zip(&report.terms).skip(1) {
        if let Some(zc) = at_z(z) {
            marker(&p.pa, p.at(zc, y_of(v)), shape(z, Shape::Circle), r, theme.color(1), theme.background)?;
        }
    }
    // The band's name, at its top.
    if let Some((z0, z1)) = term_band_scan(f, w, skip, -zr, zr, 641).into_iter().max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0))) {
        let c = p.at(0.5 * (z0 + z1), y_hi);
        boxed_text(&p.pa, &t.band, (c.0, c.1 + theme.px(4.0)), &theme.note_font(theme.text), HPos::Center, VPos::Top, theme)?;
    }
    Ok(())
}

/// The largest width of [`term_band`] over |w| ∈ [1, 200] and where it is: a scan of log₁₀|w|
/// in steps of 0.01, then of 10⁻⁵ around the best (the width has one maximum; the page prints
/// what this finds, tests/chain_band.rs checks it against a scan of every 10⁻⁴).
pub fn widest_band(f: Activation) -> Option<(f64, f64)> {
    let best = |from: f64, step: f64, n: usize| {
        (0..=n)
            .map(|i| from + step * i as f64)
            .filter(|e| (0.0..=W_MAX_EXP).contains(e))
            .filter_map(|e| match term_band(f, 10f64.powf(e)) {
                TermBand::Interval { width, .. } => Some((e, width)),
                _ => None,
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    };
    let (e, _) = best(0.0, 0.01, 231)?;
    best(e - 0.01, 1e-5, 2000).map(|(e, width)| (10f64.powf(e), width))
}

#[allow(clippy::too_many_arguments)]
fn width_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: Activation,
    w: f64,
    skip: bool,
    t: &BandText,
    theme: &Theme,
    top: i32,
) -> Result<(), ChartError> {
    let body = frame(area, &t.width.title, &theme.panel_title_font(), &[], theme, top)?;
    let (bw, bh) = body.dim_in_pixel();
    let closed = !skip && matches!(f, Activation::Sigmoid | Activation::Tanh);
    if !closed {
        // No finite width to draw: say why, wrapped in the panel.
        let style = theme.font(theme.label_size, theme.text, false);
        let m = measure(&body, &style);
        let lines = wrap(&t.note, &m, bw as f64 - 2.0 * theme.px(12.0) as f64);
        let lh = (m.height * 1.3).round() as i32;
        let mut y = ((bh as i32 - lh * lines.len() as i32) / 2).max(theme.px(8.0));
        for l in lines {
            text(&body, &l, (bw as i32 / 2, y), &style, HPos::Center, VPos::Top)?;
            y += lh;
        }
        return Ok(());
    }
    let Some((w_best, best)) = widest_band(f) else { return Ok(()) };
    let width_of = |w: f64| match term_band(f, w) {
        TermBand::Interval { width, .. } => width,
        _ => 0.0,
    };
    let x = Axis::log(0.0, W_MAX_EXP, fit(bw, 70.0 * theme.k()));
    let y = Axis::linear(0.0, best * 1.25, fit(bh, 40.0 * theme.k()), false);
    let Some(p) = panel(&body, x, y, &t.width.x, &t.width.y, true, 0, theme)? else { return Ok(()) };
    let n = 400;
    let pts: Vec<Px> = (0..=n).map(|i| W_MAX_EXP * i as f64 / n as f64).map(|e| p.at(e, width_of(10f64.powf(e)))).collect();
    line(&p.pa, pts, theme.color(0), theme.px(2.2))?;
    // The maximum.
    let mp = p.at(w_best.log10(), best);
    marker(&p.pa, mp, Shape::Up, theme.px(4.0), theme.muted, theme.background)?;
    let num = |v: f64, sig: usize| super::format_value(v, sig);
    let max_label = t.max.replace("{width}", &num(best, 2)).replace("{w}", &num(w_best, 2));
    let right_half = mp.0 > p.width() / 2;
    let (lx, hpos) = if right_half { (mp.0 - theme.px(8.0), HPos::Right) } else { (mp.0 + theme.px(8.0), HPos::Left) };
    boxed_text(&p.pa, &max_label, (lx, mp.1 - theme.px(6.0)), &theme.note_font(theme.muted), hpos, VPos::Bottom, theme)?;
    // The current w.
    let aw = w.abs();
    if aw.is_finite() && aw > 0.0 {
        let e = aw.log10();
        let cur = width_of(aw);
        let c = theme.negative;
        dashed(&p.pa, p.at(e, 0.0), p.at(e, p.y.hi), c.mix(0.8), theme)?;
        let cp = p.at(e, cur);
        marker(&p.pa, cp, Shape::Circle, theme.px(5.0), c, theme.background)?;
        let label = t.current.replace("{width}", &num(cur, 2));
        let left = cp.0 > p.width() * 2 / 3;
        let (lx, hpos) = if left { (cp.0 - theme.px(8.0), HPos::Right) } else { (cp.0 + theme.px(8.0), HPos::Left) };
        // Below the curve (the maximum's label is above it), or above the axis when the
        // point sits on it.
        let m = measure(&p.pa, &theme.note_font(theme.text));
        let room = p.at(0.0, 0.0).1 - cp.1;
        let (ly, vpos) = if room > theme.px(16.0) + m.height as i32 { (cp.1 + theme.px(8.0), VPos::Top) } else { (cp.1 - theme.px(8.0), VPos::Bottom) };
        boxed_text(&p.pa, &label, (lx, ly), &theme.note_font(theme.text), hpos, vpos, theme)?;
    }
    Ok(())
}
