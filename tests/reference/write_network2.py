"""Write a random network in the book's network2 JSON format, as `Network.save` does.

    python3 tests/reference/write_network2.py OUT.json [SIZES] [SEED]
    python3 tests/reference/write_network2.py net.json 784,30,30,10 7

Weights and biases are drawn as network2's `default_weight_initializer` draws them
(N(0, 1/n_in) weights, N(0, 1) biases) and saved by network2_check.Network.save, the
numpy restatement of network2's own save. The browser test of "Load network…"
(tests/e2e/network-file.test.mjs) loads such a file and compares the page's ‖δˡ‖ with
`gradlab probe`.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from network2_check import CrossEntropyCost, Network  # noqa: E402


def main():
    out = sys.argv[1]
    sizes = [int(s) for s in (sys.argv[2] if len(sys.argv) > 2 else "784,30,30,10").split(",")]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = np.random.default_rng(seed)
    net = Network(sizes,
                  [rng.standard_normal((y, x)) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])],
                  [rng.standard_normal((y, 1)) for y in sizes[1:]], CrossEntropyCost)
    net.save(out)


if __name__ == "__main__":
    main()
