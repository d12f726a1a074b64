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
  const [pp, pb] = updated(rt, mode === "plain" ? [p] : [p, b!], n);
  rt.exports.sgd(pp.at, rt.ref(g, 0, n), pb?.at ?? 0, n, h.lr, h.momentum, h.keep, h.weightDecay, SGD_MODES[mode]);
  pp.done();
  pb?.done();
}

/**
 * Addresses of arrays a kernel updates in place: those that live in linear memory (pinned parameters
 * and optimizer state) are used where they are; the others go through arena copies, which done()
 * copies back.
 */
function updated(rt: WasmRuntime, arrays: Float32Array[], n: number): { at: number; done: () => void }[] {
  return arrays.map((a) => {
    const resident = rt.addressOf(a);
    if (resident >= 0) return { at: resident, done: () => undefined };
    const at = rt.put(a, 0, n);
    return { at, done: () => a.set(rt.f32(at, n)) };
  });
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
  const ops = updated(rt, vmax === null ? [p, m, v] : [p, m, v, vmax], n);
  const [pp, pm, pv, pvmax] = ops;
  rt.exports.adam(pp!.at, rt.ref(g, 0, n), pm!.at, pv!.at, (pvmax ?? pv!).at /* unused without AMSGrad */, n, h.stepSize, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.bc2, h.eps, h.weightDecay, h.decay, vmax === null ? 0 : 1);
  for (const op of ops) op.done();
}
