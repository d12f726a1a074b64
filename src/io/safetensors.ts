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
 * The writer produces the official `safetensors` package's bytes (its Rust `prepare`/`serialize`):
 * compact JSON with `__metadata__` first, the header padded with spaces to a multiple of 8, and
 * tensors ordered by dtype in the reverse of the package's `Dtype` enum (F64, F32, I32, BOOL), then
 * by name compared as UTF-8 bytes (code points, not JavaScript's UTF-16 order). Metadata keys keep
 * the caller's order (the official writer's HashMap has none).
 *
 * Names and metadata keys are data, never object properties of the library: records returned here
 * have no prototype, so a tensor named `__proto__` is an ordinary entry.
 */

/** safetensors dtype names for deepscript's dtypes (the format's BOOL is one byte per element). */
export const SAFETENSORS_DTYPE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };
const DTYPE_OF_CODE = new Map<string, DType>([["F32", "float32"], ["F64", "float64"], ["I32", "int32"], ["BOOL", "bool"]]);
const ITEM_SIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
/** Position of each dtype in the official writer's order (its `Dtype` enum, reversed). */
const WRITE_RANK: Record<DType, number> = { float64: 0, float32: 1, int32: 2, bool: 3 };

/** The largest header the reference implementation accepts (100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";

/** A parsed safetensors file ({@link deserialize}): its tensors by name and its `__metadata__` string map. */
export interface SafetensorsFile {
  /** Name → tensor, as a record without prototype (any name, `__proto__` included, is an own entry). */
  tensors: Record<string, Tensor>;
  /** The free-form `__metadata__` string map ({} when absent), also without prototype. */
  metadata: Record<string, string>;
}

export type NamedTensors = Record<string, Tensor> | Map<string, Tensor>;

/** An empty record without prototype: keys read from files can never reach `Object.prototype`. */
export function nullRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/** A short description of an untrusted JSON value for error messages (bounded in length and depth). */
export function preview(value: unknown, depth = 0): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value !== "object" || value === null) return String(value);
  if (depth >= 2) return Array.isArray(value) ? "[…]" : "{…}";
  if (Array.isArray(value)) {
    const items = value.slice(0, 8).map((v) => preview(v, depth + 1));
    return `[${items.join(", ")}${value.length > 8 ? ", …" : ""}]`;
  }
  const keys = Object.keys(value);
  const items = keys.slice(0, 4).map((k) => `${preview(k)}: ${preview((value as Record<string, unknown>)[k], depth + 1)}`);
  return `{${items.join(", ")}${keys.length > 4 ? ", …" : ""}}`;
}

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The tensor's values as little-endian bytes (a view of its storage when it is contiguous). */
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

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 encodings. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (U+D800–DFFF, code points above U+FFFF) before U+E000–FFFF; move them last.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * A file laid out but not yet concatenated: the 8-byte length plus padded JSON header, then each
 * tensor's bytes. `serialize` joins the parts; the Node writer streams them to disk in chunks, so a
 * checkpoint may be larger than any single array.
 */
export interface SafetensorsPlan {
  header: Uint8Array;
  parts: Uint8Array[];
  byteLength: number;
}

function entriesOf<V>(value: Record<string, V> | Map<string, V>, what: string, op: string): [string, V][] {
  if (value instanceof Map) return [...value.entries()];
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${op}: ${what} must be an object or a Map, got ${preview(value)}`);
  return Object.entries(value);
}

/** A module (or optimizer) passed where its tensors belong: say to call stateDict(). */
function checkNotStateful(value: unknown, op: string): void {
  if (value === null || typeof value !== "object" || typeof (value as { stateDict?: unknown }).stateDict !== "function") return;
  const cls = (value as object).constructor?.name ?? "Object";
  const what = typeof (value as { forward?: unknown }).forward === "function" ? `a module (${cls})` : `a ${cls}`;
  const instead =
    op === "io.save" ? "save its weights with io.save(model.stateDict(), path)" : op === "io.serialize" ? "pass its weights: io.serialize(model.stateDict())" : "pass its stateDict()";
  throw new Error(`${op}: got ${what}, not a record of tensors; ${instead}`);
}

/** A lone surrogate: JSON.stringify escapes it, and readers in other languages reject the escape. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkName(name: unknown, what: string, op: string): asserts name is string {
  if (typeof name !== "string") throw new Error(`${op}: ${what} names must be strings, got ${typeof name} ${preview(name)}`);
  if (LONE_SURROGATE.test(name)) throw new Error(`${op}: ${what} name ${JSON.stringify(name)} is not well-formed Unicode (a lone surrogate), which safetensors readers reject`);
}

/** Lays out `tensors` and `metadata` as the official writer does; `op` names the caller in errors. */
export function planSafetensors(tensors: NamedTensors, metadata: Record<string, string> | Map<string, string> | undefined, op: string): SafetensorsPlan {
  checkNotStateful(tensors, op);
  const entries = entriesOf(tensors, "tensors", op);
  for (const [name, t] of entries) {
    checkName(name, "tensor", op);
    if (name === METADATA_KEY) throw new Error(`${op}: "${METADATA_KEY}" is reserved by the format and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new Error(`${op}: "${name}" is not a Tensor (got ${typeof t} ${preview(t)})`);
    t.assertLive(op);
  }
  entries.sort(([na, a], [nb, b]) => WRITE_RANK[a.dtype] - WRITE_RANK[b.dtype] || compareCodePoints(na, nb));

  let json = "{";
  if (metadata !== undefined) {
    const fields: string[] = [];
    for (const [k, v] of entriesOf(metadata, "metadata", op)) {
      checkName(k, "metadata", op);
      if (typeof v !== "string") throw new Error(`${op}: metadata value for "${k}" must be a string, got ${typeof v} ${preview(v)}`);
      if (LONE_SURROGATE.test(v)) throw new Error(`${op}: metadata value for "${k}" is not well-formed Unicode (a lone surrogate)`);
      fields.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
    json += `"${METADATA_KEY}":{${fields.join(",")}}`;
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of entries) {
    const bytes = toBytes(t);
    if (json.length > 1) json += ",";
    json += `${JSON.stringify(name)}:{"dtype":"${SAFETENSORS_DTYPE[t.dtype]}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + bytes.length}]}`;
    parts.push(bytes);
    offset += bytes.length;
  }
  json += "}";
  const text = new TextEncoder().encode(json);
  const padded = Math.ceil(text.length / 8) * 8;
  if (padded > MAX_HEADER_BYTES) throw new Error(`${op}: the header would be ${padded} bytes, over the format's limit of ${MAX_HEADER_BYTES} (too many tensors or too much metadata)`);
  const header = new Uint8Array(8 + padded);
  const view = new DataView(header.buffer);
  view.setUint32(0, padded, true); // low 32 bits of the u64 header length (the high ones are 0: padded <= 100 MB)
  header.set(text, 8);
  header.fill(0x20, 8 + text.length);
  return { header, parts, byteLength: header.length + offset };
}

/**
 * Encodes named tensors (e.g. a `stateDict()`) as a safetensors file, byte for byte what the official
 * `safetensors` package writes for the same tensors and metadata.
 *
 * ```ts
 * const bytes = io.serialize(model.stateDict(), { metadata: { epoch: "3" } });
 * ```
 */
export function serialize(tensors: NamedTensors, options: { metadata?: Record<string, string> | Map<string, string> } = {}): Uint8Array {
  const plan = planSafetensors(tensors, options.metadata, "io.serialize");
  let out: Uint8Array;
  try {
    out = new Uint8Array(plan.byteLength);
  } catch {
    throw new Error(`io.serialize: the file would be ${plan.byteLength} bytes, more than one array can hold; write it with io.save, which streams to disk`);
  }
  out.set(plan.header, 0);
  let pos = plan.header.length;
  for (const part of plan.parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** Random access to the bytes of a file: an array in memory, or an open file read in chunks (src/node/fs.ts). */
export interface ByteSource {
  readonly size: number;
  /** Fills `into` with the bytes at `position`…`position + into.length` (the caller checked the range). */
  read(into: Uint8Array, position: number): void;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (into, position) => into.set(bytes.subarray(position, position + into.length)) };
}

export interface TensorSpec {
  name: string;
  dtype: DType;
  /** Stored as I64 (PyTorch's int64, e.g. `num_batches_tracked`): read into int32 with a range check. */
  int64?: boolean;
  shape: number[];
  begin: number;
  end: number;
}

/** A validated header: every tensor's span lies in the file and the spans tile the data buffer. */
export interface SafetensorsHeader {
  metadata: Record<string, string>;
  specs: TensorSpec[];
  /** File offset of the data buffer (8 + header length). */
  bufferStart: number;
}

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Reads and checks the header. Every length and offset is checked against the file's size before a
 * byte of tensor data is read, so a hostile or truncated file gives an error that says what is wrong,
 * never an over-read or a huge allocation. Errors start with `where` (the operation and the file).
 */
export function readHeader(source: ByteSource, where: string): SafetensorsHeader {
  const fail: (message: string) => never = (message) => {
    throw new Error(`${where}: ${message}`);
  };
  const size = source.size;
  if (size < 8) fail(`file is ${size} bytes, too short for the 8-byte header length of a safetensors file`);
  const prefix = new Uint8Array(8);
  source.read(prefix, 0);
  const view = new DataView(prefix.buffer);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  if (hi !== 0 || lo > MAX_HEADER_BYTES) fail(`header length ${hi * 2 ** 32 + lo} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  const headerLength = lo;
  if (headerLength < 2) fail(`header length ${headerLength} is too small for a JSON object`);
  if (8 + headerLength > size) fail(`header length ${headerLength} is larger than the ${size - 8} bytes that follow it in the file`);
  const headerBytes = new Uint8Array(headerLength);
  source.read(headerBytes, 8);
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
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
  if (!isPlainObject(header)) fail("header must be a JSON object");

  const bufferStart = 8 + headerLength;
  const bufferLength = size - bufferStart;
  const metadata = nullRecord<string>();
  const specs: TensorSpec[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    const quoted = preview(name);
    if (name === METADATA_KEY) {
      if (!isPlainObject(entry)) fail(`__metadata__ must be an object of strings, got ${preview(entry)}`);
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== "string") fail(`__metadata__ value for ${preview(k)} must be a string, got ${preview(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    if (!isPlainObject(entry)) fail(`entry ${quoted} must be an object, got ${preview(entry)}`);
    const code = Object.hasOwn(entry, "dtype") ? entry.dtype : undefined;
    const shape = Object.hasOwn(entry, "shape") ? entry.shape : undefined;
    const offsets = Object.hasOwn(entry, "data_offsets") ? entry.data_offsets : undefined;
    if (typeof code !== "string") fail(`tensor ${quoted} has no dtype string (got ${preview(code)})`);
    const int64 = code === "I64";
    const dtype = int64 ? "int32" : DTYPE_OF_CODE.get(code);
    if (dtype === undefined) fail(`tensor ${quoted} has dtype ${preview(code)}, which deepscript cannot read (supported: F32, F64, I32, I64 as int32, BOOL)`);
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) fail(`tensor ${quoted} has an invalid shape ${preview(shape)} (expected a list of non-negative integers)`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt)) {
      fail(`tensor ${quoted} has invalid data_offsets ${preview(offsets)} (expected [begin, end])`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) fail(`tensor ${quoted} has data_offsets [${begin}, ${end}] with begin > end`);
    if (end > bufferLength) fail(`tensor ${quoted} has data_offsets [${begin}, ${end}] beyond the ${bufferLength}-byte data buffer`);
    let count = 1;
    for (const s of shape as number[]) count *= s;
    const needed = count * (int64 ? 8 : ITEM_SIZE[dtype]);
    if (!Number.isSafeInteger(needed) || needed !== end - begin) {
      fail(`tensor ${quoted} of shape [${(shape as number[]).join(", ")}] and dtype ${code} needs ${needed} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    specs.push({ name, dtype, shape: shape as number[], begin, end, ...(int64 ? { int64 } : {}) });
  }

  // The tensors must tile the buffer exactly: sorted by offset, each starts where the previous ended.
  const sorted = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = "";
  for (const s of sorted) {
    if (s.begin < covered) fail(`tensors ${preview(previous)} and ${preview(s.name)} overlap (byte ${s.begin} < ${covered})`);
    if (s.begin > covered) fail(`bytes ${covered}..${s.begin} of the data buffer belong to no tensor (a hole before ${preview(s.name)})`);
    covered = s.end;
    previous = s.name;
  }
  if (covered !== bufferLength) fail(`the data buffer has ${bufferLength} bytes but the tensors cover only ${covered}`);
  return { metadata, specs, bufferStart };
}

/** Reads every tensor of a checked header into fresh memory (one copy, straight from the source). */
export function readTensors(source: ByteSource, header: SafetensorsHeader, where: string): Record<string, Tensor> {
  const tensors = nullRecord<Tensor>();
  for (const s of header.specs) {
    const byteLength = s.end - s.begin;
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer(byteLength);
    } catch {
      throw new Error(`${where}: cannot allocate ${byteLength} bytes for tensor ${preview(s.name)} of shape [${s.shape.join(", ")}]`);
    }
    const bytes = new Uint8Array(buffer);
    source.read(bytes, header.bufferStart + s.begin);
    const data = s.int64 ? int32FromInt64(buffer, s.name, where) : typedArrayOf(buffer, s.dtype);
    if (s.dtype === "bool") {
      for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 1) throw new Error(`${where}: BOOL tensor ${preview(s.name)} holds byte ${bytes[i]} at element ${i} (must be 0 or 1)`);
    }
    tensors[s.name] = Tensor.fromData(data, s.shape, s.dtype);
  }
  return tensors;
}

/** The little-endian bytes in `buffer` as a TypedArray of `dtype` (in place on little-endian hosts). */
function typedArrayOf(buffer: ArrayBuffer, dtype: DType): TypedArray {
  const count = buffer.byteLength / ITEM_SIZE[dtype];
  if (dtype === "bool") return new Uint8Array(buffer);
  if (littleEndianHost) {
    if (dtype === "float32") return new Float32Array(buffer);
    if (dtype === "float64") return new Float64Array(buffer);
    return new Int32Array(buffer);
  }
  const view = new DataView(buffer);
  if (dtype === "float32") return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
  if (dtype === "float64") return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
  return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
}

/** Decodes a safetensors file held in memory (see `readHeader` for what is checked). */
export function deserialize(bytes: Uint8Array): SafetensorsFile {
  return deserializeAs(bytes, "io.deserialize");
}

/** `deserialize` with errors that start with `where` (used by decodeState for tensors inside sidecars). */
export function deserializeAs(bytes: Uint8Array, where: string): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw new Error(`${where}: expected the file's bytes as a Uint8Array, got ${typeof bytes} ${preview(bytes)}`);
  const source = memorySource(bytes);
  const header = readHeader(source, where);
  return { tensors: readTensors(source, header, where), metadata: header.metadata };
}

/** I64 values as int32 (deepscript's integer dtype), refusing any value outside int32's range. */
function int32FromInt64(buffer: ArrayBuffer, name: string, where: string): Int32Array {
  const view = new DataView(buffer);
  const out = new Int32Array(buffer.byteLength / 8);
  for (let i = 0; i < out.length; i++) {
    const v = view.getBigInt64(8 * i, true);
    if (v < -2147483648n || v > 2147483647n) {
      throw new Error(`${where}: I64 tensor ${preview(name)} holds ${v} at element ${i}, outside int32 (deepscript reads I64 as int32)`);
    }
    out[i] = Number(v);
  }
  return out;
}
