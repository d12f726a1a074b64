// Tensor-aware JSON for checkpoint sidecars (model config, optimizer state): exact round trips, browser-safe.
import { Tensor } from "../tensor/Tensor.js";
import { serialize, deserialize } from "./safetensors.js";

/**
 * Optimizer state holds tensors (momentum buffers, Adam moments) next to plain numbers (step counts,
 * learning rates). `encodeState` turns such a value into plain JSON: each tensor becomes
 * `{"__tensor__": "<base64 of a one-tensor safetensors file>"}`, so its bits survive exactly, and
 * non-finite numbers (JSON has none) become `{"__number__": "NaN" | "Infinity" | "-Infinity"}`.
 * `decodeState` inverts it. Finite numbers survive as they are: JSON.stringify prints the shortest
 * decimal that parses back to the same double.
 */
export type StateValue = Tensor | number | string | boolean | null | undefined | StateValue[] | { [key: string]: StateValue };

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function toBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (b === undefined ? "=" : B64[(n >> 6) & 63]!) + (c === undefined ? "=" : B64[n & 63]!);
  }
  return out;
}

export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error("decodeState: invalid base64 tensor data");
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (B64.indexOf(text[i]!) << 18) | (B64.indexOf(text[i + 1]!) << 12) | (Math.max(0, B64.indexOf(text[i + 2]!)) << 6) | Math.max(0, B64.indexOf(text[i + 3]!));
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** Plain-JSON form of a value that may contain tensors and non-finite numbers. */
export function encodeState(value: StateValue): unknown {
  if (value instanceof Tensor) return { __tensor__: toBase64(serialize({ t: value })) };
  if (typeof value === "number") return Number.isFinite(value) ? value : { __number__: String(value) };
  if (Array.isArray(value)) return value.map(encodeState);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encodeState(v);
    return out;
  }
  return value ?? null;
}

/** Inverse of `encodeState`. */
export function decodeState(json: unknown): StateValue {
  if (Array.isArray(json)) return json.map(decodeState);
  if (json !== null && typeof json === "object") {
    const obj = json as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && typeof obj.__tensor__ === "string") {
      const t = deserialize(fromBase64(obj.__tensor__)).tensors.t;
      if (!t) throw new Error("decodeState: tensor entry holds no tensor named \"t\"");
      return t;
    }
    if (keys.length === 1 && typeof obj.__number__ === "string") {
      const n = Number(obj.__number__);
      if (!Number.isNaN(n) || obj.__number__ === "NaN") return n;
      throw new Error(`decodeState: bad number ${JSON.stringify(obj.__number__)}`);
    }
    const out: Record<string, StateValue> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = decodeState(v);
    return out;
  }
  if (typeof json === "number" || typeof json === "string" || typeof json === "boolean" || json === null) return json;
  throw new Error(`decodeState: unexpected ${typeof json}`);
}

