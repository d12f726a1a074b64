/// <reference types="@webgpu/types" />
// WGSL data movement as the CPU kernels (src/backend/cpu/movement.ts): slice as a view (no copy),
// unslice (zeros with the input written into the slice region) and cat, all by one strided copy kernel
// that moves 32-bit words, so one shader serves every dtype.
import type { PrimParams, SliceParams } from "../../autograd/prims.js";
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, collapseDims, gpuDType, sizeOf, type GPULayout } from "./layout.js";
import { decompose, ENTRY_ARGS, THREAD_INDEX, WG } from "./kernel.js";

/** prm (i32): [size, dstOffset, srcOffset, shape[nd], dstStrides[nd], srcStrides[nd]]. */
function copyShader(nd: number): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<u32>;
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  let i = ${THREAD_INDEX};
  if (i >= prm[0]) { return; }
  var dp = prm[1];
  var sp = prm[2];
${decompose("i", nd, 3, [3 + nd, 3 + 2 * nd], ["dp", "sp"])}
  dst[dp] = src[sp];
}`;
}

/** prm (i32): [count, offset]; writes 0 (0.0, 0, false: all zero bits) to `count` words from `offset`. */
const zeroShader = /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  let i = ${THREAD_INDEX};
  if (i < prm[0]) { dst[prm[1] + i] = 0u; }
}`;

/** Records the copy of strided `src` into the strided region `dst` (same shape) of another buffer. */
export function copyInto(gpu: WebGPUDevice, dst: GPULayout, src: GPULayout, op: string): void {
  const size = sizeOf(src.shape);
  if (size === 0) return;
  const c = collapseDims(src.shape, [dst.strides, src.strides]);
  const nd = c.shape.length;
  const prm = Int32Array.from([size, dst.offset, src.offset, ...c.shape, ...c.strides[0]!, ...c.strides[1]!]);
  gpu.dispatch(gpu.pipeline(copyShader(nd)), [gpu.params(prm, op), dst.buffer, src.buffer], grid(Math.ceil(size / WG)), op);
}

/** Records zeroing the whole (contiguous) layout `x`. */
export function zeroFill(gpu: WebGPUDevice, x: GPULayout, op: string): void {
  const size = sizeOf(x.shape);
  if (size === 0) return;
  gpu.dispatch(gpu.pipeline(zeroShader), [gpu.params(Int32Array.from([size, x.offset]), op), x.buffer], grid(Math.ceil(size / WG)), op);
}

function checkSlice(op: string, shape: readonly number[], p: SliceParams): void {
  const nd = shape.length;
  if (p.starts.length !== nd || p.ends.length !== nd || p.steps.length !== nd) {
    throw new Error(`${op}: starts, ends and steps need one entry per dim of shape [${shape.join(", ")}]`);
  }
  for (let d = 0; d < nd; d++) {
    const s = p.starts[d]!, e = p.ends[d]!, st = p.steps[d]!;
    if (!Number.isInteger(st) || st < 1 || s < 0 || e > shape[d]! || (e > s && s >= shape[d]!)) {
      throw new Error(`${op}: slice ${s}:${e}:${st} of dim ${d} does not fit shape [${shape.join(", ")}]`);
    }
  }
}

/** The region a slice selects, as a view of `x` (shared buffer, adjusted shape, strides and offset). */
function sliceView(x: GPULayout, { starts, ends, steps }: SliceParams): GPULayout {
  let offset = x.offset;
  const shape: number[] = [], strides: number[] = [];
  for (let d = 0; d < x.shape.length; d++) {
    const n = Math.max(0, Math.ceil((ends[d]! - starts[d]!) / steps[d]!));
    shape.push(n);
    strides.push(x.strides[d]! * steps[d]!);
    if (n > 0) offset += starts[d]! * x.strides[d]!;
  }
  return { buffer: x.buffer, shape, strides, offset, dtype: x.dtype };
}

/**
 * The `slice` primitive: a view of the input's buffer (no copy, no dispatch), as the CPU kernel's; the
 * result shares `inputs[0].buffer`, so the backend keeps that buffer alive as long as either lives.
 */
export function slice(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: SliceParams): GPULayout {
  const x = inputs[0]!;
  gpuDType("slice", x.dtype);
  checkSlice("slice", x.shape, params);
  gpu.check("slice");
  return sliceView(x, params);
}

/** The `unslice` primitive (slice's adjoint): zeros of `shape` with the input written into the slice region. */
export function unslice(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["unslice"]): GPULayout {
  const x = inputs[0]!;
  gpuDType("unslice", x.dtype);
  checkSlice("unslice", params.shape, params);
  const out = allocateLayout(gpu, params.shape, x.dtype, "unslice");
  const region = sliceView(out, params);
  if (region.shape.length !== x.shape.length || region.shape.some((s, d) => s !== x.shape[d])) {
    throw new Error(`unslice: input of shape [${x.shape.join(", ")}] does not fill the slice region [${region.shape.join(", ")}]`);
  }
  zeroFill(gpu, out, "unslice");
  copyInto(gpu, region, x, "unslice");
  return out;
}

/** The `cat` primitive: the inputs (one dtype, equal shapes but along `dim`) joined along `dim`. */
export function cat(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["cat"]): GPULayout {
  const { dim } = params;
  const first = inputs[0];
  if (first === undefined) throw new Error("cat: expected at least one tensor");
  const dtype = gpuDType("cat", first.dtype);
  if (!Number.isInteger(dim) || dim < 0 || dim >= first.shape.length) throw new Error(`cat: dim ${dim} is out of range for tensors of shape [${first.shape.join(", ")}]`);
  for (const t of inputs) {
    if (t.dtype !== dtype || t.shape.length !== first.shape.length || t.shape.some((s, d) => d !== dim && s !== first.shape[d])) {
      throw new Error(`cat: ${t.dtype} [${t.shape.join(", ")}] does not match ${dtype} [${first.shape.join(", ")}] outside dim ${dim}`);
    }
  }
  const shape = first.shape.slice();
  shape[dim] = inputs.reduce((s, t) => s + t.shape[dim]!, 0);
  const out = allocateLayout(gpu, shape, dtype, "cat");
  let at = 0;
  for (const t of inputs) {
    copyInto(gpu, { ...out, shape: t.shape, offset: at * out.strides[dim]! }, t, "cat");
    at += t.shape[dim]!;
  }
  return out;
}
