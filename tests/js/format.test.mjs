// Numbers in words (www/format.js), at the edges of what a double holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { num } from '../../www/format.js';
import { clamp } from '../../www/state.js';

test('num writes the tiny and the huge in scientific notation, subnormals included', () => {
  assert.equal(num(1.6e-4), '1.6 × 10⁻⁴');
  assert.equal(num(1e-5), '10⁻⁵');
  assert.equal(num(9.96e-5), '10⁻⁴'); // rounds up into the next power
  assert.equal(num(-2.5e7), '−2.5 × 10⁷');
  assert.equal(num(5e-324), '4.9 × 10⁻³²⁴'); // was "Infinity × 10⁻³²³"
  assert.equal(num(2.2250738585072014e-308), '2.2 × 10⁻³⁰⁸');
  assert.equal(num(1.7976931348623157e308), '1.8 × 10³⁰⁸');
});

test("the chain's weight stays within its slider's range, both signs", () => {
  assert.equal(clamp('chain.w', 5e-324), 0.01);
  assert.equal(clamp('chain.w', -1e-9), -0.01);
  assert.equal(clamp('chain.w', 0), 0.01);
  assert.equal(clamp('chain.w', 0.8), 0.8);
  assert.equal(clamp('chain.w', -1e9), -199.6);
});
