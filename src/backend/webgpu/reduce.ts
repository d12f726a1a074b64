/// <reference types="@webgpu/types" />
// WGSL reductions over strided layouts (sum, mean, prod, max, min over any dims, keepdim) and softmax /
// logSoftmax along one dim: one workgroup per output line, partial results combined by a tree in
// workgroup shared memory.
import type { ReducePrim } from "../../autograd/prims.js";
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, contiguousStrides, gpuDType, sizeOf, wgslType, type GPULayout } from "./layout.js";
import { decompose } from "./kernel.js";

/** A reduction: the primitives plus mean (sum / count, the composite PyTorch's mean is). */
export type WebGPUReduceOp = ReducePrim | "mean";

/** Threads per workgroup: wide for long lines, narrow when there are many short ones. */
function workgroupSize(lineLength: number): number {
  return lineLength >= 1024 ? 256 : 64;
}

/** Combining step per op, of accumulator `a` and value `b` (NaN wins in max/min, as on the CPU). */
const combine: { [P in WebGPUReduceOp]: string } = {
  sum: "a + b",
  mean: "a + b",
  prod: "a * b",
  max: "select(a, b, b > a || NAN(b))",
  min: "select(a, b, b < a || NAN(b))",
};

function reduceShader(op: WebGPUReduceOp, t: string, nk: number, nr: number, wg: number): string {
  // prm: [outSize, redSize, offset, identity bits, keptShape[nk], keptStrides[nk], redShape[nr], redStrides[nr]]
  const kShape = 4, kStride = 4 + nk, rShape = 4 + 2 * nk, rStride = 4 + 2 * nk + nr;
  const identity = op === "prod" ? `${t}(1)` : op === "sum" || op === "mean" ? `${t}(0)` : `bitcast<${t}>(prm[3])`;
  const final = op === "mean" ? `v / ${t}(prm[1])` : "v";
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> x: array<${t}>;
var<workgroup> sh: array<${t}, ${wg}>;
fn ds_isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; } // by the bits: WGSL may assume v == v
fn comb(a: ${t}, b: ${t}) -> ${t} { return ${combine[op].replace("NAN(b)", t === "f32" ? "ds_isnan(b)" : "false")}; }
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = i32(wid.y * nwg.x + wid.x);
  let live = o < prm[0];
  var base = prm[2];
${decompose("o", nk, kShape, [kStride], ["base"])}
  var acc = ${identity};
  if (live) {
    for (var j = i32(lid); j < prm[1]; j += ${wg}) {
      var p = base;
${decompose("j", nr, rShape, [rStride], ["p"])}
      acc = comb(acc, x[p]);
    }
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = comb(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  if (live && lid == 0u) { let v = sh[0]; out[o] = ${final}; }
}`;
}

/**
 * Reduces `x` over `dims` (sorted, normalized) with sum, mean, prod, max or min; keepdim keeps them as
 * size 1. float32 and int32 (mean: float32 only); an empty line reduces to the identity (0 or 1; max and min refuse it, as on the CPU).
 */
export function reduce(gpu: WebGPUDevice, op: WebGPUReduceOp, x: GPULayout, dims: readonly number[], keepdim: boolean): GPULayout {
  const dtype = gpuDType(op, x.dtype, op === "mean" ? ["float32"] : ["float32", "int32"]);
  const nd = x.shape.length;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= Math.max(nd, 1)) throw new Error(`${op}: dim ${d} is out of range for a tensor of shape [${x.shape.join(", ")}]`);
  }
  const kept = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const red = x.shape.map((_, d) => d).filter((d) => dims.includes(d));
  const outShape = keepdim ? x.shape.map((s, d) => (dims.includes(d) ? 1 : s)) : kept.map((d) => x.shape[d]!);
  const out = allocateLayout(gpu, outShape, dtype, op);
  const outSize = sizeOf(outShape);
  if (outSize === 0) return out;
  const redSize = sizeOf(red.map((d) => x.shape[d]!));
  if (redSize === 0 && (op === "max" || op === "min")) {
    throw new Error(`${op}: cannot reduce over an empty dimension (shape [${x.shape.join(",")}]) — the result has no identity`);
  }
  const wg = workgroupSize(redSize);
  const t = wgslType(dtype);
  const identityBits = op === "max" ? (dtype === "float32" ? 0xff800000 | 0 : -2147483648) : op === "min" ? (dtype === "float32" ? 0x7f800000 : 2147483647) : 0;
  const prm = [outSize, redSize, x.offset, identityBits];
  prm.push(...kept.map((d) => x.shape[d]!), ...kept.map((d) => x.strides[d]!), ...red.map((d) => x.shape[d]!), ...red.map((d) => x.strides[d]!));
  const pipeline = gpu.pipeline(reduceShader(op, t, kept.length, red.length, wg));
  gpu.dispatch(pipeline, [gpu.params(Int32Array.from(prm), op), out.buffer, x.buffer], grid(outSize), op);
  return out;
}

function softmaxShader(log: boolean, nk: number, wg: number): string {
  // prm: [rows, n, offset, strideDim, outStrideDim, -inf bits, keptShape[nk], keptStrides[nk], outKeptStrides[nk]]
  const kShape = 6, kStride = 6 + nk, oStride = 6 + 2 * nk;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
var<workgroup> sh: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = i32(wid.y * nwg.x + wid.x);
  let live = row < prm[0];
  let n = prm[1];
  let sx = prm[3];
  let so = prm[4];
  var base = prm[2];
  var obase = 0;
${decompose("row", nk, kShape, [kStride, oStride], ["base", "obase"])}
  // 1. the line's maximum
  var m = bitcast<f32>(prm[5]);
  if (live) { for (var j = i32(lid); j < n; j += ${wg}) { m = max(m, x[base + j * sx]); } }
  sh[lid] = m;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = max(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  m = sh[0];
  workgroupBarrier();
  // 2. Σ e^(x − m)
  var acc = 0.0;
  if (live) { for (var j = i32(lid); j < n; j += ${wg}) { acc += exp(x[base + j * sx] - m); } }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
  let total = sh[0];
  // 3. the outputs
  if (live) {
    ${log ? "let ls = log(total);" : "let inv = 1.0 / total;"}
    for (var j = i32(lid); j < n; j += ${wg}) {
      out[obase + j * so] = ${log ? "(x[base + j * sx] - m) - ls" /* not x − (m + log Σ): m + log Σ rounds at |m|'s scale */ : "exp(x[base + j * sx] - m) * inv"};
    }
  }
}`;
}

/**
 * softmax (or, with `log`, logSoftmax: x − m − log Σ e^(x−m), the fused primitive) of float32 `x` along
 * `dim`, into a contiguous layout of x's shape.
 */
export function softmax(gpu: WebGPUDevice, x: GPULayout, dim: number, log = false): GPULayout {
  const op = log ? "logSoftmax" : "softmax";
  gpuDType(op, x.dtype, ["float32"]);
  const nd = x.shape.length;
  if (nd === 0) throw new Error(`${op}: expected a tensor with at least one dim, got a scalar`);
  if (!Number.isInteger(dim) || dim < 0 || dim >= nd) throw new Error(`${op}: dim ${dim} is out of range for a tensor of shape [${x.shape.join(", ")}]`);
  const out = allocateLayout(gpu, x.shape, "float32", op);
  const size = sizeOf(x.shape);
  if (size === 0) return out;
  const outStrides = contiguousStrides(x.shape);
  const kept = x.shape.map((_, d) => d).filter((d) => d !== dim);
  const n = x.shape[dim]!, rows = size / n;
  const wg = workgroupSize(n);
  const prm = [rows, n, x.offset, x.strides[dim]!, outStrides[dim]!, 0xff800000 | 0];
  prm.push(...kept.map((d) => x.shape[d]!), ...kept.map((d) => x.strides[d]!), ...kept.map((d) => outStrides[d]!));
  const pipeline = gpu.pipeline(softmaxShader(log, kept.length, wg));
  gpu.dispatch(pipeline, [gpu.params(Int32Array.from(prm), op), out.buffer, x.buffer], grid(rows), op);
  return out;
}

function argShader(isMax: boolean, nk: number, wg: number): string {
  // prm: [outSize, n, offset, strideDim, identity bits (∓∞), keptShape[nk], keptStrides[nk]]
  const better = isMax ? ">" : "<";
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<i32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
var<workgroup> shv: array<f32, ${wg}>;
var<workgroup> shi: array<i32, ${wg}>;
// (v, i) beats the incumbent (w, j): a NaN wins (the first NaN, as on the CPU), then the better value, then the lower index
fn ds_isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; } // by the bits: WGSL may assume v == v
fn wins(v: f32, i: i32, w: f32, j: i32) -> bool {
  if (ds_isnan(v)) { return !ds_isnan(w) || i < j; }
  if (ds_isnan(w)) { return false; }
  return v ${better} w || (v == w && i < j);
}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = i32(wid.y * nwg.x + wid.x);
  let live = o < prm[0];
  var base = prm[2];
${decompose("o", nk, 5, [5 + nk], ["base"])}
  var bv = bitcast<f32>(prm[4]);
  var bi = 2147483647;
  if (live) {
    for (var j = i32(lid); j < prm[1]; j += ${wg}) {
      let v = x[base + j * prm[3]];
      if (wins(v, j, bv, bi)) { bv = v; bi = j; }
    }
  }
  shv[lid] = bv;
  shi[lid] = bi;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s && wins(shv[lid + s], shi[lid + s], shv[lid], shi[lid])) { shv[lid] = shv[lid + s]; shi[lid] = shi[lid + s]; }
    workgroupBarrier();
  }
  if (live && lid == 0u) { out[o] = select(shi[0], 0, shi[0] == 2147483647); }
}`;
}

/** argmax / argmin of float32 `x` along `dim` (int32 indices; the first extremum wins, a NaN counts as extreme). */
export function argReduce(gpu: WebGPUDevice, isMax: boolean, x: GPULayout, dim: number, keepdim: boolean): GPULayout {
  const op = isMax ? "argmax" : "argmin";
  gpuDType(op, x.dtype, ["float32"]);
  const nd = x.shape.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= nd) throw new Error(`${op}: dim ${dim} is out of range for a tensor of shape [${x.shape.join(", ")}]`);
  const n = x.shape[dim]!;
  const kept = x.shape.map((_, d) => d).filter((d) => d !== dim);
  const outShape = keepdim ? x.shape.map((s, d) => (d === dim ? 1 : s)) : kept.map((d) => x.shape[d]!);
  const out = allocateLayout(gpu, outShape, "int32", op);
  const outSize = sizeOf(outShape);
  if (outSize === 0) return out;
  if (n === 0) throw new Error(`${op}: cannot take the ${op} of an empty dimension (shape [${x.shape.join(", ")}], dim ${dim})`);
  const wg = workgroupSize(n);
  const prm = [outSize, n, x.offset, x.strides[dim]!, isMax ? 0xff800000 | 0 : 0x7f800000, ...kept.map((d) => x.shape[d]!), ...kept.map((d) => x.strides[d]!)];
  const pipeline = gpu.pipeline(argShader(isMax, kept.length, wg));
  gpu.dispatch(pipeline, [gpu.params(Int32Array.from(prm), op), out.buffer, x.buffer], grid(outSize), op);
  return out;
}
