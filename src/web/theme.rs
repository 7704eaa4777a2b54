//! What every chart of the page shares, in both wasm modules: the colour scheme the page
//! asked for, and the chart words in the page's language.

use crate::charts::{ChartText, Theme};
use wasm_bindgen::prelude::*;

/// Labels in the page's language: `labels` is a (partial) [`ChartText`] as JSON from
/// `www/i18n/*.js`; an empty string or a missing field means English. A translation that
/// does not parse is a bug of the page, not of the reader: draw in English rather than
/// leave a blank chart, and say so on the console.
pub(super) fn text(labels: &str) -> ChartText {
    if labels.trim().is_empty() {
        return ChartText::default();
    }
    serde_json::from_str(labels).unwrap_or_else(|e| {
        web_sys::console::warn_1(&format!("chart labels ignored: {e}").into());
        ChartText::default()
    })
}

thread_local! {
    /// The page's colour scheme for every chart drawn from now on ([`set_theme`]).
    static DARK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The page's colour scheme (light or dark, from the `theme` setting or the system's):
/// every chart drawn after it, on a canvas or as SVG, uses that theme.
#[wasm_bindgen]
pub fn set_theme(dark: bool) {
    DARK.with(|d| d.set(dark));
}

/// The theme the page asked for ([`set_theme`]), at scale 1: the SVG downloads.
pub(super) fn page_theme() -> Theme {
    if DARK.with(|d| d.get()) {
        Theme::dark()
    } else {
        Theme::light()
    }
}
