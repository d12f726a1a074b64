// The GRU recurrence over a whole sequence: the fused primitive and its composite reference (forward
// and backpropagation through time), which the fused kernels are tested against.
import type { Tensor } from "../tensor/Tensor.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { applyMulti } from "../autograd/engine.js";
import { cat, stack } from "./movement.js";
import { zerosLike } from "./creation.js";
import { internalOutputs, releaseStorage } from "../tensor/recycle.js";

function checkArgs(op: string, xg: Tensor, weightHh: Tensor, biasHh: Tensor, h0: Tensor): [number, number, number] {
  if (xg.ndim !== 3 || xg.shape[2]! % 3 !== 0) throw new Error(`${op}: xg must be (T, B, 3H), got shape ${fmtShape(xg.shape)}`);
  const [T, B, G] = xg.shape as [number, number, number];
  const H = G / 3;
  if (!shapesEqual(weightHh.shape, [G, H])) throw new Error(`${op}: weightHh must be (3H, H) = [${G},${H}] for xg ${fmtShape(xg.shape)}, got ${fmtShape(weightHh.shape)}`);
  if (!shapesEqual(biasHh.shape, [G])) throw new Error(`${op}: biasHh must be (3H) = [${G}] for xg ${fmtShape(xg.shape)}, got ${fmtShape(biasHh.shape)}`);
  if (!shapesEqual(h0.shape, [B, H])) throw new Error(`${op}: h0 must be (B, H) = [${B},${H}] for xg ${fmtShape(xg.shape)}, got ${fmtShape(h0.shape)}`);
  for (const t of [weightHh, biasHh, h0]) {
    if (t.dtype !== xg.dtype) throw new Error(`${op}: every argument must have xg's dtype ${xg.dtype}, got ${t.dtype}`);
  }
  if (xg.dtype !== "float32" && xg.dtype !== "float64") throw new Error(`${op}: expected floating-point tensors, got ${xg.dtype}`);
  return [T, B, H];
}

/**
 * The recurrence of one GRU direction: xg (T, B, 3H) holds x_t W_ihᵀ + b_ih for every step; per step
 * gh = h W_hhᵀ + b_hh (one GEMM), then (gate order r, z, n as PyTorch) r = σ(xr + hr), z = σ(xz + hz),
 * n = tanh(xn + r·hn), h' = (1 − z)·n + z·h; `reverse` runs t = T−1 … 0. Returns every h, (T, B, H).
 * One fused primitive: one GEMM and one pass over the gates per step, backward without per-gate tensors.
 */
export function gruRecurrence(xg: Tensor, weightHh: Tensor, biasHh: Tensor, h0: Tensor, reverse = false): Tensor {
  const [T] = checkArgs("gruRecurrence", xg, weightHh, biasHh, h0);
  if (T === 0) return xg.narrow(2, 0, 0).reshape(0, ...h0.shape);
  const [hs, saved] = internalOutputs(() => applyMulti("gruRecurrence", [xg, weightHh, biasHh, h0], { reverse }));
  // The saved gates are a workspace only the tape reads: without this function's claim their memory
  // goes back to the pool once backward has used them (see Storage.refs).
  releaseStorage(saved!.storage);
  return hs!;
}

/** One GRU step from xg_t and gh = h W_hhᵀ + b_hh: [h', (r, z, n)]. */
function cellFromGates(xg: Tensor, gh: Tensor, h: Tensor): [Tensor, Tensor[]] {
  const [xr, xz, xn] = xg.chunk(3, -1) as [Tensor, Tensor, Tensor]; // each (B, H)
  const [hr, hz, hn] = gh.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid(), z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return [n.add(z.mul(h.sub(n))), [r, z, n, hn]];
}

/** {@link gruRecurrence} written with composite ops: the oracle of the fused primitive. */
export function gruRecurrenceReference(xg: Tensor, weightHh: Tensor, biasHh: Tensor, h0: Tensor, reverse = false): Tensor {
  const [T] = checkArgs("gruRecurrenceReference", xg, weightHh, biasHh, h0);
  const hs = new Array<Tensor>(T);
  let h = h0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    [h] = cellFromGates(xg.select(0, t), h.matmul(weightHh.t()).add(biasHh), h);
    hs[t] = h;
  }
  return stack(hs, 0);
}

/**
 * Backpropagation through time of {@link gruRecurrence} with composite ops (so it is differentiable
 * again: the gradient row uses it under createGraph): given the gradient ghs (T, B, H) of every h,
 * returns the gradients of xg, W_hh, b_hh and h0. The forward is recomputed from the inputs. Per step,
 * with dh = ghs_t + dh_{t+1}: d(pre n) = dh·(1 − z)·(1 − n²), d(pre z) = dh·(h_{t−1} − n)·z(1 − z),
 * d(pre r) = d(pre n)·hn·r(1 − r); the gradient of gh is (d(pre r), d(pre z), d(pre n)·r), and
 * dh_{t−1} = dh·z + dgh W_hh.
 */
export function gruRecurrenceBackwardReference(
  ghs: Tensor, xg: Tensor, weightHh: Tensor, biasHh: Tensor, h0: Tensor, reverse = false,
): [Tensor, Tensor, Tensor, Tensor] {
  const [T, B, H] = checkArgs("gruRecurrenceBackwardReference", xg, weightHh, biasHh, h0);
  const order = Array.from({ length: T }, (_, s) => (reverse ? T - 1 - s : s));
  const hPrev = new Array<Tensor>(T), acts = new Array<Tensor[]>(T);
  let h = h0;
  for (const t of order) {
    hPrev[t] = h;
    [h, acts[t]] = cellFromGates(xg.select(0, t), h.matmul(weightHh.t()).add(biasHh), h);
  }
  const dxgs = new Array<Tensor>(T), dghs = new Array<Tensor>(T);
  let dh = zerosLike(h0);
  for (const t of [...order].reverse()) {
    const [r, z, n, hn] = acts[t]! as [Tensor, Tensor, Tensor, Tensor];
    const dhv = ghs.select(0, t).add(dh);
    const dn = dhv.mul(z.neg().add(1)).mul(n.mul(n).neg().add(1));
    const dz = dhv.mul(hPrev[t]!.sub(n)).mul(z.mul(z.neg().add(1)));
    const dr = dn.mul(hn).mul(r.mul(r.neg().add(1)));
    dxgs[t] = cat([dr, dz, dn], -1); // (B, 3H)
    dghs[t] = cat([dr, dz, dn.mul(r)], -1); // (B, 3H)
    dh = dhv.mul(z).add(dghs[t]!.matmul(weightHh));
  }
  const G = 3 * H;
  const dgh = stack(dghs, 0).reshape(T * B, G);
  const dWhh = dgh.t().matmul(stack(hPrev, 0).reshape(T * B, H)); // Σ_t dgh_tᵀ h_{t−1}
  return [stack(dxgs, 0), dWhh, dgh.sum(0), dh];
}
