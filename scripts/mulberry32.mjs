// mulberry32 (Tommy Ettinger, public domain): a seeded 32-bit generator, fast and the same
// in every JavaScript engine. The subset's split (make_subset.mjs), the URL fuzzer and the
// hostile-link test draw from it, so each run can be reproduced from its seed.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
