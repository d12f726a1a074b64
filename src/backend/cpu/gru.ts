// CPU reference kernels of the fused GRU recurrence (the oracle of the WASM kernels): plain loops with
// float64 accumulation, in the dtype of the inputs.
import type { Kernel } from "../Backend.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const gruRecurrence: Kernel<"gruRecurrence"> = (inputs, { reverse }) => {
  const [xgT, whhT, bhhT, h0T] = inputs as [TensorView, TensorView, TensorView, TensorView];
  const [T, B, G] = xgT.shape as [number, number, number];
  const H = G / 3, dtype = xgT.dtype;
  const xg = denseValues(xgT), whh = denseValues(whhT), bhh = denseValues(bhhT), h0 = denseValues(h0T);
  const hs = allocate(dtype, T * B * H), saved = allocate(dtype, T * B * 4 * H);
  const gh = new Float64Array(G);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s, prev = reverse ? t + 1 : t - 1;
    const hPrev = s === 0 ? h0 : hs, hOff = s === 0 ? 0 : prev * B * H;
    for (let b = 0; b < B; b++) {
      // gh = h_{t−1} W_hhᵀ + b_hh for this row
      const hRow = hOff + b * H;
      for (let p = 0; p < G; p++) {
        let acc = bhh[p]!;
        for (let k = 0; k < H; k++) acc += hPrev[hRow + k]! * whh[p * H + k]!;
        gh[p] = acc;
      }
      const x = t * B * G + b * G, sv = (t * B + b) * 4 * H, at = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xg[x + j]! + gh[j]!), z = sigmoid(xg[x + H + j]! + gh[H + j]!);
        const hn = gh[2 * H + j]!;
        const n = Math.tanh(xg[x + 2 * H + j]! + r * hn);
        saved[sv + j] = r; saved[sv + H + j] = z; saved[sv + 2 * H + j] = n; saved[sv + 3 * H + j] = hn;
        hs[at + j] = n + z * (hPrev[hRow + j]! - n);
      }
    }
  }
  return [viewFromData(hs, [T, B, H], dtype), viewFromData(saved, [T, B, 4 * H], dtype)];
};

export const gruRecurrenceBackward: Kernel<"gruRecurrenceBackward"> = (inputs, { reverse }) => {
  const [dhsT, whhT, h0T, hsT, savedT] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView];
  const [T, B, H] = hsT.shape as [number, number, number];
  const G = 3 * H, dtype = hsT.dtype;
  const dhs = denseValues(dhsT), whh = denseValues(whhT), h0 = denseValues(h0T), hs = denseValues(hsT), saved = denseValues(savedT);
  const dxg = allocate(dtype, T * B * G), dgh = allocate(dtype, T * B * G);
  let dh = new Float64Array(B * H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? s : T - 1 - s, prev = reverse ? t + 1 : t - 1;
    const first = reverse ? t === T - 1 : t === 0;
    const next = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const row = (t * B + b) * G, sv = (t * B + b) * 4 * H;
      for (let j = 0; j < H; j++) {
        const k = b * H + j, at = t * B * H + k;
        const r = saved[sv + j]!, z = saved[sv + H + j]!, n = saved[sv + 2 * H + j]!, hn = saved[sv + 3 * H + j]!;
        const hp = first ? h0[k]! : hs[prev * B * H + k]!;
        const dhv = dhs[at]! + dh[k]!;
        const dn = dhv * (1 - z) * (1 - n * n); // d(pre n)
        const dz = dhv * (hp - n) * z * (1 - z); // d(pre z)
        const dr = dn * hn * r * (1 - r); // d(pre r)
        dxg[row + j] = dr; dxg[row + H + j] = dz; dxg[row + 2 * H + j] = dn;
        dgh[row + j] = dr; dgh[row + H + j] = dz; dgh[row + 2 * H + j] = dn * r;
        next[k] = dhv * z;
      }
    }
    // dh_{t−1} = dh·z + dgh_t · W_hh: (B, 3H) · (3H, H)
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < G; p++) {
        const d = dgh[(t * B + b) * G + p]!;
        if (d === 0) continue;
        for (let j = 0; j < H; j++) next[b * H + j] += d * whh[p * H + j]!;
      }
    }
    dh = next;
  }
  const dh0 = allocate(dtype, B * H);
  dh0.set(dh);
  return [viewFromData(dxg, [T, B, G], dtype), viewFromData(dgh, [T, B, G], dtype), viewFromData(dh0, [B, H], dtype)];
};
