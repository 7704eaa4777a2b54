// A small static file server for the lab (no dependencies). Serves the repository root,
// so index.html, www/ and its data are at the same paths as on any static host.
//   node scripts/serve.mjs [port]        (port 0 picks a free one)
// Exported for the browser tests: serve(root, port, host, {headers}) → Promise<{url, close}>;
// `headers` are added to every answer (e.g. a Content-Security-Policy, to test the page under one).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/plain; charset=utf-8',
  '.gz': 'application/octet-stream', // the IDX files: raw gzip bytes, decompressed in wasm
  '.ico': 'image/x-icon',
};

export function serve(root, port = 0, host = '127.0.0.1', { headers = {} } = {}) {
  root = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok) =>
    server.listen(port, host, () => {
      const url = `http://${host}:${server.address().port}/`;
      ok({ url, server, close: () => new Promise((done) => server.close(done)) });
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  const { url } = await serve(root, Number(process.argv[2] ?? 8080));
  console.log(`gradlab is served at ${url}  (Ctrl-C to stop)`);
}
