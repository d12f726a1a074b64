// CPU reference kernels for graphs: sparse × dense products (SpMM) and segment maxima over edge groups.
import type { Kernel } from "../Backend.js";
import { Tensor } from "../../tensor/Tensor.js";
import { allocate } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

/** out[row[e], :] += values[e] · x[col[e], :], for every edge e, over a zeroed (rows, F) output. */
export const spmm: Kernel<"spmm"> = ([row, col, values, x], { rows }) => {
  const t = x!;
  const F = t.shape[1]!;
  const r = denseValues(row!), c = denseValues(col!), v = denseValues(values!), xv = denseValues(t);
  const out = allocate(t.dtype, rows * F);
  const E = r.length;
  for (let e = 0; e < E; e++) {
    const w = v[e]!, o = r[e]! * F, s = c[e]! * F;
    for (let f = 0; f < F; f++) out[o + f] += w * xv[s + f]!;
  }
  return Tensor.fromData(out, [rows, F], t.dtype);
};

/** out[n] = max of src[e] over the e with index[e] = n (first NaN wins); 0 for segments nobody points at. */
export const scatterMax: Kernel<"scatterMax"> = ([src, index], { dimSize }) => {
  const t = src!;
  const E = t.shape[0]!;
  const inner = E === 0 ? t.shape.slice(1).reduce((a, b) => a * b, 1) : t.size / E;
  const iv = denseValues(index!), sv = denseValues(t);
  const out = allocate(t.dtype, dimSize * inner);
  const seen = new Uint8Array(dimSize);
  for (let e = 0; e < E; e++) {
    const n = iv[e]!, o = n * inner, s = e * inner;
    if (!seen[n]) {
      seen[n] = 1;
      for (let f = 0; f < inner; f++) out[o + f] = sv[s + f]!;
      continue;
    }
    for (let f = 0; f < inner; f++) {
      const v = sv[s + f]!, best = out[o + f]!;
      if (v > best || (v !== v && best === best)) out[o + f] = v;
    }
  }
  return Tensor.fromData(out, [dimSize, ...t.shape.slice(1)], t.dtype);
};
