// The single file's assets. `bash scripts/dist.sh --single-file` (scripts/single-file.mjs)
// writes the whole lab into one gradlab.html that opens from disk, where a page can fetch
// nothing (file://, the null origin). It carries the wasm core (gzip, then base64), the six
// MNIST files (base64 of the .gz files as they are) and the training worker (an IIFE
// bundle, base64) in <script type="application/octet-stream"> blocks, which the browser
// never runs. This module reads them; on the served page there are none and `inlined` is
// null, so main.js loads everything as before.
//
// The worker: a module worker from a blob: URL fails on file://, a classic one runs, so the
// bundle is classic; it starts from a blob: URL and gets the compiled wasm module and the
// digits in its first message, {type: 'assets'} (see `handed` in worker.js).

/** The blocks scripts/single-file.mjs writes: two ids, and the attribute naming each data file. */
export const BLOCK = { wasm: 'gradlab-wasm', inside: 'gradlab-inside-wasm', worker: 'gradlab-worker', file: 'data-gradlab-file' };

const block = (id) => document.getElementById(id);

/** Bytes of a base64 text. */
function fromBase64(text) {
  const clean = text.replace(/\s+/g, '');
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(clean);
  const bin = atob(clean);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Gunzip with the browser's own DecompressionStream (Chromium 80+, Firefox 113+). */
async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function read() {
  let module = null;
  let files = null;
  let workerURL = null;
  let insideModule = null;
  let insideGz = null;
  /** The wasm core, compiled once for the page and every worker it starts. */
  const wasm = () => (module ??= gunzip(fromBase64(block(BLOCK.wasm).textContent)).then((bytes) => WebAssembly.compile(bytes)));
  /**
   * The second module, the view inside the network (www/app/inside.js): gzipped bytes for
   * each worker, which inflates and compiles them only when the view opens; compiled here
   * for the page's own drawing.
   */
  const insideBytes = () => (insideGz ??= fromBase64(block(BLOCK.inside).textContent));
  const inside = () => (insideModule ??= gunzip(insideBytes()).then((bytes) => WebAssembly.compile(bytes)));
  /** The six files by name, as the worker's FILES lists them. */
  const data = () => {
    if (!files) {
      files = {};
      for (const el of document.querySelectorAll(`script[${BLOCK.file}]`)) files[el.getAttribute(BLOCK.file)] = fromBase64(el.textContent);
    }
    return files;
  };
  /** A new training worker (also after a crash), handed the wasm module and the digits. */
  const worker = () => {
    workerURL ??= URL.createObjectURL(new Blob([fromBase64(block(BLOCK.worker).textContent)], { type: 'text/javascript' }));
    const w = new Worker(workerURL);
    wasm().then(
      (m) => w.postMessage({ type: 'assets', wasm: m, files: data(), insideGz: insideBytes() }),
      (e) => w.postMessage({ type: 'assets', error: String(e?.message ?? e) }),
    );
    return w;
  };
  return { wasm, worker, inside };
}

/** null on the served page; in the single file, `{wasm(), worker(), inside()}`. */
export const inlined = typeof document !== 'undefined' && block(BLOCK.wasm) ? read() : null;
