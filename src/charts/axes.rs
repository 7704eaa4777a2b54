//! Axes: ranges and ticks chosen here (linear, integer, log₁₀, fixed labels), and the plotters coordinate that draws them.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use super::text::{format_value, minus, superscript};

#[derive(Clone, Debug)]
pub(super) enum Labels {
    /// Linear values divided by 10^factor, with `decimals` decimals.
    Linear { decimals: usize, factor: Option<i32> },
    /// Values are log₁₀ of the quantity; `plain` writes 0.01 … 1000 instead of 10ⁿ.
    Log { plain: bool },
    /// Fixed labels at fixed positions.
    Fixed(Vec<(f64, String)>),
}

#[derive(Clone, Debug)]
pub(super) struct Axis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) major: Vec<f64>,
    pub(super) minor: Vec<f64>,
    pub(super) labels: Labels,
}

/// Axis ends are kept within ±BIG so spans stay finite; values beyond are pinned.
pub(super) const BIG: f64 = f64::MAX / 4.0;

fn sane_range(lo: f64, hi: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (lo.clamp(-BIG, BIG), hi.clamp(-BIG, BIG));
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    if hi - lo <= 1e-12 * lo.abs().max(hi.abs()) {
        let d = if lo == 0.0 { 1.0 } else { (lo.abs() * 0.1).max(1e-300) };
        lo -= d;
        hi += d;
    }
    if hi > lo {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// A step of 1, 2 or 5 × 10ⁿ giving the number of intervals over `span` nearest to
/// `target`.
fn nice_step(span: f64, target: usize) -> f64 {
    let target = target.max(1) as f64;
    let raw = span / target;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .min_by(|a, b| ((span / a).ln() - target.ln()).abs().total_cmp(&((span / b).ln() - target.ln()).abs()))
        .unwrap_or(raw)
}

pub(super) fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let k0 = (lo / step - 1e-9).ceil();
    (0..200).map(|i| (k0 + i as f64) * step).take_while(|t| *t <= hi + step * 1e-9).map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t }).collect()
}

impl Axis {
    /// A linear axis; `factor` allows a common ×10ⁿ for very small or large values.
    pub(super) fn linear(lo: f64, hi: f64, target: usize, factor: bool) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let step = nice_step(hi - lo, target);
        let major = ticks(lo, hi, step);
        let mx = lo.abs().max(hi.abs());
        let fe = (factor && !(1e-2..1e5).contains(&mx)).then(|| mx.log10().floor() as i32);
        let s = step / 10f64.powi(fe.unwrap_or(0));
        let decimals = (-s.log10() - 1e-9).ceil().max(0.0) as usize;
        Axis { lo, hi, major, minor: vec![], labels: Labels::Linear { decimals: decimals.min(12), factor: fe } }
    }

    /// A linear axis with integer ticks (epochs, neurons, layers).
    pub(super) fn integer(lo: f64, hi: f64, target: usize) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let step = nice_step(hi - lo, target).max(1.0).round();
        Axis { lo, hi, major: ticks(lo, hi, step), minor: vec![], labels: Labels::Linear { decimals: 0, factor: None } }
    }

    /// A log axis over exponents `lo..hi` (log₁₀ of the values).
    pub(super) fn log(lo: f64, hi: f64, target: usize) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let e0 = lo.ceil() as i64;
        let e1 = hi.floor() as i64;
        let decades = (e1 - e0 + 1).max(0);
        let step = [1i64, 2, 3, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].into_iter().find(|s| decades / s <= target.max(2) as i64).unwrap_or(1000);
        let mut major: Vec<f64> = (e0..=e1).filter(|e| e.rem_euclid(step) == 0).map(|e| e as f64).collect();
        let mut minor: Vec<f64> = Vec::new();
        if hi - lo <= 8.0 {
            for e in (lo.floor() as i64)..=(hi.ceil() as i64) {
                for m in 2..=9 {
                    let v = e as f64 + (m as f64).log10();
                    if v >= lo && v <= hi {
                        minor.push(v);
                    }
                }
            }
        } else if step > 1 {
            let sub = match step {
                2 | 3 | 5 => 1,
                10 | 20 | 50 | 100 | 200 | 500 | 1000 => step / 5,
                _ => step / 5,
            }
            .max(1);
            minor = (e0..=e1).filter(|e| e.rem_euclid(sub) == 0 && e.rem_euclid(step) != 0).map(|e| e as f64).collect();
        }
        // Narrow ranges: label 2× and 5×, and if that is still too few, every n×10ᵏ.
        for wanted in [&[2.0, 5.0][..], &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0][..]] {
            if major.len() < 3 && hi - lo <= 2.5 {
                let extra: Vec<f64> = minor
                    .iter()
                    .copied()
                    .filter(|v| {
                        let m = 10f64.powf(v - v.floor());
                        wanted.iter().any(|w| (m - w).abs() < 1e-6) && !major.iter().any(|x| (x - v).abs() < 1e-9)
                    })
                    .collect();
                major.extend(extra);
                major.sort_by(f64::total_cmp);
            }
        }
        let plain = major.iter().all(|v| (-3.0 - 1e-9..=3.0 + 1e-9).contains(v));
        Axis { lo, hi, major, minor, labels: Labels::Log { plain } }
    }

    pub(super) fn fixed(lo: f64, hi: f64, items: Vec<(f64, String)>) -> Axis {
        let (lo, hi) = sane_range(lo, hi);
        let major = items.iter().map(|p| p.0).filter(|v| *v >= lo && *v <= hi).collect();
        Axis { lo, hi, major, minor: vec![], labels: Labels::Fixed(items) }
    }

    pub(super) fn label(&self, v: f64) -> String {
        match &self.labels {
            Labels::Linear { decimals, factor } => {
                let x = v / 10f64.powi(factor.unwrap_or(0));
                if x.abs() < 1e-12 {
                    return "0".into();
                }
                minus(format!("{:.*}", decimals, x))
            }
            Labels::Log { plain } => {
                let r = v.round();
                if (v - r).abs() < 1e-9 && !plain {
                    format!("10{}", superscript(r as i64))
                } else {
                    format_value(10f64.powf(v), if *plain { 2 } else { 1 })
                }
            }
            Labels::Fixed(items) => items.iter().find(|(p, _)| (p - v).abs() <= 1e-9 * p.abs().max(1.0)).map(|(_, s)| s.clone()).unwrap_or_default(),
        }
    }

    pub(super) fn clamp(&self, v: f64) -> f64 {
        v.max(self.lo).min(self.hi)
    }
}

/// log₁₀ of the finite positive values; `None` for the rest.
pub(super) fn lg(v: f64) -> Option<f64> {
    (v.is_finite() && v > 0.0).then(|| v.log10())
}

/// Exponent range covering `exps` widened by `margin` on whole decades (at least one
/// decade), or `default`.
pub(super) fn decade_range(exps: impl IntoIterator<Item = f64>, default: (f64, f64), margin: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for e in exps {
        if e.is_finite() {
            lo = lo.min(e);
            hi = hi.max(e);
        }
    }
    if !lo.is_finite() {
        return default;
    }
    let (mut lo, mut hi) = ((lo - margin + 1e-9).floor(), (hi + margin - 1e-9).ceil());
    if hi - lo < 1.0 {
        lo -= 0.5;
        hi += 0.5;
        lo = lo.floor();
        hi = hi.ceil();
    }
    (lo, hi)
}

/// Like [`decade_range`], but a range narrower than a decade stays narrow (for lines).
pub(super) fn tight_log_range(exps: impl IntoIterator<Item = f64> + Clone, default: (f64, f64)) -> (f64, f64) {
    match finite_minmax(exps.clone()) {
        Some((a, b)) if b - a < 1.0 => {
            let pad = ((b - a) * 0.15).max(0.05);
            (a - pad, b + pad)
        }
        _ => decade_range(exps, default, 0.0),
    }
}

pub(super) fn finite_minmax(vals: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let mut r: Option<(f64, f64)> = None;
    for v in vals.into_iter().filter(|v| v.is_finite()) {
        r = Some(match r {
            None => (v, v),
            Some((a, b)) => (a.min(v), b.max(v)),
        });
    }
    r
}

// Panel: a cartesian chart with our axes; everything else is drawn in pixels
// ---------------------------------------------------------------------------------------

/// A linear plotters coordinate with our own key points (bold = labelled ticks and grid
/// lines, light = minor grid lines).
#[derive(Clone, Debug)]
pub(super) struct AxisCoord {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) major: Vec<f64>,
    pub(super) minor: Vec<f64>,
}

impl Ranged for AxisCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let t = (v - self.lo) / (self.hi - self.lo);
        let p = limit.0 as f64 + t * (limit.1 - limit.0) as f64;
        if p.is_finite() {
            p.round().clamp(-1e9, 1e9) as i32
        } else {
            limit.0
        }
    }
    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.major.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

impl Axis {
    pub(super) fn coord(&self) -> AxisCoord {
        AxisCoord { lo: self.lo, hi: self.hi, major: self.major.clone(), minor: self.minor.clone() }
    }
}

/// How many ticks fit in `len` pixels at `spacing` pixels per tick.
pub(super) fn fit(len: u32, spacing: f64) -> usize {
    ((len as f64 / spacing.max(1.0)).floor() as usize).clamp(2, 12)
}
