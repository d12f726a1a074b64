/// <reference types="@webgpu/types" />
// A tiled WGSL matrix product: 64×64 output tiles per workgroup, 16-deep slices of A and B staged in
// workgroup memory, 4×4 outputs per thread held in registers; vec4 loads where an operand's rows are
// contiguous and 16-byte aligned; batched, and transposed operands read through their strides (no copies).
import { type WebGPUDevice } from "./device.js";
import { allocateLayout, gpuDType, type GPULayout } from "./layout.js";

const BM = 64, BN = 64, BK = 16;

/**
 * The shader for one combination of load paths. prm (i32): [M, N, K, oa, sab, sam, sak, ob, sbb, sbk, sbn,
 * biasOffset, biasStride]. Thread (tx, ty) of 16×16 computes rows 4ty…4ty+3 and columns 4tx…4tx+3 of the tile.
 */
function matmulShader(aVec: boolean, bVec: boolean, bias: boolean): string {
  const loadA = aVec
    ? `  { // one vec4 along K per thread: row t/4, k-quad t%4
    let mi = i32(t / 4u); let kq = i32(t % 4u);
    let m = m0 + mi; let k = k0 + kq * 4;
    var v = vec4<f32>(0.0);
    if (m < M && k < K) { v = av[(oa + bi * sab + m * sam + k) / 4]; }
    for (var c = 0; c < 4; c++) { As[(kq * 4 + c) * 16 + mi / 4][mi % 4] = v[c]; }
  }`
    : `  for (var l = 0u; l < 4u; l++) {
    let e = i32(t + l * 256u); let mi = e / 16; let kk = e % 16;
    let m = m0 + mi; let k = k0 + kk;
    var v = 0.0;
    if (m < M && k < K) { v = a[oa + bi * sab + m * sam + k * sak]; }
    As[kk * 16 + mi / 4][mi % 4] = v;
  }`;
  const loadB = bVec
    ? `  { // one vec4 along N per thread: k-row t/16, n-quad t%16
    let kk = i32(t / 16u); let nq = i32(t % 16u);
    let k = k0 + kk; let n = n0 + nq * 4;
    var v = vec4<f32>(0.0);
    if (k < K && n < N) { v = bv[(ob + bi * sbb + k * sbk + n) / 4]; }
    Bs[kk * 16 + nq] = v;
  }`
    : `  for (var l = 0u; l < 4u; l++) {
    let e = i32(t + l * 256u); let kk = e / 64; let ni = e % 64;
    let k = k0 + kk; let n = n0 + ni;
    var v = 0.0;
    if (k < K && n < N) { v = b[ob + bi * sbb + k * sbk + n * sbn]; }
    Bs[kk * 16 + ni / 4][ni % 4] = v;
  }`;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@group(0) @binding(2) var<storage, read> ${aVec ? "av: array<vec4<f32>>" : "a: array<f32>"};
@group(0) @binding(3) var<storage, read> ${bVec ? "bv: array<vec4<f32>>" : "b: array<f32>"};
${bias ? "@group(0) @binding(4) var<storage, read> bias: array<f32>;" : ""}
var<workgroup> As: array<vec4<f32>, ${(BK * BM) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(BK * BN) / 4}>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let M = prm[0]; let N = prm[1]; let K = prm[2];
  let oa = prm[3]; let sab = prm[4]; let sam = prm[5]; let sak = prm[6];
  let ob = prm[7]; let sbb = prm[8]; let sbk = prm[9]; let sbn = prm[10];
  let bi = i32(wid.z);
  let m0 = i32(wid.y) * ${BM};
  let n0 = i32(wid.x) * ${BN};
  let tx = i32(t % 16u);
  let ty = i32(t / 16u);
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0; k0 < K; k0 += ${BK}) {
${loadA}
${loadB}
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
      if (n < N) { c[(bi * M + m) * N + n] = acc[i][j]${bias ? " + bias[prm[11] + n * prm[12]]" : ""}; }
    }
  }
}`;
}

/** An operand viewed as (batch, rows, cols) with batch stride 0 when it has no batch dim. */
function asBatched(x: GPULayout, op: string, name: string): { batch: number; rows: number; cols: number; sb: number; sr: number; sc: number } {
  const nd = x.shape.length;
  if (nd !== 2 && nd !== 3) throw new Error(`${op}: ${name} must be 2-D or 3-D, got shape [${x.shape.join(", ")}]`);
  return nd === 2
    ? { batch: 1, rows: x.shape[0]!, cols: x.shape[1]!, sb: 0, sr: x.strides[0]!, sc: x.strides[1]! }
    : { batch: x.shape[0]!, rows: x.shape[1]!, cols: x.shape[2]!, sb: x.strides[0]!, sr: x.strides[1]!, sc: x.strides[2]! };
}

/** True when a vec4 view reads this operand's rows: unit column stride, row/batch strides and offset multiples of 4. */
function vec4Rows(cols: number, sb: number, sr: number, sc: number, offset: number): boolean {
  return sc === 1 && cols % 4 === 0 && sr % 4 === 0 && sb % 4 === 0 && offset % 4 === 0;
}

/**
 * The float32 product a·b (+ bias along the last dim): a (M, K) or (B, M, K), b (K, N) or (B, K, N), a 2-D
 * operand shared by every batch; output contiguous (M, N) or (B, M, N). Any strides: a transposed
 * operand is a view, e.g. wᵀ for a linear layer.
 */
export function matmul(gpu: WebGPUDevice, a: GPULayout, b: GPULayout, bias?: GPULayout): GPULayout {
  const op = bias === undefined ? "matmul" : "linear";
  gpuDType(op, a.dtype, ["float32"]);
  gpuDType(op, b.dtype, ["float32"]);
  const A = asBatched(a, op, "a"), B = asBatched(b, op, "b");
  if (A.cols !== B.rows) throw new Error(`${op}: shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}] are not aligned (${A.cols} != ${B.rows})`);
  if (A.batch !== B.batch && A.batch !== 1 && B.batch !== 1) {
    throw new Error(`${op}: batch sizes of [${a.shape.join(", ")}] and [${b.shape.join(", ")}] differ (${A.batch} != ${B.batch})`);
  }
  const M = A.rows, K = A.cols, N = B.cols, batch = Math.max(A.batch, B.batch);
  if (bias !== undefined) {
    gpuDType(op, bias.dtype, ["float32"]);
    if (bias.shape.length !== 1 || bias.shape[0] !== N) throw new Error(`${op}: bias of shape [${bias.shape.join(", ")}] does not match ${N} output features`);
  }
  const outShape = a.shape.length === 2 && b.shape.length === 2 ? [M, N] : [batch, M, N];
  const out = allocateLayout(gpu, outShape, "float32", op);
  if (M === 0 || N === 0 || batch === 0) return out;
  const sab = A.batch === 1 ? 0 : A.sb, sbb = B.batch === 1 ? 0 : B.sb;
  const aVec = vec4Rows(K, sab, A.sr, A.sc, a.offset);
  const bVec = vec4Rows(N, sbb, B.sr, B.sc, b.offset);
  const prm = Int32Array.from([M, N, K, a.offset, sab, A.sr, A.sc, b.offset, sbb, B.sr, B.sc, bias?.offset ?? 0, bias?.strides[0] ?? 0]);
  const pipeline = gpu.pipeline(matmulShader(aVec, bVec, bias !== undefined));
  const buffers = [gpu.params(prm, op), out.buffer, a.buffer, b.buffer];
  if (bias !== undefined) buffers.push(bias.buffer);
  gpu.dispatch(pipeline, buffers, [Math.ceil(N / BN), Math.ceil(M / BM), batch], op);
  return out;
}

/** PyTorch's linear (addmm): x (M, K), w (N, K), b (N) → x·wᵀ + b, with wᵀ read through strides. */
export function linear(gpu: WebGPUDevice, x: GPULayout, w: GPULayout, b?: GPULayout): GPULayout {
  if (w.shape.length !== 2) throw new Error(`linear: weight must be 2-D, got shape [${w.shape.join(", ")}]`);
  const wT: GPULayout = { ...w, shape: [w.shape[1]!, w.shape[0]!], strides: [w.strides[1]!, w.strides[0]!] };
  return b === undefined ? matmul(gpu, x, wT) : matmul(gpu, x, wT, b);
}
