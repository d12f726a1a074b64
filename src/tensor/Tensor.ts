// The Tensor: a strided view over typed storage, plus the autograd fields that link it to the tape.
import type { DType, TypedArray } from "./dtype.js";
import { isFloating } from "./dtype.js";
import { contiguousStrides, fmtShape, numel } from "./shape.js";
import type { Node } from "../autograd/engine.js";
import * as E from "../ops/elementwise.js";
import * as R from "../ops/reduce.js";
import * as M from "../ops/movement.js";
import * as I from "../ops/indexing.js";
import * as L from "../ops/linalg.js";
import * as S from "../ops/softmax.js";
import * as C from "../ops/creation.js";
import { backward, type BackwardOptions } from "../autograd/backward.js";
import { formatTensor } from "./format.js";
import { inplace, inplaceArith } from "../ops/inplace.js";
import { releaseStorage } from "./recycle.js";
import "./disposable.js"; // Symbol.dispose in the declarations, for consumers whose lib lacks it
import { Storage, setViewFactory, type TensorView } from "../backend/storage.js";

export { Storage };
export type { DeviceBuffer } from "../backend/storage.js";

/** A plain JS value that can stand for a 0-d tensor: a number or a boolean. */
export type Scalar = number | boolean;
/** An operand of the elementwise ops: a tensor or a {@link Scalar}. */
export type TensorLike = Tensor | Scalar;
/** One dim or several dims; negative dims count from the end. */
export type DimArg = number | readonly number[];

/**
 * Options of the reductions (`sum`, `mean`, `amax`, ...): the dims to reduce (all by default) and whether to
 * keep them as size 1.
 */
export interface ReduceOptions {
  dim?: DimArg;
  keepdim?: boolean;
}

/**
 * An n-dimensional array with reverse-mode autograd.
 *
 * ```ts
 * const x = ds.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const loss = x.mul(x).sum();
 * loss.backward();
 * x.grad; // tensor([[2., 4.], [6., 8.]])
 * ```
 */
export class Tensor implements TensorView {
  /** Backing field of `grad`; library code that does not keep the gradient uses peekGrad/setGradQuietly. */
  gradValue: Tensor | null = null;
  /**
   * Set on a gradient tensor once user code may hold it (it was read through `.grad` or assigned to
   * it). Until then, `zeroGrad()` may hand its storage to the next gradient of the same size (see
   * src/tensor/recycle.ts), as PyTorch's caching allocator reuses a freed gradient's memory.
   */
  gradExposed = false;
  /** The tape node that produced this tensor; null for leaves. */
  gradFn: Node | null = null;
  /** Which output of `gradFn` this tensor is. */
  outputIndex = 0;
  /** Non-leaf tensors keep `.grad` only after `retainGrad()`. */
  retainsGrad = false;
  /** Set by dispose(): the tensor can no longer be used. */
  isDisposed = false;
  private _requiresGrad = false;
  readonly size: number;

  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: DType,
  ) {
    this.size = numel(shape);
    storage.refs++;
  }

  /** A fresh contiguous tensor over `data` (no copy). */
  static fromData(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(data), shape, contiguousStrides(shape), 0, dtype);
  }

  /** Gradient accumulated by `backward()` (leaves, and non-leaves that called `retainGrad()`). */
  get grad(): Tensor | null {
    const g = this.gradValue;
    if (g !== null) g.gradExposed = true;
    return g;
  }
  set grad(g: Tensor | null) {
    if (g !== null) g.gradExposed = true;
    this.gradValue = g;
  }

  get ndim(): number {
    return this.shape.length;
  }
  get version(): number {
    return this.storage.version;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(value: boolean) {
    if (value && !isFloating(this.dtype)) {
      throw new Error(
        `requiresGrad: only floating-point tensors can require gradients, but this tensor has dtype ${this.dtype} (shape ${fmtShape(this.shape)}); cast it with .float() first`,
      );
    }
    if (!value && this.gradFn !== null) {
      throw new Error("requiresGrad: cannot turn off requiresGrad on a non-leaf tensor; use .detach() instead");
    }
    this._requiresGrad = value;
  }
  /** Sets requiresGrad in place and returns this tensor (PyTorch's `requires_grad_`). */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }
  /** Keeps `.grad` on this non-leaf tensor after backward. */
  retainGrad(): this {
    if (!this._requiresGrad) throw new Error("retainGrad: this tensor does not require grad");
    this.retainsGrad = true;
    return this;
  }

  /** Number of elements (same as `.size`). */
  numel(): number {
    return this.size;
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i]!;
    }
    return true;
  }

  // ---- reading values -------------------------------------------------------------------------
  // The async forms (`await t.data()`, `await t.array()`, `await t.itemAsync()`) work on every
  // backend; the synchronous ones (`dataSync`, `item`, `toList`, `toArray`) only where the values
  // live in JavaScript memory (CPU, WASM), and name the async form when they live on a device.

  /** This tensor's values in row-major order as a fresh TypedArray (CPU/WASM; `await data()` works everywhere). */
  dataSync(): TypedArray {
    this.assertHost("dataSync", "data");
    return M.contiguousData(this).slice();
  }
  /**
   * This tensor's values in row-major order as a fresh TypedArray: the read every backend supports
   * (on a GPU the values are copied back asynchronously).
   * ```ts
   * const values = await t.data();
   * ```
   */
  async data(): Promise<TypedArray> {
    this.assertLive("data");
    const device = this.storage.device;
    if (device === null) return this.dataSync();
    const all = await device.read();
    const values = M.contiguousData(new Tensor(new Storage(all), this.shape, this.strides, this.offset, this.dtype));
    return values === all ? values : values.slice();
  }
  /** Nested JS arrays (numbers; bools as booleans), read asynchronously: works on every backend. */
  async array(): Promise<unknown> {
    const values = await this.data();
    return C.toNested(Tensor.fromData(values, this.shape, this.dtype));
  }
  /** The single value of a one-element tensor, read asynchronously: works on every backend. */
  async itemAsync(): Promise<number> {
    this.assertOneElement("itemAsync");
    return (await this.data())[0]!;
  }
  /** Nested JS arrays (numbers; bools as booleans); CPU/WASM (`await array()` works everywhere). */
  toArray(): unknown {
    this.assertHost("toArray", "array");
    return C.toNested(this);
  }
  /** Flat JS number array in row-major order; CPU/WASM (`Array.from(await data())` works everywhere). */
  toList(): number[] {
    this.assertHost("toList", "data");
    return Array.from(M.contiguousData(this) as ArrayLike<number>);
  }
  /** The single value of a one-element tensor; CPU/WASM (`await itemAsync()` works everywhere). */
  item(): number {
    this.assertHost("item", "itemAsync");
    this.assertOneElement("item");
    const v = this.storage.data[this.offset]!;
    return v;
  }
  private assertOneElement(op: string): void {
    if (this.size !== 1) {
      throw new Error(`${op}: only a one-element tensor can be converted to a number, but shape is ${fmtShape(this.shape)}`);
    }
  }
  /** Throws if this tensor was disposed or its values live on a device (only async reads reach them). */
  private assertHost(op: string, asyncForm: string): void {
    this.assertLive(op);
    const device = this.storage.device;
    if (device !== null) {
      throw new Error(
        `${op}: this tensor (shape ${fmtShape(this.shape)}, ${this.dtype}) lives on the ${device.device} device, whose values can only be read asynchronously; use \`await t.${asyncForm}()\` instead`,
      );
    }
  }
  toString(): string {
    if (this.storage.device !== null) return `tensor(<on ${this.storage.device.device}>, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
    return formatTensor(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
  /**
   * Gives this tensor's memory back for reuse now, instead of when the garbage collector finds it
   * (TF.js's `dispose`; PyTorch frees a tensor on its last reference, which JavaScript cannot see).
   * Using the tensor afterwards is an error; disposing twice is a no-op. Views share memory: it is
   * reused only once every tensor over it was disposed (and the tape no longer needs it), so
   * disposing a tensor that a view or the autograd graph still uses is safe. In loops that make large
   * float32 tensors (≥ 2,048 elements) the next matmul of the same size then writes into the freed
   * block instead of fresh memory:
   * ```ts
   * for (const batch of batches) {
   *   const scores = q.matmul(batch);   // or: using scores = ... (TypeScript 5.2+)
   *   total += scores.max().item();
   *   scores.dispose();
   * }
   * ```
   * Arrays given to `Tensor.fromData` are never reused themselves (only copies of them are).
   */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    releaseStorage(this.storage);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** Throws if this tensor was disposed. */
  assertLive(op: string): void {
    if (this.isDisposed) {
      throw new Error(`${op}: the tensor (shape ${fmtShape(this.shape)}, ${this.dtype}) was disposed; it cannot be used any more`);
    }
  }

  // ---- autograd -------------------------------------------------------------------------------
  backward(gradient?: Tensor, options?: BackwardOptions): void {
    backward(this, gradient, options);
  }
  /** A tensor sharing storage that is cut from the graph. */
  detach(): Tensor {
    this.assertLive("detach");
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype);
  }
  /** Detaches in place. */
  detach_(): this {
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  }
  clone(): Tensor {
    return M.clone(this);
  }

  // ---- dtype ----------------------------------------------------------------------------------
  to(dtype: DType): Tensor {
    return E.cast(this, dtype);
  }
  float(): Tensor {
    return E.cast(this, "float32");
  }
  double(): Tensor {
    return E.cast(this, "float64");
  }
  int(): Tensor {
    return E.cast(this, "int32");
  }
  bool(): Tensor {
    return E.cast(this, "bool");
  }

  // ---- elementwise ----------------------------------------------------------------------------
  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.add(this, other, options);
  }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.sub(this, other, options);
  }
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return E.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return E.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return E.minimum(this, other);
  }
  neg(): Tensor {
    return E.neg(this);
  }
  abs(): Tensor {
    return E.abs(this);
  }
  exp(): Tensor {
    return E.exp(this);
  }
  log(): Tensor {
    return E.log(this);
  }
  log1p(): Tensor {
    return E.log1p(this);
  }
  expm1(): Tensor {
    return E.expm1(this);
  }
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  rsqrt(): Tensor {
    return E.rsqrt(this);
  }
  square(): Tensor {
    return E.square(this);
  }
  reciprocal(): Tensor {
    return E.reciprocal(this);
  }
  sin(): Tensor {
    return E.sin(this);
  }
  cos(): Tensor {
    return E.cos(this);
  }
  tanh(): Tensor {
    return E.tanh(this);
  }
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  relu(): Tensor {
    return E.relu(this);
  }
  sign(): Tensor {
    return E.sign(this);
  }
  floor(): Tensor {
    return E.floor(this);
  }
  ceil(): Tensor {
    return E.ceil(this);
  }
  round(): Tensor {
    return E.round(this);
  }
  erf(): Tensor {
    return E.erf(this);
  }
  clamp(options: { min?: number; max?: number }): Tensor {
    return E.clamp(this, options);
  }
  eq(other: TensorLike): Tensor {
    return E.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return E.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return E.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return E.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return E.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return E.ge(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return E.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return E.logicalOr(this, other);
  }
  logicalXor(other: TensorLike): Tensor {
    return E.logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return E.logicalNot(this);
  }
  where(condition: Tensor, other: TensorLike): Tensor {
    return I.where(condition, this, other);
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return I.maskedFill(this, mask, value);
  }

  // ---- reductions ----------------------------------------------------------------------------
  // PyTorch's forms: x.sum(), x.sum(1), x.sum([0, 1], true), and x.sum({ dim, keepdim }).
  sum(dim?: R.DimOrOptions, keepdim?: boolean): Tensor {
    return R.sum(this, dim, keepdim);
  }
  mean(dim?: R.DimOrOptions, keepdim?: boolean): Tensor {
    return R.mean(this, dim, keepdim);
  }
  prod(dim?: R.DimOrOptions, keepdim?: boolean): Tensor {
    return R.prod(this, dim, keepdim);
  }
  /** The largest element; with a dim, `{ values, indices }` (torch.max); with a tensor, the elementwise maximum. */
  max(): Tensor;
  max(other: Tensor): Tensor;
  max(dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): R.ValuesIndices;
  max(dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean): Tensor | R.ValuesIndices {
    return R.max(this, dim as number, keepdim);
  }
  min(): Tensor;
  min(other: Tensor): Tensor;
  min(dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): R.ValuesIndices;
  min(dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean): Tensor | R.ValuesIndices {
    return R.min(this, dim as number, keepdim);
  }
  /** Largest values over `dim` (all dims by default); ties share the gradient. */
  amax(dim?: R.DimOrOptions, keepdim?: boolean): Tensor {
    return R.amax(this, dim, keepdim);
  }
  amin(dim?: R.DimOrOptions, keepdim?: boolean): Tensor {
    return R.amin(this, dim, keepdim);
  }
  argmax(dim?: number | { dim?: number; keepdim?: boolean }, keepdim?: boolean): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | { dim?: number; keepdim?: boolean }, keepdim?: boolean): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  /** Variance (Bessel-corrected by default): `x.var()`, `x.var(1)`, `x.var(1, { correction: 0, keepdim: true })`. */
  var(dim?: R.DimOrOptions | R.VarOptions, options?: boolean | R.VarOptions): Tensor {
    return R.variance(this, dim, options);
  }
  std(dim?: R.DimOrOptions | R.VarOptions, options?: boolean | R.VarOptions): Tensor {
    return R.std(this, dim, options);
  }
  logsumexp(dim?: R.DimOrOptions, keepdim?: boolean): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }
  /** p-norm: `x.norm()`, `x.norm(1)`, `x.norm(2, 1, true)` (p, dim, keepdim as torch), or `x.norm({ p, dim })`. */
  norm(p?: number | (ReduceOptions & { p?: number }), dim?: DimArg, keepdim?: boolean): Tensor {
    return R.norm(this, p, dim, keepdim);
  }
  cumsum(dim: number): Tensor {
    return R.cumsum(this, dim);
  }
  all(): boolean {
    return R.all(this);
  }
  any(): boolean {
    return R.any(this);
  }
  softmax(dim: number): Tensor {
    return S.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return S.logSoftmax(this, dim);
  }

  // ---- shape and views ------------------------------------------------------------------------
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return M.reshape(this, M.shapeArg(shape));
  }
  view(...shape: number[] | [readonly number[]]): Tensor {
    return M.view(this, M.shapeArg(shape));
  }
  viewAs(other: Tensor): Tensor {
    return M.view(this, other.shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return M.flatten(this, startDim, endDim);
  }
  squeeze(dim?: DimArg): Tensor {
    return M.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return M.unsqueeze(this, dim);
  }
  permute(...dims: number[] | [readonly number[]]): Tensor {
    return M.permute(this, M.shapeArg(dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return M.transpose(this, dim0, dim1);
  }
  /** Transpose of a 2-D tensor (or the last two dims' swap for ≥ 2-D; `.mT`). */
  get T(): Tensor {
    return M.t(this);
  }
  get mT(): Tensor {
    return M.transpose(this, -2, -1);
  }
  t(): Tensor {
    return M.t(this);
  }
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return M.expand(this, M.shapeArg(shape));
  }
  expandAs(other: Tensor): Tensor {
    return M.expand(this, other.shape);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return M.expand(this, shape);
  }
  /** Python-style slicing along one dim: `x.slice(1, 0, 10, 2)` is `x[:, 0:10:2]`. */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor {
    return M.slice(this, dim, start, end, step);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return M.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return M.select(this, dim, index);
  }
  contiguous(): Tensor {
    return M.contiguous(this);
  }
  split(splitSize: number | number[], dim = 0): Tensor[] {
    return M.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return M.chunk(this, chunks, dim);
  }
  flip(dims: DimArg): Tensor {
    return M.flip(this, dims);
  }
  repeat(...repeats: number[]): Tensor {
    return M.repeat(this, repeats);
  }

  // ---- indexing -------------------------------------------------------------------------------
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor {
    return I.indexSelect(this, dim, index);
  }
  /** Integer-tensor indexing along dim 0 (`x[idx]`); the result has shape idx.shape + x.shape[1:]. */
  index(index: Tensor | number[]): Tensor {
    return I.index(this, index);
  }
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: TensorLike): Tensor {
    return I.scatter(this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.indexAdd(this, dim, index, src);
  }
  maskedSelect(mask: Tensor): Tensor {
    return I.maskedSelect(this, mask);
  }
  nonzero(): Tensor {
    return I.nonzero(this);
  }

  // ---- linear algebra -------------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }

  // ---- in-place (no autograd through them; they bump the version counter) ----------------------
  add_(other: TensorLike, options?: { alpha?: number }): this {
    const compute = () => E.add(this.detach(), other instanceof Tensor ? other.detach() : other, options);
    if (options?.alpha !== undefined || typeof other === "boolean") return inplace(this, "add_", compute());
    return inplaceArith(this, "add", other, compute);
  }
  sub_(other: TensorLike, options?: { alpha?: number }): this {
    const compute = () => E.sub(this.detach(), other instanceof Tensor ? other.detach() : other, options);
    if (options?.alpha !== undefined || typeof other === "boolean") return inplace(this, "sub_", compute());
    return inplaceArith(this, "sub", other, compute);
  }
  mul_(other: TensorLike): this {
    const compute = () => E.mul(this.detach(), other instanceof Tensor ? other.detach() : other);
    if (typeof other === "boolean") return inplace(this, "mul_", compute());
    return inplaceArith(this, "mul", other, compute);
  }
  div_(other: TensorLike): this {
    const compute = () => E.div(this.detach(), other instanceof Tensor ? other.detach() : other);
    if (typeof other === "boolean") return inplace(this, "div_", compute());
    return inplaceArith(this, "div", other, compute);
  }
  clamp_(options: { min?: number; max?: number }): this {
    return inplace(this, "clamp_", E.clamp(this.detach(), options));
  }
  copy_(src: TensorLike): this {
    if (src instanceof Tensor) src.assertLive("copy_");
    return inplace(this, "copy_", src instanceof Tensor ? src.detach() : src);
  }
  fill_(value: number): this {
    return inplace(this, "fill_", value);
  }
  zero_(): this {
    return inplace(this, "zero_", 0);
  }
  maskedFill_(mask: Tensor, value: number): this {
    return inplace(this, "maskedFill_", I.maskedFill(this.detach(), mask, value));
  }
}

// Kernels build their outputs through the backend's view factory: make them tensors directly.
setViewFactory((storage, shape, strides, offset, dtype) => new Tensor(storage, shape, strides, offset, dtype));
