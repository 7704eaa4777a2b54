//! Singular values of a small real matrix by one-sided Jacobi (Hestenes, 1958).
//!
//! Why not a crate: nalgebra or faer would add far more to the wasm module than its budget
//! has left (≤ 250 KB gzip for the whole module, ~249 KB used), and the matrices here are
//! small (each side ≤ 200). Why one-sided Jacobi rather than the eigenvalues of a Gram
//! matrix JᵀJ: squaring loses every singular value below ~√ε·σ_max ≈ 1e-8·σ_max, and a
//! saturated sigmoid layer has σ′(z) down to 1e-20, so its smallest singular values would
//! be rounding noise. One-sided Jacobi rotates the columns of X until they are orthogonal;
//! the singular values are then the columns' lengths. Applied to X = W·D (a diagonal
//! scaling of the columns, which is exactly the shape of Jᵀ = w^{l+1} Σ′(z^l)), it
//! computes even tiny singular values to high *relative* accuracy (Demmel & Veselić,
//! "Jacobi's method is more accurate than QR", 1992), and it is about 50 lines.
//!
//! Cost: ~4·m·n² flops per sweep for n columns of length m, usually 6–10 sweeps.

/// The singular values of the `m × n` matrix whose column `j` is
/// `cols[j·m .. (j + 1)·m]`, largest first (n of them; orient the matrix so that n ≤ m
/// to get exactly min(m, n), since the extra n − m are zero). `cols` is overwritten
/// (with X·V, whose columns are the left singular vectors times σ).
pub fn singular_values(cols: &mut [f64], m: usize) -> Vec<f64> {
    let n = cols.len().checked_div(m).unwrap_or(0);
    // Converged when every pair's cosine is below this (LAPACK's dgesvj uses √m·ε).
    let tol = (m as f64).sqrt() * f64::EPSILON;
    let mut norm2: Vec<f64> = (0..n).map(|j| dot(col(cols, m, j), col(cols, m, j))).collect();
    // Quadratic convergence makes 10 sweeps typical; 60 is a guard against a cycle.
    for _ in 0..60 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let (a, b) = (norm2[p], norm2[q]);
                let (xp, xq) = pair(cols, m, p, q);
                let g = dot(xp, xq);
                if g.abs() <= tol * (a.sqrt() * b.sqrt()) {
                    continue; // already orthogonal (or a zero column)
                }
                rotated = true;
                // The rotation that makes columns p and q orthogonal (Demmel, Applied
                // Numerical Linear Algebra, Algorithm 5.5): t = tan θ, the smaller root
                // of t² + 2ζt − 1 = 0.
                let zeta = (b - a) / (2.0 * g);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                for (u, v) in xp.iter_mut().zip(xq.iter_mut()) {
                    let (x, y) = (*u, *v);
                    *u = c * x - s * y;
                    *v = s * x + c * y;
                }
                norm2[p] = a - t * g;
                norm2[q] = b + t * g;
            }
        }
        // The updated lengths drift by rounding: measure them again each sweep.
        for (j, n2) in norm2.iter_mut().enumerate() {
            *n2 = dot(col(cols, m, j), col(cols, m, j));
        }
        if !rotated {
            break;
        }
    }
    let mut sigma: Vec<f64> = norm2.iter().map(|v| v.sqrt()).collect();
    // The same sort as the charts' (one copy of it in the wasm), then largest first.
    sigma.sort_by(f64::total_cmp);
    sigma.reverse();
    sigma
}

fn col(cols: &[f64], m: usize, j: usize) -> &[f64] {
    &cols[j * m..(j + 1) * m]
}

/// Columns p < q, both mutable.
fn pair(cols: &mut [f64], m: usize, p: usize, q: usize) -> (&mut [f64], &mut [f64]) {
    let (lo, hi) = cols.split_at_mut(q * m);
    (&mut lo[p * m..(p + 1) * m], &mut hi[..m])
}

/// x·y with four partial sums, so the additions need not wait for each other (the
/// compiler may not reorder floating-point sums by itself).
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let tail: f64 = xc.remainder().iter().zip(yc.remainder()).map(|(a, b)| a * b).sum();
    for (a, b) in xc.zip(yc) {
        for k in 0..4 {
            s[k] += a[k] * b[k];
        }
    }
    (s[0] + s[1]) + (s[2] + s[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The matrix `cols` (column-major, m rows) times its transpose's action: ‖X v‖.
    fn apply(cols: &[f64], m: usize, v: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; m];
        for (j, &vj) in v.iter().enumerate() {
            for i in 0..m {
                out[i] += cols[j * m + i] * vj;
            }
        }
        out
    }

    #[test]
    fn diagonal_and_known_matrices() {
        // diag(3, −2, 0.5) in column-major order.
        let mut d = vec![3.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 0.5];
        assert_eq!(singular_values(&mut d, 3), vec![3.0, 2.0, 0.5]);
        // [[1, 1], [0, 1]]: σ = (√5 ± 1)/2, the golden ratio and its inverse.
        let mut a = vec![1.0, 0.0, 1.0, 1.0];
        let s = singular_values(&mut a, 2);
        let phi = (1.0 + 5f64.sqrt()) / 2.0;
        assert!((s[0] - phi).abs() < 1e-15 && (s[1] - 1.0 / phi).abs() < 1e-15, "{s:?}");
        // A rank-one matrix u vᵀ: σ = ‖u‖‖v‖ and zeros.
        let (u, v) = ([1.0, 2.0, 2.0], [3.0, 4.0]);
        let mut r: Vec<f64> = v.iter().flat_map(|&vj| u.iter().map(move |&ui| ui * vj)).collect();
        let s = singular_values(&mut r, 3);
        assert!((s[0] - 15.0).abs() < 1e-13 && s[1].abs() < 1e-13, "{s:?}");
        assert!(singular_values(&mut [], 0).is_empty());
    }

    /// Invariants that hold for any matrix: Σσ² = ‖X‖_F², and Π σ = |det X| for a square one;
    /// and for every vector, σ_min ≤ ‖Xv‖/‖v‖ ≤ σ_max.
    #[test]
    fn random_matrices_keep_frobenius_norm_determinant_and_bounds() {
        let mut rng = Rng::new(7);
        for &(m, n) in &[(5, 5), (30, 30), (30, 10), (40, 17), (3, 1)] {
            let x: Vec<f64> = (0..m * n).map(|_| rng.normal()).collect();
            let s = singular_values(&mut x.clone(), m);
            assert_eq!(s.len(), n);
            let frob: f64 = x.iter().map(|v| v * v).sum();
            let sum2: f64 = s.iter().map(|v| v * v).sum();
            assert!((frob - sum2).abs() < 1e-12 * frob, "{m}×{n}: {frob} vs {sum2}");
            if m == n {
                let det = determinant(&x, n).abs();
                let prod: f64 = s.iter().product();
                assert!((det - prod).abs() < 1e-9 * det, "{m}×{n}: |det| {det} vs Πσ {prod}");
            }
            for _ in 0..20 {
                let v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
                let r = apply(&x, m, &v).iter().map(|a| a * a).sum::<f64>().sqrt() / v.iter().map(|a| a * a).sum::<f64>().sqrt();
                assert!(r <= s[0] * (1.0 + 1e-12) && r >= s[n - 1] * (1.0 - 1e-12), "{r} outside [{}, {}]", s[n - 1], s[0]);
            }
        }
    }

    /// A column scaled by 1e-20 (a deeply saturated sigmoid) keeps its singular value to
    /// full relative accuracy: for X = Q·diag(d) with orthonormal Q the singular values
    /// are exactly |d|.
    #[test]
    fn graded_columns_keep_relative_accuracy() {
        let (c, s) = (0.6f64, 0.8f64); // an orthonormal Q = [[c, −s], [s, c]]
        let d = [1.0, 1e-20];
        let mut x = vec![c * d[0], s * d[0], -s * d[1], c * d[1]];
        let sv = singular_values(&mut x, 2);
        assert!((sv[0] - 1.0).abs() < 1e-15 && (sv[1] / 1e-20 - 1.0).abs() < 1e-14, "{sv:?}");
    }

    /// det by Gaussian elimination with partial pivoting (column-major input).
    fn determinant(x: &[f64], n: usize) -> f64 {
        let mut a: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| x[j * n + i]).collect()).collect();
        let mut det = 1.0;
        for k in 0..n {
            let p = (k..n).max_by(|&i, &j| a[i][k].abs().total_cmp(&a[j][k].abs())).unwrap();
            if p != k {
                a.swap(p, k);
                det = -det;
            }
            det *= a[k][k];
            let pivot = a[k].clone();
            for row in a.iter_mut().skip(k + 1) {
                let f = row[k] / pivot[k];
                row.iter_mut().zip(&pivot).skip(k).for_each(|(r, p)| *r -= f * p);
            }
        }
        det
    }
}
