// Tensor-aware JSON for checkpoint sidecars (model config, optimizer state): exact round trips, browser-safe.
import { Tensor } from "../tensor/Tensor.js";
import { deserializeAs, nullRecord, planSafetensors, preview } from "./safetensors.js";

/**
 * Optimizer state holds tensors (momentum buffers, Adam moments) next to plain numbers (step counts,
 * learning rates). `encodeState` turns such a value into plain JSON: each tensor becomes
 * `{"__tensor__": "<base64 of a one-tensor safetensors file>"}`, so its bits survive exactly, and
 * numbers JSON cannot hold become `{"__number__": "NaN" | "Infinity" | "-Infinity" | "-0"}`.
 * `decodeState` inverts it. Finite numbers survive as they are: JSON.stringify prints the shortest
 * decimal that parses back to the same double.
 *
 * Files are untrusted: decoded objects have no prototype (a key `__proto__` is an ordinary entry),
 * an object with a `__tensor__` or `__number__` key must be exactly one well-formed tagged value, and
 * values nested deeper than `MAX_STATE_DEPTH` are refused instead of overflowing the stack. The
 * encoder refuses what it could not give back: cycles, Maps, class instances, bigints, functions,
 * and objects of its own that use the reserved keys.
 */
export type StateValue = Tensor | number | string | boolean | null | undefined | StateValue[] | { [key: string]: StateValue };

/** How deeply arrays and objects may nest in encoded state (optimizer state needs about 5). */
export const MAX_STATE_DEPTH = 1000;

const TENSOR_TAG = "__tensor__";
const NUMBER_TAG = "__number__";
const SPECIAL_NUMBERS = new Map<string, number>([["NaN", Number.NaN], ["Infinity", Infinity], ["-Infinity", -Infinity], ["-0", -0]]);

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
const B64_VALUES = (() => {
  const values = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) values[B64_CODES[i]!] = i;
  return values;
})();
/** The longest string V8 makes (2^29 - 24 characters); other engines allow at least as much. */
const MAX_STRING_LENGTH = 2 ** 29 - 24;

/** Base64 of `bytes`, built as ASCII bytes and decoded once (no string concatenation). */
export function toBase64(bytes: Uint8Array): string {
  const length = Math.ceil(bytes.length / 3) * 4;
  if (length > MAX_STRING_LENGTH) throw new RangeError(`base64 of ${bytes.length} bytes would exceed the longest string`);
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out[o++] = B64_CODES[(n >> 18) & 63]!;
    out[o++] = B64_CODES[(n >> 12) & 63]!;
    out[o++] = b === undefined ? 61 : B64_CODES[(n >> 6) & 63]!; // 61 is "="
    out[o++] = c === undefined ? 61 : B64_CODES[n & 63]!;
  }
  return new TextDecoder().decode(out);
}

export function fromBase64(text: string, where = "decodeState"): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error(`${where}: invalid base64 tensor data`);
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  const value = (i: number) => Math.max(0, B64_VALUES[text.charCodeAt(i)]!); // "=" counts as 0
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (value(i) << 18) | (value(i + 1) << 12) | (value(i + 2) << 6) | value(i + 3);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** `config.layers[2].size`-style path of the value being visited, for error messages (long paths elided in the middle). */
function pathText(root: string, path: (string | number)[]): string {
  const segment = (p: string | number) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${preview(p)}]`);
  const shown = path.length > 12 ? [...path.slice(0, 8).map(segment), "…", ...path.slice(-3).map(segment)] : path.map(segment);
  return root + shown.join("");
}

/**
 * Plain-JSON form of a value that may contain tensors and non-finite numbers. `op` and `root` name
 * the caller and the value in errors (`saveCheckpoint: optimizer.state[0] ...`).
 */
export function encodeState(value: StateValue, op = "encodeState", root = "value"): unknown {
  const path: (string | number)[] = [];
  const ancestors = new Set<object>();
  const fail = (message: string): never => {
    throw new Error(`${op}: ${pathText(root, path)} ${message}`);
  };
  const encode = (v: unknown): unknown => {
    if (v === undefined || v === null) return null;
    if (typeof v === "number") {
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { [NUMBER_TAG]: Object.is(v, -0) ? "-0" : String(v) };
    }
    if (typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v !== "object") return fail(`is a ${typeof v}, which a checkpoint cannot store`);
    if (v instanceof Tensor) {
      const plan = planSafetensors(new Map([["t", v]]), undefined, `${op}: ${pathText(root, path)}`);
      try {
        if (Math.ceil(plan.byteLength / 3) * 4 > MAX_STRING_LENGTH) throw new RangeError("too long");
        return { [TENSOR_TAG]: toBase64(joinPlan(plan)) };
      } catch {
        return fail(`is a tensor of ${plan.byteLength} bytes, too large for a JSON string (its base64 is limited to about 384 MiB of tensor data); keep large tensors in the state dict`);
      }
    }
    if (ancestors.has(v)) return fail("refers back to one of its own containers (a cycle)");
    if (path.length >= MAX_STATE_DEPTH) return fail(`is nested deeper than ${MAX_STATE_DEPTH} levels`);
    ancestors.add(v);
    let out: unknown;
    if (Array.isArray(v)) {
      const items: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        items[i] = encode(v[i]);
        path.pop();
      }
      out = items;
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) fail(`is a ${(v as { constructor?: { name?: string } }).constructor?.name ?? "class instance"}; a checkpoint stores plain objects, arrays, numbers, strings, booleans, null and tensors`);
      const fields = nullRecord<unknown>();
      for (const [k, item] of Object.entries(v)) {
        if (k === TENSOR_TAG || k === NUMBER_TAG) fail(`has a key "${k}", which is reserved for tagged values`);
        if (item === undefined) continue;
        path.push(k);
        fields[k] = encode(item);
        path.pop();
      }
      out = fields;
    }
    ancestors.delete(v);
    return out;
  };
  return encode(value);
}

function joinPlan(plan: { header: Uint8Array; parts: Uint8Array[]; byteLength: number }): Uint8Array {
  const out = new Uint8Array(plan.byteLength);
  out.set(plan.header, 0);
  let pos = plan.header.length;
  for (const part of plan.parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** Inverse of `encodeState`, for untrusted input (parsed JSON); errors start with `op` and the value's path. */
export function decodeState(json: unknown, op = "decodeState", root = "value"): StateValue {
  const path: (string | number)[] = [];
  const where = () => `${op}: ${pathText(root, path)}`;
  const decode = (v: unknown): StateValue => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return v;
    if (typeof v !== "object") throw new Error(`${where()} is a ${typeof v}, which is not JSON`);
    if (path.length >= MAX_STATE_DEPTH) throw new Error(`${where()} is nested deeper than ${MAX_STATE_DEPTH} levels`);
    if (Array.isArray(v)) {
      const items: StateValue[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        items[i] = decode(v[i]);
        path.pop();
      }
      return items;
    }
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (Object.hasOwn(obj, TENSOR_TAG) || Object.hasOwn(obj, NUMBER_TAG)) return decodeTagged(obj, keys, where());
    const out = nullRecord<StateValue>();
    for (const k of keys) {
      path.push(k);
      out[k] = decode(obj[k]);
      path.pop();
    }
    return out;
  };
  return decode(json);
}

function decodeTagged(obj: Record<string, unknown>, keys: string[], where: string): StateValue {
  const tag = Object.hasOwn(obj, TENSOR_TAG) ? TENSOR_TAG : NUMBER_TAG;
  if (keys.length !== 1) throw new Error(`${where} is a malformed tagged value: "${tag}" must be the object's only key, found ${preview(keys)}`);
  const payload = obj[tag];
  if (tag === NUMBER_TAG) {
    const n = typeof payload === "string" ? SPECIAL_NUMBERS.get(payload) : undefined;
    if (n === undefined) throw new Error(`${where} is a malformed tagged number ${preview(payload)} (expected "NaN", "Infinity", "-Infinity" or "-0")`);
    return n;
  }
  if (typeof payload !== "string") throw new Error(`${where} is a malformed tagged tensor: "__tensor__" must hold a base64 string, got ${preview(payload)}`);
  const file = deserializeAs(fromBase64(payload, where), `${where} (tensor data)`);
  const names = Object.keys(file.tensors);
  if (names.length !== 1 || names[0] !== "t") throw new Error(`${where} is a malformed tagged tensor: its data must hold exactly one tensor named "t", found ${preview(names)}`);
  return file.tensors.t!;
}
