/// <reference types="@webgpu/types" />
// Tensor storage on a WebGPU device: a pooled GPU buffer behind the DeviceBuffer interface, given back to
// the pool by dispose() or, once its storage is garbage-collected, by a FinalizationRegistry.
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import { Storage, makeView, type DeviceBuffer, type TensorView } from "../storage.js";
import type { WebGPUDevice } from "./device.js";
import { contiguousStrides, gpuDType, sizeOf, type GPULayout } from "./layout.js";
import { copyInto } from "./copy.js";

/** What the finalizer needs to give a buffer back: never the storage itself (that would keep it alive). */
interface Held {
  gpu: WebGPUDevice;
  buffer: GPUBuffer;
  freed: boolean;
}

const finalizer = typeof FinalizationRegistry === "function"
  ? new FinalizationRegistry<Held>((held) => {
    if (!held.freed) {
      held.freed = true;
      held.gpu.release(held.buffer);
    }
  })
  : null;

/** The memory of a storage on a WebGPU device (4 bytes per element; bool as one u32 per element). */
export class WebGPUBuffer implements DeviceBuffer {
  readonly device = "webgpu";
  private readonly held: Held;

  constructor(
    readonly gpu: WebGPUDevice,
    readonly buffer: GPUBuffer,
    readonly length: number,
    readonly dtype: "float32" | "int32" | "bool",
  ) {
    this.held = { gpu, buffer, freed: false };
  }

  /** Registers `storage` (which owns this buffer) so that its collection frees the buffer. */
  track(storage: Storage): void {
    finalizer?.register(storage, this.held, this.held);
  }

  get released(): boolean {
    return this.held.freed;
  }

  async read(): Promise<TypedArray> {
    if (this.held.freed) throw new Error("data: the tensor's WebGPU buffer was released (the tensor was disposed)");
    return this.gpu.download(this.buffer, this.dtype, this.length, 0, "data");
  }

  write(src: TypedArray | DeviceBuffer, srcOffset: number, dstOffset: number, count: number): void {
    if (count === 0) return;
    if (src instanceof WebGPUBuffer) {
      if (src.gpu !== this.gpu) throw new Error("copy_: the source tensor lives on another WebGPU device (a device requested before the last setBackend(\"webgpu\")); its buffers cannot be read here");
      this.gpu.copy(src.buffer, srcOffset, this.buffer, dstOffset, count, "copy_");
      return;
    }
    if (!ArrayBuffer.isView(src)) throw new Error(`copy_: cannot copy from a ${src.device} tensor into a WebGPU one`);
    if (src instanceof Float64Array) throw new Error("copy_: float64 values cannot be written to WebGPU memory (WGSL has no f64)");
    this.gpu.write(this.buffer, dstOffset, src.subarray(srcOffset, srcOffset + count), "copy_");
  }

  writeStrided(src: DeviceBuffer, srcOffset: number, shape: readonly number[], strides: readonly number[], offset: number): void {
    if (!(src instanceof WebGPUBuffer) || src.gpu !== this.gpu) throw new Error("copy_: the source of a strided write must live on the same WebGPU device");
    if (src.buffer === this.buffer) throw new Error("copy_: internal: a strided write cannot read the buffer it writes");
    const dst = { buffer: this.buffer, shape, strides, offset, dtype: this.dtype };
    copyInto(this.gpu, dst, { buffer: src.buffer, shape, strides: contiguousStrides(shape), offset: srcOffset, dtype: src.dtype }, "copy_");
  }

  release(): void {
    if (this.held.freed) return;
    this.held.freed = true;
    finalizer?.unregister(this.held);
    this.gpu.release(this.buffer);
  }
}

/** An empty host array of a dtype: `Storage.data` of a device storage. */
function emptyOf(dtype: DType): TypedArray {
  return allocate(dtype, 0);
}

/** A storage that owns `buffer` (holding `length` elements of `dtype`), freed on dispose or collection. */
export function deviceStorage(gpu: WebGPUDevice, buffer: GPUBuffer, length: number, dtype: DType): Storage {
  const d = gpuDType("webgpu", dtype);
  const handle = new WebGPUBuffer(gpu, buffer, length, d);
  const storage = new Storage(emptyOf(dtype), handle);
  handle.track(storage);
  return storage;
}

/** The kernels' fresh contiguous output layout as a view (tensor) over a new device storage. */
export function viewOfLayout(gpu: WebGPUDevice, layout: GPULayout): TensorView {
  const storage = deviceStorage(gpu, layout.buffer, sizeOf(layout.shape), layout.dtype);
  return makeView(storage, layout.shape, layout.strides, layout.offset, layout.dtype);
}

/** A host view's values uploaded to `gpu` as a fresh contiguous device storage (`op` names the caller in errors). */
export function uploadView(gpu: WebGPUDevice, op: string, view: TensorView, values: TypedArray): Storage {
  gpuDType(op, view.dtype);
  const data = values as Float32Array | Int32Array | Uint8Array;
  return deviceStorage(gpu, gpu.upload(data, op), data.length, view.dtype);
}
