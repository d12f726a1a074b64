/// <reference types="@webgpu/types" />
// WGSL cumsum as the CPU kernel (src/backend/cpu/reduce.ts): an inclusive prefix sum along one dim of a
// strided input, forward or from the end, one thread per line summing in order (float32, or int32
// wrapping around as the CPU's `| 0`).
import type { PrimParams } from "../../autograd/prims.js";
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, contiguousStrides, gpuDType, sizeOf, wgslType, type GPULayout } from "./layout.js";
import { decompose, ENTRY_ARGS, THREAD_INDEX, WG } from "./kernel.js";

/** prm (i32): [lines, n, xOffset, xStrideDim, outStrideDim, keptShape[nk], keptStrides[nk], outKeptStrides[nk]]. */
function cumsumShader(t: string, nk: number, reverse: boolean): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> x: array<${t}>;
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  let line = ${THREAD_INDEX};
  if (line >= prm[0]) { return; }
  let n = prm[1];
  var xb = prm[2];
  var ob = 0;
${decompose("line", nk, 5, [5 + nk, 5 + 2 * nk], ["xb", "ob"])}
  var acc = ${t}(0);
  for (var jj = 0; jj < n; jj++) {
    let j = ${reverse ? "n - 1 - jj" : "jj"};
    acc += x[xb + j * prm[3]];
    out[ob + j * prm[4]] = acc;
  }
}`;
}

/** The `cumsum` primitive: the inclusive prefix sum of x along `dim` (from the end with `reverse`), into x's shape. */
export function cumsum(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["cumsum"]): GPULayout {
  const x = inputs[0]!;
  const { dim, reverse } = params;
  const dtype = gpuDType("cumsum", x.dtype, ["float32", "int32"]);
  const nd = x.shape.length;
  if (nd === 0 ? dim !== 0 : !Number.isInteger(dim) || dim < 0 || dim >= nd) throw new Error(`cumsum: dim ${dim} is out of range for a tensor of shape [${x.shape.join(", ")}]`);
  const out = allocateLayout(gpu, x.shape, dtype, "cumsum");
  const size = sizeOf(x.shape);
  if (size === 0) return out;
  const shape = nd === 0 ? [1] : x.shape, strides = nd === 0 ? [0] : x.strides;
  const outStrides = contiguousStrides(shape);
  const kept = shape.map((_, d) => d).filter((d) => d !== dim);
  const n = shape[dim]!, lines = size / n;
  const prm = [lines, n, x.offset, strides[dim]!, outStrides[dim]!, ...kept.map((d) => shape[d]!), ...kept.map((d) => strides[d]!), ...kept.map((d) => outStrides[d]!)];
  gpu.dispatch(gpu.pipeline(cumsumShader(wgslType(dtype), kept.length, reverse)), [gpu.params(Int32Array.from(prm), "cumsum"), out.buffer, x.buffer], grid(Math.ceil(lines / WG)), "cumsum");
  return out;
}
