/// <reference types="@webgpu/types" />
// WGSL layer normalization, fused as the primitives (src/backend/cpu/layerNorm.ts): the forward is one
// workgroup per row (mean, then the centred second moment, by trees in workgroup memory, then the
// outputs); the backward is that per row for dx and, for dw and db, column sums over the rows by
// 16 × 16 workgroups (16 columns, 16 lanes of rows each), so no atomics and a fixed summation order.
import type { PrimParams } from "../../autograd/prims.js";
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, gpuDType, sizeOf, type GPULayout } from "./layout.js";
import { dense, releaseAll } from "./kernel.js";

/** Threads per row: wide for long rows, narrow when there are many short ones. */
function rowWidth(D: number): number {
  return D >= 1024 ? 256 : 64;
}

/** WGSL of a tree reduction (sum) of `v` over the workgroup into `total`, through sh (wg wide). */
function treeSum(v: string, total: string, wg: number): string {
  return `  sh[lid] = ${v};
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
  let ${total} = sh[0];
  workgroupBarrier();`;
}

/** prm (i32): [rows, D, xOffset, wOffset, bOffset, eps bits]. */
function forwardShader(wg: number): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read> w: array<f32>;
@group(0) @binding(6) var<storage, read> b: array<f32>;
var<workgroup> sh: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = i32(wid.y * nwg.x + wid.x);
  if (row >= prm[0]) { return; }
  let D = prm[1];
  let base = prm[2] + row * D;
  var acc = 0.0;
  for (var j = i32(lid); j < D; j += ${wg}) { acc += x[base + j]; }
${treeSum("acc", "sum", wg)}
  let mu = sum / f32(D);
  var acc2 = 0.0;
  for (var j = i32(lid); j < D; j += ${wg}) { let d = x[base + j] - mu; acc2 += d * d; }
${treeSum("acc2", "sq", wg)}
  let rs = 1.0 / sqrt(sq / f32(D) + bitcast<f32>(prm[5]));
  for (var j = i32(lid); j < D; j += ${wg}) {
    y[row * D + j] = (x[base + j] - mu) * rs * w[prm[3] + j] + b[prm[4] + j];
  }
  if (lid == 0u) { mean[row] = mu; rstd[row] = rs; }
}`;
}

const f32Bits = (v: number): number => new Int32Array(Float32Array.of(v).buffer)[0]!;

function checkRows(op: string, x: GPULayout, D: number): number {
  if (!Number.isInteger(D) || D < 0) throw new Error(`${op}: size must be a non-negative integer, got ${D}`);
  const n = sizeOf(x.shape);
  if (D === 0 ? n !== 0 : n % D !== 0) throw new Error(`${op}: input of shape [${x.shape.join(", ")}] does not split into rows of ${D} elements`);
  return D === 0 ? 0 : n / D;
}

function checkParam(op: string, name: string, t: GPULayout, D: number): void {
  gpuDType(op, t.dtype, ["float32"]);
  if (sizeOf(t.shape) !== D) throw new Error(`${op}: ${name} of shape [${t.shape.join(", ")}] does not hold ${D} elements`);
}

/**
 * The `layerNorm` primitive: inputs (x, w, b), w and b of `size` elements → (y = (x − μ)·rstd·w + b of
 * x's shape, μ (rows), rstd = 1/√(σ² + eps) (rows)), over rows of the last `size` elements (σ² biased).
 */
export function layerNorm(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["layerNorm"]): GPULayout[] {
  const op = "layerNorm";
  const [x0, w0, b0] = inputs as [GPULayout, GPULayout, GPULayout];
  gpuDType(op, x0.dtype, ["float32"]);
  const D = params.size, rows = checkRows(op, x0, D);
  checkParam(op, "weight", w0, D);
  checkParam(op, "bias", b0, D);
  const y = allocateLayout(gpu, x0.shape, "float32", op);
  const mean = allocateLayout(gpu, [rows], "float32", op), rstd = allocateLayout(gpu, [rows], "float32", op);
  if (rows === 0 || D === 0) return [y, mean, rstd];
  const temps: GPUBuffer[] = [];
  const x = dense(gpu, x0, temps), w = dense(gpu, w0, temps), b = dense(gpu, b0, temps);
  const wg = rowWidth(D);
  const prm = Int32Array.from([rows, D, x.offset, w.offset, b.offset, f32Bits(params.eps)]);
  gpu.dispatch(gpu.pipeline(forwardShader(wg)), [gpu.params(prm, op), y.buffer, mean.buffer, rstd.buffer, x.buffer, w.buffer, b.buffer], grid(rows), op);
  releaseAll(gpu, temps);
  return [y, mean, rstd];
}

/**
 * dx per row: with x̂ = (x − μ)·rstd and ĝ = dy·w, dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)).
 * prm (i32): [rows, D, gOffset, xOffset, meanOffset, rstdOffset, wOffset].
 */
function dxShader(wg: number): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<storage, read> w: array<f32>;
var<workgroup> sh: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = i32(wid.y * nwg.x + wid.x);
  if (row >= prm[0]) { return; }
  let D = prm[1];
  let gb = prm[2] + row * D;
  let xb = prm[3] + row * D;
  let mu = mean[prm[4] + row];
  let rs = rstd[prm[5] + row];
  var a = 0.0;
  var c = 0.0;
  for (var j = i32(lid); j < D; j += ${wg}) {
    let gh = g[gb + j] * w[prm[6] + j];
    a += gh;
    c += gh * (x[xb + j] - mu) * rs;
  }
${treeSum("a", "sumG", wg)}
${treeSum("c", "sumGX", wg)}
  let meanG = sumG / f32(D);
  let meanGX = sumGX / f32(D);
  for (var j = i32(lid); j < D; j += ${wg}) {
    let xh = (x[xb + j] - mu) * rs;
    dx[row * D + j] = rs * (g[gb + j] * w[prm[6] + j] - meanG - xh * meanGX);
  }
}`;
}

/**
 * dw = Σ_rows dy·x̂ and db = Σ_rows dy: workgroup (16 columns × 16 row lanes); lane r sums rows r, r + 16, …
 * then the 16 lanes are added by a tree. prm (i32): [rows, D, gOffset, xOffset, meanOffset, rstdOffset].
 */
const columnShader = /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read> mean: array<f32>;
@group(0) @binding(6) var<storage, read> rstd: array<f32>;
var<workgroup> sw: array<f32, 256>;
var<workgroup> sb: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let rows = prm[0];
  let D = prm[1];
  let cx = i32(lid % 16u);
  let ry = i32(lid / 16u);
  let j = i32(wid.y * nwg.x + wid.x) * 16 + cx;
  var aw = 0.0;
  var ab = 0.0;
  if (j < D) {
    for (var r = ry; r < rows; r += 16) {
      let gv = g[prm[2] + r * D + j];
      aw += gv * (x[prm[3] + r * D + j] - mean[prm[4] + r]) * rstd[prm[5] + r];
      ab += gv;
    }
  }
  sw[lid] = aw;
  sb[lid] = ab;
  workgroupBarrier();
  for (var s = 128u; s >= 16u; s = s >> 1u) {
    if (lid < s) { sw[lid] = sw[lid] + sw[lid + s]; sb[lid] = sb[lid] + sb[lid + s]; }
    workgroupBarrier();
  }
  if (ry == 0 && j < D) { dw[j] = sw[lid]; db[j] = sb[lid]; }
}`;

/**
 * The `layerNormBackward` primitive: inputs (dy, x, μ, rstd, w) → (dx of x's shape, dw and db of w's
 * shape), as the CPU kernel.
 */
export function layerNormBackward(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["layerNormBackward"]): GPULayout[] {
  const op = "layerNormBackward";
  const [g0, x0, m0, r0, w0] = inputs as [GPULayout, GPULayout, GPULayout, GPULayout, GPULayout];
  for (const t of inputs) gpuDType(op, t.dtype, ["float32"]);
  const D = params.size, rows = checkRows(op, x0, D);
  if (sizeOf(g0.shape) !== sizeOf(x0.shape)) throw new Error(`${op}: gradient of shape [${g0.shape.join(", ")}] does not match the input [${x0.shape.join(", ")}]`);
  checkParam(op, "mean", m0, rows);
  checkParam(op, "rstd", r0, rows);
  checkParam(op, "weight", w0, D);
  const dx = allocateLayout(gpu, x0.shape, "float32", op);
  const dw = allocateLayout(gpu, w0.shape, "float32", op), db = allocateLayout(gpu, w0.shape, "float32", op);
  if (D === 0) return [dx, dw, db];
  const temps: GPUBuffer[] = [];
  const [g, x, mean, rstd, w] = [g0, x0, m0, r0, w0].map((t) => dense(gpu, t, temps)) as [GPULayout, GPULayout, GPULayout, GPULayout, GPULayout];
  if (rows > 0) {
    const wg = rowWidth(D);
    const prm = Int32Array.from([rows, D, g.offset, x.offset, mean.offset, rstd.offset, w.offset]);
    gpu.dispatch(gpu.pipeline(dxShader(wg)), [gpu.params(prm, op), dx.buffer, g.buffer, x.buffer, mean.buffer, rstd.buffer, w.buffer], grid(rows), op);
  }
  const prm = Int32Array.from([rows, D, g.offset, x.offset, mean.offset, rstd.offset]);
  gpu.dispatch(gpu.pipeline(columnShader), [gpu.params(prm, op), dw.buffer, db.buffer, g.buffer, x.buffer, mean.buffer, rstd.buffer], grid(Math.ceil(D / 16)), op);
  releaseAll(gpu, temps);
  return [dx, dw, db];
}
