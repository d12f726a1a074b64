// Fused layer normalization (assembly/layerNorm.ts) over Float32Arrays of contiguous rows of D values.
import type { WasmRuntime } from "./WasmRuntime.js";
import { placeOutput, takeOutput } from "./attention.js";

function checkLength(op: string, name: string, have: number, want: number): void {
  if (have !== want) throw new Error(`${op}: ${name} has length ${have}, expected ${want}`);
}

/** y = (x − μ)·rstd·w + b over each row of D values of x (rows × D), with each row's μ and rstd = 1/√(σ² + eps). */
export function layerNormForward(
  rt: WasmRuntime, x: Float32Array, w: Float32Array, b: Float32Array, rows: number, D: number, eps: number, out?: Float32Array,
): { y: Float32Array; mean: Float32Array; rstd: Float32Array } {
  const op = "layerNormForward";
  checkLength(op, "x", x.length, rows * D);
  checkLength(op, "w", w.length, D);
  checkLength(op, "b", b.length, D);
  rt.resetArena();
  const px = rt.ref(x, 0, x.length), pw = rt.ref(w, 0, D), pb = rt.ref(b, 0, D);
  const oy = placeOutput(rt, op, rows * D, out), py = oy.ptr, pm = rt.alloc(4 * rows), pr = rt.alloc(4 * rows);
  rt.exports.layerNormForward(px, pw, pb, py, pm, pr, rows, D, eps);
  return { y: takeOutput(rt, oy), mean: rt.f32(pm, rows).slice(), rstd: rt.f32(pr, rows).slice() };
}

/** dx, dw and db of layerNormForward from the output gradient g and the saved mean and rstd. */
export function layerNormBackward(
  rt: WasmRuntime, g: Float32Array, x: Float32Array, mean: Float32Array, rstd: Float32Array, w: Float32Array, rows: number, D: number, dxOut?: Float32Array,
): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
  const op = "layerNormBackward";
  checkLength(op, "g", g.length, rows * D);
  checkLength(op, "x", x.length, rows * D);
  checkLength(op, "mean", mean.length, rows);
  checkLength(op, "rstd", rstd.length, rows);
  checkLength(op, "w", w.length, D);
  rt.resetArena();
  const pg = rt.ref(g, 0, g.length), px = rt.ref(x, 0, x.length), pm = rt.ref(mean, 0, rows), pr = rt.ref(rstd, 0, rows), pw = rt.ref(w, 0, D);
  const odx = placeOutput(rt, op, rows * D, dxOut), pdx = odx.ptr, pdw = rt.alloc(4 * D), pdb = rt.alloc(4 * D), acc = rt.alloc(24 * D);
  rt.exports.layerNormBackward(pg, px, pm, pr, pw, pdx, pdw, pdb, rows, D, acc);
  return { dx: takeOutput(rt, odx), dw: rt.f32(pdw, D).slice(), db: rt.f32(pdb, D).slice() };
}
