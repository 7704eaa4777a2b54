//! The chain's band view (issue 10, item 5): the band of z where one neuron's term
//! |w·f′(z)| is at least 1, its closed forms against a numerical scan, the largest width of
//! the inputs a in it (Chapter 5's problem: ≈ 0.45 near |w| ≈ 6.9), and the chart.

use gradlab::chain::{exploding_band_width, term_at, term_band, term_band_scan, Chain, ChainBias, TermBand};
use gradlab::charts::{self, chain_band_chart, widest_band, BandText, Theme};
use gradlab::Activation;

/// The band of inputs a, scanned in a directly: a step of `h` over a ∈ [−30, 30], counting
/// the a with |term(wa + b)| ≥ 1 — no formula, no bisection.
fn scanned_width(f: Activation, w: f64, b: f64, h: f64) -> f64 {
    let n = (30.0 / h) as i64;
    (-n..n).filter(|&k| term_at(f, w, false, w * (k as f64 * h) + b).abs() >= 1.0).count() as f64 * h
}

#[test]
fn sigmoid_and_tanh_bands_match_a_scan_of_the_inputs() {
    let h = 2e-5;
    for f in [Activation::Sigmoid, Activation::Tanh] {
        for w in [1.5, 3.0, 4.5, 6.9, -9.0, 30.0, 199.0] {
            let formula = match term_band(f, w) {
                TermBand::Interval { width, .. } => width,
                TermBand::Empty => 0.0,
                TermBand::Unbounded => panic!("{f:?} has a bounded band"),
            };
            let scan = scanned_width(f, w, 0.7, h);
            assert!((scan - formula).abs() <= 3.0 * h, "{f:?} w {w}: scan {scan}, formula {formula}");
        }
    }
    // σ's width is the chapter's formula; and the band in z is what a scan of z finds.
    for w in [4.0001, 5.0, 6.9, 50.0, -120.0] {
        let TermBand::Interval { z, width } = term_band(Activation::Sigmoid, w) else { panic!("w {w}: no band") };
        assert!((width - exploding_band_width(w)).abs() < 1e-12);
        let scan = term_band_scan(Activation::Sigmoid, w, false, -30.0, 30.0, 6001);
        assert_eq!(scan.len(), 1, "w {w}: one interval");
        assert!((scan[0].0 + z).abs() < 1e-9 && (scan[0].1 - z).abs() < 1e-9, "w {w}: {scan:?} against ±{z}");
    }
    assert_eq!(term_band(Activation::Sigmoid, 3.99), TermBand::Empty);
    assert_eq!(term_band(Activation::Tanh, 0.99), TermBand::Empty);
    assert_eq!(term_band(Activation::Sigmoid, f64::NAN), TermBand::Empty);
}

/// The numbers the page and the README print: σ's largest width ≈ 0.448 at |w| ≈ 6.89, and
/// tanh's twice that at a quarter of the weight (tanh′(z) = 4σ′(2z)).
#[test]
fn the_widest_band_is_045_near_w_69() {
    let (w, width) = widest_band(Activation::Sigmoid).unwrap();
    assert!((w - 6.894).abs() < 0.01 && (width - 0.4477).abs() < 1e-4, "σ: {width} at |w| = {w}");
    // Against a plain scan of |w| ∈ [4, 20] in steps of 10⁻⁴.
    let (w_scan, scan) =
        (40_000..200_000).map(|k| k as f64 / 10_000.0).map(|w| (w, exploding_band_width(w))).fold((0.0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
    assert!((w - w_scan).abs() < 2e-3 && (width - scan).abs() < 1e-9, "{width} at {w} against the scan's {scan} at {w_scan}");
    // A brute-force scan in a agrees at that w, and on either side the width is smaller.
    assert!((scanned_width(Activation::Sigmoid, w, -2.0, 1e-5) - width).abs() < 3e-5);
    assert!(exploding_band_width(w * 0.9) < width && exploding_band_width(w * 1.1) < width);
    let (wt, widtht) = widest_band(Activation::Tanh).unwrap();
    assert!((wt - w / 4.0).abs() < 0.01 && (widtht - 2.0 * width).abs() < 1e-6, "tanh: {widtht} at |w| = {wt}");
    assert_eq!(widest_band(Activation::Relu), None);
}

#[test]
fn relu_bands_are_unbounded_and_skips_keep_terms_near_one() {
    for f in [Activation::Relu, Activation::LeakyRelu] {
        assert_eq!(term_band(f, 1.0), TermBand::Unbounded);
        assert_eq!(term_band(f, -3.0), TermBand::Unbounded);
        assert_eq!(term_band(f, 0.9), TermBand::Empty);
        // The scan: every z > 0, up to the end of whatever range is scanned.
        let scan = term_band_scan(f, 2.0, false, -8.0, 8.0, 641);
        assert_eq!(scan.len(), 1);
        assert!(scan[0].0.abs() < 1e-9 && scan[0].1 == 8.0, "{f:?}: {scan:?}");
    }
    // With a skip and w > 0 every term is ≥ 1: the band is every z.
    assert_eq!(term_band_scan(Activation::Sigmoid, 2.0, true, -8.0, 8.0, 641), vec![(-8.0, 8.0)]);
    // With w < 0 the term 1 + w·σ′(z) is below 1 in size only while 0 < |w|σ′ < 2; past
    // |w| = 8 a band of z around 0 where |1 + wσ′| ≥ 1 again, and the tails just below 1.
    let scan = term_band_scan(Activation::Sigmoid, -20.0, true, -8.0, 8.0, 641);
    let z = ((1.0 + (1.0f64 - 8.0 / 20.0).sqrt()) / (1.0 - (1.0f64 - 8.0 / 20.0).sqrt())).ln();
    assert_eq!(scan.len(), 1);
    assert!((scan[0].0 + z).abs() < 1e-9 && (scan[0].1 - z).abs() < 1e-9, "{scan:?} against ±{z}");
    assert!((term_at(Activation::Sigmoid, -20.0, true, 8.0) - 1.0).abs() < 0.01);
}

fn draw(chain: &Chain, w: f64, theme: &Theme, size: (u32, u32)) -> String {
    let r = chain.report().unwrap();
    charts::svg(size.0, size.1, |a| chain_band_chart(a, &r, chain.activation, w, chain.residual, &BandText::default(), theme)).unwrap()
}

#[test]
fn the_band_chart_draws_curve_band_and_width_for_every_case() {
    let save = |name: &str, svg: &str| {
        if let Ok(dir) = std::env::var("GRADLAB_CHART_DIR") {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(format!("{dir}/{name}.svg"), svg).unwrap();
        }
    };
    // σ at w = 6.9 with every z = 0: the band, its width and the maximum.
    let c = Chain::uniform(5, 6.9, 0.0, ChainBias::ZeroZ);
    let svg = draw(&c, 6.9, &Theme::light(), (1100, 420));
    save("chain_band_sigmoid", &svg);
    for s in ["|w·σ′| ≥ 1", "largest 0.45 at |w| ≈ 6.9", "this w: 0.45", "Width of the inputs a"] {
        assert!(svg.contains(s), "missing {s:?}");
    }
    // w = 1: no band, so no band label; the width is 0.
    let c = Chain::uniform(5, 1.0, 0.0, ChainBias::Given);
    let svg = draw(&c, 1.0, &Theme::dark(), (390, 700));
    save("chain_band_w1_dark", &svg);
    assert!(!svg.contains("|w·σ′| ≥ 1</text>") && svg.contains("this w: 0"));
    // ReLU and skips: the note instead of a curve; an exploding chain's ∞ does not break it.
    for (f, residual) in [(Activation::Relu, false), (Activation::Sigmoid, true)] {
        let mut c = Chain::uniform(6, 3.0, 0.0, ChainBias::Given);
        c.activation = f;
        c.residual = residual;
        let r = c.report().unwrap();
        let t = BandText { note: "No finite band here".into(), ..BandText::default() };
        let svg = charts::svg(800, 600, |a| chain_band_chart(a, &r, f, 3.0, residual, &t, &Theme::light())).unwrap();
        assert!(svg.contains("No finite band here") && !svg.contains("largest"), "{f:?} {residual}");
    }
    let c = Chain::uniform(1000, 100.0, 0.0, ChainBias::ZeroZ);
    let svg = draw(&c, 100.0, &Theme::light(), (1100, 420));
    assert!(svg.contains("this w: 0.092") && !svg.contains("beyond the axis"));
    // A z beyond ±8 (w = 20, b = 0: z = 20, …) is named in the legend; and the words come as lines.
    let c = Chain::uniform(5, 20.0, 0.0, ChainBias::Given);
    assert!(draw(&c, 20.0, &Theme::light(), (1100, 420)).contains("z beyond the axis"));
    let t = BandText::from_lines("A\n\n\n\n\n\n\nBAND");
    assert_eq!((t.curve.title.as_str(), t.curve.x.as_str(), t.band.as_str(), t.max.as_str()), ("A", "z", "BAND", "largest {width} at |w| ≈ {w}"));
}
