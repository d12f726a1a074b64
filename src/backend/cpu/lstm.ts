// CPU reference kernels of the fused LSTM recurrence (the oracle of the WASM kernels): plain loops
// with float64 accumulation, in the dtype of the inputs.
import type { Kernel } from "../Backend.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate, type TypedArray } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** rows (m × n) += A (m × k, row-major at aOff) · Wᵀ where W is n × k row-major: the step GEMM of the forward pass. */
function addTimesWt(out: TypedArray, oOff: number, a: ArrayLike<number>, aOff: number, w: ArrayLike<number>, m: number, n: number, k: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + i * k + p]! * w[j * k + p]!;
      out[oOff + i * n + j] = out[oOff + i * n + j]! + s;
    }
  }
}

export const lstmRecurrence: Kernel<"lstmRecurrence"> = (inputs, { reverse }) => {
  const [xgT, whhT, h0T, c0T] = inputs as [TensorView, TensorView, TensorView, TensorView];
  const [T, B, G] = xgT.shape as [number, number, number];
  const H = G / 4, dtype = xgT.dtype;
  const xg = denseValues(xgT), whh = denseValues(whhT), h0 = denseValues(h0T), c0 = denseValues(c0T);
  const hs = allocate(dtype, T * B * H), cs = allocate(dtype, T * B * H), gates = allocate(dtype, T * B * G);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s, prev = reverse ? t + 1 : t - 1;
    const hPrev = s === 0 ? h0 : hs, hOff = s === 0 ? 0 : prev * B * H;
    const cPrev = s === 0 ? c0 : cs, cOff = s === 0 ? 0 : prev * B * H;
    const gOff = t * B * G;
    for (let q = 0; q < B * G; q++) gates[gOff + q] = xg[gOff + q]!;
    addTimesWt(gates, gOff, hPrev, hOff, whh, B, G, H);
    for (let b = 0; b < B; b++) {
      const row = gOff + b * G;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gates[row + j]!), f = sigmoid(gates[row + H + j]!);
        const g = Math.tanh(gates[row + 2 * H + j]!), o = sigmoid(gates[row + 3 * H + j]!);
        gates[row + j] = i; gates[row + H + j] = f; gates[row + 2 * H + j] = g; gates[row + 3 * H + j] = o;
        const at = t * B * H + b * H + j;
        const c = f * cPrev[cOff + b * H + j]! + i * g;
        cs[at] = c;
        hs[at] = o * Math.tanh(c);
      }
    }
  }
  return [viewFromData(hs, [T, B, H], dtype), viewFromData(cs, [T, B, H], dtype), viewFromData(gates, [T, B, G], dtype)];
};

export const lstmRecurrenceBackward: Kernel<"lstmRecurrenceBackward"> = (inputs, { reverse, weightGrad }) => {
  const [dhsT, dcsT, whhT, c0T, csT, gatesT, h0T, hsT] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView, TensorView];
  const [T, B, G] = gatesT.shape as [number, number, number];
  const H = G / 4, dtype = gatesT.dtype;
  const dhs = denseValues(dhsT), dcs = denseValues(dcsT), whh = denseValues(whhT), c0 = denseValues(c0T);
  const cs = denseValues(csT), gates = denseValues(gatesT);
  const dxg = allocate(dtype, T * B * G);
  let dh = new Float64Array(B * H);
  const dc = new Float64Array(B * H);
  for (let s = 0; s < T; s++) {
    const t = reverse ? s : T - 1 - s, prev = reverse ? t + 1 : t - 1;
    const first = reverse ? t === T - 1 : t === 0;
    for (let b = 0; b < B; b++) {
      const row = t * B * G + b * G;
      for (let j = 0; j < H; j++) {
        const k = b * H + j, at = t * B * H + k;
        const i = gates[row + j]!, f = gates[row + H + j]!, g = gates[row + 2 * H + j]!, o = gates[row + 3 * H + j]!;
        const dhv = dhs[at]! + dh[k]!;
        const tc = Math.tanh(cs[at]!);
        const dcv = dcs[at]! + dc[k]! + dhv * o * (1 - tc * tc);
        const cPrev = first ? c0[k]! : cs[prev * B * H + k]!;
        dxg[row + j] = dcv * g * i * (1 - i); // d i
        dxg[row + H + j] = dcv * cPrev * f * (1 - f); // d f
        dxg[row + 2 * H + j] = dcv * i * (1 - g * g); // d g
        dxg[row + 3 * H + j] = dhv * tc * o * (1 - o); // d o
        dc[k] = dcv * f;
      }
    }
    // dh_{t−1} = dgates_t · W_hh: (B, 4H) · (4H, H)
    const next = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < G; p++) {
        const d = dxg[t * B * G + b * G + p]!;
        if (d === 0) continue;
        for (let j = 0; j < H; j++) next[b * H + j] += d * whh[p * H + j]!;
      }
    }
    dh = next;
  }
  const out = (v: Float64Array, shape: number[]): TensorView => viewFromData(dtype === "float64" ? v : allocateFrom(dtype, v), shape, dtype);
  const grads = [viewFromData(dxg, [T, B, G], dtype), out(dh, [B, H]), out(dc, [B, H])];
  if (weightGrad) {
    // dW_hh = Σ_t dgates_tᵀ h_{t−1}
    const h0 = denseValues(h0T), hs = denseValues(hsT);
    const dW = new Float64Array(G * H);
    for (let t = 0; t < T; t++) {
      const first = reverse ? t === T - 1 : t === 0;
      const hPrev = first ? h0 : hs, hOff = first ? 0 : (reverse ? t + 1 : t - 1) * B * H;
      for (let b = 0; b < B; b++) {
        for (let p = 0; p < G; p++) {
          const d = dxg[t * B * G + b * G + p]!;
          if (d === 0) continue;
          for (let k = 0; k < H; k++) dW[p * H + k] += d * hPrev[hOff + b * H + k]!;
        }
      }
    }
    grads.push(out(dW, [G, H]));
  }
  return grads;
};

function allocateFrom(dtype: "float32" | "float64" | "int32" | "bool", v: Float64Array): TypedArray {
  const a = allocate(dtype, v.length);
  a.set(v);
  return a;
}
