//! One drawing backend for the page's canvases and its SVG downloads, so every chart
//! function of `src/charts/` is compiled once into the wasm module instead of once per
//! backend (plotters is generic over the backend; with `CanvasBackend` and `SVGBackend`
//! side by side each chart appeared twice: ~140 KB of the module before wasm-opt, twiggy).
//! Each call is a `match` and a delegation; the cost is nothing beside the drawing itself.

use std::cell::RefCell;
use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

thread_local! {
    /// Text sizes measured on the page, by font and text. A chart's labels repeat from one
    /// redraw to the next, and a measure costs ~20 µs (the context parses its font string),
    /// so each is measured once: a chart of ~50 labels redraws without measuring at all.
    static TEXT_SIZES: RefCell<BTreeMap<String, (u32, u32)>> = const { RefCell::new(BTreeMap::new()) };
    /// A detached canvas's 2-D context that measures text for both backends (the SVG's text
    /// is laid out for the same fonts as the canvas's); `None` where there is no document.
    static MEASURER: Option<CanvasRenderingContext2d> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
}
/// Entries kept before the cache starts over (a label is ~50 bytes: ~200 KB at most); the
/// page's charts use a few hundred distinct labels.
const TEXT_SIZES_MAX: usize = 4096;

/// A canvas (drawn on the page) or an SVG string (downloaded).
pub enum WebBackend<'a> {
    Canvas(CanvasBackend),
    Svg(SVGBackend<'a>),
}

impl WebBackend<'_> {
    /// The backend for `canvas`, or `None` when it has no 2-D context.
    pub fn canvas(canvas: HtmlCanvasElement) -> Option<Self> {
        CanvasBackend::with_canvas_object(canvas).map(WebBackend::Canvas)
    }
}

/// `text`'s size in pixels in `style`, as a canvas draws it: the advance width, and the
/// font's ascent plus descent; each measured once (`TEXT_SIZES`). plotters' own measure on
/// the web adds a <span> to the page and reads its box, which forces a layout of the whole
/// page per label, takes the page's line height for the text's, ignores bold (it writes it
/// as a font-style), and needs an inline style attribute the page's CSP forbids.
fn measure<T: BackendTextStyle>(text: &str, style: &T) -> Option<(u32, u32)> {
    let key = format!("{}\u{1f}{}\u{1f}{}\u{1f}{}", style.family().as_str(), style.style().as_str(), style.size(), text);
    if let Some(size) = TEXT_SIZES.with(|c| c.borrow().get(&key).copied()) {
        return Some(size);
    }
    let size = MEASURER.with(|m| {
        let context = m.as_ref()?;
        context.set_font(&format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str()));
        let m = context.measure_text(text).ok()?;
        let height = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
        Some((m.width().round().max(0.0) as u32, height.round().max(0.0) as u32))
    })?;
    TEXT_SIZES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= TEXT_SIZES_MAX {
            c.clear();
        }
        c.insert(key, size);
    });
    Some(size)
}

/// Either backend's error, as text (the page shows the message).
#[derive(Debug)]
pub struct WebDrawError(String);

impl std::fmt::Display for WebDrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WebDrawError {}

fn cast<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<WebDrawError> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(WebDrawError(e.to_string())),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// `$call` on whichever backend this is, with its error cast.
macro_rules! either {
    ($self:expr, $b:ident => $call:expr) => {
        match $self {
            WebBackend::Canvas($b) => $call.map_err(cast),
            WebBackend::Svg($b) => $call.map_err(cast),
        }
    };
}

impl DrawingBackend for WebBackend<'_> {
    type ErrorType = WebDrawError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            WebBackend::Canvas(b) => b.get_size(),
            WebBackend::Svg(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<WebDrawError>> {
        match measure(text, style) {
            Some(size) => Ok(size),
            // No document (Node's tests): the backend's own estimate.
            None => either!(self, b => b.estimate_text_size(text, style)),
        }
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<WebDrawError>> {
        either!(self, b => b.blit_bitmap(pos, size, src))
    }
}
