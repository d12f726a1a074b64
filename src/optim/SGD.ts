// Stochastic gradient descent with momentum, Nesterov momentum, weight decay and annealed gradient noise.
import { peekGrad } from "../tensor/recycle.js";
import type { Tensor } from "../tensor/Tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import { randn, toDevice, zerosLike } from "../ops/creation.js";
import { fusedKernels, pinStorage } from "../backend/fused.js";
import type { Generator } from "../random/Generator.js";
import { Optimizer, type ParamGroup, type ParamsArg, type Update, withDefaults } from "./Optimizer.js";

/**
 * The hyperparameters of {@link SGD} (PyTorch's keyword arguments in camelCase, plus the gradient-noise
 * schedule); the constructor requires `lr` and takes any subset of the others, per parameter group.
 */
export interface SGDHyper {
  lr: number;
  /** μ: momentum factor (0 = plain SGD). */
  momentum: number;
  /** τ: dampening of the gradient entering the momentum buffer. */
  dampening: number;
  /** λ: L2 penalty added to the gradient (g + λθ). */
  weightDecay: number;
  /** Nesterov momentum (Sutskever et al. 2013): step along g + μb instead of b. */
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
  /**
   * η of annealed Gaussian gradient noise (Neelakantan et al. 2015, arXiv:1511.06807): g ← g + N(0, σ_t²)
   * with σ_t² = η/(1 + t)^γ at step t = 0, 1, …; 0 (default) disables it. The paper uses η ∈ {0.01, 0.3, 1}.
   */
  noiseEta: number;
  /** γ of the noise schedule (the paper's 0.55). */
  noiseGamma: number;
}

/**
 * The per-parameter state {@link SGD} keeps between steps (PyTorch's `optimizer.state[p]` entries in
 * camelCase).
 */
export interface SGDState {
  /** Steps taken (the t of the noise schedule). */
  step: number;
  /** b: the momentum buffer (absent until the first step with momentum). */
  momentumBuffer?: Tensor;
}

/**
 * One SGD step for one parameter, as PyTorch's algorithm:
 * ```
 * g ← ∇f(θ) (+ ε, ε ~ N(0, η/(1+t)^γ) with gradient noise) (−g if maximize)
 * if λ ≠ 0: g ← g + λθ
 * if μ ≠ 0: b ← g at t = 0, else b ← μb + (1 − τ)g
 *           g ← g + μb if nesterov, else g ← b
 * θ ← θ − γ_lr·g
 * ```
 */
export function sgdUpdate(param: Tensor, grad: Tensor, state: SGDState | undefined, h: SGDHyper, generator?: Generator): Update<SGDState> {
  const t = state?.step ?? 0;
  let g = h.maximize ? grad.neg() : grad;
  if (h.noiseEta > 0) {
    const sigma = Math.sqrt(h.noiseEta / Math.pow(1 + t, h.noiseGamma));
    g = g.add(randn(g.shape, { dtype: g.dtype, generator }).mul(sigma));
  }
  if (h.weightDecay !== 0) g = g.add(param.mul(h.weightDecay));
  let momentumBuffer = state?.momentumBuffer;
  if (h.momentum !== 0) {
    momentumBuffer = momentumBuffer === undefined ? g.clone() : momentumBuffer.mul(h.momentum).add(h.dampening === 0 ? g : g.mul(1 - h.dampening));
    g = h.nesterov ? g.add(momentumBuffer.mul(h.momentum)) : momentumBuffer;
  }
  const next: SGDState = { step: t + 1 };
  if (momentumBuffer !== undefined) next.momentumBuffer = momentumBuffer;
  return { param: param.sub(g.mul(h.lr)), state: next };
}

/**
 * Stochastic gradient descent (PyTorch's `torch.optim.SGD`, plus optional annealed gradient noise).
 *
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer<SGDHyper, SGDState> {
  private readonly generator: Generator | undefined;
  constructor(params: ParamsArg<SGDHyper>, options: Partial<SGDHyper> & { lr: number; generator?: Generator }) {
    // SGD has no default learning rate (as in PyTorch): say how to give one rather than fail on the missing object.
    if (options === undefined || (options !== null && typeof options === "object" && options.lr === undefined)) {
      throw new Error("SGD: needs a learning rate: new optim.SGD(params, { lr: 0.01 })");
    }
    if (options === null || typeof options !== "object") throw new Error(`SGD: options must be an object such as { lr: 0.01 }, got ${String(options)}`);
    const { generator, ...hyper } = options;
    const defaults: SGDHyper = withDefaults("SGD", {
      momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, noiseEta: 0, noiseGamma: 0.55,
    } as SGDHyper, hyper, ["lr"]);
    if (!(defaults.lr >= 0)) throw new Error(`SGD: invalid learning rate ${defaults.lr}`);
    if (!(defaults.momentum >= 0)) throw new Error(`SGD: invalid momentum ${defaults.momentum}`);
    if (!(defaults.weightDecay >= 0)) throw new Error(`SGD: invalid weightDecay ${defaults.weightDecay}`);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new Error("SGD: Nesterov momentum requires a momentum > 0 and zero dampening");
    }
    super(params, defaults);
    this.generator = generator;
  }
  protected updateGroup(group: ParamGroup<SGDHyper>): void {
    for (const p of group.params) {
      const g = peekGrad(p); // the fused step does not keep it (the generic path reads .grad)
      if (g === null) continue;
      if (p.storage.device !== null) {
        const next = sgdDeviceStep(p, g, this.state.get(p), group);
        if (next !== null) {
          this.state.set(p, next);
          continue;
        }
      }
      // The common case runs fused and in place (one pass, no temporaries): measured 3× faster on the
      // MLP benchmark. It computes exactly what sgdUpdate computes; the trajectory tests cover both.
      if (canFuse(p, g, group)) this.state.set(p, sgdStep_(p, g, this.state.get(p), group));
      else this.updateEach({ ...group, params: [p] }, (pp, gg, st) => sgdUpdate(pp, gg, st, group, this.generator));
    }
  }
}

/**
 * The update of sgdUpdate as one in-place pass of the device's fused kernel (float32 tensors on device
 * storage, contiguous from offset 0; Nesterov included), recorded without a readback; null when it does
 * not apply (the caller then runs the tensor ops, on the device too).
 */
function sgdDeviceStep(p: Tensor, g: Tensor, state: SGDState | undefined, h: SGDHyper): SGDState | null {
  const device = fusedKernels().sgdDevice;
  if (!device || h.noiseEta !== 0 || h.maximize || p.dtype !== "float32" || g.dtype !== "float32" || g.storage.device === null) return null;
  if (p.size !== g.size || !p.isContiguous() || !g.isContiguous() || p.offset !== 0 || g.offset !== 0) return null;
  let buf = state?.momentumBuffer;
  const first = h.momentum !== 0 && buf === undefined;
  if (first) buf = zerosLike(p);
  else if (buf !== undefined && (buf.storage.device === null || buf.offset !== 0 || !buf.isContiguous() || buf.size !== p.size || buf.dtype !== "float32")) buf = buf.storage.device === null ? toDevice(buf.to("float32").contiguous()) : buf.to("float32").clone();
  device(p, g, h.momentum !== 0 ? buf! : null, { lr: h.lr, momentum: h.momentum, dampening: h.dampening, weightDecay: h.weightDecay, nesterov: h.nesterov, first });
  const next: SGDState = { step: (state?.step ?? 0) + 1 };
  if (h.momentum !== 0) {
    buf!.storage.version++;
    next.momentumBuffer = buf!;
  }
  p.storage.version++;
  return next;
}

function canFuse(p: Tensor, g: Tensor, h: SGDHyper): boolean {
  return (
    p.storage.device === null &&
    h.noiseEta === 0 && !h.maximize && !h.nesterov && p.dtype === g.dtype && p.dtype !== "int32" &&
    p.isContiguous() && g.isContiguous() && p.size === g.size
  );
}

/**
 * In-place form of sgdUpdate for the plain and heavy-ball cases (no noise, no Nesterov, not maximizing):
 * g ← ∇ + λθ; b ← μb + (1 − τ)g (b₁ = g); θ ← θ − η·(μ ≠ 0 ? b : g).
 */
export function sgdStep_(param: Tensor, grad: Tensor, state: SGDState | undefined, h: SGDHyper): SGDState {
  const n = param.size;
  const next: SGDState = { step: (state?.step ?? 0) + 1 };
  let buf = state?.momentumBuffer;
  if (h.momentum !== 0 && buf === undefined) {
    buf = zerosLike(param);
    pinStorage(buf.storage);
    fusedSgd(param.storage.data, param.offset, grad.storage.data, grad.offset, buf.storage.data, buf.offset, n, h, true);
  } else {
    const b = buf ?? param; // unused without momentum
    fusedSgd(param.storage.data, param.offset, grad.storage.data, grad.offset, b.storage.data, b.offset, n, h, false);
  }
  if (buf !== undefined && h.momentum !== 0) {
    buf.storage.version++;
    next.momentumBuffer = buf;
  }
  param.storage.version++;
  return next;
}

/** From this many elements the backend's fused kernel (if any) runs the update; below, the loop here. */
const MIN_FAST_SGD = 1024;

/** One pass over the elements; float32 and float64 get separate copies of the loop (monomorphic loads). */
function fusedSgd(p: TypedArray, po: number, g: TypedArray, go: number, b: TypedArray, bo: number, n: number, h: SGDHyper, first: boolean): void {
  const fast = fusedKernels().sgdF32;
  if (fast && n >= MIN_FAST_SGD && p instanceof Float32Array) {
    const mode = h.momentum === 0 ? "plain" : first ? "first" : "momentum";
    const sub = (a: TypedArray, o: number) => (a as Float32Array).subarray(o, o + n);
    fast(mode, sub(p, po), sub(g, go), mode === "plain" ? null : sub(b, bo), { lr: h.lr, momentum: h.momentum, keep: 1 - h.dampening, weightDecay: h.weightDecay });
    return;
  }
  const run = p instanceof Float32Array ? fusedSgdF32 : fusedSgdF64;
  run(p as never, po, g as never, go, b as never, bo, n, h.lr, h.momentum, 1 - h.dampening, h.weightDecay, first);
}

function fusedSgdF32(p: Float32Array, po: number, g: Float32Array, go: number, b: Float32Array, bo: number, n: number, lr: number, mu: number, keep: number, wd: number, first: boolean): void {
  if (mu === 0) {
    for (let i = 0; i < n; i++) p[po + i] = p[po + i]! - lr * (g[go + i]! + wd * p[po + i]!);
  } else if (first) {
    for (let i = 0; i < n; i++) {
      const gi = g[go + i]! + wd * p[po + i]!;
      b[bo + i] = gi;
      p[po + i] = p[po + i]! - lr * gi;
    }
  } else if (wd === 0) {
    for (let i = 0; i < n; i++) {
      const bi = mu * b[bo + i]! + keep * g[go + i]!;
      b[bo + i] = bi;
      p[po + i] = p[po + i]! - lr * bi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const bi = mu * b[bo + i]! + keep * (g[go + i]! + wd * p[po + i]!);
      b[bo + i] = bi;
      p[po + i] = p[po + i]! - lr * bi;
    }
  }
}

function fusedSgdF64(p: Float64Array, po: number, g: Float64Array, go: number, b: Float64Array, bo: number, n: number, lr: number, mu: number, keep: number, wd: number, first: boolean): void {
  if (mu === 0) {
    for (let i = 0; i < n; i++) p[po + i] = p[po + i]! - lr * (g[go + i]! + wd * p[po + i]!);
  } else if (first) {
    for (let i = 0; i < n; i++) {
      const gi = g[go + i]! + wd * p[po + i]!;
      b[bo + i] = gi;
      p[po + i] = p[po + i]! - lr * gi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const bi = mu * b[bo + i]! + keep * (g[go + i]! + wd * p[po + i]!);
      b[bo + i] = bi;
      p[po + i] = p[po + i]! - lr * bi;
    }
  }
}
