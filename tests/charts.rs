//! The charts, rendered natively into SVG strings: every chart draws normal and hostile
//! data (empty, NaN, ±∞, zeros, one point, 1,000 layers or points) without panicking,
//! and what it draws is checked where a mistake would show.
//!
//! Set `GRADLAB_CHART_DIR=/some/dir` to also write the gallery of SVGs there.

use gradlab::chain::{Chain, ChainBias, ChainReport};
use gradlab::charts::{self, ChartText, Theme, OKABE_ITO};
use gradlab::experiments::{chain_sweep, BOOK_DEPTH_ACCURACY, BOOK_INIT_NORMS};
use gradlab::probe::{LayerProbe, Probe};
use gradlab::Activation;
use plotters::prelude::*;

const W: u32 = 900;
const H: u32 = 560;

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// A probe whose hidden layer l has `delta = layers[l - 1]`.
fn probe_of(layers: &[Vec<f64>]) -> Probe {
    let layers = layers
        .iter()
        .enumerate()
        .map(|(i, d)| LayerProbe {
            layer: i + 1,
            delta: d.clone(),
            norm: d.iter().map(|v| v * v).sum::<f64>().sqrt(),
            first_six: d.iter().take(6).copied().collect(),
        })
        .collect();
    Probe { count: 1000, layers }
}

/// A chain report with the given terms and running product, everything else plain.
fn report_with(terms: Vec<f64>, product: Vec<f64>) -> ChainReport {
    let mut r = Chain::uniform(terms.len().max(1), 1.0, 0.0, ChainBias::ZeroZ).report().unwrap();
    let n = terms.len();
    r.z = vec![0.0; n];
    r.sigma_prime = vec![0.25; n];
    r.terms = terms;
    r.running_product = product;
    r
}

/// Every `<tag …/>` element of the document, as its attribute list.
fn elements<'a>(svg: &'a str, tag: &str) -> Vec<Vec<(&'a str, &'a str)>> {
    let open = format!("<{tag} ");
    svg.match_indices(&open)
        .map(|(i, _)| {
            let rest = &svg[i + open.len()..];
            let end = rest.find('>').unwrap();
            let mut attrs = vec![];
            let mut s = &rest[..end];
            while let Some(eq) = s.find("=\"") {
                let key = s[..eq].trim();
                let after = &s[eq + 2..];
                let close = after.find('"').unwrap();
                attrs.push((key, &after[..close]));
                s = &after[close + 1..];
            }
            attrs
        })
        .collect()
}

fn attr<'a>(e: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    e.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

fn num(e: &[(&str, &str)], key: &str) -> f64 {
    attr(e, key).unwrap().parse().unwrap()
}

/// Filled rectangles of one colour at full opacity: (x, y, width, height).
fn bars(svg: &str, color: RGBColor) -> Vec<(f64, f64, f64, f64)> {
    let fill = hex(color);
    elements(svg, "rect")
        .into_iter()
        .filter(|e| attr(e, "fill") == Some(fill.as_str()) && attr(e, "opacity") == Some("1"))
        .map(|e| (num(&e, "x"), num(&e, "y"), num(&e, "width"), num(&e, "height")))
        .collect()
}

/// The text content of every `<text>` element.
fn texts(svg: &str) -> Vec<String> {
    svg.match_indices("<text ")
        .map(|(i, _)| {
            let rest = &svg[i..];
            let start = rest.find('>').unwrap() + 1;
            let end = rest.find("</text>").unwrap();
            rest[start..end].trim().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        })
        .collect()
}

fn has_text(svg: &str, s: &str) -> bool {
    texts(svg).iter().any(|t| t == s)
}

/// A chart drew something: a real document with a chart (many elements) or, for empty
/// data, the "no data" note.
fn non_trivial(svg: &str) {
    assert!(svg.starts_with("<svg"), "not an SVG document");
    assert!(svg.trim_end().ends_with("</svg>"));
    let no_data = has_text(svg, "no data");
    assert!(no_data || svg.matches('<').count() > 15, "suspiciously few elements:\n{svg}");
    assert!(svg.matches("<text").count() >= 2, "no title or labels:\n{svg}");
    assert!(!svg.contains("NaN\""), "a NaN coordinate leaked into the SVG");
    assert!(!svg.contains("inf\""), "an infinite coordinate leaked into the SVG");
}

fn save(name: &str, svg: &str) {
    if let Ok(dir) = std::env::var("GRADLAB_CHART_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/{name}.svg"), svg).unwrap();
    }
}

fn t() -> ChartText {
    ChartText::default()
}
fn th() -> Theme {
    Theme::default()
}

// ---------------------------------------------------------------------------------------
// gradient_bars
// ---------------------------------------------------------------------------------------

fn book_like_probe(hidden: usize) -> Probe {
    let layers: Vec<Vec<f64>> = (0..hidden)
        .map(|l| {
            let scale = 0.002 * 4f64.powi((l % 6) as i32);
            (0..30).map(|j| scale * ((j as f64 * 1.7 + l as f64).sin() + 0.2)).collect()
        })
        .collect();
    probe_of(&layers)
}

#[test]
fn gradient_bars_draws_six_bars_per_layer_in_the_layer_colour_with_a_legend() {
    let probe = book_like_probe(3);
    let svg = charts::svg(W, H, |a| charts::gradient_bars(a, &probe, &t(), &th())).unwrap();
    save("gradient_bars", &svg);
    non_trivial(&svg);
    for (l, color) in OKABE_ITO.iter().take(3).enumerate() {
        // Six bars and one legend swatch per layer.
        assert_eq!(bars(&svg, *color).len(), 6 + 1, "layer {}", l + 1);
        assert!(has_text(&svg, &format!("hidden layer {}", l + 1)));
    }
    assert!(has_text(&svg, &t().gradient.title));
    assert!(has_text(&svg, "∂C/∂b"));
    assert!(!has_text(&svg, "overflow"), "no overflow legend for finite data");
}

#[test]
fn gradient_bars_positive_values_rise_above_the_zero_line_and_negative_fall_below() {
    let probe = probe_of(&[vec![0.5, -0.25, 1.0, -1.0, 0.1, -0.1]]);
    let svg = charts::svg(W, H, |a| charts::gradient_bars(a, &probe, &t(), &th())).unwrap();
    let mut b = bars(&svg, OKABE_ITO[0]);
    // Drop the legend swatch: it is the one above the plot (smallest y) with the swatch's size.
    b.sort_by(|p, q| p.0.total_cmp(&q.0));
    let legend = b.iter().position(|r| r.2 == r.3 && r.2 <= 16.0).unwrap();
    b.remove(legend);
    assert_eq!(b.len(), 6);
    let zero_from_positive = b[0].1 + b[0].3; // bottom of the positive bar
    for (i, v) in [0.5, -0.25, 1.0, -1.0, 0.1, -0.1].iter().enumerate() {
        let (_, y, _, h) = b[i];
        if *v > 0.0 {
            assert!((y + h - zero_from_positive).abs() <= 1.0, "bar {i} does not stand on the zero line");
        } else {
            assert!((y - zero_from_positive).abs() <= 1.0, "bar {i} does not hang from the zero line");
        }
    }
    // Heights in proportion to |value|; the y axis is symmetric so ±1 bars are equal.
    assert!((b[2].3 - b[3].3).abs() <= 1.0);
    assert!((b[2].3 / b[0].3 - 2.0).abs() < 0.05);
    assert!(b[1].3 < b[0].3);
}

#[test]
fn gradient_bars_marks_non_finite_values_as_overflow() {
    let probe = probe_of(&[vec![f64::INFINITY, 1e-3, f64::NAN, -2e-3, f64::NEG_INFINITY, 0.0], vec![1e-4; 6]]);
    let svg = charts::svg(W, H, |a| charts::gradient_bars(a, &probe, &t(), &th())).unwrap();
    save("gradient_bars_overflow", &svg);
    non_trivial(&svg);
    assert!(has_text(&svg, "overflow"));
    assert!(has_text(&svg, "∞"));
    assert!(has_text(&svg, "−∞"));
    assert!(has_text(&svg, "NaN"));
}

#[test]
fn gradient_bars_survives_hostile_probes() {
    let cases = vec![
        ("empty", probe_of(&[])),
        ("empty layers", probe_of(&[vec![], vec![]])),
        ("zeros", probe_of(&[vec![0.0; 6], vec![0.0; 6]])),
        ("one value", probe_of(&[vec![3.0]])),
        ("ragged", probe_of(&[vec![1.0, 2.0], vec![-1.0; 6], vec![]])),
        ("huge", probe_of(&[vec![f64::MAX, -f64::MAX, 1e-300, 5e-324, 0.0, 1.0]])),
        ("all nan", probe_of(&[vec![f64::NAN; 6]])),
        ("1000 layers", book_like_probe(1000)),
    ];
    for (name, p) in cases {
        let svg = charts::svg(W, H, |a| charts::gradient_bars(a, &p, &t(), &th())).unwrap_or_else(|e| panic!("{name}: {e}"));
        non_trivial(&svg);
        save(&format!("gradient_bars_{}", name.replace(' ', "_")), &svg);
        if name.starts_with("empty") {
            assert!(has_text(&svg, "no data"), "{name}");
        }
    }
    // 1,000 layers: exactly 6,000 bars, the palette cycles, no legend.
    let svg = charts::svg(W, H, |a| charts::gradient_bars(a, &book_like_probe(1000), &t(), &th())).unwrap();
    let n: usize = Theme::default().series.iter().map(|c| bars(&svg, *c).len()).sum();
    assert_eq!(n, 6000);
    assert!(!has_text(&svg, "hidden layer 1"));
}

// ---------------------------------------------------------------------------------------
// norm_bars
// ---------------------------------------------------------------------------------------

#[test]
fn norm_bars_on_a_log_axis_with_the_books_markers() {
    let norms = [0.0031, 0.018, 0.065, 0.29];
    let svg = charts::svg(W, H, |a| charts::norm_bars(a, &norms, Some(BOOK_INIT_NORMS[2]), &t(), &th())).unwrap();
    save("norm_bars", &svg);
    non_trivial(&svg);
    for (i, v) in norms.iter().enumerate() {
        assert_eq!(bars(&svg, OKABE_ITO[i]).len(), 1);
        assert!(has_text(&svg, &charts::format_value(*v, 2)), "value label of layer {}", i + 1);
    }
    // Log scale: the bars' tops are equally spaced for a geometric sequence.
    let tops: Vec<f64> = (0..4).map(|i| bars(&svg, OKABE_ITO[i])[0].1).collect();
    assert!(tops.windows(2).all(|w| w[1] < w[0]), "larger norms must reach higher");
    // Ticks at powers of ten.
    for tick in ["0.001", "0.01", "0.1", "1"] {
        assert!(has_text(&svg, tick), "{tick}: {:?}", texts(&svg));
    }
    assert!(has_text(&svg, "book"));
    // The book's diamonds: 4 polygons of the reference colour, plus the legend's.
    let refc = hex(Theme::default().reference);
    let diamonds = elements(&svg, "polygon").iter().filter(|e| attr(e, "fill") == Some(refc.as_str())).count();
    assert_eq!(diamonds, 4 + 1);
}

#[test]
fn norm_bars_skip_non_positive_values_and_hatch_overflow() {
    let norms = [0.0, -1.0, f64::INFINITY, f64::NAN, 1e-200, 1e200];
    let svg = charts::svg(W, H, |a| charts::norm_bars(a, &norms, None, &t(), &th())).unwrap();
    save("norm_bars_hostile", &svg);
    non_trivial(&svg);
    assert_eq!(bars(&svg, OKABE_ITO[0]).len(), 0, "a zero norm has no bar on a log axis");
    assert_eq!(bars(&svg, OKABE_ITO[1]).len(), 0, "a negative norm has no bar on a log axis");
    assert_eq!(bars(&svg, OKABE_ITO[4]).len(), 1);
    assert_eq!(bars(&svg, OKABE_ITO[5]).len(), 1);
    assert!(has_text(&svg, "overflow") && has_text(&svg, "∞") && has_text(&svg, "NaN"));
    assert!(has_text(&svg, "10²⁰⁰") || has_text(&svg, "10¹⁰⁰"), "{:?}", texts(&svg));
    for (name, n, b) in [
        ("empty", vec![], None),
        ("empty with book", vec![], Some(&[0.1, 0.2][..])),
        ("zeros", vec![0.0; 4], None),
        ("one", vec![0.5], None),
        ("1000", (0..1000).map(|i| 1e-3 * 1.01f64.powi(i)).collect(), Some(&[0.1][..])),
    ] {
        let svg = charts::svg(W, H, |a| charts::norm_bars(a, &n, b, &t(), &th())).unwrap_or_else(|e| panic!("{name}: {e}"));
        non_trivial(&svg);
    }
}

// ---------------------------------------------------------------------------------------
// speed_chart
// ---------------------------------------------------------------------------------------

fn speed_history(epochs: usize, layers: usize) -> Vec<Vec<f64>> {
    (0..epochs).map(|e| (0..layers).map(|l| 0.003 * 4f64.powi(l as i32) * (1.0 + 2.0 * (-(e as f64) / 80.0).exp())).collect()).collect()
}

#[test]
fn speed_chart_one_line_per_layer_with_a_legend() {
    let h = speed_history(500, 4);
    let svg = charts::svg(W, H, |a| charts::speed_chart(a, &h, &t(), &th())).unwrap();
    save("speed", &svg);
    non_trivial(&svg);
    for (l, color) in OKABE_ITO.iter().take(4).enumerate() {
        let c = hex(*color);
        let lines = elements(&svg, "polyline").iter().filter(|e| attr(e, "stroke") == Some(c.as_str())).count();
        assert_eq!(lines, 1 + 1, "one curve and one legend line for layer {}", l + 1);
        assert!(has_text(&svg, &format!("hidden layer {}", l + 1)));
    }
    assert!(has_text(&svg, "epoch"));
    assert!(has_text(&svg, "400"));
}

#[test]
fn speed_chart_breaks_lines_at_non_finite_and_non_positive_points() {
    let mut h = speed_history(20, 1);
    h[5][0] = f64::NAN;
    h[10][0] = 0.0;
    h[15][0] = f64::INFINITY;
    let svg = charts::svg(W, H, |a| charts::speed_chart(a, &h, &t(), &th())).unwrap();
    save("speed_hostile", &svg);
    let c = hex(OKABE_ITO[0]);
    let lines = elements(&svg, "polyline").iter().filter(|e| attr(e, "stroke") == Some(c.as_str())).count();
    assert_eq!(lines, 4 + 1, "four runs between three bad points, plus the legend");
    assert!(has_text(&svg, "overflow"));
    for (name, h) in [
        ("empty", vec![]),
        ("empty rows", vec![vec![], vec![]]),
        ("one point", vec![vec![0.1]]),
        ("zeros", vec![vec![0.0, 0.0]; 10]),
        ("all nan", vec![vec![f64::NAN; 3]; 10]),
        ("ragged", vec![vec![0.1], vec![0.1, 0.2, 0.3], vec![]]),
        ("1000 layers", speed_history(3, 1000)),
        ("1000 epochs", speed_history(1000, 2)),
    ] {
        let svg = charts::svg(W, H, |a| charts::speed_chart(a, &h, &t(), &th())).unwrap_or_else(|e| panic!("{name}: {e}"));
        non_trivial(&svg);
        save(&format!("speed_{}", name.replace(' ', "_")), &svg);
    }
}

// ---------------------------------------------------------------------------------------
// training_chart
// ---------------------------------------------------------------------------------------

#[test]
fn training_chart_two_panels() {
    let acc: Vec<f64> = (0..30).map(|e| 97.0 - 8.0 * (-(e as f64) / 4.0).exp()).collect();
    let cost: Vec<f64> = (0..30).map(|e| 0.3 + 1.5 * (-(e as f64) / 5.0).exp()).collect();
    let svg = charts::svg(W, H, |a| charts::training_chart(a, &acc, &cost, &t(), &th())).unwrap();
    save("training", &svg);
    non_trivial(&svg);
    for s in ["Classification accuracy", "Cost", "accuracy (%)", "cost"] {
        assert!(has_text(&svg, s), "{s}");
    }
    assert_eq!(texts(&svg).iter().filter(|s| *s == "epoch").count(), 1, "one shared epoch axis description");
    for (name, a, c) in [
        ("empty", vec![], vec![]),
        ("one", vec![50.0], vec![1.0]),
        ("flat", vec![100.0; 5], vec![0.0; 5]),
        ("nan", vec![f64::NAN, 10.0, f64::INFINITY], vec![f64::INFINITY, f64::NAN, 1e308]),
        ("unequal", vec![10.0, 20.0], vec![]),
        ("1000", (0..1000).map(|e| e as f64 / 10.0).collect(), (0..1000).map(|e| 1.0 / (1.0 + e as f64)).collect()),
    ] {
        let svg = charts::svg(W, H, |ar| charts::training_chart(ar, &a, &c, &t(), &th())).unwrap_or_else(|e| panic!("{name}: {e}"));
        non_trivial(&svg);
        save(&format!("training_{name}"), &svg);
    }
}

// ---------------------------------------------------------------------------------------
// chain_chart and chain_sweep_chart
// ---------------------------------------------------------------------------------------

#[test]
fn chain_chart_exploding_chain_overflows_visibly() {
    let r = Chain::book_exploding(300).report().unwrap();
    assert!(r.running_product.iter().any(|v| v.is_infinite()));
    let svg = charts::svg(W, 900, |a| charts::chain_chart(a, &r, Activation::Sigmoid, &t(), &th())).unwrap();
    save("chain_exploding", &svg);
    non_trivial(&svg);
    assert!(has_text(&svg, "overflow → ∞"));
    assert!(has_text(&svg, &t().peak));
    assert!(has_text(&svg, &t().boundary));
    // 300 positive terms of 25, every one drawn above the boundary.
    assert_eq!(bars(&svg, Theme::default().positive).len(), 300 + 1);
}

#[test]
fn chain_chart_draws_f_prime_and_its_peak_for_every_activation() {
    for f in Activation::ALL {
        let mut chain = Chain::uniform(5, 1.0, 0.0, ChainBias::Given);
        chain.activation = f;
        let r = chain.report().unwrap();
        let svg = charts::svg(1500, 480, |a| charts::chain_chart(a, &r, f, &t(), &th())).unwrap();
        non_trivial(&svg);
        // The y axis reaches the peak: 1/4 for σ′, 1 for tanh′ and the ReLUs′.
        let top = if f == Activation::Sigmoid { "0.25" } else { "1" };
        assert!(has_text(&svg, top), "{f:?}: a tick at {top}");
        assert_eq!(has_text(&svg, "0.75"), f != Activation::Sigmoid, "{f:?}");
        // The output neuron stays σ: named beside another f′ only.
        assert_eq!(has_text(&svg, &t().output_sigma), f != Activation::Sigmoid, "{f:?}");
    }
}

#[test]
fn chain_chart_vanishing_chain_has_no_overflow_label_and_bars_fall_below_one() {
    let r = Chain::uniform(5, 1.0, 0.0, ChainBias::ZeroZ).report().unwrap();
    let svg = charts::svg(1500, 480, |a| charts::chain_chart(a, &r, Activation::Sigmoid, &t(), &th())).unwrap();
    save("chain_vanishing", &svg);
    non_trivial(&svg);
    assert!(!svg.contains("overflow"));
    // Every term is 1/4 < 1: the bars hang from the boundary line, all tops equal.
    let b = bars(&svg, Theme::default().positive);
    assert_eq!(b.len(), 5 + 1);
    let plot_bars: Vec<_> = b.iter().filter(|r| r.2 != r.3).collect();
    assert_eq!(plot_bars.len(), 5);
    assert!(plot_bars.windows(2).all(|w| w[0].1 == w[1].1 && w[0].3 == w[1].3));
}

#[test]
fn chain_chart_signs_are_coloured_and_extremes_pinned() {
    let mut chain = Chain::book_random(8, 7);
    chain.w[2] = -3.0;
    chain.w[4] = 200.0;
    let r = chain.report().unwrap();
    let svg = charts::svg(W, 900, |a| charts::chain_chart(a, &r, Activation::Sigmoid, &t(), &th())).unwrap();
    save("chain_random", &svg);
    let neg = r.terms.iter().filter(|v| **v < 0.0).count();
    let pos = r.terms.iter().filter(|v| **v > 0.0).count();
    assert!(neg > 0 && pos > 0);
    assert_eq!(bars(&svg, Theme::default().negative).len(), neg + 1);
    assert_eq!(bars(&svg, Theme::default().positive).len(), pos + 1);
    if r.z.iter().any(|z| z.abs() > charts::SIGMA_Z_RANGE) {
        assert!(has_text(&svg, &t().off_scale));
    }
}

#[test]
fn chain_chart_survives_hostile_reports() {
    let one = Chain::uniform(1, 2.0, 0.5, ChainBias::Given).report().unwrap();
    let thousand = Chain::book_exploding(1000).report().unwrap();
    let mut weird = report_with(vec![0.0, f64::NAN, f64::INFINITY, -1e-300, 5.0], vec![0.25, 0.0, f64::NAN, f64::INFINITY, 0.0]);
    weird.z = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, 0.0];
    weird.sigma_prime = vec![f64::NAN, 0.0, 0.0, 0.0, 0.25];
    let empty = report_with(vec![], vec![]);
    for (name, r) in [("one", one), ("1000", thousand), ("weird", weird), ("empty", empty)] {
        for (w, h) in [(W, 900), (1500, 480), (120, 90)] {
            let svg = charts::svg(w, h, |a| charts::chain_chart(a, &r, Activation::Sigmoid, &t(), &th())).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(svg.starts_with("<svg"));
            if w > 200 {
                non_trivial(&svg);
                save(&format!("chain_{name}_{w}"), &svg);
            }
        }
    }
    let underflow = report_with(vec![0.25, 0.0, 0.25], vec![0.25, 0.0, 0.0]);
    let svg = charts::svg(W, 900, |a| charts::chain_chart(a, &underflow, Activation::Sigmoid, &t(), &th())).unwrap();
    assert!(has_text(&svg, "underflow (0)"));
}

#[test]
fn chain_sweep_is_log_log_and_marks_overflow() {
    let weights: Vec<f64> = (0..41).map(|i| 10f64.powf(-1.0 + 4.0 * i as f64 / 40.0)).collect();
    let sweep = chain_sweep(200, &weights, ChainBias::ZeroZ).unwrap();
    let svg = charts::svg(W, H, |a| charts::chain_sweep_chart(a, &sweep, &t(), &th())).unwrap();
    save("chain_sweep", &svg);
    non_trivial(&svg);
    // x: 0.1 … 1000 written plainly; y: powers of ten far beyond.
    for s in ["vanishing", "exploding", "overflow", "overflow → ∞", "|w σ′| = 1", "0.1", "1000", "10⁻¹⁰⁰", "10¹⁰⁰"] {
        assert!(has_text(&svg, s), "{s}: {:?}", texts(&svg));
    }
    // Non-positive weights and the empty sweep.
    let mut bad = chain_sweep(3, &[-1.0, 0.0, 1.0], ChainBias::ZeroZ).unwrap();
    bad.push((f64::NAN, Chain::uniform(2, 1.0, 0.0, ChainBias::ZeroZ).report().unwrap()));
    for (name, s) in [("bad", bad), ("empty", vec![]), ("single", chain_sweep(1, &[4.0], ChainBias::ZeroZ).unwrap())] {
        let svg = charts::svg(W, H, |a| charts::chain_sweep_chart(a, &s, &t(), &th())).unwrap_or_else(|e| panic!("{name}: {e}"));
        non_trivial(&svg);
    }
    let big: Vec<f64> = (0..1000).map(|i| 0.01 * 1.02f64.powi(i)).collect();
    let sweep = chain_sweep(30, &big, ChainBias::Given).unwrap();
    non_trivial(&charts::svg(W, H, |a| charts::chain_sweep_chart(a, &sweep, &t(), &th())).unwrap());
}

// ---------------------------------------------------------------------------------------
// depth_chart
// ---------------------------------------------------------------------------------------

#[test]
fn depth_chart_error_bars_and_book_markers() {
    let rows = [(1, 96.4, 0.15), (2, 96.8, 0.2), (3, 96.5, 0.3), (4, 96.1, 0.5)];
    let svg = charts::svg(W, H, |a| charts::depth_chart(a, &rows, &BOOK_DEPTH_ACCURACY, &t(), &th())).unwrap();
    save("depth", &svg);
    non_trivial(&svg);
    assert!(has_text(&svg, "book") && has_text(&svg, "this lab: mean ± std"));
    assert!(has_text(&svg, "96.8"), "{:?}", texts(&svg));
    let refc = hex(Theme::default().reference);
    let diamonds = elements(&svg, "polygon").iter().filter(|e| attr(e, "fill") == Some(refc.as_str())).count();
    assert_eq!(diamonds, 4 + 1);
    // Each error bar: a vertical line whose length grows with the std.
    let c = hex(OKABE_ITO[0]);
    let verticals: Vec<f64> = elements(&svg, "polyline")
        .iter()
        .filter(|e| attr(e, "stroke") == Some(c.as_str()))
        .filter_map(|e| {
            let pts: Vec<(f64, f64)> = attr(e, "points")
                .unwrap()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            (pts.len() == 2 && pts[0].0 == pts[1].0).then(|| (pts[1].1 - pts[0].1).abs())
        })
        .collect();
    let plot: Vec<f64> = verticals.iter().copied().filter(|l| *l > 14.0).collect();
    assert_eq!(plot.len(), 4, "{verticals:?}");
    assert!(plot.windows(2).all(|w| w[0] < w[1]));
    for (name, r, b) in [
        ("empty", vec![], vec![]),
        ("book only", vec![], BOOK_DEPTH_ACCURACY.to_vec()),
        ("one", vec![(1, 50.0, 0.0)], vec![]),
        ("nan", vec![(1, f64::NAN, f64::NAN), (2, f64::INFINITY, 1.0), (3, 90.0, f64::INFINITY)], vec![f64::NAN]),
        ("1000", (1..=1000).map(|h| (h, 90.0 + (h as f64).sin(), 0.5)).collect(), vec![]),
    ] {
        let svg = charts::svg(W, H, |a| charts::depth_chart(a, &r, &b, &t(), &th())).unwrap_or_else(|e| panic!("{name}: {e}"));
        non_trivial(&svg);
        save(&format!("depth_{}", name.replace(' ', "_")), &svg);
    }
}

// ---------------------------------------------------------------------------------------
// Themes, words, sizes
// ---------------------------------------------------------------------------------------

#[test]
fn words_come_from_chart_text_and_theme_scales() {
    let mut zh = ChartText::default();
    zh.gradient.title = "各隐藏层前六个神经元的梯度".into();
    zh.layer = "第 {} 隐藏层".into();
    let probe = book_like_probe(2);
    let svg = charts::svg(W, H, |a| charts::gradient_bars(a, &probe, &zh, &Theme::dark())).unwrap();
    save("gradient_bars_zh_dark", &svg);
    assert!(has_text(&svg, "各隐藏层前六个神经元的梯度"));
    assert!(has_text(&svg, "第 2 隐藏层"));
    assert!(!svg.contains("hidden layer 1"));
    // Scale 2 draws text twice as large.
    let size = |svg: &str| -> f64 { elements(svg, "text").iter().filter_map(|e| attr(e, "font-size")).map(|s| s.parse::<f64>().unwrap()).fold(0.0, f64::max) };
    let big = charts::svg(2 * W, 2 * H, |a| charts::gradient_bars(a, &probe, &t(), &Theme::default().with_scale(2.0))).unwrap();
    save("gradient_bars_scale2", &big);
    let small = charts::svg(W, H, |a| charts::gradient_bars(a, &probe, &t(), &th())).unwrap();
    assert!((size(&big) / size(&small) - 2.0).abs() < 0.01);
}

/// WCAG 2's contrast ratio of two sRGB colours (1 to 21).
fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let lum = |c: RGBColor| {
        let ch = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn both_themes_are_colour_blind_safe_and_readable() {
    // The page's dark theme draws the charts with Theme::dark (src/web.rs `set_theme`).
    for (name, theme) in [("light", Theme::light()), ("dark", Theme::dark())] {
        let bg = theme.background;
        // Text: WCAG AA for text (4.5:1); lines, bars and markers: 3:1 (WCAG 1.4.11).
        assert!(contrast(theme.text, bg) >= 4.5, "{name}: text");
        assert!(contrast(theme.muted, bg) >= 4.5, "{name}: tick labels");
        assert!(contrast(theme.overflow, bg) >= 4.5, "{name}: the overflow note is text too");
        for (what, c) in [("positive", theme.positive), ("negative", theme.negative), ("reference", theme.reference)] {
            assert!(contrast(c, bg) >= 3.0, "{name}: {what} {} is {:.2}:1", hex(c), contrast(c, bg));
        }
        // The series a page can show (up to 6 hidden layers): Okabe–Ito colours, distinct,
        // and on the dark background each 3:1 (on white the palette's orange and sky blue
        // are 2.2:1, the light theme's known weakness; lines are 2 px and labelled).
        let shown = &theme.series[..6];
        for c in shown {
            assert!(OKABE_ITO.contains(c), "{name}: {} is not an Okabe–Ito colour", hex(*c));
            assert!(name == "light" || contrast(*c, bg) >= 3.0, "{name}: series {} is {:.2}:1", hex(*c), contrast(*c, bg));
        }
        for (i, c) in shown.iter().enumerate() {
            assert!(!shown[..i].contains(c), "{name}: {} twice", hex(*c));
        }
        // Positive and negative terms: two Okabe–Ito colours (blue/orange families).
        assert!(OKABE_ITO.contains(&theme.positive) && OKABE_ITO.contains(&theme.negative) && theme.positive != theme.negative);
    }
    assert!(contrast(Theme::dark().background, RGBColor(0, 0, 0)) < 2.0, "dark is dark");
}

#[test]
fn a_dark_canvas_keeps_the_dark_colours_at_the_canvas_scale() {
    let c = Theme::dark().on_canvas(2.0);
    assert_eq!((c.scale, c.font_scale), (Theme::for_canvas(2.0).scale, Theme::for_canvas(2.0).font_scale));
    assert_eq!(Theme { scale: 1.0, font_scale: 1.0, ..c }, Theme::dark());
    assert_eq!(Theme::for_canvas(2.0), Theme::light().on_canvas(2.0));
    // The SVG download in the dark theme: the dark background, the dark series.
    let probe = book_like_probe(3);
    let svg = charts::svg(W, H, |a| charts::gradient_bars(a, &probe, &t(), &Theme::dark())).unwrap();
    let bg = hex(Theme::dark().background);
    assert!(elements(&svg, "rect").iter().any(|e| attr(e, "fill") == Some(bg.as_str())), "no {bg} background");
    assert!(!bars(&svg, Theme::dark().series[0]).is_empty());
    assert!(!svg.contains("#FFFFFF"), "nothing white in the dark theme");
}

#[test]
fn chart_text_reads_a_partial_translation_from_json() {
    let zh: ChartText =
        serde_json::from_str(r#"{"book": "书中数值", "layer": "第 {} 隐藏层", "norms": {"title": "各层学习速度", "x": "隐藏层", "y": "‖δˡ‖"}}"#).unwrap();
    assert_eq!(zh.book, "书中数值");
    assert_eq!(zh.layer_name(3), "第 3 隐藏层");
    assert_eq!(zh.overflow, "overflow", "missing words stay English");
    let svg = charts::svg(W, H, |a| charts::norm_bars(a, &[0.1, 0.3], Some(&[0.12, 0.28]), &zh, &th())).unwrap();
    assert!(has_text(&svg, "书中数值") && has_text(&svg, "各层学习速度") && has_text(&svg, "隐藏层"));
    assert!(serde_json::from_str::<ChartText>(r#"{"norms": {"title": "x"}}"#).is_err(), "a panel needs all its words");
}

#[test]
fn tiny_and_degenerate_areas_do_not_panic() {
    let probe = book_like_probe(3);
    let r = Chain::book_exploding(5).report().unwrap();
    for (w, h) in [(1, 1), (10, 10), (60, 40), (200, 60), (40, 400)] {
        charts::svg(w, h, |a| charts::gradient_bars(a, &probe, &t(), &th())).unwrap();
        charts::svg(w, h, |a| charts::norm_bars(a, &[0.1, 0.2], Some(&[0.1]), &t(), &th())).unwrap();
        charts::svg(w, h, |a| charts::speed_chart(a, &speed_history(5, 2), &t(), &th())).unwrap();
        charts::svg(w, h, |a| charts::training_chart(a, &[1.0, 2.0], &[1.0, 0.5], &t(), &th())).unwrap();
        charts::svg(w, h, |a| charts::chain_chart(a, &r, Activation::Sigmoid, &t(), &th())).unwrap();
        charts::svg(w, h, |a| charts::depth_chart(a, &[(1, 90.0, 1.0)], &[], &t(), &th())).unwrap();
    }
    let odd = Theme { scale: f64::NAN, font_scale: -1.0, series: vec![], font_family: String::new(), ..Theme::default() };
    non_trivial(&charts::svg(W, H, |a| charts::gradient_bars(a, &probe, &t(), &odd)).unwrap());
}

#[test]
fn value_formatting() {
    assert_eq!(charts::format_value(0.012, 2), "0.012");
    assert_eq!(charts::format_value(96.48, 3), "96.5");
    assert_eq!(charts::format_value(-0.25, 2), "−0.25");
    assert_eq!(charts::format_value(1.2e-7, 2), "1.2×10⁻⁷");
    assert_eq!(charts::format_value(1e20, 2), "10²⁰");
    assert_eq!(charts::format_value(0.0, 2), "0");
}
