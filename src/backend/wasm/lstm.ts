// The fused float32 LSTM recurrence (assembly/lstm.ts) over plain Float32Arrays: operands are copied
// into the arena once per sequence (or read in place when they live in linear memory), and the whole
// recurrence runs in one kernel call.
import type { WasmRuntime } from "./WasmRuntime.js";

export interface LstmForwardResult {
  /** Every h and every c, (T, B, H). */
  hs: Float32Array;
  cs: Float32Array;
  /** The activated gates σ(i), σ(f), tanh(g), σ(o), (T, B, 4H). */
  gates: Float32Array;
}

/** Where the caller wants a kernel output: a given array, written in place when it lives in linear memory. */
export type Output = { array: Float32Array; at: number; resident: boolean };

/** Throws `op: name has length …, expected …` for the first operand whose length is not the expected one. */
export function checkLengths(op: string, lengths: Record<string, [number, number]>): void {
  for (const [name, [have, want]] of Object.entries(lengths)) {
    if (have !== want) throw new Error(`${op}: ${name} has length ${have}, expected ${want}`);
  }
}

/** The output's place in linear memory: the array itself when resident, else fresh arena memory copied back by {@link copyBack}. */
export function place(rt: WasmRuntime, array: Float32Array): Output {
  const at = rt.addressOf(array);
  return at >= 0 ? { array, at, resident: true } : { array, at: rt.alloc(4 * array.length), resident: false };
}

/** Copies the outputs that were not resident from the arena into their arrays. */
export function copyBack(rt: WasmRuntime, ...outs: Output[]): void {
  for (const o of outs) if (!o.resident) o.array.set(rt.f32(o.at, o.array.length));
}

/**
 * Forward recurrence of one direction: xg (T, B, 4H), whh (4H, H), h0 and c0 (B, H), written into
 * `out` (hs, cs: T·B·H floats; gates: T·B·4H).
 */
export function lstmForward(
  rt: WasmRuntime, T: number, B: number, H: number, xg: Float32Array, whh: Float32Array, h0: Float32Array, c0: Float32Array, reverse: boolean,
  out: LstmForwardResult,
): LstmForwardResult {
  const G = 4 * H, n = T * B * H;
  checkLengths("lstmForward", {
    xg: [xg.length, T * B * G], whh: [whh.length, G * H], h0: [h0.length, B * H], c0: [c0.length, B * H],
    hs: [out.hs.length, n], cs: [out.cs.length, n], gates: [out.gates.length, T * B * G],
  });
  rt.resetArena();
  const pXg = rt.ref(xg, 0, xg.length), pW = rt.ref(whh, 0, whh.length), pH0 = rt.ref(h0, 0, h0.length), pC0 = rt.ref(c0, 0, c0.length);
  const hs = place(rt, out.hs), cs = place(rt, out.cs), gates = place(rt, out.gates);
  const work = rt.alloc(rt.exports.gemmWorkspaceBytes(G)), packed = rt.alloc(rt.exports.packedBBytes(H, G));
  rt.exports.lstmForward(T, B, H, pXg, pW, pH0, pC0, hs.at, cs.at, gates.at, reverse ? 1 : 0, work, packed);
  copyBack(rt, hs, cs, gates);
  return out;
}

/** The W_hh gradient wanted from lstmBackward: h0 (B·H) and every h (T·B·H) in, dWhh (4H·H) out. */
export interface LstmWeightGrad {
  h0: Float32Array;
  hs: Float32Array;
  dWhh: Float32Array;
}

/** Outputs of lstmBackward. */
export interface LstmBackwardResult {
  dxg: Float32Array;
  dh0: Float32Array;
  dc0: Float32Array;
  weightGrad?: LstmWeightGrad | null;
}

/**
 * Backward of lstmForward into dxg (T·B·4H floats), dh0 and dc0 (B·H); `dcs` null means zero (no
 * gradient reached any c). With `out.weightGrad`, also dW_hh = Σ_t dgates_tᵀ h_{t−1}, accumulated
 * in the kernel step by step while dgates_t is still in cache.
 */
export function lstmBackward(
  rt: WasmRuntime, T: number, B: number, H: number, dhs: Float32Array, dcs: Float32Array | null, whh: Float32Array, c0: Float32Array,
  cs: Float32Array, gates: Float32Array, reverse: boolean, out: LstmBackwardResult,
): LstmBackwardResult {
  const G = 4 * H, n = T * B * H;
  const wg = out.weightGrad ?? null;
  checkLengths("lstmBackward", {
    dhs: [dhs.length, n], dcs: [dcs?.length ?? n, n], whh: [whh.length, G * H], c0: [c0.length, B * H], cs: [cs.length, n],
    gates: [gates.length, T * B * G], dxg: [out.dxg.length, T * B * G], dh0: [out.dh0.length, B * H], dc0: [out.dc0.length, B * H],
    ...(wg ? { h0: [wg.h0.length, B * H], hs: [wg.hs.length, n], dWhh: [wg.dWhh.length, G * H] } : {}),
  });
  rt.resetArena();
  const pDhs = rt.ref(dhs, 0, n), pW = rt.ref(whh, 0, whh.length), pC0 = rt.ref(c0, 0, c0.length);
  const pCs = rt.ref(cs, 0, n), pGates = rt.ref(gates, 0, gates.length);
  let pDcs: number;
  if (dcs) pDcs = rt.ref(dcs, 0, n);
  else {
    pDcs = rt.alloc(4 * n);
    rt.f32(pDcs, n).fill(0);
  }
  const dxg = place(rt, out.dxg), dh = place(rt, out.dh0), dc = place(rt, out.dc0);
  rt.f32(dh.at, B * H).fill(0);
  rt.f32(dc.at, B * H).fill(0);
  const work = rt.alloc(rt.exports.gemmWorkspaceBytes(H)), packed = rt.alloc(rt.exports.packedBBytes(G, H));
  const dW = wg ? place(rt, wg.dWhh) : null;
  const pH0 = wg ? rt.ref(wg.h0, 0, B * H) : 0, pHs = wg ? rt.ref(wg.hs, 0, n) : 0;
  rt.exports.lstmBackward(T, B, H, pDhs, pDcs, pW, pC0, pCs, pGates, dxg.at, dh.at, dc.at, reverse ? 1 : 0, work, packed, pH0, pHs, dW?.at ?? 0);
  copyBack(rt, dxg, dh, dc);
  if (dW) copyBack(rt, dW);
  return out;
}
