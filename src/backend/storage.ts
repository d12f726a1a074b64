// What a kernel sees: storage plus layout (shape, strides, offset, dtype), never a Tensor.
import type { DType, TypedArray } from "../tensor/dtype.js";

/**
 * The memory of a storage that lives on a device (a GPU buffer) rather than in `Storage.data`: the
 * backend that made it supplies the handle. Its values reach JavaScript only asynchronously.
 */
export interface DeviceBuffer {
  /** The device's name, used in errors ("webgpu"). */
  readonly device: string;
  /** Number of elements the buffer holds (what `read()` returns). */
  readonly length: number;
  /** The storage's values, copied back from the device (all of them, in storage order). */
  read(): Promise<TypedArray>;
  /**
   * Writes `count` elements into this buffer from element `dstOffset` on, read from `src` (values in
   * JavaScript memory, or a buffer of the same device) from element `srcOffset` on; ordered after all
   * work already issued on the device (in-place ops: `copy_`, `fill_`, optimizer fallbacks).
   */
  write(src: TypedArray | DeviceBuffer, srcOffset: number, dstOffset: number, count: number): void;
  /**
   * Writes a contiguous block of `src` (a buffer of the same device, from element `srcOffset` on) into the
   * strided region (`shape`, `strides`, `offset`) of this buffer: in-place ops on non-contiguous views.
   */
  writeStrided?(src: DeviceBuffer, srcOffset: number, shape: readonly number[], strides: readonly number[], offset: number): void;
  /** Gives the memory back to the device's pool now (dispose); later calls are no-ops. */
  release(): void;
}

/** Number of elements a storage holds, wherever they live. */
export function storageLength(storage: Storage): number {
  return storage.device === null ? storage.data.length : storage.device.length;
}

/** Storage shared by a tensor and its views; `version` counts in-place writes (autograd checks it). */
export class Storage {
  version = 0;
  /**
   * Claims on `data`: tensors built over it that were not disposed, plus tape nodes that saved one of
   * them. When it drops to 0 (see Tensor.dispose) the memory goes back for reuse. Tensors that are
   * simply dropped never release their claim, so their storage is left to the garbage collector.
   */
  refs = 0;
  /**
   * @param data the values, when they live in JavaScript memory (CPU, WASM); an empty array of the
   *   dtype when they live on a device
   * @param device where the values live instead of `data` (null: in `data`)
   */
  constructor(
    public data: TypedArray,
    public device: DeviceBuffer | null = null,
  ) {}
}

/**
 * A strided view over a storage: what kernels take and return. `Tensor` satisfies it, so the
 * autograd engine hands tensors to kernels unchanged and wraps the views they return into tensors.
 */
export interface TensorView {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** Number of elements (the product of `shape`). */
  readonly size: number;
  /** Number of dims (`shape.length`). */
  readonly ndim: number;
}

/** The plain {@link TensorView} that kernels build for their outputs. */
export class View implements TensorView {
  readonly size: number;
  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: DType,
  ) {
    let n = 1;
    for (let i = 0; i < shape.length; i++) n *= shape[i]!;
    this.size = n;
  }
  get ndim(): number {
    return this.shape.length;
  }
}

/** Row-major strides of a contiguous layout of `shape`. */
function rowMajor(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Builds a view over a storage: {@link View}s by default; see {@link setViewFactory}. */
export type ViewFactory = (storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, dtype: DType) => TensorView;

let factory: ViewFactory = (storage, shape, strides, offset, dtype) => new View(storage, shape, strides, offset, dtype);

/**
 * Sets what {@link makeView} and {@link viewFromData} build. The tensor layer installs the Tensor
 * constructor, so that kernel outputs are tensors from the start and the engine need not wrap each
 * one (an allocation per op that showed in the per-op overhead); kernels still see only views.
 */
export function setViewFactory(make: ViewFactory): void {
  factory = make;
}

/** A view over `storage` with the given layout (no copy): how view kernels return their result. */
export function makeView(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, dtype: DType): TensorView {
  return factory(storage, shape, strides, offset, dtype);
}

/** A fresh contiguous view over `data` (no copy): how kernels return the arrays they computed. */
export function viewFromData(data: TypedArray, shape: readonly number[], dtype: DType): TensorView {
  return factory(new Storage(data), shape, rowMajor(shape), 0, dtype);
}
