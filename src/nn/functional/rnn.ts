// Recurrent cells as composites of primitives (PyTorch's rnn_tanh_cell, rnn_relu_cell, lstm_cell,
// gru_cell), the reference every fused recurrence is tested against.
import type { Tensor } from "../../tensor/Tensor.js";
import { linear } from "./layers.js";

/** The weights of one cell: W_ih (G·H, I), W_hh (G·H, Hout), optional biases (G·H) and LSTM's projection W_hr (P, H). */
export interface CellWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
  /** LSTM with projSize only. */
  weightHr?: Tensor | null;
}

/** h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). */
export function rnnTanhCell(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  return rnnTanhStep(linear(x, w.weightIh, w.biasIh), h, w);
}

/** h' = relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). */
export function rnnReluCell(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  return rnnReluStep(linear(x, w.weightIh, w.biasIh), h, w);
}

/**
 * One LSTM step (gate order i, f, g, o as PyTorch): c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'),
 * then h' W_hrᵀ with a projection. Returns [h', c'].
 */
export function lstmCell(x: Tensor, [h, c]: [Tensor, Tensor], w: CellWeights): [Tensor, Tensor] {
  return lstmStep(linear(x, w.weightIh, w.biasIh), h, c, w);
}

/**
 * One GRU step (gate order r, z, n as PyTorch): r = σ(·), z = σ(·), n = tanh(W_in x + b_in + r·(W_hn h + b_hn)),
 * h' = (1 − z)·n + z·h.
 */
export function gruCell(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  return gruStep(linear(x, w.weightIh, w.biasIh), h, w);
}

// The steps below take the input projection gx = x W_ihᵀ + b_ih already computed (for a whole
// sequence it is one GEMM up front).

export function rnnTanhStep(gx: Tensor, h: Tensor, w: CellWeights): Tensor {
  return gx.add(linear(h, w.weightHh, w.biasHh)).tanh();
}

export function rnnReluStep(gx: Tensor, h: Tensor, w: CellWeights): Tensor {
  return gx.add(linear(h, w.weightHh, w.biasHh)).relu();
}

export function lstmStep(gx: Tensor, h: Tensor, c: Tensor, w: CellWeights): [Tensor, Tensor] {
  const gates = gx.add(linear(h, w.weightHh, w.biasHh)); // (B, 4H)
  const [i, f, g, o] = gates.chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor]; // each (B, H)
  const c2 = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
  const h2 = o.sigmoid().mul(c2.tanh());
  return [w.weightHr ? linear(h2, w.weightHr) : h2, c2];
}

export function gruStep(gx: Tensor, h: Tensor, w: CellWeights): Tensor {
  const gh = linear(h, w.weightHh, w.biasHh); // (B, 3H)
  const [xr, xz, xn] = gx.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = gh.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return n.add(z.mul(h.sub(n))); // (1 − z)·n + z·h
}
