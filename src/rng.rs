//! A small, seeded, platform-independent random generator.
//!
//! The same seed must give the same network on every machine and in the browser, so the
//! generator and the normal sampler are written out here rather than taken from a crate
//! whose algorithms may change between versions.
//!
//! * Generator: xoshiro256++ (Blackman & Vigna, 2019, <https://prng.di.unimi.it/>), state
//!   filled from the seed with SplitMix64, as its authors recommend.
//! * Normal deviates: the Box–Muller transform (Box & Muller, 1958) in `f64`.
//! * Shuffling: Fisher–Yates with Lemire's unbiased bounded integers (Lemire, 2019).

/// xoshiro256++ seeded through SplitMix64.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
    /// Box–Muller yields normals in pairs; the second one waits here.
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator whose whole stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            // SplitMix64 (Steele, Lea & Flood, 2014).
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng { s: [next(), next(), next(), next()], spare_normal: None }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = (s[0].wrapping_add(s[3])).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, bound), unbiased (Lemire's multiply-and-reject).
    pub fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "below(0) has no value to return");
        let mut m = (self.next_u64() as u128) * (bound as u128);
        if (m as u64) < bound {
            let threshold = bound.wrapping_neg() % bound;
            while (m as u64) < threshold {
                m = (self.next_u64() as u128) * (bound as u128);
            }
        }
        (m >> 64) as u64
    }

    /// A standard normal deviate N(0, 1).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        // 1 − U lies in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u2;
        self.spare_normal = Some(r * theta.sin());
        r * theta.cos()
    }

    /// Shuffle a slice in place (Fisher–Yates), as `random.shuffle` does in network2.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_different_seed_differs() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..8).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..8).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = Rng::new(8);
            (0..8).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn normal_moments_are_standard() {
        let mut r = Rng::new(1);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard errors: 1/sqrt(n) ≈ 0.0022 for the mean, sqrt(2/n) ≈ 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.015, "variance {var}");
    }

    #[test]
    fn below_is_in_range_and_shuffle_is_a_permutation() {
        let mut r = Rng::new(3);
        for bound in [1u64, 2, 3, 10, 1000] {
            for _ in 0..100 {
                assert!(r.below(bound) < bound);
            }
        }
        let mut v: Vec<usize> = (0..100).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }

    /// Known answers, computed independently of this file: a Python transcription of
    /// SplitMix64, xoshiro256++ and Box–Muller (integers masked to 64 bits, `math.log`,
    /// `math.cos`, `math.sin` on doubles), the first outputs of `Rng::new(seed)`. Networks
    /// in shared links are drawn from this stream, so it must never change.
    #[test]
    fn first_values_match_an_independent_transcription() {
        let u64s: [(u64, [u64; 4]); 4] = [
            (0, [0x53175d61490b23df, 0x61da6f3dc380d507, 0x5c0fdf91ec9a7bfc, 0x02eebf8c3bbe5e1a]),
            (1, [0xcfc5d07f6f03c29b, 0xbf424132963fe08d, 0x19a37d5757aaf520, 0xbf08119f05cd56d6]),
            (7, [0x0e2c1a002aae913d, 0x2c0fc8ddfa4e9e14, 0xb7b311b3b0d45872, 0x6d5d9f6a6318013c]),
            (2015, [0x6d335627880c16b6, 0x29253e2d9723f5c9, 0x805cae1b548ab3fc, 0x439544d3e6900c72]),
        ];
        for (seed, want) in u64s {
            let mut r = Rng::new(seed);
            assert_eq!([r.next_u64(), r.next_u64(), r.next_u64(), r.next_u64()], want, "seed {seed}");
        }
        let normals: [(u64, [f64; 4]); 4] = [
            (0, [-0.6542651266405949, 0.5972974560105194, 0.9416837800043749, 0.06789694564659411]),
            (1, [-0.03323709594059198, -1.8268552784710965, -0.01091916499162517, -0.45927897018510994]),
            (7, [0.15864398364230053, 0.29788548717637203, -1.4267532562805325, 0.7021877504972655]),
            (2015, [0.5610333194791378, 0.893007019882578, -0.10362150405009447, 1.175253889372632]),
        ];
        for (seed, want) in normals {
            let mut r = Rng::new(seed);
            for (k, w) in want.into_iter().enumerate() {
                let z = r.normal();
                // ln, cos and sin may differ in the last bit between maths libraries.
                assert!((z - w).abs() <= 4.0 * f64::EPSILON * w.abs(), "seed {seed}, normal {k}: {z} vs {w}");
            }
        }
    }
}
