//! A chart's frame (background, wrapped title, legend) and one cartesian panel with our axes, with the helpers that draw in it (line runs, edge bands).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axes::{Axis, AxisCoord, Labels};
use super::draw::{draw_swatch, hatch, line, marker, rect, text, Item, Px, Shape};
use super::text::{measure, superscript, wrap, ChartText};
use super::theme::Theme;
use super::{de, ChartError};

/// Fill `area`, draw the title and the legend on top; return the area left below them,
/// which starts at least `min_top` pixels down (to align panels side by side).
pub(super) fn frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    title_style: &TextStyle,
    legend: &[Item],
    theme: &Theme,
    min_top: i32,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let (_, h) = area.dim_in_pixel();
    let top = header(area, title, title_style, legend, theme, true)?.max(min_top);
    let top = top.clamp(0, (h as i32).max(0));
    Ok(area.split_vertically(top).1)
}

/// Lay out (and, with `draw`, draw) the title and legend; the height they take.
pub(super) fn header<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    title_style: &TextStyle,
    legend: &[Item],
    theme: &Theme,
    draw: bool,
) -> Result<i32, ChartError> {
    let (w, _) = area.dim_in_pixel();
    let w = w as i32;
    let pad = theme.px(8.0);
    let mut top = pad;
    if !title.trim().is_empty() {
        let m = measure(area, title_style);
        for l in wrap(title, &m, (w - 2 * pad) as f64) {
            if draw {
                text(area, &l, (w / 2, top), title_style, HPos::Center, VPos::Top)?;
            }
            top += (m.height * 1.2).round() as i32;
        }
        top += theme.px(2.0);
    }
    if !legend.is_empty() {
        let style = theme.legend_font();
        let m = measure(area, &style);
        let sw = theme.px(14.0);
        let gap = theme.px(6.0);
        let sep = theme.px(18.0);
        let row_h = (m.height.max(sw as f64) * 1.35).round() as i32;
        let widths: Vec<i32> = legend.iter().map(|it| sw + gap + m.width(&it.label).ceil() as i32).collect();
        let max_w = (w - 2 * pad).max(1);
        let mut rows: Vec<Vec<usize>> = vec![vec![]];
        let mut row_w = 0;
        for (i, iw) in widths.iter().enumerate() {
            let last = rows.last_mut().expect("rows is never empty");
            let add = if last.is_empty() { *iw } else { sep + iw };
            if !last.is_empty() && row_w + add > max_w {
                rows.push(vec![i]);
                row_w = *iw;
            } else {
                last.push(i);
                row_w += add;
            }
        }
        for row in rows {
            let total: i32 = row.iter().map(|&i| widths[i]).sum::<i32>() + sep * (row.len() as i32 - 1).max(0);
            let mut x = ((w - total) / 2).max(pad);
            let cy = top + row_h / 2;
            for i in row {
                if draw {
                    draw_swatch(area, &legend[i].swatch, x, cy, sw, theme)?;
                    text(area, &legend[i].label, (x + sw + gap, cy), &style, HPos::Left, VPos::Center)?;
                }
                x += widths[i] + sep;
            }
            top += row_h;
        }
        top += theme.px(2.0);
    }
    Ok(top)
}

pub(super) fn no_data<DB: DrawingBackend>(body: &DrawingArea<DB, Shift>, t: &ChartText, theme: &Theme) -> Result<(), ChartError> {
    let (w, h) = body.dim_in_pixel();
    let style = theme.font(theme.label_size, theme.muted, false);
    text(body, &t.no_data, (w as i32 / 2, h as i32 / 2), &style, HPos::Center, VPos::Center)
}

pub(super) type Coord2 = Cartesian2d<AxisCoord, AxisCoord>;

pub(super) struct Plot<'a, DB: DrawingBackend> {
    pub(super) chart: ChartContext<'a, DB, Coord2>,
    /// The plotting area without coordinates: pixels relative to its top-left corner.
    pub(super) pa: DrawingArea<DB, Shift>,
    pub(super) base: Px,
    pub(super) x: Axis,
    pub(super) y: Axis,
}

impl<DB: DrawingBackend> Plot<'_, DB> {
    /// Pixel of a data point, clamped into the plotting area.
    pub(super) fn at(&self, x: f64, y: f64) -> Px {
        let p = self.chart.backend_coord(&(self.x.clamp(x), self.y.clamp(y)));
        (p.0 - self.base.0, p.1 - self.base.1)
    }
    pub(super) fn width(&self) -> i32 {
        self.pa.dim_in_pixel().0 as i32
    }
    /// Pixels per unit of x.
    pub(super) fn x_scale(&self) -> f64 {
        self.width() as f64 / (self.x.hi - self.x.lo)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn panel<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    x: Axis,
    y: Axis,
    x_desc: &str,
    y_desc: &str,
    x_grid: bool,
    min_y_w: i32,
    theme: &Theme,
) -> Result<Option<Plot<'a, DB>>, ChartError> {
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let tick_style = theme.tick_font();
    let desc_style = theme.desc_font();
    let tm = measure(body, &tick_style);
    let dm = measure(body, &desc_style);
    let tick_len = theme.px(4.0);
    let pad = theme.px(8.0);
    let y_w = (y.major.iter().map(|v| tm.width(&y.label(*v))).fold(0.0, f64::max).ceil() as i32).max(min_y_w);
    let desc_w = |s: &str| if s.trim().is_empty() { 0 } else { dm.height.ceil() as i32 + theme.px(8.0) };
    let y_area = 2 * tick_len + y_w + desc_w(y_desc) + theme.px(4.0);
    let x_area = 2 * tick_len + tm.height.ceil() as i32 + desc_w(x_desc) + theme.px(2.0);
    let last_x = x.major.iter().copied().rfind(|v| *v >= x.hi - (x.hi - x.lo) * 0.02);
    let right = pad.max(last_x.map_or(0, |v| (tm.width(&x.label(v)) / 2.0).ceil() as i32 + theme.px(2.0)));
    let factor = matches!(y.labels, Labels::Linear { factor: Some(_), .. });
    let top = (tm.height / 2.0).ceil() as i32 + theme.px(4.0) + if factor { tm.height.ceil() as i32 + theme.px(2.0) } else { 0 };
    if w - y_area - right - pad < theme.px(24.0) || h - x_area - top - pad < theme.px(24.0) {
        return Ok(None);
    }
    let mut chart = ChartBuilder::on(body)
        .margin_top(top)
        .margin_right(right)
        .margin_left(pad)
        .margin_bottom(pad)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(de)?;
    {
        let fx = |v: &f64| x.label(*v);
        let fy = |v: &f64| y.label(*v);
        let mut mesh = chart.configure_mesh();
        mesh.x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style(tick_style.clone())
            .axis_desc_style(desc_style.clone())
            .bold_line_style(theme.grid.stroke_width(1))
            .light_line_style(theme.grid.mix(0.45).stroke_width(1))
            .axis_style(theme.muted.stroke_width(1))
            .set_all_tick_mark_size(tick_len);
        if !x_desc.trim().is_empty() {
            mesh.x_desc(x_desc);
        }
        if !y_desc.trim().is_empty() {
            mesh.y_desc(y_desc);
        }
        if !x_grid {
            mesh.disable_x_mesh();
        }
        mesh.draw().map_err(de)?;
    }
    let pa = chart.plotting_area().strip_coord_spec();
    let base = pa.get_base_pixel();
    if let Labels::Linear { factor: Some(fe), .. } = y.labels {
        let b = body.get_base_pixel();
        let at = (base.0 - b.0, base.1 - b.1 - (tm.height / 2.0).ceil() as i32 - theme.px(2.0));
        text(body, &format!("×10{}", superscript(fe as i64)), at, &tick_style, HPos::Left, VPos::Bottom)?;
    }
    Ok(Some(Plot { chart, pa, base, x, y }))
}

/// Split a list of `Option` points into runs of consecutive `Some`.
pub(super) fn runs(points: impl IntoIterator<Item = Option<(f64, f64)>>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![];
    let mut cur: Vec<(f64, f64)> = vec![];
    for p in points {
        match p {
            Some(p) => cur.push(p),
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Draw runs as lines (a run of one point as a dot).
pub(super) fn draw_runs<DB: DrawingBackend, C: Color + Copy>(
    p: &Plot<DB>,
    runs: &[Vec<(f64, f64)>],
    color: C,
    width: f64,
    theme: &Theme,
) -> Result<(), ChartError> {
    for r in runs {
        if r.len() == 1 {
            marker(&p.pa, p.at(r[0].0, r[0].1), Shape::Circle, theme.px(3.0), color, theme.background)?;
        } else {
            let mut pts: Vec<Px> = r.iter().map(|&(x, y)| p.at(x, y)).collect();
            pts.dedup();
            if pts.len() == 1 {
                pts.push(pts[0]);
            }
            line(&p.pa, pts, color, theme.px(width))?;
        }
    }
    Ok(())
}

/// Horizontal band of hatching along the top (or bottom) edge from x0 to the right
/// end of the plot, with a label: where values overflowed (underflowed).
pub(super) fn edge_band<DB: DrawingBackend>(p: &Plot<DB>, x0: f64, x1: f64, top: bool, label: &str, theme: &Theme) -> Result<(), ChartError> {
    let band = theme.px(16.0);
    let (a, b) = (p.at(x0, p.y.hi), p.at(x1, p.y.lo));
    let (ya, yb) = if top { (a.1, a.1 + band) } else { (b.1 - band, b.1) };
    let xa = a.0.max(0);
    let xb = b.0.max(xa + theme.px(4.0));
    hatch(&p.pa, (xa, ya), (xb, yb), theme.overflow, theme)?;
    let style = theme.note_font(theme.overflow);
    let w = p.width();
    let m = measure(&p.pa, &style);
    let tw = m.width(label).ceil() as i32;
    // Label inside the band if it fits, else beside it (inside the plot).
    let (lx, hpos) = if xb - xa >= tw + theme.px(8.0) {
        ((xa + xb) / 2, HPos::Center)
    } else if xa - theme.px(4.0) >= tw {
        (xa - theme.px(4.0), HPos::Right)
    } else {
        ((xb + theme.px(4.0)).min(w), HPos::Left)
    };
    let cy = (ya + yb) / 2;
    if xb - xa >= tw + theme.px(8.0) {
        let bg = (lx - tw / 2 - theme.px(3.0), cy - (m.height / 2.0) as i32);
        rect(&p.pa, bg, (lx + tw / 2 + theme.px(3.0), cy + (m.height / 2.0) as i32), theme.background.mix(0.85).filled())?;
    }
    text(&p.pa, label, (lx, cy), &style, hpos, VPos::Center)
}
