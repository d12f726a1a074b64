/// <reference types="@webgpu/types" />
// WebGPU scaled dot-product attention and its gradient, composed from the tiled matmul (matmul.ts, operands
// transposed through their strides) and two row kernels: the scaled, masked softmax that also writes each
// row's logsumexp, and the dS = P ∘ (dP − rowsum(dO ∘ O) + dlse) step of the backward. The L×S scores are
// materialized (scratch buffers returned to the pool); the CPU kernels (src/backend/cpu/attention.ts) are the oracle.
import type { PrimParams } from "../../autograd/prims.js";
import { grid, type WebGPUDevice } from "./device.js";
import { allocateLayout, gpuDType, sizeOf, type GPULayout } from "./layout.js";
import { dense, ENTRY_ARGS, NEG_INF_BITS, releaseAll, THREAD_INDEX, WG } from "./kernel.js";
import { matmul } from "./matmul.js";
import { zeroFill } from "./movement.js";

/** Threads per row: wide for long rows, narrow when there are many short ones. */
function rowWidth(S: number): number {
  return S >= 1024 ? 256 : 64;
}

/** A (B, R, C) layout read as (B, C, R): the transpose as a view. */
function transposed(x: GPULayout): GPULayout {
  return { ...x, shape: [x.shape[0]!, x.shape[2]!, x.shape[1]!], strides: [x.strides[0]!, x.strides[2]!, x.strides[1]!] };
}

/**
 * WGSL of the score sᵢⱼ = scale·raw + mask[b, i, j], −∞ above the diagonal when causal. prm (i32): [rows, L, S,
 * scale bits, −∞ bits, maskOffset, maskStrides[3], NaN bits, …].
 */
function scoreFn(mask: boolean, causal: boolean): string {
  return `fn score(raw: f32, b: i32, i: i32, j: i32) -> f32 {
  var s = bitcast<f32>(prm[3]) * raw;
  ${mask ? "s += mask[prm[5] + b * prm[6] + i * prm[7] + j * prm[8]];" : ""}
  ${causal ? "if (j > i) { s = bitcast<f32>(prm[4]); }" : ""}
  return s;
}
fn isNegInf(v: f32) -> bool { return bitcast<u32>(v) == 0xff800000u; }`;
}

/** Forward rows: P = softmax(score) in place of the raw scores, lse = m + log Σ e^(s − m); a fully masked row gives NaN and −∞. */
function softmaxShader(mask: boolean, causal: boolean, wg: number): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
${mask ? "@group(0) @binding(3) var<storage, read> mask: array<f32>;" : ""}
var<workgroup> sh: array<f32, ${wg}>;
${scoreFn(mask, causal)}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = i32(wid.y * nwg.x + wid.x);
  if (row >= prm[0]) { return; }
  let L = prm[1];
  let S = prm[2];
  let b = row / L;
  let i = row % L;
  let base = row * S;
  let ninf = bitcast<f32>(prm[4]);
  var m = ninf;
  for (var j = i32(lid); j < S; j += ${wg}) { m = max(m, score(p[base + j], b, i, j)); }
  sh[lid] = m;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = max(sh[lid], sh[lid + s]); }
    workgroupBarrier();
  }
  m = sh[0];
  workgroupBarrier();
  let dead = isNegInf(m); // every key masked
  var acc = 0.0;
  if (!dead) {
    for (var j = i32(lid); j < S; j += ${wg}) {
      let v = score(p[base + j], b, i, j);
      if (!isNegInf(v)) { acc += exp(v - m); }
    }
  }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
  let l = sh[0];
  let inv = 1.0 / l;
  let nan = bitcast<f32>(prm[9]); // NaN from the parameters: a constant one does not compile, and m − m may be folded to 0
  for (var j = i32(lid); j < S; j += ${wg}) {
    let v = score(p[base + j], b, i, j);
    p[base + j] = select(select(exp(v - m) * inv, 0.0, isNegInf(v)), nan, dead);
  }
  if (lid == 0u) { lse[row] = select(m + log(l), ninf, dead); }
}`;
}

/**
 * The `scaledDotProductAttention` primitive: inputs (q (B, L, E), k (B, S, E), v (B, S, Ev)[, additive float
 * mask (B, L, S), any strides]) → (out = softmax(scale·q·kᵀ + mask)·v (B, L, Ev), lse (B, L)); `isCausal`
 * masks keys j > i. Batch dims (N, H) instead of (B) run as N·H stacks.
 */
export function scaledDotProductAttention(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["scaledDotProductAttention"]): GPULayout[] {
  return overBatchDims(gpu, inputs, (flat) => attention3(gpu, flat, params));
}

/**
 * Runs a 3-D attention kernel on 3-D operands as they are, and on 4-D (N, H, ·, ·) ones as (N·H, ·, ·): merged
 * through one batch stride where the two dims combine, else copied dense; the outputs get (N, H) back.
 */
function overBatchDims(gpu: WebGPUDevice, inputs: readonly GPULayout[], run: (flat: GPULayout[]) => GPULayout[]): GPULayout[] {
  if (inputs[0]!.shape.length !== 4) return run(inputs.slice());
  const [N, H] = inputs[0]!.shape as [number, number];
  const temps: GPUBuffer[] = [];
  const flat = inputs.map((t) => {
    if (t.shape[0] !== N || t.shape[1] !== H) throw new Error(`scaledDotProductAttention: every operand must have the batch dims [${N}, ${H}], got [${t.shape.join(", ")}]`);
    const [sN, sH] = t.strides as [number, number];
    const merged = H === 1 || N === 1 || sN === H * sH ? t : dense(gpu, t, temps);
    const stride = H === 1 ? merged.strides[0]! : merged.strides[1]!;
    return { ...merged, shape: [N * H, ...t.shape.slice(2)], strides: [stride, ...merged.strides.slice(2)] };
  });
  const outs = run(flat);
  releaseAll(gpu, temps);
  return outs.map((o) => ({ ...o, shape: [N, H, ...o.shape.slice(1)], strides: [H * o.strides[0]!, o.strides[0]!, ...o.strides.slice(1)] }));
}

function attention3(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["scaledDotProductAttention"]): GPULayout[] {
  const op = "scaledDotProductAttention";
  const [q, k, v, mask] = inputs as [GPULayout, GPULayout, GPULayout, GPULayout | undefined];
  const [B, L, S, Ev] = checkAttention(op, q, k, v, mask);
  const lse = allocateLayout(gpu, [B, L], "float32", op);
  if (B * L === 0) return [allocateLayout(gpu, [B, L, Ev], "float32", op), lse];
  const p = matmul(gpu, q, transposed(k)); // raw scores (B, L, S), then P in place
  const wg = rowWidth(S);
  const prm = attentionParams(B, L, S, params.scale, mask);
  const buffers = [gpu.params(prm, op), p.buffer, lse.buffer];
  if (mask !== undefined) buffers.push(mask.buffer);
  gpu.dispatch(gpu.pipeline(softmaxShader(mask !== undefined, params.isCausal, wg)), buffers, grid(B * L), op);
  const out = matmul(gpu, p, v); // (B, L, Ev)
  gpu.release(p.buffer);
  return [out, lse];
}

function attentionParams(B: number, L: number, S: number, scale: number, mask: GPULayout | undefined): Int32Array {
  const bits = new Int32Array(Float32Array.of(scale).buffer)[0]!;
  return Int32Array.from([B * L, L, S, bits, NEG_INF_BITS, mask?.offset ?? 0, ...(mask?.strides ?? [0, 0, 0]), 0x7fc00000]);
}

function checkAttention(op: string, q: GPULayout, k: GPULayout, v: GPULayout, mask: GPULayout | undefined): [number, number, number, number] {
  for (const t of [q, k, v]) gpuDType(op, t.dtype, ["float32"]);
  if (q.shape.length !== 3 || k.shape.length !== 3 || v.shape.length !== 3) {
    throw new Error(`${op}: q, k and v must be 3-D (B, L, E), got [${q.shape.join(", ")}], [${k.shape.join(", ")}] and [${v.shape.join(", ")}]`);
  }
  const [B, L, E] = q.shape as [number, number, number], S = k.shape[1]!, Ev = v.shape[2]!;
  if (k.shape[0] !== B || v.shape[0] !== B || k.shape[2] !== E || v.shape[1] !== S) {
    throw new Error(`${op}: shapes q [${q.shape.join(", ")}], k [${k.shape.join(", ")}] and v [${v.shape.join(", ")}] do not fit (B, L, E), (B, S, E), (B, S, Ev)`);
  }
  if (mask !== undefined) {
    gpuDType(op, mask.dtype, ["float32"]);
    if (mask.shape.length !== 3 || mask.shape[0] !== B || mask.shape[1] !== L || mask.shape[2] !== S) {
      throw new Error(`${op}: mask of shape [${mask.shape.join(", ")}] must be (B, L, S) = [${B}, ${L}, ${S}] (broadcast by strides)`);
    }
  }
  return [B, L, S, Ev];
}

/**
 * shift[r] = dlse[r] − Σₑ dO[r, e]·O[r, e], one workgroup per row. prm (i32): [rows, Ev, dlseOffset, oOffset, dOOffset].
 */
function shiftShader(wg: number): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> shift: array<f32>;
@group(0) @binding(2) var<storage, read> dlse: array<f32>;
@group(0) @binding(3) var<storage, read> o: array<f32>;
@group(0) @binding(4) var<storage, read> go: array<f32>;
var<workgroup> sh: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = i32(wid.y * nwg.x + wid.x);
  if (row >= prm[0]) { return; }
  let Ev = prm[1];
  var acc = 0.0;
  for (var e = i32(lid); e < Ev; e += ${wg}) { acc += go[prm[4] + row * Ev + e] * o[prm[3] + row * Ev + e]; }
  sh[lid] = acc;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { sh[lid] = sh[lid] + sh[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { shift[row] = dlse[prm[2] + row] - sh[0]; }
}`;
}

/**
 * Backward rows: P = exp(score − lse) recomputed from the raw scores (in place), then, with dP = dO·Vᵀ given,
 * dS = P ∘ (dP + shift) written scaled in place of dP (for dq and dk) and, when maskGrad, unscaled (dmask).
 * prm as the forward's, then [10] lseOffset.
 */
function backwardRowShader(mask: boolean, causal: boolean, maskGrad: boolean): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> dp: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> shift: array<f32>;
${mask ? "@group(0) @binding(5) var<storage, read> mask: array<f32>;" : ""}
${maskGrad ? `@group(0) @binding(${mask ? 6 : 5}) var<storage, read_write> dmask: array<f32>;` : ""}
${scoreFn(mask, causal)}
@compute @workgroup_size(${WG})
fn main(${ENTRY_ARGS}) {
  let t = ${THREAD_INDEX};
  let S = prm[2];
  if (t >= prm[0] * S) { return; }
  let row = t / S;
  let j = t % S;
  let L = prm[1];
  let v = score(p[t], row / L, row % L, j);
  let pr = select(exp(v - lse[prm[10] + row]), 0.0, isNegInf(v));
  let ds = pr * (dp[t] + shift[row]);
  ${maskGrad ? "dmask[t] = ds;" : ""}
  dp[t] = bitcast<f32>(prm[3]) * ds;
  p[t] = pr;
}`;
}

/**
 * The `scaledDotProductAttentionBackward` primitive: inputs (q, k, v, out, lse, dOut, dLse[, mask]) →
 * (dq, dk, dv[, dmask when `maskGrad`]): P = exp(S − lse), dV = Pᵀ·dO, dS = P ∘ (dO·Vᵀ − rowsum(dO ∘ O) + dlse),
 * dQ = scale·dS·K, dK = scale·dSᵀ·Q, dmask = dS.
 */
export function scaledDotProductAttentionBackward(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["scaledDotProductAttentionBackward"]): GPULayout[] {
  return overBatchDims(gpu, inputs, (flat) => attentionBackward3(gpu, flat, params));
}

function attentionBackward3(gpu: WebGPUDevice, inputs: readonly GPULayout[], params: PrimParams["scaledDotProductAttentionBackward"]): GPULayout[] {
  const op = "scaledDotProductAttentionBackward";
  const [q, k, v, out0, lse0, gOut0, gLse0, mask] = inputs as [GPULayout, GPULayout, GPULayout, GPULayout, GPULayout, GPULayout, GPULayout, GPULayout | undefined];
  const [B, L, S, Ev] = checkAttention(op, q, k, v, mask);
  const E = q.shape[2]!;
  for (const [name, t, shape] of [["out", out0, [B, L, Ev]], ["lse", lse0, [B, L]], ["dOut", gOut0, [B, L, Ev]], ["dLse", gLse0, [B, L]]] as const) {
    gpuDType(op, t.dtype, ["float32"]);
    if (t.shape.length !== shape.length || t.shape.some((s, d) => s !== shape[d])) throw new Error(`${op}: ${name} of shape [${t.shape.join(", ")}] must be [${shape.join(", ")}]`);
  }
  if (params.maskGrad && mask === undefined) throw new Error(`${op}: maskGrad needs the mask among the inputs`);
  const zeros = (shape: number[]): GPULayout => {
    const t = allocateLayout(gpu, shape, "float32", op);
    zeroFill(gpu, t, op);
    return t;
  };
  if (B * L * S === 0) {
    const grads = [zeros([B, L, E]), zeros([B, S, E]), zeros([B, S, Ev])];
    if (params.maskGrad) grads.push(zeros([B, L, S]));
    return grads;
  }
  const temps: GPUBuffer[] = [];
  const out = dense(gpu, out0, temps), lse = dense(gpu, lse0, temps), gOut = dense(gpu, gOut0, temps), gLse = dense(gpu, gLse0, temps);
  const shift = allocateLayout(gpu, [B * L], "float32", op);
  temps.push(shift.buffer);
  const sprm = Int32Array.from([B * L, Ev, gLse.offset, out.offset, gOut.offset]);
  gpu.dispatch(gpu.pipeline(shiftShader(rowWidth(Ev))), [gpu.params(sprm, op), shift.buffer, gLse.buffer, out.buffer, gOut.buffer], grid(B * L), op);
  const p = matmul(gpu, q, transposed(k)); // raw scores, then P (B, L, S)
  const dp = matmul(gpu, gOut, transposed(v)); // dO·Vᵀ, then scale·dS (B, L, S)
  const dmask = params.maskGrad ? allocateLayout(gpu, [B, L, S], "float32", op) : null;
  const prm = Int32Array.from([...attentionParams(B, L, S, params.scale, mask), lse.offset]);
  const buffers = [gpu.params(prm, op), p.buffer, dp.buffer, lse.buffer, shift.buffer];
  if (mask !== undefined) buffers.push(mask.buffer);
  if (dmask !== null) buffers.push(dmask.buffer);
  gpu.dispatch(gpu.pipeline(backwardRowShader(mask !== undefined, params.isCausal, dmask !== null)), buffers, grid(Math.ceil((B * L * S) / WG)), op);
  const dv = matmul(gpu, transposed(p), gOut); // Pᵀ·dO (B, S, Ev)
  const dq = matmul(gpu, dp, k); // scale·dS·K (B, L, E)
  const dk = matmul(gpu, transposed(dp), q); // scale·dSᵀ·Q (B, S, E)
  gpu.release(p.buffer);
  gpu.release(dp.buffer);
  releaseAll(gpu, temps);
  const grads = [dq, dk, dv];
  if (dmask !== null) grads.push(dmask);
  return grads;
}

