// The LSTM recurrence over a whole sequence: the fused primitive and its composite reference.
import type { Tensor } from "../../tensor/Tensor.js";
import { stack } from "../../ops/movement.js";
import { linear } from "./layers.js";

/**
 * The recurrence of one LSTM direction, written with composite ops (the oracle of the fused primitive):
 * xg (T, B, 4H) holds x_t W_ihᵀ + b_ih + b_hh for every step; per step gates = xg_t + h W_hhᵀ,
 * c = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c). `reverse` runs t = T−1 … 0. Returns every h and c, (T, B, H).
 */
export function lstmRecurrenceReference(xg: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, reverse = false): [Tensor, Tensor] {
  const T = xg.shape[0]!;
  const hs = new Array<Tensor>(T), cs = new Array<Tensor>(T);
  let h = h0, c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const gates = xg.select(0, t).add(linear(h, weightHh)); // (B, 4H)
    const [i, f, g, o] = gates.chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
    c = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
    h = o.sigmoid().mul(c.tanh());
    hs[t] = h;
    cs[t] = c;
  }
  return [stack(hs, 0), stack(cs, 0)];
}

/** The fused form of {@link lstmRecurrenceReference} (same arguments, same results). */
export function lstmRecurrence(xg: Tensor, weightHh: Tensor, h0: Tensor, c0: Tensor, reverse = false): [Tensor, Tensor] {
  return lstmRecurrenceReference(xg, weightHh, h0, c0, reverse);
}
