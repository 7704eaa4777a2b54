//! The two sparse loops of the first layer, compiled twice on x86-64: for the baseline
//! (SSE2) and for AVX2 + FMA, chosen at run time (std caches the CPU check). On other
//! targets (wasm32 with simd128) the portable version is the only one.

use super::sparse::SparseRows;
use crate::real::{sigmoid, Real};

/// z_r = σ(b + Σ_p x_rp w_{·p}) for every row r of the batch (without σ unless `SIGMA`:
/// another activation is applied by the caller); `z` is `m × n1` row-major, `w1`
/// column-major (`n1` numbers per column). `SIGMA` is a constant, not an argument: a
/// run-time flag cost the f64 sigmoid path ~10 % of its throughput (measured with
/// benches/throughput.rs); only the sigmoid gets the fixed widths, which keeps the wasm small.
#[inline(always)]
fn forward_generic<F: Real, const FMA: bool, const SIGMA: bool>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F]) {
    macro_rules! fixed {
        ($($n:literal)*) => {
            match b1.len() {
                $($n => return forward_fixed::<F, $n, FMA>(w1, b1, x, batch, z),)*
                _ => {}
            }
        };
    }
    if SIGMA {
        fixed!(10 20 30 40 50 60 80 100);
    }
    let n1 = b1.len();
    for (zr, &i) in z.chunks_exact_mut(n1).zip(batch) {
        zr.copy_from_slice(b1);
        for (p, v) in x.row(i) {
            axpy::<F, FMA>(zr, v, &w1[p * n1..(p + 1) * n1]);
        }
        if SIGMA {
            for z in zr.iter_mut() {
                *z = sigmoid(*z);
            }
        }
    }
}

/// The same for a layer width `N` known at compile time: the row of z stays in
/// registers while the columns stream past (the widths the page offers up to 100, the
/// book's 30 among them, take this path; it is ~2× the speed of the general loop). The
/// page's 150 and 200 take the general loop: two more widths would be four more copies
/// of these loops in a wasm module at its size budget, for the two widest networks only.
#[inline(always)]
fn forward_fixed<F: Real, const N: usize, const FMA: bool>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F]) {
    let b: &[F; N] = b1.try_into().expect("width N");
    for (zr, &i) in z.chunks_exact_mut(N).zip(batch) {
        let mut acc = *b;
        for (p, v) in x.row(i) {
            let col: &[F; N] = w1[p * N..(p + 1) * N].try_into().expect("a column of N");
            for j in 0..N {
                acc[j] = madd::<F, FMA>(v, col[j], acc[j]);
            }
        }
        for (z, a) in zr.iter_mut().zip(acc) {
            *z = sigmoid(a);
        }
    }
}

/// w ← decay·w, then w_{·p} −= step·x_rp·δ_r for every non-zero x_rp of the batch.
#[inline(always)]
fn update_generic<F: Real, const FMA: bool>(w1: &mut [F], decay: F, step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
    let n1 = w1.len() / x.width().max(1);
    if decay != F::one() {
        w1.iter_mut().for_each(|w| *w = *w * decay);
    }
    macro_rules! fixed {
        ($($n:literal)*) => {
            match n1 {
                $($n => return update_fixed::<F, $n, FMA>(w1, step, x, batch, delta),)*
                _ => {}
            }
        };
    }
    fixed!(10 20 30 40 50 60 80 100);
    for (d, &i) in delta.chunks_exact(n1).zip(batch) {
        for (p, v) in x.row(i) {
            axpy::<F, FMA>(&mut w1[p * n1..(p + 1) * n1], -step * v, d);
        }
    }
}

#[inline(always)]
fn update_fixed<F: Real, const N: usize, const FMA: bool>(w1: &mut [F], step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
    for (d, &i) in delta.chunks_exact(N).zip(batch) {
        let d: &[F; N] = d.try_into().expect("width N");
        for (p, v) in x.row(i) {
            let a = -step * v;
            let col: &mut [F; N] = (&mut w1[p * N..(p + 1) * N]).try_into().expect("a column of N");
            for j in 0..N {
                col[j] = madd::<F, FMA>(a, d[j], col[j]);
            }
        }
    }
}

/// a·x + y, fused where the CPU has FMA.
#[inline(always)]
fn madd<F: Real, const FMA: bool>(a: F, x: F, y: F) -> F {
    if FMA {
        a.mul_add(x, y)
    } else {
        y + a * x
    }
}

/// y += a·x over two equally long slices (vectorised by the compiler).
#[inline(always)]
fn axpy<F: Real, const FMA: bool>(y: &mut [F], a: F, x: &[F]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = madd::<F, FMA>(a, x, *y);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn forward_avx2<F: Real, const SIGMA: bool>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F]) {
    forward_generic::<F, true, SIGMA>(w1, b1, x, batch, z)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn update_avx2<F: Real>(w1: &mut [F], decay: F, step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
    update_generic::<F, true>(w1, decay, step, x, batch, delta)
}

pub(crate) fn sparse_forward<F: Real>(w1: &[F], b1: &[F], x: &SparseRows<F>, batch: &[usize], z: &mut [F], sigma: bool) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has just been checked for both features.
        return unsafe {
            if sigma {
                forward_avx2::<F, true>(w1, b1, x, batch, z)
            } else {
                forward_avx2::<F, false>(w1, b1, x, batch, z)
            }
        };
    }
    if sigma {
        forward_generic::<F, false, true>(w1, b1, x, batch, z)
    } else {
        forward_generic::<F, false, false>(w1, b1, x, batch, z)
    }
}

pub(crate) fn sparse_update<F: Real>(w1: &mut [F], decay: F, step: F, x: &SparseRows<F>, batch: &[usize], delta: &[F]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        // SAFETY: as above.
        return unsafe { update_avx2(w1, decay, step, x, batch, delta) };
    }
    update_generic::<F, false>(w1, decay, step, x, batch, delta)
}
