/// <reference types="@webgpu/types" />
// WGSL kernels that write into strided places: copy of a broadcast view into a strided region (in-place
// writes, unslice, cat), and scatter / scatterAdd / indexAdd computed by gathering — one thread per output
// element walks the index along dim in order, so the result (and its float rounding) is the CPU kernels'
// (src/backend/cpu/indexing.ts), deterministic and without atomics.
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, broadcastStrides, gpuDType, sizeOf, wgslType, type GPULayout } from "./layout.js";
import { contiguous } from "./elementwise.js";

const WG = 256;

function copyShader(t: string, nd: number): string {
  // prm: [size, shape[nd], dstOffset, dstStrides[nd], srcOffset, srcStrides[nd]]
  const dOff = 1 + nd, sOff = 2 + 2 * nd;
  const lines: string[] = [];
  for (let d = nd - 1; d >= 0; d--) {
    lines.push(d > 0 ? `  { let s = prm[${1 + d}]; let q = r % s; r = r / s;` : "  { let q = r;");
    lines.push(`    pd += q * prm[${dOff + 1 + d}]; ps += q * prm[${sOff + 1 + d}]; }`);
  }
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> dst: array<${t}>;
@group(0) @binding(2) var<storage, read> src: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = i32((wid.y * nwg.x + wid.x) * ${WG}u + lid);
  if (i >= prm[0]) { return; }
  var r = i;
  var pd = prm[${dOff}];
  var ps = prm[${sOff}];
${lines.join("\n")}
  dst[pd] = src[ps];
}`;
}

/**
 * Writes `src` (broadcast to `dst`'s shape, same dtype) into the strided region `dst` of its buffer, in
 * place. `dst` must not have overlapping elements, and `src` must not share `dst`'s buffer (WebGPU binds
 * a buffer once per dispatch as writable): copy it first.
 */
export function copyInto(gpu: WebGPUDevice, dst: GPULayout, src: GPULayout, op = "copy"): void {
  const t = wgslType(gpuDType(op, dst.dtype));
  if (src.dtype !== dst.dtype) throw new Error(`${op}: expected one dtype, got ${src.dtype} into ${dst.dtype}`);
  const size = sizeOf(dst.shape);
  if (size === 0) return;
  const nd = dst.shape.length;
  const prm = [size, ...dst.shape, dst.offset, ...dst.strides, src.offset, ...broadcastStrides(src, dst.shape, op)];
  gpu.dispatch(gpu.pipeline(copyShader(t, nd)), [gpu.params(Int32Array.from(prm), op), dst.buffer, src.buffer], grid(Math.ceil(size / WG)), op);
}

/** A fresh contiguous layout of `shape` filled with zeros. */
export function zerosLayout(gpu: WebGPUDevice, shape: readonly number[], dtype: GPULayout["dtype"], op: string): GPULayout {
  gpuDType(op, dtype);
  const n = sizeOf(shape);
  const out = allocateLayout(gpu, shape, dtype, op);
  if (n > 0) gpu.write(out.buffer, 0, new Int32Array(n), op); // 0 is all-zero bits in f32, i32 and u32
  return out;
}

function scatterShader(t: string, nd: number, accumulate: boolean): string {
  // prm: [size, dim, shape[nd], indexShape[nd], indexStrides[nd], indexOffset, srcStrides[nd], srcOffset]
  const sh = 2, ish = 2 + nd, ist = 2 + 2 * nd, iof = 2 + 3 * nd, sst = 3 + 3 * nd, sof = 3 + 4 * nd;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read> src: array<${t}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = i32((wid.y * nwg.x + wid.x) * ${WG}u + lid);
  if (i >= prm[0]) { return; }
  let dim = prm[1];
  var coord: array<i32, ${nd}>;
  var r = i;
  for (var d = ${nd - 1}; d >= 0; d--) { let s = prm[${sh} + d]; coord[d] = r % s; r = r / s; }
  var inside = true;
  var ib = prm[${iof}];
  var sb = prm[${sof}];
  for (var d = 0; d < ${nd}; d++) {
    if (d == dim) { continue; }
    if (coord[d] >= prm[${ish} + d]) { inside = false; }
    ib += coord[d] * prm[${ist} + d];
    sb += coord[d] * prm[${sst} + d];
  }
  if (!inside) { return; }
  var acc = out[i];
  let n = prm[${ish} + dim];
  let want = coord[dim];
  for (var j = 0; j < n; j++) {
    if (index[ib + j * prm[${ist} + dim]] == want) { acc = ${accumulate ? "acc + " : ""}src[sb + j * prm[${sst} + dim]]; }
  }
  out[i] = acc;
}`;
}

function scatterInto(gpu: WebGPUDevice, op: string, x: GPULayout, dim: number, index: GPULayout, indexShape: readonly number[], indexStrides: readonly number[], src: GPULayout, accumulate: boolean): GPULayout {
  const t = wgslType(gpuDType(op, x.dtype));
  gpuDType(op, index.dtype, ["int32"]);
  if (src.dtype !== x.dtype) throw new Error(`${op}: src (${src.dtype}) must have the input's dtype (${x.dtype}) on WebGPU`);
  const nd = x.shape.length;
  if (nd === 0) throw new Error(`${op}: expected a tensor with at least one dim, got a scalar`);
  const out = contiguous(gpu, x);
  const size = sizeOf(x.shape);
  if (size === 0 || sizeOf(indexShape) === 0) return out;
  const prm = [size, dim, ...x.shape, ...indexShape, ...indexStrides, index.offset, ...src.strides, src.offset];
  gpu.dispatch(gpu.pipeline(scatterShader(t, nd, accumulate)), [gpu.params(Int32Array.from(prm), op), out.buffer, index.buffer, src.buffer], grid(Math.ceil(size / WG)), op);
  return out;
}

/** torch.scatter / scatter_add: x with src's values written (or added) at index along dim; index and src of x's rank. */
export function scatter(gpu: WebGPUDevice, x: GPULayout, dim: number, index: GPULayout, src: GPULayout, accumulate: boolean): GPULayout {
  const op = accumulate ? "scatterAdd" : "scatter";
  if (index.shape.length !== x.shape.length || src.shape.length !== x.shape.length) {
    throw new Error(`${op}: index [${index.shape.join(", ")}] and src [${src.shape.join(", ")}] must have as many dims as the input [${x.shape.join(", ")}]`);
  }
  return scatterInto(gpu, op, x, dim, index, index.shape, index.strides, src, accumulate);
}

/** torch.index_add: x with src's slices added at the (1-D, int32) indices along dim. */
export function indexAdd(gpu: WebGPUDevice, x: GPULayout, dim: number, index: GPULayout, src: GPULayout): GPULayout {
  if (index.shape.length !== 1) throw new Error(`indexAdd: index must be 1-D, got shape [${index.shape.join(", ")}]`);
  // the 1-D index seen with x's rank: stride 0 outside dim
  const indexShape = x.shape.map((s, d) => (d === dim ? index.shape[0]! : s));
  const indexStrides = x.shape.map((_, d) => (d === dim ? index.strides[0]! : 0));
  return scatterInto(gpu, "indexAdd", x, dim, index, indexShape, indexStrides, src, true);
}
