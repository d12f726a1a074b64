/// <reference types="@webgpu/types" />
// WGSL convolutions as implicit GEMMs (no im2col buffer): conv, its adjoint in x (convTranspose) and in
// w (convWeight), 1 to 3 spatial dims, stride, padding, dilation and groups as the CPU kernels
// (src/backend/cpu/conv.ts). Each is the tiled product of matmul.ts (64×64 output tiles, 16-deep
// slices staged in workgroup memory, 4×4 outputs per thread) whose operand loads compute the
// convolution's addresses — zeros outside the input — and whose store writes the NC(D)HW output.
// convTranspose gathers (each output sums the taps that reach it), and a long reduction with few output
// tiles (convWeight's K = N·P) is split over workgroups and summed in a fixed order: no atomics, and
// every result is deterministic.
import type { ConvParams } from "../../autograd/prims.js";
import { grid, MAX_GROUPS_PER_DIM, type WebGPUDevice } from "./device.js";
import { allocateLayout, gpuDType, sizeOf, type GPULayout } from "./layout.js";

const BM = 64, BN = 64, BK = 16;

type ConvKind = "conv" | "convTranspose" | "convWeight";

/**
 * prm (i32) slots. The geometry is the forward convolution's, each spatial axis padded to three
 * (leading size-1 axes): IN (its input), OUT (its output), KS (kernel), ST, PD, DL.
 * Operand X is x (conv, convWeight) or y (convTranspose); operand W is w (conv, convTranspose) or dy
 * (convWeight); each has an offset, two leading strides and three spatial strides.
 */
const P_ = {
  M: 0, N: 1, K: 2, tilesN: 3, tilesM: 4,
  IN: 5, OUT: 8, KS: 11, ST: 14, PD: 17, DL: 20,
  Cg: 23, Og: 24, Cout: 25,
  X: 26, // offset, s0, s1, spatial[3]
  W: 32, // offset, s0, s1, spatial[3]
  bias: 38, // offset, stride
  G: 40, chunk: 41, total: 42, // split-K: groups, K per split, output size (the stride between partial outputs)
} as const;

const HELPERS = /* wgsl */ `
fn ax(at: i32, a: i32) -> i32 { return prm[at + a]; }
// v (row-major over sizes (s0, s1, s2)) → (i0, i1, i2)
fn split3(v: i32, at: i32) -> vec3<i32> {
  let s1 = prm[at + 1]; let s2 = prm[at + 2];
  let i2 = v % s2; let t = v / s2;
  return vec3<i32>(t / s1, t % s1, i2);
}
fn vol(at: i32) -> i32 { return prm[at] * prm[at + 1] * prm[at + 2]; }
// operand element at (lead0, lead1, spatial position sp) through its strides
fn at5(o: i32, i0: i32, i1: i32, sp: vec3<i32>) -> i32 {
  return prm[o] + i0 * prm[o + 1] + i1 * prm[o + 2] + sp.x * prm[o + 3] + sp.y * prm[o + 4] + sp.z * prm[o + 5];
}
// the conv's input position of output position p and tap k, or −1 in some axis when outside the input
fn inPos(p: vec3<i32>, k: vec3<i32>) -> vec3<i32> {
  var r: vec3<i32>;
  for (var a = 0; a < 3; a++) {
    let i = p[a] * ax(${P_.ST}, a) - ax(${P_.PD}, a) + k[a] * ax(${P_.DL}, a);
    r[a] = select(-1, i, i >= 0 && i < ax(${P_.IN}, a));
  }
  return r;
}
fn inside(v: vec3<i32>) -> bool { return v.x >= 0 && v.y >= 0 && v.z >= 0; }
`;

/** The operand loads and the store of each convolution as a GEMM over (m, k) · (k, n) → (m, n), per group g. */
const BODIES: { [K in ConvKind]: string } = {
  // y[n, g·Og + m, p] = Σ_{c,k} w[g·Og + m, c, k] · x[n, g·Cg + c, p·s − pad + k·d]: rows (c, k), columns (n, p)
  conv: /* wgsl */ `
fn ldA(g: i32, m: i32, r: i32) -> f32 {
  let KT = vol(${P_.KS});
  return w[at5(${P_.W}, g * prm[${P_.Og}] + m, r / KT, split3(r % KT, ${P_.KS}))];
}
fn ldB(g: i32, r: i32, col: i32) -> f32 {
  let KT = vol(${P_.KS}); let P = vol(${P_.OUT});
  let i = inPos(split3(col % P, ${P_.OUT}), split3(r % KT, ${P_.KS}));
  if (!inside(i)) { return 0.0; }
  return x[at5(${P_.X}, col / P, g * prm[${P_.Cg}] + r / KT, i)];
}
fn st(g: i32, m: i32, col: i32, v: f32) {
  let P = vol(${P_.OUT});
  let o = g * prm[${P_.Og}] + m;
  out[sbase + ((col / P) * prm[${P_.Cout}] + o) * P + col % P] = v + select(0.0, BIAS, sbase == 0); // the bias once, in the first split
}`,
  // out[n, g·Og + m, q] = Σ_{c,k} w[g·Ig + c, m, k] · y[n, g·Ig + c, p] over the p with p·s − pad + k·d = q
  convTranspose: /* wgsl */ `
fn ldA(g: i32, m: i32, r: i32) -> f32 {
  let KT = vol(${P_.KS});
  return w[at5(${P_.W}, g * prm[${P_.Cg}] + r / KT, m, split3(r % KT, ${P_.KS}))];
}
fn ldB(g: i32, r: i32, col: i32) -> f32 {
  let KT = vol(${P_.KS}); let L = vol(${P_.IN});
  let q = split3(col % L, ${P_.IN});
  let k = split3(r % KT, ${P_.KS});
  var p: vec3<i32>;
  for (var a = 0; a < 3; a++) {
    let t = q[a] + ax(${P_.PD}, a) - k[a] * ax(${P_.DL}, a);
    let s = ax(${P_.ST}, a);
    if (t < 0 || t % s != 0 || t / s >= ax(${P_.OUT}, a)) { return 0.0; }
    p[a] = t / s;
  }
  return x[at5(${P_.X}, col / L, g * prm[${P_.Cg}] + r / KT, p)];
}
fn st(g: i32, m: i32, col: i32, v: f32) {
  let L = vol(${P_.IN});
  out[sbase + ((col / L) * prm[${P_.Cout}] + g * prm[${P_.Og}] + m) * L + col % L] = v;
}`,
  // dw[g·Og + m, c, k] = Σ_{n,p} dy[n, g·Og + m, p] · x[n, g·Cg + c, p·s − pad + k·d]: rows (n, p), columns (c, k)
  convWeight: /* wgsl */ `
fn ldA(g: i32, m: i32, r: i32) -> f32 {
  let P = vol(${P_.OUT});
  return w[at5(${P_.W}, r / P, g * prm[${P_.Og}] + m, split3(r % P, ${P_.OUT}))];
}
fn ldB(g: i32, r: i32, col: i32) -> f32 {
  let KT = vol(${P_.KS}); let P = vol(${P_.OUT});
  let i = inPos(split3(r % P, ${P_.OUT}), split3(col % KT, ${P_.KS}));
  if (!inside(i)) { return 0.0; }
  return x[at5(${P_.X}, r / P, g * prm[${P_.Cg}] + col / KT, i)];
}
fn st(g: i32, m: i32, col: i32, v: f32) {
  out[sbase + (g * prm[${P_.Og}] + m) * prm[${P_.N}] + col] = v;
}`,
};

/** The implicit-GEMM shader of one convolution kind: thread (tx, ty) of 16×16 computes a 4×4 block of a 64×64 tile. */
function convShader(kind: ConvKind, bias: boolean): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
${bias ? "@group(0) @binding(4) var<storage, read> bias: array<f32>;" : ""}
${HELPERS}
${BODIES[kind].replace("BIAS", bias ? `bias[prm[${P_.bias}] + o * prm[${P_.bias + 1}]]` : "0.0")}
var<private> sbase: i32; // where this split's partial output starts (0 without split-K)
var<workgroup> As: array<vec4<f32>, ${(BK * BM) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(BK * BN) / 4}>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let M = prm[${P_.M}]; let N = prm[${P_.N}]; let K = prm[${P_.K}];
  let tile = i32(wid.y * nwg.x + wid.x);
  if (tile >= prm[${P_.tilesM}] * prm[${P_.tilesN}]) { return; }
  let g = i32(wid.z) % prm[${P_.G}];
  let split = i32(wid.z) / prm[${P_.G}];
  sbase = split * prm[${P_.total}];
  let kBegin = split * prm[${P_.chunk}];
  let kEnd = min(K, kBegin + prm[${P_.chunk}]);
  let m0 = (tile / prm[${P_.tilesN}]) * ${BM};
  let n0 = (tile % prm[${P_.tilesN}]) * ${BN};
  let tx = i32(t % 16u);
  let ty = i32(t / 16u);
  var acc: array<vec4<f32>, 4>;
  for (var k0 = kBegin; k0 < kEnd; k0 += ${BK}) {
    for (var l = 0u; l < 4u; l++) {
      let e = i32(t + l * 256u); let mi = e / 16; let kk = e % 16;
      let m = m0 + mi; let k = k0 + kk;
      var v = 0.0;
      if (m < M && k < kEnd) { v = ldA(g, m, k); }
      As[kk * 16 + mi / 4][mi % 4] = v;
    }
    for (var l = 0u; l < 4u; l++) {
      let e = i32(t + l * 256u); let kk = e / 64; let ni = e % 64;
      let k = k0 + kk; let n = n0 + ni;
      var v = 0.0;
      if (k < kEnd && n < N) { v = ldB(g, k, n); }
      Bs[kk * 16 + ni / 4][ni % 4] = v;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${BK}; kk++) {
      let ak = As[kk * 16 + ty];
      let bk = Bs[kk * 16 + tx];
      acc[0] += ak.x * bk;
      acc[1] += ak.y * bk;
      acc[2] += ak.z * bk;
      acc[3] += ak.w * bk;
    }
    workgroupBarrier();
  }
  for (var i = 0; i < 4; i++) {
    let m = m0 + ty * 4 + i;
    if (m >= M) { break; }
    for (var j = 0; j < 4; j++) {
      let n = n0 + tx * 4 + j;
      if (n < N) { st(g, m, n, acc[i][j]); }
    }
  }
}`;
}

/** Spatial sizes padded to three axes with leading 1s. */
function pad3(v: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - v.length).fill(fill), ...v];
}

/** The five strides (two leading, three spatial padded with 0) and offset of an operand. */
function operand(t: GPULayout): number[] {
  const sp = t.strides.slice(2);
  return [t.offset, t.strides[0]!, t.strides[1]!, ...pad3(sp, 0)];
}

function checkOperands(op: ConvKind, a: GPULayout, b: GPULayout, params: ConvParams): number {
  gpuDType(op, a.dtype, ["float32"]);
  gpuDType(op, b.dtype, ["float32"]);
  const sd = a.shape.length - 2;
  if (sd < 1 || sd > 3 || b.shape.length !== sd + 2) {
    throw new Error(`${op}: expected inputs with 1 to 3 spatial dims and one rank, got shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}]`);
  }
  for (const [name, v] of [["stride", params.stride], ["padding", params.padding], ["dilation", params.dilation], ["outputSize", params.outputSize]] as const) {
    if (v.length !== sd) throw new Error(`${op}: ${name} [${v.join(", ")}] must have one entry per spatial dim (${sd})`);
  }
  if (!Number.isInteger(params.groups) || params.groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${params.groups}`);
  return sd;
}

function run(gpu: WebGPUDevice, kind: ConvKind, out: GPULayout, X: GPULayout, W: GPULayout, bias: GPULayout | undefined,
  M: number, N: number, K: number, geo: { IN: number[]; OUT: number[]; KS: number[] }, params: ConvParams, Cg: number, Og: number, Cout: number): GPULayout {
  const total = sizeOf(out.shape);
  if (total === 0) return out;
  const tilesM = Math.ceil(M / BM), tilesN = Math.ceil(N / BN);
  const tiles = tilesM * tilesN;
  const G = params.groups;
  // split-K when few output tiles would each run a long K loop (convWeight: K = N·P): the splits'
  // partial products go to scratch and are summed in split order, so the result stays deterministic
  const splits = tiles * G < MIN_WORKGROUPS && K >= 2 * SPLIT_MIN_K ? Math.min(Math.ceil(K / SPLIT_MIN_K), Math.ceil(MIN_WORKGROUPS / (tiles * G))) : 1;
  const chunk = Math.max(Math.ceil(K / splits / BK) * BK, BK);
  const used = Math.max(Math.ceil(K / chunk), 1); // K = 0 (an empty batch's convWeight): one pass writing zeros
  if (G * used > MAX_GROUPS_PER_DIM) throw new Error(`${kind}: ${G} groups exceed WebGPU's ${MAX_GROUPS_PER_DIM} workgroups per dispatch dimension`);
  const prm = [
    M, N, K, tilesN, tilesM,
    ...geo.IN, ...geo.OUT, ...geo.KS, ...pad3(params.stride, 1), ...pad3(params.padding, 0), ...pad3(params.dilation, 1),
    Cg, Og, Cout,
    ...operand(X), ...operand(W),
    bias?.offset ?? 0, bias?.strides[0] ?? 0,
    G, chunk, total,
  ];
  const [gx, gy] = grid(tiles);
  const target = used > 1 ? gpu.acquire(used * total * 4, kind) : out.buffer;
  const buffers = [gpu.params(Int32Array.from(prm), kind), target, X.buffer, W.buffer];
  if (bias !== undefined) buffers.push(bias.buffer);
  gpu.dispatch(gpu.pipeline(convShader(kind, bias !== undefined)), buffers, [gx, gy, G * used], kind);
  if (used > 1) {
    gpu.dispatch(gpu.pipeline(splitSumShader), [gpu.params(Int32Array.from([total, used]), kind), out.buffer, target], grid(Math.ceil(total / 256)), kind);
    gpu.release(target);
  }
  return out;
}

/** Below this many workgroups (output tiles × groups) a long K loop is split. */
const MIN_WORKGROUPS = 64;
/** The least K per split. */
const SPLIT_MIN_K = 256;

/** out[i] = Σ_s part[s·total + i] in split order. prm (i32): [total, splits]. */
const splitSumShader = /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> part: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = i32((wid.y * nwg.x + wid.x) * 256u + lid);
  let total = prm[0];
  if (i >= total) { return; }
  var acc = 0.0;
  for (var s = 0; s < prm[1]; s++) { acc += part[s * total + i]; }
  out[i] = acc;
}`;

/**
 * The `conv` primitive: inputs (x (N, G·Cg, *in), w (G·Og, Cg, *k)[, b (G·Og)]) → y (N, G·Og, *outputSize),
 * y[n, o, p] = Σ_{c,k} x[n, g·Cg + c, p·stride − padding + k·dilation]·w[o, c, k] (+ b[o]), zeros outside x.
 */
export function conv(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: ConvParams): GPULayout {
  const [x, w, b] = inputs as [GPULayout, GPULayout, GPULayout | undefined];
  checkOperands("conv", x, w, params);
  const G = params.groups, [N, Cin] = x.shape as [number, number], [Cout, Cg] = w.shape as [number, number];
  if (Cin !== G * Cg || Cout % G !== 0) {
    throw new Error(`conv: input of shape [${x.shape.join(", ")}] and weight of shape [${w.shape.join(", ")}] do not fit ${G} groups`);
  }
  if (b !== undefined) {
    gpuDType("conv", b.dtype, ["float32"]);
    if (b.shape.length !== 1 || b.shape[0] !== Cout) throw new Error(`conv: bias of shape [${b.shape.join(", ")}] does not match ${Cout} output channels`);
  }
  const Og = Cout / G;
  const out = allocateLayout(gpu, [N, Cout, ...params.outputSize], "float32", "conv");
  const geo = { IN: pad3(x.shape.slice(2), 1), OUT: pad3(params.outputSize, 1), KS: pad3(w.shape.slice(2), 1) };
  const P = sizeOf(params.outputSize), KT = sizeOf(w.shape.slice(2));
  return run(gpu, "conv", out, x, w, b, Og, N * P, Cg * KT, geo, params, Cg, Og, Cout);
}

/**
 * The `convTranspose` primitive (conv's adjoint in x): inputs (y (N, G·Ig, *in), w (G·Ig, Og, *k)) →
 * (N, G·Og, *outputSize), each output summing y[n, c, p]·w[c, o, k] over the (p, k) with
 * p·stride − padding + k·dilation at its position.
 */
export function convTranspose(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: ConvParams): GPULayout {
  const [y, w] = inputs as [GPULayout, GPULayout];
  checkOperands("convTranspose", y, w, params);
  const G = params.groups, [N, Cin] = y.shape as [number, number], [Wc, Og] = w.shape as [number, number];
  if (Cin !== Wc || Cin % G !== 0) {
    throw new Error(`convTranspose: input of shape [${y.shape.join(", ")}] and weight of shape [${w.shape.join(", ")}] do not fit ${G} groups`);
  }
  const Ig = Cin / G, Cout = G * Og;
  const out = allocateLayout(gpu, [N, Cout, ...params.outputSize], "float32", "convTranspose");
  // the forward conv maps outputSize (its input) to y's spatial size (its output)
  const geo = { IN: pad3(params.outputSize, 1), OUT: pad3(y.shape.slice(2), 1), KS: pad3(w.shape.slice(2), 1) };
  const L = sizeOf(params.outputSize), KT = sizeOf(w.shape.slice(2));
  return run(gpu, "convTranspose", out, y, w, undefined, Og, N * L, Ig * KT, geo, params, Ig, Og, Cout);
}

/**
 * The `convWeight` primitive (conv's adjoint in w): inputs (x (N, G·Cg, *in), dy (N, Cout, *out)) →
 * dw (Cout, Cg, *outputSize), dw[o, c, k] = Σ_{n,p} dy[n, o, p]·x[n, g·Cg + c, p·stride − padding + k·dilation].
 */
export function convWeight(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: ConvParams): GPULayout {
  const [x, dy] = inputs as [GPULayout, GPULayout];
  checkOperands("convWeight", x, dy, params);
  const G = params.groups, [N, Cin] = x.shape as [number, number], Cout = dy.shape[1]!;
  if (dy.shape[0] !== N || Cin % G !== 0 || Cout % G !== 0) {
    throw new Error(`convWeight: input of shape [${x.shape.join(", ")}] and output gradient of shape [${dy.shape.join(", ")}] do not fit ${G} groups`);
  }
  const Cg = Cin / G, Og = Cout / G;
  const out = allocateLayout(gpu, [Cout, Cg, ...params.outputSize], "float32", "convWeight");
  const geo = { IN: pad3(x.shape.slice(2), 1), OUT: pad3(dy.shape.slice(2), 1), KS: pad3(params.outputSize, 1) };
  const P = sizeOf(dy.shape.slice(2)), KT = sizeOf(params.outputSize);
  return run(gpu, "convWeight", out, x, dy, undefined, Og, Cg * KT, N * P, geo, params, Cg, Og, Cout);
}
