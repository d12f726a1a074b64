// The LSTM recurrence over a whole sequence: the fused primitive and its composite reference
// (forward and backpropagation through time), which the fused kernels are tested against.
import type { Tensor } from "../tensor/Tensor.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { applyMulti } from "../autograd/engine.js";
import { cat, stack } from "./movement.js";
import { zerosLike } from "./creation.js";
import { internalOutputs, releaseStorage } from "../tensor/recycle.js";

function checkArgs(op: string, xg: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor): [number, number, number] {
  if (xg.ndim !== 3 || xg.shape[2]! % 4 !== 0) throw new Error(`${op}: xg must be (T, B, 4H), got shape ${fmtShape(xg.shape)}`);
  const [T, B, G] = xg.shape as [number, number, number];
  const H = G / 4;
  if (!shapesEqual(weightHh.shape, [G, H])) throw new Error(`${op}: weightHh must be (4H, H) = [${G},${H}] for xg ${fmtShape(xg.shape)}, got ${fmtShape(weightHh.shape)}`);
  for (const [name, t] of [["h0", h0], ["c0", c0]] as const) {
    if (!shapesEqual(t.shape, [B, H])) throw new Error(`${op}: ${name} must be (B, H) = [${B},${H}] for xg ${fmtShape(xg.shape)}, got ${fmtShape(t.shape)}`);
  }
  for (const t of [weightHh, h0, c0]) {
    if (t.dtype !== xg.dtype) throw new Error(`${op}: every argument must have xg's dtype ${xg.dtype}, got ${t.dtype}`);
  }
  if (xg.dtype !== "float32" && xg.dtype !== "float64") throw new Error(`${op}: expected floating-point tensors, got ${xg.dtype}`);
  return [T, B, H];
}

/**
 * The recurrence of one LSTM direction: xg (T, B, 4H) holds x_t W_ihᵀ + b_ih + b_hh for every step;
 * per step gates = xg_t + h W_hhᵀ (order i, f, g, o), c = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c);
 * `reverse` runs t = T−1 … 0. Returns every h and every c, (T, B, H). One fused primitive: one GEMM
 * and one pass over the gates per step, backward without per-gate tensors.
 */
export function lstmRecurrence(xg: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, reverse = false): [Tensor, Tensor] {
  const [T] = checkArgs("lstmRecurrence", xg, weightHh, h0, c0);
  if (T === 0) return [xg.narrow(2, 0, 0).reshape(0, ...h0.shape), xg.narrow(2, 0, 0).reshape(0, ...c0.shape)];
  const [hs, cs, gates] = internalOutputs(() => applyMulti("lstmRecurrence", [xg, weightHh, h0, c0], { reverse }));
  // The gates are a workspace only the tape reads: without this function's claim their memory goes
  // back to the pool once backward has used them (see Storage.refs), for the next step's kernels.
  releaseStorage(gates!.storage);
  return [hs!, cs!];
}

/** One LSTM step from the pre-activation gates: [h, c, (σ(i), σ(f), tanh(g), σ(o))]. */
function cellFromGates(gates: Tensor, c: Tensor): [Tensor, Tensor, Tensor[]] {
  const [pi, pf, pg, po] = gates.chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor]; // each (B, H)
  const i = pi.sigmoid(), f = pf.sigmoid(), g = pg.tanh(), o = po.sigmoid();
  const c2 = f.mul(c).add(i.mul(g));
  return [o.mul(c2.tanh()), c2, [i, f, g, o]];
}

/** {@link lstmRecurrence} written with composite ops: the oracle of the fused primitive. */
export function lstmRecurrenceReference(xg: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, reverse = false): [Tensor, Tensor] {
  const [T] = checkArgs("lstmRecurrenceReference", xg, weightHh, h0, c0);
  const hs = new Array<Tensor>(T), cs = new Array<Tensor>(T);
  let h = h0, c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    [h, c] = cellFromGates(xg.select(0, t).add(h.matmul(weightHh.t())), c);
    hs[t] = h;
    cs[t] = c;
  }
  return [stack(hs, 0), stack(cs, 0)];
}

/**
 * Backpropagation through time of {@link lstmRecurrence} with composite ops (so it is differentiable
 * again: the gradient row uses it under createGraph): given the gradients ghs, gcs (T, B, H) of every
 * h and c, returns the gradients of xg, W_hh, h0 and c0. The forward is recomputed from the inputs.
 * Per step, with dh = ghs_t + (dgates_{t+1} W_hh), dc = gcs_t + dc_{t+1}·f_{t+1} + dh·o·(1 − tanh² c_t):
 * d(pre i) = dc·g·i(1 − i), d(pre f) = dc·c_{t−1}·f(1 − f), d(pre g) = dc·i·(1 − g²), d(pre o) = dh·tanh(c_t)·o(1 − o).
 */
export function lstmRecurrenceBackwardReference(
  ghs: Tensor, gcs: Tensor, xg: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, reverse = false,
): [Tensor, Tensor, Tensor, Tensor] {
  const [T] = checkArgs("lstmRecurrenceBackwardReference", xg, weightHh, h0, c0);
  const order = Array.from({ length: T }, (_, s) => (reverse ? T - 1 - s : s));
  const hPrev = new Array<Tensor>(T), cPrev = new Array<Tensor>(T), cs = new Array<Tensor>(T), acts = new Array<Tensor[]>(T);
  let h = h0, c = c0;
  for (const t of order) {
    hPrev[t] = h;
    cPrev[t] = c;
    [h, c, acts[t]] = cellFromGates(xg.select(0, t).add(h.matmul(weightHh.t())), c);
    cs[t] = c;
  }
  const dgates = new Array<Tensor>(T);
  let dh = zerosLike(h0), dc = zerosLike(c0);
  for (const t of [...order].reverse()) {
    const [i, f, g, o] = acts[t]! as [Tensor, Tensor, Tensor, Tensor];
    const dhv = ghs.select(0, t).add(dh);
    const tc = cs[t]!.tanh();
    const dcv = gcs.select(0, t).add(dc).add(dhv.mul(o).mul(tc.mul(tc).neg().add(1)));
    const di = dcv.mul(g).mul(i.mul(i.neg().add(1)));
    const df = dcv.mul(cPrev[t]!).mul(f.mul(f.neg().add(1)));
    const dg = dcv.mul(i).mul(g.mul(g).neg().add(1));
    const dO = dhv.mul(tc).mul(o.mul(o.neg().add(1)));
    dgates[t] = cat([di, df, dg, dO], -1); // (B, 4H)
    dc = dcv.mul(f);
    dh = dgates[t]!.matmul(weightHh);
  }
  const dxg = stack(dgates, 0); // (T, B, 4H)
  const [, B, G] = xg.shape as [number, number, number];
  const H = G / 4;
  const dWhh = dxg.reshape(T * B, G).t().matmul(stack(hPrev, 0).reshape(T * B, H)); // Σ_t dgates_tᵀ h_{t−1}
  return [dxg, dWhh, dh, dc];
}
