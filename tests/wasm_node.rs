//! The wasm bindings, in Node (wasm-bindgen-test): the lab over the shipped data, its
//! JSON results, and clear errors for bad settings.
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]

use gradlab::web::{book_random_chain, chain_report, Lab};
use wasm_bindgen_test::*;

/// The shipped file, inflated as the worker does before it calls the core.
fn inflated(gz: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gz).read_to_end(&mut out).unwrap_or_else(|_| panic!("the shipped data inflates"));
    out
}

fn lab() -> Lab {
    Lab::new(
        &inflated(include_bytes!("../www/data/train-images-idx3-ubyte.gz")),
        &inflated(include_bytes!("../www/data/train-labels-idx1-ubyte.gz")),
        &inflated(include_bytes!("../www/data/validation-images-idx3-ubyte.gz")),
        &inflated(include_bytes!("../www/data/validation-labels-idx1-ubyte.gz")),
        &inflated(include_bytes!("../www/data/test-images-idx3-ubyte.gz")),
        &inflated(include_bytes!("../www/data/test-labels-idx1-ubyte.gz")),
    )
    .unwrap_or_else(|_| panic!("the shipped data loads"))
}

const SETTINGS: &str =
    r#"{"hidden":3,"width":30,"activation":"sigmoid","init":"scaled","biases":"normal","gain":1,"eta":0.1,"lambda":5,"miniBatch":10,"seed":7}"#;

#[wasm_bindgen_test]
fn lab_trains_an_epoch_and_reports_a_snapshot() {
    let mut lab = lab();
    assert_eq!(lab.split_sizes(), vec![8000, 1000, 1000]);
    lab.reset(SETTINGS).unwrap_or_else(|_| panic!("valid settings"));
    let before: serde_json::Value = serde_json::from_str(&lab.snapshot(false).unwrap_or_else(|_| panic!())).unwrap();
    let norms: Vec<f64> = before["probe"]["layers"].as_array().unwrap().iter().map(|l| l["norm"].as_f64().unwrap()).collect();
    assert_eq!(norms.len(), 3);
    assert!(norms[0] < norms[2], "vanishing at initialisation: {norms:?}");
    // One epoch of the 3-hidden-layer net: still vanishing (on 8,000 images a net this
    // deep often stays near chance for the first epochs — the chapter's phenomenon).
    train_one_epoch(&mut lab);
    let after: serde_json::Value = serde_json::from_str(&lab.snapshot(true).unwrap_or_else(|_| panic!())).unwrap();
    assert_eq!(after["epoch"], 1);
    let norms: Vec<f64> = after["probe"]["layers"].as_array().unwrap().iter().map(|l| l["norm"].as_f64().unwrap()).collect();
    assert!(norms[0] < norms[2], "still vanishing after an epoch: {norms:?}");
    // A 1-hidden-layer net learns well above chance (10 %) in one epoch.
    lab.reset(&SETTINGS.replace("\"hidden\":3", "\"hidden\":1")).unwrap_or_else(|_| panic!("valid settings"));
    train_one_epoch(&mut lab);
    let snap: serde_json::Value = serde_json::from_str(&lab.snapshot(true).unwrap_or_else(|_| panic!())).unwrap();
    let acc = snap["accuracy"].as_f64().unwrap();
    assert!(acc > 0.7, "accuracy after one epoch {acc}");
}

fn train_one_epoch(lab: &mut Lab) {
    for _ in 0..1000 {
        if lab.train(100).unwrap_or_else(|_| panic!("training")) {
            return;
        }
    }
    panic!("no epoch ended");
}

#[wasm_bindgen_test]
fn bad_settings_and_bad_data_are_errors_not_panics() {
    let mut lab = lab();
    assert!(lab.reset("not json").is_err());
    assert!(lab.reset(&SETTINGS.replace("\"hidden\":3", "\"hidden\":60")).is_err());
    assert!(lab.reset(&SETTINGS.replace("\"eta\":0.1", "\"eta\":-1")).is_err());
    // An unknown initialisation is an error, not silently the scaled one.
    assert_eq!(lab.reset(&SETTINGS.replace("scaled", "gaussian")).err().map(|e| e.code), Some("setting"));
    assert!(lab.train(1).is_err(), "no network yet");
    assert!(Lab::new(b"junk", b"", b"", b"", b"", b"").is_err());
    // gzip bytes the worker forgot to inflate: a data error that says so, not a panic.
    let gz = include_bytes!("../www/data/train-labels-idx1-ubyte.gz");
    let e = Lab::new(gz, gz, gz, gz, gz, gz).err().unwrap_or_else(|| panic!("gzip reaches the core"));
    assert_eq!(e.code, "data");
    assert!(lab.load_network("{\"sizes\": [3, 2]}").is_err());
}

#[wasm_bindgen_test]
fn chain_bindings_agree_with_the_book() {
    let r: serde_json::Value =
        serde_json::from_str(&chain_report(vec![100.0; 4], vec![0.0; 4], true, 1.0, "sigmoid", false).unwrap_or_else(|_| panic!())).unwrap();
    assert_eq!(r["terms"], serde_json::json!([25.0, 25.0, 25.0, 25.0]));
    assert_eq!(r["regime"], "Exploding");
    let c: serde_json::Value = serde_json::from_str(&book_random_chain(5, 3)).unwrap();
    assert_eq!(c["w"].as_array().unwrap().len(), 5);
    assert!(chain_report(vec![], vec![], true, 1.0, "sigmoid", false).is_err());
    // tanh′(0) = 1: with w = 1 and every z = 0 the terms of neurons 2..L−1 are exactly 1;
    // the output neuron stays σ (1/4).
    let r: serde_json::Value = serde_json::from_str(&chain_report(vec![1.0; 4], vec![0.0; 4], true, 1.0, "tanh", false).unwrap_or_else(|_| panic!())).unwrap();
    assert_eq!(r["terms"], serde_json::json!([1.0, 1.0, 1.0, 0.25]));
    let e = chain_report(vec![1.0; 4], vec![0.0; 4], true, 1.0, "swish", false).err().expect("an unknown activation is an error");
    assert_eq!((e.code, e.message.contains("swish") && e.message.contains("leaky-relu")), ("setting", true));
}

/// Every activation, initialisation and bias choice the page offers makes a network whose
/// ‖δ^l‖ are finite and positive (zero weights aside), with the activation asked for; the
/// default is the book's network, the same numbers as before the choices existed.
#[wasm_bindgen_test]
fn reset_takes_every_activation_and_initialisation() {
    let mut lab = lab();
    let norms = |lab: &Lab| -> Vec<f64> {
        let s: serde_json::Value = serde_json::from_str(&lab.snapshot(false).unwrap_or_else(|_| panic!())).unwrap();
        s["probe"]["layers"].as_array().unwrap().iter().map(|l| l["norm"].as_f64().unwrap()).collect()
    };
    lab.reset(SETTINGS).unwrap_or_else(|_| panic!("valid settings"));
    let book = norms(&lab);
    for f in gradlab::Activation::ALL {
        for init in gradlab::Init::ALL {
            for biases in gradlab::init::BiasInit::ALL {
                let s = SETTINGS.replace("sigmoid", f.name()).replace("scaled", init.name()).replace("normal", biases.name());
                lab.reset(&s).unwrap_or_else(|_| panic!("valid settings {s}"));
                assert_eq!(lab.network_activation().unwrap_or_else(|_| panic!()), f.name());
                let n = norms(&lab);
                assert_eq!(n.len(), 3);
                assert!(n.iter().all(|v| v.is_finite() && *v >= 0.0), "{s}: {n:?}");
                // The network file says which f (and a sigmoid file has no key, as network2's).
                let json = lab.network_json().unwrap_or_else(|_| panic!());
                assert_eq!(json.contains("\"activation\""), f != gradlab::Activation::Sigmoid, "{s}");
            }
        }
    }
    lab.reset(SETTINGS).unwrap_or_else(|_| panic!("valid settings"));
    assert_eq!(norms(&lab), book, "the book's network is the same after the others");
}

/// An unknown name is a `setting` error naming the setting and the value, never the default.
#[wasm_bindgen_test]
fn reset_refuses_unknown_names_by_name() {
    let mut lab = lab();
    for (field, good, bad) in [("activation", "sigmoid", "softplus"), ("init", "scaled", "gaussian"), ("biases", "normal", "uniform")] {
        let e = lab.reset(&SETTINGS.replace(&format!("\"{good}\""), &format!("\"{bad}\""))).err().unwrap_or_else(|| panic!("{bad} refused"));
        assert_eq!(e.code, "setting");
        let detail = |k: &str| e.details.iter().find(|(n, _)| *n == k).and_then(|(_, v)| v.as_string());
        assert_eq!((detail("name").as_deref(), detail("value").as_deref()), (Some(field), Some(bad)));
        assert!(e.message.contains(bad) && e.message.contains(good), "{}", e.message);
    }
    assert!(lab.train(1).is_err(), "no network was made");
}

/// A network2 file of another architecture loads, within the panel's limits; anything
/// else is an error naming the problem, and the current network stays.
#[wasm_bindgen_test]
fn load_network_checks_the_architecture() {
    let mut lab = lab();
    lab.reset(SETTINGS).unwrap_or_else(|_| panic!("valid settings"));
    let saved = lab.network_json().unwrap_or_else(|_| panic!());
    let file = |sizes: &[usize]| {
        let weights: Vec<Vec<Vec<f64>>> = sizes.windows(2).map(|p| vec![vec![0.01; p[0]]; p[1]]).collect();
        let biases: Vec<Vec<Vec<f64>>> = sizes[1..].iter().map(|&n| vec![vec![0.1]; n]).collect();
        serde_json::json!({"sizes": sizes, "weights": weights, "biases": biases, "cost": "CrossEntropyCost"}).to_string()
    };
    let err = |r: Result<Vec<u32>, gradlab::web::WebError>| match r {
        Ok(s) => panic!("loaded {s:?}"),
        Err(e) => e.code,
    };
    assert_eq!(err(lab.load_network(&file(&[100, 30, 10]))), "networkShape");
    assert_eq!(err(lab.load_network(&file(&[784, 30, 5]))), "networkShape");
    assert_eq!(err(lab.load_network(&file(&[784, 10]))), "networkShape");
    assert_eq!(err(lab.load_network(&file(&[784, 201, 10]))), "networkShape");
    // 11 hidden layers: 13 sizes, past the reader's own bound (network2_json::MAX_LAYERS,
    // 12 sizes), which is the panel's 10 hidden layers.
    assert_eq!(err(lab.load_network(&file(&[784, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]))), "networkFile");
    assert_eq!(gradlab::network2_json::MAX_LAYERS, gradlab::limits::MAX_HIDDEN + 2);
    assert_eq!(err(lab.load_network("{\"sizes\": [3, 2]}")), "networkFile");
    assert_eq!(err(lab.load_network(&" ".repeat(gradlab::limits::MAX_NETWORK_BYTES + 1))), "networkTooBig");
    assert_eq!(lab.network_json().unwrap_or_else(|_| panic!()), saved, "the network is unchanged");
    assert_eq!(lab.load_network(&file(&[784, 20, 25, 10])).unwrap_or_else(|_| panic!("loads")), vec![784, 20, 25, 10]);
    assert_eq!(lab.network_activation().unwrap_or_else(|_| panic!()), "sigmoid", "a file without the key is sigmoid");
    let snap: serde_json::Value = serde_json::from_str(&lab.snapshot(false).unwrap_or_else(|_| panic!())).unwrap();
    assert_eq!(snap["probe"]["layers"].as_array().unwrap().len(), 2);
}

/// The wasm build parses JSON without serde_json's `float_roundtrip` (Cargo.toml: 12 KB
/// gzipped); an f32 network must still come back bit for bit through its network2 file,
/// as the page's crash recovery (worker.js checkpoints) and "Download/Load network" rely on.
#[wasm_bindgen_test]
fn a_trained_f32_network_round_trips_exactly_through_network2_json() {
    let mut lab = lab();
    lab.reset(SETTINGS).unwrap_or_else(|_| panic!("valid settings"));
    lab.train(200).unwrap_or_else(|_| panic!("trains"));
    let saved = lab.network_json().unwrap_or_else(|_| panic!());
    lab.load_network(&saved).unwrap_or_else(|_| panic!("loads its own file"));
    assert_eq!(lab.network_json().unwrap_or_else(|_| panic!()), saved);
}

/// The chapter's runs, stepped as the worker steps them, give the numbers of the core's
/// runs (src/experiments/), which the command line prints.
#[wasm_bindgen_test]
fn the_chapters_runs_step_to_the_end() {
    let mut lab = lab();
    lab.norms_start(1, 2).unwrap_or_else(|_| panic!("starts"));
    let mut finished = 0;
    for _ in 0..6 {
        finished = lab.norms_step().unwrap_or_else(|_| panic!("probes"));
    }
    assert_eq!(finished, lab.norms_total());
    let rows: serde_json::Value = serde_json::from_str(&lab.norms_rows().unwrap_or_else(|_| panic!())).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert_eq!(rows[2]["runs"].as_array().unwrap().len(), 2);
    lab.speed_start(2, 1, 3).unwrap_or_else(|_| panic!("starts"));
    assert_eq!(lab.speed_step(10).unwrap_or_else(|_| panic!("steps")), 3);
    lab.depth_start(1, 1, 1).unwrap_or_else(|_| panic!("starts"));
    let mut epochs = 0;
    while !lab.depth_is_done() {
        epochs += lab.depth_step(1000).unwrap_or_else(|_| panic!("trains")).is_some() as usize;
    }
    assert_eq!(epochs, 4);
    let rows: serde_json::Value = serde_json::from_str(&lab.depth_rows().unwrap_or_else(|_| panic!())).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4);
    assert!(rows[0]["bestMean"].as_f64().unwrap() > 50.0);
}

/// Issue 12: the panel's skips, batch normalisation and momentum through `Lab::reset`.
#[wasm_bindgen_test]
fn reset_takes_skips_batch_norm_and_momentum() {
    let mut lab = lab();
    let ten = SETTINGS.replace("\"hidden\":3", "\"hidden\":10");
    let ratio = |lab: &Lab| {
        let s: serde_json::Value = serde_json::from_str(&lab.snapshot(false).unwrap_or_else(|_| panic!())).unwrap();
        let n: Vec<f64> = s["probe"]["layers"].as_array().unwrap().iter().map(|l| l["norm"].as_f64().unwrap()).collect();
        n[0] / n[n.len() - 1]
    };
    lab.reset(&ten).unwrap_or_else(|_| panic!("the book's network, 10 hidden layers"));
    assert!(!lab.network_residual().unwrap_or_else(|_| panic!()) && !lab.network_batch_norm().unwrap_or_else(|_| panic!()));
    let plain = ratio(&lab);
    let skips = ten.replace("}", ",\"residual\":true}");
    lab.reset(&skips).unwrap_or_else(|_| panic!("skip connections"));
    assert!(lab.network_residual().unwrap_or_else(|_| panic!()));
    let residual = ratio(&lab);
    assert!(plain < 1e-3 && residual > 0.1, "‖δ¹‖/‖δ¹⁰‖: plain {plain}, residual {residual}");
    let all = ten.replace("}", ",\"residual\":true,\"batchNorm\":true,\"momentum\":0.9,\"nesterov\":true,\"schedule\":true}");
    lab.reset(&all).unwrap_or_else(|_| panic!("every option"));
    assert!(lab.network_batch_norm().unwrap_or_else(|_| panic!()));
    assert!(lab.network_json().unwrap_or_else(|_| panic!()).contains("\"batch_norm\""));
    // Momentum retuned in place; a μ outside [0, 1) is a setting error naming momentum.
    lab.retune(0.1, 5.0, 10, 0.5, false, false).unwrap_or_else(|_| panic!("μ = 0.5"));
    lab.retune(0.1, 5.0, 10, 0.0, false, false).unwrap_or_else(|_| panic!("back to plain SGD"));
    let e = lab.retune(0.1, 5.0, 10, 1.0, false, false).err().expect("μ = 1 refused");
    assert_eq!(e.code, "setting");
    let e = lab.reset(&SETTINGS.replace("}", ",\"momentum\":-0.1}")).err().expect("μ < 0 refused");
    assert_eq!(e.code, "setting");
}

/// Batch normalisation needs mini-batches of 2 or more: a typed error, and the network stays.
#[wasm_bindgen_test]
fn batch_norm_with_mini_batch_one_is_a_typed_error() {
    let mut lab = lab();
    lab.reset(SETTINGS).unwrap_or_else(|_| panic!("valid settings"));
    let bn1 = SETTINGS.replace("\"miniBatch\":10", "\"miniBatch\":1").replace("}", ",\"batchNorm\":true}");
    let e = lab.reset(&bn1).err().expect("batch norm with mini-batch 1 refused");
    assert_eq!(e.code, "batchNormMiniBatch");
    assert_eq!(lab.network_sizes().unwrap_or_else(|_| panic!("the old network stays")), vec![784, 30, 30, 30, 10]);
    assert!(!lab.network_batch_norm().unwrap_or_else(|_| panic!()));
    // A batch-normalised network retuned to mini-batch 1: refused the same way.
    lab.reset(&SETTINGS.replace("}", ",\"batchNorm\":true}")).unwrap_or_else(|_| panic!("batch norm, mini-batch 10"));
    assert_eq!(lab.retune(0.1, 5.0, 1, 0.0, false, false).err().map(|e| e.code), Some("batchNormMiniBatch"));
    // Without batch norm, mini-batch 1 is the book's online learning.
    lab.reset(&SETTINGS.replace("\"miniBatch\":10", "\"miniBatch\":1")).unwrap_or_else(|_| panic!("mini-batch 1"));
}

/// The chain's skips: terms 1 + w·σ′(z) for neurons 2..L−1, the output's w·σ′(z).
#[wasm_bindgen_test]
fn chain_report_takes_skips() {
    let r: serde_json::Value =
        serde_json::from_str(&chain_report(vec![0.1; 5], vec![0.0; 5], true, 1.0, "sigmoid", true).unwrap_or_else(|_| panic!())).unwrap();
    let terms: Vec<f64> = r["terms"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
    for t in &terms[1..4] {
        assert!((t - 1.025).abs() < 1e-12, "1 + 0.1·¼: {terms:?}");
    }
    assert!((terms[4] - 0.025).abs() < 1e-12, "the output neuron has no skip: {terms:?}");
}
