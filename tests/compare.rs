//! A and B side by side (issue 9, item 5): the same data in the same order from the same
//! seed, identical setups giving identical numbers, a diverging side stopping alone, the
//! presets valid and telling their story, and the shared charts in both themes.
//!
//! Set `GRADLAB_CHART_DIR=/some/dir` to also write the charts as SVG there.

mod common;

use gradlab::charts::{compare_norms_chart, compare_speed_chart, compare_training_chart, svg, ChartText, Theme};
use gradlab::experiments::{CompareExperiment, ExperimentError, Preset, Setup, SideEpoch, PRESETS};
use gradlab::init::BiasInit;
use gradlab::{Activation, Init, Subset};

/// The first 600 training and 200 validation images: enough to train, quick to test.
fn small() -> Subset {
    let s = common::subset::subset();
    Subset { training: s.training.take(600), validation: s.validation.take(200), test: s.test.take(10) }
}

fn bits(h: &[SideEpoch]) -> Vec<u64> {
    h.iter().flat_map(|e| [e.accuracy, e.cost].into_iter().chain(e.norms.iter().copied())).map(f64::to_bits).collect()
}

#[test]
fn both_sides_see_the_same_order_whatever_their_architecture_and_initialisation() {
    let data = small();
    let a = Setup::default();
    let b = Setup { activation: Activation::Relu, init: Init::He, hidden: 3, width: 20, mini_batch: 25, ..a };
    // Another A that draws a different count of numbers for its network (2 hidden layers, Glorot's uniform).
    let a2 = Setup { init: Init::Glorot, hidden: 2, gain: 3.0, ..a };
    let mut ab = CompareExperiment::<f64>::new(a, b, 5, 3, &data).unwrap();
    let mut a2b = CompareExperiment::<f64>::new(a2, b, 5, 3, &data).unwrap();
    let mut other_seed = CompareExperiment::<f64>::new(a, b, 6, 3, &data).unwrap();
    let mut epochs = vec![];
    let mut checked = 0;
    while !ab.is_done() {
        ab.step(&data, 7).unwrap();
        a2b.step(&data, 7).unwrap();
        other_seed.step(&data, 7).unwrap();
        let (Some(oa), Some(ob)) = ab.orders() else { break };
        assert_eq!(oa, ob, "A and B train on different orders");
        assert_eq!(Some(oa), a2b.orders().0, "A's order depends on its network's draws");
        assert_ne!(Some(oa), other_seed.orders().0, "another seed, the same order");
        if epochs.last() != Some(&oa.to_vec()) {
            epochs.push(oa.to_vec());
        }
        checked += 1;
    }
    assert!(checked > 20, "only {checked} steps compared");
    assert_eq!(epochs.len(), 3, "one order per epoch");
    assert_ne!(epochs[0], epochs[1], "the set is reshuffled every epoch");
    assert_ne!(epochs[0], (0..600).collect::<Vec<_>>(), "the set is shuffled");
}

#[test]
fn identical_setups_give_identical_numbers_bit_for_bit_however_the_steps_are_cut() {
    let data = small();
    let s = Setup { activation: Activation::Tanh, init: Init::Glorot, hidden: 2, width: 20, eta: 0.2, ..Setup::default() };
    let mut fine = CompareExperiment::<f64>::new(s, s, 11, 3, &data).unwrap();
    while !fine.is_done() {
        fine.step(&data, 3).unwrap();
    }
    let (ha, hb) = fine.history();
    assert_eq!(ha.len(), 4, "epoch 0 and three epochs");
    assert_eq!(bits(ha), bits(hb));
    assert!(ha[3].accuracy > ha[0].accuracy + 0.3, "it learned: {:?}", ha.iter().map(|e| e.accuracy).collect::<Vec<_>>());
    // Resumable: whole epochs give the same numbers as slices of three mini-batches.
    let mut coarse = CompareExperiment::<f64>::new(s, s, 11, 3, &data).unwrap();
    let mut events = 0;
    while let Some(e) = coarse.step_epoch(&data).unwrap() {
        events += 1;
        assert_eq!(e.epoch, events);
        assert!(e.a.is_some() && e.b.is_some() && e.a_diverged.is_none());
    }
    assert_eq!(events, 3);
    assert_eq!(bits(coarse.history().0), bits(ha));
    // And A's numbers do not depend on who B is.
    let other = Setup { activation: Activation::Relu, hidden: 4, ..s };
    let mut mixed = CompareExperiment::<f64>::new(s, other, 11, 3, &data).unwrap();
    while mixed.step_epoch(&data).unwrap().is_some() {}
    assert_eq!(bits(mixed.history().0), bits(ha));
    assert_ne!(bits(mixed.history().1), bits(ha));
}

#[test]
fn a_diverging_side_stops_with_its_message_and_the_other_trains_on() {
    let data = common::subset::subset();
    let a = Setup::default();
    // Eight ReLU layers with N(0, 1) weights: the forward pass grows ~√(n_in/2)× per
    // layer and the first epoch overflows, even at η = 0.03.
    let b = Setup { activation: Activation::Relu, init: Init::Large, hidden: 8, eta: 0.03, ..a };
    let mut run = CompareExperiment::<f32>::new(a, b, 0, 3, &data).unwrap();
    let mut reports = vec![];
    while !run.is_done() {
        reports.extend(run.step(&data, 40).unwrap());
    }
    let d = run.diverged().1.expect("B diverged");
    assert_eq!(d.epoch, 1);
    assert!(d.message.contains("diverged in epoch 1") && d.message.contains("non-finite"), "{}", d.message);
    assert!(run.diverged().0.is_none());
    assert_eq!(reports.iter().filter(|e| e.b_diverged.is_some()).count(), 1, "said once");
    let (ha, hb) = run.history();
    assert_eq!(hb.len(), 1, "B keeps only its measurement at initialisation");
    assert_eq!(ha.len(), 4, "A trained all three epochs");
    let mut alone = CompareExperiment::<f32>::new(a, a, 0, 3, &data).unwrap();
    while alone.step_epoch(&data).unwrap().is_some() {}
    assert_eq!(bits(alone.history().0), bits(ha), "B's overflow changed A's numbers");
}

#[test]
fn every_preset_is_valid_named_once_and_differs_only_where_it_says() {
    let mut names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), PRESETS.len(), "a name used twice");
    for p in PRESETS {
        p.a.validate().unwrap_or_else(|e| panic!("{} A: {e}", p.name));
        p.b.validate().unwrap_or_else(|e| panic!("{} B: {e}", p.name));
        assert_eq!(Preset::from_name(p.name), Some(p));
        assert_ne!(p.a, p.b, "{}: A and B are the same", p.name);
        assert!(p.epochs >= 1);
        // Fair: both train with the same η, λ and m, so only the named settings differ.
        assert_eq!((p.a.eta, p.a.lambda, p.a.mini_batch), (p.b.eta, p.b.lambda, p.b.mini_batch), "{}", p.name);
    }
    let by = |n| Preset::from_name(n).unwrap();
    let relu = by("sigmoid-relu");
    assert_eq!(relu.b, Setup { activation: Activation::Relu, init: Init::He, ..relu.a });
    assert_eq!(relu.a.hidden, 8);
    let init = by("large-scaled");
    assert_eq!((init.a.init, init.b), (Init::Large, Setup::default()), "Chapter 3's comparison is on the book's network");
    assert!(init.book.is_some());
    assert_eq!(by("sigmoid-tanh").b, Setup { activation: Activation::Tanh, ..by("sigmoid-tanh").a });
    assert_eq!(by("gain").b, Setup { gain: 4.0, ..by("gain").a });
    assert_eq!(Preset::from_name("nope"), None);
}

/// The comparison's measurement: the probe and the cost from one feedforward are the
/// probe and network2's `total_cost` computed apart, bit for bit.
#[test]
fn probe_with_cost_is_the_probe_and_the_cost_of_the_same_images() {
    let data = small();
    let s = Setup { activation: Activation::Tanh, hidden: 3, width: 20, ..Setup::default() };
    let net = s.network::<f64>(4).unwrap();
    for count in [1, 250, 251, 600] {
        let (p, c) = gradlab::probe::probe_with_cost(&net, &data.training, count, 5.0).unwrap();
        assert_eq!(p, gradlab::probe::probe(&net, &data.training, count).unwrap());
        assert_eq!(c.to_bits(), gradlab::train::total_cost(&net, &data.training.take(count), 5.0).unwrap().to_bits(), "{count} images");
    }
    let net32 = s.network::<f32>(4).unwrap();
    let (_, c) = gradlab::probe::probe_with_cost(&net32, &data.training, 300, 0.0).unwrap();
    assert_eq!(c.to_bits(), gradlab::train::total_cost(&net32, &data.training.take(300), 0.0).unwrap().to_bits());
}

#[test]
fn bad_setups_are_refused_naming_the_value() {
    let data = small();
    let ok = Setup::default();
    let bad = [
        (Setup { hidden: 0, ..ok }, "is 0"),
        (Setup { hidden: 11, ..ok }, "between 1 and 10, but is 11"),
        (Setup { width: 201, ..ok }, "but is 201"),
        (Setup { eta: -1.0, ..ok }, "-1"),
        (Setup { mini_batch: 0, ..ok }, "is 0"),
        (Setup { gain: f64::NAN, ..ok }, "NaN"),
    ];
    for (s, says) in bad {
        let e = CompareExperiment::<f32>::new(ok, s, 0, 1, &data).unwrap_err().to_string();
        assert!(e.contains(says), "{e:?} lacks {says:?}");
    }
    assert!(matches!(CompareExperiment::<f32>::new(ok, ok, 0, 0, &data), Err(ExperimentError::Count { .. })));
    assert_eq!(Setup { biases: BiasInit::Zero, ..ok }.validate(), Ok(()));
}

/// The story of the first preset, measured (f32, as the page): after three epochs on the
/// whole subset, ReLU + He learns in every layer — layer 1's ‖δ‖ within 10× of the last
/// layer's — and reaches over 80 %, while the sigmoid's layer 1 is over 1000× slower and
/// its accuracy near chance.
#[test]
fn sigmoid_vs_relu_he_at_eight_layers_tells_the_chapters_story() {
    let data = common::subset::subset();
    let p = Preset::from_name("sigmoid-relu").unwrap();
    let mut run = CompareExperiment::<f32>::new(p.a, p.b, 0, 3, &data).unwrap();
    while run.step_epoch(&data).unwrap().is_some() {}
    let (ha, hb) = run.history();
    let (a, b) = (ha.last().unwrap(), hb.last().unwrap());
    let ratio = |e: &SideEpoch| e.norms[0] / e.norms[e.norms.len() - 1];
    assert!(ratio(b) > 0.1, "B's layer 1 learns {}× as fast as its last", ratio(b));
    assert!(ratio(a) < 1e-3, "A's layer 1 learns {}× as fast as its last", ratio(a));
    assert!(b.accuracy > 0.8 && a.accuracy < 0.2, "A {} B {}", a.accuracy, b.accuracy);
}

fn save(name: &str, svg: &str) {
    if let Ok(dir) = std::env::var("GRADLAB_CHART_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/{name}.svg"), svg).unwrap();
    }
}

fn texts(svg: &str) -> Vec<String> {
    svg.split("<text").skip(1).filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split_once("</text>")).map(|(s, _)| s.to_string())).collect()
}

fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

#[test]
fn the_shared_charts_label_a_and_b_at_their_curves_in_both_themes() {
    let data = small();
    let a = Setup { hidden: 3, ..Setup::default() };
    let b = Setup { activation: Activation::Relu, init: Init::He, ..a };
    let mut run = CompareExperiment::<f32>::new(a, b, 0, 4, &data).unwrap();
    while run.step_epoch(&data).unwrap().is_some() {}
    let (ha, hb) = run.history();
    let norms = |h: &[SideEpoch]| h.last().unwrap().norms.clone();
    let speed = |h: &[SideEpoch]| h.iter().map(|e| e.norms.clone()).collect::<Vec<_>>();
    let acc = |h: &[SideEpoch]| h[1..].iter().map(|e| 100.0 * e.accuracy).collect::<Vec<_>>();
    let cost = |h: &[SideEpoch]| h[1..].iter().map(|e| e.cost).collect::<Vec<_>>();
    let t = ChartText::default();
    for (theme_name, theme) in [("light", Theme::light()), ("dark", Theme::dark())] {
        let charts = [
            ("norms", svg(800, 500, |ar| compare_norms_chart(ar, (&norms(ha), &norms(hb)), &t, &theme)).unwrap()),
            ("speed", svg(800, 500, |ar| compare_speed_chart(ar, (&speed(ha), &speed(hb)), &t, &theme)).unwrap()),
            ("training", svg(800, 600, |ar| compare_training_chart(ar, (&acc(ha), &acc(hb)), (&cost(ha), &cost(hb)), &t, &theme)).unwrap()),
        ];
        for (name, s) in &charts {
            save(&format!("compare-{name}-{theme_name}"), s);
            let words = texts(s);
            // Legend and direct labels: "A" and "B" at least twice each (in the training chart, once per panel and in the legend).
            let n = |w: &str| words.iter().filter(|x| x.trim() == w || x.trim().starts_with(&format!("{w} "))).count();
            assert!(n("A") >= 2 && n("B") >= 2, "{name}: {words:?}");
            assert!(s.contains(&hex(theme.series[0])) && s.contains(&hex(theme.series[1])), "{name}: A's and B's colours");
            assert!(s.contains(&hex(theme.background)), "{name}: the theme's background");
            assert!(!s.contains("NaN\"") && !s.contains("inf\""), "{name}: a non-finite coordinate");
        }
        assert!(texts(&charts[1].1).iter().any(|w| w.contains("A hidden layer 3")), "the speed chart names the layers it shows");
    }
}

#[test]
fn the_shared_charts_survive_overflow_and_empty_data() {
    let t = ChartText::default();
    let th = Theme::default();
    let bad = vec![f64::NAN, f64::INFINITY, 0.0, 1e-300, 1e300];
    let s = svg(600, 400, |ar| compare_norms_chart(ar, (&bad, &[]), &t, &th)).unwrap();
    assert!(s.starts_with("<svg") && !s.contains("NaN\""));
    let s = svg(600, 400, |ar| compare_speed_chart(ar, (&[bad.clone(), vec![]], &[]), &t, &th)).unwrap();
    assert!(!s.contains("NaN\""));
    let s = svg(600, 400, |ar| compare_training_chart(ar, (&bad, &[]), (&[], &bad), &t, &th)).unwrap();
    assert!(!s.contains("NaN\""));
    for (w, h) in [(0, 0), (5, 5), (40, 30)] {
        svg(w, h, |ar| compare_training_chart(ar, (&[], &[]), (&[], &[]), &t, &th)).unwrap();
        svg(w, h, |ar| compare_norms_chart(ar, (&[], &[]), &t, &th)).unwrap();
    }
    let s = svg(600, 400, |ar| compare_norms_chart(ar, (&[], &[]), &t, &th)).unwrap();
    assert!(texts(&s).iter().any(|w| w.trim() == "no data"), "{:?}", texts(&s));
}

/// The comparison's book setup is the trainer's defaults (network2's η, λ and m), written once.
#[test]
fn the_book_setup_is_the_trainers_defaults() {
    let c = gradlab::train::TrainConfig::default();
    let book = Setup::BOOK;
    assert_eq!((book.eta, book.lambda, book.mini_batch), (c.eta, c.lambda, c.mini_batch_size));
    assert_eq!(book.config(), gradlab::train::TrainConfig { shuffle: true, ..c });
    assert_eq!(Setup::default().sizes(), vec![784, 30, 10]);
}
