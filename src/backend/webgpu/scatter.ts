/// <reference types="@webgpu/types" />
// WGSL scatter, scatterAdd and indexAdd (the embedding's backward) as the CPU kernels
// (src/backend/cpu/indexing.ts), written as gathers: each output element (indexAdd: each output row) scans
// the index entries that share its other coordinates and takes (scatter: the last) or adds (in index
// order) the sources that point at it. No atomics, so the result is deterministic and equals the CPU's float32 sums exactly.
// An index out of range writes nothing and is reported: the next read from the device throws, naming it.
import type { PrimParams } from "../../autograd/prims.js";
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, gpuDType, sizeOf, wgslType, type GPULayout } from "./layout.js";
import { dense, ENTRY_ARGS, indexCheckWGSL, indexErrorText, releaseAll, THREAD_INDEX, WG } from "./kernel.js";
import { contiguous } from "./elementwise.js";

/**
 * One thread per output element (x's shape, contiguous). prm (i32): [size, dim, n (entries along dim),
 * xOffset, indexOffset, srcOffset, shape[nd], bound[nd] (the index's extent per dim), xStrides[nd],
 * indexStrides[nd], srcStrides[nd], error code].
 */
function scatterShader(t: string, nd: number, add: boolean): string {
  const SH = 6, BD = 6 + nd, XS = 6 + 2 * nd, IS = 6 + 3 * nd, SS = 6 + 4 * nd, CODE = 6 + 5 * nd;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> x: array<${t}>;
@group(0) @binding(3) var<storage, read> index: array<i32>;
@group(0) @binding(4) var<storage, read> src: array<${t}>;
${indexCheckWGSL(5)}
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  let i = ${THREAD_INDEX};
  if (i >= prm[0]) { return; }
  let dim = prm[1];
  var r = i;
  var xp = prm[3];
  var ip = prm[4];
  var sp = prm[5];
  var want = 0;
  var covered = true;
  for (var d = ${nd - 1}; d >= 0; d--) {
    let q = r % prm[${SH} + d];
    r = r / prm[${SH} + d];
    xp += q * prm[${XS} + d];
    if (d == dim) { want = q; } else {
      covered = covered && q < prm[${BD} + d];
      ip += q * prm[${IS} + d];
      sp += q * prm[${SS} + d];
    }
  }
  var v = x[xp];
  if (covered) {
    for (var k = 0; k < prm[2]; k++) {
      let j = index[ip + k * prm[${IS} + dim]];
      if (j == want) { v = ${add ? "v + " : ""}src[sp + k * prm[${SS} + dim]]; }
      else if (want == 0 && (j < 0 || j >= prm[${SH} + dim])) { ds_bad_index(prm[${CODE}], j); }
    }
  }
  out[i] = v;
}`;
}

function run(gpu: WebGPUDevice, op: string, add: boolean, x: GPULayout, index: GPULayout, src: GPULayout, dim: number, n: number, bound: readonly number[], indexStrides: readonly number[]): GPULayout {
  const out = allocateLayout(gpu, x.shape, x.dtype, op);
  const size = sizeOf(x.shape);
  if (size === 0) return out;
  const nd = x.shape.length;
  const check = gpu.indexCheck(indexErrorText(op, dim, x.shape[dim]!, x.shape, bound));
  const prm = [size, dim, n, x.offset, index.offset, src.offset, ...x.shape, ...bound, ...x.strides, ...indexStrides, ...src.strides, check.code];
  const t = wgslType(gpuDType(op, x.dtype));
  gpu.dispatch(gpu.pipeline(scatterShader(t, nd, add)), [gpu.params(Int32Array.from(prm), op), out.buffer, x.buffer, index.buffer, src.buffer, check.buffer], grid(Math.ceil(size / WG)), op);
  return out;
}

/** A 0-d layout seen as one element of a 1-D one. */
const as1d = (t: GPULayout): GPULayout => ({ ...t, shape: [1], strides: [0] });

function checkScatter(op: string, x: GPULayout, index: GPULayout, src: GPULayout, dim: number, add: boolean): void {
  gpuDType(op, x.dtype, add ? ["float32", "int32"] : ["float32", "int32", "bool"]);
  gpuDType(op, index.dtype, ["int32"]);
  if (src.dtype !== x.dtype) throw new Error(`${op}: src of dtype ${src.dtype} does not match the input's ${x.dtype}`);
  const nd = x.shape.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= Math.max(nd, 1)) throw new Error(`${op}: dim ${dim} is out of range for a tensor of shape [${x.shape.join(", ")}]`);
  if (index.shape.length !== nd || src.shape.length !== nd || index.shape.some((s, d) => s > src.shape[d]! || (d !== dim && s > x.shape[d]!))) {
    throw new Error(`${op}: index [${index.shape.join(", ")}] must fit src [${src.shape.join(", ")}] and, outside dim ${dim}, the input [${x.shape.join(", ")}]`);
  }
}

/** The `scatter` primitive: inputs (x, index, src) → x with out[… index[i…] at dim …] = src[i…] (the last write wins, as on the CPU). */
export function scatter(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["scatter"]): GPULayout {
  const [x, index, src] = inputs as [GPULayout, GPULayout, GPULayout];
  checkScatter("scatter", x, index, src, params.dim, false);
  if (x.shape.length === 0) {
    const out = run(gpu, "scatter", false, as1d(x), as1d(index), as1d(src), 0, 1, [1], [0]);
    return { ...out, shape: [], strides: [] };
  }
  return run(gpu, "scatter", false, x, index, src, params.dim, index.shape[params.dim]!, index.shape, index.strides);
}

/** The `scatterAdd` primitive: inputs (x, index, src) → x with src[i…] added at … index[i…] at dim …, in index order. */
export function scatterAdd(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["scatterAdd"]): GPULayout {
  const [x, index, src] = inputs as [GPULayout, GPULayout, GPULayout];
  checkScatter("scatterAdd", x, index, src, params.dim, true);
  if (x.shape.length === 0) {
    const out = run(gpu, "scatterAdd", true, as1d(x), as1d(index), as1d(src), 0, 1, [1], [0]);
    return { ...out, shape: [], strides: [] };
  }
  return run(gpu, "scatterAdd", true, x, index, src, params.dim, index.shape[params.dim]!, index.shape, index.strides);
}

/**
 * The `indexAdd` primitive: inputs (x, index (1-D int32, m), src (x's shape with m along dim)) → x with
 * src's slice k added at slice index[k] along dim, in index order (an embedding's weight gradient).
 */
export function indexAdd(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["indexAdd"]): GPULayout {
  const op = "indexAdd";
  const [x, index, src] = inputs as [GPULayout, GPULayout, GPULayout];
  const { dim } = params;
  gpuDType(op, x.dtype, ["float32", "int32"]);
  gpuDType(op, index.dtype, ["int32"]);
  if (src.dtype !== x.dtype) throw new Error(`${op}: src of dtype ${src.dtype} does not match the input's ${x.dtype}`);
  const nd = x.shape.length;
  if (!Number.isInteger(dim) || dim < 0 || dim >= nd) throw new Error(`${op}: dim ${dim} is out of range for a tensor of shape [${x.shape.join(", ")}]`);
  if (index.shape.length !== 1) throw new Error(`${op}: index must be 1-D, got shape [${index.shape.join(", ")}]`);
  const m = index.shape[0]!;
  if (src.shape.length !== nd || src.shape.some((s, d) => s !== (d === dim ? m : x.shape[d]))) {
    throw new Error(`${op}: src of shape [${src.shape.join(", ")}] must be the input's [${x.shape.join(", ")}] with ${m} along dim ${dim}`);
  }
  const out = contiguous(gpu, x); // x's values, then the sums added in place
  const outer = sizeOf(x.shape.slice(0, dim)), n = x.shape[dim]!, inner = sizeOf(x.shape.slice(dim + 1));
  const rows = outer * n;
  if (rows * inner === 0 || m === 0) return out;
  const temps: GPUBuffer[] = [];
  const s = dense(gpu, src, temps); // (outer, m, inner) row-major
  const check = gpu.indexCheck(indexErrorText(op, dim, n, x.shape, index.shape));
  const prm = Int32Array.from([rows, n, m, inner, index.offset, index.strides[0]!, s.offset, check.code]);
  const t = wgslType(gpuDType(op, x.dtype));
  gpu.dispatch(gpu.pipeline(indexAddShader(t)), [gpu.params(prm, op), out.buffer, index.buffer, s.buffer, check.buffer], grid(rows), op);
  releaseAll(gpu, temps);
  return out;
}

/**
 * indexAdd, one workgroup per destination row (o, j) of the input seen as (outer, n, inner): the index is
 * staged 64 entries at a time in workgroup memory and scanned in order by every thread alike; on a match
 * the threads add the source row (o, k) to their columns. The compares cost rows·m, not rows·m·inner.
 * prm (i32): [rows, n, m, inner, indexOffset, indexStride, srcOffset, error code]. The first row's
 * workgroup reports an index out of range.
 */
function indexAddShader(t: string): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read> src: array<${t}>;
${indexCheckWGSL(4)}
var<workgroup> tile: array<i32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = i32(wid.y * nwg.x + wid.x);
  if (row >= prm[0]) { return; }
  let n = prm[1];
  let m = prm[2];
  let inner = prm[3];
  let o = row / n;
  let j = row % n;
  let t = i32(lid);
  for (var k0 = 0; k0 < m; k0 += 64) {
    tile[t] = -1;
    if (k0 + t < m) {
      tile[t] = index[prm[4] + (k0 + t) * prm[5]];
      if (row == 0 && (tile[t] < 0 || tile[t] >= n)) { ds_bad_index(prm[7], tile[t]); }
    }
    workgroupBarrier();
    let count = min(64, m - k0);
    for (var e = 0; e < count; e++) {
      if (tile[e] == j) {
        let sb = prm[6] + (o * m + k0 + e) * inner;
        for (var i = t; i < inner; i += 64) { out[row * inner + i] += src[sb + i]; }
      }
    }
    workgroupBarrier();
  }
}`;
}
