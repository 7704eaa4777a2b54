// The subset's six files for the worker: fetched from www/data/, or handed over by the
// single file (www/inline.js). Their names and order are the core's (`subset_files`).

/**
 * A data error as a code and its parameters: the worker has no words of the page's
 * language, so the page says the sentence (www/i18n `data.<code>`); the parameters are
 * numbers, a path and the browser's or the core's own (technical) words.
 */
export const dataError = (code, params) => Object.assign(new Error(code), { code, params });

async function fetchBytes(name) {
  const url = new URL(`../data/${name}`, import.meta.url);
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status} ${res.statusText}`.trim());
  return new Uint8Array(await res.arrayBuffer());
}

const isGzip = (bytes) => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * `bytes` inflated if they are gzip (the core has no inflater in wasm: the browser's is free),
 * never past `max` bytes, so a small hostile file cannot fill the tab's memory.
 */
export async function inflate(name, bytes, max) {
  if (!isGzip(bytes)) return bytes;
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > max) {
        reader.cancel().catch(() => {});
        throw new Error(`${name}: inflates past the limit of ${max} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e.message.startsWith(`${name}: `)) throw e;
    // Each browser words a bad stream its own way: one sentence, with the browser's words after.
    throw new Error(`${name}: corrupt or truncated gzip data (${e.message})`);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The files `names`, inflated, or an error naming every one that failed: from `table` (the
 * single file's, by name) when there is one, else fetched.
 */
export async function fetchAll(names, table = null, maxInflated = Infinity) {
  const get = (name) => (table ? table[name] ?? Promise.reject(new Error(`${name}: not in the file`)) : fetchBytes(name));
  const results = await Promise.allSettled(names.map(get));
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  if (failed.length) {
    const dir = table ? '' : new URL('../data/', import.meta.url).pathname;
    const why = failed.map((m) => m.replace(/^[^:]*: /, ''));
    if (failed.length === names.length && why.every((w) => w === why[0])) {
      throw dataError('fetchNone', { count: names.length, dir, why: why[0] });
    }
    throw dataError('fetchSome', { failed: failed.length, count: names.length, dir, list: failed });
  }
  try {
    return await Promise.all(results.map((r, i) => inflate(names[i], r.value, maxInflated)));
  } catch (e) {
    throw dataError('unreadable', { message: e.message });
  }
}
