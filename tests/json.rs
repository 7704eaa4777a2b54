//! network2's JSON format: round trips and every error case.

use gradlab::network2_json::{from_json, to_json};
use gradlab::{Activation, Cost, Init, Network, Rng};

#[test]
fn round_trip_is_exact_in_f64_and_keeps_the_cost() {
    for cost in [Cost::CrossEntropy, Cost::Quadratic] {
        let net = Network::<f64>::new(&[7, 5, 3, 2], Init::Scaled, 1.3, cost, &mut Rng::new(3)).unwrap();
        let text = to_json(&net);
        let back: Network<f64> = from_json(&text).unwrap();
        assert_eq!(back, net);
        assert!(text.contains(&format!("\"cost\":\"{}\"", cost.network2_name())));
    }
    // f32 through the file and back: exact as well (f32 → f64 → f32 is lossless).
    let net = Network::<f32>::new(&[4, 3, 2], Init::Large, 1.0, Cost::CrossEntropy, &mut Rng::new(1)).unwrap();
    assert_eq!(from_json::<f32>(&to_json(&net)).unwrap(), net);
}

/// The optional "activation" key: written for any hidden f but σ and read back; a sigmoid
/// network's file has no such key (network2's own layout), and a file without it is sigmoid.
#[test]
fn round_trip_with_and_without_the_activation_key() {
    for f in Activation::ALL {
        let net = Network::<f64>::new(&[5, 4, 3, 2], Init::Scaled, 1.0, Cost::CrossEntropy, &mut Rng::new(7)).unwrap().with_activation(f);
        let text = to_json(&net);
        assert_eq!(text.contains("\"activation\""), f != Activation::Sigmoid, "{f:?}");
        if f != Activation::Sigmoid {
            assert!(text.contains(&format!("\"activation\":\"{}\"", f.name())));
        }
        let back: Network<f64> = from_json(&text).unwrap();
        assert_eq!(back.activation(), f);
        assert_eq!(back, net);
    }
    let plain = r#"{"sizes": [1, 1], "weights": [[[0.5]]], "biases": [[[0.1]]], "cost": "CrossEntropyCost"}"#;
    assert_eq!(from_json::<f64>(plain).unwrap().activation(), Activation::Sigmoid);
    let explicit = plain.replace('}', r#", "activation": "sigmoid"}"#);
    assert_eq!(from_json::<f64>(&explicit).unwrap(), from_json::<f64>(plain).unwrap());
    let unknown = plain.replace('}', r#", "activation": "softplus"}"#);
    let e = from_json::<f64>(&unknown).unwrap_err().to_string();
    assert!(e.contains("unknown activation \"softplus\"") && e.contains("leaky-relu"), "{e}");
    let twice = plain.replace('}', r#", "activation": "tanh", "activation": "relu"}"#);
    assert!(from_json::<f64>(&twice).unwrap_err().to_string().contains("duplicate field `activation`"));
}

/// The optional "residual" key: written only when true, read back; absent = no skips;
/// anything but a boolean is an error naming the key.
#[test]
fn round_trip_with_and_without_the_residual_key() {
    for residual in [false, true] {
        let net = Network::<f64>::new(&[5, 4, 4, 2], Init::Scaled, 1.0, Cost::CrossEntropy, &mut Rng::new(7)).unwrap().with_residual(residual);
        let text = to_json(&net);
        assert_eq!(text.contains("\"residual\":true"), residual);
        assert!(!text.contains("\"residual\":false"), "the default is not written");
        let back: Network<f64> = from_json(&text).unwrap();
        assert_eq!(back.residual(), residual);
        assert_eq!(back, net);
    }
    let plain = r#"{"sizes": [1, 1, 1, 1], "weights": [[[0.5]], [[0.5]], [[0.5]]], "biases": [[[0.1]], [[0.1]], [[0.1]]], "cost": "CrossEntropyCost"}"#;
    assert!(!from_json::<f64>(plain).unwrap().residual());
    let with = from_json::<f64>(&plain.replace("\"cost\"", "\"residual\": true, \"cost\"")).unwrap();
    assert!(with.residual() && with.skips(1) && !with.skips(0) && !with.skips(2));
    let bad = plain.replace('}', r#", "residual": "yes"}"#);
    let e = from_json::<f64>(&bad).unwrap_err().to_string();
    assert!(e.contains("invalid type: string \"yes\", expected a boolean"), "{e}");
}

/// The optional "batch_norm" key: γ and the running statistics of each hidden layer, written
/// only when the network has them, read back exactly; bad shapes and values are errors.
#[test]
fn round_trip_with_and_without_batch_norm() {
    let mut rng = Rng::new(3);
    let net = Network::<f64>::new(&[5, 4, 3, 2], Init::Scaled, 1.0, Cost::CrossEntropy, &mut rng).unwrap();
    assert!(!to_json(&net).contains("batch_norm"));
    let mut bn = net.clone().with_batch_norm(true);
    let norms = bn
        .norms()
        .iter()
        .map(|n| gradlab::network::BatchNorm {
            gamma: n.gamma.mapv(|_| rng.normal()),
            mean: n.mean.mapv(|_| rng.normal()),
            var: n.var.mapv(|_| rng.uniform() + 0.1),
        })
        .collect();
    bn.set_norms(norms).unwrap();
    let text = to_json(&bn);
    assert!(text.contains("\"batch_norm\":[[["), "{text}");
    let back: Network<f64> = from_json(&text).unwrap();
    assert_eq!(back, bn);
    assert!(back.batch_norm());
    // f32 too, through the same text.
    let back32: Network<f32> = from_json(&to_json(&bn.cast::<f32>())).unwrap();
    assert_eq!(back32, bn.cast::<f32>());
    let plain = r#"{"sizes": [1, 2, 1], "weights": [[[0.5], [0.2]], [[0.5, 0.1]]], "biases": [[[0.1], [0.3]], [[0.1]]], "cost": "CrossEntropyCost"}"#;
    let with = |norm: &str| plain.replace("\"cost\"", &format!("\"batch_norm\": {norm}, \"cost\""));
    let good = from_json::<f64>(&with("[[[1, 2], [0, 0.5], [1, 4]]]")).unwrap();
    assert_eq!(good.norms()[0].gamma.to_vec(), vec![1.0, 2.0]);
    assert_eq!(good.norms()[0].var.to_vec(), vec![1.0, 4.0]);
    // Two rows instead of three, a row of the wrong length, a layer too many, a ragged row,
    // a negative variance.
    let e = from_json::<f64>(&with("[[[1, 2], [0, 0.5]]]")).unwrap_err().to_string();
    assert!(e.contains("batch normalisation ([γ, mean, var]) of layer 1 has shape [2, 2]"), "{e}");
    let e = from_json::<f64>(&with("[[[1], [0], [1]]]")).unwrap_err().to_string();
    assert!(e.contains("batch-norm γ of layer 1 has shape [1]"), "{e}");
    let e = from_json::<f64>(&with("[[[1, 2], [0, 0], [1, 1]], [[1], [0], [1]]]")).unwrap_err().to_string();
    assert!(e.contains("found 2"), "{e}");
    let e = from_json::<f64>(&with("[[[1, 2], [0], [1, 1]]]")).unwrap_err().to_string();
    assert!(e.contains("row 2") && e.contains("1"), "{e}");
    let e = from_json::<f64>(&with("[[[1, 2], [0, 0], [1, -1]]]")).unwrap_err().to_string();
    assert!(e.contains("variance"), "{e}");
}

#[test]
fn reads_the_layout_network2_writes() {
    // Written as network2.save does: weights y×x, biases y×1, the cost's class name.
    let text = r#"{"sizes": [2, 3, 1],
        "weights": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.7, 0.8, 0.9]]],
        "biases": [[[1.0], [2.0], [3.0]], [[4.0]]],
        "cost": "QuadraticCost"}"#;
    let net: Network<f64> = from_json(text).unwrap();
    assert_eq!(net.cost(), Cost::Quadratic);
    assert_eq!(net.weights()[0][[2, 1]], 0.6);
    assert_eq!(net.weights()[1][[0, 2]], 0.9);
    assert_eq!(net.biases()[0][2], 3.0);
}

fn err(text: &str) -> String {
    from_json::<f64>(text).unwrap_err().to_string()
}

#[test]
fn every_bad_file_gets_a_clear_error() {
    assert!(err("not json").starts_with("not valid network2 JSON"));
    assert!(err("").starts_with("not valid network2 JSON"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]]}"#).contains("missing field `cost`"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [[[NaN, 2]]], "biases": [[[0]]], "cost": "CrossEntropyCost"}"#).contains("NaN or Infinity"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [[[Infinity, 2]]], "biases": [[[0]]], "cost": "CrossEntropyCost"}"#).contains("NaN or Infinity"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [[[1e999, 2]]], "biases": [[[0]]], "cost": "CrossEntropyCost"}"#).starts_with("not valid network2 JSON"));
    assert_eq!(
        err(r#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "HingeCost"}"#),
        "unknown cost \"HingeCost\"; network2 writes \"CrossEntropyCost\" or \"QuadraticCost\""
    );
    assert_eq!(
        err(r#"{"sizes": [3, 1], "weights": [[[1, 2]]], "biases": [[[0]]], "cost": "CrossEntropyCost"}"#),
        "weight matrix of layer 1 has shape [1, 2], but sizes [3, 1] need [1, 3]"
    );
    assert!(err(r#"{"sizes": [2, 2], "weights": [[[1, 2], [3]]], "biases": [[[0], [0]]], "cost": "CrossEntropyCost"}"#)
        .contains("row 2 has 1 numbers, but row 1 has 2"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0, 1]]], "cost": "CrossEntropyCost"}"#).contains("list of exactly one number"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("expected 1 weight matrices"));
    assert!(err(r#"{"sizes": [2], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("at least 2 layers"));
    assert!(err(r#"{"sizes": [2, 0], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("layer 1 has size 0"));
    // Sizes that would need terabytes are refused before anything is allocated.
    assert!(err(r#"{"sizes": [1000000000, 1000000000], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("has more than 2048 neurons"));
    assert!(err(r#"{"sizes": [2000, 2000, 2000], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("expected 2 weight matrices"));
    assert!(err(r#"{"sizes": [-1, 2], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).starts_with("not valid network2 JSON"));
    // Deep nesting is stopped by the parser's recursion limit, not by a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(err(&deep).starts_with("not valid network2 JSON"));
    // A number fine in f64 but beyond f32 is non-finite in an f32 network.
    let big = r#"{"sizes": [1, 1], "weights": [[[1e300]]], "biases": [[[0]]], "cost": "CrossEntropyCost"}"#;
    assert!(from_json::<f32>(big).unwrap_err().to_string().contains("non-finite"));
}

/// A valid file for `sizes`, with every weight and bias `v`.
fn file(sizes: &[usize], v: &str) -> String {
    let weights: Vec<String> = sizes.windows(2).map(|w| format!("[{}]", vec![format!("[{}]", vec![v; w[0]].join(",")); w[1]].join(","))).collect();
    let biases: Vec<String> = sizes[1..].iter().map(|&y| format!("[{}]", vec![format!("[{v}]"); y].join(","))).collect();
    format!(r#"{{"sizes": {sizes:?}, "weights": [{}], "biases": [{}], "cost": "CrossEntropyCost"}}"#, weights.join(","), biases.join(","))
}

#[test]
fn hostile_files_hit_the_readers_limits_before_allocating() {
    use gradlab::network2_json::{JsonError, MAX_LAYERS, MAX_NEURONS, MAX_NUMBERS};
    assert!(from_json::<f64>(&file(&[3, 2, 1], "0.5")).is_ok());
    // Too many layers: in sizes, and in weights or biases whatever the order of the fields.
    let sizes = vec![1; MAX_LAYERS + 1];
    let e = err(&file(&sizes, "0"));
    assert!(e.starts_with("\"sizes\" has more than 12 layers; network files are limited to 12 layers of at most 2048 neurons"), "{e}");
    let many = format!(r#"{{"weights": [{}], "sizes": [1, 1]}}"#, ["[[0]]"; MAX_LAYERS].join(","));
    assert!(err(&many).starts_with("\"weights\" has more than 11 layers"), "{}", err(&many));
    let many = format!(r#"{{"biases": [{}]}}"#, vec!["[[0]]"; 1000].join(","));
    assert!(err(&many).starts_with("\"biases\" has more than 11 layers"), "{}", err(&many));
    // A layer too wide, in sizes or in a matrix's rows or columns.
    let e = err(&format!(r#"{{"sizes": [784, {}, 10]}}"#, MAX_NEURONS + 1));
    assert!(e.starts_with("layer 1 in \"sizes\" (2049) has more than 2048 neurons"), "{e}");
    let e = err(&format!(r#"{{"weights": [[[{}]]]}}"#, vec!["0"; MAX_NEURONS + 1].join(",")));
    assert!(e.starts_with("row 1 of the weight matrix of layer 1 has more than 2048 numbers"), "{e}");
    let e = err(&format!(r#"{{"biases": [[{}]]}}"#, vec!["[0]"; MAX_NEURONS + 1].join(",")));
    assert!(e.starts_with("the bias vector of layer 1 has more than 2048 rows"), "{e}");
    // Millions of numbers in all: refused at the budget, not after reading the whole file.
    let row = format!("[{}]", vec!["0"; 2000].join(","));
    let matrix = format!("[{}]", vec![row.as_str(); 2000].join(","));
    let text = format!(r#"{{"weights": [{m},{m}], "sizes": [2000, 2000, 2000]}}"#, m = matrix);
    let e = from_json::<f32>(&text).unwrap_err();
    assert_eq!(e, JsonError::Limit { what: "the file".into(), max: MAX_NUMBERS, unit: "weights and biases" });
    assert!(e.to_string().starts_with("the file has more than 2000000 weights and biases"), "{e}");
    // Millions of empty lists cost nothing: each matrix stops at MAX_NEURONS rows.
    let empties = format!(r#"{{"weights": [[{}]]}}"#, vec!["[]"; 3_000_000].join(","));
    assert!(err(&empties).starts_with("the weight matrix of layer 1 has more than 2048 rows"), "{}", err(&empties));
}

#[test]
fn malformed_files_name_the_problem() {
    use gradlab::network2_json::JsonError;
    let ok = file(&[2, 1], "1");
    // NaN / Infinity (Python's json writes them): named with their position, even when a
    // string elsewhere holds the word.
    for token in ["NaN", "Infinity", "-Infinity"] {
        let text = ok.replacen("[[1,1]]", &format!("[[1,{token}]]"), 1);
        assert_eq!(
            from_json::<f64>(&text).unwrap_err(),
            JsonError::NonFiniteToken { line: 1, column: 35 + usize::from(token.starts_with('-')) },
            "{token}: {}",
            err(&text)
        );
        assert!(err(&text).starts_with("the file holds NaN or Infinity (line 1, column 3"), "{}", err(&text));
    }
    let text = ok.replace("CrossEntropyCost", "NaNCost").replace("[[1,1]]", "[[1,]]");
    assert!(err(&text).starts_with("not valid network2 JSON: trailing comma"), "{}", err(&text));
    // Deeply nested lists: in a known field (a type error at depth 4) and at the top.
    let deep = format!(r#"{{"weights": [[[{}1{}]]]}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let e = err(&deep);
    assert!(e.starts_with("not valid network2 JSON: invalid type: sequence, expected a number (a weight or bias)"), "{e}");
    let e = err(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    assert!(e.starts_with("not valid network2 JSON: invalid type: sequence, expected a network2 object"), "{e}");
    // Wrong shapes: a 2-D weights list, a bias that is a number, sizes as strings.
    let e = err(r#"{"sizes": [2, 1], "weights": [[1, 2]], "biases": [[[0]]], "cost": "CrossEntropyCost"}"#);
    assert!(e.contains("expected row 1 of the weight matrix of layer 1 as a list of numbers"), "{e}");
    let e = err(r#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[0]], "cost": "CrossEntropyCost"}"#);
    assert!(e.contains("expected bias 1 of layer 1 as a one-number list"), "{e}");
    let e = err(r#"{"sizes": ["784", "10"]}"#);
    assert!(e.contains("invalid type: string \"784\", expected u64"), "{e}");
    let e = err(r#"{"sizes": [2, 1], "sizes": [2, 1]}"#);
    assert!(e.contains("duplicate field `sizes`"), "{e}");
    let e = err(r#"{"sizes": [2, 1], "extra": {"a": [[[[]]]]}}"#);
    assert!(e.contains("unknown field `extra`, expected one of `sizes`, `weights`, `biases`, `cost`"), "{e}");
    let e = err(&format!("{ok} trailing"));
    assert!(e.contains("trailing characters"), "{e}");
    // Ragged rows and fat biases are typed errors.
    let e = from_json::<f64>(r#"{"sizes": [2, 2], "weights": [[[1, 2], [3]]], "biases": [[[0], [0]]], "cost": "CrossEntropyCost"}"#).unwrap_err();
    assert_eq!(e, JsonError::RaggedRow { layer: 1, row: 2, found: 1, expected: 2 });
    let e = from_json::<f64>(r#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[]]], "cost": "CrossEntropyCost"}"#).unwrap_err();
    assert_eq!(e, JsonError::BiasColumn { what: "bias vector", layer: 1, row: 1, found: 0 });
    // A network file must be an object at all.
    assert!(err("[]").contains("expected a network2 object"));
    assert!(err("null").contains("expected a network2 object"));
}

/// The optional training setting "momentum": written only when given, read back exactly
/// (any μ in [0, 1); all three keys required); a file without it loads as before
/// (the same network, no momentum); μ outside [0, 1), a wrong type, an unknown key inside
/// or a missing μ are errors naming the problem.
#[test]
fn round_trip_with_and_without_the_momentum_key() {
    use gradlab::network2_json::{from_json_with_momentum, to_json_with_momentum};
    use gradlab::train::Momentum;
    let net = Network::<f64>::new(&[5, 4, 4, 2], Init::Scaled, 1.0, Cost::CrossEntropy, &mut Rng::new(7)).unwrap();
    let plain = to_json(&net);
    assert_eq!(to_json_with_momentum(&net, None), plain);
    assert!(!plain.contains("momentum"));
    assert_eq!(from_json_with_momentum::<f64>(&plain).unwrap(), (net.clone(), None));
    for m in [
        Momentum { mu: 0.9, nesterov: false, schedule: false },
        Momentum { mu: 0.95, nesterov: true, schedule: true },
        Momentum { mu: 0.0, nesterov: false, schedule: true },
    ] {
        let text = to_json_with_momentum(&net, Some(m));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["momentum"], serde_json::json!({"mu": m.mu, "nesterov": m.nesterov, "schedule": m.schedule}));
        assert_eq!(from_json_with_momentum::<f64>(&text).unwrap(), (net.clone(), Some(m)));
        // The network alone, as network2.py would take it.
        assert_eq!(from_json::<f64>(&text).unwrap(), net);
    }
    let with = |m: &str| plain.replacen('{', &format!("{{\"momentum\": {m}, "), 1);
    assert_eq!(
        from_json_with_momentum::<f64>(&with(r#"{"mu": 0.5, "nesterov": false, "schedule": true}"#)).unwrap().1,
        Some(Momentum { mu: 0.5, nesterov: false, schedule: true })
    );
    let e = |m: &str| from_json_with_momentum::<f64>(&with(m)).unwrap_err().to_string();
    for bad in ["1", "1.0", "-0.1", "2e300"] {
        assert_eq!(
            e(&format!(r#"{{"mu": {bad}, "nesterov": false, "schedule": false}}"#)),
            format!("\"momentum\": μ (\"mu\") must be a number in [0, 1), but is {}", bad.parse::<f64>().unwrap())
        );
    }
    assert!(e(r#"{"mu": "0.9", "nesterov": false, "schedule": false}"#).contains("invalid type: string \"0.9\", expected f64"));
    assert!(e(r#"{"mu": 0.9, "nesterov": 1, "schedule": false}"#).contains("expected a boolean"));
    assert!(e(r#"{"mu": 0.9, "nesterov": false, "schedule": false, "velocity": []}"#).contains("unknown field `velocity`"));
    assert!(e(r#"{"nesterov": true, "schedule": false}"#).contains("missing field `mu`"));
    assert!(e(r#"{"mu": 0.9}"#).contains("missing field `nesterov`"));
    assert!(e("0.9").contains("invalid type"));
    assert!(e(r#"{"mu": NaN, "nesterov": false, "schedule": false}"#).contains("NaN or Infinity"));
    let m = r#"{"mu": 0.5, "nesterov": false, "schedule": false}"#;
    let twice = plain.replacen('{', &format!(r#"{{"momentum": {m}, "momentum": {m}, "#), 1);
    assert!(from_json::<f64>(&twice).unwrap_err().to_string().contains("duplicate field `momentum`"));
}
