/// <reference types="@webgpu/types" />
// WGSL elementwise kernels over strided, broadcast layouts: unary and binary math, comparisons, where,
// casts and the contiguous copy. One generated shader per (operation, operand dtypes, collapsed rank).
import type { BinaryPrim, ComparePrim, UnaryPrim } from "../../autograd/prims.js";
import type { DType } from "../../tensor/dtype.js";
import { grid, type WebGPUDevice, type WebGPUDType } from "./device.js";
import {
  allocateLayout, broadcastShapes, broadcastStrides, collapseDims, gpuDType, sizeOf, wgslType, type GPULayout,
} from "./layout.js";

/** Threads per workgroup of the elementwise kernels. */
const WG = 256;

/**
 * Math WGSL lacks, written for float32 accuracy: erf (Abramowitz & Stegun 7.1.26 is only 1.5e-7 absolute,
 * so a Taylor series below 0.5 and the A&S form above, where its error is relative to 1 − erf), log1p and
 * expm1 by Kahan's correction of the rounding in 1 + x, pow with PyTorch's answers for negative bases,
 * a sigmoid that never overflows, and sin/cos by Cephes' sinf/cosf (Moshier, "Methods and Programs for
 * Mathematical Functions", 1989): x less the nearest multiple of π/4 in three float32 parts (Cody–Waite,
 * exact for |x| < 8192), then a minimax polynomial on [−π/4, π/4] — about 1 ulp on every adapter, where
 * WGSL's builtins promise only 2⁻¹¹ absolute on [−π, π] (SwiftShader's are that coarse: 1.9e-4 measured).
 */
const MATH = /* wgsl */ `
fn ds_isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; } // by the bits: WGSL may assume v == v
fn ds_erf(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) {
    let z = x * x;
    return x * (1.1283791670955126 + z * (-0.37612638903183754 + z * (0.11283791670955126 + z * (-0.026866170645131252 + z * 0.005223977625442188))));
  }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return select(-y, y, x >= 0.0);
}
fn ds_log1p(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * (x / (u - 1.0));
}
fn ds_expm1(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  if (x > 88.0) { return exp(x); }
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * (x / log(u));
}
fn ds_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn ds_tanh(x: f32) -> f32 {
  let c = clamp(x, -15.0, 15.0);
  if (abs(c) < 0.0004) { return c; }
  return tanh(c);
}
fn ds_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a == 0.0) { return select(1.0 / a, 0.0, b > 0.0); } // 1/±0 = ±∞ at run time (a constant ∞ does not compile)
  if (a > 0.0) { return exp2(b * log2(a)); }
  if (b != floor(b)) { let z = a - a; return z / z; } // NaN, computed at run time
  let m = exp2(b * log2(-a));
  let odd = abs(b - 2.0 * floor(b * 0.5)) == 1.0;
  return select(m, -m, odd);
}
fn ds_ipow(a: i32, b: i32) -> i32 {
  if (b < 0) { return select(select(0, select(-1, 1, (b & 1) == 0), a == -1), 1, a == 1); }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) == 1) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
fn ds_round(x: f32) -> f32 { return round(x); }
fn ds_sinpoly(z: f32) -> f32 { let zz = z * z; return ((-1.9515295891e-4 * zz + 8.3321608736e-3) * zz - 1.6666654611e-1) * zz * z + z; }
fn ds_cospoly(z: f32) -> f32 { let zz = z * z; return ((2.443315711809948e-5 * zz - 1.388731625493765e-3) * zz + 4.166664568298827e-2) * zz * zz - 0.5 * zz + 1.0; }
// |x| reduced to z in [−π/4, π/4] and its octant j in 0..7 (even: j·π/4 is the multiple taken off)
fn ds_octant(a: f32) -> vec2<f32> {
  var j = u32(a * 1.2732395447351628); // 4/π
  var y = f32(j);
  if ((j & 1u) == 1u) { j += 1u; y += 1.0; }
  let z = ((a - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
  return vec2<f32>(z, f32(j & 7u));
}
fn ds_sin(x: f32) -> f32 {
  let a = abs(x);
  if (a > 8192.0 || ds_isnan(x)) { return sin(x); } // NaN, ±∞ and huge arguments: the builtin
  let r = ds_octant(a);
  var j = u32(r.y);
  var s = select(1.0, -1.0, x < 0.0);
  if (j > 3u) { s = -s; j -= 4u; }
  return s * select(ds_sinpoly(r.x), ds_cospoly(r.x), j == 1u || j == 2u);
}
fn ds_cos(x: f32) -> f32 {
  let a = abs(x);
  if (a > 8192.0 || ds_isnan(x)) { return cos(x); }
  let r = ds_octant(a);
  var j = u32(r.y);
  var s = 1.0;
  if (j > 3u) { s = -s; j -= 4u; }
  if (j > 1u) { s = -s; }
  return s * select(ds_cospoly(r.x), ds_sinpoly(r.x), j == 1u || j == 2u);
}
`;

const unaryF32: { [P in UnaryPrim]: string } = {
  neg: "-x",
  abs: "abs(x)",
  exp: "exp(x)",
  log: "log(x)",
  log1p: "ds_log1p(x)",
  expm1: "ds_expm1(x)",
  sqrt: "sqrt(x)",
  rsqrt: "1.0 / sqrt(x)",
  sin: "ds_sin(x)",
  cos: "ds_cos(x)",
  tanh: "ds_tanh(x)",
  sigmoid: "ds_sigmoid(x)",
  relu: "select(0.0, x, x > 0.0 || ds_isnan(x))", // NaN stays NaN, as torch.relu
  sign: "sign(x)",
  floor: "floor(x)",
  ceil: "ceil(x)",
  round: "ds_round(x)", // WGSL's round() rounds half to even, like PyTorch
  erf: "ds_erf(x)",
};

/** The unary primitives defined on int32 (the rest are promoted to float by the op layer). */
const unaryI32: Partial<{ [P in UnaryPrim]: string }> = {
  neg: "-x",
  abs: "abs(x)",
  sign: "sign(x)",
  relu: "max(x, 0)",
  floor: "x",
  ceil: "x",
  round: "x",
};

const binaryF32: { [P in BinaryPrim]: string } = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "ds_pow(a, b)",
  // select, not max()/min(): NaN propagates as in PyTorch (WGSL's max/min may return either operand)
  maximum: "select(b, a, a > b || ds_isnan(a))",
  minimum: "select(b, a, a < b || ds_isnan(a))",
};

/** int32 arithmetic wraps around in WGSL, as Math.imul and `| 0` do on the CPU. */
const binaryI32: Partial<{ [P in BinaryPrim]: string }> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  pow: "ds_ipow(a, b)",
  maximum: "max(a, b)",
  minimum: "min(a, b)",
};

const compareExpr: { [P in ComparePrim]: string } = {
  eq: "a == b",
  ne: "a != b",
  lt: "a < b",
  le: "a <= b",
  gt: "a > b",
  ge: "a >= b",
  logicalAnd: "(a != Z) && (b != Z)",
  logicalOr: "(a != Z) || (b != Z)",
  logicalXor: "(a != Z) != (b != Z)",
};

/**
 * The shader of one elementwise operation of `inputs.length` strided operands over `nd` collapsed dims.
 * Parameters (i32): [size, shape₀…shape_{nd−1}, then per operand: offset, strides₀…]. `body` is an
 * expression of the loaded values x0, x1, … (typed `inTypes`) giving the output value.
 */
function elementwiseShader(nd: number, inTypes: readonly string[], outType: string, body: string): string {
  const base = (k: number) => 1 + nd + k * (nd + 1);
  const lines: string[] = [MATH];
  lines.push("@group(0) @binding(0) var<storage, read> prm: array<i32>;");
  lines.push(`@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;`);
  inTypes.forEach((t, k) => lines.push(`@group(0) @binding(${k + 2}) var<storage, read> in${k}: array<${t}>;`));
  lines.push(`@compute @workgroup_size(${WG})`);
  lines.push("fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {");
  lines.push(`  let i = i32((wid.y * nwg.x + wid.x) * ${WG}u + lid);`);
  lines.push("  if (i >= prm[0]) { return; }");
  lines.push("  var r = i;");
  inTypes.forEach((_, k) => lines.push(`  var p${k} = prm[${base(k)}];`));
  for (let d = nd - 1; d >= 0; d--) {
    if (d > 0) lines.push(`  { let s = prm[${1 + d}]; let q = r % s; r = r / s;`);
    else lines.push("  { let q = r;");
    inTypes.forEach((_, k) => lines.push(`    p${k} += q * prm[${base(k) + 1 + d}];`));
    lines.push("  }");
  }
  inTypes.forEach((_, k) => lines.push(`  let x${k} = in${k}[p${k}];`));
  lines.push(`  out[i] = ${body};`);
  lines.push("}");
  return lines.join("\n");
}

/**
 * Runs `body` elementwise over `inputs` broadcast to `shape`, into a fresh contiguous layout of
 * `outDType`. Empty outputs dispatch nothing.
 */
function runElementwise(gpu: WebGPUDevice, op: string, inputs: readonly GPULayout[], shape: readonly number[], outDType: DType, body: string): GPULayout {
  const types = inputs.map((x) => wgslType(gpuDType(op, x.dtype)));
  const outType = wgslType(gpuDType(op, outDType));
  const out = allocateLayout(gpu, shape, outDType, op);
  const size = sizeOf(shape);
  if (size === 0) return out;
  const collapsed = collapseDims(shape, inputs.map((x) => broadcastStrides(x, shape, op)));
  const nd = collapsed.shape.length;
  const prm = [size, ...collapsed.shape];
  inputs.forEach((x, k) => prm.push(x.offset, ...collapsed.strides[k]!));
  const pipeline = gpu.pipeline(elementwiseShader(nd, types, outType, body));
  gpu.dispatch(pipeline, [gpu.params(Int32Array.from(prm), op), out.buffer, ...inputs.map((x) => x.buffer)], grid(Math.ceil(size / WG)), op);
  return out;
}

/** A unary primitive (float32; int32 for those defined on integers), PyTorch's semantics as the CPU kernels. */
export function unary(gpu: WebGPUDevice, prim: UnaryPrim, x: GPULayout): GPULayout {
  const dtype = gpuDType(prim, x.dtype, ["float32", "int32"]);
  const expr = dtype === "float32" ? unaryF32[prim] : unaryI32[prim];
  if (expr === undefined) throw new Error(`${prim}: int32 input is not supported by the WebGPU kernel; cast it to float32 first`);
  return runElementwise(gpu, prim, [x], x.shape, dtype, expr.replace(/\bx\b/g, "x0"));
}

/** A binary primitive of two broadcast operands of one dtype (float32, or int32 except div). */
export function binary(gpu: WebGPUDevice, prim: BinaryPrim, a: GPULayout, b: GPULayout): GPULayout {
  const dtype = gpuDType(prim, a.dtype, ["float32", "int32"]);
  if (b.dtype !== dtype) throw new Error(`${prim}: operands of one dtype expected on WebGPU, got ${a.dtype} and ${b.dtype}`);
  const expr = dtype === "float32" ? binaryF32[prim] : binaryI32[prim];
  if (expr === undefined) throw new Error(`${prim}: int32 operands are not supported by the WebGPU kernel (the op promotes them to float32)`);
  const shape = broadcastShapes(prim, a.shape, b.shape);
  return runElementwise(gpu, prim, [a, b], shape, dtype, expr.replace(/\ba\b/g, "x0").replace(/\bb\b/g, "x1"));
}

/** A comparison or logical primitive of two broadcast operands → bool. Mixed dtypes compare as float32. */
export function compare(gpu: WebGPUDevice, prim: ComparePrim, a: GPULayout, b: GPULayout): GPULayout {
  const ta = wgslType(gpuDType(prim, a.dtype)), tb = wgslType(gpuDType(prim, b.dtype));
  const t = ta === tb ? ta : "f32";
  const zero = t === "f32" ? "0.0" : t === "i32" ? "0" : "0u";
  const expr = compareExpr[prim].replaceAll("Z", zero).replace(/\ba\b/g, `${t}(x0)`).replace(/\bb\b/g, `${t}(x1)`);
  const shape = broadcastShapes(prim, a.shape, b.shape);
  return runElementwise(gpu, prim, [a, b], shape, "bool", `select(0u, 1u, ${expr})`);
}

/** logicalNot: 1 where x is 0, else 0 (bool output). */
export function logicalNot(gpu: WebGPUDevice, x: GPULayout): GPULayout {
  const t = wgslType(gpuDType("logicalNot", x.dtype));
  return runElementwise(gpu, "logicalNot", [x], x.shape, "bool", `select(0u, 1u, x0 == ${t}(0))`);
}

/** where(c, a, b): a where c is nonzero, else b, all three broadcast; a and b of one dtype. */
export function where(gpu: WebGPUDevice, c: GPULayout, a: GPULayout, b: GPULayout): GPULayout {
  const tc = wgslType(gpuDType("where", c.dtype));
  gpuDType("where", a.dtype);
  if (b.dtype !== a.dtype) throw new Error(`where: a and b of one dtype expected on WebGPU, got ${a.dtype} and ${b.dtype}`);
  const shape = broadcastShapes("where", c.shape, a.shape, b.shape);
  return runElementwise(gpu, "where", [c, a, b], shape, a.dtype, `select(x2, x1, x0 != ${tc}(0))`);
}

/** g where y > 0, else 0 (PyTorch's threshold_backward); g and y of one shape and dtype. */
export function reluBackward(gpu: WebGPUDevice, g: GPULayout, y: GPULayout): GPULayout {
  const t = wgslType(gpuDType("reluBackward", g.dtype, ["float32", "int32"]));
  if (y.dtype !== g.dtype || y.shape.length !== g.shape.length || y.shape.some((s, i) => s !== g.shape[i])) {
    throw new Error(`reluBackward: expected g and y of one shape and dtype, got ${g.dtype} [${g.shape.join(", ")}] and ${y.dtype} [${y.shape.join(", ")}]`);
  }
  return runElementwise(gpu, "reluBackward", [g, y], g.shape, g.dtype, `select(${t}(0), x0, x1 > ${t}(0))`);
}

/** GELU ½x(1 + erf(x/√2)) per element (float32). */
export function gelu(gpu: WebGPUDevice, x: GPULayout): GPULayout {
  gpuDType("gelu", x.dtype, ["float32"]);
  return runElementwise(gpu, "gelu", [x], x.shape, "float32", "0.5 * x0 * (1.0 + ds_erf(x0 * 0.70710678118654752))");
}

/** GELU's gradient g·(Φ(x) + x·φ(x)); g and x of one shape (float32). */
export function geluBackward(gpu: WebGPUDevice, g: GPULayout, x: GPULayout): GPULayout {
  gpuDType("geluBackward", g.dtype, ["float32"]);
  if (x.dtype !== g.dtype || x.shape.length !== g.shape.length || x.shape.some((s, i) => s !== g.shape[i])) {
    throw new Error(`geluBackward: expected g and x of one shape and dtype, got ${g.dtype} [${g.shape.join(", ")}] and ${x.dtype} [${x.shape.join(", ")}]`);
  }
  const cdf = "0.5 * (1.0 + ds_erf(x1 * 0.70710678118654752))", pdf = "0.39894228040143268 * exp(-0.5 * x1 * x1)";
  return runElementwise(gpu, "geluBackward", [g, x], g.shape, "float32", `x0 * (${cdf} + x1 * ${pdf})`);
}

/**
 * Binary cross-entropy per element of probabilities x and targets y of one shape (the primitive):
 * −(y·max(log x, −100) + (1 − y)·max(log1p(−x), −100)); the clamps are taken before the logarithm, so no
 * infinity is formed (WGSL may assume there is none).
 */
export function binaryCrossEntropy(gpu: WebGPUDevice, x: GPULayout, y: GPULayout): GPULayout {
  gpuDType("binaryCrossEntropy", x.dtype, ["float32"]);
  if (y.dtype !== x.dtype || y.shape.length !== x.shape.length || y.shape.some((s, i) => s !== x.shape[i])) {
    throw new Error(`binaryCrossEntropy: expected x and y of one shape and dtype, got ${x.dtype} [${x.shape.join(", ")}] and ${y.dtype} [${y.shape.join(", ")}]`);
  }
  // e^(−100) = 3.72e-44: below it log x < −100; log1p(−x) < −100 only where x rounds to 1 in float32
  const logP = "select(-100.0, max(log(x0), -100.0), x0 > 3.7200760e-44)";
  const logQ = "select(-100.0, max(ds_log1p(-x0), -100.0), x0 < 1.0)";
  return runElementwise(gpu, "binaryCrossEntropy", [x, y], x.shape, "float32", `(x1 - 1.0) * ${logQ} - x1 * ${logP}`);
}

/** A dtype conversion as the CPU's cast: to int32 truncates (non-finite → 0), to bool tests for nonzero. */
export function cast(gpu: WebGPUDevice, x: GPULayout, dtype: DType): GPULayout {
  const from: WebGPUDType = gpuDType("cast", x.dtype);
  const to: WebGPUDType = gpuDType("cast", dtype);
  let expr: string;
  if (to === "bool") expr = `select(0u, 1u, x0 != ${wgslType(from)}(0))`;
  else if (to === "int32" && from === "float32") expr = "select(0, i32(trunc(x0)), abs(x0) < 2147483648.0)";
  else expr = `${wgslType(to)}(x0)`;
  return runElementwise(gpu, "cast", [x], x.shape, to, expr);
}

/** A strided (permuted, sliced, broadcast) view materialized as a fresh contiguous layout. */
export function contiguous(gpu: WebGPUDevice, x: GPULayout, shape: readonly number[] = x.shape): GPULayout {
  return runElementwise(gpu, "contiguous", [x], shape, x.dtype, "x0");
}
