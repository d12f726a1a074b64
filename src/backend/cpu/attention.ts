// CPU reference kernel of fused scaled dot-product attention: an online softmax over blocks of keys,
// so no L×S matrix is built; besides the output it returns each row's logsumexp for the backward.
import type { Kernel } from "../Backend.js";
import { Tensor } from "../../tensor/Tensor.js";
import { allocate } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

/** Keys scored at a time: one block of scores lives in a small scratch array. */
const KEY_BLOCK = 64;

/**
 * out[b, i] = Σⱼ pᵢⱼ v[b, j] with pᵢⱼ = exp(sᵢⱼ − lseᵢ), sᵢⱼ = scale·q[b, i]·k[b, j] + mask[b, i, j].
 * Per query row the running maximum m, the running sum l = Σ exp(s − m) and the unnormalized output
 * are rescaled by exp(m_old − m_new) whenever a block raises the maximum (Milakov & Gimelshein 2018).
 * A row whose keys are all masked (−∞) gives NaN, as softmax of such a row does.
 */
export const scaledDotProductAttention: Kernel<"scaledDotProductAttention"> = (inputs, { scale, isCausal }) => {
  const [q, k, v, mask] = inputs as [Tensor, Tensor, Tensor, Tensor | undefined];
  const [B, L, E] = q.shape as [number, number, number];
  const S = k.shape[1]!, Ev = v.shape[2]!;
  const qv = denseValues(q), kv = denseValues(k), vv = denseValues(v);
  // The mask is read through its strides: a (L, S) mask expanded over the batch is not copied.
  const md = mask?.storage.data;
  const [mb, mi, mj] = mask ? (mask.strides as [number, number, number]) : [0, 0, 0];
  const mo = mask ? mask.offset : 0;
  const out = allocate(q.dtype, B * L * Ev);
  const lse = allocate(q.dtype, B * L);
  const scores = new Float64Array(KEY_BLOCK);
  const acc = new Float64Array(Ev);
  for (let b = 0; b < B; b++) {
    const kBase = b * S * E, vBase = b * S * Ev;
    for (let i = 0; i < L; i++) {
      const qBase = (b * L + i) * E;
      const keys = isCausal ? Math.min(S, i + 1) : S;
      let m = -Infinity, l = 0;
      acc.fill(0);
      for (let j0 = 0; j0 < keys; j0 += KEY_BLOCK) {
        const j1 = Math.min(keys, j0 + KEY_BLOCK);
        let blockMax = -Infinity;
        for (let j = j0; j < j1; j++) {
          let dot = 0;
          const kRow = kBase + j * E;
          for (let e = 0; e < E; e++) dot += qv[qBase + e]! * kv[kRow + e]!;
          let s = scale * dot;
          if (md) s += md[mo + b * mb + i * mi + j * mj]!;
          scores[j - j0] = s;
          if (s > blockMax || s !== s) blockMax = s;
        }
        if (blockMax === -Infinity) continue; // every key of the block is masked
        const mNew = Math.max(m, blockMax);
        const rescale = Math.exp(m - mNew); // 0 on the first block (m = −∞)
        if (rescale !== 1) {
          l *= rescale;
          for (let e = 0; e < Ev; e++) acc[e]! *= rescale;
        }
        for (let j = j0; j < j1; j++) {
          const p = Math.exp(scores[j - j0]! - mNew);
          if (p === 0) continue;
          l += p;
          const vRow = vBase + j * Ev;
          for (let e = 0; e < Ev; e++) acc[e]! += p * vv[vRow + e]!;
        }
        m = mNew;
      }
      const o = (b * L + i) * Ev;
      for (let e = 0; e < Ev; e++) out[o + e] = acc[e]! / l;
      lse[b * L + i] = m + Math.log(l);
    }
  }
  return [Tensor.fromData(out, [B, L, Ev], q.dtype), Tensor.fromData(lse, [B, L], q.dtype)];
};
