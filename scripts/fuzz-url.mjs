// Fuzz the page's URL-state parser (www/state.js `decode` and `parse`) with hostile query
// strings for a set time: a seeded generator mixes a grammar of real keys and values with
// hostile ones (prototype keys, broken percent-encodings, huge and odd numbers, control
// characters, random bytes) and checks after every call that
//   - decode/parse never throw, and take < 50 ms (a link must not hang the page),
//   - the state holds exactly the settings' keys, each within its SETTINGS range or enum
//     (ints are integers, nums finite), nothing from an unknown key,
//   - Object.prototype is untouched and the state is a plain object (`__proto__` harmless),
//   - encode → decode gives the state back (what the page writes, it reads).
// The parser is JavaScript, so it is fuzzed here rather than ported to Rust for cargo-fuzz.
//   node scripts/fuzz-url.mjs [--seconds 600] [--seed 1]
// Exits 1 on the first failure, printing the seed, the iteration and the input.
import { SETTINGS, decode, encode, parse } from '../www/state.js';
import { mulberry32 as rng } from './mulberry32.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const SECONDS = opt('seconds', 600);
const SEED = opt('seed', 1);
/** A link must never stall the page: one frame-and-a-half, generously. */
const SLOW_MS = 50;

const rand = rng(SEED);
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];

const KEYS = Object.keys(SETTINGS);
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__',
  '__proto__[polluted]', 'constructor.prototype.polluted', 'net', 'net.', '.hidden', 'NET.HIDDEN', 'net.hidden ', ' net.hidden',
  'net%2Ehidden', 'net.hidden\u0000', 'net.hídden', '', '=', '&', 'chain.w[]', 'polluted'];
const NUMBERS = ['0', '-0', '1', '-1', '3', '7', '0.5', '.5', '5.', '1e3', '1E-3', '1e309', '-1e309', '1e-400', 'NaN', 'Infinity',
  '-Infinity', '+5', '0x10', '0b11', '0o7', '1_000', '١٢', '５', ' 4 ', '\t6\n', '4294967295', '4294967296', '9007199254740993',
  '-4294967296', '2.5', '3.5', '-2.5', '1e-7', 'abc', '', ' ', '1,5', '1.5.5', '--1', '1e', 'e1', '0.0001', '100', '1000', '1001'];
const STRINGS = ['scaled', 'large', 'Scaled', 'LARGE', 'fixed', 'zero', 'true', 'false', '1', '0', 'null', 'undefined', '[]', '{}',
  '30', '30.0', '3e1', '030', ' 30', '2', '4', '10', '100', '101', '<script>alert(1)</script>', '"><img src=x>', '${1}', '%', '%%',
  '%E0%A4%A', '%zz', '%00', '%C0%AF', '%F0%9F%98%80', '\u202e', '\ud800', '😀'];

/** A value: a real one for the key, or anything. */
function value(key) {
  const s = SETTINGS[key];
  switch (int(6)) {
    case 0:
      if (s && (s.kind === 'int' || s.kind === 'num')) return String(s.min + rand() * (s.max - s.min));
      if (s && s.kind === 'enum') return String(pick(s.values));
      return pick(NUMBERS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick(STRINGS);
    case 3:
      return String((rand() - 0.5) * 10 ** int(400)); // finite, huge or 0
    case 4:
      return pick(NUMBERS) + pick(STRINGS);
    default:
      return junk(int(40));
  }
}

/** Random characters, from control characters to astral-plane ones and lone surrogates. */
function junk(n) {
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.5) s += String.fromCharCode(32 + int(95));
    else if (r < 0.6) s += pick(['&', '=', '?', '#', '+', '%', ';']);
    else if (r < 0.7) s += String.fromCharCode(int(32));
    else if (r < 0.8) s += `%${int(256).toString(16).padStart(2, '0')}`;
    else if (r < 0.9) s += String.fromCodePoint(int(0x110000));
    else s += String.fromCharCode(0xd800 + int(0x800)); // a lone surrogate
  }
  return s;
}

/** Percent-encoded or not (encodeURIComponent refuses lone surrogates: those go raw). */
const enc = (s) => {
  if (rand() < 0.5) return s;
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
};

/** A query string: a few key=value pairs, sometimes mangled, sometimes enormous. */
function query() {
  const parts = [];
  const n = int(8);
  for (let i = 0; i < n; i++) {
    const key = rand() < 0.6 ? pick(KEYS) : rand() < 0.8 ? pick(HOSTILE_KEYS) : junk(int(12));
    const sep = rand() < 0.9 ? '=' : pick(['', '==', '=%3D', ' = ']);
    parts.push(`${enc(key)}${sep}${enc(value(key))}`);
  }
  let q = parts.join(rand() < 0.9 ? '&' : pick(['&&', ';', '&amp;', '%26']));
  switch (int(10)) {
    case 0:
      q = `?${q}`;
      break;
    case 1:
      q = `#${q}`;
      break;
    case 2:
      q = q.repeat(1 + int(50)); // repeated keys
      break;
    case 3:
      q = `${pick(KEYS)}=${'9'.repeat(int(5000))}`; // a very long number
      break;
    case 4: // a random byte flipped
      if (q.length) {
        const at = int(q.length);
        q = q.slice(0, at) + String.fromCharCode(int(65536)) + q.slice(at + 1);
      }
      break;
    default:
      break;
  }
  return q;
}

const PROTO_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort().join();

function check(q, state) {
  const fail = (why) => {
    throw new Error(`${why}\n  seed ${SEED}\n  input ${JSON.stringify(q).slice(0, 2000)}`);
  };
  if (Object.getPrototypeOf(state) !== Object.prototype) fail('state is not a plain object');
  const keys = Object.keys(state).sort().join();
  if (keys !== [...KEYS].sort().join()) fail(`state keys differ from SETTINGS: ${keys}`);
  for (const [k, s] of Object.entries(SETTINGS)) {
    const v = state[k];
    const ok = {
      int: () => Number.isInteger(v) && v >= s.min && v <= s.max,
      num: () => typeof v === 'number' && Number.isFinite(v) && v >= s.min && v <= s.max,
      enum: () => s.values.includes(v),
      bool: () => typeof v === 'boolean',
    }[s.kind];
    if (!ok || !ok()) fail(`${k} = ${JSON.stringify(v)} is outside its ${s.kind} range`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== PROTO_BEFORE || {}.polluted !== undefined) {
    fail('Object.prototype was modified');
  }
  const back = decode(encode(state));
  for (const k of KEYS) if (back[k] !== state[k]) fail(`encode/decode round trip changed ${k}: ${state[k]} → ${back[k]}`);
}

const t0 = performance.now();
let n = 0;
let slowest = 0;
let ignored = 0;
let clamped = 0;
let stalls = 0;
try {
  while (performance.now() - t0 < SECONDS * 1000) {
    for (let i = 0; i < 200; i++, n++) {
      const q = query();
      const t = performance.now();
      const state = decode(q);
      const p = parse(q);
      const dt = performance.now() - t;
      slowest = Math.max(slowest, dt);
      if (dt > SLOW_MS) stalls++;
      if (dt > SLOW_MS) {
        // A garbage collection or another process can stall one call: time it again.
        const again = Math.min(...[0, 1, 2].map(() => {
          const s = performance.now();
          decode(q);
          parse(q);
          return performance.now() - s;
        }));
        if (again > SLOW_MS) throw new Error(`decode+parse took ${again.toFixed(1)} ms\n  input ${JSON.stringify(q).slice(0, 500)}… (${q.length} characters)`);
      }
      check(q, state);
      check(q, p.state);
      ignored += p.ignored.length;
      clamped += p.clamped.length;
    }
  }
} catch (e) {
  console.error(`fuzz-url: FAILED after ${n} inputs: ${e.stack ?? e}`);
  process.exit(1);
}
const secs = (performance.now() - t0) / 1000;
console.log(`fuzz-url: ${n} query strings in ${secs.toFixed(0)} s (${Math.round(n / secs)}/s), seed ${SEED}: no failure; ` +
  `slowest decode+parse ${slowest.toFixed(2)} ms (${stalls} over ${SLOW_MS} ms once but not when repeated); ${ignored} keys ignored and ${clamped} values clamped along the way`);
