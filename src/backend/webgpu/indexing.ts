/// <reference types="@webgpu/types" />
// WGSL gather and indexSelect over strided layouts, with the CPU kernels' semantics
// (src/backend/cpu/indexing.ts); an index outside the input reads 0 instead of another element and is
// reported: the next read from the device throws an error naming the op and the index.
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, gpuDType, sizeOf, wgslType, type GPULayout } from "./layout.js";
import { indexCheckWGSL, indexErrorText } from "./kernel.js";

const WG = 256;

/**
 * One output element per thread. prm (i32): [size, dim, offset_x, offset_index, dimSize, shape[nd] (the
 * output's), xStrides[nd], indexStrides[nd], error code]. For gather the index is read at the output's position; for
 * indexSelect at the output's coordinate along dim.
 */
function indexShader(t: string, nd: number): string {
  const shapeAt = 5, xsAt = 5 + nd, isAt = 5 + 2 * nd, codeAt = 5 + 3 * nd;
  const lines: string[] = [];
  for (let d = nd - 1; d >= 0; d--) {
    lines.push(d > 0 ? `  { let s = prm[${shapeAt + d}]; let q = r % s; r = r / s;` : "  { let q = r;");
    lines.push(`    coord[${d}] = q;`);
    lines.push(`    ip += q * prm[${isAt + d}];`); // indexSelect passes stride 0 outside dim
    lines.push("  }");
  }
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> x: array<${t}>;
@group(0) @binding(3) var<storage, read> index: array<i32>;
${indexCheckWGSL(4)}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = i32((wid.y * nwg.x + wid.x) * ${WG}u + lid);
  if (i >= prm[0]) { return; }
  let dim = prm[1];
  var coord: array<i32, ${Math.max(nd, 1)}>;
  var r = i;
  var ip = prm[3];
${lines.join("\n")}
  let j = index[ip];
  if (j < 0 || j >= prm[4]) { ds_bad_index(prm[${codeAt}], j); out[i] = ${t}(0); return; }
  var p = prm[2];
  for (var d = 0; d < ${nd}; d++) { p += select(coord[d], j, d == dim) * prm[${xsAt} + d]; }
  out[i] = x[p];
}`;
}

function run(gpu: WebGPUDevice, kind: "gather" | "indexSelect", x: GPULayout, index: GPULayout, dim: number, outShape: readonly number[], indexStrides: readonly number[]): GPULayout {
  const dtype = gpuDType(kind, x.dtype);
  const out = allocateLayout(gpu, outShape, dtype, kind);
  const size = sizeOf(outShape);
  if (size === 0) return out;
  const nd = outShape.length;
  const check = gpu.indexCheck(indexErrorText(kind, dim, x.shape[dim]!, x.shape, index.shape));
  const prm = [size, dim, x.offset, index.offset, x.shape[dim]!, ...outShape, ...x.strides, ...indexStrides, check.code];
  const pipeline = gpu.pipeline(indexShader(wgslType(dtype), nd));
  gpu.dispatch(pipeline, [gpu.params(Int32Array.from(prm), kind), out.buffer, x.buffer, index.buffer, check.buffer], grid(Math.ceil(size / WG)), kind);
  return out;
}

function checkDim(op: string, x: GPULayout, dim: number): void {
  if (!Number.isInteger(dim) || dim < 0 || dim >= x.shape.length) throw new Error(`${op}: dim ${dim} is out of range for a tensor of shape [${x.shape.join(", ")}]`);
}

/** torch.gather: out[i…] = x[i… with index[i…] at dim]; index (int32) has x's rank, out has index's shape. */
export function gather(gpu: WebGPUDevice, x: GPULayout, index: GPULayout, dim: number): GPULayout {
  checkDim("gather", x, dim);
  gpuDType("gather", index.dtype, ["int32"]);
  if (index.shape.length !== x.shape.length) {
    throw new Error(`gather: index of shape [${index.shape.join(", ")}] must have as many dims as the input [${x.shape.join(", ")}]`);
  }
  return run(gpu, "gather", x, index, dim, index.shape, index.strides);
}

/** torch.index_select: the slices of x at the (1-D, int32) indices along dim. */
export function indexSelect(gpu: WebGPUDevice, x: GPULayout, index: GPULayout, dim: number): GPULayout {
  checkDim("indexSelect", x, dim);
  gpuDType("indexSelect", index.dtype, ["int32"]);
  if (index.shape.length !== 1) throw new Error(`indexSelect: index must be 1-D, got shape [${index.shape.join(", ")}]`);
  const outShape = x.shape.slice();
  outShape[dim] = index.shape[0]!;
  // the index is read at the output's coordinate along dim only
  const indexStrides = x.shape.map((_, d) => (d === dim ? index.strides[0]! : 0));
  return run(gpu, "indexSelect", x, index, dim, outShape, indexStrides);
}
