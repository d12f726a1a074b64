// CPU reference kernels for graphs: sparse × dense products (SpMM), sampled dense-dense products (SDDMM),
// segment maxima and the softmax over edge groups.
import type { Kernel } from "../Backend.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate } from "../../tensor/dtype.js";
import { denseValues } from "./strided.js";

type Floats = Float32Array | Float64Array;

// One loop per element type, so that each stays monomorphic (V8 optimizes a loop for one array kind).
function spmm32(out: Float32Array, r: Int32Array, c: Int32Array, v: Float32Array, xv: Float32Array, F: number, H: number): void {
  const C = F / H;
  for (let e = 0; e < r.length; e++) {
    const o = r[e]! * F, s = c[e]! * F;
    for (let h = 0; h < H; h++) {
      const w = v[e * H + h]!, hc = h * C, end = hc + C;
      for (let k = hc; k < end; k++) out[o + k]! += w * xv[s + k]!;
    }
  }
}
function spmm64(out: Float64Array, r: Int32Array, c: Int32Array, v: Float64Array, xv: Float64Array, F: number, H: number): void {
  const C = F / H;
  for (let e = 0; e < r.length; e++) {
    const o = r[e]! * F, s = c[e]! * F;
    for (let h = 0; h < H; h++) {
      const w = v[e * H + h]!, hc = h * C, end = hc + C;
      for (let k = hc; k < end; k++) out[o + k]! += w * xv[s + k]!;
    }
  }
}

/** out[row[e], :] += values[e] · x[col[e], :] for every edge e (per block of F/H columns with values (E, H)), over a zeroed (rows, F) output. */
export const spmm: Kernel<"spmm"> = ([row, col, values, x], { rows }) => {
  const t = x!;
  const F = t.shape[1]!, H = values!.ndim === 2 ? values!.shape[1]! : 1;
  const r = denseValues(row!) as Int32Array, c = denseValues(col!) as Int32Array;
  const v = denseValues(values!) as Floats, xv = denseValues(t) as Floats;
  const out = allocate(t.dtype, rows * F) as Floats;
  if (out instanceof Float32Array) spmm32(out, r, c, v as Float32Array, xv as Float32Array, F, H);
  else spmm64(out, r, c, v as Float64Array, xv as Float64Array, F, H);
  return viewFromData(out, [rows, F], t.dtype);
};

/** out[e, h] = Σ_c a[row[e], h·C + c]·b[col[e], h·C + c] (C = F/H), summed in float64. */
export const sddmm: Kernel<"sddmm"> = ([row, col, a, b], { heads }) => {
  const F = a!.shape[1]!, H = heads, C = F / H;
  const r = denseValues(row!) as Int32Array, c = denseValues(col!) as Int32Array;
  const av = denseValues(a!) as Floats, bv = denseValues(b!) as Floats;
  const out = allocate(a!.dtype, r.length * H) as Floats;
  for (let e = 0; e < r.length; e++) {
    const ra = r[e]! * F, cb = c[e]! * F;
    for (let h = 0; h < H; h++) {
      let acc = 0;
      for (let k = h * C, end = k + C; k < end; k++) acc += av[ra + k]! * bv[cb + k]!;
      out[e * H + h] = acc;
    }
  }
  return viewFromData(out, [r.length, H], a!.dtype);
};

/**
 * Softmax over the groups of `index`: the group maxima (scatterMax's), then p = e^{src − max} (in src's
 * dtype) and each group's sum of p in float64, in edge order; out = p / (sum + 1e-16).
 */
export const segmentSoftmax: Kernel<"segmentSoftmax"> = ([src, index], { numNodes }) => {
  const t = src!;
  const E = t.shape[0]!, inner = E === 0 ? 0 : t.size / E;
  const max = denseValues(scatterMax([t, index!], { dimSize: numNodes }) as TensorView) as Floats;
  const iv = denseValues(index!) as Int32Array, sv = denseValues(t) as Floats;
  const out = allocate(t.dtype, t.size) as Floats;
  const sums = new Float64Array(numNodes * inner);
  for (let e = 0; e < E; e++) {
    const g = iv[e]! * inner, s = e * inner;
    for (let f = 0; f < inner; f++) {
      out[s + f] = Math.exp(sv[s + f]! - max[g + f]!);
      sums[g + f] += out[s + f]!;
    }
  }
  for (let e = 0; e < E; e++) {
    const g = iv[e]! * inner, s = e * inner;
    for (let f = 0; f < inner; f++) out[s + f] = out[s + f]! / (sums[g + f]! + 1e-16);
  }
  return viewFromData(out, t.shape.slice(), t.dtype);
};

/** out[n] = max of src[e] over the e with index[e] = n (first NaN wins); 0 for segments nobody points at. */
export const scatterMax: Kernel<"scatterMax"> = ([src, index], { dimSize }) => {
  const t = src!;
  const E = t.shape[0]!;
  const inner = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const iv = denseValues(index!) as Int32Array, sv = denseValues(t) as Floats;
  const out = allocate(t.dtype, dimSize * inner) as Floats;
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
  return viewFromData(out, [dimSize, ...t.shape.slice(1)], t.dtype);
};
