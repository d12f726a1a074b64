// Max pooling and its adjoint over float32 planes (assembly/pooling.ts), split across threads by planes.
import type { WasmRuntime } from "./WasmRuntime.js";

/** One pooled dim's windows: output position i reads lo[i], lo[i] + step, … < hi[i]. */
export interface PoolAxis {
  lo: readonly number[];
  hi: readonly number[];
  step: number;
}

/** Work (window taps or gradient entries) below which pooling stays on the calling thread. */
const PARALLEL_MIN_WORK = 1 << 15;

/** [first, count] plane ranges, about two per thread (claimed dynamically, so uneven planes balance out). */
function planeChunks(rt: WasmRuntime, planes: number, work: number): [number, number][] {
  const threads = work >= PARALLEL_MIN_WORK ? Math.min(rt.availableThreads(), planes) : 1;
  const parts = threads === 1 ? 1 : Math.min(planes, 2 * threads);
  const per = Math.ceil(planes / Math.max(1, parts));
  const chunks: [number, number][] = [];
  for (let first = 0; first < planes; first += per) chunks.push([first, Math.min(per, planes - first)]);
  return chunks;
}

/** The window size and stride when an axis's windows are lo = i·stride, hi = i·stride + size, step 1 (no padding, no dilation); else null. */
function regular(axis: PoolAxis): { size: number; stride: number } | null {
  const n = axis.lo.length;
  const size = axis.hi[0]! - axis.lo[0]!, stride = n > 1 ? axis.lo[1]! - axis.lo[0]! : 1;
  if (axis.step !== 1 || axis.lo[0] !== 0 || size < 1 || stride < 1) return null;
  for (let i = 0; i < n; i++) if (axis.lo[i] !== i * stride || axis.hi[i] !== i * stride + size) return null;
  return { size, stride };
}

/**
 * values, indices (planes, oD, oH, oW) = the maximum of each window of x (planes, D, H, W) and its offset
 * within the plane; `axes` are the depth, height and width windows (a unit axis for a dim not pooled).
 */
export function maxPoolPlanes(
  rt: WasmRuntime, x: Float32Array, planes: number, dims: readonly [number, number, number], axes: readonly [PoolAxis, PoolAxis, PoolAxis],
  values: Float32Array, indices: Int32Array,
): void {
  const [D, H, W] = dims;
  const [od, oh, ow] = axes.map((a) => a.lo.length) as [number, number, number];
  const outSize = planes * od * oh * ow;
  if (x.length !== planes * D * H * W || values.length !== outSize || indices.length !== outSize) {
    throw new Error(`maxPool: x, values and indices have lengths ${x.length}, ${values.length}, ${indices.length}; expected ${planes * D * H * W}, ${outSize}, ${outSize}`);
  }
  if (outSize === 0) return;
  rt.resetArena();
  const px = rt.ref(x, 0, x.length);
  const table = Int32Array.from(axes.flatMap((a) => [...a.lo, ...a.hi]));
  const pt = rt.putInt32(table);
  // values are written in place when they live in linear memory; the int32 indices always go through the arena
  const at = rt.addressOf(values);
  const pv = at >= 0 ? at : rt.alloc(4 * outSize), pi = rt.alloc(4 * outSize);
  const taps = axes.reduce((t, a) => t * Math.max(1, Math.ceil((a.hi[0]! - a.lo[0]!) / a.step)), 1);
  const chunks = planeChunks(rt, planes, outSize * taps);
  const rh = D === 1 ? regular(axes[1]) : null, rw = rh ? regular(axes[2]) : null;
  if (rh && rw) {
    const jobs = chunks.map(([first, count]) => [px, pv, pi, first, count, H, W, oh, ow, rh.size, rw.size, rh.stride, rw.stride]);
    if (jobs.length === 1) rt.exports.maxPool2dRegular(...(jobs[0] as Parameters<typeof rt.exports.maxPool2dRegular>));
    else rt.runParallel("maxPool2dRegular", jobs);
  } else {
    const jobs = chunks.map(([first, count]) => [px, pv, pi, first, count, D, H, W, pt, od, oh, ow, axes[0].step, axes[1].step, axes[2].step]);
    if (jobs.length === 1) rt.exports.maxPool(...(jobs[0] as Parameters<typeof rt.exports.maxPool>));
    else rt.runParallel("maxPool", jobs);
  }
  if (at < 0) values.set(rt.f32(pv, outSize));
  indices.set(new Int32Array(rt.f32(pi, outSize).buffer, pi, outSize));
}

/** out (planes, inPlane) = the adjoint of maxPoolPlanes: g (planes, outPlane) added at the saved indices. */
export function maxPoolBackwardPlanes(
  rt: WasmRuntime, g: Float32Array, indices: Int32Array, planes: number, inPlane: number, out: Float32Array,
): void {
  const outPlane = planes === 0 ? 0 : g.length / planes;
  if (indices.length !== g.length || out.length !== planes * inPlane || !Number.isInteger(outPlane)) {
    throw new Error(`maxPoolBackward: g, indices and out have lengths ${g.length}, ${indices.length}, ${out.length} for ${planes} planes of ${inPlane}`);
  }
  if (out.length === 0) return;
  rt.resetArena();
  const pg = rt.ref(g, 0, g.length), pi = rt.putInt32(indices);
  const at = rt.addressOf(out);
  const po = at >= 0 ? at : rt.alloc(4 * out.length);
  const jobs = planeChunks(rt, planes, g.length + out.length).map(([first, count]) => [pg, pi, po, first, count, inPlane, outPlane]);
  if (jobs.length === 1) rt.exports.maxPoolBackward(...(jobs[0] as Parameters<typeof rt.exports.maxPoolBackward>));
  else rt.runParallel("maxPoolBackward", jobs);
  if (at < 0) out.set(rt.f32(po, out.length));
}
