// Fused optimizer updates over Float32Arrays: one SIMD pass, in place for arrays that live in linear
// memory, through arena copies for the others.
import type { WasmRuntime } from "./WasmRuntime.js";

/** Codes match assembly/optim.ts. */
export const SGD_MODES = { plain: 0, first: 1, momentum: 2 } as const;
export type SgdMode = keyof typeof SGD_MODES;

export interface SgdHyper {
  lr: number;
  momentum: number;
  /** 1 − dampening. */
  keep: number;
  weightDecay: number;
}

/**
 * One in-place SGD update of p (and of the momentum buffer b unless mode is "plain"), with the
 * formulas of torch.optim.SGD (see assembly/optim.ts). p, g and b have the same length.
 */
export function sgd(rt: WasmRuntime, mode: SgdMode, p: Float32Array, g: Float32Array, b: Float32Array | null, h: SgdHyper): void {
  const n = p.length;
  if (g.length !== n || (b !== null && b.length !== n)) {
    throw new Error(`sgd: p, g and b must have the same length, got ${n}, ${g.length} and ${b?.length ?? "none"}`);
  }
  if (mode !== "plain" && b === null) throw new Error(`sgd: mode "${mode}" needs a momentum buffer`);
  rt.resetArena();
  const pp = place(rt, p), pb = b === null ? 0 : place(rt, b);
  rt.exports.sgd(pp, rt.ref(g, 0, n), pb, n, h.lr, h.momentum, h.keep, h.weightDecay, SGD_MODES[mode]);
  copyBack(rt, p, pp);
  if (b !== null) copyBack(rt, b, pb);
}

/**
 * Address of an array a kernel updates in place: where it lives in linear memory (pinned parameters
 * and optimizer state), else an arena copy's, which copyBack copies back. (Plain functions, no
 * per-call closures: a small parameter's whole update costs about as much as making them.)
 */
function place(rt: WasmRuntime, a: Float32Array): number {
  const resident = rt.addressOf(a);
  return resident >= 0 ? resident : rt.put(a, 0, a.length);
}

/** Copies an updated arena copy (see place) back into its array; arrays in linear memory need nothing. */
function copyBack(rt: WasmRuntime, a: Float32Array, at: number): void {
  if (rt.addressOf(a) < 0) a.set(rt.f32(at, a.length));
}

export interface AdamStep {
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  beta1: number;
  beta2: number;
  /** √(1 − β₂ᵗ). */
  bc2: number;
  eps: number;
  /** Adam's coupled L2 weight decay (0 for AdamW). */
  weightDecay: number;
  /** AdamW's decoupled decay factor 1 − lr·λ (1 for Adam). */
  decay: number;
}

/**
 * One in-place Adam/AdamW update of p, m, v (and vmax with AMSGrad) from gradient g, with the formulas
 * of torch.optim.Adam/AdamW (see assembly/optim.ts). All arrays have the same length.
 */
export function adam(
  rt: WasmRuntime, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, h: AdamStep,
): void {
  const n = p.length;
  if (g.length !== n || m.length !== n || v.length !== n || (vmax !== null && vmax.length !== n)) {
    throw new Error(`adam: p, g, m, v (and vmax) must have the same length, got ${n}, ${g.length}, ${m.length}, ${v.length}${vmax ? `, ${vmax.length}` : ""}`);
  }
  rt.resetArena();
  const pp = place(rt, p), pm = place(rt, m), pv = place(rt, v);
  const pvmax = vmax === null ? pv /* unused without AMSGrad */ : place(rt, vmax);
  rt.exports.adam(pp, rt.ref(g, 0, n), pm, pv, pvmax, n, h.stepSize, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.bc2, h.eps, h.weightDecay, h.decay, vmax === null ? 0 : 1);
  copyBack(rt, p, pp);
  copyBack(rt, m, pm);
  copyBack(rt, v, pv);
  if (vmax !== null) copyBack(rt, vmax, pvmax);
}
