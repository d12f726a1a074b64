import { describe, expect, it } from "vitest";
import { deflateSync, inflateSync } from "node:zlib";
import { encodePng, storedDeflate } from "../../src/tensorboard/png.js";

/** The chunks of a PNG: type and data. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at, false);
    out.push({ type: String.fromCharCode(...png.subarray(at + 4, at + 8)), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

describe("encodePng", () => {
  const pixels = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => (i * 37) % 256); // 2 rows × 3 RGB pixels

  it("writes the PNG signature, IHDR, IDAT with one filter byte per row, and IEND", () => {
    const png = encodePng(pixels, 2, 3, 3, (d) => deflateSync(d));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [ihdr, idat, iend] = chunks(png);
    expect(ihdr!.type).toBe("IHDR");
    expect([...ihdr!.data]).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0]); // width 3, height 2, 8 bits, RGB
    expect(idat!.type).toBe("IDAT");
    expect([...inflateSync(idat!.data)]).toEqual([0, ...pixels.subarray(0, 9), 0, ...pixels.subarray(9)]);
    expect(iend).toEqual({ type: "IEND", data: new Uint8Array(0) });
    expect([...png.subarray(png.length - 4)]).toEqual([0xae, 0x42, 0x60, 0x82]); // IEND's well-known CRC
  });

  it("stores uncompressed deflate blocks that zlib inflates, also past one 65,535-byte block", () => {
    for (const n of [0, 1, 65535, 65536, 200000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      expect(Buffer.compare(inflateSync(storedDeflate(data)), data), `${n} bytes`).toBe(0);
    }
  });

  it("uses colour type 0/4/2/6 for 1/2/3/4 channels and rejects other layouts", () => {
    for (const [channels, colorType] of [[1, 0], [2, 4], [3, 2], [4, 6]]) {
      expect(chunks(encodePng(new Uint8Array(4 * channels!), 2, 2, channels!))[0]!.data[9]).toBe(colorType);
    }
    expect(() => encodePng(new Uint8Array(10), 2, 2, 5)).toThrow("encodePng: channels must be 1, 2, 3 or 4, got 5");
    expect(() => encodePng(new Uint8Array(10), 2, 2, 3)).toThrow("expected 2×2×3 = 12 bytes, got 10");
  });
});
