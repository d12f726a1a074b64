// The IDX reader on hand-written files: every element type, plain and gzip, and each way a file can be malformed.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { idxToTensor, parseIdx } from "../../src/data/idx.js";
import { readIdxFile } from "../../src/data/datasetHost.js";

const dir = mkdtempSync(join(tmpdir(), "deepscript-idx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 00 00 <type> <ndim>, then each dimension as 4 big-endian bytes. */
function header(type: number, dims: number[]): number[] {
  return [0, 0, type, dims.length, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])];
}
const bytes = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());

describe("parseIdx", () => {
  it("reads unsigned bytes with their dimensions", () => {
    const idx = parseIdx(bytes(header(0x08, [2, 3]), [0, 1, 2, 253, 254, 255]));
    expect(idx.type).toBe("uint8");
    expect(idx.shape).toEqual([2, 3]);
    expect(Array.from(idx.data)).toEqual([0, 1, 2, 253, 254, 255]);
    expect(idxToTensor(idx).dtype).toBe("int32");
    expect(idxToTensor(idx).toArray()).toEqual([[0, 1, 2], [253, 254, 255]]);
  });

  it("reads every element type big-endian", () => {
    // int8: 0x80 = -128, 0x7f = 127
    expect(Array.from(parseIdx(bytes(header(0x09, [2]), [0x80, 0x7f])).data)).toEqual([-128, 127]);
    // int16: ff fe = -2, 01 02 = 258
    expect(Array.from(parseIdx(bytes(header(0x0b, [2]), [0xff, 0xfe, 0x01, 0x02])).data)).toEqual([-2, 258]);
    // int32: ff ff ff fe = -2, 00 01 00 00 = 65536
    expect(Array.from(parseIdx(bytes(header(0x0c, [2]), [0xff, 0xff, 0xff, 0xfe, 0, 1, 0, 0])).data)).toEqual([-2, 65536]);
    // float32: 3f c0 00 00 = 1.5, c0 20 00 00 = -2.5
    const f32 = parseIdx(bytes(header(0x0d, [1, 2]), [0x3f, 0xc0, 0, 0, 0xc0, 0x20, 0, 0]));
    expect(f32.type).toBe("float32");
    expect(idxToTensor(f32).toArray()).toEqual([[1.5, -2.5]]);
    // float64: bf d0 00.. = -0.25
    const f64 = parseIdx(bytes(header(0x0e, [1]), [0xbf, 0xd0, 0, 0, 0, 0, 0, 0]));
    expect(idxToTensor(f64).dtype).toBe("float64");
    expect(Array.from(f64.data)).toEqual([-0.25]);
  });

  it("refuses gzip bytes, a bad magic number and an unknown type byte", () => {
    const plain = bytes(header(0x08, [1]), [7]);
    expect(() => parseIdx(gzipSync(plain), "a.gz")).toThrow("parseIdx: a.gz is gzip-compressed (starts with 1f 8b); decompress it first");
    expect(() => parseIdx(bytes([1, 2, 8, 1, 0, 0, 0, 1, 7]), "x")).toThrow("parseIdx: x has no IDX magic number: it starts with 01 02 08 01, but an IDX file starts with 00 00 <type> <dims>");
    expect(() => parseIdx(bytes(header(0x0a, [1]), [7]), "x")).toThrow("parseIdx: x has the unknown IDX type byte 0x0a");
  });

  it("refuses truncated headers, truncated data and trailing bytes", () => {
    expect(() => parseIdx(bytes([0, 0, 8]), "x")).toThrow("parseIdx: x is truncated: 3 bytes, shorter than the 4-byte IDX magic number");
    expect(() => parseIdx(bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0]), "x")).toThrow("parseIdx: x is truncated: its header declares 3 dimensions (16 header bytes) but the file has 10 bytes");
    expect(() => parseIdx(bytes(header(0x08, [2, 3]), [1, 2, 3, 4, 5]), "x")).toThrow("parseIdx: x is truncated: dimensions [2, 3] of uint8 need 12 + 6 = 18 bytes, but the file has 17");
    expect(() => parseIdx(bytes(header(0x0c, [2]), [0, 0, 0, 1, 0, 0, 0, 2, 9]), "x")).toThrow("parseIdx: x is longer than its header says: dimensions [2] of int32 need 8 + 8 = 16 bytes, but the file has 17");
  });
});

describe("readIdxFile", () => {
  const content = bytes(header(0x08, [2, 2]), [10, 20, 30, 40]);

  it("reads a plain file and a gzipped one (recognised by its bytes, whatever its name)", () => {
    writeFileSync(join(dir, "plain-idx1-ubyte"), content);
    writeFileSync(join(dir, "zipped-idx1-ubyte"), gzipSync(content));
    writeFileSync(join(dir, "zipped-idx1-ubyte.gz"), gzipSync(content));
    for (const name of ["plain-idx1-ubyte", "zipped-idx1-ubyte", "zipped-idx1-ubyte.gz"]) {
      const idx = readIdxFile(join(dir, name));
      expect(idx.shape).toEqual([2, 2]);
      expect(Array.from(idx.data)).toEqual([10, 20, 30, 40]);
    }
  });

  it("names the file when it is damaged", () => {
    const gz = gzipSync(content);
    const cut = join(dir, "cut.gz");
    writeFileSync(cut, gz.subarray(0, gz.length - 6));
    expect(() => readIdxFile(cut)).toThrow(`readIdxFile: ${cut} starts like a gzip file but does not decompress`);
    const short = join(dir, "short-idx3-ubyte.gz");
    writeFileSync(short, gzipSync(content.subarray(0, content.length - 1)));
    expect(() => readIdxFile(short)).toThrow(`parseIdx: ${short} is truncated: dimensions [2, 2] of uint8 need 12 + 4 = 16 bytes, but the file has 15`);
  });
});
