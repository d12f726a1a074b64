/// <reference types="@webgpu/types" />
// What a WebGPU kernel sees of a tensor: a GPU buffer plus layout (shape, strides, offset in elements, dtype).
import type { DType } from "../../tensor/dtype.js";
import type { WebGPUDevice, WebGPUDType } from "./device.js";

/**
 * A strided view of a GPU buffer: element (i₀, i₁, …) lives at element offset + Σ iₖ·strides[k] of
 * `buffer` (4 bytes per element for every dtype; bool is a u32 0 or 1). Kernels read any such view and
 * return a fresh contiguous one.
 */
export interface GPULayout {
  buffer: GPUBuffer;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  dtype: DType;
}

/** Row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * The dtype of `layout` as stored on the GPU; float64 is refused with an error naming `op` (WGSL has no
 * f64), as is any dtype outside `allowed`.
 */
export function gpuDType(op: string, dtype: DType, allowed: readonly WebGPUDType[] = ["float32", "int32", "bool"]): WebGPUDType {
  if (dtype === "float64") {
    throw new Error(`${op}: float64 is not supported on WebGPU (WGSL has no f64); keep float64 tensors on the cpu or wasm backend, or cast them to float32`);
  }
  if (!(allowed as readonly string[]).includes(dtype)) {
    throw new Error(`${op}: ${dtype} inputs are not supported by the WebGPU kernel (it takes ${allowed.join(" or ")})`);
  }
  return dtype;
}

/** WGSL's scalar type for a dtype's storage. */
export function wgslType(dtype: WebGPUDType): "f32" | "i32" | "u32" {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : "u32";
}

/** A fresh contiguous layout of `shape` and `dtype` in a pooled buffer (contents undefined). */
export function allocateLayout(gpu: WebGPUDevice, shape: readonly number[], dtype: DType, op: string): GPULayout {
  return { buffer: gpu.acquire(sizeOf(shape) * 4, op), shape: shape.slice(), strides: contiguousStrides(shape), offset: 0, dtype };
}

/** Uploads a TypedArray as a contiguous layout of `shape`. */
export function uploadLayout(gpu: WebGPUDevice, data: Float32Array | Int32Array | Uint8Array, shape: readonly number[], dtype: DType, op = "upload"): GPULayout {
  gpuDType(op, dtype);
  if (data.length !== sizeOf(shape)) throw new Error(`${op}: ${data.length} values do not fill shape [${shape.join(", ")}]`);
  return { buffer: gpu.upload(data, op), shape: shape.slice(), strides: contiguousStrides(shape), offset: 0, dtype };
}

/** True when `layout` is a dense row-major block starting at its offset. */
export function isContiguous(layout: Pick<GPULayout, "shape" | "strides">): boolean {
  let expected = 1;
  for (let i = layout.shape.length - 1; i >= 0; i--) {
    const s = layout.shape[i]!;
    if (s !== 1 && layout.strides[i] !== expected) return false;
    expected *= s;
  }
  return true;
}

/** Strides of a layout seen through broadcasting to `shape` (0 where broadcast), right-aligned. */
export function broadcastStrides(layout: Pick<GPULayout, "shape" | "strides">, shape: readonly number[], op: string): number[] {
  const nd = shape.length, off = nd - layout.shape.length;
  if (off < 0) throw new Error(`${op}: shape [${layout.shape.join(", ")}] cannot broadcast to [${shape.join(", ")}]`);
  const out = new Array<number>(nd).fill(0);
  for (let i = 0; i < layout.shape.length; i++) {
    const s = layout.shape[i]!;
    if (s !== shape[off + i] && s !== 1) throw new Error(`${op}: shape [${layout.shape.join(", ")}] cannot broadcast to [${shape.join(", ")}]`);
    out[off + i] = s === 1 ? 0 : layout.strides[i]!;
  }
  return out;
}

/** NumPy's broadcast of several shapes, or an error naming `op` and the shapes. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const nd = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const j = nd - shape.length + i, s = shape[i]!;
      if (out[j] === 1) out[j] = s;
      else if (s !== 1 && s !== out[j]) {
        throw new Error(`${op}: shapes ${shapes.map((x) => `[${x.join(", ")}]`).join(" and ")} cannot be broadcast together`);
      }
    }
  }
  return out;
}

/**
 * Drops size-1 dims of `shape` and merges neighbouring dims that every operand walks as one (stride of
 * the outer = stride of the inner × its size), so a contiguous operation becomes one dim of stride 1
 * and the kernels' index arithmetic stays short.
 */
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d]!;
    if (s === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, k) => outStrides[k]![last] === st[d]! * s)) {
      outShape[last] = outShape[last]! * s;
      strides.forEach((st, k) => (outStrides[k]![last] = st[d]!));
    } else {
      outShape.push(s);
      strides.forEach((st, k) => outStrides[k]!.push(st[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}
