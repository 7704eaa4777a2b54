// The numbers behind the comparison's three charts (section 4), one table each, in the
// shape of chartdata.js's tables: the chart's CSV and JSON download, its "Numbers" table
// and its text alternative. `h` is the core's history (src/web/compare.rs `history`):
// {a: [{accuracy, cost, norms}], b: […]}, epoch 0 (at initialisation) first, overflow null.
//
// Pure module: no DOM, no wasm.

import { num, pct, percent } from '../format.js';
import { t } from '../i18n.js';
import { orInf, speedSentence } from '../chartdata.js';

const SUP = (n) => String(n).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]);
const side = (s) => t(`cmp.side.${s}`);
const last = (xs) => xs[xs.length - 1];
const layers = (h, s) => Math.max(0, ...h[s].map((e) => e.norms.length));
/** A's and B's values, or NaN where a side has none (it stopped, or has fewer layers). */
const at = (xs, i) => (i < xs.length ? orInf(xs[i]) : NaN);

/** The quantity side `s` shows: ‖δˡ‖, or ‖∂C/∂βˡ‖ with batch norm (`beta`: {a, b}). */
const q = (beta, s) => t(beta?.[s] ? 'cmp.q.beta' : 'cmp.q.delta');

/** ‖δˡ‖ (‖∂C/∂βˡ‖ with batch norm) per hidden layer of A and B after the last epoch measured. */
export function normsTable(h, beta) {
  const [a, b] = [last(h.a)?.norms ?? [], last(h.b)?.norms ?? []];
  const n = Math.max(a.length, b.length);
  const rows = Array.from({ length: n }, (_, l) => [l + 1, at(a, l), at(b, l)]);
  const says = (s, xs) => t('cmp.cd.side', { side: side(s), s: speedSentence(xs.map(orInf)) || num(orInf(xs[0])) });
  return {
    title: t('cmp.cd.norms.title', { epoch: Math.max(h.a.length, h.b.length) - 1 }),
    columns: [t('cd.col.layer'), `${q(beta, 'a')} ${side('a')}`, `${q(beta, 'b')} ${side('b')}`],
    rows,
    summary: n ? [says('a', a), says('b', b)].join(t('cd.sep')) : t('cd.noEpochs'),
  };
}

/** ‖δˡ‖ (‖∂C/∂βˡ‖) of every hidden layer of A and B before training (epoch 0) and after each epoch. */
export function speedTable(h, beta) {
  const [la, lb] = [layers(h, 'a'), layers(h, 'b')];
  const n = Math.max(h.a.length, h.b.length);
  const cols = (s, L) => Array.from({ length: L }, (_, l) => `${side(s)} ${q(beta, s).replace('ˡ', SUP(l + 1))}`);
  const rows = Array.from({ length: n }, (_, e) => [
    e,
    ...Array.from({ length: la }, (_, l) => at(h.a[e]?.norms ?? [], l)),
    ...Array.from({ length: lb }, (_, l) => at(h.b[e]?.norms ?? [], l)),
  ]);
  const ratio = (s) => {
    const x = last(h[s])?.norms ?? [];
    return t('cmp.cd.side', { side: side(s), s: speedSentence(x.map(orInf)) || '—' });
  };
  return {
    title: t('cmp.cd.speed.title'),
    columns: [t('cd.col.epoch'), ...cols('a', la), ...cols('b', lb)],
    rows,
    summary: n > 1 ? t('cmp.cd.speed.summary', { epochs: n - 1, a: ratio('a'), b: ratio('b') }) : t('cd.noEpochs'),
  };
}

/** Validation accuracy (%) and cost of A and B after each epoch, epoch 1 first. */
export function trainingTable(h) {
  const n = Math.max(h.a.length, h.b.length) - 1;
  const acc = (s, e) => (h[s][e] ? 100 * orInf(h[s][e].accuracy) : NaN);
  const cost = (s, e) => (h[s][e] ? orInf(h[s][e].cost) : NaN);
  const rows = Array.from({ length: Math.max(0, n) }, (_, i) => [i + 1, acc('a', i + 1), acc('b', i + 1), cost('a', i + 1), cost('b', i + 1)]);
  const now = (s) => (h[s].length > 1 ? percent(100 * orInf(last(h[s]).accuracy)) : '—');
  return {
    title: t('cmp.cd.training.title'),
    columns: [t('cd.col.epoch'), `${t('cd.col.accuracy')} ${side('a')}`, `${t('cd.col.accuracy')} ${side('b')}`, `${t('cd.col.cost')} ${side('a')}`, `${t('cd.col.cost')} ${side('b')}`],
    rows,
    summary: n > 0 ? t('cmp.cd.training.summary', { n, a: now('a'), b: now('b') }) : t('cd.noTraining'),
  };
}

/** The charts' descriptions for the core's `draw` (src/web/draw.rs `Chart`). */
export const describe = {
  norms: (h) => ({ a: last(h.a)?.norms ?? [], b: last(h.b)?.norms ?? [] }),
  speed: (h) => ({ a: h.a.map((e) => e.norms), b: h.b.map((e) => e.norms) }),
  training: (h) => ({
    accuracyA: h.a.slice(1).map((e) => (e.accuracy === null ? null : 100 * e.accuracy)),
    accuracyB: h.b.slice(1).map((e) => (e.accuracy === null ? null : 100 * e.accuracy)),
    costA: h.a.slice(1).map((e) => e.cost),
    costB: h.b.slice(1).map((e) => e.cost),
  }),
};

/**
 * A preset's side `s` with a reader's changes `c` ({Activation, Init, Hidden, Eta,
 * Residual, BatchNorm, Momentum, Nesterov, Schedule}, from the settings, state.js `cmpChanges`): ''
 * and 0 keep the preset's value, 'yes'/'no' switch, μ is a number's text. The core
 * validates the result (`Setup`, src/experiments/compare.rs).
 */
export function withChanges(s, c) {
  const yes = (v, was) => (v ? v === 'yes' : was);
  const m = s.momentum ?? { mu: 0, nesterov: false, schedule: false };
  return {
    ...s,
    ...(c.Activation ? { activation: c.Activation } : {}),
    ...(c.Init ? { init: c.Init } : {}),
    ...(c.Hidden ? { hidden: c.Hidden } : {}),
    ...(c.Eta ? { eta: c.Eta } : {}),
    residual: yes(c.Residual, s.residual ?? false),
    batchNorm: yes(c.BatchNorm, s.batchNorm ?? false),
    momentum: { ...m, ...(c.Momentum ? { mu: Number(c.Momentum) } : {}), nesterov: yes(c.Nesterov, m.nesterov), schedule: yes(c.Schedule, m.schedule) },
  };
}

/** Which sides are batch-normalised: their speed of learning is ‖∂C/∂βˡ‖ (i18n.js `compareLabels`). */
export const betaOf = (setups) => ({ a: !!setups?.a.batchNorm, b: !!setups?.b.batchNorm });

/** One side's setup in words ("ReLU, He, 8 hidden layers of 30, η = 0.03"). */
export function setupText(s) {
  const gain = s.gain === 1 ? '' : t('cmp.setup.gain', { gain: s.gain });
  const m = s.momentum ?? { mu: 0, nesterov: false, schedule: false };
  const momentum = m.mu || m.nesterov || m.schedule ? t(m.nesterov ? 'cmp.setup.nesterov' : 'cmp.setup.momentum', { mu: m.mu }) + (m.schedule ? t('cmp.setup.scheduled') : '') : '';
  const biases =
    (s.biases === 'zero' ? t('cmp.setup.zeroBiases') : '') +
    (s.residual ? t('cmp.setup.residual') : '') +
    (s.batchNorm ? t('cmp.setup.batchNorm') : '') +
    momentum;
  return t('cmp.setup', {
    f: t(`act.${s.activation}`),
    init: t(`cmp.weights.${s.init}`),
    gain,
    biases,
    hidden: s.hidden,
    width: s.width,
    eta: s.eta,
    lambda: s.lambda,
    m: s.miniBatch,
  });
}

/** The status after an epoch: "Epoch 3 of 10: A 10.5 %, B 90.3 %." */
export function epochText(h, total) {
  const e = Math.max(h.a.length, h.b.length) - 1;
  const acc = (s) => (h[s].length > e ? pct(orInf(h[s][e].accuracy)) : t('cmp.stopped'));
  return t('cmp.epoch', { e, total, a: acc('a'), b: acc('b') });
}
