/// <reference types="@webgpu/types" />
// WGSL pooling over the trailing 1 to 3 dims, from the primitives' window tables (PoolWindows): max
// pooling with PyTorch's indices, average pooling, and both adjoints — as the CPU kernels
// (src/backend/cpu/pooling.ts). The adjoints gather (each input element sums the outputs that reach it,
// in the CPU's order), so no atomics are needed and every result is deterministic.
import type { AvgPoolParams, PoolWindows } from "../../autograd/prims.js";
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, gpuDType, sizeOf, type GPULayout } from "./layout.js";
import { decompose, dense, ENTRY_ARGS, ISNAN, NEG_INF_BITS, releaseAll, THREAD_INDEX, WG } from "./kernel.js";

/** A pooled dim padded to three axes: a single window [0, 1) where a 1-D or 2-D pooling has none. */
const unit: PoolWindows = { lo: [0], hi: [1], step: 1 };

function padWindows(windows: readonly PoolWindows[]): PoolWindows[] {
  return [...new Array<PoolWindows>(3 - windows.length).fill(unit), ...windows];
}

function checkWindows(op: string, x: GPULayout, windows: readonly PoolWindows[]): void {
  const k = windows.length;
  if (k < 1 || k > 3 || x.shape.length < k) {
    throw new Error(`${op}: expected 1 to 3 pooled dims within the input's ${x.shape.length}, got ${k} (input shape [${x.shape.join(", ")}])`);
  }
  for (const w of windows) {
    if (w.lo.length !== w.hi.length || !Number.isInteger(w.step) || w.step < 1) throw new Error(`${op}: malformed pooling windows (lo ${w.lo.length}, hi ${w.hi.length} entries, step ${w.step})`);
  }
}

/**
 * One thread per output of the forward poolings. prm (i32): [outSize, outPlane, xOffset, oDims[3], inDims[3],
 * steps[3], xSpatialStrides[3], loAt[3], hiAt[3], −∞ bits, leadShape[nl], leadStrides[nl], window tables].
 */
function forwardShader(kind: "max" | "avg", nl: number): string {
  const leadShape = 22, leadStrides = 22 + nl;
  const body = kind === "max"
    ? `  var best = bitcast<f32>(prm[21]); // −∞ (a constant one does not compile)
  var at = (prm[prm[15] + od] * H + prm[prm[16] + oh]) * W + prm[prm[17] + ow];
  for (var id = prm[prm[15] + od]; id < prm[prm[18] + od]; id += prm[9]) {
    for (var ih = prm[prm[16] + oh]; ih < prm[prm[19] + oh]; ih += prm[10]) {
      for (var iw = prm[prm[17] + ow]; iw < prm[prm[20] + ow]; iw += prm[11]) {
        let v = x[base + id * prm[12] + ih * prm[13] + iw * prm[14]];
        if (v > best || ds_isnan(v)) { best = v; at = (id * H + ih) * W + iw; } // the first maximum wins, NaN wins
      }
    }
  }
  out[i] = best;
  idx[i] = at;`
    : `  var sum = 0.0;
  for (var id = prm[prm[15] + od]; id < prm[prm[18] + od]; id += prm[9]) {
    for (var ih = prm[prm[16] + oh]; ih < prm[prm[19] + oh]; ih += prm[10]) {
      for (var iw = prm[prm[17] + ow]; iw < prm[prm[20] + ow]; iw += prm[11]) {
        sum += x[base + id * prm[12] + ih * prm[13] + iw * prm[14]];
      }
    }
  }
  out[i] = sum / div[q];`;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
${kind === "max" ? "@group(0) @binding(3) var<storage, read_write> idx: array<i32>;" : "@group(0) @binding(3) var<storage, read> div: array<f32>;"}
${ISNAN}
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  let i = ${THREAD_INDEX};
  if (i >= prm[0]) { return; }
  let plane = i / prm[1];
  let q = i % prm[1];
  let ow = q % prm[5];
  let oh = (q / prm[5]) % prm[4];
  let od = q / (prm[5] * prm[4]);
  let H = prm[7];
  let W = prm[8];
  var base = prm[2];
${decompose("plane", nl, leadShape, [leadStrides], ["base"])}
${body}
}`;
}

function forward(gpu: WebGPUDevice, kind: "max" | "avg", op: string, x: GPULayout, windows: readonly PoolWindows[], div: Float32Array | null): GPULayout[] {
  gpuDType(op, x.dtype, ["float32"]);
  checkWindows(op, x, windows);
  const nd = x.shape.length, k = windows.length, nl = nd - k;
  const lead = x.shape.slice(0, nl);
  const outShape = [...lead, ...windows.map((w) => w.lo.length)];
  const out = allocateLayout(gpu, outShape, "float32", op);
  const indices = kind === "max" ? allocateLayout(gpu, outShape, "int32", op) : null;
  const result = indices === null ? [out] : [out, indices];
  const size = sizeOf(outShape);
  if (size === 0) return result;
  const w3 = padWindows(windows);
  const inDims = [...new Array<number>(3 - k).fill(1), ...x.shape.slice(nl)];
  const spatialStrides = [...new Array<number>(3 - k).fill(0), ...x.strides.slice(nl)];
  const oDims = w3.map((w) => w.lo.length);
  const head = [size, sizeOf(oDims), x.offset, ...oDims, ...inDims, ...w3.map((w) => w.step), ...spatialStrides];
  const tables: number[] = [];
  const tableAt = 22 + 2 * nl;
  const loAt = w3.map((w) => { const at = tableAt + tables.length; tables.push(...w.lo); return at; });
  const hiAt = w3.map((w) => { const at = tableAt + tables.length; tables.push(...w.hi); return at; });
  const prm = [...head, ...loAt, ...hiAt, NEG_INF_BITS, ...lead, ...x.strides.slice(0, nl), ...tables];
  const buffers = [gpu.params(Int32Array.from(prm), op), out.buffer, x.buffer, indices?.buffer ?? gpu.params(div!, op)];
  gpu.dispatch(gpu.pipeline(forwardShader(kind, nl)), buffers, grid(Math.ceil(size / WG)), op);
  return result;
}

/**
 * The `maxPool` primitive: inputs (x) → (maxima, int32 indices into each flattened input plane), the
 * pooled dims' windows as PoolWindows; the first maximum of a window wins and NaN counts as maximal.
 */
export function maxPool(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: { windows: PoolWindows[] }): GPULayout[] {
  return forward(gpu, "max", "maxPool", inputs[0]!, params.windows, null);
}

/** Per output position of a plane (row-major over the pooled output dims), its divisor, as the CPU's. */
function divisors(params: AvgPoolParams): Float32Array {
  const c = [...new Array<number[]>(3 - params.counts.length).fill([1]), ...params.counts];
  const out = new Float32Array(c[0]!.length * c[1]!.length * c[2]!.length);
  let o = 0;
  for (const a of c[0]!) for (const b of c[1]!) for (const d of c[2]!) out[o++] = params.divisorOverride ?? a * b * d;
  return out;
}

/** The `avgPool` primitive: inputs (x) → each window's sum divided by its divisor (also adaptive pooling). */
export function avgPool(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: AvgPoolParams): GPULayout {
  return forward(gpu, "avg", "avgPool", inputs[0]!, params.windows, divisors(params))[0]!;
}

/**
 * maxPoolBackward: one workgroup per plane; thread t owns the plane's input positions ≡ t (mod WG), zeroes
 * them, then scans the plane's (index, gradient) pairs in order, staged a tile at a time in workgroup
 * memory, adding those that land on its positions — the CPU's order, with no two threads writing one
 * element. prm (i32): [planes, inPlane, outPlane, gOffset, indexOffset].
 */
const maxPoolBackwardShader = /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read> idx: array<i32>;
var<workgroup> si: array<i32, 64>;
var<workgroup> sg: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let plane = i32(wid.y * nwg.x + wid.x);
  if (plane >= prm[0]) { return; }
  let inPlane = prm[1];
  let outPlane = prm[2];
  let t = i32(lid);
  let base = plane * inPlane;
  for (var p = t; p < inPlane; p += 64) { out[base + p] = 0.0; }
  for (var j0 = 0; j0 < outPlane; j0 += 64) {
    let j = j0 + t;
    si[t] = -1;
    sg[t] = 0.0;
    if (j < outPlane) { si[t] = idx[prm[4] + plane * outPlane + j]; sg[t] = g[prm[3] + plane * outPlane + j]; }
    workgroupBarrier();
    let n = min(64, outPlane - j0);
    for (var e = 0; e < n; e++) {
      let p = si[e];
      if (p >= 0 && p < inPlane && p % 64 == t) { out[base + p] += sg[e]; }
    }
    workgroupBarrier();
  }
}`;

/**
 * The `maxPoolBackward` primitive: inputs (g, int32 indices) of the pooled shape → zeros of
 * (...lead, ...inShape) with each g added at its index in its plane.
 */
export function maxPoolBackward(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: { inShape: number[] }): GPULayout {
  const op = "maxPoolBackward";
  const [g0, i0] = inputs as [GPULayout, GPULayout];
  gpuDType(op, g0.dtype, ["float32"]);
  gpuDType(op, i0.dtype, ["int32"]);
  const k = params.inShape.length;
  if (g0.shape.length < k || i0.shape.length !== g0.shape.length || i0.shape.some((s, d) => s !== g0.shape[d])) {
    throw new Error(`${op}: gradient [${g0.shape.join(", ")}] and indices [${i0.shape.join(", ")}] must have one shape with the ${k} pooled dims last`);
  }
  const lead = g0.shape.slice(0, g0.shape.length - k);
  const out = allocateLayout(gpu, [...lead, ...params.inShape], "float32", op);
  const planes = sizeOf(lead), inPlane = sizeOf(params.inShape);
  if (planes === 0 || inPlane === 0) return out;
  const temps: GPUBuffer[] = [];
  const g = dense(gpu, g0, temps), idx = dense(gpu, i0, temps);
  const outPlane = sizeOf(g0.shape.slice(g0.shape.length - k));
  const prm = Int32Array.from([planes, inPlane, outPlane, g.offset, idx.offset]);
  gpu.dispatch(gpu.pipeline(maxPoolBackwardShader), [gpu.params(prm, op), out.buffer, g.buffer, idx.buffer], grid(planes), op);
  releaseAll(gpu, temps);
  return out;
}

/**
 * avgPoolBackward: one thread per input element, summing g[o]/div[o] over the outputs o whose windows
 * hold it; per pooled axis a table lists, for each input position, those outputs in ascending order.
 * prm (i32): [inSize, inPlane, outPlane, gOffset, inDims[3], oDims[3], startAt[3], listAt[3], tables].
 */
const avgPoolBackwardShader = /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read> div: array<f32>;
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  let i = ${THREAD_INDEX};
  if (i >= prm[0]) { return; }
  let plane = i / prm[1];
  let q = i % prm[1];
  let iw = q % prm[6];
  let ih = (q / prm[6]) % prm[5];
  let id = q / (prm[6] * prm[5]);
  let oH = prm[8];
  let oW = prm[9];
  let gBase = prm[3] + plane * prm[2];
  var sum = 0.0;
  for (var a = prm[prm[10] + id]; a < prm[prm[10] + id + 1]; a++) {
    let od = prm[prm[13] + a];
    for (var b = prm[prm[11] + ih]; b < prm[prm[11] + ih + 1]; b++) {
      let oh = prm[prm[14] + b];
      for (var c = prm[prm[12] + iw]; c < prm[prm[12] + iw + 1]; c++) {
        let o = (od * oH + oh) * oW + prm[prm[15] + c];
        sum += g[gBase + o] / div[o];
      }
    }
  }
  out[i] = sum;
}`;

/** For each input position of one axis, the outputs whose windows hold it (CSR: starts, then the list). */
function inverseWindows(w: PoolWindows, inSize: number): { start: number[]; list: number[] } {
  const lists: number[][] = Array.from({ length: inSize }, () => []);
  w.lo.forEach((lo, o) => {
    for (let i = lo; i < w.hi[o]!; i += w.step) if (i >= 0 && i < inSize) lists[i]!.push(o);
  });
  const start = [0];
  for (const l of lists) start.push(start[start.length - 1]! + l.length);
  return { start, list: lists.flat() };
}

/**
 * The `avgPoolBackward` primitive: inputs (g) of the pooled shape → (...lead, ...inShape), each output
 * gradient spread over its window, divided by its divisor.
 */
export function avgPoolBackward(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: AvgPoolParams): GPULayout {
  const op = "avgPoolBackward";
  const g0 = inputs[0]!;
  gpuDType(op, g0.dtype, ["float32"]);
  checkWindows(op, g0, params.windows);
  const k = params.windows.length;
  const lead = g0.shape.slice(0, g0.shape.length - k);
  const out = allocateLayout(gpu, [...lead, ...params.inShape], "float32", op);
  const size = sizeOf(out.shape);
  if (size === 0) return out;
  const temps: GPUBuffer[] = [];
  const g = dense(gpu, g0, temps);
  const w3 = padWindows(params.windows);
  const inDims = [...new Array<number>(3 - k).fill(1), ...params.inShape];
  const oDims = w3.map((w) => w.lo.length);
  const inv = w3.map((w, a) => inverseWindows(w, inDims[a]!));
  const tables: number[] = [];
  const at = 16;
  const startAt = inv.map((t) => { const p = at + tables.length; tables.push(...t.start); return p; });
  const listAt = inv.map((t) => { const p = at + tables.length; tables.push(...t.list); return p; });
  const prm = [size, sizeOf(inDims), sizeOf(oDims), g.offset, ...inDims, ...oDims, ...startAt, ...listAt, ...tables];
  const buffers = [gpu.params(Int32Array.from(prm), op), out.buffer, g.buffer, gpu.params(divisors(params), op)];
  gpu.dispatch(gpu.pipeline(avgPoolBackwardShader), buffers, grid(Math.ceil(size / WG)), op);
  releaseAll(gpu, temps);
  return out;
}
