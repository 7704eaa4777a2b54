//! `gradlab compare`, `gradlab cures` and `gradlab norms --summary` as a user runs them: tables, files,
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
        (&["compare", "--a", "residual=yes"], "--a residual=yes: must be true or false"),
        (&["compare", "--b", "momentum=1"], "μ must be a number in [0, 1), but is 1"),
        (&["compare", "--b", "batch-norm=true,mini-batch=1"], "at least 2 examples"),
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

/// Issue 12's keys: skip connections, batch norm and momentum on either side.
#[test]
fn compare_takes_the_cures_beyond_the_book() {
    let dir = tmp("cures-keys");
    let (ok, out, err) = gradlab(&[
        "compare",
        "--b",
        "hidden=2,residual=true,batch-norm=true,momentum=0.9,nesterov=true,momentum-schedule=true",
        "--a",
        "hidden=2",
        "--epochs",
        "1",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("A: sigmoid scaled weights, 2 hidden × 30, η = 0.1, λ = 5, m = 10\n"), "{out}");
    assert!(out.contains("B: sigmoid scaled weights, residual, batch norm, 2 hidden × 30, η = 0.1, λ = 5, m = 10, nesterov μ = 0.9 (scheduled)"), "{out}");
    let rows = table(&out);
    assert_eq!(rows.len(), 2, "{out}");
    assert!(rows[1][1] > 50.0 && rows[1][5] > 50.0, "both learn: {rows:?}");
    let (ok, out, err) = gradlab(&["compare", "--preset", "plain-residual", "--epochs", "1", "--out", dir.to_str().unwrap()]);
    assert!(ok && out.contains("B: sigmoid scaled weights, residual, 10 hidden × 30"), "{err}{out}");
    let last = &table(&out)[1];
    assert!(last[1] < 20.0 && last[5] > 70.0, "{last:?}");
    // Batch norm: its side's speed of learning is ‖∂C/∂β^l‖, in words and on the charts.
    let (ok, out, err) = gradlab(&["compare", "--preset", "batch-norm", "--epochs", "1", "--out", dir.to_str().unwrap()]);
    assert!(ok && out.contains("a batch-normalised side's ‖δ^l‖ below is ‖∂C/∂β^l‖"), "{err}{out}");
    let svg = std::fs::read_to_string(dir.join("compare-norms.svg")).unwrap();
    assert!(svg.contains("A ‖δˡ‖, B ‖∂C/∂βˡ‖ (log scale)"), "the y-axis says β");
}

/// The README's table of issue 12, small: one seed, one epoch, 3 hidden layers.
#[test]
fn cures_prints_the_grid_of_architectures_and_momentum() {
    let dir = tmp("cures");
    let (ok, out, err) = gradlab(&["cures", "--seeds", "2", "--epochs", "1", "--hidden", "3", "--out", dir.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("3 hidden sigmoid layers of 30, η = 0.1, λ = 5, m = 10: validation accuracy after 1 epochs"), "{out}");
    assert!(out.contains("| network | SGD | momentum 0.9 | ‖δ¹‖/‖δᴸ‖ at initialisation |"), "{out}");
    let row = |name: &str| -> Vec<f64> {
        let line = out.lines().find(|l| l.starts_with(&format!("| {name} |"))).unwrap_or_else(|| panic!("no row {name}:\n{out}"));
        line.split('|').skip(2).filter(|c| c.contains('±')).map(|c| c.split('±').next().unwrap().trim().parse().unwrap()).collect()
    };
    let (plain, residual, bn, both) = (row("plain"), row("residual"), row("batch norm"), row("residual + batch norm"));
    assert_eq!([plain.len(), residual.len(), bn.len(), both.len()], [5; 4], "{out}");
    // Batch norm's ratio at initialisation is the plain network's (running statistics N(0, 1)).
    assert_eq!((bn[2], both[2]), (plain[2], residual[2]), "{out}");
    // Skip connections keep layer 1 learning: its ratio is far above the plain network's.
    assert!(residual[2] > 10.0 * plain[2] && residual[0] > 50.0, "{out}");
    let csv = std::fs::read_to_string(dir.join("cures.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4 * 2 * 2);
}

#[test]
fn norms_takes_residual_and_batch_norm() {
    let dir = tmp("norms-cures");
    let d = dir.to_str().unwrap();
    let (ok, plain, err) = gradlab(&["norms", "--summary", "--hidden", "5", "--seeds", "2", "--out", d]);
    assert!(ok, "{err}");
    let (ok, res, err) = gradlab(&["norms", "--summary", "--residual", "--hidden", "5", "--seeds", "2", "--out", d]);
    assert!(ok && res.contains(", residual,"), "{err}{res}");
    let ratio = |out: &str| -> f64 {
        let line = out.lines().find(|l| l.starts_with("| sigmoid | scaled |")).unwrap_or_else(|| panic!("{out}"));
        line.split('|').nth(3).unwrap().split('±').next().unwrap().trim().parse().unwrap()
    };
    assert!(ratio(&res) > 30.0 * ratio(&plain), "residual {} plain {}", ratio(&res), ratio(&plain));
    let (ok, out, err) = gradlab(&["norms", "--residual", "--batch-norm", "--hidden", "2", "--seeds", "1", "--out", d]);
    assert!(ok && out.contains("residual true, batch norm true"), "{err}{out}");
}
