//! The command line as a user runs it: tables beside the book's numbers, files written,
//! clear errors.

mod common;

use common::idx::{gzip, idx};
use std::process::Command;

fn gradlab(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gradlab")).args(args).output().expect("runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gradlab-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn help_explains_every_command() {
    let (ok, out, _) = gradlab(&["--help"]);
    assert!(ok);
    for cmd in ["depth", "norms", "speed", "chain", "probe", "train", "--mnist"] {
        assert!(out.contains(cmd), "--help lacks {cmd}");
    }
}

#[test]
fn chain_prints_the_books_exploding_terms_and_writes_csv_and_svg() {
    let dir = tmp("chain");
    let (ok, out, err) = gradlab(&["chain", "--layers", "4", "--out", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    // w = 100 is on the grid (10^(−2 + 32/8)); with z = 0 its term is exactly 25.
    let line = out.lines().find(|l| l.trim_start().starts_with("100.0000")).expect("a row for w = 100");
    assert!(line.contains("2.5000e1") && line.contains("Exploding"), "{line}");
    assert!(out.lines().any(|l| l.contains("Vanishing")));
    let csv = std::fs::read_to_string(dir.join("chain.csv")).unwrap();
    assert!(csv.starts_with("w,term,product,dc_db1,regime\n"));
    let svg = std::fs::read_to_string(dir.join("chain-sweep.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.len() > 2000);
}

#[test]
fn norms_table_sits_beside_the_books_numbers() {
    let dir = tmp("norms");
    let (ok, out, err) = gradlab(&["norms", "--seeds", "2", "--out", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("0.003, 0.017, 0.070, 0.285"), "{out}");
    let csv = std::fs::read_to_string(dir.join("norms.csv")).unwrap();
    // 2 inits × (2 + 3 + 4 layers) × 2 seeds rows, plus the header.
    assert_eq!(csv.lines().count(), 1 + 2 * 9 * 2);
    assert!(dir.join("norms-4.svg").exists());
}

/// Any activation, one initialisation, any depths up to 10: one row per depth, no book
/// column (the book's numbers are for sigmoid, scaled, gain 1 only), and a ReLU network
/// trained and saved keeps its activation in the file.
#[test]
fn norms_and_train_take_an_activation() {
    let dir = tmp("norms-relu");
    let (ok, out, err) = gradlab(&["norms", "--activation", "relu", "--init", "large", "--hidden", "2,10", "--seeds", "1", "--out", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("activation relu") && !out.contains("0.285") && out.contains("  large     10 "), "{out}");
    let csv = std::fs::read_to_string(dir.join("norms.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 + 10);
    let (ok, _, err) = gradlab(&["norms", "--hidden", "11", "--seeds", "1"]);
    assert!(!ok && err.contains("11"), "{err}");
    let net = dir.join("relu.json");
    let (ok, _, err) =
        gradlab(&["train", "--activation", "tanh", "--sizes", "784,10,10", "--limit", "100", "--save", net.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(std::fs::read_to_string(&net).unwrap().contains(r#""activation":"tanh""#));
    let (ok, out, err) = gradlab(&["chain", "--activation", "relu", "--layers", "3", "--zero-z", "false", "--out", dir.to_str().unwrap()]);
    assert!(ok && out.contains("neurons 1..2 relu"), "{err}");
}

#[test]
fn train_then_probe_round_trips_through_network2_json() {
    let dir = tmp("train");
    let net = dir.join("net.json");
    let (ok, out, err) = gradlab(&[
        "train",
        "--sizes",
        "784,20,10",
        "--epochs",
        "1",
        "--limit",
        "500",
        "--seed",
        "4",
        "--save",
        net.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("saved"), "{out}");
    let (ok, out, err) = gradlab(&["probe", "--network", net.to_str().unwrap(), "--count", "50"]);
    assert!(ok, "{err}");
    let p: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(p["count"], 50);
    assert_eq!(p["layers"][0]["delta"].as_array().unwrap().len(), 20);
}

#[test]
fn bad_input_gets_a_clear_error_and_a_failing_exit() {
    let dir = tmp("bad");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"sizes": [784, 3, 10], "weights": [], "biases": [], "cost": "CrossEntropyCost"}"#).unwrap();
    let (ok, _, err) = gradlab(&["probe", "--network", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("expected 2 weight matrices"), "{err}");
    let (ok, _, err) = gradlab(&["probe", "--network", "/definitely/not/here.json"]);
    assert!(!ok && err.contains("cannot read /definitely/not/here.json"), "{err}");
    let (ok, _, err) = gradlab(&["--mnist", dir.to_str().unwrap(), "norms"]);
    assert!(!ok && err.contains("train-images-idx3-ubyte"), "{err}");
    let (ok, _, err) = gradlab(&["train", "--eta=-1", "--epochs", "1", "--limit", "10"]);
    assert!(!ok && err.contains("η must be a positive finite number, but is -1"), "{err}");
    let (ok, _, _) = gradlab(&["norms", "--seeds", "0"]);
    assert!(!ok);
}

#[test]
fn mnist_dir_in_the_original_layout_loads_and_splits_50000_10000() {
    // Synthetic files of the full MNIST sizes (LeCun et al.: 60,000 training and 10,000 test
    // images of 28×28): blank images labelled by index mod 10. The training files are gzip,
    // the t10k files raw, as either is accepted.
    let dir = tmp("mnist");
    let labels = |n: usize| (0..n).map(|i| (i % 10) as u8).collect::<Vec<u8>>();
    std::fs::write(dir.join("train-images-idx3-ubyte.gz"), gzip(&idx(&[60_000, 28, 28], &vec![0; 60_000 * 784]))).unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte.gz"), gzip(&idx(&[60_000], &labels(60_000)))).unwrap();
    std::fs::write(dir.join("t10k-images-idx3-ubyte"), idx(&[10_000, 28, 28], &vec![0; 10_000 * 784])).unwrap();
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), idx(&[10_000], &labels(10_000))).unwrap();
    let d = dir.to_str().unwrap();
    let out = dir.join("out");
    let (ok, stdout, err) = gradlab(&["--mnist", d, "--out", out.to_str().unwrap(), "depth", "--seeds", "1", "--epochs", "1", "--max-hidden", "1"]);
    assert!(ok, "{err}");
    assert!(stdout.contains("Accuracy on 10000 validation images after 1 epochs (50000 training images)"), "{stdout}");
    // Blank images carry no information: the network can only learn the label frequencies.
    assert!(stdout.lines().any(|l| l.trim_start().starts_with("1 ") && l.contains("10.00 ± 0.00 %")), "{stdout}");

    // A label file of the wrong rank is named, not misread.
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), idx(&[10_000, 1], &labels(10_000))).unwrap();
    let (ok, _, err) = gradlab(&["--mnist", d, "--out", out.to_str().unwrap(), "norms", "--seeds", "1"]);
    assert!(!ok && err.contains("t10k-labels-idx1-ubyte: labels have 2 dimensions, expected 1"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_installed_copy_runs_from_any_folder_and_data_dir_still_reads_files() {
    // As after `cargo install --path .`: the program alone, elsewhere, started from a third
    // folder. The subset is built into it, so nothing depends on the source tree.
    let bin = tmp("installed-bin").join("gradlab");
    std::fs::copy(env!("CARGO_BIN_EXE_gradlab"), &bin).unwrap();
    let cwd = tmp("installed-cwd");
    let out = cwd.join("out");
    let run = |args: &[&str]| {
        // A test thread that forks while this one still holds the copy open for writing
        // leaves the child a writable descriptor: exec then fails with ETXTBSY until it exits.
        let mut tries = 0;
        let o = loop {
            match Command::new(&bin).args(args).current_dir(&cwd).output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                r => break r.expect("runs"),
            }
        };
        (o.status.success(), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (ok, stdout, err) = run(&["--out", out.to_str().unwrap(), "train", "--sizes", "784,10,10", "--epochs", "1", "--limit", "100"]);
    assert!(ok, "{err}");
    assert!(stdout.lines().any(|l| l.trim_start().starts_with("1 ") && l.contains('%')), "{stdout}");

    // --data DIR reads the six files from a folder: the same numbers as the built-in copy.
    let data = tmp("installed-data");
    for f in gradlab::data::SUBSET_FILES {
        std::fs::copy(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/data").join(f), data.join(f)).unwrap();
    }
    let (ok, from_dir, err) =
        run(&["--data", data.to_str().unwrap(), "--out", out.to_str().unwrap(), "train", "--sizes", "784,10,10", "--epochs", "1", "--limit", "100"]);
    assert!(ok, "{err}");
    assert_eq!(from_dir, stdout);
    // A folder without them names the missing file.
    let empty = tmp("installed-empty");
    let (ok, _, err) = run(&["--data", empty.to_str().unwrap(), "norms", "--seeds", "1"]);
    assert!(!ok && err.contains("cannot read") && err.contains("train-images-idx3-ubyte.gz"), "{err}");
}
