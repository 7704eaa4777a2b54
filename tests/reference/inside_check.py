"""An independent reference for `gradlab inside` (issue 10): numpy's SVD of each hidden
layer's factor J_l = diag(f'(z^l)) (w^{l+1})^T, and the per-image ratios
||delta^l|| / ||delta^{l+1}|| from a backprop written here.

For each network below (written here in network2's JSON format), `gradlab inside
--network FILE --per-image` prints every probe image's singular values, f'(z^l) and
ratio. This script then

1. runs its own forward pass and checks gradlab's f'(z^l) against it (1e-12 absolute);
2. builds J_l from those f' and the file's weights and checks gradlab's singular values
   against numpy.linalg.svd: 1e-6 relative for every value above 1e-6 of the matrix's
   largest (below that, numpy's own error of a few eps * sigma_max dominates, so those
   are held to 1e-12 * sigma_max);
3. checks the per-image ratios against its own backprop (1e-9 relative), and the pooled
   summaries (largest, median, smallest, root-mean-square) against numpy's.

Run alone: python3 tests/reference/inside_check.py; network2_check.py runs it too.
"""
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from network2_check import gradlab, max_rel, training_data  # noqa: E402

ACTIVATIONS = {
    # f, f' as functions of z (the sigmoid's as network2's sigmoid_prime computes it).
    "sigmoid": (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda z: (1.0 / (1.0 + np.exp(-z))) * (1 - 1.0 / (1.0 + np.exp(-z)))),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
}


def forward_backward(weights, biases, f_name, x, y):
    """a^l, f'(z^l) of the hidden layers, and delta^l = dC/dz^l (cross-entropy) of every layer."""
    f, fp = ACTIVATIONS[f_name]
    sig = ACTIVATIONS["sigmoid"][0]
    a, zs, acts = x, [], [x]
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = w @ a + b
        zs.append(z)
        a = sig(z) if i == len(weights) - 1 else f(z)
        acts.append(a)
    deltas = [acts[-1] - y]
    for i in range(len(weights) - 1, 0, -1):
        deltas.insert(0, (weights[i].T @ deltas[0]) * fp(zs[i - 1]))
    return [fp(z) for z in zs[:-1]], deltas


def write_net(path, sizes, rng, scale, activation):
    weights = [rng.standard_normal((y, x)) * scale(x) for x, y in zip(sizes[:-1], sizes[1:])]
    biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
    data = {"sizes": sizes, "weights": [w.tolist() for w in weights], "biases": [b.tolist() for b in biases],
            "cost": "CrossEntropyCost"}
    if activation != "sigmoid":
        data["activation"] = activation
    with open(path, "w") as fh:
        json.dump(data, fh)
    return weights, biases


def summary(values):
    v = np.sort(np.asarray(values).ravel())
    return {"largest": v[-1], "median": float(np.median(v)), "smallest": v[0], "rms": float(np.sqrt(np.mean(v * v)))}


def run(check, tmp):
    rng = np.random.default_rng(20260110)
    count = 40
    data = training_data(count)
    cases = [
        ("book sigmoid, gain 1", [784, 30, 30, 30, 30, 10], lambda n: 1 / np.sqrt(n), "sigmoid"),
        ("book sigmoid, gain 8 (saturated)", [784, 30, 30, 30, 30, 10], lambda n: 8 / np.sqrt(n), "sigmoid"),
        ("ReLU + He, uneven widths", [784, 40, 20, 50, 10], lambda n: np.sqrt(2 / n), "relu"),
    ]
    for name, sizes, scale, f_name in cases:
        path = os.path.join(tmp, "inside-" + str(abs(hash(name))) + ".json")
        weights, biases = write_net(path, sizes, rng, scale, f_name)
        got = json.loads(gradlab("inside", "--network", path, "--count", str(count), "--per-image", "--out", tmp))
        ref = [forward_backward(weights, biases, f_name, x, y) for x, y in data]
        fp_err, sv_rel, sv_abs, ratio_err, sum_err, full = 0.0, 0.0, 0.0, 0.0, 0.0, 0
        for l, layer in enumerate(got["factors"]):
            w_next = weights[l + 1]
            pooled = []
            for k, (fps, deltas) in enumerate(ref):
                fp_got = np.array(layer["fPrime"][k])
                fp_err = max(fp_err, float(np.max(np.abs(fp_got - fps[l].ravel()))))
                J = fp_got[:, None] * w_next.T  # diag(f') (w^{l+1})^T, n_l x n_{l+1}
                want = np.linalg.svd(J, compute_uv=False)
                have = np.array(layer["singularValues"][k])
                top = max(want[0], 1e-300)
                big = want >= 1e-6 * top
                full += int(big.sum())
                sv_rel = max(sv_rel, float(np.max(np.abs(have[big] - want[big]) / want[big])))
                sv_abs = max(sv_abs, float(np.max(np.abs(have - want)) / top))
                pooled.append(want)
                ratio = np.linalg.norm(deltas[l]) / np.linalg.norm(deltas[l + 1])
                ratio_err = max(ratio_err, abs(layer["ratios"][k] - ratio) / ratio)
            s_want = summary(pooled)
            for key in ("largest", "median", "rms"):
                sum_err = max(sum_err, abs(layer["spectrum"][key] - s_want[key]) / s_want[key])
        ok = fp_err < 1e-12 and sv_rel < 1e-6 and sv_abs < 1e-12 and ratio_err < 1e-9 and sum_err < 1e-6 and full > 0
        check(f"inside {name}", ok,
              f"f' {fp_err:.1e}; singular values {sv_rel:.1e} relative ({full} values >= 1e-6 sigma_max), "
              f"{sv_abs:.1e} of sigma_max overall; ratios {ratio_err:.1e}; summaries {sum_err:.1e}")


def main():
    passed, failed = 0, 0

    def check(name, ok, detail):
        nonlocal passed, failed
        print(("ok     " if ok else "FAILED ") + name + ": " + detail)
        passed, failed = passed + ok, failed + (not ok)

    run(check, tempfile.mkdtemp(prefix="gradlab-inside-"))
    print(f"inside reference: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
