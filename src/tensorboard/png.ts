// A small PNG encoder (8-bit gray, gray+alpha, RGB, RGBA; no interlace) for image summaries.

/** Compresses bytes into a zlib stream (RFC 1950), e.g. Node's `zlib.deflateSync`. */
export type Deflate = (data: Uint8Array) => Uint8Array;

const CRC32_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    table[b] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309 / zlib's crc32), which guards each PNG chunk. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC32_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A valid zlib stream without compression (stored deflate blocks of at most 65,535 bytes and the
 * Adler-32 trailer): what encodePng uses where no compressor is at hand, as in a browser.
 */
export function storedDeflate(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; out[1] = 0x01; // deflate, 32 KiB window, no preset dictionary, fastest (header % 31 == 0)
  let pos = 2;
  for (let b = 0; b < blocks; b++) {
    const chunk = data.subarray(b * 65535, Math.min(data.length, (b + 1) * 65535));
    out[pos++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00 (stored)
    out[pos++] = chunk.length & 0xff; out[pos++] = chunk.length >>> 8;
    out[pos++] = ~chunk.length & 0xff; out[pos++] = (~chunk.length >>> 8) & 0xff;
    out.set(chunk, pos);
    pos += chunk.length;
  }
  let a = 1, s = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]!) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(out.buffer).setUint32(pos, ((s << 16) | a) >>> 0, false);
  return out;
}

const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 }; // channels → PNG colour type

/**
 * PNG bytes of an 8-bit image given row-major interleaved pixels (height × width × channels, the
 * HWC layout); channels 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. Rows use filter type 0 (none).
 */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: number, deflate: Deflate = storedDeflate): Uint8Array {
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) throw new Error(`encodePng: channels must be 1, 2, 3 or 4, got ${channels}`);
  if (!(Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0)) throw new Error(`encodePng: height and width must be positive integers, got ${height}×${width}`);
  if (pixels.length !== height * width * channels) throw new Error(`encodePng: expected ${height}×${width}×${channels} = ${height * width * channels} bytes, got ${pixels.length}`);

  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);

  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width, false);
  hv.setUint32(4, height, false);
  ihdr.set([8, colorType, 0, 0, 0], 8); // bit depth, colour type, compression, filter, interlace

  const chunks: [string, Uint8Array][] = [["IHDR", ihdr], ["IDAT", deflate(raw)], ["IEND", new Uint8Array(0)]];
  const total = 8 + chunks.reduce((n, [, data]) => n + 12 + data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let pos = 8;
  for (const [type, data] of chunks) {
    view.setUint32(pos, data.length, false);
    for (let i = 0; i < 4; i++) out[pos + 4 + i] = type.charCodeAt(i);
    out.set(data, pos + 8);
    view.setUint32(pos + 8 + data.length, crc32(out, pos + 4, pos + 8 + data.length), false);
    pos += 12 + data.length;
  }
  return out;
}
