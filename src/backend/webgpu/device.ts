/// <reference types="@webgpu/types" />
// The WebGPU device layer: adapter and device, a size-bucketed buffer pool, uploads and readbacks,
// a pipeline cache, and one command encoder per batch of dispatches (submitted by flush()).

/** What the adapter says it is (WebGPU's GPUAdapterInfo; empty strings where the adapter keeps quiet). */
export interface WebGPUAdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
}

/** Options of {@link requestWebGPUDevice}. */
export interface WebGPUDeviceOptions {
  /** WebGPU's power preference for the adapter. */
  powerPreference?: "low-power" | "high-performance";
}

/** The element types a WebGPU buffer can hold (bool is stored as one u32 per element, 0 or 1). */
export type WebGPUDType = "float32" | "int32" | "bool";

/** Usage of every pooled storage buffer: kernels read and write it, uploads and readbacks copy it. */
const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x4 /* COPY_SRC */ | 0x8 /* COPY_DST */;
const READBACK_USAGE = 0x1 /* MAP_READ */ | 0x8 /* COPY_DST */;
const MAP_READ = 0x1;
/** The smallest bucket: WebGPU copies and bindings work in multiples of 4 bytes; 16 keeps vec4 views whole. */
const MIN_BUCKET = 16;
/** How many index-error sentences a device remembers (the oldest is forgotten first). */
const MAX_INDEX_CODES = 4096;
/** WebGPU's guaranteed maxComputeWorkgroupsPerDimension. */
export const MAX_GROUPS_PER_DIM = 65535;

/** The power-of-two bucket that holds `bytes` (at least 16 bytes). */
export function bucketSize(bytes: number): number {
  let size = MIN_BUCKET;
  while (size < bytes) size *= 2;
  return size;
}

/**
 * Workgroup counts for `groups` workgroups laid out in x and y (x ≤ 65535): a kernel recovers its linear
 * workgroup index as wid.y·num_workgroups.x + wid.x.
 */
export function grid(groups: number): [number, number, number] {
  if (groups <= MAX_GROUPS_PER_DIM) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  return [Math.ceil(groups / y), y, 1];
}

/**
 * One WebGPU device with what the kernels need around it. Dispatches are recorded into one command
 * encoder (one compute pass) and reach the GPU at flush(), together, as one submit; readbacks flush
 * first. Buffers released during a batch return to the pool only after its submit, so a buffer that a
 * recorded dispatch still reads is never handed out (and overwritten by a queue write) before it runs.
 */
export class WebGPUDevice {
  /** The underlying GPUDevice. */
  readonly device: GPUDevice;
  /** The adapter this device came from (vendor, architecture, description). */
  readonly adapterInfo: WebGPUAdapterSummary;
  /** Counters: submits made and dispatches recorded so far (tests check the batching with them). */
  readonly stats = { submits: 0, dispatches: 0, buffersCreated: 0, pipelinesCreated: 0 };
  private lostReason: string | null = null;
  private firstError: string | null = null;
  private readonly pool = new Map<number, GPUBuffer[]>();
  private readonly readbackPool = new Map<number, GPUBuffer[]>();
  private readonly releasedInBatch: GPUBuffer[] = [];
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** Where index kernels record the first index out of range they meet: [code (0: none), the index, 0, 0]. */
  private indexErrors: GPUBuffer | null = null;
  /** The sentence each code stands for ("{index}" marks the index), the newest MAX_INDEX_CODES kept, and back. */
  private readonly indexErrorText = new Map<number, string>();
  private readonly indexErrorCode = new Map<string, number>();
  private nextIndexErrorCode = 1;

  /**
   * The GPU entry point and adapter, held for the device's lifetime: with Dawn in Node, a collected `GPU`
   * object frees the instance whose event loop still runs (a crash in ProcessEvents, seen on lavapipe).
   */
  private readonly owners: readonly unknown[];

  constructor(device: GPUDevice, adapterInfo: WebGPUAdapterSummary, owners: readonly unknown[] = []) {
    this.device = device;
    this.owners = owners;
    this.adapterInfo = adapterInfo;
    void device.lost.then((info) => {
      this.lostReason ??= `${info.reason === "destroyed" ? "destroyed" : "lost"}${info.message ? `: ${info.message}` : ""}`;
    });
    device.addEventListener("uncapturederror", (event) => {
      this.firstError ??= (event as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** True once the device was lost or destroyed (its buffers are gone). */
  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** A one-line name of the adapter, e.g. "mesa llvmpipe (lavapipe)". */
  get adapterName(): string {
    const { vendor, architecture, description, device } = this.adapterInfo;
    return [vendor, architecture, description || device].filter((s) => s !== "").join(" ") || "unknown adapter";
  }

  /** Throws the clear error of a lost device, or the first WebGPU validation error, naming `op`. */
  check(op: string): void {
    if (this.lostReason !== null) {
      throw new Error(`${op}: the WebGPU device (${this.adapterName}) was ${this.lostReason}; its buffers are gone — request a new device (await ds.setBackend("webgpu") does, or requestWebGPUDevice()) and create the tensors again`);
    }
    if (this.firstError !== null) {
      const message = this.firstError;
      this.firstError = null;
      throw new Error(`${op}: WebGPU reported an error on ${this.adapterName}: ${message}`);
    }
  }

  /** A storage buffer of at least `bytes` bytes from the pool (its power-of-two bucket), or a new one. */
  acquire(bytes: number, op = "acquire"): GPUBuffer {
    this.check(op);
    const size = bucketSize(bytes);
    const free = this.pool.get(size);
    const reused = free?.pop();
    if (reused !== undefined) return reused;
    if (size > this.device.limits.maxStorageBufferBindingSize) {
      throw new Error(`${op}: ${bytes} bytes exceed this WebGPU device's largest storage buffer binding (${this.device.limits.maxStorageBufferBindingSize} bytes on ${this.adapterName})`);
    }
    this.stats.buffersCreated++;
    return this.device.createBuffer({ size, usage: STORAGE_USAGE });
  }

  /** Gives a buffer back to the pool (reused after the current batch is submitted). */
  release(buffer: GPUBuffer): void {
    if (this.lostReason !== null) return;
    this.releasedInBatch.push(buffer);
  }

  /** Number of buffers waiting in the pool (per bucket size in bytes). */
  pooled(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [size, list] of this.pool) if (list.length > 0) out.set(size, list.length);
    return out;
  }

  /** A pooled buffer holding `data` (bool arrays are widened to one u32 per element). */
  upload(data: Float32Array | Int32Array | Uint32Array | Uint8Array, op = "upload"): GPUBuffer {
    const words = data instanceof Uint8Array ? Uint32Array.from(data) : data;
    const buffer = this.acquire(words.byteLength, op);
    if (words.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    return buffer;
  }

  /**
   * Reads `count` elements of `dtype` starting at element `offset` of `buffer` back to the CPU: flushes the
   * batch, copies into a mappable buffer and waits for mapAsync. bool comes back as a Uint8Array of 0/1.
   */
  async download(buffer: GPUBuffer, dtype: WebGPUDType, count: number, offset = 0, op = "download"): Promise<Float32Array | Int32Array | Uint8Array> {
    this.flush(op);
    const bytes = count * 4;
    if (count === 0) return dtype === "float32" ? new Float32Array(0) : dtype === "int32" ? new Int32Array(0) : new Uint8Array(0);
    // the index kernels' error record comes back with the values, after them
    const errors = this.indexErrors, total = bytes + (errors === null ? 0 : 16);
    const size = bucketSize(total);
    const staging = this.readbackPool.get(size)?.pop() ?? this.device.createBuffer({ size, usage: READBACK_USAGE });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, offset * 4, staging, 0, bytes);
    if (errors !== null) encoder.copyBufferToBuffer(errors, 0, staging, bytes, 16);
    this.device.queue.submit([encoder.finish()]);
    this.stats.submits++;
    try {
      await staging.mapAsync(MAP_READ, 0, total);
    } catch (e) {
      this.check(op);
      throw new Error(`${op}: reading ${count} ${dtype} values back from ${this.adapterName} failed: ${(e as Error).message}`);
    }
    const mapped = staging.getMappedRange(0, total); // one range: a range's offset must be a multiple of 8
    const copy = mapped.slice(0, bytes);
    const indexError = errors === null ? null : this.indexError(new Int32Array(mapped.slice(bytes, total)), op);
    staging.unmap();
    const list = this.readbackPool.get(size) ?? [];
    list.push(staging);
    this.readbackPool.set(size, list);
    this.check(op);
    if (indexError !== null) throw indexError;
    if (dtype === "float32") return new Float32Array(copy);
    if (dtype === "int32") return new Int32Array(copy);
    return Uint8Array.from(new Uint32Array(copy));
  }

  /**
   * For a kernel that reads indices: the buffer it reports the first index out of range into (bound
   * read_write; see INDEX_CHECK in kernel.ts) and the code of `text`, the error's sentence with "{index}"
   * where the index goes. The next read from the device (download, sync) throws that error: as CUDA's
   * device-side asserts, it arrives at the next point where JavaScript waits for the GPU.
   */
  indexCheck(text: string): { buffer: GPUBuffer; code: number } {
    if (this.indexErrors === null) {
      this.indexErrors = this.device.createBuffer({ size: 16, usage: STORAGE_USAGE });
      this.device.queue.writeBuffer(this.indexErrors, 0, new Int32Array(4));
    }
    let code = this.indexErrorCode.get(text);
    if (code === undefined) {
      code = this.nextIndexErrorCode++;
      this.indexErrorCode.set(text, code);
      this.indexErrorText.set(code, text);
      if (this.indexErrorText.size > MAX_INDEX_CODES) {
        const [oldCode, oldText] = this.indexErrorText.entries().next().value as [number, string];
        this.indexErrorText.delete(oldCode);
        this.indexErrorCode.delete(oldText);
      }
    }
    return { buffer: this.indexErrors, code };
  }

  /** The error an index kernel recorded (the words [code, index] read back), its record cleared; null when none. */
  private indexError(words: Int32Array, op: string): Error | null {
    const code = words[0]!;
    if (code === 0) return null;
    this.device.queue.writeBuffer(this.indexErrors!, 0, new Int32Array(4));
    const text = this.indexErrorText.get(code) ?? "an index kernel: index {index} is out of bounds";
    return new Error(`${text.replace("{index}", String(words[1]))} (found by the WebGPU kernel on ${this.adapterName}, reported at the next read from the device: ${op}; values computed from it are not to be trusted)`);
  }

  /** The compute pipeline of `code`'s `entryPoint`, compiled once per (source, entry point). */
  pipeline(code: string, entryPoint = "main"): GPUComputePipeline {
    const key = `${entryPoint}\u0000${code}`;
    let pipeline = this.pipelines.get(key);
    if (pipeline === undefined) {
      let module = this.modules.get(code);
      if (module === undefined) {
        module = this.device.createShaderModule({ code });
        this.modules.set(code, module);
      }
      pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint } });
      this.pipelines.set(key, pipeline);
      this.stats.pipelinesCreated++;
    }
    return pipeline;
  }

  /**
   * Records one dispatch of `pipeline` with `buffers` bound at @group(0) @binding(0, 1, …), into the
   * current batch (nothing runs until flush() or a readback).
   */
  dispatch(pipeline: GPUComputePipeline, buffers: readonly GPUBuffer[], groups: readonly [number, number, number], op = "dispatch"): void {
    this.check(op);
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    if (this.encoder === null) this.encoder = this.device.createCommandEncoder();
    if (this.pass === null) this.pass = this.encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    this.stats.dispatches++;
  }

  /**
   * Records a copy of `count` elements from element `srcOffset` of `src` to element `dstOffset` of `dst`,
   * in order with the batch's dispatches (the compute pass is closed and reopened around it).
   */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, count: number, op = "copy"): void {
    this.check(op);
    if (count === 0) return;
    if (this.encoder === null) this.encoder = this.device.createCommandEncoder();
    this.pass?.end();
    this.pass = null;
    this.encoder.copyBufferToBuffer(src, srcOffset * 4, dst, dstOffset * 4, count * 4);
  }

  /**
   * Writes host values into `dst` from element `dstOffset` on, after everything recorded so far (the
   * batch is flushed first, so dispatches that read the old values run before the write).
   */
  write(dst: GPUBuffer, dstOffset: number, data: Float32Array | Int32Array | Uint8Array, op = "write"): void {
    const words = data instanceof Uint8Array ? Uint32Array.from(data) : data;
    this.flush(op);
    if (words.byteLength > 0) this.device.queue.writeBuffer(dst, dstOffset * 4, words.buffer, words.byteOffset, words.byteLength);
  }

  /** A small read-only parameter buffer (the kernels' shapes, strides and scalars), freed after the batch. */
  params(values: Int32Array | Float32Array | Uint32Array, op = "params"): GPUBuffer {
    const buffer = this.upload(values.length > 0 ? values : new Int32Array(1), op);
    this.release(buffer);
    return buffer;
  }

  /** Submits every dispatch recorded since the last flush as one command buffer (no-op when none). */
  flush(op = "flush"): void {
    this.check(op);
    if (this.encoder === null) {
      this.recycleReleased();
      return;
    }
    this.pass?.end();
    this.pass = null;
    const commands = this.encoder.finish();
    this.encoder = null;
    this.device.queue.submit([commands]);
    this.stats.submits++;
    this.recycleReleased();
  }

  /** Waits until the GPU has finished everything submitted (flushing first). */
  async sync(op = "sync"): Promise<void> {
    this.flush(op);
    if (this.indexErrors !== null) {
      await this.download(this.indexErrors, "int32", 1, 0, op); // waits for the GPU and reads the index kernels' error record
      return;
    }
    await this.device.queue.onSubmittedWorkDone();
    this.check(op);
  }

  /** Destroys the device and every buffer it made; later calls fail with a clear error. */
  destroy(): void {
    this.lostReason ??= "destroyed";
    this.pass = null;
    this.encoder = null;
    this.pool.clear();
    this.readbackPool.clear();
    this.releasedInBatch.length = 0;
    this.device.destroy();
  }

  private recycleReleased(): void {
    for (const buffer of this.releasedInBatch) {
      const list = this.pool.get(buffer.size);
      if (list === undefined) this.pool.set(buffer.size, [buffer]);
      else list.push(buffer);
    }
    this.releasedInBatch.length = 0;
  }
}

/** The WebGPU entry point: navigator.gpu in a browser, Dawn's bindings in Node; null with a reason otherwise. */
async function findGPU(): Promise<{ gpu: GPU } | { gpu: null; reason: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) return { gpu: nav.gpu };
  const node = await import("../../node/index.js");
  const found = await node.nodeWebGPU();
  return found.gpu === null ? { gpu: null, reason: found.reason } : { gpu: found.gpu as GPU };
}

/**
 * Requests a WebGPU adapter and device (navigator.gpu in a browser; Dawn's `webgpu` package in Node) and
 * wraps it in a {@link WebGPUDevice}. Rejects with an error that says why when there is no WebGPU or no
 * adapter (in Node without a GPU: Mesa's lavapipe Vulkan driver provides one).
 */
export async function requestWebGPUDevice(options: WebGPUDeviceOptions = {}): Promise<WebGPUDevice> {
  const found = await findGPU();
  if (found.gpu === null) throw new Error(`requestWebGPUDevice: no WebGPU here: ${found.reason}`);
  const adapter = await found.gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : {});
  if (adapter === null) {
    throw new Error("requestWebGPUDevice: WebGPU found no adapter (no GPU driver; on a machine without a GPU install Mesa's lavapipe Vulkan driver, see scripts/webgpu-cpu-setup.sh)");
  }
  const info = adapter.info;
  const summary: WebGPUAdapterSummary = {
    vendor: info?.vendor ?? "",
    architecture: info?.architecture ?? "",
    description: info?.description ?? "",
    device: info?.device ?? "",
  };
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(limits.maxStorageBuffersPerShaderStage, 8),
    },
  });
  return new WebGPUDevice(device, summary, [found.gpu, adapter]);
}
