// The fused float32 GRU recurrence (assembly/gru.ts) over plain Float32Arrays: operands are copied into
// the arena once per sequence (or read in place when they live in linear memory), and the whole
// recurrence runs in one kernel call.
import type { WasmRuntime } from "./WasmRuntime.js";
import { checkLengths, copyBack, place } from "./lstm.js";

export interface GruForwardResult {
  /** Every h, (T, B, H). */
  hs: Float32Array;
  /** r, z, n and hn = h W_hnᵀ + b_hn of every step, (T, B, 4H). */
  saved: Float32Array;
}

export interface GruBackwardResult {
  /** The gradients of the input projections and of every gh = h W_hhᵀ + b_hh, (T, B, 3H). */
  dxg: Float32Array;
  dgh: Float32Array;
  /** The gradient of h0, (B, H). */
  dh0: Float32Array;
}


/** Forward recurrence of one direction: xg (T, B, 3H), whh (3H, H), bhh (3H), h0 (B, H), written into `out`. */
export function gruForward(
  rt: WasmRuntime, T: number, B: number, H: number, xg: Float32Array, whh: Float32Array, bhh: Float32Array, h0: Float32Array, reverse: boolean,
  out: GruForwardResult,
): GruForwardResult {
  const G = 3 * H;
  checkLengths("gruForward", {
    xg: [xg.length, T * B * G], whh: [whh.length, G * H], bhh: [bhh.length, G], h0: [h0.length, B * H],
    hs: [out.hs.length, T * B * H], saved: [out.saved.length, T * B * 4 * H],
  });
  rt.resetArena();
  const pXg = rt.ref(xg, 0, xg.length), pW = rt.ref(whh, 0, whh.length), pB = rt.ref(bhh, 0, G), pH0 = rt.ref(h0, 0, h0.length);
  const hs = place(rt, out.hs), saved = place(rt, out.saved);
  const gh = rt.alloc(4 * B * G), work = rt.alloc(rt.exports.gemmWorkspaceBytes(G)), packed = rt.alloc(rt.exports.packedBBytes(H, G));
  rt.exports.gruForward(T, B, H, pXg, pW, pB, pH0, hs.at, saved.at, reverse ? 1 : 0, gh, work, packed);
  copyBack(rt, hs, saved);
  return out;
}

/** Backward of gruForward: dhs (T, B, H) → dxg, dgh (T, B, 3H) and dh0 (B, H), written into `out`. */
export function gruBackward(
  rt: WasmRuntime, T: number, B: number, H: number, dhs: Float32Array, whh: Float32Array, h0: Float32Array, hs: Float32Array,
  saved: Float32Array, reverse: boolean, out: GruBackwardResult,
): GruBackwardResult {
  const G = 3 * H, n = T * B * H;
  checkLengths("gruBackward", {
    dhs: [dhs.length, n], whh: [whh.length, G * H], h0: [h0.length, B * H], hs: [hs.length, n], saved: [saved.length, 4 * n],
    dxg: [out.dxg.length, T * B * G], dgh: [out.dgh.length, T * B * G], dh0: [out.dh0.length, B * H],
  });
  rt.resetArena();
  const pDhs = rt.ref(dhs, 0, n), pW = rt.ref(whh, 0, whh.length), pH0 = rt.ref(h0, 0, h0.length);
  const pHs = rt.ref(hs, 0, n), pSaved = rt.ref(saved, 0, saved.length);
  const dxg = place(rt, out.dxg), dgh = place(rt, out.dgh), dh = place(rt, out.dh0);
  rt.f32(dh.at, B * H).fill(0);
  const work = rt.alloc(rt.exports.gemmWorkspaceBytes(H)), packed = rt.alloc(rt.exports.packedBBytes(G, H));
  rt.exports.gruBackward(T, B, H, pDhs, pW, pH0, pHs, pSaved, dxg.at, dgh.at, dh.at, reverse ? 1 : 0, work, packed);
  copyBack(rt, dxg, dgh, dh);
  return out;
}
