//! Primitives in pixel coordinates: text, lines, rectangles, hatching, markers, legend swatches.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::text::measure;
use super::theme::Theme;
use super::{de, ChartError};

pub(super) type Px = (i32, i32);

pub(super) fn text<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &str, at: Px, style: &TextStyle, h: HPos, v: VPos) -> Result<(), ChartError> {
    if s.is_empty() {
        return Ok(());
    }
    area.draw(&Text::new(s.to_string(), at, style.pos(Pos::new(h, v)))).map_err(de)
}

pub(super) fn line<DB: DrawingBackend, C: Color>(area: &DrawingArea<DB, Shift>, pts: Vec<Px>, color: C, width: i32) -> Result<(), ChartError> {
    if pts.len() < 2 {
        return Ok(());
    }
    area.draw(&PathElement::new(pts, color.stroke_width(width.max(1) as u32))).map_err(de)
}

pub(super) fn dashed<DB: DrawingBackend, C: Color>(area: &DrawingArea<DB, Shift>, a: Px, b: Px, color: C, theme: &Theme) -> Result<(), ChartError> {
    let style = color.stroke_width(theme.px(1.3) as u32);
    area.draw(&DashedPathElement::new(vec![a, b], theme.px(6.0), theme.px(4.0), style)).map_err(de)
}

pub(super) fn rect<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, a: Px, b: Px, style: ShapeStyle) -> Result<(), ChartError> {
    area.draw(&Rectangle::new([a, b], style)).map_err(de)
}

/// A rectangle filled with diagonal hatching: the mark of a value that overflowed.
pub(super) fn hatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, a: Px, b: Px, color: RGBColor, theme: &Theme) -> Result<(), ChartError> {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    rect(area, (x0, y0), (x1, y1), color.mix(0.14).filled())?;
    let step = theme.px(5.0).max(3);
    if x1 - x0 >= 3 && y1 - y0 >= 3 {
        let style = color.mix(0.75).stroke_width(1);
        let mut c = x0 + y0 + step / 2;
        let mut n = 0;
        while c < x1 + y1 && n < 4000 {
            let xa = x0.max(c - y1);
            let xb = x1.min(c - y0);
            if xa < xb {
                area.draw(&PathElement::new(vec![(xa, c - xa), (xb, c - xb)], style)).map_err(de)?;
            }
            c += step;
            n += 1;
        }
    }
    rect(area, (x0, y0), (x1, y1), color.stroke_width(1))
}

/// The marker of each layer's curve, cycled: with the colour it tells the curves apart
/// for readers who cannot tell the colours apart (deuteranopes see the palette's blue and
/// bluish green, or vermillion and orange, as close), and in a grey print. The upward
/// triangle comes last: it also marks overflow at the top edge.
const LAYER_SHAPES: [Shape; 6] = [Shape::Circle, Shape::Diamond, Shape::Down, Shape::Right, Shape::Left, Shape::Up];

pub(super) fn layer_shape(l: usize) -> Shape {
    LAYER_SHAPES[l % LAYER_SHAPES.len()]
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Shape {
    Circle,
    Diamond,
    Up,
    Down,
    Left,
    Right,
}

pub(super) fn marker<DB: DrawingBackend, C: Color, H: Color>(
    area: &DrawingArea<DB, Shift>,
    c: Px,
    shape: Shape,
    r: i32,
    color: C,
    halo: H,
) -> Result<(), ChartError> {
    let r = r.max(2);
    let (x, y) = c;
    let poly: Vec<Px> = match shape {
        Shape::Circle => {
            area.draw(&Circle::new(c, r, color.filled())).map_err(de)?;
            return area.draw(&Circle::new(c, r, halo.stroke_width(1))).map_err(de);
        }
        Shape::Diamond => vec![(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)],
        Shape::Up => vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
        Shape::Down => vec![(x, y + r + 1), (x + r + 1, y - r), (x - r - 1, y - r)],
        Shape::Left => vec![(x - r - 1, y), (x + r, y - r - 1), (x + r, y + r + 1)],
        Shape::Right => vec![(x + r + 1, y), (x - r, y - r - 1), (x - r, y + r + 1)],
    };
    area.draw(&Polygon::new(poly.clone(), color.filled())).map_err(de)?;
    let mut closed = poly.clone();
    closed.push(poly[0]);
    area.draw(&PathElement::new(closed, halo.stroke_width(1))).map_err(de)
}

#[derive(Clone, Debug)]
pub(super) enum Swatch {
    Bar(RGBColor),
    /// A line with its series' marker on it.
    LineMarker(RGBColor, Shape),
    /// The same, dashed (B of a comparison).
    DashedMarker(RGBColor, Shape),
    Marker(RGBColor, Shape),
    Hatch(RGBColor),
    ErrorBar(RGBColor),
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) label: String,
    pub(super) swatch: Swatch,
}

pub(super) fn item(label: impl Into<String>, swatch: Swatch) -> Item {
    Item { label: label.into(), swatch }
}

pub(super) fn draw_swatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Swatch, x: i32, cy: i32, size: i32, theme: &Theme) -> Result<(), ChartError> {
    let h = size / 2;
    match s {
        Swatch::Bar(c) => rect(area, (x, cy - h), (x + size, cy + h), c.filled()),
        Swatch::LineMarker(c, shape) => {
            line(area, vec![(x, cy), (x + size, cy)], *c, theme.px(2.5))?;
            marker(area, (x + h, cy), *shape, theme.px(4.0), *c, theme.background)
        }
        Swatch::DashedMarker(c, shape) => {
            let style = c.stroke_width(theme.px(2.5) as u32);
            area.draw(&DashedPathElement::new(vec![(x - h / 2, cy), (x + size + h / 2, cy)], theme.px(5.0), theme.px(3.0), style)).map_err(de)?;
            marker(area, (x + h, cy), *shape, theme.px(4.0), *c, theme.background)
        }
        Swatch::Marker(c, shape) => marker(area, (x + h, cy), *shape, theme.px(4.5), *c, theme.background),
        Swatch::Hatch(c) => hatch(area, (x, cy - h), (x + size, cy + h), *c, theme),
        Swatch::ErrorBar(c) => {
            let w = theme.px(2.0);
            line(area, vec![(x + h, cy - h), (x + h, cy + h)], *c, w)?;
            line(area, vec![(x + h - h / 2, cy - h), (x + h + h / 2, cy - h)], *c, w)?;
            line(area, vec![(x + h - h / 2, cy + h), (x + h + h / 2, cy + h)], *c, w)?;
            marker(area, (x + h, cy), Shape::Circle, theme.px(3.5), *c, theme.background)
        }
    }
}

/// Text on a translucent patch of background, readable over bars and lines.
pub(super) fn boxed_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    at: Px,
    style: &TextStyle,
    h: HPos,
    v: VPos,
    theme: &Theme,
) -> Result<(), ChartError> {
    let m = measure(area, style);
    let (w, ht) = (m.width(s).ceil() as i32, m.height.ceil() as i32);
    let x0 = match h {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y0 = match v {
        VPos::Top => at.1,
        VPos::Center => at.1 - ht / 2,
        VPos::Bottom => at.1 - ht,
    };
    let p = theme.px(2.0);
    rect(area, (x0 - p, y0 - p / 2), (x0 + w + p, y0 + ht + p / 2), theme.background.mix(0.85).filled())?;
    text(area, s, at, style, h, v)
}
