//! network2's JSON format: round trips and every error case.

use gradlab::network2_json::{from_json, to_json};
use gradlab::{Cost, Init, Network, Rng};

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
    assert!(err(r#"{"sizes": [2, 2], "weights": [[[1, 2], [3]]], "biases": [[[0], [0]]], "cost": "CrossEntropyCost"}"#).contains("row 2 has 1 numbers, but row 1 has 2"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[[0, 1]]], "cost": "CrossEntropyCost"}"#).contains("list of exactly one number"));
    assert!(err(r#"{"sizes": [2, 1], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("expected 1 weight matrices"));
    assert!(err(r#"{"sizes": [2], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("at least 2 layers"));
    assert!(err(r#"{"sizes": [2, 0], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("layer 1 has size 0"));
    // Sizes that would need terabytes are refused before anything is allocated.
    assert!(err(r#"{"sizes": [1000000000, 1000000000], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).contains("too large"));
    assert!(err(r#"{"sizes": [-1, 2], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).starts_with("not valid network2 JSON"));
    // Deep nesting is stopped by the parser's recursion limit, not by a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(err(&deep).starts_with("not valid network2 JSON"));
    // A number fine in f64 but beyond f32 is non-finite in an f32 network.
    let big = r#"{"sizes": [1, 1], "weights": [[[1e300]]], "biases": [[[0]]], "cost": "CrossEntropyCost"}"#;
    assert!(from_json::<f32>(big).unwrap_err().to_string().contains("non-finite"));
}
