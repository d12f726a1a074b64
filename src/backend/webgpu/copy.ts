/// <reference types="@webgpu/types" />
// In-place writes into strided places: copy of a broadcast view into a strided region of a buffer (in-place
// writes and copy_ on device tensors), and zero-filled fresh layouts.
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, broadcastStrides, gpuDType, sizeOf, wgslType, type GPULayout } from "./layout.js";

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
