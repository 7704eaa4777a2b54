// What a downloaded picture was made from, inside the file (www/stamp.js): an SVG's <desc>,
// a PNG's iTXt chunk with a correct CRC, read back by an independent reader written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { crc32, pngWithText, stampText, svgWithDesc } from '../../www/stamp.js';

/** The tEXt and iTXt chunks of `png` as {keyword: text}, each chunk's CRC checked. */
function pngTexts(png) {
  const out = {};
  const buf = Buffer.from(png);
  for (let at = 8; at + 12 <= buf.length; ) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + length);
    assert.equal(buf.readUInt32BE(at + 8 + length), crc32(buf.subarray(at + 4, at + 8 + length)), `${type}: CRC`);
    if (type === 'tEXt' || type === 'iTXt') {
      const zero = data.indexOf(0);
      const keyword = data.toString('latin1', 0, zero);
      if (type === 'tEXt') out[keyword] = data.toString('latin1', zero + 1);
      else {
        assert.deepEqual([data[zero + 1], data[zero + 2]], [0, 0], 'uncompressed');
        const lang = data.indexOf(0, zero + 3);
        const translated = data.indexOf(0, lang + 1);
        out[keyword] = data.toString('utf8', translated + 1);
      }
    }
    at += 12 + length;
  }
  return out;
}

/** A 1×1 grey PNG, built chunk by chunk with zlib's deflate. */
function tinyPNG() {
  const chunk = (type, data) => {
    const b = Buffer.alloc(12 + data.length);
    b.writeUInt32BE(data.length, 0);
    b.write(type, 4, 'latin1');
    data.copy(b, 8);
    b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
    return b;
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from([0, 128]))), chunk('IEND', Buffer.alloc(0))]));
}

test('CRC-32 known answers', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
  assert.equal(crc32(new TextEncoder().encode('IEND')), 0xae426082);
});

test('a PNG gets the link and settings as UTF-8 text after its header, every chunk intact', () => {
  const png = tinyPNG();
  const text = stampText('https://x.org/gradlab/#net.hidden=4&lang=zh', { activation: 'relu', file: '网络.json' });
  const out = pngWithText(png, 'Source', text);
  assert.equal(out.length, png.length + 12 + 'Source'.length + 5 + new TextEncoder().encode(text).length);
  assert.deepEqual(pngTexts(out), { Source: text });
  assert.equal(Buffer.from(out).toString('latin1', 33 + 4, 33 + 8), 'iTXt', 'right after IHDR');
  assert.deepEqual(out.subarray(out.length - 12), png.subarray(png.length - 12), 'IEND still last');
  assert.match(text, /settings: \{"activation":"relu","file":"网络\.json"\}$/);
});

test('what is not a PNG comes back unchanged; an SVG gets a <desc>, escaped', () => {
  const junk = new Uint8Array([1, 2, 3]);
  assert.equal(pngWithText(junk, 'Source', 'x'), junk);
  const svg = '<?xml version="1.0"?>\n<svg width="10" height="10" xmlns="http://www.w3.org/2000/svg">\n<rect/></svg>';
  const out = svgWithDesc(svg, 'a <b> & "c"');
  assert.equal(out, '<?xml version="1.0"?>\n<svg width="10" height="10" xmlns="http://www.w3.org/2000/svg">\n<desc>a &lt;b&gt; &amp; "c"</desc>\n<rect/></svg>');
  assert.equal(svgWithDesc('no svg here', 'x'), 'no svg here');
  assert.equal(stampText('L', undefined), 'L');
});
