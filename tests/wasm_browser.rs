//! The drawing bindings in headless Chromium (wasm-bindgen-test with run_in_browser):
//! plotters draws through plotters-canvas onto a real canvas.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use gradlab::web::{draw_bars, draw_chain};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(w: u32, h: u32) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

/// Number of pixels that are not fully transparent.
fn inked(c: &HtmlCanvasElement) -> usize {
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let data = ctx.get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64).unwrap().data();
    data.chunks_exact(4).filter(|p| p[3] != 0).count()
}

#[wasm_bindgen_test]
fn chain_chart_draws_and_changes_with_w() {
    let c = canvas(600, 500);
    assert_eq!(inked(&c), 0);
    draw_chain(c.clone(), vec![0.5; 5], vec![0.0; 5], true, 1.0, 1.0, "").unwrap_or_else(|_| panic!("draws"));
    assert!(inked(&c) > 10_000);
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let a = ctx.get_image_data(0.0, 0.0, 600.0, 500.0).unwrap().data();
    draw_chain(c.clone(), vec![100.0; 5], vec![0.0; 5], true, 1.0, 1.0, "").unwrap_or_else(|_| panic!("draws"));
    let b = ctx.get_image_data(0.0, 0.0, 600.0, 500.0).unwrap().data();
    let changed = a.iter().zip(b.iter()).filter(|(x, y)| x != y).count();
    assert!(changed > 1000, "{changed} bytes changed");
}

#[wasm_bindgen_test]
fn bar_chart_draws_a_probe() {
    let c = canvas(600, 400);
    let probe = r#"{"count":1000,"layers":[{"layer":1,"delta":[0.01,-0.02],"norm":0.022,"first_six":[0.01,-0.02]},{"layer":2,"delta":[0.1,-0.2,0.05],"norm":0.23,"first_six":[0.1,-0.2,0.05]}]}"#;
    draw_bars(c.clone(), probe, 1.0, "").unwrap_or_else(|_| panic!("draws"));
    assert!(inked(&c) > 5_000);
    assert!(draw_bars(c, "{}", 1.0, "").is_err());
}
