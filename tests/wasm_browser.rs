//! The drawing bindings in headless Chromium (wasm-bindgen-test with run_in_browser):
//! plotters draws through plotters-canvas onto a real canvas.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use gradlab::web::{draw, svg};
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
    let chain = |w: f64| format!(r#"{{"chain":{{"w":[{w},{w},{w},{w},{w}],"b":[0,0,0,0,0],"zeroZ":true,"a0":1}}}}"#);
    let report = draw(c.clone(), &chain(0.5), 1.0, "").unwrap_or_else(|_| panic!("draws"));
    assert!(report.is_some_and(|r| r.contains("\"dcDb1\"")), "the chain's report, camelCase");
    assert!(inked(&c) > 10_000);
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let a = ctx.get_image_data(0.0, 0.0, 600.0, 500.0).unwrap().data();
    draw(c.clone(), &chain(100.0), 1.0, "").unwrap_or_else(|_| panic!("draws"));
    let b = ctx.get_image_data(0.0, 0.0, 600.0, 500.0).unwrap().data();
    let changed = a.iter().zip(b.iter()).filter(|(x, y)| x != y).count();
    assert!(changed > 1000, "{changed} bytes changed");
}

#[wasm_bindgen_test]
fn bar_chart_draws_a_probe() {
    let c = canvas(600, 400);
    let probe = r#"{"bars":{"probe":{"count":1000,"layers":[{"layer":1,"delta":[0.01,-0.02],"norm":0.022,"firstSix":[0.01,-0.02]},{"layer":2,"delta":[0.1,-0.2,0.05],"norm":0.23,"firstSix":[0.1,-0.2,0.05]}]}}}"#;
    assert!(draw(c.clone(), probe, 1.0, "").unwrap_or_else(|_| panic!("draws")).is_none());
    assert!(inked(&c) > 5_000);
    assert_eq!(draw(c.clone(), "{}", 1.0, "").err().map(|e| e.code), Some("chart"));
    assert_eq!(draw(c, r#"{"bars":{}}"#, 1.0, "").err().map(|e| e.code), Some("chart"));
}

/// Every chart's SVG export draws through the same chart functions as the canvas: a
/// document with the chart's title, of the size asked (clamped to 1–8192). In the browser:
/// plotters on wasm measures the SVG's text with the page's canvas, which Node lacks.
#[wasm_bindgen_test]
fn svg_exports_draw_each_chart() {
    let probe = r#"{"bars":{"probe":{"count":1000,"layers":[{"layer":1,"norm":0.01,"firstSix":[0.001,-0.002,null,0.0,0.003,0.001]},{"layer":2,"norm":null,"firstSix":[0.02,0.01,-0.03,0.0,0.01,0.02]}]}}}"#;
    let ok = |s: Result<String, gradlab::web::WebError>| s.unwrap_or_else(|_| panic!("an SVG"));
    // A title's first words, on its first line.
    let cases = [
        (ok(svg(r#"{"chain":{"w":[1,1,1,1],"b":[0,0,0,0],"zeroZ":true,"a0":1}}"#, 900, 440, "")), "Terms w·σ′(z)"),
        (ok(svg(probe, 640, 480, "")), "Gradient ∂C/∂b"),
        (ok(svg(r#"{"norms":{"norms":[0.003,0.017,null],"book":[0.003,0.017,0.07]}}"#, 640, 480, "")), "Speed of learning"),
        (ok(svg(r#"{"speed":{"history":[[0.01,0.1],[null,0.2],[0.02,0.3]]}}"#, 640, 400, "")), "Speed of learning"),
        (ok(svg(r#"{"training":{"accuracy":[90.0,92.5],"cost":[0.5,null]}}"#, 640, 460, "")), "Classification accuracy"),
        (ok(svg(r#"{"depth":{"rows":[[1,92.5,0.3],[2,93.1,0.2]]}}"#, 640, 400, "")), "Accuracy by number"),
    ];
    for (svg, title) in cases {
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{}", &svg[..80]);
        // The start of the title (a long one wraps onto several <text> lines).
        assert!(svg.contains(title), "{title}");
    }
    // A translation (www/i18n/zh.js) reaches the chart; a broken one falls back to English.
    let zh = r#"{"gradient":{"title":"每个隐藏层的梯度","x":"隐藏层","y":"∂C/∂b"},"layer":"隐藏层 {}"}"#;
    let translated = ok(svg(probe, 640, 480, zh));
    assert!(translated.contains("每个隐藏层的梯度") && translated.contains("隐藏层 2") && !translated.contains("Gradient ∂C/∂b"));
    assert!(ok(svg(probe, 640, 480, "{not json")).contains("Gradient ∂C/∂b"));
    assert!(ok(svg(r#"{"speed":{"history":[]}}"#, 0, 100_000, "")).contains("width=\"1\" height=\"8192\""));
    assert!(svg("not json", 640, 480, "").is_err());
}

/// Text is measured with a canvas context as the canvas draws it, for canvases and SVGs alike: bold is wider than
/// normal, a longer label wider than its start, the height the font's (not the page's line
/// height), and no element is added to the page to measure.
#[wasm_bindgen_test]
fn text_is_measured_by_the_canvas() {
    use gradlab::web::backend::WebBackend;
    use plotters::prelude::*;
    let doc = web_sys::window().unwrap().document().unwrap();
    let body = doc.body().unwrap();
    body.set_attribute("style", "line-height: 3").unwrap();
    let b = WebBackend::canvas(canvas(200, 100)).expect("a 2-D context");
    let children = body.child_element_count();
    let normal = TextStyle::from(("sans-serif", 20.0).into_font());
    let bold = TextStyle::from(("sans-serif", 20.0).into_font().style(FontStyle::Bold));
    let (w, h) = b.estimate_text_size("Classification accuracy", &normal).unwrap();
    let (wb, hb) = b.estimate_text_size("Classification accuracy", &bold).unwrap();
    let (ws, _) = b.estimate_text_size("Classification", &normal).unwrap();
    assert!(wb > w, "bold {wb} wider than normal {w}");
    assert!(ws < w && ws > w / 2, "{ws} of {w}");
    assert!((15..=30).contains(&h) && (15..=30).contains(&hb), "heights {h}, {hb} for 20 px, whatever the page's line height");
    // The SVG download's text is laid out with the same sizes.
    let mut out = String::new();
    let svg = WebBackend::Svg(SVGBackend::with_string(&mut out, (100, 100)));
    assert_eq!(svg.estimate_text_size("Classification accuracy", &bold).unwrap(), (wb, hb));
    assert_eq!(body.child_element_count(), children, "nothing added to the page");
    body.remove_attribute("style").unwrap();
}
