//! Momentum (book, Chapter 3) and Nesterov's variant: μ = 0 is plain SGD bit for bit, the
//! trainer's momentum equals the book's formula applied an example at a time, Nesterov's
//! step equals one worked by hand, and Sutskever et al.'s schedule has its values.

mod common;
use common::*;
use gradlab::data::Dataset;
use gradlab::train::Momentum;
use gradlab::{network2, Activation, Cost, Network, Rng, TrainConfig, Trainer};
use ndarray::{array, Array1, Array2, Zip};

fn bits<F: gradlab::Real>(net: &Network<F>) -> Vec<u64> {
    net.weights()
        .iter()
        .flat_map(|w| w.iter().map(|v| v.to_f64_exact().to_bits()).collect::<Vec<_>>())
        .chain(net.biases().iter().flat_map(|b| b.iter().map(|v| v.to_f64_exact().to_bits()).collect::<Vec<_>>()))
        .collect()
}

#[test]
fn momentum_zero_is_plain_sgd_bit_for_bit() {
    let data = synthetic(47, 5, 4, 3);
    for nesterov in [false, true] {
        for schedule in [false, true] {
            let (net, rng) = gradlab::experiments::seeded_network::<f32>(&[25, 9, 7, 4], gradlab::Init::Scaled, 1.0, 11).unwrap();
            let config = TrainConfig { mini_batch_size: 4, ..TrainConfig::default() };
            let mut plain = Trainer::new(net.clone(), config, rng.clone(), &data).unwrap();
            let mut with = Trainer::new(net, config, rng, &data).unwrap();
            with.set_momentum(Momentum { mu: 0.0, nesterov, schedule }).unwrap();
            for _ in 0..3 {
                plain.run_epoch().unwrap();
                with.run_epoch().unwrap();
            }
            assert_eq!(bits(&plain.net), bits(&with.net), "nesterov {nesterov} schedule {schedule}");
        }
    }
    // And μ > 0 does change the numbers: the comparison above is not vacuous.
    let (net, rng) = gradlab::experiments::seeded_network::<f32>(&[25, 9, 7, 4], gradlab::Init::Scaled, 1.0, 11).unwrap();
    let mut a = Trainer::new(net.clone(), TrainConfig::default(), rng.clone(), &data).unwrap();
    let mut b = Trainer::new(net, TrainConfig::default(), rng, &data).unwrap();
    b.set_momentum(Momentum { mu: 0.5, nesterov: false, schedule: false }).unwrap();
    a.run_epoch().unwrap();
    b.run_epoch().unwrap();
    assert_ne!(bits(&a.net), bits(&b.net));
}

/// The book's momentum, an example at a time as network2's `update_mini_batch` sums the
/// gradient: v ← μv − η(∇C/m + (λ/n)w), w ← w + v; Nesterov in the look-ahead form
/// w ← w + μv′ − η(∇C/m + (λ/n)w). Biases without the decay term.
#[allow(clippy::too_many_arguments)]
fn book_momentum_step(
    net: &mut Network<f64>,
    v_w: &mut [Array2<f64>],
    v_b: &mut [Array1<f64>],
    mini_batch: &[(Array1<f64>, Array1<f64>)],
    (eta, lmbda, n): (f64, f64, usize),
    mu: f64,
    nesterov: bool,
) {
    let mut nabla_b: Vec<Array1<f64>> = net.biases().iter().map(|b| Array1::zeros(b.raw_dim())).collect();
    let mut nabla_w: Vec<Array2<f64>> = net.weights().iter().map(|w| Array2::zeros(w.raw_dim())).collect();
    for (x, y) in mini_batch {
        let (db, dw) = network2::backprop(net, x, y);
        nabla_b.iter_mut().zip(&db).for_each(|(a, b)| *a = &*a + b);
        nabla_w.iter_mut().zip(&dw).for_each(|(a, b)| *a = &*a + b);
    }
    let m = mini_batch.len() as f64;
    let mut weights = net.weights().to_vec();
    let mut biases = net.biases().to_vec();
    for ((w, v), nw) in weights.iter_mut().zip(v_w.iter_mut()).zip(&nabla_w) {
        Zip::from(w).and(v).and(nw).for_each(|w, v, &g| {
            let grad = g / m + lmbda / n as f64 * *w;
            *v = mu * *v - eta * grad;
            *w = if nesterov { *w + mu * *v - eta * grad } else { *w + *v };
        });
    }
    for ((b, v), nb) in biases.iter_mut().zip(v_b.iter_mut()).zip(&nabla_b) {
        Zip::from(b).and(v).and(nb).for_each(|b, v, &g| {
            *v = mu * *v - eta * g / m;
            *b = if nesterov { *b + mu * *v - eta * g / m } else { *b + *v };
        });
    }
    let activation = net.activation();
    *net = Network::from_parts(net.sizes().to_vec(), weights, biases, net.cost()).unwrap().with_activation(activation);
}

#[test]
fn trainer_momentum_matches_the_books_formula() {
    let data = synthetic(23, 4, 3, 9);
    let examples = book_examples(&data, 3);
    for (nesterov, f) in [(false, Activation::Sigmoid), (true, Activation::Sigmoid), (false, Activation::Relu), (true, Activation::Tanh)] {
        let net = random_net(&[16, 7, 5, 3], Cost::CrossEntropy, 5).with_activation(f);
        let (eta, lmbda, mu, m) = (0.5, 2.0, 0.9, 5);
        let mut t = Trainer::new(net.clone(), TrainConfig { mini_batch_size: m, eta, lambda: lmbda, shuffle: false }, Rng::new(0), &data).unwrap();
        t.set_momentum(Momentum { mu, nesterov, schedule: false }).unwrap();
        t.run_epoch().unwrap();
        t.run_epoch().unwrap();
        let mut book = net.clone();
        let mut v_w: Vec<_> = net.weights().iter().map(|w| Array2::zeros(w.raw_dim())).collect();
        let mut v_b: Vec<_> = net.biases().iter().map(|b| Array1::zeros(b.raw_dim())).collect();
        for _ in 0..2 {
            for mb in examples.chunks(m) {
                book_momentum_step(&mut book, &mut v_w, &mut v_b, mb, (eta, lmbda, data.len()), mu, nesterov);
            }
        }
        for l in 0..3 {
            let got: Vec<f64> = t.net.weights()[l].iter().copied().collect();
            let want: Vec<f64> = book.weights()[l].iter().copied().collect();
            let err = max_rel_diff(&got, &want, 1e-9);
            assert!(err < 1e-10, "nesterov {nesterov} {f:?} layer {l} weights: {err:e}");
            let err = max_rel_diff(t.net.biases()[l].as_slice().unwrap(), book.biases()[l].as_slice().unwrap(), 1e-9);
            assert!(err < 1e-10, "nesterov {nesterov} {f:?} layer {l} biases: {err:e}");
        }
        // Momentum moved the weights further than plain SGD would have: not two equal runs.
        let mut plain = Trainer::new(net.clone(), TrainConfig { mini_batch_size: m, eta, lambda: lmbda, shuffle: false }, Rng::new(0), &data).unwrap();
        plain.run_epoch().unwrap();
        plain.run_epoch().unwrap();
        assert!(
            max_rel_diff(&t.net.weights()[0].iter().copied().collect::<Vec<_>>(), &plain.net.weights()[0].iter().copied().collect::<Vec<_>>(), 1e-9) > 1e-3
        );
    }
}

#[test]
fn nesterov_two_steps_worked_by_hand() {
    // One sigmoid neuron, w = 0.5, b = −0.2; one example x = 1, y = 1; cross-entropy, so
    // ∂C/∂w = (a − y)x and ∂C/∂b = a − y; η = 1, λ = 0, μ = 0.5, n = m = 1.
    let net = Network::<f64>::from_parts(vec![1, 1], vec![array![[0.5]]], vec![array![-0.2]], Cost::CrossEntropy).unwrap();
    let data = Dataset::new(vec![255], vec![0], 1, 1).unwrap();
    // One output neuron, label 0 → y = 1 for neuron 0.
    let mut t = Trainer::new(net, TrainConfig { mini_batch_size: 1, eta: 1.0, lambda: 0.0, shuffle: false }, Rng::new(0), &data).unwrap();
    t.set_momentum(Momentum { mu: 0.5, nesterov: true, schedule: false }).unwrap();
    // Step 1 at (w, b) = (0.5, −0.2): z = 0.3, a = σ(0.3) = 0.574442516811659, g = a − 1 = −0.425557483188341.
    // v = −η g = 0.425557483188341 (both); w = 0.5 + μv − ηg = 0.5 + 0.2127787415941705 + 0.425557483188341 = 1.1383362247825115;
    // b = −0.2 + 0.6383362247825115 = 0.4383362247825115.
    t.run_epoch().unwrap();
    let (w, b) = (t.net.weights()[0][[0, 0]], t.net.biases()[0][0]);
    assert!((w - 1.138_336_224_782_511_5).abs() < 1e-14, "w after step 1: {w}");
    assert!((b - 0.438_336_224_782_511_5).abs() < 1e-14, "b after step 1: {b}");
    // Step 2 (worked in Python's math module): z = w + b = 1.5766724495650228,
    // a = σ(z) = 0.8287327393204915, g = −0.17126726067950848;
    // v′ = 0.5·0.42555748318834097 + 0.17126726067950848 = 0.38404600227367897;
    // w = 1.1383362247825115 + 0.5·v′ + 0.17126726067950848 = 1.5016264865988596.
    t.run_epoch().unwrap();
    let (w, b) = (t.net.weights()[0][[0, 0]], t.net.biases()[0][0]);
    assert!((w - 1.501_626_486_598_859_6).abs() < 1e-14, "w after step 2: {w}");
    assert!((b - 0.801_626_486_598_859_4).abs() < 1e-14, "b after step 2: {b}");
}

#[test]
fn sutskever_schedule_and_bad_values() {
    let m = Momentum { mu: 0.99, nesterov: true, schedule: true };
    // μ_t = min(1 − 2^(−1 − log₂(⌊t/250⌋ + 1)), μ_max).
    for (t, want) in
        [(0, 0.5), (249, 0.5), (250, 0.75), (749, 1.0 - 1.0 / 6.0), (750, 0.875), (1750, 0.9375), (250 * 31, 0.984375), (250 * 63, 0.99), (250 * 1000, 0.99)]
    {
        assert!((m.mu_at(t) - want).abs() < 1e-15, "t = {t}: {} vs {want}", m.mu_at(t));
    }
    assert_eq!(Momentum { mu: 0.9, nesterov: false, schedule: false }.mu_at(12345), 0.9);
    for bad in [1.0, -0.1, f64::NAN, f64::INFINITY] {
        let e = Momentum { mu: bad, ..Momentum::default() }.validate().unwrap_err();
        assert_eq!(e.to_string(), format!("the momentum μ must be a number in [0, 1), but is {bad}"));
    }
    assert!(Momentum { mu: 0.0, ..Momentum::default() }.validate().is_ok());
}
