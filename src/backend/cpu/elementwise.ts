// CPU reference kernels for elementwise primitives (computed in float64, stored in the output dtype).
import type { Kernel } from "../Backend.js";
import type { BinaryPrim, ComparePrim, UnaryPrim } from "../../autograd/prims.js";
import { viewFromData, type TensorView } from "../storage.js";
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import { allocateUninitialized } from "../pool.js";
import { broadcastShapes, shapesEqual } from "../../tensor/shape.js";
import { binaryLoop, isDense, offsets, unaryLoop } from "./strided.js";

/** erf by its everywhere-convergent series erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (2n+1)!! (no cancellation); slow, used to build the table. */
export function erfSeries(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  const x2 = 2 * ax * ax;
  let term = ax, sum = ax;
  for (let n = 0; n < 200; n++) {
    term *= x2 / (2 * n + 3);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
}

// erf on [0, 6) from a table at steps of 1/64 and a Taylor expansion around the nearest entry x₀ (|d| ≤ 1/128):
// erf(x₀ + d) = erf(x₀) + 2/√π · e^(−x₀²) · Σₙ (−1)ⁿ Hₙ(x₀) dⁿ⁺¹/(n+1)!, Hₙ the physicists' Hermite polynomials
// (erf⁽ⁿ⁺¹⁾ = 2/√π (−1)ⁿ Hₙ e^(−x²)). Eight terms leave a remainder below 1e-20 (Cramér's bound on Hₙ e^(−x²/2)).
const ERF_STEPS = 64, ERF_TABLE_SIZE = 6 * ERF_STEPS + 1;
const ERF_TABLE = new Float64Array(ERF_TABLE_SIZE), ERF_SCALE = new Float64Array(ERF_TABLE_SIZE);
for (let i = 0; i < ERF_TABLE_SIZE; i++) {
  const x0 = i / ERF_STEPS;
  ERF_TABLE[i] = erfSeries(x0);
  ERF_SCALE[i] = (2 / Math.sqrt(Math.PI)) * Math.exp(-x0 * x0);
}
const ERF_INV = Float64Array.from({ length: 10 }, (_, n) => 1 / (n + 2));

/** The error function, accurate to a few ulps (checked against the series on a dense grid). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const i = Math.round(ax * ERF_STEPS), x0 = i / ERF_STEPS, d = ax - x0;
  let hPrev = 1, h = 2 * x0; // H₀, H₁
  let p = d, sum = d; // n = 0: H₀·d
  let sign = -1;
  for (let n = 1; n < 8; n++) {
    p *= d * ERF_INV[n - 1]!; // dⁿ⁺¹/(n+1)!
    sum += sign * h * p;
    const next = 2 * x0 * h - 2 * n * hPrev;
    hPrev = h;
    h = next;
    sign = -sign;
  }
  const r = ERF_TABLE[i]! + ERF_SCALE[i]! * sum;
  return x < 0 ? -r : r;
}

/** Round half to even, like PyTorch and NumPy. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export const unaryFns: { [P in UnaryPrim]: (x: number) => number } = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x > 0 || x !== x ? x : 0), // NaN stays NaN, as in torch.relu
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  erf,
};

function powFn(a: number, b: number): number {
  return Math.pow(a, b);
}
function intPow(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0;
  return Math.pow(a, b) | 0;
}

export const binaryFns: { [P in BinaryPrim]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powFn,
  // NaN propagates, as in PyTorch.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
};

const intBinaryFns: { [P in BinaryPrim]: (a: number, b: number) => number } = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: (a, b) => Math.imul(a, b),
  div: (a, b) => a / b, // never reached: integer division is promoted to float by the op
  pow: intPow,
  maximum: (a, b) => (a > b ? a : b),
  minimum: (a, b) => (a < b ? a : b),
};

export const compareFns: { [P in ComparePrim]: (a: number, b: number) => number } = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
};

/**
 * Loops specialized per op for dense inputs: a loop calling a shared callback goes megamorphic in V8
 * and runs ~4× slower, so the hottest ops get their own loop (same results as the callbacks above).
 */
function denseUnary(prim: UnaryPrim, out: TypedArray, x: TypedArray, o: number, n: number): boolean {
  switch (prim) {
    case "neg":
      for (let i = 0; i < n; i++) out[i] = -x[o + i]!;
      return true;
    case "exp":
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[o + i]!);
      return true;
    case "log":
      for (let i = 0; i < n; i++) out[i] = Math.log(x[o + i]!);
      return true;
    case "relu":
      for (let i = 0; i < n; i++) {
        const v = x[o + i]!;
        out[i] = v > 0 || v !== v ? v : 0;
      }
      return true;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[o + i]!);
      return true;
    case "sigmoid":
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[o + i]!);
      return true;
    case "sqrt":
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[o + i]!);
      return true;
    case "abs":
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[o + i]!);
      return true;
    default:
      return false;
  }
}

function denseBinary(prim: BinaryPrim, out: TypedArray, a: TypedArray, ao: number, b: TypedArray, bo: number, n: number): boolean {
  switch (prim) {
    case "add":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! + b[bo + i]!;
      return true;
    case "sub":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! - b[bo + i]!;
      return true;
    case "mul":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! * b[bo + i]!;
      return true;
    case "div":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! / b[bo + i]!;
      return true;
    default:
      return false;
  }
}

function denseScalarBinary(prim: BinaryPrim, out: TypedArray, a: TypedArray, ao: number, y: number, n: number): boolean {
  switch (prim) {
    case "add":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! + y;
      return true;
    case "sub":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! - y;
      return true;
    case "mul":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! * y;
      return true;
    case "div":
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! / y;
      return true;
    default:
      return false;
  }
}

/**
 * `full` (dense, the output's shape, seen as rows × cols over the last dim) op `part`, where part is a
 * dense row (broadcast over the leading dims: a bias) or a dense column (shape [..., 1]: a per-row
 * value). With `swap` the operands are the other way round (part op full). Returns false otherwise.
 */
function broadcastBinary(prim: BinaryPrim, out: TypedArray, full: TensorView, part: TensorView, shape: readonly number[], swap: boolean): boolean {
  const nd = shape.length;
  if (nd === 0 || !isDense(part) || part.ndim === 0 || part.ndim > nd) return false;
  const cols = shape[nd - 1]!;
  if (cols === 0) return false;
  const rows = full.size / cols;
  const last = part.shape[part.ndim - 1]!;
  const isRow = part.size === cols && last === cols;
  const isCol = !isRow && last === 1 && part.size === rows;
  if (isCol) {
    // Every other dim of part must match the output's (leading dims it lacks count as size 1).
    for (let i = 0; i < part.ndim - 1; i++) if (part.shape[i] !== shape[nd - part.ndim + i]) return false;
  }
  if (!isRow && !isCol) return false;
  const a = full.storage.data, ao = full.offset, b = part.storage.data, bo = part.offset;
  const code = prim === "add" ? 0 : prim === "sub" ? (swap ? 2 : 1) : prim === "mul" ? 3 : prim === "div" ? (swap ? 5 : 4) : -1;
  if (code < 0) return false;
  if (isRow) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) rowOp(code, out, o, a, ao + o, b, bo, cols);
  } else {
    for (let r = 0, o = 0; r < rows; r++, o += cols) scalarOp(code, out, o, a, ao + o, b[bo + r]!, cols);
  }
  return true;
}

/** out[o + j] = a[ao + j] ∘ b[bo + j]; code 0 +, 1 −, 2 reversed −, 3 ×, 4 ÷, 5 reversed ÷. */
function rowOp(code: number, out: TypedArray, o: number, a: TypedArray, ao: number, b: TypedArray, bo: number, n: number): void {
  switch (code) {
    case 0: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! + b[bo + j]!; break;
    case 1: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! - b[bo + j]!; break;
    case 2: for (let j = 0; j < n; j++) out[o + j] = b[bo + j]! - a[ao + j]!; break;
    case 3: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! * b[bo + j]!; break;
    case 4: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! / b[bo + j]!; break;
    default: for (let j = 0; j < n; j++) out[o + j] = b[bo + j]! / a[ao + j]!;
  }
}

/** out[o + j] = a[ao + j] ∘ v (codes as in rowOp). */
function scalarOp(code: number, out: TypedArray, o: number, a: TypedArray, ao: number, v: number, n: number): void {
  switch (code) {
    case 0: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! + v; break;
    case 1: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! - v; break;
    case 2: for (let j = 0; j < n; j++) out[o + j] = v - a[ao + j]!; break;
    case 3: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! * v; break;
    case 4: for (let j = 0; j < n; j++) out[o + j] = a[ao + j]! / v; break;
    default: for (let j = 0; j < n; j++) out[o + j] = v / a[ao + j]!;
  }
}

/**
 * Dense comparisons, written branch-free (`+(a > b)`): the mask of a ReLU's gradient is half ones at
 * random, and a branch per element mispredicts half the time (measured 2.7 vs 0.6 ns per element).
 * bo < 0 means "b is the single value at index −1 − bo".
 */
function denseCompare(prim: ComparePrim, out: Uint8Array, a: TypedArray, ao: number, b: TypedArray, bo: number, n: number): boolean {
  if (bo < 0) {
    const y = b[-1 - bo]!;
    switch (prim) {
      case "gt":
        for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! > y);
        return true;
      case "lt":
        for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! < y);
        return true;
      case "ge":
        for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! >= y);
        return true;
      case "le":
        for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! <= y);
        return true;
      case "eq":
        for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! === y);
        return true;
      case "ne":
        for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! !== y);
        return true;
      default:
        return false;
    }
  }
  switch (prim) {
    case "gt":
      for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! > b[bo + i]!);
      return true;
    case "lt":
      for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! < b[bo + i]!);
      return true;
    case "ge":
      for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! >= b[bo + i]!);
      return true;
    case "le":
      for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! <= b[bo + i]!);
      return true;
    case "eq":
      for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! === b[bo + i]!);
      return true;
    case "ne":
      for (let i = 0; i < n; i++) out[i] = +(a[ao + i]! !== b[bo + i]!);
      return true;
    default:
      return false;
  }
}

export function unaryKernel<P extends UnaryPrim>(prim: P): Kernel<P> {
  const f = unaryFns[prim];
  return ([x]) => {
    const t = x!;
    const out = allocateUninitialized(t.dtype, t.size); // every element is written below
    if (!(isDense(t) && denseUnary(prim, out, t.storage.data, t.offset, t.size))) unaryLoop(out, t, f);
    return viewFromData(out, t.shape, t.dtype);
  };
}

export function binaryKernel<P extends BinaryPrim>(prim: P): Kernel<P> {
  const ff = binaryFns[prim], fi = intBinaryFns[prim];
  return ([a, b]) => {
    const shape = broadcastShapes(prim, a!.shape, b!.shape);
    const dtype = a!.dtype;
    let size = 1;
    for (const s of shape) size *= s;
    const out = allocateUninitialized(dtype, size); // every element is written below
    const x = a!, y = b!;
    const isFloat = dtype === "float32" || dtype === "float64";
    const fast =
      isFloat &&
      isDense(x) &&
      x.size === size &&
      ((y.size === size && isDense(y) && denseBinary(prim, out, x.storage.data, x.offset, y.storage.data, y.offset, size)) ||
        (y.size === 1 && denseScalarBinary(prim, out, x.storage.data, x.offset, y.storage.data[y.offset]!, size)) ||
        broadcastBinary(prim, out, x, y, shape, false)) ||
      (isFloat && isDense(y) && y.size === size && isDense(x) && broadcastBinary(prim, out, y, x, shape, true));
    if (!fast) binaryLoop(out, x, y, shape, isFloat ? ff : fi);
    return viewFromData(out, shape, dtype);
  };
}

export function compareKernel<P extends ComparePrim>(prim: P): Kernel<P> {
  const f = compareFns[prim];
  return ([a, b]) => {
    const shape = broadcastShapes(prim, a!.shape, b!.shape);
    let size = 1;
    for (const s of shape) size *= s;
    const out = allocateUninitialized("bool", size) as Uint8Array; // every element is written below
    const x = a!, y = b!;
    const fast =
      isDense(x) &&
      x.size === size &&
      ((y.size === size && isDense(y) && denseCompare(prim, out, x.storage.data, x.offset, y.storage.data, y.offset, size)) ||
        (y.size === 1 && denseCompare(prim, out, x.storage.data, x.offset, y.storage.data, -1 - y.offset, size)));
    if (!fast) binaryLoop(out, x, y, shape, f);
    return viewFromData(out, shape, "bool");
  };
}

/** g where y > 0, else 0 (NaN in y passes g through, as torch's threshold_backward). g and y have one shape. */
export const reluBackward: Kernel<"reluBackward"> = ([g, y]) => {
  const dtype = g!.dtype;
  if (y!.dtype !== dtype || !shapesEqual(g!.shape, y!.shape)) {
    throw new Error(`reluBackward: expected g and y of one shape and dtype, got ${dtype} [${g!.shape}] and ${y!.dtype} [${y!.shape}]`);
  }
  const n = g!.size;
  const out = allocateUninitialized(dtype, n); // every element is written below
  if (dtype === "float32" && isDense(g!) && isDense(y!)) {
    // Branch-free select on the bits (the mask is random: a branch per element mispredicts half the
    // time; g·mask would turn an infinite g into NaN where torch gives 0).
    const gd = g!.storage.data, yd = y!.storage.data, yo = y!.offset;
    const gi = new Int32Array(gd.buffer, gd.byteOffset + 4 * g!.offset, n), oi = new Int32Array(out.buffer, out.byteOffset, n);
    for (let i = 0; i < n; i++) oi[i] = gi[i]! & -+!(yd[yo + i]! <= 0);
  } else {
    binaryLoop(out, g!, y!, g!.shape, (a, b) => (b <= 0 ? 0 : a));
  }
  return viewFromData(out, g!.shape, dtype);
};

/** GELU x·Φ(x) = ½x(1 + erf(x/√2)) per element (floating dtypes). */
export const gelu: Kernel<"gelu"> = ([x]) => {
  const t = x!;
  const out = allocateUninitialized(t.dtype, t.size); // every element is written below
  unaryLoop(out, t, (v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2)));
  return viewFromData(out, t.shape, t.dtype);
};

/** GELU's gradient g·(Φ(x) + x·φ(x)) per element; g and x have one shape and dtype. */
export const geluBackward: Kernel<"geluBackward"> = ([g, x]) => {
  const dtype = g!.dtype;
  if (x!.dtype !== dtype || !shapesEqual(g!.shape, x!.shape)) {
    throw new Error(`geluBackward: expected g and x of one shape and dtype, got ${dtype} [${g!.shape}] and ${x!.dtype} [${x!.shape}]`);
  }
  const out = allocateUninitialized(dtype, g!.size); // every element is written below
  const c = 1 / Math.sqrt(2 * Math.PI);
  binaryLoop(out, g!, x!, g!.shape, (a, v) => a * (0.5 * (1 + erf(v * Math.SQRT1_2)) + v * c * Math.exp(-0.5 * v * v)));
  return viewFromData(out, g!.shape, dtype);
};

/** −(y·max(log x, −100) + (1 − y)·max(log1p(−x), −100)) per element; x and y have one shape and dtype. */
export const binaryCrossEntropy: Kernel<"binaryCrossEntropy"> = ([x, y]) => {
  const out = allocateUninitialized(x!.dtype, x!.size); // every element is written below
  binaryLoop(out, x!, y!, x!.shape, (p, t) => {
    const logP = Math.max(Math.log(p), -100), logQ = Math.max(Math.log1p(-p), -100);
    return (t - 1) * logQ - t * logP;
  });
  return viewFromData(out, x!.shape, x!.dtype);
};

export const logicalNot: Kernel<"logicalNot"> = ([x]) => {
  const out = allocate("bool", x!.size);
  unaryLoop(out, x!, (v) => (v === 0 ? 1 : 0));
  return viewFromData(out, x!.shape, "bool");
};

export const where: Kernel<"where"> = ([c, a, b]) => {
  const shape = broadcastShapes("where", c!.shape, a!.shape, b!.shape);
  let size = 1;
  for (const s of shape) size *= s;
  const out = allocate(a!.dtype, size);
  const co = offsets(c!, shape), ao = offsets(a!, shape), bo = offsets(b!, shape);
  const cd = c!.storage.data, ad = a!.storage.data, bd = b!.storage.data;
  for (let i = 0; i < size; i++) out[i] = cd[co[i]!] ? ad[ao[i]!]! : bd[bo[i]!]!;
  return viewFromData(out, shape, a!.dtype);
};

function convert(dtype: DType): (v: number) => number {
  switch (dtype) {
    case "bool":
      return (v) => (v !== 0 ? 1 : 0);
    case "int32":
      return (v) => (Number.isFinite(v) ? Math.trunc(v) | 0 : 0);
    default:
      return (v) => v;
  }
}

export const cast: Kernel<"cast"> = ([x], { dtype }) => {
  const out = allocate(dtype, x!.size);
  // TypedArray.set converts like our float and int32 casts (int32: ToInt32 truncates, NaN/±∞ → 0).
  if (dtype !== "bool" && isDense(x!)) out.set(x!.storage.data.subarray(x!.offset, x!.offset + x!.size) as never);
  else unaryLoop(out, x!, convert(dtype));
  return viewFromData(out, x!.shape, dtype);
};
