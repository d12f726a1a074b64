// The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"): parse bytes into a typed array.
import { Tensor } from "../tensor/Tensor.js";

/** Element types of IDX files, by the type byte of the magic number. */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

const TYPE_CODES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: "uint8", bytes: 1 },
  0x09: { type: "int8", bytes: 1 },
  0x0b: { type: "int16", bytes: 2 },
  0x0c: { type: "int32", bytes: 4 },
  0x0d: { type: "float32", bytes: 4 },
  0x0e: { type: "float64", bytes: 8 },
};

/** A parsed IDX array: its element type, its dimensions and its values in row-major order. */
export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

function hex(bytes: Uint8Array, count: number): string {
  return Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** True when `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an (uncompressed) IDX file. The format: two zero bytes, a type byte (0x08 unsigned byte,
 * 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions,
 * then each dimension as a big-endian uint32, then the values, big-endian, in row-major order.
 * `name` (a file name) goes into the error messages. A header that does not fit, data shorter or
 * longer than the dimensions say, or gzip bytes (decompress them first; `data.readIdxFile` does) are
 * errors. uint8 data is returned as a view of `bytes`, without a copy.
 */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new Error(`parseIdx: expected the bytes of an IDX file as a Uint8Array, got ${typeof bytes}`);
  if (isGzip(bytes)) throw new Error(`parseIdx: ${name} is gzip-compressed (starts with 1f 8b); decompress it first (in Node, data.readIdxFile reads .gz files)`);
  if (bytes.length < 4) throw new Error(`parseIdx: ${name} is truncated: ${bytes.length} bytes, shorter than the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`parseIdx: ${name} has no IDX magic number: it starts with ${hex(bytes, 4)}, but an IDX file starts with 00 00 <type> <dims>`);
  }
  const code = TYPE_CODES[bytes[2]!];
  if (!code) throw new Error(`parseIdx: ${name} has the unknown IDX type byte 0x${bytes[2]!.toString(16).padStart(2, "0")} (known: 08 uint8, 09 int8, 0b int16, 0c int32, 0d float32, 0e float64)`);
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`parseIdx: ${name} is truncated: its header declares ${ndim} dimensions (${headerBytes} header bytes) but the file has ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * code.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? "truncated" : "longer than its header says";
    throw new Error(
      `parseIdx: ${name} is ${what}: dimensions [${shape.join(", ")}] of ${code.type} need ${headerBytes} + ${count * code.bytes} = ${expected} bytes, but the file has ${bytes.length}`,
    );
  }
  const body = headerBytes;
  let data: IdxArray["data"];
  switch (code.type) {
    case "uint8":
      data = bytes.subarray(body, body + count);
      break;
    case "int8":
      data = new Int8Array(bytes.buffer, bytes.byteOffset + body, count).slice();
      break;
    case "int16":
      data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(body + 2 * i, false);
      break;
    case "int32":
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(body + 4 * i, false);
      break;
    case "float32":
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(body + 4 * i, false);
      break;
    case "float64":
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(body + 8 * i, false);
      break;
  }
  return { type: code.type, shape, data };
}

/** An IDX array as a tensor: integer types become int32, float32 stays float32, float64 stays float64. */
export function idxToTensor(idx: IdxArray): Tensor {
  if (idx.data instanceof Float32Array) return Tensor.fromData(idx.data.slice(), idx.shape, "float32");
  if (idx.data instanceof Float64Array) return Tensor.fromData(idx.data.slice(), idx.shape, "float64");
  return Tensor.fromData(Int32Array.from(idx.data), idx.shape, "int32");
}
