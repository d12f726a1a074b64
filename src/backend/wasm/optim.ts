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
  // Arrays that live in linear memory (pinned parameters and buffers) are updated in place.
  const inP = rt.addressOf(p), inB = b === null ? -1 : rt.addressOf(b);
  const pp = inP >= 0 ? inP : rt.put(p, 0, n);
  const pg = rt.ref(g, 0, n);
  const pb = inB >= 0 ? inB : mode === "momentum" ? rt.put(b!, 0, n) : mode === "first" ? rt.alloc(n * 4) : 0;
  rt.exports.sgd(pp, pg, pb, n, h.lr, h.momentum, h.keep, h.weightDecay, SGD_MODES[mode]);
  if (inP < 0) p.set(rt.f32(pp, n));
  if (mode !== "plain" && inB < 0) b!.set(rt.f32(pb, n));
}
