"""An independent reference for gradlab: the book's network2, per example, in numpy.

The functions below restate Nielsen's network2.py (backprop, update_mini_batch,
save/load) in Python 3 with column vectors and a loop over the examples of each
mini-batch, exactly as the book's code does. The script then checks gradlab's command
line against it, through network2's own JSON format:

1. a random network is written here in network2's JSON format (as `Network.save` does);
2. `gradlab probe` loads it and prints the mean dC/db per layer over the first N training
   images: compared with this file's backprop;
3. `gradlab train --init … --no-shuffle` trains it one epoch and saves it: compared with
   this file's update_mini_batch over the same images in the same order;
4. the trained network gradlab saved loads here (the other direction of the format);
5. `gradlab inside`'s singular values, f′ and ratios (inside_check.py, issue 10).

Run: python3 tests/reference/network2_check.py   (needs numpy; builds gradlab with cargo)
"""
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


# ---------------------------------------------------------------- network2, restated

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


class CrossEntropyCost:
    @staticmethod
    def delta(z, a, y):
        return a - y


class QuadraticCost:
    @staticmethod
    def delta(z, a, y):
        return (a - y) * sigmoid_prime(z)


class Network:
    def __init__(self, sizes, weights, biases, cost):
        self.sizes, self.weights, self.biases, self.cost = sizes, weights, biases, cost
        self.num_layers = len(sizes)

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def update_mini_batch(self, mini_batch, eta, lmbda, n):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [(1 - eta * (lmbda / n)) * w - (eta / len(mini_batch)) * nw
                        for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def save(self, filename):
        data = {"sizes": self.sizes,
                "weights": [w.tolist() for w in self.weights],
                "biases": [b.tolist() for b in self.biases],
                "cost": str(self.cost.__name__)}
        with open(filename, "w") as f:
            json.dump(data, f)


def load(filename):
    with open(filename) as f:
        data = json.load(f)
    cost = {"CrossEntropyCost": CrossEntropyCost, "QuadraticCost": QuadraticCost}[data["cost"]]
    return Network(data["sizes"], [np.array(w) for w in data["weights"]],
                   [np.array(b) for b in data["biases"]], cost)


def vectorized_result(j):
    e = np.zeros((10, 1))
    e[j] = 1.0
    return e


# ---------------------------------------------------------------- data (IDX, as gradlab reads it)

def read_idx(path):
    raw = gzip.open(path).read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw[4 + 4 * ndim:], dtype=np.uint8).reshape(dims)


def training_data(count):
    images = read_idx(os.path.join(ROOT, "www/data/train-images-idx3-ubyte.gz"))[:count]
    labels = read_idx(os.path.join(ROOT, "www/data/train-labels-idx1-ubyte.gz"))[:count]
    # Pixel / 255, gradlab's PIXEL_SCALE.
    return [(img.reshape(784, 1).astype(np.float64) / 255.0, vectorized_result(int(l)))
            for img, l in zip(images, labels)]


# ---------------------------------------------------------------- the checks

def gradlab(*args):
    cmd = ["cargo", "run", "--quiet", "--release", "--bin", "gradlab", "--"] + list(args)
    return subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def max_rel(a, b):
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    return float(np.max(np.abs(a - b) / scale))


def main():
    passed, failed = 0, 0

    def check(name, ok, detail):
        nonlocal passed, failed
        print(("ok     " if ok else "FAILED ") + name + ": " + detail)
        passed, failed = passed + ok, failed + (not ok)

    rng = np.random.default_rng(20151202)
    tmp = tempfile.mkdtemp(prefix="gradlab-ref-")
    for cost in (CrossEntropyCost, QuadraticCost):
        sizes = [784, 30, 20, 10]
        # network2's default_weight_initializer: N(0, 1/n_in) weights, N(0, 1) biases.
        net = Network(sizes,
                      [rng.standard_normal((y, x)) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])],
                      [rng.standard_normal((y, 1)) for y in sizes[1:]], cost)
        init = os.path.join(tmp, f"init-{cost.__name__}.json")
        net.save(init)

        # 2. The probe: mean dC/db over the first N images.
        n_probe = 200
        data = training_data(n_probe)
        sums = [np.zeros(b.shape) for b in net.biases]
        for x, y in data:
            nb, _ = net.backprop(x, y)
            sums = [s + g for s, g in zip(sums, nb)]
        want = [(s / n_probe).ravel() for s in sums[:-1]]
        got = json.loads(gradlab("probe", "--network", init, "--count", str(n_probe)))
        err = max(max_rel(g["delta"], w) for g, w in zip(got["layers"], want))
        check(f"probe {cost.__name__}", err < 1e-12 and len(got["layers"]) == 2, f"max relative difference {err:.1e}")

        # 3. One epoch of mini-batch SGD without shuffling, uneven last batch (n = 305, m = 10).
        n, m, eta, lmbda = 305, 10, 0.5, 5.0
        data = training_data(n)
        for k in range(0, n, m):
            net.update_mini_batch(data[k:k + m], eta, lmbda, n)
        out = os.path.join(tmp, f"trained-{cost.__name__}.json")
        gradlab("train", "--init", init, "--no-shuffle", "--epochs", "1", "--mini-batch", str(m),
                "--eta", str(eta), "--lambda", str(lmbda), "--limit", str(n), "--save", out,
                "--out", tmp)
        trained = load(out)  # 4. gradlab's file loads with network2's loader.
        err_w = max(max_rel(a, b) for a, b in zip(trained.weights, net.weights))
        err_b = max(max_rel(a, b) for a, b in zip(trained.biases, net.biases))
        moved = max_rel(trained.biases[0], load(init).biases[0])
        check(f"train {cost.__name__}", err_w < 1e-10 and err_b < 1e-10 and moved > 1e-3,
              f"weights {err_w:.1e}, biases {err_b:.1e} (parameters moved by {moved:.1e})")

    # Issue 10's factors J_l: numpy's SVD against `gradlab inside` (tests/reference/inside_check.py).
    import inside_check
    inside_check.run(check, tmp)

    print(f"network2 reference: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
