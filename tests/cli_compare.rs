//! `gradlab compare` and `gradlab norms --summary` as a user runs them: tables, files,
//! and errors that name the bad value.

use std::process::Command;

fn gradlab(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gradlab")).args(args).output().expect("runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gradlab-cli-compare-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The rows of the per-epoch table: epoch, A's accuracy, cost, ‖δ^1‖, ‖δ^L‖, then B's.
fn table(out: &str) -> Vec<Vec<f64>> {
    out.lines()
        .filter(|l| l.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit()) && l.contains('%'))
        .map(|l| l.split_whitespace().filter(|w| *w != "%").map(|w| w.parse().unwrap()).collect())
        .collect()
}

#[test]
fn compare_a_preset_prints_a_row_per_epoch_and_writes_csv_and_three_charts() {
    let dir = tmp("preset");
    let (ok, out, err) = gradlab(&["compare", "--preset", "sigmoid-relu", "--epochs", "2", "--out", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("A: sigmoid scaled weights, 8 hidden × 30, η = 0.03") && out.contains("B: relu he weights, 8 hidden × 30"), "{out}");
    let rows = table(&out);
    assert_eq!(rows.iter().map(|r| r[0] as usize).collect::<Vec<_>>(), vec![0, 1, 2], "{out}");
    assert!(rows.iter().all(|r| r.len() == 9), "{rows:?}");
    // After the second epoch: A's first layer far slower than its last, B's within 10×.
    let last = &rows[2];
    assert!(last[3] / last[4] < 1e-3 && last[7] / last[8] > 0.1, "{last:?}");
    let csv = std::fs::read_to_string(dir.join("compare.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("side,epoch,accuracy,cost,norm_layer1,norm_layer2,norm_layer3,norm_layer4,norm_layer5,norm_layer6,norm_layer7,norm_layer8"));
    assert_eq!(lines.count(), 2 * 3);
    for name in ["compare-norms.svg", "compare-speed.svg", "compare-training.svg"] {
        let svg = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(svg.starts_with("<svg") && svg.len() > 3000, "{name}");
    }
}

#[test]
fn compare_takes_settings_and_reports_the_books_numbers_beside_ours() {
    let dir = tmp("settings");
    let (ok, out, err) =
        gradlab(&["compare", "--preset", "large-scaled", "--epochs", "1", "--b", "eta=0.5,mini-batch=20", "--seed", "3", "--out", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("B: sigmoid scaled weights, 1 hidden × 30, η = 0.5, λ = 5, m = 20") && out.contains("Same seed (3)"), "{out}");
    assert!(out.contains("after epoch 1 A under 87 %, B almost 93 %") && out.contains("Here (the 8000-image subset): after epoch 1 A "), "{out}");
    // Without a preset, A and B start from the book's network.
    let (ok, out, err) = gradlab(&["compare", "--b", "activation=tanh", "--epochs", "1", "--out", dir.to_str().unwrap()]);
    assert!(ok && out.contains("A: sigmoid scaled weights, 1 hidden × 30, η = 0.1") && out.contains("B: tanh scaled"), "{err}{out}");
}

#[test]
fn help_lists_compare_its_presets_and_the_summary() {
    let (ok, out, _) = gradlab(&["--help"]);
    assert!(ok && out.contains("compare"), "{out}");
    let (ok, out, _) = gradlab(&["compare", "--help"]);
    for p in gradlab::experiments::PRESETS {
        assert!(ok && out.contains(p.name), "compare --help lacks {}:\n{out}", p.name);
    }
    let (ok, out, _) = gradlab(&["norms", "--help"]);
    assert!(ok && out.contains("--summary") && out.contains("--init scaled,glorot,he --hidden 2,5,10"), "{out}");
}

#[test]
fn compare_names_what_is_wrong() {
    for (args, says) in [
        (&["compare", "--preset", "nope"][..], "no preset named \"nope\"; the presets are sigmoid-relu, large-scaled"),
        (&["compare", "--a", "activation=softmax"], "--a activation=softmax"),
        (&["compare", "--b", "hidden=11"], "between 1 and 10, but is 11"),
        (&["compare", "--b", "eta"], "expected KEY=VALUE"),
        (&["compare", "--b", "colour=red"], "unknown setting"),
        (&["compare", "--a", "gain=x"], "the gain must be a number"),
    ] {
        let (ok, _, err) = gradlab(args);
        assert!(!ok && err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn norms_summary_prints_the_ratio_table_for_every_pair_and_depth() {
    let dir = tmp("summary");
    let (ok, out, err) = gradlab(&[
        "norms",
        "--summary",
        "--activation",
        "sigmoid,relu",
        "--init",
        "scaled,he",
        "--hidden",
        "2,5",
        "--seeds",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("| activation | initialisation | 2 hidden layers | 5 hidden layers |"), "{out}");
    let row = |f: &str, i: &str| -> Vec<f64> {
        let line = out.lines().find(|l| l.starts_with(&format!("| {f} | {i} |"))).unwrap_or_else(|| panic!("no row {f} {i}:\n{out}"));
        line.split('|').skip(3).filter(|c| c.contains('±')).map(|c| c.split('±').next().unwrap().trim().parse().unwrap()).collect()
    };
    let (sig, relu) = (row("sigmoid", "scaled"), row("relu", "he"));
    // The sigmoid's first layer falls behind with depth; ReLU + He keeps it near the last.
    assert!(sig[1] < sig[0] / 10.0 && sig[1] < 0.05, "{sig:?}");
    assert!(relu.iter().all(|r| (0.3..3.0).contains(r)), "{relu:?}");
    let csv = std::fs::read_to_string(dir.join("norms-ratios.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 * 2 * 2 * 3);
    let (ok, _, err) = gradlab(&["norms", "--activation", "sigmoid,relu", "--seeds", "1"]);
    assert!(!ok && err.contains("--summary"), "{err}");
}
