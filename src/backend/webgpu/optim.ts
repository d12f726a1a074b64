/// <reference types="@webgpu/types" />
// Fused optimizer updates over one flat float32 parameter buffer, in place: Adam/AdamW and SGD with
// momentum, with the formulas and operation order of torch.optim (and of the WASM kernels, assembly/optim.ts).
import { grid, type WebGPUDevice } from "./device.js";
import { gpuDType, isContiguous, sizeOf, type GPULayout } from "./layout.js";

const WG = 256;

/** Hyperparameters of one Adam step (as src/backend/wasm/optim.ts's AdamStep). */
export interface WebGPUAdamStep {
  /** lr / (1 − β₁ᵗ). */
  stepSize: number;
  beta1: number;
  beta2: number;
  /** √(1 − β₂ᵗ). */
  bc2: number;
  eps: number;
  /** Adam's coupled L2 weight decay (0 for AdamW). */
  weightDecay: number;
  /** AdamW's decoupled decay factor 1 − lr·λ (1 for Adam). */
  decay: number;
}

/** Hyperparameters of one SGD step: `first` starts the momentum buffer (b ← g), as torch.optim.SGD. */
export interface WebGPUSgdStep {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  first: boolean;
}

/** Packs n and float hyperparameters into one parameter buffer (floats as their bits). */
function packParams(n: number, values: readonly number[]): Int32Array {
  const words = new Int32Array(1 + values.length);
  words[0] = n;
  new Float32Array(words.buffer, 4).set(values);
  return words;
}

function flatOperands(op: string, layouts: readonly (GPULayout | null)[]): number {
  const n = sizeOf(layouts[0]!.shape);
  for (const x of layouts) {
    if (x === null) continue;
    gpuDType(op, x.dtype, ["float32"]);
    if (sizeOf(x.shape) !== n || !isContiguous(x) || x.offset !== 0) {
      throw new Error(`${op}: expects whole contiguous float32 buffers of one size, got shapes ${layouts.filter((l) => l !== null).map((l) => `[${l!.shape.join(", ")}]`).join(", ")}`);
    }
  }
  return n;
}

const ADAM = (amsgrad: boolean) => /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
${amsgrad ? "@group(0) @binding(5) var<storage, read_write> vmax: array<f32>;" : ""}
fn h(k: i32) -> f32 { return bitcast<f32>(prm[k]); }
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = i32((wid.y * nwg.x + wid.x) * ${WG}u + lid);
  if (i >= prm[0]) { return; }
  // h: 1 stepSize, 2 β₁, 3 1−β₁, 4 β₂, 5 1−β₂, 6 bc2, 7 ε, 8 weight decay, 9 decay
  let pd = p[i] * h(9);                        // AdamW's decoupled decay (1 for Adam)
  let gd = g[i] + h(8) * pd;                   // Adam's coupled L2 term (0 for AdamW)
  let mi = m[i] * h(2) + gd * h(3);            // m ← β₁m + (1 − β₁)g
  let vi = v[i] * h(4) + (gd * gd) * h(5);     // v ← β₂v + (1 − β₂)g²
  m[i] = mi;
  v[i] = vi;
  ${amsgrad ? "let vh = max(vmax[i], vi); vmax[i] = vh;" : "let vh = vi;"}
  let denom = sqrt(vh) / h(6) + h(7);          // √v̂/√(1 − β₂ᵗ) + ε
  p[i] = pd - (mi / denom) * h(1);             // θ ← θ − (γ/(1 − β₁ᵗ))·m/denom
}`;

/**
 * One Adam (or AdamW) step over flat float32 buffers, in place: p, g, m, v (and vmax for AMSGrad) of one
 * size. Recorded into the current batch like any dispatch.
 */
export function adamStep(gpu: WebGPUDevice, p: GPULayout, g: GPULayout, m: GPULayout, v: GPULayout, vmax: GPULayout | null, h: WebGPUAdamStep): void {
  const n = flatOperands("adamStep", [p, g, m, v, vmax]);
  if (n === 0) return;
  // 1 − β computed in float64 and then rounded, as PyTorch's alpha
  const prm = packParams(n, [h.stepSize, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.bc2, h.eps, h.weightDecay, h.decay]);
  const buffers = [gpu.params(prm, "adamStep"), p.buffer, g.buffer, m.buffer, v.buffer];
  if (vmax !== null) buffers.push(vmax.buffer);
  gpu.dispatch(gpu.pipeline(ADAM(vmax !== null)), buffers, grid(Math.ceil(n / WG)), "adamStep");
}

const SGD = (mode: "plain" | "first" | "momentum", nesterov: boolean) => /* wgsl */ `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read_write> p: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
${mode === "plain" ? "" : "@group(0) @binding(3) var<storage, read_write> b: array<f32>;"}
fn h(k: i32) -> f32 { return bitcast<f32>(prm[k]); }
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = i32((wid.y * nwg.x + wid.x) * ${WG}u + lid);
  if (i >= prm[0]) { return; }
  // h: 1 lr, 2 μ, 3 1 − τ (dampening), 4 weight decay
  let pi = p[i];
  let gd = g[i] + h(4) * pi;                   // g ← g + λθ
${mode === "plain" ? "  let step = gd;" : `  let bi = ${mode === "first" ? "gd" : "h(2) * b[i] + h(3) * gd"};  // b ← ${mode === "first" ? "g (first step)" : "μb + (1 − τ)g"}
  b[i] = bi;
  let step = ${nesterov ? "gd + h(2) * bi" : "bi"};`}
  p[i] = pi - h(1) * step;                     // θ ← θ − γ·step
}`;

/**
 * One SGD step over flat float32 buffers, in place (torch.optim.SGD): b ← g + λθ on the first step with
 * momentum, μb + (1 − τ)(g + λθ) after; θ ← θ − γ·(b, or g + μb with Nesterov). `b` is null without momentum.
 */
export function sgdStep(gpu: WebGPUDevice, p: GPULayout, g: GPULayout, b: GPULayout | null, h: WebGPUSgdStep): void {
  const n = flatOperands("sgdStep", [p, g, b]);
  if (h.momentum !== 0 && b === null) throw new Error("sgdStep: momentum needs a momentum buffer b");
  if (n === 0) return;
  const mode = h.momentum === 0 ? "plain" : h.first ? "first" : "momentum";
  const prm = packParams(n, [h.lr, h.momentum, 1 - h.dampening, h.weightDecay]);
  const buffers = [gpu.params(prm, "sgdStep"), p.buffer, g.buffer];
  if (mode !== "plain") buffers.push(b!.buffer);
  gpu.dispatch(gpu.pipeline(SGD(mode, h.nesterov && mode !== "plain")), buffers, grid(Math.ceil(n / WG)), "sgdStep");
}
