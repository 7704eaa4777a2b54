// The whole lab as one HTML file that opens from disk (file://), attached to an LMS page or
// e-mailed: `bash scripts/dist.sh --single-file [FILE]` builds the wasm package and runs this
// (default dist/gradlab.html); `node scripts/single-file.mjs [FILE]` alone uses www/pkg as it is.
//
// A page opened from disk can load no module script and fetch nothing (the null origin), so
// everything is inside:
//   * the page's modules, bundled by esbuild into one inline <script type="module">;
//   * its classic head scripts (www/embed-boot.js, …) inline, except www/file-boot.js (the
//     "open it from a server" message, which this file does not need);
//   * the stylesheet in a <style>, the favicon as a data: URL;
//   * the wasm core and the second module (the view inside the network) gzipped and
//     base64'd (the page gunzips them with DecompressionStream), the six MNIST .gz files base64'd, and the training worker — bundled as a classic IIFE, since
//     a module worker from a blob: URL fails on file:// — base64'd, each in a
//     <script type="application/octet-stream"> block the browser never runs (www/inline.js
//     reads them; the worker gets the wasm module and the digits in a message);
//   * a Content-Security-Policy as strict as that allows: no network at all (default-src
//     'none'), the inline scripts and the style by their sha256 hashes (no 'unsafe-inline'),
//     'wasm-unsafe-eval', workers from blob: only.
// No service worker: the file is its own offline copy (main.js skips the registration).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'gradlab.html'));
const www = (p) => join(root, 'www', p);
const fail = (msg) => {
  console.error(`single-file: ${msg}`);
  process.exit(1);
};

/** esbuild's bundle of one entry point, as text. */
async function bundle(entry, format, extra = {}) {
  const result = await build({
    entryPoints: [www(entry)],
    bundle: true,
    format,
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'error',
    ...extra,
  });
  return result.outputFiles[0].text;
}

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const b64 = (bytes) => Buffer.from(bytes).toString('base64').replace(/.{1,120}/g, '$&\n');
const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * Text that goes inside <script>…</script> or <style>…</style> as it is: the HTML parser
 * ends the element at the first `</script` (or `</style`), and `<!--` can change how it
 * reads what follows, so neither may occur.
 */
function safeInline(text, tag, what) {
  if (new RegExp(`</${tag}|<!--`, 'i').test(text)) fail(`${what} contains </${tag} or <!-- and cannot be inlined`);
  return text;
}

const MAIN_TAG = '<script type="module" src="www/main.js"></script>';
let html = readFileSync(join(root, 'index.html'), 'utf8');
if (!html.includes(MAIN_TAG)) fail(`index.html has no ${MAIN_TAG}`);

// ------------------------------------------------------------------ scripts and style
const main = safeInline(await bundle('main.js', 'esm'), 'script', 'the page bundle');
// The worker in the file runs from a blob: URL, as a classic script; `import.meta.url` (used
// by the glue and fetchBytes only when nothing was handed over) becomes the worker's address.
const worker = await bundle('worker.js', 'iife', { define: { 'import.meta.url': 'self.location.href' } });
const inlineScripts = [main];

html = html.replace(/<link rel="modulepreload"[^>]*>\n?/g, '');
html = html.replace(/<script src="www\/([\w-]+\.js)"><\/script>\n?/g, (tag, name) => {
  if (name === 'file-boot.js') return ''; // this file opens from disk: nothing to say
  const text = safeInline(readFileSync(www(name), 'utf8'), 'script', `www/${name}`);
  inlineScripts.push(text);
  return `<script>${text}</script>\n`;
});
const styles = [];
html = html.replace(/<link rel="stylesheet" href="www\/([\w-]+\.css)">/g, (tag, name) => {
  const text = safeInline(readFileSync(www(name), 'utf8'), 'style', `www/${name}`);
  styles.push(text);
  return `<style>${text}</style>`;
});
html = html.replace(/<link rel="icon" href="www\/([\w-]+\.svg)" type="image\/svg\+xml">/, (tag, name) => {
  const uri = `data:image/svg+xml;base64,${readFileSync(www(name)).toString('base64')}`;
  return `<link rel="icon" href="${uri}" type="image/svg+xml">`;
});
// The footer's pointer to examples/course-notes.html: there is no such page beside this file.
html = html.replace(/<p data-i18n="footer\.embed">[\s\S]*?<\/p>\n?/, '');
html = html.replace(MAIN_TAG, () => `<script type="module">${main}</script>`);

// ------------------------------------------------------------------ the wasm, the worker, the digits
const pkg = readFileSync(www('pkg/gradlab_bg.wasm'));
// The second module, the view inside the network (scripts/build.sh), the same way.
const pkgInside = readFileSync(www('pkg-inside/gradlab_inside_bg.wasm'));
const data = readdirSync(www('data')).filter((f) => f.endsWith('.gz')).sort();
if (data.length !== 6) fail(`expected the six MNIST files in www/data, found ${data.length}`);
const blocks = [
  `<script type="application/octet-stream" id="gradlab-wasm">\n${b64(gzipSync(pkg, { level: 9 }))}</script>`,
  `<script type="application/octet-stream" id="gradlab-inside-wasm">\n${b64(gzipSync(pkgInside, { level: 9 }))}</script>`,
  `<script type="application/octet-stream" id="gradlab-worker">\n${b64(Buffer.from(worker, 'utf8'))}</script>`,
  ...data.map((f) => `<script type="application/octet-stream" data-gradlab-file="${escapeAttr(f)}">\n${b64(readFileSync(www(`data/${f}`)))}</script>`),
];
if (!html.includes('</body>')) fail('index.html has no </body>');
html = html.replace('</body>', () => `${blocks.join('\n')}\n</body>`);

// ------------------------------------------------------------------ the policy
const csp = [
  "default-src 'none'",
  `script-src ${inlineScripts.map(sha256).join(' ')} 'wasm-unsafe-eval'`,
  `style-src ${styles.map(sha256).join(' ')}`,
  'worker-src blob:',
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const CSP_META = /<meta http-equiv="Content-Security-Policy" content="[^"]*">/;
if (!CSP_META.test(html)) fail('index.html has no Content-Security-Policy <meta>');
html = html.replace(CSP_META, () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`);

// Nothing may still point at a file beside the page (the markup, not the scripts' text).
const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
const local = [...markup.matchAll(/<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(?!data:|https?:|#)([^"]*)"/g)].map((m) => m[1]);
if (local.length) fail(`still refers to files: ${local.join(', ')}`);

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, html);
const size = Buffer.byteLength(html);
console.log(`single-file: ${out} (${(size / 1e6).toFixed(2)} MB: wasm ${(gzipSync(pkg, { level: 9 }).length / 1000).toFixed(0)} + ${(gzipSync(pkgInside, { level: 9 }).length / 1000).toFixed(0)} KB gzipped, digits ${(data.reduce((a, f) => a + readFileSync(www(`data/${f}`)).length, 0) / 1e6).toFixed(2)} MB, both base64'd; page bundle ${(main.length / 1000).toFixed(0)} KB, worker ${(worker.length / 1000).toFixed(0)} KB)`);
