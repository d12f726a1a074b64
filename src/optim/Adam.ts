// Adam (Kingma & Ba 2015) with PyTorch's L2 weight decay and the AMSGrad variant.
import type { Tensor } from "../tensor/Tensor.js";
import { toDevice, zerosLike } from "../ops/creation.js";
import { maximum } from "../ops/elementwise.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";
import { fusedKernels, pinStorage } from "../backend/fused.js";
import type { AdamStep } from "../backend/wasm/optim.js";
import { peekGrad } from "../tensor/recycle.js";

/**
 * The hyperparameters of {@link Adam} (PyTorch's keyword arguments in camelCase); the constructor takes any
 * subset, per parameter group, the rest defaulting as PyTorch's.
 */
export interface AdamHyper {
  lr: number;
  /** (β₁, β₂): decay rates of the first and second moment estimates. */
  betas: [number, number];
  eps: number;
  /** λ: L2 penalty added to the gradient (coupled; see AdamW for decoupled decay). */
  weightDecay: number;
  /** AMSGrad (Reddi et al. 2018, "On the Convergence of Adam and Beyond"): use the running max of v. */
  amsgrad: boolean;
  maximize: boolean;
}

/**
 * The per-parameter state {@link Adam} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface AdamState {
  step: number;
  /** m: first moment estimate. */
  expAvg: Tensor;
  /** v: second moment estimate. */
  expAvgSq: Tensor;
  /** v̂max (AMSGrad only). */
  maxExpAvgSq?: Tensor;
}

/**
 * The Adam moment update and step shared by Adam and AdamW, in PyTorch's operation order:
 * ```
 * m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
 * v̂ ← max(v̂max, v) with AMSGrad, else v
 * θ ← θ − (γ/(1 − β₁ᵗ))·m / (√v̂/√(1 − β₂ᵗ) + ε)
 * ```
 */
export function adamMoments(param: Tensor, g: Tensor, state: AdamState | undefined, h: AdamHyper): Update<AdamState> {
  const [beta1, beta2] = h.betas;
  const step = (state?.step ?? 0) + 1;
  const expAvg = (state?.expAvg ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1));
  const expAvgSq = (state?.expAvgSq ?? zerosLike(param)).mul(beta2).add(g.mul(g).mul(1 - beta2));
  const biasCorrection1 = 1 - Math.pow(beta1, step);
  const biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const stepSize = h.lr / biasCorrection1;
  const next: AdamState = { step, expAvg, expAvgSq };
  let second = expAvgSq;
  if (h.amsgrad) {
    second = maximum(state?.maxExpAvgSq ?? zerosLike(param), expAvgSq);
    next.maxExpAvgSq = second;
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add(h.eps);
  return { param: param.sub(expAvg.div(denom).mul(stepSize)), state: next };
}

/**
 * One Adam step (Kingma & Ba 2015, arXiv:1412.6980; PyTorch's algorithm):
 * ```
 * g ← ∇f(θ) (−g if maximize);  if λ ≠ 0: g ← g + λθ
 * then the moment update and step of `adamMoments`
 * ```
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: AdamState | undefined, h: AdamHyper): Update<AdamState> {
  let g = h.maximize ? grad.neg() : grad;
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  return adamMoments(param, g, state, h);
}

/**
 * `adamUpdate`/`adamwUpdate` on float32 arrays in one plain loop, in place: the tensor-op form's
 * operations in its order, each rounded to float32 as its kernel stores it (a product or sum of two
 * float32 values computed in float64 and rounded once is the float32 operation), and its scalars
 * rounded to float32 as its 0-d operands are, so the result is the tensor-op form's, bit for bit
 * (test/optim/adamLoop.test.ts). Small parameters skip the ~13 tensor ops per parameter and step.
 */
function adamLoopF32(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, s: AdamStep, maximize: boolean): void {
  const f = Math.fround;
  const beta1 = f(s.beta1), oneMinusBeta1 = f(1 - s.beta1), beta2 = f(s.beta2), oneMinusBeta2 = f(1 - s.beta2);
  const bc2 = f(s.bc2), eps = f(s.eps), stepSize = f(s.stepSize), weightDecay = f(s.weightDecay), decay = f(s.decay);
  const coupled = s.weightDecay !== 0, decoupled = s.decay !== 1, sign = maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    let gi = sign * g[i]!;
    if (coupled) gi = f(gi + f(p[i]! * weightDecay));
    const mi = f(f(m[i]! * beta1) + f(gi * oneMinusBeta1));
    const vi = f(f(v[i]! * beta2) + f(f(gi * gi) * oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vmax !== null) {
      const old = vmax[i]!;
      second = old !== old || vi !== vi ? NaN : old > vi ? old : vi; // maximum, as its kernel (NaN wins)
      vmax[i] = second;
    }
    const denom = f(f(f(Math.sqrt(second)) / bc2) + eps);
    const pi = decoupled ? f(p[i]! * decay) : p[i]!;
    p[i] = f(pi - f(f(mi / denom) * stepSize));
  }
}

/** From this many elements the backend's fused kernel (if any) runs the update; below (or without one), adamLoopF32. */
const MIN_FAST_ADAM = 1024;
/** State tensors made by the fused step (safe to update in place; others, e.g. loaded ones, are copied first). */
const ownedState = new WeakSet<Tensor>();

/**
 * The update of `adamMoments` (after Adam's coupled or AdamW's decoupled weight decay) as one in-place
 * pass over float32 arrays, or null when it does not apply (not float32, non-contiguous tensors): the
 * caller then runs the tensor-op form. From MIN_FAST_ADAM elements the backend's fused kernel runs it
 * (same formulas and operation order, rounded to float32 after each operation, a few operations
 * ordered differently: test/optim/adamFused.test.ts); below, or without a kernel, adamLoopF32 (the
 * tensor-op form's result exactly).
 */
export function adamFusedStep(p: Tensor, g: Tensor, state: AdamState | undefined, h: AdamHyper, decoupled: boolean): AdamState | null {
  // Device storage takes the device's kernel (any size, recorded without a readback); the host kernels never see it.
  const onDevice = p.storage.device !== null;
  const n = p.size;
  if (p.dtype !== "float32" || g.dtype !== "float32" || g.size !== n || !p.isContiguous() || !g.isContiguous()) return null;
  const device = onDevice ? fusedKernels().adamDevice : undefined;
  if (onDevice && (!device || h.maximize || p.offset !== 0 || g.offset !== 0 || g.storage.device === null)) return null;
  const kernel = onDevice ? undefined : fusedKernels().adamF32;
  const fast = kernel && !h.maximize && n >= MIN_FAST_ADAM ? kernel : null;
  const m = ownState(state?.expAvg, p), v = ownState(state?.expAvgSq, p);
  const vmax = h.amsgrad ? ownState(state?.maxExpAvgSq, p) : null;
  const [beta1, beta2] = h.betas;
  const step = (state?.step ?? 0) + 1;
  const hyper: AdamStep = {
    stepSize: h.lr / (1 - Math.pow(beta1, step)),
    beta1,
    beta2,
    bc2: Math.sqrt(1 - Math.pow(beta2, step)),
    eps: h.eps,
    weightDecay: decoupled ? 0 : h.weightDecay,
    decay: decoupled ? 1 - h.lr * h.weightDecay : 1,
  };
  if (device) device(p, g, m, v, vmax, hyper);
  else if (fast) fast(f32(p), f32(g), f32(m), f32(v), vmax && f32(vmax), hyper);
  else adamLoopF32(f32(p), f32(g), f32(m), f32(v), vmax && f32(vmax), hyper, h.maximize);
  p.storage.version++;
  m.storage.version++;
  v.storage.version++;
  if (vmax) vmax.storage.version++;
  const next: AdamState = { step, expAvg: m, expAvgSq: v };
  if (vmax) next.maxExpAvgSq = vmax;
  return next;
}

/**
 * The state tensor `t` (a moment estimate) if the fused step made it, else a fresh float32 copy of it
 * (zeros without one, or with one of another size), pinned where the kernels work and on p's device.
 * Module-level, as f32 below, so that a step makes no closures: for a small parameter, making them
 * cost about as much as its whole update loop (profile of a 4-64-64-2 DQN update under tsx).
 */
function ownState(t: Tensor | undefined, p: Tensor): Tensor {
  if (t !== undefined && ownedState.has(t)) return t;
  let fresh = t !== undefined && t.size === p.size ? t.to("float32").contiguous().clone() : zerosLike(p);
  if (p.storage.device !== null && fresh.storage.device === null) fresh = toDevice(fresh); // state loaded on the host
  pinStorage(fresh.storage);
  ownedState.add(fresh);
  return fresh;
}

/** The float32 elements of a contiguous tensor, as a view of its storage. */
function f32(t: Tensor): Float32Array {
  return (t.storage.data as Float32Array).subarray(t.offset, t.offset + t.size);
}

/** Runs the fused step where it applies, else `rule` through updateEach (shared by Adam and AdamW). */
export function adamFamilyStep(
  opt: { state: Map<Tensor, AdamState> }, group: ParamGroup<AdamHyper>, decoupled: boolean,
  fallback: (p: Tensor) => void,
): void {
  for (const p of group.params) {
    const g = peekGrad(p); // the fused step does not keep it; the fallback reads .grad
    if (g === null) continue;
    const next = adamFusedStep(p, g, opt.state.get(p), group, decoupled);
    if (next) opt.state.set(p, next);
    else fallback(p);
  }
}

export function adamDefaults<H extends AdamHyper>(name: string, options: Partial<H>, base: AdamHyper): AdamHyper {
  const d = withDefaults(name, base, options);
  if (!(d.lr >= 0)) throw new Error(`${name}: invalid learning rate ${d.lr}`);
  if (!(d.eps >= 0)) throw new Error(`${name}: invalid epsilon ${d.eps}`);
  if (!(d.betas[0] >= 0 && d.betas[0] < 1)) throw new Error(`${name}: invalid beta1 ${d.betas[0]} (must be in [0, 1))`);
  if (!(d.betas[1] >= 0 && d.betas[1] < 1)) throw new Error(`${name}: invalid beta2 ${d.betas[1]} (must be in [0, 1))`);
  if (!(d.weightDecay >= 0)) throw new Error(`${name}: invalid weightDecay ${d.weightDecay}`);
  return d;
}

/**
 * Adam (PyTorch's `torch.optim.Adam`): lr 1e-3, betas (0.9, 0.999), eps 1e-8 by default.
 *
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3, amsgrad: true });
 * ```
 */
export class Adam extends Optimizer<AdamHyper, AdamState> {
  constructor(params: ParamsArg<AdamHyper>, options: Partial<AdamHyper> = {}) {
    super(params, adamDefaults("Adam", options, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }));
  }
  protected updateGroup(group: ParamGroup<AdamHyper>): void {
    adamFamilyStep(this, group, false, (p) => this.updateEach({ ...group, params: [p] }, (pp, g, s) => adamUpdate(pp, g, s, group)));
  }
}
