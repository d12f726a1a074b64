// Runs the PyTorch reference cases of test/fixtures/ops/*.json (written by make_ops_fixture.py) through
// deepscript's public API and compares values, dtypes, shapes and gradients.
import { readFileSync } from "node:fs";
import { describe, it } from "vitest";
import * as ds from "../../src/index.js";
import type { DType, PadMode, Tensor, TypedArray } from "../../src/index.js";

/** A tensor as the fixture writes it: dtype, shape, row-major data (non-finite floats as strings). */
interface TensorJson {
  dt: DType;
  sh: number[];
  d: (number | string)[];
  /** View steps applied to an input before the op (see make_ops_fixture.py). */
  v?: ViewStep[];
}
type ViewStep =
  | ["t", number, number]
  | ["perm", number[]]
  | ["sl", number, number | null, number | null, number]
  | ["exp", number[]];

/** Every parameter name the fixture uses (deepscript's option names). */
export interface Params {
  shape?: number[];
  dtype?: DType;
  value?: number;
  start?: number;
  end?: number;
  step?: number;
  steps?: number;
  n?: number;
  m?: number;
  s?: number;
  rev?: boolean;
  alpha?: number;
  min?: number;
  max?: number;
  dim?: number | number[];
  keepdim?: boolean;
  unbiased?: boolean;
  p?: number | "inf";
  dims?: number | number[];
  dim0?: number;
  dim1?: number;
  length?: number;
  index?: number;
  repeats?: number[];
  size?: number | number[];
  chunks?: number;
  pad?: number[];
  mode?: PadMode | "reduced" | "complete";
  list?: number[];
  numClasses?: number;
  upper?: boolean;
  a?: number;
  b?: number;
  fullMatrices?: boolean;
}

export interface OpCase {
  name: string;
  op: string;
  in: TensorJson[];
  p: Params;
  out: TensorJson[];
  /** Upstream gradient per output (null: none for that output). */
  ug?: (TensorJson | null)[];
  /** Expected gradient per input base (null: input is not differentiable). */
  grads?: (TensorJson | null)[];
}

export function loadCases(family: string): OpCase[] {
  const url = new URL(`../fixtures/ops/${family}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { cases: OpCase[] }).cases;
}

function decode(v: number | string): number {
  if (typeof v === "number") return v;
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  throw new Error(`fixture: unknown value ${v}`);
}

function typedArray(dt: DType, values: number[]): TypedArray {
  switch (dt) {
    case "float32":
      return Float32Array.from(values);
    case "float64":
      return Float64Array.from(values);
    case "int32":
      return Int32Array.from(values);
    case "bool":
      return Uint8Array.from(values);
  }
}

export function toTensor(t: TensorJson): Tensor {
  return ds.tensor(typedArray(t.dt, t.d.map(decode)), { shape: t.sh, dtype: t.dt });
}

function applyView(x: Tensor, step: ViewStep): Tensor {
  switch (step[0]) {
    case "t":
      return x.transpose(step[1], step[2]);
    case "perm":
      return x.permute(step[1]);
    case "sl":
      return x.slice(step[1], step[2] ?? undefined, step[3] ?? undefined, step[4]);
    case "exp":
      return x.expand(step[1]);
  }
}

/** Sign of the largest-|·| entry of each column of V (…, m, k), as a (…, 1, k) tensor: fixes eigen/singular vector signs. */
function colSigns(V: Tensor): Tensor {
  const m = V.shape[V.ndim - 2]!, k = V.shape[V.ndim - 1]!;
  const vals = V.dataSync();
  const batch = V.size / (m * k);
  const out = new Float64Array(batch * k);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < k; j++) {
      let best = -1, sign = 1;
      for (let i = 0; i < m; i++) {
        const v = vals[b * m * k + i * k + j]!;
        if (Math.abs(v) > best) {
          best = Math.abs(v);
          sign = v < 0 ? -1 : 1;
        }
      }
      out[b * k + j] = sign;
    }
  }
  return ds.tensor(out, { shape: [...V.shape.slice(0, -2), 1, k], dtype: V.dtype });
}

function diagSigns(R: Tensor): Tensor {
  const r = R.shape[R.ndim - 2]!, c = R.shape[R.ndim - 1]!, k = Math.min(r, c);
  const vals = R.dataSync();
  const batch = R.size / (r * c);
  const out = new Float64Array(batch * k);
  for (let b = 0; b < batch; b++) for (let j = 0; j < k; j++) out[b * k + j] = vals[b * r * c + j * c + j]! < 0 ? -1 : 1;
  return ds.tensor(out, { shape: [...R.shape.slice(0, -2), k], dtype: R.dtype });
}

const req = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new Error(`fixture: missing parameter ${what}`);
  return v;
};

type OpFn = (xs: Tensor[], p: Params) => Tensor | Tensor[];

function unary(f: (x: Tensor) => Tensor): OpFn {
  return (xs) => f(xs[0]!);
}
/** Two tensors, or a tensor and the scalar `s` (`rev`: scalar first). */
function binary(f: (a: Tensor | number, b: Tensor | number, p: Params) => Tensor): OpFn {
  return (xs, p) => (p.s !== undefined ? (p.rev ? f(p.s, xs[0]!, p) : f(xs[0]!, p.s, p)) : f(xs[0]!, xs[1]!, p));
}
const reduceOpts = (p: Params) => ({ dim: p.dim, keepdim: p.keepdim });
const created = (p: Params) => (p.dtype ? { dtype: p.dtype } : {});

/** Each fixture op name → the call through deepscript's public API. */
export const OPS: Record<string, OpFn> = {
  // creation
  zeros: (_, p) => ds.zeros(req(p.shape, "shape"), created(p)),
  ones: (_, p) => ds.ones(req(p.shape, "shape"), created(p)),
  full: (_, p) => ds.full(req(p.shape, "shape"), req(p.value, "value"), created(p)),
  arange: (_, p) => ds.arange(req(p.start, "start"), p.end, p.step ?? 1, created(p)),
  linspace: (_, p) => ds.linspace(req(p.start, "start"), req(p.end, "end"), req(p.steps, "steps"), created(p)),
  eye: (_, p) => ds.eye(req(p.n, "n"), p.m ?? req(p.n, "n"), created(p)),
  zerosLike: unary((x) => ds.zerosLike(x)),
  onesLike: unary((x) => ds.onesLike(x)),
  fullLike: (xs, p) => ds.fullLike(xs[0]!, req(p.value, "value")),
  // elementwise
  neg: unary(ds.neg), abs: unary(ds.abs), exp: unary(ds.exp), log: unary(ds.log), log1p: unary(ds.log1p),
  expm1: unary(ds.expm1), sqrt: unary(ds.sqrt), rsqrt: unary(ds.rsqrt), square: unary(ds.square),
  reciprocal: unary(ds.reciprocal), sin: unary(ds.sin), cos: unary(ds.cos), tanh: unary(ds.tanh),
  sigmoid: unary(ds.sigmoid), relu: unary(ds.relu), sign: unary(ds.sign), floor: unary(ds.floor),
  ceil: unary(ds.ceil), round: unary(ds.round), erf: unary(ds.erf), logicalNot: unary(ds.logicalNot),
  clamp: (xs, p) => ds.clamp(xs[0]!, { min: p.min, max: p.max }),
  cast: (xs, p) => ds.cast(xs[0]!, req(p.dtype, "dtype")),
  add: binary((a, b, p) => (p.alpha === undefined ? ds.add(a, b) : ds.add(a, b, { alpha: p.alpha }))),
  sub: binary((a, b, p) => (p.alpha === undefined ? ds.sub(a, b) : ds.sub(a, b, { alpha: p.alpha }))),
  mul: binary((a, b) => ds.mul(a, b)),
  div: binary((a, b) => ds.div(a, b)),
  pow: binary((a, b) => ds.pow(a, b)),
  maximum: binary((a, b) => ds.maximum(a, b)),
  minimum: binary((a, b) => ds.minimum(a, b)),
  eq: binary((a, b) => ds.eq(a, b)),
  ne: binary((a, b) => ds.ne(a, b)),
  lt: binary((a, b) => ds.lt(a, b)),
  le: binary((a, b) => ds.le(a, b)),
  gt: binary((a, b) => ds.gt(a, b)),
  ge: binary((a, b) => ds.ge(a, b)),
  logicalAnd: binary((a, b) => ds.logicalAnd(a, b)),
  logicalOr: binary((a, b) => ds.logicalOr(a, b)),
  logicalXor: binary((a, b) => ds.logicalXor(a, b)),
  where: (xs, p) => {
    const rest = xs.slice(1);
    const a = p.a ?? rest.shift()!;
    const b = p.b ?? rest.shift()!;
    return ds.where(xs[0]!, a, b);
  },
  maskedFill: (xs, p) => ds.maskedFill(xs[0]!, xs[1]!, req(p.value, "value")),
  // reductions
  sum: (xs, p) => ds.sum(xs[0]!, reduceOpts(p)),
  mean: (xs, p) => ds.mean(xs[0]!, reduceOpts(p)),
  prod: (xs, p) => ds.prod(xs[0]!, reduceOpts(p)),
  // the fixture's max/min are torch.max() over everything and torch.amax/amin over dims
  max: (xs, p) => ds.amax(xs[0]!, reduceOpts(p)),
  min: (xs, p) => ds.amin(xs[0]!, reduceOpts(p)),
  argmax: (xs, p) => ds.argmax(xs[0]!, { dim: p.dim as number | undefined, keepdim: p.keepdim }),
  argmin: (xs, p) => ds.argmin(xs[0]!, { dim: p.dim as number | undefined, keepdim: p.keepdim }),
  var: (xs, p) => ds.var(xs[0]!, { ...reduceOpts(p), unbiased: p.unbiased }),
  std: (xs, p) => ds.std(xs[0]!, { ...reduceOpts(p), unbiased: p.unbiased }),
  logsumexp: (xs, p) => ds.logsumexp(xs[0]!, reduceOpts(p)),
  norm: (xs, p) => ds.norm(xs[0]!, { ...reduceOpts(p), p: p.p === "inf" ? Infinity : p.p }),
  cumsum: (xs, p) => ds.cumsum(xs[0]!, p.dim as number),
  softmax: (xs, p) => ds.softmax(xs[0]!, p.dim as number),
  logSoftmax: (xs, p) => ds.logSoftmax(xs[0]!, p.dim as number),
  // views, joins, splits
  reshape: (xs, p) => ds.reshape(xs[0]!, req(p.shape, "shape")),
  view: (xs, p) => ds.view(xs[0]!, req(p.shape, "shape")),
  flatten: (xs, p) => ds.flatten(xs[0]!, p.start ?? 0, p.end ?? -1),
  squeeze: (xs, p) => ds.squeeze(xs[0]!, p.dim),
  unsqueeze: (xs, p) => ds.unsqueeze(xs[0]!, p.dim as number),
  permute: (xs, p) => ds.permute(xs[0]!, req(p.dims, "dims") as number[]),
  transpose: (xs, p) => ds.transpose(xs[0]!, req(p.dim0, "dim0"), req(p.dim1, "dim1")),
  t: (xs) => xs[0]!.t(),
  mT: (xs) => xs[0]!.mT,
  expand: (xs, p) => ds.expand(xs[0]!, req(p.shape, "shape")),
  slice: (xs, p) => ds.slice(xs[0]!, p.dim as number, p.start, p.end, p.step),
  narrow: (xs, p) => ds.narrow(xs[0]!, p.dim as number, req(p.start, "start"), req(p.length, "length")),
  select: (xs, p) => ds.select(xs[0]!, p.dim as number, req(p.index, "index")),
  contiguous: (xs) => ds.contiguous(xs[0]!),
  clone: (xs) => ds.clone(xs[0]!),
  flip: (xs, p) => ds.flip(xs[0]!, req(p.dims, "dims")),
  repeat: (xs, p) => ds.repeat(xs[0]!, req(p.repeats, "repeats")),
  cat: (xs, p) => ds.cat(xs, p.dim as number | undefined),
  stack: (xs, p) => ds.stack(xs, p.dim as number | undefined),
  split: (xs, p) => ds.split(xs[0]!, req(p.size, "size"), p.dim as number | undefined),
  chunk: (xs, p) => ds.chunk(xs[0]!, req(p.chunks, "chunks"), p.dim as number | undefined),
  pad: (xs, p) => ds.pad(xs[0]!, req(p.pad, "pad"), { mode: p.mode as PadMode | undefined, value: p.value }),
  // indexing
  indexSelect: (xs, p) => ds.indexSelect(xs[0]!, p.dim as number, xs[1]!),
  index: (xs, p) => ds.index(xs[0]!, p.list ?? xs[1]!),
  gather: (xs, p) => ds.gather(xs[0]!, p.dim as number, xs[1]!),
  scatter: (xs, p) => ds.scatter(xs[0]!, p.dim as number, xs[1]!, p.value ?? xs[2]!),
  scatterAdd: (xs, p) => ds.scatterAdd(xs[0]!, p.dim as number, xs[1]!, xs[2]!),
  indexAdd: (xs, p) => ds.indexAdd(xs[0]!, p.dim as number, xs[1]!, xs[2]!),
  maskedSelect: (xs) => ds.maskedSelect(xs[0]!, xs[1]!),
  nonzero: (xs) => ds.nonzero(xs[0]!),
  oneHot: (xs, p) => ds.oneHot(xs[0]!, p.numClasses),
  // linear algebra
  matmul: (xs) => ds.matmul(xs[0]!, xs[1]!),
  mm: (xs) => ds.mm(xs[0]!, xs[1]!),
  bmm: (xs) => ds.bmm(xs[0]!, xs[1]!),
  dot: (xs) => ds.dot(xs[0]!, xs[1]!),
  outer: (xs) => ds.outer(xs[0]!, xs[1]!),
  solve: (xs) => ds.linalg.solve(xs[0]!, xs[1]!),
  inv: (xs) => ds.linalg.inv(xs[0]!),
  det: (xs) => ds.linalg.det(xs[0]!),
  slogdet: (xs) => {
    const { sign, logabsdet } = ds.linalg.slogdet(xs[0]!);
    return [sign, logabsdet];
  },
  cholesky: (xs, p) => ds.linalg.cholesky(xs[0]!, { upper: p.upper }),
  // A = X Xᵀ + n·I (SPD), built the same way as the generator, so the gradient w.r.t. X is compared.
  choleskyXXt: (xs, p) => {
    const X = xs[0]!;
    const n = X.shape[X.ndim - 1]!;
    const A = X.matmul(X.mT).add(ds.eye(n, n, { dtype: X.dtype }).mul(n));
    return ds.linalg.cholesky(A, { upper: p.upper });
  },
  // Eigen/singular vectors are unique only up to sign: both sides make each column's largest entry positive.
  eigh: (xs) => {
    const { eigenvalues, eigenvectors } = ds.linalg.eigh(xs[0]!);
    return [eigenvalues, eigenvectors.mul(colSigns(eigenvectors))];
  },
  // QR is unique once diag(R) ≥ 0 (for the shapes in the fixture: reduced, or complete with m ≤ n).
  qr: (xs, p) => {
    const { Q, R } = ds.linalg.qr(xs[0]!, { mode: p.mode as "reduced" | "complete" | undefined });
    const d = diagSigns(R);
    return [Q.mul(d.unsqueeze(-2)), R.mul(d.unsqueeze(-1))];
  },
  svd: (xs, p) => {
    const { U, S, Vh } = ds.linalg.svd(xs[0]!, { fullMatrices: p.fullMatrices });
    const s = colSigns(U);
    return [U.mul(s), S, Vh.mul(s.mT)];
  },
};

/** Ops whose outputs are copies or exact functions of the inputs (no rounding): compared exactly. */
const EXACT_OPS = new Set([
  "zeros", "ones", "full", "arange", "eye", "zerosLike", "onesLike", "fullLike",
  "neg", "abs", "relu", "sign", "floor", "ceil", "round", "clamp", "cast", "maximum", "minimum",
  "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor", "logicalNot", "where", "maskedFill",
  "reshape", "view", "flatten", "squeeze", "unsqueeze", "permute", "transpose", "t", "mT", "expand", "slice",
  "narrow", "select", "contiguous", "clone", "flip", "repeat", "cat", "stack", "split", "chunk", "pad",
  "indexSelect", "index", "gather", "scatter", "maskedSelect", "nonzero", "oneHot", "max", "min", "argmax", "argmin",
]);

/**
 * Tolerances. float32: rtol 1e-5 plus atol 1e-6·max|expected| — PyTorch accumulates float32 sums in
 * its own (vectorized, pairwise) order and uses its own float32 transcendental kernels, so entries
 * that cancel to near zero differ by a few ulps of the tensor's largest entry, not of themselves.
 * float64: rtol 1e-10, atol 1e-12.
 */
function tolerances(c: OpCase, dt: DType, expected: number[]): { rtol: number; atol: number } {
  if (c.op === "linspace") {
    // torch 1.13 computes float32 linspace in float32 with FMA contraction and AVX2 8-lane chunks
    // (each chunk restarts from start + step·i), so its values are within 2 ulps of the exact
    // start + i·(end − start)/(steps − 1), but the exact bits depend on the SIMD width.
    const big = Math.max(Math.abs(c.p.start!), Math.abs(c.p.end!));
    const ulp = 2 ** (Math.floor(Math.log2(big)) - (dt === "float32" ? 23 : 52));
    return { rtol: 0, atol: 2 * ulp };
  }
  let maxAbs = 0;
  for (const v of expected) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  if (dt === "float32") return { rtol: 1e-5, atol: 1e-6 * maxAbs };
  return { rtol: 1e-10, atol: 1e-12 };
}

/** Describes how `actual` differs from `expected` ("" when it matches). */
function mismatch(c: OpCase, label: string, actual: Tensor, expected: TensorJson, exact: boolean, computeDtype?: DType): string {
  if (actual.dtype !== expected.dt) return `${label}: dtype ${actual.dtype}, expected ${expected.dt}`;
  const shapeA = JSON.stringify(actual.shape), shapeE = JSON.stringify(expected.sh);
  if (shapeA !== shapeE) return `${label}: shape ${shapeA}, expected ${shapeE}`;
  // Round the expected values to the dtype, so exact comparisons compare the same representable numbers.
  const want = Array.from(typedArray(expected.dt, expected.d.map(decode)) as ArrayLike<number>);
  const got = Array.from(actual.dataSync() as ArrayLike<number>);
  const floating = expected.dt === "float32" || expected.dt === "float64";
  const { rtol, atol } = floating && !exact ? tolerances(c, computeDtype ?? expected.dt, want) : { rtol: 0, atol: 0 };
  const bad: string[] = [];
  let nBad = 0;
  for (let i = 0; i < want.length; i++) {
    const e = want[i]!, a = got[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : e === a || Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) {
      nBad++;
      if (bad.length < 4) bad.push(`[${i}] got ${a}, expected ${e}`);
    }
  }
  if (nBad === 0) return "";
  return `${label}: ${nBad}/${want.length} values differ (rtol ${rtol}, atol ${atol.toExponential(2)}): ${bad.join("; ")}`;
}

/** Runs one case and returns the list of differences (empty when deepscript matches PyTorch). */
export function runCase(c: OpCase): string[] {
  const withGrad = c.grads !== undefined;
  const leaves = c.in.map((t, i) => {
    const x = toTensor(t);
    if (withGrad && c.grads![i] !== null) x.requiresGrad = true;
    return x;
  });
  const inputs = leaves.map((x, i) => (c.in[i]!.v ?? []).reduce(applyView, x));
  const fn = OPS[c.op];
  if (!fn) throw new Error(`no deepscript call for fixture op ${c.op}`);
  const result = fn(inputs, c.p);
  const outs = Array.isArray(result) ? result : [result];
  const errors: string[] = [];
  if (outs.length !== c.out.length) return [`${outs.length} outputs, expected ${c.out.length}`];
  const exact = EXACT_OPS.has(c.op);
  outs.forEach((o, k) => {
    const e = mismatch(c, `output ${k}`, o, c.out[k]!, exact);
    if (e) errors.push(e);
  });
  if (!withGrad || errors.length > 0) return errors;

  // Backward with the fixture's upstream gradients: d/dx Σ_k <out_k, ug_k>.
  const pairs = outs.map((o, k) => [o, c.ug![k]] as const).filter((p): p is readonly [Tensor, TensorJson] => p[1] !== null);
  if (pairs.length === 1) {
    pairs[0]![0].backward(toTensor(pairs[0]![1]));
  } else {
    pairs.map(([o, g]) => ds.sum(ds.mul(o, toTensor(g)))).reduce((a, b) => ds.add(a, b)).backward();
  }
  c.grads!.forEach((g, i) => {
    if (g === null) return;
    const got = leaves[i]!.grad;
    if (got === null) {
      if (g.d.some((v) => decode(v) !== 0)) errors.push(`grad ${i}: none, expected nonzero gradient`);
      return;
    }
    // A float64 input mixed into a float32 computation (a 0-d float64 operand) gets a gradient that was
    // accumulated in float32 arithmetic, so it can only be as exact as float32.
    const computeDtype = outs.some((o) => o.dtype === "float32") ? "float32" : undefined;
    const e = mismatch(c, `grad ${i}`, got, g, false, computeDtype);
    if (e) errors.push(e);
  });
  return errors;
}

export const FAMILIES = ["creation_elementwise", "reduce", "movement", "indexing", "linalg"] as const;

/** Registers one vitest case per fixture case; names in `knownMismatches` are skipped. */
export function describeFamily(family: string, knownMismatches: Readonly<Record<string, string>>): void {
  const cases = loadCases(family);
  describe(`PyTorch reference: ${family}`, () => {
    for (const c of cases) {
      const test = c.name in knownMismatches ? it.skip : it;
      test(c.name, () => {
        const errors = runCase(c);
        if (errors.length > 0) throw new Error(`${c.name}\n  ${errors.join("\n  ")}`);
      });
    }
  });
}
