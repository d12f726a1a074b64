// The safetensors format: tensors ⇄ bytes (browser-safe, no I/O), with strict validation of untrusted files.
import { Tensor } from "../tensor/Tensor.js";
import type { DType, TypedArray } from "../tensor/dtype.js";
import { denseValues } from "../backend/cpu/strided.js";

/**
 * safetensors (https://github.com/huggingface/safetensors, "Format" section of its README):
 *
 * ```
 * [ 8 bytes: N, unsigned little-endian 64-bit ][ N bytes: JSON header ][ byte buffer ]
 * header = {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}, ...}
 * ```
 *
 * - offsets are relative to the start of the byte buffer; END is one past the last byte;
 * - tensors are little-endian, row-major, tightly packed; the buffer is fully covered, without holes
 *   or overlaps (this rules out polyglot files);
 * - the header starts with `{`, may be padded at the end with spaces (0x20), is at most 100 MB;
 * - `__metadata__` is a string → string map.
 *
 * Like the reference Rust writer we pad the header with spaces so that the byte buffer starts at a
 * multiple of 8, write compact JSON, and lay tensors out by decreasing element size, then by name, so
 * every tensor starts at an offset aligned to its element size.
 */

/** safetensors dtype names for deepscript's dtypes (the format's BOOL is one byte per element). */
export const SAFETENSORS_DTYPE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };
const FROM_SAFETENSORS: Record<string, DType> = { F32: "float32", F64: "float64", I32: "int32", BOOL: "bool" };
const ITEM_SIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** The largest header the reference implementation accepts (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  /** The free-form `__metadata__` string map ({} when absent). */
  metadata: Record<string, string>;
}

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The tensor's values as little-endian bytes. */
function toBytes(t: Tensor): Uint8Array {
  const values: TypedArray = denseValues(t);
  if (littleEndianHost) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * ITEM_SIZE[t.dtype]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (t.dtype === "float32") view.setFloat32(i * 4, values[i]!, true);
    else if (t.dtype === "float64") view.setFloat64(i * 8, values[i]!, true);
    else if (t.dtype === "int32") view.setInt32(i * 4, values[i]!, true);
    else out[i] = values[i]!;
  }
  return out;
}

/** Copies little-endian bytes into a fresh TypedArray of `dtype` (copying also removes any alignment concern). */
function fromBytes(bytes: Uint8Array, dtype: DType, count: number): TypedArray {
  const copy = bytes.slice();
  if (littleEndianHost || dtype === "bool") {
    switch (dtype) {
      case "float32":
        return new Float32Array(copy.buffer, 0, count);
      case "float64":
        return new Float64Array(copy.buffer, 0, count);
      case "int32":
        return new Int32Array(copy.buffer, 0, count);
      case "bool":
        return copy;
    }
  }
  const view = new DataView(copy.buffer);
  if (dtype === "float32") return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
  if (dtype === "float64") return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
  return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
}

/**
 * Encodes named tensors (e.g. a `stateDict()`) as a safetensors file.
 *
 * ```ts
 * const bytes = io.serialize(model.stateDict(), { metadata: { epoch: "3" } });
 * ```
 */
export function serialize(tensors: Record<string, Tensor> | Map<string, Tensor>, options: { metadata?: Record<string, string> } = {}): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === "" || name === METADATA_KEY) throw new Error(`safetensors serialize: invalid tensor name "${name}"`);
    if (!(t instanceof Tensor)) throw new Error(`safetensors serialize: "${name}" is not a Tensor`);
  }
  // Decreasing element size, then name: each tensor's offset is a multiple of its element size.
  entries.sort(([na, a], [nb, b]) => ITEM_SIZE[b.dtype] - ITEM_SIZE[a.dtype] || (na < nb ? -1 : na > nb ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (options.metadata !== undefined) {
    for (const [k, v] of Object.entries(options.metadata)) {
      if (typeof v !== "string") throw new Error(`safetensors serialize: metadata value for "${k}" must be a string, got ${typeof v}`);
    }
    header[METADATA_KEY] = options.metadata;
  }
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of entries) {
    const bytes = toBytes(t);
    header[name] = { dtype: SAFETENSORS_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true); // low 32 bits of the u64 header length
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let pos = 8 + padded;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Decodes a safetensors file. Every length and offset is checked against the file before any byte is
 * read, so a hostile or truncated file gives an error that says what is wrong, never an over-read.
 */
export function deserialize(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) fail("expected a Uint8Array");
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  if (hi !== 0 || lo > MAX_HEADER_BYTES) {
    fail(`header length ${hi * 2 ** 32 + lo} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  }
  const headerLength = lo;
  if (headerLength < 2) fail(`header length ${headerLength} is too small for a JSON object`);
  if (8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} is larger than the ${bytes.length - 8} bytes that follow it in the file`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail(`header must start with "{", got ${JSON.stringify(text.slice(0, 10))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("header must be a JSON object");

  const bufferStart = 8 + headerLength;
  const bufferLength = bytes.length - bufferStart;
  const metadata: Record<string, string> = {};
  const specs: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail("__metadata__ must be an object of strings");
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== "string") fail(`__metadata__ value for "${k}" must be a string, got ${JSON.stringify(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail(`entry "${name}" must be an object`);
    const { dtype: code, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof code !== "string") fail(`tensor "${name}" has no dtype string`);
    const dtype = FROM_SAFETENSORS[code];
    if (dtype === undefined) fail(`tensor "${name}" has dtype ${JSON.stringify(code)}, which deepscript cannot read (supported: F32, F64, I32, BOOL)`);
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt)) {
      fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end])`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] with begin > end`);
    if (end > bufferLength) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] beyond the ${bufferLength}-byte data buffer`);
    let count = 1;
    for (const s of shape as number[]) count *= s;
    if (!Number.isSafeInteger(count) || count * ITEM_SIZE[dtype] !== end - begin) {
      fail(`tensor "${name}" of shape [${(shape as number[]).join(", ")}] and dtype ${code} needs ${count * ITEM_SIZE[dtype]} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    specs.push({ name, dtype, shape: shape as number[], begin, end });
  }

  // The tensors must tile the buffer exactly: sorted by offset, each starts where the previous ended.
  const sorted = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = "";
  for (const s of sorted) {
    if (s.begin < covered) fail(`tensors "${previous}" and "${s.name}" overlap (byte ${s.begin} < ${covered})`);
    if (s.begin > covered) fail(`bytes ${covered}..${s.begin} of the data buffer belong to no tensor (a hole before "${s.name}")`);
    covered = s.end;
    previous = s.name;
  }
  if (covered !== bufferLength) fail(`the data buffer has ${bufferLength} bytes but the tensors cover only ${covered}`);

  const tensors: Record<string, Tensor> = {};
  for (const s of specs) {
    const count = (s.end - s.begin) / ITEM_SIZE[s.dtype];
    const data = fromBytes(bytes.subarray(bufferStart + s.begin, bufferStart + s.end), s.dtype, count);
    if (s.dtype === "bool") {
      for (let i = 0; i < data.length; i++) if (data[i]! > 1) fail(`BOOL tensor "${s.name}" holds byte ${data[i]} at element ${i} (must be 0 or 1)`);
    }
    tensors[s.name] = Tensor.fromData(data, s.shape, s.dtype);
  }
  return { tensors, metadata };
}
