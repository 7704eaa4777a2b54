//! The look of the charts: the Okabe–Ito palette and [`Theme`] (colours, font, sizes, scale).

use plotters::prelude::*;
use plotters::style::FontStyle;

/// The Okabe–Ito palette (Okabe & Ito, 2008), safe for colour-blind readers, in the order
/// used for series: blue, vermillion, bluish green, reddish purple, orange, sky blue,
/// yellow, black.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];

/// Colours, font and sizes of the charts.
///
/// Font sizes are plotters font sizes, multiplied by `scale × font_scale`. Plotters'
/// SVG backend writes `font-size = size / 1.24` while its canvas backend uses `size` px;
/// [`Theme::for_canvas`] sets `font_scale` so a canvas looks like the SVG. Line widths,
/// marker sizes and paddings are in CSS pixels multiplied by `scale` (pass
/// `devicePixelRatio` for a high-DPI canvas).
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    /// Titles, axis descriptions, legend text, the zero line.
    pub text: RGBColor,
    /// Tick labels, axis lines, secondary notes.
    pub muted: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// One colour per hidden layer / series, cycled when there are more series.
    pub series: Vec<RGBColor>,
    /// Positive terms of the chain, "vanishing" in the sweep.
    pub positive: RGBColor,
    /// Negative terms of the chain, "exploding" in the sweep.
    pub negative: RGBColor,
    /// The book's values and reference lines.
    pub reference: RGBColor,
    /// Hatching of overflowed (∞/NaN) and underflowed (0) values.
    pub overflow: RGBColor,
    /// A CSS font family, e.g. "sans-serif".
    pub font_family: String,
    pub title_size: f64,
    pub label_size: f64,
    pub tick_size: f64,
    /// Multiplies every size (pixels and fonts): the device pixel ratio.
    pub scale: f64,
    /// Multiplies font sizes only (see [`Theme::for_canvas`]).
    pub font_scale: f64,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::light()
    }
}

impl Theme {
    /// Dark text on white.
    pub fn light() -> Self {
        Theme {
            background: RGBColor(0xFF, 0xFF, 0xFF),
            text: RGBColor(0x22, 0x22, 0x22),
            muted: RGBColor(0x5F, 0x5F, 0x5F),
            grid: RGBColor(0xE3, 0xE3, 0xE3),
            series: OKABE_ITO[..7].iter().copied().chain([RGBColor(0x55, 0x55, 0x55)]).collect(),
            positive: OKABE_ITO[0],
            negative: OKABE_ITO[1],
            reference: RGBColor(0x11, 0x11, 0x11),
            overflow: RGBColor(0x8B, 0x1A, 0x4A),
            font_family: "sans-serif".to_string(),
            title_size: 21.0,
            label_size: 16.5,
            tick_size: 15.0,
            scale: 1.0,
            font_scale: 1.0,
        }
    }

    /// Light text on a dark grey background.
    pub fn dark() -> Self {
        Theme {
            background: RGBColor(0x1E, 0x1F, 0x22),
            text: RGBColor(0xE8, 0xE8, 0xE8),
            muted: RGBColor(0xA8, 0xA8, 0xA8),
            grid: RGBColor(0x3A, 0x3B, 0x3F),
            // Okabe–Ito again, the colours brightest on the dark background first (sky blue,
            // orange, bluish green, …), then a light grey in place of black.
            series: [5, 4, 2, 3, 6, 1, 0].iter().map(|&i| OKABE_ITO[i]).chain([RGBColor(0xC8, 0xC8, 0xC8)]).collect(),
            positive: OKABE_ITO[5],
            negative: OKABE_ITO[4],
            reference: RGBColor(0xF5, 0xF5, 0xF5),
            overflow: RGBColor(0xF0, 0x8C, 0xB8),
            ..Theme::light()
        }
    }

    /// This theme at another scale (e.g. `devicePixelRatio`).
    pub fn with_scale(mut self, scale: f64) -> Self {
        self.scale = scale;
        self
    }

    /// The light theme for a plotters-canvas backend of `device_pixel_ratio` device
    /// pixels per CSS pixel: every size scaled, fonts corrected to match the SVG look.
    pub fn for_canvas(device_pixel_ratio: f64) -> Self {
        Theme::light().on_canvas(device_pixel_ratio)
    }

    /// This theme (light or dark) for a canvas, as [`Theme::for_canvas`].
    pub fn on_canvas(self, device_pixel_ratio: f64) -> Self {
        Theme { scale: device_pixel_ratio, font_scale: 1.0 / 1.24, ..self }
    }

    pub(super) fn k(&self) -> f64 {
        if self.scale.is_finite() && self.scale > 0.0 {
            self.scale.min(64.0)
        } else {
            1.0
        }
    }

    pub(super) fn px(&self, v: f64) -> i32 {
        (v * self.k()).round().max(1.0) as i32
    }

    fn fk(&self) -> f64 {
        if self.font_scale.is_finite() && self.font_scale > 0.0 {
            self.font_scale.min(16.0)
        } else {
            1.0
        }
    }

    pub(super) fn font(&self, size: f64, color: RGBColor, bold: bool) -> TextStyle<'_> {
        let family = if self.font_family.trim().is_empty() { "sans-serif" } else { self.font_family.as_str() };
        let size = if size.is_finite() && size > 0.0 { size } else { 14.0 };
        let style = if bold { FontStyle::Bold } else { FontStyle::Normal };
        // plotters' `FontFamily::from(&str)` lower-cases with Unicode's tables (4 KB of wasm
        // code and their data); the generic families are ASCII.
        let family = match family {
            f if f.eq_ignore_ascii_case("sans-serif") => FontFamily::SansSerif,
            f if f.eq_ignore_ascii_case("serif") => FontFamily::Serif,
            f if f.eq_ignore_ascii_case("monospace") => FontFamily::Monospace,
            f => FontFamily::Name(f),
        };
        FontDesc::new(family, size * self.k() * self.fk(), style).color(&color)
    }

    pub(super) fn title_font(&self) -> TextStyle<'_> {
        self.font(self.title_size, self.text, true)
    }
    pub(super) fn panel_title_font(&self) -> TextStyle<'_> {
        self.font(self.title_size * 0.86, self.text, true)
    }
    pub(super) fn desc_font(&self) -> TextStyle<'_> {
        self.font(self.label_size, self.text, false)
    }
    pub(super) fn tick_font(&self) -> TextStyle<'_> {
        self.font(self.tick_size, self.muted, false)
    }
    pub(super) fn legend_font(&self) -> TextStyle<'_> {
        self.font(self.tick_size * 1.04, self.text, false)
    }
    pub(super) fn note_font(&self, color: RGBColor) -> TextStyle<'_> {
        self.font(self.tick_size * 0.95, color, false)
    }

    pub(super) fn color(&self, i: usize) -> RGBColor {
        if self.series.is_empty() {
            self.text
        } else {
            self.series[i % self.series.len()]
        }
    }
}
