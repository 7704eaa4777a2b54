// What a downloaded picture was made from, written into the file itself: the page's link
// and the settings a chart's JSON download carries. A teacher who finds an exported chart
// months later can reopen it as it was. Invisible in the picture: in an SVG a <desc> (read
// as the image's description), in a PNG an iTXt chunk (UTF-8 text, as `exiftool` or any
// PNG reader lists it). The CSV stays numbers only, so that a spreadsheet reads it as it is.
//
// Pure module: bytes and strings in, bytes and strings out.

/** The words stamped into a picture: the link, then the settings as JSON when there are any. */
export function stampText(link, settings) {
  return settings ? `${link}\nsettings: ${JSON.stringify(settings)}` : link;
}

const escapeXML = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `svg` with `<desc>text</desc>` as the first child of its root element. */
export function svgWithDesc(svg, text) {
  const open = /<svg\b[^>]*>/.exec(svg);
  if (!open) return svg;
  const at = open.index + open[0].length;
  return `${svg.slice(0, at)}\n<desc>${escapeXML(text)}</desc>${svg.slice(at)}`;
}

let crcTable = null;
/** CRC-32 (ISO 3309, as PNG's chunks use it) of `bytes`. */
export function crc32(bytes) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * `png` (a Uint8Array) with an iTXt chunk `keyword` = `text` (UTF-8, uncompressed) right
 * after its header chunk. Anything that is not a PNG with an IHDR first comes back as it was.
 */
export function pngWithText(png, keyword, text) {
  if (png.length < 33 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) return png;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') return png;
  const afterHeader = 8 + 12 + view.getUint32(8);
  const utf8 = new TextEncoder();
  // keyword \0, compression flag 0, method 0, language tag "" \0, translated keyword "" \0, text.
  const data = new Uint8Array([...utf8.encode(keyword), 0, 0, 0, 0, 0, ...utf8.encode(text)]);
  const chunk = new Uint8Array(12 + data.length);
  const c = new DataView(chunk.buffer);
  c.setUint32(0, data.length);
  chunk.set(utf8.encode('iTXt'), 4);
  chunk.set(data, 8);
  c.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, afterHeader));
  out.set(chunk, afterHeader);
  out.set(png.subarray(afterHeader), afterHeader + chunk.length);
  return out;
}
